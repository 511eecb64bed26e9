//! Members: create, look up by phone at the till, update, export and erase.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pos_core::StoreId;
use pos_loyalty::{Consent, Member, Phone, PointsAccount};
use serde::Serialize;

use crate::error::AppError;
use crate::ports::{CouponStore, LoyaltyStore, MemberStore, SaleStore};

/// What member management needs from a store: members, coupons, points and the sales (for
/// segments).
pub trait MembersStore: MemberStore + CouponStore + LoyaltyStore + SaleStore {}

impl<T: MemberStore + CouponStore + LoyaltyStore + SaleStore> MembersStore for T {}

/// Changes to a member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberUpdate {
    /// New name.
    pub name: Option<String>,
    /// New phone number (normalised and checked for uniqueness).
    pub phone: Option<String>,
    /// New e-mail address.
    pub email: Option<String>,
    /// New birthday.
    pub birthday: Option<NaiveDate>,
    /// New consent.
    pub consent: Option<Consent>,
}

/// What an export request returns: the member and their points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberData {
    /// The member record.
    pub member: Member,
    /// Their points account, if they have one.
    pub points: Option<PointsAccount>,
    /// Every entry of their points ledger.
    pub ledger: Vec<crate::ports::PointsRecord>,
}

/// Member segments for campaigns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segments {
    /// The top spenders of the period, biggest first.
    pub top_spenders: Vec<String>,
    /// Members with no purchase for the dormancy period.
    pub dormant: Vec<String>,
    /// Members with points expiring soon, and how many.
    pub expiring: Vec<(String, i64)>,
}

/// The longest period a segment looks at: a hundred years.
pub const MAX_PERIOD_DAYS: i64 = 36_600;

/// The member use cases of one store.
pub struct Members<S: MembersStore> {
    store: Arc<S>,
    id: StoreId,
}

impl<S: MembersStore> Members<S> {
    /// Member management for a store.
    pub fn new(store: Arc<S>, id: StoreId) -> Self {
        Members { store, id }
    }

    /// Registers a member.
    ///
    /// # Errors
    /// [`AppError::Loyalty`] for an invalid id, name or phone; [`AppError::InvalidField`] naming
    /// `id` when taken; [`AppError::Store`] with `Duplicate` when the phone is someone else's.
    pub async fn create(
        &self,
        id: &str,
        name: &str,
        phone: &str,
        at: DateTime<Utc>,
    ) -> Result<Member, AppError> {
        let member = Member::new(id, name, phone, at)?;
        if self.store.member(&self.id, id).await?.is_some() {
            return Err(AppError::invalid("id", format!("member `{id}` already exists")));
        }
        self.store.upsert_member(&self.id, &member).await?;
        Ok(member)
    }

    /// Finds a member by phone number as typed at the till (`010-1234-5678`, `+82 10 ...`).
    ///
    /// # Errors
    /// [`AppError::Loyalty`] when the number is not a phone number.
    pub async fn by_phone(&self, phone: &str) -> Result<Option<Member>, AppError> {
        let phone = Phone::parse(phone)?;
        Ok(self.store.member_by_phone(&self.id, &phone).await?)
    }

    async fn get(&self, id: &str) -> Result<Member, AppError> {
        self.store
            .member(&self.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "member", id: id.to_owned() })
    }

    /// Updates a member.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Loyalty`] for an invalid value;
    /// [`AppError::InvalidField`] naming `name` when empty or the member is erased;
    /// [`AppError::Store`] with `Duplicate` when the phone is someone else's.
    pub async fn update(&self, id: &str, change: MemberUpdate) -> Result<Member, AppError> {
        let mut m = self.get(id).await?;
        if m.erased_at.is_some() {
            return Err(AppError::invalid("id", "the member's data was erased"));
        }
        if let Some(name) = change.name {
            if name.trim().is_empty() {
                return Err(AppError::invalid("name", "must not be empty"));
            }
            m.name = Some(name.trim().to_owned());
        }
        if let Some(phone) = change.phone {
            m.phone = Some(Phone::parse(&phone)?);
        }
        if let Some(email) = change.email {
            m = m.with_email(&email)?;
        }
        if let Some(b) = change.birthday {
            m.birthday = Some(b);
        }
        if let Some(c) = change.consent {
            m.consent = c;
        }
        self.store.upsert_member(&self.id, &m).await?;
        Ok(m)
    }

    /// Everything held about a member, for a data export request.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn export(&self, id: &str) -> Result<MemberData, AppError> {
        let member = self.get(id).await?;
        let points = self.store.load_account(&self.id, id).await?.map(|a| a.0);
        let ledger = self.store.ledger(&self.id, id).await?;
        Ok(MemberData { member, points, ledger })
    }

    /// Issues a coupon (birthday, win-back, purchase-count or any single-use code).
    ///
    /// # Errors
    /// [`AppError::Loyalty`] for an empty code or inverted window; [`AppError::Store`] with
    /// `Duplicate` when the code exists.
    pub async fn issue_coupon(&self, coupon: pos_loyalty::Coupon) -> Result<pos_loyalty::Coupon, AppError> {
        // The book validates and normalises.
        let mut book = pos_loyalty::CouponBook::new();
        let code = coupon.code.clone();
        book.issue(coupon)?;
        let coupon =
            book.get(&code).cloned().ok_or_else(|| AppError::invalid("code", "must not be empty"))?;
        self.store.issue_coupon(&self.id, &coupon).await?;
        Ok(coupon)
    }

    /// Segments at `now`: the top `top_percent` % by spend over the last `period_days`, members
    /// without a purchase for `dormant_days`, and members whose points expire within
    /// `expiring_days`. Purchases are the identified sales in the store's documents.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] for a non-positive period; [`AppError::Store`].
    pub async fn segments(
        &self,
        now: DateTime<Utc>,
        period_days: i64,
        top_percent: rust_decimal::Decimal,
        dormant_days: i64,
        expiring_days: i64,
    ) -> Result<Segments, AppError> {
        for (field, days) in
            [("period_days", period_days), ("dormant_days", dormant_days), ("expiring_days", expiring_days)]
        {
            if !(1..=MAX_PERIOD_DAYS).contains(&days) {
                return Err(AppError::invalid(field, format!("must be from 1 to {MAX_PERIOD_DAYS} days")));
            }
        }
        let from = now - chrono::Duration::days(period_days);
        // Spend in minor units ranks members as spend in currency units does.
        let spend = self.store.member_spend(&self.id, from, now).await?;
        let purchases: std::collections::BTreeMap<String, Vec<pos_loyalty::Purchase>> = spend
            .into_iter()
            .map(|(m, minor)| (m, vec![pos_loyalty::Purchase { at: from, amount: minor.into() }]))
            .collect();
        let last_visits = self.store.last_visits(&self.id, now).await?.into_iter().collect();
        let accounts = self.store.accounts(&self.id).await?;
        Ok(Segments {
            top_spenders: pos_loyalty::segment::top_spenders(&purchases, from, now, top_percent),
            dormant: pos_loyalty::segment::dormant(&last_visits, now, dormant_days),
            expiring: pos_loyalty::segment::expiring_points(accounts.iter(), now, expiring_days),
        })
    }

    /// Erases a member's personal data; the points ledger and past sales stay and still add up.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn erase(&self, id: &str, at: DateTime<Utc>) -> Result<Member, AppError> {
        let mut m = self.get(id).await?;
        m.erase(at);
        self.store.upsert_member(&self.id, &m).await?;
        Ok(m)
    }
}
