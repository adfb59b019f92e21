//! State inference: pymdp's factorised fixed-point iteration (FPI) and the empirical prior.
//!
//! * One factor: an exact single pass, `q = softmax(Σ_m ll_m + ln max(p, MINVAL))`, whatever
//!   `num_iter` says (later sweeps would repeat the same values).
//! * Several factors: `num_iter` parallel (Jacobi) sweeps from uniform beliefs; each sweep sets
//!   `q_f = softmax(Σ_{m ∋ f} E_{q_{-f}}[ll_m] + ln max(p_f, MINVAL))` from the previous sweep's
//!   marginals. No damping, no convergence test: the cost of a call is fixed.
//!
//! `ll_m` is the log-likelihood of the observation under `A_m`, `ln A_m[o_m, ·]` for an index
//! and `Σ_o o_m[o] ln A_m[o, ·]` (an expected log) for a probability vector.

use crate::belief::Belief;
use crate::error::{Entry, Error, Tensor};
use crate::maths;
use crate::model::Model;
use crate::observation::Categorical;
use crate::real::Real;
use crate::spec::{FactorList, ModalityList, Spec, TransitionList};
use crate::types::TensorsOf;
use crate::validate;

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

/// pymdp's default number of FPI sweeps.
pub const DEFAULT_NUM_ITER: usize = 16;

/// Checks that a prior is usable: finite and non-negative entries (normalisation is not
/// required; pymdp takes `ln max(p, MINVAL)` of whatever it is given).
pub fn check_prior<T: Real, S: Spec>(prior: &Belief<T, S>) -> Result<(), Error> {
    for f in 0..<Fs<S> as FactorList>::LEN {
        if let Err((i, p)) = validate::nonnegative(prior.factor(f)) {
            return Err(Error::new(
                Tensor::Prior,
                f,
                <Fs<S> as FactorList>::name(f),
                Entry::at(i),
                p,
            ));
        }
    }
    Ok(())
}

/// Posterior over hidden states given one index observation per modality (pymdp
/// `infer_states` with `inference_algo="fpi"`).
///
/// `prior` is the empirical prior: `D` at the first step, then
/// [`update_empirical_prior`]'s output. Errors: an observation index out of range, or a prior
/// with a negative or non-finite entry.
///
/// ```
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{Belief, Model, list, inference::infer_states};
/// let model = Model::<f64, Coin>::uniform().with_a::<Seen>([[0.9, 0.2], [0.1, 0.8]])?;
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
    <Ms<S> as ModalityList<Fs<S>>>::check_observation(obs.as_ref(), 0)?;
    check_prior(prior)?;
    let ll = <Ms<S> as ModalityList<Fs<S>>>::log_likelihood_index(model.ln_a(), obs.as_ref());
    Ok(fpi::<T, S>(&ll, prior, num_iter))
}

/// Posterior over hidden states given one probability vector per modality (pymdp
/// `categorical_obs=True`): the log-likelihood is `Σ_o o[o] ln max(A[o, s], MINVAL)`.
pub fn infer_states_categorical<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    prior: &Belief<T, S>,
    num_iter: usize,
) -> Result<Belief<T, S>, Error> {
    check_prior(prior)?;
    let ll =
        <Ms<S> as ModalityList<Fs<S>>>::log_likelihood_categorical(model.ln_a(), obs.as_outcomes());
    Ok(fpi::<T, S>(&ll, prior, num_iter))
}

/// The FPI kernel: beliefs from per-modality log-likelihood tensors and a prior.
///
/// Runs `num_iter` Jacobi sweeps (one for a single-factor model, where it is exact).
pub fn fpi<T: Real, S: Spec>(
    ll: &TensorsOf<T, S>,
    prior: &Belief<T, S>,
    num_iter: usize,
) -> Belief<T, S> {
    let nf = <Fs<S> as FactorList>::LEN;
    let mut ln_prior = *prior;
    for f in 0..nf {
        ln_prior
            .factor_mut(f)
            .iter_mut()
            .for_each(|x| *x = maths::log_stable(*x));
    }
    let sweeps = if nf == 1 { num_iter.min(1) } else { num_iter };
    let mut q = Belief::<T, S>::uniform();
    for _ in 0..sweeps {
        let mut ln_q = ln_prior;
        <Ms<S> as ModalityList<Fs<S>>>::add_messages(ll, &q.0, &mut ln_q.0);
        for f in 0..nf {
            maths::softmax_in_place(ln_q.factor_mut(f));
        }
        q = ln_q;
    }
    q
}

/// The empirical prior for the next step: `p_f(s') = Σ B_f[s', s_deps, u_f] ∏_d q_d(s_d)`
/// (pymdp `update_empirical_prior` / `compute_expected_state`; mean-field over a factor's
/// transition parents). Errors if an action is out of range for its factor.
pub fn update_empirical_prior<T: Real, S: Spec>(
    model: &Model<T, S>,
    action: &S::Action,
    qs: &Belief<T, S>,
) -> Result<Belief<T, S>, Error> {
    <Fs<S> as TransitionList<Fs<S>>>::check_action(action.as_ref(), 0)?;
    let mut out = *qs;
    <Fs<S> as TransitionList<Fs<S>>>::predict(model.b(), action.as_ref(), &qs.0, &mut out.0);
    Ok(out)
}
