// `get::<Ghost, 2>()`: `Ghost` is a factor of another model.
use actinf::Belief;

mod other {
    actinf::model! {
        pub Other {
            factors { Ghost: 2 }
            modalities { Seen: 2 depends_on [Ghost] }
        }
    }
}

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let q = Belief::<f64, Light>::uniform();
    let _ = q.get::<other::Ghost, 2>();
}
