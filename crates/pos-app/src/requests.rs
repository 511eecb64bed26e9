//! The checks every request passes before a use case acts on it, and on deserialisation: the
//! fields a till or an API client sends, against the domain's limits (`pos_core::limits`).

use chrono::{DateTime, TimeZone, Utc};
use pos_core::CoreError;
use pos_core::limits::check_id;

use crate::error::AppError;

/// Most coupon codes one sale presents.
pub const MAX_COUPONS: usize = 16;

/// Most points one sale redeems.
pub const MAX_REDEEM_POINTS: i64 = 1_000_000_000_000;

/// A domain check's error as the request field it names.
pub(crate) fn field_error(e: CoreError) -> AppError {
    match e {
        CoreError::InvalidField { field, reason } => AppError::InvalidField { field, reason },
        other => AppError::invalid(other.field().unwrap_or("request"), other.to_string()),
    }
}

/// An idempotency key: 1 to 128 characters, no control or invisible formatting characters.
pub(crate) fn check_key(key: &str) -> Result<(), AppError> {
    if key.trim().is_empty() || key.chars().count() > 128 {
        return Err(AppError::invalid("idempotency_key", "must be 1 to 128 characters"));
    }
    pos_core::limits::check_token("idempotency_key", key, 128).map_err(field_error)
}

/// An identifier field (terminal, cashier, location, receipt).
pub(crate) fn check_field(field: &str, value: &str) -> Result<(), AppError> {
    check_id(field, value).map_err(field_error)
}

/// A time a till sends: from the year 2000 to before 3000 (a clock far off is refused rather
/// than recorded).
pub(crate) fn check_time(field: &str, at: DateTime<Utc>) -> Result<(), AppError> {
    let earliest = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single();
    let latest = Utc.with_ymd_and_hms(3000, 1, 1, 0, 0, 0).single();
    if earliest.is_some_and(|e| at < e) || latest.is_some_and(|l| at >= l) {
        return Err(AppError::invalid(field, "must be between the years 2000 and 2999"));
    }
    Ok(())
}
