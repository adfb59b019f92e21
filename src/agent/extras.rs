//! Optional parts of an agent, present only in the type of an agent that has them.
//!
//! An agent built with [`Agent::new`](crate::Agent::new) has none ([`Plain`], zero bytes).
//! Each builder wraps the agent's extras in one component, and the component's data is all
//! it adds:
//!
//! | builder | component | holds |
//! |---|---|---|
//! | [`with_e`](crate::Agent::with_e) | [`Habits`] | `ln E`, `NP` values (per agent or shared) |
//! | [`with_c`](crate::Agent::with_c) | [`Preferences`] | one `C` (per agent or shared) |
//! | [`with_c_per_step`](crate::Agent::with_c_per_step) | [`StepPreferences`] | `L` vectors `C[t]` |
//! | [`with_d`](crate::Agent::with_d) | [`InitialPriors`] | one `D` (per agent or shared) |
//! | [`with_novelty_a`](crate::Agent::with_novelty_a) | [`WithNoveltyA`] | `W(pA)`, like `A` |
//! | [`with_novelty_b`](crate::Agent::with_novelty_b) | [`WithNoveltyB`] | `W(pB)`, like `B` |
//! | [`with_inductive`](crate::Agent::with_inductive) | [`WithInductive`] | goals `H`, `K` rows of `I` |

use crate::batch::Batched;
use crate::maths::Real;
use crate::model::{Belief, Model, NoveltyA, NoveltyB};
use crate::plan::inductive::{InductiveCosts, InductiveMatrices};
use crate::spec::Spec;

/// What optional components an agent of `B` agents has; each accessor returns agent `b`'s
/// value, or `None` when the component is absent.
pub trait Extras<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> {
    /// `ln max(E, MINVAL)` (habits); `None` means a uniform `E`.
    fn ln_e(&self, _b: usize) -> Option<&[T; NP]> {
        None
    }
    /// Flat `C` at planning step `t`; `None` means the model's `C`.
    fn preferences(&self, _b: usize, _t: usize) -> Option<&[T]> {
        None
    }
    /// The prior for the first step; `None` means the model's `D`.
    fn initial_prior(&self, _b: usize) -> Option<&Belief<T, S>> {
        None
    }
    /// Novelty weights of `pA` (parameter information gain).
    fn novelty_a(&self, _b: usize) -> Option<&NoveltyA<T, S>> {
        None
    }
    /// Novelty weights of `pB` (parameter information gain).
    fn novelty_b(&self, _b: usize) -> Option<&NoveltyB<T, S>> {
        None
    }
    /// Novelty weights of `pA`, mutably (refreshed after learning).
    fn novelty_a_mut(&mut self, _b: usize) -> Option<&mut NoveltyA<T, S>> {
        None
    }
    /// Novelty weights of `pB`, mutably (refreshed after learning).
    fn novelty_b_mut(&mut self, _b: usize) -> Option<&mut NoveltyB<T, S>> {
        None
    }
    /// The inductive costs of policies starting from `q0` (inductive inference); `None`
    /// without it.
    fn inductive_costs(&self, _b: usize, _q0: &Belief<T, S>) -> Option<InductiveCosts<T, S>> {
        None
    }
    /// Recomputes the inductive matrices `I` from `model`'s transitions (after `B` changed);
    /// nothing without inductive inference.
    fn refresh_inductive(&mut self, _b: usize, _model: &Model<T, S>) {}
}

/// No optional component (zero bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Plain;

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for Plain
{
}

/// `ln E` as a plain array.
pub type LnHabits<T, const NP: usize> = [T; NP];

/// Habits (a policy prior `E`), stored as `ln max(E, MINVAL)` in `H`.
#[derive(Clone, Copy, Debug)]
pub struct Habits<H, X> {
    /// `ln E` per agent or shared.
    pub ln_e: H,
    /// The other components.
    pub inner: X,
}

/// Preferences `C` replacing the model's, the same at every planning step.
#[derive(Clone, Copy, Debug)]
pub struct Preferences<C, X> {
    /// Flat `C` per agent or shared.
    pub c: C,
    /// The other components.
    pub inner: X,
}

/// Time-indexed preferences: `C[t]` at planning step `t` (pymdp's `C[m]` of shape `(L, NO)`).
#[derive(Clone, Copy, Debug)]
pub struct StepPreferences<C, X> {
    /// `L` flat `C` vectors, per agent or shared.
    pub c: C,
    /// The other components.
    pub inner: X,
}

/// First-step priors `D` replacing the model's.
#[derive(Clone, Copy, Debug)]
pub struct InitialPriors<D, X> {
    /// `D` per agent or shared.
    pub d: D,
    /// The other components.
    pub inner: X,
}

/// Novelty weights of `pA`: parameter information gain about `A`.
#[derive(Clone, Copy, Debug)]
pub struct WithNoveltyA<N, X> {
    /// `W(pA)` per agent or shared.
    pub w: N,
    /// The other components.
    pub inner: X,
}

/// Novelty weights of `pB`: parameter information gain about `B`.
#[derive(Clone, Copy, Debug)]
pub struct WithNoveltyB<N, X> {
    /// `W(pB)` per agent or shared.
    pub w: N,
    /// The other components.
    pub inner: X,
}

/// Inductive inference: goals `H` and the reachability matrices `I` (`K` rows per factor).
#[derive(Clone, Copy, Debug)]
pub struct WithInductive<N, X, const K: usize> {
    /// The [`InductiveMatrices`] per agent or shared.
    pub i: N,
    /// The other components.
    pub inner: X,
}

macro_rules! delegate {
    (ln_e) => {
        fn ln_e(&self, b: usize) -> Option<&[T; NP]> {
            self.inner.ln_e(b)
        }
    };
    (preferences) => {
        fn preferences(&self, b: usize, t: usize) -> Option<&[T]> {
            self.inner.preferences(b, t)
        }
    };
    (initial_prior) => {
        fn initial_prior(&self, b: usize) -> Option<&Belief<T, S>> {
            self.inner.initial_prior(b)
        }
    };
    (novelty_a) => {
        fn novelty_a(&self, b: usize) -> Option<&NoveltyA<T, S>> {
            self.inner.novelty_a(b)
        }
    };
    (novelty_b) => {
        fn novelty_b(&self, b: usize) -> Option<&NoveltyB<T, S>> {
            self.inner.novelty_b(b)
        }
    };
    (novelty_a_mut) => {
        fn novelty_a_mut(&mut self, b: usize) -> Option<&mut NoveltyA<T, S>> {
            self.inner.novelty_a_mut(b)
        }
    };
    (novelty_b_mut) => {
        fn novelty_b_mut(&mut self, b: usize) -> Option<&mut NoveltyB<T, S>> {
            self.inner.novelty_b_mut(b)
        }
    };
    (inductive) => {
        fn inductive_costs(&self, b: usize, q0: &Belief<T, S>) -> Option<InductiveCosts<T, S>> {
            self.inner.inductive_costs(b, q0)
        }
        fn refresh_inductive(&mut self, b: usize, model: &Model<T, S>) {
            self.inner.refresh_inductive(b, model)
        }
    };
}

impl<T, S, H, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for Habits<H, X>
where
    T: Real,
    S: Spec,
    H: Batched<LnHabits<T, NP>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn ln_e(&self, b: usize) -> Option<&[T; NP]> {
        Some(self.ln_e.get(b))
    }
    delegate!(preferences);
    delegate!(initial_prior);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
    delegate!(inductive);
}

impl<T, S, C, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for Preferences<C, X>
where
    T: Real,
    S: Spec,
    C: Batched<S::Outcomes<T>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn preferences(&self, b: usize, _t: usize) -> Option<&[T]> {
        Some(self.c.get(b).as_ref())
    }
    delegate!(ln_e);
    delegate!(initial_prior);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
    delegate!(inductive);
}

impl<T, S, C, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for StepPreferences<C, X>
where
    T: Real,
    S: Spec,
    C: Batched<[S::Outcomes<T>; L], B>,
    X: Extras<T, S, L, NP, B>,
{
    fn preferences(&self, b: usize, t: usize) -> Option<&[T]> {
        self.c.get(b).get(t).map(|c| c.as_ref())
    }
    delegate!(ln_e);
    delegate!(initial_prior);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
    delegate!(inductive);
}

impl<T, S, D, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for InitialPriors<D, X>
where
    T: Real,
    S: Spec,
    D: Batched<Belief<T, S>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn initial_prior(&self, b: usize) -> Option<&Belief<T, S>> {
        Some(self.d.get(b))
    }
    delegate!(ln_e);
    delegate!(preferences);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
    delegate!(inductive);
}

impl<T, S, N, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for WithNoveltyA<N, X>
where
    T: Real,
    S: Spec,
    N: Batched<NoveltyA<T, S>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn novelty_a(&self, b: usize) -> Option<&NoveltyA<T, S>> {
        Some(self.w.get(b))
    }
    fn novelty_a_mut(&mut self, b: usize) -> Option<&mut NoveltyA<T, S>> {
        Some(self.w.get_mut(b))
    }
    delegate!(ln_e);
    delegate!(preferences);
    delegate!(initial_prior);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
    delegate!(inductive);
}

impl<T, S, N, X, const L: usize, const NP: usize, const B: usize> Extras<T, S, L, NP, B>
    for WithNoveltyB<N, X>
where
    T: Real,
    S: Spec,
    N: Batched<NoveltyB<T, S>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn novelty_b(&self, b: usize) -> Option<&NoveltyB<T, S>> {
        Some(self.w.get(b))
    }
    fn novelty_b_mut(&mut self, b: usize) -> Option<&mut NoveltyB<T, S>> {
        Some(self.w.get_mut(b))
    }
    delegate!(ln_e);
    delegate!(preferences);
    delegate!(initial_prior);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(inductive);
}

impl<T, S, N, X, const K: usize, const L: usize, const NP: usize, const B: usize>
    Extras<T, S, L, NP, B> for WithInductive<N, X, K>
where
    T: Real,
    S: Spec,
    N: Batched<InductiveMatrices<T, S, K>, B>,
    X: Extras<T, S, L, NP, B>,
{
    fn inductive_costs(&self, b: usize, q0: &Belief<T, S>) -> Option<InductiveCosts<T, S>> {
        Some(self.i.get(b).costs(q0))
    }
    fn refresh_inductive(&mut self, b: usize, model: &Model<T, S>) {
        self.i.get_mut(b).regenerate(model);
    }
    delegate!(ln_e);
    delegate!(preferences);
    delegate!(initial_prior);
    delegate!(novelty_a);
    delegate!(novelty_a_mut);
    delegate!(novelty_b);
    delegate!(novelty_b_mut);
}
