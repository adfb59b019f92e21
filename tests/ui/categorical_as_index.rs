// A categorical observation given where index observations are expected.
use actinf::{Agent, Categorical, Model, config::Config, list};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let prior = agent.initial_prior();
    let obs = Categorical::<f64, Light>::new(list![[0.2, 0.8]]).unwrap();
    let _ = agent.infer_states(&[obs], &prior);
}
