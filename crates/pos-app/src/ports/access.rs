//! The server's own state as stored: the chain's stores, staff, sessions, API tokens, the
//! access log, the responses of idempotent requests.

use async_trait::async_trait;
use pos_core::StoreId;

use super::{StoreProfile, StoredResponse};
use crate::access::{AccessRecord, ApiToken, PrintRecord, Session, StaffMember};
use crate::error::StoreError;
use crate::webhooks::{Delivery, Subscription};

/// The server's own state: the chain's stores, staff, sessions, API tokens, the access log, and
/// the responses of idempotent requests (so a retried request gets the first answer).
#[async_trait]
pub trait AccessStore: Send + Sync + 'static {
    /// Adds or replaces a store of the chain.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_store(&self, profile: &StoreProfile) -> Result<(), StoreError>;
    /// The chain's stores.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn stores(&self) -> Result<Vec<StoreProfile>, StoreError>;
    /// Adds or replaces a staff member.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_staff(&self, store: &StoreId, staff: &StaffMember) -> Result<(), StoreError>;
    /// A staff member.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn staff(&self, store: &StoreId, id: &str) -> Result<Option<StaffMember>, StoreError>;
    /// The store's staff.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn staff_list(&self, store: &StoreId) -> Result<Vec<StaffMember>, StoreError>;
    /// Records a session.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A session by its token's hash.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;
    /// Ends a session.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Adds or replaces an API token (by id).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_token(&self, token: &ApiToken) -> Result<(), StoreError>;
    /// An API token by id.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn token(&self, id: &str) -> Result<Option<ApiToken>, StoreError>;
    /// Appends to the access log.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn log_access(&self, record: &AccessRecord) -> Result<(), StoreError>;
    /// The store's latest access log lines, newest first.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn access_log(&self, store: &StoreId, limit: usize) -> Result<Vec<AccessRecord>, StoreError>;
    /// Records a print of a document.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn log_print(&self, record: &PrintRecord) -> Result<(), StoreError>;
    /// A document's prints, oldest first: none before its original is printed.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn prints(&self, store: &StoreId, document: &str) -> Result<Vec<PrintRecord>, StoreError>;
    /// The recorded response of an idempotent request.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn response(&self, store: &StoreId, key: &str) -> Result<Option<StoredResponse>, StoreError>;
    /// Records the response of an idempotent request (or that it is running); false when one is
    /// recorded already.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<bool, StoreError>;
    /// Replaces the record of a request that was running with its response.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn finish_response(
        &self,
        store: &StoreId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError>;
    /// Forgets the record of a request (one that failed in a way a retry may get past).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn drop_response(&self, store: &StoreId, key: &str) -> Result<(), StoreError>;
    /// Adds or replaces a webhook subscription (by store and id).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn put_webhook(&self, subscription: &Subscription) -> Result<(), StoreError>;
    /// A store's subscription.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn webhook(&self, store: &StoreId, id: &str) -> Result<Option<Subscription>, StoreError>;
    /// A store's subscriptions, by id; every store's when `store` is `None` (the delivery
    /// worker's view).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn webhooks(&self, store: Option<&StoreId>) -> Result<Vec<Subscription>, StoreError>;
    /// Appends to a subscription's delivery log.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn log_delivery(&self, store: &StoreId, delivery: &Delivery) -> Result<(), StoreError>;
    /// A subscription's latest deliveries, newest first.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    async fn deliveries(
        &self,
        store: &StoreId,
        subscription: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError>;
}
