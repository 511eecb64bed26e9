//! Prints the demo receipt: `--preview` shows its text and a hex dump of its bytes;
//! `--tcp HOST:PORT` sends it to a network printer (port 9100) and reports the printer's state.
//! `--lang ko|zh|de` picks the receipt (Korean by default), `--width 58|80` the paper,
//! `--drawer` opens the drawer after it.
//!
//! `cargo run -p pos-escpos --example print -- --preview`
//! `cargo run -p pos-escpos --example print -- --tcp 192.168.0.50:9100 --drawer`
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example's output")]

use pos_app::ports::Printer;
use pos_core::receipt::{CodeKind, Labels, Receipt, ReceiptLine, ReceiptTender, StoreHeader, render_text};
use pos_core::{Currency, TaxMode};
use pos_escpos::{Options, Profile, TcpPrinter, encode_receipt};

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
                [("신라면 멀티팩", 450_000), ("바나나우유", 170_000), ("생수 2L", 90_000)],
                "카드 BC ****1234",
            ),
        };
    let scale = currency.minor_units();
    let amount = |minor: i64| rust_decimal::Decimal::new(minor, scale);
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
    let total = lines.iter().map(|l| l.total).sum();
    let receipt = Receipt {
        currency,
        header: StoreHeader { name: store.into(), lines: Vec::new(), tax_id: None },
        number: "T1-000001".into(),
        terminal: "T1".into(),
        cashier: "kim".into(),
        datetime: "2026-12-07 12:00".into(),
        lines,
        subtotal: total,
        discount_total: rust_decimal::Decimal::ZERO,
        total,
        tax_mode: TaxMode::Inclusive,
        taxes: Vec::new(),
        tenders: vec![ReceiptTender { label: tender.into(), amount: total }],
        change: rust_decimal::Decimal::ZERO,
        footer: Vec::new(),
        code: Some((CodeKind::Qr, "https://pos.example/r/T1-000001".into())),
    };
    (receipt, labels)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let lang = value("--lang").unwrap_or_else(|| "ko".into());
    let profile = match value("--width").as_deref() {
        Some("58") => Profile::mobile_58(),
        _ => Profile::receipt_80(),
    };
    let (receipt, labels) = demo(&lang);
    let options = Options { open_drawer: args.iter().any(|a| a == "--drawer"), ..Options::default() };
    let encoded = encode_receipt(&receipt, &labels, &profile, &options);
    if !encoded.replaced.is_empty() {
        eprintln!("replaced for the code page: {:?}", encoded.replaced);
    }
    if let Some(addr) = value("--tcp") {
        let printer = TcpPrinter::new(&addr);
        match printer.print(&encoded.bytes).await {
            Ok(()) => println!("printed {} bytes on {addr}", encoded.bytes.len()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    for line in render_text(&receipt, profile.width, &labels) {
        println!("{line}");
    }
    println!();
    for (i, row) in encoded.bytes.chunks(16).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        let text: String =
            row.iter().map(|b| if (0x20..0x7F).contains(b) { char::from(*b) } else { '.' }).collect();
        println!("{:08x}  {:<47}  {text}", i * 16, hex.join(" "));
    }
}
