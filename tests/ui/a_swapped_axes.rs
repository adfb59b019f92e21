// `A[Reward]` depends on [Location, Context] (3 x 2), but its state axes are given swapped (2 x 3).
use actinf::Model;

actinf::model! {
    pub Maze {
        factors { Location: 3 controlled_by 3, Context: 2 }
        modalities {
            Place: 3 depends_on [Location],
            Reward: 2 depends_on [Location, Context],
        }
    }
}

fn main() {
    let _ = Model::<f64, Maze>::uniform().with_a::<Reward>(&[
        [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]],
        [[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]],
    ]);
}
