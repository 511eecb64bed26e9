//! CSV imports and exports through the router, on SQLite and (with `DATABASE_URL`) Postgres:
//! 100,000 products in one request with its progress visible as a job; errors on lines 3 and
//! 70,000 reported by line and field with nothing written; the valid rows on request; stock
//! counts and members; exports an import reads back; and every refusal as a problem.

mod common;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use pos_app::Store;
use pos_server::{AppState, app};
use serde_json::Value;
use tower::ServiceExt;

use common::login;
const S: &str = "/api/v1/stores/seoul-1";

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: &str,
    key: Option<&str>,
    body: Body,
) -> (StatusCode, String, String) {
    let mut req =
        Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
    if let Some(k) = key {
        req = req.header("idempotency-key", k).header("content-type", "text/csv");
    }
    let response = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let content =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, content, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn get_json(app: &Router, uri: &str, token: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(app, "GET", uri, token, None, Body::empty()).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

async fn import(
    app: &Router,
    kind: &str,
    query: &str,
    token: &str,
    key: &str,
    csv: String,
) -> (StatusCode, String, Value) {
    let uri = format!("{S}/imports/{kind}{query}");
    let (status, content, body) = send(app, "POST", &uri, token, Some(key), Body::from(csv)).await;
    (status, content, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

/// `n` product rows (SKUs `P000001`...), with a price of `1000 + i`.
fn products(n: usize, bad: &[(usize, &str)]) -> String {
    let mut csv = String::from("sku,name,category,tax_class,price,cost,unit,barcodes\n");
    for i in 1..=n {
        // Line `i + 1` is product `i`.
        match bad.iter().find(|(line, _)| *line == i + 1) {
            Some((_, row)) => csv.push_str(row),
            None => csv.push_str(&format!(
                "P{i:06},\"상품 {i}, 특가\",food,standard,{},{},each,{}\n",
                1_000 + i,
                500 + i,
                2_000_000_000_000 + i as u64
            )),
        }
    }
    csv
}

async fn product_count<S: Store>(state: &AppState<S>) -> usize {
    let catalog = state
        .inner
        .store
        .load_catalog(&pos_core::StoreId("seoul-1".into()), pos_core::Currency::KRW)
        .await
        .unwrap();
    catalog.products().len()
}

async fn imports_and_exports<S: Store>(store: S) {
    let state = common::demo_state(store).await;
    let app = app(state.clone());
    let admin = login(&app, "admin", "1234").await;
    let kim = login(&app, "kim", "3456").await;
    let seeded = product_count(&state).await;
    let events = state.inner.store.last_event(&pos_core::StoreId("seoul-1".into())).await.unwrap();

    // Errors on lines 3 and 70,000: both reported, by line and field; nothing written.
    let csv = products(
        80_000,
        &[(3, "P000002,,food,standard,1002,,each,\n"), (70_000, "P069999,x,food,standard,12.5,,each,\n")],
    );
    let (status, content, report) = import(&app, "products", "", &admin, "bad-80k", csv.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(content, "application/problem+json");
    assert_eq!(report["code"], "import_rejected");
    assert_eq!(report["error_count"], 2);
    let errors: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(3, "name"), (70_000, "price")]);
    assert!(report["errors"][1]["reason"].as_str().unwrap().contains("decimal places"), "{report}");
    assert_eq!(product_count(&state).await, seeded, "nothing imported");
    assert_eq!(
        state.inner.store.last_event(&pos_core::StoreId("seoul-1".into())).await.unwrap(),
        events,
        "no event"
    );
    let (status, job) = get_json(&app, &format!("{S}/imports/products/bad-80k"), &admin).await;
    assert_eq!((status, job["status"].as_str()), (StatusCode::OK, Some("rejected")), "{job}");
    assert_eq!(
        (job["rows"].as_u64(), job["valid"].as_u64(), job["written"].as_u64()),
        (Some(80_000), Some(79_998), Some(0))
    );
    // The retry is answered the same, without running again.
    let (status, _, again) = import(&app, "products", "", &admin, "bad-80k", csv.clone()).await;
    assert_eq!((status, &again), (StatusCode::UNPROCESSABLE_ENTITY, &report));
    // Asked for the valid rows: they are written, the bad ones reported.
    let csv =
        products(10, &[(3, "P000002,,food,standard,1002,,each,\n"), (7, "P000006,x,food,luxury,1,,each,\n")]);
    let (status, _, partial) = import(&app, "products", "?valid_rows=true", &admin, "partial-10", csv).await;
    assert_eq!(status, StatusCode::OK, "{partial}");
    assert_eq!(
        (partial["status"].as_str(), partial["written"].as_u64(), partial["error_count"].as_u64()),
        (Some("done"), Some(8), Some(2))
    );
    assert_eq!(partial["errors"][1]["field"], "tax_class");
    assert_eq!(product_count(&state).await, seeded + 8);
    // Exports read back by an import: products (counts and members below).
    let (status, content, exported) =
        send(&app, "GET", &format!("{S}/exports/products"), &admin, None, Body::empty()).await;
    assert_eq!((status, content.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert!(exported.starts_with("\u{feff}sku,name,"), "a byte order mark for Excel: {exported:.40}");
    let (_, _, plain) =
        send(&app, "GET", &format!("{S}/exports/products?bom=false"), &admin, None, Body::empty()).await;
    assert!(plain.starts_with("sku,name,") && plain == exported['\u{feff}'.len_utf8()..]);
    assert_eq!(exported.lines().count(), 1 + seeded + 8);
    assert!(
        exported.contains("P000004,\"상품 4, 특가\",food,standard,1004,504,each,2000000000004,,\r\n"),
        "{exported}"
    );
    let (status, _, again) = import(&app, "products", "", &admin, "reimport", exported).await;
    assert_eq!((status, again["written"].as_u64()), (StatusCode::OK, Some(seeded as u64 + 8)), "{again}");
    // Refusals, as problems.
    let (status, _, p) = import(&app, "products", "", &kim, "kim-1", products(1, &[])).await;
    assert_eq!((status, p["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, _, p) = import(&app, "prices", "", &admin, "x-1", products(1, &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, _, p) =
        send(&app, "POST", &format!("{S}/imports/products"), &admin, None, Body::from(products(1, &[])))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    for (key, file, line, field) in [
        ("empty", String::new(), 1, "file"),
        ("header", "sku,name,prcie\n".to_owned(), 1, "prcie"),
        ("short", "sku,name,category,tax_class,price\n0001,콜라\n".to_owned(), 2, "row"),
    ] {
        let (status, _, p) = import(&app, "products", "", &admin, key, file).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {p}");
        assert_eq!(
            (p["errors"][0]["line"].as_u64(), p["errors"][0]["field"].as_str()),
            (Some(line), Some(field)),
            "{key}: {p}"
        );
    }
    charsets(&app, &admin, &kim).await;
    let (status, _) = get_json(&app, &format!("{S}/imports/products/never"), &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let counts = "location,sku,counted\nseoul-1/floor,0001,40\nseoul-1/floor,0002,7\nseoul-1/back,0001,3\n";
    let (status, _, report) = import(&app, "stock-counts", "", &admin, "count-1", counts.into()).await;
    assert_eq!((status, report["written"].as_u64()), (StatusCode::OK, Some(3)), "{report}");
    let (_, _, stock) =
        send(&app, "GET", &format!("{S}/exports/stock-counts"), &admin, None, Body::empty()).await;
    assert!(
        stock.contains("seoul-1/floor,0001,40\r\n") && stock.contains("seoul-1/back,0001,3\r\n"),
        "{stock}"
    );
    let bad = "location,sku,counted\nseoul-1/floor,0001,1.5\nseoul-1/floor,9999,1\nseoul-1/floor,0002,-1\n";
    let (status, _, report) = import(&app, "stock-counts", "", &admin, "count-2", bad.into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [(2, "counted"), (3, "sku"), (4, "counted")]);

    let members = "id,name,phone,email,sms_consent\nm-100,최수진,010-5555-0001,sujin@example.kr,yes\nm-101,\"정, 하나\",010-5555-0002,,no\n";
    let (status, _, report) = import(&app, "members", "", &admin, "members-1", members.into()).await;
    assert_eq!((status, report["written"].as_u64()), (StatusCode::OK, Some(2)), "{report}");
    let taken = "id,name,phone\nm-102,누구,010-5555-0001\n";
    let (status, _, report) = import(&app, "members", "", &admin, "members-2", taken.into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (report["errors"][0]["line"].as_u64(), report["errors"][0]["field"].as_str()),
        (Some(2), Some("phone")),
        "{report}"
    );
    assert!(report["errors"][0]["reason"].as_str().unwrap().contains("m-100"), "names its owner: {report}");
    // With valid_rows, the free number is written and the taken one reported.
    let mixed = "id,name,phone\nm-103,새사람,010-5555-0003\nm-104,누구,010-5555-0002\n";
    let (status, _, report) =
        import(&app, "members", "?valid_rows=true", &admin, "members-4", mixed.into()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["written"].as_u64(), report["valid"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["errors"][0]["line"].as_u64(), Some(3), "{report}");
    let (status, _, exported) =
        send(&app, "GET", &format!("{S}/exports/members"), &admin, None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(exported.contains("m-101,\"정, 하나\",01055550002,,,false,false,"), "{exported}");
    let (status, _, report) = import(&app, "members", "", &admin, "members-3", exported).await;
    assert_eq!(status, StatusCode::OK, "an export imports back: {report}");

    // A clean 100,000-row import, with its progress followed while it runs.
    let csv = products(100_000, &[]);
    let running = {
        let (app, admin) = (app.clone(), admin.clone());
        tokio::spawn(async move { import(&app, "products", "", &admin, "clean-100k", csv).await })
    };
    let mut seen = Vec::new();
    while !running.is_finished() {
        let (status, job) = get_json(&app, &format!("{S}/imports/products/clean-100k"), &admin).await;
        if status == StatusCode::OK {
            seen.push((job["status"].as_str().unwrap().to_owned(), job["written"].as_u64().unwrap()));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _, done) = running.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (done["rows"].as_u64(), done["written"].as_u64(), done["error_count"].as_u64()),
        (Some(100_000), Some(100_000), Some(0))
    );
    assert!(
        seen.iter().any(|(s, w)| s == "writing" && *w > 0 && *w < 100_000)
            || seen.iter().any(|(s, _)| s == "checking"),
        "progress was visible: {seen:?}"
    );
    assert_eq!(product_count(&state).await, seeded + 100_000, "the 8 replaced and 99,992 new ones");
    // The price a till sells at is the imported one.
    let (status, p) = get_json(&app, &format!("{S}/products/P100000"), &kim).await;
    assert_eq!(
        (status, p["price"].as_str(), p["name"].as_str()),
        (StatusCode::OK, Some("101000"), Some("상품 100000, 특가"))
    );
}

/// A file in the charset a spreadsheet saves in the shop's language is read without being
/// named; another is named by `?charset=` or the Content-Type; a byte the charset lacks, UTF-16
/// and an unknown charset are refused by line and field, with nothing written.
async fn charsets(app: &Router, admin: &str, kim: &str) {
    let imported = |key: &str| format!("{S}/imports/products/{key}");
    let header = "sku,name,category,tax_class,price\n";
    let file = |encoding: &'static encoding_rs::Encoding, rows: &str| {
        let text = format!("{header}{rows}");
        let (bytes, _, lossy) = encoding.encode(&text);
        assert!(!lossy);
        bytes.into_owned()
    };
    // Excel in Korean saves EUC-KR (code page 949): a KRW shop reads it without being told.
    let euc_kr = file(encoding_rs::EUC_KR, "0001,콜라 제로,drinks,standard,1500\n");
    assert!(std::str::from_utf8(&euc_kr).is_err());
    let uri = format!("{S}/imports/products");
    let (status, _, body) = send(app, "POST", &uri, admin, Some("euc-kr"), Body::from(euc_kr.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, job) = get_json(app, &imported("euc-kr"), admin).await;
    assert_eq!((job["charset"].as_str(), job["written"].as_u64()), (Some("EUC-KR"), Some(1)), "{job}");
    let (_, p) = get_json(app, &format!("{S}/products/0001"), kim).await;
    assert_eq!(p["name"], "콜라 제로");
    // Named as UTF-8, the same bytes are refused, saying how to save the file.
    let (status, _, body) =
        send(app, "POST", &format!("{uri}?charset=utf-8"), admin, Some("said-utf8"), Body::from(euc_kr))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("not UTF-8") && body.contains("CSV UTF-8"), "{body}");
    // GB18030, named by the Content-Type.
    let gb = file(encoding_rs::GB18030, "0002,可口可乐,drinks,standard,1600\n");
    let request = Request::builder()
        .method("POST")
        .uri(&uri)
        .header("authorization", format!("Bearer {admin}"))
        .header("idempotency-key", "gb18030")
        .header("content-type", "text/csv; charset=GB18030")
        .body(Body::from(gb))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, p) = get_json(app, &format!("{S}/products/0002"), kim).await;
    assert_eq!(p["name"], "可口可乐");
    // Windows-1252 (Excel in German), named by the query.
    let latin = file(encoding_rs::WINDOWS_1252, "0003,Größe € Apfelschorle,drinks,standard,1700\n");
    let (status, _, body) =
        send(app, "POST", &format!("{uri}?charset=windows-1252"), admin, Some("cp1252"), Body::from(latin))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, p) = get_json(app, &format!("{S}/products/0003"), kim).await;
    assert_eq!(p["name"], "Größe € Apfelschorle");
    // A byte EUC-KR has no character for, on line 3: refused there, nothing written.
    let mut broken = file(encoding_rs::EUC_KR, "0004,사이다,drinks,standard,1500\n0005,");
    broken.extend_from_slice(&[0xC4, 0x20, b',']);
    broken.extend_from_slice(b"drinks,standard,1500\n");
    let (status, _, body) = send(app, "POST", &uri, admin, Some("broken"), Body::from(broken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["errors"][0]["line"], 3, "{problem}");
    assert!(problem["errors"][0]["reason"].as_str().unwrap().contains("EUC-KR"), "{problem}");
    let (_, p) = get_json(app, &format!("{S}/products/0004"), kim).await;
    assert_ne!(p["name"], "사이다", "nothing written");
    // UTF-16 ("Unicode text"), and a charset nobody knows.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(header.encode_utf16().flat_map(u16::to_le_bytes));
    let (status, _, body) = send(app, "POST", &uri, admin, Some("utf16"), Body::from(utf16)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("UTF-16"), "{body}");
    let (status, _, body) =
        send(app, "POST", &format!("{uri}?charset=klingon"), admin, Some("klingon"), Body::from(header))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("invalid_field"), Some("charset"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_and_exports_on_sqlite() {
    let (store, dir) = common::sqlite().await;
    imports_and_exports(store).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_and_exports_on_postgres() {
    let Some(store) = common::pg().await else { return };
    imports_and_exports(store).await;
}
