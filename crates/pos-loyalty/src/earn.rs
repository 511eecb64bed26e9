//! How many points a sale line earns.

use chrono::{DateTime, Utc};
use pos_core::{PricedLine, TaxMode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{EarnRate, LoyaltyConfig};

/// A sale line as loyalty sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLine {
    /// Line id in the sale.
    pub line_id: u32,
    /// SKU.
    pub sku: String,
    /// The line's category and its ancestors.
    pub categories: Vec<String>,
    /// Gross amount before discounts.
    pub base: Decimal,
    /// Gross amount paid after discounts.
    pub paid: Decimal,
    /// Tax contained in `paid`.
    pub tax: Decimal,
}

impl SaleLine {
    /// From a priced basket line, the basket's tax mode and the line's category path.
    pub fn from_priced(line: &PricedLine, tax_mode: TaxMode, categories: &[pos_core::CategoryId]) -> Self {
        // Loyalty compares gross amounts: a tax-exclusive base gets its rate added.
        let base = match tax_mode {
            TaxMode::Exclusive => line.base.amount() * (Decimal::ONE + line.tax_rate / Decimal::ONE_HUNDRED),
            _ => line.base.amount(),
        };
        SaleLine {
            line_id: line.line_id,
            sku: line.sku.to_string(),
            categories: categories.iter().map(|c| c.0.clone()).collect(),
            base,
            paid: line.total.amount(),
            tax: line.tax.amount(),
        }
    }
}

/// The multiplier of a line: the highest of its product and category multipliers (1 if none).
pub fn line_multiplier(config: &LoyaltyConfig, line: &SaleLine) -> Decimal {
    let product = config.product_multipliers.get(&line.sku).copied();
    let category = line.categories.iter().filter_map(|c| config.category_multipliers.get(c).copied()).max();
    product.into_iter().chain(category).max().unwrap_or(Decimal::ONE)
}

/// What a line earns on: what was paid (or the price before discounts), with or without tax,
/// less the part paid with points.
pub fn earn_basis(config: &LoyaltyConfig, line: &SaleLine, points_spent: i64) -> Decimal {
    if line.paid <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut basis = if config.earn_on_discounted { line.paid } else { line.base };
    if !config.earn_on_tax {
        basis = basis * (line.paid - line.tax) / line.paid;
    }
    let by_points = (Decimal::from(points_spent) * config.point_value).min(line.paid);
    basis * (line.paid - by_points) / line.paid
}

/// Exact (unrounded) points a line earns, given the points spent on it and the tier multiplier.
/// The part of a line paid with points earns nothing.
pub fn exact_points(
    config: &LoyaltyConfig,
    line: &SaleLine,
    points_spent: i64,
    tier_multiplier: Decimal,
    at: DateTime<Utc>,
) -> Decimal {
    let basis = earn_basis(config, line, points_spent);
    let raw = match config.earn {
        EarnRate::PerAmount { points, per } | EarnRate::PerFullAmount { points, per } => basis * points / per,
        EarnRate::Percent(p) => basis * p / Decimal::ONE_HUNDRED,
    };
    raw * line_multiplier(config, line) * config.event_multiplier(at) * tier_multiplier
}
