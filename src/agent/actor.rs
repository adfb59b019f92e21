//! [`Actor`]: an agent driven over windows, whatever its inference method — the one bound a
//! perception–action loop ([`rollout`](crate::rollout)) needs.

use nalgebra::{Const, SVector};
use rand::Rng;

use super::{Agent, extras};
use crate::batch::Batched;
use crate::error::Error;
use crate::infer::method::{Method, OneStep};
use crate::infer::{self, Horizon, Window};
use crate::learn::Learning;
use crate::maths::Real;
use crate::model::{DirichletA, DirichletB, Model};
use crate::plan::PolicySet;
use crate::spec::Spec;

use super::config::Config;

/// An agent of `B` members, model `S` and `NP` policies, each keeping a [`Window`] of `H`
/// steps: everything a perception–action loop calls, in the order it calls it.
///
/// Implemented by every [`Agent`]: one-step methods (FPI, OVF, exact) for any `H` (their
/// window is the filtered history: `H = 2` is enough to carry the prior `B(a)·q` forward; a
/// longer one is what learning with smoothing counts), sequence methods (`Mmp<H>`, `Vmp<H>`,
/// `SpmMmp<H>`) for their own horizon only.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be driven over windows of {H} steps with {NP} policies and {B} agents",
    label = "not an agent for these windows",
    note = "a sequence method (`Mmp<H>`, `Vmp<H>`, `SpmMmp<H>`) takes windows of exactly its horizon `H`; one-step methods (FPI, OVF, exact) take any `H`; the policy count and batch size must be the agent's"
)]
pub trait Actor<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize>
where
    Const<H>: Horizon,
{
    /// The agent's policy length `L` (planners that score single actions, such as
    /// sophisticated inference, need `L = 1`).
    const POLICY_LEN: usize;

    /// Agent `b`'s generative model (what a planner plans with).
    fn model(&self, b: usize) -> &Model<T, S>;

    /// Agent `b`'s configuration (precisions, EFE terms, selection).
    fn config(&self, b: usize) -> &Config<T>;

    /// The first action of policy `k` (for planners that score first actions, with policies
    /// of length 1 this is the policy).
    fn first_action(&self, k: usize) -> S::Action;

    /// Empties every window and sets its prior to the agent's initial prior (`D`).
    fn reset_windows(&self, windows: &mut [Window<T, S, H>; B]);

    /// Adds each agent's observation to its window (see [`Agent::observe`]).
    fn observe(
        &self,
        windows: &mut [Window<T, S, H>; B],
        obs: &[S::Observation; B],
    ) -> Result<(), Error>;

    /// State inference for the latest step (one-step methods: [`Agent::filter`]) or the
    /// whole window (sequence methods: their `infer_states`).
    fn infer(&self, windows: &mut [Window<T, S, H>; B]) -> Result<(), Error>;

    /// Policy posterior and neg EFE from the windows' latest beliefs
    /// ([`Agent::infer_policies_into`]).
    fn infer_policies_into(
        &self,
        windows: &[Window<T, S, H>; B],
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
    ) -> Result<(), Error>;

    /// Actions from the policy posteriors ([`Agent::sample_action_into`]).
    fn sample_action_into<R: Rng + ?Sized>(
        &self,
        q_pi: &[SVector<T, NP>; B],
        rng: &mut R,
        out: &mut [S::Action; B],
    ) -> Result<(), Error>;

    /// Records each agent's action in its window ([`Agent::act`]).
    fn act(
        &self,
        windows: &mut [Window<T, S, H>; B],
        actions: &[S::Action; B],
    ) -> Result<(), Error>;

    /// Learning from agent `b`'s window ([`Agent::infer_parameters`]).
    fn infer_parameters(
        &mut self,
        b: usize,
        window: &Window<T, S, H>,
        pa: Option<&mut DirichletA<T, S>>,
        pb: Option<&mut DirichletB<T, S>>,
        rule: &Learning<T>,
    ) -> Result<(), Error>;
}

/// The methods every implementation shares, by delegation.
macro_rules! shared_actor_methods {
    () => {
        const POLICY_LEN: usize = L;

        fn model(&self, b: usize) -> &Model<T, S> {
            Agent::model(self, b)
        }

        fn config(&self, b: usize) -> &Config<T> {
            Agent::config(self, b)
        }

        fn first_action(&self, k: usize) -> S::Action {
            self.policies.get(k)[0]
        }

        fn observe(
            &self,
            windows: &mut [Window<T, S, H>; B],
            obs: &[S::Observation; B],
        ) -> Result<(), Error> {
            Agent::observe(self, windows, obs)
        }

        fn infer_policies_into(
            &self,
            windows: &[Window<T, S, H>; B],
            q_pi: &mut [SVector<T, NP>; B],
            neg_efe: &mut [SVector<T, NP>; B],
        ) -> Result<(), Error> {
            Agent::infer_policies_into(self, windows, q_pi, neg_efe)
        }

        fn sample_action_into<R: Rng + ?Sized>(
            &self,
            q_pi: &[SVector<T, NP>; B],
            rng: &mut R,
            out: &mut [S::Action; B],
        ) -> Result<(), Error> {
            Agent::sample_action_into(self, q_pi, rng, out)
        }

        fn act(
            &self,
            windows: &mut [Window<T, S, H>; B],
            actions: &[S::Action; B],
        ) -> Result<(), Error> {
            Agent::act(self, windows, actions)
        }

        fn infer_parameters(
            &mut self,
            b: usize,
            window: &Window<T, S, H>,
            pa: Option<&mut DirichletA<T, S>>,
            pb: Option<&mut DirichletB<T, S>>,
            rule: &Learning<T>,
        ) -> Result<(), Error> {
            Agent::infer_parameters(self, b, window, pa, pb, rule)
        }
    };
}

impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I, const H: usize>
    Actor<T, S, NP, B, H> for Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B>,
    C: Batched<Config<T>, B>,
    X: extras::Extras<T, S, L, NP, B>,
    Pol: PolicySet<S, L, NP>,
    I: OneStep + Method<S>,
    Const<H>: Horizon,
{
    fn reset_windows(&self, windows: &mut [Window<T, S, H>; B]) {
        for (b, w) in windows.iter_mut().enumerate() {
            *w = Window::new(self.initial_prior_of(b));
        }
    }

    fn infer(&self, windows: &mut [Window<T, S, H>; B]) -> Result<(), Error> {
        self.filter(windows)
    }

    shared_actor_methods!();
}

macro_rules! sequence_actor {
    ($marker:ident) => {
        impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, const H: usize>
            Actor<T, S, NP, B, H> for Agent<T, S, L, NP, B, M, C, X, Pol, infer::$marker<H>>
        where
            T: Real,
            S: Spec,
            M: Batched<Model<T, S>, B>,
            C: Batched<Config<T>, B>,
            X: extras::Extras<T, S, L, NP, B>,
            Pol: PolicySet<S, L, NP>,
            Const<H>: Horizon,
        {
            fn reset_windows(&self, windows: &mut [Window<T, S, H>; B]) {
                self.initial_windows_into(windows);
            }

            fn infer(&self, windows: &mut [Window<T, S, H>; B]) -> Result<(), Error> {
                self.infer_states(windows)
            }

            shared_actor_methods!();
        }
    };
}

sequence_actor!(Mmp);
sequence_actor!(Vmp);
sequence_actor!(SpmMmp);
