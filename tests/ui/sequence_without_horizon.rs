// Asking for MMP without saying over how many steps.
use actinf::inference::Mmp;
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Walk { factors { Cell: 3 controlled_by 2 } modalities { Sight: 3 depends_on [Cell] } }
}

fn main() {
    let agent = Agent::<f64, Walk, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let _ = agent.with_method::<Mmp>();
}
