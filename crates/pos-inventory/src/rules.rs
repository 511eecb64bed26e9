//! The stock rule: whether a movement may be applied to a level under a policy. The in-memory
//! [`crate::Inventory`] and every store (through pos-app) decide with this one function.

use pos_core::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::LowStockAlert;
use crate::error::InventoryError;
use crate::model::{
    Level, LocationId, MAX_STOCK, MovementKind, StockPolicy, check_quantity, suggested_order,
};

/// How a movement changes on-hand stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnHand {
    /// By this much (negative takes stock away).
    By(Decimal),
    /// To this quantity: a count. The movement records the difference from what was on hand.
    To(Decimal),
}

/// A movement before it is applied: what it does to which SKU at which location, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// SKU.
    pub sku: Sku,
    /// Location.
    pub location: LocationId,
    /// Why.
    pub kind: MovementKind,
    /// The on-hand change.
    pub on_hand: OnHand,
    /// The reserved change.
    pub reserved: Decimal,
}

impl Draft {
    /// A change of on-hand stock by `delta`.
    pub fn on_hand(sku: &Sku, location: &LocationId, kind: MovementKind, delta: Decimal) -> Self {
        Draft {
            sku: sku.clone(),
            location: location.clone(),
            kind,
            on_hand: OnHand::By(delta),
            reserved: Decimal::ZERO,
        }
    }

    /// A change of reserved stock by `delta`.
    pub fn reserved(sku: &Sku, location: &LocationId, kind: MovementKind, delta: Decimal) -> Self {
        Draft {
            sku: sku.clone(),
            location: location.clone(),
            kind,
            on_hand: OnHand::By(Decimal::ZERO),
            reserved: delta,
        }
    }
}

/// A draft applied to a level: the level after it and the on-hand change it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The level after the movement.
    pub level: Level,
    /// The movement's on-hand change (for a count, counted minus what was on hand).
    pub on_hand: Decimal,
    /// The movement's reserved change.
    pub reserved: Decimal,
}

/// Applies `draft` to `level` under `policy`. Quantities must be stock quantities (3 decimal
/// places at most, within ±[`MAX_STOCK`], also after the movement). A movement that lowers available stock below
/// zero is refused where the policy refuses negative stock, and always for a reservation (only
/// what is there can be held); a release can free only what is reserved. Movements that raise
/// available stock are always allowed, even from below zero.
///
/// # Errors
/// [`InventoryError::InsufficientStock`] with the available stock before the movement and the
/// amount it would take; [`InventoryError::InvalidField`] naming `reserved` for a release of more
/// than is held.
pub fn apply(level: &Level, policy: &StockPolicy, draft: &Draft) -> Result<Applied, InventoryError> {
    let (delta_field, delta) = match draft.on_hand {
        OnHand::By(d) => ("quantity", d),
        OnHand::To(counted) => ("counted", counted),
    };
    check_quantity(delta_field, delta)?;
    check_quantity("reserved", draft.reserved)?;
    let on_hand = match draft.on_hand {
        OnHand::By(d) => d,
        OnHand::To(counted) => counted - level.on_hand,
    };
    let after = Level::new(level.on_hand + on_hand, level.reserved + draft.reserved);
    check_quantity("quantity", after.on_hand).and(check_quantity("quantity", after.reserved)).map_err(
        |_| InventoryError::invalid("quantity", format!("stock of `{}` would pass ±{MAX_STOCK}", draft.sku)),
    )?;
    if after.reserved < Decimal::ZERO {
        return Err(InventoryError::invalid(
            "reserved",
            format!("`{}` at `{}` has only {} reserved", draft.sku, draft.location.0, level.reserved),
        ));
    }
    let holds = matches!(draft.kind, MovementKind::Reservation { .. });
    if after.available < level.available
        && after.available < Decimal::ZERO
        && (holds || !policy.allow_negative)
    {
        return Err(InventoryError::InsufficientStock {
            sku: draft.sku.to_string(),
            location: draft.location.0.clone(),
            available: level.available,
            requested: level.available - after.available,
        });
    }
    Ok(Applied { level: after, on_hand, reserved: draft.reserved })
}

/// The alert for a SKU at a location whose available stock is at or below its reorder point
/// (none without a reorder rule or above the point).
pub fn low_stock_alert(
    sku: &Sku,
    location: &LocationId,
    level: &Level,
    policy: &StockPolicy,
) -> Option<LowStockAlert> {
    let (Some(point), Some(quantity)) = (policy.reorder_point, policy.reorder_quantity) else {
        return None;
    };
    (level.available <= point).then(|| LowStockAlert {
        sku: sku.clone(),
        location: location.clone(),
        available: level.available,
        reorder_point: point,
        suggested: suggested_order(level.available, point, quantity),
    })
}
