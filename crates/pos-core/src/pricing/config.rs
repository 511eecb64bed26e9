//! What the engine is configured with and what a pricing run is told: the store's settings
//! and the moment of sale.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::catalog::StoreId;
use crate::currency::Currency;
use crate::promotion::PromotionId;
use crate::rounding::{CashRounding, RoundingMode};
use crate::tax::TaxTable;

/// Store settings the engine needs.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The store.
    pub id: StoreId,
    /// Its currency; the catalog must use the same one.
    pub currency: Currency,
    /// Its time zone: promotion windows and price-list dates are in local time.
    pub time_zone: Tz,
    /// Tax rates and policy.
    pub tax: TaxTable,
    /// Rounding mode for line amounts and discounts.
    pub rounding: RoundingMode,
    /// Cash rounding for cash tenders.
    pub cash_rounding: CashRounding,
}

impl StoreConfig {
    /// A Korean store: KRW, Asia/Seoul, 10 % VAT included, half-up, cash rounded to 10 won.
    pub fn korea(id: &str) -> Self {
        StoreConfig {
            id: StoreId(id.to_owned()),
            currency: Currency::KRW,
            time_zone: chrono_tz::Asia::Seoul,
            tax: TaxTable::korea(),
            rounding: RoundingMode::HalfUp,
            cash_rounding: CashRounding::new(Decimal::TEN, RoundingMode::Down).unwrap_or_default(),
        }
    }

    /// A German store: EUR, Europe/Berlin, 19 % and 7 % VAT included, half-up, no cash rounding.
    pub fn germany(id: &str) -> Self {
        StoreConfig {
            id: StoreId(id.to_owned()),
            currency: Currency::EUR,
            time_zone: chrono_tz::Europe::Berlin,
            tax: TaxTable::germany(),
            rounding: RoundingMode::HalfUp,
            cash_rounding: CashRounding::none(),
        }
    }

    /// A Chinese store: CNY, Asia/Shanghai, VAT included, half-up, no cash rounding.
    pub fn china(id: &str) -> Self {
        StoreConfig {
            id: StoreId(id.to_owned()),
            currency: Currency::CNY,
            time_zone: chrono_tz::Asia::Shanghai,
            tax: TaxTable::china(),
            rounding: RoundingMode::HalfUp,
            cash_rounding: CashRounding::none(),
        }
    }
}

/// Facts about the moment of sale that are not in the basket.
#[derive(Debug, Clone)]
pub struct PricingContext {
    /// When the sale happens.
    pub at: DateTime<Utc>,
    /// How many times each usage-limited promotion has been used so far.
    pub promotion_uses: HashMap<PromotionId, u32>,
}

impl PricingContext {
    /// A context at `at` with no usage recorded.
    pub fn at(at: DateTime<Utc>) -> Self {
        PricingContext { at, promotion_uses: HashMap::new() }
    }
}
