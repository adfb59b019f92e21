//! Hidden-state transitions: per-factor `B` shapes and kernels, and the list over factors.

use core::fmt::Debug;

use nalgebra::{Const, SVector};

use super::{Cons, DepList, Factor, FactorList, HasFactor, Nil, Pos};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths;
use crate::real::Real;
use crate::validate;

/// The transition shapes of one factor inside the factor list `Fs`, and the kernels on them.
///
/// `Transition<T>` stores `B[f]` per action `u` as a tensor (over the factor's transition
/// parents) of next-state columns `SVector<T, N>`: `B[f][u][s_deps] = B_pymdp[f][:, s_deps, u]`.
/// `Input<T>` is pymdp's layout `B[f][s'][s_1]…[s_k][u]`.
#[diagnostic::on_unimplemented(
    message = "factor `{Self}` does not fit this model's factors",
    note = "every factor in a transition's `depends_on` list must be one of the model's factors"
)]
pub trait FactorShape<Fs: FactorList>: Factor {
    /// Number of states.
    const STATES: usize;
    /// Number of actions.
    const CONTROLS: usize;
    /// `B[f]` per action, as tensors of next-state columns.
    type Transition<T: Real>: Copy + Debug + PartialEq;
    /// `B[f]` in pymdp's layout.
    type Input<T: Real>: Copy + Debug + PartialEq;
}

impl<F, Fs, const N: usize, const U: usize> FactorShape<Fs> for F
where
    F: Factor<States = Const<N>, Controls = Const<U>>,
    F::DependsOn: DepList<Fs>,
    Fs: FactorList,
{
    const STATES: usize = N;
    const CONTROLS: usize = U;
    type Transition<T: Real> = [<F::DependsOn as DepList<Fs>>::Array<SVector<T, N>>; U];
    type Input<T: Real> = [<F::DependsOn as DepList<Fs>>::Array<[T; U]>; N];
}

/// The model's factor list (or a suffix of it) viewed as the list of transitions `B`.
///
/// `Fs` is always the whole factor list, so each transition can read its parents' beliefs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of transitions over this model's factors",
    note = "every factor named in a factor's `depends_on` must be declared in the model's `factors`"
)]
pub trait TransitionList<Fs: FactorList>: 'static {
    /// Whether every factor lists itself among its transition parents.
    const SELF_DEPENDENT: bool;
    /// Whether no factor lists a parent twice.
    const DISTINCT_DEPS: bool;
    /// `B` for every factor.
    type Transitions<T: Real>: Copy + Debug + PartialEq;
    /// `B` for every factor, in pymdp's layout.
    type Input<T: Real>: Copy + Debug + PartialEq;

    /// Converts pymdp's layout and checks every column (`f` is the head's factor position).
    fn from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        f: usize,
        normalised: bool,
    ) -> Result<Self::Transitions<T>, Error>;
    /// Converts back to pymdp's layout.
    fn to_input<T: Real>(b: &Self::Transitions<T>) -> Self::Input<T>;
    /// Every action leaves the factor where it is (`B[s' = s_f | s_deps, u] = 1`).
    fn identity<T: Real>() -> Self::Transitions<T>;
    /// Dirichlet expected value of concentrations, column by column.
    fn dirichlet_mean<T: Real>(p: &Self::Transitions<T>) -> Self::Transitions<T>;
    /// Novelty weights `wnorm(pB) ⊙ [pB > 0]` per column.
    fn novelty_weights<T: Real>(pb: &Self::Transitions<T>, exact: bool) -> Self::Transitions<T>;
    /// `Σ_f q_next_f · (Σ_{s_deps} W_f[:, s_deps, u_f] ∏ q_prev(s_deps))`: pymdp's (negative)
    /// pB information gain, with the parents' beliefs *before* the step.
    fn novelty<T: Real>(
        w: &Self::Transitions<T>,
        action: &[usize],
        q_prev: &Fs::Beliefs<T>,
        q_next: &Fs::Beliefs<T>,
    ) -> T;
    /// Checks each action index against its factor's control count.
    fn check_action(action: &[usize], f: usize) -> Result<(), Error>;
    /// Empirical prior `p_f(s') = Σ_{s_deps} B_f[s', s_deps, u_f] ∏_d q_d(s_d)` for every factor,
    /// written into `out` (pymdp `compute_expected_state`).
    fn predict<T: Real>(
        b: &Self::Transitions<T>,
        action: &[usize],
        q: &Fs::Beliefs<T>,
        out: &mut Fs::Beliefs<T>,
    );
}

impl<Fs: FactorList> TransitionList<Fs> for Nil {
    const SELF_DEPENDENT: bool = true;
    const DISTINCT_DEPS: bool = true;
    type Transitions<T: Real> = ();
    type Input<T: Real> = ();
    fn from_input<T: Real>(_: &(), _: Tensor, _: usize, _: bool) -> Result<(), Error> {
        Ok(())
    }
    fn to_input<T: Real>(_: &()) {}
    fn identity<T: Real>() {}
    fn dirichlet_mean<T: Real>(_: &()) {}
    fn novelty_weights<T: Real>(_: &(), _: bool) {}
    fn novelty<T: Real>(_: &(), _: &[usize], _: &Fs::Beliefs<T>, _: &Fs::Beliefs<T>) -> T {
        T::zero()
    }
    fn check_action(_: &[usize], _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn predict<T: Real>(_: &(), _: &[usize], _: &Fs::Beliefs<T>, _: &mut Fs::Beliefs<T>) {}
}

impl<Fs, F, R, const N: usize, const U: usize> TransitionList<Fs> for Cons<F, R>
where
    Fs: FactorList + HasFactor<F, N>,
    F: Factor<States = Const<N>, Controls = Const<U>>,
    F::DependsOn: DepList<Fs>,
    R: TransitionList<Fs>,
{
    const SELF_DEPENDENT: bool =
        (<F::DependsOn as DepList<Fs>>::MASK >> <F::Position as Pos>::INDEX) & 1 == 1
            && R::SELF_DEPENDENT;
    const DISTINCT_DEPS: bool = <F::DependsOn as DepList<Fs>>::DISTINCT && R::DISTINCT_DEPS;
    type Transitions<T: Real> = (<F as FactorShape<Fs>>::Transition<T>, R::Transitions<T>);
    type Input<T: Real> = (<F as FactorShape<Fs>>::Input<T>, R::Input<T>);

    fn from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        f: usize,
        normalised: bool,
    ) -> Result<Self::Transitions<T>, Error> {
        type D<F> = <F as Factor>::DependsOn;
        let joint = <D<F> as DepList<Fs>>::JOINT;
        let deps = <D<F> as DepList<Fs>>::LEN;
        let flat = <D<F> as DepList<Fs>>::flat(&input.0[..]);
        let head: [_; U] = core::array::from_fn(|u| {
            let mut j = 0usize;
            <D<F> as DepList<Fs>>::from_fn(&mut || {
                let col = SVector::<T, N>::from_fn(|next, _| flat[next * joint + j][u]);
                j += 1;
                col
            })
        });
        let dim = |k: usize| Fs::states(<D<F> as DepList<Fs>>::factor_at(k));
        for (u, per_action) in head.iter().enumerate() {
            let cols = <D<F> as DepList<Fs>>::flat(core::slice::from_ref(per_action));
            for (j, col) in cols.iter().enumerate() {
                let res = if normalised {
                    validate::distribution(col.as_slice())
                } else {
                    validate::nonnegative(col.as_slice()).map_err(|(i, p)| (Some(i), p))
                };
                if let Err((row, problem)) = res {
                    let mut entry =
                        validate::entry_of(&[row.unwrap_or(0)], j, deps, dim, row.is_none());
                    if entry.len < crate::error::MAX_AXES {
                        entry.index[entry.len] = u32::try_from(u).unwrap_or(u32::MAX);
                        entry.len += 1;
                    }
                    return Err(Error::new(tensor, f, F::NAME, entry, problem));
                }
            }
        }
        Ok((head, R::from_input(&input.1, tensor, f + 1, normalised)?))
    }

    fn to_input<T: Real>(b: &Self::Transitions<T>) -> Self::Input<T> {
        let per_action: [&[SVector<T, N>]; U] = core::array::from_fn(|u| {
            <F::DependsOn as DepList<Fs>>::flat(core::slice::from_ref(&b.0[u]))
        });
        let head = core::array::from_fn(|next| {
            let mut j = 0usize;
            <F::DependsOn as DepList<Fs>>::from_fn(&mut || {
                let v: [T; U] = core::array::from_fn(|u| per_action[u][j][next]);
                j += 1;
                v
            })
        });
        (head, R::to_input(&b.1))
    }

    fn identity<T: Real>() -> Self::Transitions<T> {
        type D<F> = <F as Factor>::DependsOn;
        let deps = <D<F> as DepList<Fs>>::LEN;
        let me = <F::Position as Pos>::INDEX;
        // The stride of this factor's own axis inside the C-order joint index.
        let mut stride = 1usize;
        let mut own = None;
        for k in (0..deps).rev() {
            let fk = <D<F> as DepList<Fs>>::factor_at(k);
            if fk == me {
                own = Some(stride);
                break;
            }
            stride *= Fs::states(fk);
        }
        let head = core::array::from_fn(|_| {
            let mut j = 0usize;
            <D<F> as DepList<Fs>>::from_fn(&mut || {
                let mut col = SVector::<T, N>::zeros();
                // A factor absent from its own dependencies is rejected by `check_spec`;
                // state 0 keeps this total.
                let s = own.map_or(0, |st| (j / st) % N);
                col[s] = T::one();
                j += 1;
                col
            })
        });
        (head, R::identity())
    }

    fn dirichlet_mean<T: Real>(p: &Self::Transitions<T>) -> Self::Transitions<T> {
        let head = core::array::from_fn(|u| {
            <F::DependsOn as DepList<Fs>>::map(&p.0[u], &mut maths::dirichlet_mean)
        });
        (head, R::dirichlet_mean(&p.1))
    }

    fn novelty_weights<T: Real>(pb: &Self::Transitions<T>, exact: bool) -> Self::Transitions<T> {
        let head = core::array::from_fn(|u| {
            <F::DependsOn as DepList<Fs>>::map(&pb.0[u], &mut |c: &SVector<T, N>| {
                maths::novelty_weight(c, exact)
            })
        });
        (head, R::novelty_weights(&pb.1, exact))
    }
    #[inline]
    fn novelty<T: Real>(
        w: &Self::Transitions<T>,
        action: &[usize],
        q_prev: &Fs::Beliefs<T>,
        q_next: &Fs::Beliefs<T>,
    ) -> T {
        let wq = <F::DependsOn as DepList<Fs>>::contract_columns(&w.0[action[0]], q_prev);
        wq.dot(<Fs as HasFactor<F, N>>::get(q_next))
            + R::novelty(&w.1, &action[1..], q_prev, q_next)
    }
    fn check_action(action: &[usize], f: usize) -> Result<(), Error> {
        let u = action.first().copied().unwrap_or(usize::MAX);
        if u >= U {
            return Err(Error::new(
                Tensor::B,
                f,
                F::NAME,
                Entry::at(u),
                Problem::OutOfRange { value: u, len: U },
            ));
        }
        R::check_action(&action[1..], f + 1)
    }

    #[inline]
    fn predict<T: Real>(
        b: &Self::Transitions<T>,
        action: &[usize],
        q: &Fs::Beliefs<T>,
        out: &mut Fs::Beliefs<T>,
    ) {
        let next = <F::DependsOn as DepList<Fs>>::contract_columns(&b.0[action[0]], q);
        *<Fs as HasFactor<F, N>>::get_mut(out) = next;
        R::predict(&b.1, &action[1..], q, out);
    }
}
