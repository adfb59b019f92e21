//! The `parallel` feature: batched steps spread over the cores compute exactly what the
//! sequential methods compute, and report the lowest failing agent.
//! Run with `cargo test --features parallel --test parallel` (`.ci/run` does).
#![cfg(feature = "parallel")]

use actinf::batch;
use actinf::envs::tmaze::{self, TMaze, TMazeParams};
use actinf::{Agent, Belief, Config, Problem, Tensor};
use nalgebra::SVector;

const B: usize = 256;
type A = Agent<f64, TMaze, 3, 125, B>;

fn agent() -> A {
    A::new(
        tmaze::model(TMazeParams::default()).unwrap(),
        Config::default(),
    )
    .unwrap()
}

#[test]
fn parallel_batch_equals_sequential_bit_for_bit() {
    let agent = agent();
    let obs = batch::boxed_from_fn::<[usize; 3], B>(|b| [b % 5, (b / 5) % 3, (b / 15) % 3]);
    let prior = batch::boxed_from_fn::<Belief<f64, TMaze>, B>(|_| *agent.model(0).d());
    let (mut q1, mut q2) = (
        batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO),
        batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO),
    );
    agent.infer_states_into(&obs, &prior, &mut q1).unwrap();
    agent
        .infer_states_parallel_into(&obs, &prior, &mut q2)
        .unwrap();
    assert_eq!(q1, q2);
    let z = SVector::<f64, 125>::zeros();
    let (mut p1, mut g1) = (batch::boxed::<_, B>(z), batch::boxed::<_, B>(z));
    let (mut p2, mut g2) = (batch::boxed::<_, B>(z), batch::boxed::<_, B>(z));
    agent.infer_policies_into(&q1, &mut p1, &mut g1).unwrap();
    agent
        .infer_policies_parallel_into(&q1, &mut p2, &mut g2)
        .unwrap();
    assert_eq!(p1, p2);
    assert_eq!(g1, g2);
    let actions = batch::boxed_from_fn::<[usize; 2], B>(|b| [b % 5, 0]);
    let (mut n1, mut n2) = (
        batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO),
        batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO),
    );
    agent
        .update_empirical_prior_into(&actions, &q1, &mut n1)
        .unwrap();
    agent
        .update_empirical_prior_parallel_into(&actions, &q1, &mut n2)
        .unwrap();
    assert_eq!(n1, n2);
}

#[test]
fn parallel_errors_name_the_lowest_failing_agent() {
    let agent = agent();
    let mut obs = batch::boxed::<[usize; 3], B>([0, 0, 0]);
    obs[200] = [9, 0, 0];
    obs[201] = [9, 0, 0];
    let prior = batch::boxed_from_fn::<Belief<f64, TMaze>, B>(|_| *agent.model(0).d());
    let mut out = batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO);
    let e = agent
        .infer_states_parallel_into(&obs, &prior, &mut out)
        .unwrap_err();
    assert_eq!(e.agent, Some(200));
    assert_eq!(e.tensor, Tensor::Observation);
    assert!(matches!(
        e.problem,
        Problem::OutOfRange { value: 9, len: 5 }
    ));
}
