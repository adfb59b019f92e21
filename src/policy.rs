//! Policies: fixed-size tables of action sequences.
//!
//! A policy is `L` steps of one action per factor. The full table enumerates every
//! combination in pymdp's order (`itertools.product` over the per-step, per-factor action
//! ranges: the last factor of the last step varies fastest; an uncontrolled factor always
//! takes action 0), so policy indices match pymdp's.

use core::fmt;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::spec::{FactorList, IndexArray, Spec, num_policies};

/// A table of `NP` policies of length `L` for the model `S`.
pub struct Policies<S: Spec, const L: usize, const NP: usize> {
    table: [[S::Action; L]; NP],
}

impl<S: Spec, const L: usize, const NP: usize> Clone for Policies<S, L, NP> {
    fn clone(&self) -> Self {
        Policies { table: self.table }
    }
}
impl<S: Spec, const L: usize, const NP: usize> PartialEq for Policies<S, L, NP> {
    fn eq(&self, o: &Self) -> bool {
        self.table == o.table
    }
}
impl<S: Spec, const L: usize, const NP: usize> fmt::Debug for Policies<S, L, NP> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.table.iter()).finish()
    }
}

/// Compile-time check that `NP` is the size of the full policy table of `S` for length `L`.
struct FullTable<S, const L: usize, const NP: usize>(core::marker::PhantomData<S>);
impl<S: Spec, const L: usize, const NP: usize> FullTable<S, L, NP> {
    const CHECK: () = {
        assert!(
            L >= 1,
            "policies need at least one step (policy length L >= 1)"
        );
        assert!(
            NP == num_policies::<S>(L),
            "wrong policy count: NP must equal (product of the factors' action counts)^L; \
             write it as `{{ actinf::spec::num_policies::<Model>(L) }}`"
        );
    };
}

impl<S: Spec, const L: usize, const NP: usize> Policies<S, L, NP> {
    /// Every combination of actions, in pymdp's `construct_policies` order.
    ///
    /// `NP` must be `(∏_f U_f)^L`; anything else is a compile error.
    ///
    /// ```
    /// actinf::model! { pub Two { factors { Fa: 2 controlled_by 2, Fb: 3 controlled_by 3 }
    ///                             modalities { Ob: 2 depends_on [Fa] } } }
    /// let p = actinf::policy::Policies::<Two, 2, 36>::all();
    /// assert_eq!(p.get(1), &[[0, 0], [0, 1]]);
    /// assert_eq!(p.get(3), &[[0, 0], [1, 0]]);
    /// assert_eq!(p.get(6), &[[0, 1], [0, 0]]);
    /// ```
    pub fn all() -> Self {
        const { FullTable::<S, L, NP>::CHECK };
        let nf = <S::Factors as FactorList>::LEN;
        let table = core::array::from_fn(|k| {
            let mut rest = k;
            let mut steps = [S::Action::zeros(); L];
            for t in (0..L).rev() {
                for f in (0..nf).rev() {
                    let u = <S::Factors as FactorList>::controls(f);
                    steps[t].as_mut()[f] = rest % u;
                    rest /= u;
                }
            }
            steps
        });
        Policies { table }
    }

    /// A user-chosen set of policies, each checked against the factors' action counts.
    pub fn custom(table: [[S::Action; L]; NP]) -> Result<Self, Error> {
        const {
            assert!(
                L >= 1 && NP >= 1,
                "a policy table needs L >= 1 steps and NP >= 1 policies"
            )
        };
        for (k, policy) in table.iter().enumerate() {
            for (t, action) in policy.iter().enumerate() {
                for (f, &u) in action.as_ref().iter().enumerate() {
                    let n = <S::Factors as FactorList>::controls(f);
                    if u >= n {
                        return Err(Error::new(
                            Tensor::Policies,
                            f,
                            <S::Factors as FactorList>::name(f),
                            Entry::new(&[k, t, f], false),
                            Problem::OutOfRange { value: u, len: n },
                        ));
                    }
                }
            }
        }
        Ok(Policies { table })
    }

    /// Policy `k`: its `L` actions.
    pub fn get(&self, k: usize) -> &[S::Action; L] {
        &self.table[k]
    }

    /// The whole table.
    pub fn table(&self) -> &[[S::Action; L]; NP] {
        &self.table
    }

    /// Number of policies (`NP`).
    pub const fn len(&self) -> usize {
        NP
    }

    /// Always false: a table has at least one policy.
    pub const fn is_empty(&self) -> bool {
        NP == 0
    }
}
