//! Parity of inductive inference with pymdp 1.0.4 (JAX, float64): `generate_I_matrix`, the
//! inductive value of every policy step, and `neg_efe` / `q_pi` with and without
//! `use_inductive` (fixtures `inductive_chain5`, `inductive_chain4_slip`), in f64 and f32
//! ([`TOL_F32`]); plus the errors of
//! bad input and the regeneration of `I` when `B` is learned.

use crate::common;

use actinf::error::{Problem, Tensor};
use actinf::plan::inductive::{Inductive, InductiveMatrices};
use actinf::policy::PolicySet;
use actinf::{Agent, Belief, Config, DirichletB, Model, Real, list};
use common::{Scalar, assert_close, at, data, load, ten2, ten3, vec1};
use serde_json::Value;

const TOL: f64 = 1e-10;

/// f32 (absolute), every fixture input rounded to f32 (~6e-8 relative). `I` is still exact
/// (its entries are thresholded reachabilities); `neg_efe` (|·| ≤ 13) and the inductive
/// values (≤ 6.7) carry f32 rounding of their sums: largest errors observed 8.4e-7 and
/// 2.8e-7 (7e-8 relative); `q_pi` 2.5e-8. One tolerance for all, a factor ~5 above the
/// largest.
const TOL_F32: f64 = 4e-6;

actinf::model! {
    /// pymdp's 5-state line world: stay / right / left.
    pub Chain5 { factors { Pos: 5 controlled_by 3 } modalities { Obs: 5 depends_on [Pos] } }
}

actinf::model! {
    /// pymdp's 4-state chain with a slippery move action.
    pub Chain4 { factors { Cell: 4 controlled_by 2 } modalities { Seen: 4 depends_on [Cell] } }
}

actinf::model! {
    /// A factor whose transition depends on another one (not factor-local).
    pub Coupled {
        factors { Here: 2 controlled_by 2, There: 2 controlled_by 1 depends_on [Here, There] }
        modalities { Look: 2 depends_on [Here] }
    }
}

fn param(fx: &Value, key: &str) -> f64 {
    at(fx, &format!("params/{key}")).as_f64().unwrap()
}

/// Checks a fixture: `I`, the policy table, the inductive value of every policy step, and
/// `neg_efe` / `q_pi` with and without the inductive term.
fn check<
    T: Real + Scalar,
    S: actinf::Spec,
    const N: usize,
    const U: usize,
    const K: usize,
    const L: usize,
    const NP: usize,
>(
    name: &str,
    model: Model<T, S>,
    h: &actinf::types::FactorInputOf<T, S>,
    qs: Belief<T, S>,
    tol: f64,
) {
    let fx = load(name);
    assert_eq!(param(&fx, "inductive_depth") as usize, K);
    assert_eq!(param(&fx, "policy_len") as usize, L);
    let params = Inductive::<T, K>::new()
        .threshold(T::lit(param(&fx, "inductive_threshold")))
        .epsilon(T::lit(param(&fx, "inductive_epsilon")));
    let config = Config::default().gamma(param(&fx, "gamma"));

    // I, from the kernel directly and from the agent's component.
    let i = InductiveMatrices::new(&model, h, params).unwrap();
    let want_i = data(at(&fx, "outputs/I/0"));
    let got_i: Vec<f64> = i
        .factor(0)
        .iter()
        .flat_map(|r| r.iter().map(|x| x.as_f64()))
        .collect();
    assert_eq!(got_i, want_i, "{name}: I");

    let plain = Agent::<T, S, L, NP>::new(model, config).unwrap();
    let agent = plain.clone().with_inductive(h, params).unwrap();
    assert_eq!(agent.extras().i.0, i);

    // The policy table is pymdp's.
    let pol = data(at(&fx, "outputs/policies"));
    assert_eq!(pol.len(), NP * L);
    for k in 0..NP {
        for t in 0..L {
            assert_eq!(
                agent.policies().joint(k, t),
                pol[k * L + t] as usize,
                "{name}: policy {k}"
            );
        }
    }

    // The inductive value of every policy step.
    let terms = agent.efe_terms(0, &qs).unwrap();
    let want_v = data(at(&fx, "outputs/inductive_value_per_policy_step"));
    let got_v: Vec<f64> = terms
        .iter()
        .flat_map(|p| p.iter().map(|t| t.inductive.as_f64()))
        .collect();
    assert_close(&got_v, &want_v, tol, &format!("{name}: inductive value"));
    // Without inductive inference the term is zero.
    assert!(
        plain
            .efe_terms(0, &qs)
            .unwrap()
            .iter()
            .flatten()
            .all(|t| t.inductive == T::ZERO)
    );

    // neg_efe and q_pi, with and without.
    let qs_b = actinf::Beliefs::<T, S, 1>::splat(qs);
    for (which, out) in [
        ("use_inductive", &agent as &dyn Infer<T, S, NP>),
        ("no_inductive", &plain),
    ] {
        let (q_pi, neg_efe) = out.infer(&qs_b);
        let want_g = data(at(&fx, &format!("outputs/{which}/neg_efe")));
        let want_q = data(at(&fx, &format!("outputs/{which}/q_pi")));
        assert_close(
            neg_efe.as_slice(),
            &want_g,
            tol,
            &format!("{name}: {which} neg_efe"),
        );
        assert_close(
            q_pi.as_slice(),
            &want_q,
            tol,
            &format!("{name}: {which} q_pi"),
        );
    }
    let _ = (N, U);
}

/// Policy inference of an agent of any extras (to run both agents through one loop).
trait Infer<T: Real, S: actinf::Spec, const NP: usize> {
    fn infer(
        &self,
        qs: &actinf::Beliefs<T, S, 1>,
    ) -> (nalgebra::SVector<T, NP>, nalgebra::SVector<T, NP>);
}

impl<T, S, const L: usize, const NP: usize, M, C, X, P, I> Infer<T, S, NP>
    for Agent<T, S, L, NP, 1, M, C, X, P, I>
where
    T: Real,
    S: actinf::Spec,
    M: actinf::batch::Batched<Model<T, S>, 1>,
    C: actinf::batch::Batched<Config<T>, 1>,
    X: actinf::agent::Extras<T, S, L, NP, 1>,
    P: PolicySet<S, L, NP>,
    I: actinf::infer::method::Method<S>,
{
    fn infer(
        &self,
        qs: &actinf::Beliefs<T, S, 1>,
    ) -> (nalgebra::SVector<T, NP>, nalgebra::SVector<T, NP>) {
        let (q, g) = self.infer_policies(qs).unwrap();
        (q[0], g[0])
    }
}

fn chain5() -> (Model<f64, Chain5>, [f64; 5], Belief<f64, Chain5>) {
    chain5_in::<f64>()
}

fn chain5_in<T: Real + Scalar>() -> (Model<T, Chain5>, [T; 5], Belief<T, Chain5>) {
    let fx = load("inductive_chain5");
    let a: [[T; 5]; 5] = ten2(&fx, "inputs/A/0");
    let b: [[[T; 3]; 5]; 5] = ten3(&fx, "inputs/B/0");
    let c: [T; 5] = vec1(&fx, "inputs/C/0");
    let h: [T; 5] = vec1(&fx, "inputs/H/0");
    let qs: [T; 5] = vec1(&fx, "inputs/qs/0");
    let model = Model::new(&list![a], &list![b], &list![c], &list![[T::lit(0.2); 5]]).unwrap();
    (model, h, Belief::new(list![qs]).unwrap())
}

fn chain4() -> (Model<f64, Chain4>, [f64; 4], Belief<f64, Chain4>) {
    chain4_in::<f64>()
}

fn chain4_in<T: Real + Scalar>() -> (Model<T, Chain4>, [T; 4], Belief<T, Chain4>) {
    let fx = load("inductive_chain4_slip");
    let a: [[T; 4]; 4] = ten2(&fx, "inputs/A/0");
    let b: [[[T; 2]; 4]; 4] = ten3(&fx, "inputs/B/0");
    let c: [T; 4] = vec1(&fx, "inputs/C/0");
    let h: [T; 4] = vec1(&fx, "inputs/H/0");
    let qs: [T; 4] = vec1(&fx, "inputs/qs/0");
    let model = Model::new(&list![a], &list![b], &list![c], &list![[T::lit(0.25); 4]]).unwrap();
    (model, h, Belief::new(list![qs]).unwrap())
}

#[test]
fn chain5_matches_pymdp() {
    let (model, h, qs) = chain5();
    check::<f64, Chain5, 5, 3, 5, 2, 9>("inductive_chain5", model, &list![h], qs, TOL);
}

#[test]
fn chain5_matches_pymdp_f32() {
    let (model, h, qs) = chain5_in::<f32>();
    check::<f32, Chain5, 5, 3, 5, 2, 9>("inductive_chain5", model, &list![h], qs, TOL_F32);
}

#[test]
fn chain4_slip_matches_pymdp() {
    let (model, h, qs) = chain4();
    check::<f64, Chain4, 4, 2, 3, 1, 2>("inductive_chain4_slip", model, &list![h], qs, TOL);
}

#[test]
fn chain4_slip_matches_pymdp_f32() {
    let (model, h, qs) = chain4_in::<f32>();
    check::<f32, Chain4, 4, 2, 3, 1, 2>("inductive_chain4_slip", model, &list![h], qs, TOL_F32);
}

#[test]
fn bad_input_is_a_typed_error() {
    let (model, h, _) = chain4();
    let agent = Agent::<f64, Chain4, 1, 2>::new(model.clone(), Config::default()).unwrap();
    let ok = Inductive::<f64, 3>::new();
    // Goals that are not 0/1.
    let e = agent
        .clone()
        .with_inductive(&list![[0.0, 0.0, 0.5, 1.0]], ok)
        .unwrap_err();
    assert_eq!((e.tensor, e.index, e.entry.index[0]), (Tensor::H, 0, 2));
    assert_eq!(e.problem, Problem::NotBinary { value: 0.5 });
    assert!(e.to_string().contains("neither 0 nor 1"), "{e}");
    let e = agent
        .clone()
        .with_inductive(&list![[0.0, f64::NAN, 0.0, 1.0]], ok)
        .unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }));
    // Goals of the wrong length (flat input).
    let e = InductiveMatrices::from_flat(&model, &[0.0, 1.0], ok).unwrap_err();
    assert_eq!(e.tensor, Tensor::H);
    assert_eq!(
        e.problem,
        Problem::WrongLength {
            expected: 4,
            found: 2
        }
    );
    // Hyperparameters not finite or outside (0, 1].
    for (threshold, epsilon, name) in [
        (f64::NAN, 1e-3, "inductive_threshold"),
        (0.0, 1e-3, "inductive_threshold"),
        (1.5, 1e-3, "inductive_threshold"),
        (0.1, 0.0, "inductive_epsilon"),
        (0.1, f64::INFINITY, "inductive_epsilon"),
        (0.1, -1.0, "inductive_epsilon"),
    ] {
        let p = Inductive::<f64, 3>::new()
            .threshold(threshold)
            .epsilon(epsilon);
        let e = agent.clone().with_inductive(&list![h], p).unwrap_err();
        assert_eq!(
            (e.tensor, e.name),
            (Tensor::Hyperparameter, name),
            "{threshold} {epsilon}"
        );
        assert!(matches!(
            e.problem,
            Problem::NotFinite { .. } | Problem::NotARate { .. }
        ));
    }
    // ε = 1 and threshold = 1 are allowed.
    assert!(
        agent
            .clone()
            .with_inductive(&list![h], ok.threshold(1.0).epsilon(1.0))
            .is_ok()
    );
    // A goal on a factor whose transition has other parents: pymdp's I assumes B_f local.
    let eye = [[1.0, 0.0], [0.0, 1.0]];
    let b_here = [[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]];
    let b_there = [
        [[[1.0], [0.0]], [[0.0], [1.0]]],
        [[[0.0], [1.0]], [[1.0], [0.0]]],
    ];
    let m = Model::<f64, Coupled>::new(
        &list![eye],
        &list![b_here, b_there],
        &list![[0.0, 0.0]],
        &list![[0.5, 0.5], [0.5, 0.5]],
    )
    .unwrap();
    let coupled = Agent::<f64, Coupled, 1, 2>::new(m, Config::default()).unwrap();
    let e = coupled
        .clone()
        .with_inductive(&list![[0.0, 0.0], [0.0, 1.0]], Inductive::<f64, 2>::new())
        .unwrap_err();
    assert_eq!(
        (e.tensor, e.index, e.problem),
        (Tensor::B, 1, Problem::NotFactorLocal)
    );
    assert!(e.to_string().contains("inductive"), "{e}");
    // Goals only on the factor-local factor are fine.
    assert!(
        coupled
            .with_inductive(&list![[0.0, 1.0], [0.0, 0.0]], Inductive::<f64, 2>::new())
            .is_ok()
    );
}

#[test]
fn learning_b_regenerates_i() {
    use actinf::learn::Learning;
    let (model, h, qs) = chain4();
    let params = Inductive::<f64, 3>::new().threshold(0.3);
    let mut agent = Agent::<f64, Chain4, 1, 2>::new(model, Config::default())
        .unwrap()
        .with_inductive(&list![h], params)
        .unwrap();
    let before = agent.extras().i.0;
    assert_eq!(before.row(0, 1), &[0.0, 0.0, 1.0, 1.0]);
    // Counts in which "move" mostly keeps the agent in place (0.75 stay, 0.25 move): the move
    // transition falls below the threshold and only the goal reaches the goal.
    let pb: [[[f64; 2]; 4]; 4] = core::array::from_fn(|next| {
        core::array::from_fn(|prev| {
            let stay = f64::from(next == prev);
            let moved = if prev == 3 {
                stay * 4.0
            } else if next == prev {
                3.0
            } else if next == prev + 1 {
                1.0
            } else {
                0.0
            };
            [stay, moved]
        })
    });
    let mut pb = DirichletB::<f64, Chain4>::new(&list![pb]).unwrap();
    let rule = Learning::new(1.0, 1.0);
    agent
        .set_parameters(0, None, Some(&pb), None, &rule)
        .unwrap();
    let after = agent.extras().i.0;
    assert_eq!(after.row(0, 1), &[0.0, 0.0, 0.0, 1.0]);
    assert_eq!(
        after,
        InductiveMatrices::new(agent.model(0), &list![h], params).unwrap()
    );
    // The start state (1) has no path to the goal any more: no inductive value at all.
    assert!(
        agent
            .efe_terms(0, &qs)
            .unwrap()
            .iter()
            .flatten()
            .all(|t| t.inductive == 0.0)
    );

    // Learning that "move" reliably takes 2 to 3: I follows again.
    let prev = Belief::new(list![[0.0, 0.0, 1.0, 0.0]]).unwrap();
    let next = Belief::new(list![[0.0, 0.0, 0.0, 1.0]]).unwrap();
    for _ in 0..5 {
        agent
            .learn_step(
                0,
                &[3],
                &next,
                Some((&prev, &[1])),
                None,
                Some(&mut pb),
                &rule,
            )
            .unwrap();
    }
    assert!(agent.model(0).b_entry(0, 3, 2, 1) > 0.3);
    let relearned = agent.extras().i.0;
    assert_eq!(relearned.row(0, 1), &[0.0, 0.0, 1.0, 1.0]);
    assert_eq!(relearned.row(0, 2), &[0.0, 0.0, 1.0, 1.0]);
    assert_eq!(
        relearned,
        InductiveMatrices::new(agent.model(0), &list![h], params).unwrap()
    );

    // Changing B through `model_mut` needs an explicit refresh.
    let (fresh, _, _) = chain4();
    agent.model_mut(0).set_transition(0, fresh.b()).unwrap();
    assert_eq!(agent.extras().i.0, relearned);
    agent.refresh_inductive(0);
    assert_eq!(agent.extras().i.0, before);
}
