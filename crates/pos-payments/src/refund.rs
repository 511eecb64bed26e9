//! Refund allocation back to the original tenders.

use pos_core::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::PaymentError;
use crate::tender::TenderKind;

/// A tender of the original sale, with what has been refunded on it so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidTender {
    /// Kind.
    pub kind: TenderKind,
    /// Amount it settled in the sale.
    pub amount: Money,
    /// Refunded on it by earlier refunds.
    pub refunded: Money,
    /// Gateway reference, gift card code, ...
    pub reference: Option<String>,
}

impl PaidTender {
    /// A tender with nothing refunded yet.
    pub fn new(kind: TenderKind, amount: Money) -> Self {
        PaidTender { kind, amount, refunded: Money::zero(amount.currency()), reference: None }
    }

    fn refundable(&self) -> Decimal {
        self.amount.amount() - self.refunded.amount()
    }
}

/// The order in which tenders take a refund. Kinds not listed come last, in sale order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOrder(pub Vec<TenderKind>);

impl Default for RefundOrder {
    /// Electronic tenders first (money goes back where it came from without handling cash),
    /// then stored value, then cash.
    fn default() -> Self {
        RefundOrder(vec![
            TenderKind::Card,
            TenderKind::MobileWallet,
            TenderKind::TerminalCard,
            TenderKind::TerminalWallet,
            TenderKind::GiftCard,
            TenderKind::StoreCredit,
            TenderKind::LoyaltyPoints,
            TenderKind::Voucher,
            TenderKind::Cash,
        ])
    }
}

/// One part of a refund: which original tender, how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPart {
    /// Index of the tender in the sale.
    pub tender: usize,
    /// Its kind.
    pub kind: TenderKind,
    /// Amount refunded to it.
    pub amount: Money,
}

/// Splits a refund of `amount` over the sale's tenders in `order`, each taking at most what is
/// still refundable on it.
///
/// # Errors
/// [`PaymentError::InvalidField`] naming `refund.amount` when it is not positive;
/// [`PaymentError::CurrencyMismatch`]; [`PaymentError::RefundExceedsPaid`] when it exceeds what
/// is left to refund.
pub fn allocate_refund(
    tenders: &[PaidTender],
    amount: Money,
    order: &RefundOrder,
) -> Result<Vec<RefundPart>, PaymentError> {
    if amount.amount() <= Decimal::ZERO {
        return Err(PaymentError::invalid("refund.amount", "must be greater than zero"));
    }
    amount.check("refund.amount").map_err(|e| PaymentError::invalid("refund.amount", e.to_string()))?;
    if let Some(t) = tenders.iter().find(|t| t.amount.currency() != amount.currency()) {
        return Err(PaymentError::CurrencyMismatch {
            expected: t.amount.currency().code().into(),
            found: amount.currency().code().into(),
        });
    }
    for (i, t) in tenders.iter().enumerate() {
        for (what, m) in [("amount", &t.amount), ("refunded", &t.refunded)] {
            let field = format!("tenders[{i}].{what}");
            m.check(&field).map_err(|e| PaymentError::invalid(&field, e.to_string()))?;
            if m.is_negative() || m.currency() != amount.currency() {
                return Err(PaymentError::invalid(
                    field,
                    "must be a positive amount of the refund's currency",
                ));
            }
        }
        if t.refunded.amount() > t.amount.amount() {
            return Err(PaymentError::invalid(
                format!("tenders[{i}].refunded"),
                "exceeds what the tender paid",
            ));
        }
    }
    let refundable: Decimal = tenders.iter().map(PaidTender::refundable).sum();
    if amount.amount() > refundable {
        return Err(PaymentError::RefundExceedsPaid { requested: amount.amount(), refundable });
    }
    let rank = |k: TenderKind| order.0.iter().position(|o| *o == k).unwrap_or(order.0.len());
    let mut idx: Vec<usize> = (0..tenders.len()).collect();
    idx.sort_by_key(|i| (rank(tenders[*i].kind), *i));
    let mut left = amount.amount();
    let mut parts = Vec::new();
    for i in idx {
        if left.is_zero() {
            break;
        }
        let take = tenders[i].refundable().min(left);
        if take > Decimal::ZERO {
            parts.push(RefundPart {
                tender: i,
                kind: tenders[i].kind,
                amount: Money::new(take, amount.currency()),
            });
            left -= take;
        }
    }
    Ok(parts)
}
