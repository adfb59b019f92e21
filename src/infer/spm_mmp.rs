//! SPM's marginal message passing (`spm_MDP_VB_X.m`, pymdp's legacy `run_mmp`): a separate,
//! SPM-faithful mode, validated against SPM's MATLAB output rather than pymdp 1.0.4's JAX MMP
//! (which is [`sequence::mmp`](super::sequence::mmp)).
//!
//! The window runs over the `P` valid steps of a [`Window`] (the *past*) followed by the `L`
//! steps of a policy's future actions, `P + L` steps in all. Beliefs start uniform; each of
//! `num_iter` iterations sweeps the steps in order and, within a step, the factors in order,
//! updating every marginal in place (Gauss–Seidel: a message reads the already-updated
//! `q_{t−1}` and the previous iteration's `q_{t+1}`). With `ln x` meaning SPM's
//! `spm_log(x) = ln(x + ε)` (`ε` = [`SpmConfig::log_floor`], `1e−16`), the update of factor `f`
//! at step `t` is:
//!
//! * `lnA = ln E_{q_t∖f}[∏_m A_m(o_{t,m} | s)]` — the likelihood of all modalities together,
//!   averaged over the other factors, then logged (SPM's `spm_dot`, not pymdp's `E[ln A]`);
//!   zero at a future step; a [`MISSING`] modality contributes no factor;
//! * `lnB_past = ln D` (the window's [`prior`](Window::prior)) at `t = 0`, else
//!   `ln(B_f(a_{t−1}) q_{t−1,f})`;
//! * `lnB_future = ln(B̄_f(a_t) q_{t+1,f})` with `B̄ = normalise_columns(Bᵀ + ε)`, and zero for
//!   `t ≥ P + L − 2` (SPM's cut-off: the last two steps get no message from the future);
//! * `c = 1` for `t ≥ P + L − 2`, else `2`;
//! * `err = c·lnA + lnB_past + lnB_future − c·ln q`, then
//!   `ln q ← ln q + τ (err − mean(err))`, `q ← softmax(ln q)` (τ = [`SpmConfig::tau`], `0.25`).
//!
//! The action `a_t` links step `t` to `t + 1`: the window's actions for the past, then
//! `future_actions[0]` from the latest observed step to the first future step, and so on.
//! Transitions must be factor-local (`B_f` conditioned on `f` alone), as in SPM.
//!
//! Cost: the likelihood term enumerates the joint state space of all factors,
//! `∏_g N_g · (F + Σ_m |parents_m|)` operations per step, factor and iteration (SPM's
//! `spm_dot` over the joint likelihood does the same); stack: four beliefs and one step's
//! likelihood rows.

use nalgebra::Const;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::window::{Horizon, Window};
use crate::infer::{check_action, check_prior};
use crate::maths::{self, Real};
use crate::model::{Belief, MISSING, Model};
use crate::spec::{self, Flat, MAX_FACTORS, Spec};

/// SPM's number of variational iterations in `spm_MDP_VB_X` (and pymdp's legacy tests).
pub const SPM_NUM_ITER: usize = 5;
/// SPM's gradient step size: the update is `softmax(ln q + err / 4)`.
pub const SPM_TAU: f64 = 0.25;
/// SPM's `spm_log` floor: `ln(x + 1e−16)` (pymdp's JAX code clips at `MINVAL ≈ 2.2e−16`
/// instead).
pub const SPM_LOG_FLOOR: f64 = 1e-16;

/// The settings of SPM's marginal message passing ([`spm_mmp`]); [`Default`] gives SPM's
/// values ([`SPM_NUM_ITER`], [`SPM_TAU`], [`SPM_LOG_FLOOR`]).
///
/// ```
/// use actinf::inference::SpmConfig;
/// let c = SpmConfig::<f64>::default();
/// assert_eq!((c.num_iter, c.tau, c.log_floor), (5, 0.25, 1e-16));
/// let longer = SpmConfig { num_iter: 16, ..c };
/// assert!(longer.check().is_ok());
/// assert!(SpmConfig { num_iter: 0, ..c }.check().is_err()); // no sweep: ZeroIterations
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpmConfig<T> {
    /// Number of sweeps over the window (no convergence test).
    pub num_iter: usize,
    /// Gradient step size `τ`: `ln q ← ln q + τ (err − mean err)`.
    pub tau: T,
    /// `ε` of every logarithm, `ln(x + ε)`. With `ε = 0` a zero is logged as the smallest
    /// normal `f32` (`ln ≈ −87.3`), so results stay finite.
    pub log_floor: T,
}

impl<T: Real> Default for SpmConfig<T> {
    fn default() -> Self {
        SpmConfig {
            num_iter: SPM_NUM_ITER,
            tau: T::lit(SPM_TAU),
            log_floor: T::lit(SPM_LOG_FLOOR),
        }
    }
}

impl<T: Real> SpmConfig<T> {
    /// Checks that `tau` and `log_floor` are finite and non-negative (an error names the
    /// hyperparameter and its value), and `num_iter` at least 1
    /// ([`Problem::ZeroIterations`]).
    pub fn check(&self) -> Result<(), Error> {
        crate::infer::Sweeps::UpTo(self.num_iter).check()?;
        for (i, (name, v)) in [("tau", self.tau), ("log_floor", self.log_floor)]
            .into_iter()
            .enumerate()
        {
            let problem = if !v.is_finite() {
                Some(Problem::NotFinite { value: v.as_f64() })
            } else if v < T::ZERO {
                Some(Problem::Negative { value: v.as_f64() })
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(Error::new(Tensor::Hyperparameter, i, name, Entry::at(0), p));
            }
        }
        Ok(())
    }
}

/// [`spm_mmp`] over the window's steps only (no future steps), with `num_iter` sweeps and SPM's
/// other settings, the posteriors written into the window (what an agent with the
/// [`SpmMmp`](super::SpmMmp) method runs).
///
/// Errors: as [`spm_mmp`].
pub fn spm_mmp_window<T: Real, S: Spec, const H: usize>(
    model: &Model<T, S>,
    window: &mut Window<T, S, H>,
    num_iter: usize,
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    let config = SpmConfig {
        num_iter,
        ..SpmConfig::default()
    };
    let mut past = *window.beliefs();
    spm_mmp(model, window, &[], &config, &mut past, &mut [])?;
    *window.beliefs_mut() = past;
    Ok(())
}

/// SPM's marginal message passing over the window's valid steps and a policy's future steps
/// (see the [module docs](self)): posteriors for the past into `past` (slot `t` for window
/// slot `t`; padding slots get the window's prior) and for the `L` future steps into
/// `future`. The window itself is not changed, so each policy of a set can be evaluated
/// against the same window. `future_actions[0]` is the action taken after the latest
/// observation (a [pending](Window::pending_action) action of the window is not read).
/// On error the outputs are left untouched.
///
/// Errors: `config` out of range ([`SpmConfig::check`]); a factor whose transition depends on
/// other factors (`B` must have 3 axes, as in SPM); an empty window; a window prior with a
/// negative or non-finite entry; a future action out of range for its factor.
///
/// ```
/// actinf::model! { pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } } }
/// use actinf::{Belief, Model, inference::{SpmConfig, Window, spm_mmp}, list};
/// let model = Model::<f64, Hmm>::new(
///     &list![[[0.92, 0.12], [0.08, 0.88]]],
///     &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]], // B[next][prev][action]
///     &list![[0.0, 0.0]],
///     &list![[0.55, 0.45]],
/// )?;
/// let window = Window::<f64, Hmm, 3>::from_history(*model.d(), [[0], [1], [1]], [[0], [1]])?;
/// let (mut past, mut future) = ([Belief::ZERO; 3], [Belief::ZERO; 1]);
/// spm_mmp(&model, &window, &[[0]], &SpmConfig::default(), &mut past, &mut future)?;
/// // An independent re-implementation of the legacy update gives these values.
/// assert!((past[0].factor(0)[0] - 0.8329610).abs() < 1e-6);
/// assert!((past[2].factor(0)[1] - 0.8260548).abs() < 1e-6);
/// assert!((future[0].factor(0)[0] - 0.3807150).abs() < 1e-6);
/// # Ok::<(), actinf::Error>(())
/// ```
#[allow(
    clippy::indexing_slicing,
    reason = "time steps run below `H` (the window's array length), and `start <= H`; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn spm_mmp<T: Real, S: Spec, const H: usize, const L: usize>(
    model: &Model<T, S>,
    window: &Window<T, S, H>,
    future_actions: &[S::Action; L],
    config: &SpmConfig<T>,
    past: &mut [Belief<T, S>; H],
    future: &mut [Belief<T, S>; L],
) -> Result<(), Error>
where
    Const<H>: Horizon,
{
    config.check()?;
    check_factor_local::<S>()?;
    if window.is_empty() {
        return Err(crate::error::wrong_length(Tensor::Window, 1, 0));
    }
    check_prior(window.prior())?;
    for a in future_actions {
        check_action::<S>(a)?;
    }

    let fs = spec::factors::<S>();
    let (start, len) = (window.start(), window.len());
    let total = len + L;
    let cutoff = total.saturating_sub(2);
    let action = |t: usize| -> &S::Action {
        if t + 1 < len {
            &window.actions().as_ref()[start + t]
        } else {
            &future_actions[t + 1 - len]
        }
    };
    let ln = Ln::new(config.log_floor);

    past[..start].fill(*window.prior());
    past[start..].fill(Belief::uniform());
    future.fill(Belief::uniform());
    let mut steps = Steps {
        past: &mut past[start..],
        future: &mut future[..],
    };

    let mut rows = <S::Tensors<T> as Flat<T>>::ZERO;
    let mut scratch = Scratch::<T, S>::ZERO;
    for _ in 0..config.num_iter {
        for t in 0..total {
            let obs = (t < len).then(|| &window.observations()[start + t]);
            if let Some(o) = obs {
                likelihood_rows(model, o, &mut rows);
            }
            let coeff = if t >= cutoff { T::ONE } else { T::lit(2.0) };
            for (f, info) in fs.iter().enumerate() {
                let n = info.states;
                let r = info.range();
                // Likelihood: ln E_{q_t∖f}[P(o_t | s)], zero in the future.
                let ln_a = &mut scratch.ln_a.as_mut()[r.clone()];
                match obs {
                    Some(o) => {
                        expected_likelihood::<T, S>(o, &rows, steps.get(t), f, ln_a);
                        ln.apply(ln_a);
                    }
                    None => ln_a.fill(T::ZERO),
                }
                // From the past: the prior at the first step, else B(a_{t−1}) q_{t−1}.
                let past_msg = &mut scratch.past.as_mut()[r.clone()];
                if t == 0 {
                    past_msg.copy_from_slice(window.prior().factor(f));
                } else {
                    let u = action(t - 1).as_ref()[f];
                    maths::mix_columns(
                        model.transition(f, u),
                        steps.get(t - 1).factor(f),
                        past_msg,
                    );
                }
                ln.apply(past_msg);
                // From the future: B̄(a_t) q_{t+1}, none from the last two steps.
                let future_msg = &mut scratch.future.as_mut()[r.clone()];
                if t >= cutoff {
                    future_msg.fill(T::ZERO);
                } else {
                    let u = action(t).as_ref()[f];
                    let row_sums = &mut scratch.row_sums.as_mut()[r.clone()];
                    backward(
                        model.transition(f, u),
                        steps.get(t + 1).factor(f),
                        config.log_floor,
                        row_sums,
                        future_msg,
                    );
                    ln.apply(future_msg);
                }
                // Gradient step on ln q, then softmax.
                let q = steps.get_mut(t).factor_mut(f);
                let err = &mut scratch.err.as_mut()[r];
                let mut total_err = T::ZERO;
                for i in 0..n {
                    let ln_q = ln.of(q[i]);
                    let e = (coeff * ln_a[i] + past_msg[i] + future_msg[i]) - coeff * ln_q;
                    err[i] = e;
                    total_err += e;
                    q[i] = ln_q;
                }
                let mean = if n > 0 {
                    total_err / T::lit(n as f64)
                } else {
                    T::ZERO
                };
                for (x, &e) in q.iter_mut().zip(err.iter()) {
                    *x += config.tau * (e - mean);
                }
                maths::softmax_in_place(q);
            }
        }
    }
    Ok(())
}

/// SPM's MMP needs factor-local transitions: `B_f` conditioned on `f` alone.
fn check_factor_local<S: Spec>() -> Result<(), Error> {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if info.parents.len != 1 {
            return Err(Error::new(
                Tensor::B,
                f,
                info.name,
                Entry::at(0),
                Problem::WrongRank {
                    expected: 3,
                    found: info.parents.len + 2,
                },
            ));
        }
    }
    Ok(())
}

/// SPM's `spm_log`: `ln(x + ε)`, guarded so that `ε = 0` never logs a zero.
#[derive(Clone, Copy)]
struct Ln<T> {
    floor: T,
    tiny: T,
}

impl<T: Real> Ln<T> {
    fn new(floor: T) -> Self {
        Ln {
            floor,
            tiny: T::lit(f32::MIN_POSITIVE as f64),
        }
    }

    #[inline]
    fn of(self, x: T) -> T {
        (x + self.floor).max(self.tiny).ln()
    }

    fn apply(self, x: &mut [T]) {
        for v in x {
            *v = self.of(*v);
        }
    }
}

/// The steps of the inference window: the past's valid slots, then the future.
struct Steps<'a, T: Real, S: Spec> {
    past: &'a mut [Belief<T, S>],
    future: &'a mut [Belief<T, S>],
}

impl<T: Real, S: Spec> Steps<'_, T, S> {
    #[allow(
        clippy::indexing_slicing,
        reason = "`t < H` and the factor's range from the layout"
    )]
    fn get(&self, t: usize) -> &Belief<T, S> {
        match t.checked_sub(self.past.len()) {
            None => &self.past[t],
            Some(k) => &self.future[k],
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "`t < H` and the factor's range from the layout"
    )]
    fn get_mut(&mut self, t: usize) -> &mut Belief<T, S> {
        match t.checked_sub(self.past.len()) {
            None => &mut self.past[t],
            Some(k) => &mut self.future[k],
        }
    }
}

/// Per-factor vectors of one update (the slot of the factor being updated is used).
struct Scratch<T: Real, S: Spec> {
    ln_a: S::States<T>,
    past: S::States<T>,
    future: S::States<T>,
    row_sums: S::States<T>,
    err: S::States<T>,
}

impl<T: Real, S: Spec> Scratch<T, S> {
    const ZERO: Self = Scratch {
        ln_a: <S::States<T> as Flat<T>>::ZERO,
        past: <S::States<T> as Flat<T>>::ZERO,
        future: <S::States<T> as Flat<T>>::ZERO,
        row_sums: <S::States<T> as Flat<T>>::ZERO,
        err: <S::States<T> as Flat<T>>::ZERO,
    };
}

/// `rows_m[j] = A_m[o_m, j]` for every observed modality (a row of `A`, not of `ln A`).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn likelihood_rows<T: Real, S: Spec>(
    model: &Model<T, S>,
    obs: &S::Observation,
    rows: &mut S::Tensors<T>,
) {
    for (m, (info, &o)) in spec::modalities::<S>().iter().zip(obs.as_ref()).enumerate() {
        if o == MISSING {
            continue;
        }
        let row = &mut rows.as_mut()[info.tensor_range()];
        for (x, col) in row
            .iter_mut()
            .zip(model.likelihood(m).chunks_exact(info.outcomes))
        {
            *x = col[o];
        }
    }
}

/// `out(s_f) = Σ_{s∖f} ∏_{g≠f} q_g(s_g) ∏_m A_m(o_m | s)` over the joint states of all
/// factors (SPM's `spm_dot` of the joint likelihood with every marginal but `f`'s); a
/// [`MISSING`] modality is left out of the product. Joint states of zero weight are skipped.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn expected_likelihood<T: Real, S: Spec>(
    obs: &S::Observation,
    rows: &S::Tensors<T>,
    q: &Belief<T, S>,
    f: usize,
    out: &mut [T],
) {
    let fs = spec::factors::<S>();
    let ms = spec::modalities::<S>();
    let o = obs.as_ref();
    out.fill(T::ZERO);
    let mut s = [0usize; MAX_FACTORS];
    loop {
        let mut w = T::ONE;
        for (g, &sg) in s.iter().enumerate().take(fs.len()) {
            if g != f {
                w *= q.factor(g)[sg];
            }
        }
        if w != T::ZERO {
            for (x, acc) in out.iter_mut().enumerate() {
                s[f] = x;
                let mut p = T::ONE;
                for (info, &om) in ms.iter().zip(o) {
                    if om == MISSING {
                        continue;
                    }
                    let mut j = 0;
                    for (&id, &d) in info.parents.ids().iter().zip(info.parents.dims()) {
                        j = j * d + s[id];
                    }
                    p *= rows.as_ref()[info.tensor_offset + j];
                }
                *acc += w * p;
            }
            s[f] = 0;
        }
        // Next joint state of the other factors (last factor fastest); done when it wraps.
        let mut wrapped = true;
        for g in (0..fs.len()).rev() {
            if g == f {
                continue;
            }
            s[g] += 1;
            if s[g] < fs[g].states {
                wrapped = false;
                break;
            }
            s[g] = 0;
        }
        if wrapped {
            return;
        }
    }
}

/// SPM's message from the future: `out[p] = Σ_n B̄[p, n] q_next[n]` with
/// `B̄[p, n] = (B[n, p] + ε) / Σ_p' (B[n, p'] + ε)` (legacy `spm_norm(Bᵀ)`), `B` given by
/// columns (`cols[p·N + n] = B[n, p]`). A row of `B` whose sum is 0 (possible only with
/// `ε = 0`) gives a uniform row of `B̄ᵀ`, the `ε → 0` limit.
fn backward<T: Real>(cols: &[T], q_next: &[T], eps: T, row_sums: &mut [T], out: &mut [T]) {
    let n = q_next.len();
    row_sums.fill(T::ZERO);
    for col in cols.chunks_exact(n) {
        for (r, &b) in row_sums.iter_mut().zip(col) {
            *r += b + eps;
        }
    }
    let uniform = if n > 0 {
        T::ONE / T::lit(n as f64)
    } else {
        T::ZERO
    };
    for (o, col) in out.iter_mut().zip(cols.chunks_exact(n)) {
        let mut acc = T::ZERO;
        for ((&b, &r), &qn) in col.iter().zip(row_sums.iter()).zip(q_next) {
            let bar = if r > T::ZERO { (b + eps) / r } else { uniform };
            acc += bar * qn;
        }
        *o = acc;
    }
}
