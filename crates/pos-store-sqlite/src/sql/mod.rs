//! Every statement of the SQLite dialect, one file per aggregate. Parameters are numbered
//! (`?1`) in the order pos-store-sql's [`Sql`](pos_store_sql::Sql) documents.

pub(crate) mod catalog;
pub(crate) mod journal;
pub(crate) mod loyalty;
pub(crate) mod members;
pub(crate) mod returns;
pub(crate) mod sale;
pub(crate) mod shift;
pub(crate) mod stock;
