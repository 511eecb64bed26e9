//! # pos-inventory
//!
//! The pure inventory domain. Stock lives at locations (stores, warehouses, online channels).
//! Every change is an append-only [`Movement`] with a reason, an actor and a time; the levels
//! (on hand, reserved, available) per SKU and location are a fold over the movements
//! ([`levels`]), so they can always be rebuilt and audited.
//!
//! One rule decides whether stock may move: [`apply`] takes a level, the [`StockPolicy`] of the
//! SKU at that location (negative stock allowed or refused, reorder point and quantity) and a
//! movement [`Draft`], and returns the new level or refuses. Transfers, counts and reservations
//! are documents with typed states whose transitions ([`Transfer::dispatch`],
//! [`Reservation::end`], ...) produce the drafts. [`Inventory`], the in-memory aggregate, and
//! pos-app's stores both decide with these functions; a refused operation changes nothing.
//!
//! ## Example
//!
//! ```
//! use chrono::Utc;
//! use pos_core::Sku;
//! use pos_inventory::{Inventory, Location, LocationKind, StockPolicy};
//! use rust_decimal::Decimal;
//!
//! let mut inv = Inventory::new();
//! inv.add_location(Location::new("seoul-1", "강남점", LocationKind::Store)?)?;
//! let milk = Sku::parse("8801056")?;
//! let (store, now) = (pos_inventory::LocationId::new("seoul-1"), Utc::now());
//! let policy = StockPolicy::refuse_negative().with_reorder(Decimal::from(5), Decimal::from(24))?;
//! inv.set_policy(&milk, &store, policy);
//! inv.receive(&milk, &store, Decimal::from(6), "kim", now)?;
//! inv.sell(&milk, &store, Decimal::from(2), "kim", now)?;
//! assert_eq!(inv.level(&milk, &store).available, Decimal::from(4));
//! assert_eq!(inv.low_stock()[0].suggested, Decimal::from(24));
//! assert!(inv.sell(&milk, &store, Decimal::from(5), "kim", now).is_err()); // would go negative
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod documents;
mod error;
mod inventory;
mod model;
mod rules;

pub use documents::{
    CountSession, Quantities, Reservation, ReservationState, Transfer, TransferState, check_dispatch,
    check_receipt,
};
pub use error::InventoryError;
pub use inventory::{Inventory, LowStockAlert, adjustment};
pub use model::{
    Level, Location, LocationId, LocationKind, MAX_STOCK, Movement, MovementKind, StockPolicy,
    check_quantity, levels, suggested_order,
};
pub use rules::{Applied, Draft, OnHand, apply, low_stock_alert};
