//! A room thermostat: five temperature bands, a noisy sensor, and a heater/cooler.
//!
//! **The agent's model** ([`model`], spec [`Thermostat`]) is a small discrete POMDP:
//!
//! * one hidden factor, the room's temperature band — [`COLD`], [`CHILLY`], [`COMFORT`] (the
//!   set point, [`SET_POINT`]), [`WARM`], [`HOT`] — controlled by three actions, [`COOL`],
//!   [`OFF`], [`HEAT`];
//! * one modality, the thermometer's reading of the band: right with probability
//!   [`SENSOR_ACCURACY`] (0.8), otherwise one band off (0.1 each side; at the ends the
//!   remaining 0.1 goes to the only neighbour, so the correct band gets 0.9);
//! * `B`: heating moves one band up with probability [`ACTUATION`] (0.7), else the band
//!   stays; cooling moves one band down alike; with the unit off the band drops by one with
//!   probability [`IDLE_DOWN`] (0.1), rises by one with [`IDLE_UP`] (0.02) and otherwise
//!   stays — the agent does not know the outside temperature, only that heat usually leaks
//!   out;
//! * `C = [−4, −1.5, 0, −1.5, −4]`, peaked at the set point; `D` uniform.
//!
//! The agent plans three actions ahead (27 policies).
//!
//! **The process** ([`ThermostatEnv`]) is richer than that model: the room temperature is a
//! real number (°C) that leaks toward the outside temperature at rate [`ThermostatParams::leak`]
//! per step, is pushed by ±[`ThermostatParams::power`] °C per step when heating or cooling,
//! and gets a small uniform disturbance. The outside temperature follows a daily cycle (mean
//! [`ThermostatParams::outside_mean`], amplitude [`ThermostatParams::outside_amplitude`],
//! period [`ThermostatParams::period`] steps) plus a slow bounded random walk (the weather).
//! The band is the room temperature cut into [`ThermostatParams::band_width`]-wide bands
//! centred on the set point; the reading is drawn from the model's `A` at the true band.
//!
//! [`BangBang`] is the classic controller to compare with: heat when the reading is below the
//! set point, cool when it is above, off otherwise.
//!
//! Over 500 steps with seed 0 (`examples/thermostat.rs`, asserted in `tests/suite/thermostat.rs`)
//! both keep the room within one band of the set point 99.8–100 % of the time (the misses
//! are the first steps, from a cold or hot start), and the agent switches 213 times against
//! the bang-bang controller's 265: its beliefs filter the noisy readings the bang-bang
//! controller reacts to. (Seeds 0–7: the agent switches 15–30 % less often; its time within
//! one band matches the bang-bang controller's within 0.4 percentage points.)

use nalgebra::ComplexField;
use rand::{Rng, RngExt};

use super::{Env, sample_observation};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::maths::real::lit;
use crate::model::Model;

crate::model! {
    /// A thermostat: 5 temperature bands, 3 actions (cool, off, heat), a noisy thermometer.
    pub Thermostat {
        factors {
            /// Cold, chilly, comfort (the set point), warm, hot; actions cool, off, heat.
            Temperature: 5 controlled_by 3,
        }
        modalities {
            /// The thermometer's band, mostly right, sometimes one band off.
            Reading: 5 depends_on [Temperature],
        }
    }
}

/// Band: cold (two bands below the set point).
pub const COLD: usize = 0;
/// Band: chilly (one band below the set point).
pub const CHILLY: usize = 1;
/// Band: comfortable, the set point.
pub const COMFORT: usize = 2;
/// Band: warm (one band above the set point).
pub const WARM: usize = 3;
/// Band: hot (two bands above the set point).
pub const HOT: usize = 4;
/// The set point band.
pub const SET_POINT: usize = COMFORT;
/// Number of bands.
pub const NUM_BANDS: usize = 5;
/// Band names, by index.
pub const BAND_NAMES: [&str; NUM_BANDS] = ["cold", "chilly", "comfort", "warm", "hot"];

/// Action: cool.
pub const COOL: usize = 0;
/// Action: unit off.
pub const OFF: usize = 1;
/// Action: heat.
pub const HEAT: usize = 2;
/// Action names, by index.
pub const ACTION_NAMES: [&str; 3] = ["cool", "off", "heat"];

/// Probability that the thermometer reads the right band (the agent's `A` and the process's
/// sensor).
pub const SENSOR_ACCURACY: f64 = 0.8;
/// Probability, in the agent's model, that heating (cooling) moves the band up (down) by one.
pub const ACTUATION: f64 = 0.7;
/// Probability, in the agent's model, that the band drops by one with the unit off (heat
/// leaks out: the outside is usually colder than the set point).
pub const IDLE_DOWN: f64 = 0.1;
/// Probability, in the agent's model, that the band rises by one with the unit off.
pub const IDLE_UP: f64 = 0.02;
/// The agent's preferences over readings, peaked at the set point.
pub const PREFERENCES: [f64; NUM_BANDS] = [-4.0, -1.5, 0.0, -1.5, -4.0];

/// The agent's model (see the [module docs](self)): `A` the noisy thermometer, `B` the
/// heater/cooler and a symmetric drift, `C` = [`PREFERENCES`], `D` uniform.
///
/// ```
/// use actinf::envs::thermostat::{self, HEAT, COMFORT, WARM};
/// use actinf::{Agent, Config};
/// let m = thermostat::model::<f64>()?;
/// assert_eq!(m.b_entry(0, WARM, COMFORT, HEAT), 0.7); // B[next = warm, from = comfort, heat]
/// let agent = Agent::<f64, thermostat::Thermostat, 3, 27>::new(m, Config::default())?;
/// let qs = agent.infer_states(&[[0]], &agent.initial_prior())?; // reads "cold"
/// let (q_pi, _) = agent.infer_policies(&qs)?;
/// let action = agent.sample_action(&q_pi, &mut rand::rngs::SmallRng::seed_from_u64(0))?;
/// assert_eq!(action[0][0], HEAT);
/// # use rand::SeedableRng;
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn model<T: Real>() -> Result<Model<T, Thermostat>, Error> {
    let (zero, one) = (T::ZERO, T::ONE);
    let acc = SENSOR_ACCURACY;
    let a: [[T; NUM_BANDS]; NUM_BANDS] = core::array::from_fn(|o| {
        core::array::from_fn(|s| {
            let edge = s == 0 || s == NUM_BANDS - 1;
            lit(if o == s {
                if edge { acc + (1.0 - acc) / 2.0 } else { acc }
            } else if o.abs_diff(s) == 1 {
                (1.0 - acc) / 2.0
            } else {
                0.0
            })
        })
    });
    // B[next][from][action]
    let b: [[[T; 3]; NUM_BANDS]; NUM_BANDS] = core::array::from_fn(|next| {
        core::array::from_fn(|from| {
            core::array::from_fn(|u| {
                let up = (from + 1).min(NUM_BANDS - 1);
                let down = from.saturating_sub(1);
                let mut p = 0.0;
                let moves: [(usize, f64); 3] = match u {
                    HEAT => [(up, ACTUATION), (from, 1.0 - ACTUATION), (from, 0.0)],
                    COOL => [(down, ACTUATION), (from, 1.0 - ACTUATION), (from, 0.0)],
                    _ => [
                        (up, IDLE_UP),
                        (down, IDLE_DOWN),
                        (from, 1.0 - IDLE_UP - IDLE_DOWN),
                    ],
                };
                for (to, q) in moves {
                    if to == next {
                        p += q;
                    }
                }
                if p == 0.0 { zero } else { lit(p) }
            })
        })
    });
    let c: [T; NUM_BANDS] = PREFERENCES.map(lit);
    let d = [one / lit(NUM_BANDS as f64); NUM_BANDS];
    Model::new(
        &crate::list![a],
        &crate::list![b],
        &crate::list![c],
        &crate::list![d],
    )
}

/// The physics of the room and the weather (see the [module docs](self)); all temperatures
/// in °C, rates per step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThermostatParams {
    /// The set point, the centre of the [`COMFORT`] band (default 20 °C).
    pub set_point: f64,
    /// Width of a band (default 2 °C: comfort is 19–21 °C, chilly 17–19 °C, …).
    pub band_width: f64,
    /// Heating or cooling power, °C per step (default 1.2).
    pub power: f64,
    /// Fraction of the room–outside difference lost per step (default 0.04).
    pub leak: f64,
    /// Mean outside temperature (default 12 °C).
    pub outside_mean: f64,
    /// Amplitude of the daily cycle (default 8 °C).
    pub outside_amplitude: f64,
    /// Steps per day (default 288, five-minute steps).
    pub period: f64,
    /// Largest weather change per step (default 0.2 °C; the walk is kept within ±4 °C).
    pub weather_step: f64,
    /// Largest random disturbance of the room per step (default 0.3 °C).
    pub disturbance: f64,
    /// Room temperature at reset is drawn uniformly from this range (default 12–28 °C).
    pub initial_room: (f64, f64),
}

impl Default for ThermostatParams {
    fn default() -> Self {
        ThermostatParams {
            set_point: 20.0,
            band_width: 2.0,
            power: 1.2,
            leak: 0.04,
            outside_mean: 12.0,
            outside_amplitude: 8.0,
            period: 288.0,
            weather_step: 0.2,
            disturbance: 0.3,
            initial_room: (12.0, 28.0),
        }
    }
}

/// Largest weather offset (°C).
const WEATHER_BOUND: f64 = 4.0;

impl ThermostatParams {
    fn check(&self) -> Result<(), Error> {
        let fields: [(&'static str, f64, bool); 10] = [
            ("set_point", self.set_point, true),
            ("band_width", self.band_width, self.band_width > 0.0),
            ("power", self.power, self.power >= 0.0),
            ("leak", self.leak, (0.0..=1.0).contains(&self.leak)),
            ("outside_mean", self.outside_mean, true),
            ("outside_amplitude", self.outside_amplitude, true),
            ("period", self.period, self.period > 0.0),
            ("weather_step", self.weather_step, self.weather_step >= 0.0),
            ("disturbance", self.disturbance, self.disturbance >= 0.0),
            (
                "initial_room",
                self.initial_room.1 - self.initial_room.0,
                self.initial_room.0.is_finite() && self.initial_room.1 >= self.initial_room.0,
            ),
        ];
        for (name, value, ok) in fields {
            if !value.is_finite() || !ok {
                let problem = if value.is_finite() {
                    Problem::Negative { value }
                } else {
                    Problem::NotFinite { value }
                };
                return Err(Error::new(
                    Tensor::Hyperparameter,
                    0,
                    name,
                    Entry::at(0),
                    problem,
                ));
            }
        }
        Ok(())
    }

    /// The band of a room temperature (bands `band_width` wide, [`COMFORT`] centred on the
    /// set point, the outer bands open-ended).
    pub fn band(&self, room: f64) -> usize {
        let x = (room - self.set_point) / self.band_width + 0.5 + SET_POINT as f64;
        if x.is_nan() || x < 1.0 {
            COLD
        } else if x >= (NUM_BANDS - 1) as f64 {
            HOT
        } else {
            x as usize // 1 ≤ x < 4: truncation is the floor
        }
    }

    /// The outside temperature at step `t` for a weather offset.
    pub fn outside(&self, t: u64, weather: f64) -> f64 {
        let phase = 2.0 * core::f64::consts::PI * (t as f64) / self.period;
        self.outside_mean + self.outside_amplitude * ComplexField::sin(phase) + weather
    }
}

/// The hidden state of a [`ThermostatEnv`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThermostatState {
    /// Room temperature (°C).
    pub room: f64,
    /// Outside temperature (°C) at this step.
    pub outside: f64,
    /// The weather's offset from the daily cycle (°C).
    pub weather: f64,
    /// Steps since reset (the phase of the daily cycle).
    pub t: u64,
}

/// The room as an environment for a [`Thermostat`] agent (see the [module docs](self)).
///
/// ```
/// use actinf::envs::{Env, thermostat::{ThermostatEnv, ThermostatParams, HEAT}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = ThermostatEnv::<f64>::new(ThermostatParams::default())?;
/// let mut rng = SmallRng::seed_from_u64(0);
/// let (mut state, _reading) = env.reset(&mut rng);
/// let before = state.room;
/// env.step(&mut state, &[HEAT], &mut rng)?;
/// assert!(state.room > before - 1.0);
/// assert!(env.step(&mut state, &[3], &mut rng).is_err()); // no action 3
/// # Ok::<(), actinf::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ThermostatEnv<T: Real> {
    params: ThermostatParams,
    sensor: Model<T, Thermostat>,
}

impl<T: Real> ThermostatEnv<T> {
    /// The room with the given physics; the sensor is the agent's `A` ([`model`]).
    ///
    /// Errors: a parameter that is not finite, a band width or period that is not positive,
    /// a negative power, disturbance or weather step, a leak outside `[0, 1]`, an initial
    /// range with its ends swapped (all [`Tensor::Hyperparameter`] errors naming the field).
    pub fn new(params: ThermostatParams) -> Result<Self, Error> {
        params.check()?;
        Ok(ThermostatEnv {
            params,
            sensor: model()?,
        })
    }

    /// The physics.
    pub fn params(&self) -> &ThermostatParams {
        &self.params
    }

    /// The true band of a state.
    pub fn band(&self, state: &ThermostatState) -> usize {
        self.params.band(state.room)
    }

    fn read<R: Rng + ?Sized>(&self, state: &ThermostatState, rng: &mut R) -> [usize; 1] {
        sample_observation(&self.sensor, &[self.band(state)], rng)
    }
}

/// A uniform draw in `[−a, a]`.
fn uniform<R: Rng + ?Sized>(rng: &mut R, a: f64) -> f64 {
    a * (2.0 * rng.random::<f64>() - 1.0)
}

impl<T: Real> Env<Thermostat> for ThermostatEnv<T> {
    type State = ThermostatState;

    fn reset<R: Rng + ?Sized>(&self, rng: &mut R) -> (ThermostatState, [usize; 1]) {
        let (lo, hi) = self.params.initial_room;
        let room = lo + (hi - lo) * rng.random::<f64>();
        let state = ThermostatState {
            room,
            outside: self.params.outside(0, 0.0),
            weather: 0.0,
            t: 0,
        };
        (state, self.read(&state, rng))
    }

    fn step<R: Rng + ?Sized>(
        &self,
        state: &mut ThermostatState,
        action: &[usize; 1],
        rng: &mut R,
    ) -> Result<[usize; 1], Error> {
        crate::infer::prior::check_action::<Thermostat>(action)?;
        let p = &self.params;
        let push = match action[0] {
            HEAT => p.power,
            COOL => -p.power,
            _ => 0.0,
        };
        state.room += p.leak * (state.outside - state.room) + push + uniform(rng, p.disturbance);
        state.weather =
            (state.weather + uniform(rng, p.weather_step)).clamp(-WEATHER_BOUND, WEATHER_BOUND);
        state.t += 1;
        state.outside = p.outside(state.t, state.weather);
        Ok(self.read(state, rng))
    }
}

/// The classic on/off thermostat: heat when the reading is below the set point, cool when
/// it is above, off at the set point. It acts on each raw reading, so a noisy thermometer
/// makes it switch often.
///
/// ```
/// use actinf::envs::thermostat::{BangBang, COLD, COMFORT, HOT, COOL, HEAT, OFF};
/// let c = BangBang::default();
/// assert_eq!([c.act(COLD), c.act(COMFORT), c.act(HOT)], [HEAT, OFF, COOL]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BangBang {
    /// The set point band (default [`SET_POINT`]).
    pub set_point: usize,
}

impl Default for BangBang {
    fn default() -> Self {
        BangBang {
            set_point: SET_POINT,
        }
    }
}

impl BangBang {
    /// The action for a reading.
    pub fn act(&self, reading: usize) -> usize {
        match reading.cmp(&self.set_point) {
            core::cmp::Ordering::Less => HEAT,
            core::cmp::Ordering::Greater => COOL,
            core::cmp::Ordering::Equal => OFF,
        }
    }
}
