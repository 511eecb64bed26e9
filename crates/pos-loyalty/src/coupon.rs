//! Coupons: birthday, purchase-count, win-back and single-use codes with validity windows.
//!
//! A coupon is a personal, single-use code that unlocks a campaign: a pos-core promotion gated by
//! the campaign's code. At the till the personal code is checked here and the campaign code goes
//! into the basket.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::LoyaltyError;
use crate::member::Member;

/// Why a coupon was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponKind {
    /// Before the member's birthday.
    Birthday,
    /// After every N purchases.
    PurchaseCount,
    /// For a member who has not visited for a while.
    WinBack,
    /// Any other single-use code.
    SingleUse,
}

/// A single-use coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coupon {
    /// The personal code.
    pub code: String,
    /// Kind.
    pub kind: CouponKind,
    /// The campaign code the pos-core promotion is gated by.
    pub campaign: String,
    /// Only this member may use it (`None`: anyone holding the code).
    pub member: Option<String>,
    /// First day valid.
    pub valid_from: NaiveDate,
    /// Last day valid.
    pub valid_to: NaiveDate,
    /// The sale it was used on.
    pub used_on: Option<String>,
}

pos_core::deserialize_checked!(Coupon, Coupon::check, {
    code: String,
    kind: CouponKind,
    campaign: String,
    member: Option<String>,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    used_on: Option<String>,
});

impl Coupon {
    /// Checks the coupon: a code (as [`CouponBook::issue`] normalises it), the campaign's and
    /// the member's ids, and a window that does not end before it starts.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `code`, `campaign`, `member` or `valid_to`.
    pub fn check(&self) -> Result<(), LoyaltyError> {
        if self.code.trim().is_empty() {
            return Err(LoyaltyError::invalid("code", "must not be empty"));
        }
        pos_core::limits::check_id("code", &self.code)?;
        pos_core::limits::check_id("campaign", &self.campaign)?;
        if let Some(m) = &self.member {
            pos_core::limits::check_id("member", m)?;
        }
        if let Some(u) = &self.used_on {
            pos_core::limits::check_id("used_on", u)?;
        }
        if self.valid_to < self.valid_from {
            return Err(LoyaltyError::invalid("valid_to", "is before valid_from"));
        }
        Ok(())
    }
}

/// All coupons, by code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponBook {
    coupons: BTreeMap<String, Coupon>,
}

impl CouponBook {
    /// An empty book.
    pub fn new() -> Self {
        CouponBook::default()
    }

    /// A coupon by code.
    pub fn get(&self, code: &str) -> Option<&Coupon> {
        self.coupons.get(&code.trim().to_uppercase())
    }

    /// Coupons of a member.
    pub fn of_member<'a>(&'a self, member: &'a str) -> impl Iterator<Item = &'a Coupon> + 'a {
        self.coupons.values().filter(move |c| c.member.as_deref() == Some(member))
    }

    /// Issues a coupon.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `code` (empty or taken) or `valid_to` (before
    /// `valid_from`).
    pub fn issue(&mut self, mut coupon: Coupon) -> Result<(), LoyaltyError> {
        coupon.code = coupon.code.trim().to_uppercase();
        coupon.check()?;
        if self.coupons.contains_key(&coupon.code) {
            return Err(LoyaltyError::invalid("code", format!("`{}` already exists", coupon.code)));
        }
        self.coupons.insert(coupon.code.clone(), coupon);
        Ok(())
    }

    /// Checks that `member` may use `code` on `day`; returns the campaign code to put in the basket.
    ///
    /// # Errors
    /// [`LoyaltyError::Coupon`] saying why not.
    pub fn check(&self, code: &str, member: Option<&str>, day: NaiveDate) -> Result<&str, LoyaltyError> {
        let bad = |reason: &str| LoyaltyError::Coupon { code: code.to_owned(), reason: reason.to_owned() };
        let c = self.get(code).ok_or_else(|| bad("no such coupon"))?;
        if c.used_on.is_some() {
            return Err(bad("already used"));
        }
        if day < c.valid_from {
            return Err(bad(&format!("valid from {}", c.valid_from)));
        }
        if day > c.valid_to {
            return Err(bad(&format!("expired on {}", c.valid_to)));
        }
        if c.member.is_some() && c.member.as_deref() != member {
            return Err(bad("belongs to another member"));
        }
        Ok(&c.campaign)
    }

    /// Marks a coupon used on a sale.
    ///
    /// # Errors
    /// As [`CouponBook::check`]; nothing changes on error.
    pub fn redeem(
        &mut self,
        code: &str,
        member: Option<&str>,
        day: NaiveDate,
        sale: &str,
    ) -> Result<String, LoyaltyError> {
        let campaign = self.check(code, member, day)?.to_owned();
        if let Some(c) = self.coupons.get_mut(&code.trim().to_uppercase()) {
            c.used_on = Some(sale.to_owned());
        }
        Ok(campaign)
    }

    /// Gives a coupon back when the sale it was used on is refunded or voided.
    pub fn reinstate(&mut self, code: &str) {
        if let Some(c) = self.coupons.get_mut(&code.trim().to_uppercase()) {
            c.used_on = None;
        }
    }
}

/// The next birthday on or after `today` (29 February falls on 28 February in other years).
fn next_birthday(birthday: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let on = |year: i32| {
        NaiveDate::from_ymd_opt(year, birthday.month(), birthday.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
    };
    let this = on(today.year())?;
    if this >= today { Some(this) } else { on(today.year() + 1) }
}

/// Birthday coupons due on `today`: for members whose birthday is within `days_before` days,
/// valid from today for `valid_days` days. One per member and year (the code says which year).
pub fn birthday_coupons(
    members: &[Member],
    today: NaiveDate,
    days_before: i64,
    valid_days: i64,
    campaign: &str,
) -> Vec<Coupon> {
    members
        .iter()
        .filter(|m| m.erased_at.is_none())
        .filter_map(|m| {
            let next = next_birthday(m.birthday?, today)?;
            ((next - today).num_days() <= days_before).then(|| Coupon {
                code: format!("BDAY-{}-{}", next.year(), m.id).to_uppercase(),
                kind: CouponKind::Birthday,
                campaign: campaign.to_owned(),
                member: Some(m.id.clone()),
                valid_from: today,
                valid_to: last_day(today, valid_days),
                used_on: None,
            })
        })
        .collect()
}

/// A reward coupon when a member's purchase count reaches a multiple of `every`.
pub fn purchase_count_coupon(
    member: &str,
    purchases: u64,
    every: u64,
    today: NaiveDate,
    valid_days: i64,
    campaign: &str,
) -> Option<Coupon> {
    (every > 0 && purchases > 0 && purchases.is_multiple_of(every)).then(|| Coupon {
        code: format!("VISIT-{purchases}-{member}").to_uppercase(),
        kind: CouponKind::PurchaseCount,
        campaign: campaign.to_owned(),
        member: Some(member.to_owned()),
        valid_from: today,
        valid_to: last_day(today, valid_days),
        used_on: None,
    })
}

/// Win-back coupons for members whose last visit is `dormant_days` or more before `today`.
/// The code carries the last visit, so a member gets one per dormant spell.
pub fn win_back_coupons(
    last_visits: &BTreeMap<String, DateTime<Utc>>,
    today: NaiveDate,
    dormant_days: i64,
    valid_days: i64,
    campaign: &str,
) -> Vec<Coupon> {
    last_visits
        .iter()
        .filter(|(_, last)| (today - last.date_naive()).num_days() >= dormant_days)
        .map(|(m, last)| Coupon {
            code: format!("BACK-{}-{m}", last.format("%Y%m%d")).to_uppercase(),
            kind: CouponKind::WinBack,
            campaign: campaign.to_owned(),
            member: Some(m.clone()),
            valid_from: today,
            valid_to: last_day(today, valid_days),
            used_on: None,
        })
        .collect()
}

/// The last day of a validity of `days` from `today` (a day at least; the last date there is at
/// most).
fn last_day(today: NaiveDate, days: i64) -> NaiveDate {
    Duration::try_days(days.max(1) - 1).and_then(|d| today.checked_add_signed(d)).unwrap_or(NaiveDate::MAX)
}
