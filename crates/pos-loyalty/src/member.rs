//! Members: the personal data, its normalised phone lookup key, consent, export and erasure.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::LoyaltyError;

/// A phone number normalised as the lookup key at the till: digits only, Korean `+82` numbers
/// in their domestic form (`+82 10-1234-5678` -> `01012345678`), other international numbers
/// as `+` and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl TryFrom<String> for Phone {
    type Error = LoyaltyError;
    fn try_from(s: String) -> Result<Self, LoyaltyError> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl Phone {
    /// Parses and normalises a phone number.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `phone` for letters or a length outside 8 to 15 digits.
    pub fn parse(s: &str) -> Result<Phone, LoyaltyError> {
        let t = s.trim();
        let plus = t.starts_with('+');
        let mut digits = String::new();
        for (i, c) in t.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                '+' if i == 0 => {}
                _ => return Err(LoyaltyError::invalid("phone", format!("`{s}` contains `{c}`"))),
            }
        }
        let normal = match (plus, digits.strip_prefix("82")) {
            (true, Some(rest)) => format!("0{}", rest.trim_start_matches('0')),
            (true, None) => format!("+{digits}"),
            (false, _) => digits,
        };
        let n = normal.trim_start_matches('+').len();
        if !(8..=15).contains(&n) {
            return Err(LoyaltyError::invalid("phone", format!("`{s}` has {n} digits, expected 8 to 15")));
        }
        Ok(Phone(normal))
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Marketing consent, as the member gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Consent {
    /// Marketing by SMS / KakaoTalk.
    pub sms: bool,
    /// Marketing by e-mail.
    pub email: bool,
}

/// A loyalty member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Id.
    pub id: String,
    /// Name (`None` once erased).
    pub name: Option<String>,
    /// Phone, the lookup key at the till (`None` once erased).
    pub phone: Option<Phone>,
    /// E-mail.
    pub email: Option<String>,
    /// Birthday.
    pub birthday: Option<NaiveDate>,
    /// Marketing consent.
    pub consent: Consent,
    /// The member who referred this one.
    pub referred_by: Option<String>,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// When their personal data was erased.
    pub erased_at: Option<DateTime<Utc>>,
}

pos_core::deserialize_checked!(Member, Member::check, {
    id: String,
    name: Option<String>,
    phone: Option<Phone>,
    email: Option<String>,
    birthday: Option<NaiveDate>,
    consent: Consent,
    referred_by: Option<String>,
    joined_at: DateTime<Utc>,
    erased_at: Option<DateTime<Utc>>,
});

fn check_email(e: &str) -> Result<(), LoyaltyError> {
    match e.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@') => {
            Ok(pos_core::limits::check_text("email", e)?)
        }
        _ => Err(LoyaltyError::invalid("email", format!("`{e}` is not an e-mail address"))),
    }
}

impl Member {
    /// A new member.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `id`, `name`, `phone` or `email`.
    pub fn new(id: &str, name: &str, phone: &str, joined_at: DateTime<Utc>) -> Result<Self, LoyaltyError> {
        if id.trim().is_empty() {
            return Err(LoyaltyError::invalid("id", "must not be empty"));
        }
        if name.trim().is_empty() {
            return Err(LoyaltyError::invalid("name", "must not be empty"));
        }
        pos_core::limits::check_id("id", id)?;
        pos_core::limits::check_required_text("name", name)?;
        Ok(Member {
            id: id.to_owned(),
            name: Some(name.trim().to_owned()),
            phone: Some(Phone::parse(phone)?),
            email: None,
            birthday: None,
            consent: Consent::default(),
            referred_by: None,
            joined_at,
            erased_at: None,
        })
    }

    /// Sets the e-mail address.
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming `email` when it has no `@` or no domain.
    pub fn with_email(mut self, email: &str) -> Result<Self, LoyaltyError> {
        let e = email.trim();
        check_email(e)?;
        self.email = Some(e.to_owned());
        Ok(self)
    }

    /// Checks what a constructor would: the id, the name (not blank), an e-mail address, the
    /// referrer's id (see `pos_core::limits`).
    ///
    /// # Errors
    /// [`LoyaltyError::InvalidField`] naming the field.
    pub fn check(&self) -> Result<(), LoyaltyError> {
        pos_core::limits::check_id("id", &self.id)?;
        if let Some(name) = &self.name {
            pos_core::limits::check_required_text("name", name)?;
        }
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        if let Some(r) = &self.referred_by {
            pos_core::limits::check_id("referred_by", r)?;
        }
        Ok(())
    }

    /// Sets the birthday.
    pub fn with_birthday(mut self, birthday: NaiveDate) -> Self {
        self.birthday = Some(birthday);
        self
    }

    /// Records who referred the member.
    pub fn referred_by(mut self, referrer: &str) -> Self {
        self.referred_by = Some(referrer.to_owned());
        self
    }

    /// Erases personal data: name, phone, e-mail and birthday are removed and consent
    /// withdrawn. The id stays so that the points ledger and sales still add up.
    pub fn erase(&mut self, at: DateTime<Utc>) {
        self.name = None;
        self.phone = None;
        self.email = None;
        self.birthday = None;
        self.consent = Consent::default();
        self.erased_at = Some(at);
    }
}
