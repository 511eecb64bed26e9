//! Errors of the loyalty domain.

use thiserror::Error;

/// What can go wrong; a failed operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LoyaltyError {
    /// A field failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Field name.
        field: String,
        /// Why.
        reason: String,
    },
    /// Redeeming more points than the member holds.
    #[error("cannot redeem {requested} points: the balance is {balance}")]
    InsufficientPoints {
        /// Balance.
        balance: i64,
        /// Requested.
        requested: i64,
    },
    /// The balance is below the minimum needed to redeem at all.
    #[error("points can be redeemed from a balance of {minimum}; the balance is {balance}")]
    BelowMinimumBalance {
        /// Balance.
        balance: i64,
        /// Minimum.
        minimum: i64,
    },
    /// The redemption exceeds the share of the basket points may pay.
    #[error("at most {cap} points may be redeemed on this basket, {requested} requested")]
    ExceedsRedeemCap {
        /// Maximum points.
        cap: i64,
        /// Requested.
        requested: i64,
    },
    /// A line that is not part of the sale.
    #[error("line {line} is not part of sale {document}")]
    UnknownLine {
        /// Sale document.
        document: String,
        /// Line id.
        line: u32,
    },
    /// A line that was refunded already.
    #[error("line {line} of sale {document} was already refunded")]
    AlreadyRefunded {
        /// Sale document.
        document: String,
        /// Line id.
        line: u32,
    },
    /// The sale belongs to another member's account.
    #[error("sale {document} belongs to another member")]
    WrongMember {
        /// Sale document.
        document: String,
    },
    /// A coupon problem: unknown, used, outside its window, or someone else's.
    #[error("coupon `{code}`: {reason}")]
    Coupon {
        /// The code.
        code: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A gift card or store credit without enough balance.
    #[error("gift card `{code}` holds {balance}, {requested} requested")]
    InsufficientBalance {
        /// Card code.
        code: String,
        /// Balance.
        balance: rust_decimal::Decimal,
        /// Requested.
        requested: rust_decimal::Decimal,
    },
}

impl LoyaltyError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        LoyaltyError::InvalidField { field: field.into(), reason: reason.into() }
    }
}

impl From<pos_core::CoreError> for LoyaltyError {
    /// A limit of pos-core's (see `pos_core::limits`) as this crate's error, naming the field.
    fn from(e: pos_core::CoreError) -> Self {
        match e {
            pos_core::CoreError::InvalidField { field, reason } => {
                LoyaltyError::InvalidField { field, reason }
            }
            other => LoyaltyError::InvalidField {
                field: other.field().unwrap_or("value").to_owned(),
                reason: other.to_string(),
            },
        }
    }
}
