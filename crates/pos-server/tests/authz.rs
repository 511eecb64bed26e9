//! Who may change what, table-driven: every state-changing endpoint is tried without
//! credentials, with an expired session, with a token of another store, with a token lacking the
//! scope, and as each role the permission matrix refuses. Every such request is refused (401 or
//! 403), nothing is written, and every refusal is in the access log. On SQLite and Postgres.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use http_body_util::BodyExt;
use pos_app::Store;
use pos_app::access::{Permission, Role, Session};
use pos_app::ports::StoreProfile;
use pos_core::StoreId;
use pos_server::{app, auth};
use serde_json::{Value, json};
use tower::ServiceExt;

use common::login;

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("idempotency-key", format!("k-{}", uuid::Uuid::now_v7()));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Every state-changing endpoint with a body it would accept, and the permission it needs.
fn writes() -> Vec<(&'static str, String, Option<Value>, Permission)> {
    let s = "/api/v1/stores/seoul-1";
    let line = json!([{"id": 1, "sku": "0001", "quantity": {"value": "1", "unit": "each"}}]);
    let basket = json!({"lines": line, "next_id": 2, "customer": {}, "coupons": []});
    let sale = json!({"idempotency_key": "az-1", "terminal": "T1", "cashier": "kim", "location": "seoul-1/floor", "basket": basket,
        "tenders": [{"kind": "cash", "amount": {"amount": "5000", "currency": "KRW"}}], "redeem_points": 0, "at": "2026-12-07T03:00:00Z"});
    let product = json!({"sku": "9999", "name": "테스트", "parent": null, "attributes": {}, "category": "food",
        "tax_class": "standard", "price": "1000", "cost": null, "unit": "each", "barcodes": []});
    let lines = json!([{"sku": "0001", "quantity": "1"}]);
    vec![
        (
            "POST",
            format!("{s}/staff"),
            Some(json!({"id": "new", "name": "New", "role": "cashier", "pin": "1111"})),
            Permission::Admin,
        ),
        (
            "POST",
            format!("{s}/tokens"),
            Some(json!({"name": "x", "scopes": ["reports_read"]})),
            Permission::Admin,
        ),
        ("PUT", format!("{s}/products/9999"), Some(product), Permission::CatalogWrite),
        (
            "PUT",
            format!("{s}/categories/new"),
            Some(json!({"id": "new", "name": "새", "parent": null})),
            Permission::CatalogWrite,
        ),
        ("POST", format!("{s}/sales"), Some(sale.clone()), Permission::Sell),
        (
            "POST",
            format!("{s}/sales/T1-000001/refunds"),
            Some(json!({"terminal": "T1", "location": "seoul-1/floor", "lines": [1]})),
            Permission::Refund,
        ),
        (
            "POST",
            format!("{s}/sales/T1-000001/void"),
            Some(json!({"terminal": "T1", "location": "seoul-1/floor"})),
            Permission::Void,
        ),
        ("POST", format!("{s}/parked"), Some(json!({"terminal": "T1", "basket": basket})), Permission::Sell),
        ("POST", format!("{s}/sales/T1-000001/print"), Some(json!({"terminal": "T1"})), Permission::Sell),
        ("POST", format!("{s}/terminals/T1/drawer"), None, Permission::Shift),
        ("POST", format!("{s}/shifts/T1/x-report/print"), None, Permission::Shift),
        ("POST", format!("{s}/shifts/T1/z-reports/1/print"), Some(json!({"copy": true})), Permission::Shift),
        ("POST", format!("{s}/parked/{}/recall", uuid::Uuid::now_v7()), None, Permission::Sell),
        (
            "POST",
            format!("{s}/shifts"),
            Some(json!({"terminal": "T1", "float": "100000"})),
            Permission::Shift,
        ),
        (
            "POST",
            format!("{s}/shifts/T1/paid-in"),
            Some(json!({"amount": "1000", "reason": "float"})),
            Permission::Shift,
        ),
        (
            "POST",
            format!("{s}/shifts/T1/paid-out"),
            Some(json!({"amount": "1000", "reason": "window cleaner"})),
            Permission::PaidOut,
        ),
        ("POST", format!("{s}/shifts/T1/close"), Some(json!({"counted": "100000"})), Permission::Shift),
        (
            "POST",
            format!("{s}/stock/adjustments"),
            Some(json!({"location": "seoul-1/floor", "sku": "0001", "delta": "-1", "reason": "damaged"})),
            Permission::StockWrite,
        ),
        (
            "POST",
            format!("{s}/stock/receipts"),
            Some(json!({"location": "seoul-1/floor", "sku": "0001", "quantity": "5"})),
            Permission::StockWrite,
        ),
        (
            "POST",
            format!("{s}/stock/transfers"),
            Some(json!({"id": "TR-9", "from": "seoul-1/floor", "to": "seoul-1/back", "lines": lines})),
            Permission::StockWrite,
        ),
        (
            "POST",
            format!("{s}/stock/transfers/TR-9/receive"),
            Some(json!({"lines": lines})),
            Permission::StockWrite,
        ),
        (
            "POST",
            format!("{s}/stock/counts"),
            Some(json!({"id": "C-9", "location": "seoul-1/floor", "lines": lines})),
            Permission::StockWrite,
        ),
        (
            "POST",
            format!("{s}/stock/reservations"),
            Some(
                json!({"id": "R-9", "location": "seoul-1/floor", "sku": "0001", "quantity": "1", "expires_at": "2099-01-01T00:00:00Z"}),
            ),
            Permission::StockWrite,
        ),
        ("POST", format!("{s}/stock/reservations/R-9/release"), None, Permission::StockWrite),
        (
            "POST",
            format!("{s}/members"),
            Some(json!({"id": "m-9", "name": "최수진", "phone": "010-9999-0000"})),
            Permission::MembersWrite,
        ),
        ("POST", format!("{s}/members/m-1/erase"), None, Permission::MembersWrite),
        ("POST", format!("{s}/sync/sales"), Some(json!({"sales": [sale]})), Permission::Sell),
        ("POST", format!("{s}/webhooks"), Some(json!({"url": "http://127.0.0.1:9/"})), Permission::Admin),
        ("PUT", format!("{s}/terminals/T9"), Some(json!({"name": "till 9"})), Permission::Admin),
        ("POST", format!("{s}/webhooks/wh_1/enable"), None, Permission::Admin),
        ("POST", format!("{s}/webhooks/wh_1/disable"), None, Permission::Admin),
        ("POST", format!("{s}/imports/products"), Some(json!("sku,name\n")), Permission::CatalogWrite),
        (
            "POST",
            format!("{s}/imports/stock-counts"),
            Some(json!("location,sku,counted\n")),
            Permission::StockWrite,
        ),
        ("POST", format!("{s}/imports/members"), Some(json!("id,name,phone\n")), Permission::MembersWrite),
    ]
}

async fn every_write_is_refused_without_the_right<S: Store>(store: S) {
    let state = common::demo_state(store).await;
    let app = app(state.clone());
    let seoul = StoreId("seoul-1".into());
    // Credentials: each role's session, an expired session, a token of another store with every
    // scope, a token of this store that may only read reports.
    let roles = [
        (Role::Cashier, login(&app, "kim", "3456").await),
        (Role::Manager, login(&app, "manager", "2345").await),
    ];
    let expired_secret = auth::random_secret();
    state
        .inner
        .store
        .put_session(&Session {
            token_hash: auth::sha256(&expired_secret),
            store: seoul.clone(),
            staff: "admin".into(),
            role: Role::Admin,
            terminal: Some("T1".into()),
            expires_at: Utc::now() - Duration::minutes(1),
        })
        .await
        .unwrap();
    let expired = format!("s.{expired_secret}");
    let busan = state.open_shop(StoreProfile::new("busan-1", "부산점", "korea")).await.unwrap();
    let (other_store, _) =
        auth::issue_token(&state, &busan.profile.id, "busan", Permission::ALL.to_vec()).await.unwrap();
    let (reports_only, _) =
        auth::issue_token(&state, &seoul, "reports", vec![Permission::ReportsRead]).await.unwrap();

    let events_before = state.inner.store.events_after(&seoul, 0, 100_000).await.unwrap().len();
    let staff_before = state.inner.store.staff_list(&seoul).await.unwrap().len();
    let log_before = state.inner.store.access_log(&seoul, 100_000).await.unwrap().len();
    let mut refusals = 0;
    for (method, uri, body, needs) in writes() {
        let mut tries: Vec<(String, Option<&str>, StatusCode)> = vec![
            ("no credentials".into(), None, StatusCode::UNAUTHORIZED),
            ("an expired session".into(), Some(expired.as_str()), StatusCode::UNAUTHORIZED),
            ("a token of another store".into(), Some(other_store.as_str()), StatusCode::FORBIDDEN),
            ("a token without the scope".into(), Some(reports_only.as_str()), StatusCode::FORBIDDEN),
        ];
        for (role, token) in &roles {
            if !role.allows(needs) {
                tries.push((format!("{role:?}"), Some(token.as_str()), StatusCode::FORBIDDEN));
            }
        }
        for (who, token, expect) in tries {
            let (status, problem) = call(&app, method, &uri, token, body.as_ref()).await;
            assert_eq!(status, expect, "{method} {uri} with {who}: {problem}");
            assert_eq!(problem["status"], expect.as_u16(), "a problem document: {problem}");
            refusals += 1;
        }
    }
    assert_eq!(
        state.inner.store.events_after(&seoul, 0, 100_000).await.unwrap().len(),
        events_before,
        "nothing changed"
    );
    assert_eq!(state.inner.store.staff_list(&seoul).await.unwrap().len(), staff_before, "no staff added");
    assert!(state.inner.store.webhooks(None).await.unwrap().is_empty(), "no webhook added");
    let log = state.inner.store.access_log(&seoul, 100_000).await.unwrap();
    let refused = log.len() - log_before;
    assert_eq!(refused, refusals, "every refusal is audited once");
    assert!(
        log.iter().take(refused).all(|r| !r.allowed && r.action == "refused"),
        "{:?}",
        &log[..refused.min(3)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_refused_without_the_right_on_sqlite() {
    let (store, dir) = common::sqlite().await;
    every_write_is_refused_without_the_right(store).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_refused_without_the_right_on_postgres() {
    let Some(store) = common::pg().await else { return };
    every_write_is_refused_without_the_right(store).await;
}
