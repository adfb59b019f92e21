//! The bad-input table (README "Bad input"): every public entry point that takes runtime data
//! answers each class of bad input — not normalised, negative, NaN/Inf, zero total mass, index
//! out of range, wrong length — with a typed error naming the tensor or argument and the
//! value, never a panic or a silent NaN. One row per (entry point, class); the message is
//! checked to contain the offending value.

use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
use actinf::envs::{Env, ModelEnv};
use actinf::learn::{self, Forgetting, Learning};
use actinf::rollout::{InferPolicies, Workspace};
use actinf::{
    Agent, Belief, Categorical, Config, DirichletA, DirichletB, DirichletD, Error, Model, Tensor,
    list,
};
use rand::{SeedableRng, rngs::SmallRng};

actinf::model! {
    /// A lamp seen through a noisy sensor.
    pub Lamp {
        factors { Light: 2 controlled_by 2 }
        modalities { Sensor: 3 depends_on [Light] }
    }
}

const A: [[f64; 2]; 3] = [[0.8, 0.1], [0.1, 0.1], [0.1, 0.8]];
const B: [[[f64; 2]; 2]; 2] = [[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]];

fn model() -> Model<f64, Lamp> {
    Model::new(
        &list![A],
        &list![B],
        &list![[0.0, 0.0, 1.0]],
        &list![[0.5, 0.5]],
    )
    .unwrap()
}

/// One row: what was called, the expected tensor and problem class, and a piece of the
/// message that must appear (the value).
fn row(
    what: &str,
    got: Result<impl core::fmt::Debug, Error>,
    tensor: Tensor,
    class: &str,
    shows: &str,
) {
    let e = match got {
        Ok(v) => panic!("{what}: accepted ({v:?})"),
        Err(e) => e,
    };
    assert_eq!(e.tensor, tensor, "{what}: {e}");
    let name = format!("{:?}", e.problem);
    assert!(
        name.starts_with(class),
        "{what}: expected {class}, got {name} ({e})"
    );
    let msg = e.to_string();
    assert!(
        msg.contains(shows),
        "{what}: message `{msg}` does not show `{shows}`"
    );
}

#[test]
fn model_construction() {
    let mut a = A;
    a[0][0] = 0.7;
    row(
        "Model::new, A column sums to 0.9",
        Model::<f64, Lamp>::new(&list![a], &list![B], &list![[0.0; 3]], &list![[0.5, 0.5]]),
        Tensor::A,
        "NotNormalised",
        "sums to 0.8999",
    );
    let mut a = A;
    a[0][0] = -0.1;
    a[1][0] = 1.0;
    row(
        "Model::new, negative A",
        Model::<f64, Lamp>::new(&list![a], &list![B], &list![[0.0; 3]], &list![[0.5, 0.5]]),
        Tensor::A,
        "Negative",
        "-0.1",
    );
    let mut b = B;
    b[0][0][0] = f64::NAN;
    row(
        "Model::new, NaN in B",
        Model::<f64, Lamp>::new(&list![A], &list![b], &list![[0.0; 3]], &list![[0.5, 0.5]]),
        Tensor::B,
        "NotFinite",
        "NaN",
    );
    row(
        "Model::new, infinite C",
        Model::<f64, Lamp>::new(
            &list![A],
            &list![B],
            &list![[0.0, f64::INFINITY, 0.0]],
            &list![[0.5, 0.5]],
        ),
        Tensor::C,
        "NotFinite",
        "inf",
    );
    row(
        "Model::new, D sums to 0",
        Model::<f64, Lamp>::new(&list![A], &list![B], &list![[0.0; 3]], &list![[0.0, 0.0]]),
        Tensor::D,
        "NotNormalised",
        "0",
    );
    row(
        "Model::from_slices, A too short",
        Model::<f64, Lamp>::from_slices(&[0.5; 5], &[0.0; 8], &[0.0; 3], &[0.5; 2]),
        Tensor::A,
        "WrongLength",
        "5",
    );
}

#[test]
fn observations_and_actions() {
    let agent = Agent::<f64, Lamp, 1, 2>::new(model(), Config::default()).unwrap();
    let prior = agent.initial_prior();
    row(
        "infer_states, sensor reading 3 of 3",
        agent.infer_states(&[[3]], &prior),
        Tensor::Observation,
        "OutOfRange",
        "3",
    );
    let cat = Categorical::<f64, Lamp>::from_slice(&[0.5, 0.6, 0.0]);
    row(
        "Categorical, sums to 1.1",
        cat,
        Tensor::Observation,
        "NotNormalised",
        "1.1",
    );
    let cat = Categorical::<f64, Lamp>::from_slice(&[0.5, f64::NAN, 0.5]);
    row(
        "Categorical, NaN",
        cat,
        Tensor::Observation,
        "NotFinite",
        "NaN",
    );
    let cat = Categorical::<f64, Lamp>::from_slice(&[0.5, 0.5]);
    row(
        "Categorical, wrong length",
        cat,
        Tensor::Observation,
        "WrongLength",
        "2",
    );
    let qs = agent.infer_states(&[[0]], &prior).unwrap();
    row(
        "update_empirical_prior, action 2 of 2",
        agent.update_empirical_prior(&[[2]], &qs),
        Tensor::B,
        "OutOfRange",
        "2",
    );
    let q_nan = Belief::<f64, Lamp>::from_slice(&[f64::NAN, 0.5]);
    row("Belief, NaN", q_nan, Tensor::Belief, "NotFinite", "NaN");
    let bad_prior = Belief::<f64, Lamp>::from_slice(&[0.5, -0.5]);
    row(
        "Belief, negative",
        bad_prior,
        Tensor::Belief,
        "Negative",
        "-0.5",
    );
    let env = ModelEnv::new(model());
    let mut rng = SmallRng::seed_from_u64(0);
    let (mut s, _) = env.reset(&mut rng);
    row(
        "Env::step, action 5",
        env.step(&mut s, &[5], &mut rng),
        Tensor::B,
        "OutOfRange",
        "5",
    );
    let mut agent3 = Agent::<f64, TMaze, 3, 125>::new(
        tmaze::model(TMazeParams::default()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let mut work = Workspace::<f64, TMaze, 125, 1, 2, ()>::new();
    row(
        "replay, cue reading 9",
        work.replay(
            &mut agent3,
            &[[[0, 0, 9]]],
            &mut InferPolicies,
            None,
            &mut |_| Ok(()),
            &mut rng,
        ),
        Tensor::Observation,
        "OutOfRange",
        "9",
    );
    row(
        "TMazeEnv, reward condition 2",
        TMazeEnv::<f64>::new(TMazeParams::default(), Some(2)),
        Tensor::D,
        "OutOfRange",
        "2",
    );
}

#[test]
fn precisions_and_rates() {
    row(
        "Config, γ = NaN",
        Agent::<f64, Lamp, 1, 2>::new(model(), Config::default().gamma(f64::NAN)),
        Tensor::Hyperparameter,
        "NotFinite",
        "NaN",
    );
    row(
        "Config, α = −1",
        Agent::<f64, Lamp, 1, 2>::new(model(), Config::default().alpha(-1.0)),
        Tensor::Hyperparameter,
        "Negative",
        "-1",
    );
    row(
        "Learning, lr_A = −0.5",
        Learning::<f64>::new(-0.5, 1.0).check(),
        Tensor::Hyperparameter,
        "Negative",
        "-0.5",
    );
    row(
        "Learning, lr_B = inf",
        Learning::<f64>::new(1.0, f64::INFINITY).check(),
        Tensor::Hyperparameter,
        "NotFinite",
        "inf",
    );
    row(
        "Learning, forgetting rate 1.5",
        Learning::<f64>::new(1.0, 1.0)
            .forgetting(Forgetting::Decay { rate: 1.5 })
            .check(),
        Tensor::Hyperparameter,
        "NotARate",
        "1.5",
    );
    row(
        "Learning, forgetting rate NaN",
        Learning::<f64>::new(1.0, 1.0)
            .forgetting(Forgetting::Decay { rate: f64::NAN })
            .check(),
        Tensor::Hyperparameter,
        "NotARate",
        "NaN",
    );
}

#[test]
fn dirichlet_counts() {
    row(
        "DirichletA, negative count",
        DirichletA::<f64, Lamp>::new(&list![[[1.0, 1.0], [-2.0, 1.0], [1.0, 1.0]]]),
        Tensor::PA,
        "Negative",
        "-2",
    );
    row(
        "DirichletA, NaN count",
        DirichletA::<f64, Lamp>::new(&list![[[1.0, 1.0], [f64::NAN, 1.0], [1.0, 1.0]]]),
        Tensor::PA,
        "NotFinite",
        "NaN",
    );
    row(
        "DirichletA::from_slice, wrong length",
        DirichletA::<f64, Lamp>::from_slice(&[1.0; 5]),
        Tensor::PA,
        "WrongLength",
        "5",
    );
    row(
        "DirichletB, inf count",
        DirichletB::<f64, Lamp>::new(&list![[
            [[1.0, 1.0], [1.0, f64::INFINITY]],
            [[1.0, 1.0], [1.0, 1.0]]
        ]]),
        Tensor::PB,
        "NotFinite",
        "inf",
    );
    row(
        "DirichletD, negative",
        DirichletD::<f64, Lamp>::new(&list![[1.0, -3.0]]),
        Tensor::PD,
        "Negative",
        "-3",
    );
    // A count update that would leave a column without mass (structural zeros kept).
    let mut pa = DirichletA::<f64, Lamp>::from_slice(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0]).unwrap();
    let q = Belief::<f64, Lamp>::from_slice(&[1.0, 0.0]).unwrap();
    row(
        "count_a, rate NaN",
        learn::count_a(&mut pa, &[0], &q, f64::NAN, &Learning::new(1.0, 1.0)),
        Tensor::Hyperparameter,
        "NotFinite",
        "NaN",
    );
    row(
        "count_a, observation 3",
        learn::count_a(&mut pa, &[3], &q, 1.0, &Learning::new(1.0, 1.0)),
        Tensor::Observation,
        "OutOfRange",
        "3",
    );
}

/// Extreme but valid: exact zeros in `A` and `B`, |C| = 1e4, γ = α = 1e6, near-deterministic
/// `B` — finite, normalised outputs in f32 and f64.
fn extreme<T: actinf::Real>() {
    let z = T::ZERO;
    let one = T::ONE;
    let eps = T::lit(1e-6);
    let a = [[one, z], [z, z], [z, one]];
    let b = [[[one - eps, eps], [one, z]], [[eps, one - eps], [z, one]]];
    let model = Model::<T, Lamp>::new(
        &list![a],
        &list![b],
        &list![[T::lit(-1e4), z, T::lit(1e4)]],
        &list![[T::lit(0.5), T::lit(0.5)]],
    )
    .unwrap();
    let agent =
        Agent::<T, Lamp, 3, 8>::new(model, Config::default().gamma(1e6).alpha(1e6)).unwrap();
    let mut prior = agent.initial_prior();
    let mut rng = SmallRng::seed_from_u64(4);
    for obs in [0, 2, 1, 0, 2] {
        let qs = agent.infer_states(&[[obs]], &prior).unwrap();
        let q = qs[0].as_slice();
        assert!(q.iter().all(|x| x.is_finite()));
        let total: T = q.iter().copied().fold(z, |s, x| s + x);
        assert!((total - one).abs() < T::lit(1e-4));
        let (q_pi, neg_efe) = agent.infer_policies(&qs).unwrap();
        assert!(q_pi[0].iter().all(|x| x.is_finite()) && neg_efe[0].iter().all(|x| x.is_finite()));
        assert!((q_pi[0].sum() - one).abs() < T::lit(1e-4));
        let action = agent.sample_action(&q_pi, &mut rng).unwrap();
        prior = agent.update_empirical_prior(&action, &qs).unwrap();
    }
}

#[test]
fn extreme_but_valid_inputs_give_finite_normalised_outputs() {
    extreme::<f64>();
    extreme::<f32>();
}
