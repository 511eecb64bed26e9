//! # pos-app
//!
//! The use cases of the platform and the storage ports they need. Binaries wire adapters into
//! these services (`Checkout::new(store, gateway, config, loyalty)`); no business rule lives in
//! a binary or an adapter.
//!
//! - [`ports`]: the storage traits ([`ports::Store`]) that SQLite, Postgres and the in-memory
//!   fake implement, and the records a sale commit writes.
//! - [`checkout`]: completing a sale: price with pos-core, spend and earn points with
//!   pos-loyalty, settle tenders and charge cards with pos-payments, and commit it all in one
//!   transaction through the store.
//! - [`refund`]: refunds by line to the original tenders, restocking and reversing points.
//! - [`shifts`]: open, paid in/out, X report, close with a gapless Z in the journal.
//! - [`reports`]: sales by day and hour, top products, categories, cashiers, margin, taxes,
//!   payment mix.
//! - [`stock`]: adjustments, transfers through transit, counts, reservations.
//! - [`members`]: members by phone, update, export and erasure.
//! - [`audit`]: verifying a terminal's journal chain and the stored sales against it.
#![deny(missing_docs)]

pub mod audit;
pub mod checkout;
pub mod error;
pub mod members;
pub mod ports;
pub mod refund;
pub mod reports;
pub mod shifts;
pub mod stock;

pub use audit::{AuditError, audit_terminal};
pub use checkout::{Checkout, CompletedSale, SaleRequest};
pub use error::{AppError, StoreError};
pub use members::{MemberData, MemberUpdate, Members, Segments};
pub use ports::{
    CatalogStore, CommitOutcome, CommitStep, CouponStore, LineRecord, LoyaltyCommit, LoyaltyStore,
    MemberStore, OnHand, ParkStore, ParkedBasket, PaymentRecord, RefundCommit, RefundLine, RefundPayment,
    SaleCommit, SaleStore, ShiftClose, ShiftRecord, ShiftStore, StockChange, StockDocument, StockMove,
    StockReturn, StockStore, StockTake, Store, StoredSale, receipt_number, refund_number, return_number,
    z_number,
};
pub use refund::{CompletedRefund, RefundRequest, VoidRequest};
pub use reports::{ProductTotal, SalesReport, TaxTotal, Totals};
pub use stock::{ReservationDoc, Stock, TransferDoc};
