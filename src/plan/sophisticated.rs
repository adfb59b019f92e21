//! Sophisticated inference: a tree search over actions and the observations they may bring
//! (pymdp `planning/si.py`, `si_policy_search`).
//!
//! From the current beliefs (the root, an *observation node*), every one-step action `a` is
//! scored as pymdp's SI does: `q' = B(a)·q`, `qo = A·q'`, `G(a) = U + IG` (utility with the
//! step-0 `C` and state information gain only: no `E`, no parameter information gain, no
//! inductive term, the search's own `γ`), `q(a) = softmax(γ · G)`. Each action kept becomes a
//! *policy node*; each likely observation under it (the top `k` outcomes per modality,
//! renormalised, combined across modalities) becomes an observation node holding the
//! posterior `infer_states(o, prior = q')` (the library's FPI). Expansion proceeds one
//! horizon at a time; after each, a backward pass from the deepest expanded horizon to the
//! root sets, at every observation node,
//!
//! `value(a) = G(a) + Σ_o p(o) · value(o)` (or `−prune_penalty` for an action with no
//! children), `q = softmax(γ · value)`, `value(node) = q · value`,
//!
//! unlinks the actions with `q < policy_prune_threshold` and frees the nodes no longer
//! reachable. The search stops at the horizon, when the root's `q` has entropy
//! `≤ entropy_stop_threshold`, or when the root's value reaches `efe_stop_threshold`. The
//! result is the root's `q` over the actions (pymdp's `q_π`) and their values (neg EFE).
//!
//! # Differences from pymdp
//!
//! * **Any branching.** pymdp needs `num_policies ≤ max_branching` (issue #418). Here an
//!   observation node keeps the `MB` most probable actions (by the forward `q`, ties to the
//!   lower index) and scores the others as pruned (`−prune_penalty`): the root's `q` is
//!   still over every action. With `NP < MB`, pymdp's softmax also runs over the `MB − NP`
//!   empty child slots (each at `−prune_penalty`); that is reproduced exactly.
//! * **A full tree.** pymdp's `max_nodes` includes one reserved slot, so a [`Tree`] of `N`
//!   nodes is pymdp's `max_nodes = N + 1`. An action is expanded only if it and all its
//!   observation children fit. When the tree fills while expanding horizon `h > 0`, that
//!   horizon is undone and the search stops with the complete depth-`h` tree (what pymdp
//!   does; its issue #436 crash is avoided). When it fills at the root, the actions that did
//!   not fit are scored as pruned (`−prune_penalty`) and the best of those that fit wins.
//!   [`Search::full`] reports it.
//! * Observation children beyond the first `MB` are not created (pymdp creates then orphans
//!   them): node indices may differ from pymdp's after that point, values do not.
//!
//! # Memory
//!
//! A [`Tree`] is preallocated (`N` nodes, `MB` children each) and never allocates; one search
//! does not allocate either. Its size is `N · size_of::<Node>()` plus a few words; for the
//! trees the tests use (a model with `4 + 2` states and two modalities):
//!
//! | `T` | `N` | `MB` | `size_of::<Tree>()` |
//! |---|---|---|---|
//! | `f32` | 512 | 32 | 163 856 bytes (320 a node) |
//! | `f32` | 16 | 2 | 1 296 bytes (80 a node) |
//! | `f64` | 512 | 4 | 69 648 bytes (136 a node) |
//!
//! and for a model with `3 + 2` states, `f64`, `N = 4096`, `MB = 2`: 426 000 bytes (104 a
//! node). A node holds its beliefs (`Σ_f N_f` values), its kind (up to one index per
//! modality), its value, its horizon and `MB` child indices (`u32`) and probabilities.
//!
//! A large tree belongs in a `Box` or a `static` (see [`Tree::new`], a `const fn`).
//!
//! ```
//! use actinf::plan::sophisticated::{self, SiConfig, Tree};
//! use actinf::{Belief, Model, list};
//! actinf::model! {
//!     pub Lamp { factors { On: 2 controlled_by 2 } modalities { Seen: 2 depends_on [On] } }
//! }
//! let model = Model::<f64, Lamp>::new(
//!     &list![[[1.0, 0.0], [0.0, 1.0]]],
//!     &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]], // action u sets state u
//!     &list![[0.0, 2.0]],                                          // prefers seeing "on"
//!     &list![[0.5, 0.5]],
//! )?;
//! let mut tree = Box::new(Tree::<f64, Lamp, 64, 4>::new());
//! let config = SiConfig::default().horizon(2).gamma(4.0);
//! let plan = sophisticated::plan(&model, &Belief::uniform(), &[[0], [1]], &config, &mut tree)?;
//! assert!(plan.q_pi[1] > 0.99); // switch it on
//! # Ok::<(), actinf::Error>(())
//! ```

use nalgebra::{Const, SVector};
use rand::Rng;

use crate::agent::actor::Actor;
use crate::error::{Entry, Error, Problem, Tensor};
use crate::infer::{self, Horizon, Sweeps, Window, check_action, predict};
use crate::maths::{self, Real};
use crate::model::{Belief, Model};
use crate::plan::efe::{Efe, Terms};
use crate::rollout::Planner;
use crate::spec::{self, Flat, IndexArray, Spec};

/// "No node" in child lists.
const NONE: u32 = u32::MAX;

/// The search's parameters, pymdp's `si_policy_search` arguments with its defaults
/// (`max_nodes` and `max_branching` are the [`Tree`]'s `N` and `MB`).
///
/// ```
/// use actinf::plan::sophisticated::SiConfig;
/// let c = SiConfig::<f64>::default().horizon(3).gamma(4.0).topk_obsspace(2);
/// assert_eq!(c.horizon, 3);
/// assert!(c.check().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiConfig<T> {
    /// Number of actions looked ahead (pymdp default 5); at least 1.
    pub horizon: usize,
    /// Actions with `q ≤` this are not expanded, and are unlinked in the backward pass when
    /// `q <` this (default 1/16).
    pub policy_prune_threshold: T,
    /// Observations with joint probability `≤` this are not expanded (default 1/16).
    pub observation_prune_threshold: T,
    /// Stop when the root's `q` has entropy `≤` this (default 0.5; negative: never).
    pub entropy_stop_threshold: T,
    /// Stop when the root's value is `≥` this (default 1e10).
    pub efe_stop_threshold: T,
    /// Skip an observation node whose posterior is within this KL of an observation node
    /// at a smaller horizon (default −1: never).
    pub kl_threshold: T,
    /// The value of a pruned action (default 512, used negated); finite and `≥ 0`.
    pub prune_penalty: T,
    /// The search's precision γ (default 1); finite and `≥ 0`.
    pub gamma: T,
    /// Outcomes kept per modality (default 10000, i.e. all); at least 1.
    pub topk_obsspace: usize,
    /// FPI sweeps for the posteriors (pymdp uses the agent's `num_iter`; default 16).
    /// The [`Sophisticated`] planner takes each agent's own.
    pub sweeps: Sweeps,
}

impl<T: Real> Default for SiConfig<T> {
    fn default() -> Self {
        SiConfig {
            horizon: 5,
            policy_prune_threshold: T::lit(1.0 / 16.0),
            observation_prune_threshold: T::lit(1.0 / 16.0),
            entropy_stop_threshold: T::lit(0.5),
            efe_stop_threshold: T::lit(1e10),
            kl_threshold: -T::ONE,
            prune_penalty: T::lit(512.0),
            gamma: T::ONE,
            topk_obsspace: 10000,
            sweeps: Sweeps::UpTo(infer::DEFAULT_NUM_ITER),
        }
    }
}

impl<T: Real> SiConfig<T> {
    /// Sets the horizon.
    pub fn horizon(mut self, h: usize) -> Self {
        self.horizon = h;
        self
    }
    /// Sets γ.
    pub fn gamma(mut self, gamma: impl Into<f64>) -> Self {
        self.gamma = T::lit(gamma.into());
        self
    }
    /// Sets the policy prune threshold.
    pub fn policy_prune_threshold(mut self, x: impl Into<f64>) -> Self {
        self.policy_prune_threshold = T::lit(x.into());
        self
    }
    /// Sets the observation prune threshold.
    pub fn observation_prune_threshold(mut self, x: impl Into<f64>) -> Self {
        self.observation_prune_threshold = T::lit(x.into());
        self
    }
    /// Sets the entropy stop threshold.
    pub fn entropy_stop_threshold(mut self, x: impl Into<f64>) -> Self {
        self.entropy_stop_threshold = T::lit(x.into());
        self
    }
    /// Sets the EFE stop threshold.
    pub fn efe_stop_threshold(mut self, x: impl Into<f64>) -> Self {
        self.efe_stop_threshold = T::lit(x.into());
        self
    }
    /// Sets the KL threshold for reusing beliefs.
    pub fn kl_threshold(mut self, x: impl Into<f64>) -> Self {
        self.kl_threshold = T::lit(x.into());
        self
    }
    /// Sets the prune penalty.
    pub fn prune_penalty(mut self, x: impl Into<f64>) -> Self {
        self.prune_penalty = T::lit(x.into());
        self
    }
    /// Sets the number of outcomes kept per modality.
    pub fn topk_obsspace(mut self, k: usize) -> Self {
        self.topk_obsspace = k;
        self
    }
    /// Sets the FPI sweeps.
    pub fn sweeps(mut self, s: Sweeps) -> Self {
        self.sweeps = s;
        self
    }

    /// Checks the parameters: horizon and `topk_obsspace` at least 1, γ and the penalty
    /// finite and non-negative, thresholds not NaN (infinite thresholds are allowed).
    /// Errors are [`Tensor::Hyperparameter`] errors naming the parameter.
    pub fn check(&self) -> Result<(), Error> {
        let bad = |i: usize, name: &'static str, p: Problem| {
            Err(Error::new(Tensor::Hyperparameter, i, name, Entry::at(0), p))
        };
        if self.horizon == 0 {
            return bad(0, "horizon", Problem::OutOfRange { value: 0, len: 0 });
        }
        if self.topk_obsspace == 0 {
            return bad(1, "topk_obsspace", Problem::OutOfRange { value: 0, len: 0 });
        }
        for (i, name, v) in [
            (2, "gamma", self.gamma),
            (3, "prune_penalty", self.prune_penalty),
        ] {
            if !v.is_finite() {
                return bad(i, name, Problem::NotFinite { value: v.as_f64() });
            }
            if v < T::ZERO {
                return bad(i, name, Problem::Negative { value: v.as_f64() });
            }
        }
        for (i, name, v) in [
            (4, "policy_prune_threshold", self.policy_prune_threshold),
            (
                5,
                "observation_prune_threshold",
                self.observation_prune_threshold,
            ),
            (6, "entropy_stop_threshold", self.entropy_stop_threshold),
            (7, "efe_stop_threshold", self.efe_stop_threshold),
            (8, "kl_threshold", self.kl_threshold),
        ] {
            if v.as_f64().is_nan() {
                return bad(i, name, Problem::NotFinite { value: v.as_f64() });
            }
        }
        Ok(())
    }
}

/// What a node stands for.
#[derive(Debug)]
pub enum NodeKind<S: Spec> {
    /// An unused slot.
    Free,
    /// An observation node: the observation (one outcome per modality; all zeros at the root).
    Observation(S::Observation),
    /// A policy node: the index of its action in the action list.
    Policy(usize),
}

impl<S: Spec> Clone for NodeKind<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Spec> Copy for NodeKind<S> {}
impl<S: Spec> PartialEq for NodeKind<S> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (NodeKind::Free, NodeKind::Free) => true,
            (NodeKind::Observation(a), NodeKind::Observation(b)) => a == b,
            (NodeKind::Policy(a), NodeKind::Policy(b)) => a == b,
            _ => false,
        }
    }
}
impl<S: Spec> Eq for NodeKind<S> {}

/// One node of the [`Tree`].
pub struct Node<T: Real, S: Spec, const MB: usize> {
    /// Beliefs: the posterior at an observation node, the predicted `B(a)·q` at a policy node.
    pub qs: Belief<T, S>,
    /// What the node stands for.
    pub kind: NodeKind<S>,
    /// A policy node's one-step `U + IG`; an observation node's aggregated value (0 for an
    /// unexpanded leaf).
    pub neg_efe: T,
    /// Depth: 0 at the root; a policy node and its observation children share a horizon.
    pub horizon: u32,
    children: [u32; MB],
    probs: [T; MB],
    len: u32,
}

impl<T: Real, S: Spec, const MB: usize> Clone for Node<T, S, MB> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real, S: Spec, const MB: usize> Copy for Node<T, S, MB> {}

impl<T: Real, S: Spec, const MB: usize> Node<T, S, MB> {
    const FREE: Self = Node {
        qs: Belief::ZERO,
        kind: NodeKind::Free,
        neg_efe: T::ZERO,
        horizon: 0,
        children: [NONE; MB],
        probs: [T::ZERO; MB],
        len: 0,
    };

    /// The children's node indices (policy nodes under an observation node, observation
    /// nodes under a policy node).
    pub fn children(&self) -> &[u32] {
        self.children.get(..self.len as usize).unwrap_or(&[])
    }

    /// The children's probabilities: `q` of each action under an observation node (after the
    /// last backward pass), `p(o)` of each observation under a policy node.
    pub fn children_probs(&self) -> &[T] {
        self.probs.get(..self.len as usize).unwrap_or(&[])
    }

    fn is_observation(&self) -> bool {
        matches!(self.kind, NodeKind::Observation(_))
    }

    fn used(&self) -> bool {
        !matches!(self.kind, NodeKind::Free)
    }

    /// Appends a child; the callers check `len < MB` first (a full node is left as is).
    fn push(&mut self, child: u32, p: T) {
        let k = self.len as usize;
        debug_assert!(k < MB, "push on a full node");
        if let (Some(c), Some(q)) = (self.children.get_mut(k), self.probs.get_mut(k)) {
            *c = child;
            *q = p;
            self.len += 1;
        }
    }
}

/// The preallocated search tree: `N` nodes of at most `MB` children each (pymdp's
/// `max_nodes − 1` and `max_branching`). Node 0 is the root.
///
/// ```
/// use actinf::plan::sophisticated::Tree;
/// actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
/// static TREE: std::sync::Mutex<Tree<f32, Coin, 128, 4>> = std::sync::Mutex::new(Tree::new());
/// assert_eq!(TREE.lock().unwrap().used(), 0);
/// ```
pub struct Tree<T: Real, S: Spec, const N: usize, const MB: usize> {
    nodes: [Node<T, S, MB>; N],
    used: usize,
    full: bool,
}

impl<T: Real, S: Spec, const N: usize, const MB: usize> Default for Tree<T, S, N, MB> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Real, S: Spec, const N: usize, const MB: usize> Tree<T, S, N, MB> {
    const CHECK: () = {
        assert!(
            N >= 1,
            "a sophisticated-inference tree needs at least one node (the root)"
        );
        assert!(
            MB >= 1,
            "a sophisticated-inference tree needs a branching of at least 1"
        );
        assert!(N < u32::MAX as usize, "too many tree nodes");
    };

    /// An empty tree (a `const fn`, so it can initialise a `static`).
    pub const fn new() -> Self {
        Tree {
            nodes: [Node::FREE; N],
            used: 0,
            full: false,
        }
    }

    /// The number of used nodes.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Node `i` (free slots have [`NodeKind::Free`]).
    ///
    /// # Panics
    /// If `i >= N`.
    #[allow(clippy::indexing_slicing, reason = "documented # Panics contract")]
    pub fn node(&self, i: usize) -> &Node<T, S, MB> {
        &self.nodes[i]
    }

    /// The used nodes with their indices, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Node<T, S, MB>)> {
        self.nodes.iter().enumerate().filter(|(_, n)| n.used())
    }

    fn reset(&mut self, root: &Belief<T, S>) {
        let () = Self::CHECK;
        for n in self.nodes.iter_mut() {
            *n = Node::FREE;
        }
        // `N >= 1` (`CHECK`): the root always exists.
        if let Some(r) = self.nodes.first_mut() {
            r.qs = *root;
            r.kind = NodeKind::Observation(S::Observation::ZEROS);
        }
        self.used = 1;
        self.full = false;
    }

    /// First free slot (pymdp takes the lowest).
    fn alloc(&mut self, node: Node<T, S, MB>) -> Option<u32> {
        let (i, slot) = self.nodes.iter_mut().enumerate().find(|(_, n)| !n.used())?;
        *slot = node;
        self.used += 1;
        Some(i as u32)
    }

    fn free(&mut self, i: usize) {
        if let Some(n) = self.nodes.get_mut(i)
            && n.used()
        {
            *n = Node::FREE;
            self.used -= 1;
        }
    }

    /// Node `i`, an index from [`alloc`](Self::alloc) or `< N`.
    #[allow(
        clippy::indexing_slicing,
        reason = "every node index is `< N`: a loop bound or a child index from `alloc`"
    )]
    fn at(&self, i: usize) -> &Node<T, S, MB> {
        &self.nodes[i]
    }

    /// Node `i` mutably, an index from [`alloc`](Self::alloc) or `< N`.
    #[allow(
        clippy::indexing_slicing,
        reason = "every node index is `< N`: a loop bound or a child index from `alloc`"
    )]
    fn at_mut(&mut self, i: usize) -> &mut Node<T, S, MB> {
        &mut self.nodes[i]
    }

    /// Frees every node not reachable from the root (pymdp `_remove_orphans`).
    fn remove_orphans(&mut self) {
        // Reachability by repeated sweeps (a reused low slot can sit under a higher one).
        let mut reach = [false; N];
        if let Some(r) = reach.first_mut() {
            *r = true;
        }
        loop {
            let mut changed = false;
            for i in 0..N {
                let node = self.at(i);
                if !reach.get(i).copied().unwrap_or(false) || !node.used() {
                    continue;
                }
                for &c in node.children() {
                    if let Some(r) = reach.get_mut(c as usize)
                        && !*r
                    {
                        *r = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for (i, r) in reach.iter().enumerate() {
            if !r {
                self.free(i);
            }
        }
    }
}

/// What one search found: the root's action posterior and values, and how far it went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Search<T, const NP: usize> {
    /// `q` over the actions at the root (pymdp's `q_π`; `softmax(γ · neg_efe)`, with the
    /// empty child slots when `NP < MB`).
    pub q_pi: [T; NP],
    /// The root values of the actions: `G(a) + Σ_o p(o) · value(o)`, `−prune_penalty` for
    /// an action pruned or not expanded.
    pub neg_efe: [T; NP],
    /// The deepest horizon fully expanded.
    pub depth: usize,
    /// Nodes used at the end.
    pub nodes: usize,
    /// Whether the tree ran out of nodes (see the module docs).
    pub full: bool,
}

/// Sophisticated inference from `belief` over the one-step `actions`, in `tree` (reset
/// first). Errors: an action out of range, a belief with a negative or non-finite entry, or a
/// bad [`SiConfig`].
///
/// ```
/// use actinf::plan::sophisticated::{self, SiConfig, Tree};
/// use actinf::{Belief, Model};
/// actinf::model! {
///     pub Walk { factors { Cell: 3 controlled_by 3 } modalities { Sight: 3 depends_on [Cell] } }
/// }
/// let model = Model::<f64, Walk>::uniform();
/// let mut tree = Tree::<f64, Walk, 256, 3>::new();
/// let plan = sophisticated::plan(
///     &model, &Belief::uniform(), &[[0], [1], [2]], &SiConfig::default().horizon(2), &mut tree,
/// )?;
/// assert!((plan.q_pi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// assert!(sophisticated::plan(&model, &Belief::uniform(), &[[3]], &SiConfig::default(), &mut tree)
///     .is_err());
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn plan<T: Real, S: Spec, const NP: usize, const N: usize, const MB: usize>(
    model: &Model<T, S>,
    belief: &Belief<T, S>,
    actions: &[S::Action; NP],
    config: &SiConfig<T>,
    tree: &mut Tree<T, S, N, MB>,
) -> Result<Search<T, NP>, Error> {
    config.check()?;
    belief.check(Tensor::Belief, false)?;
    for a in actions {
        check_action::<S>(a)?;
    }
    let mut out = Search {
        q_pi: [T::ZERO; NP],
        neg_efe: [-config.prune_penalty; NP],
        depth: 0,
        nodes: 0,
        full: false,
    };
    if NP == 0 {
        tree.reset(belief);
        out.nodes = 1;
        return Ok(out);
    }
    let s = Searcher {
        model,
        actions,
        config,
        efe: Efe::<T, S, 1>::new(
            model,
            Terms {
                utility: true,
                states_info_gain: true,
                param_info_gain: false,
            },
        ),
    };
    tree.reset(belief);
    let mut h = 0usize;
    while h < config.horizon {
        let complete = s.expand(tree, h)?;
        if !complete && h > 0 {
            // Undo this horizon: the tree of depth h is the best complete plan.
            tree.full = true;
            s.undo(tree, h);
            break;
        }
        for hh in (0..=h).rev() {
            for i in (0..N).rev() {
                let n = tree.at(i);
                if n.used() && n.is_observation() && n.horizon as usize == hh {
                    s.backward(tree, i, &mut out);
                }
            }
            tree.remove_orphans();
        }
        h += 1;
        out.depth = h;
        if !complete {
            break;
        }
        let root = tree.at(0);
        if root.neg_efe >= config.efe_stop_threshold {
            break;
        }
        let (ent, all_zero) = s.root_entropy(&out.q_pi);
        if !all_zero && ent <= config.entropy_stop_threshold {
            break;
        }
    }
    out.nodes = tree.used;
    out.full = tree.full;
    Ok(out)
}

struct Searcher<'a, T: Real, S: Spec, const NP: usize> {
    model: &'a Model<T, S>,
    actions: &'a [S::Action; NP],
    config: &'a SiConfig<T>,
    efe: Efe<'a, T, S, 1>,
}

impl<T: Real, S: Spec, const NP: usize> Searcher<'_, T, S, NP> {
    /// Empty child slots pymdp's softmax also runs over (`MB − NP` when positive).
    fn phantom<const MB: usize>() -> usize {
        MB.saturating_sub(NP)
    }

    /// The entropy of the root's `q` over every child slot, and whether it is all zero.
    fn root_entropy(&self, q: &[T; NP]) -> (T, bool) {
        let mut h = T::ZERO;
        let mut all_zero = true;
        for &x in q {
            h -= maths::xlogx(x);
            all_zero &= x == T::ZERO;
        }
        (h, all_zero)
    }

    /// Predicted outcomes of `q` (`A·q` per modality, mean-field over the parents).
    #[allow(
        clippy::indexing_slicing,
        reason = "offsets come from the compile-time Layout that also sizes the storage"
    )]
    fn outcomes(&self, q: &Belief<T, S>, qo: &mut S::Outcomes<T>) {
        let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
        for (m, info) in spec::modalities::<S>().iter().enumerate() {
            q.joint(&info.parents, joint.as_mut());
            let w = &joint.as_ref()[..info.parents.joint];
            maths::mix_columns(self.model.likelihood(m), w, &mut qo.as_mut()[info.range()]);
        }
    }

    /// Expands every observation node at horizon `h`. Returns `false` if some action did
    /// not fit in the tree.
    fn expand<const N: usize, const MB: usize>(
        &self,
        tree: &mut Tree<T, S, N, MB>,
        h: usize,
    ) -> Result<bool, Error> {
        let mut complete = true;
        for i in 0..N {
            let n = tree.at(i);
            if n.used() && n.is_observation() && n.horizon as usize == h && n.len == 0 {
                complete &= self.expand_node(tree, i)?;
            }
        }
        Ok(complete)
    }

    fn expand_node<const N: usize, const MB: usize>(
        &self,
        tree: &mut Tree<T, S, N, MB>,
        idx: usize,
    ) -> Result<bool, Error> {
        let cfg = self.config;
        let q0 = tree.at(idx).qs;
        let h1 = tree.at(idx).horizon + 1;
        let mut g = [T::ZERO; NP];
        let mut need = [0usize; NP];
        let mut next = Belief::<T, S>::ZERO;
        let mut qo = <S::Outcomes<T> as Flat<T>>::ZERO;
        for ((gk, nk), a) in g.iter_mut().zip(need.iter_mut()).zip(self.actions) {
            *gk = self.efe.step(0, a, &q0, &mut next).neg_efe();
            self.outcomes(&next, &mut qo);
            *nk = 1 + self.count_observations(&qo).min(MB);
        }
        let mut q = g;
        for x in q.iter_mut() {
            *x *= cfg.gamma;
        }
        maths::softmax_in_place(&mut q);
        // Keep the MB most probable actions above the threshold, then those that fit.
        let mut keep = [false; NP];
        let mut free = N - tree.used;
        let mut complete = true;
        for _ in 0..MB.min(NP) {
            let mut best: Option<(usize, T)> = None;
            for (k, (&qk, &kept)) in q.iter().zip(&keep).enumerate() {
                if !kept && qk > cfg.policy_prune_threshold {
                    match best {
                        Some((_, qb)) if qb >= qk => {}
                        _ => best = Some((k, qk)),
                    }
                }
            }
            let Some((b, _)) = best else { break };
            let (Some(kb), Some(nb)) = (keep.get_mut(b), need.get_mut(b)) else {
                break;
            };
            *kb = true;
            if *nb <= free {
                free -= *nb;
            } else {
                complete = false;
                *nb = usize::MAX; // chosen, but does not fit
            }
        }
        // Policy nodes in action order, then their observation children.
        let kept = keep
            .iter()
            .zip(&need)
            .zip(self.actions)
            .zip(g.iter().zip(&q));
        for (k, (((&kept, &nk), a), (&gk, &qk))) in kept.enumerate() {
            if !kept || nk == usize::MAX {
                continue;
            }
            let mut node = Node::FREE;
            predict(self.model, a, &q0, &mut node.qs);
            node.kind = NodeKind::Policy(k);
            node.neg_efe = gk;
            node.horizon = h1;
            // Never `None`: the nodes of every kept action were counted against `free`.
            let Some(c) = tree.alloc(node) else {
                complete = false;
                break;
            };
            tree.at_mut(idx).push(c, qk);
        }
        let children = *tree.at(idx);
        for &c in children.children() {
            self.add_observations(tree, c as usize)?;
        }
        if !complete {
            tree.full = true;
        }
        Ok(complete)
    }

    /// Per modality, the number of outcomes kept (`min(k, NO_m)`) and their sum.
    fn topk_sum(&self, qo: &[T], k: usize) -> T {
        let mut cur = first(qo);
        let mut z = T::ZERO;
        for _ in 0..k {
            z += qo.get(cur).copied().unwrap_or(T::ZERO);
            match successor(qo, cur) {
                Some(n) => cur = n,
                None => break,
            }
        }
        z
    }

    /// Calls `f(observation, probability)` for every combination of the top-k outcomes
    /// (last modality fastest), with pymdp's renormalised joint probability.
    #[allow(
        clippy::indexing_slicing,
        reason = "offsets and modality indices come from the compile-time Layout that also sizes \
                  the storage; outcome indices come from `first`/`successor` over the modality's \
                  own outcomes"
    )]
    fn each_observation(&self, qo: &S::Outcomes<T>, mut f: impl FnMut(&S::Observation, T) -> bool) {
        let ms = spec::modalities::<S>();
        let qo = qo.as_ref();
        let mut obs = S::Observation::ZEROS;
        let mut digit = S::Observation::ZEROS;
        let mut z = <S::Outcomes<T> as Flat<T>>::ZERO; // z[m] at offset of m
        for (m, info) in ms.iter().enumerate() {
            let x = &qo[info.range()];
            let k = self.config.topk_obsspace.min(info.outcomes);
            z.as_mut()[info.offset] = self.topk_sum(x, k);
            obs.as_mut()[m] = first(x);
        }
        loop {
            let mut p = T::ONE;
            for (m, info) in ms.iter().enumerate() {
                p *= qo[info.offset + obs.as_ref()[m]] / z.as_ref()[info.offset];
            }
            if !f(&obs, p) {
                return;
            }
            // Odometer, last modality fastest.
            let mut m = ms.len();
            loop {
                if m == 0 {
                    return;
                }
                m -= 1;
                let info = &ms[m];
                let x = &qo[info.range()];
                let k = self.config.topk_obsspace.min(info.outcomes);
                digit.as_mut()[m] += 1;
                if digit.as_ref()[m] < k {
                    obs.as_mut()[m] = successor(x, obs.as_ref()[m]).unwrap_or(0);
                    break;
                }
                digit.as_mut()[m] = 0;
                obs.as_mut()[m] = first(x);
            }
        }
    }

    /// The number of observation combinations above the threshold.
    fn count_observations(&self, qo: &S::Outcomes<T>) -> usize {
        let mut n = 0;
        self.each_observation(qo, |_, p| {
            if p > self.config.observation_prune_threshold {
                n += 1;
            }
            true
        });
        n
    }

    fn add_observations<const N: usize, const MB: usize>(
        &self,
        tree: &mut Tree<T, S, N, MB>,
        pidx: usize,
    ) -> Result<(), Error> {
        let cfg = self.config;
        let prior = tree.at(pidx).qs;
        let h = tree.at(pidx).horizon;
        let mut qo = <S::Outcomes<T> as Flat<T>>::ZERO;
        self.outcomes(&prior, &mut qo);
        let mut res = Ok(());
        self.each_observation(&qo, |obs, p| {
            if p <= cfg.observation_prune_threshold {
                return true;
            }
            if tree.at(pidx).len as usize >= MB {
                return false;
            }
            let post = match infer::infer_states_with(self.model, obs, &prior, cfg.sweeps) {
                Ok(q) => q,
                Err(e) => {
                    res = Err(e);
                    return false;
                }
            };
            if cfg.kl_threshold >= T::ZERO && self.seen(tree, &post, h, cfg.kl_threshold) {
                return true;
            }
            let mut node = Node::FREE;
            node.qs = post;
            node.kind = NodeKind::Observation(*obs);
            node.horizon = h;
            match tree.alloc(node) {
                Some(c) => {
                    tree.at_mut(pidx).push(c, p);
                    true
                }
                None => false,
            }
        });
        res
    }

    /// Whether an observation node at a smaller horizon has `KL(node ‖ post) ≤ threshold`.
    fn seen<const N: usize, const MB: usize>(
        &self,
        tree: &Tree<T, S, N, MB>,
        post: &Belief<T, S>,
        h: u32,
        threshold: T,
    ) -> bool {
        let lo = T::lit(1e-10);
        let clip = |x: T| x.max(lo).min(T::ONE).ln();
        tree.iter().any(|(_, n)| {
            n.is_observation()
                && n.horizon < h
                && n.qs
                    .as_slice()
                    .iter()
                    .zip(post.as_slice())
                    .fold(T::ZERO, |acc, (&x, &y)| acc + x * (clip(x) - clip(y)))
                    <= threshold
        })
    }

    /// Backward pass at observation node `idx` (pymdp `_backward_node`).
    fn backward<const N: usize, const MB: usize>(
        &self,
        tree: &mut Tree<T, S, N, MB>,
        idx: usize,
        out: &mut Search<T, NP>,
    ) {
        let cfg = self.config;
        let pen = -cfg.prune_penalty;
        let mut values = [pen; NP];
        for &c in tree.at(idx).children() {
            let pn = tree.at(c as usize);
            let NodeKind::Policy(k) = pn.kind else {
                continue;
            };
            if pn.len == 0 {
                continue;
            }
            let mut acc = T::ZERO;
            for (&o, &p) in pn.children().iter().zip(pn.children_probs()) {
                acc += tree.at(o as usize).neg_efe * p;
            }
            // `k < NP`: policy nodes are made by `expand_node` for actions `0..NP`.
            if let Some(v) = values.get_mut(k) {
                *v = acc + pn.neg_efe;
            }
        }
        // softmax(γ · values) over the actions and the empty slots.
        let extra = Self::phantom::<MB>();
        let mut q = values;
        for x in q.iter_mut() {
            *x *= cfg.gamma;
        }
        let xp = pen * cfg.gamma;
        let mut mx = maths::max(&q);
        if extra > 0 && xp > mx {
            mx = xp;
        }
        let mut z = T::ZERO;
        for x in q.iter_mut() {
            *x = (*x - mx).exp();
            z += *x;
        }
        let ep = (xp - mx).exp();
        z += ep * T::lit(extra as f64);
        for x in q.iter_mut() {
            *x /= z;
        }
        let qp = ep / z;
        let mut g = T::ZERO;
        for (&qk, &v) in q.iter().zip(&values) {
            g += qk * v;
        }
        g += T::lit(extra as f64) * qp * pen;
        tree.at_mut(idx).neg_efe = g;
        // Unlink the actions below the threshold; the others get their new q.
        let mut kept = [NONE; MB];
        let mut probs = [T::ZERO; MB];
        let mut n_kept = 0;
        let mut slots = kept.iter_mut().zip(probs.iter_mut());
        for &c in tree.at(idx).children() {
            let NodeKind::Policy(k) = tree.at(c as usize).kind else {
                continue;
            };
            let Some(&qk) = q.get(k) else { continue };
            if qk < cfg.policy_prune_threshold {
                continue;
            }
            // At most `len <= MB` children are kept.
            if let Some((slot, prob)) = slots.next() {
                *slot = c;
                *prob = qk;
                n_kept += 1;
            }
        }
        let node = tree.at_mut(idx);
        node.children = kept;
        node.probs = probs;
        node.len = n_kept as u32;
        if idx == 0 {
            out.q_pi = q;
            out.neg_efe = values;
        }
    }

    /// Undoes the expansion of horizon `h`: frees the nodes below horizon `h` and empties
    /// the child lists of the observation nodes at `h`.
    fn undo<const N: usize, const MB: usize>(&self, tree: &mut Tree<T, S, N, MB>, h: usize) {
        for i in 0..N {
            let n = tree.at(i);
            if !n.used() {
                continue;
            }
            if n.horizon as usize > h {
                tree.free(i);
            } else if n.horizon as usize == h && n.is_observation() {
                let n = tree.at_mut(i);
                n.len = 0;
                n.children = [NONE; MB];
                n.probs = [T::ZERO; MB];
            }
        }
    }
}

/// The index of the largest entry (ties: lowest index), as `jax.lax.top_k` orders them.
fn first<T: Real>(x: &[T]) -> usize {
    let Some((&x0, rest)) = x.split_first() else {
        return 0;
    };
    let (mut b, mut best) = (0, x0);
    for (i, &v) in rest.iter().enumerate() {
        if v > best {
            (b, best) = (i + 1, v);
        }
    }
    b
}

/// The entry after `cur` in descending order (ties by ascending index).
fn successor<T: Real>(x: &[T], cur: usize) -> Option<usize> {
    let pc = *x.get(cur)?;
    let mut best: Option<(usize, T)> = None;
    for (i, &v) in x.iter().enumerate() {
        let after = v < pc || (v == pc && i > cur);
        if !after {
            continue;
        }
        match best {
            Some((_, xb)) if xb >= v => {}
            _ => best = Some((i, v)),
        }
    }
    best.map(|(i, _)| i)
}

/// Sophisticated inference as a [`Planner`] for the perception–action loop: for each agent,
/// the search from its latest beliefs over its one-step policies, with its own model and FPI
/// sweeps, in the borrowed `tree` (reused for every agent).
///
/// An agent with policies longer than one step does not compile (pymdp's SI needs
/// `policy_len = 1`).
///
/// ```
/// use actinf::plan::sophisticated::{SiConfig, Sophisticated, Tree};
/// use actinf::rollout::Planner;
/// use actinf::{Agent, Config, Model, inference::Window};
/// use nalgebra::SVector;
/// use rand::SeedableRng;
/// actinf::model! {
///     pub Walk { factors { Cell: 3 controlled_by 3 } modalities { Sight: 3 depends_on [Cell] } }
/// }
/// let agent = Agent::<f64, Walk, 1, 3>::new(Model::uniform(), Config::default())?;
/// let mut tree = Box::new(Tree::<f64, Walk, 128, 3>::new());
/// let mut si = Sophisticated::new(SiConfig::default().horizon(2), &mut tree);
/// let windows = [Window::<f64, Walk, 2>::new(actinf::Belief::uniform())];
/// let (mut q, mut g) = ([SVector::zeros()], [SVector::zeros()]);
/// si.plan(&agent, &windows, &mut q, &mut g, &mut rand::rngs::SmallRng::seed_from_u64(0))?;
/// assert!((q[0].sum() - 1.0).abs() < 1e-12);
/// # Ok::<(), actinf::Error>(())
/// ```
pub struct Sophisticated<'t, T: Real, S: Spec, const N: usize, const MB: usize> {
    /// The search parameters (`sweeps` is replaced by each agent's own).
    pub config: SiConfig<T>,
    /// The tree searched in.
    pub tree: &'t mut Tree<T, S, N, MB>,
    /// What the last search found, per agent of the last batch (depth, nodes, fullness of
    /// the last agent's search).
    pub last: Option<(usize, usize, bool)>,
}

impl<'t, T: Real, S: Spec, const N: usize, const MB: usize> Sophisticated<'t, T, S, N, MB> {
    /// A planner with these parameters, searching in `tree`.
    pub fn new(config: SiConfig<T>, tree: &'t mut Tree<T, S, N, MB>) -> Self {
        Sophisticated {
            config,
            tree,
            last: None,
        }
    }
}

impl<
    T: Real,
    S: Spec,
    const N: usize,
    const MB: usize,
    const NP: usize,
    const B: usize,
    const H: usize,
> Planner<T, S, NP, B, H> for Sophisticated<'_, T, S, N, MB>
where
    Const<H>: Horizon,
{
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
                "sophisticated inference plans one action at a time: the agent's policy length `L` must be 1"
            )
        };
        let actions: [S::Action; NP] = core::array::from_fn(|k| agent.first_action(k));
        let out = windows.iter().zip(q_pi.iter_mut()).zip(neg_efe.iter_mut());
        for (b, ((window, q_pi), neg_efe)) in out.enumerate() {
            let mut cfg = self.config;
            cfg.sweeps = agent.config(b).sweeps();
            let r = plan(agent.model(b), window.latest(), &actions, &cfg, self.tree)
                .map_err(|e| e.in_agent(b))?;
            *q_pi = SVector::from(r.q_pi);
            *neg_efe = SVector::from(r.neg_efe);
            self.last = Some((r.depth, r.nodes, r.full));
        }
        Ok(())
    }
}
