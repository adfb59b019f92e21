//! Numerical kernels, as plain functions over compile-time sizes (or slices).
//!
//! These follow pymdp's `maths` module exactly, including its clipping constant
//! [`MINVAL`] (the `f64` machine epsilon, used in `f32` too), so results match pymdp's.

use nalgebra::{SMatrix, SVector};

use crate::real::{Real, lit};

/// pymdp's clipping constant `MINVAL = 2.220446049250313e-16` (`f64` machine epsilon).
///
/// Logarithms are taken of `max(x, MINVAL)`, so `log_stable(0) = ln MINVAL ≈ −36.04`.
pub const MINVAL: f64 = 2.220446049250313e-16;

/// [`MINVAL`] in the scalar type `T`.
#[inline(always)]
pub fn minval<T: Real>() -> T {
    lit(MINVAL)
}

/// `ln(max(x, MINVAL))`: pymdp's `log_stable`.
///
/// ```
/// let v: f64 = actinf::maths::log_stable(0.0);
/// assert!((v - 2.220446049250313e-16f64.ln()).abs() < 1e-12);
/// ```
#[inline(always)]
pub fn log_stable<T: Real>(x: T) -> T {
    x.max(minval()).ln()
}

/// `x · ln(max(x, MINVAL))`, exactly 0 where `x == 0` (pymdp's `stable_xlogx`).
#[inline(always)]
pub fn xlogx<T: Real>(x: T) -> T {
    if x == T::zero() {
        T::zero()
    } else {
        x * log_stable(x)
    }
}

/// In-place softmax of a slice: `exp(x − max x) / Σ exp(x − max x)`.
#[inline]
pub fn softmax_in_place<T: Real>(x: &mut [T]) {
    let m = x
        .iter()
        .copied()
        .fold(T::min_value().unwrap_or(-T::max_value().unwrap()), T::max);
    let mut s = T::zero();
    for v in x.iter_mut() {
        *v = (*v - m).exp();
        s += *v;
    }
    for v in x.iter_mut() {
        *v /= s;
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

/// Shannon entropy `H(p) = −Σ p ln max(p, MINVAL)` (zero entries contribute 0).
#[inline]
pub fn entropy_slice<T: Real>(p: &[T]) -> T {
    -p.iter().fold(T::zero(), |a, &x| a + xlogx(x))
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
        .fold(T::zero(), |a, (&x, &y)| a + x * log_stable(y))
}

/// Categorical KL divergence `KL(p‖q) = CE(p, q) − H(p)`, computed with pymdp's clipping.
#[inline]
pub fn kl_divergence<T: Real, const N: usize>(p: &SVector<T, N>, q: &SVector<T, N>) -> T {
    cross_entropy(p, q) - entropy(p)
}

/// Dirichlet expected value of one column: `max(a, MINVAL) / Σ max(a, MINVAL)`.
#[inline]
pub fn dirichlet_mean<T: Real, const N: usize>(a: &SVector<T, N>) -> SVector<T, N> {
    let c = a.map(|x| x.max(minval()));
    let s = c.sum();
    c / s
}

/// `x ⊗ y`: the outer product, `out[i, j] = x_i · y_j`.
#[inline]
pub fn outer<T: Real, const N: usize, const M: usize>(
    x: &SVector<T, N>,
    y: &SVector<T, M>,
) -> SMatrix<T, N, M> {
    x * y.transpose()
}

/// The digamma function `ψ(x) = d/dx ln Γ(x)` for `x > 0`.
///
/// Recurrence `ψ(x) = ψ(x + 1) − 1/x` up to `x ≥ 10`, then the asymptotic series; accurate
/// to a few ulps in `f64`.
///
/// ```
/// let v: f64 = actinf::maths::digamma(1.0);
/// assert!((v + 0.5772156649015329).abs() < 1e-14); // −γ (Euler–Mascheroni)
/// ```
pub fn digamma<T: Real>(x: T) -> T {
    let mut x = x;
    let mut acc = T::zero();
    let ten: T = lit(10.0);
    while x < ten {
        acc -= T::one() / x;
        x += T::one();
    }
    let inv = T::one() / x;
    let inv2 = inv * inv;
    // Bernoulli terms: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12
    let series = inv2
        * (lit::<T>(1.0 / 12.0)
            - inv2
                * (lit::<T>(1.0 / 120.0)
                    - inv2
                        * (lit::<T>(1.0 / 252.0)
                            - inv2
                                * (lit::<T>(1.0 / 240.0)
                                    - inv2
                                        * (lit::<T>(1.0 / 132.0)
                                            - inv2 * lit::<T>(691.0 / 32760.0))))));
    acc + x.ln() - lit::<T>(0.5) * inv - series
}

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, g = 7, n = 9; relative error ~1e-15).
pub fn ln_gamma<T: Real>(x: T) -> T {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let half: T = lit(0.5);
    if x < half {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        let pi = T::pi();
        return (pi / (pi * x).sin()).abs().ln() - ln_gamma(T::one() - x);
    }
    let x = x - T::one();
    let mut a: T = lit(COEF[0]);
    let t = x + lit::<T>(G) + half;
    for (i, &c) in COEF.iter().enumerate().skip(1) {
        a += lit::<T>(c) / (x + lit::<T>(i as f64));
    }
    // ½ ln(2π)
    lit::<T>(0.918_938_533_204_672_8) + (x + half) * t.ln() - t + a.ln()
}

/// pymdp's exact parameter-information-gain weight for one Dirichlet column (`spm_wnorm`,
/// the default): with `a = max(α, MINVAL)` and `S = max(Σ a, MINVAL)`,
/// `w = −(ln S − ln a + ψ(a + 1) − ψ(S + 1))` (≤ 0).
pub fn wnorm_exact<T: Real, const N: usize>(alpha: &SVector<T, N>) -> SVector<T, N> {
    let a = alpha.map(|x| x.max(minval()));
    let s = a.sum().max(minval());
    let ln_s = s.ln();
    let psi_s = digamma(s + T::one());
    a.map(|ai| -(ln_s - ai.ln() + digamma(ai + T::one()) - psi_s))
}

/// The heuristic (legacy) weight `w = 1/Σα − 1/(α + MINVAL)` (pymdp
/// `spm_wnorm(…, exact_param_info_gain=False)`).
pub fn wnorm_heuristic<T: Real, const N: usize>(alpha: &SVector<T, N>) -> SVector<T, N> {
    let s = alpha.sum();
    alpha.map(|x| T::one() / s - T::one() / (x + minval()))
}

/// Novelty weight of one Dirichlet column as pymdp uses it in the parameter information gain:
/// [`wnorm_exact`] (or [`wnorm_heuristic`]) masked to the entries with positive concentration.
pub fn novelty_weight<T: Real, const N: usize>(
    alpha: &SVector<T, N>,
    exact: bool,
) -> SVector<T, N> {
    let w = if exact {
        wnorm_exact(alpha)
    } else {
        wnorm_heuristic(alpha)
    };
    w.zip_map(alpha, |wi, ai| if ai > T::zero() { wi } else { T::zero() })
}

/// KL divergence between two Dirichlet distributions over one column,
/// `KL(Dir(q) ‖ Dir(p))` with both clipped at `MINVAL` (pymdp `dirichlet_kl_divergence`).
pub fn dirichlet_kl<T: Real, const N: usize>(q: &SVector<T, N>, p: &SVector<T, N>) -> T {
    let q = q.map(|x| x.max(minval()));
    let p = p.map(|x| x.max(minval()));
    let sq = q.sum();
    let sp = p.sum();
    let psi_sq = digamma(sq);
    let mut kl = ln_gamma(sq) - ln_gamma(sp);
    for i in 0..N {
        kl += ln_gamma(p[i]) - ln_gamma(q[i]) + (q[i] - p[i]) * (digamma(q[i]) - psi_sq);
    }
    kl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_known_values() {
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(10) = H_9 − γ
        let g = 0.577_215_664_901_532_9_f64;
        assert!((digamma(1.0f64) + g).abs() < 1e-14);
        assert!((digamma(0.5f64) + g + 2.0 * 2f64.ln()).abs() < 1e-14);
        let h9: f64 = (1..=9).map(|k| 1.0 / k as f64).sum();
        assert!((digamma(10.0f64) - (h9 - g)).abs() < 1e-14);
        // tiny argument: ψ(x) ≈ −1/x − γ
        let x = 1e-10f64;
        assert!((digamma(x) - (-1.0 / x - g)).abs() / (1.0 / x) < 1e-12);
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(ln_gamma(1.0f64).abs() < 1e-14);
        assert!(ln_gamma(2.0f64).abs() < 1e-14);
        assert!((ln_gamma(5.0f64) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5f64) - core::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
        assert!((ln_gamma(11.0f64) - 3_628_800f64.ln()).abs() < 1e-12); // ln 10!
        // recurrence ln Γ(x + 1) − ln Γ(x) = ln x
        assert!((ln_gamma(31.5f64) - ln_gamma(30.5f64) - 30.5f64.ln()).abs() < 1e-12);
    }

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
