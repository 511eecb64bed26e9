//! The storage conformance suite against SQLite, a temporary file per test.

use std::sync::Arc;

use async_trait::async_trait;
use pos_store_sqlite::SqliteStore;
use pos_testkit::conformance::Tamper;

async fn make() -> Option<Arc<SqliteStore>> {
    let dir = std::env::temp_dir().join(format!("pos-sqlite-{}", uuid::Uuid::now_v7()));
    let path = dir.join("pos.db");
    let store =
        SqliteStore::open(path.to_str().unwrap_or_default()).await.unwrap_or_else(|e| panic!("open: {e}"));
    Some(Arc::new(store))
}

struct SqlTamper(Arc<SqliteStore>);

fn tamper(store: &Arc<SqliteStore>) -> SqlTamper {
    SqlTamper(store.clone())
}

#[async_trait]
impl Tamper for SqlTamper {
    async fn alter_sale(&self, receipt: &str) {
        let number: i64 = receipt.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or_default();
        sqlx::query(
            "UPDATE sales SET document = json_set(document, '$.priced.total.amount', '1') WHERE number = ?",
        )
        .bind(number)
        .execute(self.0.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
    async fn delete_journal(&self, terminal: &str, sequence: u64) {
        sqlx::query("DELETE FROM journal WHERE terminal_id = ? AND sequence = ?")
            .bind(terminal)
            .bind(sequence as i64)
            .execute(self.0.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    async fn swap_journal(&self, terminal: &str, a: u64, b: u64) {
        for (from, to) in [(a as i64, -1_i64), (b as i64, a as i64), (-1, b as i64)] {
            sqlx::query("UPDATE journal SET sequence = ? WHERE terminal_id = ? AND sequence = ?")
                .bind(to)
                .bind(terminal)
                .bind(from)
                .execute(self.0.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

pos_testkit::conformance_tests!(make, tamper);
