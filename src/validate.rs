//! Checks shared by every constructor: finite, non-negative, normalised.

use crate::error::{NORMALISATION_TOLERANCE, Problem};
use crate::real::{Real, to_f64};

/// Checks that `col` is a probability vector: finite, non-negative, summing to 1 within
/// [`NORMALISATION_TOLERANCE`]. On failure returns the offending entry (the row for a bad
/// value, `None` for a bad sum) and the problem.
pub(crate) fn distribution<T: Real>(col: &[T]) -> Result<(), (Option<usize>, Problem)> {
    nonnegative(col).map_err(|(i, p)| (Some(i), p))?;
    let sum = col.iter().fold(T::zero(), |a, &x| a + x);
    let s = to_f64(sum);
    if (s - 1.0).abs() > NORMALISATION_TOLERANCE {
        return Err((None, Problem::NotNormalised { sum: s }));
    }
    Ok(())
}

/// Checks that every value is finite and `>= 0`.
pub(crate) fn nonnegative<T: Real>(vals: &[T]) -> Result<(), (usize, Problem)> {
    finite(vals)?;
    for (i, &x) in vals.iter().enumerate() {
        if x < T::zero() {
            return Err((i, Problem::Negative { value: to_f64(x) }));
        }
    }
    Ok(())
}

/// Checks that every value is finite.
pub(crate) fn finite<T: Real>(vals: &[T]) -> Result<(), (usize, Problem)> {
    for (i, &x) in vals.iter().enumerate() {
        if !x.is_finite() {
            return Err((i, Problem::NotFinite { value: to_f64(x) }));
        }
    }
    Ok(())
}

/// Decodes a flat C-order index over axes of sizes `dim(0..len)` into per-axis indices,
/// written after `lead` leading indices.
pub(crate) fn entry_of(
    lead: &[usize],
    flat: usize,
    len: usize,
    dim: impl Fn(usize) -> usize,
    column: bool,
) -> crate::error::Entry {
    use crate::error::{Entry, MAX_AXES};
    let mut idx = [0usize; MAX_AXES];
    let nl = lead.len().min(MAX_AXES);
    idx[..nl].copy_from_slice(&lead[..nl]);
    let total = (nl + len).min(MAX_AXES);
    let mut rest = flat;
    for k in (0..len).rev() {
        let d = dim(k).max(1);
        if nl + k < MAX_AXES {
            idx[nl + k] = rest % d;
        }
        rest /= d;
    }
    let mut e = Entry::new(&idx[..total], column);
    e.len = total;
    e
}
