//! Sequence inference over a window: pymdp 1.0.4's marginal (MMP) and variational (VMP)
//! message passing.
//!
//! Every step `t` of the window and every factor `f` is updated at once (Jacobi) from the
//! previous sweep's beliefs, starting from uniform beliefs, for a fixed number of sweeps:
//!
//! `q_t,f = softmax(LA_t,f + fwd_t,f + bwd_t,f)`
//!
//! * `LA_t,f` — the FPI message of step `t`'s observation (zero for a padded step or a
//!   [`MISSING`](crate::MISSING) modality);
//! * MMP: `fwd_t = ln max(B_{t−1} q_{t−1}, MINVAL)` (the prior `ln p` at the window's first
//!   valid step and on padding), halved when `t` has a valid outgoing transition;
//!   `bwd_t,f = ½ Σ_i ln max(q_{t+1,i} · B̃_i, MINVAL)` over the factors `i` whose `B` has `f`
//!   as a parent, `B̃_i` being `B_i(a_t)` with its other parents averaged under `q_t` and each
//!   row normalised over `f`'s states;
//! * VMP: `fwd_t = E_{q_{t−1}}[ln max(B_{t−1}, MINVAL)]`, `bwd_t,f = Σ_i Σ_{s'} q_{t+1,i}(s')
//!   E_{q_t∖f}[ln max(B_i[s', …], MINVAL)]`, full weights, no normalisation.
//!
//! Padded steps (a window that is not full) have no evidence and no transitions: their
//! belief is the normalised prior, and nothing leaks from them into the valid steps.
//!
//! The window's beliefs are overwritten with the posteriors. Stack: three beliefs per step
//! of the window plus one step's log-likelihoods.

use nalgebra::Const;

use crate::error::Error;
use crate::infer::Sweeps;
use crate::infer::likelihood;
use crate::infer::window::{Horizon, Window};
use crate::maths::{self, Real};
use crate::model::{Belief, Model};
use crate::spec::{self, Flat, MAX_PARENTS, Spec};

/// Which messages link the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Messages {
    /// Marginal message passing (log of the predicted marginals, half weights).
    Marginal,
    /// Variational message passing (expected logs of `B`, full weights).
    Variational,
}

/// pymdp's `run_mmp`: MMP over the window with `num_iter` sweeps.
///
/// Errors: `num_iter == 0` ([`Problem::ZeroIterations`](crate::error::Problem::ZeroIterations):
/// no sweep would leave uniform beliefs that ignore the observations and the prior).
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Belief, Model, inference::{Window, sequence}, list};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]], // B[next][prev][action]
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// sequence::mmp(&model, &mut w, 16)?;
/// // pymdp 1.0.4 (inventory §2.5): [[0.8363426, 0.1636574], [0.1668307, 0.8331693], [0.116369, 0.8836311]]
/// assert!((w.beliefs()[0].factor(0)[0] - 0.8363426).abs() < 1e-6);
/// assert!((w.beliefs()[1].factor(0)[0] - 0.1668307).abs() < 1e-6);
/// assert!((w.beliefs()[2].factor(0)[1] - 0.8836311).abs() < 1e-6);
/// sequence::vmp(&model, &mut w, 16)?; // [[0.8416303, ..], [0.3548452, ..], [0.0912145, ..]]
/// assert!((w.beliefs()[1].factor(0)[0] - 0.3548452).abs() < 1e-6);
/// assert!(sequence::mmp(&model, &mut w, 0).is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn mmp<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    num_iter: usize,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    run(model, window, num_iter, Messages::Marginal)
}

/// pymdp's `run_vmp`: VMP over the window with `num_iter` sweeps (errors as [`mmp`]).
pub fn vmp<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    num_iter: usize,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    run(model, window, num_iter, Messages::Variational)
}

/// MMP or VMP over the window (see the module docs); errors as [`mmp`].
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn run<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    num_iter: usize,
    messages: Messages,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    Sweeps::UpTo(num_iter).check()?;
    let fs = spec::factors::<S>();
    let ms = spec::modalities::<S>();
    let mut ln_prior = *window.prior();
    maths::log_stable_in_place(ln_prior.as_mut_slice());
    let mut q = [Belief::<T, S>::uniform(); H];
    let mut ll = <S::Tensors<T> as Flat<T>>::ZERO;
    let mut scratch = Scratch::<T, S>::ZERO;
    let half = T::lit(0.5);
    for _ in 0..num_iter {
        let old = q;
        for (t, qt) in q.iter_mut().enumerate() {
            let mut ln = Belief::<T, S>::ZERO;
            // The observation's message, under the other factors' beliefs at t.
            if window.observed(t) {
                likelihood::index_into(model, &window.observations()[t], &mut ll);
                spec::each_modality::<S>(|m| {
                    let info = &ms[m];
                    let p = &info.parents;
                    let mut marg: [&[T]; MAX_PARENTS] = [&[]; MAX_PARENTS];
                    let n = old[t].parent_marginals(p, &mut marg);
                    let mut offsets = [0usize; MAX_PARENTS];
                    for (o, &id) in offsets.iter_mut().zip(p.ids()) {
                        *o = fs[id].offset;
                    }
                    maths::messages_add(
                        &ll.as_ref()[info.tensor_range()],
                        &marg[..n],
                        &offsets[..n],
                        ln.as_mut_slice(),
                    );
                });
            }
            // From the past: the prior where the chain starts, else the transition.
            let weight = if messages == Messages::Marginal && window.linked(t) {
                half
            } else {
                T::ONE
            };
            if t == 0 || !window.linked(t - 1) {
                maths::axpy(weight, ln_prior.as_slice(), ln.as_mut_slice());
            } else {
                let action = &window.actions().as_ref()[t - 1];
                for f in 0..fs.len() {
                    let out = scratch.vec.factor_mut(f);
                    match messages {
                        Messages::Marginal => {
                            super::predict_factor(
                                model,
                                f,
                                action.as_ref()[f],
                                &old[t - 1],
                                &mut scratch.joint,
                                out,
                            );
                            maths::log_stable_in_place(out);
                        }
                        Messages::Variational => {
                            expected_ln_transition(
                                model,
                                f,
                                action.as_ref()[f],
                                &old[t - 1],
                                out,
                                &mut scratch.joint,
                                &mut scratch.column,
                            );
                        }
                    }
                    maths::axpy(weight, out, ln.factor_mut(f));
                }
            }
            // From the future.
            if window.linked(t) {
                let action = &window.actions().as_ref()[t];
                for (i, info) in fs.iter().enumerate() {
                    for (k, &f) in info.parents.ids().iter().enumerate() {
                        backward(
                            model,
                            messages,
                            i,
                            k,
                            action.as_ref()[i],
                            &old[t],
                            old[t + 1].factor(i),
                            &mut scratch,
                        );
                        let msg = &scratch.msg.as_ref()[..fs[f].states];
                        match messages {
                            Messages::Marginal => {
                                let dst = ln.factor_mut(f);
                                for (d, &m) in dst.iter_mut().zip(msg) {
                                    *d += half * maths::log_stable(m);
                                }
                            }
                            Messages::Variational => {
                                maths::axpy(T::ONE, msg, ln.factor_mut(f));
                            }
                        }
                    }
                }
            }
            for f in 0..fs.len() {
                maths::softmax_in_place(ln.factor_mut(f));
            }
            *qt = ln;
        }
    }
    *window.beliefs_mut() = q;
    Ok(())
}

/// Scratch of one message.
struct Scratch<T: Real, S: Spec> {
    /// A per-factor vector (one factor's slot used at a time).
    vec: Belief<T, S>,
    /// Joint over a transition's parents.
    joint: S::Joint<T>,
    /// One column of `B` (or its log), and the row weights of MMP's backward message.
    column: S::States<T>,
    /// The backward message over one factor's states.
    msg: S::States<T>,
}

impl<T: Real, S: Spec> Scratch<T, S> {
    const ZERO: Self = Scratch {
        vec: Belief::ZERO,
        joint: <S::Joint<T> as Flat<T>>::ZERO,
        column: <S::States<T> as Flat<T>>::ZERO,
        msg: <S::States<T> as Flat<T>>::ZERO,
    };
}

/// VMP's forward message: `out(s) = Σ_j w_j ln max(B_f(u)[s, j], MINVAL)`, `w` the joint of
/// `q` over `f`'s parents.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn expected_ln_transition<T: Real, S: Spec>(
    model: &Model<T, S>,
    f: usize,
    u: usize,
    q: &Belief<T, S>,
    out: &mut [T],
    joint: &mut S::Joint<T>,
    column: &mut S::States<T>,
) {
    let info = &spec::factors::<S>()[f];
    let n = info.states;
    q.joint(&info.parents, joint.as_mut());
    out.fill(T::ZERO);
    let ln_col = &mut column.as_mut()[..n];
    for (col, &w) in model
        .transition(f, u)
        .chunks_exact(n)
        .zip(&joint.as_ref()[..info.parents.joint])
    {
        if w != T::ZERO {
            maths::log_stable_into(col, ln_col);
            maths::axpy(w, ln_col, out);
        }
    }
}

/// The backward message from factor `i`'s transition to its parent at position `k` (factor
/// `f`), into `scratch.msg[..N_f]`, given `q_t` and `q_{t+1,i}`:
///
/// * MMP: `Σ_{s'} q_{t+1,i}(s') N[s', s_f] / max(Σ_{s_f} N[s', s_f], MINVAL)` with
///   `N[s', s_f] = Σ_{j: s_f(j) = s_f} w_j B_i(u)[s', j]` (not yet logged);
/// * VMP: `Σ_{j: s_f(j) = s_f} w_j Σ_{s'} q_{t+1,i}(s') ln max(B_i(u)[s', j], MINVAL)`;
///
/// `w_j` being the product of `q_t` over `i`'s parents other than `f`.
#[allow(clippy::too_many_arguments)]
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn backward<T: Real, S: Spec>(
    model: &Model<T, S>,
    messages: Messages,
    i: usize,
    k: usize,
    u: usize,
    q_t: &Belief<T, S>,
    q_next: &[T],
    scratch: &mut Scratch<T, S>,
) {
    let fs = spec::factors::<S>();
    let info = &fs[i];
    let p = &info.parents;
    let f = p.ids[k];
    let (n_i, n_f) = (info.states, fs[f].states);
    // w_j: the joint of q_t over i's parents with f's marginal replaced by ones.
    let mut others = *q_t;
    others.factor_mut(f).fill(T::ONE);
    others.joint(p, scratch.joint.as_mut());
    let w = &scratch.joint.as_ref()[..p.joint];
    let stride: usize = p.dims()[k + 1..].iter().product();
    let state_of = |j: usize| (j / stride) % n_f;
    let cols = model.transition(i, u);
    let msg = &mut scratch.msg.as_mut()[..n_f];
    msg.fill(T::ZERO);
    let column = &mut scratch.column.as_mut()[..n_i];
    match messages {
        Messages::Marginal => {
            // Row sums r = Σ_j w_j col_j, then v = q_{t+1} / max(r, MINVAL).
            maths::mix_columns(cols, w, column);
            for (v, &qn) in column.iter_mut().zip(q_next) {
                *v = qn / v.max(T::MINVAL);
            }
            for (j, (col, &wj)) in cols.chunks_exact(n_i).zip(w).enumerate() {
                if wj != T::ZERO {
                    msg[state_of(j)] += wj * maths::dot(col, column);
                }
            }
        }
        Messages::Variational => {
            for (j, (col, &wj)) in cols.chunks_exact(n_i).zip(w).enumerate() {
                if wj != T::ZERO {
                    maths::log_stable_into(col, column);
                    msg[state_of(j)] += wj * maths::dot(q_next, column);
                }
            }
        }
    }
}
