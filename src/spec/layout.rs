//! The layout of a model: every size and offset, computed at compile time from the spec.
//!
//! All numeric storage is flat (`[T; N]`), one block per kind of tensor, each modality's or
//! factor's part at a fixed offset: beliefs and `D` over `Σ_f N_f` states, `C` and predicted
//! outcomes over `Σ_m NO_m` outcomes, `A` (and `ln A`, `pA`) over `Σ_m NO_m·J_m` entries in
//! pymdp's order (outcome, then the parents in C order), `H[A]` over `Σ_m J_m` parent states,
//! `B` (and `pB`) over `Σ_f U_f·N_f·J_f` entries as one row-major `N_f × J_f` matrix per action.
//! [`Layout`] records those sizes and offsets; kernels read them from a `const`, so after
//! inlining they are constants.

use core::fmt;

/// Most hidden-state factors a model may have.
pub const MAX_FACTORS: usize = 16;
/// Most observation modalities a model may have.
pub const MAX_MODALITIES: usize = 32;
/// Most control factors a model may declare (pymdp `num_controls` with
/// `B_action_dependencies`).
pub const MAX_CONTROLS: usize = 16;
/// Most factors a single tensor may depend on (every factor of a model).
pub const MAX_PARENTS: usize = MAX_FACTORS;
const _: () = assert!(MAX_PARENTS <= crate::maths::tensor::MAX_AXES);

/// The factors a tensor is conditioned on, in axis order, with their sizes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Parents {
    /// Number of parents.
    pub len: usize,
    /// Model position of each parent.
    pub ids: [usize; MAX_PARENTS],
    /// Number of states of each parent.
    pub dims: [usize; MAX_PARENTS],
    /// Number of joint parent states, `∏ dims`.
    pub joint: usize,
}

impl Parents {
    const EMPTY: Parents = Parents {
        len: 0,
        ids: [0; MAX_PARENTS],
        dims: [0; MAX_PARENTS],
        joint: 1,
    };

    /// The parents' model positions.
    #[inline(always)]
    pub fn ids(&self) -> &[usize] {
        // `len` is public: never slice past the stored parents, whatever it says.
        self.ids.split_at(self.len.min(MAX_PARENTS)).0
    }

    /// The parents' state counts.
    #[inline(always)]
    pub fn dims(&self) -> &[usize] {
        self.dims.split_at(self.len.min(MAX_PARENTS)).0
    }

    /// The joint (C-order) index of the parents' states in `states`, one state per factor of
    /// the model (pymdp's flattening of a tensor's parent axes).
    ///
    /// # Panics
    /// If `states` does not cover every parent factor.
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "documented `# Panics` contract: one state per model factor"
    )]
    pub fn joint_index(&self, states: &[usize]) -> usize {
        self.ids()
            .iter()
            .zip(self.dims())
            .fold(0, |j, (&id, &dim)| j * dim + states[id])
    }

    /// Whether factor `f` is a parent.
    #[allow(
        clippy::indexing_slicing,
        reason = "`k < MAX_PARENTS`, the array length"
    )]
    pub const fn contains(&self, f: usize) -> bool {
        let mut k = 0;
        while k < self.len && k < MAX_PARENTS {
            if self.ids[k] == f {
                return true;
            }
            k += 1;
        }
        false
    }
}

impl fmt::Debug for Parents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.ids()).finish()
    }
}

/// What a factor declares: its sizes, name and transition parents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactorDecl {
    /// Name, for messages.
    pub name: &'static str,
    /// Number of states.
    pub states: usize,
    /// Number of actions.
    pub controls: usize,
    /// Declared position.
    pub position: usize,
    /// The control factors driving the transition (pymdp `B_action_dependencies[f]`), empty
    /// for a factor with actions of its own (`controlled_by U`).
    pub control_ids: Ids,
    /// The sizes of the trailing action axes of `B[f]` in pymdp's layout: the control
    /// factors' sizes, in the same order (`[U]` for a factor `controlled_by U`, empty for
    /// `controlled_by []`).
    pub control_dims: Ids,
}

impl FactorDecl {
    pub(crate) const EMPTY: FactorDecl = FactorDecl {
        name: "",
        states: 0,
        controls: 0,
        position: 0,
        control_ids: Ids::EMPTY,
        control_dims: Ids::EMPTY,
    };
}

/// What a control factor declares (a `controls { Name: K }` entry of [`model!`](crate::model!)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlDecl {
    /// Name, for messages.
    pub name: &'static str,
    /// Number of actions of the control factor.
    pub size: usize,
    /// Declared position.
    pub position: usize,
}

impl ControlDecl {
    pub(crate) const EMPTY: ControlDecl = ControlDecl {
        name: "",
        size: 0,
        position: 0,
    };
}

/// The control factors of a model and how they drive the state factors' actions (pymdp
/// `num_controls` and `B_action_dependencies`), computed at compile time.
///
/// Without declared control factors, every state factor is its own control factor
/// (pymdp's default `B_action_dependencies = [[f]]`): `num_controls = F`, `sizes[f] = U_f`.
/// With them, state factor `f`'s action is the row-major combination index of the actions of
/// its control factors `deps[f]` (pymdp `get_combination_index`, last fastest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlLayout {
    /// Whether the model declares control factors (a `controls { … }` section).
    pub explicit: bool,
    /// Number of control factors.
    pub num_controls: usize,
    /// Each control factor's number of actions.
    pub sizes: [usize; MAX_CONTROLS],
    /// Each control factor's name.
    pub names: [&'static str; MAX_CONTROLS],
    /// Each state factor's control factors, in its `B`'s trailing axis order.
    pub deps: [Ids; MAX_FACTORS],
    /// Each state factor's trailing action axes of `B[f]` in pymdp's layout (the sizes of
    /// its control factors; `[U_f]` for a factor with actions of its own).
    pub action_axes: [Ids; MAX_FACTORS],
    /// Number of joint control actions per step, `∏ sizes`.
    pub joint: usize,
    /// More control factors than [`MAX_CONTROLS`].
    pub too_many: bool,
    /// Every control factor sits at the position it declares.
    pub positions_ok: bool,
    /// Every state factor's control factors are declared ones, with their declared sizes, and
    /// none is listed twice.
    pub deps_ok: bool,
    /// With declared control factors, no state factor has several actions of its own; without
    /// them, no state factor names control factors.
    pub kinds_ok: bool,
}

impl ControlLayout {
    /// Builds the control layout from the factor and control-factor declarations.
    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: indices are bounded by the tables' capacities (checked), \
                  and any out-of-range index would be a compile error"
    )]
    pub const fn build(
        factors: &Table<FactorDecl, MAX_FACTORS>,
        controls: &Table<ControlDecl, MAX_CONTROLS>,
    ) -> ControlLayout {
        let mut l = ControlLayout {
            explicit: controls.len > 0,
            num_controls: 0,
            sizes: [0; MAX_CONTROLS],
            names: [""; MAX_CONTROLS],
            deps: [Ids::EMPTY; MAX_FACTORS],
            action_axes: [Ids::EMPTY; MAX_FACTORS],
            joint: 1,
            too_many: controls.len > MAX_CONTROLS || factors.len > MAX_FACTORS,
            positions_ok: true,
            deps_ok: true,
            kinds_ok: true,
        };
        if l.too_many {
            return l;
        }
        let nf = factors.len;
        let mut f = 0;
        while f < nf {
            l.action_axes[f] = factors.items[f].control_dims;
            f += 1;
        }
        if !l.explicit {
            l.num_controls = nf;
            let mut f = 0;
            while f < nf {
                let d = &factors.items[f];
                l.sizes[f] = d.controls;
                l.names[f] = d.name;
                l.deps[f] = Ids::EMPTY.push_front(f);
                l.joint = l.joint.saturating_mul(d.controls);
                if d.control_ids.len > 0 {
                    l.kinds_ok = false;
                }
                f += 1;
            }
            return l;
        }
        l.num_controls = controls.len;
        let mut c = 0;
        while c < controls.len {
            let d = &controls.items[c];
            l.sizes[c] = d.size;
            l.names[c] = d.name;
            l.joint = l.joint.saturating_mul(d.size);
            if d.position != c {
                l.positions_ok = false;
            }
            c += 1;
        }
        let mut f = 0;
        while f < nf {
            let d = &factors.items[f];
            l.deps[f] = d.control_ids;
            if d.control_ids.len == 0 && d.controls != 1 {
                l.kinds_ok = false;
            }
            if d.control_ids.len > MAX_PARENTS {
                l.deps_ok = false;
            } else {
                let mut k = 0;
                while k < d.control_ids.len {
                    let id = d.control_ids.ids[k];
                    if id >= controls.len || l.sizes[id] != d.control_dims.ids[k] {
                        l.deps_ok = false;
                    }
                    let mut j = 0;
                    while j < k {
                        if d.control_ids.ids[j] == id {
                            l.deps_ok = false;
                        }
                        j += 1;
                    }
                    k += 1;
                }
            }
            f += 1;
        }
        l
    }
}

/// What a modality declares: its outcome count, name and likelihood parents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModalityDecl {
    /// Name, for messages.
    pub name: &'static str,
    /// Number of outcomes.
    pub outcomes: usize,
    /// Declared position.
    pub position: usize,
}

impl ModalityDecl {
    pub(crate) const EMPTY: ModalityDecl = ModalityDecl {
        name: "",
        outcomes: 0,
        position: 0,
    };
}

/// A list of positions (a dependency list), fixed capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ids {
    /// Number of entries.
    pub len: usize,
    /// The positions.
    pub ids: [usize; MAX_PARENTS],
}

impl Ids {
    pub(crate) const EMPTY: Ids = Ids {
        len: 0,
        ids: [0; MAX_PARENTS],
    };

    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: `k <= len < CAP`, and any out-of-range index would be a compile error"
    )]
    pub(crate) const fn push_front(mut self, id: usize) -> Ids {
        if self.len < MAX_PARENTS {
            let mut k = self.len;
            while k > 0 {
                self.ids[k] = self.ids[k - 1];
                k -= 1;
            }
            self.ids[0] = id;
        }
        self.len += 1;
        self
    }
}

/// A fixed-capacity list built at compile time, one entry per list element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table<X: Copy, const CAP: usize> {
    /// The entries (the first `len` are meaningful).
    pub items: [X; CAP],
    /// Number of entries (may exceed `CAP`: then the list is too long, see `check_spec`).
    pub len: usize,
}

impl<X: Copy, const CAP: usize> Table<X, CAP> {
    pub(crate) const fn empty(fill: X) -> Self {
        Table {
            items: [fill; CAP],
            len: 0,
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: `k <= len < CAP`, and any out-of-range index would be a compile error"
    )]
    pub(crate) const fn push_front(mut self, x: X) -> Self {
        if self.len < CAP {
            let mut k = self.len;
            while k > 0 {
                self.items[k] = self.items[k - 1];
                k -= 1;
            }
            self.items[0] = x;
        }
        self.len += 1;
        self
    }
}

/// One hidden-state factor's sizes and where its data sit in the flat storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactorInfo {
    /// Name, for messages.
    pub name: &'static str,
    /// Number of states `N`.
    pub states: usize,
    /// Number of actions `U`.
    pub controls: usize,
    /// Offset of this factor's marginal in a belief (`Σ` of the previous factors' states).
    pub offset: usize,
    /// Offset of this factor's action vector in per-factor action storage.
    pub control_offset: usize,
    /// The transition's parents (pymdp `B_dependencies[f]`, including the factor itself).
    pub parents: Parents,
    /// Position of the factor itself among its transition parents.
    pub own_axis: usize,
    /// Offset of `B[f]` in the flat transitions (`U` row-major `N × J` matrices).
    pub transition_offset: usize,
    /// Offset of this factor's `U · J` columns in per-column tables.
    pub column_offset: usize,
    /// Whether the factor's state cannot depend on the policy: one action, and every
    /// transition parent is itself policy-independent.
    pub policy_independent: bool,
    /// Offset of this factor's `N × N` block in pairwise storage (`Σ` of the previous `N²`).
    pub pair_offset: usize,
}

impl FactorInfo {
    const EMPTY: FactorInfo = FactorInfo {
        name: "",
        states: 0,
        controls: 0,
        offset: 0,
        control_offset: 0,
        parents: Parents::EMPTY,
        own_axis: 0,
        transition_offset: 0,
        column_offset: 0,
        policy_independent: false,
        pair_offset: 0,
    };

    /// Number of entries of `B[f]`: `U · N · J`.
    pub const fn transition_len(&self) -> usize {
        self.controls * self.states * self.parents.joint
    }

    /// The range of this factor's marginal in a belief.
    pub const fn range(&self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.states
    }

    /// The range of this factor's `N × N` block in pairwise storage.
    pub const fn pair_range(&self) -> core::ops::Range<usize> {
        self.pair_offset..self.pair_offset + self.states * self.states
    }
}

/// One modality's sizes and where its data sit in the flat storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModalityInfo {
    /// Name, for messages.
    pub name: &'static str,
    /// Number of outcomes `NO`.
    pub outcomes: usize,
    /// Offset of this modality's vector in outcome storage (`C`, predicted outcomes).
    pub offset: usize,
    /// The likelihood's parents (pymdp `A_dependencies[m]`), in axis order.
    pub parents: Parents,
    /// Offset of `A[m]` in the flat likelihoods (`NO × J`, row-major).
    pub likelihood_offset: usize,
    /// Offset of this modality's tensor over its parents (`H[A]`, log-likelihoods).
    pub tensor_offset: usize,
    /// The first modality with exactly the same parents in the same order (itself if none
    /// before it): log-likelihoods of such modalities can be summed before message passing.
    pub group: usize,
    /// Bit `k` set when parent `k` is policy-independent (see
    /// [`FactorInfo::policy_independent`]).
    pub static_parents: u32,
    /// `∏` of the policy-dependent parents' sizes.
    pub dynamic_joint: usize,
    /// For a modality with both kinds of parents: offset of its likelihood reduced over the
    /// policy-independent parents (`NO × dynamic_joint`) in planning scratch.
    pub reduced_offset: usize,
    /// For such a modality: offset of its reduced column entropies (`dynamic_joint`).
    pub reduced_tensor_offset: usize,
}

impl ModalityInfo {
    const EMPTY: ModalityInfo = ModalityInfo {
        name: "",
        outcomes: 0,
        offset: 0,
        parents: Parents::EMPTY,
        likelihood_offset: 0,
        tensor_offset: 0,
        group: 0,
        static_parents: 0,
        dynamic_joint: 1,
        reduced_offset: 0,
        reduced_tensor_offset: 0,
    };

    /// Number of entries of `A[m]`: `NO · J`.
    pub const fn likelihood_len(&self) -> usize {
        self.outcomes * self.parents.joint
    }

    /// The range of this modality's vector in outcome storage.
    pub const fn range(&self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.outcomes
    }

    /// The range of `A[m]` in the flat likelihoods.
    pub const fn likelihood_range(&self) -> core::ops::Range<usize> {
        self.likelihood_offset..self.likelihood_offset + self.likelihood_len()
    }

    /// The range of this modality's tensor over its parents.
    pub const fn tensor_range(&self) -> core::ops::Range<usize> {
        self.tensor_offset..self.tensor_offset + self.parents.joint
    }

    /// Whether every parent is policy-independent.
    pub const fn all_static(&self) -> bool {
        self.static_parents == (1u32 << self.parents.len) - 1
    }

    /// Whether some parents are policy-independent and some are not.
    pub const fn mixed(&self) -> bool {
        self.static_parents != 0 && !self.all_static()
    }

    /// The range of the reduced likelihood in planning scratch (empty unless [`mixed`](Self::mixed)).
    pub const fn reduced_range(&self) -> core::ops::Range<usize> {
        let n = if self.mixed() {
            self.outcomes * self.dynamic_joint
        } else {
            0
        };
        self.reduced_offset..self.reduced_offset + n
    }

    /// The range of the reduced column entropies in planning scratch.
    pub const fn reduced_tensor_range(&self) -> core::ops::Range<usize> {
        let n = if self.mixed() { self.dynamic_joint } else { 0 };
        self.reduced_tensor_offset..self.reduced_tensor_offset + n
    }
}

/// Every size and offset of a model, computed at compile time (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Number of factors.
    pub num_factors: usize,
    /// Number of modalities.
    pub num_modalities: usize,
    /// Per-factor information (the first `num_factors`).
    pub factors: [FactorInfo; MAX_FACTORS],
    /// Per-modality information (the first `num_modalities`).
    pub modalities: [ModalityInfo; MAX_MODALITIES],
    /// `Σ_f N_f`: length of a belief.
    pub states: usize,
    /// `Σ_m NO_m`: length of outcome storage.
    pub outcomes: usize,
    /// `Σ_f U_f`: length of per-factor action storage.
    pub controls: usize,
    /// `Σ_m NO_m · J_m`: length of the flat likelihoods.
    pub likelihoods: usize,
    /// `Σ_m J_m`: length of per-modality tensors over the parents.
    pub tensors: usize,
    /// `Σ_f U_f · N_f · J_f`: length of the flat transitions.
    pub transitions: usize,
    /// `Σ_f U_f · J_f`: number of transition columns.
    pub columns: usize,
    /// `Σ_f N_f²`: length of pairwise (two-step joint) storage.
    pub pairs: usize,
    /// `∏_f U_f`: joint actions per step.
    pub joint_controls: usize,
    /// `Σ NO_m · dynamic_joint_m` over modalities with mixed parents (planning scratch).
    pub reduced: usize,
    /// `Σ dynamic_joint_m` over modalities with mixed parents (planning scratch).
    pub reduced_tensors: usize,
    /// Largest `J` over modalities and factors (scratch size for contractions).
    pub max_joint: usize,
    /// Whether the declared positions match the list order and every parent is a declared
    /// factor (checked again by the type system; kept for hand-written specs).
    pub positions_ok: bool,
    /// Whether some list was longer than the fixed capacity.
    pub too_many: bool,
}

impl Layout {
    /// Builds the layout from the lists' declarations.
    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation (the layout is a `const`): an out-of-range index is a compile error, not a run-time panic"
    )]
    pub const fn build(
        factors: &Table<FactorDecl, MAX_FACTORS>,
        transition_parents: &Table<Ids, MAX_FACTORS>,
        modalities: &Table<ModalityDecl, MAX_MODALITIES>,
        likelihood_parents: &Table<Ids, MAX_MODALITIES>,
    ) -> Layout {
        let mut l = Layout {
            num_factors: factors.len,
            num_modalities: modalities.len,
            factors: [FactorInfo::EMPTY; MAX_FACTORS],
            modalities: [ModalityInfo::EMPTY; MAX_MODALITIES],
            states: 0,
            outcomes: 0,
            controls: 0,
            likelihoods: 0,
            tensors: 0,
            transitions: 0,
            columns: 0,
            pairs: 0,
            joint_controls: 1,
            reduced: 0,
            reduced_tensors: 0,
            max_joint: 1,
            positions_ok: true,
            too_many: factors.len > MAX_FACTORS
                || modalities.len > MAX_MODALITIES
                || transition_parents.len != factors.len
                || likelihood_parents.len != modalities.len,
        };
        if l.too_many {
            return l;
        }
        let nf = factors.len;
        let mut f = 0;
        while f < nf {
            let d = factors.items[f];
            if d.position != f {
                l.positions_ok = false;
            }
            l.factors[f].name = d.name;
            l.factors[f].states = d.states;
            l.factors[f].controls = d.controls;
            l.factors[f].offset = l.states;
            l.factors[f].control_offset = l.controls;
            l.factors[f].pair_offset = l.pairs;
            l.pairs += d.states * d.states;
            l.states += d.states;
            l.controls += d.controls;
            l.joint_controls *= d.controls;
            f += 1;
        }
        // Transitions: parents, sizes, offsets.
        let mut f = 0;
        while f < nf {
            let ids = transition_parents.items[f];
            if ids.len > MAX_PARENTS {
                l.too_many = true;
                return l;
            }
            let p = Self::parents(&l, &ids);
            if p.len == usize::MAX {
                l.positions_ok = false;
                return l;
            }
            let mut own = 0;
            let mut k = 0;
            while k < p.len {
                if p.ids[k] == f {
                    own = k;
                }
                k += 1;
            }
            l.factors[f].parents = p;
            l.factors[f].own_axis = own;
            l.factors[f].transition_offset = l.transitions;
            l.factors[f].column_offset = l.columns;
            l.transitions += l.factors[f].transition_len();
            l.columns += l.factors[f].controls * p.joint;
            if p.joint > l.max_joint {
                l.max_joint = p.joint;
            }
            f += 1;
        }
        // Policy independence: a fixed point (one action, every parent independent).
        let mut f = 0;
        while f < nf {
            l.factors[f].policy_independent = l.factors[f].controls == 1;
            f += 1;
        }
        let mut changed = true;
        while changed {
            changed = false;
            let mut f = 0;
            while f < nf {
                if l.factors[f].policy_independent {
                    let p = l.factors[f].parents;
                    let mut k = 0;
                    while k < p.len {
                        if !l.factors[p.ids[k]].policy_independent {
                            l.factors[f].policy_independent = false;
                            changed = true;
                        }
                        k += 1;
                    }
                }
                f += 1;
            }
        }
        // Modalities.
        let nm = modalities.len;
        let mut m = 0;
        while m < nm {
            let d = modalities.items[m];
            if d.position != m {
                l.positions_ok = false;
            }
            let ids = likelihood_parents.items[m];
            if ids.len > MAX_PARENTS {
                l.too_many = true;
                return l;
            }
            let p = Self::parents(&l, &ids);
            if p.len == usize::MAX {
                l.positions_ok = false;
                return l;
            }
            let mut group = m;
            let mut g = 0;
            while g < m {
                if l.modalities[g].group == g && Self::same_ids(&l.modalities[g].parents, &p) {
                    group = g;
                    break;
                }
                g += 1;
            }
            let mut static_parents = 0u32;
            let mut dynamic_joint = 1;
            let mut k = 0;
            while k < p.len {
                if l.factors[p.ids[k]].policy_independent {
                    static_parents |= 1 << k;
                } else {
                    dynamic_joint *= p.dims[k];
                }
                k += 1;
            }
            l.modalities[m] = ModalityInfo {
                name: d.name,
                outcomes: d.outcomes,
                offset: l.outcomes,
                parents: p,
                likelihood_offset: l.likelihoods,
                tensor_offset: l.tensors,
                group,
                static_parents,
                dynamic_joint,
                reduced_offset: l.reduced,
                reduced_tensor_offset: l.reduced_tensors,
            };
            if l.modalities[m].mixed() {
                l.reduced += d.outcomes * dynamic_joint;
                l.reduced_tensors += dynamic_joint;
            }
            l.outcomes += d.outcomes;
            l.likelihoods += d.outcomes * p.joint;
            l.tensors += p.joint;
            if p.joint > l.max_joint {
                l.max_joint = p.joint;
            }
            m += 1;
        }
        l
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: indices below `len <= MAX_PARENTS`"
    )]
    const fn same_ids(a: &Parents, b: &Parents) -> bool {
        if a.len != b.len {
            return false;
        }
        let mut k = 0;
        while k < a.len {
            if a.ids[k] != b.ids[k] {
                return false;
            }
            k += 1;
        }
        true
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: indices below `len <= MAX_PARENTS` and checked factor ids"
    )]
    const fn parents(l: &Layout, ids: &Ids) -> Parents {
        let mut p = Parents::EMPTY;
        p.len = ids.len;
        let mut k = 0;
        while k < ids.len {
            let id = ids.ids[k];
            if id >= l.num_factors {
                p.len = usize::MAX;
                return p;
            }
            p.ids[k] = id;
            p.dims[k] = l.factors[id].states;
            p.joint *= l.factors[id].states;
            k += 1;
        }
        p
    }

    /// The factors' information, one per factor.
    #[inline]
    pub fn factor_infos(&self) -> &[FactorInfo] {
        self.factors.split_at(self.num_factors.min(MAX_FACTORS)).0
    }

    /// The modalities' information, one per modality.
    #[inline]
    pub fn modality_infos(&self) -> &[ModalityInfo] {
        self.modalities
            .split_at(self.num_modalities.min(MAX_MODALITIES))
            .0
    }
}
