//! Property: random baskets, paid in cash, by card, with points or split, are returned in a
//! random sequence of partial refunds ending with the whole sale. Each refund gives back what its
//! lines took (its cash part rounded as the store rounds cash), and at the end every tender has
//! had back exactly what it took, in KRW (cash rounded to 10 won), CHF (to 0.05) and EUR.
//!
//! 48 cases by default (each runs a store); `PROPTEST_CASES` for more.

use std::sync::Arc;

use pos_app::ports::CatalogStore;
use pos_app::{Checkout, RefundRequest, Returns, Settings};
use pos_core::{
    Basket, CashRounding, Category, CategoryId, Currency, CustomerContext, Money, Product, Quantity,
    RoundingMode, Sku, StoreConfig, StoreId, TaxTable,
};
use pos_loyalty::LoyaltyConfig;
use pos_payments::{TenderInput, TenderKind};
use pos_testkit::fixtures::{journal_key, location, noon};
use pos_testkit::{FakeGateway, MemoryStore, Script};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn config(currency: Currency) -> StoreConfig {
    let mut c = match currency {
        Currency::KRW => StoreConfig::korea("s"),
        _ => StoreConfig::germany("s"),
    };
    c.id = StoreId("s".into());
    if currency == Currency::CHF {
        c.currency = Currency::CHF;
        c.time_zone = chrono_tz::Europe::Zurich;
        c.tax = TaxTable::germany();
        c.cash_rounding = CashRounding::new(Decimal::new(5, 2), RoundingMode::HalfUp).unwrap_or_default();
    }
    c
}

#[derive(Debug, Clone, Copy)]
enum Pay {
    Cash,
    Card,
    Points,
    CardAndCash,
    PointsAndCard,
}

#[derive(Debug, Clone)]
struct Case {
    currency: Currency,
    prices: Vec<i64>,
    lines: Vec<(usize, u32)>,
    pay: Pay,
    card_share: u8,
    /// Which refund each line goes in (refunds in order of their number).
    groups: Vec<u8>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec![Currency::KRW, Currency::CHF, Currency::EUR]),
        prop::collection::vec(1_i64..50_000, 1..5),
        prop::collection::vec((0_usize..5, 1_u32..4), 1..7),
        prop::sample::select(vec![Pay::Cash, Pay::Card, Pay::Points, Pay::CardAndCash, Pay::PointsAndCard]),
        1_u8..100,
        prop::collection::vec(0_u8..4, 7),
    )
        .prop_map(|(currency, prices, lines, pay, card_share, groups)| Case {
            currency,
            prices,
            lines,
            pay,
            card_share,
            groups,
        })
}

fn money(minor: i64, c: Currency) -> Money {
    Money::from_minor(minor, c)
}

async fn run(case: Case) -> Result<(), TestCaseError> {
    let c = case.currency;
    let store = Arc::new(MemoryStore::new());
    let id = StoreId("s".into());
    let food = Category { id: CategoryId::new("food"), name: "Food".into(), parent: None };
    store.upsert_category(&id, &food).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
    let dp = c.minor_units();
    for (i, p) in case.prices.iter().enumerate() {
        let product =
            Product::new(&format!("p{i}"), "Item", "food", "standard", Decimal::new(*p, dp)).unwrap();
        store.upsert_product(&id, &product).await.unwrap();
    }
    // Points worth one minor unit each, a signup bonus to spend, no minimum balance.
    let loyalty = LoyaltyConfig {
        signup_bonus: 1_000_000,
        min_redeem_balance: 0,
        point_value: Decimal::new(1, dp),
        ..LoyaltyConfig::default()
    };
    let settings = Settings::new(config(c), journal_key()).with_loyalty(loyalty);
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = Checkout::new(store.clone(), gateway.clone(), settings.clone());
    let ret = Returns::new(store.clone(), gateway.clone(), settings);
    let sku = |i: usize| Sku::parse(&format!("p{}", i % case.prices.len())).unwrap();
    let member = CustomerContext { member_id: Some("m".into()), tier: None, group: None };
    // The member's first purchase brings the bonus.
    let mut first = Basket::new();
    first.add(sku(0), Quantity::each(1).unwrap());
    first.set_customer(member.clone());
    let mut opening = pos_testkit::fixtures::sale("open", "T1", &[], None, false);
    opening.basket = first;
    opening.tenders = vec![TenderInput::new(TenderKind::Cash, money(100_000_000, c))];
    co.complete_sale(&opening).await.map_err(|e| TestCaseError::fail(e.to_string()))?;

    let mut basket = Basket::new();
    for (p, q) in &case.lines {
        basket.add(sku(*p), Quantity::each(*q).unwrap());
    }
    basket.set_customer(member);
    let priced = co.price(&basket, noon()).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
    let total = priced.total.to_minor().unwrap();
    let mut request = pos_testkit::fixtures::sale("sale", "T1", &[], None, false);
    request.basket = basket;
    request.location = location();
    let card = (total * i64::from(case.card_share) / 100).max(1);
    let cash_note = money(total * 2 + 1_000, c);
    match case.pay {
        Pay::Cash => request.tenders = vec![TenderInput::new(TenderKind::Cash, cash_note)],
        Pay::Card => request.tenders = vec![TenderInput::new(TenderKind::Card, money(total, c))],
        Pay::Points => {
            request.redeem_points = card;
            request.tenders = vec![TenderInput::new(TenderKind::Cash, cash_note)];
        }
        Pay::CardAndCash => {
            request.tenders = vec![
                TenderInput::new(TenderKind::Card, money(card, c)),
                TenderInput::new(TenderKind::Cash, cash_note),
            ];
        }
        Pay::PointsAndCard => {
            request.redeem_points = card;
            request.tenders = vec![TenderInput::new(TenderKind::Card, money(total - card, c))];
        }
    }
    if matches!(case.pay, Pay::PointsAndCard) && total - card == 0 {
        request.tenders.clear();
    }
    let sale =
        co.complete_sale(&request).await.map_err(|e| TestCaseError::fail(format!("{e} {request:?}")))?;
    let settlement = sale.settlement.clone().unwrap();

    // Refunds in groups, the last one returning whatever is left.
    let ids: Vec<u32> = sale.priced.as_ref().unwrap().lines.iter().map(|l| l.line_id).collect();
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); 4];
    for (i, id) in ids.iter().enumerate() {
        groups[usize::from(case.groups[i % case.groups.len()])].push(*id);
    }
    groups.retain(|g| !g.is_empty());
    let increment = config(c).cash_rounding.increment().max(Decimal::new(1, dp));
    let mut back = vec![Decimal::ZERO; settlement.tenders.len()];
    let mut restored = 0_i64;
    for (n, lines) in groups.iter().enumerate() {
        let r = ret
            .refund(&RefundRequest {
                terminal_approvals: Vec::new(),
                idempotency_key: format!("r{n}"),
                terminal: "T1".into(),
                cashier: "c".into(),
                location: location(),
                receipt: sale.receipt.clone(),
                lines: lines.clone(),
                at: noon(),
            })
            .await
            .map_err(|e| TestCaseError::fail(format!("refund {n} of {groups:?}: {e}")))?;
        let points = r.loyalty.map_or(0, |l| l.restored);
        restored += points;
        let paid: Decimal = r.tenders.iter().map(|t| t.amount.amount()).sum();
        let owed = r.amount.amount() - Decimal::from(points) * Decimal::new(1, dp);
        // A partial refund gives what its lines took, its cash part rounded as the store rounds
        // cash; the last gives whatever is left on each tender (checked below).
        if n + 1 < groups.len() {
            let has_cash = r.tenders.iter().any(|t| t.kind == TenderKind::Cash);
            let slack = if has_cash { increment } else { Decimal::ZERO };
            prop_assert!(
                (paid - owed).abs() < slack.max(Decimal::new(1, 28)),
                "refund {} gave {} for {} owed",
                n,
                paid,
                owed
            );
        }
        for t in &r.tenders {
            back[t.tender] += t.amount.amount();
        }
    }
    for (i, t) in settlement.tenders.iter().enumerate() {
        if t.kind != TenderKind::LoyaltyPoints {
            prop_assert_eq!(back[i], t.amount.amount(), "tender {} ({:?}) got back what it took", i, t.kind);
        }
    }
    prop_assert_eq!(restored, request.redeem_points, "every point spent comes back");
    prop_assert_eq!(gateway.net(), Decimal::ZERO, "the card paid back in full");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]
    #[test]
    fn partial_refunds_return_exactly_what_was_taken(case in case()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run(case))?;
    }
}

/// A Swiss sale of 10.03 paid in cash is rounded up to 10.05: a refund of its 3.01 line gives
/// 3.00 (rounded to 0.05 as the store rounds cash), and the refund of the rest gives back the
/// 7.05 left of the 10.05 paid.
#[test]
fn a_swiss_cash_sale_rounded_up_returns_what_was_paid() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = Arc::new(MemoryStore::new());
        let id = StoreId("s".into());
        let food = Category { id: CategoryId::new("food"), name: "Food".into(), parent: None };
        store.upsert_category(&id, &food).await.unwrap();
        for (sku, price) in [("a", 301), ("b", 702)] {
            let p = Product::new(sku, "Item", "food", "standard", Decimal::new(price, 2)).unwrap();
            store.upsert_product(&id, &p).await.unwrap();
        }
        let settings = Settings::new(config(Currency::CHF), journal_key());
        let gateway = Arc::new(FakeGateway::new(Script::Approve));
        let co = Checkout::new(store.clone(), gateway.clone(), settings.clone());
        let ret = Returns::new(store.clone(), gateway, settings);
        let chf = |cents: i64| Money::from_minor(cents, Currency::CHF);
        let mut request = pos_testkit::fixtures::sale("s", "T1", &[], None, false);
        let mut basket = Basket::new();
        basket.add(Sku::parse("a").unwrap(), Quantity::each(1).unwrap());
        basket.add(Sku::parse("b").unwrap(), Quantity::each(1).unwrap());
        request.basket = basket;
        request.tenders = vec![TenderInput::new(TenderKind::Cash, chf(2_000))];
        let sale = co.complete_sale(&request).await.unwrap();
        assert_eq!(sale.total, chf(1_003));
        let settlement = sale.settlement.unwrap();
        assert_eq!(settlement.tenders[0].amount, chf(1_005), "rounded up to 0.05");
        let refund = |key: &str, lines: Vec<u32>| RefundRequest {
            terminal_approvals: Vec::new(),
            idempotency_key: key.into(),
            terminal: "T1".into(),
            cashier: "c".into(),
            location: location(),
            receipt: sale.receipt.clone(),
            lines,
            at: noon(),
        };
        let first = ret.refund(&refund("r1", vec![1])).await.unwrap();
        assert_eq!(first.tenders[0].amount, chf(300), "3.01 rounded to 3.00");
        let rest = ret.refund(&refund("r2", vec![2])).await.unwrap();
        assert_eq!(rest.tenders[0].amount, chf(705), "the rest of the 10.05");
    });
}
