// A sequence method needs a horizon of at least one step.
use actinf::inference::Mmp;
use actinf::{Agent, Model, config::Config};

actinf::model! {
    pub Walk { factors { Cell: 3 controlled_by 2 } modalities { Sight: 3 depends_on [Cell] } }
}

fn main() {
    let agent = Agent::<f64, Walk, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let _ = agent.with_method::<Mmp<0>>();
}
