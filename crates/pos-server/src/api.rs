//! The handlers of `/api/v1`: each checks who is asking, then calls pos-app; no business rule
//! lives here.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use pos_app::Store;
use pos_app::access::{Permission, Role, StaffMember};
use pos_app::ports::StoredResponse;
use pos_core::{Basket, Category, Money, PriceList, Product, Promotion, PromotionSpec, Sku, StoreId};
use pos_inventory::LocationId;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{self, Auth, require};
use crate::error::{ApiError, Problem};
use crate::state::{AppState, Shop};

/// The largest request body.
pub const MAX_BODY: usize = 1 << 20;

/// A JSON body parsed with errors as problems: the path to the bad value (or the field the
/// domain's check names) and why; nothing is written.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    // Fields the request types do not know, at any depth, are refused rather than dropped: a
    // misspelt `price_overide` must not sell at the catalog price without a word.
    let mut unknown: Vec<String> = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let parsed: Result<T, _> =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(&mut *de, &mut note));
    let value = match parsed {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", inner.to_string()));
            }
            // serde_json appends where in the text it stopped; the field says it better.
            let full = inner.to_string();
            let detail = full.rsplit_once(" at line ").map_or(full.as_str(), |(d, _)| d).to_owned();
            // A domain check names its own field (`invalid line.id: line id 1 is used twice`),
            // which says more than the path to the value that ran it (`basket`).
            // serde's own messages ("invalid type: ...", "invalid value: ...") name no field.
            let named = detail
                .strip_prefix("invalid ")
                .and_then(|d| d.split_once(": "))
                .map(|(f, _)| f.to_owned())
                .filter(|f| !matches!(f.as_str(), "type" | "value" | "length") && !f.contains(' '));
            let field = match (path.as_str(), named) {
                (_, Some(f)) => Some(f),
                ("." | "", None) => None,
                (p, None) => Some(p.to_owned()),
            };
            return Err(ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid_body",
                field,
                detail,
            });
        }
    };
    de.end().map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string()))?;
    if let Some(field) = unknown.into_iter().next() {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "unknown_field",
            detail: format!("unknown field `{field}`"),
            field: Some(field),
        });
    }
    Ok(value)
}

/// What a refused request looks like, for the documentation.
#[derive(Serialize, ToSchema)]
#[allow(dead_code, reason = "documentation only")]
struct ProblemDoc(Problem);

/// Runs a state-changing request once per `Idempotency-Key`: a retry with the same key and
/// body gets the first response, the same key with another body is refused.
async fn idempotent<S: Store, F>(
    state: &AppState<S>,
    store: &StoreId,
    headers: &HeaderMap,
    what: &str,
    request: &[u8],
    run: F,
) -> Response
where
    F: std::future::Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    let Some(key) =
        headers.get("idempotency-key").and_then(|k| k.to_str().ok()).map(str::trim).filter(|k| !k.is_empty())
    else {
        return ApiError::field(
            "Idempotency-Key",
            "every request that changes state needs an Idempotency-Key header",
        )
        .into_response();
    };
    if key.chars().count() > 128 {
        return ApiError::field("Idempotency-Key", "must be at most 128 characters").into_response();
    }
    let request_hash = auth::sha256(&format!("{what}\n{}", String::from_utf8_lossy(request)));
    let key = format!("{what}:{key}");
    match state.inner.store.response(store, &key).await {
        Ok(Some(prior)) if prior.request_hash == request_hash => {
            let status = StatusCode::from_u16(prior.status).unwrap_or(StatusCode::OK);
            return (status, [(axum::http::header::CONTENT_TYPE, "application/json")], prior.body)
                .into_response();
        }
        Ok(Some(_)) => {
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request",
            )
            .into_response();
        }
        Ok(None) => {}
        Err(e) => return ApiError::from(e).into_response(),
    }
    match run.await {
        Ok((status, value)) => {
            let body = value.to_string();
            let stored = StoredResponse { request_hash, status: status.as_u16(), body: body.clone() };
            if let Err(e) = state.inner.store.put_response(store, &key, &stored).await {
                tracing::warn!(error = %e, "could not record an idempotent response");
            }
            (status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Who a till's document is recorded as: a staff session records its staff member (whatever
/// the body says) and may only act for the terminal it logged in at; an API token (a kiosk, a
/// web shop) records the cashier the body names.
///
/// # Errors
/// 422 naming `terminal` when a session logged in at one terminal acts for another.
fn till_identity(
    who: &pos_app::access::Principal,
    terminal: &str,
    cashier: &str,
) -> Result<String, ApiError> {
    if let Some(own) = &who.terminal
        && own != terminal
    {
        return Err(ApiError::field(
            "terminal",
            format!("this session is logged in at terminal `{own}`, not `{terminal}`"),
        ));
    }
    Ok(match who.grants {
        pos_app::access::Grants::Role { .. } => who.actor.clone(),
        pos_app::access::Grants::Scopes { .. } => cashier.to_owned(),
    })
}

fn json<T: Serialize>(status: StatusCode, v: &T) -> Result<(StatusCode, serde_json::Value), ApiError> {
    Ok((status, serde_json::to_value(v).map_err(ApiError::internal)?))
}

async fn shop_for<S: Store>(
    state: &AppState<S>,
    who: &pos_app::access::Principal,
    store: &str,
    p: Permission,
    subject: &str,
) -> Result<std::sync::Arc<Shop<S>>, ApiError> {
    let shop = state.shop(store).await?;
    require(state, who, &shop.profile.id, p, subject).await?;
    Ok(shop)
}

// ---- sessions, staff, tokens ----

/// A login at a terminal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Staff id.
    pub staff: String,
    /// PIN.
    pub pin: String,
    /// The terminal, for a till.
    pub terminal: Option<String>,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The bearer token (`s.<secret>`): send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The staff member's role.
    #[schema(value_type = String)]
    pub role: Role,
}

/// Logs a staff member in.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sessions", tag = "access",
    params(("store" = String, Path, description = "Store id")),
    request_body = LoginRequest,
    responses((status = 201, description = "Created", body = LoginResponse), (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"), (status = 423, description = "Locked after too many wrong PINs", body = Problem, content_type = "application/problem+json")))]
pub async fn login<S: Store>(
    State(state): State<AppState<S>>,
    Path(store): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: LoginRequest = body(&bytes)?;
    let (token, session) = auth::login(&state, &shop.profile.id, &req.staff, &req.pin, req.terminal).await?;
    Ok((
        StatusCode::CREATED,
        Json(LoginResponse { token, expires_at: session.expires_at, role: session.role }),
    )
        .into_response())
}

/// A staff member to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    /// Id (login name).
    pub id: String,
    /// Name.
    pub name: String,
    /// `admin`, `manager` or `cashier`.
    #[schema(value_type = String)]
    pub role: Role,
    /// PIN (4 to 12 digits).
    pub pin: String,
}

/// A staff member as listed (no secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Whether locked now.
    pub locked: bool,
}

/// Adds or replaces a staff member.
#[utoipa::path(post, path = "/api/v1/stores/{store}/staff", tag = "access",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = StaffRequest,
    responses((status = 201, description = "Created", body = StaffView), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_staff<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "staff").await?;
    let run = async {
        let req: StaffRequest = body(&bytes)?;
        pos_core::limits::check_id("id", &req.id).map_err(|e| ApiError::field("id", e.to_string()))?;
        pos_core::limits::check_required_text("name", &req.name)
            .map_err(|e| ApiError::field("name", e.to_string()))?;
        if !(4..=12).contains(&req.pin.len()) || !req.pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::field("pin", "must be 4 to 12 digits"));
        }
        let member = StaffMember {
            id: req.id,
            name: req.name,
            role: req.role,
            secret_hash: auth::hash_secret(&req.pin)?,
            failed_attempts: 0,
            locked_until: None,
            active: true,
        };
        state.inner.store.put_staff(&shop.profile.id, &member).await?;
        json(
            StatusCode::CREATED,
            &StaffView { id: member.id, name: member.name, role: member.role, locked: false },
        )
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "staff", &bytes, run).await)
}

/// Lists the staff.
#[utoipa::path(get, path = "/api/v1/stores/{store}/staff", tag = "access",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "OK", body = [StaffView]), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list_staff<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Vec<StaffView>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "staff").await?;
    let now = Utc::now();
    let staff = state.inner.store.staff_list(&shop.profile.id).await?;
    Ok(Json(
        staff
            .into_iter()
            .map(|m| StaffView { locked: !m.can_try(now), id: m.id, name: m.name, role: m.role })
            .collect(),
    ))
}

/// An API token to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for.
    pub name: String,
    /// What it may do (`reports_read`, `catalog_write`, `events_read`, ...).
    #[schema(value_type = Vec<String>)]
    pub scopes: Vec<Permission>,
}

/// An issued token: shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Its id.
    pub id: String,
    /// The bearer token (`t.<id>.<secret>`).
    pub token: String,
}

/// Issues an API token for an integration.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tokens", tag = "access",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = TokenRequest,
    responses((status = 201, description = "Created", body = TokenResponse), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn issue_token<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "tokens").await?;
    let run = async {
        let req: TokenRequest = body(&bytes)?;
        pos_core::limits::check_required_text("name", &req.name)
            .map_err(|e| ApiError::field("name", e.to_string()))?;
        let (token, record) = auth::issue_token(&state, &shop.profile.id, &req.name, req.scopes).await?;
        json(StatusCode::CREATED, &TokenResponse { id: record.id, token })
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "tokens", &bytes, run).await)
}

// ---- catalog ----

/// Adds or replaces a product.
#[utoipa::path(put, path = "/api/v1/stores/{store}/products/{sku}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("sku" = String, Path, description = "SKU")),
    request_body(content = Object, description = "A product"),
    responses((status = 200, description = "The product"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_product<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, sku)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Product>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "products").await?;
    let product: Product = body(&bytes)?;
    if product.sku.as_str() != sku {
        return Err(ApiError::field("sku", "the body's SKU is not the one in the path"));
    }
    state.inner.store.upsert_product(&shop.profile.id, &product).await?;
    shop.checkout.reload().await?;
    Ok(Json(product))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/stores/{store}/products/{sku}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("sku" = String, Path, description = "SKU")),
    responses((status = 200, description = "The product"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn get_product<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, sku)): Path<(String, String)>,
) -> Result<Json<Product>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogRead, "products").await?;
    let sku = Sku::parse(&sku).map_err(|e| ApiError::field("sku", e.to_string()))?;
    let product = state.inner.store.product(&shop.profile.id, &sku).await?;
    product.map(Json).ok_or_else(|| ApiError::not_found(format!("no product `{sku}`")))
}

/// Adds or replaces a category.
#[utoipa::path(put, path = "/api/v1/stores/{store}/categories/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Category id")),
    request_body(content = Object, description = "A category"),
    responses((status = 200, description = "The category"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_category<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Category>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "categories").await?;
    let category: Category = body(&bytes)?;
    if category.id.0 != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    state.inner.store.upsert_category(&shop.profile.id, &category).await?;
    shop.checkout.reload().await?;
    Ok(Json(category))
}

/// Adds or replaces a promotion.
#[utoipa::path(put, path = "/api/v1/stores/{store}/promotions/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Promotion id")),
    request_body(content = Object, description = "A promotion"),
    responses((status = 200, description = "The promotion"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_promotion<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<PromotionSpec>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "promotions").await?;
    let spec: PromotionSpec = body(&bytes)?;
    if spec.id.as_str() != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    let promotion = Promotion::try_from(spec.clone())
        .map_err(|e| ApiError::field(e.field().unwrap_or("promotion"), e.to_string()))?;
    state.inner.store.upsert_promotion(&shop.profile.id, &promotion).await?;
    shop.checkout.reload().await?;
    Ok(Json(spec))
}

/// Adds or replaces a price list.
#[utoipa::path(put, path = "/api/v1/stores/{store}/price-lists/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Price list id")),
    request_body(content = Object, description = "A price list"),
    responses((status = 200, description = "The price list"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_price_list<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<PriceList>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "price_lists").await?;
    let list: PriceList = body(&bytes)?;
    if list.id != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    state.inner.store.upsert_price_list(&shop.profile.id, &list).await?;
    shop.checkout.reload().await?;
    Ok(Json(list))
}

// ---- baskets and sales ----

/// A basket to price.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRequest {
    /// The basket.
    #[schema(value_type = Object)]
    pub basket: Basket,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
}

/// Prices a basket without recording anything (live totals at a till, a kiosk, a web shop).
#[utoipa::path(post, path = "/api/v1/stores/{store}/baskets/price", tag = "sales",
    params(("store" = String, Path, description = "Store id")),
    request_body = PriceRequest,
    responses((status = 200, description = "The priced basket"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn price<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    bytes: Bytes,
) -> Result<Json<pos_core::PricedBasket>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "baskets").await?;
    let req: PriceRequest = body(&bytes)?;
    Ok(Json(shop.checkout.price(&req.basket, req.at.unwrap_or_else(Utc::now)).await?))
}

/// Completes a sale. The `Idempotency-Key` header must be the request's `idempotency_key`: a
/// retry gets the first response.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "The sale's idempotency key")),
    request_body(content = Object, description = "A sale request"),
    responses((status = 201, description = "The completed sale"), (status = 402, description = "Payment declined", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn complete_sale<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let run = async {
        let mut req: pos_app::SaleRequest = body(&bytes)?;
        req.cashier = till_identity(&who, &req.terminal, &req.cashier)?;
        let key = headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default();
        if req.idempotency_key != key.trim() {
            return Err(ApiError::field("idempotency_key", "must be the Idempotency-Key header"));
        }
        if req.basket.lines().iter().any(|l| l.price_override.is_some()) {
            require(&state, &who, &shop.profile.id, Permission::PriceOverride, "sales").await?;
        }
        let done = shop.checkout.complete_sale(&req).await?;
        metrics::counter!("pos_sales_committed_total").increment(u64::from(!done.replayed));
        json(StatusCode::CREATED, &done)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "sales", &bytes, run).await)
}

/// A sale as stored.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sales/{receipt}", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number")),
    responses((status = 200, description = "The sale document with what was returned of it"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn get_sale<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
) -> Result<Json<pos_app::ports::StoredSale>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let not_found = || ApiError::not_found(format!("no sale `{receipt}`"));
    let (terminal, number) = pos_app::ports::parse_receipt(&receipt).ok_or_else(not_found)?;
    let sale = state.inner.store.load_sale(&shop.profile.id, terminal, number).await?;
    sale.map(Json).ok_or_else(not_found)
}

/// How a receipt is wanted.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    /// `text` (the default) or `html`.
    pub format: Option<String>,
    /// Paper width in columns for text: 32 (58 mm), 42 or 48 (80 mm, the default).
    pub width: Option<u32>,
}

/// A sale's receipt, as text laid out for a receipt printer or as an HTML page (for e-mail and
/// a browser's print); a reprint is the same receipt.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sales/{receipt}/receipt", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ReceiptQuery),
    responses((status = 200, description = "The receipt", content_type = "text/plain"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn receipt<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let width = match q.width.unwrap_or(48) {
        32 => pos_core::Width::Cols32,
        42 => pos_core::Width::Cols42,
        48 => pos_core::Width::Cols48,
        _ => return Err(ApiError::field("width", "must be 32, 42 or 48")),
    };
    let not_found = || ApiError::not_found(format!("no sale `{receipt}`"));
    let (terminal, number) = pos_app::ports::parse_receipt(&receipt).ok_or_else(not_found)?;
    let sale =
        state.inner.store.load_sale(&shop.profile.id, terminal, number).await?.ok_or_else(not_found)?;
    let (labels, tender) = crate::state::words(&shop.profile);
    let header = pos_core::StoreHeader { name: shop.profile.name.clone(), lines: Vec::new(), tax_id: None };
    let doc = sale.document.receipt(&receipt, header, shop.settings.store.time_zone, &tender);
    let header = |t: &'static str| [(axum::http::header::CONTENT_TYPE, t)];
    Ok(match q.format.as_deref().unwrap_or("text") {
        "text" => {
            let mut text = pos_core::receipt::render_text(&doc, width, &labels).join("\n");
            text.push('\n');
            (header("text/plain; charset=utf-8"), text).into_response()
        }
        "html" => (header("text/html; charset=utf-8"), pos_core::receipt::render_html(&doc, &labels))
            .into_response(),
        _ => return Err(ApiError::field("format", "must be `text` or `html`")),
    })
}

/// A manager's approval for something the caller may not do alone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The manager's staff id.
    pub staff: String,
    /// Their PIN.
    pub pin: String,
}

/// A refund of some lines.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// Terminal.
    pub terminal: String,
    /// Where the goods go back.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// Line ids.
    pub lines: Vec<u32>,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
    /// A manager's approval, when the caller may not refund.
    pub approval: Option<Approval>,
}

async fn approved<S: Store>(
    state: &AppState<S>,
    who: &pos_app::access::Principal,
    shop: &Shop<S>,
    p: Permission,
    approval: Option<&Approval>,
    subject: &str,
) -> Result<String, ApiError> {
    if who.may(&shop.profile.id, p) {
        return Ok(who.actor.clone());
    }
    match approval {
        Some(a) => {
            let m = auth::approve(state, &shop.profile.id, &a.staff, &a.pin, p, subject).await?;
            Ok(format!("{} (approved by {})", who.actor, m.id))
        }
        None => require(state, who, &shop.profile.id, p, subject).await.map(|()| who.actor.clone()),
    }
}

/// Refunds lines of a sale to its tenders.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales/{receipt}/refunds", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ("Idempotency-Key" = String, Header, description = "Once per refund")),
    request_body = RefundBody,
    responses((status = 201, description = "The refund"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn refund<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: RefundBody = body(&bytes)?;
    till_identity(&who, &req.terminal, "")?;
    let cashier = approved(&state, &who, &shop, Permission::Refund, req.approval.as_ref(), "refunds").await?;
    let key =
        headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default().trim().to_owned();
    let run = async {
        let request = pos_app::RefundRequest {
            idempotency_key: key,
            terminal: req.terminal,
            cashier,
            location: req.location,
            receipt,
            lines: req.lines,
            at: req.at.unwrap_or_else(Utc::now),
        };
        let done = shop.returns.refund(&request).await?;
        metrics::counter!("pos_refunds_committed_total").increment(u64::from(!done.replayed));
        json(StatusCode::CREATED, &done)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "refunds", &bytes, run).await)
}

/// A void of a whole sale.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    /// Terminal.
    pub terminal: String,
    /// Where the goods go back.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
    /// A manager's approval, when the caller may not void.
    pub approval: Option<Approval>,
}

/// Voids a sale.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales/{receipt}/void", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ("Idempotency-Key" = String, Header, description = "Once per void")),
    request_body = VoidBody,
    responses((status = 201, description = "The void"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn void<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: VoidBody = body(&bytes)?;
    till_identity(&who, &req.terminal, "")?;
    let cashier = approved(&state, &who, &shop, Permission::Void, req.approval.as_ref(), "voids").await?;
    let key =
        headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default().trim().to_owned();
    let run = async {
        let request = pos_app::VoidRequest {
            idempotency_key: key,
            terminal: req.terminal,
            cashier,
            location: req.location,
            receipt,
            at: req.at.unwrap_or_else(Utc::now),
        };
        json(StatusCode::CREATED, &shop.returns.void(&request).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "voids", &bytes, run).await)
}

// ---- shifts ----

/// A shift to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShift {
    /// Terminal.
    pub terminal: String,
    /// Opening float.
    #[schema(value_type = String)]
    pub float: Decimal,
}

/// Opens a shift.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = OpenShift,
    responses((status = 201, description = "The shift"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn open_shift<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    let run = async {
        let req: OpenShift = body(&bytes)?;
        let float = Money::new(req.float, shop.settings.store.currency);
        let shift = shop.shifts.open_shift(&req.terminal, &who.actor, float, Utc::now()).await?;
        json(StatusCode::CREATED, &shift)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "shifts", &bytes, run).await)
}

/// The X report of a terminal's open shift.
#[utoipa::path(get, path = "/api/v1/stores/{store}/shifts/{terminal}/x-report", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "The X report"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn x_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<pos_payments::ShiftReport>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    Ok(Json(shop.shifts.x_report(&terminal).await?))
}

/// Cash counted at a close.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseShift {
    /// Cash counted in the drawer.
    #[schema(value_type = String)]
    pub counted: Decimal,
}

/// Closes a terminal's shift with its Z report.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/close", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = CloseShift,
    responses((status = 201, description = "The Z report"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn close_shift<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    let run = async {
        let req: CloseShift = body(&bytes)?;
        let counted = Money::new(req.counted, shop.settings.store.currency);
        json(StatusCode::CREATED, &shop.shifts.close_shift(&terminal, counted, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "shift_close", &bytes, run).await)
}

// ---- stock ----

/// An adjustment of a SKU's stock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// Location.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// SKU.
    #[schema(value_type = String)]
    pub sku: Sku,
    /// Change (negative to take away).
    #[schema(value_type = String)]
    pub delta: Decimal,
    /// Why.
    pub reason: String,
    /// A manager's approval, when the caller may not adjust stock.
    pub approval: Option<Approval>,
}

/// Adjusts stock with a reason.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/adjustments", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per adjustment")),
    request_body = Adjustment,
    responses((status = 201, description = "Adjusted"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn adjust_stock<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: Adjustment = body(&bytes)?;
    let actor = approved(&state, &who, &shop, Permission::StockWrite, req.approval.as_ref(), "stock").await?;
    let run = async {
        shop.stock.adjust(&req.location, &req.sku, req.delta, &req.reason, &actor, Utc::now()).await?;
        let level = state.inner.store.level(&shop.profile.id, &req.location, &req.sku).await?;
        json(StatusCode::CREATED, &level)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "stock_adjustments", &bytes, run).await)
}

/// The store's stock, by location and SKU.
#[utoipa::path(get, path = "/api/v1/stores/{store}/stock", tag = "stock",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "Levels and policies")))]
pub async fn stock<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Vec<pos_app::ports::StockLine>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockRead, "stock").await?;
    Ok(Json(state.inner.store.stock(&shop.profile.id).await?))
}

// ---- members ----

/// A member lookup.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PhoneQuery {
    /// The phone number as typed.
    pub phone: String,
}

/// Finds a member by phone.
#[utoipa::path(get, path = "/api/v1/stores/{store}/members", tag = "members",
    params(("store" = String, Path, description = "Store id"), PhoneQuery),
    responses((status = 200, description = "The member"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn member_by_phone<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> Result<Json<pos_loyalty::Member>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersRead, "members").await?;
    shop.members
        .by_phone(&q.phone)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no member with that phone number"))
}

/// A member to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
}

/// Registers a member.
#[utoipa::path(post, path = "/api/v1/stores/{store}/members", tag = "members",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = NewMember,
    responses((status = 201, description = "The member"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn create_member<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersWrite, "members").await?;
    let run = async {
        let req: NewMember = body(&bytes)?;
        json(StatusCode::CREATED, &shop.members.create(&req.id, &req.name, &req.phone, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "members", &bytes, run).await)
}

// ---- reports, events, journal ----

/// A report's days.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Days {
    /// First store-local day (YYYY-MM-DD).
    #[param(value_type = String)]
    pub first: NaiveDate,
    /// Last store-local day, inclusive.
    #[param(value_type = String)]
    pub last: NaiveDate,
}

/// The sales report of some days.
#[utoipa::path(get, path = "/api/v1/stores/{store}/reports/sales", tag = "reports",
    params(("store" = String, Path, description = "Store id"), Days),
    responses((status = 200, description = "The report"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn sales_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(days): Query<Days>,
) -> Result<Json<pos_app::SalesReport>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::ReportsRead, "reports").await?;
    Ok(Json(shop.reports.sales_report(days.first, days.last).await?))
}

/// A page of the event feed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Feed {
    /// The last sequence already seen (0 for the start).
    pub after: Option<u64>,
    /// Most events to return (1 to 1,000; 100 by default).
    pub limit: Option<usize>,
}

/// Events after a cursor, in order.
#[utoipa::path(get, path = "/api/v1/stores/{store}/events", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), Feed),
    responses((status = 200, description = "Events"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn events<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(feed): Query<Feed>,
) -> Result<Json<Vec<pos_app::Event>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::EventsRead, "events").await?;
    let limit = feed.limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 1000"));
    }
    Ok(Json(state.inner.store.events_after(&shop.profile.id, feed.after.unwrap_or(0), limit).await?))
}

/// Events of the caller's own store after a cursor, in order: the feed an integration token
/// reads without naming its store.
#[utoipa::path(get, path = "/api/v1/events", tag = "integrations",
    params(Feed),
    responses((status = 200, description = "Events"), (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn own_events<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Query(feed): Query<Feed>,
) -> Result<Json<Vec<pos_app::Event>>, ApiError> {
    let store = who.store.0.clone();
    events(State(state), Auth(who), Path(store), Query(feed)).await
}

/// The outcome of an audit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResult {
    /// Whether every check passed.
    pub ok: bool,
    /// Records checked.
    pub records: usize,
    /// The first problem, if any.
    pub problem: Option<String>,
}

/// Audits a terminal's journal and every row its documents wrote.
#[utoipa::path(get, path = "/api/v1/stores/{store}/journal/{terminal}/audit", tag = "journal",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "OK", body = AuditResult)))]
pub async fn audit<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<AuditResult>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::JournalRead, "journal").await?;
    let key = &shop.settings.journal_key;
    Ok(Json(match pos_app::audit_terminal(&*state.inner.store, key, &shop.profile.id, &terminal).await {
        Ok(records) => AuditResult { ok: true, records, problem: None },
        Err(e) => AuditResult { ok: false, records: 0, problem: Some(e.to_string()) },
    }))
}
