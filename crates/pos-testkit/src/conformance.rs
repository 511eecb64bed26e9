//! The storage conformance suite. Every adapter runs every case with [`crate::conformance_tests`],
//! on a fresh store per case.

use std::collections::BTreeMap;
use std::sync::Arc;

use pos_app::{AppError, AuditError, CommitStep, Store, StoreError, audit_terminal};
use pos_core::JournalError;
use pos_inventory::InventoryError;
use pos_payments::{TenderInput, TenderKind};
use rust_decimal::Decimal;

use crate::fixtures::*;
use crate::gateway::{FakeGateway, Script};
use crate::inspect::Inspect;

fn approve() -> Arc<FakeGateway> {
    Arc::new(FakeGateway::new(Script::Approve))
}

async fn counts<S: Inspect>(store: &S) -> BTreeMap<String, i64> {
    store.row_counts().await
}

/// The stored levels are the fold of the stored movements.
pub async fn assert_stock_is_fold<S: Store>(store: &S) {
    let movements = store.movements(&store_id()).await.unwrap_or_else(|e| panic!("movements: {e}"));
    let folded = pos_inventory::levels(&movements);
    let stored = store.stock(&store_id()).await.unwrap_or_else(|e| panic!("stock: {e}"));
    for line in &stored {
        let fold = folded.get(&(line.sku.clone(), line.location.clone())).copied().unwrap_or_default();
        assert_eq!(line.row.level, fold, "{} at {}: stored level is not the fold", line.sku, line.location.0);
    }
    for key in folded.keys() {
        assert!(
            stored.iter().any(|l| (&l.sku, &l.location) == (&key.0, &key.1)),
            "{} at {} moved but has no level",
            key.0,
            key.1.0
        );
    }
}

/// A sale writes its row, lines, payments, movements, loyalty entries and journal record.
pub async fn sale_writes_everything<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let before = counts(&*store).await;
    let co = checkout(store.clone(), approve());
    let request = sale("k1", "T1", &[("milk", 2), ("cola", 1)], Some("m-1"), false);
    let live = co.price(&request.basket, noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(live.total, won(5_000));
    assert_eq!(counts(&*store).await, before, "pricing records nothing");
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.number, done.receipt.as_str(), done.journal_sequence), (1, "T1-000001", 1));
    let after = counts(&*store).await;
    let delta = |t: &str| after[t] - before[t];
    assert_eq!(
        (delta("sales"), delta("sale_lines"), delta("payments"), delta("stock_movements"), delta("journal")),
        (1, 2, 1, 2, 1)
    );
    // 5,000 won earns 50 points plus the 1,000-point signup bonus: two ledger entries.
    assert_eq!(delta("loyalty_entries"), 2);
    let (account, version) = store
        .load_account(&store_id(), "m-1")
        .await
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!((account.balance(), version), (1_050, 1));
    let level = store.level(&store_id(), &location(), &sku("milk")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.on_hand, Decimal::from(998));
}

/// A failure at any step of the commit leaves nothing of the sale behind, and the next sale
/// still gets number 1.
pub async fn atomic_at_every_step<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let before = counts(&*store).await;
    for (i, step) in [
        CommitStep::Document,
        CommitStep::Lines,
        CommitStep::Payments,
        CommitStep::Stock,
        CommitStep::Loyalty,
        CommitStep::Journal,
    ]
    .into_iter()
    .enumerate()
    {
        co.fail_after(Some(step));
        let r = co
            .complete_sale(&sale(&format!("fail-{i}"), "T1", &[("milk", 1), ("last", 1)], Some("m-1"), false))
            .await;
        assert_eq!(r.unwrap_err(), AppError::Injected { step }, "{step:?}");
        assert_eq!(counts(&*store).await, before, "rows left behind after a failure at {step:?}");
        assert_eq!(
            store.level(&store_id(), &location(), &sku("last")).await.ok().map(|l| l.on_hand),
            Some(Decimal::from(5))
        );
        assert_eq!(store.load_account(&store_id(), "m-1").await.ok().flatten(), None, "{step:?}");
    }
    co.fail_after(None);
    let done = co
        .complete_sale(&sale("ok", "T1", &[("milk", 1)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.number, done.journal_sequence), (1, 1), "failed attempts consume no numbers");
    assert_stock_is_fold(&*store).await;
}

/// Ten concurrent submissions with one idempotency key make exactly one sale; the same key
/// with different content is a conflict.
pub async fn idempotent_under_concurrency<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let request = sale("same-key", "T1", &[("cola", 3)], None, false);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (co, request) = (co.clone(), request.clone());
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap_or_else(|e| panic!("task: {e}")).unwrap_or_else(|e| panic!("sale: {e}")));
    }
    assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1, "exactly one original");
    assert!(
        results.iter().all(|r| r.sale_id == results[0].sale_id || r.replayed),
        "replays return the first sale"
    );
    assert!(results.iter().all(|r| r.receipt == "T1-000001"));
    assert_eq!(counts(&*store).await["sales"], 1);
    assert_eq!(
        store.level(&store_id(), &location(), &sku("cola")).await.ok().map(|l| l.on_hand),
        Some(Decimal::from(997))
    );
    let different = sale("same-key", "T1", &[("cola", 4)], None, false);
    let before = counts(&*store).await;
    assert_eq!(
        co.complete_sale(&different).await.unwrap_err(),
        AppError::IdempotencyConflict { key: "same-key".into() }
    );
    assert_eq!(counts(&*store).await, before);
}

/// Sixteen concurrent sales race for the last five units of a SKU that refuses negative stock:
/// exactly five succeed.
pub async fn no_oversell<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let co = co.clone();
        let request = sale(&format!("race-{i}"), &format!("T{}", i % 4), &[("last", 1)], None, false);
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            Ok(_) => ok += 1,
            Err(AppError::Inventory(InventoryError::InsufficientStock { sku, available, .. })) => {
                assert_eq!((sku.as_str(), available), ("last", Decimal::ZERO));
                refused += 1;
            }
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!((ok, refused), (5, 11));
    let level = store.level(&store_id(), &location(), &sku("last")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.on_hand, Decimal::ZERO);
    assert_eq!(counts(&*store).await["sales"], 5);
    assert_stock_is_fold(&*store).await;
}

/// Sixteen tills selling concurrently: receipt numbers and journal sequences are gapless per
/// terminal and every journal verifies.
pub async fn gapless_numbering_under_concurrency<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let mut tasks = Vec::new();
    for till in 0..16 {
        for n in 0..4 {
            let co = co.clone();
            // Four tills share each terminal id: numbering must hold under contention too.
            let request =
                sale(&format!("till{till}-{n}"), &format!("T{}", till % 4), &[("milk", 1)], None, false);
            tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
        }
    }
    let mut numbers: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for t in tasks {
        let done = t.await.unwrap_or_else(|e| panic!("task: {e}")).unwrap_or_else(|e| panic!("sale: {e}"));
        let terminal = done.receipt.split('-').next().unwrap_or_default().to_owned();
        numbers.entry(terminal).or_default().push(done.number);
        assert_eq!(done.number, done.journal_sequence);
    }
    for (terminal, mut ns) in numbers {
        ns.sort_unstable();
        assert_eq!(ns, (1..=16).collect::<Vec<u64>>(), "terminal {terminal}");
        assert_eq!(audit_terminal(&*store, &store_id(), &terminal).await, Ok(16));
    }
    assert_stock_is_fold(&*store).await;
}

/// Invalid requests are refused with typed errors and write nothing.
pub async fn bad_input_writes_nothing<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = approve();
    let co = checkout(store.clone(), gateway.clone());
    let before = counts(&*store).await;
    let mut cases: Vec<(pos_app::SaleRequest, &str)> = Vec::new();
    cases.push((sale("", "T1", &[("milk", 1)], None, false), "idempotency_key"));
    cases.push((sale("b1", " ", &[("milk", 1)], None, false), "terminal"));
    cases.push((sale("b2", "T1", &[], None, false), "basket"));
    let mut underpaid = sale("b3", "T1", &[("milk", 1)], None, false);
    underpaid.tenders = vec![TenderInput::new(TenderKind::Cash, won(1_000))];
    cases.push((underpaid, "underpaid"));
    let mut points = sale("b4", "T1", &[("milk", 1)], None, false);
    points.redeem_points = 1_000;
    cases.push((points, "redeem_points"));
    let mut too_many = sale("b5", "T1", &[("milk", 1)], Some("m-9"), false);
    too_many.redeem_points = 5_000;
    cases.push((too_many, "balance"));
    cases.push((sale("b6", "T1", &[("ghost", 1)], None, false), "sku"));
    cases.push((sale("b7", "T1", &[("last", 6)], None, false), "stock"));
    for (request, what) in cases {
        let e = co.complete_sale(&request).await.expect_err(what);
        let ok = match what {
            "underpaid" => matches!(e, AppError::Payment(pos_payments::PaymentError::Underpaid { .. })),
            "balance" => {
                matches!(e, AppError::Loyalty(pos_loyalty::LoyaltyError::BelowMinimumBalance { .. }))
            }
            "sku" => matches!(e, AppError::Pricing(pos_core::CoreError::UnknownSku { .. })),
            "stock" => matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })),
            field => matches!(&e, AppError::InvalidField { field: f, .. } if f == field),
        };
        assert!(ok, "{what}: {e}");
        assert_eq!(counts(&*store).await, before, "{what} wrote something");
    }
    // A declined card writes nothing either.
    gateway.set_script(Script::Decline("do not honour".into()));
    let e = co.complete_sale(&card_sale("b8", "T1", &[("milk", 1)], 1_500)).await.unwrap_err();
    assert_eq!(e, AppError::Declined { reason: "do not honour".into() });
    assert_eq!(counts(&*store).await, before);
}

/// Every use case refuses bad input with a typed error and writes nothing, row counts of every
/// table compared before and after.
pub async fn every_use_case_refuses_bad_input<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let ret = returns(store.clone(), approve());
    let sh = shifts(store.clone());
    let rep = reports(store.clone());
    let done = co
        .complete_sale(&sale("ok", "T1", &[("milk", 1), ("cola", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let members = pos_app::Members::new(store.clone(), store_id());
    members.create("m-1", "김민수", "010-1234-5678", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    sh.open_shift("T1", "김민수", won(10_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let stock = stock(store.clone());
    let before = counts(&*store).await;
    let d = Decimal::from;
    let refund = |key: &str, receipt: &str, lines: Vec<u32>| pos_app::RefundRequest {
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "x".into(),
        location: location(),
        receipt: receipt.into(),
        lines,
        at: noon(),
    };
    let mut errors: Vec<(&str, AppError)> = Vec::new();
    let mut push = |what: &'static str, r: Result<(), AppError>| match r {
        Err(e) => errors.push((what, e)),
        Ok(()) => panic!("{what} was accepted"),
    };
    push("refund: no lines", ret.refund(&refund("r1", &done.receipt, vec![])).await.map(|_| ()));
    push("refund: unknown line", ret.refund(&refund("r2", &done.receipt, vec![9])).await.map(|_| ()));
    push("refund: repeated line", ret.refund(&refund("r3", &done.receipt, vec![1, 1])).await.map(|_| ()));
    push("refund: unknown receipt", ret.refund(&refund("r4", "T1-999999", vec![1])).await.map(|_| ()));
    push("refund: empty key", ret.refund(&refund("", &done.receipt, vec![1])).await.map(|_| ()));
    let void = pos_app::VoidRequest {
        idempotency_key: "v".into(),
        terminal: "T1".into(),
        cashier: "x".into(),
        location: location(),
        receipt: "nope".into(),
        at: noon(),
    };
    push("void: unknown receipt", ret.void(&void).await.map(|_| ()));
    push("park: empty basket", co.park("T1", &pos_core::Basket::new(), noon()).await.map(|_| ()));
    push("recall: unknown", co.recall(uuid::Uuid::now_v7()).await.map(|_| ()));
    push("member: bad phone", members.create("m-2", "이", "12ab", noon()).await.map(|_| ()));
    push("member: taken phone", members.create("m-3", "박", "01012345678", noon()).await.map(|_| ()));
    push(
        "member: bad email",
        members
            .update("m-1", pos_app::MemberUpdate { email: Some("nope".into()), ..Default::default() })
            .await
            .map(|_| ()),
    );
    push("member: unknown", members.erase("ghost", noon()).await.map(|_| ()));
    let bad_window = pos_loyalty::Coupon {
        code: "X".into(),
        kind: pos_loyalty::CouponKind::SingleUse,
        campaign: "X".into(),
        member: None,
        valid_from: noon().date_naive(),
        valid_to: noon().date_naive() - chrono::Duration::days(1),
        used_on: None,
    };
    push("coupon: inverted window", members.issue_coupon(bad_window).await.map(|_| ()));
    push("stock: zero adjustment", stock.adjust(&location(), &sku("milk"), d(0), "x", "k", noon()).await);
    push(
        "stock: same-location transfer",
        stock.dispatch_transfer("t", &location(), &location(), &[(sku("milk"), d(1))], "k", noon()).await,
    );
    push(
        "stock: negative count",
        stock.post_count("c", &location(), &[(sku("milk"), d(-1))], "k", noon()).await.map(|_| ()),
    );
    push(
        "stock: past expiry",
        stock.reserve("r", &location(), &sku("milk"), d(1), noon(), "k", noon()).await,
    );
    push("stock: unknown transfer", stock.receive_transfer("nope", &[], "k", noon()).await.map(|_| ()));
    push("shift: second open", sh.open_shift("T1", "x", won(0), noon()).await.map(|_| ()));
    push("shift: negative paid out", sh.paid_out("T1", won(-5), "x", noon()).await.map(|_| ()));
    push("shift: no shift", sh.paid_in("T9", won(5), "x", noon()).await.map(|_| ()));
    push("report: inverted period", rep.sales_report(noon(), noon()).await.map(|_| ()));
    assert_eq!(errors.len(), 22);
    assert_eq!(counts(&*store).await, before, "a refused operation wrote something: {errors:?}");
}

/// A gateway timeout is reconciled by a status query: a payment the gateway took completes the
/// sale once; a payment it never took is not recorded; the customer is never charged twice.
pub async fn unknown_gateway_outcome_is_reconciled<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::TimeoutAfterCharge));
    let co = checkout(store.clone(), gateway.clone());
    let request = card_sale("card-1", "T1", &[("chips", 2)], 5_000);
    let first = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    let again = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.replayed && again.sale_id == first.sale_id);
    assert_eq!(gateway.charged(), 1);
    gateway.set_script(Script::TimeoutBeforeCharge);
    let before = counts(&*store).await;
    let e = co.complete_sale(&card_sale("card-2", "T1", &[("chips", 1)], 2_500)).await.unwrap_err();
    assert!(matches!(e, AppError::Declined { .. }), "{e}");
    assert_eq!(counts(&*store).await, before);
    assert_eq!(gateway.charged(), 1);
}

/// Partial refunds by line return exactly what the lines were charged, put the goods back,
/// reverse points and restore spent points; refunding a line twice is refused and writes nothing.
pub async fn refunds_by_line<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let ret = returns(store.clone(), approve());
    // A first purchase gives the member points to spend: 1,000,000 won earns 10,000 + 1,000 bonus.
    co.complete_sale(&sale("r0", "T1", &[("chips", 400)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let balance = |s: Arc<S>| async move {
        s.load_account(&store_id(), "m-1").await.ok().flatten().map_or(0, |a| a.0.balance())
    };
    let before_sale = balance(store.clone()).await;
    let mut request = sale("r1", "T1", &[("milk", 2), ("cola", 1), ("chips", 1)], Some("m-1"), false);
    request.redeem_points = 2_000;
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    let priced = done.priced.clone().unwrap_or_else(|| panic!("priced"));
    let ids: Vec<u32> = priced.lines.iter().map(|l| l.line_id).collect();
    let level = |s: Arc<S>, k: &'static str| async move {
        s.level(&store_id(), &location(), &sku(k)).await.map(|l| l.on_hand).unwrap_or_default()
    };
    let milk_before = level(store.clone(), "milk").await;
    let refund = |key: &str, lines: &[u32]| pos_app::RefundRequest {
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: done.receipt.clone(),
        lines: lines.to_vec(),
        at: noon(),
    };
    let first = ret.refund(&refund("f1", &ids[..1])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.amount, priced.lines[0].total, "exactly what the line was charged");
    assert_eq!(first.receipt, "T1-R000001");
    assert_eq!(level(store.clone(), "milk").await, milk_before + Decimal::from(2), "restocked");
    let loyalty = first.loyalty.unwrap_or_else(|| panic!("loyalty"));
    assert!(loyalty.reversed > 0 && loyalty.restored > 0, "{loyalty:?}");
    let money_back: Decimal = first.tenders.iter().map(|t| t.amount.amount()).sum();
    assert_eq!(
        money_back + Decimal::from(loyalty.restored),
        first.amount.amount(),
        "money plus points back = line total"
    );
    // Refunding it again is refused and writes nothing.
    let counts_before = counts(&*store).await;
    let e = ret.refund(&refund("f2", &ids[..1])).await.unwrap_err();
    assert!(matches!(&e, AppError::InvalidField { field, .. } if field == "lines"), "{e}");
    let e = ret.refund(&refund("f3", &[99])).await.unwrap_err();
    assert!(matches!(e, AppError::Pricing(pos_core::CoreError::UnknownLine { line: 99 })), "{e}");
    let mut unknown = refund("f4", &ids[1..]);
    unknown.receipt = "T9-000009".into();
    assert!(matches!(ret.refund(&unknown).await.unwrap_err(), AppError::NotFound { .. }));
    assert_eq!(counts(&*store).await, counts_before);
    // The rest: both refunds add up to the sale, and the points balance is back where it was.
    let rest = ret.refund(&refund("f5", &ids[1..])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.amount.checked_add(&rest.amount).ok(), Some(priced.total));
    assert_eq!(balance(store.clone()).await, before_sale);
    // A retry of the same refund is a replay, not a second refund.
    let again = ret.refund(&refund("f5", &ids[1..])).await;
    assert!(
        matches!(&again, Err(AppError::InvalidField { .. })) || again.as_ref().is_ok_and(|r| r.replayed),
        "{again:?}"
    );
    // A card sale is refunded to the card.
    let card = co
        .complete_sale(&card_sale("c1", "T2", &[("cola", 2)], 4_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut to_card = refund("f6", &[1]);
    to_card.receipt = card.receipt.clone();
    let back = ret.refund(&to_card).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        back.tenders.iter().map(|t| (t.kind, t.amount)).collect::<Vec<_>>(),
        vec![(TenderKind::Card, won(4_000))]
    );
    assert_eq!(
        audit_terminal(&*store, &store_id(), "T1").await,
        Ok(5),
        "two sales and three refunds share the chain"
    );
    assert_stock_is_fold(&*store).await;
}

/// Members: created, found by phone as typed at the till, updated, exported and erased; a phone
/// belongs to one member; bad input is refused.
pub async fn members<S: Store + Inspect>(store: Arc<S>) {
    let members = pos_app::Members::new(store.clone(), store_id());
    members.create("m-1", "김민수", "010-1234-5678", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let found = members.by_phone("+82 10 1234 5678").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.map(|m| m.id), Some("m-1".to_owned()));
    assert!(members.by_phone("010-9999-9999").await.unwrap_or_else(|e| panic!("{e}")).is_none());
    let e = members.create("m-2", "이영희", "01012345678", noon()).await.unwrap_err();
    assert_eq!(e, AppError::Store(StoreError::Duplicate { what: "phone number".into() }));
    assert!(matches!(
        members.create("m-1", "다시", "010-2222-3333", noon()).await,
        Err(AppError::InvalidField { .. })
    ));
    assert!(matches!(members.create("m-3", "박", "010-12ab", noon()).await, Err(AppError::Loyalty(_))));
    members.create("m-2", "이영희", "010-2222-3333", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let change = pos_app::MemberUpdate { email: Some("minsu@example.kr".into()), ..Default::default() };
    let updated = members.update("m-1", change).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(updated.email.as_deref(), Some("minsu@example.kr"));
    let taken = pos_app::MemberUpdate { phone: Some("010-2222-3333".into()), ..Default::default() };
    assert!(matches!(members.update("m-1", taken).await, Err(AppError::Store(StoreError::Duplicate { .. }))));
    assert!(matches!(members.update("ghost", Default::default()).await, Err(AppError::NotFound { .. })));
    // A purchase gives the member points, which the export includes.
    seed(&store).await;
    checkout(store.clone(), approve())
        .complete_sale(&sale("mm1", "T1", &[("milk", 1)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let data = members.export("m-1").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(data.member.name.as_deref(), Some("김민수"));
    let balance = data.points.as_ref().map(|a| a.balance());
    assert_eq!(balance, Some(1_015));
    // Segments: the one buyer is the top spender, not dormant now, dormant in 100 days, and
    // has points expiring within 30 days of 350 days from now.
    let seg = members
        .segments(noon() + chrono::Duration::minutes(1), 30, Decimal::ONE_HUNDRED, 90, 30)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((seg.top_spenders, seg.dormant), (vec!["m-1".to_owned()], Vec::<String>::new()));
    let later = members
        .segments(noon() + chrono::Duration::days(100), 30, Decimal::ONE_HUNDRED, 90, 30)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((later.top_spenders.len(), later.dormant), (0, vec!["m-1".to_owned()]));
    let expiring = members
        .segments(noon() + chrono::Duration::days(350), 30, Decimal::ONE_HUNDRED, 90, 30)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(expiring.expiring, vec![("m-1".to_owned(), 1_015)]);
    assert!(members.segments(noon(), 0, Decimal::TEN, 90, 30).await.is_err());
    // Erasure removes personal data and frees the phone; the points still add up.
    let erased = members.erase("m-1", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((erased.name, erased.phone, erased.email), (None, None, None));
    assert!(members.by_phone("010-1234-5678").await.unwrap_or_else(|e| panic!("{e}")).is_none());
    assert_eq!(members.export("m-1").await.ok().and_then(|d| d.points.map(|a| a.balance())), balance);
    members.create("m-4", "새 회원", "010-1234-5678", noon()).await.unwrap_or_else(|e| panic!("{e}"));
}

/// A parked basket comes back intact, once: of eight tills racing to recall it, one gets it.
pub async fn park_and_recall<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = Arc::new(checkout(store.clone(), approve()));
    let basket = sale("p", "T1", &[("milk", 2), ("cola", 1)], Some("m-1"), false).basket;
    let first = co.park("T1", &basket, noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let second =
        co.park("T1", &basket, noon() + chrono::Duration::minutes(1)).await.unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<uuid::Uuid> = co.parked("T1").await.unwrap_or_default().iter().map(|p| p.id).collect();
    assert_eq!(listed, vec![first, second]);
    assert!(co.parked("T2").await.unwrap_or_default().is_empty());
    assert!(matches!(
        co.park("T1", &pos_core::Basket::new(), noon()).await,
        Err(AppError::InvalidField { .. })
    ));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let co = co.clone();
        tasks.push(tokio::spawn(async move { co.recall(first).await }));
    }
    let mut got = Vec::new();
    for t in tasks {
        if let Ok(p) = t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            got.push(p);
        }
    }
    assert_eq!(got.len(), 1, "exactly one till recalls it");
    assert_eq!(got[0].basket, basket, "the basket comes back intact");
    assert!(matches!(co.recall(first).await, Err(AppError::NotFound { .. })));
    assert_eq!(co.parked("T1").await.unwrap_or_default().len(), 1);
}

/// Shifts: open with a float, the terminal's sales and refunds since opening, paid out, X report,
/// close with the next gapless Z number, which goes into the journal.
pub async fn shifts_and_z_reports<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let ret = returns(store.clone(), approve());
    let sh = shifts(store.clone());
    sh.open_shift("T1", "김민수", won(100_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        sh.open_shift("T1", "이영희", won(0), noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    assert!(matches!(sh.open_shift("T3", "이영희", won(-1), noon()).await, Err(AppError::Payment(_))));
    co.complete_sale(&sale("z1", "T1", &[("milk", 2)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let cola = co
        .complete_sale(&sale("z2", "T1", &[("cola", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&card_sale("z3", "T1", &[("chips", 1)], 2_500)).await.unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&sale("z4", "T2", &[("milk", 1)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        idempotency_key: "zf".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: cola.receipt.clone(),
        lines: vec![1],
        at: noon(),
    };
    ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    sh.paid_out("T1", won(10_000), "우유 대금", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(sh.paid_out("T1", won(1_000_000), "too much", noon()).await, Err(AppError::Payment(_))));
    let x = sh.x_report("T1").await.unwrap_or_else(|e| panic!("{e}"));
    // 100,000 float + 3,000 + 2,000 cash sales - 2,000 cash refund - 10,000 paid out.
    assert_eq!(x.expected_cash, won(93_000));
    assert_eq!((x.sales, x.refunds), (3, 1), "T2's sale is not in T1's shift");
    assert_eq!(x.by_tender.get(&TenderKind::Cash), Some(&won(3_000)));
    assert_eq!(x.by_tender.get(&TenderKind::Card), Some(&won(2_500)));
    assert_eq!(x.by_category.get("food"), Some(&won(5_500)));
    let z = sh.close_shift("T1", won(92_500), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((z.sequence, z.over_short), (Some(1), Some(won(-500))));
    assert!(matches!(sh.x_report("T1").await, Err(AppError::NotFound { .. })));
    assert!(matches!(sh.close_shift("T1", won(0), noon()).await, Err(AppError::NotFound { .. })));
    // The next shift sees only its own sales and gets Z 2.
    sh.open_shift("T1", "이영희", won(50_000), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&sale("z5", "T1", &[("milk", 1)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let z2 = sh.close_shift("T1", won(51_500), noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((z2.sequence, z2.sales, z2.over_short), (Some(2), 1, Some(won(0))));
    let journal = store.journal(&store_id(), "T1").await.unwrap_or_default();
    let closes: Vec<&str> = journal
        .iter()
        .filter(|e| e.kind == pos_core::DocumentKind::ShiftClose)
        .map(|e| e.document_id.as_str())
        .collect();
    assert_eq!(closes, vec!["T1-Z000001", "T1-Z000002"]);
    assert_eq!(audit_terminal(&*store, &store_id(), "T1").await, Ok(journal.len()));
}

/// The sales report folds a period's sales and refunds: by store-local day and hour, products,
/// categories, cashiers, taxes summing to the totals, and the payment mix.
pub async fn sales_report<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let ret = returns(store.clone(), approve());
    let rep = reports(store.clone());
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
    let at_time = |mut r: pos_app::SaleRequest, t: &str| {
        r.at = at(t);
        r
    };
    // 12:00, 14:00 and 14:30 in Seoul on the 23rd, 10:00 on the 24th.
    co.complete_sale(&at_time(sale("q1", "T1", &[("milk", 2)], None, false), "2026-11-23T03:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&at_time(card_sale("q2", "T1", &[("chips", 1)], 2_500), "2026-11-23T05:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cola = co
        .complete_sale(&at_time(sale("q3", "T1", &[("cola", 3)], None, false), "2026-11-23T05:30:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    co.complete_sale(&at_time(sale("q4", "T2", &[("milk", 1)], None, false), "2026-11-24T01:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        idempotency_key: "qf".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: cola.receipt.clone(),
        lines: vec![1],
        at: at("2026-11-23T06:00:00Z"),
    };
    ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    let r = rep
        .sales_report(at("2026-11-22T15:00:00Z"), at("2026-11-24T15:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let d = Decimal::from;
    assert_eq!((r.total.sales, r.total.gross, r.refunds), (4, d(7_000), d(6_000)));
    let day = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
    assert_eq!(r.by_day[&day(2026, 11, 23)].gross, d(5_500));
    assert_eq!((r.by_day[&day(2026, 11, 24)].sales, r.by_day[&day(2026, 11, 24)].gross), (1, d(1_500)));
    assert_eq!(
        (r.by_hour[&12].gross, r.by_hour[&14].gross, r.by_hour[&15].gross),
        (d(3_000), d(8_500), d(-6_000))
    );
    let top: Vec<(&str, Decimal)> = r.top_products.iter().map(|p| (p.sku.as_str(), p.gross)).collect();
    assert_eq!(top, vec![("milk", d(4_500)), ("chips", d(2_500)), ("cola", d(0))]);
    assert_eq!(r.top_products[0].quantity, d(3));
    assert_eq!(r.by_category.get("food"), Some(&d(7_000)));
    assert_eq!(r.by_cashier.get("김민수"), Some(&d(7_000)));
    assert_eq!(
        (r.payment_mix.get(&TenderKind::Cash), r.payment_mix.get(&TenderKind::Card)),
        (Some(&d(4_500)), Some(&d(2_500)))
    );
    assert_eq!(r.taxes.iter().map(|t| t.gross).sum::<Decimal>(), r.total.gross);
    assert_eq!(r.taxes.iter().map(|t| t.tax).sum::<Decimal>(), r.total.tax);
    assert!(r.taxes.iter().all(|t| t.net + t.tax == t.gross));
    // Only the period asked for, and a period must not be inverted.
    let first_day = rep
        .sales_report(at("2026-11-22T15:00:00Z"), at("2026-11-23T15:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first_day.total.sales, 3);
    assert!(matches!(
        rep.sales_report(at("2026-11-24T00:00:00Z"), at("2026-11-23T00:00:00Z")).await,
        Err(AppError::InvalidField { .. })
    ));
}

/// A void returns a whole sale (money, stock, points) and is journalled as a void; a sale with
/// refunds cannot be voided.
pub async fn void_a_sale<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    let ret = returns(store.clone(), approve());
    let milk = |s: Arc<S>| async move {
        s.level(&store_id(), &location(), &sku("milk")).await.map(|l| l.on_hand).unwrap_or_default()
    };
    let before = milk(store.clone()).await;
    let done = co
        .complete_sale(&sale("v1", "T1", &[("milk", 3), ("cola", 1)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let void = |key: &str, receipt: &str| pos_app::VoidRequest {
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "점장".into(),
        location: location(),
        receipt: receipt.into(),
        at: noon(),
    };
    let voided = ret.void(&void("vv1", &done.receipt)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(voided.amount, done.total);
    assert_eq!(voided.receipt, "T1-V000001");
    assert_eq!(milk(store.clone()).await, before);
    let points = store.load_account(&store_id(), "m-1").await.ok().flatten().map_or(-1, |a| a.0.balance());
    assert_eq!(points, 0, "earned points and the signup bonus are taken back");
    let journal = store.journal(&store_id(), "T1").await.unwrap_or_default();
    assert_eq!(
        journal.last().map(|e| (e.kind, e.document_id.as_str())),
        Some((pos_core::DocumentKind::Void, "T1-V000001"))
    );
    // Voiding again, or voiding a sale with a refund, is refused.
    assert!(matches!(ret.void(&void("vv2", &done.receipt)).await, Err(AppError::InvalidField { .. })));
    let other = co
        .complete_sale(&sale("v2", "T1", &[("milk", 1), ("cola", 1)], None, false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refund = pos_app::RefundRequest {
        idempotency_key: "vr".into(),
        terminal: "T1".into(),
        cashier: "점장".into(),
        location: location(),
        receipt: other.receipt.clone(),
        lines: vec![1],
        at: noon(),
    };
    let r = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.receipt, "T1-R000002", "refunds and voids share one gapless numbering");
    let e = ret.void(&void("vv3", &other.receipt)).await.unwrap_err();
    assert!(matches!(&e, AppError::InvalidField { field, .. } if field == "receipt"), "{e}");
    assert!(audit_terminal(&*store, &store_id(), "T1").await.is_ok());
    assert_stock_is_fold(&*store).await;
}

/// Stock operations: adjustments with reasons, transfers through transit with short receipts,
/// counts that touch only counted SKUs, reservations that hold only available stock (also when
/// tills race), and refusals that write nothing.
pub async fn stock_operations<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let stock = Arc::new(stock(store.clone()));
    let d = Decimal::from;
    let back = pos_inventory::LocationId::new("seoul-1/back");
    let level = |s: Arc<S>, l: pos_inventory::LocationId, k: &'static str| async move {
        s.level(&store_id(), &l, &sku(k)).await.unwrap_or_default()
    };
    stock
        .adjust(&location(), &sku("milk"), d(-2), "파손", "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(998));
    let before = counts(&*store).await;
    assert!(matches!(
        stock.adjust(&location(), &sku("milk"), d(0), "x", "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    assert!(matches!(
        stock.adjust(&location(), &sku("milk"), d(1), " ", "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    let e = stock.adjust(&location(), &sku("last"), d(-6), "도난", "kim", noon()).await.unwrap_err();
    assert!(matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })), "{e}");
    assert_eq!(counts(&*store).await, before, "refusals write nothing");

    // Transfer 10 milk to the back room; 8 arrive.
    assert!(matches!(
        stock
            .dispatch_transfer("TR-1", &location(), &location(), &[(sku("milk"), d(1))], "kim", noon())
            .await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    stock
        .dispatch_transfer(
            "TR-1",
            &location(),
            &back,
            &[(sku("milk"), d(10)), (sku("cola"), d(2))],
            "kim",
            noon(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(988));
    assert_eq!(level(store.clone(), back.clone(), "milk").await.on_hand, d(0), "in transit");
    assert!(matches!(
        stock.dispatch_transfer("TR-1", &location(), &back, &[(sku("milk"), d(1))], "kim", noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    assert!(matches!(
        stock.receive_transfer("TR-1", &[(sku("milk"), d(11))], "lee", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    let variance = stock
        .receive_transfer("TR-1", &[(sku("milk"), d(8))], "lee", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(variance.get(&sku("milk")), Some(&d(2)));
    assert_eq!(variance.get(&sku("cola")), Some(&d(2)));
    assert_eq!(level(store.clone(), back.clone(), "milk").await.on_hand, d(8));
    assert!(matches!(
        stock.receive_transfer("TR-1", &[], "lee", noon()).await,
        Err(AppError::Inventory(InventoryError::WrongState { .. }))
    ));

    // A count of milk only.
    let cola_before = level(store.clone(), location(), "cola").await.on_hand;
    let variances = stock
        .post_count("CNT-1", &location(), &[(sku("milk"), d(980))], "kim", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(variances.get(&sku("milk")), Some(&d(-8)));
    assert_eq!(level(store.clone(), location(), "milk").await.on_hand, d(980));
    assert_eq!(
        level(store.clone(), location(), "cola").await.on_hand,
        cola_before,
        "not counted, not touched"
    );
    assert!(matches!(
        stock.post_count("CNT-2", &location(), &[(sku("ghost"), d(1))], "kim", noon()).await,
        Err(AppError::InvalidField { .. })
    ));
    assert!(matches!(
        stock.post_count("CNT-1", &location(), &[(sku("milk"), d(1))], "kim", noon()).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));

    // Reservations hold only what is available: 8 tills race for the 5 units of `last`, 3 each.
    let later = noon() + chrono::Duration::hours(24);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let stock = stock.clone();
        tasks.push(tokio::spawn(async move {
            stock
                .reserve(&format!("R-{i}"), &location(), &sku("last"), Decimal::from(3), later, "web", noon())
                .await
        }));
    }
    let mut won_ids = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if t.await.unwrap_or_else(|e| panic!("task: {e}")).is_ok() {
            won_ids.push(format!("R-{i}"));
        }
    }
    assert_eq!(won_ids.len(), 1, "5 units hold one reservation of 3");
    let l = level(store.clone(), location(), "last").await;
    assert_eq!((l.on_hand, l.reserved, l.available), (d(5), d(3), d(2)));
    let co = checkout(store.clone(), approve());
    let e = co.complete_sale(&sale("held", "T1", &[("last", 3)], None, false)).await.unwrap_err();
    assert!(
        matches!(e, AppError::Inventory(InventoryError::InsufficientStock { .. })),
        "reserved stock is not for sale: {e}"
    );
    stock.fulfil(&won_ids[0], "kim", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    let l = level(store.clone(), location(), "last").await;
    assert_eq!((l.on_hand, l.reserved), (d(2), d(0)));
    assert!(matches!(
        stock.release(&won_ids[0], "kim", noon()).await,
        Err(AppError::Inventory(InventoryError::WrongState { .. }))
    ));
    stock
        .reserve("R-9", &location(), &sku("last"), d(1), later, "web", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stock.release("R-9", "kim", noon()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "last").await.available, d(2));
    assert!(matches!(
        stock.reserve("R-10", &location(), &sku("last"), d(1), noon(), "web", noon()).await,
        Err(AppError::Inventory(InventoryError::InvalidField { .. }))
    ));
    // Reservations lapse: expiry releases the hold.
    stock
        .reserve("R-11", &location(), &sku("last"), d(2), noon() + chrono::Duration::hours(1), "web", noon())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level(store.clone(), location(), "last").await.available, d(0));
    assert!(stock.expire_reservations(noon(), "system").await.unwrap_or_default().is_empty());
    let expired = stock
        .expire_reservations(noon() + chrono::Duration::hours(2), "system")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(expired, vec!["R-11".to_owned()]);
    assert_eq!(level(store.clone(), location(), "last").await.available, d(2));
    assert_stock_is_fold(&*store).await;
}

/// Coupons: a personal code unlocks its campaign's promotion once; of six tills racing with one
/// single-use code exactly one sale gets it; someone else's or an unknown code is refused.
pub async fn coupons<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let campaign = pos_core::Promotion::builder(
        "birthday",
        "생일 10%",
        pos_core::PromotionKind::BasketPercentOff { percent: Decimal::TEN },
    )
    .coupon("BIRTHDAY")
    .build()
    .unwrap_or_else(|e| panic!("{e}"));
    store.upsert_promotion(&store_id(), &campaign).await.unwrap_or_else(|e| panic!("{e}"));
    let members = pos_app::Members::new(store.clone(), store_id());
    let day = noon().date_naive();
    let coupon = |code: &str, member: Option<&str>| pos_loyalty::Coupon {
        code: code.into(),
        kind: pos_loyalty::CouponKind::Birthday,
        campaign: "BIRTHDAY".into(),
        member: member.map(Into::into),
        valid_from: day,
        valid_to: day + chrono::Duration::days(30),
        used_on: None,
    };
    members.issue_coupon(coupon("BDAY-2026-M1", Some("m-1"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        members.issue_coupon(coupon("bday-2026-m1", Some("m-1"))).await,
        Err(AppError::Store(StoreError::Duplicate { .. }))
    ));
    let co = Arc::new(checkout(store.clone(), approve()));
    let with = |key: &str, code: &str, member: Option<&str>| {
        let mut r = sale(key, "T1", &[("chips", 4)], member, false);
        r.coupons = vec![code.into()];
        r
    };
    let done =
        co.complete_sale(&with("c1", "bday-2026-m1", Some("m-1"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(9_000), "10,000 less the birthday 10%");
    let again = co.complete_sale(&with("c2", "BDAY-2026-M1", Some("m-1"))).await.unwrap_err();
    assert!(
        matches!(&again, AppError::Loyalty(pos_loyalty::LoyaltyError::Coupon { reason, .. }) if reason == "already used"),
        "{again}"
    );
    members.issue_coupon(coupon("BDAY-2026-M2", Some("m-2"))).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(co.complete_sale(&with("c3", "BDAY-2026-M2", Some("m-1"))).await, Err(AppError::Loyalty(_))),
        "someone else's"
    );
    assert!(matches!(co.complete_sale(&with("c4", "NOPE", None)).await, Err(AppError::Loyalty(_))));
    // One single-use code, six tills at once.
    members.issue_coupon(coupon("ONCE", None)).await.unwrap_or_else(|e| panic!("{e}"));
    let before = counts(&*store).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let co = co.clone();
        let request = with(&format!("race-{i}"), "ONCE", None);
        tasks.push(tokio::spawn(async move { co.complete_sale(&request).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("task: {e}")) {
            Ok(s) => {
                assert_eq!(s.total, won(9_000));
                ok += 1;
            }
            Err(AppError::Store(StoreError::Conflict { .. }) | AppError::Loyalty(_)) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(ok, 1, "a single-use coupon is used once");
    assert_eq!(counts(&*store).await["sales"], before["sales"] + 1);
}

/// Price lists stored with the catalog price the basket; reorder rules produce the low-stock
/// report with a suggested order.
pub async fn price_lists_and_low_stock<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let list = pos_core::PriceList {
        id: "staff".into(),
        store: None,
        customer_group: Some("staff".into()),
        valid_from: None,
        valid_to: None,
        prices: [(sku("cola"), Decimal::from(1_500))].into_iter().collect(),
    };
    store.upsert_price_list(&store_id(), &list).await.unwrap_or_else(|e| panic!("{e}"));
    let co = checkout(store.clone(), approve());
    let mut request = sale("pl1", "T1", &[("cola", 2)], None, false);
    request
        .basket
        .set_customer(pos_core::CustomerContext { group: Some("staff".into()), ..Default::default() });
    assert_eq!(co.complete_sale(&request).await.map(|s| s.total).ok(), Some(won(3_000)));
    assert_eq!(
        co.complete_sale(&sale("pl2", "T1", &[("cola", 2)], None, false)).await.map(|s| s.total).ok(),
        Some(won(4_000))
    );

    let stock = stock(store.clone());
    let policy = pos_inventory::StockPolicy::default()
        .with_reorder(Decimal::from(995), Decimal::from(24))
        .unwrap_or_else(|e| panic!("{e}"));
    store.set_policy(&store_id(), &location(), &sku("milk"), policy).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(stock.low_stock().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    co.complete_sale(&sale("pl3", "T1", &[("milk", 6)], None, false)).await.unwrap_or_else(|e| panic!("{e}"));
    let alerts = stock.low_stock().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].sku.as_str(), alerts[0].available, alerts[0].suggested),
        ("milk", Decimal::from(994), Decimal::from(24))
    );
    assert_stock_is_fold(&*store).await;
}

/// The journal verifies after a workload; altering a sale, deleting a journal record or swapping
/// two is detected and located.
pub async fn journal_audit_detects_tampering<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let co = checkout(store.clone(), approve());
    for i in 0..6 {
        let items: &[(&str, u32)] = if i % 2 == 0 { &[("milk", 1), ("cola", 2)] } else { &[("chips", 1)] };
        co.complete_sale(&sale(&format!("j{i}"), "T1", items, (i % 3 == 0).then_some("m-1"), false))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
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

/// Generates one `#[tokio::test]` per conformance case for an adapter.
///
/// `$make` is an async fn returning `Option<Arc<Store>>` (a fresh, empty store per call; `None`
/// skips the case, which adapters allow only outside CI). The store implements
/// [`crate::Inspect`] too.
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(@cases $make, sale_writes_everything, atomic_at_every_step, idempotent_under_concurrency, no_oversell, gapless_numbering_under_concurrency, bad_input_writes_nothing, unknown_gateway_outcome_is_reconciled, park_and_recall, shifts_and_z_reports, sales_report, void_a_sale, stock_operations, coupons, price_lists_and_low_stock, every_use_case_refuses_bad_input, members, refunds_by_line, journal_audit_detects_tampering);
    };
    (@cases $make:path, $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(store) = $make().await {
                    $crate::conformance::$case(store).await
                }
            }
        )*
    };
}
