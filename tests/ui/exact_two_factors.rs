// Exact (HMM) inference on a model with two hidden-state factors.
use actinf::inference::Exact;
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Maze {
        factors { Location: 3 controlled_by 3, Context: 2 }
        modalities { Reward: 2 depends_on [Location, Context] }
    }
}

fn main() {
    let agent = Agent::<f64, Maze, 1, 3>::new(Model::uniform(), Config::default()).unwrap();
    let _ = agent.with_method::<Exact>();
}
