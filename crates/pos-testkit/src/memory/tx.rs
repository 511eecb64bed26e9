//! The memory store's unit of work: a transaction holds the store's lock and a working copy of
//! its state, the commit scripts' steps change the copy, and the commit puts it back.

#[allow(
    clippy::wildcard_imports,
    reason = "the unit of work is the rest of the store, split for length"
)]
use super::*;

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

pub(super) fn prior(
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
    async fn claim_request(&mut self, store: &StoreId, key: &str) -> Result<bool, StoreError> {
        Ok(self.work.request_keys.insert((store.clone(), key.to_owned())))
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

#[async_trait]
impl EventSteps for MemoryTx {
    async fn append_event(&mut self, store: &StoreId, event: &NewEvent) -> Result<u64, StoreError> {
        Ok(self.work.append_event(store, event))
    }
}
