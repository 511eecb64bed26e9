//! What a store's services are configured with.

use pos_core::StoreConfig;
use pos_core::journal::JournalKey;
use pos_loyalty::LoyaltyConfig;

/// A store's configuration: its pricing and tax setup, its loyalty rules, and the secret its
/// journal is keyed with. The key comes from configuration outside the database (a file or
/// the environment), so whoever can write to the database still cannot rewrite a journal
/// record without it being detected.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Store id, currency, tax mode, cash rounding, time zone.
    pub store: StoreConfig,
    /// Points and tiers.
    pub loyalty: LoyaltyConfig,
    /// The journal's HMAC key.
    pub journal_key: JournalKey,
}

impl Settings {
    /// Settings with the default loyalty rules.
    pub fn new(store: StoreConfig, journal_key: JournalKey) -> Self {
        Settings { store, loyalty: LoyaltyConfig::default(), journal_key }
    }

    /// The same settings with other loyalty rules.
    #[must_use]
    pub fn with_loyalty(mut self, loyalty: LoyaltyConfig) -> Self {
        self.loyalty = loyalty;
        self
    }
}
