//! Tamper-evident journal primitives: a canonical encoding of finalised documents, a keyed hash
//! chain with a gapless sequence per terminal, and verification.
//!
//! Each entry's hash is `HMAC-SHA256(key, previous hash || fields of the entry)`, the key a
//! per-store secret kept outside the database ([`JournalKey`]). Changing a field, removing an
//! entry or swapping two breaks the chain at a point [`verify`] reports; without the key nobody
//! can rewrite a record and recompute the chain after it.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use thiserror::Error;

use crate::error::CoreError;

/// The hash that precedes the first entry of a terminal's chain (64 zeros).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Kind of finalised document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// A completed sale.
    Sale,
    /// A refund.
    Refund,
    /// A voided document.
    Void,
    /// A shift close (Z report).
    ShiftClose,
}

impl DocumentKind {
    fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Sale => "sale",
            DocumentKind::Refund => "refund",
            DocumentKind::Void => "void",
            DocumentKind::ShiftClose => "shift_close",
        }
    }
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Terminal whose chain this is.
    pub terminal: String,
    /// Gapless sequence number per terminal, from 1.
    pub sequence: u64,
    /// Document kind.
    pub kind: DocumentKind,
    /// The document's id (receipt number, UUID).
    pub document_id: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The document in canonical JSON.
    pub payload: String,
    /// Hash of the previous entry (hex), [`GENESIS`] for the first.
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// Why a journal failed verification; each variant names the first bad sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The entry's content does not match its hash: it was altered.
    #[error("journal entry {sequence} was altered (its hash does not match its content)")]
    Altered {
        /// Sequence of the altered entry.
        sequence: u64,
    },
    /// An entry is missing: the chain jumps from `expected` to `found`.
    #[error("journal entry {expected} is missing (found {found} in its place)")]
    Missing {
        /// The sequence that should have come next.
        expected: u64,
        /// The sequence found instead (0 when the journal ends early).
        found: u64,
    },
    /// Entries are out of order: `found` appears where `expected` should be, and `expected`
    /// appears later.
    #[error("journal entry {expected} is out of order ({found} found in its place)")]
    Reordered {
        /// The sequence that should have come next.
        expected: u64,
        /// The sequence found instead.
        found: u64,
    },
    /// The entry's `prev_hash` does not match the previous entry's hash.
    #[error("journal entry {sequence} does not link to the entry before it")]
    BrokenLink {
        /// Sequence of the entry with the wrong link.
        sequence: u64,
    },
    /// An entry belongs to another terminal's chain.
    #[error("journal entry {sequence} belongs to terminal `{terminal}`")]
    WrongTerminal {
        /// Sequence of the entry.
        sequence: u64,
        /// The terminal it names.
        terminal: String,
    },
}

/// Canonical JSON of any serialisable value: object keys sorted, no insignificant whitespace,
/// decimals as strings (rust_decimal's serde form). The same value always gives the same bytes.
///
/// # Errors
/// [`CoreError::InvalidField`] naming `payload` when the value cannot be serialised.
pub fn canonical_json<T: Serialize>(value: &T) -> Result<String, CoreError> {
    let v = serde_json::to_value(value).map_err(|e| CoreError::invalid("payload", e.to_string()))?;
    let mut out = String::new();
    write_canonical(&v, &mut out);
    Ok(out)
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The secret a store's journal is keyed with: at least 32 bytes, kept outside the database
/// (configuration), never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct JournalKey(std::sync::Arc<[u8]>);

impl JournalKey {
    /// A key from secret bytes.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `journal_key` when shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> Result<Self, CoreError> {
        if secret.len() < 32 {
            return Err(CoreError::invalid("journal_key", "must be at least 32 bytes"));
        }
        Ok(JournalKey(secret.into()))
    }

    /// A key from its hexadecimal form (64 or more hex digits).
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `journal_key` when not hex or too short.
    pub fn from_hex(text: &str) -> Result<Self, CoreError> {
        let t = text.trim();
        if !t.len().is_multiple_of(2) || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CoreError::invalid("journal_key", "must be hexadecimal"));
        }
        let bytes: Vec<u8> =
            (0..t.len()).step_by(2).filter_map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok()).collect();
        JournalKey::new(&bytes)
    }

    /// The key in hexadecimal, to store it in a configuration file.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl std::fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JournalKey(..)")
    }
}

/// The keyed hash of an entry from its fields and the previous hash.
#[allow(clippy::too_many_arguments, reason = "the fields of an entry, each hashed in its place")]
fn entry_hash(
    key: &JournalKey,
    prev_hash: &str,
    terminal: &str,
    sequence: u64,
    kind: DocumentKind,
    document_id: &str,
    recorded_at: DateTime<Utc>,
    payload: &str,
) -> String {
    // HMAC takes keys of any length; should that ever fail, an empty hash verifies nothing.
    let Ok(mut h) = Hmac::<Sha256>::new_from_slice(&key.0) else { return String::new() };
    // Length-prefixed fields: no two different entries encode to the same bytes.
    for field in [
        prev_hash,
        terminal,
        &sequence.to_string(),
        kind.as_str(),
        document_id,
        &recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        payload,
    ] {
        h.update(&(field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize().into_bytes())
}

impl JournalEntry {
    /// Recomputes this entry's hash from its content with the store's key.
    pub fn compute_hash(&self, key: &JournalKey) -> String {
        entry_hash(
            key,
            &self.prev_hash,
            &self.terminal,
            self.sequence,
            self.kind,
            &self.document_id,
            self.recorded_at,
            &self.payload,
        )
    }
}

/// The head of one terminal's chain: appends entries with the next sequence and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalChain {
    terminal: String,
    last_sequence: u64,
    last_hash: String,
}

impl JournalChain {
    /// A new, empty chain for a terminal.
    pub fn new(terminal: &str) -> Self {
        JournalChain { terminal: terminal.to_owned(), last_sequence: 0, last_hash: GENESIS.to_owned() }
    }

    /// Resumes a chain after its last stored entry.
    pub fn resume(last: &JournalEntry) -> Self {
        JournalChain {
            terminal: last.terminal.clone(),
            last_sequence: last.sequence,
            last_hash: last.hash.clone(),
        }
    }

    /// Resumes a chain from its stored head: the last sequence and hash (0 and [`GENESIS`] for
    /// an empty chain).
    pub fn from_head(terminal: &str, last_sequence: u64, last_hash: &str) -> Self {
        JournalChain { terminal: terminal.to_owned(), last_sequence, last_hash: last_hash.to_owned() }
    }

    /// The sequence of the last entry (0 if none).
    pub fn last_sequence(&self) -> u64 {
        self.last_sequence
    }

    /// The hash of the last entry.
    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }

    /// Makes the next entry for a document and advances the chain. The entry records its time
    /// to the microsecond, the precision the hash covers and every store keeps.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `payload` when it cannot be serialised.
    pub fn append<T: Serialize>(
        &mut self,
        key: &JournalKey,
        kind: DocumentKind,
        document_id: &str,
        recorded_at: DateTime<Utc>,
        document: &T,
    ) -> Result<JournalEntry, CoreError> {
        let payload = canonical_json(document)?;
        let recorded_at = recorded_at.trunc_subsecs(6);
        let sequence = self.last_sequence + 1;
        let hash = entry_hash(
            key,
            &self.last_hash,
            &self.terminal,
            sequence,
            kind,
            document_id,
            recorded_at,
            &payload,
        );
        let entry = JournalEntry {
            terminal: self.terminal.clone(),
            sequence,
            kind,
            document_id: document_id.to_owned(),
            recorded_at,
            payload,
            prev_hash: self.last_hash.clone(),
            hash: hash.clone(),
        };
        self.last_sequence = sequence;
        self.last_hash = hash;
        Ok(entry)
    }
}

/// Verifies one terminal's entries, in stored order, from sequence 1. With `expected_last`
/// (the sequence the terminal says it reached), a missing tail is detected too.
///
/// # Errors
/// The first problem found, naming the sequence where the chain breaks.
pub fn verify(
    key: &JournalKey,
    terminal: &str,
    entries: &[JournalEntry],
    expected_last: Option<u64>,
) -> Result<(), JournalError> {
    let mut prev = GENESIS.to_owned();
    let mut expected = 1_u64;
    for (pos, e) in entries.iter().enumerate() {
        if e.terminal != terminal {
            return Err(JournalError::WrongTerminal { sequence: e.sequence, terminal: e.terminal.clone() });
        }
        if e.sequence != expected {
            let later = entries[pos + 1..].iter().any(|x| x.sequence == expected);
            return Err(if later || e.sequence < expected {
                JournalError::Reordered { expected, found: e.sequence }
            } else {
                JournalError::Missing { expected, found: e.sequence }
            });
        }
        if e.compute_hash(key) != e.hash {
            return Err(JournalError::Altered { sequence: e.sequence });
        }
        if e.prev_hash != prev {
            return Err(JournalError::BrokenLink { sequence: e.sequence });
        }
        prev = e.hash.clone();
        expected += 1;
    }
    if let Some(last) = expected_last
        && last >= expected
    {
        return Err(JournalError::Missing { expected, found: 0 });
    }
    Ok(())
}
