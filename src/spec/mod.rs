//! Type-level description of a generative model: structure only.
//!
//! A model is a list of hidden-state **factors** and a list of observation **modalities**,
//! each a marker type whose sizes are compile-time constants:
//!
//! * a [`Factor`] has `States = Const<N>` hidden states, `Controls = Const<U>` actions (1 for an
//!   uncontrolled factor) or a list of [`ControlFactor`]s driving it (pymdp
//!   `B_action_dependencies`), a `Position` in the model's factor list, and `DependsOn`, the
//!   factors its transition `B` is conditioned on (pymdp `B_dependencies`; it must contain the
//!   factor);
//! * a [`Modality`] has `Outcomes = Const<NO>` outcomes and `DependsOn`, the factors its
//!   likelihood `A` is conditioned on (pymdp `A_dependencies`).
//!
//! [`Spec`] ties the two lists together and names the flat storage types they induce. The
//! [`model!`](crate::model!) macro writes all of this; by hand, write the lists and put
//! [`spec_storage!`](crate::spec_storage!) in the `impl Spec` block.
//!
//! # How algorithms read the structure
//!
//! This module computes nothing numerical. From the lists it derives, at compile time, a
//! [`Layout`]: every factor's and modality's sizes, parents and offsets into **flat** storage
//! (`[T; N]`, one array per kind of tensor, see [`layout`](mod@layout)). Algorithms are plain
//! functions that loop over [`factors::<S>()`](factors) or [`modalities::<S>()`](modalities) and
//! hand slices of the flat storage to the kernels in [`maths`](crate::maths). The tables are
//! `const`, so after inlining every size and offset is a constant, as heapless' `VecView`
//! writes code once for every `N`. Adding a capability adds a function, never a method to a
//! list trait. A new per-modality computation is one function in one file, for example the
//! expected utility `Σ_m C_m · (A_m q)` of a belief:
//!
//! ```
//! use actinf::{Belief, Model, Real, Spec, maths, spec};
//!
//! fn expected_utility<T: Real, S: Spec>(model: &Model<T, S>, q: &Belief<T, S>) -> T {
//!     let mut total = T::ZERO;
//!     let mut joint = [T::ZERO; 64]; // scratch for ∏ parent marginals (J ≤ 64 here)
//!     let mut qo = [T::ZERO; 16]; //   predicted outcomes (NO ≤ 16 here)
//!     for (m, info) in spec::modalities::<S>().iter().enumerate() {
//!         let (j, no) = (info.parents.joint, info.outcomes);
//!         q.joint(&info.parents, &mut joint[..j]); //        ∏_k q_k over A_m's parents
//!         maths::mix_columns(model.likelihood(m), &joint[..j], &mut qo[..no]); // A_m q
//!         total += maths::dot(&qo[..no], model.preference(m)); //             C_m · A_m q
//!     }
//!     total
//! }
//! # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
//! # let model = Model::<f64, Coin>::uniform().with_a::<Seen>(&[[0.9, 0.2], [0.1, 0.8]])?
//! #     .with_c::<Seen>(&[0.0, 1.0])?;
//! # let u = expected_utility(&model, &Belief::new(actinf::list![[1.0, 0.0]])?);
//! # assert!((u - 0.1).abs() < 1e-12);
//! # Ok::<(), actinf::Error>(())
//! ```
//!
//! Lists are cons lists ([`Cons`], [`Nil`]) and positions are Peano numbers ([`Z`], [`S`]);
//! a tensor's *input* in pymdp's layout is a nested array over its parents, never a
//! type-level product, so sizes are not limited by typenum.

pub mod layout;
mod lists;

pub use layout::{
    ControlDecl, ControlLayout, FactorDecl, FactorInfo, Ids, Layout, MAX_CONTROLS, MAX_FACTORS,
    MAX_MODALITIES, MAX_PARENTS, ModalityDecl, ModalityInfo, Parents, Table,
};
pub use lists::{
    ControlDeps, ControlList, DepList, Elem, FactorAt, FactorList, HasFactor, HasModality,
    HasStates, ModalityAt, ModalityList, ModalityShape, TransitionList,
};

use core::fmt::Debug;
use core::marker::PhantomData;

use crate::maths::Real;
pub use crate::maths::real::ConstZero;

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
    /// What drives this factor's transition: `Const<U>` for `U` actions of its own (`Const<1>`
    /// for an uncontrolled factor), or a list of [`ControlFactor`] markers (pymdp
    /// `B_action_dependencies[f]`), see [`ControlDeps`].
    type Controls;
    /// Position of this factor in the model's factor list ([`Z`], [`S<Z>`], …).
    type Position: Pos;
    /// Factors whose previous states condition this factor's transition (pymdp
    /// `B_dependencies[f]`), a cons list of factor markers that contains `Self`.
    type DependsOn;
    /// Human-readable name, used in error messages.
    const NAME: &'static str;
}

/// A control factor (pymdp, with `B_action_dependencies`): a marker type carrying its number
/// of actions; state factors name it in `controlled_by [..]`.
pub trait ControlFactor: 'static {
    /// Number of actions, as `Const<K>`.
    type Size;
    /// Position of this control factor in the model's control-factor list.
    type Position: Pos;
    /// Human-readable name, used in messages.
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
    Copy + Debug + PartialEq + Eq + AsRef<[usize]> + AsMut<[usize]> + Send + Sync + 'static
{
    /// Number of entries.
    const LEN: usize;
    /// All-zero indices.
    const ZEROS: Self;
    /// All-zero indices.
    fn zeros() -> Self {
        Self::ZEROS
    }
}

impl<const N: usize> IndexArray for [usize; N] {
    const LEN: usize = N;
    const ZEROS: Self = [0; N];
}

/// Flat storage of `X`: `[X; N]` with `N` fixed by the spec's [`Layout`].
///
/// It has a `const` all-zero value, so storage can live in a `static` (filled in place at
/// run time, no stack copy) and can be allocated zeroed on the heap in place.
pub trait Flat<X: ConstZero>:
    Copy + Debug + PartialEq + AsRef<[X]> + AsMut<[X]> + Send + Sync + 'static
{
    /// Number of entries.
    const LEN: usize;
    /// Every entry zero.
    const ZERO: Self;
}

impl<X: ConstZero, const N: usize> Flat<X> for [X; N] {
    const LEN: usize = N;
    const ZERO: Self = [X::ZERO; N];
}

/// A complete model structure: factors, modalities, and the flat storage types sized to them.
///
/// Implemented by [`model!`](crate::model!); by hand, name the lists and `NAME` and put
/// [`spec_storage!()`](crate::spec_storage!) in the impl, which writes the storage types with
/// the lengths of the spec's [`Layout`]:
///
/// ```
/// use actinf::spec::{Factor, Modality, Spec, pos::*};
/// use actinf::{type_list, nalgebra::Const};
/// struct Mine;
/// struct Side;
/// impl Factor for Side {
///     type States = Const<2>;
///     type Controls = Const<1>;
///     type Position = P0;
///     type DependsOn = type_list![Side];
///     const NAME: &'static str = "side";
/// }
/// struct Seen;
/// impl Modality for Seen {
///     type Outcomes = Const<3>;
///     type Position = P0;
///     type DependsOn = type_list![Side];
///     const NAME: &'static str = "seen";
/// }
/// impl Spec for Mine {
///     type Factors = type_list![Side];
///     type Modalities = type_list![Seen];
///     const NAME: &'static str = "mine";
///     actinf::spec_storage!();
/// }
/// assert_eq!(actinf::spec::layout::<Mine>().likelihoods, 6);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model specification",
    label = "expected a type declared with `actinf::model!` (or implementing `actinf::Spec`)",
    note = "declare the model with `actinf::model! {{ … }}`"
)]
pub trait Spec: Sized + 'static {
    /// The hidden-state factors, a cons list of [`Factor`] markers.
    type Factors: FactorList + TransitionList<Self::Factors>;
    /// The observation modalities, a cons list of [`Modality`] markers.
    type Modalities: ModalityList<Self::Factors>;
    /// Name of the model, for messages.
    const NAME: &'static str;
    /// The declared control factors, a cons list of [`ControlFactor`] markers; [`Nil`] when
    /// every factor has actions of its own (written by [`spec_storage!`](crate::spec_storage!)).
    type ControlFactors: ControlList;
    /// One action per control factor: `[usize; C]` (see [`ControlLayout`]).
    type ControlAction: IndexArray;
    /// One outcome index per modality: `[usize; M]`.
    type Observation: IndexArray;
    /// One action index per factor: `[usize; F]`.
    type Action: IndexArray;
    /// A value per hidden state of every factor (beliefs, `D`): `Σ_f N_f` entries.
    type States<T: Real>: Flat<T>;
    /// A value per outcome of every modality (`C`, predicted outcomes): `Σ_m NO_m` entries.
    type Outcomes<T: Real>: Flat<T>;
    /// A value per action of every factor (action marginals): `Σ_f U_f` entries.
    type Controls<T: Real>: Flat<T>;
    /// `A` for every modality (also `ln A`, `pA`): `Σ_m NO_m · J_m` entries.
    type Likelihoods<T: Real>: Flat<T>;
    /// A scalar per joint parent state of every modality (`H[A]`): `Σ_m J_m` entries.
    type Tensors<T: Real>: Flat<T>;
    /// `B` for every factor (also `pB`): `Σ_f U_f · N_f · J_f` entries.
    type Transitions<T: Real>: Flat<T>;
    /// A small integer per transition column (structure tables): `Σ_f U_f · J_f` entries.
    type Columns: Flat<u32>;
    /// A joint over two consecutive states of every factor (smoothing): `Σ_f N_f²` entries.
    type Pairs<T: Real>: Flat<T>;
    /// Scratch for one joint over a tensor's parents: `max J` over all `A[m]` and `B[f]`.
    type Joint<T: Real>: Flat<T>;
    /// Planning scratch: likelihoods reduced over policy-independent parents.
    type Reduced<T: Real>: Flat<T>;
    /// Planning scratch: column entropies reduced over policy-independent parents.
    type ReducedTensors<T: Real>: Flat<T>;
}

/// A model with exactly one hidden-state factor: what exact (HMM) inference needs.
///
/// [`model!`](crate::model!) implements it for models declared with one factor; a hand-written
/// [`Spec`] with one factor can implement it too (checked: a multi-factor spec that claims it
/// fails to compile when used).
///
/// ```
/// actinf::model! { pub One { factors { X: 3 } modalities { O: 2 depends_on [X] } } }
/// fn exact_only<S: actinf::spec::SingleFactor>() {}
/// exact_only::<One>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has more than one hidden-state factor",
    label = "exact inference needs a model with a single factor",
    note = "pymdp's `exact` method raises a ValueError for more than one factor; use `Ovf` \
            or a sequence method (`Mmp<H>`, `Vmp<H>`) instead"
)]
pub trait SingleFactor: Spec {
    /// Post-monomorphisation check that the claim is true.
    #[doc(hidden)]
    const CHECK: () = assert!(
        layout_value::<Self>().num_factors == 1,
        "SingleFactor implemented for a model with several factors"
    );
}

/// The layout of `S` by value, for `const` contexts (array lengths in [`spec_storage!`]).
///
/// [`spec_storage!`]: crate::spec_storage!
pub const fn layout_value<S: Spec>() -> Layout {
    Layout::build(
        &<S::Factors as FactorList>::DECLS,
        &<S::Factors as TransitionList<S::Factors>>::PARENTS,
        &<S::Modalities as ModalityList<S::Factors>>::DECLS,
        &<S::Modalities as ModalityList<S::Factors>>::PARENTS,
    )
}

/// The control layout of `S` by value, for `const` contexts.
pub const fn control_layout_value<S: Spec>() -> ControlLayout {
    ControlLayout::build(
        &<S::Factors as FactorList>::DECLS,
        &<S::ControlFactors as ControlList>::DECLS,
    )
}

/// The control layout as an associated constant (promoted `&'static`).
trait HasControlLayout {
    const CONTROL_LAYOUT: ControlLayout;
}

impl<S: Spec> HasControlLayout for S {
    const CONTROL_LAYOUT: ControlLayout = control_layout_value::<S>();
}

/// The control factors of `S` and how they drive its state factors (pymdp `num_controls`
/// and `B_action_dependencies`), a `&'static` to a compile-time constant.
///
/// ```
/// actinf::model! {
///     pub Arm {
///         controls { Move: 3, Grip: 2 }
///         factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
///         modalities { Seen: 3 depends_on [Place] }
///     }
/// }
/// let c = actinf::spec::controls::<Arm>();
/// assert_eq!((c.num_controls, c.joint), (2, 6));
/// assert_eq!(c.deps[1].ids[..2], [0, 1]);
/// assert_eq!(actinf::spec::factors::<Arm>()[1].controls, 6);
/// ```
#[inline(always)]
pub fn controls<S: Spec>() -> &'static ControlLayout {
    const { check_spec::<S>() };
    const { &<S as HasControlLayout>::CONTROL_LAYOUT }
}

/// Number of policies of length `len` over the control factors: `(∏_c K_c)^len`, the size of
/// pymdp's policy table with `B_action_dependencies` (equal to [`num_policies`] without
/// declared control factors).
pub const fn num_control_policies<S: Spec>(len: usize) -> usize {
    let per_step = control_layout_value::<S>().joint;
    let mut n = 1usize;
    let mut i = 0;
    while i < len {
        n = n.saturating_mul(per_step);
        i += 1;
    }
    n
}

/// The layout as an associated constant, so a reference to it is a promoted `&'static`.
trait HasLayout {
    const LAYOUT: Layout;
}

impl<S: Spec> HasLayout for S {
    const LAYOUT: Layout = layout_value::<S>();
}

/// The layout of `S`: every size and offset, a `&'static` to a compile-time constant.
///
/// Also checks the spec's structural invariants at compile time (see [`check_spec`]).
#[inline(always)]
pub fn layout<S: Spec>() -> &'static Layout {
    const { check_spec::<S>() };
    const { &<S as HasLayout>::LAYOUT }
}

/// The factors of `S`, in order.
#[inline(always)]
pub fn factors<S: Spec>() -> &'static [FactorInfo] {
    const { check_spec::<S>() };
    const {
        let l: &'static Layout = &<S as HasLayout>::LAYOUT;
        l.factors.split_at(l.num_factors).0
    }
}

/// The modalities of `S`, in order.
#[inline(always)]
pub fn modalities<S: Spec>() -> &'static [ModalityInfo] {
    const { check_spec::<S>() };
    const {
        let l: &'static Layout = &<S as HasLayout>::LAYOUT;
        l.modalities.split_at(l.num_modalities).0
    }
}

/// Calls `f(f_index)` for every factor of `S`, in order, unrolled at compile time: write
/// `spec::each_factor::<S>(#[inline(always)] |f| { … })` and every factor's code sees its
/// sizes as constants (the loop over a `&'static [FactorInfo]` is the same code for every
/// factor).
#[inline(always)]
pub fn each_factor<S: Spec>(mut f: impl FnMut(usize)) {
    <S::Factors as FactorList>::each(0, &mut f);
}

/// Calls `f(m)` for every modality of `S`, in order, unrolled at compile time (see
/// [`each_factor`]).
#[inline(always)]
pub fn each_modality<S: Spec>(mut f: impl FnMut(usize)) {
    <S::Modalities as ModalityList<S::Factors>>::each(0, &mut f);
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
    let per_step = layout_value::<S>().joint_controls;
    let mut n = 1usize;
    let mut i = 0;
    while i < len {
        n = n.saturating_mul(per_step);
        i += 1;
    }
    n
}

/// Checks the structural invariants of a spec that the type system cannot express.
///
/// Evaluated at compile time (post-monomorphization) wherever the layout of `S` is used, so
/// `cargo build` (not `cargo check`) reports a malformed hand-written spec.
pub const fn check_spec<S: Spec>() {
    let l = layout_value::<S>();
    assert!(
        !l.too_many,
        "too many factors or modalities: actinf supports up to 16 factors and 32 modalities"
    );
    assert!(
        l.positions_ok,
        "a factor's or modality's `Position` does not match its place in the list"
    );
    assert!(
        <S::Observation as IndexArray>::LEN == l.num_modalities,
        "`Spec::Observation` must be `[usize; M]` with M = number of modalities"
    );
    assert!(
        <S::Action as IndexArray>::LEN == l.num_factors,
        "`Spec::Action` must be `[usize; F]` with F = number of factors"
    );
    let c = control_layout_value::<S>();
    assert!(
        !c.too_many,
        "too many control factors: actinf supports up to 16"
    );
    assert!(
        c.positions_ok,
        "a control factor's `Position` does not match its place in the list"
    );
    assert!(
        c.deps_ok,
        "a factor's `controlled_by [..]` names a control factor that is not in the model's \
         `controls` (with its declared size), or names one twice"
    );
    assert!(
        c.kinds_ok || !c.explicit,
        "with a `controls` section, a controlled factor must be `controlled_by [..]` declared \
         control factors, not a number of actions of its own (`controlled_by U`)"
    );
    assert!(
        c.kinds_ok || c.explicit,
        "a factor's `Controls` lists control factors, but the spec declares none \
         (`Spec::ControlFactors` is `Nil`)"
    );
    assert!(
        <S::ControlAction as IndexArray>::LEN == c.num_controls,
        "`Spec::ControlAction` must be `[usize; C]` with C = number of control factors: write \
         `actinf::spec_storage!();` in the `impl Spec` block"
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
    assert!(
        <S::States<f64> as Flat<f64>>::LEN == l.states
            && <S::Outcomes<f64> as Flat<f64>>::LEN == l.outcomes
            && <S::Controls<f64> as Flat<f64>>::LEN == l.controls
            && <S::Likelihoods<f64> as Flat<f64>>::LEN == l.likelihoods
            && <S::Tensors<f64> as Flat<f64>>::LEN == l.tensors
            && <S::Transitions<f64> as Flat<f64>>::LEN == l.transitions
            && <S::Columns as Flat<u32>>::LEN == l.columns
            && <S::Joint<f64> as Flat<f64>>::LEN == l.max_joint
            && <S::Reduced<f64> as Flat<f64>>::LEN == l.reduced
            && <S::ReducedTensors<f64> as Flat<f64>>::LEN == l.reduced_tensors,
        "a storage type of the spec has the wrong length: write `actinf::spec_storage!();` \
         in the `impl Spec` block"
    );
}
