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

use rand::{Rng, RngExt};

use crate::maths::{self, Real};
use crate::plan::policy::PolicySet;
use crate::spec::{self, Flat, IndexArray, Spec};

/// How an action is chosen from the policy posterior.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ActionSelection {
    /// Argmax (lowest index on ties), like pymdp's `"deterministic"` (the default).
    #[default]
    Deterministic,
    /// A draw from `softmax(α · ln q)`, like pymdp's `"stochastic"`; needs the caller's RNG.
    Stochastic,
}

/// What the choice is made over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SamplingMode {
    /// Choose a policy, take its first action (pymdp's `"full"`, the default).
    #[default]
    Full,
    /// Choose each factor's action from its marginal `P(u_f = a) = Σ_{π: π_0f = a} q_π`
    /// (pymdp's `"marginal"`); stochastic draws are independent across factors.
    Marginal,
}

/// Index of the largest entry; the **lowest** index on exact ties (like `jnp.argmax`).
///
/// ```
/// assert_eq!(actinf::action::argmax(&[0.2, 0.4, 0.4]), 1);
/// ```
pub fn argmax<T: Real>(x: &[T]) -> usize {
    maths::argmax(x)
}

/// The distribution stochastic selection draws from: `softmax(α · ln max(p, MINVAL))`,
/// computed in place.
pub fn sharpen_in_place<T: Real>(p: &mut [T], alpha: T) {
    maths::log_stable_in_place(p);
    for x in p.iter_mut() {
        *x *= alpha;
    }
    maths::softmax_in_place(p);
}

/// Draws an index from the probability vector `p` (inverse CDF on one uniform draw).
pub fn sample_index<T: Real, R: Rng + ?Sized>(p: &[T], rng: &mut R) -> usize {
    let total: f64 = p.iter().map(|&x| x.as_f64()).sum();
    let u: f64 = rng.random::<f64>() * total;
    let mut acc = 0.0;
    let mut last = 0;
    for (i, &x) in p.iter().enumerate() {
        let x = x.as_f64();
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
/// `get_marginals`), written flat into `out` (factor after factor, see
/// [`FactorInfo::control_offset`](crate::spec::FactorInfo)).
#[allow(
    clippy::indexing_slicing,
    reason = "policy tables hold checked actions (`u < U_f`); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn action_marginals_into<
    T: Real,
    S: Spec,
    P: PolicySet<S, L, NP>,
    const L: usize,
    const NP: usize,
>(
    policies: &P,
    q_pi: &[T; NP],
    out: &mut S::Controls<T>,
) {
    let fs = spec::factors::<S>();
    let out = out.as_mut();
    out.iter_mut().for_each(|x| *x = T::ZERO);
    for (k, &p) in q_pi.iter().enumerate() {
        let a = policies.action(k, 0);
        for (info, &u) in fs.iter().zip(a.as_ref()) {
            out[info.control_offset + u] += p;
        }
    }
}

/// Each factor's first-action marginal, as flat storage (see [`action_marginals_into`]).
pub fn action_marginals<
    T: Real,
    S: Spec,
    P: PolicySet<S, L, NP>,
    const L: usize,
    const NP: usize,
>(
    policies: &P,
    q_pi: &[T; NP],
) -> S::Controls<T> {
    let mut m = <S::Controls<T> as Flat<T>>::ZERO;
    action_marginals_into::<T, S, P, L, NP>(policies, q_pi, &mut m);
    m
}

/// Chooses an action from `q_pi`. `rng` is only drawn from for stochastic selection.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn select<
    T: Real,
    S: Spec,
    P: PolicySet<S, L, NP>,
    R: Rng + ?Sized,
    const L: usize,
    const NP: usize,
>(
    policies: &P,
    q_pi: &[T; NP],
    selection: ActionSelection,
    mode: SamplingMode,
    alpha: T,
    rng: &mut R,
) -> S::Action {
    match mode {
        SamplingMode::Full => {
            let k = match selection {
                ActionSelection::Deterministic => maths::argmax(q_pi),
                ActionSelection::Stochastic => {
                    let mut p = *q_pi;
                    sharpen_in_place(&mut p, alpha);
                    sample_index(&p, rng)
                }
            };
            policies.action(k, 0)
        }
        SamplingMode::Marginal => {
            let mut marg = action_marginals::<T, S, P, L, NP>(policies, q_pi);
            let mut action = S::Action::ZEROS;
            for (slot, info) in action.as_mut().iter_mut().zip(spec::factors::<S>()) {
                let p =
                    &mut marg.as_mut()[info.control_offset..info.control_offset + info.controls];
                *slot = match selection {
                    ActionSelection::Deterministic => maths::argmax(p),
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
