//! Members: the personal data, its normalised phone lookup key, consent, export and erasure.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::LoyaltyError;

/// A phone number normalised as the lookup key at the till: digits only, Korean `+82` numbers
/// in their domestic form (`+82 10-1234-5678` -> `01012345678`), other international numbers
/// as `+` and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Phone(String);

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        match e.split_once('@') {
            Some((local, domain)) if !local.is_empty() && domain.contains('.') => {}
            _ => return Err(LoyaltyError::invalid("email", format!("`{email}` is not an e-mail address"))),
        }
        self.email = Some(e.to_owned());
        Ok(self)
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
