//! pymdp's `GraphEnv`: an agent walking on a graph, looking for an object.
//!
//! Factor 0 is the agent's node (`N` states); its action `a` means "go to node `a`", which
//! succeeds when `a` is a neighbour of the current node and otherwise leaves the agent where
//! it is. Factor 1 is the object's location: `N + 1` values, the last one ([`not_here`])
//! meaning the object is nowhere in the graph; it never moves. Modality 0 is the agent's
//! node, seen exactly; modality 1 (`[not seen, seen]`) is "seen" exactly when the object is
//! at the agent's node. `D` is one-hot at the given agent and object locations.
//!
//! The graph is an undirected edge list `&[(usize, usize)]` over nodes `0..N`, where `N` is
//! the spec's number of agent states: the builders are generic over the spec and check its
//! shape. [`Clusters`] is the spec of pymdp's `generate_connected_clusters()` graph,
//! [`CLUSTERS_EDGES`].
//!
//! ```
//! use actinf::envs::{Env, graph::{self, Clusters, CLUSTERS_EDGES}};
//! use rand::{SeedableRng, rngs::SmallRng};
//! // The agent starts at the hub 0, the object is in room 4 (behind hallway 2).
//! let env = graph::env::<f64, Clusters>(&CLUSTERS_EDGES, 0, 4)?;
//! let mut rng = SmallRng::seed_from_u64(0);
//! let (mut state, obs) = env.reset(&mut rng);
//! assert_eq!(obs, [0, 0]); // at node 0, object not seen
//! env.step(&mut state, &[4, 0], &mut rng)?; // 4 is not a neighbour of 0: stays
//! assert_eq!(state, [0, 4]);
//! env.step(&mut state, &[2, 0], &mut rng)?;
//! let obs = env.step(&mut state, &[4, 0], &mut rng)?;
//! assert_eq!(obs, [4, 1]); // found it
//! # Ok::<(), actinf::Error>(())
//! ```

use super::ModelEnv;
use super::build::{Tensors, expect_counts, expect_factor, expect_modality, out_of_range};
use crate::error::{Entry, Error, Tensor};
use crate::maths::Real;
use crate::model::Model;
use crate::spec::{self, Spec};

crate::model! {
    /// pymdp's `GraphEnv` on `generate_connected_clusters()` (cluster size 2, 2 connections):
    /// 5 nodes, the object in one of them or nowhere.
    pub Clusters {
        factors {
            /// The agent's node; action `a` = go to node `a`.
            AgentNode: 5 controlled_by 5,
            /// The object's node, or 5 = not in the graph.
            ObjectNode: 6,
        }
        modalities {
            /// The agent's node, seen exactly.
            Location: 5 depends_on [AgentNode],
            /// `[not seen, seen]`.
            ObjectSeen: 2 depends_on [AgentNode, ObjectNode],
        }
    }
}

/// The edges of pymdp's `generate_connected_clusters(cluster_size=2, connections=2)`: hub 0
/// with rooms 1 and 2, node 2 a hallway to rooms 3 and 4.
pub const CLUSTERS_EDGES: [(usize, usize); 4] = [(0, 1), (0, 2), (2, 3), (2, 4)];

/// The "object not in the graph" location of a graph of `nodes` nodes (its index, `nodes`).
pub const fn not_here(nodes: usize) -> usize {
    nodes
}

/// Whether `edges` joins `a` and `b` (either direction).
pub fn has_edge(edges: &[(usize, usize)], a: usize, b: usize) -> bool {
    edges
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// The graph environment's `A`, `B`, `D` (agent at node `agent`, object at `object`, or at
/// [`not_here`]`(N)`) as a validated model of spec `S`; `C` is zero.
///
/// Errors: `S` is not two factors (`N` nodes with `N` actions; `N + 1` object locations, one
/// action) and two modalities (`N` outcomes on the agent; 2 outcomes on agent and object)
/// (`WrongLength`, `WrongRank` or `WrongShape`); an edge to a node `≥ N`, an agent location
/// `≥ N` or an object location `> N` (`OutOfRange`).
///
/// ```
/// use actinf::envs::graph::{self, Clusters, CLUSTERS_EDGES};
/// let m = graph::model::<f64, Clusters>(&CLUSTERS_EDGES, 0, graph::not_here(5))?;
/// assert_eq!(m.b_entry(0, 2, 0, 2), 1.0); // 0 → 2 along an edge
/// assert_eq!(m.b_entry(0, 0, 0, 3), 1.0); // 0 → 3 is no edge: stay
/// assert!(graph::model::<f64, Clusters>(&[(0, 7)], 0, 0).is_err()); // no node 7
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn model<T: Real, S: Spec>(
    edges: &[(usize, usize)],
    agent: usize,
    object: usize,
) -> Result<Model<T, S>, Error> {
    let mut m = Model::EMPTY;
    init_model(&mut m, edges, agent, object)?;
    Ok(m)
}

/// [`model`] written into `model` in place (no model-sized temporary on the stack, for large
/// graphs). Arguments rejected before writing leave it unchanged; tensors that fail
/// validation leave it cleared.
///
/// Errors: as [`model`].
#[allow(
    clippy::indexing_slicing,
    reason = "factor indices checked by `expect_counts`; `agent < n` and `object <= n` checked \
              above"
)]
pub fn init_model<T: Real, S: Spec>(
    model: &mut Model<T, S>,
    edges: &[(usize, usize)],
    agent: usize,
    object: usize,
) -> Result<(), Error> {
    expect_counts::<S>(2, 2)?;
    let n = spec::factors::<S>()[0].states;
    expect_factor::<S>(0, n, n, &[(0, n)])?;
    expect_factor::<S>(1, n + 1, 1, &[(1, n + 1)])?;
    expect_modality::<S>(0, n, &[(0, n)])?;
    expect_modality::<S>(1, 2, &[(0, n), (1, n + 1)])?;
    let fname = |f: usize| spec::factors::<S>()[f].name;
    for (k, &(a, b)) in edges.iter().enumerate() {
        if a >= n || b >= n {
            let bad = if a >= n { a } else { b };
            return Err(out_of_range(
                Tensor::B,
                0,
                fname(0),
                Entry::new(&[k, a, b], false),
                bad,
                n,
            ));
        }
    }
    if agent >= n {
        return Err(out_of_range(
            Tensor::D,
            0,
            fname(0),
            Entry::at(agent),
            agent,
            n,
        ));
    }
    if object > n {
        return Err(out_of_range(
            Tensor::D,
            1,
            fname(1),
            Entry::at(object),
            object,
            n + 1,
        ));
    }
    let mut t = Tensors::new(model);
    for s in 0..n {
        t.set_a(0, s, s, T::ONE);
        for o in 0..=n {
            // Joint index of (agent s, object o) over dims (n, n + 1).
            let seen = usize::from(o == s);
            t.set_a(1, seen, s * (n + 1) + o, T::ONE);
        }
        for a in 0..n {
            let to = if has_edge(edges, s, a) { a } else { s };
            t.set_b(0, to, s, a, T::ONE);
        }
    }
    t.identity_b(1);
    t.d_mut(0)[agent] = T::ONE;
    t.d_mut(1)[object] = T::ONE;
    t.build()
}

/// The graph as an environment ([`ModelEnv`] sampling the model of [`model`]).
///
/// Errors: as [`model`].
///
/// ```
/// use actinf::envs::{Env, graph::{self, Clusters, CLUSTERS_EDGES}};
/// use rand::{SeedableRng, rngs::SmallRng};
/// let env = graph::env::<f32, Clusters>(&CLUSTERS_EDGES, 3, 3)?;
/// let (_, obs) = env.reset(&mut SmallRng::seed_from_u64(0));
/// assert_eq!(obs, [3, 1]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub fn env<T: Real, S: Spec>(
    edges: &[(usize, usize)],
    agent: usize,
    object: usize,
) -> Result<ModelEnv<T, S>, Error> {
    Ok(ModelEnv::new(model(edges, agent, object)?))
}
