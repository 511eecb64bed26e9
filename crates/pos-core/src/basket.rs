//! The basket: lines being sold, manual adjustments, the customer and coupons.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::quantity::Quantity;
use crate::sku::Sku;

/// A manual discount entered by staff: a percentage or an amount, always with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualDiscount {
    kind: ManualDiscountKind,
    reason: String,
}

/// Percent or amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualDiscountKind {
    /// Percent of the amount it applies to (0 < p <= 100).
    Percent(Decimal),
    /// A fixed amount in the store currency (> 0). Capped at what it applies to.
    Amount(Decimal),
}

impl ManualDiscount {
    /// A percentage discount.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `discount.percent` (not in (0, 100]) or
    /// `discount.reason` (empty).
    pub fn percent(percent: Decimal, reason: &str) -> Result<Self, CoreError> {
        if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            return Err(CoreError::invalid("discount.percent", "must be above 0 and at most 100"));
        }
        Self::with(ManualDiscountKind::Percent(percent), reason)
    }

    /// An amount discount.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `discount.amount` (not positive) or `discount.reason`.
    pub fn amount(amount: Decimal, reason: &str) -> Result<Self, CoreError> {
        if amount <= Decimal::ZERO {
            return Err(CoreError::invalid("discount.amount", "must be greater than zero"));
        }
        Self::with(ManualDiscountKind::Amount(amount), reason)
    }

    fn with(kind: ManualDiscountKind, reason: &str) -> Result<Self, CoreError> {
        if reason.trim().is_empty() {
            return Err(CoreError::invalid("discount.reason", "a manual discount needs a reason"));
        }
        Ok(ManualDiscount { kind, reason: reason.trim().to_owned() })
    }

    /// Percent or amount.
    pub fn kind(&self) -> ManualDiscountKind {
        self.kind
    }

    /// Why it was given.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A unit price set by staff, replacing the catalog price, with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceOverride {
    price: Decimal,
    reason: String,
}

impl PriceOverride {
    /// A price override.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `override.price` (negative) or `override.reason` (empty).
    pub fn new(price: Decimal, reason: &str) -> Result<Self, CoreError> {
        if price < Decimal::ZERO {
            return Err(CoreError::invalid("override.price", "must not be negative"));
        }
        if reason.trim().is_empty() {
            return Err(CoreError::invalid("override.reason", "a price override needs a reason"));
        }
        Ok(PriceOverride { price, reason: reason.trim().to_owned() })
    }

    /// The unit price.
    pub fn price(&self) -> Decimal {
        self.price
    }

    /// Why it was set.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// One basket line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    /// Stable id within the basket (not its position).
    pub id: u32,
    /// The product.
    pub sku: Sku,
    /// How many (pieces) or how much (kg, l).
    pub quantity: Quantity,
    /// A price override, if staff set one.
    pub price_override: Option<PriceOverride>,
    /// A manual line discount, if staff gave one.
    pub discount: Option<ManualDiscount>,
    /// A price carried by the scanned barcode (GS1 price-embedded code): the line amount.
    pub embedded_price: Option<Decimal>,
}

/// Who is buying: membership, tier and customer group drive member prices and promotions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerContext {
    /// Loyalty member id, if identified.
    pub member_id: Option<String>,
    /// Loyalty tier, e.g. "gold".
    pub tier: Option<String>,
    /// Customer group for price lists and promotions, e.g. "staff", "wholesale".
    pub group: Option<String>,
}

/// A basket under construction at a till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Basket {
    lines: Vec<BasketLine>,
    next_id: u32,
    customer: CustomerContext,
    coupons: BTreeSet<String>,
    discount: Option<ManualDiscount>,
}

impl Basket {
    /// An empty basket.
    pub fn new() -> Self {
        Basket::default()
    }

    /// Adds a line and returns its id.
    pub fn add(&mut self, sku: Sku, quantity: Quantity) -> u32 {
        self.next_id += 1;
        let id = self.next_id;
        self.lines.push(BasketLine {
            id,
            sku,
            quantity,
            price_override: None,
            discount: None,
            embedded_price: None,
        });
        id
    }

    /// Adds a line whose amount comes from a price-embedded barcode.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `embedded_price` when it is not positive.
    pub fn add_with_embedded_price(&mut self, sku: Sku, price: Decimal) -> Result<u32, CoreError> {
        if price <= Decimal::ZERO {
            return Err(CoreError::invalid("embedded_price", "must be greater than zero"));
        }
        let id = self.add(sku, Quantity::each(1)?);
        if let Some(l) = self.lines.last_mut() {
            l.embedded_price = Some(price);
        }
        Ok(id)
    }

    /// Inserts a line with a given id (restoring a parked basket, replaying an upload).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `line.id` when the id is 0 or already used.
    pub fn insert_line(&mut self, line: BasketLine) -> Result<(), CoreError> {
        if line.id == 0 || self.lines.iter().any(|l| l.id == line.id) {
            return Err(CoreError::invalid(
                "line.id",
                format!("line id {} is zero or already used", line.id),
            ));
        }
        self.next_id = self.next_id.max(line.id);
        self.lines.push(line);
        Ok(())
    }

    fn line_mut(&mut self, id: u32) -> Result<&mut BasketLine, CoreError> {
        self.lines.iter_mut().find(|l| l.id == id).ok_or(CoreError::UnknownLine { line: id })
    }

    /// Removes a line.
    ///
    /// # Errors
    /// [`CoreError::UnknownLine`].
    pub fn remove(&mut self, id: u32) -> Result<BasketLine, CoreError> {
        let pos = self.lines.iter().position(|l| l.id == id).ok_or(CoreError::UnknownLine { line: id })?;
        Ok(self.lines.remove(pos))
    }

    /// Changes a line's quantity.
    ///
    /// # Errors
    /// [`CoreError::UnknownLine`]; [`CoreError::InvalidQuantity`] when the unit differs.
    pub fn set_quantity(&mut self, id: u32, quantity: Quantity) -> Result<(), CoreError> {
        let line = self.line_mut(id)?;
        if line.quantity.unit() != quantity.unit() {
            return Err(CoreError::InvalidQuantity {
                quantity: quantity.value(),
                reason: format!("unit must stay {:?}", line.quantity.unit()),
            });
        }
        line.quantity = quantity;
        Ok(())
    }

    /// Overrides a line's unit price (permission checks belong to the caller).
    ///
    /// # Errors
    /// [`CoreError::UnknownLine`].
    pub fn override_price(&mut self, id: u32, price: PriceOverride) -> Result<(), CoreError> {
        self.line_mut(id)?.price_override = Some(price);
        Ok(())
    }

    /// Sets or clears a manual line discount.
    ///
    /// # Errors
    /// [`CoreError::UnknownLine`].
    pub fn set_line_discount(&mut self, id: u32, discount: Option<ManualDiscount>) -> Result<(), CoreError> {
        self.line_mut(id)?.discount = discount;
        Ok(())
    }

    /// Sets or clears a manual basket discount.
    pub fn set_discount(&mut self, discount: Option<ManualDiscount>) {
        self.discount = discount;
    }

    /// Sets the customer.
    pub fn set_customer(&mut self, customer: CustomerContext) {
        self.customer = customer;
    }

    /// Adds a coupon code (normalised to upper case, trimmed).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `coupon` when it is empty or longer than 64 characters.
    pub fn add_coupon(&mut self, code: &str) -> Result<(), CoreError> {
        let code = normalise_coupon(code);
        if code.is_empty() || code.chars().count() > 64 {
            return Err(CoreError::invalid("coupon", "must be 1 to 64 characters"));
        }
        self.coupons.insert(code);
        Ok(())
    }

    /// Removes a coupon code.
    pub fn remove_coupon(&mut self, code: &str) -> bool {
        self.coupons.remove(&normalise_coupon(code))
    }

    /// The lines, in the order they were added.
    pub fn lines(&self) -> &[BasketLine] {
        &self.lines
    }

    /// The customer.
    pub fn customer(&self) -> &CustomerContext {
        &self.customer
    }

    /// Coupon codes entered.
    pub fn coupons(&self) -> &BTreeSet<String> {
        &self.coupons
    }

    /// The manual basket discount.
    pub fn discount(&self) -> Option<&ManualDiscount> {
        self.discount.as_ref()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Coupon codes compare case-insensitively and ignore surrounding spaces.
pub fn normalise_coupon(code: &str) -> String {
    code.trim().to_uppercase()
}
