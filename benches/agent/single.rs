//! One agent: each call on its own, and the full step.

use std::hint::black_box;

use actinf::{Agent, Model, Real, Spec};
use criterion::Criterion;
use rand::{SeedableRng, rngs::SmallRng};

use crate::models::{self, m1, m2, m3, m4};

fn bench<T: Real, S: Spec, const L: usize, const NP: usize>(
    c: &mut Criterion,
    name: &str,
    model: Model<T, S>,
    obs: &[S::Observation],
) {
    let t = core::any::type_name::<T>();
    let agent = Agent::<T, S, L, NP>::new(model, models::config()).expect("agent");
    let prior = agent.initial_prior();
    let qs = agent.infer_states(&[obs[0]], &prior).expect("infer");
    let (q_pi, _) = agent.infer_policies(&qs).expect("policies");
    let mut rng = SmallRng::seed_from_u64(0);
    c.bench_function(&format!("single/{name}/{t}/infer_states"), |b| {
        let mut k = 0;
        b.iter(|| {
            k = (k + 1) % obs.len();
            agent.infer_states(black_box(&[obs[k]]), black_box(&prior))
        })
    });
    c.bench_function(&format!("single/{name}/{t}/infer_policies"), |b| {
        b.iter(|| agent.infer_policies(black_box(&qs)))
    });
    c.bench_function(&format!("single/{name}/{t}/sample_action"), |b| {
        b.iter(|| agent.sample_action(black_box(&q_pi), &mut rng))
    });
    c.bench_function(&format!("single/{name}/{t}/step"), |b| {
        let mut prior = agent.initial_prior();
        let mut k = 0;
        b.iter(|| {
            k = (k + 1) % obs.len();
            let qs = agent.infer_states(&[obs[k]], &prior).expect("infer");
            let (q_pi, _) = agent.infer_policies(&qs).expect("policies");
            let action = agent.sample_action(&q_pi, &mut rng).expect("action");
            prior = agent.update_empirical_prior(&action, &qs).expect("prior");
        })
    });
}

fn for_type<T: Real>(c: &mut Criterion) {
    use models::{model, observations};
    bench::<T, m1::M1, { m1::L }, { m1::NP }>(
        c,
        "M1_tmaze",
        model("M1_tmaze"),
        &observations::<3>("M1_tmaze"),
    );
    bench::<T, m2::M2, 1, { m2::NP1 }>(
        c,
        "M2_small_L1",
        model("M2_small_L1"),
        &observations::<1>("M2_small_L1"),
    );
    bench::<T, m2::M2, 3, { m2::NP3 }>(
        c,
        "M2_small_L3",
        model("M2_small_L3"),
        &observations::<1>("M2_small_L3"),
    );
    bench::<T, m3::M3, { m3::L }, { m3::NP }>(
        c,
        "M3_medium",
        model("M3_medium"),
        &observations::<2>("M3_medium"),
    );
    bench::<T, m4::M4, { m4::L }, { m4::NP }>(
        c,
        "M4_grid",
        model("M4_grid"),
        &observations::<1>("M4_grid"),
    );
}

pub fn benches(c: &mut Criterion) {
    for_type::<f32>(c);
    for_type::<f64>(c);
}
