//! Tax classes, rates and the store's tax policy.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::rounding::RoundingMode;

/// Identifier of a tax class ("standard", "reduced", "food").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxClassId(pub String);

impl TryFrom<String> for TaxClassId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        crate::limits::check_id("tax_class", &s)?;
        Ok(TaxClassId(s))
    }
}

impl From<TaxClassId> for String {
    fn from(t: TaxClassId) -> String {
        t.0
    }
}

impl TaxClassId {
    /// A tax class id.
    pub fn new(s: &str) -> Self {
        TaxClassId(s.to_owned())
    }
}

/// A tax rate as a fraction (`0.19` for 19 %), with a short label printed on receipts ("A", "B").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxRate {
    rate: Decimal,
    label: String,
}

crate::deserialize_checked!(TaxRate, TaxRate::check, { rate: Decimal, label: String });

impl TaxRate {
    /// A rate given in percent (19 -> 19 %).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `tax.rate` when it is negative or 100 % or more.
    pub fn percent(percent: Decimal, label: &str) -> Result<Self, CoreError> {
        if percent < Decimal::ZERO || percent >= Decimal::ONE_HUNDRED {
            return Err(CoreError::invalid("tax.rate", format!("{percent}% is not between 0% and 100%")));
        }
        let rate = TaxRate { rate: percent / Decimal::ONE_HUNDRED, label: label.to_owned() };
        rate.check()?;
        Ok(rate)
    }

    /// Checks the rate: a fraction from 0 to below 1 with at most 8 decimal places, and a label
    /// of at most 64 characters.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `tax.rate` or `tax.label`.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.rate < Decimal::ZERO || self.rate >= Decimal::ONE || self.rate.normalize().scale() > 8 {
            return Err(CoreError::invalid(
                "tax.rate",
                "must be a fraction from 0 to below 1 (8 places at most)",
            ));
        }
        crate::limits::check_id("tax.label", &self.label)
    }

    /// The rate as a fraction.
    pub fn rate(&self) -> Decimal {
        self.rate
    }

    /// The rate in percent, normalised (`19`, `7`, `11.75`).
    pub fn percent_value(&self) -> Decimal {
        (self.rate * Decimal::ONE_HUNDRED).normalize()
    }

    /// The receipt label.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// Whether shelf prices include tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    /// Prices include tax (Korea, Germany, China): tax is extracted from the gross.
    Inclusive,
    /// Prices exclude tax (United States): tax is added on top.
    Exclusive,
}

/// Where tax is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    /// Each line's tax is rounded; the document tax is their sum.
    PerLine,
    /// Tax is computed per rate over the whole document at full precision and rounded once, then
    /// allocated back to lines by largest remainder.
    PerDocument,
}

/// The store's tax configuration: rates per class, inclusive or exclusive prices, rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxTable {
    rates: BTreeMap<TaxClassId, TaxRate>,
    mode: TaxMode,
    rounding: TaxRounding,
    rounding_mode: RoundingMode,
}

impl TaxTable {
    /// An empty table.
    pub fn new(mode: TaxMode, rounding: TaxRounding, rounding_mode: RoundingMode) -> Self {
        TaxTable { rates: BTreeMap::new(), mode, rounding, rounding_mode }
    }

    /// Adds or replaces the rate of a class.
    pub fn with_rate(mut self, class: &str, rate: TaxRate) -> Self {
        self.rates.insert(TaxClassId::new(class), rate);
        self
    }

    /// The rate of a class.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `tax_class` when the class has no rate.
    pub fn rate(&self, class: &TaxClassId) -> Result<&TaxRate, CoreError> {
        self.rates
            .get(class)
            .ok_or_else(|| CoreError::invalid("tax_class", format!("no tax rate for class `{}`", class.0)))
    }

    /// Inclusive or exclusive prices.
    pub fn mode(&self) -> TaxMode {
        self.mode
    }

    /// Per line or per document.
    pub fn rounding(&self) -> TaxRounding {
        self.rounding
    }

    /// Rounding mode for tax.
    pub fn rounding_mode(&self) -> RoundingMode {
        self.rounding_mode
    }

    /// Tax on `amount` at `rate`, at full precision: extracted when prices include tax, added
    /// on top otherwise.
    pub fn exact_tax(&self, amount: Decimal, rate: Decimal) -> Decimal {
        match self.mode {
            TaxMode::Inclusive => amount * rate / (Decimal::ONE + rate),
            TaxMode::Exclusive => amount * rate,
        }
    }

    /// Korea: 10 % VAT included, rounded per document, half-up.
    pub fn korea() -> Self {
        TaxTable::new(TaxMode::Inclusive, TaxRounding::PerDocument, RoundingMode::HalfUp)
            .with_rate("standard", TaxRate { rate: Decimal::new(10, 2), label: "VAT".into() })
            .with_rate("exempt", TaxRate { rate: Decimal::ZERO, label: "면세".into() })
    }

    /// Germany: 19 % (A) and 7 % (B) VAT included, rounded per document, half-up.
    pub fn germany() -> Self {
        TaxTable::new(TaxMode::Inclusive, TaxRounding::PerDocument, RoundingMode::HalfUp)
            .with_rate("standard", TaxRate { rate: Decimal::new(19, 2), label: "A".into() })
            .with_rate("reduced", TaxRate { rate: Decimal::new(7, 2), label: "B".into() })
    }

    /// China: 13 % standard, 9 % and 6 % reduced VAT, included, rounded per document, half-up.
    pub fn china() -> Self {
        TaxTable::new(TaxMode::Inclusive, TaxRounding::PerDocument, RoundingMode::HalfUp)
            .with_rate("standard", TaxRate { rate: Decimal::new(13, 2), label: "13%".into() })
            .with_rate("reduced", TaxRate { rate: Decimal::new(9, 2), label: "9%".into() })
            .with_rate("service", TaxRate { rate: Decimal::new(6, 2), label: "6%".into() })
    }
}
