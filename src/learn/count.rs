//! Dirichlet counting: adding the evidence of observed steps to `pA`, `pB` and `pD`, and
//! writing the counts' expected values into a model.
//!
//! * `pA_m += lr · o_m ⊗ q(s_{parents(m)})` — the observation (one-hot, or a probability
//!   vector) times the mean-field joint of the modality's parents (pymdp
//!   `update_obs_likelihood_dirichlet`);
//! * `pB_f[·, ·, u] += lr · q(s'_f) ⊗ q(s_{parents(f)})` for the action `u` taken — or the
//!   smoothed pairwise joint `q(s'_f, s_f)` when there is one (pymdp
//!   `update_state_transition_dirichlet`);
//! * `pD_f += lr · q_f ⊙ [pD_f > 0]` — pymdp's *legacy* rule (its JAX backend has none).
//!
//! With [`Zeros::Keep`] (the default) a zero count receives nothing; with [`Zeros::Pymdp`] every
//! cell does. Counts never allocate: scratch is one joint over a tensor's parents.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::learn::rule::{Forgetting, Learning, Zeros, check_rate};
use crate::maths::{self, Real};
use crate::model::{Belief, Categorical, DirichletA, DirichletB, DirichletD, Model, Pairwise};
use crate::spec::{self, Flat, Spec};

/// Adds one step's evidence about `A`: `pA_m += lr · onehot(o_m) ⊗ q(parents(m))` for every
/// modality `rule` learns (a [`MISSING`](crate::MISSING) modality adds nothing).
///
/// Errors (nothing is written): a learning rate that is negative or not finite; a column
/// whose total could approach the largest finite value (`NotFinite`).
///
/// ```
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// use actinf::{Belief, DirichletA, learn::{self, Learning}, list};
/// let mut pa = DirichletA::<f64, Coin>::new(&list![[[1.0, 1.0], [1.0, 1.0]]])?;
/// let q = Belief::new(list![[0.75, 0.25]])?;
/// learn::count_a(&mut pa, &[1], &q, 2.0, &Learning::new(1.0, 1.0))?;
/// // Outcome 1 seen, in state 0 with 0.75 and state 1 with 0.25 (column-major: [o0, o1] per state).
/// assert_eq!(pa.as_slice(), &[1.0, 2.5, 1.0, 1.5]);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "observations are checked before counting; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn count_a<T: Real, S: Spec>(
    pa: &mut DirichletA<T, S>,
    obs: &S::Observation,
    q: &Belief<T, S>,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    check_rate(lr, "lr_pA")?;
    crate::model::check_observation::<S>(obs)?;
    headroom_a(pa, lr, rule)?;
    let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let o = obs.as_ref()[m];
        if !rule.learns_modality(m) || o == crate::MISSING {
            continue;
        }
        q.joint(&info.parents, joint.as_mut());
        let w = &joint.as_ref()[..info.parents.joint];
        let pa_m = &mut pa.0.as_mut()[info.likelihood_range()];
        for (col, &wj) in pa_m.chunks_exact_mut(info.outcomes).zip(w) {
            add(&mut col[o], lr * wj, rule.zeros);
        }
    }
    Ok(())
}

/// [`count_a`] for a categorical observation: `pA_m += lr · o_m ⊗ q(parents(m))`.
///
/// Errors (nothing is written): a learning rate that is negative or not finite; a column
/// whose total could approach the largest finite value (`NotFinite`).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn count_a_categorical<T: Real, S: Spec>(
    pa: &mut DirichletA<T, S>,
    obs: &Categorical<T, S>,
    q: &Belief<T, S>,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    check_rate(lr, "lr_pA")?;
    headroom_a(pa, lr, rule)?;
    let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        if !rule.learns_modality(m) {
            continue;
        }
        q.joint(&info.parents, joint.as_mut());
        let w = &joint.as_ref()[..info.parents.joint];
        let o = obs.modality(m);
        let pa_m = &mut pa.0.as_mut()[info.likelihood_range()];
        for (col, &wj) in pa_m.chunks_exact_mut(info.outcomes).zip(w) {
            for (c, &ok) in col.iter_mut().zip(o) {
                add(c, lr * wj * ok, rule.zeros);
            }
        }
    }
    Ok(())
}

/// Adds one transition's evidence about `B`, mean-field: for every factor `rule` learns,
/// `pB_f[·, j, u_f] += lr · q_next,f ⊗ q(parents(f))_j` (pymdp's joint for FPI, MMP and VMP).
///
/// Errors (nothing is written): a learning rate that is negative or not finite, an action out
/// of range, a column whose total could approach the largest finite value (`NotFinite`).
#[allow(
    clippy::indexing_slicing,
    reason = "actions are checked before counting; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn count_b<T: Real, S: Spec>(
    pb: &mut DirichletB<T, S>,
    q_next: &Belief<T, S>,
    q: &Belief<T, S>,
    action: &S::Action,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    check_rate(lr, "lr_pB")?;
    crate::infer::check_action::<S>(action)?;
    headroom_b(pb, lr, rule)?;
    let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if !rule.learns_factor(f) {
            continue;
        }
        q.joint(&info.parents, joint.as_mut());
        let w = &joint.as_ref()[..info.parents.joint];
        let next = q_next.factor(f);
        for (col, &wj) in transition_mut(pb, f, action.as_ref()[f])
            .chunks_exact_mut(info.states)
            .zip(w)
        {
            for (c, &p) in col.iter_mut().zip(next) {
                add(c, lr * wj * p, rule.zeros);
            }
        }
    }
    Ok(())
}

/// Adds one transition's evidence about `B` from smoothed pairwise joints (pymdp's joint for
/// OVF and exact): `pB_f[s', s, u_f] += lr · q(s_{t+1} = s', s_t = s)`.
///
/// Errors (nothing is written): a learning rate that is negative or not finite, an action out
/// of range, a column whose total could overflow (`NotFinite`), or a learned factor whose transition depends on other factors (a pairwise joint covers its own
/// states only).
#[allow(
    clippy::indexing_slicing,
    reason = "actions are checked before counting; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn count_b_pairwise<T: Real, S: Spec>(
    pb: &mut DirichletB<T, S>,
    joint: &Pairwise<T, S>,
    action: &S::Action,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    check_rate(lr, "lr_pB")?;
    crate::infer::check_action::<S>(action)?;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if rule.learns_factor(f) && info.parents.len != 1 {
            return Err(Error::new(
                Tensor::PB,
                f,
                info.name,
                Entry::at(0),
                Problem::WrongRank {
                    expected: 3,
                    found: 2 + info.parents.len,
                },
            ));
        }
    }
    headroom_b(pb, lr, rule)?;
    for f in 0..spec::num_factors::<S>() {
        if !rule.learns_factor(f) {
            continue;
        }
        let j = joint.factor(f);
        for (c, &x) in transition_mut(pb, f, action.as_ref()[f]).iter_mut().zip(j) {
            add(c, lr * x, rule.zeros);
        }
    }
    Ok(())
}

/// pymdp's legacy `pD` update: `pD_f += lr · q_f` where `pD_f > 0` (zero entries stay zero).
///
/// Errors (nothing is written): a learning rate that is negative or not finite; a column
/// whose total could approach the largest finite value (`NotFinite`).
pub fn count_d<T: Real, S: Spec>(
    pd: &mut DirichletD<T, S>,
    q: &Belief<T, S>,
    lr: T,
    factors: u64,
) -> Result<(), Error> {
    check_rate(lr, "lr_pD")?;
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if f < 64 && factors & (1 << f) != 0 {
            headroom(pd.0.factor(f), info.states, lr, Tensor::PD, f, info.name)?;
        }
    }
    for f in 0..spec::num_factors::<S>() {
        if f >= 64 || factors & (1 << f) == 0 {
            continue;
        }
        for (c, &x) in pd.0.factor_mut(f).iter_mut().zip(q.factor(f)) {
            add(c, lr * x, Zeros::Keep);
        }
    }
    Ok(())
}

/// Multiplies the learned counts by the forgetting rate (nothing without forgetting).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn forget_a<T: Real, S: Spec>(pa: &mut DirichletA<T, S>, rule: &Learning<T>) {
    if let Forgetting::Decay { rate } = rule.forgetting {
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            if rule.learns_modality(m) {
                scale(&mut pa.0.as_mut()[info.likelihood_range()], rate);
            }
        }
    }
}

/// Multiplies the learned counts by the forgetting rate (nothing without forgetting).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn forget_b<T: Real, S: Spec>(pb: &mut DirichletB<T, S>, rule: &Learning<T>) {
    if let Forgetting::Decay { rate } = rule.forgetting {
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            if rule.learns_factor(f) {
                let r = info.transition_offset..info.transition_offset + info.transition_len();
                scale(&mut pb.0.as_mut()[r], rate);
            }
        }
    }
}

/// Decay toward prior counts `p0`: `p ← p0 + rate · (p − p0)`, for counts of any shape (flat
/// slices of equal length: `pA`, `pB` or `pD` with their priors). The long-run counts stay
/// near `p0 + lr · Δ / (1 − rate)`, so the model never forgets what it was told.
///
/// Errors: lengths that differ, or a rate outside `(0, 1]`.
///
/// ```
/// let mut p = [5.0, 1.0];
/// actinf::learn::forget_toward(&mut p, &[1.0, 1.0], 0.5)?;
/// assert_eq!(p, [3.0, 1.0]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn forget_toward<T: Real>(p: &mut [T], p0: &[T], rate: T) -> Result<(), Error> {
    if p.len() != p0.len() {
        return Err(crate::error::wrong_length(
            Tensor::Hyperparameter,
            p.len(),
            p0.len(),
        ));
    }
    Learning::<T>::new(0.0, 0.0)
        .forgetting(Forgetting::Decay { rate })
        .check()?;
    for (x, &x0) in p.iter_mut().zip(p0) {
        *x = x0 + rate * (*x - x0);
    }
    Ok(())
}

/// [`forget_toward`] for `pA`: `pA ← pA₀ + rate · (pA − pA₀)`, every modality.
///
/// Errors: a rate outside `(0, 1]`.
pub fn forget_a_toward<T: Real, S: Spec>(
    pa: &mut DirichletA<T, S>,
    prior: &DirichletA<T, S>,
    rate: T,
) -> Result<(), Error> {
    forget_toward(pa.0.as_mut(), prior.as_slice(), rate)
}

/// [`forget_toward`] for `pB`: `pB ← pB₀ + rate · (pB − pB₀)`, every factor.
///
/// Errors: a rate outside `(0, 1]`.
pub fn forget_b_toward<T: Real, S: Spec>(
    pb: &mut DirichletB<T, S>,
    prior: &DirichletB<T, S>,
    rate: T,
) -> Result<(), Error> {
    forget_toward(pb.0.as_mut(), prior.as_slice(), rate)
}

/// Writes `E[Dir(pA)]` into `model`'s `A` (its `ln A` and `H[A]` refreshed): with
/// [`Zeros::Keep`] every column `p / Σp` (zeros stay exactly zero), with [`Zeros::Pymdp`]
/// `max(p, MINVAL) / Σ max(p, MINVAL)`.
///
/// Errors (`Keep`): a column whose counts are all zero.
pub fn expected_a<T: Real, S: Spec>(
    pa: &DirichletA<T, S>,
    model: &mut Model<T, S>,
    zeros: Zeros,
) -> Result<(), Error> {
    let ms = spec::modalities::<S>();
    if zeros == Zeros::Keep {
        for (m, info) in ms.iter().enumerate() {
            for (j, col) in pa.modality(m).chunks_exact(info.outcomes).enumerate() {
                if maths::sum(col) <= T::ZERO {
                    return Err(zero_column(Tensor::PA, m, info.name, j));
                }
            }
        }
    }
    for (m, info) in ms.iter().enumerate() {
        let src = pa.modality(m);
        model.set_likelihood_with(m, |dst| {
            dst.copy_from_slice(src);
            for col in dst.chunks_exact_mut(info.outcomes) {
                normalise(col, zeros);
            }
        });
    }
    Ok(())
}

/// Writes `E[Dir(pB)]` into `model`'s `B` (its structure refreshed); zeros as in
/// [`expected_a`].
///
/// Errors (`Keep`): a column whose counts are all zero.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn expected_b<T: Real, S: Spec>(
    pb: &DirichletB<T, S>,
    model: &mut Model<T, S>,
    zeros: Zeros,
) -> Result<(), Error> {
    let fs = spec::factors::<S>();
    if zeros == Zeros::Keep {
        for (f, info) in fs.iter().enumerate() {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            for (j, col) in pb.as_slice()[r].chunks_exact(info.states).enumerate() {
                if maths::sum(col) <= T::ZERO {
                    return Err(zero_column(Tensor::PB, f, info.name, j));
                }
            }
        }
    }
    model.set_transitions_with(|b| {
        b.copy_from_slice(pb.as_slice());
        for info in fs {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            for col in b[r].chunks_exact_mut(info.states) {
                normalise(col, zeros);
            }
        }
    });
    Ok(())
}

/// Writes `E[Dir(pD)]` into `model`'s `D`; zeros as in [`expected_a`] (pymdp's legacy
/// `dirichlet_expected_value` clips, like [`Zeros::Pymdp`]).
///
/// Errors (`Keep`): a factor whose counts are all zero.
pub fn expected_d<T: Real, S: Spec>(
    pd: &DirichletD<T, S>,
    model: &mut Model<T, S>,
    zeros: Zeros,
) -> Result<(), Error> {
    let mut d = *pd.as_belief();
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if zeros == Zeros::Keep && maths::sum(d.factor(f)) <= T::ZERO {
            return Err(zero_column(Tensor::PD, f, info.name, 0));
        }
        normalise(d.factor_mut(f), zeros);
    }
    model.set_d_unchecked(&d);
    Ok(())
}

fn headroom_a<T: Real, S: Spec>(
    pa: &DirichletA<T, S>,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        if rule.learns_modality(m) {
            headroom(pa.modality(m), info.outcomes, lr, Tensor::PA, m, info.name)?;
        }
    }
    Ok(())
}

#[allow(
    clippy::indexing_slicing,
    reason = "the ranges come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn headroom_b<T: Real, S: Spec>(
    pb: &DirichletB<T, S>,
    lr: T,
    rule: &Learning<T>,
) -> Result<(), Error> {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if rule.learns_factor(f) {
            let r = info.transition_offset..info.transition_offset + info.transition_len();
            headroom(&pb.as_slice()[r], info.states, lr, Tensor::PB, f, info.name)?;
        }
    }
    Ok(())
}

/// Refuses an update that could carry a column's total near the largest finite value: every
/// counting step adds at most `lr` to a column (its weights sum to at most 1, up to
/// rounding), so a column whose total plus `lr` exceeds half the largest finite value is an
/// error before anything is written (the factor 2 absorbs the rounding of the entries' sums).
fn headroom<T: Real>(
    counts: &[T],
    rows: usize,
    lr: T,
    tensor: Tensor,
    index: usize,
    name: &'static str,
) -> Result<(), Error> {
    for (j, col) in counts.chunks_exact(rows.max(1)).enumerate() {
        let total = maths::sum(col) + lr;
        if !(total + total).is_finite() {
            return Err(Error::new(
                tensor,
                index,
                name,
                Entry::new(&[j], true),
                Problem::NotFinite {
                    value: total.as_f64(),
                },
            ));
        }
    }
    Ok(())
}

/// `c += x`, except into a zero count when zeros are kept.
#[inline]
fn add<T: Real>(c: &mut T, x: T, zeros: Zeros) {
    if zeros == Zeros::Pymdp || *c != T::ZERO {
        *c += x;
    }
}

fn scale<T: Real>(x: &mut [T], rate: T) {
    for v in x {
        *v *= rate;
    }
}

/// A column of counts made a distribution.
fn normalise<T: Real>(col: &mut [T], zeros: Zeros) {
    match zeros {
        Zeros::Pymdp => maths::dirichlet_mean_in_place(col),
        Zeros::Keep => {
            let s = maths::sum(col);
            for x in col.iter_mut() {
                *x /= s;
            }
        }
    }
}

fn zero_column(tensor: Tensor, index: usize, name: &'static str, j: usize) -> Error {
    Error::new(
        tensor,
        index,
        name,
        Entry::new(&[0, j], true),
        Problem::ZeroConcentration,
    )
}

/// Factor `f`'s counts under action `u`, by column.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn transition_mut<T: Real, S: Spec>(pb: &mut DirichletB<T, S>, f: usize, u: usize) -> &mut [T] {
    let info = &spec::factors::<S>()[f];
    let nj = info.states * info.parents.joint;
    let start = info.transition_offset + u * nj;
    &mut pb.0.as_mut()[start..start + nj]
}
