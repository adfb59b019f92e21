//! Statistical tests of stochastic action selection.
//!
//! pymdp records only the distributions stochastic selection draws from (the draws depend
//! on JAX's PRNG), so the draws themselves are checked here with chi-square goodness-of-fit
//! tests against distributions derived in this file:
//!
//! * full mode draws a policy from `softmax(α ln q_π) = q_π^α / Σ q_π^α` and takes its first
//!   action;
//! * marginal mode draws each factor's action from `softmax(α ln P_f) = P_f^α / Σ P_f^α`,
//!   `P_f(a) = Σ_{π: π_0f = a} q_π`, **independently** across factors (pymdp reuses one PRNG
//!   key for every factor, issue #430; actinf deliberately does not);
//! * the agents of a batch draw independently of each other.
//!
//! Every test rejects at the upper `P_REJECT = 1e-4` tail of the chi-square distribution with
//! the stated degrees of freedom; the critical values are computed below from the chi-square
//! survival function (df 1: 15.137, df 2: 18.421, df 5: 25.745). For a correct sampler each
//! statistic fails with probability 1e-4, so the ~30 statistics of this file would give a
//! false failure with probability below 0.3 % *if* the seeds were random; with the fixed seeds
//! used here the outcome is deterministic (the same on every run and platform, `SmallRng` being
//! a fixed algorithm). Every expected cell count is at least 5 (asserted), so the chi-square
//! approximation holds.

use actinf::config::{ActionSelection, SamplingMode};
use actinf::{Agent, Config, Model};
use nalgebra::SVector;
use rand::{SeedableRng, rngs::SmallRng};

/// Number of draws per distribution.
const N: usize = 20_000;

/// Rejection level of every chi-square test.
const P_REJECT: f64 = 1e-4;

mod two_ctrl {
    actinf::model! {
        /// Two controllable factors with 3 and 2 actions; policy table of length 1 is
        /// `[0,0], [0,1], [1,0], [1,1], [2,0], [2,1]`.
        pub TwoCtrl {
            factors { Fa: 3 controlled_by 3, Fb: 2 controlled_by 2 }
            modalities { Dummy: 2 depends_on [Fa] }
        }
    }
}
use two_ctrl::TwoCtrl;

mod one_ctrl {
    actinf::model! {
        /// One controllable factor (3 actions) and an uncontrolled one: with policies of length
        /// 2 there are 9 policies, 3 per first action.
        pub OneCtrl {
            factors { Fa: 3 controlled_by 3, Fb: 2 }
            modalities { Dummy: 2 depends_on [Fa] }
        }
    }
}
use one_ctrl::OneCtrl;

/// A fixed policy posterior over the 6 policies of `TwoCtrl` (sums to 1).
/// Marginals: factor a `[0.36, 0.34, 0.30]`, factor b `[0.54, 0.46]`.
const Q_TWO: [f64; 6] = [0.32, 0.04, 0.08, 0.26, 0.14, 0.16];

/// A fixed posterior over the 9 policies of `OneCtrl` with L = 2 (policies `3a .. 3a+2` start
/// with action `a`). The first action's mass is nearly uniform (0.34, 0.33, 0.33), but its
/// sum of squares is not (0.0908, 0.0363, 0.0363), so full and marginal modes differ clearly
/// for α = 2.
const Q_ONE: [f64; 9] = [0.30, 0.02, 0.02, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11];

// ---------------------------------------------------------------------------------------
// Chi-square machinery
// ---------------------------------------------------------------------------------------

/// `Γ(a)` for `a` a positive multiple of 1/2 (all that chi-square degrees of freedom need).
fn gamma_half_integer(a: f64) -> f64 {
    let twice = (2.0 * a).round();
    assert!((2.0 * a - twice).abs() < 1e-12 && twice >= 1.0);
    let (mut x, mut g) = if (twice as u64).is_multiple_of(2) {
        (1.0, 1.0) // Γ(1) = 1
    } else {
        (0.5, core::f64::consts::PI.sqrt()) // Γ(1/2) = √π
    };
    while x < a - 1e-9 {
        g *= x;
        x += 1.0;
    }
    g
}

/// Survival function of the chi-square distribution, `Q(df/2, x/2)`, by the power series of
/// the lower regularized incomplete gamma function:
/// `P(s, z) = z^s e^{-z} / Γ(s + 1) · Σ_n z^n / ((s+1)…(s+n))`.
fn chi2_sf(x: f64, df: usize) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let s = df as f64 / 2.0;
    let z = x / 2.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    while term > 1e-17 * sum {
        term *= z / (s + n);
        sum += term;
        n += 1.0;
    }
    let lower = (s * z.ln() - z).exp() / gamma_half_integer(s + 1.0) * sum;
    1.0 - lower
}

/// The upper-`p` quantile of the chi-square distribution with `df` degrees of freedom.
fn chi2_critical(p: f64, df: usize) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1000.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if chi2_sf(mid, df) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Pearson's statistic of `counts` against `probs` (which must sum to 1).
fn chi_square(counts: &[usize], probs: &[f64]) -> f64 {
    assert_eq!(counts.len(), probs.len());
    let n: usize = counts.iter().sum();
    assert!(
        (probs.iter().sum::<f64>() - 1.0).abs() < 1e-12,
        "probs sum to 1"
    );
    counts
        .iter()
        .zip(probs)
        .map(|(&c, &p)| {
            let e = n as f64 * p;
            assert!(
                e >= 5.0,
                "expected count {e} < 5: chi-square approximation invalid"
            );
            (c as f64 - e).powi(2) / e
        })
        .sum()
}

/// Asserts that `counts` fit `probs` (degrees of freedom: cells − 1).
fn assert_fits(what: &str, counts: &[usize], probs: &[f64]) {
    let df = counts.len() - 1;
    let stat = chi_square(counts, probs);
    let crit = chi2_critical(P_REJECT, df);
    assert!(
        stat < crit,
        "{what}: chi-square {stat:.3} >= critical {crit:.3} (df {df}, p = {P_REJECT:e})\n  \
         counts {counts:?}\n  expected {:?}",
        probs
            .iter()
            .map(|p| p * counts.iter().sum::<usize>() as f64)
            .collect::<Vec<_>>()
    );
}

/// `softmax(α ln q) = q^α / Σ q^α` (all `q` here are far above pymdp's clip `MINVAL`).
fn sharpen(q: &[f64], alpha: f64) -> Vec<f64> {
    let w: Vec<f64> = q.iter().map(|x| x.powf(alpha)).collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|x| x / s).collect()
}

/// `P(u_f = a) = Σ_{π: π_0f = a} q_π` for a table of first actions.
fn marginal(q: &[f64], first_actions: &[Vec<usize>], f: usize, n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n];
    for (k, a) in first_actions.iter().enumerate() {
        m[a[f]] += q[k];
    }
    m
}

#[test]
fn chi_square_critical_values() {
    // Closed forms: df 2 has Q(x) = exp(-x/2), so the critical value is -2 ln p; df 1 has
    // Q(x) = erfc(sqrt(x/2)), whose 1e-4 point is 15.1367 (standard tables).
    assert!((chi2_critical(P_REJECT, 2) - (-2.0 * P_REJECT.ln())).abs() < 1e-9);
    assert!((chi2_critical(P_REJECT, 1) - 15.1367).abs() < 1e-3);
    assert!((chi2_critical(P_REJECT, 5) - 25.7448).abs() < 1e-3);
    assert!((chi2_critical(0.05, 1) - 3.841_458_820_694_124).abs() < 1e-9);
    assert!((chi2_critical(0.05, 5) - 11.070_497_693_516_35).abs() < 1e-9);
}

// ---------------------------------------------------------------------------------------
// Single agent
// ---------------------------------------------------------------------------------------

fn stochastic<S: actinf::Spec, const L: usize, const NP: usize>(
    mode: SamplingMode,
    alpha: f64,
) -> Agent<f64, S, L, NP> {
    Agent::new(
        Model::uniform(),
        Config::default()
            .action_selection(ActionSelection::Stochastic)
            .sampling_mode(mode)
            .alpha(alpha),
    )
    .expect("agent")
}

fn first_actions<S: actinf::Spec, const L: usize, const NP: usize>(
    agent: &Agent<f64, S, L, NP>,
) -> Vec<Vec<usize>> {
    (0..NP)
        .map(|k| agent.policies().get(k)[0].as_ref().to_vec())
        .collect()
}

#[test]
fn full_mode_draws_policies_from_sharpened_posterior() {
    for (alpha, seed) in [(1.0, 11), (2.0, 12), (0.5, 13)] {
        let agent = stochastic::<TwoCtrl, 1, 6>(SamplingMode::Full, alpha);
        let firsts = first_actions(&agent);
        // With L = 1 and two factors every policy has a distinct first action.
        let mut rng = SmallRng::seed_from_u64(seed);
        let q = [SVector::from(Q_TWO)];
        let mut counts = [0usize; 6];
        for _ in 0..N {
            let a = agent.sample_action(&q, &mut rng).unwrap()[0];
            let k = firsts
                .iter()
                .position(|f| f[..] == a[..])
                .expect("a policy");
            counts[k] += 1;
        }
        assert_fits(
            &format!("full mode, alpha {alpha}"),
            &counts,
            &sharpen(&Q_TWO, alpha),
        );
    }
}

#[test]
fn marginal_mode_draws_factors_independently_from_sharpened_marginals() {
    for (alpha, seed) in [(1.0, 21), (2.0, 22)] {
        let agent = stochastic::<TwoCtrl, 1, 6>(SamplingMode::Marginal, alpha);
        let firsts = first_actions(&agent);
        let pa = sharpen(&marginal(&Q_TWO, &firsts, 0, 3), alpha);
        let pb = sharpen(&marginal(&Q_TWO, &firsts, 1, 2), alpha);
        let mut rng = SmallRng::seed_from_u64(seed);
        let q = [SVector::from(Q_TWO)];
        let mut joint = [0usize; 6]; // row-major (a, b)
        for _ in 0..N {
            let [a, b] = agent.sample_action(&q, &mut rng).unwrap()[0];
            joint[a * 2 + b] += 1;
        }
        let ca: Vec<usize> = (0..3).map(|a| joint[a * 2] + joint[a * 2 + 1]).collect();
        let cb: Vec<usize> = (0..2)
            .map(|b| (0..3).map(|a| joint[a * 2 + b]).sum())
            .collect();
        assert_fits(&format!("marginal mode, factor a, alpha {alpha}"), &ca, &pa);
        assert_fits(&format!("marginal mode, factor b, alpha {alpha}"), &cb, &pb);
        // Independence: the joint frequencies fit the product of the two (known) marginals
        // (df 5). Draws sharing one uniform across factors (pymdp issue #430) would fail.
        let product: Vec<f64> = (0..6).map(|j| pa[j / 2] * pb[j % 2]).collect();
        assert_fits(
            &format!("marginal mode, joint vs product, alpha {alpha}"),
            &joint,
            &product,
        );
    }
}

/// With policies of length 2, full mode samples *policies* (mass `Σ_{π starts with a} q_π^α`)
/// while marginal mode samples first actions (mass `(Σ_{π starts with a} q_π)^α`). The two
/// differ here, and each mode's draws must fit its own distribution and reject the other's.
#[test]
fn full_and_marginal_modes_differ_for_longer_policies() {
    let alpha = 2.0;
    let full = stochastic::<OneCtrl, 2, 9>(SamplingMode::Full, alpha);
    let marg = stochastic::<OneCtrl, 2, 9>(SamplingMode::Marginal, alpha);
    let firsts = first_actions(&full);
    for (k, f) in firsts.iter().enumerate() {
        assert_eq!(
            f,
            &vec![k / 3, 0],
            "policy {k} starts with action {}",
            k / 3
        );
    }
    let p_policy = sharpen(&Q_ONE, alpha);
    let p_full: Vec<f64> = (0..3)
        .map(|a| p_policy[3 * a..3 * a + 3].iter().sum())
        .collect();
    let p_marg = sharpen(&marginal(&Q_ONE, &firsts, 0, 3), alpha);

    let q = [SVector::from(Q_ONE)];
    let mut rng = SmallRng::seed_from_u64(31);
    let mut c_full = [0usize; 3];
    let mut c_marg = [0usize; 3];
    for _ in 0..N {
        let a = full.sample_action(&q, &mut rng).unwrap()[0];
        assert_eq!(a[1], 0, "uncontrolled factor");
        c_full[a[0]] += 1;
        let a = marg.sample_action(&q, &mut rng).unwrap()[0];
        assert_eq!(a[1], 0, "uncontrolled factor");
        c_marg[a[0]] += 1;
    }
    assert_fits("full mode, L = 2", &c_full, &p_full);
    assert_fits("marginal mode, L = 2", &c_marg, &p_marg);
    // Power: each mode's counts are far from the other mode's distribution.
    let crit = chi2_critical(P_REJECT, 2);
    assert!(
        chi_square(&c_full, &p_marg) > crit,
        "full-mode draws fit marginal mode"
    );
    assert!(
        chi_square(&c_marg, &p_full) > crit,
        "marginal-mode draws fit full mode"
    );
}

// ---------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------

/// Four agents with the same `q_π` draw independently: each agent's draws fit the sampling
/// distribution, and any two agents agree exactly as often as independent draws would
/// (probability `Σ_j p_j²` of the joint action distribution), not always.
#[test]
fn batch_agents_draw_independently() {
    const B: usize = 4;
    const R: usize = 20_000;
    for (mode, alpha, seed) in [
        (SamplingMode::Full, 1.0, 41),
        (SamplingMode::Marginal, 2.0, 42),
    ] {
        let agent = Agent::<f64, TwoCtrl, 1, 6, B>::new(
            Model::uniform(),
            Config::default()
                .action_selection(ActionSelection::Stochastic)
                .sampling_mode(mode)
                .alpha(alpha),
        )
        .expect("agent");
        // Distribution of the joint action (a, b), index a * 2 + b.
        let p: Vec<f64> = match mode {
            SamplingMode::Full => sharpen(&Q_TWO, alpha), // table order is (a, b) row-major
            SamplingMode::Marginal => {
                let firsts: Vec<Vec<usize>> = (0..6).map(|k| vec![k / 2, k % 2]).collect();
                let pa = sharpen(&marginal(&Q_TWO, &firsts, 0, 3), alpha);
                let pb = sharpen(&marginal(&Q_TWO, &firsts, 1, 2), alpha);
                (0..6).map(|j| pa[j / 2] * pb[j % 2]).collect()
            }
        };
        let q = [SVector::from(Q_TWO); B];
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut counts = [[0usize; 6]; B];
        let mut same = [[0usize; B]; B];
        let mut all_same = 0usize;
        for _ in 0..R {
            let acts = agent.sample_action(&q, &mut rng).unwrap();
            let j: [usize; B] = core::array::from_fn(|b| acts[b][0] * 2 + acts[b][1]);
            for (b, row) in same.iter_mut().enumerate() {
                counts[b][j[b]] += 1;
                for (c, n) in row.iter_mut().enumerate().skip(b + 1) {
                    *n += usize::from(j[b] == j[c]);
                }
            }
            all_same += usize::from(j.iter().all(|&x| x == j[0]));
        }
        let collision: f64 = p.iter().map(|x| x * x).sum();
        for (b, row) in same.iter().enumerate() {
            assert_fits(&format!("{mode:?}: agent {b}"), &counts[b], &p);
            for (c, &n) in row.iter().enumerate().skip(b + 1) {
                assert_fits(
                    &format!("{mode:?}: agents {b} and {c} agree (df 1)"),
                    &[n, R - n],
                    &[collision, 1.0 - collision],
                );
            }
        }
        // All four agreeing has probability Σ p^4 (≈ 0.02): far from every draw.
        let p_all: f64 = p.iter().map(|x| x.powi(B as i32)).sum();
        assert!(
            (all_same as f64) < 2.0 * p_all * R as f64,
            "{mode:?}: all {B} agents drew the same action in {all_same} of {R} calls \
             (independent draws: about {:.0})",
            p_all * R as f64
        );
    }
}
