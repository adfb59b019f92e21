//! Numerical kernels, as plain functions over slices or compile-time-sized vectors.
//!
//! These follow pymdp's `maths` module, including its clipping constant [`MINVAL`] (the `f64`
//! machine epsilon, used in `f32` too), so results match pymdp's.
//!
//! * [`vector`]: `ln`, `exp`, softmax, sums, dot and matrix–vector products over slices, on
//!   SIMD packs ([`Real::Pack`]);
//! * [`tensor`]: contractions of a tensor over several factors with their marginals (the
//!   mean-field `factor_dot` that inference and planning are built on);
//! * [`dirichlet`]: expectations, KL divergences and novelty weights of Dirichlet columns;
//! * [`special`]: digamma, log-gamma and the log multivariate Beta function.
//!
//! The scalar and `SVector` functions below are the same operations on single values or
//! whole vectors, kept for pymdp-style one-liners and tests.

pub mod dirichlet;
mod exp;
mod ln;
mod ln32;
pub(crate) mod real;
pub mod special;
pub mod tensor;
pub mod vector;

use nalgebra::{SMatrix, SVector};

pub use dirichlet::{
    NoveltyWeight, SPM_WNORM_EPS, dirichlet_kl_slice, dirichlet_mean_in_place,
    novelty_weight_in_place, wnorm_exact_in_place, wnorm_heuristic_in_place, wnorm_spm_in_place,
};
pub use real::{ConstZero, Pack, Real};
pub use special::{betaln, digamma, ln_gamma};
pub use tensor::{contract, messages_add, messages_add_pair, outer_into, predict, transpose_into};
pub use vector::{
    axpy, div_in_place, dot, entropy_slice, exp_in_place, first_invalid, log_stable_in_place,
    log_stable_into, matvec, matvec_t_add, max, mix_columns, softmax_in_place, sum, xlogx_sum,
};

/// pymdp's clipping constant `MINVAL = 2.220446049250313e-16` (`f64` machine epsilon).
///
/// Logarithms are taken of `max(x, MINVAL)`, so `log_stable(0) = ln MINVAL ≈ −36.04`.
pub const MINVAL: f64 = 2.220446049250313e-16;

/// [`MINVAL`] in the scalar type `T`.
#[inline(always)]
pub fn minval<T: Real>() -> T {
    T::MINVAL
}

/// `ln(max(x, MINVAL))`: pymdp's `log_stable`, for one value.
///
/// ```
/// let v: f64 = actinf::maths::log_stable(0.0);
/// assert!((v - 2.220446049250313e-16f64.ln()).abs() < 1e-12);
/// ```
#[inline(always)]
pub fn log_stable<T: Real>(x: T) -> T {
    x.max(T::MINVAL).ln()
}

/// `x · ln(max(x, MINVAL))`, exactly 0 where `x == 0` (pymdp's `stable_xlogx`).
#[inline(always)]
pub fn xlogx<T: Real>(x: T) -> T {
    if x == T::ZERO {
        T::ZERO
    } else {
        x * log_stable(x)
    }
}

/// Softmax of a vector: `exp(x − max x) / Σ exp(x − max x)`.
///
/// ```
/// use nalgebra::SVector;
/// let p = actinf::maths::softmax(&SVector::<f64, 3>::new(1.0, 2.0, 3.0));
/// assert!((p.sum() - 1.0).abs() < 1e-15 && p[2] > p[1]);
/// ```
#[inline]
pub fn softmax<T: Real, const N: usize>(x: &SVector<T, N>) -> SVector<T, N> {
    let mut y = *x;
    softmax_in_place(y.as_mut_slice());
    y
}

/// Shannon entropy of a vector, `H(p) = −Σ p ln max(p, MINVAL)`.
///
/// ```
/// use nalgebra::SVector;
/// let h: f64 = actinf::maths::entropy(&SVector::<f64, 2>::new(0.5, 0.5));
/// assert!((h - 2f64.ln()).abs() < 1e-15);
/// ```
#[inline]
pub fn entropy<T: Real, const N: usize>(p: &SVector<T, N>) -> T {
    entropy_slice(p.as_slice())
}

/// Cross-entropy `−Σ p ln max(q, MINVAL)` (pymdp's `stable_cross_entropy`).
#[inline]
pub fn cross_entropy<T: Real, const N: usize>(p: &SVector<T, N>, q: &SVector<T, N>) -> T {
    -p.iter()
        .zip(q.iter())
        .fold(T::ZERO, |a, (&x, &y)| a + x * log_stable(y))
}

/// Categorical KL divergence `KL(p‖q) = CE(p, q) − H(p)`, computed with pymdp's clipping.
#[inline]
pub fn kl_divergence<T: Real, const N: usize>(p: &SVector<T, N>, q: &SVector<T, N>) -> T {
    cross_entropy(p, q) - entropy(p)
}

/// Dirichlet expected value of one column: `max(a, MINVAL) / Σ max(a, MINVAL)`.
#[inline]
pub fn dirichlet_mean<T: Real, const N: usize>(a: &SVector<T, N>) -> SVector<T, N> {
    let mut c = *a;
    dirichlet_mean_in_place(c.as_mut_slice());
    c
}

/// `x ⊗ y`: the outer product, `out[i, j] = x_i · y_j`.
#[inline]
pub fn outer<T: Real, const N: usize, const M: usize>(
    x: &SVector<T, N>,
    y: &SVector<T, M>,
) -> SMatrix<T, N, M> {
    x * y.transpose()
}

/// pymdp's exact parameter-information-gain weight for one Dirichlet column (`spm_wnorm`,
/// the default): with `a = max(α, MINVAL)` and `S = max(Σ a, MINVAL)`,
/// `w = −(ln S − ln a + ψ(a + 1) − ψ(S + 1))` (≤ 0).
pub fn wnorm_exact<T: Real, const N: usize>(alpha: &SVector<T, N>) -> SVector<T, N> {
    let mut w = *alpha;
    wnorm_exact_in_place(w.as_mut_slice());
    w
}

/// The heuristic (legacy) weight `w = 1/Σα − 1/(α + MINVAL)` (pymdp
/// `spm_wnorm(…, exact_param_info_gain=False)`).
pub fn wnorm_heuristic<T: Real, const N: usize>(alpha: &SVector<T, N>) -> SVector<T, N> {
    let mut w = *alpha;
    wnorm_heuristic_in_place(w.as_mut_slice());
    w
}

/// SPM's `spm_wnorm` weight `w = 1/Σ(α + e^{−16}) − 1/(α + e^{−16})` for one Dirichlet column
/// (see [`wnorm_spm_in_place`]).
///
/// ```
/// use nalgebra::SVector;
/// let w = actinf::maths::wnorm_spm(&SVector::<f64, 2>::new(1.0, 3.0));
/// assert!((w[0] + 0.75).abs() < 1e-6 && (w[1] + 1.0 / 12.0).abs() < 1e-6);
/// ```
pub fn wnorm_spm<T: Real, const N: usize>(alpha: &SVector<T, N>) -> SVector<T, N> {
    let mut w = *alpha;
    wnorm_spm_in_place(w.as_mut_slice());
    w
}

/// Novelty weight of one Dirichlet column as pymdp uses it in the parameter information gain:
/// [`wnorm_exact`] (or [`wnorm_heuristic`]) masked to the entries with positive concentration.
pub fn novelty_weight<T: Real, const N: usize>(
    alpha: &SVector<T, N>,
    exact: bool,
) -> SVector<T, N> {
    let mut w = *alpha;
    let kind = if exact {
        NoveltyWeight::Exact
    } else {
        NoveltyWeight::Heuristic
    };
    novelty_weight_in_place(w.as_mut_slice(), kind);
    w
}

/// KL divergence between two Dirichlet distributions over one column,
/// `KL(Dir(q) ‖ Dir(p))` with both clipped at `MINVAL` (pymdp `dirichlet_kl_divergence`).
pub fn dirichlet_kl<T: Real, const N: usize>(q: &SVector<T, N>, p: &SVector<T, N>) -> T {
    dirichlet_kl_slice(q.as_slice(), p.as_slice())
}

/// Index of the largest entry; the **lowest** index on exact ties (like `jnp.argmax`).
/// Returns 0 for an empty slice.
///
/// ```
/// assert_eq!(actinf::maths::argmax(&[0.2, 0.4, 0.4]), 1);
/// ```
pub fn argmax<T: PartialOrd + Copy>(x: &[T]) -> usize {
    let Some(&first) = x.first() else {
        return 0;
    };
    let (mut best, mut best_v) = (0, first);
    for (i, &v) in x.iter().enumerate().skip(1) {
        if v > best_v {
            best = i;
            best_v = v;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wnorm_matches_inventory_golden() {
        // pymdp-inventory §2.1: A = [[1,2],[3,4]] (columns (1,3) and (2,4)).
        let c0 = SVector::<f64, 2>::new(1.0, 3.0);
        let c1 = SVector::<f64, 2>::new(2.0, 4.0);
        let (e0, e1) = (wnorm_exact(&c0), wnorm_exact(&c1));
        assert!((e0[0] + 0.302961).abs() < 1e-6 && (e0[1] + 0.037682).abs() < 1e-6);
        assert!((e1[0] + 0.148612).abs() < 1e-6 && (e1[1] + 0.038799).abs() < 1e-6);
        let (h0, h1) = (wnorm_heuristic(&c0), wnorm_heuristic(&c1));
        assert!((h0[0] + 0.75).abs() < 1e-12 && (h0[1] + 0.083333).abs() < 1e-6);
        assert!((h1[0] + 0.333333).abs() < 1e-6 && (h1[1] + 0.083333).abs() < 1e-6);
        // masked: a zero concentration gets weight 0
        let m = novelty_weight(&SVector::<f64, 3>::new(1.0, 0.0, 3.0), true);
        assert_eq!(m[1], 0.0);
        assert!(m[0] < 0.0 && m[2] < 0.0);
        // SPM's form on the same columns: e^{−16} instead of MINVAL, so it differs from the
        // heuristic by ~1e-7 relative, not more.
        let (s0, s1) = (wnorm_spm(&c0), wnorm_spm(&c1));
        assert!((s0 - h0).norm() < 1e-6 && (s1 - h1).norm() < 1e-6);
        assert!((s0 - h0).norm() > 1e-9);
    }

    #[test]
    fn spm_wnorm_constant_is_exp_minus_16() {
        extern crate std;
        assert_eq!(SPM_WNORM_EPS, (-16.0f64).exp());
    }

    #[test]
    fn softmax_is_shift_invariant_and_normalised() {
        let x = SVector::<f64, 4>::new(1000.0, 999.0, -5.0, 0.0);
        let p = softmax(&x);
        assert!((p.sum() - 1.0).abs() < 1e-15);
        let q = softmax(&x.add_scalar(-1000.0));
        assert!((p - q).norm() < 1e-15);
    }

    #[test]
    fn entropy_and_kl_edge_cases() {
        let p = SVector::<f64, 3>::new(1.0, 0.0, 0.0);
        assert_eq!(entropy(&p), 0.0);
        let u = SVector::<f64, 3>::from_element(1.0 / 3.0);
        assert!((kl_divergence(&p, &u) - 3f64.ln()).abs() < 1e-15);
        assert!(kl_divergence(&u, &u).abs() < 1e-15);
        assert_eq!(log_stable(0.0f64), MINVAL.ln());
        assert_eq!(xlogx(0.0f64), 0.0);
    }
}
