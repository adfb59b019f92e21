// A negative entry in a constant transition does not compile.
actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}
use actinf::list;
use actinf::types::{FactorInputOf, LikelihoodInputOf, OutcomesInputOf, TransitionsInputOf};

static A: LikelihoodInputOf<f32, Light> = list![[[0.9, 0.2], [0.1, 0.8]]];
// B[Lamp][next][lamp][action]
static B: TransitionsInputOf<f32, Light> =
    list![[[[1.0, 0.0], [1.0, -0.5]], [[0.0, 1.0], [0.0, 1.5]]]];
const C: OutcomesInputOf<f32, Light> = list![[0.0, 1.0]];
const D: FactorInputOf<f32, Light> = list![[0.5, 0.5]];
actinf::check_model!(Light, A, B, C, D);

fn main() {}
