//! Bayesian model reduction of Dirichlet parameters: SPM's `spm_MDP_log_evidence`, pymdp
//! legacy `dirichlet_log_evidence`.
//!
//! A full model has the prior `Dir(p)` over one categorical column and, after counts `n`,
//! the posterior `Dir(q)`, `q = p + n`. A *reduced* model differs only in its prior, `Dir(r)`.
//! Its posterior and evidence follow from the full model's without refitting:
//!
//! * reduced posterior `s = q + r − p`;
//! * change in free energy `F = ln B(q) + ln B(r) − ln B(p) − ln B(s)`, with
//!   `ln B(z) = Σ ln Γ(zᵢ) − ln Γ(Σ zᵢ)` ([`betaln`](crate::maths::betaln)).
//!
//! Since the evidence of the counts under `Dir(α)` is `B(α + n) / B(α)`,
//! `F = ln p(y | full) − ln p(y | reduced)`: **`F < 0` favours the reduced model** (SPM's sign:
//! `F` is the reduced model's free energy relative to the full one). Columns are independent,
//! so a tensor's `F` is the sum of its columns'.
//!
//! # Which SPM, and the edge cases
//!
//! For positive `s` this is exactly the SPM12 routine (`spm_MDP_log_evidence.m` r7326 with
//! `spm_betaln.m` r7508) that generated pymdp's `bmr_test_*` cross-validation data, and
//! pymdp's legacy `dirichlet_log_evidence`; the operations are done in the same order
//! (`s = (q + r) − p`), so `s` matches bit for bit. Where they differ, this module does:
//!
//! * **Zero concentrations leave the support** (SPM12 `spm_betaln`: `z = z(find(z))`): every
//!   `ln B` sums over the positive entries only, so a zero `rᵢ` means the reduced prior
//!   excludes outcome `i`. This is the exact evidence ratio when that outcome has no counts
//!   (`qᵢ = pᵢ`); with counts (`qᵢ > pᵢ`, `rᵢ = 0`) it is SPM's finite value, whereas the limit
//!   `rᵢ → 0⁺` is `F → +∞`. pymdp's legacy code has `ln Γ(0) = ∞` there (`F = ±∞` or NaN).
//!   The current SPM (`spm_betaln` adding `e^{−16}` to every entry) differs from both by about
//!   `1e-7` on ordinary data and does not reproduce the cross-validation data.
//! * **Non-positive reduced posteriors are clipped to 0**, as the current SPM does
//!   (`sA = max(sA, 0)`): `sᵢ = max(qᵢ + rᵢ − pᵢ, 0)`, and the zero then leaves the support.
//!   This only happens when the posterior is below its prior somewhere (`qᵢ < pᵢ − rᵢ`, e.g.
//!   after forgetting); SPM12 passed the negative value to MATLAB's `gammaln`, pymdp's legacy
//!   code to scipy's `gammaln` (which returns `ln |Γ|`, a meaningless finite number).
//! * **An empty reduced posterior** (every `sᵢ ≤ 0`) gives `F = +∞`: `ln B` of an empty
//!   support is `−∞`, as in SPM12. The reduced model explains nothing; a threshold test
//!   `F < c` rejects it.
//! * **Invalid inputs are errors**, not NaN: `q`, `p`, `r` must be finite and non-negative,
//!   each column with some positive entry (a Dirichlet needs one), and the lengths must agree;
//!   the error ([`Tensor::Reduction`]) names the argument, the column and the entry.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{Real, ln_gamma};

/// Change in free energy `F` of one reduced Dirichlet column, and its posterior `s`.
///
/// `q` are the full model's posterior concentrations, `p` its prior's, `r` the reduced
/// prior's, all of one column (the same length as `s`). Writes the reduced posterior
/// `s = max(q + r − p, 0)` and returns `F = ln B(q) + ln B(r) − ln B(p) − ln B(s)`, each `ln B`
/// over the positive entries (see the [module docs](self) for the conventions and edge
/// cases). `F < 0` favours the reduced model.
///
/// Errors (nothing is written): a length differing from `s.len()`; a negative, NaN or
/// infinite entry; a column of `q`, `p` or `r` without a positive entry.
///
/// ```
/// use actinf::learn::reduction::dirichlet_log_evidence;
/// // Prior Beta(1, 1), counts (5, 0): posterior Beta(6, 1). A reduced prior that favours
/// // the first outcome, Beta(1, 0.5), explains the counts better: F < 0.
/// let mut s = [0.0; 2];
/// let f = dirichlet_log_evidence(&[6.0, 1.0], &[1.0, 1.0], &[1.0, 0.5], &mut s)?;
/// assert_eq!(s, [6.0, 0.5]);
/// // ln p(y | full) − ln p(y | reduced) = ln(B(6,1)/B(1,1)) − ln(B(6,½)/B(1,½))
/// //   = ln(1/6) − ln((1·2·3·4·5)/(1.5·2.5·3.5·4.5·5.5))
/// let want = (1.0f64 / 6.0).ln() - (120.0f64 / (1.5 * 2.5 * 3.5 * 4.5 * 5.5)).ln();
/// assert!((f - want).abs() < 1e-12 && f < 0.0);
/// assert!(dirichlet_log_evidence(&[6.0, -1.0], &[1.0, 1.0], &[1.0, 1.0], &mut s).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn dirichlet_log_evidence<T: Real>(q: &[T], p: &[T], r: &[T], s: &mut [T]) -> Result<T, Error> {
    let mut f = [T::ZERO];
    dirichlet_log_evidence_columns(q, p, r, s.len(), s, &mut f)?;
    Ok(f[0])
}

/// [`dirichlet_log_evidence`] over a set of columns: `F[j]` and `s[:, j]` for every column `j`.
///
/// The columns are stored one after the other, `n` entries each (column-major, like
/// [`DirichletA::modality`](crate::DirichletA::modality)): column `j` of `x` is
/// `x[j·n .. (j+1)·n]`. The number of columns is `f.len()`, and `s` holds `n · f.len()`
/// entries. Each of `q`, `p` and `r` holds either `n · f.len()` entries (one column per `j`)
/// or `n` (one column shared by all `j`, as MATLAB broadcasts `qA + rA − pA`): several reduced
/// priors of one full model, or one reduced prior for every column of a tensor.
///
/// Errors (nothing is written): wrong lengths ([`Problem::WrongLength`] naming the argument,
/// with the per-column length `n · f.len()` as `expected`); a negative, NaN or infinite entry;
/// a column of `q`, `p` or `r` without a positive entry ([`Problem::ZeroConcentration`]).
///
/// ```
/// use actinf::learn::reduction::dirichlet_log_evidence_columns;
/// // One full model (prior Dir(1,1,1), counts (4, 0, 2)) against two reduced priors.
/// let (q, p) = ([5.0, 1.0, 3.0], [1.0; 3]);
/// let r = [1.0, 1.0, 1.0, /* second model: */ 1.0, 0.0, 1.0];
/// let (mut s, mut f) = ([0.0; 6], [0.0; 2]);
/// dirichlet_log_evidence_columns(&q, &p, &r, 3, &mut s, &mut f)?;
/// assert_eq!(f[0], 0.0); // r = p: nothing changes
/// assert_eq!(s, [5.0, 1.0, 3.0, 5.0, 0.0, 3.0]);
/// assert!(f[1] < 0.0); // outcome 1 never occurred: dropping it is better
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn dirichlet_log_evidence_columns<T: Real>(
    q: &[T],
    p: &[T],
    r: &[T],
    n: usize,
    s: &mut [T],
    f: &mut [T],
) -> Result<(), Error> {
    let columns = f.len();
    let total = n.saturating_mul(columns);
    if s.len() != total {
        return Err(wrong_length("s", total, s.len()));
    }
    let q_shared = input_layout("q", q, n, columns)?;
    let p_shared = input_layout("p", p, n, columns)?;
    let r_shared = input_layout("r", r, n, columns)?;
    check_input("q", q, n, q_shared)?;
    check_input("p", p, n, p_shared)?;
    check_input("r", r, n, r_shared)?;

    for (j, (sj, fj)) in s.chunks_exact_mut(n.max(1)).zip(f.iter_mut()).enumerate() {
        let (qj, pj, rj) = (
            column(q, n, j, q_shared),
            column(p, n, j, p_shared),
            column(r, n, j, r_shared),
        );
        for (((x, &qi), &pi), &ri) in sj.iter_mut().zip(qj).zip(pj).zip(rj) {
            // Same order as SPM's `qA + rA - pA`, so `s` matches bit for bit.
            let v = qi + ri - pi;
            *x = if v > T::ZERO { v } else { T::ZERO };
        }
        *fj = betaln_support(qj) + betaln_support(rj) - betaln_support(pj) - betaln_support(sj);
    }
    Ok(())
}

/// `ln B` over the positive entries (SPM12 `spm_betaln`, which drops zeros); `−∞` when there
/// are none.
fn betaln_support<T: Real>(z: &[T]) -> T {
    let mut sum = T::ZERO;
    let mut acc = T::ZERO;
    for &x in z {
        if x > T::ZERO {
            sum += x;
            acc += ln_gamma(x);
        }
    }
    if sum > T::ZERO {
        acc - ln_gamma(sum)
    } else {
        T::lit(f64::NEG_INFINITY)
    }
}

/// Column `j` of `x` (`n` entries each), or `x` itself when it is one shared column.
#[allow(
    clippy::indexing_slicing,
    reason = "column `j` below the column count the caller's length check gave"
)]
fn column<T>(x: &[T], n: usize, j: usize, shared: bool) -> &[T] {
    if shared { x } else { &x[j * n..(j + 1) * n] }
}

/// Whether input `name` is one shared column (`n` entries) or one column per `F` (`n·J`).
fn input_layout<T>(name: &'static str, x: &[T], n: usize, columns: usize) -> Result<bool, Error> {
    let total = n.saturating_mul(columns);
    if x.len() == total {
        Ok(columns == 1)
    } else if x.len() == n {
        Ok(true)
    } else {
        Err(wrong_length(name, total, x.len()))
    }
}

/// Checks every column of input `name`: finite, non-negative entries, some of them positive.
fn check_input<T: Real>(name: &'static str, x: &[T], n: usize, shared: bool) -> Result<(), Error> {
    let columns = if shared { 1 } else { x.len() / n.max(1) };
    for j in 0..columns {
        let col = column(x, n, j, shared);
        let mut positive = false;
        for (i, &v) in col.iter().enumerate() {
            let problem = if !v.is_finite() {
                Problem::NotFinite { value: v.as_f64() }
            } else if v < T::ZERO {
                Problem::Negative { value: v.as_f64() }
            } else {
                positive |= v > T::ZERO;
                continue;
            };
            return Err(Error::new(
                Tensor::Reduction,
                j,
                name,
                Entry::at(i),
                problem,
            ));
        }
        if !positive {
            return Err(Error::new(
                Tensor::Reduction,
                j,
                name,
                Entry::new(&[0], true),
                Problem::ZeroConcentration,
            ));
        }
    }
    Ok(())
}

fn wrong_length(name: &'static str, expected: usize, found: usize) -> Error {
    Error::new(
        Tensor::Reduction,
        0,
        name,
        Entry::at(0),
        Problem::WrongLength { expected, found },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_priors_change_nothing() {
        let q = [3.5, 0.25, 2.0];
        let mut s = [0.0; 3];
        let f = dirichlet_log_evidence(&q, &[1.0, 0.5, 1.0], &[1.0, 0.5, 1.0], &mut s).unwrap();
        assert_eq!(f, 0.0);
        assert_eq!(s, q);
    }

    #[test]
    fn empty_columns_and_shapes() {
        // n = 0: a column without entries has no positive concentration.
        let e = dirichlet_log_evidence::<f64>(&[], &[], &[], &mut []).unwrap_err();
        assert_eq!(e.problem, Problem::ZeroConcentration);
        // no columns: nothing to do
        let mut f: [f64; 0] = [];
        dirichlet_log_evidence_columns(&[1.0], &[1.0], &[1.0], 1, &mut [], &mut f).unwrap();
    }

    #[test]
    fn display_names_argument_column_and_entry() {
        extern crate std;
        use std::string::ToString;
        let (mut s, mut f) = ([0.0; 4], [0.0; 2]);
        let e = dirichlet_log_evidence_columns(
            &[1.0, 1.0],
            &[1.0, 1.0],
            &[1.0, 1.0, 2.0, -0.5],
            2,
            &mut s,
            &mut f,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "model reduction `r`, column 1: entry [1] is negative (-0.5)"
        );
    }
}
