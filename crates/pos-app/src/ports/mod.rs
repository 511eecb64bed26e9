//! Storage ports: what the use cases need from a database. Adapters (SQLite and Postgres
//! through pos-store-sql, the in-memory fake in pos-testkit) implement them; one conformance
//! suite checks them all.
//!
//! Reads and single-statement writes are plain methods. Everything that must commit together
//! goes through a [`UnitOfWork`], a transaction whose steps the commit scripts in
//! [`crate::commit`] call in one fixed order: the order lives there, once, and each adapter
//! holds only the statements of each step.

mod access;
mod printer;
mod records;
pub mod valid;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_core::{Catalog, Category, Currency, JournalEntry, PriceList, Product, Promotion, Sku, StoreId};
use pos_inventory::{Level, LocationId, Movement, Reservation, ReservationState, StockPolicy};
use pos_loyalty::{Coupon, Member, Phone, PointsAccount};
use uuid::Uuid;

pub use access::AccessStore;
pub use printer::{Printer, PrinterError, PrinterStatus};
pub use records::*;

use crate::documents::{ReturnDocument, SaleDocument};
use crate::error::StoreError;
use crate::events::{Event, NewEvent};

/// Catalog storage. Writes refuse what does not pass [`valid`] with
/// [`StoreError::InvalidInput`], as every store's writes do, and append their event to the
/// outbox in the same transaction ([`crate::events`]).
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
    /// Adds or replaces many products in one transaction, each with its `product.changed`
    /// event (an import); a SKU given twice keeps its last version.
    ///
    /// # Errors
    /// [`StoreError::Backend`]; nothing is written then.
    async fn upsert_products(&self, store: &StoreId, products: &[Product]) -> Result<(), StoreError>;
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
    /// One product by SKU.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn product(&self, store: &StoreId, sku: &Sku) -> Result<Option<Product>, StoreError>;
    /// How many committed sales used each usage-limited promotion.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn promotion_uses(&self, store: &StoreId) -> Result<Vec<(String, u32)>, StoreError>;
}

/// Stock storage: policies, levels, movements and stock documents as read; changes go through
/// [`StockSteps`].
#[async_trait]
pub trait StockStore: Send + Sync + 'static {
    /// Sets a SKU's policy at a location (its level stays as it is).
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
    /// The level of a SKU at a location (zero when never stocked).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError>;
    /// Every stocked SKU of the store with its level and policy, by location and SKU.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn stock(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError>;
    /// SKUs with a reorder rule whose available stock is at or below the reorder point.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn below_reorder_point(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError>;
    /// Every movement of the store, oldest first, numbered from 1 in that order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn movements(&self, store: &StoreId) -> Result<Vec<Movement>, StoreError>;
    /// A stock document.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn stock_document(
        &self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError>;
    /// The reservations in a state.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn reservations(
        &self,
        store: &StoreId,
        state: ReservationState,
    ) -> Result<Vec<Reservation>, StoreError>;
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
    /// A member's points ledger, every entry, in sequence order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn ledger(&self, store: &StoreId, member: &str) -> Result<Vec<PointsRecord>, StoreError>;
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
    /// A page of the store's members by id: those after `after` (`""` for the first page).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn members_after(
        &self,
        store: &StoreId,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Member>, StoreError>;
    /// A member by normalised phone number.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError>;
    /// A member's purchases since `since`: each sale's total, and each return as a negative
    /// purchase (for tiers).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn purchases(
        &self,
        store: &StoreId,
        member: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<pos_loyalty::Purchase>, StoreError>;
    /// What each member spent on sales in `[from, to)`, in minor units of the store's
    /// currency; members without a sale left out.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn member_spend(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// Each member's last sale before `before`.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn last_visits(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError>;
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

/// Shift storage. At most one shift per terminal is open; closing goes through [`ShiftSteps`].
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
    /// Saves an open shift's cash events, if it still has the `expected` number stored (so two
    /// paid-ins at once cannot lose one).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the shift is no longer open or its events changed meanwhile;
    /// [`StoreError::Backend`].
    async fn save_shift(
        &self,
        store: &StoreId,
        shift: &ShiftRecord,
        expected: usize,
    ) -> Result<(), StoreError>;
    /// The last Z number issued on a terminal (0 before the first).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError>;
    /// The closed shift whose Z report has number `sequence` on a terminal (to print it again).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn z_report(
        &self,
        store: &StoreId,
        terminal: &str,
        sequence: u64,
    ) -> Result<Option<crate::documents::ShiftCloseDocument>, StoreError>;
}

/// Sales and returns as stored.
#[async_trait]
pub trait SaleStore: Send + Sync + 'static {
    /// A terminal's sale by number, with what was returned of it so far.
    ///
    /// # Errors
    /// [`StoreError::Backend`], also when the stored document does not read back.
    async fn load_sale(
        &self,
        store: &StoreId,
        terminal: &str,
        number: u64,
    ) -> Result<Option<StoredSale>, StoreError>;
    /// Each sale of a terminal as (receipt number, document), in number order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, SaleDocument)>, StoreError>;
    /// The sale committed with an idempotency key, with its document (to replay a retry).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn sale_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, SaleDocument)>, StoreError>;
    /// The refund or void committed with an idempotency key, with its document.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn return_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, ReturnDocument)>, StoreError>;
    /// The open return claim of an idempotency key.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn claim_by_key(&self, store: &StoreId, key: &str) -> Result<Option<ReturnClaim>, StoreError>;
    /// The summary rows of the store-local days `first` to `last`, summed per dimension and
    /// key (and, for [`Dim::Hour`](crate::reports::Dim::Hour), per day and hour).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn report_facts(
        &self,
        store: &StoreId,
        currency: Currency,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<Vec<crate::reports::ReportFact>, StoreError>;
    /// Sale and return documents recorded in `[from, to)`, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredDocument>, StoreError>;
}

/// Payment attempts, written ahead of every gateway call. Single statements, outside any
/// transaction: an attempt must be on disk before the call, whatever happens after.
#[async_trait]
pub trait AttemptStore: Send + Sync + 'static {
    /// Writes an attempt unless one with its key exists; returns the existing one if so.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn begin_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
    ) -> Result<Option<PaymentAttempt>, StoreError>;
    /// Records where an attempt stands (its state, approval, note, time) if it is still in one
    /// of `from` (at most three states); false when it had moved on.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn update_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
        from: &[AttemptState],
    ) -> Result<bool, StoreError>;
    /// Unfinished attempts (open, approved but not committed, reversing) last changed before
    /// `before`, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn open_attempts(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<PaymentAttempt>, StoreError>;
    /// The attempts of a sale or return request, by key.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn attempts_of(&self, store: &StoreId, document: &str) -> Result<Vec<PaymentAttempt>, StoreError>;
}

/// The event outbox as stored.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Up to `limit` events of the store after sequence `after`, in order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn events_after(&self, store: &StoreId, after: u64, limit: usize)
    -> Result<Vec<Event>, StoreError>;
    /// The events that change what checkout prices with (product, category, promotion and
    /// price list changes) after sequence `after`, in order: what a cached catalog applies to
    /// catch up, without reading the sales in between.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn pricing_events_after(&self, store: &StoreId, after: u64) -> Result<Vec<Event>, StoreError>;
    /// The sequence of the store's last event (0 before the first).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn last_event(&self, store: &StoreId) -> Result<u64, StoreError>;
}

/// The journal as stored.
#[async_trait]
pub trait JournalStore: Send + Sync + 'static {
    /// A terminal's journal, in sequence order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError>;
    /// A terminal's journal records after sequence `after`, in sequence order (what a shift
    /// reads: its own records, whatever the length of the history).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn journal_after(
        &self,
        store: &StoreId,
        terminal: &str,
        after: u64,
    ) -> Result<Vec<JournalEntry>, StoreError>;
    /// The last sequence of a terminal's journal (0 before the first record).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn journal_last(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError>;
}

/// What the audit reads: every row a terminal's documents wrote.
#[async_trait]
pub trait AuditStore: JournalStore {
    /// The terminal's journal head, counters, sales and returns with their lines and payments,
    /// and the stock movements, ledger entries and coupons its documents recorded.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn terminal_rows(&self, store: &StoreId, terminal: &str) -> Result<TerminalRows, StoreError>;
}

/// A store that can open transactions.
#[async_trait]
pub trait Transactional: Send + Sync + 'static {
    /// Begins a transaction. SQLite takes its write lock here; Postgres runs READ COMMITTED and
    /// takes row locks in the steps.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError>;
}

/// A transaction: the steps of every commit script. Nothing is visible to others before
/// [`UnitOfWork::commit`]; dropping it rolls everything back.
#[async_trait]
pub trait UnitOfWork:
    SaleSteps + ReturnSteps + StockSteps + LoyaltySteps + ShiftSteps + JournalSteps + EventSteps + Send
{
    /// Commits.
    ///
    /// # Errors
    /// [`StoreError::Backend`]; nothing was written.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Counters and the sale's rows.
#[async_trait]
pub trait SaleSteps: Send {
    /// The next number of a terminal's counter: locks the counter until the end of the
    /// transaction, so numbers are gapless (a rolled-back transaction gives its number back).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn next_number(
        &mut self,
        store: &StoreId,
        terminal: &str,
        counter: Counter,
    ) -> Result<u64, StoreError>;
    /// The sale committed with an idempotency key.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn sale_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError>;
    /// Inserts the sale row with its number and journal sequence.
    ///
    /// # Errors
    /// [`StoreError::KeyTaken`] when a concurrent transaction committed the idempotency key;
    /// [`StoreError::Backend`].
    async fn insert_sale(&mut self, sale: &SaleCommit, number: u64, sequence: u64) -> Result<(), StoreError>;
    /// Inserts the sale's lines.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn insert_sale_lines(&mut self, sale: &SaleCommit) -> Result<(), StoreError>;
    /// Inserts the sale's payments, in tender order.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn insert_payments(&mut self, sale: &SaleCommit) -> Result<(), StoreError>;
    /// Counts one use of a usage-limited promotion if it has been used fewer than `limit` times;
    /// false when the limit is reached (a concurrent sale took the last use).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn use_promotion(
        &mut self,
        store: &StoreId,
        promotion: &str,
        limit: u32,
    ) -> Result<bool, StoreError>;
    /// Adds a document's summary rows (amounts in `currency`) to those of its day and hour.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn add_report_facts(
        &mut self,
        store: &StoreId,
        currency: Currency,
        facts: &[crate::reports::ReportFact],
    ) -> Result<(), StoreError>;
}

/// The rows of refunds and voids.
#[async_trait]
pub trait ReturnSteps: Send {
    /// The return committed with an idempotency key.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn return_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError>;
    /// Locks a sale against concurrent returns and reads what was returned of it so far
    /// (`None` for an unknown sale).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn lock_sale(&mut self, store: &StoreId, sale: Uuid) -> Result<Option<Returned>, StoreError>;
    /// Inserts the return row, its lines and its payments.
    ///
    /// # Errors
    /// [`StoreError::KeyTaken`] when a concurrent transaction committed the idempotency key;
    /// [`StoreError::AlreadyRefunded`] when a line was returned by a concurrent transaction;
    /// [`StoreError::Backend`].
    async fn insert_return(&mut self, r: &ReturnCommit, number: u64, sequence: u64)
    -> Result<(), StoreError>;
    /// Inserts a claim and claims its lines, each at most once per sale.
    ///
    /// # Errors
    /// [`StoreError::KeyTaken`] when a concurrent transaction claimed with the same idempotency
    /// key; [`StoreError::AlreadyRefunded`] when a line is claimed already;
    /// [`StoreError::Backend`].
    async fn insert_claim(&mut self, store: &StoreId, claim: &ReturnClaim) -> Result<(), StoreError>;
    /// Closes a claim: completed (its lines stay claimed by the return) or released (its lines
    /// are free again).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn close_claim(&mut self, store: &StoreId, claim: Uuid, release: bool) -> Result<(), StoreError>;
    /// Writes a payment attempt in the transaction (a claim's payouts, written with it).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn insert_attempt(&mut self, store: &StoreId, attempt: &PaymentAttempt) -> Result<(), StoreError>;
    /// Marks the approved attempts of a request committed; returns how many there were (the
    /// commit script refuses a document whose attempts are not all still approved: the
    /// reconciler reversed one meanwhile).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn commit_attempts(
        &mut self,
        store: &StoreId,
        document: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError>;
}

/// Stock levels, movements and documents.
#[async_trait]
pub trait StockSteps: Send {
    /// Locks a SKU's row at a location (creating it at zero with the default policy) and reads
    /// it.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn lock_stock(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
    ) -> Result<StockRow, StoreError>;
    /// Writes a locked row's level.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_level(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        level: &Level,
    ) -> Result<(), StoreError>;
    /// Appends a movement.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn insert_movement(&mut self, store: &StoreId, movement: &MovementRecord)
    -> Result<(), StoreError>;
    /// Locks a stock document and reads it (`None` when it does not exist).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn lock_stock_document(
        &mut self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError>;
    /// Writes a stock document, inserting it when `new`.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] for a new document whose id a concurrent transaction took;
    /// [`StoreError::Backend`].
    async fn put_stock_document(
        &mut self,
        store: &StoreId,
        document: &StockDocument,
        new: bool,
    ) -> Result<(), StoreError>;
    /// Takes a request's key in the transaction of what it does: false when a committed
    /// transaction took it already (the request was done; a retry must not do it again).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn claim_request(&mut self, store: &StoreId, key: &str) -> Result<bool, StoreError>;
}

/// Points accounts, their ledger, coupons.
#[async_trait]
pub trait LoyaltySteps: Send {
    /// Writes a member's account if it is still at `expected_version` (0: it must not exist).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the account moved on; [`StoreError::Backend`].
    async fn save_account(
        &mut self,
        store: &StoreId,
        account: &PointsAccount,
        expected_version: i64,
    ) -> Result<(), StoreError>;
    /// Appends a document's ledger entries.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn insert_ledger_entries(
        &mut self,
        store: &StoreId,
        points: &PointsEntries,
        document: Uuid,
    ) -> Result<(), StoreError>;
    /// Marks a coupon used by a receipt; false when it is unknown or used already.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn use_coupon(&mut self, store: &StoreId, code: &str, receipt: &str) -> Result<bool, StoreError>;
}

/// Closing shifts.
#[async_trait]
pub trait ShiftSteps: Send {
    /// Closes an open shift with its Z report; false when it is no longer open.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn close_shift(&mut self, close: &ShiftClose) -> Result<bool, StoreError>;
}

/// The journal chain.
#[async_trait]
pub trait JournalSteps: Send {
    /// Locks a terminal's chain head and reads it.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn journal_head(&mut self, store: &StoreId, terminal: &str) -> Result<ChainHead, StoreError>;
    /// Appends a record and moves the head to it.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn append_journal(&mut self, store: &StoreId, entry: &JournalEntry) -> Result<(), StoreError>;
}

/// The outbox.
#[async_trait]
pub trait EventSteps: Send {
    /// Appends an event with the store's next event sequence, locking the store's event head
    /// until the end of the transaction (always the last lock a transaction takes, so the
    /// sequence is the commit order and never skips a committed event). Returns its sequence.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn append_event(&mut self, store: &StoreId, event: &NewEvent) -> Result<u64, StoreError>;
}

/// Everything a store adapter provides.
pub trait Store:
    CatalogStore
    + StockStore
    + LoyaltyStore
    + CouponStore
    + MemberStore
    + ParkStore
    + ShiftStore
    + SaleStore
    + JournalStore
    + AuditStore
    + AttemptStore
    + EventStore
    + AccessStore
    + Transactional
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
        + JournalStore
        + AuditStore
        + AttemptStore
        + EventStore
        + AccessStore
        + Transactional
{
}
