//! Policies: sequences of `L` actions (one per factor per step).
//!
//! The full table ([`Policies`]) enumerates every combination in pymdp's order
//! (`itertools.product` over the per-step, per-factor action ranges: the last factor of the
//! last step varies fastest; an uncontrolled factor always takes action 0), so policy indices
//! match pymdp's. It stores nothing: policy `k`'s action at step `t` is computed from `k`.
//! A [`CustomPolicies`] table stores one joint-action index per step, in the integer type `I`.

use core::fmt;
use core::marker::PhantomData;

use crate::error::{Entry, Error, Problem, Tensor};
use crate::spec::{self, ControlLayout, IndexArray, Spec, num_policies};

/// A set of `NP` policies of length `L` for the model `S`.
///
/// A step's *joint action* is the mixed-radix index of the per-factor actions (last factor
/// fastest), `0 .. ∏_f U_f`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a table of {NP} policies of length {L} for this model",
    note = "use `Policies::<S, L, NP>::all()` or `CustomPolicies::new(..)`"
)]
pub trait PolicySet<S: Spec, const L: usize, const NP: usize> {
    /// Whether this is the full table in pymdp's order (policy `k`'s joint actions are the
    /// base-`∏U_f` digits of `k`), which lets planning walk it as an odometer.
    const FULL: bool = false;

    /// The joint action of policy `k` at step `t`.
    ///
    /// # Panics
    /// May panic if `k >= NP` or `t >= L` (the tables index by them).
    fn joint(&self, k: usize, t: usize) -> usize;

    /// The per-factor actions of policy `k` at step `t`.
    ///
    /// # Panics
    /// May panic if `k >= NP` or `t >= L`, as [`joint`](Self::joint).
    #[inline]
    fn action(&self, k: usize, t: usize) -> S::Action {
        decode::<S>(self.joint(k, t))
    }

    /// Policy `k`: its `L` actions.
    ///
    /// # Panics
    /// May panic if `k >= NP`, as [`joint`](Self::joint).
    fn get(&self, k: usize) -> [S::Action; L] {
        core::array::from_fn(|t| self.action(k, t))
    }
}

/// The per-factor actions of a joint action index (mixed radix, last factor fastest).
#[inline]
pub fn decode<S: Spec>(mut joint: usize) -> S::Action {
    let mut a = S::Action::ZEROS;
    for (slot, info) in a.as_mut().iter_mut().zip(spec::factors::<S>()).rev() {
        *slot = joint % info.controls;
        joint /= info.controls;
    }
    a
}

/// The joint action index of per-factor actions (inverse of [`decode`]).
#[inline]
pub fn encode<S: Spec>(action: &S::Action) -> usize {
    let mut j = 0;
    for (&u, info) in action.as_ref().iter().zip(spec::factors::<S>()) {
        j = j * info.controls + u;
    }
    j
}

/// Every combination of actions, in pymdp's `construct_policies` order; computed, not stored
/// (`size_of` is 0).
pub struct Policies<S: Spec, const L: usize, const NP: usize>(PhantomData<fn() -> S>);

impl<S: Spec, const L: usize, const NP: usize> Clone for Policies<S, L, NP> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Spec, const L: usize, const NP: usize> Copy for Policies<S, L, NP> {}
impl<S: Spec, const L: usize, const NP: usize> Default for Policies<S, L, NP> {
    fn default() -> Self {
        Self::all()
    }
}
impl<S: Spec, const L: usize, const NP: usize> PartialEq for Policies<S, L, NP> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<S: Spec, const L: usize, const NP: usize> fmt::Debug for Policies<S, L, NP> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Policies::all({NP} policies of length {L})")
    }
}

/// Compile-time check that `NP` is the size of the full policy table of `S` for length `L`.
struct FullTable<S, const L: usize, const NP: usize>(PhantomData<S>);
impl<S: Spec, const L: usize, const NP: usize> FullTable<S, L, NP> {
    const CHECK: () = {
        assert!(
            L >= 1,
            "policies need at least one step (policy length L >= 1)"
        );
        assert!(
            !crate::spec::control_layout_value::<S>().explicit,
            "this model declares control factors (a `controls` section): its policies are over \
             the control factors, as pymdp's with B_action_dependencies; use \
             `ControlPolicies::all()` (e.g. `Agent::with_policy_table(model, config, \
             ControlPolicies::all())`) with NP = `{{ actinf::spec::num_control_policies::<Model>(L) }}`"
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
    /// use actinf::policy::{Policies, PolicySet};
    /// let p = Policies::<Two, 2, 36>::all();
    /// assert_eq!(p.get(1), [[0, 0], [0, 1]]);
    /// assert_eq!(p.get(3), [[0, 0], [1, 0]]);
    /// assert_eq!(p.get(6), [[0, 1], [0, 0]]);
    /// ```
    pub const fn all() -> Self {
        const { FullTable::<S, L, NP>::CHECK };
        Policies(PhantomData)
    }

    /// A user-chosen table (see [`CustomPolicies::new`]), with joint actions stored as `u8`.
    pub fn custom(table: &[[S::Action; L]; NP]) -> Result<CustomPolicies<S, L, NP>, Error> {
        CustomPolicies::new(table)
    }

    /// Policy `k`: its `L` actions (inherent shortcut for [`PolicySet::get`]).
    ///
    /// # Panics
    /// If `k >= NP`.
    pub fn get(&self, k: usize) -> [S::Action; L] {
        assert!(k < NP, "policy {k} out of range ({NP} policies)");
        PolicySet::get(self, k)
    }

    /// Every policy, in order.
    pub fn iter(&self) -> impl Iterator<Item = [S::Action; L]> + '_ {
        (0..NP).map(|k| PolicySet::get(self, k))
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

impl<S: Spec, const L: usize, const NP: usize> PolicySet<S, L, NP> for Policies<S, L, NP> {
    const FULL: bool = true;

    #[inline]
    fn joint(&self, k: usize, t: usize) -> usize {
        let per_step = spec::layout::<S>().joint_controls;
        let mut rest = k;
        for _ in t + 1..L {
            rest /= per_step;
        }
        rest % per_step
    }
}

/// An unsigned integer a custom policy table stores joint actions in.
pub trait ActionIndex: Copy + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The largest joint action it holds.
    const MAX: usize;
    /// Narrows (callers check `v <= MAX`).
    fn from_usize(v: usize) -> Self;
    /// Widens.
    fn to_usize(self) -> usize;
}

macro_rules! action_index {
    ($($t:ty),*) => {$(
        impl ActionIndex for $t {
            const MAX: usize = <$t>::MAX as usize;
            #[inline(always)]
            fn from_usize(v: usize) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_usize(self) -> usize {
                self as usize
            }
        }
    )*};
}
action_index!(u8, u16, u32);

/// A user-chosen table of `NP` policies of length `L`, stored as one joint-action index of
/// type `I` per step: `NP · L · size_of::<I>()` bytes (`u8` holds up to 256 joint actions).
pub struct CustomPolicies<S: Spec, const L: usize, const NP: usize, I: ActionIndex = u8> {
    table: [[I; L]; NP],
    _spec: PhantomData<fn() -> S>,
}

impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> Clone
    for CustomPolicies<S, L, NP, I>
{
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> Copy
    for CustomPolicies<S, L, NP, I>
{
}
impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> PartialEq
    for CustomPolicies<S, L, NP, I>
{
    fn eq(&self, o: &Self) -> bool {
        self.table == o.table
    }
}
impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> fmt::Debug
    for CustomPolicies<S, L, NP, I>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..NP).map(|k| PolicySet::get(self, k)))
            .finish()
    }
}

impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> CustomPolicies<S, L, NP, I> {
    /// A table from per-factor actions, each checked against the factors' action counts (and
    /// the joint action against what `I` holds).
    #[allow(
        clippy::indexing_slicing,
        reason = "`k < NP` and `t < L` index the `[[_; L]; NP]` table being built"
    )]
    pub fn new(table: &[[S::Action; L]; NP]) -> Result<Self, Error> {
        const {
            assert!(
                L >= 1 && NP >= 1,
                "a policy table needs L >= 1 steps and NP >= 1 policies"
            )
        };
        let fs = spec::factors::<S>();
        let mut out = [[I::from_usize(0); L]; NP];
        for (k, policy) in table.iter().enumerate() {
            for (t, action) in policy.iter().enumerate() {
                for (f, (&u, info)) in action.as_ref().iter().zip(fs).enumerate() {
                    if u >= info.controls {
                        return Err(Error::new(
                            Tensor::Policies,
                            f,
                            info.name,
                            Entry::new(&[k, t, f], false),
                            Problem::OutOfRange {
                                value: u,
                                len: info.controls,
                            },
                        ));
                    }
                }
                let j = encode::<S>(action);
                if j > I::MAX {
                    return Err(Error::new(
                        Tensor::Policies,
                        0,
                        "",
                        Entry::new(&[k, t], false),
                        Problem::OutOfRange {
                            value: j,
                            len: I::MAX + 1,
                        },
                    ));
                }
                out[k][t] = I::from_usize(j);
            }
        }
        Ok(CustomPolicies {
            table: out,
            _spec: PhantomData,
        })
    }

    /// Policy `k`: its `L` actions.
    ///
    /// # Panics
    /// If `k >= NP`.
    pub fn get(&self, k: usize) -> [S::Action; L] {
        PolicySet::get(self, k)
    }

    /// Every policy, in order.
    pub fn iter(&self) -> impl Iterator<Item = [S::Action; L]> + '_ {
        (0..NP).map(|k| PolicySet::get(self, k))
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

impl<S: Spec, const L: usize, const NP: usize, I: ActionIndex> PolicySet<S, L, NP>
    for CustomPolicies<S, L, NP, I>
{
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "`k < NP` and `t < L` are the contract of `PolicySet::joint` (documented)"
    )]
    fn joint(&self, k: usize, t: usize) -> usize {
        self.table[k][t].to_usize()
    }
}

// ---------------------------------------------------------------------------------------
// Control factors (pymdp `B_action_dependencies`)
// ---------------------------------------------------------------------------------------

/// Factor `f`'s flat action from the control factors' actions `c` (pymdp
/// `get_combination_index`: row-major over the factor's control factors, last fastest).
#[inline]
#[allow(
    clippy::indexing_slicing,
    reason = "control ids are `< num_controls <= c.len()` and `< MAX_CONTROLS` (checked at \
              compile time by `check_spec`)"
)]
fn flat_action(cl: &ControlLayout, f: usize, c: &[usize]) -> usize {
    let deps = &cl.deps[f];
    let mut a = 0;
    for &id in deps.ids.split_at(deps.len.min(deps.ids.len())).0 {
        a = a * cl.sizes[id] + c[id];
    }
    a
}

/// The state factors' (flat) actions of control actions: pymdp `encode_multi_actions`.
///
/// State factor `f`'s action is the row-major combination index of the actions of its control
/// factors (`controlled_by [..]`, pymdp `B_action_dependencies[f]`); a factor with no control
/// factor takes action 0. Errors if a control action is out of range.
///
/// ```
/// actinf::model! {
///     pub Arm {
///         controls { Move: 3, Grip: 2 }
///         factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
///         modalities { Seen: 3 depends_on [Place] }
///     }
/// }
/// use actinf::policy::{decode_multi_actions, encode_multi_actions};
/// assert_eq!(encode_multi_actions::<Arm>(&[2, 1])?, [2, 5]); // Obj: 2·2 + 1
/// assert_eq!(decode_multi_actions::<Arm>(&[2, 5])?, [2, 1]);
/// assert!(decode_multi_actions::<Arm>(&[1, 5]).is_err()); // Move = 1 or 2?
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn encode_multi_actions<S: Spec>(controls: &S::ControlAction) -> Result<S::Action, Error> {
    let cl = spec::controls::<S>();
    for (c, (&u, &size)) in controls.as_ref().iter().zip(&cl.sizes).enumerate() {
        if u >= size {
            return Err(Error::new(
                Tensor::ControlAction,
                c,
                cl.names.get(c).copied().unwrap_or(""),
                Entry::at(c),
                Problem::OutOfRange {
                    value: u,
                    len: size,
                },
            ));
        }
    }
    let mut a = S::Action::ZEROS;
    for (f, slot) in a.as_mut().iter_mut().enumerate() {
        *slot = flat_action(cl, f, controls.as_ref());
    }
    Ok(a)
}

/// The control actions of state factors' (flat) actions: pymdp `decode_multi_actions`
/// (pymdp `index_to_combination` per factor).
///
/// A control factor no state factor depends on gets action 0. Errors if an action is out of
/// range, or if two factors imply different actions for a control factor they share
/// ([`Problem::ControlMismatch`]; pymdp keeps the last factor's).
#[allow(
    clippy::indexing_slicing,
    reason = "control ids are `< num_controls`, the length of `S::ControlAction` and `<= \
              MAX_CONTROLS` (checked at compile time by `check_spec`)"
)]
pub fn decode_multi_actions<S: Spec>(action: &S::Action) -> Result<S::ControlAction, Error> {
    let cl = spec::controls::<S>();
    let mut out = S::ControlAction::ZEROS;
    let mut set = [false; spec::MAX_CONTROLS];
    for (f, (&u, info)) in action.as_ref().iter().zip(spec::factors::<S>()).enumerate() {
        if u >= info.controls {
            return Err(Error::new(
                Tensor::Action,
                f,
                info.name,
                Entry::at(f),
                Problem::OutOfRange {
                    value: u,
                    len: info.controls,
                },
            ));
        }
        let deps = &cl.deps[f];
        let ids = deps.ids.split_at(deps.len.min(deps.ids.len())).0;
        let mut rest = u;
        for &id in ids.iter().rev() {
            let v = rest % cl.sizes[id];
            rest /= cl.sizes[id];
            let slot = &mut out.as_mut()[id];
            if set[id] && *slot != v {
                return Err(Error::new(
                    Tensor::Action,
                    f,
                    info.name,
                    Entry::at(f),
                    Problem::ControlMismatch {
                        control: narrow(id),
                        first: narrow(*slot),
                        second: narrow(v),
                    },
                ));
            }
            *slot = v;
            set[id] = true;
        }
    }
    Ok(out)
}

/// `v` as `u32` (saturating), for error reports.
fn narrow(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The control actions of joint control index `j` (mixed radix over the control factors,
/// last fastest).
#[inline]
fn control_digits<S: Spec>(mut j: usize) -> S::ControlAction {
    let cl = spec::controls::<S>();
    let mut c = S::ControlAction::ZEROS;
    for (slot, &size) in c.as_mut().iter_mut().zip(&cl.sizes).rev() {
        *slot = j % size;
        j /= size;
    }
    c
}

/// Every combination of control-factor actions, in pymdp's order with
/// `B_action_dependencies` (`itertools.product` over the control factors of every step, the
/// last control factor of the last step fastest), mapped to the state factors' flat actions
/// ([`encode_multi_actions`]); computed, not stored (`size_of` is 0).
///
/// `NP` must be `(∏_c K_c)^L` ([`num_control_policies`](spec::num_control_policies)),
/// checked at compile time. Without declared control factors this is [`Policies::all`].
///
/// ```
/// actinf::model! {
///     pub Arm {
///         controls { Move: 3, Grip: 2 }
///         factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
///         modalities { Seen: 3 depends_on [Place] }
///     }
/// }
/// use actinf::policy::{ControlPolicies, PolicySet};
/// let p = ControlPolicies::<Arm, 1, 6>::all();
/// assert_eq!(p.get(3), [[1, 3]]); // Move 1, Grip 1: Obj's action 1·2 + 1
/// assert_eq!(p.control_action(3, 0), [1, 1]);
/// ```
pub struct ControlPolicies<S: Spec, const L: usize, const NP: usize>(PhantomData<fn() -> S>);

impl<S: Spec, const L: usize, const NP: usize> Clone for ControlPolicies<S, L, NP> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Spec, const L: usize, const NP: usize> Copy for ControlPolicies<S, L, NP> {}
impl<S: Spec, const L: usize, const NP: usize> Default for ControlPolicies<S, L, NP> {
    fn default() -> Self {
        Self::all()
    }
}
impl<S: Spec, const L: usize, const NP: usize> PartialEq for ControlPolicies<S, L, NP> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<S: Spec, const L: usize, const NP: usize> fmt::Debug for ControlPolicies<S, L, NP> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ControlPolicies::all({NP} policies of length {L} over control factors)"
        )
    }
}

/// Compile-time check that `NP` is the size of the control-factor policy table.
struct FullControlTable<S, const L: usize, const NP: usize>(PhantomData<S>);
impl<S: Spec, const L: usize, const NP: usize> FullControlTable<S, L, NP> {
    const CHECK: () = {
        assert!(
            L >= 1,
            "policies need at least one step (policy length L >= 1)"
        );
        assert!(
            NP == spec::num_control_policies::<S>(L),
            "wrong policy count: NP must equal (product of the control factors' sizes)^L; \
             write it as `{{ actinf::spec::num_control_policies::<Model>(L) }}`"
        );
    };
}

impl<S: Spec, const L: usize, const NP: usize> ControlPolicies<S, L, NP> {
    /// Every combination of control actions, in pymdp's order.
    ///
    /// `NP` must be `(∏_c K_c)^L`; anything else is a compile error.
    pub const fn all() -> Self {
        const { FullControlTable::<S, L, NP>::CHECK };
        ControlPolicies(PhantomData)
    }

    /// The joint control index of policy `k` at step `t`.
    #[inline]
    fn control_joint(k: usize, t: usize) -> usize {
        let per_step = spec::controls::<S>().joint;
        let mut rest = k;
        for _ in t + 1..L {
            rest /= per_step;
        }
        rest % per_step
    }

    /// The control factors' actions of policy `k` at step `t`.
    ///
    /// # Panics
    /// If `k >= NP` or `t >= L`.
    pub fn control_action(&self, k: usize, t: usize) -> S::ControlAction {
        assert!(k < NP && t < L, "policy {k}, step {t} out of range");
        control_digits::<S>(Self::control_joint(k, t))
    }

    /// Policy `k`: its `L` actions over the state factors (inherent shortcut for
    /// [`PolicySet::get`]).
    ///
    /// # Panics
    /// If `k >= NP`.
    pub fn get(&self, k: usize) -> [S::Action; L] {
        assert!(k < NP, "policy {k} out of range ({NP} policies)");
        PolicySet::get(self, k)
    }

    /// Every policy (over the state factors), in order.
    pub fn iter(&self) -> impl Iterator<Item = [S::Action; L]> + '_ {
        (0..NP).map(|k| PolicySet::get(self, k))
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

impl<S: Spec, const L: usize, const NP: usize> PolicySet<S, L, NP> for ControlPolicies<S, L, NP> {
    // Without declared control factors, the table is exactly `Policies::all`.
    const FULL: bool = !spec::control_layout_value::<S>().explicit;

    #[inline]
    fn joint(&self, k: usize, t: usize) -> usize {
        let cl = spec::controls::<S>();
        let c = control_digits::<S>(Self::control_joint(k, t));
        let mut j = 0;
        for (f, info) in spec::factors::<S>().iter().enumerate() {
            j = j * info.controls + flat_action(cl, f, c.as_ref());
        }
        j
    }
}

/// pymdp's `unique_multiactions`: the distinct first-step actions of a policy table, sorted
/// (lexicographically over the state factors' flat actions, i.e. by joint action index),
/// written to the front of `out`; returns how many.
///
/// Errors ([`Problem::WrongLength`]) if `out` is too short; `∏_f U_f` entries
/// (`spec::layout::<S>().joint_controls`) always suffice.
pub fn unique_multiactions<S: Spec, P: PolicySet<S, L, NP>, const L: usize, const NP: usize>(
    policies: &P,
    out: &mut [S::Action],
) -> Result<usize, Error> {
    let mut n = 0;
    for j in 0..spec::layout::<S>().joint_controls {
        if (0..NP).any(|k| policies.joint(k, 0) == j) {
            n = push(out, n, decode::<S>(j))?;
        }
    }
    Ok(n)
}

/// pymdp's `multiaction_probabilities` (full sampling mode): for each distinct first-step
/// action, in [`unique_multiactions`] order, the total posterior probability `q_pi` of the
/// policies starting with it; written to the front of `out`, returns how many.
///
/// Errors ([`Problem::WrongLength`]) if `out` is too short; `∏_f U_f` entries always suffice.
pub fn multiaction_probabilities<
    T: crate::Real,
    S: Spec,
    P: PolicySet<S, L, NP>,
    const L: usize,
    const NP: usize,
>(
    policies: &P,
    q_pi: &[T; NP],
    out: &mut [T],
) -> Result<usize, Error> {
    let mut n = 0;
    for j in 0..spec::layout::<S>().joint_controls {
        let mut found = false;
        let mut p = T::ZERO;
        for (k, &q) in q_pi.iter().enumerate() {
            if policies.joint(k, 0) == j {
                found = true;
                p += q;
            }
        }
        if found {
            n = push(out, n, p)?;
        }
    }
    Ok(n)
}

/// Writes `x` at `out[n]`, or errors if `out` is full; returns `n + 1`.
fn push<X>(out: &mut [X], n: usize, x: X) -> Result<usize, Error> {
    let len = out.len();
    match out.get_mut(n) {
        Some(slot) => {
            *slot = x;
            Ok(n + 1)
        }
        None => Err(Error::new(
            Tensor::Policies,
            0,
            "",
            Entry::at(n),
            Problem::WrongLength {
                expected: n + 1,
                found: len,
            },
        )),
    }
}
