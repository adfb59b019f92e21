// Sophisticated inference plans one action at a time: an agent with two-step policies is
// rejected.
use actinf::inference::Window;
use actinf::plan::sophisticated::{SiConfig, Sophisticated, Tree};
use actinf::rollout::Planner;
use actinf::{Agent, Belief, Config, Model};
use nalgebra::SVector;
use rand::SeedableRng;

actinf::model! {
    pub Walk { factors { Cell: 3 controlled_by 3 } modalities { Sight: 3 depends_on [Cell] } }
}

fn main() {
    let agent = Agent::<f64, Walk, 2, 9>::new(Model::uniform(), Config::default()).unwrap();
    let mut tree = Tree::<f64, Walk, 64, 3>::new();
    let mut si = Sophisticated::new(SiConfig::default(), &mut tree);
    let windows = [Window::<f64, Walk, 2>::new(Belief::uniform())];
    let (mut q, mut g) = ([SVector::zeros()], [SVector::zeros()]);
    let mut rng = rand::rngs::SmallRng::seed_from_u64(0);
    let _ = si.plan(&agent, &windows, &mut q, &mut g, &mut rng);
}
