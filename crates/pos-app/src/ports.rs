//! Storage ports: what the use cases need from a database. Adapters (SQLite, Postgres, the
//! in-memory fake in pos-testkit) implement them; one conformance suite checks them all.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_core::{
    Basket, Catalog, Category, Currency, DocumentKind, JournalEntry, PriceList, Product, Promotion, Sku,
    StoreId,
};
use pos_inventory::{Level, LocationId, StockPolicy};
use pos_loyalty::{Coupon, LedgerEntry, Member, Phone, PointsAccount};
use pos_payments::{PaymentState, TenderKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::StoreError;

/// Steps of a sale commit, in order; tests inject failures at each to prove atomicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommitStep {
    /// After the sale row.
    Sale,
    /// After its lines.
    Lines,
    /// After its payments.
    Payments,
    /// After the stock movements.
    Stock,
    /// After the loyalty ledger entries.
    Loyalty,
    /// Just before the journal record.
    Journal,
}

/// One line of a sale as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRecord {
    /// Line id within the sale.
    pub line_id: u32,
    /// SKU.
    pub sku: Sku,
    /// Quantity.
    pub quantity: Decimal,
    /// Discounts on the line.
    pub discount: Decimal,
    /// Tax.
    pub tax: Decimal,
    /// Amount charged.
    pub total: Decimal,
}

/// One payment of a sale as stored. No card numbers: a reference, brand and last four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount applied to the sale.
    pub amount: Decimal,
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

/// A member's points account after the sale, and the ledger entries the sale added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyCommit {
    /// Member.
    pub member: String,
    /// Version of the account the sale was computed from (0 for a new account).
    pub expected_version: i64,
    /// The account after the sale.
    pub account: PointsAccount,
    /// Entries the sale added.
    pub entries: Vec<LedgerEntry>,
}

/// Everything a completed sale writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleCommit {
    /// Store.
    pub store: StoreId,
    /// Terminal (receipt numbers and journal sequences are gapless per terminal).
    pub terminal: String,
    /// Sale id (UUID v7).
    pub sale_id: Uuid,
    /// Idempotency key of the submission.
    pub idempotency_key: String,
    /// Hash of the request, to tell a retry from a different request with the same key.
    pub request_hash: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Currency.
    pub currency: Currency,
    /// Amount due.
    pub total: Decimal,
    /// Cashier.
    pub cashier: String,
    /// The full sale document (priced basket, settlement, loyalty) as JSON.
    pub document: serde_json::Value,
    /// Lines.
    pub lines: Vec<LineRecord>,
    /// Payments.
    pub payments: Vec<PaymentRecord>,
    /// Stock taken.
    pub stock: Vec<StockTake>,
    /// Loyalty changes.
    pub loyalty: Option<LoyaltyCommit>,
    /// Canonical JSON for the journal record.
    pub journal_payload: String,
    /// Personal coupon codes used: marked used in the same transaction (each at most once).
    #[serde(default)]
    pub coupons: Vec<String>,
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOutcome {
    /// Sale id.
    pub sale_id: Uuid,
    /// Gapless number per terminal.
    pub number: u64,
    /// Receipt number as printed.
    pub receipt: String,
    /// Journal sequence of the sale.
    pub journal_sequence: u64,
    /// True when the idempotency key had already committed this request.
    pub replayed: bool,
}

/// A sale as loaded for a refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSale {
    /// Sale id.
    pub sale_id: Uuid,
    /// Terminal it was sold on.
    pub terminal: String,
    /// Its number.
    pub number: u64,
    /// The sale document.
    pub document: serde_json::Value,
    /// Its payments, in tender order.
    pub payments: Vec<PaymentRecord>,
    /// Lines refunded so far.
    pub refunded_lines: Vec<u32>,
    /// Amount refunded so far per payment (same order as `payments`).
    pub refunded_per_payment: Vec<Decimal>,
}

/// A line returned by a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    /// Line id in the sale.
    pub line_id: u32,
    /// The line's SKU.
    pub sku: Sku,
    /// Amount returned for it.
    pub amount: Decimal,
}

/// Money returned to one of the sale's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    /// Index of the sale payment.
    pub payment: usize,
    /// Tender kind.
    pub kind: TenderKind,
    /// Amount.
    pub amount: Decimal,
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

/// Everything a refund writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundCommit {
    /// [`DocumentKind::Refund`] or [`DocumentKind::Void`].
    pub kind: DocumentKind,
    /// Store.
    pub store: StoreId,
    /// Terminal processing the refund.
    pub terminal: String,
    /// Refund id.
    pub refund_id: Uuid,
    /// The refunded sale.
    pub sale_id: Uuid,
    /// Idempotency key.
    pub idempotency_key: String,
    /// Request hash.
    pub request_hash: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Total returned.
    pub total: Decimal,
    /// Refund document.
    pub document: serde_json::Value,
    /// Lines returned.
    pub lines: Vec<RefundLine>,
    /// Money returned per sale payment.
    pub payments: Vec<RefundPayment>,
    /// Stock put back.
    pub stock: Vec<StockReturn>,
    /// Loyalty changes.
    pub loyalty: Option<LoyaltyCommit>,
    /// Canonical JSON for the journal record.
    pub journal_payload: String,
}

/// The receipt number printed for a terminal's `number`th refund (refunds and voids share one
/// gapless numbering; a void is marked V).
pub fn refund_number(terminal: &str, number: u64) -> String {
    format!("{terminal}-R{number:06}")
}

/// The number of a return document of `kind`: `T1-R000001` for a refund, `T1-V000002` for a void.
pub fn return_number(kind: DocumentKind, terminal: &str, number: u64) -> String {
    match kind {
        DocumentKind::Void => format!("{terminal}-V{number:06}"),
        _ => refund_number(terminal, number),
    }
}

/// The receipt number printed for a terminal's `number`th sale.
pub fn receipt_number(terminal: &str, number: u64) -> String {
    format!("{terminal}-{number:06}")
}

/// Catalog storage.
#[async_trait]
pub trait CatalogStore: Send + Sync + 'static {
    /// Adds or replaces a category.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn upsert_category(&self, store: &StoreId, category: &Category) -> Result<(), StoreError>;
    /// Adds or replaces a product.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn upsert_product(&self, store: &StoreId, product: &Product) -> Result<(), StoreError>;
    /// Adds or replaces a promotion.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn upsert_promotion(&self, store: &StoreId, promotion: &Promotion) -> Result<(), StoreError>;
    /// Adds or replaces a price list.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn upsert_price_list(&self, store: &StoreId, list: &PriceList) -> Result<(), StoreError>;
    /// The store's catalog, with its price lists.
    ///
    /// # Errors
    /// [`StoreError::Backend`], also when stored data no longer validates.
    async fn load_catalog(&self, store: &StoreId, currency: Currency) -> Result<Catalog, StoreError>;
    /// The store's promotions.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn load_promotions(&self, store: &StoreId) -> Result<Vec<Promotion>, StoreError>;
}

/// How a movement changes on-hand stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnHand {
    /// By this much.
    By(Decimal),
    /// To this quantity (a count); the movement records the difference.
    To(Decimal),
}

/// One movement of a stock change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMove {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// On-hand change.
    pub on_hand: OnHand,
    /// Reserved change.
    pub reserved: Decimal,
    /// Movement kind as recorded (`adjustment`, `transfer_out`, `count_correction`, ...).
    pub kind: String,
    /// Refuse to make available stock negative even where negative stock is allowed
    /// (reservations can only hold what is there).
    pub strict: bool,
}

/// A stock document (transfer, count, reservation) moving from one state to the next together
/// with its movements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockDocument {
    /// `transfer`, `count` or `reservation`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// The state it must be in now; `None` when it must not exist yet.
    pub expected_state: Option<String>,
    /// Its new state.
    pub state: String,
    /// Its data.
    pub data: serde_json::Value,
}

/// Movements and a document transition, applied in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockChange {
    /// Store.
    pub store: StoreId,
    /// Movements.
    pub moves: Vec<StockMove>,
    /// Document transition.
    pub document: Option<StockDocument>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Stock storage outside sales (setup, goods receipts).
#[async_trait]
pub trait StockStore: Send + Sync + 'static {
    /// Sets a SKU's policy at a location.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn set_policy(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        policy: StockPolicy,
    ) -> Result<(), StoreError>;
    /// Books a goods receipt.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn receive(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The level of a SKU at a location.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError>;
    /// SKUs at a location whose available stock is at or below their reorder point, with the
    /// point and the reorder quantity: `(location, sku, available, point, quantity)`.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn below_reorder_point(
        &self,
        store: &StoreId,
    ) -> Result<Vec<(LocationId, Sku, Decimal, Decimal, Decimal)>, StoreError>;
    /// Applies movements and a document transition atomically; returns the on-hand change of
    /// each movement, in order.
    ///
    /// # Errors
    /// [`StoreError::InsufficientStock`] when a movement would take available stock below zero
    /// where that is refused; [`StoreError::Duplicate`] for a new document whose id exists;
    /// [`StoreError::Conflict`] when the document is not in the expected state;
    /// [`StoreError::Backend`]. Nothing is written on error.
    async fn apply_stock(&self, change: &StockChange) -> Result<Vec<Decimal>, StoreError>;
    /// Stock documents of a kind in a state, as `(id, data)`.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn stock_documents_in_state(
        &self,
        store: &StoreId,
        kind: &str,
        state: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError>;
    /// A stock document's state and data.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn stock_document(
        &self,
        store: &StoreId,
        kind: &str,
        id: &str,
    ) -> Result<Option<(String, serde_json::Value)>, StoreError>;
}

/// Loyalty storage.
#[async_trait]
pub trait LoyaltyStore: Send + Sync + 'static {
    /// A member's points account and its version, if it exists.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError>;
    /// Every points account of the store (for segments).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError>;
}

/// Coupon storage.
#[async_trait]
pub trait CouponStore: Send + Sync + 'static {
    /// Issues a coupon.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the code exists; [`StoreError::Backend`].
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError>;
    /// A coupon by (normalised) code.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError>;
}

/// Member storage. A phone number belongs to at most one member of a store.
#[async_trait]
pub trait MemberStore: Send + Sync + 'static {
    /// Adds or replaces a member.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when another member of the store has the phone number;
    /// [`StoreError::Backend`].
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError>;
    /// A member by id.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError>;
    /// A member by normalised phone number.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError>;
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
    pub basket: Basket,
}

/// Parked baskets.
#[async_trait]
pub trait ParkStore: Send + Sync + 'static {
    /// Parks a basket.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError>;
    /// Takes a parked basket back, removing it: of two concurrent recalls only one gets it.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError>;
    /// Baskets parked at a terminal, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError>;
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
    pub float: pos_core::Money,
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
    /// The Z number the report carries; the store refuses it unless it is the terminal's next.
    pub z_number: u64,
    /// The Z report.
    pub report: serde_json::Value,
    /// Canonical JSON of the report for the journal.
    pub journal_payload: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Shift storage. At most one shift per terminal is open.
#[async_trait]
pub trait ShiftStore: Send + Sync + 'static {
    /// Opens a shift.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the terminal has an open shift; [`StoreError::Backend`].
    async fn open_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError>;
    /// The terminal's open shift.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn current_shift(&self, store: &StoreId, terminal: &str)
    -> Result<Option<ShiftRecord>, StoreError>;
    /// Saves an open shift's cash events.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the shift is no longer open; [`StoreError::Backend`].
    async fn save_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError>;
    /// The last Z number issued on a terminal (0 before the first).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError>;
    /// Closes a shift: takes the terminal's next Z number (which must be `z_number`), stores the
    /// report and appends it to the journal.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the shift was closed meanwhile or the Z number moved on;
    /// [`StoreError::Backend`].
    async fn close_shift(&self, close: &ShiftClose) -> Result<CommitOutcome, StoreError>;
}

/// The document id of a terminal's `number`th Z report.
pub fn z_number(terminal: &str, number: u64) -> String {
    format!("{terminal}-Z{number:06}")
}

/// Sale storage.
#[async_trait]
pub trait SaleStore: Send + Sync + 'static {
    /// Commits a sale atomically: the sale, its lines, payments, stock movements, loyalty
    /// entries and the journal record, or nothing. Numbers and journal sequences are assigned
    /// inside the transaction, gaplessly per terminal. A second commit with the same idempotency
    /// key and request hash returns the first outcome with `replayed`.
    ///
    /// # Errors
    /// [`StoreError::InsufficientStock`], [`StoreError::IdempotencyConflict`],
    /// [`StoreError::Conflict`] (also for a coupon used meanwhile), [`StoreError::Injected`],
    /// [`StoreError::Backend`].
    async fn commit_sale(&self, commit: &SaleCommit) -> Result<CommitOutcome, StoreError>;
    /// A sale by receipt number, with what was refunded of it so far.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn load_sale(&self, store: &StoreId, receipt: &str) -> Result<Option<StoredSale>, StoreError>;
    /// Commits a refund atomically: the refund, its lines and payments, the stock put back, the
    /// loyalty entries and the journal record. A line can be refunded once: a concurrent or
    /// repeated refund of it fails with [`StoreError::AlreadyRefunded`].
    ///
    /// # Errors
    /// [`StoreError::AlreadyRefunded`], [`StoreError::IdempotencyConflict`],
    /// [`StoreError::Conflict`], [`StoreError::Backend`].
    async fn commit_refund(&self, commit: &RefundCommit) -> Result<CommitOutcome, StoreError>;
    /// A terminal's journal, in sequence order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError>;
    /// Each sale of a terminal as (receipt number, stored document), in number order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError>;
    /// Sale and refund documents recorded in `[from, to)`, oldest first, with their kind and
    /// time.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DocumentKind, DateTime<Utc>, serde_json::Value)>, StoreError>;
    /// Row counts per table, to check that a refused operation wrote nothing.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn row_counts(&self) -> Result<BTreeMap<String, i64>, StoreError>;
    /// Test support: makes the next sale commits fail at `step` (None clears it).
    fn inject_failure(&self, step: Option<CommitStep>);
}

/// Everything a store adapter provides.
pub trait Store:
    CatalogStore + StockStore + LoyaltyStore + CouponStore + MemberStore + ParkStore + ShiftStore + SaleStore
{
}

impl<T> Store for T where
    T: CatalogStore
        + StockStore
        + LoyaltyStore
        + CouponStore
        + MemberStore
        + ParkStore
        + ShiftStore
        + SaleStore
{
}
