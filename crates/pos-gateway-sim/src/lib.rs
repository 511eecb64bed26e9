//! # pos-gateway-sim
//!
//! A payment gateway simulator that keeps its own ledger: payments by idempotency key, refunds
//! by idempotency key, what it captured and what it paid back. The demo shop pays through it;
//! tests script it ([`Script`]: approve, decline, time out before or after the money moved) and
//! compare its ledger with the store's books. Every call is idempotent by its key, as a real
//! gateway's is, and can be slowed down ([`SimGateway::set_latency`]).
//!
//! A real gateway's ledger outlives a crash of the till or the server; so does this one's when
//! it is opened on a file ([`SimGateway::open`]): every change is appended to it as a line of
//! JSON before the call answers, and replayed when it is opened again, so that after a kill -9
//! the reconciler can still ask what happened to a payment.
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Mutex;

use async_trait::async_trait;
use pos_core::Money;
use pos_payments::{
    Approval, AuthorizeRequest, GatewayOutcome, GatewayStatus, IdempotencyKey, PaymentGateway,
};
use rust_decimal::Decimal;

/// How the fake answers authorizations (and, with [`FakeGateway::set_refund_script`], refunds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// Approve everything.
    Approve,
    /// Decline with a reason.
    Decline(String),
    /// Do it but answer `Unknown` (a timeout after the money moved).
    TimeoutAfterCharge,
    /// Answer `Unknown` and do nothing.
    TimeoutBeforeCharge,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Charge {
    key: String,
    amount: Money,
    status: GatewayStatus,
    refunded: Decimal,
}

/// One change of the ledger, as its file keeps it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Change {
    /// A payment as it now is.
    Charge(Charge),
    /// A refund paid out: (key, payment reference, amount).
    Refund(String, String, Money),
    /// A void: (key, payment reference).
    Void(String, String),
    /// A declined authorisation: (key, reason).
    Declined(String, String),
}

#[derive(Default)]
struct Ledger {
    /// Payments by idempotency key.
    charges: BTreeMap<String, Charge>,
    /// Refunds by idempotency key: (payment reference, amount).
    refunds: BTreeMap<String, (String, Money)>,
    /// Voids by idempotency key.
    voids: BTreeMap<String, String>,
    /// Declined authorizations by key.
    declined: BTreeMap<String, String>,
    /// Where changes are appended, when the ledger is kept in a file.
    file: Option<std::fs::File>,
}

impl Ledger {
    fn apply(&mut self, change: Change) {
        match change {
            Change::Charge(c) => {
                self.charges.insert(c.key.clone(), c);
            }
            Change::Refund(key, reference, amount) => {
                self.refunds.insert(key, (reference, amount));
            }
            Change::Void(key, reference) => {
                self.voids.insert(key, reference);
            }
            Change::Declined(key, reason) => {
                self.declined.insert(key, reason);
            }
        }
    }

    /// Records a change: in the file first (a gateway answers only once its ledger has it), then
    /// in memory. A ledger that cannot be written stops the simulator rather than forget money.
    fn record(&mut self, change: Change) {
        if let Some(f) = &mut self.file {
            let line = serde_json::to_string(&change).unwrap_or_default();
            #[allow(clippy::expect_used, reason = "a gateway that cannot keep its ledger must not answer")]
            writeln!(f, "{line}").and_then(|()| f.flush()).expect("the simulator's ledger file");
        }
        self.apply(change);
    }

    fn charge(&self, key: &str) -> Option<Charge> {
        self.charges.get(key).cloned()
    }
}

/// The simulator. Every call is idempotent by its key, so a retry never moves money twice.
pub struct SimGateway {
    script: Mutex<Script>,
    refund_script: Mutex<Script>,
    ledger: Mutex<Ledger>,
    latency: Mutex<std::time::Duration>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Default for SimGateway {
    /// A gateway that approves everything at once.
    fn default() -> Self {
        SimGateway::new(Script::Approve)
    }
}

impl SimGateway {
    /// A gateway that approves everything, keeping its ledger in the file at `path` (created if
    /// missing, its changes replayed if not), so that it remembers across restarts.
    ///
    /// # Errors
    /// The file cannot be read or opened for appending, or a line of it is not a change.
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let mut ledger = Ledger::default();
        if let Ok(f) = std::fs::File::open(path) {
            for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let change: Change = serde_json::from_str(&line).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}:{}: {e}", path.display(), n + 1),
                    )
                })?;
                ledger.apply(change);
            }
        }
        ledger.file = Some(std::fs::OpenOptions::new().create(true).append(true).open(path)?);
        let gateway = SimGateway::new(Script::Approve);
        *lock(&gateway.ledger) = ledger;
        Ok(gateway)
    }

    /// A gateway answering authorizations with `script` and approving refunds.
    pub fn new(script: Script) -> Self {
        SimGateway {
            script: Mutex::new(script),
            refund_script: Mutex::new(Script::Approve),
            ledger: Mutex::new(Ledger::default()),
            latency: Mutex::new(std::time::Duration::ZERO),
        }
    }

    /// Changes how authorizations are answered.
    pub fn set_script(&self, script: Script) {
        *lock(&self.script) = script;
    }

    /// Makes every call take `latency` before it answers.
    pub fn set_latency(&self, latency: std::time::Duration) {
        *lock(&self.latency) = latency;
    }

    async fn wait(&self) {
        let latency = *lock(&self.latency);
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }

    /// Changes how refunds are answered.
    pub fn set_refund_script(&self, script: Script) {
        *lock(&self.refund_script) = script;
    }

    /// Number of distinct payments taken (authorized or captured, not voided).
    pub fn charged(&self) -> usize {
        lock(&self.ledger)
            .charges
            .values()
            .filter(|c| {
                matches!(
                    c.status,
                    GatewayStatus::Captured(_) | GatewayStatus::Authorized(_) | GatewayStatus::Refunded(_)
                )
            })
            .count()
    }

    /// Number of refunds paid out.
    pub fn refunds(&self) -> usize {
        lock(&self.ledger).refunds.len()
    }

    /// What the gateway holds of the merchant's money: captured and not voided, less refunded.
    pub fn net(&self) -> Decimal {
        let l = lock(&self.ledger);
        let taken: Decimal = l
            .charges
            .values()
            .filter(|c| matches!(c.status, GatewayStatus::Captured(_) | GatewayStatus::Refunded(_)))
            .map(|c| c.amount.amount())
            .sum();
        taken - l.refunds.values().map(|r| r.1.amount()).sum::<Decimal>()
    }

    fn approval(key: &str) -> Approval {
        Approval { reference: format!("pay_{key}"), brand: Some("visa".into()), last4: Some("4242".into()) }
    }

    fn by_reference<'a>(l: &'a mut Ledger, reference: &str) -> Option<&'a mut Charge> {
        l.charges.values_mut().find(|c| Self::approval(&c.key).reference == reference)
    }
}

#[async_trait]
impl PaymentGateway for SimGateway {
    async fn authorize(&self, request: AuthorizeRequest) -> GatewayOutcome {
        self.wait().await;
        let script = lock(&self.script).clone();
        let mut l = lock(&self.ledger);
        let key = request.key.0.clone();
        let approval = Self::approval(&key);
        if let Some(c) = l.charges.get(&key) {
            // A retry: the answer the first call should have had.
            return match c.status {
                GatewayStatus::Voided => GatewayOutcome::Declined { reason: "voided".into() },
                _ => GatewayOutcome::Approved(approval),
            };
        }
        if let Some(reason) = l.declined.get(&key) {
            return GatewayOutcome::Declined { reason: reason.clone() };
        }
        let charge =
            |status| Charge { key: key.clone(), amount: request.amount, status, refunded: Decimal::ZERO };
        match script {
            Script::Approve => {
                l.record(Change::Charge(charge(GatewayStatus::Authorized(approval.clone()))));
                GatewayOutcome::Approved(approval)
            }
            Script::Decline(reason) => {
                l.record(Change::Declined(key.clone(), reason.clone()));
                GatewayOutcome::Declined { reason }
            }
            Script::TimeoutAfterCharge => {
                l.record(Change::Charge(charge(GatewayStatus::Captured(approval))));
                GatewayOutcome::Unknown
            }
            Script::TimeoutBeforeCharge => GatewayOutcome::Unknown,
        }
    }

    async fn capture(&self, key: IdempotencyKey, _reference: &str, _amount: Money) -> GatewayOutcome {
        self.wait().await;
        let mut l = lock(&self.ledger);
        match l.charge(&key.0) {
            Some(mut c) if matches!(c.status, GatewayStatus::Authorized(_) | GatewayStatus::Captured(_)) => {
                let approval = Self::approval(&key.0);
                c.status = GatewayStatus::Captured(approval.clone());
                l.record(Change::Charge(c));
                GatewayOutcome::Approved(approval)
            }
            _ => GatewayOutcome::Declined { reason: "no such payment".into() },
        }
    }

    async fn void(&self, key: IdempotencyKey, reference: &str) -> GatewayOutcome {
        self.wait().await;
        let mut l = lock(&self.ledger);
        if l.voids.contains_key(&key.0) {
            return GatewayOutcome::Approved(Self::approval(&key.0));
        }
        match Self::by_reference(&mut l, reference).cloned() {
            Some(mut c) if c.refunded.is_zero() && !matches!(c.status, GatewayStatus::Voided) => {
                c.status = GatewayStatus::Voided;
                l.record(Change::Charge(c));
                l.record(Change::Void(key.0.clone(), reference.to_owned()));
                GatewayOutcome::Approved(Self::approval(&key.0))
            }
            _ => GatewayOutcome::Declined { reason: "nothing to void".into() },
        }
    }

    async fn refund(&self, key: IdempotencyKey, reference: &str, amount: Money) -> GatewayOutcome {
        self.wait().await;
        let script = lock(&self.refund_script).clone();
        let mut l = lock(&self.ledger);
        if l.refunds.contains_key(&key.0) {
            return GatewayOutcome::Approved(Self::approval(&key.0));
        }
        match script {
            Script::Decline(reason) => return GatewayOutcome::Declined { reason },
            Script::TimeoutBeforeCharge => return GatewayOutcome::Unknown,
            Script::Approve | Script::TimeoutAfterCharge => {}
        }
        let Some(mut c) = Self::by_reference(&mut l, reference).cloned() else {
            return GatewayOutcome::Declined { reason: "no such payment".into() };
        };
        if !matches!(c.status, GatewayStatus::Captured(_) | GatewayStatus::Refunded(_))
            || c.refunded + amount.amount() > c.amount.amount()
        {
            return GatewayOutcome::Declined { reason: "more than was captured".into() };
        }
        c.refunded += amount.amount();
        c.status = GatewayStatus::Refunded(Self::approval(&c.key));
        l.record(Change::Charge(c));
        l.record(Change::Refund(key.0.clone(), reference.to_owned(), amount));
        if script == Script::TimeoutAfterCharge {
            return GatewayOutcome::Unknown;
        }
        GatewayOutcome::Approved(Self::approval(&key.0))
    }

    async fn status(&self, key: &IdempotencyKey) -> GatewayStatus {
        self.wait().await;
        let l = lock(&self.ledger);
        if l.refunds.contains_key(&key.0) {
            return GatewayStatus::Refunded(Self::approval(&key.0));
        }
        if let Some(reason) = l.declined.get(&key.0) {
            return GatewayStatus::Declined { reason: reason.clone() };
        }
        l.charges.get(&key.0).map_or(GatewayStatus::NotFound, |c| match c.status {
            // A partly refunded payment is still captured for the key that took it.
            GatewayStatus::Refunded(ref a) => GatewayStatus::Captured(a.clone()),
            ref s => s.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn won(n: i64) -> Money {
        Money::new(Decimal::from(n), pos_core::Currency::KRW)
    }

    #[tokio::test]
    async fn a_ledger_in_a_file_outlives_the_process() {
        let path = std::env::temp_dir().join(format!("pos-sim-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let key = |k: &str| IdempotencyKey(k.to_owned());
        {
            let g = SimGateway::open(&path).unwrap_or_else(|e| panic!("{e}"));
            let approved = g
                .authorize(AuthorizeRequest { key: key("a"), amount: won(5_000), payment_token: None })
                .await;
            let GatewayOutcome::Approved(a) = approved else { panic!("{approved:?}") };
            assert!(matches!(
                g.capture(key("a"), &a.reference, won(5_000)).await,
                GatewayOutcome::Approved(_)
            ));
            assert!(matches!(
                g.refund(key("r"), &a.reference, won(1_500)).await,
                GatewayOutcome::Approved(_)
            ));
            g.set_script(Script::Decline("insufficient funds".into()));
            let _ =
                g.authorize(AuthorizeRequest { key: key("b"), amount: won(900), payment_token: None }).await;
        }
        let g = SimGateway::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(g.status(&key("a")).await, GatewayStatus::Captured(_)));
        assert!(matches!(g.status(&key("r")).await, GatewayStatus::Refunded(_)));
        assert!(matches!(g.status(&key("b")).await, GatewayStatus::Declined { .. }));
        assert_eq!(g.net(), Decimal::from(3_500), "captured less refunded, as before the restart");
        // A retried refund is still not paid twice.
        let payment = "pay_a";
        assert!(matches!(g.refund(key("r"), payment, won(1_500)).await, GatewayOutcome::Approved(_)));
        assert_eq!(g.net(), Decimal::from(3_500));
        let _ = std::fs::remove_file(&path);
    }
}
