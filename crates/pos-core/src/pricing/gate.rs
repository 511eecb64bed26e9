//! A compact first look at a gated promotion's conditions (time window, membership, tier,
//! customer group, coupon).

use crate::basket::Basket;
use crate::promotion::Promotion;

/// A first look at a gated promotion's conditions, from 24 bytes: it turns down most
/// promotions a basket does not meet without reading the spec. Whatever it lets through is
/// checked in full by the engine's `eligible`, so it only has to be right when it says no.
#[derive(Debug, Clone, Copy)]
pub(super) struct Gate {
    /// A bit for each tier, customer group and coupon code the promotion accepts
    /// (see [`name_bit`]); several names may share a bit.
    names: u64,
    /// Daily hours `[from, to)` in whole seconds of the local day, `from` rounded down and
    /// `to` up; `(0, u32::MAX)` when the promotion runs all day.
    hours: (u32, u32),
    /// The weekdays it runs on, Monday in bit 0.
    weekdays: u8,
    /// Which of [`NEEDS_MEMBER`], [`NEEDS_TIER`], [`NEEDS_GROUP`], [`NEEDS_COUPON`] apply.
    needs: u8,
}

const NEEDS_MEMBER: u8 = 1;
const NEEDS_TIER: u8 = 2;
const NEEDS_GROUP: u8 = 4;
const NEEDS_COUPON: u8 = 8;

/// One of 64 bits for a name of some kind (tier, group, coupon).
fn name_bit(kind: u8, name: &str) -> u64 {
    let mut h = u64::from(kind).wrapping_mul(0x9e_37_79_b9_7f_4a_7c_15);
    for b in name.bytes() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    1 << (h >> 58)
}

/// The facts about a basket that [`Gate`]s are checked against.
pub(super) struct GateFacts {
    weekday: u8,
    second: u32,
    member: bool,
    tier: u64,
    group: u64,
    coupons: u64,
}

impl GateFacts {
    pub(super) fn new(basket: &Basket, local: chrono::NaiveDateTime) -> Self {
        use chrono::{Datelike, Timelike};
        let c = basket.customer();
        GateFacts {
            weekday: 1 << local.weekday().num_days_from_monday(),
            second: local.time().num_seconds_from_midnight(),
            member: c.member_id.is_some(),
            tier: c.tier.as_deref().map_or(0, |t| name_bit(b't', t)),
            group: c.group.as_deref().map_or(0, |g| name_bit(b'g', g)),
            coupons: basket.coupons().iter().fold(0, |bits, code| bits | name_bit(b'c', code)),
        }
    }
}

impl Gate {
    pub(super) fn new(p: &Promotion) -> Self {
        use chrono::Timelike;
        let s = p.spec();
        let mut names = 0;
        let mut needs = 0;
        if s.members_only {
            needs |= NEEDS_MEMBER;
        }
        if !s.tiers.is_empty() {
            needs |= NEEDS_TIER;
            names |= s.tiers.iter().fold(0, |bits, t| bits | name_bit(b't', t));
        }
        if !s.customer_groups.is_empty() {
            needs |= NEEDS_GROUP;
            names |= s.customer_groups.iter().fold(0, |bits, g| bits | name_bit(b'g', g));
        }
        if let Some(code) = &s.coupon {
            needs |= NEEDS_COUPON;
            names |= name_bit(b'c', code);
        }
        let window = s.window.as_ref();
        // A window across midnight is left to the exact check: its weekday is the day before
        // for its early hours, and its hours are two ranges.
        let wraps = window.and_then(|w| w.hours).is_some_and(|(from, to)| from > to);
        let weekdays = window.filter(|w| !w.weekdays.is_empty() && !wraps).map_or(0x7F, |w| {
            w.weekdays.iter().fold(0, |bits, d| bits | 1_u8.checked_shl(u32::from(*d)).unwrap_or(0))
        });
        let hours = window.and_then(|w| w.hours).filter(|_| !wraps).map_or((0, u32::MAX), |(from, to)| {
            let up = u32::from(to.nanosecond() > 0);
            (from.num_seconds_from_midnight(), to.num_seconds_from_midnight() + up)
        });
        Gate { names, hours, weekdays, needs }
    }

    /// Whether the promotion certainly does not apply to a basket with these facts.
    pub(super) fn rejects(&self, f: &GateFacts) -> bool {
        self.weekdays & f.weekday == 0
            || f.second < self.hours.0
            || f.second >= self.hours.1
            || (self.needs & NEEDS_MEMBER != 0 && !f.member)
            || (self.needs & NEEDS_TIER != 0 && self.names & f.tier == 0)
            || (self.needs & NEEDS_GROUP != 0 && self.names & f.group == 0)
            || (self.needs & NEEDS_COUPON != 0 && self.names & f.coupons == 0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::pricing::{PricingContext, PricingEngine, StoreConfig};
    use crate::promotion::{PromotionKind, Target, TimeWindow};

    proptest! {
        /// The compact gate never turns down a promotion the full check accepts.
        #[test]
        fn gates_never_reject_an_eligible_promotion(
            days in 0_u8..128,
            hours in prop::option::of((0_u32..86_400, 0_u32..86_400, 0_u32..1_000_000_000, 0_u32..1_000_000_000)),
            windowed in any::<bool>(),
            members_only in any::<bool>(),
            tiers in 0_u8..8,
            groups in 0_u8..4,
            coupon in 0_u8..4,
            member in any::<bool>(),
            tier in 0_u8..5,
            group in 0_u8..4,
            coupons in 0_u8..16,
            day in 0_i64..7,
            second in 0_u32..86_400,
            nano in 0_u32..1_000_000_000,
        ) {
            const TIERS: [&str; 4] = ["gold", "silver", "vip", "bronze"];
            const GROUPS: [&str; 3] = ["staff", "b2b", "school"];
            const CODES: [&str; 4] = ["A1", "B2", "C3", "D4"];
            let pick = |bits: u8, names: &[&'static str]| -> Vec<&'static str> {
                names.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, n)| *n).collect()
            };
            let target = Target::items(&["sku0"]).unwrap();
            let kind = PromotionKind::PercentOff { target, percent: Decimal::TEN };
            let mut b = Promotion::builder("g", "g", kind);
            if windowed {
                let mut w = TimeWindow {
                    weekdays: (0..7).filter(|d| days & (1 << d) != 0).collect(),
                    ..TimeWindow::default()
                };
                if let Some((from, to, fnano, tnano)) = hours {
                    let t = |s: u32, n: u32| chrono::NaiveTime::from_num_seconds_from_midnight_opt(s, n).unwrap();
                    w.hours = Some((t(from, fnano), t(to, tnano)));
                }
                b = b.window(w);
            }
            if members_only {
                b = b.members_only();
            }
            if tiers != 0 {
                b = b.tiers(&pick(tiers, &TIERS[..3]));
            }
            if groups != 0 {
                b = b.customer_groups(&pick(groups, &GROUPS[..2]));
            }
            if coupon != 0 {
                b = b.coupon(CODES[usize::from(coupon) - 1]);
            }
            let Ok(promotion) = b.build() else { return Ok(()) };
            let mut basket = Basket::new();
            basket.set_customer(crate::basket::CustomerContext {
                member_id: member.then(|| "m".to_owned()),
                tier: TIERS.get(usize::from(tier)).map(|t| (*t).to_owned()),
                group: GROUPS.get(usize::from(group)).map(|g| (*g).to_owned()),
            });
            for code in pick(coupons, &CODES) {
                basket.add_coupon(code).unwrap();
            }
            let local = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(0, 0, 0).unwrap()
                + chrono::Duration::days(day)
                + chrono::Duration::seconds(i64::from(second))
                + chrono::Duration::nanoseconds(i64::from(nano));
            let engine = PricingEngine::builder(StoreConfig::korea("s")).promotion(promotion.clone()).build().unwrap();
            let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().unwrap());
            let eligible = engine.eligible(&promotion, &basket, local, &ctx);
            let rejected = Gate::new(&promotion).rejects(&GateFacts::new(&basket, local));
            prop_assert!(!(eligible && rejected), "gate rejects an eligible promotion");
        }
    }

    #[test]
    fn gates_turn_down_what_clearly_does_not_apply() {
        let target = Target::items(&["sku0"]).unwrap();
        let kind = PromotionKind::PercentOff { target, percent: Decimal::TEN };
        let gold = Promotion::builder("t", "t", kind.clone()).tiers(&["gold"]).build().unwrap();
        let coupon = Promotion::builder("c", "c", kind.clone()).coupon("SAVE").build().unwrap();
        let weekend = Promotion::builder("w", "w", kind)
            .window(TimeWindow::default().on(&[chrono::Weekday::Sat, chrono::Weekday::Sun]))
            .build()
            .unwrap();
        let mut basket = Basket::new();
        basket.set_customer(crate::basket::CustomerContext {
            member_id: Some("m".into()),
            tier: Some("silver".into()),
            group: None,
        });
        // A Monday.
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let facts = GateFacts::new(&basket, monday);
        assert!(Gate::new(&coupon).rejects(&facts));
        assert!(Gate::new(&weekend).rejects(&facts));
        basket.add_coupon("save").unwrap();
        assert!(!Gate::new(&coupon).rejects(&GateFacts::new(&basket, monday)));
        // The tier check may let "silver" through to the full check only if the two names share
        // a bit; with these names they do not.
        assert_ne!(name_bit(b't', "gold"), name_bit(b't', "silver"));
        assert!(Gate::new(&gold).rejects(&facts));
    }
}
