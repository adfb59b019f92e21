//! pymdp's classic T-maze (`pymdp.envs.TMaze`): a cue tells which arm holds the reward.
//!
//! Locations: centre 0, left arm 1, right arm 2, cue 3, middle 4. Action `a` means "go to
//! location `a`"; the allowed moves are centre↔cue, centre↔middle, middle↔left and
//! middle↔right (any other move leaves the agent where it is). The context says which arm is
//! rewarded: 0 = left, 1 = right. Three modalities: the location (seen exactly), the reward
//! (`[none, reward, punishment]`, only in the arms) and the cue (`[none, cue-left, cue-right]`,
//! only at the cue location, correct with probability `cue_validity`).
//!
//! The same tensors serve as the environment's generative process and as the agent's model,
//! as in pymdp's T-maze demo. To reach the reward an agent must go cue → centre → middle →
//! arm, so it needs policies of length 3 to see the payoff of visiting the cue first.

use rand::Rng;

use super::{Env, ModelEnv, sample_observation};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::maths::real::lit;
use crate::model::Model;
use crate::plan::sample_index;
use crate::spec::{self, Spec};

crate::model! {
    /// pymdp's classic T-maze: 5 locations, 2 reward contexts, location/reward/cue modalities.
    pub TMaze {
        factors {
            /// Centre 0, left arm 1, right arm 2, cue 3, middle 4; action `a` = go to `a`.
            Location: 5 controlled_by 5,
            /// Which arm is rewarded: 0 = left, 1 = right.
            Context: 2,
        }
        modalities {
            /// The location, observed exactly.
            Place: 5 depends_on [Location],
            /// `[none, reward, punishment]`.
            Reward: 3 depends_on [Location, Context],
            /// `[none, cue-left, cue-right]`.
            Cue: 3 depends_on [Location, Context],
        }
    }
}

/// Centre location.
pub const CENTRE: usize = 0;
/// Left arm.
pub const LEFT: usize = 1;
/// Right arm.
pub const RIGHT: usize = 2;
/// Cue location.
pub const CUE: usize = 3;
/// Middle location (between centre and the arms).
pub const MIDDLE: usize = 4;
/// Location names, by index.
pub const LOCATION_NAMES: [&str; 5] = ["centre", "left", "right", "cue", "middle"];
/// Reward outcome names.
pub const REWARD_NAMES: [&str; 3] = ["none", "reward", "punishment"];
/// Cue outcome names.
pub const CUE_NAMES: [&str; 3] = ["none", "cue-left", "cue-right"];

/// T-maze parameters, with pymdp's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TMazeParams {
    /// Probability of reward in the correct arm (`reward_probability`, default 1).
    pub reward_probability: f64,
    /// Probability of punishment in the wrong arm (`punishment_probability`, default 1).
    pub punishment_probability: f64,
    /// Probability that the cue points to the correct arm (`cue_validity`, default 0.95).
    pub cue_validity: f64,
}

impl Default for TMazeParams {
    fn default() -> Self {
        TMazeParams {
            reward_probability: 1.0,
            punishment_probability: 1.0,
            cue_validity: 0.95,
        }
    }
}

fn allowed(from: usize, to: usize) -> bool {
    let edge = |a, b| (from == a && to == b) || (from == b && to == a);
    from == to
        || edge(CENTRE, CUE)
        || edge(CENTRE, MIDDLE)
        || edge(MIDDLE, LEFT)
        || edge(MIDDLE, RIGHT)
}

/// The T-maze's `A`, `B`, `D` (location at the centre, context uniform) and the demo's
/// preferences `C[reward] = [0, 2, −3]`, as a validated model.
///
/// ```
/// use actinf::envs::tmaze::{TMazeParams, model};
/// let m = model::<f64>(TMazeParams::default())?;
/// assert_eq!(m.d().factor(1), &[0.5, 0.5]);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "fixed-size tables indexed by the constant loop bounds (location, context) and \
              the spec's outcome and location constants, all below the table sizes"
)]
pub fn model<T: Real>(p: TMazeParams) -> Result<Model<T, TMaze>, Error> {
    let (r, q, v) = (
        lit::<T>(p.reward_probability),
        lit::<T>(p.punishment_probability),
        lit::<T>(p.cue_validity),
    );
    let (zero, one) = (T::ZERO, T::ONE);
    let place: [[T; 5]; 5] =
        core::array::from_fn(|o| core::array::from_fn(|s| if o == s { one } else { zero }));
    let mut reward = [[[zero; 2]; 5]; 3];
    let mut cue = [[[zero; 2]; 5]; 3];
    for loc in 0..5 {
        for ctx in 0..2 {
            match loc {
                LEFT | RIGHT => {
                    if loc == ctx + 1 {
                        reward[1][loc][ctx] = r;
                        reward[0][loc][ctx] = one - r;
                    } else {
                        reward[2][loc][ctx] = q;
                        reward[0][loc][ctx] = one - q;
                    }
                }
                _ => reward[0][loc][ctx] = one,
            }
            if loc == CUE {
                cue[ctx + 1][loc][ctx] = v;
                cue[2 - ctx][loc][ctx] = one - v;
            } else {
                cue[0][loc][ctx] = one;
            }
        }
    }
    // B[location][to][from][action]
    let b_loc: [[[T; 5]; 5]; 5] = core::array::from_fn(|to| {
        core::array::from_fn(|from| {
            core::array::from_fn(|a| {
                let dest = if allowed(from, a) { a } else { from };
                if dest == to { one } else { zero }
            })
        })
    });
    let b_ctx = [[[one], [zero]], [[zero], [one]]];
    Model::new(
        &crate::list![place, reward, cue],
        &crate::list![b_loc, b_ctx],
        &crate::list![[zero; 5], [zero, lit(2.0), lit(-3.0)], [zero; 3]],
        &crate::list![[one, zero, zero, zero, zero], [lit(0.5), lit(0.5)]],
    )
}

/// A T-maze-shaped environment over a spec with factors `[location, context]`: the agent starts
/// at location 0 (the centre), the context (which arm is rewarded) is fixed or drawn from `D` at
/// every reset, and observations are sampled from `A`. State: `[location, context]`.
/// [`TMazeEnv`] and [`SimplifiedTMazeEnv`](super::simplified_tmaze::SimplifiedTMazeEnv) are
/// this environment over their models.
#[derive(Clone, Debug)]
pub struct ContextEnv<T: Real, S: Spec> {
    process: ModelEnv<T, S>,
    reward_condition: Option<usize>,
}

impl<T: Real, S: Spec> ContextEnv<T, S> {
    /// The environment sampling `process`, with the context fixed (`Some(c)`) or drawn from
    /// `D` at every reset (`None`).
    ///
    /// Errors: a context index past the context factor's states.
    pub fn from_process(
        process: Model<T, S>,
        reward_condition: Option<usize>,
    ) -> Result<Self, Error> {
        let contexts = spec::factors::<S>().get(1).map_or(0, |f| f.states);
        if let Some(c) = reward_condition.filter(|&c| c >= contexts) {
            return Err(Error::new(
                Tensor::D,
                1,
                "Context",
                Entry::at(c),
                Problem::OutOfRange {
                    value: c,
                    len: contexts,
                },
            ));
        }
        Ok(ContextEnv {
            process: ModelEnv::new(process),
            reward_condition,
        })
    }

    /// The generative process (the true `A`, `B`, `D`; `D`'s context is uniform).
    pub fn process(&self) -> &Model<T, S> {
        self.process.process()
    }
}

impl<T: Real, S: Spec<Action = [usize; 2]>> Env<S> for ContextEnv<T, S> {
    type State = [usize; 2];

    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> ([usize; 2], S::Observation) {
        let context = self
            .reward_condition
            .unwrap_or_else(|| sample_index(self.process().d().factor(1), rng));
        let state = [CENTRE, context];
        (state, sample_observation(self.process(), &state, rng))
    }

    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut [usize; 2],
        action: &[usize; 2],
        rng: &mut R,
    ) -> Result<S::Observation, Error> {
        self.process.step(state, action, rng)
    }
}

/// The T-maze as an environment (pymdp's `TMaze` env): the agent starts at the centre, the
/// reward condition is drawn uniformly at each reset (or fixed), observations are sampled
/// from `A`. State: `[location, context]`.
///
/// ```
/// use actinf::envs::{Env, tmaze::{self, TMazeEnv, TMazeParams}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = TMazeEnv::<f64>::new(TMazeParams::default(), Some(1))?;
/// let mut rng = SmallRng::seed_from_u64(0);
/// let (mut state, _) = env.reset(&mut rng);
/// assert_eq!(state, [tmaze::CENTRE, 1]);
/// env.step(&mut state, &[tmaze::MIDDLE, 0], &mut rng)?;
/// let obs = env.step(&mut state, &[tmaze::RIGHT, 0], &mut rng)?;
/// assert_eq!(obs[1], 1); // reward in the right arm
/// # Ok::<(), actinf::Error>(())
/// ```
pub type TMazeEnv<T> = ContextEnv<T, TMaze>;

impl<T: Real> ContextEnv<T, TMaze> {
    /// A maze with the given parameters; `reward_condition` fixes which arm is rewarded
    /// (0 left, 1 right), `None` draws it uniformly at every reset (pymdp's default).
    ///
    /// Errors: invalid parameters (a probability outside `[0, 1]`), a reward condition other
    /// than 0 or 1.
    pub fn new(params: TMazeParams, reward_condition: Option<usize>) -> Result<Self, Error> {
        ContextEnv::from_process(model(params)?, reward_condition)
    }
}
