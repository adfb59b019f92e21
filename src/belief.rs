//! Beliefs over hidden states: one agent's ([`Belief`]) and a batch's ([`Beliefs`]).

use core::fmt;
use core::ops::{Index, IndexMut};

use nalgebra::SVector;

use crate::error::{Error, Tensor};
use crate::model::check_factor_vectors;
use crate::real::Real;
use crate::spec::{FactorList, HasFactor, Spec};
use crate::types::{FactorInputOf, FactorVectorsOf};

/// One agent's marginal beliefs: a categorical distribution per hidden-state factor
/// (pymdp's `qs` for one batch element, without the time axis).
///
/// Also used for empirical priors, which have the same shape.
pub struct Belief<T: Real, S: Spec>(pub FactorVectorsOf<T, S>);

/// The beliefs of a batch of `B` agents. A different type from [`Belief`] even for `B = 1`,
/// so a missing batch axis is a compile error.
pub struct Beliefs<T: Real, S: Spec, const B: usize>(pub [Belief<T, S>; B]);

impl<T: Real, S: Spec> Clone for Belief<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec> Copy for Belief<T, S> {}
impl<T: Real, S: Spec> PartialEq for Belief<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<T: Real, S: Spec> fmt::Debug for Belief<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        for i in 0..<S::Factors as FactorList>::LEN {
            l.entry(&self.factor(i));
        }
        l.finish()
    }
}
impl<T: Real, S: Spec> fmt::Display for Belief<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..<S::Factors as FactorList>::LEN {
            if i > 0 {
                f.write_str("  ")?;
            }
            write!(f, "{}: [", <S::Factors as FactorList>::name(i))?;
            for (k, v) in self.factor(i).iter().enumerate() {
                if k > 0 {
                    f.write_str(", ")?;
                }
                match f.precision() {
                    Some(p) => write!(f, "{v:.p$}")?,
                    None => write!(f, "{v:.3}")?,
                }
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl<T: Real, S: Spec> Belief<T, S> {
    /// Uniform beliefs, `1/N_f` for every factor.
    pub fn uniform() -> Self {
        Belief(<S::Factors as FactorList>::uniform())
    }

    /// Beliefs from plain arrays, one `[T; N_f]` per factor (see [`list!`](crate::list!)),
    /// checked to be probability vectors.
    ///
    /// ```
    /// # actinf::model! { pub Two { factors { Fa: 2, Fb: 3 } modalities { Ob: 2 depends_on [Fa] } } }
    /// let q = actinf::Belief::<f64, Two>::new(actinf::list![[0.5, 0.5], [0.2, 0.3, 0.5]])?;
    /// assert_eq!(q.factor(1), &[0.2, 0.3, 0.5]);
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn new(input: FactorInputOf<T, S>) -> Result<Self, Error> {
        let q = <S::Factors as FactorList>::from_input(&input);
        check_factor_vectors::<T, S>(&q, Tensor::Belief, true)?;
        Ok(Belief(q))
    }

    /// Beliefs from plain arrays without checks (for priors that need not be normalised).
    pub fn from_input_unchecked(input: FactorInputOf<T, S>) -> Self {
        Belief(<S::Factors as FactorList>::from_input(&input))
    }

    /// Factor `f`'s marginal as a slice (empty if there is no factor `f`).
    pub fn factor(&self, f: usize) -> &[T] {
        <S::Factors as FactorList>::factor(&self.0, f)
    }

    /// Factor `f`'s marginal as a mutable slice.
    pub fn factor_mut(&mut self, f: usize) -> &mut [T] {
        <S::Factors as FactorList>::factor_mut(&mut self.0, f)
    }

    /// The marginal of factor `F`, selected by its marker type.
    pub fn get<F, const N: usize>(&self) -> &SVector<T, N>
    where
        S::Factors: HasFactor<F, N>,
    {
        <S::Factors as HasFactor<F, N>>::get(&self.0)
    }

    /// The most probable state of every factor (lowest index on ties).
    pub fn map_states(&self) -> S::Action {
        let mut out = <S::Action as crate::spec::IndexArray>::zeros();
        for (f, slot) in out.as_mut().iter_mut().enumerate() {
            *slot = crate::action::argmax(self.factor(f));
        }
        out
    }
}

impl<T: Real, S: Spec, const B: usize> Clone for Beliefs<T, S, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec, const B: usize> Copy for Beliefs<T, S, B> {}
impl<T: Real, S: Spec, const B: usize> PartialEq for Beliefs<T, S, B> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<T: Real, S: Spec, const B: usize> fmt::Debug for Beliefs<T, S, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<T: Real, S: Spec, const B: usize> Beliefs<T, S, B> {
    /// The same belief for every agent of the batch (adds the batch axis).
    pub fn splat(q: Belief<T, S>) -> Self {
        Beliefs([q; B])
    }
    /// Uniform beliefs for every agent.
    pub fn uniform() -> Self {
        Self::splat(Belief::uniform())
    }
    /// Iterates over the agents' beliefs.
    pub fn iter(&self) -> core::slice::Iter<'_, Belief<T, S>> {
        self.0.iter()
    }
}

impl<T: Real, S: Spec, const B: usize> From<[Belief<T, S>; B]> for Beliefs<T, S, B> {
    fn from(q: [Belief<T, S>; B]) -> Self {
        Beliefs(q)
    }
}

impl<T: Real, S: Spec, const B: usize> Index<usize> for Beliefs<T, S, B> {
    type Output = Belief<T, S>;
    fn index(&self, b: usize) -> &Belief<T, S> {
        &self.0[b]
    }
}

impl<T: Real, S: Spec, const B: usize> IndexMut<usize> for Beliefs<T, S, B> {
    fn index_mut(&mut self, b: usize) -> &mut Belief<T, S> {
        &mut self.0[b]
    }
}

/// Beliefs for a batch of `B` agents: what a batched [`Agent`](crate::agent::Agent) takes as
/// its prior or posterior. Only [`Beliefs<T, S, B>`] implements it, so one agent's
/// [`Belief`] (or a batch of another size) is rejected with a note on adding the batch axis.
#[diagnostic::on_unimplemented(
    message = "expected the beliefs of a batch of {B} agents, found `{Self}`",
    label = "this is not a `Beliefs<_, _, {B}>`",
    note = "add the batch axis: `Beliefs::splat(q)` repeats one agent's belief {B} times, \
            `Beliefs::from([q0, q1, …])` gives each agent its own"
)]
pub trait BeliefBatch<T: Real, S: Spec, const B: usize> {
    /// The batch.
    fn as_batch(&self) -> &Beliefs<T, S, B>;
}

impl<T: Real, S: Spec, const B: usize> BeliefBatch<T, S, B> for Beliefs<T, S, B> {
    fn as_batch(&self) -> &Beliefs<T, S, B> {
        self
    }
}
