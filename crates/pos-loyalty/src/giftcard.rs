//! Gift cards and store credit: a balance that is the sum of its ledger.

use chrono::{DateTime, Utc};
use pos_core::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::LoyaltyError;

/// Gift card or store credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredValueKind {
    /// Sold to a customer.
    GiftCard,
    /// Given instead of a cash refund.
    StoreCredit,
}

/// Why the balance changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredValueEntryKind {
    /// First load.
    Issue,
    /// Later load.
    TopUp,
    /// Spent as a tender.
    Redeem,
    /// A refund paid back onto the card.
    Refund,
}

/// One balance change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredValueEntry {
    /// Why.
    pub kind: StoredValueEntryKind,
    /// Signed change.
    pub amount: Money,
    /// When.
    pub at: DateTime<Utc>,
    /// Sale or refund document.
    pub document: Option<String>,
}

/// A gift card or store-credit account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredValue {
    code: String,
    kind: StoredValueKind,
    ledger: Vec<StoredValueEntry>,
}

fn positive(field: &str, m: &Money) -> Result<(), LoyaltyError> {
    if m.amount() <= Decimal::ZERO {
        return Err(LoyaltyError::invalid(field, "must be greater than zero"));
    }
    Ok(())
}

impl StoredValue {
    /// Issues a card with an initial amount.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `code` or `amount`.
    pub fn issue(
        code: &str,
        kind: StoredValueKind,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Result<Self, LoyaltyError> {
        if code.trim().is_empty() {
            return Err(LoyaltyError::invalid("code", "must not be empty"));
        }
        positive("amount", &amount)?;
        Ok(StoredValue {
            code: code.trim().to_owned(),
            kind,
            ledger: vec![StoredValueEntry { kind: StoredValueEntryKind::Issue, amount, at, document: None }],
        })
    }

    /// The code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Gift card or store credit.
    pub fn kind(&self) -> StoredValueKind {
        self.kind
    }

    /// The ledger.
    pub fn ledger(&self) -> &[StoredValueEntry] {
        &self.ledger
    }

    /// The balance: the sum of the ledger.
    pub fn balance(&self) -> Money {
        let c = self.ledger[0].amount.currency();
        Money::new(self.ledger.iter().map(|e| e.amount.amount()).sum(), c)
    }

    fn push(
        &mut self,
        kind: StoredValueEntryKind,
        amount: Money,
        at: DateTime<Utc>,
        document: Option<&str>,
    ) -> Result<(), LoyaltyError> {
        if amount.currency() != self.balance().currency() {
            return Err(LoyaltyError::invalid("amount", "is in another currency than the card"));
        }
        self.ledger.push(StoredValueEntry { kind, amount, at, document: document.map(str::to_owned) });
        Ok(())
    }

    /// Loads more value.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `amount`.
    pub fn top_up(&mut self, amount: Money, at: DateTime<Utc>) -> Result<(), LoyaltyError> {
        positive("amount", &amount)?;
        self.push(StoredValueEntryKind::TopUp, amount, at, None)
    }

    /// Pays with the card.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `amount`; [`LoyaltyError::InsufficientBalance`].
    pub fn redeem(&mut self, amount: Money, at: DateTime<Utc>, document: &str) -> Result<(), LoyaltyError> {
        positive("amount", &amount)?;
        let balance = self.balance();
        if amount.amount() > balance.amount() {
            return Err(LoyaltyError::InsufficientBalance {
                code: self.code.clone(),
                balance: balance.amount(),
                requested: amount.amount(),
            });
        }
        self.push(
            StoredValueEntryKind::Redeem,
            Money::new(-amount.amount(), amount.currency()),
            at,
            Some(document),
        )
    }

    /// Pays a refund back onto the card.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `amount`.
    pub fn refund_to(
        &mut self,
        amount: Money,
        at: DateTime<Utc>,
        document: &str,
    ) -> Result<(), LoyaltyError> {
        positive("amount", &amount)?;
        self.push(StoredValueEntryKind::Refund, amount, at, Some(document))
    }
}
