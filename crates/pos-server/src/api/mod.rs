//! The handlers of `/api/v1`, one file per resource: each checks who is asking, then calls
//! pos-app; no business rule lives here. This file holds what they share: the body parser, the
//! idempotent runner, the identity of a till.

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

/// The key a request's change is recorded under in the store, in the transaction of the change
/// (the runner's own key for it): a request retried after a crash that lost its answer finds it
/// and changes nothing twice.
fn request_key(headers: &HeaderMap, what: &str) -> String {
    let key = headers.get("idempotency-key").and_then(|k| k.to_str().ok()).map_or("", str::trim);
    format!("{what}:{key}")
}

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
    let json_response = |status: StatusCode, body: String| {
        let content = if status.is_success() { "application/json" } else { "application/problem+json" };
        (status, [(axum::http::header::CONTENT_TYPE, content)], body).into_response()
    };
    // The key is taken before the request runs, so that the same request sent again while the
    // first still runs (a till retrying on a slow network) waits instead of running twice.
    let mark = StoredResponse::running(&request_hash, &state.inner.instance);
    let prior = match state.inner.store.put_response(store, &key, &mark).await {
        Ok(true) => Ok(None),
        Ok(false) => state
            .inner
            .store
            .response(store, &key)
            .await
            .map_err(ApiError::from)
            .and_then(|p| {
                p.ok_or_else(|| {
                    ApiError::new(
                        StatusCode::CONFLICT,
                        "request_in_progress",
                        "the request is running; retry in a moment",
                    )
                })
            })
            .map(Some),
        Err(e) => Err(ApiError::from(e)),
    };
    match prior {
        Ok(None) => {}
        Ok(Some(prior)) if prior.request_hash != request_hash => {
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request",
            )
            .into_response();
        }
        Ok(Some(prior)) if prior.is_running() && prior.body == state.inner.instance => {
            return ApiError::new(
                StatusCode::CONFLICT,
                "request_in_progress",
                "a request with this Idempotency-Key is running; retry in a moment for its answer",
            )
            .into_response();
        }
        // Marked running by a server process that is gone (it crashed or was killed while the
        // request ran): this one takes it over and runs it again. What it changes is once per
        // key whatever happens here: sales, refunds and voids by their own keys, goods
        // received, adjustments, paid-ins and paid-outs by the key taken in their transaction
        // (`request_key`), transfers, counts and reservations by their ids, a webhook by an id
        // made from the key; catalog, staff and terminal writes give the same result twice. A
        // token or a member created twice is refused or left unseen, never doubles money or
        // stock.
        Ok(Some(prior)) if prior.is_running() => {
            if let Err(e) = state.inner.store.finish_response(store, &key, &mark).await {
                return ApiError::from(e).into_response();
            }
        }
        Ok(Some(prior)) => {
            let status = StatusCode::from_u16(prior.status).unwrap_or(StatusCode::OK);
            let content = if status.is_success() { "application/json" } else { "application/problem+json" };
            return (status, [(axum::http::header::CONTENT_TYPE, content)], prior.body).into_response();
        }
        Err(e) => return e.into_response(),
    }
    let outcome = run.await;
    // A request refused for what it is (bad input, a permission, a declined card) is answered
    // the same way again; one that failed on the server or on a conflict that may pass is
    // forgotten, so a retry runs it again.
    let record = match &outcome {
        Ok((status, value)) => {
            Some(StoredResponse { request_hash, status: status.as_u16(), body: value.to_string() })
        }
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::CONFLICT
                && e.status != StatusCode::TOO_MANY_REQUESTS =>
        {
            let body = serde_json::to_string(&e.problem()).unwrap_or_default();
            Some(StoredResponse { request_hash, status: e.status.as_u16(), body })
        }
        Err(_) => None,
    };
    let kept = match &record {
        Some(r) => state.inner.store.finish_response(store, &key, r).await,
        None => state.inner.store.drop_response(store, &key).await,
    };
    if let Err(e) = kept {
        tracing::warn!(error = %e, key, "could not record an idempotent response");
    }
    match outcome {
        Ok((status, value)) => json_response(status, value.to_string()),
        Err(e) => e.into_response(),
    }
}

/// Who a till's document is recorded as (the rule is [`pos_app::access::Principal::till_cashier`]).
///
/// # Errors
/// 422 naming `terminal` when a session logged in at one terminal acts for another.
fn till_identity(
    who: &pos_app::access::Principal,
    terminal: &str,
    cashier: &str,
) -> Result<String, ApiError> {
    Ok(who.till_cashier(terminal, cashier)?)
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

/// A manager's approval for something the caller may not do alone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The manager's staff id.
    pub staff: String,
    /// Their PIN.
    pub pin: String,
}

/// Who a document is recorded as when `p` needs a permission: the caller, if it has it; else the
/// caller with the manager whose PIN came with the request (checked and logged), or a refusal.
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

mod access;
mod catalog;
mod charset;
mod files;
mod members;
mod printing;
mod reports;
mod sales;
mod shifts;
mod stock;
mod sync;
mod webhooks;

pub use access::*;
pub use catalog::*;
pub use files::*;
pub use members::*;
pub use printing::*;
pub use reports::*;
pub use sales::*;
pub use shifts::*;
pub use stock::*;
pub use sync::*;
pub use webhooks::*;
