//! Catalog documents: categories, products, promotions, price lists, stored as JSON and
//! validated again when the catalog is loaded.

use async_trait::async_trait;
use pos_app::ports::{CatalogStore, valid};
use pos_app::{EventData, NewEvent, StoreError};
use pos_core::{Catalog, Category, Currency, PriceList, Product, Promotion, Sku, StoreId};
use serde::de::DeserializeOwned;

use crate::error::backend;
use crate::events::values_rows;
use crate::rows::{DataRow, from_json, json};
use crate::{Dialect, Q, SqlStore};

/// Products per multi-row upsert (3 parameters each).
const PRODUCTS_PER_STATEMENT: usize = 500;

impl<D: Dialect> SqlStore<D> {
    async fn upsert(
        &self,
        sql: &'static str,
        store: &StoreId,
        key: &str,
        data: String,
        event: EventData,
    ) -> Result<(), StoreError> {
        self.write_with_event(store, Self::q(sql).bind(&store.0).bind(key).bind(data), backend, event).await
    }

    async fn documents<T: DeserializeOwned>(
        &self,
        sql: &'static str,
        store: &StoreId,
    ) -> Result<Vec<T>, StoreError> {
        let rows: Vec<DataRow> = self.all(Self::q(sql).bind(&store.0)).await?;
        rows.iter().map(|r| from_json(&r.data)).collect()
    }
}

#[async_trait]
impl<D: Dialect> CatalogStore for SqlStore<D> {
    async fn upsert_category(&self, store: &StoreId, category: &Category) -> Result<(), StoreError> {
        valid::category(category)?;
        let event = EventData::CategoryChanged { category: category.clone() };
        self.upsert(Self::sql().catalog.upsert_category, store, &category.id.0, json(category)?, event).await
    }

    async fn upsert_product(&self, store: &StoreId, product: &Product) -> Result<(), StoreError> {
        valid::product(product)?;
        let event = EventData::ProductChanged { product: Box::new(product.clone()) };
        self.upsert(Self::sql().catalog.upsert_product, store, product.sku.as_str(), json(product)?, event)
            .await
    }

    async fn upsert_products(&self, store: &StoreId, products: &[Product]) -> Result<(), StoreError> {
        // The last version of each SKU, in the order first given.
        let mut last: std::collections::HashMap<&Sku, usize> = std::collections::HashMap::new();
        for (i, p) in products.iter().enumerate() {
            valid::product(p)?;
            last.insert(&p.sku, i);
        }
        let kept: Vec<&Product> = products
            .iter()
            .enumerate()
            .filter(|(i, p)| last.get(&p.sku) == Some(i))
            .map(|(_, p)| p)
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        let dialect = &Self::sql().dialect;
        let mut tx = self.begin_write().await?;
        // Products by the few hundred (3 parameters each), then the events: the event head is
        // the last row locked.
        for chunk in kept.chunks(PRODUCTS_PER_STATEMENT) {
            let text = format!(
                "INSERT INTO products (store_id, sku, data) VALUES {} ON CONFLICT (store_id, sku) DO UPDATE SET data = excluded.data",
                values_rows(dialect.param, 1, chunk.len(), 3, 2, dialect.json_cast)
            );
            let mut q: Q<D> = crate::backend::Query::new(sqlx::AssertSqlSafe(text));
            for p in chunk {
                q = q.bind(&store.0).bind(p.sku.as_str()).bind(json(p)?);
            }
            tx.run(q).await?;
        }
        let events: Vec<NewEvent> = kept
            .iter()
            .map(|p| NewEvent::now(EventData::ProductChanged { product: Box::new((*p).clone()) }))
            .collect();
        tx.append_events(store, &events).await?;
        tx.tx.commit().await.map_err(backend)
    }

    async fn upsert_promotion(&self, store: &StoreId, promotion: &Promotion) -> Result<(), StoreError> {
        let sql = Self::sql().catalog.upsert_promotion;
        let event = EventData::PromotionChanged { promotion: Box::new(promotion.clone()) };
        self.upsert(sql, store, promotion.id().as_str(), json(promotion)?, event).await
    }

    async fn upsert_price_list(&self, store: &StoreId, list: &PriceList) -> Result<(), StoreError> {
        valid::price_list(list)?;
        let event = EventData::PriceListChanged { price_list: Box::new(list.clone()) };
        self.upsert(Self::sql().catalog.upsert_price_list, store, &list.id, json(list)?, event).await
    }

    async fn load_catalog(&self, store: &StoreId, currency: Currency) -> Result<Catalog, StoreError> {
        let sql = &Self::sql().catalog;
        let categories = self.documents(sql.categories, store).await?;
        let products = self.documents(sql.products, store).await?;
        let bad = |e: pos_core::CoreError| StoreError::Backend { message: e.to_string() };
        let mut catalog = Catalog::from_rows(currency, categories, products).map_err(bad)?;
        for list in self.documents::<PriceList>(sql.price_lists, store).await? {
            catalog.add_price_list(list).map_err(bad)?;
        }
        Ok(catalog)
    }

    async fn load_promotions(&self, store: &StoreId) -> Result<Vec<Promotion>, StoreError> {
        self.documents(Self::sql().catalog.promotions, store).await
    }

    async fn promotion_uses(&self, store: &StoreId) -> Result<Vec<(String, u32)>, StoreError> {
        let rows: Vec<UsesRow> = self.all(Self::q(Self::sql().catalog.promotion_uses).bind(&store.0)).await?;
        rows.into_iter()
            .map(|r| Ok((r.promotion_id, u32::try_from(r.uses).map_err(crate::rows::corrupt)?)))
            .collect()
    }

    async fn product(&self, store: &StoreId, sku: &Sku) -> Result<Option<Product>, StoreError> {
        let row: Option<DataRow> =
            self.one(Self::q(Self::sql().catalog.product).bind(&store.0).bind(sku.as_str())).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }
}

crate::sql_row! {
    /// Uses of a promotion.
    pub(crate) struct UsesRow { promotion_id: String, uses: i64 }
}
