// Beliefs over another model (right batch size) given to an agent.
use actinf::{Agent, Beliefs, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

mod other {
    actinf::model! {
        pub Dark {
            factors { Switch: 2 controlled_by 2 }
            modalities { Glow: 2 depends_on [Switch] }
        }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2, 4>::new(Model::uniform(), Config::default()).unwrap();
    let prior = Beliefs::<f64, other::Dark, 4>::uniform();
    let _ = agent.infer_states(&[[0]; 4], &prior);
}
