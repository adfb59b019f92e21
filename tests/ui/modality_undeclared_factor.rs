// A modality depends on `Ghost`, a hand-written factor that is not in the model's `factors`.
use actinf::nalgebra::Const;
use actinf::spec::{Cons, Nil, S, Z};

pub struct Ghost;
impl actinf::Factor for Ghost {
    type States = Const<2>;
    type Controls = Const<1>;
    type Position = S<Z>;
    type DependsOn = Cons<Ghost, Nil>;
    const NAME: &'static str = "Ghost";
}

actinf::model! {
    pub Haunted {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Ghost] }
    }
}

fn main() {}
