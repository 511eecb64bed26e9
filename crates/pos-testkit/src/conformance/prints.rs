//! The print log: a document's prints, per store and document, oldest first.

use std::sync::Arc;

use chrono::{Duration, Utc};
use pos_app::Store;
use pos_app::access::PrintRecord;
use pos_core::StoreId;

/// Nothing printed: no prints. Then the original and a copy, in order, apart from the same
/// document number in another store and from another document.
pub async fn prints_are_kept_per_document<S: Store>(store: Arc<S>) {
    let (seoul, busan) = (StoreId("seoul-1".into()), StoreId("busan-1".into()));
    let doc = "sale T1-000001";
    assert!(store.prints(&seoul, doc).await.unwrap().is_empty());
    let at = Utc::now();
    let print = |store: &StoreId, document: &str, copy: bool, later: i64| PrintRecord {
        store: store.clone(),
        document: document.to_owned(),
        at: at + Duration::seconds(later),
        actor: "kim".into(),
        printer: "192.168.0.50:9100".into(),
        copy,
    };
    let original = print(&seoul, doc, false, 0);
    let copy = print(&seoul, doc, true, 60);
    store.log_print(&original).await.unwrap();
    store.log_print(&print(&busan, doc, false, 1)).await.unwrap();
    store.log_print(&print(&seoul, "z T1 1", false, 2)).await.unwrap();
    store.log_print(&copy).await.unwrap();
    assert_eq!(store.prints(&seoul, doc).await.unwrap(), [original, copy]);
    assert_eq!(store.prints(&busan, doc).await.unwrap().len(), 1);
    assert_eq!(store.prints(&seoul, "z T1 1").await.unwrap().len(), 1);
    assert!(store.prints(&seoul, "sale T1-000002").await.unwrap().is_empty());
}
