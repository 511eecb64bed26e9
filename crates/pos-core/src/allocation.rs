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
    debug_assert_eq!(weights.len(), caps.len());
    debug_assert_eq!(weights.len(), keys.len());
    let mut parts = Vec::with_capacity(weights.len());
    let mut scratch = Vec::with_capacity(weights.len());
    allocate_int_into(
        total,
        weights.len(),
        |i| weights[i],
        |i| caps[i],
        |i| keys[i],
        &mut parts,
        &mut scratch,
    );
    parts
}

/// [`allocate_int`] over `n` parts given by accessors, writing into `parts` (cleared first),
/// with `scratch` for the remainders: callers that allocate many times reuse both buffers and
/// need not copy their weights into slices.
pub fn allocate_int_into(
    total: i64,
    n: usize,
    weight: impl Fn(usize) -> i64,
    cap: impl Fn(usize) -> i64,
    key: impl Fn(usize) -> u32,
    parts: &mut Vec<i64>,
    scratch: &mut Vec<u128>,
) {
    parts.clear();
    parts.resize(n, 0);
    let cap_sum: i64 = (0..n).map(|i| cap(i).max(0)).sum();
    let total = total.min(cap_sum).max(0);
    if total == 0 {
        return;
    }
    if n == 1 {
        parts[0] = total;
        return;
    }
    let weight_sum: i128 = (0..n).map(|i| i128::from(weight(i).max(0))).sum();
    let mut given = 0_i64;
    // Each remainder is packed with its key and index into one integer whose order is the
    // allocation order: larger remainder first, then smaller key. Remainders are below the
    // weight sum; when that does not fit in 63 bits the exact 128-bit path below is used.
    let small_sum = i64::try_from(weight_sum).ok().filter(|s| *s > 0);
    let Some(sum) = small_sum else {
        return allocate_wide(total, n, weight, cap, key, weight_sum, parts);
    };
    let remainders = scratch;
    remainders.clear();
    for (i, part) in parts.iter_mut().enumerate() {
        let w = weight(i).max(0);
        let (floor, rem) = match total.checked_mul(w) {
            // 64-bit division when it fits: several times faster than 128-bit.
            Some(num) => (num / sum, num % sum),
            None => {
                let num = i128::from(total) * i128::from(w);
                let sum = i128::from(sum);
                (i64::try_from(num / sum).unwrap_or(i64::MAX), (num % sum) as i64)
            }
        };
        let f = floor.min(cap(i).max(0));
        *part = f;
        given += f;
        remainders.push(pack(rem, key(i), i));
    }
    let mut left = total - given;
    if left == 0 {
        return;
    }
    let index = |packed: u128| (packed & 0xFFFF_FFFF) as usize;
    // Fewer than n units are left over: select the `left` best remainders instead of sorting all.
    let k = left as usize;
    if k < n {
        remainders.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
        if remainders[..k].iter().all(|&r| parts[index(r)] < cap(index(r))) {
            for &r in &remainders[..k] {
                parts[index(r)] += 1;
            }
            return;
        }
    }
    // Caps bind: hand out units in full remainder order, several rounds if needed.
    remainders.sort_unstable_by(|a, b| b.cmp(a));
    while left > 0 {
        let mut progressed = false;
        for &r in remainders.iter() {
            if left == 0 {
                break;
            }
            let i = index(r);
            if parts[i] < cap(i) {
                parts[i] += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
}

/// Remainder (63 bits), inverted key and index in one `u128`: descending order of the packed
/// value is descending remainder, then ascending key.
fn pack(rem: i64, key: u32, index: usize) -> u128 {
    debug_assert!(rem >= 0 && index <= u32::MAX as usize);
    (rem as u128) << 64 | u128::from(u32::MAX - key) << 32 | index as u128
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
    let mut left = total - given;
    while left > 0 {
        let mut progressed = false;
        for &(_, _, i) in &remainders {
            if left == 0 {
                break;
            }
            if parts[i] < cap(i) {
                parts[i] += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
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
