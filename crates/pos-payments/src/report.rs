//! An X or Z report as printed text, laid out like the receipt (same columns, same display-width
//! measure, so Hangul and Hanzi line up), in the store's language. Printer adapters print these
//! lines; the title is the first line.

use pos_core::Money;
use pos_core::money::format_amount_with;
use pos_core::receipt::{Width, centre, two_columns_wrapped, wrap_to_width};
use serde::{Deserialize, Serialize};

use crate::shift::{ReportKind, ShiftReport};
use crate::tender::TenderKind;

/// Words printed on an X or Z report, per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLabels {
    /// Title of an X report.
    pub x_title: String,
    /// Title of a Z report (its number follows).
    pub z_title: String,
    /// "Terminal".
    pub terminal: String,
    /// "Shift".
    pub shift: String,
    /// "Printed" (before the time).
    pub printed: String,
    /// "Sales" (a count).
    pub sales: String,
    /// "Refunds" (a count).
    pub refunds: String,
    /// "Float".
    pub float: String,
    /// "Cash taken".
    pub cash_taken: String,
    /// "Change given".
    pub change_given: String,
    /// "Paid in".
    pub paid_in: String,
    /// "Paid out".
    pub paid_out: String,
    /// "Cash refunds".
    pub cash_refunds: String,
    /// "Expected in drawer".
    pub expected: String,
    /// "Counted".
    pub counted: String,
    /// "Over / short".
    pub over_short: String,
    /// Heading of takings by tender.
    pub by_tender: String,
    /// Heading of takings by tax rate.
    pub by_tax: String,
    /// Heading of takings by category.
    pub by_category: String,
    /// Tender names, in the order of [`TenderKind`]: cash, card, mobile wallet, gift card,
    /// store credit, loyalty points, voucher, card on a standalone terminal, wallet on a
    /// standalone terminal.
    pub tenders: [String; 9],
    /// The decimal separator of amounts (`,` in German).
    pub decimal: char,
    /// The thousands separator of amounts (`.` in German).
    pub group: char,
}

impl ReportLabels {
    /// English.
    pub fn english() -> Self {
        Self::from(
            [
                "X REPORT",
                "Z REPORT",
                "Terminal",
                "Shift",
                "Printed",
                "Sales",
                "Refunds",
                "Float",
                "Cash taken",
                "Change given",
                "Paid in",
                "Paid out",
                "Cash refunds",
                "Expected in drawer",
                "Counted",
                "Over / short",
                "By tender",
                "By tax",
                "By category",
            ],
            [
                "Cash",
                "Card",
                "Mobile wallet",
                "Gift card",
                "Store credit",
                "Points",
                "Voucher",
                "Card (terminal)",
                "Wallet (terminal)",
            ],
        )
    }

    /// Korean (중간정산 is the X report, 마감정산 the Z report).
    pub fn korean() -> Self {
        Self::from(
            [
                "중간정산 (X)",
                "마감정산 (Z)",
                "단말기",
                "근무",
                "출력",
                "판매 건수",
                "환불 건수",
                "시재금",
                "현금 수령",
                "거스름돈",
                "입금",
                "출금",
                "현금 환불",
                "현금 시재 (예상)",
                "현금 시재 (실사)",
                "과부족",
                "결제수단별",
                "세율별",
                "분류별",
            ],
            [
                "현금",
                "카드",
                "간편결제",
                "상품권",
                "적립금",
                "포인트",
                "쿠폰",
                "카드 (단말기)",
                "간편결제 (단말기)",
            ],
        )
    }

    /// German (amounts as `1.012,50`).
    pub fn german() -> Self {
        let german = Self::from(
            [
                "X-BERICHT",
                "Z-BERICHT",
                "Kasse",
                "Schicht",
                "Gedruckt",
                "Verkäufe",
                "Erstattungen",
                "Anfangsbestand",
                "Bar erhalten",
                "Rückgeld",
                "Einlagen",
                "Entnahmen",
                "Bar erstattet",
                "Soll-Bestand",
                "Ist-Bestand",
                "Differenz",
                "Nach Zahlungsart",
                "Nach Steuersatz",
                "Nach Warengruppe",
            ],
            [
                "Bar",
                "Karte",
                "Mobile Wallet",
                "Geschenkkarte",
                "Guthaben",
                "Punkte",
                "Gutschein",
                "Karte (Terminal)",
                "Wallet (Terminal)",
            ],
        );
        ReportLabels { decimal: ',', group: '.', ..german }
    }

    /// Simplified Chinese.
    pub fn chinese() -> Self {
        Self::from(
            [
                "X报表 (交班)",
                "Z报表 (日结)",
                "收银机",
                "班次",
                "打印",
                "销售笔数",
                "退款笔数",
                "备用金",
                "收取现金",
                "找零",
                "存入",
                "取出",
                "现金退款",
                "应有现金",
                "实点现金",
                "长短款",
                "按支付方式",
                "按税率",
                "按品类",
            ],
            [
                "现金",
                "银行卡",
                "移动支付",
                "礼品卡",
                "储值",
                "积分",
                "代金券",
                "银行卡 (终端)",
                "移动支付 (终端)",
            ],
        )
    }

    fn from(w: [&str; 19], t: [&str; 9]) -> Self {
        ReportLabels {
            x_title: w[0].into(),
            z_title: w[1].into(),
            terminal: w[2].into(),
            shift: w[3].into(),
            printed: w[4].into(),
            sales: w[5].into(),
            refunds: w[6].into(),
            float: w[7].into(),
            cash_taken: w[8].into(),
            change_given: w[9].into(),
            paid_in: w[10].into(),
            paid_out: w[11].into(),
            cash_refunds: w[12].into(),
            expected: w[13].into(),
            counted: w[14].into(),
            over_short: w[15].into(),
            by_tender: w[16].into(),
            by_tax: w[17].into(),
            by_category: w[18].into(),
            tenders: t.map(String::from),
            decimal: '.',
            group: ',',
        }
    }

    /// A tender's name.
    pub fn tender(&self, kind: TenderKind) -> &str {
        let i = match kind {
            TenderKind::Cash => 0,
            TenderKind::Card => 1,
            TenderKind::MobileWallet => 2,
            TenderKind::GiftCard => 3,
            TenderKind::StoreCredit => 4,
            TenderKind::LoyaltyPoints => 5,
            TenderKind::Voucher => 6,
            TenderKind::TerminalCard => 7,
            TenderKind::TerminalWallet => 8,
        };
        &self.tenders[i]
    }
}

/// An X or Z report as text lines no wider than `width`; `printed` is the local time of
/// printing as it should appear. The first line is the title (printers print it large).
pub fn render_report(r: &ShiftReport, width: Width, labels: &ReportLabels, printed: &str) -> Vec<String> {
    let w = width.columns();
    let amt = |m: &Money| format_amount_with(m.amount(), m.currency(), labels.decimal, labels.group);
    let rule = "-".repeat(w);
    let title = match (r.kind, r.sequence) {
        (ReportKind::Z, Some(n)) => format!("{} #{n}", labels.z_title),
        (ReportKind::Z, None) => labels.z_title.clone(),
        (ReportKind::X, _) => labels.x_title.clone(),
    };
    // Nothing is cut: a label or value too long for the paper goes on over the next lines.
    let mut out = vec![centre(&title, w), rule.clone()];
    let pair =
        |out: &mut Vec<String>, label: &str, value: &str| out.extend(two_columns_wrapped(label, value, w));
    pair(&mut out, &labels.terminal, &r.terminal);
    pair(&mut out, &labels.shift, &r.shift);
    pair(&mut out, &labels.printed, printed);
    pair(&mut out, &labels.sales, &r.sales.to_string());
    pair(&mut out, &labels.refunds, &r.refunds.to_string());
    out.push(rule.clone());
    let cash = [
        (&labels.float, &r.float),
        (&labels.cash_taken, &r.cash_taken),
        (&labels.change_given, &r.change_given),
        (&labels.paid_in, &r.paid_in),
        (&labels.paid_out, &r.paid_out),
        (&labels.cash_refunds, &r.cash_refunds),
        (&labels.expected, &r.expected_cash),
    ];
    for (label, m) in cash {
        pair(&mut out, label, &amt(m));
    }
    if let Some(counted) = &r.counted_cash {
        pair(&mut out, &labels.counted, &amt(counted));
    }
    if let Some(diff) = &r.over_short {
        let s = if diff.amount().is_sign_positive() && !diff.is_zero() {
            format!("+{}", amt(diff))
        } else {
            amt(diff)
        };
        pair(&mut out, &labels.over_short, &s);
    }
    let mut section = |heading: &str, rows: Vec<(String, &Money)>| {
        if rows.is_empty() {
            return;
        }
        out.push(rule.clone());
        out.extend(wrap_to_width(heading, w));
        for (name, m) in rows {
            pair(&mut out, &format!("  {name}"), &amt(m));
        }
    };
    section(&labels.by_tender, r.by_tender.iter().map(|(k, m)| (labels.tender(*k).to_owned(), m)).collect());
    section(&labels.by_tax, r.by_tax.iter().map(|(k, m)| (k.clone(), m)).collect());
    section(&labels.by_category, r.by_category.iter().map(|(k, m)| (k.clone(), m)).collect());
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pos_core::Currency;
    use pos_core::receipt::display_width;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;

    fn report(kind: ReportKind) -> ShiftReport {
        let won = |n: i64| Money::new(Decimal::from(n), Currency::KRW);
        ShiftReport {
            kind,
            sequence: (kind == ReportKind::Z).then_some(7),
            terminal: "T1".into(),
            shift: "s-1".into(),
            float: won(100_000),
            cash_taken: won(50_000),
            change_given: won(3_500),
            paid_in: won(0),
            paid_out: won(10_000),
            cash_refunds: won(1_500),
            expected_cash: won(135_000),
            counted_cash: (kind == ReportKind::Z).then(|| won(134_000)),
            over_short: (kind == ReportKind::Z).then(|| won(-1_000)),
            by_tender: BTreeMap::from([
                (TenderKind::Cash, won(45_000)),
                (TenderKind::TerminalCard, won(80_000)),
            ]),
            by_tax: BTreeMap::from([("과세 10%".to_owned(), won(125_000))]),
            by_category: BTreeMap::from([("라면".to_owned(), won(60_000)), ("음료".to_owned(), won(65_000))]),
            sales: 12,
            refunds: 1,
        }
    }

    #[test]
    fn a_z_report_in_korean_fits_every_width() {
        for width in [Width::Cols32, Width::Cols42, Width::Cols48] {
            let lines =
                render_report(&report(ReportKind::Z), width, &ReportLabels::korean(), "2026-12-07 22:00");
            for l in &lines {
                assert!(display_width(l) <= width.columns(), "{l:?} in {}", width.columns());
            }
            assert!(lines[0].trim() == "마감정산 (Z) #7", "{:?}", lines[0]);
            assert!(lines.iter().any(|l| l.starts_with("과부족") && l.ends_with(" -1,000")), "{lines:#?}");
            assert!(lines.iter().any(|l| l.starts_with("  카드 (단말기)") && l.ends_with("80,000")));
            assert!(lines.iter().any(|l| l.starts_with("  라면") && l.ends_with("60,000")));
        }
    }

    #[test]
    fn an_x_report_has_no_count_and_no_number() {
        let lines =
            render_report(&report(ReportKind::X), Width::Cols48, &ReportLabels::german(), "07.12.2026 14:00");
        assert_eq!(lines[0].trim(), "X-BERICHT");
        assert!(!lines.iter().any(|l| l.starts_with("Ist-Bestand") || l.starts_with("Differenz")));
        // German separators.
        assert!(lines.iter().any(|l| l.starts_with("Soll-Bestand") && l.ends_with(" 135.000")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.starts_with("  Bar ") && l.ends_with(" 45.000")));
    }

    proptest! {
        /// Whatever the names and amounts, no line is wider than the paper and none is cut.
        #[test]
        fn no_line_is_wider_than_the_paper(
            terminal in "\\PC{0,60}",
            shift in "[a-f0-9-]{0,60}",
            category in "\\PC{0,60}",
            amount in -10_i64.pow(15)..10_i64.pow(15),
        ) {
            let mut r = report(ReportKind::Z);
            let won = |n: i64| Money::new(Decimal::from(n), Currency::KRW);
            r.terminal = terminal;
            r.shift = shift;
            r.expected_cash = won(amount);
            r.over_short = Some(won(amount));
            r.by_category.insert(category.clone(), won(amount));
            let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            for width in [Width::Cols32, Width::Cols42, Width::Cols48] {
                for labels in [ReportLabels::korean(), ReportLabels::german(), ReportLabels::chinese()] {
                    let lines = render_report(&r, width, &labels, "2026-12-07 22:00");
                    for l in &lines {
                        prop_assert!(display_width(l) <= width.columns(), "{:?}", l);
                    }
                    let all = squeezed(&lines.concat());
                    let amount = format_amount_with(Decimal::from(amount), Currency::KRW, labels.decimal, labels.group);
                    for whole in [&r.terminal, &r.shift, &category, &amount] {
                        prop_assert!(all.contains(&squeezed(whole)), "{whole} cut in {lines:#?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_language_names_every_tender() {
        for labels in
            [ReportLabels::english(), ReportLabels::korean(), ReportLabels::german(), ReportLabels::chinese()]
        {
            assert!(labels.tenders.iter().all(|t| !t.is_empty()));
            assert_eq!(labels.tender(TenderKind::Cash), labels.tenders[0]);
        }
    }
}
