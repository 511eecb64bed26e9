//! # pos-store-sqlite
//!
//! The embedded store: a SQLite file, zero setup. The ports are implemented once in
//! pos-store-sql; this crate is the SQLite dialect: how the file is opened, the schema
//! (`migrations/`, embedded and run on open), and the text of every statement (`src/sql/`, one
//! file per aggregate). Writes take SQLite's write lock up front (`BEGIN IMMEDIATE`), so a
//! commit's reads and writes form one serialised transaction.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pos_app::StoreError> {
//! let store = pos_store_sqlite::SqliteStore::open("pos-data/pos.db").await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod sql;

use std::path::Path;
use std::time::Duration;

use pos_app::StoreError;
use pos_store_sql::{Dialect, Sql, SqlStore, open_error};
use sqlx::Pool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The SQLite dialect.
pub struct Sqlite;

/// The SQLite store.
pub type SqliteStore = SqlStore<Sqlite>;

impl Dialect for Sqlite {
    type Db = sqlx::Sqlite;
    const SQL: Sql = pos_store_sql::statements!(sql);
    const ONE_WRITER: bool = true;

    /// Opens (creating if needed) the database file at `path`, a file system path taken as it
    /// is (not a URL: `?`, `%` and spaces are file name characters), and runs the migrations.
    async fn connect(path: &str) -> Result<Pool<sqlx::Sqlite>, StoreError> {
        if let Some(dir) = Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(open_error)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(open_error)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(open_error)?;
        Ok(pool)
    }
}
