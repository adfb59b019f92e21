// `infer_states` without the empirical prior.
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let _ = agent.infer_states(&[[1]]);
}
