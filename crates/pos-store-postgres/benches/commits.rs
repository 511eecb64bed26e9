//! Sale commits per second through the real checkout, against Postgres and SQLite, and on
//! Postgres the ratio to pgbench running the very statements the adapter sends.
//!
//! How the comparison is made fair:
//! - **The same statements.** Each kind of sale the run makes (cash or card, with or without a
//!   member: six kinds, `n % 6`) is completed once on a connection that logs every statement
//!   (`log_statement = all`, set for that connection only), and the statements are read back from
//!   the server's log with their parameters: the idempotency lookup, the catalog catch-up, the
//!   payment attempts written ahead of the card, the commit with its outbox event and summary
//!   rows. Each becomes a pgbench script of the same statements in the same order, the
//!   parameters written in as literals, so the server parses, plans and executes what it
//!   executes for us. What must differ per transaction is substituted, by the rules in
//!   [`READS`] and [`LINKS`] and nothing else: ids (time-ordered, like the adapter's UUID v7),
//!   the idempotency key (and the attempt keys built on it), the terminal (one per client, as
//!   one per task here), the member (one per client), the SKUs (drawn over the catalog as the
//!   tasks' baskets are, in bands so that rows are locked in one order), and the values a commit
//!   reads back and
//!   writes again (receipt number, journal head, event sequence, account version), which
//!   pgbench reads with `\gset` as the adapter does.
//! - **The same connections.** pgbench runs as many clients as the store's pool has
//!   connections; our 16 tasks share that pool.
//! - **The same database, analysed**, in alternating rounds (ours, then pgbench, `ROUNDS`
//!   times), `ANALYZE` before each round.
//!
//! Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p pos-store-postgres --bench commits`
//! (needs `pgbench` on the PATH and read access to the server's log, which is found with
//! `pg_current_logfile()` or the backend's standard error, or named by `PG_LOG`; the role must
//! be allowed to set `log_statement`. `SALES_PER_TASK` and `ROUNDS` change the run length.)
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
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
/// The till the captured sales are made on; each pgbench client gets its own instead.
const CAPTURE_TILL: &str = "capture-till";
/// The task number of the captured sales (their members are `m-99-*`).
const CAPTURE_TASK: usize = 99;
/// Sales each task makes before anything is measured or captured: by then each of its ten
/// members has an account, so every later sale takes the path a regular customer's takes.
const WARM: usize = 30;

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
            &format!("sku{i:03}"),
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
                &sku(&format!("sku{i:03}")),
                Decimal::from(1_000_000),
                "seed",
                noon(),
            )
            .await
            .unwrap();
    }
}

/// The `n`th sale of a task: 5 lines; every third by one of the task's 10 members; cash on even
/// `n`, card (the exact total) on odd.
fn request(task: usize, n: usize, terminal: &str) -> SaleRequest {
    let mut basket = Basket::new();
    for j in 0..5 {
        basket.add(
            sku(&format!("sku{:03}", (task * 7 + n * 13 + j * 31) % SKUS)),
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
    SaleRequest {
        idempotency_key: format!("bench-{terminal}-{n}"),
        terminal: terminal.to_owned(),
        cashier: "bench".into(),
        location: LocationId::new("floor"),
        basket,
        tenders: vec![TenderInput::new(TenderKind::Cash, won(100_000))],
        redeem_points: 0,
        coupons: Vec::new(),
        at: noon(),
    }
}

type BenchCheckout<S> = Checkout<S, FakeGateway>;

fn checkout<S: Store>(store: Arc<S>) -> BenchCheckout<S> {
    Checkout::new(
        store,
        Arc::new(FakeGateway::new(Script::Approve)),
        Settings::new(StoreConfig::korea("bench"), pos_testkit::fixtures::journal_key()),
    )
}

/// Completes one sale, paying by card for odd `n` (the total priced first, as a till does).
async fn sell<S: Store>(checkout: &BenchCheckout<S>, mut r: SaleRequest, n: usize) {
    if n % 2 == 1 {
        let priced = checkout.price(&r.basket, r.at).await.unwrap();
        r.tenders = vec![TenderInput::new(TenderKind::Card, priced.total)];
    }
    loop {
        match checkout.complete_sale(&r).await {
            Ok(_) => return,
            // Retried as a till would: the second try replays or commits.
            Err(AppError::Store(StoreError::Conflict { .. })) => {}
            Err(e) => panic!("sale failed: {e}"),
        }
    }
}

/// Completes sales `from..to` of each of 16 tasks; returns commits per second.
async fn run<S: Store>(checkout: Arc<BenchCheckout<S>>, from: usize, to: usize) -> f64 {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let checkout = checkout.clone();
        tasks.push(tokio::spawn(async move {
            for n in from..to {
                sell(&checkout, request(t, n, &format!("T{t}")), n).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (TASKS * (to - from)) as f64 / start.elapsed().as_secs_f64()
}

/// One statement as the server logged it: its text and its parameters (`None` for NULL).
#[derive(Debug, Clone)]
struct Logged {
    sql: String,
    params: Vec<Option<String>>,
}

/// Where the server writes its log: `PG_LOG`, `pg_current_logfile()`, or the standard error
/// the backend inherited from the postmaster.
async fn log_path(conn: &mut sqlx::PgConnection) -> std::path::PathBuf {
    if let Ok(p) = std::env::var("PG_LOG") {
        return p.into();
    }
    let (current, pid): (Option<String>, i32) =
        sqlx::query_as("SELECT pg_current_logfile(), pg_backend_pid()").fetch_one(&mut *conn).await.unwrap();
    if let Some(file) = current {
        let (dir,): (String,) =
            sqlx::query_as("SELECT current_setting('data_directory')").fetch_one(conn).await.unwrap();
        let p = std::path::PathBuf::from(&file);
        return if p.is_absolute() { p } else { std::path::Path::new(&dir).join(p) };
    }
    std::fs::read_link(format!("/proc/{pid}/fd/2"))
        .expect("cannot find the server's log: set PG_LOG to its path")
}

fn log_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The statements logged for database `db` since `offset`.
fn read_log(path: &std::path::Path, offset: u64, db: &str) -> Vec<Logged> {
    let mut f = std::fs::File::open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    let mut text = String::new();
    f.read_to_string(&mut text).unwrap();
    // An entry is a line and its continuation lines, which the server starts with a tab.
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        match line.strip_prefix('\t') {
            Some(rest) if !entries.is_empty() => {
                let last = entries.last_mut().unwrap();
                last.push('\n');
                last.push_str(rest);
            }
            _ => entries.push(line.to_owned()),
        }
    }
    let marker = format!("@{db} ");
    let mut out: Vec<Logged> = Vec::new();
    for e in entries.iter().filter(|e| e.contains(&marker)) {
        if let Some(i) = e.find("LOG:  execute ") {
            let rest = &e[i + "LOG:  execute ".len()..];
            let sql = &rest[rest.find(": ").unwrap() + 2..];
            out.push(Logged { sql: sql.to_owned(), params: Vec::new() });
        } else if let Some(i) = e.find("LOG:  statement: ") {
            out.push(Logged { sql: e[i + "LOG:  statement: ".len()..].to_owned(), params: Vec::new() });
        } else if let Some(i) = e.find("DETAIL:  parameters: ") {
            out.last_mut().unwrap().params = parse_params(&e[i + "DETAIL:  parameters: ".len()..]);
        }
    }
    out
}

/// `$1 = 'a', $2 = NULL, $3 = 'it''s'` as the server logs parameters.
fn parse_params(s: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(eq) = rest.find(" = ") {
        rest = &rest[eq + 3..];
        if let Some(r) = rest.strip_prefix("NULL") {
            out.push(None);
            rest = r;
        } else {
            let body = rest.strip_prefix('\'').expect("a quoted parameter");
            let mut value = String::new();
            let mut chars = body.char_indices().peekable();
            let mut end = body.len();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if matches!(chars.peek(), Some((_, '\''))) {
                        chars.next();
                        value.push('\'');
                    } else {
                        end = i + 1;
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            out.push(Some(value));
            rest = &body[end..];
        }
    }
    out
}

/// Statements whose results a commit reads back and uses: pgbench reads them into variables
/// with this prefix (`\gset`), as the adapter reads their rows.
const READS: &[(&str, &str)] = &[
    ("INSERT INTO counters", "cnt_"),
    ("INSERT INTO journal_heads", "jh_"),
    ("INSERT INTO event_heads", "ev_"),
    ("SELECT version, account", "acct_"),
];

/// Values a commit writes from what it read: (table, column, pgbench expression).
const LINKS: &[(&str, &str, &str)] = &[
    ("sales", "number", ":cnt_n"),
    ("sales", "journal_sequence", "(:jh_sequence + 1)"),
    ("journal", "sequence", "(:jh_sequence + 1)"),
    ("journal", "prev_hash", ":jh_hash"),
    ("journal_heads", "sequence", "(:jh_sequence + 1)"),
    ("events", "sequence", ":ev_n"),
    ("loyalty_accounts", "version", ":acct_version"),
];

/// The table a statement writes or reads first.
fn table_of(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let after = |w: &str| words.iter().position(|x| x.eq_ignore_ascii_case(w)).map(|i| words[i + 1]);
    let t = if sql.trim_start().starts_with("INSERT") {
        after("INTO")
    } else if sql.trim_start().starts_with("UPDATE") {
        after("UPDATE")
    } else {
        after("FROM")
    };
    t.unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric() && c != '_').to_owned()
}

/// Which column each `$n` of a statement is bound to: the column list of an INSERT, and every
/// `column = $n` of a SET or WHERE.
fn columns_of(sql: &str) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.starts_with("INSERT") {
        let open = flat.find('(').unwrap();
        let close = open + flat[open..].find(')').unwrap();
        let cols: Vec<&str> = flat[open + 1..close].split(',').map(str::trim).collect();
        let values = &flat[flat.find("VALUES (").unwrap() + 8..];
        let values = &values[..values.find(')').unwrap()];
        for (col, v) in cols.iter().zip(values.split(',')) {
            if let Some(n) = v.trim().strip_prefix('$') {
                let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
                out.insert(digits.parse().unwrap(), (*col).to_owned());
            }
        }
    }
    let mut i = 0;
    while let Some(p) = flat[i..].find(" = $") {
        let at = i + p;
        let name_start =
            flat[..at].rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).map_or(0, |s| s + 1);
        let col = flat[name_start..at].rsplit('.').next().unwrap().to_owned();
        let digits: String = flat[at + 4..].chars().take_while(char::is_ascii_digit).collect();
        out.entry(digits.parse().unwrap()).or_insert(col);
        i = at + 4;
    }
    out
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// A literal pgbench leaves alone: an escape string with every `:` and `\` escaped, so that no
/// part of a value is read as a pgbench variable; the server reads the same value.
fn literal(value: &str) -> String {
    let mut out = String::from("E'");
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            ':' => out.push_str("\\x3a"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A value with the capture's idempotency key, till, member and SKUs replaced by this
/// transaction's (`subs`: captured text, pgbench expression).
fn rewrite(value: &str, subs: &[(String, String)]) -> String {
    let mut parts: Vec<(String, bool)> = vec![(value.to_owned(), false)];
    for (from, to) in subs {
        let mut next = Vec::new();
        for (text, done) in parts {
            if done {
                next.push((text, true));
                continue;
            }
            let mut pieces = text.split(from.as_str()).peekable();
            while let Some(p) = pieces.next() {
                next.push((p.to_owned(), false));
                if pieces.peek().is_some() {
                    next.push((to.clone(), true));
                }
            }
        }
        parts = next;
    }
    let exprs: Vec<String> = parts
        .into_iter()
        .filter(|(t, done)| *done || !t.is_empty())
        .map(|(t, done)| if done { t } else { literal(&t) })
        .collect();
    match exprs.len() {
        0 => "''".into(),
        1 => exprs.into_iter().next().unwrap(),
        _ => format!("({})", exprs.join(" || ")),
    }
}

/// A time-ordered id, unique per client and transaction, like the adapter's UUID v7: the
/// client's transaction counter leads, so ids grow across the run.
fn uuid_expr(i: usize) -> String {
    format!(
        "(lpad(to_hex(:seq * 1024 + :client_id), 12, '0') || lpad(to_hex({i}), 4, '0') || substr(md5(:k::text), 1, 16))::uuid"
    )
}

/// The pgbench script of one captured sale, whose lines sold `skus`.
fn script(statements: &[Logged], key: &str, member: Option<&str>, skus: &[String]) -> String {
    let mut s = String::from("\\set k random(1, 9000000000000000000)\n\\set seq :seq + 1\n");
    let mut subs = vec![
        (key.to_owned(), "('pgb-' || :k)".to_owned()),
        (CAPTURE_TILL.to_owned(), "('P' || :client_id)".to_owned()),
    ];
    if let Some(m) = member {
        subs.push((m.to_owned(), "('pgb-m' || :client_id)".to_owned()));
    }
    // The i-th of the sale's SKUs (in the order the commit locks their stock rows) is drawn from
    // the i-th fifth of the catalog, so every transaction still locks rows in one order, and
    // transactions spread over the catalog as the tasks' sales do.
    let mut sorted = skus.to_vec();
    sorted.sort();
    sorted.dedup();
    let band = SKUS / sorted.len();
    for (i, sku) in sorted.iter().enumerate() {
        s.push_str(&format!("\\set s{i} random({}, {})\n", i * band, (i + 1) * band - 1));
        subs.push((sku.clone(), format!("('sku' || lpad(:s{i}::text, 3, '0'))")));
    }
    let mut uuids: BTreeMap<String, usize> = BTreeMap::new();
    for st in statements {
        let table = table_of(&st.sql);
        let columns = columns_of(&st.sql);
        let mut sql = st.sql.clone();
        // Replace `$n` from the highest so that `$1` never eats the start of `$12`.
        for (i, p) in st.params.iter().enumerate().rev() {
            let n = i + 1;
            let column = columns.get(&n).map(String::as_str).unwrap_or("");
            let link = LINKS.iter().find(|(t, c, _)| *t == table && *c == column).map(|l| l.2.to_owned());
            let expr = match (link, p) {
                (Some(l), _) => l,
                (None, None) => "NULL".into(),
                (None, Some(v)) if is_uuid(v) => {
                    let next = uuids.len();
                    uuid_expr(*uuids.entry(v.clone()).or_insert(next))
                }
                (None, Some(v)) => rewrite(v, &subs),
            };
            sql = sql.replace(&format!("${n}"), &expr);
        }
        let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&flat);
        match READS.iter().find(|(prefix, _)| st.sql.trim_start().starts_with(prefix)) {
            Some((_, var)) => s.push_str(&format!(" \\gset {var}\n")),
            None => s.push_str(";\n"),
        }
    }
    s
}

/// Completes the six kinds of sale on a connection that logs its statements and turns each
/// into a pgbench script.
async fn capture(url: &str, db: &str, admin: &mut sqlx::PgConnection) -> Vec<String> {
    let log = log_path(admin).await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let logged = Arc::new(
        PostgresStore::open(&format!(
            "{url}{sep}application_name=pos-capture&options=-c%20log_statement%3Dall"
        ))
        .await
        .unwrap(),
    );
    let co = checkout(logged.clone());
    // The till, its members and the catalog cache as a running till has them.
    for n in 0..WARM {
        sell(&co, request(CAPTURE_TASK, n, CAPTURE_TILL), n).await;
    }
    let mut scripts = Vec::new();
    for n in WARM..WARM + 6 {
        let r = request(CAPTURE_TASK, n, CAPTURE_TILL);
        let key = r.idempotency_key.clone();
        let member = r.basket.customer().member_id.clone();
        let skus: Vec<String> = r.basket.lines().iter().map(|l| l.sku.to_string()).collect();
        let offset = log_len(&log);
        sell(&co, r, n).await;
        // The server writes its log as it goes; give it a moment to flush the last lines.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let statements = read_log(&log, offset, db);
        assert!(
            statements.iter().any(|s| s.sql.starts_with("INSERT INTO sales")),
            "the log at {} shows no sale of database {db}: is log_statement honoured?",
            log.display()
        );
        scripts.push(script(&statements, &key, member.as_deref(), &skus));
    }
    logged.pool().close().await;
    scripts
}

/// Runs pgbench with `scripts` (equal weights) from `clients` clients, `per_client`
/// transactions each; returns transactions per second.
fn pgbench(url: &str, files: &[std::path::PathBuf], clients: usize, per_client: usize, round: usize) -> f64 {
    let mut cmd = std::process::Command::new("pgbench");
    cmd.args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", "2", "-t", &per_client.to_string()]);
    // Ids keep growing from round to round, as time-ordered ones do.
    cmd.arg("-D").arg(format!("seq={}", round * 100_000));
    for f in files {
        cmd.arg("-f").arg(format!("{}@1", f.display()));
    }
    let out = cmd.arg(url).output().expect("pgbench on the PATH");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "pgbench failed: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    let failed = text.lines().find(|l| l.starts_with("number of failed transactions")).unwrap_or("");
    assert!(failed.is_empty() || failed.contains(": 0 "), "pgbench: {failed}");
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next().map(str::to_owned))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run this benchmark"
        );
        return;
    };
    let per_task: usize = std::env::var("SALES_PER_TASK").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let name = format!("pos_bench_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let pg = Arc::new(PostgresStore::open(&url).await.unwrap());
        let connections = pg.pool().options().get_max_connections() as usize;
        seed(&pg).await;
        let ours = Arc::new(checkout(pg.clone()));
        // The tasks' tills, members and the catalog cache, as in a running shop.
        run(ours.clone(), 0, WARM).await;

        let scripts = capture(&url, &name, &mut conn).await;
        // Each pgbench client's member starts from the account the captured member has.
        for c in 0..connections {
            sqlx::query(
                "INSERT INTO loyalty_accounts (store_id, member_id, version, account)
                 SELECT store_id, $1, version, account FROM loyalty_accounts
                 WHERE store_id = 'bench' AND member_id = $2",
            )
            .bind(format!("pgb-m{c}"))
            .bind(format!("m-{CAPTURE_TASK}-0"))
            .execute(pg.pool())
            .await
            .unwrap();
        }
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut files = Vec::new();
        for (i, s) in scripts.iter().enumerate() {
            let f = dir.join(format!("sale-{i}.sql"));
            std::fs::write(&f, s).unwrap();
            files.push(f);
        }
        println!(
            "captured {} kinds of sale ({} statements in all) into {}",
            scripts.len(),
            scripts.iter().map(|s| s.lines().filter(|l| !l.starts_with('\\')).count()).sum::<usize>(),
            dir.display()
        );

        let (mut mine, mut raw) = (Vec::new(), Vec::new());
        let total = TASKS * per_task;
        for round in 0..rounds {
            sqlx::query("ANALYZE").execute(pg.pool()).await.unwrap();
            let from = WARM + round * per_task;
            let r = run(ours.clone(), from, from + per_task).await;
            sqlx::query("ANALYZE").execute(pg.pool()).await.unwrap();
            let p = pgbench(&url, &files, connections, total / connections, round);
            println!("round {}: ours {r:.0} commits/s ({TASKS} tasks, {connections} connections), pgbench {p:.0} tps ({connections} clients)", round + 1);
            mine.push(r);
            raw.push(p);
        }
        let (m, p) = (median(mine), median(raw));
        println!("postgres: ours {m:.0} commits/s, pgbench {p:.0} tps (medians of {rounds} rounds); ratio ours / raw: {:.2}", m / p);
        pg.pool().close().await;
        if std::env::var("KEEP_DATABASE").is_ok() {
            println!("kept the database: {url}");
        } else {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&mut conn).await;
        }
        println!("the pgbench scripts are in {}", dir.display());

        let dir = std::env::temp_dir().join(format!("{name}-sqlite"));
        let sqlite = Arc::new(SqliteStore::open(dir.join("pos.db").to_str().unwrap()).await.unwrap());
        seed(&sqlite).await;
        let lite = Arc::new(checkout(sqlite));
        run(lite.clone(), 0, WARM).await;
        let rate = run(lite, WARM, WARM + per_task).await;
        println!("sqlite: {} sales from {TASKS} tasks: {rate:.0} commits/s", TASKS * per_task);
        let _ = std::fs::remove_dir_all(dir);
    });
}
