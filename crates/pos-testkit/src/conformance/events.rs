//! The event outbox: one event per committed change, in the change's transaction; a gapless
//! sequence a reader follows without missing or repeating an event.

use std::collections::BTreeSet;
use std::sync::Arc;

use pos_app::{CommitStep, Event, EventData, Store};
use rust_decimal::Decimal;

use super::{approve, counts};
use crate::fixtures::*;
use crate::inspect::Inspect;

async fn all_events<S: Store>(store: &S) -> Vec<Event> {
    store.events_after(&store_id(), 0, 100_000).await.unwrap_or_else(|e| panic!("{e}"))
}

/// A cursor or limit past anything a database holds reads as "nothing after", not an error.
async fn far_cursors_read_nothing<S: Store>(store: &S) {
    for after in [u64::MAX, i64::MAX as u64 + 1] {
        let page = store.events_after(&store_id(), after, usize::MAX).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(page.is_empty());
        assert!(
            store.pricing_events_after(&store_id(), after).await.unwrap_or_else(|e| panic!("{e}")).is_empty()
        );
    }
    let all = store.events_after(&store_id(), 0, usize::MAX).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), all_events(store).await.len());
}

/// Each kind of change appends its event, with the document or a summary, and a change that
/// fails at any step of its commit appends none: no event without its document, no document
/// without its event.
pub async fn every_change_has_its_event<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let kinds = |events: &[Event]| events.iter().map(|e| e.data.kind()).collect::<Vec<_>>();
    let seeded = all_events(&*store).await;
    assert!(kinds(&seeded).contains(&"product.changed") && kinds(&seeded).contains(&"stock.changed"));
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    let first = co.complete_sale(&sale("e1", "T1", &[("milk", 1), ("cola", 1)], Some("m-1"), false)).await;
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    let events = all_events(&*store).await;
    let last = events.last().unwrap_or_else(|| panic!("no event"));
    match &last.data {
        EventData::SaleCompleted { receipt, sale: doc } => {
            assert_eq!((receipt, doc.sale_id), (&first.receipt, first.sale_id));
        }
        other => panic!("{other:?}"),
    }
    for step in [
        CommitStep::Document,
        CommitStep::Lines,
        CommitStep::Payments,
        CommitStep::Stock,
        CommitStep::Loyalty,
        CommitStep::Journal,
    ] {
        co.fail_after(Some(step));
        let before = counts(&*store).await;
        co.complete_sale(&sale(&format!("f{step:?}"), "T1", &[("milk", 1)], None, false)).await.unwrap_err();
        assert_eq!(counts(&*store).await, before, "a sale failing after {step:?} left an event or a row");
    }
    co.fail_after(None);
    let refund = pos_app::RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "e2".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: first.receipt.clone(),
        lines: vec![1],
        at: noon(),
    };
    let back = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    let goods = stock(store.clone());
    goods
        .receive(&location(), &sku("milk"), Decimal::TEN, "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let members = pos_app::Members::new(store.clone(), store_id());
    members.create("m-9", "이영희", "010-9999-0000", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let sh = shifts(store.clone());
    sh.open_shift("T2", "kim", won(0), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    sh.close_shift("T2", won(0), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let events = all_events(&*store).await;
    let tail = kinds(&events[events.len() - 4..]);
    assert_eq!(tail, ["return.completed", "stock.changed", "member.changed", "shift.closed"]);
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.data, EventData::ReturnCompleted { number, .. } if *number == back.receipt))
    );
    // Sequences are 1, 2, 3, ... and ids are unique.
    assert!(events.iter().enumerate().all(|(i, e)| e.sequence == i as u64 + 1));
    assert_eq!(events.iter().map(|e| e.id).collect::<BTreeSet<_>>().len(), events.len());
}

/// Sixteen tills sell while a reader follows the feed in small pages: the reader gets every
/// event exactly once, in order, and the feed has no gap and no duplicate.
pub async fn a_reader_sees_every_event_once<S: Store + Inspect>(store: Arc<S>) {
    far_cursors_read_nothing(&*store).await;
    seed(&store).await;
    let start = all_events(&*store).await.last().map_or(0, |e| e.sequence);
    let co = Arc::new(checkout(store.clone(), approve()));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: Vec<Event> = Vec::new();
            let mut cursor = start;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = store.events_after(&store_id(), cursor, 7).await.unwrap_or_else(|e| panic!("{e}"));
                if let Some(last) = page.last() {
                    cursor = last.sequence;
                }
                let empty = page.is_empty();
                seen.extend(page);
                if finished && empty {
                    return seen;
                }
                tokio::task::yield_now().await;
            }
        })
    };
    let mut tills = Vec::new();
    for t in 0..16 {
        let co = co.clone();
        tills.push(tokio::spawn(async move {
            let mut receipts = Vec::new();
            for i in 0..4 {
                let request = sale(&format!("t{t}-{i}"), &format!("T{t}"), &[("milk", 1)], None, false);
                receipts.push(co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}")).receipt);
            }
            receipts
        }));
    }
    let mut receipts = BTreeSet::new();
    for t in tills {
        receipts.extend(t.await.unwrap_or_else(|e| panic!("{e}")));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen.len(), 64, "one event per sale");
    assert!(seen.iter().enumerate().all(|(i, e)| e.sequence == start + i as u64 + 1), "in order, no gap");
    let sold: BTreeSet<String> = seen
        .iter()
        .filter_map(|e| match &e.data {
            EventData::SaleCompleted { receipt, .. } => Some(receipt.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sold, receipts, "every sale's event, once");
    assert_eq!(all_events(&*store).await.len() as u64, start + 64);
}

/// A batch of products (an import) is one transaction: every product with its event, in the
/// order given, the sequence without gaps; a SKU given twice keeps its last version and has one
/// event; a batch with an invalid product writes nothing.
pub async fn a_batch_of_products_is_one_change<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let before = all_events(&*store).await;
    let head = before.last().map_or(0, |e| e.sequence);
    let product = |i: usize, price: i64| {
        pos_core::Product::new(
            &format!("imp-{i:05}"),
            &format!("수입 {i}"),
            "food",
            "standard",
            Decimal::from(price),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut batch: Vec<pos_core::Product> = (0..1_234).map(|i| product(i, 1_000 + i as i64)).collect();
    batch.push(product(7, 9_990));
    // Invalid: nothing is written.
    let mut bad = batch.clone();
    bad[600].name = String::new();
    assert!(store.upsert_products(&store_id(), &bad).await.is_err());
    assert_eq!(all_events(&*store).await.len(), before.len(), "no event from a refused batch");
    let catalog =
        store.load_catalog(&store_id(), pos_core::Currency::KRW).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(catalog.product(&pos_core::Sku::parse("imp-00000").unwrap_or_else(|e| panic!("{e}"))).is_none());

    store.upsert_products(&store_id(), &batch).await.unwrap_or_else(|e| panic!("{e}"));
    let events: Vec<Event> = all_events(&*store).await.into_iter().filter(|e| e.sequence > head).collect();
    assert_eq!(events.len(), 1_234, "one event per SKU");
    let skus: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            assert_eq!(e.sequence, head + 1 + i as u64, "gapless");
            match &e.data {
                EventData::ProductChanged { product } => product.sku.as_str().to_owned(),
                other => panic!("{other:?}"),
            }
        })
        .collect();
    let mut expected: Vec<String> = (0..1_234).map(|i| format!("imp-{i:05}")).collect();
    // SKU 7's one event carries its last version, where SKU 7 was given last.
    expected.retain(|s| s != "imp-00007");
    expected.push("imp-00007".into());
    assert_eq!(skus, expected, "in the order given, a SKU at its last place");
    let catalog =
        store.load_catalog(&store_id(), pos_core::Currency::KRW).await.unwrap_or_else(|e| panic!("{e}"));
    let seven = catalog.product(&pos_core::Sku::parse("imp-00007").unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(seven.map(|p| p.price), Some(Decimal::from(9_990)), "the last version");
    assert_eq!(catalog.products().iter().filter(|p| p.sku.as_str().starts_with("imp-")).count(), 1_234);
}
