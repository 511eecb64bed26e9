//! Auditing a terminal's journal against the stored sales.

use pos_core::journal::{JournalError, verify};
use pos_core::{DocumentKind, StoreId};
use thiserror::Error;

use crate::documents::Document;
use crate::error::StoreError;
use crate::ports::{JournalStore, SaleStore};

/// What an audit found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The hash chain is broken (altered, missing or reordered journal records).
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A stored sale no longer matches the document its journal record sealed.
    #[error("sale {receipt} differs from its journal record")]
    SaleAltered {
        /// Receipt number.
        receipt: String,
    },
    /// A stored sale has no journal record.
    #[error("sale {receipt} has no journal record")]
    Unjournaled {
        /// Receipt number.
        receipt: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Verifies a terminal's journal chain and that every stored sale still matches the record that
/// sealed it. Returns the number of records checked.
///
/// # Errors
/// The first problem found.
pub async fn audit_terminal<S: SaleStore + JournalStore + ?Sized>(
    store: &S,
    store_id: &StoreId,
    terminal: &str,
) -> Result<usize, AuditError> {
    let journal = store.journal(store_id, terminal).await?;
    verify(terminal, &journal, None)?;
    let sales = store.sale_documents(store_id, terminal).await?;
    for (receipt, document) in &sales {
        let Some(entry) = journal.iter().find(|e| e.kind == DocumentKind::Sale && &e.document_id == receipt)
        else {
            return Err(AuditError::Unjournaled { receipt: receipt.clone() });
        };
        let now = document.canonical().map_err(|e| StoreError::Backend { message: e.to_string() })?;
        if now != entry.payload {
            return Err(AuditError::SaleAltered { receipt: receipt.clone() });
        }
    }
    Ok(journal.len())
}
