//! Several control factors driving one transition (pymdp `B_action_dependencies`), on the
//! UNFLATTENED model: the fixture `infer_policies_action_deps` (pymdp 1.0.4) gives `B[1]` with
//! two trailing control axes `(3, 2)`; actinf takes it as is (`controlled_by [U0, U1]`),
//! builds the policies over the control factors (`ControlPolicies`) and must reproduce
//! pymdp's flattened policy table, `q_pi`, `neg_efe`, the sampled action and its decoding.

use crate::common;

use actinf::config::SamplingMode;
use actinf::policy::{
    ControlPolicies, PolicySet, decode_multi_actions, encode_multi_actions,
    multiaction_probabilities, unique_multiactions,
};
use actinf::spec::{self, num_control_policies};
use actinf::types::TransitionsInputOf;
use actinf::{Agent, Belief, Beliefs, Config, Model, list};
use common::{assert_close, data, load, ten2, ten3, ten4, usizes, usizes2, vec1};
use rand::{SeedableRng, rngs::SmallRng};

const TOL: f64 = 1e-10;

actinf::model! {
    /// `infer_policies_action_deps`: control factors `U0` (3) and `U1` (2); factor `F0` is
    /// driven by `U0`, factor `F1` by `U0` and `U1` (pymdp `B_action_dependencies
    /// [[0], [0, 1]]`). num_obs [3, 2], A_dependencies [[0, 1], [1]].
    pub Deps {
        controls { U0: 3, U1: 2 }
        factors { F0: 3 controlled_by [U0], F1: 2 controlled_by [U0, U1] }
        modalities { M0: 3 depends_on [F0, F1], M1: 2 depends_on [F1] }
    }
}

/// One control factor per state factor, implicitly: the table is `Policies::all`.
mod implicit {
    actinf::model! {
        pub Own {
            factors { Fa: 3 controlled_by 3, Fb: 2 controlled_by 2 }
            modalities { Ob: 2 depends_on [Fa] }
        }
    }
    actinf::model! {
        /// pymdp's flattened form of [`super::Deps`]: `F1` with 6 flat actions.
        pub Flat {
            factors { F0: 3 controlled_by 3, F1: 2 controlled_by 6 }
            modalities { M0: 3 depends_on [F0, F1], M1: 2 depends_on [F1] }
        }
    }
}

fn model() -> (serde_json::Value, Model<f64, Deps>, Belief<f64, Deps>) {
    let fx = load("infer_policies_action_deps");
    let i = &fx["inputs"];
    assert_eq!(usizes2(&i["A_dependencies"]), vec![vec![0, 1], vec![1]]);
    assert_eq!(usizes2(&i["B_dependencies"]), vec![vec![0], vec![1]]);
    assert_eq!(
        usizes2(&i["B_action_dependencies"]),
        vec![vec![0], vec![0, 1]]
    );
    assert_eq!(usizes(&i["num_controls"]), vec![3, 2]);
    // B in pymdp's unflattened layout: B[1] is (next, F1, U0, U1) = (2, 2, 3, 2).
    let b: TransitionsInputOf<f64, Deps> = list![
        ten3::<f64, 3, 3, 3>(&fx, "inputs/B/0"),
        ten4::<f64, 2, 2, 3, 2>(&fx, "inputs/B/1")
    ];
    let model = Model::<f64, Deps>::new(
        &list![
            ten3::<f64, 3, 3, 2>(&fx, "inputs/A/0"),
            ten2::<f64, 2, 2>(&fx, "inputs/A/1")
        ],
        &b,
        &list![
            vec1::<f64, 3>(&fx, "inputs/C/0"),
            vec1::<f64, 2>(&fx, "inputs/C/1")
        ],
        &list![[1.0 / 3.0; 3], [0.5; 2]],
    )
    .expect("unflattened model");
    let qs = Belief::<f64, Deps>::new(list![
        vec1::<f64, 3>(&fx, "inputs/qs/0"),
        vec1::<f64, 2>(&fx, "inputs/qs/1")
    ])
    .expect("qs");
    (fx, model, qs)
}

#[test]
fn structure_matches_pymdp_flattening() {
    let fx = load("infer_policies_action_deps");
    let o = &fx["outputs"];
    let c = spec::controls::<Deps>();
    assert!(c.explicit);
    assert_eq!(c.num_controls, 2);
    assert_eq!(&c.sizes[..2], &[3, 2]);
    assert_eq!(c.joint, 6);
    let flat: Vec<usize> = spec::factors::<Deps>().iter().map(|f| f.controls).collect();
    assert_eq!(flat, usizes(&o["flattened_num_controls"]));
    assert_eq!(num_control_policies::<Deps>(1), 6);
    for (f, map) in o["action_maps"].as_array().unwrap().iter().enumerate() {
        let deps = &c.deps[f];
        assert_eq!(deps.ids[..deps.len], usizes(&map["multi_dependency"])[..]);
        let dims: Vec<usize> = deps.ids[..deps.len].iter().map(|&i| c.sizes[i]).collect();
        assert_eq!(dims, usizes(&map["multi_dims"]));
        assert_eq!(vec![flat[f]], usizes(&map["flat_dims"]));
    }
    // The unflattened B, stored: the same transitions, action by action, as pymdp's
    // flattened B (`flattened_B[1]` is (2, 2, 6)) in the flattened model.
    let (_, model, _) = model();
    let flattened = Model::<f64, implicit::Flat>::uniform()
        .with_b(&list![
            ten3::<f64, 3, 3, 3>(&fx, "outputs/flattened_B/0"),
            ten3::<f64, 2, 2, 6>(&fx, "outputs/flattened_B/1")
        ])
        .expect("flattened B");
    for (f, info) in spec::factors::<Deps>().iter().enumerate() {
        for u in 0..info.controls {
            assert_eq!(
                model.transition(f, u),
                flattened.transition(f, u),
                "B[{f}], action {u}"
            );
        }
    }
}

#[test]
fn policy_table_is_pymdps_flattened_table() {
    let fx = load("infer_policies_action_deps");
    let want = usizes(&fx["outputs"]["flattened_policies"]["data"]);
    let p = ControlPolicies::<Deps, 1, 6>::all();
    let got: Vec<usize> = p.iter().flat_map(|pol| pol[0]).collect();
    assert_eq!(got, want, "flattened_policies");
    // Control actions: product over (U0, U1), U1 fastest; encode/decode round-trip.
    for k in 0..6 {
        let c = p.control_action(k, 0);
        assert_eq!(c, [k / 2, k % 2]);
        assert_eq!(encode_multi_actions::<Deps>(&c).unwrap(), p.get(k)[0]);
        assert_eq!(decode_multi_actions::<Deps>(&p.get(k)[0]).unwrap(), c);
    }
    // Two-step table: (3·2)² policies, the last step fastest.
    let p2 = ControlPolicies::<Deps, 2, { num_control_policies::<Deps>(2) }>::all();
    assert_eq!(p2.len(), 36);
    assert_eq!(p2.get(7), [[0, 1], [0, 1]]);
    assert_eq!(p2.control_action(7, 0), [0, 1]);
    assert_eq!(p2.control_action(7, 1), [0, 1]);
}

#[test]
fn encode_decode_errors() {
    use actinf::error::{Problem, Tensor};
    let e = encode_multi_actions::<Deps>(&[3, 0]).unwrap_err();
    assert_eq!((e.tensor, e.index), (Tensor::ControlAction, 0));
    assert_eq!(e.problem, Problem::OutOfRange { value: 3, len: 3 });
    let e = decode_multi_actions::<Deps>(&[0, 6]).unwrap_err();
    assert_eq!((e.tensor, e.index), (Tensor::Action, 1));
    // F0 says U0 = 1, F1 = 4 says U0 = 2.
    let e = decode_multi_actions::<Deps>(&[1, 4]).unwrap_err();
    assert_eq!(
        e.problem,
        Problem::ControlMismatch {
            control: 0,
            first: 1,
            second: 2
        }
    );
    assert!(e.to_string().contains("control factor 0"), "{e}");
}

#[test]
fn infer_policies_action_deps_unflattened() {
    let (fx, model, qs) = model();
    let o = &fx["outputs"];
    let gamma = fx["params"]["gamma"].as_f64().unwrap();
    // pymdp forces sampling_mode = "full" with B_action_dependencies.
    let agent = Agent::<f64, Deps, 1, 6>::with_policy_table(
        model,
        Config::default()
            .gamma(gamma)
            .sampling_mode(SamplingMode::Full),
        ControlPolicies::all(),
    )
    .expect("agent");
    let (q_pi, neg_efe) = agent
        .infer_policies(&Beliefs::splat(qs))
        .expect("infer_policies");
    assert_close(neg_efe[0].as_slice(), &data(&o["neg_efe"]), TOL, "neg_efe");
    assert_close(q_pi[0].as_slice(), &data(&o["q_pi"]), TOL, "q_pi");

    // Marginal selection would sample the two factors driven by `Move` independently: refused.
    let e = Agent::<f64, Deps, 1, 6>::with_policy_table(
        agent.model(0).clone(),
        Config::default().sampling_mode(SamplingMode::Marginal),
        ControlPolicies::all(),
    )
    .unwrap_err();
    assert_eq!(e.problem, actinf::Problem::MarginalWithControls, "{e}");

    let mut rng = SmallRng::seed_from_u64(0);
    let a = agent.sample_action(&q_pi, &mut rng).expect("sample_action");
    assert_eq!(a[0].to_vec(), usizes(&o["action_flat"]), "action_flat");
    let decoded = decode_multi_actions::<Deps>(&a[0]).expect("decode");
    assert_eq!(
        decoded.to_vec(),
        usizes(&o["action_decoded"]),
        "action_decoded"
    );

    // pymdp's unique_multiactions / multiaction_probabilities (full mode): one entry per
    // distinct first-step action, sorted; here each policy has its own.
    let mut uniq = [[0usize; 2]; 18];
    let n = unique_multiactions(agent.policies(), &mut uniq).unwrap();
    assert_eq!(n, 6);
    let want: Vec<[usize; 2]> = agent.policies().iter().map(|p| p[0]).collect();
    assert_eq!(uniq[..n].to_vec(), want);
    let mut probs = [0.0f64; 18];
    let q: [f64; 6] = q_pi[0].into();
    let n = multiaction_probabilities(agent.policies(), &q, &mut probs).unwrap();
    assert_eq!(n, 6);
    assert_close(
        &probs[..n],
        &data(&o["q_pi"]),
        TOL,
        "multiaction_probabilities",
    );
    let mut short = [0.0f64; 5];
    assert!(multiaction_probabilities(agent.policies(), &q, &mut short).is_err());
}

#[test]
fn implicit_controls_are_the_full_table() {
    use actinf::policy::Policies;
    let c = spec::controls::<implicit::Own>();
    assert!(!c.explicit);
    assert_eq!((c.num_controls, c.joint), (2, 6));
    let all = Policies::<implicit::Own, 2, 36>::all();
    let ctl = ControlPolicies::<implicit::Own, 2, 36>::all();
    const {
        assert!(<ControlPolicies<implicit::Own, 2, 36> as PolicySet<implicit::Own, 2, 36>>::FULL);
        assert!(!<ControlPolicies<Deps, 1, 6> as PolicySet<Deps, 1, 6>>::FULL);
    }
    assert!(all.iter().eq(ctl.iter()));
    assert_eq!(
        decode_multi_actions::<implicit::Own>(&[2, 1]).unwrap(),
        [2, 1]
    );
    // A table over repeated first steps: multiaction probabilities sum per first step.
    let q = [1.0 / 36.0; 36];
    let mut probs = [0.0; 6];
    assert_eq!(multiaction_probabilities(&all, &q, &mut probs).unwrap(), 6);
    assert_close(&probs, &[1.0 / 6.0; 6], 1e-15, "marginal over first steps");
}

/// pymdp's unflattened tensors load through `actinf::io` (B[1] with shape (2, 2, 3, 2));
/// the flattened (2, 2, 6) one is a shape error.
#[cfg(feature = "serde")]
#[test]
fn io_loads_the_unflattened_b() {
    use actinf::error::Problem;
    use actinf::io::PymdpModel;
    let (fx, model, _) = model();
    let i = &fx["inputs"];
    let file = serde_json::json!({
        "A": i["A"], "B": i["B"], "C": i["C"],
        "D": [[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], [0.5, 0.5]],
    });
    let loaded = serde_json::from_value::<PymdpModel>(file.clone())
        .unwrap()
        .model::<f64, Deps>()
        .expect("unflattened B loads");
    for (f, info) in spec::factors::<Deps>().iter().enumerate() {
        for u in 0..info.controls {
            assert_eq!(
                loaded.transition(f, u),
                model.transition(f, u),
                "B[{f}], {u}"
            );
        }
    }
    let mut flat = file;
    flat["B"] = fx["outputs"]["flattened_B"].clone();
    let e = serde_json::from_value::<PymdpModel>(flat)
        .unwrap()
        .model::<f64, Deps>()
        .unwrap_err();
    assert!(
        matches!(
            e.problem,
            Problem::WrongRank {
                expected: 4,
                found: 3
            }
        ),
        "{e:?}"
    );
}

/// With a `controls` section, an uncontrolled factor (or `controlled_by []`) has one action
/// and no action axis in `B` (pymdp's layout for an empty `B_action_dependencies[f]`).
#[test]
fn uncontrolled_factor_has_no_action_axis() {
    actinf::model! {
        Mixed {
            controls { Move: 2 }
            factors { P: 2 controlled_by [Move], Q: 2, R: 2 controlled_by [] }
            modalities { O: 2 depends_on [P] }
        }
    }
    let eye = [[1.0, 0.0], [0.0, 1.0]];
    let p = [[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]; // move m goes to m
    let model = Model::<f64, Mixed>::uniform()
        .with_b(&list![p, eye, eye])
        .expect("B without action axes for Q and R");
    assert_eq!(model.transition(1, 0), &[1.0, 0.0, 0.0, 1.0]);
    let c = spec::controls::<Mixed>();
    assert_eq!((c.num_controls, c.joint), (1, 2));
    assert_eq!([c.action_axes[1].len, c.action_axes[2].len], [0, 0]);
    let pol = ControlPolicies::<Mixed, 1, 2>::all();
    assert_eq!(pol.get(1), [[1, 0, 0]]);
    assert_eq!(decode_multi_actions::<Mixed>(&[1, 0, 0]).unwrap(), [1]);
}
