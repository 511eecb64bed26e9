//! A seeded Korean store for use-case and storage tests.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_app::{Checkout, Reports, Returns, SaleRequest, Settings, Shifts, Stock, Store};
use pos_core::journal::JournalKey;
use pos_core::{
    Basket, Category, CategoryId, Currency, CustomerContext, Money, Product, Quantity, Sku, StoreConfig,
    StoreId,
};
use pos_inventory::{LocationId, StockPolicy};
use pos_payments::{PaymentGateway, TenderInput, TenderKind};
use rust_decimal::Decimal;

/// The store every fixture uses.
pub fn store_id() -> StoreId {
    StoreId("seoul-1".into())
}

/// The till location.
pub fn location() -> LocationId {
    LocationId::new("seoul-1/floor")
}

/// A fixed moment (noon in Seoul).
pub fn noon() -> DateTime<Utc> {
    "2026-11-23T03:00:00Z".parse().unwrap_or_default()
}

/// SKU helper.
pub fn sku(s: &str) -> Sku {
    Sku::parse(s).unwrap_or_else(|e| panic!("fixture SKU {s}: {e}"))
}

/// Seeds the catalog and stock: milk 1,500, cola 2,000, chips 2,500 (plenty, negative allowed)
/// and `last` 10,000 with 5 units and negative stock refused.
pub async fn seed<S: Store>(store: &Arc<S>) {
    let id = store_id();
    let cat = Category { id: CategoryId::new("food"), name: "식품".into(), parent: None };
    store.upsert_category(&id, &cat).await.unwrap_or_else(|e| panic!("seed: {e}"));
    for (s, name, price) in [
        ("milk", "바나나우유", 1_500),
        ("cola", "콜라", 2_000),
        ("chips", "감자칩", 2_500),
        ("last", "한정판", 10_000),
    ] {
        let p = Product::new(s, name, "food", "standard", Decimal::from(price))
            .unwrap_or_else(|e| panic!("seed: {e}"));
        store.upsert_product(&id, &p).await.unwrap_or_else(|e| panic!("seed: {e}"));
    }
    store
        .set_policy(&id, &location(), &sku("last"), StockPolicy::refuse_negative())
        .await
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let goods = Stock::new(store.clone(), id);
    for (s, n) in [("milk", 1_000), ("cola", 1_000), ("chips", 1_000), ("last", 5)] {
        goods
            .receive(&location(), &sku(s), Decimal::from(n), "seed", noon())
            .await
            .unwrap_or_else(|e| panic!("seed: {e}"));
    }
}

/// The journal key of the test store (a real store's comes from its configuration).
pub fn journal_key() -> JournalKey {
    JournalKey::new(b"pos-testkit journal key, 32 bytes or more").unwrap_or_else(|e| panic!("{e}"))
}

/// The Korean store's settings, with the test journal key.
pub fn settings() -> Settings {
    Settings::new(StoreConfig::korea("seoul-1"), journal_key())
}

/// A checkout over the store and gateway with Korean defaults.
pub fn checkout<S: Store, G: PaymentGateway>(store: Arc<S>, gateway: Arc<G>) -> Checkout<S, G> {
    Checkout::new(store, gateway, settings())
}

/// Refunds and voids over the store and gateway with Korean defaults.
pub fn returns<S: Store, G: PaymentGateway>(store: Arc<S>, gateway: Arc<G>) -> Returns<S, G> {
    Returns::new(store, gateway, settings())
}

/// Shifts of the Korean store.
pub fn shifts<S: Store>(store: Arc<S>) -> Shifts<S> {
    Shifts::new(store, settings())
}

/// Audits a terminal of the test store with the test key.
///
/// # Errors
/// What the audit found.
pub async fn audit<S: Store>(store: &S, terminal: &str) -> Result<usize, pos_app::AuditError> {
    pos_app::audit_terminal(store, &journal_key(), &store_id(), terminal).await
}

/// Reports of the Korean store.
pub fn reports<S: Store>(store: Arc<S>) -> Reports<S> {
    Reports::new(store, StoreConfig::korea("seoul-1"))
}

/// Stock operations of the Korean store.
pub fn stock<S: Store>(store: Arc<S>) -> Stock<S> {
    Stock::new(store, store_id())
}

/// KRW.
pub fn won(n: i64) -> Money {
    Money::new(Decimal::from(n), Currency::KRW)
}

/// A sale of `items` on `terminal`, paid in cash (with a 100,000 won note) or by card.
pub fn sale(
    key: &str,
    terminal: &str,
    items: &[(&str, u32)],
    member: Option<&str>,
    card: bool,
) -> SaleRequest {
    let mut basket = Basket::new();
    for (s, q) in items {
        basket.add(sku(s), Quantity::each(*q).unwrap_or_else(|e| panic!("{e}")));
    }
    if let Some(m) = member {
        basket.set_customer(CustomerContext { member_id: Some(m.into()), tier: None, group: None });
    }
    let tenders = if card { Vec::new() } else { vec![TenderInput::new(TenderKind::Cash, won(1_000_000))] };
    SaleRequest {
        idempotency_key: key.into(),
        terminal: terminal.into(),
        cashier: "김민수".into(),
        location: location(),
        basket,
        tenders,
        redeem_points: 0,
        coupons: Vec::new(),
        at: noon(),
    }
}

/// A card sale: the card pays the exact total, which the caller passes.
pub fn card_sale(key: &str, terminal: &str, items: &[(&str, u32)], total: i64) -> SaleRequest {
    let mut r = sale(key, terminal, items, None, true);
    r.tenders = vec![TenderInput::new(TenderKind::Card, won(total))];
    r
}
