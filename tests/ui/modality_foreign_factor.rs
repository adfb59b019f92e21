// A modality depends on `Ghost`, a factor of another model.
mod other {
    actinf::model! {
        pub Other {
            factors { Ghost: 2 }
            modalities { Seen: 2 depends_on [Ghost] }
        }
    }
}
use other::Ghost;

actinf::model! {
    pub Haunted {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Ghost] }
    }
}

fn main() {}
