//! Decimal quantities with a unit of measure.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Unit of measure of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unit {
    /// Counted pieces; quantities must be whole numbers.
    #[default]
    Each,
    /// Kilograms (weighed goods).
    Kg,
    /// Grams.
    G,
    /// Litres.
    L,
    /// Millilitres.
    Ml,
    /// Metres (cut-to-length goods).
    M,
}

impl Unit {
    /// Short symbol for receipts.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Each => "",
            Unit::Kg => "kg",
            Unit::G => "g",
            Unit::L => "l",
            Unit::Ml => "ml",
            Unit::M => "m",
        }
    }

    /// Whether quantities of this unit may have a fractional part.
    pub fn is_divisible(self) -> bool {
        !matches!(self, Unit::Each)
    }
}

/// A strictly positive quantity in a unit. `Each` quantities are whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawQuantity", into = "RawQuantity")]
pub struct Quantity {
    value: Decimal,
    unit: Unit,
}

#[derive(Serialize, Deserialize)]
struct RawQuantity {
    value: Decimal,
    unit: Unit,
}

impl TryFrom<RawQuantity> for Quantity {
    type Error = CoreError;
    fn try_from(r: RawQuantity) -> Result<Self, CoreError> {
        Quantity::new(r.value, r.unit)
    }
}

impl From<Quantity> for RawQuantity {
    fn from(q: Quantity) -> Self {
        RawQuantity { value: q.value, unit: q.unit }
    }
}

impl Quantity {
    /// Largest quantity accepted on one line; guards against a scanner repeating digits.
    pub const MAX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

    /// A quantity.
    ///
    /// # Errors
    /// [`CoreError::InvalidQuantity`] when the value is zero or negative, above [`Quantity::MAX`],
    /// has more than 3 decimal places, or is fractional for [`Unit::Each`].
    pub fn new(value: Decimal, unit: Unit) -> Result<Self, CoreError> {
        let bad = |reason: &str| CoreError::InvalidQuantity { quantity: value, reason: reason.to_owned() };
        if value <= Decimal::ZERO {
            return Err(bad("must be greater than zero"));
        }
        if value > Self::MAX {
            return Err(bad("is larger than 1,000,000"));
        }
        if value.normalize().scale() > 3 {
            return Err(bad("has more than 3 decimal places"));
        }
        if !unit.is_divisible() && !value.fract().is_zero() {
            return Err(bad("must be a whole number for items sold by the piece"));
        }
        Ok(Quantity { value: value.normalize(), unit })
    }

    /// A whole number of pieces.
    ///
    /// # Errors
    /// [`CoreError::InvalidQuantity`] when `n` is zero or too large.
    pub fn each(n: u32) -> Result<Self, CoreError> {
        Quantity::new(Decimal::from(n), Unit::Each)
    }

    /// The numeric value.
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The unit.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The number of whole pieces, for `Each` quantities.
    pub fn pieces(&self) -> Option<u32> {
        if self.unit == Unit::Each { u32::try_from(self.value).ok() } else { None }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit.symbol())
    }
}
