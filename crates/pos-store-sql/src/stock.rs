//! Stock: policies and levels per (location, SKU), movements, and transfer / count /
//! reservation documents with their typed states. The rule that decides a movement is
//! pos-inventory's, applied by pos-app's commit script; this file only stores.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{
    MovementRecord, StockDocument, StockDocumentKind, StockLine, StockRow, StockSteps, StockStore, valid,
};
use pos_core::{Sku, StoreId};
use pos_inventory::{Level, LocationId, Movement, MovementKind, Reservation, ReservationState, StockPolicy};
use uuid::Uuid;

use crate::error::on_unique;
use crate::rows::{
    MovementRow, StockDocumentRow, StockRowRow, corrupt, from_json, from_milli, json, milli, opt_milli, sku,
};
use crate::{Dialect, Q, SqlStore, SqlTx};

impl MovementRow {
    fn movement(&self, sequence: u64) -> Result<Movement, StoreError> {
        Ok(Movement {
            sequence,
            sku: sku(&self.sku)?,
            location: LocationId::new(&self.location_id),
            kind: MovementKind::from_code(&self.kind, self.reference.as_deref()).map_err(corrupt)?,
            on_hand: from_milli(self.on_hand_milli),
            reserved: from_milli(self.reserved_milli),
            actor: self.actor.clone(),
            at: self.at,
        })
    }
}

/// A statement keyed by (store, location, SKU).
fn at<D: Dialect>(sql: &'static str, store: &StoreId, location: &LocationId, sku: &Sku) -> Q<D> {
    Q::<D>::new(sql).bind(&store.0).bind(&location.0).bind(sku.as_str())
}

/// A statement keyed by (store, document kind, id).
fn document<D: Dialect>(sql: &'static str, store: &StoreId, kind: StockDocumentKind, id: &str) -> Q<D> {
    Q::<D>::new(sql).bind(&store.0).bind(kind.code()).bind(id)
}

impl<D: Dialect> SqlStore<D> {
    async fn stock_lines(&self, sql: &'static str, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        let rows: Vec<StockRowRow> = self.all(Self::q(sql).bind(&store.0)).await?;
        rows.iter().map(StockRowRow::line).collect()
    }
}

#[async_trait]
impl<D: Dialect> StockStore for SqlStore<D> {
    async fn set_policy(
        &self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        policy: StockPolicy,
    ) -> Result<(), StoreError> {
        valid::policy(&policy)?;
        let q = at::<D>(Self::sql().stock.set_policy, store, location, sku)
            .bind(policy.allow_negative)
            .bind(opt_milli(policy.reorder_point)?)
            .bind(opt_milli(policy.reorder_quantity)?);
        self.run(q).await
    }

    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError> {
        let row: Option<StockRowRow> =
            self.one(at::<D>(Self::sql().stock.level, store, location, sku)).await?;
        Ok(row.map(|r| r.level()).unwrap_or_default())
    }

    async fn stock(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        self.stock_lines(Self::sql().stock.stock, store).await
    }

    async fn below_reorder_point(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        self.stock_lines(Self::sql().stock.below_reorder_point, store).await
    }

    async fn movements(&self, store: &StoreId) -> Result<Vec<Movement>, StoreError> {
        let rows: Vec<MovementRow> = self.all(Self::q(Self::sql().stock.movements).bind(&store.0)).await?;
        rows.iter().zip(1..).map(|(r, n)| r.movement(n)).collect()
    }

    async fn stock_document(
        &self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        let row: Option<StockDocumentRow> =
            self.one(document::<D>(Self::sql().stock.document, store, kind, id)).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn reservations(
        &self,
        store: &StoreId,
        state: ReservationState,
    ) -> Result<Vec<Reservation>, StoreError> {
        let sql = Self::sql().stock.documents_in_state;
        let kind = StockDocumentKind::Reservation;
        let rows: Vec<StockDocumentRow> = self.all(document::<D>(sql, store, kind, state.code())).await?;
        rows.iter()
            .map(|r| match from_json(&r.data)? {
                StockDocument::Reservation(r) => Ok(r),
                other => Err(corrupt(format!("{} is not a reservation", other.id()))),
            })
            .collect()
    }
}

#[async_trait]
impl<D: Dialect> StockSteps for SqlTx<D> {
    async fn lock_stock(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
    ) -> Result<StockRow, StoreError> {
        let row: Option<StockRowRow> =
            self.one(at::<D>(Self::sql().stock.lock, store, location, sku)).await?;
        let row = row.ok_or_else(|| corrupt("the stock row was not created"))?;
        Ok(StockRow { level: row.level(), policy: row.policy() })
    }

    async fn put_level(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        level: &Level,
    ) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().stock.put_level)
            .bind(milli(level.on_hand)?)
            .bind(milli(level.reserved)?)
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str());
        self.run(q).await
    }

    async fn insert_movement(&mut self, store: &StoreId, m: &MovementRecord) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().stock.insert_movement)
            .bind(Uuid::now_v7())
            .bind(&store.0)
            .bind(&m.location.0)
            .bind(m.sku.as_str())
            .bind(m.kind.code())
            .bind(m.kind.reference())
            .bind(milli(m.on_hand)?)
            .bind(milli(m.reserved)?)
            .bind(m.document.as_deref())
            .bind(&m.actor)
            .bind(m.at);
        self.run(q).await
    }

    async fn lock_stock_document(
        &mut self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        let row: Option<StockDocumentRow> =
            self.one(document::<D>(Self::sql().stock.lock_document, store, kind, id)).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn put_stock_document(
        &mut self,
        store: &StoreId,
        doc: &StockDocument,
        new: bool,
    ) -> Result<(), StoreError> {
        let sql = &Self::sql().stock;
        let (kind, id) = (doc.kind(), doc.id());
        let q = if new {
            document::<D>(sql.insert_document, store, kind, id).bind(doc.state()).bind(json(doc)?)
        } else {
            Self::q(sql.update_document)
                .bind(doc.state())
                .bind(json(doc)?)
                .bind(&store.0)
                .bind(kind.code())
                .bind(id)
        };
        self.run_mapped(q, |e| {
            on_unique(e, || StoreError::Duplicate { what: format!("{} {id}", kind.code()) })
        })
        .await
    }

    async fn claim_request(&mut self, store: &StoreId, key: &str) -> Result<bool, StoreError> {
        self.hit(Self::q(Self::sql().stock.claim_request).bind(&store.0).bind(key)).await
    }
}
