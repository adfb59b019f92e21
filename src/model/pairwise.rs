//! Joint beliefs over two consecutive states of each factor, `q(s_{t+1}, s_t)`: what
//! smoothing returns and what learning `B` from smoothed posteriors counts.

use core::fmt;

use crate::maths::Real;
use crate::spec::{self, Flat, Spec};

/// For every factor `f`, the `N_f × N_f` joint `q(s_{t+1} = j, s_t = i)` (pymdp's smoothing
/// "joints", axes `(next, current)`), stored flat, factor after factor, column-major like `B`:
/// entry `(j, i)` of factor `f` is at `i · N_f + j` in [`factor`](Self::factor)`(f)`.
pub struct Pairwise<T: Real, S: Spec>(pub(crate) S::Pairs<T>);

impl<T: Real, S: Spec> Clone for Pairwise<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec> Copy for Pairwise<T, S> {}
impl<T: Real, S: Spec> PartialEq for Pairwise<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<T: Real, S: Spec> fmt::Debug for Pairwise<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        for i in 0..spec::num_factors::<S>() {
            l.entry(&self.factor(i));
        }
        l.finish()
    }
}

impl<T: Real, S: Spec> Default for Pairwise<T, S> {
    fn default() -> Self {
        Self::ZERO
    }
}

impl<T: Real, S: Spec> Pairwise<T, S> {
    /// All zeros (a `const`, for statics and scratch).
    pub const ZERO: Self = Pairwise(<S::Pairs<T> as Flat<T>>::ZERO);

    /// Factor `f`'s `N × N` joint, column-major (column `i` = current state, entry `j` = next).
    ///
    /// # Panics
    /// If `f` is not a factor of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn factor(&self, f: usize) -> &[T] {
        &self.0.as_ref()[spec::factors::<S>()[f].pair_range()]
    }

    /// Factor `f`'s joint, mutable.
    ///
    /// # Panics
    /// If `f` is not a factor of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn factor_mut(&mut self, f: usize) -> &mut [T] {
        &mut self.0.as_mut()[spec::factors::<S>()[f].pair_range()]
    }

    /// `q(s_{t+1} = next, s_t = current)` of factor `f`.
    ///
    /// # Panics
    /// If `f`, `next` or `current` is out of range.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for an index out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn get(&self, f: usize, next: usize, current: usize) -> T {
        let n = spec::factors::<S>()[f].states;
        assert!(next < n && current < n, "state index out of range");
        self.factor(f)[current * n + next]
    }

    /// Every factor's joint, one flat slice.
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }
}
