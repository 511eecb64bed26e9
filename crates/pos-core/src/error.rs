//! The error type of pos-core.

use rust_decimal::Decimal;
use thiserror::Error;

/// Everything that can go wrong in pos-core. Every variant names the offending field or value,
/// so the message can be shown to a cashier or returned to an API client as is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A currency code that is not ISO 4217 or not supported.
    #[error("unknown currency `{code}`")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: String,
        /// Currency of the right operand.
        right: String,
    },
    /// Arithmetic left the representable range.
    #[error("arithmetic overflow in {operation}")]
    Overflow {
        /// What was being computed.
        operation: &'static str,
    },
    /// A field failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Dotted path of the field, e.g. `promotion.percent`.
        field: String,
        /// Why the value was rejected.
        reason: String,
    },
    /// A barcode failed to parse or its check digit is wrong.
    #[error("invalid barcode `{code}`: {reason}")]
    InvalidBarcode {
        /// The barcode as scanned.
        code: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A basket line references a SKU the catalog does not know.
    #[error("unknown SKU `{sku}`")]
    UnknownSku {
        /// The SKU.
        sku: String,
    },
    /// A basket line id that does not exist.
    #[error("unknown basket line {line}")]
    UnknownLine {
        /// The line id.
        line: u32,
    },
    /// A quantity that is not allowed (zero, negative, fractional for a unit item).
    #[error("invalid quantity {quantity}: {reason}")]
    InvalidQuantity {
        /// The quantity as given.
        quantity: Decimal,
        /// Why it was rejected.
        reason: String,
    },
}

impl CoreError {
    /// Shorthand for [`CoreError::InvalidField`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        CoreError::InvalidField { field: field.into(), reason: reason.into() }
    }

    /// The field this error is about, if it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            CoreError::InvalidField { field, .. } => Some(field),
            CoreError::UnknownCurrency { .. } | CoreError::CurrencyMismatch { .. } => Some("currency"),
            CoreError::InvalidBarcode { .. } => Some("barcode"),
            CoreError::UnknownSku { .. } => Some("sku"),
            CoreError::UnknownLine { .. } => Some("line"),
            CoreError::InvalidQuantity { .. } => Some("quantity"),
            CoreError::Overflow { .. } => None,
        }
    }
}
