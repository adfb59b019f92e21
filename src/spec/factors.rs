//! The model's list of hidden-state factors and the belief storage it induces.

use core::fmt::Debug;

use nalgebra::{Const, SVector};

use super::{Cons, Factor, Nil, S, Z};
use crate::real::{Real, lit};

/// A cons list of [`Factor`] markers: the hidden-state factors of a model.
///
/// It fixes the storage of a belief over all factors, `Beliefs<T>`: one `SVector<T, N_f>` per
/// factor, as a nested tuple `(q_0, (q_1, ()))`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of hidden-state factors",
    note = "factors are listed as `Cons<F0, Cons<F1, Nil>>`, each implementing `actinf::Factor` \
            with `States = Const<N>` and `Controls = Const<U>`"
)]
pub trait FactorList: 'static {
    /// Number of factors.
    const LEN: usize;
    /// Number of joint actions per step, `∏_f U_f`.
    const JOINT_CONTROLS: usize;
    /// Belief storage: one categorical vector per factor.
    type Beliefs<T: Real>: Copy + Debug + PartialEq;

    /// Plain-array input: one `[T; N_f]` per factor, as a nested tuple `([T; N_0], (…, ()))`.
    type Input<T: Real>: Copy + Debug + PartialEq;

    /// Converts plain arrays into belief vectors (no checks).
    fn from_input<T: Real>(input: &Self::Input<T>) -> Self::Beliefs<T>;
    /// One vector per factor over its actions (action marginals).
    type ActionVectors<T: Real>: Copy + Debug + PartialEq;
    /// All-zero action vectors.
    fn zero_actions<T: Real>() -> Self::ActionVectors<T>;
    /// Factor `f`'s action vector as a slice.
    fn action_vector<T: Real>(v: &Self::ActionVectors<T>, f: usize) -> &[T];
    /// Factor `f`'s action vector as a mutable slice.
    fn action_vector_mut<T: Real>(v: &mut Self::ActionVectors<T>, f: usize) -> &mut [T];
    /// Uniform beliefs `1/N_f` for every factor.
    fn uniform<T: Real>() -> Self::Beliefs<T>;
    /// Every entry set to `v`.
    fn filled<T: Real>(v: T) -> Self::Beliefs<T>;
    /// Factor `f`'s vector as a slice (empty if `f` is out of range).
    fn factor<T: Real>(q: &Self::Beliefs<T>, f: usize) -> &[T];
    /// Factor `f`'s vector as a mutable slice (empty if `f` is out of range).
    fn factor_mut<T: Real>(q: &mut Self::Beliefs<T>, f: usize) -> &mut [T];
    /// Number of states of factor `f`.
    fn states(f: usize) -> usize;
    /// Number of actions of factor `f`.
    fn controls(f: usize) -> usize;
    /// Name of factor `f`.
    fn name(f: usize) -> &'static str;
}

impl FactorList for Nil {
    const LEN: usize = 0;
    const JOINT_CONTROLS: usize = 1;
    type Beliefs<T: Real> = ();
    type Input<T: Real> = ();
    type ActionVectors<T: Real> = ();
    fn zero_actions<T: Real>() {}
    fn action_vector<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    fn action_vector_mut<T: Real>(_: &mut (), _: usize) -> &mut [T] {
        &mut []
    }
    fn from_input<T: Real>(_: &()) {}
    fn uniform<T: Real>() {}
    fn filled<T: Real>(_: T) {}
    fn factor<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    fn factor_mut<T: Real>(_: &mut (), _: usize) -> &mut [T] {
        &mut []
    }
    fn states(_: usize) -> usize {
        0
    }
    fn controls(_: usize) -> usize {
        0
    }
    fn name(_: usize) -> &'static str {
        "?"
    }
}

impl<F, R, const N: usize, const U: usize> FactorList for Cons<F, R>
where
    F: Factor<States = Const<N>, Controls = Const<U>>,
    R: FactorList,
{
    const LEN: usize = 1 + R::LEN;
    const JOINT_CONTROLS: usize = U * R::JOINT_CONTROLS;
    type Beliefs<T: Real> = (SVector<T, N>, R::Beliefs<T>);
    type Input<T: Real> = ([T; N], R::Input<T>);
    type ActionVectors<T: Real> = (SVector<T, U>, R::ActionVectors<T>);

    fn zero_actions<T: Real>() -> Self::ActionVectors<T> {
        (SVector::zeros(), R::zero_actions())
    }
    fn action_vector<T: Real>(v: &Self::ActionVectors<T>, f: usize) -> &[T] {
        if f == 0 {
            v.0.as_slice()
        } else {
            R::action_vector(&v.1, f - 1)
        }
    }
    fn action_vector_mut<T: Real>(v: &mut Self::ActionVectors<T>, f: usize) -> &mut [T] {
        if f == 0 {
            v.0.as_mut_slice()
        } else {
            R::action_vector_mut(&mut v.1, f - 1)
        }
    }

    fn from_input<T: Real>(input: &Self::Input<T>) -> Self::Beliefs<T> {
        (SVector::from(input.0), R::from_input(&input.1))
    }

    fn uniform<T: Real>() -> Self::Beliefs<T> {
        (
            SVector::from_element(T::one() / lit::<T>(N as f64)),
            R::uniform(),
        )
    }
    fn filled<T: Real>(v: T) -> Self::Beliefs<T> {
        (SVector::from_element(v), R::filled(v))
    }
    #[inline]
    fn factor<T: Real>(q: &Self::Beliefs<T>, f: usize) -> &[T] {
        if f == 0 {
            q.0.as_slice()
        } else {
            R::factor(&q.1, f - 1)
        }
    }
    #[inline]
    fn factor_mut<T: Real>(q: &mut Self::Beliefs<T>, f: usize) -> &mut [T] {
        if f == 0 {
            q.0.as_mut_slice()
        } else {
            R::factor_mut(&mut q.1, f - 1)
        }
    }
    fn states(f: usize) -> usize {
        if f == 0 { N } else { R::states(f - 1) }
    }
    fn controls(f: usize) -> usize {
        if f == 0 { U } else { R::controls(f - 1) }
    }
    fn name(f: usize) -> &'static str {
        if f == 0 { F::NAME } else { R::name(f - 1) }
    }
}

/// The factor at position `P` of a factor list, with `N` states.
#[diagnostic::on_unimplemented(
    message = "this model has no hidden-state factor at position `{P}` with {N} states",
    note = "declare the factor in the model's `factors` list before using it"
)]
pub trait FactorAt<P, const N: usize>: FactorList {
    /// The factor marker stored at that position.
    type Factor;
    /// Its belief vector.
    fn get<T: Real>(q: &Self::Beliefs<T>) -> &SVector<T, N>;
    /// Its belief vector, mutably.
    fn get_mut<T: Real>(q: &mut Self::Beliefs<T>) -> &mut SVector<T, N>;
}

#[diagnostic::do_not_recommend]
impl<F, R, const N: usize, const U: usize> FactorAt<Z, N> for Cons<F, R>
where
    F: Factor<States = Const<N>, Controls = Const<U>>,
    R: FactorList,
{
    type Factor = F;
    #[inline(always)]
    fn get<T: Real>(q: &Self::Beliefs<T>) -> &SVector<T, N> {
        &q.0
    }
    #[inline(always)]
    fn get_mut<T: Real>(q: &mut Self::Beliefs<T>) -> &mut SVector<T, N> {
        &mut q.0
    }
}

#[diagnostic::do_not_recommend]
impl<P, H, R, const N: usize, const M: usize, const U: usize> FactorAt<S<P>, N> for Cons<H, R>
where
    H: Factor<States = Const<M>, Controls = Const<U>>,
    R: FactorAt<P, N>,
{
    type Factor = R::Factor;
    #[inline(always)]
    fn get<T: Real>(q: &Self::Beliefs<T>) -> &SVector<T, N> {
        R::get(&q.1)
    }
    #[inline(always)]
    fn get_mut<T: Real>(q: &mut Self::Beliefs<T>) -> &mut SVector<T, N> {
        R::get_mut(&mut q.1)
    }
}

/// Factor `F` (with `N` states) is one of this list's factors, at the position it declares.
///
/// This is how a dependency list finds a factor's belief: by the factor's declared position,
/// checked against the marker found there, so a factor that is missing (or declared at the
/// wrong position) is a compile error rather than a silently wrong lookup.
#[diagnostic::on_unimplemented(
    message = "factor `{F}` is not a hidden-state factor of this model",
    label = "`{F}` is not in this model's factor list (at the position it declares)",
    note = "add `{F}` to the model's `factors`, or remove it from the `depends_on` list"
)]
pub trait HasFactor<F, const N: usize>: FactorList {
    /// Position of `F` in the list.
    const INDEX: usize;
    /// `F`'s belief vector.
    fn get<T: Real>(q: &Self::Beliefs<T>) -> &SVector<T, N>;
    /// `F`'s belief vector, mutably.
    fn get_mut<T: Real>(q: &mut Self::Beliefs<T>) -> &mut SVector<T, N>;
}

#[diagnostic::do_not_recommend]
impl<F, L, const N: usize> HasFactor<F, N> for L
where
    F: Factor<States = Const<N>>,
    L: FactorAt<F::Position, N, Factor = F>,
{
    const INDEX: usize = <F::Position as super::Pos>::INDEX;
    #[inline(always)]
    fn get<T: Real>(q: &Self::Beliefs<T>) -> &SVector<T, N> {
        <L as FactorAt<F::Position, N>>::get(q)
    }
    #[inline(always)]
    fn get_mut<T: Real>(q: &mut Self::Beliefs<T>) -> &mut SVector<T, N> {
        <L as FactorAt<F::Position, N>>::get_mut(q)
    }
}
