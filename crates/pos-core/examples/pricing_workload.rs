//! The pricing benchmark's workload outside criterion, for profilers, instruction counters and
//! shared machines where wall time drifts.
//!
//! ```text
//! cargo build --release -p pos-core --example pricing_workload
//! target/release/examples/pricing_workload 10000 20000   # promotions, baskets: time per basket
//! target/release/examples/pricing_workload ratio          # 0, 1,000, 10,000 interleaved
//! target/release/examples/pricing_workload digest         # SHA-256 of 1,800 priced baskets
//! valgrind --tool=callgrind target/release/examples/pricing_workload 10000 2000
//! ```
//!
//! `ratio` builds the three engines, then alternates between them in short batches and keeps
//! each one's fastest batch: interference from other work on the machine slows batches of all
//! three alike, so the ratio of the minima is steadier than separate criterion runs. For
//! instructions per basket, run callgrind with two basket counts and divide the difference:
//! that removes the catalog and engine set-up.
//!
//! `digest` prices 600 varied baskets (tiers, coupons, manual discounts, overrides, weekend
//! evenings) against 0, 1,000 and 10,000 promotions and prints one SHA-256 over their JSON: a
//! change to the engine that must not change its results must not change the digest.
#![allow(missing_docs)]

#[path = "../benches/workload/mod.rs"]
mod workload;

use std::hint::black_box;
use std::time::Instant;

use pos_core::{Basket, Catalog, PricingContext, PricingEngine, StoreConfig};
use sha2::{Digest, Sha256};
use workload::{Lcg, basket, catalog, promotions, varied_basket};

/// Baskets per batch in `ratio` mode: long enough that the first, cache-cold baskets of a batch
/// weigh little.
const BATCH: usize = 1_600;

fn engine(n: usize) -> PricingEngine {
    PricingEngine::builder(StoreConfig::korea("bench"))
        .promotions(promotions(&mut Lcg(7), n))
        .build()
        .expect("valid promotions")
}

/// Prices `count` baskets; returns microseconds per basket and promotions applied per basket.
fn run(engine: &PricingEngine, catalog: &Catalog, baskets: &[Basket], count: usize) -> (f64, f64) {
    let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().expect("a valid instant"));
    let mut applied = 0;
    let started = Instant::now();
    for i in 0..count {
        let priced = engine.price(catalog, black_box(&baskets[i % baskets.len()]), &ctx).expect("prices");
        applied += priced.promotions.len();
        black_box(priced);
    }
    let count = count.max(1) as f64;
    (started.elapsed().as_secs_f64() * 1e6 / count, applied as f64 / count)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "10000".to_owned());
    let mut rng = Lcg(42);
    let catalog = catalog(&mut rng);
    let baskets: Vec<Basket> = (0..16).map(|_| basket(&mut rng)).collect();
    if first == "digest" {
        let mut hash = Sha256::new();
        let mut applied = 0;
        let mut discounts = rust_decimal::Decimal::ZERO;
        for n in [0, 1_000, 10_000] {
            let engine = engine(n);
            let mut rng = Lcg(99);
            for i in 0..600 {
                let (basket, at) = varied_basket(&mut rng, i);
                let priced = engine.price(&catalog, &basket, &PricingContext::at(at)).expect("prices");
                applied += priced.promotions.len();
                discounts += priced.discount_total.amount();
                hash.update(serde_json::to_vec(&priced).expect("serialises"));
            }
        }
        let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        println!("{hex} ({applied} promotions applied over 1,800 baskets, {discounts} discounted in all)");
        return;
    }
    if first == "ratio" {
        let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
        let engines: Vec<(usize, PricingEngine)> = [0, 1_000, 10_000].map(|n| (n, engine(n))).into();
        let mut best = vec![f64::MAX; engines.len()];
        for _ in 0..rounds {
            for (i, (_, e)) in engines.iter().enumerate() {
                best[i] = best[i].min(run(e, &catalog, &baskets, BATCH).0);
            }
        }
        for ((n, _), t) in engines.iter().zip(&best) {
            println!(
                "{n:>6} promotions: {t:6.2} us per basket (best of {rounds} batches of {BATCH}), {:.2}x of 0",
                t / best[0]
            );
        }
        return;
    }
    let n: usize = first.parse().unwrap_or(10_000);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let engine = engine(n);
    let (micros, applied) = run(&engine, &catalog, &baskets, count);
    println!(
        "{n} promotions: {micros:.2} us per basket, {applied:.1} promotions applied per basket ({count} baskets)"
    );
}
