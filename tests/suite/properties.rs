//! Property tests (issue #13, item 5): invariants of the public API over random models of
//! several shapes, in `f64` and `f32`.
//!
//! Shapes (see the `model!` blocks below): one factor with policies of length 2 ([`One`]);
//! two factors with a modality over both and one over the second, with 3 and 5 outcomes
//! ([`Two`]); a factor whose `B` depends on another factor ([`Dep`]).
//!
//! Every model is drawn from a [`Case`]: a seed for a `SmallRng` that fills `A`, `B`, `C` and
//! `D` column by column, plus proptest-drawn knobs — the probability of an exact zero in a
//! column of `A`, `B` and `D`, near-deterministic or exactly one-hot `B` columns, `|C|` up to
//! 1e4, γ and α up to 1e6, stochastic or deterministic, full or marginal selection. The
//! `extreme` strategy pins those knobs at their limits.
//!
//! Properties:
//! * beliefs (FPI, the empirical prior, MMP and VMP over a window) and `q_π` are finite,
//!   within `[0, 1]`, and sum to 1 within [`sum_tol`]; `neg_efe` is finite;
//! * a batch of 3 agents (`Shared` and `PerAgent` models; FPI, and MMP over windows)
//!   computes bit for bit what 3 single agents compute;
//! * the FPI output is a fixed point of one more sweep within [`FIXED_POINT_TOL_F64`] /
//!   [`FIXED_POINT_TOL_F32`];
//! * learning keeps the counts finite, non-negative and positive where they were, structural
//!   zeros at zero (`Zeros::Keep`), and `A`, `B` normalised;
//! * no panic for any input (observations and actions in or out of range, `MISSING`, γ, α,
//!   learning rates and forgetting rates valid or not, random learning rules), every call
//!   the validators accept returns finite, normalised values, and every valid input is
//!   accepted. Finite rates are drawn within ±1e30 here; `mod known` draws them up to
//!   `f64::MAX` (counting refuses an update that could carry a column's total near the
//!   largest finite value: `mod bugs` holds the reproductions of that former bug).
//!
//! Cases: 256 per property by default (`cargo test --test suite properties::`, a few seconds at the
//! test profile's opt-level 1). For 10^4 cases per property set `PROPTEST_CASES`:
//!
//! ```text
//! PROPTEST_CASES=10000 cargo test --release --test suite properties::
//! ```
//!
//! or run the `#[ignore]`d twins in `mod ten_thousand` (10^4 cases each; about 70 s at the
//! test profile on two cores):
//!
//! ```text
//! cargo test --test suite properties::ten_thousand -- --ignored
//! ```
//!
//! `mod known` holds two more ignored properties, which fail: FPI as a fixed point of one
//! more sweep (the algorithm's 2-cycles, see [`fpi_two_cycle`]), which fails, and `no_panic`
//! with learning rates up to `f64::MAX`, which passes since counting checks its headroom.
//! `cargo test --test suite properties:: -- --ignored` runs all of them; the `ten_thousand` filter
//! above runs only the passing ones.

use actinf::config::{ActionSelection, NoveltyWeight, SamplingMode};
use actinf::inference::{Mmp, Vmp};
use actinf::learn::{Counting, Forgetting, Learning, Zeros};
use actinf::spec::{self, IndexArray};
use actinf::{
    Agent, Belief, BeliefBatch, Config, DirichletA, DirichletB, MISSING, Model, Real, Spec,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::{RngExt, SeedableRng, rngs::SmallRng};

mod shapes {
    actinf::model! {
        /// One factor, one modality with more outcomes than states.
        pub One { factors { F: 3 controlled_by 3 } modalities { O: 4 depends_on [F] } }
    }
    actinf::model! {
        /// Two controlled factors; a modality over both, one over the second.
        pub Two {
            factors { F0: 3 controlled_by 2, F1: 2 controlled_by 2 }
            modalities { Both: 3 depends_on [F0, F1], Second: 5 depends_on [F1] }
        }
    }
    actinf::model! {
        /// `B[Ctx]` depends on `Pos` (an uncontrolled factor with two parents).
        pub Dep {
            factors { Pos: 3 controlled_by 3, Ctx: 2 depends_on [Pos, Ctx] }
            modalities { See: 2 depends_on [Pos], Hear: 4 depends_on [Pos, Ctx] }
        }
    }
}
use shapes::{Dep, One, Two};

// ---------------------------------------------------------------------------------------
// Tolerances.
// ---------------------------------------------------------------------------------------

/// Tolerance on `|Σ q − 1|` for a distribution of at most 9 entries computed by a softmax
/// or a normalisation in `T` (beliefs, `q_π`, learned `A` and `B` columns): each entry
/// carries a relative rounding error of a few ulps. Largest observed over 2000 cases of
/// every property: 5.6e-16 in f64 (2.5 ε), 2.7e-7 in f32 (2.3 ε); the tolerances leave a
/// factor ~20: 1e-14 and 5e-6.
fn sum_tol<T: Real>() -> f64 {
    if is_f32::<T>() { 5e-6 } else { 1e-14 }
}

/// Is `T` single precision?
fn is_f32<T: Real>() -> bool {
    T::lit(1.0 + 1e-10) == T::ONE
}

/// FPI over several factors runs parallel (Jacobi) sweeps without damping, as pymdp 1.0
/// does; it need not converge to a fixed point. With two factors (every multi-factor shape
/// here), sweep `k + 1` of each factor reads only the other factor's sweep `k`, so the even
/// and the odd sweeps are two coordinate-ascent chains on the free energy, each converging:
/// the sweeps settle into a fixed point or a 2-cycle. The property checked is therefore
/// "sweeps [`N_PROBE`] and `N_PROBE + 2` agree within this tolerance (max-abs)". The chains
/// converge linearly, sometimes slowly (near a bifurcation the rate approaches 1, so no
/// finite sweep count bounds the gap): after 256 sweeps, 5 of 3·10^4 f64 runs (10^4 cases,
/// 3 steps) still moved by more than 1e-9, up to 4.8e-5; after 1024 sweeps the largest move
/// seen over two 10^4-case runs was 8.8e-7 (seed 7015893544952220805, `Dep`), hence 1e-5.
/// The stronger "sweep 17 equals sweep 16" fails (see [`fpi_two_cycle`] and the ignored
/// `fpi_is_a_fixed_point_of_one_more_sweep`).
const FIXED_POINT_TOL_F64: f64 = 1e-5;
/// As [`FIXED_POINT_TOL_F64`] in f32: the chains also stall at f32 rounding and flip between
/// neighbouring floats; after 1024 sweeps the largest move over 3·10^4 runs was 3.8e-6
/// (32 ulps at 1); 5e-5 covers that and the slow chains above.
const FIXED_POINT_TOL_F32: f64 = 5e-5;
/// Sweeps before the comparison.
const N_PROBE: usize = 1024;
/// Two more: one period of a 2-cycle.
const EXTRA_PROBE: usize = 2;

/// The number of cases per property: `PROPTEST_CASES` if set, else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(cases())
}

fn config_10k() -> ProptestConfig {
    ProptestConfig::with_cases(10_000)
}

// ---------------------------------------------------------------------------------------
// Random models.
// ---------------------------------------------------------------------------------------

/// One random model and agent configuration.
#[derive(Clone, Debug)]
struct Case {
    /// Seed of the `SmallRng` that fills the tensors and draws observations and actions.
    seed: u64,
    /// Probability of an exact zero at each entry of a column of `A`, `B`, `D`.
    zeros: f64,
    /// Probability that a `B` column is one-hot (exactly) or near-deterministic.
    sharp_b: f64,
    /// Draw `A` columns near-deterministic too.
    sharp_a: bool,
    /// `C` entries uniform in `[−c, c]`.
    c: f64,
    /// Policy precision γ.
    gamma: f64,
    /// Action precision α.
    alpha: f64,
    stochastic: bool,
    marginal: bool,
}

/// A precision: 0, ordinary values, large ones, or the 1e6 limit.
fn precision() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        4 => 0.0..16.0f64,
        2 => 16.0..1e6f64,
        1 => Just(1e6),
    ]
}

/// A preference scale: none, ordinary, large, the 1e4 limit.
fn c_scale() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        4 => 0.0..8.0f64,
        2 => 8.0..1e4f64,
        1 => Just(1e4),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        prop_oneof![Just(0.0), 0.0..0.6f64],
        prop_oneof![Just(0.0), 0.0..1.0f64, Just(1.0)],
        any::<bool>(),
        c_scale(),
        precision(),
        precision(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(seed, zeros, sharp_b, sharp_a, c, gamma, alpha, stochastic, marginal)| Case {
                seed,
                zeros,
                sharp_b,
                sharp_a,
                c,
                gamma,
                alpha,
                stochastic,
                marginal,
            },
        )
}

/// Extreme but valid: many exact zeros, near-deterministic `B` and `A`, `|C| = 1e4`,
/// γ and α at 1e6.
fn extreme() -> impl Strategy<Value = Case> {
    (any::<u64>(), any::<bool>(), any::<bool>(), 0.3..0.8f64).prop_map(
        |(seed, stochastic, marginal, zeros)| Case {
            seed,
            zeros,
            sharp_b: 1.0,
            sharp_a: true,
            c: 1e4,
            gamma: 1e6,
            alpha: 1e6,
            stochastic,
            marginal,
        },
    )
}

/// A `(rows, cols)` tensor in pymdp's C order (first axis the distribution), every column
/// normalised: `zeros` is the probability of an exact zero; a sharp column is one-hot or
/// `1 − ε` on one entry with `ε` in `[1e-12, 1e-3]` spread over the others.
fn columns(rng: &mut SmallRng, rows: usize, cols: usize, zeros: f64, sharp: f64) -> Vec<f64> {
    let mut out = vec![0.0; rows * cols];
    for j in 0..cols {
        let mut col: Vec<f64> = if rng.random::<f64>() < sharp {
            let hot = rng.random_range(0..rows);
            let eps = if rng.random::<bool>() {
                0.0
            } else {
                10f64.powf(-rng.random_range(3.0..12.0))
            };
            (0..rows)
                .map(|r| {
                    if r == hot {
                        1.0 - eps
                    } else if rng.random::<f64>() < zeros {
                        0.0
                    } else {
                        eps / rows as f64
                    }
                })
                .collect()
        } else {
            (0..rows)
                .map(|_| {
                    if rng.random::<f64>() < zeros {
                        0.0
                    } else {
                        rng.random_range(1e-3..1.0)
                    }
                })
                .collect()
        };
        if col.iter().all(|&x| x == 0.0) {
            col[rng.random_range(0..rows)] = 1.0;
        }
        let s: f64 = col.iter().sum();
        for (r, x) in col.iter().enumerate() {
            out[r * cols + j] = x / s;
        }
    }
    out
}

/// The flat tensors (pymdp's C order) of a random model of spec `S`.
struct Flat {
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
    d: Vec<f64>,
}

fn flat<S: Spec>(case: &Case, rng: &mut SmallRng) -> Flat {
    let mut a = Vec::new();
    let mut c = Vec::new();
    for m in spec::modalities::<S>() {
        let sharp = if case.sharp_a { 0.7 } else { 0.0 };
        a.extend(columns(rng, m.outcomes, m.parents.joint, case.zeros, sharp));
        c.extend((0..m.outcomes).map(|_| {
            if case.c == 0.0 {
                0.0
            } else {
                rng.random_range(-case.c..=case.c)
            }
        }));
    }
    let mut b = Vec::new();
    let mut d = Vec::new();
    for f in spec::factors::<S>() {
        b.extend(columns(
            rng,
            f.states,
            f.parents.joint * f.controls,
            case.zeros,
            case.sharp_b,
        ));
        d.extend(columns(rng, f.states, 1, case.zeros, 0.0));
    }
    Flat { a, b, c, d }
}

fn cast<T: Real>(x: &[f64]) -> Vec<T> {
    x.iter().map(|&v| T::lit(v)).collect()
}

fn model_of<T: Real, S: Spec>(f: &Flat) -> Model<T, S> {
    Model::from_slices(&cast(&f.a), &cast(&f.b), &cast(&f.c), &cast(&f.d))
        .expect("a random model with normalised columns is valid")
}

fn agent_config<T: Real>(case: &Case) -> Config<T> {
    Config::default()
        .gamma(case.gamma)
        .alpha(case.alpha)
        .action_selection(if case.stochastic {
            ActionSelection::Stochastic
        } else {
            ActionSelection::Deterministic
        })
        .sampling_mode(if case.marginal {
            SamplingMode::Marginal
        } else {
            SamplingMode::Full
        })
}

/// A random observation: each modality an outcome in range, or `MISSING` (one in five).
fn observation<S: Spec>(rng: &mut SmallRng) -> S::Observation {
    let mut o = S::Observation::ZEROS;
    for (x, m) in o.as_mut().iter_mut().zip(spec::modalities::<S>()) {
        *x = if rng.random_range(0..5) == 0 {
            MISSING
        } else {
            rng.random_range(0..m.outcomes)
        };
    }
    o
}

/// A random action in range.
fn action<S: Spec>(rng: &mut SmallRng) -> S::Action {
    let mut u = S::Action::ZEROS;
    for (x, f) in u.as_mut().iter_mut().zip(spec::factors::<S>()) {
        *x = rng.random_range(0..f.controls);
    }
    u
}

// ---------------------------------------------------------------------------------------
// Checks.
// ---------------------------------------------------------------------------------------

/// A finite distribution: entries in `[0, 1]`, sum within [`sum_tol`] of 1.
fn check_dist<T: Real>(p: &[T], what: &str) -> Result<(), TestCaseError> {
    let mut sum = 0.0;
    for (i, &x) in p.iter().enumerate() {
        let x = x.as_f64();
        prop_assert!(
            x.is_finite() && (0.0..=1.0 + sum_tol::<T>()).contains(&x),
            "{what}[{i}] = {x:e} in {p:?}"
        );
        sum += x;
    }
    prop_assert!(
        (sum - 1.0).abs() <= sum_tol::<T>(),
        "{what}: sums to {sum} (|Σ − 1| = {:e}) in {p:?}",
        (sum - 1.0).abs()
    );
    Ok(())
}

fn check_belief<T: Real, S: Spec>(q: &Belief<T, S>, what: &str) -> Result<(), TestCaseError> {
    for f in 0..spec::factors::<S>().len() {
        check_dist(q.factor(f), &format!("{what} factor {f}"))?;
    }
    Ok(())
}

fn check_finite<T: Real>(x: &[T], what: &str) -> Result<(), TestCaseError> {
    prop_assert!(x.iter().all(|v| v.is_finite()), "{what} not finite: {x:?}");
    Ok(())
}

fn check_action<S: Spec>(u: &S::Action) -> Result<(), TestCaseError> {
    for (x, f) in u.as_ref().iter().zip(spec::factors::<S>()) {
        prop_assert!(*x < f.controls, "action {u:?} out of range");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 1: beliefs and q_π are distributions (FPI, empirical prior, MMP, VMP).
// ---------------------------------------------------------------------------------------

const STEPS: usize = 4;

fn distributions<T: Real, S: Spec, const L: usize, const NP: usize>(
    case: &Case,
) -> Result<(), TestCaseError> {
    let mut rng = SmallRng::seed_from_u64(case.seed);
    let f = flat::<S>(case, &mut rng);
    let agent = Agent::<T, S, L, NP>::new(model_of(&f), agent_config(case)).unwrap();

    // FPI loop.
    let mut prior = agent.initial_prior();
    for t in 0..STEPS {
        let obs = [observation::<S>(&mut rng)];
        let qs = agent.infer_states(&obs, &prior).unwrap();
        check_belief(qs.belief(0), &format!("fpi qs t={t}"))?;
        let (q_pi, neg_efe) = agent.infer_policies(&qs).unwrap();
        check_dist(q_pi[0].as_slice(), &format!("fpi q_pi t={t}"))?;
        check_finite(neg_efe[0].as_slice(), "neg_efe")?;
        let u = agent.sample_action(&q_pi, &mut rng).unwrap();
        check_action::<S>(&u[0])?;
        prior = agent.update_empirical_prior(&u, &qs).unwrap();
        check_belief(prior.belief(0), &format!("empirical prior t={t}"))?;
    }

    // Sequence methods over a window of 3 (the loop runs past it: the window shifts).
    let mmp = agent.clone().with_method::<Mmp<3>>();
    let vmp = agent.with_method::<Vmp<3>>();
    let mut wm = mmp.initial_windows();
    let mut wv = vmp.initial_windows();
    for t in 0..STEPS + 1 {
        let obs = [observation::<S>(&mut rng)];
        mmp.observe(&mut wm, &obs).unwrap();
        vmp.observe(&mut wv, &obs).unwrap();
        mmp.infer_states(&mut wm).unwrap();
        vmp.infer_states(&mut wv).unwrap();
        for (name, w) in [("mmp", &wm[0]), ("vmp", &wv[0])] {
            check_belief(w.prior(), &format!("{name} window prior t={t}"))?;
            for s in w.start()..3 {
                check_belief(&w.beliefs()[s], &format!("{name} q[{s}] t={t}"))?;
            }
        }
        let (q_pi, neg_efe) = mmp.infer_policies(&wm).unwrap();
        check_dist(q_pi[0].as_slice(), &format!("mmp q_pi t={t}"))?;
        check_finite(neg_efe[0].as_slice(), "mmp neg_efe")?;
        let (q_pi, _) = vmp.infer_policies(&wv).unwrap();
        check_dist(q_pi[0].as_slice(), &format!("vmp q_pi t={t}"))?;
        let u = [action::<S>(&mut rng)];
        mmp.act(&mut wm, &u).unwrap();
        vmp.act(&mut wv, &u).unwrap();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 2: a batch computes what single agents compute.
// ---------------------------------------------------------------------------------------

fn batch_equals_singles<T: Real, S: Spec, const L: usize, const NP: usize>(
    case: &Case,
) -> Result<(), TestCaseError> {
    const B: usize = 3;
    let mut rng = SmallRng::seed_from_u64(case.seed);
    let models: [Model<T, S>; B] = core::array::from_fn(|_| model_of(&flat::<S>(case, &mut rng)));
    // Per-agent configurations differ in γ.
    let configs: [Config<T>; B] = core::array::from_fn(|b| {
        let c = agent_config::<T>(case);
        c.gamma(case.gamma * [1.0, 0.5, 2.0][b])
    });

    // Shared model and configuration.
    let shared = Agent::<T, S, L, NP, B>::new(models[0].clone(), configs[0]).unwrap();
    let single = Agent::<T, S, L, NP>::new(models[0].clone(), configs[0]).unwrap();
    // One model and configuration per agent.
    let per = Agent::<T, S, L, NP, B>::from_models(models.clone(), configs).unwrap();
    let singles: [Agent<T, S, L, NP>; B] =
        core::array::from_fn(|b| Agent::new(models[b].clone(), configs[b]).unwrap());

    let mut p_shared = shared.initial_prior();
    let mut p_per = per.initial_prior();
    for _ in 0..3 {
        let obs: [S::Observation; B] = core::array::from_fn(|_| observation::<S>(&mut rng));
        let seed = rng.random::<u64>();

        // Shared.
        let qs = shared.infer_states(&obs, &p_shared).unwrap();
        let (q_pi, neg_efe) = shared.infer_policies(&qs).unwrap();
        let u = shared
            .sample_action(&q_pi, &mut SmallRng::seed_from_u64(seed))
            .unwrap();
        let next = shared.update_empirical_prior(&u, &qs).unwrap();
        let mut r1 = SmallRng::seed_from_u64(seed);
        for b in 0..B {
            let q1 = single
                .infer_states(&[obs[b]], &[*p_shared.belief(b)])
                .unwrap();
            prop_assert_eq!(q1.belief(0), qs.belief(b), "shared qs, agent {}", b);
            let (qp1, g1) = single.infer_policies(&q1).unwrap();
            prop_assert_eq!(qp1[0], q_pi[b]);
            prop_assert_eq!(g1[0], neg_efe[b]);
            // Stochastic draws come from the one generator, agent by agent.
            let u1 = single.sample_action(&qp1, &mut r1).unwrap();
            prop_assert_eq!(u1[0], u[b]);
            let n1 = single.update_empirical_prior(&u1, &q1).unwrap();
            prop_assert_eq!(n1.belief(0), next.belief(b));
        }
        p_shared = next;

        // Per agent.
        let qs = per.infer_states(&obs, &p_per).unwrap();
        let (q_pi, neg_efe) = per.infer_policies(&qs).unwrap();
        let u = per
            .sample_action(&q_pi, &mut SmallRng::seed_from_u64(seed))
            .unwrap();
        let next = per.update_empirical_prior(&u, &qs).unwrap();
        let mut r1 = SmallRng::seed_from_u64(seed);
        for (b, one) in singles.iter().enumerate() {
            let q1 = one.infer_states(&[obs[b]], &[*p_per.belief(b)]).unwrap();
            prop_assert_eq!(q1.belief(0), qs.belief(b), "per-agent qs, agent {}", b);
            let (qp1, g1) = one.infer_policies(&q1).unwrap();
            prop_assert_eq!(qp1[0], q_pi[b]);
            prop_assert_eq!(g1[0], neg_efe[b]);
            let u1 = one.sample_action(&qp1, &mut r1).unwrap();
            prop_assert_eq!(u1[0], u[b]);
            let n1 = one.update_empirical_prior(&u1, &q1).unwrap();
            prop_assert_eq!(n1.belief(0), next.belief(b));
        }
        p_per = next;
    }

    // Sequence inference (MMP over a window of 3, per-agent models): each agent's window
    // posteriors and policy posterior equal a single agent's, run past the window's length.
    let batch = per.with_method::<Mmp<3>>();
    let ones: [_; B] = singles.map(|a| a.with_method::<Mmp<3>>());
    let mut wb = batch.initial_windows();
    let mut w1: [_; B] = core::array::from_fn(|b| ones[b].initial_windows());
    for t in 0..5 {
        let obs: [S::Observation; B] = core::array::from_fn(|_| observation::<S>(&mut rng));
        batch.observe(&mut wb, &obs).unwrap();
        batch.infer_states(&mut wb).unwrap();
        let (q_pi, neg_efe) = batch.infer_policies(&wb).unwrap();
        let u: [S::Action; B] = core::array::from_fn(|_| action::<S>(&mut rng));
        for b in 0..B {
            ones[b].observe(&mut w1[b], &[obs[b]]).unwrap();
            ones[b].infer_states(&mut w1[b]).unwrap();
            prop_assert_eq!(
                w1[b][0].beliefs(),
                wb[b].beliefs(),
                "mmp t={} agent {}",
                t,
                b
            );
            prop_assert_eq!(w1[b][0].prior(), wb[b].prior());
            let (qp1, g1) = ones[b].infer_policies(&w1[b]).unwrap();
            prop_assert_eq!(qp1[0], q_pi[b]);
            prop_assert_eq!(g1[0], neg_efe[b]);
            ones[b].act(&mut w1[b], &[u[b]]).unwrap();
        }
        batch.act(&mut wb, &u).unwrap();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 3: the FPI output is a fixed point of one more sweep.
// ---------------------------------------------------------------------------------------

/// Runs FPI with exactly `n` sweeps and exactly `n + extra`, from the same observation and
/// prior, over 3 steps of a random model, and asserts the two outputs are within `tol`
/// (max-abs). Also: stopping early at an exact fixed point (the default) gives exactly the
/// `n`-sweep result, and one factor is exact after one pass.
fn fpi_fixed_point<T: Real, S: Spec, const L: usize, const NP: usize>(
    case: &Case,
    n: usize,
    extra: usize,
    tol: f64,
) -> Result<(), TestCaseError> {
    let mut rng = SmallRng::seed_from_u64(case.seed);
    let f = flat::<S>(case, &mut rng);
    let model = model_of::<T, S>(&f);
    // `constant_time`: exactly k sweeps.
    let at = |k: usize, constant_time: bool| {
        Agent::<T, S, L, NP>::new(
            model.clone(),
            Config::default().num_iter(k).constant_time(constant_time),
        )
        .unwrap()
    };
    let (a_n, a_more, early) = (at(n, true), at(n + extra, true), at(n, false));
    let mut prior = a_n.initial_prior();
    for t in 0..3 {
        let obs = [observation::<S>(&mut rng)];
        let q = a_n.infer_states(&obs, &prior).unwrap();
        let q1 = a_more.infer_states(&obs, &prior).unwrap();
        // Stopping early at an exact fixed point gives the same result as every sweep.
        let q_early = early.infer_states(&obs, &prior).unwrap();
        prop_assert_eq!(q_early.belief(0), q.belief(0));
        let diff = q
            .belief(0)
            .as_slice()
            .iter()
            .zip(q1.belief(0).as_slice())
            .map(|(a, b)| (a.as_f64() - b.as_f64()).abs())
            .fold(0.0, f64::max);
        prop_assert!(
            diff <= tol,
            "{} {}, t={t}: sweeps {n} and {} differ by {diff:e}\n  {:?}\n  {:?}",
            S::NAME,
            core::any::type_name::<T>(),
            n + extra,
            q.belief(0),
            q1.belief(0)
        );
        if spec::factors::<S>().len() == 1 {
            // One factor: the single pass is exact.
            prop_assert_eq!(q.belief(0), q1.belief(0));
        }
        prior = a_n
            .update_empirical_prior(&[action::<S>(&mut rng)], &q)
            .unwrap();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 4: learning keeps counts positive and A, B normalised.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Rule {
    lr_a: f64,
    lr_b: f64,
    pymdp_zeros: bool,
    decay: Option<f64>,
    heuristic: bool,
    /// Concentration scale of the prior counts.
    scale: f64,
}

fn rule() -> impl Strategy<Value = Rule> {
    (
        prop_oneof![Just(0.0), 0.0..4.0f64, Just(1e3)],
        prop_oneof![Just(0.0), 0.0..4.0f64, Just(1e3)],
        any::<bool>(),
        prop_oneof![Just(None), (0.5..=1.0f64).prop_map(Some)],
        any::<bool>(),
        prop_oneof![0.01..1.0f64, 1.0..100.0f64],
    )
        .prop_map(|(lr_a, lr_b, pymdp_zeros, decay, heuristic, scale)| Rule {
            lr_a,
            lr_b,
            pymdp_zeros,
            decay,
            heuristic,
            scale,
        })
}

fn learning<T: Real>(r: &Rule) -> Learning<T> {
    let mut l = Learning::new(r.lr_a, r.lr_b).zeros(if r.pymdp_zeros {
        Zeros::Pymdp
    } else {
        Zeros::Keep
    });
    if let Some(rate) = r.decay {
        l = l.forgetting(Forgetting::Decay { rate: T::lit(rate) });
    }
    if r.heuristic {
        l = l.novelty(NoveltyWeight::Heuristic);
    }
    l
}

/// Every `A` and `B` column of `model` sums to 1 with entries in `[0, 1]`.
fn check_normalised<T: Real, S: Spec>(
    model: &Model<T, S>,
    what: &str,
) -> Result<(), TestCaseError> {
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        for (j, col) in model.likelihood(m).chunks_exact(info.outcomes).enumerate() {
            check_dist(col, &format!("{what}: A[{m}] column {j}"))?;
        }
    }
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let bf = &model.b()[info.transition_offset..][..info.transition_len()];
        for (j, col) in bf.chunks_exact(info.states).enumerate() {
            check_dist(col, &format!("{what}: B[{f}] column {j}"))?;
        }
    }
    Ok(())
}

/// Counts finite and non-negative; positive counts stay positive; under `Zeros::Keep`, zero
/// counts stay zero.
fn check_counts<T: Real>(
    before: &[T],
    after: &[T],
    keep: bool,
    what: &str,
) -> Result<(), TestCaseError> {
    for (i, (&x0, &x1)) in before.iter().zip(after).enumerate() {
        prop_assert!(x1.is_finite() && x1 >= T::ZERO, "{what}[{i}] = {x1:?}");
        if x0 > T::ZERO {
            prop_assert!(x1 > T::ZERO, "{what}[{i}]: {x0:?} became {x1:?}");
        } else if keep {
            prop_assert!(x1 == T::ZERO, "{what}[{i}]: structural zero became {x1:?}");
        }
    }
    Ok(())
}

fn learning_keeps_normalised<T: Real, S: Spec, const L: usize, const NP: usize>(
    case: &Case,
    r: &Rule,
) -> Result<(), TestCaseError> {
    let mut rng = SmallRng::seed_from_u64(case.seed);
    let f = flat::<S>(case, &mut rng);
    let mut agent = Agent::<T, S, L, NP>::new(model_of(&f), agent_config(case)).unwrap();
    let scaled = |x: &[f64]| -> Vec<T> { x.iter().map(|&v| T::lit(v * r.scale)).collect() };
    let mut pa = DirichletA::<T, S>::from_slice(&scaled(&f.a)).unwrap();
    let mut pb = DirichletB::<T, S>::from_pymdp_slice(&scaled(&f.b)).unwrap();
    let rule = learning::<T>(r);
    let keep = !r.pymdp_zeros;
    let mut prior = agent.initial_prior();
    let mut previous: Option<(Belief<T, S>, S::Action)> = None;
    for t in 0..STEPS {
        let obs = observation::<S>(&mut rng);
        let q = *agent.infer_states(&[obs], &prior).unwrap().belief(0);
        let (pa0, pb0) = (pa, pb);
        agent
            .learn_step(
                0,
                &obs,
                &q,
                previous.as_ref().map(|(q, u)| (q, u)),
                Some(&mut pa),
                Some(&mut pb),
                &rule,
            )
            .unwrap();
        check_counts(pa0.as_slice(), pa.as_slice(), keep, &format!("pA t={t}"))?;
        check_counts(pb0.as_slice(), pb.as_slice(), keep, &format!("pB t={t}"))?;
        check_normalised(agent.model(0), &format!("t={t}"))?;
        let u = [action::<S>(&mut rng)];
        prior = agent.update_empirical_prior(&u, &[q]).unwrap();
        check_belief(prior.belief(0), "prior after learning")?;
        previous = Some((q, u[0]));
    }
    let (q_pi, _) = agent.infer_policies(&prior).unwrap();
    check_dist(q_pi[0].as_slice(), "q_pi after learning")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 5: no panic for any input; what the validators accept gives finite values.
// ---------------------------------------------------------------------------------------

/// Arbitrary inputs: observations and actions possibly out of range, arbitrary rates.
#[derive(Clone, Debug)]
struct Wild {
    seed: u64,
    lr: f64,
    decay: f64,
}

/// Rates and precisions: valid, invalid (negative, NaN, ∞) and, with `huge`, any `f64`
/// (finite values up to `f64::MAX`, often near it); without, finite values stay within
/// ±1e30.
fn wild_float(huge: bool) -> impl Strategy<Value = f64> {
    let any_value = if huge {
        prop_oneof![any::<f64>(), 1e307..f64::MAX, Just(f64::MAX)].boxed()
    } else {
        prop_oneof![-1e30..1e30f64, -1.0..1.0f64].boxed()
    };
    prop_oneof![
        Just(0.0),
        Just(-1.0),
        Just(1e-30),
        Just(0.5),
        Just(1.0),
        Just(2.0),
        Just(1e6),
        Just(f64::NAN),
        Just(f64::INFINITY),
        any_value,
    ]
}

fn wild(huge: bool) -> impl Strategy<Value = Wild> {
    (any::<u64>(), wild_float(huge), wild_float(huge)).prop_map(|(seed, lr, decay)| Wild {
        seed,
        lr,
        decay,
    })
}

/// An observation whose modalities are in range, `MISSING`, or one or two past the end.
fn wild_observation<S: Spec>(rng: &mut SmallRng) -> (S::Observation, bool) {
    let mut o = S::Observation::ZEROS;
    let mut valid = true;
    for (x, m) in o.as_mut().iter_mut().zip(spec::modalities::<S>()) {
        *x = match rng.random_range(0..8) {
            0 => MISSING,
            1 => {
                valid = false;
                m.outcomes + rng.random_range(0..2)
            }
            _ => rng.random_range(0..m.outcomes),
        };
    }
    (o, valid)
}

fn wild_action<S: Spec>(rng: &mut SmallRng) -> (S::Action, bool) {
    let mut u = S::Action::ZEROS;
    let mut valid = true;
    for (x, f) in u.as_mut().iter_mut().zip(spec::factors::<S>()) {
        *x = if rng.random_range(0..8) == 0 {
            valid = false;
            f.controls
        } else {
            rng.random_range(0..f.controls)
        };
    }
    (u, valid)
}

fn no_panic<T: Real, S: Spec, const L: usize, const NP: usize>(
    case: &Case,
    wild: &Wild,
) -> Result<(), TestCaseError> {
    let mut rng = SmallRng::seed_from_u64(wild.seed);
    let f = flat::<S>(case, &mut rng);
    let mut agent = Agent::<T, S, L, NP>::new(model_of(&f), agent_config(case)).unwrap();
    let mut pa = DirichletA::<T, S>::from_slice(&cast(&f.a)).unwrap();
    let mut pb = DirichletB::<T, S>::from_pymdp_slice(&cast(&f.b)).unwrap();
    let decay = if rng.random::<bool>() {
        Forgetting::None
    } else {
        Forgetting::Decay {
            rate: T::lit(wild.decay),
        }
    };
    let rule = Learning::<T>::new(wild.lr, wild.lr)
        .zeros(if rng.random::<bool>() {
            Zeros::Keep
        } else {
            Zeros::Pymdp
        })
        .counting(if rng.random::<bool>() {
            Counting::Latest
        } else {
            Counting::Window
        })
        .novelty(if rng.random::<bool>() {
            NoveltyWeight::Exact
        } else {
            NoveltyWeight::Heuristic
        })
        .modalities(rng.random::<u64>())
        .factors(rng.random::<u64>())
        .forgetting(decay);
    let rule_ok = rule.check().is_ok();

    // Hyperparameters: γ and α are accepted exactly when finite and non-negative.
    for (gamma, alpha) in [(wild.lr, 1.0), (1.0, wild.decay), (wild.decay, wild.lr)] {
        let valid = [gamma, alpha]
            .iter()
            .all(|&x| T::lit(x).is_finite() && T::lit(x) >= T::ZERO);
        let built = Agent::<T, S, L, NP>::new(
            model_of(&f),
            agent_config::<T>(case).gamma(gamma).alpha(alpha),
        );
        prop_assert_eq!(built.is_ok(), valid, "γ = {}, α = {}", gamma, alpha);
    }

    let mut prior = agent.initial_prior();
    let mut previous: Option<(Belief<T, S>, S::Action)> = None;
    let mut window = agent.clone().with_method::<Mmp<2>>();
    let mut w = window.initial_windows();
    for t in 0..STEPS {
        let (obs, obs_ok) = wild_observation::<S>(&mut rng);
        let qs = match agent.infer_states(&[obs], &prior) {
            Ok(qs) => {
                prop_assert!(obs_ok, "t={t}: observation {obs:?} accepted");
                check_belief(qs.belief(0), "qs")?;
                qs
            }
            Err(_) => {
                prop_assert!(!obs_ok, "t={t}: valid observation {obs:?} refused");
                continue;
            }
        };
        let (q_pi, neg_efe) = agent.infer_policies(&qs).unwrap();
        check_dist(q_pi[0].as_slice(), "q_pi")?;
        check_finite(neg_efe[0].as_slice(), "neg_efe")?;
        let _ = agent.sample_action(&q_pi, &mut rng).unwrap();
        let (u, u_ok) = wild_action::<S>(&mut rng);
        match agent.update_empirical_prior(&[u], &qs) {
            Ok(p) => {
                prop_assert!(u_ok, "action {u:?} accepted");
                check_belief(p.belief(0), "prior")?;
                prior = p;
            }
            Err(_) => prop_assert!(!u_ok, "valid action {u:?} refused"),
        }
        let q = *qs.belief(0);
        let result = agent.learn_step(
            0,
            &obs,
            &q,
            previous.as_ref().map(|(q, u)| (q, u)),
            Some(&mut pa),
            Some(&mut pb),
            &rule,
        );
        if result.is_ok() {
            prop_assert!(rule_ok, "rule {rule:?} accepted");
            check_finite(pa.as_slice(), "pA")?;
            check_finite(pb.as_slice(), "pB")?;
            check_normalised(agent.model(0), "after learn_step")?;
        }
        if u_ok {
            previous = Some((q, u));
        }
        // The window: observe (checked), infer, learn from it, act (checked).
        if window.observe(&mut w, &[obs]).is_ok() {
            window.infer_states(&mut w).unwrap();
            check_belief(w[0].latest(), "window latest")?;
            let (mut pa2, mut pb2) = (pa, pb);
            let learned = window.infer_parameters(0, &w[0], Some(&mut pa2), Some(&mut pb2), &rule);
            if learned.is_ok() {
                prop_assert!(rule_ok, "rule {rule:?} accepted");
                check_finite(pa2.as_slice(), "pA (window)")?;
                check_finite(pb2.as_slice(), "pB (window)")?;
                check_normalised(window.model(0), "after infer_parameters")?;
            }
            let _ = window.act(&mut w, &[u]);
        }
        // Learning may have changed the agent's model; the window agent follows it.
        window = agent.clone().with_method::<Mmp<2>>();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The properties, per shape and scalar type.
// ---------------------------------------------------------------------------------------

macro_rules! properties {
    ($module:ident, $cfg:expr, $($ignore:meta)?) => {
        mod $module {
            use super::*;

            proptest! {
                #![proptest_config($cfg)]

                $(#[$ignore])?
                #[test]
                fn distributions_f64(c in case()) {
                    distributions::<f64, One, 2, 9>(&c)?;
                    distributions::<f64, Two, 1, 4>(&c)?;
                    distributions::<f64, Dep, 1, 3>(&c)?;
                }

                $(#[$ignore])?
                #[test]
                fn distributions_f32(c in case()) {
                    distributions::<f32, One, 2, 9>(&c)?;
                    distributions::<f32, Two, 1, 4>(&c)?;
                    distributions::<f32, Dep, 1, 3>(&c)?;
                }

                $(#[$ignore])?
                #[test]
                fn extreme_inputs_f64(c in extreme()) {
                    distributions::<f64, One, 2, 9>(&c)?;
                    distributions::<f64, Two, 1, 4>(&c)?;
                    distributions::<f64, Dep, 1, 3>(&c)?;
                }

                $(#[$ignore])?
                #[test]
                fn extreme_inputs_f32(c in extreme()) {
                    distributions::<f32, One, 2, 9>(&c)?;
                    distributions::<f32, Two, 1, 4>(&c)?;
                    distributions::<f32, Dep, 1, 3>(&c)?;
                }

                $(#[$ignore])?
                #[test]
                fn batch_equals_single_agents(c in case()) {
                    batch_equals_singles::<f64, One, 2, 9>(&c)?;
                    batch_equals_singles::<f64, Two, 1, 4>(&c)?;
                    batch_equals_singles::<f32, Dep, 1, 3>(&c)?;
                }

                $(#[$ignore])?
                #[test]
                fn fpi_settles_into_a_fixed_point_or_two_cycle(c in case()) {
                    fpi_fixed_point::<f64, One, 2, 9>(&c, 16, 1, 0.0)?;
                    fpi_fixed_point::<f64, Two, 1, 4>(&c, N_PROBE, EXTRA_PROBE, FIXED_POINT_TOL_F64)?;
                    fpi_fixed_point::<f64, Dep, 1, 3>(&c, N_PROBE, EXTRA_PROBE, FIXED_POINT_TOL_F64)?;
                    fpi_fixed_point::<f32, Two, 1, 4>(&c, N_PROBE, EXTRA_PROBE, FIXED_POINT_TOL_F32)?;
                    fpi_fixed_point::<f32, Dep, 1, 3>(&c, N_PROBE, EXTRA_PROBE, FIXED_POINT_TOL_F32)?;
                }

                $(#[$ignore])?
                $(#[$ignore])?
                #[test]
                fn learning_keeps_counts_and_normalisation(c in case(), r in rule()) {
                    learning_keeps_normalised::<f64, One, 2, 9>(&c, &r)?;
                    learning_keeps_normalised::<f64, Two, 1, 4>(&c, &r)?;
                    learning_keeps_normalised::<f64, Dep, 1, 3>(&c, &r)?;
                    learning_keeps_normalised::<f32, Two, 1, 4>(&c, &r)?;
                    learning_keeps_normalised::<f32, Dep, 1, 3>(&c, &r)?;
                }

                $(#[$ignore])?
                #[test]
                fn no_panic_on_any_input(c in case(), w in wild(false)) {
                    no_panic::<f64, One, 2, 9>(&c, &w)?;
                    no_panic::<f64, Two, 1, 4>(&c, &w)?;
                    no_panic::<f32, Dep, 1, 3>(&c, &w)?;
                }
            }
        }
    };
}

properties!(default_cases, config(),);
properties!(
    ten_thousand,
    config_10k(),
    ignore = "10^4 cases: cargo test --test suite properties::ten_thousand -- --ignored"
);

/// Ignored properties (10^4 cases each): FPI as a fixed point of one more sweep fails (the
/// algorithm's 2-cycles); learning rates up to `f64::MAX` pass (counting checks headroom).
mod known {
    use super::*;

    proptest! {
        #![proptest_config(config_10k())]

        /// [`no_panic_on_any_input`](super::default_cases) with rates up to `f64::MAX`:
        /// fails within ~100 cases (see [`bugs`](super::bugs)): e.g. `Wild { lr: 8.835e307,
        /// .. }` leaves a zero `A` column, larger rates infinite counts.
        #[test]
        #[ignore = "10^4 cases: run with --ignored"]
        fn no_panic_on_any_input_huge_rates(c in case(), w in wild(true)) {
            no_panic::<f64, One, 2, 9>(&c, &w)?;
            no_panic::<f64, Two, 1, 4>(&c, &w)?;
            no_panic::<f32, Dep, 1, 3>(&c, &w)?;
        }

        /// Fails within a few cases: see [`fpi_two_cycle`](super::fpi_two_cycle).
        #[test]
        #[ignore = "known, not a bug: FPI's undamped Jacobi sweeps (pymdp 1.0's) can 2-cycle; see fpi_two_cycle"]
        fn fpi_is_a_fixed_point_of_one_more_sweep(c in case()) {
            fpi_fixed_point::<f64, Two, 1, 4>(&c, 16, 1, FIXED_POINT_TOL_F64)?;
            fpi_fixed_point::<f64, Dep, 1, 3>(&c, 16, 1, FIXED_POINT_TOL_F64)?;
        }
    }
}

/// The 2-cycle behind the ignored `fpi_is_a_fixed_point_of_one_more_sweep` (found by it, then
/// shrunk): on this model (`Dep`, f64) FPI alternates between two beliefs 0.49 apart
/// whatever the number of sweeps, and sweeps `k` and `k + 2` agree. pymdp 1.0's FPI is the
/// same parallel update, so this is the algorithm's behaviour, not a port bug.
#[test]
fn fpi_two_cycle() {
    let case = Case {
        seed: 1347610379185966275,
        zeros: 0.5010602869430779,
        sharp_b: 1.0,
        sharp_a: false,
        c: 0.0,
        gamma: 0.0,
        alpha: 0.0,
        stochastic: false,
        marginal: false,
    };
    let err = fpi_fixed_point::<f64, Dep, 1, 3>(&case, 256, 1, 0.4).unwrap_err();
    assert!(format!("{err}").contains("differ by 4.9"), "{err}");
    fpi_fixed_point::<f64, Dep, 1, 3>(&case, 256, 2, 1e-12).unwrap();
}

// ---------------------------------------------------------------------------------------
// Bugs found by the properties (reproductions; the library is not changed here).
// ---------------------------------------------------------------------------------------

mod bugs {
    use super::*;

    actinf::model! {
        /// Two states, two outcomes.
        pub Coin { factors { Side: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Side] } }
    }

    /// Found by `no_panic_on_any_input_huge_rates` (10^4 cases; shrunk to
    /// `Case { seed: 0, zeros: 0.0, .. }`, `Wild { seed: 8693994687524376257, lr: 8.835e307,
    /// decay: 0.0 }`, shape `Two`, f64, `Agent::infer_parameters` with `Counting::Window`).
    /// `DirichletA::from_slice` refuses a column whose total is not finite, but counting does
    /// not: a finite learning rate (the validator accepts any finite rate ≥ 0) can push a
    /// column's total past `f64::MAX`; `learn::expected_a` then divides every entry by
    /// `inf` and returns `Ok` with an all-zero, non-normalised column in `A` (the model no
    /// longer passes its own validation). `B` likewise ([`learning_b_with_a_huge_rate`]).
    #[test]
    fn counting_past_f64_max_leaves_a_zero_column() {
        let mut model = Model::<f64, Coin>::uniform();
        let mut pa = DirichletA::<f64, Coin>::from_slice(&[1.0; 4]).unwrap();
        let rule = Learning::<f64>::new(1e308, 0.0);
        let q = Belief::<f64, Coin>::new(actinf::list![[1.0, 0.0]]).unwrap();
        // A count that could carry the column's total near f64::MAX: refused, nothing written.
        let before = pa;
        let e = actinf::learn::count_a(&mut pa, &[0], &q, 1e308, &rule).unwrap_err();
        assert!(
            matches!(e.problem, actinf::Problem::NotFinite { .. }),
            "{e}"
        );
        assert_eq!(pa.as_slice(), before.as_slice());
        // Below half the largest value it is counted.
        actinf::learn::count_a(&mut pa, &[0], &q, 1e307, &rule).unwrap();
        actinf::learn::count_a(&mut pa, &[1], &q, 1e307, &rule).unwrap();
        assert!(pa.as_slice().iter().all(|x| x.is_finite()), "{pa:?}");
        if actinf::learn::expected_a(&pa, &mut model, Zeros::Keep).is_ok() {
            let col = model.column(0, 0);
            assert!(
                (col.iter().sum::<f64>() - 1.0).abs() < 1e-12,
                "Ok, yet A[0][:, 0] = {col:?}"
            );
        }
    }

    /// The same through the agent: a valid (finite, non-negative) learning rate, two
    /// observations of different outcomes from the same state, and the learned `A` has a
    /// zero column.
    #[test]
    fn learning_with_a_huge_rate() {
        let mut agent = Agent::<f64, Coin, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
        let mut pa = DirichletA::<f64, Coin>::from_slice(&[1.0; 4]).unwrap();
        let rule = Learning::<f64>::new(1e308, 0.0);
        let q = Belief::<f64, Coin>::new(actinf::list![[1.0, 0.0]]).unwrap();
        let mut ok = true;
        for o in [0, 1] {
            ok &= agent
                .learn_step(0, &[o], &q, None, Some(&mut pa), None, &rule)
                .is_ok();
        }
        if ok {
            let col = agent.model(0).column(0, 0);
            assert!(
                (col.iter().sum::<f64>() - 1.0).abs() < 1e-12,
                "Ok, yet A[0][:, 0] = {col:?}"
            );
        }
    }

    /// `B` likewise: two transitions from the same state under the same action into
    /// different states, counted at a finite rate of 1e308.
    #[test]
    fn learning_b_with_a_huge_rate() {
        let mut agent = Agent::<f64, Coin, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
        let mut pb = DirichletB::<f64, Coin>::from_pymdp_slice(&[1.0; 8]).unwrap();
        let rule = Learning::<f64>::new(0.0, 1e308);
        let from = Belief::<f64, Coin>::new(actinf::list![[1.0, 0.0]]).unwrap();
        let mut ok = true;
        for to in [[1.0, 0.0], [0.0, 1.0]] {
            let q = Belief::<f64, Coin>::new(actinf::list![to]).unwrap();
            ok &= agent
                .learn_step(0, &[0], &q, Some((&from, &[0])), None, Some(&mut pb), &rule)
                .is_ok();
        }
        assert!(pb.as_slice().iter().all(|x| x.is_finite()), "{pb:?}");
        if ok {
            let col = agent.model(0).transition(0, 0);
            assert!(
                (col[..2].iter().sum::<f64>() - 1.0).abs() < 1e-12,
                "Ok, yet B[0][:, 0, 0] = {:?}",
                &col[..2]
            );
        }
    }

    /// Counting itself: a finite rate (`f64::MAX`) accepted by `Learning::check` makes the
    /// counts infinite, and `count_a` returns `Ok` (found by the same property: `pA` with
    /// `inf` entries after `Agent::infer_parameters`).
    #[test]
    fn counting_at_f64_max_gives_infinite_counts() {
        let mut pa = DirichletA::<f64, Coin>::from_slice(&[1.0; 4]).unwrap();
        let rule = Learning::<f64>::new(f64::MAX, 0.0);
        assert!(rule.check().is_ok());
        let q = Belief::<f64, Coin>::new(actinf::list![[1.0, 0.0]]).unwrap();
        for o in [0, 0] {
            if actinf::learn::count_a(&mut pa, &[o], &q, f64::MAX, &rule).is_ok() {
                assert!(
                    pa.as_slice().iter().all(|x| x.is_finite()),
                    "Ok, yet {pa:?}"
                );
            }
        }
    }
}
