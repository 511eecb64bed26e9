//! A long Korean receipt, for the transports' tests.

use pos_core::receipt::{Receipt, ReceiptLine, ReceiptTender, StoreHeader};
use pos_core::{Currency, TaxMode};
use rust_decimal::Decimal;

pub(crate) fn long_receipt(lines: usize) -> Receipt {
    let d = |n: i64| Decimal::from(n);
    let items: Vec<ReceiptLine> = (0..lines)
        .map(|i| ReceiptLine {
            name: format!("상품 {i} 바나나우유"),
            quantity: "1".into(),
            unit_price: d(1_000),
            base: d(1_000),
            discounts: Vec::new(),
            tax_label: "A".into(),
            total: d(1_000),
        })
        .collect();
    let total = d(1_000 * lines as i64);
    Receipt {
        currency: Currency::KRW,
        header: StoreHeader { name: "강남역점".into(), lines: Vec::new(), tax_id: None },
        number: "T1-000001".into(),
        terminal: "T1".into(),
        cashier: "kim".into(),
        datetime: "2026-12-07 12:00".into(),
        lines: items,
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        tax_mode: TaxMode::Inclusive,
        taxes: Vec::new(),
        tenders: vec![ReceiptTender { label: "현금".into(), amount: total }],
        change: Decimal::ZERO,
        footer: Vec::new(),
        code: None,
    }
}
