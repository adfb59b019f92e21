//! Criterion benches on the five models pymdp was timed on (`benches/models/*.json`), with
//! pymdp's benchmark configuration (FPI, 16 sweeps, γ = α = 16, deterministic selection of a
//! whole policy, utility and state information gain), in `f32` and `f64`:
//!
//! * `single/<model>/<T>/{infer_states,infer_policies,sample_action,step}` — one agent; the
//!   step cycles over the model's 200 observations, carrying the empirical prior;
//! * `batch1024/<model>/<T>/step` — a broadcast batch of 1024 agents (throughput in agent
//!   steps);
//! * `tmaze_L3/<T>/…` — pymdp's classic T-maze with policies of length 3 (125 policies);
//! * `thermostat_L3/<T>/…` — the thermostat (5 bands, 3 actions, 27 policies);
//! * `planning/M4_backward/<T>/h<H>` — one backward-induction plan on M4, horizons 1–16.
//!
//! `cargo bench -p actinf-benches --bench agent` runs them all; `cargo bench -p actinf-benches --bench agent -- M4` a subset.
//! See `BENCHMARKS.md` for the numbers against pymdp.

use criterion::{Criterion, criterion_group, criterion_main};

mod batched;
mod models;
mod planning;
mod single;
mod thermostat;
mod tmaze;

fn all(c: &mut Criterion) {
    single::benches(c);
    batched::benches(c);
    tmaze::benches(c);
    thermostat::benches(c);
    planning::benches(c);
}

criterion_group! {
    name = agent;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = all
}
criterion_main!(agent);
