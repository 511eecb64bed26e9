//! What the conformance suite needs to see of a store beyond its ports: row counts (to prove a
//! refused operation wrote nothing) and raw tampering (to prove the audit notices). Each store
//! implements it with its own means: the in-memory store here, the SQL stores in pos-store-sql
//! behind its `test-hooks` feature.

use std::collections::BTreeMap;

use async_trait::async_trait;
use pos_app::ports::{ChainHead, Counter, receipt_number, return_number};
use pos_core::journal::JournalKey;
use pos_core::{JournalEntry, Money};
use pos_payments::TenderKind;
use rust_decimal::Decimal;

use crate::memory::{MemoryStore, SaleRow, State};

/// The tables the suite counts, by the names the SQL stores give them.
pub const TABLES: [&str; 21] = [
    "categories",
    "products",
    "stock_levels",
    "sales",
    "sale_lines",
    "payments",
    "stock_movements",
    "loyalty_entries",
    "journal",
    "refunds",
    "refund_lines",
    "refund_payments",
    "loyalty_accounts",
    "members",
    "coupons",
    "coupons_used",
    "parked_baskets",
    "shifts",
    "stock_documents",
    "price_lists",
    "events",
];

/// A change made behind the application's back, as an attacker with write access to the
/// database (but not the journal key) would make it.
#[derive(Debug, Clone)]
pub enum Tamper {
    /// The `total_minor` column of a sale.
    SaleTotal {
        /// Receipt number.
        receipt: String,
        /// New total.
        total: Money,
    },
    /// The total inside a sale's stored document.
    SaleDocumentTotal {
        /// Receipt number.
        receipt: String,
        /// New total.
        total: Money,
    },
    /// A sale line's total.
    LineTotal {
        /// Receipt number.
        receipt: String,
        /// Line id.
        line: u32,
        /// New total.
        total: Money,
    },
    /// A sale payment's kind.
    PaymentKind {
        /// Receipt number.
        receipt: String,
        /// Payment position.
        position: usize,
        /// New kind.
        kind: TenderKind,
    },
    /// A sale payment's amount.
    PaymentAmount {
        /// Receipt number.
        receipt: String,
        /// Payment position.
        position: usize,
        /// New amount.
        amount: Money,
    },
    /// A sale payment's gateway reference (where its refunds go).
    PaymentReference {
        /// Receipt number.
        receipt: String,
        /// Payment position.
        position: usize,
        /// New reference.
        reference: String,
    },
    /// The `total_minor` column of a refund or void.
    RefundTotal {
        /// Return number (`T1-R000001`).
        number: String,
        /// New total.
        total: Money,
    },
    /// The on-hand change of a document's first stock movement.
    MovementQuantity {
        /// Document number.
        document: String,
        /// New change.
        on_hand: Decimal,
    },
    /// The points of the first ledger entry a sale added.
    LoyaltyPoints {
        /// Receipt number.
        receipt: String,
        /// New points.
        points: i64,
    },
    /// A refund row with its lines and payments (so its lines could be returned again).
    DeleteRefund {
        /// Return number.
        number: String,
    },
    /// A journal record.
    DeleteJournal {
        /// Terminal.
        terminal: String,
        /// Its sequence.
        sequence: u64,
    },
    /// The sequence numbers of two journal records.
    SwapJournal {
        /// Terminal.
        terminal: String,
        /// One sequence.
        a: u64,
        /// The other.
        b: u64,
    },
    /// A terminal's sale counter set back by one, as a botched restore would.
    RewindSaleCounter {
        /// Terminal.
        terminal: String,
    },
    /// A journal record's payload replaced, and the chain from it recomputed (records and head)
    /// with `key`, as someone without the store's key would have to.
    RewriteJournal {
        /// Terminal.
        terminal: String,
        /// The record.
        sequence: u64,
        /// Its new payload.
        payload: String,
        /// The key the chain is recomputed with.
        key: JournalKey,
    },
}

/// The journal from `sequence` on, with `payload` put into that record and every hash from it
/// recomputed with `key`.
pub fn rewrite_chain(entries: &mut [JournalEntry], sequence: u64, payload: &str, key: &JournalKey) {
    let mut prev: Option<String> = None;
    for e in entries.iter_mut().filter(|e| e.sequence >= sequence) {
        if e.sequence == sequence {
            payload.clone_into(&mut e.payload);
        }
        if let Some(p) = prev.take() {
            e.prev_hash = p;
        }
        e.hash = e.compute_hash(key);
        prev = Some(e.hash.clone());
    }
}

/// Looking at and tampering with a store's rows directly.
#[async_trait]
pub trait Inspect: Send + Sync {
    /// Rows per table of [`TABLES`].
    async fn row_counts(&self) -> BTreeMap<String, i64>;
    /// Changes rows directly.
    async fn tamper(&self, change: Tamper);
}

fn sale_of<'a>(s: &'a mut State, receipt: &str) -> &'a mut SaleRow {
    s.sales
        .values_mut()
        .find(|v| receipt_number(&v.terminal, v.number) == receipt)
        .unwrap_or_else(|| panic!("no sale {receipt}"))
}

#[async_trait]
impl Inspect for MemoryStore {
    async fn row_counts(&self) -> BTreeMap<String, i64> {
        let s = self.lock().await;
        let counts = [
            s.categories.len(),
            s.products.len(),
            s.stock.len(),
            s.sales.len(),
            s.sales.values().map(|v| v.lines.len()).sum(),
            s.sales.values().map(|v| v.payments.len()).sum(),
            s.movements.len(),
            s.ledger.len(),
            s.journal.values().map(Vec::len).sum(),
            s.returns.len(),
            s.returns.values().map(|r| r.lines.len()).sum(),
            s.returns.values().map(|r| r.payments.len()).sum(),
            s.accounts.len(),
            s.members.len(),
            s.coupons.len(),
            s.coupons.values().filter(|c| c.used_on.is_some()).count(),
            s.parked.len(),
            s.shifts.len(),
            s.stock_documents.len(),
            s.price_lists.len(),
            s.events.len(),
        ];
        TABLES.iter().zip(counts).map(|(t, n)| ((*t).to_owned(), n as i64)).collect()
    }

    async fn tamper(&self, change: Tamper) {
        let mut s = self.lock().await;
        let s = &mut *s;
        match change {
            Tamper::SaleTotal { receipt, total } => sale_of(s, &receipt).total = total,
            Tamper::SaleDocumentTotal { receipt, total } => {
                sale_of(s, &receipt).document.priced.total = total
            }
            Tamper::LineTotal { receipt, line, total } => {
                for l in sale_of(s, &receipt).lines.iter_mut().filter(|l| l.line_id == line) {
                    l.total = total;
                }
            }
            Tamper::PaymentKind { receipt, position, kind } => {
                sale_of(s, &receipt).payments[position].kind = kind
            }
            Tamper::PaymentAmount { receipt, position, amount } => {
                sale_of(s, &receipt).payments[position].amount = amount;
            }
            Tamper::PaymentReference { receipt, position, reference } => {
                sale_of(s, &receipt).payments[position].reference = Some(reference);
            }
            Tamper::RefundTotal { number, total } => {
                for r in s.returns.values_mut() {
                    if return_number(r.kind, &r.terminal, r.number) == number {
                        r.total = total;
                    }
                }
            }
            Tamper::MovementQuantity { document, on_hand } => {
                if let Some((_, m)) =
                    s.movements.iter_mut().find(|(_, m)| m.document.as_ref() == Some(&document))
                {
                    m.on_hand = on_hand;
                }
            }
            Tamper::LoyaltyPoints { receipt, points } => {
                let id = sale_of(s, &receipt).document.sale_id;
                if let Some(e) = s.ledger.iter_mut().find(|(_, _, d, _)| *d == id) {
                    e.3.points = points;
                }
            }
            Tamper::DeleteRefund { number } => {
                s.returns.retain(|_, r| return_number(r.kind, &r.terminal, r.number) != number);
            }
            Tamper::DeleteJournal { terminal, sequence } => {
                for ((_, t), chain) in &mut s.journal {
                    if *t == terminal {
                        chain.retain(|e| e.sequence != sequence);
                    }
                }
            }
            Tamper::SwapJournal { terminal, a, b } => {
                for ((_, t), chain) in &mut s.journal {
                    if *t == terminal {
                        for e in chain.iter_mut() {
                            if e.sequence == a {
                                e.sequence = b;
                            } else if e.sequence == b {
                                e.sequence = a;
                            }
                        }
                        chain.sort_by_key(|e| e.sequence);
                    }
                }
            }
            Tamper::RewindSaleCounter { terminal } => {
                for ((_, (t, counter)), n) in &mut s.counters {
                    if *t == terminal && *counter == Counter::Sale {
                        *n -= 1;
                    }
                }
            }
            Tamper::RewriteJournal { terminal, sequence, payload, key } => {
                let heads = &mut s.heads;
                for ((store, t), chain) in &mut s.journal {
                    if *t == terminal {
                        rewrite_chain(chain, sequence, &payload, &key);
                        if let Some(last) = chain.last() {
                            heads.insert(
                                (store.clone(), t.clone()),
                                ChainHead { sequence: last.sequence, hash: last.hash.clone() },
                            );
                        }
                    }
                }
            }
        }
    }
}
