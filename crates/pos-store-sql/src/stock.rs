//! Stock: policies and levels per (location, SKU), movements, and transfer / count /
//! reservation documents with their typed states. The rule that decides a movement is
//! pos-inventory's, applied by pos-app's commit script; this file only stores.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{
    MovementRecord, StockDocument, StockDocumentKind, StockLine, StockRow, StockSteps, StockStore,
};
use pos_core::{Sku, StoreId};
use pos_inventory::{Level, LocationId, Movement, MovementKind, Reservation, ReservationState, StockPolicy};
use uuid::Uuid;

use crate::backend::Query;
use crate::error::{backend, on_unique};
use crate::rows::{
    MovementRow, StockDocumentRow, StockRowRow, from_json, from_milli, json, milli, opt_milli, sku,
};
use crate::{Dialect, SqlStore, SqlTx};

fn row_of(r: &StockRowRow) -> StockRow {
    StockRow { level: r.level(), policy: r.policy() }
}

fn movement(sequence: u64, r: &MovementRow) -> Result<Movement, StoreError> {
    let kind = MovementKind::from_code(&r.kind, r.reference.as_deref())
        .map_err(|e| StoreError::Backend { message: e.to_string() })?;
    Ok(Movement {
        sequence,
        sku: sku(&r.sku)?,
        location: LocationId::new(&r.location_id),
        kind,
        on_hand: from_milli(r.on_hand_milli),
        reserved: from_milli(r.reserved_milli),
        actor: r.actor.clone(),
        at: r.at,
    })
}

impl<D: Dialect> SqlStore<D> {
    async fn stock_lines(&self, sql: &'static str, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<StockRowRow> =
            Query::<D::Db>::new(sql).bind(&store.0).all(&mut *conn).await.map_err(backend)?;
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
        let mut conn = self.conn().await?;
        Query::<D::Db>::new(Self::sql().stock.set_policy)
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .bind(policy.allow_negative)
            .bind(opt_milli(policy.reorder_point)?)
            .bind(opt_milli(policy.reorder_quantity)?)
            .run(&mut *conn)
            .await
            .map_err(backend)
    }

    async fn level(&self, store: &StoreId, location: &LocationId, sku: &Sku) -> Result<Level, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<StockRowRow> = Query::<D::Db>::new(Self::sql().stock.level)
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .one(&mut *conn)
            .await
            .map_err(backend)?;
        Ok(row.map(|r| r.level()).unwrap_or_default())
    }

    async fn stock(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        self.stock_lines(Self::sql().stock.stock, store).await
    }

    async fn below_reorder_point(&self, store: &StoreId) -> Result<Vec<StockLine>, StoreError> {
        self.stock_lines(Self::sql().stock.below_reorder_point, store).await
    }

    async fn movements(&self, store: &StoreId) -> Result<Vec<Movement>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<MovementRow> = Query::<D::Db>::new(Self::sql().stock.movements)
            .bind(&store.0)
            .all(&mut *conn)
            .await
            .map_err(backend)?;
        rows.iter().zip(1..).map(|(r, n)| movement(n, r)).collect()
    }

    async fn stock_document(
        &self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<StockDocumentRow> = Query::<D::Db>::new(Self::sql().stock.document)
            .bind(&store.0)
            .bind(kind.code())
            .bind(id)
            .one(&mut *conn)
            .await
            .map_err(backend)?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn reservations(
        &self,
        store: &StoreId,
        state: ReservationState,
    ) -> Result<Vec<Reservation>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<StockDocumentRow> = Query::<D::Db>::new(Self::sql().stock.documents_in_state)
            .bind(&store.0)
            .bind(StockDocumentKind::Reservation.code())
            .bind(state.code())
            .all(&mut *conn)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| match from_json(&r.data)? {
                StockDocument::Reservation(r) => Ok(r),
                other => Err(StoreError::Backend { message: format!("{} is not a reservation", other.id()) }),
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
        let row: Option<StockRowRow> = Query::<D::Db>::new(Self::sql().stock.lock)
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .one(&mut *self.tx)
            .await
            .map_err(backend)?;
        row.as_ref()
            .map(row_of)
            .ok_or_else(|| StoreError::Backend { message: "stock row was not created".into() })
    }

    async fn put_level(
        &mut self,
        store: &StoreId,
        location: &LocationId,
        sku: &Sku,
        level: &Level,
    ) -> Result<(), StoreError> {
        Query::<D::Db>::new(Self::sql().stock.put_level)
            .bind(milli(level.on_hand)?)
            .bind(milli(level.reserved)?)
            .bind(&store.0)
            .bind(&location.0)
            .bind(sku.as_str())
            .run(&mut *self.tx)
            .await
            .map_err(backend)
    }

    async fn insert_movement(&mut self, store: &StoreId, m: &MovementRecord) -> Result<(), StoreError> {
        Query::<D::Db>::new(Self::sql().stock.insert_movement)
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
            .bind(m.at)
            .run(&mut *self.tx)
            .await
            .map_err(backend)
    }

    async fn lock_stock_document(
        &mut self,
        store: &StoreId,
        kind: StockDocumentKind,
        id: &str,
    ) -> Result<Option<StockDocument>, StoreError> {
        let row: Option<StockDocumentRow> = Query::<D::Db>::new(Self::sql().stock.lock_document)
            .bind(&store.0)
            .bind(kind.code())
            .bind(id)
            .one(&mut *self.tx)
            .await
            .map_err(backend)?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn put_stock_document(
        &mut self,
        store: &StoreId,
        document: &StockDocument,
        new: bool,
    ) -> Result<(), StoreError> {
        let sql = &Self::sql().stock;
        let (kind, id, state, data) =
            (document.kind().code(), document.id(), document.state(), json(document)?);
        let done = if new {
            Query::<D::Db>::new(sql.insert_document).bind(&store.0).bind(kind).bind(id).bind(state).bind(data)
        } else {
            Query::<D::Db>::new(sql.update_document).bind(state).bind(data).bind(&store.0).bind(kind).bind(id)
        };
        done.run(&mut *self.tx)
            .await
            .map_err(|e| on_unique(e, || StoreError::Duplicate { what: format!("{kind} {id}") }))
    }
}
