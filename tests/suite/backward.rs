//! The backward-induction planner (`plan::backward`): pymdp's EFE at horizon 1 for one-hot
//! beliefs, a brute-force evaluation of its own definition for horizons 2–4 (on a two-factor
//! model with coupled, stochastic transitions), the 7×7 grid (M4) solved from every start cell
//! in the fewest steps with horizon 12, and the planner inside the rollout loop.

#![allow(clippy::needless_range_loop)] // indices name actions and states here

use actinf::envs::ModelEnv;
use actinf::io::PymdpModel;
use actinf::plan::backward::{Backup, BackwardInduction};
use actinf::rollout::Workspace;
use actinf::{Agent, Belief, Config, Model, Shared};
use rand::{RngExt, SeedableRng, rngs::SmallRng};

mod two {
    actinf::model! {
        /// Two factors: a controlled position whose transition depends on a drifting mode.
        pub Two {
            factors {
                Pos: 3 controlled_by 2 depends_on [Pos, Mode],
                Mode: 2,
            }
            modalities {
                Seen: 3 depends_on [Pos],
                Hint: 2 depends_on [Pos, Mode],
            }
        }
    }
}
use two::Two;

actinf::model! {
    /// pymdp's benchmark M4: a 7×7 grid, UP/RIGHT/DOWN/LEFT/STAY, noisy location sensor.
    pub M4 {
        factors { Cell: 49 controlled_by 5 }
        modalities { Seen: 49 depends_on [Cell] }
    }
}

fn column<R: RngExt>(rng: &mut R, n: usize, sparse: bool) -> Vec<f64> {
    let mut c: Vec<f64> = (0..n)
        .map(|_| {
            if sparse && rng.random::<f64>() < 0.4 {
                0.0
            } else {
                rng.random::<f64>() + 0.05
            }
        })
        .collect();
    if c.iter().all(|&x| x == 0.0) {
        c[0] = 1.0;
    }
    let s: f64 = c.iter().sum();
    c.iter_mut().for_each(|x| *x /= s);
    c
}

/// A random `Two` model (flat in actinf's layout through `from_slices`: pymdp's C order).
fn random_two(seed: u64) -> Model<f64, Two> {
    let mut rng = SmallRng::seed_from_u64(seed);
    // A[Seen] (3, 3): columns over outcomes for each position.
    let mut seen = vec![0.0; 9];
    for s in 0..3 {
        for (o, p) in column(&mut rng, 3, false).into_iter().enumerate() {
            seen[o * 3 + s] = p;
        }
    }
    // A[Hint] (2, 3, 2)
    let mut hint = vec![0.0; 12];
    for j in 0..6 {
        for (o, p) in column(&mut rng, 2, false).into_iter().enumerate() {
            hint[o * 6 + j] = p;
        }
    }
    // B[Pos] (3, 3, 2, 2): next, pos, mode, action
    let mut b_pos = vec![0.0; 36];
    for j in 0..6 {
        for u in 0..2 {
            for (n, p) in column(&mut rng, 3, true).into_iter().enumerate() {
                b_pos[n * 12 + j * 2 + u] = p;
            }
        }
    }
    // B[Mode] (2, 2, 1)
    let mut b_mode = vec![0.0; 4];
    for m in 0..2 {
        for (n, p) in column(&mut rng, 2, false).into_iter().enumerate() {
            b_mode[n * 2 + m] = p;
        }
    }
    let c = [0.0, 0.5, 1.5, -1.0, 0.7];
    let a = [seen, hint].concat();
    let b = [b_pos, b_mode].concat();
    Model::from_slices(
        &a,
        &b,
        &c,
        &[1.0 / 3.0; 3]
            .iter()
            .chain(&[0.5, 0.5])
            .copied()
            .collect::<Vec<_>>(),
    )
    .expect("random model")
}

fn point(pos: usize, mode: usize) -> Belief<f64, Two> {
    let mut q = [0.0; 5];
    q[pos] = 1.0;
    q[3 + mode] = 1.0;
    Belief::from_slice(&q).unwrap()
}

/// pymdp's neg EFE of the single action `u` from `q` (an agent with policies of length 1).
fn pymdp_neg_efe(model: &Model<f64, Two>, q: &Belief<f64, Two>) -> [f64; 2] {
    let agent = Agent::<f64, Two, 1, 2>::new(model.clone(), Config::default()).unwrap();
    let (_, neg_efe) = agent
        .infer_policies(&actinf::Beliefs::<f64, Two, 1>::splat(*q))
        .unwrap();
    [neg_efe[0][0], neg_efe[0][1]]
}

#[test]
fn horizon_one_is_pymdps_efe_for_point_beliefs() {
    for seed in 0..5 {
        let model = random_two(seed);
        let mut planner = BackwardInduction::<f64, 6, 2, 1>::new(Backup::Max).unwrap();
        for pos in 0..3 {
            for mode in 0..2 {
                let q = point(pos, mode);
                let mut neg_efe = [0.0; 2];
                planner
                    .plan(
                        &model,
                        &[[0, 0], [1, 0]],
                        Config::default(),
                        &q,
                        &mut neg_efe,
                    )
                    .unwrap();
                let want = pymdp_neg_efe(&model, &q);
                for u in 0..2 {
                    assert!(
                        (neg_efe[u] - want[u]).abs() < 1e-12,
                        "seed {seed} state ({pos},{mode}) action {u}: {} vs {}",
                        neg_efe[u],
                        want[u]
                    );
                }
            }
        }
        // A spread belief: the planner averages point values, pymdp takes the information
        // gain of the averaged prediction; they differ (documented).
        let q = Belief::<f64, Two>::from_slice(&[0.5, 0.3, 0.2, 0.6, 0.4]).unwrap();
        let mut neg_efe = [0.0; 2];
        planner
            .plan(
                &model,
                &[[0, 0], [1, 0]],
                Config::default(),
                &q,
                &mut neg_efe,
            )
            .unwrap();
        let want = pymdp_neg_efe(&model, &q);
        assert!((neg_efe[0] - want[0]).abs() > 1e-6 || (neg_efe[1] - want[1]).abs() > 1e-6);
    }
}

/// The definition, by recursion over explicit states: `Q_h(s, u) = r(s, u) + Σ P(s'|s,u)
/// V_{h−1}(s')`, with `r` from pymdp's EFE at a point belief and the joint transition from
/// `B`'s entries.
fn brute_q(
    model: &Model<f64, Two>,
    h: usize,
    pos: usize,
    mode: usize,
    u: usize,
    backup: Backup<f64>,
) -> f64 {
    let r = pymdp_neg_efe(model, &point(pos, mode))[u];
    if h == 1 {
        return r;
    }
    let mut ev = 0.0;
    for p2 in 0..3 {
        for m2 in 0..2 {
            // B[Pos][p2, pos, mode, u] · B[Mode][m2, mode, 0]
            let prob = model.b_entry(0, p2, pos * 2 + mode, u) * model.b_entry(1, m2, mode, 0);
            if prob == 0.0 {
                continue;
            }
            let qs = [0, 1].map(|u2| brute_q(model, h - 1, p2, m2, u2, backup));
            let v = match backup {
                Backup::Max => qs[0].max(qs[1]),
                Backup::Softmax(g) => {
                    let m = qs[0].max(qs[1]);
                    let e = qs.map(|x| (g * (x - m)).exp());
                    (e[0] * qs[0] + e[1] * qs[1]) / (e[0] + e[1])
                }
            };
            ev += prob * v;
        }
    }
    r + ev
}

fn check_horizon<const HOR: usize>(backup: Backup<f64>) {
    for seed in 10..13 {
        let model = random_two(seed);
        let mut planner = BackwardInduction::<f64, 6, 2, HOR>::new(backup).unwrap();
        let q = Belief::<f64, Two>::from_slice(&[0.2, 0.0, 0.8, 0.3, 0.7]).unwrap();
        let mut neg_efe = [0.0; 2];
        planner
            .plan(
                &model,
                &[[0, 0], [1, 0]],
                Config::default(),
                &q,
                &mut neg_efe,
            )
            .unwrap();
        for u in 0..2 {
            let mut want = 0.0;
            for pos in 0..3 {
                for mode in 0..2 {
                    let w = q.factor(0)[pos] * q.factor(1)[mode];
                    if w > 0.0 {
                        want += w * brute_q(&model, HOR, pos, mode, u, backup);
                    }
                }
            }
            assert!(
                (neg_efe[u] - want).abs() < 1e-10 * (1.0 + want.abs()),
                "horizon {HOR} seed {seed} action {u}: {} vs brute force {want}",
                neg_efe[u]
            );
        }
    }
}

#[test]
fn horizons_two_to_four_equal_brute_force() {
    check_horizon::<2>(Backup::Max);
    check_horizon::<3>(Backup::Max);
    check_horizon::<4>(Backup::Max);
    check_horizon::<3>(Backup::Softmax(4.0));
}

fn m4() -> Model<f64, M4> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/models/M4_grid.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str::<PymdpModel>(&text)
        .unwrap()
        .model()
        .unwrap()
}

/// The cell after action `u` (UP, RIGHT, DOWN, LEFT, STAY), from M4's own `B`.
fn step(model: &Model<f64, M4>, s: usize, u: usize) -> usize {
    (0..49).find(|&n| model.b_entry(0, n, s, u) == 1.0).unwrap()
}

/// Horizon 12 (the grid's diameter; 5^12 ≈ 2.4·10^8 policies to enumerate otherwise): from
/// every start cell, following the best action with the true cell known reaches the goal
/// (cell 48, bottom right) in exactly its Manhattan distance.
#[test]
fn m4_horizon_12_reaches_the_goal_in_the_fewest_steps() {
    let model = m4();
    let actions = [[0], [1], [2], [3], [4]];
    let mut planner = BackwardInduction::<f64, 49, 5, 12>::new(Backup::Max).unwrap();
    for start in 0..49 {
        let distance = (6 - start / 7) + (6 - start % 7);
        let mut s = start;
        let mut steps = 0;
        while s != 48 {
            let mut q = [0.0; 49];
            q[s] = 1.0;
            let mut neg_efe = [0.0; 5];
            planner
                .plan(
                    &model,
                    &actions,
                    Config::default(),
                    &Belief::from_slice(&q).unwrap(),
                    &mut neg_efe,
                )
                .unwrap();
            let best = (0..5).fold(0, |b, u| if neg_efe[u] > neg_efe[b] { u } else { b });
            s = step(&model, s, best);
            steps += 1;
            assert!(
                steps <= distance,
                "start {start}: no shorter than {distance} steps"
            );
        }
        assert_eq!(steps, distance, "start {start}");
    }
}

/// In the loop, from noisy observations (the sensor is right 70 % of the time plus noise):
/// an agent with single-action policies and the horizon-12 planner reaches the goal from the
/// far corner, and stays.
#[test]
fn m4_in_the_rollout_loop() {
    let model = m4();
    let mut process = model.clone();
    let mut d = [0.0; 49];
    d[0] = 1.0;
    process.set_d(&Belief::from_slice(&d).unwrap()).unwrap();
    let env = ModelEnv::new(process);
    let mut agent = Agent::<f64, M4, 1, 5>::new(model, Config::default().gamma(16.0)).unwrap();
    let mut planner = BackwardInduction::<f64, 49, 5, 12>::new(Backup::Max).unwrap();
    let mut work = Box::new(Workspace::<f64, M4, 5, 1, 2, [usize; 1]>::new());
    let mut cells = Vec::new();
    work.rollout_with::<24>(
        &mut agent,
        &Shared(&env),
        &mut planner,
        None,
        &mut |step| {
            cells.push(step.states.unwrap()[0][0]);
            Ok(())
        },
        &mut SmallRng::seed_from_u64(0),
    )
    .unwrap();
    let arrived = cells
        .iter()
        .position(|&c| c == 48)
        .expect("reached the goal");
    assert!(
        arrived <= 16,
        "reached the goal after {arrived} steps: {cells:?}"
    );
    assert!(
        cells[arrived..].iter().all(|&c| c == 48),
        "stayed: {cells:?}"
    );
}

#[test]
fn bad_input() {
    assert!(BackwardInduction::<f64, 6, 2, 3>::new(Backup::Softmax(0.0)).is_err());
    assert!(BackwardInduction::<f64, 6, 2, 3>::new(Backup::Softmax(f64::NAN)).is_err());
    let model = random_two(0);
    let mut planner = BackwardInduction::<f64, 6, 2, 3>::new(Backup::Max).unwrap();
    let mut neg_efe = [0.0; 2];
    let e = planner
        .plan(
            &model,
            &[[0, 0], [2, 0]],
            Config::default(),
            &point(0, 0),
            &mut neg_efe,
        )
        .unwrap_err();
    assert!(matches!(
        e.problem,
        actinf::Problem::OutOfRange { value: 2, len: 2 }
    ));
    let mut bad = [0.2, 0.3, 0.5, 0.5, 0.5];
    bad[1] = f64::NAN;
    let q = Belief::<f64, Two>::from_slice(&bad);
    if let Ok(q) = q {
        assert!(
            planner
                .plan(
                    &model,
                    &[[0, 0], [1, 0]],
                    Config::default(),
                    &q,
                    &mut neg_efe
                )
                .is_err()
        );
    }
}
