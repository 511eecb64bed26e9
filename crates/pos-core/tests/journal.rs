//! The journal detects altered, removed and reordered records and points at the first bad one.

mod common;

use common::*;
use pos_core::journal::{GENESIS, canonical_json, verify};
use pos_core::{DocumentKind, JournalChain, JournalEntry, JournalError};

fn chain(n: u64) -> Vec<JournalEntry> {
    let cat = korean_catalog();
    let e = engine(vec![]);
    let mut chain = JournalChain::new("till-1");
    (1..=n)
        .map(|i| {
            let priced = price(&e, &cat, &basket(&[("cola", i as u32), ("milk", 1)]));
            let at = at("2026-11-23T03:00:00Z") + chrono::Duration::seconds(i as i64);
            chain.append(DocumentKind::Sale, &format!("R-{i:06}"), at, &priced).unwrap()
        })
        .collect()
}

#[test]
fn an_untouched_chain_verifies() {
    let entries = chain(10);
    assert_eq!(entries[0].prev_hash, GENESIS);
    assert_eq!(entries.iter().map(|e| e.sequence).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    assert_eq!(verify("till-1", &entries, Some(10)), Ok(()));
    // Resuming continues the sequence and the hash chain.
    let mut resumed = JournalChain::resume(entries.last().unwrap());
    let next = resumed.append(DocumentKind::ShiftClose, "Z-1", at("2026-11-23T12:00:00Z"), &"z").unwrap();
    assert_eq!(next.sequence, 11);
    let mut all = entries;
    all.push(next);
    assert_eq!(verify("till-1", &all, None), Ok(()));
}

#[test]
fn altering_a_record_is_located() {
    let mut entries = chain(10);
    entries[4].payload = entries[4].payload.replace("2000", "1000");
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::Altered { sequence: 5 }));

    let mut entries = chain(10);
    entries[6].document_id = "R-999999".into();
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::Altered { sequence: 7 }));

    // Recomputing the altered record's own hash does not help: the next one no longer links.
    let mut entries = chain(10);
    entries[2].payload = entries[2].payload.replace("2000", "1000");
    entries[2].hash = entries[2].compute_hash();
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::BrokenLink { sequence: 4 }));
}

#[test]
fn removing_a_record_is_located() {
    let mut entries = chain(10);
    entries.remove(3);
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::Missing { expected: 4, found: 5 }));
    // Removing the last record is caught against the terminal's known last sequence.
    let mut entries = chain(10);
    entries.pop();
    assert_eq!(verify("till-1", &entries, Some(10)), Err(JournalError::Missing { expected: 10, found: 0 }));
    // Removing and renumbering breaks the links.
    let mut entries = chain(10);
    entries.remove(3);
    for e in entries.iter_mut().skip(3) {
        e.sequence -= 1;
        e.hash = e.compute_hash();
    }
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::BrokenLink { sequence: 4 }));
}

#[test]
fn reordering_records_is_located() {
    let mut entries = chain(10);
    entries.swap(5, 6);
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::Reordered { expected: 6, found: 7 }));
    let mut entries = chain(10);
    entries.swap(0, 9);
    assert_eq!(verify("till-1", &entries, None), Err(JournalError::Reordered { expected: 1, found: 10 }));
}

#[test]
fn another_terminals_record_is_refused() {
    let entries = chain(3);
    assert!(matches!(verify("till-2", &entries, None), Err(JournalError::WrongTerminal { sequence: 1, .. })));
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
