//! The journal audit.

use std::sync::Arc;

use pos_app::{AuditError, Store, audit_terminal};
use pos_core::JournalError;

use super::approve;
use crate::fixtures::*;
use crate::inspect::Inspect;

/// The journal verifies after a workload; altering a sale, deleting a journal record or swapping
/// two is detected and located.
pub async fn journal_audit_detects_tampering<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    for i in 0..6 {
        let items: &[(&str, u32)] = if i % 2 == 0 { &[("milk", 1), ("cola", 2)] } else { &[("chips", 1)] };
        let mut request = sale(&format!("j{i}"), "T1", items, (i % 3 == 0).then_some("m-1"), false);
        // A till's clock has nanoseconds; stores keep microseconds (Postgres rounds), and the
        // chain must verify whatever the store did with the rest.
        request.at += chrono::Duration::nanoseconds(999_999_999 - i64::from(i) * 500);
        co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(audit_terminal(&*store, &store_id(), "T1").await, Ok(6));
    store.alter_sale_total("T1-000002", won(1)).await;
    assert_eq!(
        audit_terminal(&*store, &store_id(), "T1").await,
        Err(AuditError::SaleAltered { receipt: "T1-000002".into() })
    );
    store.swap_journal("T1", 4, 5).await;
    assert!(matches!(
        audit_terminal(&*store, &store_id(), "T1").await,
        Err(AuditError::Journal(
            JournalError::Altered { sequence: 4 } | JournalError::BrokenLink { sequence: 4 }
        ))
    ));
    store.swap_journal("T1", 4, 5).await;
    store.delete_journal("T1", 3).await;
    assert_eq!(
        audit_terminal(&*store, &store_id(), "T1").await,
        Err(AuditError::Journal(JournalError::Missing { expected: 3, found: 4 }))
    );
}
