//! Loyalty rules. [`LoyaltyConfig::default`] follows common Korean retail practice.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::LoyaltyError;
use crate::tier::TierRule;

/// How points accrue on the earning basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarnRate {
    /// `points` per `per` currency units, accrued proportionally (10 per 1,000 KRW: 54,000 KRW
    /// earns 540, 54,990 KRW earns 549).
    PerAmount {
        /// Points.
        points: Decimal,
        /// Per this many currency units.
        per: Decimal,
    },
    /// `points` per full `per` currency units of the sale (10 per full 1,000 KRW: 54,990 KRW
    /// earns 540), as many Korean shops state the rule. The sale's points are split over its
    /// lines in proportion, so refunds take back each line's share.
    PerFullAmount {
        /// Points.
        points: Decimal,
        /// Per this many whole currency units.
        per: Decimal,
    },
    /// A percentage of the basis.
    Percent(Decimal),
}

/// A period in which points are multiplied (double or triple points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnEvent {
    /// Name.
    pub name: String,
    /// Start, inclusive.
    pub starts: DateTime<Utc>,
    /// End, exclusive.
    pub ends: DateTime<Utc>,
    /// Multiplier (2 for double points).
    pub multiplier: Decimal,
}

/// The loyalty programme's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoyaltyConfig {
    /// Base accrual.
    pub earn: EarnRate,
    /// Earn on what was paid after discounts (true) or on the price before them (false).
    pub earn_on_discounted: bool,
    /// Earn on the gross including tax (true) or on the net (false).
    pub earn_on_tax: bool,
    /// Multipliers by category id (the highest along the category path applies).
    pub category_multipliers: BTreeMap<String, Decimal>,
    /// Multipliers by SKU (take precedence over category multipliers when higher).
    pub product_multipliers: BTreeMap<String, Decimal>,
    /// Event multipliers (the highest active one applies).
    pub events: Vec<EarnEvent>,
    /// Points on a member's first purchase.
    pub signup_bonus: i64,
    /// Points for the referrer when a referred member makes a first purchase.
    pub referral_bonus: i64,
    /// Balance needed before any points can be redeemed.
    pub min_redeem_balance: i64,
    /// Value of one point in currency units.
    pub point_value: Decimal,
    /// Largest share of a basket that points may pay (0.5 = half), if capped.
    pub redeem_cap_share: Option<Decimal>,
    /// Months until earned points expire.
    pub expiry_months: u32,
    /// Tiers, lowest first.
    pub tiers: Vec<TierRule>,
    /// When a refund cannot take back the points its lines earned because the member has
    /// spent them since, deduct their value (at `point_value`) from the money refunded (true,
    /// the default: a member cannot earn, spend and refund and keep both), or refund the money
    /// in full and let the balance absorb the loss (false).
    pub deduct_unrecovered: bool,
}

pos_core::deserialize_checked!(LoyaltyConfig, LoyaltyConfig::validate, {
    earn: EarnRate,
    earn_on_discounted: bool,
    earn_on_tax: bool,
    category_multipliers: BTreeMap<String, Decimal>,
    product_multipliers: BTreeMap<String, Decimal>,
    events: Vec<EarnEvent>,
    signup_bonus: i64,
    referral_bonus: i64,
    min_redeem_balance: i64,
    point_value: Decimal,
    redeem_cap_share: Option<Decimal>,
    expiry_months: u32,
    tiers: Vec<TierRule>,
    #[serde(default = "yes")]
    deduct_unrecovered: bool,
});

fn yes() -> bool {
    true
}

impl Default for LoyaltyConfig {
    /// Korean practice: 10 points per 1,000 KRW on the amount paid including VAT, 1,000 points
    /// signup bonus, 500 referral bonus, redeem from 1,000 points at 1 point = 1 KRW, points
    /// expire after 12 months, no tiers.
    fn default() -> Self {
        LoyaltyConfig {
            earn: EarnRate::PerAmount { points: Decimal::TEN, per: Decimal::ONE_THOUSAND },
            earn_on_discounted: true,
            earn_on_tax: true,
            category_multipliers: BTreeMap::new(),
            product_multipliers: BTreeMap::new(),
            events: Vec::new(),
            signup_bonus: 1_000,
            referral_bonus: 500,
            min_redeem_balance: 1_000,
            point_value: Decimal::ONE,
            redeem_cap_share: None,
            expiry_months: 12,
            tiers: Vec::new(),
            deduct_unrecovered: true,
        }
    }
}

impl LoyaltyConfig {
    /// Checks the rules.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming the field.
    pub fn validate(&self) -> Result<(), LoyaltyError> {
        match self.earn {
            EarnRate::PerAmount { points, per } | EarnRate::PerFullAmount { points, per }
                if points < Decimal::ZERO || per <= Decimal::ZERO =>
            {
                return Err(LoyaltyError::invalid("earn", "points must be >= 0 and per > 0"));
            }
            EarnRate::Percent(p) if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED => {
                return Err(LoyaltyError::invalid("earn", "percent must be between 0 and 100"));
            }
            _ => {}
        }
        for (k, m) in self.category_multipliers.iter().chain(&self.product_multipliers) {
            if *m < Decimal::ZERO {
                return Err(LoyaltyError::invalid("multipliers", format!("multiplier of `{k}` is negative")));
            }
        }
        for e in &self.events {
            if e.starts >= e.ends {
                return Err(LoyaltyError::invalid(
                    "events",
                    format!("event `{}` ends before it starts", e.name),
                ));
            }
            if e.multiplier < Decimal::ZERO {
                return Err(LoyaltyError::invalid(
                    "events",
                    format!("event `{}` has a negative multiplier", e.name),
                ));
            }
        }
        if self.signup_bonus < 0 || self.referral_bonus < 0 || self.min_redeem_balance < 0 {
            return Err(LoyaltyError::invalid("bonus", "bonuses and minimum balance must not be negative"));
        }
        if self.point_value <= Decimal::ZERO {
            return Err(LoyaltyError::invalid("point_value", "must be greater than zero"));
        }
        pos_core::limits::check_price("point_value", self.point_value)?;
        const MAX_POINTS: i64 = 1_000_000_000_000;
        if self.signup_bonus > MAX_POINTS
            || self.referral_bonus > MAX_POINTS
            || self.min_redeem_balance > MAX_POINTS
        {
            return Err(LoyaltyError::invalid(
                "bonus",
                "bonuses and minimum balance must be at most 10^12 points",
            ));
        }
        let hundred = Decimal::ONE_HUNDRED;
        let multipliers = self.category_multipliers.values().chain(self.product_multipliers.values());
        if multipliers.chain(self.events.iter().map(|e| &e.multiplier)).any(|m| *m > hundred || m.scale() > 6)
        {
            return Err(LoyaltyError::invalid(
                "multipliers",
                "multipliers must be at most 100 with 6 places",
            ));
        }
        if let EarnRate::PerAmount { points, per } | EarnRate::PerFullAmount { points, per } = self.earn {
            pos_core::limits::check_price("earn.points", points)?;
            pos_core::limits::check_price("earn.per", per)?;
        }
        if self.redeem_cap_share.is_some_and(|c| c <= Decimal::ZERO || c > Decimal::ONE) {
            return Err(LoyaltyError::invalid("redeem_cap_share", "must be above 0 and at most 1"));
        }
        if self.expiry_months == 0 {
            return Err(LoyaltyError::invalid("expiry_months", "must be at least 1"));
        }
        Ok(())
    }

    /// The highest event multiplier active at `at` (1 when none).
    pub fn event_multiplier(&self, at: DateTime<Utc>) -> Decimal {
        self.events
            .iter()
            .filter(|e| e.starts <= at && at < e.ends)
            .map(|e| e.multiplier)
            .max()
            .unwrap_or(Decimal::ONE)
    }
}
