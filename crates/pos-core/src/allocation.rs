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
    fn respects_caps() {
        let w = [Decimal::from(10), Decimal::from(1)];
        assert_eq!(allocate(10, &w, &[5, 100], &[1, 2]), vec![5, 5]);
        assert_eq!(allocate(1000, &w, &[5, 7], &[1, 2]), vec![5, 7]);
    }
}
