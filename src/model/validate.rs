//! Checks shared by every constructor: finite, non-negative, normalised.

use crate::error::{NORMALISATION_TOLERANCE, Problem};
use crate::maths::Real;
use crate::maths::real::to_f64;

/// A column of a flat tensor: `len` entries from `start`, `stride` apart.
#[derive(Clone, Copy)]
pub(crate) struct Column {
    pub start: usize,
    pub stride: usize,
    pub len: usize,
}

impl Column {
    pub(crate) fn contiguous(len: usize) -> Self {
        Column {
            start: 0,
            stride: 1,
            len,
        }
    }

    #[inline]
    pub(crate) fn iter<'a, T: Copy>(&self, data: &'a [T]) -> impl Iterator<Item = T> + 'a {
        data.iter()
            .skip(self.start)
            .step_by(self.stride.max(1))
            .take(self.len)
            .copied()
    }
}

/// Checks that the column is a probability vector: finite, non-negative, summing to 1 within
/// [`NORMALISATION_TOLERANCE`]. On failure returns the offending row (`None` for a bad sum)
/// and the problem.
pub(crate) fn distribution<T: Real>(
    data: &[T],
    col: Column,
) -> Result<(), (Option<usize>, Problem)> {
    nonnegative(data, col).map_err(|(i, p)| (Some(i), p))?;
    let s: f64 = col.iter(data).map(to_f64).sum();
    if !s.is_finite() {
        return Err((None, Problem::NotFinite { value: s }));
    }
    if (s - 1.0).abs() > NORMALISATION_TOLERANCE {
        return Err((None, Problem::NotNormalised { sum: s }));
    }
    Ok(())
}

/// Checks that every value of the column is finite and `>= 0`.
pub(crate) fn nonnegative<T: Real>(data: &[T], col: Column) -> Result<(), (usize, Problem)> {
    finite(data, col)?;
    for (i, x) in col.iter(data).enumerate() {
        if x < T::ZERO {
            return Err((i, Problem::Negative { value: to_f64(x) }));
        }
    }
    Ok(())
}

/// Checks that every value of the column is finite.
pub(crate) fn finite<T: Real>(data: &[T], col: Column) -> Result<(), (usize, Problem)> {
    for (i, x) in col.iter(data).enumerate() {
        if !x.is_finite() {
            return Err((i, Problem::NotFinite { value: to_f64(x) }));
        }
    }
    Ok(())
}

/// Checks a Dirichlet concentration column: finite, non-negative, with positive total mass.
pub(crate) fn concentration<T: Real>(
    data: &[T],
    col: Column,
) -> Result<(), (Option<usize>, Problem)> {
    nonnegative(data, col).map_err(|(i, p)| (Some(i), p))?;
    let s: f64 = col.iter(data).map(to_f64).sum();
    if !s.is_finite() {
        return Err((None, Problem::NotFinite { value: s }));
    }
    // The column is normalised in `T` (expected values, novelty weights): its sum must not
    // overflow there either (e.g. `f32` counts near `f32::MAX`).
    let st = col.iter(data).fold(T::ZERO, |a, x| a + x);
    if !st.is_finite() {
        return Err((None, Problem::NotFinite { value: to_f64(st) }));
    }
    if s <= 0.0 {
        return Err((None, Problem::ZeroConcentration));
    }
    Ok(())
}

/// Decodes a flat C-order index over axes of sizes `dims` into per-axis indices, written
/// after `lead` leading indices and before `trail` trailing ones.
pub(crate) fn entry_of(
    lead: &[usize],
    flat: usize,
    dims: &[usize],
    trail: &[usize],
    column: bool,
) -> crate::error::Entry {
    use crate::error::{Entry, MAX_AXES};
    let mut idx = [0usize; MAX_AXES];
    let mut n = 0;
    for &i in lead {
        if let Some(slot) = idx.get_mut(n) {
            *slot = i;
            n += 1;
        }
    }
    let base = n;
    let mut rest = flat;
    for (k, &d) in dims.iter().enumerate().rev() {
        let d = d.max(1);
        if let Some(slot) = idx.get_mut(base + k) {
            *slot = rest % d;
        }
        rest /= d;
    }
    n = (base + dims.len()).min(MAX_AXES);
    for &i in trail {
        if let Some(slot) = idx.get_mut(n) {
            *slot = i;
            n += 1;
        }
    }
    Entry::new(idx.get(..n).unwrap_or(&idx), column)
}
