//! Receipts and X reports for the till's printer: a sale's receipt as ESC/POS bytes in the
//! store's code page (a reprint marked as a copy, the drawer opened when asked), an X report as
//! text and as ESC/POS, each read back with pos-escpos' decoder; bad options are 422s naming
//! the field. On SQLite and (with `DATABASE_URL`) Postgres.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pos_gateway_sim::SimGateway;
use pos_server::{AppState, app, demo};
use serde_json::json;

use common::{KEY, call, login, pg, raw_bytes, sale};

async fn demo_app<S: pos_app::Store>(store: S) -> Router {
    let state = AppState::new(Arc::new(store), Arc::new(SimGateway::default()), KEY).await.unwrap();
    assert!(demo::seed(&state).await.unwrap());
    app(state)
}

fn get(uri: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

async fn printing(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let s = "/api/v1/stores/seoul-1";
    let (status, done) = call(
        &app,
        "POST",
        &format!("{s}/sales"),
        Some(&kim),
        Some("p-1"),
        Some(sale("p-1", &[("0002", 3)], 10_000)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let receipt = done["receipt"].as_str().unwrap().to_owned();
    let uri = |q: &str| format!("{s}/sales/{receipt}/receipt?{q}");

    // The receipt for a 58 mm printer, reprinted, with the drawer.
    let (status, headers, bytes) =
        raw_bytes(&app, get(&uri("format=escpos&profile=mobile-58&copy=true"), &kim)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert!(bytes.starts_with(&[0x1B, 0x40, 0x1B, 0x52, 13, 0x1C, 0x26]), "EUC-KR in double-byte mode");
    let printed = pos_escpos::decode::printed(&bytes);
    assert_eq!(printed[0].trim(), "** 사본 **", "{printed:#?}");
    assert!(printed.iter().any(|l| l.contains(&receipt)), "{printed:#?}");
    assert!(printed.iter().any(|l| l.starts_with("합계")), "{printed:#?}");
    assert!(printed.contains(&format!("[CODE128: {receipt}]")), "a return scans it: {printed:#?}");
    assert!(printed.iter().all(|l| l.starts_with('[') || pos_core::receipt::display_width(l) <= 32));
    assert!(!bytes.ends_with(&[0x1B, 0x70, 0, 50, 50]), "no drawer unless asked");
    let (_, _, with_drawer) = raw_bytes(&app, get(&uri("format=escpos&drawer=true"), &kim)).await;
    assert!(with_drawer.ends_with(&[0x1D, 0x56, 66, 0, 0x1B, 0x70, 0, 50, 50]), "cut, then the drawer");
    let (_, _, text) = raw_bytes(&app, get(&uri("copy=true"), &kim)).await;
    assert!(String::from_utf8(text).unwrap().lines().next().unwrap().contains("** 사본 **"));

    // Bad options are refused, naming the option.
    for (q, field) in [
        ("format=escpos&profile=tm-t20", "profile"),
        ("format=pdf", "format"),
        ("format=text&profile=tp808", "profile"),
        ("drawer=true", "drawer"),
        ("format=escpos&width=40", "width"),
    ] {
        let (status, problem) = call(&app, "GET", &uri(q), Some(&kim), None, None).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{q}"
        );
    }

    // The X report of an open shift: JSON, text and ESC/POS.
    let (status, shift) = call(
        &app,
        "POST",
        &format!("{s}/shifts"),
        Some(&kim),
        Some("sh-p"),
        Some(json!({"terminal": "T1", "float": "100000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{shift}");
    let x = |q: &str| format!("{s}/shifts/T1/x-report?{q}");
    let (status, json) = call(&app, "GET", &x(""), Some(&kim), None, None).await;
    assert_eq!((status, json["kind"].as_str()), (StatusCode::OK, Some("x")), "{json}");
    let (status, headers, text) = raw_bytes(&app, get(&x("format=text&width=32"), &kim)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = String::from_utf8(text).unwrap();
    assert_eq!(text.lines().next().unwrap().trim(), "중간정산 (X)", "{text}");
    assert!(text.lines().any(|l| l.starts_with("시재금") && l.ends_with("100,000")), "{text}");
    assert!(text.lines().all(|l| pos_core::receipt::display_width(l) <= 32), "{text}");
    let (status, _, bytes) = raw_bytes(&app, get(&x("format=escpos&profile=tm-t88"), &kim)).await;
    assert_eq!(status, StatusCode::OK);
    let printed = pos_escpos::decode::printed(&bytes);
    assert_eq!(printed[0].trim(), "중간정산 (X)");
    assert!(printed.iter().any(|l| l.starts_with("시재금") && l.chars().count() <= 42), "{printed:#?}");
    assert_eq!(printed.last().unwrap(), "[partial cut]");
    let (status, problem) = call(&app, "GET", &x("width=32"), Some(&kim), None, None).await;
    assert_eq!((status, problem["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("width")));
    let (status, _) =
        call(&app, "GET", &format!("{s}/shifts/T2/x-report?format=escpos"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no shift open at T2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printing_on_sqlite() {
    let (store, dir) = common::sqlite().await;
    printing(demo_app(store).await).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printing_on_postgres() {
    let Some(store) = pg().await else { return };
    printing(demo_app(store).await).await;
}
