//! Signing the DCS reset request: our signer vs the floor (see `huaweicloud_sdk_benches`).
//! Results: `target/criterion/sign/{ours,floor}/new/estimates.json`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use huaweicloud_sdk_benches::{BODY, Floor, SignFixture};

fn bench(c: &mut Criterion) {
    // Both constructors assert the official signature once.
    let ours = SignFixture::new();
    let floor = Floor::new();
    let mut g = c.benchmark_group("sign");
    g.bench_function("ours", |b| b.iter(|| black_box(&ours).sign()));
    g.bench_function("floor", |b| {
        b.iter(|| black_box(&floor).sign(black_box(BODY.as_bytes())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
