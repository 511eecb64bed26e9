//! Members: create, look up by phone at the till, update, export and erase.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pos_core::StoreId;
use pos_loyalty::{Consent, Member, Phone, PointsAccount};
use serde::Serialize;

use crate::error::AppError;
use crate::ports::Store;

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
}

/// The member use cases of one store.
pub struct Members<S: Store> {
    store: Arc<S>,
    id: StoreId,
}

impl<S: Store> Members<S> {
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
        Ok(MemberData { member, points })
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
