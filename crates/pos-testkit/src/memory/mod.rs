//! An in-memory store with the semantics of the database adapters: a transaction holds the
//! store's one lock (like SQLite's write lock), works on a copy of the state and replaces it on
//! commit; dropping it leaves the state as it was. The commit scripts in pos-app run on it
//! exactly as on SQLite and Postgres.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::ports::{
    AttemptState, AttemptStore, AuditStore, CatalogStore, ChainHead, Counter, CouponStore, EventSteps,
    EventStore, JournalSteps, JournalStore, LineRecord, LoyaltySteps, LoyaltyStore, MovementRecord,
    ParkedBasket, PaymentAttempt, PaymentRecord, PointsEntries, PointsRecord, PriorCommit, RefundLineRecord,
    RefundPayment, ReturnClaim, ReturnCommit, ReturnRows, ReturnSteps, Returned, SaleCommit, SaleRows,
    SaleSteps, SaleStore, ShiftClose, ShiftRecord, ShiftSteps, ShiftStore, StockDocument, StockDocumentKind,
    StockLine, StockRow, StockSteps, StockStore, StoredDocument, StoredSale, TerminalRows, Transactional,
    UnitOfWork, receipt_number, valid,
};
use pos_app::reports::{Dim, ReportFact};
use pos_app::{
    Event, EventData, NewEvent, ReturnDocument, ReturnKind, SaleDocument, ShiftCloseDocument, StoreError,
};
use pos_core::journal::GENESIS;
use pos_core::{
    Catalog, Category, Currency, JournalEntry, Money, PriceList, Product, Promotion, Sku, StoreId,
};
use pos_inventory::{Level, LocationId, Movement, Reservation, ReservationState, StockPolicy};
use pos_loyalty::{Coupon, LedgerEntry, Member, PointsAccount};
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;

mod access;
mod members;
mod tx;
use access::Access;
use tx::prior;

#[derive(Clone)]
pub(crate) struct SaleRow {
    pub(crate) terminal: String,
    pub(crate) number: u64,
    pub(crate) key: String,
    pub(crate) request_hash: String,
    pub(crate) journal_sequence: u64,
    pub(crate) at: DateTime<Utc>,
    pub(crate) total: Money,
    pub(crate) cashier: String,
    pub(crate) document: SaleDocument,
    pub(crate) lines: Vec<LineRecord>,
    pub(crate) payments: Vec<PaymentRecord>,
}

#[derive(Clone)]
pub(crate) struct ReturnRow {
    pub(crate) terminal: String,
    pub(crate) number: u64,
    pub(crate) key: String,
    pub(crate) request_hash: String,
    pub(crate) journal_sequence: u64,
    pub(crate) kind: ReturnKind,
    pub(crate) sale_id: Uuid,
    pub(crate) at: DateTime<Utc>,
    pub(crate) total: Money,
    pub(crate) document: ReturnDocument,
    pub(crate) lines: Vec<RefundLineRecord>,
    pub(crate) payments: Vec<RefundPayment>,
}

type Key<T> = (StoreId, T);

#[derive(Clone, Default)]
pub(crate) struct State {
    pub(crate) categories: BTreeMap<Key<String>, Category>,
    pub(crate) products: BTreeMap<Key<Sku>, Product>,
    promotions: BTreeMap<Key<String>, Promotion>,
    pub(crate) price_lists: BTreeMap<Key<String>, PriceList>,
    pub(crate) stock: BTreeMap<Key<(LocationId, Sku)>, StockRow>,
    pub(crate) movements: Vec<(StoreId, MovementRecord)>,
    pub(crate) stock_documents: BTreeMap<Key<(StockDocumentKind, String)>, StockDocument>,
    pub(crate) request_keys: std::collections::BTreeSet<Key<String>>,
    pub(crate) counters: BTreeMap<Key<(String, Counter)>, u64>,
    pub(crate) heads: BTreeMap<Key<String>, ChainHead>,
    pub(crate) journal: BTreeMap<Key<String>, Vec<JournalEntry>>,
    pub(crate) sales: BTreeMap<Key<Uuid>, SaleRow>,
    pub(crate) returns: BTreeMap<Key<Uuid>, ReturnRow>,
    pub(crate) accounts: BTreeMap<Key<String>, (PointsAccount, i64)>,
    pub(crate) ledger: Vec<(StoreId, String, Uuid, LedgerEntry)>,
    pub(crate) members: BTreeMap<Key<String>, Member>,
    pub(crate) parked: BTreeMap<Key<Uuid>, ParkedBasket>,
    pub(crate) shifts: BTreeMap<Key<Uuid>, (ShiftRecord, Option<ShiftCloseDocument>)>,
    pub(crate) coupons: BTreeMap<Key<String>, Coupon>,
    pub(crate) attempts: BTreeMap<Key<String>, PaymentAttempt>,
    pub(crate) claims: BTreeMap<Key<Uuid>, ReturnClaim>,
    /// (sale, line) -> the claim that took it.
    pub(crate) claimed: BTreeMap<Key<(Uuid, u32)>, Uuid>,
    pub(crate) promotion_uses: BTreeMap<Key<String>, u32>,
    pub(crate) events: Vec<(StoreId, Event)>,
    access: Access,
    pub(crate) facts: BTreeMap<(StoreId, chrono::NaiveDate, u32, Dim, String), ReportFact>,
    event_heads: BTreeMap<StoreId, u64>,
}

impl State {
    /// Appends an event with the store's next sequence.
    fn append_event(&mut self, store: &StoreId, event: &NewEvent) -> u64 {
        let head = self.event_heads.entry(store.clone()).or_insert(0);
        *head += 1;
        let sequence = *head;
        self.events.push((store.clone(), event.clone().committed(sequence)));
        sequence
    }
}

/// The in-memory store.
#[derive(Default, Clone)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
    catalog_loads: Arc<std::sync::atomic::AtomicU64>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// How many times the whole catalog was loaded (tests of the catalog cache count them).
    pub fn catalog_loads(&self) -> u64 {
        self.catalog_loads.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) async fn lock(&self) -> tokio::sync::MutexGuard<'_, State> {
        self.state.lock().await
    }
}

/// The values of one store.
fn of<'a, K: 'a, V: 'a>(
    map: &'a BTreeMap<Key<K>, V>,
    store: &'a StoreId,
) -> impl Iterator<Item = &'a V> + 'a {
    map.iter().filter(move |(k, _)| &k.0 == store).map(|(_, v)| v)
}

#[async_trait]
impl CatalogStore for MemoryStore {
    async fn upsert_category(&self, store: &StoreId, category: &Category) -> Result<(), StoreError> {
        valid::category(category)?;
        let mut s = self.lock().await;
        s.categories.insert((store.clone(), category.id.0.clone()), category.clone());
        s.append_event(store, &NewEvent::now(EventData::CategoryChanged { category: category.clone() }));
        Ok(())
    }
    async fn upsert_product(&self, store: &StoreId, product: &Product) -> Result<(), StoreError> {
        valid::product(product)?;
        let mut s = self.lock().await;
        s.products.insert((store.clone(), product.sku.clone()), product.clone());
        s.append_event(
            store,
            &NewEvent::now(EventData::ProductChanged { product: Box::new(product.clone()) }),
        );
        Ok(())
    }
    async fn upsert_products(&self, store: &StoreId, products: &[Product]) -> Result<(), StoreError> {
        let mut last = std::collections::HashMap::new();
        for (i, p) in products.iter().enumerate() {
            valid::product(p)?;
            last.insert(&p.sku, i);
        }
        let mut s = self.lock().await;
        for (i, p) in products.iter().enumerate() {
            if last.get(&p.sku) == Some(&i) {
                s.products.insert((store.clone(), p.sku.clone()), p.clone());
                s.append_event(
                    store,
                    &NewEvent::now(EventData::ProductChanged { product: Box::new(p.clone()) }),
                );
            }
        }
        Ok(())
    }
    async fn upsert_promotion(&self, store: &StoreId, promotion: &Promotion) -> Result<(), StoreError> {
        let key = (store.clone(), promotion.id().as_str().to_owned());
        let mut s = self.lock().await;
        s.promotions.insert(key, promotion.clone());
        let changed = EventData::PromotionChanged { promotion: Box::new(promotion.clone()) };
        s.append_event(store, &NewEvent::now(changed));
        Ok(())
    }
    async fn upsert_price_list(&self, store: &StoreId, list: &PriceList) -> Result<(), StoreError> {
        valid::price_list(list)?;
        let mut s = self.lock().await;
        s.price_lists.insert((store.clone(), list.id.clone()), list.clone());
        s.append_event(
            store,
            &NewEvent::now(EventData::PriceListChanged { price_list: Box::new(list.clone()) }),
        );
        Ok(())
    }
    async fn load_catalog(&self, store: &StoreId, currency: Currency) -> Result<Catalog, StoreError> {
        self.catalog_loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let s = self.lock().await;
        let bad = |e: pos_core::CoreError| StoreError::Backend { message: e.to_string() };
        let mut catalog = Catalog::from_rows(
            currency,
            of(&s.categories, store).cloned().collect(),
            of(&s.products, store).cloned().collect(),
        )
        .map_err(bad)?;
        for list in of(&s.price_lists, store) {
            catalog.add_price_list(list.clone()).map_err(bad)?;
        }
        Ok(catalog)
    }
    async fn load_promotions(&self, store: &StoreId) -> Result<Vec<Promotion>, StoreError> {
        Ok(of(&self.lock().await.promotions, store).cloned().collect())
    }
    async fn promotion_uses(&self, store: &StoreId) -> Result<Vec<(String, u32)>, StoreError> {
        let s = self.lock().await;
        Ok(s.promotion_uses.iter().filter(|(k, _)| &k.0 == store).map(|(k, n)| (k.1.clone(), *n)).collect())
    }
    async fn product(&self, store: &StoreId, sku: &Sku) -> Result<Option<Product>, StoreError> {
        Ok(self.lock().await.products.get(&(store.clone(), sku.clone())).cloned())
    }
}

fn stock_lines<'a>(s: &'a State, store: &'a StoreId) -> impl Iterator<Item = StockLine> + 'a {
    s.stock.iter().filter(move |(k, _)| &k.0 == store).map(|((_, (location, sku)), row)| StockLine {
        location: location.clone(),
        sku: sku.clone(),
        row: *row,
    })
}

#[async_trait]
impl StockStore for MemoryStore {
    async fn set_policy(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        policy: StockPolicy,
    ) -> Result<(), StoreError> {
        valid::policy(&policy)?;
        let mut s = self.lock().await;
        let key = (store.clone(), (location.clone(), sku.clone()));
        s.stock.entry(key).or_insert(StockRow { level: Level::default(), policy }).policy = policy;
        Ok(())
    }
    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError> {
        let key = (store.clone(), (location.clone(), sku.clone()));
        Ok(self.lock().await.stock.get(&key).map(|r| r.level).unwrap_or_default())
    }
    async fn stock(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        Ok(stock_lines(&*self.lock().await, store).collect())
    }
    async fn below_reorder_point(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        Ok(stock_lines(&*self.lock().await, store)
            .filter(|l| {
                pos_inventory::low_stock_alert(&l.sku, &l.location, &l.row.level, &l.row.policy).is_some()
            })
            .collect())
    }
    async fn movements(&self, store: &StoreId) -> Result<Vec<Movement>, StoreError> {
        Ok(self
            .lock()
            .await
            .movements
            .iter()
            .filter(|(s, _)| s == store)
            .enumerate()
            .map(|(i, (_, m))| Movement {
                sequence: i as u64 + 1,
                sku: m.sku.clone(),
                location: m.location.clone(),
                kind: m.kind.clone(),
                on_hand: m.on_hand,
                reserved: m.reserved,
                actor: m.actor.clone(),
                at: m.at,
            })
            .collect())
    }
    async fn stock_document(
        &self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        Ok(self.lock().await.stock_documents.get(&(store.clone(), (kind, id.to_owned()))).cloned())
    }
    async fn reservations(
        &self,
        store: &StoreId,
        state: ReservationState,
    ) -> Result<Vec<Reservation>, StoreError> {
        Ok(of(&self.lock().await.stock_documents, store)
            .filter_map(|d| match d {
                StockDocument::Reservation(r) if r.state == state => Some(r.clone()),
                _ => None,
            })
            .collect())
    }
}

#[async_trait]
impl LoyaltyStore for MemoryStore {
    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError> {
        Ok(self.lock().await.accounts.get(&(store.clone(), member.to_owned())).cloned())
    }
    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError> {
        Ok(of(&self.lock().await.accounts, store).map(|a| a.0.clone()).collect())
    }
    async fn ledger(&self, store: &StoreId, member: &str) -> Result<Vec<PointsRecord>, StoreError> {
        let s = self.lock().await;
        let mut out: Vec<PointsRecord> = s
            .ledger
            .iter()
            .filter(|(st, m, _, _)| st == store && m == member)
            .map(|(_, m, d, e)| PointsRecord {
                member: m.clone(),
                document: *d,
                sequence: e.sequence,
                kind: e.kind.clone(),
                points: e.points,
                at: e.at,
            })
            .collect();
        out.sort_by_key(|p| p.sequence);
        Ok(out)
    }
}

#[async_trait]
impl CouponStore for MemoryStore {
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError> {
        valid::coupon(coupon)?;
        let mut s = self.lock().await;
        let key = (store.clone(), coupon.code.clone());
        if s.coupons.contains_key(&key) {
            return Err(StoreError::Duplicate { what: format!("coupon {}", coupon.code) });
        }
        s.coupons.insert(key, coupon.clone());
        let issued = EventData::CouponIssued { code: coupon.code.clone(), member: coupon.member.clone() };
        s.append_event(store, &NewEvent::now(issued));
        Ok(())
    }
    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError> {
        Ok(self.lock().await.coupons.get(&(store.clone(), code.to_owned())).cloned())
    }
}

#[async_trait]
impl ShiftStore for MemoryStore {
    async fn open_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        valid::shift(shift)?;
        let mut s = self.lock().await;
        if of(&s.shifts, store).any(|(r, closed)| closed.is_none() && r.terminal == shift.terminal) {
            return Err(StoreError::Duplicate { what: "open shift on terminal".into() });
        }
        s.shifts.insert((store.clone(), shift.id), (shift.clone(), None));
        Ok(())
    }
    async fn current_shift(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Option<ShiftRecord>, StoreError> {
        Ok(of(&self.lock().await.shifts, store)
            .find(|(r, closed)| closed.is_none() && r.terminal == terminal)
            .map(|(r, _)| r.clone()))
    }
    async fn save_shift(
        &self,
        store: &StoreId,
        shift: &ShiftRecord,
        expected: usize,
    ) -> Result<(), StoreError> {
        valid::shift(shift)?;
        match self.lock().await.shifts.get_mut(&(store.clone(), shift.id)) {
            Some((r, None)) if r.cash_events.len() == expected => {
                *r = shift.clone();
                Ok(())
            }
            _ => Err(StoreError::Conflict { what: "shift (no longer open)".into() }),
        }
    }
    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        let key = (store.clone(), (terminal.to_owned(), Counter::ShiftClose));
        Ok(self.lock().await.counters.get(&key).copied().unwrap_or(0))
    }
    async fn z_report(
        &self,
        store: &StoreId,
        terminal: &str,
        sequence: u64,
    ) -> Result<Option<pos_app::documents::ShiftCloseDocument>, StoreError> {
        Ok(of(&self.lock().await.shifts, store)
            .filter_map(|(_, closed)| closed.as_ref())
            .find(|d| d.terminal == terminal && d.report.sequence == Some(sequence))
            .cloned())
    }
}

#[async_trait]
impl EventStore for MemoryStore {
    async fn events_after(
        &self,
        store: &StoreId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Event>, StoreError> {
        let s = self.lock().await;
        Ok(s.events
            .iter()
            .filter(|(st, e)| st == store && e.sequence > after)
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect())
    }
    async fn pricing_events_after(&self, store: &StoreId, after: u64) -> Result<Vec<Event>, StoreError> {
        Ok(self.pricing_after(store, after).await)
    }
    async fn last_event(&self, store: &StoreId) -> Result<u64, StoreError> {
        Ok(self.lock().await.event_heads.get(store).copied().unwrap_or(0))
    }
}

impl MemoryStore {
    async fn pricing_after(&self, store: &StoreId, after: u64) -> Vec<Event> {
        let s = self.lock().await;
        s.events
            .iter()
            .filter(|(st, e)| st == store && e.sequence > after && e.data.changes_pricing())
            .map(|(_, e)| e.clone())
            .collect()
    }
}

#[async_trait]
impl AttemptStore for MemoryStore {
    async fn begin_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
    ) -> Result<Option<PaymentAttempt>, StoreError> {
        let mut s = self.lock().await;
        let key = (store.clone(), attempt.key.clone());
        if let Some(prev) = s.attempts.get(&key) {
            return Ok(Some(prev.clone()));
        }
        s.attempts.insert(key, attempt.clone());
        Ok(None)
    }
    async fn update_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
        from: &[AttemptState],
    ) -> Result<bool, StoreError> {
        let mut s = self.lock().await;
        match s.attempts.get_mut(&(store.clone(), attempt.key.clone())) {
            Some(a) if from.contains(&a.state) => {
                a.state = attempt.state;
                a.approval.clone_from(&attempt.approval);
                a.note.clone_from(&attempt.note);
                a.updated_at = attempt.updated_at;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn open_attempts(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<PaymentAttempt>, StoreError> {
        let s = self.lock().await;
        let mut open: Vec<PaymentAttempt> =
            of(&s.attempts, store).filter(|a| a.state.is_open() && a.updated_at < before).cloned().collect();
        open.sort_by_key(|a| a.updated_at);
        Ok(open)
    }
    async fn attempts_of(&self, store: &StoreId, document: &str) -> Result<Vec<PaymentAttempt>, StoreError> {
        Ok(of(&self.lock().await.attempts, store).filter(|a| a.document == document).cloned().collect())
    }
}

/// Adds a summary row to another (the label kept once known).
fn sum_into(row: &mut ReportFact, f: &ReportFact) {
    row.sales += f.sales;
    row.quantity += f.quantity;
    row.gross += f.gross;
    row.tax += f.tax;
    row.discount += f.discount;
    row.net += f.net;
    if row.label.is_empty() {
        row.label.clone_from(&f.label);
    }
}

#[async_trait]
impl SaleStore for MemoryStore {
    async fn report_facts(
        &self,
        store: &StoreId,
        _currency: Currency,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<Vec<ReportFact>, StoreError> {
        let s = self.lock().await;
        let mut out: BTreeMap<(Dim, String, chrono::NaiveDate, u32), ReportFact> = BTreeMap::new();
        for ((st, day, _, _, _), f) in &s.facts {
            if st != store || *day < first || *day > last {
                continue;
            }
            let (d, h) = if f.dim == Dim::Hour { (f.day, f.hour) } else { (first, 0) };
            match out.get_mut(&(f.dim, f.key.clone(), d, h)) {
                Some(row) => sum_into(row, f),
                None => {
                    out.insert((f.dim, f.key.clone(), d, h), ReportFact { day: d, hour: h, ..f.clone() });
                }
            }
        }
        Ok(out.into_values().collect())
    }
    async fn sale_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, SaleDocument)>, StoreError> {
        let s = self.lock().await;
        Ok(s.sales.iter().find(|(k, v)| &k.0 == store && v.key == key).map(|(k, v)| {
            (prior(k.1, &v.terminal, v.number, None, v.journal_sequence, &v.request_hash), v.document.clone())
        }))
    }
    async fn return_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, ReturnDocument)>, StoreError> {
        let s = self.lock().await;
        Ok(s.returns.iter().find(|(k, v)| &k.0 == store && v.key == key).map(|(k, v)| {
            let p = prior(k.1, &v.terminal, v.number, Some(v.kind), v.journal_sequence, &v.request_hash);
            (p, v.document.clone())
        }))
    }
    async fn claim_by_key(&self, store: &StoreId, key: &str) -> Result<Option<ReturnClaim>, StoreError> {
        Ok(of(&self.lock().await.claims, store).find(|c| c.idempotency_key == key).cloned())
    }
    async fn load_sale(
        &self,
        store: &StoreId,
        terminal: &str,
        number: u64,
    ) -> Result<Option<StoredSale>, StoreError> {
        let s = self.lock().await;
        let Some((id, sale)) =
            s.sales.iter().find(|(k, v)| &k.0 == store && v.terminal == terminal && v.number == number)
        else {
            return Ok(None);
        };
        let returned = returned(&s, store, id.1, sale);
        Ok(Some(StoredSale {
            terminal: sale.terminal.clone(),
            number: sale.number,
            document: sale.document.clone(),
            payments: sale.payments.clone(),
            returned,
        }))
    }
    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, SaleDocument)>, StoreError> {
        let s = self.lock().await;
        let mut docs: Vec<&SaleRow> = of(&s.sales, store).filter(|v| v.terminal == terminal).collect();
        docs.sort_by_key(|v| v.number);
        Ok(docs.into_iter().map(|v| (receipt_number(terminal, v.number), v.document.clone())).collect())
    }
    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        let s = self.lock().await;
        let sales = of(&s.sales, store).map(|v| StoredDocument::Sale(Box::new(v.document.clone())));
        let returns = of(&s.returns, store).map(|v| StoredDocument::Return(Box::new(v.document.clone())));
        let mut docs: Vec<StoredDocument> =
            sales.chain(returns).filter(|d| d.at() >= from && d.at() < to).collect();
        docs.sort_by_key(StoredDocument::at);
        Ok(docs)
    }
}

#[async_trait]
impl JournalStore for MemoryStore {
    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError> {
        Ok(self.lock().await.journal.get(&(store.clone(), terminal.to_owned())).cloned().unwrap_or_default())
    }
    async fn journal_after(
        &self,
        store: &StoreId,
        terminal: &str,
        after: u64,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let s = self.lock().await;
        let chain = s.journal.get(&(store.clone(), terminal.to_owned()));
        Ok(chain.map(|c| c.iter().filter(|e| e.sequence > after).cloned().collect()).unwrap_or_default())
    }
    async fn journal_last(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        Ok(self.lock().await.heads.get(&(store.clone(), terminal.to_owned())).map_or(0, |h| h.sequence))
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn terminal_rows(&self, store: &StoreId, terminal: &str) -> Result<TerminalRows, StoreError> {
        let s = self.lock().await;
        let json = |e: pos_core::CoreError| StoreError::Backend { message: e.to_string() };
        let mut sales = of(&s.sales, store)
            .filter(|v| v.terminal == terminal)
            .map(|v| {
                Ok(SaleRows {
                    id: v.document.sale_id,
                    number: v.number,
                    at: v.at,
                    total: v.total,
                    cashier: v.cashier.clone(),
                    journal_sequence: v.journal_sequence,
                    document: pos_core::journal::canonical_json(&v.document).map_err(json)?,
                    lines: v.lines.clone(),
                    payments: v.payments.clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        sales.sort_by_key(|r| r.number);
        let mut returns = s
            .returns
            .iter()
            .filter(|(k, v)| &k.0 == store && v.terminal == terminal)
            .map(|(k, v)| {
                Ok(ReturnRows {
                    id: k.1,
                    number: v.number,
                    kind: v.kind,
                    sale_id: v.sale_id,
                    at: v.at,
                    total: v.total,
                    journal_sequence: v.journal_sequence,
                    document: pos_core::journal::canonical_json(&v.document).map_err(json)?,
                    lines: v.lines.clone(),
                    payments: v.payments.clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        returns.sort_by_key(|r| r.number);
        let ours = |d: &str| d.strip_prefix(terminal).is_some_and(|rest| rest.starts_with('-'));
        let ids: Vec<Uuid> = sales.iter().map(|r| r.id).chain(returns.iter().map(|r| r.id)).collect();
        Ok(TerminalRows {
            head: s.heads.get(&(store.clone(), terminal.to_owned())).cloned(),
            counters: s
                .counters
                .iter()
                .filter(|(k, _)| &k.0 == store && k.1.0 == terminal)
                .map(|(k, n)| (k.1.1, *n))
                .collect(),
            sales,
            returns,
            movements: s
                .movements
                .iter()
                .filter(|(st, m)| st == store && m.document.as_deref().is_some_and(ours))
                .map(|(_, m)| m.clone())
                .collect(),
            points: s
                .ledger
                .iter()
                .filter(|(st, _, d, _)| st == store && ids.contains(d))
                .map(|(_, member, d, e)| PointsRecord {
                    member: member.clone(),
                    document: *d,
                    sequence: e.sequence,
                    kind: e.kind.clone(),
                    points: e.points,
                    at: e.at,
                })
                .collect(),
            coupons: of(&s.coupons, store)
                .filter_map(|c| c.used_on.clone().filter(|u| ours(u)).map(|u| (c.code.clone(), u)))
                .collect(),
        })
    }
}

/// What was returned of a sale, from the return rows.
fn returned(s: &State, store: &StoreId, sale: Uuid, row: &SaleRow) -> Returned {
    let mut per_payment: Vec<Money> = row.payments.iter().map(|p| Money::zero(p.amount.currency())).collect();
    let mut add = |payment: usize, amount: &Money| {
        if let Some(x) = per_payment.get_mut(payment) {
            *x = x.checked_add(amount).unwrap_or(*x);
        }
    };
    for r in of(&s.returns, store).filter(|r| r.sale_id == sale) {
        r.payments.iter().for_each(|p| add(p.payment, &p.amount));
    }
    let open: Vec<&ReturnClaim> = of(&s.claims, store).filter(|c| c.sale_id == sale).collect();
    for c in &open {
        c.payments.iter().for_each(|p| add(p.payment, &p.amount));
    }
    let mut lines = Vec::new();
    let mut claimed = Vec::new();
    for ((st, (sl, line)), claim) in &s.claimed {
        if st == store && *sl == sale {
            lines.push(*line);
            if open.iter().any(|c| c.id == *claim) {
                claimed.push(*line);
            }
        }
    }
    Returned { lines, claimed, per_payment }
}
