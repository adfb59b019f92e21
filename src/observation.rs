//! Observations: outcome indices (pymdp's default) or probability vectors (`categorical_obs`).
//!
//! The two are different types, so passing one where the other is expected does not compile.
//! An index observation is `S::Observation = [usize; M]`, one outcome per modality.

use core::fmt;

use crate::error::{Error, Tensor};
use crate::real::Real;
use crate::spec::{ModalityList, Spec};
use crate::types::{OutcomesInputOf, OutcomesOf};

/// A categorical observation: one probability vector per modality (pymdp's
/// `categorical_obs=True`). Its log-likelihood is `Σ_o o[o] · ln A[o, s]`, an expected log.
pub struct Categorical<T: Real, S: Spec>(pub(crate) OutcomesOf<T, S>);

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
        f.debug_tuple("Categorical").field(&self.0).finish()
    }
}

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

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
    pub fn new(input: OutcomesInputOf<T, S>) -> Result<Self, Error> {
        let o =
            <Ms<S> as ModalityList<Fs<S>>>::outcomes_from_input(&input, Tensor::Observation, 0)?;
        <Ms<S> as ModalityList<Fs<S>>>::check_categorical(&o, 0)?;
        Ok(Categorical(o))
    }

    /// The one-hot encoding of index observations.
    pub fn one_hot(obs: &S::Observation) -> Result<Self, Error> {
        <Ms<S> as ModalityList<Fs<S>>>::check_observation(obs.as_ref(), 0)?;
        let mut o = <Ms<S> as ModalityList<Fs<S>>>::uniform_outcomes::<T>();
        for (m, &i) in obs.as_ref().iter().enumerate() {
            let v = <Ms<S> as ModalityList<Fs<S>>>::outcome_mut(&mut o, m);
            v.iter_mut().for_each(|x| *x = T::zero());
            v[i] = T::one();
        }
        Ok(Categorical(o))
    }

    /// Modality `m`'s distribution.
    pub fn modality(&self, m: usize) -> &[T] {
        <Ms<S> as ModalityList<Fs<S>>>::outcome(&self.0, m)
    }

    /// The per-modality vectors.
    pub fn as_outcomes(&self) -> &OutcomesOf<T, S> {
        &self.0
    }
}
