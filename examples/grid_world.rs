//! An active-inference agent finding its way to a goal on a 5×5 grid with walls (pymdp's
//! `GridWorld`).
//!
//! The agent knows the grid (its model is the environment's `A`, `B`), prefers cells close to
//! the goal (`C[s] = −(steps from s to the goal)`), and plans 3 moves ahead (125 policies).
//! Moves slip: each succeeds with probability 0.8, otherwise the agent stays where it is, so
//! before each observation its belief about its location is spread between where it meant
//! to go and where it was.
//!
//! Prints the grid at every step and the belief about the location; with `--svg FILE` also
//! writes a picture: the grid, walls, goal and path, and a strip of heat maps of the
//! predicted location (`q(s_t)` before seeing `o_t`) over time.
//!
//! `cargo run --release --example grid_world -- [--svg grid.svg] [seed]`

use std::collections::VecDeque;
use std::fmt::Write as _;

use actinf::envs::Env;
use actinf::envs::grid_world::{self, ACTION_NAMES, Grid5x5, GridWorld, grid5x5::Seen};
use actinf::{Agent, Config};
use rand::{SeedableRng, rngs::SmallRng};

/// Grid size.
pub const ROWS: usize = 5;
/// Grid size.
pub const COLS: usize = 5;
/// The walls: a barrier the agent must go around.
pub const WALLS: [(usize, usize); 5] = [(0, 2), (1, 2), (2, 2), (2, 3), (4, 3)];
/// Where the agent starts.
pub const START: (usize, usize) = (0, 0);
/// The goal cell.
pub const GOAL: (usize, usize) = (4, 4);
/// Probability that a move succeeds.
pub const SUCCESS_PROB: f64 = 0.8;

/// The grid of this example.
pub fn grid() -> GridWorld<'static> {
    GridWorld::new(ROWS, COLS)
        .walls(&WALLS)
        .start(START.0, START.1)
        .success_prob(SUCCESS_PROB)
}

/// What happened in one episode.
#[derive(Clone, Debug)]
pub struct Trajectory {
    /// The true cell at each step (`cells[0]` the start).
    pub cells: Vec<usize>,
    /// The action taken at each step (one fewer than `cells`).
    pub actions: Vec<usize>,
    /// The predicted location before each observation (`q(s_t | o_<t)`; `D` at step 0).
    pub predicted: Vec<Vec<f64>>,
    /// The belief about the location after each observation.
    pub posterior: Vec<Vec<f64>>,
}

/// Steps from every cell to the goal around the walls (`usize::MAX` if unreachable).
pub fn distances(grid: &GridWorld<'_>, goal: usize) -> Vec<usize> {
    let mut dist = vec![usize::MAX; grid.cells()];
    let mut queue = VecDeque::from([goal]);
    dist[goal] = 0;
    while let Some(s) = queue.pop_front() {
        for a in [
            grid_world::UP,
            grid_world::RIGHT,
            grid_world::DOWN,
            grid_world::LEFT,
        ] {
            // Moves are reversible on a grid, so a neighbour of `s` reaches `s` in one move.
            let t = grid.target(s, a);
            if dist[t] == usize::MAX {
                dist[t] = dist[s] + 1;
                queue.push_back(t);
            }
        }
    }
    dist
}

/// Runs one episode of at most `max_steps` moves (stopping at the goal).
pub fn run(seed: u64, max_steps: usize) -> Result<Trajectory, actinf::Error> {
    let grid = grid();
    let goal = grid.index(GOAL.0, GOAL.1);
    let dist = distances(&grid, goal);
    let c: [f64; ROWS * COLS] = core::array::from_fn(|s| match dist[s] {
        usize::MAX => -10.0,
        d => -(d as f64),
    });
    let model = grid_world::model::<f64, Grid5x5>(&grid)?.with_c::<Seen>(&c)?;
    let agent = Agent::<f64, Grid5x5, 3, 125>::new(model, Config::default())?;
    let env = grid_world::env::<f64, Grid5x5>(&grid)?;
    let mut rng = SmallRng::seed_from_u64(seed);

    let (mut cell, mut obs) = env.reset(&mut rng);
    let mut prior = agent.initial_prior();
    let mut out = Trajectory {
        cells: vec![cell[0]],
        actions: Vec::new(),
        predicted: Vec::new(),
        posterior: Vec::new(),
    };
    for _ in 0..=max_steps {
        let qs = agent.infer_states(&[obs], &prior)?;
        out.predicted.push(prior[0].factor(0).to_vec());
        out.posterior.push(qs[0].factor(0).to_vec());
        if cell[0] == goal || out.actions.len() == max_steps {
            break;
        }
        let (q_pi, _) = agent.infer_policies(&qs)?;
        let action = agent.sample_action(&q_pi, &mut rng)?;
        prior = agent.update_empirical_prior(&action, &qs)?;
        obs = env.step(&mut cell, &action[0], &mut rng)?;
        out.actions.push(action[0][0]);
        out.cells.push(cell[0]);
    }
    Ok(out)
}

/// The grid as text: `#` walls, `G` the goal, `A` the agent, `*` cells visited so far.
#[allow(dead_code)]
fn ascii(grid: &GridWorld<'_>, visited: &[usize], here: usize) -> String {
    let mut s = String::new();
    for r in 0..grid.rows {
        for c in 0..grid.cols {
            let i = grid.index(r, c);
            let ch = if i == here {
                'A'
            } else if (r, c) == GOAL {
                'G'
            } else if grid.is_wall(r, c) {
                '#'
            } else if visited.contains(&i) {
                '*'
            } else {
                '.'
            };
            s.push(ch);
            s.push(' ');
        }
        s.push('\n');
    }
    s
}

/// A picture of the episode: the grid (walls, goal, start) with the path as a polyline
/// (`id="path"`), and below it one small heat map per step of the predicted location.
pub fn svg(grid: &GridWorld<'_>, traj: &Trajectory) -> String {
    const CELL: usize = 48;
    const MINI: usize = 9;
    const PAD: usize = 16;
    let (rows, cols) = (grid.rows, grid.cols);
    let board_w = cols * CELL;
    let mini_w = cols * MINI;
    let steps = traj.predicted.len();
    let per_row = (board_w + PAD + 4 * CELL) / (mini_w + 8);
    let strip_rows = steps.div_ceil(per_row.max(1));
    let width = PAD * 2 + board_w + PAD + 4 * CELL;
    let height = PAD * 2 + rows * CELL + 40 + strip_rows * (rows * MINI + 22);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        s,
        r#"<rect width="{width}" height="{height}" fill="white"/>"#
    );
    // The board.
    let _ = writeln!(s, r#"<g id="board" transform="translate({PAD},{PAD})">"#);
    for r in 0..rows {
        for c in 0..cols {
            let fill = if grid.is_wall(r, c) {
                "#444"
            } else if (r, c) == GOAL {
                "#8fd18f"
            } else {
                "#f4f4f4"
            };
            let _ = writeln!(
                s,
                r##"<rect class="cell" x="{}" y="{}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="#bbb"/>"##,
                c * CELL,
                r * CELL
            );
        }
    }
    let centre = |i: usize| {
        let (r, c) = grid.coords(i);
        (c * CELL + CELL / 2, r * CELL + CELL / 2)
    };
    let (gx, gy) = centre(grid.index(GOAL.0, GOAL.1));
    let _ = writeln!(
        s,
        r#"<text x="{gx}" y="{}" text-anchor="middle" font-weight="bold">goal</text>"#,
        gy + 4
    );
    let points: Vec<String> = traj
        .cells
        .iter()
        .map(|&i| {
            let (x, y) = centre(i);
            format!("{x},{y}")
        })
        .collect();
    let _ = writeln!(
        s,
        r##"<polyline id="path" points="{}" fill="none" stroke="#d03030" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>"##,
        points.join(" ")
    );
    if let (Some(&first), Some(&last)) = (traj.cells.first(), traj.cells.last()) {
        let (x, y) = centre(first);
        let _ = writeln!(
            s,
            r##"<circle id="start" cx="{x}" cy="{y}" r="8" fill="#3060d0"/>"##
        );
        let (x, y) = centre(last);
        let _ = writeln!(
            s,
            r##"<circle id="end" cx="{x}" cy="{y}" r="6" fill="#d03030"/>"##
        );
    }
    s.push_str("</g>\n");
    // Legend.
    let lx = PAD + board_w + PAD;
    let _ = writeln!(
        s,
        r#"<g id="legend" transform="translate({lx},{PAD})"><text y="14">{} steps, {} moves</text><text y="32">moves succeed w.p. {SUCCESS_PROB}</text><text y="50">blue: start, red: path</text><text y="68">dark: walls, green: goal</text></g>"#,
        steps,
        traj.actions.len()
    );
    // The belief strip.
    let top = PAD + rows * CELL + 30;
    let _ = writeln!(
        s,
        r#"<text x="{PAD}" y="{}">predicted location q(s_t) before o_t, per step</text>"#,
        top - 8
    );
    let _ = writeln!(s, r#"<g id="beliefs" transform="translate({PAD},{top})">"#);
    for (t, q) in traj.predicted.iter().enumerate() {
        let (bx, by) = (
            (t % per_row.max(1)) * (mini_w + 8),
            (t / per_row.max(1)) * (rows * MINI + 22),
        );
        let _ = writeln!(
            s,
            r#"<g class="belief" transform="translate({bx},{by})"><text x="0" y="10" font-size="9">t={t}</text>"#
        );
        for (i, &p) in q.iter().enumerate() {
            let (r, c) = grid.coords(i);
            let fill = if grid.is_wall(r, c) {
                "#444".to_string()
            } else {
                // White (0) to dark blue (1).
                let k = (255.0 * (1.0 - p.clamp(0.0, 1.0))).round() as u8;
                format!("rgb({k},{k},255)")
            };
            let _ = writeln!(
                s,
                r#"<rect x="{}" y="{}" width="{MINI}" height="{MINI}" fill="{fill}"><title>{p:.3}</title></rect>"#,
                c * MINI,
                14 + r * MINI
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n</svg>\n");
    s
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut svg_path, mut seed) = (None, 3);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--svg" => svg_path = Some(args.next().ok_or("--svg needs a file name")?),
            other => seed = other.parse()?,
        }
    }
    let grid = grid();
    let traj = run(seed, 20)?;
    for (t, &cell) in traj.cells.iter().enumerate() {
        let q = &traj.posterior[t];
        let best = (0..q.len())
            .max_by(|&a, &b| q[a].total_cmp(&q[b]))
            .unwrap_or(0);
        let predicted = traj.predicted[t][cell];
        println!(
            "t={t}: at {:?}; believes {:?} (q = {:.2}); had predicted this cell w.p. {predicted:.2}",
            grid.coords(cell),
            grid.coords(best),
            q[best],
        );
        print!("{}", ascii(&grid, &traj.cells[..=t], cell));
        match traj.actions.get(t) {
            Some(&a) => println!("→ {}\n", ACTION_NAMES[a]),
            None => println!(),
        }
    }
    let goal = grid.index(GOAL.0, GOAL.1);
    match traj.cells.last() {
        Some(&c) if c == goal => println!("reached the goal in {} moves", traj.actions.len()),
        _ => println!("did not reach the goal in {} moves", traj.actions.len()),
    }
    if let Some(path) = svg_path {
        std::fs::write(&path, svg(&grid, &traj))?;
        println!("wrote {path}");
    }
    Ok(())
}
