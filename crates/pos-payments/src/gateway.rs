//! The payment gateway port. Adapters (Stripe, ZVT terminals, Korean VAN) implement it.

use async_trait::async_trait;
use pos_core::Money;
use serde::{Deserialize, Serialize};

/// An idempotency key: the same key with the same request never charges twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdempotencyKey(pub String);

/// What a gateway knows about a card after approval. There is deliberately no field for a card
/// number: only the gateway's reference, the brand and the last four digits are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The gateway's reference for the payment.
    pub reference: String,
    /// Card brand or wallet ("visa", "kakaopay").
    pub brand: Option<String>,
    /// Last four digits of the card, if a card.
    pub last4: Option<String>,
}

/// The typed outcome of a gateway call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GatewayOutcome {
    /// Approved.
    Approved(Approval),
    /// Declined, with the gateway's reason.
    Declined {
        /// Reason as the gateway gives it.
        reason: String,
    },
    /// No answer (timeout, lost connection) or an answer that cannot be read. The payment must be
    /// reconciled with [`PaymentGateway::status`]; it is never assumed approved or declined.
    Unknown,
}

/// A request to authorize (and, for gateways that do both at once, capture) a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// Idempotency key.
    pub key: IdempotencyKey,
    /// Amount.
    pub amount: Money,
    /// A token from the card reader or wallet; never a card number.
    pub payment_token: Option<String>,
}

/// Status of a payment at the gateway, for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GatewayStatus {
    /// The gateway has no payment for the key: it was never created.
    NotFound,
    /// Still in progress at the gateway.
    Pending,
    /// Authorized (not captured).
    Authorized(Approval),
    /// Captured.
    Captured(Approval),
    /// Declined or failed.
    Declined {
        /// Reason.
        reason: String,
    },
    /// Voided.
    Voided,
    /// Refunded in full or part.
    Refunded(Approval),
}

/// The payment gateway port. Every call carries an idempotency key, so a retry after a timeout
/// is safe.
///
/// # Errors
/// Methods do not return errors: transport failures are [`GatewayOutcome::Unknown`], which the
/// caller reconciles with [`PaymentGateway::status`].
#[async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    /// Authorizes a payment.
    async fn authorize(&self, request: AuthorizeRequest) -> GatewayOutcome;
    /// Captures an authorized payment.
    async fn capture(&self, key: IdempotencyKey, reference: &str, amount: Money) -> GatewayOutcome;
    /// Voids an authorized payment.
    async fn void(&self, key: IdempotencyKey, reference: &str) -> GatewayOutcome;
    /// Refunds part or all of a captured payment.
    async fn refund(&self, key: IdempotencyKey, reference: &str, amount: Money) -> GatewayOutcome;
    /// Looks a payment up by the idempotency key it was created with.
    async fn status(&self, key: &IdempotencyKey) -> GatewayStatus;
}
