//! Agent hyperparameters, with pymdp 1.0's defaults.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::{DEFAULT_NUM_ITER, Sweeps};
use crate::maths::Real;
use crate::plan::{ActionSelection, SamplingMode};

/// Agent hyperparameters. [`Config::default`] is pymdp 1.0's `Agent` defaults: γ = 1, α = 1,
/// 16 FPI iterations, deterministic selection in `full` mode, utility and state information
/// gain on.
///
/// Parameter information gain is not a flag here: an agent computes it when it has novelty
/// weights ([`Agent::with_novelty_a`](crate::Agent::with_novelty_a),
/// [`with_novelty_b`](crate::Agent::with_novelty_b)), which need Dirichlet concentrations,
/// so asking for it without `pA` or `pB` does not compile.
///
/// ```
/// use actinf::config::{Config, ActionSelection};
/// let cfg = Config::<f64>::default().gamma(16.0).action_selection(ActionSelection::Stochastic);
/// assert_eq!(cfg.gamma, 16.0);
/// assert!(cfg.use_states_info_gain);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config<T> {
    /// Policy precision γ in `q_π = softmax(γ · neg_efe + ln E)`.
    pub gamma: T,
    /// Action precision α for stochastic selection.
    pub alpha: T,
    /// Number of FPI sweeps for multi-factor models.
    pub num_iter: usize,
    /// Run every sweep even after an exact fixed point (constant step time); by default the
    /// sweeps stop there, which gives bit-identical results.
    pub constant_time: bool,
    /// Include expected utility `Σ_m qo_m · C_m`.
    pub use_utility: bool,
    /// Include state information gain (epistemic value).
    pub use_states_info_gain: bool,
    /// Deterministic or stochastic selection.
    pub action_selection: ActionSelection,
    /// Full (policy) or marginal (per factor) selection.
    pub sampling_mode: SamplingMode,
}

impl<T: Real> Default for Config<T> {
    fn default() -> Self {
        Config {
            gamma: T::ONE,
            alpha: T::ONE,
            num_iter: DEFAULT_NUM_ITER,
            constant_time: false,
            use_utility: true,
            use_states_info_gain: true,
            action_selection: ActionSelection::Deterministic,
            sampling_mode: SamplingMode::Full,
        }
    }
}

impl<T: Real> Config<T> {
    /// Sets γ (any float literal converts, so this reads the same in code generic over `T`).
    pub fn gamma(mut self, gamma: impl Into<f64>) -> Self {
        self.gamma = T::lit(gamma.into());
        self
    }
    /// Sets α.
    pub fn alpha(mut self, alpha: impl Into<f64>) -> Self {
        self.alpha = T::lit(alpha.into());
        self
    }
    /// Sets the number of FPI sweeps (at least 1: [`check`](Self::check) rejects 0).
    pub fn num_iter(mut self, n: usize) -> Self {
        self.num_iter = n;
        self
    }
    /// Runs every FPI sweep (constant step time) instead of stopping at an exact fixed point.
    pub fn constant_time(mut self, on: bool) -> Self {
        self.constant_time = on;
        self
    }
    /// Switches expected utility on or off.
    pub fn use_utility(mut self, on: bool) -> Self {
        self.use_utility = on;
        self
    }
    /// Switches state information gain on or off.
    pub fn use_states_info_gain(mut self, on: bool) -> Self {
        self.use_states_info_gain = on;
        self
    }
    /// Sets deterministic or stochastic selection.
    pub fn action_selection(mut self, s: ActionSelection) -> Self {
        self.action_selection = s;
        self
    }
    /// Sets full or marginal selection.
    pub fn sampling_mode(mut self, m: SamplingMode) -> Self {
        self.sampling_mode = m;
        self
    }

    /// The FPI sweep policy this configuration asks for.
    pub fn sweeps(&self) -> Sweeps {
        if self.constant_time {
            Sweeps::Fixed(self.num_iter)
        } else {
            Sweeps::UpTo(self.num_iter)
        }
    }

    /// Checks γ and α are finite and non-negative, and `num_iter` at least 1
    /// ([`Problem::ZeroIterations`]).
    ///
    /// ```
    /// use actinf::config::Config;
    /// assert!(Config::<f64>::default().check().is_ok());
    /// let e = Config::<f64>::default().num_iter(0).check().unwrap_err();
    /// assert_eq!(e.problem, actinf::error::Problem::ZeroIterations);
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        self.sweeps().check()?;
        for (i, (name, v)) in [("gamma", self.gamma), ("alpha", self.alpha)]
            .into_iter()
            .enumerate()
        {
            let problem = if !v.is_finite() {
                Some(Problem::NotFinite { value: v.as_f64() })
            } else if v < T::ZERO {
                Some(Problem::Negative { value: v.as_f64() })
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(Error::new(Tensor::Hyperparameter, i, name, Entry::at(0), p));
            }
        }
        Ok(())
    }
}
