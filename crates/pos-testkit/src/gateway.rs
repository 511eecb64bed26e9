//! A scripted payment gateway that remembers payments by idempotency key.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use pos_core::Money;
use pos_payments::{
    Approval, AuthorizeRequest, GatewayOutcome, GatewayStatus, IdempotencyKey, PaymentGateway,
};

/// How the fake answers authorizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// Approve everything.
    Approve,
    /// Decline with a reason.
    Decline(String),
    /// Take the payment but answer `Unknown` (a timeout after charging).
    TimeoutAfterCharge,
    /// Answer `Unknown` and take nothing.
    TimeoutBeforeCharge,
}

/// The fake gateway. Charges are keyed by idempotency key, so a retry never charges twice.
pub struct FakeGateway {
    script: Mutex<Script>,
    charges: Mutex<BTreeMap<String, (Money, GatewayStatus)>>,
}

impl FakeGateway {
    /// A gateway following `script`.
    pub fn new(script: Script) -> Self {
        FakeGateway { script: Mutex::new(script), charges: Mutex::new(BTreeMap::new()) }
    }

    /// Changes the script.
    pub fn set_script(&self, script: Script) {
        *self.script.lock().unwrap_or_else(|e| e.into_inner()) = script;
    }

    /// Number of distinct payments taken (captured and not voided).
    pub fn charged(&self) -> usize {
        self.charges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|(_, s)| matches!(s, GatewayStatus::Captured(_) | GatewayStatus::Authorized(_)))
            .count()
    }

    fn approval(key: &str) -> Approval {
        Approval { reference: format!("pay_{key}"), brand: Some("visa".into()), last4: Some("4242".into()) }
    }
}

#[async_trait]
impl PaymentGateway for FakeGateway {
    async fn authorize(&self, request: AuthorizeRequest) -> GatewayOutcome {
        let script = self.script.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut charges = self.charges.lock().unwrap_or_else(|e| e.into_inner());
        let approval = Self::approval(&request.key.0);
        match script {
            Script::Approve => {
                charges
                    .entry(request.key.0.clone())
                    .or_insert((request.amount, GatewayStatus::Authorized(approval.clone())));
                GatewayOutcome::Approved(approval)
            }
            Script::Decline(reason) => GatewayOutcome::Declined { reason },
            Script::TimeoutAfterCharge => {
                charges
                    .entry(request.key.0.clone())
                    .or_insert((request.amount, GatewayStatus::Captured(approval)));
                GatewayOutcome::Unknown
            }
            Script::TimeoutBeforeCharge => GatewayOutcome::Unknown,
        }
    }

    async fn capture(&self, key: IdempotencyKey, _reference: &str, _amount: Money) -> GatewayOutcome {
        let mut charges = self.charges.lock().unwrap_or_else(|e| e.into_inner());
        match charges.get_mut(&key.0) {
            Some((_, status)) => {
                let approval = Self::approval(&key.0);
                *status = GatewayStatus::Captured(approval.clone());
                GatewayOutcome::Approved(approval)
            }
            None => GatewayOutcome::Declined { reason: "no such payment".into() },
        }
    }

    async fn void(&self, key: IdempotencyKey, _reference: &str) -> GatewayOutcome {
        let original = key.0.trim_end_matches("/void").to_owned();
        let mut charges = self.charges.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, status)) = charges.get_mut(&original) {
            *status = GatewayStatus::Voided;
        }
        GatewayOutcome::Approved(Self::approval(&original))
    }

    async fn refund(&self, key: IdempotencyKey, _reference: &str, _amount: Money) -> GatewayOutcome {
        GatewayOutcome::Approved(Self::approval(&key.0))
    }

    async fn status(&self, key: &IdempotencyKey) -> GatewayStatus {
        self.charges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key.0)
            .map_or(GatewayStatus::NotFound, |c| c.1.clone())
    }
}
