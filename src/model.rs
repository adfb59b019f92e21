//! The generative model: `A`, `B`, `C`, `D` and optional Dirichlet priors `pA`, `pB`, `pD`.

use core::fmt;

use crate::error::{Entry, Error, Tensor};
use crate::real::Real;
use crate::spec::{FactorList, HasModality, ModalityList, ModalityShape, Spec, TransitionList};
use crate::types::*;
use crate::validate;

/// A validated generative model with fixed shapes given by the spec `S`.
///
/// * `A[m]` — `P(o_m | s_deps)`, stored as outcome columns (see [`ModalityShape`]);
/// * `B[f]` — `P(s_f' | s_deps, u_f)`, column-stochastic, stored per action;
/// * `C[m]` — log-preferences over outcomes, used raw as in pymdp (no log-softmax);
/// * `D[f]` — prior over the initial state;
/// * `pA`, `pB`, `pD` — optional Dirichlet concentrations (learning, novelty).
///
/// `ln A` and the column entropies `H[A]` are cached, because inference and planning use them
/// at every step; every way of changing `A` refreshes them.
///
/// ```
/// actinf::model! {
///     /// One factor, one modality.
///     pub Coin {
///         factors { Side: 2 }
///         modalities { Seen: 2 depends_on [Side] }
///     }
/// }
/// use actinf::{list, Model};
/// let model = Model::<f64, Coin>::new(
///     list![[[0.9, 0.2], [0.1, 0.8]]],     // A[seen][o][side]
///     list![[[[1.0], [0.0]], [[0.0], [1.0]]]], // B[side][next][prev][u]
///     list![[0.0, 0.0]],                    // C[seen]
///     list![[0.5, 0.5]],                    // D[side]
/// )?;
/// assert_eq!(model.d().0[0], 0.5);
/// # Ok::<(), actinf::Error>(())
/// ```
pub struct Model<T: Real, S: Spec> {
    a: LikelihoodOf<T, S>,
    ln_a: LikelihoodOf<T, S>,
    h_a: TensorsOf<T, S>,
    b: TransitionsOf<T, S>,
    c: OutcomesOf<T, S>,
    d: FactorVectorsOf<T, S>,
    pa: Option<LikelihoodOf<T, S>>,
    pb: Option<TransitionsOf<T, S>>,
    pd: Option<FactorVectorsOf<T, S>>,
}

impl<T: Real, S: Spec> Clone for Model<T, S> {
    fn clone(&self) -> Self {
        Model {
            a: self.a,
            ln_a: self.ln_a,
            h_a: self.h_a,
            b: self.b,
            c: self.c,
            d: self.d,
            pa: self.pa,
            pb: self.pb,
            pd: self.pd,
        }
    }
}

impl<T: Real, S: Spec> PartialEq for Model<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.a == o.a
            && self.b == o.b
            && self.c == o.c
            && self.d == o.d
            && self.pa == o.pa
            && self.pb == o.pb
            && self.pd == o.pd
    }
}

impl<T: Real, S: Spec> fmt::Debug for Model<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("spec", &S::NAME)
            .field("a", &self.a)
            .field("b", &self.b)
            .field("c", &self.c)
            .field("d", &self.d)
            .field("pa", &self.pa)
            .field("pb", &self.pb)
            .field("pd", &self.pd)
            .finish()
    }
}

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

/// Checks per-factor vectors: finite, non-negative and (if `normalised`) summing to 1.
pub(crate) fn check_factor_vectors<T: Real, S: Spec>(
    v: &FactorVectorsOf<T, S>,
    tensor: Tensor,
    normalised: bool,
) -> Result<(), Error> {
    for f in 0..<Fs<S> as FactorList>::LEN {
        let x = <Fs<S> as FactorList>::factor(v, f);
        let res = if normalised {
            validate::distribution(x)
        } else {
            validate::nonnegative(x).map_err(|(i, p)| (Some(i), p))
        };
        if let Err((row, problem)) = res {
            let entry = Entry::new(&[row.unwrap_or(0)], row.is_none());
            return Err(Error::new(
                tensor,
                f,
                <Fs<S> as FactorList>::name(f),
                entry,
                problem,
            ));
        }
    }
    Ok(())
}

impl<T: Real, S: Spec> Model<T, S> {
    /// Builds a model from tensors in pymdp's layout, checking every column.
    ///
    /// `a`, `b`, `c`, `d` are nested tuples with one entry per modality or factor, most
    /// conveniently written with [`list!`](crate::list!). Errors name the tensor, the
    /// modality or factor, the column and the value: a column of `A` or `B` that does not sum
    /// to 1 (within [`NORMALISATION_TOLERANCE`](crate::NORMALISATION_TOLERANCE)), a negative
    /// entry, a NaN or infinity; `C` must be finite; `D` must be a distribution.
    pub fn new(
        a: LikelihoodInputOf<T, S>,
        b: TransitionsInputOf<T, S>,
        c: OutcomesInputOf<T, S>,
        d: FactorInputOf<T, S>,
    ) -> Result<Self, Error> {
        const { crate::spec::check_spec::<S>() };
        let a = <Ms<S> as ModalityList<Fs<S>>>::likelihood_from_input(&a, Tensor::A, 0, true)?;
        let b = <Fs<S> as TransitionList<Fs<S>>>::from_input(&b, Tensor::B, 0, true)?;
        let c = <Ms<S> as ModalityList<Fs<S>>>::outcomes_from_input(&c, Tensor::C, 0)?;
        let d = <Fs<S> as FactorList>::from_input(&d);
        check_factor_vectors::<T, S>(&d, Tensor::D, true)?;
        Ok(Self::from_parts_unchecked(a, b, c, d))
    }

    /// A neutral model: uniform `A` columns, identity `B` for every action, pymdp's default
    /// uniform `C = 1/NO` and uniform `D`. A starting point for the `with_*` builders.
    pub fn uniform() -> Self {
        const { crate::spec::check_spec::<S>() };
        Self::from_parts_unchecked(
            <Ms<S> as ModalityList<Fs<S>>>::uniform_likelihood(),
            <Fs<S> as TransitionList<Fs<S>>>::identity(),
            <Ms<S> as ModalityList<Fs<S>>>::uniform_outcomes(),
            <Fs<S> as FactorList>::uniform(),
        )
    }

    /// Builds a model from tensors already in actinf's column layout, **without any check**.
    ///
    /// For hot paths that rebuild models from trusted data (e.g. after learning). Columns
    /// that are not distributions give meaningless (though finite, thanks to clipping) beliefs.
    pub fn from_parts_unchecked(
        a: LikelihoodOf<T, S>,
        b: TransitionsOf<T, S>,
        c: OutcomesOf<T, S>,
        d: FactorVectorsOf<T, S>,
    ) -> Self {
        const { crate::spec::check_spec::<S>() };
        let ln_a = <Ms<S> as ModalityList<Fs<S>>>::log_likelihood(&a);
        let h_a = <Ms<S> as ModalityList<Fs<S>>>::column_entropies(&a);
        Model {
            a,
            ln_a,
            h_a,
            b,
            c,
            d,
            pa: None,
            pb: None,
            pd: None,
        }
    }

    /// Replaces `A[M]` (pymdp layout `A[m][o][s_1]…[s_k]`), checking its columns.
    ///
    /// ```
    /// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
    /// let model = actinf::Model::<f64, Coin>::uniform()
    ///     .with_a::<Seen>([[0.9, 0.2], [0.1, 0.8]])?;
    /// assert_eq!(model.a_of::<Seen>()[0][1], 0.1); // column Side=0, outcome 1
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn with_a<M>(mut self, a: M::Input<T>) -> Result<Self, Error>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        let idx = <Ms<S> as HasModality<Fs<S>, M>>::INDEX;
        let cols = M::likelihood_from_input(&a, Tensor::A, idx, true)?;
        *<Ms<S> as HasModality<Fs<S>, M>>::likelihood_mut(&mut self.a) = cols;
        self.refresh_a_cache();
        Ok(self)
    }

    /// Replaces `C[M]` (log-preferences, used raw), checking it is finite.
    pub fn with_c<M>(mut self, c: M::ColumnInput<T>) -> Result<Self, Error>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        let idx = <Ms<S> as HasModality<Fs<S>, M>>::INDEX;
        if let Err((i, p)) = validate::finite(c.as_ref()) {
            return Err(Error::new(Tensor::C, idx, M::NAME, Entry::at(i), p));
        }
        *<Ms<S> as HasModality<Fs<S>, M>>::outcomes_mut(&mut self.c) = M::outcomes_from_input(&c);
        Ok(self)
    }

    /// Replaces every `B[f]` (pymdp layout), checking every column.
    pub fn with_b(mut self, b: TransitionsInputOf<T, S>) -> Result<Self, Error> {
        self.b = <Fs<S> as TransitionList<Fs<S>>>::from_input(&b, Tensor::B, 0, true)?;
        Ok(self)
    }

    /// Replaces every `C[m]`, checking it is finite.
    pub fn with_all_c(mut self, c: OutcomesInputOf<T, S>) -> Result<Self, Error> {
        self.c = <Ms<S> as ModalityList<Fs<S>>>::outcomes_from_input(&c, Tensor::C, 0)?;
        Ok(self)
    }

    /// Replaces every `D[f]`, checking each is a distribution.
    pub fn with_d(mut self, d: FactorInputOf<T, S>) -> Result<Self, Error> {
        let d = <Fs<S> as FactorList>::from_input(&d);
        check_factor_vectors::<T, S>(&d, Tensor::D, true)?;
        self.d = d;
        Ok(self)
    }

    /// Sets the Dirichlet concentrations `pA` (pymdp layout; finite and non-negative, every
    /// column with positive mass). `A` itself is left as it is.
    pub fn with_pa(mut self, pa: LikelihoodInputOf<T, S>) -> Result<Self, Error> {
        self.pa = Some(<Ms<S> as ModalityList<Fs<S>>>::likelihood_from_input(
            &pa,
            Tensor::PA,
            0,
            false,
        )?);
        Ok(self)
    }

    /// Sets the Dirichlet concentrations `pB` (pymdp layout; finite and non-negative).
    pub fn with_pb(mut self, pb: TransitionsInputOf<T, S>) -> Result<Self, Error> {
        self.pb = Some(<Fs<S> as TransitionList<Fs<S>>>::from_input(
            &pb,
            Tensor::PB,
            0,
            false,
        )?);
        Ok(self)
    }

    /// Sets the Dirichlet concentrations `pD` (finite and non-negative).
    pub fn with_pd(mut self, pd: FactorInputOf<T, S>) -> Result<Self, Error> {
        let pd = <Fs<S> as FactorList>::from_input(&pd);
        check_factor_vectors::<T, S>(&pd, Tensor::PD, false)?;
        self.pd = Some(pd);
        Ok(self)
    }

    /// Sets `pA` and replaces `A` by its expected value `E[Dir(pA)]` (pymdp's learning rule).
    pub fn with_a_from_pa(self, pa: LikelihoodInputOf<T, S>) -> Result<Self, Error> {
        let mut m = self.with_pa(pa)?;
        if let Some(pa) = &m.pa {
            m.a = <Ms<S> as ModalityList<Fs<S>>>::dirichlet_mean(pa);
        }
        m.refresh_a_cache();
        Ok(m)
    }

    /// Sets `pB` and replaces `B` by its expected value `E[Dir(pB)]`.
    pub fn with_b_from_pb(self, pb: TransitionsInputOf<T, S>) -> Result<Self, Error> {
        let mut m = self.with_pb(pb)?;
        if let Some(pb) = &m.pb {
            m.b = <Fs<S> as TransitionList<Fs<S>>>::dirichlet_mean(pb);
        }
        Ok(m)
    }

    fn refresh_a_cache(&mut self) {
        self.ln_a = <Ms<S> as ModalityList<Fs<S>>>::log_likelihood(&self.a);
        self.h_a = <Ms<S> as ModalityList<Fs<S>>>::column_entropies(&self.a);
    }

    /// `A`, as outcome columns per modality.
    pub fn a(&self) -> &LikelihoodOf<T, S> {
        &self.a
    }
    /// `A[M]` for one modality, as its tensor of outcome columns.
    pub fn a_of<M>(&self) -> &M::Likelihood<T>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        <Ms<S> as HasModality<Fs<S>, M>>::likelihood(&self.a)
    }
    /// `A` back in pymdp's layout.
    pub fn a_input(&self) -> LikelihoodInputOf<T, S> {
        <Ms<S> as ModalityList<Fs<S>>>::likelihood_to_input(&self.a)
    }
    /// Cached `ln max(A, MINVAL)`.
    pub fn ln_a(&self) -> &LikelihoodOf<T, S> {
        &self.ln_a
    }
    /// Cached column entropies `H[A_m](s) = −Σ_o A ln A`.
    pub fn h_a(&self) -> &TensorsOf<T, S> {
        &self.h_a
    }
    /// `B`, as next-state columns per factor and action.
    pub fn b(&self) -> &TransitionsOf<T, S> {
        &self.b
    }
    /// `B` back in pymdp's layout.
    pub fn b_input(&self) -> TransitionsInputOf<T, S> {
        <Fs<S> as TransitionList<Fs<S>>>::to_input(&self.b)
    }
    /// `C`, log-preferences per modality.
    pub fn c(&self) -> &OutcomesOf<T, S> {
        &self.c
    }
    /// `D`, the initial-state prior per factor.
    pub fn d(&self) -> &FactorVectorsOf<T, S> {
        &self.d
    }
    /// `pA`, if set.
    pub fn pa(&self) -> Option<&LikelihoodOf<T, S>> {
        self.pa.as_ref()
    }
    /// `pB`, if set.
    pub fn pb(&self) -> Option<&TransitionsOf<T, S>> {
        self.pb.as_ref()
    }
    /// `pD`, if set.
    pub fn pd(&self) -> Option<&FactorVectorsOf<T, S>> {
        self.pd.as_ref()
    }
}
