//! Stock operations outside sales: adjustments, transfers through transit, counts and
//! reservations. Each validates its input, then hands the store one atomic change: movements
//! plus a document state transition.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::{Sku, StoreId};
use pos_inventory::LocationId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, StoreError};
use crate::ports::{OnHand, StockChange, StockDocument, StockMove, Store};

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferDoc {
    /// Source.
    pub from: LocationId,
    /// Destination.
    pub to: LocationId,
    /// Sent.
    pub sent: BTreeMap<Sku, Decimal>,
    /// Received (empty in transit).
    pub received: BTreeMap<Sku, Decimal>,
}

/// A reservation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationDoc {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: Sku,
    /// Quantity held.
    pub quantity: Decimal,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

/// Stock use cases of one store.
pub struct Stock<S: Store> {
    store: Arc<S>,
    id: StoreId,
    currency: pos_core::Currency,
}

fn positive(field: &str, q: Decimal) -> Result<(), AppError> {
    if q <= Decimal::ZERO {
        return Err(AppError::invalid(field, "must be greater than zero"));
    }
    Ok(())
}

fn data<T: Serialize>(v: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(v).map_err(|e| AppError::Store(StoreError::Backend { message: e.to_string() }))
}

fn read<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::Store(StoreError::Backend { message: e.to_string() }))
}

fn mv(
    location: &LocationId,
    sku: &Sku,
    on_hand: OnHand,
    reserved: Decimal,
    kind: &str,
    strict: bool,
) -> StockMove {
    StockMove {
        location: location.clone(),
        sku: sku.clone(),
        on_hand,
        reserved,
        kind: kind.to_owned(),
        strict,
    }
}

impl<S: Store> Stock<S> {
    /// Stock operations for a store (the currency is the catalog's).
    pub fn new(store: Arc<S>, id: StoreId, currency: pos_core::Currency) -> Self {
        Stock { store, id, currency }
    }

    async fn apply(
        &self,
        moves: Vec<StockMove>,
        document: Option<StockDocument>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Decimal>, AppError> {
        let change = StockChange { store: self.id.clone(), moves, document, actor: actor.to_owned(), at };
        Ok(self.store.apply_stock(&change).await?)
    }

    async fn document(&self, kind: &str, id: &str) -> Result<(String, serde_json::Value), AppError> {
        self.store
            .stock_document(&self.id, kind, id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "stock document", id: format!("{kind} {id}") })
    }

    /// SKUs at or below their reorder point, with the suggested order.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn low_stock(&self) -> Result<Vec<pos_inventory::LowStockAlert>, AppError> {
        Ok(self
            .store
            .below_reorder_point(&self.id)
            .await?
            .into_iter()
            .map(|(location, sku, available, point, quantity)| pos_inventory::LowStockAlert {
                sku,
                location,
                available,
                reorder_point: point,
                suggested: pos_inventory::suggested_order(available, point, quantity),
            })
            .collect())
    }

    /// Adjusts stock by `delta` (negative removes) with a reason (damage, theft, found).
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `delta` (zero) or `reason` (empty);
    /// [`AppError::Store`] with `InsufficientStock` where negative stock is refused.
    pub async fn adjust(
        &self,
        location: &LocationId,
        sku: &Sku,
        delta: Decimal,
        reason: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if delta.is_zero() {
            return Err(AppError::invalid("delta", "must not be zero"));
        }
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "an adjustment needs a reason"));
        }
        let kind = format!("adjustment: {}", reason.trim());
        self.apply(vec![mv(location, sku, OnHand::By(delta), Decimal::ZERO, &kind, false)], None, actor, at)
            .await?;
        Ok(())
    }

    /// Dispatches a transfer: stock leaves `from` now and is in transit until received.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `transfer.to` (same as `from`), `transfer.lines`
    /// (empty, or a SKU twice) or a quantity; [`AppError::Store`] with `Duplicate` (id taken) or
    /// `InsufficientStock`.
    pub async fn dispatch_transfer(
        &self,
        id: &str,
        from: &LocationId,
        to: &LocationId,
        lines: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let sent = pos_inventory::check_dispatch(from, to, lines)?;
        let moves = lines
            .iter()
            .map(|(sku, q)| mv(from, sku, OnHand::By(-*q), Decimal::ZERO, "transfer_out", false))
            .collect();
        let doc = TransferDoc { from: from.clone(), to: to.clone(), sent, received: BTreeMap::new() };
        let document = StockDocument {
            kind: "transfer".into(),
            id: id.to_owned(),
            expected_state: None,
            state: "in_transit".into(),
            data: data(&doc)?,
        };
        self.apply(moves, Some(document), actor, at).await?;
        Ok(())
    }

    /// Receives a transfer at its destination; SKUs not listed arrived short by their whole
    /// quantity. Returns the variance (sent - received) per SKU that was short.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::InvalidField`] naming `received` for a SKU not sent,
    /// a negative quantity or more than was sent; [`AppError::Store`] with `Conflict` when it was
    /// received already.
    pub async fn receive_transfer(
        &self,
        id: &str,
        received: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, AppError> {
        let (state, raw) = self.document("transfer", id).await?;
        if state != "in_transit" {
            return Err(AppError::Store(StoreError::Conflict { what: format!("transfer {id} ({state})") }));
        }
        let mut doc: TransferDoc = read(raw)?;
        let (got, variance) = pos_inventory::check_receipt(&doc.sent, received)?;
        let moves = got
            .iter()
            .filter(|(_, q)| !q.is_zero())
            .map(|(sku, q)| mv(&doc.to, sku, OnHand::By(*q), Decimal::ZERO, "transfer_in", false))
            .collect();
        doc.received = got;
        let document = StockDocument {
            kind: "transfer".into(),
            id: id.to_owned(),
            expected_state: Some("in_transit".into()),
            state: "received".into(),
            data: data(&doc)?,
        };
        self.apply(moves, Some(document), actor, at).await?;
        Ok(variance)
    }

    /// Posts a count: each counted SKU's on-hand stock becomes the counted quantity (the
    /// variance is recorded as a count correction); SKUs not counted are untouched. Returns the
    /// variance (counted - on hand) per counted SKU.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `counted` (empty, negative or a SKU twice) or `sku`
    /// (not in the catalog); [`AppError::Store`] with `Duplicate` when the count id was used.
    pub async fn post_count(
        &self,
        id: &str,
        location: &LocationId,
        counted: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, AppError> {
        if counted.is_empty() {
            return Err(AppError::invalid("counted", "must not be empty"));
        }
        let catalog = self.store.load_catalog(&self.id, self.currency).await?;
        let mut seen = BTreeSet::new();
        for (sku, q) in counted {
            if *q < Decimal::ZERO {
                return Err(AppError::invalid("counted", format!("quantity of `{sku}` is negative")));
            }
            if !seen.insert(sku.clone()) {
                return Err(AppError::invalid("counted", format!("`{sku}` appears twice")));
            }
            if catalog.product(sku).is_none() {
                return Err(AppError::invalid("sku", format!("`{sku}` is not in the catalog")));
            }
        }
        let moves = counted
            .iter()
            .map(|(sku, q)| mv(location, sku, OnHand::To(*q), Decimal::ZERO, "count_correction", false))
            .collect();
        let counted_map: BTreeMap<&Sku, &Decimal> = counted.iter().map(|(s, q)| (s, q)).collect();
        let document = StockDocument {
            kind: "count".into(),
            id: id.to_owned(),
            expected_state: None,
            state: "posted".into(),
            data: serde_json::json!({ "location": location, "counted": counted_map.iter().map(|(s, q)| (s.as_str(), q.to_string())).collect::<BTreeMap<_, _>>() }),
        };
        let deltas = self.apply(moves, Some(document), actor, at).await?;
        Ok(counted.iter().map(|(s, _)| s.clone()).zip(deltas).collect())
    }

    /// Reserves available stock for a customer until `expires_at`.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `quantity` or `expires_at`; [`AppError::Store`] with
    /// `InsufficientStock` (only available stock can be held) or `Duplicate`.
    #[allow(clippy::too_many_arguments)]
    pub async fn reserve(
        &self,
        id: &str,
        location: &LocationId,
        sku: &Sku,
        quantity: Decimal,
        expires_at: DateTime<Utc>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        positive("quantity", quantity)?;
        if expires_at <= at {
            return Err(AppError::invalid("expires_at", "must be in the future"));
        }
        let doc = ReservationDoc { location: location.clone(), sku: sku.clone(), quantity, expires_at };
        let document = StockDocument {
            kind: "reservation".into(),
            id: id.to_owned(),
            expected_state: None,
            state: "active".into(),
            data: data(&doc)?,
        };
        self.apply(
            vec![mv(location, sku, OnHand::By(Decimal::ZERO), quantity, "reservation", true)],
            Some(document),
            actor,
            at,
        )
        .await?;
        Ok(())
    }

    async fn end_reservation(
        &self,
        id: &str,
        state: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (now, raw) = self.document("reservation", id).await?;
        if now != "active" {
            return Err(AppError::Store(StoreError::Conflict { what: format!("reservation {id} ({now})") }));
        }
        let doc: ReservationDoc = read(raw.clone())?;
        let mut moves =
            vec![mv(&doc.location, &doc.sku, OnHand::By(Decimal::ZERO), -doc.quantity, "release", false)];
        if state == "fulfilled" {
            moves.push(mv(&doc.location, &doc.sku, OnHand::By(-doc.quantity), Decimal::ZERO, "sale", false));
        }
        let document = StockDocument {
            kind: "reservation".into(),
            id: id.to_owned(),
            expected_state: Some("active".into()),
            state: state.to_owned(),
            data: raw,
        };
        self.apply(moves, Some(document), actor, at).await?;
        Ok(())
    }

    /// The customer picked the reservation up: the hold becomes a sale.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Store`] with `Conflict` unless active.
    pub async fn fulfil(&self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        self.end_reservation(id, "fulfilled", actor, at).await
    }

    /// Releases every active reservation whose time has passed; returns their ids.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn expire_reservations(
        &self,
        now: DateTime<Utc>,
        actor: &str,
    ) -> Result<Vec<String>, AppError> {
        let mut expired = Vec::new();
        for (id, raw) in self.store.stock_documents_in_state(&self.id, "reservation", "active").await? {
            let doc: ReservationDoc = read(raw)?;
            if doc.expires_at <= now {
                match self.end_reservation(&id, "expired", actor, now).await {
                    Ok(()) => expired.push(id),
                    // Fulfilled or released meanwhile by a till: nothing to expire.
                    Err(AppError::Store(StoreError::Conflict { .. })) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(expired)
    }

    /// Cancels a reservation.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Store`] with `Conflict` unless active.
    pub async fn release(&self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        self.end_reservation(id, "released", actor, at).await
    }
}
