//! Agent hyperparameters, with pymdp 1.0's defaults.

use crate::real::Real;

/// How an action is chosen from the policy posterior.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionSelection {
    /// Argmax (lowest index on ties), like pymdp's `"deterministic"` (the default).
    Deterministic,
    /// A draw from `softmax(α · ln q)`, like pymdp's `"stochastic"`; needs the caller's RNG.
    Stochastic,
}

/// What the choice is made over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingMode {
    /// Choose a policy, take its first action (pymdp's `"full"`, the default).
    Full,
    /// Choose each factor's action from its marginal `P(u_f = a) = Σ_{π: π_0f = a} q_π`
    /// (pymdp's `"marginal"`); stochastic draws are independent across factors.
    Marginal,
}

/// Which weight the parameter information gain (novelty) uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoveltyWeight {
    /// pymdp's default, `−(ln S − ln a + ψ(a+1) − ψ(S+1))`.
    Exact,
    /// The legacy heuristic `1/Σα − 1/α`.
    Heuristic,
}

/// Agent hyperparameters. [`Config::default`] is pymdp 1.0's `Agent` defaults: γ = 1, α = 1,
/// 16 FPI iterations, deterministic selection in `full` mode, utility and state information
/// gain on, parameter information gain off.
///
/// ```
/// use actinf::config::{Config, ActionSelection};
/// let cfg = Config::<f64>::default().gamma(16.0).action_selection(ActionSelection::Stochastic);
/// assert_eq!(cfg.gamma, 16.0);
/// assert!(cfg.use_states_info_gain && !cfg.use_param_info_gain);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config<T> {
    /// Policy precision γ in `q_π = softmax(γ · neg_efe + ln E)`.
    pub gamma: T,
    /// Action precision α for stochastic selection.
    pub alpha: T,
    /// Number of FPI sweeps for multi-factor models.
    pub num_iter: usize,
    /// Include expected utility `Σ_m qo_m · C_m`.
    pub use_utility: bool,
    /// Include state information gain (epistemic value).
    pub use_states_info_gain: bool,
    /// Include parameter information gain (novelty) for `pA` / `pB`, when the model has them.
    pub use_param_info_gain: bool,
    /// The novelty weight.
    pub novelty_weight: NoveltyWeight,
    /// Deterministic or stochastic selection.
    pub action_selection: ActionSelection,
    /// Full (policy) or marginal (per factor) selection.
    pub sampling_mode: SamplingMode,
}

impl<T: Real> Default for Config<T> {
    fn default() -> Self {
        Config {
            gamma: T::one(),
            alpha: T::one(),
            num_iter: crate::inference::DEFAULT_NUM_ITER,
            use_utility: true,
            use_states_info_gain: true,
            use_param_info_gain: false,
            novelty_weight: NoveltyWeight::Exact,
            action_selection: ActionSelection::Deterministic,
            sampling_mode: SamplingMode::Full,
        }
    }
}

impl<T: Real> Config<T> {
    /// Sets γ.
    pub fn gamma(mut self, gamma: T) -> Self {
        self.gamma = gamma;
        self
    }
    /// Sets α.
    pub fn alpha(mut self, alpha: T) -> Self {
        self.alpha = alpha;
        self
    }
    /// Sets the number of FPI sweeps.
    pub fn num_iter(mut self, n: usize) -> Self {
        self.num_iter = n;
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
    /// Switches parameter information gain on or off.
    pub fn use_param_info_gain(mut self, on: bool) -> Self {
        self.use_param_info_gain = on;
        self
    }
    /// Sets the novelty weight.
    pub fn novelty_weight(mut self, w: NoveltyWeight) -> Self {
        self.novelty_weight = w;
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

    /// Checks γ and α are finite and non-negative.
    pub(crate) fn check(&self) -> Result<(), crate::Error> {
        use crate::error::{Entry, Error, Problem, Tensor};
        for (i, (name, v)) in [("gamma", self.gamma), ("alpha", self.alpha)]
            .into_iter()
            .enumerate()
        {
            let problem = if !v.is_finite() {
                Some(Problem::NotFinite {
                    value: crate::real::to_f64(v),
                })
            } else if v < T::zero() {
                Some(Problem::Negative {
                    value: crate::real::to_f64(v),
                })
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
