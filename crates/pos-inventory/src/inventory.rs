//! The inventory aggregate: validates operations, appends movements, keeps levels in step.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::InventoryError;
use crate::model::{Level, Location, LocationId, Movement, MovementKind, StockPolicy, suggested_order};

/// Quantities per SKU.
pub type Quantities = BTreeMap<Sku, Decimal>;

/// Checks a transfer before dispatch: different locations, at least one line, positive
/// quantities, each SKU once. Returns the quantities sent per SKU.
///
/// # Errors
/// [`InventoryError::InvalidField`] naming `transfer.to`, `transfer.lines` or a line quantity.
pub fn check_dispatch(
    from: &LocationId,
    to: &LocationId,
    lines: &[(Sku, Decimal)],
) -> Result<BTreeMap<Sku, Decimal>, InventoryError> {
    if from == to {
        return Err(InventoryError::invalid("transfer.to", "must differ from the source location"));
    }
    if lines.is_empty() {
        return Err(InventoryError::invalid("transfer.lines", "must not be empty"));
    }
    let mut sent = BTreeMap::new();
    for (i, (sku, q)) in lines.iter().enumerate() {
        positive(&format!("transfer.lines[{i}].quantity"), *q)?;
        if sent.insert(sku.clone(), *q).is_some() {
            return Err(InventoryError::invalid("transfer.lines", format!("`{sku}` appears twice")));
        }
    }
    Ok(sent)
}

/// Checks what arrived against what was sent. Returns the quantities received per SKU and the
/// variance (sent - received) of the SKUs that arrived short; SKUs not listed arrived short by
/// their whole quantity.
///
/// # Errors
/// [`InventoryError::InvalidField`] naming `received` for a SKU not sent, a negative quantity or
/// more than was sent.
pub fn check_receipt(
    sent: &BTreeMap<Sku, Decimal>,
    received: &[(Sku, Decimal)],
) -> Result<(Quantities, Quantities), InventoryError> {
    let mut got: BTreeMap<Sku, Decimal> = BTreeMap::new();
    for (sku, q) in received {
        let Some(sent_q) = sent.get(sku) else {
            return Err(InventoryError::invalid(
                "received",
                format!("`{sku}` was not sent on this transfer"),
            ));
        };
        if *q < Decimal::ZERO {
            return Err(InventoryError::invalid("received", format!("quantity of `{sku}` is negative")));
        }
        let total = got.get(sku).copied().unwrap_or_default() + *q;
        if total > *sent_q {
            return Err(InventoryError::invalid("received", format!("more `{sku}` received than sent")));
        }
        got.insert(sku.clone(), total);
    }
    let variance = sent
        .iter()
        .map(|(s, q)| (s.clone(), *q - got.get(s).copied().unwrap_or_default()))
        .filter(|(_, v)| !v.is_zero())
        .collect();
    Ok((got, variance))
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Dispatched: stock has left the source and not yet arrived.
    InTransit,
    /// Received (possibly short).
    Received,
}

/// A transfer between two locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// Id.
    pub id: String,
    /// Source.
    pub from: LocationId,
    /// Destination.
    pub to: LocationId,
    /// Quantities sent.
    pub sent: BTreeMap<Sku, Decimal>,
    /// Quantities received (empty while in transit).
    pub received: BTreeMap<Sku, Decimal>,
    /// State.
    pub state: TransferState,
}

impl Transfer {
    /// Sent minus received per SKU, for received transfers: what was lost on the way.
    pub fn variance(&self) -> BTreeMap<Sku, Decimal> {
        if self.state != TransferState::Received {
            return BTreeMap::new();
        }
        self.sent
            .iter()
            .map(|(s, q)| (s.clone(), *q - self.received.get(s).copied().unwrap_or_default()))
            .filter(|(_, v)| !v.is_zero())
            .collect()
    }
}

/// A stock count at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountSession {
    /// Id.
    pub id: String,
    /// Location.
    pub location: LocationId,
    /// Counted quantities so far.
    pub counted: BTreeMap<Sku, Decimal>,
    /// Posted variances (counted - expected), once posted.
    pub variances: Option<BTreeMap<Sku, Decimal>>,
}

/// Where a reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationState {
    /// Holding stock.
    Active,
    /// Picked up: became a sale.
    Fulfilled,
    /// Cancelled.
    Released,
    /// Not picked up in time.
    Expired,
}

/// Stock held for a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// Id.
    pub id: String,
    /// SKU.
    pub sku: Sku,
    /// Location.
    pub location: LocationId,
    /// Quantity.
    pub quantity: Decimal,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
    /// State.
    pub state: ReservationState,
}

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
    policies: BTreeMap<Sku, StockPolicy>,
    movements: Vec<Movement>,
    levels: BTreeMap<(Sku, LocationId), Level>,
    transfers: BTreeMap<String, Transfer>,
    counts: BTreeMap<String, CountSession>,
    reservations: BTreeMap<String, Reservation>,
}

/// A movement before it gets its sequence number.
struct Draft<'a> {
    sku: &'a Sku,
    location: &'a LocationId,
    kind: MovementKind,
    on_hand: Decimal,
    reserved: Decimal,
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

    /// Registers a SKU (or changes its policy). Operations refuse SKUs that were never registered.
    pub fn set_policy(&mut self, sku: &Sku, policy: StockPolicy) {
        self.policies.insert(sku.clone(), policy);
    }

    /// The policy of a SKU.
    pub fn policy(&self, sku: &Sku) -> Option<&StockPolicy> {
        self.policies.get(sku)
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
        self.policies.get(sku).copied().ok_or_else(|| InventoryError::UnknownSku { sku: sku.to_string() })
    }

    /// Refuses taking `quantity` when the policy refuses negative stock and not enough is available.
    fn check_take(&self, sku: &Sku, location: &LocationId, quantity: Decimal) -> Result<(), InventoryError> {
        let policy = self.check(sku, location)?;
        let available = self.level(sku, location).available;
        if !policy.allow_negative && available < quantity {
            return Err(InventoryError::InsufficientStock {
                sku: sku.to_string(),
                location: location.0.clone(),
                available,
                requested: quantity,
            });
        }
        Ok(())
    }

    fn append(&mut self, drafts: Vec<Draft<'_>>, actor: &str, at: DateTime<Utc>) {
        for d in drafts {
            let sequence = self.movements.len() as u64 + 1;
            let level = self.levels.entry((d.sku.clone(), d.location.clone())).or_default();
            level.on_hand += d.on_hand;
            level.reserved += d.reserved;
            level.available = level.on_hand - level.reserved;
            self.movements.push(Movement {
                sequence,
                sku: d.sku.clone(),
                location: d.location.clone(),
                kind: d.kind,
                on_hand: d.on_hand,
                reserved: d.reserved,
                actor: actor.to_owned(),
                at,
            });
        }
    }

    fn one(
        &mut self,
        sku: &Sku,
        location: &LocationId,
        kind: MovementKind,
        delta: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) {
        self.append(vec![Draft { sku, location, kind, on_hand: delta, reserved: Decimal::ZERO }], actor, at);
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
        self.check(sku, at_location)?;
        positive("quantity", quantity)?;
        self.one(sku, at_location, MovementKind::GoodsReceipt, quantity, actor, at);
        Ok(())
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
        self.check_take(sku, location, quantity)?;
        self.one(sku, location, MovementKind::Sale, -quantity, actor, at);
        Ok(())
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
        self.check(sku, location)?;
        positive("quantity", quantity)?;
        self.one(sku, location, MovementKind::Return, quantity, actor, at);
        Ok(())
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
        if delta.is_zero() {
            return Err(InventoryError::invalid("delta", "must not be zero"));
        }
        if reason.trim().is_empty() {
            return Err(InventoryError::invalid("reason", "an adjustment needs a reason"));
        }
        if delta < Decimal::ZERO {
            self.check_take(sku, location, -delta)?;
        } else {
            self.check(sku, location)?;
        }
        self.one(
            sku,
            location,
            MovementKind::Adjustment { reason: reason.trim().to_owned() },
            delta,
            actor,
            at,
        );
        Ok(())
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
        let sent = check_dispatch(from, to, lines)?;
        for (sku, q) in lines {
            self.check(sku, to)?;
            self.check_take(sku, from, *q)?;
        }
        let drafts = lines
            .iter()
            .map(|(sku, q)| Draft {
                sku,
                location: from,
                kind: MovementKind::TransferOut { transfer: id.to_owned() },
                on_hand: -*q,
                reserved: Decimal::ZERO,
            })
            .collect();
        self.append(drafts, actor, at);
        self.transfers.insert(
            id.to_owned(),
            Transfer {
                id: id.to_owned(),
                from: from.clone(),
                to: to.clone(),
                sent,
                received: BTreeMap::new(),
                state: TransferState::InTransit,
            },
        );
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
        if t.state != TransferState::InTransit {
            return Err(InventoryError::WrongState {
                what: "transfer",
                id: id.to_owned(),
                state: "received".into(),
            });
        }
        let (got, _) = check_receipt(&t.sent, received)?;
        let to = t.to.clone();
        let drafts = got
            .iter()
            .filter(|(_, q)| !q.is_zero())
            .map(|(sku, q)| Draft {
                sku,
                location: &to,
                kind: MovementKind::TransferIn { transfer: id.to_owned() },
                on_hand: *q,
                reserved: Decimal::ZERO,
            })
            .collect();
        self.append(drafts, actor, at);
        let t = self
            .transfers
            .get_mut(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "transfer", id: id.to_owned() })?;
        t.received = got;
        t.state = TransferState::Received;
        Ok(t.variance())
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
        if !self.policies.contains_key(sku) {
            return Err(InventoryError::UnknownSku { sku: sku.to_string() });
        }
        if counted < Decimal::ZERO {
            return Err(InventoryError::invalid("counted", "must not be negative"));
        }
        let session = self
            .counts
            .get_mut(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "count", id: id.to_owned() })?;
        if session.variances.is_some() {
            return Err(InventoryError::WrongState {
                what: "count",
                id: id.to_owned(),
                state: "posted".into(),
            });
        }
        session.counted.insert(sku.clone(), counted);
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
        let location = session.location.clone();
        let mut variances = BTreeMap::new();
        for (sku, counted) in &session.counted {
            let level = self.level(sku, &location);
            let policy = self.policies.get(sku).copied().unwrap_or_default();
            if !policy.allow_negative && *counted < level.reserved {
                return Err(InventoryError::InsufficientStock {
                    sku: sku.to_string(),
                    location: location.0.clone(),
                    available: *counted - level.reserved,
                    requested: level.reserved,
                });
            }
            variances.insert(sku.clone(), *counted - level.on_hand);
        }
        let drafts = variances
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(sku, v)| Draft {
                sku,
                location: &location,
                kind: MovementKind::CountCorrection { count: id.to_owned() },
                on_hand: *v,
                reserved: Decimal::ZERO,
            })
            .collect();
        self.append(drafts, actor, at);
        if let Some(s) = self.counts.get_mut(id) {
            s.variances = Some(variances.clone());
        }
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
        positive("quantity", quantity)?;
        if expires_at <= at {
            return Err(InventoryError::invalid("expires_at", "must be in the future"));
        }
        self.check(sku, location)?;
        let available = self.level(sku, location).available;
        if available < quantity {
            return Err(InventoryError::InsufficientStock {
                sku: sku.to_string(),
                location: location.0.clone(),
                available,
                requested: quantity,
            });
        }
        self.append(
            vec![Draft {
                sku,
                location,
                kind: MovementKind::Reservation { reservation: id.to_owned() },
                on_hand: Decimal::ZERO,
                reserved: quantity,
            }],
            actor,
            at,
        );
        self.reservations.insert(
            id.to_owned(),
            Reservation {
                id: id.to_owned(),
                sku: sku.clone(),
                location: location.clone(),
                quantity,
                expires_at,
                state: ReservationState::Active,
            },
        );
        Ok(())
    }

    fn active(&self, id: &str) -> Result<Reservation, InventoryError> {
        let r = self
            .reservations
            .get(id)
            .ok_or_else(|| InventoryError::UnknownId { what: "reservation", id: id.to_owned() })?;
        if r.state != ReservationState::Active {
            return Err(InventoryError::WrongState {
                what: "reservation",
                id: id.to_owned(),
                state: format!("{:?}", r.state).to_lowercase(),
            });
        }
        Ok(r.clone())
    }

    fn end(
        &mut self,
        id: &str,
        state: ReservationState,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), InventoryError> {
        let r = self.active(id)?;
        let mut drafts = vec![Draft {
            sku: &r.sku,
            location: &r.location,
            kind: MovementKind::Release { reservation: id.to_owned() },
            on_hand: Decimal::ZERO,
            reserved: -r.quantity,
        }];
        if state == ReservationState::Fulfilled {
            drafts.push(Draft {
                sku: &r.sku,
                location: &r.location,
                kind: MovementKind::Sale,
                on_hand: -r.quantity,
                reserved: Decimal::ZERO,
            });
        }
        self.append(drafts, actor, at);
        if let Some(res) = self.reservations.get_mut(id) {
            res.state = state;
        }
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
        for id in &due {
            // Cannot fail: the reservation is active.
            let _ = self.end(id, ReservationState::Expired, actor, now);
        }
        due
    }

    /// SKUs at or below their reorder point at a location where they are stocked, with a
    /// suggested order.
    pub fn low_stock(&self) -> Vec<LowStockAlert> {
        let mut out = Vec::new();
        for ((sku, loc), level) in &self.levels {
            let Some(policy) = self.policies.get(sku) else { continue };
            let (Some(point), Some(qty)) = (policy.reorder_point, policy.reorder_quantity) else { continue };
            if level.available <= point {
                out.push(LowStockAlert {
                    sku: sku.clone(),
                    location: loc.clone(),
                    available: level.available,
                    reorder_point: point,
                    suggested: suggested_order(level.available, point, qty),
                });
            }
        }
        out
    }
}
