//! Errors of the use cases and of the storage ports.

use rust_decimal::Decimal;
use thiserror::Error;

use crate::ports::CommitStep;

/// What a storage adapter reports. Adapters translate driver errors into these variants.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A SKU that refuses negative stock has too little available.
    #[error("insufficient stock of `{sku}` at `{location}`: {available} available, {requested} requested")]
    InsufficientStock {
        /// SKU.
        sku: String,
        /// Location.
        location: String,
        /// Available.
        available: Decimal,
        /// Requested.
        requested: Decimal,
    },
    /// The idempotency key was used for a different request.
    #[error("idempotency key `{key}` was already used for a different request")]
    IdempotencyConflict {
        /// The key.
        key: String,
    },
    /// A concurrent change won (for example two sales of one member at once); retry.
    #[error("concurrent update of {what}; retry")]
    Conflict {
        /// What was updated concurrently.
        what: String,
    },
    /// A unique value is taken (a member's phone number).
    #[error("{what} is already used")]
    Duplicate {
        /// What is taken.
        what: String,
    },
    /// A sale line was refunded already (possibly by a concurrent refund).
    #[error("line {line} of the sale was already refunded")]
    AlreadyRefunded {
        /// Line id.
        line: u32,
    },
    /// A failure injected by a test at a step of the sale commit.
    #[error("failure injected at {step:?}")]
    Injected {
        /// The step.
        step: CommitStep,
    },
    /// Anything else from the database; details are in the message (logged, not shown to users).
    #[error("storage error: {message}")]
    Backend {
        /// Driver message.
        message: String,
    },
}

/// What a use case reports.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AppError {
    /// A request field failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Field.
        field: String,
        /// Why.
        reason: String,
    },
    /// Pricing refused the basket.
    #[error(transparent)]
    Pricing(#[from] pos_core::CoreError),
    /// Tenders or payments refused.
    #[error(transparent)]
    Payment(#[from] pos_payments::PaymentError),
    /// Loyalty refused (points, coupons).
    #[error(transparent)]
    Loyalty(#[from] pos_loyalty::LoyaltyError),
    /// Inventory rules refused (a transfer, a count).
    #[error(transparent)]
    Inventory(#[from] pos_inventory::InventoryError),
    /// The card was declined; nothing was recorded.
    #[error("payment declined: {reason}")]
    Declined {
        /// The gateway's reason.
        reason: String,
    },
    /// The gateway has not said whether it took the payment. Nothing was recorded; retry with
    /// the same idempotency key (the gateway will not charge twice).
    #[error("payment outcome unknown for `{key}`; retry with the same idempotency key")]
    PaymentPending {
        /// The payment's idempotency key.
        key: String,
    },
    /// A document that does not exist.
    #[error("no {what} `{id}`")]
    NotFound {
        /// "sale", ...
        what: &'static str,
        /// The id or number given.
        id: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::InvalidField { field: field.into(), reason: reason.into() }
    }
}
