//! Errors of the use cases and of the storage ports.

use thiserror::Error;

/// What a storage adapter reports. Adapters translate driver errors into these variants (by
/// error kind and constraint name, never by message).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A concurrent change won (two sales of one member at once, a stock document changed
    /// meanwhile); retry.
    #[error("concurrent update of {what}; retry")]
    Conflict {
        /// What was updated concurrently.
        what: String,
    },
    /// A unique value is taken (a member's phone number, a document id).
    #[error("{what} is already used")]
    Duplicate {
        /// What is taken.
        what: String,
    },
    /// A concurrent transaction committed the same idempotency key first; the commit script
    /// starts over and finds it.
    #[error("idempotency key `{key}` was committed concurrently")]
    KeyTaken {
        /// The key.
        key: String,
    },
    /// A sale line was returned by a concurrent transaction.
    #[error("line {line} of the sale was already refunded")]
    AlreadyRefunded {
        /// Line id.
        line: u32,
    },
    /// A value the store was given does not pass the domain's checks; nothing was written.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// Anything else from the database; details are in the message (logged, not shown to users).
    #[error("storage error: {message}")]
    Backend {
        /// Driver message.
        message: String,
    },
}

impl StoreError {
    /// A value refused by a domain check, naming its field.
    pub fn invalid(field: Option<&str>, e: &dyn std::fmt::Display) -> Self {
        StoreError::InvalidInput { field: field.unwrap_or("value").to_owned(), reason: e.to_string() }
    }
}

impl From<pos_core::CoreError> for StoreError {
    fn from(e: pos_core::CoreError) -> Self {
        match e {
            pos_core::CoreError::InvalidField { field, reason } => StoreError::InvalidInput { field, reason },
            other => StoreError::invalid(other.field(), &other),
        }
    }
}

impl From<pos_loyalty::LoyaltyError> for StoreError {
    fn from(e: pos_loyalty::LoyaltyError) -> Self {
        match e {
            pos_loyalty::LoyaltyError::InvalidField { field, reason } => {
                StoreError::InvalidInput { field, reason }
            }
            other => StoreError::invalid(None, &other),
        }
    }
}

impl From<pos_inventory::InventoryError> for StoreError {
    fn from(e: pos_inventory::InventoryError) -> Self {
        match e {
            pos_inventory::InventoryError::InvalidField { field, reason } => {
                StoreError::InvalidInput { field, reason }
            }
            other => StoreError::invalid(None, &other),
        }
    }
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
    /// The idempotency key was used for a different request; nothing was done.
    #[error("idempotency key `{key}` was already used for a different request")]
    IdempotencyConflict {
        /// The key.
        key: String,
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
    /// Inventory rules refused (not enough stock, a transfer, a count).
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
    /// An earlier try of this request was given up and its payment reversed; submit the sale
    /// again with a new idempotency key.
    #[error("the payment `{key}` of an earlier try was reversed; submit again with a new idempotency key")]
    PaymentReversed {
        /// The payment's idempotency key.
        key: String,
    },
    /// A usage-limited promotion the basket was priced with reached its limit before the sale
    /// committed (another till took the last use). Nothing was recorded and the cards were
    /// reversed; price the basket again and submit it with a new idempotency key.
    #[error("promotion `{promotion}` reached its usage limit; price the basket again")]
    PromotionLimit {
        /// The promotion.
        promotion: String,
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
    /// A failure injected by a test between two steps of a commit.
    #[cfg(feature = "test-hooks")]
    #[error("failure injected after {step:?}")]
    Injected {
        /// The step.
        step: crate::commit::CommitStep,
    },
}

impl AppError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::InvalidField { field: field.into(), reason: reason.into() }
    }
}
