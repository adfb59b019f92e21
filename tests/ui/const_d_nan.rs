// A NaN in a constant initial-state prior does not compile.
actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

const D_LAMP: [f64; 2] = [0.5, f64::NAN];
actinf::check_d!(Light, Lamp, D_LAMP);

fn main() {}
