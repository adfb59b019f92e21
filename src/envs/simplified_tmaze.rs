//! pymdp's `SimplifiedTMaze`: four fully connected locations, the cue seen in the location
//! modality.
//!
//! Locations: centre 0, left arm 1, right arm 2, cue 3; action `a` means "go to `a`" and
//! always succeeds (any location to any location). The context says which arm is rewarded
//! (0 = left, 1 = right). Two modalities, both on location and context:
//!
//! * the location with the cue embedded (5 outcomes): centre, left, right seen as such; at
//!   the cue location, [`CUED_LEFT`] or [`CUED_RIGHT`], pointing to the rewarded arm with
//!   probability `cue_validity`;
//! * the reward (`[none, reward, punishment]`) in the arms, as in [`tmaze`](super::tmaze)
//!   (with pymdp's `dependent_outcomes` option).
//!
//! Since every move is possible, an agent needs policies of length 2 (cue, then arm).

use super::build::check_probability;
use crate::error::{Error, Tensor};
use crate::maths::Real;
use crate::maths::real::lit;
use crate::model::Model;

crate::model! {
    /// pymdp's `SimplifiedTMaze`: 4 locations, 2 contexts; location-with-cue and reward
    /// modalities.
    pub SimplifiedTMaze {
        factors {
            /// Centre 0, left arm 1, right arm 2, cue 3; action `a` = go to `a`.
            Location: 4 controlled_by 4,
            /// Which arm is rewarded: 0 = left, 1 = right.
            Context: 2,
        }
        modalities {
            /// `[centre, left, right, cued-left, cued-right]`.
            Place: 5 depends_on [Location, Context],
            /// `[none, reward, punishment]`.
            Reward: 3 depends_on [Location, Context],
        }
    }
}

/// Centre location (and its observation).
pub const CENTRE: usize = 0;
/// Left arm (and its observation).
pub const LEFT: usize = 1;
/// Right arm (and its observation).
pub const RIGHT: usize = 2;
/// Cue location.
pub const CUE: usize = 3;
/// Observation at the cue location: the cue points left.
pub const CUED_LEFT: usize = 3;
/// Observation at the cue location: the cue points right.
pub const CUED_RIGHT: usize = 4;
/// Location names, by index.
pub const LOCATION_NAMES: [&str; 4] = ["centre", "left", "right", "cue"];
/// Names of the location-with-cue outcomes.
pub const PLACE_NAMES: [&str; 5] = ["centre", "left", "right", "cued-left", "cued-right"];
/// Reward outcome names.
pub const REWARD_NAMES: [&str; 3] = ["none", "reward", "punishment"];

/// Simplified T-maze parameters, with pymdp's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimplifiedTMazeParams {
    /// Probability of reward in the correct arm (`reward_probability`, default 1).
    pub reward_probability: f64,
    /// Probability of punishment in the wrong arm (`punishment_probability`, default 1;
    /// unused with `dependent_outcomes`).
    pub punishment_probability: f64,
    /// Probability that the cue points to the correct arm (`cue_validity`, default 0.95).
    pub cue_validity: f64,
    /// pymdp's `dependent_outcomes` (default `false`): the correct arm punishes with
    /// probability `1 − r` and the wrong arm rewards with probability `1 − r`, instead of
    /// giving no outcome.
    pub dependent_outcomes: bool,
}

impl Default for SimplifiedTMazeParams {
    fn default() -> Self {
        SimplifiedTMazeParams {
            reward_probability: 1.0,
            punishment_probability: 1.0,
            cue_validity: 0.95,
            dependent_outcomes: false,
        }
    }
}

/// The simplified T-maze's `A`, `B`, `D` (centre, context uniform) and preferences
/// `C[reward] = [0, 2, −3]` (as the classic T-maze demo), as a validated model.
///
/// Errors: a probability outside `[0, 1]` (`Negative` or `NotFinite` on the `A` entry it
/// would give).
///
/// ```
/// use actinf::envs::simplified_tmaze::{self as st, SimplifiedTMazeParams};
/// let m = st::model::<f64>(SimplifiedTMazeParams::default())?;
/// // At the cue location with the reward on the left (joint column 3·2 + 0 = 6).
/// assert_eq!(m.column(0, 6), &[0.0, 0.0, 0.0, 0.95, 1.0 - 0.95]);
/// assert_eq!(m.b_entry(0, st::RIGHT, st::CUE, st::RIGHT), 1.0); // any move succeeds
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "fixed-size tables indexed by the constant loop bounds (location, context) and \
              the spec's outcome and location constants, all below the table sizes"
)]
pub fn model<T: Real>(p: SimplifiedTMazeParams) -> Result<Model<T, SimplifiedTMaze>, Error> {
    check_probability(Tensor::A, 0, "Place", p.cue_validity)?;
    check_probability(Tensor::A, 1, "Reward", p.reward_probability)?;
    check_probability(Tensor::A, 1, "Reward", p.punishment_probability)?;
    let (r, q, v) = (
        lit::<T>(p.reward_probability),
        lit::<T>(p.punishment_probability),
        lit::<T>(p.cue_validity),
    );
    let (zero, one) = (T::ZERO, T::ONE);
    let mut place = [[[zero; 2]; 4]; 5];
    let mut reward = [[[zero; 2]; 4]; 3];
    for loc in 0..4 {
        for ctx in 0..2 {
            match loc {
                CUE => {
                    let (right, wrong) = if ctx == 0 {
                        (CUED_LEFT, CUED_RIGHT)
                    } else {
                        (CUED_RIGHT, CUED_LEFT)
                    };
                    place[right][loc][ctx] = v;
                    place[wrong][loc][ctx] = one - v;
                    reward[0][loc][ctx] = one;
                }
                LEFT | RIGHT => {
                    place[loc][loc][ctx] = one;
                    let correct = loc == ctx + 1;
                    match (correct, p.dependent_outcomes) {
                        (true, false) => {
                            reward[1][loc][ctx] = r;
                            reward[0][loc][ctx] = one - r;
                        }
                        (true, true) => {
                            reward[1][loc][ctx] = r;
                            reward[2][loc][ctx] = one - r;
                        }
                        (false, false) => {
                            reward[2][loc][ctx] = q;
                            reward[0][loc][ctx] = one - q;
                        }
                        (false, true) => {
                            reward[2][loc][ctx] = r;
                            reward[1][loc][ctx] = one - r;
                        }
                    }
                }
                _ => {
                    place[loc][loc][ctx] = one;
                    reward[0][loc][ctx] = one;
                }
            }
        }
    }
    // B[location][to][from][action] = 1 iff to == action.
    let b_loc: [[[T; 4]; 4]; 4] = core::array::from_fn(|to| {
        core::array::from_fn(|_from| core::array::from_fn(|a| if a == to { one } else { zero }))
    });
    let b_ctx = [[[one], [zero]], [[zero], [one]]];
    Model::new(
        &crate::list![place, reward],
        &crate::list![b_loc, b_ctx],
        &crate::list![[zero; 5], [zero, lit(2.0), lit(-3.0)]],
        &crate::list![[one, zero, zero, zero], [lit(0.5), lit(0.5)]],
    )
}

/// The simplified T-maze as an environment: the agent starts at the centre, the reward
/// condition is drawn uniformly at each reset (or fixed), observations are sampled from `A`.
/// State: `[location, context]`.
///
/// ```
/// use actinf::envs::{Env, simplified_tmaze::{self as st, SimplifiedTMazeEnv, SimplifiedTMazeParams}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = SimplifiedTMazeEnv::<f64>::new(SimplifiedTMazeParams::default(), Some(0))?;
/// let mut rng = SmallRng::seed_from_u64(0);
/// let (mut state, obs) = env.reset(&mut rng);
/// assert_eq!((state, obs), ([st::CENTRE, 0], [st::CENTRE, 0]));
/// let obs = env.step(&mut state, &[st::LEFT, 0], &mut rng)?;
/// assert_eq!(obs, [st::LEFT, 1]); // reward on the left
/// # Ok::<(), actinf::Error>(())
/// ```
pub type SimplifiedTMazeEnv<T> = super::tmaze::ContextEnv<T, SimplifiedTMaze>;

impl<T: Real> super::tmaze::ContextEnv<T, SimplifiedTMaze> {
    /// A maze with the given parameters; `reward_condition` fixes which arm is rewarded
    /// (0 left, 1 right), `None` draws it uniformly at every reset (pymdp's default).
    ///
    /// Errors: invalid parameters (a probability outside `[0, 1]`), a reward condition other
    /// than 0 or 1.
    pub fn new(
        params: SimplifiedTMazeParams,
        reward_condition: Option<usize>,
    ) -> Result<Self, Error> {
        Self::from_process(model(params)?, reward_condition)
    }
}
