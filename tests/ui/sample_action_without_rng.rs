// `sample_action` without the random number generator.
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let agent = Agent::<f64, Light, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let qs = agent.initial_prior();
    let (q_pi, _) = agent.infer_policies(&qs).unwrap();
    let _ = agent.sample_action(&q_pi);
}
