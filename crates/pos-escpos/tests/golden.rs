//! Golden bytes of a Korean, a Chinese and a German receipt at 58 mm and 80 mm, with a QR code,
//! a cut (80 mm) and the drawer's pulse, committed as raw files any ESC/POS tool can read
//! (`tests/golden/ko-80.bin`, ...). `UPDATE_GOLDEN=1 cargo test -p pos-escpos --test golden`
//! writes them again after an intended change; review the diff.
//!
//! Z reports likewise (`ko-80-z.bin`, `zh-58-z.bin`, `de-80-z.bin`).
//!
//! Each file is also read back here: the printable runs between the commands, decoded from the
//! file's code page, are the text receipt's lines, and `€` is 0xD5 under code page 19.

use pos_core::receipt::{CodeKind, Labels, Receipt, ReceiptLine, ReceiptTender, StoreHeader, render_text};
use std::collections::BTreeMap;

use pos_core::{Currency, Money, TaxBreakdown, TaxMode};
use pos_escpos::{Options, Profile, encode_receipt, encode_report};
use pos_payments::{ReportKind, ReportLabels, ShiftReport, TenderKind, render_report};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn receipt(lang: &str) -> (Receipt, Labels) {
    let (currency, names, labels, tender, store, tax_label) = match lang {
        "ko" => (
            Currency::KRW,
            ["신라면 멀티팩", "바나나우유", "생수 2L"],
            Labels::korean(),
            "카드 BC ****1234",
            "강남역점",
            "과세",
        ),
        "zh" => (
            Currency::CNY,
            ["康师傅红烧牛肉面", "农夫山泉", "旺旺雪饼"],
            Labels::chinese(),
            "微信支付",
            "上海南京路店",
            "增值税",
        ),
        _ => (
            Currency::EUR,
            ["Bäckerbrötchen", "Apfelschorle", "Käse Gouda"],
            Labels::german(),
            "Karte",
            "Müller Markt",
            "MwSt",
        ),
    };
    let prices: [&str; 3] =
        if currency == Currency::KRW { ["4500", "1700", "900"] } else { ["4.50", "1.70", "0.90"] };
    let money = |s: &str| Money::new(d(s), currency);
    let total = prices.iter().map(|p| d(p)).sum::<Decimal>();
    let lines = names
        .iter()
        .zip(prices)
        .map(|(n, p)| ReceiptLine {
            name: (*n).to_owned(),
            quantity: "1".into(),
            unit_price: d(p),
            base: d(p),
            discounts: Vec::new(),
            tax_label: "A".into(),
            total: d(p),
        })
        .collect();
    let (net, tax) = if currency == Currency::KRW { (d("6455"), d("645")) } else { (d("6.17"), d("0.93")) };
    let r = Receipt {
        currency,
        header: StoreHeader { name: store.into(), lines: Vec::new(), tax_id: None },
        number: "T1-000042".into(),
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
            rate: d("10"),
            net: money(&net.to_string()),
            tax: money(&tax.to_string()),
            gross: Money::new(total, currency),
        }],
        tenders: vec![ReceiptTender { label: tender.into(), amount: total }],
        change: Decimal::ZERO,
        footer: vec!["€ ₩ ¥".into()],
        code: Some((CodeKind::Qr, "https://pos.example/r/T1-000042".into())),
    };
    (r, labels)
}

/// The printable runs of a file: the bytes between commands, split at line feeds.
fn text_runs(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines = vec![Vec::new()];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // The commands the encoder writes, with their lengths.
        let skip = match b {
            0x1B if bytes.get(i + 1) == Some(&0x40) => 2,
            0x1B if bytes.get(i + 1) == Some(&0x70) => 5,
            0x1B => 3,
            0x1C => 2,
            0x1D if bytes.get(i + 1) == Some(&0x28) => {
                let len = usize::from(bytes[i + 3]) | usize::from(bytes[i + 4]) << 8;
                5 + len
            }
            0x1D if bytes.get(i + 1) == Some(&0x6B) => 4 + usize::from(bytes[i + 3]),
            0x1D if bytes.get(i + 1) == Some(&0x56) => 4,
            0x1D => 3,
            0x0A => {
                lines.push(Vec::new());
                1
            }
            _ => {
                lines.last_mut().unwrap().push(b);
                1
            }
        };
        i += skip;
    }
    lines.retain(|l| !l.is_empty());
    lines
}

#[test]
fn golden_receipts_in_three_languages_at_two_widths() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for lang in ["ko", "zh", "de"] {
        for (width, profile) in [("58", Profile::mobile_58()), ("80", Profile::hprt_tp808())] {
            let (receipt, labels) = receipt(lang);
            let options = Options { open_drawer: true, ..Options::default() };
            let encoded = encode_receipt(&receipt, &labels, &profile, &options);
            let path = dir.join(format!("{lang}-{width}.bin"));
            if std::env::var("UPDATE_GOLDEN").is_ok() {
                std::fs::write(&path, &encoded.bytes).unwrap();
            }
            let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(encoded.bytes, golden, "{lang}-{width}: the bytes changed");
            // Read back: each printable run, decoded from the code page, is a text line.
            let decode = |run: &[u8]| -> String {
                match lang {
                    "ko" => encoding_rs::EUC_KR.decode(run).0.into_owned(),
                    "zh" => encoding_rs::GB18030.decode(run).0.into_owned(),
                    _ => run
                        .iter()
                        .map(|b| match b {
                            0..0x80 => char::from(*b),
                            _ => oem_cp::code_table::DECODING_TABLE_CP858[usize::from(*b - 0x80)],
                        })
                        .collect(),
                }
            };
            let printed: Vec<String> = text_runs(&golden).iter().map(|r| decode(r)).collect();
            let mut expected = render_text(&receipt, profile.width, &labels);
            // What the code page lacks, replaced as the encoder documents it, and reported.
            let script = pos_escpos::Script::for_currency(receipt.currency);
            for line in &mut expected {
                for c in &encoded.replaced {
                    *line = line.replace(*c, pos_escpos::fallback(*c, script).unwrap_or("?"));
                }
            }
            let lacking: &[char] = match lang {
                "ko" => &['₩', '¥'],
                "zh" => &[],
                _ => &['₩'],
            };
            for c in lacking {
                assert!(encoded.replaced.contains(c), "{lang}: {c} is reported");
            }
            assert_eq!(printed, expected, "{lang}-{width}");
            // The text beside the bytes, for a decoder elsewhere (`.ci/escpos_decode.py` reads
            // the bytes with Python's own codecs and compares).
            let text_path = dir.join(format!("{lang}-{width}.txt"));
            let text = expected.join("\n") + "\n";
            if std::env::var("UPDATE_GOLDEN").is_ok() {
                std::fs::write(&text_path, &text).unwrap();
            }
            assert_eq!(std::fs::read_to_string(&text_path).unwrap(), text, "{lang}-{width}.txt");
            if lang == "de" {
                assert!(golden.windows(3).any(|w| w == [0x1B, 0x74, 19]), "code page 19");
                assert!(golden.contains(&0xD5), "€ as 0xD5");
            }
            assert_eq!(
                golden.ends_with(&[0x1B, 0x70, 0, 50, 50]),
                profile.drawer,
                "{lang}-{width}: the drawer"
            );
            assert_eq!(
                golden.windows(4).any(|w| w == [0x1D, 0x56, 66, 0]),
                profile.cutter,
                "{lang}-{width}: the cut"
            );
        }
    }
}

fn z_report(lang: &str) -> (ShiftReport, ReportLabels) {
    let (currency, labels, category) = match lang {
        "ko" => (Currency::KRW, ReportLabels::korean(), "음료"),
        "zh" => (Currency::CNY, ReportLabels::chinese(), "饮料"),
        _ => (Currency::EUR, ReportLabels::german(), "Getränke"),
    };
    let m = |minor: i64| Money::new(Decimal::new(minor, currency.minor_units()), currency);
    let report = ShiftReport {
        kind: ReportKind::Z,
        sequence: Some(42),
        terminal: "T1".into(),
        shift: "T1-1207".into(),
        float: m(20_000),
        cash_taken: m(53_200),
        change_given: m(4_200),
        paid_in: m(0),
        paid_out: m(10_000),
        cash_refunds: m(1_500),
        expected_cash: m(57_500),
        counted_cash: Some(m(57_000)),
        over_short: Some(m(-500)),
        by_tender: BTreeMap::from([(TenderKind::Cash, m(47_500)), (TenderKind::TerminalCard, m(127_500))]),
        by_tax: BTreeMap::from([("A 10%".to_owned(), m(175_000))]),
        by_category: BTreeMap::from([(category.to_owned(), m(175_000))]),
        sales: 37,
        refunds: 1,
    };
    (report, labels)
}

#[test]
fn golden_z_reports_in_three_languages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for (lang, width, profile) in [
        ("ko", "80", Profile::hprt_tp808()),
        ("zh", "58", Profile::mobile_58()),
        ("de", "80", Profile::hprt_tp808()),
    ] {
        let (report, labels) = z_report(lang);
        let encoded = encode_report(&report, &labels, &profile, &Options::default(), "2026-12-07 22:00");
        assert!(encoded.replaced.is_empty(), "{lang}: {:?}", encoded.replaced);
        let path = dir.join(format!("{lang}-{width}-z.bin"));
        let text_path = dir.join(format!("{lang}-{width}-z.txt"));
        let expected = render_report(&report, profile.width, &labels, "2026-12-07 22:00");
        let text = expected.join("\n") + "\n";
        if std::env::var("UPDATE_GOLDEN").is_ok() {
            std::fs::write(&path, &encoded.bytes).unwrap();
            std::fs::write(&text_path, &text).unwrap();
        }
        let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(encoded.bytes, golden, "{lang}-{width}-z: the bytes changed");
        assert_eq!(std::fs::read_to_string(&text_path).unwrap(), text);
        // Read back by the crate's own decoder: the lines, then the cut (or the feed).
        let mut printed = pos_escpos::decode::printed(&golden);
        let tail: Vec<String> =
            if profile.cutter { vec!["[partial cut]".into()] } else { vec![String::new(); 4] };
        assert_eq!(printed.split_off(printed.len() - tail.len()), tail, "{lang}-{width}-z");
        assert_eq!(printed, expected, "{lang}-{width}-z");
        assert!(!golden.windows(2).any(|w| w == [0x1B, 0x70]), "a report opens no drawer");
    }
}
