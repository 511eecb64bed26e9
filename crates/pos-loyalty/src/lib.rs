//! # pos-loyalty
//!
//! The pure loyalty domain: members (with a normalised phone as the till's lookup key, consent,
//! export and erasure), points in lots that expire first-in-first-out, earning and redemption
//! rules, tiers, coupons, segments, and gift cards / store credit. Every balance change is a
//! ledger entry and balances are the sum of their ledger.
//!
//! The defaults ([`LoyaltyConfig::default`]) follow common Korean retail practice: 10 points per
//! 1,000 KRW, a 1,000-point signup bonus, redemption from 1,000 points at 1 point = 1 KRW, and
//! expiry after 12 months.
//!
//! ## Example
//!
//! ```
//! use pos_loyalty::{LoyaltyConfig, PointsAccount, SaleInput, SaleLine};
//! use rust_decimal::Decimal;
//!
//! let config = LoyaltyConfig::default();
//! let mut account = PointsAccount::new("m-1");
//! let line = SaleLine { line_id: 1, sku: "8801".into(), categories: vec![], base: Decimal::from(54_000),
//!                       paid: Decimal::from(54_000), tax: Decimal::from(4_909) };
//! let at = "2026-11-23T03:00:00Z".parse().unwrap();
//! let sale = account.sale(&config, &SaleInput { document: "R-1".into(), at, lines: vec![line],
//!     redeem: 0, tier_multiplier: Decimal::ONE, first_purchase: true })?;
//! assert_eq!(sale.earned_total(), 540);
//! assert_eq!(account.balance(), 1_540); // with the signup bonus
//! # Ok::<(), pos_loyalty::LoyaltyError>(())
//! ```
#![deny(missing_docs)]

pub mod config;
pub mod coupon;
pub mod earn;
pub mod error;
pub mod giftcard;
pub mod member;
pub mod points;
pub mod segment;
pub mod tier;

pub use config::{EarnEvent, EarnRate, LoyaltyConfig};
pub use coupon::{Coupon, CouponBook, CouponKind};
pub use earn::SaleLine;
pub use error::LoyaltyError;
pub use giftcard::{StoredValue, StoredValueKind};
pub use member::{Consent, Member, Phone};
pub use points::{EntryKind, LedgerEntry, Lot, LoyaltySale, PointsAccount, RefundOutcome, SaleInput};
pub use tier::{Purchase, TierBasis, TierRule, evaluate_tier, tier_promotions};

use serde::Serialize;

/// Everything the programme holds about a member, for a data export request.
#[derive(Debug, Clone, Serialize)]
pub struct MemberExport<'a> {
    /// The member record.
    pub member: &'a Member,
    /// Points lots.
    pub lots: &'a [Lot],
    /// Points ledger.
    pub ledger: &'a [LedgerEntry],
    /// Coupons issued to the member.
    pub coupons: Vec<&'a Coupon>,
    /// Purchases.
    pub purchases: &'a [Purchase],
}

/// Collects a member's data for export.
pub fn export<'a>(
    member: &'a Member,
    account: &'a PointsAccount,
    coupons: &'a CouponBook,
    purchases: &'a [Purchase],
) -> MemberExport<'a> {
    MemberExport {
        member,
        lots: account.lots(),
        ledger: account.ledger(),
        coupons: coupons.of_member(&member.id).collect(),
        purchases,
    }
}
