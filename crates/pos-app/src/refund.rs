//! Refunds by line, back to the original tenders, restocking and reversing points.

use chrono::{DateTime, Utc};
use pos_core::journal::canonical_json;
use pos_core::{DocumentKind, Money, PricedBasket};
use pos_inventory::LocationId;
use pos_loyalty::{LoyaltySale, PointsAccount, RefundOutcome};
use pos_payments::{
    GatewayOutcome, IdempotencyKey, PaidTender, PaymentGateway, RefundOrder, RefundPart, TenderKind,
    allocate_refund,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::checkout::Checkout;
use crate::error::{AppError, StoreError};
use crate::ports::{LoyaltyCommit, RefundCommit, RefundLine, RefundPayment, StockReturn, Store};

/// A refund as the till submits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// A void as the till submits it: the whole sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

fn stored(e: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Backend { message: format!("stored sale does not read back: {e}") })
}

impl<S: Store, G: PaymentGateway> Checkout<S, G> {
    /// Refunds lines of a sale: returns exactly what they were charged to the original tenders
    /// (card first), puts the goods back on hand, reverses the points they earned and restores
    /// the points spent on them, all in one transaction.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] for an empty or repeated line list or a line refunded already;
    /// [`AppError::NotFound`] for an unknown receipt; [`AppError::Pricing`] for a line that is
    /// not on the sale; gateway and store errors. A failed refund writes nothing.
    pub async fn refund(&self, req: &RefundRequest) -> Result<CompletedRefund, AppError> {
        self.return_lines(req, DocumentKind::Refund).await
    }

    /// Voids a whole sale that has no refunds yet: everything goes back to the original
    /// tenders, the goods back on hand, the points back to where they were; the journal records
    /// a void.
    ///
    /// # Errors
    /// As [`Checkout::refund`]; [`AppError::InvalidField`] naming `receipt` when some lines were
    /// refunded already (refund the rest instead).
    pub async fn void(&self, req: &VoidRequest) -> Result<CompletedRefund, AppError> {
        let sale = self
            .store()
            .load_sale(&self.config().id, &req.receipt)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "sale", id: req.receipt.clone() })?;
        if !sale.refunded_lines.is_empty() {
            return Err(AppError::invalid(
                "receipt",
                "the sale has refunds; refund the remaining lines instead",
            ));
        }
        let priced: PricedBasket = serde_json::from_value(sale.document["priced"].clone()).map_err(stored)?;
        let all = RefundRequest {
            idempotency_key: req.idempotency_key.clone(),
            terminal: req.terminal.clone(),
            cashier: req.cashier.clone(),
            location: req.location.clone(),
            receipt: req.receipt.clone(),
            lines: priced.lines.iter().map(|l| l.line_id).collect(),
            at: req.at,
        };
        self.return_lines(&all, DocumentKind::Void).await
    }

    async fn return_lines(
        &self,
        req: &RefundRequest,
        kind: DocumentKind,
    ) -> Result<CompletedRefund, AppError> {
        if req.idempotency_key.trim().is_empty() || req.idempotency_key.len() > 128 {
            return Err(AppError::invalid("idempotency_key", "must be 1 to 128 characters"));
        }
        if req.terminal.trim().is_empty() {
            return Err(AppError::invalid("terminal", "must not be empty"));
        }
        let store_id = &self.config().id;
        let sale = self
            .store()
            .load_sale(store_id, &req.receipt)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "sale", id: req.receipt.clone() })?;
        if let Some(l) = req.lines.iter().find(|l| sale.refunded_lines.contains(l)) {
            return Err(AppError::invalid("lines", format!("line {l} was already refunded")));
        }
        let priced: PricedBasket = serde_json::from_value(sale.document["priced"].clone()).map_err(stored)?;
        let quote = priced.refund(&req.lines)?;

        // Points: reverse what the lines earned, restore what was spent on them.
        let loyalty_sale: Option<LoyaltySale> =
            serde_json::from_value(sale.document["loyalty"].clone()).map_err(stored)?;
        let mut points_back = Decimal::ZERO;
        let (loyalty_outcome, loyalty_commit) = match loyalty_sale {
            Some(mut ls) => {
                let (mut account, version) = self
                    .store()
                    .load_account(store_id, &ls.member)
                    .await?
                    .unwrap_or((PointsAccount::new(&ls.member), 0));
                ls.refunded.extend(sale.refunded_lines.iter().copied());
                let before = account.ledger().len();
                let out = account.refund(&mut ls, &req.lines, &req.idempotency_key, req.at)?;
                points_back = Decimal::from(
                    req.lines.iter().map(|l| ls.spent.get(l).copied().unwrap_or(0)).sum::<i64>(),
                ) * self.loyalty_config().point_value;
                let entries = account.ledger()[before..].to_vec();
                let member = ls.member.clone();
                (Some(out), Some(LoyaltyCommit { member, expected_version: version, account, entries }))
            }
            None => (None, None),
        };

        // Money goes back to the original tenders other than points, card first.
        let tenders: Vec<PaidTender> = sale
            .payments
            .iter()
            .zip(&sale.refunded_per_payment)
            .map(|(p, refunded)| {
                let mut t = PaidTender::new(p.kind, Money::new(p.amount, priced.currency));
                t.refunded = Money::new(*refunded, priced.currency);
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
                match self.gateway().refund(key.clone(), &original, p.amount).await {
                    GatewayOutcome::Approved(a) => reference = Some(a.reference),
                    GatewayOutcome::Declined { reason } => return Err(AppError::Declined { reason }),
                    _ => return Err(AppError::PaymentPending { key: key.0 }),
                }
            }
            payments.push(RefundPayment {
                payment: p.tender,
                kind: p.kind,
                amount: p.amount.amount(),
                reference,
            });
        }

        let refund_id = Uuid::now_v7();
        let lines: Vec<RefundLine> = req
            .lines
            .iter()
            .filter_map(|id| priced.lines.iter().find(|l| l.line_id == *id))
            .map(|l| RefundLine { line_id: l.line_id, sku: l.sku.clone(), amount: l.total.amount() })
            .collect();
        let stock = req
            .lines
            .iter()
            .filter_map(|id| priced.lines.iter().find(|l| l.line_id == *id))
            .map(|l| StockReturn {
                location: req.location.clone(),
                sku: l.sku.clone(),
                quantity: l.quantity.value(),
            })
            .collect();
        let document = serde_json::json!({
            "refund_id": refund_id,
            "kind": kind,
            "sale": req.receipt,
            "terminal": req.terminal,
            "cashier": req.cashier,
            "at": req.at,
            "quote": quote,
            "lines": lines,
            "tenders": parts,
            "loyalty": loyalty_outcome,
        });
        let commit = RefundCommit {
            kind,
            store: store_id.clone(),
            terminal: req.terminal.clone(),
            refund_id,
            sale_id: sale.sale_id,
            idempotency_key: req.idempotency_key.clone(),
            request_hash: hash(req)?,
            at: req.at,
            total: quote.amount.amount(),
            journal_payload: canonical_json(&document)?,
            document,
            lines,
            payments,
            stock,
            loyalty: loyalty_commit,
        };
        let outcome = self.store().commit_refund(&commit).await.map_err(|e| match e {
            StoreError::AlreadyRefunded { line } => {
                AppError::invalid("lines", format!("line {line} was already refunded"))
            }
            other => AppError::Store(other),
        })?;
        Ok(CompletedRefund {
            refund_id: if outcome.replayed { outcome.sale_id } else { refund_id },
            receipt: outcome.receipt,
            journal_sequence: outcome.journal_sequence,
            amount: quote.amount,
            tenders: parts,
            loyalty: loyalty_outcome,
            replayed: outcome.replayed,
        })
    }
}
