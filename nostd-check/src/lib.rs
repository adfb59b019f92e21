//! A `#![no_std]` consumer of actinf: proves the library builds and links without `std`.
//!
//! The exported functions instantiate the generic code — an agent step (model construction,
//! state inference, policy inference, action selection, empirical prior), a learning update
//! (Dirichlet counts, expected `A`, novelty weights) and a rollout in an environment (windows,
//! the loop, environment sampling) — so everything they need is compiled and linked into the
//! static library. `cargo test` in this crate runs them on the host with actinf built without
//! `std`.
#![no_std]

use actinf::config::Config;
use actinf::envs::ModelEnv;
use actinf::learn::Learning;
use actinf::rollout::{InferPolicies, Online, Workspace};
use actinf::{Agent, DirichletA, Model, Shared, list};
use rand::{SeedableRng, rngs::SmallRng};

actinf::model! {
    /// A light that is on or off, seen through a noisy sensor.
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn light() -> Option<Model<f32, Light>> {
    Model::<f32, Light>::new(
        &list![[[0.9, 0.2], [0.1, 0.8]]],
        &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
        &list![[0.0, 2.0]],
        &list![[0.5, 0.5]],
    )
    .ok()
}

/// No unwinding and no `std`: spin.
#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// One perception-action step from sensor reading `obs` (0 or 1). Returns the chosen action
/// (0 or 1), or -1 on error.
#[unsafe(no_mangle)]
pub extern "C" fn actinf_nostd_step(obs: u32) -> i32 {
    let run = || -> Option<usize> {
        let agent = Agent::<f32, Light, 1, 2>::new(light()?, Config::default()).ok()?;
        let prior = agent.initial_prior();
        let qs = agent.infer_states(&[[obs as usize]], &prior).ok()?;
        let (q_pi, _) = agent.infer_policies(&qs).ok()?;
        let [action] = agent
            .sample_action(&q_pi, &mut SmallRng::seed_from_u64(1))
            .ok()?;
        agent.update_empirical_prior(&[action], &qs).ok()?;
        Some(action[0])
    };
    match run() {
        Some(a) => a as i32,
        None => -1,
    }
}

/// One learning update: the agent sees reading `obs` with the lamp believed on, counts it into
/// a flat `pA` and takes the new expected `A`. Returns `P(reading 1 | lamp on)` in thousandths,
/// or -1 on error.
#[unsafe(no_mangle)]
pub extern "C" fn actinf_nostd_learn(obs: u32) -> i32 {
    let run = || -> Option<f32> {
        let mut agent = Agent::<f32, Light, 1, 2>::new(light()?, Config::default()).ok()?;
        let mut pa = DirichletA::<f32, Light>::new(&list![[[1.0, 1.0], [1.0, 1.0]]]).ok()?;
        let q = actinf::Belief::<f32, Light>::new(list![[0.0, 1.0]]).ok()?;
        agent
            .learn_step(
                0,
                &[obs as usize],
                &q,
                None,
                Some(&mut pa),
                None,
                &Learning::new(1.0, 0.0),
            )
            .ok()?;
        Some(agent.model(0).a_entry(0, 1, 1))
    };
    match run() {
        Some(p) => (p * 1000.0 + 0.5) as i32,
        None => -1,
    }
}

/// A rollout of 6 decisions in the light's own generative process, with online learning of
/// `A`. Returns how many times the agent chose to switch the lamp on, or -1 on error.
#[unsafe(no_mangle)]
pub extern "C" fn actinf_nostd_rollout(seed: u32) -> i32 {
    let run = || -> Option<i32> {
        let env = ModelEnv::new(light()?);
        let mut agent = Agent::<f32, Light, 1, 2>::new(light()?, Config::default()).ok()?;
        let mut pa = [DirichletA::<f32, Light>::new(&list![[[9.0, 2.0], [1.0, 8.0]]]).ok()?];
        let mut online = Online {
            pa: Some(&mut pa[..]),
            pb: None,
            rule: Learning::new(1.0, 0.0),
        };
        let mut work = Workspace::<f32, Light, 2, 1, 2, [usize; 1]>::new();
        let mut on = 0;
        work.rollout_with::<6>(
            &mut agent,
            &Shared(&env),
            &mut InferPolicies,
            Some(&mut online),
            &mut |step| {
                on += step.actions[0][0] as i32;
                Ok(())
            },
            &mut SmallRng::seed_from_u64(seed as u64),
        )
        .ok()?;
        Some(on)
    };
    run().unwrap_or(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_step_learning_and_rollout_run_without_std() {
        // Reading 1 ("on") with C preferring it: switch the lamp on.
        assert_eq!(actinf_nostd_step(1), 1);
        // Flat counts [1, 1] + the reading 1 → [1, 2]: P(1 | on) = 2/3.
        assert_eq!(actinf_nostd_learn(1), 667);
        // The agent prefers "on" readings: it switches the lamp on at every decision.
        assert_eq!(actinf_nostd_rollout(3), 6);
    }
}
