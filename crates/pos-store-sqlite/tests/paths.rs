//! The store opens a file path as a path: characters that mean something in a URL (`?`, `%`,
//! spaces, `#`) are file name characters, and every pooled connection sees the same file.

use pos_app::ports::{CatalogStore, StockStore};
use pos_core::{Category, CategoryId, Currency, Product};
use pos_store_sqlite::SqliteStore;
use pos_testkit::fixtures::{location, noon, sku, store_id};
use rust_decimal::Decimal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_is_opened_as_a_path() {
    let dir = std::env::temp_dir().join(format!("pos-sqlite-{} 100%20 #1", uuid::Uuid::now_v7()));
    for name in ["pos.db?mode=memory", "pos%20db", "shop #1.db"] {
        let path = dir.join(name);
        let text = path.to_str().unwrap_or_default();
        let store =
            std::sync::Arc::new(SqliteStore::open(text).await.unwrap_or_else(|e| panic!("{name}: {e}")));
        let food = Category { id: CategoryId::new("food"), name: "식품".into(), parent: None };
        store.upsert_category(&store_id(), &food).await.unwrap_or_else(|e| panic!("{e}"));
        let milk = Product::new("milk", "바나나우유", "food", "standard", Decimal::from(1_500))
            .unwrap_or_else(|e| panic!("{e}"));
        store.upsert_product(&store_id(), &milk).await.unwrap_or_else(|e| panic!("{e}"));
        let stock = pos_app::Stock::new(store.clone(), store_id());
        stock
            .receive(&location(), &sku("milk"), Decimal::from(3), "t", noon())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Many connections of the pool, and a second store on the same path, see the same data.
        let mut reads = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            reads
                .push(tokio::spawn(async move { store.level(&store_id(), &location(), &sku("milk")).await }));
        }
        for r in reads {
            assert_eq!(
                r.await.ok().and_then(Result::ok).map(|l| l.on_hand),
                Some(Decimal::from(3)),
                "{name}"
            );
        }
        assert!(path.is_file(), "{name}: the database is the file at that very path");
        let again = SqliteStore::open(text).await.unwrap_or_else(|e| panic!("{e}"));
        let catalog = again.load_catalog(&store_id(), Currency::KRW).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(catalog.category_path(&CategoryId::new("food")).len(), 1, "{name}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
