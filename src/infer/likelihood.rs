//! Log-likelihoods of observations, per modality, over the modality's parent states.
//!
//! For an index observation `o_m`, `ll_m = ln A_m[o_m, ·]` is a row of the cached `ln A`
//! (gathered from its columns); for a probability vector it is the expected log
//! `Σ_o o_m[o] ln A_m[o, ·]`.

use crate::maths::{self, Real};
use crate::model::{Categorical, Model};
use crate::spec::{self, Flat, Spec};

/// `ll_m = ln A_m[o_m, ·]` for every modality of an index observation, written into `out`
/// (one tensor over each modality's parents, at its tensor offset); zeros for a
/// [`MISSING`](crate::model::MISSING) modality (no evidence).
///
/// # Panics
/// If an observation index is out of range (check with
/// [`check_observation`](crate::model::check_observation)).
#[inline]
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; an observation index out of range panics (documented): the public entry points check it first"
)]
pub fn index_into<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    out: &mut S::Tensors<T>,
) {
    let o = obs.as_ref();
    spec::each_modality::<S>(
        #[cfg_attr(not(debug_assertions), inline(always))]
        |m| {
            let info = &spec::modalities::<S>()[m];
            let ll = &mut out.as_mut()[info.tensor_range()];
            if o[m] == crate::model::MISSING {
                ll.fill(T::ZERO);
                return;
            }
            let lna = model.ln_likelihood(m);
            for (x, col) in ll.iter_mut().zip(lna.chunks_exact(info.outcomes)) {
                *x = col[o[m]];
            }
        },
    );
}

/// `ll_m = ln A_m[o_m, ·]` for one modality (`J` values, gathered from the columns of `ln A`).
///
/// # Panics
/// If `m` is not a modality or `o` is out of range.
#[allow(
    clippy::indexing_slicing,
    reason = "panics for `m` or `o` out of range (documented)"
)]
pub fn index_row<T: Real, S: Spec>(
    model: &Model<T, S>,
    m: usize,
    o: usize,
) -> impl Iterator<Item = T> + '_ {
    let no = spec::modalities::<S>()[m].outcomes;
    model
        .ln_likelihood(m)
        .chunks_exact(no)
        .map(move |col| col[o])
}

/// `ll_m = Σ_o o_m[o] ln A_m[o, ·]` for every modality of a categorical observation, written
/// into `out` (one tensor over each modality's parents, at its tensor offset).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn categorical_into<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    out: &mut S::Tensors<T>,
) {
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let ll = &mut out.as_mut()[info.tensor_range()];
        let o = obs.modality(m);
        for (x, col) in ll
            .iter_mut()
            .zip(model.ln_likelihood(m).chunks_exact(info.outcomes))
        {
            *x = maths::dot(col, o);
        }
    }
}

/// All-zero tensors (scratch for [`categorical_into`]).
pub fn zero_tensors<T: Real, S: Spec>() -> S::Tensors<T> {
    <S::Tensors<T> as Flat<T>>::ZERO
}
