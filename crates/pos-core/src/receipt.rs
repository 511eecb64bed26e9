//! The receipt model and its plain-text renderer.
//!
//! A [`Receipt`] is a structured document that printer (ESC/POS) and HTML adapters render.
//! [`render_text`] lays it out in 32, 42 or 48 columns, measuring text in display width so that
//! Hangul and Hanzi, which take two columns, line up with Latin text.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::currency::Currency;
use crate::money::{Money, format_amount_with};
use crate::pricing::{PricedBasket, TaxBreakdown};
use crate::tax::TaxMode;

/// Paper width in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Width {
    /// 58 mm paper, font A.
    Cols32,
    /// 80 mm paper, font B or narrow printers.
    Cols42,
    /// 80 mm paper, font A.
    Cols48,
}

impl Width {
    /// Number of columns.
    pub fn columns(self) -> usize {
        match self {
            Width::Cols32 => 32,
            Width::Cols42 => 42,
            Width::Cols48 => 48,
        }
    }
}

/// Words printed on a receipt, per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// "Subtotal".
    pub subtotal: String,
    /// "Discount".
    pub discount: String,
    /// "Total".
    pub total: String,
    /// "Tax" (heading of the breakdown).
    pub tax: String,
    /// "Net".
    pub net: String,
    /// "Gross".
    pub gross: String,
    /// "Change".
    pub change: String,
    /// "Receipt" (before the number).
    pub receipt: String,
    /// "Cashier".
    pub cashier: String,
    /// "incl." (tax included) marker.
    pub included: String,
    /// The decimal separator of amounts and quantities (`,` in German).
    #[serde(default = "default_decimal")]
    pub decimal: char,
    /// The thousands separator of amounts (`.` in German).
    #[serde(default = "default_group")]
    pub group: char,
}

fn default_decimal() -> char {
    '.'
}

fn default_group() -> char {
    ','
}

impl Labels {
    /// An amount with this language's separators (`1,012.50`; German `1.012,50`).
    pub fn amount(&self, amount: Decimal, currency: Currency) -> String {
        format_amount_with(amount, currency, self.decimal, self.group)
    }

    /// A number as printed: a quantity (`0.375kg`; German `0,375kg`), a tax rate.
    pub fn number(&self, quantity: &str) -> String {
        if self.decimal == '.' {
            quantity.to_owned()
        } else {
            quantity.replace('.', &self.decimal.to_string())
        }
    }

    /// English.
    pub fn english() -> Self {
        Self::from([
            "Subtotal", "Discount", "TOTAL", "Tax", "Net", "Gross", "Change", "Receipt", "Cashier", "incl.",
        ])
    }
    /// Korean.
    pub fn korean() -> Self {
        Self::from([
            "소계",
            "할인",
            "합계",
            "부가세",
            "과세물품",
            "합계",
            "거스름돈",
            "영수증",
            "계산원",
            "포함",
        ])
    }
    /// German (amounts as `1.012,50`).
    pub fn german() -> Self {
        Self::from_with(
            [
                "Zwischensumme",
                "Rabatt",
                "SUMME",
                "MwSt",
                "Netto",
                "Brutto",
                "Rückgeld",
                "Beleg",
                "Kassierer",
                "enth.",
            ],
            (',', '.'),
        )
    }
    /// Simplified Chinese.
    pub fn chinese() -> Self {
        Self::from(["小计", "折扣", "合计", "税额", "不含税", "含税", "找零", "小票", "收银员", "含"])
    }

    fn from(w: [&str; 10]) -> Self {
        Self::from_with(w, ('.', ','))
    }

    fn from_with(w: [&str; 10], (decimal, group): (char, char)) -> Self {
        Labels {
            decimal,
            group,
            subtotal: w[0].into(),
            discount: w[1].into(),
            total: w[2].into(),
            tax: w[3].into(),
            net: w[4].into(),
            gross: w[5].into(),
            change: w[6].into(),
            receipt: w[7].into(),
            cashier: w[8].into(),
            included: w[9].into(),
        }
    }
}

/// Store header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoreHeader {
    /// Store name.
    pub name: String,
    /// Address and phone lines.
    pub lines: Vec<String>,
    /// Tax id (사업자등록번호, USt-IdNr., 纳税人识别号).
    pub tax_id: Option<String>,
}

/// One receipt line with its discounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// Item name.
    pub name: String,
    /// Quantity text ("2", "0.375kg").
    pub quantity: String,
    /// Unit price.
    pub unit_price: Decimal,
    /// Amount before discounts.
    pub base: Decimal,
    /// Discounts (label, positive amount).
    pub discounts: Vec<(String, Decimal)>,
    /// Tax label.
    pub tax_label: String,
    /// Amount charged.
    pub total: Decimal,
}

/// A tender on the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptTender {
    /// Label ("Cash", "Card **** 4242").
    pub label: String,
    /// Amount.
    pub amount: Decimal,
}

/// Kind of code printed at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// A 1-D barcode (CODE128).
    Barcode,
    /// A QR code.
    Qr,
}

/// A receipt document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Currency of every amount.
    pub currency: Currency,
    /// Store header.
    pub header: StoreHeader,
    /// Receipt number.
    pub number: String,
    /// Terminal.
    pub terminal: String,
    /// Cashier name.
    pub cashier: String,
    /// Local date and time as printed.
    pub datetime: String,
    /// Lines.
    pub lines: Vec<ReceiptLine>,
    /// Sum of base amounts.
    pub subtotal: Decimal,
    /// Sum of discounts.
    pub discount_total: Decimal,
    /// Amount due.
    pub total: Decimal,
    /// Whether prices include tax.
    pub tax_mode: TaxMode,
    /// Breakdown per rate.
    pub taxes: Vec<TaxBreakdown>,
    /// Tenders.
    pub tenders: Vec<ReceiptTender>,
    /// Change given.
    pub change: Decimal,
    /// Footer lines.
    pub footer: Vec<String>,
    /// Code printed at the bottom and its payload (the receipt number for refunds, a URL).
    pub code: Option<(CodeKind, String)>,
}

impl Receipt {
    /// A receipt for a priced basket, with no tenders yet.
    pub fn from_priced(
        priced: &PricedBasket,
        header: StoreHeader,
        number: &str,
        terminal: &str,
        cashier: &str,
        datetime: &str,
    ) -> Self {
        Receipt {
            currency: priced.currency,
            header,
            number: number.to_owned(),
            terminal: terminal.to_owned(),
            cashier: cashier.to_owned(),
            datetime: datetime.to_owned(),
            lines: priced
                .lines
                .iter()
                .map(|l| ReceiptLine {
                    name: l.name.clone(),
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price.amount(),
                    base: l.base.amount(),
                    discounts: l
                        .discounts
                        .iter()
                        .map(|d| (d.source.label().to_owned(), d.amount.amount()))
                        .collect(),
                    tax_label: l.tax_label.clone(),
                    total: l.total.amount(),
                })
                .collect(),
            subtotal: priced.subtotal.amount(),
            discount_total: priced.discount_total.amount(),
            total: priced.total.amount(),
            tax_mode: priced.tax_mode,
            taxes: priced.taxes.clone(),
            tenders: Vec::new(),
            change: Decimal::ZERO,
            footer: Vec::new(),
            code: Some((CodeKind::Barcode, number.to_owned())),
        }
    }

    /// Adds a tender.
    pub fn with_tender(mut self, label: &str, amount: Money) -> Self {
        self.tenders.push(ReceiptTender { label: label.to_owned(), amount: amount.amount() });
        self
    }

    /// Sets the change.
    pub fn with_change(mut self, change: Money) -> Self {
        self.change = change.amount();
        self
    }

    /// Adds footer lines.
    pub fn with_footer(mut self, lines: &[&str]) -> Self {
        self.footer.extend(lines.iter().map(|s| (*s).to_owned()));
        self
    }
}

/// Display width of a string (Hangul and Hanzi count two).
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `width` display columns, never splitting a wide character.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(ch);
    }
    out
}

/// `left` and `right` on one line of `width` columns, `left` cut to make room.
pub fn two_columns(left: &str, right: &str, width: usize) -> String {
    let rw = display_width(right);
    let room = width.saturating_sub(rw + 1);
    let left = truncate_to_width(left, room);
    let pad = width.saturating_sub(display_width(&left) + rw);
    format!("{left}{}{right}", " ".repeat(pad))
}

/// `s` centred in `width` columns.
pub fn centre(s: &str, width: usize) -> String {
    let s = truncate_to_width(s, width);
    let pad = (width - display_width(&s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

/// The first line of `s` in `width` columns and the rest: broken at the last space that fits,
/// or inside a word (between any two Hangul or Hanzi) when none does. At least one character
/// goes on the line, so the rest is always shorter.
fn take_line(s: &str, width: usize) -> (&str, &str) {
    if display_width(s) <= width {
        return (s, "");
    }
    let mut used = 0;
    let mut cut = s.len();
    let mut space = None;
    for (i, ch) in s.char_indices() {
        let w = UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width {
            cut = i;
            break;
        }
        if ch == ' ' && !s[..i].trim().is_empty() {
            space = Some(i);
        }
        used += w;
    }
    if cut == 0 {
        cut = s.chars().next().map_or(s.len(), char::len_utf8);
    }
    let end = match s[cut..].starts_with(' ') {
        true => cut,
        false => space.unwrap_or(cut),
    };
    (s[..end].trim_end(), s[end..].trim_start())
}

/// `s` in lines of at most `width` columns, broken at spaces where it can be. Nothing is cut.
pub fn wrap_to_width(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = s;
    loop {
        let (line, more) = take_line(rest, width.max(2));
        lines.push(line.to_owned());
        if more.is_empty() {
            return lines;
        }
        rest = more;
    }
}

/// `s` wrapped to `width` columns, its continuation lines indented two columns more than `s`.
fn wrap_indented(s: &str, width: usize) -> Vec<String> {
    let (first, rest) = take_line(s, width.max(2));
    let mut lines = vec![first.to_owned()];
    if !rest.is_empty() {
        let lead = (s.len() - s.trim_start().len() + 2).min(width / 2);
        let indent = " ".repeat(lead);
        lines.extend(wrap_to_width(rest, width - lead).into_iter().map(|l| format!("{indent}{l}")));
    }
    lines
}

/// `left` and `right` as [`two_columns`] when both fit on one line. Otherwise nothing is cut:
/// `left` is wrapped (continuation lines indented), and `right` ends its last line or, when it
/// does not fit there, a line of its own.
pub fn two_columns_wrapped(left: &str, right: &str, width: usize) -> Vec<String> {
    let rw = display_width(right);
    if display_width(left) + 1 + rw <= width {
        return vec![two_columns(left, right, width)];
    }
    let mut lines = wrap_indented(left, width);
    if rw >= width {
        lines.extend(wrap_to_width(right, width));
        return lines;
    }
    match lines.pop() {
        Some(last) if display_width(&last) + 1 + rw <= width => lines.push(two_columns(&last, right, width)),
        last => {
            lines.extend(last);
            lines.push(format!("{}{right}", " ".repeat(width - rw)));
        }
    }
    lines
}

/// `s` wrapped to `width` columns, each line centred.
fn centred(s: &str, width: usize) -> impl Iterator<Item = String> {
    wrap_to_width(s, width).into_iter().map(move |l| centre(&l, width))
}

/// What a line of a laid-out receipt shows, for a renderer that styles lines (a printer prints
/// the store's name and the total large).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineRole {
    /// The store's name.
    StoreName,
    /// The amount to pay.
    Total,
    /// The code's payload as text, under the printed code.
    Code,
    /// Any other line.
    Text,
}

/// Renders a receipt as plain text, one `String` per printed line. No line is wider than
/// `width` display columns, and nothing is cut: a name, an address or a label too long for the
/// paper goes on over the next lines.
pub fn render_text(r: &Receipt, width: Width, labels: &Labels) -> Vec<String> {
    layout(r, width, labels).into_iter().map(|(_, line)| line).collect()
}

/// The lines of [`render_text`], each with what it shows.
pub fn layout(r: &Receipt, width: Width, labels: &Labels) -> Vec<(LineRole, String)> {
    let w = width.columns();
    let amt = |d: Decimal| labels.amount(d, r.currency);
    let rule = "-".repeat(w);
    let mut out: Vec<(LineRole, String)> = Vec::new();
    let text = |lines: Vec<String>, out: &mut Vec<(LineRole, String)>| {
        out.extend(lines.into_iter().map(|l| (LineRole::Text, l)));
    };
    out.extend(centred(&r.header.name, w).map(|l| (LineRole::StoreName, l)));
    for l in &r.header.lines {
        text(centred(l, w).collect(), &mut out);
    }
    if let Some(t) = &r.header.tax_id {
        text(centred(t, w).collect(), &mut out);
    }
    text(vec![rule.clone()], &mut out);
    text(two_columns_wrapped(&format!("{} {}", labels.receipt, r.number), &r.terminal, w), &mut out);
    text(two_columns_wrapped(&format!("{} {}", labels.cashier, r.cashier), &r.datetime, w), &mut out);
    text(vec![rule.clone()], &mut out);
    // Tax labels form a column of their own right of the amounts; discounts align with amounts.
    let lw = r.lines.iter().map(|l| display_width(&l.tax_label)).max().unwrap_or(0);
    let pad_label = |label: &str| format!(" {label}{}", " ".repeat(lw - display_width(label)));
    for line in &r.lines {
        let amount = format!("{}{}", amt(line.base), pad_label(&line.tax_label));
        text(two_columns_wrapped(&line.name, &amount, w), &mut out);
        if line.quantity != "1" {
            let each = format!("  {} x {}", labels.number(&line.quantity), amt(line.unit_price));
            text(wrap_indented(&each, w), &mut out);
        }
        for (label, d) in &line.discounts {
            let amount = format!("-{}{}", amt(*d), pad_label(""));
            text(two_columns_wrapped(&format!("  {label}"), &amount, w), &mut out);
        }
    }
    text(vec![rule.clone()], &mut out);
    if !r.discount_total.is_zero() {
        text(two_columns_wrapped(&labels.subtotal, &amt(r.subtotal), w), &mut out);
        text(two_columns_wrapped(&labels.discount, &format!("-{}", amt(r.discount_total)), w), &mut out);
    }
    let total = format!("{} {}", amt(r.total), r.currency.code());
    out.extend(two_columns_wrapped(&labels.total, &total, w).into_iter().map(|l| (LineRole::Total, l)));
    for t in &r.tenders {
        text(two_columns_wrapped(&t.label, &amt(t.amount), w), &mut out);
    }
    if !r.change.is_zero() {
        text(two_columns_wrapped(&labels.change, &amt(r.change), w), &mut out);
    }
    text(vec![rule.clone()], &mut out);
    let head = match r.tax_mode {
        TaxMode::Inclusive => format!("{} ({})", labels.tax, labels.included),
        TaxMode::Exclusive => labels.tax.clone(),
    };
    text(wrap_to_width(&head, w), &mut out);
    // A table: rate, net, tax, gross, right-aligned under their headings when it fits the paper;
    // otherwise one line per amount.
    let rows: Vec<[String; 4]> = r
        .taxes
        .iter()
        .map(|t| {
            let rate = if t.label.ends_with('%') {
                t.label.clone()
            } else {
                format!("{} {}%", t.label, labels.number(&t.rate.to_string()))
            };
            [rate, amt(t.net.amount()), amt(t.tax.amount()), amt(t.gross.amount())]
        })
        .collect();
    let heads = [String::new(), labels.net.clone(), labels.tax.clone(), labels.gross.clone()];
    let mut cw = [0_usize; 4];
    for row in rows.iter().chain(std::iter::once(&heads)) {
        for (c, cell) in row.iter().enumerate() {
            cw[c] = cw[c].max(display_width(cell));
        }
    }
    if cw.iter().sum::<usize>() + 3 <= w {
        let right = |cell: &str, width: usize| format!("{}{cell}", " ".repeat(width - display_width(cell)));
        let gap = w - cw.iter().sum::<usize>() - 2;
        for row in std::iter::once(&heads).chain(rows.iter()) {
            let first = format!("{}{}", row[0], " ".repeat(cw[0] - display_width(&row[0])));
            out.push((
                LineRole::Text,
                format!(
                    "{first}{}{} {} {}",
                    " ".repeat(gap),
                    right(&row[1], cw[1]),
                    right(&row[2], cw[2]),
                    right(&row[3], cw[3])
                ),
            ));
        }
    } else {
        for row in &rows {
            text(two_columns_wrapped(&row[0], &format!("{} {}", labels.net, row[1]), w), &mut out);
            text(two_columns_wrapped(&format!("  {}", labels.tax), &row[2], w), &mut out);
            text(two_columns_wrapped(&format!("  {}", labels.gross), &row[3], w), &mut out);
        }
    }
    if !r.footer.is_empty() {
        text(vec![rule], &mut out);
        for f in &r.footer {
            text(centred(f, w).collect(), &mut out);
        }
    }
    if let Some((_, payload)) = &r.code {
        let starred = format!("*{payload}*");
        let lines = match display_width(&starred) <= w {
            true => vec![centre(&starred, w)],
            false => centred(payload, w).collect(),
        };
        out.extend(lines.into_iter().map(|l| (LineRole::Code, l)));
    }
    out
}

/// Text made safe to place in HTML.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a receipt as a self-contained HTML page (for an e-mail or a browser's print), from
/// the same model as [`render_text`] and with the same words. Every text from the receipt is
/// escaped; the page loads nothing from elsewhere.
pub fn render_html(r: &Receipt, labels: &Labels) -> String {
    let amt = |d: Decimal| escape_html(&labels.amount(d, r.currency));
    let e = |s: &str| escape_html(s);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
    h.push_str(&format!("<title>{} {}</title>", e(&labels.receipt), e(&r.number)));
    h.push_str(
        "<style>body{font-family:sans-serif;max-width:26em;margin:1em auto}table{width:100%;border-collapse:collapse}\
         td.n{text-align:right;white-space:nowrap}tr.d td{color:#555;padding-left:1em}\
         .total td{font-weight:bold;border-top:1px solid #000}header,footer{text-align:center}</style></head><body>\n",
    );
    h.push_str(&format!("<header><h1>{}</h1>", e(&r.header.name)));
    for l in &r.header.lines {
        h.push_str(&format!("<div>{}</div>", e(l)));
    }
    if let Some(t) = &r.header.tax_id {
        h.push_str(&format!("<div>{}</div>", e(t)));
    }
    h.push_str("</header>\n");
    h.push_str(&format!(
        "<p>{} {} &middot; {}<br>{} {} &middot; {}</p>\n",
        e(&labels.receipt),
        e(&r.number),
        e(&r.terminal),
        e(&labels.cashier),
        e(&r.cashier),
        e(&r.datetime)
    ));
    h.push_str("<table>\n");
    for line in &r.lines {
        let qty = if line.quantity == "1" {
            String::new()
        } else {
            format!(" ({} &times; {})", e(&labels.number(&line.quantity)), amt(line.unit_price))
        };
        h.push_str(&format!(
            "<tr><td>{}{qty}</td><td class=\"n\">{} {}</td></tr>\n",
            e(&line.name),
            amt(line.base),
            e(&line.tax_label)
        ));
        for (label, d) in &line.discounts {
            h.push_str(&format!(
                "<tr class=\"d\"><td>{}</td><td class=\"n\">-{}</td></tr>\n",
                e(label),
                amt(*d)
            ));
        }
    }
    if !r.discount_total.is_zero() {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>\n",
            e(&labels.subtotal),
            amt(r.subtotal)
        ));
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">-{}</td></tr>\n",
            e(&labels.discount),
            amt(r.discount_total)
        ));
    }
    h.push_str(&format!(
        "<tr class=\"total\"><td>{}</td><td class=\"n\">{} {}</td></tr>\n",
        e(&labels.total),
        amt(r.total),
        r.currency.code()
    ));
    for t in &r.tenders {
        h.push_str(&format!("<tr><td>{}</td><td class=\"n\">{}</td></tr>\n", e(&t.label), amt(t.amount)));
    }
    if !r.change.is_zero() {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>\n",
            e(&labels.change),
            amt(r.change)
        ));
    }
    h.push_str("</table>\n");
    let head = match r.tax_mode {
        TaxMode::Inclusive => format!("{} ({})", labels.tax, labels.included),
        TaxMode::Exclusive => labels.tax.clone(),
    };
    h.push_str(&format!(
        "<table><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr>\n",
        e(&head),
        e(&labels.net),
        e(&labels.tax),
        e(&labels.gross)
    ));
    for t in &r.taxes {
        let rate = if t.label.ends_with('%') {
            t.label.clone()
        } else {
            format!("{} {}%", t.label, labels.number(&t.rate.to_string()))
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            e(&rate),
            amt(t.net.amount()),
            amt(t.tax.amount()),
            amt(t.gross.amount())
        ));
    }
    h.push_str("</table>\n<footer>");
    for f in &r.footer {
        h.push_str(&format!("<div>{}</div>", e(f)));
    }
    if let Some((_, payload)) = &r.code {
        h.push_str(&format!("<div><code>{}</code></div>", e(payload)));
    }
    h.push_str("</footer>\n</body></html>\n");
    h
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn html_escapes_everything_it_is_given() {
        let r = Receipt {
            currency: Currency::KRW,
            header: StoreHeader { name: "<b>Kim & Co</b>".into(), lines: vec![], tax_id: None },
            number: "T1-000001".into(),
            terminal: "T1".into(),
            cashier: "\"kim\"".into(),
            datetime: "2026-11-23 12:00".into(),
            lines: vec![ReceiptLine {
                name: "<script>alert(1)</script>".into(),
                quantity: "2".into(),
                unit_price: Decimal::from(1_000),
                base: Decimal::from(2_000),
                discounts: vec![("1+1 'sale'".into(), Decimal::from(1_000))],
                tax_label: "VAT".into(),
                total: Decimal::from(1_000),
            }],
            subtotal: Decimal::from(2_000),
            discount_total: Decimal::from(1_000),
            total: Decimal::from(1_000),
            tax_mode: TaxMode::Inclusive,
            taxes: vec![],
            tenders: vec![ReceiptTender { label: "현금".into(), amount: Decimal::from(1_000) }],
            change: Decimal::ZERO,
            footer: vec!["감사합니다".into()],
            code: Some((CodeKind::Barcode, "T1-000001".into())),
        };
        let html = render_html(&r, &Labels::korean());
        assert!(!html.contains("<script>") && !html.contains("<b>Kim"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            html.contains("Kim &amp; Co")
                && html.contains("&quot;kim&quot;")
                && html.contains("&#39;sale&#39;")
        );
        assert!(html.contains("감사합니다") && html.contains("2,000"), "{html}");
    }
}
