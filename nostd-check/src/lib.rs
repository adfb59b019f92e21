//! A `#![no_std]` consumer of actinf: proves the library builds and links without `std`.
//!
//! The exported function instantiates the generic code (model construction, state inference,
//! policy inference, action selection, empirical prior), so everything it needs is compiled
//! and linked into the static library.
#![no_std]

use actinf::config::Config;
use actinf::{Agent, Model, list};
use rand::{SeedableRng, rngs::SmallRng};

actinf::model! {
    /// A light that is on or off, seen through a noisy sensor.
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

/// No unwinding and no `std`: spin.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// One perception-action step from sensor reading `obs` (0 or 1). Returns the chosen action
/// (0 or 1), or -1 on error.
#[unsafe(no_mangle)]
pub extern "C" fn actinf_nostd_step(obs: u32) -> i32 {
    let run = || -> Option<usize> {
        let model = Model::<f32, Light>::new(
            &list![[[0.9, 0.2], [0.1, 0.8]]],
            &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
            &list![[0.0, 2.0]],
            &list![[0.5, 0.5]],
        )
        .ok()?;
        let agent = Agent::<f32, Light, 1, 2>::new(model, Config::default()).ok()?;
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
