// `get::<Pos, 3>()` on a 4-state `Pos`: the state count is wrong, not the factor.
use actinf::Belief;

actinf::model! {
    pub Grid {
        factors { Pos: 4 controlled_by 4 }
        modalities { Seen: 4 depends_on [Pos] }
    }
}

fn main() {
    let q = Belief::<f64, Grid>::uniform();
    let _ = q.get::<Pos, 3>();
}
