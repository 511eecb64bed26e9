//! Shifts: open, X report, close with the Z report.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// A shift to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShift {
    /// Terminal.
    pub terminal: String,
    /// Opening float.
    #[schema(value_type = String)]
    pub float: Decimal,
}

/// Opens a shift.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = OpenShift,
    responses((status = 201, description = "The shift"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn open_shift<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    let run = async {
        let req: OpenShift = body(&bytes)?;
        let float = Money::new(req.float, shop.settings.store.currency);
        let shift = shop.shifts.open_shift(&req.terminal, &who.actor, float, Utc::now()).await?;
        json(StatusCode::CREATED, &shift)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "shifts", &bytes, run).await)
}

/// How an X or Z report is wanted.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `json` (the default), `text`, or `escpos` (the bytes for a receipt printer).
    pub format: Option<String>,
    /// Paper width in columns: 32 (58 mm), 42 or 48 (80 mm). For text 48 by default; for
    /// `escpos`, the profile's.
    pub width: Option<u32>,
    /// For `escpos`: the printer (`tp808`, the default, `tm-t88`, `mobile-58`, `generic-80`),
    /// with changes after commas: `tm-t88,qr=off`, `mobile-58,font=b,columns=42` (`columns`,
    /// `font`, `qr`, `double_byte`, `cutter`).
    pub profile: Option<String>,
    /// A reprint: marked as a copy in the store's language (text and `escpos`).
    pub copy: Option<bool>,
}

/// The report in the format asked for; the query is checked before `report` is read.
async fn report_response<S: Store>(
    shop: &Shop<S>,
    q: ReportQuery,
    report: impl std::future::Future<Output = Result<pos_payments::ShiftReport, ApiError>>,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    let printer = crate::state::printer_setup(
        &shop.profile,
        &["json", "text", "escpos"],
        format,
        q.profile.as_deref(),
        q.width,
        q.copy,
        None,
    )?;
    if format == "json" && (q.width.is_some() || q.copy.is_some()) {
        let field = if q.width.is_some() { "width" } else { "copy" };
        return Err(ApiError::field(field, "is for `format=text` and `format=escpos`"));
    }
    let report = report.await?;
    if format == "json" {
        return Ok(Json(report).into_response());
    }
    let labels = crate::state::report_words(&shop.profile);
    let printed = crate::state::local_now(shop.settings.store.time_zone);
    let header = |t: &'static str| [(axum::http::header::CONTENT_TYPE, t)];
    Ok(if format == "text" {
        let mut lines = pos_payments::render_report(&report, printer.profile.width, &labels, &printed);
        if let Some(word) = &printer.options.copy {
            lines.insert(
                0,
                pos_core::receipt::centre(&format!("** {word} **"), printer.profile.width.columns()),
            );
        }
        (header("text/plain; charset=utf-8"), lines.join("\n") + "\n").into_response()
    } else {
        let encoded =
            pos_escpos::encode_report(&report, &labels, &printer.profile, &printer.options, &printed);
        (header("application/octet-stream"), encoded.bytes).into_response()
    })
}

/// The X report of a terminal's open shift: as JSON, as text laid out for a receipt printer in
/// the store's language, or as ESC/POS bytes.
#[utoipa::path(get, path = "/api/v1/stores/{store}/shifts/{terminal}/x-report", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ReportQuery),
    responses((status = 200, description = "The X report", content(("application/json"), ("text/plain"), ("application/octet-stream"))), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn x_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    report_response(&shop, q, async { Ok(shop.shifts.x_report(&terminal).await?) }).await
}

/// A Z report issued on a terminal, by its number (the close answered it first): as JSON, as
/// text for a receipt printer, or as ESC/POS bytes; `copy` marks a reprint.
#[utoipa::path(get, path = "/api/v1/stores/{store}/shifts/{terminal}/z-reports/{number}", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("number" = u64, Path, description = "The Z number"), ReportQuery),
    responses((status = 200, description = "The Z report", content(("application/json"), ("text/plain"), ("application/octet-stream"))), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn z_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal, number)): Path<(String, String, u64)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    report_response(&shop, q, async { Ok(shop.shifts.z_report(&terminal, number).await?.0) }).await
}

/// Cash counted at a close.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseShift {
    /// Cash counted in the drawer.
    #[schema(value_type = String)]
    pub counted: Decimal,
}

/// Closes a terminal's shift with its Z report.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/close", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = CloseShift,
    responses((status = 201, description = "The Z report"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn close_shift<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    let run = async {
        let req: CloseShift = body(&bytes)?;
        let counted = Money::new(req.counted, shop.settings.store.currency);
        json(StatusCode::CREATED, &shop.shifts.close_shift(&terminal, counted, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "shift_close", &bytes, run).await)
}

/// Cash put into or taken out of the drawer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CashMovement {
    /// Amount, in the store's currency.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Why (change float top-up, paying a supplier).
    pub reason: String,
    /// A manager's approval, for a paid-out by a caller who may not pay out.
    pub approval: Option<Approval>,
}

/// Cash put into the drawer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/paid-in", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = CashMovement,
    responses((status = 201, description = "The shift's X report after it"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn paid_in<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "shifts").await?;
    let run = async {
        let req: CashMovement = body(&bytes)?;
        till_identity(&who, &terminal, "")?;
        let amount = Money::new(req.amount, shop.settings.store.currency);
        let shifts = shop.shifts.for_request(&request_key(&headers, "paid_in"));
        json(StatusCode::CREATED, &shifts.paid_in(&terminal, amount, &req.reason, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "paid_in", &bytes, run).await)
}

/// Cash taken out of the drawer: needs the paid-out permission or a manager's approval, and
/// never takes more than the drawer should hold.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/paid-out", tag = "shifts",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = CashMovement,
    responses((status = 201, description = "The shift's X report after it"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn paid_out<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: CashMovement = body(&bytes)?;
    require(&state, &who, &shop.profile.id, Permission::Shift, "shifts").await?;
    till_identity(&who, &terminal, "")?;
    let actor = approved(&state, &who, &shop, Permission::PaidOut, req.approval.as_ref(), "paid_out").await?;
    let run = async {
        let amount = Money::new(req.amount, shop.settings.store.currency);
        let reason = format!("{} ({actor})", req.reason);
        let shifts = shop.shifts.for_request(&request_key(&headers, "paid_out"));
        json(StatusCode::CREATED, &shifts.paid_out(&terminal, amount, &reason, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "paid_out", &bytes, run).await)
}
