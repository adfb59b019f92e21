//! Shared pieces of the environment builders: run-time checks that a spec has the shape an
//! environment needs, probability checks, and flat pymdp-order tensors sized by the spec (no
//! heap) that become a validated [`Model`].

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::Model;
use crate::spec::{self, Spec};

/// Checks that `S` has `factors` hidden-state factors and `modalities` modalities.
pub(crate) fn expect_counts<S: Spec>(factors: usize, modalities: usize) -> Result<(), Error> {
    let (nf, nm) = (spec::num_factors::<S>(), spec::num_modalities::<S>());
    if nf != factors {
        return Err(Error::new(
            Tensor::B,
            0,
            S::NAME,
            Entry::at(0),
            Problem::WrongLength {
                expected: factors,
                found: nf,
            },
        ));
    }
    if nm != modalities {
        return Err(Error::new(
            Tensor::A,
            0,
            S::NAME,
            Entry::at(0),
            Problem::WrongLength {
                expected: modalities,
                found: nm,
            },
        ));
    }
    Ok(())
}

/// Compares the parents a tensor has in `S` with the ones the environment needs; `axis0` is
/// the size of the tensor's first (outcome / next-state) axis.
fn expect_axes(
    tensor: Tensor,
    index: usize,
    name: &'static str,
    first: (usize, usize),
    parents: (&[usize], &[usize]),
    want: &[(usize, usize)],
) -> Result<(), Error> {
    let shape = |axis: usize, expected: usize, found: usize| {
        Error::new(
            tensor,
            index,
            name,
            Entry::at(0),
            Problem::WrongShape {
                axis: axis as u32,
                expected: expected as u32,
                found: found as u32,
            },
        )
    };
    if first.0 != first.1 {
        return Err(shape(0, first.1, first.0));
    }
    let (ids, dims) = parents;
    if ids.len() != want.len() {
        return Err(Error::new(
            tensor,
            index,
            name,
            Entry::at(0),
            Problem::WrongRank {
                expected: want.len() + 1,
                found: ids.len() + 1,
            },
        ));
    }
    for (k, ((&id, &dim), &(want_id, want_dim))) in ids.iter().zip(dims).zip(want).enumerate() {
        if id != want_id || dim != want_dim {
            return Err(shape(k + 1, want_dim, dim));
        }
    }
    Ok(())
}

/// Checks factor `f` of `S`: `states` states, `controls` actions, and transition parents
/// `parents` (factor index, size), in axis order.
#[allow(
    clippy::indexing_slicing,
    reason = "callers check the counts first (`expect_counts`)"
)]
pub(crate) fn expect_factor<S: Spec>(
    f: usize,
    states: usize,
    controls: usize,
    parents: &[(usize, usize)],
) -> Result<(), Error> {
    let info = &spec::factors::<S>()[f];
    expect_axes(
        Tensor::B,
        f,
        info.name,
        (info.states, states),
        (info.parents.ids(), info.parents.dims()),
        parents,
    )?;
    if info.controls != controls {
        return Err(Error::new(
            Tensor::B,
            f,
            info.name,
            Entry::at(0),
            Problem::WrongShape {
                axis: (parents.len() + 1) as u32,
                expected: controls as u32,
                found: info.controls as u32,
            },
        ));
    }
    Ok(())
}

/// Checks modality `m` of `S`: `outcomes` outcomes and likelihood parents `parents`
/// (factor index, size), in axis order.
#[allow(
    clippy::indexing_slicing,
    reason = "callers check the counts first (`expect_counts`)"
)]
pub(crate) fn expect_modality<S: Spec>(
    m: usize,
    outcomes: usize,
    parents: &[(usize, usize)],
) -> Result<(), Error> {
    let info = &spec::modalities::<S>()[m];
    expect_axes(
        Tensor::A,
        m,
        info.name,
        (info.outcomes, outcomes),
        (info.parents.ids(), info.parents.dims()),
        parents,
    )
}

/// Checks that `p` is a probability, with the error the model's validation would give for
/// the entries `p` and `1 − p` of a column of `tensor[index]`: not finite, or negative.
pub(crate) fn check_probability(
    tensor: Tensor,
    index: usize,
    name: &'static str,
    p: f64,
) -> Result<(), Error> {
    let problem = if !p.is_finite() {
        Problem::NotFinite { value: p }
    } else if p < 0.0 {
        Problem::Negative { value: p }
    } else if p > 1.0 {
        Problem::Negative { value: 1.0 - p }
    } else {
        return Ok(());
    };
    Err(Error::new(tensor, index, name, Entry::at(0), problem))
}

/// An out-of-range index error.
pub(crate) fn out_of_range(
    tensor: Tensor,
    index: usize,
    name: &'static str,
    entry: Entry,
    value: usize,
    len: usize,
) -> Error {
    Error::new(
        tensor,
        index,
        name,
        entry,
        Problem::OutOfRange { value, len },
    )
}

/// An in-place writer of a model's `A`, `B`, `D` (actinf's layout: `A` by column, `B` per
/// action by column): the builders fill a model the caller owns (boxed, static or on the
/// stack) without a model-sized temporary, then [`build`](Self::build) validates it.
pub(crate) struct Tensors<'m, T: Real, S: Spec> {
    model: &'m mut Model<T, S>,
}

#[allow(
    clippy::indexing_slicing,
    reason = "the builders write indices within the shapes `expect_factor`/`expect_modality` \
              checked; offsets come from the compile-time Layout that also sizes the storage"
)]
impl<'m, T: Real, S: Spec> Tensors<'m, T, S> {
    /// Clears `model` and starts writing into it.
    pub(crate) fn new(model: &'m mut Model<T, S>) -> Self {
        model.clear();
        Tensors { model }
    }

    /// `A[m][o, j]` (`j` the C-order joint index of the parents).
    pub(crate) fn set_a(&mut self, m: usize, o: usize, j: usize, x: T) {
        let info = &spec::modalities::<S>()[m];
        self.model.raw_mut().0[info.likelihood_offset + j * info.outcomes + o] = x;
    }

    /// `B[f][next, j, u]`.
    pub(crate) fn set_b(&mut self, f: usize, next: usize, j: usize, u: usize, x: T) {
        let info = &spec::factors::<S>()[f];
        let k = (u * info.parents.joint + j) * info.states + next;
        self.model.raw_mut().1[info.transition_offset + k] = x;
    }

    /// `B[f]` is the identity for every action (a factor that never moves).
    pub(crate) fn identity_b(&mut self, f: usize) {
        let info = &spec::factors::<S>()[f];
        for s in 0..info.states {
            for u in 0..info.controls {
                self.set_b(f, s, s, u, T::ONE);
            }
        }
    }

    /// `D[f]`.
    pub(crate) fn d_mut(&mut self, f: usize) -> &mut [T] {
        &mut self.model.raw_mut().3[spec::factors::<S>()[f].range()]
    }

    /// Validates what was written (the model is cleared on error).
    pub(crate) fn build(self) -> Result<(), Error> {
        self.model.validate_in_place()
    }
}
