//! Unit-based promotions: buy X get Y (cheapest units rewarded) and mix-and-match (any N for a
//! price).
//!
//! Each has two paths with the same results. When every unit taking part is worth a whole
//! number of minor units (a line's amount left divides by its pieces, as it does until another
//! discount takes an odd amount off), the discounts are computed in integers: exact sums over
//! one denominator. Otherwise units are valued in `Decimal` and the discounts rounded from
//! there. A property test (`integer_fast_paths_match_decimal`) prices baskets both ways.

use rust_decimal::Decimal;

use super::PricingEngine;
use super::engine::{ROLE_GET, ROLE_MAIN};
use super::workspace::{LineInfo, Scratch, State};
use crate::promotion::{PromotionKind, Reward};

/// Buffers of the unit-based promotions.
#[derive(Default)]
pub(super) struct Units {
    groups: Vec<UnitGroup<Decimal>>,
    whole: Vec<UnitGroup<i128>>,
    acc: Vec<Decimal>,
    whole_acc: Vec<i128>,
    left: Vec<u64>,
    parts: Vec<(usize, u64)>,
}

/// A unit-based promotion's rule: buy X get Y with a reward, or any N for a price in minor
/// units.
#[derive(Clone, Copy)]
pub(super) enum UnitRule {
    BuyXGetY(u32, u32, Reward),
    MixAndMatch(u32, Decimal),
}

/// Units of one line that take part in a unit-based promotion: `count` units of `value` each.
struct UnitGroup<V> {
    line: usize,
    key: u32,
    value: V,
    count: u64,
    role: u8,
}

/// Discounts in whole minor units over one denominator: each `(line, numerator)` is worth
/// `numerator / den` minor units, exactly.
pub(super) struct Fractions<'a> {
    pub(super) den: i64,
    pub(super) parts: &'a [(usize, i128)],
}

fn unit_groups(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    groups: &mut Vec<UnitGroup<Decimal>>,
) {
    groups.clear();
    groups.extend(lines.iter().filter(|(l, _)| open(*l)).filter_map(|&(l, role)| {
        let pieces = infos[l].pieces?;
        (pieces > 0).then(|| UnitGroup {
            line: l,
            key: infos[l].id,
            value: Decimal::from(state.remaining[l]) / Decimal::from(pieces),
            count: u64::from(pieces),
            role,
        })
    }));
}

/// [`unit_groups`] when every unit is worth a whole number of minor units; `false` (and the
/// decimal path) when one is not.
fn whole_groups(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    groups: &mut Vec<UnitGroup<i128>>,
) -> bool {
    groups.clear();
    for &(l, role) in lines.iter().filter(|(l, _)| open(*l)) {
        let Some(pieces) = infos[l].pieces.filter(|p| *p > 0) else { continue };
        let (left, pieces) = (state.remaining[l], i64::from(pieces));
        if left % pieces != 0 {
            return false;
        }
        groups.push(UnitGroup {
            line: l,
            key: infos[l].id,
            value: i128::from(left / pieces),
            count: pieces as u64,
            role,
        });
    }
    true
}

/// Whether the open lines hold enough units for one set of buy X get Y: `x` buy-units and
/// `y` other get-units. Counting pieces is cheap; valuing them is not.
fn one_set(lines: &[(usize, u8)], infos: &[LineInfo], open: &dyn Fn(usize) -> bool, x: u32, y: u32) -> bool {
    let (mut buy, mut get, mut all) = (0_u64, 0_u64, 0_u64);
    for &(l, role) in lines.iter().filter(|(l, _)| open(*l)) {
        let pieces = u64::from(infos[l].pieces.unwrap_or(0));
        all += pieces;
        if role & ROLE_MAIN != 0 {
            buy += pieces;
        }
        if role & ROLE_GET != 0 {
            get += pieces;
        }
    }
    get >= u64::from(y) && buy >= u64::from(x) && all >= u64::from(x) + u64::from(y)
}

/// The units buy X get Y rewards, cheapest first: calls `reward(group, units)` for each group
/// that has some. With `k` sets, the rewarded units are the `k*y` cheapest get-units; `k` is the
/// largest number of sets for which enough buy-units remain outside the rewarded ones.
fn rewarded_units<V: Ord>(
    groups: &mut [UnitGroup<V>],
    x: u32,
    y: u32,
    mut reward: impl FnMut(&UnitGroup<V>, u64),
) {
    // Cheapest first; ties by line id so the order of the basket does not matter.
    groups.sort_by(|a, b| a.value.cmp(&b.value).then(a.key.cmp(&b.key)));
    let (x, y) = (u64::from(x), u64::from(y));
    let get_units: u64 = groups.iter().filter(|g| g.role & ROLE_GET != 0).map(|g| g.count).sum();
    let buy_units: u64 = groups.iter().filter(|g| g.role & ROLE_MAIN != 0).map(|g| g.count).sum();
    // Buy-units among the `r` cheapest get-units.
    let overlap = |r: u64| {
        let mut left = r;
        let mut both = 0;
        for g in groups.iter().filter(|g| g.role & ROLE_GET != 0) {
            if left == 0 {
                break;
            }
            let take = g.count.min(left);
            if g.role & ROLE_MAIN != 0 {
                both += take;
            }
            left -= take;
        }
        both
    };
    let feasible = |k: u64| buy_units - overlap(k * y) >= x * k;
    let (mut lo, mut hi) = (0_u64, (get_units / y).min(buy_units.checked_div(x).unwrap_or(0)));
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if feasible(mid) { lo = mid } else { hi = mid - 1 }
    }
    let mut rewarded = lo * y;
    for g in groups.iter().filter(|g| g.role & ROLE_GET != 0) {
        if rewarded == 0 {
            break;
        }
        let take = g.count.min(rewarded);
        rewarded -= take;
        reward(g, take);
    }
}

/// Buy X get Y, cheapest units rewarded, in `Decimal`: the exact discount per line into `out`.
fn buy_x_get_y(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (x, y, reward): (u32, u32, Reward),
    units: &mut Units,
    out: &mut Vec<(usize, Decimal)>,
) {
    if !one_set(lines, infos, open, x, y) {
        return;
    }
    unit_groups(lines, infos, state, open, &mut units.groups);
    let factor = match reward {
        Reward::Free => Decimal::ONE,
        Reward::PercentOff(p) => p / Decimal::ONE_HUNDRED,
    };
    rewarded_units(&mut units.groups, x, y, |g, take| {
        out.push((g.line, g.value * Decimal::from(take) * factor))
    });
}

/// [`buy_x_get_y`] in integers, when every unit is worth whole minor units and the reward
/// percentage has at most 7 decimals: `None` sends the promotion to the decimal path.
fn buy_x_get_y_whole<'a>(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (x, y, reward): (u32, u32, Reward),
    units: &mut Units,
    out: &'a mut Vec<(usize, i128)>,
) -> Option<Fractions<'a>> {
    out.clear();
    // Free: one unit's value each; percent off: value * mantissa / (100 * 10^scale).
    let (num, den) = match reward {
        Reward::Free => (1, 1),
        Reward::PercentOff(p) if p.scale() <= 7 && p.mantissa() >= 0 => {
            (p.mantissa(), 100 * 10_i64.pow(p.scale()))
        }
        Reward::PercentOff(_) => return None,
    };
    if !one_set(lines, infos, open, x, y) {
        return Some(Fractions { den, parts: out });
    }
    if !whole_groups(lines, infos, state, open, &mut units.whole) {
        return None;
    }
    rewarded_units(&mut units.whole, x, y, |g, take| {
        out.push((g.line, g.value * i128::from(take) * num));
    });
    Some(Fractions { den, parts: out })
}

/// Any `n` units for `price`: the most expensive units are bundled first, while a bundle still
/// costs more than `price`. Each bundle's discount is spread over its units by value.
fn mix_and_match(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (n, price_minor): (u32, Decimal),
    units: &mut Units,
    out: &mut Vec<(usize, Decimal)>,
) {
    if !enough_units(lines, infos, open, n) {
        return;
    }
    unit_groups(lines, infos, state, open, &mut units.groups);
    let Units { groups, acc, left, parts, .. } = units;
    // A decimal share is always an amount, so this never gives up.
    let _ = bundles(groups, n, price_minor, acc, left, parts);
    out.extend(groups.iter().zip(acc.iter()).filter(|(_, a)| **a > Decimal::ZERO).map(|(g, a)| (g.line, *a)));
}

/// [`mix_and_match`] in integers, when every unit and the bundle price are worth whole minor
/// units and every bundle's discount splits over its units in whole minor units: `None` sends
/// the promotion to the decimal path.
fn mix_and_match_whole<'a>(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (n, price_minor): (u32, Decimal),
    units: &mut Units,
    out: &'a mut Vec<(usize, i128)>,
) -> Option<Fractions<'a>> {
    out.clear();
    if !enough_units(lines, infos, open, n) {
        return Some(Fractions { den: 1, parts: out });
    }
    let price = whole(price_minor)?;
    if !whole_groups(lines, infos, state, open, &mut units.whole) {
        return None;
    }
    let Units { whole: groups, whole_acc: acc, left, parts, .. } = units;
    bundles(groups, n, price, acc, left, parts)?;
    out.extend(groups.iter().zip(acc.iter()).filter(|(_, a)| **a > 0).map(|(g, a)| (g.line, *a)));
    Some(Fractions { den: 1, parts: out })
}

/// An amount in minor units that mix-and-match computes with: a `Decimal`, or an exact integer.
trait Amount:
    Copy + Ord + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::Mul<Output = Self>
{
    const ZERO: Self;
    fn units(n: u64) -> Self;
    /// `disc * value * units / sum`; `None` when that is not a whole amount and it must be.
    fn share(disc: Self, value: Self, units: u64, sum: Self) -> Option<Self>;
}

impl Amount for Decimal {
    const ZERO: Self = Decimal::ZERO;
    fn units(n: u64) -> Self {
        Decimal::from(n)
    }
    fn share(disc: Self, value: Self, units: u64, sum: Self) -> Option<Self> {
        Some(disc * value * Decimal::from(units) / sum)
    }
}

impl Amount for i128 {
    const ZERO: Self = 0;
    fn units(n: u64) -> Self {
        i128::from(n)
    }
    fn share(disc: Self, value: Self, units: u64, sum: Self) -> Option<Self> {
        let share = disc * value * i128::from(units);
        (share % sum == 0).then(|| share / sum)
    }
}

/// Forms the bundles of mix-and-match over `groups` (sorted here, most valuable units first)
/// and puts each group's discount in `acc`. `None` when a share is not an amount of the type.
fn bundles<V: Amount>(
    groups: &mut [UnitGroup<V>],
    n: u32,
    price: V,
    acc: &mut Vec<V>,
    left: &mut Vec<u64>,
    parts: &mut Vec<(usize, u64)>,
) -> Option<()> {
    groups.sort_by(|a, b| b.value.cmp(&a.value).then(a.key.cmp(&b.key)));
    let n = u64::from(n);
    acc.clear();
    acc.resize(groups.len(), V::ZERO);
    left.clear();
    left.extend(groups.iter().map(|g| g.count));
    let mut g = 0;
    loop {
        while g < groups.len() && left[g] == 0 {
            g += 1;
        }
        if g == groups.len() {
            return Some(());
        }
        if left[g] >= n {
            // Whole bundles inside one group are all alike.
            let disc = groups[g].value * V::units(n) - price;
            if disc <= V::ZERO {
                return Some(());
            }
            let bundles = left[g] / n;
            acc[g] = acc[g] + disc * V::units(bundles);
            left[g] -= bundles * n;
            continue;
        }
        // A bundle that spans groups.
        if !spanning_bundle(left, g, n, parts) {
            return Some(());
        }
        let sum = parts.iter().fold(V::ZERO, |s, (j, t)| s + groups[*j].value * V::units(*t));
        let disc = sum - price;
        if disc <= V::ZERO || sum <= V::ZERO {
            return Some(());
        }
        for &(j, t) in parts.iter() {
            acc[j] = acc[j] + V::share(disc, groups[j].value, t, sum)?;
            left[j] -= t;
        }
    }
}

/// Whether the open lines hold `n` units.
fn enough_units(lines: &[(usize, u8)], infos: &[LineInfo], open: &dyn Fn(usize) -> bool, n: u32) -> bool {
    let pieces: u64 =
        lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| u64::from(infos[l].pieces.unwrap_or(0))).sum();
    pieces >= u64::from(n)
}

/// The next bundle of `n` units from group `g` on into `parts`, as (group, units); `false` when
/// fewer than `n` units are left.
fn spanning_bundle(left: &[u64], g: usize, n: u64, parts: &mut Vec<(usize, u64)>) -> bool {
    let mut need = n;
    parts.clear();
    let mut j = g;
    while need > 0 && j < left.len() {
        let take = left[j].min(need);
        if take > 0 {
            parts.push((j, take));
            need -= take;
        }
        j += 1;
    }
    need == 0
}

/// A whole number as an integer.
fn whole(d: Decimal) -> Option<i128> {
    d.fract().is_zero().then(|| i128::try_from(d.trunc()).ok()).flatten()
}

impl PricingEngine {
    /// The unit rule of unit promotion `p`, from its spec (bundle prices in minor units).
    fn spec_unit_rule(&self, p: u32) -> Option<UnitRule> {
        match &self.promotions[p as usize].spec().kind {
            PromotionKind::BuyXGetY { buy_qty, get_qty, reward, .. } => {
                Some(UnitRule::BuyXGetY(*buy_qty, *get_qty, *reward))
            }
            PromotionKind::MixAndMatch { count, price, .. } => {
                Some(UnitRule::MixAndMatch(*count, *price * self.scale()))
            }
            _ => None,
        }
    }

    /// A unit-based promotion (buy X get Y, mix-and-match) with an integer form (`rule`, from
    /// its hot-path record) on the unclaimed lines, committed: in integers when every unit
    /// taking part is worth whole minor units, else as [`Self::apply_units_exact`] (the same
    /// result).
    pub(super) fn apply_units_whole(
        &self,
        p: u32,
        rule: UnitRule,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
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
        committed.unwrap_or_else(|| self.units_exact(p, rule, lines, infos, state, sc))
    }

    /// A unit-based promotion on the unclaimed lines, committed, with units valued in
    /// `Decimal` and its figures from the spec: the reference computation, for units and
    /// figures of any size.
    pub(super) fn apply_units_exact(
        &self,
        p: u32,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        match self.spec_unit_rule(p) {
            Some(rule) => self.units_exact(p, rule, lines, infos, state, sc),
            None => 0,
        }
    }

    fn units_exact(
        &self,
        p: u32,
        rule: UnitRule,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
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
}
