//! The records the commit scripts hand to a store, and what a store hands back.

use chrono::{DateTime, Utc};
use pos_core::{Money, Sku, StoreId};
use pos_inventory::{
    CountSession, Draft, Level, LocationId, MovementKind, Reservation, StockPolicy, Transfer,
};
use pos_loyalty::{LedgerEntry, PointsAccount};
use pos_payments::{PaymentState, TenderKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::documents::{ReturnDocument, ReturnKind, ReturnedLine, SaleDocument, ShiftCloseDocument};

/// A gapless numbering kept per terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Sale receipts (`T1-000001`).
    Sale,
    /// Refunds and voids, which share one numbering (`T1-R000002`, `T1-V000003`).
    Return,
    /// Z reports (`T1-Z000001`).
    ShiftClose,
}

impl Counter {
    /// The counter's stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Counter::Sale => "sale",
            Counter::Return => "return",
            Counter::ShiftClose => "shift_close",
        }
    }
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

/// One payment of a sale as stored. No card numbers: a reference, brand and last four digits.
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

/// Stock a sale takes from a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockTake {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// Quantity taken (positive).
    pub quantity: Decimal,
}

/// A member's points account after a sale or refund, and the ledger entries it added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyCommit {
    /// Member.
    pub member: String,
    /// Version of the account the change was computed from (0 for a new account).
    pub expected_version: i64,
    /// The account after the change.
    pub account: PointsAccount,
    /// Entries the change added.
    pub entries: Vec<LedgerEntry>,
}

/// Everything a completed sale writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleCommit {
    /// Store.
    pub store: StoreId,
    /// Terminal (receipt numbers and journal sequences are gapless per terminal).
    pub terminal: String,
    /// Idempotency key of the submission.
    pub idempotency_key: String,
    /// Hash of the request, to tell a retry from a different request with the same key.
    pub request_hash: String,
    /// The sale document (its id, time, cashier, priced basket, settlement, loyalty).
    pub document: SaleDocument,
    /// Lines.
    pub lines: Vec<LineRecord>,
    /// Payments.
    pub payments: Vec<PaymentRecord>,
    /// Stock taken.
    pub stock: Vec<StockTake>,
    /// Loyalty changes.
    pub loyalty: Option<LoyaltyCommit>,
    /// Personal coupon codes used: marked used in the same transaction (each at most once).
    pub coupons: Vec<String>,
}

/// Money returned to one of the sale's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    /// Index of the sale payment.
    pub payment: usize,
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount.
    pub amount: Money,
    /// Gateway reference of the refund, if any.
    pub reference: Option<String>,
}

/// Stock a refund puts back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockReturn {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// Quantity back on hand.
    pub quantity: Decimal,
}

/// Everything a refund or void writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnCommit {
    /// Store.
    pub store: StoreId,
    /// Terminal processing the return.
    pub terminal: String,
    /// Idempotency key.
    pub idempotency_key: String,
    /// Request hash.
    pub request_hash: String,
    /// The return document (its id, kind, the sale, lines, tenders, loyalty).
    pub document: ReturnDocument,
    /// Money returned per sale payment.
    pub payments: Vec<RefundPayment>,
    /// Stock put back.
    pub stock: Vec<StockReturn>,
    /// Loyalty changes.
    pub loyalty: Option<LoyaltyCommit>,
}

impl ReturnCommit {
    /// The lines returned.
    pub fn lines(&self) -> &[ReturnedLine] {
        &self.document.lines
    }

    /// Refund or void.
    pub fn kind(&self) -> ReturnKind {
        self.document.kind
    }
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOutcome {
    /// The document's id (sale, refund or shift).
    pub id: Uuid,
    /// Gapless number per terminal.
    pub number: u64,
    /// The document's number as printed (`T1-000001`).
    pub receipt: String,
    /// Journal sequence of the document.
    pub journal_sequence: u64,
    /// True when the idempotency key had already committed this request.
    pub replayed: bool,
}

/// A sale or return found by its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorCommit {
    /// Its id.
    pub id: Uuid,
    /// Terminal.
    pub terminal: String,
    /// Number on the terminal.
    pub number: u64,
    /// Refund or void, for returns.
    pub kind: Option<ReturnKind>,
    /// Journal sequence.
    pub journal_sequence: u64,
    /// Hash of the request that committed it.
    pub request_hash: String,
}

/// What was returned of a sale so far, read under the sale's lock.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Returned {
    /// Lines refunded.
    pub lines: Vec<u32>,
    /// Amount refunded per sale payment (by payment position).
    pub per_payment: Vec<Money>,
}

/// A sale as loaded for a refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSale {
    /// Terminal it was sold on.
    pub terminal: String,
    /// Its number.
    pub number: u64,
    /// The sale document.
    pub document: SaleDocument,
    /// Its payments, in tender order.
    pub payments: Vec<PaymentRecord>,
    /// What was returned of it so far.
    pub returned: Returned,
}

/// A stored sale or return document, as reports read them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StoredDocument {
    /// A sale.
    Sale(Box<SaleDocument>),
    /// A refund or void.
    Return(Box<ReturnDocument>),
}

impl StoredDocument {
    /// When it was recorded.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            StoredDocument::Sale(s) => s.at,
            StoredDocument::Return(r) => r.at,
        }
    }
}

/// Kind of stock document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockDocumentKind {
    /// A transfer between locations.
    Transfer,
    /// A stock count.
    Count,
    /// A reservation for a customer.
    Reservation,
}

impl StockDocumentKind {
    /// The kind's stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            StockDocumentKind::Transfer => "transfer",
            StockDocumentKind::Count => "count",
            StockDocumentKind::Reservation => "reservation",
        }
    }
}

/// A stock document with its typed state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StockDocument {
    /// A transfer.
    Transfer(Transfer),
    /// A count.
    Count(CountSession),
    /// A reservation.
    Reservation(Reservation),
}

impl StockDocument {
    /// Its kind.
    pub fn kind(&self) -> StockDocumentKind {
        match self {
            StockDocument::Transfer(_) => StockDocumentKind::Transfer,
            StockDocument::Count(_) => StockDocumentKind::Count,
            StockDocument::Reservation(_) => StockDocumentKind::Reservation,
        }
    }

    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            StockDocument::Transfer(t) => &t.id,
            StockDocument::Count(c) => &c.id,
            StockDocument::Reservation(r) => &r.id,
        }
    }

    /// Its state's name (`in_transit`, `posted`, `active`, ...), as stored.
    pub fn state(&self) -> &'static str {
        match self {
            StockDocument::Transfer(t) => t.state.code(),
            StockDocument::Count(c) if c.variances.is_some() => "posted",
            StockDocument::Count(_) => "open",
            StockDocument::Reservation(r) => r.state.code(),
        }
    }
}

/// A stock document's transition: from what it was when the use case read it (`None`: it must
/// not exist yet) to its next content. The commit refuses it if the stored document changed
/// meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChange {
    /// The document as read (none for a new one).
    pub prior: Option<StockDocument>,
    /// The document after the change.
    pub next: StockDocument,
}

/// Movements and a document transition, applied in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockChange {
    /// Store.
    pub store: StoreId,
    /// The movements, in order; each is checked with [`pos_inventory::apply`] against the level
    /// the store holds.
    pub drafts: Vec<Draft>,
    /// Document transition.
    pub document: Option<DocumentChange>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One stock movement as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementRecord {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// Why.
    pub kind: MovementKind,
    /// On-hand change.
    pub on_hand: Decimal,
    /// Reserved change.
    pub reserved: Decimal,
    /// The sale or return it belongs to (its receipt number).
    pub document: Option<String>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A SKU's stock and policy at one location, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    /// The level.
    pub level: Level,
    /// The policy.
    pub policy: StockPolicy,
}

/// A SKU's stock and policy at a location, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLine {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// Level and policy.
    pub row: StockRow,
}

/// The head of a terminal's journal chain: its last sequence and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    /// The last sequence (0 before the first record).
    pub sequence: u64,
    /// The last hash ([`pos_core::journal::GENESIS`] before the first record).
    pub hash: String,
}

/// A shift as stored: when it opened, where the terminal's journal stood, and its cash events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftRecord {
    /// Shift id.
    pub id: Uuid,
    /// Terminal.
    pub terminal: String,
    /// Who opened it.
    pub cashier: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// Opening float.
    pub float: Money,
    /// The terminal's last journal sequence when the shift opened: the shift covers the records
    /// after it.
    pub start_sequence: u64,
    /// Paid-in and paid-out events with their time.
    pub cash_events: Vec<(DateTime<Utc>, pos_payments::ShiftEvent)>,
}

/// What closing a shift writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftClose {
    /// Store.
    pub store: StoreId,
    /// The shift.
    pub shift: ShiftRecord,
    /// The Z report's document.
    pub document: ShiftCloseDocument,
}

/// A parked basket, as listed at a till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParkedBasket {
    /// Id to recall it by.
    pub id: Uuid,
    /// Terminal that parked it.
    pub terminal: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The basket.
    pub basket: pos_core::Basket,
}

/// The receipt number printed for a terminal's `number`th sale.
pub fn receipt_number(terminal: &str, number: u64) -> String {
    format!("{terminal}-{number:06}")
}

/// The number of a return document: `T1-R000001` for a refund, `T1-V000002` for a void.
pub fn return_number(kind: ReturnKind, terminal: &str, number: u64) -> String {
    match kind {
        ReturnKind::Refund => format!("{terminal}-R{number:06}"),
        ReturnKind::Void => format!("{terminal}-V{number:06}"),
    }
}

/// The document id of a terminal's `number`th Z report.
pub fn z_number(terminal: &str, number: u64) -> String {
    format!("{terminal}-Z{number:06}")
}

/// A sale receipt number split into its terminal and number (`T1-000042` is `("T1", 42)`).
pub fn parse_receipt(receipt: &str) -> Option<(&str, u64)> {
    let (terminal, number) = receipt.rsplit_once('-')?;
    if terminal.is_empty() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((terminal, number.parse().ok()?))
}
