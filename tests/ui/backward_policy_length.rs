// The backward-induction planner scores single actions: an agent with policies of length 3
// cannot use it (its HORIZON says how far it looks).
use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
use actinf::plan::backward::{Backup, BackwardInduction};
use actinf::rollout::Workspace;
use actinf::{Agent, Config, Shared};
use rand::SeedableRng;

fn main() {
    let p = TMazeParams::default();
    let mut agent = Agent::<f64, TMaze, 3, 125>::new(tmaze::model(p).unwrap(), Config::default()).unwrap();
    let env = TMazeEnv::<f64>::new(p, None).unwrap();
    let mut planner = BackwardInduction::<f64, 10, 125, 8>::new(Backup::Max).unwrap();
    let mut work = Workspace::<f64, TMaze, 125, 1, 2, [usize; 2]>::new();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(0);
    let _ = work.rollout_with::<4>(&mut agent, &Shared(&env), &mut planner, None, &mut |_| Ok(()), &mut rng);
}
