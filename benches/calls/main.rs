//! Runs one call of the agent `N` times on a bench model, for instruction counts.
//!
//! The shared machines' timings drift by up to 2× within minutes; `valgrind --tool=callgrind`
//! counts instructions, the same on every run. With the agent's instructions per cycle near
//! 4–5 on these kernels (the machine retires what it is given), the count is the measure to
//! compare versions by. `benches/icount.sh` runs this twice under callgrind and prints the
//! instructions per call:
//!
//! ```text
//! cargo build --release -p actinf-benches --bin calls
//! benches/icount.sh M4_grid infer_policies f32
//! ```
//!
//! Arguments: model (`M1_tmaze`, `M2_small_L1`, `M2_small_L3`, `M3_medium`, `M4_grid`), call
//! (`infer_states`, `infer_policies`, `step`), precision (`f32`, `f64`), `N`. It also prints
//! the mean wall time per call.

use std::hint::black_box;
use std::time::Instant;

use actinf::{Agent, Model, Real, Spec};
use rand::{SeedableRng, rngs::SmallRng};

#[path = "../agent/models.rs"]
mod models;

use models::{m1, m2, m3, m4};

fn run<T: Real, S: Spec, const L: usize, const NP: usize>(
    call: &str,
    n: usize,
    model: Model<T, S>,
    obs: &[S::Observation],
) -> Result<f64, String> {
    let agent = Agent::<T, S, L, NP>::new(model, models::config()).map_err(|e| e.to_string())?;
    let prior = agent.initial_prior();
    let qs = agent
        .infer_states(&[obs[0]], &prior)
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    match call {
        "infer_states" => {
            for k in 0..n {
                let q = agent.infer_states(black_box(&[obs[k % obs.len()]]), black_box(&prior));
                black_box(q.map_err(|e| e.to_string())?);
            }
        }
        "infer_policies" => {
            for _ in 0..n {
                black_box(
                    agent
                        .infer_policies(black_box(&qs))
                        .map_err(|e| e.to_string())?,
                );
            }
        }
        "step" => {
            let mut prior = agent.initial_prior();
            let mut rng = SmallRng::seed_from_u64(0);
            for k in 0..n {
                let mut step = || -> Result<_, actinf::Error> {
                    let qs = agent.infer_states(&[obs[k % obs.len()]], &prior)?;
                    let (q_pi, _) = agent.infer_policies(&qs)?;
                    let action = agent.sample_action(&q_pi, &mut rng)?;
                    agent.update_empirical_prior(&action, &qs)
                };
                prior = step().map_err(|e| e.to_string())?;
            }
        }
        other => return Err(format!("unknown call `{other}`")),
    }
    Ok(start.elapsed().as_secs_f64() / n.max(1) as f64)
}

fn for_type<T: Real>(name: &str, call: &str, n: usize) -> Result<f64, String> {
    use models::{model, observations};
    match name {
        "M1_tmaze" => {
            run::<T, m1::M1, { m1::L }, { m1::NP }>(call, n, model(name), &observations::<3>(name))
        }
        "M2_small_L1" => {
            run::<T, m2::M2, 1, { m2::NP1 }>(call, n, model(name), &observations::<1>(name))
        }
        "M2_small_L3" => {
            run::<T, m2::M2, 3, { m2::NP3 }>(call, n, model(name), &observations::<1>(name))
        }
        "M3_medium" => {
            run::<T, m3::M3, { m3::L }, { m3::NP }>(call, n, model(name), &observations::<2>(name))
        }
        "M4_grid" => {
            run::<T, m4::M4, { m4::L }, { m4::NP }>(call, n, model(name), &observations::<1>(name))
        }
        other => Err(format!("unknown model `{other}`")),
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, call, precision, n] = args.as_slice() else {
        return Err("usage: calls <model> <infer_states|infer_policies|step> <f32|f64> <N>".into());
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let per_call = match precision.as_str() {
        "f32" => for_type::<f32>(name, call, n)?,
        "f64" => for_type::<f64>(name, call, n)?,
        other => return Err(format!("unknown precision `{other}`")),
    };
    println!(
        "{name} {call} {precision}: {:.3} µs per call",
        per_call * 1e6
    );
    Ok(())
}
