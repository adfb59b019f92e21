//! pymdp's `GeneralizedTMazeEnv`: a grid maze with several cue/reward sets.
//!
//! The maze is a matrix of cell codes ([`get_maze_matrix`]): [`FREE`] 0, [`START`] 1,
//! [`WALL`] 2, and for set `k = 1, 2, …` its cue `3k` and its two reward sites `3k + 1`,
//! `3k + 2`. Hidden-state factors: the position (`rows · cols`, row-major), then one binary
//! factor per set (0 = the reward is at the first site, 1 = at the second). Actions on the
//! position: [`UP`], [`DOWN`], [`LEFT`], [`RIGHT`] (a move off the grid or into a wall stays
//! put) and [`STAY`] — note the order differs from [`grid_world`](super::grid_world).
//! Modalities: the position (seen exactly), then per set a cue modality
//! (`[nothing, first site, second site]`, informative only at the set's cue cell), then per
//! set a reward modality (`[nothing, reward, punishment]` at the set's two sites). `D` is
//! one-hot: the start cell and the true reward sites.
//!
//! Builders are generic over the spec and check it against the maze: [`SmallMaze`] is
//! declared for `get_maze_matrix(small=true)` and [`LargeMaze`] for the default maze.
//!
//! ```
//! use actinf::envs::{Env, generalized_tmaze::{self as gt, SmallMaze}};
//! use rand::{SeedableRng, rngs::SmallRng};
//! let maze = gt::get_maze_matrix_small();
//! // Reward of set 1 at its second site, of set 2 at its first.
//! let env = gt::env::<f64, SmallMaze, 5>(&maze, &[1, 0])?;
//! let mut rng = SmallRng::seed_from_u64(0);
//! let (mut state, obs) = env.reset(&mut rng);
//! assert_eq!(state, [13, 1, 0]); // start (2, 3)
//! env.step(&mut state, &[gt::RIGHT, 0, 0], &mut rng)?;
//! assert_eq!(state[0], 14); // the cue of set 2 at (2, 4)
//! let obs = env.step(&mut state, &[gt::STAY, 0, 0], &mut rng)?;
//! assert_eq!(obs[2], 1); // set 2's cue: the first site
//! # let _ = obs;
//! # Ok::<(), actinf::Error>(())
//! ```

use super::ModelEnv;
use super::build::{Tensors, expect_counts, expect_factor, expect_modality, out_of_range};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::Model;
use crate::spec::{self, Spec};

/// A cell the agent can move through.
pub const FREE: u8 = 0;
/// The agent's start cell.
pub const START: u8 = 1;
/// A wall.
pub const WALL: u8 = 2;

/// Move one row up.
pub const UP: usize = 0;
/// Move one row down.
pub const DOWN: usize = 1;
/// Move one column left.
pub const LEFT: usize = 2;
/// Move one column right.
pub const RIGHT: usize = 3;
/// Do nothing.
pub const STAY: usize = 4;
/// Action names, by index.
pub const ACTION_NAMES: [&str; 5] = ["up", "down", "left", "right", "stay"];

/// pymdp's `get_maze_matrix(small=True)`: 3 × 5, two cue/reward sets, start at (2, 3).
pub const fn get_maze_matrix_small() -> [[u8; 5]; 3] {
    [[0, 4, 0, 8, 0], [0, 5, 0, 7, 0], [3, 0, 0, 1, 6]]
}

/// pymdp's `get_maze_matrix(small=False)`: 5 × 5, three cue/reward sets, start at (2, 2).
pub const fn get_maze_matrix() -> [[u8; 5]; 5] {
    [
        [0, 4, 0, 8, 0],
        [0, 5, 0, 7, 0],
        [3, 0, 1, 0, 6],
        [0, 0, 9, 0, 0],
        [0, 10, 0, 11, 0],
    ]
}

/// The small maze's spec.
pub mod small {
    crate::model! {
        /// The generalized T-maze of `get_maze_matrix(small=True)`: 15 cells, 2 sets.
        pub SmallMaze {
            factors {
                /// The cell `r · 5 + c`; actions up, down, left, right, stay.
                Position: 15 controlled_by 5,
                /// Set 1's reward site (0 first, 1 second).
                Set1: 2,
                /// Set 2's reward site.
                Set2: 2,
            }
            modalities {
                /// The cell, seen exactly.
                Place: 15 depends_on [Position],
                /// Set 1's cue: `[nothing, first site, second site]`.
                Cue1: 3 depends_on [Position, Set1],
                /// Set 2's cue.
                Cue2: 3 depends_on [Position, Set2],
                /// Set 1's reward: `[nothing, reward, punishment]`.
                Reward1: 3 depends_on [Position, Set1],
                /// Set 2's reward.
                Reward2: 3 depends_on [Position, Set2],
            }
        }
    }
}

/// The default (large) maze's spec.
pub mod large {
    crate::model! {
        /// The generalized T-maze of `get_maze_matrix()`: 25 cells, 3 sets.
        pub LargeMaze {
            factors {
                /// The cell `r · 5 + c`; actions up, down, left, right, stay.
                Position: 25 controlled_by 5,
                /// Set 1's reward site (0 first, 1 second).
                Set1: 2,
                /// Set 2's reward site.
                Set2: 2,
                /// Set 3's reward site.
                Set3: 2,
            }
            modalities {
                /// The cell, seen exactly.
                Place: 25 depends_on [Position],
                /// Set 1's cue: `[nothing, first site, second site]`.
                Cue1: 3 depends_on [Position, Set1],
                /// Set 2's cue.
                Cue2: 3 depends_on [Position, Set2],
                /// Set 3's cue.
                Cue3: 3 depends_on [Position, Set3],
                /// Set 1's reward: `[nothing, reward, punishment]`.
                Reward1: 3 depends_on [Position, Set1],
                /// Set 2's reward.
                Reward2: 3 depends_on [Position, Set2],
                /// Set 3's reward.
                Reward3: 3 depends_on [Position, Set3],
            }
        }
    }
}

pub use large::LargeMaze;
pub use small::SmallMaze;

/// The cell index of the only cell with `code`, or an error naming the code and how many
/// cells have it.
fn find<const C: usize>(maze: &[[u8; C]], code: u8, name: &'static str) -> Result<usize, Error> {
    let mut found = None;
    let mut count = 0;
    for (i, &x) in maze.iter().flatten().enumerate() {
        if x == code {
            found.get_or_insert(i);
            count += 1;
        }
    }
    match (found, count) {
        (Some(i), 1) => Ok(i),
        _ => Err(Error::new(
            Tensor::D,
            0,
            name,
            Entry::at(code as usize),
            Problem::WrongLength {
                expected: 1,
                found: count,
            },
        )),
    }
}

/// The cell a move `action` from `cell` leads to (itself for a wall, the grid's edge, or
/// [`STAY`], or a cell outside the maze: a `cell` past the last row does not move).
pub fn target<const C: usize>(maze: &[[u8; C]], cell: usize, action: usize) -> usize {
    let (rows, (r, c)) = (maze.len(), (cell / C.max(1), cell % C.max(1)));
    let to = match action {
        UP if r > 0 => (r - 1, c),
        DOWN if r + 1 < rows => (r + 1, c),
        LEFT if c > 0 => (r, c - 1),
        RIGHT if c + 1 < C => (r, c + 1),
        _ => return cell,
    };
    match maze.get(to.0).and_then(|row| row.get(to.1)) {
        Some(&WALL) | None => cell,
        Some(_) => to.0 * C + to.1,
    }
}

/// The generalized T-maze's `A`, `B`, `D` for `maze` (`rows × C` cell codes) as a validated
/// model of spec `S`; `reward_sites[k]` is 0 when set `k + 1`'s reward is at its first site
/// (code `3k + 4`), 1 at its second (what pymdp's `parse_maze` draws). `C` is zero.
///
/// The number of sets `K` is the spec's number of factors minus one.
///
/// Errors: `S` is not `1 + K` factors (`rows · C` positions with 5 actions, then `K` binary
/// factors) and `1 + 2K` modalities of the shapes above (`WrongLength`, `WrongRank` or
/// `WrongShape`); a maze code above `3K + 2` or a reward site other than 0 or 1
/// (`OutOfRange`); `reward_sites` not of length `K` (`WrongLength`); a start, cue or site
/// code not found exactly once (`WrongLength` with the code as the entry).
///
/// ```
/// use actinf::envs::generalized_tmaze::{self as gt, SmallMaze, LargeMaze};
/// let maze = gt::get_maze_matrix_small();
/// let m = gt::model::<f64, SmallMaze, 5>(&maze, &[0, 0])?;
/// assert_eq!(m.d().factor(0)[13], 1.0); // start (2, 3)
/// // Set 1's cue at (2, 0) = cell 10, reward at the first site (joint column 10·2 + 0).
/// assert_eq!(m.column(1, 20), &[0.0, 1.0, 0.0]);
/// // The small maze does not fit the large spec.
/// assert!(gt::model::<f64, LargeMaze, 5>(&maze, &[0, 0]).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn model<T: Real, S: Spec, const C: usize>(
    maze: &[[u8; C]],
    reward_sites: &[usize],
) -> Result<Model<T, S>, Error> {
    let mut m = Model::EMPTY;
    init_model(&mut m, maze, reward_sites)?;
    Ok(m)
}

/// [`model`] written into `model` in place (no model-sized temporary on the stack, for the
/// large maze). Arguments rejected before writing leave it unchanged; tensors that fail
/// validation leave it cleared.
///
/// Errors: as [`model`].
#[allow(
    clippy::indexing_slicing,
    reason = "factor indices checked above (`expect_counts`, `reward_sites.len() == sets`), \
              `start` and `site` checked against the states (`find`, `site > 1`)"
)]
pub fn init_model<T: Real, S: Spec, const C: usize>(
    model: &mut Model<T, S>,
    maze: &[[u8; C]],
    reward_sites: &[usize],
) -> Result<(), Error> {
    let nf = spec::num_factors::<S>();
    let sets = nf.saturating_sub(1);
    let n = maze.len() * C;
    expect_counts::<S>(sets + 1, 1 + 2 * sets)?;
    expect_factor::<S>(0, n, 5, &[(0, n)])?;
    expect_modality::<S>(0, n, &[(0, n)])?;
    for k in 0..sets {
        expect_factor::<S>(1 + k, 2, 1, &[(1 + k, 2)])?;
        expect_modality::<S>(1 + k, 3, &[(0, n), (1 + k, 2)])?;
        expect_modality::<S>(1 + sets + k, 3, &[(0, n), (1 + k, 2)])?;
    }
    let pos = spec::factors::<S>()[0].name;
    let max_code = 3 * sets + 2;
    for (i, &x) in maze.iter().flatten().enumerate() {
        if x as usize > max_code {
            return Err(out_of_range(
                Tensor::D,
                0,
                pos,
                Entry::new(&[i / C.max(1), i % C.max(1)], false),
                x as usize,
                max_code + 1,
            ));
        }
    }
    if reward_sites.len() != sets {
        return Err(Error::new(
            Tensor::D,
            1,
            "reward_sites",
            Entry::at(0),
            Problem::WrongLength {
                expected: sets,
                found: reward_sites.len(),
            },
        ));
    }
    let start = find(maze, START, pos)?;
    let mut t = Tensors::new(model);
    for s in 0..n {
        t.set_a(0, s, s, T::ONE);
        for a in 0..5 {
            t.set_b(0, target(maze, s, a), s, a, T::ONE);
        }
    }
    t.d_mut(0)[start] = T::ONE;
    for (k, &site) in reward_sites.iter().enumerate() {
        let f = 1 + k;
        let name = spec::factors::<S>()[f].name;
        if site > 1 {
            return Err(out_of_range(Tensor::D, f, name, Entry::at(site), site, 2));
        }
        let code = (3 * (k + 1)) as u8;
        let cue = find(maze, code, name)?;
        let first = find(maze, code + 1, name)?;
        let second = find(maze, code + 2, name)?;
        let (cue_m, reward_m) = (1 + k, 1 + sets + k);
        for s in 0..n {
            for ctx in 0..2 {
                let j = s * 2 + ctx;
                // Cue: informative only at the cue cell.
                let o = if s == cue { 1 + ctx } else { 0 };
                t.set_a(cue_m, o, j, T::ONE);
                // Reward: 1 at the rewarded site, 2 at the other one.
                let o = if s == first {
                    1 + ctx
                } else if s == second {
                    2 - ctx
                } else {
                    0
                };
                t.set_a(reward_m, o, j, T::ONE);
            }
        }
        t.identity_b(f);
        t.d_mut(f)[site] = T::ONE;
    }
    t.build()
}

/// The maze as an environment ([`ModelEnv`] sampling the model of [`model`]).
///
/// Errors: as [`model`].
pub fn env<T: Real, S: Spec, const C: usize>(
    maze: &[[u8; C]],
    reward_sites: &[usize],
) -> Result<ModelEnv<T, S>, Error> {
    Ok(ModelEnv::new(model(maze, reward_sites)?))
}
