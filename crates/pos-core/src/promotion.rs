//! Promotion definitions: what a promotion gives, to whom, when, and how it stacks.
//!
//! Promotions are validated when built; the [`crate::pricing::PricingEngine`] applies them.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::basket::normalise_coupon;
use crate::catalog::CategoryId;
use crate::error::CoreError;
use crate::sku::Sku;

/// Identifier of a promotion. Cheap to clone: priced baskets repeat it on every line it discounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PromotionId(pub Arc<str>);

impl PromotionId {
    /// A promotion id.
    pub fn new(id: &str) -> Self {
        PromotionId(Arc::from(id))
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Most units a buy-X-get-Y or mix-and-match figure may name.
pub const MAX_UNITS: u32 = 10_000;

/// Which items a promotion looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// These SKUs (a parent SKU covers its variants).
    Items(BTreeSet<Sku>),
    /// Items in these categories or below them.
    Categories(BTreeSet<CategoryId>),
    /// Every item.
    AllItems,
}

impl Target {
    /// A target of SKUs.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] for an invalid SKU.
    pub fn items(skus: &[&str]) -> Result<Target, CoreError> {
        Ok(Target::Items(skus.iter().map(|s| Sku::parse(s)).collect::<Result<_, _>>()?))
    }

    /// A target of categories.
    pub fn categories(ids: &[&str]) -> Target {
        Target::Categories(ids.iter().map(|s| CategoryId::new(s)).collect())
    }

    fn validate(&self, field: &str) -> Result<(), CoreError> {
        let empty = match self {
            Target::Items(s) => s.is_empty(),
            Target::Categories(c) => c.is_empty(),
            Target::AllItems => false,
        };
        if empty {
            return Err(CoreError::invalid(field, "group of items must not be empty"));
        }
        Ok(())
    }
}

/// The reward of a buy-X-get-Y promotion, applied to the cheapest qualifying units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reward {
    /// The Y units are free.
    Free,
    /// The Y units get this percentage off.
    PercentOff(Decimal),
}

/// One step of a spend-threshold promotion: spend at least `threshold`, get `reward`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendTier {
    /// Minimum basket amount (after item discounts) in the store currency.
    pub threshold: Decimal,
    /// What the tier gives.
    pub reward: BasketReward,
}

/// A basket-level reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasketReward {
    /// Percent off the basket.
    PercentOff(Decimal),
    /// An amount off the basket.
    AmountOff(Decimal),
}

/// What a promotion does. Amounts are in the store currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PromotionKind {
    /// Percent off each targeted line.
    PercentOff {
        /// Targeted items.
        target: Target,
        /// Percent, in (0, 100].
        percent: Decimal,
    },
    /// An amount off each targeted unit (per piece, or per kg for weighed goods).
    AmountOff {
        /// Targeted items.
        target: Target,
        /// Amount per unit, > 0.
        amount: Decimal,
    },
    /// Targeted units sell at a fixed unit price (only when that is cheaper).
    FixedPrice {
        /// Targeted items.
        target: Target,
        /// Unit price, >= 0.
        price: Decimal,
    },
    /// Buy `buy_qty` of `buy`, get `get_qty` of `get` free or discounted, cheapest units first.
    BuyXGetY {
        /// Items that qualify.
        buy: Target,
        /// How many must be bought, >= 1.
        buy_qty: u32,
        /// Items that are rewarded (often the same as `buy`).
        get: Target,
        /// How many are rewarded per set, >= 1.
        get_qty: u32,
        /// Free or percent off.
        reward: Reward,
    },
    /// Any `count` units of a group for `price` (the most expensive units are bundled first).
    MixAndMatch {
        /// The group.
        group: Target,
        /// Units per bundle, >= 2.
        count: u32,
        /// Price of one bundle, >= 0.
        price: Decimal,
    },
    /// Percent off the whole basket.
    BasketPercentOff {
        /// Percent, in (0, 100].
        percent: Decimal,
    },
    /// An amount off the whole basket.
    BasketAmountOff {
        /// Amount, > 0.
        amount: Decimal,
    },
    /// Spend thresholds: the highest tier reached applies.
    SpendTiers {
        /// Tiers with strictly increasing thresholds.
        tiers: Vec<SpendTier>,
    },
}

impl PromotionKind {
    /// True for promotions that discount the basket as a whole.
    pub fn is_basket_level(&self) -> bool {
        matches!(
            self,
            PromotionKind::BasketPercentOff { .. }
                | PromotionKind::BasketAmountOff { .. }
                | PromotionKind::SpendTiers { .. }
        )
    }

    /// The targets this promotion looks at (empty for basket-level promotions).
    pub fn targets(&self) -> Vec<&Target> {
        match self {
            PromotionKind::PercentOff { target, .. }
            | PromotionKind::AmountOff { target, .. }
            | PromotionKind::FixedPrice { target, .. } => vec![target],
            PromotionKind::BuyXGetY { buy, get, .. } => vec![buy, get],
            PromotionKind::MixAndMatch { group, .. } => vec![group],
            _ => vec![],
        }
    }

    fn validate(&self) -> Result<(), CoreError> {
        let percent = crate::limits::check_percent;
        let positive = |field: &str, a: Decimal| {
            if a <= Decimal::ZERO {
                return Err(CoreError::invalid(field, "must be greater than zero"));
            }
            crate::limits::check_price(field, a)
        };
        let units = |field: &str, n: u32| {
            if n > MAX_UNITS {
                return Err(CoreError::invalid(field, format!("must be at most {MAX_UNITS}")));
            }
            Ok(())
        };
        match self {
            PromotionKind::PercentOff { target, percent: p } => {
                target.validate("promotion.target")?;
                percent("promotion.percent", *p)
            }
            PromotionKind::AmountOff { target, amount } => {
                target.validate("promotion.target")?;
                positive("promotion.amount", *amount)
            }
            PromotionKind::FixedPrice { target, price } => {
                target.validate("promotion.target")?;
                crate::limits::check_price("promotion.price", *price)
            }
            PromotionKind::BuyXGetY { buy, buy_qty, get, get_qty, reward } => {
                buy.validate("promotion.buy")?;
                get.validate("promotion.get")?;
                if *buy_qty == 0 {
                    return Err(CoreError::invalid("promotion.buy_qty", "must be at least 1"));
                }
                if *get_qty == 0 {
                    return Err(CoreError::invalid("promotion.get_qty", "must be at least 1"));
                }
                units("promotion.buy_qty", *buy_qty)?;
                units("promotion.get_qty", *get_qty)?;
                if let Reward::PercentOff(p) = reward {
                    percent("promotion.reward.percent", *p)?;
                }
                Ok(())
            }
            PromotionKind::MixAndMatch { group, count, price } => {
                group.validate("promotion.group")?;
                if *count < 2 {
                    return Err(CoreError::invalid("promotion.count", "a bundle needs at least 2 units"));
                }
                units("promotion.count", *count)?;
                crate::limits::check_price("promotion.price", *price)
            }
            PromotionKind::BasketPercentOff { percent: p } => percent("promotion.percent", *p),
            PromotionKind::BasketAmountOff { amount } => positive("promotion.amount", *amount),
            PromotionKind::SpendTiers { tiers } => {
                if tiers.is_empty() {
                    return Err(CoreError::invalid("promotion.tiers", "must not be empty"));
                }
                let mut last = None;
                for (i, t) in tiers.iter().enumerate() {
                    crate::limits::check_price(&format!("promotion.tiers[{i}].threshold"), t.threshold)?;
                    if last.is_some_and(|l| t.threshold <= l) {
                        return Err(CoreError::invalid(
                            format!("promotion.tiers[{i}].threshold"),
                            "thresholds must increase strictly",
                        ));
                    }
                    last = Some(t.threshold);
                    match t.reward {
                        BasketReward::PercentOff(p) => percent(&format!("promotion.tiers[{i}].percent"), p)?,
                        BasketReward::AmountOff(a) => positive(&format!("promotion.tiers[{i}].amount"), a)?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Exclusive promotions exclude every other promotion from what they discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Combines with other stackable promotions, applied in priority order on what is left.
    #[default]
    Stackable,
    /// An item promotion: no other item promotion applies to the lines it discounts.
    /// A basket promotion: no other promotion applies to the basket at all.
    /// Among conflicting exclusive promotions the engine keeps the combination best for the
    /// customer.
    Exclusive,
}

/// When a promotion runs, in the store's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TimeWindow {
    /// First moment, inclusive.
    pub starts: Option<NaiveDateTime>,
    /// Last moment, exclusive.
    pub ends: Option<NaiveDateTime>,
    /// Days of the week (empty: every day).
    pub weekdays: BTreeSet<u8>,
    /// Daily hours `[from, to)` (e.g. happy hour 17:00-19:00). A window that ends before it
    /// starts runs across midnight (22:00-02:00): its early hours belong to the day it started
    /// on, so a Friday 22:00-02:00 window applies until Saturday 02:00.
    pub hours: Option<(NaiveTime, NaiveTime)>,
}

impl TimeWindow {
    /// Adds weekdays.
    pub fn on(mut self, days: &[Weekday]) -> Self {
        self.weekdays.extend(days.iter().map(|d| d.num_days_from_monday() as u8));
        self
    }

    /// Sets daily hours.
    pub fn between(mut self, from: NaiveTime, to: NaiveTime) -> Self {
        self.hours = Some((from, to));
        self
    }

    /// Sets the date range.
    pub fn during(mut self, starts: Option<NaiveDateTime>, ends: Option<NaiveDateTime>) -> Self {
        self.starts = starts;
        self.ends = ends;
        self
    }

    fn validate(&self) -> Result<(), CoreError> {
        if let (Some(s), Some(e)) = (self.starts, self.ends)
            && s >= e
        {
            return Err(CoreError::invalid("promotion.window.ends", "must be after starts"));
        }
        if let Some((from, to)) = self.hours
            && from == to
        {
            return Err(CoreError::invalid("promotion.window.hours", "end must differ from start"));
        }
        if self.weekdays.iter().any(|d| *d > 6) {
            return Err(CoreError::invalid("promotion.window.weekdays", "days are 0 (Monday) to 6 (Sunday)"));
        }
        Ok(())
    }

    /// True when `local` (store-local time) is inside the window.
    pub fn contains(&self, local: NaiveDateTime) -> bool {
        // The day the window started on: yesterday for the early hours of one across midnight.
        let (in_hours, day) = match self.hours {
            None => (true, local.date()),
            Some((f, t)) if f < t => (f <= local.time() && local.time() < t, local.date()),
            Some((f, _)) if local.time() >= f => (true, local.date()),
            Some((_, t)) => (local.time() < t, local.date().pred_opt().unwrap_or(local.date())),
        };
        self.starts.is_none_or(|s| s <= local)
            && self.ends.is_none_or(|e| local < e)
            && in_hours
            && (self.weekdays.is_empty()
                || self.weekdays.contains(&(day.weekday().num_days_from_monday() as u8)))
    }
}

/// A validated promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PromotionSpec", into = "PromotionSpec")]
pub struct Promotion {
    spec: PromotionSpec,
}

/// The plain data of a promotion, as stored and exchanged. Turn it into a [`Promotion`] with
/// `Promotion::try_from`, which validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionSpec {
    /// Unique id.
    pub id: PromotionId,
    /// Name printed next to the discount on receipts.
    pub name: String,
    /// What it gives.
    pub kind: PromotionKind,
    /// Exclusive or stackable.
    #[serde(default)]
    pub stacking: Stacking,
    /// Higher applies first among stackable promotions.
    #[serde(default)]
    pub priority: i32,
    /// Most it may discount on one basket, in the store currency.
    #[serde(default)]
    pub cap: Option<Decimal>,
    /// When it runs.
    #[serde(default)]
    pub window: Option<TimeWindow>,
    /// Only for identified loyalty members.
    #[serde(default)]
    pub members_only: bool,
    /// Only for these tiers (empty: any).
    #[serde(default)]
    pub tiers: BTreeSet<String>,
    /// Only for these customer groups (empty: any).
    #[serde(default)]
    pub customer_groups: BTreeSet<String>,
    /// Only when this coupon code is in the basket.
    #[serde(default)]
    pub coupon: Option<String>,
    /// How many times it may be used in all; the caller passes the uses so far in the context.
    #[serde(default)]
    pub max_uses: Option<u32>,
}

impl TryFrom<PromotionSpec> for Promotion {
    type Error = CoreError;
    fn try_from(mut spec: PromotionSpec) -> Result<Self, CoreError> {
        crate::limits::check_id("promotion.id", &spec.id.0)?;
        crate::limits::check_required_text("promotion.name", &spec.name)?;
        spec.kind.validate()?;
        if let Some(cap) = spec.cap {
            if cap <= Decimal::ZERO {
                return Err(CoreError::invalid("promotion.cap", "must be greater than zero"));
            }
            crate::limits::check_price("promotion.cap", cap)?;
        }
        for (field, ids) in
            [("promotion.tiers", &spec.tiers), ("promotion.customer_groups", &spec.customer_groups)]
        {
            for id in ids {
                crate::limits::check_id(field, id)?;
            }
        }
        if let Some(w) = &spec.window {
            w.validate()?;
        }
        if let Some(c) = &spec.coupon {
            let c = normalise_coupon(c);
            crate::limits::check_id("promotion.coupon", &c)?;
            spec.coupon = Some(c);
        }
        if spec.max_uses == Some(0) {
            return Err(CoreError::invalid("promotion.max_uses", "must be at least 1"));
        }
        Ok(Promotion { spec })
    }
}

impl From<Promotion> for PromotionSpec {
    fn from(p: Promotion) -> Self {
        p.spec
    }
}

impl Promotion {
    /// Starts building a promotion.
    pub fn builder(id: &str, name: &str, kind: PromotionKind) -> PromotionBuilder {
        PromotionBuilder {
            spec: PromotionSpec {
                id: PromotionId::new(id),
                name: name.to_owned(),
                kind,
                stacking: Stacking::Stackable,
                priority: 0,
                cap: None,
                window: None,
                members_only: false,
                tiers: BTreeSet::new(),
                customer_groups: BTreeSet::new(),
                coupon: None,
                max_uses: None,
            },
        }
    }

    /// The definition.
    pub fn spec(&self) -> &PromotionSpec {
        &self.spec
    }

    /// Its id.
    pub fn id(&self) -> &PromotionId {
        &self.spec.id
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// What it does.
    pub fn kind(&self) -> &PromotionKind {
        &self.spec.kind
    }
}

/// Builds a [`Promotion`]; `build` validates.
#[derive(Debug, Clone)]
pub struct PromotionBuilder {
    spec: PromotionSpec,
}

impl PromotionBuilder {
    /// Makes it exclusive.
    pub fn exclusive(mut self) -> Self {
        self.spec.stacking = Stacking::Exclusive;
        self
    }

    /// Sets the priority (higher first).
    pub fn priority(mut self, p: i32) -> Self {
        self.spec.priority = p;
        self
    }

    /// Caps the discount per basket.
    pub fn cap(mut self, cap: Decimal) -> Self {
        self.spec.cap = Some(cap);
        self
    }

    /// Restricts it to a time window.
    pub fn window(mut self, w: TimeWindow) -> Self {
        self.spec.window = Some(w);
        self
    }

    /// Members only.
    pub fn members_only(mut self) -> Self {
        self.spec.members_only = true;
        self
    }

    /// Only for these tiers (implies members only).
    pub fn tiers(mut self, tiers: &[&str]) -> Self {
        self.spec.members_only = true;
        self.spec.tiers = tiers.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Only for these customer groups.
    pub fn customer_groups(mut self, groups: &[&str]) -> Self {
        self.spec.customer_groups = groups.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Gated by a coupon code.
    pub fn coupon(mut self, code: &str) -> Self {
        self.spec.coupon = Some(code.to_owned());
        self
    }

    /// Limits total uses.
    pub fn max_uses(mut self, n: u32) -> Self {
        self.spec.max_uses = Some(n);
        self
    }

    /// Validates and builds.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming the field that is wrong (`promotion.percent`,
    /// `promotion.buy_qty`, `promotion.group`, `promotion.window.ends`, ...).
    pub fn build(self) -> Result<Promotion, CoreError> {
        Promotion::try_from(self.spec)
    }
}
