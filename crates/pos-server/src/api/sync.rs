//! Terminal sync: what a till needs to keep selling offline (a snapshot, then the changes since
//! a cursor, from the outbox), and the upload of the sales it made meanwhile.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// What a till starts from: the store's catalog, price lists, promotions and tax table, and the
/// cursor to follow the changes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Snapshot {
    /// The event sequence this snapshot includes everything up to: read the changes after it.
    /// (It is taken before the data, so a change made while the snapshot was read comes again.)
    pub cursor: u64,
    /// The store's currency.
    #[schema(value_type = String)]
    pub currency: pos_core::Currency,
    /// Its time zone.
    pub time_zone: String,
    /// Its tax table.
    #[schema(value_type = Object)]
    pub tax: pos_core::TaxTable,
    /// Categories.
    #[schema(value_type = Vec<Object>)]
    pub categories: Vec<Category>,
    /// Products, by SKU.
    #[schema(value_type = Vec<Object>)]
    pub products: Vec<Product>,
    /// Price lists.
    #[schema(value_type = Vec<Object>)]
    pub price_lists: Vec<PriceList>,
    /// Promotions.
    #[schema(value_type = Vec<Object>)]
    pub promotions: Vec<PromotionSpec>,
}

/// The snapshot a till starts from.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sync/snapshot", tag = "sync",
    params(("store" = String, Path, description = "Store id")),
    responses((status = 200, description = "OK", body = Snapshot), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn snapshot<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
) -> Result<Json<Snapshot>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogRead, "sync").await?;
    let id = &shop.profile.id;
    let config = &shop.settings.store;
    let cursor = state.inner.store.last_event(id).await?;
    let catalog = state.inner.store.load_catalog(id, config.currency).await?;
    let promotions = state.inner.store.load_promotions(id).await?;
    Ok(Json(Snapshot {
        cursor,
        currency: config.currency,
        time_zone: config.time_zone.name().to_owned(),
        tax: config.tax.clone(),
        categories: catalog.categories().cloned().collect(),
        products: catalog.products().into_iter().cloned().collect(),
        price_lists: catalog.price_lists().to_vec(),
        promotions: promotions.into_iter().map(PromotionSpec::from).collect(),
    }))
}

/// The event types a till keeps its copy with.
const SYNCED: [&str; 6] = [
    "product.changed",
    "category.changed",
    "promotion.changed",
    "price_list.changed",
    "member.changed",
    "coupon.issued",
];

/// A page of changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changes {
    /// The changes, in order.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<pos_app::Event>,
    /// Where to read on from: the last event this page looked at (which may be past the last
    /// change it holds, when the events between were of other kinds).
    pub next: u64,
}

/// Changes to the catalog, prices, promotions and members after a cursor, in order.
#[utoipa::path(get, path = "/api/v1/stores/{store}/sync/changes", tag = "sync",
    params(("store" = String, Path, description = "Store id"), Feed),
    responses((status = 200, description = "OK", body = Changes), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn changes<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(feed): Query<Feed>,
) -> Result<Json<Changes>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogRead, "sync").await?;
    let limit = feed.limit.unwrap_or(500);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 1000"));
    }
    let after = feed.after.unwrap_or(0);
    let page = state.inner.store.events_after(&shop.profile.id, after, limit).await?;
    let next = page.last().map_or(after, |e| e.sequence);
    let events = page.into_iter().filter(|e| SYNCED.contains(&e.data.kind())).collect();
    Ok(Json(Changes { events, next }))
}

/// Sales a till made while it could not reach the server.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// The sales, each with its own idempotency key, in the order they were made (at most 500).
    #[schema(value_type = Vec<Object>)]
    pub sales: Vec<pos_app::SaleRequest>,
}

/// What became of one uploaded sale.
#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    /// Its idempotency key.
    pub idempotency_key: String,
    /// The status it would have had on its own: 201 when recorded (or recorded before), else
    /// the problem's status.
    pub status: u16,
    /// Its receipt number, when recorded.
    pub receipt: Option<String>,
    /// Why not, when refused.
    pub problem: Option<Problem>,
}

/// The upload of sales made offline, answered per sale: each is completed as it would have been
/// online (by its own idempotency key, so an upload sent again records nothing twice), one
/// refused sale does not hold back the others. The cashier of each sale is the one who made it;
/// a till's session uploads only its own terminal's sales.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sync/sales", tag = "sync",
    params(("store" = String, Path, description = "Store id")),
    request_body = Upload,
    responses((status = 200, description = "One result per sale, in order", body = [Uploaded]), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn upload<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    bytes: Bytes,
) -> Result<Json<Vec<Uploaded>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "sync").await?;
    let upload: Upload = body(&bytes)?;
    if upload.sales.len() > 500 {
        return Err(ApiError::field("sales", "at most 500 sales per upload"));
    }
    let mut out = Vec::with_capacity(upload.sales.len());
    for (i, sale) in upload.sales.into_iter().enumerate() {
        if let Some(own) = &who.terminal
            && own != &sale.terminal
        {
            return Err(ApiError::field(
                format!("sales[{i}].terminal"),
                format!("this session uploads for terminal `{own}` only"),
            ));
        }
        let key = sale.idempotency_key.clone();
        out.push(match shop.checkout.complete_sale(&sale).await {
            Ok(done) => {
                metrics::counter!("pos_sales_committed_total").increment(u64::from(!done.replayed));
                Uploaded { idempotency_key: key, status: 201, receipt: Some(done.receipt), problem: None }
            }
            Err(e) => {
                let problem = ApiError::from(e).problem();
                Uploaded {
                    idempotency_key: key,
                    status: problem.status,
                    receipt: None,
                    problem: Some(problem),
                }
            }
        });
    }
    Ok(Json(out))
}
