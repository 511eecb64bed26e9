//! The commit scripts: the one place that says in which order a sale, a refund or void, a shift
//! close and a stock change write their rows. Each runs in one [`UnitOfWork`] and commits
//! everything or nothing; the stores only carry out the steps.
//!
//! A sale:
//! 1. begin (SQLite takes its write lock);
//! 2. look up the idempotency key: a committed request with the same hash is replayed, a
//!    different one is a conflict;
//! 3. take the terminal's next receipt number and lock its journal head;
//! 4. the sale row, its lines, its payments; its payment attempts become committed;
//! 5. stock: lock every (location, SKU) row in sorted order, decide each movement with
//!    [`pos_inventory::apply`], write the levels and movements;
//! 6. loyalty: the points account (optimistically, by version), its ledger entries, the coupons
//!    used, one use of each usage-limited promotion applied (refused past its limit); the
//!    reports' summary rows of the store's day and hour;
//! 7. the journal record, chained to the head, and the new head; the events (outbox), the
//!    store's event head locked last;
//! 8. commit.
//!
//! A return first claims its lines and money per tender in a transaction of its own (under the
//! sale's lock, so two returns of one sale are serialised and a line is claimed once), with its
//! payout attempts; only then is money paid out, and the return is committed in the same order
//! as a sale, closing its claim. A declined payout releases the claim. A shift close closes the shift row, takes the
//! next Z number and appends the Z report to the journal; a stock change locks its document
//! (refusing it if it changed since it was read), then moves stock as in step 5.
//!
//! Rows are locked in one global order (the terminal's counters and journal head, then stock
//! rows by location and SKU, then the member's account, then the reports' summary rows of the
//! store by day, hour, dimension and key, then the store's event head), so concurrent commits
//! cannot deadlock. The rows every commit of a store shares (summary rows, event head) are
//! locked last, so a commit holds them for a few statements and its own commit.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::journal::{JournalChain, JournalKey};
use pos_core::{Sku, StoreId};
use pos_inventory::{Draft, LocationId, StockPolicy};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::documents::Document;
use crate::error::{AppError, StoreError};
use crate::events::{EventData, NewEvent};
use crate::ports::{
    AccountChange, CommitOutcome, Counter, MovementRecord, PaymentAttempt, PointsEntries, PriorCommit,
    RefundPayment, ReturnClaim, ReturnCommit, Returned, SaleCommit, ShiftClose, StockChange, StockDocument,
    StockRow, Transactional, UnitOfWork, receipt_number, return_number, z_number,
};

/// How often a commit starts over after losing an idempotency-key race.
const ATTEMPTS: usize = 3;

/// Steps of a commit, in order; tests inject a failure after each to prove atomicity. `Charged`,
/// `Claimed` and `PaidOut` are between the gateway and the books: a failure there stands for a
/// process that died, and the use case stops without cleaning up (the reconciler does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommitStep {
    /// After a sale's cards are charged, before its commit begins.
    Charged,
    /// After a return's claim is committed, before any payout.
    Claimed,
    /// After a return's payouts, before its commit begins.
    PaidOut,
    /// After the document's row (sale, return, shift close, stock document).
    Document,
    /// After its lines.
    Lines,
    /// After its payments.
    Payments,
    /// After the stock movements.
    Stock,
    /// After the loyalty ledger entries and coupons.
    Loyalty,
    /// After the journal record, just before the commit.
    Journal,
}

/// Where a use case's commits fail on purpose, for tests (a no-op without the `test-hooks`
/// feature).
#[derive(Debug, Default)]
pub struct FailPoint {
    #[cfg(feature = "test-hooks")]
    step: std::sync::Mutex<Option<CommitStep>>,
}

impl FailPoint {
    /// Makes the following commits fail right after `step` (`None` clears it).
    #[cfg(feature = "test-hooks")]
    pub fn set(&self, step: Option<CommitStep>) {
        *self.step.lock().unwrap_or_else(|e| e.into_inner()) = step;
    }

    #[cfg_attr(not(feature = "test-hooks"), allow(unused_variables, clippy::unused_self))]
    pub(crate) fn after(&self, step: CommitStep) -> Result<(), AppError> {
        #[cfg(feature = "test-hooks")]
        if *self.step.lock().unwrap_or_else(|e| e.into_inner()) == Some(step) {
            return Err(AppError::Injected { step });
        }
        Ok(())
    }
}

/// Replays a prior commit of the same request, or refuses a different one with the same key.
fn replay(prior: PriorCommit, request_hash: &str, key: &str) -> Result<CommitOutcome, AppError> {
    if prior.request_hash != request_hash {
        return Err(AppError::IdempotencyConflict { key: key.to_owned() });
    }
    let receipt = match prior.kind {
        Some(kind) => return_number(kind, &prior.terminal, prior.number),
        None => receipt_number(&prior.terminal, prior.number),
    };
    Ok(CommitOutcome {
        id: prior.id,
        number: prior.number,
        receipt,
        journal_sequence: prior.journal_sequence,
        replayed: true,
    })
}

/// A commit that carries an idempotency key.
enum Keyed<'a> {
    Sale(&'a SaleCommit),
    Return(&'a ReturnCommit),
}

/// Runs a keyed commit in a fresh transaction and commits; starts over when a concurrent
/// transaction committed the same idempotency key first (the next attempt finds and replays it).
async fn keyed<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    key: &JournalKey,
    commit: Keyed<'_>,
) -> Result<CommitOutcome, AppError> {
    let idempotency_key = match &commit {
        Keyed::Sale(c) => &c.idempotency_key,
        Keyed::Return(c) => &c.idempotency_key,
    };
    for _ in 0..ATTEMPTS {
        let mut tx = store.begin().await?;
        let done = match &commit {
            Keyed::Sale(c) => sale_steps(&mut *tx, fail, key, c).await,
            Keyed::Return(c) => return_steps(&mut *tx, fail, key, c).await,
        };
        match done {
            Err(AppError::Store(StoreError::KeyTaken { .. })) => continue,
            Err(e) => return Err(e),
            // A replay wrote nothing: dropping the transaction rolls it back.
            Ok(outcome) if outcome.replayed => return Ok(outcome),
            Ok(outcome) => {
                tx.commit().await?;
                return Ok(outcome);
            }
        }
    }
    Err(AppError::Store(StoreError::Conflict { what: format!("idempotency key `{idempotency_key}`") }))
}

/// Commits a sale (see the module docs for the order).
pub(crate) async fn sale<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    key: &JournalKey,
    c: &SaleCommit,
) -> Result<CommitOutcome, AppError> {
    keyed(store, fail, key, Keyed::Sale(c)).await
}

async fn sale_steps(
    tx: &mut dyn UnitOfWork,
    fail: &FailPoint,
    key: &JournalKey,
    c: &SaleCommit,
) -> Result<CommitOutcome, AppError> {
    if let Some(prior) = tx.sale_by_key(&c.store, &c.idempotency_key).await? {
        return replay(prior, &c.request_hash, &c.idempotency_key);
    }
    let number = tx.next_number(&c.store, &c.terminal, Counter::Sale).await?;
    let receipt = receipt_number(&c.terminal, number);
    let mut chain = chain(tx, &c.store, &c.terminal).await?;
    let sequence = chain.last_sequence() + 1;
    tx.insert_sale(c, number, sequence).await?;
    fail.after(CommitStep::Document)?;
    tx.insert_sale_lines(c).await?;
    fail.after(CommitStep::Lines)?;
    tx.insert_payments(c).await?;
    let charged = c.document.payments.iter().filter(|p| p.kind.via_gateway()).count();
    if tx.commit_attempts(&c.store, &c.idempotency_key, chrono::Utc::now()).await? != charged {
        return Err(StoreError::Conflict { what: "card payment (reversed meanwhile)".into() }.into());
    }
    fail.after(CommitStep::Payments)?;
    let doc = &c.document;
    move_stock(tx, &c.store, &doc.drafts(), Some(&receipt), &doc.cashier, doc.at).await?;
    fail.after(CommitStep::Stock)?;
    loyalty(tx, &c.store, c.account.as_ref(), doc.points.as_ref(), doc.sale_id).await?;
    for code in &doc.coupons {
        if !tx.use_coupon(&c.store, code, &receipt).await? {
            return Err(StoreError::Conflict { what: format!("coupon {code} (already used)") }.into());
        }
    }
    for (promotion, limit) in &c.limited {
        if !tx.use_promotion(&c.store, promotion, *limit).await? {
            return Err(AppError::PromotionLimit { promotion: promotion.clone() });
        }
    }
    tx.add_report_facts(&c.store, doc.priced.currency, &c.facts).await?;
    fail.after(CommitStep::Loyalty)?;
    let entry = chain.append(key, doc.kind(), &receipt, doc.at, doc)?;
    tx.append_journal(&c.store, &entry).await?;
    let sale = EventData::SaleCompleted { receipt: receipt.clone(), sale: Box::new(doc.clone()) };
    tx.append_event(&c.store, &NewEvent::now(sale)).await?;
    for code in &doc.coupons {
        let used = EventData::CouponUsed { code: code.clone(), receipt: receipt.clone() };
        tx.append_event(&c.store, &NewEvent::now(used)).await?;
    }
    fail.after(CommitStep::Journal)?;
    Ok(CommitOutcome { id: doc.sale_id, number, receipt, journal_sequence: sequence, replayed: false })
}

/// Commits a refund or void (see the module docs for the order).
pub(crate) async fn sale_return<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    key: &JournalKey,
    c: &ReturnCommit,
) -> Result<CommitOutcome, AppError> {
    keyed(store, fail, key, Keyed::Return(c)).await
}

async fn return_steps(
    tx: &mut dyn UnitOfWork,
    fail: &FailPoint,
    key: &JournalKey,
    c: &ReturnCommit,
) -> Result<CommitOutcome, AppError> {
    if let Some(prior) = tx.return_by_key(&c.store, &c.idempotency_key).await? {
        return replay(prior, &c.request_hash, &c.idempotency_key);
    }
    let doc = &c.document;
    // The return's claim holds its lines and money; the sale's lock orders it after any other
    // return of the sale still committing.
    tx.lock_sale(&c.store, doc.sale_id)
        .await?
        .ok_or_else(|| AppError::NotFound { what: "sale", id: doc.sale.clone() })?;
    let number = tx.next_number(&c.store, &c.terminal, Counter::Return).await?;
    let receipt = return_number(c.kind(), &c.terminal, number);
    let mut chain = chain(tx, &c.store, &c.terminal).await?;
    let sequence = chain.last_sequence() + 1;
    tx.insert_return(c, number, sequence).await.map_err(|e| match e {
        StoreError::AlreadyRefunded { line } => {
            AppError::invalid("lines", format!("line {line} was already refunded"))
        }
        other => other.into(),
    })?;
    tx.close_claim(&c.store, doc.refund_id, false).await?;
    let paid = doc.payments.iter().filter(|p| p.kind.via_gateway()).count();
    if tx.commit_attempts(&c.store, &c.idempotency_key, chrono::Utc::now()).await? != paid {
        return Err(StoreError::Conflict { what: "refund payout (not approved)".into() }.into());
    }
    fail.after(CommitStep::Document)?;
    move_stock(tx, &c.store, &doc.drafts(), Some(&receipt), &doc.cashier, doc.at).await?;
    fail.after(CommitStep::Stock)?;
    loyalty(tx, &c.store, c.account.as_ref(), doc.points.as_ref(), doc.refund_id).await?;
    tx.add_report_facts(&c.store, doc.quote.amount.currency(), &c.facts).await?;
    fail.after(CommitStep::Loyalty)?;
    let entry = chain.append(key, doc.kind(), &receipt, doc.at, doc)?;
    tx.append_journal(&c.store, &entry).await?;
    let done = EventData::ReturnCompleted { number: receipt.clone(), document: Box::new(doc.clone()) };
    tx.append_event(&c.store, &NewEvent::now(done)).await?;
    fail.after(CommitStep::Journal)?;
    Ok(CommitOutcome { id: doc.refund_id, number, receipt, journal_sequence: sequence, replayed: false })
}

/// Claims a return's lines and money before any payout: under the sale's lock, refuses lines
/// returned or claimed already, lets `allocate` split the money over the sale's payments given
/// what is returned or claimed so far, and writes the claim with the payout attempts `attempts`
/// makes of it. Returns the claim with its payments.
pub(crate) async fn claim_return<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    store_id: &StoreId,
    mut claim: ReturnClaim,
    allocate: &(dyn Fn(&Returned) -> Result<Vec<RefundPayment>, AppError> + Send + Sync),
    attempts: &(dyn Fn(&[RefundPayment]) -> Vec<PaymentAttempt> + Send + Sync),
) -> Result<ReturnClaim, AppError> {
    let mut tx = store.begin().await?;
    let returned = tx
        .lock_sale(store_id, claim.sale_id)
        .await?
        .ok_or_else(|| AppError::NotFound { what: "sale", id: claim.request.receipt.clone() })?;
    if let Some(l) = claim.request.lines.iter().find(|l| returned.lines.contains(l)) {
        return Err(AppError::invalid("lines", format!("line {l} was already refunded")));
    }
    claim.payments = allocate(&returned)?;
    tx.insert_claim(store_id, &claim).await.map_err(|e| match e {
        StoreError::AlreadyRefunded { line } => {
            AppError::invalid("lines", format!("line {line} was already refunded"))
        }
        other => other.into(),
    })?;
    for a in attempts(&claim.payments) {
        tx.insert_attempt(store_id, &a).await?;
    }
    tx.commit().await?;
    fail.after(CommitStep::Claimed)?;
    Ok(claim)
}

/// Releases a claim whose payout was declined: its lines and money are free again.
pub(crate) async fn release_claim<S: Transactional + ?Sized>(
    store: &S,
    store_id: &StoreId,
    claim: &ReturnClaim,
) -> Result<(), AppError> {
    let mut tx = store.begin().await?;
    tx.close_claim(store_id, claim.id, true).await?;
    tx.commit().await?;
    Ok(())
}

/// Commits a shift close: the shift row, the next Z number (which must be the report's), the
/// journal record.
pub(crate) async fn shift_close<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    key: &JournalKey,
    c: &ShiftClose,
) -> Result<CommitOutcome, AppError> {
    let mut tx = store.begin().await?;
    let terminal = &c.shift.terminal;
    if !tx.close_shift(c).await? {
        return Err(StoreError::Conflict { what: "shift (already closed)".into() }.into());
    }
    fail.after(CommitStep::Document)?;
    let number = tx.next_number(&c.store, terminal, Counter::ShiftClose).await?;
    if Some(number) != c.document.report.sequence {
        return Err(StoreError::Conflict { what: "Z number".into() }.into());
    }
    let receipt = z_number(terminal, number);
    let mut chain = chain(&mut *tx, &c.store, terminal).await?;
    let doc = &c.document;
    let entry = chain.append(key, doc.kind(), &receipt, doc.closed_at, doc)?;
    tx.append_journal(&c.store, &entry).await?;
    let closed = EventData::ShiftClosed { z: receipt.clone(), document: Box::new(doc.clone()) };
    tx.append_event(&c.store, &NewEvent::now(closed)).await?;
    fail.after(CommitStep::Journal)?;
    tx.commit().await?;
    Ok(CommitOutcome { id: c.shift.id, number, receipt, journal_sequence: entry.sequence, replayed: false })
}

/// Commits a stock change: the document transition (refused when the stored document is no
/// longer what the use case read), then the movements. Returns each movement's on-hand change.
pub(crate) async fn stock_change<S: Transactional + ?Sized>(
    store: &S,
    fail: &FailPoint,
    c: &StockChange,
) -> Result<Vec<Decimal>, AppError> {
    let mut tx = store.begin().await?;
    if let Some(key) = &c.request
        && !tx.claim_request(&c.store, key).await?
    {
        // Done by an earlier try of the same request (one whose answer was lost): nothing again.
        return Ok(Vec::new());
    }
    if let Some(change) = &c.document {
        let next = &change.next;
        let current = tx.lock_stock_document(&c.store, next.kind(), next.id()).await?;
        if current != change.prior {
            let what = format!("{} {}", next.kind().code(), next.id());
            return Err(match change.prior {
                None => StoreError::Duplicate { what },
                Some(_) => StoreError::Conflict { what: format!("{what} (changed meanwhile)") },
            }
            .into());
        }
    }
    let (deltas, movements) = move_stock(&mut *tx, &c.store, &c.drafts, None, &c.actor, c.at).await?;
    fail.after(CommitStep::Stock)?;
    if let Some(change) = &c.document {
        let next = match &change.next {
            StockDocument::Count(count) => StockDocument::Count(count.clone().posted(&deltas)),
            other => other.clone(),
        };
        tx.put_stock_document(&c.store, &next, change.prior.is_none()).await?;
    }
    if !movements.is_empty() {
        tx.append_event(&c.store, &NewEvent::now(EventData::StockChanged { movements })).await?;
    }
    fail.after(CommitStep::Document)?;
    tx.commit().await?;
    Ok(deltas)
}

/// The terminal's chain, resumed from its locked head.
async fn chain(tx: &mut dyn UnitOfWork, store: &StoreId, terminal: &str) -> Result<JournalChain, AppError> {
    let head = tx.journal_head(store, terminal).await?;
    Ok(JournalChain::from_head(terminal, head.sequence, &head.hash))
}

/// Writes a member's account and the document's ledger entries.
async fn loyalty(
    tx: &mut dyn UnitOfWork,
    store: &StoreId,
    account: Option<&AccountChange>,
    points: Option<&PointsEntries>,
    document: uuid::Uuid,
) -> Result<(), AppError> {
    if let Some(a) = account {
        tx.save_account(store, &a.account, a.expected_version).await?;
    }
    if let Some(p) = points {
        tx.insert_ledger_entries(store, p, document).await?;
    }
    Ok(())
}

/// Applies movements with the stock rule: every (location, SKU) row is locked first, in sorted
/// order whatever the order of the drafts, then each draft is decided against the level the
/// earlier ones left. Movements that change nothing (a count that matches) are not recorded.
/// Returns each draft's on-hand change and the movements recorded.
async fn move_stock(
    tx: &mut dyn UnitOfWork,
    store: &StoreId,
    drafts: &[Draft],
    document: Option<&str>,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(Vec<Decimal>, Vec<MovementRecord>), AppError> {
    let mut rows: BTreeMap<(&LocationId, &Sku), (StockRow, bool)> = BTreeMap::new();
    for d in drafts {
        rows.entry((&d.location, &d.sku))
            .or_insert((StockRow { level: Default::default(), policy: StockPolicy::default() }, false));
    }
    for ((location, sku), (row, _)) in &mut rows {
        *row = tx.lock_stock(store, location, sku).await?;
    }
    let mut deltas = Vec::with_capacity(drafts.len());
    let mut recorded = Vec::new();
    for d in drafts {
        let Some((row, changed)) = rows.get_mut(&(&d.location, &d.sku)) else { continue };
        let applied = pos_inventory::apply(&row.level, &row.policy, d)?;
        deltas.push(applied.on_hand);
        if applied.on_hand.is_zero() && applied.reserved.is_zero() {
            continue;
        }
        row.level = applied.level;
        *changed = true;
        let movement = MovementRecord {
            location: d.location.clone(),
            sku: d.sku.clone(),
            kind: d.kind.clone(),
            on_hand: applied.on_hand,
            reserved: applied.reserved,
            document: document.map(str::to_owned),
            actor: actor.to_owned(),
            at,
        };
        tx.insert_movement(store, &movement).await?;
        recorded.push(movement);
    }
    for ((location, sku), (row, changed)) in &rows {
        if *changed {
            tx.put_level(store, location, sku, &row.level).await?;
        }
    }
    Ok((deltas, recorded))
}
