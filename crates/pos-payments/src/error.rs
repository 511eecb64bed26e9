//! Errors of the payments domain.

use rust_decimal::Decimal;
use thiserror::Error;

use crate::payment::PaymentState;

/// What can go wrong with tenders, payments and shifts. Each variant names the field or the
/// state involved; a failed operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// A field failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Dotted field name, e.g. `paid_out.amount`.
        field: String,
        /// Why.
        reason: String,
    },
    /// Tenders do not cover the amount due.
    #[error("tenders cover {covered} of {due}")]
    Underpaid {
        /// Amount due (after cash rounding where cash settles the rest).
        due: Decimal,
        /// Amount the tenders cover.
        covered: Decimal,
    },
    /// Non-cash tenders exceed the amount due (only cash gives change).
    #[error("non-cash tenders of {non_cash} exceed the amount due {due}; only cash gives change")]
    Overpaid {
        /// Amount due.
        due: Decimal,
        /// Sum of non-cash tenders.
        non_cash: Decimal,
    },
    /// A currency differs from the sale's.
    #[error("currency mismatch: expected {expected}, got {found}")]
    CurrencyMismatch {
        /// The sale's currency.
        expected: String,
        /// The tender's currency.
        found: String,
    },
    /// A transition the payment state machine does not allow.
    #[error("cannot {action} a payment that is {from:?}")]
    InvalidTransition {
        /// Current state.
        from: PaymentState,
        /// What was attempted.
        action: &'static str,
    },
    /// Refunding more than was paid (in total or on one tender).
    #[error("refund of {requested} exceeds the {refundable} still refundable")]
    RefundExceedsPaid {
        /// Requested.
        requested: Decimal,
        /// Still refundable.
        refundable: Decimal,
    },
    /// The shift is already closed.
    #[error("shift {shift} is closed")]
    ShiftClosed {
        /// Shift id.
        shift: String,
    },
}

impl PaymentError {
    /// Shorthand for [`PaymentError::InvalidField`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        PaymentError::InvalidField { field: field.into(), reason: reason.into() }
    }
}

impl From<pos_core::CoreError> for PaymentError {
    fn from(e: pos_core::CoreError) -> Self {
        match e {
            pos_core::CoreError::CurrencyMismatch { left, right } => {
                PaymentError::CurrencyMismatch { expected: left, found: right }
            }
            other => PaymentError::invalid(other.field().unwrap_or("amount").to_owned(), other.to_string()),
        }
    }
}
