// A model with control factors plans over them (pymdp's B_action_dependencies): the flat
// table of `Agent::new` would enumerate every combination of the state factors' actions.
use actinf::{Agent, Config, Model};

actinf::model! {
    pub Arm {
        controls { Move: 3, Grip: 2 }
        factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
        modalities { Seen: 3 depends_on [Place] }
    }
}

fn main() {
    let _ = Agent::<f64, Arm, 1, 18>::new(Model::uniform(), Config::default());
}
