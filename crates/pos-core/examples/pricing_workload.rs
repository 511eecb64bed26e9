//! The pricing benchmark's workload in a plain loop, for profilers and instruction counters,
//! which give steadier numbers than wall time on a shared machine.
//!
//! ```text
//! cargo build --release -p pos-core --example pricing_workload
//! target/release/examples/pricing_workload 10000 20000        # promotions, baskets
//! valgrind --tool=callgrind target/release/examples/pricing_workload 10000 2000
//! ```
//!
//! It prints the time per basket and how many promotions apply per basket. For instructions per
//! basket, run callgrind with two basket counts and divide the difference: that removes the
//! catalog and engine set-up.
#![allow(missing_docs)]

#[path = "../benches/workload/mod.rs"]
mod workload;

use std::hint::black_box;
use std::time::Instant;

use pos_core::{Basket, PricingContext, PricingEngine, StoreConfig};
use workload::{Lcg, basket, catalog, promotions};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mut rng = Lcg(42);
    let catalog = catalog(&mut rng);
    let baskets: Vec<Basket> = (0..16).map(|_| basket(&mut rng)).collect();
    let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().expect("a valid instant"));
    let engine = PricingEngine::builder(StoreConfig::korea("bench"))
        .promotions(promotions(&mut Lcg(7), n))
        .build()
        .expect("valid promotions");
    let mut applied = 0;
    let started = Instant::now();
    for i in 0..iterations {
        let priced = engine.price(&catalog, black_box(&baskets[i % baskets.len()]), &ctx).expect("prices");
        applied += priced.promotions.len();
        black_box(priced);
    }
    let elapsed = started.elapsed();
    println!(
        "{n} promotions: {:.2} us per basket, {:.1} promotions applied per basket ({iterations} baskets)",
        elapsed.as_secs_f64() * 1e6 / iterations.max(1) as f64,
        applied as f64 / iterations.max(1) as f64,
    );
}
