//! Refunds by line, back to the original tenders, restocking and reversing points.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::journal::{JournalKey, canonical_json};
use pos_core::{CashRounding, Money, StoreConfig};
use pos_inventory::LocationId;
use pos_loyalty::{LoyaltyConfig, PointsAccount, RefundOutcome};
use pos_payments::{PaidTender, PaymentGateway, RefundOrder, RefundPart, TenderKind, allocate_refund};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::checkout::Reconciled;
use crate::commit::{self, FailPoint};
use crate::documents::{ReturnDocument, ReturnKind, ReturnedLine, SCHEMA};
use crate::error::{AppError, StoreError};
use crate::payments::{Gate, attempt};
use crate::ports::{
    AccountChange, AttemptOperation, AttemptState, AttemptStore, LoyaltyStore, PointsEntries, PriorCommit,
    RefundPayment, ReturnClaim, ReturnCommit, Returned, SaleStore, StoredSale, Transactional, parse_receipt,
    return_number,
};
use crate::requests::{check_field, check_key, check_time};
use crate::settings::Settings;

/// What refunds and voids need from a store: the sale as stored, the member's points, and
/// transactions to commit.
pub trait ReturnStore: SaleStore + LoyaltyStore + AttemptStore + Transactional {}

impl<T: SaleStore + LoyaltyStore + AttemptStore + Transactional> ReturnStore for T {}

/// A refund as the till submits it. Deserialising one checks it as [`RefundRequest::check`]
/// does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundRequest {
    /// Idempotency key.
    pub idempotency_key: String,
    /// Terminal processing the refund.
    pub terminal: String,
    /// Cashier.
    pub cashier: String,
    /// Where the returned goods go back on hand.
    pub location: LocationId,
    /// Receipt number of the sale.
    pub receipt: String,
    /// Line ids to refund.
    pub lines: Vec<u32>,
    /// When.
    pub at: DateTime<Utc>,
    /// The refund approval numbers a standalone card or QR terminal gave, one for each of the
    /// sale's standalone-terminal payments the refund gives money back to, in the sale's order
    /// (a refund that needs them and lacks them is refused, saying how much goes back where).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terminal_approvals: Vec<String>,
}

pos_core::deserialize_checked!(RefundRequest, RefundRequest::check, {
    idempotency_key: String,
    terminal: String,
    cashier: String,
    location: LocationId,
    receipt: String,
    lines: Vec<u32>,
    at: DateTime<Utc>,
    #[serde(default)]
    terminal_approvals: Vec<String>,
});

impl RefundRequest {
    /// Checks the request: the idempotency key, ids, at most `MAX_LINES` lines, the time.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming the field.
    pub fn check(&self) -> Result<(), AppError> {
        check_returned(
            &self.idempotency_key,
            &self.terminal,
            &self.cashier,
            &self.location,
            &self.receipt,
            self.at,
        )?;
        if self.lines.len() > pos_core::limits::MAX_LINES {
            return Err(AppError::invalid("lines", "names more lines than a sale has"));
        }
        check_terminal_approvals(&self.terminal_approvals)
    }
}

/// A refund that gives money back to payments taken on standalone terminals needs one approval
/// per such payment, from the terminal the cashier refunded them on.
fn standalone_terminal_approvals(
    sale: &StoredSale,
    payments: &[RefundPayment],
    approvals: &[String],
) -> Result<(), AppError> {
    let owed: Vec<String> = payments
        .iter()
        .filter(|p| p.kind.on_standalone_terminal() && !p.amount.is_zero())
        .map(|p| {
            let paid = sale.payments.get(p.payment);
            let brand = paid.and_then(|x| x.brand.clone()).unwrap_or_default();
            let last4 = paid.and_then(|x| x.last4.clone()).map(|l| format!(" ****{l}")).unwrap_or_default();
            format!("{} to {brand}{last4}", p.amount)
        })
        .collect();
    if owed.len() == approvals.len() {
        return Ok(());
    }
    Err(AppError::invalid(
        "terminal_approvals",
        format!(
            "{} approval(s) given where {} are needed: refund {} on the standalone terminal and send each refund approval number, in that order",
            approvals.len(),
            owed.len(),
            if owed.is_empty() { "nothing".to_owned() } else { owed.join(", ") }
        ),
    ))
}

fn check_terminal_approvals(approvals: &[String]) -> Result<(), AppError> {
    if approvals.len() > pos_payments::MAX_TENDERS {
        return Err(AppError::invalid("terminal_approvals", "more approvals than a sale has payments"));
    }
    for a in approvals {
        pos_payments::check_approval("terminal_approvals", a)?;
    }
    Ok(())
}

fn check_returned(
    key: &str,
    terminal: &str,
    cashier: &str,
    location: &LocationId,
    receipt: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    check_key(key)?;
    check_field("terminal", terminal)?;
    check_field("cashier", cashier)?;
    check_field("location", &location.0)?;
    check_field("receipt", receipt)?;
    check_time("at", at)
}

/// A void as the till submits it: the whole sale. Deserialising one checks it as
/// [`VoidRequest::check`] does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoidRequest {
    /// Idempotency key.
    pub idempotency_key: String,
    /// Terminal.
    pub terminal: String,
    /// Cashier (permission checks belong to the caller).
    pub cashier: String,
    /// Where the goods go back on hand.
    pub location: LocationId,
    /// Receipt number of the sale.
    pub receipt: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The standalone terminals' cancel approvals, as for [`RefundRequest::terminal_approvals`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terminal_approvals: Vec<String>,
}

pos_core::deserialize_checked!(VoidRequest, VoidRequest::check, {
    idempotency_key: String,
    terminal: String,
    cashier: String,
    location: LocationId,
    receipt: String,
    at: DateTime<Utc>,
    #[serde(default)]
    terminal_approvals: Vec<String>,
});

impl VoidRequest {
    /// Checks the request: the idempotency key, ids, the time.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming the field.
    pub fn check(&self) -> Result<(), AppError> {
        check_returned(
            &self.idempotency_key,
            &self.terminal,
            &self.cashier,
            &self.location,
            &self.receipt,
            self.at,
        )?;
        check_terminal_approvals(&self.terminal_approvals)
    }
}

/// A completed refund or void.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedRefund {
    /// Refund id.
    pub refund_id: Uuid,
    /// Refund receipt number.
    pub receipt: String,
    /// Journal sequence.
    pub journal_sequence: u64,
    /// Amount of the refunded lines: exactly what they were charged.
    pub amount: Money,
    /// Money returned per original tender (points come back as points).
    pub tenders: Vec<RefundPart>,
    /// Points reversed and restored.
    pub loyalty: Option<RefundOutcome>,
    /// True for a retry of a refund already recorded.
    pub replayed: bool,
}

fn hash<T: Serialize>(v: &T) -> Result<String, AppError> {
    let json = canonical_json(v)?;
    Ok(Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

/// Refunds and voids for one store.
pub struct Returns<S: ReturnStore, G: PaymentGateway> {
    store: Arc<S>,
    gateway: Arc<G>,
    config: StoreConfig,
    loyalty: LoyaltyConfig,
    key: JournalKey,
    fail: FailPoint,
}

impl<S: ReturnStore, G: PaymentGateway> Returns<S, G> {
    /// Returns over a store adapter and the payment gateway the sales were paid through.
    pub fn new(store: Arc<S>, gateway: Arc<G>, settings: Settings) -> Self {
        let Settings { store: config, loyalty, journal_key: key } = settings;
        Returns { store, gateway, config, loyalty, key, fail: FailPoint::default() }
    }

    /// Test support: makes the following return commits fail right after `step`.
    #[cfg(feature = "test-hooks")]
    pub fn fail_after(&self, step: Option<commit::CommitStep>) {
        self.fail.set(step);
    }

    /// Refunds lines of a sale: what they were charged goes back to the original tenders (card
    /// first; cash rounded as the store rounds cash; the return of a sale's last lines gives
    /// back exactly what is left on each tender), the goods go back on hand, the points they
    /// earned are reversed and those spent on them restored. Points the member earned on the
    /// lines but has spent since are deducted from the money at their value, when the loyalty
    /// rules say so (`LoyaltyConfig::deduct_unrecovered`).
    ///
    /// The idempotency key is looked up first: a retry replays the committed return, or
    /// resumes one whose payout did not finish. The lines and the money are claimed, atomically
    /// and under the sale's lock, before anything is paid out, so two returns of one sale never
    /// pay out the same line.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] for an empty or repeated line list or a line returned (or
    /// being returned) already; [`AppError::NotFound`] for an unknown receipt;
    /// [`AppError::Pricing`] for a line that is not on the sale; [`AppError::Declined`] (the
    /// claim is released) and [`AppError::PaymentPending`] (the claim stays; retry with the same
    /// key, or the reconciler finishes it); [`AppError::IdempotencyConflict`].
    pub async fn refund(&self, req: &RefundRequest) -> Result<CompletedRefund, AppError> {
        req.check()?;
        let request_hash = hash(req)?;
        if let Some(done) = self.replay_or_resume(&req.idempotency_key, &request_hash).await? {
            return Ok(done);
        }
        let sale = self.sale(&req.receipt).await?;
        self.start(req.clone(), request_hash, ReturnKind::Refund, &sale).await
    }

    /// Voids a whole sale that has no returns yet: everything goes back to the original
    /// tenders, the goods back on hand, the points back to where they were; the journal records
    /// a void.
    ///
    /// # Errors
    /// As [`Returns::refund`]; [`AppError::InvalidField`] naming `receipt` when some lines were
    /// returned already (refund the rest instead).
    pub async fn void(&self, req: &VoidRequest) -> Result<CompletedRefund, AppError> {
        req.check()?;
        let request_hash = hash(req)?;
        if let Some(done) = self.replay_or_resume(&req.idempotency_key, &request_hash).await? {
            return Ok(done);
        }
        let sale = self.sale(&req.receipt).await?;
        if !sale.returned.lines.is_empty() {
            return Err(AppError::invalid(
                "receipt",
                "the sale has refunds; refund the remaining lines instead",
            ));
        }
        let all = RefundRequest {
            idempotency_key: req.idempotency_key.clone(),
            terminal: req.terminal.clone(),
            cashier: req.cashier.clone(),
            location: req.location.clone(),
            receipt: req.receipt.clone(),
            lines: sale.document.priced.lines.iter().map(|l| l.line_id).collect(),
            at: req.at,
            terminal_approvals: req.terminal_approvals.clone(),
        };
        self.start(all, request_hash, ReturnKind::Void, &sale).await
    }

    async fn sale(&self, receipt: &str) -> Result<StoredSale, AppError> {
        let not_found = || AppError::NotFound { what: "sale", id: receipt.to_owned() };
        let (terminal, number) = parse_receipt(receipt).ok_or_else(not_found)?;
        self.store.load_sale(&self.config.id, terminal, number).await?.ok_or_else(not_found)
    }

    fn gate(&self) -> Gate<'_, S, G> {
        Gate { store: &*self.store, gateway: &*self.gateway, store_id: &self.config.id }
    }

    /// The committed return of a key (replayed), or its open claim (resumed); a conflict when
    /// the key was used for a different request.
    async fn replay_or_resume(
        &self,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<CompletedRefund>, AppError> {
        if let Some((prior, doc)) = self.store.return_by_key(&self.config.id, key).await? {
            if prior.request_hash != request_hash {
                return Err(AppError::IdempotencyConflict { key: key.to_owned() });
            }
            return Ok(Some(completed(&prior, &doc, true)));
        }
        if let Some(claim) = self.store.claim_by_key(&self.config.id, key).await? {
            if claim.request_hash != request_hash {
                return Err(AppError::IdempotencyConflict { key: key.to_owned() });
            }
            return self.resume(claim).await.map(Some);
        }
        Ok(None)
    }

    /// Claims the lines and money of a return, then pays out and completes it.
    async fn start(
        &self,
        req: RefundRequest,
        request_hash: String,
        kind: ReturnKind,
        sale: &StoredSale,
    ) -> Result<CompletedRefund, AppError> {
        if let Some(l) = req.lines.iter().find(|l| sale.returned.lines.contains(l)) {
            return Err(AppError::invalid("lines", format!("line {l} was already refunded")));
        }
        let priced = &sale.document.priced;
        let quote = priced.refund(&req.lines)?;
        let (points_back, deducted) = self.points_preview(&req, sale).await?;
        let money = (quote.amount.amount() - points_back - deducted).max(Decimal::ZERO);
        let all_lines: Vec<u32> = priced.lines.iter().map(|l| l.line_id).collect();
        let cash = self.config.cash_rounding;
        let key = req.idempotency_key.clone();
        let claim = ReturnClaim {
            id: Uuid::now_v7(),
            sale_id: sale.document.sale_id,
            kind,
            idempotency_key: key.clone(),
            request_hash: request_hash.clone(),
            request: req.clone(),
            payments: Vec::new(),
        };
        let allocate = |returned: &Returned| {
            let last = all_lines.iter().all(|l| returned.lines.contains(l) || req.lines.contains(l));
            let payments = split_money(sale, returned, money, deducted, last, &cash)?;
            standalone_terminal_approvals(sale, &payments, &req.terminal_approvals)?;
            Ok(payments)
        };
        let payouts = |payments: &[RefundPayment]| {
            payments
                .iter()
                .filter(|p| p.kind.via_gateway())
                .map(|p| {
                    let original = sale.payments.get(p.payment).and_then(|x| x.reference.clone());
                    let key = format!("{key}/refund/{}", p.payment);
                    attempt(key, &req.idempotency_key, AttemptOperation::Refund, p.kind, p.amount, original)
                })
                .collect()
        };
        match commit::claim_return(&*self.store, &self.fail, &self.config.id, claim, &allocate, &payouts)
            .await
        {
            Ok(claim) => self.resume(claim).await,
            // A concurrent try of the same request claimed first: take up its claim.
            Err(AppError::Store(StoreError::KeyTaken { .. })) => self
                .replay_or_resume(&req.idempotency_key, &request_hash)
                .await?
                .ok_or_else(|| AppError::Store(StoreError::Conflict { what: format!("return `{key}`") })),
            Err(e) => Err(e),
        }
    }

    /// What the member's points do to the money of a return, on a copy of the account: the
    /// value of points spent on the lines (they come back as points) and of points the lines
    /// earned that were spent since (deducted when the rules say so).
    async fn points_preview(
        &self,
        req: &RefundRequest,
        sale: &StoredSale,
    ) -> Result<(Decimal, Decimal), AppError> {
        let Some(mut ls) = sale.document.loyalty.clone() else { return Ok((Decimal::ZERO, Decimal::ZERO)) };
        let spent: i64 = req.lines.iter().map(|l| ls.spent.get(l).copied().unwrap_or(0)).sum();
        let back = Decimal::from(spent) * self.loyalty.point_value;
        if !self.loyalty.deduct_unrecovered {
            return Ok((back, Decimal::ZERO));
        }
        let (mut account, _) = self
            .store
            .load_account(&self.config.id, &ls.member)
            .await?
            .unwrap_or((PointsAccount::new(&ls.member), 0));
        ls.refunded.extend(sale.returned.completed().filter(|l| !req.lines.contains(l)));
        let out = account.refund(&mut ls, &req.lines, &req.idempotency_key, req.at)?;
        Ok((back, Decimal::from(out.unrecovered) * self.loyalty.point_value))
    }

    /// Pays out a claim's card and wallet parts and commits the return; releases the claim when
    /// the payout is declined before any money went out.
    async fn resume(&self, claim: ReturnClaim) -> Result<CompletedRefund, AppError> {
        let attempts = self.store.attempts_of(&self.config.id, &claim.idempotency_key).await?;
        let gate = self.gate();
        let mut references: Vec<(usize, String)> = Vec::new();
        let (mut declined, mut pending) = (None, None);
        for p in claim.payments.iter().filter(|p| p.kind.via_gateway()) {
            let key = format!("{}/refund/{}", claim.idempotency_key, p.payment);
            let Some(a) = attempts.iter().find(|a| a.key == key) else {
                return Err(
                    StoreError::Backend { message: format!("claim without its payout `{key}`") }.into()
                );
            };
            match gate.pay_out(a.clone()).await {
                Ok(approval) => references.push((p.payment, approval.reference)),
                Err(AppError::Declined { reason }) => declined = Some(reason),
                Err(e) => pending = Some(e),
            }
        }
        if let Some(e) = pending {
            return Err(e);
        }
        if let Some(reason) = declined {
            if references.is_empty() {
                commit::release_claim(&*self.store, &self.config.id, &claim).await?;
            }
            // Otherwise part of the money went out: the claim stays open for a manager (the
            // reconciler reports it).
            return Err(AppError::Declined { reason });
        }
        self.fail.after(commit::CommitStep::PaidOut)?;
        // What went back on standalone terminals, with the approvals the till typed in.
        let standalone =
            claim.payments.iter().filter(|p| p.kind.on_standalone_terminal() && !p.amount.is_zero());
        references
            .extend(standalone.zip(&claim.request.terminal_approvals).map(|(p, a)| (p.payment, a.clone())));
        self.complete(claim, &references).await
    }

    /// Commits a claimed and paid-out return.
    async fn complete(
        &self,
        claim: ReturnClaim,
        references: &[(usize, String)],
    ) -> Result<CompletedRefund, AppError> {
        let req = &claim.request;
        let sale = self.sale(&req.receipt).await?;
        let priced = &sale.document.priced;
        let quote = priced.refund(&req.lines)?;
        let (loyalty_outcome, loyalty_commit) = match sale.document.loyalty.clone() {
            Some(mut ls) => {
                let (mut account, version) = self
                    .store
                    .load_account(&self.config.id, &ls.member)
                    .await?
                    .unwrap_or((PointsAccount::new(&ls.member), 0));
                ls.refunded.extend(sale.returned.completed().filter(|l| !req.lines.contains(l)));
                let before = account.ledger().len();
                let out = account.refund(&mut ls, &req.lines, &req.idempotency_key, req.at)?;
                let entries = account.ledger()[before..].to_vec();
                let member = ls.member.clone();
                (
                    Some(out),
                    Some((
                        PointsEntries { member, entries },
                        AccountChange { expected_version: version, account },
                    )),
                )
            }
            None => (None, None),
        };
        let (points, account) = loyalty_commit.unzip();
        let payments: Vec<RefundPayment> = claim
            .payments
            .iter()
            .map(|p| {
                let reference = references.iter().find(|r| r.0 == p.payment).map(|r| r.1.clone());
                RefundPayment { reference, ..p.clone() }
            })
            .collect();
        let lines: Vec<ReturnedLine> = req
            .lines
            .iter()
            .filter_map(|id| priced.lines.iter().find(|l| l.line_id == *id))
            .map(|l| ReturnedLine {
                line_id: l.line_id,
                sku: l.sku.clone(),
                quantity: l.quantity.value(),
                amount: l.total,
                category: sale.document.category(l.line_id).to_owned(),
            })
            .collect();
        let document = ReturnDocument {
            schema: SCHEMA,
            refund_id: claim.id,
            kind: claim.kind,
            sale: req.receipt.clone(),
            sale_id: sale.document.sale_id,
            terminal: req.terminal.clone(),
            cashier: req.cashier.clone(),
            at: req.at,
            quote,
            lines,
            payments,
            loyalty: loyalty_outcome,
            location: req.location.clone(),
            points,
        };
        let commit = ReturnCommit {
            store: self.config.id.clone(),
            terminal: req.terminal.clone(),
            idempotency_key: req.idempotency_key.clone(),
            request_hash: claim.request_hash.clone(),
            facts: crate::reports::facts(
                &crate::ports::StoredDocument::Return(Box::new(document.clone())),
                &crate::reports::local_of(self.config.time_zone),
            ),
            document,
            account,
        };
        let outcome = commit::sale_return(&*self.store, &self.fail, &self.key, &commit).await?;
        if outcome.replayed {
            // A concurrent try completed the same claim first.
            let stored = self.store.return_by_key(&self.config.id, &req.idempotency_key).await?;
            let (prior, doc) = stored.ok_or_else(|| StoreError::Conflict { what: "return".into() })?;
            return Ok(completed(&prior, &doc, true));
        }
        let prior = PriorCommit {
            id: outcome.id,
            terminal: req.terminal.clone(),
            number: outcome.number,
            kind: Some(claim.kind),
            journal_sequence: outcome.journal_sequence,
            request_hash: claim.request_hash.clone(),
        };
        Ok(completed(&prior, &commit.document, false))
    }

    /// Finishes the returns a crash or a lost answer left open, whose payouts last changed
    /// before `before`: a payout the gateway made completes its return, one it declined releases
    /// the claim. Safe to run concurrently and repeatedly.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn reconcile(&self, before: DateTime<Utc>) -> Result<Reconciled, AppError> {
        let mut done = Reconciled::default();
        let mut seen: Vec<String> = Vec::new();
        for a in self.store.open_attempts(&self.config.id, before).await? {
            if a.operation != AttemptOperation::Refund || seen.contains(&a.document) {
                continue;
            }
            seen.push(a.document.clone());
            if self.store.return_by_key(&self.config.id, &a.document).await?.is_some() {
                let mut a = a;
                if self.gate().advance(&mut a, &[AttemptState::Approved], AttemptState::Committed).await? {
                    done.committed += 1;
                }
                continue;
            }
            let Some(claim) = self.store.claim_by_key(&self.config.id, &a.document).await? else {
                continue;
            };
            match self.resume(claim).await {
                Ok(_) => done.completed += 1,
                Err(AppError::Declined { .. }) => {
                    let open = self.store.claim_by_key(&self.config.id, &a.document).await?.is_some();
                    if open { done.open += 1 } else { done.released += 1 }
                }
                Err(AppError::Store(e)) => return Err(e.into()),
                Err(_) => done.open += 1,
            }
        }
        Ok(done)
    }
}

/// A committed return as the caller sees it.
fn completed(prior: &PriorCommit, doc: &ReturnDocument, replayed: bool) -> CompletedRefund {
    CompletedRefund {
        refund_id: prior.id,
        receipt: return_number(doc.kind, &prior.terminal, prior.number),
        journal_sequence: prior.journal_sequence,
        amount: doc.quote.amount,
        tenders: doc
            .payments
            .iter()
            .map(|p| RefundPart { tender: p.payment, kind: p.kind, amount: p.amount })
            .collect(),
        loyalty: doc.loyalty,
        replayed,
    }
}

/// Splits the money of a return over the sale's payments, given what is returned or claimed
/// already. Points tenders are skipped (points come back as points). The return of the sale's
/// last lines gives back exactly what is left on each tender, less `deducted`; any other goes
/// card first (the default refund order), its cash part rounded as the store rounds cash.
fn split_money(
    sale: &StoredSale,
    returned: &Returned,
    money: Decimal,
    deducted: Decimal,
    last: bool,
    cash: &CashRounding,
) -> Result<Vec<RefundPayment>, AppError> {
    let currency = sale.document.priced.currency;
    let tenders: Vec<PaidTender> = sale
        .payments
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut t = PaidTender::new(p.kind, p.amount);
            t.refunded = returned.per_payment.get(i).copied().unwrap_or(Money::zero(currency));
            if p.kind == TenderKind::LoyaltyPoints {
                t.refunded = t.amount;
            }
            t.reference.clone_from(&p.reference);
            t
        })
        .collect();
    let rest = |t: &PaidTender| (t.amount.amount() - t.refunded.amount()).max(Decimal::ZERO);
    let order = RefundOrder::default();
    let rank = |k: TenderKind| order.0.iter().position(|o| *o == k).unwrap_or(order.0.len());
    let mut parts: Vec<RefundPayment> = if last {
        // Everything left, less the deduction, taken from the tenders refunded last.
        let mut idx: Vec<usize> = (0..tenders.len()).collect();
        idx.sort_by_key(|i| (std::cmp::Reverse(rank(tenders[*i].kind)), *i));
        let mut deduct = deducted;
        let mut parts = Vec::new();
        for i in idx {
            let take = rest(&tenders[i]);
            let cut = deduct.min(take);
            deduct -= cut;
            if take - cut > Decimal::ZERO {
                parts.push(RefundPayment {
                    payment: i,
                    kind: tenders[i].kind,
                    amount: Money::new(take - cut, currency),
                    reference: None,
                });
            }
        }
        parts
    } else {
        let refundable: Decimal = tenders.iter().map(rest).sum();
        let money = money.min(refundable);
        if money.is_zero() {
            Vec::new()
        } else {
            allocate_refund(&tenders, Money::new(money, currency), &order)?
                .into_iter()
                .map(|p| {
                    let mut amount = p.amount.amount();
                    if p.kind == TenderKind::Cash {
                        amount = cash.apply(amount).min(rest(&tenders[p.tender]));
                    }
                    RefundPayment {
                        payment: p.tender,
                        kind: p.kind,
                        amount: Money::new(amount, currency),
                        reference: None,
                    }
                })
                .filter(|p| p.amount.amount() > Decimal::ZERO)
                .collect()
        }
    };
    parts.sort_by_key(|p| p.payment);
    Ok(parts)
}
