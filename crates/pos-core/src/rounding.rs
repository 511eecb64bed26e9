//! Rounding modes and cash rounding.
//!
//! Rounding never happens implicitly: amounts keep full precision until one of the named
//! rounding points (line, document, cash) calls into this module.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// How a value exactly halfway (or any value, for `Up`/`Down`) is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingMode {
    /// Halves go away from zero (0.705 -> 0.71). Common in Korea and Germany.
    HalfUp,
    /// Halves go to the even neighbour (0.705 -> 0.70), "banker's rounding" as Square uses.
    #[default]
    HalfEven,
    /// Always away from zero.
    Up,
    /// Always towards zero (truncate).
    Down,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }

    /// Rounds `value` to `dp` decimal places.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, self.strategy())
    }

    /// `num / den` rounded to an integer with this mode, in exact integer arithmetic: the same
    /// result as [`RoundingMode::round`] to 0 places of the exact quotient. `den` must be > 0.
    #[inline]
    pub(crate) fn round_ratio(self, num: i128, den: i128) -> i128 {
        debug_assert!(den > 0);
        // Unsigned 64-bit division for the common case (a discount: both positive and small).
        if let (Ok(n), Ok(d)) = (u64::try_from(num), u64::try_from(den)) {
            let (q, r) = (n / d, n % d);
            return i128::from(q) + i128::from(r != 0 && self.rounds_up(false, r.cmp(&(d - r)), q % 2 != 0));
        }
        // 64-bit division when both fit: 128-bit division is a slow library call.
        if let (Ok(num), Ok(den)) = (i64::try_from(num), i64::try_from(den)) {
            let (q, r) = (num.div_euclid(den), num.rem_euclid(den));
            return i128::from(q)
                + i128::from(r != 0 && self.rounds_up(num < 0, r.cmp(&(den - r)), q % 2 != 0));
        }
        let (q, r) = (num.div_euclid(den), num.rem_euclid(den));
        q + i128::from(r != 0 && self.rounds_up(num < 0, r.cmp(&(den - r)), q % 2 != 0))
    }

    /// Whether `x` with `q < x < q + 1` rounds to `q + 1` ("up" is away from zero for a
    /// negative `x`): `half` compares the fraction with one half, `odd` is whether `q` is odd.
    fn rounds_up(self, negative: bool, half: std::cmp::Ordering, odd: bool) -> bool {
        use std::cmp::Ordering::{Equal, Greater};
        match self {
            RoundingMode::Down => negative,
            RoundingMode::Up => !negative,
            RoundingMode::HalfUp => half == Greater || (half == Equal && !negative),
            RoundingMode::HalfEven => half == Greater || (half == Equal && odd),
        }
    }

    /// Rounds `value` to a multiple of `increment` (zero: no rounding). An increment so small
    /// that the steps leave `Decimal`'s range leaves the value as it is; [`CashRounding`]
    /// refuses such increments.
    pub fn round_to_increment(self, value: Decimal, increment: Decimal) -> Decimal {
        if increment.is_zero() {
            return value;
        }
        value
            .checked_div(increment)
            .map(|steps| steps.round_dp_with_strategy(0, self.strategy()))
            .and_then(|steps| steps.checked_mul(increment))
            .map_or(value, |v| v.normalize())
    }
}

/// Removes the representation noise that repeated decimal division leaves in the last of
/// rust_decimal's 28 digits (`1000 / 3 * 3 = 999.99...9`), so that a value that is mathematically
/// whole rounds as whole whatever the order of summation. Applied to amounts in minor units,
/// just before a named rounding point; nine decimal places of a minor unit are far below any
/// real price.
pub fn settle(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(9, RoundingStrategy::MidpointNearestEven)
}

/// Per-store cash rounding: cash totals are rounded to a multiple of `increment`
/// (CHF 0.05, KRW 10). Card and other tenders are never cash-rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CashRounding {
    increment: Decimal,
    mode: RoundingMode,
}

crate::deserialize_checked!(CashRounding, CashRounding::check, { increment: Decimal, mode: RoundingMode });

impl CashRounding {
    /// A cash rounding rule.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `cash_rounding.increment` unless it is above zero, at
    /// most 1,000,000 and has at most 4 decimal places.
    pub fn new(increment: Decimal, mode: RoundingMode) -> Result<Self, CoreError> {
        if increment <= Decimal::ZERO {
            return Err(CoreError::invalid("cash_rounding.increment", "must be greater than zero"));
        }
        let rounding = CashRounding { increment, mode };
        rounding.check()?;
        Ok(rounding)
    }

    /// Checks the rule: an increment of zero (none) or above zero, at most 1,000,000, with at
    /// most 4 decimal places.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `cash_rounding.increment`.
    pub fn check(&self) -> Result<(), CoreError> {
        let i = self.increment;
        if i < Decimal::ZERO || i > Decimal::from(1_000_000) || i.normalize().scale() > 4 {
            return Err(CoreError::invalid(
                "cash_rounding.increment",
                "must be 0 (none) or between 0.0001 and 1,000,000, with at most 4 decimal places",
            ));
        }
        Ok(())
    }

    /// No cash rounding: the smallest currency unit is used as is.
    pub fn none() -> Self {
        CashRounding { increment: Decimal::ZERO, mode: RoundingMode::HalfUp }
    }

    /// The increment (zero when cash rounding is off).
    pub fn increment(&self) -> Decimal {
        self.increment
    }

    /// The rounding mode.
    pub fn mode(&self) -> RoundingMode {
        self.mode
    }

    /// Rounds an amount due in cash.
    pub fn apply(&self, amount: Decimal) -> Decimal {
        self.mode.round_to_increment(amount, self.increment)
    }
}

impl Default for CashRounding {
    fn default() -> Self {
        CashRounding::none()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const MODES: [RoundingMode; 4] =
        [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Up, RoundingMode::Down];

    proptest! {
        /// The integer fast path of the pricing engine rounds exactly like `Decimal`.
        #[test]
        fn round_ratio_matches_decimal(num in -10_i64.pow(15)..10_i64.pow(15), digits in 0_u32..10, m in 0_usize..4) {
            let mode = MODES[m];
            let den = 10_i128.pow(digits);
            let exact = Decimal::from_i128_with_scale(i128::from(num), digits);
            let expected = mode.round(exact, 0);
            prop_assert_eq!(Decimal::from(mode.round_ratio(i128::from(num), den)), expected);
        }

        /// Past 64 bits the 128-bit path rounds the same way.
        #[test]
        fn round_ratio_wide_matches_decimal(num in -10_i128.pow(26)..10_i128.pow(26), digits in 0_u32..20, m in 0_usize..4) {
            let mode = MODES[m];
            let den = 10_i128.pow(digits);
            let exact = Decimal::from_i128_with_scale(num, digits);
            prop_assert_eq!(Decimal::from(mode.round_ratio(num, den)), mode.round(exact, 0));
        }
    }

    #[test]
    fn round_ratio_midpoints() {
        let cases = [(25, [3, 2, 3, 2]), (-25, [-3, -2, -3, -2]), (35, [4, 4, 4, 3]), (21, [2, 2, 3, 2])];
        for (num, want) in cases {
            for (mode, w) in MODES.iter().zip(want) {
                assert_eq!(mode.round_ratio(num, 10), w, "{num}/10 with {mode:?}");
            }
        }
    }
}
