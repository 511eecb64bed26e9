//! Every request body example in the API documentation is sent to the demo shop, as an
//! integrator reading the documentation would send it, and must be accepted: the examples are
//! part of the API and cannot drift from what the server reads.

#[macro_use]
mod common;

use axum::Router;
use serde_json::Value;
use utoipa::OpenApi;

use common::{call, login};

async fn documented_examples_are_accepted(app: Router) {
    let admin = login(&app, "admin", "1234").await;
    let doc = serde_json::to_value(pos_server::ApiDoc::openapi()).unwrap();
    let mut sent = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let Some(example) = op.pointer("/requestBody/content/application~1json/example") else {
                continue;
            };
            // Path parameters: the store, and the ids the body names itself.
            let mut uri = path.replace("{store}", "seoul-1");
            for (param, field) in [("{sku}", "sku"), ("{id}", "id")] {
                if let Some(v) = example.get(field).and_then(Value::as_str) {
                    uri = uri.replace(param, v);
                }
            }
            assert!(!uri.contains('{'), "{method} {path}: a path parameter the example does not give");
            let key = example.get("idempotency_key").and_then(Value::as_str).map(str::to_owned);
            let key = key.unwrap_or_else(|| format!("docs-{method}-{path}"));
            let (status, body) =
                call(&app, &method.to_uppercase(), &uri, Some(&admin), Some(&key), Some(example.clone()))
                    .await;
            assert!(
                status.is_success(),
                "{method} {path}: the documented example is refused: {status} {body}"
            );
            sent.push(format!("{method} {path}"));
        }
    }
    // The operations documented with an example (more may come; none may be refused).
    for op in [
        "put /api/v1/stores/{store}/products/{sku}",
        "put /api/v1/stores/{store}/categories/{id}",
        "put /api/v1/stores/{store}/promotions/{id}",
        "put /api/v1/stores/{store}/price-lists/{id}",
        "post /api/v1/stores/{store}/baskets/price",
        "post /api/v1/stores/{store}/sales",
        "post /api/v1/stores/{store}/parked",
    ] {
        assert!(sent.iter().any(|s| s == op), "{op} has no example: {sent:?}");
    }
}

on_every_store!(documented_examples_are_accepted);
