//! An active-inference agent in pymdp's T-maze.
//!
//! Each trial the reward is hidden in the left or right arm; a cue (right 95 % of the time)
//! tells which. The agent plans three moves ahead, so it goes to the cue first, then to the
//! arm the cue points to. Prints every step of the first trials, then the reward rate.
//!
//! `cargo run --release --example tmaze [trials]`

use actinf::envs::Env;
use actinf::envs::tmaze::{
    self, CUE_NAMES, LOCATION_NAMES, REWARD_NAMES, TMaze, TMazeEnv, TMazeParams,
};
use actinf::{Agent, Config};
use rand::{SeedableRng, rngs::SmallRng};

fn main() -> Result<(), actinf::Error> {
    let trials: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let params = TMazeParams::default();
    // 5 locations to go to, policies of 3 moves: 5^3 = 125 policies, one agent.
    let agent = Agent::<f64, TMaze, 3, 125>::new(tmaze::model(params)?, Config::default())?;
    let env = TMazeEnv::<f64>::new(params, None)?;
    let mut rng = SmallRng::seed_from_u64(7);
    let (mut rewards, mut punishments) = (0, 0);

    for trial in 0..trials {
        let verbose = trial < 2;
        let (mut state, mut obs) = env.reset(&mut rng);
        let mut prior = agent.initial_prior();
        if verbose {
            let side = if state[1] == 0 { "left" } else { "right" };
            println!("── trial {trial}: reward in the {side} arm ──");
        }
        for t in 0..6 {
            let qs = agent.infer_states(&[obs], &prior)?;
            let (q_pi, _neg_efe) = agent.infer_policies(&qs)?;
            let action = agent.sample_action(&q_pi, &mut rng)?;
            if verbose {
                let best = actinf::action::argmax(q_pi[0].as_slice());
                let ctx = qs[0].factor(1);
                println!(
                    "t={t}  sees {:<6} {:<10} {:<9} | believes reward left {:.2} right {:.2} | \
                     best policy {:?} (q={:.3}) | goes to {}",
                    LOCATION_NAMES[obs[0]],
                    REWARD_NAMES[obs[1]],
                    CUE_NAMES[obs[2]],
                    ctx[0],
                    ctx[1],
                    agent.policies().get(best).map(|a| LOCATION_NAMES[a[0]]),
                    q_pi[0][best],
                    LOCATION_NAMES[action[0][0]],
                );
            }
            prior = agent.update_empirical_prior(&action, &qs)?;
            obs = env.step(&mut state, &action[0], &mut rng)?;
            match obs[1] {
                1 => {
                    rewards += 1;
                    if verbose {
                        println!("      → reward in the {} arm", LOCATION_NAMES[obs[0]]);
                    }
                    break;
                }
                2 => {
                    punishments += 1;
                    if verbose {
                        println!("      → punished in the {} arm", LOCATION_NAMES[obs[0]]);
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    println!(
        "\n{trials} trials: {rewards} rewarded ({:.1} %), {punishments} punished",
        100.0 * rewards as f64 / trials as f64
    );
    Ok(())
}
