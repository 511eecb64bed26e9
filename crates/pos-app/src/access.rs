//! Who may do what: staff with roles and PINs, API tokens with scopes, sessions, and the rules
//! that lock an account after repeated wrong PINs. Hashing is the caller's (the server uses
//! argon2id); this module decides.

use chrono::{DateTime, Duration, Utc};
use pos_core::StoreId;
use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including staff, tokens and the journal.
    Admin,
    /// The till and what needs a manager: refunds, voids, overrides, paid-outs, stock, catalog,
    /// reports, members.
    Manager,
    /// Sells, parks, opens and closes their shift, looks members up.
    Cashier,
}

/// Something a request does that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Price baskets and complete sales; park and recall.
    Sell,
    /// Override a line's price.
    PriceOverride,
    /// Give a manual discount above the threshold.
    LargeDiscount,
    /// Refund lines of a sale.
    Refund,
    /// Void a sale.
    Void,
    /// Open and close shifts, pay in.
    Shift,
    /// Pay out of the drawer.
    PaidOut,
    /// Read stock.
    StockRead,
    /// Adjust, transfer, count and reserve stock.
    StockWrite,
    /// Change the catalog, prices and promotions.
    CatalogWrite,
    /// Read the catalog.
    CatalogRead,
    /// Look members up.
    MembersRead,
    /// Register, change, export and erase members; issue coupons.
    MembersWrite,
    /// Read reports and segments.
    ReportsRead,
    /// Read the event feed.
    EventsRead,
    /// Read and audit the journal.
    JournalRead,
    /// Manage staff, terminals, tokens and webhooks.
    Admin,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 17] = [
        Permission::Sell,
        Permission::PriceOverride,
        Permission::LargeDiscount,
        Permission::Refund,
        Permission::Void,
        Permission::Shift,
        Permission::PaidOut,
        Permission::StockRead,
        Permission::StockWrite,
        Permission::CatalogWrite,
        Permission::CatalogRead,
        Permission::MembersRead,
        Permission::MembersWrite,
        Permission::ReportsRead,
        Permission::EventsRead,
        Permission::JournalRead,
        Permission::Admin,
    ];
}

impl Role {
    /// The permission matrix.
    pub fn allows(self, p: Permission) -> bool {
        match self {
            Role::Admin => true,
            Role::Manager => p != Permission::Admin,
            Role::Cashier => matches!(
                p,
                Permission::Sell
                    | Permission::Shift
                    | Permission::StockRead
                    | Permission::CatalogRead
                    | Permission::MembersRead
            ),
        }
    }
}

/// What an API token may do: a set of permissions, never more than an admin has.
pub type Scope = Permission;

/// A staff member of a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Id (login name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The PIN's (or password's) hash, in PHC string form.
    pub secret_hash: String,
    /// Wrong PINs in a row.
    pub failed_attempts: u32,
    /// Locked until then after too many wrong PINs.
    pub locked_until: Option<DateTime<Utc>>,
    /// False once deactivated.
    pub active: bool,
}

/// How many wrong PINs in a row lock an account.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;

/// How long a lockout lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

/// How long a session lasts without use.
pub const SESSION_HOURS: i64 = 12;

impl StaffMember {
    /// Whether the account may try to log in at `now`.
    pub fn can_try(&self, now: DateTime<Utc>) -> bool {
        self.active && self.locked_until.is_none_or(|t| t <= now)
    }

    /// Records a wrong PIN: after [`MAX_FAILED_ATTEMPTS`] in a row the account is locked for
    /// [`LOCKOUT_MINUTES`]. Returns true when this attempt locked it.
    pub fn failed(&mut self, now: DateTime<Utc>) -> bool {
        self.failed_attempts += 1;
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS {
            self.locked_until = Some(now + Duration::minutes(LOCKOUT_MINUTES));
            self.failed_attempts = 0;
            return true;
        }
        false
    }

    /// Records a good PIN.
    pub fn succeeded(&mut self) {
        self.failed_attempts = 0;
        self.locked_until = None;
    }
}

/// A logged-in session (the token itself is given to the client once and kept hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The hash of the session token.
    pub token_hash: String,
    /// Store.
    pub store: StoreId,
    /// Staff member.
    pub staff: String,
    /// Their role when they logged in.
    pub role: Role,
    /// Terminal they logged in at, if any.
    pub terminal: Option<String>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// An API token of an integration (the token is shown once and kept hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Id.
    pub id: String,
    /// Store.
    pub store: StoreId,
    /// Name ("accounting export").
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// The argon2id hash of the token's secret.
    pub token_hash: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// False once revoked.
    pub active: bool,
}

/// Who is asking: a staff session or an API token, of one store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// Store.
    pub store: StoreId,
    /// The staff member's id or `token:<id>`.
    pub actor: String,
    /// What it may do.
    pub grants: Grants,
    /// The terminal of a staff session.
    pub terminal: Option<String>,
}

/// What a principal may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Grants {
    /// A staff member's role.
    Role {
        /// The role.
        role: Role,
    },
    /// A token's scopes.
    Scopes {
        /// The scopes.
        scopes: Vec<Scope>,
    },
}

impl Principal {
    /// Whether it may do `p` in `store`.
    pub fn may(&self, store: &StoreId, p: Permission) -> bool {
        &self.store == store
            && match &self.grants {
                Grants::Role { role } => role.allows(p),
                Grants::Scopes { scopes } => scopes.contains(&p),
            }
    }

    /// Who a till's document is recorded as when this principal makes it for `terminal`: a
    /// staff session records its own staff member (whatever the request names as `cashier`) and
    /// acts only for the terminal it logged in at; an API token (a kiosk, a web shop) records
    /// the cashier the request names.
    ///
    /// # Errors
    /// [`AppError::InvalidField`](crate::AppError::InvalidField) naming `terminal` when a
    /// session logged in at one terminal acts for another.
    pub fn till_cashier(&self, terminal: &str, cashier: &str) -> Result<String, crate::AppError> {
        if let Some(own) = &self.terminal
            && own != terminal
        {
            return Err(crate::AppError::InvalidField {
                field: "terminal".into(),
                reason: format!("this session is logged in at terminal `{own}`, not `{terminal}`"),
            });
        }
        Ok(match self.grants {
            Grants::Role { .. } => self.actor.clone(),
            Grants::Scopes { .. } => cashier.to_owned(),
        })
    }
}

/// Where a staff member may log in: a cashier at one of the store's registered terminals; an
/// admin or manager there too, or without a terminal (the back office).
///
/// # Errors
/// [`AppError::InvalidField`](crate::AppError::InvalidField) naming `terminal`.
pub fn login_terminal(
    role: Role,
    terminal: Option<&str>,
    store: &crate::ports::StoreProfile,
) -> Result<(), crate::AppError> {
    let invalid = |reason: String| crate::AppError::InvalidField { field: "terminal".into(), reason };
    match terminal {
        None if role == Role::Cashier => {
            Err(invalid("a cashier logs in at one of the store's terminals".into()))
        }
        None => Ok(()),
        Some(t) if store.terminal(t).is_some() => Ok(()),
        Some(t) => {
            let known: Vec<&str> = store.terminals.iter().map(|t| t.id.as_str()).collect();
            Err(invalid(format!(
                "`{t}` is not a registered terminal of store `{}` (registered: {})",
                store.id.0,
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            )))
        }
    }
}

/// One line of the access log: a login, a lockout, a refusal, an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    /// Store.
    pub store: StoreId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a staff id, `token:<id>`, or `anonymous`).
    pub actor: String,
    /// What (`login`, `lockout`, `refused`, `approved`).
    pub action: String,
    /// On what (an endpoint, a staff id).
    pub subject: String,
    /// Whether it went through.
    pub allowed: bool,
}

/// One print of a document on a printer the server drives: the first print of a receipt or a Z
/// report is its original, every later one is marked a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintRecord {
    /// Store.
    pub store: StoreId,
    /// What was printed: `sale T1-000001`, `z T1 42`.
    pub document: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who asked.
    pub actor: String,
    /// The printer's address.
    pub printer: String,
    /// Whether it was marked a copy.
    pub copy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_is_what_the_roles_say() {
        for p in Permission::ALL {
            assert!(Role::Admin.allows(p));
            assert_eq!(Role::Manager.allows(p), p != Permission::Admin);
        }
        assert!(Role::Cashier.allows(Permission::Sell));
        for p in [
            Permission::Refund,
            Permission::Void,
            Permission::PriceOverride,
            Permission::PaidOut,
            Permission::StockWrite,
        ] {
            assert!(!Role::Cashier.allows(p), "{p:?}");
        }
    }

    #[test]
    fn a_till_records_its_own_cashier_at_its_own_terminal() {
        let store = StoreId("s".into());
        let session = Principal {
            store: store.clone(),
            actor: "kim".into(),
            grants: Grants::Role { role: Role::Cashier },
            terminal: Some("T1".into()),
        };
        assert_eq!(session.till_cashier("T1", "somebody-else").ok(), Some("kim".to_owned()));
        assert!(matches!(
            session.till_cashier("T2", "kim"),
            Err(crate::AppError::InvalidField { ref field, .. }) if field == "terminal"
        ));
        let kiosk = Principal {
            store,
            actor: "token:k".into(),
            grants: Grants::Scopes { scopes: vec![Permission::Sell] },
            terminal: None,
        };
        assert_eq!(kiosk.till_cashier("K1", "web").ok(), Some("web".to_owned()));
    }

    #[test]
    fn five_wrong_pins_lock_for_fifteen_minutes() {
        let now: DateTime<Utc> = "2026-11-23T03:00:00Z".parse().unwrap_or_default();
        let mut s = StaffMember {
            id: "kim".into(),
            name: "김민수".into(),
            role: Role::Cashier,
            secret_hash: String::new(),
            failed_attempts: 0,
            locked_until: None,
            active: true,
        };
        for _ in 0..4 {
            assert!(!s.failed(now));
            assert!(s.can_try(now));
        }
        assert!(s.failed(now));
        assert!(!s.can_try(now + Duration::minutes(14)));
        assert!(s.can_try(now + Duration::minutes(15)));
    }

    #[test]
    fn a_cashier_logs_in_at_a_registered_terminal() {
        let mut store = crate::ports::StoreProfile::new("s", "가게", "korea");
        store.terminals.push(crate::ports::TerminalProfile::new("T1", "카운터 1"));
        assert!(login_terminal(Role::Cashier, Some("T1"), &store).is_ok());
        let field = |r: Result<(), crate::AppError>| match r {
            Err(crate::AppError::InvalidField { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        };
        let (f, why) = field(login_terminal(Role::Cashier, Some("T9"), &store));
        assert_eq!(f, "terminal");
        assert!(why.contains("registered: T1"), "{why}");
        assert_eq!(field(login_terminal(Role::Cashier, None, &store)).0, "terminal");
        assert!(login_terminal(Role::Manager, None, &store).is_ok());
        assert!(login_terminal(Role::Admin, Some("T9"), &store).is_err());
    }
}
