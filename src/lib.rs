//! # actinf — active inference for discrete POMDPs, with compile-time shapes
//!
//! `actinf` does what [pymdp](https://github.com/infer-actively/pymdp) (JAX backend, 1.0.x)
//! does — generative models `A`/`B`/`C`/`D` with Dirichlet priors, state inference, expected
//! free energy, action selection — but every model dimension is a type-level constant:
//! states and actions per factor, outcomes per modality, dependencies, batch size, policy
//! length and count. A shape mistake does not compile; bad *values* (a column that does not
//! sum to 1, a NaN, an observation index out of range) come back as a typed [`Error`].
//!
//! It is `no_std` (disable the default `std` feature, enable `libm`), never allocates, and
//! uses a fixed number of iterations, so a step takes a predictable time.
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
//!     list![[[0.9, 0.2], [0.1, 0.8]]],                          // A: P(sensor | lamp)
//!     list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]], // B: action u switches to u
//!     list![[0.0, 1.0]],                                        // C: prefers "on" readings
//!     list![[0.5, 0.5]],                                        // D
//! )?;
//! let prior = Belief::new(list![[0.5, 0.5]])?;
//! let q = inference::infer_states(&model, &[1], &prior, 16)?;
//! assert!(q.factor(0)[1] > 0.8);
//! let next = inference::update_empirical_prior(&model, &[0], &q)?; // switch off
//! assert_eq!(next.factor(0), &[1.0, 0.0]);
//! # Ok::<(), actinf::Error>(())
//! ```
//!
//! Modules: [`spec`] (type-level model description), [`maths`] (kernels), [`model`](mod@model) (the
//! generative model), [`inference`] (state inference), [`agent`] (the batched agent).
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// Batch loops index several parallel arrays (observations, priors, agents) by `b`.
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "std")]
extern crate std;

pub use nalgebra;

pub mod action;
pub mod agent;
pub mod belief;
pub mod config;
pub mod control;
pub mod envs;
pub mod error;
pub mod inference;
mod macros;
pub mod maths;
pub mod model;
pub mod observation;
pub mod policy;
mod real;
pub mod spec;
pub mod types;
mod validate;

pub use agent::Agent;
pub use belief::{Belief, BeliefBatch, Beliefs};
pub use config::Config;
pub use error::{Error, NORMALISATION_TOLERANCE, Problem, Tensor};
pub use model::Model;
pub use observation::Categorical;
pub use policy::Policies;
pub use real::Real;
pub use spec::{Factor, Modality, Spec};
