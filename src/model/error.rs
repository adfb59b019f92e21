//! Typed errors for invalid model data and invalid runtime inputs.
//!
//! Every error names the tensor, the modality or factor (by position and name), the entry or
//! column, and the offending value, and prints like pymdp's indexing:
//! `A[1] ("reward"): column [:, 2, 0] sums to 0.97, not 1`.

use core::fmt;

/// Largest `|Σ − 1|` accepted for a column that should be a probability distribution.
///
/// This is pymdp's `validate_normalization` tolerance (`jnp.isclose(sum, 1)`: `atol = 1e-8`,
/// `rtol = 1e-5`), loose enough for `f32` data and tight enough to catch a wrong entry.
pub const NORMALISATION_TOLERANCE: f64 = 1e-8 + 1e-5;

/// Which tensor an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tensor {
    /// Observation likelihood `A[m]`.
    A,
    /// Transition `B[f]`.
    B,
    /// Preferences `C[m]`.
    C,
    /// Initial-state prior `D[f]`.
    D,
    /// Policy prior (habits) `E`.
    E,
    /// Dirichlet concentrations over `A[m]`.
    PA,
    /// Dirichlet concentrations over `B[f]`.
    PB,
    /// Dirichlet concentrations over `D[f]`.
    PD,
    /// An empirical prior passed to state inference.
    Prior,
    /// A posterior belief over states.
    Belief,
    /// A categorical (probability-vector) observation.
    Observation,
    /// A policy posterior `q_pi`.
    PolicyPosterior,
    /// A policy table.
    Policies,
    /// A scalar hyperparameter (γ, α); `name` says which.
    Hyperparameter,
    /// An inference window (observation and action history).
    Window,
    /// An argument of Bayesian model reduction ([`learn::reduction`](crate::learn::reduction)):
    /// `name` says which (`q` posterior, `p` prior, `r` reduced prior, `s` reduced posterior,
    /// `F` evidence changes) and `index` the column.
    Reduction,
    /// Goal states `H[f]` of inductive inference (0/1 per state).
    H,
    /// A computed `neg_efe` (minus the expected free energy) or one of its terms, per policy
    /// (and step): reported when the model's numbers (e.g. preferences `C` near the float
    /// limit) make it overflow, instead of returning a non-finite value.
    NegEfe,
    /// An action: one index per state factor (`index` is the factor).
    Action,
    /// A control action: one index per control factor (`index` is the control factor), see
    /// [`ControlLayout`](crate::spec::ControlLayout).
    ControlAction,
}

impl Tensor {
    fn label(self) -> &'static str {
        match self {
            Tensor::A => "A",
            Tensor::B => "B",
            Tensor::C => "C",
            Tensor::D => "D",
            Tensor::E => "E",
            Tensor::PA => "pA",
            Tensor::PB => "pB",
            Tensor::PD => "pD",
            Tensor::Prior => "empirical_prior",
            Tensor::Belief => "qs",
            Tensor::Observation => "observation",
            Tensor::PolicyPosterior => "q_pi",
            Tensor::Policies => "policies",
            Tensor::Hyperparameter => "hyperparameter",
            Tensor::Window => "window",
            Tensor::Reduction => "model reduction",
            Tensor::H => "H",
            Tensor::NegEfe => "neg_efe",
            Tensor::Action => "action",
            Tensor::ControlAction => "control_action",
        }
    }

    /// Whether the tensor is indexed per modality (as opposed to per factor).
    fn per_modality(self) -> bool {
        matches!(
            self,
            Tensor::A | Tensor::C | Tensor::PA | Tensor::Observation
        )
    }
}

/// Maximum number of axes an [`Entry`] records (outcome axis plus up to 7 parents).
pub const MAX_AXES: usize = 8;

/// Position of an entry (or, with `column = true`, a column) inside a tensor, in pymdp's axis
/// order: `A[m][o, s_1, …, s_k]`, `B[f][s', s_deps…, u]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Indices along each axis (only the first `len` are meaningful).
    pub index: [u32; MAX_AXES],
    /// Number of axes.
    pub len: usize,
    /// Whether the first axis is the normalised one and stands for a whole column (`:`).
    pub column: bool,
}

impl Entry {
    /// An entry with the given indices (extra axes beyond [`MAX_AXES`] are dropped).
    pub fn new(indices: &[usize], column: bool) -> Self {
        let mut index = [0u32; MAX_AXES];
        let len = indices.len().min(MAX_AXES);
        for (slot, &i) in index.iter_mut().zip(indices) {
            *slot = u32::try_from(i).unwrap_or(u32::MAX);
        }
        Entry { index, len, column }
    }

    /// The index of a vector entry.
    pub fn at(i: usize) -> Self {
        Entry::new(&[i], false)
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        // `len` is public: never read past the stored axes, whatever it says.
        for (k, i) in self.index.iter().take(self.len).enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            if k == 0 && self.column {
                f.write_str(":")?;
            } else {
                write!(f, "{i}")?;
            }
        }
        f.write_str("]")
    }
}

/// What is wrong with a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Problem {
    /// A column that must sum to 1 sums to `sum` instead (beyond [`NORMALISATION_TOLERANCE`]).
    NotNormalised {
        /// The column's sum.
        sum: f64,
    },
    /// A probability or concentration is negative.
    Negative {
        /// The value found.
        value: f64,
    },
    /// A value is NaN or infinite.
    NotFinite {
        /// The value found.
        value: f64,
    },
    /// A Dirichlet concentration column has no positive mass.
    ZeroConcentration,
    /// Runtime data has the wrong number of entries.
    WrongLength {
        /// The length the model requires.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A tensor read at run time has the wrong number of axes.
    WrongRank {
        /// The number of axes the model requires.
        expected: usize,
        /// The number found.
        found: usize,
    },
    /// A tensor read at run time has the wrong size along an axis.
    WrongShape {
        /// The axis (0 = outcome or next-state axis, in pymdp's order).
        axis: u32,
        /// The size the model requires.
        expected: u32,
        /// The size found.
        found: u32,
    },
    /// A parameter the configuration needs was not given (e.g. parameter information gain
    /// without `pA` or `pB`).
    Missing,
    /// An index (observation outcome or action) is past the end of its axis.
    OutOfRange {
        /// The index given.
        value: usize,
        /// The axis length.
        len: usize,
    },
    /// A rate that must lie in `(0, 1]` (a retention factor) does not.
    NotARate {
        /// The value given.
        value: f64,
    },
    /// A window got two observations without an action between them.
    ActionExpected,
    /// A window got an action before any observation, or two actions in a row.
    ObservationExpected,
    /// An indicator (a goal of inductive inference) is neither 0 nor 1.
    NotBinary {
        /// The value given.
        value: f64,
    },
    /// A number of inference sweeps (`num_iter`, [`Sweeps`](crate::infer::Sweeps)) is 0: no
    /// sweep would run, and the posterior would be uniform, ignoring the observation and the
    /// prior.
    ZeroIterations,
    /// Inductive inference needs the transition of a factor with goals to depend on that
    /// factor alone (pymdp's `I` assumes `B_dependencies[f] == [f]`).
    NotFactorLocal,
    /// Two state factors' actions imply different actions of the same control factor
    /// (decoding actions into control actions, pymdp `decode_multi_actions`).
    ControlMismatch {
        /// The control factor.
        control: u32,
        /// The action one factor implies for it.
        first: u32,
        /// The action another factor implies for it.
        second: u32,
    },
    /// Marginal action selection on a model with control factors: each state factor's
    /// marginal would be sampled on its own, and two factors driven by the same control factor
    /// could disagree (pymdp forces `sampling_mode="full"` there).
    MarginalWithControls,
}

/// An invalid tensor or input, with enough context to find it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Error {
    /// The tensor concerned.
    pub tensor: Tensor,
    /// Modality or factor position (per-modality tensors use the modality, others the factor);
    /// for batched inputs, see `agent`.
    pub index: usize,
    /// Name of that modality or factor (empty when not applicable).
    pub name: &'static str,
    /// The entry or column concerned.
    pub entry: Entry,
    /// Batch element concerned, for batched calls.
    pub agent: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

impl Error {
    pub(crate) fn new(
        tensor: Tensor,
        index: usize,
        name: &'static str,
        entry: Entry,
        problem: Problem,
    ) -> Self {
        Error {
            tensor,
            index,
            name,
            entry,
            agent: None,
            problem,
        }
    }

    /// The same error, attributed to batch element `b`.
    pub fn in_agent(mut self, b: usize) -> Self {
        self.agent = Some(b);
        self
    }

    /// The same error, about modality or factor `index` named `name`.
    pub(crate) fn at(mut self, index: usize, name: &'static str) -> Self {
        self.index = index;
        self.name = name;
        self
    }
}

/// A wrong-length error for runtime data.
pub(crate) fn wrong_length(tensor: Tensor, expected: usize, found: usize) -> Error {
    Error::new(
        tensor,
        0,
        "",
        Entry::at(0),
        Problem::WrongLength { expected, found },
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(b) = self.agent {
            write!(f, "agent {b}: ")?;
        }
        let what = if self.tensor.per_modality() {
            "modality"
        } else if self.tensor == Tensor::ControlAction {
            "control factor"
        } else {
            "factor"
        };
        match self.tensor {
            Tensor::E
            | Tensor::PolicyPosterior
            | Tensor::Policies
            | Tensor::Window
            | Tensor::NegEfe => write!(f, "{}", self.tensor.label())?,
            Tensor::Hyperparameter => write!(f, "hyperparameter `{}`", self.name)?,
            Tensor::Reduction => write!(
                f,
                "{} `{}`, column {}",
                self.tensor.label(),
                self.name,
                self.index
            )?,
            _ => write!(
                f,
                "{}[{}] ({} \"{}\")",
                self.tensor.label(),
                self.index,
                what,
                self.name
            )?,
        }
        match self.problem {
            Problem::NotNormalised { sum } => write!(
                f,
                ": column {} sums to {sum}, not 1 (tolerance {NORMALISATION_TOLERANCE:e})",
                self.entry
            ),
            Problem::Negative { value } => {
                write!(f, ": entry {} is negative ({value})", self.entry)
            }
            Problem::NotFinite { value } => {
                write!(f, ": entry {} is not finite ({value})", self.entry)
            }
            Problem::ZeroConcentration => {
                write!(f, ": column {} has no positive concentration", self.entry)
            }
            Problem::Missing => f.write_str(
                ": required by the configuration but not set \
                 (parameter information gain needs pA or pB)",
            ),
            Problem::WrongLength { expected, found } => {
                write!(f, ": expected {expected} entries, found {found}")
            }
            Problem::WrongRank { expected, found } => {
                write!(f, ": has {found} axes, the model needs {expected}")
            }
            Problem::WrongShape {
                axis,
                expected,
                found,
            } => write!(
                f,
                ": axis {axis} has {found} entries, the model needs {expected}"
            ),
            Problem::OutOfRange { value, len } => write!(
                f,
                ": index {value} is out of range (this axis has {len} entries, 0..={})",
                len.saturating_sub(1)
            ),
            Problem::NotARate { value } => write!(f, ": {value} is outside (0, 1]"),
            Problem::ActionExpected => f.write_str(
                ": a new observation needs the action taken since the last one \
                 (record it with `Window::act`)",
            ),
            Problem::ObservationExpected => {
                f.write_str(": an action must follow an observation (one action per observation)")
            }
            Problem::NotBinary { value } => {
                write!(f, ": entry {} is neither 0 nor 1 ({value})", self.entry)
            }
            Problem::ZeroIterations => f.write_str(
                ": 0 sweeps, at least 1 is needed (no sweep would give a uniform posterior \
                 that ignores the observation and the prior)",
            ),
            Problem::NotFactorLocal => f.write_str(
                ": depends on other factors, but inductive inference needs the transition of a \
                 factor with goals to depend on that factor alone",
            ),
            Problem::ControlMismatch {
                control,
                first,
                second,
            } => write!(
                f,
                ": implies action {second} of control factor {control}, but an earlier factor \
                 implies action {first}"
            ),
            Problem::MarginalWithControls => f.write_str(
                ": marginal sampling cannot keep shared control factors consistent; use \
                 SamplingMode::Full with a model that declares control factors",
            ),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn entry_with_a_length_past_its_axes_displays_without_panicking() {
        let mut e = Entry::new(&[1, 2], false);
        e.len = 100;
        assert_eq!(e.to_string(), "[1, 2, 0, 0, 0, 0, 0, 0]");
        assert_eq!(Entry::new(&[7; 12], false).len, MAX_AXES);
    }

    #[test]
    fn display_names_tensor_column_and_value() {
        let e = Error::new(
            Tensor::A,
            1,
            "reward",
            Entry::new(&[0, 2, 0], true),
            Problem::NotNormalised { sum: 0.97 },
        );
        assert_eq!(
            e.to_string(),
            "A[1] (modality \"reward\"): column [:, 2, 0] sums to 0.97, not 1 (tolerance 1.001e-5)"
        );
        let e = Error::new(
            Tensor::B,
            0,
            "location",
            Entry::new(&[3, 1, 2], false),
            Problem::Negative { value: -0.5 },
        )
        .in_agent(4);
        assert_eq!(
            e.to_string(),
            "agent 4: B[0] (factor \"location\"): entry [3, 1, 2] is negative (-0.5)"
        );
    }
}
