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
//! * the inductive value `V_t` of `q_{t+1}` (when inductive costs are given, see
//!   [`inductive`](super::inductive); anchored to `q_0`);
//!
//! and `neg_efe(π) = Σ_t [U_t + IG_t − nA_t − nB_t + V_t]` with each term behind its flag. Then
//! `q_π = softmax(γ · neg_efe + ln max(E, MINVAL))`.
//!
//! # What is not recomputed
//!
//! * Policies that share their first `k` steps share `q_1 … q_k` and those steps' terms; the
//!   evaluation walks the policy table as a tree and reuses them, so a full table costs
//!   about `NP · (1 + 1/U + 1/U² …)` steps instead of `NP · L`.
//! * A factor with one action whose transition parents are all like it
//!   ([`FactorInfo::policy_independent`](crate::spec::FactorInfo)) has the same predicted
//!   belief under every policy at a given step. It is predicted once per step; a modality
//!   whose parents are all such factors is scored once per step; a modality with some such
//!   parents has its `A` and `H[A]` contracted with them once per step, so each policy step
//!   contracts only over the policy-dependent parents (the T-maze's reward modality:
//!   `3 × 5` instead of `3 × 10`).
//! * One-hot and identity transitions are applied by index, not by a matrix product (see
//!   [`structure`](crate::model::structure)).
//!
//! These change the order of floating-point operations, not the quantities: results agree
//! with pymdp to ~1e-15 relative in `f64`.

use crate::infer::prior::predict_factor;
use crate::maths::{self, Real};
use crate::model::{Belief, Model, NoveltyA, NoveltyB};
use crate::plan::inductive::InductiveCosts;
use crate::plan::policy::{PolicySet, decode};
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
    /// The inductive value (≤ 0; pymdp's `calc_inductive_value_t`, zero without inductive
    /// inference).
    pub inductive: T,
}

impl<T: Real> EfeTerms<T> {
    /// All terms zero.
    pub const ZERO: Self = EfeTerms {
        utility: T::ZERO,
        states_info_gain: T::ZERO,
        neg_pa_info_gain: T::ZERO,
        neg_pb_info_gain: T::ZERO,
        inductive: T::ZERO,
    };
    /// All terms zero.
    pub fn zero() -> Self {
        Self::ZERO
    }
    /// `utility + states_info_gain − neg_pa_info_gain − neg_pb_info_gain + inductive`.
    #[inline]
    pub fn neg_efe(&self) -> T {
        self.utility + self.states_info_gain - self.neg_pa_info_gain - self.neg_pb_info_gain
            + self.inductive
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn add(&mut self, o: &Self) {
        self.utility += o.utility;
        self.states_info_gain += o.states_info_gain;
        self.neg_pa_info_gain += o.neg_pa_info_gain;
        self.neg_pb_info_gain += o.neg_pb_info_gain;
        self.inductive += o.inductive;
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

/// Per-step quantities that do not depend on the policy (see the module docs).
struct Fixed<T: Real, S: Spec, const L: usize> {
    /// Beliefs after step `t` of the policy-independent factors (other entries unused).
    q: [Belief<T, S>; L],
    /// `A_m` contracted with the policy-independent parents at step `t`, for mixed modalities.
    a: [S::Reduced<T>; L],
    /// `H[A_m]` contracted likewise.
    h: [S::ReducedTensors<T>; L],
    /// The entropy of each column of the contracted `A_m` (for one-hot beliefs).
    ent: [S::ReducedTensors<T>; L],
    /// The terms of the all-policy-independent modalities at step `t`.
    terms: [EfeTerms<T>; L],
    /// Per step, whether the reductions are used (not with `pA` novelty, whose weights are
    /// not reduced, nor for steps with too few policies to pay for them).
    reduce: [bool; L],
    /// Per step, whether `ent` holds the column entropies (only where enough policy steps
    /// share them to pay for computing them).
    has_ent: [bool; L],
}

/// Scratch space of one step's evaluation.
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

    fn wants_novelty_a(&self) -> bool {
        self.terms.param_info_gain && self.novelty_a.is_some()
    }

    /// One step: the next beliefs under `action` (written into `next`) and that step's terms,
    /// computed directly (no per-step reuse; for diagnostics and single steps).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn step(
        &self,
        t: usize,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &mut Belief<T, S>,
    ) -> EfeTerms<T> {
        let mut sc = Scratch::<T, S>::ZERO;
        let fs = spec::factors::<S>();
        for (f, &u) in action.as_ref().iter().enumerate() {
            let r = fs[f].range();
            predict_factor(
                self.model,
                f,
                u,
                q,
                &mut sc.joint,
                &mut next.as_mut_slice()[r],
            );
        }
        let mut terms = EfeTerms::ZERO;
        for m in 0..spec::num_modalities::<S>() {
            let info = &spec::modalities::<S>()[m];
            let j = info.parents.joint;
            next.joint(&info.parents, sc.joint.as_mut());
            let w = &sc.joint.as_ref()[..j];
            let qo = &mut sc.qo.as_mut()[info.range()];
            maths::mix_columns(self.model.likelihood(m), w, qo);
            terms.add(&self.score(t, m, qo, w, self.model.column_entropies(m), &mut sc.wq));
        }
        terms.neg_pb_info_gain += self.novelty_b_term(action, q, next, &mut sc.joint_prev);
        terms
    }

    /// The terms of modality `m` at step `t`, from its predicted outcomes `qo`, the joint `w`
    /// over the parents `A` was contracted with, and the matching column entropies `h`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn score(
        &self,
        t: usize,
        m: usize,
        qo: &[T],
        w: &[T],
        h: &[T],
        wq: &mut S::Outcomes<T>,
    ) -> EfeTerms<T> {
        let info = &spec::modalities::<S>()[m];
        let mut terms = EfeTerms::ZERO;
        if self.terms.utility {
            terms.utility = maths::dot(qo, &self.c[t][info.range()]);
        }
        if self.terms.states_info_gain {
            terms.states_info_gain = -maths::xlogx_sum(qo) - maths::dot(h, w);
        }
        if let (true, Some(wa)) = (self.terms.param_info_gain, self.novelty_a) {
            let wq = &mut wq.as_mut()[info.range()];
            maths::mix_columns(wa.modality(m), w, wq);
            terms.neg_pa_info_gain = maths::dot(qo, wq);
        }
        terms
    }

    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn novelty_b_term(
        &self,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &Belief<T, S>,
        joint: &mut S::Joint<T>,
    ) -> T {
        let (true, Some(wb)) = (self.terms.param_info_gain, self.novelty_b) else {
            return T::ZERO;
        };
        let mut total = T::ZERO;
        for (f, (&u, info)) in action.as_ref().iter().zip(spec::factors::<S>()).enumerate() {
            let j = info.parents.joint;
            q.joint(&info.parents, joint.as_mut());
            let w = &joint.as_ref()[..j];
            let qn = next.factor(f);
            for (col, &wj) in wb.transition(f, u).chunks_exact(info.states).zip(w) {
                total += wj * maths::dot(col, qn);
            }
        }
        total
    }

    /// The per-step, policy-independent quantities (see the module docs). `nodes[t]` bounds
    /// the number of policy steps evaluated at step `t`.
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn fixed(
        &self,
        q0: &Belief<T, S>,
        nodes: [usize; L],
        sc: &mut Scratch<T, S>,
    ) -> Fixed<T, S, L> {
        let mut fx = Fixed {
            q: [Belief::ZERO; L],
            a: [<S::Reduced<T> as Flat<T>>::ZERO; L],
            h: [<S::ReducedTensors<T> as Flat<T>>::ZERO; L],
            ent: [<S::ReducedTensors<T> as Flat<T>>::ZERO; L],
            terms: [EfeTerms::ZERO; L],
            reduce: core::array::from_fn(|t| {
                !self.wants_novelty_a() && pays_to_reduce::<S>(nodes[t])
            }),
            has_ent: [false; L],
        };
        let fs = spec::factors::<S>();
        let ms = spec::modalities::<S>();
        if !fs.iter().any(|f| f.policy_independent) {
            return fx;
        }
        for t in 0..L {
            let (done, rest) = fx.q.split_at_mut(t);
            let prev = if t == 0 { q0 } else { &done[t - 1] };
            let cur = &mut rest[0];
            for (f, info) in fs.iter().enumerate() {
                if info.policy_independent {
                    let r = info.range();
                    predict_factor(
                        self.model,
                        f,
                        0,
                        prev,
                        &mut sc.joint,
                        &mut cur.as_mut_slice()[r],
                    );
                }
            }
            if !fx.reduce[t] {
                continue;
            }
            // Column entropies cost a logarithm per outcome and column: worth it only when
            // at least twice as many policy steps might look them up.
            let max_cols = ms
                .iter()
                .filter(|i| i.mixed())
                .map(|i| i.dynamic_joint)
                .max();
            fx.has_ent[t] = nodes[t] >= 2 * max_cols.unwrap_or(usize::MAX);
            for (m, info) in ms.iter().enumerate() {
                if info.all_static() {
                    let j = info.parents.joint;
                    cur.joint(&info.parents, sc.joint.as_mut());
                    let w = &sc.joint.as_ref()[..j];
                    let qo = &mut sc.qo.as_mut()[info.range()];
                    maths::mix_columns(self.model.likelihood(m), w, qo);
                    let terms = self.score(t, m, qo, w, self.model.column_entropies(m), &mut sc.wq);
                    fx.terms[t].add(&terms);
                } else if info.mixed() {
                    let ws: &[T] = match single(&info.parents, info.static_parents) {
                        Some(id) => cur.factor(id),
                        None => {
                            let js =
                                cur.joint_of(&info.parents, info.static_parents, sc.joint.as_mut());
                            &sc.joint.as_ref()[..js]
                        }
                    };
                    reduce(
                        self.model.likelihood(m),
                        info.outcomes,
                        &info.parents,
                        info.static_parents,
                        ws,
                        &mut fx.a[t].as_mut()[info.reduced_range()],
                    );
                    reduce(
                        self.model.column_entropies(m),
                        1,
                        &info.parents,
                        info.static_parents,
                        ws,
                        &mut fx.h[t].as_mut()[info.reduced_tensor_range()],
                    );
                    if fx.has_ent[t] {
                        column_entropies(
                            &fx.a[t].as_ref()[info.reduced_range()],
                            info.outcomes,
                            &mut fx.ent[t].as_mut()[info.reduced_tensor_range()],
                        );
                    }
                }
            }
        }
        fx
    }

    /// One policy step of the tree walk: predicts the policy-dependent factors (the others
    /// come from `fx`) and scores the modalities that depend on them.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    fn walk_step(
        &self,
        t: usize,
        action: &S::Action,
        q: &Belief<T, S>,
        next: &mut Belief<T, S>,
        fx: &Fixed<T, S, L>,
        sc: &mut Scratch<T, S>,
    ) -> EfeTerms<T> {
        let model = self.model;
        let u = action.as_ref();
        spec::each_factor::<S>(
            #[cfg_attr(not(debug_assertions), inline(always))]
            |f| {
                let info = &spec::factors::<S>()[f];
                let r = info.range();
                if info.policy_independent {
                    next.as_mut_slice()[r.clone()].copy_from_slice(&fx.q[t].as_slice()[r]);
                } else {
                    predict_factor(
                        model,
                        f,
                        u[f],
                        q,
                        &mut sc.joint,
                        &mut next.as_mut_slice()[r],
                    );
                }
            },
        );
        let mut terms = fx.terms[t];
        // The modalities scored here (bit m) and those whose outcome entropy is still to be
        // taken: the utility and the entropies are summed after the loop, in one pass over
        // all the predicted outcomes when every modality takes part.
        let mut scored = 0u64;
        let mut unknown_entropy = 0u64;
        let novelty_a = if self.terms.param_info_gain {
            self.novelty_a
        } else {
            None
        };
        spec::each_modality::<S>(
            #[cfg_attr(not(debug_assertions), inline(always))]
            |m| {
                let info = &spec::modalities::<S>()[m];
                let reduced = fx.reduce[t] && info.mixed();
                if fx.reduce[t] && info.all_static() {
                    return;
                }
                let (a, h, ent, mask, j) = if reduced {
                    (
                        &fx.a[t].as_ref()[info.reduced_range()],
                        &fx.h[t].as_ref()[info.reduced_tensor_range()],
                        fx.has_ent[t].then(|| &fx.ent[t].as_ref()[info.reduced_tensor_range()]),
                        !info.static_parents,
                        info.dynamic_joint,
                    )
                } else {
                    let h = model.column_entropies(m);
                    (
                        model.likelihood(m),
                        h,
                        Some(h),
                        u32::MAX,
                        info.parents.joint,
                    )
                };
                let w: &[T] = if info.parents.len == 1 {
                    next.factor(info.parents.ids[0])
                } else if reduced {
                    match single(&info.parents, mask) {
                        Some(id) => next.factor(id),
                        None => {
                            next.joint_of(&info.parents, mask, sc.joint.as_mut());
                            &sc.joint.as_ref()[..j]
                        }
                    }
                } else {
                    next.joint(&info.parents, sc.joint.as_mut());
                    &sc.joint.as_ref()[..j]
                };
                let qo = &mut sc.qo.as_mut()[info.range()];
                // The predicted outcomes and the ambiguity `H[A] · w`, by the sparsity of w:
                // a one-hot belief picks a column (whose entropy is known), a sparse one
                // mixes few columns, a dense one takes the matrix–vector product.
                let no = info.outcomes;
                let mut entropy = None;
                let ambiguity;
                if let Some(last) = one_hot(w) {
                    qo.copy_from_slice(&a[last * no..(last + 1) * no]);
                    entropy = ent.map(|e| e[last]);
                    ambiguity = h[last];
                } else {
                    maths::mix_columns(a, w, qo);
                    ambiguity = maths::dot(h, w);
                }
                scored |= 1 << m;
                if self.terms.states_info_gain {
                    match entropy {
                        Some(h_qo) => terms.states_info_gain += h_qo - ambiguity,
                        None => {
                            unknown_entropy |= 1 << m;
                            terms.states_info_gain -= ambiguity;
                        }
                    }
                }
                if let Some(wa) = novelty_a {
                    let wq = &mut sc.wq.as_mut()[info.range()];
                    maths::mix_columns(wa.modality(m), w, wq);
                    terms.neg_pa_info_gain += maths::dot(qo, wq);
                }
            },
        );
        let qo = sc.qo.as_ref();
        if self.terms.utility {
            terms.utility +=
                over_modalities::<S, T>(scored, qo, |x| maths::dot(x.0, x.1), self.c[t]);
        }
        terms.states_info_gain -=
            over_modalities::<S, T>(unknown_entropy, qo, |x| maths::xlogx_sum(x.0), qo);
        terms.neg_pb_info_gain += self.novelty_b_term(action, q, next, &mut sc.joint_prev);
        terms
    }

    /// Evaluates every policy from `q0`, calling `emit(k, terms)` with policy `k`'s per-step
    /// terms, reusing the steps shared with the previous policy in the table.
    pub fn for_each_policy<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        emit: impl FnMut(usize, &[EfeTerms<T>; L]),
    ) {
        self.for_each_policy_inductive(policies, q0, None, emit);
    }

    /// [`for_each_policy`](Self::for_each_policy), adding the inductive value of every step
    /// when `inductive` is given: the costs must have been made from the same `q0`
    /// ([`InductiveMatrices::costs`](super::inductive::InductiveMatrices::costs)).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; `k < NP` and `t < L` index the caller's per-policy storage"
    )]
    pub fn for_each_policy_inductive<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        inductive: Option<&InductiveCosts<T, S>>,
        mut emit: impl FnMut(usize, &[EfeTerms<T>; L]),
    ) {
        let mut sc = Scratch::<T, S>::ZERO;
        let per_step = spec::layout::<S>().joint_controls;
        let mut nodes = [NP; L];
        let mut n = 1usize;
        for slot in nodes.iter_mut() {
            n = n.saturating_mul(per_step);
            *slot = n.min(NP);
        }
        let fx = self.fixed(q0, nodes, &mut sc);
        let mut states = [Belief::<T, S>::ZERO; L];
        let mut terms = [EfeTerms::<T>::ZERO; L];
        let mut prev = [usize::MAX; L];
        // The full table is an odometer over the joint actions (last step fastest): the
        // steps shared with the previous policy are the digits that did not change.
        let mut digits = [0usize; L];
        let mut shared = 0;
        for k in 0..NP {
            if !P::FULL {
                shared = 0;
                while shared < L && policies.joint(k, shared) == prev[shared] {
                    shared += 1;
                }
            }
            for t in shared..L {
                let joint = if P::FULL {
                    digits[t]
                } else {
                    policies.joint(k, t)
                };
                prev[t] = joint;
                let action = decode::<S>(joint);
                let (before, rest) = states.split_at_mut(t);
                let q = if t == 0 { q0 } else { &before[t - 1] };
                terms[t] = self.walk_step(t, &action, q, &mut rest[0], &fx, &mut sc);
                if let Some(ic) = inductive {
                    terms[t].inductive = ic.value(&rest[0]);
                }
            }
            emit(k, &terms);
            if P::FULL {
                let mut t = L;
                while t > 0 {
                    t -= 1;
                    digits[t] += 1;
                    if digits[t] < per_step {
                        break;
                    }
                    digits[t] = 0;
                }
                shared = t;
            }
        }
    }

    /// `neg_efe` for every policy, written into `out`.
    pub fn neg_efe_into<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        out: &mut [T; NP],
    ) {
        self.neg_efe_inductive_into(policies, q0, None, out);
    }

    /// [`neg_efe_into`](Self::neg_efe_into) with the inductive value of every step added
    /// when `inductive` is given (made from the same `q0`, see
    /// [`for_each_policy_inductive`](Self::for_each_policy_inductive)).
    #[allow(
        clippy::indexing_slicing,
        reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
    )]
    pub fn neg_efe_inductive_into<P: PolicySet<S, L, NP>, const NP: usize>(
        &self,
        policies: &P,
        q0: &Belief<T, S>,
        inductive: Option<&InductiveCosts<T, S>>,
        out: &mut [T; NP],
    ) {
        self.for_each_policy_inductive(policies, q0, inductive, |k, terms| {
            out[k] = terms.iter().fold(T::ZERO, |acc, t| acc + t.neg_efe());
        });
    }
}

/// `Σ_m f(x_m, y_m)` over the modalities in `set` (bit m), where `x_m`, `y_m` are modality
/// `m`'s parts of the outcome-shaped `x`, `y`: one call over the whole of both when `set`
/// holds every modality (`f` must then be additive over the parts, as a dot product is).
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn over_modalities<S: Spec, T: Real>(
    mut set: u64,
    x: &[T],
    f: impl Fn((&[T], &[T])) -> T,
    y: &[T],
) -> T {
    if set == (1u64 << spec::num_modalities::<S>()) - 1 {
        return f((x, y));
    }
    let ms = spec::modalities::<S>();
    let mut total = T::ZERO;
    while set != 0 {
        let m = set.trailing_zeros() as usize;
        set &= set - 1;
        total += f((&x[ms[m].range()], &y[ms[m].range()]));
    }
    total
}

/// Whether contracting the mixed modalities' likelihoods over their policy-independent
/// parents once pays for itself over `nodes` policy steps: it saves `NO · (J − J_dyn)`
/// multiply–adds per step and costs `NO · J` plus a fixed overhead per column once.
fn pays_to_reduce<S: Spec>(nodes: usize) -> bool {
    let (mut saved, mut cost) = (0usize, 0usize);
    for info in spec::modalities::<S>() {
        if info.mixed() {
            saved += info.outcomes * (info.parents.joint - info.dynamic_joint);
            cost += info.outcomes * info.parents.joint + 16 * info.dynamic_joint + 64;
        }
    }
    saved > 0 && nodes.saturating_mul(saved) > cost
}

/// The one parent `mask` selects, if it selects exactly one.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn single(parents: &spec::Parents, mask: u32) -> Option<usize> {
    let n = parents.len as u32;
    let sel = if n >= 32 {
        mask
    } else {
        mask & ((1u32 << n) - 1)
    };
    (sel.count_ones() == 1).then(|| parents.ids[sel.trailing_zeros() as usize])
}

/// The index of `w`'s single entry if it is exactly one-hot (`w[i] = 1`, all others 0).
///
/// It stops at the first entry that rules it out, and reads `w` one entry at a time (the
/// belief was just written entry by entry, and a vector load of it would wait for the stores).
#[cfg_attr(not(debug_assertions), inline(always))]
fn one_hot<T: Real>(w: &[T]) -> Option<usize> {
    let mut hot = None;
    for (i, &x) in w.iter().enumerate() {
        if x != T::ZERO {
            if hot.is_some() || x != T::ONE {
                return None;
            }
            hot = Some(i);
        }
    }
    hot
}

/// The entropy of each column (of `rows` entries) of column-major data.
fn column_entropies<T: Real>(a: &[T], rows: usize, out: &mut [T]) {
    for (o, col) in out.iter_mut().zip(a.chunks_exact(rows.max(1))) {
        *o = -maths::xlogx_sum(col);
    }
}

/// Contracts column-major data `t` (one column of `rows` entries per joint parent state) with
/// the joint `ws` of the parents selected by `mask`, leaving the other parents:
/// `out[:, jd] = Σ_js ws[js] t[:, j(jd, js)]`.
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
fn reduce<T: Real>(
    t: &[T],
    rows: usize,
    parents: &spec::Parents,
    mask: u32,
    ws: &[T],
    out: &mut [T],
) {
    let dims = parents.dims();
    let js_len = ws.len();
    let n = dims.len() as u32;
    let all = if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
    let n_static = mask.count_ones();
    // Selected parents last: each output column mixes Js consecutive columns.
    if mask == all & !((1u32 << (n - n_static)) - 1) {
        for (o, block) in out
            .chunks_exact_mut(rows)
            .zip(t.chunks_exact(rows * js_len))
        {
            maths::mix_columns(block, ws, o);
        }
        return;
    }
    out.iter_mut().for_each(|x| *x = T::ZERO);
    // Selected parents first: the output is a mix of Js consecutive blocks.
    if mask == (1u32 << n_static) - 1 {
        let block = out.len();
        for (b, &w) in t.chunks_exact(block).zip(ws) {
            maths::axpy(w, b, out);
        }
        return;
    }
    let mut idx = [0usize; spec::MAX_PARENTS];
    for col in t.chunks_exact(rows) {
        // Split the multi-index into the selected (static) and the other (dynamic) parents.
        let (mut js, mut jd) = (0usize, 0usize);
        for (k, &d) in dims.iter().enumerate() {
            if (mask >> k) & 1 == 1 {
                js = js * d + idx[k];
            } else {
                jd = jd * d + idx[k];
            }
        }
        maths::axpy(ws[js], col, &mut out[jd * rows..(jd + 1) * rows]);
        for k in (0..dims.len()).rev() {
            idx[k] += 1;
            if idx[k] < dims[k] {
                break;
            }
            idx[k] = 0;
        }
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
