//! Special functions: digamma, log-gamma and the log multivariate Beta function.

use super::real::{Real, lit};

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
    if x.partial_cmp(&T::ZERO) != Some(core::cmp::Ordering::Greater) {
        // Not defined here (and the recurrence would never reach 10 from −∞).
        return T::lit(f64::NAN);
    }
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

/// The log multivariate Beta function of a concentration vector,
/// `ln B(z) = Σᵢ ln Γ(zᵢ) − ln Γ(Σᵢ zᵢ)`: the log normalising constant of `Dir(z)`
/// (scipy `betaln` for two entries, pymdp legacy `spm_betaln` for one column).
///
/// Meant for positive entries; a zero entry gives `+∞` (the limit), an empty slice `−∞`.
/// Negative entries give `ln |Γ|` through the reflection formula, as scipy's `gammaln` does,
/// which has no meaning here: callers check their inputs (see
/// [`learn::reduction`](crate::learn::reduction), which also follows SPM in leaving zero
/// entries out).
///
/// ```
/// use actinf::maths::betaln;
/// // B(2, 3) = Γ(2)Γ(3)/Γ(5) = 1·2/24
/// assert!((betaln(&[2.0f64, 3.0]) - (2.0f64 / 24.0).ln()).abs() < 1e-14);
/// ```
pub fn betaln<T: Real>(z: &[T]) -> T {
    let mut sum = T::zero();
    let mut acc = T::zero();
    for &x in z {
        sum += x;
        acc += ln_gamma(x);
    }
    acc - ln_gamma(sum)
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
    fn betaln_known_values() {
        // B(1, 1) = 1; B(½, ½) = π; B(1, 2, 3) = 0!·1!·2!/5! = 1/60
        assert!(betaln(&[1.0f64, 1.0]).abs() < 1e-14);
        let pi = core::f64::consts::PI;
        assert!((betaln(&[0.5f64, 0.5]) - pi.ln()).abs() < 1e-14);
        assert!((betaln(&[1.0f64, 2.0, 3.0]) + 60f64.ln()).abs() < 1e-13);
        // a single entry: ln Γ(x) − ln Γ(x) = 0
        assert_eq!(betaln(&[4.5f64]), 0.0);
        assert_eq!(betaln(&[0.0f64, 1.0]), f64::INFINITY);
        assert_eq!(betaln::<f64>(&[]), f64::NEG_INFINITY);
    }
}
