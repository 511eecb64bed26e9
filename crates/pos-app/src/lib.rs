//! # pos-app
//!
//! The use cases of the platform and the storage ports they need. Binaries wire adapters into
//! these services (`Checkout::new(store, gateway, settings)`); no business rule lives in
//! a binary or an adapter. Each service is bounded by the ports it uses.
//!
//! - [`ports`]: the storage traits adapters implement: reads, single-statement writes, and
//!   the [`ports::UnitOfWork`] a commit runs in.
//! - [`commit`]: the commit scripts, the one place that orders the steps of a sale, a refund
//!   or void, a shift close and a stock change.
//! - [`documents`]: the typed, versioned documents the store keeps and the journal seals.
//! - [`checkout`]: live totals, parking, and completing a sale: price with pos-core, spend and
//!   earn points with pos-loyalty, settle tenders and charge cards with pos-payments, commit.
//! - [`returns`]: refunds by line and voids, to the original tenders, restocking and reversing
//!   points.
//! - [`shifts`]: open, paid in/out, X report, close with a gapless Z in the journal.
//! - [`reports`]: sales by day and hour, top products, categories, cashiers, margin, taxes,
//!   payment mix.
//! - [`stock`]: goods receipts, adjustments, transfers through transit, counts, reservations.
//! - [`members`]: members by phone, update, export and erasure, coupons, segments.
//! - [`audit`]: verifying a terminal's journal chain and the stored sales against it.
//! - [`printing`]: counted prints, the first of a receipt or Z report its original and every
//!   later one a copy.
#![deny(missing_docs)]

pub mod access;
pub mod audit;
pub mod checkout;
pub mod commit;
pub mod documents;
pub mod error;
pub mod events;
pub mod imports;
pub mod members;
mod payments;
pub mod ports;
pub mod printing;
pub mod reports;
pub mod requests;
pub mod returns;
pub mod settings;
pub mod shifts;
pub mod stock;
pub mod webhooks;

pub use audit::{AuditError, audit_terminal};
pub use checkout::{Checkout, CheckoutStore, CompletedSale, Reconciled, SaleRequest};
pub use commit::CommitStep;
pub use documents::{
    Document, JournalDocument, LineFacts, ReturnDocument, ReturnKind, ReturnedLine, SCHEMA, SaleDocument,
    ShiftCloseDocument,
};
pub use error::{AppError, StoreError};
pub use events::{EVENT_SCHEMA, Event, EventData, NewEvent};
pub use members::{MemberData, MemberUpdate, Members, MembersStore, Segments};
pub use ports::Store;
pub use reports::{ProductTotal, Reports, SalesReport, TaxTotal, Totals};
pub use returns::{CompletedRefund, RefundRequest, ReturnStore, Returns, VoidRequest};
pub use settings::Settings;
pub use shifts::{Shifts, ShiftsStore};
pub use stock::{Stock, StockOpsStore};
