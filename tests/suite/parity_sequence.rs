//! Parity with pymdp 1.0.4 for sequence inference (issue 9): MMP and VMP over an inference
//! window (`seq_mmp_1f`, `seq_mmp_2f`, `seq_mmp_horizon_truncated`, `seq_vmp_2f`), the final
//! posteriors and those after 1, 2 and 4 sweeps (`qs_by_num_iter`), in f64 and in f32.
//!
//! Windows are built from the fixture's history with `Window::from_slices`, which keeps the
//! last `H` steps as pymdp's `inference_horizon` does.

use crate::common;

use actinf::inference::{Horizon, Window, sequence};
use actinf::nalgebra::Const;
use actinf::spec::{self, Spec};
use actinf::{Belief, Model, Real};
use common::*;
use serde_json::Value;

/// f64 parity (absolute): an independent numpy port agrees with pymdp to 1e-13.
const TOL: f64 = 1e-10;

/// f32 (absolute): inputs rounded to f32 (~6e-8 relative) feed logs, `exp` and 16 sweeps of
/// coupled messages; the posteriors land within 1e-6 of pymdp's f64 values on these cases
/// (VMP with a deterministic `B` can drift further: pymdp itself moves ~3e-5 in f32). Any
/// algorithmic difference shows at the 1e-3 level.
const TOL_F32: f64 = 1e-6;

mod one {
    actinf::model! {
        /// `seq_mmp_1f`: one factor (3 states, 2 actions), one modality (4 outcomes).
        pub Seq1 { factors { S0: 3 controlled_by 2 } modalities { O0: 4 depends_on [S0] } }
    }
    actinf::model! {
        /// `seq_mmp_horizon_truncated`: one factor (3 states, 3 actions), 4 outcomes.
        pub Trunc { factors { X0: 3 controlled_by 3 } modalities { Y0: 4 depends_on [X0] } }
    }
}

mod two {
    actinf::model! {
        /// `seq_mmp_2f` / `seq_vmp_2f`: two factors (2 states / 2 actions, 3 states / 1
        /// action), two modalities depending on both.
        pub Seq2 {
            factors { S0: 2 controlled_by 2, S1: 3 }
            modalities { O0: 3 depends_on [S0, S1], O1: 2 depends_on [S0, S1] }
        }
    }
}

use one::{Seq1, Trunc};
use two::Seq2;

/// The fixture's model (`C` is irrelevant here: zeros).
fn model<T: Real + Scalar, S: Spec>(fx: &Value) -> Model<T, S> {
    let cat = |key: &str| -> Vec<T> {
        let list = at(fx, key).as_array().expect("list");
        list.iter()
            .flat_map(data)
            .map(<T as Scalar>::from_f64)
            .collect()
    };
    let c = vec![T::ZERO; spec::layout::<S>().outcomes];
    Model::from_slices(&cat("inputs/A"), &cat("inputs/B"), &c, &cat("inputs/D")).expect("model")
}

/// The fixture's observations (per step, one index per modality) and actions (per step, one
/// index per factor).
fn history<S: Spec>(fx: &Value) -> (Vec<S::Observation>, Vec<S::Action>) {
    let obs = usizes2(at(fx, "inputs/observations"));
    let steps = obs[0].len();
    let observations = (0..steps)
        .map(|t| {
            let mut o = S::Observation::ZEROS;
            for (m, slot) in o.as_mut().iter_mut().enumerate() {
                *slot = obs[m][t];
            }
            o
        })
        .collect();
    let (shape, flat) = array(at(fx, "inputs/past_actions"));
    let actions = flat
        .chunks(shape[1])
        .map(|row| {
            let mut a = S::Action::ZEROS;
            for (slot, &x) in a.as_mut().iter_mut().zip(row) {
                *slot = x as usize;
            }
            a
        })
        .collect();
    (observations, actions)
}

use actinf::spec::IndexArray;

/// Checks `beliefs` (H steps) against a list of per-factor `(H, N_f)` arrays.
fn check<T: Real + Scalar, S: Spec, const H: usize>(
    beliefs: &[Belief<T, S>; H],
    want: &Value,
    tol: f64,
    what: &str,
) {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let flat = data_shaped(at(want, &f.to_string()), &[H, info.states]);
        for (t, row) in flat.chunks(info.states).enumerate() {
            assert_close(
                beliefs[t].factor(f),
                row,
                tol,
                &format!("{what}: step {t}, factor {f}"),
            );
        }
    }
}

fn run_case<T: Real + Scalar, S: Spec, const H: usize>(name: &str, vmp: bool, tol: f64)
where
    Const<H>: Horizon,
{
    let fx = load(name);
    let model = model::<T, S>(&fx);
    let (obs, acts) = history::<S>(&fx);
    let mut w = Window::<T, S, H>::from_slices(*model.d(), &obs, &acts).expect("window");
    assert_eq!(w.len(), H, "{name}: the window is full");
    let infer = |w: &mut Window<T, S, H>, n: usize| {
        if vmp {
            sequence::vmp(&model, w, n).unwrap()
        } else {
            sequence::mmp(&model, w, n).unwrap()
        }
    };
    let iters = num(at(&fx, "params/num_iter")) as usize;
    infer(&mut w, iters);
    check(w.beliefs(), at(&fx, "outputs/qs"), tol, name);
    for k in ["1", "2", "4"] {
        infer(&mut w, k.parse().unwrap());
        let want = at(&fx, &format!("outputs/qs_by_num_iter/{k}"));
        check(w.beliefs(), want, tol, &format!("{name} after {k} sweeps"));
    }
}

#[test]
fn seq_mmp_1f() {
    run_case::<f64, Seq1, 5>("seq_mmp_1f", false, TOL);
    run_case::<f32, Seq1, 5>("seq_mmp_1f", false, TOL_F32);
}

#[test]
fn seq_mmp_2f() {
    run_case::<f64, Seq2, 5>("seq_mmp_2f", false, TOL);
    run_case::<f32, Seq2, 5>("seq_mmp_2f", false, TOL_F32);
}

#[test]
fn seq_mmp_horizon_truncated() {
    // Six steps of history, horizon 4: the last 4 observations and 3 actions.
    run_case::<f64, Trunc, 4>("seq_mmp_horizon_truncated", false, TOL);
    run_case::<f32, Trunc, 4>("seq_mmp_horizon_truncated", false, TOL_F32);
}

#[test]
fn seq_vmp_2f() {
    run_case::<f64, Seq2, 5>("seq_vmp_2f", true, TOL);
    run_case::<f32, Seq2, 5>("seq_vmp_2f", true, TOL_F32);
}
