//! Test support (feature `test-hooks`): the conformance suite's view of the rows, in
//! dialect-neutral SQL with the test's own values inlined.

use std::collections::BTreeMap;

use async_trait::async_trait;
use pos_app::SaleDocument;
use pos_app::ports::{Counter, JournalStore, parse_receipt};
use pos_core::{Money, StoreId};
use pos_testkit::inspect::{Inspect, TABLES, Tamper, rewrite_chain};
use rust_decimal::Decimal;
use sqlx::AssertSqlSafe;

use crate::backend::{FromSqlRow, Query};
use crate::rows::{DataRow, NumberRow, code, from_json, json as to_json};
use crate::{Dialect, SqlStore};

/// A SQL text literal.
fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl<D: Dialect> SqlStore<D> {
    async fn raw<R: FromSqlRow>(&self, sql: String) -> Option<R> {
        let q = Query::<D::Db>::new(AssertSqlSafe(sql.clone()));
        self.one(q).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn execute(&self, sql: String) {
        let q = Query::<D::Db>::new(AssertSqlSafe(sql.clone()));
        self.run(q).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[async_trait]
impl<D: Dialect> Inspect for SqlStore<D> {
    async fn row_counts(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for table in TABLES {
            let sql = match table {
                "coupons_used" => "SELECT COUNT(*) AS n FROM coupons WHERE used_on IS NOT NULL".to_owned(),
                t => format!("SELECT COUNT(*) AS n FROM {t}"),
            };
            let row: Option<NumberRow> = self.raw(sql).await;
            out.insert(table.to_owned(), row.map_or(0, |r| r.n));
        }
        out
    }

    async fn tamper(&self, change: Tamper) {
        let json = D::SQL.dialect;
        match change {
            Tamper::SaleTotal { receipt, total } => {
                let which = sale_where(&receipt);
                self.execute(format!("UPDATE sales SET total_minor = {} WHERE {which}", minor_of(&total)))
                    .await;
            }
            Tamper::SaleDocumentTotal { receipt, total } => {
                let which = sale_where(&receipt);
                let row: Option<DataRow> = self
                    .raw(format!("SELECT document{} AS data FROM sales WHERE {which}", json.json_text))
                    .await;
                let data = row.unwrap_or_else(|| panic!("no sale {receipt}")).data;
                let mut doc: SaleDocument = from_json(&data).unwrap_or_else(|e| panic!("{e}"));
                doc.priced.total = total;
                let data = to_json(&doc).unwrap_or_else(|e| panic!("{e}"));
                self.execute(format!(
                    "UPDATE sales SET document = {}{} WHERE {which}",
                    text(&data),
                    json.json_cast
                ))
                .await;
            }
            Tamper::LineTotal { receipt, line, total } => {
                self.execute(format!(
                    "UPDATE sale_lines SET total_minor = {} WHERE line_id = {line} AND sale_id IN ({})",
                    minor_of(&total),
                    sale_id(&receipt)
                ))
                .await;
            }
            Tamper::PaymentKind { receipt, position, kind } => {
                let kind = code(&kind).unwrap_or_else(|e| panic!("{e}"));
                self.update_payment(&receipt, position, &format!("kind = {}", text(&kind))).await;
            }
            Tamper::PaymentAmount { receipt, position, amount } => {
                self.update_payment(&receipt, position, &format!("amount_minor = {}", minor_of(&amount)))
                    .await;
            }
            Tamper::PaymentReference { receipt, position, reference } => {
                self.update_payment(&receipt, position, &format!("reference = {}", text(&reference))).await;
            }
            Tamper::RefundTotal { number, total } => {
                self.execute(format!(
                    "UPDATE refunds SET total_minor = {} WHERE {}",
                    minor_of(&total),
                    return_where(&number)
                ))
                .await;
            }
            Tamper::MovementQuantity { document, on_hand } => {
                let milli = (on_hand * Decimal::ONE_THOUSAND).to_string();
                self.execute(format!(
                    "UPDATE stock_movements SET on_hand_milli = {milli} WHERE id = (SELECT id FROM \
                     stock_movements WHERE document = {} ORDER BY id LIMIT 1)",
                    text(&document)
                ))
                .await;
            }
            Tamper::LoyaltyPoints { receipt, points } => {
                self.execute(format!(
                    "UPDATE loyalty_entries SET points = {points} WHERE id = (SELECT id FROM loyalty_entries \
                     WHERE document_id IN ({}) ORDER BY id LIMIT 1)",
                    sale_id(&receipt)
                ))
                .await;
            }
            Tamper::DeleteRefund { number } => {
                let id = format!("SELECT id FROM refunds WHERE {}", return_where(&number));
                for table in ["refund_lines", "refund_payments"] {
                    self.execute(format!("DELETE FROM {table} WHERE refund_id IN ({id})")).await;
                }
                self.execute(format!("DELETE FROM refunds WHERE {}", return_where(&number))).await;
            }
            Tamper::DeleteJournal { terminal, sequence } => {
                self.execute(format!(
                    "DELETE FROM journal WHERE terminal_id = {} AND sequence = {sequence}",
                    text(&terminal)
                ))
                .await;
            }
            Tamper::SwapJournal { terminal, a, b } => {
                let (a, b) = (a as i64, b as i64);
                for (from, to) in [(a, -1), (b, a), (-1, b)] {
                    let t = text(&terminal);
                    self.execute(format!(
                        "UPDATE journal SET sequence = {to} WHERE terminal_id = {t} AND sequence = {from}"
                    ))
                    .await;
                }
            }
            Tamper::RewindSaleCounter { terminal } => {
                let name = text(Counter::Sale.code());
                self.execute(format!(
                    "UPDATE counters SET last = last - 1 WHERE terminal_id = {} AND name = {name}",
                    text(&terminal)
                ))
                .await;
            }
            Tamper::RewriteJournal { terminal, sequence, payload, key } => {
                let mut chain =
                    self.journal(&StoreId(STORE.into()), &terminal).await.unwrap_or_else(|e| panic!("{e}"));
                rewrite_chain(&mut chain, sequence, &payload, &key);
                let t = text(&terminal);
                for e in chain.iter().filter(|e| e.sequence >= sequence) {
                    self.execute(format!(
                        "UPDATE journal SET payload = {}, prev_hash = {}, hash = {} WHERE terminal_id = {t} AND \
                         sequence = {}",
                        text(&e.payload),
                        text(&e.prev_hash),
                        text(&e.hash),
                        e.sequence
                    ))
                    .await;
                }
                if let Some(last) = chain.last() {
                    self.execute(format!(
                        "UPDATE journal_heads SET sequence = {}, hash = {} WHERE terminal_id = {t}",
                        last.sequence,
                        text(&last.hash)
                    ))
                    .await;
                }
            }
        }
    }
}

/// The store every conformance case uses.
const STORE: &str = "seoul-1";

/// Minor units of an amount, as a SQL literal.
fn minor_of(m: &Money) -> i64 {
    m.to_minor().unwrap_or_else(|| panic!("{m} in minor units"))
}

/// The `WHERE` of a sale by receipt number.
fn sale_where(receipt: &str) -> String {
    let (terminal, number) = parse_receipt(receipt).unwrap_or_else(|| panic!("receipt {receipt}"));
    format!("terminal_id = {} AND number = {number}", text(terminal))
}

/// A sale's id by receipt number, as a subquery.
fn sale_id(receipt: &str) -> String {
    format!("SELECT id FROM sales WHERE {}", sale_where(receipt))
}

/// The `WHERE` of a refund or void by its number (`T1-R000001`).
fn return_where(number: &str) -> String {
    let (terminal, tail) = number.rsplit_once('-').unwrap_or_else(|| panic!("return {number}"));
    let digits = tail.trim_start_matches(['R', 'V']);
    format!("terminal_id = {} AND number = {digits}", text(terminal))
}

impl<D: Dialect> SqlStore<D> {
    async fn update_payment(&self, receipt: &str, position: usize, set: &str) {
        self.execute(format!(
            "UPDATE payments SET {set} WHERE position = {position} AND sale_id IN ({})",
            sale_id(receipt)
        ))
        .await;
    }
}
