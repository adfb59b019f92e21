// One agent's `Belief` given to a batch of 4 agents: the batch axis is missing.
use actinf::{Agent, Belief, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2, 4>::new(Model::uniform(), Config::default()).unwrap();
    let q = Belief::<f64, Light>::uniform();
    let _ = agent.infer_states(&[[0]; 4], &q);
}
