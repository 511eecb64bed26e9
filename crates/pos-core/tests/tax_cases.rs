//! Data-driven tax and rounding cases from `tests/data/tax_cases.txt`.

use chrono::{DateTime, Utc};
use pos_core::{
    Basket, Catalog, Currency, ManualDiscount, PricedBasket, PricingContext, PricingEngine, Product,
    Quantity, RoundingMode, Sku, StoreConfig, StoreId, TaxMode, TaxRate, TaxRounding, TaxTable,
};
use rust_decimal::Decimal;

struct Case {
    name: String,
    currency: Currency,
    mode: TaxMode,
    rounding: TaxRounding,
    rounding_mode: RoundingMode,
    items: Vec<(Decimal, u32, Decimal)>,
    line_discount: Option<Decimal>,
    basket_discount: Option<Decimal>,
    tax: Decimal,
    total: Decimal,
}

fn parse(line: &str) -> Case {
    let f: Vec<&str> = line.split('|').map(str::trim).collect();
    assert_eq!(f.len(), 10, "bad fixture line: {line}");
    let opt = |s: &str| if s == "-" { None } else { Some(s.parse::<Decimal>().unwrap()) };
    Case {
        name: f[0].to_owned(),
        currency: Currency::parse(f[1]).unwrap(),
        mode: if f[2] == "inclusive" { TaxMode::Inclusive } else { TaxMode::Exclusive },
        rounding: if f[3] == "line" { TaxRounding::PerLine } else { TaxRounding::PerDocument },
        rounding_mode: if f[4] == "half_up" { RoundingMode::HalfUp } else { RoundingMode::HalfEven },
        items: f[5]
            .split(',')
            .map(|it| {
                let (price, rest) = it.split_once('x').unwrap();
                let (qty, rate) = rest.split_once('@').unwrap();
                (price.parse().unwrap(), qty.parse().unwrap(), rate.parse().unwrap())
            })
            .collect(),
        line_discount: opt(f[6]),
        basket_discount: opt(f[7]),
        tax: f[8].parse().unwrap(),
        total: f[9].parse().unwrap(),
    }
}

fn price(case: &Case) -> PricedBasket {
    let mut tax = TaxTable::new(case.mode, case.rounding, case.rounding_mode);
    let mut catalog = Catalog::new(case.currency);
    catalog.upsert_category("all", "All", None).unwrap();
    let mut basket = Basket::new();
    for (i, (price, qty, rate)) in case.items.iter().enumerate() {
        let class = format!("r{rate}");
        tax = tax.with_rate(&class, TaxRate::percent(*rate, &format!("{rate}%")).unwrap());
        let sku = format!("sku{i}");
        catalog
            .upsert_product(Product::new(&sku, &format!("Item {i}"), "all", &class, *price).unwrap())
            .unwrap();
        let id = basket.add(Sku::parse(&sku).unwrap(), Quantity::each(*qty).unwrap());
        if let Some(p) = case.line_discount {
            basket.set_line_discount(id, Some(ManualDiscount::percent(p, "damaged").unwrap())).unwrap();
        }
    }
    if let Some(p) = case.basket_discount {
        basket.set_discount(Some(ManualDiscount::percent(p, "staff").unwrap()));
    }
    let store = StoreConfig {
        id: StoreId("s".into()),
        currency: case.currency,
        time_zone: chrono_tz::UTC,
        tax,
        rounding: case.rounding_mode,
        cash_rounding: Default::default(),
    };
    let engine = PricingEngine::builder(store).build().unwrap();
    let at: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
    engine.price(&catalog, &basket, &PricingContext::at(at)).unwrap()
}

fn check(case: &Case) {
    let priced = price(case);
    assert_eq!(priced.tax_total.amount(), case.tax, "{}: tax", case.name);
    assert_eq!(priced.total.amount(), case.total, "{}: total", case.name);
    // The breakdown always sums exactly to the document totals.
    let sum = |f: fn(&pos_core::TaxBreakdown) -> Decimal| priced.taxes.iter().map(f).sum::<Decimal>();
    assert_eq!(sum(|t| t.tax.amount()), priced.tax_total.amount(), "{}: breakdown tax", case.name);
    assert_eq!(sum(|t| t.gross.amount()), priced.total.amount(), "{}: breakdown gross", case.name);
    for t in &priced.taxes {
        assert_eq!(t.net.checked_add(&t.tax).unwrap(), t.gross, "{}: net + tax = gross", case.name);
    }
}

#[test]
fn tax_cases_from_fixture() {
    let text = include_str!("data/tax_cases.txt");
    let cases: Vec<Case> =
        text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(parse).collect();
    assert!(cases.len() >= 10);
    for case in &cases {
        check(case);
    }
}

#[test]
fn korea_33000_breaks_down_to_30000_net() {
    let case = parse("k | KRW | inclusive | document | half_up | 33000x1@10 | - | - | 3000 | 33000");
    let priced = price(&case);
    assert_eq!(priced.taxes.len(), 1);
    assert_eq!(priced.taxes[0].net.amount(), Decimal::from(30_000));
    assert_eq!(priced.taxes[0].tax.amount(), Decimal::from(3_000));
}

#[test]
fn square_inclusive_dollar_is_91_cents_net() {
    let case = parse("s | USD | inclusive | line | half_even | 1.00x1@10 | - | - | 0.09 | 1.00");
    let priced = price(&case);
    assert_eq!(priced.lines[0].net.amount(), "0.91".parse::<Decimal>().unwrap());
    assert_eq!(priced.lines[0].tax.amount(), "0.09".parse::<Decimal>().unwrap());
}

#[test]
fn germany_breakdown_has_both_rates_and_sums_exactly() {
    let case = parse(
        "g | EUR | inclusive | document | half_up | 11.90x1@19,2.14x2@7,0.99x3@7 | - | 10 | 2.14 | 17.23",
    );
    let priced = price(&case);
    let rates: Vec<Decimal> = priced.taxes.iter().map(|t| t.rate).collect();
    assert_eq!(rates.len(), 2);
    assert!(rates.contains(&Decimal::from(19)) && rates.contains(&Decimal::from(7)));
    // Subtotal 11.90 + 4.28 + 2.97 = 19.15; the discount is 10 % of it = 1.92 (1.915 half-up).
    assert_eq!(priced.subtotal.amount(), "19.15".parse::<Decimal>().unwrap());
    assert_eq!(priced.discount_total.amount(), "1.92".parse::<Decimal>().unwrap());
    let totals: Vec<String> = priced.lines.iter().map(|l| l.total.amount().to_string()).collect();
    assert_eq!(totals, ["10.71", "3.85", "2.67"]);
    let by_rate: Vec<(String, String, String)> = priced
        .taxes
        .iter()
        .map(|t| (t.net.amount().to_string(), t.tax.amount().to_string(), t.gross.amount().to_string()))
        .collect();
    assert!(by_rate.contains(&("9.00".into(), "1.71".into(), "10.71".into())), "{by_rate:?}");
    assert!(by_rate.contains(&("6.09".into(), "0.43".into(), "6.52".into())), "{by_rate:?}");
}
