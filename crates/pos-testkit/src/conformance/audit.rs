//! The audit: every tampering an attacker with write access to the database (but not the
//! journal key) could make is detected and located.

use std::sync::Arc;

use pos_app::{AuditError, RefundRequest, Store};
use pos_core::JournalError;
use pos_core::journal::JournalKey;
use pos_payments::TenderKind;
use rust_decimal::Decimal;

use super::approve;
use crate::fixtures::*;
use crate::inspect::{Inspect, Tamper};

/// One terminal's workload: a member's cash sale (points), a card sale, a cash sale and a
/// refund of the card sale's first line, refund last or sale last. Returns the journal length.
async fn workload<S: Store>(store: &Arc<S>, terminal: &str, refund_last: bool) -> usize {
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let key = |k: &str| format!("{terminal}-{k}");
    let mut first = sale(&key("s1"), terminal, &[("milk", 1), ("cola", 2)], Some("m-1"), false);
    // A till's clock has nanoseconds; stores keep microseconds (Postgres rounds), and the
    // audit must hold whatever the store did with the rest.
    first.at += chrono::Duration::nanoseconds(999_999_999);
    co.complete_sale(&first).await.unwrap_or_else(|e| panic!("{e}"));
    let card = co
        .complete_sale(&card_sale(&key("s2"), terminal, &[("chips", 1), ("milk", 1)], 4_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refund = RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: key("r1"),
        terminal: terminal.into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: card.receipt,
        lines: vec![1],
        at: noon(),
    };
    if !refund_last {
        ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    }
    co.complete_sale(&sale(&key("s3"), terminal, &[("milk", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    if refund_last {
        ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    }
    4
}

/// What the audit of terminal `t` must find.
type Expect = Box<dyn Fn(&str, AuditError) -> bool>;

fn altered(document: &str, row: &str) -> AuditError {
    AuditError::Altered { document: document.into(), row: row.into() }
}

/// Each tampering, on a terminal of its own, is found by the audit of that terminal and located
/// (document and row, or journal sequence); the other terminals still pass.
pub async fn audit_detects_and_locates_tampering<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let attacker = JournalKey::new(&[7; 32]).unwrap_or_else(|e| panic!("{e}"));
    let cases: Vec<(Tamper, bool, Expect)> = vec![
        (
            Tamper::SaleTotal { receipt: "-000001".into(), total: won(1) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000001"), "sales.total_minor")),
        ),
        (
            Tamper::SaleDocumentTotal { receipt: "-000001".into(), total: won(1) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000001"), "document")),
        ),
        (
            Tamper::LineTotal { receipt: "-000001".into(), line: 2, total: won(1) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000001"), "sale_lines[line 2]")),
        ),
        (
            Tamper::PaymentKind { receipt: "-000002".into(), position: 0, kind: TenderKind::Cash },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000002"), "payments[0].kind")),
        ),
        (
            Tamper::PaymentAmount { receipt: "-000002".into(), position: 0, amount: won(1) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000002"), "payments[0].amount_minor")),
        ),
        (
            Tamper::PaymentReference { receipt: "-000002".into(), position: 0, reference: "attacker".into() },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000002"), "payments[0].reference")),
        ),
        (
            Tamper::RefundTotal { number: "-R000001".into(), total: won(1) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-R000001"), "refunds.total_minor")),
        ),
        (
            Tamper::MovementQuantity { document: "-000003".into(), on_hand: Decimal::from(-5) },
            false,
            Box::new(|t, e| e == altered(&format!("{t}-000003"), "stock_movements[milk at seoul-1/floor]")),
        ),
        (
            Tamper::LoyaltyPoints { receipt: "-000001".into(), points: 99_999 },
            false,
            Box::new(|t, e| {
                matches!(e, AuditError::Altered { document, row }
                    if document == format!("{t}-000001") && row.starts_with("loyalty_entries[m-1 #"))
            }),
        ),
        (
            Tamper::DeleteRefund { number: "-R000001".into() },
            false,
            Box::new(|t, e| {
                e == AuditError::Missing { document: format!("{t}-R000001"), row: "refunds".into() }
            }),
        ),
        (
            Tamper::DeleteJournal { terminal: String::new(), sequence: 4 },
            false,
            Box::new(|_, e| e == AuditError::Truncated { head: 4, last: 3 }),
        ),
        (
            Tamper::DeleteJournal { terminal: String::new(), sequence: 4 },
            true,
            Box::new(|_, e| e == AuditError::Truncated { head: 4, last: 3 }),
        ),
        (
            Tamper::DeleteJournal { terminal: String::new(), sequence: 2 },
            false,
            Box::new(|_, e| e == AuditError::Journal(JournalError::Missing { expected: 2, found: 3 })),
        ),
        (
            Tamper::SwapJournal { terminal: String::new(), a: 2, b: 3 },
            false,
            Box::new(|_, e| {
                matches!(
                    e,
                    AuditError::Journal(
                        JournalError::Altered { sequence: 2 } | JournalError::BrokenLink { sequence: 2 }
                    )
                )
            }),
        ),
        (
            Tamper::RewindSaleCounter { terminal: String::new() },
            false,
            Box::new(|_, e| e == AuditError::Counter { counter: "sale", stored: 2, journal: 3 }),
        ),
        (
            Tamper::RewriteJournal {
                terminal: String::new(),
                sequence: 1,
                payload: String::new(),
                key: attacker,
            },
            false,
            Box::new(|_, e| e == AuditError::Journal(JournalError::Altered { sequence: 1 })),
        ),
    ];
    let terminals: Vec<String> = (1..=cases.len()).map(|i| format!("A{i}")).collect();
    for ((_, refund_last, _), t) in cases.iter().zip(&terminals) {
        let n = workload(&store, t, *refund_last).await;
        assert_eq!(audit(&*store, t).await, Ok(n), "{t} before tampering");
    }
    for ((tamper, _, expect), t) in cases.into_iter().zip(&terminals) {
        let tamper = aim(&*store, tamper, t).await;
        let found = audit(&*store, t).await;
        let shown = format!("{tamper:?} on {t}: {found:?}");
        assert!(found.is_err_and(|e| expect(t, e)), "{shown}");
    }
    // Tampering with one terminal's rows flags that terminal only: a terminal committed after
    // all of it still passes.
    workload(&store, "B1", false).await;
    assert_eq!(audit(&*store, "B1").await, Ok(4));
}

/// Points a tampering at terminal `t` (numbers given as suffixes get the terminal in front).
async fn aim<S: Store + Inspect>(store: &S, tamper: Tamper, t: &str) -> Tamper {
    let at = |suffix: String| format!("{t}{suffix}");
    let tamper = match tamper {
        Tamper::SaleTotal { receipt, total } => Tamper::SaleTotal { receipt: at(receipt), total },
        Tamper::SaleDocumentTotal { receipt, total } => {
            Tamper::SaleDocumentTotal { receipt: at(receipt), total }
        }
        Tamper::LineTotal { receipt, line, total } => Tamper::LineTotal { receipt: at(receipt), line, total },
        Tamper::PaymentKind { receipt, position, kind } => {
            Tamper::PaymentKind { receipt: at(receipt), position, kind }
        }
        Tamper::PaymentAmount { receipt, position, amount } => {
            Tamper::PaymentAmount { receipt: at(receipt), position, amount }
        }
        Tamper::PaymentReference { receipt, position, reference } => {
            Tamper::PaymentReference { receipt: at(receipt), position, reference }
        }
        Tamper::RefundTotal { number, total } => Tamper::RefundTotal { number: at(number), total },
        Tamper::MovementQuantity { document, on_hand } => {
            Tamper::MovementQuantity { document: at(document), on_hand }
        }
        Tamper::LoyaltyPoints { receipt, points } => Tamper::LoyaltyPoints { receipt: at(receipt), points },
        Tamper::DeleteRefund { number } => Tamper::DeleteRefund { number: at(number) },
        Tamper::DeleteJournal { sequence, .. } => Tamper::DeleteJournal { terminal: t.into(), sequence },
        Tamper::SwapJournal { a, b, .. } => Tamper::SwapJournal { terminal: t.into(), a, b },
        Tamper::RewindSaleCounter { .. } => Tamper::RewindSaleCounter { terminal: t.into() },
        Tamper::RewriteJournal { sequence, key, .. } => {
            // The attacker lowers the first sale's total everywhere they can: the record, the
            // document column and the total column, then recomputes the chain without the key.
            let receipt = format!("{t}-000001");
            let journal = store.journal(&store_id(), t).await.unwrap_or_else(|e| panic!("{e}"));
            let record = journal.iter().find(|e| e.sequence == sequence).unwrap_or_else(|| panic!("record"));
            let mut doc: pos_app::SaleDocument =
                serde_json::from_str(&record.payload).unwrap_or_else(|e| panic!("{e}"));
            doc.priced.total = won(1);
            let payload = pos_core::journal::canonical_json(&doc).unwrap_or_else(|e| panic!("{e}"));
            store.tamper(Tamper::SaleDocumentTotal { receipt: receipt.clone(), total: won(1) }).await;
            store.tamper(Tamper::SaleTotal { receipt, total: won(1) }).await;
            Tamper::RewriteJournal { terminal: t.into(), sequence, payload, key }
        }
    };
    store.tamper(tamper.clone()).await;
    tamper
}
