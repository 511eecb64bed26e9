//! Sale commits per second through the real checkout, against Postgres and SQLite, compared with
//! pgbench running the same SQL statements as raw transactions on the same database.
//!
//! Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p pos-store-postgres --bench commits`
//! (needs `pgbench` on the PATH for the comparison; `SALES_PER_TASK` changes the run length).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Instant;

use pos_app::{AppError, Checkout, SaleRequest, Settings, Stock, Store, StoreError};
use pos_core::{Basket, Category, CategoryId, CustomerContext, Product, Quantity, StoreConfig, StoreId};
use pos_inventory::LocationId;
use pos_payments::{TenderInput, TenderKind};
use pos_store_postgres::PostgresStore;
use pos_store_sqlite::SqliteStore;
use pos_testkit::fixtures::{noon, sku, won};
use pos_testkit::{FakeGateway, Script};
use rust_decimal::Decimal;
use sqlx::Connection;

const TASKS: usize = 16;
const SKUS: usize = 200;

fn store_id() -> StoreId {
    StoreId("bench".into())
}

async fn seed<S: Store>(store: &Arc<S>) {
    let id = store_id();
    let goods = Stock::new(store.clone(), id.clone());
    store
        .upsert_category(&id, &Category { id: CategoryId::new("food"), name: "식품".into(), parent: None })
        .await
        .unwrap();
    for i in 0..SKUS {
        let p = Product::new(
            &format!("sku{i}"),
            &format!("상품 {i}"),
            "food",
            "standard",
            Decimal::from(1_000 + 100 * (i % 40)),
        )
        .unwrap();
        store.upsert_product(&id, &p).await.unwrap();
        goods
            .receive(
                &LocationId::new("floor"),
                &sku(&format!("sku{i}")),
                Decimal::from(1_000_000),
                "seed",
                noon(),
            )
            .await
            .unwrap();
    }
}

fn request(task: usize, n: usize) -> SaleRequest {
    let mut basket = Basket::new();
    for j in 0..5 {
        basket.add(
            sku(&format!("sku{}", (task * 7 + n * 13 + j * 31) % SKUS)),
            Quantity::each(1 + (j as u32 % 2)).unwrap(),
        );
    }
    if n.is_multiple_of(3) {
        // Members are per task so that two tasks never update one account at the same moment.
        basket.set_customer(CustomerContext {
            member_id: Some(format!("m-{task}-{}", n % 10)),
            tier: None,
            group: None,
        });
    }
    let tenders =
        if n.is_multiple_of(2) { vec![TenderInput::new(TenderKind::Cash, won(100_000))] } else { Vec::new() };
    SaleRequest {
        idempotency_key: format!("bench-{task}-{n}"),
        terminal: format!("T{task}"),
        cashier: "bench".into(),
        location: LocationId::new("floor"),
        basket,
        tenders,
        redeem_points: 0,
        coupons: Vec::new(),
        at: noon(),
    }
}

/// Completes `per_task` sales from each of 16 tasks; returns commits per second and a sample
/// sale document (for sizing the raw-SQL comparison).
async fn run<S: Store>(store: Arc<S>, per_task: usize) -> (f64, String) {
    let checkout = Arc::new(Checkout::new(
        store.clone(),
        Arc::new(FakeGateway::new(Script::Approve)),
        Settings::new(StoreConfig::korea("bench"), pos_testkit::fixtures::journal_key()),
    ));
    // Warm the catalog cache and the connections.
    let mut warm = request(99, 0);
    warm.terminal = "warm".into();
    let first = checkout.complete_sale(&warm).await.unwrap();
    let sample =
        serde_json::to_string(&serde_json::json!({ "priced": first.priced, "settlement": first.settlement }))
            .unwrap();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let checkout = checkout.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..per_task {
                let mut r = request(t, n);
                if r.tenders.is_empty() {
                    // Card: pay the exact total, which pricing the same basket again gives.
                    r.tenders = vec![TenderInput::new(TenderKind::Card, won(0))];
                }
                loop {
                    match checkout.complete_sale(&r).await {
                        Ok(_) => break,
                        Err(AppError::Payment(pos_payments::PaymentError::Underpaid { due, .. })) => {
                            r.tenders = vec![TenderInput::new(
                                TenderKind::Card,
                                pos_core::Money::new(due, pos_core::Currency::KRW),
                            )];
                        }
                        Err(AppError::Payment(pos_payments::PaymentError::InvalidField { .. })) => {
                            r.tenders = vec![TenderInput::new(TenderKind::Cash, won(100_000))];
                        }
                        Err(AppError::Store(StoreError::Conflict { .. })) => {}
                        Err(e) => panic!("sale failed: {e}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    ((TASKS * per_task) as f64 / secs, sample)
}

/// The statements one sale executes, as a pgbench script. The sale document (a real one from
/// the run, so of the same size) sits in `bench_doc`: pgbench would read `:name` patterns inside
/// a JSON literal as variables.
fn pgbench_script() -> String {
    let mut s = String::new();
    // Five SKUs from five disjoint bands, so every client locks stock rows in one global order
    // (the commit script sorts its stock rows for the same reason: no deadlocks).
    let band = SKUS / 5;
    for i in 1..=5 {
        s.push_str(&format!("\\set s{i} {} + random(0, {})\n", (i - 1) * band, band - 1));
    }
    s.push_str("\\set k random(1, 9000000000000000000)\n\\set member random(1, 3)\n");
    s.push_str("BEGIN;\n");
    s.push_str("SELECT id, terminal_id, number, journal_sequence, request_hash FROM sales WHERE store_id = 'bench' AND idempotency_key = 'pgb-' || :k;\n");
    s.push_str("INSERT INTO counters (store_id, terminal_id, name, last) VALUES ('bench', 'P' || :client_id, 'sale', 1) ON CONFLICT (store_id, terminal_id, name) DO UPDATE SET last = counters.last + 1 RETURNING last;\n");
    s.push_str("INSERT INTO journal_heads (store_id, terminal_id, sequence, hash) VALUES ('bench', 'P' || :client_id, 0, '0') ON CONFLICT (store_id, terminal_id) DO UPDATE SET sequence = journal_heads.sequence RETURNING sequence, hash;\n");
    s.push_str("INSERT INTO sales (id, store_id, terminal_id, number, idempotency_key, request_hash, at, currency, total_minor, cashier, journal_sequence, document) \
         SELECT md5('s' || :k)::uuid, 'bench', 'P' || :client_id, :k, 'pgb-' || :k, md5(:k::text), now(), 'KRW', 9000, 'bench', :k, doc::jsonb FROM bench_doc;\n");
    for i in 1..=5 {
        s.push_str(&format!(
            "INSERT INTO sale_lines (id, store_id, sale_id, line_id, sku, quantity_milli, discount_minor, tax_minor, total_minor) \
             VALUES (gen_random_uuid(), 'bench', md5('s' || :k)::uuid, {i}, 'sku' || :s{i}, 1000, 0, 136, 1500);\n"
        ));
    }
    s.push_str("INSERT INTO payments (id, store_id, sale_id, position, kind, amount_minor, state, reference, brand, last4) VALUES (gen_random_uuid(), 'bench', md5('s' || :k)::uuid, 0, 'card', 9000, 'captured', 'pay_x', 'visa', '4242');\n");
    for i in 1..=5 {
        s.push_str(&format!("INSERT INTO stock_levels (store_id, location_id, sku) VALUES ('bench', 'floor', 'sku' || :s{i}) ON CONFLICT (store_id, location_id, sku) DO UPDATE SET sku = excluded.sku RETURNING on_hand_milli, reserved_milli, allow_negative;\n"));
        s.push_str(&format!("INSERT INTO stock_movements (id, store_id, location_id, sku, kind, reference, on_hand_milli, reserved_milli, document, actor, at) VALUES (gen_random_uuid(), 'bench', 'floor', 'sku' || :s{i}, 'sale', NULL, -1000, 0, 'P-' || :k, 'bench', now());\n"));
    }
    for i in 1..=5 {
        s.push_str(&format!("UPDATE stock_levels SET on_hand_milli = on_hand_milli - 1000, reserved_milli = reserved_milli WHERE store_id = 'bench' AND location_id = 'floor' AND sku = 'sku' || :s{i};\n"));
    }
    s.push_str("\\if :member = 1\n");
    s.push_str("UPDATE loyalty_accounts SET version = version + 1, account = account WHERE store_id = 'bench' AND member_id = 'pgb-m' || :client_id RETURNING version;\n");
    for _ in 0..2 {
        s.push_str("INSERT INTO loyalty_entries (id, store_id, member_id, document_id, sequence, kind, points, at) VALUES (gen_random_uuid(), 'bench', 'pgb-m' || :client_id, gen_random_uuid(), 1, 'earn', 90, now());\n");
    }
    s.push_str("\\endif\n");
    s.push_str("INSERT INTO journal (store_id, terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash) SELECT 'bench', 'P' || :client_id, :k, 'sale', 'P-' || :k, now(), doc, md5(:k::text), md5(:k::text) FROM bench_doc;\n");
    s.push_str("UPDATE journal_heads SET sequence = :k, hash = md5(:k::text) WHERE store_id = 'bench' AND terminal_id = 'P' || :client_id;\n");
    s.push_str("COMMIT;\n");
    s
}

fn main() {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run this benchmark"
        );
        return;
    };
    let per_task: usize = std::env::var("SALES_PER_TASK").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let name = format!("pos_bench_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let pg = Arc::new(PostgresStore::open(&url).await.unwrap());
        seed(&pg).await;
        let (ours, sample) = run(pg.clone(), per_task).await;
        println!("postgres: {} sales from {TASKS} tasks: {ours:.0} commits/s", TASKS * per_task);

        for c in 1..=TASKS {
            sqlx::query("INSERT INTO loyalty_accounts (store_id, member_id, version, account) VALUES ('bench', $1, 1, '{}'::jsonb)")
                .bind(format!("pgb-m{c}"))
                .execute(pg.pool())
                .await
                .unwrap();
        }
        let script = std::env::temp_dir().join(format!("{name}.sql"));
        sqlx::query("CREATE TABLE bench_doc (doc TEXT NOT NULL)").execute(pg.pool()).await.unwrap();
        sqlx::query("INSERT INTO bench_doc (doc) VALUES ($1)").bind(&sample).execute(pg.pool()).await.unwrap();
        std::fs::write(&script, pgbench_script()).unwrap();
        let out = std::process::Command::new("pgbench")
            .args(["-n", "-M", "prepared", "-c", &TASKS.to_string(), "-j", "2", "-t", &per_task.to_string(), "-f"])
            .arg(&script)
            .arg(&url)
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout);
                let tps: f64 = text
                    .lines()
                    .find(|l| l.starts_with("tps = "))
                    .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next().map(str::to_owned))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN);
                println!("pgbench: same statements as raw transactions: {tps:.0} commits/s");
                println!("ratio ours / raw: {:.2}", ours / tps);
            }
            Ok(o) => println!("pgbench failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => println!("pgbench not run: {e}"),
        }
        pg.pool().close().await;
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&mut conn).await;

        let dir = std::env::temp_dir().join(name);
        let sqlite = Arc::new(SqliteStore::open(dir.join("pos.db").to_str().unwrap()).await.unwrap());
        seed(&sqlite).await;
        let (lite, _) = run(sqlite, per_task).await;
        println!("sqlite: {} sales from {TASKS} tasks: {lite:.0} commits/s", TASKS * per_task);
        let _ = std::fs::remove_dir_all(dir);
    });
}
