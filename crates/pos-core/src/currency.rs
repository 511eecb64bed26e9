//! ISO 4217 currencies and their minor units.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// An ISO 4217 currency known to the platform, with its number of minor units.
///
/// Only currencies in the built-in table can be constructed, so a `Currency` always knows how
/// many decimal places its amounts round to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    index: u8,
}

/// (code, minor units, symbol)
const TABLE: &[(&str, u32, &str)] = &[
    ("AUD", 2, "A$"),
    ("CAD", 2, "C$"),
    ("CHF", 2, "CHF"),
    ("CNY", 2, "¥"),
    ("CZK", 2, "Kč"),
    ("DKK", 2, "kr"),
    ("EUR", 2, "€"),
    ("GBP", 2, "£"),
    ("HKD", 2, "HK$"),
    ("JPY", 0, "¥"),
    ("KRW", 0, "₩"),
    ("KWD", 3, "KD"),
    ("NOK", 2, "kr"),
    ("PLN", 2, "zł"),
    ("SEK", 2, "kr"),
    ("SGD", 2, "S$"),
    ("TWD", 2, "NT$"),
    ("USD", 2, "$"),
];

impl Currency {
    /// Euro, 2 minor units.
    pub const EUR: Currency = Currency::const_lookup("EUR");
    /// South Korean won, 0 minor units.
    pub const KRW: Currency = Currency::const_lookup("KRW");
    /// Chinese yuan renminbi, 2 minor units.
    pub const CNY: Currency = Currency::const_lookup("CNY");
    /// US dollar, 2 minor units.
    pub const USD: Currency = Currency::const_lookup("USD");
    /// Japanese yen, 0 minor units.
    pub const JPY: Currency = Currency::const_lookup("JPY");
    /// Pound sterling, 2 minor units.
    pub const GBP: Currency = Currency::const_lookup("GBP");
    /// Swiss franc, 2 minor units.
    pub const CHF: Currency = Currency::const_lookup("CHF");
    /// Kuwaiti dinar, 3 minor units.
    pub const KWD: Currency = Currency::const_lookup("KWD");

    const fn const_lookup(code: &str) -> Currency {
        let code = code.as_bytes();
        let mut i = 0;
        while i < TABLE.len() {
            let c = TABLE[i].0.as_bytes();
            if c[0] == code[0] && c[1] == code[1] && c[2] == code[2] {
                return Currency { index: i as u8 };
            }
            i += 1;
        }
        panic!("currency missing from table")
    }

    /// Parses an ISO 4217 alphabetic code such as `"KRW"` (case-insensitive).
    ///
    /// # Errors
    /// [`CoreError::UnknownCurrency`] when the code is not in the built-in table.
    pub fn parse(code: &str) -> Result<Currency, CoreError> {
        let upper = code.trim().to_ascii_uppercase();
        TABLE
            .iter()
            .position(|(c, _, _)| *c == upper)
            .map(|i| Currency { index: i as u8 })
            .ok_or_else(|| CoreError::UnknownCurrency { code: code.to_owned() })
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        TABLE[self.index as usize].0
    }

    /// Number of digits after the decimal point in the smallest unit (KRW 0, EUR 2, KWD 3).
    pub fn minor_units(self) -> u32 {
        TABLE[self.index as usize].1
    }

    /// A display symbol (`₩`, `€`, `¥`).
    pub fn symbol(self) -> &'static str {
        TABLE[self.index as usize].2
    }

    /// Every currency the platform knows.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..TABLE.len()).map(|i| Currency { index: i as u8 })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}
