//! The perception–action loop: an agent acting in an environment for a compile-time number
//! of decisions (pymdp's `rollout`), or driven by recorded observations ([`Workspace::replay`]).
//!
//! Each decision `t`: the agent adds its observation to its window, infers its states, plans
//! (the [`Planner`]; pymdp's `policy_search`), optionally learns, and selects an action; the
//! step is handed to a recorder (a closure); then the action goes into the window and the environment
//! returns the next observation. Nothing is returned by value: the loop's state lives in a
//! [`Workspace`] the caller owns (box it for large batches), and the recorder decides what
//! to keep — a long or batched rollout does not come back on the stack, and the loop does not
//! allocate.
//!
//! # Against pymdp's `rollout(agent, env, num_timesteps)`
//!
//! * **Steps**: pymdp makes `num_timesteps + 1` decisions; here the number of decisions is the
//!   const parameter `N` (`rollout::<6>` ⇔ `num_timesteps = 5`). pymdp also steps the
//!   environment after the last decision, with no observable effect; this loop does not.
//! * **Prior**: `D` at the first decision, then `B(a_{t−1}) · q_{t−1}` (the window's filtered
//!   history for FPI/OVF/exact; for MMP/VMP the window's prior shifts to `B(a)·q` of the step
//!   it drops once the window is full, as in pymdp).
//! * **Learning** ([`Online`]): after planning and before selecting the action, as pymdp. pymdp
//!   re-counts the whole window at every step in its windowed modes (an observation counted up
//!   to `H` times, and `A` learned from step 0 through the `−1` action quirk); the [`Learning`]
//!   rule's default ([`Counting::Latest`](crate::learn::Counting)) counts each observation
//!   once; `Counting::Window` reproduces pymdp's re-counting.
//! * **Recording**: pymdp returns `info` arrays `(batch, T+1, …)`; here the recorder (a closure) sees
//!   each [`Step`] (environment state before the step, observation, window with the beliefs,
//!   `q_π`, neg EFE, action) and keeps what it wants.
//!
//! ```
//! use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
//! use actinf::rollout::Workspace;
//! use actinf::{Agent, Config, Shared};
//! use rand::{SeedableRng, rngs::SmallRng};
//!
//! let params = TMazeParams::default();
//! let mut agent = Agent::<f64, TMaze, 3, 125>::new(tmaze::model(params)?, Config::default())?;
//! let env = TMazeEnv::<f64>::new(params, Some(1))?; // reward on the right
//! // 1 agent, windows of 2 steps (enough for FPI), the T-maze's state [location, context]
//! let mut work = Workspace::<f64, TMaze, 125, 1, 2, [usize; 2]>::new();
//! let mut path = [0usize; 5];
//! let mut rng = SmallRng::seed_from_u64(0);
//! work.rollout::<5>(&mut agent, &Shared(&env), &mut |step| {
//!     path[step.t] = step.states.map_or(0, |s| s[0][0]);
//!     Ok(())
//! }, &mut rng)?;
//! // centre → cue → centre → middle → right arm
//! assert_eq!(path, [tmaze::CENTRE, tmaze::CUE, tmaze::CENTRE, tmaze::MIDDLE, tmaze::RIGHT]);
//! # Ok::<(), actinf::Error>(())
//! ```

pub mod planner;
pub mod record;

use nalgebra::{Const, SVector};
use rand::Rng;

use crate::agent::actor::Actor;
use crate::batch::Shared;
use crate::envs::Env;
use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::{Horizon, Window};
use crate::learn::Learning;
use crate::maths::Real;
use crate::model::{Belief, DirichletA, DirichletB};
use crate::spec::{IndexArray, Spec};

pub use planner::{InferPolicies, Planner};
pub use record::Step;

/// Everything the loop keeps between decisions, for `B` agents with windows of `H` steps,
/// `NP` policies and environment states `St`: the windows (beliefs), policy posteriors, neg
/// EFE, actions, observations and environment states of the current decision.
///
/// Size: `B · (size_of::<Window<T, S, H>>() + 2·NP·size_of::<T>() + size_of::<St>() + …)`:
/// for the T-maze (125 policies, `H = 2`) 2320 bytes for one `f64` agent and 1.21 MiB for 1024
/// `f32` agents. The agent itself gains nothing (its `size_of` is unchanged by the loop), and a
/// step adds no stack beyond the agent's own calls; for large batches build the workspace once
/// on the heap (`Box::new(Workspace::new())` in release builds, or keep it in a `static`) and
/// reuse it.
#[derive(Clone, Debug)]
pub struct Workspace<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St>
where
    Const<H>: Horizon,
{
    /// Each agent's window: its observations, actions and beliefs.
    pub windows: [Window<T, S, H>; B],
    /// Each agent's policy posterior at the current decision.
    pub q_pi: [SVector<T, NP>; B],
    /// Each agent's neg EFE at the current decision.
    pub neg_efe: [SVector<T, NP>; B],
    /// Each agent's action at the current decision.
    pub actions: [S::Action; B],
    /// Each agent's observation at the current decision.
    pub observations: [S::Observation; B],
    /// Each agent's environment state at the current decision (before its action).
    pub states: [St; B],
}

impl<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St: Copy + Default>
    Workspace<T, S, NP, B, H, St>
where
    Const<H>: Horizon,
{
    /// An empty workspace (the loop resets it before the first decision).
    pub fn new() -> Self {
        Workspace {
            windows: core::array::from_fn(|_| Window::new(Belief::ZERO)),
            q_pi: [SVector::zeros(); B],
            neg_efe: [SVector::zeros(); B],
            actions: [S::Action::ZEROS; B],
            observations: [S::Observation::ZEROS; B],
            states: [St::default(); B],
        }
    }
}

impl<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St: Copy + Default> Default
    for Workspace<T, S, NP, B, H, St>
where
    Const<H>: Horizon,
{
    fn default() -> Self {
        Self::new()
    }
}

/// Online learning in the loop: Dirichlet counts for `A` and/or `B` and the rule. Each slice
/// holds one count set per agent (`B` entries), or one shared by every agent (pooled
/// learning into a shared model).
#[derive(Debug)]
pub struct Online<'a, T: Real, S: Spec> {
    /// Counts of `A`, per agent or one shared.
    pub pa: Option<&'a mut [DirichletA<T, S>]>,
    /// Counts of `B`, per agent or one shared.
    pub pb: Option<&'a mut [DirichletB<T, S>]>,
    /// The learning rule.
    pub rule: Learning<T>,
}

/// A batch of environments for `B` agents: one shared by all (`Shared(env)`, `Shared(&env)`,
/// each agent with its own state) or one per agent (`[env; B]`, pymdp's batched
/// `env_params`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a batch of environments for {B} agents of this model",
    label = "expected `Shared(env)`, `Shared(&env)` or `[env; B]` of an `Env` for the agent's model",
    note = "an environment for model `S` implements `actinf::envs::Env<S>`: its observations and actions are the agent's"
)]
pub trait Environments<S: Spec, const B: usize> {
    /// The environment state of one agent.
    type State: Copy;
    /// Agent `b`'s environment.
    fn env(&self, b: usize) -> &impl Env<S, State = Self::State>;
}

impl<S: Spec, E: Env<S>, const B: usize> Environments<S, B> for Shared<E> {
    type State = E::State;
    fn env(&self, _: usize) -> &impl Env<S, State = E::State> {
        &self.0
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` indexes arrays of `B` (the rollout loops over its batch)"
)]
impl<S: Spec, E: Env<S>, const B: usize> Environments<S, B> for [E; B] {
    type State = E::State;
    fn env(&self, b: usize) -> &impl Env<S, State = E::State> {
        &self[b]
    }
}

/// Where the observations come from: environments, or a recording.
trait Source<S: Spec, St, const B: usize> {
    fn first<R: Rng + ?Sized>(
        &mut self,
        states: &mut [St; B],
        obs: &mut [S::Observation; B],
        rng: &mut R,
    ) -> Result<(), Error>;
    fn next<R: Rng + ?Sized>(
        &mut self,
        t: usize,
        states: &mut [St; B],
        actions: &[S::Action; B],
        obs: &mut [S::Observation; B],
        rng: &mut R,
    ) -> Result<(), Error>;
    fn has_states(&self) -> bool;
}

struct FromEnv<'e, EB>(&'e EB);

#[allow(clippy::indexing_slicing, reason = "`b < B` indexes arrays of `B`")]
impl<S: Spec, EB: Environments<S, B>, const B: usize> Source<S, EB::State, B> for FromEnv<'_, EB> {
    fn first<R: Rng + ?Sized>(
        &mut self,
        states: &mut [EB::State; B],
        obs: &mut [S::Observation; B],
        rng: &mut R,
    ) -> Result<(), Error> {
        for b in 0..B {
            (states[b], obs[b]) = self.0.env(b).reset(rng);
        }
        Ok(())
    }

    fn next<R: Rng + ?Sized>(
        &mut self,
        _t: usize,
        states: &mut [EB::State; B],
        actions: &[S::Action; B],
        obs: &mut [S::Observation; B],
        rng: &mut R,
    ) -> Result<(), Error> {
        for b in 0..B {
            obs[b] = self
                .0
                .env(b)
                .step(&mut states[b], &actions[b], rng)
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    fn has_states(&self) -> bool {
        true
    }
}

struct FromRecording<'o, S: Spec, const B: usize>(&'o [[S::Observation; B]]);

#[allow(
    clippy::indexing_slicing,
    reason = "the only caller, `replay`, passes a non-empty recording and asks for steps \
              `t < observations.len()`"
)]
impl<S: Spec, St, const B: usize> Source<S, St, B> for FromRecording<'_, S, B> {
    fn first<R: Rng + ?Sized>(
        &mut self,
        _states: &mut [St; B],
        obs: &mut [S::Observation; B],
        _rng: &mut R,
    ) -> Result<(), Error> {
        *obs = self.0[0];
        Ok(())
    }

    fn next<R: Rng + ?Sized>(
        &mut self,
        t: usize,
        _states: &mut [St; B],
        _actions: &[S::Action; B],
        obs: &mut [S::Observation; B],
        _rng: &mut R,
    ) -> Result<(), Error> {
        *obs = self.0[t];
        Ok(())
    }

    fn has_states(&self) -> bool {
        false
    }
}

impl<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St: Copy>
    Workspace<T, S, NP, B, H, St>
where
    Const<H>: Horizon,
{
    /// pymdp's `rollout` with its default planner and no learning: `N` decisions of `agent`
    /// in `envs` (`Shared(&env)`: one environment for every agent, each with its own state;
    /// `[env; B]`: one each), every step handed to `recorder` (a closure; `&mut |_| Ok(())`
    /// records nothing).
    ///
    /// Errors: anything the agent's inference, planning or selection reports (with the
    /// agent's index), an action the environment rejects, or the recorder's error.
    pub fn rollout<const N: usize>(
        &mut self,
        agent: &mut impl Actor<T, S, NP, B, H>,
        envs: &impl Environments<S, B, State = St>,
        recorder: &mut impl FnMut(&Step<'_, T, S, NP, B, H, St>) -> Result<(), Error>,
        rng: &mut (impl Rng + ?Sized),
    ) -> Result<(), Error> {
        run(
            N,
            agent,
            &mut FromEnv(envs),
            self,
            &mut InferPolicies,
            None,
            recorder,
            rng,
        )
    }

    /// [`rollout`](Self::rollout) with a planner (pymdp's `policy_search`, e.g. a deep
    /// planner) and optional online learning.
    ///
    /// Errors: as [`rollout`](Self::rollout); learning counts whose number is neither 1 nor
    /// `B`; the learning rule's errors.
    pub fn rollout_with<const N: usize>(
        &mut self,
        agent: &mut impl Actor<T, S, NP, B, H>,
        envs: &impl Environments<S, B, State = St>,
        planner: &mut impl Planner<T, S, NP, B, H>,
        learning: Option<&mut Online<'_, T, S>>,
        recorder: &mut impl FnMut(&Step<'_, T, S, NP, B, H, St>) -> Result<(), Error>,
        rng: &mut (impl Rng + ?Sized),
    ) -> Result<(), Error> {
        run(
            N,
            agent,
            &mut FromEnv(envs),
            self,
            planner,
            learning,
            recorder,
            rng,
        )
    }

    /// Drives `agent` with recorded observations, one decision per entry of `observations`
    /// (e.g. an episode pymdp sampled with JAX's generator): the loop of
    /// [`rollout_with`](Self::rollout_with) without an environment; the recorder's
    /// [`Step::states`] is `None`.
    ///
    /// Errors: as [`rollout_with`](Self::rollout_with); an observation out of range is the
    /// agent's typed error.
    pub fn replay(
        &mut self,
        agent: &mut impl Actor<T, S, NP, B, H>,
        observations: &[[S::Observation; B]],
        planner: &mut impl Planner<T, S, NP, B, H>,
        learning: Option<&mut Online<'_, T, S>>,
        recorder: &mut impl FnMut(&Step<'_, T, S, NP, B, H, St>) -> Result<(), Error>,
        rng: &mut (impl Rng + ?Sized),
    ) -> Result<(), Error> {
        if observations.is_empty() {
            return Ok(());
        }
        run(
            observations.len(),
            agent,
            &mut FromRecording::<S, B>(observations),
            self,
            planner,
            learning,
            recorder,
            rng,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn run<T, S, const NP: usize, const B: usize, const H: usize, St, A, Src, P, Rec, R>(
    decisions: usize,
    agent: &mut A,
    source: &mut Src,
    work: &mut Workspace<T, S, NP, B, H, St>,
    planner: &mut P,
    mut learning: Option<&mut Online<'_, T, S>>,
    recorder: &mut Rec,
    rng: &mut R,
) -> Result<(), Error>
where
    T: Real,
    S: Spec,
    Const<H>: Horizon,
    A: Actor<T, S, NP, B, H>,
    Src: Source<S, St, B>,
    P: Planner<T, S, NP, B, H>,
    Rec: FnMut(&Step<'_, T, S, NP, B, H, St>) -> Result<(), Error>,
    R: Rng + ?Sized,
{
    agent.reset_windows(&mut work.windows);
    source.first(&mut work.states, &mut work.observations, rng)?;
    for t in 0..decisions {
        agent.observe(&mut work.windows, &work.observations)?;
        agent.infer(&mut work.windows)?;
        planner.plan(
            &*agent,
            &work.windows,
            &mut work.q_pi,
            &mut work.neg_efe,
            rng,
        )?;
        if let Some(online) = learning.as_deref_mut() {
            learn(agent, &work.windows, online)?;
        }
        agent.sample_action_into(&work.q_pi, rng, &mut work.actions)?;
        recorder(&Step {
            t,
            states: source.has_states().then_some(&work.states),
            observations: &work.observations,
            windows: &work.windows,
            q_pi: &work.q_pi,
            neg_efe: &work.neg_efe,
            actions: &work.actions,
        })?;
        if t + 1 < decisions {
            agent.act(&mut work.windows, &work.actions)?;
            source.next(
                t + 1,
                &mut work.states,
                &work.actions,
                &mut work.observations,
                rng,
            )?;
        }
    }
    Ok(())
}

fn learn<T, S, const NP: usize, const B: usize, const H: usize, A>(
    agent: &mut A,
    windows: &[Window<T, S, H>; B],
    online: &mut Online<'_, T, S>,
) -> Result<(), Error>
where
    T: Real,
    S: Spec,
    Const<H>: Horizon,
    A: Actor<T, S, NP, B, H>,
{
    for (tensor, len) in [
        (Tensor::PA, online.pa.as_deref().map(<[_]>::len)),
        (Tensor::PB, online.pb.as_deref().map(<[_]>::len)),
    ] {
        if let Some(len) = len.filter(|&n| n != 1 && n != B) {
            return Err(Error::new(
                tensor,
                0,
                "",
                Entry::at(0),
                Problem::WrongLength {
                    expected: B,
                    found: len,
                },
            ));
        }
    }
    for (b, window) in windows.iter().enumerate() {
        let pa = match online.pa.as_deref_mut() {
            Some(p) if !p.is_empty() => {
                let i = if p.len() == 1 { 0 } else { b };
                p.get_mut(i)
            }
            _ => None,
        };
        let pb = match online.pb.as_deref_mut() {
            Some(p) if !p.is_empty() => {
                let i = if p.len() == 1 { 0 } else { b };
                p.get_mut(i)
            }
            _ => None,
        };
        agent
            .infer_parameters(b, window, pa, pb, &online.rule)
            .map_err(|e| e.in_agent(b))?;
    }
    Ok(())
}
