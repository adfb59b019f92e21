// An action with 3 entries for a model with 2 factors.
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Maze {
        factors { Location: 3 controlled_by 3, Context: 2 }
        modalities {
            Place: 3 depends_on [Location],
            Reward: 2 depends_on [Location, Context],
        }
    }
}

fn main() {
    let agent = Agent::<f64, Maze, 1, 3>::new(Model::uniform(), Config::default()).unwrap();
    let qs = agent.initial_prior();
    let _ = agent.update_empirical_prior(&[[0, 0, 0]], &qs);
}
