//! Every statement of the Postgres dialect, one file per aggregate, and [`DIALECT`]: how a write
//! transaction begins and how JSON is cast. Parameters are numbered (`$1`) in the order
//! pos-store-sql's [`Sql`](pos_store_sql::Sql) documents.

use pos_store_sql::sql::DialectSql;

pub(crate) const DIALECT: DialectSql =
    DialectSql { begin: "BEGIN", json_cast: "::jsonb", json_text: "::text", param: "$" };

pub(crate) mod access;
pub(crate) mod attempts;
pub(crate) mod audit;
pub(crate) mod catalog;
pub(crate) mod events;
pub(crate) mod journal;
pub(crate) mod loyalty;
pub(crate) mod members;
pub(crate) mod returns;
pub(crate) mod sale;
pub(crate) mod shift;
pub(crate) mod stock;
