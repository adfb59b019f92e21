//! Sophisticated inference (`plan::sophisticated`): parity with pymdp 1.0.4's `si_policy_search`
//! (`tests/fixtures/si_single_cue_h2.json`, float32), more actions than the branching limit
//! against a brute-force recursion, a full tree, the qualitative cue test, bad configurations.

#![allow(clippy::needless_range_loop)]

use actinf::control::{Efe, Terms};
use actinf::inference::{Window, infer_states, update_empirical_prior};
use actinf::plan::sophisticated::{self, NodeKind, SiConfig, Sophisticated, Tree};
use actinf::rollout::Planner;
use actinf::{Agent, Belief, Beliefs, Config, Model, Problem, Tensor};
use nalgebra::SVector;
use rand::SeedableRng;
use serde_json::Value;

actinf::model! {
    /// The fixture's model: location (centre, left, right, cue) × reward condition.
    pub Cue {
        factors { Loc: 4 controlled_by 4, Cond: 2 }
        modalities { Where: 5 depends_on [Loc, Cond], Reward: 3 depends_on [Loc, Cond] }
    }
}

fn fixture() -> Value {
    let path = format!(
        "{}/tests/fixtures/si_single_cue_h2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn data(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn cat<T: actinf::Real>(v: &Value) -> Vec<T> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(data)
        .map(T::lit)
        .collect()
}

fn cue_model<T: actinf::Real>(fx: &Value) -> Model<T, Cue> {
    let i = &fx["inputs"];
    assert_eq!(i["A_dependencies"].to_string(), "[[0,1],[0,1]]");
    assert_eq!(i["B_dependencies"].to_string(), "[[0],[1]]");
    Model::from_slices(&cat(&i["A"]), &cat(&i["B"]), &cat(&i["C"]), &cat(&i["D"])).unwrap()
}

/// Relative tolerance against the fixture, which pymdp computed in float32 (JAX's default):
/// actinf's f32 search reproduces every recorded `q_pi`, node value and branch probability
/// bit for bit on x86-64 (measured); 1e-6 (about 8 f32 ulps) allows for another platform's
/// `exp`/`ln` or fused multiply-adds.
const REL_F32: f64 = 1e-6;

fn close(got: f64, want: f64, rel: f64, what: &str) {
    let tol = rel * want.abs().max(1e-30) + 1e-12;
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:e}, want {want:e}"
    );
}

const ACTIONS: [[usize; 2]; 4] = [[0, 0], [1, 0], [2, 0], [3, 0]];

fn fixture_config(fx: &Value) -> SiConfig<f32> {
    let p = &fx["params"];
    SiConfig::default()
        .horizon(p["horizon"].as_u64().unwrap() as usize)
        .policy_prune_threshold(p["policy_prune_threshold"].as_f64().unwrap())
        .observation_prune_threshold(p["observation_prune_threshold"].as_f64().unwrap())
        .entropy_stop_threshold(p["entropy_stop_threshold"].as_f64().unwrap())
        .gamma(p["gamma"].as_f64().unwrap())
        .topk_obsspace(p["topk_obsspace"].as_u64().unwrap() as usize)
}

#[test]
fn fixture_q_pi_and_tree() {
    let fx = fixture();
    assert_eq!(fx["params"]["max_nodes"], 512);
    assert_eq!(fx["params"]["max_branching"], 32);
    let model = cue_model::<f32>(&fx);
    let config = fixture_config(&fx);
    let root = Belief::from_slice(&cat::<f32>(&fx["inputs"]["qs_root"])).unwrap();
    // pymdp's max_nodes = 512 includes one reserved slot.
    let mut tree = Box::new(Tree::<f32, Cue, 511, 32>::new());
    let r = sophisticated::plan(&model, &root, &ACTIONS, &config, &mut tree).unwrap();
    let want = data(&fx["outputs"]["q_pi"]);
    for k in 0..4 {
        close(r.q_pi[k] as f64, want[k], REL_F32, &format!("q_pi[{k}]"));
    }
    assert_eq!(r.depth, 2);
    assert!(!r.full);
    // Every node pymdp recorded, in pymdp's allocation order (nothing is pruned here, so the
    // indices agree): kind, horizon, value, children and their probabilities.
    let nodes = fx["outputs"]["tree_nodes_used"].as_array().unwrap();
    assert_eq!(r.nodes, nodes.len());
    for n in nodes {
        let i = n["idx"].as_u64().unwrap() as usize;
        let node = tree.node(i);
        assert_eq!(
            node.horizon as u64,
            n["horizon"].as_u64().unwrap(),
            "node {i}"
        );
        let pol: Vec<i64> = n["policy"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        let obs: Vec<i64> = n["observation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        match node.kind {
            NodeKind::Policy(k) => assert_eq!(pol, vec![ACTIONS[k][0] as i64, 0], "node {i}"),
            NodeKind::Observation(o) => {
                assert_eq!(pol[0], -1, "node {i}");
                assert_eq!(obs, vec![o[0] as i64, o[1] as i64], "node {i}");
            }
            NodeKind::Free => panic!("node {i} is free"),
        }
        close(
            node.neg_efe as f64,
            n["neg_efe"].as_f64().unwrap(),
            REL_F32,
            &format!("node {i} neg_efe"),
        );
        let children: Vec<u32> = n["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(node.children(), &children[..], "node {i} children");
        let probs: Vec<f64> = n["children_probs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        for (j, (&g, &w)) in node.children_probs().iter().zip(&probs).enumerate() {
            if w.abs() < 1e-12 {
                assert!((g as f64).abs() < 1e-12, "node {i} prob {j}: {g} vs {w}");
            } else {
                close(g as f64, w, REL_F32, &format!("node {i} prob {j}"));
            }
        }
        // Beliefs (posteriors at observation nodes): absolute agreement.
        let qs: Vec<f64> = n["qs"].as_array().unwrap().iter().flat_map(data).collect();
        for (s, (&g, &w)) in node.qs.as_slice().iter().zip(&qs).enumerate() {
            assert!((g as f64 - w).abs() < 1e-6, "node {i} qs[{s}]: {g} vs {w}");
        }
    }
    // Root values: G(a) + Σ_o p(o) value(o), and the root's own value.
    close(
        tree.node(0).neg_efe as f64,
        nodes[0]["neg_efe"].as_f64().unwrap(),
        REL_F32,
        "root",
    );
    for k in 0..4 {
        let c = tree.node(0).children()[k] as usize;
        let pn = tree.node(c);
        let mut v = 0.0f64;
        for (&o, &p) in pn.children().iter().zip(pn.children_probs()) {
            v += tree.node(o as usize).neg_efe as f64 * p as f64;
        }
        v += pn.neg_efe as f64;
        close(r.neg_efe[k] as f64, v, REL_F32, &format!("root value {k}"));
    }
}

actinf::model! {
    /// A small model for the brute-force comparison: three cells, three moves, a noisy view
    /// of the cell and a reward cue that depends on a hidden context.
    pub Small {
        factors { Cell: 3 controlled_by 3, Ctx: 2 }
        modalities { View: 3 depends_on [Cell], Hint: 2 depends_on [Cell, Ctx] }
    }
}

fn small_model() -> Model<f64, Small> {
    // View: 80 % right, 10 % each other cell. Hint: informative in cell 2 only.
    let view = [
        0.8, 0.1, 0.1, //
        0.1, 0.8, 0.1, //
        0.1, 0.1, 0.8,
    ];
    // A[1][o, cell, ctx], row-major.
    let hint = [
        0.5, 0.5, 0.5, 0.5, 0.9, 0.2, //
        0.5, 0.5, 0.5, 0.5, 0.1, 0.8,
    ];
    // B[0][s', s, u]: move to u with prob 0.9, stay 0.1 (or 1.0 when u == s).
    let mut b0 = vec![0.0; 27];
    for sp in 0..3 {
        for s in 0..3 {
            for u in 0..3 {
                let p = if u == s {
                    if sp == s { 1.0 } else { 0.0 }
                } else if sp == u {
                    0.9
                } else if sp == s {
                    0.1
                } else {
                    0.0
                };
                b0[sp * 9 + s * 3 + u] = p;
            }
        }
    }
    let b1 = [1.0, 0.0, 0.0, 1.0];
    let a: Vec<f64> = view.iter().chain(&hint).copied().collect();
    let b: Vec<f64> = b0.iter().chain(&b1).copied().collect();
    let c = [0.0, 0.5, -0.3, 1.0, -1.0];
    let d = [1.0, 0.0, 0.0, 0.5, 0.5];
    Model::from_slices(&a, &b, &c, &d).unwrap()
}

const MOVES: [[usize; 2]; 3] = [[0, 0], [1, 0], [2, 0]];

/// Brute-force recursion of the same definition (no tree): the value of an observation node
/// at depth `d`, the root's `q` and values.
fn brute(
    model: &Model<f64, Small>,
    q: &Belief<f64, Small>,
    d: usize,
    cfg: &SiConfig<f64>,
    mb: usize,
) -> (f64, Vec<f64>, Vec<f64>) {
    let np = MOVES.len();
    let pen = -cfg.prune_penalty;
    let efe = Efe::<f64, Small, 1>::new(
        model,
        Terms {
            utility: true,
            states_info_gain: true,
            param_info_gain: false,
        },
    );
    let mut g = vec![0.0; np];
    let mut nexts = vec![];
    for k in 0..np {
        let mut next = Belief::ZERO;
        g[k] = efe.step(0, &MOVES[k], q, &mut next).neg_efe();
        assert_eq!(next, update_empirical_prior(model, &MOVES[k], q).unwrap());
        nexts.push(next);
    }
    let mut qf: Vec<f64> = g.iter().map(|x| x * cfg.gamma).collect();
    let m = qf.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = qf.iter().map(|x| (x - m).exp()).sum();
    qf.iter_mut().for_each(|x| *x = (*x - m).exp() / z);
    let mut order: Vec<usize> = (0..np).collect();
    order.sort_by(|&a, &b| qf[b].partial_cmp(&qf[a]).unwrap()); // stable: ties keep index order
    let kept: Vec<usize> = order
        .into_iter()
        .filter(|&k| qf[k] > cfg.policy_prune_threshold)
        .take(mb)
        .collect();
    let mut values = vec![pen; np];
    for &k in &kept {
        // Predicted outcomes per modality (A is stored a column per joint parent state),
        // top-k, renormalised, last modality fastest.
        let next = &nexts[k];
        let view: Vec<f64> = (0..3)
            .map(|o| {
                (0..3)
                    .map(|s| model.likelihood(0)[s * 3 + o] * next.factor(0)[s])
                    .sum()
            })
            .collect();
        let hint: Vec<f64> = (0..2)
            .map(|o| {
                let mut t = 0.0;
                for s in 0..3 {
                    for c in 0..2 {
                        t += model.likelihood(1)[(s * 2 + c) * 2 + o]
                            * next.factor(0)[s]
                            * next.factor(1)[c];
                    }
                }
                t
            })
            .collect();
        let top = |x: &[f64]| {
            let mut idx: Vec<usize> = (0..x.len()).collect();
            idx.sort_by(|&a, &b| x[b].partial_cmp(&x[a]).unwrap());
            idx.truncate(cfg.topk_obsspace.min(x.len()));
            let z: f64 = idx.iter().map(|&i| x[i]).sum();
            idx.into_iter().map(|i| (i, x[i] / z)).collect::<Vec<_>>()
        };
        let mut acc = 0.0;
        let mut n = 0;
        for &(o0, p0) in &top(&view) {
            for &(o1, p1) in &top(&hint) {
                let p = p0 * p1;
                if p <= cfg.observation_prune_threshold || n >= mb {
                    continue;
                }
                n += 1;
                let post = infer_states(model, &[o0, o1], next, 16).unwrap();
                let v = if d + 1 < cfg.horizon {
                    brute(model, &post, d + 1, cfg, mb).0
                } else {
                    0.0
                };
                acc += v * p;
            }
        }
        values[k] = if n > 0 { acc + g[k] } else { pen };
    }
    let extra = mb.saturating_sub(np);
    let x: Vec<f64> = values.iter().map(|v| v * cfg.gamma).collect();
    let m = x.iter().cloned().fold(pen * cfg.gamma, f64::max);
    let ep = (pen * cfg.gamma - m).exp();
    let z: f64 = x.iter().map(|v| (v - m).exp()).sum::<f64>() + ep * extra as f64;
    let q: Vec<f64> = x.iter().map(|v| (v - m).exp() / z).collect();
    let value =
        q.iter().zip(&values).map(|(a, b)| a * b).sum::<f64>() + extra as f64 * ep / z * pen;
    (value, q, values)
}

fn small_config() -> SiConfig<f64> {
    SiConfig::default()
        .horizon(3)
        .gamma(2.0)
        .policy_prune_threshold(0.0)
        .observation_prune_threshold(0.0)
        .entropy_stop_threshold(-1.0)
}

#[test]
fn more_actions_than_branching_matches_brute_force() {
    let model = small_model();
    let cfg = small_config();
    let root = Belief::from_slice(&[1.0, 0.0, 0.0, 0.5, 0.5]).unwrap();
    // Branching 2 < 3 actions (pymdp crashes, #418): the top 2 actions of every node.
    let mut tree = Box::new(Tree::<f64, Small, 4096, 2>::new());
    let r = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut tree).unwrap();
    assert!(!r.full && r.depth == 3);
    let (v, q, values) = brute(&model, &root, 0, &cfg, 2);
    for k in 0..3 {
        close(r.q_pi[k], q[k], 1e-12, &format!("q_pi[{k}]"));
        close(r.neg_efe[k], values[k], 1e-12, &format!("neg_efe[{k}]"));
    }
    close(tree.node(0).neg_efe, v, 1e-12, "root value");
    assert!(
        values.iter().any(|&x| x == -512.0),
        "one action is pruned at the root"
    );
    // Branching ≥ actions (pymdp's case, with its empty slots), also against brute force.
    let mut tree = Box::new(Tree::<f64, Small, 4096, 4>::new());
    let r = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut tree).unwrap();
    let (_, q, values) = brute(&model, &root, 0, &cfg, 4);
    for k in 0..3 {
        close(r.q_pi[k], q[k], 1e-12, &format!("q_pi[{k}] (MB 4)"));
        close(
            r.neg_efe[k],
            values[k],
            1e-12,
            &format!("neg_efe[{k}] (MB 4)"),
        );
    }
}

#[test]
fn full_tree_returns_the_best_plan_found() {
    let model = small_model();
    let cfg = small_config();
    let root = Belief::from_slice(&[1.0, 0.0, 0.0, 0.5, 0.5]).unwrap();
    // Horizon 1 needs 1 + 3 × (1 + up to 4 observations) nodes; give it room for that but
    // not for horizon 2: the search keeps the complete depth-1 tree.
    let mut big = Box::new(Tree::<f64, Small, 4096, 4>::new());
    let one = sophisticated::plan(&model, &root, &MOVES, &cfg.horizon(1), &mut big).unwrap();
    let n1 = one.nodes;
    let mut tree = Box::new(Tree::<f64, Small, 24, 4>::new());
    assert!(n1 < 24);
    let r = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut tree).unwrap();
    assert!(r.full);
    assert_eq!(r.depth, 1);
    assert_eq!(r.nodes, n1);
    assert_eq!(r.q_pi, one.q_pi);
    assert_eq!(r.neg_efe, one.neg_efe);
    // Too small even for the root's children: those that fit are scored, the rest pruned.
    let mut tiny = Tree::<f64, Small, 6, 4>::new();
    let r = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut tiny).unwrap();
    assert!(r.full && r.depth == 1 && r.nodes <= 6);
    close(r.q_pi.iter().sum(), 1.0, 1e-12, "q sums to 1");
    let expanded = r.neg_efe.iter().filter(|&&v| v != -512.0).count();
    assert!((1..3).contains(&expanded), "{:?}", r.neg_efe);
    let best = actinf::maths::argmax(&r.q_pi);
    assert!(r.neg_efe[best] > -512.0);
    // A single-node tree: nothing fits, every action is pruned (uniform q), no panic.
    let mut one_node = Tree::<f64, Small, 1, 4>::new();
    let r = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut one_node).unwrap();
    assert!(r.full);
    assert!(r.neg_efe.iter().all(|&v| v == -512.0));
}

#[test]
fn costly_cue_is_visited_by_si_but_not_by_vanilla_efe() {
    let fx = fixture();
    let model = cue_model::<f32>(&fx);
    let d = Belief::from_slice(&cat::<f32>(&fx["inputs"]["qs_root"])).unwrap();
    // SI through the planner trait, on an agent with one-step policies.
    let agent = Agent::<f32, Cue, 1, 4>::new(model.clone(), Config::default().gamma(4.0)).unwrap();
    let mut tree = Box::new(Tree::<f32, Cue, 511, 8>::new());
    let mut si = Sophisticated::new(fixture_config(&fx), &mut tree);
    let windows = [Window::<f32, Cue, 2>::new(d)];
    let (mut q, mut g) = ([SVector::zeros()], [SVector::zeros()]);
    si.plan(
        &agent,
        &windows,
        &mut q,
        &mut g,
        &mut rand::rngs::SmallRng::seed_from_u64(0),
    )
    .unwrap();
    assert_eq!(
        actinf::maths::argmax(q[0].as_slice()),
        3,
        "SI goes to the cue: {q:?}"
    );
    let want = data(&fx["outputs"]["q_pi"]);
    for k in 0..4 {
        close(q[0][k] as f64, want[k], REL_F32, "planner q_pi");
    }
    // Vanilla EFE with two-step policies stays in the centre.
    let vanilla = Agent::<f32, Cue, 2, 16>::new(model, Config::default().gamma(4.0)).unwrap();
    let (qv, _) = vanilla.infer_policies(&Beliefs::splat(d)).unwrap();
    let want = data(&fx["outputs"]["vanilla_policy_len_horizon"]["q_pi"]);
    for k in 0..16 {
        close(qv[0][k] as f64, want[k], 1e-4, "vanilla q_pi");
    }
    let best = actinf::maths::argmax(qv[0].as_slice());
    assert_eq!(best, 0, "vanilla EFE's best two-step policy stays put");
}

#[test]
fn bad_inputs_are_typed_errors() {
    let model = small_model();
    let root = Belief::from_slice(&[1.0, 0.0, 0.0, 0.5, 0.5]).unwrap();
    let mut tree = Tree::<f64, Small, 64, 4>::new();
    type Case = (SiConfig<f64>, &'static str, fn(&Problem) -> bool);
    let cases: [Case; 5] = [
        (small_config().horizon(0), "horizon", |p| {
            matches!(p, Problem::OutOfRange { .. })
        }),
        (small_config().topk_obsspace(0), "topk_obsspace", |p| {
            matches!(p, Problem::OutOfRange { .. })
        }),
        (small_config().gamma(f64::NAN), "gamma", |p| {
            matches!(p, Problem::NotFinite { .. })
        }),
        (small_config().prune_penalty(-1.0), "prune_penalty", |p| {
            matches!(p, Problem::Negative { .. })
        }),
        (small_config().kl_threshold(f64::NAN), "kl_threshold", |p| {
            matches!(p, Problem::NotFinite { .. })
        }),
    ];
    for (cfg, name, problem) in cases {
        let e = sophisticated::plan(&model, &root, &MOVES, &cfg, &mut tree).unwrap_err();
        assert_eq!(e.tensor, Tensor::Hyperparameter);
        assert_eq!(e.name, name);
        assert!(problem(&e.problem), "{e}");
    }
    let e = sophisticated::plan(&model, &root, &[[3, 0]], &small_config(), &mut tree).unwrap_err();
    assert_eq!(
        (e.tensor, e.problem),
        (Tensor::B, Problem::OutOfRange { value: 3, len: 3 })
    );
    let mut bad = root;
    bad.as_mut_slice()[0] = -1.0;
    let e = sophisticated::plan(&model, &bad, &MOVES, &small_config(), &mut tree).unwrap_err();
    assert_eq!(e.tensor, Tensor::Belief);
}

#[test]
fn tree_sizes_in_module_docs() {
    assert_eq!(core::mem::size_of::<Tree<f32, Cue, 512, 32>>(), 163_856);
    assert_eq!(core::mem::size_of::<Tree<f32, Cue, 16, 2>>(), 1_296);
    assert_eq!(core::mem::size_of::<Tree<f64, Cue, 512, 4>>(), 69_648);
    assert_eq!(core::mem::size_of::<Tree<f64, Small, 4096, 2>>(), 426_000);
}
