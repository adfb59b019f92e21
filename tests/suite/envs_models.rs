//! The environments' generative models against pymdp's: GridWorld 3×3 against the tensors of
//! pymdp 1.0.4's fixture, the others tensor by tensor from pymdp's definitions (inventory
//! §3.2–3.3); and bad input (wrong spec shape, out-of-range cells and nodes, probabilities
//! outside `[0, 1]`) giving typed errors.

use crate::common;

use actinf::envs::generalized_tmaze::{self as gt, LargeMaze, SmallMaze};
use actinf::envs::graph::{self, CLUSTERS_EDGES, Clusters};
use actinf::envs::grid_world::{self, Grid3x3, Grid5x5, GridWorld};
use actinf::envs::simplified_tmaze::{
    self as st, SimplifiedTMaze, SimplifiedTMazeEnv, SimplifiedTMazeParams,
};
use actinf::model::pymdp_order;
use actinf::spec::{self, Spec};
use actinf::{Error, Model, Problem, Tensor};

/// `A[m]` in pymdp's C order.
fn a_of<S: Spec>(m: &Model<f64, S>, k: usize) -> Vec<f64> {
    pymdp_order(m.likelihood(k), spec::modalities::<S>()[k].outcomes).collect()
}

/// `B[f]` in pymdp's C order `(next, parents, action)`.
fn b_of<S: Spec>(m: &Model<f64, S>, f: usize) -> Vec<f64> {
    let info = &spec::factors::<S>()[f];
    let mut out = Vec::new();
    for next in 0..info.states {
        for j in 0..info.parents.joint {
            for u in 0..info.controls {
                out.push(m.b_entry(f, next, j, u));
            }
        }
    }
    out
}

fn problem<T: core::fmt::Debug>(r: Result<T, Error>) -> (Tensor, Problem) {
    let e = r.expect_err("expected an error");
    // Every error prints.
    assert!(!e.to_string().is_empty());
    (e.tensor, e.problem)
}

// ── GridWorld ─────────────────────────────────────────────────────────────────────────

#[test]
fn grid_world_3x3_equals_pymdp_fixture() {
    let fx = common::load("episode_gridworld_3x3");
    let grid = GridWorld::new(3, 3).start(0, 0);
    let m = grid_world::model::<f64, Grid3x3>(&grid).unwrap();
    let (shape, a) = common::array(common::at(&fx, "inputs/A/0"));
    assert_eq!(shape, [9, 9]);
    assert_eq!(a_of(&m, 0), a, "A");
    let (shape, b) = common::array(common::at(&fx, "inputs/B/0"));
    assert_eq!(shape, [9, 9, 5]);
    assert_eq!(b_of(&m, 0), b, "B");
    assert_eq!(
        m.d().factor(0),
        common::data(common::at(&fx, "inputs/D_env/0")),
        "D"
    );
}

actinf::model! {
    pub Grid3x3NoStay {
        factors { Cell: 9 controlled_by 4 }
        modalities { Seen: 9 depends_on [Cell] }
    }
}

#[test]
fn grid_world_walls_slip_and_uniform_start() {
    let walls = [(1, 1)];
    let grid = GridWorld::new(3, 3).walls(&walls).success_prob(0.7);
    let m = grid_world::model::<f64, Grid3x3>(&grid).unwrap();
    for s in 0..9 {
        let (r, c) = grid.coords(s);
        for a in 0..5 {
            let to = match a {
                grid_world::UP if r > 0 => Some((r - 1, c)),
                grid_world::RIGHT if c < 2 => Some((r, c + 1)),
                grid_world::DOWN if r < 2 => Some((r + 1, c)),
                grid_world::LEFT if c > 0 => Some((r, c - 1)),
                _ => None,
            }
            .filter(|&t| t != (1, 1))
            .map(|(r, c)| r * 3 + c);
            for next in 0..9 {
                let want = match to {
                    Some(t) if next == t => 0.7,
                    Some(_) if next == s => 1.0 - 0.7,
                    None if next == s => 1.0,
                    _ => 0.0,
                };
                assert_eq!(m.b_entry(0, next, s, a), want, "B[{next}, {s}, {a}]");
            }
        }
    }
    // D uniform over the 8 free cells.
    let d = m.d().factor(0);
    for (s, &x) in d.iter().enumerate() {
        assert_eq!(x, if s == 4 { 0.0 } else { 1.0 / 8.0 });
    }
    // A = I.
    for s in 0..9 {
        for o in 0..9 {
            assert_eq!(m.a_entry(0, o, s), f64::from(u8::from(o == s)));
        }
    }
    // Without STAY: 4 actions.
    let g4 = GridWorld::new(3, 3).include_stay(false);
    let m4 = grid_world::model::<f64, Grid3x3NoStay>(&g4).unwrap();
    assert_eq!(b_of(&m4, 0).len(), 9 * 9 * 4);
    assert_eq!(m4.b_entry(0, 1, 0, grid_world::RIGHT), 1.0);
    // success_prob 0: nothing moves.
    let m0 = grid_world::model::<f64, Grid3x3>(&GridWorld::new(3, 3).success_prob(0.0)).unwrap();
    for s in 0..9 {
        for a in 0..5 {
            assert_eq!(m0.b_entry(0, s, s, a), 1.0);
        }
    }
}

#[test]
fn grid_world_bad_input_is_a_typed_error() {
    let g = GridWorld::new(3, 3);
    // Wrong spec: sizes, actions.
    assert!(matches!(
        problem(grid_world::model::<f64, Grid5x5>(&g)),
        (
            Tensor::B,
            Problem::WrongShape {
                axis: 0,
                expected: 9,
                found: 25
            }
        )
    ));
    assert!(matches!(
        problem(grid_world::model::<f64, Grid3x3NoStay>(&g)),
        (
            Tensor::B,
            Problem::WrongShape {
                axis: 2,
                expected: 5,
                found: 4
            }
        )
    ));
    assert!(matches!(
        problem(grid_world::model::<f64, SimplifiedTMaze>(&g)),
        (
            Tensor::B,
            Problem::WrongLength {
                expected: 1,
                found: 2
            }
        )
    ));
    // Start outside the grid or on a wall.
    assert!(matches!(
        problem(grid_world::model::<f64, Grid3x3>(&g.start(3, 0))),
        (Tensor::D, Problem::OutOfRange { value: 3, len: 3 })
    ));
    assert!(matches!(
        problem(grid_world::model::<f64, Grid3x3>(&g.start(0, 7))),
        (Tensor::D, Problem::OutOfRange { value: 7, len: 3 })
    ));
    let walls = [(1, 1)];
    assert!(matches!(
        problem(grid_world::model::<f64, Grid3x3>(
            &g.walls(&walls).start(1, 1)
        )),
        (Tensor::D, Problem::OutOfRange { .. })
    ));
    // A wall outside the grid.
    let far = [(0, 5)];
    assert!(matches!(
        problem(grid_world::model::<f64, Grid3x3>(&g.walls(&far))),
        (Tensor::B, Problem::OutOfRange { value: 5, len: 3 })
    ));
    // success_prob outside [0, 1].
    for p in [1.5, -0.1, f64::NAN, f64::INFINITY] {
        let (t, pr) = problem(grid_world::model::<f64, Grid3x3>(&g.success_prob(p)));
        assert_eq!(t, Tensor::B);
        assert!(matches!(
            pr,
            Problem::Negative { .. } | Problem::NotFinite { .. }
        ));
    }
    assert!(grid_world::env::<f64, Grid3x3>(&g.success_prob(2.0)).is_err());
}

// ── GraphEnv ──────────────────────────────────────────────────────────────────────────

#[test]
fn graph_env_equals_pymdp_definition() {
    let n = 5;
    for object in 0..=n {
        let m = graph::model::<f64, Clusters>(&CLUSTERS_EDGES, 1, object).unwrap();
        // A[0] = I_N.
        for s in 0..n {
            for o in 0..n {
                assert_eq!(m.a_entry(0, o, s), f64::from(u8::from(o == s)));
            }
        }
        // A[1][seen, agent, object]: seen iff agent == object (never for "not here").
        let a1 = a_of(&m, 1);
        for agent in 0..n {
            for obj in 0..=n {
                let seen = agent == obj;
                assert_eq!(a1[agent * (n + 1) + obj], f64::from(u8::from(!seen)));
                assert_eq!(
                    a1[n * (n + 1) + agent * (n + 1) + obj],
                    f64::from(u8::from(seen))
                );
            }
        }
        // B[0][to, from, a] = 1 iff (a == to and edge(from, to)) or (to == from and no edge).
        for from in 0..n {
            for a in 0..n {
                let edge =
                    CLUSTERS_EDGES.contains(&(from, a)) || CLUSTERS_EDGES.contains(&(a, from));
                for to in 0..n {
                    let want = if edge { to == a } else { to == from };
                    assert_eq!(m.b_entry(0, to, from, a), f64::from(u8::from(want)));
                }
            }
        }
        // B[1] = I, D one-hot.
        assert_eq!(b_of(&m, 1), {
            let mut eye = vec![0.0; (n + 1) * (n + 1)];
            (0..=n).for_each(|i| eye[i * (n + 1) + i] = 1.0);
            eye
        });
        assert_eq!(m.d().factor(0), &[0.0, 1.0, 0.0, 0.0, 0.0]);
        let mut d1 = [0.0; 6];
        d1[object] = 1.0;
        assert_eq!(m.d().factor(1), &d1);
    }
}

#[test]
fn graph_env_bad_input_is_a_typed_error() {
    // An edge to a missing node.
    assert!(matches!(
        problem(graph::model::<f64, Clusters>(&[(0, 1), (2, 5)], 0, 0)),
        (Tensor::B, Problem::OutOfRange { value: 5, len: 5 })
    ));
    // Agent and object out of range ("not here" = 5 is allowed for the object only).
    assert!(matches!(
        problem(graph::model::<f64, Clusters>(&CLUSTERS_EDGES, 5, 0)),
        (Tensor::D, Problem::OutOfRange { value: 5, len: 5 })
    ));
    assert!(matches!(
        problem(graph::model::<f64, Clusters>(&CLUSTERS_EDGES, 0, 6)),
        (Tensor::D, Problem::OutOfRange { value: 6, len: 6 })
    ));
    assert!(graph::model::<f64, Clusters>(&CLUSTERS_EDGES, 0, graph::not_here(5)).is_ok());
    // Wrong spec shapes.
    assert!(matches!(
        problem(graph::model::<f64, Grid3x3>(&CLUSTERS_EDGES, 0, 0)),
        (
            Tensor::B,
            Problem::WrongLength {
                expected: 2,
                found: 1
            }
        )
    ));
    assert!(matches!(
        problem(graph::model::<f64, SimplifiedTMaze>(&CLUSTERS_EDGES, 0, 0)),
        (Tensor::B, Problem::WrongShape { .. })
    ));
}

// ── SimplifiedTMaze ───────────────────────────────────────────────────────────────────

#[test]
fn simplified_tmaze_equals_pymdp_definition() {
    let v = 0.95;
    let m = st::model::<f64>(SimplifiedTMazeParams::default()).unwrap();
    // A[0] (5, 4, 2): identity for centre/left/right, cue embedded at the cue location.
    let a0 = a_of(&m, 0);
    let at = |a: &[f64], o: usize, loc: usize, ctx: usize| a[(o * 4 + loc) * 2 + ctx];
    for ctx in 0..2 {
        for loc in 0..3 {
            for o in 0..5 {
                assert_eq!(at(&a0, o, loc, ctx), f64::from(u8::from(o == loc)));
            }
        }
        let (left, right) = if ctx == 0 { (v, 1.0 - v) } else { (1.0 - v, v) };
        assert_eq!(at(&a0, st::CUED_LEFT, st::CUE, ctx), left);
        assert_eq!(at(&a0, st::CUED_RIGHT, st::CUE, ctx), right);
    }
    // A[1] reward: reward in the correct arm, punishment in the other, nothing elsewhere.
    let a1 = a_of(&m, 1);
    let at1 = |o: usize, loc: usize, ctx: usize| a1[(o * 4 + loc) * 2 + ctx];
    for ctx in 0..2 {
        for loc in 0..4 {
            let o = match loc {
                st::LEFT | st::RIGHT if loc == ctx + 1 => 1,
                st::LEFT | st::RIGHT => 2,
                _ => 0,
            };
            for k in 0..3 {
                assert_eq!(at1(k, loc, ctx), f64::from(u8::from(k == o)));
            }
        }
    }
    // B[0][a, :, a] = 1, B[1] = I, D.
    for to in 0..4 {
        for from in 0..4 {
            for a in 0..4 {
                assert_eq!(m.b_entry(0, to, from, a), f64::from(u8::from(to == a)));
            }
        }
    }
    assert_eq!(b_of(&m, 1), [1.0, 0.0, 0.0, 1.0]);
    assert_eq!(m.d().factor(0), &[1.0, 0.0, 0.0, 0.0]);
    assert_eq!(m.d().factor(1), &[0.5, 0.5]);

    // Partial reward, independent vs dependent outcomes.
    let p = SimplifiedTMazeParams {
        reward_probability: 0.8,
        punishment_probability: 0.6,
        ..Default::default()
    };
    let m = st::model::<f64>(p).unwrap();
    let a1 = a_of(&m, 1);
    let at1 = |o: usize, loc: usize, ctx: usize| a1[(o * 4 + loc) * 2 + ctx];
    assert_eq!((at1(1, 1, 0), at1(0, 1, 0)), (0.8, 1.0 - 0.8));
    assert_eq!((at1(2, 2, 0), at1(0, 2, 0)), (0.6, 1.0 - 0.6));
    let m = st::model::<f64>(SimplifiedTMazeParams {
        dependent_outcomes: true,
        ..p
    })
    .unwrap();
    let a1 = a_of(&m, 1);
    let at1 = |o: usize, loc: usize, ctx: usize| a1[(o * 4 + loc) * 2 + ctx];
    assert_eq!((at1(1, 1, 0), at1(2, 1, 0)), (0.8, 1.0 - 0.8));
    assert_eq!((at1(2, 2, 0), at1(1, 2, 0)), (0.8, 1.0 - 0.8));
}

#[test]
fn simplified_tmaze_bad_input_is_a_typed_error() {
    for (p, tensor) in [
        (
            SimplifiedTMazeParams {
                cue_validity: 1.2,
                ..Default::default()
            },
            Tensor::A,
        ),
        (
            SimplifiedTMazeParams {
                reward_probability: -0.5,
                ..Default::default()
            },
            Tensor::A,
        ),
        (
            SimplifiedTMazeParams {
                punishment_probability: f64::NAN,
                ..Default::default()
            },
            Tensor::A,
        ),
    ] {
        assert_eq!(problem(st::model::<f64>(p)).0, tensor);
        assert!(SimplifiedTMazeEnv::<f64>::new(p, None).is_err());
    }
    assert!(matches!(
        problem(SimplifiedTMazeEnv::<f64>::new(Default::default(), Some(2))),
        (Tensor::D, Problem::OutOfRange { value: 2, len: 2 })
    ));
}

// ── GeneralizedTMaze ──────────────────────────────────────────────────────────────────

#[test]
fn generalized_tmaze_small_equals_pymdp_definition() {
    let maze = gt::get_maze_matrix_small();
    let (rows, cols) = (3, 5);
    let n = rows * cols;
    for sites in [[0, 0], [0, 1], [1, 0], [1, 1]] {
        let m = gt::model::<f64, SmallMaze, 5>(&maze, &sites).unwrap();
        // Position: identity A; B moves up/down/left/right on the grid (no walls here), STAY.
        for s in 0..n {
            for o in 0..n {
                assert_eq!(m.a_entry(0, o, s), f64::from(u8::from(o == s)));
            }
            let (r, c) = (s / cols, s % cols);
            let targets = [
                if r > 0 { s - cols } else { s },
                if r + 1 < rows { s + cols } else { s },
                if c > 0 { s - 1 } else { s },
                if c + 1 < cols { s + 1 } else { s },
                s,
            ];
            for (a, &t) in targets.iter().enumerate() {
                for next in 0..n {
                    assert_eq!(m.b_entry(0, next, s, a), f64::from(u8::from(next == t)));
                }
            }
        }
        // Sets: (cue, first site, second site) cells, from the maze codes 3k, 3k+1, 3k+2.
        let cells = [(2 * 5, 1, 5 + 1), (2 * 5 + 4, 5 + 3, 3)];
        for (k, &(cue, first, second)) in cells.iter().enumerate() {
            let cue_a = a_of(&m, 1 + k);
            let rew_a = a_of(&m, 3 + k);
            for s in 0..n {
                for ctx in 0..2 {
                    let j = s * 2 + ctx;
                    let cue_o = if s == cue { 1 + ctx } else { 0 };
                    let rew_o = match (s == first, s == second, ctx) {
                        (true, _, 0) | (_, true, 1) => 1,
                        (true, _, _) | (_, true, _) => 2,
                        _ => 0,
                    };
                    for o in 0..3 {
                        assert_eq!(cue_a[o * 2 * n + j], f64::from(u8::from(o == cue_o)));
                        assert_eq!(rew_a[o * 2 * n + j], f64::from(u8::from(o == rew_o)));
                    }
                }
            }
            assert_eq!(b_of(&m, 1 + k), [1.0, 0.0, 0.0, 1.0]);
            let mut d = [0.0; 2];
            d[sites[k]] = 1.0;
            assert_eq!(m.d().factor(1 + k), &d);
        }
        let mut d0 = [0.0; 15];
        d0[2 * 5 + 3] = 1.0;
        assert_eq!(m.d().factor(0), &d0);
    }
    // The default (large) maze fits its spec too.
    let large = gt::get_maze_matrix();
    let m = gt::model::<f64, LargeMaze, 5>(&large, &[0, 1, 0]).unwrap();
    assert_eq!(m.d().factor(0)[12], 1.0);
}

#[test]
fn generalized_tmaze_walls_block_moves() {
    let mut maze = gt::get_maze_matrix_small();
    maze[2][2] = gt::WALL; // left of the start (2, 3)
    let m = gt::model::<f64, SmallMaze, 5>(&maze, &[0, 0]).unwrap();
    assert_eq!(m.b_entry(0, 13, 13, gt::LEFT), 1.0);
    assert_eq!(gt::target(&maze, 13, gt::LEFT), 13);
    assert_eq!(gt::target(&maze, 13, gt::UP), 8);
}

#[test]
fn generalized_tmaze_bad_input_is_a_typed_error() {
    let maze = gt::get_maze_matrix_small();
    // Wrong spec for the maze.
    assert!(matches!(
        problem(gt::model::<f64, LargeMaze, 5>(&maze, &[0, 0, 0])),
        (
            Tensor::B,
            Problem::WrongShape {
                axis: 0,
                expected: 15,
                found: 25
            }
        )
    ));
    // Wrong number of reward sites, a site other than 0/1.
    assert!(matches!(
        problem(gt::model::<f64, SmallMaze, 5>(&maze, &[0])),
        (
            Tensor::D,
            Problem::WrongLength {
                expected: 2,
                found: 1
            }
        )
    ));
    assert!(matches!(
        problem(gt::model::<f64, SmallMaze, 5>(&maze, &[0, 2])),
        (Tensor::D, Problem::OutOfRange { value: 2, len: 2 })
    ));
    // A code for a third set in a two-set spec.
    let mut bad = maze;
    bad[0][0] = 9;
    assert!(matches!(
        problem(gt::model::<f64, SmallMaze, 5>(&bad, &[0, 0])),
        (Tensor::D, Problem::OutOfRange { value: 9, len: 9 })
    ));
    // A missing cue, two starts.
    let mut bad = maze;
    bad[2][4] = gt::FREE;
    assert!(matches!(
        problem(gt::model::<f64, SmallMaze, 5>(&bad, &[0, 0])),
        (
            Tensor::D,
            Problem::WrongLength {
                expected: 1,
                found: 0
            }
        )
    ));
    let mut bad = maze;
    bad[0][0] = gt::START;
    assert!(matches!(
        problem(gt::model::<f64, SmallMaze, 5>(&bad, &[0, 0])),
        (
            Tensor::D,
            Problem::WrongLength {
                expected: 1,
                found: 2
            }
        )
    ));
    assert!(gt::env::<f64, SmallMaze, 5>(&bad, &[0, 0]).is_err());
}

#[test]
fn grid_world_spec_supports_exact_inference() {
    use actinf::inference::Exact;
    use actinf::{Agent, Config};
    let m = grid_world::model::<f64, Grid3x3>(&GridWorld::new(3, 3).start(0, 0)).unwrap();
    let agent = Agent::<f64, Grid3x3, 1, 5>::new(m, Config::default())
        .unwrap()
        .with_method::<Exact>();
    let q = agent.infer_states(&[[0]], &agent.initial_prior()).unwrap();
    assert!((q[0].factor(0)[0] - 1.0).abs() < 1e-9);
}
