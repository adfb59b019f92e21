//! Replay parity with pymdp's `rollout`: the recorded episodes (`episode_tmaze`,
//! `episode_gridworld_3x3`, pymdp 1.0.4, float64) replayed through
//! [`Workspace::replay`](actinf::rollout::Workspace::replay): at every step the beliefs, `q_π`
//! and neg EFE equal pymdp's within 1e-10 and the chosen action exactly. Observations come
//! from the recording (pymdp sampled them with JAX's generator, which a port cannot
//! reproduce).
//!
//! Also: the T-maze the fixture's environment built equals `envs::tmaze::model` tensor for
//! tensor, and a rollout in the environment itself behaves as the replay does.

mod common;

use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
use actinf::rollout::{InferPolicies, Workspace};
use actinf::spec::{self, Spec};
use actinf::{Agent, Config, Model, Shared};
use common::{at, data, load, usizes};
use rand::{SeedableRng, rngs::SmallRng};
use serde_json::Value;

actinf::model! {
    /// pymdp's `GridWorld(shape=(3, 3), include_stay=True)`: 9 cells, UP/RIGHT/DOWN/LEFT/STAY.
    pub Grid3 {
        factors { Cell: 9 controlled_by 5 }
        modalities { Seen: 9 depends_on [Cell] }
    }
}

/// The agent's model from the fixture's `A`, `B`, `C`, `D`.
fn model<S: Spec>(fx: &Value) -> Model<f64, S> {
    let cat = |key: &str| -> Vec<f64> {
        at(fx, key)
            .as_array()
            .expect("list")
            .iter()
            .flat_map(data)
            .collect()
    };
    Model::from_slices(
        &cat("inputs/A"),
        &cat("inputs/B"),
        &cat("inputs/C"),
        &cat("inputs/D"),
    )
    .expect("fixture model")
}

fn close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}[{i}]: {g} vs pymdp {w}");
    }
}

/// Replays `name` with an agent of policy length `L` (`NP` policies) and checks every step.
fn replay_matches<S: Spec, const L: usize, const NP: usize>(name: &str) {
    let fx = load(name);
    let mut agent = Agent::<f64, S, L, NP>::new(model::<S>(&fx), Config::default()).unwrap();
    // The policy table is pymdp's, in its order.
    let table: Vec<usize> = data(at(&fx, "inputs/policies"))
        .iter()
        .map(|&x| x as usize)
        .collect();
    let ours: Vec<usize> = agent
        .policies()
        .iter()
        .flat_map(|p| p.into_iter().flat_map(|a| a.as_ref().to_vec()))
        .collect();
    assert_eq!(ours, table, "{name}: policy table");

    let steps = at(&fx, "outputs/steps").as_array().unwrap();
    let nm = spec::num_modalities::<S>();
    let observations: Vec<[S::Observation; 1]> = steps
        .iter()
        .map(|s| {
            let mut o = <S::Observation as actinf::spec::IndexArray>::ZEROS;
            o.as_mut().copy_from_slice(&usizes(&s["observation"])[..nm]);
            [o]
        })
        .collect();

    let mut work = Workspace::<f64, S, NP, 1, 2, ()>::new();
    let mut seen = 0;
    work.replay(
        &mut agent,
        &observations,
        &mut InferPolicies,
        None,
        &mut |step| {
            let want = &steps[step.t];
            let what = format!("{name} step {}", step.t);
            let qs: Vec<f64> = want["qs"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(data)
                .collect();
            close(
                step.beliefs(0).as_slice(),
                &qs,
                1e-10,
                &format!("{what} qs"),
            );
            close(
                step.q_pi[0].as_slice(),
                &data(&want["q_pi"]),
                1e-10,
                &format!("{what} q_pi"),
            );
            close(
                step.neg_efe[0].as_slice(),
                &data(&want["neg_efe"]),
                1e-10,
                &format!("{what} neg_efe"),
            );
            assert_eq!(
                step.actions[0].as_ref(),
                usizes(&want["action"]),
                "{what} action"
            );
            seen += 1;
            Ok(())
        },
        &mut SmallRng::seed_from_u64(0),
    )
    .unwrap();
    assert_eq!(seen, steps.len(), "{name}: every recorded step replayed");
}

#[test]
fn episode_tmaze_replays_exactly() {
    replay_matches::<TMaze, 3, 125>("episode_tmaze");
}

#[test]
fn episode_gridworld_3x3_replays_exactly() {
    replay_matches::<Grid3, 2, 25>("episode_gridworld_3x3");
}

#[test]
fn tmaze_environment_is_pymdps() {
    let fx = load("episode_tmaze");
    let theirs = model::<TMaze>(&fx);
    let ours = tmaze::model::<f64>(TMazeParams::default()).unwrap();
    assert_eq!(ours.a(), theirs.a(), "A");
    assert_eq!(ours.b(), theirs.b(), "B");
    assert_eq!(ours.c(), theirs.c(), "C (the demo's preferences)");
    assert_eq!(ours.d().as_slice(), theirs.d().as_slice(), "D");
}

/// In the environment itself (reward on the right, as in the fixture), the agent makes the
/// recorded moves: to the cue, back to the centre, the middle, the right arm, and stays. The
/// cue is sampled here, so this holds when it tells the truth (95 %; this seed does).
#[test]
fn rollout_in_the_environment_follows_the_recorded_path() {
    let fx = load("episode_tmaze");
    let mut agent = Agent::<f64, TMaze, 3, 125>::new(model(&fx), Config::default()).unwrap();
    let env = TMazeEnv::<f64>::new(TMazeParams::default(), Some(1)).unwrap();
    let mut work = Workspace::<f64, TMaze, 125, 1, 2, [usize; 2]>::new();
    let mut path = Vec::new();
    let mut actions = Vec::new();
    work.rollout::<8>(
        &mut agent,
        &Shared(&env),
        &mut |step| {
            path.push(step.states.unwrap()[0]);
            actions.push(step.actions[0]);
            Ok(())
        },
        &mut SmallRng::seed_from_u64(3),
    )
    .unwrap();
    let steps = at(&fx, "outputs/steps").as_array().unwrap();
    let want_states: Vec<[usize; 2]> = steps
        .iter()
        .map(|s| usizes(&s["env_state"]).try_into().unwrap())
        .collect();
    let want_actions: Vec<[usize; 2]> = steps
        .iter()
        .map(|s| usizes(&s["action"]).try_into().unwrap())
        .collect();
    assert_eq!(path, want_states);
    assert_eq!(actions, want_actions);
}
