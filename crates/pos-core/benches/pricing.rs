//! Pricing benchmark: a 100-line basket over a 50,000-SKU catalog against 0, 1,000 and 10,000
//! promotions of mixed kinds (the mix is described in `workload/mod.rs`).
//!
//! Run: `cargo bench -p pos-core --bench pricing`
#![allow(missing_docs)]

mod workload;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pos_core::{Basket, PricingContext, PricingEngine, Promotion, PromotionKind, Sku, StoreConfig, Target};
use workload::{Lcg, SKUS, basket, catalog, promotions, sku};

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(42);
    let catalog = catalog(&mut rng);
    let baskets: Vec<Basket> = (0..16).map(|_| basket(&mut rng)).collect();
    let ctx = PricingContext::at("2026-11-23T03:00:00Z".parse().unwrap());
    let mut group = c.benchmark_group("price_100_lines");
    group.throughput(Throughput::Elements(100));
    for n in [0_usize, 1_000, 10_000] {
        let engine = PricingEngine::builder(StoreConfig::korea("bench"))
            .promotions(promotions(&mut Lcg(7), n))
            .build()
            .unwrap();
        // How much the promotions actually do, so the numbers mean something.
        let applied: usize =
            baskets.iter().map(|b| engine.price(&catalog, b, &ctx).unwrap().promotions.len()).sum();
        eprintln!(
            "{n} promotions: {:.1} applied per basket on average",
            applied as f64 / baskets.len() as f64
        );
        let mut i = 0;
        group.bench_with_input(BenchmarkId::from_parameter(n), &engine, |bench, engine| {
            bench.iter(|| {
                i = (i + 1) % baskets.len();
                black_box(engine.price(&catalog, black_box(&baskets[i]), &ctx).unwrap())
            })
        });
    }
    group.finish();

    // Index overhead alone: 10,000 SKU promotions loaded, none on the basket's SKUs (promotions
    // on the upper half of the catalog, baskets from the lower half).
    let mut group = c.benchmark_group("price_100_lines_untouched");
    group.throughput(Throughput::Elements(100));
    let lower: Vec<Basket> = baskets
        .iter()
        .map(|b| {
            let mut l = Basket::new();
            for line in b.lines() {
                let i: u64 = line.sku.as_str()[3..].parse().unwrap();
                l.add(Sku::parse(&sku(i % (SKUS / 2))).unwrap(), line.quantity);
            }
            l
        })
        .collect();
    let far: Vec<Promotion> = promotions(&mut Lcg(7), 10_000)
        .into_iter()
        .filter_map(|p| {
            let mut spec = p.spec().clone();
            let shift = |t: &mut Target| match t {
                Target::Items(s) => {
                    *s = s
                        .iter()
                        .map(|x| {
                            let i: u64 = x.as_str()[3..].parse().unwrap();
                            Sku::parse(&sku(SKUS / 2 + i % (SKUS / 2))).unwrap()
                        })
                        .collect();
                    true
                }
                _ => false,
            };
            let keep = match &mut spec.kind {
                PromotionKind::PercentOff { target, .. }
                | PromotionKind::AmountOff { target, .. }
                | PromotionKind::FixedPrice { target, .. } => shift(target),
                PromotionKind::BuyXGetY { buy, get, .. } => shift(buy) && shift(get),
                PromotionKind::MixAndMatch { group, .. } => shift(group),
                _ => false,
            };
            keep.then(|| Promotion::try_from(spec).unwrap())
        })
        .collect();
    for (label, promos) in [("0", Vec::new()), ("10000", far)] {
        let count = promos.len();
        let engine = PricingEngine::builder(StoreConfig::korea("bench")).promotions(promos).build().unwrap();
        let applied: usize =
            lower.iter().map(|b| engine.price(&catalog, b, &ctx).unwrap().promotions.len()).sum();
        eprintln!("untouched {label}: {count} promotions loaded, {applied} applied");
        let mut i = 0;
        group.bench_with_input(BenchmarkId::from_parameter(label), &engine, |bench, engine| {
            bench.iter(|| {
                i = (i + 1) % lower.len();
                black_box(engine.price(&catalog, black_box(&lower[i]), &ctx).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
