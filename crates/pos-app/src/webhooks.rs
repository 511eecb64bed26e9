//! Webhooks: a store's subscriptions to its event feed, and the rules their deliveries follow.
//!
//! A subscription has a cursor into the store's event outbox. Deliveries go out in the feed's
//! order, one event per request, each signed ([`signature`]); the cursor moves past an event
//! only when the receiver answered 2xx, so an event is never skipped, across failures and
//! restarts alike (it may be sent twice: receivers de-duplicate by the event's id). A failed
//! delivery waits ([`RetryPolicy::delay`], exponential with jitter) and is tried again; after
//! [`RetryPolicy::disable_after`] failures in a row the subscription is disabled and says why,
//! keeping its cursor, so enabling it again resumes where it stopped.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

use crate::events::{EVENT_TYPES, Event};

/// The header a delivery's signature travels in.
pub const SIGNATURE_HEADER: &str = "POS-Signature";

/// A store's subscription to its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Its id.
    pub id: String,
    /// The store whose events it receives.
    pub store: String,
    /// Where deliveries are POSTed (http or https).
    pub url: String,
    /// The event types it wants; empty for all.
    pub events: Vec<String>,
    /// What it is for (free text).
    pub description: Option<String>,
    /// The secret deliveries are signed with.
    pub secret: String,
    /// The sequence of the last event it is past (delivered, or not wanted).
    pub cursor: u64,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Why it was disabled, when it was.
    pub disabled_reason: Option<String>,
    /// Failed deliveries in a row.
    pub failures: u32,
    /// When the next delivery may be tried (after a failure).
    pub retry_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Subscription {
    /// Whether it wants an event of this type.
    pub fn wants(&self, kind: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == kind)
    }

    /// Whether a delivery is due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.enabled && self.retry_at.is_none_or(|t| t <= now)
    }

    /// The state after the receiver took the event at `sequence`.
    pub fn delivered(&mut self, sequence: u64) {
        self.cursor = self.cursor.max(sequence);
        self.failures = 0;
        self.retry_at = None;
    }

    /// The state after a failed delivery at `now`: when to try again, or disabled after too many
    /// failures in a row. `jitter` is a random fraction in `[0, 1)`.
    pub fn failed(&mut self, policy: &RetryPolicy, now: DateTime<Utc>, jitter: f32, reason: &str) {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= policy.disable_after {
            self.enabled = false;
            self.retry_at = None;
            self.disabled_reason = Some(format!(
                "disabled after {} failed deliveries in a row; the last: {reason}",
                self.failures
            ));
        } else {
            let delay = chrono::Duration::from_std(policy.delay(self.failures, jitter)).unwrap_or_default();
            self.retry_at = Some(now + delay);
        }
    }

    /// Enables it again, from where it stopped.
    pub fn enable(&mut self) {
        self.enabled = true;
        self.disabled_reason = None;
        self.failures = 0;
        self.retry_at = None;
    }

    /// Checks what a caller asked for: the URL and the event types.
    ///
    /// # Errors
    /// The field and why, for a URL that is not http(s) with a host, or an unknown event type.
    pub fn check(url: &str, events: &[String]) -> Result<(), (&'static str, String)> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or(("url", "must be an http:// or https:// URL".to_owned()))?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() || host.contains(char::is_whitespace) || url.len() > 2_000 {
            return Err(("url", "must name a host, without spaces, in at most 2000 characters".to_owned()));
        }
        if let Some(bad) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
            return Err(("events", format!("unknown event type `{bad}`; known: {}", EVENT_TYPES.join(", "))));
        }
        Ok(())
    }
}

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with each failure after it.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Failures in a row that disable a subscription.
    pub disable_after: u32,
}

impl Default for RetryPolicy {
    /// 10 s doubling to at most an hour; disabled after 15 failures in a row (about 8 hours of
    /// trying).
    fn default() -> Self {
        RetryPolicy { base: Duration::from_secs(10), cap: Duration::from_secs(3_600), disable_after: 15 }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failure in a row: `base * 2^(failures-1)`, at most `cap`,
    /// scaled by a jitter between 1/2 and 1 so that receivers coming back are not hit by every
    /// sender at once.
    pub fn delay(&self, failures: u32, jitter: f32) -> Duration {
        let doubled = self.base.saturating_mul(1_u32 << failures.saturating_sub(1).min(20));
        let wait = doubled.min(self.cap);
        wait.mul_f32(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// One attempt to deliver an event, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The subscription.
    pub subscription: String,
    /// The event's sequence.
    pub sequence: u64,
    /// The event's id.
    pub event: uuid::Uuid,
    /// When it was tried.
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

impl Delivery {
    /// Whether the receiver took the event.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.error.is_none()
    }
}

/// The body a delivery sends: the event as the feed gives it.
///
/// # Errors
/// Serialisation only.
pub fn payload(event: &Event) -> Result<String, serde_json::Error> {
    serde_json::to_string(event)
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    #[allow(clippy::expect_used, reason = "HMAC takes a key of any length")]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header's value for a body sent at `timestamp` (Unix seconds):
/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let bytes = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=...,v1=...`.
    #[error("the signature header is not of the form t=...,v1=...")]
    Malformed,
    /// The timestamp is further from now than the tolerance (a replay).
    #[error("the signature's timestamp is {0} s away from now")]
    Stale(i64),
    /// No `v1` matches.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks a delivery as a receiver would: the header's `v1` (any of them, during a secret's
/// rotation) is the HMAC of `"<t>.<body>"`, and `t` is within `tolerance_secs` of `now`.
///
/// # Errors
/// [`SignatureError`].
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > tolerance_secs {
        return Err(SignatureError::Stale(now - t));
    }
    for candidate in candidates {
        let Some(bytes) = hex_bytes(candidate) else { continue };
        // `verify_slice` compares in constant time.
        if mac(secret, t, body).verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription() -> Subscription {
        Subscription {
            id: "w1".into(),
            store: "s".into(),
            url: "http://127.0.0.1:9/hook".into(),
            events: vec!["sale.completed".into()],
            description: None,
            secret: "whsec".into(),
            cursor: 0,
            enabled: true,
            disabled_reason: None,
            failures: 0,
            retry_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_signature_verifies_and_a_changed_body_does_not() {
        let header = signature("whsec", 1_700_000_000, b"{\"a\":1}");
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(verify("whsec", &header, b"{\"a\":1}", 1_700_000_010, 300), Ok(()));
        assert_eq!(verify("whsec", &header, b"{\"a\":2}", 1_700_000_010, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("other", &header, b"{\"a\":1}", 1_700_000_010, 300), Err(SignatureError::Mismatch));
        assert_eq!(
            verify("whsec", &header, b"{\"a\":1}", 1_700_001_000, 300),
            Err(SignatureError::Stale(1_000))
        );
        assert_eq!(verify("whsec", "v1=00", b"", 0, 300), Err(SignatureError::Malformed));
        // A known vector: HMAC-SHA256("key", "0.body").
        let known = signature("key", 0, b"body");
        let mut reference = Hmac::<Sha256>::new_from_slice(b"key").unwrap_or_else(|_| unreachable!());
        reference.update(b"0.body");
        let hex: String = reference.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(known, format!("t=0,v1={hex}"));
    }

    #[test]
    fn waits_double_up_to_the_cap_with_jitter() {
        let policy =
            RetryPolicy { base: Duration::from_secs(10), cap: Duration::from_secs(60), disable_after: 5 };
        assert_eq!(policy.delay(1, 1.0), Duration::from_secs(10));
        assert_eq!(policy.delay(2, 1.0), Duration::from_secs(20));
        assert_eq!(policy.delay(3, 1.0), Duration::from_secs(40));
        assert_eq!(policy.delay(4, 1.0), Duration::from_secs(60));
        assert_eq!(policy.delay(40, 1.0), Duration::from_secs(60));
        assert_eq!(policy.delay(1, 0.0), Duration::from_secs(5));
        assert!(
            policy.delay(2, 0.3) > Duration::from_secs(10) && policy.delay(2, 0.3) < Duration::from_secs(20)
        );
    }

    #[test]
    fn repeated_failures_disable_and_enabling_resumes_from_the_cursor() {
        let policy =
            RetryPolicy { base: Duration::from_secs(1), cap: Duration::from_secs(8), disable_after: 3 };
        let mut s = subscription();
        let now = Utc::now();
        s.delivered(7);
        s.failed(&policy, now, 1.0, "HTTP 500");
        assert_eq!(s.retry_at, Some(now + chrono::Duration::seconds(1)));
        assert!(!s.is_due(now) && s.is_due(now + chrono::Duration::seconds(1)));
        s.failed(&policy, now, 1.0, "HTTP 500");
        s.failed(&policy, now, 1.0, "connection refused");
        assert!(!s.enabled);
        assert!(
            s.disabled_reason.as_deref().is_some_and(|r| r.contains("3 failed") && r.contains("refused"))
        );
        assert!(!s.is_due(now + chrono::Duration::days(1)));
        s.enable();
        assert!(s.is_due(now) && s.cursor == 7 && s.failures == 0);
    }

    #[test]
    fn the_check_refuses_what_cannot_be_delivered() {
        assert!(Subscription::check("https://example.com/hook", &[]).is_ok());
        assert!(Subscription::check("http://127.0.0.1:8080", &["sale.completed".into()]).is_ok());
        assert_eq!(Subscription::check("ftp://x", &[]).map_err(|e| e.0), Err("url"));
        assert_eq!(Subscription::check("https:///path", &[]).map_err(|e| e.0), Err("url"));
        assert_eq!(Subscription::check("https://x", &["sale.done".into()]).map_err(|e| e.0), Err("events"));
        let s = subscription();
        assert!(s.wants("sale.completed") && !s.wants("stock.changed"));
    }
}
