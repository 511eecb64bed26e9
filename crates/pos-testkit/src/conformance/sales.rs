//! Sales: what a sale writes, atomicity, idempotency, stock races, numbering, bad input,
//! gateway outcomes, parked baskets, coupons and price lists.

use std::collections::BTreeMap;
use std::sync::Arc;

use pos_app::{AppError, CommitStep, Store, StoreError};
use pos_inventory::InventoryError;
use pos_payments::{TenderInput, TenderKind};
use rust_decimal::Decimal;

use super::{approve, assert_stock_is_fold, counts};
use crate::fixtures::*;
use crate::gateway::{FakeGateway, Script};
use crate::inspect::{Inspect, Tamper};

/// A sale writes its row, lines, payments, movements, loyalty entries and journal record.
pub async fn sale_writes_everything<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let before = counts(&*store).await;
    let co = checkout(store.clone(), approve());
    let request = sale("k1", "T1", &[("milk", 2), ("cola", 1)], Some("m-1"), false);
    let live = co.price(&request.basket, noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(live.total, won(5_000));
    assert_eq!(counts(&*store).await, before, "pricing records nothing");
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.number, done.receipt.as_str(), done.journal_sequence), (1, "T1-000001", 1));
    let after = counts(&*store).await;
    let delta = |t: &str| after[t] - before[t];
    assert_eq!(
        (delta("sales"), delta("sale_lines"), delta("payments"), delta("stock_movements"), delta("journal")),
        (1, 2, 1, 2, 1)
    );
    // 5,000 won earns 50 points plus the 1,000-point signup bonus: two ledger entries.
    assert_eq!(delta("loyalty_entries"), 2);
    let (account, version) = store
        .load_account(&store_id(), "m-1")
        .await
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!((account.balance(), version), (1_050, 1));
    let level = store.level(&store_id(), &location(), &sku("milk")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.on_hand, Decimal::from(998));
}

/// A failure at any step of the commit leaves nothing of the sale behind, and the next sale
/// still gets number 1.
pub async fn atomic_at_every_step<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let before = counts(&*store).await;
    for (i, step) in [
        CommitStep::Document,
        CommitStep::Lines,
        CommitStep::Payments,
        CommitStep::Stock,
        CommitStep::Loyalty,
        CommitStep::Journal,
    ]
    .into_iter()
    .enumerate()
    {
        co.fail_after(Some(step));
        let r = co
            .complete_sale(&sale(&format!("fail-{i}"), "T1", &[("milk", 1), ("last", 1)], Some("m-1"), false))
            .await;
        assert_eq!(r.unwrap_err(), AppError::Injected { step }, "{step:?}");
        assert_eq!(counts(&*store).await, before, "rows left behind after a failure at {step:?}");
        assert_eq!(
            store.level(&store_id(), &location(), &sku("last")).await.ok().map(|l| l.on_hand),
            Some(Decimal::from(5))
        );
        assert_eq!(store.load_account(&store_id(), "m-1").await.ok().flatten(), None, "{step:?}");
    }
    co.fail_after(None);
    let done = co
        .complete_sale(&sale("ok", "T1", &[("milk", 1)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.number, done.journal_sequence), (1, 1), "failed attempts consume no numbers");
    assert_stock_is_fold(&*store).await;
}

/// Ten concurrent submissions with one idempotency key make exactly one sale; the same key
/// with different content is a conflict.
pub async fn idempotent_under_concurrency<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let request = sale("same-key", "T1", &[("cola", 3)], None, false);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (co, request) = (co.clone(), request.clone());
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap_or_else(|e| panic!("task: {e}")).unwrap_or_else(|e| panic!("sale: {e}")));
    }
    assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1, "exactly one original");
    assert!(
        results.iter().all(|r| r.sale_id == results[0].sale_id || r.replayed),
        "replays return the first sale"
    );
    assert!(results.iter().all(|r| r.receipt == "T1-000001"));
    assert_eq!(counts(&*store).await["sales"], 1);
    assert_eq!(
        store.level(&store_id(), &location(), &sku("cola")).await.ok().map(|l| l.on_hand),
        Some(Decimal::from(997))
    );
    let different = sale("same-key", "T1", &[("cola", 4)], None, false);
    let before = counts(&*store).await;
    assert_eq!(
        co.complete_sale(&different).await.unwrap_err(),
        AppError::IdempotencyConflict { key: "same-key".into() }
    );
    assert_eq!(counts(&*store).await, before);
}

/// Sixteen concurrent sales race for the last five units of a SKU that refuses negative stock:
/// exactly five succeed.
pub async fn no_oversell<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let co = co.clone();
        let request = sale(&format!("race-{i}"), &format!("T{}", i % 4), &[("last", 1)], None, false);
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            Ok(_) => ok += 1,
            Err(AppError::Inventory(InventoryError::InsufficientStock { sku, available, .. })) => {
                assert_eq!((sku.as_str(), available), ("last", Decimal::ZERO));
                refused += 1;
            }
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!((ok, refused), (5, 11));
    let level = store.level(&store_id(), &location(), &sku("last")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.on_hand, Decimal::ZERO);
    assert_eq!(counts(&*store).await["sales"], 5);
    assert_stock_is_fold(&*store).await;
}

/// Sixteen tills selling concurrently: receipt numbers and journal sequences are gapless per
/// terminal and every journal verifies.
pub async fn gapless_numbering_under_concurrency<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let mut tasks = Vec::new();
    for till in 0..16 {
        for n in 0..4 {
            let co = co.clone();
            // Four tills share each terminal id: numbering must hold under contention too.
            let request =
                sale(&format!("till{till}-{n}"), &format!("T{}", till % 4), &[("milk", 1)], None, false);
            tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
        }
    }
    let mut numbers: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for t in tasks {
        let done = t.await.unwrap_or_else(|e| panic!("task: {e}")).unwrap_or_else(|e| panic!("sale: {e}"));
        let terminal = done.receipt.split('-').next().unwrap_or_default().to_owned();
        numbers.entry(terminal).or_default().push(done.number);
        assert_eq!(done.number, done.journal_sequence);
    }
    for (terminal, mut ns) in numbers {
        ns.sort_unstable();
        assert_eq!(ns, (1..=16).collect::<Vec<u64>>(), "terminal {terminal}");
        assert_eq!(audit(&*store, &terminal).await, Ok(16));
    }
    assert_stock_is_fold(&*store).await;
}

/// Invalid requests are refused with typed errors and write nothing.
pub async fn bad_input_writes_nothing<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = approve();
    let co = checkout(store.clone(), gateway.clone());
    let before = counts(&*store).await;
    let mut cases: Vec<(pos_app::SaleRequest, &str)> = Vec::new();
    cases.push((sale("", "T1", &[("milk", 1)], None, false), "idempotency_key"));
    cases.push((sale("b1", " ", &[("milk", 1)], None, false), "terminal"));
    cases.push((sale("b2", "T1", &[], None, false), "basket"));
    let mut underpaid = sale("b3", "T1", &[("milk", 1)], None, false);
    underpaid.tenders = vec![TenderInput::new(TenderKind::Cash, won(1_000))];
    cases.push((underpaid, "underpaid"));
    let mut points = sale("b4", "T1", &[("milk", 1)], None, false);
    points.redeem_points = 1_000;
    cases.push((points, "redeem_points"));
    let mut too_many = sale("b5", "T1", &[("milk", 1)], Some("m-9"), false);
    too_many.redeem_points = 5_000;
    cases.push((too_many, "balance"));
    cases.push((sale("b6", "T1", &[("ghost", 1)], None, false), "sku"));
    cases.push((sale("b7", "T1", &[("last", 6)], None, false), "stock"));
    for (request, what) in cases {
        let e = co.complete_sale(&request).await.expect_err(what);
        let ok = match what {
            "underpaid" => matches!(e, AppError::Payment(pos_payments::PaymentError::Underpaid { .. })),
            "balance" => {
                matches!(e, AppError::Loyalty(pos_loyalty::LoyaltyError::BelowMinimumBalance { .. }))
            }
            "sku" => matches!(e, AppError::Pricing(pos_core::CoreError::UnknownSku { .. })),
            "stock" => matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })),
            field => matches!(&e, AppError::InvalidField { field: f, .. } if f == field),
        };
        assert!(ok, "{what}: {e}");
        assert_eq!(counts(&*store).await, before, "{what} wrote something");
    }
    // A declined card writes nothing either.
    gateway.set_script(Script::Decline("do not honour".into()));
    let e = co.complete_sale(&card_sale("b8", "T1", &[("milk", 1)], 1_500)).await.unwrap_err();
    assert_eq!(e, AppError::Declined { reason: "do not honour".into() });
    assert_eq!(counts(&*store).await, before);
}

/// A gateway timeout is reconciled by a status query: a payment the gateway took completes the
/// sale once; a payment it never took is not recorded; the customer is never charged twice.
pub async fn unknown_gateway_outcome_is_reconciled<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::TimeoutAfterCharge));
    let co = checkout(store.clone(), gateway.clone());
    let request = card_sale("card-1", "T1", &[("chips", 2)], 5_000);
    let first = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    let again = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.replayed && again.sale_id == first.sale_id);
    assert_eq!(gateway.charged(), 1);
    gateway.set_script(Script::TimeoutBeforeCharge);
    let before = counts(&*store).await;
    let e = co.complete_sale(&card_sale("card-2", "T1", &[("chips", 1)], 2_500)).await.unwrap_err();
    assert!(matches!(e, AppError::Declined { .. }), "{e}");
    assert_eq!(counts(&*store).await, before);
    assert_eq!(gateway.charged(), 1);
}

/// A parked basket comes back intact, once: of eight tills racing to recall it, one gets it.
pub async fn park_and_recall<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let basket = sale("p", "T1", &[("milk", 2), ("cola", 1)], Some("m-1"), false).basket;
    let first = co.park("T1", &basket, noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let second =
        co.park("T1", &basket, noon() + chrono::Duration::minutes(1)).await.unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<uuid::Uuid> = co.parked("T1").await.unwrap_or_default().iter().map(|p| p.id).collect();
    assert_eq!(listed, vec![first, second]);
    assert!(co.parked("T2").await.unwrap_or_default().is_empty());
    assert!(matches!(
        co.park("T1", &pos_core::Basket::new(), noon()).await,
        Err(AppError::InvalidField { .. })
    ));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let co = co.clone();
        tasks.push(tokio::spawn(async move { co.recall(first).await }));
    }
    let mut got = Vec::new();
    for t in tasks {
        if let Ok(p) = t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            got.push(p);
        }
    }
    assert_eq!(got.len(), 1, "exactly one till recalls it");
    assert_eq!(got[0].basket, basket, "the basket comes back intact");
    assert!(matches!(co.recall(first).await, Err(AppError::NotFound { .. })));
    assert_eq!(co.parked("T1").await.unwrap_or_default().len(), 1);
}

/// Coupons: a personal code unlocks its campaign's promotion once; of six tills racing with one
/// single-use code exactly one sale gets it; someone else's or an unknown code is refused.
pub async fn coupons<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let campaign = pos_core::Promotion::builder(
        "birthday",
        "생일 10%",
        pos_core::PromotionKind::BasketPercentOff { percent: Decimal::TEN },
    )
    .coupon("BIRTHDAY")
    .build()
    .unwrap_or_else(|e| panic!("{e}"));
    store.upsert_promotion(&store_id(), &campaign).await.unwrap_or_else(|e| panic!("{e}"));
    let members = pos_app::Members::new(store.clone(), store_id());
    let day = noon().date_naive();
    let coupon = |code: &str, member: Option<&str>| pos_loyalty::Coupon {
        code: code.into(),
        kind: pos_loyalty::CouponKind::Birthday,
        campaign: "BIRTHDAY".into(),
        member: member.map(Into::into),
        valid_from: day,
        valid_to: day + chrono::Duration::days(30),
        used_on: None,
    };
    members.issue_coupon(coupon("BDAY-2026-M1", Some("m-1"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        members.issue_coupon(coupon("bday-2026-m1", Some("m-1"))).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    let co = Arc::new(checkout(store.clone(), approve()));
    let with = |key: &str, code: &str, member: Option<&str>| {
        let mut r = sale(key, "T1", &[("chips", 4)], member, false);
        r.coupons = vec![code.into()];
        r
    };
    let done =
        co.complete_sale(&with("c1", "bday-2026-m1", Some("m-1"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(9_000), "10,000 less the birthday 10%");
    let again = co.complete_sale(&with("c2", "BDAY-2026-M1", Some("m-1"))).await.unwrap_err();
    assert!(
        matches!(&again, AppError::Loyalty(pos_loyalty::LoyaltyError::Coupon { reason, .. }) if reason == "already used"),
        "{again}"
    );
    members.issue_coupon(coupon("BDAY-2026-M2", Some("m-2"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(co.complete_sale(&with("c3", "BDAY-2026-M2", Some("m-1"))).await, Err(AppError::Loyalty(_))),
        "someone else's"
    );
    assert!(matches!(co.complete_sale(&with("c4", "NOPE", None)).await, Err(AppError::Loyalty(_))));
    // One single-use code, six tills at once.
    members.issue_coupon(coupon("ONCE", None)).await.unwrap_or_else(|e| panic!("{e}"));
    let before = counts(&*store).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let co = co.clone();
        let request = with(&format!("race-{i}"), "ONCE", None);
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            Ok(s) => {
                assert_eq!(s.total, won(9_000));
                ok += 1;
            }
            Err(AppError::Store(StoreError::Conflict { .. }) | AppError::Loyalty(_)) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(ok, 1, "a single-use coupon is used once");
    assert_eq!(counts(&*store).await["sales"], before["sales"] + 1);
}

/// Price lists stored with the catalog price the basket; reorder rules produce the low-stock
/// report with a suggested order.
pub async fn price_lists_and_low_stock<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let list = pos_core::PriceList {
        id: "staff".into(),
        store: None,
        customer_group: Some("staff".into()),
        valid_from: None,
        valid_to: None,
        prices: [(sku("cola"), Decimal::from(1_500))].into_iter().collect(),
    };
    store.upsert_price_list(&store_id(), &list).await.unwrap_or_else(|e| panic!("{e}"));
    let co = checkout(store.clone(), approve());
    let mut request = sale("pl1", "T1", &[("cola", 2)], None, false);
    request
        .basket
        .set_customer(pos_core::CustomerContext { group: Some("staff".into()), ..Default::default() });
    assert_eq!(co.complete_sale(&request).await.map(|s| s.total).ok(), Some(won(3_000)));
    assert_eq!(
        co.complete_sale(&sale("pl2", "T1", &[("cola", 2)], None, false)).await.map(|s| s.total).ok(),
        Some(won(4_000))
    );

    let stock = stock(store.clone());
    let policy = pos_inventory::StockPolicy::default()
        .with_reorder(Decimal::from(995), Decimal::from(24))
        .unwrap_or_else(|e| panic!("{e}"));
    store.set_policy(&store_id(), &location(), &sku("milk"), policy).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(stock.low_stock().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    co.complete_sale(&sale("pl3", "T1", &[("milk", 6)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let alerts = stock.low_stock().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].sku.as_str(), alerts[0].available, alerts[0].suggested),
        ("milk", Decimal::from(994), Decimal::from(24))
    );
    assert_stock_is_fold(&*store).await;
}

/// A receipt number that is taken (a counter set back, as a botched restore would) is a storage
/// error, never mistaken for a retry of another sale: nothing is written, nothing replayed.
pub async fn a_taken_receipt_number_is_not_a_replay<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    co.complete_sale(&sale("n1", "T1", &[("milk", 1)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    store.tamper(Tamper::RewindSaleCounter { terminal: "T1".into() }).await;
    let before = counts(&*store).await;
    let e = co.complete_sale(&sale("n2", "T1", &[("cola", 1)], None, false)).await.unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::Backend { .. })), "{e}");
    assert_eq!(counts(&*store).await, before);
}
