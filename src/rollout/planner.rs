//! [`Planner`]: how an agent turns its beliefs into a policy posterior inside the loop
//! (pymdp's `policy_search` argument of `rollout`).

use nalgebra::{Const, SVector};
use rand::Rng;

use crate::agent::actor::Actor;
use crate::error::Error;
use crate::infer::{Horizon, Window};
use crate::maths::Real;
use crate::spec::Spec;

/// Computes each agent's policy posterior `q_π` and neg EFE from its window (the latest
/// beliefs, or the whole window), for the loop in [`rollout`](crate::rollout). The default,
/// [`InferPolicies`], is the agent's own `infer_policies`; deep planners implement this trait
/// to plug into the same loop.
pub trait Planner<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize>
where
    Const<H>: Horizon,
{
    /// Writes `q_pi` and `neg_efe` for every agent of `agent`.
    ///
    /// Errors: whatever the planner's computation reports.
    fn plan<A: Actor<T, S, NP, B, H>, R: Rng + ?Sized>(
        &mut self,
        agent: &A,
        windows: &[Window<T, S, H>; B],
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
        rng: &mut R,
    ) -> Result<(), Error>;
}

/// The agent's own policy inference (pymdp's default `policy_search = infer_policies`): the
/// expected free energy of every policy from the latest beliefs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InferPolicies;

impl<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize> Planner<T, S, NP, B, H>
    for InferPolicies
where
    Const<H>: Horizon,
{
    fn plan<A: Actor<T, S, NP, B, H>, R: Rng + ?Sized>(
        &mut self,
        agent: &A,
        windows: &[Window<T, S, H>; B],
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
        _rng: &mut R,
    ) -> Result<(), Error> {
        agent.infer_policies_into(windows, q_pi, neg_efe)
    }
}
