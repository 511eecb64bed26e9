//! Prices a demo basket in a Korean convenience store and prints the receipt.
//!
//! `cargo run -p pos-core --example demo` (add `-- 32` or `-- 48` for other paper widths).
//!
//! The shop sells in KRW with 10 % VAT included. A "2+1" promotion runs on drinks, members get
//! 10 % off snacks, and the customer is a gold member paying 30,000 won in cash (cash is rounded
//! down to 10 won).

use chrono::{DateTime, Utc};
use pos_core::receipt::render_text;
use pos_core::{
    Basket, Catalog, CoreError, Currency, CustomerContext, Labels, Money, PricingContext, PricingEngine,
    Product, Promotion, PromotionKind, Quantity, Receipt, Reward, Sku, StoreConfig, StoreHeader, Target,
    Unit, Width,
};
use rust_decimal::Decimal;

fn main() -> Result<(), CoreError> {
    let width = match std::env::args().nth(1).as_deref() {
        Some("32") => Width::Cols32,
        Some("48") => Width::Cols48,
        _ => Width::Cols42,
    };

    let mut catalog = Catalog::new(Currency::KRW);
    catalog.upsert_category("food", "식품", None)?;
    catalog.upsert_category("drinks", "음료", Some("food"))?;
    catalog.upsert_category("snacks", "과자", Some("food"))?;
    catalog.upsert_category("fresh", "신선식품", Some("food"))?;
    let won = Decimal::from;
    catalog.upsert_product(Product::new(
        "8801056",
        "바나나맛우유 240ml",
        "drinks",
        "standard",
        won(1_700),
    )?)?;
    catalog.upsert_product(Product::new("8801094", "코카콜라 500ml", "drinks", "standard", won(2_300))?)?;
    catalog.upsert_product(Product::new(
        "8801117",
        "오리온 초코파이 12입",
        "snacks",
        "standard",
        won(5_280),
    )?)?;
    catalog.upsert_product(
        Product::new("2100001", "사과 (kg)", "fresh", "exempt", won(9_900))?.with_unit(Unit::Kg),
    )?;

    let drinks = Target::categories(&["drinks"]);
    let two_plus_one = Promotion::builder(
        "drinks-2+1",
        "음료 2+1",
        PromotionKind::BuyXGetY {
            buy: drinks.clone(),
            buy_qty: 2,
            get: drinks,
            get_qty: 1,
            reward: Reward::Free,
        },
    )
    .build()?;
    let member_snacks = Promotion::builder(
        "member-snacks",
        "회원 과자 10%",
        PromotionKind::PercentOff { target: Target::categories(&["snacks"]), percent: won(10) },
    )
    .members_only()
    .build()?;
    let store = StoreConfig::korea("gangnam-1");
    let cash_rounding = store.cash_rounding;
    let engine = PricingEngine::builder(store).promotion(two_plus_one).promotion(member_snacks).build()?;

    let mut basket = Basket::new();
    basket.add(Sku::parse("8801056")?, Quantity::each(2)?);
    basket.add(Sku::parse("8801094")?, Quantity::each(1)?);
    basket.add(Sku::parse("8801117")?, Quantity::each(1)?);
    basket.add(Sku::parse("2100001")?, Quantity::new(Decimal::new(1_235, 3), Unit::Kg)?);
    basket.set_customer(CustomerContext {
        member_id: Some("010-1234-5678".into()),
        tier: Some("gold".into()),
        group: None,
    });

    let at: DateTime<Utc> =
        "2026-11-23T03:15:00Z".parse().map_err(|_| CoreError::invalid("at", "bad time"))?;
    let priced = engine.price(&catalog, &basket, &PricingContext::at(at))?;

    let due = priced.cash_due(&cash_rounding);
    let tendered = Money::new(won(30_000), Currency::KRW);
    let change = tendered.checked_sub(&due)?;
    let header = StoreHeader {
        name: "행복편의점 강남점".into(),
        lines: vec!["서울특별시 강남구 테헤란로 123".into(), "Tel 02-123-4567".into()],
        tax_id: Some("사업자등록번호 123-45-67890".into()),
    };
    let mut receipt =
        Receipt::from_priced(&priced, header, "0001-000001", "POS-01", "김민수", "2026-11-23 12:15")
            .with_tender("현금", tendered)
            .with_change(change)
            .with_footer(&["교환·환불은 영수증 지참 시 7일 이내", "감사합니다"]);
    if due != priced.total {
        receipt.footer.insert(0, format!("현금 단수조정 {} → {}", priced.total.amount(), due.amount()));
    }
    for line in render_text(&receipt, width, &Labels::korean()) {
        println!("{line}");
    }
    Ok(())
}
