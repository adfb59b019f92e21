//! pymdp's `GridWorld`: an agent moving on a `rows × cols` grid, seeing exactly where it is.
//!
//! One hidden-state factor, the cell (`r · cols + c`, row-major), observed exactly (`A = I`).
//! Actions [`UP`], [`RIGHT`], [`DOWN`], [`LEFT`] and, if `include_stay`, [`STAY`]. A move off
//! the grid or into a wall leaves the agent where it is; with `success_prob < 1` a possible
//! move succeeds with that probability and otherwise leaves the agent in place. `D` is one-hot
//! at the start cell, or uniform over the free (non-wall) cells.
//!
//! The grid's size is a run-time parameter while a model's shape is a type, so the builders
//! are generic over the spec and check it: [`Grid3x3`] and [`Grid5x5`] are declared here,
//! and any other size is one [`model!`](crate::model!) away (one factor of `rows · cols`
//! states with 5 actions, or 4 without `STAY`, one modality of `rows · cols` outcomes).
//!
//! ```
//! use actinf::envs::{Env, grid_world::{self, GridWorld, Grid3x3}};
//! use rand::{SeedableRng, rngs::SmallRng};
//! let grid = GridWorld::new(3, 3).start(0, 0);
//! let env = grid_world::env::<f64, Grid3x3>(&grid)?;
//! let mut rng = SmallRng::seed_from_u64(0);
//! let (mut cell, obs) = env.reset(&mut rng);
//! assert_eq!((cell, obs), ([0], [0]));
//! env.step(&mut cell, &[grid_world::RIGHT], &mut rng)?;
//! env.step(&mut cell, &[grid_world::DOWN], &mut rng)?;
//! assert_eq!(grid.coords(cell[0]), (1, 1));
//! env.step(&mut cell, &[grid_world::UP], &mut rng)?;
//! env.step(&mut cell, &[grid_world::UP], &mut rng)?; // the wall of the grid: stays
//! assert_eq!(grid.coords(cell[0]), (0, 1));
//! # Ok::<(), actinf::Error>(())
//! ```

use super::ModelEnv;
use super::build::{
    Tensors, check_probability, expect_counts, expect_factor, expect_modality, out_of_range,
};
use crate::error::{Entry, Error, Tensor};
use crate::maths::Real;
use crate::maths::real::lit;
use crate::model::Model;
use crate::spec::{self, Spec};

/// Move one row up (row − 1).
pub const UP: usize = 0;
/// Move one column right (column + 1).
pub const RIGHT: usize = 1;
/// Move one row down (row + 1).
pub const DOWN: usize = 2;
/// Move one column left (column − 1).
pub const LEFT: usize = 3;
/// Stay in place (only with `include_stay`).
pub const STAY: usize = 4;
/// Action names, by index.
pub const ACTION_NAMES: [&str; 5] = ["up", "right", "down", "left", "stay"];

/// The 3×3 grid (pymdp's default shape).
pub mod grid3x3 {
    crate::model! {
        /// pymdp's default `GridWorld(shape=(3, 3))`: 9 cells, 5 actions, the cell observed.
        pub Grid3x3 {
            factors {
                /// The cell `r · 3 + c`; actions up, right, down, left, stay.
                Cell: 9 controlled_by 5,
            }
            modalities {
                /// The cell, observed exactly.
                Seen: 9 depends_on [Cell],
            }
        }
    }
}

/// The 5×5 grid.
pub mod grid5x5 {
    crate::model! {
        /// A 5×5 `GridWorld`: 25 cells, 5 actions, the cell observed.
        pub Grid5x5 {
            factors {
                /// The cell `r · 5 + c`; actions up, right, down, left, stay.
                Cell: 25 controlled_by 5,
            }
            modalities {
                /// The cell, observed exactly.
                Seen: 25 depends_on [Cell],
            }
        }
    }
}

pub use grid3x3::Grid3x3;
pub use grid5x5::Grid5x5;

/// A grid world's parameters (pymdp's `GridWorld` arguments), with pymdp's defaults through
/// [`GridWorld::new`] and builder methods for the rest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridWorld<'a> {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Blocked cells `(row, col)`: moves into them fail.
    pub walls: &'a [(usize, usize)],
    /// The start cell `(row, col)` (one-hot `D`), or `None` for `D` uniform over free cells.
    pub start: Option<(usize, usize)>,
    /// Whether there is a fifth action, [`STAY`] (default `true`).
    pub include_stay: bool,
    /// Probability that a possible move succeeds (default 1); otherwise the agent stays.
    pub success_prob: f64,
}

impl<'a> GridWorld<'a> {
    /// A `rows × cols` grid without walls, uniform start, with `STAY`, moves that always
    /// succeed.
    pub const fn new(rows: usize, cols: usize) -> Self {
        GridWorld {
            rows,
            cols,
            walls: &[],
            start: None,
            include_stay: true,
            success_prob: 1.0,
        }
    }

    /// The same grid with these walls.
    pub const fn walls(self, walls: &'a [(usize, usize)]) -> Self {
        GridWorld { walls, ..self }
    }

    /// The same grid, always starting at `(row, col)`.
    pub const fn start(self, row: usize, col: usize) -> Self {
        GridWorld {
            start: Some((row, col)),
            ..self
        }
    }

    /// The same grid with moves that succeed with probability `p`.
    pub const fn success_prob(self, p: f64) -> Self {
        GridWorld {
            success_prob: p,
            ..self
        }
    }

    /// The same grid with or without the `STAY` action.
    pub const fn include_stay(self, include_stay: bool) -> Self {
        GridWorld {
            include_stay,
            ..self
        }
    }

    /// Number of cells (`rows · cols`).
    pub const fn cells(&self) -> usize {
        self.rows * self.cols
    }

    /// Number of actions (4, or 5 with `STAY`).
    pub const fn num_actions(&self) -> usize {
        4 + self.include_stay as usize
    }

    /// The cell index of `(row, col)` (`row · cols + col`).
    pub const fn index(&self, row: usize, col: usize) -> usize {
        row * self.cols + col
    }

    /// The `(row, col)` of a cell index.
    pub const fn coords(&self, cell: usize) -> (usize, usize) {
        match (cell.checked_div(self.cols), cell.checked_rem(self.cols)) {
            (Some(r), Some(c)) => (r, c),
            _ => (0, 0),
        }
    }

    /// Whether `(row, col)` is a wall.
    pub fn is_wall(&self, row: usize, col: usize) -> bool {
        self.walls.contains(&(row, col))
    }

    /// The cell a successful `action` from `cell` leads to: `cell` itself for a move off the
    /// grid, into a wall, `STAY`, or an unknown action.
    pub fn target(&self, cell: usize, action: usize) -> usize {
        let (r, c) = self.coords(cell);
        let to = match action {
            UP if r > 0 => (r - 1, c),
            RIGHT if c + 1 < self.cols => (r, c + 1),
            DOWN if r + 1 < self.rows => (r + 1, c),
            LEFT if c > 0 => (r, c - 1),
            _ => return cell,
        };
        if self.is_wall(to.0, to.1) {
            cell
        } else {
            self.index(to.0, to.1)
        }
    }

    /// Checks the parameters against the spec `S`.
    fn check<S: Spec>(&self) -> Result<(), Error> {
        let n = self.cells();
        expect_counts::<S>(1, 1)?;
        expect_factor::<S>(0, n, self.num_actions(), &[(0, n)])?;
        expect_modality::<S>(0, n, &[(0, n)])?;
        #[allow(
            clippy::indexing_slicing,
            reason = "one factor, checked by `expect_counts`"
        )]
        let name = spec::factors::<S>()[0].name;
        check_probability(Tensor::B, 0, name, self.success_prob)?;
        for &(r, c) in self.walls {
            if r >= self.rows || c >= self.cols {
                let (value, len) = if r >= self.rows {
                    (r, self.rows)
                } else {
                    (c, self.cols)
                };
                return Err(out_of_range(
                    Tensor::B,
                    0,
                    name,
                    Entry::new(&[r, c], false),
                    value,
                    len,
                ));
            }
        }
        if let Some((r, c)) = self.start
            && (r >= self.rows || c >= self.cols || self.is_wall(r, c))
        {
            // A start on a wall is out of the range of free cells.
            let (value, len) = if c >= self.cols && r < self.rows {
                (c, self.cols)
            } else {
                (r, self.rows)
            };
            return Err(out_of_range(
                Tensor::D,
                0,
                name,
                Entry::new(&[r, c], false),
                value,
                len,
            ));
        }
        Ok(())
    }
}

/// The grid world's `A` (identity), `B`, `D` as a validated model of spec `S` (`C` zero).
///
/// Errors: `S` is not one factor of `rows · cols` states with [`GridWorld::num_actions`]
/// actions and one modality of `rows · cols` outcomes (`WrongLength`, `WrongRank` or
/// `WrongShape`); `success_prob` outside `[0, 1]` (`Negative` or `NotFinite`, as the model's
/// validation of `B` would report it); a wall outside the grid, or a start cell outside the
/// grid or on a wall (`OutOfRange`).
///
/// ```
/// use actinf::envs::grid_world::{self, GridWorld, Grid3x3};
/// let grid = GridWorld::new(3, 3).walls(&[(1, 1)]).success_prob(0.7);
/// let m = grid_world::model::<f64, Grid3x3>(&grid)?;
/// // From (0, 1), down is blocked by the wall: stay w.p. 1.
/// assert_eq!(m.b_entry(0, 1, 1, grid_world::DOWN), 1.0);
/// // From (0, 0), right succeeds w.p. 0.7.
/// assert_eq!(m.b_entry(0, 1, 0, grid_world::RIGHT), 0.7);
/// assert_eq!(m.d().factor(0)[4], 0.0); // never starts in the wall
/// // A 3×3 grid does not fit a 5×5 spec.
/// assert!(grid_world::model::<f64, grid_world::Grid5x5>(&grid).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn model<T: Real, S: Spec>(grid: &GridWorld<'_>) -> Result<Model<T, S>, Error> {
    let mut m = Model::EMPTY;
    init_model(&mut m, grid)?;
    Ok(m)
}

/// [`model`] written into `model` in place (boxed or `static`: no model-sized temporary on
/// the stack, for large grids). Arguments rejected before writing leave it unchanged; tensors
/// that fail validation leave it cleared.
///
/// Errors: as [`model`].
///
/// ```
/// use actinf::Model;
/// use actinf::envs::grid_world::{self, GridWorld, Grid5x5};
/// let mut m = Box::new(Model::<f32, Grid5x5>::EMPTY);
/// grid_world::init_model(&mut m, &GridWorld::new(5, 5).start(0, 0))?;
/// assert_eq!(m.d().factor(0)[0], 1.0);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn init_model<T: Real, S: Spec>(
    model: &mut Model<T, S>,
    grid: &GridWorld<'_>,
) -> Result<(), Error> {
    grid.check::<S>()?;
    let n = grid.cells();
    let p = lit::<T>(grid.success_prob);
    let mut t = Tensors::new(model);
    for s in 0..n {
        t.set_a(0, s, s, T::ONE);
        for a in 0..grid.num_actions() {
            let to = grid.target(s, a);
            if to == s {
                t.set_b(0, s, s, a, T::ONE);
            } else {
                t.set_b(0, to, s, a, p);
                t.set_b(0, s, s, a, T::ONE - p);
            }
        }
    }
    let d = t.d_mut(0);
    if let Some((r, c)) = grid.start {
        // Inside the grid (`check`).
        if let Some(x) = d.get_mut(grid.index(r, c)) {
            *x = T::ONE;
        }
    } else {
        let free = (0..n)
            .filter(|&s| {
                let (r, c) = grid.coords(s);
                !grid.is_wall(r, c)
            })
            .count();
        for (s, x) in d.iter_mut().enumerate() {
            let (r, c) = grid.coords(s);
            if free == 0 {
                *x = lit(1.0 / n as f64);
            } else if !grid.is_wall(r, c) {
                *x = lit(1.0 / free as f64);
            }
        }
    }
    t.build()
}

/// The grid world as an environment ([`ModelEnv`] sampling the model of [`model`]).
///
/// Errors: as [`model`].
///
/// ```
/// use actinf::envs::{Env, grid_world::{self, GridWorld, Grid5x5}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = grid_world::env::<f32, Grid5x5>(&GridWorld::new(5, 5).start(4, 4))?;
/// let (cell, _) = env.reset(&mut SmallRng::seed_from_u64(1));
/// assert_eq!(cell, [24]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn env<T: Real, S: Spec>(grid: &GridWorld<'_>) -> Result<ModelEnv<T, S>, Error> {
    Ok(ModelEnv::new(model(grid)?))
}
