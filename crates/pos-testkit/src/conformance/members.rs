//! Members, and every use case refusing bad input.

use std::sync::Arc;

use pos_app::{AppError, Store, StoreError};
use rust_decimal::Decimal;

use super::{approve, counts};
use crate::fixtures::*;
use crate::inspect::Inspect;

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
    // Pages by id, for an export.
    let page = |after: &'static str, limit| {
        let store = store.clone();
        async move {
            let page = store.members_after(&store_id(), after, limit).await.unwrap_or_else(|e| panic!("{e}"));
            page.into_iter().map(|m| m.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(page("", 10).await, ["m-1", "m-2"]);
    assert_eq!(page("", 1).await, ["m-1"]);
    assert_eq!(page("m-1", 10).await, ["m-2"]);
    assert!(page("m-2", 10).await.is_empty());
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
    assert_eq!(data.ledger.iter().map(|e| e.points).sum::<i64>(), 1_015, "the export has every ledger entry");
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

/// Every use case refuses bad input with a typed error and writes nothing, row counts of every
/// table compared before and after.
pub async fn every_use_case_refuses_bad_input<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
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
        terminal_approvals: Vec::new(),
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
        terminal_approvals: Vec::new(),
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
    push(
        "report: inverted period",
        rep.sales_report(noon().date_naive(), noon().date_naive() - chrono::Duration::days(1))
            .await
            .map(|_| ()),
    );
    assert_eq!(errors.len(), 22);
    assert_eq!(counts(&*store).await, before, "a refused operation wrote something: {errors:?}");
}
