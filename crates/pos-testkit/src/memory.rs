//! An in-memory store with the semantics of the database adapters: a transaction holds the
//! store's one lock (like SQLite's write lock), works on a copy of the state and replaces it on
//! commit; dropping it leaves the state as it was. The commit scripts in pos-app run on it
//! exactly as on SQLite and Postgres.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::access::{AccessRecord, ApiToken, Session, StaffMember};
use pos_app::ports::{AccessStore, StoreProfile, StoredResponse};
use pos_app::ports::{
    AttemptState, AttemptStore, AuditStore, CatalogStore, ChainHead, Counter, CouponStore, EventSteps,
    EventStore, JournalSteps, JournalStore, LineRecord, LoyaltySteps, LoyaltyStore, MemberStore,
    MovementRecord, ParkStore, ParkedBasket, PaymentAttempt, PaymentRecord, PointsEntries, PointsRecord,
    PriorCommit, RefundLineRecord, RefundPayment, ReturnClaim, ReturnCommit, ReturnRows, ReturnSteps,
    Returned, SaleCommit, SaleRows, SaleSteps, SaleStore, ShiftClose, ShiftRecord, ShiftSteps, ShiftStore,
    StockDocument, StockDocumentKind, StockLine, StockRow, StockSteps, StockStore, StoredDocument,
    StoredSale, TerminalRows, Transactional, UnitOfWork, receipt_number, valid,
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
use pos_loyalty::{Coupon, LedgerEntry, Member, Phone, PointsAccount};
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;

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

/// The server's own state.
#[derive(Clone, Default)]
struct Access {
    stores: BTreeMap<StoreId, StoreProfile>,
    staff: BTreeMap<Key<String>, StaffMember>,
    sessions: BTreeMap<String, Session>,
    tokens: BTreeMap<String, ApiToken>,
    log: Vec<AccessRecord>,
    responses: BTreeMap<Key<String>, StoredResponse>,
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
impl MemberStore for MemoryStore {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        valid::member(member)?;
        let mut s = self.lock().await;
        let taken = member.phone.is_some()
            && of(&s.members, store).any(|m| m.id != member.id && m.phone == member.phone);
        if taken {
            return Err(StoreError::Duplicate { what: "phone number".into() });
        }
        s.members.insert((store.clone(), member.id.clone()), member.clone());
        s.append_event(store, &NewEvent::now(EventData::MemberChanged { member: member.id.clone() }));
        Ok(())
    }
    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        Ok(self.lock().await.members.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn purchases(
        &self,
        store: &StoreId,
        member: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<pos_loyalty::Purchase>, StoreError> {
        let s = self.lock().await;
        let of_member = |d: &SaleDocument| d.loyalty.as_ref().is_some_and(|l| l.member == member);
        let mut out: Vec<pos_loyalty::Purchase> = of(&s.sales, store)
            .filter(|v| of_member(&v.document) && v.at > since)
            .map(|v| pos_loyalty::Purchase { at: v.at, amount: v.total.amount() })
            .collect();
        for r in of(&s.returns, store).filter(|r| r.at > since) {
            if s.sales.get(&(store.clone(), r.sale_id)).is_some_and(|v| of_member(&v.document)) {
                out.push(pos_loyalty::Purchase { at: r.at, amount: -r.total.amount() });
            }
        }
        Ok(out)
    }
    async fn member_spend(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let s = self.lock().await;
        let mut spend: BTreeMap<String, i64> = BTreeMap::new();
        for v in of(&s.sales, store).filter(|v| v.at >= from && v.at < to) {
            if let Some(l) = &v.document.loyalty {
                *spend.entry(l.member.clone()).or_default() += v.total.to_minor().unwrap_or(0);
            }
        }
        Ok(spend.into_iter().collect())
    }
    async fn last_visits(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let s = self.lock().await;
        let mut last: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        for v in of(&s.sales, store).filter(|v| v.at < before) {
            if let Some(l) = &v.document.loyalty {
                let e = last.entry(l.member.clone()).or_insert(v.at);
                *e = (*e).max(v.at);
            }
        }
        Ok(last.into_iter().collect())
    }
    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        Ok(of(&self.lock().await.members, store).find(|m| m.phone.as_ref() == Some(phone)).cloned())
    }
}

#[async_trait]
impl ParkStore for MemoryStore {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        valid::parked(parked)?;
        self.lock().await.parked.insert((store.clone(), parked.id), parked.clone());
        Ok(())
    }
    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        Ok(self.lock().await.parked.remove(&(store.clone(), id)))
    }
    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let mut v: Vec<ParkedBasket> =
            of(&self.lock().await.parked, store).filter(|p| p.terminal == terminal).cloned().collect();
        v.sort_by_key(|p| (p.at, p.id));
        Ok(v)
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
    async fn save_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        valid::shift(shift)?;
        match self.lock().await.shifts.get_mut(&(store.clone(), shift.id)) {
            Some((r, None)) => {
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
impl AccessStore for MemoryStore {
    async fn put_store(&self, profile: &StoreProfile) -> Result<(), StoreError> {
        self.lock().await.access.stores.insert(profile.id.clone(), profile.clone());
        Ok(())
    }
    async fn stores(&self) -> Result<Vec<StoreProfile>, StoreError> {
        Ok(self.lock().await.access.stores.values().cloned().collect())
    }
    async fn put_staff(&self, store: &StoreId, staff: &StaffMember) -> Result<(), StoreError> {
        self.lock().await.access.staff.insert((store.clone(), staff.id.clone()), staff.clone());
        Ok(())
    }
    async fn staff(&self, store: &StoreId, id: &str) -> Result<Option<StaffMember>, StoreError> {
        Ok(self.lock().await.access.staff.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn staff_list(&self, store: &StoreId) -> Result<Vec<StaffMember>, StoreError> {
        Ok(of(&self.lock().await.access.staff, store).cloned().collect())
    }
    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.lock().await.access.sessions.insert(session.token_hash.clone(), session.clone());
        Ok(())
    }
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.lock().await.access.sessions.get(token_hash).cloned())
    }
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.lock().await.access.sessions.remove(token_hash);
        Ok(())
    }
    async fn put_token(&self, token: &ApiToken) -> Result<(), StoreError> {
        self.lock().await.access.tokens.insert(token.id.clone(), token.clone());
        Ok(())
    }
    async fn token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        Ok(self.lock().await.access.tokens.get(id).cloned())
    }
    async fn log_access(&self, record: &AccessRecord) -> Result<(), StoreError> {
        self.lock().await.access.log.push(record.clone());
        Ok(())
    }
    async fn access_log(&self, store: &StoreId, limit: usize) -> Result<Vec<AccessRecord>, StoreError> {
        let s = self.lock().await;
        Ok(s.access.log.iter().rev().filter(|r| &r.store == store).take(limit).cloned().collect())
    }
    async fn response(&self, store: &StoreId, key: &str) -> Result<Option<StoredResponse>, StoreError> {
        Ok(self.lock().await.access.responses.get(&(store.clone(), key.to_owned())).cloned())
    }
    async fn put_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock().await;
        let k = (store.clone(), key.to_owned());
        if s.access.responses.contains_key(&k) {
            return Ok(false);
        }
        s.access.responses.insert(k, response.clone());
        Ok(true)
    }
    async fn finish_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().await.access.responses.get_mut(&(store.clone(), key.to_owned())) {
            *r = response.clone();
        }
        Ok(())
    }
    async fn drop_response(&self, store: &StoreId, key: &str) -> Result<(), StoreError> {
        self.lock().await.access.responses.remove(&(store.clone(), key.to_owned()));
        Ok(())
    }
}

#[async_trait]
impl EventSteps for MemoryTx {
    async fn append_event(&mut self, store: &StoreId, event: &NewEvent) -> Result<u64, StoreError> {
        Ok(self.work.append_event(store, event))
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

#[async_trait]
impl Transactional for MemoryStore {
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        let guard = self.state.clone().lock_owned().await;
        let work = guard.clone();
        Ok(Box::new(MemoryTx { guard, work }))
    }
}

/// A transaction: the store's lock and a working copy of its state.
struct MemoryTx {
    guard: OwnedMutexGuard<State>,
    work: State,
}

#[async_trait]
impl UnitOfWork for MemoryTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let MemoryTx { mut guard, work } = *self;
        *guard = work;
        Ok(())
    }
}

fn prior(
    id: Uuid,
    terminal: &str,
    number: u64,
    kind: Option<ReturnKind>,
    seq: u64,
    hash: &str,
) -> PriorCommit {
    PriorCommit {
        id,
        terminal: terminal.to_owned(),
        number,
        kind,
        journal_sequence: seq,
        request_hash: hash.to_owned(),
    }
}

#[async_trait]
impl SaleSteps for MemoryTx {
    async fn next_number(
        &mut self,
        store: &StoreId,
        terminal: &str,
        counter: Counter,
    ) -> Result<u64, StoreError> {
        let n = self.work.counters.entry((store.clone(), (terminal.to_owned(), counter))).or_insert(0);
        *n += 1;
        Ok(*n)
    }
    async fn sale_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError> {
        Ok(self
            .work
            .sales
            .iter()
            .find(|(k, v)| &k.0 == store && v.key == key)
            .map(|(k, v)| prior(k.1, &v.terminal, v.number, None, v.journal_sequence, &v.request_hash)))
    }
    async fn insert_sale(&mut self, sale: &SaleCommit, number: u64, sequence: u64) -> Result<(), StoreError> {
        // The SQL stores' unique key on (store, terminal, number).
        if of(&self.work.sales, &sale.store).any(|s| s.terminal == sale.terminal && s.number == number) {
            let receipt = receipt_number(&sale.terminal, number);
            return Err(StoreError::Backend { message: format!("sale number {receipt} is taken") });
        }
        let row = SaleRow {
            terminal: sale.terminal.clone(),
            number,
            key: sale.idempotency_key.clone(),
            request_hash: sale.request_hash.clone(),
            journal_sequence: sequence,
            at: sale.document.at,
            total: sale.document.total(),
            cashier: sale.document.cashier.clone(),
            document: sale.document.clone(),
            lines: Vec::new(),
            payments: Vec::new(),
        };
        self.work.sales.insert((sale.store.clone(), sale.document.sale_id), row);
        Ok(())
    }
    async fn insert_sale_lines(&mut self, sale: &SaleCommit) -> Result<(), StoreError> {
        if let Some(row) = self.work.sales.get_mut(&(sale.store.clone(), sale.document.sale_id)) {
            row.lines = sale.document.line_records();
        }
        Ok(())
    }
    async fn add_report_facts(
        &mut self,
        store: &StoreId,
        _currency: Currency,
        facts: &[ReportFact],
    ) -> Result<(), StoreError> {
        for f in facts {
            let key = (store.clone(), f.day, f.hour, f.dim, f.key.clone());
            match self.work.facts.get_mut(&key) {
                Some(row) => sum_into(row, f),
                None => {
                    self.work.facts.insert(key, f.clone());
                }
            }
        }
        Ok(())
    }
    async fn use_promotion(
        &mut self,
        store: &StoreId,
        promotion: &str,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let n = self.work.promotion_uses.entry((store.clone(), promotion.to_owned())).or_insert(0);
        if *n >= limit {
            return Ok(false);
        }
        *n += 1;
        Ok(true)
    }
    async fn insert_payments(&mut self, sale: &SaleCommit) -> Result<(), StoreError> {
        if let Some(row) = self.work.sales.get_mut(&(sale.store.clone(), sale.document.sale_id)) {
            row.payments.clone_from(&sale.document.payments);
        }
        Ok(())
    }
}

#[async_trait]
impl ReturnSteps for MemoryTx {
    async fn return_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError> {
        Ok(self.work.returns.iter().find(|(k, v)| &k.0 == store && v.key == key).map(|(k, v)| {
            prior(k.1, &v.terminal, v.number, Some(v.kind), v.journal_sequence, &v.request_hash)
        }))
    }
    async fn lock_sale(&mut self, store: &StoreId, sale: Uuid) -> Result<Option<Returned>, StoreError> {
        Ok(self.work.sales.get(&(store.clone(), sale)).map(|row| returned(&self.work, store, sale, row)))
    }
    async fn insert_return(
        &mut self,
        r: &ReturnCommit,
        number: u64,
        sequence: u64,
    ) -> Result<(), StoreError> {
        let row = ReturnRow {
            terminal: r.terminal.clone(),
            number,
            key: r.idempotency_key.clone(),
            request_hash: r.request_hash.clone(),
            journal_sequence: sequence,
            kind: r.document.kind,
            sale_id: r.document.sale_id,
            at: r.document.at,
            total: r.document.quote.amount,
            document: r.document.clone(),
            lines: r
                .document
                .lines
                .iter()
                .map(|l| RefundLineRecord {
                    sale_id: r.document.sale_id,
                    line_id: l.line_id,
                    quantity: l.quantity,
                    amount: l.amount,
                })
                .collect(),
            payments: r.document.payments.clone(),
        };
        self.work.returns.insert((r.store.clone(), r.document.refund_id), row);
        Ok(())
    }
    async fn insert_claim(&mut self, store: &StoreId, claim: &ReturnClaim) -> Result<(), StoreError> {
        if of(&self.work.claims, store).any(|c| c.idempotency_key == claim.idempotency_key) {
            return Err(StoreError::KeyTaken { key: claim.idempotency_key.clone() });
        }
        for line in &claim.request.lines {
            let key = (store.clone(), (claim.sale_id, *line));
            if self.work.claimed.contains_key(&key) {
                return Err(StoreError::AlreadyRefunded { line: *line });
            }
            self.work.claimed.insert(key, claim.id);
        }
        self.work.claims.insert((store.clone(), claim.id), claim.clone());
        Ok(())
    }
    async fn close_claim(&mut self, store: &StoreId, claim: Uuid, release: bool) -> Result<(), StoreError> {
        self.work.claims.remove(&(store.clone(), claim));
        if release {
            self.work.claimed.retain(|k, c| !(&k.0 == store && *c == claim));
        }
        Ok(())
    }
    async fn insert_attempt(&mut self, store: &StoreId, attempt: &PaymentAttempt) -> Result<(), StoreError> {
        let key = (store.clone(), attempt.key.clone());
        if self.work.attempts.contains_key(&key) {
            return Err(StoreError::Duplicate { what: format!("payment attempt `{}`", attempt.key) });
        }
        self.work.attempts.insert(key, attempt.clone());
        Ok(())
    }
    async fn commit_attempts(
        &mut self,
        store: &StoreId,
        document: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut n = 0;
        for ((st, _), a) in &mut self.work.attempts {
            if st == store && a.document == document && a.state == AttemptState::Approved {
                a.state = AttemptState::Committed;
                a.updated_at = at;
                n += 1;
            }
        }
        Ok(n)
    }
}

#[async_trait]
impl StockSteps for MemoryTx {
    async fn lock_stock(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
    ) -> Result<StockRow, StoreError> {
        let key = (store.clone(), (location.clone(), sku.clone()));
        Ok(*self
            .work
            .stock
            .entry(key)
            .or_insert(StockRow { level: Level::default(), policy: StockPolicy::default() }))
    }
    async fn put_level(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        level: &Level,
    ) -> Result<(), StoreError> {
        if let Some(row) = self.work.stock.get_mut(&(store.clone(), (location.clone(), sku.clone()))) {
            row.level = *level;
        }
        Ok(())
    }
    async fn insert_movement(
        &mut self,
        store: &StoreId,
        movement: &MovementRecord,
    ) -> Result<(), StoreError> {
        self.work.movements.push((store.clone(), movement.clone()));
        Ok(())
    }
    async fn lock_stock_document(
        &mut self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        Ok(self.work.stock_documents.get(&(store.clone(), (kind, id.to_owned()))).cloned())
    }
    async fn put_stock_document(
        &mut self,
        store: &StoreId,
        document: &StockDocument,
        new: bool,
    ) -> Result<(), StoreError> {
        let key = (store.clone(), (document.kind(), document.id().to_owned()));
        if new && self.work.stock_documents.contains_key(&key) {
            return Err(StoreError::Duplicate {
                what: format!("{} {}", document.kind().code(), document.id()),
            });
        }
        self.work.stock_documents.insert(key, document.clone());
        Ok(())
    }
}

#[async_trait]
impl LoyaltySteps for MemoryTx {
    async fn save_account(
        &mut self,
        store: &StoreId,
        account: &PointsAccount,
        expected_version: i64,
    ) -> Result<(), StoreError> {
        let key = (store.clone(), account.member().to_owned());
        let version = self.work.accounts.get(&key).map_or(0, |a| a.1);
        if version != expected_version {
            return Err(StoreError::Conflict { what: format!("points account of {}", account.member()) });
        }
        self.work.accounts.insert(key, (account.compacted(Utc::now()), version + 1));
        Ok(())
    }
    async fn insert_ledger_entries(
        &mut self,
        store: &StoreId,
        points: &PointsEntries,
        document: Uuid,
    ) -> Result<(), StoreError> {
        for e in &points.entries {
            self.work.ledger.push((store.clone(), points.member.clone(), document, e.clone()));
        }
        Ok(())
    }
    async fn use_coupon(&mut self, store: &StoreId, code: &str, receipt: &str) -> Result<bool, StoreError> {
        match self.work.coupons.get_mut(&(store.clone(), code.to_owned())) {
            Some(c) if c.used_on.is_none() => {
                c.used_on = Some(receipt.to_owned());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl ShiftSteps for MemoryTx {
    async fn close_shift(&mut self, close: &ShiftClose) -> Result<bool, StoreError> {
        match self.work.shifts.get_mut(&(close.store.clone(), close.shift.id)) {
            Some((record, closed @ None)) => {
                *record = close.shift.clone();
                *closed = Some(close.document.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl JournalSteps for MemoryTx {
    async fn journal_head(&mut self, store: &StoreId, terminal: &str) -> Result<ChainHead, StoreError> {
        Ok(self
            .work
            .heads
            .entry((store.clone(), terminal.to_owned()))
            .or_insert_with(|| ChainHead { sequence: 0, hash: GENESIS.to_owned() })
            .clone())
    }
    async fn append_journal(&mut self, store: &StoreId, entry: &JournalEntry) -> Result<(), StoreError> {
        let key = (store.clone(), entry.terminal.clone());
        self.work.journal.entry(key.clone()).or_default().push(entry.clone());
        self.work.heads.insert(key, ChainHead { sequence: entry.sequence, hash: entry.hash.clone() });
        Ok(())
    }
}
