// A constant likelihood whose axes do not match the spec (parents swapped) does not compile.
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

// Written as [outcome][context][location]: the spec says [outcome][location][context].
const A_REWARD: [[[f64; 4]; 2]; 3] = [[[0.0; 4]; 2]; 3];
actinf::check_a!(TMaze, Reward, A_REWARD);

fn main() {}
