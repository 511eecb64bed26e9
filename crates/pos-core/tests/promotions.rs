//! Behaviour of each promotion kind, eligibility rules and stacking.

mod common;

use chrono::{NaiveDate, NaiveTime, Weekday};
use common::*;
use pos_core::{
    BasketReward, CustomerContext, DiscountSource, ManualDiscount, PriceList, PriceOverride, PricedBasket,
    PricingContext, Product, Promotion, PromotionKind, PromotionRef, Reward, Sku, SpendTier, StoreId, Target,
    TimeWindow,
};
use rust_decimal::Decimal;

fn pct(target: Target, p: i64) -> PromotionKind {
    PromotionKind::PercentOff { target, percent: Decimal::from(p) }
}

fn items(s: &[&str]) -> Target {
    Target::items(s).unwrap()
}

fn promo(id: &str, kind: PromotionKind) -> Promotion {
    Promotion::builder(id, id, kind).build().unwrap()
}

#[test]
fn percent_off_an_item() {
    let cat = korean_catalog();
    let p = price(
        &engine(vec![promo("p", pct(items(&["cola"]), 20))]),
        &cat,
        &basket(&[("cola", 2), ("water", 1)]),
    );
    assert_eq!(discount(&p), 800);
    assert_eq!(p.total.to_minor(), Some(4_200));
    // The discount names its promotion.
    assert_eq!(
        p.lines[0].discounts[0].source,
        DiscountSource::Promotion(PromotionRef::new(pos_core::PromotionId::new("p"), "p"))
    );
    assert!(p.lines[1].discounts.is_empty());
    // Documents show the promotion's id and name beside the discount, and read back the same.
    let json = serde_json::to_value(&p.lines[0].discounts[0]).unwrap();
    assert_eq!(json["source"], serde_json::json!({"type": "promotion", "id": "p", "name": "p"}));
    let applied = serde_json::to_value(&p.promotions[0]).unwrap();
    assert_eq!((&applied["id"], &applied["name"]), (&serde_json::json!("p"), &serde_json::json!("p")));
    let back: PricedBasket = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    assert_consistent(&p);
}

#[test]
fn percent_off_a_category_includes_subcategories() {
    let cat = korean_catalog();
    let e = engine(vec![promo("drinks10", pct(Target::categories(&["drinks"]), 10))]);
    let p = price(&e, &cat, &basket(&[("milk", 1), ("cola", 1), ("chips", 1)]));
    // milk (1,500, in drinks > milk) and cola (2,000): 350 off; chips untouched.
    assert_eq!(discount(&p), 350);
    assert!(p.lines[2].discounts.is_empty());
    assert_consistent(&p);
}

#[test]
fn one_engine_follows_changes_to_the_category_tree() {
    // The engine resolves category promotions per catalog tree and caches that; moving a
    // category, adding one, or pricing against another catalog must each be seen at once.
    let mut cat = korean_catalog();
    let e = engine(vec![
        promo("drinks10", pct(Target::categories(&["drinks"]), 10)),
        promo("home20", pct(Target::categories(&["household"]), 20)),
    ]);
    let milk = basket(&[("milk", 1)]);
    assert_eq!(discount(&price(&e, &cat, &milk)), 150);
    let before = cat.clone();
    // Milk moves under household: the drinks promotion no longer applies, household's does.
    cat.upsert_category("milk", "우유", Some("household")).unwrap();
    assert_eq!(discount(&price(&e, &cat, &milk)), 300);
    // The clone taken before still has the old tree, and the same engine prices it by that tree.
    assert_eq!(discount(&price(&e, &before, &milk)), 150);
    // A new category below drinks, and a product in it.
    cat.upsert_category("juice", "주스", Some("drinks")).unwrap();
    cat.upsert_product(Product::new("oj", "오렌지주스", "juice", "standard", Decimal::from(3_000)).unwrap())
        .unwrap();
    assert_eq!(discount(&price(&e, &cat, &basket(&[("oj", 1), ("milk", 1)]))), 300 + 300);
}

#[test]
fn one_engine_follows_changes_to_products() {
    // The engine resolves each product's promotions per catalog and caches that; a product
    // moved to another category, a new variant of a promoted product, and a product that stops
    // being a variant must each be seen at once.
    let mut cat = korean_catalog();
    let e = engine(vec![
        promo("drinks10", pct(Target::categories(&["drinks"]), 10)),
        promo("shirts", pct(items(&["tshirt"]), 50)),
    ]);
    assert_eq!(discount(&price(&e, &cat, &basket(&[("chips", 1)]))), 0);
    cat.upsert_product(Product::new("chips", "감자칩", "drinks", "standard", Decimal::from(2_500)).unwrap())
        .unwrap();
    assert_eq!(discount(&price(&e, &cat, &basket(&[("chips", 1)]))), 250);
    let xl = Product::new("tshirt-xl", "티셔츠 XL", "household", "standard", Decimal::from(16_000)).unwrap();
    cat.upsert_product(xl.clone().variant_of("tshirt", &[("size", "XL")]).unwrap()).unwrap();
    assert_eq!(discount(&price(&e, &cat, &basket(&[("tshirt-xl", 1)]))), 8_000);
    cat.upsert_product(xl).unwrap();
    assert_eq!(discount(&price(&e, &cat, &basket(&[("tshirt-xl", 1)]))), 0);
    // Replacing a product keeps its number: the others keep their promotions.
    assert_eq!(discount(&price(&e, &cat, &basket(&[("tshirt-l", 1), ("cola", 1)]))), 7_500 + 200);
}

#[test]
fn promotion_on_a_parent_applies_to_its_variants() {
    let cat = korean_catalog();
    let e = engine(vec![promo("shirts", pct(items(&["tshirt"]), 50))]);
    let p = price(&e, &cat, &basket(&[("tshirt-l", 1)]));
    assert_eq!(discount(&p), 7_500);
}

#[test]
fn amount_off_each_unit_and_fixed_price() {
    let cat = korean_catalog();
    let e = engine(vec![
        promo("amt", PromotionKind::AmountOff { target: items(&["chips"]), amount: Decimal::from(300) }),
        promo("fix", PromotionKind::FixedPrice { target: items(&["choco"]), price: Decimal::from(3_900) }),
    ]);
    let p = price(&e, &cat, &basket(&[("chips", 3), ("choco", 2)]));
    assert_eq!(p.lines[0].discount_total().to_minor(), Some(900));
    assert_eq!(p.lines[1].discount_total().to_minor(), Some(1_800));
    // A fixed price above the current price gives nothing.
    let e = engine(vec![promo(
        "fix",
        PromotionKind::FixedPrice { target: items(&["water"]), price: Decimal::from(1_200) },
    )]);
    assert_eq!(discount(&price(&e, &cat, &basket(&[("water", 1)]))), 0);
}

#[test]
fn amount_off_never_takes_a_line_below_zero() {
    let cat = korean_catalog();
    let e = engine(vec![promo(
        "big",
        PromotionKind::AmountOff { target: items(&["water"]), amount: Decimal::from(5_000) },
    )]);
    let p = price(&e, &cat, &basket(&[("water", 2)]));
    assert_eq!(p.total.to_minor(), Some(0));
    assert_consistent(&p);
}

fn two_plus_one(target: Target, reward: Reward) -> PromotionKind {
    PromotionKind::BuyXGetY { buy: target.clone(), buy_qty: 2, get: target, get_qty: 1, reward }
}

#[test]
fn buy_two_get_one_free_rewards_the_cheapest() {
    let cat = korean_catalog();
    let e = engine(vec![promo("2+1", two_plus_one(Target::categories(&["drinks"]), Reward::Free))]);
    // cola 2,000 x2 and cider 1,800: the cider is free.
    let p = price(&e, &cat, &basket(&[("cola", 2), ("cider", 1)]));
    assert_eq!(discount(&p), 1_800);
    assert_eq!(p.lines[1].discount_total().to_minor(), Some(1_800));
    // Six units: the two cheapest (water 1,000 x2) are free.
    let p = price(&e, &cat, &basket(&[("cola", 2), ("cider", 2), ("water", 2)]));
    assert_eq!(discount(&p), 2_000);
    assert_eq!(p.lines[2].discount_total().to_minor(), Some(2_000));
    // Five units make one set only.
    let p = price(&e, &cat, &basket(&[("cola", 3), ("water", 2)]));
    assert_eq!(discount(&p), 1_000);
    // Two units make no set.
    assert_eq!(discount(&price(&e, &cat, &basket(&[("cola", 2)]))), 0);
    assert_consistent(&p);
}

#[test]
fn buy_one_get_one_half_price() {
    let cat = korean_catalog();
    let kind = PromotionKind::BuyXGetY {
        buy: items(&["choco"]),
        buy_qty: 1,
        get: items(&["choco"]),
        get_qty: 1,
        reward: Reward::PercentOff(Decimal::from(50)),
    };
    let p = price(&engine(vec![promo("1+1/2", kind)]), &cat, &basket(&[("choco", 3)]));
    assert_eq!(discount(&p), 2_400);
}

#[test]
fn buy_x_of_one_group_get_y_of_another() {
    let cat = korean_catalog();
    let kind = PromotionKind::BuyXGetY {
        buy: Target::categories(&["snacks"]),
        buy_qty: 2,
        get: items(&["water"]),
        get_qty: 1,
        reward: Reward::Free,
    };
    let e = engine(vec![promo("snack-water", kind)]);
    // 4 snacks and 3 waters: two sets, two free waters.
    let p = price(&e, &cat, &basket(&[("chips", 4), ("water", 3)]));
    assert_eq!(discount(&p), 2_000);
    // Without snacks, water alone gets nothing.
    assert_eq!(discount(&price(&e, &cat, &basket(&[("water", 3)]))), 0);
}

#[test]
fn mix_and_match_bundles_the_most_expensive_units() {
    let cat = korean_catalog();
    let kind = PromotionKind::MixAndMatch {
        group: Target::categories(&["food"]),
        count: 3,
        price: Decimal::from(5_000),
    };
    let e = engine(vec![promo("any3", kind)]);
    // choco 4,800, chips 2,500, cola 2,000, water 1,000: bundle choco+chips+cola = 9,300 -> 5,000.
    let p = price(&e, &cat, &basket(&[("water", 1), ("cola", 1), ("chips", 1), ("choco", 1)]));
    assert_eq!(discount(&p), 4_300);
    assert!(p.lines[0].discounts.is_empty(), "the cheapest unit stays out of the bundle");
    assert_consistent(&p);
    // Six colas: two bundles of 6,000 -> 5,000.
    assert_eq!(discount(&price(&e, &cat, &basket(&[("cola", 6)]))), 2_000);
    // A bundle cheaper than the price is not formed.
    assert_eq!(discount(&price(&e, &cat, &basket(&[("water", 3)]))), 0);
}

#[test]
fn spend_tiers_apply_the_highest_reached() {
    let cat = korean_catalog();
    let tiers = vec![
        SpendTier { threshold: Decimal::from(30_000), reward: BasketReward::PercentOff(Decimal::from(5)) },
        SpendTier { threshold: Decimal::from(50_000), reward: BasketReward::AmountOff(Decimal::from(5_000)) },
    ];
    let e = engine(vec![promo("spend", PromotionKind::SpendTiers { tiers })]);
    assert_eq!(discount(&price(&e, &cat, &basket(&[("cola", 10)]))), 0);
    assert_eq!(discount(&price(&e, &cat, &basket(&[("tissue", 1)]))), 1_650);
    let p = price(&e, &cat, &basket(&[("tissue", 1), ("tshirt", 2)]));
    assert_eq!(discount(&p), 5_000);
    assert_consistent(&p);
}

#[test]
fn a_spend_threshold_does_not_depend_on_promotion_ids() {
    let cat = korean_catalog();
    let spend = |id: &str| {
        let tiers = vec![SpendTier {
            threshold: Decimal::from(50_000),
            reward: BasketReward::AmountOff(Decimal::from(5_000)),
        }];
        promo(id, PromotionKind::SpendTiers { tiers })
    };
    let tenth = |id: &str| promo(id, PromotionKind::BasketPercentOff { percent: Decimal::TEN });
    // 50,500 after item discounts: the threshold is reached whichever applies first.
    let b = basket(&[("tissue", 1), ("tshirt", 1), ("chips", 1)]);
    for (a, z) in [(spend("a-spend"), tenth("z-tenth")), (spend("z-spend"), tenth("a-tenth"))] {
        let p = price(&engine(vec![a, z]), &cat, &b);
        let spent = p.promotions.iter().find(|x| x.promotion.id().as_str().ends_with("spend"));
        assert_eq!(spent.map(|x| x.amount.amount()), Some(Decimal::from(5_000)), "{:?}", p.promotions);
        assert_consistent(&p);
    }
}

#[test]
fn each_item_gets_the_exclusive_promotion_best_for_it() {
    let cat = korean_catalog();
    let exclusive = |id: &str, target: Target, p: i64| {
        Promotion::builder(id, id, pct(target, p)).exclusive().build().unwrap()
    };
    // 15 % on the household category, 30 % on the T-shirt: the tissue takes 15 %, the T-shirt
    // 30 %, whichever id comes first.
    for (a, b) in [("a-household", "b-tshirt"), ("b-household", "a-tshirt")] {
        let e = engine(vec![
            exclusive(a, Target::categories(&["household"]), 15),
            exclusive(b, items(&["tshirt"]), 30),
        ]);
        let p = price(&e, &cat, &basket(&[("tissue", 1), ("tshirt", 1)]));
        assert_eq!(discount(&p), 4_950 + 4_500, "33,000 x 15 % + 15,000 x 30 %");
        assert_consistent(&p);
    }
}

#[test]
fn basket_discount_is_allocated_to_lines_exactly() {
    let cat = korean_catalog();
    let e = engine(vec![promo("b", PromotionKind::BasketAmountOff { amount: Decimal::from(1_000) })]);
    let p = price(&e, &cat, &basket(&[("water", 1), ("water", 1), ("water", 1)]));
    let shares: Vec<i64> = p.lines.iter().map(|l| l.discount_total().to_minor().unwrap()).collect();
    assert_eq!(shares, vec![334, 333, 333]);
    assert_consistent(&p);
}

#[test]
fn a_cap_limits_the_discount() {
    let cat = korean_catalog();
    let p = Promotion::builder(
        "capped",
        "최대 3,000원",
        PromotionKind::BasketPercentOff { percent: Decimal::from(20) },
    )
    .cap(Decimal::from(3_000))
    .build()
    .unwrap();
    assert_eq!(discount(&price(&engine(vec![p]), &cat, &basket(&[("tissue", 1)]))), 3_000);
}

#[test]
fn time_windows_use_the_store_time_zone() {
    let cat = korean_catalog();
    let happy = TimeWindow::default()
        .on(&[Weekday::Mon, Weekday::Tue])
        .between(NaiveTime::from_hms_opt(17, 0, 0).unwrap(), NaiveTime::from_hms_opt(19, 0, 0).unwrap());
    let p = Promotion::builder("happy", "해피아워", pct(Target::categories(&["drinks"]), 50))
        .window(happy)
        .build()
        .unwrap();
    let e = engine(vec![p]);
    let b = basket(&[("cola", 1)]);
    let disc = |utc: &str| discount(&e.price(&cat, &b, &PricingContext::at(at(utc))).unwrap());
    assert_eq!(disc("2026-11-23T08:30:00Z"), 1_000, "17:30 in Seoul on a Monday");
    assert_eq!(disc("2026-11-23T10:30:00Z"), 0, "19:30 in Seoul");
    assert_eq!(disc("2026-11-23T07:59:59Z"), 0, "16:59:59 in Seoul");
    assert_eq!(disc("2026-11-25T08:30:00Z"), 0, "a Wednesday");
    // A date range: ends is exclusive.
    let range = TimeWindow::default().during(
        Some(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(0, 0, 0).unwrap()),
        Some(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(0, 0, 0).unwrap()),
    );
    let p = Promotion::builder("sale", "세일", pct(items(&["cola"]), 10)).window(range).build().unwrap();
    let e = engine(vec![p]);
    let disc = |utc: &str| discount(&e.price(&cat, &b, &PricingContext::at(at(utc))).unwrap());
    assert_eq!(disc("2026-11-23T14:59:59Z"), 200, "23:59:59 on the 23rd in Seoul");
    assert_eq!(disc("2026-11-23T15:00:00Z"), 0, "midnight on the 24th in Seoul");
}

#[test]
fn a_late_night_window_runs_across_midnight() {
    let cat = korean_catalog();
    let late = TimeWindow::default()
        .on(&[Weekday::Fri])
        .between(NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(2, 0, 0).unwrap());
    let p = Promotion::builder("late", "심야 할인", pct(Target::categories(&["drinks"]), 50))
        .window(late)
        .build()
        .unwrap();
    let e = engine(vec![p]);
    let b = basket(&[("cola", 1)]);
    let disc = |utc: &str| discount(&e.price(&cat, &b, &PricingContext::at(at(utc))).unwrap());
    // 2026-11-27 is a Friday; Seoul is UTC+9.
    assert_eq!(disc("2026-11-27T13:00:00Z"), 1_000, "Friday 22:00");
    assert_eq!(disc("2026-11-27T16:59:59Z"), 1_000, "Saturday 01:59:59 belongs to Friday's window");
    assert_eq!(disc("2026-11-27T17:00:00Z"), 0, "Saturday 02:00");
    assert_eq!(disc("2026-11-27T12:59:59Z"), 0, "Friday 21:59:59");
    assert_eq!(disc("2026-11-26T16:00:00Z"), 0, "Friday 01:00 belongs to Thursday's window");
    let empty = TimeWindow::default()
        .between(NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(22, 0, 0).unwrap());
    let err = Promotion::builder("x", "x", pct(items(&["cola"]), 10)).window(empty).build().unwrap_err();
    assert_eq!(err.field(), Some("promotion.window.hours"));
}

#[test]
fn member_tier_group_and_coupon_gates() {
    let cat = korean_catalog();
    let e = engine(vec![
        Promotion::builder("member", "회원 할인", pct(items(&["cola"]), 10)).members_only().build().unwrap(),
        Promotion::builder("vip", "VIP", pct(items(&["cider"]), 10)).tiers(&["gold"]).build().unwrap(),
        Promotion::builder("staff", "직원", pct(items(&["chips"]), 10))
            .customer_groups(&["staff"])
            .build()
            .unwrap(),
        Promotion::builder("cpn", "쿠폰", pct(items(&["water"]), 10)).coupon("WELCOME10").build().unwrap(),
    ]);
    let mut b = basket(&[("cola", 1), ("cider", 1), ("chips", 1), ("water", 1)]);
    assert_eq!(discount(&price(&e, &cat, &b)), 0);
    b.set_customer(CustomerContext {
        member_id: Some("m1".into()),
        tier: Some("silver".into()),
        group: None,
    });
    assert_eq!(discount(&price(&e, &cat, &b)), 200);
    b.set_customer(CustomerContext {
        member_id: Some("m1".into()),
        tier: Some("gold".into()),
        group: Some("staff".into()),
    });
    assert_eq!(discount(&price(&e, &cat, &b)), 200 + 180 + 250);
    b.add_coupon(" welcome10 ").unwrap();
    b.add_coupon("NOPE").unwrap();
    let p = price(&e, &cat, &b);
    assert_eq!(discount(&p), 200 + 180 + 250 + 100);
    assert_eq!(p.unused_coupons, vec!["NOPE".to_owned()]);
    assert_eq!(
        p.promotions.iter().find(|a| a.promotion.id().as_str() == "cpn").unwrap().coupon.as_deref(),
        Some("WELCOME10")
    );
}

#[test]
fn usage_limits_come_from_the_context() {
    let cat = korean_catalog();
    let p = Promotion::builder("once", "첫 구매", pct(items(&["cola"]), 50)).max_uses(1).build().unwrap();
    let e = engine(vec![p]);
    let b = basket(&[("cola", 1)]);
    let mut ctx = noon();
    assert_eq!(discount(&e.price(&cat, &b, &ctx).unwrap()), 1_000);
    ctx.promotion_uses.insert(pos_core::PromotionId("once".into()), 1);
    assert_eq!(discount(&e.price(&cat, &b, &ctx).unwrap()), 0);
}

#[test]
fn stackable_promotions_apply_in_priority_order_on_what_is_left() {
    let cat = korean_catalog();
    let ten = Promotion::builder("a-ten", "10%", pct(items(&["tissue"]), 10)).priority(1).build().unwrap();
    let amt = Promotion::builder(
        "b-amt",
        "3,000원",
        PromotionKind::AmountOff { target: items(&["tissue"]), amount: Decimal::from(3_000) },
    )
    .priority(5)
    .build()
    .unwrap();
    // Priority 5 first: 33,000 - 3,000 = 30,000, then 10 % = 3,000.
    let p = price(&engine(vec![ten, amt]), &cat, &basket(&[("tissue", 1)]));
    assert_eq!(discount(&p), 6_000);
    let names: Vec<&str> = p.lines[0].discounts.iter().map(|d| d.source.label()).collect();
    assert_eq!(names, vec!["3,000원", "10%"]);
}

#[test]
fn an_exclusive_promotion_wins_only_when_better_for_the_customer() {
    let cat = korean_catalog();
    let stack = || vec![promo("s1", pct(items(&["tissue"]), 10)), promo("s2", pct(items(&["tissue"]), 10))];
    // Stackable 10 % + 10 % = 19 % (6,270) vs exclusive 30 % (9,900): exclusive.
    let mut ps = stack();
    ps.push(Promotion::builder("x30", "30%", pct(items(&["tissue"]), 30)).exclusive().build().unwrap());
    let p = price(&engine(ps), &cat, &basket(&[("tissue", 1)]));
    assert_eq!(discount(&p), 9_900);
    assert_eq!(p.promotions.len(), 1);
    // Against exclusive 15 % (4,950) the stackables win.
    let mut ps = stack();
    ps.push(Promotion::builder("x15", "15%", pct(items(&["tissue"]), 15)).exclusive().build().unwrap());
    assert_eq!(discount(&price(&engine(ps), &cat, &basket(&[("tissue", 1)]))), 6_270);
}

#[test]
fn among_conflicting_exclusives_the_best_combination_wins() {
    // A takes both shirts for 20 % (6,000); B and C take one each for 30 % (4,500 + 4,500).
    let mut cat2 = korean_catalog();
    cat2.upsert_product(
        pos_core::Product::new("shirt2", "셔츠", "household", "standard", Decimal::from(15_000)).unwrap(),
    )
    .unwrap();
    let a = Promotion::builder("a", "a", pct(items(&["tshirt", "shirt2"]), 20)).exclusive().build().unwrap();
    let b = Promotion::builder("b", "b", pct(items(&["tshirt"]), 30)).exclusive().build().unwrap();
    let c = Promotion::builder("c", "c", pct(items(&["shirt2"]), 30)).exclusive().build().unwrap();
    let p = price(&engine(vec![a, b, c]), &cat2, &basket(&[("tshirt", 1), ("shirt2", 1)]));
    assert_eq!(discount(&p), 9_000);
    let ids: Vec<&str> = p.promotions.iter().map(|a| a.promotion.id().as_str()).collect();
    assert_eq!(ids, vec!["b", "c"]);
}

#[test]
fn equal_exclusives_tie_break_by_id() {
    let cat = korean_catalog();
    let z = Promotion::builder("zz", "zz", pct(items(&["cola"]), 10)).exclusive().build().unwrap();
    let a = Promotion::builder("aa", "aa", pct(items(&["cola"]), 10)).exclusive().build().unwrap();
    for order in [vec![z.clone(), a.clone()], vec![a, z]] {
        let p = price(&engine(order), &cat, &basket(&[("cola", 1)]));
        assert_eq!(p.promotions[0].promotion.id().as_str(), "aa");
    }
}

#[test]
fn an_exclusive_basket_promotion_competes_with_everything() {
    let cat = korean_catalog();
    let item = promo("item", pct(items(&["tissue"]), 10));
    let whole = Promotion::builder(
        "whole",
        "전품목 15%",
        PromotionKind::BasketPercentOff { percent: Decimal::from(15) },
    )
    .exclusive()
    .build()
    .unwrap();
    let e = engine(vec![item, whole]);
    // tissue 33,000 + cola 2,000: item 10 % = 3,300 vs basket 15 % = 5,250.
    let p = price(&e, &cat, &basket(&[("tissue", 1), ("cola", 1)]));
    assert_eq!(discount(&p), 5_250);
    assert_eq!(p.promotions.len(), 1);
    // With only the tissue the numbers still favour the basket promotion; with a smaller rate
    // the item promotion wins.
    let item = promo("item", pct(items(&["tissue"]), 20));
    let whole =
        Promotion::builder("whole", "5%", PromotionKind::BasketPercentOff { percent: Decimal::from(5) })
            .exclusive()
            .build()
            .unwrap();
    assert_eq!(
        discount(&price(&engine(vec![item, whole]), &cat, &basket(&[("tissue", 1), ("cola", 1)]))),
        6_600
    );
}

#[test]
fn manual_discounts_and_overrides_carry_their_reason() {
    let cat = korean_catalog();
    let mut b = basket(&[("tissue", 1), ("cola", 1)]);
    let id = b.lines()[1].id;
    b.override_price(id, PriceOverride::new(Decimal::from(1_500), "유통기한 임박").unwrap()).unwrap();
    b.set_line_discount(
        b.lines()[0].id,
        Some(ManualDiscount::amount(Decimal::from(3_000), "포장 훼손").unwrap()),
    )
    .unwrap();
    b.set_discount(Some(ManualDiscount::percent(Decimal::from(10), "단골").unwrap()));
    let p = price(&engine(vec![]), &cat, &b);
    assert_eq!(p.lines[1].unit_price.to_minor(), Some(1_500));
    assert_eq!(p.subtotal.to_minor(), Some(34_500));
    // 3,000 off the tissue, then 10 % of 31,500 = 3,150 spread over both lines.
    assert_eq!(discount(&p), 6_150);
    assert_eq!(p.lines[0].discounts[0].source, DiscountSource::ManualLine { reason: "포장 훼손".into() });
    assert!(
        matches!(&p.lines[1].discounts[0].source, DiscountSource::ManualBasket { reason } if reason == "단골")
    );
    assert_consistent(&p);
}

#[test]
fn price_lists_by_store_group_and_date() {
    let mut cat = korean_catalog();
    let cola = Sku::parse("cola").unwrap();
    let list =
        |id: &str, store: Option<&str>, group: Option<&str>, price: i64, to: Option<NaiveDate>| PriceList {
            id: id.into(),
            store: store.map(|s| StoreId(s.into())),
            customer_group: group.map(Into::into),
            valid_from: None,
            valid_to: to,
            prices: [(cola.clone(), Decimal::from(price))].into_iter().collect(),
        };
    cat.add_price_list(list("store", Some("seoul-1"), None, 1_900, None)).unwrap();
    cat.add_price_list(list("other", Some("busan-1"), None, 1_700, None)).unwrap();
    cat.add_price_list(list("staff", None, Some("staff"), 1_600, None)).unwrap();
    cat.add_price_list(list(
        "expired",
        Some("seoul-1"),
        Some("staff"),
        1_000,
        NaiveDate::from_ymd_opt(2026, 1, 1),
    ))
    .unwrap();
    let e = engine(vec![]);
    let mut b = basket(&[("cola", 1)]);
    assert_eq!(price(&e, &cat, &b).total.to_minor(), Some(1_900));
    b.set_customer(CustomerContext { group: Some("staff".into()), ..Default::default() });
    assert_eq!(price(&e, &cat, &b).total.to_minor(), Some(1_600));
}

#[test]
fn weighed_items_and_embedded_barcodes() {
    use pos_core::{EmbeddedLayout, Product, Quantity, Scan, Unit, barcode::gs1_check_digit, parse_scan};
    let mut cat = korean_catalog();
    cat.upsert_product(
        Product::new("apple", "사과", "food", "standard", Decimal::from(12_990))
            .unwrap()
            .with_unit(Unit::Kg)
            .with_barcode("2112345"),
    )
    .unwrap();
    let body = "211234500375";
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let code = format!("{body}{}", gs1_check_digit(&digits));
    let Scan::Embedded(emb) = parse_scan(&code, &[EmbeddedLayout::weight_5_5()]).unwrap() else {
        panic!("not embedded")
    };
    assert_eq!(emb.value, d("0.375"));
    let product = cat.by_barcode(&emb.item_code).unwrap();
    let mut b = pos_core::Basket::new();
    b.add(product.sku.clone(), Quantity::new(emb.value, Unit::Kg).unwrap());
    let p = price(&engine(vec![]), &cat, &b);
    // 0.375 kg x 12,990 = 4,871.25 -> 4,871 (half-up at the line).
    assert_eq!(p.total.to_minor(), Some(4_871));
    // Price-embedded: the barcode carries the line amount.
    let mut b = pos_core::Basket::new();
    b.add_with_embedded_price(Sku::parse("choco").unwrap(), Decimal::from(3_500)).unwrap();
    assert_eq!(price(&engine(vec![]), &cat, &b).total.to_minor(), Some(3_500));
}

#[test]
fn refunds_return_exactly_what_lines_were_charged() {
    let cat = korean_catalog();
    let e = engine(vec![promo("b", PromotionKind::BasketAmountOff { amount: Decimal::from(1_000) })]);
    let p = price(&e, &cat, &basket(&[("water", 1), ("cola", 1), ("chips", 1)]));
    let ids: Vec<u32> = p.lines.iter().map(|l| l.line_id).collect();
    let first = p.refund(&ids[..1]).unwrap().amount;
    let rest = p.refund(&ids[1..]).unwrap().amount;
    assert_eq!(first.checked_add(&rest).unwrap(), p.total);
    assert_eq!(p.refund(&ids).unwrap().amount, p.total);
    assert!(matches!(p.refund(&[99]), Err(pos_core::CoreError::UnknownLine { line: 99 })));
    assert!(p.refund(&[ids[0], ids[0]]).is_err());
}

#[test]
fn one_engine_prices_from_many_threads_as_from_one() {
    // The engine keeps buffers and label handles per pricing run in flight: runs on several
    // threads at once must give exactly what one thread gives, and discounts stay readable
    // after the engine is gone.
    let cat = korean_catalog();
    let e = engine(vec![
        promo("drinks10", pct(Target::categories(&["drinks"]), 10)),
        promo("chips", PromotionKind::AmountOff { target: items(&["chips"]), amount: Decimal::from(300) }),
        Promotion::builder(
            "2+1",
            "2+1",
            PromotionKind::BuyXGetY {
                buy: items(&["cola"]),
                buy_qty: 2,
                get: items(&["cola"]),
                get_qty: 1,
                reward: pos_core::Reward::Free,
            },
        )
        .exclusive()
        .build()
        .unwrap(),
        Promotion::builder(
            "all5",
            "전품목 5%",
            PromotionKind::BasketPercentOff { percent: Decimal::from(5) },
        )
        .build()
        .unwrap(),
    ]);
    let baskets: Vec<_> = (1..=12_u32)
        .map(|i| basket(&[("milk", i % 3 + 1), ("cola", i % 5 + 1), ("chips", i % 2 + 1), ("tissue", 1)]))
        .collect();
    let alone: Vec<PricedBasket> = baskets.iter().map(|b| price(&e, &cat, b)).collect();
    let together: Vec<Vec<PricedBasket>> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..25).flat_map(|_| baskets.iter().map(|b| price(&e, &cat, b))).collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for run in &together {
        for (i, p) in run.iter().enumerate() {
            assert_eq!(p, &alone[i % baskets.len()]);
        }
    }
    drop(e);
    // The third basket has three colas: the 2+1 applies, and the basket discount on top.
    let cited: Vec<&str> =
        alone[2].lines.iter().flat_map(|l| l.discounts.iter().map(|d| d.source.label())).collect();
    assert!(cited.contains(&"전품목 5%") && cited.contains(&"2+1"), "{cited:?}");
}
