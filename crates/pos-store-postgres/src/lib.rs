//! # pos-store-postgres
//!
//! The production store: Postgres through sqlx. The ports are implemented once in
//! pos-store-sql; this crate is the Postgres dialect: how the pool connects, the schema
//! (`migrations/`, embedded and run on connect), and the text of every statement (`src/sql/`,
//! one file per aggregate). A commit is one READ COMMITTED transaction whose
//! concurrency-sensitive steps take row locks: the per-terminal counters and journal head
//! (gapless numbers, one chain), the stock rows (locked in one order, so concurrent sales cannot
//! deadlock), the sale a return refers to, and the stock document a change moves on.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pos_app::StoreError> {
//! let store = pos_store_postgres::PostgresStore::open("postgres://localhost/pos").await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod sql;

use std::time::Duration;

use pos_app::StoreError;
use pos_store_sql::{Dialect, Sql, SqlStore, open_error};
use sqlx::Pool;
use sqlx::postgres::PgPoolOptions;

/// The Postgres dialect.
pub struct Postgres;

/// The Postgres store.
pub type PostgresStore = SqlStore<Postgres>;

impl Dialect for Postgres {
    type Db = sqlx::Postgres;
    const SQL: Sql = pos_store_sql::statements!(sql);

    /// Connects to the server at `url` and runs the migrations.
    async fn connect(url: &str) -> Result<Pool<sqlx::Postgres>, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(open_error)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(open_error)?;
        Ok(pool)
    }
}
