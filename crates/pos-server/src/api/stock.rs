//! Stock levels and adjustments.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// An adjustment of a SKU's stock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// Location.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// SKU.
    #[schema(value_type = String)]
    pub sku: Sku,
    /// Change (negative to take away).
    #[schema(value_type = String)]
    pub delta: Decimal,
    /// Why.
    pub reason: String,
    /// A manager's approval, when the caller may not adjust stock.
    pub approval: Option<Approval>,
}

/// Adjusts stock with a reason.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/adjustments", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per adjustment")),
    request_body = Adjustment,
    responses((status = 201, description = "Adjusted"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn adjust_stock<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = state.shop(&store).await?;
    let req: Adjustment = body(&bytes)?;
    let actor = approved(&state, &who, &shop, Permission::StockWrite, req.approval.as_ref(), "stock").await?;
    let run = async {
        let stock = shop.stock.for_request(&request_key(&headers, "stock_adjustments"));
        stock.adjust(&req.location, &req.sku, req.delta, &req.reason, &actor, Utc::now()).await?;
        let level = state.inner.store.level(&shop.profile.id, &req.location, &req.sku).await?;
        json(StatusCode::CREATED, &level)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "stock_adjustments", &bytes, run).await)
}

/// The store's stock, by location and SKU.
#[utoipa::path(get, path = "/api/v1/stores/{store}/stock", tag = "stock",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "Levels and policies")))]
pub async fn stock<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Vec<pos_app::ports::StockLine>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockRead, "stock").await?;
    Ok(Json(state.inner.store.stock(&shop.profile.id).await?))
}

/// Goods received at a location.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsReceipt {
    /// Location.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// SKU.
    #[schema(value_type = String)]
    pub sku: Sku,
    /// Quantity received (more than zero).
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

/// Books goods received from a supplier.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/receipts", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per receipt")),
    request_body = GoodsReceipt,
    responses((status = 201, description = "The level after it"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn receive_goods<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        let req: GoodsReceipt = body(&bytes)?;
        let stock = shop.stock.for_request(&request_key(&headers, "stock_receipts"));
        stock.receive(&req.location, &req.sku, req.quantity, &who.actor, Utc::now()).await?;
        json(StatusCode::CREATED, &state.inner.store.level(&shop.profile.id, &req.location, &req.sku).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "stock_receipts", &bytes, run).await)
}

/// A SKU and a quantity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuQuantity {
    /// SKU.
    #[schema(value_type = String)]
    pub sku: Sku,
    /// Quantity.
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

/// A transfer to dispatch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The transfer's id (the delivery note's number).
    pub id: String,
    /// From.
    #[schema(value_type = String)]
    pub from: LocationId,
    /// To.
    #[schema(value_type = String)]
    pub to: LocationId,
    /// What is sent.
    pub lines: Vec<SkuQuantity>,
}

fn pairs(lines: Vec<SkuQuantity>) -> Vec<(Sku, Decimal)> {
    lines.into_iter().map(|l| (l.sku, l.quantity)).collect()
}

/// Dispatches a transfer: the goods leave `from` and are in transit until received.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/transfers", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = TransferRequest,
    responses((status = 201, description = "Dispatched"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn dispatch_transfer<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        let req: TransferRequest = body(&bytes)?;
        shop.stock
            .dispatch_transfer(&req.id, &req.from, &req.to, &pairs(req.lines), &who.actor, Utc::now())
            .await?;
        json(StatusCode::CREATED, &serde_json::json!({ "id": req.id, "state": "in_transit" }))
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "transfers", &bytes, run).await)
}

/// What arrived of a transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferReceipt {
    /// What arrived (less than sent becomes the transfer's variance).
    pub lines: Vec<SkuQuantity>,
}

/// Receives a transfer at its destination.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/transfers/{id}/receive", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Transfer id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = TransferReceipt,
    responses((status = 201, description = "Received"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn receive_transfer<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        let req: TransferReceipt = body(&bytes)?;
        shop.stock.receive_transfer(&id, &pairs(req.lines), &who.actor, Utc::now()).await?;
        json(StatusCode::CREATED, &serde_json::json!({ "id": id, "state": "received" }))
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "transfer_receipts", &bytes, run).await)
}

/// A stock count at a location.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountRequest {
    /// The count's id.
    pub id: String,
    /// Location counted.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// What was counted (SKUs not listed are left as they are).
    pub lines: Vec<SkuQuantity>,
}

/// Posts a count: each counted SKU's variance against the books becomes a correction.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/counts", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per count")),
    request_body = CountRequest,
    responses((status = 201, description = "The variance per SKU"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn post_count<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        let req: CountRequest = body(&bytes)?;
        let variance =
            shop.stock.post_count(&req.id, &req.location, &pairs(req.lines), &who.actor, Utc::now()).await?;
        json(StatusCode::CREATED, &variance)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "counts", &bytes, run).await)
}

/// A reservation for a customer who collects later (bought online, picked up in store).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReservationRequest {
    /// The reservation's id (the online order's number).
    pub id: String,
    /// Location.
    #[schema(value_type = String)]
    pub location: LocationId,
    /// SKU.
    #[schema(value_type = String)]
    pub sku: Sku,
    /// Quantity held.
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// When the hold lapses if not collected.
    pub expires_at: DateTime<Utc>,
}

/// Holds stock for a customer: refused beyond what is available.
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/reservations", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = ReservationRequest,
    responses((status = 201, description = "Held"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn reserve<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        let req: ReservationRequest = body(&bytes)?;
        shop.stock
            .reserve(&req.id, &req.location, &req.sku, req.quantity, req.expires_at, &who.actor, Utc::now())
            .await?;
        json(StatusCode::CREATED, &serde_json::json!({ "id": req.id, "state": "held" }))
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "reservations", &bytes, run).await)
}

/// Ends a reservation: `fulfil` (collected: the goods leave stock) or `release` (not collected).
#[utoipa::path(post, path = "/api/v1/stores/{store}/stock/reservations/{id}/{action}", tag = "stock",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Reservation id"), ("action" = String, Path, description = "`fulfil` or `release`"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    responses((status = 200, description = "Ended"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn end_reservation<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockWrite, "stock").await?;
    let run = async {
        match action.as_str() {
            "fulfil" => shop.stock.fulfil(&id, &who.actor, Utc::now()).await?,
            "release" => shop.stock.release(&id, &who.actor, Utc::now()).await?,
            _ => return Err(ApiError::not_found("no such route: the action is `fulfil` or `release`")),
        }
        json(
            StatusCode::OK,
            &serde_json::json!({ "id": id, "state": if action == "fulfil" { "fulfilled" } else { "released" } }),
        )
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "reservation_ends", &[], run).await)
}

/// SKUs at or below their reorder point, with suggested orders.
#[utoipa::path(get, path = "/api/v1/stores/{store}/stock/low", tag = "stock",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "Low-stock alerts")))]
pub async fn low_stock<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::StockRead, "stock").await?;
    let alerts = shop.stock.low_stock().await?;
    Ok(Json(serde_json::to_value(alerts).map_err(ApiError::internal)?).into_response())
}
