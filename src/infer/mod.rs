//! State inference: from observations and a prior to beliefs over hidden states.
//!
//! * One step at a time: FPI (pymdp's default `inference_algo="fpi"`) in [`fpi`](mod@fpi), the
//!   observation's log-likelihood in [`likelihood`], the empirical prior `B · q` in [`prior`].
//! * Over a window of the last `H` steps ([`Window`], owned by the caller): pymdp's MMP and VMP
//!   in [`sequence`].
//!
//! Which method to pick, and how they differ, is in [`method`]: an
//! [`Agent`](crate::Agent)'s method is a type parameter (`agent.with_method::<Mmp<4>>()`). The
//! functions below are the one-agent entry points; the agent runs them per batch member.
//!
//! A modality that observed nothing this step is given as [`MISSING`](crate::MISSING): it adds
//! no evidence, in every method.

pub mod fpi;
pub mod hmm;
pub mod likelihood;
pub mod method;
pub mod prior;
pub mod sequence;
pub mod smoothing;
pub mod spm_mmp;
pub mod vfe;
pub mod window;

pub use fpi::{Sweeps, fpi};
pub use hmm::Hmm;
pub use method::{Exact, Fpi, Method, Mmp, OneStep, Ovf, Sequence, SpmMmp, Vmp};
pub use prior::{check_action, predict, predict_factor, update_empirical_prior};
pub use smoothing::{smooth, smooth_exact};
pub use spm_mmp::{SpmConfig, spm_mmp, spm_mmp_window};
pub use vfe::{SequenceVfe, Vfe};
pub use window::{Horizon, Past, Window};

use crate::error::{Error, Tensor};
use crate::maths::Real;
use crate::model::{Belief, Categorical, Model, check_observation};
use crate::spec::{self, Spec};

/// pymdp's default number of FPI sweeps.
pub const DEFAULT_NUM_ITER: usize = 16;

/// Checks that a prior is usable: finite and non-negative entries (normalisation is not
/// required; pymdp takes `ln max(p, MINVAL)` of whatever it is given).
pub fn check_prior<T: Real, S: Spec>(prior: &Belief<T, S>) -> Result<(), Error> {
    prior.check(Tensor::Prior, false)
}

/// Posterior over hidden states given one index observation per modality (pymdp
/// `infer_states` with `inference_algo="fpi"`), with up to `num_iter` sweeps (stopping at an
/// exact fixed point, which gives the same result as running them all).
///
/// `prior` is the empirical prior: `D` at the first step, then
/// [`update_empirical_prior`]'s output. Errors: an observation index out of range, a prior
/// with a negative or non-finite entry, or `num_iter == 0`
/// ([`Problem::ZeroIterations`](crate::error::Problem::ZeroIterations)).
///
/// ```
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{Belief, Model, inference::infer_states};
/// let model = Model::<f64, Coin>::uniform().with_a::<Seen>(&[[0.9, 0.2], [0.1, 0.8]])?;
/// let q = infer_states(&model, &[1], &Belief::uniform(), 16)?;
/// // q(side) ∝ A[1, side] = [0.1, 0.8]
/// assert!((q.factor(0)[1] - 0.8 / 0.9).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn infer_states<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    prior: &Belief<T, S>,
    num_iter: usize,
) -> Result<Belief<T, S>, Error> {
    infer_states_with(model, obs, prior, Sweeps::UpTo(num_iter))
}

/// [`infer_states`] with an explicit sweep policy ([`Sweeps::Fixed`] for constant time).
#[allow(
    clippy::indexing_slicing,
    reason = "FPI calls `ll(m)` only for modalities `m < M`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn infer_states_with<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    prior: &Belief<T, S>,
    sweeps: Sweeps,
) -> Result<Belief<T, S>, Error> {
    check_observation::<S>(obs)?;
    sweeps.check()?;
    check_prior(prior)?;
    let mut ll = likelihood::zero_tensors::<T, S>();
    likelihood::index_into(model, obs, &mut ll);
    let ms = spec::modalities::<S>();
    let ll = &ll;
    Ok(fpi(|m| &ll.as_ref()[ms[m].tensor_range()], prior, sweeps))
}

/// Posterior over hidden states given one probability vector per modality (pymdp
/// `categorical_obs=True`): the log-likelihood is `Σ_o o[o] ln max(A[o, s], MINVAL)`.
pub fn infer_states_categorical<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    prior: &Belief<T, S>,
    num_iter: usize,
) -> Result<Belief<T, S>, Error> {
    infer_states_categorical_with(model, obs, prior, Sweeps::UpTo(num_iter))
}

/// [`infer_states_categorical`] with an explicit sweep policy.
#[allow(
    clippy::indexing_slicing,
    reason = "FPI calls `ll(m)` only for modalities `m < M`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn infer_states_categorical_with<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    prior: &Belief<T, S>,
    sweeps: Sweeps,
) -> Result<Belief<T, S>, Error> {
    sweeps.check()?;
    check_prior(prior)?;
    let mut ll = likelihood::zero_tensors::<T, S>();
    likelihood::categorical_into(model, obs, &mut ll);
    let ms = spec::modalities::<S>();
    let ll = &ll;
    Ok(fpi(|m| &ll.as_ref()[ms[m].tensor_range()], prior, sweeps))
}
