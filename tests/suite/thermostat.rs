//! The active-inference thermostat against the bang-bang controller (`examples/thermostat.rs`),
//! and the thermostat's model and environment.
//!
//! 500 steps, seed 0 (release and opt-level 1 give the same numbers): both keep the room
//! within one band of the set point — agent 100.0 %, bang-bang 99.8 % — and the agent switches
//! 213 times against the bang-bang controller's 265.

#[path = "../../examples/thermostat.rs"]
#[allow(dead_code)]
pub mod example;

use actinf::Error;
use actinf::envs::Env;
use actinf::envs::thermostat::{
    self, BangBang, CHILLY, COLD, COMFORT, COOL, HEAT, HOT, OFF, ThermostatEnv, ThermostatParams,
    WARM,
};
use actinf::error::{Problem, Tensor};
use rand::{SeedableRng, rngs::SmallRng};

#[test]
fn agent_holds_the_set_point_as_well_as_bang_bang_with_fewer_switches() {
    let run = example::run(500, 0).expect("run");
    let (a, b) = (&run.agent, &run.bang_bang);
    assert_eq!(a.band.len(), 500);
    assert_eq!(b.band.len(), 500);
    assert!(
        a.within_one() >= b.within_one(),
        "agent {} < bang-bang {}",
        a.within_one(),
        b.within_one()
    );
    assert!(
        a.switches() < b.switches(),
        "agent {} switches, bang-bang {}",
        a.switches(),
        b.switches()
    );
    assert!(a.within_one() >= 0.99 && b.within_one() >= 0.99);
}

#[test]
fn model_tensors() {
    let m = thermostat::model::<f64>().expect("model");
    // A: right band 0.8, neighbours 0.1; at the ends 0.9 / 0.1.
    let close = |got: &[f64], want: [f64; 5]| {
        assert!(
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-12),
            "{got:?} != {want:?}"
        )
    };
    close(m.column(0, COMFORT), [0.0, 0.1, 0.8, 0.1, 0.0]);
    close(m.column(0, COLD), [0.9, 0.1, 0.0, 0.0, 0.0]);
    close(m.column(0, HOT), [0.0, 0.0, 0.0, 0.1, 0.9]);
    // B[next, from, action].
    assert_eq!(m.b_entry(0, WARM, COMFORT, HEAT), 0.7);
    assert!((m.b_entry(0, COMFORT, COMFORT, HEAT) - 0.3).abs() < 1e-12);
    assert_eq!(m.b_entry(0, CHILLY, COMFORT, COOL), 0.7);
    assert_eq!(m.b_entry(0, HOT, HOT, HEAT), 1.0);
    assert_eq!(m.b_entry(0, CHILLY, COMFORT, OFF), thermostat::IDLE_DOWN);
    assert_eq!(m.b_entry(0, WARM, COMFORT, OFF), thermostat::IDLE_UP);
    // C peaked at the set point.
    let c = m.preference(0);
    assert!((0..5).all(|o| o == COMFORT || c[o] < c[COMFORT]));
}

#[test]
fn environment_physics() {
    let p = ThermostatParams::default();
    assert_eq!(p.band(20.0), COMFORT);
    assert_eq!(p.band(18.9), CHILLY);
    assert_eq!(p.band(21.0), WARM);
    assert_eq!(p.band(-40.0), COLD);
    assert_eq!(p.band(80.0), HOT);
    assert_eq!(p.band(f64::NAN), COLD);
    let env = ThermostatEnv::<f64>::new(p).expect("env");
    let mut rng = SmallRng::seed_from_u64(1);
    let (mut s, _) = env.reset(&mut rng);
    s.room = 10.0;
    let before = s.room;
    env.step(&mut s, &[HEAT], &mut rng).expect("step");
    assert!(s.room > before + 0.5, "heating warms a cold room");
    s.room = 30.0;
    env.step(&mut s, &[COOL], &mut rng).expect("step");
    assert!(s.room < 29.5, "cooling cools a hot room");
    assert_eq!(s.t, 2);
    assert_eq!(
        BangBang::default().act(CHILLY),
        HEAT,
        "bang-bang heats below"
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let env = ThermostatEnv::<f64>::new(ThermostatParams::default()).expect("env");
    let mut rng = SmallRng::seed_from_u64(0);
    let (mut s, _) = env.reset(&mut rng);
    let e: Error = env.step(&mut s, &[3], &mut rng).unwrap_err();
    assert_eq!(e.problem, Problem::OutOfRange { value: 3, len: 3 });
    assert_eq!(s.t, 0, "nothing changed");
    for bad in [
        ThermostatParams {
            band_width: 0.0,
            ..Default::default()
        },
        ThermostatParams {
            leak: 1.5,
            ..Default::default()
        },
        ThermostatParams {
            power: f64::NAN,
            ..Default::default()
        },
        ThermostatParams {
            initial_room: (25.0, 15.0),
            ..Default::default()
        },
    ] {
        let e = ThermostatEnv::<f64>::new(bad).unwrap_err();
        assert_eq!(e.tensor, Tensor::Hyperparameter);
    }
}
