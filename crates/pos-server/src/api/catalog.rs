//! The catalog: products, categories, promotions, price lists.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// Adds or replaces a product.
#[utoipa::path(put, path = "/api/v1/stores/{store}/products/{sku}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("sku" = String, Path, description = "SKU")),
    request_body(content = Object, description = "A product", example = crate::examples::product),
    responses((status = 200, description = "The product"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_product<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, sku)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Product>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "products").await?;
    let product: Product = body(&bytes)?;
    if product.sku.as_str() != sku {
        return Err(ApiError::field("sku", "the body's SKU is not the one in the path"));
    }
    state.inner.store.upsert_product(&shop.profile.id, &product).await?;
    shop.checkout.reload().await?;
    Ok(Json(product))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/stores/{store}/products/{sku}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("sku" = String, Path, description = "SKU")),
    responses((status = 200, description = "The product"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn get_product<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, sku)): Path<(String, String)>,
) -> Result<Json<Product>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogRead, "products").await?;
    let sku = Sku::parse(&sku).map_err(|e| ApiError::field("sku", e.to_string()))?;
    let product = state.inner.store.product(&shop.profile.id, &sku).await?;
    product.map(Json).ok_or_else(|| ApiError::not_found(format!("no product `{sku}`")))
}

/// Adds or replaces a category.
#[utoipa::path(put, path = "/api/v1/stores/{store}/categories/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Category id")),
    request_body(content = Object, description = "A category", example = crate::examples::category),
    responses((status = 200, description = "The category"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_category<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Category>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "categories").await?;
    let category: Category = body(&bytes)?;
    if category.id.0 != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    state.inner.store.upsert_category(&shop.profile.id, &category).await?;
    shop.checkout.reload().await?;
    Ok(Json(category))
}

/// Adds or replaces a promotion.
#[utoipa::path(put, path = "/api/v1/stores/{store}/promotions/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Promotion id")),
    request_body(content = Object, description = "A promotion", example = crate::examples::promotion),
    responses((status = 200, description = "The promotion"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_promotion<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<PromotionSpec>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "promotions").await?;
    let spec: PromotionSpec = body(&bytes)?;
    if spec.id.as_str() != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    let promotion = Promotion::try_from(spec.clone())
        .map_err(|e| ApiError::field(e.field().unwrap_or("promotion"), e.to_string()))?;
    state.inner.store.upsert_promotion(&shop.profile.id, &promotion).await?;
    shop.checkout.reload().await?;
    Ok(Json(spec))
}

/// Adds or replaces a price list.
#[utoipa::path(put, path = "/api/v1/stores/{store}/price-lists/{id}", tag = "catalog",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Price list id")),
    request_body(content = Object, description = "A price list", example = crate::examples::price_list),
    responses((status = 200, description = "The price list"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn put_price_list<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<PriceList>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::CatalogWrite, "price_lists").await?;
    let list: PriceList = body(&bytes)?;
    if list.id != id {
        return Err(ApiError::field("id", "the body's id is not the one in the path"));
    }
    state.inner.store.upsert_price_list(&shop.profile.id, &list).await?;
    shop.checkout.reload().await?;
    Ok(Json(list))
}
