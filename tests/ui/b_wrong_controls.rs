// `B[Lamp]` with 3 actions (innermost axis), but `Lamp` is `controlled_by 2`.
use actinf::{Model, list};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let _ = Model::<f64, Light>::uniform().with_b(&list![[
        [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
        [[0.0, 1.0, 0.0], [0.0, 1.0, 1.0]],
    ]]);
}
