//! The webhook delivery worker: it follows each enabled subscription's cursor through its
//! store's event feed and POSTs the events it wants, signed, in order, one at a time. The rules
//! (what is due, backoff, when to disable, the signature) are `pos_app::webhooks`; this is the
//! HTTP and the scheduling.
//!
//! State lives in the database (the subscription's cursor and retry time, the delivery log), so
//! a restart resumes where the last process stopped: nothing is lost, and an event whose
//! delivery was cut off by the stop is sent again (receivers de-duplicate by event id).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use pos_app::Store;
use pos_app::webhooks::{Delivery, RetryPolicy, SIGNATURE_HEADER, Subscription, payload, signature};
use pos_core::StoreId;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::state::AppState;

/// How the worker runs.
#[derive(Debug, Clone, Copy)]
pub struct WebhookConfig {
    /// Backoff and disabling.
    pub policy: RetryPolicy,
    /// How often due subscriptions are looked for.
    pub poll: Duration,
    /// How long a receiver has to answer.
    pub timeout: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            policy: RetryPolicy::default(),
            poll: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The HTTP client deliveries go out with (HTTPS through rustls with the system's roots).
///
/// # Errors
/// When the TLS backend cannot start.
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    install_crypto();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("open-pos-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("the webhook client: {e}"))
}

/// Installs the process-wide TLS crypto provider every HTTP client of this crate needs (once;
/// again is harmless). ring, not aws-lc-rs: it builds without cmake, and webhook bodies do not
/// need post-quantum key exchange.
pub fn install_crypto() {
    #[allow(deprecated, reason = "ring has no post-quantum key exchange; see above")]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn jitter() -> f32 {
    let mut b = [0_u8; 2];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    f32::from(u16::from_le_bytes(b)) / 65_536.0
}

/// Runs until `stop` turns true, then lets the deliveries in flight finish (each is bounded by
/// the timeout) and returns.
pub async fn run<S: Store>(state: AppState<S>, config: WebhookConfig, mut stop: watch::Receiver<bool>) {
    let client = match client(config.timeout) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks will not be delivered");
            return;
        }
    };
    let mut running: JoinSet<(String, String)> = JoinSet::new();
    let mut busy: HashSet<(String, String)> = HashSet::new();
    while !*stop.borrow() {
        while let Some(done) = running.try_join_next() {
            if let Ok(key) = done {
                busy.remove(&key);
            }
        }
        match state.inner.store.webhooks(None).await {
            Ok(subscriptions) => {
                let now = Utc::now();
                for s in subscriptions.into_iter().filter(|s| s.is_due(now)) {
                    let key = (s.store.clone(), s.id.clone());
                    if busy.insert(key.clone()) {
                        let (state, client, stop) = (state.clone(), client.clone(), stop.clone());
                        running.spawn(async move {
                            drain(&state, &client, &config.policy, s, &stop).await;
                            key
                        });
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading webhook subscriptions"),
        }
        tokio::select! {
            _ = stop.changed() => {}
            () = tokio::time::sleep(config.poll) => {}
        }
    }
    while running.join_next().await.is_some() {}
}

/// Delivers what a subscription is due, in order, until it is caught up, a delivery fails, or
/// the worker stops.
async fn drain<S: Store>(
    state: &AppState<S>,
    client: &reqwest::Client,
    policy: &RetryPolicy,
    mut subscription: Subscription,
    stop: &watch::Receiver<bool>,
) {
    let store = StoreId(subscription.store.clone());
    let db = &state.inner.store;
    loop {
        let events = match db.events_after(&store, subscription.cursor, 100).await {
            Ok(e) if e.is_empty() => return,
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "reading events for webhooks");
                return;
            }
        };
        for event in events {
            if *stop.borrow() {
                return;
            }
            if !subscription.wants(event.data.kind()) {
                subscription.cursor = event.sequence;
                continue;
            }
            // The subscription as stored now: disabled or changed by the API meanwhile.
            match db.webhook(&store, &subscription.id).await {
                Ok(Some(current)) if current.enabled => {
                    let cursor = subscription.cursor;
                    subscription = current;
                    subscription.cursor = subscription.cursor.max(cursor);
                }
                Ok(_) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "reading a webhook subscription");
                    return;
                }
            }
            let delivery = deliver(client, &subscription, &event).await;
            if let Err(e) = db.log_delivery(&store, &delivery).await {
                tracing::warn!(error = %e, "logging a webhook delivery");
            }
            if delivery.ok() {
                metrics::counter!("webhook_deliveries_total", "outcome" => "delivered").increment(1);
                subscription.delivered(event.sequence);
            } else {
                metrics::counter!("webhook_deliveries_total", "outcome" => "failed").increment(1);
                let reason = delivery.error.clone().unwrap_or_default();
                subscription.failed(policy, Utc::now(), jitter(), &reason);
                if !subscription.enabled {
                    metrics::counter!("webhook_subscriptions_disabled_total").increment(1);
                    tracing::warn!(store = %store.0, subscription = %subscription.id, reason, "webhook disabled");
                }
            }
            if let Err(e) = db.put_webhook(&subscription).await {
                tracing::warn!(error = %e, "saving a webhook's cursor");
                return;
            }
            if !delivery.ok() {
                return;
            }
        }
        // Events it did not want moved the cursor: keep that too.
        if let Err(e) = db.put_webhook(&subscription).await {
            tracing::warn!(error = %e, "saving a webhook's cursor");
            return;
        }
    }
}

/// One POST of one event.
async fn deliver(client: &reqwest::Client, subscription: &Subscription, event: &pos_app::Event) -> Delivery {
    let at = Utc::now();
    let started = Instant::now();
    let (status, error) = match payload(event) {
        Err(e) => (None, Some(format!("the event could not be serialised: {e}"))),
        Ok(body) => {
            let sig = signature(&subscription.secret, at.timestamp(), body.as_bytes());
            let sent = client
                .post(&subscription.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, sig)
                .header("POS-Event-Id", event.id.to_string())
                .header("POS-Event-Type", event.data.kind())
                .body(body)
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => (Some(r.status().as_u16()), None),
                Ok(r) => {
                    (Some(r.status().as_u16()), Some(format!("the receiver answered HTTP {}", r.status())))
                }
                Err(e) if e.is_timeout() => (None, Some("the receiver did not answer in time".to_owned())),
                Err(e) if e.is_connect() => (None, Some("the receiver could not be reached".to_owned())),
                Err(e) => (None, Some(format!("the delivery failed: {e}"))),
            }
        }
    };
    Delivery {
        subscription: subscription.id.clone(),
        sequence: event.sequence,
        event: event.id,
        at,
        status,
        error,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}
