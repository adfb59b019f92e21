//! Builds a two-factor model, infers states from a few observations and prints the beliefs.
//!
//! `cargo run --release --example quickstart`

use actinf::{Belief, Model, inference, list};

actinf::model! {
    /// A robot in one of 3 rooms, with a door that is open or closed.
    pub Robot {
        factors {
            Room: 3 controlled_by 3,
            Door: 2,
        }
        modalities {
            /// A noisy room sensor.
            RoomSensor: 3 depends_on [Room],
            /// A draught sensor: it only feels the open door from room 2.
            Draught: 2 depends_on [Room, Door],
        }
    }
}

fn main() -> Result<(), actinf::Error> {
    // A[room sensor][o][room]
    let a_room = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
    // A[draught][o][room][door]: open door (door = 0) felt in room 2 only
    let a_draught = [
        [[0.9, 0.9], [0.9, 0.9], [0.2, 0.9]],
        [[0.1, 0.1], [0.1, 0.1], [0.8, 0.1]],
    ];
    // B[room][next][prev][action]: action u moves to room u
    let b_room: [[[f64; 3]; 3]; 3] = core::array::from_fn(|next| {
        [core::array::from_fn(|u| if u == next { 1.0 } else { 0.0 }); 3]
    });
    let b_door = [[[1.0], [0.0]], [[0.0], [1.0]]];
    let model = Model::<f64, Robot>::new(
        &list![a_room, a_draught],
        &list![b_room, b_door],
        &list![[0.0; 3], [0.0; 2]],
        &list![[1.0 / 3.0; 3], [0.5, 0.5]],
    )?;

    let mut prior = Belief::<f64, Robot>::new(list![[1.0 / 3.0; 3], [0.5, 0.5]])?;
    for (obs, action) in [([2, 1], [2, 0]), ([2, 1], [0, 0]), ([0, 0], [0, 0])] {
        let q = inference::infer_states(&model, &obs, &prior, 16)?;
        println!("observed room sensor {} / draught {} → {q}", obs[0], obs[1]);
        prior = inference::update_empirical_prior(&model, &action, &q)?;
    }
    Ok(())
}
