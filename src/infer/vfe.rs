//! Variational free energy of beliefs over hidden states (pymdp 1.0.4 `maths.calc_vfe`): a
//! diagnostic of how well beliefs explain observations, computed only when asked.
//!
//! **One step** ([`step`], [`step_categorical`]), beliefs `q` and (empirical) prior `p`:
//!
//! `F = Σ_f Σ q_f ln q_f − Σ_f Σ q_f ln max(p_f, MINVAL) − Σ_m E_q[ll_m]`
//!
//! (negative entropy, prior cross-entropy, accuracy), `ll_m = ln max(A_m[o_m, ·], MINVAL)` for
//! an index observation and `Σ_o o_m[o] ln max(A_m[o, ·], MINVAL)` for a probability vector;
//! the expectation is under the mean-field joint of the modality's parents. A
//! [`MISSING`] modality observed nothing and contributes no accuracy term (its `A` is never
//! read), as in state inference.
//!
//! **A window** ([`sequence`], [`sequence_joint`]): per step `t` of the window, only valid
//! steps (slots [`Window::start`]`..H`; padding contributes 0):
//!
//! * at a *start* (the first valid step) `F_t = Σ q_t ln q_t − Σ q_t ln max(p, MINVAL) −
//!   accuracy_t` with `p` the window's prior;
//! * otherwise the prior term is replaced by the transition cross-entropy
//!   `−E[ln max(B_f(a_{t−1}), MINVAL)]` under the mean-field product `q_t,f ⊗ ∏_d q_{t−1,d}`
//!   (`d` over `B_f`'s parents), or under the pairwise joint `J` when joints are given, in
//!   which case the entropy term is the conditional one, `Σ J ln J − Σ P ln P`, `P = Σ_next J`.
//!
//! `F = Σ_t F_t + KL(qA ‖ pA) + KL(qB ‖ pB)`; the Dirichlet terms ([`kl_a`], [`kl_b`],
//! [`kl_a_slices`], [`kl_b_slices`]) are added with [`Vfe::with_parameter_kl`] /
//! [`SequenceVfe::with_parameter_kl`].
//!
//! Every term is finite for any valid input: logarithms are of `max(x, MINVAL)` and `0 · ln 0`
//! is 0. Stack: two tensors over a modality's or transition's parents and one column of
//! `ln B` (sizes from the `Spec`).

use nalgebra::Const;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::check_prior;
use crate::infer::likelihood;
use crate::infer::window::{Horizon, Past, Window};
use crate::maths::{self, Real};
use crate::model::validate::{self, Column};
use crate::model::{Belief, Categorical, MISSING, Model, Pairwise, check_observation};
use crate::spec::{self, Flat, Spec};

mod kl;

pub use kl::{kl_a, kl_a_slices, kl_b, kl_b_slices};

/// The free energy of one step and its parts (pymdp's `return_decomposition` dictionary).
///
/// `state_vfe = neg_entropy + prior_cross_entropy + transition_cross_entropy − accuracy` and
/// `vfe = state_vfe + parameter_kl`, `parameter_kl = parameter_kl_a + parameter_kl_b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Vfe<T> {
    /// `Σ_f Σ q_f ln q_f`, minus the entropy of the beliefs.
    pub neg_entropy: T,
    /// `−Σ_f Σ q_f ln max(p_f, MINVAL)`, the cross-entropy with the prior.
    pub prior_cross_entropy: T,
    /// Always 0 for one step (kept for pymdp's decomposition).
    pub transition_cross_entropy: T,
    /// `Σ_m E_q[ll_m]`, the expected log-likelihood of the observation (≤ 0).
    pub accuracy: T,
    /// The free energy of the beliefs, without parameter terms.
    pub state_vfe: T,
    /// `KL(qA ‖ pA)`, 0 unless set with [`with_parameter_kl`](Self::with_parameter_kl).
    pub parameter_kl_a: T,
    /// `KL(qB ‖ pB)`, 0 unless set with [`with_parameter_kl`](Self::with_parameter_kl).
    pub parameter_kl_b: T,
    /// `parameter_kl_a + parameter_kl_b`.
    pub parameter_kl: T,
    /// The total: `state_vfe + parameter_kl`.
    pub vfe: T,
}

impl<T: Real> Vfe<T> {
    /// All terms zero (a `const`, for output storage).
    pub const ZERO: Self = Vfe {
        neg_entropy: T::ZERO,
        prior_cross_entropy: T::ZERO,
        transition_cross_entropy: T::ZERO,
        accuracy: T::ZERO,
        state_vfe: T::ZERO,
        parameter_kl_a: T::ZERO,
        parameter_kl_b: T::ZERO,
        parameter_kl: T::ZERO,
        vfe: T::ZERO,
    };

    /// The same free energy with the Dirichlet terms `KL(qA ‖ pA)` and `KL(qB ‖ pB)` (from
    /// [`kl_a`] and [`kl_b`], or 0) added to the total, replacing any set before.
    ///
    /// ```
    /// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
    /// use actinf::{Belief, Model, inference::vfe};
    /// let model = Model::<f64, Coin>::uniform();
    /// let q = Belief::uniform();
    /// let f = vfe::step(&model, &[0], &q, &q)?.with_parameter_kl(0.5, 0.25);
    /// assert_eq!(f.parameter_kl, 0.75);
    /// assert!((f.vfe - (f.state_vfe + 0.75)).abs() < 1e-12);
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn with_parameter_kl(mut self, kl_a: T, kl_b: T) -> Self {
        self.parameter_kl_a = kl_a;
        self.parameter_kl_b = kl_b;
        self.parameter_kl = kl_a + kl_b;
        self.vfe = self.state_vfe + self.parameter_kl;
        self
    }
}

/// The free energy of a window of `H` steps, per step and in total (pymdp's `vfe_t`, `vfe`
/// and `return_decomposition`). Padding steps hold 0 everywhere.
///
/// Per step `vfe_t = neg_entropy_t + prior_cross_entropy_t + transition_cross_entropy_t −
/// accuracy_t`; `state_vfe = Σ_t vfe_t`; `vfe = state_vfe + parameter_kl`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SequenceVfe<T, const H: usize> {
    /// The free energy of each step.
    pub vfe_t: [T; H],
    /// Minus the entropy: marginal `Σ q ln q`, or conditional `Σ J ln J − Σ P ln P` at
    /// linked steps when pairwise joints are given.
    pub neg_entropy_t: [T; H],
    /// `−Σ q ln max(p, MINVAL)` at the window's first valid step, 0 elsewhere.
    pub prior_cross_entropy_t: [T; H],
    /// `−E[ln max(B(a_{t−1}), MINVAL)]` at linked steps, 0 at the first valid step.
    pub transition_cross_entropy_t: [T; H],
    /// `Σ_m E_q[ll_m]` of each step's observation (≤ 0).
    pub accuracy_t: [T; H],
    /// `Σ_t vfe_t`.
    pub state_vfe: T,
    /// `KL(qA ‖ pA)`, 0 unless set with [`with_parameter_kl`](Self::with_parameter_kl).
    pub parameter_kl_a: T,
    /// `KL(qB ‖ pB)`, 0 unless set with [`with_parameter_kl`](Self::with_parameter_kl).
    pub parameter_kl_b: T,
    /// `parameter_kl_a + parameter_kl_b`.
    pub parameter_kl: T,
    /// The total: `state_vfe + parameter_kl`.
    pub vfe: T,
}

impl<T: Real, const H: usize> SequenceVfe<T, H> {
    /// All terms zero (a `const`, for output storage).
    pub const ZERO: Self = SequenceVfe {
        vfe_t: [T::ZERO; H],
        neg_entropy_t: [T::ZERO; H],
        prior_cross_entropy_t: [T::ZERO; H],
        transition_cross_entropy_t: [T::ZERO; H],
        accuracy_t: [T::ZERO; H],
        state_vfe: T::ZERO,
        parameter_kl_a: T::ZERO,
        parameter_kl_b: T::ZERO,
        parameter_kl: T::ZERO,
        vfe: T::ZERO,
    };

    /// The same free energy with the Dirichlet terms `KL(qA ‖ pA)` and `KL(qB ‖ pB)` (from
    /// [`kl_a`] and [`kl_b`], or 0) added to the total, replacing any set before.
    ///
    /// ```
    /// # actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
    /// use actinf::{DirichletA, Model, inference::{Window, vfe}, list};
    /// let model = Model::<f64, Hmm>::uniform();
    /// let w = Window::<f64, Hmm, 2>::from_history(*model.d(), [[0], [1]], [[1]])?;
    /// let pa = DirichletA::<f64, Hmm>::new(&list![[[1.0, 1.0], [1.0, 1.0]]])?;
    /// let qa = DirichletA::<f64, Hmm>::new(&list![[[2.0, 1.0], [1.0, 2.0]]])?;
    /// let f = vfe::sequence(&model, &w, w.beliefs())?.with_parameter_kl(vfe::kl_a(&qa, &pa), 0.0);
    /// assert!(f.parameter_kl_a > 0.0 && (f.vfe - f.state_vfe - f.parameter_kl_a).abs() < 1e-12);
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn with_parameter_kl(mut self, kl_a: T, kl_b: T) -> Self {
        self.parameter_kl_a = kl_a;
        self.parameter_kl_b = kl_b;
        self.parameter_kl = kl_a + kl_b;
        self.vfe = self.state_vfe + self.parameter_kl;
        self
    }
}

/// The free energy of beliefs `qs` about one step that observed `obs` (one outcome index per
/// modality, [`MISSING`] allowed), against the (empirical) prior `prior` (pymdp
/// `calc_vfe(qs, prior, obs=obs, A=A)`; what `Agent.infer_states(..., return_info=True)`
/// reports for one-step methods).
///
/// A [`MISSING`] modality adds no accuracy term (it observed nothing).
///
/// Errors: an observation out of range, or `qs` / `prior` with a negative or non-finite
/// entry (neither needs to be normalised).
///
/// ```
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{Belief, Model, inference::{self, vfe}};
/// let model = Model::<f64, Coin>::uniform().with_a::<Seen>(&[[0.9, 0.2], [0.1, 0.8]])?;
/// let prior = Belief::new(actinf::list![[0.5, 0.5]])?;
/// let q = inference::infer_states(&model, &[1], &prior, 16)?;
/// let f = vfe::step(&model, &[1], &q, &prior)?;
/// // At the exact posterior of a one-factor model, F = −ln p(o) = −ln(0.5·0.1 + 0.5·0.8).
/// assert!((f.vfe + 0.45f64.ln()).abs() < 1e-12);
/// assert!((f.vfe - (f.neg_entropy + f.prior_cross_entropy - f.accuracy)).abs() < 1e-15);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn step<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    qs: &Belief<T, S>,
    prior: &Belief<T, S>,
) -> Result<Vfe<T>, Error> {
    check_observation::<S>(obs)?;
    check_beliefs(qs, None)?;
    check_prior(prior)?;
    let mut scratch = Scratch::<T, S>::ZERO;
    let accuracy = accuracy(qs, &mut scratch, index_ll(model, obs));
    Ok(one_step(qs, prior, accuracy))
}

/// [`step`] for a categorical observation (pymdp `categorical_obs=True`): the
/// log-likelihood is the expected log `Σ_o o_m[o] ln max(A_m[o, ·], MINVAL)`.
///
/// Errors: `qs` / `prior` with a negative or non-finite entry.
///
/// ```
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{Belief, Categorical, Model, inference::vfe, list};
/// let model = Model::<f64, Coin>::uniform().with_a::<Seen>(&[[0.9, 0.2], [0.1, 0.8]])?;
/// let q = Belief::new(list![[0.3, 0.7]])?;
/// // A one-hot observation gives the same free energy as its index.
/// let soft = vfe::step_categorical(&model, &Categorical::new(list![[0.0, 1.0]])?, &q, &q)?;
/// assert!((soft.vfe - vfe::step(&model, &[1], &q, &q)?.vfe).abs() < 1e-15);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn step_categorical<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &Categorical<T, S>,
    qs: &Belief<T, S>,
    prior: &Belief<T, S>,
) -> Result<Vfe<T>, Error> {
    check_beliefs(qs, None)?;
    check_prior(prior)?;
    let mut scratch = Scratch::<T, S>::ZERO;
    let accuracy = accuracy(qs, &mut scratch, |m: usize, out: &mut [T]| {
        let no = spec::modalities::<S>()[m].outcomes;
        let o = obs.modality(m);
        for (x, col) in out.iter_mut().zip(model.ln_likelihood(m).chunks_exact(no)) {
            *x = maths::dot(col, o);
        }
        true
    });
    Ok(one_step(qs, prior, accuracy))
}

/// The free energy of the beliefs `qs` over a window (pymdp's sequence `calc_vfe` with the
/// window's observations, actions, validity and prior; what `Agent.infer_states(...,
/// return_info=True)` reports for `mmp` / `vmp`). `qs` is usually the window's posteriors
/// after [`sequence::mmp`](super::sequence::mmp) or [`vmp`](super::sequence::vmp).
///
/// Padding steps contribute 0, and a [`MISSING`] modality no accuracy term. Transitions are
/// scored under the mean-field product of consecutive beliefs,
/// `−Σ q_t,f(s') ∏_d q_{t−1,d}(s_d) ln max(B_f[s', s_deps, a_{t−1}], MINVAL)`, so factors
/// whose `B` depends on several factors are covered.
///
/// Errors: a valid step's belief, or the window's prior, with a negative or non-finite entry.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Model, inference::{Window, sequence, vfe}, list};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// sequence::mmp(&model, &mut w, 16)?;
/// let f = vfe::sequence(&model, &w, w.beliefs())?;
/// assert_eq!(f.transition_cross_entropy_t[0], 0.0); // the first step has the prior instead
/// assert!((f.vfe - f.vfe_t.iter().sum::<f64>()).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn sequence<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    qs: &[Belief<T, S>; H],
) -> Result<SequenceVfe<T, H>, Error>
where
    Const<H>: Horizon,
{
    run(model, window, qs, None)
}

/// [`sequence`] with pairwise joints `joints[t] = q(s_{t+1}, s_t)` (pymdp's `joint_qs`, e.g.
/// from smoothing): at every linked step the entropy term is the conditional
/// `Σ J ln J − Σ P ln P` (`P(s_t) = Σ_{s_{t+1}} J`) and the transition term
/// `−Σ J ln max(B_f(a_t), MINVAL)`. For a one-factor HMM with exact smoothed marginals and
/// joints this is `−ln p(o_{1:T})`.
///
/// [`Pairwise`] holds one `N_f × N_f` joint per factor, so every factor's `B` must depend on
/// that factor only.
///
/// Errors: a factor whose `B` has other parents (pymdp's shape mismatch, reported as
/// [`Problem::WrongRank`] of the joint), a valid step's belief, a used joint or the window's
/// prior with a negative or non-finite entry.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Belief, Model, inference::{Window, vfe}, list, model::Pairwise};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.9, 0.2], [0.1, 0.8]]],
///     &list![[[[0.7, 0.5], [0.4, 0.5]], [[0.3, 0.5], [0.6, 0.5]]]], // B[next][prev][action]
///     &list![[0.0, 0.0]],
///     &list![[0.6, 0.4]],
/// )?;
/// let w = Window::<f64, Hmm, 2>::from_history(*model.d(), [[0], [1]], [[0]])?;
/// // Exact posterior by enumeration: p(s0, s1, o) = D(s0) A(o0|s0) B(s1|s0) A(o1|s1).
/// let (d, a0, a1, b) = ([0.6, 0.4], [0.9, 0.2], [0.1, 0.8], [[0.7, 0.3], [0.4, 0.6]]);
/// let mut joint = Pairwise::<f64, Hmm>::ZERO; // entry (s1, s0) at s0 * 2 + s1
/// let mut evidence = 0.0;
/// for s0 in 0..2 {
///     for s1 in 0..2 {
///         let p = d[s0] * a0[s0] * b[s0][s1] * a1[s1];
///         joint.factor_mut(0)[s0 * 2 + s1] = p;
///         evidence += p;
///     }
/// }
/// joint.factor_mut(0).iter_mut().for_each(|x| *x /= evidence);
/// let j = joint.factor(0);
/// let q0 = Belief::from_slice(&[j[0] + j[1], j[2] + j[3]])?;
/// let q1 = Belief::from_slice(&[j[0] + j[2], j[1] + j[3]])?;
/// let f = vfe::sequence_joint(&model, &w, &[q0, q1], &[joint])?;
/// assert!((f.vfe + f64::ln(evidence)).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn sequence_joint<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    qs: &[Belief<T, S>; H],
    joints: &Past<Pairwise<T, S>, H>,
) -> Result<SequenceVfe<T, H>, Error>
where
    Const<H>: Horizon,
{
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if info.parents.len != 1 || info.parents.ids[0] != f {
            // pymdp: the joint must have B_f(u)'s shape (next state, parents...).
            return Err(Error::new(
                Tensor::Belief,
                f,
                info.name,
                Entry::at(0),
                Problem::WrongRank {
                    expected: 1 + info.parents.len,
                    found: 2,
                },
            ));
        }
    }
    for t in window.start()..H.saturating_sub(1) {
        check_pairwise(&joints.as_ref()[t], t)?;
    }
    run(model, window, qs, Some(joints.as_ref()))
}

// ---------------------------------------------------------------------------------------
// The terms
// ---------------------------------------------------------------------------------------

/// Stack scratch: one tensor over a modality's or a transition's parents (log-likelihood),
/// its mean-field joint, and one column of `ln B`.
struct Scratch<T: Real, S: Spec> {
    ll: S::Joint<T>,
    joint: S::Joint<T>,
    column: S::States<T>,
}

impl<T: Real, S: Spec> Scratch<T, S> {
    const ZERO: Self = Scratch {
        ll: <S::Joint<T> as Flat<T>>::ZERO,
        joint: <S::Joint<T> as Flat<T>>::ZERO,
        column: <S::States<T> as Flat<T>>::ZERO,
    };
}

/// The one-step free energy from its accuracy.
fn one_step<T: Real, S: Spec>(qs: &Belief<T, S>, prior: &Belief<T, S>, accuracy: T) -> Vfe<T> {
    let neg_entropy = maths::xlogx_sum(qs.as_slice());
    let prior_cross_entropy = cross_entropy(qs, prior);
    let state_vfe = neg_entropy + prior_cross_entropy - accuracy;
    Vfe {
        neg_entropy,
        prior_cross_entropy,
        transition_cross_entropy: T::ZERO,
        accuracy,
        state_vfe,
        parameter_kl_a: T::ZERO,
        parameter_kl_b: T::ZERO,
        parameter_kl: T::ZERO,
        vfe: state_vfe,
    }
}

/// `−Σ_f Σ q_f ln max(p_f, MINVAL)` (pymdp `stable_cross_entropy`, summed over factors).
fn cross_entropy<T: Real, S: Spec>(q: &Belief<T, S>, p: &Belief<T, S>) -> T {
    q.as_slice()
        .iter()
        .zip(p.as_slice())
        .fold(T::ZERO, |acc, (&qi, &pi)| acc - qi * maths::log_stable(pi))
}

/// A modality's log-likelihood over its parents for an index observation: writes
/// `ln max(A_m[o_m, ·], MINVAL)` and returns `true`, or `false` for [`MISSING`] (no term).
#[allow(
    clippy::indexing_slicing,
    reason = "observations are checked before; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn index_ll<'a, T: Real, S: Spec>(
    model: &'a Model<T, S>,
    obs: &'a S::Observation,
) -> impl FnMut(usize, &mut [T]) -> bool + 'a {
    move |m, out| {
        let o = obs.as_ref()[m];
        if o == MISSING {
            return false;
        }
        for (x, v) in out.iter_mut().zip(likelihood::index_row(model, m, o)) {
            *x = v;
        }
        true
    }
}

/// `Σ_m E_q[ll_m] = Σ_m Σ_j ll_m(j) ∏_{d ∈ parents(m)} q_d(s_d(j))` (pymdp
/// `compute_accuracy`); `ll(m, out)` writes `ll_m` into `out[..J_m]`, or returns `false` to
/// skip the modality.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn accuracy<T: Real, S: Spec>(
    q: &Belief<T, S>,
    scratch: &mut Scratch<T, S>,
    mut ll: impl FnMut(usize, &mut [T]) -> bool,
) -> T {
    let mut total = T::ZERO;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let j = info.parents.joint;
        if !ll(m, &mut scratch.ll.as_mut()[..j]) {
            continue;
        }
        q.joint(&info.parents, scratch.joint.as_mut());
        total += maths::dot(&scratch.ll.as_ref()[..j], &scratch.joint.as_ref()[..j]);
    }
    total
}

/// `−Σ_f Σ_{s', j} q_t,f(s') w_j ln max(B_f(u_f)[s', j], MINVAL)`, `w` the mean-field joint
/// of `q_prev` over `B_f`'s parents.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn transition_cross_entropy<T: Real, S: Spec>(
    model: &Model<T, S>,
    action: &S::Action,
    q_t: &Belief<T, S>,
    q_prev: &Belief<T, S>,
    scratch: &mut Scratch<T, S>,
) -> T {
    let mut total = T::ZERO;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let n = info.states;
        q_prev.joint(&info.parents, scratch.joint.as_mut());
        let w = &scratch.joint.as_ref()[..info.parents.joint];
        let ln = &mut scratch.column.as_mut()[..n];
        let cols = model.transition(f, action.as_ref()[f]).chunks_exact(n);
        for (col, &wj) in cols.zip(w) {
            if wj != T::ZERO {
                maths::log_stable_into(col, ln);
                total -= wj * maths::dot(q_t.factor(f), ln);
            }
        }
    }
    total
}

/// `−Σ_f Σ_{j, i} J_f(j, i) ln max(B_f(u_f)[j, i], MINVAL)` (every `B_f` depends on `f` only).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn transition_cross_entropy_joint<T: Real, S: Spec>(
    model: &Model<T, S>,
    action: &S::Action,
    joint: &Pairwise<T, S>,
    scratch: &mut Scratch<T, S>,
) -> T {
    let mut total = T::ZERO;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let n = info.states;
        let ln = &mut scratch.column.as_mut()[..n];
        let cols = model.transition(f, action.as_ref()[f]).chunks_exact(n);
        for (col, jcol) in cols.zip(joint.factor(f).chunks_exact(n)) {
            maths::log_stable_into(col, ln);
            total -= maths::dot(jcol, ln);
        }
    }
    total
}

/// `Σ_f [Σ J_f ln J_f − Σ_i P_i ln P_i]`, `P_i = Σ_j J_f(j, i)`: minus the conditional
/// entropy of the later state given the earlier one.
fn conditional_neg_entropy<T: Real, S: Spec>(joint: &Pairwise<T, S>) -> T {
    let mut total = T::ZERO;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let j = joint.factor(f);
        total += maths::xlogx_sum(j);
        for col in j.chunks_exact(info.states) {
            total -= maths::xlogx(maths::sum(col));
        }
    }
    total
}

/// The sequence free energy, mean-field (`joints = None`) or with pairwise joints.
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn run<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    qs: &[Belief<T, S>; H],
    joints: Option<&[Pairwise<T, S>]>,
) -> Result<SequenceVfe<T, H>, Error>
where
    Const<H>: Horizon,
{
    check_prior(window.prior())?;
    for (t, q) in qs.iter().enumerate().skip(window.start()) {
        check_beliefs(q, Some(t))?;
    }
    let mut out = SequenceVfe::<T, H>::ZERO;
    let mut scratch = Scratch::<T, S>::ZERO;
    for t in window.start()..H {
        let q = &qs[t];
        let obs = &window.observations()[t];
        let accuracy = accuracy(q, &mut scratch, index_ll(model, obs));
        let (neg_entropy, prior_ce, transition_ce);
        if t == 0 || !window.linked(t - 1) {
            neg_entropy = maths::xlogx_sum(q.as_slice());
            prior_ce = cross_entropy(q, window.prior());
            transition_ce = T::ZERO;
        } else {
            let action = &window.actions().as_ref()[t - 1];
            prior_ce = T::ZERO;
            match joints {
                None => {
                    neg_entropy = maths::xlogx_sum(q.as_slice());
                    transition_ce =
                        transition_cross_entropy(model, action, q, &qs[t - 1], &mut scratch);
                }
                Some(j) => {
                    neg_entropy = conditional_neg_entropy(&j[t - 1]);
                    transition_ce =
                        transition_cross_entropy_joint(model, action, &j[t - 1], &mut scratch);
                }
            }
        }
        out.neg_entropy_t[t] = neg_entropy;
        out.prior_cross_entropy_t[t] = prior_ce;
        out.transition_cross_entropy_t[t] = transition_ce;
        out.accuracy_t[t] = accuracy;
        out.vfe_t[t] = neg_entropy + prior_ce + transition_ce - accuracy;
    }
    out.state_vfe = out.vfe_t.iter().fold(T::ZERO, |a, &x| a + x);
    out.vfe = out.state_vfe;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

/// Beliefs must be finite and non-negative; at step `t` of a sequence the error's entry is
/// pymdp's `qs[f][t, s]`.
fn check_beliefs<T: Real, S: Spec>(q: &Belief<T, S>, t: Option<usize>) -> Result<(), Error> {
    q.check(Tensor::Belief, false).map_err(|mut e| {
        if let Some(t) = t {
            e.entry = Entry::new(&[t, e.entry.index[0] as usize], false);
        }
        e
    })
}

/// A pairwise joint must be finite and non-negative; the error's entry is pymdp's
/// `joint_qs[f][t, next, current]`.
fn check_pairwise<T: Real, S: Spec>(joint: &Pairwise<T, S>, t: usize) -> Result<(), Error> {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let j = joint.factor(f);
        if let Err((k, problem)) = validate::nonnegative(j, Column::contiguous(j.len())) {
            let (current, next) = (k / info.states, k % info.states);
            let entry = Entry::new(&[t, next, current], false);
            return Err(Error::new(Tensor::Belief, f, info.name, entry, problem));
        }
    }
    Ok(())
}
