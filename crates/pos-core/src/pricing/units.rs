//! Unit-based promotions: buy X get Y (cheapest units rewarded) and mix-and-match (any N for a
//! price).

use rust_decimal::Decimal;

use super::{LineInfo, ROLE_GET, ROLE_MAIN, State};
use crate::promotion::Reward;

/// Buffers of the unit-based promotions.
#[derive(Default)]
pub(super) struct Units {
    groups: Vec<UnitGroup>,
    acc: Vec<Decimal>,
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
struct UnitGroup {
    line: usize,
    key: u32,
    value: Decimal,
    count: u64,
    role: u8,
}

fn unit_groups(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    groups: &mut Vec<UnitGroup>,
) {
    groups.clear();
    groups.extend(lines.iter().filter(|(l, _)| open(*l)).filter_map(|&(l, role)| {
        let pieces = infos[l].pieces?;
        (pieces > 0).then(|| UnitGroup {
            line: l,
            key: infos[l].id,
            // The value of one unit; a whole number of minor units needs no decimal division.
            value: match state.remaining[l] % i64::from(pieces) {
                0 => Decimal::from(state.remaining[l] / i64::from(pieces)),
                _ => Decimal::from(state.remaining[l]) / Decimal::from(pieces),
            },
            count: u64::from(pieces),
            role,
        })
    }));
}

/// Buy X get Y, cheapest units rewarded. With `k` sets, the rewarded units are the `k*y`
/// cheapest get-units; `k` is the largest number of sets for which enough buy-units remain
/// outside the rewarded ones.
pub(super) fn buy_x_get_y(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (x, y, reward): (u32, u32, Reward),
    units: &mut Units,
    out: &mut Vec<(usize, Decimal)>,
) {
    // Enough units for one set? Counting pieces is cheap; valuing them is not.
    // A set takes `x` buy-units and `y` other get-units.
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
    if get < u64::from(y) || buy < u64::from(x) || all < u64::from(x) + u64::from(y) {
        return;
    }
    unit_groups(lines, infos, state, open, &mut units.groups);
    let groups = &mut units.groups;
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
    let factor = match reward {
        Reward::Free => Decimal::ONE,
        Reward::PercentOff(p) => p / Decimal::ONE_HUNDRED,
    };
    for g in groups.iter().filter(|g| g.role & ROLE_GET != 0) {
        if rewarded == 0 {
            break;
        }
        let take = g.count.min(rewarded);
        rewarded -= take;
        out.push((g.line, g.value * Decimal::from(take) * factor));
    }
}

/// Any `n` units for `price`: the most expensive units are bundled first, while a bundle still
/// costs more than `price`. Each bundle's discount is spread over its units by value.
pub(super) fn mix_and_match(
    lines: &[(usize, u8)],
    infos: &[LineInfo],
    state: &State,
    open: &dyn Fn(usize) -> bool,
    (n, price_minor): (u32, Decimal),
    units: &mut Units,
    out: &mut Vec<(usize, Decimal)>,
) {
    let pieces: u64 =
        lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| u64::from(infos[l].pieces.unwrap_or(0))).sum();
    if pieces < u64::from(n) {
        return;
    }
    unit_groups(lines, infos, state, open, &mut units.groups);
    let Units { groups, acc, left, parts } = units;
    groups.sort_by(|a, b| b.value.cmp(&a.value).then(a.key.cmp(&b.key)));
    let n = u64::from(n);
    acc.clear();
    acc.resize(groups.len(), Decimal::ZERO);
    left.clear();
    left.extend(groups.iter().map(|g| g.count));
    let mut g = 0;
    loop {
        while g < groups.len() && left[g] == 0 {
            g += 1;
        }
        if g == groups.len() {
            break;
        }
        if left[g] >= n {
            // Whole bundles inside one group are all alike.
            let sum = groups[g].value * Decimal::from(n);
            let disc = sum - price_minor;
            if disc <= Decimal::ZERO {
                break;
            }
            let bundles = left[g] / n;
            acc[g] += disc * Decimal::from(bundles);
            left[g] -= bundles * n;
            continue;
        }
        // A bundle that spans groups.
        let mut need = n;
        parts.clear();
        let mut j = g;
        while need > 0 && j < groups.len() {
            let take = left[j].min(need);
            if take > 0 {
                parts.push((j, take));
                need -= take;
            }
            j += 1;
        }
        if need > 0 {
            break;
        }
        let sum: Decimal = parts.iter().map(|(j, t)| groups[*j].value * Decimal::from(*t)).sum();
        let disc = sum - price_minor;
        if disc <= Decimal::ZERO || sum <= Decimal::ZERO {
            break;
        }
        for &(j, t) in parts.iter() {
            acc[j] += disc * groups[j].value * Decimal::from(t) / sum;
            left[j] -= t;
        }
    }
    out.extend(groups.iter().zip(acc.iter()).filter(|(_, a)| **a > Decimal::ZERO).map(|(g, a)| (g.line, *a)));
}
