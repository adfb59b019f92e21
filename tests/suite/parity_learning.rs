//! Parity with pymdp 1.0.4 for learning (issue 10): Dirichlet updates of `pA`
//! (`learning_pA`), `pB` (`learning_pB`), the agent's `infer_parameters` after FPI and OVF
//! filtering (`learning_agent_fpi`, `learning_agent_ovf`), and pymdp's legacy `pD` rule
//! (`learning_pD_legacy`); f64 at 1e-10 and f32.
//!
//! pymdp clips zero counts and counts every step it is given: these cases run with
//! `Zeros::Pymdp` and, for the agent, `Counting::Window` (`Learning::pymdp`). The fixtures'
//! counts are all positive, so actinf's default (`Zeros::Keep`) gives the same numbers, which
//! is checked too.

use crate::common;

use actinf::inference::Ovf;
use actinf::learn::{self, Counting, Learning, Zeros};
use actinf::model::pymdp_order;
use actinf::spec::{self, IndexArray, Spec};
use actinf::{Agent, Belief, Categorical, Config, DirichletA, DirichletB, DirichletD, Model, Real};
use common::*;
use serde_json::Value;

const TOL: f64 = 1e-10;
/// f32: counts of a few units and expected values rounded to f32 (~1e-7 relative).
const TOL_F32: f64 = 2e-6;

mod a_case {
    actinf::model! {
        /// `learning_pA`: factors of 2 and 3 states; modality 0 on [0], modality 1 on [0, 1].
        pub LearnA {
            factors { F0: 2, F1: 3 }
            modalities { M0: 3 depends_on [F0], M1: 4 depends_on [F0, F1] }
        }
    }
}
mod b_case {
    actinf::model! {
        /// `learning_pB`: factor 0 (3 states, 3 actions), factor 1 (2 states) depends on [0, 1].
        pub LearnB {
            factors { G0: 3 controlled_by 3, G1: 2 depends_on [G0, G1] }
            modalities { O: 2 depends_on [G0] }
        }
    }
}
mod agent_case {
    actinf::model! {
        /// `learning_agent_*`: factors of 3 (2 actions) and 2 states, both modalities on both.
        pub LearnAgent {
            factors { H0: 3 controlled_by 2, H1: 2 }
            modalities { P0: 3 depends_on [H0, H1], P1: 2 depends_on [H0, H1] }
        }
    }
}
mod d_case {
    actinf::model! {
        /// `learning_pD_legacy`: factors of 3 and 2 states.
        pub LearnD { factors { K0: 3, K1: 2 } modalities { Q: 2 depends_on [K0] } }
    }
}
use a_case::LearnA;
use agent_case::LearnAgent;
use b_case::LearnB;
use d_case::LearnD;

fn flat<T: Scalar>(fx: &Value, key: &str) -> Vec<T> {
    at(fx, key)
        .as_array()
        .expect("list")
        .iter()
        .flat_map(data)
        .map(<T as Scalar>::from_f64)
        .collect()
}

/// Belief at step `t` from per-factor `(T, N_f)` arrays.
fn belief_at<T: Real + Scalar, S: Spec>(fx: &Value, key: &str, t: usize) -> Belief<T, S> {
    let mut v = Vec::new();
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let d = data(at(fx, &format!("{key}/{f}")));
        v.extend(
            d[t * info.states..(t + 1) * info.states]
                .iter()
                .map(|&x| <T as Scalar>::from_f64(x)),
        );
    }
    Belief::from_slice(&v).expect("belief")
}

/// `A` (or `pA`) in pymdp's C order, modality after modality.
fn a_pymdp<T: Real, S: Spec>(cols: &[T]) -> Vec<f64> {
    let mut out = Vec::new();
    for info in spec::modalities::<S>() {
        out.extend(pymdp_order(&cols[info.likelihood_range()], info.outcomes).map(|x| x.as_f64()));
    }
    out
}

/// `B` (or `pB`) in pymdp's C order `(s', parents, u)`, factor after factor.
fn b_pymdp<T: Real, S: Spec>(b: &[T]) -> Vec<f64> {
    let mut out = Vec::new();
    for info in spec::factors::<S>() {
        let (n, j, u) = (info.states, info.parents.joint, info.controls);
        let base = info.transition_offset;
        for s in 0..n {
            for p in 0..j {
                for a in 0..u {
                    out.push(b[base + a * n * j + p * n + s].as_f64());
                }
            }
        }
    }
    out
}

fn flat_f64(fx: &Value, key: &str) -> Vec<f64> {
    flat::<f64>(fx, key)
}

fn observation<S: Spec>(obs: &[Vec<usize>], t: usize) -> S::Observation {
    let mut o = S::Observation::ZEROS;
    for (m, slot) in o.as_mut().iter_mut().enumerate() {
        *slot = obs[m][t];
    }
    o
}

fn check_learning_pa<T: Real + Scalar>(tol: f64) {
    let fx = load("learning_pA");
    let lr = num(at(&fx, "params/lr"));
    let pa0 = DirichletA::<T, LearnA>::from_slice(&flat::<T>(&fx, "inputs/pA")).unwrap();
    let obs = usizes2(at(&fx, "inputs/observations"));
    let mut model = Model::<T, LearnA>::uniform();
    for zeros in [Zeros::Pymdp, Zeros::Keep] {
        // Index observations.
        let rule = Learning::<T>::new(lr, 0.0).zeros(zeros);
        let mut pa = pa0;
        for t in 0..3 {
            let q = belief_at::<T, LearnA>(&fx, "inputs/qs", t);
            learn::count_a(
                &mut pa,
                &observation::<LearnA>(&obs, t),
                &q,
                T::lit(lr),
                &rule,
            )
            .unwrap();
        }
        assert_close(
            &a_pymdp::<T, LearnA>(pa.as_slice()),
            &flat_f64(&fx, "outputs/qA"),
            tol,
            "qA",
        );
        learn::expected_a(&pa, &mut model, zeros).unwrap();
        assert_close(
            &a_pymdp::<T, LearnA>(model.a()),
            &flat_f64(&fx, "outputs/A_new"),
            tol,
            "A_new",
        );

        // Categorical observations.
        let cat = at(&fx, "inputs/observations_categorical")
            .as_array()
            .unwrap();
        let mut pa = pa0;
        for t in 0..3 {
            let mut v = Vec::new();
            for (m, info) in spec::modalities::<LearnA>().iter().enumerate() {
                let d = data(&cat[m]);
                v.extend(
                    d[t * info.outcomes..(t + 1) * info.outcomes]
                        .iter()
                        .map(|&x| <T as Scalar>::from_f64(x)),
                );
            }
            let q = belief_at::<T, LearnA>(&fx, "inputs/qs", t);
            let o = Categorical::<T, LearnA>::from_slice(&v).unwrap();
            learn::count_a_categorical(&mut pa, &o, &q, T::lit(lr), &rule).unwrap();
        }
        assert_close(
            &a_pymdp::<T, LearnA>(pa.as_slice()),
            &flat_f64(&fx, "outputs/qA_categorical"),
            tol,
            "qA categorical",
        );

        // Modality 0 not learned: its counts (and A) unchanged.
        let rule = rule.modalities(0b10);
        let mut pa = pa0;
        for t in 0..3 {
            let q = belief_at::<T, LearnA>(&fx, "inputs/qs", t);
            learn::count_a(
                &mut pa,
                &observation::<LearnA>(&obs, t),
                &q,
                T::lit(lr),
                &rule,
            )
            .unwrap();
        }
        assert_eq!(pa.modality(0), pa0.modality(0));
        let want1 = data(at(&fx, "outputs/qA_modality0_disabled/1"));
        let info = &spec::modalities::<LearnA>()[1];
        let got1: Vec<f64> = pymdp_order(pa.modality(1), info.outcomes)
            .map(|x| x.as_f64())
            .collect();
        assert_close(&got1, &want1, tol, "qA, modality 0 disabled");
    }
}

#[test]
fn learning_pa() {
    check_learning_pa::<f64>(TOL);
    check_learning_pa::<f32>(TOL_F32);
}

fn check_learning_pb<T: Real + Scalar>(tol: f64) {
    let fx = load("learning_pB");
    let lr = num(at(&fx, "params/lr"));
    let pb0 = DirichletB::<T, LearnB>::from_pymdp_slice(&flat::<T>(&fx, "inputs/pB")).unwrap();
    let (shape, acts) = array(at(&fx, "inputs/actions"));
    let action =
        |t: usize| -> [usize; 2] { [acts[t * shape[1]] as usize, acts[t * shape[1] + 1] as usize] };
    let q = |t: usize| belief_at::<T, LearnB>(&fx, "inputs/qs", t);
    let mut model = Model::<T, LearnB>::uniform();
    for zeros in [Zeros::Pymdp, Zeros::Keep] {
        let rule = Learning::<T>::new(0.0, lr).zeros(zeros);
        let mut pb = pb0;
        for t in 0..3 {
            learn::count_b(&mut pb, &q(t + 1), &q(t), &action(t), T::lit(lr), &rule).unwrap();
        }
        assert_close(
            &b_pymdp::<T, LearnB>(pb.as_slice()),
            &flat_f64(&fx, "outputs/qB"),
            tol,
            "qB",
        );
        learn::expected_b(&pb, &mut model, zeros).unwrap();
        assert_close(
            &b_pymdp::<T, LearnB>(model.b()),
            &flat_f64(&fx, "outputs/B_new"),
            tol,
            "B_new",
        );

        // Factor 0 only.
        let only0 = rule.factors(0b01);
        let mut pb = pb0;
        for t in 0..3 {
            learn::count_b(&mut pb, &q(t + 1), &q(t), &action(t), T::lit(lr), &only0).unwrap();
        }
        assert_close(
            &b_pymdp::<T, LearnB>(pb.as_slice()),
            &flat_f64(&fx, "outputs/qB_subset"),
            tol,
            "qB, factor 0 only",
        );
        learn::expected_b(&pb, &mut model, zeros).unwrap();
        assert_close(
            &b_pymdp::<T, LearnB>(model.b()),
            &flat_f64(&fx, "outputs/B_new_subset"),
            tol,
            "B_new, factor 0 only",
        );

        // Factor 0 from explicit pairwise joints q(s_{t+1}) ⊗ q(s_t).
        let mut pb = pb0;
        for t in 0..3 {
            let mut joint = actinf::Pairwise::<T, LearnB>::ZERO;
            let (next, cur) = (q(t + 1), q(t));
            for (i, &ci) in cur.factor(0).iter().enumerate() {
                for (j, &nj) in next.factor(0).iter().enumerate() {
                    joint.factor_mut(0)[i * 3 + j] = nj * ci;
                }
            }
            learn::count_b_pairwise(&mut pb, &joint, &action(t), T::lit(lr), &only0).unwrap();
        }
        let got: Vec<f64> = b_pymdp::<T, LearnB>(pb.as_slice())[..27].to_vec();
        assert_close(
            &got,
            &data(at(&fx, "outputs/qB0_from_joint_tensor")),
            tol,
            "qB0 from joints",
        );
        // A factor whose B has two parents cannot take a pairwise joint.
        let mut pb = pb0;
        let err =
            learn::count_b_pairwise(&mut pb, &actinf::Pairwise::ZERO, &[0, 0], T::lit(lr), &rule)
                .unwrap_err();
        assert!(err.to_string().contains("G1"), "{err}");
    }
}

#[test]
fn learning_pb() {
    check_learning_pb::<f64>(TOL);
    check_learning_pb::<f32>(TOL_F32);
}

/// The agent's `infer_parameters` over a 4-step window with pymdp's rule (every step counted,
/// zeros clipped), for FPI (filtered beliefs, mean-field `B` joints) and OVF (smoothed).
fn check_learning_agent<T: Real + Scalar>(name: &str, ovf: bool, tol: f64) {
    let fx = load(name);
    let model = Model::<T, LearnAgent>::from_slices(
        &flat::<T>(&fx, "inputs/A"),
        &flat::<T>(&fx, "inputs/B"),
        &[T::ZERO; 5],
        &flat::<T>(&fx, "inputs/D"),
    )
    .unwrap();
    let mut pa = DirichletA::<T, LearnAgent>::from_slice(&flat::<T>(&fx, "inputs/pA")).unwrap();
    let mut pb =
        DirichletB::<T, LearnAgent>::from_pymdp_slice(&flat::<T>(&fx, "inputs/pB")).unwrap();
    let obs = usizes2(at(&fx, "inputs/observations"));
    let (shape, acts) = array(at(&fx, "inputs/actions"));
    let actions: Vec<[usize; 2]> = (0..shape[0])
        .map(|t| [acts[t * 2] as usize, acts[t * 2 + 1] as usize])
        .collect();
    let observations: Vec<[usize; 2]> =
        (0..4).map(|t| observation::<LearnAgent>(&obs, t)).collect();
    let rule = Learning::<T>::pymdp(num(at(&fx, "params/lr_pA")), num(at(&fx, "params/lr_pB")));

    // Filtering through the agent reproduces pymdp's history.
    let fpi = Agent::<T, LearnAgent, 1, 2>::new(model.clone(), Config::default()).unwrap();
    let mut windows = fpi.initial_windows::<4>();
    for t in 0..4 {
        fpi.observe(&mut windows, &[observations[t]]).unwrap();
        fpi.filter(&mut windows).unwrap();
        if t < 3 {
            fpi.act(&mut windows, &[actions[t]]).unwrap();
        }
    }
    for t in 0..4 {
        let want = belief_at::<f64, LearnAgent>(&fx, "outputs/filtered_qs", t);
        assert_close(
            windows[0].beliefs()[t].as_slice(),
            want.as_slice(),
            tol,
            &format!("{name}: filtered {t}"),
        );
    }

    let check = |model: &Model<T, LearnAgent>,
                 pa: &DirichletA<T, LearnAgent>,
                 pb: &DirichletB<T, LearnAgent>| {
        assert_close(
            &a_pymdp::<T, LearnAgent>(pa.as_slice()),
            &flat_f64(&fx, "outputs/qA"),
            tol,
            &format!("{name}: qA"),
        );
        assert_close(
            &a_pymdp::<T, LearnAgent>(model.a()),
            &flat_f64(&fx, "outputs/A_new"),
            tol,
            &format!("{name}: A_new"),
        );
        assert_close(
            &b_pymdp::<T, LearnAgent>(pb.as_slice()),
            &flat_f64(&fx, "outputs/qB"),
            tol,
            &format!("{name}: qB"),
        );
        assert_close(
            &b_pymdp::<T, LearnAgent>(model.b()),
            &flat_f64(&fx, "outputs/B_new"),
            tol,
            &format!("{name}: B_new"),
        );
    };
    if ovf {
        let mut agent = fpi.with_method::<Ovf>();
        agent
            .infer_parameters(0, &windows[0], Some(&mut pa), Some(&mut pb), &rule)
            .unwrap();
        check(agent.model(0), &pa, &pb);
    } else {
        let mut agent = fpi;
        agent
            .infer_parameters(0, &windows[0], Some(&mut pa), Some(&mut pb), &rule)
            .unwrap();
        check(agent.model(0), &pa, &pb);
    }
}

#[test]
fn learning_agent_fpi() {
    check_learning_agent::<f64>("learning_agent_fpi", false, TOL);
    check_learning_agent::<f32>("learning_agent_fpi", false, TOL_F32);
}

#[test]
fn learning_agent_ovf() {
    check_learning_agent::<f64>("learning_agent_ovf", true, TOL);
    check_learning_agent::<f32>("learning_agent_ovf", true, TOL_F32);
}

fn check_learning_pd<T: Real + Scalar>(tol: f64) {
    let fx = load("learning_pD_legacy");
    let lr = num(at(&fx, "params/lr"));
    let pd_flat = flat::<T>(&fx, "inputs/pD");
    let pd0 = DirichletD::<T, LearnD>::from_slice(&pd_flat).unwrap();
    let q = belief_at::<T, LearnD>(&fx, "inputs/qs", 0);
    let mut pd = pd0;
    learn::count_d(&mut pd, &q, T::lit(lr), u64::MAX).unwrap();
    assert_close(
        pd.as_belief().as_slice(),
        &flat_f64(&fx, "outputs/qD"),
        tol,
        "qD",
    );
    let mut model = Model::<T, LearnD>::uniform();
    learn::expected_d(&pd, &mut model, Zeros::Pymdp).unwrap();
    assert_close(
        model.d().as_slice(),
        &flat_f64(&fx, "outputs/D_new"),
        tol,
        "D_new",
    );
    let mut pd = pd0;
    learn::count_d(&mut pd, &q, T::lit(lr), 0b10).unwrap();
    assert_close(
        pd.as_belief().as_slice(),
        &flat_f64(&fx, "outputs/qD_factor1_only"),
        tol,
        "qD, factor 1",
    );
}

#[test]
fn learning_pd_legacy() {
    check_learning_pd::<f64>(TOL);
    check_learning_pd::<f32>(TOL_F32);
}

#[test]
fn counting_once_versus_the_window() {
    // Learning after every step with `Counting::Latest` counts each observation once: the same
    // counts as one `Counting::Window` pass at the end.
    let fx = load("learning_agent_fpi");
    let model = Model::<f64, LearnAgent>::from_slices(
        &flat::<f64>(&fx, "inputs/A"),
        &flat::<f64>(&fx, "inputs/B"),
        &[0.0; 5],
        &flat::<f64>(&fx, "inputs/D"),
    )
    .unwrap();
    let pa0 = DirichletA::<f64, LearnAgent>::from_slice(&flat::<f64>(&fx, "inputs/pA")).unwrap();
    let pb0 =
        DirichletB::<f64, LearnAgent>::from_pymdp_slice(&flat::<f64>(&fx, "inputs/pB")).unwrap();
    let obs = usizes2(at(&fx, "inputs/observations"));
    let mut online = Agent::<f64, LearnAgent, 1, 2>::new(model.clone(), Config::default()).unwrap();
    let mut offline = Agent::<f64, LearnAgent, 1, 2>::new(model, Config::default()).unwrap();
    let (mut pa_on, mut pb_on, mut pa_off, mut pb_off) = (pa0, pb0, pa0, pb0);
    let mut w = online.initial_windows::<4>();
    let mut recount = (pa0, pb0);
    for t in 0..4 {
        online
            .observe(&mut w, &[observation::<LearnAgent>(&obs, t)])
            .unwrap();
        online.filter(&mut w).unwrap();
        online
            .infer_parameters(
                0,
                &w[0],
                Some(&mut pa_on),
                Some(&mut pb_on),
                &Learning::new(0.8, 0.6),
            )
            .unwrap();
        // pymdp's online rollout: the whole window again every step.
        let window_rule = Learning::new(0.8, 0.6).counting(Counting::Window);
        let (pa_r, pb_r) = &mut recount;
        offline
            .infer_parameters(0, &w[0], Some(pa_r), Some(pb_r), &window_rule)
            .unwrap();
        if t < 3 {
            online.act(&mut w, &[[t % 2, 0]]).unwrap();
        }
    }
    offline
        .infer_parameters(
            0,
            &w[0],
            Some(&mut pa_off),
            Some(&mut pb_off),
            &Learning::new(0.8, 0.6).counting(Counting::Window),
        )
        .unwrap();
    assert_close(
        pa_on.as_slice(),
        pa_off.as_slice(),
        1e-12,
        "pA once vs window",
    );
    assert_close(
        pb_on.as_slice(),
        pb_off.as_slice(),
        1e-12,
        "pB once vs window",
    );
    // Re-counting the window adds the first observation 4 times, the last once.
    let extra: f64 = recount.0.as_slice().iter().sum::<f64>() - pa0.as_slice().iter().sum::<f64>();
    let once: f64 = pa_on.as_slice().iter().sum::<f64>() - pa0.as_slice().iter().sum::<f64>();
    // 2 modalities, each step adds lr = 0.8 per modality: once 4 × 1.6, re-counted 10 × 1.6.
    assert!(
        (once - 6.4).abs() < 1e-9 && (extra - 16.0).abs() < 1e-9,
        "{once} {extra}"
    );
}
