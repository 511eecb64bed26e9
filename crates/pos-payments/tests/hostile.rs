//! Hostile amounts for settlement and refund allocation: across the documented range and far
//! beyond it. Nothing panics; inside the limits the results are exact (applied tenders plus
//! rounding are the amount due, change is cash over what cash settles; refund parts add up to
//! the refund and stay within what each tender can take back); outside them a typed error
//! names the field. `.ci/run` runs this file in release too.
//!
//! `PROPTEST_CASES=100000 cargo test --release -p pos-payments --test hostile` for a longer run.

use pos_core::limits::MAX_MINOR;
use pos_core::{CashRounding, Currency, Money, RoundingMode};
use pos_payments::{
    MAX_TENDERS, PaidTender, PaymentError, RefundOrder, TenderInput, TenderKind, allocate_refund, settle,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Amounts from ordinary to absurd.
fn extreme() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        6 => (1_i64..10_000_000).prop_map(|m| Decimal::new(m, 2)),
        1 => Just(Decimal::from(MAX_MINOR)),
        1 => Just(Decimal::from(MAX_MINOR) + Decimal::ONE),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => Just(Decimal::new(1, 28)),
        1 => Just(Decimal::ZERO),
        2 => (any::<u128>(), 0_u32..=28, any::<bool>()).prop_map(|(m, scale, negative)| {
            let mut d = Decimal::from_i128_with_scale((m % (1 << 96)) as i128, scale);
            d.set_sign_negative(negative);
            d
        }),
    ]
}

fn kind() -> impl Strategy<Value = TenderKind> {
    prop::sample::select(vec![
        TenderKind::Cash,
        TenderKind::Card,
        TenderKind::GiftCard,
        TenderKind::MobileWallet,
    ])
}

fn named(e: &PaymentError) -> bool {
    match e {
        PaymentError::InvalidField { field, .. } => !field.is_empty(),
        _ => true,
    }
}

proptest! {
    #[test]
    fn settlement_over_the_whole_range(
        currency in prop::sample::select(vec![Currency::KRW, Currency::EUR, Currency::CNY]),
        due in extreme(),
        tenders in prop::collection::vec((kind(), extreme()), 0..(MAX_TENDERS + 3)),
        increment in prop::sample::select(vec!["0", "0.05", "10", "100", "0.0000000000000000000000000001", "1e20"]),
    ) {
        let Ok(rounding) = increment.parse::<Decimal>().map_err(drop).and_then(|i| {
            if i.is_zero() { Ok(CashRounding::none()) } else { CashRounding::new(i, RoundingMode::HalfUp).map_err(drop) }
        }) else {
            return Ok(());
        };
        let due = Money::new(due, currency);
        let inputs: Vec<TenderInput> = tenders.iter().map(|(k, a)| TenderInput::new(*k, Money::new(*a, currency))).collect();
        match settle(due, &inputs, &rounding) {
            Ok(s) => {
                let applied: Decimal = s.tenders.iter().map(|t| t.amount.amount()).sum();
                prop_assert_eq!(applied + s.rounding.amount(), due.amount());
                let cash: Decimal = inputs.iter().filter(|t| t.kind == TenderKind::Cash).map(|t| t.amount.amount()).sum();
                let cash_applied: Decimal =
                    s.tenders.iter().filter(|t| t.kind == TenderKind::Cash).map(|t| t.amount.amount()).sum();
                prop_assert_eq!(s.change.amount(), cash - cash_applied);
                prop_assert!(s.change.amount() >= Decimal::ZERO);
                for t in &s.tenders {
                    prop_assert!(t.amount.to_minor().is_some(), "every applied amount fits every store");
                }
            }
            Err(e) => prop_assert!(named(&e), "{}", e),
        }
    }

    #[test]
    fn refund_allocation_over_the_whole_range(
        currency in prop::sample::select(vec![Currency::KRW, Currency::EUR]),
        paid in prop::collection::vec((kind(), extreme(), extreme()), 0..6),
        amount in extreme(),
    ) {
        let tenders: Vec<PaidTender> = paid
            .iter()
            .map(|(k, a, r)| {
                let mut t = PaidTender::new(*k, Money::new(*a, currency));
                t.refunded = Money::new(*r, currency);
                t
            })
            .collect();
        match allocate_refund(&tenders, Money::new(amount, currency), &RefundOrder::default()) {
            Ok(parts) => {
                let sum: Decimal = parts.iter().map(|p| p.amount.amount()).sum();
                prop_assert_eq!(sum, amount);
                for p in &parts {
                    let t = &tenders[p.tender];
                    prop_assert!(p.amount.amount() > Decimal::ZERO);
                    prop_assert!(p.amount.amount() <= t.amount.amount() - t.refunded.amount());
                }
            }
            Err(e) => prop_assert!(named(&e), "{}", e),
        }
    }
}
