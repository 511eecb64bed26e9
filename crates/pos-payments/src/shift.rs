//! Shifts: open with a float, record sales, refunds and paid-in/paid-out, close with counted
//! cash, and X (mid-shift) and Z (closing) reports.
//!
//! Expected cash = float + cash taken - change given + paid in - paid out - cash refunds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::PaymentError;
use crate::tender::TenderKind;

/// A sale as the shift sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftSale {
    /// Receipt number.
    pub document: String,
    /// Amounts settled per tender (for cash: the amount applied, i.e. tendered minus change).
    pub tenders: Vec<(TenderKind, Money)>,
    /// Cash handed over by the customer.
    pub cash_tendered: Money,
    /// Change given back.
    pub change: Money,
    /// Gross per tax label.
    pub taxes: Vec<(String, Money)>,
    /// Gross per category.
    pub categories: Vec<(String, Money)>,
}

/// A refund as the shift sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftRefund {
    /// Refund document number.
    pub document: String,
    /// Amounts returned per tender.
    pub tenders: Vec<(TenderKind, Money)>,
    /// Gross per tax label.
    pub taxes: Vec<(String, Money)>,
    /// Gross per category.
    pub categories: Vec<(String, Money)>,
}

/// Something that happened in a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ShiftEvent {
    /// A sale.
    Sale(ShiftSale),
    /// A refund.
    Refund(ShiftRefund),
    /// Cash put into the drawer (not a sale), with a reason.
    PaidIn {
        /// Amount.
        amount: Money,
        /// Reason.
        reason: String,
    },
    /// Cash taken out of the drawer (supplier paid, bank drop), with a reason.
    PaidOut {
        /// Amount.
        amount: Money,
        /// Reason.
        reason: String,
    },
}

/// X or Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Mid-shift; resets nothing.
    X,
    /// Closing; numbered gaplessly per terminal.
    Z,
}

/// An X or Z report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    /// X or Z.
    pub kind: ReportKind,
    /// Z sequence number (gapless per terminal); `None` for X.
    pub sequence: Option<u64>,
    /// Terminal.
    pub terminal: String,
    /// Shift id.
    pub shift: String,
    /// Opening float.
    pub float: Money,
    /// Cash handed over by customers.
    pub cash_taken: Money,
    /// Change given.
    pub change_given: Money,
    /// Paid in.
    pub paid_in: Money,
    /// Paid out.
    pub paid_out: Money,
    /// Cash refunded.
    pub cash_refunds: Money,
    /// What the drawer should hold.
    pub expected_cash: Money,
    /// What was counted (Z only).
    pub counted_cash: Option<Money>,
    /// Counted minus expected: positive over, negative short (Z only).
    pub over_short: Option<Money>,
    /// Net takings per tender (sales minus refunds).
    pub by_tender: BTreeMap<TenderKind, Money>,
    /// Net gross per tax label.
    pub by_tax: BTreeMap<String, Money>,
    /// Net gross per category.
    pub by_category: BTreeMap<String, Money>,
    /// Number of sales.
    pub sales: u64,
    /// Number of refunds.
    pub refunds: u64,
}

/// The gapless Z counter of one terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZCounter {
    /// Terminal.
    pub terminal: String,
    /// Last Z number issued (0 before the first).
    pub last: u64,
}

impl ZCounter {
    /// A counter that has issued nothing.
    pub fn new(terminal: &str) -> Self {
        ZCounter { terminal: terminal.to_owned(), last: 0 }
    }
}

/// A till shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    id: String,
    terminal: String,
    opened_by: String,
    opened_at: DateTime<Utc>,
    float: Money,
    events: Vec<ShiftEvent>,
    closed: Option<ShiftReport>,
}

fn add(map: &mut BTreeMap<String, Money>, key: &str, m: Money, sign: Decimal) {
    let e = map.entry(key.to_owned()).or_insert(Money::zero(m.currency()));
    *e = Money::new(e.amount() + sign * m.amount(), m.currency());
}

impl Shift {
    /// Opens a shift with a cash float.
    ///
    /// # Errors
    /// [`PaymentError::InvalidField`] naming `float` when it is negative, or `terminal` when empty.
    pub fn open(
        id: &str,
        terminal: &str,
        opened_by: &str,
        at: DateTime<Utc>,
        float: Money,
    ) -> Result<Self, PaymentError> {
        if float.is_negative() {
            return Err(PaymentError::invalid("float", "must not be negative"));
        }
        if terminal.trim().is_empty() {
            return Err(PaymentError::invalid("terminal", "must not be empty"));
        }
        Ok(Shift {
            id: id.to_owned(),
            terminal: terminal.to_owned(),
            opened_by: opened_by.to_owned(),
            opened_at: at,
            float,
            events: Vec::new(),
            closed: None,
        })
    }

    /// Shift id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Terminal.
    pub fn terminal(&self) -> &str {
        &self.terminal
    }

    /// Who opened it and when.
    pub fn opened(&self) -> (&str, DateTime<Utc>) {
        (&self.opened_by, self.opened_at)
    }

    /// Events so far.
    pub fn events(&self) -> &[ShiftEvent] {
        &self.events
    }

    /// The Z report, once closed.
    pub fn z_report(&self) -> Option<&ShiftReport> {
        self.closed.as_ref()
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    fn currency(&self) -> Currency {
        self.float.currency()
    }

    fn check_open(&self) -> Result<(), PaymentError> {
        if self.closed.is_some() { Err(PaymentError::ShiftClosed { shift: self.id.clone() }) } else { Ok(()) }
    }

    fn check_money(&self, field: &str, m: &Money, positive: bool) -> Result<(), PaymentError> {
        if m.currency() != self.currency() {
            return Err(PaymentError::CurrencyMismatch {
                expected: self.currency().code().into(),
                found: m.currency().code().into(),
            });
        }
        if m.is_negative() || (positive && m.is_zero()) {
            return Err(PaymentError::invalid(
                field,
                if positive { "must be greater than zero" } else { "must not be negative" },
            ));
        }
        Ok(())
    }

    /// Records a sale.
    ///
    /// # Errors
    /// [`PaymentError::ShiftClosed`]; [`PaymentError::InvalidField`] for negative amounts or
    /// change above the cash tendered.
    pub fn record_sale(&mut self, sale: ShiftSale) -> Result<(), PaymentError> {
        self.check_open()?;
        for (i, (_, m)) in sale.tenders.iter().enumerate() {
            self.check_money(&format!("sale.tenders[{i}]"), m, false)?;
        }
        self.check_money("sale.cash_tendered", &sale.cash_tendered, false)?;
        self.check_money("sale.change", &sale.change, false)?;
        if sale.change.amount() > sale.cash_tendered.amount() {
            return Err(PaymentError::invalid("sale.change", "exceeds the cash tendered"));
        }
        self.events.push(ShiftEvent::Sale(sale));
        Ok(())
    }

    /// Records a refund.
    ///
    /// # Errors
    /// [`PaymentError::ShiftClosed`]; [`PaymentError::InvalidField`] for negative amounts.
    pub fn record_refund(&mut self, refund: ShiftRefund) -> Result<(), PaymentError> {
        self.check_open()?;
        for (i, (_, m)) in refund.tenders.iter().enumerate() {
            self.check_money(&format!("refund.tenders[{i}]"), m, false)?;
        }
        self.events.push(ShiftEvent::Refund(refund));
        Ok(())
    }

    /// Cash into the drawer.
    ///
    /// # Errors
    /// [`PaymentError::ShiftClosed`]; [`PaymentError::InvalidField`] naming `paid_in.amount`
    /// (not positive) or `paid_in.reason` (empty).
    pub fn paid_in(&mut self, amount: Money, reason: &str) -> Result<(), PaymentError> {
        self.check_open()?;
        self.check_money("paid_in.amount", &amount, true)?;
        if reason.trim().is_empty() {
            return Err(PaymentError::invalid("paid_in.reason", "must not be empty"));
        }
        self.events.push(ShiftEvent::PaidIn { amount, reason: reason.to_owned() });
        Ok(())
    }

    /// Cash out of the drawer.
    ///
    /// # Errors
    /// [`PaymentError::ShiftClosed`]; [`PaymentError::InvalidField`] naming `paid_out.amount`
    /// (not positive or more than the drawer should hold) or `paid_out.reason` (empty).
    pub fn paid_out(&mut self, amount: Money, reason: &str) -> Result<(), PaymentError> {
        self.check_open()?;
        self.check_money("paid_out.amount", &amount, true)?;
        if reason.trim().is_empty() {
            return Err(PaymentError::invalid("paid_out.reason", "must not be empty"));
        }
        let in_drawer = self.x_report().expected_cash;
        if amount.amount() > in_drawer.amount() {
            return Err(PaymentError::invalid(
                "paid_out.amount",
                format!("exceeds the {} the drawer should hold", in_drawer.amount()),
            ));
        }
        self.events.push(ShiftEvent::PaidOut { amount, reason: reason.to_owned() });
        Ok(())
    }

    fn report(&self, kind: ReportKind, sequence: Option<u64>, counted: Option<Money>) -> ShiftReport {
        let c = self.currency();
        let zero = Money::zero(c);
        let (mut taken, mut change, mut paid_in, mut paid_out, mut cash_refunds) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        let mut by_tender: BTreeMap<TenderKind, Money> = BTreeMap::new();
        let mut by_tax = BTreeMap::new();
        let mut by_category = BTreeMap::new();
        let (mut sales, mut refunds) = (0, 0);
        let mut tender = |k: TenderKind, m: &Money, sign: Decimal| {
            let e = by_tender.entry(k).or_insert(zero);
            *e = Money::new(e.amount() + sign * m.amount(), c);
        };
        for e in &self.events {
            match e {
                ShiftEvent::Sale(s) => {
                    sales += 1;
                    taken += s.cash_tendered.amount();
                    change += s.change.amount();
                    for (k, m) in &s.tenders {
                        tender(*k, m, Decimal::ONE);
                    }
                    for (l, m) in &s.taxes {
                        add(&mut by_tax, l, *m, Decimal::ONE);
                    }
                    for (l, m) in &s.categories {
                        add(&mut by_category, l, *m, Decimal::ONE);
                    }
                }
                ShiftEvent::Refund(r) => {
                    refunds += 1;
                    for (k, m) in &r.tenders {
                        tender(*k, m, Decimal::NEGATIVE_ONE);
                        if *k == TenderKind::Cash {
                            cash_refunds += m.amount();
                        }
                    }
                    for (l, m) in &r.taxes {
                        add(&mut by_tax, l, *m, Decimal::NEGATIVE_ONE);
                    }
                    for (l, m) in &r.categories {
                        add(&mut by_category, l, *m, Decimal::NEGATIVE_ONE);
                    }
                }
                ShiftEvent::PaidIn { amount, .. } => paid_in += amount.amount(),
                ShiftEvent::PaidOut { amount, .. } => paid_out += amount.amount(),
            }
        }
        let expected = self.float.amount() + taken - change + paid_in - paid_out - cash_refunds;
        let m = |d: Decimal| Money::new(d, c);
        ShiftReport {
            kind,
            sequence,
            terminal: self.terminal.clone(),
            shift: self.id.clone(),
            float: self.float,
            cash_taken: m(taken),
            change_given: m(change),
            paid_in: m(paid_in),
            paid_out: m(paid_out),
            cash_refunds: m(cash_refunds),
            expected_cash: m(expected),
            counted_cash: counted,
            over_short: counted.map(|ct| m(ct.amount() - expected)),
            by_tender,
            by_tax,
            by_category,
            sales,
            refunds,
        }
    }

    /// The X report: the shift so far; changes nothing.
    pub fn x_report(&self) -> ShiftReport {
        self.report(ReportKind::X, None, None)
    }

    /// Closes the shift with the counted cash and issues the terminal's next Z number.
    ///
    /// # Errors
    /// [`PaymentError::ShiftClosed`] when already closed; [`PaymentError::InvalidField`] naming
    /// `counted` when negative, or `z_counter` when it belongs to another terminal. On error the
    /// shift and the counter are unchanged.
    pub fn close(&mut self, counted: Money, z: &mut ZCounter) -> Result<ShiftReport, PaymentError> {
        self.check_open()?;
        self.check_money("counted", &counted, false)?;
        if z.terminal != self.terminal {
            return Err(PaymentError::invalid("z_counter", "belongs to another terminal"));
        }
        let report = self.report(ReportKind::Z, Some(z.last + 1), Some(counted));
        z.last += 1;
        self.closed = Some(report.clone());
        Ok(report)
    }
}
