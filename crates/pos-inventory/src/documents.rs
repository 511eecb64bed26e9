//! Stock documents and their state machines: transfers through transit, counts, reservations.
//! Each transition is a pure function from the document to its next state and the movements
//! it makes; the in-memory [`crate::Inventory`] and pos-app's stores apply those movements with
//! [`crate::apply`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::InventoryError;
use crate::model::{LocationId, MovementKind, check_quantity};
use crate::rules::{Draft, OnHand};

/// Quantities per SKU.
pub type Quantities = BTreeMap<Sku, Decimal>;

fn positive(field: &str, q: Decimal) -> Result<(), InventoryError> {
    if q <= Decimal::ZERO {
        return Err(InventoryError::invalid(field, "must be greater than zero"));
    }
    check_quantity(field, q)
}

fn non_empty_id(what: &'static str, id: &str) -> Result<(), InventoryError> {
    let field = format!("{what}.id");
    pos_core::limits::check_id(&field, id).map_err(|e| InventoryError::invalid(field, e.to_string()))
}

/// Checks a transfer before dispatch: different locations, at least one line, positive
/// quantities, each SKU once. Returns the quantities sent per SKU.
///
/// # Errors
/// [`InventoryError::InvalidField`] naming `transfer.to`, `transfer.lines` or a line quantity.
pub fn check_dispatch(
    from: &LocationId,
    to: &LocationId,
    lines: &[(Sku, Decimal)],
) -> Result<Quantities, InventoryError> {
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
    sent: &Quantities,
    received: &[(Sku, Decimal)],
) -> Result<(Quantities, Quantities), InventoryError> {
    let mut got: Quantities = BTreeMap::new();
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
        check_quantity("received", *q)?;
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

impl TransferState {
    /// The state's name (`in_transit`, `received`), the same as its serde form.
    pub fn code(self) -> &'static str {
        match self {
            TransferState::InTransit => "in_transit",
            TransferState::Received => "received",
        }
    }
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
    pub sent: Quantities,
    /// Quantities received (empty while in transit).
    pub received: Quantities,
    /// State.
    pub state: TransferState,
}

impl Transfer {
    /// Dispatches a transfer: the transfer in transit and the movements that take the stock out
    /// of `from`.
    ///
    /// # Errors
    /// As [`check_dispatch`]; [`InventoryError::InvalidField`] naming `transfer.id` when empty.
    pub fn dispatch(
        id: &str,
        from: &LocationId,
        to: &LocationId,
        lines: &[(Sku, Decimal)],
    ) -> Result<(Transfer, Vec<Draft>), InventoryError> {
        non_empty_id("transfer", id)?;
        let sent = check_dispatch(from, to, lines)?;
        let kind = MovementKind::TransferOut { transfer: id.to_owned() };
        let drafts = lines.iter().map(|(sku, q)| Draft::on_hand(sku, from, kind.clone(), -*q)).collect();
        let transfer = Transfer {
            id: id.to_owned(),
            from: from.clone(),
            to: to.clone(),
            sent,
            received: BTreeMap::new(),
            state: TransferState::InTransit,
        };
        Ok((transfer, drafts))
    }

    /// Receives the transfer at its destination: the received transfer and the movements that
    /// put what arrived on hand. What did not arrive is the transfer's [`Transfer::variance`].
    ///
    /// # Errors
    /// [`InventoryError::WrongState`] unless in transit; as [`check_receipt`].
    pub fn receive(&self, received: &[(Sku, Decimal)]) -> Result<(Transfer, Vec<Draft>), InventoryError> {
        if self.state != TransferState::InTransit {
            return Err(InventoryError::WrongState {
                what: "transfer",
                id: self.id.clone(),
                state: self.state.code().into(),
            });
        }
        let (got, _) = check_receipt(&self.sent, received)?;
        let kind = MovementKind::TransferIn { transfer: self.id.clone() };
        let drafts = got
            .iter()
            .filter(|(_, q)| !q.is_zero())
            .map(|(sku, q)| Draft::on_hand(sku, &self.to, kind.clone(), *q))
            .collect();
        let done = Transfer { received: got, state: TransferState::Received, ..self.clone() };
        Ok((done, drafts))
    }

    /// Sent minus received per SKU, for received transfers: what was lost on the way.
    pub fn variance(&self) -> Quantities {
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
    pub counted: Quantities,
    /// Posted variances (counted - expected), once posted.
    pub variances: Option<Quantities>,
}

impl CountSession {
    /// A count taken and posted at once: each counted SKU's on-hand stock becomes the counted
    /// quantity. Returns the session (its variances are known once the movements are applied,
    /// see [`CountSession::posted`]) and one movement per counted SKU, in SKU order.
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `count.id` (empty) or `counted` (empty, a
    /// negative quantity or a SKU twice).
    pub fn take(
        id: &str,
        location: &LocationId,
        counted: &[(Sku, Decimal)],
    ) -> Result<(CountSession, Vec<Draft>), InventoryError> {
        non_empty_id("count", id)?;
        if counted.is_empty() {
            return Err(InventoryError::invalid("counted", "must not be empty"));
        }
        let mut quantities = BTreeMap::new();
        for (sku, q) in counted {
            if *q < Decimal::ZERO {
                return Err(InventoryError::invalid("counted", format!("quantity of `{sku}` is negative")));
            }
            check_quantity("counted", *q)?;
            if quantities.insert(sku.clone(), *q).is_some() {
                return Err(InventoryError::invalid("counted", format!("`{sku}` appears twice")));
            }
        }
        let session = CountSession {
            id: id.to_owned(),
            location: location.clone(),
            counted: quantities,
            variances: None,
        };
        let drafts = session.drafts();
        Ok((session, drafts))
    }

    /// The movements that post the counted quantities, in SKU order.
    pub fn drafts(&self) -> Vec<Draft> {
        let kind = MovementKind::CountCorrection { count: self.id.clone() };
        self.counted
            .iter()
            .map(|(sku, q)| Draft {
                sku: sku.clone(),
                location: self.location.clone(),
                kind: kind.clone(),
                on_hand: OnHand::To(*q),
                reserved: Decimal::ZERO,
            })
            .collect()
    }

    /// The session once its movements were applied: `deltas` are their on-hand changes, in
    /// the order of [`CountSession::drafts`].
    pub fn posted(mut self, deltas: &[Decimal]) -> CountSession {
        self.variances = Some(self.counted.keys().cloned().zip(deltas.iter().copied()).collect());
        self
    }
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

impl ReservationState {
    /// The state's name (`active`, `fulfilled`, ...), the same as its serde form.
    pub fn code(self) -> &'static str {
        match self {
            ReservationState::Active => "active",
            ReservationState::Fulfilled => "fulfilled",
            ReservationState::Released => "released",
            ReservationState::Expired => "expired",
        }
    }
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

impl Reservation {
    /// Holds `quantity` for a customer until `expires_at`: the active reservation and the
    /// movement that reserves the stock (which [`crate::apply`] allows only from available
    /// stock).
    ///
    /// # Errors
    /// [`InventoryError::InvalidField`] naming `reservation.id`, `quantity` or `expires_at` (not
    /// after `at`).
    pub fn hold(
        id: &str,
        sku: &Sku,
        location: &LocationId,
        quantity: Decimal,
        expires_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(Reservation, Draft), InventoryError> {
        non_empty_id("reservation", id)?;
        positive("quantity", quantity)?;
        if expires_at <= at {
            return Err(InventoryError::invalid("expires_at", "must be in the future"));
        }
        let draft = Draft::reserved(
            sku,
            location,
            MovementKind::Reservation { reservation: id.to_owned() },
            quantity,
        );
        let reservation = Reservation {
            id: id.to_owned(),
            sku: sku.clone(),
            location: location.clone(),
            quantity,
            expires_at,
            state: ReservationState::Active,
        };
        Ok((reservation, draft))
    }

    /// Ends an active reservation as fulfilled (the hold becomes a sale), released or expired:
    /// the ended reservation and its movements.
    ///
    /// # Errors
    /// [`InventoryError::WrongState`] unless active; [`InventoryError::InvalidField`] naming
    /// `state` when `state` is [`ReservationState::Active`].
    pub fn end(&self, state: ReservationState) -> Result<(Reservation, Vec<Draft>), InventoryError> {
        if self.state != ReservationState::Active {
            return Err(InventoryError::WrongState {
                what: "reservation",
                id: self.id.clone(),
                state: self.state.code().into(),
            });
        }
        if state == ReservationState::Active {
            return Err(InventoryError::invalid(
                "state",
                "a reservation ends fulfilled, released or expired",
            ));
        }
        let release = MovementKind::Release { reservation: self.id.clone() };
        let mut drafts = vec![Draft::reserved(&self.sku, &self.location, release, -self.quantity)];
        if state == ReservationState::Fulfilled {
            drafts.push(Draft::on_hand(&self.sku, &self.location, MovementKind::Sale, -self.quantity));
        }
        Ok((Reservation { state, ..self.clone() }, drafts))
    }
}
