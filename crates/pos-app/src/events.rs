//! The event outbox: every committed change a till or an integrator must hear about appends an
//! [`Event`] in the same transaction, numbered per store by a sequence that only grows and
//! never skips a committed event (the store's event head is locked until the commit, as the last
//! row any transaction locks). `events_after(store, cursor, limit)` reads them in order. The
//! catalogue of types and payloads is `docs/events.md`.

use chrono::{DateTime, Utc};
use pos_core::{Category, PriceList, Product, Promotion};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::documents::{ReturnDocument, SaleDocument, ShiftCloseDocument};
use crate::ports::MovementRecord;

/// The schema version of the events this build writes.
pub const EVENT_SCHEMA: u32 = 1;

/// What happened, with the typed document or a summary of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
#[non_exhaustive]
pub enum EventData {
    /// A sale was committed.
    #[serde(rename = "sale.completed")]
    SaleCompleted {
        /// Its receipt number.
        receipt: String,
        /// The sale.
        sale: Box<SaleDocument>,
    },
    /// A refund or void was committed.
    #[serde(rename = "return.completed")]
    ReturnCompleted {
        /// Its number (`T1-R000001`, `T1-V000002`).
        number: String,
        /// The return.
        document: Box<ReturnDocument>,
    },
    /// A shift was closed with its Z report.
    #[serde(rename = "shift.closed")]
    ShiftClosed {
        /// The Z number (`T1-Z000001`).
        z: String,
        /// The close.
        document: Box<ShiftCloseDocument>,
    },
    /// Stock moved outside a sale or return (receipt, adjustment, transfer, count,
    /// reservation).
    #[serde(rename = "stock.changed")]
    StockChanged {
        /// The movements.
        movements: Vec<MovementRecord>,
    },
    /// A single-use coupon was used by a sale.
    #[serde(rename = "coupon.used")]
    CouponUsed {
        /// The coupon's code.
        code: String,
        /// The sale's receipt number.
        receipt: String,
    },
    /// A product was added or changed.
    #[serde(rename = "product.changed")]
    ProductChanged {
        /// The product as it is now.
        product: Box<Product>,
    },
    /// A category was added or changed.
    #[serde(rename = "category.changed")]
    CategoryChanged {
        /// The category as it is now.
        category: Category,
    },
    /// A promotion was added or changed.
    #[serde(rename = "promotion.changed")]
    PromotionChanged {
        /// The promotion as it is now.
        promotion: Box<Promotion>,
    },
    /// A price list was added or changed.
    #[serde(rename = "price_list.changed")]
    PriceListChanged {
        /// The list as it is now.
        price_list: Box<PriceList>,
    },
    /// A member was added, changed or erased. Only the id: personal data stays behind the
    /// members API.
    #[serde(rename = "member.changed")]
    MemberChanged {
        /// The member's id.
        member: String,
    },
    /// A coupon was issued.
    #[serde(rename = "coupon.issued")]
    CouponIssued {
        /// Its code.
        code: String,
        /// The member it is for, if personal.
        member: Option<String>,
    },
}

/// Every event type, as [`EventData::kind`] names them (the catalogue is `docs/events.md`).
pub const EVENT_TYPES: &[&str] = &[
    "sale.completed",
    "return.completed",
    "shift.closed",
    "stock.changed",
    "coupon.used",
    "product.changed",
    "category.changed",
    "promotion.changed",
    "price_list.changed",
    "member.changed",
    "coupon.issued",
];

impl EventData {
    /// The event's type, as stored and sent (`sale.completed`).
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::SaleCompleted { .. } => "sale.completed",
            EventData::ReturnCompleted { .. } => "return.completed",
            EventData::ShiftClosed { .. } => "shift.closed",
            EventData::StockChanged { .. } => "stock.changed",
            EventData::CouponUsed { .. } => "coupon.used",
            EventData::ProductChanged { .. } => "product.changed",
            EventData::CategoryChanged { .. } => "category.changed",
            EventData::PromotionChanged { .. } => "promotion.changed",
            EventData::PriceListChanged { .. } => "price_list.changed",
            EventData::MemberChanged { .. } => "member.changed",
            EventData::CouponIssued { .. } => "coupon.issued",
        }
    }

    /// Whether it changes what checkout prices with (a cached catalog must take it in).
    pub fn changes_pricing(&self) -> bool {
        matches!(
            self,
            EventData::ProductChanged { .. }
                | EventData::CategoryChanged { .. }
                | EventData::PromotionChanged { .. }
                | EventData::PriceListChanged { .. }
        )
    }
}

/// A committed event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Its place in the store's feed, from 1, without gaps.
    pub sequence: u64,
    /// A unique id, for receivers that de-duplicate.
    pub id: Uuid,
    /// Schema version ([`EVENT_SCHEMA`]).
    pub schema: u32,
    /// When it was committed.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub data: EventData,
}

/// An event about to be appended: its id, time and data (the store gives the sequence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// Unique id.
    pub id: Uuid,
    /// Time.
    pub at: DateTime<Utc>,
    /// What happened.
    pub data: EventData,
}

impl NewEvent {
    /// An event happening now.
    pub fn now(data: EventData) -> Self {
        NewEvent { id: Uuid::now_v7(), at: Utc::now(), data }
    }

    /// The committed event, with its sequence.
    pub fn committed(self, sequence: u64) -> Event {
        Event { sequence, id: self.id, schema: EVENT_SCHEMA, at: self.at, data: self.data }
    }
}
