//! The storage conformance suite against Postgres, a fresh database per test on the server in
//! `DATABASE_URL` (for example `postgres://postgres@127.0.0.1:5432/postgres`). Without
//! `DATABASE_URL` these tests pass vacuously, except under `CI=true`, where they must run.

use std::sync::Arc;

use pos_store_postgres::PostgresStore;
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
    Some(Arc::new(PostgresStore::open(&url).await.unwrap_or_else(|e| panic!("connect {url}: {e}"))))
}

pos_testkit::conformance_tests!(make);
