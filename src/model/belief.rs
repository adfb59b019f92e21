//! Beliefs over hidden states: one agent's ([`Belief`]) and a batch's ([`Beliefs`]).

use core::fmt;
use core::ops::{Index, IndexMut};

use nalgebra::SVectorView;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{self, Real};
use crate::model::validate::{self, Column};
use crate::spec::{self, FactorList, Flat, HasFactor, HasStates, Parents, Spec};
use crate::types::FactorInputOf;

/// One agent's marginal beliefs: a categorical distribution per hidden-state factor
/// (pymdp's `qs` for one batch element, without the time axis), stored flat, factor after
/// factor.
///
/// Also used for empirical priors and `D`, which have the same shape.
pub struct Belief<T: Real, S: Spec>(pub(crate) S::States<T>);

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
        for i in 0..spec::num_factors::<S>() {
            l.entry(&self.factor(i));
        }
        l.finish()
    }
}
impl<T: Real, S: Spec> fmt::Display for Belief<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, info) in spec::factors::<S>().iter().enumerate() {
            if i > 0 {
                f.write_str("  ")?;
            }
            write!(f, "{}: [", info.name)?;
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

impl<T: Real, S: Spec> Default for Belief<T, S> {
    fn default() -> Self {
        Self::uniform()
    }
}

impl<T: Real, S: Spec> Belief<T, S> {
    /// All entries zero: a `const` placeholder, e.g. for storage in a `static` that is filled
    /// in place. Not a distribution.
    pub const ZERO: Self = Belief(<S::States<T> as Flat<T>>::ZERO);

    /// Uniform beliefs, `1/N_f` for every factor.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn uniform() -> Self {
        let mut q = Self::ZERO;
        for info in spec::factors::<S>() {
            let u = T::ONE / T::lit(info.states as f64);
            q.0.as_mut()[info.range()].iter_mut().for_each(|x| *x = u);
        }
        q
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
        let q = Self::from_input_unchecked(input);
        q.check(Tensor::Belief, true)?;
        Ok(q)
    }

    /// Beliefs from plain arrays without checks (for priors that need not be normalised).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn from_input_unchecked(input: FactorInputOf<T, S>) -> Self {
        let mut q = Self::ZERO;
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            q.0.as_mut()[info.range()]
                .copy_from_slice(<S::Factors as FactorList>::input_slice(&input, f));
        }
        q
    }

    /// Beliefs from one flat slice (factor after factor), checked to be probability vectors.
    /// A slice of the wrong length is an error.
    pub fn from_slice(x: &[T]) -> Result<Self, Error> {
        let mut q = Self::ZERO;
        let n = q.0.as_ref().len();
        if x.len() != n {
            return Err(Error::new(
                Tensor::Belief,
                0,
                S::NAME,
                Entry::at(0),
                Problem::WrongLength {
                    expected: n,
                    found: x.len(),
                },
            ));
        }
        q.0.as_mut().copy_from_slice(x);
        q.check(Tensor::Belief, true)?;
        Ok(q)
    }

    /// Checks every factor's vector: finite, non-negative and, if `normalised`, summing to 1.
    pub(crate) fn check(&self, tensor: Tensor, normalised: bool) -> Result<(), Error> {
        if !normalised && maths::first_invalid(self.as_slice()).is_none() {
            return Ok(());
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let x = self.factor(f);
            let col = Column::contiguous(x.len());
            let res = if normalised {
                validate::distribution(x, col)
            } else {
                validate::nonnegative(x, col).map_err(|(i, p)| (Some(i), p))
            };
            if let Err((row, problem)) = res {
                let entry = Entry::new(&[row.unwrap_or(0)], row.is_none());
                return Err(Error::new(tensor, f, info.name, entry, problem));
            }
        }
        Ok(())
    }

    /// All factors' marginals, one flat slice (factor after factor).
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self.0.as_ref()
    }

    /// All factors' marginals, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.0.as_mut()
    }

    /// Factor `f`'s marginal as a slice (see [`try_factor`](Self::try_factor) for a checked
    /// variant).
    ///
    /// # Panics
    /// If `f` is not a factor of the model (`f >= F`), with a message naming the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` out of range, with a message (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn factor(&self, f: usize) -> &[T] {
        &self.0.as_ref()[factor_info::<S>(f).range()]
    }

    /// Factor `f`'s marginal, or `None` if `f` is not a factor of the model.
    ///
    /// ```
    /// # actinf::model! { pub Two { factors { Fa: 2, Fb: 3 } modalities { Ob: 2 depends_on [Fa] } } }
    /// let q = actinf::Belief::<f64, Two>::uniform();
    /// assert_eq!(q.try_factor(1).map(<[f64]>::len), Some(3));
    /// assert_eq!(q.try_factor(2), None);
    /// ```
    #[inline]
    pub fn try_factor(&self, f: usize) -> Option<&[T]> {
        let info = spec::factors::<S>().get(f)?;
        self.0.as_ref().get(info.range())
    }

    /// Factor `f`'s marginal as a mutable slice.
    ///
    /// # Panics
    /// If `f` is not a factor of the model (`f >= F`), with a message naming the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` out of range, with a message (documented); the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn factor_mut(&mut self, f: usize) -> &mut [T] {
        &mut self.0.as_mut()[factor_info::<S>(f).range()]
    }

    /// The marginal of factor `F`, selected by its marker type, as an nalgebra vector view
    /// (`N`, its number of states, can be left to inference: `get::<F, _>()`).
    ///
    /// ```
    /// # actinf::model! { pub Two { factors { Fa: 2, Fb: 3 } modalities { Ob: 2 depends_on [Fa] } } }
    /// let q = actinf::Belief::<f64, Two>::uniform();
    /// assert_eq!(q.get::<Fb, _>().len(), 3);
    /// ```
    pub fn get<F, const N: usize>(&self) -> SVectorView<'_, T, N>
    where
        F: HasStates<N>,
        S::Factors: HasFactor<F>,
    {
        let f = <S::Factors as HasFactor<F>>::INDEX;
        SVectorView::<T, N>::from_slice(self.factor(f))
    }

    /// The outer product of the marginals of `parents` (C order, last parent fastest) into
    /// `out[..parents.joint]`: the joint the mean-field approximation assigns to the parent
    /// states of a tensor.
    ///
    /// # Panics
    /// If `parents` names a factor `S` does not have, or `out` is shorter than
    /// `parents.joint` (parents from [`spec::factors`] or [`spec::modalities`] and
    /// `S::Joint` storage always fit).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[allow(
        clippy::indexing_slicing,
        reason = "`parents` come from the model's `Layout` (ids are factors of `S`, `len <= MAX_PARENTS`), and `out` holds at least `parents.joint` entries (documented)"
    )]
    pub fn joint(&self, parents: &Parents, out: &mut [T]) {
        let fs = spec::factors::<S>();
        let all = self.0.as_ref();
        match parents.len {
            0 => {
                if let Some(o) = out.first_mut() {
                    *o = T::ONE;
                }
            }
            1 => {
                let a = &all[fs[parents.ids[0]].range()];
                out[..a.len()].copy_from_slice(a);
            }
            2 => {
                let a = &all[fs[parents.ids[0]].range()];
                let b = &all[fs[parents.ids[1]].range()];
                let nb = b.len();
                for (row, &pa) in out.chunks_exact_mut(nb).zip(a) {
                    for (o, &pb) in row.iter_mut().zip(b) {
                        *o = pa * pb;
                    }
                }
            }
            _ => {
                let mut q: [&[T]; spec::MAX_PARENTS] = [&[]; spec::MAX_PARENTS];
                let n = self.parent_marginals(parents, &mut q);
                maths::outer_into(&q[..n], out);
            }
        }
    }

    /// The outer product of the marginals of the parents selected by `mask` (bit `k` =
    /// parent `k`), in C order over those parents, into `out`; returns its length.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn joint_of(&self, parents: &Parents, mask: u32, out: &mut [T]) -> usize {
        let fs = spec::factors::<S>();
        let all = self.0.as_ref();
        let mut len = 1;
        if let Some(o) = out.first_mut() {
            *o = T::ONE;
        }
        for (k, &id) in parents.ids().iter().enumerate() {
            if (mask >> k) & 1 == 0 {
                continue;
            }
            let q = &all[fs[id].range()];
            let n = q.len();
            for i in (0..len).rev() {
                let w = out[i];
                for (s, &p) in q.iter().enumerate().rev() {
                    out[i * n + s] = w * p;
                }
            }
            len *= n;
        }
        len
    }

    /// The marginals of `parents`, in axis order, written into `out`; returns how many.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn parent_marginals<'a>(&'a self, parents: &Parents, out: &mut [&'a [T]]) -> usize {
        let fs = spec::factors::<S>();
        let all = self.0.as_ref();
        let n = parents.len.min(out.len());
        for (slot, &id) in out.iter_mut().zip(parents.ids()) {
            *slot = &all[fs[id].range()];
        }
        n
    }

    /// The most probable state of every factor (lowest index on ties).
    pub fn map_states(&self) -> S::Action {
        let mut out = <S::Action as crate::spec::IndexArray>::ZEROS;
        for (f, slot) in out.as_mut().iter_mut().enumerate() {
            *slot = maths::argmax(self.factor(f));
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
    /// All entries zero (a `const` placeholder for storage filled in place).
    pub const ZERO: Self = Beliefs([Belief::ZERO; B]);

    /// The same belief for every agent of the batch (adds the batch axis).
    pub fn splat(q: Belief<T, S>) -> Self {
        Beliefs([q; B])
    }
    /// Uniform beliefs for every agent.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
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

#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` is the contract (indexing a batch of `B`; the agent documents `# Panics`)"
)]
impl<T: Real, S: Spec, const B: usize> Index<usize> for Beliefs<T, S, B> {
    type Output = Belief<T, S>;
    fn index(&self, b: usize) -> &Belief<T, S> {
        &self.0[b]
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` is the contract (indexing a batch of `B`; the agent documents `# Panics`)"
)]
impl<T: Real, S: Spec, const B: usize> IndexMut<usize> for Beliefs<T, S, B> {
    fn index_mut(&mut self, b: usize) -> &mut Belief<T, S> {
        &mut self.0[b]
    }
}

/// Beliefs for a batch of `B` agents: what a batched [`Agent`](crate::agent::Agent) takes as
/// its prior or posterior. [`Beliefs<T, S, B>`], `[Belief<T, S>; B]` and a boxed
/// `Box<[Belief<T, S>; B]>` (see [`batch::boxed`](crate::batch::boxed)) implement it, so one
/// agent's [`Belief`] (or a batch of another size) is rejected with a note on the batch axis.
#[diagnostic::on_unimplemented(
    message = "expected beliefs over `{S}` in `{T}` for a batch of {B} agents, found `{Self}`",
    label = "not a batch of {B} beliefs over `{S}` in `{T}`",
    note = "the batch size, the model and the scalar type must all be the agent's; a batched \
            agent takes one belief per agent: `Beliefs::splat(q)` repeats one agent's belief \
            {B} times, `Beliefs::from([q0, q1, …])` gives each agent its own"
)]
pub trait BeliefBatch<T: Real, S: Spec, const B: usize> {
    /// Agent `b`'s belief.
    ///
    /// # Panics
    /// If `b >= B`.
    fn belief(&self, b: usize) -> &Belief<T, S>;
}

/// Storage the agent writes a batch's beliefs into (see [`BeliefBatch`]).
#[diagnostic::on_unimplemented(
    message = "expected storage for beliefs over `{S}` in `{T}` for a batch of {B} agents, \
               found `{Self}`",
    label = "not storage for {B} beliefs over `{S}` in `{T}`",
    note = "pass `&mut Beliefs<{T}, {S}, {B}>`, `&mut [Belief<{T}, {S}>; {B}]` or a `Box` of \
            either"
)]
pub trait BeliefBatchMut<T: Real, S: Spec, const B: usize>: BeliefBatch<T, S, B> {
    /// The batch, mutably.
    fn beliefs_mut(&mut self) -> &mut [Belief<T, S>; B];
}

#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` is the contract (indexing a batch of `B`; the agent documents `# Panics`)"
)]
impl<T: Real, S: Spec, const B: usize> BeliefBatch<T, S, B> for Beliefs<T, S, B> {
    fn belief(&self, b: usize) -> &Belief<T, S> {
        &self.0[b]
    }
}
impl<T: Real, S: Spec, const B: usize> BeliefBatchMut<T, S, B> for Beliefs<T, S, B> {
    fn beliefs_mut(&mut self) -> &mut [Belief<T, S>; B] {
        &mut self.0
    }
}
#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` is the contract (indexing a batch of `B`; the agent documents `# Panics`)"
)]
impl<T: Real, S: Spec, const B: usize> BeliefBatch<T, S, B> for [Belief<T, S>; B] {
    fn belief(&self, b: usize) -> &Belief<T, S> {
        &self[b]
    }
}
impl<T: Real, S: Spec, const B: usize> BeliefBatchMut<T, S, B> for [Belief<T, S>; B] {
    fn beliefs_mut(&mut self) -> &mut [Belief<T, S>; B] {
        self
    }
}
#[cfg(feature = "alloc")]
impl<T: Real, S: Spec, const B: usize, X: BeliefBatch<T, S, B>> BeliefBatch<T, S, B>
    for alloc::boxed::Box<X>
{
    fn belief(&self, b: usize) -> &Belief<T, S> {
        (**self).belief(b)
    }
}
#[cfg(feature = "alloc")]
impl<T: Real, S: Spec, const B: usize, X: BeliefBatchMut<T, S, B>> BeliefBatchMut<T, S, B>
    for alloc::boxed::Box<X>
{
    fn beliefs_mut(&mut self) -> &mut [Belief<T, S>; B] {
        (**self).beliefs_mut()
    }
}

/// Factor `f` of `S`, panicking with a message that names the model if there is none.
#[inline]
#[track_caller]
fn factor_info<S: Spec>(f: usize) -> &'static crate::spec::FactorInfo {
    let fs = spec::factors::<S>();
    match fs.get(f) {
        Some(info) => info,
        None => panic!(
            "factor {f} is out of range: model `{}` has {} factor(s)",
            S::NAME,
            fs.len()
        ),
    }
}
