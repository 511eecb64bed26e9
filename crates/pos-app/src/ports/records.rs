//! The records the commit scripts hand to a store, and what a store hands back.

use chrono::{DateTime, Utc};
use pos_core::{Money, Sku, StoreId};
use pos_inventory::{
    CountSession, Draft, Level, LocationId, MovementKind, Reservation, StockPolicy, Transfer,
};
use pos_loyalty::{EntryKind, PointsAccount};
use pos_payments::{Approval, TenderKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::documents::{LineRecord, PaymentRecord, PointsEntries, RefundPayment};
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

/// A member's points account after a sale or refund (the ledger entries it added are in the
/// document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    /// Version of the account the change was computed from (0 for a new account).
    pub expected_version: i64,
    /// The account after the change.
    pub account: PointsAccount,
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
    /// The sale document: every row the sale writes follows from it.
    pub document: SaleDocument,
    /// The member's account after the sale.
    pub account: Option<AccountChange>,
    /// The usage-limited promotions the sale applied, with their limits: each counts one use,
    /// in the commit.
    pub limited: Vec<(String, u32)>,
    /// The summary rows the sale adds to the reports.
    pub facts: Vec<crate::reports::ReportFact>,
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
    /// The return document: every row the return writes follows from it.
    pub document: ReturnDocument,
    /// The member's account after the return.
    pub account: Option<AccountChange>,
    /// The summary rows the return adds to the reports.
    pub facts: Vec<crate::reports::ReportFact>,
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

/// What was returned of a sale so far (completed returns and open claims), read under the
/// sale's lock.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Returned {
    /// Lines returned or claimed.
    pub lines: Vec<u32>,
    /// Of those, the lines claimed by returns not completed yet.
    pub claimed: Vec<u32>,
    /// Amount returned or claimed per sale payment (by payment position).
    pub per_payment: Vec<Money>,
}

impl Returned {
    /// The lines of completed returns.
    pub fn completed(&self) -> impl Iterator<Item = u32> + '_ {
        self.lines.iter().copied().filter(|l| !self.claimed.contains(l))
    }
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
    /// The key of the request it does, taken in its transaction: a change without a document
    /// of its own (goods received, an adjustment) is done once per key.
    pub request: Option<String>,
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
    /// The keys of the requests that recorded cash events (a retry of one records nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<String>,
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

/// What a payment attempt does at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOperation {
    /// Authorise and capture a sale's tender.
    Charge,
    /// Pay a return back to a sale's tender.
    Refund,
}

/// Where a payment attempt stands. `Open`, `Approved` and `Reversing` are unfinished: the
/// reconciler finishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptState {
    /// Written before the gateway call; its outcome is not known yet.
    Open,
    /// The gateway approved; the document that takes it is not committed yet.
    Approved,
    /// The gateway declined: no money moved.
    Declined,
    /// Its document is committed: the money is in the books.
    Committed,
    /// Its document did not commit; the money is being given back.
    Reversing,
    /// The money was given back.
    Reversed,
}

impl AttemptState {
    /// Whether the attempt still needs the gateway or the books.
    pub fn is_open(self) -> bool {
        matches!(self, AttemptState::Open | AttemptState::Approved | AttemptState::Reversing)
    }
}

/// A gateway call written ahead: committed before the call, its outcome recorded when the gateway
/// answers, so no money moves without a row saying so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    /// The gateway idempotency key (`<request key>/<tender>` for a charge,
    /// `<request key>/refund/<payment>` for a refund): unique per store.
    pub key: String,
    /// The idempotency key of the sale or return request it belongs to.
    pub document: String,
    /// Charge or refund.
    pub operation: AttemptOperation,
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount.
    pub amount: Money,
    /// For a refund, the gateway reference of the payment it goes back to.
    pub original: Option<String>,
    /// Where it stands.
    pub state: AttemptState,
    /// The gateway's approval, once given.
    pub approval: Option<Approval>,
    /// The gateway's last word (a decline reason, "no answer").
    pub note: Option<String>,
    /// When it was written.
    pub opened_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A return that claimed its lines and the money per tender before paying anything out: no
/// other return can take the same lines or money while it is open. Completing it writes the
/// return; releasing it (the payout was declined) gives the lines back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnClaim {
    /// The return's id (the refund row's, once completed).
    pub id: Uuid,
    /// The sale.
    pub sale_id: Uuid,
    /// Refund or void.
    pub kind: ReturnKind,
    /// Idempotency key of the request.
    pub idempotency_key: String,
    /// Hash of the request.
    pub request_hash: String,
    /// The request, to complete the return from (by the reconciler too).
    pub request: crate::returns::RefundRequest,
    /// Money claimed per sale payment (points are given back as points, not here).
    pub payments: Vec<RefundPayment>,
}

/// A sale's rows as stored, for the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRows {
    /// Sale id.
    pub id: Uuid,
    /// Number on the terminal.
    pub number: u64,
    /// When (the column).
    pub at: DateTime<Utc>,
    /// Total (the column, in the sale's currency column).
    pub total: Money,
    /// Cashier (the column).
    pub cashier: String,
    /// Journal sequence (the column).
    pub journal_sequence: u64,
    /// The document column, as stored.
    pub document: String,
    /// Line rows, by line id.
    pub lines: Vec<LineRecord>,
    /// Payment rows, by position.
    pub payments: Vec<PaymentRecord>,
}

/// A line a return gave back, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLineRecord {
    /// The sale.
    pub sale_id: Uuid,
    /// Line id in the sale.
    pub line_id: u32,
    /// Quantity.
    pub quantity: Decimal,
    /// Amount returned.
    pub amount: Money,
}

/// A refund's or void's rows as stored, for the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRows {
    /// Return id.
    pub id: Uuid,
    /// Number on the terminal.
    pub number: u64,
    /// Refund or void (the column).
    pub kind: ReturnKind,
    /// The sale (the column).
    pub sale_id: Uuid,
    /// When (the column).
    pub at: DateTime<Utc>,
    /// Amount (the column).
    pub total: Money,
    /// Journal sequence (the column).
    pub journal_sequence: u64,
    /// The document column, as stored.
    pub document: String,
    /// Line rows, by line id.
    pub lines: Vec<RefundLineRecord>,
    /// Payment rows, by sale payment position.
    pub payments: Vec<RefundPayment>,
}

/// A points ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsRecord {
    /// Member.
    pub member: String,
    /// The sale or return that added it.
    pub document: Uuid,
    /// Sequence in the member's ledger.
    pub sequence: u64,
    /// Why.
    pub kind: EntryKind,
    /// Signed change.
    pub points: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// Everything stored for one terminal's documents, read for the audit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TerminalRows {
    /// The journal head (`None` when the terminal never committed).
    pub head: Option<ChainHead>,
    /// The terminal's counters.
    pub counters: Vec<(Counter, u64)>,
    /// Its sales, by number.
    pub sales: Vec<SaleRows>,
    /// Its refunds and voids, by number.
    pub returns: Vec<ReturnRows>,
    /// Stock movements whose document is one of the terminal's (by document number).
    pub movements: Vec<MovementRecord>,
    /// Ledger entries added by the terminal's sales and returns.
    pub points: Vec<PointsRecord>,
    /// Coupons used by the terminal's sales: (code, receipt).
    pub coupons: Vec<(String, String)>,
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

/// The terminal a document number belongs to (`T1-000042`, `T1-R000002`, `T1-Z000001` are
/// all `T1`'s).
pub fn document_terminal(document: &str) -> Option<&str> {
    let (terminal, number) = document.rsplit_once('-')?;
    let digits = number.strip_prefix(['R', 'V', 'Z']).unwrap_or(number);
    (!terminal.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(terminal)
}

/// A sale receipt number split into its terminal and number (`T1-000042` is `("T1", 42)`).
pub fn parse_receipt(receipt: &str) -> Option<(&str, u64)> {
    let (terminal, number) = receipt.rsplit_once('-')?;
    if terminal.is_empty() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((terminal, number.parse().ok()?))
}

/// A store of the chain, as the server knows it: its id, name, and the preset its pricing, tax
/// and rounding come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreProfile {
    /// Id.
    pub id: StoreId,
    /// Name on receipts.
    pub name: String,
    /// `korea`, `germany` or `china`.
    pub preset: String,
    /// The store's registered terminals (tills): a cashier logs in at one of them.
    #[serde(default)]
    pub terminals: Vec<TerminalProfile>,
}

impl StoreProfile {
    /// A store without terminals yet.
    pub fn new(id: &str, name: &str, preset: &str) -> Self {
        StoreProfile {
            id: StoreId(id.to_owned()),
            name: name.to_owned(),
            preset: preset.to_owned(),
            terminals: Vec::new(),
        }
    }

    /// A registered terminal by id.
    pub fn terminal(&self, id: &str) -> Option<&TerminalProfile> {
        self.terminals.iter().find(|t| t.id == id)
    }
}

/// A registered terminal: a till (its receipt numbers and journal are its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalProfile {
    /// Id, as receipts number it (`T1` makes `T1-000042`).
    pub id: String,
    /// What it is called in the shop (`카운터 1`).
    pub name: String,
    /// Its receipt printer, when the server prints for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<TerminalPrinter>,
}

impl TerminalProfile {
    /// A terminal without a printer the server prints on.
    pub fn new(id: &str, name: &str) -> Self {
        TerminalProfile { id: id.to_owned(), name: name.to_owned(), printer: None }
    }
}

/// A terminal's network receipt printer, which the server prints on for it (a till in a
/// browser cannot reach a printer's port itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalPrinter {
    /// `host:port` (port 9100 for most printers).
    pub address: String,
    /// The printer's profile: a built-in name (`tp808`, `tm-t88`, `mobile-58`, `generic-80`) and
    /// any changes after commas (`tm-t88,qr=off`), as `pos_escpos::Profile::parse` reads it.
    pub profile: String,
    /// The cash drawer hangs on pin 5 rather than pin 2.
    #[serde(default)]
    pub drawer_pin5: bool,
}

/// The response of an idempotent request, as first given, or the mark of a request still
/// running (status 0, the body naming the server process running it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    /// Hash of the request (method, path, body) it answered.
    pub request_hash: String,
    /// HTTP status; 0 while the request runs.
    pub status: u16,
    /// Body.
    pub body: String,
}

impl StoredResponse {
    /// The mark of a request that the server process `instance` is running.
    pub fn running(request_hash: &str, instance: &str) -> Self {
        StoredResponse { request_hash: request_hash.to_owned(), status: 0, body: instance.to_owned() }
    }

    /// Whether the request is still running (or died running).
    pub fn is_running(&self) -> bool {
        self.status == 0
    }
}
