//! Stock-keeping unit identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// A stock-keeping unit: 1 to 64 visible characters, no whitespace, no control or invisible
/// formatting characters (see [`crate::limits`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    /// Parses a SKU.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `sku` when it is empty, longer than 64 characters, or
    /// contains whitespace, control or invisible formatting characters.
    pub fn parse(s: &str) -> Result<Sku, CoreError> {
        crate::limits::check_id("sku", s)?;
        if s.chars().any(char::is_whitespace) {
            return Err(CoreError::invalid("sku", "must not contain whitespace"));
        }
        Ok(Sku(s.to_owned()))
    }

    /// The SKU text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Sku {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Sku::parse(&s)
    }
}

impl From<Sku> for String {
    fn from(s: Sku) -> String {
        s.0
    }
}
