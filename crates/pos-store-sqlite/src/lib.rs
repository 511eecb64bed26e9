//! # pos-store-sqlite
//!
//! The embedded store: a SQLite file, zero setup. Implements every pos-app storage port with
//! sqlx; migrations are embedded and run on open. Writes take SQLite's write lock up front
//! (`BEGIN IMMEDIATE`), so a sale's reads and writes form one serialised transaction.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pos_app::StoreError> {
//! let store = pos_store_sqlite::SqliteStore::open("pos-data/pos.db").await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use pos_app::{
    CatalogStore, CommitOutcome, CommitStep, CouponStore, LoyaltyCommit, LoyaltyStore, MemberStore, OnHand,
    ParkStore, ParkedBasket, PaymentRecord, RefundCommit, SaleCommit, SaleStore, ShiftClose, ShiftRecord,
    ShiftStore, StockChange, StockDocument, StockStore, StoreError, StoredSale, receipt_number,
    return_number, z_number,
};
use pos_core::journal::{GENESIS, entry_hash};
use pos_core::{
    Catalog, Category, Currency, DocumentKind, JournalEntry, PriceList, Product, Promotion, Sku, StoreId,
};
use pos_inventory::{Level, LocationId, StockPolicy};
use pos_loyalty::{Coupon, Member, Phone, PointsAccount};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use uuid::Uuid;

/// The SQLite store.
pub struct SqliteStore {
    pool: SqlitePool,
    fail_at: Mutex<Option<CommitStep>>,
}

/// Maps a unique-key violation to the business error it means, anything else to `Backend`.
fn on_unique(e: sqlx::Error, meaning: impl FnOnce() -> StoreError) -> StoreError {
    if e.as_database_error().is_some_and(|d| d.is_unique_violation()) { meaning() } else { backend(e) }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend { message: e.to_string() }
}

fn milli(q: Decimal) -> Result<i64, StoreError> {
    (q * Decimal::ONE_THOUSAND).round().to_i64().ok_or_else(|| backend("quantity out of range"))
}

fn from_milli(m: i64) -> Decimal {
    Decimal::new(m, 3).normalize()
}

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(backend)
}

fn kind_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and runs the migrations.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the file cannot be opened or migrated.
    pub async fn open(path: &str) -> Result<Self, StoreError> {
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(backend)?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(backend)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(backend)?;
        Ok(SqliteStore { pool, fail_at: Mutex::new(None) })
    }

    /// The connection pool (for operators' tools and tests).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn fail(&self, step: CommitStep) -> Result<(), StoreError> {
        if *self.fail_at.lock().unwrap_or_else(|e| e.into_inner()) == Some(step) {
            return Err(StoreError::Injected { step });
        }
        Ok(())
    }

    /// A committed sale by idempotency key, with its request hash; on the pool or inside a
    /// transaction.
    async fn find_sale<'e, E: sqlx::Executor<'e, Database = Sqlite>>(
        executor: E,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(String, CommitOutcome)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, request_hash, terminal_id, number, journal_sequence FROM sales WHERE store_id = ? AND idempotency_key = ?",
        )
        .bind(&store.0)
        .bind(key)
        .fetch_optional(executor)
        .await
        .map_err(backend)?;
        row.map(|r| {
            let id: String = r.get(0);
            let terminal: String = r.get(2);
            let number: i64 = r.get(3);
            let seq: i64 = r.get(4);
            Ok((
                r.get::<String, _>(1),
                CommitOutcome {
                    sale_id: Uuid::parse_str(&id).map_err(backend)?,
                    number: number as u64,
                    receipt: receipt_number(&terminal, number as u64),
                    journal_sequence: seq as u64,
                    replayed: true,
                },
            ))
        })
        .transpose()
    }

    /// Next value of a per-terminal counter, with the hash stored beside it.
    async fn next(
        tx: &mut Transaction<'static, Sqlite>,
        store: &StoreId,
        terminal: &str,
        name: &str,
    ) -> Result<(u64, String), StoreError> {
        sqlx::query("INSERT INTO counters (store_id, terminal_id, name, last, last_hash) VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING")
            .bind(&store.0)
            .bind(terminal)
            .bind(name)
            .bind(GENESIS)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        let row = sqlx::query("UPDATE counters SET last = last + 1 WHERE store_id = ? AND terminal_id = ? AND name = ? RETURNING last, last_hash")
            .bind(&store.0)
            .bind(terminal)
            .bind(name)
            .fetch_one(&mut **tx)
            .await
            .map_err(backend)?;
        Ok((row.get::<i64, _>(0) as u64, row.get(1)))
    }

    async fn write_sale(&self, c: &SaleCommit) -> Result<CommitOutcome, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        // Under the write lock no other commit can slip in between this check and the insert.
        if let Some((hash, outcome)) = Self::find_sale(&mut *tx, &c.store, &c.idempotency_key).await? {
            if hash != c.request_hash {
                return Err(StoreError::IdempotencyConflict { key: c.idempotency_key.clone() });
            }
            return Ok(outcome);
        }
        let (number, _) = Self::next(&mut tx, &c.store, &c.terminal, "receipt").await?;
        let receipt = receipt_number(&c.terminal, number);
        let sale_id = c.sale_id.to_string();
        // The journal sequence is assigned now and written last; the sale row records it.
        let (sequence, prev_hash) = Self::next(&mut tx, &c.store, &c.terminal, "journal").await?;
        sqlx::query(
            "INSERT INTO sales (id, store_id, terminal_id, number, idempotency_key, request_hash, at, currency, total, cashier, journal_sequence, document)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&sale_id)
        .bind(&c.store.0)
        .bind(&c.terminal)
        .bind(number as i64)
        .bind(&c.idempotency_key)
        .bind(&c.request_hash)
        .bind(ts(c.at))
        .bind(c.currency.code())
        .bind(c.total.to_string())
        .bind(&c.cashier)
        .bind(sequence as i64)
        .bind(json(&c.document)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        self.fail(CommitStep::Sale)?;

        for l in &c.lines {
            sqlx::query("INSERT INTO sale_lines (id, store_id, sale_id, line_id, sku, quantity, discount, tax, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&sale_id)
                .bind(i64::from(l.line_id))
                .bind(l.sku.as_str())
                .bind(l.quantity.to_string())
                .bind(l.discount.to_string())
                .bind(l.tax.to_string())
                .bind(l.total.to_string())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        self.fail(CommitStep::Lines)?;

        for (position, p) in c.payments.iter().enumerate() {
            sqlx::query("INSERT INTO payments (id, store_id, sale_id, kind, amount, state, reference, brand, last4, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&sale_id)
                .bind(kind_of(&p.kind))
                .bind(p.amount.to_string())
                .bind(kind_of(&p.state))
                .bind(&p.reference)
                .bind(&p.brand)
                .bind(&p.last4)
                .bind(position as i64)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        self.fail(CommitStep::Payments)?;

        let mut takes = c.stock.clone();
        takes.sort_by(|a, b| (&a.location, &a.sku).cmp(&(&b.location, &b.sku)));
        for t in &takes {
            let q = milli(t.quantity)?;
            sqlx::query("INSERT INTO stock_levels (store_id, location_id, sku) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(&c.store.0)
                .bind(&t.location.0)
                .bind(t.sku.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            let updated = sqlx::query(
                "UPDATE stock_levels SET on_hand_milli = on_hand_milli - ?
                 WHERE store_id = ? AND location_id = ? AND sku = ? AND (allow_negative = 1 OR on_hand_milli - reserved_milli >= ?)",
            )
            .bind(q)
            .bind(&c.store.0)
            .bind(&t.location.0)
            .bind(t.sku.as_str())
            .bind(q)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if updated.rows_affected() == 0 {
                let available: i64 = sqlx::query_scalar(
                    "SELECT on_hand_milli - reserved_milli FROM stock_levels WHERE store_id = ? AND location_id = ? AND sku = ?",
                )
                .bind(&c.store.0)
                .bind(&t.location.0)
                .bind(t.sku.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
                return Err(StoreError::InsufficientStock {
                    sku: t.sku.to_string(),
                    location: t.location.0.clone(),
                    available: from_milli(available),
                    requested: t.quantity,
                });
            }
            sqlx::query("INSERT INTO stock_movements (id, store_id, location_id, sku, kind, on_hand_milli, document, actor, at) VALUES (?, ?, ?, ?, 'sale', ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&t.location.0)
                .bind(t.sku.as_str())
                .bind(-q)
                .bind(&receipt)
                .bind(&c.cashier)
                .bind(ts(c.at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        self.fail(CommitStep::Stock)?;

        if let Some(l) = &c.loyalty {
            write_loyalty(&mut tx, &c.store, &sale_id, l).await?;
        }
        for code in &c.coupons {
            let used = sqlx::query(
                "UPDATE coupons SET used_on = ? WHERE store_id = ? AND code = ? AND used_on IS NULL",
            )
            .bind(&receipt)
            .bind(&c.store.0)
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if used.rows_affected() != 1 {
                return Err(StoreError::Conflict { what: format!("coupon {code} (already used)") });
            }
        }
        self.fail(CommitStep::Loyalty)?;
        self.fail(CommitStep::Journal)?;

        append_journal(
            &mut tx,
            &c.store,
            &c.terminal,
            sequence,
            &prev_hash,
            DocumentKind::Sale,
            &receipt,
            c.at,
            &c.journal_payload,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(CommitOutcome { sale_id: c.sale_id, number, receipt, journal_sequence: sequence, replayed: false })
    }
}

/// Writes a member's account (optimistically, by version) and the ledger entries of a sale or
/// refund.
async fn write_loyalty(
    tx: &mut Transaction<'static, Sqlite>,
    store: &StoreId,
    document_id: &str,
    l: &LoyaltyCommit,
) -> Result<(), StoreError> {
    let updated = if l.expected_version == 0 {
        sqlx::query("INSERT INTO loyalty_accounts (store_id, member_id, version, account) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING")
            .bind(&store.0)
            .bind(&l.member)
            .bind(json(&l.account)?)
            .execute(&mut **tx)
            .await
    } else {
        sqlx::query("UPDATE loyalty_accounts SET version = version + 1, account = ? WHERE store_id = ? AND member_id = ? AND version = ?")
            .bind(json(&l.account)?)
            .bind(&store.0)
            .bind(&l.member)
            .bind(l.expected_version)
            .execute(&mut **tx)
            .await
    }
    .map_err(backend)?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict { what: format!("points account of {}", l.member) });
    }
    for e in &l.entries {
        let kind = serde_json::to_value(&e.kind)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str().map(str::to_owned)));
        sqlx::query("INSERT INTO loyalty_entries (id, store_id, member_id, sale_id, sequence, kind, points, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(Uuid::now_v7().to_string())
            .bind(&store.0)
            .bind(&l.member)
            .bind(document_id)
            .bind(e.sequence as i64)
            .bind(kind.unwrap_or_default())
            .bind(e.points)
            .bind(ts(e.at))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Appends a record to a terminal's journal and moves the chain head.
#[allow(clippy::too_many_arguments)]
async fn append_journal(
    tx: &mut Transaction<'static, Sqlite>,
    store: &StoreId,
    terminal: &str,
    sequence: u64,
    prev_hash: &str,
    kind: DocumentKind,
    document_id: &str,
    at: DateTime<Utc>,
    payload: &str,
) -> Result<(), StoreError> {
    let hash = entry_hash(prev_hash, terminal, sequence, kind, document_id, at, payload);
    sqlx::query("INSERT INTO journal (store_id, terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(&store.0)
        .bind(terminal)
        .bind(sequence as i64)
        .bind(kind_of(&kind))
        .bind(document_id)
        .bind(ts(at))
        .bind(payload)
        .bind(prev_hash)
        .bind(&hash)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "UPDATE counters SET last_hash = ? WHERE store_id = ? AND terminal_id = ? AND name = 'journal'",
    )
    .bind(&hash)
    .bind(&store.0)
    .bind(terminal)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

impl SqliteStore {
    async fn write_refund(&self, c: &RefundCommit) -> Result<CommitOutcome, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let existing = sqlx::query("SELECT id, request_hash, number, journal_sequence FROM refunds WHERE store_id = ? AND idempotency_key = ?")
            .bind(&c.store.0)
            .bind(&c.idempotency_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if let Some(r) = existing {
            if r.get::<String, _>(1) != c.request_hash {
                return Err(StoreError::IdempotencyConflict { key: c.idempotency_key.clone() });
            }
            let number = r.get::<i64, _>(2) as u64;
            return Ok(CommitOutcome {
                sale_id: Uuid::parse_str(&r.get::<String, _>(0)).map_err(backend)?,
                number,
                receipt: return_number(c.kind, &c.terminal, number),
                journal_sequence: r.get::<i64, _>(3) as u64,
                replayed: true,
            });
        }
        let (number, _) = Self::next(&mut tx, &c.store, &c.terminal, "refund").await?;
        let (sequence, prev_hash) = Self::next(&mut tx, &c.store, &c.terminal, "journal").await?;
        let receipt = return_number(c.kind, &c.terminal, number);
        let (refund_id, sale_id) = (c.refund_id.to_string(), c.sale_id.to_string());
        sqlx::query("INSERT INTO refunds (id, store_id, terminal_id, number, idempotency_key, request_hash, sale_id, at, total, journal_sequence, document, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(&refund_id)
            .bind(&c.store.0)
            .bind(&c.terminal)
            .bind(number as i64)
            .bind(&c.idempotency_key)
            .bind(&c.request_hash)
            .bind(&sale_id)
            .bind(ts(c.at))
            .bind(c.total.to_string())
            .bind(sequence as i64)
            .bind(json(&c.document)?)
            .bind(kind_of(&c.kind))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for l in &c.lines {
            sqlx::query("INSERT INTO refund_lines (id, store_id, refund_id, sale_id, line_id, amount) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&refund_id)
                .bind(&sale_id)
                .bind(i64::from(l.line_id))
                .bind(l.amount.to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| on_unique(e, || StoreError::AlreadyRefunded { line: l.line_id }))?;
        }
        for p in &c.payments {
            sqlx::query("INSERT INTO refund_payments (id, store_id, refund_id, sale_id, position, kind, amount, reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&refund_id)
                .bind(&sale_id)
                .bind(p.payment as i64)
                .bind(kind_of(&p.kind))
                .bind(p.amount.to_string())
                .bind(&p.reference)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for r in &c.stock {
            let q = milli(r.quantity)?;
            sqlx::query("INSERT INTO stock_levels (store_id, location_id, sku, on_hand_milli) VALUES (?, ?, ?, ?) ON CONFLICT (store_id, location_id, sku) DO UPDATE SET on_hand_milli = on_hand_milli + excluded.on_hand_milli")
                .bind(&c.store.0)
                .bind(&r.location.0)
                .bind(r.sku.as_str())
                .bind(q)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            sqlx::query("INSERT INTO stock_movements (id, store_id, location_id, sku, kind, on_hand_milli, document, actor, at) VALUES (?, ?, ?, ?, 'return', ?, ?, 'refund', ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&r.location.0)
                .bind(r.sku.as_str())
                .bind(q)
                .bind(&receipt)
                .bind(ts(c.at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if let Some(l) = &c.loyalty {
            write_loyalty(&mut tx, &c.store, &refund_id, l).await?;
        }
        append_journal(
            &mut tx,
            &c.store,
            &c.terminal,
            sequence,
            &prev_hash,
            c.kind,
            &receipt,
            c.at,
            &c.journal_payload,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(CommitOutcome {
            sale_id: c.refund_id,
            number,
            receipt,
            journal_sequence: sequence,
            replayed: false,
        })
    }
}

/// Inserts a new stock document or moves an existing one from its expected state.
async fn write_document(
    tx: &mut Transaction<'static, Sqlite>,
    store: &StoreId,
    d: &StockDocument,
) -> Result<(), StoreError> {
    let done = match &d.expected_state {
        None => sqlx::query("INSERT INTO stock_documents (store_id, kind, id, state, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(&store.0)
            .bind(&d.kind)
            .bind(&d.id)
            .bind(&d.state)
            .bind(json(&d.data)?)
            .execute(&mut **tx)
            .await,
        Some(expected) => sqlx::query("UPDATE stock_documents SET state = ?, data = ? WHERE store_id = ? AND kind = ? AND id = ? AND state = ?")
            .bind(&d.state)
            .bind(json(&d.data)?)
            .bind(&store.0)
            .bind(&d.kind)
            .bind(&d.id)
            .bind(expected)
            .execute(&mut **tx)
            .await,
    }
    .map_err(backend)?;
    if done.rows_affected() != 1 {
        return Err(match d.expected_state {
            None => StoreError::Duplicate { what: format!("{} {}", d.kind, d.id) },
            Some(_) => StoreError::Conflict { what: format!("{} {} (state changed)", d.kind, d.id) },
        });
    }
    Ok(())
}

async fn upsert_doc(
    pool: &SqlitePool,
    table: &'static str,
    store: &StoreId,
    id: &str,
    data: String,
) -> Result<(), StoreError> {
    let sql = match table {
        "categories" => {
            "INSERT INTO categories (store_id, id, data) VALUES (?, ?, ?) ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data"
        }
        "products" => {
            "INSERT INTO products (store_id, sku, data) VALUES (?, ?, ?) ON CONFLICT (store_id, sku) DO UPDATE SET data = excluded.data"
        }
        _ => {
            "INSERT INTO promotions (store_id, id, data) VALUES (?, ?, ?) ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data"
        }
    };
    sqlx::query(sql).bind(&store.0).bind(id).bind(data).execute(pool).await.map_err(backend)?;
    Ok(())
}

async fn docs<T: serde::de::DeserializeOwned>(
    pool: &SqlitePool,
    sql: &'static str,
    store: &StoreId,
) -> Result<Vec<T>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar(sql).bind(&store.0).fetch_all(pool).await.map_err(backend)?;
    rows.iter().map(|r| serde_json::from_str(r).map_err(backend)).collect()
}

#[async_trait]
impl CatalogStore for SqliteStore {
    async fn upsert_price_list(&self, store: &StoreId, list: &PriceList) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO price_lists (store_id, id, data) VALUES (?, ?, ?) ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data")
            .bind(&store.0)
            .bind(&list.id)
            .bind(json(list)?)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn upsert_category(&self, store: &StoreId, category: &Category) -> Result<(), StoreError> {
        upsert_doc(&self.pool, "categories", store, &category.id.0, json(category)?).await
    }
    async fn upsert_product(&self, store: &StoreId, product: &Product) -> Result<(), StoreError> {
        upsert_doc(&self.pool, "products", store, product.sku.as_str(), json(product)?).await
    }
    async fn upsert_promotion(&self, store: &StoreId, promotion: &Promotion) -> Result<(), StoreError> {
        upsert_doc(&self.pool, "promotions", store, promotion.id().as_str(), json(promotion)?).await
    }
    async fn load_catalog(&self, store: &StoreId, currency: Currency) -> Result<Catalog, StoreError> {
        let categories: Vec<Category> =
            docs(&self.pool, "SELECT data FROM categories WHERE store_id = ? ORDER BY id", store).await?;
        let products: Vec<Product> =
            docs(&self.pool, "SELECT data FROM products WHERE store_id = ? ORDER BY sku", store).await?;
        {
            let mut catalog = Catalog::from_rows(currency, categories, products).map_err(backend)?;
            let lists: Vec<PriceList> =
                docs(&self.pool, "SELECT data FROM price_lists WHERE store_id = ? ORDER BY id", store)
                    .await?;
            for list in lists {
                catalog.add_price_list(list).map_err(backend)?;
            }
            Ok(catalog)
        }
    }
    async fn load_promotions(&self, store: &StoreId) -> Result<Vec<Promotion>, StoreError> {
        docs(&self.pool, "SELECT data FROM promotions WHERE store_id = ? ORDER BY id", store).await
    }
}

#[async_trait]
impl StockStore for SqliteStore {
    async fn set_policy(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        policy: StockPolicy,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO stock_levels (store_id, location_id, sku, allow_negative, reorder_point_milli, reorder_quantity_milli) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (store_id, location_id, sku) DO UPDATE SET allow_negative = excluded.allow_negative,
                 reorder_point_milli = excluded.reorder_point_milli, reorder_quantity_milli = excluded.reorder_quantity_milli",
        )
        .bind(&store.0)
        .bind(&location.0)
        .bind(sku.as_str())
        .bind(policy.allow_negative)
        .bind(policy.reorder_point.map(milli).transpose()?)
        .bind(policy.reorder_quantity.map(milli).transpose()?)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn receive(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let q = milli(quantity)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO stock_levels (store_id, location_id, sku, on_hand_milli) VALUES (?, ?, ?, ?)
             ON CONFLICT (store_id, location_id, sku) DO UPDATE SET on_hand_milli = on_hand_milli + excluded.on_hand_milli",
        )
        .bind(&store.0)
        .bind(&location.0)
        .bind(sku.as_str())
        .bind(q)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("INSERT INTO stock_movements (id, store_id, location_id, sku, kind, on_hand_milli, document, actor, at) VALUES (?, ?, ?, ?, 'goods_receipt', ?, NULL, ?, ?)")
            .bind(Uuid::now_v7().to_string())
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .bind(q)
            .bind(actor)
            .bind(ts(at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError> {
        let row = sqlx::query("SELECT on_hand_milli, reserved_milli FROM stock_levels WHERE store_id = ? AND location_id = ? AND sku = ?")
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.map_or_else(Level::default, |r| {
            let (on_hand, reserved) = (from_milli(r.get(0)), from_milli(r.get(1)));
            Level { on_hand, reserved, available: on_hand - reserved }
        }))
    }

    async fn below_reorder_point(
        &self,
        store: &StoreId,
    ) -> Result<Vec<(LocationId, Sku, Decimal, Decimal, Decimal)>, StoreError> {
        let rows = sqlx::query(
            "SELECT location_id, sku, on_hand_milli - reserved_milli, reorder_point_milli, reorder_quantity_milli FROM stock_levels
             WHERE store_id = ? AND reorder_point_milli IS NOT NULL AND reorder_quantity_milli IS NOT NULL
               AND on_hand_milli - reserved_milli <= reorder_point_milli
             ORDER BY location_id, sku",
        )
        .bind(&store.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok((
                    LocationId(r.get(0)),
                    Sku::parse(&r.get::<String, _>(1)).map_err(backend)?,
                    from_milli(r.get(2)),
                    from_milli(r.get(3)),
                    from_milli(r.get(4)),
                ))
            })
            .collect()
    }

    async fn stock_documents_in_state(
        &self,
        store: &StoreId,
        kind: &str,
        state: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, data FROM stock_documents WHERE store_id = ? AND kind = ? AND state = ? ORDER BY id",
        )
        .bind(&store.0)
        .bind(kind)
        .bind(state)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| Ok((r.get(0), serde_json::from_str(&r.get::<String, _>(1)).map_err(backend)?)))
            .collect()
    }

    async fn apply_stock(&self, c: &StockChange) -> Result<Vec<Decimal>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        if let Some(d) = &c.document {
            write_document(&mut tx, &c.store, d).await?;
        }
        let mut order: Vec<usize> = (0..c.moves.len()).collect();
        order.sort_by(|a, b| {
            (&c.moves[*a].location, &c.moves[*a].sku).cmp(&(&c.moves[*b].location, &c.moves[*b].sku))
        });
        let mut deltas = vec![Decimal::ZERO; c.moves.len()];
        for i in order {
            let m = &c.moves[i];
            sqlx::query("INSERT INTO stock_levels (store_id, location_id, sku) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(&c.store.0)
                .bind(&m.location.0)
                .bind(m.sku.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            let row = sqlx::query("SELECT on_hand_milli, reserved_milli, allow_negative FROM stock_levels WHERE store_id = ? AND location_id = ? AND sku = ?")
                .bind(&c.store.0)
                .bind(&m.location.0)
                .bind(m.sku.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
            let (on_hand, reserved, allow_negative): (i64, i64, bool) = (row.get(0), row.get(1), row.get(2));
            let d = match m.on_hand {
                OnHand::By(x) => milli(x)?,
                OnHand::To(v) => milli(v)? - on_hand,
            };
            let r = milli(m.reserved)?;
            let available_change = d - r;
            if available_change < 0 && (m.strict || !allow_negative) && on_hand + d - reserved - r < 0 {
                return Err(StoreError::InsufficientStock {
                    sku: m.sku.to_string(),
                    location: m.location.0.clone(),
                    available: from_milli(on_hand - reserved),
                    requested: from_milli(-available_change),
                });
            }
            sqlx::query("UPDATE stock_levels SET on_hand_milli = on_hand_milli + ?, reserved_milli = reserved_milli + ? WHERE store_id = ? AND location_id = ? AND sku = ?")
                .bind(d)
                .bind(r)
                .bind(&c.store.0)
                .bind(&m.location.0)
                .bind(m.sku.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            sqlx::query("INSERT INTO stock_movements (id, store_id, location_id, sku, kind, on_hand_milli, reserved_milli, document, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(Uuid::now_v7().to_string())
                .bind(&c.store.0)
                .bind(&m.location.0)
                .bind(m.sku.as_str())
                .bind(&m.kind)
                .bind(d)
                .bind(r)
                .bind(c.document.as_ref().map(|d| format!("{} {}", d.kind, d.id)))
                .bind(&c.actor)
                .bind(ts(c.at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            deltas[i] = from_milli(d);
        }
        tx.commit().await.map_err(backend)?;
        Ok(deltas)
    }

    async fn stock_document(
        &self,
        store: &StoreId,
        kind: &str,
        id: &str,
    ) -> Result<Option<(String, serde_json::Value)>, StoreError> {
        let row =
            sqlx::query("SELECT state, data FROM stock_documents WHERE store_id = ? AND kind = ? AND id = ?")
                .bind(&store.0)
                .bind(kind)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.map(|r| Ok((r.get(0), serde_json::from_str(&r.get::<String, _>(1)).map_err(backend)?)))
            .transpose()
    }
}

#[async_trait]
impl LoyaltyStore for SqliteStore {
    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError> {
        docs(&self.pool, "SELECT account FROM loyalty_accounts WHERE store_id = ? ORDER BY member_id", store)
            .await
    }

    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError> {
        let row =
            sqlx::query("SELECT account, version FROM loyalty_accounts WHERE store_id = ? AND member_id = ?")
                .bind(&store.0)
                .bind(member)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.map(|r| Ok((serde_json::from_str(&r.get::<String, _>(0)).map_err(backend)?, r.get(1))))
            .transpose()
    }
}

#[async_trait]
impl CouponStore for SqliteStore {
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError> {
        let done = sqlx::query("INSERT INTO coupons (store_id, code, member_id, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(&store.0)
            .bind(&coupon.code)
            .bind(&coupon.member)
            .bind(json(coupon)?)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Duplicate { what: format!("coupon {}", coupon.code) });
        }
        Ok(())
    }

    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError> {
        let row = sqlx::query("SELECT data, used_on FROM coupons WHERE store_id = ? AND code = ?")
            .bind(&store.0)
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| {
            let mut c: Coupon = serde_json::from_str(&r.get::<String, _>(0)).map_err(backend)?;
            c.used_on = r.get(1);
            Ok(c)
        })
        .transpose()
    }
}

#[async_trait]
impl MemberStore for SqliteStore {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO members (store_id, id, phone, data) VALUES (?, ?, ?, ?)
             ON CONFLICT (store_id, id) DO UPDATE SET phone = excluded.phone, data = excluded.data",
        )
        .bind(&store.0)
        .bind(&member.id)
        .bind(member.phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(json(member)?)
        .execute(&self.pool)
        .await
        .map_err(|e| on_unique(e, || StoreError::Duplicate { what: "phone number".into() }))?;
        Ok(())
    }

    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT data FROM members WHERE store_id = ? AND id = ?")
                .bind(&store.0)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.map(|r| serde_json::from_str(&r).map_err(backend)).transpose()
    }

    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT data FROM members WHERE store_id = ? AND phone = ?")
                .bind(&store.0)
                .bind(phone.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.map(|r| serde_json::from_str(&r).map_err(backend)).transpose()
    }
}

fn parked_row(r: &sqlx::sqlite::SqliteRow) -> Result<ParkedBasket, StoreError> {
    Ok(ParkedBasket {
        id: Uuid::parse_str(&r.get::<String, _>(0)).map_err(backend)?,
        terminal: r.get(1),
        at: DateTime::parse_from_rfc3339(&r.get::<String, _>(2)).map_err(backend)?.with_timezone(&Utc),
        basket: serde_json::from_str(&r.get::<String, _>(3)).map_err(backend)?,
    })
}

#[async_trait]
impl ParkStore for SqliteStore {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO parked_baskets (store_id, id, terminal_id, at, data) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&store.0)
        .bind(parked.id.to_string())
        .bind(&parked.terminal)
        .bind(ts(parked.at))
        .bind(json(&parked.basket)?)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM parked_baskets WHERE store_id = ? AND id = ? RETURNING id, terminal_id, at, data",
        )
        .bind(&store.0)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.as_ref().map(parked_row).transpose()
    }

    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let rows = sqlx::query("SELECT id, terminal_id, at, data FROM parked_baskets WHERE store_id = ? AND terminal_id = ? ORDER BY at, id")
            .bind(&store.0)
            .bind(terminal)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(parked_row).collect()
    }
}

#[async_trait]
impl ShiftStore for SqliteStore {
    async fn open_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO shifts (store_id, id, terminal_id, opened_at, data) VALUES (?, ?, ?, ?, ?)")
            .bind(&store.0)
            .bind(shift.id.to_string())
            .bind(&shift.terminal)
            .bind(ts(shift.opened_at))
            .bind(json(shift)?)
            .execute(&self.pool)
            .await
            .map_err(|e| on_unique(e, || StoreError::Duplicate { what: "open shift on terminal".into() }))?;
        Ok(())
    }

    async fn current_shift(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Option<ShiftRecord>, StoreError> {
        let row: Option<String> = sqlx::query_scalar(
            "SELECT data FROM shifts WHERE store_id = ? AND terminal_id = ? AND closed_at IS NULL",
        )
        .bind(&store.0)
        .bind(terminal)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|r| serde_json::from_str(&r).map_err(backend)).transpose()
    }

    async fn save_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE shifts SET data = ? WHERE store_id = ? AND id = ? AND closed_at IS NULL")
                .bind(json(shift)?)
                .bind(&store.0)
                .bind(shift.id.to_string())
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "shift (no longer open)".into() });
        }
        Ok(())
    }

    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT last FROM counters WHERE store_id = ? AND terminal_id = ? AND name = 'z'",
        )
        .bind(&store.0)
        .bind(terminal)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(last.unwrap_or(0) as u64)
    }

    async fn close_shift(&self, c: &ShiftClose) -> Result<CommitOutcome, StoreError> {
        let shift = &c.shift;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let closed = sqlx::query("UPDATE shifts SET closed_at = ?, report = ?, data = ? WHERE store_id = ? AND id = ? AND closed_at IS NULL")
            .bind(ts(c.at))
            .bind(json(&c.report)?)
            .bind(json(shift)?)
            .bind(&c.store.0)
            .bind(shift.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if closed.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "shift (already closed)".into() });
        }
        let (number, _) = Self::next(&mut tx, &c.store, &shift.terminal, "z").await?;
        if number != c.z_number {
            return Err(StoreError::Conflict { what: "Z number".into() });
        }
        let (sequence, prev_hash) = Self::next(&mut tx, &c.store, &shift.terminal, "journal").await?;
        let document = z_number(&shift.terminal, number);
        append_journal(
            &mut tx,
            &c.store,
            &shift.terminal,
            sequence,
            &prev_hash,
            DocumentKind::ShiftClose,
            &document,
            c.at,
            &c.journal_payload,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        Ok(CommitOutcome {
            sale_id: shift.id,
            number,
            receipt: document,
            journal_sequence: sequence,
            replayed: false,
        })
    }
}

#[async_trait]
impl SaleStore for SqliteStore {
    async fn commit_sale(&self, commit: &SaleCommit) -> Result<CommitOutcome, StoreError> {
        if let Some((hash, outcome)) =
            Self::find_sale(&self.pool, &commit.store, &commit.idempotency_key).await?
        {
            if hash != commit.request_hash {
                return Err(StoreError::IdempotencyConflict { key: commit.idempotency_key.clone() });
            }
            return Ok(outcome);
        }
        // Dropping the transaction on any error rolls everything back.
        self.write_sale(commit).await
    }

    async fn load_sale(&self, store: &StoreId, receipt: &str) -> Result<Option<StoredSale>, StoreError> {
        let Some((terminal, number)) =
            receipt.rsplit_once('-').and_then(|(t, n)| Some((t, n.parse::<i64>().ok()?)))
        else {
            return Ok(None);
        };
        let Some(row) = sqlx::query(
            "SELECT id, document FROM sales WHERE store_id = ? AND terminal_id = ? AND number = ?",
        )
        .bind(&store.0)
        .bind(terminal)
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        else {
            return Ok(None);
        };
        let sale_id: String = row.get(0);
        let document: serde_json::Value = serde_json::from_str(&row.get::<String, _>(1)).map_err(backend)?;
        let payments = sqlx::query("SELECT kind, amount, state, reference, brand, last4 FROM payments WHERE sale_id = ? ORDER BY position")
            .bind(&sale_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(|r| {
                let text = |i: usize| serde_json::Value::String(r.get::<String, _>(i));
                Ok(PaymentRecord {
                    kind: serde_json::from_value(text(0)).map_err(backend)?,
                    amount: r.get::<String, _>(1).parse().map_err(backend)?,
                    state: serde_json::from_value(text(2)).map_err(backend)?,
                    reference: r.get(3),
                    brand: r.get(4),
                    last4: r.get(5),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let refunded_lines: Vec<i64> =
            sqlx::query_scalar("SELECT line_id FROM refund_lines WHERE sale_id = ? ORDER BY line_id")
                .bind(&sale_id)
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        let mut refunded_per_payment = vec![Decimal::ZERO; payments.len()];
        for r in sqlx::query("SELECT position, amount FROM refund_payments WHERE sale_id = ?")
            .bind(&sale_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            if let Some(x) = refunded_per_payment.get_mut(r.get::<i64, _>(0) as usize) {
                *x += r.get::<String, _>(1).parse::<Decimal>().map_err(backend)?;
            }
        }
        Ok(Some(StoredSale {
            sale_id: Uuid::parse_str(&sale_id).map_err(backend)?,
            terminal: terminal.to_owned(),
            number: number as u64,
            document,
            payments,
            refunded_lines: refunded_lines.into_iter().map(|l| l as u32).collect(),
            refunded_per_payment,
        }))
    }

    async fn commit_refund(&self, commit: &RefundCommit) -> Result<CommitOutcome, StoreError> {
        self.write_refund(commit).await
    }

    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash FROM journal
             WHERE store_id = ? AND terminal_id = ? ORDER BY sequence",
        )
        .bind(&store.0)
        .bind(terminal)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.get(2);
                let recorded: String = r.get(4);
                Ok(JournalEntry {
                    terminal: r.get(0),
                    sequence: r.get::<i64, _>(1) as u64,
                    kind: serde_json::from_value(serde_json::Value::String(kind)).map_err(backend)?,
                    document_id: r.get(3),
                    recorded_at: DateTime::parse_from_rfc3339(&recorded)
                        .map_err(backend)?
                        .with_timezone(&Utc),
                    payload: r.get(5),
                    prev_hash: r.get(6),
                    hash: r.get(7),
                })
            })
            .collect()
    }

    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, document FROM sales WHERE store_id = ? AND terminal_id = ? ORDER BY number",
        )
        .bind(&store.0)
        .bind(terminal)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok((
                    receipt_number(terminal, r.get::<i64, _>(0) as u64),
                    serde_json::from_str(&r.get::<String, _>(1)).map_err(backend)?,
                ))
            })
            .collect()
    }

    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DocumentKind, DateTime<Utc>, serde_json::Value)>, StoreError> {
        // Times are stored as fixed-width RFC 3339 UTC text, so text order is time order.
        let rows = sqlx::query(
            "SELECT 'sale' AS kind, at, document FROM sales WHERE store_id = ?1 AND at >= ?2 AND at < ?3
             UNION ALL
             SELECT kind, at, document FROM refunds WHERE store_id = ?1 AND at >= ?2 AND at < ?3
             ORDER BY at",
        )
        .bind(&store.0)
        .bind(ts(from))
        .bind(ts(to))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let kind =
                    if r.get::<String, _>(0) == "sale" { DocumentKind::Sale } else { DocumentKind::Refund };
                let at = DateTime::parse_from_rfc3339(&r.get::<String, _>(1))
                    .map_err(backend)?
                    .with_timezone(&Utc);
                Ok((kind, at, serde_json::from_str(&r.get::<String, _>(2)).map_err(backend)?))
            })
            .collect()
    }

    async fn row_counts(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut out = BTreeMap::new();
        for (name, sql) in [
            ("sales", "SELECT COUNT(*) FROM sales"),
            ("sale_lines", "SELECT COUNT(*) FROM sale_lines"),
            ("payments", "SELECT COUNT(*) FROM payments"),
            ("stock_movements", "SELECT COUNT(*) FROM stock_movements"),
            ("loyalty_entries", "SELECT COUNT(*) FROM loyalty_entries"),
            ("journal", "SELECT COUNT(*) FROM journal"),
            ("refunds", "SELECT COUNT(*) FROM refunds"),
            ("refund_lines", "SELECT COUNT(*) FROM refund_lines"),
            ("refund_payments", "SELECT COUNT(*) FROM refund_payments"),
            ("loyalty_accounts", "SELECT COUNT(*) FROM loyalty_accounts"),
            ("members", "SELECT COUNT(*) FROM members"),
            ("coupons", "SELECT COUNT(*) FROM coupons WHERE used_on IS NOT NULL"),
            ("coupons_issued", "SELECT COUNT(*) FROM coupons"),
            ("parked_baskets", "SELECT COUNT(*) FROM parked_baskets"),
            ("shifts", "SELECT COUNT(*) FROM shifts"),
            ("stock_documents", "SELECT COUNT(*) FROM stock_documents"),
            ("price_lists", "SELECT COUNT(*) FROM price_lists"),
        ] {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&self.pool).await.map_err(backend)?;
            out.insert(name.to_owned(), n);
        }
        Ok(out)
    }

    fn inject_failure(&self, step: Option<CommitStep>) {
        *self.fail_at.lock().unwrap_or_else(|e| e.into_inner()) = step;
    }
}
