//! The journal detects altered, removed and reordered records and points at the first bad one.

mod common;

use common::*;
use pos_core::journal::{GENESIS, canonical_json, verify};
use pos_core::{DocumentKind, JournalChain, JournalEntry, JournalError, JournalKey};

fn key() -> JournalKey {
    JournalKey::new(b"a store's secret, kept outside the database").unwrap()
}

fn chain(n: u64) -> Vec<JournalEntry> {
    let cat = korean_catalog();
    let e = engine(vec![]);
    let mut chain = JournalChain::new("till-1");
    (1..=n)
        .map(|i| {
            let priced = price(&e, &cat, &basket(&[("cola", i as u32), ("milk", 1)]));
            let at = at("2026-11-23T03:00:00Z") + chrono::Duration::seconds(i as i64);
            chain.append(&key(), DocumentKind::Sale, &format!("R-{i:06}"), at, &priced).unwrap()
        })
        .collect()
}

#[test]
fn an_untouched_chain_verifies() {
    let entries = chain(10);
    assert_eq!(entries[0].prev_hash, GENESIS);
    assert_eq!(entries.iter().map(|e| e.sequence).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    assert_eq!(verify(&key(), "till-1", &entries, Some(10)), Ok(()));
    // Resuming continues the sequence and the hash chain.
    let mut resumed = JournalChain::resume(entries.last().unwrap());
    let next =
        resumed.append(&key(), DocumentKind::ShiftClose, "Z-1", at("2026-11-23T12:00:00Z"), &"z").unwrap();
    assert_eq!(next.sequence, 11);
    let mut all = entries;
    all.push(next);
    assert_eq!(verify(&key(), "till-1", &all, None), Ok(()));
}

#[test]
fn altering_a_record_is_located() {
    let mut entries = chain(10);
    entries[4].payload = entries[4].payload.replace("2000", "1000");
    assert_eq!(verify(&key(), "till-1", &entries, None), Err(JournalError::Altered { sequence: 5 }));

    let mut entries = chain(10);
    entries[6].document_id = "R-999999".into();
    assert_eq!(verify(&key(), "till-1", &entries, None), Err(JournalError::Altered { sequence: 7 }));

    // Recomputing the altered record's own hash does not help: the next one no longer links.
    let mut entries = chain(10);
    entries[2].payload = entries[2].payload.replace("2000", "1000");
    entries[2].hash = entries[2].compute_hash(&key());
    assert_eq!(verify(&key(), "till-1", &entries, None), Err(JournalError::BrokenLink { sequence: 4 }));
}

#[test]
fn a_chain_rewritten_without_the_key_is_detected() {
    // Someone with write access to the database rewrites record 3 and recomputes the whole chain
    // from there, but with a key of their own: the first rewritten record no longer verifies.
    let mut entries = chain(6);
    let forged = JournalKey::new(&[7_u8; 32]).unwrap();
    entries[2].payload = entries[2].payload.replace("2000", "1000");
    for i in 2..entries.len() {
        if i > 2 {
            entries[i].prev_hash = entries[i - 1].hash.clone();
        }
        entries[i].hash = entries[i].compute_hash(&forged);
    }
    assert_eq!(verify(&key(), "till-1", &entries, None), Err(JournalError::Altered { sequence: 3 }));
    assert_eq!(verify(&forged, "till-1", &entries, None), Err(JournalError::Altered { sequence: 1 }));
    // The key is at least 32 bytes, reads back from hex, and never prints.
    assert!(JournalKey::new(&[1; 31]).is_err());
    assert_eq!(JournalKey::from_hex(&key().to_hex()).unwrap(), key());
    assert_eq!(format!("{:?}", key()), "JournalKey(..)");
}

#[test]
fn removing_a_record_is_located() {
    let mut entries = chain(10);
    entries.remove(3);
    assert_eq!(
        verify(&key(), "till-1", &entries, None),
        Err(JournalError::Missing { expected: 4, found: 5 })
    );
    // Removing the last record is caught against the terminal's known last sequence.
    let mut entries = chain(10);
    entries.pop();
    assert_eq!(
        verify(&key(), "till-1", &entries, Some(10)),
        Err(JournalError::Missing { expected: 10, found: 0 })
    );
    // Removing and renumbering breaks the links.
    let mut entries = chain(10);
    entries.remove(3);
    for e in entries.iter_mut().skip(3) {
        e.sequence -= 1;
        e.hash = e.compute_hash(&key());
    }
    assert_eq!(verify(&key(), "till-1", &entries, None), Err(JournalError::BrokenLink { sequence: 4 }));
}

#[test]
fn reordering_records_is_located() {
    let mut entries = chain(10);
    entries.swap(5, 6);
    assert_eq!(
        verify(&key(), "till-1", &entries, None),
        Err(JournalError::Reordered { expected: 6, found: 7 })
    );
    let mut entries = chain(10);
    entries.swap(0, 9);
    assert_eq!(
        verify(&key(), "till-1", &entries, None),
        Err(JournalError::Reordered { expected: 1, found: 10 })
    );
}

#[test]
fn another_terminals_record_is_refused() {
    let entries = chain(3);
    assert!(matches!(
        verify(&key(), "till-2", &entries, None),
        Err(JournalError::WrongTerminal { sequence: 1, .. })
    ));
}

#[test]
fn canonical_json_sorts_keys_and_is_stable() {
    #[derive(serde::Serialize)]
    struct B {
        zeta: u32,
        alpha: &'static str,
        nested: std::collections::HashMap<&'static str, u32>,
    }
    let nested = [("y", 2), ("x", 1), ("z", 3)].into_iter().collect();
    let s = canonical_json(&B { zeta: 1, alpha: "가", nested }).unwrap();
    assert_eq!(s, r#"{"alpha":"가","nested":{"x":1,"y":2,"z":3},"zeta":1}"#);
    // Decimals are encoded as strings, exactly.
    assert_eq!(canonical_json(&d("0.10")).unwrap(), r#""0.10""#);
}
