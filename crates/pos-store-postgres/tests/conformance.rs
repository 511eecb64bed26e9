//! The storage conformance suite against Postgres, a fresh database per test on the server in
//! `DATABASE_URL` (for example `postgres://postgres@127.0.0.1:5432/postgres`). Without
//! `DATABASE_URL` these tests pass vacuously, except under `CI=true`, where they must run.

use std::sync::Arc;

use async_trait::async_trait;
use pos_store_postgres::PostgresStore;
use pos_testkit::conformance::Tamper;
use sqlx::Connection;

async fn make() -> Option<Arc<PostgresStore>> {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        assert!(std::env::var("CI").is_err(), "CI=true: the Postgres tests must run; set DATABASE_URL");
        eprintln!("DATABASE_URL is not set: skipping a Postgres conformance case");
        return None;
    };
    let name = format!("pos_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn =
        sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| panic!("connect {admin}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("create database: {e}"));
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("DATABASE_URL has no database part: {admin}"),
    };
    Some(Arc::new(PostgresStore::connect(&url).await.unwrap_or_else(|e| panic!("connect {url}: {e}"))))
}

struct SqlTamper(Arc<PostgresStore>);

fn tamper(store: &Arc<PostgresStore>) -> SqlTamper {
    SqlTamper(store.clone())
}

#[async_trait]
impl Tamper for SqlTamper {
    async fn alter_sale(&self, receipt: &str) {
        let number: i64 = receipt.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or_default();
        sqlx::query("UPDATE sales SET document = jsonb_set(document, '{priced,total,amount}', '\"1\"') WHERE number = $1")
            .bind(number)
            .execute(self.0.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    async fn delete_journal(&self, terminal: &str, sequence: u64) {
        sqlx::query("DELETE FROM journal WHERE terminal_id = $1 AND sequence = $2")
            .bind(terminal)
            .bind(sequence as i64)
            .execute(self.0.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    async fn swap_journal(&self, terminal: &str, a: u64, b: u64) {
        for (from, to) in [(a as i64, -1_i64), (b as i64, a as i64), (-1, b as i64)] {
            sqlx::query("UPDATE journal SET sequence = $1 WHERE terminal_id = $2 AND sequence = $3")
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
