//! Learning: Dirichlet updates of the model's parameters from what the agent observed, with
//! structural zeros kept, optional forgetting, and Bayesian model reduction.
//!
//! * [`rule`] — a [`Learning`] rule: rates, which modalities and factors, counting each step
//!   once or the whole window, structural zeros, forgetting;
//! * [`count`] — the counting kernels (`pA`, `pB`, `pD`) and the expected values written into
//!   a model;
//! * [`reduction`] — Bayesian model reduction: the evidence for a reduced Dirichlet prior
//!   computed from the full model's posterior, without refitting (SPM's
//!   `spm_MDP_log_evidence`).
//!
//! An agent learns through [`Agent::infer_parameters`](crate::Agent::infer_parameters), which
//! counts a window's steps with the beliefs of its inference method (smoothed for OVF and
//! exact) and refreshes the agent's model and novelty weights.

pub mod count;
pub mod reduction;
pub mod rule;

pub use count::{
    count_a, count_a_categorical, count_b, count_b_pairwise, count_d, expected_a, expected_b,
    expected_d, forget_a, forget_a_toward, forget_b, forget_b_toward, forget_toward,
};
pub use reduction::{dirichlet_log_evidence, dirichlet_log_evidence_columns};
pub use rule::{Counting, Forgetting, Learning, Zeros};
