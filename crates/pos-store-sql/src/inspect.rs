//! Test support (feature `test-hooks`): the conformance suite's view of the rows, in
//! dialect-neutral SQL with the test's own values inlined.

use std::collections::BTreeMap;

use async_trait::async_trait;
use pos_app::SaleDocument;
use pos_app::ports::parse_receipt;
use pos_core::Money;
use pos_testkit::inspect::{Inspect, TABLES};
use sqlx::AssertSqlSafe;

use crate::backend::{FromSqlRow, Query};
use crate::rows::{DataRow, NumberRow, from_json, json};
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

    async fn alter_sale_total(&self, receipt: &str, total: Money) {
        let (terminal, number) = parse_receipt(receipt).unwrap_or_else(|| panic!("receipt {receipt}"));
        let which = format!("terminal_id = {} AND number = {number}", text(terminal));
        let row: Option<DataRow> = self
            .raw(format!("SELECT document{} AS data FROM sales WHERE {which}", D::SQL.dialect.json_text))
            .await;
        let data = row.unwrap_or_else(|| panic!("no sale {receipt}")).data;
        let mut doc: SaleDocument = from_json(&data).unwrap_or_else(|e| panic!("{e}"));
        doc.priced.total = total;
        let data = json(&doc).unwrap_or_else(|e| panic!("{e}"));
        self.execute(format!(
            "UPDATE sales SET document = {}{} WHERE {which}",
            text(&data),
            D::SQL.dialect.json_cast
        ))
        .await;
    }

    async fn delete_journal(&self, terminal: &str, sequence: u64) {
        self.execute(format!(
            "DELETE FROM journal WHERE terminal_id = {} AND sequence = {sequence}",
            text(terminal)
        ))
        .await;
    }

    async fn rewind_sale_counter(&self, terminal: &str) {
        let name = text(pos_app::ports::Counter::Sale.code());
        self.execute(format!(
            "UPDATE counters SET last = last - 1 WHERE terminal_id = {} AND name = {name}",
            text(terminal)
        ))
        .await;
    }

    async fn swap_journal(&self, terminal: &str, a: u64, b: u64) {
        let (a, b) = (a as i64, b as i64);
        for (from, to) in [(a, -1), (b, a), (-1, b)] {
            let t = text(terminal);
            self.execute(format!(
                "UPDATE journal SET sequence = {to} WHERE terminal_id = {t} AND sequence = {from}"
            ))
            .await;
        }
    }
}
