//! The canonical journal encoding of a sale and a refund, pinned. The journal hashes these bytes,
//! so any change to a document type (here or in pos-core, pos-payments, pos-loyalty) must show
//! up as a reviewed diff of `tests/golden/*.json`. After an intended change:
//! `UPDATE_GOLDEN=1 cargo test -p pos-testkit --test golden`, then review the diff (and bump
//! `pos_app::SCHEMA` if stored documents change meaning).

use std::path::PathBuf;
use std::sync::Arc;

use pos_app::ports::JournalStore;
use pos_app::{Document, JournalDocument, RefundRequest};
use pos_core::{Promotion, PromotionKind, Reward, Target};
use pos_payments::{TenderInput, TenderKind};
use pos_testkit::fixtures::*;
use pos_testkit::{FakeGateway, MemoryStore, Script};
use uuid::Uuid;

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(actual).unwrap()).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, format!("{pretty}\n")).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(pretty.trim_end(), expected.trim_end(), "{name} changed: review it, then UPDATE_GOLDEN=1");
}

#[tokio::test]
async fn journal_encoding_of_a_sale_and_a_refund() {
    let store = Arc::new(MemoryStore::new());
    seed(&store).await;
    let drinks = Target::items(&["cola"]).unwrap();
    let two_plus_one = Promotion::builder(
        "cola-2+1",
        "콜라 2+1",
        PromotionKind::BuyXGetY {
            buy: drinks.clone(),
            buy_qty: 2,
            get: drinks,
            get_qty: 1,
            reward: Reward::Free,
        },
    )
    .build()
    .unwrap();
    pos_app::ports::CatalogStore::upsert_promotion(&*store, &store_id(), &two_plus_one).await.unwrap();
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    // A first sale gives the member points to spend.
    co.complete_sale(&sale("g0", "T1", &[("chips", 2)], Some("m-1"), false)).await.unwrap();
    let mut request = sale("g1", "T1", &[("cola", 3), ("milk", 2), ("chips", 1)], Some("m-1"), false);
    request.redeem_points = 1_000;
    request.tenders =
        vec![TenderInput::new(TenderKind::Card, won(5_000)), TenderInput::new(TenderKind::Cash, won(10_000))];
    let done = co.complete_sale(&request).await.unwrap();
    let refund = RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "g2".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: done.receipt.clone(),
        lines: vec![2],
        at: noon(),
    };
    returns(store.clone(), gateway).refund(&refund).await.unwrap();

    let journal = store.journal(&store_id(), "T1").await.unwrap();
    let fixed = |n: u128| Uuid::from_u128(n);
    match JournalDocument::read(&journal[1]).unwrap() {
        JournalDocument::Sale(mut doc) => {
            doc.sale_id = fixed(1);
            check("sale.json", &doc.canonical().unwrap());
        }
        other => panic!("not a sale: {other:?}"),
    }
    match JournalDocument::read(&journal[2]).unwrap() {
        JournalDocument::Return(mut doc) => {
            (doc.refund_id, doc.sale_id) = (fixed(2), fixed(1));
            check("refund.json", &doc.canonical().unwrap());
        }
        other => panic!("not a refund: {other:?}"),
    }
}
