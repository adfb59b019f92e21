// Checking a constant against a factor of another model does not compile.
mod light {
    actinf::model! {
        pub Light {
            factors { Lamp: 2 controlled_by 2 }
            modalities { Sensor: 2 depends_on [Lamp] }
        }
    }
}
mod coin {
    actinf::model! {
        pub Coin {
            factors { Side: 2 }
            modalities { Seen: 2 depends_on [Side] }
        }
    }
}

const D_SIDE: [f64; 2] = [0.5, 0.5];
actinf::check_d!(light::Light, coin::Side, D_SIDE);

fn main() {}
