//! Webhook subscriptions and their delivery log (the worker is `crate::webhooks`).

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;
use pos_app::webhooks::{Delivery, Subscription};

/// A subscription to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where deliveries are POSTed (http or https).
    pub url: String,
    /// The event types wanted (`sale.completed`, `stock.changed`, ...); all when empty or absent.
    #[serde(default)]
    pub events: Vec<String>,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Deliver the events after this sequence of the store's feed; by default only events
    /// committed from now on.
    #[serde(default)]
    pub after: Option<u64>,
}

/// A subscription as shown (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The event types it wants; empty for all.
    pub events: Vec<String>,
    /// What it is for.
    pub description: Option<String>,
    /// The sequence of the last event it is past.
    pub cursor: u64,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// Failed deliveries in a row.
    pub failures: u32,
    /// When the next attempt is due, after a failure.
    pub retry_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<&Subscription> for WebhookView {
    fn from(s: &Subscription) -> Self {
        WebhookView {
            id: s.id.clone(),
            url: s.url.clone(),
            events: s.events.clone(),
            description: s.description.clone(),
            cursor: s.cursor,
            enabled: s.enabled,
            disabled_reason: s.disabled_reason.clone(),
            failures: s.failures,
            retry_at: s.retry_at,
            created_at: s.created_at,
        }
    }
}

/// A created subscription, with its signing secret: shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The secret the `POS-Signature` header is computed with.
    pub secret: String,
}

/// One delivery attempt, as logged.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The event's sequence.
    pub sequence: u64,
    /// The event's id.
    pub event: String,
    /// When it was tried.
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it failed.
    pub error: Option<String>,
    /// How long it took (ms).
    pub millis: u64,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            sequence: d.sequence,
            event: d.event.to_string(),
            at: d.at,
            status: d.status,
            error: d.error,
            millis: d.millis,
        }
    }
}

/// Subscribes a URL to the store's events.
#[utoipa::path(post, path = "/api/v1/stores/{store}/webhooks", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = WebhookRequest,
    responses((status = 201, description = "Created; the secret is shown once", body = WebhookCreated), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn create_webhook<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "webhooks").await?;
    let run = async {
        let req: WebhookRequest = body(&bytes)?;
        Subscription::check(&req.url, &req.events).map_err(|(field, why)| ApiError::field(field, why))?;
        if let Some(d) = &req.description {
            pos_core::limits::check_text("description", d)
                .map_err(|e| ApiError::field("description", e.to_string()))?;
        }
        let head = state.inner.store.last_event(&shop.profile.id).await?;
        let cursor = match req.after {
            Some(after) if after > head => {
                return Err(ApiError::field("after", format!("the feed's last event is {head}")));
            }
            Some(after) => after,
            None => head,
        };
        let secret = format!("whsec_{}", auth::random_secret());
        let subscription = Subscription {
            // From the request's key: the request run again after a crash replaces what it made.
            id: format!(
                "wh_{}",
                &auth::sha256(&format!("{}\n{}", shop.profile.id.0, request_key(&headers, "webhooks")))[..16]
            ),
            store: shop.profile.id.0.clone(),
            url: req.url,
            events: req.events,
            description: req.description,
            secret: secret.clone(),
            cursor,
            enabled: true,
            disabled_reason: None,
            failures: 0,
            retry_at: None,
            created_at: Utc::now(),
        };
        state.inner.store.put_webhook(&subscription).await?;
        json(StatusCode::CREATED, &WebhookCreated { webhook: WebhookView::from(&subscription), secret })
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "webhooks", &bytes, run).await)
}

/// The store's subscriptions.
#[utoipa::path(get, path = "/api/v1/stores/{store}/webhooks", tag = "integrations",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "OK", body = [WebhookView]), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list_webhooks<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "webhooks").await?;
    let all = state.inner.store.webhooks(Some(&shop.profile.id)).await?;
    Ok(Json(all.iter().map(WebhookView::from).collect()))
}

async fn subscription<S: Store>(
    state: &AppState<S>,
    store: &StoreId,
    id: &str,
) -> Result<Subscription, ApiError> {
    state
        .inner
        .store
        .webhook(store, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook `{id}`")))
}

/// One subscription and its state (enabled, failures, why it was disabled).
#[utoipa::path(get, path = "/api/v1/stores/{store}/webhooks/{id}", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 200, description = "OK", body = WebhookView), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn get_webhook<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
) -> Result<Json<WebhookView>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "webhooks").await?;
    Ok(Json(WebhookView::from(&subscription(&state, &shop.profile.id, &id).await?)))
}

/// How many deliveries to show.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Most to return (1 to 1,000; 100 by default).
    pub limit: Option<usize>,
}

/// A subscription's latest deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/stores/{store}/webhooks/{id}/deliveries", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Webhook id"), DeliveryQuery),
    responses((status = 200, description = "OK", body = [DeliveryView]), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn webhook_deliveries<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    Query(q): Query<DeliveryQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "webhooks").await?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 1000"));
    }
    subscription(&state, &shop.profile.id, &id).await?;
    let log = state.inner.store.deliveries(&shop.profile.id, &id, limit).await?;
    Ok(Json(log.into_iter().map(DeliveryView::from).collect()))
}

/// Enables (`enable`, resuming from where it stopped, failures forgotten) or disables
/// (`disable`) a subscription.
#[utoipa::path(post, path = "/api/v1/stores/{store}/webhooks/{id}/{action}", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Webhook id"), ("action" = String, Path, description = "`enable` or `disable`"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    responses((status = 200, description = "The subscription", body = WebhookView), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn switch_webhook<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "webhooks").await?;
    let run = async {
        let mut s = subscription(&state, &shop.profile.id, &id).await?;
        match action.as_str() {
            "enable" => s.enable(),
            "disable" => {
                s.enabled = false;
                s.disabled_reason = Some(format!("disabled by {}", who.actor));
            }
            _ => return Err(ApiError::not_found("the action is `enable` or `disable`")),
        }
        state.inner.store.put_webhook(&s).await?;
        json(StatusCode::OK, &WebhookView::from(&s))
    };
    let what = format!("webhooks/{id}/{action}");
    Ok(idempotent(&state, &shop.profile.id, &headers, &what, b"", run).await)
}
