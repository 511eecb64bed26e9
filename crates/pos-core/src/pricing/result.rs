//! What pricing returns: priced lines with their discounts and the promotions that caused them,
//! the tax breakdown, the document totals, and the refund quote.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::PricingEngine;
use super::lines::Resolved;
use super::workspace::{Src, Workspace};
use crate::basket::Basket;
use crate::currency::Currency;
use crate::error::CoreError;
use crate::money::Money;
use crate::promotion::PromotionId;
use crate::quantity::Quantity;
use crate::rounding::CashRounding;
use crate::sku::Sku;
use crate::tax::TaxMode;

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
    pub(super) labels: Arc<Labels>,
    pub(super) index: u32,
}

/// The labels a [`PromotionRef`] points into.
#[derive(Debug)]
pub(super) struct Labels(pub(super) Arc<[PromotionLabel]>);

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

impl PricingEngine {
    /// The result: each line with its discounts (straight from the run's log, each citing its
    /// promotion or manual action), tax and totals; the promotions applied; the tax breakdown.
    pub(super) fn assemble(
        &self,
        basket: &Basket,
        resolved: &Resolved<'_>,
        ws: &mut Workspace,
    ) -> PricedBasket {
        let Workspace { infos, state, applied, taxes, labels, .. } = ws;
        let Resolved { products, tax_slots } = resolved;
        let currency = self.store.currency;
        let n = infos.len();
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
        PricedBasket {
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
        }
    }
}
