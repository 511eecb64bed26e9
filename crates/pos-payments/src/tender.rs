//! Tenders and split payments: how a sale is paid, and the change given.

use pos_core::{CashRounding, Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::PaymentError;

/// A kind of tender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TenderKind {
    /// Notes and coins; the only tender that gives change and is cash-rounded.
    Cash,
    /// Credit or debit card through a payment gateway.
    Card,
    /// Mobile wallet or QR payment (KakaoPay, Alipay, WeChat Pay).
    MobileWallet,
    /// A gift card.
    GiftCard,
    /// Store credit.
    StoreCredit,
    /// Loyalty points.
    LoyaltyPoints,
    /// A paper or digital voucher.
    Voucher,
    /// A card paid on a standalone card terminal the till does not control (common in Korea):
    /// recorded with the terminal's approval number, the card's brand and last digits; no
    /// gateway call. Its refunds record the terminal's refund approval.
    TerminalCard,
    /// A QR or wallet payment taken on a standalone terminal or the wallet's own device
    /// (Alipay, WeChat Pay, KakaoPay): recorded like [`TenderKind::TerminalCard`].
    TerminalWallet,
}

impl TenderKind {
    /// Whether the tender is charged and refunded through the payment gateway (cards and
    /// wallets).
    pub fn via_gateway(self) -> bool {
        matches!(self, TenderKind::Card | TenderKind::MobileWallet)
    }

    /// Whether it was taken on a standalone terminal: its approval is typed in at the till,
    /// for the sale and for each refund.
    pub fn on_standalone_terminal(self) -> bool {
        matches!(self, TenderKind::TerminalCard | TenderKind::TerminalWallet)
    }
}

/// Most tenders one sale takes.
pub const MAX_TENDERS: usize = 32;

/// What the customer hands over for one tender. For cash this is the amount tendered (which may
/// exceed what is due); for every other kind it is the amount to charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenderInput {
    /// Kind.
    pub kind: TenderKind,
    /// Amount handed over or charged.
    pub amount: Money,
    /// Gateway reference, gift card code or voucher number, if any; for a standalone
    /// terminal, its approval number (required). Never a card number.
    pub reference: Option<String>,
    /// For a standalone terminal: the card brand or wallet (`BC`, `신한`, `Alipay`), required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// For a standalone terminal's card: its last four digits, if the slip shows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
}

pos_core::deserialize_checked!(TenderInput, TenderInput::check, {
    kind: TenderKind,
    amount: Money,
    reference: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    last4: Option<String>,
});

/// Checks an approval number typed in from a standalone terminal's slip: 1 to 32 letters, digits
/// or dashes.
///
/// # Errors
/// [`PaymentError::InvalidField`] naming `field`.
pub fn check_approval(field: &str, approval: &str) -> Result<(), PaymentError> {
    if approval.is_empty()
        || approval.len() > 32
        || !approval.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(PaymentError::invalid(field, "an approval number is 1 to 32 letters, digits or dashes"));
    }
    Ok(())
}

impl TenderInput {
    /// Checks the tender: an amount within the limits (see `pos_core::limits`) and a reference
    /// as text.
    ///
    /// # Errors
    /// [`PaymentError::InvalidField`] naming `amount` or `reference`.
    pub fn check(&self) -> Result<(), PaymentError> {
        let core = |e: pos_core::CoreError| match e {
            pos_core::CoreError::InvalidField { field, reason } => {
                PaymentError::InvalidField { field, reason }
            }
            other => PaymentError::invalid(other.field().unwrap_or("tender").to_owned(), other.to_string()),
        };
        self.amount.check("amount").map_err(core)?;
        if let Some(r) = &self.reference {
            pos_core::limits::check_text("reference", r).map_err(core)?;
        }
        if self.kind.on_standalone_terminal() {
            match &self.reference {
                None => {
                    return Err(PaymentError::invalid(
                        "reference",
                        "the terminal's approval number is required",
                    ));
                }
                Some(r) => check_approval("reference", r)?,
            }
            match &self.brand {
                None => return Err(PaymentError::invalid("brand", "the card brand or wallet is required")),
                Some(b) => pos_core::limits::check_required_text("brand", b).map_err(core)?,
            }
            if let Some(l) = &self.last4
                && (l.len() != 4 || !l.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(PaymentError::invalid("last4", "four digits"));
            }
        } else if self.brand.is_some() || self.last4.is_some() {
            let field = if self.brand.is_some() { "brand" } else { "last4" };
            return Err(PaymentError::invalid(
                field,
                "only a tender taken on a standalone terminal (terminal_card, terminal_wallet) gives it",
            ));
        }
        Ok(())
    }

    /// A tender without a reference.
    pub fn new(kind: TenderKind, amount: Money) -> Self {
        TenderInput { kind, amount, reference: None, brand: None, last4: None }
    }

    /// A tender taken on a standalone terminal: its approval number, brand or wallet, and last
    /// digits.
    pub fn on_terminal(
        kind: TenderKind,
        amount: Money,
        approval: &str,
        brand: &str,
        last4: Option<&str>,
    ) -> Self {
        TenderInput {
            kind,
            amount,
            reference: Some(approval.to_owned()),
            brand: Some(brand.to_owned()),
            last4: last4.map(str::to_owned),
        }
    }
}

/// A tender as applied to the sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedTender {
    /// Kind.
    pub kind: TenderKind,
    /// The part of the amount due it settles.
    pub amount: Money,
    /// For cash: what was handed over.
    pub tendered: Money,
    /// Reference, if any.
    pub reference: Option<String>,
}

/// The outcome of settling a sale: applied tenders, change and the cash-rounding adjustment.
///
/// Invariant: the applied amounts plus `rounding` equal the amount due, and
/// `change = cash tendered - cash applied`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// The amount due before cash rounding.
    pub due: Money,
    /// Tenders in the order given.
    pub tenders: Vec<AppliedTender>,
    /// Change handed back (cash only).
    pub change: Money,
    /// Cash rounding: `due - sum(applied)`; positive when the customer pays less.
    pub rounding: Money,
}

impl Settlement {
    /// Sum of the applied amounts.
    pub fn applied_total(&self) -> Money {
        let mut sum = Money::zero(self.due.currency());
        for t in &self.tenders {
            sum = sum.checked_add(&t.amount).unwrap_or(sum);
        }
        sum
    }
}

/// Settles `due` with `tenders`. Non-cash tenders are charged as given and must not exceed what
/// is due; the rest is settled in cash, rounded with `cash_rounding`, and cash above that is
/// change. Several cash tenders are added up.
///
/// # Errors
/// [`PaymentError::InvalidField`] for a zero or negative tender or a negative amount due;
/// [`PaymentError::CurrencyMismatch`]; [`PaymentError::Overpaid`] when non-cash tenders exceed
/// the amount due; [`PaymentError::Underpaid`] when the tenders do not cover it.
pub fn settle(
    due: Money,
    tenders: &[TenderInput],
    cash_rounding: &CashRounding,
) -> Result<Settlement, PaymentError> {
    let currency: Currency = due.currency();
    if due.is_negative() {
        return Err(PaymentError::invalid("due", "must not be negative"));
    }
    due.check("due").map_err(|e| PaymentError::invalid("due", e.to_string()))?;
    if due.to_minor().is_none() {
        return Err(PaymentError::invalid("due", "has more decimals than the currency"));
    }
    if tenders.len() > MAX_TENDERS {
        return Err(PaymentError::invalid("tenders", format!("at most {MAX_TENDERS} tenders")));
    }
    let mut non_cash = Decimal::ZERO;
    let mut cash = Decimal::ZERO;
    for (i, t) in tenders.iter().enumerate() {
        if t.amount.currency() != currency {
            return Err(PaymentError::CurrencyMismatch {
                expected: currency.code().into(),
                found: t.amount.currency().code().into(),
            });
        }
        if t.amount.amount() <= Decimal::ZERO {
            return Err(PaymentError::invalid(format!("tenders[{i}].amount"), "must be greater than zero"));
        }
        t.amount
            .check(&format!("tenders[{i}].amount"))
            .map_err(|e| PaymentError::invalid(format!("tenders[{i}].amount"), e.to_string()))?;
        if t.amount.amount() != t.amount.round(pos_core::RoundingMode::HalfUp).amount() {
            return Err(PaymentError::invalid(
                format!("tenders[{i}].amount"),
                "has more decimals than the currency",
            ));
        }
        match t.kind {
            TenderKind::Cash => cash += t.amount.amount(),
            _ => non_cash += t.amount.amount(),
        }
    }
    if non_cash > due.amount() {
        return Err(PaymentError::Overpaid { due: due.amount(), non_cash });
    }
    let rest = due.amount() - non_cash;
    let has_cash = tenders.iter().any(|t| t.kind == TenderKind::Cash);
    // Only the part settled in cash is cash-rounded.
    let cash_due = if has_cash { cash_rounding.apply(rest) } else { rest };
    if cash < cash_due || (!has_cash && rest > Decimal::ZERO) {
        return Err(PaymentError::Underpaid { due: cash_due + non_cash, covered: cash + non_cash });
    }
    let mut cash_left = cash_due;
    let applied = tenders
        .iter()
        .map(|t| {
            let amount = match t.kind {
                TenderKind::Cash => {
                    let part = t.amount.amount().min(cash_left);
                    cash_left -= part;
                    part
                }
                _ => t.amount.amount(),
            };
            AppliedTender {
                kind: t.kind,
                amount: Money::new(amount, currency),
                tendered: t.amount,
                reference: t.reference.clone(),
            }
        })
        .collect();
    Ok(Settlement {
        due,
        tenders: applied,
        change: Money::new(cash - cash_due, currency),
        rounding: Money::new(rest - cash_due, currency),
    })
}
