//! What a store checks before it writes a value it was given: the domain's own checks, so that
//! nothing a use case could not have produced is stored (a product with a negative price would
//! make every later sale fail). Every store runs these, in its write methods.

use pos_core::limits::check_id;
use pos_core::{Category, PriceList, Product};
use pos_inventory::StockPolicy;
use pos_loyalty::{Coupon, Member};

use super::{ParkedBasket, ShiftRecord};
use crate::error::StoreError;

/// A category.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn category(c: &Category) -> Result<(), StoreError> {
    Ok(c.check()?)
}

/// A product.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn product(p: &Product) -> Result<(), StoreError> {
    Ok(p.validate()?)
}

/// A price list.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn price_list(l: &PriceList) -> Result<(), StoreError> {
    Ok(l.validate()?)
}

/// A member.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn member(m: &Member) -> Result<(), StoreError> {
    Ok(m.check()?)
}

/// A coupon.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn coupon(c: &Coupon) -> Result<(), StoreError> {
    Ok(c.check()?)
}

/// A stock policy.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn policy(p: &StockPolicy) -> Result<(), StoreError> {
    Ok(p.check()?)
}

/// A parked basket.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn parked(p: &ParkedBasket) -> Result<(), StoreError> {
    check_id("terminal", &p.terminal)?;
    Ok(p.basket.check()?)
}

/// A shift.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the field.
pub fn shift(s: &ShiftRecord) -> Result<(), StoreError> {
    check_id("terminal", &s.terminal)?;
    check_id("cashier", &s.cashier)?;
    s.float.check("float")?;
    for (_, event) in &s.cash_events {
        if let pos_payments::ShiftEvent::PaidIn { amount, reason }
        | pos_payments::ShiftEvent::PaidOut { amount, reason } = event
        {
            amount.check("amount")?;
            pos_core::limits::check_text("reason", reason)?;
        }
    }
    Ok(())
}
