//! What a new user ran into (issue #13 item 10).

use actinf::config::Config;
use actinf::error::{Problem, Tensor};
use actinf::nalgebra::SVector;
use actinf::{Agent, Belief, Beliefs, DirichletA, DirichletB, DirichletD, Model, list};

actinf::model! {
    /// Two places, a bit.
    pub Coin {
        factors {
            Side: 2 controlled_by 2,
        }
        modalities {
            Seen: 2 depends_on [Side],
        }
    }
}

const NP: usize = actinf::spec::num_policies::<Coin>(1);

fn coin() -> Model<f64, Coin> {
    Model::new(
        &list![[[0.9, 0.1], [0.1, 0.9]]],
        &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
        &list![[1.0, 0.0]],
        &list![[0.5, 0.5]],
    )
    .unwrap()
}

#[test]
fn all_zero_concentration_is_rejected() {
    let e = DirichletA::<f64, Coin>::new(&list![[[0.0, 1.0], [0.0, 1.0]]]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletA::<f64, Coin>::from_slice(&[0.0, 1.0, 0.0, 1.0]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e =
        DirichletB::<f64, Coin>::new(&list![[[[0.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]])
            .unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletD::<f64, Coin>::new(&list![[0.0, 0.0]]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletD::<f64, Coin>::from_slice(&[0.0, 0.0]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    assert!(DirichletD::<f64, Coin>::new(&list![[0.0, 1.0]]).is_ok());
}

#[test]
fn concentration_whose_sum_overflows_is_rejected() {
    // f64: the sum overflows f64.
    let e = DirichletA::<f64, Coin>::new(&list![[[1e308, 1.0], [1e308, 1.0]]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
    // f32: the sum is finite in f64 but not in f32, where the column is normalised.
    let e = DirichletA::<f32, Coin>::new(&list![[[3e38, 1.0], [3e38, 1.0]]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
    let e = DirichletD::<f32, Coin>::new(&list![[3e38, 3e38]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
}

#[test]
fn preferences_near_the_float_limit_are_an_error_not_nan() {
    let m = coin().with_all_c(&list![[f64::MAX, -f64::MAX]]).unwrap();
    const NP2: usize = actinf::spec::num_policies::<Coin>(2);
    let agent = Agent::<f64, Coin, 2, NP2>::new(m, Config::default()).unwrap();
    let q = Beliefs::splat(Belief::uniform());
    let e = agent.infer_policies(&q).unwrap_err();
    assert_eq!(e.tensor, Tensor::NegEfe, "{e}");
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
    assert!(e.to_string().starts_with("agent 0: neg_efe: entry"), "{e}");
    let e = agent.efe_terms(0, &Belief::uniform()).unwrap_err();
    assert_eq!(e.tensor, Tensor::NegEfe, "{e}");
}

#[test]
fn nan_beliefs_and_policy_posteriors_are_errors() {
    let agent = Agent::<f64, Coin, 1, NP>::new(coin(), Config::default()).unwrap();
    let mut q = Belief::<f64, Coin>::uniform();
    q.as_mut_slice()[0] = f64::NAN;
    let e = agent
        .update_empirical_prior(&[[0]], &Beliefs::splat(q))
        .unwrap_err();
    assert_eq!((e.tensor, e.agent), (Tensor::Belief, Some(0)));
    let e = agent.efe_terms(0, &q).unwrap_err();
    assert_eq!(e.tensor, Tensor::Belief);
    let e = agent.infer_policies(&Beliefs::splat(q)).unwrap_err();
    assert_eq!(e.tensor, Tensor::Belief);

    let mut q_pi = [SVector::<f64, NP>::from_element(0.5)];
    q_pi[0][0] = f64::NAN;
    let e = agent.action_marginals(&q_pi).unwrap_err();
    assert_eq!((e.tensor, e.agent), (Tensor::PolicyPosterior, Some(0)));
    let mut rng = <rand::rngs::SmallRng as rand::SeedableRng>::seed_from_u64(1);
    let e = agent.sample_action(&q_pi, &mut rng).unwrap_err();
    assert_eq!(e.tensor, Tensor::PolicyPosterior);
    let ok = [SVector::<f64, NP>::from_element(0.5)];
    assert!(agent.action_marginals(&ok).is_ok());
}

#[test]
fn zero_sweeps_are_an_error() {
    use actinf::inference;
    let e = Agent::<f64, Coin, 1, NP>::new(coin(), Config::default().num_iter(0)).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroIterations);
    assert!(e.to_string().contains("num_iter"), "{e}");
    let e = inference::infer_states(&coin(), &[1], &Belief::uniform(), 0).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroIterations);
    let obs = actinf::Categorical::one_hot(&[1]).unwrap();
    let e = inference::infer_states_categorical(&coin(), &obs, &Belief::uniform(), 0).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroIterations);
    assert!(inference::infer_states(&coin(), &[1], &Belief::uniform(), 1).is_ok());

    // Sequence inference over a window, and SPM's settings.
    use actinf::inference::{SpmConfig, Window, sequence};
    let model = coin();
    let mut w = Window::<f64, Coin, 2>::from_history(*model.d(), [[0], [1]], [[1]]).unwrap();
    let before = *w.beliefs();
    for messages in [
        sequence::Messages::Marginal,
        sequence::Messages::Variational,
    ] {
        let e = sequence::run(&model, &mut w, 0, messages).unwrap_err();
        assert_eq!(e.problem, Problem::ZeroIterations);
        assert_eq!(*w.beliefs(), before, "an error leaves the window as it was");
    }
    assert_eq!(
        sequence::mmp(&model, &mut w, 0).unwrap_err().problem,
        Problem::ZeroIterations
    );
    assert_eq!(
        sequence::vmp(&model, &mut w, 0).unwrap_err().problem,
        Problem::ZeroIterations
    );
    assert!(sequence::mmp(&model, &mut w, 4).is_ok());
    let spm = SpmConfig::<f64> {
        num_iter: 0,
        ..SpmConfig::default()
    };
    assert_eq!(spm.check().unwrap_err().problem, Problem::ZeroIterations);
}

#[test]
fn out_of_range_factor_is_none_or_a_clear_panic() {
    let q = Belief::<f64, Coin>::uniform();
    assert_eq!(q.try_factor(0), Some(&[0.5, 0.5][..]));
    assert_eq!(q.try_factor(99), None);
    let err = std::panic::catch_unwind(|| q.factor(99).len()).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        msg,
        "factor 99 is out of range: model `Coin` has 1 factor(s)"
    );
}

#[test]
#[should_panic(expected = "policy 2 out of range (2 policies)")]
fn policy_past_the_table_panics_as_documented() {
    let agent = Agent::<f64, Coin, 1, NP>::new(coin(), Config::default()).unwrap();
    let _ = agent.policies().get(NP);
}

/// Code generic over the model can send and share agents and their data across threads (see
/// also `tests/pass/spawn_generic.rs`).
#[allow(dead_code)]
fn generic_values_are_send_and_sync<S: actinf::Spec>() {
    fn send_sync<X: Send + Sync>() {}
    send_sync::<Agent<f32, S, 1, 2>>();
    send_sync::<Agent<f64, S, 2, 4, 3>>();
    send_sync::<Model<f32, S>>();
    send_sync::<Belief<f32, S>>();
    send_sync::<Beliefs<f64, S, 4>>();
    send_sync::<DirichletA<f32, S>>();
    send_sync::<DirichletB<f32, S>>();
    send_sync::<DirichletD<f32, S>>();
    send_sync::<actinf::infer::Window<f32, S, 3>>();
    send_sync::<actinf::Error>();
}

#[test]
fn agent_generic_over_the_model_moves_to_another_thread() {
    fn spawn<S: actinf::Spec>(
        a: Agent<f32, S, 1, 2>,
    ) -> std::thread::JoinHandle<Agent<f32, S, 1, 2>> {
        std::thread::spawn(move || a)
    }
    generic_values_are_send_and_sync::<Coin>();
    let a = Agent::<f32, Coin, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let a = spawn(a).join().unwrap();
    assert_eq!(a.model(0).d().factor(0), &[0.5, 0.5]);
}

const ARMS: usize = 3;

actinf::model! {
    /// Modalities without `depends_on` depend on every factor, in order; the markers live in
    /// module `bandit`, and a constant of this module is visible inside it.
    pub mod bandit {
        pub Bandit {
            factors {
                Arm: ARMS controlled_by ARMS,
                Context: 2,
            }
            modalities {
                Reward: 2,
                Place: ARMS depends_on [Arm],
            }
        }
    }
}

actinf::model! {
    // The same marker names, in the same enclosing module; no visibility given.
    mod other_bandit {
        OtherBandit {
            factors { Arm: 2 controlled_by 2, Context: 3 }
            modalities { Reward: 2 }
        }
    }
}

#[test]
fn modality_depends_on_every_factor_by_default() {
    use actinf::spec::{factors, modalities};
    let ms = modalities::<Bandit>();
    assert_eq!(ms[0].parents.dims(), &[ARMS, 2]);
    assert_eq!(ms[1].parents.dims(), &[ARMS]);
    assert_eq!(modalities::<OtherBandit>()[0].parents.dims(), &[2, 3]);
    assert_eq!(factors::<OtherBandit>()[1].states, 3);
    // The default is the same model as the explicit list.
    let a = Model::<f64, Bandit>::uniform()
        .with_a::<bandit::Reward>(&[
            [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
            [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]],
        ])
        .unwrap();
    let q = Belief::<f64, Bandit>::uniform();
    assert_eq!(q.get::<bandit::Arm, ARMS>().len(), ARMS);
    assert_eq!(q.get::<bandit::Context, _>().len(), 2);
    assert_eq!(a.likelihood(0).len(), 2 * ARMS * 2);
}

#[test]
fn two_models_share_marker_names_through_modules() {
    let _: (bandit::Arm, other_bandit::Arm) = (bandit::Arm, other_bandit::Arm);
    assert_eq!(<bandit::Arm as actinf::Factor>::NAME, "Arm");
    assert_eq!(actinf::spec::num_policies::<OtherBandit>(1), 2);
    assert_eq!(<Bandit as actinf::Spec>::NAME, "Bandit");
}

#[test]
fn parents_with_a_length_past_their_storage_do_not_panic() {
    let mut p = actinf::spec::modalities::<Coin>()[0].parents;
    assert_eq!(p.ids(), &[0]);
    p.len = usize::MAX;
    assert_eq!(p.ids().len(), actinf::spec::MAX_PARENTS);
    assert_eq!(p.dims().len(), actinf::spec::MAX_PARENTS);
    assert!(!p.contains(usize::MAX));
}
