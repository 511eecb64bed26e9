//! Sales over HTTP against the real server binary, and the ceiling the same machine gives
//! without HTTP, in the same run.
//!
//! For each store (an SQLite file; Postgres when `DATABASE_URL` is set):
//! 1. **The ceiling.** 16 tasks complete sales through `Checkout::complete_sale` in this process,
//!    on a fresh store seeded with the demo shop: the use case and the database, no HTTP.
//! 2. **HTTP.** The release binary is started on a fresh store with `--demo`; 16 clients, each a
//!    cashier session at its own till over one keep-alive connection, POST sales with unique
//!    `Idempotency-Key`s for `BENCH_SECS` seconds (30 by default) after a warm-up.
//! 3. **Idle memory.** The server's resident set (`VmRSS`) after start-up and seeding, and again
//!    idle after the load.
//!
//! The sale is the tour's: one ramen (SKU 0026) paid in cash; the demo's stock is topped up
//! first so no sale is refused. Printed: sales per second, p50 and p99 latency, the ratio of
//! HTTP to the ceiling, RSS; the goals are a ratio of at least 0.7, p99 under 25 ms, idle RSS
//! under 64 MB. Results also go to `target/bench-http.json`.
//!
//! Run: `cargo bench -p pos-server --bench http` (add `DATABASE_URL=postgres://...` for
//! Postgres; `BENCH_SECS=10` for a shorter run).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pos_app::SaleRequest;
use pos_gateway_sim::SimGateway;
use pos_server::{AppState, demo};
use serde_json::{Value, json};

const CLIENTS: usize = 16;
const STORE: &str = demo::DEMO_STORE;

fn secs() -> u64 {
    std::env::var("BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

fn sale_body(till: usize, key: &str) -> Value {
    json!({
        "idempotency_key": key, "terminal": format!("C{till}"), "cashier": "kim", "location": "seoul-1/floor",
        "basket": {"lines": [{"id": 1, "sku": "0026", "quantity": {"value": "1", "unit": "each"}}], "next_id": 2, "customer": {}, "coupons": []},
        "tenders": [{"kind": "cash", "amount": {"amount": "5000", "currency": "KRW"}}], "redeem_points": 0,
        "at": "2026-12-07T03:00:00Z"
    })
}

/// Latencies (sorted) and how many sales in how long.
struct Run {
    sales: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.sales as f64 / self.elapsed.as_secs_f64()
    }
    fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies[i]
    }
}

/// Runs `one(client, n)` from 16 tasks: a warm-up, then `secs` measured.
async fn drive<F, Fut>(one: F, secs: u64) -> Run
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (one, measuring, stop) = (one.clone(), measuring.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                one(client, n).await;
                if measuring.load(Ordering::Relaxed) {
                    latencies.push(started.elapsed());
                }
                n += 1;
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    latencies.sort();
    Run { sales: latencies.len(), elapsed, latencies }
}

/// Runs `one(client, n)` from 16 tasks at `rate` sales per second in all (an open loop: each
/// client has its send times, and a sale's latency counts from its send time, so a slow answer
/// is not hidden by the next send waiting for it).
async fn paced<F, Fut>(one: F, rate: f64, secs: u64) -> Run
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let interval = Duration::from_secs_f64(CLIENTS as f64 / rate);
    let started = tokio::time::Instant::now() + Duration::from_millis(100);
    let end = started + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut due = started + interval.mul_f64(client as f64 / CLIENTS as f64);
            let mut n = 0;
            while due < end {
                tokio::time::sleep_until(due).await;
                one(client, 1_000_000 + n).await;
                latencies.push(due.elapsed());
                due += interval;
                n += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    latencies.sort();
    Run { sales: latencies.len(), elapsed: Duration::from_secs(secs), latencies }
}

/// A fresh database: an SQLite file in a new directory, or a new Postgres database.
async fn fresh(pg: Option<&str>) -> (std::path::PathBuf, Option<String>) {
    let dir = std::env::temp_dir().join(format!("pos-bench-http-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = match pg {
        None => None,
        Some(admin) => {
            use sqlx::Connection;
            let name = format!("pos_bench_{}", uuid::Uuid::now_v7().simple());
            let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
        }
    };
    (dir, url)
}

async fn in_process<S: pos_app::Store>(store: S, secs: u64) -> Run {
    let state = AppState::new(Arc::new(store), Arc::new(SimGateway::default()), &[7; 32]).await.unwrap();
    demo::seed(&state).await.unwrap();
    let shop = state.shop(STORE).await.unwrap();
    let floor = pos_inventory::LocationId("seoul-1/floor".into());
    let ramen = pos_core::Sku::parse("0026").unwrap();
    shop.stock
        .receive(&floor, &ramen, rust_decimal::Decimal::from(10_000_000), "bench", chrono::Utc::now())
        .await
        .unwrap();
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    drive(
        move |client, n| {
            let shop = shop.clone();
            let key = format!("ip-{run_id}-{client}-{n}");
            async move {
                let req: SaleRequest = serde_json::from_value(sale_body(client, &key)).unwrap();
                shop.checkout.complete_sale(&req).await.unwrap();
            }
        },
        secs,
    )
    .await
}

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn start(data: &std::path::Path, url: Option<&str>) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pos-server"));
    cmd.args(["--listen", "127.0.0.1:0", "--demo", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped());
    match url {
        Some(u) => cmd.arg("--database-url").arg(u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server said where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("Listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

async fn over_http(data: &std::path::Path, url: Option<&str>, secs: u64) -> (Run, Run, u64, u64) {
    let server = start(data, url);
    let base = format!("http://{}/api/v1/stores/{STORE}", server.addr);
    let client = reqwest::Client::new();
    let login = |terminal: String, staff: &'static str, pin: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let r = client
                .post(format!("{base}/sessions"))
                .header("content-type", "application/json")
                .body(json!({"staff": staff, "pin": pin, "terminal": terminal}).to_string())
                .send()
                .await
                .unwrap();
            let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let admin = login("T1".into(), "admin", "1234").await;
    let r = client
        .post(format!("{base}/stock/receipts"))
        .bearer_auth(&admin)
        .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
        .header("content-type", "application/json")
        .body(json!({"location": "seoul-1/floor", "sku": "0026", "quantity": "10000000"}).to_string())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_before = rss_kib(server.child.id());
    for c in 0..CLIENTS {
        let r = client
            .put(format!("{base}/terminals/C{c}"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(json!({"name": format!("till {c}")}).to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    let mut tokens = Vec::new();
    for c in 0..CLIENTS {
        tokens.push(login(format!("C{c}"), "kim", "3456").await);
    }
    // One keep-alive connection per client.
    let clients: Vec<reqwest::Client> =
        (0..CLIENTS).map(|_| reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap()).collect();
    let (tokens, clients) = (Arc::new(tokens), Arc::new(clients));
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    let post = move |c: usize, n: usize| {
        let (tokens, clients, base) = (tokens.clone(), clients.clone(), base.clone());
        let key = format!("http-{run_id}-{c}-{n}");
        async move {
            let r = clients[c]
                .post(format!("{base}/sales"))
                .bearer_auth(&tokens[c])
                .header("Idempotency-Key", &key)
                .header("content-type", "application/json")
                .body(sale_body(c, &key).to_string())
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body = r.bytes().await.unwrap();
            assert_eq!(status.as_u16(), 201, "{}", String::from_utf8_lossy(&body));
        }
    };
    let post = Arc::new(post);
    let most = {
        let post = post.clone();
        drive(move |c, n| post(c, n), secs).await
    };
    // Half the most it took, paced: the latency a till sees on a busy but sustainable day.
    let rate =
        std::env::var("BENCH_RATE").ok().and_then(|r| r.parse().ok()).unwrap_or((most.rate() / 2.0).floor());
    let half = paced(move |c, n| post(c, n), rate, secs).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_after = rss_kib(server.child.id());
    (most, half, idle_before, idle_after)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

#[tokio::main]
async fn main() {
    pos_server::webhooks::install_crypto();
    let secs = secs();
    let admin = std::env::var("DATABASE_URL").ok();
    let mut results = Vec::new();
    for backend in ["sqlite", "postgres"] {
        let pg = match backend {
            "postgres" => match admin.as_deref() {
                Some(a) => Some(a),
                None => {
                    println!("postgres: skipped (no DATABASE_URL)");
                    continue;
                }
            },
            _ => None,
        };
        let (dir, url) = fresh(pg).await;
        let ceiling = match &url {
            Some(u) => in_process(pos_store_postgres::PostgresStore::open(u).await.unwrap(), secs).await,
            None => {
                in_process(
                    pos_store_sqlite::SqliteStore::open(dir.join("pos.db").to_str().unwrap()).await.unwrap(),
                    secs,
                )
                .await
            }
        };
        let (dir, url) = fresh(pg).await;
        let (http, half, idle_before, idle_after) = over_http(&dir, url.as_deref(), secs).await;
        let ratio = http.rate() / ceiling.rate();
        println!(
            "{backend:<8} in-process {:>7.1} sales/s (p50 {:>6.2} ms, p99 {:>6.2} ms) | HTTP {:>7.1} sales/s (p50 {:>6.2} ms, p99 {:>6.2} ms) | ratio {:.2}",
            ceiling.rate(),
            ms(ceiling.quantile(0.5)),
            ms(ceiling.quantile(0.99)),
            http.rate(),
            ms(http.quantile(0.5)),
            ms(http.quantile(0.99)),
            ratio,
        );
        println!(
            "{backend:<8} HTTP paced at {:>7.1} sales/s: p50 {:>6.2} ms, p99 {:>6.2} ms | idle RSS {} MiB after start-up, {} MiB after the load",
            half.rate(),
            ms(half.quantile(0.5)),
            ms(half.quantile(0.99)),
            idle_before / 1024,
            idle_after / 1024,
        );
        results.push(json!({
            "backend": backend, "seconds": secs, "clients": CLIENTS,
            "in_process": {"sales_per_s": ceiling.rate(), "p50_ms": ms(ceiling.quantile(0.5)), "p99_ms": ms(ceiling.quantile(0.99))},
            "http": {"sales": http.sales, "sales_per_s": http.rate(), "p50_ms": ms(http.quantile(0.5)), "p99_ms": ms(http.quantile(0.99))},
            "http_paced": {"sales_per_s": half.rate(), "p50_ms": ms(half.quantile(0.5)), "p99_ms": ms(half.quantile(0.99))},
            "ratio": ratio, "idle_rss_kib": {"before": idle_before, "after": idle_after},
            "goals": {"ratio_at_least_0_7": ratio >= 0.7, "p99_under_25_ms_at_most": ms(http.quantile(0.99)) < 25.0, "p99_under_25_ms_paced": ms(half.quantile(0.99)) < 25.0, "idle_rss_under_64_mib": idle_after < 64 * 1024},
        }));
        let _ = std::fs::remove_dir_all(dir);
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-http.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("written to {}", out.display());
}
