//! Expected free energy and the policy posterior (pymdp `infer_policies`).
//!
//! For a policy `π` and current beliefs `q_0`, step `t` rolls beliefs forward with `B` only
//! (no observation conditioning) and scores the predicted outcomes:
//!
//! * `q_{t+1,f} = Σ B_f[·, s_deps, π_t,f] ∏ q_{t,d}` and `qo_m = A_m · q_{t+1}`;
//! * utility `U_t = Σ_m qo_m · C_m[t]` (`C` used raw, optionally per step);
//! * state information gain `IG_t = Σ_m [H(qo_m) − Σ_s H(A_m[:, s]) ∏ q_{t+1}]`;
//! * parameter information gain from `pA` (`nA_t = Σ_m qo_m · W_A q_{t+1}`) and `pB`
//!   (`nB_t = Σ_f q_{t+1,f} · W_B[u] q_t`, parents *before* the step), both ≤ 0;
//!
//! and `neg_efe(π) = Σ_t [U_t + IG_t − nA_t − nB_t]` with each term behind its flag. Then
//! `q_π = softmax(γ · neg_efe + ln max(E, MINVAL))`.
//!
//! Policies that share their first `k` steps share `q_1 … q_k` and those steps' terms; the
//! evaluation reuses them (exactly: the same operations in the same order), so a full table
//! costs about `NP · (1 + 1/U + 1/U² …)` steps instead of `NP · L`.

use crate::infer::prior::predict_factor;
use crate::maths::{self, Real};
use crate::model::{Belief, Model, NoveltyA, NoveltyB};
use crate::plan::policy::PolicySet;
use crate::spec::{self, Flat, Spec};

/// The terms of the expected free energy at one step of one policy (pymdp's per-policy terms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EfeTerms<T> {
    /// Expected utility `Σ_m qo_m · C_m`.
    pub utility: T,
    /// State information gain (epistemic value).
    pub states_info_gain: T,
    /// `Σ_m qo_m · W_A q` (≤ 0): minus the novelty of `A`.
    pub neg_pa_info_gain: T,
    /// `Σ_f q' · W_B q` (≤ 0): minus the novelty of `B`.
    pub neg_pb_info_gain: T,
}

impl<T: Real> EfeTerms<T> {
    /// All terms zero.
    pub const ZERO: Self = EfeTerms {
        utility: T::ZERO,
        states_info_gain: T::ZERO,
        neg_pa_info_gain: T::ZERO,
        neg_pb_info_gain: T::ZERO,
    };
    /// All terms zero.
    pub fn zero() -> Self {
        Self::ZERO
    }
    /// `utility + states_info_gain − neg_pa_info_gain − neg_pb_info_gain`.
    #[inline]
    pub fn neg_efe(&self) -> T {
        self.utility + self.states_info_gain - self.neg_pa_info_gain - self.neg_pb_info_gain
    }
}

/// Which terms to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    /// Expected utility.
    pub utility: bool,
    /// State information gain.
    pub states_info_gain: bool,
    /// Parameter information gain (only where novelty weights are given).
    pub param_info_gain: bool,
}

impl Terms {
    /// Every term.
    pub const ALL: Terms = Terms {
        utility: true,
        states_info_gain: true,
        param_info_gain: true,
    };
}

/// Everything the EFE needs besides the beliefs: the model, the preferences at each planning
/// step, and the novelty weights `W(pA)`, `W(pB)` (when parameter information gain is wanted).
pub struct Efe<'a, T: Real, S: Spec, const L: usize> {
    /// The generative model (its cached `H[A]` and the structure of `B` are used).
    pub model: &'a Model<T, S>,
    /// `C[t]` for each planning step (flat, like [`Model::c`]).
    pub c: [&'a [T]; L],
    /// Novelty weights of `pA`, if used.
    pub novelty_a: Option<&'a NoveltyA<T, S>>,
    /// Novelty weights of `pB`, if used.
    pub novelty_b: Option<&'a NoveltyB<T, S>>,
    /// Which terms to compute.
    pub terms: Terms,
}

/// Scratch space of one policy evaluation, on the stack: `O(Σ N_f + Σ NO_m + max J)`.
struct Scratch<T: Real, S: Spec> {
    joint: S::Joint<T>,
    joint_prev: S::Joint<T>,
    qo: S::Outcomes<T>,
    wq: S::Outcomes<T>,
}

impl<T: Real, S: Spec> Scratch<T, S> {
    const ZERO: Self = Scratch {
        joint: <S::Joint<T> as Flat<T>>::ZERO,
        joint_prev: <S::Joint<T> as Flat<T>>::ZERO,
        qo: <S::Outcomes<T> as Flat<T>>::ZERO,
        wq: <S::Outcomes<T> as Flat<T>>::ZERO,
    };
}

impl<'a, T: Real, S: Spec, const L: usize> Efe<'a, T, S, L> {
    /// The model's own `C` at every step, no novelty, the given terms.
    pub fn new(model: &'a Model<T, S>, terms: Terms) -> Self {
        Efe {
            model,
            c: [model.c(); L],
            novelty_a: None,
            novelty_b: None,
            terms,
        }
    }

    /// One step: the next beliefs under `action` (written into `next`) and that step's terms.
    pub fn step(
        &self,
        t: usize,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &mut Belief<T, S>,
    ) -> EfeTerms<T> {
        let mut scratch = Scratch::<T, S>::ZERO;
        self.step_with(t, action, q, next, &mut scratch)
    }

    #[inline]
    fn step_with(
        &self,
        t: usize,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &mut Belief<T, S>,
        sc: &mut Scratch<T, S>,
    ) -> EfeTerms<T> {
        let model = self.model;
        let fs = spec::factors::<S>();
        for (f, &u) in action.as_ref().iter().enumerate() {
            let r = fs[f].range();
            predict_factor(model, f, u, q, &mut sc.joint, &mut next.as_mut_slice()[r]);
        }
        let mut terms = EfeTerms::ZERO;
        let want_novelty_a = self.terms.param_info_gain && self.novelty_a.is_some();
        if !(self.terms.utility || self.terms.states_info_gain || want_novelty_a) {
            return self.novelty_b_term(action, q, next, sc, terms);
        }
        let c = self.c[t];
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            let j = info.parents.joint;
            let w: &[T] = if info.parents.len == 1 {
                next.factor(info.parents.ids[0])
            } else {
                next.joint(&info.parents, sc.joint.as_mut());
                &sc.joint.as_ref()[..j]
            };
            let qo = &mut sc.qo.as_mut()[info.range()];
            maths::matvec(model.likelihood(m), w, qo);
            if self.terms.utility {
                terms.utility += maths::dot(qo, &c[info.range()]);
            }
            if self.terms.states_info_gain {
                let h_qo = -maths::xlogx_sum(qo);
                let ambiguity = maths::dot(model.column_entropies(m), w);
                terms.states_info_gain += h_qo - ambiguity;
            }
            if let (true, Some(wa)) = (want_novelty_a, self.novelty_a) {
                let wq = &mut sc.wq.as_mut()[info.range()];
                maths::matvec(wa.modality(m), w, wq);
                terms.neg_pa_info_gain += maths::dot(qo, wq);
            }
        }
        self.novelty_b_term(action, q, next, sc, terms)
    }

    #[inline]
    fn novelty_b_term(
        &self,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &Belief<T, S>,
        sc: &mut Scratch<T, S>,
        mut terms: EfeTerms<T>,
    ) -> EfeTerms<T> {
        if !self.terms.param_info_gain {
            return terms;
        }
        let Some(wb) = self.novelty_b else {
            return terms;
        };
        for (f, (&u, info)) in action.as_ref().iter().zip(spec::factors::<S>()).enumerate() {
            let j = info.parents.joint;
            q.joint(&info.parents, sc.joint_prev.as_mut());
            // W_B[u] · joint_prev, dotted with the predicted marginal, one row at a time.
            let wbu = wb.transition(f, u);
            let qn = next.factor(f);
            let mut acc = T::ZERO;
            for (row, &p) in wbu.chunks_exact(j).zip(qn) {
                acc += p * maths::dot(row, &sc.joint_prev.as_ref()[..j]);
            }
            terms.neg_pb_info_gain += acc;
        }
        terms
    }

    /// Evaluates every policy from `q0`, calling `emit(k, terms)` with policy `k`'s per-step
    /// terms, reusing the steps shared with the previous policy in the table.
    pub fn for_each_policy<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        mut emit: impl FnMut(usize, &[EfeTerms<T>; L]),
    ) {
        let mut states = [Belief::<T, S>::ZERO; L];
        let mut terms = [EfeTerms::<T>::ZERO; L];
        let mut prev = [usize::MAX; L];
        let mut sc = Scratch::<T, S>::ZERO;
        for k in 0..NP {
            let mut shared = 0;
            while shared < L && policies.joint(k, shared) == prev[shared] {
                shared += 1;
            }
            for t in shared..L {
                let joint = policies.joint(k, t);
                prev[t] = joint;
                let action = crate::plan::policy::decode::<S>(joint);
                let (before, rest) = states.split_at_mut(t);
                let q = if t == 0 { q0 } else { &before[t - 1] };
                terms[t] = self.step_with(t, &action, q, &mut rest[0], &mut sc);
            }
            emit(k, &terms);
        }
    }

    /// `neg_efe` for every policy, written into `out`.
    pub fn neg_efe_into<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        out: &mut [T; NP],
    ) {
        self.for_each_policy(policies, q0, |k, terms| {
            out[k] = terms.iter().fold(T::ZERO, |acc, t| acc + t.neg_efe());
        });
    }
}

/// `q_π = softmax(γ · neg_efe + ln max(E, MINVAL))`, into `out`. `ln_e = None` stands for a
/// uniform `E` (`ln(1/NP)` for every policy, as pymdp adds it).
pub fn policy_posterior_into<T: Real>(neg_efe: &[T], gamma: T, ln_e: Option<&[T]>, out: &mut [T]) {
    match ln_e {
        Some(ln_e) => {
            for ((o, &g), &e) in out.iter_mut().zip(neg_efe).zip(ln_e) {
                *o = gamma * g + e;
            }
        }
        None => {
            let e = maths::log_stable(T::ONE / T::lit(neg_efe.len() as f64));
            for (o, &g) in out.iter_mut().zip(neg_efe) {
                *o = gamma * g + e;
            }
        }
    }
    maths::softmax_in_place(out);
}
