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
    let cap_sum: i64 = caps.iter().map(|c| (*c).max(0)).sum();
    let total = total.min(cap_sum).max(0);
    if total == 0 || n == 0 {
        return parts;
    }
    let weight_sum: Decimal = settle(weights.iter().map(|w| (*w).max(Decimal::ZERO)).sum());
    let mut remainders: Vec<(Decimal, u32, usize)> = Vec::with_capacity(n);
    let mut given = 0_i64;
    if weight_sum > Decimal::ZERO {
        let t = Decimal::from(total);
        for i in 0..n {
            let w = weights[i].max(Decimal::ZERO);
            let exact = settle(t * w / weight_sum);
            let floor = exact.floor();
            let f = i64::try_from(floor).unwrap_or(0).min(caps[i].max(0));
            parts[i] = f;
            given += f;
            remainders.push((exact - Decimal::from(f), keys[i], i));
        }
    } else {
        remainders.extend(keys.iter().enumerate().map(|(i, k)| (Decimal::ZERO, *k, i)));
    }
    // Largest remainder first; equal remainders by smaller key.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = total - given;
    // Several passes only when caps bind: each pass hands out one unit per part with room.
    while left > 0 {
        let mut progressed = false;
        for &(_, _, i) in &remainders {
            if left == 0 {
                break;
            }
            if parts[i] < caps[i] {
                parts[i] += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    parts
}

/// [`allocate`] for integer weights, in exact integer arithmetic: the floors and remainders are
/// computed with `i128`, so equal remainders really are equal and ties go by key.
pub fn allocate_int(total: i64, weights: &[i64], caps: &[i64], keys: &[u32]) -> Vec<i64> {
    let n = weights.len();
    debug_assert_eq!(n, caps.len());
    debug_assert_eq!(n, keys.len());
    let mut parts = vec![0_i64; n];
    let cap_sum: i64 = caps.iter().map(|c| (*c).max(0)).sum();
    let total = total.min(cap_sum).max(0);
    if total == 0 {
        return parts;
    }
    if n == 1 {
        parts[0] = total;
        return parts;
    }
    let weight_sum: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    let mut given = 0_i64;
    let mut remainders: Vec<(i128, u32, usize)> = Vec::with_capacity(n);
    let small_sum = i64::try_from(weight_sum).ok();
    for i in 0..n {
        let w = weights[i].max(0);
        let (floor, rem) = match (total.checked_mul(w), small_sum) {
            // 64-bit division when it fits: several times faster than 128-bit.
            (Some(num), Some(sum)) if sum > 0 => (i128::from(num / sum), i128::from(num % sum)),
            _ if weight_sum > 0 => {
                let num = i128::from(total) * i128::from(w);
                (num / weight_sum, num % weight_sum)
            }
            _ => (0, 0),
        };
        let f = i64::try_from(floor).unwrap_or(i64::MAX).min(caps[i].max(0));
        parts[i] = f;
        given += f;
        remainders.push((rem, keys[i], i));
    }
    let mut left = total - given;
    if left == 0 {
        return parts;
    }
    let order = |a: &(i128, u32, usize), b: &(i128, u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    // Fewer than n units are left over: select the `left` best remainders instead of sorting all.
    let k = left as usize;
    if k < n {
        remainders.select_nth_unstable_by(k - 1, order);
        if remainders[..k].iter().all(|&(_, _, i)| parts[i] < caps[i]) {
            for &(_, _, i) in &remainders[..k] {
                parts[i] += 1;
            }
            return parts;
        }
    }
    // Caps bind: hand out units in full remainder order, several rounds if needed.
    remainders.sort_unstable_by(order);
    while left > 0 {
        let mut progressed = false;
        for &(_, _, i) in &remainders {
            if left == 0 {
                break;
            }
            if parts[i] < caps[i] {
                parts[i] += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    parts
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
    }
}
