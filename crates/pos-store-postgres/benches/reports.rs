//! Reports, segments and lookups at a chain's volumes, against Postgres and SQLite.
//!
//! Fills each store with `SALES` sales of 5 lines over 30 days through the real checkout (16
//! tills; a third of the sales by one of 10,000 members, half by card), then times, three runs
//! each: the sales report over the whole period and over one day, member segments, a lookup by
//! phone, an X report, and in the same run the raw SQL aggregates over the same rows (sum by day
//! and hour; the top 100 products). A second Postgres store gets `BULK` more sales bulk-loaded
//! with the rows a commit writes (sales with their documents, lines, payments, stock movements,
//! the member column and the reports' summary rows; not the journal, the outbox and loyalty
//! entries, which no measured query reads), from documents priced by the same engine, to time
//! the same queries at ten times the volume. The process's resident memory is printed around the
//! queries: it must not grow with the number of sales.
//!
//! Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p pos-store-postgres --bench reports`
//! (`SALES=100000 BULK=1000000` are the defaults; smaller numbers for a quick look).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use pos_app::{Checkout, Members, Reports, SaleRequest, Settings, Shifts, Stock, Store};
use pos_core::{Basket, Category, CategoryId, CustomerContext, Product, Quantity, StoreConfig, StoreId};
use pos_inventory::LocationId;
use pos_payments::{TenderInput, TenderKind};
use pos_store_postgres::PostgresStore;
use pos_store_sqlite::SqliteStore;
use pos_testkit::fixtures::{journal_key, sku, won};
use pos_testkit::{FakeGateway, Script};
use rust_decimal::Decimal;
use sqlx::Connection;

const TILLS: usize = 16;
const SKUS: usize = 500;
const MEMBERS: usize = 10_000;

fn store_id() -> StoreId {
    StoreId("bench".into())
}

fn start() -> DateTime<Utc> {
    "2026-10-01T00:00:00Z".parse().unwrap()
}

fn settings() -> Settings {
    Settings::new(StoreConfig::korea("bench"), journal_key())
}

/// Resident memory of this process, in MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn seed<S: Store>(store: &Arc<S>) {
    let id = store_id();
    store
        .upsert_category(&id, &Category { id: CategoryId::new("food"), name: "식품".into(), parent: None })
        .await
        .unwrap();
    for c in 0..10 {
        let cat = Category {
            id: CategoryId::new(&format!("c{c}")),
            name: format!("분류 {c}"),
            parent: Some(CategoryId::new("food")),
        };
        store.upsert_category(&id, &cat).await.unwrap();
    }
    let goods = Stock::new(store.clone(), id.clone());
    for i in 0..SKUS {
        let p = Product::new(
            &format!("sku{i}"),
            &format!("상품 {i}"),
            &format!("c{}", i % 10),
            "standard",
            Decimal::from(1_000 + 100 * (i % 40)),
        )
        .unwrap()
        .with_cost(Decimal::from(600 + 50 * (i % 40)));
        store.upsert_product(&id, &p).await.unwrap();
        goods
            .receive(
                &LocationId::new("floor"),
                &sku(&format!("sku{i}")),
                Decimal::from(1_000_000),
                "seed",
                start(),
            )
            .await
            .unwrap();
    }
    let members = Members::new(store.clone(), id);
    for m in 0..MEMBERS {
        members
            .create(
                &format!("m{m}"),
                &format!("회원 {m}"),
                &format!("010-{:04}-{:04}", m / 10_000 + 1000, m % 10_000),
                start(),
            )
            .await
            .unwrap();
    }
}

/// The `n`th of `total` sales: 5 lines, over 30 days, every third by a member, every other by
/// card.
fn request(n: usize, total: usize) -> SaleRequest {
    let mut basket = Basket::new();
    for j in 0..5 {
        basket.add(
            sku(&format!("sku{}", (n * 7 + j * 31) % SKUS)),
            Quantity::each(1 + (j as u32 % 2)).unwrap(),
        );
    }
    if n.is_multiple_of(3) {
        basket.set_customer(CustomerContext {
            member_id: Some(format!("m{}", n % MEMBERS)),
            tier: None,
            group: None,
        });
    }
    let at = start() + Duration::from_millis((n as u64) * 30 * 86_400_000 / total as u64);
    SaleRequest {
        idempotency_key: format!("r{n}"),
        terminal: format!("T{}", n % TILLS),
        cashier: format!("cashier{}", n % 7),
        location: LocationId::new("floor"),
        basket,
        tenders: vec![TenderInput::new(TenderKind::Cash, won(1_000_000))],
        redeem_points: 0,
        coupons: Vec::new(),
        at,
    }
}

/// Fills a store through the real checkout from 16 tills; returns sales per second.
async fn fill<S: Store>(store: Arc<S>, total: usize) -> f64 {
    let co = Arc::new(Checkout::new(store, Arc::new(FakeGateway::new(Script::Approve)), settings()));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TILLS {
        let co = co.clone();
        tasks.push(tokio::spawn(async move {
            for n in (t..total).step_by(TILLS) {
                let mut r = request(n, total);
                if n % 2 == 1 {
                    let priced = co.price(&r.basket, r.at).await.unwrap();
                    r.tenders = vec![TenderInput::new(TenderKind::Card, priced.total)];
                }
                loop {
                    match co.complete_sale(&r).await {
                        Ok(_) => break,
                        // A member's account raced by two tills: the retry replays or commits.
                        Err(pos_app::AppError::Store(pos_app::StoreError::Conflict { .. })) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / began.elapsed().as_secs_f64()
}

/// Median of three runs, in milliseconds.
async fn time<F, Fut, T>(mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        std::hint::black_box(f().await);
        runs.push(t.elapsed().as_secs_f64() * 1_000.0);
    }
    runs.sort_by(|a, b| a.total_cmp(b));
    runs[1]
}

/// A raw SQL measurement: its two timings.
type Raw = std::pin::Pin<Box<dyn std::future::Future<Output = (f64, f64)>>>;

async fn measure<S: Store>(name: &str, store: Arc<S>, raw: &dyn Fn() -> Raw) {
    let reports = Reports::new(store.clone(), StoreConfig::korea("bench"));
    let members = Members::new(store.clone(), store_id());
    let shifts = Shifts::new(store.clone(), settings());
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    let rss_before = rss_mb();
    let whole = time(|| reports.sales_report(day(1), day(31))).await;
    let one = time(|| reports.sales_report(day(15), day(15))).await;
    let segments =
        time(|| members.segments(start() + chrono::Duration::days(30), 30, Decimal::TEN, 14, 30)).await;
    let phone = time(|| members.by_phone("010-1000-4242")).await;
    // An X report of a shift opened on T3 just before its last sales.
    let _ = shifts.open_shift("T3", "bench", won(100_000), start() + chrono::Duration::days(29)).await;
    let x = time(|| shifts.x_report("T3")).await;
    let (raw_hours, raw_top) = raw().await;
    let rss_after = rss_mb();
    let report = reports.sales_report(day(1), day(31)).await.unwrap();
    println!(
        "{name}: report 31 days {whole:.1} ms, 1 day {one:.1} ms, segments {segments:.1} ms, phone {phone:.2} ms, X report {x:.1} ms; \
         raw SQL: by day and hour {raw_hours:.1} ms, top 100 products {raw_top:.1} ms; {} sales reported; RSS {rss_before:.0} -> {rss_after:.0} MB",
        report.total.sales
    );
}

async fn raw_pg(store: &PostgresStore) -> (f64, f64) {
    let pool = store.pool();
    let hours = time(|| {
        sqlx::query("SELECT date_trunc('hour', at) AS h, count(*), sum(total_minor) FROM sales WHERE store_id = 'bench' GROUP BY h")
            .fetch_all(pool)
    })
    .await;
    let top = time(|| {
        sqlx::query(
            "SELECT l.sku, sum(l.quantity_milli), sum(l.total_minor) AS g FROM sale_lines l JOIN sales s ON s.id = l.sale_id \
             WHERE s.store_id = 'bench' GROUP BY l.sku ORDER BY g DESC LIMIT 100",
        )
        .fetch_all(pool)
    })
    .await;
    (hours, top)
}

async fn raw_sqlite(store: &SqliteStore) -> (f64, f64) {
    let pool = store.pool();
    let hours = time(|| {
        sqlx::query("SELECT substr(at, 1, 13) AS h, count(*), sum(total_minor) FROM sales WHERE store_id = 'bench' GROUP BY h")
            .fetch_all(pool)
    })
    .await;
    let top = time(|| {
        sqlx::query(
            "SELECT l.sku, sum(l.quantity_milli), sum(l.total_minor) AS g FROM sale_lines l JOIN sales s ON s.id = l.sale_id \
             WHERE s.store_id = 'bench' GROUP BY l.sku ORDER BY g DESC LIMIT 100",
        )
        .fetch_all(pool)
    })
    .await;
    (hours, top)
}

/// A CSV field.
fn csv(out: &mut String, field: &str) {
    out.push('"');
    out.push_str(&field.replace('"', "\"\""));
    out.push('"');
}

/// One CSV row.
fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if *f == "\\N" {
            continue;
        }
        csv(out, f);
    }
    out.push('\n');
}

async fn copy(pool: &sqlx::PgPool, statement: &str, data: String) {
    let mut conn = pool.acquire().await.unwrap();
    let mut copy = conn.copy_in_raw(statement).await.unwrap();
    copy.send(data.into_bytes()).await.unwrap();
    copy.finish().await.unwrap();
}

/// Bulk-loads `total` sales with the rows a commit writes (sale, lines, payments, stock
/// movements, the member column, the summary rows), from documents priced by the same checkout
/// and encoded as the store encodes them, with `COPY` in batches of 20,000 sales.
async fn bulk(store: Arc<PostgresStore>, total: usize) -> f64 {
    let co = Checkout::new(store.clone(), Arc::new(FakeGateway::new(Script::Approve)), settings());
    let config = StoreConfig::korea("bench");
    let local = pos_app::reports::local_of(chrono_tz::Asia::Seoul);
    let began = Instant::now();
    let mut facts: std::collections::BTreeMap<
        (NaiveDate, u32, pos_app::reports::Dim, String),
        pos_app::reports::ReportFact,
    > = std::collections::BTreeMap::new();
    let mut numbers = [0_u64; TILLS];
    let pool = store.pool();
    let mut n = 0;
    while n < total {
        let (mut sales, mut lines, mut payments, mut movements) =
            (String::new(), String::new(), String::new(), String::new());
        for _ in 0..20_000.min(total - n) {
            let r = request(n, total);
            let priced = co.price(&r.basket, r.at).await.unwrap();
            let settlement = pos_payments::settle(priced.total, &r.tenders, &config.cash_rounding).unwrap();
            let till = n % TILLS;
            numbers[till] += 1;
            let number = numbers[till];
            let terminal = format!("B{till}");
            let member = r.basket.customer().member_id.clone();
            let document = pos_app::SaleDocument {
                schema: pos_app::SCHEMA,
                sale_id: uuid::Uuid::now_v7(),
                terminal: terminal.clone(),
                cashier: r.cashier.clone(),
                at: r.at,
                lines: priced
                    .lines
                    .iter()
                    .map(|l| pos_app::LineFacts {
                        line_id: l.line_id,
                        category: "c".into(),
                        cost: Some(Decimal::from(600)),
                    })
                    .collect(),
                payments: settlement
                    .tenders
                    .iter()
                    .map(|t| pos_app::ports::PaymentRecord {
                        kind: t.kind,
                        amount: t.amount,
                        state: pos_payments::PaymentState::Captured,
                        reference: None,
                        brand: None,
                        last4: None,
                    })
                    .collect(),
                priced,
                settlement,
                loyalty: None,
                location: r.location.clone(),
                coupons: Vec::new(),
                points: None,
            };
            let doc = &document;
            let id = doc.sale_id.to_string();
            let at = doc.at.to_rfc3339();
            let minor = |m: &pos_core::Money| m.to_minor().unwrap().to_string();
            row(
                &mut sales,
                &[
                    &id,
                    "bench",
                    &terminal,
                    &number.to_string(),
                    &format!("bulk-{n}"),
                    "",
                    &at,
                    "KRW",
                    &minor(&doc.total()),
                    &doc.cashier,
                    &number.to_string(),
                    &serde_json::to_string(doc).unwrap(),
                    member.as_deref().unwrap_or("\\N"),
                ],
            );
            for l in doc.line_records() {
                let q = (l.quantity * Decimal::ONE_THOUSAND).to_string();
                let fields = [
                    uuid::Uuid::now_v7().to_string(),
                    "bench".into(),
                    id.clone(),
                    l.line_id.to_string(),
                    l.sku.to_string(),
                    q,
                    minor(&l.discount),
                    minor(&l.tax),
                    minor(&l.total),
                ];
                row(&mut lines, &fields.iter().map(String::as_str).collect::<Vec<_>>());
            }
            for (i, p) in doc.payments.iter().enumerate() {
                let fields = [
                    uuid::Uuid::now_v7().to_string(),
                    "bench".into(),
                    id.clone(),
                    i.to_string(),
                    "cash".into(),
                    minor(&p.amount),
                    "captured".into(),
                ];
                row(&mut payments, &fields.iter().map(String::as_str).collect::<Vec<_>>());
            }
            for d in doc.drafts() {
                let q = match d.on_hand {
                    pos_inventory::OnHand::By(q) | pos_inventory::OnHand::To(q) => q,
                };
                let fields = [
                    uuid::Uuid::now_v7().to_string(),
                    "bench".into(),
                    d.location.0.clone(),
                    d.sku.to_string(),
                    "sale".into(),
                    (q * Decimal::ONE_THOUSAND).to_string(),
                    "0".into(),
                    pos_app::ports::receipt_number(&terminal, number),
                    doc.cashier.clone(),
                    at.clone(),
                ];
                row(&mut movements, &fields.iter().map(String::as_str).collect::<Vec<_>>());
            }
            for f in
                pos_app::reports::facts(&pos_app::ports::StoredDocument::Sale(Box::new(document)), &local)
            {
                let key = (f.day, f.hour, f.dim, f.key.clone());
                match facts.get_mut(&key) {
                    Some(x) => {
                        x.sales += f.sales;
                        x.quantity += f.quantity;
                        x.gross += f.gross;
                        x.tax += f.tax;
                        x.discount += f.discount;
                        x.net += f.net;
                    }
                    None => {
                        facts.insert(key, f);
                    }
                }
            }
            n += 1;
        }
        copy(pool, "COPY sales (id, store_id, terminal_id, number, idempotency_key, request_hash, at, currency, total_minor, cashier, journal_sequence, document, member_id) FROM STDIN WITH (FORMAT csv)", sales).await;
        copy(pool, "COPY sale_lines (id, store_id, sale_id, line_id, sku, quantity_milli, discount_minor, tax_minor, total_minor) FROM STDIN WITH (FORMAT csv)", lines).await;
        copy(pool, "COPY payments (id, store_id, sale_id, position, kind, amount_minor, state) FROM STDIN WITH (FORMAT csv)", payments).await;
        copy(pool, "COPY stock_movements (id, store_id, location_id, sku, kind, on_hand_milli, reserved_milli, document, actor, at) FROM STDIN WITH (FORMAT csv)", movements).await;
    }
    let mut out = String::new();
    for f in facts.values() {
        let m = |d: Decimal| pos_core::Money::new(d, pos_core::Currency::KRW).to_minor().unwrap().to_string();
        let fields = [
            "bench".to_owned(),
            f.day.to_string(),
            f.hour.to_string(),
            f.dim.code().to_owned(),
            f.key.clone(),
            f.label.clone(),
            f.sales.to_string(),
            (f.quantity * Decimal::ONE_THOUSAND).to_string(),
            m(f.gross),
            m(f.tax),
            m(f.discount),
            m(f.net),
        ];
        row(&mut out, &fields.iter().map(String::as_str).collect::<Vec<_>>());
    }
    copy(pool, "COPY report_facts (store_id, day, hour, dim, key, label, sales, quantity_milli, gross_minor, tax_minor, discount_minor, net_minor) FROM STDIN WITH (FORMAT csv)", out).await;
    for (till, last) in numbers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO counters (store_id, terminal_id, name, last) VALUES ('bench', $1, 'sale', $2)",
        )
        .bind(format!("B{till}"))
        .bind(*last as i64)
        .execute(pool)
        .await
        .unwrap();
    }
    total as f64 / began.elapsed().as_secs_f64()
}

fn main() {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run this benchmark"
        );
        return;
    };
    let sales: usize = std::env::var("SALES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let bulk_sales: usize = std::env::var("BULK").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        let mut fresh = async |tag: &str| {
            let name = format!("pos_bench_{tag}_{}", uuid::Uuid::now_v7().simple());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
        };

        let pg = Arc::new(PostgresStore::open(&fresh("reports").await).await.unwrap());
        seed(&pg).await;
        let rate = fill(pg.clone(), sales).await;
        sqlx::query("ANALYZE").execute(pg.pool()).await.unwrap();
        println!("postgres: {sales} sales through checkout at {rate:.0}/s");
        let p = pg.clone();
        measure("postgres", pg.clone(), &move || Box::pin(raw_pg_owned(p.clone()))).await;

        let dir = std::env::temp_dir().join(format!("pos-bench-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let sq = Arc::new(SqliteStore::open(dir.join("bench.db").to_str().unwrap()).await.unwrap());
        seed(&sq).await;
        let rate = fill(sq.clone(), sales).await;
        sqlx::query("ANALYZE").execute(sq.pool()).await.unwrap();
        println!("sqlite: {sales} sales through checkout at {rate:.0}/s");
        let s = sq.clone();
        measure("sqlite", sq.clone(), &move || Box::pin(raw_sqlite_owned(s.clone()))).await;
        let _ = std::fs::remove_dir_all(dir);

        if bulk_sales > 0 {
            let big = Arc::new(PostgresStore::open(&fresh("bulk").await).await.unwrap());
            seed(&big).await;
            let rate = bulk(big.clone(), bulk_sales).await;
            sqlx::query("ANALYZE").execute(big.pool()).await.unwrap();
            println!("postgres: {bulk_sales} sales bulk-loaded at {rate:.0}/s");
            let b = big.clone();
            measure("postgres bulk", big.clone(), &move || Box::pin(raw_pg_owned(b.clone()))).await;
        }
    });
}

async fn raw_pg_owned(store: Arc<PostgresStore>) -> (f64, f64) {
    raw_pg(&store).await
}

async fn raw_sqlite_owned(store: Arc<SqliteStore>) -> (f64, f64) {
    raw_sqlite(&store).await
}
