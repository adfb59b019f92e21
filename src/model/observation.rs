//! Observations: outcome indices (pymdp's default) or probability vectors (`categorical_obs`).
//!
//! The two are different types, so passing one where the other is expected does not compile.
//! An index observation is `S::Observation = [usize; M]`, one outcome per modality, where
//! [`MISSING`] marks a modality that observed nothing this step (a sensor dropped out; pymdp's
//! mask or `-1`): it gives no evidence and its `A` is never read.

use core::fmt;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::validate::{self, Column};
use crate::spec::{self, Flat, ModalityList, Spec};
use crate::types::OutcomesInputOf;

/// A categorical observation: one probability vector per modality (pymdp's
/// `categorical_obs=True`), stored flat. Its log-likelihood is `Σ_o o[o] · ln A[o, s]`, an
/// expected log.
pub struct Categorical<T: Real, S: Spec>(pub(crate) S::Outcomes<T>);

impl<T: Real, S: Spec> Clone for Categorical<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec> Copy for Categorical<T, S> {}
impl<T: Real, S: Spec> PartialEq for Categorical<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<T: Real, S: Spec> fmt::Debug for Categorical<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        for m in 0..spec::num_modalities::<S>() {
            l.entry(&self.modality(m));
        }
        l.finish()
    }
}

impl<T: Real, S: Spec> Categorical<T, S> {
    /// A categorical observation from plain arrays (one `[T; NO_m]` per modality), checked to
    /// be probability vectors.
    ///
    /// ```
    /// # actinf::model! { pub One { factors { S3: 3 } modalities { O3: 3 depends_on [S3] } } }
    /// let o = actinf::Categorical::<f64, One>::new(actinf::list![[0.5, 0.5, 0.0]])?;
    /// assert_eq!(o.modality(0), &[0.5, 0.5, 0.0]);
    /// # Ok::<(), actinf::Error>(())
    /// ```
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn new(input: OutcomesInputOf<T, S>) -> Result<Self, Error> {
        let mut o = Categorical::<T, S>(<S::Outcomes<T> as Flat<T>>::ZERO);
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            o.0.as_mut()[info.range()].copy_from_slice(<S::Modalities as ModalityList<
                S::Factors,
            >>::outcomes_slice(&input, m));
        }
        o.check()?;
        Ok(o)
    }

    /// Checks each modality's vector is a probability vector.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            let x = self.modality(m);
            if let Err((row, problem)) = validate::distribution(x, Column::contiguous(x.len())) {
                let entry = Entry::new(&[row.unwrap_or(0)], row.is_none());
                return Err(Error::new(
                    Tensor::Observation,
                    m,
                    info.name,
                    entry,
                    problem,
                ));
            }
        }
        Ok(())
    }

    /// A categorical observation from flat data (every modality's vector, one after the
    /// other), checked to be probability vectors: for observations read at run time.
    ///
    /// ```
    /// # actinf::model! { pub Two { factors { S3: 3 } modalities { A: 2 depends_on [S3], B: 3 depends_on [S3] } } }
    /// let o = actinf::Categorical::<f64, Two>::from_slice(&[0.5, 0.5, 0.2, 0.3, 0.5])?;
    /// assert_eq!(o.modality(1), &[0.2, 0.3, 0.5]);
    /// assert!(actinf::Categorical::<f64, Two>::from_slice(&[0.5, 0.5]).is_err());
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn from_slice(x: &[T]) -> Result<Self, Error> {
        let mut o = Categorical::<T, S>(<S::Outcomes<T> as Flat<T>>::ZERO);
        let n = o.0.as_ref().len();
        if x.len() != n {
            return Err(crate::error::wrong_length(Tensor::Observation, n, x.len()));
        }
        o.0.as_mut().copy_from_slice(x);
        o.check()?;
        Ok(o)
    }

    /// The one-hot encoding of index observations ([`MISSING`] is an error here: a
    /// categorical observation has no way to say "nothing").
    #[allow(
        clippy::indexing_slicing,
        reason = "`check_observation` ran first: every index is below its modality's outcome count; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn one_hot(obs: &S::Observation) -> Result<Self, Error> {
        check_observation::<S>(obs)?;
        if let Some(m) = obs.as_ref().iter().position(|&o| o == MISSING) {
            let info = &spec::modalities::<S>()[m];
            return Err(Error::new(
                Tensor::Observation,
                m,
                info.name,
                Entry::at(0),
                Problem::OutOfRange {
                    value: MISSING,
                    len: info.outcomes,
                },
            ));
        }
        let mut o = Categorical::<T, S>(<S::Outcomes<T> as Flat<T>>::ZERO);
        for (info, &i) in spec::modalities::<S>().iter().zip(obs.as_ref()) {
            o.0.as_mut()[info.offset + i] = T::ONE;
        }
        Ok(o)
    }

    /// Modality `m`'s distribution.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn modality(&self, m: usize) -> &[T] {
        &self.0.as_ref()[spec::modalities::<S>()[m].range()]
    }

    /// All modalities' vectors, one flat slice.
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }
}

/// The observation index of a modality that observed nothing (pymdp's `-1`, or a mask of 0):
/// no evidence, so state inference is what it would be on the model without that modality.
///
/// ```
/// # actinf::model! { pub Two { factors { S2: 2 } modalities { Eye: 2 depends_on [S2], Ear: 2 depends_on [S2] } } }
/// use actinf::{Belief, Model, MISSING, inference, list};
/// let model = Model::<f64, Two>::new(
///     &list![[[0.9, 0.2], [0.1, 0.8]], [[0.7, 0.4], [0.3, 0.6]]],
///     &list![[[[1.0], [0.0]], [[0.0], [1.0]]]],
///     &list![[0.0, 0.0], [0.0, 0.0]],
///     &list![[0.5, 0.5]],
/// )?;
/// let prior = Belief::new(list![[0.5, 0.5]])?;
/// let eye_only = inference::infer_states(&model, &[0, MISSING], &prior, 16)?;
/// // Only the eye's evidence: q ∝ (0.9, 0.2).
/// assert!((eye_only.factor(0)[0] - 0.9 / 1.1).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub const MISSING: usize = usize::MAX;

/// Checks each observation index against its modality's outcome count ([`MISSING`] is
/// allowed: no evidence from that modality).
pub fn check_observation<S: Spec>(obs: &S::Observation) -> Result<(), Error> {
    for (m, (info, &o)) in spec::modalities::<S>().iter().zip(obs.as_ref()).enumerate() {
        if o >= info.outcomes && o != MISSING {
            return Err(Error::new(
                Tensor::Observation,
                m,
                info.name,
                Entry::at(0),
                Problem::OutOfRange {
                    value: o,
                    len: info.outcomes,
                },
            ));
        }
    }
    Ok(())
}
