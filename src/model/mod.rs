//! The generative model and what it is made of: tensors, Dirichlet priors, beliefs,
//! observations, errors and validation.
//!
//! * [`Model`] — `A`, `B`, `C`, `D`, validated, with cached `ln A`, `H[A]` and the structure of
//!   `B`;
//! * [`DirichletA`], [`DirichletB`], [`DirichletD`] — concentrations (`pA`, `pB`, `pD`), and
//!   [`NoveltyA`], [`NoveltyB`] — their novelty weights;
//! * [`Belief`], [`Beliefs`] — beliefs over hidden states for one agent or a batch;
//! * [`Categorical`] — probability-vector observations, [`MISSING`] for a modality that saw
//!   nothing;
//! * [`Pairwise`] — joints over two consecutive states (smoothing);
//! * [`Error`] — what is wrong with a tensor or an input, and where;
//! * [`random`] — random models and beliefs (pymdp `random_A_array`, …).

pub(crate) mod belief;
pub(crate) mod dirichlet;
pub(crate) mod error;
#[allow(clippy::module_inception)]
pub(crate) mod model;
pub(crate) mod observation;
pub(crate) mod pairwise;
pub mod random;
pub mod structure;
pub(crate) mod validate;

pub use belief::{Belief, BeliefBatch, BeliefBatchMut, Beliefs};
pub use dirichlet::{DirichletA, DirichletB, DirichletD, NoveltyA, NoveltyB};
pub use error::{Entry, Error, MAX_AXES, NORMALISATION_TOLERANCE, Problem, Tensor};
pub use model::{Model, pymdp_order};
pub use observation::{Categorical, MISSING, check_observation};
pub use pairwise::Pairwise;
