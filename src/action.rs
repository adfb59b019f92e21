//! Action selection helpers.

use crate::real::Real;

/// Index of the largest entry; the **lowest** index on exact ties (like `jnp.argmax`).
/// Returns 0 for an empty slice.
pub fn argmax<T: Real>(x: &[T]) -> usize {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate().skip(1) {
        if v > x[best] {
            best = i;
        }
    }
    best
}
