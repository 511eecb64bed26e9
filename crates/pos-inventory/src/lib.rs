//! # pos-inventory
//!
//! The pure inventory domain. Stock lives at locations (stores, warehouses, online channels).
//! Every change is an append-only [`Movement`] with a reason, an actor and a time; the levels
//! (on hand, reserved, available) per SKU and location are a fold over the movements
//! ([`levels`]), so they can always be rebuilt and audited.
//!
//! [`Inventory`] validates each operation against the per-SKU [`StockPolicy`] (negative stock
//! allowed or refused, reorder point and quantity) before it appends anything: a refused
//! operation changes nothing.
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
//! inv.set_policy(&milk, StockPolicy::refuse_negative().with_reorder(Decimal::from(5), Decimal::from(24))?);
//! let (store, now) = (pos_inventory::LocationId::new("seoul-1"), Utc::now());
//! inv.receive(&milk, &store, Decimal::from(6), "kim", now)?;
//! inv.sell(&milk, &store, Decimal::from(2), "kim", now)?;
//! assert_eq!(inv.level(&milk, &store).available, Decimal::from(4));
//! assert_eq!(inv.low_stock()[0].suggested, Decimal::from(24));
//! assert!(inv.sell(&milk, &store, Decimal::from(5), "kim", now).is_err()); // would go negative
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod error;
mod inventory;
mod model;

pub use error::InventoryError;
pub use inventory::{
    CountSession, Inventory, LowStockAlert, Quantities, Reservation, ReservationState, Transfer,
    TransferState, check_dispatch, check_receipt,
};
pub use model::{
    Level, Location, LocationId, LocationKind, Movement, MovementKind, StockPolicy, levels, suggested_order,
};
