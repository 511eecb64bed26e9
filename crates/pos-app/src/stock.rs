//! Stock operations outside sales: goods receipts, adjustments, transfers through transit,
//! counts and reservations. The rules are pos-inventory's: each operation takes the document's
//! transition from there ([`Transfer::dispatch`], [`Reservation::end`], ...) and hands the store
//! one atomic change, whose movements the commit script decides with [`pos_inventory::apply`].

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::{Sku, StoreId};
use pos_inventory::{
    CountSession, Draft, LocationId, LowStockAlert, MovementKind, Reservation, ReservationState, Transfer,
    low_stock_alert,
};
use rust_decimal::Decimal;

use crate::commit::{self, FailPoint};
use crate::error::{AppError, StoreError};
use crate::ports::{
    CatalogStore, DocumentChange, StockChange, StockDocument, StockDocumentKind, StockStore, Transactional,
};
use crate::requests::{check_field, check_time};

/// What stock operations need from a store: stock, the catalog (to refuse unknown SKUs) and
/// transactions.
pub trait StockOpsStore: StockStore + CatalogStore + Transactional {}

impl<T: StockStore + CatalogStore + Transactional> StockOpsStore for T {}

/// Stock use cases of one store.
pub struct Stock<S: StockOpsStore> {
    store: Arc<S>,
    id: StoreId,
    fail: FailPoint,
    request: Option<String>,
}

impl<S: StockOpsStore> Stock<S> {
    /// Stock operations for a store.
    pub fn new(store: Arc<S>, id: StoreId) -> Self {
        Stock { store, id, fail: FailPoint::default(), request: None }
    }

    /// The same operations for one request with a key (an HTTP request's Idempotency-Key): a
    /// change without a document of its own (goods received, an adjustment) takes the key in
    /// its transaction, so the request sent again after its answer was lost changes nothing
    /// twice. Changes with documents (transfers, counts, reservations) are once per document id.
    pub fn for_request(&self, key: &str) -> Self {
        Stock {
            store: self.store.clone(),
            id: self.id.clone(),
            fail: FailPoint::default(),
            request: Some(key.to_owned()),
        }
    }

    /// Test support: makes the following stock commits fail right after `step`.
    #[cfg(feature = "test-hooks")]
    pub fn fail_after(&self, step: Option<commit::CommitStep>) {
        self.fail.set(step);
    }

    async fn apply(
        &self,
        drafts: Vec<Draft>,
        document: Option<DocumentChange>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Decimal>, AppError> {
        check_field("actor", actor)?;
        check_time("at", at)?;
        let change = StockChange {
            store: self.id.clone(),
            drafts,
            document,
            request: self.request.clone(),
            actor: actor.to_owned(),
            at,
        };
        commit::stock_change(&*self.store, &self.fail, &change).await
    }

    /// Refuses a SKU the catalog does not have: stock of nothing cannot be sold or counted.
    async fn known(&self, skus: impl IntoIterator<Item = &Sku>) -> Result<(), AppError> {
        for sku in skus {
            if self.store.product(&self.id, sku).await?.is_none() {
                return Err(AppError::invalid("sku", format!("`{sku}` is not in the catalog")));
            }
        }
        Ok(())
    }

    async fn document(&self, kind: StockDocumentKind, id: &str) -> Result<StockDocument, AppError> {
        self.store
            .stock_document(&self.id, kind, id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "stock document", id: format!("{} {id}", kind.code()) })
    }

    async fn reservation(&self, id: &str) -> Result<(StockDocument, Reservation), AppError> {
        match self.document(StockDocumentKind::Reservation, id).await? {
            StockDocument::Reservation(r) => Ok((StockDocument::Reservation(r.clone()), r)),
            other => Err(stored_as(&other)),
        }
    }

    /// SKUs at or below their reorder point, with the suggested order.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn low_stock(&self) -> Result<Vec<LowStockAlert>, AppError> {
        Ok(self
            .store
            .below_reorder_point(&self.id)
            .await?
            .iter()
            .filter_map(|l| low_stock_alert(&l.sku, &l.location, &l.row.level, &l.row.policy))
            .collect())
    }

    /// Books goods received from a supplier.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `quantity` (not positive).
    pub async fn receive(
        &self,
        location: &LocationId,
        sku: &Sku,
        quantity: Decimal,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if quantity <= Decimal::ZERO {
            return Err(AppError::invalid("quantity", "must be greater than zero"));
        }
        pos_inventory::check_quantity("quantity", quantity)?;
        check_field("location", &location.0)?;
        self.known([sku]).await?;
        let draft = Draft::on_hand(sku, location, MovementKind::GoodsReceipt, quantity);
        self.apply(vec![draft], None, actor, at).await.map(drop)
    }

    /// Adjusts stock by `delta` (negative removes) with a reason (damage, theft, found).
    ///
    /// # Errors
    /// [`AppError::Inventory`] naming `delta` (zero) or `reason` (empty), or with
    /// `InsufficientStock` where negative stock is refused.
    pub async fn adjust(
        &self,
        location: &LocationId,
        sku: &Sku,
        delta: Decimal,
        reason: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let draft = pos_inventory::adjustment(sku, location, delta, reason)?;
        check_field("location", &location.0)?;
        self.known([sku]).await?;
        self.apply(vec![draft], None, actor, at).await.map(drop)
    }

    /// Dispatches a transfer: stock leaves `from` now and is in transit until received.
    ///
    /// # Errors
    /// [`AppError::Inventory`] naming `transfer.to` (same as `from`), `transfer.lines` (empty,
    /// or a SKU twice) or a quantity, or with `InsufficientStock`; [`AppError::Store`] with
    /// `Duplicate` (id taken).
    pub async fn dispatch_transfer(
        &self,
        id: &str,
        from: &LocationId,
        to: &LocationId,
        lines: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (transfer, drafts) = Transfer::dispatch(id, from, to, lines)?;
        check_field("transfer.from", &from.0)?;
        check_field("transfer.to", &to.0)?;
        self.known(transfer.sent.keys()).await?;
        let change = DocumentChange { prior: None, next: StockDocument::Transfer(transfer) };
        self.apply(drafts, Some(change), actor, at).await.map(drop)
    }

    /// Receives a transfer: what arrived goes on hand at the destination; returns the variance
    /// (sent - received) of the SKUs that arrived short.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Inventory`] with `WrongState` when already received,
    /// or naming `received`; [`AppError::Store`] with `Conflict` when received meanwhile.
    pub async fn receive_transfer(
        &self,
        id: &str,
        received: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, AppError> {
        let prior = self.document(StockDocumentKind::Transfer, id).await?;
        let StockDocument::Transfer(transfer) = &prior else { return Err(stored_as(&prior)) };
        let (done, drafts) = transfer.receive(received)?;
        let variance = done.variance();
        let change = DocumentChange { prior: Some(prior.clone()), next: StockDocument::Transfer(done) };
        self.apply(drafts, Some(change), actor, at).await?;
        Ok(variance)
    }

    /// Posts a count: each counted SKU's on-hand stock becomes the counted quantity (the
    /// variance is recorded as a count correction); SKUs not counted are untouched. Returns the
    /// variance (counted - on hand) per counted SKU.
    ///
    /// # Errors
    /// [`AppError::Inventory`] naming `counted` (empty, negative or a SKU twice);
    /// [`AppError::InvalidField`] naming `sku` (not in the catalog); [`AppError::Store`] with
    /// `Duplicate` when the count id was used.
    pub async fn post_count(
        &self,
        id: &str,
        location: &LocationId,
        counted: &[(Sku, Decimal)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<BTreeMap<Sku, Decimal>, AppError> {
        let (session, drafts) = CountSession::take(id, location, counted)?;
        check_field("location", &location.0)?;
        self.known(session.counted.keys()).await?;
        let skus: Vec<Sku> = session.counted.keys().cloned().collect();
        let change = DocumentChange { prior: None, next: StockDocument::Count(session) };
        let deltas = self.apply(drafts, Some(change), actor, at).await?;
        Ok(skus.into_iter().zip(deltas).collect())
    }

    /// Reserves available stock for a customer until `expires_at`.
    ///
    /// # Errors
    /// [`AppError::Inventory`] naming `quantity` or `expires_at`, or with `InsufficientStock`
    /// (only available stock can be held); [`AppError::Store`] with `Duplicate`.
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
        let (reservation, draft) = Reservation::hold(id, sku, location, quantity, expires_at, at)?;
        check_field("location", &location.0)?;
        self.known([sku]).await?;
        let change = DocumentChange { prior: None, next: StockDocument::Reservation(reservation) };
        self.apply(vec![draft], Some(change), actor, at).await.map(drop)
    }

    async fn end_reservation(
        &self,
        id: &str,
        state: ReservationState,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (prior, reservation) = self.reservation(id).await?;
        let (ended, drafts) = reservation.end(state)?;
        let change = DocumentChange { prior: Some(prior), next: StockDocument::Reservation(ended) };
        self.apply(drafts, Some(change), actor, at).await.map(drop)
    }

    /// The customer picked the reservation up: the hold becomes a sale.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Inventory`] with `WrongState` unless active.
    pub async fn fulfil(&self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        self.end_reservation(id, ReservationState::Fulfilled, actor, at).await
    }

    /// Cancels a reservation.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Inventory`] with `WrongState` unless active.
    pub async fn release(&self, id: &str, actor: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        self.end_reservation(id, ReservationState::Released, actor, at).await
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
        for r in self.store.reservations(&self.id, ReservationState::Active).await? {
            if r.expires_at > now {
                continue;
            }
            match self.end_reservation(&r.id, ReservationState::Expired, actor, now).await {
                Ok(()) => expired.push(r.id),
                // Fulfilled or released meanwhile by a till: nothing to expire.
                Err(
                    AppError::Store(StoreError::Conflict { .. })
                    | AppError::Inventory(pos_inventory::InventoryError::WrongState { .. }),
                ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(expired)
    }
}

/// A stock document stored under another kind than its id was looked up by.
fn stored_as(doc: &StockDocument) -> AppError {
    AppError::Store(StoreError::Backend {
        message: format!("stock document {} is stored as a {}", doc.id(), doc.kind().code()),
    })
}
