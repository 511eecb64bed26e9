//! An in-memory store with the same semantics as the database adapters: a sale commit works on
//! a copy of the state and replaces it only when every step succeeded.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::{
    CatalogStore, CommitOutcome, CommitStep, CouponStore, LoyaltyStore, MemberStore, OnHand, ParkStore,
    ParkedBasket, PaymentRecord, RefundCommit, SaleCommit, SaleStore, ShiftClose, ShiftRecord, ShiftStore,
    StockChange, StockStore, StoreError, StoredSale, receipt_number, return_number, z_number,
};
use pos_core::journal::entry_hash;
use pos_core::{
    Catalog, Category, Currency, DocumentKind, JournalEntry, PriceList, Product, Promotion, Sku, StoreId,
};
use pos_inventory::{Level, LocationId, StockPolicy};
use pos_loyalty::{Coupon, Member, Phone, PointsAccount};
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Clone, Default)]
struct State {
    categories: BTreeMap<(StoreId, String), Category>,
    products: BTreeMap<(StoreId, Sku), Product>,
    promotions: BTreeMap<(StoreId, String), Promotion>,
    levels: BTreeMap<(StoreId, LocationId, Sku), (Level, bool)>,
    movements: Vec<(StoreId, LocationId, Sku, Decimal, String)>,
    sales: BTreeMap<(StoreId, String), (String, CommitOutcome, String, serde_json::Value)>,
    lines: usize,
    payments: usize,
    loyalty_accounts: BTreeMap<(StoreId, String), (PointsAccount, i64)>,
    loyalty_entries: usize,
    journal: BTreeMap<(StoreId, String), Vec<JournalEntry>>,
    counters: BTreeMap<(StoreId, String), u64>,
    sale_payments: BTreeMap<Uuid, Vec<PaymentRecord>>,
    refunds: BTreeMap<(StoreId, String), (String, CommitOutcome)>,
    refunded_lines: BTreeMap<Uuid, Vec<u32>>,
    refunded_per_payment: BTreeMap<Uuid, Vec<Decimal>>,
    refund_rows: usize,
    members: BTreeMap<(StoreId, String), Member>,
    parked: BTreeMap<(StoreId, Uuid), ParkedBasket>,
    shifts: BTreeMap<(StoreId, Uuid), (ShiftRecord, bool)>,
    documents: Vec<(StoreId, DocumentKind, DateTime<Utc>, serde_json::Value)>,
    stock_documents: BTreeMap<(StoreId, String, String), (String, serde_json::Value)>,
    coupons: BTreeMap<(StoreId, String), Coupon>,
    price_lists: BTreeMap<(StoreId, String), PriceList>,
    reorder: BTreeMap<(StoreId, LocationId, Sku), (Decimal, Decimal)>,
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    fail_at: Mutex<Option<CommitStep>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn level_entry<'a>(
    s: &'a mut State,
    store: &StoreId,
    location: &LocationId,
    sku: &Sku,
) -> &'a mut (Level, bool) {
    s.levels.entry((store.clone(), location.clone(), sku.clone())).or_insert((Level::default(), true))
}

#[async_trait]
impl CatalogStore for MemoryStore {
    async fn upsert_price_list(&self, store: &StoreId, list: &PriceList) -> Result<(), StoreError> {
        self.lock().price_lists.insert((store.clone(), list.id.clone()), list.clone());
        Ok(())
    }
    async fn upsert_category(&self, store: &StoreId, category: &Category) -> Result<(), StoreError> {
        self.lock().categories.insert((store.clone(), category.id.0.clone()), category.clone());
        Ok(())
    }
    async fn upsert_product(&self, store: &StoreId, product: &Product) -> Result<(), StoreError> {
        self.lock().products.insert((store.clone(), product.sku.clone()), product.clone());
        Ok(())
    }
    async fn upsert_promotion(&self, store: &StoreId, promotion: &Promotion) -> Result<(), StoreError> {
        self.lock().promotions.insert((store.clone(), promotion.id().as_str().to_owned()), promotion.clone());
        Ok(())
    }
    async fn load_catalog(&self, store: &StoreId, currency: Currency) -> Result<Catalog, StoreError> {
        let s = self.lock();
        let categories = s.categories.iter().filter(|(k, _)| &k.0 == store).map(|(_, v)| v.clone()).collect();
        let products = s.products.iter().filter(|(k, _)| &k.0 == store).map(|(_, v)| v.clone()).collect();
        let bad = |e: pos_core::CoreError| StoreError::Backend { message: e.to_string() };
        let mut catalog = Catalog::from_rows(currency, categories, products).map_err(bad)?;
        for (_, list) in s.price_lists.iter().filter(|(k, _)| &k.0 == store) {
            catalog.add_price_list(list.clone()).map_err(bad)?;
        }
        Ok(catalog)
    }
    async fn load_promotions(&self, store: &StoreId) -> Result<Vec<Promotion>, StoreError> {
        Ok(self.lock().promotions.iter().filter(|(k, _)| &k.0 == store).map(|(_, v)| v.clone()).collect())
    }
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
        let mut s = self.lock();
        level_entry(&mut s, store, location, sku).1 = policy.allow_negative;
        let key = (store.clone(), location.clone(), sku.clone());
        match (policy.reorder_point, policy.reorder_quantity) {
            (Some(p), Some(q)) => s.reorder.insert(key, (p, q)),
            _ => s.reorder.remove(&key),
        };
        Ok(())
    }
    async fn receive(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        quantity: Decimal,
        actor: &str,
        _at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        let e = level_entry(&mut s, store, location, sku);
        e.0.on_hand += quantity;
        e.0.available = e.0.on_hand - e.0.reserved;
        s.movements.push((store.clone(), location.clone(), sku.clone(), quantity, actor.to_owned()));
        Ok(())
    }
    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError> {
        Ok(self
            .lock()
            .levels
            .get(&(store.clone(), location.clone(), sku.clone()))
            .map(|l| l.0)
            .unwrap_or_default())
    }
    async fn below_reorder_point(
        &self,
        store: &StoreId,
    ) -> Result<Vec<(LocationId, Sku, Decimal, Decimal, Decimal)>, StoreError> {
        let s = self.lock();
        Ok(s.reorder
            .iter()
            .filter(|(k, _)| &k.0 == store)
            .filter_map(|((st, l, k), (p, q))| {
                let available = s
                    .levels
                    .get(&(st.clone(), l.clone(), k.clone()))
                    .map(|e| e.0.available)
                    .unwrap_or_default();
                (available <= *p).then(|| (l.clone(), k.clone(), available, *p, *q))
            })
            .collect())
    }

    async fn stock_documents_in_state(
        &self,
        store: &StoreId,
        kind: &str,
        state: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        Ok(self
            .lock()
            .stock_documents
            .iter()
            .filter(|(k, v)| &k.0 == store && k.1 == kind && v.0 == state)
            .map(|(k, v)| (k.2.clone(), v.1.clone()))
            .collect())
    }

    async fn apply_stock(&self, c: &StockChange) -> Result<Vec<Decimal>, StoreError> {
        let mut guard = self.lock();
        let mut s = guard.clone();
        if let Some(d) = &c.document {
            let key = (c.store.clone(), d.kind.clone(), d.id.clone());
            match (&d.expected_state, s.stock_documents.get(&key)) {
                (None, Some(_)) => {
                    return Err(StoreError::Duplicate { what: format!("{} {}", d.kind, d.id) });
                }
                (Some(expected), Some((state, _))) if state == expected => {}
                (Some(_), _) => {
                    return Err(StoreError::Conflict {
                        what: format!("{} {} (state changed)", d.kind, d.id),
                    });
                }
                (None, None) => {}
            }
            s.stock_documents.insert(key, (d.state.clone(), d.data.clone()));
        }
        let mut deltas = Vec::with_capacity(c.moves.len());
        for m in &c.moves {
            let e = level_entry(&mut s, &c.store, &m.location, &m.sku);
            let d = match m.on_hand {
                OnHand::By(x) => x,
                OnHand::To(v) => v - e.0.on_hand,
            };
            let change = d - m.reserved;
            if change < Decimal::ZERO
                && (m.strict || !e.1)
                && e.0.on_hand + d - e.0.reserved - m.reserved < Decimal::ZERO
            {
                return Err(StoreError::InsufficientStock {
                    sku: m.sku.to_string(),
                    location: m.location.0.clone(),
                    available: e.0.available,
                    requested: -change,
                });
            }
            e.0.on_hand += d;
            e.0.reserved += m.reserved;
            e.0.available = e.0.on_hand - e.0.reserved;
            s.movements.push((c.store.clone(), m.location.clone(), m.sku.clone(), d, c.actor.clone()));
            deltas.push(d);
        }
        *guard = s;
        Ok(deltas)
    }

    async fn stock_document(
        &self,
        store: &StoreId,
        kind: &str,
        id: &str,
    ) -> Result<Option<(String, serde_json::Value)>, StoreError> {
        Ok(self.lock().stock_documents.get(&(store.clone(), kind.to_owned(), id.to_owned())).cloned())
    }
}

#[async_trait]
impl LoyaltyStore for MemoryStore {
    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError> {
        Ok(self
            .lock()
            .loyalty_accounts
            .iter()
            .filter(|(k, _)| &k.0 == store)
            .map(|(_, a)| a.0.clone())
            .collect())
    }
    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError> {
        Ok(self.lock().loyalty_accounts.get(&(store.clone(), member.to_owned())).cloned())
    }
}

#[async_trait]
impl CouponStore for MemoryStore {
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError> {
        let mut s = self.lock();
        let key = (store.clone(), coupon.code.clone());
        if s.coupons.contains_key(&key) {
            return Err(StoreError::Duplicate { what: format!("coupon {}", coupon.code) });
        }
        s.coupons.insert(key, coupon.clone());
        Ok(())
    }
    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError> {
        Ok(self.lock().coupons.get(&(store.clone(), code.to_owned())).cloned())
    }
}

#[async_trait]
impl MemberStore for MemoryStore {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        let mut s = self.lock();
        let taken = member.phone.is_some()
            && s.members.iter().any(|(k, m)| &k.0 == store && m.id != member.id && m.phone == member.phone);
        if taken {
            return Err(StoreError::Duplicate { what: "phone number".into() });
        }
        s.members.insert((store.clone(), member.id.clone()), member.clone());
        Ok(())
    }
    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        Ok(self.lock().members.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        Ok(self
            .lock()
            .members
            .iter()
            .find(|(k, m)| &k.0 == store && m.phone.as_ref() == Some(phone))
            .map(|(_, m)| m.clone()))
    }
}

#[async_trait]
impl ParkStore for MemoryStore {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        self.lock().parked.insert((store.clone(), parked.id), parked.clone());
        Ok(())
    }
    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        Ok(self.lock().parked.remove(&(store.clone(), id)))
    }
    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let mut v: Vec<ParkedBasket> = self
            .lock()
            .parked
            .iter()
            .filter(|(k, p)| &k.0 == store && p.terminal == terminal)
            .map(|(_, p)| p.clone())
            .collect();
        v.sort_by_key(|p| (p.at, p.id));
        Ok(v)
    }
}

#[async_trait]
impl ShiftStore for MemoryStore {
    async fn open_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        let mut s = self.lock();
        if s.shifts.iter().any(|(k, (r, open))| &k.0 == store && *open && r.terminal == shift.terminal) {
            return Err(StoreError::Duplicate { what: "open shift on terminal".into() });
        }
        s.shifts.insert((store.clone(), shift.id), (shift.clone(), true));
        Ok(())
    }
    async fn current_shift(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Option<ShiftRecord>, StoreError> {
        Ok(self
            .lock()
            .shifts
            .iter()
            .find(|(k, (r, open))| &k.0 == store && *open && r.terminal == terminal)
            .map(|(_, (r, _))| r.clone()))
    }
    async fn save_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        match self.lock().shifts.get_mut(&(store.clone(), shift.id)) {
            Some((r, true)) => {
                *r = shift.clone();
                Ok(())
            }
            _ => Err(StoreError::Conflict { what: "shift (no longer open)".into() }),
        }
    }
    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        Ok(self.lock().counters.get(&(store.clone(), format!("{terminal}#z"))).copied().unwrap_or(0))
    }
    async fn close_shift(&self, c: &ShiftClose) -> Result<CommitOutcome, StoreError> {
        let mut guard = self.lock();
        let mut s = guard.clone();
        let terminal = c.shift.terminal.clone();
        match s.shifts.get_mut(&(c.store.clone(), c.shift.id)) {
            Some((r, open)) if *open => {
                *r = c.shift.clone();
                *open = false;
            }
            _ => return Err(StoreError::Conflict { what: "shift (already closed)".into() }),
        }
        let counter = s.counters.entry((c.store.clone(), format!("{terminal}#z"))).or_insert(0);
        *counter += 1;
        let number = *counter;
        if number != c.z_number {
            return Err(StoreError::Conflict { what: "Z number".into() });
        }
        let document = z_number(&terminal, number);
        let chain = s.journal.entry((c.store.clone(), terminal.clone())).or_default();
        let prev = chain.last().map_or(pos_core::journal::GENESIS.to_owned(), |e| e.hash.clone());
        let sequence = chain.len() as u64 + 1;
        let hash = entry_hash(
            &prev,
            &terminal,
            sequence,
            DocumentKind::ShiftClose,
            &document,
            c.at,
            &c.journal_payload,
        );
        chain.push(JournalEntry {
            terminal: terminal.clone(),
            sequence,
            kind: DocumentKind::ShiftClose,
            document_id: document.clone(),
            recorded_at: c.at,
            payload: c.journal_payload.clone(),
            prev_hash: prev,
            hash,
        });
        *guard = s;
        Ok(CommitOutcome {
            sale_id: c.shift.id,
            number,
            receipt: document,
            journal_sequence: sequence,
            replayed: false,
        })
    }
}

#[async_trait]
impl SaleStore for MemoryStore {
    async fn commit_sale(&self, c: &SaleCommit) -> Result<CommitOutcome, StoreError> {
        let fail_at = *self.fail_at.lock().unwrap_or_else(|e| e.into_inner());
        let fail = |step| if fail_at == Some(step) { Err(StoreError::Injected { step }) } else { Ok(()) };
        let mut guard = self.lock();
        if let Some((hash, outcome, _, _)) = guard.sales.get(&(c.store.clone(), c.idempotency_key.clone())) {
            if *hash != c.request_hash {
                return Err(StoreError::IdempotencyConflict { key: c.idempotency_key.clone() });
            }
            return Ok(CommitOutcome { replayed: true, ..outcome.clone() });
        }
        let mut s = guard.clone();
        let counter = s.counters.entry((c.store.clone(), c.terminal.clone())).or_insert(0);
        *counter += 1;
        let number = *counter;
        let receipt = receipt_number(&c.terminal, number);
        fail(CommitStep::Sale)?;
        s.lines += c.lines.len();
        fail(CommitStep::Lines)?;
        s.payments += c.payments.len();
        fail(CommitStep::Payments)?;
        let mut takes = c.stock.clone();
        takes.sort_by(|a, b| (&a.location, &a.sku).cmp(&(&b.location, &b.sku)));
        for t in &takes {
            let e = level_entry(&mut s, &c.store, &t.location, &t.sku);
            if !e.1 && e.0.available < t.quantity {
                return Err(StoreError::InsufficientStock {
                    sku: t.sku.to_string(),
                    location: t.location.0.clone(),
                    available: e.0.available,
                    requested: t.quantity,
                });
            }
            e.0.on_hand -= t.quantity;
            e.0.available = e.0.on_hand - e.0.reserved;
            s.movements.push((
                c.store.clone(),
                t.location.clone(),
                t.sku.clone(),
                -t.quantity,
                c.cashier.clone(),
            ));
        }
        fail(CommitStep::Stock)?;
        if let Some(l) = &c.loyalty {
            let key = (c.store.clone(), l.member.clone());
            let version = s.loyalty_accounts.get(&key).map_or(0, |a| a.1);
            if version != l.expected_version {
                return Err(StoreError::Conflict { what: format!("points account of {}", l.member) });
            }
            s.loyalty_accounts.insert(key, (l.account.clone(), version + 1));
            s.loyalty_entries += l.entries.len();
        }
        for code in &c.coupons {
            match s.coupons.get_mut(&(c.store.clone(), code.clone())) {
                Some(coupon) if coupon.used_on.is_none() => coupon.used_on = Some(receipt.clone()),
                _ => return Err(StoreError::Conflict { what: format!("coupon {code} (already used)") }),
            }
        }
        fail(CommitStep::Loyalty)?;
        fail(CommitStep::Journal)?;
        let chain = s.journal.entry((c.store.clone(), c.terminal.clone())).or_default();
        let prev = chain.last().map_or(pos_core::journal::GENESIS.to_owned(), |e| e.hash.clone());
        let sequence = chain.len() as u64 + 1;
        let hash =
            entry_hash(&prev, &c.terminal, sequence, DocumentKind::Sale, &receipt, c.at, &c.journal_payload);
        chain.push(JournalEntry {
            terminal: c.terminal.clone(),
            sequence,
            kind: DocumentKind::Sale,
            document_id: receipt.clone(),
            recorded_at: c.at,
            payload: c.journal_payload.clone(),
            prev_hash: prev,
            hash,
        });
        let outcome = CommitOutcome {
            sale_id: c.sale_id,
            number,
            receipt: receipt.clone(),
            journal_sequence: sequence,
            replayed: false,
        };
        s.sales.insert(
            (c.store.clone(), c.idempotency_key.clone()),
            (c.request_hash.clone(), outcome.clone(), c.terminal.clone(), c.document.clone()),
        );
        s.sale_payments.insert(c.sale_id, c.payments.clone());
        s.documents.push((c.store.clone(), DocumentKind::Sale, c.at, c.document.clone()));
        *guard = s;
        Ok(outcome)
    }

    async fn load_sale(&self, store: &StoreId, receipt: &str) -> Result<Option<StoredSale>, StoreError> {
        let s = self.lock();
        let Some((_, (_, outcome, terminal, document))) =
            s.sales.iter().find(|(k, v)| &k.0 == store && v.1.receipt == receipt)
        else {
            return Ok(None);
        };
        let payments = s.sale_payments.get(&outcome.sale_id).cloned().unwrap_or_default();
        let refunded_per_payment = s
            .refunded_per_payment
            .get(&outcome.sale_id)
            .cloned()
            .unwrap_or_else(|| vec![Decimal::ZERO; payments.len()]);
        Ok(Some(StoredSale {
            sale_id: outcome.sale_id,
            terminal: terminal.clone(),
            number: outcome.number,
            document: document.clone(),
            payments,
            refunded_lines: s.refunded_lines.get(&outcome.sale_id).cloned().unwrap_or_default(),
            refunded_per_payment,
        }))
    }

    async fn commit_refund(&self, c: &RefundCommit) -> Result<CommitOutcome, StoreError> {
        let mut guard = self.lock();
        if let Some((hash, outcome)) = guard.refunds.get(&(c.store.clone(), c.idempotency_key.clone())) {
            if *hash != c.request_hash {
                return Err(StoreError::IdempotencyConflict { key: c.idempotency_key.clone() });
            }
            return Ok(CommitOutcome { replayed: true, ..outcome.clone() });
        }
        let mut s = guard.clone();
        let done = s.refunded_lines.entry(c.sale_id).or_default();
        for l in &c.lines {
            if done.contains(&l.line_id) {
                return Err(StoreError::AlreadyRefunded { line: l.line_id });
            }
            done.push(l.line_id);
        }
        let counter = s.counters.entry((c.store.clone(), format!("{}#refund", c.terminal))).or_insert(0);
        *counter += 1;
        let number = *counter;
        let receipt = return_number(c.kind, &c.terminal, number);
        let n_payments = s.sale_payments.get(&c.sale_id).map_or(0, Vec::len);
        let per = s.refunded_per_payment.entry(c.sale_id).or_insert_with(|| vec![Decimal::ZERO; n_payments]);
        for p in &c.payments {
            if let Some(x) = per.get_mut(p.payment) {
                *x += p.amount;
            }
        }
        for r in &c.stock {
            let e = level_entry(&mut s, &c.store, &r.location, &r.sku);
            e.0.on_hand += r.quantity;
            e.0.available = e.0.on_hand - e.0.reserved;
            s.movements.push((
                c.store.clone(),
                r.location.clone(),
                r.sku.clone(),
                r.quantity,
                "refund".into(),
            ));
        }
        if let Some(l) = &c.loyalty {
            let key = (c.store.clone(), l.member.clone());
            let version = s.loyalty_accounts.get(&key).map_or(0, |a| a.1);
            if version != l.expected_version {
                return Err(StoreError::Conflict { what: format!("points account of {}", l.member) });
            }
            s.loyalty_accounts.insert(key, (l.account.clone(), version + 1));
            s.loyalty_entries += l.entries.len();
        }
        let chain = s.journal.entry((c.store.clone(), c.terminal.clone())).or_default();
        let prev = chain.last().map_or(pos_core::journal::GENESIS.to_owned(), |e| e.hash.clone());
        let sequence = chain.len() as u64 + 1;
        let hash = entry_hash(&prev, &c.terminal, sequence, c.kind, &receipt, c.at, &c.journal_payload);
        chain.push(JournalEntry {
            terminal: c.terminal.clone(),
            sequence,
            kind: c.kind,
            document_id: receipt.clone(),
            recorded_at: c.at,
            payload: c.journal_payload.clone(),
            prev_hash: prev,
            hash,
        });
        s.refund_rows += 1;
        s.documents.push((c.store.clone(), c.kind, c.at, c.document.clone()));
        let outcome = CommitOutcome {
            sale_id: c.refund_id,
            number,
            receipt,
            journal_sequence: sequence,
            replayed: false,
        };
        s.refunds
            .insert((c.store.clone(), c.idempotency_key.clone()), (c.request_hash.clone(), outcome.clone()));
        *guard = s;
        Ok(outcome)
    }

    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError> {
        Ok(self.lock().journal.get(&(store.clone(), terminal.to_owned())).cloned().unwrap_or_default())
    }

    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let s = self.lock();
        let mut docs: Vec<(u64, String, serde_json::Value)> = s
            .sales
            .iter()
            .filter(|(k, v)| &k.0 == store && v.2 == terminal)
            .map(|(_, v)| (v.1.number, v.1.receipt.clone(), v.3.clone()))
            .collect();
        docs.sort_by_key(|d| d.0);
        Ok(docs.into_iter().map(|d| (d.1, d.2)).collect())
    }

    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DocumentKind, DateTime<Utc>, serde_json::Value)>, StoreError> {
        let mut docs: Vec<(DocumentKind, DateTime<Utc>, serde_json::Value)> = self
            .lock()
            .documents
            .iter()
            .filter(|d| &d.0 == store && d.2 >= from && d.2 < to)
            .map(|d| (d.1, d.2, d.3.clone()))
            .collect();
        docs.sort_by_key(|d| d.1);
        Ok(docs)
    }

    async fn row_counts(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        let s = self.lock();
        Ok([
            ("sales", s.sales.len()),
            ("sale_lines", s.lines),
            ("payments", s.payments),
            ("stock_movements", s.movements.len()),
            ("loyalty_entries", s.loyalty_entries),
            ("journal", s.journal.values().map(Vec::len).sum()),
            ("refunds", s.refund_rows),
            ("refund_lines", s.refunded_lines.values().map(Vec::len).sum()),
            ("refund_payments", s.refunded_per_payment.len()),
            ("loyalty_accounts", s.loyalty_accounts.len()),
            ("members", s.members.len()),
            ("coupons", s.coupons.values().filter(|c| c.used_on.is_some()).count()),
            ("coupons_issued", s.coupons.len()),
            ("parked_baskets", s.parked.len()),
            ("shifts", s.shifts.len()),
            ("stock_documents", s.stock_documents.len()),
            ("price_lists", s.price_lists.len()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v as i64))
        .collect())
    }

    fn inject_failure(&self, step: Option<CommitStep>) {
        *self.fail_at.lock().unwrap_or_else(|e| e.into_inner()) = step;
    }
}

/// A new random sale id (re-exported for fixtures).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Tampering with the in-memory data, for the journal audit case.
pub struct MemoryTamper(pub std::sync::Arc<MemoryStore>);

#[async_trait]
impl crate::conformance::Tamper for MemoryTamper {
    async fn alter_sale(&self, receipt: &str) {
        let mut s = self.0.lock();
        for v in s.sales.values_mut().filter(|v| v.1.receipt == receipt) {
            v.3["priced"]["total"]["amount"] = serde_json::json!("1");
        }
    }
    async fn delete_journal(&self, terminal: &str, sequence: u64) {
        for ((_, t), chain) in self.0.lock().journal.iter_mut() {
            if t == terminal {
                chain.retain(|e| e.sequence != sequence);
            }
        }
    }
    async fn swap_journal(&self, terminal: &str, a: u64, b: u64) {
        for ((_, t), chain) in self.0.lock().journal.iter_mut() {
            if t == terminal {
                for e in chain.iter_mut() {
                    if e.sequence == a {
                        e.sequence = b;
                    } else if e.sequence == b {
                        e.sequence = a;
                    }
                }
                chain.sort_by_key(|e| e.sequence);
            }
        }
    }
}
