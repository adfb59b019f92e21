// 3 policies of length 1 for a model with 2 joint actions per step (the full table has 2).
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let _ = Agent::<f64, Light, 1, 3>::new(Model::uniform(), Config::default());
}
