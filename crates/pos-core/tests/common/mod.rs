//! Shared fixtures for pos-core integration tests.
#![allow(dead_code, missing_docs, unreachable_pub)]

use chrono::{DateTime, Utc};
use pos_core::{
    Basket, Catalog, Currency, PricedBasket, PricingContext, PricingEngine, Product, Promotion, Quantity,
    Sku, StoreConfig,
};
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A Korean convenience store catalog:
/// food > snacks, food > drinks > milk; prices in KRW, 10 % VAT included.
pub fn korean_catalog() -> Catalog {
    let mut c = Catalog::new(Currency::KRW);
    c.upsert_category("food", "식품", None).unwrap();
    c.upsert_category("snacks", "과자", Some("food")).unwrap();
    c.upsert_category("drinks", "음료", Some("food")).unwrap();
    c.upsert_category("milk", "우유", Some("drinks")).unwrap();
    c.upsert_category("household", "생활용품", None).unwrap();
    for (sku, name, cat, price) in [
        ("milk", "바나나우유", "milk", 1_500),
        ("cola", "콜라 500ml", "drinks", 2_000),
        ("cider", "사이다 500ml", "drinks", 1_800),
        ("water", "생수 2L", "drinks", 1_000),
        ("chips", "감자칩", "snacks", 2_500),
        ("choco", "초코파이", "snacks", 4_800),
        ("tissue", "화장지 30롤", "household", 33_000),
        ("tshirt", "티셔츠", "household", 15_000),
    ] {
        c.upsert_product(Product::new(sku, name, cat, "standard", Decimal::from(price)).unwrap()).unwrap();
    }
    c.upsert_product(
        Product::new("tshirt-l", "티셔츠 L", "household", "standard", Decimal::from(15_000))
            .unwrap()
            .variant_of("tshirt", &[("size", "L")])
            .unwrap(),
    )
    .unwrap();
    c
}

pub fn engine(promos: Vec<Promotion>) -> PricingEngine {
    PricingEngine::builder(StoreConfig::korea("seoul-1")).promotions(promos).build().unwrap()
}

pub fn basket(items: &[(&str, u32)]) -> Basket {
    let mut b = Basket::new();
    for (sku, q) in items {
        b.add(Sku::parse(sku).unwrap(), Quantity::each(*q).unwrap());
    }
    b
}

/// Noon in Seoul on a Monday.
pub fn noon() -> PricingContext {
    PricingContext::at(at("2026-11-23T03:00:00Z"))
}

pub fn price(engine: &PricingEngine, catalog: &Catalog, basket: &Basket) -> PricedBasket {
    engine.price(catalog, basket, &noon()).unwrap()
}

/// Total discount in whole currency units.
pub fn discount(p: &PricedBasket) -> i64 {
    p.discount_total.to_minor().unwrap()
}

/// Checks the invariants every priced basket must keep.
pub fn assert_consistent(p: &PricedBasket) {
    let sum = |f: &dyn Fn(&pos_core::PricedLine) -> Decimal| p.lines.iter().map(f).sum::<Decimal>();
    assert_eq!(sum(&|l| l.total.amount()), p.total.amount(), "total = sum of lines");
    assert_eq!(sum(&|l| l.tax.amount()), p.tax_total.amount(), "tax = sum of line tax");
    assert_eq!(sum(&|l| l.base.amount()), p.subtotal.amount(), "subtotal = sum of bases");
    assert_eq!(p.subtotal.amount() - p.discount_total.amount() + tax_added(p), p.total.amount());
    for l in &p.lines {
        assert!(!l.total.is_negative(), "line {} below zero", l.line_id);
        assert!(!l.net.is_negative() && !l.tax.is_negative());
        assert_eq!(l.net.checked_add(&l.tax).unwrap(), l.total, "net + tax = gross per line");
        for dsc in &l.discounts {
            assert!(dsc.amount.amount() > Decimal::ZERO, "zero discounts are not recorded");
        }
        assert_eq!(l.base.amount() - l.discount_total().amount() + line_tax_added(p, l), l.total.amount());
    }
    let tsum = |f: &dyn Fn(&pos_core::TaxBreakdown) -> Decimal| p.taxes.iter().map(f).sum::<Decimal>();
    assert_eq!(tsum(&|t| t.gross.amount()), p.total.amount());
    assert_eq!(tsum(&|t| t.tax.amount()), p.tax_total.amount());
    for t in &p.taxes {
        assert_eq!(t.net.amount() + t.tax.amount(), t.gross.amount(), "net + tax = gross per rate");
    }
}

fn tax_added(p: &PricedBasket) -> Decimal {
    match p.tax_mode {
        pos_core::TaxMode::Inclusive => Decimal::ZERO,
        _ => p.tax_total.amount(),
    }
}

fn line_tax_added(p: &PricedBasket, l: &pos_core::PricedLine) -> Decimal {
    match p.tax_mode {
        pos_core::TaxMode::Inclusive => Decimal::ZERO,
        _ => l.tax.amount(),
    }
}
