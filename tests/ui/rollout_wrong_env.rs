// An agent cannot act in an environment of another model: the T-maze agent's observations
// and actions are not the grid's.
use actinf::envs::ModelEnv;
use actinf::envs::tmaze::{self, TMaze, TMazeParams};
use actinf::rollout::Workspace;
use actinf::{Agent, Config, Model, Shared};
use rand::SeedableRng;

actinf::model! {
    pub Grid { factors { Cell: 9 controlled_by 5 } modalities { Seen: 9 depends_on [Cell] } }
}

fn main() {
    let mut agent =
        Agent::<f64, TMaze, 3, 125>::new(tmaze::model(TMazeParams::default()).unwrap(), Config::default())
            .unwrap();
    let grid = ModelEnv::new(Model::<f64, Grid>::uniform());
    let mut work = Workspace::<f64, TMaze, 125, 1, 2, [usize; 1]>::new();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(0);
    let _ = work.rollout::<5>(&mut agent, &Shared(&grid), &mut |_| Ok(()), &mut rng);
}
