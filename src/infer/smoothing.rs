//! One-step filtering over a window and the backward smoothing of its history (pymdp's
//! `ovf` / `exact` methods, `smoothing_ovf`, `smoothing_exact`).
//!
//! **Filtering.** pymdp's one-step methods infer each step from its own observation and the
//! empirical prior: `q_t = FPI(o_t, p_t)` with `p_t` the window's [`prior`](Window::prior)
//! at its first valid step and `p_t = B(a_{t−1}) · q_{t−1}` after
//! ([`predict`], mean-field over a factor's transition parents). `ovf` runs
//! pymdp's 16 sweeps, `exact` one ([`Sweeps`]). [`filter_latest`] is the online step (only
//! the latest slot, from the previous one); [`filter`] recomputes every valid slot. Both
//! write the window's beliefs, which then hold the *filtered history* smoothing reads.
//!
//! **Smoothing.** From the filtered beliefs `f_t`, a backward pass per factor, starting at
//! `s_{T−1} = f_{T−1}`:
//!
//! * `c_t[j, i] = B_t[j, i] f_t[i] / Σ_i B_t[j, i] f_t[i]` — `q(s_t = i | s_{t+1} = j)`;
//! * `J_t[j, i] = c_t[j, i] · s_{t+1}[j]` — the pairwise joint, axes (next, current);
//! * `s_t[i] = Σ_j J_t[j, i]` — the smoothed marginal.
//!
//! A zero denominator (a next state the filter deems impossible) gives a zero row of `c_t`,
//! never a NaN (pymdp #428). For a single factor with exact filtering this is the
//! Rauch–Tung–Striebel smoother: the exact posterior of the HMM (see [`hmm`](super::hmm)).
//!
//! A factor whose `B` has other parents (pymdp `B_dependencies`) is smoothed with those
//! parents averaged out under their *filtered* beliefs at `t`:
//! `B_t[j, i] = Σ_{s_others} B[j, …, i, …] ∏_d f_{t,d}(s_d)`. pymdp's `smoothing_ovf` only
//! accepts factor-local transitions; for those the two coincide.
//!
//! Padding slots of a window that is not full have no evidence and no transitions: their
//! marginals are the window's prior and their joints zero.

use nalgebra::Const;

use crate::error::{Error, Tensor};
use crate::infer::fpi::{Sweeps, fpi};
use crate::infer::likelihood;
use crate::infer::prior::predict;
use crate::infer::window::{Horizon, Past, Window};
use crate::maths::{self, Real};
use crate::model::{Belief, Model, Pairwise};
use crate::spec::{self, Flat, SingleFactor, Spec};

/// One filtering step: FPI on `obs` with prior `prior` (no checks: window data are checked
/// when they enter the window).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn step<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    prior: &Belief<T, S>,
    sweeps: Sweeps,
) -> Belief<T, S> {
    let mut ll = likelihood::zero_tensors::<T, S>();
    likelihood::index_into(model, obs, &mut ll);
    let ms = spec::modalities::<S>();
    let ll = &ll;
    fpi(|m| &ll.as_ref()[ms[m].tensor_range()], prior, sweeps)
}

/// The online filtering step (pymdp `infer_states` with `ovf` or `exact`): the latest slot's
/// belief from its observation and the empirical prior — the window's prior if it is the
/// only valid step, else `B(a) · q` of the previous slot (`a` the action between them).
///
/// Call it after each [`Window::observe`]. Only the latest slot is written, so the earlier
/// slots must already hold the filtered history (they do if every step was filtered, or
/// after [`filter`]). An empty window is left unchanged.
///
/// Errors: the previous slot's belief (which the caller may have overwritten) has a negative
/// or non-finite entry.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Model, inference::{Sweeps, Window, smoothing}, list};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::new(*model.d());
/// for (t, o) in [0, 1, 1].into_iter().enumerate() {
///     if t > 0 {
///         w.act([t - 1])?; // actions 0 then 1
///     }
///     w.observe(&model, [o])?;
///     smoothing::filter_latest(&model, &mut w, Sweeps::Fixed(1))?; // pymdp's `exact`
/// }
/// // pymdp 1.0.4 (inventory §2.6): filtered [[0.9035714, ..], [0.251799, ..], [0.1044117, ..]]
/// assert!((w.beliefs()[0].factor(0)[0] - 0.9035714).abs() < 1e-6);
/// assert!((w.beliefs()[1].factor(0)[0] - 0.251799).abs() < 1e-6);
/// assert!((w.beliefs()[2].factor(0)[0] - 0.1044117).abs() < 1e-6);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn filter_latest<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    sweeps: Sweeps,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    if window.is_empty() {
        return Ok(());
    }
    let t = H - 1;
    let prior = if window.len() == 1 {
        *window.prior()
    } else {
        let prev = &window.beliefs()[t - 1];
        prev.check(Tensor::Belief, false)?;
        let mut p = Belief::ZERO;
        predict(model, &window.actions().as_ref()[t - 1], prev, &mut p);
        p
    };
    let q = step(model, &window.observations()[t], &prior, sweeps);
    window.beliefs_mut()[t] = q;
    Ok(())
}

/// Filters every valid slot of the window again, oldest first, from the window's prior (the
/// batch form of [`filter_latest`], e.g. for a window built with
/// [`Window::from_history`]). Padding slots get the prior.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Model, inference::{Sweeps, Window, smoothing}, list};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// smoothing::filter(&model, &mut w, Sweeps::Fixed(1));
/// assert!((w.beliefs()[1].factor(0)[0] - 0.251799).abs() < 1e-6);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn filter<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    sweeps: Sweeps,
) where
    Const<H>: Horizon,
{
    let start = window.start();
    let prior = *window.prior();
    let mut beliefs = [prior; H];
    for t in start..H {
        let p = if t == start {
            prior
        } else {
            let mut p = Belief::ZERO;
            predict(
                model,
                &window.actions().as_ref()[t - 1],
                &beliefs[t - 1],
                &mut p,
            );
            p
        };
        beliefs[t] = step(model, &window.observations()[t], &p, sweeps);
    }
    *window.beliefs_mut() = beliefs;
}

/// pymdp's `smoothing_ovf`: smoothed marginals and pairwise joints of every factor from the
/// window's filtered history (see the [module docs](self) for the recursion).
///
/// `marginals[t]` receives `q(s_t | o_{1:T})` for every slot (the prior on padding);
/// `joints[t]` receives `q(s_{t+1}, s_t | o_{1:T})` for the transition from slot `t` to
/// `t + 1` (zeros where either slot is padding). A zero denominator counts as `MINVAL`, as in
/// pymdp, which leaves its row of the conditional zero.
///
/// Errors: a valid slot's belief (which the caller may have overwritten) has a negative or
/// non-finite entry.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Belief, Model, inference::{Sweeps, Window, smoothing}, list, model::Pairwise};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// smoothing::filter(&model, &mut w, Sweeps::Fixed(1));
/// let mut marginals = [Belief::ZERO; 3];
/// let mut joints = [Pairwise::ZERO; 2];
/// smoothing::smooth(&model, &w, &mut marginals, &mut joints)?;
/// // pymdp 1.0.4 (inventory §2.6): smoothed [[0.7638881, ..], [0.3743321, ..], [0.1044117, ..]],
/// // J_0 = [[0.3651627, 0.0091694], [0.3987254, 0.2269425]] (rows: next state)
/// assert!((marginals[0].factor(0)[0] - 0.7638881).abs() < 1e-6);
/// assert!((marginals[1].factor(0)[0] - 0.3743321).abs() < 1e-6);
/// assert!((joints[0].get(0, 1, 0) - 0.3987254).abs() < 1e-6);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn smooth<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    marginals: &mut [Belief<T, S>; H],
    joints: &mut Past<Pairwise<T, S>, H>,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    backward(model, window, marginals, joints, Variant::Ovf)
}

/// pymdp's `smoothing_exact` (single factor): [`smooth`]'s recursion with pymdp's exact
/// smoother's conventions — the denominator clipped at `MINVAL` (`max(Σ_i B f, MINVAL)`,
/// which differs from [`smooth`] only for a denominator in `(0, MINVAL)`) and every smoothed
/// marginal renormalised (`s_t / max(Σ s_t, MINVAL)`, restoring mass a zero row of `c_t`
/// dropped). With exact filtering (`Sweeps::Fixed(1)`) this is the exact HMM posterior.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Belief, Model, inference::{Sweeps, Window, smoothing}, list, model::Pairwise};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let mut w = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// smoothing::filter(&model, &mut w, Sweeps::Fixed(1));
/// let (mut marginals, mut joints) = ([Belief::ZERO; 3], [Pairwise::ZERO; 2]);
/// smoothing::smooth_exact(&model, &w, &mut marginals, &mut joints)?;
/// assert!((marginals[0].factor(0)[1] - 0.2361119).abs() < 1e-6);
/// assert!((joints[0].get(0, 0, 0) - 0.3651627).abs() < 1e-6);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn smooth_exact<T: Real, S: SingleFactor, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    marginals: &mut [Belief<T, S>; H],
    joints: &mut Past<Pairwise<T, S>, H>,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    backward(model, window, marginals, joints, Variant::Exact)
}

/// pymdp's two smoothers differ only in their guards.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// `smoothing_ovf`: a zero denominator becomes `MINVAL`; marginals as they come.
    Ovf,
    /// `smoothing_exact`: denominators clipped at `MINVAL`; marginals renormalised.
    Exact,
}

impl Variant {
    fn guard<T: Real>(self, d: T) -> T {
        match self {
            Variant::Ovf if d == T::ZERO => T::MINVAL,
            Variant::Ovf => d,
            Variant::Exact => d.max(T::MINVAL),
        }
    }

    fn finish<T: Real>(self, s: &mut [T]) {
        if self == Variant::Exact {
            let z = maths::sum(s).max(T::MINVAL);
            maths::div_in_place(s, z);
        }
    }
}

/// The backward pass shared by [`smooth`] and [`smooth_exact`].
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn backward<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    marginals: &mut [Belief<T, S>; H],
    joints: &mut Past<Pairwise<T, S>, H>,
    variant: Variant,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    let start = window.start();
    let filtered = window.beliefs();
    for q in &filtered[start..] {
        q.check(Tensor::Belief, false)?;
    }
    for m in &mut marginals[..start] {
        *m = *window.prior();
    }
    let joints = joints.as_mut();
    for (t, j) in joints.iter_mut().enumerate() {
        if !window.linked(t) {
            *j = Pairwise::ZERO;
        }
    }
    if window.is_empty() {
        return Ok(());
    }
    let fs = spec::factors::<S>();
    marginals[H - 1] = filtered[H - 1];
    for f in 0..fs.len() {
        variant.finish(marginals[H - 1].factor_mut(f));
    }
    let mut averaged = Pairwise::<T, S>::ZERO;
    let mut ratio = Belief::<T, S>::ZERO;
    let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
    for t in (start..H - 1).rev() {
        let ft = &filtered[t];
        let action = &window.actions().as_ref()[t];
        let (head, tail) = marginals.split_at_mut(t + 1);
        let (cur, next) = (&mut head[t], &tail[0]);
        for (f, info) in fs.iter().enumerate() {
            let n = info.states;
            let b =
                conditioned_transition(model, f, action.as_ref()[f], ft, &mut averaged, &mut joint);
            let q = ft.factor(f);
            // r_j = s_{t+1}[j] / Σ_i B[j, i] f_t[i], so that J[j, i] = B[j, i] f_t[i] r_j.
            let r = ratio.factor_mut(f);
            maths::mix_columns(b, q, r);
            for (rj, &sj) in r.iter_mut().zip(next.factor(f)) {
                *rj = sj / variant.guard(*rj);
            }
            let jt = joints[t].factor_mut(f);
            let st = cur.factor_mut(f);
            for (i, ((col, out), &qi)) in b
                .chunks_exact(n)
                .zip(jt.chunks_exact_mut(n))
                .zip(q)
                .enumerate()
            {
                for ((o, &bji), &rj) in out.iter_mut().zip(col).zip(&*r) {
                    *o = bji * qi * rj;
                }
                st[i] = maths::sum(out);
            }
            variant.finish(st);
        }
    }
    Ok(())
}

/// Factor `f`'s transition under action `u` as an `N_f × N_f` column-major matrix over its
/// own previous state: `B` itself for a factor-local transition, else `B` with its other
/// parents averaged under `q` (written into `scratch`).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn conditioned_transition<'a, T: Real, S: Spec>(
    model: &'a Model<T, S>,
    f: usize,
    u: usize,
    q: &Belief<T, S>,
    scratch: &'a mut Pairwise<T, S>,
    joint: &mut S::Joint<T>,
) -> &'a [T] {
    let info = &spec::factors::<S>()[f];
    let cols = model.transition(f, u);
    let p = &info.parents;
    if p.len == 1 {
        return cols;
    }
    let n = info.states;
    // Weights of the other parents: the joint of q over the parents, f's marginal set to 1.
    let mut others = *q;
    others.factor_mut(f).fill(T::ONE);
    others.joint(p, joint.as_mut());
    let w = &joint.as_ref()[..p.joint];
    let stride: usize = p.dims()[info.own_axis + 1..].iter().product();
    let out = scratch.factor_mut(f);
    out.fill(T::ZERO);
    for (k, (col, &wk)) in cols.chunks_exact(n).zip(w).enumerate() {
        if wk != T::ZERO {
            let i = (k / stride) % n;
            maths::axpy(wk, col, &mut out[i * n..(i + 1) * n]);
        }
    }
    out
}
