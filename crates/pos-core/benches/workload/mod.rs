//! The pricing workload shared by the benchmark (`benches/pricing.rs`) and the profiling example
//! (`examples/pricing_workload.rs`): a 50,000-SKU catalog, 100-line baskets and promotion sets.
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
#![allow(dead_code)]

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use pos_core::{
    Basket, BasketReward, Catalog, Currency, CustomerContext, ManualDiscount, PriceOverride, Product,
    Promotion, PromotionKind, Quantity, Reward, Sku, SpendTier, Target, TimeWindow,
};
use rust_decimal::Decimal;

pub(crate) const SKUS: u64 = 50_000;
pub(crate) const TOP: u64 = 20;
pub(crate) const SUB: u64 = 25;

/// A small deterministic generator (no `rand` dependency).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub(crate) fn sku(i: u64) -> String {
    format!("880{i:010}")
}

pub(crate) fn leaf(i: u64) -> String {
    format!("c{}-{}", i / SUB, i % SUB)
}

pub(crate) fn catalog(rng: &mut Lcg) -> Catalog {
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
pub(crate) fn some_skus(rng: &mut Lcg, base: u64, spread: u64) -> Target {
    let n = base + rng.below(spread);
    let v: Vec<String> = (0..n).map(|_| sku(rng.below(SKUS))).collect();
    Target::items(&v.iter().map(String::as_str).collect::<Vec<_>>()).unwrap()
}

pub(crate) fn promotions(rng: &mut Lcg, n: usize) -> Vec<Promotion> {
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
pub(crate) fn basket_level(n: usize) -> Vec<Promotion> {
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

pub(crate) fn basket(rng: &mut Lcg) -> Basket {
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

/// A basket for checking that the engine's results stay the same: 1 to 120 lines, some SKUs
/// repeated on several lines, every tier and no member, the basket and item coupons, manual line
/// and basket discounts, price overrides, and a weekday noon or a weekend evening (Seoul time).
pub(crate) fn varied_basket(rng: &mut Lcg, i: u64) -> (Basket, DateTime<Utc>) {
    let mut b = Basket::new();
    let lines = 1 + rng.below(120);
    let mut skus = Vec::new();
    for _ in 0..lines {
        let s = if !skus.is_empty() && rng.below(8) == 0 {
            skus[rng.below(skus.len() as u64) as usize]
        } else {
            rng.below(SKUS)
        };
        skus.push(s);
        let id = b.add(Sku::parse(&sku(s)).unwrap(), Quantity::each(1 + rng.below(6) as u32).unwrap());
        match rng.below(40) {
            0 => b
                .set_line_discount(id, Some(ManualDiscount::percent(Decimal::from(10), "파손").unwrap()))
                .unwrap(),
            1 => b
                .set_line_discount(id, Some(ManualDiscount::amount(Decimal::from(300), "단골").unwrap()))
                .unwrap(),
            2 => b.override_price(id, PriceOverride::new(Decimal::from(990), "가격 확인").unwrap()).unwrap(),
            _ => {}
        }
    }
    match rng.below(10) {
        0 => b.set_discount(Some(ManualDiscount::percent(Decimal::from(5), "직원").unwrap())),
        1 => b.set_discount(Some(ManualDiscount::amount(Decimal::from(1_000), "사과").unwrap())),
        _ => {}
    }
    for _ in 0..rng.below(3) {
        let code = match rng.below(3) {
            0 => format!("B{}", 1 + rng.below(3)),
            _ => format!("CPN{}", rng.below(10_000)),
        };
        b.add_coupon(&code).unwrap();
    }
    let tier = ["silver", "gold", "bronze"][rng.below(3) as usize];
    b.set_customer(if i.is_multiple_of(5) {
        CustomerContext::default()
    } else {
        CustomerContext { member_id: Some(format!("m-{i}")), tier: Some(tier.into()), group: None }
    });
    // Monday noon, or Saturday 18:30, in Seoul.
    let at = if rng.below(3) == 0 { "2026-11-28T09:30:00Z" } else { "2026-11-23T03:00:00Z" };
    (b, at.parse().unwrap())
}
