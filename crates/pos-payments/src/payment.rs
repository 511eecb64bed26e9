//! The payment state machine.

use pos_core::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::PaymentError;
use crate::gateway::GatewayStatus;

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Created; the gateway has not approved it (or its outcome is unknown).
    Pending,
    /// Approved and held, not yet captured.
    Authorized,
    /// Captured in full or in part.
    Captured,
    /// Part of the captured amount has been refunded.
    PartiallyRefunded,
    /// Everything captured has been refunded.
    Refunded,
    /// Cancelled before capture.
    Voided,
    /// Declined or failed; final.
    Failed,
}

/// A payment through one tender, following
/// `pending -> authorized -> captured -> partially refunded -> refunded`, or `voided`/`failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    amount: Money,
    authorized: Decimal,
    captured: Decimal,
    refunded: Decimal,
    state: PaymentState,
}

impl Payment {
    /// A pending payment of `amount`.
    ///
    /// # Errors
    /// [`PaymentError::InvalidField`] naming `amount` when it is not positive.
    pub fn new(amount: Money) -> Result<Self, PaymentError> {
        if amount.amount() <= Decimal::ZERO {
            return Err(PaymentError::invalid("amount", "must be greater than zero"));
        }
        Ok(Payment {
            amount,
            authorized: Decimal::ZERO,
            captured: Decimal::ZERO,
            refunded: Decimal::ZERO,
            state: PaymentState::Pending,
        })
    }

    /// Current state.
    pub fn state(&self) -> PaymentState {
        self.state
    }

    /// The amount asked for.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// Captured so far.
    pub fn captured(&self) -> Money {
        Money::new(self.captured, self.amount.currency())
    }

    /// Refunded so far.
    pub fn refunded(&self) -> Money {
        Money::new(self.refunded, self.amount.currency())
    }

    /// Captured minus refunded.
    pub fn refundable(&self) -> Money {
        Money::new(self.captured - self.refunded, self.amount.currency())
    }

    fn refuse(&self, action: &'static str) -> PaymentError {
        PaymentError::InvalidTransition { from: self.state, action }
    }

    /// The gateway approved the authorization.
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] unless pending.
    pub fn authorize(&mut self) -> Result<(), PaymentError> {
        if self.state != PaymentState::Pending {
            return Err(self.refuse("authorize"));
        }
        self.authorized = self.amount.amount();
        self.state = PaymentState::Authorized;
        Ok(())
    }

    /// Captures `amount` (at most what was authorized).
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] unless authorized; [`PaymentError::InvalidField`]
    /// naming `capture.amount` when it is not positive or exceeds the authorization.
    pub fn capture(&mut self, amount: Money) -> Result<(), PaymentError> {
        if self.state != PaymentState::Authorized {
            return Err(self.refuse("capture"));
        }
        if amount.currency() != self.amount.currency() {
            return Err(PaymentError::CurrencyMismatch {
                expected: self.amount.currency().code().into(),
                found: amount.currency().code().into(),
            });
        }
        if amount.amount() <= Decimal::ZERO || amount.amount() > self.authorized {
            return Err(PaymentError::invalid(
                "capture.amount",
                "must be above zero and at most the authorized amount",
            ));
        }
        self.captured = amount.amount();
        self.state = PaymentState::Captured;
        Ok(())
    }

    /// Cancels before capture.
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] unless pending or authorized.
    pub fn void(&mut self) -> Result<(), PaymentError> {
        match self.state {
            PaymentState::Pending | PaymentState::Authorized => {
                self.state = PaymentState::Voided;
                Ok(())
            }
            _ => Err(self.refuse("void")),
        }
    }

    /// The gateway declined or the payment failed.
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] unless pending.
    pub fn fail(&mut self) -> Result<(), PaymentError> {
        if self.state != PaymentState::Pending {
            return Err(self.refuse("fail"));
        }
        self.state = PaymentState::Failed;
        Ok(())
    }

    /// Brings a payment whose gateway outcome was unknown in line with what the gateway reports.
    /// A pending status leaves it pending (ask again later); it is never guessed.
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] when the payment is not pending.
    pub fn reconcile(&mut self, status: &GatewayStatus) -> Result<(), PaymentError> {
        if self.state != PaymentState::Pending {
            return Err(self.refuse("reconcile"));
        }
        match status {
            GatewayStatus::Pending => {}
            GatewayStatus::Authorized(_) => self.authorize()?,
            GatewayStatus::Captured(_) => {
                self.authorize()?;
                self.capture(self.amount)?;
            }
            // Never created at the gateway, declined or voided: the customer was not charged.
            GatewayStatus::NotFound | GatewayStatus::Declined { .. } => self.fail()?,
            GatewayStatus::Voided => self.void()?,
            GatewayStatus::Refunded(_) => {
                self.authorize()?;
                self.capture(self.amount)?;
                self.refund(self.amount)?;
            }
        }
        Ok(())
    }

    /// Refunds `amount` of what was captured.
    ///
    /// # Errors
    /// [`PaymentError::InvalidTransition`] unless captured or partially refunded;
    /// [`PaymentError::RefundExceedsPaid`] beyond what is refundable;
    /// [`PaymentError::InvalidField`] naming `refund.amount` when not positive.
    pub fn refund(&mut self, amount: Money) -> Result<(), PaymentError> {
        if !matches!(self.state, PaymentState::Captured | PaymentState::PartiallyRefunded) {
            return Err(self.refuse("refund"));
        }
        if amount.amount() <= Decimal::ZERO {
            return Err(PaymentError::invalid("refund.amount", "must be greater than zero"));
        }
        let refundable = self.captured - self.refunded;
        if amount.amount() > refundable {
            return Err(PaymentError::RefundExceedsPaid { requested: amount.amount(), refundable });
        }
        self.refunded += amount.amount();
        self.state = if self.refunded == self.captured {
            PaymentState::Refunded
        } else {
            PaymentState::PartiallyRefunded
        };
        Ok(())
    }
}
