//! Log-likelihoods of observations, per modality, over the modality's parent states.
//!
//! For an index observation `o_m`, `ll_m = ln A_m[o_m, ·]` is a row of the cached `ln A` (no
//! computation); for a probability vector it is the expected log `Σ_o o_m[o] ln A_m[o, ·]`.

use crate::maths::{self, Real};
use crate::model::{Categorical, Model};
use crate::spec::{self, Flat, Spec};

/// `ll_m = ln A_m[o_m, ·]` for an index observation: a row of the cached `ln A`.
///
/// # Panics
/// If `m` is not a modality or `o` is out of range (check with
/// [`check_observation`](crate::model::check_observation)).
#[inline]
pub fn index_row<T: Real, S: Spec>(model: &Model<T, S>, m: usize, o: usize) -> &[T] {
    let j = spec::modalities::<S>()[m].parents.joint;
    &model.ln_likelihood(m)[o * j..(o + 1) * j]
}

/// `ll_m = Σ_o o_m[o] ln A_m[o, ·]` for every modality of a categorical observation, written
/// into `out` (one tensor over each modality's parents, at its tensor offset).
pub fn categorical_into<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    out: &mut S::Tensors<T>,
) {
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let ll = &mut out.as_mut()[info.tensor_range()];
        ll.iter_mut().for_each(|x| *x = T::ZERO);
        let j = info.parents.joint;
        for (row, &p) in model.ln_likelihood(m).chunks_exact(j).zip(obs.modality(m)) {
            maths::axpy(p, row, ll);
        }
    }
}

/// All-zero tensors (scratch for [`categorical_into`]).
pub fn zero_tensors<T: Real, S: Spec>() -> S::Tensors<T> {
    <S::Tensors<T> as Flat<T>>::ZERO
}
