//! Planning: policies, their expected free energy, the policy posterior and action selection.
//!
//! * [`policy`] — policy tables: the full table (implicit, computed from the index) or a
//!   custom one;
//! * [`efe`] — the expected free energy of every policy (pymdp `infer_policies`) and
//!   `q_π = softmax(γ · neg_efe + ln E)`;
//! * [`select`](mod@select) — from `q_π` to an action (pymdp `sample_action`).

pub mod backward;
pub mod efe;
pub mod inductive;
pub mod policy;
pub mod select;
pub mod sophisticated;

pub use efe::{Efe, EfeTerms, Terms, policy_posterior_into};
pub use policy::{
    ActionIndex, ControlPolicies, CustomPolicies, Policies, PolicySet, decode,
    decode_multi_actions, encode, encode_multi_actions, multiaction_probabilities,
    unique_multiactions,
};
pub use select::{
    ActionSelection, SamplingMode, action_marginals, action_marginals_into, argmax, sample_index,
    select, sharpen_in_place,
};
