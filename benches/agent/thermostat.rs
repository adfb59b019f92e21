//! The thermostat (`actinf::envs::thermostat`): 5 bands, 3 actions, policies of length 3
//! (27 policies), default configuration. One step = infer_states + infer_policies +
//! sample_action (+ the empirical prior for the next step).

use std::hint::black_box;

use actinf::envs::thermostat::{self, Thermostat};
use actinf::{Agent, Config, Real};
use criterion::Criterion;
use rand::{SeedableRng, rngs::SmallRng};

fn bench<T: Real>(c: &mut Criterion) {
    let t = core::any::type_name::<T>();
    let agent =
        Agent::<T, Thermostat, 3, 27>::new(thermostat::model().expect("model"), Config::default())
            .expect("agent");
    let prior = agent.initial_prior();
    let obs = [[thermostat::CHILLY]];
    let qs = agent.infer_states(&obs, &prior).expect("infer");
    let (q_pi, _) = agent.infer_policies(&qs).expect("policies");
    let mut rng = SmallRng::seed_from_u64(0);
    c.bench_function(&format!("thermostat_L3/{t}/infer_states"), |b| {
        b.iter(|| agent.infer_states(black_box(&obs), black_box(&prior)))
    });
    c.bench_function(&format!("thermostat_L3/{t}/infer_policies"), |b| {
        b.iter(|| agent.infer_policies(black_box(&qs)))
    });
    c.bench_function(&format!("thermostat_L3/{t}/sample_action"), |b| {
        b.iter(|| agent.sample_action(black_box(&q_pi), &mut rng))
    });
    c.bench_function(&format!("thermostat_L3/{t}/step"), |b| {
        b.iter(|| {
            let qs = agent
                .infer_states(black_box(&obs), black_box(&prior))
                .expect("infer");
            let (q_pi, _) = agent.infer_policies(&qs).expect("policies");
            let action = agent.sample_action(&q_pi, &mut rng).expect("action");
            agent.update_empirical_prior(&action, &qs)
        })
    });
}

pub fn benches(c: &mut Criterion) {
    bench::<f32>(c);
    bench::<f64>(c);
}
