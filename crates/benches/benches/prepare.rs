//! Whole client-side preparation of one DCS reset call (builder → signed request, no I/O).
//! Result: `target/criterion/prepare/ours/new/estimates.json`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use huaweicloud_sdk_benches::PrepareFixture;

fn bench(c: &mut Criterion) {
    let fixture = match PrepareFixture::new() {
        Ok(f) => f,
        Err(e) => panic!("fixture: {e}"),
    };
    let mut g = c.benchmark_group("prepare");
    g.bench_function("ours", |b| {
        b.iter(|| match black_box(&fixture).prepare() {
            Ok(p) => p,
            Err(e) => panic!("prepare: {e}"),
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
