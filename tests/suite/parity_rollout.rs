//! Replay parity with pymdp's `rollout`: the recorded episodes (`episode_tmaze`,
//! `episode_gridworld_3x3`, pymdp 1.0.4, float64) replayed through
//! [`Workspace::replay`](actinf::rollout::Workspace::replay): at every step the beliefs, `q_π`
//! and neg EFE equal pymdp's within 1e-10 and the chosen action exactly; in f32 within
//! `TOL_F32` (≤ 3e-6), with the same actions. Observations come
//! from the recording (pymdp sampled them with JAX's generator, which a port cannot
//! reproduce).
//!
//! Also: the T-maze the fixture's environment built equals `envs::tmaze::model` tensor for
//! tensor, and a rollout in the environment itself behaves as the replay does.

use crate::common;

use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
use actinf::rollout::{InferPolicies, Workspace};
use actinf::spec::{self, Spec};
use actinf::{Agent, Config, Model, Real, Shared};
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
    model_in::<f64, S>(fx)
}

/// [`model`] in `T` (the fixture's float64 values rounded).
fn model_in<T: Real, S: Spec>(fx: &Value) -> Model<T, S> {
    let cat = |key: &str| -> Vec<T> {
        at(fx, key)
            .as_array()
            .expect("list")
            .iter()
            .flat_map(data)
            .map(T::lit)
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

fn close<T: Real>(got: &[T], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let g = g.as_f64();
        assert!((g - w).abs() <= tol, "{what}[{i}]: {g} vs pymdp {w}");
    }
}

/// Absolute tolerances of a replay: beliefs, `q_pi`, `neg_efe`.
#[derive(Clone, Copy)]
struct Tol {
    qs: f64,
    q_pi: f64,
    neg_efe: f64,
}

/// float64: pymdp's own arithmetic, to rounding.
const TOL_F64: Tol = Tol {
    qs: 1e-10,
    q_pi: 1e-10,
    neg_efe: 1e-10,
};

/// f32, every fixture input rounded to f32 (~6e-8 relative) and the rounding carried over
/// the episode through the empirical prior. Largest errors observed over both episodes:
/// beliefs 1.2e-8 (the grid's beliefs are one-hot: 2e-37), `q_pi` 4.6e-8 (1.2e-6 relative),
/// `neg_efe` 6.2e-7 (grid, |neg_efe| ≈ 9, 7e-8 relative; the T-maze has entries near 0,
/// so the bound is absolute). The tolerances leave a factor ~5.
const TOL_F32: Tol = Tol {
    qs: 1e-7,
    q_pi: 2e-7,
    neg_efe: 3e-6,
};

/// Replays `name` with an agent of policy length `L` (`NP` policies) and checks every step.
///
/// Actions: equal to pymdp's at every step. The fixture records each step's
/// `decision_margin` (the best policy's `q_pi` minus the runner-up's) and whether the choice
/// was an exact tie (broken towards the lowest index); every decided step has a margin of at
/// least 7.6e-3, far above the f32 errors; at the tied steps (the T-maze's last 4, the
/// grid's last 2) f32 also picks pymdp's action, which this test checks too.
fn replay_matches<T: Real, S: Spec, const L: usize, const NP: usize>(name: &str, tol: Tol) {
    let fx = load(name);
    let mut agent = Agent::<T, S, L, NP>::new(model_in::<T, S>(&fx), Config::default()).unwrap();
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

    let mut work = Workspace::<T, S, NP, 1, 2, ()>::new();
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
                tol.qs,
                &format!("{what} qs"),
            );
            close(
                step.q_pi[0].as_slice(),
                &data(&want["q_pi"]),
                tol.q_pi,
                &format!("{what} q_pi"),
            );
            close(
                step.neg_efe[0].as_slice(),
                &data(&want["neg_efe"]),
                tol.neg_efe,
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
    replay_matches::<f64, TMaze, 3, 125>("episode_tmaze", TOL_F64);
}

#[test]
fn episode_tmaze_replays_in_f32() {
    replay_matches::<f32, TMaze, 3, 125>("episode_tmaze", TOL_F32);
}

#[test]
fn episode_gridworld_3x3_replays_exactly() {
    replay_matches::<f64, Grid3, 2, 25>("episode_gridworld_3x3", TOL_F64);
}

#[test]
fn episode_gridworld_3x3_replays_in_f32() {
    replay_matches::<f32, Grid3, 2, 25>("episode_gridworld_3x3", TOL_F32);
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
    rollout_follows_the_recorded_path::<f64>();
}

/// The same in f32: agent and environment in single precision, same seed, same path.
#[test]
fn rollout_in_the_environment_follows_the_recorded_path_f32() {
    rollout_follows_the_recorded_path::<f32>();
}

fn rollout_follows_the_recorded_path<T: Real>() {
    let fx = load("episode_tmaze");
    let mut agent =
        Agent::<T, TMaze, 3, 125>::new(model_in::<T, TMaze>(&fx), Config::default()).unwrap();
    let env = TMazeEnv::<T>::new(TMazeParams::default(), Some(1)).unwrap();
    let mut work = Workspace::<T, TMaze, 125, 1, 2, [usize; 2]>::new();
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
