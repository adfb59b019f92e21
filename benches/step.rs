//! Agent-step timings on pymdp's T-maze (policies of length 3, 125 policies), f32 and f64.
//! Compare with `pymdp-baseline.md` (pymdp's M1_tmaze uses policy length 1; the models of the
//! baseline get their own benches with the performance work).

use actinf::envs::tmaze::{self, TMaze, TMazeParams};
use actinf::{Agent, Config, Real};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{SeedableRng, rngs::SmallRng};
use std::hint::black_box;

fn bench_for<T: Real>(c: &mut Criterion, label: &str) {
    let agent = Agent::<T, TMaze, 3, 125>::new(
        tmaze::model(TMazeParams::default()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let prior = agent.initial_prior();
    let obs = [[0usize, 0, 0]];
    let qs = agent.infer_states(&obs, &prior).unwrap();
    let (q_pi, _) = agent.infer_policies(&qs).unwrap();
    let mut rng = SmallRng::seed_from_u64(0);
    c.bench_function(&format!("tmaze_L3/{label}/infer_states"), |b| {
        b.iter(|| {
            agent
                .infer_states(black_box(&obs), black_box(&prior))
                .unwrap()
        })
    });
    c.bench_function(&format!("tmaze_L3/{label}/infer_policies"), |b| {
        b.iter(|| agent.infer_policies(black_box(&qs)).unwrap())
    });
    c.bench_function(&format!("tmaze_L3/{label}/sample_action"), |b| {
        b.iter(|| agent.sample_action(black_box(&q_pi), &mut rng).unwrap())
    });
    c.bench_function(&format!("tmaze_L3/{label}/step"), |b| {
        b.iter(|| {
            let qs = agent
                .infer_states(black_box(&obs), black_box(&prior))
                .unwrap();
            let (q_pi, _) = agent.infer_policies(&qs).unwrap();
            let action = agent.sample_action(&q_pi, &mut rng).unwrap();
            agent.update_empirical_prior(&action, &qs).unwrap()
        })
    });
}

fn benches(c: &mut Criterion) {
    bench_for::<f32>(c, "f32");
    bench_for::<f64>(c, "f64");
}

criterion_group!(step, benches);
criterion_main!(step);
