//! The memory store's members and parked baskets.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::ports::{MemberStore, ParkStore, ParkedBasket, valid};
use pos_app::{EventData, NewEvent, SaleDocument, StoreError};
use pos_core::StoreId;
use pos_loyalty::{Member, Phone};
use uuid::Uuid;

use super::{MemoryStore, of};

#[async_trait]
impl MemberStore for MemoryStore {
    async fn upsert_member(&self, store: &StoreId, member: &Member) -> Result<(), StoreError> {
        valid::member(member)?;
        let mut s = self.lock().await;
        let taken = member.phone.is_some()
            && of(&s.members, store).any(|m| m.id != member.id && m.phone == member.phone);
        if taken {
            return Err(StoreError::Duplicate { what: "phone number".into() });
        }
        s.members.insert((store.clone(), member.id.clone()), member.clone());
        s.append_event(store, &NewEvent::now(EventData::MemberChanged { member: member.id.clone() }));
        Ok(())
    }
    async fn member(&self, store: &StoreId, id: &str) -> Result<Option<Member>, StoreError> {
        Ok(self.lock().await.members.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn members_after(
        &self,
        store: &StoreId,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Member>, StoreError> {
        let s = self.lock().await;
        Ok(of(&s.members, store).filter(|m| m.id.as_str() > after).take(limit).cloned().collect())
    }
    async fn purchases(
        &self,
        store: &StoreId,
        member: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<pos_loyalty::Purchase>, StoreError> {
        let s = self.lock().await;
        let of_member = |d: &SaleDocument| d.loyalty.as_ref().is_some_and(|l| l.member == member);
        let mut out: Vec<pos_loyalty::Purchase> = of(&s.sales, store)
            .filter(|v| of_member(&v.document) && v.at > since)
            .map(|v| pos_loyalty::Purchase { at: v.at, amount: v.total.amount() })
            .collect();
        for r in of(&s.returns, store).filter(|r| r.at > since) {
            if s.sales.get(&(store.clone(), r.sale_id)).is_some_and(|v| of_member(&v.document)) {
                out.push(pos_loyalty::Purchase { at: r.at, amount: -r.total.amount() });
            }
        }
        Ok(out)
    }
    async fn member_spend(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let s = self.lock().await;
        let mut spend: BTreeMap<String, i64> = BTreeMap::new();
        for v in of(&s.sales, store).filter(|v| v.at >= from && v.at < to) {
            if let Some(l) = &v.document.loyalty {
                *spend.entry(l.member.clone()).or_default() += v.total.to_minor().unwrap_or(0);
            }
        }
        Ok(spend.into_iter().collect())
    }
    async fn last_visits(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let s = self.lock().await;
        let mut last: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        for v in of(&s.sales, store).filter(|v| v.at < before) {
            if let Some(l) = &v.document.loyalty {
                let e = last.entry(l.member.clone()).or_insert(v.at);
                *e = (*e).max(v.at);
            }
        }
        Ok(last.into_iter().collect())
    }
    async fn member_by_phone(&self, store: &StoreId, phone: &Phone) -> Result<Option<Member>, StoreError> {
        Ok(of(&self.lock().await.members, store).find(|m| m.phone.as_ref() == Some(phone)).cloned())
    }
}

#[async_trait]
impl ParkStore for MemoryStore {
    async fn park(&self, store: &StoreId, parked: &ParkedBasket) -> Result<(), StoreError> {
        valid::parked(parked)?;
        self.lock().await.parked.insert((store.clone(), parked.id), parked.clone());
        Ok(())
    }
    async fn recall(&self, store: &StoreId, id: Uuid) -> Result<Option<ParkedBasket>, StoreError> {
        Ok(self.lock().await.parked.remove(&(store.clone(), id)))
    }
    async fn parked(&self, store: &StoreId, terminal: &str) -> Result<Vec<ParkedBasket>, StoreError> {
        let mut v: Vec<ParkedBasket> =
            of(&self.lock().await.parked, store).filter(|p| p.terminal == terminal).cloned().collect();
        v.sort_by_key(|p| (p.at, p.id));
        Ok(v)
    }
}
