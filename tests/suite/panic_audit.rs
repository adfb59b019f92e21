//! Inputs that used to panic inside the library (issue #13, item 6): each is now handled
//! without a panic.

use actinf::plan::inductive::{inductive_costs, inductive_value};

/// A start belief longer than the reachability rows: its most likely state is in no row
/// (before: an index out of bounds in `row[argmax q0]`).
#[test]
fn inductive_start_belief_longer_than_the_rows() {
    let rows: [&[f64]; 2] = [&[1.0, 0.0], &[1.0, 1.0]];
    let q0 = [0.0, 0.1, 0.9];
    let mut out = [7.0; 2];
    assert!(!inductive_costs(&q0, rows, (1e-3f64).ln(), &mut out));
    assert_eq!(out, [0.0, 0.0]);
    assert_eq!(inductive_value(&q0, &[0.5, 0.5], rows, 1e-3), 0.0);
    // An empty start belief anchors to state 0, as before.
    assert!(inductive_costs(&[], rows, (1e-3f64).ln(), &mut out));
    // In range, unchanged: state 1 is first in row 1, so row 0 is the anchor.
    let mut out = [7.0; 2];
    assert!(inductive_costs(&[0.2, 0.8], rows, -1.0, &mut out));
    assert_eq!(out, [0.0, -1.0]);
    assert_eq!(
        inductive_value(&[0.2, 0.8], &[0.5, 0.5], rows, 1e-3),
        0.5 * (1e-3f64).ln()
    );
}

/// A cell two rows or more past the end of the maze stays where it is (before: `maze[r - 1]`
/// out of bounds for an `UP` from there).
#[test]
fn generalized_tmaze_target_outside_the_maze() {
    use actinf::envs::generalized_tmaze::{
        DOWN, LEFT, RIGHT, STAY, UP, get_maze_matrix_small, target,
    };
    let maze = get_maze_matrix_small();
    let cells = maze.len() * 5;
    for cell in [cells + 5, cells + 6, 1000] {
        for a in [UP, DOWN, LEFT, RIGHT, STAY, 9] {
            assert_eq!(target(&maze, cell, a), cell);
        }
    }
    // Inside, unchanged: every move stays in the maze.
    for cell in 0..cells {
        for a in [UP, DOWN, LEFT, RIGHT, STAY] {
            assert!(target(&maze, cell, a) < cells);
        }
    }
    let empty: [[u8; 3]; 0] = [];
    assert_eq!(target(&empty, 4, UP), 4);
}
