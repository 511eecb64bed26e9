//! Reading printer bytes back: the commands this crate writes, walked one by one, and the text
//! between them decoded from the code page the commands selected. The preview
//! ([`crate::PreviewPrinter`]) shows a document this way, and tests read golden files with it.
//! (An independent decoder reads the golden files too: CI's `.ci/escpos_decode.py`.)

use crate::Script;

/// One piece of an ESC/POS stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Bytes to print, in the code page in force.
    Text(&'a [u8]),
    /// `LF`: the line ends.
    LineFeed,
    /// A command, all its bytes.
    Command(&'a [u8]),
}

/// The length of the command at the start of `b` (which starts with ESC, FS, GS or DLE), or
/// what is left when it is cut short.
fn command_len(b: &[u8]) -> usize {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let len = match (b[0], at(1)) {
        (0x1B, 0x40) => 2,
        (0x1B, 0x70) => 5,
        (0x1C, _) => 2,
        (0x1D, 0x28) => 5 + usize::from(at(3)) + 256 * usize::from(at(4)),
        (0x1D, 0x6B) if at(2) >= 65 => 4 + usize::from(at(3)),
        // Function A of `GS k`: the data ends with NUL.
        (0x1D, 0x6B) => b.iter().skip(3).position(|&c| c == 0).map_or(b.len(), |p| p + 4),
        (0x1D, 0x56) if at(2) >= 65 => 4,
        _ => 3,
    };
    len.min(b.len())
}

/// The stream as pieces.
pub fn pieces(bytes: &[u8]) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x1B | 0x1C | 0x1D | 0x10 => {
                let n = command_len(&bytes[i..]);
                out.push(Piece::Command(&bytes[i..i + n]));
                i += n;
            }
            0x0A => {
                out.push(Piece::LineFeed);
                i += 1;
            }
            _ => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| matches!(b, 0x1B | 0x1C | 0x1D | 0x10 | 0x0A))
                    .map_or(bytes.len(), |p| i + p);
                out.push(Piece::Text(&bytes[i..end]));
                i = end;
            }
        }
    }
    out
}

/// Text in a script's code page as a `String`.
pub fn decode_text(bytes: &[u8], script: Script) -> String {
    match script {
        Script::Latin => bytes
            .iter()
            .map(|b| match b {
                0..0x80 => char::from(*b),
                _ => oem_cp::code_table::DECODING_TABLE_CP858[usize::from(*b - 0x80)],
            })
            .collect(),
        Script::Korean => encoding_rs::EUC_KR.decode(bytes).0.into_owned(),
        Script::Chinese => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// What a command does, for people; `None` for text styling (bold, size, alignment, font,
/// code pages) that changes how text looks, not what prints.
pub fn describe(command: &[u8]) -> Option<String> {
    let at = |i: usize| command.get(i).copied().unwrap_or(0);
    Some(match (at(0), at(1)) {
        (0x1B, 0x70) => format!("[drawer: pulse on pin {}]", if at(2) == 1 { 5 } else { 2 }),
        (0x1D, 0x56) => format!("[{} cut]", if matches!(at(2), 0 | 48 | 65) { "full" } else { "partial" }),
        (0x1D, 0x28) if at(6) == 0x50 => {
            format!("[QR: {}]", String::from_utf8_lossy(command.get(8..).unwrap_or_default()))
        }
        (0x1D, 0x6B) => {
            let (kind, data) = match at(2) {
                67 => {
                    let digits = command.get(4..).unwrap_or_default();
                    let check = <&[u8; 12]>::try_from(digits).ok().map(crate::cmd::ean13_check);
                    let full: Vec<u8> = digits.iter().copied().chain(check).collect();
                    return Some(format!("[EAN-13: {}]", String::from_utf8_lossy(&full)));
                }
                73 => ("CODE128", command.get(6..).unwrap_or_default()),
                _ => ("barcode", command.get(3..).unwrap_or_default()),
            };
            format!("[{kind}: {}]", String::from_utf8_lossy(data))
        }
        (0x10, 0x04) => format!("[status request {}]", at(2)),
        _ => return None,
    })
}

/// What the printer would print: text lines decoded in the code page the stream selected
/// (CP858 after `ESC t 19`, EUC-KR after `ESC R 13` and `FS &`, GB18030 after `ESC R 15` and
/// `FS &`), and each barcode, QR code, cut and drawer pulse as a bracketed note on its own line.
pub fn printed(bytes: &[u8]) -> Vec<String> {
    lines(bytes).into_iter().map(|(_, line)| line).collect()
}

/// A line of [`printed`], and whether it is a note (a barcode, a cut...) rather than text.
pub fn lines(bytes: &[u8]) -> Vec<(bool, String)> {
    let mut script = Script::Latin;
    let mut double_byte = false;
    let mut charset = 0;
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces(bytes) {
        match piece {
            Piece::Text(t) => line.push_str(&decode_text(t, script)),
            Piece::LineFeed => lines.push((false, std::mem::take(&mut line))),
            Piece::Command(c) => {
                match c {
                    [0x1B, 0x52, n] => charset = *n,
                    [0x1C, 0x26] => double_byte = true,
                    [0x1C, 0x2E] => double_byte = false,
                    _ => {}
                }
                script = match (double_byte, charset) {
                    (true, 13) => Script::Korean,
                    (true, _) => Script::Chinese,
                    (false, _) => Script::Latin,
                };
                if let Some(note) = describe(c) {
                    if !line.is_empty() {
                        lines.push((false, std::mem::take(&mut line)));
                    }
                    lines.push((true, note));
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push((false, line));
    }
    lines
}

/// A hex dump: offset, sixteen bytes in hex, the printable ASCII among them.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, row) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        let text: String =
            row.iter().map(|b| if (0x20..0x7F).contains(b) { char::from(*b) } else { '.' }).collect();
        out.push_str(&format!("{:08x}  {:<47}  {text}\n", i * 16, hex.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd;

    #[test]
    fn commands_text_and_notes_are_told_apart() {
        let mut b = cmd::INIT.to_vec();
        b.extend_from_slice(&cmd::charset(13));
        b.extend_from_slice(cmd::DOUBLE_BYTE_ON);
        b.extend_from_slice(&cmd::bold(true));
        b.extend_from_slice(&[0xC7, 0xD5, 0xB0, 0xE8, b' ', b'1']);
        b.extend_from_slice(&cmd::bold(false));
        b.push(cmd::LF);
        b.extend(cmd::qr("https://x.example/1"));
        b.extend(cmd::ean13("400638133393").unwrap());
        b.extend(cmd::code128("T1-1"));
        b.extend_from_slice(&cmd::cut(false, 0));
        b.extend_from_slice(&cmd::drawer(true));
        assert_eq!(
            printed(&b),
            [
                "합계 1",
                "[QR: https://x.example/1]",
                "[EAN-13: 4006381333931]",
                "[CODE128: T1-1]",
                "[partial cut]",
                "[drawer: pulse on pin 5]"
            ]
        );
    }

    #[test]
    fn a_stream_cut_short_does_not_panic() {
        for cut in
            [&[0x1D, 0x28, 0x6B, 0xFF][..], &[0x1B], &[0x1D, 0x6B, 2, b'1'], &[0x1D, 0x6B, 73, 9, b'{']]
        {
            let p = pieces(cut);
            assert_eq!(
                p.iter().map(|p| if let Piece::Command(c) = p { c.len() } else { 0 }).sum::<usize>(),
                cut.len()
            );
            let _ = printed(cut);
        }
        assert!(hex_dump(b"\x1b@AB").starts_with("00000000  1b 40 41 42"));
    }
}
