//! The rollout loop: sequence agents get pymdp's window handling (checked against a plain
//! hand-written loop on the same observations), batches of environments (shared and per
//! agent), online learning, and bad input as typed errors.

use actinf::envs::Env;
use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
use actinf::error::{Problem, Tensor};
use actinf::inference::{Mmp, Window};
use actinf::learn::Learning;
use actinf::rollout::{InferPolicies, Online, Workspace};
use actinf::{Agent, Config, DirichletA, Shared};
use rand::{SeedableRng, rngs::SmallRng};

fn agent() -> Agent<f64, TMaze, 3, 125> {
    Agent::new(
        tmaze::model(TMazeParams::default()).unwrap(),
        Config::default(),
    )
    .unwrap()
}

/// An MMP agent over a window of 4 steps, 9 decisions: the window fills, then shifts (its
/// prior becomes `B(a)·q` of the dropped step). The rollout's beliefs, `q_π` and actions equal
/// a plain loop over the same observations, bit for bit.
#[test]
fn sequence_agent_rollout_equals_the_plain_loop() {
    let mut agent = agent().with_method::<Mmp<4>>();
    let env = TMazeEnv::<f64>::new(TMazeParams::default(), Some(0)).unwrap();
    let mut work = Workspace::<f64, TMaze, 125, 1, 4, [usize; 2]>::new();
    let mut record = Vec::new();
    work.rollout::<9>(
        &mut agent,
        &Shared(&env),
        &mut |step| {
            record.push((
                step.observations[0],
                *step.beliefs(0),
                step.q_pi[0],
                step.actions[0],
                step.windows[0].start(),
            ));
            Ok(())
        },
        &mut SmallRng::seed_from_u64(11),
    )
    .unwrap();
    assert_eq!(record.len(), 9);
    assert_eq!(record[8].4, 0, "the window is full by the end");

    let mut windows: [Window<f64, TMaze, 4>; 1] = agent.initial_windows();
    for (t, (obs, q, q_pi, action, _)) in record.iter().enumerate() {
        agent.observe(&mut windows, &[*obs]).unwrap();
        agent.infer_states(&mut windows).unwrap();
        assert_eq!(windows[0].latest(), q, "step {t}: beliefs");
        let (want_q_pi, _) = agent.infer_policies(&windows).unwrap();
        assert_eq!(&want_q_pi[0], q_pi, "step {t}: q_pi");
        let want = agent
            .sample_action(&want_q_pi, &mut SmallRng::seed_from_u64(0))
            .unwrap();
        assert_eq!(&want[0], action, "step {t}: action");
        agent.act(&mut windows, &want).unwrap();
    }
}

/// Three agents, one environment each (rewards left, right, left): each ends in its own
/// rewarded arm. The same with one shared environment: every agent has its own state.
#[test]
fn batches_of_environments() {
    let model = tmaze::model::<f64>(TMazeParams::default()).unwrap();
    let mut agents = Agent::<f64, TMaze, 3, 125, 3>::new(model, Config::default()).unwrap();
    let p = TMazeParams {
        cue_validity: 1.0,
        ..TMazeParams::default()
    };
    let envs = [
        TMazeEnv::<f64>::new(p, Some(0)).unwrap(),
        TMazeEnv::<f64>::new(p, Some(1)).unwrap(),
        TMazeEnv::<f64>::new(p, Some(0)).unwrap(),
    ];
    let mut work = Workspace::<f64, TMaze, 125, 3, 2, [usize; 2]>::new();
    let mut rng = SmallRng::seed_from_u64(1);
    work.rollout::<6>(&mut agents, &envs, &mut |_| Ok(()), &mut rng)
        .unwrap();
    let arms: Vec<usize> = work.states.iter().map(|s| s[0]).collect();
    assert_eq!(arms, [tmaze::LEFT, tmaze::RIGHT, tmaze::LEFT]);

    let shared = TMazeEnv::<f64>::new(p, None).unwrap();
    work.rollout::<6>(&mut agents, &Shared(&shared), &mut |_| Ok(()), &mut rng)
        .unwrap();
    for s in &work.states {
        assert_eq!(
            s[0],
            s[1] + 1,
            "each agent found its own context's arm: {s:?}"
        );
    }
}

/// Online learning in the loop changes the agent's `A` toward what it saw; counts of the wrong
/// number, an observation out of range in a replay, and a recorder's error come back as
/// typed errors with the agent's index where there is one.
#[test]
fn online_learning_and_errors() {
    let mut agents = Agent::<f64, TMaze, 3, 125, 2>::new(
        tmaze::model(TMazeParams::default()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let flat = DirichletA::<f64, TMaze>::from_slice(
        &agents
            .model(0)
            .a()
            .iter()
            .map(|&x| x + 1.0)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let env = TMazeEnv::<f64>::new(TMazeParams::default(), None).unwrap();
    let mut work = Workspace::<f64, TMaze, 125, 2, 2, [usize; 2]>::new();
    let mut rng = SmallRng::seed_from_u64(2);

    let mut three = [flat, flat, flat];
    let mut online = Online {
        pa: Some(&mut three[..]),
        pb: None,
        rule: Learning::new(1.0, 0.0),
    };
    let e = work
        .rollout_with::<4>(
            &mut agents,
            &Shared(&env),
            &mut InferPolicies,
            Some(&mut online),
            &mut |_| Ok(()),
            &mut rng,
        )
        .unwrap_err();
    assert_eq!(e.tensor, Tensor::PA);
    assert_eq!(
        e.problem,
        Problem::WrongLength {
            expected: 2,
            found: 3
        }
    );

    let mut two = [flat, flat];
    let before = agents.model(1).a().to_vec();
    let mut online = Online {
        pa: Some(&mut two[..]),
        pb: None,
        rule: Learning::new(1.0, 0.0),
    };
    work.rollout_with::<4>(
        &mut agents,
        &Shared(&env),
        &mut InferPolicies,
        Some(&mut online),
        &mut |_| Ok(()),
        &mut rng,
    )
    .unwrap();
    assert_ne!(agents.model(1).a(), &before[..], "agent 1 learned");
    assert!(two[1].as_slice().iter().sum::<f64>() > flat.as_slice().iter().sum::<f64>() + 3.9);

    // A replay with an observation out of range: the agent's typed error, naming agent 1.
    let mut work = Workspace::<f64, TMaze, 125, 2, 2, ()>::new();
    let obs = [[[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 7, 0]]];
    let e = work
        .replay(
            &mut agents,
            &obs,
            &mut InferPolicies,
            None,
            &mut |_| Ok(()),
            &mut rng,
        )
        .unwrap_err();
    assert_eq!((e.tensor, e.agent), (Tensor::Observation, Some(1)));
    assert!(matches!(
        e.problem,
        Problem::OutOfRange { value: 7, len: 3 }
    ));

    // The recorder's error stops the loop and comes back unchanged.
    let stop = actinf::Error {
        tensor: Tensor::Hyperparameter,
        index: 0,
        name: "enough",
        entry: actinf::error::Entry::at(0),
        agent: None,
        problem: Problem::Missing,
    };
    let mut calls = 0;
    let e = work
        .replay(
            &mut agents,
            &obs[..1],
            &mut InferPolicies,
            None,
            &mut |_| {
                calls += 1;
                Err(stop)
            },
            &mut rng,
        )
        .unwrap_err();
    assert_eq!((e, calls), (stop, 1));
}

/// An environment rejects an action outside the model (no panic, nothing changes).
#[test]
fn environment_rejects_bad_actions() {
    let env = TMazeEnv::<f64>::new(TMazeParams::default(), Some(0)).unwrap();
    let mut rng = SmallRng::seed_from_u64(0);
    let (mut state, _) = env.reset(&mut rng);
    let before = state;
    let e = env.step(&mut state, &[5, 0], &mut rng).unwrap_err();
    assert!(matches!(
        e.problem,
        Problem::OutOfRange { value: 5, len: 5 }
    ));
    assert_eq!(state, before);
    assert!(env.step(&mut state, &[0, 1], &mut rng).is_err());
    assert!(TMazeEnv::<f64>::new(TMazeParams::default(), Some(2)).is_err());
}
