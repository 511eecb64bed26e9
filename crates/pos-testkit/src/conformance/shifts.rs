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
        terminal_approvals: Vec::new(),
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
    // Each Z report can be read again by its number, on its terminal only.
    assert_eq!(sh.z_report("T1", 1).await.unwrap_or_else(|e| panic!("{e}")), (z, noon()));
    assert_eq!(sh.z_report("T1", 2).await.unwrap_or_else(|e| panic!("{e}")).0, z2);
    for (terminal, n) in [("T1", 3), ("T1", 0), ("T2", 1), ("T1", u64::MAX)] {
        assert!(matches!(sh.z_report(terminal, n).await, Err(AppError::NotFound { .. })), "{terminal} {n}");
    }
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
        terminal_approvals: Vec::new(),
        idempotency_key: "qf".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: cola.receipt.clone(),
        lines: vec![1],
        at: at("2026-11-23T06:00:00Z"),
    };
    ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    let day = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
    let r = rep.sales_report(day(2026, 11, 23), day(2026, 11, 24)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r,
        rep.sales_report_from_documents(day(2026, 11, 23), day(2026, 11, 24))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    );
    let d = Decimal::from;
    assert_eq!((r.total.sales, r.total.gross, r.refunds), (4, d(7_000), d(6_000)));
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
    let first_day =
        rep.sales_report(day(2026, 11, 23), day(2026, 11, 23)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first_day.total.sales, 3);
    assert!(matches!(
        rep.sales_report(day(2026, 11, 24), day(2026, 11, 23)).await,
        Err(AppError::InvalidField { .. })
    ));
}

/// The report from summary rows equals the fold over documents, day by day and over the whole
/// period, on a mixed workload across Seoul's midnight: cash (rounded to 10 won), card and points,
/// a product with a cost, refunds and a void, and a refund on a later day than its sale.
pub async fn reports_equal_the_fold<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let costed = pos_core::Product::new("odd", "낱개", "food", "standard", Decimal::from(1_795))
        .unwrap_or_else(|e| panic!("{e}"))
        .with_cost(Decimal::new(1_234_567, 3));
    store.upsert_product(&store_id(), &costed).await.unwrap_or_else(|e| panic!("{e}"));
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
    let mut receipts = Vec::new();
    // 23:00 to 01:30 in Seoul: 14:00 to 16:30 UTC.
    for (i, when) in
        ["2026-11-23T14:00:00Z", "2026-11-23T14:59:59Z", "2026-11-23T15:00:00Z", "2026-11-23T16:30:00Z"]
            .into_iter()
            .enumerate()
    {
        let mut r = match i % 3 {
            0 => sale(&format!("w{i}"), "T1", &[("odd", 3), ("milk", 1)], Some("m-1"), false),
            1 => card_sale(&format!("w{i}"), "T2", &[("chips", 2), ("odd", 1)], 6_795),
            _ => sale(&format!("w{i}"), "T1", &[("cola", 1), ("odd", 2)], None, false),
        };
        r.at = at(when);
        receipts.push(co.complete_sale(&r).await.unwrap_or_else(|e| panic!("{e}")).receipt);
    }
    let refund = |key: &str, receipt: &str, lines: Vec<u32>, when: &str| pos_app::RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "박지성".into(),
        location: location(),
        receipt: receipt.into(),
        lines,
        at: at(when),
    };
    ret.refund(&refund("wr1", &receipts[0], vec![1], "2026-11-23T14:30:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    ret.refund(&refund("wr2", &receipts[1], vec![2], "2026-11-24T02:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let void = pos_app::VoidRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "wv".into(),
        terminal: "T1".into(),
        cashier: "박지성".into(),
        location: location(),
        receipt: receipts[2].clone(),
        at: at("2026-11-23T15:10:00Z"),
    };
    ret.void(&void).await.unwrap_or_else(|e| panic!("{e}"));
    let rep = reports(store.clone());
    let day = |dd| chrono::NaiveDate::from_ymd_opt(2026, 11, dd).unwrap_or_default();
    for (first, last) in [(day(23), day(23)), (day(24), day(24)), (day(22), day(25)), (day(25), day(30))] {
        let summed = rep.sales_report(first, last).await.unwrap_or_else(|e| panic!("{e}"));
        let folded = rep.sales_report_from_documents(first, last).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summed, folded, "{first} to {last}");
    }
    let all = rep.sales_report(day(22), day(25)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.by_day.len(), 2, "two Seoul days");
    assert!(all.margin != Decimal::ZERO && all.refunds > Decimal::ZERO);
}
