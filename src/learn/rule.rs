//! How an agent learns: learning rates, which parameters, how often each observation is
//! counted, what happens to structural zeros, and forgetting.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{NoveltyWeight, Real};

/// What becomes of a cell whose count is exactly zero (a "structural zero": an outcome the
/// model says is impossible).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zeros {
    /// actinf's default: a zero count stays zero — updates do not add to it and the expected
    /// value there is exactly 0 (`E = p / Σp`). A column whose counts are all zero is an error.
    #[default]
    Keep,
    /// pymdp 1.0.4: updates add to every cell and the expected value clips at `MINVAL` before
    /// normalising, so a forbidden cell becomes possible and grows (upstream issue #453); an
    /// all-zero column becomes uniform. For parity with pymdp.
    Pymdp,
}

/// Which steps of a window an update counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Counting {
    /// actinf's default for online learning: the latest step only (its observation for `A`,
    /// the transition into it for `B`), so each observation is counted once if the agent
    /// learns after every step.
    #[default]
    Latest,
    /// Every valid step of the window: what pymdp's `infer_parameters` does with the history
    /// it is given — right once at the end of an episode (offline learning); called every
    /// step it re-counts each observation up to `H` times (pymdp's online rollout, inventory
    /// §3.4), a compatibility mode.
    Window,
}

/// Forgetting (opt-in; pymdp has none). Applied to the counts before each update.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Forgetting<T> {
    /// No forgetting (pymdp).
    #[default]
    None,
    /// ActiveInference.jl's rule, decay toward zero: `p ← rate · p + lr · Δ` (`0 < rate ≤ 1`;
    /// `Δ` masked where `A > 0`, as with [`Zeros::Keep`]). Old evidence fades with half-life
    /// `ln 2 / −ln rate` updates; the counts settle near `lr · Δ / (1 − rate)`.
    Decay {
        /// The retention factor `rate` in `(0, 1]`.
        rate: T,
    },
}

/// A learning rule: rates and options for [`infer_parameters`](crate::Agent::infer_parameters)
/// and the counting kernels.
///
/// ```
/// use actinf::learn::{Counting, Learning, Zeros};
/// let rule = Learning::<f64>::new(0.8, 0.6).counting(Counting::Window).zeros(Zeros::Pymdp);
/// assert!(rule.check().is_ok());
/// assert!(Learning::<f64>::new(f64::NAN, 1.0).check().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Learning<T> {
    /// Learning rate of `pA` (pymdp `lr_pA`).
    pub lr_a: T,
    /// Learning rate of `pB` (pymdp `lr_pB`).
    pub lr_b: T,
    /// Structural zeros (default: kept).
    pub zeros: Zeros,
    /// Which steps are counted (default: the latest).
    pub counting: Counting,
    /// Forgetting (default: none).
    pub forgetting: Forgetting<T>,
    /// Modalities whose `A` is learned (bit `m`; default: all).
    pub modalities: u64,
    /// Factors whose `B` is learned (bit `f`; default: all).
    pub factors: u64,
    /// How novelty weights are recomputed from the new counts, for an agent that has them
    /// (default: pymdp's exact form).
    pub novelty: NoveltyWeight,
}

impl<T: Real> Learning<T> {
    /// Learning rates for `pA` and `pB`, every modality and factor, each step counted once,
    /// structural zeros kept, no forgetting.
    pub fn new(lr_a: impl Into<f64>, lr_b: impl Into<f64>) -> Self {
        Learning {
            lr_a: T::lit(lr_a.into()),
            lr_b: T::lit(lr_b.into()),
            zeros: Zeros::Keep,
            counting: Counting::Latest,
            forgetting: Forgetting::None,
            modalities: u64::MAX,
            factors: u64::MAX,
            novelty: NoveltyWeight::Exact,
        }
    }

    /// pymdp 1.0.4's behaviour: every step of the history counted, zeros clipped.
    pub fn pymdp(lr_a: impl Into<f64>, lr_b: impl Into<f64>) -> Self {
        Self::new(lr_a, lr_b)
            .counting(Counting::Window)
            .zeros(Zeros::Pymdp)
    }

    /// Sets the structural-zero policy.
    pub fn zeros(mut self, zeros: Zeros) -> Self {
        self.zeros = zeros;
        self
    }

    /// Sets which steps are counted.
    pub fn counting(mut self, counting: Counting) -> Self {
        self.counting = counting;
        self
    }

    /// Sets forgetting.
    pub fn forgetting(mut self, forgetting: Forgetting<T>) -> Self {
        self.forgetting = forgetting;
        self
    }

    /// Learns `A` only for the modalities in `mask` (bit `m` for modality `m`).
    pub fn modalities(mut self, mask: u64) -> Self {
        self.modalities = mask;
        self
    }

    /// Learns `B` only for the factors in `mask` (bit `f` for factor `f`).
    pub fn factors(mut self, mask: u64) -> Self {
        self.factors = mask;
        self
    }

    /// Sets how novelty weights are recomputed after learning.
    pub fn novelty(mut self, weight: NoveltyWeight) -> Self {
        self.novelty = weight;
        self
    }

    /// Checks the rates: learning rates finite and non-negative, a decay rate in `(0, 1]`.
    pub fn check(&self) -> Result<(), Error> {
        check_rate(self.lr_a, "lr_pA")?;
        check_rate(self.lr_b, "lr_pB")?;
        if let Forgetting::Decay { rate } = self.forgetting {
            let ok = rate.is_finite() && rate > T::ZERO && rate <= T::ONE;
            if !ok {
                return Err(Error::new(
                    Tensor::Hyperparameter,
                    0,
                    "forgetting rate",
                    Entry::at(0),
                    Problem::NotARate {
                        value: rate.as_f64(),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Whether modality `m`'s `A` is learned.
    pub fn learns_modality(&self, m: usize) -> bool {
        m < 64 && self.modalities & (1 << m) != 0
    }

    /// Whether factor `f`'s `B` is learned.
    pub fn learns_factor(&self, f: usize) -> bool {
        f < 64 && self.factors & (1 << f) != 0
    }
}

/// A learning rate: finite and non-negative.
pub(crate) fn check_rate<T: Real>(lr: T, name: &'static str) -> Result<(), Error> {
    if lr.is_finite() && lr >= T::ZERO {
        Ok(())
    } else {
        Err(hyper(name, lr))
    }
}

fn hyper<T: Real>(name: &'static str, value: T) -> Error {
    let v = value.as_f64();
    let problem = if v.is_finite() {
        Problem::Negative { value: v }
    } else {
        Problem::NotFinite { value: v }
    };
    Error::new(Tensor::Hyperparameter, 0, name, Entry::at(0), problem)
}
