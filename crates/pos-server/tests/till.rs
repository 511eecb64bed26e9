//! A till's day and the back office's, and a till's sync, through the router on SQLite and
//! (with `DATABASE_URL`) Postgres.

#[macro_use]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use common::{call, login, raw, sale};

/// A till's day and the back office's: park and recall (once), paid in and a paid-out that needs
/// a manager, goods received, a transfer, a count, a reservation collected, member export,
/// segments and erasure, the report as CSV, the journal exported.
async fn till_and_back_office(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let manager = login(&app, "manager", "2345").await;
    let s = "/api/v1/stores/seoul-1";
    // Park and recall.
    let basket = sale("x", &[("0001", 2)], 0)["basket"].clone();
    let (status, parked) = call(
        &app,
        "POST",
        &format!("{s}/parked"),
        Some(&kim),
        Some("p-1"),
        Some(json!({"terminal": "T1", "basket": basket})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{parked}");
    let id = parked["id"].as_str().unwrap().to_owned();
    let (status, list) = call(&app, "GET", &format!("{s}/parked?terminal=T1"), Some(&kim), None, None).await;
    assert_eq!((status, list.as_array().unwrap().len()), (StatusCode::OK, 1), "{list}");
    let (status, back) =
        call(&app, "POST", &format!("{s}/parked/{id}/recall"), Some(&kim), Some("r-1"), None).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["basket"]["lines"][0]["sku"], "0001");
    let (status, again) =
        call(&app, "POST", &format!("{s}/parked/{id}/recall"), Some(&kim), Some("r-2"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a basket comes back once: {again}");
    // A shift with cash in and out.
    let (status, shift) = call(
        &app,
        "POST",
        &format!("{s}/shifts"),
        Some(&kim),
        Some("sh-1"),
        Some(json!({"terminal": "T1", "float": "100000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{shift}");
    let (status, _) = call(
        &app,
        "POST",
        &format!("{s}/shifts/T1/paid-in"),
        Some(&kim),
        Some("pi-1"),
        Some(json!({"amount": "20000", "reason": "change float"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let out = json!({"amount": "5000", "reason": "window cleaner"});
    let (status, problem) =
        call(&app, "POST", &format!("{s}/shifts/T1/paid-out"), Some(&kim), Some("po-1"), Some(out.clone()))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a cashier pays out only with a manager: {problem}");
    let mut approved = out;
    approved["approval"] = json!({"staff": "manager", "pin": "2345"});
    let (status, x) =
        call(&app, "POST", &format!("{s}/shifts/T1/paid-out"), Some(&kim), Some("po-2"), Some(approved))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{x}");
    assert!(x.to_string().contains("5000"), "{x}");
    // Stock: received, moved to the back room and partly back, counted, reserved and collected.
    let stock = |path: &str| format!("{s}/stock/{path}");
    let (status, level) = call(
        &app,
        "POST",
        &stock("receipts"),
        Some(&manager),
        Some("g-1"),
        Some(json!({"location": "seoul-1/floor", "sku": "0001", "quantity": "24"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{level}");
    let transfer = json!({"id": "TR-1", "from": "seoul-1/floor", "to": "seoul-1/back", "lines": [{"sku": "0001", "quantity": "10"}]});
    let (status, t) =
        call(&app, "POST", &stock("transfers"), Some(&manager), Some("t-1"), Some(transfer)).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let (status, t) = call(
        &app,
        "POST",
        &stock("transfers/TR-1/receive"),
        Some(&manager),
        Some("t-2"),
        Some(json!({"lines": [{"sku": "0001", "quantity": "9"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let (status, variance) = call(
        &app,
        "POST",
        &stock("counts"),
        Some(&manager),
        Some("c-1"),
        Some(json!({"id": "CNT-1", "location": "seoul-1/back", "lines": [{"sku": "0001", "quantity": "8"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{variance}");
    let hold = json!({"id": "WEB-1", "location": "seoul-1/floor", "sku": "0002", "quantity": "2", "expires_at": "2099-01-01T00:00:00Z"});
    let (status, r) =
        call(&app, "POST", &stock("reservations"), Some(&manager), Some("h-1"), Some(hold)).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, r) =
        call(&app, "POST", &stock("reservations/WEB-1/fulfil"), Some(&manager), Some("h-2"), None).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (status, problem) = call(
        &app,
        "POST",
        &stock("counts"),
        Some(&kim),
        Some("c-2"),
        Some(json!({"id": "CNT-2", "location": "seoul-1/back", "lines": []})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, _) = call(&app, "GET", &stock("low"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::OK);
    // Members.
    let (status, data) =
        call(&app, "GET", &format!("{s}/members/m-1/export"), Some(&manager), None, None).await;
    assert_eq!(status, StatusCode::OK, "{data}");
    assert!(
        !data["ledger"].as_array().unwrap().is_empty(),
        "the demo's first purchase earned points: {data}"
    );
    let (status, _) = call(&app, "GET", &format!("{s}/members/m-1/export"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a cashier cannot export a member's data");
    let (status, segments) = call(
        &app,
        "GET",
        &format!("{s}/members/segments?period_days=30&top_percent=50"),
        Some(&manager),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{segments}");
    assert!(
        segments["top_spenders"].as_array().unwrap().iter().any(|m| m == "m-1" || m == "m-2"),
        "{segments}"
    );
    let (status, erased) =
        call(&app, "POST", &format!("{s}/members/m-3/erase"), Some(&manager), Some("e-1"), None).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    let (status, _) =
        call(&app, "GET", &format!("{s}/members?phone=010-3456-7890"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an erased member is not found by phone");
    // The report as CSV and the journal.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
    let req = Request::builder()
        .uri(format!("{s}/reports/sales.csv?first={today}&last={today}&table=products"))
        .header("authorization", format!("Bearer {manager}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, csv) = raw(&app, req).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    // A byte order mark first, so that Excel in Korean opens it as UTF-8.
    assert!(csv.starts_with("\u{feff}sku,name,quantity,gross\r\n") && csv.contains("바나나맛 우유"), "{csv}");
    let (status, journal) = call(&app, "GET", &format!("{s}/journal/T1"), Some(&manager), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!journal.as_array().unwrap().is_empty());
    let (status, _) = call(&app, "GET", &format!("{s}/journal/T1"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A till syncs: a snapshot with its cursor, then only the changes after it; sales made offline
/// are uploaded and answered one by one, and an upload sent again records nothing twice.
async fn terminal_sync_and_offline_upload(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let manager = login(&app, "manager", "2345").await;
    let s = "/api/v1/stores/seoul-1";
    let (status, snap) = call(&app, "GET", &format!("{s}/sync/snapshot"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::OK, "{snap}");
    assert_eq!(snap["products"].as_array().unwrap().len(), 50);
    assert!(snap["promotions"].as_array().unwrap().iter().any(|p| p["id"] == "drinks-2-plus-1"));
    assert_eq!((snap["currency"].as_str(), snap["time_zone"].as_str()), (Some("KRW"), Some("Asia/Seoul")));
    let cursor = snap["cursor"].as_u64().unwrap();
    assert!(cursor > 0);
    let product = json!({"sku": "9999", "name": "새 상품", "parent": null, "attributes": {}, "category": "food",
        "tax_class": "standard", "price": "1200", "cost": null, "unit": "each", "barcodes": []});
    let (status, _) =
        call(&app, "PUT", &format!("{s}/products/9999"), Some(&manager), None, Some(product)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, changes) =
        call(&app, "GET", &format!("{s}/sync/changes?after={cursor}"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::OK, "{changes}");
    let events = changes["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["sequence"].as_u64().unwrap() > cursor));
    assert!(
        events.iter().any(|e| e["type"] == "product.changed" && e["data"]["product"]["sku"] == "9999"),
        "{changes}"
    );
    assert!(changes["next"].as_u64().unwrap() >= events.last().unwrap()["sequence"].as_u64().unwrap());
    // Three sales made offline last night, one of them of a SKU the server does not know.
    let mut offline = vec![
        sale("off-1", &[("0001", 1)], 5_000),
        sale("off-2", &[("0002", 3)], 10_000),
        sale("off-3", &[("nope", 1)], 5_000),
    ];
    for o in &mut offline {
        o["at"] = json!("2026-12-06T14:00:00Z");
    }
    let upload = json!({"sales": offline});
    let (status, results) =
        call(&app, "POST", &format!("{s}/sync/sales"), Some(&kim), None, Some(upload.clone())).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let r = results.as_array().unwrap();
    assert_eq!(
        (r[0]["status"].as_u64(), r[1]["status"].as_u64(), r[2]["status"].as_u64()),
        (Some(201), Some(201), Some(422)),
        "{results}"
    );
    assert!(r[2]["problem"]["detail"].as_str().unwrap().contains("nope"), "{results}");
    let (status, again) =
        call(&app, "POST", &format!("{s}/sync/sales"), Some(&kim), None, Some(upload)).await;
    assert_eq!(status, StatusCode::OK);
    for i in 0..2 {
        assert_eq!(again[i]["receipt"], r[i]["receipt"], "a second upload replays {i}");
    }
    assert_eq!(again[2]["status"], 422);
    // A till uploads its own sales only.
    let mut other = sale("off-4", &[("0001", 1)], 5_000);
    other["terminal"] = json!("T2");
    let (status, problem) =
        call(&app, "POST", &format!("{s}/sync/sales"), Some(&kim), None, Some(json!({"sales": [other]})))
            .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sales[0].terminal")),
        "{problem}"
    );
}

on_every_store!(till_and_back_office, terminal_sync_and_offline_upload);
