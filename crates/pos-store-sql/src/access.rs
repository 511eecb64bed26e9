//! The server's own state: stores, staff, sessions, tokens, the access log, idempotent
//! responses, kept as JSON documents.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::access::{AccessRecord, ApiToken, PrintRecord, Session, StaffMember};
use pos_app::ports::{AccessStore, StoreProfile, StoredResponse};
use pos_app::webhooks::{Delivery, Subscription};
use pos_core::StoreId;
use serde::de::DeserializeOwned;

use crate::rows::{DataRow, from_json, json};
use crate::{Dialect, Q, SqlStore};

impl<D: Dialect> SqlStore<D> {
    async fn doc<T: DeserializeOwned>(&self, q: Q<D>) -> Result<Option<T>, StoreError> {
        let row: Option<DataRow> = self.one(q).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn docs<T: DeserializeOwned>(&self, q: Q<D>) -> Result<Vec<T>, StoreError> {
        let rows: Vec<DataRow> = self.all(q).await?;
        rows.iter().map(|r| from_json(&r.data)).collect()
    }
}

#[async_trait]
impl<D: Dialect> AccessStore for SqlStore<D> {
    async fn put_store(&self, profile: &StoreProfile) -> Result<(), StoreError> {
        self.run(Self::q(Self::sql().access.put_store).bind(&profile.id.0).bind(json(profile)?)).await
    }

    async fn stores(&self) -> Result<Vec<StoreProfile>, StoreError> {
        self.docs(Self::q(Self::sql().access.stores)).await
    }

    async fn put_staff(&self, store: &StoreId, staff: &StaffMember) -> Result<(), StoreError> {
        self.run(Self::q(Self::sql().access.put_staff).bind(&store.0).bind(&staff.id).bind(json(staff)?))
            .await
    }

    async fn staff(&self, store: &StoreId, id: &str) -> Result<Option<StaffMember>, StoreError> {
        self.doc(Self::q(Self::sql().access.staff).bind(&store.0).bind(id)).await
    }

    async fn staff_list(&self, store: &StoreId) -> Result<Vec<StaffMember>, StoreError> {
        self.docs(Self::q(Self::sql().access.staff_list).bind(&store.0)).await
    }

    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.put_session)
            .bind(&session.token_hash)
            .bind(&session.store.0)
            .bind(json(session)?);
        self.run(q).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        self.doc(Self::q(Self::sql().access.session).bind(token_hash)).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.run(Self::q(Self::sql().access.delete_session).bind(token_hash)).await
    }

    async fn put_token(&self, token: &ApiToken) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.put_token).bind(&token.id).bind(&token.store.0).bind(json(token)?);
        self.run(q).await
    }

    async fn token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        self.doc(Self::q(Self::sql().access.token).bind(id)).await
    }

    async fn log_access(&self, record: &AccessRecord) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.log)
            .bind(uuid::Uuid::now_v7())
            .bind(&record.store.0)
            .bind(json(record)?);
        self.run(q).await
    }

    async fn access_log(&self, store: &StoreId, limit: usize) -> Result<Vec<AccessRecord>, StoreError> {
        self.docs(
            Self::q(Self::sql().access.access_log).bind(&store.0).bind(crate::rows::bound(limit as u64)),
        )
        .await
    }

    async fn log_print(&self, record: &PrintRecord) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.log_print)
            .bind(uuid::Uuid::now_v7())
            .bind(&record.store.0)
            .bind(&record.document)
            .bind(json(record)?);
        self.run(q).await
    }

    async fn prints(&self, store: &StoreId, document: &str) -> Result<Vec<PrintRecord>, StoreError> {
        self.docs(Self::q(Self::sql().access.prints).bind(&store.0).bind(document)).await
    }

    async fn response(&self, store: &StoreId, key: &str) -> Result<Option<StoredResponse>, StoreError> {
        self.doc(Self::q(Self::sql().access.response).bind(&store.0).bind(key)).await
    }

    async fn put_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<bool, StoreError> {
        self.hit(Self::q(Self::sql().access.put_response).bind(&store.0).bind(key).bind(json(response)?))
            .await
    }

    async fn finish_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        self.run(Self::q(Self::sql().access.finish_response).bind(&store.0).bind(key).bind(json(response)?))
            .await
    }

    async fn drop_response(&self, store: &StoreId, key: &str) -> Result<(), StoreError> {
        self.run(Self::q(Self::sql().access.drop_response).bind(&store.0).bind(key)).await
    }

    async fn put_webhook(&self, subscription: &Subscription) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.put_webhook)
            .bind(&subscription.store)
            .bind(&subscription.id)
            .bind(json(subscription)?);
        self.run(q).await
    }

    async fn webhook(&self, store: &StoreId, id: &str) -> Result<Option<Subscription>, StoreError> {
        self.doc(Self::q(Self::sql().access.webhook).bind(&store.0).bind(id)).await
    }

    async fn webhooks(&self, store: Option<&StoreId>) -> Result<Vec<Subscription>, StoreError> {
        self.docs(Self::q(Self::sql().access.webhooks).bind(store.map_or("", |s| s.0.as_str()))).await
    }

    async fn log_delivery(&self, store: &StoreId, delivery: &Delivery) -> Result<(), StoreError> {
        let q = Self::q(Self::sql().access.log_delivery)
            .bind(uuid::Uuid::now_v7())
            .bind(&store.0)
            .bind(&delivery.subscription)
            .bind(json(delivery)?);
        self.run(q).await
    }

    async fn deliveries(
        &self,
        store: &StoreId,
        subscription: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let q = Self::q(Self::sql().access.deliveries)
            .bind(&store.0)
            .bind(subscription)
            .bind(crate::rows::bound(limit as u64));
        self.docs(q).await
    }
}
