//! # pos-escpos
//!
//! Receipts and shift reports on ESC/POS thermal printers.
//!
//! - [`encode_receipt`]: a [`pos_core::Receipt`] as printer bytes: the text laid out by
//!   [`pos_core::receipt::render_text`] (the same layout as the text receipt, not a second copy)
//!   in the code page the language needs, the store's name and the total in bold double
//!   height, a QR code, an EAN-13 or a CODE128 barcode, a cut after a feed, the drawer's pulse,
//!   and a copy mark (`** 사본 **`, `** KOPIE **`) on a reprint.
//! - [`encode_report`]: an X or Z report ([`pos_payments::ShiftReport`]) the same way, laid out
//!   by [`pos_payments::render_report`].
//! - [`Profile`]: what differs between printers (paper and columns, font, double-byte fonts, QR,
//!   cutter, drawer), with built-in models and `serde` for the rest.
//! - Transports implementing [`pos_app::ports::Printer`]: [`TcpPrinter`] (Wi-Fi or Ethernet,
//!   port 9100), [`DevicePrinter`] (a USB printer's `/dev/usb/lp0`, a Bluetooth printer's
//!   `/dev/rfcomm0`, a serial port), [`FilePrinter`] (bytes appended to a file) and
//!   [`PreviewPrinter`] (what would print, as text and a hex dump); [`open`] makes one from a
//!   string such as `tcp://192.168.0.50:9100`. Each asks the printer's real-time status
//!   (`DLE EOT`) before and after printing where the link can answer, so paper out and an open
//!   cover are errors, not silence, and each gives up after its timeout.
//!
//! Code pages ([`Script`]):
//! - **Latin** (German and English): CP858 selected with `ESC t 19`; `€` is 0xD5.
//! - **Korean**: EUC-KR (KS X 1001) in the printer's double-byte mode (`FS &`), with the
//!   international character set for Korea (`ESC R 13`).
//! - **Chinese**: GB18030 in double-byte mode (`FS &`), character set China (`ESC R 15`).
//!
//! A character the code page lacks is never dropped silently: it is replaced by the documented
//! fallback ([`fallback`]: `₩` is the full-width `￦` in EUC-KR and `W` in CP858, `€` is `EUR`
//! where there is no euro sign), or by `?` once per column it would take (so columns stay in
//! line), and every replaced character is listed in [`Encoded::replaced`] so the caller can
//! warn. [`prints_language_of`] says beforehand whether a printer can print a shop's language at
//! all.
#![deny(missing_docs)]

pub mod cmd;
pub mod decode;
mod device;
mod file;
mod link;
pub mod profile;
mod spec;
mod tcp;

pub use device::DevicePrinter;
pub use file::{FilePrinter, PreviewPrinter};
pub use profile::Profile;
pub use spec::{Spec, SpecError, open, parse};
pub use tcp::TcpPrinter;

use cmd::Align;
use pos_core::receipt::{CodeKind, Labels, LineRole, Receipt, layout};
use pos_payments::{ReportLabels, ShiftReport, render_report};

/// Which code page the text goes out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// CP858 (Western European with `€`).
    Latin,
    /// EUC-KR in double-byte mode.
    Korean,
    /// GB18030 in double-byte mode.
    Chinese,
}

impl Script {
    /// The script a store's receipts need, from its currency: KRW Korean, CNY Chinese, others
    /// Latin.
    pub fn for_currency(currency: pos_core::Currency) -> Self {
        match currency.code() {
            "KRW" => Script::Korean,
            "CNY" => Script::Chinese,
            _ => Script::Latin,
        }
    }

    /// What it writes, for people: `Hangul`, `Hanzi`, `Latin`.
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Korean => "Hangul",
            Script::Chinese => "Hanzi",
        }
    }

    /// The commands that select it, after `ESC @`.
    fn select(self) -> Vec<u8> {
        match self {
            Script::Latin => [cmd::code_table(19).as_slice(), cmd::DOUBLE_BYTE_OFF].concat(),
            Script::Korean => [cmd::charset(13).as_slice(), cmd::DOUBLE_BYTE_ON].concat(),
            Script::Chinese => [cmd::charset(15).as_slice(), cmd::DOUBLE_BYTE_ON].concat(),
        }
    }
}

/// What to do besides printing the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// Mark it as a copy (a reprint), with this word (`사본`, `Kopie`, `副本`).
    pub copy: Option<String>,
    /// Open the drawer (pin 5 when true in `drawer_pin5`).
    pub open_drawer: bool,
    /// The drawer hangs on pin 5 rather than pin 2.
    pub drawer_pin5: bool,
}

/// Printer bytes, and the characters the code page lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// What goes to the printer.
    pub bytes: Vec<u8>,
    /// Characters replaced by a fallback or by `?`, in order.
    pub replaced: Vec<char>,
}

impl AsRef<[u8]> for Encoded {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

/// The documented replacement of a character a code page lacks.
pub fn fallback(c: char, script: Script) -> Option<&'static str> {
    match (c, script) {
        ('₩', Script::Korean) => Some("￦"),
        ('₩', _) => Some("W"),
        ('€', _) => Some("EUR"),
        ('¥' | '￥', Script::Korean) => Some("￥"),
        ('–' | '—', _) => Some("-"),
        ('‘' | '’', _) => Some("'"),
        ('“' | '”', _) => Some("\""),
        _ => None,
    }
}

fn encode_char(c: char, script: Script) -> Option<Vec<u8>> {
    let mut buf = [0_u8; 4];
    let s = c.encode_utf8(&mut buf);
    match script {
        Script::Latin => {
            if c.is_ascii() {
                return Some(vec![c as u8]);
            }
            oem_cp::code_table::ENCODING_TABLE_CP858.get(&c).map(|b| vec![*b])
        }
        Script::Korean | Script::Chinese => {
            let encoding = if script == Script::Korean { encoding_rs::EUC_KR } else { encoding_rs::GB18030 };
            let (bytes, _, unmappable) = encoding.encode(s);
            (!unmappable).then(|| bytes.into_owned())
        }
    }
}

/// Text in a script's code page, each character the page lacks replaced (and noted).
pub fn encode_text(text: &str, script: Script, replaced: &mut Vec<char>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(bytes) = encode_char(c, script) {
            out.extend_from_slice(&bytes);
            continue;
        }
        replaced.push(c);
        match fallback(c, script) {
            Some(f) => {
                for fc in f.chars() {
                    out.extend(encode_char(fc, script).unwrap_or_else(|| vec![b'?']));
                }
            }
            // One `?` per column it would have taken, so the columns stay in line.
            None => {
                let columns = pos_core::receipt::display_width(c.encode_utf8(&mut [0; 4])).max(1);
                out.extend(std::iter::repeat_n(b'?', columns));
            }
        }
    }
    out
}

/// Whether a printer with `profile` prints receipts in the language of a shop with `currency`:
/// Hangul and Hanzi need its double-byte fonts; Latin text (German, English) any printer prints.
/// A receipt sent to a printer that cannot would come out as `?`.
pub fn prints_language_of(profile: &Profile, currency: pos_core::Currency) -> bool {
    profile.double_byte || Script::for_currency(currency) == Script::Latin
}

/// A document being written: the script's selection after `ESC @`, then lines.
struct Doc {
    out: Vec<u8>,
    script: Script,
    replaced: Vec<char>,
}

/// How a line is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    /// Bold, double height: the store's name, a report's title, a receipt's total.
    Title,
    /// Underlined: a report's section heading.
    Heading,
    /// Bold, double width and height: a reprint's mark (short, centred).
    Banner,
}

impl Style {
    fn on(self) -> Vec<u8> {
        match self {
            Style::Plain => Vec::new(),
            Style::Title => [cmd::bold(true), cmd::size(cmd::DOUBLE_HEIGHT)].concat(),
            Style::Heading => cmd::underline(1).to_vec(),
            Style::Banner => [cmd::bold(true), cmd::size(cmd::DOUBLE_HEIGHT | cmd::DOUBLE_WIDTH)].concat(),
        }
    }

    fn off(self) -> Vec<u8> {
        match self {
            Style::Plain => Vec::new(),
            Style::Title | Style::Banner => [cmd::size(0), cmd::bold(false)].concat(),
            Style::Heading => cmd::underline(0).to_vec(),
        }
    }
}

impl Doc {
    fn new(script: Script, profile: &Profile) -> Self {
        let mut out = cmd::INIT.to_vec();
        if profile.font_b {
            out.extend_from_slice(&cmd::font(true));
        }
        out.extend(script.select());
        Doc { out, script, replaced: Vec::new() }
    }

    fn line(&mut self, text: &str, style: Style) {
        self.out.extend(style.on());
        self.out.extend(encode_text(text, self.script, &mut self.replaced));
        self.out.extend(style.off());
        self.out.push(cmd::LF);
    }

    fn copy_mark(&mut self, word: &str) {
        self.out.extend_from_slice(&cmd::align(Align::Centre));
        self.line(&format!("** {word} **"), Style::Banner);
        self.out.extend_from_slice(&cmd::align(Align::Left));
    }

    /// The cut (or a feed to tear at) and the drawer's pulse.
    fn finish(mut self, profile: &Profile, options: &Options) -> Encoded {
        if profile.cutter {
            self.out.extend_from_slice(&cmd::cut(false, 0));
        } else {
            self.out.extend_from_slice(&[cmd::LF; 4]);
        }
        if options.open_drawer && profile.drawer {
            self.out.extend_from_slice(&cmd::drawer(options.drawer_pin5));
        }
        Encoded { bytes: self.out, replaced: self.replaced }
    }
}

fn script_for(currency: pos_core::Currency, profile: &Profile) -> Script {
    if profile.double_byte { Script::for_currency(currency) } else { Script::Latin }
}

/// The receipt as printer bytes for `profile`: the lines of
/// [`pos_core::receipt::render_text`] at the profile's width (from [`layout`]), the store's
/// name and the total in bold double height, a reprint's mark in double width; then its code:
/// a QR code where
/// the profile prints them, an EAN-13 barcode when the payload is 12 or 13 digits with a right
/// check digit, CODE128 otherwise.
pub fn encode_receipt(receipt: &Receipt, labels: &Labels, profile: &Profile, options: &Options) -> Encoded {
    let mut doc = Doc::new(script_for(receipt.currency, profile), profile);
    if let Some(word) = &options.copy {
        doc.copy_mark(word);
    }
    for (role, line) in layout(receipt, profile.width, labels) {
        let style = match role {
            LineRole::StoreName | LineRole::Total => Style::Title,
            _ => Style::Plain,
        };
        doc.line(&line, style);
    }
    if let Some((kind, payload)) = &receipt.code {
        doc.out.extend_from_slice(&cmd::align(Align::Centre));
        match kind {
            CodeKind::Qr if profile.qr => doc.out.extend(cmd::qr(payload)),
            _ => doc.out.extend(cmd::ean13(payload).unwrap_or_else(|| cmd::code128(payload))),
        }
        doc.out.push(cmd::LF);
        doc.out.extend_from_slice(&cmd::align(Align::Left));
    }
    doc.finish(profile, options)
}

/// An X or Z report as printer bytes for `profile`: the lines of
/// [`render_report`], the title in bold double height, the
/// section headings underlined, then a cut. `printed` is the local time of printing as it should appear. A Z report printed again
/// carries the copy mark of `options`; the drawer opens only when asked.
pub fn encode_report(
    report: &ShiftReport,
    labels: &ReportLabels,
    profile: &Profile,
    options: &Options,
    printed: &str,
) -> Encoded {
    let mut doc = Doc::new(script_for(report.float.currency(), profile), profile);
    if let Some(word) = &options.copy {
        doc.copy_mark(word);
    }
    let headings = [&labels.by_tender, &labels.by_tax, &labels.by_category];
    for (i, line) in render_report(report, profile.width, labels, printed).iter().enumerate() {
        let style = if i == 0 {
            Style::Title
        } else if headings.iter().any(|h| h.starts_with(line.as_str()) && !line.is_empty()) {
            Style::Heading
        } else {
            Style::Plain
        };
        doc.line(line, style);
    }
    doc.finish(profile, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_the_page_lacks_keeps_its_columns_and_is_listed() {
        let mut replaced = Vec::new();
        assert_eq!(encode_text("라면 2", Script::Latin, &mut replaced), b"???? 2");
        assert_eq!(replaced, ['라', '면']);
        let korean = Profile::hprt_tp808();
        let latin = Profile::generic_80();
        assert!(prints_language_of(&korean, pos_core::Currency::KRW));
        assert!(!prints_language_of(&latin, pos_core::Currency::KRW));
        assert!(!prints_language_of(&latin, pos_core::Currency::CNY));
        assert!(prints_language_of(&latin, pos_core::Currency::EUR));
    }

    #[test]
    fn each_script_has_its_code_page() {
        let mut r = Vec::new();
        assert_eq!(encode_text("Summe 12,50 €", Script::Latin, &mut r), b"Summe 12,50 \xD5".to_vec());
        assert_eq!(encode_text("äöüß", Script::Latin, &mut r), vec![0x84, 0x94, 0x81, 0xE1]);
        assert_eq!(encode_text("합계", Script::Korean, &mut r), vec![0xC7, 0xD5, 0xB0, 0xE8]);
        assert_eq!(encode_text("合计", Script::Chinese, &mut r), vec![0xBA, 0xCF, 0xBC, 0xC6]);
        assert!(r.is_empty());
    }

    #[test]
    fn what_a_page_lacks_is_replaced_as_documented_and_noted() {
        let mut r = Vec::new();
        // EUC-KR has no ₩ but has the full-width ￦ (0xA3DC).
        assert_eq!(encode_text("₩1", Script::Korean, &mut r), vec![0xA3, 0xDC, b'1']);
        assert_eq!(encode_text("김", Script::Latin, &mut r), b"??".to_vec(), "one per column");
        assert_eq!(encode_text("₩", Script::Latin, &mut r), b"W".to_vec());
        assert_eq!(r, ['₩', '김', '₩']);
    }
}
