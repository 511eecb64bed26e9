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

/// A store's words on X and Z reports, by its preset.
pub fn report_words(profile: &StoreProfile) -> pos_payments::ReportLabels {
    match profile.preset.as_str() {
        "korea" => pos_payments::ReportLabels::korean(),
        "germany" => pos_payments::ReportLabels::german(),
        "china" => pos_payments::ReportLabels::chinese(),
        _ => pos_payments::ReportLabels::english(),
    }
}

/// Now in the store's time zone, as reports print it.
pub fn local_now(tz: chrono_tz::Tz) -> String {
    chrono::Utc::now().with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// The word a reprint is marked with, in the store's language.
pub fn copy_word(profile: &StoreProfile) -> &'static str {
    match profile.preset.as_str() {
        "korea" => "사본",
        "germany" => "KOPIE",
        "china" => "副本",
        _ => "COPY",
    }
}

/// Why a printer cannot print a shop's receipts: a profile without Hangul or Hanzi fonts in a
/// Korean or Chinese shop (its receipts would come out as `?`).
pub fn lacks_font(profile: &pos_escpos::Profile, currency: pos_core::Currency) -> Option<String> {
    if pos_escpos::prints_language_of(profile, currency) {
        return None;
    }
    Some(format!(
        "the printer profile `{}` has no {} font, which this shop's receipts need: choose one with \
         double-byte fonts (tp808, tm-t88, mobile-58) or add `double_byte=on`",
        profile.name,
        pos_escpos::Script::for_currency(currency).name()
    ))
}

/// A document's printer and what to do besides printing, from a request's query.
#[derive(Debug)]
pub struct PrinterSetup {
    /// The printer profile (its width is the text's width too).
    pub profile: pos_escpos::Profile,
    /// Copy mark, drawer.
    pub options: pos_escpos::Options,
}

/// Checks a print request's query: `format` is one of `formats`; `profile`
/// one of [`pos_escpos::profile::NAMES`] and only with `escpos`; `width` 32, 42 or 48;
/// `drawer` only with `escpos`; `copy` not with `html`.
///
/// # Errors
/// A 422 naming the field.
pub fn printer_setup(
    store: &StoreProfile,
    formats: &[&str],
    format: &str,
    profile: Option<&str>,
    width: Option<u32>,
    copy: Option<bool>,
    drawer: Option<bool>,
) -> Result<PrinterSetup, crate::error::ApiError> {
    use crate::error::ApiError;
    if !formats.contains(&format) {
        return Err(ApiError::field("format", format!("must be one of {}", formats.join(", "))));
    }
    let escpos = format == "escpos";
    if !escpos && profile.is_some() {
        return Err(ApiError::field("profile", "is for `format=escpos`"));
    }
    if !escpos && drawer.is_some() {
        return Err(ApiError::field("drawer", "is for `format=escpos`"));
    }
    if format == "html" && copy.is_some() {
        return Err(ApiError::field("copy", "is for `format=text` and `format=escpos`"));
    }
    let mut printer = match profile {
        // The TP808's 48 columns, for text too.
        None => pos_escpos::Profile::hprt_tp808(),
        Some(text) => pos_escpos::Profile::parse(text).map_err(|e| ApiError::field("profile", e))?,
    };
    if let Some(w) = width {
        printer
            .change("columns", &w.to_string())
            .map_err(|_| ApiError::field("width", "must be 32, 42 or 48"))?;
    }
    if escpos && let Some(why) = lacks_font(&printer, config_of(store)?.currency) {
        return Err(ApiError::field("profile", why));
    }
    if drawer == Some(true) && !printer.drawer {
        return Err(ApiError::field("drawer", format!("the printer `{}` has no drawer port", printer.name)));
    }
    let options = pos_escpos::Options {
        copy: copy.unwrap_or(false).then(|| copy_word(store).to_owned()),
        open_drawer: drawer.unwrap_or(false),
        drawer_pin5: false,
    };
    Ok(PrinterSetup { profile: printer, options })
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
    /// Prints to one printer wait for the one before.
    pub printers: crate::api::PrintQueues,
    /// Printers attached to this machine for terminals (`--printer T1=/dev/usb/lp0`).
    pub local_printers: std::sync::RwLock<Vec<crate::api::LocalPrinter>>,
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
                printers: crate::api::PrintQueues::default(),
                local_printers: std::sync::RwLock::default(),
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
