//! The exact single-factor HMM (`inference::hmm`) and the filter + smoother
//! (`inference::smoothing`) against brute-force enumeration of every state path.
//!
//! For a single factor, `p(s_{0:T−1}, o_{0:T−1}) = p_0(s_0) ∏_t l_t(s_t) ∏_t B(a_t)[s_{t+1}, s_t]`
//! with `l_t(s) = ∏_m max(A_m[o_m, s], MINVAL)` (1 for a missing modality). Summing over the
//! `N^T` paths gives the evidence `p(o)`, the smoothed marginals, the pairwise posteriors,
//! and, over prefixes, the filtered and predicted beliefs. Random models (2–4 states, one or
//! two modalities, 2–3 actions), random priors, windows of 2–5 steps, full or left-padded,
//! with some missing observations; several seeds each.
//!
//! Also: a state of predicted probability zero (a deterministic `B` that never reaches it)
//! gives no NaN anywhere, and the posteriors still match brute force.

use crate::common;

use actinf::inference::{Horizon, Sweeps, Window, hmm, smoothing, vfe};
use actinf::model::Pairwise;
use actinf::nalgebra::Const;
use actinf::spec::{self, IndexArray, SingleFactor, Spec};
use actinf::{Belief, MISSING, Model, maths};
use common::assert_close;
use rand::{RngExt, SeedableRng, rngs::SmallRng};

/// Enumeration sums a few hundred products at most: agreement to 1e-12 is expected.
const TOL: f64 = 1e-12;

mod n2 {
    actinf::model! {
        /// Two states, three outcomes, two actions.
        pub M { factors { X: 2 controlled_by 2 } modalities { O: 3 depends_on [X] } }
    }
}

mod n3 {
    actinf::model! {
        /// Three states, two modalities, two actions.
        pub M { factors { X: 3 controlled_by 2 } modalities { O: 2 depends_on [X], P: 3 depends_on [X] } }
    }
}

mod n4 {
    actinf::model! {
        /// Four states, three outcomes, three actions.
        pub M { factors { X: 4 controlled_by 3 } modalities { O: 3 depends_on [X] } }
    }
}

/// A random distribution over `n` outcomes (entries bounded away from 0).
fn distribution(rng: &mut SmallRng, n: usize) -> Vec<f64> {
    let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.05..1.0)).collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|x| x / s).collect()
}

/// `cols` random columns of `rows` entries, laid out row-major `(rows, cols)` (pymdp order).
fn columns(rng: &mut SmallRng, rows: usize, cols: usize) -> Vec<f64> {
    let mut out = vec![0.0; rows * cols];
    for j in 0..cols {
        for (r, x) in distribution(rng, rows).into_iter().enumerate() {
            out[r * cols + j] = x;
        }
    }
    out
}

fn random_model<S: SingleFactor>(rng: &mut SmallRng) -> Model<f64, S> {
    let x = &spec::factors::<S>()[0];
    let (n, u) = (x.states, x.controls);
    let mut a = Vec::new();
    for m in spec::modalities::<S>() {
        a.extend(columns(rng, m.outcomes, n));
    }
    // B[next, prev, u]: one random column per (prev, u).
    let b = columns(rng, n, n * u);
    let c = vec![0.0; spec::layout::<S>().outcomes];
    let d = distribution(rng, n);
    Model::from_slices(&a, &b, &c, &d).expect("random model")
}

/// What enumeration gives for a history of `T` steps.
struct Brute {
    log_evidence: f64,
    /// `p(s_t | o)`, `T × N`.
    smoothed: Vec<Vec<f64>>,
    /// `p(s_{t+1} = j, s_t = i | o)` at `[t][j * N + i]`.
    pairwise: Vec<Vec<f64>>,
    /// `p(s_t | o_{≤t})`.
    filtered: Vec<Vec<f64>>,
    /// `p(s_t | o_{<t})` (the prior, normalised, at `t = 0`).
    predicted: Vec<Vec<f64>>,
}

/// `l_t(s) = ∏_m max(A_m[o_m, s], MINVAL)`.
fn likelihood<S: Spec>(model: &Model<f64, S>, obs: &S::Observation, s: usize) -> f64 {
    let mut l = 1.0;
    for (m, &o) in obs.as_ref().iter().enumerate() {
        if o != MISSING {
            l *= model.a_entry(m, o, s).max(maths::MINVAL);
        }
    }
    l
}

/// Calls `f(path)` for each of the `n^len` state paths.
fn each_path(n: usize, len: usize, mut f: impl FnMut(&[usize])) {
    let mut path = vec![0; len];
    for mut k in 0..n.pow(len as u32) {
        for s in path.iter_mut().rev() {
            *s = k % n;
            k /= n;
        }
        f(&path);
    }
}

/// `p_0(s_0) ∏_{τ<len} B ∏_{τ<len, τ ≤ last_obs} l_τ` for a path prefix of length `len`,
/// observations counted up to index `last_obs` (exclusive bound `obs_upto`).
fn weight<S: Spec>(
    model: &Model<f64, S>,
    prior: &[f64],
    obs: &[S::Observation],
    acts: &[S::Action],
    path: &[usize],
    obs_upto: usize,
) -> f64 {
    let mut w = prior[path[0]];
    for (t, &s) in path.iter().enumerate() {
        if t > 0 {
            w *= model.b_entry(0, s, path[t - 1], acts[t - 1].as_ref()[0]);
        }
        if t < obs_upto {
            w *= likelihood(model, &obs[t], s);
        }
    }
    w
}

fn normalised(v: Vec<f64>) -> Vec<f64> {
    let z: f64 = v.iter().sum();
    v.into_iter().map(|x| x / z).collect()
}

fn brute<S: Spec>(
    model: &Model<f64, S>,
    prior: &[f64],
    obs: &[S::Observation],
    acts: &[S::Action],
) -> Brute {
    let n = prior.len();
    let t_len = obs.len();
    let mut z = 0.0;
    let mut smoothed = vec![vec![0.0; n]; t_len];
    let mut pairwise = vec![vec![0.0; n * n]; t_len - 1];
    each_path(n, t_len, |path| {
        let w = weight(model, prior, obs, acts, path, t_len);
        z += w;
        for (t, &s) in path.iter().enumerate() {
            smoothed[t][s] += w;
            if t + 1 < t_len {
                pairwise[t][path[t + 1] * n + s] += w;
            }
        }
    });
    smoothed.iter_mut().flatten().for_each(|x| *x /= z);
    pairwise.iter_mut().flatten().for_each(|x| *x /= z);
    let mut filtered = Vec::new();
    let mut predicted = Vec::new();
    for t in 0..t_len {
        let (mut f, mut p) = (vec![0.0; n], vec![0.0; n]);
        each_path(n, t + 1, |path| {
            f[path[t]] += weight(model, prior, obs, acts, path, t + 1);
            p[path[t]] += weight(model, prior, obs, acts, path, t);
        });
        filtered.push(normalised(f));
        predicted.push(normalised(p));
    }
    Brute {
        log_evidence: z.ln(),
        smoothed,
        pairwise,
        filtered,
        predicted,
    }
}

/// Pairwise in the `[j * N + i]` order of [`Brute::pairwise`].
fn pairs<S: Spec>(p: &Pairwise<f64, S>) -> Vec<f64> {
    let n = spec::factors::<S>()[0].states;
    (0..n)
        .flat_map(|j| (0..n).map(move |i| p.get(0, j, i)))
        .collect()
}

/// Checks the HMM and the exact filter + smoothers on one window against enumeration.
fn compare<S: SingleFactor, const H: usize>(
    model: &Model<f64, S>,
    prior: Belief<f64, S>,
    obs: &[S::Observation],
    acts: &[S::Action],
    smoother_tol: f64,
    what: &str,
) where
    Const<H>: Horizon,
{
    let want = brute(model, prior.as_slice(), obs, acts);
    let mut w = Window::<f64, S, H>::from_slices(prior, obs, acts).unwrap();
    let start = w.start();
    assert_eq!(H - start, obs.len(), "{what}: window length");

    let post = hmm::forward_backward(model, &w);
    assert_eq!(post.start, start);
    assert_close(
        &[post.log_evidence],
        &[want.log_evidence],
        TOL,
        &format!("{what}: ln p(o)"),
    );
    for t in 0..obs.len() {
        let s = start + t;
        let at = |x: &str| format!("{what}: {x}[{t}]");
        assert_close(
            post.smoothed[s].as_slice(),
            &want.smoothed[t],
            TOL,
            &at("smoothed"),
        );
        assert_close(
            post.filtered[s].as_slice(),
            &want.filtered[t],
            TOL,
            &at("filtered"),
        );
        assert_close(
            post.predicted[s].as_slice(),
            &want.predicted[t],
            TOL,
            &at("predicted"),
        );
        if t + 1 < obs.len() {
            assert_close(
                &pairs(&post.pairwise.as_ref()[s]),
                &want.pairwise[t],
                TOL,
                &at("pairwise"),
            );
            let n = prior.as_slice().len();
            // pymdp's convention: ξ / max(γ_{t+1}, MINVAL).
            let cond: Vec<f64> = (0..n * n)
                .map(|k| want.pairwise[t][k] / want.smoothed[t + 1][k / n].max(maths::MINVAL))
                .collect();
            assert_close(&pairs(&post.conditional(s)), &cond, TOL, &at("conditional"));
        }
    }
    for t in 0..start {
        assert_eq!(post.smoothed[t], prior, "{what}: padding slot {t}");
    }

    // Exact filtering (one FPI sweep) then either smoother: the RTS smoother, exact too.
    smoothing::filter(model, &mut w, Sweeps::Fixed(1));
    let mut marginals = [Belief::ZERO; H];
    let mut joints = <Const<H> as Horizon>::filled(Pairwise::ZERO);
    for exact in [false, true] {
        if exact {
            smoothing::smooth_exact(model, &w, &mut marginals, &mut joints).unwrap();
        } else {
            smoothing::smooth(model, &w, &mut marginals, &mut joints).unwrap();
        }
        let which = if exact { "smooth_exact" } else { "smooth" };
        // The sequence free energy at the smoothed joint is −ln p(o): the bound is tight.
        let f = vfe::sequence_joint(model, &w, &marginals, &joints).unwrap();
        assert_close(
            &[f.vfe],
            &[-want.log_evidence],
            1e-10,
            &format!("{what}: {which} VFE vs −ln p(o)"),
        );
        for t in 0..obs.len() {
            let s = start + t;
            let at = |x: &str| format!("{what}: {which} {x}[{t}]");
            assert_close(
                marginals[s].as_slice(),
                &want.smoothed[t],
                smoother_tol,
                &at("marginal"),
            );
            if t + 1 < obs.len() {
                assert_close(
                    &pairs(&joints.as_ref()[s]),
                    &want.pairwise[t],
                    smoother_tol,
                    &at("joint"),
                );
            }
        }
    }
}

/// Random windows of `len ≤ H` valid steps over random models of the spec `S`.
fn random_cases<S: SingleFactor, const H: usize>(seeds: core::ops::Range<u64>, len: usize)
where
    Const<H>: Horizon,
{
    let x = &spec::factors::<S>()[0];
    let ms = spec::modalities::<S>();
    for seed in seeds {
        let mut rng = SmallRng::seed_from_u64(seed);
        let model = random_model::<S>(&mut rng);
        let prior = Belief::<f64, S>::from_slice(&distribution(&mut rng, x.states)).unwrap();
        let obs: Vec<S::Observation> = (0..len)
            .map(|_| {
                let mut o = S::Observation::ZEROS;
                for (m, info) in ms.iter().enumerate() {
                    // One observation in six is missing.
                    o.as_mut()[m] = if rng.random_range(0..6) == 0 {
                        MISSING
                    } else {
                        rng.random_range(0..info.outcomes)
                    };
                }
                o
            })
            .collect();
        let acts: Vec<S::Action> = (1..len)
            .map(|_| {
                let mut a = S::Action::ZEROS;
                a.as_mut()[0] = rng.random_range(0..x.controls);
                a
            })
            .collect();
        let what = format!("{} states, H = {H}, {len} steps, seed {seed}", x.states);
        compare::<S, H>(&model, prior, &obs, &acts, TOL, &what);
    }
}

#[test]
fn two_states_match_enumeration() {
    random_cases::<n2::M, 2>(0..4, 2);
    random_cases::<n2::M, 3>(10..14, 3);
    random_cases::<n2::M, 5>(20..24, 5);
    random_cases::<n2::M, 5>(30..34, 3); // left-padded
}

#[test]
fn three_states_two_modalities_match_enumeration() {
    random_cases::<n3::M, 3>(40..44, 3);
    random_cases::<n3::M, 4>(50..54, 4);
    random_cases::<n3::M, 5>(60..63, 5);
    random_cases::<n3::M, 4>(70..74, 2); // left-padded
}

#[test]
fn four_states_match_enumeration() {
    random_cases::<n4::M, 2>(80..84, 2);
    random_cases::<n4::M, 4>(90..94, 4);
    random_cases::<n4::M, 5>(100..103, 5);
    random_cases::<n4::M, 5>(110..113, 1); // a single step: no transition
}

/// A model where state 2 is never reachable: `D(2) = 0` and no column of `B` leads to it,
/// and modality `O` tells states 0 and 1 apart exactly (`A` has zeros).
fn unreachable_model() -> Model<f64, n3::M> {
    // A_O (2 × 3): state 0 → outcome 0, state 1 → outcome 1, state 2 → either.
    let a_o = [1.0, 0.0, 0.5, 0.0, 1.0, 0.5];
    // A_P (3 × 3).
    let a_p = [0.6, 0.2, 0.3, 0.3, 0.5, 0.3, 0.1, 0.3, 0.4];
    // B[next, prev, u]: u = 0 swaps 0 and 1 (2 → 0); u = 1 keeps 0 and 1 (2 → 1).
    let mut b = [0.0; 18];
    let mut set = |next: usize, prev: usize, u: usize| b[(next * 3 + prev) * 2 + u] = 1.0;
    for (prev, next0, next1) in [(0, 1, 0), (1, 0, 1), (2, 0, 1)] {
        set(next0, prev, 0);
        set(next1, prev, 1);
    }
    let a: Vec<f64> = [&a_o[..], &a_p[..]].concat();
    Model::from_slices(&a, &b, &[0.0; 5], &[0.5, 0.5, 0.0]).unwrap()
}

fn all_finite<S: Spec>(beliefs: &[Belief<f64, S>]) -> bool {
    beliefs
        .iter()
        .all(|q| q.as_slice().iter().all(|x| x.is_finite()))
}

#[test]
fn unreachable_state_gives_no_nan() {
    let model = unreachable_model();
    let prior = *model.d();
    // Consistent with the dynamics: 0 -(swap)-> 1 -(keep)-> 1 -(swap)-> 0 -(keep)-> 0.
    let obs = [[0, 2], [1, 0], [1, MISSING], [0, 1], [0, 0]];
    let acts = [[0], [1], [0], [1]];
    // The filter leaves the unreachable state a mass of order MINVAL (FPI's ln max(p, MINVAL)),
    // so the smoothers agree with enumeration to that order, not exactly.
    compare::<n3::M, 5>(&model, prior, &obs, &acts, 1e-12, "unreachable state");
    let post = hmm::forward_backward(&model, &Window::from_history(prior, obs, acts).unwrap());
    for t in 0..5 {
        assert_eq!(
            post.smoothed[t].factor(0)[2],
            0.0,
            "HMM keeps zeros exactly"
        );
        assert_eq!(post.filtered[t].factor(0)[2], 0.0);
    }

    // The smoother divides by predicted probabilities that are exactly 0 (state 2 at every
    // step after the first), the case that gives NaN without a guard (pymdp #428).
    let mut w = Window::<f64, n3::M, 5>::from_history(prior, obs, acts).unwrap();
    smoothing::filter(&model, &mut w, Sweeps::Fixed(1));
    let mut predicted = Belief::ZERO;
    actinf::inference::predict(&model, &acts[0], &w.beliefs()[0], &mut predicted);
    assert_eq!(
        predicted.factor(0)[2],
        0.0,
        "the test exercises a zero denominator"
    );

    // An observation that contradicts the dynamics (outcome 1 where only state 0 is
    // possible): every path has likelihood clipped at MINVAL; still no NaN, and the
    // posteriors are distributions.
    let bad = [[0, 2], [0, 0], [1, MISSING], [0, 1], [1, 0]];
    for (consistent, obs) in [(true, obs), (false, bad)] {
        let mut w = Window::<f64, n3::M, 5>::from_history(prior, obs, acts).unwrap();
        smoothing::filter(&model, &mut w, Sweeps::Fixed(1));
        assert!(all_finite(w.beliefs()), "filtered: {:?}", w.beliefs());
        let mut marginals = [Belief::ZERO; 5];
        let mut joints = [Pairwise::ZERO; 4];
        for exact in [false, true] {
            if exact {
                smoothing::smooth_exact(&model, &w, &mut marginals, &mut joints).unwrap();
            } else {
                smoothing::smooth(&model, &w, &mut marginals, &mut joints).unwrap();
            }
            assert!(all_finite(&marginals), "smoothed: {marginals:?}");
            assert!(
                joints
                    .iter()
                    .all(|j| j.as_slice().iter().all(|x| x.is_finite()))
            );
            let sums: Vec<f64> = marginals
                .iter()
                .map(|q| q.as_slice().iter().sum())
                .collect();
            if consistent || exact {
                for &sum in &sums {
                    assert!((sum - 1.0).abs() < 1e-9, "smoothed sums to {sum}");
                }
            } else {
                // With contradictory evidence the filter's MINVAL-sized prior mass on state 2
                // competes with MINVAL-clipped likelihoods and wins: the filter puts real mass
                // on a state the next prediction gives 0. Its row of c_t is zero, so that mass
                // is dropped: pymdp's `smoothing_ovf` does not renormalise (sums below 1),
                // `smoothing_exact` does (above).
                assert!(
                    sums.iter().all(|&s| s > 0.0 && s <= 1.0 + 1e-12),
                    "{sums:?}"
                );
                assert!(sums.iter().any(|&s| s < 0.99), "{sums:?}");
            }
            if consistent {
                for q in &marginals {
                    assert!(q.factor(0)[2] < 1e-12, "unreachable state: {q:?}");
                }
            }
        }
        let post = hmm::forward_backward(&model, &w);
        assert!(post.log_evidence.is_finite());
        for beliefs in [&post.filtered, &post.predicted, &post.smoothed] {
            assert!(all_finite(beliefs), "{post:?}");
        }
        for t in 0..4 {
            let xi = post.pairwise[t].as_slice();
            let c = post.conditional(t);
            assert!(xi.iter().chain(c.as_slice()).all(|x| x.is_finite()));
            assert!((xi.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }
    // The contradiction costs about ln MINVAL ≈ −36 of evidence.
    let good = hmm::forward_backward(&model, &Window::from_history(prior, obs, acts).unwrap());
    let worse = hmm::forward_backward(&model, &Window::from_history(prior, bad, acts).unwrap());
    assert!(worse.log_evidence < good.log_evidence - 30.0);
}
