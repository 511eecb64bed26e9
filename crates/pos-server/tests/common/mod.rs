//! What the server's tests share: requests through the router, a fresh Postgres database, the
//! real binary started on port 0 and spoken to over TCP.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The master key the tests' journals derive from.
pub(crate) const KEY: &[u8] = b"pos-server tests: a master key of 32 bytes or more";

/// A JSON request through the router: status and body (a string when not JSON).
pub(crate) async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value =
        serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

/// A session of the demo store's staff member at terminal T1, through the router.
pub(crate) async fn login(app: &Router, staff: &str, pin: &str) -> String {
    let body = json!({"staff": staff, "pin": pin, "terminal": "T1"});
    let (status, body) = call(app, "POST", "/api/v1/stores/seoul-1/sessions", None, None, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// A fresh Postgres database's URL, or `None` without `DATABASE_URL` (refused under CI=true).
pub(crate) async fn pg_url() -> Option<String> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        assert!(std::env::var("CI").is_err(), "CI=true needs DATABASE_URL");
        return None;
    };
    let name = format!("pos_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
}

/// A store on a fresh Postgres database, or `None` as [`pg_url`].
pub(crate) async fn pg() -> Option<pos_store_postgres::PostgresStore> {
    Some(pos_store_postgres::PostgresStore::open(&pg_url().await?).await.unwrap())
}

/// A store on a fresh SQLite file in a new directory (returned to be removed).
pub(crate) async fn sqlite() -> (pos_store_sqlite::SqliteStore, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("pos-server-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = pos_store_sqlite::SqliteStore::open(dir.join("pos.db").to_str().unwrap()).await.unwrap();
    (store, dir)
}

/// One HTTP/1.1 request over a fresh TCP connection; `None` when the server is gone.
pub(crate) fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: pos\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(k) = key {
        head.push_str(&format!("Idempotency-Key: {k}\r\n"));
    }
    stream.write_all(format!("{head}\r\n{body}").as_bytes()).ok()?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out);
    let status = text.get(9..12)?.parse().ok()?;
    let payload = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, serde_json::from_str(payload).unwrap_or(Value::String(payload.to_owned()))))
}

/// The real binary, killed when dropped (even when an assertion fails).
pub(crate) struct Server {
    /// The process.
    pub(crate) child: Child,
    /// Where it listens.
    pub(crate) addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on port 0 over `data` (SQLite there, or Postgres at `database_url`), with
/// the demo shop when `demo`, and the environment `env`.
pub(crate) fn start(
    data: &std::path::Path,
    database_url: Option<&str>,
    demo: bool,
    env: &[(&str, &str)],
) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pos-server"));
    cmd.args(["--listen", "127.0.0.1:0", "--data"]).arg(data).env("RUST_LOG", "warn").stdout(Stdio::piped());
    if demo {
        cmd.arg("--demo");
    }
    match database_url {
        Some(url) => cmd.arg("--database-url").arg(url),
        None => cmd.env_remove("DATABASE_URL"),
    };
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server said where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("Listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep reading its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A session of the demo store's staff member at `terminal`, over TCP.
pub(crate) fn login_tcp(addr: &str, staff: &str, pin: &str, terminal: &str) -> String {
    let body = json!({"staff": staff, "pin": pin, "terminal": terminal});
    let (status, body) =
        request(addr, "POST", "/api/v1/stores/seoul-1/sessions", None, None, Some(&body)).unwrap();
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// A sale at T1 by kim of `lines` (sku, quantity), paid with `cash` won.
pub(crate) fn sale(key: &str, lines: &[(&str, u32)], cash: i64) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (sku, q))| {
            json!({"id": i + 1, "sku": sku, "quantity": {"value": q.to_string(), "unit": "each"},
                   "price_override": null, "discount": null, "embedded_price": null})
        })
        .collect();
    json!({
        "idempotency_key": key,
        "terminal": "T1",
        "cashier": "kim",
        "location": "seoul-1/floor",
        "basket": {"lines": lines, "next_id": lines.len() + 1,
                   "customer": {"member_id": null, "tier": null, "group": null}, "coupons": [], "discount": null},
        "tenders": [{"kind": "cash", "amount": {"amount": cash.to_string(), "currency": "KRW"}, "reference": null}],
        "redeem_points": 0,
        "coupons": [],
        "at": "2026-11-23T03:00:00Z"
    })
}

/// A raw request: status, headers and body bytes.
pub(crate) async fn raw_bytes(
    app: &Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

/// A raw request: status, headers and body text.
pub(crate) async fn raw(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let (status, headers, bytes) = raw_bytes(app, req).await;
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// The demo shop's state on `store`.
pub(crate) async fn demo_state<S: pos_app::Store>(store: S) -> pos_server::AppState<S> {
    let state = pos_server::AppState::new(
        std::sync::Arc::new(store),
        std::sync::Arc::new(pos_gateway_sim::SimGateway::default()),
        KEY,
    )
    .await
    .unwrap();
    assert!(pos_server::demo::seed(&state).await.unwrap());
    state
}

/// The demo shop's router on `store`.
pub(crate) async fn demo_app<S: pos_app::Store>(store: S) -> Router {
    pos_server::app(demo_state(store).await)
}

/// Each case (an `async fn(Router)`) as a test on SQLite and one on Postgres (skipped without
/// `DATABASE_URL`, refused under CI).
#[allow(unused_macros, reason = "each test file uses part of it")]
macro_rules! on_every_store {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let (store, dir) = crate::common::sqlite().await;
                    super::$case(crate::common::demo_app(store).await).await;
                    let _ = std::fs::remove_dir_all(dir);
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(store) = crate::common::pg().await else { return };
                    super::$case(crate::common::demo_app(store).await).await;
                }
            )*
        }
    };
}
