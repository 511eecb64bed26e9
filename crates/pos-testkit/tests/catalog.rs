//! Checkout's cached catalog: loaded once for concurrent misses, then kept up to date from the
//! outbox's pricing events rather than reloaded.

use std::sync::Arc;

use pos_app::ports::CatalogStore;
use pos_core::{Product, Promotion, PromotionKind, Target};
use pos_testkit::fixtures::{checkout, noon, sale, seed, sku, store_id, won};
use pos_testkit::{FakeGateway, MemoryStore, Script};
use rust_decimal::Decimal;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_catalog_is_loaded_once_and_then_caught_up() {
    let store = Arc::new(MemoryStore::new());
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), Arc::new(FakeGateway::new(Script::Approve))));
    let basket = sale("c", "T1", &[("milk", 2)], None, false).basket;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (co, basket) = (co.clone(), basket.clone());
        tasks.push(tokio::spawn(async move { co.price(&basket, noon()).await.map(|p| p.total) }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), won(3_000));
    }
    assert_eq!(store.catalog_loads(), 1, "sixteen concurrent misses, one load");

    // A price change and a promotion: priced as before until the cache catches up, then both
    // apply, without loading the catalog again.
    let dearer = Product::new("milk", "바나나우유", "food", "standard", Decimal::from(1_800)).unwrap();
    store.upsert_product(&store_id(), &dearer).await.unwrap();
    let off = Promotion::builder(
        "milk-100",
        "우유 100원 할인",
        PromotionKind::AmountOff {
            target: Target::Items([sku("milk")].into_iter().collect()),
            amount: Decimal::from(100),
        },
    )
    .build()
    .unwrap();
    store.upsert_promotion(&store_id(), &off).await.unwrap();
    assert_eq!(co.price(&basket, noon()).await.unwrap().total, won(3_000));
    co.reload().await.unwrap();
    assert_eq!(co.price(&basket, noon()).await.unwrap().total, won(3_400), "2 x (1,800 - 100)");
    assert_eq!(store.catalog_loads(), 1, "caught up from the events");
    co.reload().await.unwrap();
    assert_eq!(store.catalog_loads(), 1, "nothing new, nothing read");
}
