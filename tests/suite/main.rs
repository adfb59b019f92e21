//! The integration tests, one module per concern, built as ONE test binary: one link and one
//! set of monomorphisations instead of one per file (the suite compiled ~40 binaries before).
//! Tests that need their own process stay separate: `ui` (trybuild), `no_alloc` (a counting
//! global allocator), `memory` (run in release by CI, small thread stacks) and `parallel`
//! (feature `parallel`). `cargo test --test suite <module>::` runs one module.

#[path = "../common/mod.rs"]
mod common;

mod action_deps;
mod backward;
mod bad_input;
mod batch_and_large;
mod const_check;
mod envs_cue_chaining;
mod envs_models;
mod envs_sampling;
mod examples_svg_control;
mod examples_svg_grid;
mod hmm_brute_force;
mod io;
mod learning;
mod learning_converges;
mod missing;
mod new_user;
mod panic_audit;
mod parity_bmr;
mod parity_inductive;
mod parity_learning;
mod parity_policies;
mod parity_rollout;
mod parity_sequence;
mod parity_smoothing;
mod parity_spm_mmp;
mod parity_states;
mod parity_vfe;
mod properties;
mod rollout;
mod sequence_agent;
mod sophisticated;
mod stochastic_selection;
mod thermostat;
mod tmaze;
