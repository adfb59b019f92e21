// `Model::new` given an `A` with 3 outcome rows for a modality with 2 outcomes.
use actinf::{Model, list};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let _ = Model::<f64, Light>::new(
        &list![[[0.9, 0.2], [0.1, 0.7], [0.0, 0.1]]],
        &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
        &list![[0.0, 1.0]],
        &list![[0.5, 0.5]],
    );
}
