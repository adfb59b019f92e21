//! # actinf — active inference for discrete POMDPs, with compile-time shapes
//!
//! `actinf` does what [pymdp](https://github.com/infer-actively/pymdp) (JAX backend, 1.0.x)
//! does — generative models `A`/`B`/`C`/`D` with Dirichlet priors, state inference, expected
//! free energy, action selection — but every model dimension is a type-level constant:
//! states and actions per factor, outcomes per modality, dependencies, batch size, policy
//! length and count. A shape mistake does not compile; bad *values* (a column that does not
//! sum to 1, a NaN, an observation index out of range) come back as a typed [`Error`].
//!
//! It is `no_std` (disable the default `std` feature, enable `libm`), never allocates in a
//! step, and bounds the work of every call, so a step takes a predictable time.
//!
//! ```
//! actinf::model! {
//!     /// A light that is on or off, seen through a noisy sensor.
//!     pub Light {
//!         factors { Lamp: 2 controlled_by 2 }
//!         modalities { Sensor: 2 depends_on [Lamp] }
//!     }
//! }
//! use actinf::{Belief, Model, list, inference};
//!
//! let model = Model::<f64, Light>::new(
//!     &list![[[0.9, 0.2], [0.1, 0.8]]],                          // A: P(sensor | lamp)
//!     &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]], // B: action u switches to u
//!     &list![[0.0, 1.0]],                                        // C: prefers "on" readings
//!     &list![[0.5, 0.5]],                                        // D
//! )?;
//! let prior = Belief::new(list![[0.5, 0.5]])?;
//! let q = inference::infer_states(&model, &[1], &prior, 16)?;
//! assert!(q.factor(0)[1] > 0.8);
//! let next = inference::update_empirical_prior(&model, &[0], &q)?; // switch off
//! assert!((next.factor(0)[0] - 1.0).abs() < 1e-12 && next.factor(0)[1] == 0.0);
//! # Ok::<(), actinf::Error>(())
//! ```
//!
//! # Random numbers and `nalgebra`: which versions
//!
//! Stochastic calls (action sampling, rollouts, random models) take any `rand` **0.10**
//! [`Rng`](rand::Rng); vectors are `nalgebra` **0.35** types. Both crates are re-exported
//! as [`actinf::rand`](rand) and [`actinf::nalgebra`](nalgebra), so a crate that depends on
//! another major version of `rand` (whose `Rng` is a different trait) does not need a second
//! dependency line: build the generator through the re-export.
//!
//! ```
//! use actinf::rand::{SeedableRng, rngs::SmallRng};
//! let mut rng = SmallRng::seed_from_u64(7); // a rand 0.10 generator, whatever your crate uses
//! let x: f64 = actinf::rand::RngExt::random(&mut rng);
//! assert!((0.0..1.0).contains(&x));
//! ```
//!
//! # Layout
//!
//! The modules follow the stages of an agent's step:
//!
//! * [`spec`] — the type-level model description (structure only) and its [`Layout`](spec::Layout);
//! * [`maths`] — numerical kernels over slices and vectors;
//! * [`model`](mod@model) — the generative model, Dirichlet priors, beliefs, observations, errors;
//! * [`konst`] — models written as constants, checked when they compile;
//! * [`infer`] — state inference (FPI) and the empirical prior;
//! * [`plan`] — policies, expected free energy, action selection;
//! * [`agent`] — the batched [`Agent`] and its configuration;
//! * [`batch`] — shared and per-agent parameters, heap storage for large batches;
//! * [`envs`] — environments.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// The panic audit (issue #13): no `unwrap`, `expect` or unchecked indexing outside an
// `#[allow(…, reason = "…")]` that says why it cannot fail (unit tests are exempt).
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
// Batch loops index several parallel arrays (observations, priors, agents) by `b`.
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use nalgebra;
pub use rand;

pub mod agent;
pub mod batch;
pub mod envs;
pub mod infer;
#[cfg(feature = "serde")]
pub mod io;
pub mod konst;
pub mod learn;
mod macros;
pub mod maths;
pub mod model;
pub mod plan;
pub mod rollout;
pub mod spec;
pub mod types;

pub use agent::{Agent, Config};
pub use batch::{PerAgent, Shared};
pub use maths::Real;
pub use model::{
    Belief, BeliefBatch, BeliefBatchMut, Beliefs, Categorical, DirichletA, DirichletB, DirichletD,
    Error, MISSING, Model, NORMALISATION_TOLERANCE, Pairwise, Problem, Tensor,
};
pub use plan::{ControlPolicies, CustomPolicies, Policies, PolicySet};
pub use spec::{Factor, Modality, Spec};

/// State inference (the path of earlier releases; see [`infer`]).
pub mod inference {
    pub use crate::infer::*;
}

/// Policies (the path of earlier releases; see [`plan::policy`]).
pub mod policy {
    pub use crate::plan::policy::*;
}

/// Expected free energy (the path of earlier releases; see [`plan::efe`]).
pub mod control {
    pub use crate::plan::efe::*;
}

/// Action selection (the path of earlier releases; see [`plan::select`](mod@crate::plan::select)).
pub mod action {
    pub use crate::plan::select::*;
}

/// Agent hyperparameters (the path of earlier releases; see [`agent::config`]).
pub mod config {
    pub use crate::agent::config::*;
    pub use crate::maths::NoveltyWeight;
    pub use crate::plan::{ActionSelection, SamplingMode};
}

/// Beliefs (the path of earlier releases; see [`model`](mod@model)).
pub mod belief {
    pub use crate::model::{Belief, BeliefBatch, BeliefBatchMut, Beliefs};
}

/// Observations (the path of earlier releases; see [`model`](mod@model)).
pub mod observation {
    pub use crate::model::{Categorical, MISSING, check_observation};
}

/// Errors (the path of earlier releases; see [`model`](mod@model)).
pub mod error {
    pub(crate) use crate::model::error::wrong_length;
    pub use crate::model::{Entry, Error, MAX_AXES, NORMALISATION_TOLERANCE, Problem, Tensor};
}
