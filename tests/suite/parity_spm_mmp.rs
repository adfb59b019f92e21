//! SPM-faithful marginal message passing (`inference::spm_mmp`) against SPM's MATLAB output:
//! `spm/mmp_a` (1 factor, 3 states, 1 modality) and `spm/mmp_b` (2 factors, 2 modalities).
//!
//! The fixtures are set up as pymdp's `test/test_mmp.py` does for its legacy `run_mmp`
//! (MATLAB indices are 1-based): with `curr = t − 1` and `lo = max(0, curr − t_horizon)`,
//! the window holds observations `lo..=curr` and the actions between them
//! (`previous_actions[lo..curr]`); the prior over its first step is `B(previous_actions[lo − 1])`
//! applied to a uniform belief when a step was dropped (`mmp_a`), else uniform (`mmp_b`); the
//! future actions are the fixture's `policy`; SPM's `qs` is the belief about the last future
//! step. Five iterations, τ = 0.25, `spm_log` floor 1e−16 (the defaults).
//!
//! Also: finite, normalised outputs on random models (proptest), and typed errors for bad
//! input.

use crate::common;

use actinf::inference::{self, SpmConfig, Window, spm_mmp};
use actinf::spec::{IndexArray, Spec};
use actinf::{Belief, Error, MISSING, Model, Problem, Real, Tensor};
use common::*;
use proptest::prelude::*;
use serde_json::Value;

/// f64 parity tolerance (absolute), the precision SPM's printed results are quoted to (pymdp's
/// own test uses `np.isclose`: atol 1e-8, rtol 1e-5).
const TOL: f64 = 1e-6;

/// f64 agreement with MATLAB's doubles: the same arithmetic in the same order, up to
/// summation order and `ln`/`exp` rounding (measured: 6e-17 on `mmp_a`, 0 on `mmp_b`).
const TOL_EXACT: f64 = 1e-13;

/// f32 tolerance (absolute). Inputs are rounded to f32 (relative error ~6e-8); through 5
/// damped sweeps the beliefs move by a few ulps (measured: 2.6e-8 on `mmp_a`, 3.5e-8 on
/// `mmp_b`). 2e-7 keeps a margin of ~6 while a wrong step size or iteration count (which
/// moves these beliefs by ≥ 1.5e-2, see `other_settings_miss_the_fixtures`) still fails.
const TOL_F32: f64 = 2e-7;

mod m_a {
    actinf::model! {
        /// `spm/mmp_a`: A is (2, 3), B is (3, 3, 3).
        pub MmpA {
            factors { S0: 3 controlled_by 3 }
            modalities { O0: 2 depends_on [S0] }
        }
    }
}

mod m_b {
    actinf::model! {
        /// `spm/mmp_b`: A is (3, 2, 2) and (2, 2, 2); B is (2, 2, 2) twice.
        pub MmpB {
            factors { S0: 2 controlled_by 2, S1: 2 controlled_by 2 }
            modalities { O0: 3 depends_on [S0, S1], O1: 2 depends_on [S0, S1] }
        }
    }
}

use m_a::MmpA;
use m_b::MmpB;

/// One SPM case, 0-based, in pymdp's flat C order.
struct Case {
    a: Vec<f64>,
    b: Vec<f64>,
    outcomes: usize,
    /// Window observations, oldest first, one outcome per modality.
    obs: Vec<Vec<usize>>,
    /// The actions between them.
    actions: Vec<Vec<usize>>,
    /// The action that led into the window's first step, if a step was dropped.
    prior_action: Option<Vec<usize>>,
    /// The policy's future actions.
    future: Vec<Vec<usize>>,
    /// SPM's belief about the last future step, factor after factor.
    want: Vec<f64>,
}

/// The cells of a MATLAB cell array, checked against `shapes`, concatenated.
fn cells(v: &Value, shapes: &[&[usize]]) -> Vec<f64> {
    let cs = at(v, "cells").as_array().expect("cell array");
    assert_eq!(cs.len(), shapes.len(), "number of cells");
    cs.iter()
        .zip(shapes)
        .flat_map(|(c, s)| data_shaped(c, s))
        .collect()
}

/// A 1-based MATLAB index matrix as 0-based rows.
fn index_rows(v: &Value, shape: [usize; 2]) -> Vec<Vec<usize>> {
    let d = data_shaped(v, &shape);
    d.chunks(shape[1])
        .map(|r| r.iter().map(|&x| x as usize - 1).collect())
        .collect()
}

fn load_case(name: &str, a: &[&[usize]], b: &[&[usize]], qs: &[&[usize]]) -> Case {
    let fx = load(name);
    let v = at(&fx, "variables");
    let t = num(&at(v, "t/data")[0]) as usize;
    let horizon = num(&at(v, "t_horizon/data")[0]) as usize;
    let (m, f) = (a.len(), b.len());
    // obs_idx is (modalities, time); previous_actions (time − 1, factors); policy (len, factors).
    let obs_mt = index_rows(at(v, "obs_idx"), [m, t]);
    let prev = index_rows(at(v, "previous_actions"), [t - 1, f]);
    let policy_len = array(at(v, "policy")).0[0];
    let future = index_rows(at(v, "policy"), [policy_len, f]);
    let curr = t - 1;
    let lo = curr.saturating_sub(horizon);
    Case {
        a: cells(at(v, "A"), a),
        b: cells(at(v, "B"), b),
        outcomes: a.iter().map(|s| s[0]).sum(),
        obs: (lo..=curr)
            .map(|k| obs_mt.iter().map(|row| row[k]).collect())
            .collect(),
        actions: prev[lo..curr].to_vec(),
        prior_action: lo.checked_sub(1).map(|k| prev[k].clone()),
        future,
        want: cells(at(v, "qs"), qs),
    }
}

fn case_a() -> Case {
    load_case("spm/mmp_a", &[&[2, 3]], &[&[3, 3, 3]], &[&[3, 1]])
}

fn case_b() -> Case {
    load_case(
        "spm/mmp_b",
        &[&[3, 2, 2], &[2, 2, 2]],
        &[&[2, 2, 2], &[2, 2, 2]],
        &[&[2, 1], &[2, 1]],
    )
}

fn indices<I: IndexArray>(v: &[usize]) -> I {
    let mut out = I::ZEROS;
    out.as_mut().copy_from_slice(v);
    out
}

fn model<T: Real + Scalar, S: Spec>(c: &Case) -> Model<T, S> {
    let conv = |x: &[f64]| x.iter().map(|&v| T::lit(v)).collect::<Vec<T>>();
    let d = Belief::<T, S>::uniform();
    Model::from_slices(
        &conv(&c.a),
        &conv(&c.b),
        &vec![T::ZERO; c.outcomes],
        d.as_slice(),
    )
    .expect("fixture model is valid")
}

/// Every belief of a run: all `H` past slots, the `L` future steps, and the window's prior.
type Run<T, S, const H: usize, const L: usize> =
    ([Belief<T, S>; H], [Belief<T, S>; L], Belief<T, S>);

/// Runs the case through a window of horizon `H` (padded when `H` exceeds the fixture's
/// window).
fn run<T: Real + Scalar, S: Spec, const H: usize, const L: usize>(
    c: &Case,
    config: &SpmConfig<T>,
) -> Run<T, S, H, L>
where
    actinf::nalgebra::Const<H>: inference::Horizon,
{
    let model = model::<T, S>(c);
    let prior = match &c.prior_action {
        Some(a) => {
            inference::update_empirical_prior(&model, &indices(a), &Belief::uniform()).unwrap()
        }
        None => Belief::uniform(),
    };
    let obs: Vec<S::Observation> = c.obs.iter().map(|o| indices(o)).collect();
    let acts: Vec<S::Action> = c.actions.iter().map(|a| indices(a)).collect();
    let window = Window::<T, S, H>::from_slices(prior, &obs, &acts).unwrap();
    assert_eq!(window.len(), c.obs.len().min(H));
    let future: [S::Action; L] = core::array::from_fn(|k| indices(&c.future[k]));
    let (mut past, mut fut) = ([Belief::ZERO; H], [Belief::ZERO; L]);
    spm_mmp(&model, &window, &future, config, &mut past, &mut fut).unwrap();
    (past, fut, prior)
}

fn last<T: Real, S: Spec, const L: usize>(future: &[Belief<T, S>; L]) -> Vec<f64> {
    future[L - 1]
        .as_slice()
        .iter()
        .map(|x| x.as_f64())
        .collect()
}

/// Every belief finite, within [0, 1] and normalised per factor (to `tol`).
fn assert_distribution<T: Real, S: Spec>(q: &Belief<T, S>, tol: f64, what: &str) {
    for f in 0..actinf::spec::num_factors::<S>() {
        let x = q.factor(f);
        assert!(
            x.iter()
                .all(|v| v.as_f64().is_finite() && *v >= T::ZERO && *v <= T::ONE),
            "{what}: factor {f} = {x:?}"
        );
        let s: f64 = x.iter().map(|v| v.as_f64()).sum();
        assert!((s - 1.0).abs() <= tol, "{what}: factor {f} sums to {s}");
    }
}

#[test]
fn fixture_windows_follow_test_mmp() {
    // mmp_a: t = 6, t_horizon = 3 → observations 3..=6 (1-based), prior from action 2.
    let a = case_a();
    assert_eq!(a.obs, [[0], [0], [1], [1]]);
    assert_eq!(a.actions, [[2], [2], [1]]);
    assert_eq!(a.prior_action, Some(vec![1]));
    assert_eq!(a.future, [[2]]);
    // mmp_b: t = 3, t_horizon = 5 → all three observations, uniform prior.
    let b = case_b();
    assert_eq!(b.obs, [[2, 0], [2, 0], [0, 0]]);
    assert_eq!(b.actions, [[0, 0], [0, 1]]);
    assert_eq!(b.prior_action, None);
    assert_eq!(b.future, [[1, 0]]);
}

#[test]
fn mmp_a_f64() {
    let c = case_a();
    let config = SpmConfig::default();
    let (past, future, prior) = run::<f64, MmpA, 4, 1>(&c, &config);
    assert_close(&last(&future), &c.want, TOL, "spm/mmp_a qs (H = 4)");
    assert_close(
        &last(&future),
        &c.want,
        TOL_EXACT,
        "spm/mmp_a qs (to rounding)",
    );
    for (t, q) in past.iter().enumerate() {
        assert_distribution(q, 1e-12, &format!("mmp_a past[{t}]"));
    }
    // A longer, left-padded window gives bit-identical beliefs; its padding holds the prior.
    let (past6, future6, _) = run::<f64, MmpA, 6, 1>(&c, &config);
    assert_eq!(future6, future);
    assert_eq!(past6[2..], past[..]);
    assert_eq!(past6[..2], [prior; 2]);
}

#[test]
fn mmp_b_f64() {
    let c = case_b();
    let config = SpmConfig::default();
    let (past, future, _) = run::<f64, MmpB, 3, 1>(&c, &config);
    assert_close(&last(&future), &c.want, TOL, "spm/mmp_b qs (H = 3)");
    assert_close(
        &last(&future),
        &c.want,
        TOL_EXACT,
        "spm/mmp_b qs (to rounding)",
    );
    for (t, q) in past.iter().enumerate() {
        assert_distribution(q, 1e-12, &format!("mmp_b past[{t}]"));
    }
    let (past5, future5, prior) = run::<f64, MmpB, 5, 1>(&c, &config);
    assert_eq!(future5, future);
    assert_eq!(past5[2..], past[..]);
    assert_eq!(past5[..2], [prior; 2]);
}

#[test]
fn mmp_a_and_b_f32() {
    let c = case_a();
    let (_, future, _) = run::<f32, MmpA, 4, 1>(&c, &SpmConfig::default());
    assert_close(&last(&future), &c.want, TOL_F32, "spm/mmp_a qs (f32)");
    let c = case_b();
    let (_, future, _) = run::<f32, MmpB, 3, 1>(&c, &SpmConfig::default());
    assert_close(&last(&future), &c.want, TOL_F32, "spm/mmp_b qs (f32)");
}

/// The fixtures pin down SPM's settings: another step size or iteration count misses them.
#[test]
fn other_settings_miss_the_fixtures() {
    let c = case_a();
    let spm = SpmConfig::<f64>::default();
    assert_eq!((spm.num_iter, spm.tau, spm.log_floor), (5, 0.25, 1e-16));
    for config in [
        SpmConfig { tau: 1.0, ..spm },
        SpmConfig { num_iter: 4, ..spm },
        SpmConfig { num_iter: 6, ..spm },
    ] {
        let (_, future, _) = run::<f64, MmpA, 4, 1>(&c, &config);
        let got = last(&future);
        let err = got
            .iter()
            .zip(&c.want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f64::max);
        assert!(err > 1e-2, "{config:?} matches SPM too closely ({err:e})");
    }
}

// ---------------------------------------------------------------------------------------
// Random models: finite, normalised beliefs.
// ---------------------------------------------------------------------------------------

mod m_rand {
    actinf::model! {
        /// Two factors, one modality over both and one over the second.
        pub Rand {
            factors { F0: 3 controlled_by 2, F1: 2 controlled_by 3 }
            modalities { Both: 3 depends_on [F0, F1], Second: 2 depends_on [F1] }
        }
    }
}
use m_rand::Rand;

/// Normalises the columns of a `(rows, …)` tensor given flat in C order; zeros stay zero
/// unless a whole column is zero (then its first entry becomes 1).
fn normalise_columns(x: &mut [f64], rows: usize) {
    let cols = x.len() / rows;
    for j in 0..cols {
        let s: f64 = (0..rows).map(|o| x[o * cols + j]).sum();
        if s == 0.0 {
            x[j] = 1.0;
        } else {
            (0..rows).for_each(|o| x[o * cols + j] /= s);
        }
    }
}

/// Entries in [0, 1) with about a fifth exact zeros.
fn sparse(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 0.0..1.0f64], len)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_models_give_distributions(
        mut a0 in sparse(3 * 3 * 2),
        mut a1 in sparse(2 * 2),
        mut b0 in sparse(3 * 3 * 2),
        mut b1 in sparse(2 * 2 * 3),
        prior in prop::collection::vec(0.01..1.0f64, 5),
        obs in prop::collection::vec((0..4usize, 0..3usize), 1..=6),
        acts in prop::collection::vec((0..2usize, 0..3usize), 5),
        future in prop::collection::vec((0..2usize, 0..3usize), 2),
        floor in prop_oneof![Just(0.0), Just(1e-16)],
    ) {
        normalise_columns(&mut a0, 3);
        normalise_columns(&mut a1, 2);
        // B is (next, prev, action): columns over `next` for every (prev, action).
        normalise_columns(&mut b0, 3);
        normalise_columns(&mut b1, 2);
        let a: Vec<f64> = a0.iter().chain(&a1).copied().collect();
        let b: Vec<f64> = b0.iter().chain(&b1).copied().collect();
        let model = Model::<f64, Rand>::from_slices(&a, &b, &[0.0; 5], &[1. / 3., 1. / 3., 1. / 3., 0.5, 0.5]).unwrap();
        // Outcome 3 of the first modality (and 2 of the second) stands for MISSING.
        let obs: Vec<[usize; 2]> = obs
            .iter()
            .map(|&(o0, o1)| [if o0 == 3 { MISSING } else { o0 }, if o1 == 2 { MISSING } else { o1 }])
            .collect();
        let acts: Vec<[usize; 2]> = acts[..obs.len() - 1].iter().map(|&(u0, u1)| [u0, u1]).collect();
        // An unnormalised prior is allowed (SPM logs whatever it is given).
        let prior = Belief::<f64, Rand>::from_input_unchecked(actinf::list![
            [prior[0], prior[1], prior[2]],
            [prior[3], prior[4]]
        ]);
        let window = Window::<f64, Rand, 4>::from_slices(prior, &obs, &acts).unwrap();
        let future = [[future[0].0, future[0].1], [future[1].0, future[1].1]];
        let config = SpmConfig { log_floor: floor, ..SpmConfig::default() };
        let (mut past, mut fut) = ([Belief::ZERO; 4], [Belief::ZERO; 2]);
        spm_mmp(&model, &window, &future, &config, &mut past, &mut fut).unwrap();
        for (t, q) in past.iter().enumerate() {
            if window.observed(t) {
                assert_distribution(q, 1e-12, &format!("past[{t}]"));
            } else {
                prop_assert_eq!(q, &prior);
            }
        }
        for (t, q) in fut.iter().enumerate() {
            assert_distribution(q, 1e-12, &format!("future[{t}]"));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bad input: typed errors.
// ---------------------------------------------------------------------------------------

fn model_a() -> Model<f64, MmpA> {
    model::<f64, MmpA>(&case_a())
}

fn call<const H: usize, const L: usize>(
    model: &Model<f64, MmpA>,
    window: &Window<f64, MmpA, H>,
    future: &[[usize; 1]; L],
    config: &SpmConfig<f64>,
) -> Result<(), Error>
where
    actinf::nalgebra::Const<H>: inference::Horizon,
{
    let (mut past, mut fut) = ([Belief::ZERO; H], [Belief::ZERO; L]);
    spm_mmp(model, window, future, config, &mut past, &mut fut)
}

#[test]
fn future_action_out_of_range_is_an_error() {
    let model = model_a();
    let w = Window::<f64, MmpA, 2>::from_history(Belief::uniform(), [[0], [1]], [[2]]).unwrap();
    let e = call(&model, &w, &[[1], [3]], &SpmConfig::default()).unwrap_err();
    assert_eq!(e.tensor, Tensor::B);
    assert_eq!(e.index, 0);
    assert_eq!(e.problem, Problem::OutOfRange { value: 3, len: 3 });
    assert!(call(&model, &w, &[[1], [2]], &SpmConfig::default()).is_ok());
}

#[test]
fn bad_settings_are_errors() {
    let model = model_a();
    let w = Window::<f64, MmpA, 1>::from_history(Belief::uniform(), [[0]], []).unwrap();
    let spm = SpmConfig::default();
    let e = call(
        &model,
        &w,
        &[[0]],
        &SpmConfig {
            tau: f64::NAN,
            ..spm
        },
    )
    .unwrap_err();
    assert_eq!((e.tensor, e.name), (Tensor::Hyperparameter, "tau"));
    assert!(matches!(e.problem, Problem::NotFinite { .. }));
    let e = call(
        &model,
        &w,
        &[[0]],
        &SpmConfig {
            log_floor: -1e-16,
            ..spm
        },
    )
    .unwrap_err();
    assert_eq!((e.tensor, e.name), (Tensor::Hyperparameter, "log_floor"));
    assert_eq!(e.problem, Problem::Negative { value: -1e-16 });
}

#[test]
fn empty_window_and_bad_prior_are_errors() {
    let model = model_a();
    let empty = Window::<f64, MmpA, 3>::new(Belief::uniform());
    let e = call(&model, &empty, &[[0]], &SpmConfig::default()).unwrap_err();
    assert_eq!(e.tensor, Tensor::Window);
    assert_eq!(
        e.problem,
        Problem::WrongLength {
            expected: 1,
            found: 0
        }
    );

    let nan = Belief::<f64, MmpA>::from_input_unchecked(actinf::list![[f64::NAN, 0.5, 0.5]]);
    let mut w = Window::<f64, MmpA, 3>::new(nan);
    w.observe(&model, [0]).unwrap();
    let e = call(&model, &w, &[[0]], &SpmConfig::default()).unwrap_err();
    assert_eq!(e.tensor, Tensor::Prior);
    assert!(matches!(e.problem, Problem::NotFinite { .. }));
}

mod m_coupled {
    actinf::model! {
        /// The second factor's transition depends on the first: not an SPM model.
        pub Coupled {
            factors { F0: 2, F1: 2 depends_on [F0, F1] }
            modalities { O: 2 depends_on [F0] }
        }
    }
}

#[test]
fn coupled_transitions_are_an_error() {
    use m_coupled::Coupled;
    let model = Model::<f64, Coupled>::uniform();
    let w = Window::<f64, Coupled, 1>::from_history(Belief::uniform(), [[0]], []).unwrap();
    let (mut past, mut fut) = ([Belief::ZERO; 1], [Belief::ZERO; 1]);
    let e = spm_mmp(
        &model,
        &w,
        &[[0, 0]],
        &SpmConfig::default(),
        &mut past,
        &mut fut,
    )
    .unwrap_err();
    assert_eq!((e.tensor, e.index), (Tensor::B, 1));
    assert_eq!(
        e.problem,
        Problem::WrongRank {
            expected: 3,
            found: 4
        }
    );
}
