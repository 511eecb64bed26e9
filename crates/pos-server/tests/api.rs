//! The HTTP API driven through the router with `oneshot`, on SQLite and (with `DATABASE_URL`)
//! on Postgres: a sale through to its refund and audit, the errors as problems, idempotent
//! retries, and who may do what. A till's day and its sync are in `till.rs`.

#[macro_use]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use common::{call, login, raw, sale};

async fn sale_to_refund_and_audit(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let manager = login(&app, "manager", "2345").await;
    // Live totals: 2+1 on drinks.
    let basket = sale("x", &[("0002", 3)], 0)["basket"].clone();
    let (status, priced) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/baskets/price",
        Some(&kim),
        None,
        Some(json!({"basket": basket})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{priced}");
    assert_eq!(priced["total"]["amount"], "4400", "three colas, one free");
    // A sale, and its retry: the same response.
    let body = sale("s-1", &[("0002", 3), ("0011", 1)], 10_000);
    let (status, done) =
        call(&app, "POST", "/api/v1/stores/seoul-1/sales", Some(&kim), Some("s-1"), Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let receipt = done["receipt"].as_str().unwrap().to_owned();
    let (status, again) =
        call(&app, "POST", "/api/v1/stores/seoul-1/sales", Some(&kim), Some("s-1"), Some(body)).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &done), "a retry gets the first response");
    // The same key with another body is refused.
    let (status, problem) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/sales",
        Some(&kim),
        Some("s-1"),
        Some(sale("s-1", &[("0001", 1)], 10_000)),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused"))
    );
    // A cashier may not refund; with a manager's approval they may; a manager may.
    let refund = json!({"terminal": "T1", "location": "seoul-1/floor", "lines": [2]});
    let uri = format!("/api/v1/stores/seoul-1/sales/{receipt}/refunds");
    let (status, _) = call(&app, "POST", &uri, Some(&kim), Some("r-1"), Some(refund.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut approved = refund.clone();
    approved["approval"] = json!({"staff": "manager", "pin": "2345"});
    let (status, back) = call(&app, "POST", &uri, Some(&kim), Some("r-2"), Some(approved)).await;
    assert_eq!(status, StatusCode::CREATED, "{back}");
    assert_eq!(back["amount"]["amount"], "1500");
    let (status, problem) = call(&app, "POST", &uri, Some(&manager), Some("r-3"), Some(refund)).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lines")),
        "{problem}"
    );
    // Reports, the event feed, the audit.
    let (status, report) = call(
        &app,
        "GET",
        "/api/v1/stores/seoul-1/reports/sales?first=2026-11-23&last=2026-11-23",
        Some(&manager),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["total"]["sales"], 1);
    let (status, events) =
        call(&app, "GET", "/api/v1/stores/seoul-1/events?after=0&limit=1000", Some(&manager), None, None)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert!(events.as_array().unwrap().iter().any(|e| e["type"] == "return.completed"));
    let (status, audit) =
        call(&app, "GET", "/api/v1/stores/seoul-1/journal/T1/audit", Some(&manager), None, None).await;
    assert_eq!((status, audit["ok"].as_bool()), (StatusCode::OK, Some(true)), "{audit}");
}

async fn bad_input_is_a_problem_naming_the_field(app: Router) {
    // Periods and cursors far past what a date or a database holds: refused naming the field,
    // or read as nothing after; never a dropped connection or a 500.
    let manager = login(&app, "manager", "2345").await;
    for (query, field) in [
        ("period_days=3036772225", "period_days"),
        ("dormant_days=0", "dormant_days"),
        ("expiring_days=-5", "expiring_days"),
    ] {
        let uri = format!("/api/v1/stores/seoul-1/members/segments?{query}");
        let (status, p) = call(&app, "GET", &uri, Some(&manager), None, None).await;
        assert_eq!(
            (status, p["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{query}: {p}"
        );
    }
    let (status, p) = call(
        &app,
        "GET",
        "/api/v1/stores/seoul-1/events?after=18446744073709551615",
        Some(&manager),
        None,
        None,
    )
    .await;
    assert_eq!((status, p), (StatusCode::OK, json!([])));
    // Control characters (Postgres refuses a NUL in text) never reach a store: a staff id with
    // one names nobody, a path with one names nothing, a query with one is refused.
    let login_body = json!({"staff": "\u{0}\u{16}kim", "pin": "", "terminal": "T1"});
    let (status, p) =
        call(&app, "POST", "/api/v1/stores/seoul-1/sessions", None, None, Some(login_body)).await;
    assert_eq!((status, p["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{p}");
    let uri = "/api/v1/stores/seoul-1/members/m%00-1/export";
    let (status, p) = call(&app, "GET", uri, Some(&manager), None, None).await;
    assert_eq!((status, p["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{p}");
    let uri = "/api/v1/stores/seoul-1/members?phone=010%001234";
    let (status, p) = call(&app, "GET", uri, Some(&manager), None, None).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_query")),
        "{p}"
    );
    let kim = login(&app, "kim", "3456").await;
    let uri = "/api/v1/stores/seoul-1/sales";
    let count = |app: &Router| {
        let app = app.clone();
        async move {
            call(
                &app,
                "GET",
                "/api/v1/stores/seoul-1/events?after=0&limit=1000",
                Some(&login(&app, "manager", "2345").await),
                None,
                None,
            )
            .await
            .1
            .as_array()
            .unwrap()
            .len()
        }
    };
    let before = count(&app).await;
    // Two lines with one id, a wrong type, an unknown field, malformed JSON, no key.
    let mut twice = sale("b-1", &[("0001", 1), ("0002", 1)], 10_000);
    twice["basket"]["lines"][1]["id"] = json!(1);
    let mut wrong_type = sale("b-2", &[("0001", 1)], 10_000);
    wrong_type["redeem_points"] = json!("lots");
    let mut unknown = sale("b-3", &[("0001", 1)], 10_000);
    unknown["surprise"] = json!(true);
    for (key, body, field) in
        [("b-1", twice, "line.id"), ("b-2", wrong_type, "redeem_points"), ("b-3", unknown, "")]
    {
        let (status, problem) = call(&app, "POST", uri, Some(&kim), Some(key), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        if field.is_empty() {
            assert_eq!(
                (problem["code"].as_str(), problem["field"].as_str()),
                (Some("unknown_field"), Some("surprise"))
            );
        } else {
            assert_eq!(problem["code"], "invalid_body");
            assert_eq!(problem["field"], field, "{problem}");
        }
    }
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {kim}"))
        .header("idempotency-key", "b-4")
        .header("content-type", "application/json")
        .body(Body::from("{\"idempotency_key\": "))
        .unwrap();
    assert_eq!(app.clone().oneshot(req).await.unwrap().status(), StatusCode::BAD_REQUEST);
    let (status, problem) =
        call(&app, "POST", uri, Some(&kim), None, Some(sale("b-5", &[("0001", 1)], 10_000))).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key"))
    );
    // Too large.
    let big = json!({"basket": {"lines": [], "pad": "x".repeat(2 << 20)}});
    let (status, _) =
        call(&app, "POST", "/api/v1/stores/seoul-1/baskets/price", Some(&kim), None, Some(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(count(&app).await, before, "nothing was written");
}

async fn who_may_do_what(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let manager = login(&app, "manager", "2345").await;
    let admin = login(&app, "admin", "1234").await;
    // A token of the demo store with only reports.
    let (status, token) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/tokens",
        Some(&admin),
        Some("t-1"),
        Some(json!({"name": "reports", "scopes": ["reports_read"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let reports_only = token["token"].as_str().unwrap().to_owned();
    let product = json!({"sku": "9999", "name": "테스트", "parent": null, "attributes": {}, "category": "food",
        "tax_class": "standard", "price": "1000", "cost": null, "unit": "each", "barcodes": []});
    let writes: Vec<(&str, String, Value)> = vec![
        ("PUT", "/api/v1/stores/seoul-1/products/9999".into(), product),
        (
            "POST",
            "/api/v1/stores/seoul-1/staff".into(),
            json!({"id": "new", "name": "New", "role": "cashier", "pin": "1111"}),
        ),
        ("POST", "/api/v1/stores/seoul-1/tokens".into(), json!({"name": "x", "scopes": []})),
        (
            "POST",
            "/api/v1/stores/seoul-1/stock/adjustments".into(),
            json!({"location": "seoul-1/floor", "sku": "0001", "delta": "-1", "reason": "damaged"}),
        ),
        ("POST", "/api/v1/stores/seoul-1/sales".into(), sale("w-1", &[("0001", 1)], 10_000)),
    ];
    let forged = "s.0000000000000000000000000000000000000000000000000000000000000000";
    for (method, uri, body) in &writes {
        // Without credentials, with a forged session, with a token lacking the scope: refused.
        for (who, expect) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some(forged), StatusCode::UNAUTHORIZED),
            (Some(reports_only.as_str()), StatusCode::FORBIDDEN),
        ] {
            let (status, problem) = call(&app, method, uri, who, Some("w-1"), Some(body.clone())).await;
            assert_eq!(status, expect, "{method} {uri} as {who:?}: {problem}");
        }
    }
    // A cashier may sell but not change the catalog or adjust stock; a manager may.
    let (status, _) =
        call(&app, writes[0].0, &writes[0].1, Some(&kim), None, Some(writes[0].2.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        call(&app, writes[3].0, &writes[3].1, Some(&kim), Some("adj"), Some(writes[3].2.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) =
        call(&app, writes[0].0, &writes[0].1, Some(&manager), None, Some(writes[0].2.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The token reads reports; a wrong PIN five times locks the account.
    let (status, _) = call(
        &app,
        "GET",
        "/api/v1/stores/seoul-1/reports/sales?first=2026-11-23&last=2026-11-23",
        Some(&reports_only),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..5 {
        let (status, _) = call(
            &app,
            "POST",
            "/api/v1/stores/seoul-1/sessions",
            None,
            None,
            Some(json!({"staff": "kim", "pin": "0000"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, problem) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/sessions",
        None,
        None,
        Some(json!({"staff": "kim", "pin": "3456"})),
    )
    .await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::LOCKED, Some("locked")));
}

/// A card paid on a standalone terminal: recorded with its approval, brand and digits, shown on
/// the receipt; its refund needs the terminal's refund approval.
async fn standalone_terminal_tenders(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let manager = login(&app, "manager", "2345").await;
    let mut body = sale("st-1", &[("0011", 1)], 0);
    body["tenders"] = json!([{"kind": "terminal_card", "amount": {"amount": "1500", "currency": "KRW"},
        "reference": "30012345", "brand": "BC", "last4": "1234"}]);
    let (status, missing) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/sales",
        Some(&kim),
        Some("st-0"),
        Some({
            let mut b = body.clone();
            b["idempotency_key"] = json!("st-0");
            b["tenders"][0]["reference"] = Value::Null;
            b
        }),
    )
    .await;
    assert_eq!(
        (status, missing["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reference")),
        "{missing}"
    );
    let (_, priced) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/baskets/price",
        Some(&kim),
        None,
        Some(json!({"basket": body["basket"]})),
    )
    .await;
    body["tenders"][0]["amount"]["amount"] = priced["total"]["amount"].clone();
    let (status, done) =
        call(&app, "POST", "/api/v1/stores/seoul-1/sales", Some(&kim), Some("st-1"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let receipt = done["receipt"].as_str().unwrap().to_owned();
    let (status, text) =
        call(&app, "GET", &format!("/api/v1/stores/seoul-1/sales/{receipt}/receipt"), Some(&kim), None, None)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.as_str().unwrap().contains("카드 BC ****1234 #30012345"), "{text}");
    let refund = json!({"terminal": "T1", "location": "seoul-1/floor", "lines": [1]});
    let uri = format!("/api/v1/stores/seoul-1/sales/{receipt}/refunds");
    let (status, refused) =
        call(&app, "POST", &uri, Some(&manager), Some("st-r0"), Some(refund.clone())).await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("terminal_approvals")),
        "{refused}"
    );
    assert!(refused["detail"].as_str().unwrap().contains("BC ****1234"), "{refused}");
    let mut refund = refund;
    refund["terminal_approvals"] = json!(["R-77"]);
    let (status, back) = call(&app, "POST", &uri, Some(&manager), Some("st-r1"), Some(refund)).await;
    assert_eq!(status, StatusCode::CREATED, "{back}");
    assert_eq!(back["tenders"][0]["kind"], "terminal_card");
}

/// Cashiers log in at registered terminals; an admin registers them, and opens another store of
/// the chain with its own admin.
async fn stores_and_terminals(app: Router) {
    let s = "/api/v1/stores/seoul-1";
    let refused = |terminal: Value| {
        let app = app.clone();
        async move {
            call(
                &app,
                "POST",
                &format!("{s}/sessions"),
                None,
                None,
                Some(json!({"staff": "kim", "pin": "3456", "terminal": terminal})),
            )
            .await
        }
    };
    let (status, p) = refused(json!("T9")).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("terminal")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("registered: T1, T2"), "{p}");
    let (status, p) = refused(Value::Null).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("terminal")), "{p}");
    let admin = login(&app, "admin", "1234").await;
    let kim = login(&app, "kim", "3456").await;
    let (status, p) =
        call(&app, "PUT", &format!("{s}/terminals/T9"), Some(&kim), None, Some(json!({"name": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    for (id, body, field) in [
        ("T%209", json!({"name": "x"}), "id"),
        ("T9", json!({"name": ""}), "name"),
        ("T9", json!({"nam": "x"}), "nam"),
    ] {
        let (status, p) =
            call(&app, "PUT", &format!("{s}/terminals/{id}"), Some(&admin), None, Some(body)).await;
        assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{p}");
    }
    let (status, view) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T9"),
        Some(&admin),
        None,
        Some(json!({"name": "창가 계산대"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["terminals"][2], json!({"id": "T9", "name": "창가 계산대"}));
    let (status, p) = refused(json!("T9")).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let (status, store) = call(&app, "GET", s, Some(&kim), None, None).await;
    assert_eq!(
        (status, store["name"].as_str(), store["terminals"].as_array().map(Vec::len)),
        (StatusCode::OK, Some("강남역점"), Some(3))
    );
    // Another store of the chain, with its own admin; its id is taken once.
    let new = json!({"id": "busan-1", "name": "부산점", "preset": "korea", "admin": {"id": "boss", "name": "박", "role": "admin", "pin": "9876"}});
    let (status, p) = call(&app, "POST", "/api/v1/stores", Some(&kim), Some("st-1"), Some(new.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    let (status, made) =
        call(&app, "POST", "/api/v1/stores", Some(&admin), Some("st-1"), Some(new.clone())).await;
    assert_eq!((status, made["id"].as_str()), (StatusCode::CREATED, Some("busan-1")), "{made}");
    let (status, p) =
        call(&app, "POST", "/api/v1/stores", Some(&admin), Some("st-2"), Some(new.clone())).await;
    assert_eq!((status, p["code"].as_str()), (StatusCode::CONFLICT, Some("store_exists")), "{p}");
    let mut bad = new.clone();
    bad["id"] = json!("busan-2");
    bad["preset"] = json!("mars");
    let (status, p) = call(&app, "POST", "/api/v1/stores", Some(&admin), Some("st-3"), Some(bad)).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("preset")), "{p}");
    let (status, boss) = call(
        &app,
        "POST",
        "/api/v1/stores/busan-1/sessions",
        None,
        None,
        Some(json!({"staff": "boss", "pin": "9876"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{boss}");
    // The new store's admin is not seoul-1's.
    let (status, _) = call(&app, "GET", s, Some(boss["token"].as_str().unwrap()), None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A sale's receipt as text and as HTML; a till's session records its own cashier and may not
/// sell for another terminal; the errors axum answers itself are problems too; every response
/// carries a request id; an integration reads its own store's feed without naming it.
async fn receipts_identity_and_problems(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let uri = "/api/v1/stores/seoul-1/sales";
    let mut body = sale("rc-1", &[("0002", 3), ("0026", 1)], 10_000);
    body["cashier"] = json!("somebody-else");
    let (status, done) = call(&app, "POST", uri, Some(&kim), Some("rc-1"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let receipt = done["receipt"].as_str().unwrap().to_owned();
    let get = |q: &str| {
        Request::builder()
            .uri(format!("/api/v1/stores/seoul-1/sales/{receipt}/receipt{q}"))
            .header("authorization", format!("Bearer {kim}"))
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, text) = raw(&app, get("?width=32")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(text.contains("음료 2+1") && text.contains("합계") && text.contains(&receipt), "{text}");
    assert!(text.contains("계산원 kim"), "the session's cashier, not the body's: {text}");
    assert!(text.lines().all(|l| pos_core::receipt::display_width(l) <= 32), "{text}");
    let (status, headers, html) = raw(&app, get("?format=html")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("코카콜라 500ml") && html.contains("5,400"),
        "{html}"
    );
    let (status, problem) = call(
        &app,
        "GET",
        &format!("/api/v1/stores/seoul-1/sales/{receipt}/receipt?width=40"),
        Some(&kim),
        None,
        None,
    )
    .await;
    assert_eq!((status, problem["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("width")));
    // Logged in at T1, the till cannot sell as T2.
    let mut other = sale("rc-2", &[("0001", 1)], 10_000);
    other["terminal"] = json!("T2");
    let (status, problem) = call(&app, "POST", uri, Some(&kim), Some("rc-2"), Some(other)).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("terminal")),
        "{problem}"
    );
    // Problems for what axum answers itself, each with a request id.
    let big = Request::builder()
        .method("POST")
        .uri("/api/v1/stores/seoul-1/baskets/price")
        .header("authorization", format!("Bearer {kim}"))
        .header("content-type", "application/json")
        .body(Body::from(format!("{{\"basket\": \"{}\"}}", "x".repeat(2 << 20))))
        .unwrap();
    let (status, headers, text) = raw(&app, big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(text.contains("\"code\":\"body_too_large\""), "{text}");
    assert!(headers.contains_key("x-request-id"));
    let delete = Request::builder().method("DELETE").uri(uri).body(Body::empty()).unwrap();
    let (status, headers, text) = raw(&app, delete).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(text.contains("method_not_allowed"), "{text}");
    let mine =
        Request::builder().uri("/healthz").header("x-request-id", "till-T1-42").body(Body::empty()).unwrap();
    let (_, headers, _) = raw(&app, mine).await;
    assert_eq!(headers["x-request-id"], "till-T1-42", "a request id given is sent back");
    // An integration token reads its store's feed at /api/v1/events.
    let admin = login(&app, "admin", "1234").await;
    let (status, token) = call(
        &app,
        "POST",
        "/api/v1/stores/seoul-1/tokens",
        Some(&admin),
        Some("t-feed"),
        Some(json!({"name": "feed", "scopes": ["events_read"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let (status, events) =
        call(&app, "GET", "/api/v1/events?after=0&limit=1000", token["token"].as_str(), None, None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    assert!(events.as_array().unwrap().iter().any(|e| e["type"] == "sale.completed"), "{events}");
    let (status, _) = call(&app, "GET", "/api/v1/events?after=0", None, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Twenty failed logins from one address, whichever accounts they try, and the address must
/// wait, even with a right PIN; the refusal says how long.
async fn failed_logins_are_rate_limited(app: Router) {
    let uri = "/api/v1/stores/seoul-1/sessions";
    for i in 0..20 {
        let (status, _) =
            call(&app, "POST", uri, None, None, Some(json!({"staff": format!("guess-{i}"), "pin": "0000"})))
                .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(json!({"staff": "manager", "pin": "2345"}).to_string()))
        .unwrap();
    let (status, headers, text) = raw(&app, req).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{text}");
    assert!(text.contains("too_many_attempts"), "{text}");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
}

/// The same request sent eight times at once with one key runs once: the others are told it is
/// running or get its answer; a request refused for what it is gets the same refusal again.
async fn one_key_runs_once(app: Router) {
    let manager = login(&app, "manager", "2345").await;
    let s = "/api/v1/stores/seoul-1";
    let level = |app: Router, token: String| async move {
        let (_, stock) = call(&app, "GET", "/api/v1/stores/seoul-1/stock", Some(&token), None, None).await;
        stock
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sku"] == "0005")
            .map(|l| l["row"]["level"]["on_hand"].clone())
    };
    let before = level(app.clone(), manager.clone()).await;
    let body = json!({"location": "seoul-1/floor", "sku": "0005", "delta": "-3", "reason": "damaged"});
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (app, token, body) = (app.clone(), manager.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            call(
                &app,
                "POST",
                "/api/v1/stores/seoul-1/stock/adjustments",
                Some(&token),
                Some("adj-once"),
                Some(body),
            )
            .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, answer) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(answer["code"], "request_in_progress", "{answer}"),
            other => panic!("{other}: {answer}"),
        }
    }
    assert!(created >= 1);
    let (status, again) =
        call(&app, "POST", &format!("{s}/stock/adjustments"), Some(&manager), Some("adj-once"), Some(body))
            .await;
    assert_eq!(status, StatusCode::CREATED, "the answer is kept: {again}");
    let after = level(app.clone(), manager.clone()).await;
    let (b, a): (rust_decimal::Decimal, rust_decimal::Decimal) = (
        before.unwrap().as_str().unwrap().parse().unwrap(),
        after.unwrap().as_str().unwrap().parse().unwrap(),
    );
    assert_eq!(b - a, rust_decimal::Decimal::from(3), "stock moved once");
    // Refused for what it is: the same refusal again, as a problem.
    let bad = json!({"location": "seoul-1/floor", "sku": "0005", "delta": "-1", "reason": ""});
    let first = call(
        &app,
        "POST",
        &format!("{s}/stock/adjustments"),
        Some(&manager),
        Some("adj-bad"),
        Some(bad.clone()),
    )
    .await;
    let second =
        call(&app, "POST", &format!("{s}/stock/adjustments"), Some(&manager), Some("adj-bad"), Some(bad))
            .await;
    assert_eq!(first.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", first.1);
    assert_eq!(first, second);
}

on_every_store!(
    sale_to_refund_and_audit,
    bad_input_is_a_problem_naming_the_field,
    who_may_do_what,
    receipts_identity_and_problems,
    failed_logins_are_rate_limited,
    one_key_runs_once,
    standalone_terminal_tenders,
    stores_and_terminals,
);
