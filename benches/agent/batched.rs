//! A broadcast batch of 1024 agents: one full step for the whole batch, storage on the heap;
//! with `--features parallel` also spread over the cores (`step_parallel`).

use actinf::batch;
use actinf::nalgebra::SVector;
use actinf::spec::IndexArray;
use actinf::{Agent, Belief, Model, Real, Spec};
use criterion::{Criterion, Throughput};
use rand::{SeedableRng, rngs::SmallRng};

use crate::models::{self, m1, m2, m3, m4};

const B: usize = 1024;

fn bench<T: Real, S: Spec, const L: usize, const NP: usize>(
    c: &mut Criterion,
    name: &str,
    model: Model<T, S>,
    obs: &[S::Observation],
) {
    let t = core::any::type_name::<T>();
    let agent = Agent::<T, S, L, NP, B>::new(model, models::config()).expect("agent");
    let mut prior = batch::boxed::<Belief<T, S>, B>(Belief::ZERO);
    agent.initial_prior_into(&mut prior);
    let mut qs = batch::boxed::<Belief<T, S>, B>(Belief::ZERO);
    let mut q_pi = batch::boxed::<SVector<T, NP>, B>(SVector::zeros());
    let mut neg_efe = batch::boxed::<SVector<T, NP>, B>(SVector::zeros());
    let mut actions = batch::boxed::<S::Action, B>(S::Action::ZEROS);
    // Agent b sees the sequence shifted by b steps.
    let all: Vec<Box<[S::Observation; B]>> = (0..obs.len())
        .map(|k| batch::boxed_from_fn(|b| obs[(k + b) % obs.len()]))
        .collect();
    let mut rng = SmallRng::seed_from_u64(0);
    let mut group = c.benchmark_group(format!("batch1024/{name}/{t}"));
    group.throughput(Throughput::Elements(B as u64));
    group.bench_function("step", |bch| {
        let mut k = 0;
        bch.iter(|| {
            k = (k + 1) % all.len();
            agent
                .infer_states_into(&all[k], &prior, &mut qs)
                .expect("infer");
            agent
                .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
                .expect("policies");
            agent
                .sample_action_into(&q_pi, &mut rng, &mut actions)
                .expect("action");
            agent
                .update_empirical_prior_into(&actions, &qs, &mut prior)
                .expect("prior");
        })
    });
    #[cfg(feature = "parallel")]
    group.bench_function("step_parallel", |bch| {
        let mut k = 0;
        bch.iter(|| {
            k = (k + 1) % all.len();
            agent
                .infer_states_parallel_into(&all[k], &prior, &mut qs)
                .expect("infer");
            agent
                .infer_policies_parallel_into(&qs, &mut q_pi, &mut neg_efe)
                .expect("policies");
            agent
                .sample_action_into(&q_pi, &mut rng, &mut actions)
                .expect("action");
            agent
                .update_empirical_prior_parallel_into(&actions, &qs, &mut prior)
                .expect("prior");
        })
    });
    group.finish();
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
