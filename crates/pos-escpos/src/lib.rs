//! # pos-escpos
//!
//! A [`pos_core::Receipt`] as the bytes an ESC/POS thermal printer prints: the text laid out by
//! [`pos_core::receipt::render_text`] (the same layout as the text receipt, not a second copy),
//! in the code page the language needs, with the store's name in bold double height, the total
//! in bold, a QR code or a CODE128 barcode of the receipt, a partial cut after a feed, and the
//! cash drawer's pulse.
//!
//! Code pages ([`Script`]):
//! - **Latin** (German and English): CP858 selected with `ESC t 19`; `€` is 0xD5.
//! - **Korean**: EUC-KR (KS X 1001) in the printer's double-byte mode (`FS &`), with the
//!   international character set for Korea (`ESC R 13`).
//! - **Chinese**: GB18030 in double-byte mode (`FS &`), character set China (`ESC R 15`).
//!
//! A character the code page lacks is never dropped silently: it is replaced by the documented
//! fallback ([`fallback`]: `₩` is the full-width `￦` in EUC-KR and `W` in CP858, `€` is `EUR`
//! where there is no euro sign), or by `?`, and every replaced character is listed in
//! [`Encoded::replaced`] so the caller can warn.
//!
//! [`Profile`] holds what differs between printers: paper width and columns, double-byte
//! support, QR, cut and drawer.
#![deny(missing_docs)]

use pos_core::receipt::CodeKind;
pub mod tcp;

pub use tcp::TcpPrinter;

use pos_core::receipt::{Labels, Receipt, Width, render_text};

/// Printer commands used here.
pub mod cmd {
    /// `ESC @`: initialise.
    pub const INIT: &[u8] = &[0x1B, 0x40];
    /// `LF`.
    pub const LF: u8 = 0x0A;
    /// `FS &`: double-byte (Kanji) mode on.
    pub const DOUBLE_BYTE_ON: &[u8] = &[0x1C, 0x26];
    /// `FS .`: double-byte mode off.
    pub const DOUBLE_BYTE_OFF: &[u8] = &[0x1C, 0x2E];

    /// `ESC t n`: character code table.
    pub fn code_table(n: u8) -> [u8; 3] {
        [0x1B, 0x74, n]
    }
    /// `ESC R n`: international character set.
    pub fn charset(n: u8) -> [u8; 3] {
        [0x1B, 0x52, n]
    }
    /// `ESC E n`: bold on or off.
    pub fn bold(on: bool) -> [u8; 3] {
        [0x1B, 0x45, u8::from(on)]
    }
    /// `GS ! n`: character size (0x01 double height, 0x10 double width).
    pub fn size(n: u8) -> [u8; 3] {
        [0x1D, 0x21, n]
    }
    /// `ESC a n`: alignment (0 left, 1 centre, 2 right).
    pub fn align(n: u8) -> [u8; 3] {
        [0x1B, 0x61, n]
    }
    /// `GS V 66 n`: feed `n` dots and cut partially; `GS V 65 n` cuts fully.
    pub fn cut(full: bool, feed: u8) -> [u8; 4] {
        [0x1D, 0x56, if full { 65 } else { 66 }, feed]
    }
    /// `ESC p m t1 t2`: the drawer pulse on pin 2 (`m` 0) or pin 5 (`m` 1), 50 ms on, 500 ms off.
    pub fn drawer(pin5: bool) -> [u8; 5] {
        [0x1B, 0x70, u8::from(pin5), 25, 250]
    }
    /// `DLE EOT n`: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper).
    pub fn status(n: u8) -> [u8; 3] {
        [0x10, 0x04, n]
    }
}

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

    /// The commands that select it, after `ESC @`.
    fn select(self) -> Vec<u8> {
        match self {
            Script::Latin => [cmd::code_table(19).as_slice(), cmd::DOUBLE_BYTE_OFF].concat(),
            Script::Korean => [cmd::charset(13).as_slice(), cmd::DOUBLE_BYTE_ON].concat(),
            Script::Chinese => [cmd::charset(15).as_slice(), cmd::DOUBLE_BYTE_ON].concat(),
        }
    }
}

/// Paper and what the printer can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// A name for people.
    pub name: String,
    /// Columns of font A on its paper.
    pub width: Width,
    /// Whether it prints Hangul and Hanzi in double-byte mode.
    pub double_byte: bool,
    /// Whether it prints QR codes (`GS ( k`).
    pub qr: bool,
    /// Whether it has a cutter.
    pub cutter: bool,
    /// Whether a cash drawer can hang on it.
    pub drawer: bool,
}

impl Profile {
    /// An 80 mm printer with 48 columns, double-byte fonts, QR, a cutter and a drawer port (an
    /// Epson TM-T88 or HPRT TP808 class printer).
    pub fn receipt_80() -> Self {
        Profile {
            name: "80 mm (TM-T88, TP808 class)".into(),
            width: Width::Cols48,
            double_byte: true,
            qr: true,
            cutter: true,
            drawer: true,
        }
    }

    /// A 58 mm mobile printer with 32 columns: no cutter, no drawer.
    pub fn mobile_58() -> Self {
        Profile {
            name: "58 mm mobile".into(),
            width: Width::Cols32,
            double_byte: true,
            qr: true,
            cutter: false,
            drawer: false,
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
            None => out.push(b'?'),
        }
    }
    out
}

/// The QR code commands (`GS ( k`): model 2, module size 6, error correction M, the data, print.
pub fn qr(data: &str) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06]);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31]);
    let len = data.len() + 3;
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, (len & 0xFF) as u8, (len >> 8) as u8, 0x31, 0x50, 0x30]);
    out.extend_from_slice(data.as_bytes());
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]);
    out
}

/// A CODE128 barcode (code set B) of ASCII `data`, 80 dots high, the text printed below it.
pub fn code128(data: &str) -> Vec<u8> {
    let ascii: Vec<u8> = data.bytes().filter(|b| (0x20..0x7F).contains(b)).collect();
    let mut out = vec![0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 2, 0x1D, 0x6B, 73];
    out.push(u8::try_from(ascii.len() + 2).unwrap_or(u8::MAX));
    out.extend_from_slice(b"{B");
    out.extend_from_slice(&ascii[..ascii.len().min(253)]);
    out
}

/// The receipt as printer bytes for `profile`.
pub fn encode_receipt(receipt: &Receipt, labels: &Labels, profile: &Profile, options: &Options) -> Encoded {
    let mut script = Script::for_currency(receipt.currency);
    if !profile.double_byte {
        script = Script::Latin;
    }
    let mut replaced = Vec::new();
    let mut out = cmd::INIT.to_vec();
    out.extend(script.select());
    let lines = render_text(receipt, profile.width, labels);
    if let Some(word) = &options.copy {
        out.extend_from_slice(&cmd::align(1));
        out.extend_from_slice(&cmd::bold(true));
        out.extend(encode_text(&format!("** {word} **"), script, &mut replaced));
        out.extend_from_slice(&cmd::bold(false));
        out.extend_from_slice(&cmd::align(0));
        out.push(cmd::LF);
    }
    let total_prefix = labels.total.as_str();
    for (i, line) in lines.iter().enumerate() {
        let name = i == 0;
        let total = line.starts_with(total_prefix);
        if name {
            out.extend_from_slice(&cmd::bold(true));
            out.extend_from_slice(&cmd::size(0x01));
        } else if total {
            out.extend_from_slice(&cmd::bold(true));
        }
        out.extend(encode_text(line, script, &mut replaced));
        if name {
            out.extend_from_slice(&cmd::size(0));
        }
        if name || total {
            out.extend_from_slice(&cmd::bold(false));
        }
        out.push(cmd::LF);
    }
    if let Some((kind, payload)) = &receipt.code {
        out.extend_from_slice(&cmd::align(1));
        match kind {
            CodeKind::Qr if profile.qr => out.extend(qr(payload)),
            _ => out.extend(code128(payload)),
        }
        out.push(cmd::LF);
        out.extend_from_slice(&cmd::align(0));
    }
    if profile.cutter {
        out.extend_from_slice(&cmd::cut(false, 96));
    } else {
        out.extend_from_slice(&[cmd::LF, cmd::LF, cmd::LF, cmd::LF]);
    }
    if options.open_drawer && profile.drawer {
        out.extend_from_slice(&cmd::drawer(options.drawer_pin5));
    }
    Encoded { bytes: out, replaced }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(encode_text("김", Script::Latin, &mut r), b"?".to_vec());
        assert_eq!(encode_text("₩", Script::Latin, &mut r), b"W".to_vec());
        assert_eq!(r, ['₩', '김', '₩']);
    }

    #[test]
    fn qr_and_barcode_commands() {
        let q = qr("https://pos.example/r/T1-000001");
        assert_eq!(&q[..9], &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
        let store = &q[25..33];
        assert_eq!(store, &[0x1D, 0x28, 0x6B, 34, 0, 0x31, 0x50, 0x30]);
        assert!(q.ends_with(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]));
        let b = code128("T1-000001");
        assert_eq!(&b[9..13], &[0x1D, 0x6B, 73, 11]);
        assert!(b.ends_with(b"{BT1-000001"));
    }
}
