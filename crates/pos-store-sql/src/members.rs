//! Members (a phone number belongs to one member of a store) and parked baskets.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{MemberStore, ParkStore, ParkedBasket};
use pos_core::StoreId;
use pos_loyalty::{Member, Phone};
use uuid::Uuid;

use crate::backend::Query;
use crate::error::{backend, on_unique};
use crate::rows::{DataRow, ParkedRow, from_json, json};
use crate::{Dialect, SqlStore};

impl ParkedRow {
    fn basket(&self) -> Result<ParkedBasket, StoreError> {
        Ok(ParkedBasket {
            id: self.id,
            terminal: self.terminal_id.clone(),
            at: self.at,
            basket: from_json(&self.data)?,
        })
    }
}

impl<D: Dialect> SqlStore<D> {
    async fn one_member(
        &self,
        sql: &'static str,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<Member>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<DataRow> =
            Query::<D::Db>::new(sql).bind(&store.0).bind(key).one(&mut *conn).await.map_err(backend)?;
        row.map(|r| from_json(&r.data)).transpose()
    }
}

#[async_trait]
impl<D: Dialect> MemberStore for SqlStore<D> {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        // The primary key is replaced on conflict, so a unique violation can only be the phone.
        Query::<D::Db>::new(Self::sql().members.upsert)
            .bind(&store.0)
            .bind(&member.id)
            .bind(member.phone.as_ref().map(Phone::as_str))
            .bind(json(member)?)
            .run(&mut *conn)
            .await
            .map_err(|e| on_unique(e, || StoreError::Duplicate { what: "phone number".into() }))
    }

    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        self.one_member(Self::sql().members.by_id, store, id).await
    }

    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        self.one_member(Self::sql().members.by_phone, store, phone.as_str()).await
    }
}

#[async_trait]
impl<D: Dialect> ParkStore for SqlStore<D> {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        Query::<D::Db>::new(Self::sql().members.park)
            .bind(&store.0)
            .bind(parked.id)
            .bind(&parked.terminal)
            .bind(parked.at)
            .bind(json(&parked.basket)?)
            .run(&mut *conn)
            .await
            .map_err(backend)
    }

    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<ParkedRow> = Query::<D::Db>::new(Self::sql().members.recall)
            .bind(&store.0)
            .bind(id)
            .one(&mut *conn)
            .await
            .map_err(backend)?;
        row.as_ref().map(ParkedRow::basket).transpose()
    }

    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<ParkedRow> = Query::<D::Db>::new(Self::sql().members.parked)
            .bind(&store.0)
            .bind(terminal)
            .all(&mut *conn)
            .await
            .map_err(backend)?;
        rows.iter().map(ParkedRow::basket).collect()
    }
}
