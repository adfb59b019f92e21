//! The inference window: the last `H` observations, the `H − 1` actions between them and the
//! beliefs over those steps, held by the caller (one per agent), not by the agent.
//!
//! Sequence methods ([`Mmp`](super::Mmp), [`Vmp`](super::Vmp), [`SpmMmp`](super::SpmMmp))
//! infer all `H` steps at once and write the window's posteriors into it; one-step methods
//! keep their filtered history there (what smoothing and learning `B` from smoothed
//! posteriors need). Like pymdp's windows, a window that is not full yet is *left-padded*: the
//! `len` valid steps are the last `len` slots, so the latest step is always slot `H − 1`.
//!
//! A step is [`observe`](Window::observe) then [`act`](Window::act). When a full window takes
//! a new observation it drops its oldest step, and the prior over its new first step becomes
//! `B(a₀) · q₀`, the prediction from the dropped step's latest posterior (pymdp's rollout).
//!
//! The horizon is a type-level constant: `Window<T, S, 4>` holds 4 observations and exactly
//! 3 actions ([`Past<A, 4>`](Past) is `[A; 3]`), so an action history of the wrong length,
//! or a horizon of 0, does not compile.
//!
//! ```
//! actinf::model! { pub Walk { factors { Cell: 3 controlled_by 2 } modalities { Sight: 3 depends_on [Cell] } } }
//! use actinf::{Model, inference::Window};
//! let model = Model::<f64, Walk>::uniform();
//! let mut w = Window::<f64, Walk, 3>::new(*model.d());
//! w.observe(&model, [0])?;
//! w.act([1])?;
//! w.observe(&model, [1])?;
//! assert_eq!(w.len(), 2);
//! assert_eq!(w.observations()[1..], [[0], [1]]);
//! assert_eq!(w.actions(), &[[0], [1]]); // slot 0 is padding
//! # Ok::<(), actinf::Error>(())
//! ```
//!
//! Size: `H` observations, `H − 1` actions (plus the pending one), `H + 1` beliefs and a
//! word; for the T-maze with `H = 4`, 456 bytes in `f64` and 320 in `f32` (checked in
//! `tests/memory.rs`).

use core::fmt;

use nalgebra::Const;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::prior::{check_action, predict};
use crate::maths::Real;
use crate::model::{Belief, Model, check_observation};
use crate::spec::{IndexArray, Spec};

mod sealed {
    pub trait Sealed {}
}

/// A supported inference horizon: `Const<H>` for `1 ≤ H ≤ 64`. It gives the type of an action
/// history, `[A; H − 1]`, which stable Rust cannot write for a generic `H` directly.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a supported inference horizon",
    label = "the horizon must be between 1 and 64",
    note = "the horizon `H` counts observations: a window holds `H` observations and the \
            `H - 1` actions between them"
)]
pub trait Horizon: sealed::Sealed {
    /// `H`.
    const LEN: usize;
    /// `[A; H − 1]`.
    type Past<A: Copy + fmt::Debug + PartialEq>: Copy
        + fmt::Debug
        + PartialEq
        + AsRef<[A]>
        + AsMut<[A]>;
    /// `[a; H − 1]`.
    fn filled<A: Copy + fmt::Debug + PartialEq>(a: A) -> Self::Past<A>;
}

/// The `H − 1` actions between `H` observations: `[A; H − 1]`.
pub type Past<A, const H: usize> = <Const<H> as Horizon>::Past<A>;

macro_rules! horizons {
    ($($h:literal)*) => {$(
        impl sealed::Sealed for Const<$h> {}
        impl Horizon for Const<$h> {
            const LEN: usize = $h;
            type Past<A: Copy + fmt::Debug + PartialEq> = [A; $h - 1];
            fn filled<A: Copy + fmt::Debug + PartialEq>(a: A) -> [A; $h - 1] {
                [a; $h - 1]
            }
        }
    )*};
}

horizons!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
    33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63
    64);

/// One agent's inference window over the model `S`: observations, actions and beliefs of the
/// last `H` steps (see the [module docs](self)).
pub struct Window<T: Real, S: Spec, const H: usize>
where
    Const<H>: Horizon,
{
    obs: [S::Observation; H],
    actions: Past<S::Action, H>,
    /// The action taken after the latest observation, until the next one arrives.
    pending: Option<S::Action>,
    /// Valid steps: the last `len` slots.
    len: usize,
    /// The prior over the first valid step.
    prior: Belief<T, S>,
    beliefs: [Belief<T, S>; H],
}

impl<T: Real, S: Spec, const H: usize> Clone for Window<T, S, H>
where
    Const<H>: Horizon,
{
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec, const H: usize> Copy for Window<T, S, H> where Const<H>: Horizon {}

impl<T: Real, S: Spec, const H: usize> fmt::Debug for Window<T, S, H>
where
    Const<H>: Horizon,
{
    #[allow(
        clippy::indexing_slicing,
        reason = "`len <= H` is an invariant of the private fields"
    )]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Window")
            .field("len", &self.len)
            .field("observations", &&self.obs[H - self.len..])
            .field("actions", &&self.actions.as_ref()[H - self.len.max(1)..])
            .field("pending", &self.pending)
            .field("prior", &self.prior)
            .field("beliefs", &&self.beliefs[H - self.len..])
            .finish()
    }
}

impl<T: Real, S: Spec, const H: usize> Window<T, S, H>
where
    Const<H>: Horizon,
{
    /// An empty window whose first step will have the prior `prior` (usually `D`).
    pub fn new(prior: Belief<T, S>) -> Self {
        Window {
            obs: [S::Observation::ZEROS; H],
            actions: <Const<H> as Horizon>::filled(S::Action::ZEROS),
            pending: None,
            len: 0,
            prior,
            beliefs: [prior; H],
        }
    }

    /// A full window from `H` observations and the `H − 1` actions between them (pymdp's
    /// `observations` and `past_actions`), oldest first, with `prior` over the first step.
    ///
    /// Errors: an observation or action out of range, or a prior with a negative or
    /// non-finite entry.
    pub fn from_history(
        prior: Belief<T, S>,
        observations: [S::Observation; H],
        actions: Past<S::Action, H>,
    ) -> Result<Self, Error> {
        prior.check(Tensor::Prior, false)?;
        for o in &observations {
            check_observation::<S>(o)?;
        }
        for a in actions.as_ref() {
            check_action::<S>(a)?;
        }
        Ok(Window {
            obs: observations,
            actions,
            pending: None,
            len: H,
            prior,
            beliefs: [prior; H],
        })
    }

    /// The last `H` steps of a longer history (pymdp's `inference_horizon` truncation: the
    /// last `H` observations and the last `H − 1` actions); `prior` is the prior over the
    /// first retained step. A history shorter than `H` gives a left-padded window.
    ///
    /// Errors: no observations, `actions.len() != observations.len() − 1`, or an entry out
    /// of range.
    #[allow(
        clippy::indexing_slicing,
        reason = "time steps run below `H` (the window's array length), and `start <= H` (lengths checked first)"
    )]
    pub fn from_slices(
        prior: Belief<T, S>,
        observations: &[S::Observation],
        actions: &[S::Action],
    ) -> Result<Self, Error> {
        if observations.is_empty() || actions.len() + 1 != observations.len() {
            return Err(crate::error::wrong_length(
                Tensor::Window,
                observations.len().saturating_sub(1),
                actions.len(),
            ));
        }
        prior.check(Tensor::Prior, false)?;
        let n = observations.len().min(H);
        let obs = &observations[observations.len() - n..];
        let acts = &actions[actions.len() - (n - 1)..];
        let mut w = Window::new(prior);
        for o in obs {
            check_observation::<S>(o)?;
        }
        for a in acts {
            check_action::<S>(a)?;
        }
        w.obs[H - n..].copy_from_slice(obs);
        w.actions.as_mut()[H - n..].copy_from_slice(acts);
        w.len = n;
        Ok(w)
    }

    /// Adds an observation as the latest step. Once the window is full, it first drops its
    /// oldest step; the prior over the new first step becomes `B(a₀) · q₀` (`q₀` the dropped
    /// step's latest belief in the window).
    ///
    /// Errors: an observation out of range ([`MISSING`](crate::MISSING) is allowed), or no
    /// action recorded since the previous observation.
    #[allow(
        clippy::indexing_slicing,
        reason = "`H >= 1` (`Horizon`) and `len <= H`; the observation is checked first"
    )]
    pub fn observe(&mut self, model: &Model<T, S>, obs: S::Observation) -> Result<(), Error> {
        check_observation::<S>(&obs)?;
        if self.len == 0 {
            self.obs[H - 1] = obs;
            self.len = 1;
            return Ok(());
        }
        let Some(action) = self.pending.take() else {
            return Err(order_error(Problem::ActionExpected));
        };
        if self.len == H {
            let mut next = Belief::ZERO;
            predict(
                model,
                &self.actions_or(action, 0),
                &self.beliefs[0],
                &mut next,
            );
            self.prior = next;
        }
        self.obs.rotate_left(1);
        self.beliefs.rotate_left(1);
        let acts = self.actions.as_mut();
        if !acts.is_empty() {
            acts.rotate_left(1);
            acts[acts.len() - 1] = action;
        }
        self.obs[H - 1] = obs;
        if H >= 2 {
            // Until inference writes it, the new step's belief is the previous latest one.
            self.beliefs[H - 1] = self.beliefs[H - 2];
        }
        self.len = (self.len + 1).min(H);
        Ok(())
    }

    /// The action from step 0 of a full window (the pending one when `H = 1`).
    fn actions_or(&self, pending: S::Action, t: usize) -> S::Action {
        self.actions.as_ref().get(t).copied().unwrap_or(pending)
    }

    /// Records the action taken after the latest observation.
    ///
    /// Errors: an action out of range, no observation yet, or an action already recorded
    /// since the latest observation.
    pub fn act(&mut self, action: S::Action) -> Result<(), Error> {
        check_action::<S>(&action)?;
        if self.len == 0 || self.pending.is_some() {
            return Err(order_error(Problem::ObservationExpected));
        }
        self.pending = Some(action);
        Ok(())
    }

    /// The number of valid steps (observations so far, at most `H`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the window has no observation yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first valid slot, `H − len`.
    pub fn start(&self) -> usize {
        H - self.len
    }

    /// All `H` observation slots, oldest first (slots before [`start`](Self::start) are
    /// padding).
    pub fn observations(&self) -> &[S::Observation; H] {
        &self.obs
    }

    /// All `H − 1` action slots: `actions()[t]` was taken between slots `t` and `t + 1`
    /// (those before `start` are padding).
    pub fn actions(&self) -> &Past<S::Action, H> {
        &self.actions
    }

    /// The action recorded since the latest observation, if any.
    pub fn pending_action(&self) -> Option<&S::Action> {
        self.pending.as_ref()
    }

    /// The prior over the first valid step.
    pub fn prior(&self) -> &Belief<T, S> {
        &self.prior
    }

    /// The beliefs over the window's steps: the posteriors of the latest sequence inference,
    /// or the filtered history of a one-step method (padding slots hold the prior).
    pub fn beliefs(&self) -> &[Belief<T, S>; H] {
        &self.beliefs
    }

    /// The beliefs, mutably (inference writes them).
    pub fn beliefs_mut(&mut self) -> &mut [Belief<T, S>; H] {
        &mut self.beliefs
    }

    /// The belief over the latest step (slot `H − 1`).
    #[allow(clippy::indexing_slicing, reason = "`H >= 1` (`Horizon`)")]
    pub fn latest(&self) -> &Belief<T, S> {
        &self.beliefs[H - 1]
    }

    /// Whether step `t`'s observation is valid (`t ≥ H − len`).
    pub fn observed(&self, t: usize) -> bool {
        t < H && t >= H - self.len
    }

    /// Whether the transition from step `t` to `t + 1` is valid (both steps observed).
    pub fn linked(&self, t: usize) -> bool {
        t + 1 < H && self.observed(t)
    }
}

fn order_error(problem: Problem) -> Error {
    Error::new(Tensor::Window, 0, "", Entry::at(0), problem)
}

impl<T: Real, S: Spec, const B: usize, const H: usize> crate::model::BeliefBatch<T, S, B>
    for [Window<T, S, H>; B]
where
    Const<H>: Horizon,
{
    /// Agent `b`'s belief over its latest step.
    #[allow(
        clippy::indexing_slicing,
        reason = "`b < B` is the contract of `BeliefBatch::belief` (documented)"
    )]
    fn belief(&self, b: usize) -> &Belief<T, S> {
        self[b].latest()
    }
}
