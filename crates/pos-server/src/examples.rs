//! The request bodies the API documentation shows, made from the domain's own values (so their
//! shape is the one the server reads) and sent to the demo shop by `tests/examples.rs`, which
//! checks that each is accepted as documented.

use std::collections::HashMap;

use pos_core::{PriceList, PromotionKind, PromotionSpec, Sku, Target};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A product (`PUT …/products/9001`): a new SKU with a barcode and a cost.
pub fn product() -> Value {
    let product = pos_core::Product::new("9001", "제주 감귤 1kg", "food", "standard", Decimal::from(5_900))
        .map(|p| p.with_barcode("8801234567893").with_cost(Decimal::from(3_800)));
    product.map_or(Value::Null, |p| serde_json::to_value(p).unwrap_or(Value::Null))
}

/// A category under `food` (`PUT …/categories/fruit`).
pub fn category() -> Value {
    json!({"id": "fruit", "name": "과일", "parent": "food"})
}

/// A promotion (`PUT …/promotions/noodles-1000`): 1,000 off each cup of noodles, members only.
pub fn promotion() -> Value {
    let promotion = pos_core::Promotion::builder(
        "noodles-1000",
        "라면 1,000원 할인",
        PromotionKind::AmountOff { target: Target::categories(&["noodles"]), amount: Decimal::from(1_000) },
    )
    .members_only()
    .build();
    promotion.map_or(Value::Null, |p| serde_json::to_value(PromotionSpec::from(p)).unwrap_or(Value::Null))
}

/// A price list (`PUT …/price-lists/staff`): staff prices for two SKUs.
pub fn price_list() -> Value {
    let prices: HashMap<Sku, Decimal> = [("0001", 1_500), ("0002", 1_900)]
        .into_iter()
        .filter_map(|(sku, price)| Sku::parse(sku).ok().map(|s| (s, Decimal::from(price))))
        .collect();
    let list = PriceList {
        id: "staff".into(),
        store: None,
        customer_group: Some("staff".into()),
        valid_from: None,
        valid_to: None,
        prices,
    };
    serde_json::to_value(list).unwrap_or(Value::Null)
}

/// A basket: two bananas milks and a cola.
fn basket() -> Value {
    json!({
        "lines": [
            {"id": 1, "sku": "0001", "quantity": {"value": "2", "unit": "each"}},
            {"id": 2, "sku": "0002", "quantity": {"value": "1", "unit": "each"}}
        ],
        "next_id": 3,
        "customer": {},
        "coupons": []
    })
}

/// Live totals of a basket (`POST …/baskets/price`).
pub fn price_request() -> Value {
    json!({"basket": basket()})
}

/// A sale at till `T1`, paid in cash (`POST …/sales`; the `Idempotency-Key` header is
/// `sale-docs-1`).
pub fn sale() -> Value {
    json!({
        "idempotency_key": "sale-docs-1",
        "terminal": "T1",
        "cashier": "kim",
        "location": "seoul-1/floor",
        "basket": basket(),
        "tenders": [{"kind": "cash", "amount": {"amount": "10000", "currency": "KRW"}}],
        "redeem_points": 0,
        "coupons": [],
        "at": "2026-12-07T03:00:00Z"
    })
}

/// A basket parked at till `T1` (`POST …/parked`).
pub fn park() -> Value {
    json!({"terminal": "T1", "basket": basket()})
}
