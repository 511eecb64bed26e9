//! What the conformance suite needs to see of a store beyond its ports: row counts (to prove a
//! refused operation wrote nothing) and raw tampering (to prove the audit notices). Each store
//! implements it with its own means: the in-memory store here, the SQL stores in pos-store-sql
//! behind its `test-hooks` feature.

use std::collections::BTreeMap;

use async_trait::async_trait;
use pos_core::Money;

use crate::memory::MemoryStore;

/// The tables the suite counts, by the names the SQL stores give them.
pub const TABLES: [&str; 17] = [
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
];

/// Looking at and tampering with a store's rows directly.
#[async_trait]
pub trait Inspect: Send + Sync {
    /// Rows per table of [`TABLES`].
    async fn row_counts(&self) -> BTreeMap<String, i64>;
    /// Changes the total in the stored document of the sale with this receipt number.
    async fn alter_sale_total(&self, receipt: &str, total: Money);
    /// Deletes a journal record.
    async fn delete_journal(&self, terminal: &str, sequence: u64);
    /// Swaps the sequence numbers of two journal records.
    async fn swap_journal(&self, terminal: &str, a: u64, b: u64);
    /// Sets a terminal's sale counter back by one, as a botched restore would.
    async fn rewind_sale_counter(&self, terminal: &str);
}

#[async_trait]
impl Inspect for MemoryStore {
    async fn row_counts(&self) -> BTreeMap<String, i64> {
        let s = self.lock().await;
        let counts = [
            s.sales.len(),
            s.sales.values().map(|v| v.lines.len()).sum(),
            s.sales.values().map(|v| v.payments.len()).sum(),
            s.movements.len(),
            s.ledger.len(),
            s.journal.values().map(Vec::len).sum(),
            s.returns.len(),
            s.returns.values().map(|r| r.document.lines.len()).sum(),
            s.returns.values().map(|r| r.payments.len()).sum(),
            s.accounts.len(),
            s.members.len(),
            s.coupons.len(),
            s.coupons.values().filter(|c| c.used_on.is_some()).count(),
            s.parked.len(),
            s.shifts.len(),
            s.stock_documents.len(),
            s.price_lists.len(),
        ];
        TABLES.iter().zip(counts).map(|(t, n)| ((*t).to_owned(), n as i64)).collect()
    }
    async fn alter_sale_total(&self, receipt: &str, total: Money) {
        let mut s = self.lock().await;
        for v in s.sales.values_mut() {
            if pos_app::ports::receipt_number(&v.terminal, v.number) == receipt {
                v.document.priced.total = total;
            }
        }
    }
    async fn delete_journal(&self, terminal: &str, sequence: u64) {
        for ((_, t), chain) in self.lock().await.journal.iter_mut() {
            if t == terminal {
                chain.retain(|e| e.sequence != sequence);
            }
        }
    }
    async fn rewind_sale_counter(&self, terminal: &str) {
        for ((_, (t, counter)), n) in self.lock().await.counters.iter_mut() {
            if t == terminal && *counter == pos_app::ports::Counter::Sale {
                *n -= 1;
            }
        }
    }
    async fn swap_journal(&self, terminal: &str, a: u64, b: u64) {
        for ((_, t), chain) in self.lock().await.journal.iter_mut() {
            if t == terminal {
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
}
