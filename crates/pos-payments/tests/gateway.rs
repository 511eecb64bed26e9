//! The gateway port: an unknown outcome is reconciled by a status query, never guessed.

use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use pos_core::{Currency, Money};
use pos_payments::*;
use rust_decimal::Decimal;

/// Drives a future that never waits on I/O (the scripted gateway answers at once).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// A gateway that times out on authorize but did take the payment, as real ones sometimes do.
struct TimesOutButCharges {
    charged: Mutex<Vec<IdempotencyKey>>,
}

#[async_trait]
impl PaymentGateway for TimesOutButCharges {
    async fn authorize(&self, request: AuthorizeRequest) -> GatewayOutcome {
        let mut charged = self.charged.lock().unwrap();
        if !charged.contains(&request.key) {
            charged.push(request.key);
        }
        GatewayOutcome::Unknown
    }
    async fn capture(&self, _: IdempotencyKey, _: &str, _: Money) -> GatewayOutcome {
        GatewayOutcome::Unknown
    }
    async fn void(&self, _: IdempotencyKey, _: &str) -> GatewayOutcome {
        GatewayOutcome::Unknown
    }
    async fn refund(&self, _: IdempotencyKey, _: &str, _: Money) -> GatewayOutcome {
        GatewayOutcome::Unknown
    }
    async fn status(&self, key: &IdempotencyKey) -> GatewayStatus {
        if self.charged.lock().unwrap().contains(key) {
            GatewayStatus::Captured(Approval {
                reference: "ch_1".into(),
                brand: Some("visa".into()),
                last4: Some("4242".into()),
            })
        } else {
            GatewayStatus::NotFound
        }
    }
}

#[test]
fn unknown_outcome_is_reconciled_by_status() {
    let gateway: Box<dyn PaymentGateway> = Box::new(TimesOutButCharges { charged: Mutex::new(vec![]) });
    let amount = Money::new(Decimal::from(12_000), Currency::KRW);
    let key = IdempotencyKey("sale-1/card-1".into());
    let mut payment = Payment::new(amount).unwrap();
    let request = AuthorizeRequest { key: key.clone(), amount, payment_token: Some("tok_reader".into()) };
    assert_eq!(block_on(gateway.authorize(request.clone())), GatewayOutcome::Unknown);
    assert_eq!(payment.state(), PaymentState::Pending, "unknown is not approved");
    // A retry with the same key does not charge twice.
    block_on(gateway.authorize(request));
    let status = block_on(gateway.status(&key));
    payment.reconcile(&status).unwrap();
    assert_eq!(payment.state(), PaymentState::Captured);
    assert_eq!(payment.captured(), amount);
    // A key the gateway never saw: the payment failed and the customer was not charged.
    let mut other = Payment::new(amount).unwrap();
    other.reconcile(&block_on(gateway.status(&IdempotencyKey("never".into())))).unwrap();
    assert_eq!(other.state(), PaymentState::Failed);
    // Pending at the gateway: still pending here.
    let mut waiting = Payment::new(amount).unwrap();
    waiting.reconcile(&GatewayStatus::Pending).unwrap();
    assert_eq!(waiting.state(), PaymentState::Pending);
    // Only pending payments are reconciled.
    assert!(payment.reconcile(&GatewayStatus::Pending).is_err());
}
