//! Members.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// A member lookup.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PhoneQuery {
    /// The phone number as typed.
    pub phone: String,
}

/// Finds a member by phone.
#[utoipa::path(get, path = "/api/v1/stores/{store}/members", tag = "members",
    params(("store" = String, Path, description = "Store id"), PhoneQuery),
    responses((status = 200, description = "The member"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn member_by_phone<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> Result<Json<pos_loyalty::Member>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersRead, "members").await?;
    shop.members
        .by_phone(&q.phone)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no member with that phone number"))
}

/// A member to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
}

/// Registers a member.
#[utoipa::path(post, path = "/api/v1/stores/{store}/members", tag = "members",
    params(("store" = String, Path, description = "Store id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    request_body = NewMember,
    responses((status = 201, description = "The member"), (status = 409, description = "Conflict", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn create_member<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersWrite, "members").await?;
    let run = async {
        let req: NewMember = body(&bytes)?;
        json(StatusCode::CREATED, &shop.members.create(&req.id, &req.name, &req.phone, Utc::now()).await?)
    };
    Ok(idempotent(&state, &shop.profile.id, &headers, "members", &bytes, run).await)
}

/// Everything kept about a member (their data, points and ledger), for a data-access request.
#[utoipa::path(get, path = "/api/v1/stores/{store}/members/{id}/export", tag = "members",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Member id")),
    responses((status = 200, description = "The member, their points account and ledger"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn export_member<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
) -> Result<Json<pos_app::MemberData>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersWrite, "members").await?;
    Ok(Json(shop.members.export(&id).await?))
}

/// Erases a member's personal data (name, phone, consents); their purchases stay, anonymous.
#[utoipa::path(post, path = "/api/v1/stores/{store}/members/{id}/erase", tag = "members",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Member id"), ("Idempotency-Key" = String, Header, description = "Once per request")),
    responses((status = 200, description = "The erased member"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn erase_member<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::MembersWrite, "members").await?;
    let run = async { json(StatusCode::OK, &shop.members.erase(&id, Utc::now()).await?) };
    Ok(idempotent(&state, &shop.profile.id, &headers, "erase", &[], run).await)
}

/// The periods segments are computed over.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SegmentQuery {
    /// Days of spend ranked for the top spenders (90 by default).
    pub period_days: Option<i64>,
    /// The top share of spenders, in percent (10 by default).
    #[param(value_type = Option<String>)]
    pub top_percent: Option<Decimal>,
    /// Days without a purchase that make a member dormant (90 by default).
    pub dormant_days: Option<i64>,
    /// Days ahead in which points expire (30 by default).
    pub expiring_days: Option<i64>,
}

/// Member segments for campaigns: the top spenders, the dormant, those with points expiring.
#[utoipa::path(get, path = "/api/v1/stores/{store}/members/segments", tag = "members",
    params(("store" = String, Path, description = "Store id"), SegmentQuery),
    responses((status = 200, description = "The segments"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn segments<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(q): Query<SegmentQuery>,
) -> Result<Json<pos_app::Segments>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::ReportsRead, "segments").await?;
    let top = q.top_percent.unwrap_or(Decimal::TEN);
    if top <= Decimal::ZERO || top > Decimal::ONE_HUNDRED {
        return Err(ApiError::field("top_percent", "must be above 0 and at most 100"));
    }
    let segments = shop
        .members
        .segments(
            Utc::now(),
            q.period_days.unwrap_or(90),
            top,
            q.dormant_days.unwrap_or(90),
            q.expiring_days.unwrap_or(30),
        )
        .await?;
    Ok(Json(segments))
}
