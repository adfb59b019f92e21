//! Generative processes (environments) that agents act in.
//!
//! An environment is an [`Env`]: parameters (`&self`, never changed by stepping) and a small
//! fixed-size [`Env::State`] the caller keeps. Separating the two lets one environment serve a
//! whole batch of agents (one state each, the parameters shared) or a batch of environments
//! serve one agent each (pymdp's batched `env_params`), through the same
//! [`Batched`](crate::batch::Batched) containers the agent uses for its parameters.
//!
//! Most of pymdp's environments are a generative model — `A`, `B`, `D` — sampled from
//! ([`ModelEnv`], pymdp's `PymdpEnv`): reset draws the hidden state from `D` and an
//! observation from `A`; a step draws the next state from `B(action)` and an observation from
//! `A`. The builders in the submodules return those models, so an agent can be handed the
//! true `A`, `B`, `D` as in pymdp's demos.
//!
//! Environments:
//!
//! * [`tmaze`] — pymdp's classic T-maze;
//! * [`simplified_tmaze`] — 4 locations, the cue in the location modality;
//! * [`generalized_tmaze`] — a maze matrix with cue/reward sets;
//! * [`grid_world`] — `GridWorld` (walls, slippery moves);
//! * [`graph`] — `GraphEnv` (an agent looking for an object on a graph);
//! * [`cue_chaining`] — pymdp's cue-chaining grid world (`CueChainingEnv`);
//! * [`thermostat`] — a room thermostat (noisy thermometer, drifting outside temperature)
//!   and a bang-bang controller to compare with.
//!
//! ```
//! use actinf::envs::{Env, ModelEnv, tmaze};
//! use rand::{SeedableRng, rngs::SmallRng};
//! let env = ModelEnv::new(tmaze::model::<f64>(tmaze::TMazeParams::default())?);
//! let mut rng = SmallRng::seed_from_u64(0);
//! let (mut state, obs) = env.reset(&mut rng);
//! assert_eq!(state[0], tmaze::CENTRE);
//! assert_eq!(obs[0], tmaze::CENTRE); // the location is observed exactly
//! let obs = env.step(&mut state, &[tmaze::CUE, 0], &mut rng)?;
//! assert_eq!((state[0], obs[0]), (tmaze::CUE, tmaze::CUE));
//! assert!(env.step(&mut state, &[7, 0], &mut rng).is_err()); // no action 7
//! # Ok::<(), actinf::Error>(())
//! ```

mod build;
pub mod cue_chaining;
pub mod generalized_tmaze;
pub mod graph;
pub mod grid_world;
pub mod simplified_tmaze;
pub mod thermostat;
pub mod tmaze;

use core::fmt::Debug;

use rand::Rng;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::prior::check_action;
use crate::maths::Real;
use crate::model::Model;
use crate::plan::sample_index;
use crate::spec::{self, IndexArray, Spec};

/// One index per hidden-state factor (the same shape as an action, `[usize; F]`): the true
/// state of a [`ModelEnv`].
pub type StateIndex<S> = <S as Spec>::Action;

/// A generative process an agent of spec `S` acts in: it takes `S`'s actions and returns
/// observations an `S` agent reads, so an agent whose model has other shapes does not compile
/// against it.
///
/// The environment's parameters are `&self`; everything that changes lives in the
/// [`State`](Env::State) the caller keeps (fixed size, `Copy`, no heap).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an environment for agents of model `{S}`",
    label = "its observations and actions are not those of `{S}`",
    note = "an agent acts in an environment built for its own model: one that implements `Env<S>` for the agent's spec `S`"
)]
pub trait Env<S: Spec> {
    /// The hidden state, e.g. [`StateIndex<S>`].
    type State: Copy + Debug + PartialEq;

    /// Starts an episode: a hidden state and its first observation.
    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> (Self::State, S::Observation);

    /// Applies `action` to `state` and returns the observation of the new state.
    ///
    /// Errors: an action index past its factor's number of actions (nothing changes).
    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut Self::State,
        action: &S::Action,
        rng: &mut R,
    ) -> Result<S::Observation, Error>;
}

/// A borrowed environment is an environment (so `Shared(&env)` lends one to a whole batch).
impl<S: Spec, E: Env<S>> Env<S> for &E {
    type State = E::State;

    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> (Self::State, S::Observation) {
        (**self).reset(rng)
    }

    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut Self::State,
        action: &S::Action,
        rng: &mut R,
    ) -> Result<S::Observation, Error> {
        (**self).step(state, action, rng)
    }
}

/// An environment given by a generative model (pymdp's `PymdpEnv`): the hidden state starts
/// from `D`, moves by `B`, and is observed through `A`. The model's `C` is not used.
///
/// Size: one [`Model`] (`size_of::<ModelEnv<T, S>>() == size_of::<Model<T, S>>()`); its state
/// is one index per factor.
#[derive(Clone, Debug)]
pub struct ModelEnv<T: Real, S: Spec> {
    process: Model<T, S>,
}

impl<T: Real, S: Spec> ModelEnv<T, S> {
    /// The environment sampling from `process` (already validated: normalised columns).
    pub fn new(process: Model<T, S>) -> Self {
        ModelEnv { process }
    }

    /// The generative process: its `A`, `B` and `D` are what an agent is handed when it is
    /// given the true model.
    pub fn process(&self) -> &Model<T, S> {
        &self.process
    }

    /// The generative process, mutably (to change `A`, `B` or `D` between episodes through
    /// the model's checked setters).
    pub fn process_mut(&mut self) -> &mut Model<T, S> {
        &mut self.process
    }

    /// Resets to a given hidden state (instead of sampling `D`) and returns its observation.
    ///
    /// Errors: a state index past its factor's number of states.
    pub fn reset_to<R: Rng + ?Sized>(
        &self,
        state: &StateIndex<S>,
        rng: &mut R,
    ) -> Result<S::Observation, Error> {
        check_state::<S>(state)?;
        Ok(sample_observation(&self.process, state, rng))
    }
}

impl<T: Real, S: Spec> Env<S> for ModelEnv<T, S> {
    type State = StateIndex<S>;

    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> (Self::State, S::Observation) {
        let state = sample_initial_state(&self.process, rng);
        let obs = sample_observation(&self.process, &state, rng);
        (state, obs)
    }

    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut Self::State,
        action: &S::Action,
        rng: &mut R,
    ) -> Result<S::Observation, Error> {
        check_action::<S>(action)?;
        check_state::<S>(state)?;
        *state = sample_next_state(&self.process, state, action, rng);
        Ok(sample_observation(&self.process, state, rng))
    }
}

/// Checks each state index against its factor's number of states.
pub fn check_state<S: Spec>(state: &StateIndex<S>) -> Result<(), Error> {
    for (f, (info, &s)) in spec::factors::<S>().iter().zip(state.as_ref()).enumerate() {
        if s >= info.states {
            return Err(Error::new(
                Tensor::D,
                f,
                info.name,
                Entry::at(s),
                Problem::OutOfRange {
                    value: s,
                    len: info.states,
                },
            ));
        }
    }
    Ok(())
}

/// Draws a hidden state from `D`, factor by factor.
pub fn sample_initial_state<T: Real, S: Spec, R: Rng + ?Sized>(
    model: &Model<T, S>,
    rng: &mut R,
) -> StateIndex<S> {
    let mut state = StateIndex::<S>::ZEROS;
    for (f, s) in state.as_mut().iter_mut().enumerate() {
        *s = sample_index(model.d().factor(f), rng);
    }
    state
}

/// Draws an observation of every modality from `A` at the hidden state `state`
/// (`o_m ~ A_m[:, parents of m at state]`).
///
/// # Panics
/// If a state index is out of range (see [`check_state`]).
pub fn sample_observation<T: Real, S: Spec, R: Rng + ?Sized>(
    model: &Model<T, S>,
    state: &StateIndex<S>,
    rng: &mut R,
) -> S::Observation {
    let mut obs = S::Observation::ZEROS;
    let state = state.as_ref();
    for (m, (o, info)) in obs
        .as_mut()
        .iter_mut()
        .zip(spec::modalities::<S>())
        .enumerate()
    {
        let j = info.parents.joint_index(state);
        *o = sample_index(model.column(m, j), rng);
    }
    obs
}

/// Draws the next hidden state from `B(action)` (`s'_f ~ B_f[:, parents of f at state, u_f]`,
/// every factor from the current state).
///
/// # Panics
/// If a state or action index is out of range (see [`check_state`] and
/// [`check_action`]).
#[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
pub fn sample_next_state<T: Real, S: Spec, R: Rng + ?Sized>(
    model: &Model<T, S>,
    state: &StateIndex<S>,
    action: &S::Action,
    rng: &mut R,
) -> StateIndex<S> {
    let mut next = StateIndex::<S>::ZEROS;
    let current = state.as_ref();
    for (f, (s, info)) in next
        .as_mut()
        .iter_mut()
        .zip(spec::factors::<S>())
        .enumerate()
    {
        let j = info.parents.joint_index(current);
        let column = &model.transition(f, action.as_ref()[f])[j * info.states..][..info.states];
        *s = sample_index(column, rng);
    }
    next
}
