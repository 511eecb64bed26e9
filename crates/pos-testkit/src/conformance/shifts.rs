//! Shifts with X and Z reports, and the sales report.

use std::sync::Arc;

use pos_app::{AppError, Store, StoreError};
use pos_payments::TenderKind;
use rust_decimal::Decimal;

use super::approve;
use crate::fixtures::*;
use crate::inspect::Inspect;

/// Shifts: open with a float, the terminal's sales and refunds since opening, paid out, X report,
/// close with the next gapless Z number, which goes into the journal.
pub async fn shifts_and_z_reports<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let sh = shifts(store.clone());
    sh.open_shift("T1", "김민수", won(100_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        sh.open_shift("T1", "이영희", won(0), noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    assert!(matches!(sh.open_shift("T3", "이영희", won(-1), noon()).await, Err(AppError::Payment(_))));
    co.complete_sale(&sale("z1", "T1", &[("milk", 2)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let cola = co
        .complete_sale(&sale("z2", "T1", &[("cola", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&card_sale("z3", "T1", &[("chips", 1)], 2_500)).await.unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&sale("z4", "T2", &[("milk", 1)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        idempotency_key: "zf".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: cola.receipt.clone(),
        lines: vec![1],
        at: noon(),
    };
    ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    sh.paid_out("T1", won(10_000), "우유 대금", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(sh.paid_out("T1", won(1_000_000), "too much", noon()).await, Err(AppError::Payment(_))));
    let x = sh.x_report("T1").await.unwrap_or_else(|e| panic!("{e}"));
    // 100,000 float + 3,000 + 2,000 cash sales - 2,000 cash refund - 10,000 paid out.
    assert_eq!(x.expected_cash, won(93_000));
    assert_eq!((x.sales, x.refunds), (3, 1), "T2's sale is not in T1's shift");
    assert_eq!(x.by_tender.get(&TenderKind::Cash), Some(&won(3_000)));
    assert_eq!(x.by_tender.get(&TenderKind::Card), Some(&won(2_500)));
    assert_eq!(x.by_category.get("food"), Some(&won(5_500)));
    let z = sh.close_shift("T1", won(92_500), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((z.sequence, z.over_short), (Some(1), Some(won(-500))));
    assert!(matches!(sh.x_report("T1").await, Err(AppError::NotFound { .. })));
    assert!(matches!(sh.close_shift("T1", won(0), noon()).await, Err(AppError::NotFound { .. })));
    // The next shift sees only its own sales and gets Z 2.
    sh.open_shift("T1", "이영희", won(50_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&sale("z5", "T1", &[("milk", 1)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let z2 = sh.close_shift("T1", won(51_500), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((z2.sequence, z2.sales, z2.over_short), (Some(2), 1, Some(won(0))));
    let journal = store.journal(&store_id(), "T1").await.unwrap_or_default();
    let closes: Vec<&str> = journal
        .iter()
        .filter(|e| e.kind == pos_core::DocumentKind::ShiftClose)
        .map(|e| e.document_id.as_str())
        .collect();
    assert_eq!(closes, vec!["T1-Z000001", "T1-Z000002"]);
    assert_eq!(audit(&*store, "T1").await, Ok(journal.len()));
}

/// The sales report folds a period's sales and refunds: by store-local day and hour, products,
/// categories, cashiers, taxes summing to the totals, and the payment mix.
pub async fn sales_report<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let rep = reports(store.clone());
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
    let at_time = |mut r: pos_app::SaleRequest, t: &str| {
        r.at = at(t);
        r
    };
    // 12:00, 14:00 and 14:30 in Seoul on the 23rd, 10:00 on the 24th.
    co.complete_sale(&at_time(sale("q1", "T1", &[("milk", 2)], None, false), "2026-11-23T03:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&at_time(card_sale("q2", "T1", &[("chips", 1)], 2_500), "2026-11-23T05:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cola = co
        .complete_sale(&at_time(sale("q3", "T1", &[("cola", 3)], None, false), "2026-11-23T05:30:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&at_time(sale("q4", "T2", &[("milk", 1)], None, false), "2026-11-24T01:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        idempotency_key: "qf".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: cola.receipt.clone(),
        lines: vec![1],
        at: at("2026-11-23T06:00:00Z"),
    };
    ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    let r = rep
        .sales_report(at("2026-11-22T15:00:00Z"), at("2026-11-24T15:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let d = Decimal::from;
    assert_eq!((r.total.sales, r.total.gross, r.refunds), (4, d(7_000), d(6_000)));
    let day = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
    assert_eq!(r.by_day[&day(2026, 11, 23)].gross, d(5_500));
    assert_eq!((r.by_day[&day(2026, 11, 24)].sales, r.by_day[&day(2026, 11, 24)].gross), (1, d(1_500)));
    assert_eq!(
        (r.by_hour[&12].gross, r.by_hour[&14].gross, r.by_hour[&15].gross),
        (d(3_000), d(8_500), d(-6_000))
    );
    let top: Vec<(&str, Decimal)> = r.top_products.iter().map(|p| (p.sku.as_str(), p.gross)).collect();
    assert_eq!(top, vec![("milk", d(4_500)), ("chips", d(2_500)), ("cola", d(0))]);
    assert_eq!(r.top_products[0].quantity, d(3));
    assert_eq!(r.by_category.get("food"), Some(&d(7_000)));
    assert_eq!(r.by_cashier.get("김민수"), Some(&d(7_000)));
    assert_eq!(
        (r.payment_mix.get(&TenderKind::Cash), r.payment_mix.get(&TenderKind::Card)),
        (Some(&d(4_500)), Some(&d(2_500)))
    );
    assert_eq!(r.taxes.iter().map(|t| t.gross).sum::<Decimal>(), r.total.gross);
    assert_eq!(r.taxes.iter().map(|t| t.tax).sum::<Decimal>(), r.total.tax);
    assert!(r.taxes.iter().all(|t| t.net + t.tax == t.gross));
    // Only the period asked for, and a period must not be inverted.
    let first_day = rep
        .sales_report(at("2026-11-22T15:00:00Z"), at("2026-11-23T15:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first_day.total.sales, 3);
    assert!(matches!(
        rep.sales_report(at("2026-11-24T00:00:00Z"), at("2026-11-23T00:00:00Z")).await,
        Err(AppError::InvalidField { .. })
    ));
}
