//! # pos-payments
//!
//! The pure payments domain: tenders and split payments with cash rounding and change, the
//! payment state machine, the [`PaymentGateway`] port that gateway adapters implement, refund
//! allocation back to the original tenders, and shifts with X and Z reports. No I/O: the gateway
//! is a trait; time and ids come in as arguments.
//!
//! ## Example: a split payment with change
//!
//! ```
//! use pos_core::{CashRounding, Currency, Money, RoundingMode};
//! use pos_payments::{settle, TenderInput, TenderKind};
//! use rust_decimal::Decimal;
//!
//! let won = |n: i64| Money::new(Decimal::from(n), Currency::KRW);
//! let rounding = CashRounding::new(Decimal::TEN, RoundingMode::Down)?;
//! // 23,457 won due: 10,000 on a card, the rest in cash (rounded down to 23,450 - 10,000).
//! let s = settle(won(23_457), &[
//!     TenderInput::new(TenderKind::Card, won(10_000)),
//!     TenderInput::new(TenderKind::Cash, won(20_000)),
//! ], &rounding)?;
//! assert_eq!(s.change, won(6_550));
//! assert_eq!(s.rounding, won(7));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod gateway;
pub mod payment;
pub mod refund;
pub mod report;
pub mod shift;
pub mod tender;

pub use error::PaymentError;
pub use gateway::{
    Approval, AuthorizeRequest, GatewayOutcome, GatewayStatus, IdempotencyKey, PaymentGateway,
};
pub use payment::{Payment, PaymentState};
pub use refund::{PaidTender, RefundOrder, RefundPart, allocate_refund};
pub use report::{ReportLabels, render_report};
pub use shift::{ReportKind, Shift, ShiftEvent, ShiftRefund, ShiftReport, ShiftSale, ZCounter};
pub use tender::{AppliedTender, MAX_TENDERS, Settlement, TenderInput, TenderKind, check_approval, settle};
