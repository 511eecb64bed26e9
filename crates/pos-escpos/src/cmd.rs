//! The ESC/POS commands this crate writes, each as its bytes.

/// `ESC @`: initialise.
pub const INIT: &[u8] = &[0x1B, 0x40];
/// `LF`: print the line and feed.
pub const LF: u8 = 0x0A;
/// `FS &`: double-byte (Kanji) mode on.
pub const DOUBLE_BYTE_ON: &[u8] = &[0x1C, 0x26];
/// `FS .`: double-byte mode off.
pub const DOUBLE_BYTE_OFF: &[u8] = &[0x1C, 0x2E];

/// `ESC t n`: character code table (19 is CP858).
pub fn code_table(n: u8) -> [u8; 3] {
    [0x1B, 0x74, n]
}
/// `ESC R n`: international character set (13 Korea, 15 China).
pub fn charset(n: u8) -> [u8; 3] {
    [0x1B, 0x52, n]
}
/// `ESC M n`: font A (0) or font B (1).
pub fn font(b: bool) -> [u8; 3] {
    [0x1B, 0x4D, u8::from(b)]
}
/// `ESC E n`: bold on or off.
pub fn bold(on: bool) -> [u8; 3] {
    [0x1B, 0x45, u8::from(on)]
}
/// `ESC - n`: underline off (0), one dot (1) or two dots (2).
pub fn underline(n: u8) -> [u8; 3] {
    [0x1B, 0x2D, n.min(2)]
}
/// `GS ! n`: character size; [`DOUBLE_HEIGHT`], [`DOUBLE_WIDTH`] or both.
pub fn size(n: u8) -> [u8; 3] {
    [0x1D, 0x21, n]
}
/// For [`size`]: twice as high.
pub const DOUBLE_HEIGHT: u8 = 0x01;
/// For [`size`]: twice as wide.
pub const DOUBLE_WIDTH: u8 = 0x10;
/// `ESC a n`: alignment.
pub fn align(a: Align) -> [u8; 3] {
    [0x1B, 0x61, a as u8]
}
/// `GS V 66 n` (partial) or `GS V 65 n` (full): feed to the cutter plus `n` dots, then cut.
pub fn cut(full: bool, feed: u8) -> [u8; 4] {
    [0x1D, 0x56, if full { 65 } else { 66 }, feed]
}
/// `ESC p m t1 t2`: the drawer's pulse on pin 2 (`m` 0) or pin 5 (`m` 1), 100 ms on and 100 ms
/// off (units of 2 ms).
pub fn drawer(pin5: bool) -> [u8; 5] {
    [0x1B, 0x70, u8::from(pin5), 50, 50]
}
/// `DLE EOT n`: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper sensor).
pub fn status(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// Text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left = 0,
    /// Centre.
    Centre = 1,
    /// Right.
    Right = 2,
}

/// The QR code commands (`GS ( k`): model 2, module size 6, error correction M, store the data,
/// print it. Data longer than a QR code holds (7,089 bytes) is cut there.
pub fn qr(data: &str) -> Vec<u8> {
    let data = &data.as_bytes()[..data.len().min(7_089)];
    let mut out = Vec::with_capacity(data.len() + 40);
    // Model 2.
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    // Module size 6 dots.
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06]);
    // Error correction M (15 %).
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31]);
    let len = data.len() + 3;
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, (len & 0xFF) as u8, (len >> 8) as u8, 0x31, 0x50, 0x30]);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]);
    out
}

/// Height 80 dots, module width 2, the human-readable text below: before any barcode.
fn barcode_setup() -> [u8; 9] {
    [0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 2]
}

/// A CODE128 barcode (code set B) of the printable ASCII in `data` (at most 253 characters),
/// 80 dots high, its text printed below it.
pub fn code128(data: &str) -> Vec<u8> {
    let ascii: Vec<u8> = data.bytes().filter(|b| (0x20..0x7F).contains(b)).take(253).collect();
    let mut out = barcode_setup().to_vec();
    out.extend_from_slice(&[0x1D, 0x6B, 73, u8::try_from(ascii.len() + 2).unwrap_or(u8::MAX)]);
    out.extend_from_slice(b"{B");
    out.extend_from_slice(&ascii);
    out
}

/// The EAN-13 check digit of twelve digits.
pub fn ean13_check(digits: &[u8; 12]) -> u8 {
    let sum: u32 =
        digits.iter().enumerate().map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
    b'0' + u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// An EAN-13 barcode of twelve digits, or of thirteen whose check digit is right; `None` for
/// anything else. The printer is sent the twelve digits and prints the check digit itself (as
/// python-escpos does; some printers refuse thirteen).
pub fn ean13(data: &str) -> Option<Vec<u8>> {
    let bytes = data.as_bytes();
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let first: &[u8; 12] = bytes.get(..12)?.try_into().ok()?;
    match bytes.len() {
        12 => {}
        13 if bytes[12] == ean13_check(first) => {}
        _ => return None,
    }
    let mut out = barcode_setup().to_vec();
    out.extend_from_slice(&[0x1D, 0x6B, 67, 12]);
    out.extend_from_slice(first);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_and_barcode_commands() {
        let q = qr("https://pos.example/r/T1-000001");
        assert_eq!(&q[..9], &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
        assert_eq!(&q[25..33], &[0x1D, 0x28, 0x6B, 34, 0, 0x31, 0x50, 0x30]);
        assert!(q.ends_with(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]));
        let b = code128("T1-000001");
        assert_eq!(&b[9..13], &[0x1D, 0x6B, 73, 11]);
        assert!(b.ends_with(b"{BT1-000001"));
    }

    #[test]
    fn ean13_adds_or_checks_the_check_digit() {
        // 4006381333931 is a well-known valid EAN-13.
        // What python-escpos 3.1 writes for `barcode("400638133393", "EAN13", height=80,
        // width=2, pos="BELOW", function_type="B")`, without its `GS f 0` (HRI font A, the
        // printer's default).
        let theirs = b"\x1dhP\x1dw\x02\x1dH\x02\x1dkC\x0c400638133393";
        assert_eq!(ean13("400638133393").unwrap(), theirs);
        assert_eq!(ean13("4006381333931").unwrap(), theirs);
        assert_eq!(ean13("4006381333932"), None);
        assert_eq!(ean13("T1-000042"), None);
        assert_eq!(ean13("40063813339"), None);
        assert_eq!(ean13("40063813339311"), None);
        assert_eq!(ean13_check(b"880123456789"), b'3');
    }

    #[test]
    fn long_data_is_cut_to_what_the_command_holds() {
        let long = "x".repeat(10_000);
        let q = qr(&long);
        let len = usize::from(q[28]) | usize::from(q[29]) << 8;
        assert_eq!(len, 7_089 + 3);
        assert_eq!(code128(&long)[12], 255);
    }
}
