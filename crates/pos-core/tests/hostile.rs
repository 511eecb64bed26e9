//! Hostile input: amounts and quantities across the documented range and far beyond it, odd
//! strings, and JSON that is malformed on purpose. Nothing may panic; inside the limits results
//! are exact, outside them a typed error names the field. `.ci/run` runs this file in release
//! too (overflow checks off), where a wrap-around would show as a wrong result instead of a
//! panic.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000 cargo test --release -p pos-core
//! --test hostile` for a longer run.

use pos_core::allocation::{allocate, allocate_int};
use pos_core::limits::{MAX_LINES, MAX_MINOR, MAX_PRICE};
use pos_core::{
    Basket, BasketLine, CashRounding, Catalog, CoreError, Currency, EmbeddedKind, EmbeddedLayout,
    ManualDiscount, Money, PriceList, PriceOverride, PricingContext, PricingEngine, Product, Promotion,
    PromotionKind, Quantity, Sku, StoreConfig, Target, TaxRate, Unit, parse_scan,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// Decimals from the ordinary to the absurd: cents, the limits and just past them, the largest
/// and smallest `Decimal`s, 28 decimal places, negatives.
fn extreme() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (0_i64..10_000_000).prop_map(|m| Decimal::new(m, 2)),
        1 => Just(MAX_PRICE),
        1 => Just(MAX_PRICE + Decimal::ONE),
        1 => Just(Decimal::from(MAX_MINOR)),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => Just(Decimal::new(1, 28)),
        1 => Just(Decimal::from(5_000_000_000_000_000_000_i64)),
        2 => (any::<u128>(), 0_u32..=28, any::<bool>()).prop_map(|(m, scale, negative)| {
            let mut d = Decimal::from_i128_with_scale((m % (1 << 96)) as i128, scale);
            d.set_sign_negative(negative);
            d
        }),
    ]
}

/// Quantities: whole pieces, the maximum, past it, fractions and nonsense.
fn quantity() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (1_i64..100).prop_map(Decimal::from),
        1 => Just(Quantity::MAX),
        1 => Just(Quantity::MAX + Decimal::ONE),
        1 => Just(Decimal::new(5, 1)),
        2 => extreme(),
    ]
}

fn config(currency: Currency) -> StoreConfig {
    match currency {
        Currency::EUR => StoreConfig::germany("s"),
        Currency::CNY => StoreConfig::china("s"),
        _ => StoreConfig::korea("s"),
    }
}

/// A promotion whose figure is extreme, of one of the kinds that carry an amount.
fn promotion_kind(figure: Decimal, which: u8) -> PromotionKind {
    let target = Target::AllItems;
    match which % 4 {
        0 => PromotionKind::AmountOff { target, amount: figure },
        1 => PromotionKind::FixedPrice { target, price: figure },
        2 => PromotionKind::BasketAmountOff { amount: figure },
        _ => PromotionKind::MixAndMatch { group: target, count: 2, price: figure },
    }
}

fn named(e: &CoreError) -> bool {
    e.field().is_some_and(|f| !f.is_empty())
}

proptest! {
    /// Products, quantities and promotions across and beyond the limits: constructors refuse
    /// what is outside with the field named; what they accept prices without panicking, exactly
    /// (every line is its price times its quantity, rounded once, and the total is their sum)
    /// unless the basket's amount passes the limit, which is an error naming the line; a refund
    /// of every line gives back the total.
    #[test]
    fn pricing_over_the_whole_range(
        currency in prop::sample::select(vec![Currency::KRW, Currency::EUR, Currency::CNY]),
        prices in prop::collection::vec(extreme(), 1..4),
        lines in prop::collection::vec((0_usize..4, quantity()), 1..6),
        promo in prop::option::weighted(0.3, (extreme(), any::<u8>())),
    ) {
        let mut catalog = Catalog::new(currency);
        catalog.upsert_category("food", "Food", None).unwrap();
        let mut accepted = Vec::new();
        for (i, price) in prices.iter().enumerate() {
            match Product::new(&format!("p{i}"), "Item", "food", "standard", *price) {
                Ok(p) => {
                    catalog.upsert_product(p).unwrap();
                    accepted.push((i, *price));
                }
                Err(e) => {
                    prop_assert_eq!(e.field(), Some("price"), "{}", e);
                    prop_assert!(*price < Decimal::ZERO || *price > MAX_PRICE || price.scale() > 6);
                }
            }
        }
        let mut promotions = Vec::new();
        if let Some((figure, which)) = promo {
            match Promotion::builder("x", "Extreme", promotion_kind(figure, which)).build() {
                Ok(p) => promotions.push(p),
                Err(e) => prop_assert!(named(&e), "{}", e),
            }
        }
        let engine = PricingEngine::builder(config(currency)).promotions(promotions.clone()).build().unwrap();
        let mut basket = Basket::new();
        let mut expected = Vec::new();
        for (product, q) in &lines {
            let Some((i, price)) = accepted.get(*product % accepted.len().max(1)).copied() else { continue };
            match Quantity::new(*q, Unit::Each) {
                Ok(quantity) => {
                    basket.add(Sku::parse(&format!("p{i}")).unwrap(), quantity);
                    expected.push(price * *q);
                }
                Err(e) => prop_assert!(matches!(e, CoreError::InvalidQuantity { .. }), "{}", e),
            }
        }
        if basket.is_empty() {
            return Ok(());
        }
        let dp = currency.minor_units();
        let in_range = expected.iter().map(|a| a.round_dp(dp)).try_fold(Decimal::ZERO, |s, a| s.checked_add(a))
            .is_some_and(|s| s <= Decimal::from_i128_with_scale(i128::from(MAX_MINOR), dp));
        match engine.price(&catalog, &basket, &PricingContext::at(chrono::Utc::now())) {
            Ok(priced) => {
                let sum = priced.lines.iter().try_fold(Money::zero(currency), |s, l| s.checked_add(&l.total));
                prop_assert!(priced.total.to_minor().is_some(), "the total fits every store");
                if promotions.is_empty() {
                    prop_assert_eq!(sum.unwrap(), priced.total);
                    for (line, amount) in priced.lines.iter().zip(&expected) {
                        let exact = config(currency).rounding.round(*amount, dp);
                        prop_assert_eq!(line.total.amount(), exact, "line {}", line.line_id);
                    }
                }
                let ids: Vec<u32> = priced.lines.iter().map(|l| l.line_id).collect();
                prop_assert_eq!(priced.refund(&ids).unwrap().amount, priced.total);
                let some = priced.refund(&ids[..1]).unwrap();
                prop_assert!(some.amount.amount() <= priced.total.amount());
                prop_assert!(priced.refund(&[u32::MAX]).is_err());
            }
            Err(e) => {
                prop_assert!(named(&e), "{}", e);
                prop_assert!(!(in_range && promotions.is_empty()), "refused within the limits: {}", e);
            }
        }
    }

    /// Allocation over any total, weights and caps: never panics, no part is negative or above
    /// its cap, and the parts add up to the total or the sum of the caps.
    #[test]
    fn allocation_adds_up_whatever_it_is_given(
        total in prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(MAX_MINOR), any::<i64>(), 0_i64..1_000],
        parts in prop::collection::vec((extreme(), prop_oneof![Just(i64::MAX), Just(0_i64), any::<i64>(), 0_i64..100]), 1..8),
    ) {
        let weights: Vec<Decimal> = parts.iter().map(|p| p.0).collect();
        let caps: Vec<i64> = parts.iter().map(|p| p.1).collect();
        let keys: Vec<u32> = (0..parts.len() as u32).collect();
        let cap_sum: i128 = caps.iter().map(|c| i128::from((*c).max(0))).sum();
        let want = i128::from(total).clamp(0, cap_sum);
        let int_weights: Vec<i64> = weights.iter().map(|w| i64::try_from(w.trunc()).unwrap_or(i64::MAX)).collect();
        for got in [allocate(total, &weights, &caps, &keys), allocate_int(total, &int_weights, &caps, &keys)] {
            prop_assert_eq!(got.iter().map(|p| i128::from(*p)).sum::<i128>(), want);
            for (p, c) in got.iter().zip(&caps) {
                prop_assert!(*p >= 0 && *p <= (*c).max(0));
            }
        }
    }

    /// Scans and SKUs of any text: never a panic; an accepted SKU is the text as given, with no
    /// invisible characters; an accepted scan's embedded value is positive and within its
    /// digits.
    #[test]
    fn scans_and_skus_of_any_text(
        text in prop_oneof![
            "\\PC{0,80}",
            "[0-9]{0,20}",
            "2[0-9]{12}",
            Just("\u{200B}sku".to_owned()),
            Just("\u{202E}sku".to_owned()),
            Just("\u{FEFF}sku".to_owned()),
            Just("s\0ku".to_owned()),
            Just("x".repeat(100_000)),
        ],
        item in 0_u8..12,
        value in 0_u8..12,
        decimals in 0_u8..12,
    ) {
        if let Ok(sku) = Sku::parse(&text) {
            prop_assert_eq!(sku.as_str(), text.trim());
            let invisible = |c: char| {
                c.is_control()
                    || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
            };
            prop_assert!(!sku.as_str().chars().any(invisible), "invisible characters in {:?}", sku);
        }
        let mut layouts = vec![EmbeddedLayout::weight_5_5(), EmbeddedLayout::price_5_5(2)];
        if let Ok(l) = EmbeddedLayout::new(&["20", "02"], item, value, decimals, EmbeddedKind::Price) {
            layouts.insert(0, l);
        }
        if let Ok(pos_core::Scan::Embedded(e)) = parse_scan(&text, &layouts) {
            prop_assert!(e.value > Decimal::ZERO && e.value < Decimal::from(10_000_000_000_i64));
        }
    }

    /// Valid JSON of each type with one value replaced by something hostile: never a panic, and
    /// whatever still deserialises is valid (its checks pass) and survives a round trip.
    #[test]
    fn hostile_json_is_refused_or_valid(
        which in 0_usize..TYPES,
        at in any::<prop::sample::Index>(),
        hostile in hostile_value(),
    ) {
        let mut value = valid_json(which);
        let paths = leaves(&value, &mut Vec::new());
        let path = at.get(&paths);
        replace(&mut value, path, hostile);
        let text = value.to_string();
        round_trip(which, &text)?;
    }
}

/// Number of types [`valid_json`] knows.
const TYPES: usize = 9;

/// A valid JSON value of one of the deserialisable domain types.
fn valid_json(which: usize) -> Value {
    let product = Product::new("milk", "Milk", "food", "standard", Decimal::from(1_500)).unwrap();
    let mut basket = Basket::new();
    let id = basket.add(Sku::parse("milk").unwrap(), Quantity::each(2).unwrap());
    basket.override_price(id, PriceOverride::new(Decimal::from(1_000), "damaged").unwrap()).unwrap();
    basket.set_line_discount(id, Some(ManualDiscount::percent(Decimal::from(10), "staff").unwrap())).unwrap();
    let promotion =
        Promotion::builder("p", "Two for one", promotion_kind(Decimal::from(500), 0)).build().unwrap();
    match which {
        0 => serde_json::to_value(&basket).unwrap(),
        1 => serde_json::to_value(&product).unwrap(),
        2 => {
            json!({"id": "vip", "customer_group": "vip", "valid_from": null, "valid_to": null, "prices": {"milk": "1200"}})
        }
        3 => serde_json::to_value(TaxRate::percent(Decimal::from(10), "VAT").unwrap()).unwrap(),
        4 => serde_json::to_value(CashRounding::new(Decimal::TEN, pos_core::RoundingMode::Down).unwrap())
            .unwrap(),
        5 => serde_json::to_value(EmbeddedLayout::weight_5_5()).unwrap(),
        6 => serde_json::to_value(ManualDiscount::amount(Decimal::from(100), "loyal").unwrap()).unwrap(),
        7 => serde_json::to_value(PriceOverride::new(Decimal::from(900), "price match").unwrap()).unwrap(),
        _ => serde_json::to_value(&promotion).unwrap(),
    }
}

/// Deserialises `text` as the type `which` names; when that succeeds, the value passes its
/// checks and serialises back to what deserialises to the same value.
fn round_trip(which: usize, text: &str) -> Result<(), TestCaseError> {
    fn check<T>(text: &str, valid: impl Fn(&T) -> bool) -> Result<(), TestCaseError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        if let Ok(v) = serde_json::from_str::<T>(text) {
            prop_assert!(valid(&v), "accepted but invalid: {:?}", v);
            let again: T = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            prop_assert_eq!(again, v);
        }
        Ok(())
    }
    match which {
        0 => check::<Basket>(text, |b| b.check().is_ok() && b.lines().len() <= MAX_LINES),
        1 => check::<Product>(text, |p| p.validate().is_ok()),
        2 => check::<PriceList>(text, |l| l.validate().is_ok()),
        3 => check::<TaxRate>(text, |r| r.check().is_ok()),
        4 => check::<CashRounding>(text, |r| r.check().is_ok()),
        // Deserialising a layout runs its constructor; the round trip checks it again.
        5 => check::<EmbeddedLayout>(text, |_| true),
        6 => check::<ManualDiscount>(text, |d| d.check().is_ok()),
        7 => check::<PriceOverride>(text, |o| o.check().is_ok()),
        _ => check::<Promotion>(text, |_| true),
    }
}

fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(-1)),
        Just(json!("-1")),
        Just(json!(1e300)),
        Just(json!("79228162514264337593543950335")),
        Just(json!("0.0000000000000000000000000001")),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!("")),
        Just(json!("\u{0}")),
        Just(json!("\u{202E}x")),
        Just(Value::String("x".repeat(100_000))),
        Just(json!([])),
        Just(json!({})),
        Just(json!(true)),
        Just((0..64).fold(json!(0), |v, _| json!([v]))),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,20}".prop_map(Value::String),
    ]
}

/// Every path to a leaf (and to every container, so whole objects and arrays get replaced too).
fn leaves(v: &Value, path: &mut Vec<String>) -> Vec<Vec<String>> {
    let mut out = vec![path.clone()];
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                out.extend(leaves(child, path));
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(i.to_string());
                out.extend(leaves(child, path));
                path.pop();
            }
        }
        _ => {}
    }
    out
}

fn replace(v: &mut Value, path: &[String], with: Value) {
    let Some((head, rest)) = path.split_first() else {
        *v = with;
        return;
    };
    let child = match v {
        Value::Object(m) => m.get_mut(head),
        Value::Array(a) => head.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    };
    if let Some(c) = child {
        replace(c, rest, with);
    }
}

/// For each type, a malformed value is refused by deserialisation with an error that names the
/// field, the same check its constructor makes.
#[test]
fn malformed_json_names_the_field() {
    let line = |extra: Value| {
        let mut l = json!({"id": 1, "sku": "milk", "quantity": {"value": "1", "unit": "each"},
            "price_override": null, "discount": null, "embedded_price": null});
        if let (Value::Object(l), Value::Object(e)) = (&mut l, extra) {
            l.extend(e);
        }
        l
    };
    let basket = |lines: Vec<Value>| {
        json!({"lines": lines, "next_id": 10, "customer": {"member_id": null, "tier": null, "group": null},
            "coupons": [], "discount": null})
    };
    let product = |field: &str, value: Value| {
        let mut p =
            serde_json::to_value(Product::new("milk", "Milk", "food", "standard", Decimal::ONE).unwrap())
                .unwrap();
        p[field] = value;
        p.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("basket", basket(vec![line(json!({})), line(json!({}))]).to_string(), "line.id"),
        (
            "basket",
            basket(vec![line(json!({"quantity": {"value": "0.0004", "unit": "kg"}}))]).to_string(),
            "quantity",
        ),
        ("basket", basket(vec![line(json!({"sku": "a\u{200B}b"}))]).to_string(), "sku"),
        ("basket", basket(vec![line(json!({"embedded_price": "-1"}))]).to_string(), "embedded_price"),
        ("manual discount", json!({"kind": {"percent": "150"}, "reason": "x"}).to_string(), "percent"),
        ("manual discount", json!({"kind": {"amount": "5"}, "reason": " "}).to_string(), "reason"),
        ("price override", json!({"price": "-2000", "reason": ""}).to_string(), "price"),
        ("price override", json!({"price": "10", "reason": ""}).to_string(), "reason"),
        ("product", product("price", json!("-1")), "price"),
        ("product", product("price", json!("1000000000000.5")), "price"),
        ("product", product("name", json!("\u{0}")), "name"),
        (
            "price list",
            json!({"id": "vip", "customer_group": null, "valid_from": null, "valid_to": null,
            "prices": {"milk": "-5"}})
            .to_string(),
            "price_list.prices",
        ),
        ("tax rate", json!({"rate": "-1", "label": "VAT"}).to_string(), "rate"),
        (
            "cash rounding",
            json!({"increment": "0.0000000000000000000000000001", "mode": "half_up"}).to_string(),
            "increment",
        ),
        (
            "layout",
            json!({"prefixes": ["20"], "item_digits": 20, "value_digits": 5, "value_decimals": 0,
            "kind": "price"})
            .to_string(),
            "layout.item_digits",
        ),
        (
            "money",
            json!({"amount": "79228162514264337593543950335", "currency": "KRW"}).to_string(),
            "amount",
        ),
    ];
    let mut failures = Vec::new();
    for (what, text, field) in cases {
        let err = match what {
            "basket" => serde_json::from_str::<Basket>(&text).err(),
            "manual discount" => serde_json::from_str::<ManualDiscount>(&text).err(),
            "price override" => serde_json::from_str::<PriceOverride>(&text).err(),
            "product" => serde_json::from_str::<Product>(&text).err(),
            "price list" => serde_json::from_str::<PriceList>(&text).err(),
            "tax rate" => serde_json::from_str::<TaxRate>(&text).err(),
            "cash rounding" => serde_json::from_str::<CashRounding>(&text).err(),
            "layout" => serde_json::from_str::<EmbeddedLayout>(&text).err(),
            _ => serde_json::from_str::<Money>(&text).err(),
        };
        match err {
            None => failures.push(format!("{what} accepted: {text:.200}")),
            Some(e) if !e.to_string().contains(field) => {
                failures.push(format!("{what}: `{e}` does not name {field}"))
            }
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Two KRW lines of 5e18 each: refused with the line named, never priced at a wrapped-around
/// negative total (the defect this file guards against).
#[test]
fn huge_lines_are_refused_not_wrapped() {
    let mut catalog = Catalog::new(Currency::KRW);
    catalog.upsert_category("food", "Food", None).unwrap();
    let top = Product::new("top", "Top", "food", "standard", MAX_PRICE).unwrap();
    catalog.upsert_product(top).unwrap();
    let mut basket = Basket::new();
    for _ in 0..2 {
        basket.add(Sku::parse("top").unwrap(), Quantity::new(Quantity::MAX, Unit::Each).unwrap());
    }
    let engine = PricingEngine::builder(StoreConfig::korea("s")).build().unwrap();
    let err = engine.price(&catalog, &basket, &PricingContext::at(chrono::Utc::now())).unwrap_err();
    assert!(err.field().is_some_and(|f| f.starts_with("lines[")), "{err}");
    let line: BasketLine = basket.lines()[0].clone();
    assert_eq!(line.quantity.value(), Quantity::MAX);
}
