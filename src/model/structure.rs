//! Structure the model reveals at construction, used to skip work: one-hot (deterministic)
//! transition columns and factors whose transition is the identity.
//!
//! Recomputed whenever `B` changes, so a model whose `B` is learned from one-hot into dense
//! columns falls back to the dense path (and back).

use crate::maths::Real;
use crate::spec::{self, Flat, Spec};

/// Marks a transition column that is not one-hot.
pub const DENSE_COLUMN: u32 = u32::MAX;

/// What [`analyse`] finds in `B`.
pub struct Structure<S: Spec> {
    /// Per transition column `(f, u, j)`: the row of its single 1, or [`DENSE_COLUMN`].
    pub columns: S::Columns,
    /// Bit `f`: every column of `B[f]` is one-hot.
    pub one_hot: u32,
    /// Bit `f`: `B[f]` depends on the factor alone and every action leaves it in place.
    pub identity: u32,
}

impl<S: Spec> Clone for Structure<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Spec> Copy for Structure<S> {}

impl<S: Spec> Structure<S> {
    /// No structure known (every column dense).
    pub const NONE: Self = Structure {
        columns: <S::Columns as Flat<u32>>::ZERO,
        one_hot: 0,
        identity: 0,
    };

    /// Whether factor `f`'s transition is one-hot in every column.
    #[inline(always)]
    pub fn is_one_hot(&self, f: usize) -> bool {
        (self.one_hot >> f) & 1 == 1
    }

    /// Whether factor `f`'s transition is the identity for every action.
    #[inline(always)]
    pub fn is_identity(&self, f: usize) -> bool {
        (self.identity >> f) & 1 == 1
    }

    /// The target rows of factor `f`'s columns under action `u` (`J` entries).
    ///
    /// # Panics
    /// If `f` is not a factor or `u` not one of its actions.
    #[inline(always)]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` or `u` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn targets(&self, f: usize, u: usize) -> &[u32] {
        let info = &spec::factors::<S>()[f];
        let j = info.parents.joint;
        let start = info.column_offset + u * j;
        &self.columns.as_ref()[start..start + j]
    }
}

/// Finds the one-hot columns and identity transitions of the flat transitions `b`.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn analyse<T: Real, S: Spec>(b: &[T]) -> Structure<S> {
    let mut s = Structure::<S>::NONE;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let (n, j, u_count) = (info.states, info.parents.joint, info.controls);
        let bf = &b[info.transition_offset..info.transition_offset + info.transition_len()];
        let mut all_one_hot = true;
        let mut identity = info.parents.len == 1;
        for u in 0..u_count {
            let bu = &bf[u * n * j..(u + 1) * n * j];
            for col in 0..j {
                let mut row = DENSE_COLUMN;
                let mut ok = true;
                for r in 0..n {
                    let v = bu[col * n + r];
                    if v == T::ONE && row == DENSE_COLUMN {
                        row = r as u32;
                    } else if v != T::ZERO {
                        ok = false;
                        break;
                    }
                }
                if !ok {
                    row = DENSE_COLUMN;
                }
                if row == DENSE_COLUMN {
                    all_one_hot = false;
                    identity = false;
                } else if row as usize != col {
                    identity = false;
                }
                s.columns.as_mut()[info.column_offset + u * j + col] = row;
            }
        }
        if all_one_hot && f < 32 {
            s.one_hot |= 1 << f;
        }
        if identity && all_one_hot && f < 32 {
            s.identity |= 1 << f;
        }
    }
    s
}
