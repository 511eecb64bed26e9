//! Locations, movements, levels and policies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::InventoryError;

/// Largest stock of one SKU at one location, and largest movement, in units: 10^12. Stores
/// keep stock as 64-bit thousandths.
pub const MAX_STOCK: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// Checks a stock quantity: within ±[`MAX_STOCK`] and at most 3 decimal places (the resolution
/// stores keep; a finer quantity would be silently rounded).
///
/// # Errors
/// [`InventoryError::InvalidField`] naming `field`.
pub fn check_quantity(field: &str, q: Decimal) -> Result<(), InventoryError> {
    if q.normalize().scale() > 3 {
        return Err(InventoryError::invalid(field, format!("{q} has more than 3 decimal places")));
    }
    if q.abs() > MAX_STOCK {
        return Err(InventoryError::invalid(field, format!("{q} is beyond ±{MAX_STOCK}")));
    }
    Ok(())
}

/// Identifier of a location.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocationId(pub String);

impl TryFrom<String> for LocationId {
    type Error = InventoryError;
    fn try_from(s: String) -> Result<Self, InventoryError> {
        pos_core::limits::check_id("location", &s)
            .map_err(|e| InventoryError::invalid("location", e.to_string()))?;
        Ok(LocationId(s))
    }
}

impl From<LocationId> for String {
    fn from(l: LocationId) -> String {
        l.0
    }
}

impl LocationId {
    /// A location id.
    pub fn new(s: &str) -> Self {
        LocationId(s.to_owned())
    }
}

/// Kind of location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// A shop.
    Store,
    /// A warehouse.
    Warehouse,
    /// An online sales channel.
    Online,
}

/// A place that holds stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Id.
    pub id: LocationId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: LocationKind,
}

impl Location {
    /// A location.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `location.id` when empty.
    pub fn new(id: &str, name: &str, kind: LocationKind) -> Result<Self, InventoryError> {
        if id.trim().is_empty() {
            return Err(InventoryError::invalid("location.id", "must not be empty"));
        }
        pos_core::limits::check_id("location.id", id)
            .and_then(|()| pos_core::limits::check_text("location.name", name))
            .map_err(|e| InventoryError::invalid(e.field().unwrap_or("location"), e.to_string()))?;
        Ok(Location { id: LocationId::new(id), name: name.to_owned(), kind })
    }
}

/// Why stock changed. References tie a movement to its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MovementKind {
    /// Sold.
    Sale,
    /// Returned by a customer.
    Return,
    /// Goods received from a supplier.
    GoodsReceipt,
    /// A manual adjustment (damage, theft, found stock), with a reason.
    Adjustment {
        /// Reason.
        reason: String,
    },
    /// Left this location on a transfer.
    TransferOut {
        /// Transfer id.
        transfer: String,
    },
    /// Arrived on a transfer.
    TransferIn {
        /// Transfer id.
        transfer: String,
    },
    /// A stock count found a different quantity.
    CountCorrection {
        /// Count session id.
        count: String,
    },
    /// Held for a customer (buy online, pick up in store).
    Reservation {
        /// Reservation id.
        reservation: String,
    },
    /// A hold released (cancelled, expired or fulfilled).
    Release {
        /// Reservation id.
        reservation: String,
    },
}

impl MovementKind {
    /// A stable code for storage and exports (`sale`, `transfer_out`, ...), the same as the
    /// serde tag.
    pub fn code(&self) -> &'static str {
        match self {
            MovementKind::Sale => "sale",
            MovementKind::Return => "return",
            MovementKind::GoodsReceipt => "goods_receipt",
            MovementKind::Adjustment { .. } => "adjustment",
            MovementKind::TransferOut { .. } => "transfer_out",
            MovementKind::TransferIn { .. } => "transfer_in",
            MovementKind::CountCorrection { .. } => "count_correction",
            MovementKind::Reservation { .. } => "reservation",
            MovementKind::Release { .. } => "release",
        }
    }

    /// What the movement refers to: the adjustment's reason or the transfer, count or
    /// reservation id.
    pub fn reference(&self) -> Option<&str> {
        match self {
            MovementKind::Sale | MovementKind::Return | MovementKind::GoodsReceipt => None,
            MovementKind::Adjustment { reason } => Some(reason),
            MovementKind::TransferOut { transfer } | MovementKind::TransferIn { transfer } => Some(transfer),
            MovementKind::CountCorrection { count } => Some(count),
            MovementKind::Reservation { reservation } | MovementKind::Release { reservation } => {
                Some(reservation)
            }
        }
    }

    /// The kind from its [`code`](Self::code) and [`reference`](Self::reference), as stored.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `movement.kind` for an unknown code or a
    /// reference that is missing where the kind needs one.
    pub fn from_code(code: &str, reference: Option<&str>) -> Result<Self, InventoryError> {
        let needs = |make: fn(String) -> MovementKind| {
            reference.map(|r| make(r.to_owned())).ok_or_else(|| {
                InventoryError::invalid("movement.kind", format!("`{code}` needs a reference"))
            })
        };
        match code {
            "sale" => Ok(MovementKind::Sale),
            "return" => Ok(MovementKind::Return),
            "goods_receipt" => Ok(MovementKind::GoodsReceipt),
            "adjustment" => needs(|reason| MovementKind::Adjustment { reason }),
            "transfer_out" => needs(|transfer| MovementKind::TransferOut { transfer }),
            "transfer_in" => needs(|transfer| MovementKind::TransferIn { transfer }),
            "count_correction" => needs(|count| MovementKind::CountCorrection { count }),
            "reservation" => needs(|reservation| MovementKind::Reservation { reservation }),
            "release" => needs(|reservation| MovementKind::Release { reservation }),
            other => Err(InventoryError::invalid("movement.kind", format!("unknown movement `{other}`"))),
        }
    }
}

/// One append-only change of stock at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// Sequence within the inventory, from 1.
    pub sequence: u64,
    /// SKU.
    pub sku: Sku,
    /// Location.
    pub location: LocationId,
    /// Why.
    pub kind: MovementKind,
    /// Change of on-hand stock (negative for sales, transfers out, ...).
    pub on_hand: Decimal,
    /// Change of reserved stock.
    pub reserved: Decimal,
    /// Who did it.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Stock of one SKU at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Level {
    /// Physically there.
    pub on_hand: Decimal,
    /// Held for reservations.
    pub reserved: Decimal,
    /// On hand minus reserved: what can be sold.
    pub available: Decimal,
}

impl Level {
    /// A level from on-hand and reserved stock.
    pub fn new(on_hand: Decimal, reserved: Decimal) -> Self {
        Level { on_hand, reserved, available: on_hand - reserved }
    }
}

/// Levels as the fold of movements: the definition the [`crate::Inventory`] keeps in step with.
pub fn levels<'a>(movements: impl IntoIterator<Item = &'a Movement>) -> BTreeMap<(Sku, LocationId), Level> {
    let mut out: BTreeMap<(Sku, LocationId), Level> = BTreeMap::new();
    for m in movements {
        let l = out.entry((m.sku.clone(), m.location.clone())).or_default();
        l.on_hand += m.on_hand;
        l.reserved += m.reserved;
        l.available = l.on_hand - l.reserved;
    }
    out
}

/// The order to suggest when `available` is at or below `point`: the smallest multiple of
/// `quantity` that lifts available stock above the point (zero above the point).
pub fn suggested_order(available: Decimal, point: Decimal, quantity: Decimal) -> Decimal {
    if available > point || quantity <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (((point - available) / quantity).floor() + Decimal::ONE) * quantity
}

/// Stock rules of one SKU at one location (a shop may refuse negative stock on the floor and
/// reorder at a different point than its warehouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StockPolicy {
    /// Whether sales may take stock below zero.
    pub allow_negative: bool,
    /// At or below this available quantity, alert.
    pub reorder_point: Option<Decimal>,
    /// Order in multiples of this quantity.
    pub reorder_quantity: Option<Decimal>,
}

pos_core::deserialize_checked!(StockPolicy, StockPolicy::check, {
    allow_negative: bool,
    reorder_point: Option<Decimal>,
    reorder_quantity: Option<Decimal>,
});

impl Default for StockPolicy {
    /// Negative stock allowed (a till never refuses a sale the shelf allowed), no reordering.
    fn default() -> Self {
        StockPolicy { allow_negative: true, reorder_point: None, reorder_quantity: None }
    }
}

impl StockPolicy {
    /// Negative stock refused.
    pub fn refuse_negative() -> Self {
        StockPolicy { allow_negative: false, ..StockPolicy::default() }
    }

    /// Adds a reorder point and quantity.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `policy.reorder_point` (negative) or
    /// `policy.reorder_quantity` (not positive).
    pub fn with_reorder(mut self, point: Decimal, quantity: Decimal) -> Result<Self, InventoryError> {
        self.reorder_point = Some(point);
        self.reorder_quantity = Some(quantity);
        self.check()?;
        Ok(self)
    }

    /// Checks the reorder rule: both or neither of point (not negative) and quantity (above
    /// zero), each a stock quantity (see [`check_quantity`]).
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `policy.reorder_point` or
    /// `policy.reorder_quantity`.
    pub fn check(&self) -> Result<(), InventoryError> {
        match (self.reorder_point, self.reorder_quantity) {
            (None, None) => Ok(()),
            (Some(point), Some(quantity)) => {
                if point < Decimal::ZERO {
                    return Err(InventoryError::invalid("policy.reorder_point", "must not be negative"));
                }
                if quantity <= Decimal::ZERO {
                    return Err(InventoryError::invalid(
                        "policy.reorder_quantity",
                        "must be greater than zero",
                    ));
                }
                check_quantity("policy.reorder_point", point)?;
                check_quantity("policy.reorder_quantity", quantity)
            }
            _ => Err(InventoryError::invalid(
                "policy.reorder_quantity",
                "a reorder rule needs a point and a quantity",
            )),
        }
    }
}
