//! Prints that are counted: the first print of a receipt or a Z report is its original, and
//! every later one is marked a copy, whoever asks and on whichever printer. A print that fails
//! is not counted, so the print after it (paper in) is still the original.

use chrono::Utc;
use pos_core::StoreId;

use crate::access::PrintRecord;
use crate::error::StoreError;
use crate::ports::{AccessStore, Printer, PrinterError};

/// A document to print and who asks.
#[derive(Debug, Clone, Copy)]
pub struct CountedPrint<'a> {
    /// Store.
    pub store: &'a StoreId,
    /// What: `sale T1-000001`, `z T1 42`.
    pub document: &'a str,
    /// Who asks.
    pub actor: &'a str,
    /// The printer's address, for the log.
    pub printer: &'a str,
    /// Mark it a copy even if it was never printed here (a till printed the original itself).
    pub copy: bool,
}

/// What a counted print did.
#[derive(Debug)]
pub struct CountedPrinted<D> {
    /// What was printed.
    pub document: D,
    /// Whether it was marked a copy.
    pub copy: bool,
    /// The print is on paper but could not be recorded (its next print may not be marked a
    /// copy); for the caller to log, not to print again.
    pub unrecorded: Option<StoreError>,
}

/// Why a counted print did not print.
#[derive(Debug, thiserror::Error)]
pub enum PrintFailure {
    /// The printer could not print it; it was not counted.
    #[error(transparent)]
    Printer(#[from] PrinterError),
    /// Its earlier prints could not be read; nothing was printed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Prints `encode(copy)` on `printer`, `copy` being whether this print is a copy (printed before,
/// or asked), and records it. The caller keeps two prints of one document from running at once.
///
/// # Errors
/// [`PrintFailure`]: nothing recorded.
pub async fn print_counted<S: AccessStore + ?Sized, D: AsRef<[u8]>>(
    store: &S,
    printer: &dyn Printer,
    print: CountedPrint<'_>,
    encode: impl FnOnce(bool) -> D,
) -> Result<CountedPrinted<D>, PrintFailure> {
    let copy = print.copy || !store.prints(print.store, print.document).await?.is_empty();
    let document = encode(copy);
    printer.print(document.as_ref()).await?;
    let record = PrintRecord {
        store: print.store.clone(),
        document: print.document.to_owned(),
        at: Utc::now(),
        actor: print.actor.to_owned(),
        printer: print.printer.to_owned(),
        copy,
    };
    let unrecorded = store.log_print(&record).await.err();
    Ok(CountedPrinted { document, copy, unrecorded })
}
