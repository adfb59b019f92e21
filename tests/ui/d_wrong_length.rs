// `D[Lamp]` with 3 entries, but `Lamp` has 2 states.
use actinf::{Model, list};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let _ = Model::<f64, Light>::uniform().with_d(&list![[0.2, 0.3, 0.5]]);
}
