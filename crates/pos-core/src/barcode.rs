//! Barcodes: EAN-13, EAN-8 and UPC-A with check digits, and GS1 in-store codes that embed a
//! price or a weight (prefixes 02 and 20-29).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// The symbology of a validated retail barcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Symbology {
    /// 13 digits.
    Ean13,
    /// 8 digits.
    Ean8,
    /// 12 digits (North America).
    UpcA,
}

/// A barcode whose length and check digit have been validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Barcode {
    digits: String,
    symbology: Symbology,
}

/// GS1 mod-10 check digit over `body` (all digits but the check digit).
pub fn gs1_check_digit(body: &[u8]) -> u8 {
    // Weights 3,1,3,1... from the rightmost body digit.
    let sum: u32 =
        body.iter().rev().enumerate().map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 }).sum();
    ((10 - sum % 10) % 10) as u8
}

fn digits_of(code: &str) -> Result<Vec<u8>, CoreError> {
    code.bytes()
        .map(|b| {
            if b.is_ascii_digit() {
                Ok(b - b'0')
            } else {
                Err(CoreError::InvalidBarcode {
                    code: code.to_owned(),
                    reason: "contains a non-digit".into(),
                })
            }
        })
        .collect()
}

impl Barcode {
    /// Parses an EAN-13, EAN-8 or UPC-A code, chosen by length, and checks its check digit.
    ///
    /// # Errors
    /// [`CoreError::InvalidBarcode`] for non-digits, an unsupported length or a wrong check digit.
    pub fn parse(code: &str) -> Result<Barcode, CoreError> {
        let code = code.trim();
        let digits = digits_of(code)?;
        let symbology = match digits.len() {
            13 => Symbology::Ean13,
            8 => Symbology::Ean8,
            12 => Symbology::UpcA,
            n => {
                return Err(CoreError::InvalidBarcode {
                    code: code.to_owned(),
                    reason: format!("length {n} is not 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13)"),
                });
            }
        };
        let (body, check) = digits.split_at(digits.len() - 1);
        let expected = gs1_check_digit(body);
        if check[0] != expected {
            return Err(CoreError::InvalidBarcode {
                code: code.to_owned(),
                reason: format!("check digit is {} but should be {expected}", check[0]),
            });
        }
        Ok(Barcode { digits: code.to_owned(), symbology })
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The symbology.
    pub fn symbology(&self) -> Symbology {
        self.symbology
    }

    /// The code as 13 digits (UPC-A gains a leading zero; EAN-8 is returned unchanged).
    pub fn gtin13(&self) -> String {
        match self.symbology {
            Symbology::UpcA => format!("0{}", self.digits),
            _ => self.digits.clone(),
        }
    }
}

/// What a GS1 in-store code carries after the item number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbeddedKind {
    /// A price in the store currency.
    Price,
    /// A weight in kilograms.
    Weight,
}

/// Layout of one family of in-store EAN-13 codes, e.g. `2 PPPPP VVVVV C` where P is the item
/// number, V the value and C the check digit. Stores configure one layout per prefix range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbeddedLayout {
    prefixes: Vec<String>,
    item_digits: u8,
    value_digits: u8,
    value_decimals: u8,
    kind: EmbeddedKind,
}

// From outside, a layout passes the constructor's checks.
crate::deserialize_checked!(
    EmbeddedLayout,
    |l: &EmbeddedLayout| {
        let prefixes: Vec<&str> = l.prefixes.iter().map(String::as_str).collect();
        EmbeddedLayout::new(&prefixes, l.item_digits, l.value_digits, l.value_decimals, l.kind).map(drop)
    },
    { prefixes: Vec<String>, item_digits: u8, value_digits: u8, value_decimals: u8, kind: EmbeddedKind }
);

impl EmbeddedLayout {
    /// A layout. `prefixes` are the 2-digit prefixes it applies to ("02", "20".."29");
    /// prefix, item and value digits plus the check digit must add up to 13.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming the offending field.
    pub fn new(
        prefixes: &[&str],
        item_digits: u8,
        value_digits: u8,
        value_decimals: u8,
        kind: EmbeddedKind,
    ) -> Result<Self, CoreError> {
        if prefixes.is_empty() {
            return Err(CoreError::invalid("layout.prefixes", "must not be empty"));
        }
        for p in prefixes {
            let ok = *p == "02" || (p.len() == 2 && p.starts_with('2') && p.as_bytes()[1].is_ascii_digit());
            if !ok {
                return Err(CoreError::invalid(
                    "layout.prefixes",
                    format!("`{p}` is not a GS1 in-store prefix (02 or 20-29)"),
                ));
            }
        }
        if 2 + item_digits as usize + value_digits as usize + 1 != 13 {
            return Err(CoreError::invalid(
                "layout.item_digits",
                "prefix + item + value + check must be 13 digits",
            ));
        }
        if item_digits == 0 || value_digits == 0 {
            return Err(CoreError::invalid("layout.value_digits", "item and value need at least one digit"));
        }
        if value_decimals > value_digits {
            return Err(CoreError::invalid("layout.value_decimals", "cannot exceed value_digits"));
        }
        Ok(EmbeddedLayout {
            prefixes: prefixes.iter().map(|s| (*s).to_owned()).collect(),
            item_digits,
            value_digits,
            value_decimals,
            kind,
        })
    }

    /// The common European weight layout: prefixes 21-29 (and 02), 5-digit item, weight in grams
    /// (5 digits, 3 decimals in kg).
    pub fn weight_5_5() -> Self {
        EmbeddedLayout {
            prefixes: ["02", "21", "22", "23", "24", "25", "26", "27", "28", "29"].map(String::from).to_vec(),
            item_digits: 5,
            value_digits: 5,
            value_decimals: 3,
            kind: EmbeddedKind::Weight,
        }
    }

    /// A price layout for prefix 20: 5-digit item, 5-digit price with `decimals` decimals
    /// (2 for EUR, 0 for KRW).
    pub fn price_5_5(decimals: u8) -> Self {
        EmbeddedLayout {
            prefixes: vec!["20".to_owned()],
            item_digits: 5,
            value_digits: 5,
            value_decimals: decimals.min(5),
            kind: EmbeddedKind::Price,
        }
    }
}

/// A parsed in-store code: the item it names and the value embedded in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedBarcode {
    /// Prefix and item digits, e.g. `"2112345"`: the key under which the catalog registers the item.
    pub item_code: String,
    /// Price or weight.
    pub kind: EmbeddedKind,
    /// The value (price in currency units, weight in kg).
    pub value: Decimal,
}

/// A scanned code: either a plain product barcode or an in-store code with an embedded value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scan {
    /// A product barcode looked up as is.
    Product(Barcode),
    /// A price- or weight-embedded in-store code.
    Embedded(EmbeddedBarcode),
}

/// Parses a scan with the store's in-store layouts. EAN-13 codes whose prefix matches a layout
/// are decoded; everything else is a plain barcode.
///
/// # Errors
/// [`CoreError::InvalidBarcode`] when the code or its check digit is invalid, or when its
/// embedded value is zero. In-store prefixes that no layout covers are returned as plain barcodes,
/// since a store may register such codes as ordinary items.
pub fn parse_scan(code: &str, layouts: &[EmbeddedLayout]) -> Result<Scan, CoreError> {
    let barcode = Barcode::parse(code)?;
    if barcode.symbology() != Symbology::Ean13 {
        return Ok(Scan::Product(barcode));
    }
    let s = barcode.as_str();
    let prefix = &s[..2];
    let Some(layout) = layouts.iter().find(|l| l.prefixes.iter().any(|p| p == prefix)) else {
        return Ok(Scan::Product(barcode));
    };
    let item_end = 2 + layout.item_digits as usize;
    let value_end = item_end + layout.value_digits as usize;
    let raw: i64 = s[item_end..value_end].parse().map_err(|_| CoreError::InvalidBarcode {
        code: s.to_owned(),
        reason: "embedded value is not a number".into(),
    })?;
    let value = Decimal::new(raw, u32::from(layout.value_decimals));
    if value.is_zero() {
        return Err(CoreError::InvalidBarcode {
            code: s.to_owned(),
            reason: "embedded value is zero".into(),
        });
    }
    Ok(Scan::Embedded(EmbeddedBarcode { item_code: s[..item_end].to_owned(), kind: layout.kind, value }))
}
