//! Tiers by rolling spend or visit count, evaluated automatically (upgrade and downgrade), and
//! their benefits expressed as pos-core promotions so the one pricing engine decides stacking.

use chrono::{DateTime, Months, Utc};
use pos_core::{CoreError, Promotion, PromotionKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What qualifies a member for a tier over the last 12 months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    /// Spend of at least this much.
    Spend(Decimal),
    /// At least this many purchases.
    Visits(u32),
}

/// A tier and its benefits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRule {
    /// Name (the `tier` in pos-core's customer context).
    pub name: String,
    /// Qualification.
    pub basis: TierBasis,
    /// Earn multiplier.
    pub earn_multiplier: Decimal,
    /// Percent off the basket for members of the tier.
    pub member_discount: Option<Decimal>,
}

/// A past purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// When.
    pub at: DateTime<Utc>,
    /// Amount paid (refunds as negative purchases lower the spend).
    pub amount: Decimal,
}

/// The tier a member has at `now`: the last rule (rules are listed lowest first) whose basis
/// the purchases of the 12 months before `now` meet. Evaluated from the history every time, so
/// members move up and down automatically.
pub fn evaluate_tier<'a>(
    rules: &'a [TierRule],
    purchases: &[Purchase],
    now: DateTime<Utc>,
) -> Option<&'a TierRule> {
    let since = now.checked_sub_months(Months::new(12)).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let window = purchases.iter().filter(|p| p.at > since && p.at <= now);
    let (spend, visits) = window.fold((Decimal::ZERO, 0_u32), |(s, v), p| {
        (s + p.amount, if p.amount > Decimal::ZERO { v + 1 } else { v })
    });
    rules.iter().rev().find(|r| match r.basis {
        TierBasis::Spend(min) => spend >= min,
        TierBasis::Visits(min) => visits >= min,
    })
}

/// The member-discount promotions of the tiers, gated by tier, for the pricing engine.
///
/// # Errors
/// [`CoreError::InvalidField`] when a tier's discount is not a valid percentage.
pub fn tier_promotions(rules: &[TierRule]) -> Result<Vec<Promotion>, CoreError> {
    rules
        .iter()
        .filter_map(|r| r.member_discount.map(|d| (r, d)))
        .map(|(r, percent)| {
            Promotion::builder(
                &format!("tier-{}", r.name),
                &format!("{} {}%", r.name, percent.normalize()),
                PromotionKind::BasketPercentOff { percent },
            )
            .tiers(&[&r.name])
            .build()
        })
        .collect()
}
