//! Inductive inference (pymdp `generate_I_matrix`, `calc_inductive_value_t`, `use_inductive`).
//!
//! Goal states `H_f` (0/1 per state of factor `f`) are propagated backwards through the
//! transitions into a reachability matrix `I_f` of `K` rows (pymdp's `inductive_depth`):
//!
//! * `R[s', s] = 1` if some action takes `s` to `s'` with probability above `threshold`
//!   (`∃u: B_f[s', s, u] > threshold`);
//! * `I_f[0] = H_f` and `I_f[k] = 1[Rᵀ I_f[k−1] > 0]`: state `s` is in row `k` if one of its
//!   successors is in row `k − 1` (so, with a goal that can be stayed in, row `k` holds the
//!   states that reach a goal within `k` steps).
//!
//! The inductive value of a planning step scores the predicted belief `q_{τ+1}` against the
//! most likely state `i*` of the belief `q_0` the policy starts from: with `k*` the first row
//! of `I_f` holding `i*` (0 if none) and `m = max(k* − 1, 0)`,
//! `V_τ = Σ_f [i* is in some row] · Σ_s (1 − I_f[m, s]) · ln ε · q_{τ+1,f}(s)` — every state
//! that is not one step closer to a goal costs `ln ε` per unit of predicted probability.
//! pymdp adds `V_τ` to `neg_efe` at every planning step; see
//! [`Agent::with_inductive`](crate::Agent::with_inductive) for the agent component.
//!
//! pymdp's `I` assumes factor-local transitions (`B_f` depending on factor `f` alone): a
//! factor with goals whose transition has other parents is an error here.
//!
//! ```
//! use actinf::plan::inductive::{generate_i_matrix, inductive_value};
//! // A 3-state line: action 0 stays, action 1 moves right (B column-major, one matrix per action).
//! let stay = [1.0, 0.0, 0.0, /**/ 0.0, 1.0, 0.0, /**/ 0.0, 0.0, 1.0];
//! let right = [0.0, 1.0, 0.0, /**/ 0.0, 0.0, 1.0, /**/ 0.0, 0.0, 1.0];
//! let b: Vec<f64> = stay.iter().chain(&right).copied().collect();
//! let h = [0.0, 0.0, 1.0];
//! let mut rows = [[0.0; 3]; 3];
//! generate_i_matrix(&h, &b, 2, 0.1, rows.each_mut().map(|r| &mut r[..]));
//! assert_eq!(rows, [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]);
//! // From state 0, moving right (to state 1, one step closer) costs nothing; staying costs ln ε.
//! let i = rows.each_ref().map(|r| &r[..]);
//! let q0 = [1.0, 0.0, 0.0];
//! assert_eq!(inductive_value(&q0, &[0.0, 1.0, 0.0], i, 1e-3), 0.0);
//! assert!((inductive_value(&q0, &q0, i, 1e-3) - 1e-3f64.ln()).abs() < 1e-12);
//! ```

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{self, Real};
use crate::model::{Belief, Model};
use crate::spec::{self, Flat, Spec};
use crate::types::FactorInputOf;

/// pymdp's default `inductive_threshold`.
pub const DEFAULT_THRESHOLD: f64 = 0.1;
/// pymdp's default `inductive_epsilon`.
pub const DEFAULT_EPSILON: f64 = 1e-3;

/// `I_f` of one factor from its goal vector `h` (`N` entries, 0/1) and its factor-local
/// transition `b` (`controls` consecutive `N × N` matrices, each column-major: column `s` is
/// `P(s' | s, u)`, the layout of [`Model::b`]), written row by row into `out` (`K` rows of
/// `N` entries): `out[0] = h`, `out[k][s] = 1` if `Σ_{s'} R[s', s] · out[k−1][s'] > 0.1`
/// (pymdp's clamp; the rows are 0/1, so "if some successor of `s` is in row `k − 1`"),
/// where `R[s', s] = 1` if `b[u][s', s] > threshold` for some `u`.
///
/// # Panics
/// If `b` or a row of `out` is shorter than the sizes above say.
#[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
pub fn generate_i_matrix<T: Real, const K: usize>(
    h: &[T],
    b: &[T],
    controls: usize,
    threshold: T,
    mut out: [&mut [T]; K],
) {
    let n = h.len();
    let Some((first, rest)) = out.split_first_mut() else {
        return;
    };
    first[..n].copy_from_slice(h);
    let mut prev: &[T] = first;
    let clamp = T::lit(0.1);
    for row in rest.iter_mut() {
        for s in 0..n {
            let mut reach = T::ZERO;
            for (next, &p) in prev[..n].iter().enumerate() {
                let edge = (0..controls).any(|u| b[u * n * n + s * n + next] > threshold);
                if edge {
                    reach += p;
                }
            }
            row[s] = if reach > clamp { T::ONE } else { T::ZERO };
        }
        prev = row;
    }
}

/// The index of the first largest entry of `q` (jax's `argmax`: ties go to the lowest index).
fn argmax<T: Real>(q: &[T]) -> usize {
    let Some((&q0, rest)) = q.split_first() else {
        return 0;
    };
    let (mut best, mut max) = (0, q0);
    for (i, &x) in rest.iter().enumerate() {
        if x > max {
            (best, max) = (i + 1, x);
        }
    }
    best
}

/// Row `max(k* − 1, 0)` of `i`, `k*` the first row holding `argmax q0` (`None` if none does;
/// a row too short to have that entry does not hold it).
fn anchor_row<'a, T: Real, const K: usize>(q0: &[T], i: &[&'a [T]; K]) -> Option<&'a [T]> {
    let idx = argmax(q0);
    let mut prev: Option<&'a [T]> = None;
    for &row in i {
        if row.get(idx).is_some_and(|&x| x > T::ZERO) {
            return Some(prev.unwrap_or(row));
        }
        prev = Some(row);
    }
    None
}

/// The per-state cost of one factor: `out[s] = [i* in I] · (1 − I[m, s]) · ln ε` with
/// `i* = argmax q0`, `k*` the first row holding `i*` (0 if none) and `m = max(k* − 1, 0)`, so
/// that the inductive value of a predicted belief `q` is `Σ_s out[s] · q[s]`. `ln_eps` is
/// `ln max(ε, MINVAL)`. Returns whether any row holds `i*` (if not, `out` is all zero).
pub fn inductive_costs<T: Real, const K: usize>(
    q0: &[T],
    i: [&[T]; K],
    ln_eps: T,
    out: &mut [T],
) -> bool {
    let Some(row) = anchor_row(q0, &i) else {
        out.iter_mut().for_each(|x| *x = T::ZERO);
        return false;
    };
    for (o, &x) in out.iter_mut().zip(row) {
        *o = (T::ONE - x) * ln_eps;
    }
    true
}

/// pymdp's `calc_inductive_value_t` for one factor: the inductive value of the predicted
/// belief `q_next` under the reachability rows `i` (`K` rows of `N`), anchored to the most
/// likely state of the belief `q0` the policy starts from (see the [module docs](self)).
pub fn inductive_value<T: Real, const K: usize>(
    q0: &[T],
    q_next: &[T],
    i: [&[T]; K],
    epsilon: T,
) -> T {
    let Some(row) = anchor_row(q0, &i) else {
        return T::ZERO;
    };
    let ln_eps = maths::log_stable(epsilon);
    let mut v = T::ZERO;
    for (&x, &q) in row.iter().zip(q_next) {
        v += (T::ONE - x) * ln_eps * q;
    }
    v
}

/// The hyperparameters of inductive inference, with the depth `K` (pymdp's `inductive_depth`,
/// the number of rows of each `I_f`; at least 1) as a type parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Inductive<T, const K: usize> {
    /// pymdp's `inductive_threshold`: a transition counts when its probability is above it
    /// (in `(0, 1]`; default 0.1).
    pub threshold: T,
    /// pymdp's `inductive_epsilon`: each step off the way to a goal costs `ln ε` (in `(0, 1]`;
    /// default `1e-3`).
    pub epsilon: T,
}

impl<T: Real, const K: usize> Default for Inductive<T, K> {
    fn default() -> Self {
        Inductive {
            threshold: T::lit(DEFAULT_THRESHOLD),
            epsilon: T::lit(DEFAULT_EPSILON),
        }
    }
}

impl<T: Real, const K: usize> Inductive<T, K> {
    /// pymdp's defaults (threshold 0.1, ε = 1e-3) at depth `K`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the threshold.
    pub fn threshold(mut self, threshold: T) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets ε.
    pub fn epsilon(mut self, epsilon: T) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Checks that both hyperparameters are finite and in `(0, 1]`.
    pub fn check(&self) -> Result<(), Error> {
        for (name, v) in [
            ("inductive_threshold", self.threshold),
            ("inductive_epsilon", self.epsilon),
        ] {
            let value = v.as_f64();
            let problem = if !value.is_finite() {
                Problem::NotFinite { value }
            } else if value <= 0.0 || value > 1.0 {
                Problem::NotARate { value }
            } else {
                continue;
            };
            return Err(Error::new(
                Tensor::Hyperparameter,
                0,
                name,
                Entry::at(0),
                problem,
            ));
        }
        Ok(())
    }
}

/// The goals `H`, the reachability matrices `I_f` of every factor (`K` rows each) and the
/// hyperparameters: everything inductive planning needs, in fixed-size storage.
///
/// Row `k` of every factor is stored flat like a belief (factor after factor): `I_f[k]` is
/// [`row(f, k)`](Self::row).
pub struct InductiveMatrices<T: Real, S: Spec, const K: usize> {
    /// Goal indicators, flat over the factors.
    goals: S::States<T>,
    /// Row `k` of every `I_f`, flat over the factors.
    rows: [S::States<T>; K],
    /// Whether factor `f` has any goal (bit `f`).
    with_goals: u64,
    params: Inductive<T, K>,
}

/// The per-state inductive cost of one start belief (see [`InductiveMatrices::costs`]): the
/// inductive value of a predicted belief `q` is `Σ_s cost[s] · q[s]` over the factors with a
/// path to a goal.
pub struct InductiveCosts<T: Real, S: Spec> {
    cost: S::States<T>,
    /// Factors whose start state has a path to a goal (bit `f`); the others add nothing.
    factors: u64,
}

// By hand: the derives would ask the same of the marker `S`.
impl<T: Real, S: Spec, const K: usize> Clone for InductiveMatrices<T, S, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec, const K: usize> Copy for InductiveMatrices<T, S, K> {}
impl<T: Real, S: Spec, const K: usize> PartialEq for InductiveMatrices<T, S, K> {
    fn eq(&self, o: &Self) -> bool {
        self.goals == o.goals
            && self.rows == o.rows
            && self.with_goals == o.with_goals
            && self.params == o.params
    }
}
impl<T: Real, S: Spec, const K: usize> core::fmt::Debug for InductiveMatrices<T, S, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InductiveMatrices")
            .field("goals", &self.goals)
            .field("rows", &self.rows)
            .field("params", &self.params)
            .finish()
    }
}
impl<T: Real, S: Spec> Clone for InductiveCosts<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec> Copy for InductiveCosts<T, S> {}
impl<T: Real, S: Spec> PartialEq for InductiveCosts<T, S> {
    fn eq(&self, o: &Self) -> bool {
        self.cost == o.cost && self.factors == o.factors
    }
}
impl<T: Real, S: Spec> core::fmt::Debug for InductiveCosts<T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InductiveCosts")
            .field("cost", &self.cost)
            .field("factors", &self.factors)
            .finish()
    }
}

impl<T: Real, S: Spec> InductiveCosts<T, S> {
    /// No cost at all (no factor has a path to a goal).
    pub const ZERO: Self = InductiveCosts {
        cost: <S::States<T> as Flat<T>>::ZERO,
        factors: 0,
    };

    /// The inductive value of the predicted beliefs `q` (pymdp's `calc_inductive_value_t`
    /// with the start belief these costs were made from).
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "`factors` holds only factors of `S` (set by `costs`); offsets come from the \
                  compile-time Layout that also sizes the storage"
    )]
    pub fn value(&self, q: &Belief<T, S>) -> T {
        let mut set = self.factors;
        let mut v = T::ZERO;
        while set != 0 {
            let f = set.trailing_zeros() as usize;
            set &= set - 1;
            let r = spec::factors::<S>()[f].range();
            v += maths::dot(&self.cost.as_ref()[r.clone()], &q.as_slice()[r]);
        }
        v
    }

    /// Factor `f`'s per-state costs.
    ///
    /// # Panics
    /// If `f` is not a factor of the model.
    #[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
    pub fn factor(&self, f: usize) -> &[T] {
        &self.cost.as_ref()[spec::factors::<S>()[f].range()]
    }
}

impl<T: Real, S: Spec, const K: usize> InductiveMatrices<T, S, K> {
    /// The matrices of `model` for goals `h` (pymdp's `H`, one 0/1 vector per factor, all
    /// zero for a factor without goals), checked: `K ≥ 1` (at compile time), `h` 0/1, the
    /// hyperparameters finite and in `(0, 1]`, and every factor with a goal factor-local
    /// (its transition depending on itself alone).
    pub fn new(
        model: &Model<T, S>,
        h: &FactorInputOf<T, S>,
        params: Inductive<T, K>,
    ) -> Result<Self, Error> {
        let goals = Belief::<T, S>::from_input_unchecked(*h);
        Self::from_flat(model, goals.as_slice(), params)
    }

    /// [`new`](Self::new) from goals flat over the factors (factor after factor); a slice of
    /// the wrong length is an error.
    #[allow(
        clippy::indexing_slicing,
        reason = "`h.len()` checked below; offsets come from the compile-time Layout that also \
                  sizes the storage"
    )]
    pub fn from_flat(model: &Model<T, S>, h: &[T], params: Inductive<T, K>) -> Result<Self, Error> {
        const { assert!(K >= 1, "inductive inference needs a depth K >= 1") };
        params.check()?;
        let ns = spec::layout::<S>().states;
        if h.len() != ns {
            return Err(crate::error::wrong_length(Tensor::H, ns, h.len()));
        }
        let mut goals = <S::States<T> as Flat<T>>::ZERO;
        let mut with_goals = 0u64;
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let hf = &h[info.range()];
            for (s, &x) in hf.iter().enumerate() {
                if x != T::ZERO && x != T::ONE {
                    let value = x.as_f64();
                    let problem = if value.is_finite() {
                        Problem::NotBinary { value }
                    } else {
                        Problem::NotFinite { value }
                    };
                    return Err(Error::new(Tensor::H, f, info.name, Entry::at(s), problem));
                }
            }
            if hf.contains(&T::ONE) {
                if info.parents.len != 1 {
                    return Err(Error::new(
                        Tensor::B,
                        f,
                        info.name,
                        Entry::new(&[], false),
                        Problem::NotFactorLocal,
                    ));
                }
                with_goals |= 1 << f;
            }
            goals.as_mut()[info.range()].copy_from_slice(hf);
        }
        let mut out = InductiveMatrices {
            goals,
            rows: [<S::States<T> as Flat<T>>::ZERO; K],
            with_goals,
            params,
        };
        out.regenerate(model);
        Ok(out)
    }

    /// Recomputes every `I_f` from `model`'s transitions (pymdp does it after learning `B`).
    #[allow(
        clippy::indexing_slicing,
        reason = "offsets come from the compile-time Layout that also sizes the storage"
    )]
    pub fn regenerate(&mut self, model: &Model<T, S>) {
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            let r = info.range();
            if self.with_goals >> f & 1 == 0 {
                // No goal: every row is zero (pymdp's I of an all-zero H).
                for row in self.rows.iter_mut() {
                    row.as_mut()[r.clone()]
                        .iter_mut()
                        .for_each(|x| *x = T::ZERO);
                }
                continue;
            }
            let len = info.controls * info.states * info.states;
            let b = &model.b()[info.transition_offset..info.transition_offset + len];
            let h = &self.goals.as_ref()[r.clone()];
            let out = self.rows.each_mut().map(|row| &mut row.as_mut()[r.clone()]);
            generate_i_matrix(h, b, info.controls, self.params.threshold, out);
        }
    }

    /// Row `k` of `I_f`.
    ///
    /// # Panics
    /// If `f` is not a factor or `k >= K`.
    #[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
    pub fn row(&self, f: usize, k: usize) -> &[T] {
        &self.rows[k].as_ref()[spec::factors::<S>()[f].range()]
    }

    /// The `K` rows of `I_f`.
    ///
    /// # Panics
    /// If `f` is not a factor.
    #[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
    pub fn factor(&self, f: usize) -> [&[T]; K] {
        let r = spec::factors::<S>()[f].range();
        self.rows.each_ref().map(|row| &row.as_ref()[r.clone()])
    }

    /// Factor `f`'s goals `H_f`.
    ///
    /// # Panics
    /// If `f` is not a factor.
    #[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
    pub fn goals(&self, f: usize) -> &[T] {
        &self.goals.as_ref()[spec::factors::<S>()[f].range()]
    }

    /// The hyperparameters.
    pub fn params(&self) -> &Inductive<T, K> {
        &self.params
    }

    /// The per-state costs for policies starting from `q0` (see [`inductive_costs`]).
    #[allow(
        clippy::indexing_slicing,
        reason = "offsets come from the compile-time Layout that also sizes the storage"
    )]
    pub fn costs(&self, q0: &Belief<T, S>) -> InductiveCosts<T, S> {
        let mut out = InductiveCosts::<T, S>::ZERO;
        let ln_eps = maths::log_stable(self.params.epsilon);
        let mut set = self.with_goals;
        while set != 0 {
            let f = set.trailing_zeros() as usize;
            set &= set - 1;
            let r = spec::factors::<S>()[f].range();
            let cost: &mut [T] = out.cost.as_mut();
            if inductive_costs(q0.factor(f), self.factor(f), ln_eps, &mut cost[r]) {
                out.factors |= 1 << f;
            }
        }
        out
    }

    /// pymdp's `calc_inductive_value_t(q0, q_next, I, ε)` summed over the factors.
    pub fn value(&self, q0: &Belief<T, S>, q_next: &Belief<T, S>) -> T {
        let mut v = T::ZERO;
        for f in 0..spec::num_factors::<S>() {
            v += inductive_value(
                q0.factor(f),
                q_next.factor(f),
                self.factor(f),
                self.params.epsilon,
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> ([f64; 75], usize) {
        // stay / right / left on a line of n ≤ 5 states, column-major per action.
        let mut b = [0.0; 75];
        for s in 0..n {
            let to = [s, (s + 1).min(n - 1), s.saturating_sub(1)];
            for (u, &t) in to.iter().enumerate() {
                b[u * n * n + s * n + t] = 1.0;
            }
        }
        (b, 3)
    }

    #[test]
    fn line_world_rows_grow_one_state_per_step() {
        let (b, u) = line(5);
        let h = [0.0, 0.0, 0.0, 0.0, 1.0];
        let mut rows = [[9.0; 5]; 5];
        generate_i_matrix(&h, &b[..75], u, 0.1, rows.each_mut().map(|r| &mut r[..]));
        for (k, row) in rows.iter().enumerate() {
            for (s, &x) in row.iter().enumerate() {
                assert_eq!(x, if s + k >= 4 { 1.0 } else { 0.0 }, "row {k} state {s}");
            }
        }
    }

    #[test]
    fn reachability_is_backwards_and_thresholded() {
        // 3 states, one action: 0 → 1 with 0.8 (stays with 0.2), 1 → 2 with 0.05, 2 stays.
        let b = [
            0.2, 0.8, 0.0, /**/ 0.0, 0.95, 0.05, /**/ 0.0, 0.0, 1.0,
        ];
        let mut rows = [[0.0; 3]; 3];
        generate_i_matrix(
            &[0.0, 1.0, 0.0],
            &b,
            1,
            0.1,
            rows.each_mut().map(|r| &mut r[..]),
        );
        // Row 1: the predecessors of state 1 (itself and 0).
        assert_eq!(rows, [[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]);
        // 1 → 2 (0.05) counts only below a threshold of 0.05.
        generate_i_matrix(
            &[0.0, 0.0, 1.0],
            &b,
            1,
            0.1,
            rows.each_mut().map(|r| &mut r[..]),
        );
        assert_eq!(rows[1], [0.0, 0.0, 1.0]);
        generate_i_matrix(
            &[0.0, 0.0, 1.0],
            &b,
            1,
            0.01,
            rows.each_mut().map(|r| &mut r[..]),
        );
        assert_eq!(rows[1], [0.0, 1.0, 1.0]);
        assert_eq!(rows[2], [1.0, 1.0, 1.0]);
        // Without a self-loop at the goal, rows are exact step counts, not "within".
        let b = [
            0.0, 1.0, 0.0, /**/ 0.0, 0.0, 1.0, /**/ 0.0, 0.0, 1.0,
        ];
        generate_i_matrix(
            &[0.0, 1.0, 0.0],
            &b,
            1,
            0.1,
            rows.each_mut().map(|r| &mut r[..]),
        );
        assert_eq!(rows, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]);
    }

    #[test]
    fn value_matches_pymdp_golden_cases() {
        // pymdp's tests: on-path next state → 0; off-path → ln ε; 25 % off-path → 0.25 ln ε;
        // unreachable goal → 0.
        let rows = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]];
        let i = rows.each_ref().map(|r| &r[..]);
        let q0 = [1.0, 0.0, 0.0];
        let eps = 1e-3f64;
        assert_eq!(inductive_value(&q0, &[0.0, 1.0, 0.0], i, eps), 0.0);
        assert!((inductive_value(&q0, &[1.0, 0.0, 0.0], i, eps) - eps.ln()).abs() < 1e-12);
        let v = inductive_value(&q0, &[0.25, 0.75, 0.0], i, eps);
        assert!((v - 0.25 * eps.ln()).abs() < 1e-12);
        let none = [[0.0; 3]; 3];
        assert_eq!(
            inductive_value(&q0, &q0, none.each_ref().map(|r| &r[..]), eps),
            0.0
        );
        // At the goal (k* = 0): m = 0, leaving the goal costs.
        let at_goal = [0.0, 0.0, 1.0];
        assert_eq!(inductive_value(&at_goal, &at_goal, i, eps), 0.0);
        assert!((inductive_value(&at_goal, &[0.0, 1.0, 0.0], i, eps) - eps.ln()).abs() < 1e-12);
        // The costs reproduce the value.
        let mut c = [0.0; 3];
        assert!(inductive_costs(&q0, i, eps.ln(), &mut c));
        assert_eq!(c, [eps.ln(), 0.0, 0.0]);
        assert!(!inductive_costs(
            &q0,
            none.each_ref().map(|r| &r[..]),
            eps.ln(),
            &mut c
        ));
        assert_eq!(c, [0.0; 3]);
    }

    #[test]
    fn argmax_ties_go_to_the_lowest_index() {
        assert_eq!(argmax(&[0.25, 0.5, 0.5]), 1);
        assert_eq!(argmax(&[1.0]), 0);
    }
}
