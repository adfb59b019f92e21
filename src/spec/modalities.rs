//! Observation modalities: per-modality tensor shapes and kernels, and the modality list.

use core::fmt::Debug;

use nalgebra::{Const, SVector};

use super::{Cons, DepList, FactorList, Modality, Nil, Pos, S, Z};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths;
use crate::real::Real;
use crate::validate;

/// The tensor shapes of one modality inside the factor list `Fs`, and the kernels on them.
///
/// Blanket-implemented for every [`Modality`] whose `depends_on` factors are in `Fs`:
/// * `Likelihood<T>` stores `A[m]` as a tensor (over the parents) of outcome columns
///   `SVector<T, NO>`, i.e. pymdp's `A[m][:, s_1, …, s_k]` for every parent state;
/// * `Input<T>` is pymdp's layout `A[m][o][s_1]…[s_k]` as nested arrays;
/// * `Tensor<T>` is a scalar tensor over the parents (log-likelihood, column entropies).
#[diagnostic::on_unimplemented(
    message = "modality `{Self}` does not fit this model's factors",
    note = "every factor in the modality's `depends_on` list must be one of the model's factors"
)]
pub trait ModalityShape<Fs: FactorList>: Modality {
    /// Number of outcomes.
    const OUTCOMES: usize;
    /// The parents, as a dependency list.
    type Deps: DepList<Fs>;
    /// `A[m]` as a tensor of outcome columns.
    type Likelihood<T: Real>: Copy + Debug + PartialEq;
    /// `A[m]` in pymdp's layout (outcome axis first), as nested arrays.
    type Input<T: Real>: Copy + Debug + PartialEq;
    /// A scalar tensor over the parents.
    type Tensor<T: Real>: Copy + Debug + PartialEq;
    /// A vector over outcomes (one column of `A[m]`, or `C[m]`).
    type Column<T: Real>: Copy + Debug + PartialEq;
    /// A vector over outcomes as a plain array `[T; NO]`.
    type ColumnInput<T: Real>: Copy + Debug + PartialEq + AsRef<[T]>;

    /// Converts a plain array into an outcome vector.
    fn outcomes_from_input<T: Real>(x: &Self::ColumnInput<T>) -> Self::Column<T>;
    /// Converts pymdp's layout into columns and checks every column: finite, non-negative and,
    /// when `normalised`, summing to 1.
    fn likelihood_from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        m: usize,
        normalised: bool,
    ) -> Result<Self::Likelihood<T>, Error>;
    /// Converts columns back to pymdp's layout.
    fn likelihood_to_input<T: Real>(a: &Self::Likelihood<T>) -> Self::Input<T>;
    /// Every column uniform, `1/NO`.
    fn uniform_likelihood<T: Real>() -> Self::Likelihood<T>;
    /// Applies a column map to every column.
    fn map_columns<T: Real>(
        a: &Self::Likelihood<T>,
        f: impl FnMut(&Self::Column<T>) -> Self::Column<T>,
    ) -> Self::Likelihood<T>;
    /// Applies a column reduction, giving a scalar tensor.
    fn reduce_columns<T: Real>(
        a: &Self::Likelihood<T>,
        f: impl FnMut(&Self::Column<T>) -> T,
    ) -> Self::Tensor<T>;
    /// The columns as a flat slice, in C order over the parents.
    fn columns<T: Real>(a: &Self::Likelihood<T>) -> &[Self::Column<T>];
    /// The columns as a flat mutable slice.
    fn columns_mut<T: Real>(a: &mut Self::Likelihood<T>) -> &mut [Self::Column<T>];
    /// `Σ_s A[:, s] ∏ q_d(s_d)`: the predicted outcome distribution (pymdp `factor_dot` with
    /// `keep_dims=(0,)`).
    fn predict<T: Real>(a: &Self::Likelihood<T>, q: &Fs::Beliefs<T>) -> Self::Column<T>;
}

impl<M, Fs, const NO: usize> ModalityShape<Fs> for M
where
    M: Modality<Outcomes = Const<NO>>,
    M::DependsOn: DepList<Fs>,
    Fs: FactorList,
{
    const OUTCOMES: usize = NO;
    type Deps = M::DependsOn;
    type Likelihood<T: Real> = <M::DependsOn as DepList<Fs>>::Array<SVector<T, NO>>;
    type Input<T: Real> = [<M::DependsOn as DepList<Fs>>::Array<T>; NO];
    type Tensor<T: Real> = <M::DependsOn as DepList<Fs>>::Array<T>;
    type Column<T: Real> = SVector<T, NO>;
    type ColumnInput<T: Real> = [T; NO];

    fn outcomes_from_input<T: Real>(x: &[T; NO]) -> SVector<T, NO> {
        SVector::from(*x)
    }

    fn likelihood_from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        m: usize,
        normalised: bool,
    ) -> Result<Self::Likelihood<T>, Error> {
        type D<M> = <M as Modality>::DependsOn;
        let joint = <D<M> as DepList<Fs>>::JOINT;
        let flat = <D<M> as DepList<Fs>>::flat(&input[..]);
        let mut j = 0usize;
        let a = <D<M> as DepList<Fs>>::from_fn(&mut || {
            let col = SVector::<T, NO>::from_fn(|o, _| flat[o * joint + j]);
            j += 1;
            col
        });
        let dim = |k: usize| Fs::states(<D<M> as DepList<Fs>>::factor_at(k));
        let deps = <D<M> as DepList<Fs>>::LEN;
        for (j, col) in Self::columns(&a).iter().enumerate() {
            let res = if normalised {
                validate::distribution(col.as_slice())
            } else {
                validate::nonnegative(col.as_slice()).map_err(|(i, p)| (Some(i), p))
            };
            if let Err((row, problem)) = res {
                let entry = validate::entry_of(&[row.unwrap_or(0)], j, deps, dim, row.is_none());
                return Err(Error::new(tensor, m, M::NAME, entry, problem));
            }
        }
        Ok(a)
    }

    fn likelihood_to_input<T: Real>(a: &Self::Likelihood<T>) -> Self::Input<T> {
        let cols = Self::columns(a);
        core::array::from_fn(|o| {
            let mut j = 0usize;
            <M::DependsOn as DepList<Fs>>::from_fn(&mut || {
                let v = cols[j][o];
                j += 1;
                v
            })
        })
    }

    fn uniform_likelihood<T: Real>() -> Self::Likelihood<T> {
        let u = SVector::<T, NO>::from_element(T::one() / crate::real::lit::<T>(NO as f64));
        <M::DependsOn as DepList<Fs>>::from_fn(&mut || u)
    }

    fn map_columns<T: Real>(
        a: &Self::Likelihood<T>,
        mut f: impl FnMut(&SVector<T, NO>) -> SVector<T, NO>,
    ) -> Self::Likelihood<T> {
        <M::DependsOn as DepList<Fs>>::map(a, &mut f)
    }

    fn reduce_columns<T: Real>(
        a: &Self::Likelihood<T>,
        mut f: impl FnMut(&SVector<T, NO>) -> T,
    ) -> Self::Tensor<T> {
        <M::DependsOn as DepList<Fs>>::map(a, &mut f)
    }

    #[inline(always)]
    fn columns<T: Real>(a: &Self::Likelihood<T>) -> &[SVector<T, NO>] {
        <M::DependsOn as DepList<Fs>>::flat(core::slice::from_ref(a))
    }

    #[inline(always)]
    fn columns_mut<T: Real>(a: &mut Self::Likelihood<T>) -> &mut [SVector<T, NO>] {
        <M::DependsOn as DepList<Fs>>::flat_mut(core::slice::from_mut(a))
    }

    #[inline]
    fn predict<T: Real>(a: &Self::Likelihood<T>, q: &Fs::Beliefs<T>) -> SVector<T, NO> {
        <M::DependsOn as DepList<Fs>>::contract_columns(a, q)
    }
}

/// A cons list of [`Modality`] markers: the observation modalities of a model with factors `Fs`.
///
/// Each method applies a per-modality kernel to every modality in turn; `m` arguments are the
/// position of the list's head in the model (for error messages and observation lookup).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of modalities over this model's factors",
    note = "every factor named in a modality's `depends_on` must be declared in the model's `factors`"
)]
pub trait ModalityList<Fs: FactorList>: 'static {
    /// Number of modalities.
    const LEN: usize;
    /// Whether no modality lists a factor twice.
    const DISTINCT_DEPS: bool;
    /// `A` for every modality.
    type Likelihood<T: Real>: Copy + Debug + PartialEq;
    /// `A` for every modality, in pymdp's layout.
    type Input<T: Real>: Copy + Debug + PartialEq;
    /// A scalar tensor over each modality's parents.
    type Tensors<T: Real>: Copy + Debug + PartialEq;
    /// A vector over each modality's outcomes (`C`, predicted outcomes, categorical observations).
    type Outcomes<T: Real>: Copy + Debug + PartialEq;
    /// Pymdp-layout input of [`Outcomes`](Self::Outcomes): plain arrays `[T; NO]`.
    type OutcomesInput<T: Real>: Copy + Debug + PartialEq;

    /// Number of outcomes of modality `m`.
    fn outcomes(m: usize) -> usize;
    /// Name of modality `m`.
    fn name(m: usize) -> &'static str;
    /// See [`ModalityShape::likelihood_from_input`].
    fn likelihood_from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        m: usize,
        normalised: bool,
    ) -> Result<Self::Likelihood<T>, Error>;
    /// Converts back to pymdp's layout.
    fn likelihood_to_input<T: Real>(a: &Self::Likelihood<T>) -> Self::Input<T>;
    /// Uniform likelihoods.
    fn uniform_likelihood<T: Real>() -> Self::Likelihood<T>;
    /// `ln max(A, MINVAL)` entrywise.
    fn log_likelihood<T: Real>(a: &Self::Likelihood<T>) -> Self::Likelihood<T>;
    /// Dirichlet expected value: every column `max(p, MINVAL) / Σ max(p, MINVAL)`.
    fn dirichlet_mean<T: Real>(p: &Self::Likelihood<T>) -> Self::Likelihood<T>;
    /// Entropy of every column, `H(A[:, s]) = −Σ_o A ln max(A, MINVAL)`.
    fn column_entropies<T: Real>(a: &Self::Likelihood<T>) -> Self::Tensors<T>;
    /// Checks each observation index against its modality's outcome count.
    fn check_observation(obs: &[usize], m: usize) -> Result<(), Error>;
    /// Checks each categorical observation is a probability vector.
    fn check_categorical<T: Real>(obs: &Self::Outcomes<T>, m: usize) -> Result<(), Error>;
    /// Log-likelihood of index observations: `ll_m(s) = ln A_m[o_m, s]`, from `ln A`.
    fn log_likelihood_index<T: Real>(ln_a: &Self::Likelihood<T>, obs: &[usize])
    -> Self::Tensors<T>;
    /// Log-likelihood of categorical observations: `ll_m(s) = Σ_o o_m[o] ln A_m[o, s]`.
    fn log_likelihood_categorical<T: Real>(
        ln_a: &Self::Likelihood<T>,
        obs: &Self::Outcomes<T>,
    ) -> Self::Tensors<T>;
    /// Adds every modality's mean-field messages (see [`DepList::messages`]) into `out`.
    fn add_messages<T: Real>(ll: &Self::Tensors<T>, q: &Fs::Beliefs<T>, out: &mut Fs::Beliefs<T>);
    /// `Σ_m Σ_s x_m(s) ∏ q(s)`: a scalar tensor per modality contracted with the beliefs.
    fn contract<T: Real>(x: &Self::Tensors<T>, q: &Fs::Beliefs<T>) -> T;
    /// Predicted outcomes `A_m · q` for every modality.
    fn predict<T: Real>(a: &Self::Likelihood<T>, q: &Fs::Beliefs<T>) -> Self::Outcomes<T>;
    /// Outcome vectors from plain arrays, checked finite (`tensor` names them in errors).
    fn outcomes_from_input<T: Real>(
        input: &Self::OutcomesInput<T>,
        tensor: Tensor,
        m: usize,
    ) -> Result<Self::Outcomes<T>, Error>;
    /// Uniform outcome vectors `1/NO` (pymdp's default `C`).
    fn uniform_outcomes<T: Real>() -> Self::Outcomes<T>;
    /// `Σ_m H(qo_m)`: the summed entropy of predicted outcomes.
    fn outcome_entropy<T: Real>(qo: &Self::Outcomes<T>) -> T;
    /// `Σ_m x_m · y_m`: e.g. expected utility `Σ_m qo_m · C_m`.
    fn dot<T: Real>(x: &Self::Outcomes<T>, y: &Self::Outcomes<T>) -> T;
    /// Novelty weights of Dirichlet concentrations: `wnorm(pA) ⊙ [pA > 0]` per column
    /// (exact digamma form, or the `1/Σα − 1/α` heuristic).
    fn novelty_weights<T: Real>(pa: &Self::Likelihood<T>, exact: bool) -> Self::Likelihood<T>;
    /// `Σ_m qo_m · (Σ_s W_m[:, s] ∏ q(s))`: pymdp's (negative) pA information gain.
    fn novelty<T: Real>(w: &Self::Likelihood<T>, qo: &Self::Outcomes<T>, q: &Fs::Beliefs<T>) -> T;
    /// Modality `m`'s outcome vector as a slice.
    fn outcome<T: Real>(o: &Self::Outcomes<T>, m: usize) -> &[T];
    /// Modality `m`'s outcome vector as a mutable slice.
    fn outcome_mut<T: Real>(o: &mut Self::Outcomes<T>, m: usize) -> &mut [T];
}

impl<Fs: FactorList> ModalityList<Fs> for Nil {
    const LEN: usize = 0;
    const DISTINCT_DEPS: bool = true;
    type Likelihood<T: Real> = ();
    type Input<T: Real> = ();
    type Tensors<T: Real> = ();
    type Outcomes<T: Real> = ();
    type OutcomesInput<T: Real> = ();

    fn outcomes(_: usize) -> usize {
        0
    }
    fn name(_: usize) -> &'static str {
        "?"
    }
    fn likelihood_from_input<T: Real>(_: &(), _: Tensor, _: usize, _: bool) -> Result<(), Error> {
        Ok(())
    }
    fn likelihood_to_input<T: Real>(_: &()) {}
    fn uniform_likelihood<T: Real>() {}
    fn log_likelihood<T: Real>(_: &()) {}
    fn dirichlet_mean<T: Real>(_: &()) {}
    fn column_entropies<T: Real>(_: &()) {}
    fn check_observation(_: &[usize], _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn check_categorical<T: Real>(_: &(), _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn log_likelihood_index<T: Real>(_: &(), _: &[usize]) {}
    fn log_likelihood_categorical<T: Real>(_: &(), _: &()) {}
    fn add_messages<T: Real>(_: &(), _: &Fs::Beliefs<T>, _: &mut Fs::Beliefs<T>) {}
    fn contract<T: Real>(_: &(), _: &Fs::Beliefs<T>) -> T {
        T::zero()
    }
    fn predict<T: Real>(_: &(), _: &Fs::Beliefs<T>) {}
    fn outcomes_from_input<T: Real>(_: &(), _: Tensor, _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn uniform_outcomes<T: Real>() {}
    fn outcome_entropy<T: Real>(_: &()) -> T {
        T::zero()
    }
    fn dot<T: Real>(_: &(), _: &()) -> T {
        T::zero()
    }
    fn novelty_weights<T: Real>(_: &(), _: bool) {}
    fn novelty<T: Real>(_: &(), _: &(), _: &Fs::Beliefs<T>) -> T {
        T::zero()
    }
    fn outcome<T: Real>(_: &(), _: usize) -> &[T] {
        &[]
    }
    fn outcome_mut<T: Real>(_: &mut (), _: usize) -> &mut [T] {
        &mut []
    }
}

impl<Fs, M, R, const NO: usize> ModalityList<Fs> for Cons<M, R>
where
    Fs: FactorList,
    M: Modality<Outcomes = Const<NO>>,
    M::DependsOn: DepList<Fs>,
    R: ModalityList<Fs>,
{
    const LEN: usize = 1 + R::LEN;
    const DISTINCT_DEPS: bool = <M::DependsOn as DepList<Fs>>::DISTINCT && R::DISTINCT_DEPS;
    type Likelihood<T: Real> = (<M as ModalityShape<Fs>>::Likelihood<T>, R::Likelihood<T>);
    type Input<T: Real> = (<M as ModalityShape<Fs>>::Input<T>, R::Input<T>);
    type Tensors<T: Real> = (<M as ModalityShape<Fs>>::Tensor<T>, R::Tensors<T>);
    type Outcomes<T: Real> = (SVector<T, NO>, R::Outcomes<T>);
    type OutcomesInput<T: Real> = ([T; NO], R::OutcomesInput<T>);

    fn outcomes(m: usize) -> usize {
        if m == 0 { NO } else { R::outcomes(m - 1) }
    }
    fn name(m: usize) -> &'static str {
        if m == 0 { M::NAME } else { R::name(m - 1) }
    }
    fn likelihood_from_input<T: Real>(
        input: &Self::Input<T>,
        tensor: Tensor,
        m: usize,
        normalised: bool,
    ) -> Result<Self::Likelihood<T>, Error> {
        Ok((
            <M as ModalityShape<Fs>>::likelihood_from_input(&input.0, tensor, m, normalised)?,
            R::likelihood_from_input(&input.1, tensor, m + 1, normalised)?,
        ))
    }
    fn likelihood_to_input<T: Real>(a: &Self::Likelihood<T>) -> Self::Input<T> {
        (
            <M as ModalityShape<Fs>>::likelihood_to_input(&a.0),
            R::likelihood_to_input(&a.1),
        )
    }
    fn uniform_likelihood<T: Real>() -> Self::Likelihood<T> {
        (
            <M as ModalityShape<Fs>>::uniform_likelihood(),
            R::uniform_likelihood(),
        )
    }
    fn log_likelihood<T: Real>(a: &Self::Likelihood<T>) -> Self::Likelihood<T> {
        (
            <M as ModalityShape<Fs>>::map_columns(&a.0, |c| c.map(maths::log_stable)),
            R::log_likelihood(&a.1),
        )
    }
    fn dirichlet_mean<T: Real>(p: &Self::Likelihood<T>) -> Self::Likelihood<T> {
        (
            <M as ModalityShape<Fs>>::map_columns(&p.0, maths::dirichlet_mean),
            R::dirichlet_mean(&p.1),
        )
    }
    fn column_entropies<T: Real>(a: &Self::Likelihood<T>) -> Self::Tensors<T> {
        (
            <M as ModalityShape<Fs>>::reduce_columns(&a.0, maths::entropy),
            R::column_entropies(&a.1),
        )
    }
    fn check_observation(obs: &[usize], m: usize) -> Result<(), Error> {
        let o = obs.first().copied().unwrap_or(usize::MAX);
        if o >= NO {
            return Err(Error::new(
                Tensor::Observation,
                m,
                M::NAME,
                Entry::at(0),
                Problem::OutOfRange { value: o, len: NO },
            ));
        }
        R::check_observation(&obs[1..], m + 1)
    }
    fn check_categorical<T: Real>(obs: &Self::Outcomes<T>, m: usize) -> Result<(), Error> {
        if let Err((row, problem)) = validate::distribution(obs.0.as_slice()) {
            let entry = Entry::new(&[row.unwrap_or(0)], row.is_none());
            return Err(Error::new(Tensor::Observation, m, M::NAME, entry, problem));
        }
        R::check_categorical(&obs.1, m + 1)
    }
    #[inline]
    fn log_likelihood_index<T: Real>(
        ln_a: &Self::Likelihood<T>,
        obs: &[usize],
    ) -> Self::Tensors<T> {
        let o = obs[0];
        (
            <M as ModalityShape<Fs>>::reduce_columns(&ln_a.0, |c| c[o]),
            R::log_likelihood_index(&ln_a.1, &obs[1..]),
        )
    }
    #[inline]
    fn log_likelihood_categorical<T: Real>(
        ln_a: &Self::Likelihood<T>,
        obs: &Self::Outcomes<T>,
    ) -> Self::Tensors<T> {
        (
            <M as ModalityShape<Fs>>::reduce_columns(&ln_a.0, |c| c.dot(&obs.0)),
            R::log_likelihood_categorical(&ln_a.1, &obs.1),
        )
    }
    #[inline]
    fn add_messages<T: Real>(ll: &Self::Tensors<T>, q: &Fs::Beliefs<T>, out: &mut Fs::Beliefs<T>) {
        <M::DependsOn as DepList<Fs>>::messages(&ll.0, q, T::one(), out);
        R::add_messages(&ll.1, q, out);
    }
    #[inline]
    fn contract<T: Real>(x: &Self::Tensors<T>, q: &Fs::Beliefs<T>) -> T {
        <M::DependsOn as DepList<Fs>>::contract(&x.0, q) + R::contract(&x.1, q)
    }
    #[inline]
    fn predict<T: Real>(a: &Self::Likelihood<T>, q: &Fs::Beliefs<T>) -> Self::Outcomes<T> {
        (
            <M as ModalityShape<Fs>>::predict(&a.0, q),
            R::predict(&a.1, q),
        )
    }
    fn outcomes_from_input<T: Real>(
        input: &Self::OutcomesInput<T>,
        tensor: Tensor,
        m: usize,
    ) -> Result<Self::Outcomes<T>, Error> {
        if let Err((i, problem)) = validate::finite(&input.0) {
            return Err(Error::new(tensor, m, M::NAME, Entry::at(i), problem));
        }
        Ok((
            SVector::from(input.0),
            R::outcomes_from_input(&input.1, tensor, m + 1)?,
        ))
    }
    fn uniform_outcomes<T: Real>() -> Self::Outcomes<T> {
        (
            SVector::from_element(T::one() / crate::real::lit::<T>(NO as f64)),
            R::uniform_outcomes(),
        )
    }
    #[inline]
    fn outcome_entropy<T: Real>(qo: &Self::Outcomes<T>) -> T {
        maths::entropy(&qo.0) + R::outcome_entropy(&qo.1)
    }
    #[inline]
    fn dot<T: Real>(x: &Self::Outcomes<T>, y: &Self::Outcomes<T>) -> T {
        x.0.dot(&y.0) + R::dot(&x.1, &y.1)
    }
    fn novelty_weights<T: Real>(pa: &Self::Likelihood<T>, exact: bool) -> Self::Likelihood<T> {
        (
            <M as ModalityShape<Fs>>::map_columns(&pa.0, |c| maths::novelty_weight(c, exact)),
            R::novelty_weights(&pa.1, exact),
        )
    }
    #[inline]
    fn novelty<T: Real>(w: &Self::Likelihood<T>, qo: &Self::Outcomes<T>, q: &Fs::Beliefs<T>) -> T {
        <M as ModalityShape<Fs>>::predict(&w.0, q).dot(&qo.0) + R::novelty(&w.1, &qo.1, q)
    }
    fn outcome<T: Real>(o: &Self::Outcomes<T>, m: usize) -> &[T] {
        if m == 0 {
            o.0.as_slice()
        } else {
            R::outcome(&o.1, m - 1)
        }
    }
    fn outcome_mut<T: Real>(o: &mut Self::Outcomes<T>, m: usize) -> &mut [T] {
        if m == 0 {
            o.0.as_mut_slice()
        } else {
            R::outcome_mut(&mut o.1, m - 1)
        }
    }
}

/// Modality `M` sits at position `P` of a modality list.
#[diagnostic::on_unimplemented(
    message = "this model has no modality at position `{P}`",
    note = "declare the modality in the model's `modalities` list"
)]
pub trait ModalityAt<Fs: FactorList, P>: ModalityList<Fs> {
    /// The modality marker at that position.
    type Modality: ModalityShape<Fs>;
    /// Its likelihood.
    fn likelihood<T: Real>(
        a: &Self::Likelihood<T>,
    ) -> &<Self::Modality as ModalityShape<Fs>>::Likelihood<T>;
    /// Its likelihood, mutably.
    fn likelihood_mut<T: Real>(
        a: &mut Self::Likelihood<T>,
    ) -> &mut <Self::Modality as ModalityShape<Fs>>::Likelihood<T>;
    /// Its outcome vector.
    fn outcomes_mut<T: Real>(
        o: &mut Self::Outcomes<T>,
    ) -> &mut <Self::Modality as ModalityShape<Fs>>::Column<T>;
}

#[diagnostic::do_not_recommend]
impl<Fs, M, R, const NO: usize> ModalityAt<Fs, Z> for Cons<M, R>
where
    Fs: FactorList,
    M: Modality<Outcomes = Const<NO>>,
    M::DependsOn: DepList<Fs>,
    R: ModalityList<Fs>,
{
    type Modality = M;
    fn likelihood<T: Real>(a: &Self::Likelihood<T>) -> &<M as ModalityShape<Fs>>::Likelihood<T> {
        &a.0
    }
    fn likelihood_mut<T: Real>(
        a: &mut Self::Likelihood<T>,
    ) -> &mut <M as ModalityShape<Fs>>::Likelihood<T> {
        &mut a.0
    }
    fn outcomes_mut<T: Real>(
        o: &mut Self::Outcomes<T>,
    ) -> &mut <M as ModalityShape<Fs>>::Column<T> {
        &mut o.0
    }
}

#[diagnostic::do_not_recommend]
impl<Fs, P, H, R, const NO: usize> ModalityAt<Fs, S<P>> for Cons<H, R>
where
    Fs: FactorList,
    H: Modality<Outcomes = Const<NO>>,
    H::DependsOn: DepList<Fs>,
    R: ModalityAt<Fs, P>,
{
    type Modality = R::Modality;
    fn likelihood<T: Real>(
        a: &Self::Likelihood<T>,
    ) -> &<R::Modality as ModalityShape<Fs>>::Likelihood<T> {
        R::likelihood(&a.1)
    }
    fn likelihood_mut<T: Real>(
        a: &mut Self::Likelihood<T>,
    ) -> &mut <R::Modality as ModalityShape<Fs>>::Likelihood<T> {
        R::likelihood_mut(&mut a.1)
    }
    fn outcomes_mut<T: Real>(
        o: &mut Self::Outcomes<T>,
    ) -> &mut <R::Modality as ModalityShape<Fs>>::Column<T> {
        R::outcomes_mut(&mut o.1)
    }
}

/// Modality `M` is one of this list's modalities, at the position it declares.
#[diagnostic::on_unimplemented(
    message = "`{M}` is not an observation modality of this model",
    label = "`{M}` is not in this model's modality list (at the position it declares)",
    note = "use one of the modalities declared in the model's `modalities`"
)]
pub trait HasModality<Fs: FactorList, M: ModalityShape<Fs>>: ModalityList<Fs> {
    /// Position of `M`.
    const INDEX: usize;
    /// `M`'s likelihood.
    fn likelihood<T: Real>(a: &Self::Likelihood<T>) -> &M::Likelihood<T>;
    /// `M`'s likelihood, mutably.
    fn likelihood_mut<T: Real>(a: &mut Self::Likelihood<T>) -> &mut M::Likelihood<T>;
    /// `M`'s outcome vector, mutably.
    fn outcomes_mut<T: Real>(o: &mut Self::Outcomes<T>) -> &mut M::Column<T>;
}

#[diagnostic::do_not_recommend]
impl<Fs, M, L> HasModality<Fs, M> for L
where
    Fs: FactorList,
    M: ModalityShape<Fs>,
    L: ModalityAt<Fs, M::Position, Modality = M>,
{
    const INDEX: usize = <M::Position as Pos>::INDEX;
    fn likelihood<T: Real>(a: &Self::Likelihood<T>) -> &M::Likelihood<T> {
        <L as ModalityAt<Fs, M::Position>>::likelihood(a)
    }
    fn likelihood_mut<T: Real>(a: &mut Self::Likelihood<T>) -> &mut M::Likelihood<T> {
        <L as ModalityAt<Fs, M::Position>>::likelihood_mut(a)
    }
    fn outcomes_mut<T: Real>(o: &mut Self::Outcomes<T>) -> &mut M::Column<T> {
        <L as ModalityAt<Fs, M::Position>>::outcomes_mut(o)
    }
}
