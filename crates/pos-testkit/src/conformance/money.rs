//! Money at the till: the gateway's ledger and the store's books agree after any failure, retries
//! replay, a line is paid out once, a cash-rounded sale can be returned in full, points spent
//! after they were earned are deducted.

use std::sync::Arc;

use chrono::Utc;
use pos_app::{AppError, CommitStep, RefundRequest, Store, VoidRequest};
use pos_core::Product;
use pos_payments::{TenderInput, TenderKind};
use rust_decimal::Decimal;

use super::{approve, counts};
use crate::fixtures::*;
use crate::gateway::{FakeGateway, Script};
use crate::inspect::Inspect;

/// Card money in the store's books: card and wallet payments of the terminal's sales less those
/// of its returns.
async fn books<S: Store>(store: &S, terminal: &str) -> Decimal {
    let rows = store.terminal_rows(&store_id(), terminal).await.unwrap_or_else(|e| panic!("{e}"));
    let taken: Decimal = rows
        .sales
        .iter()
        .flat_map(|s| &s.payments)
        .filter(|p| p.kind.via_gateway())
        .map(|p| p.amount.amount())
        .sum();
    let back: Decimal = rows
        .returns
        .iter()
        .flat_map(|r| &r.payments)
        .filter(|p| p.kind.via_gateway())
        .map(|p| p.amount.amount())
        .sum();
    taken - back
}

/// Runs the reconciler of both use cases over every unfinished attempt.
async fn reconcile<S: Store>(store: &Arc<S>, gateway: &Arc<FakeGateway>) {
    let later = Utc::now() + chrono::Duration::seconds(1);
    checkout(store.clone(), gateway.clone()).reconcile(later).await.unwrap_or_else(|e| panic!("{e}"));
    returns(store.clone(), gateway.clone()).reconcile(later).await.unwrap_or_else(|e| panic!("{e}"));
}

async fn unfinished<S: Store>(store: &S) -> usize {
    let later = Utc::now() + chrono::Duration::seconds(1);
    store.open_attempts(&store_id(), later).await.unwrap_or_else(|e| panic!("{e}")).len()
}

fn refund_of(key: &str, receipt: &str, lines: &[u32]) -> RefundRequest {
    RefundRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: key.into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: receipt.into(),
        lines: lines.to_vec(),
        at: noon(),
    }
}

/// A card sale and a card refund fail at every step (a database failure inside the commit, a
/// crash between the gateway and the books) and under every gateway answer; after the use case
/// and the reconciler, the gateway holds exactly the card money the books record, and no
/// attempt is left open.
pub async fn the_gateway_and_the_books_agree_after_any_failure<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let ret = returns(store.clone(), gateway.clone());
    let steps = [
        CommitStep::Charged,
        CommitStep::Document,
        CommitStep::Lines,
        CommitStep::Payments,
        CommitStep::Stock,
        CommitStep::Loyalty,
        CommitStep::Journal,
    ];
    let check = |what: String| {
        let (store, gateway) = (store.clone(), gateway.clone());
        async move {
            reconcile(&store, &gateway).await;
            assert_eq!(books(&*store, "T1").await, gateway.net(), "{what}: gateway and books differ");
            assert_eq!(unfinished(&*store).await, 0, "{what}: an attempt is left open");
        }
    };
    for (i, step) in steps.iter().enumerate() {
        co.fail_after(Some(*step));
        let request = card_sale(&format!("s{i}"), "T1", &[("chips", 1), ("milk", 1)], 4_000);
        let e = co.complete_sale(&request).await.unwrap_err();
        assert!(matches!(e, AppError::Injected { .. }), "{e}");
        co.fail_after(None);
        check(format!("sale failing after {step:?}")).await;
    }
    // A crash after the charge, then the till's retry with the same key: one payment, one sale.
    co.fail_after(Some(CommitStep::Charged));
    let request = card_sale("retry", "T1", &[("cola", 1)], 2_000);
    co.complete_sale(&request).await.unwrap_err();
    co.fail_after(None);
    let charged = gateway.charged();
    let done = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!done.replayed);
    assert_eq!(gateway.charged(), charged, "the retry reused the approved charge");
    check("a retry after a crash".into()).await;
    for (i, script) in [Script::TimeoutAfterCharge, Script::TimeoutBeforeCharge, Script::Decline("no".into())]
        .into_iter()
        .enumerate()
    {
        gateway.set_script(script.clone());
        let _ = co.complete_sale(&card_sale(&format!("g{i}"), "T1", &[("milk", 1)], 1_500)).await;
        gateway.set_script(Script::Approve);
        check(format!("a sale under {script:?}")).await;
    }

    // Refunds: one card sale per case, its first line refunded.
    let refund_steps = [
        CommitStep::Claimed,
        CommitStep::PaidOut,
        CommitStep::Document,
        CommitStep::Stock,
        CommitStep::Loyalty,
        CommitStep::Journal,
    ];
    for (i, step) in refund_steps.iter().enumerate() {
        let sale = co
            .complete_sale(&card_sale(&format!("rs{i}"), "T1", &[("chips", 1), ("milk", 1)], 4_000))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        ret.fail_after(Some(*step));
        let e = ret.refund(&refund_of(&format!("rf{i}"), &sale.receipt, &[1])).await.unwrap_err();
        assert!(matches!(e, AppError::Injected { .. }), "{e}");
        ret.fail_after(None);
        check(format!("refund failing after {step:?}")).await;
        let again = ret.refund(&refund_of(&format!("rf{i}"), &sale.receipt, &[1])).await;
        assert!(again.is_ok_and(|r| r.replayed), "the reconciler completed the refund");
    }
    for (i, script) in [Script::TimeoutAfterCharge, Script::TimeoutBeforeCharge, Script::Decline("no".into())]
        .into_iter()
        .enumerate()
    {
        let sale = co
            .complete_sale(&card_sale(&format!("gs{i}"), "T1", &[("chips", 1), ("milk", 1)], 4_000))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        gateway.set_refund_script(script.clone());
        let _ = ret.refund(&refund_of(&format!("gr{i}"), &sale.receipt, &[1])).await;
        gateway.set_refund_script(Script::Approve);
        check(format!("a refund under {script:?}")).await;
        // Whatever happened, the line can be returned now, once.
        let _ = ret.refund(&refund_of(&format!("gr{i}-again"), &sale.receipt, &[1])).await;
        check(format!("a second refund under {script:?}")).await;
    }
    assert_eq!(audit(&*store, "T1").await.map(|n| n > 0), Ok(true));
}

/// A retry with the same key but another request (another cashier) is refused and touches no
/// payment: the first sale's card stays captured.
pub async fn a_refused_retry_touches_no_payment<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let first = card_sale("k1", "T1", &[("chips", 1)], 2_500);
    co.complete_sale(&first).await.unwrap_or_else(|e| panic!("{e}"));
    let net = gateway.net();
    let mut other = first.clone();
    other.cashier = "박지성".into();
    let e = co.complete_sale(&other).await.unwrap_err();
    assert_eq!(e, AppError::IdempotencyConflict { key: "k1".into() });
    assert_eq!(gateway.net(), net, "the first sale's payment is untouched");
    assert_eq!(books(&*store, "T1").await, net);
}

/// Ten retries of a committed sale that spent points and used a coupon replay it identically,
/// even after the price changed; a refund retried with its key replays too.
pub async fn retries_replay_what_was_committed<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let members = pos_app::Members::new(store.clone(), store_id());
    // Points to spend: a first purchase of 1,000,000 won earns 11,000.
    co.complete_sale(&sale("p0", "T1", &[("chips", 400)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let coupon = pos_loyalty::Coupon {
        code: "WELCOME".into(),
        kind: pos_loyalty::CouponKind::SingleUse,
        campaign: "welcome".into(),
        member: Some("m-1".into()),
        valid_from: noon().date_naive(),
        valid_to: noon().date_naive() + chrono::Duration::days(30),
        used_on: None,
    };
    members.issue_coupon(coupon).await.unwrap_or_else(|e| panic!("{e}"));
    let mut request = sale("p1", "T1", &[("milk", 2), ("cola", 1)], Some("m-1"), false);
    request.redeem_points = 1_000;
    request.coupons = vec!["WELCOME".into()];
    let first = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    let before = store.row_counts().await;
    let mut replays = Vec::new();
    for _ in 0..10 {
        replays.push(co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}")));
    }
    assert!(replays.iter().all(|r| r.replayed && *r == replays[0]), "ten identical replays");
    assert_eq!(store.row_counts().await, before, "replays write nothing");
    assert_eq!(
        (replays[0].sale_id, &replays[0].receipt, replays[0].total),
        (first.sale_id, &first.receipt, first.total)
    );
    assert_eq!(replays[0].priced, first.priced);
    // A price change does not change what a retry reports.
    let dearer = Product::new("milk", "바나나우유", "food", "standard", Decimal::from(1_800))
        .unwrap_or_else(|e| panic!("{e}"));
    store.upsert_product(&store_id(), &dearer).await.unwrap_or_else(|e| panic!("{e}"));
    co.reload().await.unwrap_or_else(|e| panic!("{e}"));
    let before = store.row_counts().await;
    let after = co.complete_sale(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.total, first.total, "the recorded total, not today's price");
    assert_eq!(store.row_counts().await, before, "replays write nothing");

    let ret = returns(store.clone(), gateway.clone());
    let refund = refund_of("pr1", &first.receipt, &[1]);
    let done = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    let again = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.replayed && again.receipt == done.receipt && again.amount == done.amount);
}

/// Sixteen refunds of one card-paid line with sixteen keys, and a refund racing a void of the
/// same sale: exactly one payout each time.
pub async fn a_line_is_paid_out_once<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let ret = Arc::new(returns(store.clone(), gateway.clone()));
    let sale = co
        .complete_sale(&card_sale("once", "T1", &[("chips", 1), ("milk", 1)], 4_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (ret, receipt) = (ret.clone(), sale.receipt.clone());
        tasks.push(tokio::spawn(
            async move { ret.refund(&refund_of(&format!("x{i}"), &receipt, &[1])).await },
        ));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(_) => ok += 1,
            Err(AppError::InvalidField { field, .. }) if field == "lines" => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, gateway.refunds()), (1, 1), "one refund, one payout");

    let sale = co
        .complete_sale(&card_sale("race", "T1", &[("chips", 1), ("milk", 1)], 4_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let void = VoidRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "v".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: sale.receipt.clone(),
        at: noon(),
    };
    let refunds_before = gateway.refunds();
    let (r, v) = {
        let (ret2, receipt) = (ret.clone(), sale.receipt.clone());
        let refund = tokio::spawn(async move { ret2.refund(&refund_of("y", &receipt, &[1])).await });
        let ret3 = ret.clone();
        let voided = tokio::spawn(async move { ret3.void(&void).await });
        (refund.await.unwrap_or_else(|e| panic!("{e}")), voided.await.unwrap_or_else(|e| panic!("{e}")))
    };
    assert!(r.is_ok() != v.is_ok(), "one of the refund and the void wins: {r:?} / {v:?}");
    assert_eq!(gateway.refunds(), refunds_before + 1, "the gateway paid out once");
    assert_eq!(books(&*store, "T1").await, gateway.net());
}

/// A Korean sale of 13,795 won paid with 1,700 points and cash (which the store rounds down to
/// 10 won: 12,090 taken) is returned in two refunds and gives back exactly 12,090 in cash and
/// the 1,700 points; its cash refunds are rounded as the store rounds cash. A second such sale
/// can be voided.
pub async fn a_cash_rounded_sale_returns_in_full<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let odd = Product::new("odd", "낱개", "food", "standard", Decimal::from(3_795))
        .unwrap_or_else(|e| panic!("{e}"));
    store.upsert_product(&store_id(), &odd).await.unwrap_or_else(|e| panic!("{e}"));
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let ret = returns(store.clone(), gateway.clone());
    co.complete_sale(&sale("c0", "T1", &[("chips", 400)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rounded = |key: &str| {
        let mut r = sale(key, "T1", &[("last", 1), ("odd", 1)], Some("m-1"), false);
        r.redeem_points = 1_700;
        r.tenders = vec![TenderInput::new(TenderKind::Cash, won(20_000))];
        r
    };
    let done = co.complete_sale(&rounded("c1")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(13_795));
    let settlement = done.settlement.clone().unwrap_or_else(|| panic!("settlement"));
    let cash_taken: Decimal =
        settlement.tenders.iter().filter(|t| t.kind == TenderKind::Cash).map(|t| t.amount.amount()).sum();
    assert_eq!(cash_taken, Decimal::from(12_090));
    let first = ret.refund(&refund_of("cr1", &done.receipt, &[2])).await.unwrap_or_else(|e| panic!("{e}"));
    let cash = |r: &pos_app::CompletedRefund| -> Decimal {
        r.tenders.iter().filter(|t| t.kind == TenderKind::Cash).map(|t| t.amount.amount()).sum()
    };
    assert_eq!(cash(&first) % Decimal::TEN, Decimal::ZERO, "cash refunds are rounded to 10 won");
    let rest = ret.refund(&refund_of("cr2", &done.receipt, &[1])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cash(&first) + cash(&rest), cash_taken, "exactly the cash taken comes back");
    let restored = first.loyalty.map_or(0, |l| l.restored) + rest.loyalty.map_or(0, |l| l.restored);
    assert_eq!(restored, 1_700, "and every point spent");

    let second = co.complete_sale(&rounded("c2")).await.unwrap_or_else(|e| panic!("{e}"));
    let void = VoidRequest {
        terminal_approvals: Vec::new(),
        idempotency_key: "cv".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: second.receipt.clone(),
        at: noon(),
    };
    let voided = ret.void(&void).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cash(&voided), cash_taken);
    assert_eq!(audit(&*store, "T1").await.map(|n| n > 0), Ok(true));
}

/// Points a member earned on a sale and spent since cannot be taken back by its refund: their
/// value is deducted from the money refunded.
pub async fn spent_points_are_deducted_from_a_refund<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = checkout(store.clone(), gateway.clone());
    let ret = returns(store.clone(), gateway.clone());
    // 1,000,000 won earns 10,000 points (and a 1,000 signup bonus).
    let earned = co
        .complete_sale(&sale("d0", "T1", &[("chips", 400)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Spend 10,500 of the 11,000 on another sale.
    let mut spend = sale("d1", "T1", &[("last", 1), ("chips", 1)], Some("m-1"), false);
    spend.redeem_points = 10_500;
    co.complete_sale(&spend).await.unwrap_or_else(|e| panic!("{e}"));
    let back = ret.refund(&refund_of("dr", &earned.receipt, &[1])).await.unwrap_or_else(|e| panic!("{e}"));
    let loyalty = back.loyalty.unwrap_or_else(|| panic!("loyalty"));
    assert!(loyalty.unrecovered > 0, "{loyalty:?}");
    let money: Decimal = back.tenders.iter().map(|t| t.amount.amount()).sum();
    assert_eq!(money, back.amount.amount() - Decimal::from(loyalty.unrecovered), "spent earnings deducted");
}

/// A promotion limited to one use, raced by eight tills: exactly one sale gets the discount;
/// the others are refused before anything is recorded, and priced again they sell without it.
pub async fn a_usage_limit_holds_under_concurrency<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let once = pos_core::Promotion::builder(
        "first-milk",
        "첫 우유 500원 할인",
        pos_core::PromotionKind::AmountOff {
            target: pos_core::Target::Items([sku("milk")].into_iter().collect()),
            amount: Decimal::from(500),
        },
    )
    .max_uses(1)
    .build()
    .unwrap_or_else(|e| panic!("{e}"));
    store.upsert_promotion(&store_id(), &once).await.unwrap_or_else(|e| panic!("{e}"));
    let co = Arc::new(checkout(store.clone(), Arc::new(FakeGateway::new(Script::Approve))));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let co = co.clone();
        tasks.push(tokio::spawn(async move {
            co.complete_sale(&sale(&format!("u{i}"), &format!("T{i}"), &[("milk", 1)], None, false)).await
        }));
    }
    let (mut discounted, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(done) if done.total == won(1_000) => discounted += 1,
            Ok(done) => assert_eq!(done.total, won(1_500), "priced after the use: no discount"),
            Err(AppError::PromotionLimit { promotion }) => {
                assert_eq!(promotion, "first-milk");
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(discounted, 1, "exactly one discount given");
    for i in 0..refused {
        let again = co
            .complete_sale(&sale(&format!("u-again{i}"), "T9", &[("milk", 1)], None, false))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.total, won(1_500));
    }
}

/// A member's tier comes from their stored purchases, not from the till: the tier's discount
/// and earn multiplier apply to a member who qualifies, and a tier sent by the till for one who
/// does not is ignored.
pub async fn tiers_come_from_stored_purchases<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let silver = pos_loyalty::TierRule {
        name: "silver".into(),
        basis: pos_loyalty::TierBasis::Spend(Decimal::from(100_000)),
        earn_multiplier: Decimal::TWO,
        member_discount: Some(Decimal::from(5)),
    };
    let loyalty = pos_loyalty::LoyaltyConfig { tiers: vec![silver], ..Default::default() };
    let gateway = Arc::new(FakeGateway::new(Script::Approve));
    let co = pos_app::Checkout::new(store.clone(), gateway, settings().with_loyalty(loyalty));
    // m-1 spends 100,000 won: silver from then on.
    co.complete_sale(&sale("t0", "T1", &[("chips", 40)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let done = co
        .complete_sale(&sale("t1", "T1", &[("cola", 10)], Some("m-1"), false))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(19_000), "5 % off 20,000 for silver");
    let earned: i64 = done.loyalty.as_ref().map_or(0, |l| l.earned.values().sum());
    assert_eq!(earned, 380, "10 points per 1,000 won, doubled");
    // m-2 has bought nothing; the till claims silver anyway.
    let mut claimed = sale("t2", "T1", &[("cola", 10)], Some("m-2"), false);
    let mut customer = claimed.basket.customer().clone();
    customer.tier = Some("silver".into());
    claimed.basket.set_customer(customer);
    let done = co.complete_sale(&claimed).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.total, won(20_000), "no tier without the purchases");
}

/// A card or QR payment taken on a standalone terminal the till does not control is recorded
/// with its approval number, brand and last digits, without a gateway call; a refund or void
/// that gives money back to it needs the terminal's refund approval, is refused without it
/// (saying how much goes back where) writing nothing, and records it.
pub async fn a_standalone_terminal_payment_is_recorded_with_its_approvals<S: Store + Inspect>(store: Arc<S>) {
    seed(&store).await;
    let gw = approve();
    let co = checkout(store.clone(), gw.clone());
    let ret = returns(store.clone(), gw.clone());
    // Milk 1,500 and cola 2,000: 3,000 on a BC card at the terminal, the rest in cash.
    let mut req = sale("st-1", "T1", &[("milk", 1), ("cola", 1)], None, true);
    req.tenders = vec![
        TenderInput::on_terminal(TenderKind::TerminalCard, won(3_000), "30012345", "BC", Some("1234")),
        TenderInput::new(TenderKind::Cash, won(1_000)),
    ];
    let done = co.complete_sale(&req).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((gw.charged(), gw.refunds()), (0, 0), "no gateway call");
    let (terminal, number) =
        pos_app::ports::parse_receipt(&done.receipt).unwrap_or_else(|| panic!("a number"));
    let stored = store.load_sale(&store_id(), terminal, number).await.unwrap_or_else(|e| panic!("{e}"));
    let stored = stored.unwrap_or_else(|| panic!("the sale"));
    let card = &stored.payments[0];
    assert_eq!(
        (card.kind, card.reference.as_deref(), card.brand.as_deref(), card.last4.as_deref()),
        (TenderKind::TerminalCard, Some("30012345"), Some("BC"), Some("1234"))
    );
    let header = pos_core::StoreHeader { name: "가게".into(), lines: Vec::new(), tax_id: None };
    let receipt =
        stored.document.receipt(&done.receipt, header, pos_core::StoreConfig::korea("s").time_zone, &|k| {
            format!("{k:?}")
        });
    let text = pos_core::receipt::render_text(&receipt, pos_core::Width::Cols48, &pos_core::Labels::korean())
        .join("\n");
    assert!(text.contains("TerminalCard BC ****1234 #30012345"), "{text}");
    // A tender from a standalone terminal without its approval, or a gateway card with a brand.
    let mut bad = sale("st-bad", "T1", &[("milk", 1)], None, true);
    bad.tenders = vec![TenderInput {
        reference: None,
        ..TenderInput::on_terminal(TenderKind::TerminalWallet, won(1_500), "x", "Alipay", None)
    }];
    assert!(
        matches!(bad.check(), Err(AppError::Payment(_)) | Err(AppError::InvalidField { .. })),
        "{:?}",
        bad.check()
    );

    // The cola back (2,000): all of it to the terminal card, refused without its approval.
    let before = counts(&*store).await;
    let mut refund = refund_of("st-r1", &done.receipt, &[2]);
    refund.terminal = "T1".into();
    match ret.refund(&refund).await {
        Err(AppError::InvalidField { field, reason }) => {
            assert_eq!(field, "terminal_approvals");
            assert!(reason.contains("2000 KRW to BC ****1234"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(counts(&*store).await, before, "nothing written");
    refund.terminal_approvals = vec!["R-88001".into()];
    let back = ret.refund(&refund).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.tenders.len(), 1);
    assert_eq!((back.tenders[0].kind, back.tenders[0].amount), (TenderKind::TerminalCard, won(2_000)));
    let returned = |n: usize| {
        let store = store.clone();
        async move {
            let rows = store.terminal_rows(&store_id(), "T1").await.unwrap_or_else(|e| panic!("{e}"));
            rows.returns[n].payments.clone()
        }
    };
    let p = returned(0).await;
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].kind, p[0].amount, p[0].reference.as_deref()),
        (TenderKind::TerminalCard, won(2_000), Some("R-88001"))
    );
    // A void of a sale paid partly on a QR terminal: too many approvals are refused as too few
    // are; the right ones are recorded.
    let mut req = sale("st-2", "T1", &[("milk", 1)], None, true);
    req.tenders = vec![
        TenderInput::on_terminal(TenderKind::TerminalWallet, won(1_000), "ALI-7", "Alipay", None),
        TenderInput::new(TenderKind::Cash, won(500)),
    ];
    let second = co.complete_sale(&req).await.unwrap_or_else(|e| panic!("{e}"));
    let mut void = VoidRequest {
        terminal_approvals: vec!["C-1".into(), "C-2".into()],
        idempotency_key: "st-v1".into(),
        terminal: "T1".into(),
        cashier: "김민수".into(),
        location: location(),
        receipt: second.receipt.clone(),
        at: noon(),
    };
    let refused = ret.void(&void).await;
    assert!(
        matches!(&refused, Err(AppError::InvalidField { field, .. }) if field == "terminal_approvals"),
        "{refused:?}"
    );
    void.idempotency_key = "st-v2".into();
    void.terminal_approvals = vec!["C-1".into()];
    ret.void(&void).await.unwrap_or_else(|e| panic!("{e}"));
    let voided = returned(1).await;
    let wallet: Vec<_> = voided.iter().filter(|p| p.kind == TenderKind::TerminalWallet).collect();
    assert_eq!(wallet.len(), 1);
    assert_eq!((wallet[0].amount, wallet[0].reference.as_deref()), (won(1_000), Some("C-1")));
    assert_eq!((gw.charged(), gw.refunds()), (0, 0), "still no gateway call");
}
