//! Shifts: open with a float, paid in and paid out, X report, close with a gapless Z report in
//! the journal. A shift's sales and refunds are the terminal's journal records after the shift
//! opened, so the reports are a fold over the journal and sales need no extra writes.

use chrono::{DateTime, Utc};
use pos_core::journal::canonical_json;
use pos_core::{DocumentKind, Money, PricedBasket, RefundQuote};
use pos_payments::{
    PaymentGateway, RefundPart, Settlement, Shift, ShiftEvent, ShiftRefund, ShiftReport, ShiftSale,
    TenderKind, ZCounter,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::checkout::Checkout;
use crate::error::{AppError, StoreError};
use crate::ports::{RefundLine, ShiftClose, ShiftRecord, Store};

fn stored(e: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Backend { message: format!("journal record does not read back: {e}") })
}

impl<S: Store, G: PaymentGateway> Checkout<S, G> {
    /// Opens a shift on a terminal with a cash float.
    ///
    /// # Errors
    /// [`AppError::Payment`] for a negative float or a blank terminal; [`AppError::Store`] with
    /// `Duplicate` when the terminal already has an open shift.
    pub async fn open_shift(
        &self,
        terminal: &str,
        cashier: &str,
        float: Money,
        at: DateTime<Utc>,
    ) -> Result<ShiftRecord, AppError> {
        let id = Uuid::now_v7();
        Shift::open(&id.to_string(), terminal, cashier, at, float)?;
        let start_sequence =
            self.store().journal(&self.config().id, terminal).await?.last().map_or(0, |e| e.sequence);
        let record = ShiftRecord {
            id,
            terminal: terminal.to_owned(),
            cashier: cashier.to_owned(),
            opened_at: at,
            float,
            start_sequence,
            cash_events: Vec::new(),
        };
        self.store().open_shift(&self.config().id, &record).await?;
        Ok(record)
    }

    async fn current(&self, terminal: &str) -> Result<ShiftRecord, AppError> {
        self.store()
            .current_shift(&self.config().id, terminal)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "open shift on terminal", id: terminal.to_owned() })
    }

    /// The domain shift: the record's float and cash events plus the journal's sales and refunds.
    async fn replay(&self, record: &ShiftRecord) -> Result<Shift, AppError> {
        let pricing = self.catalog_and_engine().await?;
        let catalog = &pricing.0;
        let journal = self.store().journal(&self.config().id, &record.terminal).await?;
        let mut events: Vec<(DateTime<Utc>, ShiftEvent)> = record.cash_events.clone();
        for e in journal.iter().filter(|e| e.sequence > record.start_sequence) {
            let doc: serde_json::Value = serde_json::from_str(&e.payload).map_err(stored)?;
            match e.kind {
                DocumentKind::Sale => {
                    let priced: PricedBasket =
                        serde_json::from_value(doc["priced"].clone()).map_err(stored)?;
                    let settlement: Settlement =
                        serde_json::from_value(doc["settlement"].clone()).map_err(stored)?;
                    let cash_tendered = settlement
                        .tenders
                        .iter()
                        .filter(|t| t.kind == TenderKind::Cash)
                        .map(|t| t.tendered.amount())
                        .sum::<Decimal>();
                    let categories = priced
                        .lines
                        .iter()
                        .map(|l| {
                            let category = catalog
                                .product(&l.sku)
                                .map_or_else(|| "?".to_owned(), |p| p.category.0.clone());
                            (category, l.total)
                        })
                        .collect();
                    let sale = ShiftSale {
                        document: e.document_id.clone(),
                        tenders: settlement.tenders.iter().map(|t| (t.kind, t.amount)).collect(),
                        cash_tendered: Money::new(cash_tendered, priced.currency),
                        change: settlement.change,
                        taxes: priced.taxes.iter().map(|t| (t.label.clone(), t.gross)).collect(),
                        categories,
                    };
                    events.push((e.recorded_at, ShiftEvent::Sale(sale)));
                }
                DocumentKind::Refund | DocumentKind::Void => {
                    let quote: RefundQuote = serde_json::from_value(doc["quote"].clone()).map_err(stored)?;
                    let parts: Vec<RefundPart> =
                        serde_json::from_value(doc["tenders"].clone()).map_err(stored)?;
                    let lines: Vec<RefundLine> =
                        serde_json::from_value(doc["lines"].clone()).map_err(stored)?;
                    let categories = lines
                        .iter()
                        .map(|l| {
                            let category = catalog
                                .product(&l.sku)
                                .map_or_else(|| "?".to_owned(), |p| p.category.0.clone());
                            (category, Money::new(l.amount, quote.amount.currency()))
                        })
                        .collect();
                    let refund = ShiftRefund {
                        document: e.document_id.clone(),
                        tenders: parts.iter().map(|p| (p.kind, p.amount)).collect(),
                        taxes: quote.taxes.iter().map(|t| (t.label.clone(), t.gross)).collect(),
                        categories,
                    };
                    events.push((e.recorded_at, ShiftEvent::Refund(refund)));
                }
                _ => {}
            }
        }
        events.sort_by_key(|e| e.0);
        let mut shift = Shift::open(
            &record.id.to_string(),
            &record.terminal,
            &record.cashier,
            record.opened_at,
            record.float,
        )?;
        for (_, event) in events {
            match event {
                ShiftEvent::Sale(s) => shift.record_sale(s)?,
                ShiftEvent::Refund(r) => shift.record_refund(r)?,
                ShiftEvent::PaidIn { amount, reason } => shift.paid_in(amount, &reason)?,
                ShiftEvent::PaidOut { amount, reason } => shift.paid_out(amount, &reason)?,
            }
        }
        Ok(shift)
    }

    async fn cash_event(
        &self,
        terminal: &str,
        amount: Money,
        reason: &str,
        at: DateTime<Utc>,
        out: bool,
    ) -> Result<ShiftReport, AppError> {
        let mut record = self.current(terminal).await?;
        let mut shift = self.replay(&record).await?;
        let event = if out {
            shift.paid_out(amount, reason)?;
            ShiftEvent::PaidOut { amount, reason: reason.to_owned() }
        } else {
            shift.paid_in(amount, reason)?;
            ShiftEvent::PaidIn { amount, reason: reason.to_owned() }
        };
        record.cash_events.push((at, event));
        self.store().save_shift(&self.config().id, &record).await?;
        Ok(shift.x_report())
    }

    /// Cash put into the drawer, with a reason.
    ///
    /// # Errors
    /// [`AppError::NotFound`] without an open shift; [`AppError::Payment`] for a bad amount or reason.
    pub async fn paid_in(
        &self,
        terminal: &str,
        amount: Money,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<ShiftReport, AppError> {
        self.cash_event(terminal, amount, reason, at, false).await
    }

    /// Cash taken out of the drawer, with a reason; never more than the drawer should hold.
    ///
    /// # Errors
    /// [`AppError::NotFound`] without an open shift; [`AppError::Payment`] for a bad amount or reason.
    pub async fn paid_out(
        &self,
        terminal: &str,
        amount: Money,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<ShiftReport, AppError> {
        self.cash_event(terminal, amount, reason, at, true).await
    }

    /// The X report of the terminal's open shift.
    ///
    /// # Errors
    /// [`AppError::NotFound`] without an open shift.
    pub async fn x_report(&self, terminal: &str) -> Result<ShiftReport, AppError> {
        let record = self.current(terminal).await?;
        Ok(self.replay(&record).await?.x_report())
    }

    /// Closes the terminal's shift with the counted cash: the Z report gets the terminal's next
    /// Z number and is appended to the journal.
    ///
    /// # Errors
    /// [`AppError::NotFound`] without an open shift; [`AppError::Payment`] for a bad count;
    /// [`AppError::Store`] with `Conflict` when another close won.
    pub async fn close_shift(
        &self,
        terminal: &str,
        counted: Money,
        at: DateTime<Utc>,
    ) -> Result<ShiftReport, AppError> {
        let record = self.current(terminal).await?;
        let mut shift = self.replay(&record).await?;
        let mut z = ZCounter {
            terminal: terminal.to_owned(),
            last: self.store().last_z(&self.config().id, terminal).await?,
        };
        let report = shift.close(counted, &mut z)?;
        let json = serde_json::to_value(&report).map_err(stored)?;
        let close = ShiftClose {
            store: self.config().id.clone(),
            shift: record,
            z_number: z.last,
            journal_payload: canonical_json(&json)?,
            report: json,
            at,
        };
        self.store().close_shift(&close).await?;
        Ok(report)
    }
}
