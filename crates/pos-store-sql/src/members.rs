//! Members (a phone number belongs to one member of a store) and parked baskets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::ports::{MemberStore, ParkStore, ParkedBasket, valid};
use pos_app::{EventData, StoreError};
use pos_core::StoreId;
use pos_loyalty::{Member, Phone};
use uuid::Uuid;

use crate::error::on_unique;
use crate::rows::{DataRow, ParkedRow, currency, from_json, json, money};
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
        let row: Option<DataRow> = self.one(Self::q(sql).bind(&store.0).bind(key)).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }
}

#[async_trait]
impl<D: Dialect> MemberStore for SqlStore<D> {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        valid::member(member)?;
        let q = Self::q(Self::sql().members.upsert)
            .bind(&store.0)
            .bind(&member.id)
            .bind(member.phone.as_ref().map(Phone::as_str))
            .bind(json(member)?);
        // The primary key is replaced on conflict, so a unique violation can only be the phone.
        let map = |e| on_unique(e, || StoreError::Duplicate { what: "phone number".into() });
        self.write_with_event(store, q, map, EventData::MemberChanged { member: member.id.clone() }).await
    }

    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        self.one_member(Self::sql().members.by_id, store, id).await
    }

    async fn members_after(
        &self,
        store: &StoreId,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Member>, StoreError> {
        let q = Self::q(Self::sql().members.after)
            .bind(&store.0)
            .bind(after)
            .bind(crate::rows::bound(limit as u64));
        let rows: Vec<DataRow> = self.all(q).await?;
        rows.iter().map(|r| from_json(&r.data)).collect()
    }

    async fn member_spend(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let q = Self::q(Self::sql().members.spend).bind(&store.0).bind(from).bind(to);
        let rows: Vec<SpendRow> = self.all(q).await?;
        Ok(rows.into_iter().map(|r| (r.member_id, r.n)).collect())
    }

    async fn last_visits(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let q = Self::q(Self::sql().members.last_visits).bind(&store.0).bind(before);
        let rows: Vec<VisitRow> = self.all(q).await?;
        Ok(rows.into_iter().map(|r| (r.member_id, r.at)).collect())
    }

    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        self.one_member(Self::sql().members.by_phone, store, phone.as_str()).await
    }

    async fn purchases(
        &self,
        store: &StoreId,
        member: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<pos_loyalty::Purchase>, StoreError> {
        let q = Self::q(Self::sql().members.purchases).bind(&store.0).bind(member).bind(since);
        let rows: Vec<PurchaseRow> = self.all(q).await?;
        rows.into_iter()
            .map(|r| {
                Ok(pos_loyalty::Purchase {
                    at: r.at,
                    amount: money(r.total_minor, currency(&r.currency)?).amount(),
                })
            })
            .collect()
    }
}

#[async_trait]
impl<D: Dialect> ParkStore for SqlStore<D> {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        valid::parked(parked)?;
        let q = Self::q(Self::sql().members.park)
            .bind(&store.0)
            .bind(parked.id)
            .bind(&parked.terminal)
            .bind(parked.at)
            .bind(json(&parked.basket)?);
        self.run(q).await
    }

    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        let row: Option<ParkedRow> =
            self.one(Self::q(Self::sql().members.recall).bind(&store.0).bind(id)).await?;
        row.as_ref().map(ParkedRow::basket).transpose()
    }

    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let rows: Vec<ParkedRow> =
            self.all(Self::q(Self::sql().members.parked).bind(&store.0).bind(terminal)).await?;
        rows.iter().map(ParkedRow::basket).collect()
    }
}

crate::sql_row! {
    /// A purchase of a member: a sale's total, or a return's as a negative total.
    pub(crate) struct PurchaseRow { at: DateTime<Utc>, total_minor: i64, currency: String }
}

crate::sql_row! {
    /// A member's spend.
    pub(crate) struct SpendRow { member_id: String, n: i64 }
}

crate::sql_row! {
    /// A member's last visit.
    pub(crate) struct VisitRow { member_id: String, at: DateTime<Utc> }
}
