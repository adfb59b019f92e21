//! Statistical checks of environment sampling: 10^5 draws from a column, every outcome's
//! frequency within 4σ (σ = √(p(1 − p)/n)) of its probability. Columns: a GridWorld move with
//! `success_prob = 0.7`, the T-maze cues at validity 0.95 (classic and simplified), the
//! initial state from a non-trivial `D` (uniform over the free cells of a walled grid, the
//! T-maze's uniform context).

use actinf::envs::grid_world::{self, Grid3x3, GridWorld};
use actinf::envs::simplified_tmaze::{self as st, SimplifiedTMazeParams};
use actinf::envs::tmaze::{self, TMazeEnv, TMazeParams};
use actinf::envs::{Env, ModelEnv};
use rand::{SeedableRng, rngs::SmallRng};

const N: usize = 100_000;

/// Asserts that `counts` (over `N` draws) match the probabilities `p` within 4σ.
fn assert_frequencies(counts: &[usize], p: &[f64], what: &str) {
    assert_eq!(counts.iter().sum::<usize>(), N, "{what}: draws");
    for (k, (&c, &pk)) in counts.iter().zip(p).enumerate() {
        let freq = c as f64 / N as f64;
        let sigma = (pk * (1.0 - pk) / N as f64).sqrt();
        assert!(
            (freq - pk).abs() <= 4.0 * sigma,
            "{what}: outcome {k} frequency {freq}, probability {pk} (4σ = {})",
            4.0 * sigma
        );
    }
}

#[test]
fn grid_world_slippery_move() {
    let grid = GridWorld::new(3, 3).success_prob(0.7);
    let env = grid_world::env::<f64, Grid3x3>(&grid).unwrap();
    let mut rng = SmallRng::seed_from_u64(11);
    let from = grid.index(1, 1);
    let mut counts = [0; 9];
    for _ in 0..N {
        let mut cell = [from];
        env.step(&mut cell, &[grid_world::UP], &mut rng).unwrap();
        counts[cell[0]] += 1;
    }
    let mut p = [0.0; 9];
    p[grid.index(0, 1)] = 0.7;
    p[from] = 0.3;
    assert_frequencies(&counts, &p, "GridWorld UP from (1, 1), success 0.7");
}

#[test]
fn tmaze_cue_validity() {
    let env = ModelEnv::new(tmaze::model::<f64>(TMazeParams::default()).unwrap());
    let mut rng = SmallRng::seed_from_u64(12);
    let mut counts = [0; 3];
    for _ in 0..N {
        let obs = env.reset_to(&[tmaze::CUE, 1], &mut rng).unwrap();
        counts[obs[2]] += 1;
    }
    // Reward on the right: cue-right (2) w.p. 0.95.
    assert_frequencies(&counts, &[0.0, 0.05, 0.95], "T-maze cue, context right");

    let env = ModelEnv::new(st::model::<f64>(SimplifiedTMazeParams::default()).unwrap());
    let mut counts = [0; 5];
    for _ in 0..N {
        let obs = env.reset_to(&[st::CUE, 0], &mut rng).unwrap();
        counts[obs[0]] += 1;
    }
    assert_frequencies(
        &counts,
        &[0.0, 0.0, 0.0, 0.95, 0.05],
        "simplified T-maze cue, context left",
    );
}

#[test]
fn initial_state_from_d() {
    let walls = [(0, 2), (1, 1)];
    let grid = GridWorld::new(3, 3).walls(&walls);
    let env = grid_world::env::<f64, Grid3x3>(&grid).unwrap();
    let mut rng = SmallRng::seed_from_u64(13);
    let mut counts = [0; 9];
    for _ in 0..N {
        let (cell, obs) = env.reset(&mut rng);
        assert_eq!(cell, obs);
        counts[cell[0]] += 1;
    }
    let p: Vec<f64> = (0..9)
        .map(|s| {
            let (r, c) = grid.coords(s);
            if grid.is_wall(r, c) { 0.0 } else { 1.0 / 7.0 }
        })
        .collect();
    assert_frequencies(&counts, &p, "GridWorld D uniform over free cells");

    let env = TMazeEnv::<f64>::new(TMazeParams::default(), None).unwrap();
    let mut counts = [0; 2];
    for _ in 0..N {
        let (state, _) = env.reset(&mut rng);
        counts[state[1]] += 1;
    }
    assert_frequencies(&counts, &[0.5, 0.5], "T-maze context at reset");
}
