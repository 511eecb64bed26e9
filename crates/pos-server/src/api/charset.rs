//! The character set of an imported CSV file.
//!
//! Spreadsheets save CSV in the legacy charset of the computer's language unless told "CSV
//! UTF-8": Excel in Korean saves EUC-KR (code page 949), in Chinese GB18030 (936), in German
//! Windows-1252. An import reads the charset the request names (`?charset=` or the
//! Content-Type's `charset`); without one, UTF-8 when the file is UTF-8, else the charset a
//! spreadsheet in the shop's language saves. The job says which was read. A byte the charset
//! has no character for is an error naming the charset and the line, never a silent `�`.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding};

use crate::error::ApiError;

/// The charset a label names (`utf-8`, `euc-kr` or `cp949`, `gb18030` or `gbk`,
/// `windows-1252` or `latin1`, or any other WHATWG label of an ASCII-compatible charset).
///
/// # Errors
/// A 422 on `charset` for an unknown label, or UTF-16 (not CSV as spreadsheets save it).
pub(super) fn named(label: &str) -> Result<&'static Encoding, ApiError> {
    let label = label.trim().trim_matches('"').to_ascii_lowercase();
    let encoding = match label.as_str() {
        "cp949" | "ms949" | "uhc" => Some(encoding_rs::EUC_KR),
        "cp936" | "ms936" => Some(encoding_rs::GB18030),
        "cp1252" => Some(encoding_rs::WINDOWS_1252),
        other => Encoding::for_label(other.as_bytes()),
    };
    encoding.filter(|e| e.is_ascii_compatible() && *e != encoding_rs::REPLACEMENT).ok_or_else(|| {
        ApiError::field(
            "charset",
            format!(
                "`{label}` is not a charset an import reads: utf-8, euc-kr (cp949), gb18030 (gbk), \
                 windows-1252 (latin1) or another ASCII-compatible one"
            ),
        )
    })
}

/// The charset named by a Content-Type such as `text/csv; charset=euc-kr`.
pub(super) fn in_content_type(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then_some(value.trim())
    })
}

/// What a spreadsheet in the language of a shop with this currency saves CSV in.
pub(super) fn of_spreadsheets(currency: pos_core::Currency) -> &'static Encoding {
    match currency.code() {
        "KRW" => encoding_rs::EUC_KR,
        "CNY" => encoding_rs::GB18030,
        "JPY" => encoding_rs::SHIFT_JIS,
        "TWD" | "HKD" => encoding_rs::BIG5,
        _ => encoding_rs::WINDOWS_1252,
    }
}

/// Whether a file, fed in pieces, is UTF-8 (a character may be split between pieces).
#[derive(Debug, Default)]
pub(super) struct Utf8Check {
    pending: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    /// Takes the next piece.
    pub(super) fn feed(&mut self, mut bytes: &[u8]) {
        // The end of a character the last piece began.
        while !self.invalid && !self.pending.is_empty() && !bytes.is_empty() {
            self.pending.push(bytes[0]);
            bytes = &bytes[1..];
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(e) if e.error_len().is_none() => {}
                Err(_) => self.invalid = true,
            }
        }
        if self.invalid || bytes.is_empty() {
            return;
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.pending = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }

    /// Whether everything fed was UTF-8, ending on a whole character.
    pub(super) fn is_utf8(&self) -> bool {
        !self.invalid && self.pending.is_empty()
    }
}

/// A byte the file's charset has no character for.
#[derive(Debug, thiserror::Error)]
#[error(
    "the file is not {charset}: a byte has no character in it; name the file's charset (?charset=...) \
     or save it as \"CSV UTF-8\""
)]
pub(super) struct NotInCharset {
    /// The line it is on.
    pub(super) line: u64,
    /// The charset read.
    pub(super) charset: &'static str,
}

/// Reads text in a legacy charset as UTF-8. A byte the charset has no character for is an
/// `InvalidData` error naming the charset and the line.
pub(super) struct Transcoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    input: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    output: Vec<u8>,
    given: usize,
    /// Lines decoded so far, for the error's line.
    newlines: u64,
}

impl<R: Read> Transcoded<R> {
    /// `inner` read as `encoding`.
    pub(super) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Transcoded {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            name: encoding.name(),
            input: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            done: false,
            output: Vec::new(),
            given: 0,
            newlines: 0,
        }
    }
}

impl<R: Read> Read for Transcoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.given < self.output.len() {
                let n = buf.len().min(self.output.len() - self.given);
                buf[..n].copy_from_slice(&self.output[self.given..self.given + n]);
                self.given += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                (self.start, self.end, self.eof) = (0, n, n == 0);
            }
            let pending = &self.input[self.start..self.end];
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(pending.len())
                .unwrap_or(pending.len() * 3 + 16);
            self.output.resize(room.max(16), 0);
            let (result, read, written) =
                self.decoder.decode_to_utf8_without_replacement(pending, &mut self.output, self.eof);
            self.start += read;
            self.output.truncate(written);
            self.given = 0;
            self.newlines += self.output.iter().filter(|b| **b == b'\n').count() as u64;
            match result {
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    let line = self.newlines + 1;
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        NotInCharset { line, charset: self.name },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_charsets_and_utf16_is_refused() {
        for (label, name) in [
            ("euc-kr", "EUC-KR"),
            ("CP949", "EUC-KR"),
            ("ks_c_5601-1987", "EUC-KR"),
            ("gbk", "GBK"),
            ("gb18030", "gb18030"),
            ("latin1", "windows-1252"),
            ("\"utf-8\"", "UTF-8"),
        ] {
            assert_eq!(named(label).unwrap().name(), name, "{label}");
        }
        for bad in ["utf-16le", "utf-16", "klingon", ""] {
            assert!(named(bad).is_err(), "{bad}");
        }
        assert_eq!(in_content_type("text/csv; Charset=\"euc-kr\""), Some("\"euc-kr\""));
        assert_eq!(in_content_type("text/csv"), None);
    }

    #[test]
    fn utf8_split_anywhere_is_utf8_and_a_legacy_byte_is_not() {
        let text = "sku,name\n0001,콜라 500ml\n0002,Größe\n".as_bytes();
        for cut in 0..text.len() {
            let mut check = Utf8Check::default();
            check.feed(&text[..cut]);
            check.feed(&text[cut..]);
            assert!(check.is_utf8(), "cut at {cut}");
        }
        let (euc, _, _) = encoding_rs::EUC_KR.encode("0001,콜라\n");
        let mut check = Utf8Check::default();
        check.feed(&euc);
        assert!(!check.is_utf8());
        let mut truncated = Utf8Check::default();
        truncated.feed(&"콜".as_bytes()[..2]);
        assert!(!truncated.is_utf8(), "a file ending inside a character is not UTF-8");
    }

    #[test]
    fn legacy_text_reads_as_utf8_through_small_buffers() {
        let text = "sku,name\n".to_owned() + &"0001,콜라 可乐 Größe €\n".repeat(5_000);
        for encoding in [encoding_rs::EUC_KR, encoding_rs::GB18030, encoding_rs::WINDOWS_1252] {
            let sample: String = text.chars().filter(|c| !encoding.encode(&c.to_string()).2).collect();
            let (bytes, _, lossy) = encoding.encode(&sample);
            assert!(!lossy);
            // Seven bytes at a time: characters are split between reads.
            let mut out = Vec::new();
            let mut reader = Transcoded::new(&bytes[..], encoding);
            let mut buf = [0_u8; 7];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            let out = String::from_utf8(out).unwrap();
            assert_eq!(out, sample, "{}", encoding.name());
        }
    }

    #[test]
    fn a_byte_the_charset_lacks_is_an_error_naming_charset_and_line() {
        let mut bytes = b"sku,name\n0001,ok\n0002,".to_vec();
        bytes.extend_from_slice(&[0xC4, 0x20]); // a lead byte and no trail byte in EUC-KR
        let mut out = Vec::new();
        let e = Transcoded::new(&bytes[..], encoding_rs::EUC_KR).read_to_end(&mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let why = e.get_ref().and_then(|e| e.downcast_ref::<NotInCharset>()).unwrap();
        assert_eq!((why.line, why.charset), (3, "EUC-KR"));
        assert!(why.to_string().starts_with("the file is not EUC-KR"), "{why}");
    }
}
