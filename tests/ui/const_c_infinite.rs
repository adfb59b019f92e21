// Preferences must be finite: an infinite `C` entry does not compile.
actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities {
            Sensor: 2 depends_on [Lamp],
            Alarm: 3 depends_on [Lamp],
        }
    }
}

const C_ALARM: [f32; 3] = [0.0, f32::NEG_INFINITY, 1.0];
actinf::check_c!(Light, Alarm, C_ALARM);

fn main() {}
