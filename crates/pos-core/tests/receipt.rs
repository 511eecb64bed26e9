//! Receipt rendering: snapshots in 32, 42 and 48 columns with Hangul, Hanzi and German text.
//!
//! Snapshots live in `tests/data/receipts/`. After an intended change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p pos-core --test receipt` and review the diff.

mod common;

use common::*;
use pos_core::receipt::{
    LineRole, display_width, layout, render_text, truncate_to_width, two_columns, two_columns_wrapped,
    wrap_to_width,
};
use pos_core::{
    Basket, Catalog, Currency, Labels, PricingContext, PricingEngine, Product, Promotion, PromotionKind,
    Quantity, Receipt, Sku, StoreConfig, StoreHeader, Target, Unit, Width,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn check_snapshot(name: &str, lines: &[String]) {
    let path = format!("{}/tests/data/receipts/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(&path).parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing snapshot {path}"));
    assert_eq!(actual, expected, "snapshot {name} differs; rerun with UPDATE_SNAPSHOTS=1 to accept");
}

fn korean_receipt() -> Receipt {
    let cat = korean_catalog();
    let e = engine(vec![
        Promotion::builder(
            "2+1",
            "음료 2+1",
            PromotionKind::BuyXGetY {
                buy: Target::categories(&["drinks"]),
                buy_qty: 2,
                get: Target::categories(&["drinks"]),
                get_qty: 1,
                reward: pos_core::Reward::Free,
            },
        )
        .build()
        .unwrap(),
    ]);
    let priced = price(&e, &cat, &basket(&[("cola", 2), ("milk", 1), ("choco", 1), ("tissue", 1)]));
    let header = StoreHeader {
        name: "행복마트 강남점".into(),
        lines: vec!["서울특별시 강남구 테헤란로 123".into(), "02-123-4567".into()],
        tax_id: Some("사업자 123-45-67890".into()),
    };
    Receipt::from_priced(&priced, header, "0001-000042", "POS-01", "김민수", "2026-11-23 12:00")
        .with_tender("현금", pos_core::Money::new(Decimal::from(50_000), Currency::KRW))
        .with_change(pos_core::Money::new(Decimal::from(50_000) - priced.total.amount(), Currency::KRW))
        .with_footer(&["감사합니다", "교환/환불은 영수증 지참 7일 이내"])
}

fn german_receipt() -> Receipt {
    let mut cat = Catalog::new(Currency::EUR);
    cat.upsert_category("lebensmittel", "Lebensmittel", None).unwrap();
    cat.upsert_category("drogerie", "Drogerie", None).unwrap();
    cat.upsert_product(
        Product::new("broetchen", "Brötchen", "lebensmittel", "reduced", Decimal::new(45, 2)).unwrap(),
    )
    .unwrap();
    cat.upsert_product(
        Product::new("kaese", "Gouda jung", "lebensmittel", "reduced", Decimal::new(1299, 2))
            .unwrap()
            .with_unit(Unit::Kg),
    )
    .unwrap();
    cat.upsert_product(
        Product::new("zahnpasta", "Zahnpasta Größe XL", "drogerie", "standard", Decimal::new(299, 2))
            .unwrap(),
    )
    .unwrap();
    let e = PricingEngine::builder(StoreConfig::germany("berlin-1"))
        .promotion(
            Promotion::builder(
                "drog10",
                "Drogerie -10%",
                PromotionKind::PercentOff {
                    target: Target::categories(&["drogerie"]),
                    percent: Decimal::TEN,
                },
            )
            .build()
            .unwrap(),
        )
        .build()
        .unwrap();
    let mut b = Basket::new();
    b.add(Sku::parse("broetchen").unwrap(), Quantity::each(6).unwrap());
    b.add(Sku::parse("kaese").unwrap(), Quantity::new(d("0.375"), Unit::Kg).unwrap());
    b.add(Sku::parse("zahnpasta").unwrap(), Quantity::each(1).unwrap());
    let priced = e.price(&cat, &b, &PricingContext::at(at("2026-11-23T11:00:00Z"))).unwrap();
    let header = StoreHeader {
        name: "Bäckerei & Markt Müller".into(),
        lines: vec!["Straße des 17. Juni 1, 10623 Berlin".into()],
        tax_id: Some("USt-IdNr. DE123456789".into()),
    };
    Receipt::from_priced(&priced, header, "B-2026-000117", "Kasse 2", "Jürgen", "23.11.2026 12:00")
        .with_tender("Bar", pos_core::Money::new(d("20.00"), Currency::EUR))
        .with_change(pos_core::Money::new(d("20.00") - priced.total.amount(), Currency::EUR))
        .with_footer(&["Vielen Dank für Ihren Einkauf!"])
}

fn chinese_receipt() -> Receipt {
    let mut cat = Catalog::new(Currency::CNY);
    cat.upsert_category("food", "食品", None).unwrap();
    cat.upsert_product(
        Product::new("rice", "东北大米 5公斤", "food", "reduced", Decimal::new(4990, 2)).unwrap(),
    )
    .unwrap();
    cat.upsert_product(
        Product::new("tea", "西湖龙井绿茶礼盒装特级", "food", "standard", Decimal::new(12800, 2)).unwrap(),
    )
    .unwrap();
    let e = PricingEngine::builder(StoreConfig::china("sh-1")).build().unwrap();
    let mut b = Basket::new();
    b.add(Sku::parse("rice").unwrap(), Quantity::each(2).unwrap());
    b.add(Sku::parse("tea").unwrap(), Quantity::each(1).unwrap());
    let priced = e.price(&cat, &b, &PricingContext::at(at("2026-11-23T04:00:00Z"))).unwrap();
    let header = StoreHeader {
        name: "上海便利店".into(),
        lines: vec!["上海市浦东新区世纪大道100号".into()],
        tax_id: None,
    };
    Receipt::from_priced(&priced, header, "SH-000001", "收银台1", "王芳", "2026-11-23 12:00")
        .with_tender("微信支付", priced.total)
        .with_footer(&["谢谢惠顾"])
}

#[test]
fn korean_receipt_in_three_widths() {
    let r = korean_receipt();
    for (w, name) in
        [(Width::Cols32, "korean_32"), (Width::Cols42, "korean_42"), (Width::Cols48, "korean_48")]
    {
        let lines = render_text(&r, w, &Labels::korean());
        for l in &lines {
            assert!(display_width(l) <= w.columns(), "{name}: `{l}` is {} columns", display_width(l));
        }
        check_snapshot(name, &lines);
    }
}

#[test]
fn german_receipt_renders() {
    let r = german_receipt();
    let lines = render_text(&r, Width::Cols42, &Labels::german());
    assert!(lines.iter().all(|l| display_width(l) <= 42));
    assert!(lines.iter().any(|l| l.contains("Brötchen")));
    check_snapshot("german_42", &lines);
    check_snapshot("german_32", &render_text(&r, Width::Cols32, &Labels::german()));
}

#[test]
fn chinese_receipt_renders() {
    let r = chinese_receipt();
    let lines = render_text(&r, Width::Cols32, &Labels::chinese());
    assert!(lines.iter().all(|l| display_width(l) <= 32));
    check_snapshot("chinese_32", &lines);
}

#[test]
fn wide_characters_count_two_columns() {
    assert_eq!(display_width("우유"), 4);
    assert_eq!(display_width("大米"), 4);
    assert_eq!(display_width("Größe"), 5);
    // Truncation never splits a wide character.
    assert_eq!(truncate_to_width("바나나우유", 5), "바나");
    let line = two_columns("바나나우유 대용량 특가 상품입니다", "1,500", 20);
    assert_eq!(display_width(&line), 20);
    assert!(line.ends_with("1,500"));
}

#[test]
fn nothing_too_long_is_cut() {
    // A German address and a cashier's name too long for 58 mm go on over the next line.
    let lines = render_text(&german_receipt(), Width::Cols32, &Labels::german());
    let joined = lines.join(" ");
    assert!(joined.contains("10623") && joined.contains("Berlin"), "{lines:#?}");
    assert!(joined.contains("Jürgen"));
    // A Chinese name keeps its last character; its amount has a line of its own.
    let lines = render_text(&chinese_receipt(), Width::Cols32, &Labels::chinese());
    let at = lines.iter().position(|l| l == "西湖龙井绿茶礼盒装特级").expect("the whole name");
    assert!(lines[at + 1].trim_start().starts_with("128.00"));
    // A long link under a QR code is wrapped whole, not cut.
    let mut r = chinese_receipt();
    let link = "https://pos.example/r/SH-000001?store=shanghai-pudong-1";
    r.code = Some((pos_core::receipt::CodeKind::Qr, link.into()));
    let laid = layout(&r, Width::Cols32, &Labels::chinese());
    let code: String =
        laid.iter().filter(|(role, _)| *role == LineRole::Code).map(|(_, l)| l.trim()).collect();
    assert_eq!(code, link);
}

#[test]
fn the_store_name_and_the_total_are_marked_for_printers() {
    let laid = layout(&korean_receipt(), Width::Cols48, &Labels::korean());
    assert_eq!(laid[0], (LineRole::StoreName, pos_core::receipt::centre("행복마트 강남점", 48)));
    let totals: Vec<&String> =
        laid.iter().filter(|(role, _)| *role == LineRole::Total).map(|(_, l)| l).collect();
    assert_eq!(totals.len(), 1);
    assert!(totals[0].starts_with("합계") && totals[0].ends_with("41,800 KRW"));
}

/// Text with Latin, accented, Hangul and Hanzi words, any other printable characters, and runs
/// of spaces.
fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9äöüß%,.-]{1,14}",
            "[가-힣]{1,9}",
            "[一-龥]{1,12}",
            "\\PC{1,20}",
            Just(" ".to_owned()),
        ],
        0..12,
    )
    .prop_map(|w| w.join(" "))
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #[test]
    fn wrapping_keeps_every_character_within_the_width(s in words(), width in 2_usize..60) {
        let lines = wrap_to_width(&s, width);
        for l in &lines {
            prop_assert!(display_width(l) <= width, "`{l}` wider than {width}");
        }
        prop_assert_eq!(squeezed(&lines.concat()), squeezed(&s));
    }

    #[test]
    fn two_wrapped_columns_keep_both_sides(left in words(), right in "[0-9,.]{1,12}( [A-Z]{1,3})?", width in 16_usize..60) {
        let lines = two_columns_wrapped(&left, &right, width);
        for l in &lines {
            prop_assert!(display_width(l) <= width, "`{l}` wider than {width}");
        }
        let last = lines.last().unwrap();
        prop_assert!(last.ends_with(right.as_str()), "{lines:?}");
        let body = lines.concat();
        prop_assert_eq!(squeezed(&body), squeezed(&format!("{left}{right}")));
    }

    #[test]
    fn a_receipt_with_any_names_keeps_them_whole(names in proptest::collection::vec(words(), 1..5), w in prop_oneof![Just(Width::Cols32), Just(Width::Cols42), Just(Width::Cols48)]) {
        let mut r = korean_receipt();
        for (line, name) in r.lines.iter_mut().zip(&names) {
            line.name = name.clone();
        }
        r.header.name = names[0].clone();
        let lines = render_text(&r, w, &Labels::korean());
        for l in &lines {
            prop_assert!(display_width(l) <= w.columns(), "`{l}` wider than {}", w.columns());
        }
        let all = squeezed(&lines.concat());
        for name in &names {
            prop_assert!(all.contains(&squeezed(name)), "{name} lost in {lines:#?}");
        }
    }
}
