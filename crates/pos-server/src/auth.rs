//! Who is asking. Staff log in at a terminal with their PIN and get a session token; integrations
//! use API tokens with scopes. PINs and API token secrets are hashed with argon2id; session
//! tokens are 256 random bits kept as SHA-256 (a hash that is fast to check on every request is
//! enough for a secret nobody can guess; argon2 is for secrets people choose). Every login,
//! lockout and refusal goes to the access log.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{Duration, Utc};
use pos_app::Store;
use pos_app::access::{
    AccessRecord, ApiToken, Grants, Permission, Principal, SESSION_HOURS, Session, StaffMember,
};
use pos_core::StoreId;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// 256 random bits from the operating system, in hex.
///
/// # Panics
/// When the operating system has no randomness to give (nothing secure can be done then).
pub fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    #[allow(clippy::expect_used, reason = "no secure fallback exists")]
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 in hex.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id hash of a PIN or secret, in PHC form.
///
/// # Errors
/// [`ApiError`] (internal) when hashing fails.
pub fn hash_secret(secret: &str) -> Result<String, ApiError> {
    let hash: PasswordHash =
        Argon2::default().hash_password(secret.as_bytes()).map_err(ApiError::internal)?;
    Ok(hash.to_string())
}

/// Whether `secret` matches an argon2 PHC hash.
pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
}

/// The principal of a request: from `Authorization: Bearer <token>`, a session (`s.<secret>`) or
/// an API token (`t.<id>.<secret>`).
pub struct Auth(pub Principal);

impl<S: Store> FromRequestParts<AppState<S>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, Self::Rejection> {
        let principal = principal(parts, state).await;
        if let Err(e) = &principal
            && e.status == axum::http::StatusCode::UNAUTHORIZED
        {
            // A refused request is audited under the store its path names (a request for no
            // store, such as the feed of a token's own store, has none to be audited under).
            let path = parts.uri.path();
            if let Some(store) = path.strip_prefix("/api/v1/stores/").and_then(|p| p.split('/').next())
                && state.shop(store).await.is_ok()
            {
                let subject = format!("{} {path}", parts.method);
                log(state, &StoreId(store.to_owned()), "anonymous", "refused", &subject, false).await;
            }
        }
        principal.map(Auth)
    }
}

/// Who sent the request, from its `Authorization` header.
async fn principal<S: Store>(parts: &Parts, state: &AppState<S>) -> Result<Principal, ApiError> {
    {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|h| h.to_str().ok());
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Err(ApiError::unauthenticated("send `Authorization: Bearer <token>`"));
        };
        let store = &state.inner.store;
        if let Some(secret) = token.strip_prefix("s.") {
            let session = store.session(&sha256(secret)).await?;
            let Some(session) = session.filter(|s| s.expires_at > Utc::now()) else {
                return Err(ApiError::unauthenticated("the session is unknown or expired; log in again"));
            };
            return Ok(Principal {
                store: session.store.clone(),
                actor: session.staff.clone(),
                grants: Grants::Role { role: session.role },
                terminal: session.terminal.clone(),
            });
        }
        if let Some((id, secret)) = token.strip_prefix("t.").and_then(|t| t.split_once('.'))
            && let Some(t) = store.token(id).await?.filter(|t| t.active)
            && verify_secret(secret, &t.token_hash)
        {
            return Ok(Principal {
                store: t.store.clone(),
                actor: format!("token:{}", t.id),
                grants: Grants::Scopes { scopes: t.scopes.clone() },
                terminal: None,
            });
        }
        Err(ApiError::unauthenticated("the token is unknown or revoked"))
    }
}

/// Checks that the principal may do `p` in `store`; logs and refuses otherwise.
///
/// # Errors
/// 403, logged.
pub async fn require<S: Store>(
    state: &AppState<S>,
    who: &Principal,
    store: &StoreId,
    p: Permission,
    subject: &str,
) -> Result<(), ApiError> {
    if who.may(store, p) {
        return Ok(());
    }
    log(state, store, &who.actor, "refused", subject, false).await;
    Err(ApiError::forbidden(format!("{} may not {p:?} in store {}", who.actor, store.0).to_lowercase()))
}

/// Appends to the access log (a failure to log is logged, not fatal).
pub async fn log<S: Store>(
    state: &AppState<S>,
    store: &StoreId,
    actor: &str,
    action: &str,
    subject: &str,
    allowed: bool,
) {
    let record = AccessRecord {
        store: store.clone(),
        at: Utc::now(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        allowed,
    };
    if let Err(e) = state.inner.store.log_access(&record).await {
        tracing::warn!(error = %e, "access log");
    }
}

/// Logs a staff member in: checks the PIN (counting wrong ones, locking after five), opens a
/// session.
///
/// # Errors
/// 401 for an unknown staff member or a wrong PIN, 423 while locked.
pub async fn login<S: Store>(
    state: &AppState<S>,
    store: &StoreId,
    staff: &str,
    pin: &str,
    terminal: Option<String>,
) -> Result<(String, Session), ApiError> {
    let now = Utc::now();
    let refused = || ApiError::unauthenticated("unknown staff member or wrong PIN");
    let Some(mut member) = state.inner.store.staff(store, staff).await? else {
        log(state, store, staff, "login", staff, false).await;
        return Err(refused());
    };
    if !member.can_try(now) {
        log(state, store, staff, "login", "locked", false).await;
        return Err(ApiError::new(
            axum::http::StatusCode::LOCKED,
            "locked",
            "too many wrong PINs: try again later",
        ));
    }
    if !verify_secret(pin, &member.secret_hash) {
        let locked = member.failed(now);
        state.inner.store.put_staff(store, &member).await?;
        log(state, store, staff, if locked { "lockout" } else { "login" }, staff, false).await;
        return Err(refused());
    }
    member.succeeded();
    state.inner.store.put_staff(store, &member).await?;
    let shop = state.shop(&store.0).await?;
    if let Err(e) = pos_app::access::login_terminal(member.role, terminal.as_deref(), &shop.profile) {
        log(state, store, staff, "refused", "login (terminal)", false).await;
        return Err(e.into());
    }
    let secret = random_secret();
    let session = Session {
        token_hash: sha256(&secret),
        store: store.clone(),
        staff: member.id.clone(),
        role: member.role,
        terminal,
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    state.inner.store.put_session(&session).await?;
    log(state, store, staff, "login", staff, true).await;
    Ok((format!("s.{secret}"), session))
}

/// A manager's approval given with a request: their PIN, checked like a login.
///
/// # Errors
/// 403 when the approver cannot give `p`.
pub async fn approve<S: Store>(
    state: &AppState<S>,
    store: &StoreId,
    staff: &str,
    pin: &str,
    p: Permission,
    subject: &str,
) -> Result<StaffMember, ApiError> {
    let member = state.inner.store.staff(store, staff).await?;
    let ok = member
        .as_ref()
        .is_some_and(|m| m.can_try(Utc::now()) && m.role.allows(p) && verify_secret(pin, &m.secret_hash));
    log(state, store, staff, "approval", subject, ok).await;
    match member {
        Some(m) if ok => Ok(m),
        _ => Err(ApiError::forbidden("the approval is not valid")),
    }
}

/// Issues an API token: returns the token (shown once) and its record.
///
/// # Errors
/// Store errors.
pub async fn issue_token<S: Store>(
    state: &AppState<S>,
    store: &StoreId,
    name: &str,
    scopes: Vec<Permission>,
) -> Result<(String, ApiToken), ApiError> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let secret = random_secret();
    let token = ApiToken {
        id: id.clone(),
        store: store.clone(),
        name: name.to_owned(),
        scopes,
        token_hash: hash_secret(&secret)?,
        created_at: Utc::now(),
        active: true,
    };
    state.inner.store.put_token(&token).await?;
    Ok((format!("t.{id}.{secret}"), token))
}

/// Failed logins per store and client address in a sliding window: past [`Self::MAX`] in
/// [`Self::WINDOW`], an address may not try again until its oldest failure leaves the window.
/// (Each account also locks after five wrong PINs in a row; this stops an address from trying
/// PINs across every account.)
#[derive(Default)]
pub struct LoginLimiter {
    failures: std::sync::Mutex<
        std::collections::HashMap<
            (StoreId, std::net::IpAddr),
            std::collections::VecDeque<std::time::Instant>,
        >,
    >,
}

impl LoginLimiter {
    /// Failed logins an address may make in a window.
    pub const MAX: usize = 20;
    /// The window.
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        std::collections::HashMap<
            (StoreId, std::net::IpAddr),
            std::collections::VecDeque<std::time::Instant>,
        >,
    > {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long `ip` must wait before it may try to log in to `store` again, if it must.
    pub fn wait(&self, store: &StoreId, ip: std::net::IpAddr) -> Option<std::time::Duration> {
        let now = std::time::Instant::now();
        let mut map = self.lock();
        let failures = map.get_mut(&(store.clone(), ip))?;
        while failures.front().is_some_and(|t| now.duration_since(*t) >= Self::WINDOW) {
            failures.pop_front();
        }
        (failures.len() >= Self::MAX).then(|| {
            failures.front().map_or(Self::WINDOW, |t| Self::WINDOW.saturating_sub(now.duration_since(*t)))
        })
    }

    /// Records a failed login from `ip`.
    pub fn failed(&self, store: &StoreId, ip: std::net::IpAddr) {
        let mut map = self.lock();
        // Forget addresses whose failures have all left the window, so the map stays small.
        if map.len() > 10_000 {
            let now = std::time::Instant::now();
            map.retain(|_, f| f.back().is_some_and(|t| now.duration_since(*t) < Self::WINDOW));
        }
        map.entry((store.clone(), ip)).or_default().push_back(std::time::Instant::now());
    }
}

/// The client's address, when the server knows it (behind the binary's listener; not in tests
/// that call the router directly).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(peer.map(|p| p.0.ip())))
    }
}
