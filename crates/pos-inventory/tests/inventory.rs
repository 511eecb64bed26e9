//! Inventory behaviour, bad input, and the ledger properties.

use chrono::{DateTime, Duration, Utc};
use pos_core::Sku;
use pos_inventory::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn now() -> DateTime<Utc> {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

fn q(n: i64) -> Decimal {
    Decimal::from(n)
}

fn sku(s: &str) -> Sku {
    Sku::parse(s).unwrap()
}

fn loc(s: &str) -> LocationId {
    LocationId::new(s)
}

/// Registers a SKU with one policy at every location of the setup.
fn everywhere(inv: &mut Inventory, s: &str, policy: StockPolicy) {
    for l in LOCS {
        inv.set_policy(&sku(s), &loc(l), policy);
    }
}

fn setup() -> Inventory {
    let mut inv = Inventory::new();
    inv.add_location(Location::new("store", "강남점", LocationKind::Store).unwrap()).unwrap();
    inv.add_location(Location::new("wh", "물류센터", LocationKind::Warehouse).unwrap()).unwrap();
    inv.add_location(Location::new("web", "온라인", LocationKind::Online).unwrap()).unwrap();
    everywhere(&mut inv, "milk", StockPolicy::refuse_negative().with_reorder(q(5), q(24)).unwrap());
    everywhere(&mut inv, "bread", StockPolicy::default());
    inv
}

#[test]
fn levels_track_movements() {
    let mut inv = setup();
    let (milk, store) = (sku("milk"), loc("store"));
    inv.receive(&milk, &store, q(10), "kim", now()).unwrap();
    inv.sell(&milk, &store, q(3), "kim", now()).unwrap();
    inv.return_to_stock(&milk, &store, q(1), "kim", now()).unwrap();
    inv.adjust(&milk, &store, q(-2), "파손", "kim", now()).unwrap();
    assert_eq!(inv.level(&milk, &store), Level { on_hand: q(6), reserved: q(0), available: q(6) });
    assert_eq!(inv.movements().len(), 4);
    assert_eq!(inv.movements()[3].kind, MovementKind::Adjustment { reason: "파손".into() });
    assert_eq!(&levels(inv.movements()), inv.levels());
}

#[test]
fn policies_are_per_location() {
    let mut inv = setup();
    let (milk, store, wh) = (sku("milk"), loc("store"), loc("wh"));
    inv.set_policy(&milk, &wh, StockPolicy::default().with_reorder(q(50), q(100)).unwrap());
    inv.receive(&milk, &store, q(10), "kim", now()).unwrap();
    inv.receive(&milk, &wh, q(40), "kim", now()).unwrap();
    assert!(inv.sell(&milk, &store, q(11), "kim", now()).is_err(), "the floor refuses negative stock");
    inv.sell(&milk, &wh, q(41), "kim", now()).unwrap();
    let alerts: Vec<_> = inv.low_stock().into_iter().map(|a| (a.location.0, a.suggested)).collect();
    assert_eq!(alerts, vec![("wh".to_owned(), q(100))], "each location has its own reorder point");
    assert_eq!(
        inv.receive(&sku("eggs"), &store, q(1), "kim", now()).unwrap_err(),
        InventoryError::UnknownSku { sku: "eggs".into() }
    );
}

#[test]
fn one_rule_decides_every_movement() {
    let refuse = StockPolicy::refuse_negative();
    let allow = StockPolicy::default();
    let level = Level::new(q(5), q(2));
    let take = |n: i64| Draft::on_hand(&sku("milk"), &loc("store"), MovementKind::Sale, q(-n));
    assert_eq!(apply(&level, &refuse, &take(3)).unwrap().level, Level::new(q(2), q(2)));
    assert_eq!(
        apply(&level, &refuse, &take(4)).unwrap_err(),
        InventoryError::InsufficientStock {
            sku: "milk".into(),
            location: "store".into(),
            available: q(3),
            requested: q(4)
        }
    );
    assert_eq!(apply(&level, &allow, &take(4)).unwrap().level.available, q(-1));
    // Holds need available stock whatever the policy.
    let hold = |n: i64| {
        Draft::reserved(
            &sku("milk"),
            &loc("store"),
            MovementKind::Reservation { reservation: "R".into() },
            q(n),
        )
    };
    assert!(apply(&level, &allow, &hold(4)).is_err());
    assert!(apply(&level, &allow, &hold(3)).is_ok());
    // A release frees only what is held.
    let release = Draft::reserved(
        &sku("milk"),
        &loc("store"),
        MovementKind::Release { reservation: "R".into() },
        q(-3),
    );
    assert!(matches!(apply(&level, &refuse, &release), Err(InventoryError::InvalidField { .. })));
    // A count sets on hand and records the difference; raising stock from below zero is fine.
    let count = |n: i64| Draft {
        on_hand: OnHand::To(q(n)),
        ..Draft::on_hand(
            &sku("milk"),
            &loc("store"),
            MovementKind::CountCorrection { count: "C".into() },
            q(0),
        )
    };
    assert_eq!(apply(&level, &refuse, &count(9)).unwrap().on_hand, q(4));
    assert!(apply(&level, &refuse, &count(1)).is_err(), "counted below what is reserved");
    let negative = Level::new(q(-4), q(0));
    assert_eq!(apply(&negative, &refuse, &count(0)).unwrap().level, Level::new(q(0), q(0)));
    assert!(apply(&negative, &refuse, &take(1)).is_err());
}

#[test]
fn movement_kinds_round_trip_through_their_codes() {
    for kind in [
        MovementKind::Sale,
        MovementKind::Return,
        MovementKind::GoodsReceipt,
        MovementKind::Adjustment { reason: "파손".into() },
        MovementKind::TransferOut { transfer: "T1".into() },
        MovementKind::TransferIn { transfer: "T1".into() },
        MovementKind::CountCorrection { count: "C1".into() },
        MovementKind::Reservation { reservation: "R1".into() },
        MovementKind::Release { reservation: "R1".into() },
    ] {
        assert_eq!(MovementKind::from_code(kind.code(), kind.reference()).unwrap(), kind);
        let tag = serde_json::to_value(&kind).unwrap()["type"].as_str().map(str::to_owned);
        assert_eq!(tag.as_deref(), Some(kind.code()), "the code is the serde tag");
    }
    assert!(MovementKind::from_code("adjustment", None).is_err());
    assert!(MovementKind::from_code("theft", None).is_err());
}

#[test]
fn negative_stock_refused_or_allowed_per_sku() {
    let mut inv = setup();
    let (milk, bread, store) = (sku("milk"), sku("bread"), loc("store"));
    inv.receive(&milk, &store, q(2), "kim", now()).unwrap();
    let before = inv.clone();
    let e = inv.sell(&milk, &store, q(3), "kim", now()).unwrap_err();
    assert_eq!(
        e,
        InventoryError::InsufficientStock {
            sku: "milk".into(),
            location: "store".into(),
            available: q(2),
            requested: q(3)
        }
    );
    assert_eq!(inv, before, "a refused sale changes nothing");
    inv.sell(&bread, &store, q(3), "kim", now()).unwrap();
    assert_eq!(inv.level(&bread, &store).on_hand, q(-3));
}

#[test]
fn low_stock_alerts_suggest_orders() {
    let mut inv = setup();
    let (milk, store) = (sku("milk"), loc("store"));
    inv.receive(&milk, &store, q(8), "kim", now()).unwrap();
    assert!(inv.low_stock().is_empty());
    inv.sell(&milk, &store, q(3), "kim", now()).unwrap();
    let alerts = inv.low_stock();
    assert_eq!(alerts.len(), 1, "only where the SKU is stocked");
    assert_eq!((alerts[0].available, alerts[0].suggested), (q(5), q(24)));
    inv.set_policy(&milk, &store, StockPolicy::refuse_negative().with_reorder(q(30), q(24)).unwrap());
    assert_eq!(inv.low_stock()[0].suggested, q(48), "multiples until above the reorder point");
}

#[test]
fn transfers_go_through_transit_and_record_short_receipts() {
    let mut inv = setup();
    let (milk, bread, wh, store) = (sku("milk"), sku("bread"), loc("wh"), loc("store"));
    inv.receive(&milk, &wh, q(100), "lee", now()).unwrap();
    inv.receive(&bread, &wh, q(20), "lee", now()).unwrap();
    inv.dispatch_transfer("T1", &wh, &store, &[(milk.clone(), q(40)), (bread.clone(), q(10))], "lee", now())
        .unwrap();
    assert_eq!(inv.level(&milk, &wh).on_hand, q(60));
    assert_eq!(inv.level(&milk, &store).on_hand, q(0), "not arrived yet");
    assert_eq!(inv.in_transit(&milk), q(40));
    let variance = inv.receive_transfer("T1", &[(milk.clone(), q(38))], "kim", now()).unwrap();
    assert_eq!(variance.get(&milk), Some(&q(2)));
    assert_eq!(variance.get(&bread), Some(&q(10)), "not received at all");
    assert_eq!(inv.level(&milk, &store).on_hand, q(38));
    assert_eq!(inv.in_transit(&milk), q(0));
    assert_eq!(inv.transfer("T1").unwrap().state, TransferState::Received);
    assert!(matches!(inv.receive_transfer("T1", &[], "kim", now()), Err(InventoryError::WrongState { .. })));
}

#[test]
fn bad_transfers_change_nothing() {
    let mut inv = setup();
    let (milk, wh, store) = (sku("milk"), loc("wh"), loc("store"));
    inv.receive(&milk, &wh, q(10), "lee", now()).unwrap();
    let before = inv.clone();
    let e = inv.dispatch_transfer("T", &wh, &wh, &[(milk.clone(), q(1))], "lee", now()).unwrap_err();
    assert_eq!(
        e,
        InventoryError::InvalidField {
            field: "transfer.to".into(),
            reason: "must differ from the source location".into()
        }
    );
    assert!(matches!(
        inv.dispatch_transfer("T", &wh, &store, &[(milk.clone(), q(11))], "lee", now()),
        Err(InventoryError::InsufficientStock { .. })
    ));
    assert!(inv.dispatch_transfer("T", &wh, &store, &[], "lee", now()).is_err());
    assert!(inv.dispatch_transfer("T", &wh, &store, &[(milk.clone(), q(0))], "lee", now()).is_err());
    assert!(
        inv.dispatch_transfer("T", &wh, &store, &[(milk.clone(), q(1)), (milk.clone(), q(1))], "lee", now())
            .is_err()
    );
    assert!(inv.dispatch_transfer("T", &wh, &loc("nowhere"), &[(milk.clone(), q(1))], "lee", now()).is_err());
    assert_eq!(inv, before);
    inv.dispatch_transfer("T", &wh, &store, &[(milk.clone(), q(5))], "lee", now()).unwrap();
    let before = inv.clone();
    assert!(inv.receive_transfer("T", &[(milk.clone(), q(6))], "kim", now()).is_err(), "more than sent");
    assert!(inv.receive_transfer("T", &[(sku("bread"), q(1))], "kim", now()).is_err(), "not on the transfer");
    assert!(inv.receive_transfer("nope", &[], "kim", now()).is_err());
    assert_eq!(inv, before);
}

#[test]
fn counts_post_variances_for_counted_skus_only() {
    let mut inv = setup();
    let (milk, bread, store) = (sku("milk"), sku("bread"), loc("store"));
    inv.receive(&milk, &store, q(10), "kim", now()).unwrap();
    inv.receive(&bread, &store, q(7), "kim", now()).unwrap();
    inv.start_count("C1", &store).unwrap();
    inv.record_count("C1", &milk, q(8)).unwrap();
    assert_eq!(
        inv.record_count("C1", &sku("ghost"), q(1)).unwrap_err(),
        InventoryError::UnknownSku { sku: "ghost".into() }
    );
    assert!(inv.record_count("C1", &milk, q(-1)).is_err());
    let variances = inv.post_count("C1", "kim", now()).unwrap();
    assert_eq!(variances.get(&milk), Some(&q(-2)));
    assert_eq!(inv.level(&milk, &store).on_hand, q(8));
    assert_eq!(inv.level(&bread, &store).on_hand, q(7), "bread was not counted");
    assert_eq!(inv.movements().last().unwrap().kind, MovementKind::CountCorrection { count: "C1".into() });
    assert!(inv.post_count("C1", "kim", now()).is_err(), "posted twice");
    assert!(inv.record_count("C1", &milk, q(1)).is_err(), "closed");
}

#[test]
fn reservations_reserve_fulfil_release_expire() {
    let mut inv = setup();
    let (milk, store) = (sku("milk"), loc("store"));
    inv.receive(&milk, &store, q(10), "kim", now()).unwrap();
    let later = now() + Duration::hours(24);
    inv.reserve("R1", &milk, &store, q(3), later, "web", now()).unwrap();
    inv.reserve("R2", &milk, &store, q(2), later, "web", now()).unwrap();
    inv.reserve("R3", &milk, &store, q(1), now() + Duration::hours(1), "web", now()).unwrap();
    assert_eq!(inv.level(&milk, &store), Level { on_hand: q(10), reserved: q(6), available: q(4) });
    assert!(matches!(
        inv.reserve("R4", &milk, &store, q(5), later, "web", now()),
        Err(InventoryError::InsufficientStock { .. })
    ));
    assert!(
        matches!(inv.sell(&milk, &store, q(5), "kim", now()), Err(InventoryError::InsufficientStock { .. })),
        "reserved stock is not for sale"
    );
    inv.fulfil("R1", "kim", now()).unwrap();
    assert_eq!(inv.level(&milk, &store), Level { on_hand: q(7), reserved: q(3), available: q(4) });
    inv.release("R2", "kim", now()).unwrap();
    assert_eq!(inv.expire(now() + Duration::hours(2), "system"), vec!["R3".to_owned()]);
    assert_eq!(inv.reservation("R3").unwrap().state, ReservationState::Expired);
    assert_eq!(inv.level(&milk, &store), Level { on_hand: q(7), reserved: q(0), available: q(7) });
    assert!(matches!(inv.fulfil("R2", "kim", now()), Err(InventoryError::WrongState { .. })));
    assert!(inv.reserve("R5", &milk, &store, q(1), now(), "web", now()).is_err(), "expiry in the past");
}

#[test]
fn other_bad_input() {
    let mut inv = setup();
    let (milk, store) = (sku("milk"), loc("store"));
    let before = inv.clone();
    assert!(matches!(
        inv.receive(&milk, &store, q(0), "kim", now()),
        Err(InventoryError::InvalidField { .. })
    ));
    assert!(matches!(
        inv.receive(&sku("ghost"), &store, q(1), "kim", now()),
        Err(InventoryError::UnknownSku { .. })
    ));
    assert!(matches!(
        inv.receive(&milk, &loc("mars"), q(1), "kim", now()),
        Err(InventoryError::UnknownLocation { .. })
    ));
    assert!(inv.adjust(&milk, &store, q(0), "x", "kim", now()).is_err());
    assert!(inv.adjust(&milk, &store, q(1), " ", "kim", now()).is_err());
    assert!(inv.add_location(Location::new("store", "dup", LocationKind::Store).unwrap()).is_err());
    assert!(StockPolicy::default().with_reorder(q(-1), q(1)).is_err());
    assert!(StockPolicy::default().with_reorder(q(1), q(0)).is_err());
    assert_eq!(inv, before);
}

#[derive(Debug, Clone)]
enum Op {
    Receive(usize, usize, i64),
    Sell(usize, usize, i64),
    Adjust(usize, usize, i64),
    Transfer(usize, usize, usize, i64),
    ReceiveTransfer(usize, i64),
    Count(usize, usize, i64),
    Reserve(usize, usize, i64),
    EndReservation(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0_usize..3;
    let l = 0_usize..3;
    let n = 1_i64..20;
    prop_oneof![
        (s.clone(), l.clone(), n.clone()).prop_map(|(a, b, c)| Op::Receive(a, b, c)),
        (s.clone(), l.clone(), n.clone()).prop_map(|(a, b, c)| Op::Sell(a, b, c)),
        (s.clone(), l.clone(), -20_i64..20).prop_map(|(a, b, c)| Op::Adjust(a, b, c)),
        (s.clone(), l.clone(), l.clone(), n.clone()).prop_map(|(a, b, c, d)| Op::Transfer(a, b, c, d)),
        (0_usize..10, 0_i64..20).prop_map(|(a, b)| Op::ReceiveTransfer(a, b)),
        (s.clone(), l.clone(), 0_i64..30).prop_map(|(a, b, c)| Op::Count(a, b, c)),
        (s, l, n).prop_map(|(a, b, c)| Op::Reserve(a, b, c)),
        (0_usize..10, 0_u8..3).prop_map(|(a, b)| Op::EndReservation(a, b)),
    ]
}

const SKUS: [&str; 3] = ["milk", "bread", "eggs"];
const LOCS: [&str; 3] = ["store", "wh", "web"];

/// Runs operations, ignoring refused ones (they must change nothing), and returns the inventory
/// plus the total stock that left through sales, adjustments, counts and short receipts.
fn run(ops: &[Op]) -> Inventory {
    let mut inv = setup();
    everywhere(&mut inv, "eggs", StockPolicy::refuse_negative());
    let mut transfers = 0;
    let mut reservations = 0;
    for op in ops {
        let before = inv.clone();
        let r = match op {
            Op::Receive(s, l, n) => inv.receive(&sku(SKUS[*s]), &loc(LOCS[*l]), q(*n), "p", now()),
            Op::Sell(s, l, n) => inv.sell(&sku(SKUS[*s]), &loc(LOCS[*l]), q(*n), "p", now()),
            Op::Adjust(s, l, n) => inv.adjust(&sku(SKUS[*s]), &loc(LOCS[*l]), q(*n), "test", "p", now()),
            Op::Transfer(s, a, b, n) => {
                transfers += 1;
                inv.dispatch_transfer(
                    &format!("T{transfers}"),
                    &loc(LOCS[*a]),
                    &loc(LOCS[*b]),
                    &[(sku(SKUS[*s]), q(*n))],
                    "p",
                    now(),
                )
            }
            Op::ReceiveTransfer(i, n) => {
                let id = format!("T{}", i % transfers.max(1) + 1);
                match inv.transfer(&id).map(|t| t.sent.iter().next().map(|(s, sent)| (s.clone(), *sent))) {
                    Some(Some((s, sent))) => {
                        inv.receive_transfer(&id, &[(s, q(*n).min(sent))], "p", now()).map(|_| ())
                    }
                    _ => Ok(()),
                }
            }
            Op::Count(s, l, n) => {
                let id = format!("C{}", inv.movements().len());
                inv.start_count(&id, &loc(LOCS[*l]))
                    .and_then(|_| inv.record_count(&id, &sku(SKUS[*s]), q(*n)))
                    .and_then(|_| inv.post_count(&id, "p", now()).map(|_| ()))
            }
            Op::Reserve(s, l, n) => {
                reservations += 1;
                inv.reserve(
                    &format!("R{reservations}"),
                    &sku(SKUS[*s]),
                    &loc(LOCS[*l]),
                    q(*n),
                    now() + Duration::hours(1),
                    "p",
                    now(),
                )
            }
            Op::EndReservation(i, how) => {
                let id = format!("R{}", i % reservations.max(1) + 1);
                match how {
                    0 => inv.fulfil(&id, "p", now()),
                    1 => inv.release(&id, "p", now()),
                    _ => {
                        inv.expire(now() + Duration::hours(2), "p");
                        Ok(())
                    }
                }
            }
        };
        if r.is_err() && !matches!(op, Op::Count(..)) {
            assert_eq!(inv, before, "a refused {op:?} changed the inventory");
        }
    }
    inv
}

proptest! {
    /// Stock levels equal the fold of the movements.
    #[test]
    fn levels_are_the_fold_of_movements(ops in prop::collection::vec(op(), 0..60)) {
        let inv = run(&ops);
        prop_assert_eq!(&levels(inv.movements()), inv.levels());
        // Movement sequences are gapless.
        for (i, m) in inv.movements().iter().enumerate() {
            prop_assert_eq!(m.sequence, i as u64 + 1);
        }
    }

    /// With negative stock refused, no sequence of operations makes available stock negative.
    #[test]
    fn refused_negative_never_goes_negative(ops in prop::collection::vec(op(), 0..60)) {
        let inv = run(&ops);
        for ((s, _), level) in inv.levels() {
            if s.as_str() != "bread" {
                prop_assert!(level.available >= Decimal::ZERO, "{s}: {level:?}");
            }
        }
    }

    /// A transfer conserves total stock: what leaves the source is in transit, then at the
    /// destination or recorded as the transfer's variance.
    #[test]
    fn transfers_conserve_stock(start in 1_i64..100, send in 1_i64..100, got in 0_i64..100) {
        let mut inv = setup();
        let (milk, wh, store) = (sku("bread"), loc("wh"), loc("store"));
        inv.receive(&milk, &wh, q(start), "p", now()).unwrap();
        let total = |inv: &Inventory| inv.level(&milk, &wh).on_hand + inv.level(&milk, &store).on_hand;
        inv.dispatch_transfer("T", &wh, &store, &[(milk.clone(), q(send))], "p", now()).unwrap();
        prop_assert_eq!(total(&inv) + inv.in_transit(&milk), q(start));
        let variance = inv.receive_transfer("T", &[(milk.clone(), q(got.min(send)))], "p", now()).unwrap();
        let lost = variance.get(&milk).copied().unwrap_or_default();
        prop_assert_eq!(total(&inv) + inv.in_transit(&milk) + lost, q(start));
    }
}
