//! [`Step`]: what the loop hands the recorder at every decision.

use nalgebra::{Const, SVector};

use crate::infer::{Horizon, Window};
use crate::maths::Real;
use crate::model::Belief;
use crate::spec::Spec;

/// One decision of every agent in the loop, borrowed from the
/// [`Workspace`](super::Workspace): the recorder copies what it keeps.
#[derive(Debug)]
pub struct Step<'a, T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St>
where
    Const<H>: Horizon,
{
    /// The decision's index, from 0.
    pub t: usize,
    /// Each agent's environment state when it made the observation (pymdp's
    /// `info["env_state"]`); `None` in a [`replay`](super::Workspace::replay).
    pub states: Option<&'a [St; B]>,
    /// Each agent's observation (`info["observation"]`).
    pub observations: &'a [S::Observation; B],
    /// Each agent's window after inference: [`beliefs`](Self::beliefs) for the latest
    /// marginals (`info["qs"]`), the whole window for sequence methods.
    pub windows: &'a [Window<T, S, H>; B],
    /// Each agent's policy posterior (`info["qpi"]`).
    pub q_pi: &'a [SVector<T, NP>; B],
    /// Each agent's neg EFE (`info["neg_efe"]`).
    pub neg_efe: &'a [SVector<T, NP>; B],
    /// Each agent's action (`info["action"]`).
    pub actions: &'a [S::Action; B],
}

impl<T: Real, S: Spec, const NP: usize, const B: usize, const H: usize, St>
    Step<'_, T, S, NP, B, H, St>
where
    Const<H>: Horizon,
{
    /// Agent `b`'s belief about the current step.
    ///
    /// # Panics
    /// If `b` is not below `B`.
    #[allow(clippy::indexing_slicing, reason = "panics for `b >= B` (documented)")]
    pub fn beliefs(&self, b: usize) -> &Belief<T, S> {
        self.windows[b].latest()
    }
}
