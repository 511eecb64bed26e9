//! Sessions, staff and API tokens.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// A login at a terminal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Staff id.
    pub staff: String,
    /// PIN.
    pub pin: String,
    /// The terminal, for a till.
    pub terminal: Option<String>,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The bearer token (`s.<secret>`): send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The staff member's role.
    #[schema(value_type = String)]
    pub role: Role,
}

/// Logs a staff member in.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sessions", tag = "access",
    params(("store" = String, Path, description = "Store id")),
    request_body = LoginRequest,
    responses((status = 201, description = "Created", body = LoginResponse), (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"), (status = 423, description = "Locked after too many wrong PINs", body = Problem, content_type = "application/problem+json"), (status = 429, description = "Too many failed logins from this address", body = Problem, content_type = "application/problem+json")))]
pub async fn login<S: Store>(
    State(state): State<AppState<S>>,
    Path(store): Path<String>,
    auth::ClientAddr(peer): auth::ClientAddr,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: LoginRequest = body(&bytes)?;
    let ip = peer.unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    if let Some(wait) = state.inner.logins.wait(&shop.profile.id, ip) {
        auth::log(&state, &shop.profile.id, &req.staff, "refused", "login (too many attempts)", false).await;
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many failed logins from this address: try again later",
        )
        .into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return Ok(response);
    }
    // A staff id is an id: one with control characters names nobody (and never reaches the
    // database).
    if pos_core::limits::check_id("staff", &req.staff).is_err() {
        auth::log(&state, &shop.profile.id, "anonymous", "login", "invalid staff id", false).await;
        state.inner.logins.failed(&shop.profile.id, ip);
        return Err(ApiError::unauthenticated("unknown staff member or wrong PIN"));
    }
    let (token, session) =
        match auth::login(&state, &shop.profile.id, &req.staff, &req.pin, req.terminal).await {
            Ok(done) => done,
            Err(e) => {
                if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::LOCKED {
                    state.inner.logins.failed(&shop.profile.id, ip);
                }
                return Err(e);
            }
        };
    Ok((
        StatusCode::CREATED,
        Json(LoginResponse { token, expires_at: session.expires_at, role: session.role }),
    )
        .into_response())
}

/// A staff member to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    /// Id (login name).
    pub id: String,
    /// Name.
    pub name: String,
    /// `admin`, `manager` or `cashier`.
    #[schema(value_type = String)]
    pub role: Role,
    /// PIN (4 to 12 digits).
    pub pin: String,
}

/// A staff member as listed (no secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Whether locked now.
    pub locked: bool,
}

/// Adds or replaces a staff member.
#[utoipa::path(post, path = "/api/v1/stores/{store}/staff", tag = "access",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = StaffRequest,
    responses((status = 201, description = "Created", body = StaffView), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_staff<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "staff").await?;
    let run = async {
        let member = staff_member(body(&bytes)?, "")?;
        state.inner.store.put_staff(&shop.profile.id, &member).await?;
        json(
            StatusCode::CREATED,
            &StaffView { id: member.id, name: member.name, role: member.role, locked: false },
        )
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "staff", &bytes, run).await)
}

/// A staff member from a request, checked; `prefix` goes before the fields it names.
fn staff_member(req: StaffRequest, prefix: &str) -> Result<StaffMember, ApiError> {
    let field = |f: &str| if prefix.is_empty() { f.to_owned() } else { format!("{prefix}.{f}") };
    pos_core::limits::check_id("id", &req.id).map_err(|e| ApiError::field(field("id"), e.to_string()))?;
    pos_core::limits::check_required_text("name", &req.name)
        .map_err(|e| ApiError::field(field("name"), e.to_string()))?;
    if !(4..=12).contains(&req.pin.len()) || !req.pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::field(field("pin"), "must be 4 to 12 digits"));
    }
    Ok(StaffMember {
        id: req.id,
        name: req.name,
        role: req.role,
        secret_hash: auth::hash_secret(&req.pin)?,
        failed_attempts: 0,
        locked_until: None,
        active: true,
    })
}

/// Lists the staff.
#[utoipa::path(get, path = "/api/v1/stores/{store}/staff", tag = "access",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "OK", body = [StaffView]), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list_staff<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Vec<StaffView>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "staff").await?;
    let now = Utc::now();
    let staff = state.inner.store.staff_list(&shop.profile.id).await?;
    Ok(Json(
        staff
            .into_iter()
            .map(|m| StaffView { locked: !m.can_try(now), id: m.id, name: m.name, role: m.role })
            .collect(),
    ))
}

/// An API token to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for.
    pub name: String,
    /// What it may do (`reports_read`, `catalog_write`, `events_read`, ...).
    #[schema(value_type = Vec<String>)]
    pub scopes: Vec<Permission>,
}

/// An issued token: shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Its id.
    pub id: String,
    /// The bearer token (`t.<id>.<secret>`).
    pub token: String,
}

/// Issues an API token for an integration.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tokens", tag = "access",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = TokenRequest,
    responses((status = 201, description = "Created", body = TokenResponse), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn issue_token<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "tokens").await?;
    let run = async {
        let req: TokenRequest = body(&bytes)?;
        pos_core::limits::check_required_text("name", &req.name)
            .map_err(|e| ApiError::field("name", e.to_string()))?;
        let (token, record) = auth::issue_token(&state, &shop.profile.id, &req.name, req.scopes).await?;
        json(StatusCode::CREATED, &TokenResponse { id: record.id, token })
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "tokens", &bytes, run).await)
}

/// A store as shown: its profile and registered terminals.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreView {
    /// Id.
    pub id: String,
    /// Name on receipts.
    pub name: String,
    /// `korea`, `germany` or `china`.
    pub preset: String,
    /// Registered terminals.
    pub terminals: Vec<TerminalView>,
}

/// A registered terminal.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerminalView {
    /// Id (its receipts are numbered `<id>-000001`...).
    pub id: String,
    /// Name in the shop.
    pub name: String,
    /// The network printer the server prints on for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printer: Option<PrinterConfig>,
}

/// A terminal's network receipt printer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// `host:port` of the printer (port 9100 for most), or `tcp://host:port`.
    pub address: String,
    /// Its profile: `tp808` (the default), `tm-t88`, `mobile-58` or `generic-80`, with changes
    /// after commas for a printer that is not quite one of them: `tm-t88,qr=off`,
    /// `mobile-58,font=b,columns=42` (`columns`, `font`, `qr`, `double_byte`, `cutter`).
    #[serde(default = "default_profile")]
    pub profile: String,
    /// The cash drawer hangs on pin 5 rather than pin 2.
    #[serde(default)]
    pub drawer_pin5: bool,
}

fn default_profile() -> String {
    "tp808".into()
}

impl PrinterConfig {
    /// Checked: a network address with a port, a known profile.
    fn checked(self) -> Result<pos_app::ports::TerminalPrinter, ApiError> {
        let address = self.address.strip_prefix("tcp://").unwrap_or(&self.address).to_owned();
        let port_ok = address
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
        if !port_ok
            || address.len() > 255
            || address.contains(['/', ' ', '?', '#', '@'])
            || address.chars().any(char::is_control)
        {
            return Err(ApiError::field(
                "printer.address",
                "must be a network printer's `host:port`, e.g. `192.168.0.50:9100`",
            ));
        }
        pos_escpos::Profile::parse(&self.profile).map_err(|e| ApiError::field("printer.profile", e))?;
        Ok(pos_app::ports::TerminalPrinter { address, profile: self.profile, drawer_pin5: self.drawer_pin5 })
    }
}

impl From<&pos_app::ports::StoreProfile> for StoreView {
    fn from(p: &pos_app::ports::StoreProfile) -> Self {
        StoreView {
            id: p.id.0.clone(),
            name: p.name.clone(),
            preset: p.preset.clone(),
            terminals: p
                .terminals
                .iter()
                .map(|t| TerminalView {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    printer: t.printer.as_ref().map(|p| PrinterConfig {
                        address: p.address.clone(),
                        profile: p.profile.clone(),
                        drawer_pin5: p.drawer_pin5,
                    }),
                })
                .collect(),
        }
    }
}

/// The store: its name, preset and terminals.
#[utoipa::path(get, path = "/api/v1/stores/{store}", tag = "access",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "OK", body = StoreView), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn get_store<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<StoreView>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogRead, "store").await?;
    Ok(Json(StoreView::from(&shop.profile)))
}

/// A terminal to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminalRequest {
    /// Its name in the shop (`카운터 1`).
    pub name: String,
    /// Its network receipt printer, when the server is to print for it; absent, it has none.
    pub printer: Option<PrinterConfig>,
}

/// Registers (or renames) a terminal, with the network printer the server prints on for it
/// (absent: none): cashiers log in at registered terminals only.
#[utoipa::path(put, path = "/api/v1/stores/{store}/terminals/{id}", tag = "access",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Terminal id (`T1`)")),
    request_body = TerminalRequest,
    responses((status = 200, description = "The store with its terminals", body = StoreView), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_terminal<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<StoreView>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Admin, "terminals").await?;
    let req: TerminalRequest = body(&bytes)?;
    pos_core::limits::check_id("id", &id).map_err(|e| ApiError::field("id", e.to_string()))?;
    // It goes into paths (`shifts/{terminal}/close`) and receipt numbers (`T1-000042`).
    if id.contains(['/', '?', '#', '%', ' ']) {
        return Err(ApiError::field("id", "a terminal id has no `/`, `?`, `#`, `%` or space"));
    }
    pos_core::limits::check_required_text("name", &req.name)
        .map_err(|e| ApiError::field("name", e.to_string()))?;
    let printer = req.printer.map(PrinterConfig::checked).transpose()?;
    if let Some(p) = &printer {
        let profile =
            pos_escpos::Profile::parse(&p.profile).map_err(|e| ApiError::field("printer.profile", e))?;
        if let Some(why) = crate::state::lacks_font(&profile, shop.settings.store.currency) {
            return Err(ApiError::field("printer.profile", why));
        }
    }
    let mut profile = shop.profile.clone();
    match profile.terminals.iter_mut().find(|t| t.id == id) {
        Some(t) => {
            t.name = req.name;
            t.printer = printer;
        }
        None => profile.terminals.push(pos_app::ports::TerminalProfile {
            printer,
            ..pos_app::ports::TerminalProfile::new(&id, &req.name)
        }),
    }
    let shop = state.open_shop(profile).await?;
    auth::log(&state, &shop.profile.id, &who.actor, "terminal", "terminals", true).await;
    Ok(Json(StoreView::from(&shop.profile)))
}

/// A store to open in the chain, with its first admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStore {
    /// Id (`busan-1`).
    pub id: String,
    /// Name on receipts.
    pub name: String,
    /// `korea`, `germany` or `china`: currency, taxes, rounding, time zone.
    pub preset: String,
    /// Its first admin.
    pub admin: StaffRequest,
}

/// Opens another store of the chain, with its first admin (an admin of any store may; the new
/// store's staff are its own).
#[utoipa::path(post, path = "/api/v1/stores", tag = "access",
    params(("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = NewStore,
    responses((status = 201, description = "The new store", body = StoreView), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The id is taken", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn create_store<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let store = who.store.0.clone();
    let shop = shop_for(&state, &who, &store, Permission::Admin, "stores").await?;
    let run = async {
        let req: NewStore = body(&bytes)?;
        pos_core::limits::check_id("id", &req.id).map_err(|e| ApiError::field("id", e.to_string()))?;
        pos_core::limits::check_required_text("name", &req.name)
            .map_err(|e| ApiError::field("name", e.to_string()))?;
        let profile = pos_app::ports::StoreProfile::new(&req.id, &req.name, &req.preset);
        crate::state::config_of(&profile)?;
        let admin = staff_member(req.admin, "admin")?;
        if admin.role != Role::Admin {
            return Err(ApiError::field("admin.role", "the first staff member of a store is its admin"));
        }
        if state.shop(&req.id).await.is_ok() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "store_exists",
                format!("store `{}` exists", req.id),
            ));
        }
        let opened = state.open_shop(profile).await?;
        state.inner.store.put_staff(&opened.profile.id, &admin).await?;
        auth::log(&state, &shop.profile.id, &who.actor, "store", &opened.profile.id.0, true).await;
        json(StatusCode::CREATED, &StoreView::from(&opened.profile))
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "stores", &bytes, run).await)
}
