//! # pos-server
//!
//! The shop's HTTP API over pos-app: JSON under `/api/v1`, the OpenAPI document at
//! `/api/v1/openapi.json` (generated from the handlers) and Swagger UI at `/docs`, errors as
//! `application/problem+json`, `/healthz` and `/metrics`. [`app`] builds the router the binary
//! serves and the tests drive; the binary (`src/main.rs`) opens the store (an embedded SQLite
//! file under `./pos-data/` by default, Postgres by URL), runs the reconciler, and shuts down
//! gracefully.
//!
//! No business rule lives here: handlers check who is asking ([`auth`]) and call pos-app.
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod demo;
pub mod error;
pub mod examples;
pub mod state;
pub mod webhooks;

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use pos_app::Store;
use utoipa::OpenApi;

pub use state::AppState;

use crate::error::ApiError;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "open-pos",
        description = "The point-of-sale API: tills, the back office and integrations."
    ),
    paths(
        api::login,
        api::get_store,
        api::put_terminal,
        api::create_store,
        api::put_staff,
        api::list_staff,
        api::issue_token,
        api::put_product,
        api::get_product,
        api::put_category,
        api::put_promotion,
        api::put_price_list,
        api::price,
        api::complete_sale,
        api::get_sale,
        api::receipt,
        api::refund,
        api::void,
        api::open_shift,
        api::x_report,
        api::close_shift,
        api::adjust_stock,
        api::stock,
        api::member_by_phone,
        api::create_member,
        api::sales_report,
        api::events,
        api::own_events,
        api::audit,
        api::journal,
        api::park,
        api::parked,
        api::recall,
        api::paid_in,
        api::paid_out,
        api::export_member,
        api::erase_member,
        api::segments,
        api::sales_report_csv,
        api::receive_goods,
        api::dispatch_transfer,
        api::receive_transfer,
        api::post_count,
        api::reserve,
        api::end_reservation,
        api::low_stock,
        api::snapshot,
        api::changes,
        api::upload,
        api::create_webhook,
        api::list_webhooks,
        api::get_webhook,
        api::webhook_deliveries,
        api::switch_webhook,
        api::import,
        api::import_job,
        api::export,
        api::print_receipt,
        api::print_x_report,
        api::print_z_report,
        api::z_report,
        api::open_drawer,
        api::printer_state,
    ),
    components(schemas(error::Problem))
)]
pub struct ApiDoc;

/// The process's Prometheus recorder (installed once).
fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Another recorder installed first (a test harness): keep counting into ours anyway.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts requests by route and status and times them.
async fn observe(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

async fn healthz<S: Store>(State(state): State<AppState<S>>) -> Response {
    let open = state.inner.store.open_attempts(&pos_core::StoreId(String::new()), chrono::Utc::now()).await;
    let mut unfinished = 0;
    for shop in state.shops().await {
        match state.inner.store.open_attempts(&shop.profile.id, chrono::Utc::now()).await {
            Ok(a) => unfinished += a.len(),
            Err(e) => {
                return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unhealthy", e.to_string())
                    .into_response();
            }
        }
    }
    match open {
        Ok(_) => axum::Json(serde_json::json!({ "status": "ok", "open_payment_attempts": unfinished }))
            .into_response(),
        Err(e) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unhealthy", e.to_string()).into_response(),
    }
}

async fn prometheus() -> String {
    metrics_handle().render()
}

async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

/// Every error leaves as a problem: the ones axum and tower answer themselves (a body over the
/// limit, a method a route does not have, a body that is not JSON) get a problem document with
/// a stable code instead of their plain text.
async fn problems(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("body_too_large", format!("the body is over the limit of {} bytes", api::MAX_BODY))
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this route does not take that method".to_owned())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "send the body as application/json".to_owned())
        }
        StatusCode::NOT_FOUND => ("not_found", "no such route".to_owned()),
        s if s.is_server_error() => {
            ("internal", "something went wrong on the server; it was logged".to_owned())
        }
        _ => ("bad_request", status.canonical_reason().unwrap_or("bad request").to_owned()),
    };
    let mut problem = ApiError::new(status, code, detail).into_response();
    if let Some(allow) = response.headers().get(axum::http::header::ALLOW) {
        problem.headers_mut().insert(axum::http::header::ALLOW, allow.clone());
    }
    problem
}

/// Whether percent-encoded text holds a control character (`%00` to `%1F`, `%7F`).
fn encodes_a_control(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_uppercase(), w[2].to_ascii_uppercase()),
                (b'0' | b'1', b'0'..=b'9' | b'A'..=b'F') | (b'7', b'F')
            )
    })
}

/// No id, key or query value has a control character in it: a path with one names nothing
/// (404), a query with one is refused (422). Checked before any handler, so none of them hands
/// one to a database (Postgres refuses a NUL in text, which would be a 500).
async fn no_controls(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if encodes_a_control(uri.path()) {
        return ApiError::not_found("no such route").into_response();
    }
    if uri.query().is_some_and(encodes_a_control) {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            "the query holds a control character",
        )
        .into_response();
    }
    next.run(request).await
}

/// The router, over a store adapter of type `S`.
pub fn app<S: Store>(state: AppState<S>) -> Router {
    let _ = metrics_handle();
    let store = "/api/v1/stores/{store}";
    let api = Router::new()
        .route(store, get(api::get_store::<S>))
        .route(&format!("{store}/terminals/{{id}}"), put(api::put_terminal::<S>))
        .route(&format!("{store}/terminals/{{id}}/drawer"), post(api::open_drawer::<S>))
        .route(&format!("{store}/terminals/{{id}}/printer"), get(api::printer_state::<S>))
        .route(&format!("{store}/sales/{{receipt}}/print"), post(api::print_receipt::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/x-report/print"), post(api::print_x_report::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/z-reports/{{number}}"), get(api::z_report::<S>))
        .route(
            &format!("{store}/shifts/{{terminal}}/z-reports/{{number}}/print"),
            post(api::print_z_report::<S>),
        )
        .route("/api/v1/stores", post(api::create_store::<S>))
        .route(&format!("{store}/sessions"), post(api::login::<S>))
        .route(&format!("{store}/staff"), post(api::put_staff::<S>).get(api::list_staff::<S>))
        .route(&format!("{store}/tokens"), post(api::issue_token::<S>))
        .route(&format!("{store}/products/{{sku}}"), put(api::put_product::<S>).get(api::get_product::<S>))
        .route(&format!("{store}/categories/{{id}}"), put(api::put_category::<S>))
        .route(&format!("{store}/promotions/{{id}}"), put(api::put_promotion::<S>))
        .route(&format!("{store}/price-lists/{{id}}"), put(api::put_price_list::<S>))
        .route(&format!("{store}/baskets/price"), post(api::price::<S>))
        .route(&format!("{store}/sales"), post(api::complete_sale::<S>))
        .route(&format!("{store}/sales/{{receipt}}"), get(api::get_sale::<S>))
        .route(&format!("{store}/sales/{{receipt}}/receipt"), get(api::receipt::<S>))
        .route(&format!("{store}/sales/{{receipt}}/refunds"), post(api::refund::<S>))
        .route(&format!("{store}/sales/{{receipt}}/void"), post(api::void::<S>))
        .route(&format!("{store}/shifts"), post(api::open_shift::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/x-report"), get(api::x_report::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/close"), post(api::close_shift::<S>))
        .route(&format!("{store}/stock"), get(api::stock::<S>))
        .route(&format!("{store}/stock/adjustments"), post(api::adjust_stock::<S>))
        .route(&format!("{store}/members"), get(api::member_by_phone::<S>).post(api::create_member::<S>))
        .route(&format!("{store}/reports/sales"), get(api::sales_report::<S>))
        .route(&format!("{store}/events"), get(api::events::<S>))
        .route("/api/v1/events", get(api::own_events::<S>))
        .route(&format!("{store}/journal/{{terminal}}/audit"), get(api::audit::<S>))
        .route(&format!("{store}/journal/{{terminal}}"), get(api::journal::<S>))
        .route(&format!("{store}/parked"), post(api::park::<S>).get(api::parked::<S>))
        .route(&format!("{store}/parked/{{id}}/recall"), post(api::recall::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/paid-in"), post(api::paid_in::<S>))
        .route(&format!("{store}/shifts/{{terminal}}/paid-out"), post(api::paid_out::<S>))
        .route(&format!("{store}/members/segments"), get(api::segments::<S>))
        .route(&format!("{store}/members/{{id}}/export"), get(api::export_member::<S>))
        .route(&format!("{store}/members/{{id}}/erase"), post(api::erase_member::<S>))
        .route(&format!("{store}/reports/sales.csv"), get(api::sales_report_csv::<S>))
        .route(&format!("{store}/stock/receipts"), post(api::receive_goods::<S>))
        .route(&format!("{store}/stock/transfers"), post(api::dispatch_transfer::<S>))
        .route(&format!("{store}/stock/transfers/{{id}}/receive"), post(api::receive_transfer::<S>))
        .route(&format!("{store}/stock/counts"), post(api::post_count::<S>))
        .route(&format!("{store}/stock/reservations"), post(api::reserve::<S>))
        .route(&format!("{store}/stock/reservations/{{id}}/{{action}}"), post(api::end_reservation::<S>))
        .route(&format!("{store}/stock/low"), get(api::low_stock::<S>))
        .route(&format!("{store}/sync/snapshot"), get(api::snapshot::<S>))
        .route(&format!("{store}/sync/changes"), get(api::changes::<S>))
        .route(&format!("{store}/sync/sales"), post(api::upload::<S>))
        .route(&format!("{store}/webhooks"), post(api::create_webhook::<S>).get(api::list_webhooks::<S>))
        .route(&format!("{store}/webhooks/{{id}}"), get(api::get_webhook::<S>))
        .route(&format!("{store}/webhooks/{{id}}/deliveries"), get(api::webhook_deliveries::<S>))
        .route(&format!("{store}/webhooks/{{id}}/{{action}}"), post(api::switch_webhook::<S>))
        .route(&format!("{store}/imports/{{kind}}"), post(api::import::<S>))
        .route(&format!("{store}/imports/{{kind}}/{{id}}"), get(api::import_job::<S>))
        .route(&format!("{store}/exports/{{kind}}"), get(api::export::<S>))
        .route("/api/v1/openapi.json", get(openapi));
    Router::new()
        .merge(api)
        .merge(utoipa_swagger_ui::SwaggerUi::new("/docs").url("/api/v1/openapi.json-ui", ApiDoc::openapi()))
        .route("/healthz", get(healthz::<S>))
        .route("/metrics", get(prometheus))
        .fallback(not_found)
        .layer(middleware::from_fn(no_controls))
        .layer(middleware::from_fn(problems))
        // A handler that panics answers 500 (a problem, logged) instead of dropping the
        // connection; the process and every other request go on.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a handler panicked");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server; it was logged")
                .into_response()
        }))
        .layer(middleware::from_fn(observe))
        .layer(axum::extract::DefaultBodyLimit::max(api::MAX_BODY))
        // Every request gets an id (or keeps the `x-request-id` it came with), logged with its
        // span and sent back, so a till's report of a failure can be found in the logs.
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(tower_http::request_id::MakeRequestUuid))
        .with_state(state)
}
