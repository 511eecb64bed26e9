//! Pricing benchmark: a 100-line basket over a 50,000-SKU catalog against 0, 1,000 and 10,000
//! promotions of mixed kinds.
//!
//! Run: `cargo bench -p pos-core --bench pricing`
//!
//! The promotion mix (deterministic, seeded), per 1,000 promotions:
//! - 600 percent / amount / fixed-price promotions on 1-5 SKUs each,
//! - 150 buy-X-get-Y on 1-3 SKUs, 100 mix-and-match groups of 2-10 SKUs,
//! - 20 category promotions (half of them on weekend evenings only),
//! - 130 SKU promotions, of which 128 are gated by a member tier (40), a coupon (40) or a
//!   weekend-evening window (48), which this Monday-noon silver-member basket does not meet.
//!
//! Basket-level promotions do not scale with the count: every non-empty set adds the same four
//! (a spend-tier promotion for everybody and three coupon campaigns).
//!
//! A tenth of all promotions are exclusive. At 10,000 promotions about 0.6 promotions target each
//! SKU, so a 100-line basket meets dozens of them; the bench prints how many apply.
#![allow(missing_docs)]

use std::hint::black_box;

use chrono::{NaiveTime, Weekday};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pos_core::{
    Basket, BasketReward, Catalog, Currency, CustomerContext, PricingContext, PricingEngine, Product,
    Promotion, PromotionKind, Quantity, Reward, Sku, SpendTier, StoreConfig, Target, TimeWindow,
};
use rust_decimal::Decimal;

const SKUS: u64 = 50_000;
const TOP: u64 = 20;
const SUB: u64 = 25;

/// A small deterministic generator (no `rand` dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn sku(i: u64) -> String {
    format!("880{i:010}")
}

fn leaf(i: u64) -> String {
    format!("c{}-{}", i / SUB, i % SUB)
}

fn catalog(rng: &mut Lcg) -> Catalog {
    let mut c = Catalog::new(Currency::KRW);
    for t in 0..TOP {
        c.upsert_category(&format!("c{t}"), &format!("Top {t}"), None).unwrap();
        for s in 0..SUB {
            c.upsert_category(&format!("c{t}-{s}"), &format!("Sub {t}-{s}"), Some(&format!("c{t}"))).unwrap();
        }
    }
    for i in 0..SKUS {
        let price = Decimal::from(500 + rng.below(60) * 100);
        let class = if rng.below(10) == 0 { "exempt" } else { "standard" };
        let p =
            Product::new(&sku(i), &format!("상품 {i}"), &leaf(rng.below(TOP * SUB)), class, price).unwrap();
        c.upsert_product(p).unwrap();
    }
    c
}

/// `base + 0..spread` random SKUs.
fn some_skus(rng: &mut Lcg, base: u64, spread: u64) -> Target {
    let n = base + rng.below(spread);
    let v: Vec<String> = (0..n).map(|_| sku(rng.below(SKUS))).collect();
    Target::items(&v.iter().map(String::as_str).collect::<Vec<_>>()).unwrap()
}

fn promotions(rng: &mut Lcg, n: usize) -> Vec<Promotion> {
    (0..n)
        .map(|i| {
            let id = format!("promo-{i:05}");
            let roll = rng.below(1000);
            // Rolls out of 1000: see the module docs for the mix.
            let kind = match roll {
                0..=279 => PromotionKind::PercentOff {
                    target: some_skus(rng, 1, 5),
                    percent: Decimal::from(5 + rng.below(40)),
                },
                280..=449 => PromotionKind::AmountOff {
                    target: some_skus(rng, 1, 5),
                    amount: Decimal::from(100 + rng.below(5) * 100),
                },
                450..=599 => PromotionKind::FixedPrice {
                    target: some_skus(rng, 1, 5),
                    price: Decimal::from(400 + rng.below(20) * 100),
                },
                600..=749 => {
                    let t = some_skus(rng, 1, 3);
                    PromotionKind::BuyXGetY {
                        buy: t.clone(),
                        buy_qty: 1 + rng.below(2) as u32,
                        get: t,
                        get_qty: 1,
                        reward: if rng.below(2) == 0 {
                            Reward::Free
                        } else {
                            Reward::PercentOff(Decimal::from(50))
                        },
                    }
                }
                750..=849 => PromotionKind::MixAndMatch {
                    group: some_skus(rng, 2, 9),
                    count: 2 + rng.below(3) as u32,
                    price: Decimal::from(2_000 + rng.below(30) * 100),
                },
                850..=869 => PromotionKind::PercentOff {
                    target: Target::categories(&[&leaf(rng.below(TOP * SUB))]),
                    percent: Decimal::from(5 + rng.below(20)),
                },
                _ => PromotionKind::PercentOff {
                    target: some_skus(rng, 1, 5),
                    percent: Decimal::from(5 + rng.below(40)),
                },
            };
            let mut b = Promotion::builder(&id, &format!("행사 {i}"), kind).priority(rng.below(5) as i32);
            if rng.below(10) == 0 {
                b = b.exclusive();
            }
            b = match roll {
                870..=909 => b.tiers(&["gold"]),
                910..=949 => b.coupon(&format!("CPN{i}")),
                // Half the category promotions and some item ones run on weekend evenings only.
                860..=869 | 950..=999 => {
                    b.window(TimeWindow::default().on(&[Weekday::Sat, Weekday::Sun]).between(
                        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                        NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                    ))
                }
                _ => b,
            };
            b.build().unwrap()
        })
        .chain(basket_level(n))
        .collect()
}

/// Basket-level promotions do not grow with the number of item promotions: a shop runs a few
/// at a time. One spend-tier promotion for everybody and three coupon campaigns.
fn basket_level(n: usize) -> Vec<Promotion> {
    if n == 0 {
        return Vec::new();
    }
    let tiers = PromotionKind::SpendTiers {
        tiers: vec![
            SpendTier {
                threshold: Decimal::from(30_000),
                reward: BasketReward::PercentOff(Decimal::from(3)),
            },
            SpendTier {
                threshold: Decimal::from(100_000),
                reward: BasketReward::AmountOff(Decimal::from(5_000)),
            },
        ],
    };
    let coupon = |i: u32, kind| {
        Promotion::builder(&format!("basket-{i}"), "쿠폰", kind).coupon(&format!("B{i}")).build().unwrap()
    };
    vec![
        Promotion::builder("basket-0", "3만원 이상 3%", tiers).build().unwrap(),
        coupon(1, PromotionKind::BasketPercentOff { percent: Decimal::from(5) }),
        coupon(2, PromotionKind::BasketAmountOff { amount: Decimal::from(2_000) }),
        coupon(3, PromotionKind::BasketPercentOff { percent: Decimal::from(10) }),
    ]
}

fn basket(rng: &mut Lcg) -> Basket {
    let mut b = Basket::new();
    for _ in 0..100 {
        b.add(Sku::parse(&sku(rng.below(SKUS))).unwrap(), Quantity::each(1 + rng.below(3) as u32).unwrap());
    }
    b.set_customer(CustomerContext {
        member_id: Some("m-1".into()),
        tier: Some("silver".into()),
        group: None,
    });
    b
}

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(42);
    let catalog = catalog(&mut rng);
    let baskets: Vec<Basket> = (0..16).map(|_| basket(&mut rng)).collect();
    let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().unwrap());
    let mut group = c.benchmark_group("price_100_lines");
    group.throughput(Throughput::Elements(100));
    for n in [0_usize, 1_000, 10_000] {
        let engine = PricingEngine::builder(StoreConfig::korea("bench"))
            .promotions(promotions(&mut Lcg(7), n))
            .build()
            .unwrap();
        // How much the promotions actually do, so the numbers mean something.
        let applied: usize =
            baskets.iter().map(|b| engine.price(&catalog, b, &ctx).unwrap().promotions.len()).sum();
        eprintln!(
            "{n} promotions: {:.1} applied per basket on average",
            applied as f64 / baskets.len() as f64
        );
        let mut i = 0;
        group.bench_with_input(BenchmarkId::from_parameter(n), &engine, |bench, engine| {
            bench.iter(|| {
                i = (i + 1) % baskets.len();
                black_box(engine.price(&catalog, black_box(&baskets[i]), &ctx).unwrap())
            })
        });
    }
    group.finish();

    // Index overhead alone: 10,000 SKU promotions loaded, none on the basket's SKUs (promotions
    // on the upper half of the catalog, baskets from the lower half).
    let mut group = c.benchmark_group("price_100_lines_untouched");
    group.throughput(Throughput::Elements(100));
    let lower: Vec<Basket> = baskets
        .iter()
        .map(|b| {
            let mut l = Basket::new();
            for line in b.lines() {
                let i: u64 = line.sku.as_str()[3..].parse().unwrap();
                l.add(Sku::parse(&sku(i % (SKUS / 2))).unwrap(), line.quantity);
            }
            l
        })
        .collect();
    let far: Vec<Promotion> = promotions(&mut Lcg(7), 10_000)
        .into_iter()
        .filter_map(|p| {
            let mut spec = p.spec().clone();
            let shift = |t: &mut Target| match t {
                Target::Items(s) => {
                    *s = s
                        .iter()
                        .map(|x| {
                            let i: u64 = x.as_str()[3..].parse().unwrap();
                            Sku::parse(&sku(SKUS / 2 + i % (SKUS / 2))).unwrap()
                        })
                        .collect();
                    true
                }
                _ => false,
            };
            let keep = match &mut spec.kind {
                PromotionKind::PercentOff { target, .. }
                | PromotionKind::AmountOff { target, .. }
                | PromotionKind::FixedPrice { target, .. } => shift(target),
                PromotionKind::BuyXGetY { buy, get, .. } => shift(buy) && shift(get),
                PromotionKind::MixAndMatch { group, .. } => shift(group),
                _ => false,
            };
            keep.then(|| Promotion::try_from(spec).unwrap())
        })
        .collect();
    for (label, promos) in [("0", Vec::new()), ("10000", far)] {
        let count = promos.len();
        let engine = PricingEngine::builder(StoreConfig::korea("bench")).promotions(promos).build().unwrap();
        let applied: usize =
            lower.iter().map(|b| engine.price(&catalog, b, &ctx).unwrap().promotions.len()).sum();
        eprintln!("untouched {label}: {count} promotions loaded, {applied} applied");
        let mut i = 0;
        group.bench_with_input(BenchmarkId::from_parameter(label), &engine, |bench, engine| {
            bench.iter(|| {
                i = (i + 1) % lower.len();
                black_box(engine.price(&catalog, black_box(&lower[i]), &ctx).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
