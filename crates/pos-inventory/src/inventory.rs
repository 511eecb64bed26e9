//! The in-memory inventory aggregate: validates operations with the document state machines and
//! [`crate::apply`], appends movements, keeps levels in step.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::documents::{CountSession, Reservation, ReservationState, Transfer, TransferState};
use crate::error::InventoryError;
use crate::model::{Level, Location, LocationId, Movement, MovementKind, StockPolicy};
use crate::rules::{Draft, apply, low_stock_alert};

/// A SKU at a location that has reached its reorder point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStockAlert {
    /// SKU.
    pub sku: Sku,
    /// Location.
    pub location: LocationId,
    /// Available now.
    pub available: Decimal,
    /// The reorder point.
    pub reorder_point: Decimal,
    /// Suggested order: the smallest multiple of the reorder quantity that lifts available stock
    /// above the reorder point.
    pub suggested: Decimal,
}

/// Stock across locations, built from append-only movements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    locations: BTreeMap<LocationId, Location>,
    policies: BTreeMap<(Sku, LocationId), StockPolicy>,
    movements: Vec<Movement>,
    levels: BTreeMap<(Sku, LocationId), Level>,
    transfers: BTreeMap<String, Transfer>,
    counts: BTreeMap<String, CountSession>,
    reservations: BTreeMap<String, Reservation>,
}

fn positive(field: &str, q: Decimal) -> Result<(), InventoryError> {
    if q <= Decimal::ZERO {
        return Err(InventoryError::invalid(field, "must be greater than zero"));
    }
    Ok(())
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Self {
        Inventory::default()
    }

    /// Adds a location.
    ///
    /// # Errors
    /// [`InventoryError::DuplicateId`] when the id is taken.
    pub fn add_location(&mut self, location: Location) -> Result<(), InventoryError> {
        if self.locations.contains_key(&location.id) {
            return Err(InventoryError::DuplicateId { what: "location", id: location.id.0 });
        }
        self.locations.insert(location.id.clone(), location);
        Ok(())
    }

    /// Registers a SKU at a location (or changes its policy there). Operations refuse a SKU at
    /// a location where it was never registered.
    pub fn set_policy(&mut self, sku: &Sku, location: &LocationId, policy: StockPolicy) {
        self.policies.insert((sku.clone(), location.clone()), policy);
    }

    /// The policy of a SKU at a location.
    pub fn policy(&self, sku: &Sku, location: &LocationId) -> Option<&StockPolicy> {
        self.policies.get(&(sku.clone(), location.clone()))
    }

    /// All movements, in order.
    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// The level of a SKU at a location (zero if never stocked).
    pub fn level(&self, sku: &Sku, location: &LocationId) -> Level {
        self.levels.get(&(sku.clone(), location.clone())).copied().unwrap_or_default()
    }

    /// Every level.
    pub fn levels(&self) -> &BTreeMap<(Sku, LocationId), Level> {
        &self.levels
    }

    /// A transfer.
    pub fn transfer(&self, id: &str) -> Option<&Transfer> {
        self.transfers.get(id)
    }

    /// Quantities of a SKU dispatched and not yet received.
    pub fn in_transit(&self, sku: &Sku) -> Decimal {
        self.transfers
            .values()
            .filter(|t| t.state == TransferState::InTransit)
            .filter_map(|t| t.sent.get(sku))
            .sum()
    }

    /// A count session.
    pub fn count(&self, id: &str) -> Option<&CountSession> {
        self.counts.get(id)
    }

    /// A reservation.
    pub fn reservation(&self, id: &str) -> Option<&Reservation> {
        self.reservations.get(id)
    }

    fn check(&self, sku: &Sku, location: &LocationId) -> Result<StockPolicy, InventoryError> {
        if !self.locations.contains_key(location) {
            return Err(InventoryError::UnknownLocation { location: location.0.clone() });
        }
        self.policy(sku, location).copied().ok_or_else(|| InventoryError::UnknownSku { sku: sku.to_string() })
    }

    /// Applies drafts in order with the stock rule: every one is checked (against the levels
    /// the earlier ones left) before any is appended, so a refused operation changes nothing.
    /// Returns each draft's on-hand change.
    fn commit(
        &mut self,
        drafts: &[Draft],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Decimal>, InventoryError> {
        let mut levels: BTreeMap<(Sku, LocationId), Level> = BTreeMap::new();
        let mut applied = Vec::with_capacity(drafts.len());
        for d in drafts {
            let policy = self.check(&d.sku, &d.location)?;
            let key = (d.sku.clone(), d.location.clone());
            let level = levels.get(&key).copied().unwrap_or_else(|| self.level(&d.sku, &d.location));
            let a = apply(&level, &policy, d)?;
            levels.insert(key, a.level);
            applied.push(a);
        }
        for (d, a) in drafts.iter().zip(&applied) {
            if a.on_hand.is_zero() && a.reserved.is_zero() {
                continue;
            }
            self.levels
                .insert((d.sku.clone(), d.location.clone()), levels[&(d.sku.clone(), d.location.clone())]);
            self.movements.push(Movement {
                sequence: self.movements.len() as u64 + 1,
                sku: d.sku.clone(),
                location: d.location.clone(),
                kind: d.kind.clone(),
                on_hand: a.on_hand,
                reserved: a.reserved,
                actor: actor.to_owned(),
                at,
            });
        }
        Ok(applied.iter().map(|a| a.on_hand).collect())
    }

    /// Goods received from a supplier.
    ///
    /// # Errors
    /// Unknown SKU or location; [`InventoryError::InvalidField`] naming `quantity`.
    pub fn receive(
        &mut self,
        sku: &Sku,
        at_location: &LocationId,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        positive("quantity", quantity)?;
        let draft = Draft::on_hand(sku, at_location, MovementKind::GoodsReceipt, quantity);
        self.commit(&[draft], actor, at).map(drop)
    }

    /// A sale.
    ///
    /// # Errors
    /// [`InventoryError::InsufficientStock`] when the SKU refuses negative stock; unknown SKU or
    /// location; [`InventoryError::InvalidField`] naming `quantity`.
    pub fn sell(
        &mut self,
        sku: &Sku,
        location: &LocationId,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        positive("quantity", quantity)?;
        self.commit(&[Draft::on_hand(sku, location, MovementKind::Sale, -quantity)], actor, at).map(drop)
    }

    /// A customer return (restock).
    ///
    /// # Errors
    /// Unknown SKU or location; [`InventoryError::InvalidField`] naming `quantity`.
    pub fn return_to_stock(
        &mut self,
        sku: &Sku,
        location: &LocationId,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        positive("quantity", quantity)?;
        self.commit(&[Draft::on_hand(sku, location, MovementKind::Return, quantity)], actor, at).map(drop)
    }

    /// A manual adjustment by `delta` (negative removes stock), with a reason.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `delta` (zero) or `reason` (empty);
    /// [`InventoryError::InsufficientStock`] when removing would go negative and the SKU refuses it.
    pub fn adjust(
        &mut self,
        sku: &Sku,
        location: &LocationId,
        delta: Decimal,
        reason: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        let draft = adjustment(sku, location, delta, reason)?;
        self.commit(&[draft], actor, at).map(drop)
    }

    /// Dispatches a transfer: the stock leaves `from` now and is in transit until received.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `transfer.to` (same as `from`), `transfer.lines`
    /// (empty or a SKU twice) or `transfer.lines[i].quantity`; [`InventoryError::DuplicateId`];
    /// [`InventoryError::InsufficientStock`] at the source.
    pub fn dispatch_transfer(
        &mut self,
        id: &str,
        from: &LocationId,
        to: &LocationId,
        lines: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        if self.transfers.contains_key(id) {
            return Err(InventoryError::DuplicateId { what: "transfer", id: id.to_owned() });
        }
        let (transfer, drafts) = Transfer::dispatch(id, from, to, lines)?;
        for (sku, _) in lines {
            self.check(sku, to)?;
        }
        self.commit(&drafts, actor, at)?;
        self.transfers.insert(id.to_owned(), transfer);
        Ok(())
    }

    /// Receives a transfer at its destination. SKUs missing from `received` arrived short by
    /// their whole quantity; the shortfall is the transfer's [`Transfer::variance`].
    ///
    /// # Errors
    /// [`InventoryError::UnknownId`]; [`InventoryError::WrongState`] when already received;
    /// [`InventoryError::InvalidField`] naming `received` for a SKU that was not sent, a negative
    /// quantity, or more than was sent.
    pub fn receive_transfer(
        &mut self,
        id: &str,
        received: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, InventoryError> {
        let t = self
            .transfers
            .get(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "transfer", id: id.to_owned() })?;
        let (done, drafts) = t.receive(received)?;
        self.commit(&drafts, actor, at)?;
        let variance = done.variance();
        self.transfers.insert(id.to_owned(), done);
        Ok(variance)
    }

    /// Starts a count at a location.
    ///
    /// # Errors
    /// [`InventoryError::DuplicateId`]; [`InventoryError::UnknownLocation`].
    pub fn start_count(&mut self, id: &str, location: &LocationId) -> Result<(), InventoryError> {
        if self.counts.contains_key(id) {
            return Err(InventoryError::DuplicateId { what: "count", id: id.to_owned() });
        }
        if !self.locations.contains_key(location) {
            return Err(InventoryError::UnknownLocation { location: location.0.clone() });
        }
        self.counts.insert(
            id.to_owned(),
            CountSession {
                id: id.to_owned(),
                location: location.clone(),
                counted: BTreeMap::new(),
                variances: None,
            },
        );
        Ok(())
    }

    /// Records a counted quantity (replacing an earlier one for the same SKU).
    ///
    /// # Errors
    /// [`InventoryError::UnknownId`]; [`InventoryError::WrongState`] once posted;
    /// [`InventoryError::UnknownSku`]; [`InventoryError::InvalidField`] naming `counted`.
    pub fn record_count(&mut self, id: &str, sku: &Sku, counted: Decimal) -> Result<(), InventoryError> {
        let session = self
            .counts
            .get(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "count", id: id.to_owned() })?;
        if self.policy(sku, &session.location).is_none() {
            return Err(InventoryError::UnknownSku { sku: sku.to_string() });
        }
        if counted < Decimal::ZERO {
            return Err(InventoryError::invalid("counted", "must not be negative"));
        }
        if session.variances.is_some() {
            return Err(InventoryError::WrongState {
                what: "count",
                id: id.to_owned(),
                state: "posted".into(),
            });
        }
        if let Some(s) = self.counts.get_mut(id) {
            s.counted.insert(sku.clone(), counted);
        }
        Ok(())
    }

    /// Posts a count: each counted SKU's variance against the on-hand level becomes a count
    /// correction. SKUs that were not counted are untouched.
    ///
    /// # Errors
    /// [`InventoryError::UnknownId`]; [`InventoryError::WrongState`] when posted already;
    /// [`InventoryError::InsufficientStock`] when a SKU that refuses negative stock is counted
    /// below what is reserved (release the reservations first).
    pub fn post_count(
        &mut self,
        id: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, InventoryError> {
        let session = self
            .counts
            .get(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "count", id: id.to_owned() })?;
        if session.variances.is_some() {
            return Err(InventoryError::WrongState {
                what: "count",
                id: id.to_owned(),
                state: "posted".into(),
            });
        }
        let session = session.clone();
        let deltas = self.commit(&session.drafts(), actor, at)?;
        let posted = session.posted(&deltas);
        let variances = posted.variances.clone().unwrap_or_default();
        self.counts.insert(id.to_owned(), posted);
        Ok(variances)
    }

    /// Reserves stock for a customer until `expires_at`. Only available stock can be reserved.
    ///
    /// # Errors
    /// [`InventoryError::DuplicateId`]; [`InventoryError::InsufficientStock`];
    /// [`InventoryError::InvalidField`] naming `quantity` or `expires_at` (not after `at`).
    #[allow(clippy::too_many_arguments)]
    pub fn reserve(
        &mut self,
        id: &str,
        sku: &Sku,
        location: &LocationId,
        quantity: Decimal,
        expires_at: DateTime<Utc>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        if self.reservations.contains_key(id) {
            return Err(InventoryError::DuplicateId { what: "reservation", id: id.to_owned() });
        }
        let (reservation, draft) = Reservation::hold(id, sku, location, quantity, expires_at, at)?;
        self.commit(&[draft], actor, at)?;
        self.reservations.insert(id.to_owned(), reservation);
        Ok(())
    }

    fn end(
        &mut self,
        id: &str,
        state: ReservationState,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        let r = self
            .reservations
            .get(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "reservation", id: id.to_owned() })?;
        let (ended, drafts) = r.end(state)?;
        self.commit(&drafts, actor, at)?;
        self.reservations.insert(id.to_owned(), ended);
        Ok(())
    }

    /// The customer picked up: the hold becomes a sale.
    ///
    /// # Errors
    /// [`InventoryError::UnknownId`]; [`InventoryError::WrongState`] unless active.
    pub fn fulfil(&mut self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), InventoryError> {
        self.end(id, ReservationState::Fulfilled, actor, at)
    }

    /// Cancels a hold.
    ///
    /// # Errors
    /// [`InventoryError::UnknownId`]; [`InventoryError::WrongState`] unless active.
    pub fn release(&mut self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), InventoryError> {
        self.end(id, ReservationState::Released, actor, at)
    }

    /// Releases every active reservation whose time has passed; returns their ids.
    pub fn expire(&mut self, now: DateTime<Utc>, actor: &str) -> Vec<String> {
        let due: Vec<String> = self
            .reservations
            .values()
            .filter(|r| r.state == ReservationState::Active && r.expires_at <= now)
            .map(|r| r.id.clone())
            .collect();
        due.into_iter().filter(|id| self.end(id, ReservationState::Expired, actor, now).is_ok()).collect()
    }

    /// SKUs at or below their reorder point at a location where they are stocked, with a
    /// suggested order.
    pub fn low_stock(&self) -> Vec<LowStockAlert> {
        self.levels
            .iter()
            .filter_map(|((sku, loc), level)| low_stock_alert(sku, loc, level, self.policy(sku, loc)?))
            .collect()
    }
}

/// The movement of a manual adjustment by `delta` with a reason.
///
/// # Errors
/// [`InventoryError::InvalidField`] naming `delta` (zero) or `reason` (empty).
pub fn adjustment(
    sku: &Sku,
    location: &LocationId,
    delta: Decimal,
    reason: &str,
) -> Result<Draft, InventoryError> {
    if delta.is_zero() {
        return Err(InventoryError::invalid("delta", "must not be zero"));
    }
    if reason.trim().is_empty() {
        return Err(InventoryError::invalid("reason", "an adjustment needs a reason"));
    }
    pos_core::limits::check_text("reason", reason)
        .map_err(|e| InventoryError::invalid("reason", e.to_string()))?;
    crate::model::check_quantity("delta", delta)?;
    Ok(Draft::on_hand(sku, location, MovementKind::Adjustment { reason: reason.trim().to_owned() }, delta))
}
