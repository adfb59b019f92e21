//! Dirichlet concentrations over `A`, `B` and `D` (pymdp's `pA`, `pB`, `pD`) and the novelty
//! weights of parameter information gain derived from them.
//!
//! They are separate values, not fields of [`Model`]: a model that does not learn and an
//! agent without parameter information gain do not pay for them.

use core::fmt;

use crate::error::wrong_length;
use crate::error::{Error, Tensor};
use crate::maths::{self, NoveltyWeight, Real};
use crate::model::belief::Belief;
use crate::model::model::{
    Model, check_factor_vector, check_likelihood, check_transition, likelihood_from_pymdp,
    transition_from_pymdp,
};
use crate::spec::{self, FactorList, Flat, ModalityList, Spec, TransitionList};
use crate::types::{FactorInputOf, LikelihoodInputOf, TransitionsInputOf};

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

/// Dirichlet concentrations over every `A[m]` (pymdp `pA`), flat like [`Model::a`].
pub struct DirichletA<T: Real, S: Spec>(pub(crate) S::Likelihoods<T>);
/// Dirichlet concentrations over every `B[f]` (pymdp `pB`), flat like [`Model::b`].
pub struct DirichletB<T: Real, S: Spec>(pub(crate) S::Transitions<T>);
/// Dirichlet concentrations over every `D[f]` (pymdp's legacy `pD`).
pub struct DirichletD<T: Real, S: Spec>(pub(crate) Belief<T, S>);
/// Novelty weights `W(pA) ⊙ [pA > 0]`, flat like [`Model::a`].
pub struct NoveltyA<T: Real, S: Spec>(pub(crate) S::Likelihoods<T>);
/// Novelty weights `W(pB) ⊙ [pB > 0]`, flat like [`Model::b`].
pub struct NoveltyB<T: Real, S: Spec>(pub(crate) S::Transitions<T>);

macro_rules! plain_impls {
    ($($ty:ident),*) => {$(
        impl<T: Real, S: Spec> Clone for $ty<T, S> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T: Real, S: Spec> Copy for $ty<T, S> {}
        impl<T: Real, S: Spec> PartialEq for $ty<T, S> {
            fn eq(&self, o: &Self) -> bool {
                self.0 == o.0
            }
        }
        impl<T: Real, S: Spec> fmt::Debug for $ty<T, S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.0).finish()
            }
        }
    )*};
}
plain_impls!(DirichletA, DirichletB, DirichletD, NoveltyA, NoveltyB);

impl<T: Real, S: Spec> DirichletA<T, S> {
    /// Concentrations from pymdp's layout, checked: finite, non-negative, and every column
    /// (one outcome distribution) with positive total mass (an all-zero column is
    /// [`Problem::ZeroConcentration`](crate::error::Problem::ZeroConcentration); a column whose
    /// sum overflows `T` is [`Problem::NotFinite`](crate::error::Problem::NotFinite)).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn new(pa: &LikelihoodInputOf<T, S>) -> Result<Self, Error> {
        let mut out = DirichletA::<T, S>(<S::Likelihoods<T> as Flat<T>>::ZERO);
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            let src = <Ms<S> as ModalityList<Fs<S>>>::input_slice(pa, m);
            check_likelihood::<T, S>(m, src, true, Tensor::PA, false)?;
            likelihood_from_pymdp(
                info.outcomes,
                info.parents.joint,
                src,
                &mut out.0.as_mut()[info.likelihood_range()],
            );
        }
        Ok(out)
    }

    /// Concentrations from flat data in pymdp's C order (every `pA[m]` one after the other,
    /// outcome axis first).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; the slice length is checked first"
    )]
    pub fn from_slice(pa: &[T]) -> Result<Self, Error> {
        let mut out = DirichletA::<T, S>(<S::Likelihoods<T> as Flat<T>>::ZERO);
        let n = out.0.as_ref().len();
        if pa.len() != n {
            return Err(wrong_length(Tensor::PA, n, pa.len()));
        }
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            let src = &pa[info.likelihood_range()];
            check_likelihood::<T, S>(m, src, true, Tensor::PA, false)?;
            likelihood_from_pymdp(
                info.outcomes,
                info.parents.joint,
                src,
                &mut out.0.as_mut()[info.likelihood_range()],
            );
        }
        Ok(out)
    }

    /// The concentrations, flat.
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }

    /// `pA[m]` by column (like [`Model::likelihood`]).
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn modality(&self, m: usize) -> &[T] {
        &self.0.as_ref()[spec::modalities::<S>()[m].likelihood_range()]
    }

    /// The expected likelihood `E[Dir(pA)]`: every column `max(p, MINVAL) / Σ max(p, MINVAL)`,
    /// written into `model`'s `A` (its caches refreshed).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn expected_into(&self, model: &mut Model<T, S>) {
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            let pa = self.modality(m);
            model.set_likelihood_with(m, |dst| {
                dst.copy_from_slice(pa);
                for col in dst.chunks_exact_mut(info.outcomes) {
                    maths::dirichlet_mean_in_place(col);
                }
            });
        }
    }

    /// The novelty weights of parameter information gain, column by column.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn novelty(&self, weight: NoveltyWeight) -> NoveltyA<T, S> {
        let mut w = NoveltyA::<T, S>(self.0);
        for info in spec::modalities::<S>() {
            let wm = &mut w.0.as_mut()[info.likelihood_range()];
            for col in wm.chunks_exact_mut(info.outcomes) {
                maths::novelty_weight_in_place(col, weight);
            }
        }
        w
    }
}

impl<T: Real, S: Spec> DirichletB<T, S> {
    /// Concentrations from pymdp's layout, checked like [`DirichletA::new`].
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn new(pb: &TransitionsInputOf<T, S>) -> Result<Self, Error> {
        let mut out = DirichletB::<T, S>(<S::Transitions<T> as Flat<T>>::ZERO);
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let src = <Fs<S> as TransitionList<Fs<S>>>::input_slice(pb, f);
            check_transition::<T, S>(f, src, true, Tensor::PB, false)?;
            let dst = &mut out.0.as_mut()
                [info.transition_offset..info.transition_offset + info.transition_len()];
            transition_from_pymdp(info.states, info.parents.joint, info.controls, src, dst);
        }
        Ok(out)
    }

    /// Concentrations from flat data in pymdp's C order (every `pB[f]` one after the other,
    /// each `(s', parents, u)`).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; the slice length is checked first"
    )]
    pub fn from_pymdp_slice(pb: &[T]) -> Result<Self, Error> {
        let mut out = DirichletB::<T, S>(<S::Transitions<T> as Flat<T>>::ZERO);
        let n = out.0.as_ref().len();
        if pb.len() != n {
            return Err(wrong_length(Tensor::PB, n, pb.len()));
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            check_transition::<T, S>(f, &pb[r.clone()], true, Tensor::PB, false)?;
            transition_from_pymdp(
                info.states,
                info.parents.joint,
                info.controls,
                &pb[r.clone()],
                &mut out.0.as_mut()[r],
            );
        }
        Ok(out)
    }

    /// The concentrations, flat in actinf's transition layout (see [`Model::b`]).
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }

    /// The expected transitions `E[Dir(pB)]`, written into `model`'s `B` (structure refreshed).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn expected_into(&self, model: &mut Model<T, S>) {
        let mut b = self.0;
        for info in spec::factors::<S>() {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            for col in b.as_mut()[r].chunks_exact_mut(info.states) {
                maths::dirichlet_mean_in_place(col);
            }
        }
        model.set_transitions_unchecked(b.as_ref());
    }

    /// The novelty weights of parameter information gain, column by column.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn novelty(&self, weight: NoveltyWeight) -> NoveltyB<T, S> {
        let mut w = NoveltyB::<T, S>(self.0);
        for info in spec::factors::<S>() {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            for col in w.0.as_mut()[r].chunks_exact_mut(info.states) {
                maths::novelty_weight_in_place(col, weight);
            }
        }
        w
    }
}

impl<T: Real, S: Spec> DirichletD<T, S> {
    /// Concentrations over the initial states, checked finite and non-negative, every
    /// factor's vector with positive total mass (an all-zero vector is
    /// [`Problem::ZeroConcentration`](crate::error::Problem::ZeroConcentration)).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn new(pd: &FactorInputOf<T, S>) -> Result<Self, Error> {
        for f in 0..spec::num_factors::<S>() {
            check_factor_vector::<T, S>(
                f,
                <Fs<S> as FactorList>::input_slice(pd, f),
                Tensor::PD,
                false,
            )?;
        }
        Ok(DirichletD(Belief::from_input_unchecked(*pd)))
    }

    /// Concentrations from flat data (every factor's vector, one after the other), checked
    /// like [`new`](Self::new).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; the slice length is checked first"
    )]
    pub fn from_slice(pd: &[T]) -> Result<Self, Error> {
        let n = spec::layout::<S>().states;
        if pd.len() != n {
            return Err(wrong_length(Tensor::PD, n, pd.len()));
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            check_factor_vector::<T, S>(f, &pd[info.range()], Tensor::PD, false)?;
        }
        let mut b = Belief::<T, S>::ZERO;
        b.as_mut_slice().copy_from_slice(pd);
        Ok(DirichletD(b))
    }

    /// The concentrations, per factor.
    pub fn as_belief(&self) -> &Belief<T, S> {
        &self.0
    }
}

impl<T: Real, S: Spec> NoveltyA<T, S> {
    /// The weights, flat like [`Model::a`].
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }
    /// Modality `m`'s weights by column (like [`Model::likelihood`]).
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn modality(&self, m: usize) -> &[T] {
        &self.0.as_ref()[spec::modalities::<S>()[m].likelihood_range()]
    }
}

impl<T: Real, S: Spec> NoveltyB<T, S> {
    /// The weights, flat like [`Model::b`].
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }
    /// Factor `f`'s weights under action `u`, by column (like [`Model::transition`]).
    ///
    /// # Panics
    /// If `f` is not a factor or `u` not one of its actions.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` or `u` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn transition(&self, f: usize, u: usize) -> &[T] {
        let info = &spec::factors::<S>()[f];
        let nj = info.states * info.parents.joint;
        let start = info.transition_offset + u * nj;
        &self.0.as_ref()[start..start + nj]
    }
}
