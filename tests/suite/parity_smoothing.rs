//! Parity with pymdp 1.0.4: one-step filtering over a window (`ovf`, `exact`), the backward
//! smoothers (`smoothing_ovf`, `smoothing_exact`) and the exact single-factor HMM
//! (`run_exact_single_factor_hmm_scan`), on the fixtures `seq_ovf_2f` and `seq_exact_1f`.
//!
//! The fixtures record pymdp's online loop: at each step `infer_states` on the latest
//! observation with the empirical prior (`D`, then `B(a) · q`), then the smoother over the
//! whole filtered history. Here the same loop runs through `Window::observe` +
//! `smoothing::filter_latest`, and every fixture output is compared: the empirical priors,
//! the filtered history, the smoothed marginals and pairwise joints, and the HMM's log
//! evidence, smoothed and predicted beliefs and `p(s_t | s_{t+1}, o)`.

use crate::common;

use actinf::inference::{self, Horizon, Sweeps, Window, hmm, smoothing};
use actinf::model::Pairwise;
use actinf::nalgebra::Const;
use actinf::spec::{self, Spec};
use actinf::{Belief, Model, Real};
use common::*;
use serde_json::Value;

/// f64 parity tolerance (absolute). The fixtures README reports that an independent numpy
/// re-implementation agrees with pymdp to 1e-13; 1e-10 leaves room for summation order.
const TOL: f64 = 1e-10;

/// f32 tolerance (absolute) for the same cases in single precision. The inputs are rounded
/// to f32 (relative error 6e-8); log-likelihoods of a few units carry absolute errors of
/// ~1e-7, which go through `exp`, 16 Jacobi sweeps (ovf) and five chained predictions, then
/// the backward pass divides by predicted probabilities (some ~0.02) and multiplies again.
/// Largest error observed on probabilities: 2.1e-7 (`seq_exact_1f`'s
/// `cond_prev_given_next`; 1.1e-6 relative on the smoothed joints); 1e-6 leaves a factor
/// ~5 while any algorithmic difference (which shows at the 1e-3 level or more) still fails.
const TOL_F32: f64 = 1e-6;

/// f32 tolerance for the log evidence `ln p(o_{1:5}) ≈ −5.94`: a sum of five logs, each with a
/// relative error of ~1e-7 on its argument, so a few 1e-7 absolute (observed 5.2e-7, 9e-8
/// relative); 2e-6 leaves a factor ~4.
const TOL_F32_LOG: f64 = 2e-6;

fn cast<T: Scalar>(x: &[f64]) -> Vec<T> {
    x.iter().map(|&v| T::from_f64(v)).collect()
}

/// The fixture's model (`A`, `B`, `D`; `C` is not recorded and not used), after checking the
/// fixture's sizes and dependencies against the spec `S`.
fn load_model<T: Real + Scalar, S: Spec>(fx: &Value) -> Model<T, S> {
    let fs = spec::factors::<S>();
    let ms = spec::modalities::<S>();
    let states: Vec<usize> = fs.iter().map(|f| f.states).collect();
    let controls: Vec<usize> = fs.iter().map(|f| f.controls).collect();
    let outcomes: Vec<usize> = ms.iter().map(|m| m.outcomes).collect();
    assert_eq!(usizes(at(fx, "inputs/num_states")), states, "num_states");
    assert_eq!(
        usizes(at(fx, "inputs/num_controls")),
        controls,
        "num_controls"
    );
    assert_eq!(usizes(at(fx, "inputs/num_obs")), outcomes, "num_obs");
    let a_deps: Vec<Vec<usize>> = ms.iter().map(|m| m.parents.ids().to_vec()).collect();
    let b_deps: Vec<Vec<usize>> = fs.iter().map(|f| f.parents.ids().to_vec()).collect();
    assert_eq!(
        usizes2(at(fx, "inputs/A_dependencies")),
        a_deps,
        "A_dependencies"
    );
    assert_eq!(
        usizes2(at(fx, "inputs/B_dependencies")),
        b_deps,
        "B_dependencies"
    );
    let mut a = Vec::new();
    for (m, info) in ms.iter().enumerate() {
        let mut shape = vec![info.outcomes];
        shape.extend_from_slice(info.parents.dims());
        a.extend(data_shaped(at(fx, &format!("inputs/A/{m}")), &shape));
    }
    let (mut b, mut d) = (Vec::new(), Vec::new());
    for (f, info) in fs.iter().enumerate() {
        let mut shape = vec![info.states];
        shape.extend_from_slice(info.parents.dims());
        shape.push(info.controls);
        b.extend(data_shaped(at(fx, &format!("inputs/B/{f}")), &shape));
        d.extend(data_shaped(
            at(fx, &format!("inputs/D/{f}")),
            &[info.states],
        ));
    }
    let c = vec![0.0; spec::layout::<S>().outcomes];
    Model::from_slices(&cast(&a), &cast(&b), &cast(&c), &cast(&d)).expect("fixture model")
}

/// The observations (one `[o_0, …, o_{M−1}]` per step) and actions (`T − 1` rows).
fn history<const M: usize, const F: usize>(fx: &Value) -> (Vec<[usize; M]>, Vec<[usize; F]>) {
    let per_modality: Vec<Vec<usize>> = (0..M)
        .map(|m| usizes(at(fx, &format!("inputs/observations/{m}"))))
        .collect();
    let t_len = per_modality[0].len();
    let obs = (0..t_len)
        .map(|t| core::array::from_fn(|m| per_modality[m][t]))
        .collect();
    let flat = data_shaped(at(fx, "inputs/actions"), &[t_len - 1, F]);
    let acts = flat
        .chunks_exact(F)
        .map(|r| core::array::from_fn(|f| r[f] as usize))
        .collect();
    (obs, acts)
}

/// pymdp's online loop: observe, filter the latest step, act.
fn run_online<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    obs: &[S::Observation],
    acts: &[S::Action],
    sweeps: Sweeps,
) -> Window<T, S, H>
where
    Const<H>: Horizon,
{
    let mut w = Window::<T, S, H>::new(*model.d());
    for (t, o) in obs.iter().enumerate() {
        if t > 0 {
            w.act(acts[t - 1]).unwrap();
        }
        w.observe(model, *o).unwrap();
        smoothing::filter_latest(model, &mut w, sweeps).unwrap();
    }
    w
}

/// Compares per-step beliefs with a fixture list of `(T, N_f)` arrays, one per factor.
fn check_beliefs<T: Real, S: Spec>(got: &[Belief<T, S>], want: &Value, tol: f64, what: &str) {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let w = data_shaped(at(want, &f.to_string()), &[got.len(), info.states]);
        let g: Vec<f64> = got.iter().flat_map(|q| to_f64(q.factor(f))).collect();
        assert_close(&g, &w, tol, &format!("{what}[{f}]"));
    }
}

/// Compares per-transition joints with a fixture list of `(T − 1, N_f, N_f)` arrays, one per
/// factor, indexed `[t, next, current]`.
fn check_joints<T: Real, S: Spec>(got: &[Pairwise<T, S>], want: &Value, tol: f64, what: &str) {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let n = info.states;
        let w = data_shaped(at(want, &f.to_string()), &[got.len(), n, n]);
        let g: Vec<f64> = got
            .iter()
            .flat_map(|p| (0..n).flat_map(move |j| (0..n).map(move |i| p.get(f, j, i).as_f64())))
            .collect();
        assert_close(&g, &w, tol, &format!("{what}[{f}]"));
    }
}

/// The empirical priors of the online loop: `D`, then `B(a_{t−1}) · q_{t−1}`.
fn check_priors<T: Real, S: Spec>(
    model: &Model<T, S>,
    filtered: &[Belief<T, S>],
    acts: &[S::Action],
    fx: &Value,
    tol: f64,
    case: &str,
) {
    for t in 0..filtered.len() {
        let p = if t == 0 {
            *model.d()
        } else {
            inference::update_empirical_prior(model, &acts[t - 1], &filtered[t - 1]).unwrap()
        };
        for f in 0..spec::num_factors::<S>() {
            let want = data(at(fx, &format!("outputs/empirical_priors/{t}/{f}")));
            assert_close(
                &to_f64(p.factor(f)),
                &want,
                tol,
                &format!("{case}: empirical_priors[{t}][{f}]"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// seq_ovf_2f: two factors, ovf filtering (16 sweeps), smoothing_ovf
// ---------------------------------------------------------------------------------------

mod m_ovf {
    actinf::model! {
        /// `seq_ovf_2f`: two controlled factors, two modalities over both.
        pub M {
            factors { F0: 2 controlled_by 2, F1: 3 controlled_by 2 }
            modalities { O0: 3 depends_on [F0, F1], O1: 2 depends_on [F0, F1] }
        }
    }
}

fn run_ovf<T: Real + Scalar>(tol: f64) {
    use m_ovf::M;
    let case = "seq_ovf_2f";
    let fx = load(case);
    assert_eq!(at(&fx, "params/inference_algo"), "ovf");
    let model = load_model::<T, M>(&fx);
    let (obs, acts) = history::<2, 2>(&fx);
    assert_eq!(obs.len(), 5);
    let sweeps = Sweeps::UpTo(inference::DEFAULT_NUM_ITER);

    let w = run_online::<T, M, 5>(&model, &obs, &acts, sweeps);
    let filtered = *w.beliefs();
    check_beliefs(
        &filtered,
        at(&fx, "outputs/filtered_qs"),
        tol,
        &format!("{case}: filtered_qs"),
    );
    check_priors(&model, &filtered, &acts, &fx, tol, case);

    // The batch form recomputes the same history, bit for bit.
    let mut again = Window::<T, M, 5>::from_slices(*model.d(), &obs, &acts).unwrap();
    smoothing::filter(&model, &mut again, sweeps);
    assert_eq!(
        again.beliefs(),
        &filtered,
        "{case}: filter == online filter_latest"
    );

    let mut marginals = [Belief::ZERO; 5];
    let mut joints = [Pairwise::ZERO; 4];
    smoothing::smooth(&model, &w, &mut marginals, &mut joints).unwrap();
    check_beliefs(
        &marginals,
        at(&fx, "outputs/smoothed_marginals"),
        tol,
        &format!("{case}: smoothed_marginals"),
    );
    check_joints(
        &joints,
        at(&fx, "outputs/smoothed_joints"),
        tol,
        &format!("{case}: smoothed_joints"),
    );

    // A window of 3 sliding over the 5 steps keeps the last three filtered beliefs (its prior
    // becomes B(a_1) q_1), whether filtered online or recomputed from its prior.
    let mut w3 = run_online::<T, M, 3>(&model, &obs, &acts, sweeps);
    for (t, q) in w3.beliefs().iter().enumerate() {
        for f in 0..2 {
            let want = data(at(&fx, &format!("outputs/filtered_qs/{f}")));
            let n = q.factor(f).len();
            assert_close(
                &to_f64(q.factor(f)),
                &want[(t + 2) * n..(t + 3) * n],
                tol,
                &format!("{case}: sliding window slot {t} factor {f}"),
            );
        }
    }
    let online = *w3.beliefs();
    smoothing::filter(&model, &mut w3, sweeps);
    for (t, (a, b)) in online.iter().zip(w3.beliefs()).enumerate() {
        assert_close(
            &to_f64(a.as_slice()),
            &to_f64(b.as_slice()),
            tol,
            &format!("{case}: w3 slot {t}"),
        );
    }
}

fn to_f64<T: Real>(x: &[T]) -> Vec<f64> {
    x.iter().map(|v| v.as_f64()).collect()
}

#[test]
fn seq_ovf_2f_f64() {
    run_ovf::<f64>(TOL);
}

#[test]
fn seq_ovf_2f_f32() {
    run_ovf::<f32>(TOL_F32);
}

// ---------------------------------------------------------------------------------------
// seq_exact_1f: one factor, exact filtering, smoothing_exact, the HMM scan
// ---------------------------------------------------------------------------------------

mod m_exact {
    actinf::model! {
        /// `seq_exact_1f`: one controlled factor of four states, one modality.
        pub M {
            factors { F0: 4 controlled_by 2 }
            modalities { O0: 3 depends_on [F0] }
        }
    }
}

fn run_exact<T: Real + Scalar>(tol: f64, tol_log: f64) {
    use m_exact::M;
    let case = "seq_exact_1f";
    let fx = load(case);
    assert_eq!(at(&fx, "params/inference_algo"), "exact");
    let model = load_model::<T, M>(&fx);
    let (obs, acts) = history::<1, 1>(&fx);
    assert_eq!(obs.len(), 5);

    // `exact` is FPI with one sweep.
    let w = run_online::<T, M, 5>(&model, &obs, &acts, Sweeps::Fixed(1));
    let filtered = *w.beliefs();
    check_beliefs(
        &filtered,
        at(&fx, "outputs/filtered_qs"),
        tol,
        &format!("{case}: filtered_qs"),
    );
    check_priors(&model, &filtered, &acts, &fx, tol, case);

    let smoothed_marginals = at(&fx, "outputs/smoothed_marginals");
    let smoothed_joints = at(&fx, "outputs/smoothed_joints");
    let mut marginals = [Belief::ZERO; 5];
    let mut joints = [Pairwise::ZERO; 4];
    smoothing::smooth_exact(&model, &w, &mut marginals, &mut joints).unwrap();
    check_beliefs(
        &marginals,
        smoothed_marginals,
        tol,
        &format!("{case}: smooth_exact marginals"),
    );
    check_joints(
        &joints,
        smoothed_joints,
        tol,
        &format!("{case}: smooth_exact joints"),
    );
    // Nothing here is clipped or dropped, so the ovf smoother agrees.
    smoothing::smooth(&model, &w, &mut marginals, &mut joints).unwrap();
    check_beliefs(
        &marginals,
        smoothed_marginals,
        tol,
        &format!("{case}: smooth marginals"),
    );
    check_joints(
        &joints,
        smoothed_joints,
        tol,
        &format!("{case}: smooth joints"),
    );

    // The HMM scan, on the window's observations and actions from D.
    let post = hmm::forward_backward(&model, &w);
    assert_eq!(post.len(), 5);
    assert_close1(
        post.log_evidence.as_f64(),
        num(at(&fx, "outputs/hmm_scan/marginal_log_likelihood")),
        tol_log,
        &format!("{case}: hmm_scan/marginal_log_likelihood"),
    );
    let one = |path: &str| -> Value { Value::Array(vec![at(&fx, path).clone()]) };
    check_beliefs(
        &post.smoothed,
        &one("outputs/hmm_scan/smoothed"),
        tol,
        &format!("{case}: hmm_scan/smoothed"),
    );
    check_beliefs(
        &post.predicted,
        &one("outputs/hmm_scan/predicted"),
        tol,
        &format!("{case}: hmm_scan/predicted"),
    );
    let cond: Vec<Pairwise<T, M>> = (0..4).map(|t| post.conditional(t)).collect();
    check_joints(
        &cond,
        &one("outputs/hmm_scan/cond_prev_given_next"),
        tol,
        &format!("{case}: hmm_scan/cond_prev_given_next"),
    );
    // D has no zero, so exact filtering and the HMM's α agree, and the HMM's pairwise
    // posteriors are smoothing_exact's joints.
    check_beliefs(
        &post.filtered,
        at(&fx, "outputs/filtered_qs"),
        tol,
        &format!("{case}: hmm filtered"),
    );
    check_joints(
        &post.pairwise,
        smoothed_joints,
        tol,
        &format!("{case}: hmm pairwise"),
    );

    // The same from slices.
    let again = hmm::forward_backward_slices::<T, M, 5>(&model, *model.d(), &obs, &acts).unwrap();
    assert_eq!(
        again.smoothed, post.smoothed,
        "{case}: forward_backward_slices"
    );
}

#[test]
fn seq_exact_1f_f64() {
    run_exact::<f64>(TOL, TOL);
}

#[test]
fn seq_exact_1f_f32() {
    run_exact::<f32>(TOL_F32, TOL_F32_LOG);
}

// ---------------------------------------------------------------------------------------
// Windows that are not full, and inputs the caller can break
// ---------------------------------------------------------------------------------------

/// Padding slots keep the prior and have zero joints; the valid suffix is smoothed as a
/// window of its own length would be.
#[test]
fn padded_window_smooths_its_valid_suffix() {
    use m_exact::M;
    let fx = load("seq_exact_1f");
    let model = load_model::<f64, M>(&fx);
    let (obs, acts) = history::<1, 1>(&fx);
    let short = run_online::<f64, M, 3>(&model, &obs[..3], &acts[..2], Sweeps::Fixed(1));
    let padded = run_online::<f64, M, 6>(&model, &obs[..3], &acts[..2], Sweeps::Fixed(1));
    assert_eq!(padded.len(), 3);
    let (mut m3, mut j3) = ([Belief::ZERO; 3], [Pairwise::ZERO; 2]);
    smoothing::smooth(&model, &short, &mut m3, &mut j3).unwrap();
    // Outputs start with values that must be overwritten.
    let (mut m6, mut j6) = ([Belief::uniform(); 6], [j3[0]; 5]);
    smoothing::smooth(&model, &padded, &mut m6, &mut j6).unwrap();
    for t in 0..3 {
        assert_eq!(m6[t], *model.d(), "padding slot {t} holds the prior");
        assert_eq!(j6[t], Pairwise::ZERO, "padding transition {t}");
        assert_eq!(m6[t + 3], m3[t], "valid slot {}", t + 3);
    }
    assert_eq!(j6[3..], j3[..]);
    let h3 = hmm::forward_backward(&model, &short);
    let h6 = hmm::forward_backward(&model, &padded);
    assert_eq!(h6.len(), 3);
    assert_eq!(h6.log_evidence, h3.log_evidence);
    assert_eq!(h6.smoothed[3..], h3.smoothed[..]);
    assert_eq!(h6.smoothed[0], *model.d());
    assert_eq!(h6.pairwise[..3], [Pairwise::ZERO; 3]);
    assert_eq!(h6.conditional(1), Pairwise::ZERO);
    assert_eq!(h6.conditional(5), Pairwise::ZERO);
}

/// A belief the caller overwrote with a NaN is reported, not propagated.
#[test]
fn broken_history_is_an_error() {
    use m_exact::M;
    let fx = load("seq_exact_1f");
    let model = load_model::<f64, M>(&fx);
    let (obs, acts) = history::<1, 1>(&fx);
    let mut w = run_online::<f64, M, 5>(&model, &obs, &acts, Sweeps::Fixed(1));
    w.beliefs_mut()[2].factor_mut(0)[1] = f64::NAN;
    let (mut m, mut j) = ([Belief::ZERO; 5], [Pairwise::ZERO; 4]);
    let err = smoothing::smooth(&model, &w, &mut m, &mut j).unwrap_err();
    assert_eq!(err.tensor, actinf::Tensor::Belief);
    assert!(smoothing::smooth_exact(&model, &w, &mut m, &mut j).is_err());
    w.beliefs_mut()[2].factor_mut(0)[1] = -0.5;
    w.beliefs_mut()[3] = w.beliefs()[2];
    assert!(smoothing::filter_latest(&model, &mut w, Sweeps::Fixed(1)).is_err());
}

// ---------------------------------------------------------------------------------------
// Beyond pymdp: transitions with several parents (`B_dependencies`)
// ---------------------------------------------------------------------------------------

mod m_deps {
    actinf::model! {
        /// Both transitions depend on both factors: F0's own axis is first, F1's second.
        pub M {
            factors {
                F0: 2 controlled_by 2 depends_on [F0, F1],
                F1: 3 controlled_by 2 depends_on [F0, F1],
            }
            modalities { O0: 3 depends_on [F0, F1], O1: 2 depends_on [F1] }
        }
    }
}

/// pymdp's `smoothing_ovf` only takes factor-local transitions; `smooth` averages the other
/// parents under the filtered beliefs at `t`. Checked against the recursion written out with
/// plain loops over `B[f][next, s0, s1, u]`.
#[test]
fn smoothing_with_transition_dependencies() {
    use m_deps::M;
    use rand::{RngExt, SeedableRng, rngs::SmallRng};
    let dims = [2usize, 3];
    for seed in 0..5u64 {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut cols = |rows: usize, n: usize| -> Vec<f64> {
            let mut out = vec![0.0; rows * n];
            for j in 0..n {
                let w: Vec<f64> = (0..rows).map(|_| rng.random_range(0.05..1.0)).collect();
                let s: f64 = w.iter().sum();
                for r in 0..rows {
                    out[r * n + j] = w[r] / s;
                }
            }
            out
        };
        let a = [cols(3, 6), cols(2, 3)].concat();
        let b = [cols(2, 6 * 2), cols(3, 6 * 2)].concat();
        let d = [cols(2, 1), cols(3, 1)].concat();
        let model = Model::<f64, M>::from_slices(&a, &b, &[0.0; 5], &d).unwrap();
        let mut rng = SmallRng::seed_from_u64(100 + seed);
        let obs: Vec<[usize; 2]> = (0..4)
            .map(|_| [rng.random_range(0..3), rng.random_range(0..2)])
            .collect();
        let acts: Vec<[usize; 2]> = (0..3)
            .map(|_| [rng.random_range(0..2), rng.random_range(0..2)])
            .collect();
        let mut w = Window::<f64, M, 4>::from_slices(*model.d(), &obs, &acts).unwrap();
        smoothing::filter(&model, &mut w, Sweeps::UpTo(16));
        let mut marginals = [Belief::ZERO; 4];
        let mut joints = [Pairwise::ZERO; 3];
        smoothing::smooth(&model, &w, &mut marginals, &mut joints).unwrap();

        let q = w.beliefs();
        let mut s: Vec<Vec<Vec<f64>>> = (0..4)
            .map(|t| (0..2).map(|f| q[t].factor(f).to_vec()).collect())
            .collect();
        for t in (0..3).rev() {
            for f in 0..2 {
                let n = dims[f];
                let g = 1 - f; // the other parent
                // B̃[j][i] = Σ_{s_g} B_f[j, (s0, s1), u] q_t,g(s_g), with s_f = i.
                let mut bt = vec![vec![0.0; n]; n];
                for (j, row) in bt.iter_mut().enumerate() {
                    for (i, x) in row.iter_mut().enumerate() {
                        for sg in 0..dims[g] {
                            let (s0, s1) = if f == 0 { (i, sg) } else { (sg, i) };
                            let col = s0 * 3 + s1;
                            *x += model.b_entry(f, j, col, acts[t][f]) * q[t].factor(g)[sg];
                        }
                    }
                }
                let qf = q[t].factor(f);
                let mut st = vec![0.0; n];
                for j in 0..n {
                    let pred: f64 = (0..n).map(|i| bt[j][i] * qf[i]).sum();
                    for i in 0..n {
                        let joint = bt[j][i] * qf[i] / pred * s[t + 1][f][j];
                        let got = joints[t].get(f, j, i);
                        assert!(
                            (got - joint).abs() < 1e-12,
                            "seed {seed}, t {t}, factor {f}, joint ({j}, {i}): {got} vs {joint}"
                        );
                        st[i] += joint;
                    }
                }
                assert_close(
                    marginals[t].factor(f),
                    &st,
                    1e-12,
                    &format!("seed {seed}: marginal {t} factor {f}"),
                );
                s[t][f] = st;
            }
        }
    }
}
