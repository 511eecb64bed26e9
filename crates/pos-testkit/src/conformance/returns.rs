//! Refunds by line and voids.

use std::sync::Arc;

use pos_app::{AppError, Store};
use pos_payments::TenderKind;
use rust_decimal::Decimal;

use super::{approve, assert_stock_is_fold, counts};
use crate::fixtures::*;
use crate::inspect::Inspect;

/// Partial refunds by line return exactly what the lines were charged, put the goods back,
/// reverse points and restore spent points; refunding a line twice is refused and writes nothing.
pub async fn refunds_by_line<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    // A first purchase gives the member points to spend: 1,000,000 won earns 10,000 + 1,000 bonus.
    co.complete_sale(&sale("r0", "T1", &[("chips", 400)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let balance = |s: Arc<S>| async move {
        s.load_account(&store_id(), "m-1").await.ok().flatten().map_or(0, |a| a.0.balance())
    };
    let before_sale = balance(store.clone()).await;
    let mut request = sale("r1", "T1", &[("milk", 2), ("cola", 1), ("chips", 1)], Some("m-1"), false);
    request.redeem_points = 2_000;
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    let priced = done.priced.clone().unwrap_or_else(|| panic!("priced"));
    let ids: Vec<u32> = priced.lines.iter().map(|l| l.line_id).collect();
    let level = |s: Arc<S>, k: &'static str| async move {
        s.level(&store_id(), &location(), &sku(k)).await.map(|l| l.on_hand).unwrap_or_default()
    };
    let milk_before = level(store.clone(), "milk").await;
    let refund = |key: &str, lines: &[u32]| pos_app::RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: done.receipt.clone(),
        lines: lines.to_vec(),
        at: noon(),
    };
    let first = ret.refund(&refund("f1", &ids[..1])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.amount, priced.lines[0].total, "exactly what the line was charged");
    assert_eq!(first.receipt, "T1-R000001");
    assert_eq!(level(store.clone(), "milk").await, milk_before + Decimal::from(2), "restocked");
    let loyalty = first.loyalty.unwrap_or_else(|| panic!("loyalty"));
    assert!(loyalty.reversed > 0 && loyalty.restored > 0, "{loyalty:?}");
    let money_back: Decimal = first.tenders.iter().map(|t| t.amount.amount()).sum();
    assert_eq!(
        money_back + Decimal::from(loyalty.restored),
        first.amount.amount(),
        "money plus points back = line total"
    );
    // Refunding it again is refused and writes nothing.
    let counts_before = counts(&*store).await;
    let e = ret.refund(&refund("f2", &ids[..1])).await.unwrap_err();
    assert!(matches!(&e, AppError::InvalidField { field, .. } if field == "lines"), "{e}");
    let e = ret.refund(&refund("f3", &[99])).await.unwrap_err();
    assert!(matches!(e, AppError::Pricing(pos_core::CoreError::UnknownLine { line: 99 })), "{e}");
    let mut unknown = refund("f4", &ids[1..]);
    unknown.receipt = "T9-000009".into();
    assert!(matches!(ret.refund(&unknown).await.unwrap_err(), AppError::NotFound { .. }));
    assert_eq!(counts(&*store).await, counts_before);
    // The rest: both refunds add up to the sale, and the points balance is back where it was.
    let rest = ret.refund(&refund("f5", &ids[1..])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.amount.checked_add(&rest.amount).ok(), Some(priced.total));
    assert_eq!(balance(store.clone()).await, before_sale);
    // A retry of the same refund is a replay, not a second refund.
    let again = ret.refund(&refund("f5", &ids[1..])).await;
    assert!(
        matches!(&again, Err(AppError::InvalidField { .. })) || again.as_ref().is_ok_and(|r| r.replayed),
        "{again:?}"
    );
    // A card sale is refunded to the card.
    let card = co
        .complete_sale(&card_sale("c1", "T2", &[("cola", 2)], 4_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut to_card = refund("f6", &[1]);
    to_card.receipt = card.receipt.clone();
    let back = ret.refund(&to_card).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        back.tenders.iter().map(|t| (t.kind, t.amount)).collect::<Vec<_>>(),
        vec![(TenderKind::Card, won(4_000))]
    );
    assert_eq!(audit(&*store, "T1").await, Ok(5), "two sales and three refunds share the chain");
    assert_stock_is_fold(&*store).await;
}

/// A void returns a whole sale (money, stock, points) and is journalled as a void; a sale with
/// refunds cannot be voided.
pub async fn void_a_sale<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let milk = |s: Arc<S>| async move {
        s.level(&store_id(), &location(), &sku("milk")).await.map(|l| l.on_hand).unwrap_or_default()
    };
    let before = milk(store.clone()).await;
    let done = co
        .complete_sale(&sale("v1", "T1", &[("milk", 3), ("cola", 1)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let void = |key: &str, receipt: &str| pos_app::VoidRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "점장".into(),
        location: location(),
        receipt: receipt.into(),
        at: noon(),
    };
    let voided = ret.void(&void("vv1", &done.receipt)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(voided.amount, done.total);
    assert_eq!(voided.receipt, "T1-V000001");
    assert_eq!(milk(store.clone()).await, before);
    let points = store.load_account(&store_id(), "m-1").await.ok().flatten().map_or(-1, |a| a.0.balance());
    assert_eq!(points, 0, "earned points and the signup bonus are taken back");
    let journal = store.journal(&store_id(), "T1").await.unwrap_or_default();
    assert_eq!(
        journal.last().map(|e| (e.kind, e.document_id.as_str())),
        Some((pos_core::DocumentKind::Void, "T1-V000001"))
    );
    // Voiding again, or voiding a sale with a refund, is refused.
    assert!(matches!(ret.void(&void("vv2", &done.receipt)).await, Err(AppError::InvalidField { .. })));
    let other = co
        .complete_sale(&sale("v2", "T1", &[("milk", 1), ("cola", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "vr".into(),
        terminal: "T1".into(),
        cashier: "점장".into(),
        location: location(),
        receipt: other.receipt.clone(),
        lines: vec![1],
        at: noon(),
    };
    let r = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.receipt, "T1-R000002", "refunds and voids share one gapless numbering");
    let e = ret.void(&void("vv3", &other.receipt)).await.unwrap_err();
    assert!(matches!(&e, AppError::InvalidField { field, .. } if field == "receipt"), "{e}");
    assert!(audit(&*store, "T1").await.is_ok());
    assert_stock_is_fold(&*store).await;
}
