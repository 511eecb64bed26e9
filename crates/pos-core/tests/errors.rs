//! Bad input gets a typed error that names the field, and changes nothing.

mod common;

use common::*;
use pos_core::{
    Barcode, Basket, Catalog, CoreError, Currency, EmbeddedKind, EmbeddedLayout, ManualDiscount, Money,
    PriceOverride, Product, Promotion, PromotionKind, Quantity, Reward, Sku, SpendTier, Target, TimeWindow,
    Unit, parse_scan,
};
use rust_decimal::Decimal;

fn field(e: &CoreError) -> &str {
    e.field().unwrap_or("<none>")
}

#[test]
fn quantities() {
    for (v, unit) in [
        ("0", Unit::Each),
        ("-1", Unit::Each),
        ("1.5", Unit::Each),
        ("0", Unit::Kg),
        ("0.0001", Unit::Kg),
        ("1000001", Unit::Kg),
    ] {
        let e = Quantity::new(d(v), unit).unwrap_err();
        assert!(matches!(e, CoreError::InvalidQuantity { .. }), "{v} {unit:?}: {e}");
        assert_eq!(field(&e), "quantity");
    }
    assert!(Quantity::new(d("0.375"), Unit::Kg).is_ok());
}

#[test]
fn currencies() {
    let e = pos_core::Currency::parse("XYZ").unwrap_err();
    assert_eq!(e, CoreError::UnknownCurrency { code: "XYZ".into() });
    assert_eq!(e.to_string(), "unknown currency `XYZ`");
    assert_eq!(pos_core::Currency::parse("krw").unwrap(), Currency::KRW);
    for (code, dp) in
        [("KRW", 0), ("JPY", 0), ("CNY", 2), ("EUR", 2), ("USD", 2), ("GBP", 2), ("CHF", 2), ("KWD", 3)]
    {
        assert_eq!(Currency::parse(code).unwrap().minor_units(), dp, "{code}");
    }
}

#[test]
fn mixed_currencies() {
    let a = Money::new(d("1.00"), Currency::EUR);
    let b = Money::new(d("1"), Currency::KRW);
    let e = a.checked_add(&b).unwrap_err();
    assert_eq!(e, CoreError::CurrencyMismatch { left: "EUR".into(), right: "KRW".into() });
    assert!(a.checked_sub(&b).is_err());
    // A catalog in another currency than the store is refused too.
    let cat = Catalog::new(Currency::EUR);
    let e = engine(vec![]).price(&cat, &Basket::new(), &noon()).unwrap_err();
    assert!(matches!(e, CoreError::CurrencyMismatch { .. }));
}

#[test]
fn barcodes() {
    assert!(Barcode::parse("4006381333931").is_ok(), "valid EAN-13");
    assert!(Barcode::parse("96385074").is_ok(), "valid EAN-8");
    assert!(Barcode::parse("036000291452").is_ok(), "valid UPC-A");
    assert_eq!(Barcode::parse("036000291452").unwrap().gtin13(), "0036000291452");
    assert!(Barcode::parse("8801234567893").is_ok(), "valid Korean EAN-13");
    for bad in ["4006381333932", "96385075", "036000291453", "12345", "40063813339a1", ""] {
        let e = Barcode::parse(bad).unwrap_err();
        assert!(matches!(e, CoreError::InvalidBarcode { .. }), "{bad}");
        assert_eq!(field(&e), "barcode");
    }
    assert!(parse_scan("2112345003759", &[EmbeddedLayout::weight_5_5()]).is_err(), "bad check digit");
    // Layout validation.
    assert_eq!(
        field(&EmbeddedLayout::new(&["30"], 5, 5, 3, EmbeddedKind::Weight).unwrap_err()),
        "layout.prefixes"
    );
    assert_eq!(
        field(&EmbeddedLayout::new(&["21"], 4, 5, 3, EmbeddedKind::Weight).unwrap_err()),
        "layout.item_digits"
    );
    assert_eq!(
        field(&EmbeddedLayout::new(&["21"], 5, 5, 6, EmbeddedKind::Weight).unwrap_err()),
        "layout.value_decimals"
    );
}

#[test]
fn skus_products_and_catalog() {
    assert_eq!(field(&Sku::parse("").unwrap_err()), "sku");
    assert_eq!(field(&Sku::parse("a b").unwrap_err()), "sku");
    assert_eq!(field(&Product::new("x", " ", "c", "t", d("1")).unwrap_err()), "name");
    assert_eq!(field(&Product::new("x", "X", "c", "t", d("-1")).unwrap_err()), "price");
    let mut cat = korean_catalog();
    let before = cat.len();
    let e = cat.upsert_product(Product::new("new", "New", "nope", "standard", d("1")).unwrap()).unwrap_err();
    assert_eq!(field(&e), "category");
    assert_eq!(cat.len(), before, "nothing was added");
    assert_eq!(field(&cat.upsert_category("x", "X", Some("missing")).unwrap_err()), "category.parent");
    assert_eq!(
        field(&cat.upsert_category("food", "Food", Some("milk")).unwrap_err()),
        "category.parent",
        "cycle"
    );
}

#[test]
fn basket_operations() {
    let mut b = basket(&[("cola", 1)]);
    let snapshot = b.clone();
    assert_eq!(b.remove(42).unwrap_err(), CoreError::UnknownLine { line: 42 });
    assert!(b.set_quantity(1, Quantity::new(d("1"), Unit::Kg).unwrap()).is_err());
    assert_eq!(field(&ManualDiscount::percent(d("0"), "x").unwrap_err()), "discount.percent");
    assert_eq!(field(&ManualDiscount::percent(d("101"), "x").unwrap_err()), "discount.percent");
    assert_eq!(field(&ManualDiscount::amount(d("-5"), "x").unwrap_err()), "discount.amount");
    assert_eq!(field(&ManualDiscount::amount(d("5"), " ").unwrap_err()), "discount.reason");
    assert_eq!(field(&PriceOverride::new(d("-1"), "x").unwrap_err()), "override.price");
    assert_eq!(field(&PriceOverride::new(d("1"), "").unwrap_err()), "override.reason");
    assert_eq!(field(&b.add_coupon("   ").unwrap_err()), "coupon");
    assert_eq!(b, snapshot, "failed operations change nothing");
    // Pricing errors.
    let cat = korean_catalog();
    let unknown = basket(&[("nope", 1)]);
    assert_eq!(
        engine(vec![]).price(&cat, &unknown, &noon()).unwrap_err(),
        CoreError::UnknownSku { sku: "nope".into() }
    );
    let mut by_weight = Basket::new();
    by_weight.add(Sku::parse("cola").unwrap(), Quantity::new(d("0.5"), Unit::Kg).unwrap());
    assert!(matches!(
        engine(vec![]).price(&cat, &by_weight, &noon()),
        Err(CoreError::InvalidQuantity { .. })
    ));
}

fn build(kind: PromotionKind) -> CoreError {
    Promotion::builder("p", "P", kind).build().unwrap_err()
}

#[test]
fn contradictory_promotions() {
    let items = Target::items(&["cola"]).unwrap();
    let e = build(PromotionKind::BuyXGetY {
        buy: items.clone(),
        buy_qty: 0,
        get: items.clone(),
        get_qty: 1,
        reward: Reward::Free,
    });
    assert_eq!(field(&e), "promotion.buy_qty");
    let e = build(PromotionKind::BuyXGetY {
        buy: items.clone(),
        buy_qty: 1,
        get: items.clone(),
        get_qty: 0,
        reward: Reward::Free,
    });
    assert_eq!(field(&e), "promotion.get_qty");
    let e = build(PromotionKind::PercentOff { target: items.clone(), percent: d("100.01") });
    assert_eq!(field(&e), "promotion.percent");
    let e = build(PromotionKind::PercentOff { target: items.clone(), percent: d("0") });
    assert_eq!(field(&e), "promotion.percent");
    let e = build(PromotionKind::BuyXGetY {
        buy: items.clone(),
        buy_qty: 1,
        get: items.clone(),
        get_qty: 1,
        reward: Reward::PercentOff(d("150")),
    });
    assert_eq!(field(&e), "promotion.reward.percent");
    let e = build(PromotionKind::MixAndMatch {
        group: Target::Items(Default::default()),
        count: 3,
        price: d("10"),
    });
    assert_eq!(field(&e), "promotion.group");
    let e =
        build(PromotionKind::PercentOff { target: Target::Categories(Default::default()), percent: d("10") });
    assert_eq!(field(&e), "promotion.target");
    let e = build(PromotionKind::MixAndMatch { group: items.clone(), count: 1, price: d("10") });
    assert_eq!(field(&e), "promotion.count");
    let e = build(PromotionKind::SpendTiers { tiers: vec![] });
    assert_eq!(field(&e), "promotion.tiers");
    let e = build(PromotionKind::SpendTiers {
        tiers: vec![
            SpendTier { threshold: d("50"), reward: pos_core::BasketReward::AmountOff(d("5")) },
            SpendTier { threshold: d("30"), reward: pos_core::BasketReward::AmountOff(d("3")) },
        ],
    });
    assert_eq!(field(&e), "promotion.tiers[1].threshold");
    // Empty and inverted time windows (daily hours that end before they start run across
    // midnight, and are fine).
    let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let kind = PromotionKind::PercentOff { target: items.clone(), percent: d("10") };
    let e = Promotion::builder("p", "P", kind.clone())
        .window(TimeWindow::default().between(t(17), t(17)))
        .build()
        .unwrap_err();
    assert_eq!(field(&e), "promotion.window.hours");
    assert!(
        Promotion::builder("p", "P", kind.clone())
            .window(TimeWindow::default().between(t(22), t(2)))
            .build()
            .is_ok()
    );
    let day = |dd| chrono::NaiveDate::from_ymd_opt(2026, 11, dd).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let e = Promotion::builder("p", "P", kind.clone())
        .window(TimeWindow::default().during(Some(day(24)), Some(day(20))))
        .build()
        .unwrap_err();
    assert_eq!(field(&e), "promotion.window.ends");
    assert_eq!(
        field(&Promotion::builder("p", "P", kind.clone()).cap(d("0")).build().unwrap_err()),
        "promotion.cap"
    );
    assert_eq!(
        field(&Promotion::builder("p", "P", kind.clone()).max_uses(0).build().unwrap_err()),
        "promotion.max_uses"
    );
    assert_eq!(field(&Promotion::builder(" ", "P", kind.clone()).build().unwrap_err()), "promotion.id");
    // Duplicate ids in one engine.
    let p = Promotion::builder("dup", "P", kind).build().unwrap();
    let e = pos_core::PricingEngine::builder(pos_core::StoreConfig::korea("s"))
        .promotions([p.clone(), p])
        .build()
        .unwrap_err();
    assert_eq!(field(&e), "promotion.id");
}

#[test]
fn promotions_deserialised_from_json_are_validated() {
    let json =
        r#"{"id":{"0":"x"},"name":"x","kind":{"type":"percent_off","target":"all_items","percent":"120"}}"#;
    assert!(serde_json::from_str::<Promotion>(json).is_err());
    let ok = r#"{"id":"p1","name":"10%","kind":{"type":"percent_off","target":"all_items","percent":"10"}}"#;
    let p: Promotion = serde_json::from_str(ok).unwrap();
    assert_eq!(p.id().as_str(), "p1");
    let bad =
        r#"{"id":"p1","name":"10%","kind":{"type":"percent_off","target":"all_items","percent":"120"}}"#;
    let e = serde_json::from_str::<Promotion>(bad).unwrap_err();
    assert!(e.to_string().contains("promotion.percent"), "{e}");
}

#[test]
fn cash_rounding_and_tax_rates() {
    use pos_core::{CashRounding, RoundingMode, TaxRate};
    assert_eq!(
        field(&CashRounding::new(d("0"), RoundingMode::HalfUp).unwrap_err()),
        "cash_rounding.increment"
    );
    assert_eq!(field(&TaxRate::percent(d("100"), "X").unwrap_err()), "tax.rate");
    assert_eq!(field(&TaxRate::percent(d("-1"), "X").unwrap_err()), "tax.rate");
    let chf = CashRounding::new(d("0.05"), RoundingMode::HalfUp).unwrap();
    assert_eq!(chf.apply(d("10.12")), d("10.10"));
    assert_eq!(chf.apply(d("10.13")), d("10.15"));
    let krw = CashRounding::new(d("10"), RoundingMode::Down).unwrap();
    assert_eq!(krw.apply(d("4871")), d("4870"));
}

#[test]
fn rounding_modes() {
    use pos_core::RoundingMode::*;
    for (v, up, even, away, down) in [
        ("0.705", "0.71", "0.70", "0.71", "0.70"),
        ("0.715", "0.72", "0.72", "0.72", "0.71"),
        ("-0.705", "-0.71", "-0.70", "-0.71", "-0.70"),
        ("1.001", "1.00", "1.00", "1.01", "1.00"),
    ] {
        assert_eq!(HalfUp.round(d(v), 2), d(up), "half-up {v}");
        assert_eq!(HalfEven.round(d(v), 2), d(even), "half-even {v}");
        assert_eq!(Up.round(d(v), 2), d(away), "up {v}");
        assert_eq!(Down.round(d(v), 2), d(down), "down {v}");
    }
    assert_eq!(Money::new(d("0.705"), Currency::EUR).round(HalfEven).amount(), d("0.70"));
    assert_eq!(Money::new(d("1500.5"), Currency::KRW).round(HalfUp).amount(), d("1501"));
    assert_eq!(Money::new(d("1.0005"), Currency::KWD).round(HalfUp).amount(), d("1.001"));
    let _ = Decimal::ZERO;
}

#[test]
fn a_product_whose_tax_class_has_no_rate() {
    let mut cat = korean_catalog();
    cat.upsert_product(Product::new("cigar", "시가", "household", "luxury", Decimal::from(9_000)).unwrap())
        .unwrap();
    let ctx = pos_core::PricingContext::at(at("2026-11-23T03:00:00Z"));
    let engine = engine(Vec::new());
    // Lines of known classes price; a line whose class the store has no rate for is refused,
    // naming the field, wherever it stands in the basket.
    assert!(engine.price(&cat, &basket(&[("cola", 1), ("tissue", 1)]), &ctx).is_ok());
    for items in [&[("cigar", 1), ("cola", 1)][..], &[("cola", 2), ("cigar", 1)][..]] {
        let e = engine.price(&cat, &basket(items), &ctx).unwrap_err();
        assert_eq!(field(&e), "tax_class", "{e}");
        assert!(e.to_string().contains("luxury"), "{e}");
    }
    // Replacing the product with a class the store knows makes it sellable.
    cat.upsert_product(Product::new("cigar", "시가", "household", "standard", Decimal::from(9_000)).unwrap())
        .unwrap();
    let priced = engine.price(&cat, &basket(&[("cigar", 1), ("cola", 1)]), &ctx).unwrap();
    assert_eq!(priced.total.to_minor(), Some(11_000));
}
