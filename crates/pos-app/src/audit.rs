//! Auditing a terminal: its journal chain, and every row its documents wrote against the
//! journal record that sealed them.
//!
//! # What the audit proves
//! The journal is an HMAC chain keyed with the store's secret ([`Settings::journal_key`]),
//! which is configuration and not in the database. The audit
//! 1. verifies the chain: every record's keyed hash and its link to the one before, so no
//!    record can be changed, inserted, removed from the middle or reordered without the key;
//! 2. checks the end of the chain against the head committed with each document, so deleting
//!    the last records shows;
//! 3. checks the counters against the journal: every receipt, return and Z number from 1 to
//!    the counter has its record, in order;
//! 4. checks every row each sale and return wrote (the row's columns and document, its lines,
//!    its payments, its stock movements, its points ledger entries, the coupons it used)
//!    against what its journal record says it wrote, and that no such row exists without a
//!    record.
//!
//! # What it cannot prove
//! - Someone with the key can rewrite anything: keep the key out of the database and out of
//!   backups of it.
//! - Someone with write access to the database (but not the key) can roll a terminal back to an
//!   earlier state consistently: delete the last documents with all their rows, the records,
//!   and set the head and counters back. What is left is a valid past. Only a copy of the head
//!   kept elsewhere (the hash printed on each Z report, a head sent to the server or another
//!   store) shows that; compare it with [`ChainHead`](crate::ports::ChainHead).
//! - Rows no document writes are not covered: the catalog, stock levels (they are the fold of
//!   the movements, which are covered; [`crate::Stock`] can recompute them), points account
//!   balances (the fold of the covered ledger entries), members, shifts still open.
//!
//! [`Settings::journal_key`]: crate::Settings::journal_key

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::journal::{JournalError, JournalKey, verify};
use pos_core::{DocumentKind, JournalEntry, StoreId};
use thiserror::Error;
use uuid::Uuid;

use crate::documents::{Document, JournalDocument, ReturnDocument, SaleDocument, decode};
use crate::error::StoreError;
use crate::ports::{
    AuditStore, Counter, MovementRecord, PointsEntries, PointsRecord, RefundLineRecord, ReturnRows, SaleRows,
    TerminalRows, document_terminal, receipt_number, return_number, z_number,
};

/// What an audit found: the first problem, located by document and row.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The hash chain is broken (a record altered without the key, missing or reordered).
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The chain ends before the head committed with the last document: records were deleted
    /// from its end.
    #[error("the journal ends at sequence {last} but its head is at {head}: records were deleted")]
    Truncated {
        /// The committed head's sequence.
        head: u64,
        /// The last record's sequence.
        last: u64,
    },
    /// A counter disagrees with the documents the journal recorded.
    #[error("the {counter} counter is at {stored} but the journal has {journal} such documents")]
    Counter {
        /// The counter's name.
        counter: &'static str,
        /// Its stored value.
        stored: u64,
        /// The documents of its kind in the journal.
        journal: u64,
    },
    /// A journal record's document number is out of order.
    #[error("journal record {sequence} is {found}, expected {expected}")]
    Numbering {
        /// The record.
        sequence: u64,
        /// Its document number.
        found: String,
        /// The number that comes next.
        expected: String,
    },
    /// A stored row differs from what its document's journal record says it wrote.
    #[error("{document}: {row} differs from the journal record")]
    Altered {
        /// The document (receipt or return number).
        document: String,
        /// The row and column (`payments[0].reference`).
        row: String,
    },
    /// A row the journal record says its document wrote is gone.
    #[error("{document}: {row} is missing")]
    Missing {
        /// The document.
        document: String,
        /// The row.
        row: String,
    },
    /// Rows of a document the journal never recorded.
    #[error("{document}: {row} has no journal record")]
    Unjournaled {
        /// The document.
        document: String,
        /// The row.
        row: String,
    },
    /// A journal record whose document this build cannot read.
    #[error("journal record {sequence} does not read back: {reason}")]
    Unreadable {
        /// The record.
        sequence: u64,
        /// Why.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn altered(document: &str, row: impl Into<String>) -> AuditError {
    AuditError::Altered { document: document.to_owned(), row: row.into() }
}

fn missing(document: &str, row: impl Into<String>) -> AuditError {
    AuditError::Missing { document: document.to_owned(), row: row.into() }
}

/// Two stored times are the same instant at the microsecond every store keeps (Postgres rounds
/// the nanoseconds a till's clock may have, SQLite keeps them).
fn same_time(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).num_nanoseconds().is_some_and(|d| d.abs() < 1_000)
}

/// Verifies a terminal's journal chain with the store's key, and every row its sales and
/// returns wrote against their records. Returns the number of records checked.
///
/// # Errors
/// The first problem found, naming the journal sequence or the document and row.
pub async fn audit_terminal<S: AuditStore + ?Sized>(
    store: &S,
    key: &JournalKey,
    store_id: &StoreId,
    terminal: &str,
) -> Result<usize, AuditError> {
    let journal = store.journal(store_id, terminal).await?;
    let rows = store.terminal_rows(store_id, terminal).await?;
    verify(key, terminal, &journal, None)?;
    audit_rows(terminal, &journal, rows)?;
    Ok(journal.len())
}

/// Checks the rows against a verified journal.
fn audit_rows(terminal: &str, journal: &[JournalEntry], rows: TerminalRows) -> Result<(), AuditError> {
    let last = journal.last().map_or(0, |e| e.sequence);
    let head = rows.head.as_ref().map_or(0, |h| h.sequence);
    if head != last || rows.head.as_ref().is_some_and(|h| journal.last().is_some_and(|e| e.hash != h.hash)) {
        return Err(AuditError::Truncated { head, last });
    }
    let mut pools = Pools::new(terminal, rows.movements, rows.points, rows.coupons);
    let mut sales: BTreeMap<String, SaleRows> =
        rows.sales.into_iter().map(|r| (receipt_number(terminal, r.number), r)).collect();
    let mut returns: BTreeMap<u64, ReturnRows> = rows.returns.into_iter().map(|r| (r.number, r)).collect();
    let mut seen: BTreeMap<Counter, u64> = BTreeMap::new();
    for entry in journal {
        let read = JournalDocument::read(entry)
            .map_err(|e| AuditError::Unreadable { sequence: entry.sequence, reason: e.to_string() });
        let counter = match entry.kind {
            DocumentKind::Sale => Counter::Sale,
            DocumentKind::Refund | DocumentKind::Void => Counter::Return,
            _ => Counter::ShiftClose,
        };
        let n = seen.entry(counter).or_default();
        *n += 1;
        let expected = match read? {
            JournalDocument::Sale(doc) => {
                let receipt = receipt_number(terminal, *n);
                if entry.document_id == receipt {
                    let row = sales.remove(&receipt).ok_or_else(|| missing(&receipt, "sales"))?;
                    check_sale(entry, &doc, &row, &mut pools)?;
                }
                receipt
            }
            JournalDocument::Return(doc) => {
                let number = return_number(doc.kind, terminal, *n);
                if entry.document_id == number {
                    let row = returns.remove(n).ok_or_else(|| missing(&number, "refunds"))?;
                    check_return(entry, &doc, &row, &mut pools)?;
                }
                number
            }
            JournalDocument::ShiftClose(_) => z_number(terminal, *n),
        };
        if entry.document_id != expected {
            return Err(AuditError::Numbering {
                sequence: entry.sequence,
                found: entry.document_id.clone(),
                expected,
            });
        }
    }
    if let Some(receipt) = sales.into_keys().next() {
        return Err(AuditError::Unjournaled { document: receipt, row: "sales".into() });
    }
    if let Some(r) = returns.into_values().next() {
        let document = return_number(r.kind, terminal, r.number);
        return Err(AuditError::Unjournaled { document, row: "refunds".into() });
    }
    pools.leftover()?;
    let stored: BTreeMap<Counter, u64> = rows.counters.into_iter().collect();
    for counter in [Counter::Sale, Counter::Return, Counter::ShiftClose] {
        let (stored, journal) =
            (stored.get(&counter).copied().unwrap_or(0), seen.get(&counter).copied().unwrap_or(0));
        if stored != journal {
            return Err(AuditError::Counter { counter: counter.code(), stored, journal });
        }
    }
    Ok(())
}

/// The rows that belong to documents by number or id, taken as each document is checked;
/// whatever is left belongs to no journal record.
struct Pools {
    movements: BTreeMap<String, Vec<MovementRecord>>,
    points: BTreeMap<Uuid, Vec<PointsRecord>>,
    coupons: BTreeMap<String, Vec<String>>,
}

impl Pools {
    fn new(
        terminal: &str,
        movements: Vec<MovementRecord>,
        points: Vec<PointsRecord>,
        coupons: Vec<(String, String)>,
    ) -> Self {
        let mut pools =
            Pools { movements: BTreeMap::new(), points: BTreeMap::new(), coupons: BTreeMap::new() };
        for m in movements {
            // The store selects by prefix; another terminal whose id extends this one's is not ours.
            if let Some(d) = m.document.clone().filter(|d| document_terminal(d) == Some(terminal)) {
                pools.movements.entry(d).or_default().push(m);
            }
        }
        for p in points {
            pools.points.entry(p.document).or_default().push(p);
        }
        for (code, receipt) in coupons {
            if document_terminal(&receipt) == Some(terminal) {
                pools.coupons.entry(receipt).or_default().push(code);
            }
        }
        pools
    }

    /// Checks a document's movements against the drafts its record implies.
    fn movements(
        &mut self,
        document: &str,
        expected: Vec<pos_inventory::Draft>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        let mut actual = self.movements.remove(document).unwrap_or_default();
        let key =
            |m: &MovementRecord| (m.location.clone(), m.sku.clone(), m.kind.code().to_owned(), m.on_hand);
        actual.sort_by_key(key);
        let mut expected: Vec<MovementRecord> = expected
            .into_iter()
            .map(|d| MovementRecord {
                location: d.location,
                sku: d.sku,
                kind: d.kind,
                on_hand: match d.on_hand {
                    pos_inventory::OnHand::By(q) | pos_inventory::OnHand::To(q) => q,
                },
                reserved: d.reserved,
                document: Some(document.to_owned()),
                actor: actor.to_owned(),
                at,
            })
            .collect();
        expected.sort_by_key(key);
        for (i, e) in expected.iter().enumerate() {
            let row = format!("stock_movements[{} at {}]", e.sku, e.location.0);
            let Some(a) = actual.get(i) else { return Err(missing(document, row)) };
            let same = MovementRecord { at: e.at, ..a.clone() } == *e && same_time(a.at, e.at);
            if !same {
                return Err(altered(document, row));
            }
        }
        if let Some(extra) = actual.get(expected.len()) {
            return Err(altered(document, format!("stock_movements[{} at {}]", extra.sku, extra.location.0)));
        }
        Ok(())
    }

    /// Checks a document's ledger entries against its record.
    fn points(
        &mut self,
        document: &str,
        id: Uuid,
        expected: Option<&PointsEntries>,
    ) -> Result<(), AuditError> {
        let mut actual = self.points.remove(&id).unwrap_or_default();
        actual.sort_by_key(|p| p.sequence);
        let expected: Vec<PointsRecord> = expected
            .map(|p| {
                p.entries
                    .iter()
                    .map(|e| PointsRecord {
                        member: p.member.clone(),
                        document: id,
                        sequence: e.sequence,
                        kind: e.kind.clone(),
                        points: e.points,
                        at: e.at,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (i, e) in expected.iter().enumerate() {
            let row = format!("loyalty_entries[{} #{}]", e.member, e.sequence);
            let Some(a) = actual.get(i) else { return Err(missing(document, row)) };
            if (PointsRecord { at: e.at, ..a.clone() }) != *e || !same_time(a.at, e.at) {
                return Err(altered(document, row));
            }
        }
        if let Some(extra) = actual.get(expected.len()) {
            return Err(altered(document, format!("loyalty_entries[{} #{}]", extra.member, extra.sequence)));
        }
        Ok(())
    }

    /// Checks the coupons a sale used.
    fn coupons(&mut self, document: &str, expected: &[String]) -> Result<(), AuditError> {
        let mut actual = self.coupons.remove(document).unwrap_or_default();
        actual.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        for code in &expected {
            if !actual.contains(code) {
                return Err(missing(document, format!("coupons[{code}].used_on")));
            }
        }
        if let Some(extra) = actual.iter().find(|c| !expected.contains(c)) {
            return Err(altered(document, format!("coupons[{extra}].used_on")));
        }
        Ok(())
    }

    /// Rows that no checked document claimed.
    fn leftover(self) -> Result<(), AuditError> {
        if let Some(document) = self.movements.into_keys().next() {
            return Err(AuditError::Unjournaled { document, row: "stock_movements".into() });
        }
        if let Some((id, _)) = self.points.into_iter().next() {
            return Err(AuditError::Unjournaled { document: id.to_string(), row: "loyalty_entries".into() });
        }
        if let Some(document) = self.coupons.into_keys().next() {
            return Err(AuditError::Unjournaled { document, row: "coupons.used_on".into() });
        }
        Ok(())
    }
}

/// The stored document column reads back as the record's document.
fn check_document<T: Document>(document: &str, stored: &str, entry: &JournalEntry) -> Result<(), AuditError> {
    let now = decode::<T>(stored).ok().and_then(|d| d.canonical().ok());
    if now.as_deref() != Some(entry.payload.as_str()) {
        return Err(altered(document, "document"));
    }
    Ok(())
}

fn check_sale(
    entry: &JournalEntry,
    doc: &SaleDocument,
    row: &SaleRows,
    pools: &mut Pools,
) -> Result<(), AuditError> {
    let receipt = entry.document_id.as_str();
    let column =
        |ok: bool, name: &str| if ok { Ok(()) } else { Err(altered(receipt, format!("sales.{name}"))) };
    column(row.id == doc.sale_id, "id")?;
    column(row.journal_sequence == entry.sequence, "journal_sequence")?;
    column(same_time(row.at, doc.at), "at")?;
    column(row.total == doc.total(), "total_minor")?;
    column(row.cashier == doc.cashier, "cashier")?;
    check_document::<SaleDocument>(receipt, &row.document, entry)?;

    let mut lines = row.lines.clone();
    lines.sort_by_key(|l| l.line_id);
    let expected = doc.line_records();
    for (i, e) in expected.iter().enumerate() {
        let name = format!("sale_lines[line {}]", e.line_id);
        match lines.get(i) {
            None => return Err(missing(receipt, name)),
            Some(a) if a != e => return Err(altered(receipt, name)),
            Some(_) => {}
        }
    }
    if let Some(extra) = lines.get(expected.len()) {
        return Err(altered(receipt, format!("sale_lines[line {}]", extra.line_id)));
    }

    for (i, e) in doc.payments.iter().enumerate() {
        let Some(a) = row.payments.get(i) else { return Err(missing(receipt, format!("payments[{i}]"))) };
        let field = if a.kind != e.kind {
            "kind"
        } else if a.amount != e.amount {
            "amount_minor"
        } else if a.state != e.state {
            "state"
        } else if a.reference != e.reference {
            "reference"
        } else if a.brand != e.brand {
            "brand"
        } else if a.last4 != e.last4 {
            "last4"
        } else {
            continue;
        };
        return Err(altered(receipt, format!("payments[{i}].{field}")));
    }
    if row.payments.len() > doc.payments.len() {
        return Err(altered(receipt, format!("payments[{}]", doc.payments.len())));
    }

    pools.movements(receipt, doc.drafts(), &doc.cashier, doc.at)?;
    pools.points(receipt, doc.sale_id, doc.points.as_ref())?;
    pools.coupons(receipt, &doc.coupons)
}

fn check_return(
    entry: &JournalEntry,
    doc: &ReturnDocument,
    row: &ReturnRows,
    pools: &mut Pools,
) -> Result<(), AuditError> {
    let number = entry.document_id.as_str();
    let column =
        |ok: bool, name: &str| if ok { Ok(()) } else { Err(altered(number, format!("refunds.{name}"))) };
    column(row.id == doc.refund_id, "id")?;
    column(row.kind == doc.kind, "kind")?;
    column(row.sale_id == doc.sale_id, "sale_id")?;
    column(row.journal_sequence == entry.sequence, "journal_sequence")?;
    column(same_time(row.at, doc.at), "at")?;
    column(row.total == doc.quote.amount, "total_minor")?;
    check_document::<ReturnDocument>(number, &row.document, entry)?;

    let mut lines = row.lines.clone();
    lines.sort_by_key(|l| l.line_id);
    let mut expected: Vec<RefundLineRecord> = doc
        .lines
        .iter()
        .map(|l| RefundLineRecord {
            sale_id: doc.sale_id,
            line_id: l.line_id,
            quantity: l.quantity,
            amount: l.amount,
        })
        .collect();
    expected.sort_by_key(|l| l.line_id);
    for (i, e) in expected.iter().enumerate() {
        let name = format!("refund_lines[line {}]", e.line_id);
        match lines.get(i) {
            None => return Err(missing(number, name)),
            Some(a) if a != e => return Err(altered(number, name)),
            Some(_) => {}
        }
    }
    if let Some(extra) = lines.get(expected.len()) {
        return Err(altered(number, format!("refund_lines[line {}]", extra.line_id)));
    }

    let mut payments = row.payments.clone();
    payments.sort_by_key(|p| p.payment);
    let mut expected = doc.payments.clone();
    expected.sort_by_key(|p| p.payment);
    for (i, e) in expected.iter().enumerate() {
        let name = format!("refund_payments[{}]", e.payment);
        let Some(a) = payments.get(i) else { return Err(missing(number, name)) };
        let field = if a.payment != e.payment {
            "position"
        } else if a.kind != e.kind {
            "kind"
        } else if a.amount != e.amount {
            "amount_minor"
        } else if a.reference != e.reference {
            "reference"
        } else {
            continue;
        };
        return Err(altered(number, format!("{name}.{field}")));
    }
    if let Some(extra) = payments.get(expected.len()) {
        return Err(altered(number, format!("refund_payments[{}]", extra.payment)));
    }

    pools.movements(number, doc.drafts(), &doc.cashier, doc.at)?;
    pools.points(number, doc.refund_id, doc.points.as_ref())
}
