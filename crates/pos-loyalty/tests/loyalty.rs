//! Korean defaults, tiers, coupons, segments, members, gift cards, and the ledger properties.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pos_core::{
    Basket, Catalog, Currency, CustomerContext, Money, PricingContext, PricingEngine, Product, Quantity, Sku,
    StoreConfig,
};
use pos_loyalty::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn won(n: i64) -> Decimal {
    Decimal::from(n)
}

fn line(id: u32, paid: i64) -> SaleLine {
    SaleLine {
        line_id: id,
        sku: format!("sku{id}"),
        categories: vec!["food".into()],
        base: won(paid),
        paid: won(paid),
        tax: won(paid) / won(11),
    }
}

fn sale(doc: &str, when: DateTime<Utc>, lines: Vec<SaleLine>, redeem: i64) -> SaleInput {
    SaleInput {
        document: doc.into(),
        at: when,
        lines,
        redeem,
        tier_multiplier: Decimal::ONE,
        first_purchase: false,
    }
}

#[test]
fn korean_defaults_54000_won_earns_540() {
    let config = LoyaltyConfig::default();
    let mut a = PointsAccount::new("m");
    let s = a
        .sale(&config, &sale("R1", at("2026-11-23T03:00:00Z"), vec![line(1, 30_000), line(2, 24_000)], 0))
        .unwrap();
    assert_eq!(s.earned_total(), 540);
    assert_eq!(s.earned, BTreeMap::from([(1, 300), (2, 240)]));
    assert_eq!(a.balance(), 540);
    // Proportional accrual, rounded down once per sale.
    let s = a.sale(&config, &sale("R2", at("2026-11-23T04:00:00Z"), vec![line(1, 54_990)], 0)).unwrap();
    assert_eq!(s.earned_total(), 549);
}

#[test]
fn points_per_full_1000_won_earn_540_on_54900() {
    let proportional = LoyaltyConfig::default();
    let full = LoyaltyConfig {
        earn: EarnRate::PerFullAmount { points: Decimal::TEN, per: Decimal::ONE_THOUSAND },
        ..LoyaltyConfig::default()
    };
    let when = at("2026-11-23T03:00:00Z");
    let lines = || vec![line(1, 30_500), line(2, 24_400)];
    let s = PointsAccount::new("m").sale(&proportional, &sale("R1", when, lines(), 0)).unwrap();
    assert_eq!(s.earned_total(), 549);
    let s = PointsAccount::new("m").sale(&full, &sale("R1", when, lines(), 0)).unwrap();
    assert_eq!(s.earned_total(), 540, "54 full thousands");
    assert_eq!(s.earned.values().sum::<i64>(), 540, "split over the lines");
    // Double points double the full-unit points.
    let doubled = SaleInput { tier_multiplier: Decimal::TWO, ..sale("R2", when, lines(), 0) };
    assert_eq!(PointsAccount::new("m").sale(&full, &doubled).unwrap().earned_total(), 1_080);
    // Below one full unit nothing is earned.
    let small = PointsAccount::new("m").sale(&full, &sale("R3", when, vec![line(1, 999)], 0)).unwrap();
    assert_eq!(small.earned_total(), 0);
}

#[test]
fn a_999_point_balance_cannot_be_redeemed_1000_can() {
    let config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
    let when = at("2026-11-23T03:00:00Z");
    let mut a = PointsAccount::new("m");
    a.sale(&config, &sale("R1", when, vec![line(1, 99_900)], 0)).unwrap();
    assert_eq!(a.balance(), 999);
    let before = a.clone();
    let e = a.sale(&config, &sale("R2", when, vec![line(1, 5_000)], 500)).unwrap_err();
    assert_eq!(e, LoyaltyError::BelowMinimumBalance { balance: 999, minimum: 1_000 });
    assert_eq!(a, before, "nothing changed");
    assert_eq!(a.redeemable(&config, won(5_000), when), 0);
    a.sale(&config, &sale("R3", when, vec![line(1, 100)], 0)).unwrap();
    assert_eq!(a.balance(), 1_000);
    let s = a.sale(&config, &sale("R4", when, vec![line(1, 5_000)], 1_000)).unwrap();
    assert_eq!(s.spent_total(), 1_000);
    // The 4,000 won paid in money earns 40 points; the part paid with points earns nothing.
    assert_eq!(s.earned_total(), 40);
    assert_eq!(a.balance(), 40);
}

#[test]
fn points_earned_on_2025_11_23_are_gone_on_2026_11_24() {
    let config = LoyaltyConfig::default();
    let mut a = PointsAccount::new("m");
    a.sale(&config, &sale("R1", at("2025-11-23T05:00:00Z"), vec![line(1, 100_000)], 0)).unwrap();
    assert_eq!(a.balance_at(at("2026-11-23T04:59:59Z")), 1_000, "still there a year later, same day");
    assert_eq!(a.balance_at(at("2026-11-24T00:00:00Z")), 0);
    assert_eq!(a.expire(at("2026-11-24T00:00:00Z")), 1_000);
    assert_eq!(a.balance(), 0);
    assert_eq!(a.ledger().last().unwrap().kind, EntryKind::Expire);
}

#[test]
fn fifo_redemption_takes_the_oldest_lots_first() {
    let config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
    let mut a = PointsAccount::new("m");
    a.sale(&config, &sale("R1", at("2026-01-10T00:00:00Z"), vec![line(1, 100_000)], 0)).unwrap();
    a.sale(&config, &sale("R2", at("2026-03-10T00:00:00Z"), vec![line(1, 100_000)], 0)).unwrap();
    a.sale(&config, &sale("R3", at("2026-05-10T00:00:00Z"), vec![line(1, 1_500)], 1_500)).unwrap();
    let remaining: Vec<i64> = a.lots().iter().map(|l| l.remaining).collect();
    assert_eq!(remaining, vec![0, 500]);
}

#[test]
fn double_points_only_inside_the_event() {
    let config = LoyaltyConfig {
        events: vec![EarnEvent {
            name: "블랙프라이데이".into(),
            starts: at("2026-11-27T15:00:00Z"),
            ends: at("2026-11-29T15:00:00Z"),
            multiplier: won(2),
        }],
        signup_bonus: 0,
        ..LoyaltyConfig::default()
    };
    let mut a = PointsAccount::new("m");
    let earn = |a: &mut PointsAccount, doc: &str, t: &str| {
        a.sale(&config, &sale(doc, at(t), vec![line(1, 10_000)], 0)).unwrap().earned_total()
    };
    assert_eq!(earn(&mut a, "R1", "2026-11-27T14:59:59Z"), 100);
    assert_eq!(earn(&mut a, "R2", "2026-11-27T15:00:00Z"), 200);
    assert_eq!(earn(&mut a, "R3", "2026-11-29T14:59:59Z"), 200);
    assert_eq!(earn(&mut a, "R4", "2026-11-29T15:00:00Z"), 100);
}

#[test]
fn multipliers_and_earning_options() {
    let mut config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
    config.category_multipliers.insert("food".into(), won(2));
    config.product_multipliers.insert("sku2".into(), won(3));
    let mut a = PointsAccount::new("m");
    let s = a
        .sale(&config, &sale("R1", at("2026-11-23T00:00:00Z"), vec![line(1, 10_000), line(2, 10_000)], 0))
        .unwrap();
    assert_eq!(s.earned, BTreeMap::from([(1, 200), (2, 300)]));
    // Earning on net (without VAT) and on the price before discounts.
    let config = LoyaltyConfig {
        earn_on_tax: false,
        earn_on_discounted: false,
        signup_bonus: 0,
        earn: EarnRate::Percent(won(5)),
        ..LoyaltyConfig::default()
    };
    let l = SaleLine {
        line_id: 1,
        sku: "x".into(),
        categories: vec![],
        base: won(22_000),
        paid: won(11_000),
        tax: won(1_000),
    };
    let s = a
        .sale(
            &config,
            &SaleInput {
                document: "R2".into(),
                at: at("2026-11-23T00:00:00Z"),
                lines: vec![l],
                redeem: 0,
                tier_multiplier: won(1),
                first_purchase: false,
            },
        )
        .unwrap();
    // 5 % of 22,000 x 10/11 = 1,000.
    assert_eq!(s.earned_total(), 1_000);
}

#[test]
fn signup_and_referral_bonus() {
    let config = LoyaltyConfig::default();
    let mut a = PointsAccount::new("new");
    let s = a
        .sale(
            &config,
            &SaleInput {
                first_purchase: true,
                ..sale("R1", at("2026-11-23T00:00:00Z"), vec![line(1, 10_000)], 0)
            },
        )
        .unwrap();
    assert_eq!((s.bonus, a.balance()), (1_000, 1_100));
    let mut referrer = PointsAccount::new("old");
    assert_eq!(referrer.referral_bonus(&config, at("2026-11-23T00:00:00Z"), "R1"), 500);
    assert_eq!(referrer.balance(), 500);
}

#[test]
fn refunds_reverse_earned_and_restore_spent_points_by_line() {
    let config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
    let t0 = at("2026-11-01T00:00:00Z");
    let mut a = PointsAccount::new("m");
    a.sale(&config, &sale("R0", t0, vec![line(1, 300_000)], 0)).unwrap();
    assert_eq!(a.balance(), 3_000);
    let mut s = a
        .sale(&config, &sale("R1", t0 + Duration::days(1), vec![line(1, 20_000), line(2, 10_000)], 3_000))
        .unwrap();
    // 3,000 points spent: 2,000 on line 1 and 1,000 on line 2; 270 earned on the 27,000 paid in money.
    assert_eq!(s.spent, BTreeMap::from([(1, 2_000), (2, 1_000)]));
    assert_eq!(s.earned_total(), 270);
    assert_eq!(a.balance(), 270);
    let out = a.refund(&mut s, &[2], "F1", t0 + Duration::days(2)).unwrap();
    assert_eq!((out.reversed, out.restored), (s.earned[&2], 1_000));
    assert!(matches!(a.refund(&mut s, &[2], "F2", t0), Err(LoyaltyError::AlreadyRefunded { line: 2, .. })));
    assert!(matches!(a.refund(&mut s, &[9], "F2", t0), Err(LoyaltyError::UnknownLine { line: 9, .. })));
    a.refund(&mut s, &[1], "F3", t0 + Duration::days(2)).unwrap();
    assert_eq!(a.balance(), 3_000, "the full refund restores the pre-sale balance");
    assert!(a.balance() == a.ledger().iter().map(|e| e.points).sum::<i64>());
}

#[test]
fn redeem_cap_and_bad_input() {
    let config = LoyaltyConfig {
        signup_bonus: 0,
        redeem_cap_share: Some(Decimal::new(5, 1)),
        ..LoyaltyConfig::default()
    };
    let t = at("2026-11-01T00:00:00Z");
    let mut a = PointsAccount::new("m");
    a.sale(&config, &sale("R0", t, vec![line(1, 500_000)], 0)).unwrap();
    let before = a.clone();
    assert_eq!(
        a.sale(&config, &sale("R1", t, vec![line(1, 4_000)], 2_001)).unwrap_err(),
        LoyaltyError::ExceedsRedeemCap { cap: 2_000, requested: 2_001 }
    );
    assert_eq!(
        a.sale(&config, &sale("R1", t, vec![line(1, 100_000)], 5_001)).unwrap_err(),
        LoyaltyError::InsufficientPoints { balance: 5_000, requested: 5_001 }
    );
    assert!(a.sale(&config, &sale("R1", t, vec![line(1, 100)], -1)).is_err());
    assert!(a.sale(&config, &sale("R1", t, vec![line(1, 100), line(1, 100)], 0)).is_err());
    assert_eq!(a, before);
    assert_eq!(a.redeemable(&config, won(4_000), t), 2_000);
    let mut other = PointsAccount::new("someone-else");
    let mut s = a.sale(&config, &sale("R2", t, vec![line(1, 1_000)], 0)).unwrap();
    assert!(matches!(other.refund(&mut s, &[1], "F", t), Err(LoyaltyError::WrongMember { .. })));
    let bad = LoyaltyConfig { expiry_months: 0, ..LoyaltyConfig::default() };
    assert!(bad.validate().is_err());
    assert!(LoyaltyConfig::default().validate().is_ok());
}

fn regular_tiers() -> Vec<TierRule> {
    vec![
        TierRule {
            name: "단골".into(),
            basis: TierBasis::Visits(10),
            earn_multiplier: won(1),
            member_discount: Some(won(10)),
        },
        TierRule {
            name: "VIP".into(),
            basis: TierBasis::Spend(won(1_000_000)),
            earn_multiplier: won(2),
            member_discount: None,
        },
    ]
}

#[test]
fn the_11th_purchase_of_a_member_with_10_gets_10_percent() {
    let tiers = regular_tiers();
    let now = at("2026-11-23T03:00:00Z");
    let history: Vec<Purchase> =
        (0..10).map(|i| Purchase { at: now - Duration::days(30 * i + 1), amount: won(5_000) }).collect();
    assert_eq!(evaluate_tier(&tiers, &history[..9], now), None, "9 purchases: no tier yet");
    let tier = evaluate_tier(&tiers, &history, now).unwrap();
    assert_eq!(tier.name, "단골");
    // The benefit is a pos-core promotion, so the pricing engine decides how it stacks.
    let mut catalog = Catalog::new(Currency::KRW);
    catalog.upsert_category("food", "식품", None).unwrap();
    catalog.upsert_product(Product::new("milk", "우유", "food", "standard", won(10_000)).unwrap()).unwrap();
    let engine = PricingEngine::builder(StoreConfig::korea("s"))
        .promotions(tier_promotions(&tiers).unwrap())
        .build()
        .unwrap();
    let mut basket = Basket::new();
    basket.add(Sku::parse("milk").unwrap(), Quantity::each(1).unwrap());
    basket.set_customer(CustomerContext {
        member_id: Some("m".into()),
        tier: Some(tier.name.clone()),
        group: None,
    });
    let priced = engine.price(&catalog, &basket, &PricingContext::at(now)).unwrap();
    assert_eq!(priced.total.amount(), won(9_000));
    // A year on without purchases, the member is downgraded automatically.
    assert_eq!(evaluate_tier(&tiers, &history, now + Duration::days(400)), None);
    // Spending a million in the window makes VIP, the higher tier.
    let mut big = history.clone();
    big.push(Purchase { at: now, amount: won(1_000_000) });
    assert_eq!(evaluate_tier(&tiers, &big, now).unwrap().name, "VIP");
}

#[test]
fn coupons() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let joined = at("2025-01-01T00:00:00Z");
    let members = vec![
        Member::new("m1", "김민수", "010-1234-5678", joined)
            .unwrap()
            .with_birthday(NaiveDate::from_ymd_opt(1990, 11, 28).unwrap()),
        Member::new("m2", "이영희", "010-2222-3333", joined)
            .unwrap()
            .with_birthday(NaiveDate::from_ymd_opt(1990, 12, 28).unwrap()),
    ];
    let due = coupon::birthday_coupons(&members, day, 7, 30, "BIRTHDAY");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].code, "BDAY-2026-M1");
    let mut book = CouponBook::new();
    book.issue(due[0].clone()).unwrap();
    assert!(book.issue(due[0].clone()).is_err(), "issued twice");
    assert!(
        matches!(book.check("BDAY-2026-M1", Some("m2"), day), Err(LoyaltyError::Coupon { .. })),
        "someone else's"
    );
    assert_eq!(book.redeem("bday-2026-m1", Some("m1"), day, "R1").unwrap(), "BIRTHDAY");
    let e = book.redeem("BDAY-2026-M1", Some("m1"), day, "R2").unwrap_err();
    assert_eq!(e, LoyaltyError::Coupon { code: "BDAY-2026-M1".into(), reason: "already used".into() });
    assert!(book.check("BDAY-2026-M1", Some("m1"), day + Duration::days(40)).is_err());
    book.reinstate("BDAY-2026-M1");
    assert!(book.check("BDAY-2026-M1", Some("m1"), day + Duration::days(29)).is_ok());
    assert!(book.check("BDAY-2026-M1", Some("m1"), day + Duration::days(30)).is_err(), "expired");
    // Every 10th purchase earns a coupon.
    assert!(coupon::purchase_count_coupon("m1", 9, 10, day, 30, "TENTH").is_none());
    assert_eq!(coupon::purchase_count_coupon("m1", 10, 10, day, 30, "TENTH").unwrap().code, "VISIT-10-M1");
    // Win-back for members dormant 90 days.
    let last: BTreeMap<String, DateTime<Utc>> =
        [("m1".to_owned(), at("2026-08-25T00:00:00Z")), ("m2".to_owned(), at("2026-08-26T00:00:00Z"))].into();
    let wb = coupon::win_back_coupons(&last, day, 90, 14, "COMEBACK");
    assert_eq!(wb.iter().map(|c| c.member.clone().unwrap()).collect::<Vec<_>>(), vec!["m1".to_owned()]);
    // A single-use code with a window.
    let single = Coupon {
        code: "SUMMER".into(),
        kind: CouponKind::SingleUse,
        campaign: "SUMMER".into(),
        member: None,
        valid_from: day,
        valid_to: day - Duration::days(1),
        used_on: None,
    };
    assert!(book.issue(single).is_err(), "inverted window");
}

#[test]
fn segments() {
    let t = at("2026-11-23T00:00:00Z");
    let p = |amount: i64, days_ago: i64| Purchase { at: t - Duration::days(days_ago), amount: won(amount) };
    let purchases: BTreeMap<String, Vec<Purchase>> = [
        ("a".to_owned(), vec![p(100_000, 10)]),
        ("b".to_owned(), vec![p(50_000, 5), p(60_000, 400)]),
        ("c".to_owned(), vec![p(300_000, 3)]),
        ("d".to_owned(), vec![p(10_000, 1)]),
    ]
    .into();
    assert_eq!(
        segment::top_spenders(&purchases, t - Duration::days(365), t, won(50)),
        vec!["c".to_owned(), "a".to_owned()]
    );
    let last: BTreeMap<String, DateTime<Utc>> =
        purchases.iter().map(|(m, ps)| (m.clone(), ps.iter().map(|p| p.at).max().unwrap())).collect();
    assert!(segment::dormant(&last, t, 90).is_empty());
    assert_eq!(segment::dormant(&last, t + Duration::days(84), 90), vec!["a".to_owned()]);
    assert_eq!(
        segment::dormant(&last, t + Duration::days(85), 90),
        vec!["a".to_owned(), "b".to_owned()],
        "90 days exactly"
    );
    let config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
    let mut acc = PointsAccount::new("a");
    acc.sale(&config, &sale("R", t - Duration::days(350), vec![line(1, 100_000)], 0)).unwrap();
    assert_eq!(segment::expiring_points([&acc], t, 30), vec![("a".to_owned(), 1_000)]);
    assert!(segment::expiring_points([&acc], t, 10).is_empty());
}

#[test]
fn members_phone_export_and_erase() {
    for (input, normal) in [
        ("010-1234-5678", "01012345678"),
        ("+82 10 1234 5678", "01012345678"),
        ("(02) 123-4567", "021234567"),
        ("+49 30 1234567", "+49301234567"),
    ] {
        assert_eq!(Phone::parse(input).unwrap().as_str(), normal, "{input}");
    }
    assert!(matches!(Phone::parse("010-12ab-5678"), Err(LoyaltyError::InvalidField { .. })));
    assert!(Phone::parse("123").is_err());
    assert!(Member::new("m", " ", "01012345678", at("2026-01-01T00:00:00Z")).is_err());
    let mut m = Member::new("m1", "김민수", "010-1234-5678", at("2026-01-01T00:00:00Z"))
        .unwrap()
        .with_email("minsu@example.kr")
        .unwrap();
    assert!(m.clone().with_email("nope").is_err());
    m.consent.sms = true;
    let config = LoyaltyConfig::default();
    let mut acc = PointsAccount::new("m1");
    acc.sale(
        &config,
        &SaleInput {
            first_purchase: true,
            ..sale("R1", at("2026-02-01T00:00:00Z"), vec![line(1, 10_000)], 0)
        },
    )
    .unwrap();
    let book = CouponBook::new();
    let purchases = vec![Purchase { at: at("2026-02-01T00:00:00Z"), amount: won(10_000) }];
    let json = serde_json_export(&export(&m, &acc, &book, &purchases));
    assert!(json.contains("김민수") && json.contains("01012345678") && json.contains("signup_bonus"));
    let balance = acc.balance();
    m.erase(at("2026-11-23T00:00:00Z"));
    assert_eq!((m.name.as_ref(), m.phone.as_ref(), m.email.as_ref()), (None, None, None));
    assert!(!m.consent.sms);
    let json = serde_json_export(&export(&m, &acc, &book, &purchases));
    assert!(!json.contains("김민수") && !json.contains("01012345678"));
    assert_eq!(acc.balance(), balance, "the ledger still sums after erasure");
}

fn serde_json_export(e: &MemberExport<'_>) -> String {
    // The export is serde data; render it with the debug of its JSON-like form via pos-core's canonical encoder.
    pos_core::journal::canonical_json(e).unwrap()
}

#[test]
fn gift_cards_and_store_credit() {
    let krw = |n: i64| Money::new(won(n), Currency::KRW);
    let t = at("2026-11-23T00:00:00Z");
    let mut card = StoredValue::issue("GC-0001", StoredValueKind::GiftCard, krw(50_000), t).unwrap();
    card.top_up(krw(20_000), t).unwrap();
    card.redeem(krw(65_000), t, "R1").unwrap();
    assert_eq!(card.balance(), krw(5_000));
    let before = card.clone();
    assert!(matches!(card.redeem(krw(5_001), t, "R2"), Err(LoyaltyError::InsufficientBalance { .. })));
    assert!(card.top_up(krw(0), t).is_err());
    assert!(card.redeem(Money::new(won(1), Currency::EUR), t, "R3").is_err());
    assert_eq!(card, before);
    card.refund_to(krw(10_000), t, "F1").unwrap();
    assert_eq!(card.balance(), krw(15_000));
    assert_eq!(card.balance().amount(), card.ledger().iter().map(|e| e.amount.amount()).sum::<Decimal>());
    assert!(StoredValue::issue("SC-1", StoredValueKind::StoreCredit, krw(-1), t).is_err());
}

#[derive(Debug, Clone)]
enum Op {
    Sale { lines: Vec<i64>, redeem: i64, first: bool },
    Refund { sale: usize, lines: Vec<u32> },
    Advance { days: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (prop::collection::vec(1_i64..200_000, 1..4), 0_i64..3_000, prop::bool::weighted(0.1))
            .prop_map(|(lines, redeem, first)| Op::Sale { lines, redeem, first }),
        (0_usize..10, prop::collection::vec(1_u32..4, 1..3))
            .prop_map(|(sale, lines)| Op::Refund { sale, lines }),
        (1_i64..200).prop_map(|days| Op::Advance { days }),
    ]
}

proptest! {
    /// The balance is the sum of the ledger, equals the lots' remaining points, and never goes
    /// negative, whatever happens.
    #[test]
    fn balance_is_the_ledger_and_never_negative(ops in prop::collection::vec(op(), 0..40)) {
        let config = LoyaltyConfig::default();
        let mut a = PointsAccount::new("m");
        let mut now = at("2025-01-01T00:00:00Z");
        let mut sales: Vec<LoyaltySale> = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            let before = a.clone();
            match op {
                Op::Sale { lines, redeem, first } => {
                    let lines = lines.into_iter().enumerate().map(|(j, p)| line(j as u32 + 1, p)).collect();
                    let input = SaleInput { first_purchase: first, ..sale(&format!("R{i}"), now, lines, redeem) };
                    match a.sale(&config, &input) {
                        Ok(s) => sales.push(s),
                        Err(_) => prop_assert_eq!(&a, &before),
                    }
                }
                Op::Refund { sale: k, lines } => {
                    let n = sales.len().max(1);
                    if let Some(s) = sales.get_mut(k % n) {
                        let mut copy = s.clone();
                        if a.refund(&mut copy, &lines, "F", now).is_ok() { *s = copy; } else { prop_assert_eq!(&a, &before); }
                    }
                }
                Op::Advance { days } => { now += Duration::days(days); a.expire(now); }
            }
            prop_assert!(a.balance() >= 0);
            prop_assert_eq!(a.balance(), a.ledger().iter().map(|e| e.points).sum::<i64>());
            prop_assert_eq!(a.balance(), a.lots().iter().map(|l| l.remaining).sum::<i64>());
            for l in a.lots() { prop_assert!(l.remaining >= 0 && l.remaining <= l.points * 2); }
        }
    }

    /// Redemption consumes the oldest-expiring lots first: after any redemption, no lot that
    /// expires later keeps points while an earlier one was drawn from beyond what it had.
    #[test]
    fn fifo_consumes_oldest_lots(earns in prop::collection::vec(100_000_i64..300_000, 2..6), redeem in 1_000_i64..5_000) {
        let config = LoyaltyConfig { signup_bonus: 0, ..LoyaltyConfig::default() };
        let mut a = PointsAccount::new("m");
        let start = at("2026-01-01T00:00:00Z");
        for (i, e) in earns.iter().enumerate() {
            a.sale(&config, &sale(&format!("E{i}"), start + Duration::days(i as i64), vec![line(1, *e)], 0)).unwrap();
        }
        let when = start + Duration::days(30);
        let redeem = redeem.min(a.balance());
        a.sale(&config, &sale("R", when, vec![line(1, 10_000_000)], redeem)).unwrap();
        let lots: Vec<&Lot> = a.lots().iter().filter(|l| l.earned_at < when).collect();
        // Emptied lots form a prefix; at most one lot is partly used, right after them.
        let first_kept = lots.iter().position(|l| l.remaining > 0).unwrap_or(lots.len());
        for l in &lots[first_kept..] {
            let partly = l.remaining < l.points;
            prop_assert!(!partly || std::ptr::eq(*l, lots[first_kept]), "only the first kept lot may be partly used");
        }
        prop_assert_eq!(lots.iter().map(|l| l.points - l.remaining).sum::<i64>(), redeem);
    }

    /// A full refund restores the member's pre-sale balance, except points that expired meanwhile.
    #[test]
    fn full_refund_restores_the_balance(
        earn in 100_000_i64..1_000_000,
        lines in prop::collection::vec(1_000_i64..100_000, 1..5),
        redeem_frac in 0_i64..=100,
        days_later in 0_i64..330,
        first in any::<bool>(),
    ) {
        let config = LoyaltyConfig::default();
        let mut a = PointsAccount::new("m");
        let t0 = at("2026-01-01T00:00:00Z");
        a.sale(&config, &sale("E", t0, vec![line(1, earn)], 0)).unwrap();
        let t1 = t0 + Duration::days(100);
        let pre = a.balance_at(t1);
        let lines: Vec<SaleLine> = lines.iter().enumerate().map(|(i, p)| line(i as u32 + 1, *p)).collect();
        let total: i64 = lines.iter().map(|l| l.paid.try_into().unwrap_or(0_i64)).sum();
        let redeem = if pre >= config.min_redeem_balance { pre.min(total) * redeem_frac / 100 } else { 0 };
        let ids: Vec<u32> = lines.iter().map(|l| l.line_id).collect();
        let mut s = a.sale(&config, &SaleInput { first_purchase: first, ..sale("S", t1, lines, redeem) }).unwrap();
        let t2 = t1 + Duration::days(days_later);
        let out = a.refund(&mut s, &ids, "F", t2).unwrap();
        prop_assert_eq!(out.unrecovered, 0);
        // What the member had before the sale, minus what expired by the refund. Spent points
        // whose lot expired meanwhile (`out.expired`) would have expired unspent too. The sale's
        // own lots (bonus, earned) expire after the refund window.
        let mut reference = PointsAccount::new("m");
        reference.sale(&config, &sale("E", t0, vec![line(1, earn)], 0)).unwrap();
        reference.expire(t2);
        prop_assert_eq!(a.balance(), reference.balance());
        prop_assert_eq!(out.restored + out.expired, redeem);
    }
}
