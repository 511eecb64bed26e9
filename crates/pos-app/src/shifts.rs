//! Shifts: open with a float, paid in and paid out, X report, close with a gapless Z report in
//! the journal. A shift's sales and refunds are the terminal's journal records after the shift
//! opened, so the reports are a fold over the journal and sales need no extra writes.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::journal::JournalKey;
use pos_core::{Money, StoreConfig};
use pos_payments::{Shift, ShiftEvent, ShiftRefund, ShiftReport, ShiftSale, TenderKind, ZCounter};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::commit::{self, FailPoint};
use crate::documents::{JournalDocument, ReturnDocument, SCHEMA, SaleDocument, ShiftCloseDocument};
use crate::error::{AppError, StoreError};
use crate::ports::{JournalStore, ShiftClose, ShiftRecord, ShiftStore, Transactional};
use crate::requests::{check_field, check_time, field_error};
use crate::settings::Settings;

/// What shifts need from a store: shift records, the terminal's journal, transactions.
pub trait ShiftsStore: ShiftStore + JournalStore + Transactional {}

impl<T: ShiftStore + JournalStore + Transactional> ShiftsStore for T {}

/// Till shifts of one store.
pub struct Shifts<S: ShiftsStore> {
    store: Arc<S>,
    config: StoreConfig,
    key: JournalKey,
    fail: FailPoint,
    request: Option<String>,
}

/// A sale as a shift counts it.
fn shift_sale(receipt: &str, doc: &SaleDocument) -> ShiftSale {
    let currency = doc.priced.currency;
    let cash_tendered = doc
        .settlement
        .tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.tendered.amount())
        .sum::<Decimal>();
    ShiftSale {
        document: receipt.to_owned(),
        tenders: doc.settlement.tenders.iter().map(|t| (t.kind, t.amount)).collect(),
        cash_tendered: Money::new(cash_tendered, currency),
        change: doc.settlement.change,
        taxes: doc.priced.taxes.iter().map(|t| (t.label.clone(), t.gross)).collect(),
        categories: doc.priced.lines.iter().map(|l| (doc.category(l.line_id).to_owned(), l.total)).collect(),
    }
}

/// A refund or void as a shift counts it.
fn shift_refund(receipt: &str, doc: &ReturnDocument) -> ShiftRefund {
    ShiftRefund {
        document: receipt.to_owned(),
        tenders: doc.payments.iter().map(|p| (p.kind, p.amount)).collect(),
        taxes: doc.quote.taxes.iter().map(|t| (t.label.clone(), t.gross)).collect(),
        categories: doc.lines.iter().map(|l| (l.category.clone(), l.amount)).collect(),
    }
}

fn record_event(shift: &mut Shift, event: ShiftEvent) -> Result<(), AppError> {
    match event {
        ShiftEvent::Sale(s) => shift.record_sale(s)?,
        ShiftEvent::Refund(r) => shift.record_refund(r)?,
        ShiftEvent::PaidIn { amount, reason } => shift.paid_in(amount, &reason)?,
        ShiftEvent::PaidOut { amount, reason } => shift.paid_out(amount, &reason)?,
    }
    Ok(())
}

impl<S: ShiftsStore> Shifts<S> {
    /// Shifts of the store `config` describes.
    pub fn new(store: Arc<S>, settings: Settings) -> Self {
        let Settings { store: config, journal_key: key, .. } = settings;
        Shifts { store, config, key, fail: FailPoint::default(), request: None }
    }

    /// Test support: makes the following shift closes fail right after `step`.
    #[cfg(feature = "test-hooks")]
    pub fn fail_after(&self, step: Option<commit::CommitStep>) {
        self.fail.set(step);
    }

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
        check_field("terminal", terminal)?;
        check_field("cashier", cashier)?;
        check_time("at", at)?;
        float.check("float").map_err(field_error)?;
        let id = Uuid::now_v7();
        Shift::open(&id.to_string(), terminal, cashier, at, float)?;
        let start_sequence = self.store.journal_last(&self.config.id, terminal).await?;
        let record = ShiftRecord {
            id,
            terminal: terminal.to_owned(),
            cashier: cashier.to_owned(),
            opened_at: at,
            float,
            start_sequence,
            cash_events: Vec::new(),
            requests: Vec::new(),
        };
        self.store.open_shift(&self.config.id, &record).await?;
        Ok(record)
    }

    async fn current(&self, terminal: &str) -> Result<ShiftRecord, AppError> {
        self.store
            .current_shift(&self.config.id, terminal)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "open shift on terminal", id: terminal.to_owned() })
    }

    /// The domain shift: the record's float and cash events plus the journal's sales and refunds.
    async fn replay(&self, record: &ShiftRecord) -> Result<Shift, AppError> {
        let journal =
            self.store.journal_after(&self.config.id, &record.terminal, record.start_sequence).await?;
        let mut events: Vec<(DateTime<Utc>, ShiftEvent)> = record.cash_events.clone();
        for e in &journal {
            let event = match JournalDocument::read(e)? {
                JournalDocument::Sale(doc) => ShiftEvent::Sale(shift_sale(&e.document_id, &doc)),
                JournalDocument::Return(doc) => ShiftEvent::Refund(shift_refund(&e.document_id, &doc)),
                JournalDocument::ShiftClose(_) => continue,
            };
            events.push((e.recorded_at, event));
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
            record_event(&mut shift, event)?;
        }
        Ok(shift)
    }

    /// Records a paid-in or paid-out on the terminal's open shift.
    /// The same operations for one request with a key (an HTTP request's Idempotency-Key): a
    /// paid-in or paid-out records the key with its event, so the request sent again after its
    /// answer was lost moves no cash twice.
    pub fn for_request(&self, key: &str) -> Self {
        Shifts {
            store: self.store.clone(),
            config: self.config.clone(),
            key: self.key.clone(),
            fail: FailPoint::default(),
            request: Some(key.to_owned()),
        }
    }

    async fn cash_event(
        &self,
        terminal: &str,
        event: ShiftEvent,
        at: DateTime<Utc>,
    ) -> Result<ShiftReport, AppError> {
        check_time("at", at)?;
        if let ShiftEvent::PaidIn { amount, reason } | ShiftEvent::PaidOut { amount, reason } = &event {
            amount.check("amount").map_err(field_error)?;
            pos_core::limits::check_text("reason", reason).map_err(field_error)?;
        }
        // Saved only over the events it was computed from; another event meanwhile (a second
        // till's request on the same drawer) makes it read again.
        let mut tries = 0;
        loop {
            let mut record = self.current(terminal).await?;
            let mut shift = self.replay(&record).await?;
            if let Some(key) = &self.request
                && record.requests.contains(key)
            {
                return Ok(shift.x_report());
            }
            let expected = record.cash_events.len();
            record_event(&mut shift, event.clone())?;
            record.cash_events.push((at, event.clone()));
            if let Some(key) = &self.request {
                record.requests.push(key.clone());
            }
            match self.store.save_shift(&self.config.id, &record, expected).await {
                Ok(()) => return Ok(shift.x_report()),
                // Each round one of the drawer's concurrent requests wins: as many rounds as a
                // busy drawer could need.
                Err(StoreError::Conflict { .. }) if tries < 32 => {
                    tries += 1;
                    tokio::task::yield_now().await;
                }
                Err(e) => return Err(e.into()),
            }
        }
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
        self.cash_event(terminal, ShiftEvent::PaidIn { amount, reason: reason.to_owned() }, at).await
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
        self.cash_event(terminal, ShiftEvent::PaidOut { amount, reason: reason.to_owned() }, at).await
    }

    /// The X report of the terminal's open shift.
    ///
    /// # Errors
    /// [`AppError::NotFound`] without an open shift.
    pub async fn x_report(&self, terminal: &str) -> Result<ShiftReport, AppError> {
        let record = self.current(terminal).await?;
        Ok(self.replay(&record).await?.x_report())
    }

    /// A Z report issued on the terminal, by its number, and when its shift closed (to print it
    /// again).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a number not issued on the terminal.
    pub async fn z_report(
        &self,
        terminal: &str,
        sequence: u64,
    ) -> Result<(ShiftReport, DateTime<Utc>), AppError> {
        match self.store.z_report(&self.config.id, terminal, sequence).await? {
            Some(d) => Ok((d.report, d.closed_at)),
            None => Err(AppError::NotFound { what: "Z report", id: format!("{terminal}-Z{sequence:06}") }),
        }
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
            last: self.store.last_z(&self.config.id, terminal).await?,
        };
        let report = shift.close(counted, &mut z)?;
        let document = ShiftCloseDocument {
            schema: SCHEMA,
            shift_id: record.id,
            terminal: record.terminal.clone(),
            cashier: record.cashier.clone(),
            opened_at: record.opened_at,
            closed_at: at,
            report,
        };
        let close = ShiftClose { store: self.config.id.clone(), shift: record, document };
        commit::shift_close(&*self.store, &self.fail, &self.key, &close).await?;
        Ok(close.document.report)
    }
}
