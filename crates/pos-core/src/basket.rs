//! The basket: lines being sold, manual adjustments, the customer and coupons.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::limits::{MAX_LINES, check_id, check_percent, check_price, check_required_text};
use crate::quantity::Quantity;
use crate::sku::Sku;

/// A manual discount entered by staff: a percentage or an amount, always with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManualDiscount {
    kind: ManualDiscountKind,
    reason: String,
}

crate::deserialize_checked!(ManualDiscount, ManualDiscount::check, { kind: ManualDiscountKind, reason: String });

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
        Self::with(ManualDiscountKind::Percent(percent), reason)
    }

    /// An amount discount.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `discount.amount` (not positive) or `discount.reason`.
    pub fn amount(amount: Decimal, reason: &str) -> Result<Self, CoreError> {
        Self::with(ManualDiscountKind::Amount(amount), reason)
    }

    fn with(kind: ManualDiscountKind, reason: &str) -> Result<Self, CoreError> {
        let discount = ManualDiscount { kind, reason: reason.trim().to_owned() };
        discount.check()?;
        Ok(discount)
    }

    /// Checks the discount: a percentage in (0, 100] or an amount above zero within the limits,
    /// and a reason.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `discount.percent`, `discount.amount` or
    /// `discount.reason`.
    pub fn check(&self) -> Result<(), CoreError> {
        match self.kind {
            ManualDiscountKind::Percent(p) => check_percent("discount.percent", p)?,
            ManualDiscountKind::Amount(a) if a <= Decimal::ZERO => {
                return Err(CoreError::invalid("discount.amount", "must be greater than zero"));
            }
            ManualDiscountKind::Amount(a) => check_price("discount.amount", a)?,
        }
        if self.reason.trim().is_empty() {
            return Err(CoreError::invalid("discount.reason", "a manual discount needs a reason"));
        }
        check_required_text("discount.reason", &self.reason)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceOverride {
    price: Decimal,
    reason: String,
}

crate::deserialize_checked!(PriceOverride, PriceOverride::check, { price: Decimal, reason: String });

impl PriceOverride {
    /// A price override.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `override.price` (negative) or `override.reason` (empty).
    pub fn new(price: Decimal, reason: &str) -> Result<Self, CoreError> {
        let o = PriceOverride { price, reason: reason.trim().to_owned() };
        o.check()?;
        Ok(o)
    }

    /// Checks the override: a price within the limits and a reason.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `override.price` or `override.reason`.
    pub fn check(&self) -> Result<(), CoreError> {
        check_price("override.price", self.price)?;
        if self.reason.trim().is_empty() {
            return Err(CoreError::invalid("override.reason", "a price override needs a reason"));
        }
        check_required_text("override.reason", &self.reason)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

crate::deserialize_checked!(BasketLine, BasketLine::check, {
    id: u32,
    sku: Sku,
    quantity: Quantity,
    price_override: Option<PriceOverride>,
    discount: Option<ManualDiscount>,
    embedded_price: Option<Decimal>,
});

impl BasketLine {
    /// Checks the line: an id above zero and an embedded price above zero within the limits
    /// (its other parts check themselves).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `line.id` or `embedded_price`.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.id == 0 {
            return Err(CoreError::invalid("line.id", "must be above zero"));
        }
        if let Some(p) = self.embedded_price {
            if p <= Decimal::ZERO {
                return Err(CoreError::invalid("embedded_price", "must be greater than zero"));
            }
            check_price("embedded_price", p)?;
        }
        Ok(())
    }
}

/// Who is buying: membership, tier and customer group drive member prices and promotions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CustomerContext {
    /// Loyalty member id, if identified.
    pub member_id: Option<String>,
    /// Loyalty tier, e.g. "gold".
    pub tier: Option<String>,
    /// Customer group for price lists and promotions, e.g. "staff", "wholesale".
    pub group: Option<String>,
}

crate::deserialize_checked!(CustomerContext, CustomerContext::check, {
    member_id: Option<String>,
    tier: Option<String>,
    group: Option<String>,
});

impl CustomerContext {
    /// Checks the ids it names.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `customer.member_id`, `customer.tier` or
    /// `customer.group`.
    pub fn check(&self) -> Result<(), CoreError> {
        for (field, v) in [
            ("customer.member_id", &self.member_id),
            ("customer.tier", &self.tier),
            ("customer.group", &self.group),
        ] {
            if let Some(v) = v {
                check_id(field, v)?;
            }
        }
        Ok(())
    }
}

/// A basket under construction at a till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Basket {
    lines: Vec<BasketLine>,
    next_id: u32,
    customer: CustomerContext,
    coupons: BTreeSet<String>,
    discount: Option<ManualDiscount>,
}

crate::deserialize_checked!(Basket, Basket::check, {
    lines: Vec<BasketLine>,
    next_id: u32,
    customer: CustomerContext,
    coupons: BTreeSet<String>,
    discount: Option<ManualDiscount>,
});

impl Basket {
    /// An empty basket.
    pub fn new() -> Self {
        Basket::default()
    }

    /// Checks what a constructor would: at most [`MAX_LINES`] lines with distinct ids, each
    /// below `next_id` (so that [`Basket::add`] never reuses one), coupon codes as
    /// [`Basket::add_coupon`] stores them.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `lines`, `line.id`, `next_id` or `coupon`.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.lines.len() > MAX_LINES {
            return Err(CoreError::invalid("lines", format!("a basket holds at most {MAX_LINES} lines")));
        }
        let mut ids: Vec<u32> = self.lines.iter().map(|l| l.id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(CoreError::invalid("line.id", format!("line id {} is used twice", w[0])));
        }
        if ids.last().is_some_and(|max| *max > self.next_id) || self.next_id > 1_000_000_000 {
            return Err(CoreError::invalid("next_id", "must be at least the largest line id, at most 10^9"));
        }
        for code in &self.coupons {
            if *code != normalise_coupon(code) {
                return Err(CoreError::invalid("coupon", format!("`{code}` is not normalised")));
            }
            check_id("coupon", code)?;
        }
        Ok(())
    }

    /// Adds a line and returns its id.
    pub fn add(&mut self, sku: Sku, quantity: Quantity) -> u32 {
        // `check` keeps `next_id` far below `u32::MAX`; pricing refuses more than MAX_LINES.
        self.next_id = self.next_id.saturating_add(1);
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
        check_price("embedded_price", price)?;
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
        line.check()?;
        if line.id == 0 || line.id > 1_000_000_000 || self.lines.iter().any(|l| l.id == line.id) {
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
        check_id("coupon", &code)?;
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
