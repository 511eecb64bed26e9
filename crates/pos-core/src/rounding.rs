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

    /// Rounds `value` to a multiple of `increment` (which must be positive).
    pub fn round_to_increment(self, value: Decimal, increment: Decimal) -> Decimal {
        if increment.is_zero() {
            return value;
        }
        let steps = (value / increment).round_dp_with_strategy(0, self.strategy());
        (steps * increment).normalize()
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashRounding {
    increment: Decimal,
    mode: RoundingMode,
}

impl CashRounding {
    /// A cash rounding rule.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `increment` when it is zero or negative.
    pub fn new(increment: Decimal, mode: RoundingMode) -> Result<Self, CoreError> {
        if increment <= Decimal::ZERO {
            return Err(CoreError::invalid("cash_rounding.increment", "must be greater than zero"));
        }
        Ok(CashRounding { increment, mode })
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
