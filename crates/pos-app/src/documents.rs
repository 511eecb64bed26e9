//! The finalised documents: what a sale, a refund or void, and a shift close record. Each is a
//! typed, versioned value: the store keeps it, reports and refunds read it back, and the journal
//! seals its canonical encoding ([`pos_core::journal::canonical_json`]). A golden test
//! (`tests/golden.rs`) pins that encoding, so a change to any type inside a document, here or in
//! pos-core, shows up as a deliberate diff.

use chrono::{DateTime, Utc};
use pos_core::{DocumentKind, Money, PricedBasket, RefundQuote, Sku};
use pos_inventory::{Draft, LocationId, MovementKind};
use pos_loyalty::{LedgerEntry, LoyaltySale, RefundOutcome};
use pos_payments::{PaymentState, Settlement, ShiftReport, TenderKind};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::StoreError;

/// The schema version of every document this build writes.
pub const SCHEMA: u32 = 1;

/// A typed, versioned document.
pub trait Document: Serialize + DeserializeOwned {
    /// The journal's kind for it.
    fn kind(&self) -> DocumentKind;
    /// Its schema version.
    fn schema(&self) -> u32;
    /// The canonical encoding the journal seals.
    ///
    /// # Errors
    /// [`pos_core::CoreError`] when it cannot be serialised.
    fn canonical(&self) -> Result<String, pos_core::CoreError> {
        pos_core::journal::canonical_json(self)
    }
}

/// Reads a stored document back, refusing a schema this build does not know.
///
/// # Errors
/// [`StoreError::Backend`] for JSON that is not such a document or has another schema.
pub fn decode<T: Document>(json: &str) -> Result<T, StoreError> {
    let doc: T = serde_json::from_str(json)
        .map_err(|e| StoreError::Backend { message: format!("stored document does not read back: {e}") })?;
    if doc.schema() != SCHEMA {
        return Err(StoreError::Backend {
            message: format!("stored document has schema {}, this build reads {SCHEMA}", doc.schema()),
        });
    }
    Ok(doc)
}

/// What a line's product was at the time of sale, for reports and shifts that must not depend
/// on the catalog as it is later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFacts {
    /// Line id.
    pub line_id: u32,
    /// The product's category.
    pub category: String,
    /// The product's unit cost, when known.
    pub cost: Option<Decimal>,
}

/// One line of a sale as stored beside its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRecord {
    /// Line id within the sale.
    pub line_id: u32,
    /// SKU.
    pub sku: Sku,
    /// Quantity.
    pub quantity: Decimal,
    /// Discounts on the line.
    pub discount: Money,
    /// Tax.
    pub tax: Money,
    /// Amount charged.
    pub total: Money,
}

/// One payment of a sale. No card numbers: a reference, brand and last four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount applied to the sale.
    pub amount: Money,
    /// State.
    pub state: PaymentState,
    /// Gateway reference.
    pub reference: Option<String>,
    /// Card brand.
    pub brand: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
}

/// Money a return gives back to one of the sale's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    /// Position of the sale payment.
    pub payment: usize,
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount.
    pub amount: Money,
    /// Gateway reference of the refund, if any.
    pub reference: Option<String>,
}

/// The entries a document added to a member's points ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsEntries {
    /// Member.
    pub member: String,
    /// The entries, in ledger order.
    pub entries: Vec<LedgerEntry>,
}

/// A completed sale: everything its commit writes is in here or follows from it, so the audit
/// can check every row against the journal record that sealed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleDocument {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// Sale id (UUID v7).
    pub sale_id: Uuid,
    /// Terminal.
    pub terminal: String,
    /// Cashier.
    pub cashier: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The priced basket: lines, discounts with their causes, taxes, totals.
    pub priced: PricedBasket,
    /// How it was paid.
    pub settlement: Settlement,
    /// What it did to the member's points.
    pub loyalty: Option<LoyaltySale>,
    /// Each line's category and cost at the time of sale.
    pub lines: Vec<LineFacts>,
    /// Where the goods left stock.
    pub location: LocationId,
    /// The payments, in tender order.
    pub payments: Vec<PaymentRecord>,
    /// Personal coupons used (normalised codes), marked used by this sale.
    pub coupons: Vec<String>,
    /// The member's ledger entries.
    pub points: Option<PointsEntries>,
}

impl SaleDocument {
    /// The receipt of this sale, numbered `number`, its time shown in `tz`, each payment named
    /// by `tender` (the store's words for cash, card, ...) with a card's brand and last digits.
    /// The same sale gives the same receipt, so a reprint matches the first print. Its code is
    /// the receipt number as a barcode, for a return to scan.
    pub fn receipt(
        &self,
        number: &str,
        header: pos_core::StoreHeader,
        tz: chrono_tz::Tz,
        tender: &dyn Fn(TenderKind) -> String,
    ) -> pos_core::Receipt {
        let local = self.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        let mut receipt = pos_core::Receipt::from_priced(
            &self.priced,
            header,
            number,
            &self.terminal,
            &self.cashier,
            &local,
        );
        for p in &self.payments {
            let mut label = tender(p.kind);
            if let Some(brand) = &p.brand {
                label = format!("{label} {brand}");
            }
            if let Some(last4) = &p.last4 {
                label = format!("{label} ****{last4}");
            }
            // The approval number of a standalone terminal, as its slip shows it.
            if let (true, Some(approval)) = (p.kind.on_standalone_terminal(), &p.reference) {
                label = format!("{label} #{approval}");
            }
            receipt = receipt.with_tender(&label, p.amount);
        }
        let mut receipt = receipt.with_change(self.settlement.change);
        // The receipt number as a barcode: a return scans it to find the sale.
        receipt.code = Some((pos_core::receipt::CodeKind::Barcode, number.to_owned()));
        receipt
    }

    /// The amount due.
    pub fn total(&self) -> Money {
        self.priced.total
    }

    /// The sale's line rows.
    pub fn line_records(&self) -> Vec<LineRecord> {
        self.priced
            .lines
            .iter()
            .map(|l| LineRecord {
                line_id: l.line_id,
                sku: l.sku.clone(),
                quantity: l.quantity.value(),
                discount: l.discount_total(),
                tax: l.tax,
                total: l.total,
            })
            .collect()
    }

    /// The stock the sale takes: one movement per SKU, in order of first appearance.
    pub fn drafts(&self) -> Vec<Draft> {
        let mut takes: Vec<(&Sku, Decimal)> = Vec::new();
        for l in &self.priced.lines {
            match takes.iter_mut().find(|t| t.0 == &l.sku) {
                Some(t) => t.1 += l.quantity.value(),
                None => takes.push((&l.sku, l.quantity.value())),
            }
        }
        takes
            .into_iter()
            .map(|(sku, q)| Draft::on_hand(sku, &self.location, MovementKind::Sale, -q))
            .collect()
    }

    /// The category recorded for a line ("?" when unknown).
    pub fn category(&self, line_id: u32) -> &str {
        self.lines.iter().find(|f| f.line_id == line_id).map_or("?", |f| f.category.as_str())
    }
}

impl Document for SaleDocument {
    fn kind(&self) -> DocumentKind {
        DocumentKind::Sale
    }
    fn schema(&self) -> u32 {
        self.schema
    }
}

/// Refund of some lines, or void of a whole sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnKind {
    /// Some lines returned.
    Refund,
    /// The whole sale cancelled.
    Void,
}

impl ReturnKind {
    /// The journal's kind.
    pub fn document_kind(self) -> DocumentKind {
        match self {
            ReturnKind::Refund => DocumentKind::Refund,
            ReturnKind::Void => DocumentKind::Void,
        }
    }

    /// The kind's stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            ReturnKind::Refund => "refund",
            ReturnKind::Void => "void",
        }
    }
}

/// A line a return gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedLine {
    /// Line id in the sale.
    pub line_id: u32,
    /// The line's SKU.
    pub sku: Sku,
    /// Its quantity.
    pub quantity: Decimal,
    /// Amount returned for it: what it was charged.
    pub amount: Money,
    /// Its category at the time of sale.
    pub category: String,
}

/// A refund or void.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnDocument {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// Return id (UUID v7).
    pub refund_id: Uuid,
    /// Refund or void.
    pub kind: ReturnKind,
    /// The sale's receipt number.
    pub sale: String,
    /// The sale's id.
    pub sale_id: Uuid,
    /// Terminal processing it.
    pub terminal: String,
    /// Cashier.
    pub cashier: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The amount and tax breakdown of the returned lines.
    pub quote: RefundQuote,
    /// The returned lines.
    pub lines: Vec<ReturnedLine>,
    /// Money returned per original payment.
    pub payments: Vec<RefundPayment>,
    /// Points reversed and restored.
    pub loyalty: Option<RefundOutcome>,
    /// Where the goods went back on hand.
    pub location: LocationId,
    /// The member's ledger entries.
    pub points: Option<PointsEntries>,
}

impl ReturnDocument {
    /// The stock the return puts back: one movement per line.
    pub fn drafts(&self) -> Vec<Draft> {
        self.lines
            .iter()
            .map(|l| Draft::on_hand(&l.sku, &self.location, MovementKind::Return, l.quantity))
            .collect()
    }
}

impl Document for ReturnDocument {
    fn kind(&self) -> DocumentKind {
        self.kind.document_kind()
    }
    fn schema(&self) -> u32 {
        self.schema
    }
}

/// A shift close: the Z report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftCloseDocument {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// Shift id.
    pub shift_id: Uuid,
    /// Terminal.
    pub terminal: String,
    /// Who opened the shift.
    pub cashier: String,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When it closed.
    pub closed_at: DateTime<Utc>,
    /// The Z report (its sequence is the Z number).
    pub report: ShiftReport,
}

impl Document for ShiftCloseDocument {
    fn kind(&self) -> DocumentKind {
        DocumentKind::ShiftClose
    }
    fn schema(&self) -> u32 {
        self.schema
    }
}

/// A journal record's document, read back from its payload.
#[derive(Debug, Clone, PartialEq)]
pub enum JournalDocument {
    /// A sale.
    Sale(Box<SaleDocument>),
    /// A refund or void.
    Return(Box<ReturnDocument>),
    /// A shift close.
    ShiftClose(Box<ShiftCloseDocument>),
}

impl JournalDocument {
    /// Reads a journal entry's payload as the document its kind names.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the payload is not such a document.
    pub fn read(entry: &pos_core::JournalEntry) -> Result<Self, StoreError> {
        Ok(match entry.kind {
            DocumentKind::Sale => JournalDocument::Sale(Box::new(decode(&entry.payload)?)),
            DocumentKind::Refund | DocumentKind::Void => {
                JournalDocument::Return(Box::new(decode(&entry.payload)?))
            }
            DocumentKind::ShiftClose => JournalDocument::ShiftClose(Box::new(decode(&entry.payload)?)),
            other => {
                return Err(StoreError::Backend {
                    message: format!("unknown journal record kind {other:?}"),
                });
            }
        })
    }
}
