//! Tenders, payment states, refunds and shifts.

use chrono::{DateTime, Utc};
use pos_core::{CashRounding, Currency, Money, RoundingMode};
use pos_payments::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn won(n: i64) -> Money {
    Money::new(Decimal::from(n), Currency::KRW)
}

fn chf(s: &str) -> Money {
    Money::new(s.parse().unwrap(), Currency::CHF)
}

fn now() -> DateTime<Utc> {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

fn krw_rounding() -> CashRounding {
    CashRounding::new(Decimal::TEN, RoundingMode::Down).unwrap()
}

#[test]
fn cash_gives_change_after_cash_rounding() {
    let chf_round = CashRounding::new("0.05".parse().unwrap(), RoundingMode::HalfUp).unwrap();
    let s = settle(chf("12.42"), &[TenderInput::new(TenderKind::Cash, chf("20.00"))], &chf_round).unwrap();
    assert_eq!(s.tenders[0].amount, chf("12.40"));
    assert_eq!(s.change, chf("7.60"));
    assert_eq!(s.rounding, chf("0.02"));
    let s = settle(chf("12.43"), &[TenderInput::new(TenderKind::Cash, chf("12.45"))], &chf_round).unwrap();
    assert_eq!(s.change, chf("0.00"));
    assert_eq!(s.rounding, chf("-0.02"));
    // Card payments are never cash-rounded.
    let s = settle(chf("12.42"), &[TenderInput::new(TenderKind::Card, chf("12.42"))], &chf_round).unwrap();
    assert_eq!(s.rounding, chf("0"));
}

#[test]
fn split_tender() {
    let s = settle(
        won(54_000),
        &[
            TenderInput::new(TenderKind::LoyaltyPoints, won(4_000)),
            TenderInput::new(TenderKind::Card, won(30_000)),
            TenderInput::new(TenderKind::Cash, won(10_000)),
            TenderInput::new(TenderKind::Cash, won(20_000)),
        ],
        &krw_rounding(),
    )
    .unwrap();
    assert_eq!(s.applied_total(), won(54_000));
    assert_eq!(s.change, won(10_000));
    assert_eq!(s.tenders[2].amount, won(10_000));
    assert_eq!(s.tenders[3].amount, won(10_000));
}

#[test]
fn bad_tenders_are_refused() {
    let r = krw_rounding();
    let e = settle(won(1_000), &[TenderInput::new(TenderKind::Card, won(1_500))], &r).unwrap_err();
    assert_eq!(e, PaymentError::Overpaid { due: Decimal::from(1_000), non_cash: Decimal::from(1_500) });
    let e = settle(won(1_000), &[TenderInput::new(TenderKind::Cash, won(500))], &r).unwrap_err();
    assert!(matches!(e, PaymentError::Underpaid { .. }));
    let e = settle(won(1_000), &[TenderInput::new(TenderKind::Card, won(500))], &r).unwrap_err();
    assert!(matches!(e, PaymentError::Underpaid { .. }));
    let e = settle(won(1_000), &[TenderInput::new(TenderKind::Cash, won(-5))], &r).unwrap_err();
    assert_eq!(e, PaymentError::invalid("tenders[0].amount", "must be greater than zero"));
    let e = settle(won(1_000), &[TenderInput::new(TenderKind::Cash, chf("10"))], &r).unwrap_err();
    assert!(matches!(e, PaymentError::CurrencyMismatch { .. }));
}

#[test]
fn payment_state_machine() {
    let mut p = Payment::new(won(10_000)).unwrap();
    assert_eq!(p.state(), PaymentState::Pending);
    assert_eq!(
        p.capture(won(1)).unwrap_err(),
        PaymentError::InvalidTransition { from: PaymentState::Pending, action: "capture" }
    );
    p.authorize().unwrap();
    assert!(p.authorize().is_err());
    assert!(p.capture(won(10_001)).is_err(), "capture above authorization");
    p.capture(won(10_000)).unwrap();
    assert!(p.void().is_err(), "captured payments are refunded, not voided");
    p.refund(won(4_000)).unwrap();
    assert_eq!(p.state(), PaymentState::PartiallyRefunded);
    assert_eq!(
        p.refund(won(7_000)).unwrap_err(),
        PaymentError::RefundExceedsPaid { requested: Decimal::from(7_000), refundable: Decimal::from(6_000) }
    );
    assert_eq!(p.state(), PaymentState::PartiallyRefunded, "a refused refund changes nothing");
    p.refund(won(6_000)).unwrap();
    assert_eq!(p.state(), PaymentState::Refunded);
    assert!(p.refund(won(1)).is_err());

    let mut v = Payment::new(won(500)).unwrap();
    v.authorize().unwrap();
    v.void().unwrap();
    assert_eq!(v.state(), PaymentState::Voided);
    assert!(v.capture(won(500)).is_err());
    let mut f = Payment::new(won(500)).unwrap();
    f.fail().unwrap();
    assert!(f.authorize().is_err());
    assert!(Payment::new(won(0)).is_err());
}

#[test]
fn refunds_go_back_to_original_tenders_card_first() {
    let tenders =
        vec![PaidTender::new(TenderKind::Cash, won(20_000)), PaidTender::new(TenderKind::Card, won(30_000))];
    let parts = allocate_refund(&tenders, won(35_000), &RefundOrder::default()).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!((parts[0].kind, parts[0].amount), (TenderKind::Card, won(30_000)));
    assert_eq!((parts[1].kind, parts[1].amount), (TenderKind::Cash, won(5_000)));
    // A configured order: cash first.
    let parts = allocate_refund(&tenders, won(25_000), &RefundOrder(vec![TenderKind::Cash])).unwrap();
    assert_eq!(parts[0].amount, won(20_000));
    assert_eq!((parts[1].kind, parts[1].amount), (TenderKind::Card, won(5_000)));
    // A second partial refund sees what the first took.
    let mut after = tenders.clone();
    after[1].refunded = won(30_000);
    after[0].refunded = won(5_000);
    let parts = allocate_refund(&after, won(15_000), &RefundOrder::default()).unwrap();
    assert_eq!((parts[0].kind, parts[0].amount), (TenderKind::Cash, won(15_000)));
    // Refunding more than was paid.
    let e = allocate_refund(&after, won(15_001), &RefundOrder::default()).unwrap_err();
    assert!(matches!(e, PaymentError::RefundExceedsPaid { .. }));
    assert!(allocate_refund(&tenders, won(0), &RefundOrder::default()).is_err());
}

fn sale(cash_tendered: i64, change: i64, card: i64) -> ShiftSale {
    ShiftSale {
        document: "R-1".into(),
        tenders: vec![(TenderKind::Cash, won(cash_tendered - change)), (TenderKind::Card, won(card))],
        cash_tendered: won(cash_tendered),
        change: won(change),
        taxes: vec![("VAT".into(), won(cash_tendered - change + card))],
        categories: vec![("drinks".into(), won(cash_tendered - change + card))],
    }
}

#[test]
fn shift_reports() {
    let mut shift = Shift::open("s1", "POS-01", "kim", now(), won(100_000)).unwrap();
    shift.record_sale(sale(50_000, 4_500, 0)).unwrap();
    shift.record_sale(sale(0, 0, 23_000)).unwrap();
    shift.paid_out(won(10_000), "우유 대금").unwrap();
    shift.paid_in(won(5_000), "잔돈 보충").unwrap();
    shift
        .record_refund(ShiftRefund {
            document: "F-1".into(),
            tenders: vec![(TenderKind::Cash, won(2_000))],
            taxes: vec![("VAT".into(), won(2_000))],
            categories: vec![("drinks".into(), won(2_000))],
        })
        .unwrap();
    let x = shift.x_report();
    assert_eq!(x.kind, ReportKind::X);
    // 100,000 + 50,000 - 4,500 + 5,000 - 10,000 - 2,000
    assert_eq!(x.expected_cash, won(138_500));
    assert_eq!(x.by_tender[&TenderKind::Cash], won(43_500));
    assert_eq!(x.by_tender[&TenderKind::Card], won(23_000));
    assert_eq!(x.by_tax["VAT"], won(66_500));
    assert_eq!(x.by_category["drinks"], won(66_500));
    assert_eq!((x.sales, x.refunds), (2, 1));
    assert!(!shift.is_closed(), "an X report closes nothing");

    let mut z = ZCounter::new("POS-01");
    let report = shift.close(won(138_000), &mut z).unwrap();
    assert_eq!(report.sequence, Some(1));
    assert_eq!(report.over_short, Some(won(-500)));
    // Closing a closed shift is refused and does not consume a Z number.
    assert_eq!(shift.close(won(1), &mut z).unwrap_err(), PaymentError::ShiftClosed { shift: "s1".into() });
    assert_eq!(z.last, 1);
    assert!(shift.record_sale(sale(1_000, 0, 0)).is_err());
    // The next shift gets Z 2.
    let mut next = Shift::open("s2", "POS-01", "lee", now(), won(100_000)).unwrap();
    assert_eq!(next.close(won(100_000), &mut z).unwrap().sequence, Some(2));
    // Another terminal's counter is refused.
    let mut other = Shift::open("s3", "POS-02", "lee", now(), won(0)).unwrap();
    assert!(other.close(won(0), &mut z).is_err());
    assert_eq!(z.last, 2);
}

#[test]
fn bad_shift_input() {
    let mut shift = Shift::open("s1", "POS-01", "kim", now(), won(100_000)).unwrap();
    let before = shift.clone();
    assert_eq!(
        shift.paid_out(won(-1), "x").unwrap_err(),
        PaymentError::invalid("paid_out.amount", "must be greater than zero")
    );
    assert!(shift.paid_out(won(0), "x").is_err());
    assert!(shift.paid_out(won(1), " ").is_err());
    assert!(shift.paid_in(won(-1), "x").is_err());
    assert!(shift.paid_out(won(100_001), "more than the float").is_err());
    assert!(shift.record_sale(sale(1_000, 2_000, 0)).is_err(), "change above cash tendered");
    assert_eq!(shift, before, "nothing changed");
    assert!(Shift::open("s", "POS-01", "kim", now(), won(-1)).is_err());
}

fn amount() -> impl Strategy<Value = i64> {
    1_i64..1_000_000
}

proptest! {
    /// change = tendered - due after cash rounding; applied tenders + rounding = due.
    #[test]
    fn change_and_tender_sums(due in 0_i64..10_000_000, card in 0_i64..10_000_000, extra in 0_i64..100_000, inc in prop::sample::select(vec![1_i64, 10, 50, 100])) {
        let rounding = CashRounding::new(Decimal::from(inc), RoundingMode::HalfUp).unwrap();
        let card = card.min(due);
        let cash_due = rounding.apply(Decimal::from(due - card));
        let tendered = cash_due + Decimal::from(extra);
        let mut tenders = vec![];
        if card > 0 { tenders.push(TenderInput::new(TenderKind::Card, won(card))); }
        if tendered > Decimal::ZERO { tenders.push(TenderInput::new(TenderKind::Cash, Money::new(tendered, Currency::KRW))); }
        match settle(won(due), &tenders, &rounding) {
            Ok(s) => {
                let cash_applied: Decimal = s.tenders.iter().filter(|t| t.kind == TenderKind::Cash).map(|t| t.amount.amount()).sum();
                prop_assert_eq!(s.change.amount(), tendered - cash_applied);
                prop_assert_eq!(s.change.amount(), tendered - cash_due);
                prop_assert_eq!(s.applied_total().amount() + s.rounding.amount(), Decimal::from(due));
                prop_assert!(!s.change.is_negative());
            }
            // Only when nothing at all was tendered for a non-zero amount.
            Err(e) => prop_assert!(tenders.is_empty() || matches!(e, PaymentError::Underpaid { .. }), "{e}"),
        }
    }

    /// The Z report's expected cash follows the formula for any shift history.
    #[test]
    fn z_expected_cash_formula(
        float in 0_i64..500_000,
        events in prop::collection::vec((0_u8..4, amount(), amount()), 0..40),
    ) {
        let mut shift = Shift::open("s", "T", "x", now(), won(float)).unwrap();
        let (mut taken, mut change, mut pin, mut pout, mut refunds) = (0_i64, 0_i64, 0_i64, 0_i64, 0_i64);
        for (kind, a, b) in events {
            match kind {
                0 => {
                    let (tendered, ch) = (a.max(b), a.min(b));
                    shift.record_sale(sale(tendered, ch, b)).unwrap();
                    taken += tendered;
                    change += ch;
                }
                1 => { shift.paid_in(won(a), "in").unwrap(); pin += a; }
                2 => {
                    let in_drawer = float + taken - change + pin - pout - refunds;
                    match shift.paid_out(won(a), "out") {
                        Ok(()) => pout += a,
                        Err(e) => {
                            prop_assert!(a > in_drawer, "refused {a} with {in_drawer} in the drawer: {e}");
                        }
                    }
                }
                _ => {
                    shift.record_refund(ShiftRefund { document: "F".into(), tenders: vec![(TenderKind::Cash, won(a)), (TenderKind::Card, won(b))], taxes: vec![], categories: vec![] }).unwrap();
                    refunds += a;
                }
            }
        }
        let expected = float + taken - change + pin - pout - refunds;
        prop_assert_eq!(shift.x_report().expected_cash, won(expected));
        let mut z = ZCounter::new("T");
        let counted = expected.max(0);
        let report = shift.close(won(counted), &mut z).unwrap();
        prop_assert_eq!(report.expected_cash, won(expected));
        prop_assert_eq!(report.over_short, Some(won(counted - expected)));
        prop_assert_eq!(report.sequence, Some(1));
    }

    /// Refund allocation never exceeds what each tender can take and sums to the request.
    #[test]
    fn refund_allocation_sums(paid in prop::collection::vec((0_u8..3, amount()), 1..5), frac in 1_u32..=100) {
        let kinds = [TenderKind::Cash, TenderKind::Card, TenderKind::GiftCard];
        let tenders: Vec<PaidTender> = paid.iter().map(|(k, a)| PaidTender::new(kinds[*k as usize], won(*a))).collect();
        let total: i64 = paid.iter().map(|p| p.1).sum();
        let want = (total * i64::from(frac) / 100).max(1);
        let parts = allocate_refund(&tenders, won(want), &RefundOrder::default()).unwrap();
        prop_assert_eq!(parts.iter().map(|p| p.amount.amount()).sum::<Decimal>(), Decimal::from(want));
        for p in &parts {
            prop_assert!(p.amount.amount() <= tenders[p.tender].amount.amount());
        }
    }
}

#[test]
fn a_standalone_terminal_tender_carries_its_approval_brand_and_digits() {
    let ok = TenderInput::on_terminal(TenderKind::TerminalCard, won(3_000), "30012345", "BC", Some("1234"));
    assert_eq!(ok.check(), Ok(()));
    assert!(!TenderKind::TerminalCard.via_gateway() && TenderKind::TerminalCard.on_standalone_terminal());
    let wallet = TenderInput::on_terminal(TenderKind::TerminalWallet, won(1_000), "ALI-7", "Alipay", None);
    assert_eq!(wallet.check(), Ok(()));
    let field = |t: &TenderInput| match t.check() {
        Err(PaymentError::InvalidField { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(&TenderInput { reference: None, ..ok.clone() }), "reference");
    assert_eq!(field(&TenderInput { reference: Some("12 34".into()), ..ok.clone() }), "reference");
    assert_eq!(field(&TenderInput { brand: None, ..ok.clone() }), "brand");
    assert_eq!(field(&TenderInput { last4: Some("12345".into()), ..ok.clone() }), "last4");
    assert_eq!(field(&TenderInput { last4: Some("12a4".into()), ..ok.clone() }), "last4");
    // A gateway card's brand and digits come from the gateway, never from the till.
    let card = TenderInput { brand: Some("VISA".into()), ..TenderInput::new(TenderKind::Card, won(1)) };
    assert_eq!(field(&card), "brand");
    // From JSON: the same checks; the new fields are optional for every other tender.
    let parsed: Result<TenderInput, _> = serde_json::from_str(
        r#"{"kind":"terminal_card","amount":{"amount":"3000","currency":"KRW"},"reference":"30012345","brand":"BC","last4":"1234"}"#,
    );
    assert_eq!(parsed.ok(), Some(ok));
    let cash: TenderInput = serde_json::from_str(
        r#"{"kind":"cash","amount":{"amount":"3000","currency":"KRW"},"reference":null}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !serde_json::to_string(&cash).unwrap_or_default().contains("brand"),
        "old requests hash the same"
    );
    assert!(
        serde_json::from_str::<TenderInput>(
            r#"{"kind":"terminal_card","amount":{"amount":"1","currency":"KRW"},"reference":null}"#
        )
        .is_err()
    );
}
