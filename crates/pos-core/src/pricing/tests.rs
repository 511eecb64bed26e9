//! The integer fast paths against the `Decimal` reference.

use proptest::prelude::*;

use super::meta::FastKind;
use super::*;
use crate::catalog::Product;
use crate::promotion::{Promotion, PromotionKind, Reward, Target};
use crate::quantity::Quantity;
use crate::quantity::Unit;
use crate::sku::Sku;
use rust_decimal::Decimal;

/// A generated promotion: kind, SKU pick, figure mantissa and scale, cap, exclusive.
type GenPromo = (u8, u8, u32, u16, Option<u32>, bool);

/// The integer fast paths (percent off, amount off, fixed price) give exactly what the
/// `Decimal` computation gives, and buy-X-get-Y and mix-and-match priced from the hot-path
/// figures give what they give from the spec, for whole pieces and weighed goods, with
/// caps, in a currency with and one without minor units.
fn both_paths(germany: bool, lines: &[(u8, u32, bool)], promos: &[GenPromo]) -> (PricedBasket, PricedBasket) {
    let store = if germany { StoreConfig::germany("s") } else { StoreConfig::korea("s") };
    let mut catalog = Catalog::new(store.currency);
    catalog.upsert_category("c", "c", None).unwrap();
    for i in 0..8_u32 {
        let price = Decimal::new(i64::from(199 + 350 * i), if germany { 2 } else { 0 });
        let mut p = Product::new(&format!("sku{i}"), "p", "c", "standard", price).unwrap();
        if i >= 6 {
            p = p.with_unit(Unit::Kg);
        }
        catalog.upsert_product(p).unwrap();
    }
    let mut basket = Basket::new();
    for &(sku, qty, _) in lines {
        let sku = sku % 8;
        let quantity = if sku >= 6 {
            Quantity::new(Decimal::new(i64::from(qty % 3000 + 1), 3), Unit::Kg).unwrap()
        } else {
            Quantity::each(qty % 5 + 1).unwrap()
        };
        basket.add(Sku::parse(&format!("sku{sku}")).unwrap(), quantity);
    }
    let mut list = Vec::new();
    for (i, &(kind, sku, figure, scale, cap, exclusive)) in promos.iter().enumerate() {
        let target = Target::items(&[&format!("sku{}", sku % 8), &format!("sku{}", (sku / 8) % 8)]).unwrap();
        let figure = Decimal::new(i64::from(figure % 5000 + 1), u32::from(scale % 4));
        let kind = match kind % 5 {
            0 => PromotionKind::PercentOff { target, percent: figure.min(Decimal::ONE_HUNDRED) },
            1 => PromotionKind::AmountOff { target, amount: figure },
            2 => PromotionKind::FixedPrice { target, price: figure },
            3 => PromotionKind::BuyXGetY {
                buy: target.clone(),
                buy_qty: 1 + figure.mantissa() as u32 % 3,
                get: target,
                get_qty: 1 + u32::from(scale % 2),
                reward: if sku % 2 == 0 {
                    Reward::Free
                } else {
                    Reward::PercentOff(figure.min(Decimal::ONE_HUNDRED))
                },
            },
            _ => PromotionKind::MixAndMatch {
                group: target,
                count: 2 + figure.mantissa() as u32 % 3,
                price: figure,
            },
        };
        let mut b = Promotion::builder(&format!("p{i}"), "p", kind).priority(i32::from(kind_priority(i)));
        if let Some(c) = cap {
            b = b.cap(Decimal::new(i64::from(c % 100_000 + 1), 2));
        }
        if exclusive {
            b = b.exclusive();
        }
        list.push(b.build().unwrap());
    }
    let engine = PricingEngine::builder(store).promotions(list).build().unwrap();
    let mut exact = engine.clone();
    for m in &mut exact.meta {
        m.kind = FastKind::None;
    }
    let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().unwrap());
    (engine.price(&catalog, &basket, &ctx).unwrap(), exact.price(&catalog, &basket, &ctx).unwrap())
}

fn kind_priority(i: usize) -> u8 {
    (i % 3) as u8
}

proptest! {
    #[test]
    fn integer_fast_paths_match_decimal(
        germany in any::<bool>(),
        lines in prop::collection::vec((any::<u8>(), any::<u32>(), any::<bool>()), 1..8),
        promos in prop::collection::vec(
            (any::<u8>(), any::<u8>(), any::<u32>(), any::<u16>(), prop::option::of(any::<u32>()), any::<bool>()),
            1..6,
        ),
    ) {
        let (fast, exact) = both_paths(germany, &lines, &promos);
        prop_assert_eq!(fast, exact);
    }
}

#[test]
fn fast_paths_apply_and_match() {
    // sku0 x2 (each), sku1 x3, sku6 weighed: percent off, amount off, fixed price, with a cap.
    let lines = [(0, 1, false), (1, 2, false), (6, 1234, false), (9, 3, false)];
    let promos =
        [(0, 0, 1250, 2, None, false), (1, 1, 99, 2, Some(30_000), false), (2, 54, 7, 0, None, true)];
    for germany in [false, true] {
        let (fast, exact) = both_paths(germany, &lines, &promos);
        assert_eq!(fast, exact);
        assert_eq!(fast.promotions.len(), 3, "{:?}", fast.promotions);
    }
}
