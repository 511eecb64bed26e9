//! Errors as `application/problem+json` (RFC 9457): a stable `code`, the field a client can fix,
//! and a message for people. Internals are logged, never sent.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pos_app::{AppError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` plus the code).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// A stable machine-readable code (`invalid_field`, `not_found`, `declined`, ...).
    pub code: String,
    /// The field of the request to fix, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What went wrong, for people.
    pub detail: String,
}

/// An error a handler returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// Field.
    pub field: Option<String>,
    /// Message.
    pub detail: String,
}

impl ApiError {
    /// An error.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError { status, code, field: None, detail: detail.into() }
    }

    /// 422 naming a field.
    pub fn field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field",
            field: Some(field.into()),
            detail: detail.into(),
        }
    }

    /// 401.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 500, with the cause logged and not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server; it was logged",
        )
    }

    /// The problem document.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("about:blank#{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            code: self.code.to_owned(),
            field: self.field.clone(),
            detail: self.detail.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.problem())).into_response();
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let detail = e.to_string();
        let conflict = |code| ApiError::new(StatusCode::CONFLICT, code, detail.clone());
        match e {
            AppError::InvalidField { field, reason } => ApiError::field(field, reason),
            AppError::Pricing(core) => match core.field() {
                Some(f) => ApiError::field(f, detail),
                None => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", detail),
            },
            // A value the domain refuses names its field; a rule it refuses is a refusal.
            AppError::Payment(pos_payments::PaymentError::InvalidField { field, reason })
            | AppError::Loyalty(pos_loyalty::LoyaltyError::InvalidField { field, reason })
            | AppError::Inventory(pos_inventory::InventoryError::InvalidField { field, reason }) => {
                ApiError::field(field, reason)
            }
            AppError::Payment(p) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "payment_refused", p.to_string())
            }
            AppError::Loyalty(l) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "loyalty_refused", l.to_string())
            }
            AppError::Inventory(i) => ApiError::new(StatusCode::CONFLICT, "stock_refused", i.to_string()),
            AppError::IdempotencyConflict { .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", detail)
            }
            AppError::Declined { .. } => ApiError::new(StatusCode::PAYMENT_REQUIRED, "declined", detail),
            AppError::PaymentPending { .. } => ApiError::new(StatusCode::ACCEPTED, "payment_pending", detail),
            AppError::PaymentReversed { .. } => conflict("payment_reversed"),
            AppError::PromotionLimit { .. } => conflict("promotion_limit"),
            AppError::NotFound { .. } => ApiError::not_found(detail),
            AppError::Store(StoreError::Conflict { .. }) => conflict("conflict"),
            AppError::Store(StoreError::Duplicate { .. }) => conflict("duplicate"),
            AppError::Store(StoreError::InvalidInput { field, reason }) => ApiError::field(field, reason),
            AppError::Store(s) => ApiError::internal(s),
            other => ApiError::internal(other),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                // The message names the path to the bad value: `lines[0].quantity: invalid type ...`.
                let text = e.body_text();
                let detail = text.split_once(": ").map_or(text.as_str(), |(_, rest)| rest).to_owned();
                let field =
                    detail.split_once(": ").map(|(path, _)| path.to_owned()).filter(|p| !p.contains(' '));
                ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: "invalid_body", field, detail }
            }
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            ),
            JsonRejection::BytesRejection(e) => ApiError::new(e.status(), "body_too_large", e.body_text()),
            other => ApiError::new(other.status(), "invalid_body", other.body_text()),
        }
    }
}
