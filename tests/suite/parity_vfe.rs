//! Variational free energy (`inference::vfe`) against pymdp 1.0.4's `maths.calc_vfe`:
//!
//! * `vfe_single_step` (index and categorical observations, every component);
//! * `vfe_sequence_1f` (mean-field and with pairwise joints, Dirichlet KLs from typed and raw
//!   concentrations) and `vfe_sequence_2f_bdeps` (a transition with two parents);
//! * `vfe` / `vfe_components` of every `infer_states_*` case, at the fixture's posterior and
//!   empirical prior;
//! * `vfe_t` / `vfe` of `seq_mmp_1f`, `seq_mmp_2f`, `seq_mmp_horizon_truncated` and
//!   `seq_vmp_2f`, from posteriors computed here with `sequence::mmp` / `vmp`;
//! * exact smoothing: for a one-factor HMM the free energy with exact marginals and pairwise
//!   joints is `−ln p(o)` — with pymdp's `smoothing_exact` output (`seq_exact_1f`) and with
//!   joints from brute-force enumeration on random HMMs; any other beliefs give more (the
//!   variational bound);
//! * finiteness on random models with zeros in `A`, `B` and the beliefs, padding, missing
//!   modalities and typed errors.
//!
//! Every parity case also runs in `f32` (see [`TOL_F32`]).

use crate::common;

use actinf::inference::{self, SequenceVfe, Vfe, Window, sequence, vfe};
use actinf::model::Pairwise;
use actinf::spec::{self, Spec};
use actinf::{
    Belief, Categorical, DirichletA, DirichletB, MISSING, Model, Problem, Real, Tensor, list,
};
use common::*;
use rand::{RngExt, SeedableRng, rngs::SmallRng};
use serde_json::Value;

/// f64 parity tolerance (absolute), as for the other parity suites: the fixtures agree with
/// an independent numpy re-implementation to ~1e-13, the rest is summation order.
const TOL: f64 = 1e-10;

/// f32 tolerance (absolute) for the state terms of the same cases, every input rounded to
/// f32 (relative error 6e-8). The free energies are sums of a few dozen terms of magnitude
/// up to ~10 (`ln` of probabilities down to ~1e-4), each carrying a relative error of a few
/// ulps, and the sequence cases first run 16 MMP/VMP sweeps in f32. The largest error
/// observed is 8.1e-7 (`seq_vmp_2f`'s total, |F| ≈ 11, 7e-8 relative); 3e-6 leaves a factor
/// ~4 while any formula difference (a missing or doubled term is ≥ 1e-2 here) still fails.
const TOL_F32: f64 = 3e-6;

/// f32 tolerance (absolute) for the Dirichlet KL terms and the totals that include them.
/// Each column's KL is a difference of `ln Γ` and `ψ` terms of magnitude ~40 (concentration
/// sums ~10–20), so f32 rounding leaves ~1e-5 absolute per tensor (observed: 1.3e-5 on the
/// total of `vfe_sequence_1f`, whose `KL(qB ‖ pB) ≈ 3.8`, and on the total ≈ 21); 5e-5 leaves
/// a factor ~4 and still catches a wrong column or axis, which changes these terms by far
/// more.
const TOL_F32_KL: f64 = 5e-5;

/// A fixture value as `T`.
fn sc<T: Scalar>(x: f64) -> T {
    <T as Scalar>::from_f64(x)
}

/// Fixture data as `T`.
fn cv<T: Scalar>(x: &[f64]) -> Vec<T> {
    x.iter().map(|&v| sc::<T>(v)).collect()
}

/// Every array of the list at `path`, flattened and concatenated (pymdp's per-modality or
/// per-factor lists, in the order `Model::from_slices` and the Dirichlet constructors take).
fn concat(fx: &Value, path: &str) -> Vec<f64> {
    at(fx, path)
        .as_array()
        .unwrap_or_else(|| panic!("{path}: not a list"))
        .iter()
        .flat_map(data)
        .collect()
}

/// Checks the declared model against the fixture's sizes and dependencies.
fn check_structure<S: Spec>(fx: &Value, prior_key: &str) {
    let fs = spec::factors::<S>();
    let ms = spec::modalities::<S>();
    let a = at(fx, "inputs/A").as_array().unwrap();
    assert_eq!(a.len(), ms.len(), "number of modalities");
    for (m, info) in ms.iter().enumerate() {
        let mut shape = vec![info.outcomes];
        shape.extend(info.parents.ids().iter().map(|&f| fs[f].states));
        assert_eq!(array(&a[m]).0, shape, "A[{m}] shape");
        let deps = usizes(at(fx, &format!("inputs/A_dependencies/{m}")));
        assert_eq!(deps, info.parents.ids(), "A_dependencies[{m}]");
    }
    let prior = at(fx, &format!("inputs/{prior_key}")).as_array().unwrap();
    assert_eq!(prior.len(), fs.len(), "number of factors");
    for (f, info) in fs.iter().enumerate() {
        assert_eq!(
            array(&prior[f]).0,
            vec![info.states],
            "{prior_key}[{f}] shape"
        );
    }
    if let Some(b) = fx["inputs"].get("B") {
        for (f, info) in fs.iter().enumerate() {
            let mut shape = vec![info.states];
            shape.extend(info.parents.ids().iter().map(|&d| fs[d].states));
            shape.push(info.controls);
            assert_eq!(array(&b[f]).0, shape, "B[{f}] shape");
            let deps = usizes(at(fx, &format!("inputs/B_dependencies/{f}")));
            assert_eq!(deps, info.parents.ids(), "B_dependencies[{f}]");
        }
    }
}

/// The fixture's model: `A`, `B` (uniform when absent: one-step cases do not use it), `C = 0`, `D` (uniform when absent).
fn model_of<T: Real + Scalar, S: Spec>(fx: &Value) -> Model<T, S> {
    let layout = spec::layout::<S>();
    let a = cv::<T>(&concat(fx, "inputs/A"));
    let b = match fx["inputs"].get("B") {
        Some(_) => cv::<T>(&concat(fx, "inputs/B")),
        None => {
            let mut b = Vec::new();
            for info in spec::factors::<S>() {
                let n = info.states as f64;
                b.extend(std::iter::repeat_n(sc::<T>(1.0 / n), info.transition_len()));
            }
            b
        }
    };
    let d = match fx["inputs"].get("D") {
        Some(_) => cv::<T>(&concat(fx, "inputs/D")),
        None => Belief::<T, S>::uniform().as_slice().to_vec(),
    };
    let c = vec![sc::<T>(0.0); layout.outcomes];
    Model::from_slices(&a, &b, &c, &d).expect("fixture model")
}

/// A belief from the per-factor list of vectors at `path`.
fn belief<T: Real + Scalar, S: Spec>(fx: &Value, path: &str) -> Belief<T, S> {
    Belief::from_slice(&cv::<T>(&concat(fx, path))).expect("fixture belief")
}

/// Row `t` of every factor's `(T, N_f)` array in the list at `path`, as one belief per row.
fn beliefs<T: Real + Scalar, S: Spec, const H: usize>(fx: &Value, path: &str) -> [Belief<T, S>; H] {
    let per_factor: Vec<Vec<f64>> = at(fx, path)
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(f, v)| data_shaped(v, &[H, spec::factors::<S>()[f].states]))
        .collect();
    core::array::from_fn(|t| {
        let mut row = Vec::new();
        for (f, x) in per_factor.iter().enumerate() {
            let n = spec::factors::<S>()[f].states;
            row.extend_from_slice(&x[t * n..(t + 1) * n]);
        }
        Belief::from_slice(&cv::<T>(&row)).expect("fixture belief row")
    })
}

/// `observations[m][t]` as one observation per step.
fn observations<const M: usize>(fx: &Value, path: &str) -> Vec<[usize; M]> {
    let per_m: Vec<Vec<usize>> = at(fx, path)
        .as_array()
        .unwrap()
        .iter()
        .map(usizes)
        .collect();
    assert_eq!(per_m.len(), M, "number of modalities");
    (0..per_m[0].len())
        .map(|t| core::array::from_fn(|m| per_m[m][t]))
        .collect()
}

/// `past_actions` `(T − 1, F)` as one action per transition.
fn actions<const F: usize>(fx: &Value, path: &str) -> Vec<[usize; F]> {
    let (shape, x) = array(at(fx, path));
    assert_eq!(shape[1], F, "number of factors in {path}");
    (0..shape[0])
        .map(|t| core::array::from_fn(|f| x[t * F + f] as usize))
        .collect()
}

/// The pairwise joints `joint_qs[f][t, next, current]` at `path`, one `Pairwise` per
/// transition.
fn pairwise<T: Real + Scalar, S: Spec>(
    fx: &Value,
    path: &str,
    steps: usize,
) -> Vec<Pairwise<T, S>> {
    let per_f: Vec<Vec<f64>> = at(fx, path)
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(f, v)| {
            let n = spec::factors::<S>()[f].states;
            data_shaped(v, &[steps, n, n])
        })
        .collect();
    (0..steps)
        .map(|t| {
            let mut p = Pairwise::<T, S>::ZERO;
            for (f, x) in per_f.iter().enumerate() {
                let n = spec::factors::<S>()[f].states;
                for next in 0..n {
                    for cur in 0..n {
                        p.factor_mut(f)[cur * n + next] = sc::<T>(x[(t * n + next) * n + cur]);
                    }
                }
            }
            p
        })
        .collect()
}

/// Compares a one-step result with pymdp's decomposition dictionary and total.
fn check_step<T: Real + Scalar>(
    got: &Vfe<T>,
    comps: Option<&Value>,
    vfe: f64,
    tol: f64,
    what: &str,
) {
    assert_close1(got.vfe, vfe, tol, &format!("{what}: vfe"));
    let Some(c) = comps else { return };
    let pairs = [
        ("neg_entropy_t", got.neg_entropy),
        ("prior_cross_entropy_t", got.prior_cross_entropy),
        ("transition_cross_entropy_t", got.transition_cross_entropy),
        ("accuracy_t", got.accuracy),
        ("state_vfe", got.state_vfe),
        ("parameter_kl_A", got.parameter_kl_a),
        ("parameter_kl_B", got.parameter_kl_b),
        ("parameter_kl", got.parameter_kl),
    ];
    for (k, v) in pairs {
        assert_close1(v, num(at(c, k)), tol, &format!("{what}: {k}"));
    }
}

/// Compares a sequence result with pymdp's `vfe_t`, total and (if given) decomposition.
fn check_sequence<T: Real + Scalar, const H: usize>(
    got: &SequenceVfe<T, H>,
    vfe_t: &Value,
    vfe: f64,
    comps: Option<&Value>,
    (tol, tol_kl): (f64, f64),
    what: &str,
) {
    assert_close(
        &got.vfe_t,
        &data_shaped(vfe_t, &[H]),
        tol,
        &format!("{what}: vfe_t"),
    );
    assert_close1(got.vfe, vfe, tol_kl, &format!("{what}: vfe"));
    let Some(c) = comps else { return };
    let arrays = [
        ("neg_entropy_t", &got.neg_entropy_t),
        ("prior_cross_entropy_t", &got.prior_cross_entropy_t),
        (
            "transition_cross_entropy_t",
            &got.transition_cross_entropy_t,
        ),
        ("accuracy_t", &got.accuracy_t),
    ];
    for (k, v) in arrays {
        assert_close(
            v,
            &data_shaped(at(c, k), &[H]),
            tol,
            &format!("{what}: {k}"),
        );
    }
    assert_close1(
        got.state_vfe,
        num(at(c, "state_vfe")),
        tol,
        &format!("{what}: state_vfe"),
    );
    let kls = [
        ("parameter_kl_A", got.parameter_kl_a),
        ("parameter_kl_B", got.parameter_kl_b),
        ("parameter_kl", got.parameter_kl),
    ];
    for (k, v) in kls {
        assert_close1(v, num(at(c, k)), tol_kl, &format!("{what}: {k}"));
    }
}

// ---------------------------------------------------------------------------------------
// vfe_single_step
// ---------------------------------------------------------------------------------------

mod m_single {
    actinf::model! {
        /// `vfe_single_step`: modality 0 <- factors 0, 1; modality 1 <- factor 1.
        pub M {
            factors { F0: 2, F1: 3 }
            modalities { O0: 3 depends_on [F0, F1], O1: 2 depends_on [F1] }
        }
    }
}

fn run_single_step<T: Real + Scalar>(tol: f64) {
    use m_single::M;
    let case = "vfe_single_step";
    let fx = load(case);
    check_structure::<M>(&fx, "prior");
    let model = model_of::<T, M>(&fx);
    let qs = belief::<T, M>(&fx, "inputs/qs");
    let prior = belief::<T, M>(&fx, "inputs/prior");
    let obs: [usize; 2] = usizes(at(&fx, "inputs/observation")).try_into().unwrap();
    let got = vfe::step(&model, &obs, &qs, &prior).unwrap();
    let out = |k: &str| at(&fx, &format!("outputs/{k}"));
    check_step(&got, Some(out("components")), num(out("vfe")), tol, case);
    // The categorical form of the same index observation gives the same numbers.
    let one_hot = Categorical::<T, M>::one_hot(&obs).unwrap();
    let same = vfe::step_categorical(&model, &one_hot, &qs, &prior).unwrap();
    check_step(&same, Some(out("components")), num(out("vfe")), tol, case);

    let soft = Categorical::<T, M>::new(list![
        arr1::<T, 3>(&data(at(&fx, "inputs/observation_categorical/0"))),
        arr1::<T, 2>(&data(at(&fx, "inputs/observation_categorical/1")))
    ])
    .unwrap();
    let got = vfe::step_categorical(&model, &soft, &qs, &prior).unwrap();
    check_step(
        &got,
        Some(out("components_categorical_obs")),
        num(out("vfe_categorical_obs")),
        tol,
        &format!("{case} (categorical)"),
    );

    // A missing modality contributes no accuracy: only E_q[ln A_0[o_0, s_0, s_1]] is left.
    let partial = vfe::step(&model, &[obs[0], MISSING], &qs, &prior).unwrap();
    let a0 = data(at(&fx, "inputs/A/0"));
    let (q0, q1) = (qs.factor(0), qs.factor(1));
    let mut acc0 = 0.0;
    for s0 in 0..2 {
        for s1 in 0..3 {
            let a: f64 = sc::<T>(a0[(obs[0] * 2 + s0) * 3 + s1]).into();
            let (x0, x1): (f64, f64) = (q0[s0].into(), q1[s1].into());
            acc0 += x0 * x1 * a.ln();
        }
    }
    assert_close1(partial.accuracy, acc0, tol, "missing modality: accuracy");
    assert_close1(
        partial.vfe,
        num(out("components/neg_entropy_t")) + num(out("components/prior_cross_entropy_t")) - acc0,
        tol,
        "missing modality: vfe",
    );
}

#[test]
fn vfe_single_step_f64() {
    run_single_step::<f64>(TOL);
}

#[test]
fn vfe_single_step_f32() {
    run_single_step::<f32>(TOL_F32);
}

// ---------------------------------------------------------------------------------------
// infer_states_*: info["vfe"] at the fixture's posterior and empirical prior
// ---------------------------------------------------------------------------------------

mod m_1f1m {
    actinf::model! {
        /// `infer_states_1f1m`.
        pub M { factors { F0: 3 } modalities { O0: 4 depends_on [F0] } }
    }
}
mod m_2f2m {
    actinf::model! {
        /// `infer_states_2f2m_full`.
        pub M {
            factors { F0: 2, F1: 3 }
            modalities { O0: 4 depends_on [F0, F1], O1: 3 depends_on [F0, F1] }
        }
    }
}
mod m_3f {
    actinf::model! {
        /// `infer_states_3f_sparse`.
        pub M {
            factors { F0: 2, F1: 3, F2: 2 }
            modalities { O0: 3 depends_on [F0], O1: 4 depends_on [F1, F2] }
        }
    }
}
mod m_cat {
    actinf::model! {
        /// `infer_states_categorical_obs`.
        pub M {
            factors { F0: 2, F1: 3 }
            modalities { O0: 4 depends_on [F0, F1], O1: 3 depends_on [F1] }
        }
    }
}
mod m_bdeps {
    actinf::model! {
        /// `infer_states_bdeps`.
        pub M {
            factors { F0: 2 controlled_by 2, F1: 3 controlled_by 2 depends_on [F0, F1] }
            modalities { O0: 3 depends_on [F0], O1: 4 depends_on [F0, F1] }
        }
    }
}

/// One `infer_states_*` case with index observations: the free energy at the fixture's
/// posterior, and at the posterior computed here.
fn run_infer_states<T: Real + Scalar, S, const M: usize>(case: &str, prior_path: &str, tol: f64)
where
    S: Spec<Observation = [usize; M]>,
{
    let fx = load(case);
    check_structure::<S>(
        &fx,
        if prior_path.starts_with("inputs/") {
            "empirical_prior"
        } else {
            "qs_prev"
        },
    );
    let model = model_of::<T, S>(&fx);
    let prior = belief::<T, S>(&fx, prior_path);
    let qs = belief::<T, S>(&fx, "outputs/qs");
    let obs: [usize; M] = usizes(at(&fx, "inputs/observation")).try_into().unwrap();
    let comps = fx["outputs"].get("vfe_components");
    let want = num(at(&fx, "outputs/vfe"));
    check_step(
        &vfe::step(&model, &obs, &qs, &prior).unwrap(),
        comps,
        want,
        tol,
        case,
    );
    let ours = inference::infer_states(&model, &obs, &prior, 16).unwrap();
    let what = format!("{case} (own posterior)");
    check_step(
        &vfe::step(&model, &obs, &ours, &prior).unwrap(),
        comps,
        want,
        tol,
        &what,
    );
}

#[test]
fn infer_states_vfe_f64() {
    run_infer_states::<f64, m_1f1m::M, 1>("infer_states_1f1m", "inputs/empirical_prior", TOL);
    run_infer_states::<f64, m_2f2m::M, 2>("infer_states_2f2m_full", "inputs/empirical_prior", TOL);
    run_infer_states::<f64, m_3f::M, 2>("infer_states_3f_sparse", "inputs/empirical_prior", TOL);
    run_infer_states::<f64, m_bdeps::M, 2>("infer_states_bdeps", "outputs/empirical_prior", TOL);
    run_infer_states_categorical::<f64>(TOL);
}

#[test]
fn infer_states_vfe_f32() {
    run_infer_states::<f32, m_1f1m::M, 1>("infer_states_1f1m", "inputs/empirical_prior", TOL_F32);
    run_infer_states::<f32, m_2f2m::M, 2>(
        "infer_states_2f2m_full",
        "inputs/empirical_prior",
        TOL_F32,
    );
    run_infer_states::<f32, m_3f::M, 2>(
        "infer_states_3f_sparse",
        "inputs/empirical_prior",
        TOL_F32,
    );
    run_infer_states::<f32, m_bdeps::M, 2>(
        "infer_states_bdeps",
        "outputs/empirical_prior",
        TOL_F32,
    );
    run_infer_states_categorical::<f32>(TOL_F32);
}

fn run_infer_states_categorical<T: Real + Scalar>(tol: f64) {
    use m_cat::M;
    let case = "infer_states_categorical_obs";
    let fx = load(case);
    check_structure::<M>(&fx, "empirical_prior");
    let model = model_of::<T, M>(&fx);
    let prior = belief::<T, M>(&fx, "inputs/empirical_prior");
    let qs = belief::<T, M>(&fx, "outputs/qs");
    let obs = Categorical::<T, M>::new(list![
        vec1::<T, 4>(&fx, "inputs/observation/0"),
        vec1::<T, 3>(&fx, "inputs/observation/1")
    ])
    .unwrap();
    let comps = fx["outputs"].get("vfe_components");
    let want = num(at(&fx, "outputs/vfe"));
    let got = vfe::step_categorical(&model, &obs, &qs, &prior).unwrap();
    check_step(&got, comps, want, tol, case);
}

// ---------------------------------------------------------------------------------------
// vfe_sequence_1f, vfe_sequence_2f_bdeps
// ---------------------------------------------------------------------------------------

mod m_seq1 {
    actinf::model! {
        /// `vfe_sequence_1f`: 3 states, 2 actions, two modalities.
        pub M {
            factors { F0: 3 controlled_by 2 }
            modalities { O0: 2 depends_on [F0], O1: 3 depends_on [F0] }
        }
    }
}

fn run_sequence_1f<T: Real + Scalar>(tol: f64, tol_kl: f64) {
    use m_seq1::M;
    let case = "vfe_sequence_1f";
    let fx = load(case);
    check_structure::<M>(&fx, "prior");
    let model = model_of::<T, M>(&fx);
    let prior = belief::<T, M>(&fx, "inputs/prior");
    let obs = observations::<2>(&fx, "inputs/observations");
    let acts = actions::<1>(&fx, "inputs/past_actions");
    let w =
        Window::<T, M, 4>::from_history(prior, obs.try_into().unwrap(), acts.try_into().unwrap())
            .unwrap();
    let qs = beliefs::<T, M, 4>(&fx, "inputs/qs");

    let cat = |k: &str| cv::<T>(&concat(&fx, &format!("inputs/{k}")));
    let (qa, pa) = (cat("qA"), cat("pA"));
    let (qb, pb) = (cat("qB"), cat("pB"));
    let kl_a = vfe::kl_a(
        &DirichletA::<T, M>::from_slice(&qa).unwrap(),
        &DirichletA::<T, M>::from_slice(&pa).unwrap(),
    );
    let kl_b = vfe::kl_b(
        &DirichletB::<T, M>::from_pymdp_slice(&qb).unwrap(),
        &DirichletB::<T, M>::from_pymdp_slice(&pb).unwrap(),
    );
    // The raw-slice forms agree with the typed ones.
    assert_close1(
        vfe::kl_a_slices::<T, M>(&qa, &pa).unwrap(),
        kl_a.into(),
        tol_kl,
        "kl_a_slices",
    );
    assert_close1(
        vfe::kl_b_slices::<T, M>(&qb, &pb).unwrap(),
        kl_b.into(),
        tol_kl,
        "kl_b_slices",
    );

    let out = |k: &str| at(&fx, &format!("outputs/{k}"));
    let got = vfe::sequence(&model, &w, &qs)
        .unwrap()
        .with_parameter_kl(kl_a, kl_b);
    check_sequence(
        &got,
        out("vfe_t"),
        num(out("vfe")),
        Some(out("components")),
        (tol, tol_kl),
        case,
    );

    let joints: [Pairwise<T, M>; 3] = pairwise::<T, M>(&fx, "outputs/joint_qs_used", 3)
        .try_into()
        .unwrap();
    let got = vfe::sequence_joint(&model, &w, &qs, &joints).unwrap();
    check_sequence(
        &got,
        out("vfe_t_with_joint_qs"),
        num(out("vfe_with_joint_qs")),
        Some(out("components_with_joint_qs")),
        (tol, tol),
        &format!("{case} (joint_qs)"),
    );
}

#[test]
fn vfe_sequence_1f_f64() {
    run_sequence_1f::<f64>(TOL, TOL);
}

#[test]
fn vfe_sequence_1f_f32() {
    run_sequence_1f::<f32>(TOL_F32, TOL_F32_KL);
}

mod m_seq2 {
    actinf::model! {
        /// `vfe_sequence_2f_bdeps`: factor 1's transition depends on factors 0 and 1.
        pub M {
            factors { F0: 2 controlled_by 2, F1: 3 depends_on [F0, F1] }
            modalities { O0: 3 depends_on [F0, F1] }
        }
    }
}

fn run_sequence_2f_bdeps<T: Real + Scalar>(tol: f64, tol_kl: f64) {
    use m_seq2::M;
    let case = "vfe_sequence_2f_bdeps";
    let fx = load(case);
    check_structure::<M>(&fx, "prior");
    let model = model_of::<T, M>(&fx);
    let prior = belief::<T, M>(&fx, "inputs/prior");
    let obs = observations::<1>(&fx, "inputs/observations");
    let acts = actions::<2>(&fx, "inputs/past_actions");
    let w =
        Window::<T, M, 3>::from_history(prior, obs.try_into().unwrap(), acts.try_into().unwrap())
            .unwrap();
    let qs = beliefs::<T, M, 3>(&fx, "inputs/qs");
    let cat = |k: &str| cv::<T>(&concat(&fx, &format!("inputs/{k}")));
    let kl_a = vfe::kl_a_slices::<T, M>(&cat("qA"), &cat("pA")).unwrap();
    let kl_b = vfe::kl_b_slices::<T, M>(&cat("qB"), &cat("pB")).unwrap();
    let got = vfe::sequence(&model, &w, &qs)
        .unwrap()
        .with_parameter_kl(kl_a, kl_b);
    let out = |k: &str| at(&fx, &format!("outputs/{k}"));
    check_sequence(
        &got,
        out("vfe_t"),
        num(out("vfe")),
        Some(out("components")),
        (tol, tol_kl),
        case,
    );

    // Pairwise joints cannot describe a transition with two parents: a typed error.
    let err = vfe::sequence_joint(&model, &w, &qs, &[Pairwise::ZERO; 2]).unwrap_err();
    assert_eq!((err.tensor, err.index), (Tensor::Belief, 1));
    assert_eq!(
        err.problem,
        Problem::WrongRank {
            expected: 3,
            found: 2
        }
    );
}

#[test]
fn vfe_sequence_2f_bdeps_f64() {
    run_sequence_2f_bdeps::<f64>(TOL, TOL);
}

#[test]
fn vfe_sequence_2f_bdeps_f32() {
    run_sequence_2f_bdeps::<f32>(TOL_F32, TOL_F32_KL);
}

// ---------------------------------------------------------------------------------------
// seq_mmp_*, seq_vmp_2f: posteriors from sequence::mmp / vmp, then the sequence VFE
// ---------------------------------------------------------------------------------------

mod m_mmp1 {
    actinf::model! {
        /// `seq_mmp_1f`: 3 states, 2 actions, 4 outcomes.
        pub M { factors { F0: 3 controlled_by 2 } modalities { O0: 4 depends_on [F0] } }
    }
}
mod m_trunc {
    actinf::model! {
        /// `seq_mmp_horizon_truncated`: 3 states, 3 actions, 4 outcomes.
        pub M { factors { F0: 3 controlled_by 3 } modalities { O0: 4 depends_on [F0] } }
    }
}
mod m_mmp2 {
    actinf::model! {
        /// `seq_mmp_2f` / `seq_vmp_2f`: two factors, both modalities on both.
        pub M {
            factors { F0: 2 controlled_by 2, F1: 3 }
            modalities { O0: 3 depends_on [F0, F1], O1: 2 depends_on [F0, F1] }
        }
    }
}

fn run_seq_case<T: Real + Scalar, S, const M: usize, const F: usize, const H: usize>(
    case: &str,
    messages: sequence::Messages,
    tol: f64,
) where
    S: Spec<Observation = [usize; M], Action = [usize; F]>,
    actinf::nalgebra::Const<H>: inference::Horizon,
{
    let fx = load(case);
    check_structure::<S>(&fx, "D");
    let model = model_of::<T, S>(&fx);
    let obs = observations::<M>(&fx, "inputs/observations");
    let acts = actions::<F>(&fx, "inputs/past_actions");
    let mut w = Window::<T, S, H>::from_slices(*model.d(), &obs, &acts).unwrap();
    assert_eq!(w.len(), H, "{case}: window length");
    let n = at(&fx, "params/num_iter").as_u64().unwrap() as usize;
    sequence::run(&model, &mut w, n, messages).unwrap();
    // The posteriors first (so a mismatch below is the free energy's).
    let want: [Belief<f64, S>; H] = beliefs::<f64, S, H>(&fx, "outputs/qs");
    for (t, (got, want)) in w.beliefs().iter().zip(&want).enumerate() {
        assert_close(
            got.as_slice(),
            want.as_slice(),
            tol,
            &format!("{case}: qs[{t}]"),
        );
    }
    let got = vfe::sequence(&model, &w, w.beliefs()).unwrap();
    let out = |k: &str| at(&fx, &format!("outputs/{k}"));
    check_sequence(&got, out("vfe_t"), num(out("vfe")), None, (tol, tol), case);
}

fn run_seq_cases<T: Real + Scalar>(tol: f64) {
    use sequence::Messages::{Marginal, Variational};
    run_seq_case::<T, m_mmp1::M, 1, 1, 5>("seq_mmp_1f", Marginal, tol);
    run_seq_case::<T, m_mmp2::M, 2, 2, 5>("seq_mmp_2f", Marginal, tol);
    run_seq_case::<T, m_trunc::M, 1, 1, 4>("seq_mmp_horizon_truncated", Marginal, tol);
    run_seq_case::<T, m_mmp2::M, 2, 2, 5>("seq_vmp_2f", Variational, tol);
}

#[test]
fn seq_inference_vfe_f64() {
    run_seq_cases::<f64>(TOL);
}

#[test]
fn seq_inference_vfe_f32() {
    run_seq_cases::<f32>(TOL_F32);
}

// ---------------------------------------------------------------------------------------
// Exact smoothing: F = −ln p(o) for a one-factor HMM
// ---------------------------------------------------------------------------------------

/// A one-factor HMM in plain vectors: `a[o][s]`, `b[u][next][prev]`, `d[s]`.
struct Hmm {
    a: Vec<Vec<f64>>,
    b: Vec<Vec<Vec<f64>>>,
    d: Vec<f64>,
}

/// The exact posterior of a one-factor HMM: `ln p(o)`, `marginals[t][s]` and
/// `joints[t][next][current]`.
struct Exact {
    ln_evidence: f64,
    marginals: Vec<Vec<f64>>,
    joints: Vec<Vec<Vec<f64>>>,
}

/// The exact posterior by enumerating every path.
fn brute_force(hmm: &Hmm, obs: &[usize], acts: &[usize]) -> Exact {
    let n = hmm.d.len();
    let t_len = obs.len();
    let mut evidence = 0.0;
    let mut marg = vec![vec![0.0; n]; t_len];
    let mut joint = vec![vec![vec![0.0; n]; n]; t_len.saturating_sub(1)];
    let paths = n.pow(t_len as u32);
    for code in 0..paths {
        let path: Vec<usize> = (0..t_len)
            .map(|t| (code / n.pow((t_len - 1 - t) as u32)) % n)
            .collect();
        let mut p = hmm.d[path[0]] * hmm.a[obs[0]][path[0]];
        for t in 1..t_len {
            p *= hmm.b[acts[t - 1]][path[t]][path[t - 1]] * hmm.a[obs[t]][path[t]];
        }
        evidence += p;
        for t in 0..t_len {
            marg[t][path[t]] += p;
            if t + 1 < t_len {
                joint[t][path[t + 1]][path[t]] += p;
            }
        }
    }
    marg.iter_mut().flatten().for_each(|x| *x /= evidence);
    joint
        .iter_mut()
        .flatten()
        .flatten()
        .for_each(|x| *x /= evidence);
    Exact {
        ln_evidence: evidence.ln(),
        marginals: marg,
        joints: joint,
    }
}

mod m_exact {
    actinf::model! {
        /// `seq_exact_1f`: 4 states, 2 actions, 3 outcomes.
        pub M { factors { F0: 4 controlled_by 2 } modalities { O0: 3 depends_on [F0] } }
    }
}

fn hmm_of(fx: &Value) -> Hmm {
    let (sa, a) = array(at(fx, "inputs/A/0"));
    let (sb, b) = array(at(fx, "inputs/B/0"));
    let (no, n, nu) = (sa[0], sa[1], sb[2]);
    Hmm {
        a: (0..no).map(|o| a[o * n..(o + 1) * n].to_vec()).collect(),
        b: (0..nu)
            .map(|u| {
                (0..n)
                    .map(|j| (0..n).map(|i| b[(j * n + i) * nu + u]).collect())
                    .collect()
            })
            .collect(),
        d: data(at(fx, "inputs/D/0")),
    }
}

/// pymdp's `smoothing_exact` marginals and joints (`seq_exact_1f`) give `F = −ln p(o)`, the
/// negative of the fixture's `hmm_scan` marginal log-likelihood and of brute force.
fn run_exact_smoothing<T: Real + Scalar>(tol: f64) {
    use m_exact::M;
    let case = "seq_exact_1f";
    let fx = load(case);
    check_structure::<M>(&fx, "D");
    let model = model_of::<T, M>(&fx);
    let obs = observations::<1>(&fx, "inputs/observations");
    let acts = actions::<1>(&fx, "inputs/actions");
    let w = Window::<T, M, 5>::from_slices(*model.d(), &obs, &acts).unwrap();
    let qs = beliefs::<T, M, 5>(&fx, "outputs/smoothed_marginals");
    let joints: [Pairwise<T, M>; 4] = pairwise::<T, M>(&fx, "outputs/smoothed_joints", 4)
        .try_into()
        .unwrap();
    let got = vfe::sequence_joint(&model, &w, &qs, &joints).unwrap();
    let mll = num(at(&fx, "outputs/hmm_scan/marginal_log_likelihood"));
    assert_close1(
        got.vfe,
        -mll,
        tol,
        &format!("{case}: F = −ln p(o) (hmm_scan)"),
    );
    let o: Vec<usize> = obs.iter().map(|o| o[0]).collect();
    let u: Vec<usize> = acts.iter().map(|a| a[0]).collect();
    let ln_evidence = brute_force(&hmm_of(&fx), &o, &u).ln_evidence;
    assert_close1(
        got.vfe,
        -ln_evidence,
        tol,
        &format!("{case}: F = −ln p(o) (brute force)"),
    );
    // The mean-field free energy of the same marginals is an upper bound, strictly here.
    let mf = vfe::sequence(&model, &w, &qs).unwrap();
    let mf: f64 = mf.vfe.into();
    assert!(mf > -ln_evidence + 1e-3, "{case}: mean-field bound");
}

#[test]
fn exact_smoothing_is_log_evidence_f64() {
    run_exact_smoothing::<f64>(TOL);
}

#[test]
fn exact_smoothing_is_log_evidence_f32() {
    run_exact_smoothing::<f32>(TOL_F32);
}

mod m_hmm3 {
    actinf::model! {
        /// A random one-factor HMM: 3 states, 2 actions, 3 outcomes.
        pub M { factors { F0: 3 controlled_by 2 } modalities { O0: 3 depends_on [F0] } }
    }
}

/// A probability vector of length `n`; with `zeros`, each entry is 0 with probability 0.3
/// (one entry always stays positive).
fn random_dist(rng: &mut SmallRng, n: usize, zeros: bool) -> Vec<f64> {
    let keep = rng.random_range(0..n);
    let w: Vec<f64> = (0..n)
        .map(|i| {
            if zeros && i != keep && rng.random_range(0.0..1.0) < 0.3 {
                0.0
            } else {
                rng.random_range(0.05..1.0)
            }
        })
        .collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|x| x / s).collect()
}

/// `cols` columns of `rows` entries in pymdp's C order (outcome axis first).
fn random_columns(rng: &mut SmallRng, rows: usize, cols: usize, zeros: bool) -> Vec<f64> {
    let mut out = vec![0.0; rows * cols];
    for c in 0..cols {
        for (r, x) in random_dist(rng, rows, zeros).into_iter().enumerate() {
            out[r * cols + c] = x;
        }
    }
    out
}

/// Random strictly positive HMMs: exact joints give `−ln p(o)` (step and sequence), and MMP,
/// VMP or random beliefs give more.
#[test]
fn exact_posterior_is_log_evidence_and_a_lower_bound() {
    use m_hmm3::M;
    const H: usize = 4;
    for seed in 0..20 {
        let mut rng = SmallRng::seed_from_u64(seed);
        let a = random_columns(&mut rng, 3, 3, false);
        let b = random_columns(&mut rng, 3, 3 * 2, false); // (next, prev, action)
        let d = random_dist(&mut rng, 3, false);
        let model = Model::<f64, M>::from_slices(&a, &b, &[0.0; 3], &d).unwrap();
        let hmm = Hmm {
            a: (0..3).map(|o| a[o * 3..o * 3 + 3].to_vec()).collect(),
            b: (0..2)
                .map(|u| {
                    (0..3)
                        .map(|j| (0..3).map(|i| b[(j * 3 + i) * 2 + u]).collect())
                        .collect()
                })
                .collect(),
            d: d.clone(),
        };
        let o: Vec<usize> = (0..H).map(|_| rng.random_range(0..3)).collect();
        let u: Vec<usize> = (0..H - 1).map(|_| rng.random_range(0..2)).collect();
        let Exact {
            ln_evidence: ln_p,
            marginals: marg,
            joints: joint,
        } = brute_force(&hmm, &o, &u);
        let obs: Vec<[usize; 1]> = o.iter().map(|&x| [x]).collect();
        let acts: Vec<[usize; 1]> = u.iter().map(|&x| [x]).collect();
        let mut w = Window::<f64, M, H>::from_slices(*model.d(), &obs, &acts).unwrap();
        let qs: [Belief<f64, M>; H] =
            core::array::from_fn(|t| Belief::from_slice(&marg[t]).unwrap());
        let joints: [Pairwise<f64, M>; H - 1] = core::array::from_fn(|t| {
            let mut p = Pairwise::ZERO;
            for (next, row) in joint[t].iter().enumerate() {
                for (cur, &x) in row.iter().enumerate() {
                    p.factor_mut(0)[cur * 3 + next] = x;
                }
            }
            p
        });
        let exact = vfe::sequence_joint(&model, &w, &qs, &joints).unwrap();
        assert_close1(
            exact.vfe,
            -ln_p,
            TOL,
            &format!("seed {seed}: F(exact) = −ln p(o)"),
        );

        let bound = |f: f64, what: &str| {
            assert!(
                f >= -ln_p - 1e-12,
                "seed {seed}: {what}: F = {f} < −ln p(o) = {}",
                -ln_p
            )
        };
        bound(
            vfe::sequence(&model, &w, &qs).unwrap().vfe,
            "mean-field at exact marginals",
        );
        for messages in [
            sequence::Messages::Marginal,
            sequence::Messages::Variational,
        ] {
            sequence::run(&model, &mut w, 16, messages).unwrap();
            bound(
                vfe::sequence(&model, &w, w.beliefs()).unwrap().vfe,
                "MMP/VMP posteriors",
            );
        }
        let random: [Belief<f64, M>; H] =
            core::array::from_fn(|_| Belief::from_slice(&random_dist(&mut rng, 3, true)).unwrap());
        bound(
            vfe::sequence(&model, &w, &random).unwrap().vfe,
            "random beliefs",
        );

        // One step: at the exact posterior F = −ln p(o_0), elsewhere more.
        let first = brute_force(&hmm, &o[..1], &[]);
        let (ln_p0, post) = (first.ln_evidence, first.marginals);
        let q = Belief::<f64, M>::from_slice(&post[0]).unwrap();
        let f = vfe::step(&model, &obs[0], &q, model.d()).unwrap();
        assert_close1(
            f.vfe,
            -ln_p0,
            TOL,
            &format!("seed {seed}: one step, F = −ln p(o_0)"),
        );
        let f = vfe::step(&model, &obs[0], &random[0], model.d()).unwrap();
        assert!(f.vfe >= -ln_p0 - 1e-12, "seed {seed}: one-step bound");
    }
}

// ---------------------------------------------------------------------------------------
// Random models: finite, padding, errors
// ---------------------------------------------------------------------------------------

mod m_rand {
    actinf::model! {
        /// Two factors, one transition with two parents, a modality on each dependency shape.
        pub M {
            factors { F0: 3 controlled_by 2, F1: 2 controlled_by 2 depends_on [F0, F1] }
            modalities { O0: 3 depends_on [F0], O1: 2 depends_on [F0, F1], O2: 4 depends_on [F1] }
        }
    }
}

/// A random model of `m_rand::M` with exact zeros in `A`, `B` and `D`.
fn random_model<T: Real + Scalar>(rng: &mut SmallRng) -> Model<T, m_rand::M> {
    let a = [
        random_columns(rng, 3, 3, true),
        random_columns(rng, 2, 6, true),
        random_columns(rng, 4, 2, true),
    ]
    .concat();
    let b = [
        random_columns(rng, 3, 3 * 2, true),
        random_columns(rng, 2, 6 * 2, true),
    ]
    .concat();
    let d = [random_dist(rng, 3, true), random_dist(rng, 2, true)].concat();
    Model::from_slices(&cv::<T>(&a), &cv::<T>(&b), &[sc::<T>(0.0); 9], &cv::<T>(&d)).unwrap()
}

fn random_belief<T: Real + Scalar>(rng: &mut SmallRng) -> Belief<T, m_rand::M> {
    let q = [random_dist(rng, 3, true), random_dist(rng, 2, true)].concat();
    Belief::from_slice(&cv::<T>(&q)).unwrap()
}

fn all_finite<T: Real + Scalar, const H: usize>(f: &SequenceVfe<T, H>, what: &str) {
    let parts = [
        &f.vfe_t,
        &f.neg_entropy_t,
        &f.prior_cross_entropy_t,
        &f.transition_cross_entropy_t,
        &f.accuracy_t,
    ];
    for p in parts {
        assert!(p.iter().all(|x| x.is_finite()), "{what}: not finite: {f:?}");
    }
    assert!(
        f.vfe.is_finite() && f.state_vfe.is_finite(),
        "{what}: not finite: {f:?}"
    );
}

fn run_random_finite<T: Real + Scalar>() {
    use m_rand::M;
    const H: usize = 5;
    for seed in 0..30 {
        let mut rng = SmallRng::seed_from_u64(1000 + seed);
        let model = random_model::<T>(&mut rng);
        let steps = rng.random_range(1..=H);
        let obs: Vec<[usize; 3]> = (0..steps)
            .map(|_| {
                let mut o = [
                    rng.random_range(0..3),
                    rng.random_range(0..2),
                    rng.random_range(0..4),
                ];
                if rng.random_range(0..4) == 0 {
                    o[rng.random_range(0..3)] = MISSING;
                }
                o
            })
            .collect();
        let acts: Vec<[usize; 2]> = (1..steps)
            .map(|_| [rng.random_range(0..2), rng.random_range(0..2)])
            .collect();
        let mut w = Window::<T, M, H>::from_slices(*model.d(), &obs, &acts).unwrap();
        let random: [Belief<T, M>; H] = core::array::from_fn(|_| random_belief(&mut rng));
        let what = format!("seed {seed}, {steps} steps");
        let f = vfe::sequence(&model, &w, &random).unwrap();
        all_finite(&f, &what);
        // Padding contributes exactly 0; the total is the sum over steps.
        for t in 0..w.start() {
            assert!(
                f.vfe_t[t] == sc::<T>(0.0) && f.accuracy_t[t] == sc::<T>(0.0),
                "{what}: padding"
            );
        }
        let sum: f64 = f.vfe_t.iter().map(|&x| x.into()).sum();
        let total: f64 = f.vfe.into();
        assert!(
            (total - sum).abs() <= 1e-4 * (1.0 + sum.abs()),
            "{what}: total"
        );
        // Exactly one start, at the first valid step.
        let t0 = w.start();
        assert!(f.transition_cross_entropy_t[t0] == sc::<T>(0.0));
        for messages in [
            sequence::Messages::Marginal,
            sequence::Messages::Variational,
        ] {
            sequence::run(&model, &mut w, 8, messages).unwrap();
            all_finite(&vfe::sequence(&model, &w, w.beliefs()).unwrap(), &what);
        }
        // One step, index and categorical observations.
        let q = random_belief::<T>(&mut rng);
        let p = random_belief::<T>(&mut rng);
        let o = obs[steps - 1];
        let f = vfe::step(&model, &o, &q, &p).unwrap();
        assert!(
            f.vfe.is_finite() && f.accuracy <= sc::<T>(0.0),
            "{what}: step {f:?}"
        );
        let soft = Categorical::<T, M>::new(list![
            arr1::<T, 3>(&random_dist(&mut rng, 3, true)),
            arr1::<T, 2>(&random_dist(&mut rng, 2, true)),
            arr1::<T, 4>(&random_dist(&mut rng, 4, true))
        ])
        .unwrap();
        let f = vfe::step_categorical(&model, &soft, &q, &p).unwrap();
        assert!(f.vfe.is_finite(), "{what}: categorical step {f:?}");
    }
}

#[test]
fn finite_on_random_models_f64() {
    run_random_finite::<f64>();
}

#[test]
fn finite_on_random_models_f32() {
    run_random_finite::<f32>();
}

/// A left-padded window scores its valid steps exactly like a full window of the same data.
#[test]
fn padding_contributes_nothing() {
    use m_seq1::M;
    let fx = load("vfe_sequence_1f");
    let model = model_of::<f64, M>(&fx);
    let prior = belief::<f64, M>(&fx, "inputs/prior");
    let obs = observations::<2>(&fx, "inputs/observations");
    let acts = actions::<1>(&fx, "inputs/past_actions");
    let qs = beliefs::<f64, M, 4>(&fx, "inputs/qs");
    let full = Window::<f64, M, 4>::from_slices(prior, &obs, &acts).unwrap();
    let padded = Window::<f64, M, 7>::from_slices(prior, &obs, &acts).unwrap();
    let junk = Belief::from_slice(&[0.0, 0.0, 1.0]).unwrap();
    let qs7 = [junk, junk, junk, qs[0], qs[1], qs[2], qs[3]];
    let a = vfe::sequence(&model, &full, &qs).unwrap();
    let b = vfe::sequence(&model, &padded, &qs7).unwrap();
    assert_close(&b.vfe_t[3..], &a.vfe_t, 1e-12, "padded vfe_t");
    assert_eq!(&b.vfe_t[..3], &[0.0; 3]);
    assert_close1(b.vfe, a.vfe, 1e-12, "padded vfe");
    let j = Pairwise::<f64, M>::ZERO;
    let want: [Pairwise<f64, M>; 3] = pairwise(&fx, "outputs/joint_qs_used", 3)
        .try_into()
        .unwrap();
    let a = vfe::sequence_joint(&model, &full, &qs, &want).unwrap();
    let b =
        vfe::sequence_joint(&model, &padded, &qs7, &[j, j, j, want[0], want[1], want[2]]).unwrap();
    assert_close1(b.vfe, a.vfe, 1e-12, "padded vfe with joints");
}

/// Bad inputs are typed errors naming the tensor and entry, never NaN.
#[test]
fn bad_inputs_are_errors() {
    use m_seq1::M;
    let fx = load("vfe_sequence_1f");
    let model = model_of::<f64, M>(&fx);
    let prior = belief::<f64, M>(&fx, "inputs/prior");
    let obs = observations::<2>(&fx, "inputs/observations");
    let acts = actions::<1>(&fx, "inputs/past_actions");
    let w = Window::<f64, M, 4>::from_slices(prior, &obs, &acts).unwrap();
    let mut qs = beliefs::<f64, M, 4>(&fx, "inputs/qs");
    qs[2].factor_mut(0)[1] = -0.5;
    let err = vfe::sequence(&model, &w, &qs).unwrap_err();
    assert_eq!(
        (err.tensor, &err.entry.index[..2]),
        (Tensor::Belief, &[2, 1][..])
    );
    assert_eq!(err.problem, Problem::Negative { value: -0.5 });
    qs[2].factor_mut(0)[1] = f64::NAN;
    assert!(vfe::step(&model, &obs[0], &qs[2], &prior).is_err());
    assert!(vfe::step(&model, &obs[0], &prior, &qs[2]).is_err());
    let err = vfe::step(&model, &[2, 0], &prior, &prior).unwrap_err();
    assert_eq!(err.problem, Problem::OutOfRange { value: 2, len: 2 });

    let qs = beliefs::<f64, M, 4>(&fx, "inputs/qs");
    let mut joints: [Pairwise<f64, M>; 3] = pairwise(&fx, "outputs/joint_qs_used", 3)
        .try_into()
        .unwrap();
    joints[1].factor_mut(0)[5] = f64::INFINITY; // (next 2, current 1)
    let err = vfe::sequence_joint(&model, &w, &qs, &joints).unwrap_err();
    assert_eq!(&err.entry.index[..3], &[1, 2, 1]);
    assert!(matches!(err.problem, Problem::NotFinite { .. }));

    let pa = concat(&fx, "inputs/pA");
    assert!(matches!(
        vfe::kl_a_slices::<f64, M>(&pa[1..], &pa)
            .unwrap_err()
            .problem,
        Problem::WrongLength { .. }
    ));
    let mut qa = pa.clone();
    qa[4] = -1.0; // A[0] is (2, 3): entry [1, 1]
    let err = vfe::kl_a_slices::<f64, M>(&qa, &pa).unwrap_err();
    assert_eq!(
        (err.tensor, err.index, &err.entry.index[..2]),
        (Tensor::PA, 0, &[1, 1][..])
    );
}
