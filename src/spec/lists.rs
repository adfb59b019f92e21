//! The type-level lists of a model: factors, modalities, transitions and dependency lists.
//!
//! Each list trait carries only structure: its length, what its elements declare (sizes,
//! names, parents, as `const` tables from which [`Layout`](super::Layout) is computed), the
//! nested-array types of pymdp-layout input, and one primitive that views element `k` of such
//! input as a flat slice. Membership is checked by the type system ([`HasFactor`], [`HasModality`]),
//! so a dependency on a factor the model does not have is a compile error.

use core::fmt::Debug;

use nalgebra::Const;

use super::layout::{
    ControlDecl, FactorDecl, Ids, MAX_CONTROLS, MAX_FACTORS, MAX_MODALITIES, ModalityDecl, Table,
};
use super::{Cons, ControlFactor, Factor, Modality, Nil, Pos, S, Z};
use crate::maths::Real;

/// Element bound of nested input arrays.
pub trait Elem: Copy + Debug + PartialEq + Send + Sync + 'static {}
impl<X: Copy + Debug + PartialEq + Send + Sync + 'static> Elem for X {}

/// A cons list of [`Factor`] markers: the hidden-state factors of a model.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of hidden-state factors",
    note = "factors are listed as `Cons<F0, Cons<F1, Nil>>`, each implementing `actinf::Factor` \
            with `States = Const<N>` and `Controls = Const<U>`"
)]
pub trait FactorList: 'static {
    /// Number of factors.
    const LEN: usize;
    /// What each factor declares, in list order.
    const DECLS: Table<FactorDecl, MAX_FACTORS>;
    /// Plain-array input, one `[T; N_f]` per factor: `([T; N_0], ([T; N_1], ()))`.
    type Input<T: Real>: Elem;
    /// Factor `f`'s entries of the input (empty if there is no factor `f`).
    fn input_slice<T: Real>(input: &Self::Input<T>, f: usize) -> &[T];
    /// Calls `f(k)`, `f(k + 1)`, … once per element, unrolled at compile time (so each call
    /// sees its index as a constant).
    fn each<F: FnMut(usize)>(k: usize, f: &mut F);
}

impl FactorList for Nil {
    const LEN: usize = 0;
    const DECLS: Table<FactorDecl, MAX_FACTORS> = Table::empty(FactorDecl::EMPTY);
    type Input<T: Real> = ();
    fn input_slice<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    #[inline(always)]
    fn each<G: FnMut(usize)>(_: usize, _: &mut G) {}
}

impl<F, R, const N: usize> FactorList for Cons<F, R>
where
    F: Factor<States = Const<N>>,
    F::Controls: ControlDeps,
    R: FactorList,
{
    const LEN: usize = 1 + R::LEN;
    const DECLS: Table<FactorDecl, MAX_FACTORS> = R::DECLS.push_front(FactorDecl {
        name: F::NAME,
        states: N,
        controls: <F::Controls as ControlDeps>::COUNT,
        position: <F::Position as Pos>::INDEX,
        control_ids: <F::Controls as ControlDeps>::IDS,
        control_dims: <F::Controls as ControlDeps>::DIMS,
    });
    type Input<T: Real> = ([T; N], R::Input<T>);
    #[inline]
    fn input_slice<T: Real>(input: &Self::Input<T>, f: usize) -> &[T] {
        if f == 0 {
            &input.0
        } else {
            R::input_slice(&input.1, f - 1)
        }
    }
    #[inline(always)]
    fn each<G: FnMut(usize)>(k: usize, f: &mut G) {
        f(k);
        R::each(k + 1, f);
    }
}

/// The factor at position `P` of a factor list.
#[diagnostic::on_unimplemented(
    message = "this model has no hidden-state factor at position `{P}`",
    note = "declare the factor in the model's `factors` list before using it"
)]
pub trait FactorAt<P>: FactorList {
    /// The factor marker stored at that position.
    type Factor;
}

#[diagnostic::do_not_recommend]
impl<F: Factor, R: FactorList> FactorAt<Z> for Cons<F, R>
where
    Cons<F, R>: FactorList,
{
    type Factor = F;
}

#[diagnostic::do_not_recommend]
impl<P, H: Factor, R: FactorAt<P>> FactorAt<S<P>> for Cons<H, R>
where
    Cons<H, R>: FactorList,
{
    type Factor = R::Factor;
}

/// Factor `F` is one of this list's factors, at the position it declares.
///
/// This is how a dependency list finds a factor: by the factor's declared position, checked
/// against the marker found there, so a factor that is missing (or declared at the wrong
/// position) is a compile error rather than a silently wrong lookup.
#[diagnostic::on_unimplemented(
    message = "factor `{F}` is not a hidden-state factor of this model",
    label = "`{F}` is not in this model's factor list (at the position it declares)",
    note = "use a factor declared in this model's `factors` (in a `depends_on` list, in \
            `Belief::get`): a marker of another model is a different type, even with the same \
            name; check the model the beliefs or tensors are over"
)]
pub trait HasFactor<F>: FactorList {
    /// Position of `F` in the list.
    const INDEX: usize;
}

#[diagnostic::do_not_recommend]
impl<F: Factor, L> HasFactor<F> for L
where
    L: FactorAt<F::Position, Factor = F>,
{
    const INDEX: usize = <F::Position as Pos>::INDEX;
}

/// Factor `Self` has `N` states: the bound [`Belief::get`](crate::Belief::get) puts on its
/// const argument, so a wrong count reads as such (not as a missing factor).
#[diagnostic::on_unimplemented(
    message = "factor `{Self}` does not have {N} states",
    label = "`{Self}` is declared with another number of states",
    note = "the count in `get::<F, N>()` must be the one `model!` declares for `F` \
            (`F: N`), or be left to inference: `get::<F, _>()`"
)]
pub trait HasStates<const N: usize>: Factor {}

#[diagnostic::do_not_recommend]
impl<F: Factor<States = Const<N>>, const N: usize> HasStates<N> for F {}

/// A cons list of factor markers a tensor depends on, inside the model's factor list `Fs`.
///
/// A tensor of `X` over the listed factors `(f_1, …, f_k)` is the nested array
/// `[[X; N_k]; …; N_1]` (pymdp's trailing axes), so its flat view is in C order.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of this model's factors",
    label = "a `depends_on` list names a factor this model does not have",
    note = "every factor named in `depends_on` must be declared in the model's `factors`"
)]
pub trait DepList<Fs: FactorList>: 'static {
    /// Number of factors in the list.
    const LEN: usize;
    /// The listed factors' positions.
    const IDS: Ids;
    /// Bit set of the positions (for duplicate detection).
    const MASK: u128;
    /// Whether no factor is listed twice.
    const DISTINCT: bool;
    /// Number of joint states, `∏ N_d`.
    const JOINT: usize;
    /// A tensor of `X` over the listed factors: `[[X; N_k]; …; N_1]`.
    type Array<X: Elem>: Elem;
    /// The entries of a slice of tensors as one flat slice, in C order.
    fn flat<X: Elem>(s: &[Self::Array<X>]) -> &[X];
}

impl<Fs: FactorList> DepList<Fs> for Nil {
    const LEN: usize = 0;
    const IDS: Ids = Ids::EMPTY;
    const MASK: u128 = 0;
    const DISTINCT: bool = true;
    const JOINT: usize = 1;
    type Array<X: Elem> = X;
    #[inline(always)]
    fn flat<X: Elem>(s: &[X]) -> &[X] {
        s
    }
}

impl<Fs, F, R, const N: usize> DepList<Fs> for Cons<F, R>
where
    Fs: FactorList + HasFactor<F>,
    F: Factor<States = Const<N>>,
    R: DepList<Fs>,
{
    const LEN: usize = 1 + R::LEN;
    const IDS: Ids = R::IDS.push_front(<F::Position as Pos>::INDEX);
    const MASK: u128 = R::MASK | (1u128 << (<F::Position as Pos>::INDEX % 128));
    const DISTINCT: bool =
        R::DISTINCT && (R::MASK & (1u128 << (<F::Position as Pos>::INDEX % 128))) == 0;
    const JOINT: usize = N * R::JOINT;
    type Array<X: Elem> = [R::Array<X>; N];
    #[inline(always)]
    fn flat<X: Elem>(s: &[Self::Array<X>]) -> &[X] {
        R::flat(s.as_flattened())
    }
}

/// What drives a factor's transition: [`Factor::Controls`].
///
/// * `Const<U>`: `U` actions of the factor's own (one trailing action axis `[T; U]`);
/// * a cons list of [`ControlFactor`] markers `(c_1, …, c_k)` (pymdp
///   `B_action_dependencies[f]`): one trailing axis per control factor, `[[T; K_k]; …; K_1]`,
///   and `∏ K_i` actions, the row-major combination index of the control factors' actions
///   (pymdp `get_combination_index`); the empty list is one action and no action axis.
///
/// The nested control axes flatten row-major to exactly the one-axis layout, so the model
/// stores either form the same way.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not say what controls a factor",
    note = "a factor's `Controls` is `Const<U>` or a list of control factors (`controlled_by [..]`)"
)]
pub trait ControlDeps: 'static {
    /// Number of (flat) actions.
    const COUNT: usize;
    /// The control factors' positions (empty for `Const<U>`).
    const IDS: Ids;
    /// The sizes of the trailing action axes of `B[f]`: the control factors' sizes, in the
    /// same order (`[U]` for `Const<U>`).
    const DIMS: Ids;
    /// The trailing action axes of `B[f]` over entries `X`.
    type Array<X: Elem>: Elem;
    /// The entries of a slice of such arrays as one flat slice, in C order.
    fn flat<X: Elem>(s: &[Self::Array<X>]) -> &[X];
}

impl<const U: usize> ControlDeps for Const<U> {
    const COUNT: usize = U;
    const IDS: Ids = Ids::EMPTY;
    const DIMS: Ids = Ids::EMPTY.push_front(U);
    type Array<X: Elem> = [X; U];
    #[inline(always)]
    fn flat<X: Elem>(s: &[[X; U]]) -> &[X] {
        s.as_flattened()
    }
}

impl ControlDeps for Nil {
    const COUNT: usize = 1;
    const IDS: Ids = Ids::EMPTY;
    const DIMS: Ids = Ids::EMPTY;
    type Array<X: Elem> = X;
    #[inline(always)]
    fn flat<X: Elem>(s: &[X]) -> &[X] {
        s
    }
}

impl<C, R, const K: usize> ControlDeps for Cons<C, R>
where
    C: ControlFactor<Size = Const<K>>,
    R: ControlDeps,
{
    const COUNT: usize = K * R::COUNT;
    const IDS: Ids = R::IDS.push_front(<C::Position as Pos>::INDEX);
    const DIMS: Ids = R::DIMS.push_front(K);
    type Array<X: Elem> = [R::Array<X>; K];
    #[inline(always)]
    fn flat<X: Elem>(s: &[Self::Array<X>]) -> &[X] {
        R::flat(s.as_flattened())
    }
}

/// A cons list of [`ControlFactor`] markers: a model's control factors (pymdp
/// `num_controls` with `B_action_dependencies`), [`Nil`] when every factor has its own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of control factors",
    note = "control factors are listed as `Cons<C0, Cons<C1, Nil>>`, each implementing \
            `actinf::spec::ControlFactor` with `Size = Const<K>`"
)]
pub trait ControlList: 'static {
    /// Number of control factors.
    const LEN: usize;
    /// What each control factor declares, in list order.
    const DECLS: Table<ControlDecl, MAX_CONTROLS>;
}

impl ControlList for Nil {
    const LEN: usize = 0;
    const DECLS: Table<ControlDecl, MAX_CONTROLS> = Table::empty(ControlDecl::EMPTY);
}

impl<C, R, const K: usize> ControlList for Cons<C, R>
where
    C: ControlFactor<Size = Const<K>>,
    R: ControlList,
{
    const LEN: usize = 1 + R::LEN;
    const DECLS: Table<ControlDecl, MAX_CONTROLS> = R::DECLS.push_front(ControlDecl {
        name: C::NAME,
        size: K,
        position: <C::Position as Pos>::INDEX,
    });
}

/// The model's factor list (or a suffix of it) viewed as the list of transitions `B`.
///
/// `Fs` is always the whole factor list, so each transition's parents are checked against it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of transitions over this model's factors",
    note = "every factor named in a factor's `depends_on` must be declared in the model's `factors`"
)]
pub trait TransitionList<Fs: FactorList>: 'static {
    /// Each transition's parents, in list order.
    const PARENTS: Table<Ids, MAX_FACTORS>;
    /// Whether every factor lists itself among its transition parents.
    const SELF_DEPENDENT: bool;
    /// Whether no factor lists a parent twice.
    const DISTINCT_DEPS: bool;
    /// `B` for every factor in pymdp's layout `B[f][s'][s_1]…[s_k][u]` (with several
    /// control factors `[u_1]…[u_c]`, pymdp's `B_action_dependencies`; see [`ControlDeps`]).
    type Input<T: Real>: Elem;
    /// `B[f]`'s entries of the input, in pymdp's C order `(s', parents, u)` (empty if there
    /// is no factor `f`).
    fn input_slice<T: Real>(input: &Self::Input<T>, f: usize) -> &[T];
}

impl<Fs: FactorList> TransitionList<Fs> for Nil {
    const PARENTS: Table<Ids, MAX_FACTORS> = Table::empty(Ids::EMPTY);
    const SELF_DEPENDENT: bool = true;
    const DISTINCT_DEPS: bool = true;
    type Input<T: Real> = ();
    fn input_slice<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
}

impl<Fs, F, R, const N: usize> TransitionList<Fs> for Cons<F, R>
where
    Fs: FactorList + HasFactor<F>,
    F: Factor<States = Const<N>>,
    F::Controls: ControlDeps,
    F::DependsOn: DepList<Fs>,
    R: TransitionList<Fs>,
{
    const PARENTS: Table<Ids, MAX_FACTORS> =
        R::PARENTS.push_front(<F::DependsOn as DepList<Fs>>::IDS);
    const SELF_DEPENDENT: bool =
        (<F::DependsOn as DepList<Fs>>::MASK >> (<F::Position as Pos>::INDEX % 128)) & 1 == 1
            && R::SELF_DEPENDENT;
    const DISTINCT_DEPS: bool = <F::DependsOn as DepList<Fs>>::DISTINCT && R::DISTINCT_DEPS;
    type Input<T: Real> = (
        [<F::DependsOn as DepList<Fs>>::Array<<F::Controls as ControlDeps>::Array<T>>; N],
        R::Input<T>,
    );
    #[inline]
    fn input_slice<T: Real>(input: &Self::Input<T>, f: usize) -> &[T] {
        if f == 0 {
            <F::Controls as ControlDeps>::flat(<F::DependsOn as DepList<Fs>>::flat(&input.0[..]))
        } else {
            R::input_slice(&input.1, f - 1)
        }
    }
}

/// A cons list of [`Modality`] markers: the observation modalities of a model with factors `Fs`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of modalities over this model's factors",
    note = "every factor named in a modality's `depends_on` must be declared in the model's `factors`"
)]
pub trait ModalityList<Fs: FactorList>: 'static {
    /// Number of modalities.
    const LEN: usize;
    /// What each modality declares, in list order.
    const DECLS: Table<ModalityDecl, MAX_MODALITIES>;
    /// Each likelihood's parents, in list order.
    const PARENTS: Table<Ids, MAX_MODALITIES>;
    /// Whether no modality lists a factor twice.
    const DISTINCT_DEPS: bool;
    /// `A` for every modality, in pymdp's layout `A[m][o][s_1]…[s_k]`.
    type Input<T: Real>: Elem;
    /// One `[T; NO_m]` per modality (`C`, categorical observations).
    type OutcomesInput<T: Real>: Elem;
    /// `A[m]`'s entries of the input, in pymdp's C order (empty if there is no modality `m`).
    fn input_slice<T: Real>(input: &Self::Input<T>, m: usize) -> &[T];
    /// Modality `m`'s vector of an outcome input (empty if there is no modality `m`).
    fn outcomes_slice<T: Real>(input: &Self::OutcomesInput<T>, m: usize) -> &[T];
    /// Calls `f(k)`, `f(k + 1)`, … once per element, unrolled at compile time (so each call
    /// sees its index as a constant).
    fn each<F: FnMut(usize)>(k: usize, f: &mut F);
}

impl<Fs: FactorList> ModalityList<Fs> for Nil {
    const LEN: usize = 0;
    const DECLS: Table<ModalityDecl, MAX_MODALITIES> = Table::empty(ModalityDecl::EMPTY);
    const PARENTS: Table<Ids, MAX_MODALITIES> = Table::empty(Ids::EMPTY);
    const DISTINCT_DEPS: bool = true;
    type Input<T: Real> = ();
    type OutcomesInput<T: Real> = ();
    fn input_slice<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    fn outcomes_slice<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    #[inline(always)]
    fn each<F: FnMut(usize)>(_: usize, _: &mut F) {}
}

impl<Fs, M, R, const NO: usize> ModalityList<Fs> for Cons<M, R>
where
    Fs: FactorList,
    M: Modality<Outcomes = Const<NO>>,
    M::DependsOn: DepList<Fs>,
    R: ModalityList<Fs>,
{
    const LEN: usize = 1 + R::LEN;
    const DECLS: Table<ModalityDecl, MAX_MODALITIES> = R::DECLS.push_front(ModalityDecl {
        name: M::NAME,
        outcomes: NO,
        position: <M::Position as Pos>::INDEX,
    });
    const PARENTS: Table<Ids, MAX_MODALITIES> =
        R::PARENTS.push_front(<M::DependsOn as DepList<Fs>>::IDS);
    const DISTINCT_DEPS: bool = <M::DependsOn as DepList<Fs>>::DISTINCT && R::DISTINCT_DEPS;
    type Input<T: Real> = ([<M::DependsOn as DepList<Fs>>::Array<T>; NO], R::Input<T>);
    type OutcomesInput<T: Real> = ([T; NO], R::OutcomesInput<T>);
    #[inline]
    fn input_slice<T: Real>(input: &Self::Input<T>, m: usize) -> &[T] {
        if m == 0 {
            <M::DependsOn as DepList<Fs>>::flat(&input.0[..])
        } else {
            R::input_slice(&input.1, m - 1)
        }
    }
    #[inline]
    fn outcomes_slice<T: Real>(input: &Self::OutcomesInput<T>, m: usize) -> &[T] {
        if m == 0 {
            &input.0
        } else {
            R::outcomes_slice(&input.1, m - 1)
        }
    }
    #[inline(always)]
    fn each<F: FnMut(usize)>(k: usize, f: &mut F) {
        f(k);
        R::each(k + 1, f);
    }
}

/// The modality at position `P` of a modality list.
#[diagnostic::on_unimplemented(
    message = "this model has no modality at position `{P}`",
    note = "declare the modality in the model's `modalities` list"
)]
pub trait ModalityAt<Fs: FactorList, P>: ModalityList<Fs> {
    /// The modality marker at that position.
    type Modality;
}

#[diagnostic::do_not_recommend]
impl<Fs: FactorList, M: Modality, R: ModalityList<Fs>> ModalityAt<Fs, Z> for Cons<M, R>
where
    Cons<M, R>: ModalityList<Fs>,
{
    type Modality = M;
}

#[diagnostic::do_not_recommend]
impl<Fs: FactorList, P, H: Modality, R: ModalityAt<Fs, P>> ModalityAt<Fs, S<P>> for Cons<H, R>
where
    Cons<H, R>: ModalityList<Fs>,
{
    type Modality = R::Modality;
}

/// Modality `M` is one of this list's modalities, at the position it declares.
#[diagnostic::on_unimplemented(
    message = "`{M}` is not an observation modality of this model",
    label = "`{M}` is not in this model's modality list (at the position it declares)",
    note = "use one of the modalities declared in the model's `modalities`"
)]
pub trait HasModality<Fs: FactorList, M>: ModalityList<Fs> {
    /// Position of `M`.
    const INDEX: usize;
}

#[diagnostic::do_not_recommend]
impl<Fs: FactorList, M: Modality, L> HasModality<Fs, M> for L
where
    L: ModalityAt<Fs, M::Position, Modality = M>,
{
    const INDEX: usize = <M::Position as Pos>::INDEX;
}

/// The pymdp-layout input types of one modality inside the factor list `Fs` (for builders
/// that replace one modality's tensors, such as [`Model::with_a`](crate::Model::with_a)).
#[diagnostic::on_unimplemented(
    message = "modality `{Self}` does not fit this model's factors",
    note = "every factor in the modality's `depends_on` list must be one of the model's factors"
)]
pub trait ModalityShape<Fs: FactorList>: Modality {
    /// Number of outcomes.
    const OUTCOMES: usize;
    /// `A[m]` in pymdp's layout (outcome axis first), as nested arrays.
    type Input<T: Real>: Elem;
    /// A vector over the outcomes, `[T; NO]` (`C[m]`).
    type OutcomesInput<T: Real>: Elem + AsRef<[T]>;
    /// The entries of `A[m]` in C order.
    fn flat_input<T: Real>(a: &Self::Input<T>) -> &[T];
}

impl<M, Fs, const NO: usize> ModalityShape<Fs> for M
where
    M: Modality<Outcomes = Const<NO>>,
    M::DependsOn: DepList<Fs>,
    Fs: FactorList,
{
    const OUTCOMES: usize = NO;
    type Input<T: Real> = [<M::DependsOn as DepList<Fs>>::Array<T>; NO];
    type OutcomesInput<T: Real> = [T; NO];
    #[inline]
    fn flat_input<T: Real>(a: &Self::Input<T>) -> &[T] {
        <M::DependsOn as DepList<Fs>>::flat(&a[..])
    }
}
