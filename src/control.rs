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

use nalgebra::SVector;

use crate::belief::Belief;
use crate::model::Model;
use crate::policy::Policies;
use crate::real::Real;
use crate::spec::{ModalityList, Spec, TransitionList};
use crate::types::{LikelihoodOf, OutcomesOf, TransitionsOf};

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

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
    pub fn zero() -> Self {
        EfeTerms {
            utility: T::zero(),
            states_info_gain: T::zero(),
            neg_pa_info_gain: T::zero(),
            neg_pb_info_gain: T::zero(),
        }
    }
    /// `utility + states_info_gain − neg_pa_info_gain − neg_pb_info_gain`.
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

/// Everything the EFE needs besides the beliefs: the model, per-step preferences and the
/// novelty weights `W(pA)`, `W(pB)` (when parameter information gain is wanted).
pub struct EfeModel<'a, T: Real, S: Spec, const L: usize> {
    /// The generative model (its cached `H[A]` is used).
    pub model: &'a Model<T, S>,
    /// `C[t]` for each planning step.
    pub c: &'a [OutcomesOf<T, S>; L],
    /// Novelty weights of `pA`, if used.
    pub wa: Option<&'a LikelihoodOf<T, S>>,
    /// Novelty weights of `pB`, if used.
    pub wb: Option<&'a TransitionsOf<T, S>>,
    /// Which terms to compute.
    pub terms: Terms,
}

impl<T: Real, S: Spec, const L: usize> EfeModel<'_, T, S, L> {
    /// One step: the next beliefs under `action` and that step's terms.
    #[inline]
    pub fn step(
        &self,
        t: usize,
        action: &S::Action,
        q: &Belief<T, S>,
    ) -> (Belief<T, S>, EfeTerms<T>) {
        let m = self.model;
        let mut next = *q;
        <Fs<S> as TransitionList<Fs<S>>>::predict(m.b(), action.as_ref(), &q.0, &mut next.0);
        let qo = <Ms<S> as ModalityList<Fs<S>>>::predict(m.a(), &next.0);
        let mut terms = EfeTerms::zero();
        if self.terms.utility {
            terms.utility = <Ms<S> as ModalityList<Fs<S>>>::dot(&qo, &self.c[t]);
        }
        if self.terms.states_info_gain {
            let h_qo = <Ms<S> as ModalityList<Fs<S>>>::outcome_entropy(&qo);
            let ambiguity = <Ms<S> as ModalityList<Fs<S>>>::contract(m.h_a(), &next.0);
            terms.states_info_gain = h_qo - ambiguity;
        }
        if self.terms.param_info_gain {
            if let Some(wa) = self.wa {
                terms.neg_pa_info_gain = <Ms<S> as ModalityList<Fs<S>>>::novelty(wa, &qo, &next.0);
            }
            if let Some(wb) = self.wb {
                terms.neg_pb_info_gain =
                    <Fs<S> as TransitionList<Fs<S>>>::novelty(wb, action.as_ref(), &q.0, &next.0);
            }
        }
        (next, terms)
    }

    /// Evaluates every policy from `q0`, calling `emit(k, terms)` with policy `k`'s per-step
    /// terms, reusing the steps shared with the previous policy in the table.
    pub fn for_each_policy<const NP: usize>(
        &self,
        policies: &Policies<S, L, NP>,
        q0: &Belief<T, S>,
        mut emit: impl FnMut(usize, &[EfeTerms<T>; L]),
    ) {
        let mut states = [*q0; L];
        let mut terms = [EfeTerms::<T>::zero(); L];
        let mut prev: Option<&[S::Action; L]> = None;
        for k in 0..NP {
            let pol = policies.get(k);
            let shared = match prev {
                Some(p) => p.iter().zip(pol.iter()).take_while(|(a, b)| a == b).count(),
                None => 0,
            };
            for t in shared..L {
                let q = if t == 0 { *q0 } else { states[t - 1] };
                let (next, tt) = self.step(t, &pol[t], &q);
                states[t] = next;
                terms[t] = tt;
            }
            emit(k, &terms);
            prev = Some(pol);
        }
    }

    /// `neg_efe` for every policy.
    pub fn neg_efe<const NP: usize>(
        &self,
        policies: &Policies<S, L, NP>,
        q0: &Belief<T, S>,
    ) -> SVector<T, NP> {
        let mut out = SVector::<T, NP>::zeros();
        self.for_each_policy(policies, q0, |k, terms| {
            out[k] = terms.iter().fold(T::zero(), |acc, t| acc + t.neg_efe());
        });
        out
    }
}

/// `q_π = softmax(γ · neg_efe + ln_e)`, with `ln_e = ln max(E, MINVAL)`.
pub fn policy_posterior<T: Real, const NP: usize>(
    neg_efe: &SVector<T, NP>,
    gamma: T,
    ln_e: &SVector<T, NP>,
) -> SVector<T, NP> {
    let mut x = neg_efe * gamma + ln_e;
    crate::maths::softmax_in_place(x.as_mut_slice());
    x
}
