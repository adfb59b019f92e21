//! Exact inference in a single-factor model: the forward–backward algorithm of a hidden
//! Markov model (pymdp's `run_exact_single_factor_hmm_scan`).
//!
//! With one factor the generative model is an HMM with action-dependent transitions, and its
//! posterior is computed exactly, with no mean-field approximation. Over the valid steps of a
//! window, with `p_0` the window's prior, `B_t = B(a_t)` and the observation likelihood
//! `l_t(s) = ∏_m max(A_m[o_m, s], MINVAL)` (1 for a [`MISSING`](crate::MISSING) modality; the
//! clip is pymdp's `log_stable`):
//!
//! * forward (filter): `p_t = B_{t−1} α_{t−1}` (the *predicted* belief, `p(s_t | o_{<t})`),
//!   `c_t = Σ_s p_t(s) l_t(s) = p(o_t | o_{<t})`, `α_t = p_t ⊙ l_t / c_t = p(s_t | o_{≤t})`;
//! * evidence: `ln p(o_{1:T}) = Σ_t ln c_t`;
//! * backward: `β_{T−1} = 1`, `β_t(i) = Σ_j B_t[j, i] l_{t+1}(j) β_{t+1}(j) / c_{t+1}`;
//! * smoothed: `γ_t = α_t ⊙ β_t = p(s_t | o_{1:T})`;
//! * pairwise: `ξ_t[j, i] = α_t(i) B_t[j, i] l_{t+1}(j) β_{t+1}(j) / c_{t+1}
//!   = p(s_{t+1} = j, s_t = i | o_{1:T})`.
//!
//! pymdp computes the same quantities with associative scans; this is the sequential form
//! (identical up to rounding). Likelihoods are scaled by their largest entry before `exp`
//! (`ln c_t` gets it back), so nothing underflows. As in pymdp, `γ` and `ξ` are renormalised
//! and every division is guarded (a zero normaliser leaves zeros, never a NaN): a state of
//! predicted probability zero keeps probability zero.
//!
//! Compared with exact *filtering* ([`smoothing::filter`](super::smoothing::filter) with
//! one sweep), `α_t` differs only where the prediction is zero: FPI takes
//! `ln max(p, MINVAL)`, so it leaves such a state a mass of order `MINVAL`.

use core::fmt;

use nalgebra::Const;

use crate::error::Error;
use crate::infer::likelihood;
use crate::infer::window::{Horizon, Past, Window};
use crate::maths::{self, Real};
use crate::model::{Belief, Model, Pairwise};
use crate::spec::{self, SingleFactor, Spec};

/// The exact posterior of a single-factor model over a window of `H` slots (see the
/// [module docs](self)). Slots before [`start`](Self::start) are padding: their beliefs are
/// the window's prior and their pairwise joints zero.
pub struct Hmm<T: Real, S: SingleFactor, const H: usize>
where
    Const<H>: Horizon,
{
    /// The first valid slot (`H − len` of the window).
    pub start: usize,
    /// `ln p(o_{1:T})`, the log evidence of the valid observations (the negative of the
    /// smallest variational free energy a posterior over the sequence can reach).
    pub log_evidence: T,
    /// `α_t = p(s_t | o_{≤t})`, the filtered beliefs.
    pub filtered: [Belief<T, S>; H],
    /// `p(s_t | o_{<t})`, the predicted beliefs: the window's prior at the first valid step,
    /// then `B(a_{t−1}) α_{t−1}`.
    pub predicted: [Belief<T, S>; H],
    /// `γ_t = p(s_t | o_{1:T})`, the smoothed beliefs.
    pub smoothed: [Belief<T, S>; H],
    /// `ξ_t = p(s_{t+1}, s_t | o_{1:T})` for the transition from slot `t` to `t + 1`, axes
    /// (next, current) as in pymdp's smoothing joints.
    pub pairwise: Past<Pairwise<T, S>, H>,
}

impl<T: Real, S: SingleFactor, const H: usize> Clone for Hmm<T, S, H>
where
    Const<H>: Horizon,
{
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: SingleFactor, const H: usize> Copy for Hmm<T, S, H> where Const<H>: Horizon {}

impl<T: Real, S: SingleFactor, const H: usize> fmt::Debug for Hmm<T, S, H>
where
    Const<H>: Horizon,
{
    #[allow(
        clippy::indexing_slicing,
        reason = "`start <= H` is an invariant of the private fields"
    )]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hmm")
            .field("start", &self.start)
            .field("log_evidence", &self.log_evidence)
            .field("filtered", &&self.filtered[self.start..])
            .field("predicted", &&self.predicted[self.start..])
            .field("smoothed", &&self.smoothed[self.start..])
            .field(
                "pairwise",
                &&self.pairwise.as_ref()[self.start.min(H - 1)..],
            )
            .finish()
    }
}

impl<T: Real, S: SingleFactor, const H: usize> Hmm<T, S, H>
where
    Const<H>: Horizon,
{
    /// The number of valid steps.
    pub fn len(&self) -> usize {
        H - self.start
    }

    /// Whether there was no valid step.
    pub fn is_empty(&self) -> bool {
        self.start == H
    }

    /// `p(s_t = i | s_{t+1} = j, o_{1:T})` for the transition from slot `t` to `t + 1`
    /// (pymdp's `cond_prev_given_next[t, j, i]`), in the layout of [`Pairwise`]:
    /// `ξ_t[j, i] / max(γ_{t+1}(j), MINVAL)`. Zeros for a padding transition or `t ≥ H − 1`.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn conditional(&self, t: usize) -> Pairwise<T, S> {
        let mut out = Pairwise::ZERO;
        if t < self.start || t + 1 >= H {
            return out;
        }
        let n = spec::factors::<S>()[0].states;
        let next = self.smoothed[t + 1].factor(0);
        let xi = self.pairwise.as_ref()[t].factor(0);
        for (o, x) in out
            .factor_mut(0)
            .chunks_exact_mut(n)
            .zip(xi.chunks_exact(n))
        {
            for ((c, &x), &g) in o.iter_mut().zip(x).zip(next) {
                *c = x / g.max(T::MINVAL);
            }
        }
        out
    }
}

/// Exact forward–backward over the window's valid steps (pymdp's
/// `run_exact_single_factor_hmm_scan` on the window's observations and actions, with the
/// window's prior as the initial distribution).
///
/// ```
/// actinf::model! { pub Coin { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Model, inference::{Window, hmm}, list};
/// let model = Model::<f64, Coin>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let w = Window::<f64, Coin, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// let post = hmm::forward_backward(&model, &w);
/// // pymdp 1.0.4 (inventory §2.6): smoothed [[0.7638881, ..], [0.3743321, ..], [0.1044117, ..]],
/// // and the smoothed sequence's free energy 2.808341 is −ln p(o_{1:3}).
/// assert!((post.smoothed[0].factor(0)[0] - 0.7638881).abs() < 1e-6);
/// assert!((post.smoothed[1].factor(0)[0] - 0.3743321).abs() < 1e-6);
/// assert!((post.log_evidence + 2.808341).abs() < 1e-5);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn forward_backward<T: Real, S: SingleFactor, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
) -> Hmm<T, S, H>
where
    Const<H>: Horizon,
{
    let start = window.start();
    let prior = *window.prior();
    let mut post = Hmm {
        start,
        log_evidence: T::ZERO,
        filtered: [prior; H],
        predicted: [prior; H],
        smoothed: [prior; H],
        pairwise: <Const<H> as Horizon>::filled(Pairwise::ZERO),
    };
    if window.is_empty() {
        return post;
    }
    let n = spec::factors::<S>()[0].states;
    let actions = window.actions().as_ref();
    // scaled[t] = l_t / c_t (up to the factor exp(max ln l_t) that ln c_t absorbs).
    let mut scaled = [Belief::<T, S>::ZERO; H];
    let mut tensors = likelihood::zero_tensors::<T, S>();
    for t in start..H {
        if t > start {
            maths::mix_columns(
                model.transition(0, actions[t - 1].as_ref()[0]),
                post.filtered[t - 1].factor(0),
                post.predicted[t].factor_mut(0),
            );
        }
        let e = scaled[t].factor_mut(0);
        log_likelihood(model, &window.observations()[t], &mut tensors, e);
        let top = maths::max(e);
        for x in e.iter_mut() {
            *x -= top;
        }
        maths::exp_in_place(e);
        let alpha = post.filtered[t].factor_mut(0);
        for ((a, &p), &l) in alpha.iter_mut().zip(post.predicted[t].factor(0)).zip(&*e) {
            *a = p * l;
        }
        let c = maths::sum(alpha);
        post.log_evidence += maths::log_stable(c) + top;
        let z = if c == T::ZERO { T::ONE } else { c };
        maths::div_in_place(alpha, z);
        maths::div_in_place(e, z);
    }
    // Backward: β_{H−1} = 1, so γ_{H−1} = α_{H−1}.
    let mut beta = Belief::<T, S>::ZERO;
    beta.factor_mut(0).fill(T::ONE);
    post.smoothed[H - 1] = post.filtered[H - 1];
    normalise(post.smoothed[H - 1].factor_mut(0));
    let mut v = Belief::<T, S>::ZERO;
    for t in (start..H - 1).rev() {
        // v_j = l_{t+1}(j) β_{t+1}(j) / c_{t+1}
        for ((vj, &e), &b) in v
            .factor_mut(0)
            .iter_mut()
            .zip(scaled[t + 1].factor(0))
            .zip(beta.factor(0))
        {
            *vj = e * b;
        }
        let v = v.factor(0);
        let alpha = post.filtered[t].factor(0);
        let cols = model.transition(0, actions[t].as_ref()[0]);
        let xi = post.pairwise.as_mut()[t].factor_mut(0);
        let b = beta.factor_mut(0);
        for (((col, out), &a), bi) in cols
            .chunks_exact(n)
            .zip(xi.chunks_exact_mut(n))
            .zip(alpha)
            .zip(b.iter_mut())
        {
            *bi = maths::dot(col, v);
            for ((o, &bji), &vj) in out.iter_mut().zip(col).zip(v) {
                *o = a * bji * vj;
            }
        }
        normalise(xi);
        let g = post.smoothed[t].factor_mut(0);
        for ((g, &a), &b) in g.iter_mut().zip(alpha).zip(beta.factor(0)) {
            *g = a * b;
        }
        normalise(g);
    }
    post
}

/// [`forward_backward`] over the last `H` steps of a history given as slices (see
/// [`Window::from_slices`]): `prior` is the prior over the first retained step.
///
/// Errors: no observations, `actions.len() != observations.len() − 1`, an index out of range,
/// or a prior with a negative or non-finite entry.
///
/// ```
/// actinf::model! { pub Coin { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Model, inference::hmm, list};
/// let model = Model::<f64, Coin>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// // Two observations in a window of four: slots 0 and 1 are padding.
/// let post = hmm::forward_backward_slices::<f64, Coin, 4>(&model, *model.d(), &[[0], [1]], &[[0]])?;
/// assert_eq!(post.len(), 2);
/// assert_eq!(post.smoothed[0], *model.d());
/// // p(o_0 = 0) = D · A[0, :]; then p(o_1 = 1 | o_0) = A[1, :] · B(0) α_0.
/// let p0: f64 = 0.55 * 0.92 + 0.45 * 0.12;
/// let alpha = [0.55 * 0.92 / p0, 0.45 * 0.12 / p0];
/// let pred = [0.85 * alpha[0] + 0.20 * alpha[1], 0.15 * alpha[0] + 0.80 * alpha[1]];
/// let p1 = 0.08 * pred[0] + 0.88 * pred[1];
/// assert!((post.log_evidence - (p0 * p1).ln()).abs() < 1e-12);
/// assert!((post.predicted[3].factor(0)[0] - pred[0]).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn forward_backward_slices<T: Real, S: SingleFactor, const H: usize>(
    model: &Model<T, S>,
    prior: Belief<T, S>,
    observations: &[S::Observation],
    actions: &[S::Action],
) -> Result<Hmm<T, S, H>, Error>
where
    Const<H>: Horizon,
{
    let window = Window::<T, S, H>::from_slices(prior, observations, actions)?;
    Ok(forward_backward(model, &window))
}

/// `out(s) = Σ_m ln max(A_m[o_m, s], MINVAL)` over the single factor's states (0 for a
/// missing modality; a modality with no parent adds its constant to every state).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn log_likelihood<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    tensors: &mut S::Tensors<T>,
    out: &mut [T],
) {
    likelihood::index_into(model, obs, tensors);
    out.fill(T::ZERO);
    for info in spec::modalities::<S>() {
        let ll = &tensors.as_ref()[info.tensor_range()];
        if info.parents.len == 0 {
            out.iter_mut().for_each(|x| *x += ll[0]);
        } else {
            maths::axpy(T::ONE, ll, out);
        }
    }
}

/// `x ← x / max(Σ x, MINVAL)`.
fn normalise<T: Real>(x: &mut [T]) {
    let z = maths::sum(x).max(T::MINVAL);
    maths::div_in_place(x, z);
}
