//! The pricing engine: catalog prices, promotions, manual discounts and tax, applied to a basket.
//!
//! # Order of application
//! 1. Each line gets its unit price (override, else the most specific price list, else the
//!    catalog price) and its base amount `unit price x quantity`, rounded to minor units (the
//!    *line* rounding point). A price-embedded barcode gives the base amount directly.
//! 2. Item promotions. Stackable ones apply in priority order (higher first, then id), each on
//!    what the previous ones left. An exclusive item promotion takes the lines it discounts for
//!    itself; among exclusive promotions that compete for lines the engine keeps the
//!    combination with the largest gain over the stackable promotions they displace
//!    (ties: the combination found first in id order).
//! 3. Manual line discounts, on what is left of each line.
//! 4. Basket promotions (percent or amount off the basket, spend tiers) on the subtotal after
//!    item discounts. An exclusive basket promotion excludes every other promotion: the engine
//!    prices the basket both ways and keeps the one cheaper for the customer.
//! 5. The manual basket discount.
//! 6. Tax per line or per document.
//!
//! Every discount is computed at full precision and rounded once (the *document* rounding
//! point); a discount that spans lines is allocated to them by largest remainder, so line
//! totals always add up to the document total and no line goes below zero.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::allocation::allocate_int_into;
use crate::basket::{Basket, ManualDiscountKind};
use crate::catalog::{Catalog, StoreId};
use crate::currency::Currency;
use crate::error::CoreError;
use crate::money::Money;
use crate::promotion::{BasketReward, Promotion, PromotionId, PromotionKind, Reward, Stacking, Target};
use crate::quantity::Quantity;
use crate::rounding::{CashRounding, RoundingMode, settle};
use crate::sku::Sku;
use crate::tax::{TaxMode, TaxRounding, TaxTable};

mod gate;
mod index;
mod units;

use gate::{Gate, GateFacts};
use index::{Index, ProductCache};
use units::{Fractions, UnitRule, Units, buy_x_get_y, buy_x_get_y_whole, mix_and_match, mix_and_match_whole};

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

/// A promotion as priced baskets cite it: its id and name, shared. Cloning one costs a
/// reference count, never a copy of the strings.
///
/// The references an engine hands out point into its table of labels through a handle that
/// each pricing run in flight holds for itself, so concurrent runs count references on memory
/// of their own rather than on one line they would all contend for.
///
/// Two references are equal when their ids and names are. It serialises as
/// `{"id": ..., "name": ...}`.
#[derive(Clone)]
pub struct PromotionRef {
    labels: Arc<Labels>,
    index: u32,
}

/// The labels a [`PromotionRef`] points into.
#[derive(Debug)]
struct Labels(Arc<[PromotionLabel]>);

/// The id and name of a promotion, shared by [`PromotionRef`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionLabel {
    /// Its id.
    pub id: PromotionId,
    /// Its name.
    pub name: String,
}

impl PromotionRef {
    /// A reference to a promotion with this id and name.
    pub fn new(id: PromotionId, name: &str) -> Self {
        PromotionRef::from(PromotionLabel { id, name: name.to_owned() })
    }

    /// The promotion's id and name.
    pub fn label(&self) -> &PromotionLabel {
        &self.labels.0[self.index as usize]
    }

    /// The promotion's id.
    pub fn id(&self) -> &PromotionId {
        &self.label().id
    }

    /// The promotion's name.
    pub fn name(&self) -> &str {
        &self.label().name
    }
}

impl From<PromotionLabel> for PromotionRef {
    fn from(label: PromotionLabel) -> Self {
        PromotionRef { labels: Arc::new(Labels(Arc::new([label]))), index: 0 }
    }
}

impl PartialEq for PromotionRef {
    fn eq(&self, other: &Self) -> bool {
        self.label() == other.label()
    }
}

impl Eq for PromotionRef {}

impl std::fmt::Debug for PromotionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PromotionRef").field(self.label()).finish()
    }
}

impl Serialize for PromotionRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.label().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PromotionRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PromotionLabel::deserialize(deserializer).map(PromotionRef::from)
    }
}

/// What caused a discount on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscountSource {
    /// A promotion (serialised with its `id` and `name` beside the tag).
    Promotion(PromotionRef),
    /// A manual line discount, with the reason staff gave.
    ManualLine {
        /// The reason.
        reason: String,
    },
    /// The line's share of a manual basket discount.
    ManualBasket {
        /// The reason.
        reason: String,
    },
}

impl DiscountSource {
    /// Label for receipts.
    pub fn label(&self) -> &str {
        match self {
            DiscountSource::Promotion(p) => p.name(),
            DiscountSource::ManualLine { reason } | DiscountSource::ManualBasket { reason } => reason,
        }
    }
}

/// One discount on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDiscount {
    /// What caused it.
    pub source: DiscountSource,
    /// How much (positive).
    pub amount: Money,
}

/// The discounts on one line, in the order they were applied. It dereferences to a slice.
///
/// Lines carry up to four discounts inline (item promotions that stack, a member discount, a
/// share of a basket discount), so pricing a basket does not allocate once per discounted
/// line; a line with more moves its list to the heap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineDiscounts(SmallVec<[LineDiscount; 4]>);

impl LineDiscounts {
    /// No discounts.
    pub fn new() -> Self {
        LineDiscounts(SmallVec::new())
    }

    /// Appends a discount.
    pub fn push(&mut self, discount: LineDiscount) {
        self.0.push(discount);
    }

    /// The discounts as a vector.
    pub fn into_vec(self) -> Vec<LineDiscount> {
        self.0.into_vec()
    }
}

impl std::ops::Deref for LineDiscounts {
    type Target = [LineDiscount];
    fn deref(&self) -> &[LineDiscount] {
        &self.0
    }
}

impl FromIterator<LineDiscount> for LineDiscounts {
    fn from_iter<I: IntoIterator<Item = LineDiscount>>(iter: I) -> Self {
        LineDiscounts(iter.into_iter().collect())
    }
}

impl From<Vec<LineDiscount>> for LineDiscounts {
    fn from(v: Vec<LineDiscount>) -> Self {
        LineDiscounts(SmallVec::from_vec(v))
    }
}

impl<'a> IntoIterator for &'a LineDiscounts {
    type Item = &'a LineDiscount;
    type IntoIter = std::slice::Iter<'a, LineDiscount>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    /// The basket line id.
    pub line_id: u32,
    /// The product.
    pub sku: Sku,
    /// Product name.
    pub name: String,
    /// Quantity.
    pub quantity: Quantity,
    /// Unit price used.
    pub unit_price: Money,
    /// Unit price x quantity, rounded: before any discount.
    pub base: Money,
    /// Discounts in the order they were applied.
    pub discounts: LineDiscounts,
    /// Tax label ("A", "VAT").
    pub tax_label: String,
    /// Tax rate in percent.
    pub tax_rate: Decimal,
    /// Net of tax.
    pub net: Money,
    /// Tax.
    pub tax: Money,
    /// What the customer pays for this line (gross).
    pub total: Money,
}

impl PricedLine {
    /// Sum of the line's discounts.
    pub fn discount_total(&self) -> Money {
        let mut sum = Money::zero(self.total.currency());
        for d in &self.discounts {
            sum = sum.checked_add(&d.amount).unwrap_or(sum);
        }
        sum
    }
}

/// Net, tax and gross of one tax rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxBreakdown {
    /// Label ("A").
    pub label: String,
    /// Rate in percent.
    pub rate: Decimal,
    /// Net amount.
    pub net: Money,
    /// Tax.
    pub tax: Money,
    /// Gross = net + tax.
    pub gross: Money,
}

/// A promotion that gave a discount, with its total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPromotion {
    /// The promotion (serialised as its `id` and `name` fields).
    #[serde(flatten)]
    pub promotion: PromotionRef,
    /// The discount it gave in this basket.
    pub amount: Money,
    /// The coupon that unlocked it, if any.
    pub coupon: Option<String>,
}

/// The result of pricing: every line with its discounts and tax, and the document totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedBasket {
    /// Currency of every amount.
    pub currency: Currency,
    /// Inclusive or exclusive prices.
    pub tax_mode: TaxMode,
    /// Lines, in basket order.
    pub lines: Vec<PricedLine>,
    /// Sum of line base amounts.
    pub subtotal: Money,
    /// Sum of all discounts.
    pub discount_total: Money,
    /// Per-rate breakdown; sums to the totals.
    pub taxes: Vec<TaxBreakdown>,
    /// Total tax.
    pub tax_total: Money,
    /// Amount due = sum of line totals.
    pub total: Money,
    /// Promotions that gave a discount.
    pub promotions: Vec<AppliedPromotion>,
    /// Coupon codes in the basket that unlocked nothing.
    pub unused_coupons: Vec<String>,
}

/// What a refund of some lines returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundQuote {
    /// The refunded line ids.
    pub lines: Vec<u32>,
    /// Amount to return: exactly what those lines were charged.
    pub amount: Money,
    /// Per-rate breakdown of the refund.
    pub taxes: Vec<TaxBreakdown>,
}

impl PricedBasket {
    /// What refunding `line_ids` returns: the sum of their line totals.
    ///
    /// # Errors
    /// [`CoreError::UnknownLine`] for an id that is not in the basket; [`CoreError::InvalidField`]
    /// naming `lines` for an empty or repeated list.
    pub fn refund(&self, line_ids: &[u32]) -> Result<RefundQuote, CoreError> {
        if line_ids.is_empty() {
            return Err(CoreError::invalid("lines", "name at least one line to refund"));
        }
        let mut seen = line_ids.to_vec();
        seen.sort_unstable();
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(CoreError::invalid("lines", "a line is named twice"));
        }
        let mut picked = Vec::with_capacity(line_ids.len());
        for id in line_ids {
            picked.push(
                self.lines.iter().find(|l| l.line_id == *id).ok_or(CoreError::UnknownLine { line: *id })?,
            );
        }
        let amount = Money::sum(self.currency, picked.iter().map(|l| &l.total))?;
        Ok(RefundQuote {
            lines: line_ids.to_vec(),
            amount,
            taxes: breakdown(self.currency, picked.into_iter())?,
        })
    }

    /// The amount due when paying entirely in cash, after the store's cash rounding.
    pub fn cash_due(&self, rounding: &CashRounding) -> Money {
        Money::new(rounding.apply(self.total.amount()), self.currency)
    }
}

fn breakdown<'a>(
    currency: Currency,
    lines: impl Iterator<Item = &'a PricedLine>,
) -> Result<Vec<TaxBreakdown>, CoreError> {
    let mut by_rate: BTreeMap<(String, Decimal), (Money, Money, Money)> = BTreeMap::new();
    for l in lines {
        let e = by_rate.entry((l.tax_label.clone(), l.tax_rate)).or_insert((
            Money::zero(currency),
            Money::zero(currency),
            Money::zero(currency),
        ));
        e.0 = e.0.checked_add(&l.net)?;
        e.1 = e.1.checked_add(&l.tax)?;
        e.2 = e.2.checked_add(&l.total)?;
    }
    Ok(by_rate
        .into_iter()
        .map(|((label, rate), (net, tax, gross))| TaxBreakdown { label, rate, net, tax, gross })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The engine.

const ROLE_MAIN: u8 = 1;
const ROLE_GET: u8 = 2;

/// Exhaustive search of exclusive combinations is used up to this many competing promotions;
/// above it the engine picks greedily by gain (still deterministic).
const EXHAUSTIVE_LIMIT: usize = 16;

/// Builds a [`PricingEngine`].
#[derive(Debug, Clone)]
pub struct PricingEngineBuilder {
    store: StoreConfig,
    promotions: Vec<Promotion>,
}

impl PricingEngineBuilder {
    /// Adds a promotion.
    pub fn promotion(mut self, p: Promotion) -> Self {
        self.promotions.push(p);
        self
    }

    /// Adds promotions.
    pub fn promotions(mut self, ps: impl IntoIterator<Item = Promotion>) -> Self {
        self.promotions.extend(ps);
        self
    }

    /// Indexes the promotions and builds the engine.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `promotion.id` when two promotions share an id.
    pub fn build(self) -> Result<PricingEngine, CoreError> {
        let mut promotions = self.promotions;
        promotions.sort_by(|a, b| a.id().cmp(b.id()));
        if let Some(w) = promotions.windows(2).find(|w| w[0].id() == w[1].id()) {
            return Err(CoreError::invalid("promotion.id", format!("`{}` is used twice", w[0].id().0)));
        }
        // Promotions are numbered in the order stackable ones apply: higher priority first, then
        // id. Sorting a basket's candidates by number then orders them for application; the
        // rank in id order is kept for the choices that go by id.
        let mut ranked: Vec<(u32, Promotion)> =
            promotions.into_iter().enumerate().map(|(i, p)| (i as u32, p)).collect();
        ranked.sort_by(|a, b| b.1.spec().priority.cmp(&a.1.spec().priority).then(a.0.cmp(&b.0)));
        let (id_rank, promotions): (Vec<u32>, Vec<Promotion>) = ranked.into_iter().unzip();
        let mut by_sku: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
        let mut by_category: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
        let mut all_items = Vec::new();
        let mut basket_level = Vec::new();
        for (i, p) in promotions.iter().enumerate() {
            let i = i as u32;
            let kind = p.kind();
            if kind.is_basket_level() {
                basket_level.push(i);
                continue;
            }
            let roles: Vec<(&Target, u8)> = match kind {
                PromotionKind::BuyXGetY { buy, get, .. } => vec![(buy, ROLE_MAIN), (get, ROLE_GET)],
                _ => kind.targets().into_iter().map(|t| (t, ROLE_MAIN)).collect(),
            };
            for (target, role) in roles {
                match target {
                    Target::Items(skus) => {
                        for s in skus {
                            by_sku.entry(s.as_str()).or_default().push((i, role));
                        }
                    }
                    Target::Categories(cats) => {
                        for c in cats {
                            by_category.entry(c.0.as_str()).or_default().push((i, role));
                        }
                    }
                    Target::AllItems => all_items.push((i, role)),
                }
            }
        }
        let scale = Decimal::from(10_i64.pow(self.store.currency.minor_units()));
        let meta = promotions.iter().map(|p| Meta::new(p, scale)).collect();
        let gates = promotions.iter().map(Gate::new).collect();
        let by_sku = Index::new(by_sku);
        let by_category = Index::new(by_category);
        Ok(PricingEngine {
            store: self.store,
            meta,
            gates,
            by_sku,
            by_category,
            product_table: ProductCache::default(),
            all_items,
            basket_level,
            labels: promotions
                .iter()
                .map(|p| PromotionLabel { id: p.id().clone(), name: p.name().to_owned() })
                .collect(),
            promotions,
            id_rank,
            workspaces: Pool::default(),
        })
    }
}

/// Prices baskets for one store against a set of promotions, indexed by item and category so
/// that thousands of promotions cost little more than none.
#[derive(Debug, Clone)]
pub struct PricingEngine {
    store: StoreConfig,
    promotions: Vec<Promotion>,
    /// Per promotion, what the hot path needs: dense, so pricing rarely touches the specs.
    meta: Vec<Meta>,
    /// Per promotion, a compact first look at its conditions (read only for gated ones).
    gates: Vec<Gate>,
    by_sku: Index,
    by_category: Index,
    /// The indexes resolved for the products of the last catalog priced against.
    product_table: ProductCache,
    all_items: Vec<(u32, u8)>,
    basket_level: Vec<u32>,
    /// Per promotion: its place in id order. Promotions are numbered in application order
    /// (priority, then id); exclusive choices break ties in id order.
    id_rank: Vec<u32>,
    /// Per promotion: the id and name its discounts cite.
    labels: Arc<[PromotionLabel]>,
    workspaces: Pool,
}

/// What pricing needs to know about a promotion, precomputed when the engine is built: 32
/// bytes per promotion, aligned so that one never straddles two cache lines. Applying an
/// item promotion with an integer form reads this record and not the spec.
#[derive(Debug, Clone)]
#[repr(align(32))]
struct Meta {
    /// The integer figures of `kind`, packed (see [`Meta::fast`]).
    figure: i64,
    /// The cap in minor units, rounded down; `i64::MAX` when there is none.
    cap_minor: i64,
    priority: i32,
    kind: FastKind,
    /// A decimal exponent that goes with `figure`.
    aux: u8,
    exclusive: bool,
    /// Whether any gate applies (window, membership, tier, group, coupon, usage limit).
    gated: bool,
}

/// Which integer form [`Meta::figure`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FastKind {
    None,
    /// `figure` is the percentage's mantissa, `aux` the exponent of ten of its denominator.
    Percent,
    /// `figure` is the amount off per unit in minor units.
    AmountOff,
    /// `figure` is the price per unit in minor units.
    FixedPrice,
    /// `figure` packs buy (16 bits), get (16 bits) and the mantissa of the reward percentage
    /// (32 bits; 0 with `aux` 255 for a free item); `aux` is the percentage's scale.
    BuyXGetY,
    /// `figure` packs the bundle price in minor units as a mantissa (48 bits) and the count
    /// (16 bits); `aux` is the price's scale.
    MixAndMatch,
}

/// Powers of ten, for the denominators of percentages.
const POW10: [i64; 19] = {
    let mut p = [1_i64; 19];
    let mut i = 1;
    while i < 19 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// A promotion's figures in integers, when they have an exact integer form. The engine then
/// computes percent, amount off and fixed price in integer arithmetic; the result is the same
/// as the `Decimal` computation (a property test checks the rounding), only cheaper. The unit
/// rules get their figures from here instead of reading the spec.
#[derive(Debug, Clone, Copy)]
enum Fast {
    /// Percent off: the discount is `amount * num / den`, `den` a power of ten up to 10^9, so
    /// the quotient is exact at the 9 places `settle` keeps.
    Percent { num: i64, den: i64 },
    /// Amount off per unit, in whole minor units.
    AmountOff(i64),
    /// Fixed price per unit, in whole minor units.
    FixedPrice(i64),
    /// Buy `x` get `y` with this reward.
    BuyXGetY { x: u32, y: u32, reward: Reward },
    /// Any `count` for `price_minor` (the spec's price times the minor-unit scale, with the
    /// very mantissa and scale that product has).
    MixAndMatch { count: u32, price_minor: Decimal },
    /// No integer form: the `Decimal` path prices it from the spec.
    None,
}

impl Meta {
    fn new(p: &Promotion, scale: Decimal) -> Self {
        let s = p.spec();
        let minor = |d: Decimal| {
            d.checked_mul(scale)
                .filter(|v| v.fract().is_zero() && *v >= Decimal::ZERO)
                .and_then(|v| v.to_i64())
        };
        let (kind, figure, aux) = match &s.kind {
            PromotionKind::PercentOff { percent, .. } if percent.scale() <= 7 => {
                i64::try_from(percent.mantissa())
                    .map_or((FastKind::None, 0, 0), |num| (FastKind::Percent, num, percent.scale() as u8 + 2))
            }
            PromotionKind::AmountOff { amount, .. } => {
                minor(*amount).map_or((FastKind::None, 0, 0), |m| (FastKind::AmountOff, m, 0))
            }
            PromotionKind::FixedPrice { price, .. } => {
                minor(*price).map_or((FastKind::None, 0, 0), |m| (FastKind::FixedPrice, m, 0))
            }
            PromotionKind::BuyXGetY { buy_qty, get_qty, reward, .. } => {
                let (mantissa, aux) = match reward {
                    Reward::Free => (Some(0), 255),
                    Reward::PercentOff(pc) => (u32::try_from(pc.mantissa()).ok(), pc.scale() as u8),
                };
                match (u16::try_from(*buy_qty), u16::try_from(*get_qty), mantissa) {
                    (Ok(x), Ok(y), Some(m)) => {
                        (FastKind::BuyXGetY, (i64::from(m) << 32) | (i64::from(y) << 16) | i64::from(x), aux)
                    }
                    _ => (FastKind::None, 0, 0),
                }
            }
            PromotionKind::MixAndMatch { count, price, .. } => {
                let price_minor = price.checked_mul(scale);
                match (u16::try_from(*count), price_minor) {
                    (Ok(n), Some(pm)) if pm.mantissa() >= 0 && pm.mantissa() < 1 << 47 => (
                        FastKind::MixAndMatch,
                        ((pm.mantissa() as i64) << 16) | i64::from(n),
                        pm.scale() as u8,
                    ),
                    _ => (FastKind::None, 0, 0),
                }
            }
            _ => (FastKind::None, 0, 0),
        };
        Meta {
            figure,
            cap_minor: s.cap.map_or(i64::MAX, |cap| {
                RoundingMode::Down.round(cap * scale, 0).to_i64().unwrap_or(i64::MAX)
            }),
            priority: s.priority,
            kind,
            aux,
            exclusive: s.stacking == Stacking::Exclusive,
            gated: s.window.is_some()
                || s.members_only
                || !s.tiers.is_empty()
                || !s.customer_groups.is_empty()
                || s.coupon.is_some()
                || s.max_uses.is_some(),
        }
    }

    /// The integer form, unpacked.
    fn fast(&self) -> Fast {
        let f = self.figure;
        match self.kind {
            FastKind::None => Fast::None,
            FastKind::Percent => Fast::Percent { num: f, den: POW10[usize::from(self.aux)] },
            FastKind::AmountOff => Fast::AmountOff(f),
            FastKind::FixedPrice => Fast::FixedPrice(f),
            FastKind::BuyXGetY => Fast::BuyXGetY {
                x: (f & 0xFFFF) as u32,
                y: ((f >> 16) & 0xFFFF) as u32,
                reward: match self.aux {
                    255 => Reward::Free,
                    scale => Reward::PercentOff(Decimal::from_i128_with_scale(
                        i128::from(f >> 32),
                        u32::from(scale),
                    )),
                },
            },
            FastKind::MixAndMatch => Fast::MixAndMatch {
                count: (f & 0xFFFF) as u32,
                price_minor: Decimal::from_i128_with_scale(i128::from(f >> 16), u32::from(self.aux)),
            },
        }
    }
}

/// Buffers reused by every promotion of one pricing run, so applying a promotion allocates
/// nothing.
#[derive(Default)]
struct Scratch {
    ints: Vec<(usize, i64)>,
    lines: Vec<usize>,
    shares: Vec<i64>,
    remainders: Vec<u64>,
    /// Exact per-line discounts of the `Decimal` path.
    weights: Vec<(usize, Decimal)>,
    /// Weights, caps and keys of an allocation.
    weights_int: Vec<i64>,
    caps: Vec<i64>,
    keys: Vec<u32>,
    /// Exact per-line discounts of the integer path of unit promotions.
    fractions: Vec<(usize, i128)>,
    /// Unit-based promotions (buy X get Y, mix-and-match).
    units: Units,
}

/// The buffers of one pricing run. The engine keeps a few between runs (see [`Pool`]), so
/// that pricing a basket allocates little besides its result.
#[derive(Default)]
struct Workspace {
    infos: Vec<LineInfo>,
    /// (promotion, line, role) packed in one word, so that sorting groups them cheaply:
    /// promotion in the high 32 bits, then the line, then the role in the low 2 bits.
    hits: Vec<u64>,
    /// The lines (with their roles) each item promotion looks at, as ranges of `targets`.
    targets: Vec<(usize, u8)>,
    item_promos: Vec<(u32, std::ops::Range<usize>)>,
    stackable: Vec<usize>,
    exclusive: Vec<usize>,
    basket_promos: Vec<u32>,
    state: State,
    alt: State,
    sc: Scratch,
    ex: Exclusives,
    applied: Vec<(u32, i64)>,
    /// Per line: its tax.
    taxes: Vec<i64>,
    /// This run's handle on the engine's labels, which the discounts it prices cite.
    labels: Option<Arc<Labels>>,
}

impl Workspace {
    /// Whether keeping it is worth its memory: not after a giant basket.
    fn worth_keeping(&self) -> bool {
        self.infos.capacity() <= 4_096 && self.state.log.capacity() <= 65_536
    }
}

/// Buffers of the exclusive item promotions' trials.
#[derive(Default)]
struct Exclusives {
    candidates: Vec<Candidate>,
    /// The trial logs of all candidates, one after the other.
    logs: Vec<(Src, usize, i64)>,
    /// The lines each candidate takes, sorted, one list after the other.
    taken: Vec<usize>,
    /// Per line: whether a candidate takes it.
    touched: Vec<bool>,
    /// Per line: what the stackable promotions would give it.
    displaced: Vec<i64>,
    component: Vec<usize>,
    chosen: Vec<usize>,
    members: Vec<usize>,
    current: Vec<usize>,
}

/// An exclusive promotion tried on its own: its discount and the lines it takes, as ranges of
/// the buffers in [`Exclusives`].
struct Candidate {
    promo: u32,
    log: std::ops::Range<usize>,
    lines: std::ops::Range<usize>,
    gain: i64,
}

/// Workspaces kept by an engine for its next pricing runs, one per run in flight. A clone of
/// the engine starts with none.
#[derive(Default)]
#[allow(clippy::vec_box, reason = "a workspace is dozens of vectors: a box moves as one pointer")]
struct Pool(std::sync::Mutex<Vec<Box<Workspace>>>);

/// More workspaces than this are dropped: as many pricing runs in flight at once are rare.
const POOLED: usize = 16;

impl Pool {
    fn take(&self) -> Box<Workspace> {
        self.0.lock().ok().and_then(|mut pool| pool.pop()).unwrap_or_default()
    }

    fn put_back(&self, ws: Box<Workspace>) {
        if ws.worth_keeping()
            && let Ok(mut pool) = self.0.lock()
            && pool.len() < POOLED
        {
            pool.push(ws);
        }
    }
}

impl Clone for Pool {
    fn clone(&self) -> Self {
        Pool::default()
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}

/// Static facts about a line during pricing.
struct LineInfo {
    id: u32,
    pieces: Option<u32>,
    quantity: Decimal,
    unit_price: Decimal,
    base: i64,
    tax_rate: Decimal,
    tax_slot: usize,
    /// Whether the basket line has a manual discount.
    manual: bool,
    /// The product's number in the catalog.
    product: u32,
}

/// Who caused a committed discount: a promotion index or a manual action.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Src {
    Promo(u32),
    ManualLine,
    ManualBasket,
}

/// The mutable part of a pricing run; trials append to its log and roll back.
#[derive(Default)]
struct State {
    remaining: Vec<i64>,
    claimed: Vec<bool>,
    log: Vec<(Src, usize, i64)>,
}

impl State {
    fn commit(&mut self, src: Src, lines: &[usize], shares: &[i64]) -> i64 {
        let mut total = 0;
        for (&l, &s) in lines.iter().zip(shares) {
            if s > 0 {
                self.remaining[l] -= s;
                self.log.push((src, l, s));
                total += s;
            }
        }
        total
    }

    /// Back to the state before any discount: every line has its base amount left.
    fn reset(&mut self, infos: &[LineInfo]) {
        self.remaining.clear();
        self.remaining.extend(infos.iter().map(|l| l.base));
        self.claimed.clear();
        self.claimed.resize(infos.len(), false);
        self.log.clear();
    }

    fn discount_total(&self) -> i64 {
        self.log.iter().map(|e| e.2).sum()
    }
}

impl PricingEngine {
    /// Starts building an engine for a store.
    pub fn builder(store: StoreConfig) -> PricingEngineBuilder {
        PricingEngineBuilder { store, promotions: Vec::new() }
    }

    /// The store configuration.
    pub fn store(&self) -> &StoreConfig {
        &self.store
    }

    /// Number of promotions.
    pub fn promotion_count(&self) -> usize {
        self.promotions.len()
    }

    fn scale(&self) -> Decimal {
        Decimal::from(10_i64.pow(self.store.currency.minor_units()))
    }

    fn to_minor_exact(&self, amount: Decimal) -> Result<i64, CoreError> {
        let scaled = self.store.rounding.round(amount * self.scale(), 0);
        scaled.to_i64().ok_or(CoreError::Overflow { operation: "amount in minor units" })
    }

    fn round_minor(&self, exact_minor: Decimal) -> i64 {
        self.store.rounding.round(settle(exact_minor), 0).to_i64().unwrap_or(i64::MAX)
    }

    fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.store.currency)
    }

    /// Prices a basket.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] when the catalog is in another currency,
    /// [`CoreError::UnknownSku`] for a line whose product is not in the catalog,
    /// [`CoreError::InvalidQuantity`] when a line's unit differs from the product's,
    /// [`CoreError::InvalidField`] naming `tax_class` for a product whose class has no rate,
    /// [`CoreError::Overflow`] for amounts beyond the representable range.
    pub fn price(
        &self,
        catalog: &Catalog,
        basket: &Basket,
        ctx: &PricingContext,
    ) -> Result<PricedBasket, CoreError> {
        let mut ws = self.workspaces.take();
        let priced = self.price_in(&mut ws, catalog, basket, ctx);
        self.workspaces.put_back(ws);
        priced
    }

    /// [`Self::price`] with the buffers of `ws`.
    fn price_in(
        &self,
        ws: &mut Workspace,
        catalog: &Catalog,
        basket: &Basket,
        ctx: &PricingContext,
    ) -> Result<PricedBasket, CoreError> {
        let Workspace {
            infos,
            hits,
            targets,
            item_promos,
            stackable,
            exclusive,
            basket_promos,
            state,
            alt,
            sc,
            ex,
            applied,
            taxes,
            labels,
        } = ws;
        let currency = self.store.currency;
        if catalog.currency() != currency {
            return Err(CoreError::CurrencyMismatch {
                left: currency.code().to_owned(),
                right: catalog.currency().code().to_owned(),
            });
        }
        let local = ctx.at.with_timezone(&self.store.time_zone).naive_local();
        let customer = basket.customer();
        let price_lists =
            catalog.applicable_price_lists(&self.store.id, customer.group.as_deref(), local.date());

        // 1. Resolve lines.
        let n = basket.lines().len();
        if n >= 1 << 30 {
            return Err(CoreError::invalid("lines", "a basket holds fewer than 2^30 lines"));
        }
        infos.clear();
        let mut products = Vec::with_capacity(n);
        let mut tax_slots: Vec<(&str, Decimal)> = Vec::new();
        // Per catalog tax class: its slot in `tax_slots`, resolved at its first line.
        let mut class_slots: SmallVec<[usize; 8]> =
            SmallVec::from_elem(usize::MAX, catalog.tax_class_count());
        hits.clear();
        let table = (!self.promotions.is_empty())
            .then(|| self.product_table.table(&self.by_sku, &self.by_category, &self.all_items, catalog));
        for bl in basket.lines() {
            let (product, slot_facts) = catalog
                .product_in_slot(&bl.sku)
                .ok_or_else(|| CoreError::UnknownSku { sku: bl.sku.to_string() })?;
            if product.unit != bl.quantity.unit() {
                return Err(CoreError::InvalidQuantity {
                    quantity: bl.quantity.value(),
                    reason: format!(
                        "`{}` is sold in {:?}, not {:?}",
                        bl.sku,
                        product.unit,
                        bl.quantity.unit()
                    ),
                });
            }
            let unit_price = match &bl.price_override {
                Some(o) => o.price(),
                None => {
                    price_lists.iter().find_map(|l| l.prices.get(&bl.sku).copied()).unwrap_or(product.price)
                }
            };
            let qty = bl.quantity.value();
            let base = match bl.embedded_price {
                Some(p) if bl.price_override.is_none() => self.to_minor_exact(p)?,
                _ => self.to_minor_exact(
                    unit_price.checked_mul(qty).ok_or(CoreError::Overflow { operation: "line amount" })?,
                )?,
            };
            let class = slot_facts.tax_class as usize;
            if class_slots[class] == usize::MAX {
                let rate = self.store.tax.rate(catalog.tax_class(slot_facts.tax_class))?;
                class_slots[class] =
                    match tax_slots.iter().position(|(l, r)| *l == rate.label() && *r == rate.rate()) {
                        Some(s) => s,
                        None => {
                            tax_slots.push((rate.label(), rate.rate()));
                            tax_slots.len() - 1
                        }
                    };
            }
            let slot = class_slots[class];
            infos.push(LineInfo {
                id: bl.id,
                pieces: bl.quantity.pieces(),
                quantity: qty,
                unit_price: match bl.embedded_price {
                    Some(p) if bl.price_override.is_none() => p,
                    _ => unit_price,
                },
                base,
                tax_rate: tax_slots[slot].1,
                tax_slot: slot,
                manual: bl.discount.is_some(),
                product: slot_facts.number,
            });
            products.push(product);
        }
        // Promotions that look at each line. A loop of its own, so that the reads of many
        // lines' rows are in flight at once instead of each waiting behind a line's arithmetic.
        if let Some(table) = &table {
            for (idx, info) in infos.iter().enumerate() {
                let line = u64::from(idx as u32) << 2;
                hits.extend(
                    table
                        .get(info.product)
                        .iter()
                        .map(|&(p, role)| u64::from(p) << 32 | line | u64::from(role)),
                );
            }
        }

        // 2. Eligible item promotions with the lines each one looks at.
        hits.sort_unstable();
        // One flat list of (line, role) per promotion, as ranges into `targets`.
        targets.clear();
        item_promos.clear();
        for &hit in hits.iter() {
            let (p, line, role) = ((hit >> 32) as u32, (hit as u32 >> 2) as usize, (hit & 3) as u8);
            match item_promos.last_mut() {
                Some((lp, range)) if *lp == p => match targets.last_mut() {
                    Some((ll, r)) if *ll == line => *r |= role,
                    _ => {
                        targets.push((line, role));
                        range.end += 1;
                    }
                },
                _ => {
                    targets.push((line, role));
                    item_promos.push((p, targets.len() - 1..targets.len()));
                }
            }
        }
        let facts = GateFacts::new(basket, local);
        let passes = |p: u32| {
            !self.meta[p as usize].gated
                || (!self.gates[p as usize].rejects(&facts)
                    && self.eligible(&self.promotions[p as usize], basket, local, ctx))
        };
        item_promos.retain(|(p, _)| passes(*p));
        let order = |a: &u32, b: &u32| {
            let (pa, pb) = (&self.meta[*a as usize], &self.meta[*b as usize]);
            pb.priority.cmp(&pa.priority).then(a.cmp(b))
        };
        // Stackable ones in promotion order, which is application order: priority (higher
        // first), then id.
        stackable.clear();
        exclusive.clear();
        for (i, (p, _)) in item_promos.iter().enumerate() {
            if self.meta[*p as usize].exclusive {
                exclusive.push(i);
            } else {
                stackable.push(i);
            }
        }

        // Item phase.
        state.reset(infos);
        if exclusive.is_empty() {
            for &i in stackable.iter() {
                let lines = &targets[item_promos[i].1.clone()];
                self.apply_item(item_promos[i].0, lines, infos, state, sc);
            }
        } else {
            self.apply_item_with_exclusives(item_promos, targets, stackable, exclusive, infos, state, sc, ex);
        }
        self.apply_manual_lines(basket, infos, state);

        // 4. Basket phase.
        basket_promos.clear();
        basket_promos.extend(self.basket_level.iter().copied().filter(|p| passes(*p)));
        basket_promos.sort_unstable_by(&order);
        for &p in basket_promos.iter() {
            if !self.meta[p as usize].exclusive {
                self.apply_basket(p, infos, state, sc);
            }
        }
        // An exclusive basket promotion excludes all others: priced on its own, in id order, it
        // replaces the result when it gives the customer more.
        let mut best_total = state.discount_total();
        let mut exclusive_basket: SmallVec<[u32; 8]> =
            basket_promos.iter().copied().filter(|p| self.meta[*p as usize].exclusive).collect();
        exclusive_basket.sort_unstable_by_key(|p| self.id_rank[*p as usize]);
        for p in exclusive_basket {
            alt.reset(infos);
            self.apply_manual_lines(basket, infos, alt);
            self.apply_basket(p, infos, alt, sc);
            let t = alt.discount_total();
            if t > best_total {
                best_total = t;
                std::mem::swap(state, alt);
            }
        }

        // 5. Manual basket discount.
        if let Some(d) = basket.discount() {
            let subtotal: i64 = state.remaining.iter().sum();
            let want = match d.kind() {
                ManualDiscountKind::Percent(p) => {
                    self.round_minor(Decimal::from(subtotal) * p / Decimal::ONE_HUNDRED)
                }
                ManualDiscountKind::Amount(a) => self.to_minor_exact(a)?,
            };
            self.spread(Src::ManualBasket, want, infos, state, sc);
        }

        // 6. Tax.
        self.taxes(infos, &state.remaining, tax_slots.len(), sc, taxes);

        // Assemble: the lines first, then each discount straight into its line.
        let tax_mode = self.store.tax.mode();
        let mut lines = Vec::with_capacity(n);
        let mut per_slot = vec![(0_i64, 0_i64, 0_i64); tax_slots.len()];
        for (i, info) in infos.iter().enumerate() {
            let rest = state.remaining[i];
            let tax = taxes[i];
            let (net, gross) = match tax_mode {
                TaxMode::Inclusive => (rest - tax, rest),
                TaxMode::Exclusive => (rest, rest + tax),
            };
            let slot = &mut per_slot[info.tax_slot];
            slot.0 += net;
            slot.1 += tax;
            slot.2 += gross;
            let bl = &basket.lines()[i];
            lines.push(PricedLine {
                line_id: info.id,
                sku: bl.sku.clone(),
                name: products[i].name.clone(),
                quantity: bl.quantity,
                unit_price: Money::new(info.unit_price, currency),
                base: self.money(info.base),
                discounts: LineDiscounts::new(),
                tax_label: tax_slots[info.tax_slot].0.to_owned(),
                tax_rate: (info.tax_rate * Decimal::ONE_HUNDRED).normalize(),
                net: self.money(net),
                tax: self.money(tax),
                total: self.money(gross),
            });
        }
        applied.clear();
        let labels = &*labels.get_or_insert_with(|| Arc::new(Labels(self.labels.clone())));
        for &(src, l, amount) in &state.log {
            let source = match src {
                Src::Promo(p) => {
                    // A promotion commits once, so its entries are contiguous in the log.
                    match applied.last_mut() {
                        Some(e) if e.0 == p => e.1 += amount,
                        _ => applied.push((p, amount)),
                    }
                    DiscountSource::Promotion(PromotionRef { labels: labels.clone(), index: p })
                }
                Src::ManualLine => DiscountSource::ManualLine {
                    reason: basket.lines()[l]
                        .discount
                        .as_ref()
                        .map(|m| m.reason().to_owned())
                        .unwrap_or_default(),
                },
                Src::ManualBasket => DiscountSource::ManualBasket {
                    reason: basket.discount().map(|m| m.reason().to_owned()).unwrap_or_default(),
                },
            };
            lines[l].discounts.push(LineDiscount { source, amount: self.money(amount) });
        }
        // Each promotion commits once (a trial that is not kept is rolled back), so its
        // entries are one run of the log and it appears once here.
        debug_assert!({
            let mut ids: Vec<u32> = applied.iter().map(|a| a.0).collect();
            ids.sort_unstable();
            ids.windows(2).all(|w| w[0] != w[1])
        });
        let subtotal: i64 = infos.iter().map(|l| l.base).sum();
        let total: i64 = lines.iter().filter_map(|l| l.total.to_minor()).sum();
        let tax_total: i64 = taxes.iter().sum();
        let promotions: Vec<AppliedPromotion> = applied
            .iter()
            .map(|&(p, amount)| {
                let meta = &self.meta[p as usize];
                AppliedPromotion {
                    promotion: PromotionRef { labels: labels.clone(), index: p },
                    amount: self.money(amount),
                    // Only a gated promotion can have a coupon: the others' specs stay untouched.
                    coupon: if meta.gated { self.promotions[p as usize].spec().coupon.clone() } else { None },
                }
            })
            .collect();
        let unused_coupons = basket
            .coupons()
            .iter()
            .filter(|c| !promotions.iter().any(|p| p.coupon.as_deref() == Some(c.as_str())))
            .cloned()
            .collect();
        // Same order as `breakdown`: by label, then rate.
        let mut taxes: Vec<TaxBreakdown> = tax_slots
            .iter()
            .zip(per_slot)
            .map(|((label, rate), (net, tax, gross))| TaxBreakdown {
                label: (*label).to_owned(),
                rate: (*rate * Decimal::ONE_HUNDRED).normalize(),
                net: self.money(net),
                tax: self.money(tax),
                gross: self.money(gross),
            })
            .collect();
        taxes.sort_by(|a, b| a.label.cmp(&b.label).then(a.rate.cmp(&b.rate)));
        Ok(PricedBasket {
            currency,
            tax_mode,
            taxes,
            lines,
            subtotal: self.money(subtotal),
            discount_total: self.money(state.discount_total()),
            tax_total: self.money(tax_total),
            total: self.money(total),
            promotions,
            unused_coupons,
        })
    }

    fn eligible(
        &self,
        p: &Promotion,
        basket: &Basket,
        local: chrono::NaiveDateTime,
        ctx: &PricingContext,
    ) -> bool {
        let s = p.spec();
        let c = basket.customer();
        s.window.as_ref().is_none_or(|w| w.contains(local))
            && (!s.members_only || c.member_id.is_some())
            && (s.tiers.is_empty() || c.tier.as_ref().is_some_and(|t| s.tiers.contains(t)))
            && (s.customer_groups.is_empty()
                || c.group.as_ref().is_some_and(|g| s.customer_groups.contains(g)))
            && s.coupon.as_ref().is_none_or(|code| basket.coupons().contains(code))
            && s.max_uses.is_none_or(|max| ctx.promotion_uses.get(p.id()).copied().unwrap_or(0) < max)
    }

    /// Item phase with exclusive promotions competing for lines.
    #[allow(clippy::too_many_arguments)]
    fn apply_item_with_exclusives(
        &self,
        item_promos: &[(u32, std::ops::Range<usize>)],
        targets: &[(usize, u8)],
        stackable: &[usize],
        exclusive: &[usize],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
        ex: &mut Exclusives,
    ) {
        // Each exclusive promotion on its own: its discount and the lines it takes. The logs and
        // line lists of all candidates share two flat buffers; a candidate holds ranges.
        let Exclusives { candidates, logs, taken, touched, displaced, component, chosen, members, current } =
            ex;
        let n = state.remaining.len();
        candidates.clear();
        logs.clear();
        taken.clear();
        touched.clear();
        touched.resize(n, false);
        for &i in exclusive {
            // A trial on the live state, rolled back at once: applying reads only `remaining`
            // and `claimed` and appends to the log.
            let mark = state.log.len();
            let value =
                self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
            let log_start = logs.len();
            for e in state.log.drain(mark..) {
                state.remaining[e.1] += e.2;
                logs.push(e);
            }
            if value <= 0 {
                logs.truncate(log_start);
                continue;
            }
            let lines_start = taken.len();
            taken.extend(logs[log_start..].iter().map(|e| e.1));
            taken[lines_start..].sort_unstable();
            let mut kept = lines_start;
            for j in lines_start..taken.len() {
                if j == lines_start || taken[j] != taken[kept - 1] {
                    taken[kept] = taken[j];
                    kept += 1;
                }
            }
            taken.truncate(kept);
            for &l in &taken[lines_start..] {
                touched[l] = true;
            }
            candidates.push(Candidate {
                promo: item_promos[i].0,
                log: log_start..logs.len(),
                lines: lines_start..taken.len(),
                gain: value,
            });
        }
        // What the stackable promotions would give those lines instead: the gain of an exclusive
        // promotion is its discount minus what it displaces. Stackables that touch none of
        // those lines cannot be displaced and are left out of the estimate. They run on the
        // live state and are rolled back, like the trials above.
        let mark = state.log.len();
        for &i in
            stackable.iter().filter(|i| targets[item_promos[**i].1.clone()].iter().any(|(l, _)| touched[*l]))
        {
            self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
        }
        displaced.clear();
        displaced.resize(n, 0);
        for (_, l, amount) in state.log.drain(mark..) {
            state.remaining[l] += amount;
            displaced[l] += amount;
        }
        for c in candidates.iter_mut() {
            c.gain -= taken[c.lines.clone()].iter().map(|l| displaced[*l]).sum::<i64>();
        }
        candidates.retain(|c| c.gain > 0);
        candidates.sort_by_key(|c| self.id_rank[c.promo as usize]);

        let overlaps = |a: &[usize], b: &[usize]| {
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => return true,
                }
            }
            false
        };
        let cands: Vec<(&[usize], i64)> =
            candidates.iter().map(|c| (&taken[c.lines.clone()], c.gain)).collect();
        // Connected components of the conflict graph, each solved on its own.
        let k = candidates.len();
        component.clear();
        component.resize(k, usize::MAX);
        chosen.clear();
        for start in 0..k {
            if component[start] != usize::MAX {
                continue;
            }
            members.clear();
            members.push(start);
            component[start] = start;
            let mut q = 0;
            while q < members.len() {
                let a = members[q];
                for b in 0..k {
                    if component[b] == usize::MAX && overlaps(cands[a].0, cands[b].0) {
                        component[b] = start;
                        members.push(b);
                    }
                }
                q += 1;
            }
            if members.len() == 1 {
                chosen.push(start);
                continue;
            }
            members.sort_unstable();
            if members.len() <= EXHAUSTIVE_LIMIT {
                let mut best = (0_i64, Vec::new());
                current.clear();
                search(&cands, members, 0, 0, current, &mut best, &overlaps);
                chosen.extend(best.1);
            } else {
                let mut by_gain = members.clone();
                by_gain.sort_by(|a, b| cands[*b].1.cmp(&cands[*a].1).then(a.cmp(b)));
                let first = chosen.len();
                for c in by_gain {
                    if chosen[first..].iter().all(|t| !overlaps(cands[*t].0, cands[c].0)) {
                        chosen.push(c);
                    }
                }
            }
        }
        chosen.sort_unstable();
        for &c in chosen.iter() {
            let cand = &candidates[c];
            for &(src, l, amount) in &logs[cand.log.clone()] {
                state.remaining[l] -= amount;
                state.log.push((src, l, amount));
            }
            for &l in &taken[cand.lines.clone()] {
                state.claimed[l] = true;
            }
        }
        for &i in stackable {
            self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
        }
    }

    /// Evaluates one item promotion on the unclaimed lines and commits it. Returns the discount.
    fn apply_item(
        &self,
        p: u32,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        let meta = &self.meta[p as usize];
        // Most promotions meet one line of a basket.
        if let [(l, _)] = *lines
            && let Some(total) = self.one_line(meta, l, infos, state)
        {
            if total <= 0 {
                return 0;
            }
            return state.commit(Src::Promo(p), &[l], &[total]);
        }
        let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
        // Integer fast paths: the exact discount is a whole number of minor units (amount off,
        // fixed price on whole pieces) or a ratio rounded once (percent off).
        sc.ints.clear();
        let exact_minor: Option<i64> = match meta.fast() {
            Fast::Percent { num, den } => {
                // Proportional to what each line has left: integer weights, one exact total.
                sc.ints.extend(lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| (l, state.remaining[l])));
                let base: i64 = sc.ints.iter().map(|w| w.1).sum();
                let rounded =
                    self.store.rounding.round_ratio(i128::from(base) * i128::from(num), i128::from(den));
                Some(i64::try_from(rounded).unwrap_or(i64::MAX))
            }
            Fast::AmountOff(per_unit) => {
                let mut ok = true;
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    match infos[l].pieces.and_then(|n| per_unit.checked_mul(i64::from(n))) {
                        Some(off) => sc.ints.push((l, off.min(state.remaining[l]))),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok.then(|| sc.ints.iter().map(|w| w.1).sum())
            }
            Fast::FixedPrice(per_unit) => {
                let mut ok = true;
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    match infos[l].pieces.and_then(|n| per_unit.checked_mul(i64::from(n))) {
                        Some(target) if state.remaining[l] > target => {
                            sc.ints.push((l, state.remaining[l] - target));
                        }
                        Some(_) => {}
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok.then(|| sc.ints.iter().map(|w| w.1).sum())
            }
            Fast::BuyXGetY { x, y, reward } => {
                return self.apply_units(p, UnitRule::BuyXGetY(x, y, reward), true, lines, infos, state, sc);
            }
            Fast::MixAndMatch { count, price_minor } => {
                return self.apply_units(
                    p,
                    UnitRule::MixAndMatch(count, price_minor),
                    true,
                    lines,
                    infos,
                    state,
                    sc,
                );
            }
            Fast::None => None,
        };
        if let Some(total) = exact_minor {
            return self.commit_int(p, total, infos, state, sc);
        }
        sc.ints.clear();
        self.apply_item_exact(p, lines, infos, state, sc)
    }

    /// The capped discount of a percent-off, amount-off or fixed-price promotion on line `l`
    /// alone: what the general path of [`Self::apply_item`] gives for one line, without its
    /// buffers. `None` for other kinds and for weighed goods, which that path prices.
    fn one_line(&self, meta: &Meta, l: usize, infos: &[LineInfo], state: &State) -> Option<i64> {
        let left = state.remaining[l];
        if state.claimed[l] || left <= 0 {
            return Some(0);
        }
        let off = match meta.kind {
            FastKind::Percent => {
                let den = POW10[usize::from(meta.aux)];
                let rounded = self
                    .store
                    .rounding
                    .round_ratio(i128::from(left) * i128::from(meta.figure), i128::from(den));
                i64::try_from(rounded).unwrap_or(i64::MAX)
            }
            FastKind::AmountOff => meta.figure.checked_mul(i64::from(infos[l].pieces?))?.min(left),
            FastKind::FixedPrice => (left - meta.figure.checked_mul(i64::from(infos[l].pieces?))?).max(0),
            _ => return None,
        };
        Some(off.min(meta.cap_minor).min(left))
    }

    /// [`Self::apply_item`] in `Decimal` arithmetic, for any figures and quantities.
    fn apply_item_exact(
        &self,
        p: u32,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        let spec = self.promotions[p as usize].spec();
        let scale = self.scale();
        let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
        match &spec.kind {
            PromotionKind::PercentOff { percent, .. } => {
                sc.ints.extend(lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| (l, state.remaining[l])));
                let base: i64 = sc.ints.iter().map(|w| w.1).sum();
                let exact = Decimal::from(base) * *percent / Decimal::ONE_HUNDRED;
                return self.commit_int(p, self.round_minor(exact), infos, state, sc);
            }
            PromotionKind::BuyXGetY { buy_qty, get_qty, reward, .. } => {
                let rule = UnitRule::BuyXGetY(*buy_qty, *get_qty, *reward);
                return self.apply_units(p, rule, false, lines, infos, state, sc);
            }
            PromotionKind::MixAndMatch { count, price, .. } => {
                let rule = UnitRule::MixAndMatch(*count, *price * scale);
                return self.apply_units(p, rule, false, lines, infos, state, sc);
            }
            _ => {}
        }
        // Exact discount per line, in minor units at full precision.
        let mut weights = std::mem::take(&mut sc.weights);
        weights.clear();
        match &spec.kind {
            PromotionKind::AmountOff { amount, .. } => {
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    let off = *amount * scale * infos[l].quantity;
                    weights.push((l, off.min(Decimal::from(state.remaining[l]))));
                }
            }
            PromotionKind::FixedPrice { price, .. } => {
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    let target = *price * scale * infos[l].quantity;
                    let off = Decimal::from(state.remaining[l]) - target;
                    if off > Decimal::ZERO {
                        weights.push((l, off));
                    }
                }
            }
            _ => {}
        }
        self.commit_weights(p, weights, infos, state, sc)
    }

    /// A unit-based promotion (buy X get Y, mix-and-match) on the unclaimed lines, committed.
    /// With `whole`, units worth whole minor units are priced in integers (the same result).
    #[allow(clippy::too_many_arguments)]
    fn apply_units(
        &self,
        p: u32,
        rule: UnitRule,
        whole: bool,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        if whole {
            let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
            let mut parts = std::mem::take(&mut sc.fractions);
            let fractions = match rule {
                UnitRule::BuyXGetY(x, y, reward) => {
                    buy_x_get_y_whole(lines, infos, state, &open, (x, y, reward), &mut sc.units, &mut parts)
                }
                UnitRule::MixAndMatch(count, price_minor) => mix_and_match_whole(
                    lines,
                    infos,
                    state,
                    &open,
                    (count, price_minor),
                    &mut sc.units,
                    &mut parts,
                ),
            };
            let committed = fractions.and_then(|f| self.commit_fractions(p, f, infos, state, sc));
            sc.fractions = parts;
            if let Some(c) = committed {
                return c;
            }
        }
        // Units of fractional value: the `Decimal` path.
        let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
        let mut weights = std::mem::take(&mut sc.weights);
        weights.clear();
        match rule {
            UnitRule::BuyXGetY(x, y, reward) => {
                buy_x_get_y(lines, infos, state, &open, (x, y, reward), &mut sc.units, &mut weights);
            }
            UnitRule::MixAndMatch(count, price_minor) => {
                mix_and_match(lines, infos, state, &open, (count, price_minor), &mut sc.units, &mut weights);
            }
        }
        self.commit_weights(p, weights, infos, state, sc)
    }

    /// [`Self::commit_weights`] for discounts given as exact fractions of minor units: the same
    /// rounding and weights in integers. `None` when an amount is beyond what the decimal path
    /// represents exactly; that path then prices the promotion.
    fn commit_fractions(
        &self,
        p: u32,
        f: Fractions<'_>,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> Option<i64> {
        if f.parts.is_empty() {
            return Some(0);
        }
        let den = i128::from(f.den);
        let mut sum = 0_i128;
        for &(_, num) in f.parts {
            sum = sum.checked_add(num)?;
        }
        // Within 10^26 a sum with at most 9 decimals is exact in `Decimal`.
        if !(0..100_000_000_000_000_000_000_000_000).contains(&sum) {
            return None;
        }
        let rounded = i64::try_from(self.store.rounding.round_ratio(sum, den)).ok()?;
        sc.ints.clear();
        if f.parts.iter().all(|(_, num)| num % den == 0) {
            for &(l, num) in f.parts {
                sc.ints.push((l, i64::try_from(num / den).ok()?));
            }
        } else {
            // Weights in thousandths of a minor unit, rounded half to even as `Decimal::round`.
            for &(l, num) in f.parts {
                sc.ints.push((l, i64::try_from(RoundingMode::HalfEven.round_ratio(num * 1000, den)).ok()?));
            }
        }
        Some(self.commit_int(p, rounded, infos, state, sc))
    }

    /// Rounds the sum of the exact per-line discounts `weights` once, allocates it over those
    /// lines by weight and commits it; gives the buffer back to `sc`.
    fn commit_weights(
        &self,
        p: u32,
        weights: Vec<(usize, Decimal)>,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        if weights.is_empty() {
            sc.weights = weights;
            return 0;
        }
        let exact: Decimal = weights.iter().map(|w| w.1).sum();
        let rounded = self.round_minor(exact);
        sc.ints.clear();
        if weights.iter().all(|w| w.1.fract().is_zero()) {
            sc.ints.extend(weights.iter().map(|w| (w.0, w.1.to_i64().unwrap_or(i64::MAX))));
        } else {
            // Proportional shares need far less precision than the total: weights in
            // thousandths of a minor unit go through the exact integer allocator.
            sc.ints.extend(
                weights.iter().map(|w| {
                    (w.0, (w.1 * Decimal::ONE_THOUSAND).round().to_i64().unwrap_or(i64::MAX / 1024))
                }),
            );
        }
        sc.weights = weights;
        self.commit_int(p, rounded, infos, state, sc)
    }

    /// Caps the rounded discount `rounded` of promotion `p` (at most the promotion's cap and
    /// what the weighted lines in `sc.ints` have left), allocates it over those lines by weight
    /// and commits it. Returns what was committed.
    fn commit_int(
        &self,
        p: u32,
        rounded: i64,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        if sc.ints.is_empty() {
            return 0;
        }
        let room: i64 = sc.ints.iter().map(|w| state.remaining[w.0]).sum();
        let meta = &self.meta[p as usize];
        let total = rounded.min(meta.cap_minor).min(room);
        if total <= 0 {
            return 0;
        }
        if let [(l, _)] = sc.ints[..] {
            return state.commit(Src::Promo(p), &[l], &[total]);
        }
        sc.weights_int.clear();
        sc.caps.clear();
        sc.keys.clear();
        sc.lines.clear();
        for &(l, w) in &sc.ints {
            sc.weights_int.push(w);
            sc.caps.push(state.remaining[l]);
            sc.keys.push(infos[l].id);
            sc.lines.push(l);
        }
        allocate_int_into(total, &sc.weights_int, &sc.caps, &sc.keys, &mut sc.shares, &mut sc.remainders);
        state.commit(Src::Promo(p), &sc.lines, &sc.shares)
    }

    fn apply_manual_lines(&self, basket: &Basket, infos: &[LineInfo], state: &mut State) {
        for (l, info) in infos.iter().enumerate() {
            let Some(d) = info.manual.then(|| basket.lines()[l].discount.as_ref()).flatten() else {
                continue;
            };
            let rest = state.remaining[l];
            let off = match d.kind() {
                ManualDiscountKind::Percent(p) => {
                    self.round_minor(Decimal::from(rest) * p / Decimal::ONE_HUNDRED)
                }
                ManualDiscountKind::Amount(a) => self.round_minor(a * self.scale()),
            };
            let off = off.min(rest);
            if off > 0 {
                state.commit(Src::ManualLine, &[l], &[off]);
            }
        }
    }

    fn apply_basket(&self, p: u32, infos: &[LineInfo], state: &mut State, sc: &mut Scratch) -> i64 {
        let spec = self.promotions[p as usize].spec();
        let subtotal: i64 = state.remaining.iter().sum();
        if subtotal <= 0 {
            return 0;
        }
        let sub = Decimal::from(subtotal);
        let scale = self.scale();
        let reward = match &spec.kind {
            PromotionKind::BasketPercentOff { percent } => BasketReward::PercentOff(*percent),
            PromotionKind::BasketAmountOff { amount } => BasketReward::AmountOff(*amount),
            PromotionKind::SpendTiers { tiers } => {
                match tiers.iter().rev().find(|t| sub >= t.threshold * scale) {
                    Some(t) => t.reward,
                    None => return 0,
                }
            }
            _ => return 0,
        };
        let exact = match reward {
            BasketReward::PercentOff(pc) => sub * pc / Decimal::ONE_HUNDRED,
            BasketReward::AmountOff(a) => (a * scale).min(sub),
        };
        let meta = &self.meta[p as usize];
        let total = self.round_minor(exact).min(meta.cap_minor).min(subtotal);
        if total <= 0 {
            return 0;
        }
        self.spread(Src::Promo(p), total, infos, state, sc)
    }

    /// Spreads `total` over the lines in proportion to what each has left (a line with nothing
    /// left gets nothing) and commits it.
    fn spread(&self, src: Src, total: i64, infos: &[LineInfo], state: &mut State, sc: &mut Scratch) -> i64 {
        sc.keys.clear();
        sc.keys.extend(infos.iter().map(|l| l.id));
        let remaining = &state.remaining;
        allocate_int_into(total, remaining, remaining, &sc.keys, &mut sc.shares, &mut sc.remainders);
        let mut committed = 0;
        for (l, &share) in sc.shares.iter().enumerate() {
            if share > 0 {
                state.remaining[l] -= share;
                state.log.push((src, l, share));
                committed += share;
            }
        }
        committed
    }

    /// Tax per line, rounded per line or per document and rate.
    /// Tax per line into `out`, rounded per line or per document and rate; `sc` lends its
    /// buffers.
    fn taxes(&self, infos: &[LineInfo], amounts: &[i64], slots: usize, sc: &mut Scratch, out: &mut Vec<i64>) {
        let tax = &self.store.tax;
        let round = |d: Decimal| tax.rounding_mode().round(settle(d), 0).to_i64().unwrap_or(0);
        out.clear();
        match tax.rounding() {
            TaxRounding::PerLine => out.extend(
                infos.iter().zip(amounts).map(|(i, a)| round(tax.exact_tax(Decimal::from(*a), i.tax_rate))),
            ),
            TaxRounding::PerDocument => {
                // Within one rate each line's exact tax is proportional to its amount, so the
                // document tax, rounded once, is allocated by amount in exact integer arithmetic.
                out.resize(infos.len(), 0);
                for slot in 0..slots {
                    let members = &mut sc.lines;
                    members.clear();
                    members.extend((0..infos.len()).filter(|i| infos[*i].tax_slot == slot));
                    let Some(&first) = members.first() else { continue };
                    sc.weights_int.clear();
                    sc.weights_int.extend(members.iter().map(|i| amounts[*i]));
                    sc.keys.clear();
                    sc.keys.extend(members.iter().map(|i| infos[*i].id));
                    let sum: i64 = sc.weights_int.iter().sum();
                    let total = round(tax.exact_tax(Decimal::from(sum), infos[first].tax_rate));
                    let weights = &sc.weights_int;
                    allocate_int_into(total, weights, weights, &sc.keys, &mut sc.shares, &mut sc.remainders);
                    for (i, share) in members.iter().zip(&sc.shares) {
                        out[*i] = *share;
                    }
                }
            }
        }
    }
}

/// Depth-first search for the disjoint subset of `members` with the largest total gain.
/// Members are visited in id order and only a strictly better total replaces the best, so ties
/// go to the combination found first.
fn search(
    cands: &[(&[usize], i64)],
    members: &[usize],
    at: usize,
    gain: i64,
    current: &mut Vec<usize>,
    best: &mut (i64, Vec<usize>),
    overlaps: &dyn Fn(&[usize], &[usize]) -> bool,
) {
    if at == members.len() {
        if gain > best.0 {
            *best = (gain, current.clone());
        }
        return;
    }
    // Upper bound: take every remaining member.
    let bound: i64 = gain + members[at..].iter().map(|m| cands[*m].1).sum::<i64>();
    if bound <= best.0 {
        return;
    }
    let m = members[at];
    if current.iter().all(|c| !overlaps(cands[*c].0, cands[m].0)) {
        current.push(m);
        search(cands, members, at + 1, gain + cands[m].1, current, best, overlaps);
        current.pop();
    }
    search(cands, members, at + 1, gain, current, best, overlaps);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::catalog::Product;
    use crate::quantity::Unit;

    /// A generated promotion: kind, SKU pick, figure mantissa and scale, cap, exclusive.
    type GenPromo = (u8, u8, u32, u16, Option<u32>, bool);

    /// The integer fast paths (percent off, amount off, fixed price) give exactly what the
    /// `Decimal` computation gives, and buy-X-get-Y and mix-and-match priced from the packed
    /// figures give what they give from the spec, for whole pieces and weighed goods, with
    /// caps, in a currency with and one without minor units.
    fn both_paths(
        germany: bool,
        lines: &[(u8, u32, bool)],
        promos: &[GenPromo],
    ) -> (PricedBasket, PricedBasket) {
        let store = if germany { StoreConfig::germany("s") } else { StoreConfig::korea("s") };
        let mut catalog = Catalog::new(store.currency);
        catalog.upsert_category("c", "c", None).unwrap();
        for i in 0..8_u32 {
            let price = Decimal::new(i64::from(199 + 350 * i), if germany { 2 } else { 0 });
            let mut p = Product::new(&format!("sku{i}"), "p", "c", "standard", price).unwrap();
            if i >= 6 {
                p = p.with_unit(Unit::Kg);
            }
            catalog.upsert_product(p).unwrap();
        }
        let mut basket = Basket::new();
        for &(sku, qty, _) in lines {
            let sku = sku % 8;
            let quantity = if sku >= 6 {
                Quantity::new(Decimal::new(i64::from(qty % 3000 + 1), 3), Unit::Kg).unwrap()
            } else {
                Quantity::each(qty % 5 + 1).unwrap()
            };
            basket.add(Sku::parse(&format!("sku{sku}")).unwrap(), quantity);
        }
        let mut list = Vec::new();
        for (i, &(kind, sku, figure, scale, cap, exclusive)) in promos.iter().enumerate() {
            let target =
                Target::items(&[&format!("sku{}", sku % 8), &format!("sku{}", (sku / 8) % 8)]).unwrap();
            let figure = Decimal::new(i64::from(figure % 5000 + 1), u32::from(scale % 4));
            let kind = match kind % 5 {
                0 => PromotionKind::PercentOff { target, percent: figure.min(Decimal::ONE_HUNDRED) },
                1 => PromotionKind::AmountOff { target, amount: figure },
                2 => PromotionKind::FixedPrice { target, price: figure },
                3 => PromotionKind::BuyXGetY {
                    buy: target.clone(),
                    buy_qty: 1 + figure.mantissa() as u32 % 3,
                    get: target,
                    get_qty: 1 + u32::from(scale % 2),
                    reward: if sku % 2 == 0 {
                        Reward::Free
                    } else {
                        Reward::PercentOff(figure.min(Decimal::ONE_HUNDRED))
                    },
                },
                _ => PromotionKind::MixAndMatch {
                    group: target,
                    count: 2 + figure.mantissa() as u32 % 3,
                    price: figure,
                },
            };
            let mut b = Promotion::builder(&format!("p{i}"), "p", kind).priority(i32::from(kind_priority(i)));
            if let Some(c) = cap {
                b = b.cap(Decimal::new(i64::from(c % 100_000 + 1), 2));
            }
            if exclusive {
                b = b.exclusive();
            }
            list.push(b.build().unwrap());
        }
        let engine = PricingEngine::builder(store).promotions(list).build().unwrap();
        let mut exact = engine.clone();
        for m in &mut exact.meta {
            m.kind = FastKind::None;
        }
        let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().unwrap());
        (engine.price(&catalog, &basket, &ctx).unwrap(), exact.price(&catalog, &basket, &ctx).unwrap())
    }

    fn kind_priority(i: usize) -> u8 {
        (i % 3) as u8
    }

    proptest! {
        #[test]
        fn integer_fast_paths_match_decimal(
            germany in any::<bool>(),
            lines in prop::collection::vec((any::<u8>(), any::<u32>(), any::<bool>()), 1..8),
            promos in prop::collection::vec(
                (any::<u8>(), any::<u8>(), any::<u32>(), any::<u16>(), prop::option::of(any::<u32>()), any::<bool>()),
                1..6,
            ),
        ) {
            let (fast, exact) = both_paths(germany, &lines, &promos);
            prop_assert_eq!(fast, exact);
        }
    }

    #[test]
    fn fast_paths_apply_and_match() {
        // sku0 x2 (each), sku1 x3, sku6 weighed: percent off, amount off, fixed price, with a cap.
        let lines = [(0, 1, false), (1, 2, false), (6, 1234, false), (9, 3, false)];
        let promos =
            [(0, 0, 1250, 2, None, false), (1, 1, 99, 2, Some(30_000), false), (2, 54, 7, 0, None, true)];
        for germany in [false, true] {
            let (fast, exact) = both_paths(germany, &lines, &promos);
            assert_eq!(fast, exact);
            assert_eq!(fast.promotions.len(), 3, "{:?}", fast.promotions);
        }
    }
}
