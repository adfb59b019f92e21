//! Dirichlet expectations, divergences and the novelty weights of parameter information gain.
//!
//! All functions work on one concentration column (a slice): pymdp applies them column by
//! column over `pA[m]` and `pB[f]`.

use super::real::Real;
use super::special::{digamma, ln_gamma};
use super::vector;

/// Dirichlet expected value of one column, in place: `a ← max(a, MINVAL) / Σ max(a, MINVAL)`
/// (pymdp's normalisation of concentrations).
pub fn dirichlet_mean_in_place<T: Real>(a: &mut [T]) {
    for x in a.iter_mut() {
        *x = x.max(T::MINVAL);
    }
    let s = vector::sum(a);
    vector::div_in_place(a, s);
}

/// pymdp's exact parameter-information-gain weight of one Dirichlet column (`spm_wnorm`, the
/// default), in place: with `a = max(α, MINVAL)` and `S = max(Σ a, MINVAL)`,
/// `w = −(ln S − ln a + ψ(a + 1) − ψ(S + 1))` (≤ 0).
pub fn wnorm_exact_in_place<T: Real>(alpha: &mut [T]) {
    for x in alpha.iter_mut() {
        *x = x.max(T::MINVAL);
    }
    let s = vector::sum(alpha).max(T::MINVAL);
    let ln_s = s.ln();
    let psi_s = digamma(s + T::ONE);
    for x in alpha.iter_mut() {
        let a = *x;
        *x = -(ln_s - a.ln() + digamma(a + T::ONE) - psi_s);
    }
}

/// The heuristic (legacy) weight, in place: `w = 1/Σα − 1/(α + MINVAL)` (pymdp
/// `spm_wnorm(…, exact_param_info_gain=False)`).
pub fn wnorm_heuristic_in_place<T: Real>(alpha: &mut [T]) {
    let s = vector::sum(alpha);
    for x in alpha.iter_mut() {
        *x = T::ONE / s - T::ONE / (*x + T::MINVAL);
    }
}

/// `e^{−16}`, the constant SPM's `spm_wnorm` adds to every concentration (not pymdp's
/// [`MINVAL`](super::MINVAL), which is `2^{−52}`).
pub const SPM_WNORM_EPS: f64 = 1.125_351_747_192_591_2e-7;

/// SPM's weight (`spm_wnorm` in `spm_MDP_VB_X.m`, the `wnorm_*` cross-validation data), in
/// place: with `a = α + e^{−16}` ([`SPM_WNORM_EPS`]), `w = 1/Σa − 1/a` (≤ 0).
///
/// This is the heuristic form with SPM's constant: the sum also runs over the shifted
/// entries, so it is `Σα + n·e^{−16}` for a column of `n` entries.
///
/// ```
/// let mut w = [1.0f64, 3.0];
/// actinf::maths::wnorm_spm_in_place(&mut w);
/// assert!((w[0] - (0.25 - 1.0)).abs() < 1e-6 && (w[1] - (0.25 - 1.0 / 3.0)).abs() < 1e-6);
/// ```
pub fn wnorm_spm_in_place<T: Real>(alpha: &mut [T]) {
    let eps = T::lit(SPM_WNORM_EPS);
    let s = alpha.iter().fold(T::ZERO, |acc, &x| acc + (x + eps));
    for x in alpha.iter_mut() {
        *x = T::ONE / s - T::ONE / (*x + eps);
    }
}

/// Which weight the parameter information gain (novelty) uses.
///
/// Every variant is applied by [`novelty_weight_in_place`] only where the concentration is
/// positive (weight 0 elsewhere), as pymdp does (`wnorm(pA) ⊙ [pA > 0]`) and as SPM does
/// (`spm_MDP_VB_X.m`: `wA = spm_wnorm(a) .* (a > 0)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NoveltyWeight {
    /// pymdp 1.0's default (`spm_wnorm`, `exact_param_info_gain=True`): with
    /// `a = max(α, MINVAL)` and `S = max(Σa, MINVAL)`, `w = −(ln S − ln a + ψ(a+1) − ψ(S+1))`
    /// (see [`wnorm_exact_in_place`]).
    #[default]
    Exact,
    /// pymdp's heuristic (`spm_wnorm`, `exact_param_info_gain=False`):
    /// `w = 1/Σα − 1/(α + MINVAL)` (see [`wnorm_heuristic_in_place`]).
    Heuristic,
    /// SPM's `spm_wnorm` (MATLAB, `spm_MDP_VB_X.m`; the `wnorm_*` cross-validation data):
    /// `w = 1/Σ(α + e^{−16}) − 1/(α + e^{−16})` — the heuristic with SPM's constant
    /// `e^{−16}` added to every entry, sum included (see [`wnorm_spm_in_place`]).
    Spm,
}

/// The novelty weight of one concentration column as pymdp and SPM use it in the parameter
/// information gain, in place: the weight ([`wnorm_exact_in_place`], the heuristic or SPM's,
/// see [`NoveltyWeight`]) where the concentration is positive, 0 elsewhere
/// (`wnorm(pA) ⊙ [pA > 0]`).
///
/// ```
/// use actinf::maths::{NoveltyWeight, novelty_weight_in_place};
/// let mut w = [1.0f64, 0.0, 3.0];
/// novelty_weight_in_place(&mut w, NoveltyWeight::Spm);
/// assert_eq!(w[1], 0.0);
/// assert!((w[0] - (0.25 - 1.0)).abs() < 1e-6);
/// ```
pub fn novelty_weight_in_place<T: Real>(alpha: &mut [T], weight: NoveltyWeight) {
    match weight {
        NoveltyWeight::Exact => {
            let s = alpha
                .iter()
                .fold(T::ZERO, |acc, &x| acc + x.max(T::MINVAL))
                .max(T::MINVAL);
            let ln_s = s.ln();
            let psi_s = digamma(s + T::ONE);
            for x in alpha.iter_mut() {
                let a = *x;
                *x = if a > T::ZERO {
                    let a = a.max(T::MINVAL);
                    -(ln_s - a.ln() + digamma(a + T::ONE) - psi_s)
                } else {
                    T::ZERO
                };
            }
        }
        NoveltyWeight::Heuristic => {
            let s = alpha.iter().fold(T::ZERO, |acc, &x| acc + x);
            for x in alpha.iter_mut() {
                let a = *x;
                *x = if a > T::ZERO {
                    T::ONE / s - T::ONE / (a + T::MINVAL)
                } else {
                    T::ZERO
                };
            }
        }
        NoveltyWeight::Spm => {
            let eps = T::lit(SPM_WNORM_EPS);
            // Zero entries still add e^{−16} to the sum, as in SPM (the mask comes after).
            let s = alpha.iter().fold(T::ZERO, |acc, &x| acc + (x + eps));
            for x in alpha.iter_mut() {
                let a = *x;
                *x = if a > T::ZERO {
                    T::ONE / s - T::ONE / (a + eps)
                } else {
                    T::ZERO
                };
            }
        }
    }
}

/// KL divergence between two Dirichlet distributions over one column,
/// `KL(Dir(q) ‖ Dir(p))`, both clipped at `MINVAL` (pymdp `dirichlet_kl_divergence`).
pub fn dirichlet_kl_slice<T: Real>(q: &[T], p: &[T]) -> T {
    let clip = |x: T| x.max(T::MINVAL);
    let sq = q.iter().fold(T::ZERO, |a, &x| a + clip(x));
    let sp = p.iter().fold(T::ZERO, |a, &x| a + clip(x));
    let psi_sq = digamma(sq);
    let mut kl = ln_gamma(sq) - ln_gamma(sp);
    for (&qi, &pi) in q.iter().zip(p) {
        let (qi, pi) = (clip(qi), clip(pi));
        kl += ln_gamma(pi) - ln_gamma(qi) + (qi - pi) * (digamma(qi) - psi_sq);
    }
    kl
}
