//! The domain's limits. Values are checked against them where they enter (constructors and
//! deserialisation), so that arithmetic inside the domain cannot overflow and every store can
//! hold every value the domain accepts (stores keep amounts as 64-bit minor units and
//! quantities as 64-bit thousandths).
//!
//! | what | limit |
//! |---|---|
//! | any amount (price, line, discount, total, tender, cap, threshold) | ±10^15 minor units of its currency ([`MAX_MINOR`]); prices, which need no currency, ±10^12 ([`MAX_PRICE`]) |
//! | a price's or amount's decimal places | [`MAX_SCALE`] (6) |
//! | a quantity | 1,000,000 with 3 decimal places (`Quantity`) |
//! | lines in a basket | [`MAX_LINES`] (1,000) |
//! | an identifier (terminal, cashier, member, SKU, location, code) | [`MAX_ID_CHARS`] characters |
//! | a name or reason | [`MAX_TEXT_CHARS`] characters |
//!
//! Text may not contain control characters (NUL included), nor the invisible format characters
//! that make two different strings look alike (zero-width spaces and joiners, bidirectional
//! overrides, the byte-order mark).

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::error::CoreError;

/// Largest absolute amount of any money value, in minor units of its currency: 10^15 (a
/// quadrillion won, ten trillion euros).
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Largest absolute price or amount given without its currency, in major units: 10^12, within
/// [`MAX_MINOR`] for every currency (the most minor units a currency has is 3).
pub const MAX_PRICE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// Most decimal places of a price, an amount or a percentage.
pub const MAX_SCALE: u32 = 6;

/// Most lines in one basket.
pub const MAX_LINES: usize = 1_000;

/// Longest identifier, in characters.
pub const MAX_ID_CHARS: usize = 64;

/// Longest name or reason, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// The largest amount in major units of `currency`: [`MAX_MINOR`] minor units.
pub fn max_amount(currency: Currency) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(MAX_MINOR), currency.minor_units())
}

/// Checks an amount in `currency`: within ±[`max_amount`], at most [`MAX_SCALE`] places.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_amount(field: &str, value: Decimal, currency: Currency) -> Result<(), CoreError> {
    check_scale(field, value)?;
    if value.abs() > max_amount(currency) {
        return Err(CoreError::invalid(
            field,
            format!("must be within ±{} {}", max_amount(currency), currency),
        ));
    }
    Ok(())
}

/// Checks a price or amount given without its currency: not negative, within [`MAX_PRICE`],
/// at most [`MAX_SCALE`] places.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_price(field: &str, value: Decimal) -> Result<(), CoreError> {
    if value < Decimal::ZERO {
        return Err(CoreError::invalid(field, "must not be negative"));
    }
    check_scale(field, value)?;
    if value > MAX_PRICE {
        return Err(CoreError::invalid(field, format!("must be at most {MAX_PRICE}")));
    }
    Ok(())
}

/// Checks a percentage: above 0, at most 100, at most [`MAX_SCALE`] places.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_percent(field: &str, value: Decimal) -> Result<(), CoreError> {
    if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(CoreError::invalid(field, "must be above 0 and at most 100"));
    }
    check_scale(field, value)
}

fn check_scale(field: &str, value: Decimal) -> Result<(), CoreError> {
    if value.normalize().scale() > MAX_SCALE {
        return Err(CoreError::invalid(field, format!("has more than {MAX_SCALE} decimal places")));
    }
    Ok(())
}

/// Whether a character is invisible formatting that can make two strings look alike: zero-width
/// spaces and joiners, bidirectional marks and overrides, the byte-order mark, soft hyphens.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

fn check_chars(field: &str, value: &str, max: usize) -> Result<(), CoreError> {
    if value.chars().count() > max {
        return Err(CoreError::invalid(field, format!("must be at most {max} characters")));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(CoreError::invalid(field, "must not contain control characters"));
    }
    if value.chars().any(invisible) {
        return Err(CoreError::invalid(field, "must not contain invisible formatting characters"));
    }
    Ok(())
}

/// Checks an identifier: 1 to [`MAX_ID_CHARS`] characters, not blank, no control or invisible
/// formatting characters.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_id(field: &str, value: &str) -> Result<(), CoreError> {
    check_token(field, value, MAX_ID_CHARS)
}

/// Checks a token of up to `max` characters (an idempotency key, a code): not blank, no
/// control or invisible formatting characters.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_token(field: &str, value: &str, max: usize) -> Result<(), CoreError> {
    if value.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    check_chars(field, value, max)
}

/// Checks a name or reason: at most [`MAX_TEXT_CHARS`] characters, no control or invisible
/// formatting characters (it may be empty; callers that need one check that).
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_text(field: &str, value: &str) -> Result<(), CoreError> {
    check_chars(field, value, MAX_TEXT_CHARS)
}

/// Checks a name or reason that must be given: not blank, then as [`check_text`].
///
/// # Errors
/// [`CoreError::InvalidField`] naming `field`.
pub fn check_required_text(field: &str, value: &str) -> Result<(), CoreError> {
    if value.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    check_text(field, value)
}

/// Deserialises a type through a field-for-field mirror and a check, so that a value from
/// outside passes the same validation as its constructors. Invoke it in the type's module
/// instead of deriving `Deserialize`: `deserialize_checked!(Product, Product::validate, { sku:
/// Sku, ... })`; field attributes (`#[serde(default)]`) go before each field as usual.
#[macro_export]
macro_rules! deserialize_checked {
    ($ty:ident, $check:expr, { $( $(#[$attr:meta])* $field:ident : $fty:ty ),* $(,)? }) => {
        const _: () = {
            #[derive(::serde::Deserialize)]
            struct Unchecked {
                $( $(#[$attr])* $field: $fty, )*
            }
            impl<'de> ::serde::Deserialize<'de> for $ty {
                fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let u = Unchecked::deserialize(d)?;
                    let value = $ty { $( $field: u.$field, )* };
                    let check: fn(&$ty) -> Result<(), _> = $check;
                    check(&value).map_err(::serde::de::Error::custom)?;
                    Ok(value)
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_together() {
        assert_eq!(MAX_PRICE, Decimal::from(1_000_000_000_000_i64));
        for c in Currency::all() {
            assert!(max_amount(c) >= MAX_PRICE, "{c}: a price within MAX_PRICE is an amount within range");
        }
        // A basket at its limits sums without overflow in 64 bits.
        assert!((MAX_LINES as i64).checked_mul(MAX_MINOR).is_some());
    }

    #[test]
    fn text_refuses_what_looks_like_something_else() {
        for bad in ["a\u{200B}b", "\u{202E}abc", "\u{FEFF}x", "a\0b", "x\u{2066}y", "tab\t"] {
            assert!(check_id("f", bad).is_err(), "{bad:?}");
        }
        assert!(check_id("f", &"x".repeat(65)).is_err());
        for good in ["T1", "강남점-01", "门店1", "Müller", "김민수"] {
            assert!(check_id("f", good).is_ok(), "{good}");
        }
    }
}
