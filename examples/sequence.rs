//! Sequence inference: an agent walks a corridor of 5 cells with a noisy position sensor and
//! keeps a window of its last 4 steps. With marginal message passing (`Mmp<4>`) each new
//! reading also revises where it believes it *was*; the free energy of the window says how
//! well the beliefs explain the readings.
//!
//!     cargo run --example sequence

use actinf::inference::{Mmp, Window};
use actinf::{Agent, Config, Error, Model, list};

actinf::model! {
    /// A corridor: step left, stay or step right; the sensor reads the cell 70 % of the time.
    pub Corridor {
        factors { Cell: 5 controlled_by 3 }
        modalities { Reading: 5 depends_on [Cell] }
    }
}

fn main() -> Result<(), Error> {
    // A[o][s]: the true cell with 0.7, a neighbour with 0.15 each (0.3 at the walls).
    let a: [[f64; 5]; 5] = core::array::from_fn(|o| {
        core::array::from_fn(|s| match o.abs_diff(s) {
            0 => 0.7,
            1 if s == 0 || s == 4 => 0.3,
            1 => 0.15,
            _ => 0.0,
        })
    });
    // B[s'][s][u]: action u moves by u − 1 cells, walls stop it.
    let b: [[[f64; 3]; 5]; 5] = core::array::from_fn(|next| {
        core::array::from_fn(|s| {
            core::array::from_fn(|u| {
                let target = (s + u).saturating_sub(1).min(4);
                if next == target { 1.0 } else { 0.0 }
            })
        })
    });
    let model = Model::<f64, Corridor>::new(
        &list![a],
        &list![b],
        &list![[0.0, 0.0, 0.0, 0.0, 0.0]],
        &list![[0.2; 5]],
    )?;
    let agent =
        Agent::<f64, Corridor, 1, 3>::new(model, Config::default())?.with_method::<Mmp<4>>();
    let mut windows: [Window<f64, Corridor, 4>; 1] = agent.initial_windows();

    // The agent walks right from cell 0; the readings are noisy (the third is off by one:
    // the agent is in cell 2 but reads 1). Step 0's belief firms up as later readings come.
    let readings = [0, 1, 1, 3, 4];
    for (t, &o) in readings.iter().enumerate() {
        agent.observe(&mut windows, &[[o]])?;
        agent.infer_states(&mut windows)?;
        let w = &windows[0];
        println!("step {t}: read cell {o}");
        for slot in w.start()..4 {
            let step = t + slot - 3; // slot 3 is the latest step
            println!("  belief about step {step}: {}", w.beliefs()[slot]);
        }
        let f = agent.free_energy(&windows)?;
        println!("  free energy of the window: {:.3}", f[0].vfe);
        agent.act(&mut windows, &[[2]])?; // step right
    }
    Ok(())
}
