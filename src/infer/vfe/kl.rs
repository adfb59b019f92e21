//! The parameter terms of the free energy: `KL(Dir(q) ‖ Dir(p))` summed over every column of
//! `A` or `B` (pymdp `dirichlet_kl_divergence` with `event_dim=0`), from typed
//! concentrations or raw pymdp-ordered slices.

use crate::error::{Error, Tensor};
use crate::maths::{self, Real};
use crate::model::validate::{self, Column};
use crate::model::{DirichletA, DirichletB};
use crate::spec::{self, Flat, MAX_PARENTS, Spec};

/// `KL(Dir(qA) ‖ Dir(pA))` summed over every column of every modality (pymdp
/// `dirichlet_kl_divergence` with `event_dim=0`, summed over `A`): per column, with `a = q`,
/// `b = p` clipped at `MINVAL`, `ln Γ(Σa) − ln Γ(Σb) − Σ ln Γ(a) + Σ ln Γ(b) +
/// Σ (a − b)(ψ(a) − ψ(Σa))`.
///
/// ```
/// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{DirichletA, inference::vfe, list};
/// let p = DirichletA::<f64, Coin>::new(&list![[[1.0, 1.0], [1.0, 1.0]]])?;
/// let q = DirichletA::<f64, Coin>::new(&list![[[2.0, 1.0], [1.0, 1.0]]])?;
/// assert_eq!(vfe::kl_a(&p, &p), 0.0);
/// // Column 0 is Beta(2, 1) against Beta(1, 1): KL = ln 2 − 1/2.
/// assert!((vfe::kl_a(&q, &p) - (2f64.ln() - 0.5)).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn kl_a<T: Real, S: Spec>(qa: &DirichletA<T, S>, pa: &DirichletA<T, S>) -> T {
    let mut kl = T::ZERO;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let cols = qa.modality(m).chunks_exact(info.outcomes);
        for (q, p) in cols.zip(pa.modality(m).chunks_exact(info.outcomes)) {
            kl += maths::dirichlet_kl_slice(q, p);
        }
    }
    kl
}

/// `KL(Dir(qB) ‖ Dir(pB))` summed over every column (every parent state and action) of
/// every factor's `B` (pymdp `dirichlet_kl_divergence` with `event_dim=0`, summed over `B`).
///
/// ```
/// # actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{DirichletB, inference::vfe, list};
/// let p = DirichletB::<f64, Hmm>::new(&list![[[[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]])?;
/// let q = DirichletB::<f64, Hmm>::new(&list![[[[2.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]])?;
/// // Only the column (prev 0, action 0) differs: Beta(2, 1) against Beta(1, 1).
/// assert!((vfe::kl_b(&q, &p) - (2f64.ln() - 0.5)).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn kl_b<T: Real, S: Spec>(qb: &DirichletB<T, S>, pb: &DirichletB<T, S>) -> T {
    let mut kl = T::ZERO;
    for info in spec::factors::<S>() {
        let r = info.transition_offset..info.transition_offset + info.transition_len();
        let q = qb.as_slice()[r.clone()].chunks_exact(info.states);
        for (q, p) in q.zip(pb.as_slice()[r].chunks_exact(info.states)) {
            kl += maths::dirichlet_kl_slice(q, p);
        }
    }
    kl
}

/// [`kl_a`] from raw concentrations in pymdp's C order (every `qA[m]` / `pA[m]` flattened,
/// outcome axis first, one after the other, as [`DirichletA::from_slice`] takes them).
/// Unlike `DirichletA`, a column without mass is accepted (pymdp clips it at `MINVAL`).
///
/// Errors: a slice of the wrong length, or a negative or non-finite concentration.
///
/// ```
/// # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::inference::vfe;
/// // A[0] is (outcome, side): column side = 0 is [2, 1] against [1, 1].
/// let kl = vfe::kl_a_slices::<f64, Coin>(&[2.0, 1.0, 1.0, 1.0], &[1.0; 4])?;
/// assert!((kl - (2f64.ln() - 0.5)).abs() < 1e-12);
/// assert!(vfe::kl_a_slices::<f64, Coin>(&[2.0, -1.0, 1.0, 1.0], &[1.0; 4]).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "slice lengths are checked first; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn kl_a_slices<T: Real, S: Spec>(qa: &[T], pa: &[T]) -> Result<T, Error> {
    check_lengths(Tensor::PA, spec::layout::<S>().likelihoods, qa, pa)?;
    let mut kl = T::ZERO;
    let mut buf = [<S::Outcomes<T> as Flat<T>>::ZERO; 2];
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let (rows, cols) = (info.outcomes, info.parents.joint);
        let mut dims = [0usize; 1 + MAX_PARENTS];
        dims[0] = rows;
        dims[1..=info.parents.len].copy_from_slice(info.parents.dims());
        let tensor = Strided {
            tensor: Tensor::PA,
            index: m,
            name: info.name,
            range: info.likelihood_range(),
            rows,
            cols,
            dims: &dims[..=info.parents.len],
        };
        kl += tensor.kl(qa, pa, &mut buf)?;
    }
    Ok(kl)
}

/// [`kl_b`] from raw concentrations in pymdp's C order (every `qB[f]` / `pB[f]` flattened as
/// `(next, parents…, action)`, one after the other, as [`DirichletB::from_pymdp_slice`] takes
/// them). A column without mass is accepted (pymdp clips it at `MINVAL`).
///
/// Errors: a slice of the wrong length, or a negative or non-finite concentration.
///
/// ```
/// # actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::inference::vfe;
/// // B[0] is (next, prev, action); the column (prev 0, action 0) is [2, 1] against [1, 1].
/// let q = [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
/// let kl = vfe::kl_b_slices::<f64, Hmm>(&q, &[1.0; 8])?;
/// assert!((kl - (2f64.ln() - 0.5)).abs() < 1e-12);
/// assert!(vfe::kl_b_slices::<f64, Hmm>(&q[..7], &[1.0; 8]).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "slice lengths are checked first; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn kl_b_slices<T: Real, S: Spec>(qb: &[T], pb: &[T]) -> Result<T, Error> {
    check_lengths(Tensor::PB, spec::layout::<S>().transitions, qb, pb)?;
    let mut kl = T::ZERO;
    let mut buf = [<S::States<T> as Flat<T>>::ZERO; 2];
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        let (rows, cols) = (info.states, info.parents.joint * info.controls);
        let mut dims = [0usize; 2 + MAX_PARENTS];
        dims[0] = rows;
        dims[1..=info.parents.len].copy_from_slice(info.parents.dims());
        dims[1 + info.parents.len] = info.controls;
        let tensor = Strided {
            tensor: Tensor::PB,
            index: f,
            name: info.name,
            range: info.transition_offset..info.transition_offset + info.transition_len(),
            rows,
            cols,
            dims: &dims[..2 + info.parents.len],
        };
        kl += tensor.kl(qb, pb, &mut buf)?;
    }
    Ok(kl)
}

/// One tensor of raw concentrations in pymdp's C order: `rows` outcomes (the event axis)
/// times `cols` trailing entries, column `c` at `r · cols + c`.
struct Strided<'a> {
    tensor: Tensor,
    index: usize,
    name: &'static str,
    range: core::ops::Range<usize>,
    rows: usize,
    cols: usize,
    /// pymdp's axes, for error entries.
    dims: &'a [usize],
}

impl Strided<'_> {
    /// `Σ_columns KL(Dir(q) ‖ Dir(p))` over this tensor of the flat `q`, `p` (of checked
    /// lengths), gathering each column into `buf`.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn kl<T: Real, B: Flat<T>>(&self, q: &[T], p: &[T], buf: &mut [B; 2]) -> Result<T, Error> {
        let (q, p) = (&q[self.range.clone()], &p[self.range.clone()]);
        let mut kl = T::ZERO;
        for c in 0..self.cols {
            let col = Column {
                start: c,
                stride: self.cols,
                len: self.rows,
            };
            let [bq, bp] = buf;
            for (x, dst) in [(q, &mut *bq), (p, &mut *bp)] {
                if let Err((r, problem)) = validate::nonnegative(x, col) {
                    let entry = validate::entry_of(&[], r * self.cols + c, self.dims, &[], false);
                    return Err(Error::new(
                        self.tensor,
                        self.index,
                        self.name,
                        entry,
                        problem,
                    ));
                }
                for (d, v) in dst.as_mut().iter_mut().zip(col.iter(x)) {
                    *d = v;
                }
            }
            kl += maths::dirichlet_kl_slice(&bq.as_ref()[..self.rows], &bp.as_ref()[..self.rows]);
        }
        Ok(kl)
    }
}

/// Both raw concentration slices must hold `len` values.
fn check_lengths<T>(tensor: Tensor, len: usize, q: &[T], p: &[T]) -> Result<(), Error> {
    for x in [q, p] {
        if x.len() != len {
            return Err(crate::error::wrong_length(tensor, len, x.len()));
        }
    }
    Ok(())
}
