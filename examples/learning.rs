//! Learning the T-maze's cue online.
//!
//! pymdp's simplified T-maze: four locations, any move possible, the cue seen at the cue
//! location (right 95 % of the time). The agent knows the maze (where it can go, where the
//! reward is in each context) but not what the cue means: its `pA` for the cue location
//! starts flat, `[0, 0, 0, 1, 1]` in either context (it knows it will see *a* cue there, not
//! which one goes with which arm). Novelty — the information
//! it expects to gain about `A` — draws it to the cue; the arm it then visits reveals the
//! context; at the end of each trial it learns from the whole trial, with beliefs smoothed
//! over the trial (OVF), so the context the reward revealed is carried back to the step where
//! it saw the cue. Once the cue means something, the agent follows it and the reward rate
//! rises.
//!
//! Prints, every 20 trials, the KL divergence from the true cue likelihood to the learned one
//! and the reward rate over those trials. With `--svg FILE` it also draws both curves.
//!
//!     cargo run --release --example learning [-- --trials 200 --svg learning.svg]

use actinf::config::ActionSelection;
use actinf::envs::Env;
use actinf::envs::simplified_tmaze::{
    self as maze, CUE, CUED_LEFT, CUED_RIGHT, SimplifiedTMaze, SimplifiedTMazeEnv,
    SimplifiedTMazeParams,
};
use actinf::inference::{Ovf, Window};
use actinf::learn::{Counting, Learning};
use actinf::maths::NoveltyWeight;
use actinf::{Agent, Config, DirichletA, Error};
use rand::{SeedableRng, rngs::SmallRng};

/// Decisions per trial: cue, arm, and one to spare.
const STEPS: usize = 4;
/// The modality that carries the cue and its columns at the cue location (parents
/// `[Location, Context]`, joint index `location · 2 + context`).
const CUE_MODALITY: usize = 0;
const CUE_COLUMNS: [usize; 2] = [CUE * 2, CUE * 2 + 1];

/// What one run measured, trial by trial.
#[derive(Debug, Clone)]
pub struct Curve {
    /// Mean over the two contexts of `KL(true cue column ‖ learned cue column)` after each
    /// trial, in nats.
    pub kl: Vec<f64>,
    /// Whether each trial ended in the reward.
    pub rewarded: Vec<bool>,
    /// The learned probability that the cue points to the rewarded arm, after each trial.
    pub validity: Vec<f64>,
}

impl Curve {
    /// The reward rate over trials `range`.
    pub fn reward_rate(&self, range: core::ops::Range<usize>) -> f64 {
        let n = range.len().max(1) as f64;
        self.rewarded[range].iter().filter(|&&r| r).count() as f64 / n
    }
}

/// `pA` of an agent that knows everything but the cue: the true `A` as concentrations (its
/// other columns are one-hot, and zeros stay zero, so they never change), except at the cue
/// location, `[0, 0, 0, 1, 1]` in either context.
fn flat_cue_prior(
    truth: &actinf::Model<f64, SimplifiedTMaze>,
) -> Result<DirichletA<f64, SimplifiedTMaze>, Error> {
    let pa = |m: usize, o: usize, loc: usize, ctx: usize| {
        let j = loc * 2 + ctx;
        if m == CUE_MODALITY && CUE_COLUMNS.contains(&j) {
            if o == CUED_LEFT || o == CUED_RIGHT {
                1.0
            } else {
                0.0
            }
        } else {
            truth.a_entry(m, o, j)
        }
    };
    let place: [[[f64; 2]; 4]; 5] = core::array::from_fn(|o| {
        core::array::from_fn(|loc| core::array::from_fn(|ctx| pa(0, o, loc, ctx)))
    });
    let reward: [[[f64; 2]; 4]; 3] = core::array::from_fn(|o| {
        core::array::from_fn(|loc| core::array::from_fn(|ctx| pa(1, o, loc, ctx)))
    });
    DirichletA::new(&actinf::list![place, reward])
}

/// `KL(p ‖ q)` of two categorical columns (0 · ln 0 = 0).
fn kl(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(pi, _)| **pi > 0.0)
        .map(|(pi, qi)| pi * (pi / qi).ln())
        .sum()
}

/// Runs `trials` trials with a fixed seed and returns the learning curve.
pub fn run(trials: usize, seed: u64) -> Result<Curve, Error> {
    let params = SimplifiedTMazeParams::default();
    let truth = maze::model::<f64>(params)?;
    let mut pa = flat_cue_prior(&truth)?;
    let rule = Learning::<f64>::new(1.0, 0.0).counting(Counting::Window);
    let config = Config::default()
        .gamma(2.0)
        .alpha(16.0)
        .action_selection(ActionSelection::Stochastic);
    // 4 moves, policies of 2 (cue, then arm): 16 policies. Smoothing (OVF) for learning,
    // novelty from pA.
    let mut agent = Agent::<f64, SimplifiedTMaze, 2, 16>::new(truth.clone(), config)?
        .with_method::<Ovf>()
        .with_novelty_a(&pa, NoveltyWeight::Exact);
    agent.set_parameters(0, Some(&pa), None, None, &rule)?;

    let env = SimplifiedTMazeEnv::<f64>::new(params, None)?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut curve = Curve {
        kl: Vec::with_capacity(trials),
        rewarded: Vec::with_capacity(trials),
        validity: Vec::with_capacity(trials),
    };
    for _ in 0..trials {
        let (mut state, mut obs) = env.reset(&mut rng);
        let mut windows: [Window<f64, SimplifiedTMaze, STEPS>; 1] = agent.initial_windows();
        let mut rewarded = false;
        for t in 0..STEPS {
            agent.observe(&mut windows, &[obs])?;
            agent.filter(&mut windows)?;
            if obs[1] != 0 || t + 1 == STEPS {
                rewarded = obs[1] == 1;
                break;
            }
            let (q_pi, _) = agent.infer_policies(&windows)?;
            let action = agent.sample_action(&q_pi, &mut rng)?;
            agent.act(&mut windows, &action)?;
            obs = env.step(&mut state, &action[0], &mut rng)?;
        }
        // Learn from the whole trial, its beliefs smoothed.
        agent.infer_parameters(0, &windows[0], Some(&mut pa), None, &rule)?;

        let model = agent.model(0);
        let divergence = CUE_COLUMNS
            .iter()
            .map(|&j| kl(truth.column(CUE_MODALITY, j), model.column(CUE_MODALITY, j)))
            .sum::<f64>()
            / 2.0;
        curve.kl.push(divergence);
        curve.rewarded.push(rewarded);
        // P(cued left | left context), P(cued right | right context)
        let validity = 0.5
            * (model.column(CUE_MODALITY, CUE_COLUMNS[0])[CUED_LEFT]
                + model.column(CUE_MODALITY, CUE_COLUMNS[1])[CUED_RIGHT]);
        curve.validity.push(validity);
    }
    Ok(curve)
}

/// The curves as a small standalone SVG: KL (left axis, log scale) and the reward rate over
/// a sliding window of 20 trials (right axis, 0–1), one point per trial.
pub fn svg(curve: &Curve) -> String {
    let (w, h, pad) = (640.0, 360.0, 48.0);
    let n = curve.kl.len().max(2);
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64;
    // log10 KL from 1e-3 to 1e0
    let y_kl = |v: f64| {
        let l = v.max(1e-3).log10().clamp(-3.0, 0.0);
        pad + (h - 2.0 * pad) * (-l / 3.0)
    };
    let y_rate = |v: f64| h - pad - (h - 2.0 * pad) * v;
    let path = |points: Vec<(f64, f64)>| {
        points
            .iter()
            .enumerate()
            .map(|(i, (px, py))| format!("{}{px:.1},{py:.1}", if i == 0 { "M" } else { " L" }))
            .collect::<String>()
    };
    let kl_path = path(
        (0..curve.kl.len())
            .map(|i| (x(i), y_kl(curve.kl[i])))
            .collect(),
    );
    let rate_path = path(
        (0..curve.rewarded.len())
            .map(|i| (x(i), y_rate(curve.reward_rate(i.saturating_sub(19)..i + 1))))
            .collect(),
    );
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"20\" text-anchor=\"middle\">Learning the T-maze cue</text>\n\
         <path d=\"M{pad},{pad} V{} H{}\" fill=\"none\" stroke=\"black\"/>\n\
         <path d=\"M{},{pad} V{}\" fill=\"none\" stroke=\"black\"/>\n",
        w / 2.0,
        h - pad,
        w - pad,
        w - pad,
        h - pad,
    );
    for (k, label) in [(0, "1"), (1, "0.1"), (2, "0.01"), (3, "0.001")] {
        let y = pad + (h - 2.0 * pad) * k as f64 / 3.0;
        s += &format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#c0392b\">{label}</text>\n",
            pad - 4.0,
            y + 4.0
        );
    }
    for v in [0.0, 0.5, 1.0] {
        s += &format!(
            "<text x=\"{}\" y=\"{:.1}\" fill=\"#2471a3\">{v}</text>\n",
            w - pad + 4.0,
            y_rate(v) + 4.0
        );
    }
    s += &format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">trial (0–{})</text>\n\
         <text x=\"{pad}\" y=\"{}\" fill=\"#c0392b\">KL(true ‖ learned cue), nats</text>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#2471a3\">reward rate (last 20)</text>\n\
         <path id=\"kl\" d=\"{kl_path}\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n\
         <path id=\"reward-rate\" d=\"{rate_path}\" fill=\"none\" stroke=\"#2471a3\" stroke-width=\"2\"/>\n\
         </svg>\n",
        w / 2.0,
        h - pad / 2.0 + 6.0,
        n - 1,
        pad - 8.0,
        w - pad,
        pad - 8.0,
    );
    s
}

#[allow(dead_code)] // the convergence test includes this file for `run` and `svg`
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut trials = 200;
    let mut svg_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--trials" => trials = args.next().and_then(|v| v.parse().ok()).unwrap_or(trials),
            "--svg" => svg_path = args.next(),
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let curve = run(trials, 7)?;
    println!("trials   KL(true‖learned)   P(cue is right)   reward rate (last 20)");
    for end in (20..=trials).step_by(20) {
        println!(
            "{end:>6}   {:>16.4}   {:>15.3}   {:>21.2}",
            curve.kl[end - 1],
            curve.validity[end - 1],
            curve.reward_rate(end - 20..end)
        );
    }
    println!("the true cue is right with probability 0.95");
    if let Some(path) = svg_path {
        std::fs::write(&path, svg(&curve))?;
        println!("wrote {path}");
    }
    Ok(())
}
