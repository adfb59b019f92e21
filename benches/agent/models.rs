//! The five models pymdp was timed on (`benches/models/*.json`, copies of
//! `shared/bench/models`), as actinf specs, loaded with the library's pymdp JSON loader
//! (`actinf::io::PymdpModel`), and the benchmark configuration.
//!
//! Shared by the benches and by `tests/memory.rs` (`#[path]`-included there).
#![allow(dead_code)]

use actinf::io::PymdpModel;
use actinf::{Config, Model, Real, Spec};

/// M1: pymdp's T-maze (legacy `TMazeEnvNullOutcome`). Every modality depends on both factors.
pub mod m1 {
    actinf::model! {
        pub M1 {
            factors { Loc: 4 controlled_by 4, Ctx: 2 }
            modalities {
                Place: 4 depends_on [Loc, Ctx],
                Reward: 3 depends_on [Loc, Ctx],
                Cue: 3 depends_on [Loc, Ctx],
            }
        }
    }
    /// Policy length and count.
    pub const L: usize = 1;
    /// Number of policies.
    pub const NP: usize = 4;
}

/// M2: a random 8-state, 4-action model (`M2_small_L1` with policy length 1, `M2_small_L3`
/// with 3).
pub mod m2 {
    actinf::model! {
        pub M2 {
            factors { Pos: 8 controlled_by 4 }
            modalities { Obs: 8 depends_on [Pos] }
        }
    }
    /// Number of policies of length 1.
    pub const NP1: usize = 4;
    /// Number of policies of length 3.
    pub const NP3: usize = 64;
}

/// M3: random, Ns = [16, 8], No = [16, 8], controls [4, 1], policies of length 2.
pub mod m3 {
    actinf::model! {
        pub M3 {
            factors { F0: 16 controlled_by 4, F1: 8 }
            modalities {
                O0: 16 depends_on [F0, F1],
                O1: 8 depends_on [F0, F1],
            }
        }
    }
    /// Policy length.
    pub const L: usize = 2;
    /// Number of policies.
    pub const NP: usize = 16;
}

/// M4: a 7×7 grid, 5 moves (deterministic B), A = 0.7·I + 0.3·random, policies of length 3.
pub mod m4 {
    actinf::model! {
        pub M4 {
            factors { Cell: 49 controlled_by 5 }
            modalities { Seen: 49 depends_on [Cell] }
        }
    }
    /// Policy length.
    pub const L: usize = 3;
    /// Number of policies.
    pub const NP: usize = 125;
}

/// `benches/models/<name>.json`, from the bench package (`benches/`) or from the crate root (the
/// memory test includes this file).
fn models_dir(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let here = format!("{root}/models/{name}.json");
    if std::path::Path::new(&here).exists() {
        here
    } else {
        format!("{root}/benches/models/{name}.json")
    }
}

/// Reads `benches/models/<name>.json`.
pub fn file(name: &str) -> serde_json::Value {
    let path = models_dir(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// The model of `<name>.json`, through the library's loader.
pub fn model<T: Real, S: Spec>(name: &str) -> Model<T, S> {
    let path = models_dir(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let pymdp: PymdpModel = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    pymdp
        .model::<T, S>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The model of `<name>.json`, built in place on the heap.
pub fn boxed_model<T: Real, S: Spec>(name: &str) -> Box<Model<T, S>> {
    let path = models_dir(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let pymdp: PymdpModel = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    pymdp
        .boxed_model::<T, S>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The 200-step observation sequence of `<name>.json`, one `[usize; M]` per step.
pub fn observations<const M: usize>(name: &str) -> Vec<[usize; M]> {
    let v = file(name);
    let per_modality = v["obs_seq_single_agent"]["obs"]
        .as_array()
        .expect("obs_seq_single_agent.obs");
    assert_eq!(per_modality.len(), M, "{name}: modality count");
    let t = per_modality[0].as_array().expect("observations").len();
    (0..t)
        .map(|k| core::array::from_fn(|m| per_modality[m][k].as_u64().expect("index") as usize))
        .collect()
}

/// pymdp's benchmark configuration: FPI with 16 sweeps, γ = α = 16, deterministic selection
/// of a whole policy, utility and state information gain.
pub fn config<T: Real>() -> Config<T> {
    Config::default().gamma(16.0).alpha(16.0)
}
