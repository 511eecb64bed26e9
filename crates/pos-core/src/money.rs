//! Money: an exact decimal amount in one currency.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::currency::Currency;
use crate::error::CoreError;
use crate::rounding::RoundingMode;

/// An exact amount of one currency. Arithmetic is checked: mixing currencies or overflowing
/// is an error, never a silent conversion or wrap-around.
///
/// A `Money` may carry more decimal places than its currency has minor units (for example a
/// tax computed at full precision); [`Money::round`] is the explicit point where it is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

// From outside, an amount must be within the domain's limits (see `crate::limits`).
crate::deserialize_checked!(Money, |m: &Money| crate::limits::check_amount("amount", m.amount, m.currency), {
    amount: Decimal,
    currency: Currency,
});

impl Money {
    /// Creates an amount.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Money { amount: Decimal::ZERO, currency }
    }

    /// Parses `"12.50"` in `currency`.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `amount` when the text is not a decimal number.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, CoreError> {
        let amount: Decimal = amount
            .trim()
            .parse()
            .map_err(|_| CoreError::invalid("amount", format!("`{amount}` is not a decimal number")))?;
        Ok(Money { amount, currency })
    }

    /// Creates an amount from integer minor units (cents, won).
    #[inline]
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        let abs = minor.unsigned_abs();
        let amount =
            Decimal::from_parts(abs as u32, (abs >> 32) as u32, 0, minor < 0, currency.minor_units());
        Money { amount, currency }
    }

    /// The amount as a decimal.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in integer minor units, if it is already rounded to them and fits.
    pub fn to_minor(&self) -> Option<i64> {
        let scaled = self.amount.checked_mul(Decimal::from(10_i64.pow(self.currency.minor_units())))?;
        if scaled.fract().is_zero() { i64::try_from(scaled).ok() } else { None }
    }

    /// Checks that the amount is within the domain's limits (see [`crate::limits`]).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `field`.
    pub fn check(&self, field: &str) -> Result<(), CoreError> {
        crate::limits::check_amount(field, self.amount, self.currency)
    }

    /// True when the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same(&self, other: &Money) -> Result<(), CoreError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(CoreError::CurrencyMismatch {
                left: self.currency.code().to_owned(),
                right: other.currency.code().to_owned(),
            })
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] or [`CoreError::Overflow`].
    pub fn checked_add(&self, other: &Money) -> Result<Money, CoreError> {
        self.same(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(CoreError::Overflow { operation: "add" })?;
        Ok(Money { amount, currency: self.currency })
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] or [`CoreError::Overflow`].
    pub fn checked_sub(&self, other: &Money) -> Result<Money, CoreError> {
        self.same(other)?;
        let amount =
            self.amount.checked_sub(other.amount).ok_or(CoreError::Overflow { operation: "subtract" })?;
        Ok(Money { amount, currency: self.currency })
    }

    /// `self * factor` at full precision (no rounding).
    ///
    /// # Errors
    /// [`CoreError::Overflow`].
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, CoreError> {
        let amount = self.amount.checked_mul(factor).ok_or(CoreError::Overflow { operation: "multiply" })?;
        Ok(Money { amount, currency: self.currency })
    }

    /// Rounds to the currency's minor units with `mode`. This is one of the named rounding
    /// points; call it only where the business rule says an amount becomes final.
    pub fn round(&self, mode: RoundingMode) -> Money {
        Money { amount: mode.round(self.amount, self.currency.minor_units()), currency: self.currency }
    }

    /// Sums amounts that must all be in `currency`.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] or [`CoreError::Overflow`].
    pub fn sum<'a>(
        currency: Currency,
        items: impl IntoIterator<Item = &'a Money>,
    ) -> Result<Money, CoreError> {
        items.into_iter().try_fold(Money::zero(currency), |acc, m| acc.checked_add(m))
    }
}

impl fmt::Display for Money {
    /// `12.50 EUR`, `33000 KRW`: the amount at the currency's minor units when it has no more
    /// precision than that.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dp = self.currency.minor_units();
        let mut a = self.amount;
        if a.scale() < dp {
            a.rescale(dp);
        }
        write!(f, "{} {}", a, self.currency.code())
    }
}

/// Formats an amount for a receipt: thousands separators, the currency's minor units
/// (`33,000`, `1,012.50`).
pub fn format_amount(amount: Decimal, currency: Currency) -> String {
    format_amount_with(amount, currency, '.', ',')
}

/// Formats an amount with the given decimal and thousands separators (`1.012,50` in German).
pub fn format_amount_with(amount: Decimal, currency: Currency, decimal: char, group: char) -> String {
    let dp = currency.minor_units();
    let mut a = amount.round_dp(dp);
    a.rescale(dp);
    let s = a.abs().to_string();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
        None => (s, None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(ch);
    }
    let sign = if a.is_sign_negative() && !a.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}{decimal}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn amounts_take_the_language_separators() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(format_amount(d("1012.5"), Currency::EUR), "1,012.50");
        assert_eq!(format_amount_with(d("1012.5"), Currency::EUR, ',', '.'), "1.012,50");
        assert_eq!(format_amount_with(d("-1234567.891"), Currency::EUR, ',', '.'), "-1.234.567,89");
        assert_eq!(format_amount_with(d("135000"), Currency::KRW, ',', '.'), "135.000");
        assert_eq!(format_amount(d("-500"), Currency::KRW), "-500");
        assert_eq!(format_amount(d("-0.001"), Currency::EUR), "0.00", "no negative zero");
    }
}
