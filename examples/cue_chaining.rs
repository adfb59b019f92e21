//! An active-inference agent in pymdp's cue-chaining grid world.
//!
//! Cue 1 (at `(2, 0)`) tells which of four cells holds cue 2; cue 2 tells whether the cheese
//! is in the top `(1, 5)` or the bottom `(3, 5)` reward cell (the other one shocks). The
//! agent has pymdp's demo preferences (`C[reward] = [0, 3, −6]`) and plans four moves ahead
//! (625 policies): it walks to cue 1, then to the cue-2 cell cue 1 named, then to the cheese.
//!
//! Prints each step (where the agent is, what it sees, its belief about the cue-2 cell and the
//! reward condition); `--svg FILE` draws the grid, the path and the beliefs over time.
//!
//! `cargo run --release --example cue_chaining -- [--seed S] [--cue2 0..3] [--reward 0|1]
//! [--svg FILE]`

use actinf::envs::Env;
use actinf::envs::cue_chaining::{
    self, ACTION_NAMES, CHEESE, COLS, CUE1_OBS_NAMES, CUE2_NAMES, CUE2_OBS_NAMES, CueChaining,
    CueChainingEnv, CueChainingParams, NULL, REWARD_CONDITION_NAMES, REWARD_OBS_NAMES, ROWS,
    Reward, cell_of,
};
use actinf::{Agent, Config};
use rand::{SeedableRng, rngs::SmallRng};

/// One step of an episode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The agent's cell (location index).
    pub location: usize,
    /// What it saw there: `[location, cue 1, cue 2, reward]`.
    pub obs: [usize; 4],
    /// Its belief over the cue-2 state after seeing it.
    pub cue2_belief: [f64; 4],
    /// Its belief over the reward condition after seeing it.
    pub reward_belief: [f64; 2],
    /// The move it chose (`None` on the last step, when the episode ended).
    pub action: Option<usize>,
}

/// An episode.
#[derive(Clone, Debug, PartialEq)]
pub struct Episode {
    /// The layout.
    pub params: CueChainingParams,
    /// The true cue-2 state.
    pub cue2_state: usize,
    /// The true reward condition.
    pub reward_condition: usize,
    /// The steps, the first at the start cell.
    pub steps: Vec<Step>,
}

impl Episode {
    /// The reward outcome that ended the episode, if any (`CHEESE` or `SHOCK`).
    pub fn outcome(&self) -> Option<usize> {
        self.steps.last().map(|s| s.obs[3]).filter(|&o| o != NULL)
    }

    /// The first step at which the agent saw `modality` give a non-null outcome.
    pub fn first_seen(&self, modality: usize) -> Option<usize> {
        self.steps.iter().position(|s| s.obs[modality] != NULL)
    }
}

/// Runs one episode of at most `max_steps` moves: `cue2_state` and `reward_condition` fix the
/// hidden context (`None`: drawn from `seed`). The episode ends at a reward cell.
pub fn run(
    seed: u64,
    cue2_state: Option<usize>,
    reward_condition: Option<usize>,
    max_steps: usize,
) -> Result<Episode, actinf::Error> {
    let params = CueChainingParams::default();
    let env = CueChainingEnv::<f64>::new(params, cue2_state, reward_condition)?;
    let model = cue_chaining::model::<f64>(&params)?.with_c::<Reward>(&[0.0, 3.0, -6.0])?;
    let agent = Agent::<f64, CueChaining, 4, 625>::new(model, Config::default())?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let (mut state, mut obs) = env.reset(&mut rng);
    let mut episode = Episode {
        params,
        cue2_state: state[1],
        reward_condition: state[2],
        steps: Vec::new(),
    };
    let mut prior = agent.initial_prior();
    for t in 0..=max_steps {
        let qs = agent.infer_states(&[obs], &prior)?;
        let mut step = Step {
            location: state[0],
            obs,
            cue2_belief: qs[0].factor(1).try_into().unwrap_or_default(),
            reward_belief: qs[0].factor(2).try_into().unwrap_or_default(),
            action: None,
        };
        if obs[3] != NULL || t == max_steps {
            episode.steps.push(step);
            break;
        }
        let (q_pi, _) = agent.infer_policies(&qs)?;
        let action = agent.sample_action(&q_pi, &mut rng)?;
        step.action = Some(action[0][0]);
        episode.steps.push(step);
        prior = agent.update_empirical_prior(&action, &qs)?;
        obs = env.step(&mut state, &action[0], &mut rng)?;
    }
    Ok(episode)
}

/// The grid (cue 1, the cue-2 cells, the reward cells), the agent's path, and its beliefs
/// over the cue-2 state and the reward condition at each step, as SVG text.
pub fn svg(ep: &Episode) -> String {
    let cell = 56.0;
    let (gx, gy) = (20.0, 40.0);
    let grid_w = cell * COLS as f64;
    let grid_h = cell * ROWS as f64;
    let n = ep.steps.len().max(1);
    let bx = gx + grid_w + 60.0; // beliefs panel
    let bw = 22.0;
    let width = bx + 40.0 + bw * n as f64 + 20.0;
    let height = gy + grid_h + 40.0;
    let centre = |loc: usize| {
        let (r, c) = cell_of(loc).unwrap_or((0, 0));
        (gx + cell * (c as f64 + 0.5), gy + cell * (r as f64 + 0.5))
    };
    let p = &ep.params;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{gx}\" y=\"24\">cue chaining: cue-2 at {}, cheese {} — {}</text>\n",
        CUE2_NAMES[ep.cue2_state],
        REWARD_CONDITION_NAMES[ep.reward_condition],
        match ep.outcome() {
            Some(CHEESE) => "found the cheese",
            Some(_) => "shocked",
            None => "no reward reached",
        }
    );
    // Cells.
    for r in 0..ROWS {
        for c in 0..COLS {
            let (x, y) = (gx + cell * c as f64, gy + cell * r as f64);
            let mut fill = "#ffffff";
            let mut label = String::new();
            if (r, c) == p.cue1 {
                fill = "#fde68a";
                label = "cue 1".into();
            }
            if let Some(k) = p.cue2.iter().position(|&q| q == (r, c)) {
                fill = if k == ep.cue2_state {
                    "#fcd34d"
                } else {
                    "#fef3c7"
                };
                label = CUE2_NAMES[k].into();
            }
            if let Some(k) = p.reward.iter().position(|&q| q == (r, c)) {
                let cheese = k == ep.reward_condition;
                fill = if cheese { "#bbf7d0" } else { "#fecaca" };
                label = (if cheese { "cheese" } else { "shock" }).into();
            }
            if (r, c) == p.start {
                label = "start".into();
            }
            s += &format!(
                "<rect class=\"cell\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" \
                 fill=\"{fill}\" stroke=\"#999999\"/>\n"
            );
            if !label.is_empty() {
                s += &format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">\
                     {label}</text>\n",
                    x + cell / 2.0,
                    y + 12.0
                );
            }
        }
    }
    // Path.
    let pts: Vec<String> = ep
        .steps
        .iter()
        .map(|st| {
            let (x, y) = centre(st.location);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    s += &format!(
        "<polyline class=\"path\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"3\" \
         stroke-linejoin=\"round\" points=\"{}\"/>\n",
        pts.join(" ")
    );
    for (t, st) in ep.steps.iter().enumerate() {
        let (x, y) = centre(st.location);
        s += &format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#1f77b4\"><title>t={t}</title>\
             </circle>\n"
        );
    }
    // Beliefs: one column per step, one row per cue-2 state then per reward condition.
    let rows: Vec<(String, Vec<f64>)> = (0..4)
        .map(|k| {
            (
                format!("cue 2 {}", CUE2_NAMES[k]),
                ep.steps.iter().map(|st| st.cue2_belief[k]).collect(),
            )
        })
        .chain((0..2).map(|k| {
            (
                format!("reward {}", REWARD_CONDITION_NAMES[k]),
                ep.steps.iter().map(|st| st.reward_belief[k]).collect(),
            )
        }))
        .collect();
    let rh = 26.0;
    s += &format!(
        "<text x=\"{bx:.1}\" y=\"{:.1}\">belief over the hidden context (step →)</text>\n",
        gy - 8.0
    );
    s += "<g class=\"belief\">\n";
    for (i, (name, values)) in rows.iter().enumerate() {
        let y = gy + i as f64 * rh + if i >= 4 { 12.0 } else { 0.0 };
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\">{name}</text>\n",
            bx + 36.0,
            y + rh / 2.0 + 4.0
        );
        for (t, &v) in values.iter().enumerate() {
            s += &format!(
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bw}\" height=\"{rh}\" fill=\"#1f77b4\" \
                 fill-opacity=\"{:.3}\" stroke=\"#dddddd\"><title>t={t}: {v:.3}</title></rect>\n",
                bx + 40.0 + bw * t as f64,
                v.clamp(0.0, 1.0)
            );
        }
    }
    s += "</g>\n</svg>\n";
    s
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut seed, mut cue2, mut reward, mut svg_file) = (0u64, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => seed = args.next().ok_or("--seed needs a value")?.parse()?,
            "--cue2" => cue2 = Some(args.next().ok_or("--cue2 needs a value")?.parse()?),
            "--reward" => reward = Some(args.next().ok_or("--reward needs a value")?.parse()?),
            "--svg" => svg_file = Some(args.next().ok_or("--svg needs a file name")?),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let ep = run(seed, cue2, reward, 16)?;
    println!(
        "cue 2 at {} {:?}, cheese {} {:?}",
        CUE2_NAMES[ep.cue2_state],
        ep.params.cue2[ep.cue2_state],
        REWARD_CONDITION_NAMES[ep.reward_condition],
        ep.params.reward[ep.reward_condition]
    );
    for (t, st) in ep.steps.iter().enumerate() {
        let c2 = st.cue2_belief.map(|p| format!("{p:.2}")).join(" ");
        let rw = st.reward_belief.map(|p| format!("{p:.2}")).join(" ");
        println!(
            "t={t:<2} at {:?}  cue1 {:<5} cue2 {:<16} reward {:<6} | cue2 [{c2}] reward [{rw}] | {}",
            cell_of(st.location).unwrap_or_default(),
            CUE1_OBS_NAMES[st.obs[1]],
            CUE2_OBS_NAMES[st.obs[2]],
            REWARD_OBS_NAMES[st.obs[3]],
            st.action.map_or("end", |a| ACTION_NAMES[a]),
        );
    }
    if let Some(file) = svg_file {
        std::fs::write(&file, svg(&ep))?;
        println!("wrote {file}");
    }
    Ok(())
}
