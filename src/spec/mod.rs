//! Type-level description of a generative model.
//!
//! A model is a list of hidden-state **factors** and a list of observation **modalities**,
//! each a marker type whose sizes are compile-time constants:
//!
//! * a [`Factor`] has `States = Const<N>` hidden states, `Controls = Const<U>` actions (1 for an
//!   uncontrolled factor), a `Position` in the model's factor list, and `DependsOn`, the factors
//!   its transition `B` is conditioned on (pymdp `B_dependencies`; it must contain the factor);
//! * a [`Modality`] has `Outcomes = Const<NO>` outcomes and `DependsOn`, the factors its
//!   likelihood `A` is conditioned on (pymdp `A_dependencies`).
//!
//! [`Spec`] ties the two lists together. The [`model!`](crate::model!) macro writes all of
//! this for you; writing it by hand is supported too (see the `handwritten` test).
//!
//! Lists are cons lists ([`Cons`], [`Nil`]) and positions are Peano numbers ([`Z`], [`S`]),
//! so generic code can walk them without ever forming a type-level product: a tensor over
//! several factors is a nested array, never a `DimNameProd`.

mod deps;
mod factors;
mod modalities;
mod transitions;

pub use deps::DepList;
pub use factors::{FactorAt, FactorList, HasFactor};
pub use modalities::{HasModality, ModalityAt, ModalityList, ModalityShape};
pub use transitions::{FactorShape, TransitionList};

use core::fmt::Debug;
use core::marker::PhantomData;

/// The empty list.
pub struct Nil;

/// A list with head `H` and tail `T`.
pub struct Cons<H, T>(PhantomData<fn() -> (H, T)>);

/// Position 0 in a list.
pub struct Z;

/// The position after `P`.
pub struct S<P>(PhantomData<fn() -> P>);

/// A type-level position ([`Z`], [`S<Z>`], …) and its value.
pub trait Pos: 'static {
    /// The position as a number.
    const INDEX: usize;
}

impl Pos for Z {
    const INDEX: usize = 0;
}

impl<P: Pos> Pos for S<P> {
    const INDEX: usize = P::INDEX + 1;
}

/// Named positions, for writing a [`Spec`] by hand.
pub mod pos {
    use super::{S, Z};
    /// Position 0.
    pub type P0 = Z;
    /// Position 1.
    pub type P1 = S<P0>;
    /// Position 2.
    pub type P2 = S<P1>;
    /// Position 3.
    pub type P3 = S<P2>;
    /// Position 4.
    pub type P4 = S<P3>;
    /// Position 5.
    pub type P5 = S<P4>;
    /// Position 6.
    pub type P6 = S<P5>;
    /// Position 7.
    pub type P7 = S<P6>;
}

/// A hidden-state factor: a marker type carrying its sizes and dependencies.
///
/// `States` and `Controls` are `nalgebra::Const<N>`; generic code reads `N` back from them.
pub trait Factor: 'static {
    /// Number of hidden states, as `Const<N>`.
    type States;
    /// Number of actions (control states) of this factor's transition, as `Const<U>`; `Const<1>`
    /// for an uncontrolled factor.
    type Controls;
    /// Position of this factor in the model's factor list ([`Z`], [`S<Z>`], …).
    type Position: Pos;
    /// Factors whose previous states condition this factor's transition (pymdp
    /// `B_dependencies[f]`), a cons list of factor markers that contains `Self`.
    type DependsOn;
    /// Human-readable name, used in error messages.
    const NAME: &'static str;
}

/// An observation modality: a marker type carrying its outcome count and dependencies.
pub trait Modality: 'static {
    /// Number of outcomes, as `Const<NO>`.
    type Outcomes;
    /// Position of this modality in the model's modality list.
    type Position: Pos;
    /// Factors the likelihood `A[m]` is conditioned on (pymdp `A_dependencies[m]`), a cons
    /// list of factor markers in axis order.
    type DependsOn;
    /// Human-readable name, used in error messages.
    const NAME: &'static str;
}

/// A fixed-length array of indices: `[usize; N]`, used for observations (one outcome index
/// per modality) and actions (one action per factor).
pub trait IndexArray:
    Copy + Debug + PartialEq + Eq + AsRef<[usize]> + AsMut<[usize]> + 'static
{
    /// Number of entries.
    const LEN: usize;
    /// All-zero indices.
    fn zeros() -> Self;
}

impl<const N: usize> IndexArray for [usize; N] {
    const LEN: usize = N;
    fn zeros() -> Self {
        [0; N]
    }
}

/// A complete model structure: factors, modalities and the index-array types sized to them.
///
/// Implemented by [`model!`](crate::model!); by hand, set `Observation = [usize; M]` and
/// `Action = [usize; F]` — a wrong length is reported when the model is first built.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model specification",
    label = "expected a type declared with `actinf::model!` (or implementing `actinf::Spec`)",
    note = "declare the model with `actinf::model! {{ … }}`"
)]
pub trait Spec: 'static {
    /// The hidden-state factors, a cons list of [`Factor`] markers.
    type Factors: FactorList + TransitionList<Self::Factors>;
    /// The observation modalities, a cons list of [`Modality`] markers.
    type Modalities: ModalityList<Self::Factors>;
    /// One outcome index per modality: `[usize; M]`.
    type Observation: IndexArray;
    /// One action index per factor: `[usize; F]`.
    type Action: IndexArray;
    /// Name of the model, for messages.
    const NAME: &'static str;
}

/// Number of hidden-state factors of `S`.
pub const fn num_factors<S: Spec>() -> usize {
    <S::Factors as FactorList>::LEN
}

/// Number of modalities of `S`.
pub const fn num_modalities<S: Spec>() -> usize {
    <S::Modalities as ModalityList<S::Factors>>::LEN
}

/// Number of policies of length `len` when every combination of actions is allowed:
/// `(∏_f U_f)^len`, the size of pymdp's `construct_policies` table.
pub const fn num_policies<S: Spec>(len: usize) -> usize {
    let per_step = <S::Factors as FactorList>::JOINT_CONTROLS;
    let mut n = 1;
    let mut i = 0;
    while i < len {
        n *= per_step;
        i += 1;
    }
    n
}

/// Checks the structural invariants of a spec that the type system cannot express.
///
/// Evaluated at compile time (post-monomorphization) wherever a model of `S` is built.
pub(crate) const fn check_spec<S: Spec>() {
    assert!(
        <S::Observation as IndexArray>::LEN == num_modalities::<S>(),
        "`Spec::Observation` must be `[usize; M]` with M = number of modalities"
    );
    assert!(
        <S::Action as IndexArray>::LEN == num_factors::<S>(),
        "`Spec::Action` must be `[usize; F]` with F = number of factors"
    );
    assert!(
        <S::Factors as TransitionList<S::Factors>>::SELF_DEPENDENT,
        "every factor must list itself in its transition dependencies (`DependsOn`)"
    );
    assert!(
        <S::Factors as TransitionList<S::Factors>>::DISTINCT_DEPS
            && <S::Modalities as ModalityList<S::Factors>>::DISTINCT_DEPS,
        "a dependency list names the same factor twice"
    );
}
