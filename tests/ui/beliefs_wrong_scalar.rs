// `f32` beliefs (right model and batch size) given to an `f64` agent.
use actinf::{Agent, Beliefs, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2, 4>::new(Model::uniform(), Config::default()).unwrap();
    let prior = Beliefs::<f32, Light, 4>::uniform();
    let _ = agent.infer_states(&[[0]; 4], &prior);
}
