//! Baskets priced live, sales, receipts, refunds and voids.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// A basket to price.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRequest {
    /// The basket.
    #[schema(value_type = Object)]
    pub basket: Basket,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
}

/// Prices a basket without recording anything (live totals at a till, a kiosk, a web shop).
#[utoipa::path(post, path = "/api/v1/stores/{store}/baskets/price", tag = "sales",
    params(("store" = String, Path, description = "Store id")),
    request_body(content = PriceRequest, example = crate::examples::price_request),
    responses((status = 200, description = "The priced basket"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn price<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    bytes: Bytes,
) -> Result<Json<pos_core::PricedBasket>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "baskets").await?;
    let req: PriceRequest = body(&bytes)?;
    Ok(Json(shop.checkout.price(&req.basket, req.at.unwrap_or_else(Utc::now)).await?))
}

/// Completes a sale. The `Idempotency-Key` header must be the request's `idempotency_key`: a
/// retry gets the first response.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "The sale's idempotency key")),
    request_body(content = Object, description = "A sale request", example = crate::examples::sale),
    responses((status = 201, description = "The completed sale"), (status = 402, description = "Payment declined", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn complete_sale<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let run = async {
        let mut req: pos_app::SaleRequest = body(&bytes)?;
        req.cashier = till_identity(&who, &req.terminal, &req.cashier)?;
        let key = headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default();
        if req.idempotency_key != key.trim() {
            return Err(ApiError::field("idempotency_key", "must be the Idempotency-Key header"));
        }
        if req.basket.lines().iter().any(|l| l.price_override.is_some()) {
            require(&state, &who, &shop.profile.id, Permission::PriceOverride, "sales").await?;
        }
        let done = shop.checkout.complete_sale(&req).await?;
        metrics::counter!("pos_sales_committed_total").increment(u64::from(!done.replayed));
        json(StatusCode::CREATED, &done)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "sales", &bytes, run).await)
}

/// A sale as stored.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sales/{receipt}", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number")),
    responses((status = 200, description = "The sale document with what was returned of it"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn get_sale<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
) -> Result<Json<pos_app::ports::StoredSale>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let not_found = || ApiError::not_found(format!("no sale `{receipt}`"));
    let (terminal, number) = pos_app::ports::parse_receipt(&receipt).ok_or_else(not_found)?;
    let sale = state.inner.store.load_sale(&shop.profile.id, terminal, number).await?;
    sale.map(Json).ok_or_else(not_found)
}

/// How a receipt is wanted.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    /// `text` (the default), `html`, or `escpos` (the bytes for a receipt printer).
    pub format: Option<String>,
    /// Paper width in columns: 32 (58 mm), 42 or 48 (80 mm). For text 48 by default; for
    /// `escpos`, the profile's.
    pub width: Option<u32>,
    /// For `escpos`: the printer (`tp808`, the default, `tm-t88`, `mobile-58`, `generic-80`),
    /// with changes after commas: `tm-t88,qr=off`, `mobile-58,font=b,columns=42` (`columns`,
    /// `font`, `qr`, `double_byte`, `cutter`).
    pub profile: Option<String>,
    /// A reprint: marked as a copy in the store's language (text and `escpos` only).
    pub copy: Option<bool>,
    /// For `escpos`: open the cash drawer after it.
    pub drawer: Option<bool>,
    /// The drawer's pin on the printer's drawer port: 2 (the default) or 5.
    pub drawer_pin: Option<u8>,
}

/// A sale's receipt, as text laid out for a receipt printer, as an HTML page (for e-mail and
/// a browser's print), or as ESC/POS bytes for the till to send to its printer (in the code
/// page of the store's language); a reprint is the same receipt, marked as a copy when asked.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sales/{receipt}/receipt", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ReceiptQuery),
    responses((status = 200, description = "The receipt", content(("text/plain"), ("text/html"), ("application/octet-stream"))), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn receipt<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sales").await?;
    let format = q.format.as_deref().unwrap_or("text");
    let mut printer = crate::state::printer_setup(
        &shop.profile,
        &["text", "html", "escpos"],
        format,
        q.profile.as_deref(),
        q.width,
        q.copy,
        q.drawer,
    )?;
    match (q.drawer_pin, q.drawer) {
        (None, _) => {}
        (Some(_), None | Some(false)) => return Err(ApiError::field("drawer_pin", "is for `drawer=true`")),
        (Some(2), Some(true)) => {}
        (Some(5), Some(true)) => printer.options.drawer_pin5 = true,
        (Some(_), Some(true)) => return Err(ApiError::field("drawer_pin", "must be 2 or 5")),
    }
    let (doc, labels) = sale_receipt(&state, &shop, &receipt).await?;
    let header = |t: &'static str| [(axum::http::header::CONTENT_TYPE, t)];
    Ok(match format {
        "text" => {
            let mut lines = pos_core::receipt::render_text(&doc, printer.profile.width, &labels);
            if let Some(word) = &printer.options.copy {
                lines.insert(
                    0,
                    pos_core::receipt::centre(&format!("** {word} **"), printer.profile.width.columns()),
                );
            }
            (header("text/plain; charset=utf-8"), lines.join("\n") + "\n").into_response()
        }
        "html" => (header("text/html; charset=utf-8"), pos_core::receipt::render_html(&doc, &labels))
            .into_response(),
        _ => {
            let encoded = pos_escpos::encode_receipt(&doc, &labels, &printer.profile, &printer.options);
            (header("application/octet-stream"), encoded.bytes).into_response()
        }
    })
}

/// A sale's receipt document and the store's words for it; 404 for a sale not in the store.
pub(super) async fn sale_receipt<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    receipt: &str,
) -> Result<(pos_core::Receipt, pos_core::Labels), ApiError> {
    let not_found = || ApiError::not_found(format!("no sale `{receipt}`"));
    let (terminal, number) = pos_app::ports::parse_receipt(receipt).ok_or_else(not_found)?;
    let sale =
        state.inner.store.load_sale(&shop.profile.id, terminal, number).await?.ok_or_else(not_found)?;
    let (labels, tender) = crate::state::words(&shop.profile);
    let header = pos_core::StoreHeader { name: shop.profile.name.clone(), lines: Vec::new(), tax_id: None };
    Ok((sale.document.receipt(receipt, header, shop.settings.store.time_zone, &tender), labels))
}

/// A refund of some lines.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// Terminal.
    pub terminal: String,
    /// Where the goods go back.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// Line ids.
    pub lines: Vec<u32>,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
    /// A manager's approval, when the caller may not refund.
    pub approval: Option<Approval>,
    /// The refund approval numbers of the standalone card or QR terminals the money went back
    /// on, one per such payment of the sale, in its order (a refund that needs them is refused
    /// without them, saying how much goes back where).
    #[serde(default)]
    pub terminal_approvals: Vec<String>,
}

/// Refunds lines of a sale to its tenders.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales/{receipt}/refunds", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ("Idempotency-Key" = String, Header, description = "Once per refund")),
    request_body = RefundBody,
    responses((status = 201, description = "The refund"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn refund<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: RefundBody = body(&bytes)?;
    till_identity(&who, &req.terminal, "")?;
    let cashier = approved(&state, &who, &shop, Permission::Refund, req.approval.as_ref(), "refunds").await?;
    let key =
        headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default().trim().to_owned();
    let run = async {
        let request = pos_app::RefundRequest {
            terminal_approvals: req.terminal_approvals,
            idempotency_key: key,
            terminal: req.terminal,
            cashier,
            location: req.location,
            receipt,
            lines: req.lines,
            at: req.at.unwrap_or_else(Utc::now),
        };
        let done = shop.returns.refund(&request).await?;
        metrics::counter!("pos_refunds_committed_total").increment(u64::from(!done.replayed));
        json(StatusCode::CREATED, &done)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "refunds", &bytes, run).await)
}

/// A void of a whole sale.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    /// Terminal.
    pub terminal: String,
    /// Where the goods go back.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// When (now by default).
    pub at: Option<DateTime<Utc>>,
    /// A manager's approval, when the caller may not void.
    pub approval: Option<Approval>,
    /// The cancel approvals of the standalone terminals, as for a refund.
    #[serde(default)]
    pub terminal_approvals: Vec<String>,
}

/// Voids a sale.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales/{receipt}/void", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number"), ("Idempotency-Key" = String, Header, description = "Once per void")),
    request_body = VoidBody,
    responses((status = 201, description = "The void"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn void<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: VoidBody = body(&bytes)?;
    till_identity(&who, &req.terminal, "")?;
    let cashier = approved(&state, &who, &shop, Permission::Void, req.approval.as_ref(), "voids").await?;
    let key =
        headers.get("idempotency-key").and_then(|k| k.to_str().ok()).unwrap_or_default().trim().to_owned();
    let run = async {
        let request = pos_app::VoidRequest {
            terminal_approvals: req.terminal_approvals,
            idempotency_key: key,
            terminal: req.terminal,
            cashier,
            location: req.location,
            receipt,
            at: req.at.unwrap_or_else(Utc::now),
        };
        json(StatusCode::CREATED, &shop.returns.void(&request).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "voids", &bytes, run).await)
}

/// A basket to park at a till.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParkRequest {
    /// The terminal parking it.
    pub terminal: String,
    /// The basket.
    #[schema(value_type = Object)]
    pub basket: Basket,
}

/// A parked basket's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Parked {
    /// Its id, to recall it with.
    #[schema(value_type = String)]
    pub id: uuid::Uuid,
}

/// Parks a basket (a customer who went back for milk); any till can recall it once.
#[utoipa::path(post, path = "/api/v1/stores/{store}/parked", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body(content = ParkRequest, example = crate::examples::park),
    responses((status = 201, description = "Created", body = Parked), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn park<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "parked").await?;
    let run = async {
        let req: ParkRequest = body(&bytes)?;
        till_identity(&who, &req.terminal, "")?;
        let id = shop.checkout.park(&req.terminal, &req.basket, Utc::now()).await?;
        json(StatusCode::CREATED, &Parked { id })
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "parked", &bytes, run).await)
}

/// A terminal whose parked baskets to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TerminalQuery {
    /// Terminal.
    pub terminal: String,
}

/// The baskets parked at a terminal.
#[utoipa::path(get, path = "/api/v1/stores/{store}/parked", tag = "sales",
    params(("store" = String, Path, description = "Store id"), TerminalQuery),
    responses((status = 200, description = "Parked baskets, oldest first")))]
pub async fn parked<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(q): Query<TerminalQuery>,
) -> Result<Json<Vec<pos_app::ports::ParkedBasket>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "parked").await?;
    Ok(Json(shop.checkout.parked(&q.terminal).await?))
}

/// Takes a parked basket back: it comes back once, whichever till asks first.
#[utoipa::path(post, path = "/api/v1/stores/{store}/parked/{id}/recall", tag = "sales",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Parked basket id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    responses((status = 200, description = "The basket"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn recall<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "parked").await?;
    let run = async {
        let id = uuid::Uuid::parse_str(&id)
            .map_err(|_| ApiError::not_found(format!("no parked basket `{id}`")))?;
        json(StatusCode::OK, &shop.checkout.recall(id).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "recall", &[], run).await)
}
