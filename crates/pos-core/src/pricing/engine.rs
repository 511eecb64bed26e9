//! The engine and its builder: promotions indexed by SKU and category, numbered in the order
//! stackable ones apply, each with its hot-path record and gate.

use std::sync::Arc;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rustc_hash::FxHashMap;

use super::config::{PricingContext, StoreConfig};
use super::gate::{Gate, GateFacts};
use super::index::{Index, ProductCache};
use super::meta::Meta;
use super::result::PromotionLabel;
use super::workspace::Pool;
use crate::basket::Basket;
use crate::error::CoreError;
use crate::limits::MAX_MINOR;
use crate::money::Money;
use crate::promotion::{Promotion, PromotionKind, Target};
use crate::rounding::settle;

/// A promotion looks at a line as what it discounts (or, for buy X get Y, what must be bought).
pub(super) const ROLE_MAIN: u8 = 1;
/// A buy-X-get-Y promotion looks at a line as what it gives.
pub(super) const ROLE_GET: u8 = 2;

/// Builds a [`PricingEngine`].
#[derive(Debug, Clone)]
pub struct PricingEngineBuilder {
    pub(super) store: StoreConfig,
    pub(super) promotions: Vec<Promotion>,
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
    pub(super) store: StoreConfig,
    pub(super) promotions: Vec<Promotion>,
    /// Per promotion, what the hot path needs: dense, so pricing rarely touches the specs.
    pub(super) meta: Vec<Meta>,
    /// Per promotion, a compact first look at its conditions (read only for gated ones).
    pub(super) gates: Vec<Gate>,
    pub(super) by_sku: Index,
    pub(super) by_category: Index,
    /// The indexes resolved for the products of the last catalog priced against.
    pub(super) product_table: ProductCache,
    pub(super) all_items: Vec<(u32, u8)>,
    pub(super) basket_level: Vec<u32>,
    /// Per promotion: its place in id order. Promotions are numbered in application order
    /// (priority, then id); exclusive choices break ties in id order.
    pub(super) id_rank: Vec<u32>,
    /// Per promotion: the id and name its discounts cite.
    pub(super) labels: Arc<[PromotionLabel]>,
    pub(super) workspaces: Pool,
}

/// What a pricing run checks promotions against: the basket, the moment, the usage so far.
pub(super) struct Run<'a> {
    pub(super) basket: &'a Basket,
    pub(super) ctx: &'a PricingContext,
    pub(super) local: chrono::NaiveDateTime,
    pub(super) facts: GateFacts,
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

    pub(super) fn scale(&self) -> Decimal {
        Decimal::from(10_i64.pow(self.store.currency.minor_units()))
    }

    /// `amount` in minor units, rounded at the line rounding point, within the domain's
    /// limits (see [`crate::limits`]).
    pub(super) fn to_minor_exact(&self, amount: Decimal) -> Result<i64, CoreError> {
        let out = || {
            CoreError::invalid("amount", format!("{amount} is beyond the limit of {MAX_MINOR} minor units"))
        };
        let scaled = self.store.rounding.round(amount.checked_mul(self.scale()).ok_or_else(out)?, 0);
        scaled.to_i64().filter(|m| m.abs() <= MAX_MINOR).ok_or_else(out)
    }

    pub(super) fn round_minor(&self, exact_minor: Decimal) -> i64 {
        self.store.rounding.round(settle(exact_minor), 0).to_i64().unwrap_or(i64::MAX)
    }

    pub(super) fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.store.currency)
    }

    pub(super) fn eligible(
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

    /// Whether promotion `p` applies in this run: its gate lets it through and its conditions
    /// hold (ungated promotions always apply).
    pub(super) fn passes(&self, run: &Run<'_>, p: u32) -> bool {
        !self.meta[p as usize].gated
            || (!self.gates[p as usize].rejects(&run.facts)
                && self.eligible(&self.promotions[p as usize], run.basket, run.local, run.ctx))
    }

    /// The order stackable promotions apply in: priority (higher first), then number.
    pub(super) fn application_order(&self, a: &u32, b: &u32) -> std::cmp::Ordering {
        let (pa, pb) = (&self.meta[*a as usize], &self.meta[*b as usize]);
        pb.priority.cmp(&pa.priority).then(a.cmp(b))
    }
}
