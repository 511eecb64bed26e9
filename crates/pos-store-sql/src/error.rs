//! Driver errors as the ports' errors: by kind, SQLSTATE and constraint name, never by message.

use pos_app::StoreError;

/// Any driver error that has no business meaning here.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error()
        // Postgres deadlock or serialisation failure: a concurrent transaction won; retrying is
        // safe (also what CockroachDB and YugabyteDB report under SERIALIZABLE).
        && matches!(db.code().as_deref(), Some("40P01" | "40001"))
    {
        return StoreError::Conflict { what: "a concurrent transaction (retry)".into() };
    }
    StoreError::Backend { message: e.to_string() }
}

/// A unique violation, with the constraint's name where the driver reports it (Postgres does,
/// SQLite does not).
pub(crate) fn unique_violation(e: &sqlx::Error) -> Option<Option<&str>> {
    let db = e.as_database_error()?;
    db.is_unique_violation().then(|| db.constraint())
}

/// Maps a unique violation of the statement to `meaning`, anything else as [`backend`].
pub(crate) fn on_unique(e: sqlx::Error, meaning: impl FnOnce() -> StoreError) -> StoreError {
    if unique_violation(&e).is_some() { meaning() } else { backend(e) }
}

/// Names of the constraints the steps tell apart; every dialect's schema uses them.
pub(crate) mod constraint {
    /// A sale's idempotency key, unique per store.
    pub(crate) const SALE_KEY: &str = "sales_idempotency_key";
    /// A return's idempotency key, unique per store.
    pub(crate) const RETURN_KEY: &str = "refunds_idempotency_key";
    /// A sale line is returned once.
    pub(crate) const LINE_ONCE: &str = "refund_lines_once";
}
