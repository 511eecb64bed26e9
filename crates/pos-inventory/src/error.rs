//! Errors of the inventory domain.

use rust_decimal::Decimal;
use thiserror::Error;

/// What can go wrong; every variant names the SKU, location or field involved, and a failed
/// operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// A field failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Field name.
        field: String,
        /// Why.
        reason: String,
    },
    /// The location does not exist.
    #[error("unknown location `{location}`")]
    UnknownLocation {
        /// Location id.
        location: String,
    },
    /// The SKU has never been stocked or given a policy.
    #[error("unknown SKU `{sku}`")]
    UnknownSku {
        /// SKU.
        sku: String,
    },
    /// Not enough available stock for a SKU that refuses negative stock.
    #[error("insufficient stock of `{sku}` at `{location}`: {available} available, {requested} requested")]
    InsufficientStock {
        /// SKU.
        sku: String,
        /// Location.
        location: String,
        /// Available now.
        available: Decimal,
        /// Requested.
        requested: Decimal,
    },
    /// A transfer, count or reservation id that does not exist.
    #[error("unknown {what} `{id}`")]
    UnknownId {
        /// "transfer", "count" or "reservation".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An id that is already used.
    #[error("{what} `{id}` already exists")]
    DuplicateId {
        /// "transfer", "count", "reservation" or "location".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The document is not in a state that allows the operation.
    #[error("{what} `{id}` is {state}")]
    WrongState {
        /// "transfer", "count" or "reservation".
        what: &'static str,
        /// The id.
        id: String,
        /// Its state.
        state: String,
    },
}

impl InventoryError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        InventoryError::InvalidField { field: field.into(), reason: reason.into() }
    }
}
