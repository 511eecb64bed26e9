//! How values are stored, in one place for every dialect: amounts as integer minor units of
//! the sale's currency, quantities as integer thousandths, enums by their stable codes,
//! documents as JSON text; and the typed rows the queries read.

use chrono::{DateTime, Utc};
use pos_app::StoreError;
use pos_core::{Currency, Money, Sku};
use pos_inventory::{Level, LocationId, StockPolicy};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::sql_row;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Backend { message: format!("stored value does not read back: {what}") }
}

/// An amount in integer minor units.
///
/// # Errors
/// [`StoreError::Backend`] for an amount finer than the currency's minor unit or out of range:
/// the store never rounds.
pub(crate) fn minor(m: &Money) -> Result<i64, StoreError> {
    m.to_minor().ok_or_else(|| StoreError::Backend {
        message: format!("{m} is not a whole number of minor units within range"),
    })
}

/// An amount from integer minor units.
pub(crate) fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency)
}

/// A quantity in integer thousandths.
///
/// # Errors
/// [`StoreError::Backend`] for a quantity finer than a thousandth or out of range.
pub(crate) fn milli(q: Decimal) -> Result<i64, StoreError> {
    let scaled = q * Decimal::ONE_THOUSAND;
    if !scaled.fract().is_zero() {
        return Err(StoreError::Backend { message: format!("quantity {q} is finer than a thousandth") });
    }
    i64::try_from(scaled)
        .map_err(|_| StoreError::Backend { message: format!("quantity {q} is out of range") })
}

/// A quantity from integer thousandths.
pub(crate) fn from_milli(m: i64) -> Decimal {
    Decimal::new(m, 3).normalize()
}

/// An optional quantity in thousandths.
pub(crate) fn opt_milli(q: Option<Decimal>) -> Result<Option<i64>, StoreError> {
    q.map(milli).transpose()
}

/// A value as JSON text.
pub(crate) fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend { message: e.to_string() })
}

/// A value from JSON text.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(corrupt)
}

/// A unit enum's serde name (`card`, `captured`), which is how enums are stored.
pub(crate) fn code<T: Serialize>(v: &T) -> Result<String, StoreError> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Backend { message: "not a unit enum".into() }),
    }
}

/// A unit enum from its serde name.
pub(crate) fn from_code<T: DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(corrupt)
}

/// A non-negative count or number as stored.
pub(crate) fn int(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Backend { message: format!("{n} is out of range") })
}

/// A cursor or limit as the database takes it: one past every stored value stays past them
/// (nothing is after `u64::MAX`, and no page holds more than `i64::MAX` rows).
pub(crate) fn bound(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored count or number.
pub(crate) fn uint(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(corrupt)
}

/// A SKU as stored.
pub(crate) fn sku(s: &str) -> Result<Sku, StoreError> {
    Sku::parse(s).map_err(corrupt)
}

sql_row! {
    /// One JSON document column.
    pub(crate) struct DataRow { data: String }
}

sql_row! {
    /// One integer column.
    pub(crate) struct NumberRow { n: i64 }
}

sql_row! {
    /// A SKU's stock and policy at one location.
    pub(crate) struct StockRowRow {
        location_id: String,
        sku: String,
        on_hand_milli: i64,
        reserved_milli: i64,
        allow_negative: bool,
        reorder_point_milli: Option<i64>,
        reorder_quantity_milli: Option<i64>,
    }
}

impl StockRowRow {
    pub(crate) fn level(&self) -> Level {
        Level::new(from_milli(self.on_hand_milli), from_milli(self.reserved_milli))
    }

    pub(crate) fn policy(&self) -> StockPolicy {
        StockPolicy {
            allow_negative: self.allow_negative,
            reorder_point: self.reorder_point_milli.map(from_milli),
            reorder_quantity: self.reorder_quantity_milli.map(from_milli),
        }
    }

    pub(crate) fn line(&self) -> Result<pos_app::ports::StockLine, StoreError> {
        Ok(pos_app::ports::StockLine {
            location: LocationId::new(&self.location_id),
            sku: sku(&self.sku)?,
            row: pos_app::ports::StockRow { level: self.level(), policy: self.policy() },
        })
    }
}

sql_row! {
    /// A stock movement.
    pub(crate) struct MovementRow {
        location_id: String,
        sku: String,
        kind: String,
        reference: Option<String>,
        on_hand_milli: i64,
        reserved_milli: i64,
        actor: String,
        at: DateTime<Utc>,
    }
}

sql_row! {
    /// A sale or return found by its idempotency key.
    pub(crate) struct PriorRow {
        id: Uuid,
        terminal_id: String,
        number: i64,
        kind: Option<String>,
        journal_sequence: i64,
        request_hash: String,
    }
}

sql_row! {
    /// A sale's row.
    pub(crate) struct SaleRow { id: Uuid, currency: String, document: String }
}

sql_row! {
    /// A sale's number and document.
    pub(crate) struct NumberedDocumentRow { number: i64, document: String }
}

sql_row! {
    /// A stored document.
    pub(crate) struct DocumentRow { document: String }
}

sql_row! {
    /// A payment of a sale.
    pub(crate) struct PaymentRow {
        kind: String,
        amount_minor: i64,
        state: String,
        reference: Option<String>,
        brand: Option<String>,
        last4: Option<String>,
    }
}

sql_row! {
    /// A claimed line of a sale, and whether its claim is still open (1) or completed (0).
    pub(crate) struct ReturnedLineRow { line_id: i64, open: i64 }
}

sql_row! {
    /// A sale or return found by its idempotency key, with its document.
    pub(crate) struct PriorDocumentRow {
        id: Uuid,
        terminal_id: String,
        number: i64,
        kind: Option<String>,
        journal_sequence: i64,
        request_hash: String,
        document: String,
    }
}

sql_row! {
    /// Money returned to a sale's payment.
    pub(crate) struct ReturnedPaymentRow { position: i64, amount_minor: i64 }
}

sql_row! {
    /// A sale locked for a return.
    pub(crate) struct LockedSaleRow { currency: String, payments: i64 }
}

sql_row! {
    /// A points account with its version.
    pub(crate) struct AccountRow { version: i64, account: String }
}

sql_row! {
    /// A coupon.
    pub(crate) struct CouponRow { data: String, used_on: Option<String> }
}

sql_row! {
    /// A parked basket.
    pub(crate) struct ParkedRow { id: Uuid, terminal_id: String, at: DateTime<Utc>, data: String }
}

sql_row! {
    /// A stock document.
    pub(crate) struct StockDocumentRow { data: String }
}

sql_row! {
    /// A journal record.
    pub(crate) struct JournalRow {
        terminal_id: String,
        sequence: i64,
        kind: String,
        document_id: String,
        recorded_at: DateTime<Utc>,
        payload: String,
        prev_hash: String,
        hash: String,
    }
}

sql_row! {
    /// A terminal's journal head.
    pub(crate) struct HeadRow { sequence: i64, hash: String }
}

/// A currency as stored.
pub(crate) fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::parse(code).map_err(corrupt)
}
