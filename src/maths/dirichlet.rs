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

/// Which weight the parameter information gain (novelty) uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NoveltyWeight {
    /// pymdp's default, `−(ln S − ln a + ψ(a+1) − ψ(S+1))`.
    #[default]
    Exact,
    /// The legacy heuristic `1/Σα − 1/α`.
    Heuristic,
}

/// The novelty weight of one concentration column as pymdp uses it in the parameter
/// information gain, in place: the weight ([`wnorm_exact_in_place`] or the heuristic) where the
/// concentration is positive, 0 elsewhere (`wnorm(pA) ⊙ [pA > 0]`).
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
