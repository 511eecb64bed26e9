//! What pricing needs to know about a promotion on its hot path, precomputed when the engine is
//! built: a 32-byte record per promotion, aligned so that one never straddles two cache lines.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::units::UnitRule;
use crate::promotion::{Promotion, PromotionKind, Reward, Stacking};
use crate::rounding::RoundingMode;

/// Applying an item promotion with an integer form reads this record and not the spec: the
/// figures are copied here, in named fields, because reading them from the spec instead costs
/// about 60 more last-level cache misses per basket at 10,000 promotions (cachegrind, the
/// pricing workload), some 5 % of its time.
#[derive(Debug, Clone)]
#[repr(align(32))]
pub(super) struct Meta {
    /// The integer figure (see [`FastKind`]).
    pub(super) figure: i64,
    /// The cap in minor units, rounded down; `i64::MAX` when there is none.
    pub(super) cap_minor: i64,
    pub(super) priority: i32,
    /// The unit counts of a unit promotion: buy and get, or the bundle's count and 0.
    pub(super) counts: [u16; 2],
    pub(super) kind: FastKind,
    /// The decimal scale that goes with `figure` (see [`FastKind`]).
    pub(super) aux: u8,
    pub(super) exclusive: bool,
    /// Whether any gate applies (window, membership, tier, group, coupon, usage limit).
    pub(super) gated: bool,
}

/// `aux` of a buy-X-get-Y promotion whose Y units are free.
const FREE: u8 = u8::MAX;

/// Which integer form a promotion has. The engine computes percent, amount off and fixed price
/// in integer arithmetic; the result is the same as the `Decimal` computation (a property test
/// checks the rounding), only cheaper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FastKind {
    /// No integer form: the `Decimal` path prices it from the spec.
    None,
    /// Percent off: the discount is `amount * figure / 10^aux`, exact at the 9 places `settle`
    /// keeps.
    Percent,
    /// `figure` is the amount off per unit in whole minor units.
    AmountOff,
    /// `figure` is the price per unit in whole minor units.
    FixedPrice,
    /// Buy `counts[0]` get `counts[1]`; the Y units are free (`aux` is [`FREE`]) or get the
    /// percentage with mantissa `figure` and scale `aux` off.
    BuyXGetY,
    /// Any `counts[0]` for the bundle price in minor units with mantissa `figure` and scale
    /// `aux` (the very mantissa and scale of the spec's price times the minor-unit scale).
    MixAndMatch,
}

/// Powers of ten, for the denominators of percentages.
pub(super) const POW10: [i64; 19] = {
    let mut p = [1_i64; 19];
    let mut i = 1;
    while i < 19 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

impl Meta {
    pub(super) fn new(p: &Promotion, scale: Decimal) -> Self {
        let s = p.spec();
        let minor = |d: Decimal| {
            d.checked_mul(scale)
                .filter(|v| v.fract().is_zero() && *v >= Decimal::ZERO)
                .and_then(|v| v.to_i64())
        };
        let mut counts = [0_u16; 2];
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
            // Within the integer path's range: 16-bit counts, a 32-bit reward mantissa, a
            // 47-bit bundle price mantissa.
            PromotionKind::BuyXGetY { buy_qty, get_qty, reward, .. } => {
                let (figure, aux) = match reward {
                    Reward::Free => (Some(0), FREE),
                    Reward::PercentOff(pc) => {
                        (u32::try_from(pc.mantissa()).ok().map(i64::from), pc.scale() as u8)
                    }
                };
                match (u16::try_from(*buy_qty), u16::try_from(*get_qty), figure) {
                    (Ok(x), Ok(y), Some(figure)) => {
                        counts = [x, y];
                        (FastKind::BuyXGetY, figure, aux)
                    }
                    _ => (FastKind::None, 0, 0),
                }
            }
            PromotionKind::MixAndMatch { count, price, .. } => {
                match (u16::try_from(*count), price.checked_mul(scale)) {
                    (Ok(n), Some(pm)) if (0..1 << 47).contains(&pm.mantissa()) => {
                        counts = [n, 0];
                        (FastKind::MixAndMatch, pm.mantissa() as i64, pm.scale() as u8)
                    }
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
            counts,
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

    /// The denominator of a percentage's integer form.
    pub(super) fn den(&self) -> i64 {
        POW10[usize::from(self.aux)]
    }

    /// A unit promotion's rule, from its figures.
    pub(super) fn unit_rule(&self) -> Option<UnitRule> {
        let [a, b] = self.counts.map(u32::from);
        match self.kind {
            FastKind::BuyXGetY => {
                let reward = match self.aux {
                    FREE => Reward::Free,
                    scale => Reward::PercentOff(Decimal::new(self.figure, u32::from(scale))),
                };
                Some(UnitRule::BuyXGetY(a, b, reward))
            }
            FastKind::MixAndMatch => Some(UnitRule::MixAndMatch(
                a,
                Decimal::from_i128_with_scale(i128::from(self.figure), u32::from(self.aux)),
            )),
            _ => None,
        }
    }
}
