//! # pos-store-sql
//!
//! The pos-app storage ports on SQL, written once for every dialect. A dialect (SQLite in
//! `pos-store-sqlite`, Postgres in `pos-store-postgres`) supplies its connection, migrations,
//! how a write transaction begins, and the text of every statement ([`Sql`]); this crate binds
//! and reads them through [`backend::Backend`], one trait with a blanket impl over sqlx
//! databases, so no Rust is repeated between dialects.
//!
//! Storage encoding, the same in every dialect ([`rows`]): ids are UUIDs, times UTC, amounts
//! integer minor units of the sale's currency, quantities integer thousandths, enums by their
//! stable codes, documents JSON. Every row carries its store id.
//!
//! The order of every commit lives in `pos_app::commit`; the steps here only run their
//! statements. Files follow the aggregates: [`catalog`], [`stock`], [`sale`], [`returns`],
//! [`loyalty`], [`members`], [`shift`], [`journal`].
#![deny(missing_docs)]

mod access;
mod attempts;
mod audit;
pub mod backend;
mod catalog;
mod error;
mod events;
#[cfg(feature = "test-hooks")]
mod inspect;
mod journal;
mod loyalty;
mod members;
mod returns;
pub mod rows;
mod sale;
mod shift;
pub mod sql;
mod stock;

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{Transactional, UnitOfWork};
use sqlx::{Pool, Transaction};

pub use backend::Backend;
pub use sql::Sql;

use crate::backend::{FromSqlRow, Query};
use crate::error::backend as db_error;

/// A statement of dialect `D`.
pub(crate) type Q<D> = Query<<D as Dialect>::Db>;

/// Builds every statement of a dialect from a module with one submodule per aggregate, each
/// holding a `SQL` constant of that aggregate's statements.
#[macro_export]
macro_rules! statements {
    ($m:ident) => {
        $crate::Sql {
            dialect: $m::DIALECT,
            catalog: $m::catalog::SQL,
            stock: $m::stock::SQL,
            sale: $m::sale::SQL,
            returns: $m::returns::SQL,
            loyalty: $m::loyalty::SQL,
            members: $m::members::SQL,
            shift: $m::shift::SQL,
            journal: $m::journal::SQL,
            audit: $m::audit::SQL,
            attempts: $m::attempts::SQL,
            events: $m::events::SQL,
            access: $m::access::SQL,
        }
    };
}

/// A driver or I/O error while opening a store.
pub fn open_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend { message: e.to_string() }
}

/// A SQL dialect: its database, how it opens, its statements.
pub trait Dialect: Send + Sync + 'static {
    /// The sqlx database.
    type Db: Backend;
    /// Every statement (see [`statements!`]).
    const SQL: Sql;
    /// Whether the database takes one writer at a time (SQLite): writers then queue in this
    /// process, first come first served, instead of retrying on the database's busy handler,
    /// whose growing sleeps (up to 100 ms each) are what a till would wait for.
    const ONE_WRITER: bool = false;
    /// Opens a pool on `target` (a file path, a URL) and brings the schema up to date.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when it cannot be opened or migrated.
    fn connect(target: &str) -> impl Future<Output = Result<Pool<Self::Db>, StoreError>> + Send;
}

/// A store on a SQL database of dialect `D`.
pub struct SqlStore<D: Dialect> {
    pool: Pool<D::Db>,
    /// The queue of writers when the database takes one at a time ([`Dialect::ONE_WRITER`]).
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl<D: Dialect> SqlStore<D> {
    /// Opens the store at `target` (for SQLite a file path, created if missing; for Postgres a
    /// URL) and runs the migrations.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when it cannot be opened or migrated.
    pub async fn open(target: &str) -> Result<Self, StoreError> {
        Ok(Self::from_pool(D::connect(target).await?))
    }

    /// The store over an open, migrated pool.
    pub fn from_pool(pool: Pool<D::Db>) -> Self {
        SqlStore { pool, writer: Arc::default() }
    }

    /// The connection pool (for operators' tools and tests).
    pub fn pool(&self) -> &Pool<D::Db> {
        &self.pool
    }

    pub(crate) fn sql() -> &'static Sql {
        &D::SQL
    }

    /// A statement.
    pub(crate) fn q(sql: &'static str) -> Q<D> {
        Query::new(sql)
    }

    /// Its turn to write, when the database takes one writer at a time.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        if D::ONE_WRITER { Some(self.writer.clone().lock_owned().await) } else { None }
    }

    /// Begins a write transaction (in its turn, see [`Dialect::ONE_WRITER`]).
    pub(crate) async fn begin_write(&self) -> Result<SqlTx<D>, StoreError> {
        let turn = self.write_turn().await;
        let tx = self.pool.begin_with(D::SQL.dialect.begin).await.map_err(db_error)?;
        Ok(SqlTx { tx, _turn: turn })
    }

    /// Runs a statement on a pooled connection.
    pub(crate) async fn run(&self, q: Q<D>) -> Result<(), StoreError> {
        self.run_mapped(q, db_error).await
    }

    /// Runs a statement on a pooled connection, giving its errors a meaning.
    pub(crate) async fn run_mapped(
        &self,
        q: Q<D>,
        map: impl FnOnce(sqlx::Error) -> StoreError,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        q.run_mapped(&mut *self.pool.acquire().await.map_err(db_error)?, map).await
    }

    /// Whether a statement returned a row, on a pooled connection (a write: it takes its turn).
    pub(crate) async fn hit(&self, q: Q<D>) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        q.hit(&mut *self.pool.acquire().await.map_err(db_error)?).await
    }

    /// At most one row, on a pooled connection.
    pub(crate) async fn one<R: FromSqlRow>(&self, q: Q<D>) -> Result<Option<R>, StoreError> {
        q.one(&mut *self.pool.acquire().await.map_err(db_error)?).await
    }

    /// All rows, on a pooled connection.
    pub(crate) async fn all<R: FromSqlRow>(&self, q: Q<D>) -> Result<Vec<R>, StoreError> {
        q.all(&mut *self.pool.acquire().await.map_err(db_error)?).await
    }
}

/// A transaction on a SQL store.
pub(crate) struct SqlTx<D: Dialect> {
    pub(crate) tx: Transaction<'static, D::Db>,
    /// The writer's turn it holds until it commits or rolls back (dropped with it).
    pub(crate) _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<D: Dialect> SqlTx<D> {
    pub(crate) fn sql() -> &'static Sql {
        &D::SQL
    }

    /// A statement.
    pub(crate) fn q(sql: &'static str) -> Q<D> {
        Query::new(sql)
    }

    /// Runs a statement in the transaction.
    pub(crate) async fn run(&mut self, q: Q<D>) -> Result<(), StoreError> {
        q.run(&mut self.tx).await
    }

    /// Runs a statement in the transaction, giving its errors a meaning.
    pub(crate) async fn run_mapped(
        &mut self,
        q: Q<D>,
        map: impl FnOnce(sqlx::Error) -> StoreError,
    ) -> Result<(), StoreError> {
        q.run_mapped(&mut self.tx, map).await
    }

    /// Whether a statement returned a row.
    pub(crate) async fn hit(&mut self, q: Q<D>) -> Result<bool, StoreError> {
        q.hit(&mut self.tx).await
    }

    /// At most one row.
    pub(crate) async fn one<R: FromSqlRow>(&mut self, q: Q<D>) -> Result<Option<R>, StoreError> {
        q.one(&mut self.tx).await
    }

    /// All rows.
    pub(crate) async fn all<R: FromSqlRow>(&mut self, q: Q<D>) -> Result<Vec<R>, StoreError> {
        q.all(&mut self.tx).await
    }
}

#[async_trait]
impl<D: Dialect> Transactional for SqlStore<D> {
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        Ok(Box::new(self.begin_write().await?))
    }
}

#[async_trait]
impl<D: Dialect> UnitOfWork for SqlTx<D> {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(db_error)
    }
}
