//! An active-inference thermostat against a bang-bang controller, in the same room.
//!
//! The room ([`ThermostatEnv`]) leaks heat toward an outside temperature that follows a daily
//! cycle and the weather; the thermometer reads the temperature band (five bands, 2 °C wide,
//! set point 20 °C) right 80 % of the time, one band off otherwise. The agent plans three
//! actions ahead with a simpler model (symmetric drift, no outside temperature) and filters
//! the readings through its beliefs; the bang-bang controller acts on each raw reading. Both
//! see the same weather, disturbances and sensor noise (one random stream each, same seed).
//!
//! Prints, for both, the share of steps within one band of the set point and the number of
//! switches (action changes).
//!
//! `cargo run --release --example thermostat -- [--steps N] [--seed S] [--svg FILE]`

use actinf::envs::Env;
use actinf::envs::thermostat::{
    self, BangBang, NUM_BANDS, SET_POINT, Thermostat, ThermostatEnv, ThermostatParams,
};
use actinf::{Agent, Config};
use rand::{SeedableRng, rngs::SmallRng};

/// One controller's run.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Room temperature before each action (°C).
    pub room: Vec<f64>,
    /// True band before each action.
    pub band: Vec<usize>,
    /// The reading the controller saw.
    pub reading: Vec<usize>,
    /// The action taken.
    pub action: Vec<usize>,
}

impl Trace {
    /// Share of steps whose true band is within one band of the set point.
    pub fn within_one(&self) -> f64 {
        let n = self
            .band
            .iter()
            .filter(|b| b.abs_diff(SET_POINT) <= 1)
            .count();
        n as f64 / self.band.len().max(1) as f64
    }

    /// Number of action changes.
    pub fn switches(&self) -> usize {
        self.action.windows(2).filter(|w| w[0] != w[1]).count()
    }
}

/// Both runs, and the outside temperature they shared.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The active-inference agent.
    pub agent: Trace,
    /// The bang-bang controller.
    pub bang_bang: Trace,
    /// Outside temperature at each step (°C).
    pub outside: Vec<f64>,
    /// The room's physics.
    pub params: ThermostatParams,
}

/// Runs both controllers for `steps` steps with environment seed `seed`.
pub fn run(steps: usize, seed: u64) -> Result<Run, actinf::Error> {
    let params = ThermostatParams::default();
    let env = ThermostatEnv::<f64>::new(params)?;
    let agent = Agent::<f64, Thermostat, 3, 27>::new(thermostat::model()?, Config::default())?;
    let mut out = Run {
        params,
        ..Run::default()
    };

    // The agent.
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut agent_rng = SmallRng::seed_from_u64(seed ^ 0x5eed);
    let (mut state, mut obs) = env.reset(&mut rng);
    let mut prior = agent.initial_prior();
    for _ in 0..steps {
        let qs = agent.infer_states(&[obs], &prior)?;
        let (q_pi, _) = agent.infer_policies(&qs)?;
        let action = agent.sample_action(&q_pi, &mut agent_rng)?;
        prior = agent.update_empirical_prior(&action, &qs)?;
        record(&mut out.agent, &env, &state, obs[0], action[0][0]);
        out.outside.push(state.outside);
        obs = env.step(&mut state, &action[0], &mut rng)?;
    }

    // The bang-bang controller, same random stream for the room.
    let controller = BangBang::default();
    let mut rng = SmallRng::seed_from_u64(seed);
    let (mut state, mut obs) = env.reset(&mut rng);
    for _ in 0..steps {
        let action = controller.act(obs[0]);
        record(&mut out.bang_bang, &env, &state, obs[0], action);
        obs = env.step(&mut state, &[action], &mut rng)?;
    }
    Ok(out)
}

fn record(
    trace: &mut Trace,
    env: &ThermostatEnv<f64>,
    state: &thermostat::ThermostatState,
    reading: usize,
    action: usize,
) {
    trace.room.push(state.room);
    trace.band.push(env.band(state));
    trace.reading.push(reading);
    trace.action.push(action);
}

/// The temperature traces (agent, bang-bang, outside) with the set point and the bands, as
/// SVG text.
pub fn svg(run: &Run) -> String {
    let (w, h, margin) = (900.0, 360.0, 50.0);
    let n = run.agent.room.len().max(2);
    let all = run
        .agent
        .room
        .iter()
        .chain(&run.bang_bang.room)
        .chain(&run.outside);
    let (mut lo, mut hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
        (lo.min(x), hi.max(x))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 30.0);
    }
    let (lo, hi) = ((lo - 1.0).floor(), (hi + 1.0).ceil());
    let x = |t: usize| margin + (w - 2.0 * margin) * t as f64 / (n - 1) as f64;
    let y = |temp: f64| h - margin - (h - 2.0 * margin) * (temp - lo) / (hi - lo);
    let polyline = |data: &[f64], class: &str, colour: &str| {
        let pts: Vec<String> = data
            .iter()
            .enumerate()
            .map(|(t, &v)| format!("{:.1},{:.1}", x(t), y(v)))
            .collect();
        format!(
            "<polyline class=\"{class}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.2\" \
             points=\"{}\"/>\n",
            pts.join(" ")
        )
    };
    let p = &run.params;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n"
    );
    // The band within one of the set point, shaded.
    let (band_lo, band_hi) = (
        p.set_point - 1.5 * p.band_width,
        p.set_point + 1.5 * p.band_width,
    );
    s += &format!(
        "<rect class=\"within-one\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
         fill=\"#e8f4e8\"/>\n",
        x(0),
        y(band_hi.min(hi)),
        x(n - 1) - x(0),
        y(band_lo.max(lo)) - y(band_hi.min(hi)),
    );
    s += &format!(
        "<line class=\"set-point\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
         stroke=\"black\" stroke-dasharray=\"6 4\"/>\n",
        x(0),
        y(p.set_point),
        x(n - 1),
        y(p.set_point)
    );
    s += &polyline(&run.outside, "outside", "#888888");
    s += &polyline(&run.bang_bang.room, "bang-bang", "#d62728");
    s += &polyline(&run.agent.room, "agent", "#1f77b4");
    // Axes and labels.
    s += &format!(
        "<line x1=\"{m}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"black\"/>\n\
         <line x1=\"{m}\" y1=\"{m}\" x2=\"{m}\" y2=\"{b}\" stroke=\"black\"/>\n",
        m = margin,
        b = h - margin,
        r = w - margin
    );
    let mut temp = lo;
    while temp <= hi {
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{temp:.0}</text>\n",
            margin - 4.0,
            y(temp) + 4.0
        );
        temp += 5.0;
    }
    s += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">step (0–{})</text>\n",
        w / 2.0,
        h - 15.0,
        n - 1
    );
    s += &format!(
        "<text x=\"{:.1}\" y=\"30\">°C — agent (blue): {:.1} % within one band, {} switches; \
         bang-bang (red): {:.1} %, {} switches; outside (grey); set point {} °C (dashed)</text>\n",
        margin,
        100.0 * run.agent.within_one(),
        run.agent.switches(),
        100.0 * run.bang_bang.within_one(),
        run.bang_bang.switches(),
        p.set_point
    );
    s += "</svg>\n";
    s
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut steps, mut seed, mut svg_file) = (500usize, 0u64, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--steps" => steps = args.next().ok_or("--steps needs a value")?.parse()?,
            "--seed" => seed = args.next().ok_or("--seed needs a value")?.parse()?,
            "--svg" => svg_file = Some(args.next().ok_or("--svg needs a file name")?),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let r = run(steps, seed)?;
    println!("{steps} steps, seed {seed}, {NUM_BANDS} bands, set point {SET_POINT}:");
    for (name, t) in [("active inference", &r.agent), ("bang-bang", &r.bang_bang)] {
        println!(
            "  {name:<17} within one band of the set point {:5.1} %   switches {:4}",
            100.0 * t.within_one(),
            t.switches()
        );
    }
    if let Some(file) = svg_file {
        std::fs::write(&file, svg(&r))?;
        println!("wrote {file}");
    }
    Ok(())
}
