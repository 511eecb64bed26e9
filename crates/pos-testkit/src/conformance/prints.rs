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

/// A printer in memory: what it printed, or paper out.
#[derive(Default)]
struct Paper {
    printed: std::sync::Mutex<Vec<Vec<u8>>>,
    out: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl pos_app::ports::Printer for Paper {
    async fn print(&self, document: &[u8]) -> Result<(), pos_app::ports::PrinterError> {
        if self.out.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(pos_app::ports::PrinterError::PaperOut { addr: "paper".into() });
        }
        self.printed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(document.to_vec());
        Ok(())
    }
    async fn open_drawer(&self) -> Result<(), pos_app::ports::PrinterError> {
        Ok(())
    }
    async fn status(&self) -> Result<pos_app::ports::PrinterStatus, pos_app::ports::PrinterError> {
        Ok(pos_app::ports::PrinterStatus::default())
    }
}

/// A document's first print that comes out is its original, every later one a copy; one that
/// fails is not counted; a copy asked of a document never printed is a copy.
pub async fn a_document_is_printed_once_as_its_original<S: Store>(store: Arc<S>) {
    use pos_app::printing::{CountedPrint, PrintFailure, print_counted};
    let seoul = StoreId("seoul-1".into());
    let paper = Paper::default();
    let print = |document: &'static str, copy: bool| CountedPrint {
        store: &seoul,
        document,
        actor: "kim",
        printer: "paper",
        copy,
    };
    let encode = |copy: bool| if copy { b"COPY".to_vec() } else { b"ORIGINAL".to_vec() };
    paper.out.store(true, std::sync::atomic::Ordering::SeqCst);
    let failed = print_counted(&*store, &paper, print("sale T1-000001", false), encode).await;
    assert!(matches!(failed, Err(PrintFailure::Printer(_))), "{failed:?}");
    assert!(store.prints(&seoul, "sale T1-000001").await.unwrap().is_empty(), "not counted");
    paper.out.store(false, std::sync::atomic::Ordering::SeqCst);
    for expected in [false, true, true] {
        let printed = print_counted(&*store, &paper, print("sale T1-000001", false), encode).await.unwrap();
        assert_eq!(printed.copy, expected);
        assert!(printed.unrecorded.is_none());
    }
    let asked = print_counted(&*store, &paper, print("z T1 1", true), encode).await.unwrap();
    assert!(asked.copy, "asked as a copy");
    let printed = paper.printed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    assert_eq!(printed, [&b"ORIGINAL"[..], b"COPY", b"COPY", b"COPY"]);
    let log = store.prints(&seoul, "sale T1-000001").await.unwrap();
    assert_eq!(log.iter().map(|p| p.copy).collect::<Vec<_>>(), [false, true, true]);
}
