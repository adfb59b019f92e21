// A constant likelihood with a column that does not sum to 1 does not compile.
actinf::model! {
    pub TMaze {
        factors {
            Location: 4 controlled_by 4,
            Context: 2,
        }
        modalities {
            Reward: 3 depends_on [Location, Context],
        }
    }
}

// A[Reward][outcome][location][context]
const A_REWARD: [[[f64; 2]; 4]; 3] = [
    [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]],
    [[0.0, 0.0], [0.98, 0.02], [0.02, 0.98], [0.0, 0.0]],
    [[0.0, 0.0], [0.02, 0.98], [0.98, 0.02], [0.0, 0.1]],
];
actinf::check_a!(TMaze, Reward, A_REWARD);

fn main() {}
