//! Stock operations, and the check that stored levels are the fold of stored movements.

use std::sync::Arc;

use pos_app::{AppError, Store, StoreError};
use pos_inventory::InventoryError;
use rust_decimal::Decimal;

use super::{approve, assert_stock_is_fold, counts};
use crate::fixtures::*;
use crate::inspect::Inspect;

/// Stock operations: adjustments with reasons, transfers through transit with short receipts,
/// counts that touch only counted SKUs, reservations that hold only available stock (also when
/// tills race), and refusals that write nothing.
pub async fn stock_operations<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let stock = Arc::new(stock(store.clone()));
    let d = Decimal::from;
    let back = pos_inventory::LocationId::new("seoul-1/back");
    let level = |s: Arc<S>, l: pos_inventory::LocationId, k: &'static str| async move {
        s.level(&store_id(), &l, &sku(k)).await.unwrap_or_default()
    };
    stock
        .adjust(&location(), &sku("milk"), d(-2), "파손", "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(998));
    let before = counts(&*store).await;
    assert!(matches!(
        stock.adjust(&location(), &sku("milk"), d(0), "x", "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    assert!(matches!(
        stock.adjust(&location(), &sku("milk"), d(1), " ", "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    let e = stock.adjust(&location(), &sku("last"), d(-6), "도난", "kim", noon()).await.unwrap_err();
    assert!(matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })), "{e}");
    assert_eq!(counts(&*store).await, before, "refusals write nothing");

    // Transfer 10 milk to the back room; 8 arrive.
    assert!(matches!(
        stock
            .dispatch_transfer("TR-1", &location(), &location(), &[(sku("milk"), d(1))], "kim", noon())
            .await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    stock
        .dispatch_transfer(
            "TR-1",
            &location(),
            &back,
            &[(sku("milk"), d(10)), (sku("cola"), d(2))],
            "kim",
            noon(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(988));
    assert_eq!(level(store.clone(), back.clone(), "milk").await.on_hand, d(0), "in transit");
    assert!(matches!(
        stock.dispatch_transfer("TR-1", &location(), &back, &[(sku("milk"), d(1))], "kim", noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    assert!(matches!(
        stock.receive_transfer("TR-1", &[(sku("milk"), d(11))], "lee", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    let variance = stock
        .receive_transfer("TR-1", &[(sku("milk"), d(8))], "lee", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(variance.get(&sku("milk")), Some(&d(2)));
    assert_eq!(variance.get(&sku("cola")), Some(&d(2)));
    assert_eq!(level(store.clone(), back.clone(), "milk").await.on_hand, d(8));
    assert!(matches!(
        stock.receive_transfer("TR-1", &[], "lee", noon()).await,
        Err(AppError::Inventory(InventoryError::WrongState { .. }))
    ));

    // A count of milk only.
    let cola_before = level(store.clone(), location(), "cola").await.on_hand;
    let variances = stock
        .post_count("CNT-1", &location(), &[(sku("milk"), d(980))], "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(variances.get(&sku("milk")), Some(&d(-8)));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(980));
    assert_eq!(
        level(store.clone(), location(), "cola").await.on_hand,
        cola_before,
        "not counted, not touched"
    );
    assert!(matches!(
        stock.post_count("CNT-2", &location(), &[(sku("ghost"), d(1))], "kim", noon()).await,
        Err(AppError::InvalidField { .. })
    ));
    assert!(matches!(
        stock.post_count("CNT-1", &location(), &[(sku("milk"), d(1))], "kim", noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));

    // Reservations hold only what is available: 8 tills race for the 5 units of `last`, 3 each.
    let later = noon() + chrono::Duration::hours(24);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let stock = stock.clone();
        tasks.push(tokio::spawn(async move {
            stock
                .reserve(&format!("R-{i}"), &location(), &sku("last"), Decimal::from(3), later, "web", noon())
                .await
        }));
    }
    let mut won_ids = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if t.await.unwrap_or_else(|e| panic!("task: {e}")).is_ok() {
            won_ids.push(format!("R-{i}"));
        }
    }
    assert_eq!(won_ids.len(), 1, "5 units hold one reservation of 3");
    let l = level(store.clone(), location(), "last").await;
    assert_eq!((l.on_hand, l.reserved, l.available), (d(5), d(3), d(2)));
    let co = checkout(store.clone(), approve());
    let e = co.complete_sale(&sale("held", "T1", &[("last", 3)], None, false)).await.unwrap_err();
    assert!(
        matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })),
        "reserved stock is not for sale: {e}"
    );
    stock.fulfil(&won_ids[0], "kim", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let l = level(store.clone(), location(), "last").await;
    assert_eq!((l.on_hand, l.reserved), (d(2), d(0)));
    assert!(matches!(
        stock.release(&won_ids[0], "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::WrongState { .. }))
    ));
    stock
        .reserve("R-9", &location(), &sku("last"), d(1), later, "web", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stock.release("R-9", "kim", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "last").await.available, d(2));
    assert!(matches!(
        stock.reserve("R-10", &location(), &sku("last"), d(1), noon(), "web", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    // Reservations lapse: expiry releases the hold.
    stock
        .reserve("R-11", &location(), &sku("last"), d(2), noon() + chrono::Duration::hours(1), "web", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "last").await.available, d(0));
    assert!(stock.expire_reservations(noon(), "system").await.unwrap_or_default().is_empty());
    let expired = stock
        .expire_reservations(noon() + chrono::Duration::hours(2), "system")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(expired, vec!["R-11".to_owned()]);
    assert_eq!(level(store.clone(), location(), "last").await.available, d(2));
    assert_stock_is_fold(&*store).await;
}

/// A request with a key changes stock and cash once: goods received, an adjustment, a paid-in
/// and a paid-out sent again (their first answer lost) change nothing twice; paid-ins on one
/// drawer at once are all kept.
pub async fn a_request_changes_stock_and_cash_once<S: Store + Inspect>(store: Arc<S>) {
    let d = Decimal::from;
    seed(&store).await;
    let stock = pos_app::Stock::new(store.clone(), store_id());
    let level = || {
        let store = store.clone();
        async move {
            store
                .level(&store_id(), &location(), &sku("milk"))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .on_hand
        }
    };
    let before = level().await;
    for _ in 0..3 {
        stock
            .for_request("receipts:r-1")
            .receive(&location(), &sku("milk"), d(12), "kim", noon())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        stock
            .for_request("adjust:a-1")
            .adjust(&location(), &sku("milk"), d(-2), "파손", "kim", noon())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(level().await, before + d(10), "received 12 and removed 2, once each");
    // Another key is another request.
    stock
        .for_request("receipts:r-2")
        .receive(&location(), &sku("milk"), d(1), "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level().await, before + d(11));

    let shifts = shifts(store.clone());
    shifts.open_shift("T1", "김민수", won(100_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        shifts
            .for_request("paid_in:p-1")
            .paid_in("T1", won(5_000), "잔돈", noon())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        shifts
            .for_request("paid_out:o-1")
            .paid_out("T1", won(2_000), "택배비", noon())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let x = shifts.x_report("T1").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((x.paid_in, x.paid_out), (won(5_000), won(2_000)));
    // Eight paid-ins at once, each its own request: none is lost.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = shifts.for_request(&format!("paid_in:c-{i}"));
        tasks.push(tokio::spawn(async move { s.paid_in("T1", won(1_000), "동전", noon()).await }));
    }
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
    }
    let x = shifts.x_report("T1").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.paid_in, won(13_000), "the 5,000 and eight of 1,000");
}
