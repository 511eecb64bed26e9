//! The documented limits, the same in every store: values at the edges are stored and read back
//! exactly (the audit compares every row with its journal record), values past them and hostile
//! text are refused with the field named before anything is written.

use std::sync::Arc;

use pos_app::{AppError, Store, StoreError};
use pos_core::limits::{MAX_ID_CHARS, MAX_LINES, MAX_MINOR, MAX_PRICE, MAX_TEXT_CHARS};
use pos_core::{Basket, Category, CategoryId, PriceList, Product, Quantity, Sku, Unit};
use pos_inventory::{LocationId, MAX_STOCK, StockPolicy};
use pos_payments::{TenderInput, TenderKind};
use rust_decimal::Decimal;

use super::{approve, counts};
use crate::fixtures::*;
use crate::inspect::Inspect;

/// An identifier of exactly [`MAX_ID_CHARS`] characters in Hangul and Hanzi.
fn longest_id(prefix: &str) -> String {
    let mut id: String = prefix.to_owned();
    while id.chars().count() < MAX_ID_CHARS {
        id.push(if id.chars().count().is_multiple_of(2) { '한' } else { '汉' });
    }
    id
}

/// A sale at the largest total a KRW sale may have (10^15 won: the top price, 1,000 of it),
/// on a terminal, by a cashier and at a location with the longest ids, with 1,000 lines in a
/// second sale; stock at its limit; a product with the longest name. Every store keeps each
/// value exactly: it reads back equal and the audit finds every row as its record says.
pub async fn values_at_the_limits_round_trip<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let id = store_id();
    let name: String = "가".repeat(MAX_TEXT_CHARS);
    let top = Product::new("top", &name, "food", "standard", MAX_PRICE).unwrap_or_else(|e| panic!("{e}"));
    store.upsert_product(&id, &top).await.unwrap_or_else(|e| panic!("{e}"));
    let fine = Product::new("fine", "Fine", "food", "standard", Decimal::new(1_234_567, 6))
        .unwrap_or_else(|e| panic!("{e}"))
        .with_unit(Unit::Kg);
    store.upsert_product(&id, &fine).await.unwrap_or_else(|e| panic!("{e}"));
    let back = store.product(&id, &sku("top")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.as_ref(), Some(&top));
    let back = store.product(&id, &sku("fine")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.as_ref(), Some(&fine));

    let far = LocationId::new(&longest_id("L"));
    let goods = stock(store.clone());
    let most = MAX_STOCK - Decimal::new(1, 3);
    goods.receive(&far, &sku("top"), most, &longest_id("A"), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let level = store.level(&id, &far, &sku("top")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.on_hand, most);

    let terminal = longest_id("T");
    let co = checkout(store.clone(), approve());
    let mut request = sale("edge-1", &terminal, &[], None, false);
    request.cashier = longest_id("C");
    request.location = far.clone();
    let mut basket = Basket::new();
    basket.add(sku("top"), Quantity::each(1_000).unwrap_or_else(|e| panic!("{e}")));
    request.basket = basket;
    request.tenders = vec![TenderInput::new(TenderKind::Cash, won(MAX_MINOR))];
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(MAX_MINOR));
    assert_eq!(done.settlement.as_ref().map(|s| s.change), Some(won(0)));

    let mut many = sale("edge-2", &terminal, &[], None, false);
    let mut basket = Basket::new();
    for i in 0..MAX_LINES {
        let q = Quantity::new(Decimal::new(1_000 + i as i64, 3), Unit::Kg).unwrap_or_else(|e| panic!("{e}"));
        basket.add(sku("fine"), q);
    }
    many.basket = basket;
    many.location = far.clone();
    co.complete_sale(&many).await.unwrap_or_else(|e| panic!("{e}"));

    let (t, n) = pos_app::ports::parse_receipt(&done.receipt).unwrap_or_else(|| panic!("receipt"));
    let stored =
        store.load_sale(&id, t, n).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("sale"));
    assert_eq!(stored.document.total(), won(MAX_MINOR));
    assert_eq!(stored.document.terminal, terminal);
    assert_eq!(audit(&*store, &terminal).await, Ok(2), "every row at the limits reads back as recorded");
}

/// Past the limits and hostile text: each write is refused, naming the field, by the use case or
/// the store, and nothing is written.
pub async fn hostile_input_reaches_no_store<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let id = store_id();
    let co = checkout(store.clone(), approve());
    let goods = stock(store.clone());
    let before = counts(&*store).await;
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut expect = |what: &str, field: &str, e: Option<String>| match e {
        Some(message) if message.contains(field) => {}
        Some(message) => refused.push((what.to_owned(), format!("`{message}` does not name {field}"))),
        None => refused.push((what.to_owned(), "accepted".to_owned())),
    };

    // Writes through the ports, with values the constructors would refuse.
    let product = |f: &dyn Fn(&mut Product)| {
        let mut p =
            Product::new("odd", "Odd", "food", "standard", Decimal::ONE).unwrap_or_else(|e| panic!("{e}"));
        f(&mut p);
        p
    };
    let store_error = |r: Result<(), StoreError>| match r {
        Err(e @ StoreError::InvalidInput { .. }) => Some(e.to_string()),
        Err(e) => Some(format!("not an input error: {e}")),
        Ok(()) => None,
    };
    for (what, field, p) in [
        ("negative price", "price", product(&|p| p.price = Decimal::from(-1))),
        ("price past the limit", "price", product(&|p| p.price = MAX_PRICE + Decimal::ONE)),
        ("price finer than 6 places", "price", product(&|p| p.price = Decimal::new(1, 7))),
        ("NUL in the name", "name", product(&|p| p.name = "a\0b".into())),
        ("a megabyte of name", "name", product(&|p| p.name = "x".repeat(1 << 20))),
        ("bidi override in the name", "name", product(&|p| p.name = "\u{202E}kcab".into())),
        ("zero-width tax class", "tax_class", product(&|p| p.tax_class.0 = "stand\u{200B}ard".into())),
    ] {
        expect(what, field, store_error(store.upsert_product(&id, &p).await));
    }
    let category = Category { id: CategoryId::new("bad"), name: "\u{FEFF}".into(), parent: None };
    expect("BOM category name", "name", store_error(store.upsert_category(&id, &category).await));
    let list = PriceList {
        id: "vip".into(),
        store: None,
        customer_group: Some("vip".into()),
        valid_from: None,
        valid_to: None,
        prices: [(sku("milk"), Decimal::from(-5))].into_iter().collect(),
    };
    expect(
        "negative list price",
        "price_list.prices",
        store_error(store.upsert_price_list(&id, &list).await),
    );
    let policy = StockPolicy {
        allow_negative: false,
        reorder_point: Some(Decimal::new(1, 4)),
        reorder_quantity: Some(Decimal::ONE),
    };
    expect(
        "reorder point finer than stock",
        "reorder_point",
        store_error(store.set_policy(&id, &location(), &sku("milk"), policy).await),
    );

    // Use cases with hostile requests.
    let app = |r: Result<(), AppError>| r.err().map(|e| e.to_string());
    let mut r = sale("h1", "T1", &[("milk", 1)], None, false);
    r.terminal = "T".repeat(1 << 20);
    expect("a megabyte of terminal id", "terminal", app(co.complete_sale(&r).await.map(drop)));
    let mut r = sale("h2", "T1", &[("milk", 1)], None, false);
    r.cashier = "kim\0".into();
    expect("NUL in the cashier", "cashier", app(co.complete_sale(&r).await.map(drop)));
    let mut r = sale("h3", "T1", &[("milk", 1)], None, false);
    r.tenders = vec![TenderInput::new(TenderKind::Cash, won(MAX_MINOR + 1))];
    expect("a tender past the limit", "tenders[0].amount", app(co.complete_sale(&r).await.map(drop)));
    let mut r = sale("h4", "T1", &[("milk", 1)], None, false);
    r.tenders = vec![TenderInput::new(
        TenderKind::Cash,
        pos_core::Money::new(Decimal::new(15_005, 1), pos_core::Currency::KRW),
    )];
    expect("half a won", "tenders[0].amount", app(co.complete_sale(&r).await.map(drop)));
    let mut r = sale("h5", "T1", &[("milk", 1)], None, false);
    r.location = LocationId::new("floor\u{200D}");
    expect("zero-width joiner in the location", "location", app(co.complete_sale(&r).await.map(drop)));

    // A request as JSON, malformed inside its basket: refused while deserialising.
    let good = serde_json::to_value(sale("h6", "T1", &[("milk", 1), ("cola", 1)], None, false))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut twice = good.clone();
    twice["basket"]["lines"][1]["id"] = twice["basket"]["lines"][0]["id"].clone();
    let mut overridden = good.clone();
    overridden["basket"]["lines"][0]["price_override"] = serde_json::json!({"price": "-2000", "reason": ""});
    let mut tender = good.clone();
    tender["tenders"][0]["amount"]["amount"] = serde_json::json!("100000000000000000");
    for (what, field, json) in [
        ("two lines with one id", "line.id", twice),
        ("a negative override without reason", "override", overridden),
        ("a tender of 10^17 won", "amount", tender),
    ] {
        let e = serde_json::from_value::<pos_app::SaleRequest>(json).err().map(|e| e.to_string());
        expect(what, field, e);
    }

    // Stock below its resolution, past its limit, of an unknown SKU.
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let adjust = |sku: Sku, q: Decimal| {
        let goods = &goods;
        async move { goods.adjust(&location(), &sku, q, "count", "kim", noon()).await }
    };
    expect("+0.0004 of milk", "delta", app(adjust(sku("milk"), d("0.0004")).await));
    expect("10^13 of milk", "delta", app(adjust(sku("milk"), d("10000000000000")).await));
    expect("an unknown SKU", "sku", app(adjust(sku("ghost"), Decimal::ONE).await));
    let receive = goods.receive(&location(), &sku("milk"), MAX_STOCK, "kim", noon()).await;
    expect("more stock than a level holds", "quantity", app(receive));

    assert!(refused.is_empty(), "{refused:#?}");
    assert_eq!(counts(&*store).await, before, "a refused write wrote something");
}
