//! The little this crate needs from a sqlx database, behind one trait with one blanket impl, so
//! that the steps are written once for every dialect: run a statement, fetch rows, bind and read
//! the handful of column types the schema uses (UUIDs, 64-bit integers, text, booleans, UTC
//! times). Amounts and quantities are integers (minor units, thousandths), documents JSON text,
//! so no dialect needs a decimal type.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::{
    Arguments, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, SqlSafeStr, SqlStr, Type,
};
use uuid::Uuid;

use pos_app::StoreError;

use crate::error::backend;

/// A boxed future, as the blanket impl returns them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A sqlx database the steps can run on. Implemented for every database whose driver supports
/// the column types; the steps only ever name `DB: Backend`.
pub trait Backend: Database + Sized {
    /// Runs a statement.
    fn run<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>>;
    /// Runs a query for at most one row.
    fn fetch_optional<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<Option<Self::Row>, sqlx::Error>>;
    /// Runs a query for all its rows.
    fn fetch_all<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<Vec<Self::Row>, sqlx::Error>>;
    /// Binds a UUID.
    fn add_uuid(args: &mut Self::Arguments, v: Uuid) -> Result<(), BoxDynError>;
    /// Binds an integer.
    fn add_int(args: &mut Self::Arguments, v: Option<i64>) -> Result<(), BoxDynError>;
    /// Binds text.
    fn add_text(args: &mut Self::Arguments, v: Option<String>) -> Result<(), BoxDynError>;
    /// Binds a boolean.
    fn add_bool(args: &mut Self::Arguments, v: bool) -> Result<(), BoxDynError>;
    /// Binds a UTC time.
    fn add_time(args: &mut Self::Arguments, v: Option<DateTime<Utc>>) -> Result<(), BoxDynError>;
    /// Reads a UUID column.
    fn uuid(row: &Self::Row, col: &str) -> Result<Uuid, sqlx::Error>;
    /// Reads an integer column.
    fn int(row: &Self::Row, col: &str) -> Result<Option<i64>, sqlx::Error>;
    /// Reads a text column.
    fn text(row: &Self::Row, col: &str) -> Result<Option<String>, sqlx::Error>;
    /// Reads a boolean column.
    fn flag(row: &Self::Row, col: &str) -> Result<bool, sqlx::Error>;
    /// Reads a UTC time column.
    fn time(row: &Self::Row, col: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error>;
}

impl<DB> Backend for DB
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
    for<'q> Uuid: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
{
    fn run<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move { sqlx::query_with(sql, args).execute(conn).await.map(drop) })
    }
    fn fetch_optional<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<Option<Self::Row>, sqlx::Error>> {
        Box::pin(async move { sqlx::query_with(sql, args).fetch_optional(conn).await })
    }
    fn fetch_all<'c>(
        conn: &'c mut Self::Connection,
        sql: SqlStr,
        args: Self::Arguments,
    ) -> BoxFuture<'c, Result<Vec<Self::Row>, sqlx::Error>> {
        Box::pin(async move { sqlx::query_with(sql, args).fetch_all(conn).await })
    }
    fn add_uuid(args: &mut Self::Arguments, v: Uuid) -> Result<(), BoxDynError> {
        args.add(v)
    }
    fn add_int(args: &mut Self::Arguments, v: Option<i64>) -> Result<(), BoxDynError> {
        args.add(v)
    }
    fn add_text(args: &mut Self::Arguments, v: Option<String>) -> Result<(), BoxDynError> {
        args.add(v)
    }
    fn add_bool(args: &mut Self::Arguments, v: bool) -> Result<(), BoxDynError> {
        args.add(v)
    }
    fn add_time(args: &mut Self::Arguments, v: Option<DateTime<Utc>>) -> Result<(), BoxDynError> {
        args.add(v)
    }
    fn uuid(row: &Self::Row, col: &str) -> Result<Uuid, sqlx::Error> {
        row.try_get(col)
    }
    fn int(row: &Self::Row, col: &str) -> Result<Option<i64>, sqlx::Error> {
        row.try_get(col)
    }
    fn text(row: &Self::Row, col: &str) -> Result<Option<String>, sqlx::Error> {
        row.try_get(col)
    }
    fn flag(row: &Self::Row, col: &str) -> Result<bool, sqlx::Error> {
        row.try_get(col)
    }
    fn time(row: &Self::Row, col: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        row.try_get(col)
    }
}

/// A value a statement binds.
pub trait Param {
    /// Appends the value to the arguments.
    ///
    /// # Errors
    /// The driver's encoding error.
    fn add<DB: Backend>(self, args: &mut DB::Arguments) -> Result<(), BoxDynError>;
}

/// A column type a row reads.
pub trait Column: Sized {
    /// Reads the column named `col`.
    ///
    /// # Errors
    /// The driver's decoding error, or a NULL where a value is required.
    fn get<DB: Backend>(row: &DB::Row, col: &str) -> Result<Self, sqlx::Error>;
}

fn required<T>(v: Option<T>, col: &str) -> Result<T, sqlx::Error> {
    v.ok_or_else(|| sqlx::Error::ColumnDecode { index: col.to_owned(), source: "unexpected NULL".into() })
}

/// `Param` for a type, as `$add` applied to the value mapped by `$map`.
macro_rules! param {
    ($($ty:ty => $add:ident($v:ident => $map:expr)),* $(,)?) => {
        $(impl Param for $ty {
            fn add<DB: Backend>(self, args: &mut DB::Arguments) -> Result<(), BoxDynError> {
                let $v = self;
                DB::$add(args, $map)
            }
        })*
    };
}

param! {
    Uuid => add_uuid(v => v),
    bool => add_bool(v => v),
    i64 => add_int(v => Some(v)),
    Option<i64> => add_int(v => v),
    &str => add_text(v => Some(v.to_owned())),
    String => add_text(v => Some(v)),
    &String => add_text(v => Some(v.clone())),
    Option<&str> => add_text(v => v.map(str::to_owned)),
    DateTime<Utc> => add_time(v => Some(v)),
    Option<DateTime<Utc>> => add_time(v => v),
}

/// `Column` for a type and its `Option`, read with `$get`.
macro_rules! column {
    ($($ty:ty => $get:ident),* $(,)?) => {
        $(impl Column for $ty {
            fn get<DB: Backend>(row: &DB::Row, col: &str) -> Result<Self, sqlx::Error> {
                required(DB::$get(row, col)?, col)
            }
        }
        impl Column for Option<$ty> {
            fn get<DB: Backend>(row: &DB::Row, col: &str) -> Result<Self, sqlx::Error> {
                DB::$get(row, col)
            }
        })*
    };
}

column! { i64 => int, String => text, DateTime<Utc> => time }

impl Column for Uuid {
    fn get<DB: Backend>(row: &DB::Row, col: &str) -> Result<Self, sqlx::Error> {
        DB::uuid(row, col)
    }
}

impl Column for bool {
    fn get<DB: Backend>(row: &DB::Row, col: &str) -> Result<Self, sqlx::Error> {
        DB::flag(row, col)
    }
}

/// A typed row, read by column name (see [`crate::sql_row`]).
pub trait FromSqlRow: Sized {
    /// Reads the row.
    ///
    /// # Errors
    /// The driver's decoding error.
    fn from_row<DB: Backend>(row: &DB::Row) -> Result<Self, sqlx::Error>;
}

/// Declares a typed row struct read by column name: each field is the column of its name.
#[macro_export]
macro_rules! sql_row {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$fmeta])* pub(crate) $field: $ty,)*
        }

        impl $crate::backend::FromSqlRow for $name {
            fn from_row<DB: $crate::backend::Backend>(row: &DB::Row) -> Result<Self, sqlx::Error> {
                Ok($name { $($field: <$ty as $crate::backend::Column>::get::<DB>(row, stringify!($field))?,)* })
            }
        }
    };
}

/// A statement with its arguments. Its methods report driver errors as
/// [`StoreError`](pos_app::StoreError) (see [`crate::error`]); [`Query::run_mapped`] lets a step
/// give a unique violation its business meaning.
pub(crate) struct Query<DB: Backend> {
    sql: SqlStr,
    args: DB::Arguments,
    error: Option<BoxDynError>,
}

impl<DB: Backend> Query<DB> {
    /// A statement.
    pub(crate) fn new(sql: impl SqlSafeStr) -> Self {
        Query { sql: sql.into_sql_str(), args: DB::Arguments::default(), error: None }
    }

    /// Binds the next parameter.
    pub(crate) fn bind(mut self, v: impl Param) -> Self {
        if let Err(e) = v.add::<DB>(&mut self.args)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
        self
    }

    fn args(self) -> Result<(SqlStr, DB::Arguments), sqlx::Error> {
        match self.error {
            Some(e) => Err(sqlx::Error::Encode(e)),
            None => Ok((self.sql, self.args)),
        }
    }

    /// Runs it; `map` turns the driver's error into the step's.
    pub(crate) async fn run_mapped(
        self,
        conn: &mut DB::Connection,
        map: impl FnOnce(sqlx::Error) -> StoreError,
    ) -> Result<(), StoreError> {
        let (sql, args) = self.args().map_err(backend)?;
        DB::run(conn, sql, args).await.map_err(map)
    }

    /// Runs it.
    pub(crate) async fn run(self, conn: &mut DB::Connection) -> Result<(), StoreError> {
        self.run_mapped(conn, backend).await
    }

    /// Runs it and tells whether it returned a row (for `... RETURNING` on a conditional update).
    pub(crate) async fn hit(self, conn: &mut DB::Connection) -> Result<bool, StoreError> {
        let (sql, args) = self.args().map_err(backend)?;
        Ok(DB::fetch_optional(conn, sql, args).await.map_err(backend)?.is_some())
    }

    /// At most one typed row.
    pub(crate) async fn one<R: FromSqlRow>(self, conn: &mut DB::Connection) -> Result<Option<R>, StoreError> {
        let (sql, args) = self.args().map_err(backend)?;
        let row = DB::fetch_optional(conn, sql, args).await.map_err(backend)?;
        row.as_ref().map(R::from_row::<DB>).transpose().map_err(backend)
    }

    /// All typed rows.
    pub(crate) async fn all<R: FromSqlRow>(self, conn: &mut DB::Connection) -> Result<Vec<R>, StoreError> {
        let (sql, args) = self.args().map_err(backend)?;
        let rows = DB::fetch_all(conn, sql, args).await.map_err(backend)?;
        rows.iter().map(R::from_row::<DB>).collect::<Result<_, _>>().map_err(backend)
    }
}
