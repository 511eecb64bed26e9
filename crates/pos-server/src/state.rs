//! What the handlers share: the store adapter, the gateway, and each shop's use cases.

use std::collections::BTreeMap;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use pos_app::ports::StoreProfile;
use pos_app::{Checkout, Members, Reports, Returns, Settings, Shifts, Stock, Store};
use pos_core::journal::JournalKey;
use pos_core::{StoreConfig, StoreId};
use pos_gateway_sim::SimGateway;
use sha2::Sha256;
use tokio::sync::RwLock;

use crate::error::ApiError;

/// One store of the chain and its use cases.
pub struct Shop<S: Store> {
    /// Its profile.
    pub profile: StoreProfile,
    /// Its settings.
    pub settings: Settings,
    /// Sales.
    pub checkout: Checkout<S, SimGateway>,
    /// Refunds and voids.
    pub returns: Returns<S, SimGateway>,
    /// Shifts.
    pub shifts: Shifts<S>,
    /// Reports.
    pub reports: Reports<S>,
    /// Stock.
    pub stock: Stock<S>,
    /// Members.
    pub members: Members<S>,
}

/// The pricing, tax and rounding of a preset.
///
/// # Errors
/// [`ApiError`] naming `preset` for an unknown one.
pub fn config_of(profile: &StoreProfile) -> Result<StoreConfig, ApiError> {
    let id = &profile.id.0;
    match profile.preset.as_str() {
        "korea" => Ok(StoreConfig::korea(id)),
        "germany" => Ok(StoreConfig::germany(id)),
        "china" => Ok(StoreConfig::china(id)),
        other => Err(ApiError::field("preset", format!("unknown preset `{other}`: korea, germany or china"))),
    }
}

/// The words a store's receipts use: its labels and its names for tenders.
pub fn words(
    profile: &StoreProfile,
) -> (pos_core::Labels, impl Fn(pos_payments::TenderKind) -> String + use<>) {
    use pos_payments::TenderKind as K;
    let preset = profile.preset.clone();
    let labels = match preset.as_str() {
        "korea" => pos_core::Labels::korean(),
        "germany" => pos_core::Labels::german(),
        "china" => pos_core::Labels::chinese(),
        _ => pos_core::Labels::english(),
    };
    let tender = move |k: K| {
        let names: [&str; 7] = match preset.as_str() {
            "korea" => ["현금", "카드", "간편결제", "상품권", "적립금", "포인트", "쿠폰"],
            "germany" => ["Bar", "Karte", "Mobil", "Gutscheinkarte", "Guthaben", "Punkte", "Gutschein"],
            "china" => ["现金", "银行卡", "移动支付", "礼品卡", "储值", "积分", "优惠券"],
            _ => ["Cash", "Card", "Mobile", "Gift card", "Store credit", "Points", "Voucher"],
        };
        // A standalone terminal's card or QR payment reads as a card or wallet payment; the
        // receipt adds its brand, last digits and approval number.
        let i = match k {
            K::Cash => 0,
            K::Card | K::TerminalCard => 1,
            K::MobileWallet | K::TerminalWallet => 2,
            K::GiftCard => 3,
            K::StoreCredit => 4,
            K::LoyaltyPoints => 5,
            _ => 6,
        };
        names[i].to_owned()
    };
    (labels, tender)
}

/// Shared state.
pub struct Inner<S: Store> {
    /// The store adapter.
    pub store: Arc<S>,
    /// The payment gateway.
    pub gateway: Arc<SimGateway>,
    /// The chain's shops by id.
    pub shops: RwLock<BTreeMap<StoreId, Arc<Shop<S>>>>,
    /// The secret each store's journal key is derived from (configuration, never the database).
    master_key: Vec<u8>,
    /// Failed logins per client address.
    pub logins: crate::auth::LoginLimiter,
    /// This process's id, random at start: a request marked running by another is dead.
    pub instance: String,
    /// The CSV imports of this process.
    pub imports: crate::api::ImportJobs,
}

/// What the handlers share (cheap to clone).
pub struct AppState<S: Store> {
    /// Shared state.
    pub inner: Arc<Inner<S>>,
}

impl<S: Store> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState { inner: self.inner.clone() }
    }
}

impl<S: Store> AppState<S> {
    /// The state over a store adapter, a gateway and the master key; the shops are the store's
    /// profiles.
    ///
    /// # Errors
    /// A store error, or a profile with an unknown preset.
    pub async fn new(store: Arc<S>, gateway: Arc<SimGateway>, master_key: &[u8]) -> Result<Self, ApiError> {
        let state = AppState {
            inner: Arc::new(Inner {
                store,
                gateway,
                shops: RwLock::new(BTreeMap::new()),
                master_key: master_key.to_vec(),
                logins: crate::auth::LoginLimiter::default(),
                instance: crate::auth::random_secret(),
                imports: crate::api::ImportJobs::default(),
            }),
        };
        for profile in state.inner.store.stores().await? {
            state.open_shop(profile).await?;
        }
        Ok(state)
    }

    /// A store's journal key: HMAC-SHA256 of its id under the master key.
    pub fn journal_key(&self, store: &StoreId) -> Result<JournalKey, ApiError> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.inner.master_key).map_err(ApiError::internal)?;
        mac.update(b"pos journal key\0");
        mac.update(store.0.as_bytes());
        JournalKey::new(&mac.finalize().into_bytes()).map_err(ApiError::internal)
    }

    /// Adds (or replaces) a shop: saves its profile and builds its use cases.
    ///
    /// # Errors
    /// A store error or an unknown preset.
    pub async fn open_shop(&self, profile: StoreProfile) -> Result<Arc<Shop<S>>, ApiError> {
        let config = config_of(&profile)?;
        self.inner.store.put_store(&profile).await?;
        let settings = Settings::new(config.clone(), self.journal_key(&profile.id)?);
        let store = self.inner.store.clone();
        let gateway = self.inner.gateway.clone();
        let shop = Arc::new(Shop {
            checkout: Checkout::new(store.clone(), gateway.clone(), settings.clone()),
            returns: Returns::new(store.clone(), gateway, settings.clone()),
            shifts: Shifts::new(store.clone(), settings.clone()),
            reports: Reports::new(store.clone(), config),
            stock: Stock::new(store.clone(), profile.id.clone()),
            members: Members::new(store, profile.id.clone()),
            settings,
            profile: profile.clone(),
        });
        self.inner.shops.write().await.insert(profile.id.clone(), shop.clone());
        Ok(shop)
    }

    /// A shop by id.
    ///
    /// # Errors
    /// 404 for an unknown store.
    pub async fn shop(&self, id: &str) -> Result<Arc<Shop<S>>, ApiError> {
        self.inner
            .shops
            .read()
            .await
            .get(&StoreId(id.to_owned()))
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("no store `{id}`")))
    }

    /// Every shop.
    pub async fn shops(&self) -> Vec<Arc<Shop<S>>> {
        self.inner.shops.read().await.values().cloned().collect()
    }
}
