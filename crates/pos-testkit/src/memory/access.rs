//! The memory store's part of the server's own state: stores, staff, sessions, tokens, the
//! access log, idempotent responses, webhooks.

use std::collections::BTreeMap;

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::access::{AccessRecord, ApiToken, PrintRecord, Session, StaffMember};
use pos_app::ports::{AccessStore, StoreProfile, StoredResponse};
use pos_app::webhooks::{Delivery, Subscription};
use pos_core::StoreId;

use super::{Key, MemoryStore, of};

/// The server's own state.
#[derive(Clone, Default)]
pub(super) struct Access {
    stores: BTreeMap<StoreId, StoreProfile>,
    staff: BTreeMap<Key<String>, StaffMember>,
    sessions: BTreeMap<String, Session>,
    tokens: BTreeMap<String, ApiToken>,
    log: Vec<AccessRecord>,
    prints: Vec<PrintRecord>,
    responses: BTreeMap<Key<String>, StoredResponse>,
    webhooks: BTreeMap<Key<String>, Subscription>,
    deliveries: Vec<(StoreId, Delivery)>,
}

#[async_trait]
impl AccessStore for MemoryStore {
    async fn put_store(&self, profile: &StoreProfile) -> Result<(), StoreError> {
        self.lock().await.access.stores.insert(profile.id.clone(), profile.clone());
        Ok(())
    }
    async fn stores(&self) -> Result<Vec<StoreProfile>, StoreError> {
        Ok(self.lock().await.access.stores.values().cloned().collect())
    }
    async fn put_staff(&self, store: &StoreId, staff: &StaffMember) -> Result<(), StoreError> {
        self.lock().await.access.staff.insert((store.clone(), staff.id.clone()), staff.clone());
        Ok(())
    }
    async fn staff(&self, store: &StoreId, id: &str) -> Result<Option<StaffMember>, StoreError> {
        Ok(self.lock().await.access.staff.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn staff_list(&self, store: &StoreId) -> Result<Vec<StaffMember>, StoreError> {
        Ok(of(&self.lock().await.access.staff, store).cloned().collect())
    }
    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.lock().await.access.sessions.insert(session.token_hash.clone(), session.clone());
        Ok(())
    }
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.lock().await.access.sessions.get(token_hash).cloned())
    }
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.lock().await.access.sessions.remove(token_hash);
        Ok(())
    }
    async fn put_token(&self, token: &ApiToken) -> Result<(), StoreError> {
        self.lock().await.access.tokens.insert(token.id.clone(), token.clone());
        Ok(())
    }
    async fn token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        Ok(self.lock().await.access.tokens.get(id).cloned())
    }
    async fn log_access(&self, record: &AccessRecord) -> Result<(), StoreError> {
        self.lock().await.access.log.push(record.clone());
        Ok(())
    }
    async fn access_log(&self, store: &StoreId, limit: usize) -> Result<Vec<AccessRecord>, StoreError> {
        let s = self.lock().await;
        Ok(s.access.log.iter().rev().filter(|r| &r.store == store).take(limit).cloned().collect())
    }
    async fn log_print(&self, record: &PrintRecord) -> Result<(), StoreError> {
        self.lock().await.access.prints.push(record.clone());
        Ok(())
    }
    async fn prints(&self, store: &StoreId, document: &str) -> Result<Vec<PrintRecord>, StoreError> {
        let s = self.lock().await;
        Ok(s.access.prints.iter().filter(|p| &p.store == store && p.document == document).cloned().collect())
    }
    async fn response(&self, store: &StoreId, key: &str) -> Result<Option<StoredResponse>, StoreError> {
        Ok(self.lock().await.access.responses.get(&(store.clone(), key.to_owned())).cloned())
    }
    async fn put_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock().await;
        let k = (store.clone(), key.to_owned());
        if s.access.responses.contains_key(&k) {
            return Ok(false);
        }
        s.access.responses.insert(k, response.clone());
        Ok(true)
    }
    async fn finish_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().await.access.responses.get_mut(&(store.clone(), key.to_owned())) {
            *r = response.clone();
        }
        Ok(())
    }
    async fn drop_response(&self, store: &StoreId, key: &str) -> Result<(), StoreError> {
        self.lock().await.access.responses.remove(&(store.clone(), key.to_owned()));
        Ok(())
    }
    async fn put_webhook(&self, subscription: &Subscription) -> Result<(), StoreError> {
        let key = (StoreId(subscription.store.clone()), subscription.id.clone());
        self.lock().await.access.webhooks.insert(key, subscription.clone());
        Ok(())
    }
    async fn webhook(&self, store: &StoreId, id: &str) -> Result<Option<Subscription>, StoreError> {
        Ok(self.lock().await.access.webhooks.get(&(store.clone(), id.to_owned())).cloned())
    }
    async fn webhooks(&self, store: Option<&StoreId>) -> Result<Vec<Subscription>, StoreError> {
        let s = self.lock().await;
        Ok(s.access
            .webhooks
            .iter()
            .filter(|(k, _)| store.is_none_or(|st| &k.0 == st))
            .map(|(_, v)| v.clone())
            .collect())
    }
    async fn log_delivery(&self, store: &StoreId, delivery: &Delivery) -> Result<(), StoreError> {
        self.lock().await.access.deliveries.push((store.clone(), delivery.clone()));
        Ok(())
    }
    async fn deliveries(
        &self,
        store: &StoreId,
        subscription: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let s = self.lock().await;
        Ok(s.access
            .deliveries
            .iter()
            .rev()
            .filter(|(st, d)| st == store && d.subscription == subscription)
            .take(limit)
            .map(|(_, d)| d.clone())
            .collect())
    }
}
