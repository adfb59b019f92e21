//! The generative model: `A`, `B`, `C`, `D`, with the caches inference and planning read.

use core::fmt;

use crate::error::{Entry, Error, Tensor, wrong_length};
use crate::maths::{self, Real};
use crate::model::belief::Belief;
use crate::model::structure::{self, Structure};
use crate::model::validate::{self, Column};
use crate::spec::TransitionList;
use crate::spec::{self, FactorList, Flat, HasModality, ModalityList, ModalityShape, Spec};
use crate::types::*;

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

/// A validated generative model with fixed shapes given by the spec `S`.
///
/// * `A[m]` — `P(o_m | s_parents)`, stored by column: for each joint parent state (C order,
///   last parent fastest) the distribution over the `NO` outcomes;
/// * `B[f]` — `P(s_f' | s_parents, u_f)`, stored per action by column: for each joint parent
///   state the distribution over the `N` next states;
/// * `C[m]` — log-preferences over outcomes, used raw as in pymdp (no log-softmax);
/// * `D[f]` — prior over the initial state.
///
/// Everything is stored flat (see [`spec::layout`](mod@crate::spec::layout)); `ln A`, the
/// column entropies `H[A]` and the structure of `B` (one-hot columns) are cached, because
/// inference and planning use them at every step, and every way of changing `A` or `B`
/// refreshes them. Dirichlet concentrations (`pA`, `pB`) live in
/// [`DirichletA`](crate::model::DirichletA) and its siblings, so a model without them does
/// not pay for them.
///
/// Memory: `size_of::<Model<T, S>>()` is `(2·|A| + |H[A]| + |B| + |C| + |D|) · size_of::<T>()`
/// plus 4 bytes per column of `B`; the T-maze is 3.0 KiB in `f64`.
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
///     &list![[[0.9, 0.2], [0.1, 0.8]]],       // A[seen][o][side]
///     &list![[[[1.0], [0.0]], [[0.0], [1.0]]]], // B[side][next][prev][u]
///     &list![[0.0, 0.0]],                      // C[seen]
///     &list![[0.5, 0.5]],                      // D[side]
/// )?;
/// assert_eq!(model.d().factor(0), &[0.5, 0.5]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub struct Model<T: Real, S: Spec> {
    a: S::Likelihoods<T>,
    ln_a: S::Likelihoods<T>,
    h_a: S::Tensors<T>,
    b: S::Transitions<T>,
    c: S::Outcomes<T>,
    d: Belief<T, S>,
    structure: Structure<S>,
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
            structure: self.structure,
        }
    }
}

impl<T: Real, S: Spec> PartialEq for Model<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.a == o.a && self.b == o.b && self.c == o.c && self.d == o.d
    }
}

impl<T: Real, S: Spec> fmt::Debug for Model<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("spec", &S::NAME)
            .field("a", &self.a.as_ref())
            .field("b", &self.b.as_ref())
            .field("c", &self.c.as_ref())
            .field("d", &self.d)
            .finish()
    }
}

/// Validates the columns of one `A[m]`, given in pymdp's C order (outcome first) when
/// `pymdp_order`, else by column: probability vectors when `normalised`, otherwise
/// Dirichlet concentrations (finite, non-negative, positive mass).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub(crate) fn check_likelihood<T: Real, S: Spec>(
    m: usize,
    am: &[T],
    pymdp_order: bool,
    tensor: Tensor,
    normalised: bool,
) -> Result<(), Error> {
    let info = &spec::modalities::<S>()[m];
    if am.len() != info.likelihood_len() {
        return Err(wrong_length(tensor, info.likelihood_len(), am.len()).at(m, info.name));
    }
    let (j, no) = (info.parents.joint, info.outcomes);
    for col in 0..j {
        let c = if pymdp_order {
            Column {
                start: col,
                stride: j,
                len: no,
            }
        } else {
            Column {
                start: col * no,
                stride: 1,
                len: no,
            }
        };
        let res = if normalised {
            validate::distribution(am, c)
        } else {
            validate::concentration(am, c)
        };
        if let Err((row, problem)) = res {
            let entry = validate::entry_of(
                &[row.unwrap_or(0)],
                col,
                info.parents.dims(),
                &[],
                row.is_none(),
            );
            return Err(Error::new(tensor, m, info.name, entry, problem));
        }
    }
    Ok(())
}

/// Validates the columns of one `B[f]`, given in pymdp's C order `(s', parents, u)` when
/// `pymdp_order`, else by action and column `(u, parents, s')` (see [`check_likelihood`]).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub(crate) fn check_transition<T: Real, S: Spec>(
    f: usize,
    bf: &[T],
    pymdp_order: bool,
    tensor: Tensor,
    normalised: bool,
) -> Result<(), Error> {
    let info = &spec::factors::<S>()[f];
    if bf.len() != info.transition_len() {
        return Err(wrong_length(tensor, info.transition_len(), bf.len()).at(f, info.name));
    }
    let (n, j, uu) = (info.states, info.parents.joint, info.controls);
    for u in 0..uu {
        for col in 0..j {
            let c = if pymdp_order {
                Column {
                    start: col * uu + u,
                    stride: j * uu,
                    len: n,
                }
            } else {
                Column {
                    start: (u * j + col) * n,
                    stride: 1,
                    len: n,
                }
            };
            let res = if normalised {
                validate::distribution(bf, c)
            } else {
                validate::concentration(bf, c)
            };
            if let Err((row, problem)) = res {
                let entry = validate::entry_of(
                    &[row.unwrap_or(0)],
                    col,
                    info.parents.dims(),
                    &[u],
                    row.is_none(),
                );
                return Err(Error::new(tensor, f, info.name, entry, problem));
            }
        }
    }
    Ok(())
}

/// Checks that every entry of `C[m]` is finite.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub(crate) fn check_preference<T: Real, S: Spec>(m: usize, cm: &[T]) -> Result<(), Error> {
    let info = &spec::modalities::<S>()[m];
    if cm.len() != info.outcomes {
        return Err(wrong_length(Tensor::C, info.outcomes, cm.len()).at(m, info.name));
    }
    if let Err((i, p)) = validate::finite(cm, Column::contiguous(cm.len())) {
        return Err(Error::new(Tensor::C, m, info.name, Entry::at(i), p));
    }
    Ok(())
}

/// Checks one factor's vector of a prior-like tensor (`D`, `pD`, a belief): `pD` as
/// concentrations (positive total mass), the others as `normalised` says.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub(crate) fn check_factor_vector<T: Real, S: Spec>(
    f: usize,
    x: &[T],
    tensor: Tensor,
    normalised: bool,
) -> Result<(), Error> {
    let info = &spec::factors::<S>()[f];
    if x.len() != info.states {
        return Err(wrong_length(tensor, info.states, x.len()).at(f, info.name));
    }
    let col = Column::contiguous(x.len());
    let res = if normalised {
        validate::distribution(x, col)
    } else if tensor == Tensor::PD {
        validate::concentration(x, col)
    } else {
        validate::nonnegative(x, col).map_err(|(i, p)| (Some(i), p))
    };
    if let Err((row, problem)) = res {
        let entry = Entry::new(&[row.unwrap_or(0)], row.is_none());
        return Err(Error::new(tensor, f, info.name, entry, problem));
    }
    Ok(())
}

/// Copies one `B[f]` from pymdp's C order `(s', j, u)` into actinf's columns `(u, j, s')`.
#[allow(
    clippy::indexing_slicing,
    reason = "callers pass `src` and `dst` of `n * j * u` entries (the layout's transition length)"
)]
pub(crate) fn transition_from_pymdp<T: Real>(
    n: usize,
    j: usize,
    u: usize,
    src: &[T],
    dst: &mut [T],
) {
    for s in 0..n {
        for p in 0..j {
            for a in 0..u {
                dst[(a * j + p) * n + s] = src[(s * j + p) * u + a];
            }
        }
    }
}

/// Copies one `A[m]` from pymdp's C order `(o, j)` into columns `(j, o)`.
#[allow(
    clippy::indexing_slicing,
    reason = "callers pass `src` and `dst` of `no * j` entries (the layout's likelihood length)"
)]
pub(crate) fn likelihood_from_pymdp<T: Real>(no: usize, j: usize, src: &[T], dst: &mut [T]) {
    for o in 0..no {
        for p in 0..j {
            dst[p * no + o] = src[o * j + p];
        }
    }
}

/// The entries of column-major `rows × cols` data in pymdp's C order (row after row).
#[allow(
    clippy::indexing_slicing,
    reason = "indices below `rows * (len / rows)`"
)]
pub fn pymdp_order<T: Copy>(cols: &[T], rows: usize) -> impl Iterator<Item = T> + '_ {
    let n = cols.len() / rows.max(1);
    (0..rows).flat_map(move |r| (0..n).map(move |c| cols[c * rows + r]))
}

impl<T: Real, S: Spec> Model<T, S> {
    /// All storage zero: a `const` placeholder (not a valid model) for a `static` or other
    /// storage that is then filled in place with [`init`](Self::init), so a model of any size
    /// is built without a stack copy.
    ///
    /// ```
    /// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
    /// use actinf::{Model, list};
    /// use std::sync::Mutex;
    /// static MODEL: Mutex<Model<f32, Coin>> = Mutex::new(Model::EMPTY);
    /// MODEL.lock().unwrap().init(
    ///     &list![[[0.9, 0.2], [0.1, 0.8]]],
    ///     &list![[[[1.0], [0.0]], [[0.0], [1.0]]]],
    ///     &list![[0.0, 1.0]],
    ///     &list![[0.5, 0.5]],
    /// )?;
    /// assert_eq!(MODEL.lock().unwrap().column(0, 1), &[0.2, 0.8]); // P(seen | side 1)
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub const EMPTY: Self = Model {
        a: <S::Likelihoods<T> as Flat<T>>::ZERO,
        ln_a: <S::Likelihoods<T> as Flat<T>>::ZERO,
        h_a: <S::Tensors<T> as Flat<T>>::ZERO,
        b: <S::Transitions<T> as Flat<T>>::ZERO,
        c: <S::Outcomes<T> as Flat<T>>::ZERO,
        d: Belief::ZERO,
        structure: Structure::NONE,
    };

    /// Builds a model from tensors in pymdp's layout, checking every column.
    ///
    /// `a`, `b`, `c`, `d` are nested tuples with one entry per modality or factor, most
    /// conveniently written with [`list!`](crate::list!), passed by reference (they may be
    /// `static`s in flash). Errors name the tensor, the modality or factor, the column and the
    /// value: a column of `A` or `B` that does not sum to 1 (within
    /// [`NORMALISATION_TOLERANCE`](crate::NORMALISATION_TOLERANCE)), a negative entry, a NaN or
    /// infinity; `C` must be finite; `D` must be a distribution.
    pub fn new(
        a: &LikelihoodInputOf<T, S>,
        b: &TransitionsInputOf<T, S>,
        c: &OutcomesInputOf<T, S>,
        d: &FactorInputOf<T, S>,
    ) -> Result<Self, Error> {
        let mut m = Self::EMPTY;
        m.init(a, b, c, d)?;
        Ok(m)
    }

    /// Fills this model in place from tensors in pymdp's layout (see [`new`](Self::new)),
    /// without any temporary copy: each tensor is checked where it lies, then copied.
    /// On error the model is left [`EMPTY`](Self::EMPTY).
    pub fn init(
        &mut self,
        a: &LikelihoodInputOf<T, S>,
        b: &TransitionsInputOf<T, S>,
        c: &OutcomesInputOf<T, S>,
        d: &FactorInputOf<T, S>,
    ) -> Result<(), Error> {
        let res = self.fill(
            |m| <Ms<S> as ModalityList<Fs<S>>>::input_slice(a, m),
            |f| <Fs<S> as TransitionList<Fs<S>>>::input_slice(b, f),
            |m| <Ms<S> as ModalityList<Fs<S>>>::outcomes_slice(c, m),
            |f| <Fs<S> as FactorList>::input_slice(d, f),
        );
        if res.is_err() {
            *self = Self::EMPTY;
        }
        res
    }

    /// Builds a model from flat slices in pymdp's C order: `a` is every `A[m]` flattened
    /// (outcome axis first) one after the other, `b` every `B[f]` (`s'`, parents, action),
    /// `c` every `C[m]`, `d` every `D[f]`. For data loaded at run time (files, JSON); a slice
    /// of the wrong length is an error.
    pub fn from_slices(a: &[T], b: &[T], c: &[T], d: &[T]) -> Result<Self, Error> {
        let mut m = Self::EMPTY;
        m.init_from_slices(a, b, c, d)?;
        Ok(m)
    }

    /// [`from_slices`](Self::from_slices) straight into a heap allocation: the model is
    /// never on the stack in an optimised build (`Box::new` of the `const`
    /// [`EMPTY`](Self::EMPTY) writes zeros in place), so a model of any size can be built on
    /// a small stack. Share it across a batch with
    /// [`Agent::from_parts`](crate::Agent::from_parts)`(Shared(boxed), …)`.
    #[cfg(feature = "alloc")]
    pub fn boxed_from_slices(
        a: &[T],
        b: &[T],
        c: &[T],
        d: &[T],
    ) -> Result<alloc::boxed::Box<Self>, Error> {
        let mut m = alloc::boxed::Box::new(Self::EMPTY);
        m.init_from_slices(a, b, c, d)?;
        Ok(m)
    }

    /// Fills this model in place from flat slices (see [`from_slices`](Self::from_slices)).
    /// On error the model is left [`EMPTY`](Self::EMPTY).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; slice lengths are checked first"
    )]
    pub fn init_from_slices(&mut self, a: &[T], b: &[T], c: &[T], d: &[T]) -> Result<(), Error> {
        let l = spec::layout::<S>();
        for (tensor, want, got) in [
            (Tensor::A, l.likelihoods, a.len()),
            (Tensor::B, l.transitions, b.len()),
            (Tensor::C, l.outcomes, c.len()),
            (Tensor::D, l.states, d.len()),
        ] {
            if want != got {
                *self = Self::EMPTY;
                return Err(wrong_length(tensor, want, got));
            }
        }
        let ms = spec::modalities::<S>();
        let fs = spec::factors::<S>();
        let res = self.fill(
            |m| &a[ms[m].likelihood_range()],
            |f| &b[fs[f].transition_offset..fs[f].transition_offset + fs[f].transition_len()],
            |m| &c[ms[m].range()],
            |f| &d[fs[f].range()],
        );
        if res.is_err() {
            *self = Self::EMPTY;
        }
        res
    }

    /// Checks and copies every tensor, given per modality / factor in pymdp's order.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn fill<'x>(
        &mut self,
        a: impl Fn(usize) -> &'x [T],
        b: impl Fn(usize) -> &'x [T],
        c: impl Fn(usize) -> &'x [T],
        d: impl Fn(usize) -> &'x [T],
    ) -> Result<(), Error>
    where
        T: 'x,
    {
        const { spec::check_spec::<S>() };
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            check_likelihood::<T, S>(m, a(m), true, Tensor::A, true)?;
            likelihood_from_pymdp(
                info.outcomes,
                info.parents.joint,
                a(m),
                &mut self.a.as_mut()[info.likelihood_range()],
            );
            check_preference::<T, S>(m, c(m))?;
            self.c.as_mut()[info.range()].copy_from_slice(c(m));
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            check_transition::<T, S>(f, b(f), true, Tensor::B, true)?;
            let dst = &mut self.b.as_mut()
                [info.transition_offset..info.transition_offset + info.transition_len()];
            transition_from_pymdp(info.states, info.parents.joint, info.controls, b(f), dst);
            check_factor_vector::<T, S>(f, d(f), Tensor::D, true)?;
            self.d.0.as_mut()[info.range()].copy_from_slice(d(f));
        }
        self.refresh_a_cache();
        self.refresh_b_structure();
        Ok(())
    }

    /// A neutral model: uniform `A` columns, identity `B` for every action, pymdp's default
    /// uniform `C = 1/NO` and uniform `D`. A starting point for the `with_*` builders.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn uniform() -> Self {
        let mut m = Self::EMPTY;
        for info in spec::modalities::<S>() {
            let u = T::ONE / T::lit(info.outcomes as f64);
            m.a.as_mut()[info.likelihood_range()]
                .iter_mut()
                .for_each(|x| *x = u);
            m.c.as_mut()[info.range()].iter_mut().for_each(|x| *x = u);
        }
        for info in spec::factors::<S>() {
            let (n, j) = (info.states, info.parents.joint);
            let bf = &mut m.b.as_mut()[info.transition_offset..];
            // The stride of the factor's own axis in the C-order joint index.
            let stride: usize = info.parents.dims()[info.own_axis + 1..].iter().product();
            for u in 0..info.controls {
                for col in 0..j {
                    let s = (col / stride.max(1)) % n.max(1);
                    bf[(u * j + col) * n + s] = T::ONE;
                }
            }
        }
        m.d = Belief::uniform();
        m.refresh_a_cache();
        m.refresh_b_structure();
        m
    }

    /// Replaces `A[M]` (pymdp layout `A[m][o][s_1]…[s_k]`), checking its columns.
    ///
    /// ```
    /// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
    /// let model = actinf::Model::<f64, Coin>::uniform()
    ///     .with_a::<Seen>(&[[0.9, 0.2], [0.1, 0.8]])?;
    /// assert_eq!(model.likelihood(0), &[0.9, 0.1, 0.2, 0.8]); // by column: A[:, side]
    /// # Ok::<(), actinf::Error>(())
    /// ```
    pub fn with_a<M>(mut self, a: &M::Input<T>) -> Result<Self, Error>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        self.set_a::<M>(a)?;
        Ok(self)
    }

    /// Replaces `A[M]` in place (see [`with_a`](Self::with_a)); on error the model is unchanged.
    pub fn set_a<M>(&mut self, a: &M::Input<T>) -> Result<(), Error>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        let m = <Ms<S> as HasModality<Fs<S>, M>>::INDEX;
        self.set_likelihood(m, M::flat_input(a))
    }

    /// Replaces `A[m]` from its flat entries in pymdp's C order, checking its columns; on
    /// error the model is unchanged.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn set_likelihood(&mut self, m: usize, a: &[T]) -> Result<(), Error> {
        check_likelihood::<T, S>(m, a, true, Tensor::A, true)?;
        let info = &spec::modalities::<S>()[m];
        likelihood_from_pymdp(
            info.outcomes,
            info.parents.joint,
            a,
            &mut self.a.as_mut()[info.likelihood_range()],
        );
        self.refresh_a_cache_of(m);
        Ok(())
    }

    /// Replaces `C[M]` (log-preferences, used raw), checking it is finite.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn with_c<M>(mut self, c: &M::OutcomesInput<T>) -> Result<Self, Error>
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        let m = <Ms<S> as HasModality<Fs<S>, M>>::INDEX;
        check_preference::<T, S>(m, c.as_ref())?;
        self.c.as_mut()[spec::modalities::<S>()[m].range()].copy_from_slice(c.as_ref());
        Ok(self)
    }

    /// Replaces every `B[f]` (pymdp layout), checking every column.
    pub fn with_b(mut self, b: &TransitionsInputOf<T, S>) -> Result<Self, Error> {
        self.set_b(b)?;
        Ok(self)
    }

    /// Replaces every `B[f]` in place (pymdp layout); on error the model is unchanged.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn set_b(&mut self, b: &TransitionsInputOf<T, S>) -> Result<(), Error> {
        for f in 0..spec::num_factors::<S>() {
            let bf = <Fs<S> as TransitionList<Fs<S>>>::input_slice(b, f);
            check_transition::<T, S>(f, bf, true, Tensor::B, true)?;
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let bf = <Fs<S> as TransitionList<Fs<S>>>::input_slice(b, f);
            let dst = &mut self.b.as_mut()
                [info.transition_offset..info.transition_offset + info.transition_len()];
            transition_from_pymdp(info.states, info.parents.joint, info.controls, bf, dst);
        }
        self.refresh_b_structure();
        Ok(())
    }

    /// Replaces `B[f]` from flat data in actinf's layout (per action, the `J` columns of `N`
    /// next-state probabilities), checking every column; on error the model is unchanged.
    /// This is how learning writes `B`.
    ///
    /// # Panics
    /// If `f` is not a factor of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn set_transition(&mut self, f: usize, bf: &[T]) -> Result<(), Error> {
        check_transition::<T, S>(f, bf, false, Tensor::B, true)?;
        let info = &spec::factors::<S>()[f];
        self.b.as_mut()[info.transition_offset..info.transition_offset + info.transition_len()]
            .copy_from_slice(bf);
        self.refresh_b_structure();
        Ok(())
    }

    /// Replaces every `C[m]`, checking it is finite; on error the model is unchanged.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn with_all_c(mut self, c: &OutcomesInputOf<T, S>) -> Result<Self, Error> {
        for m in 0..spec::num_modalities::<S>() {
            check_preference::<T, S>(m, <Ms<S> as ModalityList<Fs<S>>>::outcomes_slice(c, m))?;
        }
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            self.c.as_mut()[info.range()]
                .copy_from_slice(<Ms<S> as ModalityList<Fs<S>>>::outcomes_slice(c, m));
        }
        Ok(self)
    }

    /// Replaces every `D[f]`, checking each is a distribution.
    pub fn with_d(mut self, d: &FactorInputOf<T, S>) -> Result<Self, Error> {
        let d = Belief::<T, S>::from_input_unchecked(*d);
        d.check(Tensor::D, true)?;
        self.d = d;
        Ok(self)
    }

    /// Replaces `D` (checked to be a distribution per factor).
    pub fn set_d(&mut self, d: &Belief<T, S>) -> Result<(), Error> {
        d.check(Tensor::D, true)?;
        self.d = *d;
        Ok(())
    }

    fn refresh_a_cache(&mut self) {
        for m in 0..spec::num_modalities::<S>() {
            self.refresh_a_cache_of(m);
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn refresh_a_cache_of(&mut self, m: usize) {
        let info = &spec::modalities::<S>()[m];
        let r = info.likelihood_range();
        maths::log_stable_into(
            &self.a.as_ref()[r.clone()],
            &mut self.ln_a.as_mut()[r.clone()],
        );
        // H[A](j) = −Σ_o A[o, j] ln max(A[o, j], MINVAL), column by column.
        let no = info.outcomes;
        let h = &mut self.h_a.as_mut()[info.tensor_range()];
        for (hj, col) in h.iter_mut().zip(self.a.as_ref()[r].chunks_exact(no)) {
            *hj = -maths::xlogx_sum(col);
        }
    }

    /// Zeroes every tensor in place (no model-sized temporary), for builders that write
    /// actinf's layout directly and then call [`validate_in_place`](Self::validate_in_place).
    pub(crate) fn clear(&mut self) {
        self.a.as_mut().fill(T::ZERO);
        self.ln_a.as_mut().fill(T::ZERO);
        self.h_a.as_mut().fill(T::ZERO);
        self.b.as_mut().fill(T::ZERO);
        self.c.as_mut().fill(T::ZERO);
        self.d.0.as_mut().fill(T::ZERO);
        self.structure = Structure::NONE;
    }

    /// `A`, `B`, `C` and `D` storage in actinf's layout, for in-place builders.
    pub(crate) fn raw_mut(&mut self) -> (&mut [T], &mut [T], &mut [T], &mut [T]) {
        (
            self.a.as_mut(),
            self.b.as_mut(),
            self.c.as_mut(),
            self.d.0.as_mut(),
        )
    }

    /// Checks every tensor written by an in-place builder (columns of `A` and `B`
    /// normalised, `C` finite, `D` normalised) and refreshes the caches; on error the model
    /// is cleared.
    pub(crate) fn validate_in_place(&mut self) -> Result<(), Error> {
        let res = self.check_all();
        if res.is_err() {
            self.clear();
        } else {
            self.refresh_a_cache();
            self.refresh_b_structure();
        }
        res
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn check_all(&self) -> Result<(), Error> {
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            check_likelihood::<T, S>(m, self.likelihood(m), false, Tensor::A, true)?;
            check_preference::<T, S>(m, &self.c.as_ref()[info.range()])?;
        }
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let bf = &self.b.as_ref()[info.transition_offset..][..info.transition_len()];
            check_transition::<T, S>(f, bf, false, Tensor::B, true)?;
            check_factor_vector::<T, S>(f, &self.d.0.as_ref()[info.range()], Tensor::D, true)?;
        }
        Ok(())
    }

    /// Rewrites `A[m]` in place with `f`, then refreshes its caches. For trusted data
    /// (learning's expected values), so no check.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub(crate) fn set_likelihood_with(&mut self, m: usize, f: impl FnOnce(&mut [T])) {
        let r = spec::modalities::<S>()[m].likelihood_range();
        f(&mut self.a.as_mut()[r]);
        self.refresh_a_cache_of(m);
    }

    /// Rewrites every `B` in place with `f` (actinf's layout), then refreshes the structure.
    /// For trusted data (learning's expected values), so no check.
    pub(crate) fn set_transitions_with(&mut self, f: impl FnOnce(&mut [T])) {
        f(self.b.as_mut());
        self.refresh_b_structure();
    }

    /// Replaces `D` without checks (learning's expected values).
    pub(crate) fn set_d_unchecked(&mut self, d: &Belief<T, S>) {
        self.d = *d;
    }

    /// Replaces all transitions (actinf's layout) without checks, refreshing the structure.
    pub(crate) fn set_transitions_unchecked(&mut self, b: &[T]) {
        self.b.as_mut().copy_from_slice(b);
        self.refresh_b_structure();
    }

    fn refresh_b_structure(&mut self) {
        self.structure = structure::analyse::<T, S>(self.b.as_ref());
    }

    /// `A` for every modality, flat (each `A[m]` by column, one after the other).
    #[inline]
    pub fn a(&self) -> &[T] {
        self.a.as_ref()
    }

    /// `A[m]` by column: `J` columns of `NO` entries, column `j` holding `P(· | s_parents = j)`
    /// (joint parent states in C order). [`pymdp_order`] lists it as pymdp's `A[m].flatten()`.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented)"
    )]
    pub fn likelihood(&self, m: usize) -> &[T] {
        &self.a.as_ref()[spec::modalities::<S>()[m].likelihood_range()]
    }

    /// Column `j` of `A[m]`: the outcome distribution given joint parent state `j`.
    ///
    /// # Panics
    /// If `m` is not a modality or `j` not one of its joint parent states.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for an index out of range (documented)"
    )]
    pub fn column(&self, m: usize, j: usize) -> &[T] {
        let no = spec::modalities::<S>()[m].outcomes;
        &self.likelihood(m)[j * no..(j + 1) * no]
    }

    /// `A[m][o, j]` in pymdp's indexing (`j` the joint parent state in C order).
    ///
    /// # Panics
    /// If an index is out of range.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for an index out of range (documented)"
    )]
    pub fn a_entry(&self, m: usize, o: usize, j: usize) -> T {
        self.column(m, j)[o]
    }

    /// `A[M]` for the modality `M`, by column (see [`likelihood`](Self::likelihood)).
    pub fn a_of<M>(&self) -> &[T]
    where
        M: ModalityShape<Fs<S>>,
        Ms<S>: HasModality<Fs<S>, M>,
    {
        self.likelihood(<Ms<S> as HasModality<Fs<S>, M>>::INDEX)
    }

    /// Cached `ln max(A, MINVAL)` for every modality (by column, like [`a`](Self::a)).
    #[inline]
    pub fn ln_a(&self) -> &[T] {
        self.ln_a.as_ref()
    }

    /// Cached `ln max(A[m], MINVAL)`.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented)"
    )]
    pub fn ln_likelihood(&self, m: usize) -> &[T] {
        &self.ln_a.as_ref()[spec::modalities::<S>()[m].likelihood_range()]
    }

    /// Cached column entropies `H[A](s) = −Σ_o A ln A` for every modality (flat).
    #[inline]
    pub fn h_a(&self) -> &[T] {
        self.h_a.as_ref()
    }

    /// Cached column entropies of `A[m]`, one per joint parent state.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented)"
    )]
    pub fn column_entropies(&self, m: usize) -> &[T] {
        &self.h_a.as_ref()[spec::modalities::<S>()[m].tensor_range()]
    }

    /// `B` for every factor, flat: per factor, per action, `J` columns of `N` next-state
    /// probabilities.
    #[inline]
    pub fn b(&self) -> &[T] {
        self.b.as_ref()
    }

    /// `B[f]` under action `u`, by column: column `j` is `P(s' | s_parents = j, u)`.
    ///
    /// # Panics
    /// If `f` is not a factor or `u` not one of its actions.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `f` or `u` out of range (documented)"
    )]
    pub fn transition(&self, f: usize, u: usize) -> &[T] {
        let info = &spec::factors::<S>()[f];
        assert!(u < info.controls, "action {u} out of range for factor {f}");
        let nj = info.states * info.parents.joint;
        let start = info.transition_offset + u * nj;
        &self.b.as_ref()[start..start + nj]
    }

    /// `B[f][s', j, u]` in pymdp's indexing (`j` the joint parent state in C order).
    ///
    /// # Panics
    /// If an index is out of range.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for an index out of range (documented)"
    )]
    pub fn b_entry(&self, f: usize, next: usize, j: usize, u: usize) -> T {
        let info = &spec::factors::<S>()[f];
        self.transition(f, u)[j * info.states + next]
    }

    /// `C` for every modality, flat.
    #[inline]
    pub fn c(&self) -> &[T] {
        self.c.as_ref()
    }

    /// `C[m]`, the log-preferences over modality `m`'s outcomes.
    ///
    /// # Panics
    /// If `m` is not a modality of the model.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "panics for `m` out of range (documented)"
    )]
    pub fn preference(&self, m: usize) -> &[T] {
        &self.c.as_ref()[spec::modalities::<S>()[m].range()]
    }

    /// `C` as flat storage (for per-step preferences built from it).
    #[inline]
    pub fn c_storage(&self) -> &S::Outcomes<T> {
        &self.c
    }

    /// `D`, the initial-state prior per factor.
    #[inline]
    pub fn d(&self) -> &Belief<T, S> {
        &self.d
    }

    /// The structure found in `B` (one-hot columns, identity transitions).
    #[inline]
    pub fn structure(&self) -> &Structure<S> {
        &self.structure
    }
}
