//! Property tests of the pricing invariants named in DESIGN.md.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` for a deeper run.

mod common;

use common::assert_consistent;
use pos_core::{
    Basket, BasketLine, BasketReward, Catalog, Currency, ManualDiscount, PriceOverride, PricedBasket,
    PricingContext, PricingEngine, Product, Promotion, PromotionKind, PromotionSpec, Quantity, Reward,
    RoundingMode, Sku, SpendTier, Stacking, StoreConfig, StoreId, Target, TaxMode, TaxRate, TaxRounding,
    TaxTable, Unit,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const SKUS: usize = 12;

#[derive(Debug, Clone)]
struct World {
    currency: Currency,
    tax_mode: TaxMode,
    tax_rounding: TaxRounding,
    rounding: RoundingMode,
    /// (price in minor units, category index, tax class index, weighed)
    products: Vec<(i64, usize, usize, bool)>,
    promotions: Vec<PromotionSpec>,
}

fn sku(i: usize) -> String {
    format!("sku{i}")
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        prop::collection::btree_set(0..SKUS, 1..4)
            .prop_map(|s| Target::Items(s.into_iter().map(|i| Sku::parse(&sku(i)).unwrap()).collect())),
        prop::sample::select(vec!["root", "a", "b", "a1"]).prop_map(|c| Target::categories(&[c])),
        Just(Target::AllItems),
    ]
}

fn percent() -> impl Strategy<Value = Decimal> {
    (1_i64..=100).prop_map(Decimal::from)
}

fn kind() -> impl Strategy<Value = PromotionKind> {
    prop_oneof![
        (target(), percent()).prop_map(|(target, percent)| PromotionKind::PercentOff { target, percent }),
        (target(), 1_i64..5_000)
            .prop_map(|(target, a)| PromotionKind::AmountOff { target, amount: Decimal::new(a, 2) }),
        (target(), 0_i64..5_000)
            .prop_map(|(target, a)| PromotionKind::FixedPrice { target, price: Decimal::new(a, 2) }),
        (target(), 1_u32..4, target(), 1_u32..3, prop::option::of(percent())).prop_map(
            |(buy, x, get, y, p)| {
                PromotionKind::BuyXGetY {
                    buy,
                    buy_qty: x,
                    get,
                    get_qty: y,
                    reward: p.map(Reward::PercentOff).unwrap_or(Reward::Free),
                }
            }
        ),
        (target(), 2_u32..5, 0_i64..20_000).prop_map(|(group, count, p)| PromotionKind::MixAndMatch {
            group,
            count,
            price: Decimal::new(p, 2)
        }),
        percent().prop_map(|percent| PromotionKind::BasketPercentOff { percent }),
        (1_i64..10_000).prop_map(|a| PromotionKind::BasketAmountOff { amount: Decimal::new(a, 2) }),
        (0_i64..10_000, 1_i64..10_000, percent()).prop_map(|(t, step, p)| PromotionKind::SpendTiers {
            tiers: vec![
                SpendTier { threshold: Decimal::new(t, 2), reward: BasketReward::PercentOff(p) },
                SpendTier {
                    threshold: Decimal::new(t + step, 2),
                    reward: BasketReward::AmountOff(Decimal::new(step, 2))
                },
            ],
        }),
    ]
}

fn promotion() -> impl Strategy<Value = PromotionKind> {
    kind()
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::sample::select(vec![Currency::KRW, Currency::EUR, Currency::USD]),
        prop::bool::ANY,
        prop::bool::ANY,
        prop::sample::select(vec![
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
            RoundingMode::Up,
            RoundingMode::Down,
        ]),
        prop::collection::vec((0_i64..200_000, 0_usize..4, 0_usize..3, prop::bool::weighted(0.2)), SKUS),
        prop::collection::vec(
            (promotion(), prop::bool::weighted(0.3), -3_i32..3, prop::option::weighted(0.2, 1_i64..50_000)),
            0..8,
        ),
    )
        .prop_map(|(currency, incl, per_line, rounding, products, promos)| World {
            currency,
            tax_mode: if incl { TaxMode::Inclusive } else { TaxMode::Exclusive },
            tax_rounding: if per_line { TaxRounding::PerLine } else { TaxRounding::PerDocument },
            rounding,
            products,
            promotions: promos
                .into_iter()
                .enumerate()
                .map(|(i, (kind, exclusive, priority, cap))| {
                    let mut spec = Promotion::builder(&format!("p{i}"), &format!("Promo {i}"), kind)
                        .priority(priority)
                        .build()
                        .unwrap()
                        .spec()
                        .clone();
                    spec.stacking = if exclusive { Stacking::Exclusive } else { Stacking::Stackable };
                    spec.cap = cap.map(|c| Decimal::new(c, 2));
                    spec
                })
                .collect(),
        })
}

#[derive(Debug, Clone)]
struct LineSpec {
    product: usize,
    qty: u32,
    override_price: Option<i64>,
    discount: Option<(bool, i64)>,
}

fn lines() -> impl Strategy<Value = (Vec<LineSpec>, Option<i64>)> {
    (
        prop::collection::vec(
            (
                0..SKUS,
                1_u32..6,
                prop::option::weighted(0.1, 0_i64..100_000),
                prop::option::weighted(0.15, (prop::bool::ANY, 1_i64..100)),
            )
                .prop_map(|(product, qty, override_price, discount)| LineSpec {
                    product,
                    qty,
                    override_price,
                    discount,
                }),
            1..12,
        ),
        prop::option::weighted(0.2, 1_i64..100),
    )
}

fn setup(w: &World) -> (Catalog, PricingEngine) {
    let mut catalog = Catalog::new(w.currency);
    catalog.upsert_category("root", "Root", None).unwrap();
    catalog.upsert_category("a", "A", Some("root")).unwrap();
    catalog.upsert_category("b", "B", Some("root")).unwrap();
    catalog.upsert_category("a1", "A1", Some("a")).unwrap();
    let cats = ["root", "a", "b", "a1"];
    let dp = w.currency.minor_units();
    for (i, (price, cat, class, weighed)) in w.products.iter().enumerate() {
        let mut p = Product::new(
            &sku(i),
            &format!("Item {i}"),
            cats[*cat],
            &format!("t{class}"),
            Decimal::new(*price, dp),
        )
        .unwrap();
        if *weighed {
            p = p.with_unit(Unit::Kg);
        }
        catalog.upsert_product(p).unwrap();
    }
    let tax = TaxTable::new(w.tax_mode, w.tax_rounding, w.rounding)
        .with_rate("t0", TaxRate::percent(Decimal::from(10), "A").unwrap())
        .with_rate("t1", TaxRate::percent(Decimal::new(1175, 2), "B").unwrap())
        .with_rate("t2", TaxRate::percent(Decimal::ZERO, "C").unwrap());
    let store = StoreConfig {
        id: StoreId("s".into()),
        currency: w.currency,
        time_zone: chrono_tz::UTC,
        tax,
        rounding: w.rounding,
        cash_rounding: Default::default(),
    };
    let promos = w.promotions.iter().cloned().map(|s| Promotion::try_from(s).unwrap());
    (catalog, PricingEngine::builder(store).promotions(promos).build().unwrap())
}

fn basket_lines(w: &World, specs: &[LineSpec]) -> Vec<BasketLine> {
    let dp = w.currency.minor_units();
    specs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let weighed = w.products[l.product].3;
            let quantity = if weighed {
                Quantity::new(Decimal::new(i64::from(l.qty) * 125, 3), Unit::Kg).unwrap()
            } else {
                Quantity::each(l.qty).unwrap()
            };
            BasketLine {
                id: i as u32 + 1,
                sku: Sku::parse(&sku(l.product)).unwrap(),
                quantity,
                price_override: l
                    .override_price
                    .map(|p| PriceOverride::new(Decimal::new(p, dp), "test").unwrap()),
                discount: l.discount.map(|(is_pct, v)| {
                    if is_pct {
                        ManualDiscount::percent(Decimal::from(v), "test").unwrap()
                    } else {
                        ManualDiscount::amount(Decimal::new(v * 100, dp), "test").unwrap()
                    }
                }),
                embedded_price: None,
            }
        })
        .collect()
}

fn make_basket(lines: Vec<BasketLine>, discount: Option<i64>) -> Basket {
    let mut b = Basket::new();
    for l in lines {
        b.insert_line(l).unwrap();
    }
    b.set_discount(discount.map(|p| ManualDiscount::percent(Decimal::from(p), "test").unwrap()));
    b
}

fn price(engine: &PricingEngine, catalog: &Catalog, basket: &Basket) -> PricedBasket {
    let at = "2026-11-23T12:00:00Z".parse().unwrap();
    engine.price(catalog, basket, &PricingContext::at(at)).unwrap()
}

proptest! {
    /// Document total = sum of line totals; no line below zero; net + tax = gross per rate and
    /// per line; the breakdown sums to the totals.
    #[test]
    fn totals_are_consistent(w in world(), (specs, disc) in lines()) {
        let (catalog, engine) = setup(&w);
        let p = price(&engine, &catalog, &make_basket(basket_lines(&w, &specs), disc));
        assert_consistent(&p);
    }

    /// Pricing is deterministic and does not depend on the order of the lines.
    #[test]
    fn line_order_does_not_change_totals(
        w in world(),
        (specs, disc) in lines(),
        seed in any::<u64>(),
    ) {
        let (catalog, engine) = setup(&w);
        let lines = basket_lines(&w, &specs);
        let a = price(&engine, &catalog, &make_basket(lines.clone(), disc));
        prop_assert_eq!(&a, &price(&engine, &catalog, &make_basket(lines.clone(), disc)), "pricing twice differs");
        let mut shuffled = lines;
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (s >> 33) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        let b = price(&engine, &catalog, &make_basket(shuffled, disc));
        prop_assert_eq!(a.total, b.total);
        prop_assert_eq!(a.tax_total, b.tax_total);
        prop_assert_eq!(a.discount_total, b.discount_total);
        prop_assert_eq!(&a.taxes, &b.taxes);
        for l in &a.lines {
            let m = b.lines.iter().find(|x| x.line_id == l.line_id).unwrap();
            prop_assert_eq!(l, m);
        }
    }

    /// Refunding the parts of any partition of the lines returns the document total exactly.
    #[test]
    fn refunds_of_a_partition_sum_to_the_total(
        w in world(),
        (specs, disc) in lines(),
        parts in prop::collection::vec(0_usize..4, 12),
    ) {
        let (catalog, engine) = setup(&w);
        let p = price(&engine, &catalog, &make_basket(basket_lines(&w, &specs), disc));
        let mut sum = pos_core::Money::zero(p.currency);
        let mut tax = Decimal::ZERO;
        for part in 0..4 {
            let ids: Vec<u32> = p.lines.iter().enumerate()
                .filter(|(i, _)| parts[*i % parts.len()] == part)
                .map(|(_, l)| l.line_id)
                .collect();
            if ids.is_empty() { continue; }
            let q = p.refund(&ids).unwrap();
            tax += q.taxes.iter().map(|t| t.tax.amount()).sum::<Decimal>();
            sum = sum.checked_add(&q.amount).unwrap();
        }
        prop_assert_eq!(sum, p.total);
        prop_assert_eq!(tax, p.tax_total.amount());
    }
}

proptest! {
    /// Arbitrary (possibly invalid) promotion data and baskets never make pricing panic:
    /// invalid promotions are refused when built, the rest price to Ok or a typed error.
    #[test]
    fn pricing_never_panics(
        w in world(),
        (specs, disc) in lines(),
        raw in prop::collection::vec((kind(), -1_000_000_i64..1_000_000, 0_u32..4), 0..6),
    ) {
        let (catalog, engine) = setup(&w);
        let mut promos: Vec<Promotion> = Vec::new();
        for (i, (mut kind, n, q)) in raw.into_iter().enumerate() {
            // Push numbers out of range to reach the validation paths.
            match &mut kind {
                PromotionKind::PercentOff { percent, .. } => *percent = Decimal::new(n, 2),
                PromotionKind::BuyXGetY { buy_qty, .. } => *buy_qty = q,
                PromotionKind::MixAndMatch { count, .. } => *count = q,
                PromotionKind::BasketAmountOff { amount } => *amount = Decimal::new(n, 2),
                _ => {}
            }
            if let Ok(p) = Promotion::builder(&format!("x{i}"), "x", kind).build() {
                promos.push(p);
            }
        }
        let engine2 = PricingEngine::builder(engine.store().clone()).promotions(promos).build().unwrap();
        let basket = make_basket(basket_lines(&w, &specs), disc);
        let at = "2026-11-23T12:00:00Z".parse().unwrap();
        if let Ok(p) = engine2.price(&catalog, &basket, &PricingContext::at(at)) {
            assert_consistent(&p);
        }
    }
}
