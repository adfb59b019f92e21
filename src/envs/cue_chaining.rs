//! pymdp's cue-chaining grid world (`pymdp.envs.CueChainingEnv`): two cues, visited in order,
//! tell where the cheese is.
//!
//! A 5 × 7 grid (location index `row · 7 + col`). Visiting cue 1 reveals which of four
//! candidate cells holds cue 2 (the *cue-2 state*, `L1`…`L4`); visiting that cell reveals the
//! *reward condition* (`TOP` or `BOTTOM`), which says which of the two reward cells holds the
//! cheese (the other one gives a shock). Hidden-state factors: location (35, controlled by 5
//! actions), cue-2 state (4) and reward condition (2), both constant within an episode.
//! Modalities and their parents (pymdp's `A_dependencies` `[[0], [0, 1], [0, 1, 2], [0, 2]]`):
//!
//! * location, observed exactly;
//! * cue 1 (`[Null, L1, L2, L3, L4]`): `Null` everywhere but at cue 1, where it names the
//!   cue-2 state;
//! * cue 2 (`[Null, reward_on_top, reward_on_bottom]`): `Null` everywhere but at the active
//!   cue-2 cell, where it names the reward condition;
//! * reward (`[Null, Cheese, Shock]`): `Null` away from the reward cells; at reward cell `k`,
//!   `Cheese` if the reward condition is `k`, else `Shock`.
//!
//! Actions: [`UP`], [`DOWN`], [`LEFT`], [`RIGHT`], [`STAY`] — pymdp's order for this
//! environment, **not** the grid world's (`UP, RIGHT, DOWN, LEFT, STAY`). A move off the
//! grid leaves the agent where it is.
//!
//! Default layout (pymdp's): start `(0, 0)`, cue 1 `(2, 0)`, cue-2 candidates `(0, 2)`,
//! `(1, 3)`, `(3, 3)`, `(4, 2)`, reward cells `(1, 5)` (`TOP`) and `(3, 5)` (`BOTTOM`).
//! Every candidate cell is 4 moves from cue 1 and cue 1 is 2 moves from the start, so an agent
//! planning 4 moves ahead (pymdp's demo: `C[reward] = [0, 3, −6]`, policies of length 4)
//! sees the information one cue gives about the next.

use rand::Rng;

use super::{Env, ModelEnv, check_state, sample_observation};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::Model;
use crate::model::model::{check_likelihood, check_transition};
use crate::plan::sample_index;
use crate::spec;

crate::model! {
    /// pymdp's cue-chaining grid world: location (35), cue-2 state (4), reward condition (2).
    pub CueChaining {
        factors {
            /// The agent's cell, `row · 7 + col`; actions `UP, DOWN, LEFT, RIGHT, STAY`.
            Location: 35 controlled_by 5,
            /// Which candidate cell holds cue 2 (`L1`…`L4`).
            Cue2State: 4,
            /// Which reward cell holds the cheese (`TOP`, `BOTTOM`).
            RewardCondition: 2,
        }
        modalities {
            /// The agent's cell, observed exactly.
            Place: 35 depends_on [Location],
            /// `[Null, L1, L2, L3, L4]`: informative at cue 1 only.
            Cue1: 5 depends_on [Location, Cue2State],
            /// `[Null, reward_on_top, reward_on_bottom]`: informative at the active cue-2 cell.
            Cue2: 3 depends_on [Location, Cue2State, RewardCondition],
            /// `[Null, Cheese, Shock]`: at the reward cells.
            Reward: 3 depends_on [Location, RewardCondition],
        }
    }
}

/// Grid rows.
pub const ROWS: usize = 5;
/// Grid columns.
pub const COLS: usize = 7;
/// Number of cells (location states).
pub const NUM_LOCATIONS: usize = ROWS * COLS;
/// Number of cue-2 candidate cells (cue-2 states).
pub const NUM_CUE2: usize = 4;
/// Number of reward cells (reward conditions).
pub const NUM_REWARD: usize = 2;

/// Action: one row up (row − 1), clamped at the border.
pub const UP: usize = 0;
/// Action: one row down (row + 1), clamped at the border.
pub const DOWN: usize = 1;
/// Action: one column left (col − 1), clamped at the border.
pub const LEFT: usize = 2;
/// Action: one column right (col + 1), clamped at the border.
pub const RIGHT: usize = 3;
/// Action: stay.
pub const STAY: usize = 4;
/// Action names, by index (pymdp's `ACTION_LABELS`).
pub const ACTION_NAMES: [&str; 5] = ["UP", "DOWN", "LEFT", "RIGHT", "STAY"];
/// Cue-2 state names (pymdp's default `cue2_names`).
pub const CUE2_NAMES: [&str; NUM_CUE2] = ["L1", "L2", "L3", "L4"];
/// Reward condition names (pymdp's default `reward_condition_names`).
pub const REWARD_CONDITION_NAMES: [&str; NUM_REWARD] = ["TOP", "BOTTOM"];
/// Cue-1 outcome names.
pub const CUE1_OBS_NAMES: [&str; 1 + NUM_CUE2] = ["Null", "L1", "L2", "L3", "L4"];
/// Cue-2 outcome names.
pub const CUE2_OBS_NAMES: [&str; 1 + NUM_REWARD] = ["Null", "reward_on_top", "reward_on_bottom"];
/// Reward outcome names.
pub const REWARD_OBS_NAMES: [&str; 3] = ["Null", "Cheese", "Shock"];
/// Reward outcome: nothing.
pub const NULL: usize = 0;
/// Reward outcome: the cheese.
pub const CHEESE: usize = 1;
/// Reward outcome: the shock.
pub const SHOCK: usize = 2;

/// A cell, `(row, col)`.
pub type Cell = (usize, usize);

/// The location index of `(row, col)` (`row · 7 + col`).
///
/// Errors: a cell outside the 5 × 7 grid.
///
/// ```
/// use actinf::envs::cue_chaining::{cell_index, cell_of};
/// assert_eq!(cell_index((2, 0))?, 14);
/// assert_eq!(cell_of(14), Some((2, 0)));
/// assert!(cell_index((5, 0)).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn cell_index(cell: Cell) -> Result<usize, Error> {
    let (row, col) = cell;
    if row >= ROWS || col >= COLS {
        let (value, len) = if row >= ROWS {
            (row, ROWS)
        } else {
            (col, COLS)
        };
        return Err(Error::new(
            Tensor::D,
            0,
            "Location",
            Entry::new(&[row, col], false),
            Problem::OutOfRange { value, len },
        ));
    }
    Ok(row * COLS + col)
}

/// The cell `(row, col)` of a location index, `None` past the grid.
pub fn cell_of(index: usize) -> Option<Cell> {
    (index < NUM_LOCATIONS).then_some((index / COLS, index % COLS))
}

/// The cell reached from `from` by `action` (pymdp's `B[0]`: moves clamped at the border;
/// an unknown action index stays).
pub fn next_cell(from: Cell, action: usize) -> Cell {
    let (row, col) = from;
    match action {
        UP => (row.saturating_sub(1), col),
        DOWN => ((row + 1).min(ROWS - 1), col),
        LEFT => (row, col.saturating_sub(1)),
        RIGHT => (row, (col + 1).min(COLS - 1)),
        _ => (row, col),
    }
}

/// The layout of the grid, with pymdp's defaults (the grid size itself is fixed by the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CueChainingParams {
    /// Where the agent starts (`start_location`, default `(0, 0)`).
    pub start: Cell,
    /// The first cue (`cue1_location`, default `(2, 0)`).
    pub cue1: Cell,
    /// The candidate cells of cue 2, one per cue-2 state (`cue2_locations`, default
    /// `(0, 2), (1, 3), (3, 3), (4, 2)`).
    pub cue2: [Cell; NUM_CUE2],
    /// The reward cells, one per reward condition (`reward_locations`, default
    /// `(1, 5), (3, 5)`).
    pub reward: [Cell; NUM_REWARD],
}

impl Default for CueChainingParams {
    fn default() -> Self {
        CueChainingParams {
            start: (0, 0),
            cue1: (2, 0),
            cue2: [(0, 2), (1, 3), (3, 3), (4, 2)],
            reward: [(1, 5), (3, 5)],
        }
    }
}

/// Location indices of a layout: `(start, cue1, cue2, reward)`.
type Indices = (usize, usize, [usize; NUM_CUE2], [usize; NUM_REWARD]);

impl CueChainingParams {
    /// The location indices of the start, cue 1, the cue-2 cells and the reward cells.
    ///
    /// Errors: a cell outside the grid; both reward cells the same (the reward column would
    /// hold both `Cheese` and `Shock`).
    pub fn indices(&self) -> Result<Indices, Error> {
        let start = cell_index(self.start)?;
        let cue1 = cell_index(self.cue1)?;
        let mut cue2 = [0; NUM_CUE2];
        for (i, &c) in cue2.iter_mut().zip(&self.cue2) {
            *i = cell_index(c)?;
        }
        let mut reward = [0; NUM_REWARD];
        for (i, &c) in reward.iter_mut().zip(&self.reward) {
            *i = cell_index(c)?;
        }
        if reward[0] == reward[1] {
            return Err(Error::new(
                Tensor::A,
                3,
                "Reward",
                Entry::new(&[0, reward[1]], true),
                Problem::NotNormalised { sum: 2.0 },
            ));
        }
        Ok((start, cue1, cue2, reward))
    }
}

/// `col` all `zero` but entry `o` (if any), `one`.
fn one_hot<T: Copy>(col: &mut [T], o: usize, zero: T, one: T) {
    for (k, x) in col.iter_mut().enumerate() {
        *x = if k == o { one } else { zero };
    }
}

/// Fills `model` in place with the cue-chaining `A`, `B`, `D` (start one-hot, cue-2 state and
/// reward condition uniform) and `C = 0`, then checks every column. Nothing of the model's
/// size is put on the stack, so this also fills a `static` or boxed [`Model`].
///
/// Errors: see [`CueChainingParams::indices`]. On error the model is left
/// [`Model::EMPTY`].
///
/// ```
/// use actinf::Model;
/// use actinf::envs::cue_chaining::{CueChaining, CueChainingParams, init_model};
/// let mut m = Box::new(Model::<f32, CueChaining>::EMPTY);
/// init_model(&mut m, &CueChainingParams::default())?;
/// assert_eq!(m.d().factor(1), &[0.25; 4]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn init_model<T: Real>(
    model: &mut Model<T, CueChaining>,
    params: &CueChainingParams,
) -> Result<(), Error> {
    *model = Model::EMPTY;
    let res = fill(model, params);
    if res.is_err() {
        *model = Model::EMPTY;
    }
    res
}

fn fill<T: Real>(
    model: &mut Model<T, CueChaining>,
    params: &CueChainingParams,
) -> Result<(), Error> {
    let (start, cue1, cue2, reward) = params.indices()?;
    let (zero, one) = (T::ZERO, T::ONE);
    // A in actinf's layout: column j (joint parents, C order) of NO outcomes.
    // A[0]: identity.
    model.set_likelihood_with(0, |a| {
        for (j, col) in a.chunks_exact_mut(NUM_LOCATIONS).enumerate() {
            for (o, x) in col.iter_mut().enumerate() {
                *x = if o == j { one } else { zero };
            }
        }
    });
    // A[1][o, loc, c2]: j = loc·4 + c2.
    model.set_likelihood_with(1, |a| {
        for (j, col) in a.chunks_exact_mut(1 + NUM_CUE2).enumerate() {
            let (loc, c2) = (j / NUM_CUE2, j % NUM_CUE2);
            let o = if loc == cue1 { 1 + c2 } else { 0 };
            one_hot(col, o, zero, one);
        }
    });
    // A[2][o, loc, c2, r]: j = (loc·4 + c2)·2 + r.
    model.set_likelihood_with(2, |a| {
        for (j, col) in a.chunks_exact_mut(1 + NUM_REWARD).enumerate() {
            let (loc, c2, r) = (
                j / (NUM_CUE2 * NUM_REWARD),
                j / NUM_REWARD % NUM_CUE2,
                j % NUM_REWARD,
            );
            let o = if cue2.get(c2) == Some(&loc) { 1 + r } else { 0 };
            one_hot(col, o, zero, one);
        }
    });
    // A[3][o, loc, r]: j = loc·2 + r.
    model.set_likelihood_with(3, |a| {
        for (j, col) in a.chunks_exact_mut(3).enumerate() {
            let (loc, r) = (j / NUM_REWARD, j % NUM_REWARD);
            let o = match reward.iter().position(|&k| k == loc) {
                Some(k) if k == r => CHEESE,
                Some(_) => SHOCK,
                None => NULL,
            };
            one_hot(col, o, zero, one);
        }
    });
    // B in actinf's layout: per factor, per action, J columns of N next states.
    #[allow(
        clippy::indexing_slicing,
        reason = "the fixed CueChaining spec has 3 factors; offsets come from its compile-time \
                  Layout that also sizes `b`"
    )]
    model.set_transitions_with(|b| {
        let fs = spec::factors::<CueChaining>();
        let b0 = &mut b[..fs[0].transition_len()];
        for (k, col) in b0.chunks_exact_mut(NUM_LOCATIONS).enumerate() {
            let (u, from) = (k / NUM_LOCATIONS, k % NUM_LOCATIONS);
            let to = cell_of(from).map_or(from, |cell| {
                let (row, col) = next_cell(cell, u);
                row * COLS + col
            });
            for (s, x) in col.iter_mut().enumerate() {
                *x = if s == to { one } else { zero };
            }
        }
        for f in 1..3 {
            let n = fs[f].states;
            let bf = &mut b[fs[f].transition_offset..][..fs[f].transition_len()];
            for (from, col) in bf.chunks_exact_mut(n).enumerate() {
                for (s, x) in col.iter_mut().enumerate() {
                    *x = if s == from { one } else { zero };
                }
            }
        }
    });
    for m in 0..4 {
        check_likelihood::<T, CueChaining>(m, model.likelihood(m), false, Tensor::A, true)?;
    }
    let fs = spec::factors::<CueChaining>();
    for (f, info) in fs.iter().enumerate() {
        #[allow(
            clippy::indexing_slicing,
            reason = "offsets come from the compile-time Layout that also sizes the storage"
        )]
        let bf = &model.b()[info.transition_offset..][..info.transition_len()];
        check_transition::<T, CueChaining>(f, bf, false, Tensor::B, true)?;
    }
    let mut d = crate::model::Belief::<T, CueChaining>::ZERO;
    // `start < NUM_LOCATIONS`, checked by `indices`.
    if let Some(x) = d.factor_mut(0).get_mut(start) {
        *x = one;
    }
    d.factor_mut(1).fill(one / T::lit(NUM_CUE2 as f64));
    d.factor_mut(2).fill(one / T::lit(NUM_REWARD as f64));
    model.set_d(&d)
}

/// The cue-chaining model (`A`, `B`, `D` of pymdp's `CueChainingEnv`, `C = 0`) for a layout.
/// Give an agent pymdp's demo preferences with
/// `.with_c::<Reward>(&[0.0, 3.0, -6.0])`.
///
/// The model is about 100 KiB in `f64`; [`init_model`] fills one in place (boxed or static).
///
/// Errors: see [`CueChainingParams::indices`].
///
/// ```
/// use actinf::envs::cue_chaining::{self, CueChainingParams, DOWN, RIGHT};
/// let m = cue_chaining::model::<f64>(&CueChainingParams::default())?;
/// // B[0][next, from, action]: DOWN from (0, 0) reaches (1, 0); RIGHT from (0, 6) stays.
/// assert_eq!(m.b_entry(0, 7, 0, DOWN), 1.0);
/// assert_eq!(m.b_entry(0, 6, 6, RIGHT), 1.0);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn model<T: Real>(params: &CueChainingParams) -> Result<Model<T, CueChaining>, Error> {
    let mut m = Model::EMPTY;
    init_model(&mut m, params)?;
    Ok(m)
}

/// The cue-chaining grid as an environment (pymdp's `CueChainingEnv`): the agent starts at
/// `params.start`; the cue-2 state and the reward condition are drawn uniformly at every
/// reset unless fixed. State: `[location, cue-2 state, reward condition]`.
///
/// Fixing them does not change the process's `D` (it stays uniform, so the model handed to an
/// agent does not give the answer away; pymdp instead makes its `D` one-hot).
///
/// ```
/// use actinf::envs::{Env, cue_chaining::{CueChainingEnv, CueChainingParams, DOWN}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = CueChainingEnv::<f64>::new(CueChainingParams::default(), Some(2), Some(1))?;
/// let mut rng = SmallRng::seed_from_u64(0);
/// let (mut state, obs) = env.reset(&mut rng);
/// assert_eq!(state, [0, 2, 1]);
/// assert_eq!(obs, [0, 0, 0, 0]);
/// env.step(&mut state, &[DOWN, 0, 0], &mut rng)?;
/// let obs = env.step(&mut state, &[DOWN, 0, 0], &mut rng)?;
/// assert_eq!(obs, [14, 3, 0, 0]); // at cue 1 (2, 0): "L3"
/// # Ok::<(), actinf::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CueChainingEnv<T: Real> {
    process: ModelEnv<T, CueChaining>,
    params: CueChainingParams,
    cue2_state: Option<usize>,
    reward_condition: Option<usize>,
}

impl<T: Real> CueChainingEnv<T> {
    /// The environment for a layout; `cue2_state` (0..4) and `reward_condition` (0..2) fix
    /// the hidden context, `None` draws it uniformly at each reset (pymdp's default).
    ///
    /// Errors: a bad layout (see [`CueChainingParams::indices`]); a fixed state out of range.
    pub fn new(
        params: CueChainingParams,
        cue2_state: Option<usize>,
        reward_condition: Option<usize>,
    ) -> Result<Self, Error> {
        let mut state = [0, 0, 0];
        state[1] = cue2_state.unwrap_or(0);
        state[2] = reward_condition.unwrap_or(0);
        check_state::<CueChaining>(&state)?;
        Ok(CueChainingEnv {
            process: ModelEnv::new(model(&params)?),
            params,
            cue2_state,
            reward_condition,
        })
    }

    /// The generative process (the true `A`, `B`, `D`).
    pub fn process(&self) -> &Model<T, CueChaining> {
        self.process.process()
    }

    /// The layout.
    pub fn params(&self) -> &CueChainingParams {
        &self.params
    }
}

impl<T: Real> Env<CueChaining> for CueChainingEnv<T> {
    type State = [usize; 3];

    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> ([usize; 3], [usize; 4]) {
        let d = self.process().d();
        let location = sample_index(d.factor(0), rng);
        let cue2 = self
            .cue2_state
            .unwrap_or_else(|| sample_index(d.factor(1), rng));
        let reward = self
            .reward_condition
            .unwrap_or_else(|| sample_index(d.factor(2), rng));
        let state = [location, cue2, reward];
        (state, sample_observation(self.process(), &state, rng))
    }

    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut [usize; 3],
        action: &[usize; 3],
        rng: &mut R,
    ) -> Result<[usize; 4], Error> {
        self.process.step(state, action, rng)
    }
}
