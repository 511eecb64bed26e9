//! Catalog statements.

use pos_store_sql::sql::CatalogSql;

pub(crate) const SQL: CatalogSql = CatalogSql {
    upsert_category: "INSERT INTO categories (store_id, id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data",
    upsert_product: "INSERT INTO products (store_id, sku, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, sku) DO UPDATE SET data = excluded.data",
    upsert_promotion: "INSERT INTO promotions (store_id, id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data",
    upsert_price_list: "INSERT INTO price_lists (store_id, id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data",
    categories: "SELECT data FROM categories WHERE store_id = ?1 ORDER BY id",
    products: "SELECT data FROM products WHERE store_id = ?1 ORDER BY sku",
    promotions: "SELECT data FROM promotions WHERE store_id = ?1 ORDER BY id",
    product: "SELECT data FROM products WHERE store_id = ?1 AND sku = ?2",
    price_lists: "SELECT data FROM price_lists WHERE store_id = ?1 ORDER BY id",
    promotion_uses: "SELECT promotion_id, uses FROM promotion_uses WHERE store_id = ?1",
};
