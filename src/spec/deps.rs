//! Dependency lists: the factors a tensor is conditioned on, and contractions over them.
//!
//! A tensor over the factors `(f_1, …, f_k)` is a nested array `[[X; N_k]; …; N_1]` (`X` for
//! the empty list), so its flat view is in C order, last factor fastest, exactly like pymdp's
//! trailing axes. Contractions walk the nesting and read each factor's marginal by type;
//! the loop bounds are all compile-time constants.

use core::fmt::Debug;

use nalgebra::{Const, SVector};

use super::{Cons, Factor, FactorList, HasFactor, Nil, Pos};
use crate::real::Real;

/// A cons list of factor markers that a tensor depends on, inside the model factor list `Fs`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of this model's factors",
    label = "a `depends_on` list names a factor this model does not have",
    note = "every factor named in `depends_on` must be declared in the model's `factors`"
)]
pub trait DepList<Fs: FactorList>: 'static {
    /// Number of factors in the list.
    const LEN: usize;
    /// Bit set of the model positions of the listed factors.
    const MASK: u128;
    /// Whether no factor is listed twice.
    const DISTINCT: bool;
    /// Number of joint states, `∏ N_d`.
    const JOINT: usize;
    /// A tensor of `X` over the listed factors: `[[X; N_k]; …; N_1]`.
    type Array<X: Copy + Debug + PartialEq>: Copy + Debug + PartialEq;

    /// Model position of the `k`-th listed factor.
    fn factor_at(k: usize) -> usize;
    /// Builds a tensor by calling `g` once per entry, in C order.
    fn from_fn<X: Copy + Debug + PartialEq, G: FnMut() -> X>(g: &mut G) -> Self::Array<X>;
    /// Applies `f` to every entry, in C order.
    fn map<X, Y, G>(a: &Self::Array<X>, f: &mut G) -> Self::Array<Y>
    where
        X: Copy + Debug + PartialEq,
        Y: Copy + Debug + PartialEq,
        G: FnMut(&X) -> Y;
    /// The entries of a slice of tensors as one flat slice, in C order.
    fn flat<X: Copy + Debug + PartialEq>(s: &[Self::Array<X>]) -> &[X];
    /// Mutable flat view of a slice of tensors.
    fn flat_mut<X: Copy + Debug + PartialEq>(s: &mut [Self::Array<X>]) -> &mut [X];
    /// Calls `f(entry, w · ∏_d q_d(s_d))` for every joint state `s` (entries with zero weight
    /// are skipped: they would only add exact zeros).
    fn visit<T: Real, X: Copy + Debug + PartialEq>(
        a: &Self::Array<X>,
        q: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&X, T),
    );
    /// Mutable counterpart of [`visit`](Self::visit); visits every entry, zero weights included.
    fn visit_mut<T: Real, X: Copy + Debug + PartialEq>(
        a: &mut Self::Array<X>,
        q: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&mut X, T),
    );
    /// Mean-field messages of a log-likelihood tensor: for every listed factor `f`,
    /// `out_f(s_f) += w · Σ_{s \ s_f} ll(s) ∏_{g ≠ f} q_g(s_g)` (pymdp's `factor_dot` of `ll`
    /// with all other parents' marginals).
    fn messages<T: Real>(ll: &Self::Array<T>, q: &Fs::Beliefs<T>, w: T, out: &mut Fs::Beliefs<T>);

    /// `Σ_s x(s) · ∏_d q_d(s_d)` for a scalar tensor `x`.
    #[inline]
    fn contract<T: Real>(x: &Self::Array<T>, q: &Fs::Beliefs<T>) -> T {
        let mut acc = T::zero();
        Self::visit(x, q, T::one(), &mut |v: &T, w| acc += *v * w);
        acc
    }

    /// `Σ_s col(s) · ∏_d q_d(s_d)` for a tensor of vectors (e.g. `A·q`, `B[u]·q`).
    #[inline]
    fn contract_columns<T: Real, const NO: usize>(
        x: &Self::Array<SVector<T, NO>>,
        q: &Fs::Beliefs<T>,
    ) -> SVector<T, NO> {
        let mut acc = SVector::<T, NO>::zeros();
        Self::visit(x, q, T::one(), &mut |col: &SVector<T, NO>, w| {
            acc.axpy(w, col, T::one())
        });
        acc
    }
}

impl<Fs: FactorList> DepList<Fs> for Nil {
    const LEN: usize = 0;
    const MASK: u128 = 0;
    const DISTINCT: bool = true;
    const JOINT: usize = 1;
    type Array<X: Copy + Debug + PartialEq> = X;

    fn factor_at(_: usize) -> usize {
        usize::MAX
    }
    #[inline(always)]
    fn from_fn<X: Copy + Debug + PartialEq, G: FnMut() -> X>(g: &mut G) -> X {
        g()
    }
    #[inline(always)]
    fn map<X, Y, G>(a: &X, f: &mut G) -> Y
    where
        X: Copy + Debug + PartialEq,
        Y: Copy + Debug + PartialEq,
        G: FnMut(&X) -> Y,
    {
        f(a)
    }
    #[inline(always)]
    fn flat<X: Copy + Debug + PartialEq>(s: &[X]) -> &[X] {
        s
    }
    #[inline(always)]
    fn flat_mut<X: Copy + Debug + PartialEq>(s: &mut [X]) -> &mut [X] {
        s
    }
    #[inline(always)]
    fn visit<T: Real, X: Copy + Debug + PartialEq>(
        a: &X,
        _: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&X, T),
    ) {
        f(a, w)
    }
    #[inline(always)]
    fn visit_mut<T: Real, X: Copy + Debug + PartialEq>(
        a: &mut X,
        _: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&mut X, T),
    ) {
        f(a, w)
    }
    #[inline(always)]
    fn messages<T: Real>(_: &T, _: &Fs::Beliefs<T>, _: T, _: &mut Fs::Beliefs<T>) {}
}

impl<Fs, F, R, const N: usize> DepList<Fs> for Cons<F, R>
where
    Fs: FactorList + HasFactor<F, N>,
    F: Factor<States = Const<N>>,
    R: DepList<Fs>,
{
    const LEN: usize = 1 + R::LEN;
    const MASK: u128 = R::MASK | (1u128 << <F::Position as Pos>::INDEX);
    const DISTINCT: bool = R::DISTINCT && (R::MASK & (1u128 << <F::Position as Pos>::INDEX)) == 0;
    const JOINT: usize = N * R::JOINT;
    type Array<X: Copy + Debug + PartialEq> = [R::Array<X>; N];

    fn factor_at(k: usize) -> usize {
        if k == 0 {
            <F::Position as Pos>::INDEX
        } else {
            R::factor_at(k - 1)
        }
    }
    #[inline]
    fn from_fn<X: Copy + Debug + PartialEq, G: FnMut() -> X>(g: &mut G) -> Self::Array<X> {
        core::array::from_fn(|_| R::from_fn(g))
    }
    #[inline]
    fn map<X, Y, G>(a: &Self::Array<X>, f: &mut G) -> Self::Array<Y>
    where
        X: Copy + Debug + PartialEq,
        Y: Copy + Debug + PartialEq,
        G: FnMut(&X) -> Y,
    {
        core::array::from_fn(|i| R::map(&a[i], f))
    }
    #[inline(always)]
    fn flat<X: Copy + Debug + PartialEq>(s: &[Self::Array<X>]) -> &[X] {
        R::flat(s.as_flattened())
    }
    #[inline(always)]
    fn flat_mut<X: Copy + Debug + PartialEq>(s: &mut [Self::Array<X>]) -> &mut [X] {
        R::flat_mut(s.as_flattened_mut())
    }
    #[inline]
    fn visit<T: Real, X: Copy + Debug + PartialEq>(
        a: &Self::Array<X>,
        q: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&X, T),
    ) {
        let qf = <Fs as HasFactor<F, N>>::get(q);
        for (sub, &p) in a.iter().zip(qf.iter()) {
            let wi = w * p;
            if wi != T::zero() {
                R::visit(sub, q, wi, f);
            }
        }
    }
    #[inline]
    fn visit_mut<T: Real, X: Copy + Debug + PartialEq>(
        a: &mut Self::Array<X>,
        q: &Fs::Beliefs<T>,
        w: T,
        f: &mut impl FnMut(&mut X, T),
    ) {
        let qf = *<Fs as HasFactor<F, N>>::get(q);
        for (sub, &p) in a.iter_mut().zip(qf.iter()) {
            R::visit_mut(sub, q, w * p, f);
        }
    }
    #[inline]
    fn messages<T: Real>(ll: &Self::Array<T>, q: &Fs::Beliefs<T>, w: T, out: &mut Fs::Beliefs<T>) {
        let qf = *<Fs as HasFactor<F, N>>::get(q);
        let mut own = SVector::<T, N>::zeros();
        for i in 0..N {
            own[i] = w * R::contract(&ll[i], q);
            let wi = w * qf[i];
            if R::LEN > 0 && wi != T::zero() {
                R::messages(&ll[i], q, wi, out);
            }
        }
        *<Fs as HasFactor<F, N>>::get_mut(out) += own;
    }
}
