//! Long-horizon planning on M4 (7×7 grid, 5 moves): one backward-induction plan
//! (`plan::backward`) from a belief inferred from one observation, for horizons 1–16
//! (`planning/M4_backward/<T>/h<H>`). Enumerating policies would cost `5^H` EFE evaluations.

use std::hint::black_box;

use actinf::plan::backward::{Backup, BackwardInduction};
use actinf::{Config, Model, Real, inference};
use criterion::Criterion;

use crate::models::{self, m4::M4};

fn horizon<T: Real, const H: usize>(c: &mut Criterion, model: &Model<T, M4>) {
    let t = core::any::type_name::<T>();
    let q = inference::infer_states(model, &[10], model.d(), 16).expect("belief");
    let actions = [[0], [1], [2], [3], [4]];
    let mut planner =
        Box::new(BackwardInduction::<T, 49, 5, H>::new(Backup::Max).expect("planner"));
    let mut neg_efe = [T::ZERO; 5];
    c.bench_function(&format!("planning/M4_backward/{t}/h{H}"), |b| {
        b.iter(|| {
            planner
                .plan(
                    black_box(model),
                    &actions,
                    Config::default(),
                    black_box(&q),
                    &mut neg_efe,
                )
                .expect("plan");
            black_box(neg_efe)
        })
    });
}

fn bench<T: Real>(c: &mut Criterion) {
    let model = models::boxed_model::<T, M4>("M4_grid");
    horizon::<T, 1>(c, &model);
    horizon::<T, 2>(c, &model);
    horizon::<T, 4>(c, &model);
    horizon::<T, 8>(c, &model);
    horizon::<T, 12>(c, &model);
    horizon::<T, 16>(c, &model);
}

/// Registers the planning benches.
pub fn benches(c: &mut Criterion) {
    bench::<f32>(c);
    bench::<f64>(c);
}
