//! pymdp's factorised fixed-point iteration (FPI).
//!
//! * One factor: an exact single pass, `q = softmax(Σ_m ll_m + ln max(p, MINVAL))`, whatever
//!   the number of sweeps says (later sweeps would repeat the same values).
//! * Several factors: parallel (Jacobi) sweeps from uniform beliefs; each sweep sets
//!   `q_f = softmax(Σ_{m ∋ f} E_{q_{-f}}[ll_m] + ln max(p_f, MINVAL))` from the previous sweep's
//!   marginals. No damping. By default the sweeps stop early at an exact fixed point (a
//!   sweep whose output equals its input bit for bit, so every further sweep would repeat
//!   it: the result is identical to running them all); [`Sweeps::Fixed`] always runs them
//!   all, for a constant step time.
//!
//! Scratch, on the stack for the duration of a call: the log-likelihoods summed per group of
//! modalities with the same parents and, for two-parent groups, their transpose (two
//! `S::Tensors`, one entry per modality and joint parent state each: 2 × 256 entries for the
//! benchmarks' M3, 2 KiB in `f32`), and one belief. Nothing is stored in the agent.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{self, Real};
use crate::model::Belief;
use crate::spec::{self, Flat, MAX_PARENTS, Spec};

/// How many FPI sweeps run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sweeps {
    /// Up to `n` sweeps, stopping at an exact fixed point (same result as `Fixed(n)`).
    UpTo(usize),
    /// Exactly `n` sweeps, for a constant step time.
    Fixed(usize),
}

impl Sweeps {
    /// The maximum number of sweeps.
    pub fn max(self) -> usize {
        match self {
            Sweeps::UpTo(n) | Sweeps::Fixed(n) => n,
        }
    }

    /// Checks that at least one sweep runs ([`Problem::ZeroIterations`] otherwise: no sweep
    /// would leave a uniform posterior that ignores the observation and the prior).
    ///
    /// ```
    /// use actinf::infer::Sweeps;
    /// assert!(Sweeps::UpTo(1).check().is_ok());
    /// assert_eq!(
    ///     Sweeps::Fixed(0).check().unwrap_err().problem,
    ///     actinf::error::Problem::ZeroIterations
    /// );
    /// ```
    pub fn check(self) -> Result<(), Error> {
        if self.max() == 0 {
            return Err(Error::new(
                Tensor::Hyperparameter,
                0,
                "num_iter",
                Entry::at(0),
                Problem::ZeroIterations,
            ));
        }
        Ok(())
    }
}

/// The FPI kernel: beliefs from per-modality log-likelihood tensors `ll(m)` (over each
/// modality's parents) and a prior.
///
/// The prior need not be normalised (pymdp takes `ln max(p, MINVAL)` of whatever it gets).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; `m` and `f` run over the model's modalities and factors"
)]
pub fn fpi<'a, T: Real + 'a, S: Spec>(
    ll: impl Fn(usize) -> &'a [T],
    prior: &Belief<T, S>,
    sweeps: Sweeps,
) -> Belief<T, S> {
    let fs = spec::factors::<S>();
    let ms = spec::modalities::<S>();
    let mut ln_prior = *prior;
    maths::log_stable_in_place(ln_prior.as_mut_slice());
    if fs.len() == 1 {
        let mut q = ln_prior;
        if sweeps.max() == 0 {
            return Belief::uniform();
        }
        for m in 0..ms.len() {
            maths::axpy(T::ONE, ll(m), q.as_mut_slice());
        }
        maths::softmax_in_place(q.as_mut_slice());
        return q;
    }
    // Messages are linear in the log-likelihood: modalities with the same parents pass one
    // message, of their summed log-likelihoods.
    let mut summed = <S::Tensors<T> as Flat<T>>::ZERO;
    for (m, info) in ms.iter().enumerate() {
        let lead = &ms[info.group];
        let dst = &mut summed.as_mut()[lead.tensor_range()];
        if info.group == m {
            dst.copy_from_slice(ll(m));
        } else {
            maths::axpy(T::ONE, ll(m), dst);
        }
    }
    // Two-parent groups pass both messages as column mixes, over the tensor and its transpose.
    let mut transposed = <S::Tensors<T> as Flat<T>>::ZERO;
    for (m, info) in ms.iter().enumerate() {
        if info.group == m && info.parents.len == 2 {
            let r = info.tensor_range();
            let nb = fs[info.parents.ids[1]].states;
            maths::transpose_into(&summed.as_ref()[r.clone()], nb, &mut transposed.as_mut()[r]);
        }
    }
    let mut msg = Belief::<T, S>::ZERO;
    let mut q = Belief::<T, S>::uniform();
    for _ in 0..sweeps.max() {
        let mut next = ln_prior;
        spec::each_modality::<S>(
            #[cfg_attr(not(debug_assertions), inline(always))]
            |m| {
                let info = &ms[m];
                if info.group != m {
                    return;
                }
                let p = &info.parents;
                if p.len == 2 {
                    let r = info.tensor_range();
                    maths::messages_add_pair(
                        &summed.as_ref()[r.clone()],
                        &transposed.as_ref()[r],
                        [q.factor(p.ids[0]), q.factor(p.ids[1])],
                        [fs[p.ids[0]].offset, fs[p.ids[1]].offset],
                        next.as_mut_slice(),
                        msg.as_mut_slice(),
                    );
                    return;
                }
                let mut marg: [&[T]; MAX_PARENTS] = [&[]; MAX_PARENTS];
                let n = q.parent_marginals(p, &mut marg);
                let mut offsets = [0usize; MAX_PARENTS];
                for (o, &id) in offsets.iter_mut().zip(p.ids()) {
                    *o = fs[id].offset;
                }
                maths::messages_add(
                    &summed.as_ref()[info.tensor_range()],
                    &marg[..n],
                    &offsets[..n],
                    next.as_mut_slice(),
                );
            },
        );
        spec::each_factor::<S>(
            #[cfg_attr(not(debug_assertions), inline(always))]
            |f| maths::softmax_in_place(next.factor_mut(f)),
        );
        let done = matches!(sweeps, Sweeps::UpTo(_)) && next == q;
        q = next;
        if done {
            break;
        }
    }
    q
}
