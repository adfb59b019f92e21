// `C[Sensor]` with 3 entries, but `Sensor` has 2 outcomes.
use actinf::Model;

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let _ = Model::<f64, Light>::uniform().with_c::<Sensor>(&[0.0, 1.0, 2.0]);
}
