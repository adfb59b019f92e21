//! Sophisticated inference (`plan::sophisticated`): parity with pymdp 1.0.4's `si_policy_search`
//! (`tests/fixtures/si_single_cue_h2.json`, float32), more actions than the branching limit
//! against a brute-force recursion, a full tree, the qualitative cue test, bad configurations.

use actinf::plan::sophisticated::{self, NodeKind, SiConfig, Sophisticated, Tree};
use actinf::rollout::Planner;
use actinf::{Agent, Belief, Config, Model, Problem, Tensor};
use nalgebra::SVector;
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
        close(r.q_pi[k] as f64, want[k], 1e-5, &format!("q_pi[{k}]"));
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
        assert_eq!(node.horizon as u64, n["horizon"].as_u64().unwrap(), "node {i}");
        let pol: Vec<i64> = n["policy"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
        let obs: Vec<i64> = n["observation"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
        match node.kind {
            NodeKind::Policy(k) => assert_eq!(pol, vec![ACTIONS[k][0] as i64, 0], "node {i}"),
            NodeKind::Observation(o) => {
                assert_eq!(pol[0], -1, "node {i}");
                assert_eq!(obs, vec![o[0] as i64, o[1] as i64], "node {i}");
            }
            NodeKind::Free => panic!("node {i} is free"),
        }
        close(node.neg_efe as f64, n["neg_efe"].as_f64().unwrap(), 1e-5, &format!("node {i} neg_efe"));
        let children: Vec<u32> = n["children"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect();
        assert_eq!(node.children(), &children[..], "node {i} children");
        let probs: Vec<f64> = n["children_probs"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        for (j, (&g, &w)) in node.children_probs().iter().zip(&probs).enumerate() {
            if w.abs() < 1e-12 {
                assert!((g as f64).abs() < 1e-12, "node {i} prob {j}: {g} vs {w}");
            } else {
                close(g as f64, w, 1e-5, &format!("node {i} prob {j}"));
            }
        }
        // Beliefs (posteriors at observation nodes): absolute agreement.
        let qs: Vec<f64> = n["qs"].as_array().unwrap().iter().flat_map(data).collect();
        for (s, (&g, &w)) in node.qs.as_slice().iter().zip(&qs).enumerate() {
            assert!((g as f64 - w).abs() < 1e-6, "node {i} qs[{s}]: {g} vs {w}");
        }
    }
    // Root values: G(a) + Σ_o p(o) value(o), and the root's own value.
    close(tree.node(0).neg_efe as f64, nodes[0]["neg_efe"].as_f64().unwrap(), 1e-5, "root");
    for k in 0..4 {
        let c = tree.node(0).children()[k] as usize;
        let pn = tree.node(c);
        let mut v = 0.0f64;
        for (&o, &p) in pn.children().iter().zip(pn.children_probs()) {
            v += tree.node(o as usize).neg_efe as f64 * p as f64;
        }
        v += pn.neg_efe as f64;
        close(r.neg_efe[k] as f64, v, 1e-5, &format!("root value {k}"));
    }
}
