//! Long-horizon planning by backward induction over hidden states: the dynamic-programming
//! expected free energy of Paul, Sajid, Da Costa & Razi, "On efficient computation in active
//! inference" (arXiv 2307.00504), in pymdp's sign and terms. Cost `O(HORIZON · NS · NP · k)`
//! (`k` the non-zero entries of a transition column), not `O(NP^HORIZON)`.
//!
//! # What it computes
//!
//! For a hidden state `s` (joint over the factors) and an action `u` (a policy of length 1),
//! the one-step value is pymdp's neg EFE of the belief predicted from the point belief `δ_s`:
//!
//! ```text
//! r(s, u) = U(q') + IG(q'),   q' = B(u) · δ_s
//! ```
//!
//! (utility `Σ_m qo_m · C_m` and state information gain, each when the agent's configuration
//! uses it; no parameter information gain, habits or inductive term). Values are backed up
//! through the transitions, each future state choosing its own action (closed loop):
//!
//! ```text
//! Q_1(s, u) = r(s, u)
//! Q_h(s, u) = r(s, u) + Σ_{s'} B(s' | s, u) · V_{h−1}(s')
//! V_h(s)    = max_u Q_h(s, u)                      (Backup::Max)
//!           = Σ_u softmax(γ_b · Q_h(s, ·))_u Q_h(s, u)   (Backup::Softmax { γ_b }, as SI)
//! ```
//!
//! and the plan for the current belief `q` (mean-field, its joint `q(s) = Π_f q_f(s_f)`) is
//! `neg_efe(u) = Σ_s q(s) · Q_HORIZON(s, u)`, with `q_π = softmax(γ · neg_efe)` as usual.
//!
//! # Against pymdp's open-loop EFE
//!
//! pymdp scores fixed action sequences from the current *belief*; this scores *states*, each
//! future state picking its best action. The two coincide at horizon 1 for a one-hot belief
//! (`neg_efe(u) = r(s, u)` is then exactly pymdp's neg EFE of the policy `[u]`). For a belief
//! spread over several states they differ even at horizon 1, because the information gain is
//! not linear in the belief (`IG(B(u)·q) ≠ Σ_s q(s) · IG(B(u)·δ_s)`); and at longer horizons
//! because the future may react to states (closed loop), which an open-loop sequence cannot.
//! Information gain about states is counted through `r` only: the planner does not predict how
//! future observations sharpen beliefs (that is sophisticated inference's tree).
//!
//! # Memory
//!
//! [`BackwardInduction`] holds `r` (`NS · NP` values) and two value vectors (`2 · NS`): for the
//! 7×7 grid (49 states, 5 actions) in `f64`, 2.7 KiB. Nothing else is allocated; the work is a
//! fixed `HORIZON · NS · NP` backups plus `NS · NP` one-step EFE evaluations per plan.

use nalgebra::{Const, SVector};
use rand::Rng;

use crate::agent::actor::Actor;
use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::{Horizon, Window};
use crate::maths::Real;
use crate::model::{Belief, Model};
use crate::plan::efe::{Efe, Terms, policy_posterior_into};
use crate::rollout::Planner;
use crate::spec::{self, IndexArray, Spec};

/// How a state's value is backed up from its actions' values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backup<T> {
    /// The best action (`V(s) = max_u Q(s, u)`): Bellman's backup.
    Max,
    /// The expected value under `softmax(γ_b · Q(s, ·))`, as sophisticated inference backs up
    /// its tree (`γ_b > 0`, finite).
    Softmax(T),
}

/// The joint number of hidden states of `S` (`Π_f N_f`).
#[allow(
    clippy::indexing_slicing,
    reason = "`f < num_factors <= MAX_FACTORS`, the length of `factors` (a const fn: no iterators)"
)]
pub const fn joint_states<S: Spec>() -> usize {
    let layout = spec::layout_value::<S>();
    let mut n = 1;
    let mut f = 0;
    while f < layout.num_factors {
        n *= layout.factors[f].states;
        f += 1;
    }
    n
}

/// A backward-induction planner for models with `NS` joint hidden states and agents with `NP`
/// policies of length 1, planning `HORIZON` steps ahead; see the [module docs](self) for what
/// it computes. It implements [`Planner`] for the [`rollout`](crate::rollout) loop and has a
/// plain [`plan`](Self::plan) for use without one.
///
/// ```
/// use actinf::plan::backward::{Backup, BackwardInduction};
/// use actinf::{Agent, Config, Model, list};
/// actinf::model! {
///     /// A corridor of 6 cells: left, stay or right; the cell is seen exactly.
///     pub Corridor { factors { Cell: 6 controlled_by 3 } modalities { Seen: 6 depends_on [Cell] } }
/// }
/// let a: [[f64; 6]; 6] = core::array::from_fn(|o| core::array::from_fn(|s| (o == s) as u8 as f64));
/// let b: [[[f64; 3]; 6]; 6] = core::array::from_fn(|next| core::array::from_fn(|s| {
///     core::array::from_fn(|u| ((s + u).saturating_sub(1).min(5) == next) as u8 as f64)
/// }));
/// let mut c = [0.0; 6];
/// c[5] = 1.0; // the last cell is the goal
/// let model = Model::<f64, Corridor>::new(&list![a], &list![b], &list![c], &list![[1.0, 0., 0., 0., 0., 0.]])?;
/// // 5 steps to the goal: 3 actions, horizon 8 (pymdp would enumerate 3^8 = 6561 policies).
/// let mut planner = BackwardInduction::<f64, 6, 3, 8>::new(Backup::Max)?;
/// let mut neg_efe = [0.0; 3];
/// planner.plan(&model, &[[0], [1], [2]], Config::default().use_states_info_gain(false), model.d(), &mut neg_efe)?;
/// // Right: at the goal from step 5 to 8. Left (into the wall) or stay: from step 6.
/// assert_eq!(neg_efe, [3.0, 3.0, 4.0]);
/// # Ok::<(), actinf::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BackwardInduction<T: Real, const NS: usize, const NP: usize, const HORIZON: usize> {
    backup: Backup<T>,
    reward: [[T; NP]; NS],
    value: [T; NS],
    previous: [T; NS],
}

impl<T: Real, const NS: usize, const NP: usize, const HORIZON: usize>
    BackwardInduction<T, NS, NP, HORIZON>
{
    /// A planner with the given backup.
    ///
    /// Errors: a softmax precision that is not positive and finite.
    pub fn new(backup: Backup<T>) -> Result<Self, Error> {
        const { assert!(HORIZON >= 1, "the planning horizon must be at least 1") };
        if let Backup::Softmax(g) = backup
            && !(g.is_finite() && g > T::ZERO)
        {
            return Err(Error::new(
                Tensor::Hyperparameter,
                0,
                "backup precision",
                Entry::at(0),
                if g.is_finite() {
                    Problem::Negative { value: g.as_f64() }
                } else {
                    Problem::NotFinite { value: g.as_f64() }
                },
            ));
        }
        Ok(BackwardInduction {
            backup,
            reward: [[T::ZERO; NP]; NS],
            value: [T::ZERO; NS],
            previous: [T::ZERO; NS],
        })
    }

    /// The one-step values `r(s, u)` of the last plan (state-major).
    pub fn rewards(&self) -> &[[T; NP]; NS] {
        &self.reward
    }

    /// `V_{HORIZON−1}(s)` of the last plan: each state's value with one step fewer to go.
    pub fn values(&self) -> &[T; NS] {
        &self.value
    }

    /// `neg_efe(u) = Σ_s q(s) · Q_HORIZON(s, u)` for the belief `q` and the actions `actions`
    /// (policy `k` is the single action `actions[k]`), with the EFE terms `config` asks for
    /// (utility, state information gain).
    ///
    /// Errors: an action out of range; a belief with a negative or non-finite entry.
    pub fn plan<S: Spec>(
        &mut self,
        model: &Model<T, S>,
        actions: &[S::Action; NP],
        config: crate::Config<T>,
        belief: &Belief<T, S>,
        neg_efe: &mut [T; NP],
    ) -> Result<(), Error> {
        const {
            assert!(
                joint_states::<S>() == NS,
                "NS must be the model's joint number of hidden states (the product of its factors' states)"
            )
        };
        for a in actions {
            crate::infer::prior::check_action::<S>(a)?;
        }
        belief.check(Tensor::Belief, false)?;
        let terms = Terms {
            utility: config.use_utility,
            states_info_gain: config.use_states_info_gain,
            param_info_gain: false,
        };
        let efe = Efe::<T, S, 1>::new(model, terms);
        let mut point = Belief::<T, S>::ZERO;
        let mut next = Belief::<T, S>::ZERO;
        let mut state = S::Action::ZEROS;
        for (s, reward) in self.reward.iter_mut().enumerate() {
            decode_state::<S>(s, &mut state);
            one_hot(&state, &mut point);
            for (r, a) in reward.iter_mut().zip(actions) {
                let t = efe.step(0, a, &point, &mut next);
                *r = t.utility + t.states_info_gain;
            }
        }

        self.value = [T::ZERO; NS];
        for _ in 1..HORIZON {
            core::mem::swap(&mut self.value, &mut self.previous);
            for (s, (value, reward)) in self.value.iter_mut().zip(&self.reward).enumerate() {
                decode_state::<S>(s, &mut state);
                let mut q = [T::ZERO; NP];
                for ((q, &r), a) in q.iter_mut().zip(reward).zip(actions) {
                    *q = r + expected_value(model, &state, a, &self.previous);
                }
                *value = back_up(&q, self.backup);
            }
        }

        *neg_efe = [T::ZERO; NP];
        for (s, reward) in self.reward.iter().enumerate() {
            decode_state::<S>(s, &mut state);
            let w = joint_weight(belief, &state);
            if w == T::ZERO {
                continue;
            }
            for ((out, &r), a) in neg_efe.iter_mut().zip(reward).zip(actions) {
                let q = r + if HORIZON > 1 {
                    expected_value(model, &state, a, &self.value)
                } else {
                    T::ZERO
                };
                *out += w * q;
            }
        }
        Ok(())
    }
}

/// The per-factor indices of joint state `s` (C order: the last factor fastest).
fn decode_state<S: Spec>(mut s: usize, out: &mut S::Action) {
    for (x, info) in out.as_mut().iter_mut().zip(spec::factors::<S>()).rev() {
        let n = info.states;
        *x = s % n;
        s /= n;
    }
}

fn one_hot<T: Real, S: Spec>(state: &S::Action, out: &mut Belief<T, S>) {
    *out = Belief::ZERO;
    for (f, &s) in state.as_ref().iter().enumerate() {
        // `s < N_f` (`decode_state`).
        if let Some(x) = out.factor_mut(f).get_mut(s) {
            *x = T::ONE;
        }
    }
}

fn joint_weight<T: Real, S: Spec>(belief: &Belief<T, S>, state: &S::Action) -> T {
    let mut w = T::ONE;
    for (f, &s) in state.as_ref().iter().enumerate() {
        // `s < N_f` (`decode_state`).
        w *= belief.factor(f).get(s).copied().unwrap_or(T::ZERO);
        if w == T::ZERO {
            break;
        }
    }
    w
}

/// `Σ_{s'} B(s' | s, u) · V(s')`, the next state's factors drawn independently given the
/// current joint state (each from its own column), zero weights skipped.
#[allow(
    clippy::indexing_slicing,
    reason = "the state comes from `decode_state`, the action was checked by `plan` \
              (`check_action`), and the columns' offsets come from the compile-time Layout"
)]
fn expected_value<T: Real, S: Spec, const NS: usize>(
    model: &Model<T, S>,
    state: &S::Action,
    action: &S::Action,
    value: &[T; NS],
) -> T {
    let fs = spec::factors::<S>();
    let current = state.as_ref();
    // Column of B_f for this state and action, per factor.
    let mut columns: [&[T]; spec::MAX_FACTORS] = [&[]; spec::MAX_FACTORS];
    for (f, info) in fs.iter().enumerate() {
        let j = info.parents.joint_index(current);
        columns[f] = &model.transition(f, action.as_ref()[f])[j * info.states..][..info.states];
    }
    sum_product(&columns[..fs.len()], value, 0, T::ONE)
}

fn sum_product<T: Real>(columns: &[&[T]], value: &[T], base: usize, weight: T) -> T {
    match columns.split_first() {
        // `base < Π_f N_f = NS` (asserted by `plan`), the length of `value`.
        None => weight * value.get(base).copied().unwrap_or(T::ZERO),
        Some((col, rest)) => {
            let stride: usize = rest.iter().map(|c| c.len()).product();
            let mut total = T::ZERO;
            for (i, &p) in col.iter().enumerate() {
                if p != T::ZERO {
                    total += sum_product(rest, value, base + i * stride, weight * p);
                }
            }
            total
        }
    }
}

fn back_up<T: Real>(q: &[T], backup: Backup<T>) -> T {
    let max = q.iter().copied().fold(T::lit(f64::NEG_INFINITY), T::max);
    match backup {
        Backup::Max => max,
        Backup::Softmax(g) => {
            let (mut z, mut acc) = (T::ZERO, T::ZERO);
            for &x in q {
                let e = (g * (x - max)).exp();
                z += e;
                acc += e * x;
            }
            acc / z
        }
    }
}

impl<T, S, const NS: usize, const NP: usize, const HORIZON: usize, const B: usize, const H: usize>
    Planner<T, S, NP, B, H> for BackwardInduction<T, NS, NP, HORIZON>
where
    T: Real,
    S: Spec,
    Const<H>: Horizon,
{
    /// Plans each agent from its latest belief; `q_π = softmax(γ · neg_efe)` with the agent's
    /// γ (habits are not applied). Policies must have length 1 (a compile error otherwise).
    fn plan<A: Actor<T, S, NP, B, H>, R: Rng + ?Sized>(
        &mut self,
        agent: &A,
        windows: &[Window<T, S, H>; B],
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
        _rng: &mut R,
    ) -> Result<(), Error> {
        const {
            assert!(
                A::POLICY_LEN == 1,
                "backward induction plans single actions: give the agent policies of length 1 (L = 1); the planner's HORIZON is how far it looks"
            )
        };
        let actions: [S::Action; NP] = core::array::from_fn(|k| agent.first_action(k));
        let slots = windows.iter().zip(q_pi.iter_mut()).zip(neg_efe.iter_mut());
        for (b, ((window, q_pi), neg_efe)) in slots.enumerate() {
            let mut out = [T::ZERO; NP];
            BackwardInduction::plan(
                self,
                agent.model(b),
                &actions,
                *agent.config(b),
                window.latest(),
                &mut out,
            )
            .map_err(|e| e.in_agent(b))?;
            neg_efe.as_mut_slice().copy_from_slice(&out);
            policy_posterior_into(&out, agent.config(b).gamma, None, q_pi.as_mut_slice());
        }
        Ok(())
    }
}
