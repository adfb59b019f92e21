// A window of 3 observations takes exactly 2 actions (pymdp's `(T - 1, num_factors)`).
use actinf::Model;
use actinf::inference::Window;

actinf::model! {
    pub Walk { factors { Cell: 3 controlled_by 2 } modalities { Sight: 3 depends_on [Cell] } }
}

fn main() {
    let model = Model::<f64, Walk>::uniform();
    let _ = Window::<f64, Walk, 3>::from_history(*model.d(), [[0], [1], [2]], [[0], [1], [1]]);
}
