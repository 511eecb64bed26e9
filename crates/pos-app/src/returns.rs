//! Refunds by line, back to the original tenders, restocking and reversing points.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::journal::{JournalKey, canonical_json};
use pos_core::{Money, StoreConfig};
use pos_inventory::LocationId;
use pos_loyalty::{LoyaltyConfig, PointsAccount, RefundOutcome};
use pos_payments::{
    GatewayOutcome, IdempotencyKey, PaidTender, PaymentGateway, RefundOrder, RefundPart, TenderKind,
    allocate_refund,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::commit::{self, FailPoint};
use crate::documents::{ReturnDocument, ReturnKind, ReturnedLine, SCHEMA};
use crate::error::AppError;
use crate::ports::{
    AccountChange, LoyaltyStore, PointsEntries, RefundPayment, ReturnCommit, SaleStore, StoredSale,
    Transactional, parse_receipt,
};
use crate::requests::{check_field, check_key, check_time};
use crate::settings::Settings;

/// What refunds and voids need from a store: the sale as stored, the member's points, and
/// transactions to commit.
pub trait ReturnStore: SaleStore + LoyaltyStore + Transactional {}

impl<T: SaleStore + LoyaltyStore + Transactional> ReturnStore for T {}

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
}

pos_core::deserialize_checked!(RefundRequest, RefundRequest::check, {
    idempotency_key: String,
    terminal: String,
    cashier: String,
    location: LocationId,
    receipt: String,
    lines: Vec<u32>,
    at: DateTime<Utc>,
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
        Ok(())
    }
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
}

pos_core::deserialize_checked!(VoidRequest, VoidRequest::check, {
    idempotency_key: String,
    terminal: String,
    cashier: String,
    location: LocationId,
    receipt: String,
    at: DateTime<Utc>,
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
        )
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

    /// Refunds lines of a sale: returns exactly what they were charged to the original tenders
    /// (card first), puts the goods back on hand, reverses the points they earned and restores
    /// the points spent on them, all in one transaction.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] for an empty or repeated line list or a line refunded already;
    /// [`AppError::NotFound`] for an unknown receipt; [`AppError::Pricing`] for a line that is
    /// not on the sale; gateway and store errors. A failed refund writes nothing.
    pub async fn refund(&self, req: &RefundRequest) -> Result<CompletedRefund, AppError> {
        req.check()?;
        let sale = self.sale(&req.receipt).await?;
        self.return_lines(req, &sale, ReturnKind::Refund).await
    }

    /// Voids a whole sale that has no refunds yet: everything goes back to the original
    /// tenders, the goods back on hand, the points back to where they were; the journal records
    /// a void.
    ///
    /// # Errors
    /// As [`Returns::refund`]; [`AppError::InvalidField`] naming `receipt` when some lines were
    /// refunded already (refund the rest instead).
    pub async fn void(&self, req: &VoidRequest) -> Result<CompletedRefund, AppError> {
        req.check()?;
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
        };
        self.return_lines(&all, &sale, ReturnKind::Void).await
    }

    async fn sale(&self, receipt: &str) -> Result<StoredSale, AppError> {
        let not_found = || AppError::NotFound { what: "sale", id: receipt.to_owned() };
        let (terminal, number) = parse_receipt(receipt).ok_or_else(not_found)?;
        self.store.load_sale(&self.config.id, terminal, number).await?.ok_or_else(not_found)
    }

    async fn return_lines(
        &self,
        req: &RefundRequest,
        sale: &StoredSale,
        kind: ReturnKind,
    ) -> Result<CompletedRefund, AppError> {
        let store_id = &self.config.id;
        if let Some(l) = req.lines.iter().find(|l| sale.returned.lines.contains(l)) {
            return Err(AppError::invalid("lines", format!("line {l} was already refunded")));
        }
        let priced = &sale.document.priced;
        let quote = priced.refund(&req.lines)?;

        // Points: reverse what the lines earned, restore what was spent on them.
        let mut points_back = Decimal::ZERO;
        let (loyalty_outcome, loyalty_commit) = match sale.document.loyalty.clone() {
            Some(mut ls) => {
                let (mut account, version) = self
                    .store
                    .load_account(store_id, &ls.member)
                    .await?
                    .unwrap_or((PointsAccount::new(&ls.member), 0));
                ls.refunded.extend(sale.returned.lines.iter().copied());
                let before = account.ledger().len();
                let out = account.refund(&mut ls, &req.lines, &req.idempotency_key, req.at)?;
                points_back = Decimal::from(
                    req.lines.iter().map(|l| ls.spent.get(l).copied().unwrap_or(0)).sum::<i64>(),
                ) * self.loyalty.point_value;
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

        // Money goes back to the original tenders other than points, card first.
        let tenders: Vec<PaidTender> = sale
            .payments
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut t = PaidTender::new(p.kind, p.amount);
                t.refunded =
                    sale.returned.per_payment.get(i).copied().unwrap_or(Money::zero(priced.currency));
                if p.kind == TenderKind::LoyaltyPoints {
                    t.refunded = t.amount;
                }
                t.reference = p.reference.clone();
                t
            })
            .collect();
        let money = (quote.amount.amount() - points_back).max(Decimal::ZERO);
        let parts = if money.is_zero() {
            Vec::new()
        } else {
            allocate_refund(&tenders, Money::new(money, priced.currency), &RefundOrder::default())?
        };
        let mut payments = Vec::with_capacity(parts.len());
        for p in &parts {
            let mut reference = None;
            if matches!(p.kind, TenderKind::Card | TenderKind::MobileWallet) {
                let key = IdempotencyKey(format!("{}/refund/{}", req.idempotency_key, p.tender));
                let original = tenders[p.tender].reference.clone().unwrap_or_default();
                match self.gateway.refund(key.clone(), &original, p.amount).await {
                    GatewayOutcome::Approved(a) => reference = Some(a.reference),
                    GatewayOutcome::Declined { reason } => return Err(AppError::Declined { reason }),
                    _ => return Err(AppError::PaymentPending { key: key.0 }),
                }
            }
            payments.push(RefundPayment { payment: p.tender, kind: p.kind, amount: p.amount, reference });
        }

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
        let (points, account) = loyalty_commit.unzip();
        let document = ReturnDocument {
            schema: SCHEMA,
            refund_id: Uuid::now_v7(),
            kind,
            sale: req.receipt.clone(),
            sale_id: sale.document.sale_id,
            terminal: req.terminal.clone(),
            cashier: req.cashier.clone(),
            at: req.at,
            quote: quote.clone(),
            lines,
            payments,
            loyalty: loyalty_outcome,
            location: req.location.clone(),
            points,
        };
        let commit = ReturnCommit {
            store: store_id.clone(),
            terminal: req.terminal.clone(),
            idempotency_key: req.idempotency_key.clone(),
            request_hash: hash(req)?,
            document,
            account,
        };
        let outcome = commit::sale_return(&*self.store, &self.fail, &self.key, &commit).await?;
        Ok(CompletedRefund {
            refund_id: outcome.id,
            receipt: outcome.receipt,
            journal_sequence: outcome.journal_sequence,
            amount: quote.amount,
            tenders: parts,
            loyalty: loyalty_outcome,
            replayed: outcome.replayed,
        })
    }
}
