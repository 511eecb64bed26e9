//! Largest-remainder allocation of an amount in minor units over weighted shares.
//!
//! Used wherever one rounded amount (a basket discount, a promotion spanning several lines, a
//! document-level tax) must be spread over lines so that the parts add up exactly to the whole.

use rust_decimal::Decimal;

use crate::rounding::settle;

/// Splits `total` (minor units, >= 0) in proportion to `weights`, never giving a part more than
/// its `cap`. The parts sum to `min(total, sum of caps)`.
///
/// Each part first gets the floor of its exact share; the units left over go one each to the
/// largest fractional remainders, ties broken by `keys` (smaller key first) so the result does
/// not depend on the order of the slices. A part that would pass its cap gives the excess to the
/// others in the same order.
pub fn allocate(total: i64, weights: &[Decimal], caps: &[i64], keys: &[u32]) -> Vec<i64> {
    let n = weights.len();
    debug_assert_eq!(n, caps.len());
    debug_assert_eq!(n, keys.len());
    let mut parts = vec![0_i64; n];
    let cap_sum: i128 = caps.iter().map(|c| i128::from((*c).max(0))).sum();
    let total = i64::try_from(i128::from(total).min(cap_sum).max(0)).unwrap_or(0);
    if total == 0 || n == 0 {
        return parts;
    }
    // Weights beyond what `Decimal` sums are scaled down together: shares only need their
    // proportions. Should even that fail, every weight counts the same.
    let sum = |ws: &[Decimal]| ws.iter().try_fold(Decimal::ZERO, |a, w| a.checked_add(*w));
    let mut scaled: Vec<Decimal> = weights.iter().map(|w| (*w).max(Decimal::ZERO)).collect();
    let mut weight_sum = sum(&scaled);
    if weight_sum.is_none() {
        scaled.iter_mut().for_each(|w| *w /= Decimal::from(n as u64));
        weight_sum = sum(&scaled);
    }
    let weight_sum = weight_sum.map_or(Decimal::ZERO, settle);
    let mut remainders: Vec<(Decimal, u32, usize)> = Vec::with_capacity(n);
    let mut given = 0_i64;
    if weight_sum > Decimal::ZERO {
        let t = Decimal::from(total);
        for i in 0..n {
            let w = scaled[i];
            // total * w / sum, with w <= sum: divide first when the product would overflow.
            let exact = settle(t.checked_mul(w).map_or_else(|| t * (w / weight_sum), |tw| tw / weight_sum));
            let floor = exact.floor();
            // Rounding in the weight sum can put a share a unit above the total: never more
            // than is left.
            let f = i64::try_from(floor).unwrap_or(0).min(caps[i].max(0)).min(total - given);
            parts[i] = f;
            given += f;
            remainders.push((exact - Decimal::from(f), keys[i], i));
        }
    } else {
        remainders.extend(keys.iter().enumerate().map(|(i, k)| (Decimal::ZERO, *k, i)));
    }
    // Largest remainder first; equal remainders by smaller key.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let order: Vec<usize> = remainders.iter().map(|r| r.2).collect();
    hand_out(&mut parts, |i| caps[i], &order, total - given);
    parts
}

/// Hands `left` units out one per part with room, in `order`, round after round, as if unit by
/// unit; whole rounds at once, so a cap that binds costs a few rounds, not one per unit.
fn hand_out(parts: &mut [i64], cap: impl Fn(usize) -> i64, order: &[usize], mut left: i64) {
    while left > 0 {
        let open = order.iter().filter(|&&i| parts[i] < cap(i)).count() as i64;
        if open == 0 {
            return;
        }
        let rounds = left / open;
        if rounds == 0 {
            // The last, partial round: one unit each to the first `left` parts with room.
            for &i in order {
                if left == 0 {
                    return;
                }
                if parts[i] < cap(i) {
                    parts[i] += 1;
                    left -= 1;
                }
            }
            return;
        }
        // `rounds` full rounds: every part with room takes one unit a round until it is full.
        for &i in order {
            let room = cap(i) - parts[i];
            if room > 0 {
                let take = room.min(rounds);
                parts[i] += take;
                left -= take;
            }
        }
    }
}

/// [`allocate`] for integer weights, in exact integer arithmetic: the floors and remainders are
/// computed with `i128`, so equal remainders really are equal and ties go by key.
pub fn allocate_int(total: i64, weights: &[i64], caps: &[i64], keys: &[u32]) -> Vec<i64> {
    debug_assert_eq!(weights.len(), caps.len());
    debug_assert_eq!(weights.len(), keys.len());
    let mut parts = Vec::with_capacity(weights.len());
    let mut scratch = Vec::with_capacity(2 * weights.len());
    allocate_int_into(total, weights, caps, keys, &mut parts, &mut scratch);
    parts
}

/// [`allocate_int`] writing into `parts` (cleared first), with `scratch` for the remainders:
/// callers that allocate many times reuse both buffers.
///
/// # Panics
/// When the slices differ in length.
pub fn allocate_int_into(
    total: i64,
    weights: &[i64],
    caps: &[i64],
    keys: &[u32],
    parts: &mut Vec<i64>,
    scratch: &mut Vec<u64>,
) {
    let n = weights.len();
    assert!(caps.len() == n && keys.len() == n, "weights, caps and keys differ in length");
    let weight = |i: usize| weights[i];
    let cap = |i: usize| caps[i];
    let key = |i: usize| keys[i];
    parts.clear();
    parts.resize(n, 0);
    let (mut cap_sum, mut weight_sum) = (0_i128, 0_i128);
    for i in 0..n {
        cap_sum += i128::from(cap(i).max(0));
        weight_sum += i128::from(weight(i).max(0));
    }
    let total = i128::from(total).min(cap_sum).max(0) as i64;
    if total == 0 {
        return;
    }
    if n == 1 {
        parts[0] = total;
        return;
    }
    // Remainders are below the weight sum; when that does not fit in 63 bits the exact 128-bit
    // path below is used.
    let Some(sum) = u64::try_from(weight_sum).ok().filter(|s| *s > 0 && *s <= i64::MAX as u64) else {
        return allocate_wide(total, n, weight, cap, key, weight_sum, parts);
    };
    let divide = Divider::new(sum);
    scratch.clear();
    scratch.resize(2 * n, 0);
    let (remainders, spare) = scratch.split_at_mut(n);
    let mut given = 0_i64;
    for (i, (part, rem)) in parts.iter_mut().zip(remainders.iter_mut()).enumerate() {
        let w = weight(i).max(0) as u64;
        let (floor, r) = match (total as u64).checked_mul(w) {
            Some(num) => divide.div_rem(num),
            None => {
                let num = u128::from(total as u64) * u128::from(w);
                let sum = u128::from(sum);
                (u64::try_from(num / sum).unwrap_or(u64::MAX), (num % sum) as u64)
            }
        };
        let f = i64::try_from(floor).unwrap_or(i64::MAX).min(cap(i).max(0));
        *part = f;
        given += f;
        *rem = r;
    }
    let left = total - given;
    if left == 0 {
        return;
    }
    // Fewer than n units are left over: they go to the `k` largest remainders, ties to the
    // smaller key. The k-th largest remainder is the threshold: every part above it gets a
    // unit, and of those exactly at it the ones with the smaller keys.
    let k = left as usize;
    if k < n {
        spare.copy_from_slice(remainders);
        let threshold = *spare.select_nth_unstable_by(k - 1, |a, b| b.cmp(a)).1;
        let above = remainders.iter().filter(|r| **r > threshold).count();
        // Those at the threshold, as (key, index) in allocation order: smaller key first, then
        // (for equal keys) the larger index, as a full sort of the packed remainders orders them.
        let mut at = 0;
        for (i, r) in remainders.iter().enumerate() {
            if *r == threshold {
                spare[at] = u64::from(key(i)) << 32 | u64::from(u32::MAX - i as u32);
                at += 1;
            }
        }
        let ties = &mut spare[..at];
        let wanted = k - above;
        if wanted < ties.len() {
            ties.select_nth_unstable(wanted);
        }
        let chosen = &ties[..wanted];
        let index = |tie: u64| (u32::MAX - tie as u32) as usize;
        let fits = remainders.iter().enumerate().all(|(i, r)| *r <= threshold || parts[i] < cap(i))
            && chosen.iter().all(|t| parts[index(*t)] < cap(index(*t)));
        if fits {
            for (part, r) in parts.iter_mut().zip(remainders.iter()) {
                if *r > threshold {
                    *part += 1;
                }
            }
            for t in chosen {
                parts[index(*t)] += 1;
            }
            return;
        }
    }
    // Caps bind: hand out units in full remainder order, several rounds if needed.
    let mut packed: Vec<u128> = (0..n).map(|i| pack(remainders[i], key(i), i)).collect();
    packed.sort_unstable_by(|a, b| b.cmp(a));
    let order: Vec<usize> = packed.iter().map(|r| (r & 0xFFFF_FFFF) as usize).collect();
    hand_out(parts, cap, &order, left);
}

/// Remainder (63 bits), inverted key and index in one `u128`: descending order of the packed
/// value is descending remainder, then ascending key.
fn pack(rem: u64, key: u32, index: usize) -> u128 {
    debug_assert!(index <= u32::MAX as usize);
    u128::from(rem) << 64 | u128::from(u32::MAX - key) << 32 | index as u128
}

/// Division of 64-bit numbers by one divisor, by a multiplication and shifts: the divisor's
/// reciprocal is computed once (Granlund and Montgomery, "Division by invariant integers using
/// multiplication", 1994, figure 4.1), so dividing many numbers by it costs a few cycles each
/// instead of a division each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Divider {
    d: u64,
    multiplier: u64,
    /// ceil(log2 d); 0 for d = 1.
    log: u32,
}

impl Divider {
    /// A divider by `d` (> 0).
    pub(crate) fn new(d: u64) -> Self {
        debug_assert!(d > 0);
        if d == 1 {
            return Divider { d, multiplier: 0, log: 0 };
        }
        let log = 64 - (d - 1).leading_zeros();
        // floor(2^64 (2^log - d) / d) + 1 < 2^64, because 2^log - d < d.
        let multiplier = ((((1_u128 << log) - u128::from(d)) << 64) / u128::from(d)) as u64 + 1;
        Divider { d, multiplier, log }
    }

    /// `(n / d, n % d)`.
    pub(crate) fn div_rem(&self, n: u64) -> (u64, u64) {
        if self.log == 0 {
            return (n, 0);
        }
        let t = ((u128::from(self.multiplier) * u128::from(n)) >> 64) as u64;
        let q = (t + ((n - t) >> 1)) >> (self.log - 1);
        (q, n - q * self.d)
    }
}

/// The 128-bit path of [`allocate_int_into`], for weight sums beyond 63 bits (or zero).
fn allocate_wide(
    total: i64,
    n: usize,
    weight: impl Fn(usize) -> i64,
    cap: impl Fn(usize) -> i64,
    key: impl Fn(usize) -> u32,
    weight_sum: i128,
    parts: &mut [i64],
) {
    let mut given = 0_i64;
    let mut remainders: Vec<(i128, u32, usize)> = Vec::with_capacity(n);
    for (i, part) in parts.iter_mut().enumerate() {
        let w = weight(i).max(0);
        let (floor, rem) = if weight_sum > 0 {
            let num = i128::from(total) * i128::from(w);
            (num / weight_sum, num % weight_sum)
        } else {
            (0, 0)
        };
        let f = i64::try_from(floor).unwrap_or(i64::MAX).min(cap(i).max(0));
        *part = f;
        given += f;
        remainders.push((rem, key(i), i));
    }
    remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let order: Vec<usize> = remainders.iter().map(|r| r.2).collect();
    hand_out(parts, cap, &order, total - given);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_largest_remainder() {
        let w = [Decimal::from(1), Decimal::from(1), Decimal::from(1)];
        assert_eq!(allocate(100, &w, &[100, 100, 100], &[1, 2, 3]), vec![34, 33, 33]);
        assert_eq!(allocate(100, &w, &[100, 100, 100], &[3, 2, 1]), vec![33, 33, 34]);
    }

    #[test]
    fn integer_and_decimal_paths_agree() {
        let w = [7_i64, 13, 29, 1, 50];
        let wd: Vec<Decimal> = w.iter().map(|x| Decimal::from(*x)).collect();
        let caps = [1000; 5];
        let keys = [5, 4, 3, 2, 1];
        for total in 0..200 {
            let a = allocate_int(total, &w, &caps, &keys);
            assert_eq!(a, allocate(total, &wd, &caps, &keys), "total {total}");
            assert_eq!(a.iter().sum::<i64>(), total);
        }
    }

    #[test]
    fn a_binding_cap_hands_out_in_rounds() {
        // Unit by unit this would take 10^15 rounds.
        let total = 1_000_000_000_000_000;
        let w = [Decimal::ZERO, Decimal::ONE, Decimal::ZERO];
        assert_eq!(allocate(total, &w, &[total, 0, 7], &[1, 2, 3]), vec![total - 7, 0, 7]);
        assert_eq!(allocate_int(total, &[0, 1, 0], &[total, 0, 7], &[1, 2, 3]), vec![total - 7, 0, 7]);
        // Rounds at once give what unit-by-unit rounds give: 10 units over caps 2, 5, 9.
        assert_eq!(allocate(10, &[Decimal::ZERO; 3], &[2, 5, 9], &[1, 2, 3]), vec![2, 4, 4]);
    }

    #[test]
    fn divider_edges() {
        for d in [1, 2, 3, 7, 10, 1 << 32, (1 << 63) - 1, 1 << 63, u64::MAX - 1, u64::MAX] {
            for n in [0, 1, d - 1, d, d.wrapping_add(1), u64::MAX - 1, u64::MAX, 12_345_678_901] {
                assert_eq!(Divider::new(d).div_rem(n), (n / d, n % d), "{n} / {d}");
            }
        }
    }

    #[test]
    fn respects_caps() {
        let w = [Decimal::from(10), Decimal::from(1)];
        assert_eq!(allocate(10, &w, &[5, 100], &[1, 2]), vec![5, 5]);
        assert_eq!(allocate(1000, &w, &[5, 7], &[1, 2]), vec![5, 7]);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Parts sum to min(total, sum of caps), none exceeds its cap, and the result does not
        /// depend on the order of the inputs.
        #[test]
        fn allocation_is_exact_capped_and_order_free(
            total in 0_i64..1_000_000,
            rows in prop::collection::vec((0_i64..100_000, 0_i64..100_000), 1..40),
        ) {
            let weights: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let caps: Vec<i64> = rows.iter().map(|r| r.1).collect();
            let keys: Vec<u32> = (0..rows.len() as u32).collect();
            let parts = allocate_int(total, &weights, &caps, &keys);
            let cap_sum: i64 = caps.iter().sum();
            prop_assert_eq!(parts.iter().sum::<i64>(), total.min(cap_sum));
            for (p, c) in parts.iter().zip(&caps) {
                prop_assert!(*p >= 0 && p <= c);
            }
            let wd: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
            prop_assert_eq!(&parts, &allocate(total, &wd, &caps, &keys));
            // Reversed inputs give the reversed parts.
            let rev = |v: &[i64]| v.iter().rev().copied().collect::<Vec<_>>();
            let rkeys: Vec<u32> = keys.iter().rev().copied().collect();
            let back = allocate_int(total, &rev(&weights), &rev(&caps), &rkeys);
            prop_assert_eq!(rev(&back), parts);
        }

        /// With many equal weights (so many equal remainders) and keys in any order, the units
        /// left over go by remainder, then key, exactly as the reference allocator gives them.
        #[test]
        fn ties_go_to_the_smaller_key(
            total in 0_i64..10_000,
            rows in prop::collection::vec((1_i64..4, any::<u32>(), 1_i64..10_000), 1..60),
        ) {
            let weights: Vec<i64> = rows.iter().map(|r| r.0 * 100).collect();
            let mut keys: Vec<u32> = rows.iter().map(|r| r.1).collect();
            keys.sort_unstable();
            keys.dedup();
            prop_assume!(keys.len() == rows.len());
            let keys: Vec<u32> = rows.iter().map(|r| r.1).collect();
            let caps: Vec<i64> = rows.iter().map(|r| r.2).collect();
            let wd: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
            prop_assert_eq!(allocate_int(total, &weights, &caps, &keys), allocate(total, &wd, &caps, &keys));
        }

        /// The reciprocal divider gives the quotient and remainder of a division, for any
        /// 64-bit number and divisor.
        #[test]
        fn divider_divides(n in any::<u64>(), d in 1_u64..) {
            let (q, r) = Divider::new(d).div_rem(n);
            prop_assert_eq!((q, r), (n / d, n % d));
        }

        #[test]
        fn divider_divides_small(n in any::<u64>(), d in 1_u64..1_000_000) {
            prop_assert_eq!(Divider::new(d).div_rem(n), (n / d, n % d));
        }
    }
}
