//! Action selection: from a policy posterior to one action per factor.
//!
//! * **full** mode picks a policy (argmax, or a draw from `softmax(α ln q_π)`) and takes its
//!   first action;
//! * **marginal** mode computes each factor's first-action marginal
//!   `P(u_f = a) = Σ_{π: π_0f = a} q_π` and picks per factor (argmax, or independent draws
//!   from `softmax(α ln P_f)` — pymdp reuses one PRNG key across factors, issue #430; actinf
//!   does not).
//!
//! Every stochastic choice uses the caller's RNG.

use nalgebra::SVector;
use rand::{Rng, RngExt};

use crate::config::{ActionSelection, SamplingMode};
use crate::maths;
use crate::policy::Policies;
use crate::real::{Real, to_f64};
use crate::spec::{FactorList, IndexArray, Spec};

/// Index of the largest entry; the **lowest** index on exact ties (like `jnp.argmax`).
/// Returns 0 for an empty slice.
///
/// ```
/// assert_eq!(actinf::action::argmax(&[0.2, 0.4, 0.4]), 1);
/// ```
pub fn argmax<T: Real>(x: &[T]) -> usize {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate().skip(1) {
        if v > x[best] {
            best = i;
        }
    }
    best
}

/// The distribution stochastic selection draws from: `softmax(α · ln max(p, MINVAL))`,
/// computed in place.
pub fn sharpen_in_place<T: Real>(p: &mut [T], alpha: T) {
    for x in p.iter_mut() {
        *x = alpha * maths::log_stable(*x);
    }
    maths::softmax_in_place(p);
}

/// Draws an index from the probability vector `p` (inverse CDF on one uniform draw).
pub fn sample_index<T: Real, R: Rng + ?Sized>(p: &[T], rng: &mut R) -> usize {
    let total: f64 = p.iter().map(|&x| to_f64(x)).sum();
    let u: f64 = rng.random::<f64>() * total;
    let mut acc = 0.0;
    let mut last = 0;
    for (i, &x) in p.iter().enumerate() {
        let x = to_f64(x);
        if x > 0.0 {
            last = i;
            acc += x;
            if u < acc {
                return i;
            }
        }
    }
    last
}

/// Each factor's first-action marginal `P(u_f = a) = Σ_{π: π_0f = a} q_π` (pymdp
/// `get_marginals`).
pub fn action_marginals<T: Real, S: Spec, const L: usize, const NP: usize>(
    policies: &Policies<S, L, NP>,
    q_pi: &SVector<T, NP>,
) -> <S::Factors as FactorList>::ActionVectors<T> {
    let mut m = <S::Factors as FactorList>::zero_actions::<T>();
    for (k, &p) in q_pi.iter().enumerate() {
        for (f, &u) in policies.get(k)[0].as_ref().iter().enumerate() {
            <S::Factors as FactorList>::action_vector_mut(&mut m, f)[u] += p;
        }
    }
    m
}

/// Chooses an action from `q_pi`. `rng` is only drawn from for stochastic selection.
pub fn select<T: Real, S: Spec, const L: usize, const NP: usize, R: Rng + ?Sized>(
    policies: &Policies<S, L, NP>,
    q_pi: &SVector<T, NP>,
    selection: ActionSelection,
    mode: SamplingMode,
    alpha: T,
    rng: &mut R,
) -> S::Action {
    match mode {
        SamplingMode::Full => {
            let k = match selection {
                ActionSelection::Deterministic => argmax(q_pi.as_slice()),
                ActionSelection::Stochastic => {
                    let mut p = *q_pi;
                    sharpen_in_place(p.as_mut_slice(), alpha);
                    sample_index(p.as_slice(), rng)
                }
            };
            policies.get(k)[0]
        }
        SamplingMode::Marginal => {
            let mut marg = action_marginals(policies, q_pi);
            let mut action = S::Action::zeros();
            for (f, slot) in action.as_mut().iter_mut().enumerate() {
                let p = <S::Factors as FactorList>::action_vector_mut(&mut marg, f);
                *slot = match selection {
                    ActionSelection::Deterministic => argmax(p),
                    ActionSelection::Stochastic => {
                        sharpen_in_place(p, alpha);
                        sample_index(p, rng)
                    }
                };
            }
            action
        }
    }
}
