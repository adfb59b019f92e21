//! The cue-chaining environment against pymdp's `CueChainingEnv` (default layout), an agent
//! episode (`examples/cue_chaining.rs`), and bad input.

#[path = "../../examples/cue_chaining.rs"]
#[allow(dead_code)]
pub mod example;

use actinf::envs::cue_chaining::{
    self, CHEESE, COLS, CueChaining, CueChainingEnv, CueChainingParams, DOWN, LEFT, NULL, RIGHT,
    ROWS, SHOCK, STAY, UP, cell_index,
};
use actinf::envs::{Env, check_state};
use actinf::error::{Problem, Tensor};
use actinf::spec;
use rand::{SeedableRng, rngs::SmallRng};

fn idx(r: usize, c: usize) -> usize {
    r * COLS + c
}

#[test]
fn shapes_and_dependencies() {
    let fs = spec::factors::<CueChaining>();
    let ms = spec::modalities::<CueChaining>();
    assert_eq!(
        fs.iter()
            .map(|f| (f.states, f.controls))
            .collect::<Vec<_>>(),
        [(35, 5), (4, 1), (2, 1)]
    );
    assert_eq!(
        ms.iter().map(|m| m.outcomes).collect::<Vec<_>>(),
        [35, 5, 3, 3]
    );
    let deps: Vec<Vec<usize>> = ms.iter().map(|m| m.parents.ids().to_vec()).collect();
    assert_eq!(deps, [vec![0], vec![0, 1], vec![0, 1, 2], vec![0, 2]]);
    for (f, info) in fs.iter().enumerate() {
        assert_eq!(info.parents.ids(), &[f], "B_dependencies [[0], [1], [2]]");
    }
}

#[test]
fn likelihoods_match_pymdp() {
    let m = cue_chaining::model::<f64>(&CueChainingParams::default()).expect("model");
    let (cue1, start) = (idx(2, 0), idx(0, 0));
    let cue2 = [idx(0, 2), idx(1, 3), idx(3, 3), idx(4, 2)];
    let (top, bottom) = (idx(1, 5), idx(3, 5));
    // A[0] identity.
    for loc in 0..35 {
        for o in 0..35 {
            assert_eq!(m.a_entry(0, o, loc), f64::from(u8::from(o == loc)));
        }
    }
    // A[1][o, loc, c2]: at cue 1, outcome 1 + c2; elsewhere Null.
    for loc in 0..35 {
        for c2 in 0..4 {
            let o = if loc == cue1 { 1 + c2 } else { NULL };
            assert_eq!(m.a_entry(1, o, loc * 4 + c2), 1.0, "A[1][{o}, {loc}, {c2}]");
        }
    }
    assert_eq!(m.a_entry(1, 0, start * 4), 1.0);
    // A[2][o, loc, c2, r]: at the active cue-2 cell, 1 + r; elsewhere (and at the other
    // candidates) Null.
    for loc in 0..35 {
        for (c2, &cell) in cue2.iter().enumerate() {
            for r in 0..2 {
                let o = if loc == cell { 1 + r } else { NULL };
                assert_eq!(m.a_entry(2, o, (loc * 4 + c2) * 2 + r), 1.0);
            }
        }
    }
    assert_eq!(
        m.a_entry(2, 0, (cue2[0] * 4 + 1) * 2),
        1.0,
        "mismatched cue-2 state"
    );
    // A[3][o, loc, r]: Cheese at the condition's cell, Shock at the other.
    assert_eq!(m.a_entry(3, CHEESE, top * 2), 1.0);
    assert_eq!(m.a_entry(3, SHOCK, top * 2 + 1), 1.0);
    assert_eq!(m.a_entry(3, SHOCK, bottom * 2), 1.0);
    assert_eq!(m.a_entry(3, CHEESE, bottom * 2 + 1), 1.0);
    for loc in (0..35).filter(|&l| l != top && l != bottom) {
        assert_eq!(m.a_entry(3, NULL, loc * 2), 1.0);
        assert_eq!(m.a_entry(3, NULL, loc * 2 + 1), 1.0);
    }
    // C zero, D one-hot start and uniform context.
    assert!(m.c().iter().all(|&c| c == 0.0));
    let mut d0 = [0.0; 35];
    d0[start] = 1.0;
    assert_eq!(m.d().factor(0), &d0);
    assert_eq!(m.d().factor(1), &[0.25; 4]);
    assert_eq!(m.d().factor(2), &[0.5; 2]);
}

#[test]
fn transitions_match_pymdp() {
    let m = cue_chaining::model::<f64>(&CueChainingParams::default()).expect("model");
    for r in 0..ROWS {
        for c in 0..COLS {
            let from = idx(r, c);
            let expect = [
                (UP, idx(r.saturating_sub(1), c)),
                (DOWN, idx((r + 1).min(ROWS - 1), c)),
                (LEFT, idx(r, c.saturating_sub(1))),
                (RIGHT, idx(r, (c + 1).min(COLS - 1))),
                (STAY, from),
            ];
            for (u, to) in expect {
                for next in 0..35 {
                    assert_eq!(
                        m.b_entry(0, next, from, u),
                        f64::from(u8::from(next == to)),
                        "B[0][{next}, {from}, {u}]"
                    );
                }
            }
        }
    }
    // Spot checks of the order UP, DOWN, LEFT, RIGHT, STAY and of the clamping.
    assert_eq!(m.b_entry(0, idx(1, 3), idx(2, 3), 0), 1.0); // UP
    assert_eq!(m.b_entry(0, idx(3, 3), idx(2, 3), 1), 1.0); // DOWN
    assert_eq!(m.b_entry(0, idx(2, 2), idx(2, 3), 2), 1.0); // LEFT
    assert_eq!(m.b_entry(0, idx(2, 4), idx(2, 3), 3), 1.0); // RIGHT
    assert_eq!(m.b_entry(0, idx(0, 0), idx(0, 0), UP), 1.0);
    assert_eq!(m.b_entry(0, idx(4, 6), idx(4, 6), DOWN), 1.0);
    assert_eq!(m.b_entry(0, idx(4, 6), idx(4, 6), RIGHT), 1.0);
    // Cue-2 state and reward condition: identity.
    for s in 0..4 {
        for n in 0..4 {
            assert_eq!(m.b_entry(1, n, s, 0), f64::from(u8::from(n == s)));
        }
    }
    for s in 0..2 {
        for n in 0..2 {
            assert_eq!(m.b_entry(2, n, s, 0), f64::from(u8::from(n == s)));
        }
    }
}

#[test]
fn agent_visits_cue1_then_cue2_then_the_cheese() {
    for (cue2, reward) in [(1, 0), (2, 1)] {
        let ep = example::run(0, Some(cue2), Some(reward), 16).expect("episode");
        let seen_cue1 = ep.first_seen(1).expect("saw cue 1");
        let seen_cue2 = ep.first_seen(2).expect("saw cue 2");
        assert!(seen_cue1 < seen_cue2, "cue 1 before cue 2");
        assert_eq!(
            ep.outcome(),
            Some(CHEESE),
            "{cue2} {reward}: {:?}",
            ep.steps
        );
        assert!(seen_cue2 < ep.steps.len() - 1);
        let last = ep.steps.last().expect("steps");
        assert_eq!(
            last.location,
            cell_index(ep.params.reward[reward]).expect("cell")
        );
        assert!(last.reward_belief[reward] > 0.99);
        assert!(last.cue2_belief[cue2] > 0.99);
    }
}

#[test]
fn environment_samples_the_process() {
    let env = CueChainingEnv::<f64>::new(CueChainingParams::default(), None, None).expect("env");
    let mut rng = SmallRng::seed_from_u64(3);
    let mut seen = [[0usize; 2]; 4];
    for _ in 0..200 {
        let (state, obs) = env.reset(&mut rng);
        assert_eq!(state[0], 0);
        assert_eq!(obs, [0, 0, 0, 0]);
        seen[state[1]][state[2]] += 1;
    }
    assert!(seen.iter().flatten().all(|&n| n > 0), "uniform context");
    let env =
        CueChainingEnv::<f64>::new(CueChainingParams::default(), Some(3), Some(0)).expect("env");
    let (mut s, _) = env.reset(&mut rng);
    let mut obs = [0; 4];
    for u in [DOWN, DOWN, DOWN, DOWN, RIGHT, RIGHT] {
        obs = env.step(&mut s, &[u, 0, 0], &mut rng).expect("step");
    }
    assert_eq!(obs, [idx(4, 2), 0, 1, 0], "L4 at (4, 2): reward on top");
}

#[test]
fn bad_input_is_a_typed_error() {
    let p = CueChainingParams::default();
    let e = CueChainingEnv::<f64>::new(p, Some(4), None).unwrap_err();
    assert_eq!(e.problem, Problem::OutOfRange { value: 4, len: 4 });
    let e = CueChainingEnv::<f64>::new(p, None, Some(2)).unwrap_err();
    assert_eq!(e.problem, Problem::OutOfRange { value: 2, len: 2 });
    let e = cue_chaining::model::<f64>(&CueChainingParams { cue1: (5, 0), ..p }).unwrap_err();
    assert_eq!(e.problem, Problem::OutOfRange { value: 5, len: 5 });
    let e = cue_chaining::model::<f64>(&CueChainingParams {
        cue2: [(0, 2), (1, 7), (3, 3), (4, 2)],
        ..p
    })
    .unwrap_err();
    assert_eq!(e.problem, Problem::OutOfRange { value: 7, len: 7 });
    let e = cue_chaining::model::<f64>(&CueChainingParams {
        reward: [(1, 5), (1, 5)],
        ..p
    })
    .unwrap_err();
    assert_eq!(e.tensor, Tensor::A);
    let env = CueChainingEnv::<f64>::new(p, None, None).expect("env");
    let mut rng = SmallRng::seed_from_u64(0);
    let (mut s, _) = env.reset(&mut rng);
    assert!(env.step(&mut s, &[5, 0, 0], &mut rng).is_err());
    assert!(env.step(&mut s, &[0, 1, 0], &mut rng).is_err());
    assert!(check_state::<CueChaining>(&[35, 0, 0]).is_err());
    let mut bad = [35, 0, 0];
    assert!(env.step(&mut bad, &[STAY, 0, 0], &mut rng).is_err());
    assert_eq!(bad, [35, 0, 0]);
    assert!(cell_index((0, 7)).is_err());
}
