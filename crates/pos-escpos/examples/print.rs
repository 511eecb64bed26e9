//! Prints the demo receipt, or a demo Z report, on any printer `pos_escpos::open` knows.
//!
//! - `--preview` (the default) shows what would print (the text in the printer's code page, the
//!   QR code, the cut and the drawer as notes) and a hex dump of the bytes.
//! - `--tcp HOST:PORT` sends it to a network printer (port 9100); `--printer SPEC` to any:
//!   `serial:/dev/rfcomm0`, `/dev/usb/lp0`, `file:receipt.bin`, `tcp://HOST:PORT`.
//! - `--lang ko|zh|de` picks the language (Korean by default), `--profile tp808|tm-t88|mobile-58|generic-80`
//!   the printer (`--width 58|80` is short for `mobile-58` and `tp808`), `--drawer` opens the
//!   drawer after it, `--copy` marks it as a reprint, `--report` prints a Z report instead.
//!
//! `cargo run -p pos-escpos --example print -- --preview`
//! `cargo run -p pos-escpos --example print -- --tcp 192.168.0.50:9100 --drawer`
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example's output")]

use std::collections::BTreeMap;

use pos_core::receipt::{CodeKind, Labels, Receipt, ReceiptLine, ReceiptTender, StoreHeader};
use pos_core::{Currency, Money, TaxBreakdown, TaxMode};
use pos_escpos::{Options, Profile, encode_receipt, encode_report};
use pos_payments::{ReportKind, ReportLabels, ShiftReport, TenderKind};
use rust_decimal::Decimal;

fn demo(lang: &str) -> (Receipt, Labels) {
    let (currency, labels, store, items, tender): (Currency, Labels, &str, [(&str, i64); 3], &str) =
        match lang {
            "zh" => (
                Currency::CNY,
                Labels::chinese(),
                "上海南京路店",
                [("康师傅红烧牛肉面", 450), ("农夫山泉", 170), ("旺旺雪饼", 90)],
                "微信支付",
            ),
            "de" => (
                Currency::EUR,
                Labels::german(),
                "Müller Markt",
                [("Bäckerbrötchen", 450), ("Apfelschorle", 170), ("Käse Gouda", 90)],
                "Karte",
            ),
            _ => (
                Currency::KRW,
                Labels::korean(),
                "강남역점",
                [("신라면 멀티팩", 4_500), ("바나나우유", 1_700), ("생수 2L", 900)],
                "카드 BC ****1234",
            ),
        };
    let amount = |minor: i64| Decimal::new(minor, currency.minor_units());
    let lines: Vec<ReceiptLine> = items
        .iter()
        .map(|(name, minor)| ReceiptLine {
            name: (*name).to_owned(),
            quantity: "1".into(),
            unit_price: amount(*minor),
            base: amount(*minor),
            discounts: Vec::new(),
            tax_label: "A".into(),
            total: amount(*minor),
        })
        .collect();
    let total: Decimal = lines.iter().map(|l| l.total).sum();
    // Prices include the tax; its part of the total is rate / (100 + rate).
    let (tax_label, rate) = match lang {
        "zh" => ("增值税", 13),
        "de" => ("MwSt", 7),
        _ => ("과세", 10),
    };
    let tax = (total * Decimal::from(rate) / Decimal::from(100 + rate)).round_dp(currency.minor_units());
    let receipt = Receipt {
        currency,
        header: StoreHeader { name: store.into(), lines: Vec::new(), tax_id: None },
        number: "T1-000001".into(),
        terminal: "T1".into(),
        cashier: "kim".into(),
        datetime: "2026-12-07 12:00".into(),
        lines,
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        tax_mode: TaxMode::Inclusive,
        taxes: vec![TaxBreakdown {
            label: tax_label.into(),
            rate: Decimal::from(rate),
            net: Money::new(total - tax, currency),
            tax: Money::new(tax, currency),
            gross: Money::new(total, currency),
        }],
        tenders: vec![ReceiptTender { label: tender.into(), amount: total }],
        change: Decimal::ZERO,
        footer: Vec::new(),
        code: Some((CodeKind::Qr, "https://pos.example/r/T1-000001".into())),
    };
    (receipt, labels)
}

fn demo_report(currency: Currency) -> ShiftReport {
    // Amounts below are in cents; a currency without minor units (KRW) takes ten of its units
    // for each, so the demo reads like a day's takings in either.
    let m = |cents: i64| {
        let amount = match currency.minor_units() {
            0 => Decimal::from(cents * 10),
            _ => Decimal::new(cents, 2),
        };
        Money::new(amount, currency)
    };
    ShiftReport {
        kind: ReportKind::Z,
        sequence: Some(42),
        terminal: "T1".into(),
        shift: "T1-2026-12-07".into(),
        float: m(20_000),
        cash_taken: m(53_200),
        change_given: m(4_200),
        paid_in: m(0),
        paid_out: m(1_000),
        cash_refunds: m(0),
        expected_cash: m(68_000),
        counted_cash: Some(m(68_000)),
        over_short: Some(m(0)),
        by_tender: BTreeMap::from([(TenderKind::Cash, m(49_000)), (TenderKind::TerminalCard, m(127_550))]),
        by_tax: BTreeMap::from([("A 10%".to_owned(), m(176_550))]),
        by_category: BTreeMap::new(),
        sales: 37,
        refunds: 0,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let lang = value("--lang").unwrap_or_else(|| "ko".into());
    let spec = value("--printer").or_else(|| value("--tcp")).unwrap_or_else(|| "preview".into());
    let target = match pos_escpos::parse(&spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // `--profile`, else the spec's `profile=`, else by `--width`.
    let named = value("--profile").map(|name| {
        Profile::named(&name).unwrap_or_else(|| {
            eprintln!("unknown profile `{name}`; known: {}", pos_escpos::profile::NAMES.join(", "));
            std::process::exit(2);
        })
    });
    let profile = named.or(target.profile.clone()).unwrap_or_else(|| match value("--width").as_deref() {
        Some("58") => Profile::mobile_58(),
        _ => Profile::hprt_tp808(),
    });
    if flag("--drawer") && !profile.drawer {
        eprintln!("the printer `{}` has no drawer port", profile.name);
        std::process::exit(2);
    }
    let (receipt, labels) = demo(&lang);
    if !pos_escpos::prints_language_of(&profile, receipt.currency) {
        let script = pos_escpos::Script::for_currency(receipt.currency).name();
        eprintln!("the printer `{}` has no {script} font (a profile with double_byte has)", profile.name);
        std::process::exit(2);
    }
    let copy = match lang.as_str() {
        "zh" => "副本",
        "de" => "KOPIE",
        _ => "사본",
    };
    let options = Options {
        open_drawer: flag("--drawer"),
        copy: flag("--copy").then(|| copy.to_owned()),
        drawer_pin5: target.drawer_pin5,
    };
    let encoded = if flag("--report") {
        let report_labels = match lang.as_str() {
            "zh" => ReportLabels::chinese(),
            "de" => ReportLabels::german(),
            _ => ReportLabels::korean(),
        };
        encode_report(&demo_report(receipt.currency), &report_labels, &profile, &options, "2026-12-07 22:00")
    } else {
        encode_receipt(&receipt, &labels, &profile, &options)
    };
    if !encoded.replaced.is_empty() {
        eprintln!("replaced for the code page: {:?}", encoded.replaced);
    }
    match target.printer.print(&encoded.bytes).await {
        Ok(()) if spec != "preview" && spec != "-" => {
            println!("printed {} bytes on {spec}", encoded.bytes.len())
        }
        Ok(()) => {}
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
