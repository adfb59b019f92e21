//! Parity of policy inference and action selection with pymdp 1.0.4 (JAX, float64).
//!
//! Every expected number is read from the JSON fixtures in `tests/fixtures/` (produced by
//! pymdp itself, see `/work/shared/fixtures/README.md`), or derived in this file from
//! fixture inputs (e.g. the flattened-action decoding of `infer_policies_action_deps`).
//!
//! Covered:
//! * `infer_policies_*`: `q_pi` and `neg_efe` for every flag variant, the policy table, and
//!   the per-policy, per-step EFE terms (`Agent::efe_terms`);
//! * `infer_policies_action_deps`: here on the fixture's *flattened* equivalent model (factor
//!   1 with 6 flat actions) over the fixture's 6-policy table; `tests/action_deps.rs` runs the
//!   unflattened model (control factors, `controlled_by [U0, U1]`, `ControlPolicies`);
//! * `sample_action_*`: deterministic full / marginal selection, action marginals, and the
//!   distributions stochastic selection draws from.
//!
//! Every case also runs in f32 (`*_f32`, tolerances [`TOL_F32`], [`TOL_F32_SAMPLE`]), with
//! the same actions.

use actinf::action::{self, action_marginals, sharpen_in_place};
use actinf::agent::Extras;
use actinf::config::{ActionSelection, NoveltyWeight, SamplingMode};
use actinf::control::{Efe, EfeTerms, Terms, policy_posterior_into};
use actinf::policy::Policies;
use actinf::spec::{self, Spec, num_factors, num_modalities};
use actinf::types::OutcomesInputOf;
use actinf::{Agent, Belief, Beliefs, Config, DirichletA, DirichletB, Model, Real, Shared, list};
use nalgebra::SVector;
use rand::{SeedableRng, rngs::SmallRng};
use serde_json::Value;

/// Absolute tolerance for float64 fixtures (README: an independent re-implementation agrees
/// to 1e-13).
const TOL: f64 = 1e-10;

/// Absolute tolerances of one `infer_policies` case: `q_pi`, and `neg_efe` with its per-term
/// breakdown.
#[derive(Clone, Copy)]
struct Tol {
    q_pi: f64,
    neg_efe: f64,
}

const TOL_F64: Tol = Tol {
    q_pi: TOL,
    neg_efe: TOL,
};

/// f32 (absolute; the fixtures are float64, every input rounded to f32, ~6e-8 relative).
/// `neg_efe` and its terms are sums of entropies and log-ratios of magnitude ≲ 3 over up to
/// 3 steps, each term rounded to a few ulps: the largest error observed over every variant
/// of the six `infer_policies_*` cases is 1.1e-6 (0.3 ppm); `q_pi` (a softmax of
/// γ·neg_efe) 3.7e-7 absolute, 2.4e-6 relative. The tolerances leave a factor ~5.
const TOL_F32: Tol = Tol {
    q_pi: 2e-6,
    neg_efe: 5e-6,
};

/// f32 tolerance on the action marginals, multi-action probabilities and sharpened
/// (`softmax(α ln q)`) distributions of `sample_action_*`: `q_pi` is loaded rounded to f32
/// and α ≤ 16 multiplies its log-error: the largest error observed is 1.5e-7 absolute
/// (`stochastic_marginal_probs[16]`, 2.1e-6 relative); 1e-6 leaves a factor ~7.
const TOL_F32_SAMPLE: f64 = 1e-6;

// ---------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(v["case"], name, "fixture {path} has the wrong case name");
    v
}

fn shape_of(v: &Value) -> Vec<usize> {
    v["shape"]
        .as_array()
        .unwrap_or_else(|| panic!("not an array object: {v}"))
        .iter()
        .map(|x| x.as_u64().expect("shape entry") as usize)
        .collect()
}

fn f64s(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not an array object: {v}"))
        .iter()
        .map(|x| x.as_f64().expect("numeric entry"))
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    let items = match v.get("data") {
        Some(d) => d.as_array().expect("data"),
        None => v
            .as_array()
            .unwrap_or_else(|| panic!("not an int list: {v}")),
    };
    items
        .iter()
        .map(|x| x.as_u64().expect("integer entry") as usize)
        .collect()
}

/// A nested fixed-size array of `f64`, built from row-major data.
trait Nested: Sized {
    const SIZE: usize;
    fn push_shape(out: &mut Vec<usize>);
    fn from_flat(d: &[f64]) -> Self;
}

impl Nested for f64 {
    const SIZE: usize = 1;
    fn push_shape(_: &mut Vec<usize>) {}
    fn from_flat(d: &[f64]) -> Self {
        d[0]
    }
}

/// A scalar the fixtures load into (`f64`, or `f32` for the reduced-precision runs).
trait Float: Real + Nested + Into<f64> {}
impl Float for f64 {}
impl Float for f32 {}

impl Nested for f32 {
    const SIZE: usize = 1;
    fn push_shape(_: &mut Vec<usize>) {}
    fn from_flat(d: &[f64]) -> Self {
        d[0] as f32
    }
}

impl<X: Nested, const N: usize> Nested for [X; N] {
    const SIZE: usize = N * X::SIZE;
    fn push_shape(out: &mut Vec<usize>) {
        out.push(N);
        X::push_shape(out);
    }
    fn from_flat(d: &[f64]) -> Self {
        core::array::from_fn(|i| X::from_flat(&d[i * X::SIZE..(i + 1) * X::SIZE]))
    }
}

/// Loads a fixture array into a nested Rust array, checking that its shape is exactly the
/// shape the declared model expects (so a wrong `depends_on` or size fails here).
fn load<X: Nested>(v: &Value) -> X {
    let mut want = Vec::new();
    X::push_shape(&mut want);
    assert_eq!(
        shape_of(v),
        want,
        "fixture array shape vs declared model shape"
    );
    assert_eq!(v["dtype"], "float64");
    let d = f64s(v);
    assert_eq!(d.len(), X::SIZE);
    X::from_flat(&d)
}

/// Compares two float slices entry by entry; panics listing every mismatch.
fn assert_close<G: Copy + Into<f64>>(what: &str, got: &[G], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let got: Vec<f64> = got.iter().map(|&g| g.into()).collect();
    let bad: Vec<String> = got
        .iter()
        .zip(want)
        .enumerate()
        .filter(|(_, (g, w))| {
            let d = (*g - *w).abs();
            d.is_nan() || d > tol
        })
        .map(|(i, (g, w))| {
            format!(
                "  [{i}] expected {w:.17e}, got {g:.17e} (diff {:.3e})",
                g - w
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {} of {} entries differ by more than {tol:e}:\n{}",
        bad.len(),
        got.len(),
        bad.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Generic checks
// ---------------------------------------------------------------------------------------

/// The declared spec has the fixture's numbers of states, outcomes and controls.
fn check_structure<S: Spec>(fx: &Value) {
    let inputs = &fx["inputs"];
    let (ns, no, nu) = (
        &inputs["num_states"],
        &inputs["num_obs"],
        &inputs["num_controls"],
    );
    let ns = usizes(ns);
    let no = usizes(no);
    let nu = usizes(nu);
    assert_eq!(num_factors::<S>(), ns.len(), "number of factors");
    assert_eq!(num_modalities::<S>(), no.len(), "number of modalities");
    for f in 0..ns.len() {
        assert_eq!(spec::factors::<S>()[f].states, ns[f], "states of f{f}");
        assert_eq!(spec::factors::<S>()[f].controls, nu[f], "controls of f{f}");
    }
    for (m, &n) in no.iter().enumerate() {
        assert_eq!(spec::modalities::<S>()[m].outcomes, n, "outcomes of m{m}");
    }
}

/// The policy table equals the fixture's `(NP, L, F)` int array exactly.
fn check_policy_table<S: Spec, const L: usize, const NP: usize>(
    what: &str,
    table: impl IntoIterator<Item = [S::Action; L]>,
    fixture_policies: &Value,
) {
    let nf = num_factors::<S>();
    assert_eq!(shape_of(fixture_policies), vec![NP, L, nf], "{what}: shape");
    let want = usizes(fixture_policies);
    let got: Vec<usize> = table
        .into_iter()
        .flat_map(|p| p.into_iter().flat_map(|a| a.as_ref().to_vec()))
        .collect();
    assert_eq!(got.len(), NP * L * nf, "{what}: number of entries");
    for k in 0..NP {
        let g = &got[k * L * nf..(k + 1) * L * nf];
        let w = &want[k * L * nf..(k + 1) * L * nf];
        assert_eq!(g, w, "{what}: policy {k} (flattened (L, F) rows)");
    }
}

/// An agent over one shared model and configuration, with optional components `X`.
type AgentWith<T, S, const L: usize, const NP: usize, X> =
    Agent<T, S, L, NP, 1, Shared<Model<T, S>>, Shared<Config<T>>, X>;

/// What one agent computes from `qs`: its policy table, `q_pi`, `neg_efe` and the
/// per-policy, per-step EFE terms.
struct Evaluated<T: Real, S: Spec, const L: usize, const NP: usize> {
    policies: Vec<[S::Action; L]>,
    q_pi: SVector<T, NP>,
    neg_efe: SVector<T, NP>,
    terms: [[EfeTerms<T>; L]; NP],
}

fn evaluate<T: Real, S: Spec, const L: usize, const NP: usize, X: Extras<T, S, L, NP, 1>>(
    what: &str,
    agent: &AgentWith<T, S, L, NP, X>,
    qs: &Belief<T, S>,
) -> Evaluated<T, S, L, NP> {
    let (q_pi, neg_efe) = agent
        .infer_policies(&Beliefs::<T, S, 1>::splat(*qs))
        .unwrap_or_else(|err| panic!("{what}: infer_policies failed: {err}"));
    Evaluated {
        policies: agent.policies().iter().collect(),
        q_pi: q_pi[0],
        neg_efe: neg_efe[0],
        terms: agent.efe_terms(0, qs).unwrap(),
    }
}

/// [`evaluate`], after setting time-varying `C` when given (pymdp `C[m]` of shape `(L, NO)`).
fn evaluate_with_steps<
    T: Real,
    S: Spec,
    const L: usize,
    const NP: usize,
    X: Extras<T, S, L, NP, 1>,
>(
    what: &str,
    agent: AgentWith<T, S, L, NP, X>,
    c_steps: Option<[OutcomesInputOf<T, S>; L]>,
    qs: &Belief<T, S>,
) -> Evaluated<T, S, L, NP> {
    match c_steps {
        Some(c) => {
            let agent = agent
                .with_c_per_step(c)
                .unwrap_or_else(|err| panic!("{what}: setting the per-step C failed: {err}"));
            evaluate(what, &agent, qs)
        }
        None => evaluate(what, &agent, qs),
    }
}

/// The Dirichlet concentrations `pA`, `pB` parameter information gain is computed from.
type Concentrations<'a, T, S> = (&'a DirichletA<T, S>, &'a DirichletB<T, S>);

/// [`evaluate_with_steps`], with parameter information gain (novelty weights of `pA` and
/// `pB`, pymdp's exact weight) when `novelty` is given: pymdp's `use_param_info_gain`.
fn evaluate_with<T: Real, S: Spec, const L: usize, const NP: usize, X: Extras<T, S, L, NP, 1>>(
    what: &str,
    agent: AgentWith<T, S, L, NP, X>,
    novelty: Option<Concentrations<'_, T, S>>,
    c_steps: Option<[OutcomesInputOf<T, S>; L]>,
    qs: &Belief<T, S>,
) -> Evaluated<T, S, L, NP> {
    match novelty {
        Some((pa, pb)) => {
            let agent = agent
                .with_novelty_a(pa, NoveltyWeight::Exact)
                .with_novelty_b(pb, NoveltyWeight::Exact);
            evaluate_with_steps(what, agent, c_steps, qs)
        }
        None => evaluate_with_steps(what, agent, c_steps, qs),
    }
}

/// `q_pi` / `neg_efe` of every flag variant, the policy table and the per-term breakdown.
///
/// `c_steps` is what `Agent::new` cannot take directly (time-varying `C`).
fn check_infer_policies<T: Float, S: Spec, const L: usize, const NP: usize>(
    fx: &Value,
    learned: &Learned<T, S>,
    qs: Belief<T, S>,
    c_steps: Option<[OutcomesInputOf<T, S>; L]>,
    tol: Tol,
) {
    check_structure::<S>(fx);
    let gamma = fx["params"]["gamma"].as_f64().unwrap();
    assert_eq!(fx["params"]["policy_len"].as_u64().unwrap() as usize, L);
    let e: [T; NP] = load(&fx["inputs"]["E"]);
    let novelty = Some((&learned.pa, &learned.pb));

    let variants = fx["outputs"]["variants"].as_object().unwrap();
    assert!(!variants.is_empty());
    for (name, v) in variants {
        let flags = &v["flags"];
        let flag = |k: &str| flags[k].as_bool().unwrap_or_else(|| panic!("flag {k}"));
        let config = Config::default()
            .gamma(gamma)
            .use_utility(flag("use_utility"))
            .use_states_info_gain(flag("use_states_info_gain"));
        let agent = Agent::<T, S, L, NP>::new(learned.model.clone(), config)
            .unwrap_or_else(|err| panic!("{name}: building the agent failed: {err}"));
        let agent = agent
            .with_e(e)
            .unwrap_or_else(|err| panic!("{name}: setting E failed: {err}"));
        // use_param_info_gain: the agent gets the novelty weights of pA and pB.
        let got = evaluate_with(
            name,
            agent,
            novelty.filter(|_| flag("use_param_info_gain")),
            c_steps,
            &qs,
        );

        check_policy_table::<S, L, NP>(
            &format!("{name}: policy table"),
            got.policies.iter().copied(),
            &fx["outputs"]["policies"],
        );

        assert_close(
            &format!("{name}: neg_efe"),
            got.neg_efe.as_slice(),
            &f64s(&v["neg_efe"]),
            tol.neg_efe,
        );
        assert_close(
            &format!("{name}: q_pi"),
            got.q_pi.as_slice(),
            &f64s(&v["q_pi"]),
            tol.q_pi,
        );
    }

    // Per-term breakdown: needs the novelty weights, so parameter information gain on.
    let config = Config::default().gamma(gamma);
    let agent = Agent::<T, S, L, NP>::new(learned.model.clone(), config)
        .expect("agent with parameter information gain");
    let agent = agent.with_e(e).expect("E");
    let terms = evaluate_with("per_policy_terms", agent, novelty, c_steps, &qs).terms;
    let ppt = &fx["outputs"]["per_policy_terms"];
    let pick = |f: &dyn Fn(&EfeTerms<T>) -> T| -> Vec<f64> {
        terms
            .iter()
            .flat_map(|p| p.iter().map(|t| f(t).as_f64()))
            .collect()
    };
    for (key, got) in [
        ("utility", pick(&|t| t.utility)),
        ("states_info_gain", pick(&|t| t.states_info_gain)),
        ("neg_pA_info_gain", pick(&|t| t.neg_pa_info_gain)),
        ("neg_pB_info_gain", pick(&|t| t.neg_pb_info_gain)),
    ] {
        assert_eq!(
            shape_of(&ppt[key]),
            vec![NP, L],
            "per_policy_terms.{key} shape"
        );
        assert_close(
            &format!("per_policy_terms.{key} (flattened [policy, t])"),
            &got,
            &f64s(&ppt[key]),
            tol.neg_efe,
        );
    }
    // The terms add up to the all-flags neg_efe of the fixture, when recorded.
    if let Some(v) = variants.get("all_with_param_info_gain") {
        let sums: Vec<f64> = terms
            .iter()
            .map(|p| p.iter().map(|t| t.neg_efe().as_f64()).sum())
            .collect();
        assert_close(
            "sum_t efe_terms.neg_efe() vs all_with_param_info_gain.neg_efe",
            &sums,
            &f64s(&v["neg_efe"]),
            tol.neg_efe,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------

/// `infer_policies_len{1,2,3}` and `_time_varying_C`: num_states [3, 2], num_controls [3, 1],
/// num_obs [3, 2], A_dependencies [[0, 1], [0, 1]], B_dependencies [[0], [1]].
mod dense {
    actinf::model! {
        pub Dense {
            factors { F0: 3 controlled_by 3, F1: 2 }
            modalities { M0: 3 depends_on [F0, F1], M1: 2 depends_on [F0, F1] }
        }
    }
    pub const A_DEPS: &[&[usize]] = &[&[0, 1], &[0, 1]];
    pub const B_DEPS: &[&[usize]] = &[&[0], &[1]];
}

/// `infer_policies_bdeps_sparseA`: num_obs [3, 4], A_dependencies [[0], [0, 1]],
/// B_dependencies [[0], [0, 1]].
mod sparse {
    actinf::model! {
        pub Sparse {
            factors { F0: 3 controlled_by 3, F1: 2 depends_on [F0, F1] }
            modalities { M0: 3 depends_on [F0], M1: 4 depends_on [F0, F1] }
        }
    }
    pub const A_DEPS: &[&[usize]] = &[&[0], &[0, 1]];
    pub const B_DEPS: &[&[usize]] = &[&[0], &[0, 1]];
}

/// `infer_policies_action_deps`, flattened: factor 1's two control factors (3 × 2) become
/// one axis of 6 flat actions. num_obs [3, 2], A_dependencies [[0, 1], [1]].
mod flat {
    actinf::model! {
        pub Flat {
            factors { F0: 3 controlled_by 3, F1: 2 controlled_by 6 }
            modalities { M0: 3 depends_on [F0, F1], M1: 2 depends_on [F1] }
        }
    }
    pub const A_DEPS: &[&[usize]] = &[&[0, 1], &[1]];
    pub const B_DEPS: &[&[usize]] = &[&[0], &[1]];
}

/// `sample_action_2ctrl_len1`: two controllable factors, 3 and 2 actions.
mod two_ctrl {
    actinf::model! {
        pub TwoCtrl {
            factors { Fa: 3 controlled_by 3, Fb: 2 controlled_by 2 }
            modalities { Dummy: 2 depends_on [Fa] }
        }
    }
}

/// `sample_action_1ctrl_len2`: one controllable factor (3 actions), one uncontrolled.
mod one_ctrl {
    actinf::model! {
        pub OneCtrl {
            factors { Fa: 3 controlled_by 3, Fb: 2 }
            modalities { Dummy: 2 depends_on [Fa] }
        }
    }
}

fn deps_of(v: &Value) -> Vec<Vec<usize>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect()
        })
        .collect()
}

fn check_deps<S: Spec>(fx: &Value, a_deps: &[&[usize]], b_deps: &[&[usize]]) {
    let want_a: Vec<Vec<usize>> = a_deps.iter().map(|d| d.to_vec()).collect();
    let want_b: Vec<Vec<usize>> = b_deps.iter().map(|d| d.to_vec()).collect();
    assert_eq!(
        deps_of(&fx["inputs"]["A_dependencies"]),
        want_a,
        "A_dependencies"
    );
    assert_eq!(
        deps_of(&fx["inputs"]["B_dependencies"]),
        want_b,
        "B_dependencies"
    );
    // ... and the declared model has exactly these dependencies.
    let declared_a: Vec<Vec<usize>> = spec::modalities::<S>()
        .iter()
        .map(|m| m.parents.ids().to_vec())
        .collect();
    let declared_b: Vec<Vec<usize>> = spec::factors::<S>()
        .iter()
        .map(|f| f.parents.ids().to_vec())
        .collect();
    assert_eq!(declared_a, want_a, "A_dependencies of the declared model");
    assert_eq!(declared_b, want_b, "B_dependencies of the declared model");
}

/// A model with the Dirichlet concentrations `pA`, `pB` the fixture records.
struct Learned<T: Real, S: Spec> {
    model: Model<T, S>,
    pa: DirichletA<T, S>,
    pb: DirichletB<T, S>,
}

fn dense_model<T: Float>(fx: &Value) -> Learned<T, dense::Dense> {
    check_deps::<dense::Dense>(fx, dense::A_DEPS, dense::B_DEPS);
    let i = &fx["inputs"];
    let c = &i["C"];
    // For time-varying C the model's own C is step 0 (the per-step C is set on the agent).
    let c0: [T; 3] = if shape_of(&c[0]).len() == 2 {
        load::<[[T; 3]; 2]>(&c[0])[0]
    } else {
        load(&c[0])
    };
    let c1: [T; 2] = if shape_of(&c[1]).len() == 2 {
        load::<[[T; 2]; 2]>(&c[1])[0]
    } else {
        load(&c[1])
    };
    Learned {
        model: Model::<T, dense::Dense>::new(
            &list![load(&i["A"][0]), load(&i["A"][1])],
            &list![load(&i["B"][0]), load(&i["B"][1])],
            &list![c0, c1],
            &list![[T::lit(1.0 / 3.0); 3], [T::lit(0.5); 2]],
        )
        .expect("dense model"),
        pa: DirichletA::new(&list![load(&i["pA"][0]), load(&i["pA"][1])]).expect("pA"),
        pb: DirichletB::new(&list![load(&i["pB"][0]), load(&i["pB"][1])]).expect("pB"),
    }
}

fn dense_qs<T: Float>(fx: &Value) -> Belief<T, dense::Dense> {
    let q = &fx["inputs"]["qs"];
    Belief::new(list![load(&q[0]), load(&q[1])]).expect("qs")
}

// ---------------------------------------------------------------------------------------
// infer_policies
// ---------------------------------------------------------------------------------------

fn run_len<T: Float, const L: usize, const NP: usize>(name: &str, tol: Tol) {
    let fx = fixture(name);
    let model = dense_model::<T>(&fx);
    check_infer_policies::<T, dense::Dense, L, NP>(&fx, &model, dense_qs(&fx), None, tol);
}

#[test]
fn infer_policies_len1() {
    run_len::<f64, 1, 3>("infer_policies_len1", TOL_F64);
}

#[test]
fn infer_policies_len1_f32() {
    run_len::<f32, 1, 3>("infer_policies_len1", TOL_F32);
}

#[test]
fn infer_policies_len2() {
    run_len::<f64, 2, 9>("infer_policies_len2", TOL_F64);
}

#[test]
fn infer_policies_len2_f32() {
    run_len::<f32, 2, 9>("infer_policies_len2", TOL_F32);
}

#[test]
fn infer_policies_len3() {
    run_len::<f64, 3, 27>("infer_policies_len3", TOL_F64);
}

#[test]
fn infer_policies_len3_f32() {
    run_len::<f32, 3, 27>("infer_policies_len3", TOL_F32);
}

fn run_time_varying_c<T: Float>(tol: Tol) {
    let fx = fixture("infer_policies_time_varying_C");
    let c = &fx["inputs"]["C"];
    assert_eq!(shape_of(&c[0]), vec![2, 3], "C[0] is (policy_len, No)");
    let c0: [[T; 3]; 2] = load(&c[0]);
    let c1: [[T; 2]; 2] = load(&c[1]);
    let model = dense_model::<T>(&fx);
    check_infer_policies::<T, dense::Dense, 2, 9>(
        &fx,
        &model,
        dense_qs(&fx),
        Some([list![c0[0], c1[0]], list![c0[1], c1[1]]]),
        tol,
    );
}

#[test]
#[allow(non_snake_case)]
fn infer_policies_time_varying_C() {
    run_time_varying_c::<f64>(TOL_F64);
}

#[test]
#[allow(non_snake_case)]
fn infer_policies_time_varying_C_f32() {
    run_time_varying_c::<f32>(TOL_F32);
}

fn run_bdeps_sparse_a<T: Float>(tol: Tol) {
    let fx = fixture("infer_policies_bdeps_sparseA");
    check_deps::<sparse::Sparse>(&fx, sparse::A_DEPS, sparse::B_DEPS);
    let i = &fx["inputs"];
    let model = Learned {
        model: Model::<T, sparse::Sparse>::new(
            &list![load(&i["A"][0]), load(&i["A"][1])],
            &list![load(&i["B"][0]), load(&i["B"][1])],
            &list![load(&i["C"][0]), load(&i["C"][1])],
            &list![[T::lit(1.0 / 3.0); 3], [T::lit(0.5); 2]],
        )
        .expect("sparse model"),
        pa: DirichletA::new(&list![load(&i["pA"][0]), load(&i["pA"][1])]).expect("pA"),
        pb: DirichletB::new(&list![load(&i["pB"][0]), load(&i["pB"][1])]).expect("pB"),
    };
    let q = &i["qs"];
    let qs = Belief::new(list![load(&q[0]), load(&q[1])]).expect("qs");
    check_infer_policies::<T, sparse::Sparse, 2, 9>(&fx, &model, qs, None, tol);
}

#[test]
#[allow(non_snake_case)]
fn infer_policies_bdeps_sparseA() {
    run_bdeps_sparse_a::<f64>(TOL_F64);
}

#[test]
#[allow(non_snake_case)]
fn infer_policies_bdeps_sparseA_f32() {
    run_bdeps_sparse_a::<f32>(TOL_F32);
}

/// pymdp's `B_action_dependencies` (factor 1 driven by control factors 0 and 1) has no
/// counterpart in actinf: a factor has exactly one action axis and a policy one action per
/// factor. The fixture also records the *flattened* equivalent model (pymdp's own internal
/// representation), which actinf can express: factor 1 with 3 × 2 = 6 flat actions, over
/// the 6 policies built from the product of the original control factors. That model is
/// tested here, both through the low-level EFE evaluator with the fixture's 6-policy table
/// and through an `Agent` with the full 3 × 6 = 18-policy table (which contains those 6).
#[test]
fn infer_policies_action_deps() {
    run_action_deps::<f64>(TOL_F64);
}

/// f32: the same flattened model in single precision; the same action.
#[test]
fn infer_policies_action_deps_f32() {
    run_action_deps::<f32>(TOL_F32);
}

fn run_action_deps<T: Float>(tol: Tol) {
    let fx = fixture("infer_policies_action_deps");
    check_deps::<flat::Flat>(&fx, flat::A_DEPS, flat::B_DEPS);
    let (i, o) = (&fx["inputs"], &fx["outputs"]);

    // --- the flattening itself, derived here from the fixture's inputs --------------------
    let nu_multi = usizes(&i["num_controls"]); // original control factors [3, 2]
    assert_eq!(nu_multi, vec![3, 2]);
    let b_action_deps = deps_of(&i["B_action_dependencies"]);
    assert_eq!(b_action_deps, vec![vec![0], vec![0, 1]]);
    let flat_dims: Vec<usize> = b_action_deps
        .iter()
        .map(|d| d.iter().map(|&c| nu_multi[c]).product())
        .collect();
    assert_eq!(flat_dims, usizes(&o["flattened_num_controls"]));
    assert_eq!(spec::factors::<flat::Flat>()[0].controls, 3);
    assert_eq!(spec::factors::<flat::Flat>()[1].controls, 6);
    // Row-major reshape of the trailing action axes: the data are unchanged.
    for f in 0..2 {
        assert_eq!(
            f64s(&i["B"][f]),
            f64s(&o["flattened_B"][f]),
            "flattened B[{f}]"
        );
    }
    // Policies: product over the original control factors (c0, c1), factor f's column is
    // the row-major combination index of its control factors.
    let derived: Vec<[usize; 2]> = (0..3)
        .flat_map(|c0| (0..2).map(move |c1| [c0, c0 * 2 + c1]))
        .collect();
    let fp = usizes(&o["flattened_policies"]);
    assert_eq!(shape_of(&o["flattened_policies"]), vec![6, 1, 2]);
    let fixture_rows: Vec<[usize; 2]> = fp.chunks(2).map(|r| [r[0], r[1]]).collect();
    assert_eq!(fixture_rows, derived, "flattened policies vs derivation");

    // --- the flattened model ---------------------------------------------------------------
    let model = Model::<T, flat::Flat>::new(
        &list![load(&i["A"][0]), load(&i["A"][1])],
        &list![load(&o["flattened_B"][0]), load(&o["flattened_B"][1])],
        &list![load(&i["C"][0]), load(&i["C"][1])],
        &list![[T::lit(1.0 / 3.0); 3], [T::lit(0.5); 2]],
    )
    .expect("flattened model");
    let q = &i["qs"];
    let qs = Belief::<T, flat::Flat>::new(list![load(&q[0]), load(&q[1])]).expect("qs");
    let gamma = fx["params"]["gamma"].as_f64().unwrap();
    let want_neg_efe = f64s(&o["neg_efe"]);
    let want_q_pi = f64s(&o["q_pi"]);

    // (a) The fixture's 6-policy table, evaluated with the EFE evaluator (an `Agent` needs the
    // full table: `Agent::new` fixes NP = (∏ U_f)^L = 18 at compile time).
    let table: [[[usize; 2]; 1]; 6] = core::array::from_fn(|k| [fixture_rows[k]]);
    let policies = Policies::<flat::Flat, 1, 6>::custom(&table).expect("custom policies");
    check_policy_table::<flat::Flat, 1, 6>(
        "flattened_policies",
        policies.iter(),
        &o["flattened_policies"],
    );
    let efe = Efe {
        model: &model,
        c: [model.c(); 1],
        novelty_a: None,
        novelty_b: None,
        terms: Terms {
            utility: true,
            states_info_gain: true,
            param_info_gain: false,
        },
    };
    let mut neg_efe = [T::ZERO; 6];
    efe.neg_efe_into(&policies, &qs, &mut neg_efe);
    assert_close("neg_efe (6 policies)", &neg_efe, &want_neg_efe, tol.neg_efe);
    // pymdp's default E is uniform over its 6 policies.
    let ln_e = [T::lit((1.0f64 / 6.0).ln()); 6];
    let mut q_pi = [T::ZERO; 6];
    policy_posterior_into(&neg_efe, T::lit(gamma), Some(&ln_e), &mut q_pi);
    assert_close("q_pi (6 policies)", &q_pi, &want_q_pi, tol.q_pi);

    // Deterministic full-mode action (pymdp forces sampling_mode='full' here).
    let mut rng = SmallRng::seed_from_u64(0);
    let a = action::select(
        &policies,
        &q_pi,
        ActionSelection::Deterministic,
        SamplingMode::Full,
        T::ONE,
        &mut rng,
    );
    assert_eq!(a.to_vec(), usizes(&o["action_flat"]), "action_flat");
    // Decoding back to the original control factors, by hand (the unflattened model in
    // tests/action_deps.rs uses `decode_multi_actions`).
    let maps = o["action_maps"].as_array().unwrap();
    let mut decoded = vec![usize::MAX; nu_multi.len()];
    for (f, map) in maps.iter().enumerate() {
        let deps = usizes(&map["multi_dependency"]);
        let dims = usizes(&map["multi_dims"]);
        let mut rest = a[f];
        for k in (0..deps.len()).rev() {
            let v = rest % dims[k];
            rest /= dims[k];
            assert!(
                decoded[deps[k]] == usize::MAX || decoded[deps[k]] == v,
                "inconsistent decoding"
            );
            decoded[deps[k]] = v;
        }
    }
    assert_eq!(decoded, usizes(&o["action_decoded"]), "action_decoded");

    // (b) The same model through an Agent with the full 18-policy table: policy (u0, u1) sits
    // at index u0 * 6 + u1; neg_efe must agree there, and q_pi renormalised over the 6
    // recorded policies must equal the fixture's (E is uniform in both, so it cancels).
    let agent = Agent::<T, flat::Flat, 1, 18>::new(model.clone(), Config::default().gamma(gamma))
        .expect("agent");
    let (q18, n18) = agent
        .infer_policies(&Beliefs::splat(qs))
        .expect("infer_policies");
    let idx: Vec<usize> = fixture_rows.iter().map(|r| r[0] * 6 + r[1]).collect();
    for (k, &j) in idx.iter().enumerate() {
        assert_eq!(
            agent.policies().get(j)[0],
            fixture_rows[k],
            "full-table index"
        );
    }
    let sub_neg: Vec<f64> = idx.iter().map(|&j| n18[0][j].as_f64()).collect();
    assert_close(
        "neg_efe (18-policy agent, subset)",
        &sub_neg,
        &want_neg_efe,
        tol.neg_efe,
    );
    let mass: f64 = idx.iter().map(|&j| q18[0][j].as_f64()).sum();
    let sub_q: Vec<f64> = idx.iter().map(|&j| q18[0][j].as_f64() / mass).collect();
    assert_close(
        "q_pi (18-policy agent, renormalised subset)",
        &sub_q,
        &want_q_pi,
        tol.q_pi,
    );
}

// ---------------------------------------------------------------------------------------
// sample_action
// ---------------------------------------------------------------------------------------

/// Everything the `sample_action_*` fixtures record, for a model `S` with `L`-step policies.
fn check_sample_action<T: Float, S: Spec, const L: usize, const NP: usize>(fx: &Value, tol: f64) {
    let (i, o) = (&fx["inputs"], &fx["outputs"]);
    let nu = usizes(&i["num_controls"]);
    let nf = num_factors::<S>();
    assert_eq!(nf, nu.len());
    for (f, &n) in nu.iter().enumerate() {
        assert_eq!(spec::factors::<S>()[f].controls, n, "controls of f{f}");
    }
    let q_arr: [T; NP] = load(&i["q_pi"]);
    let q_pi = SVector::<T, NP>::from(q_arr);

    let agent_with = |mode: SamplingMode, sel: ActionSelection, alpha: f64| {
        Agent::<T, S, L, NP>::new(
            Model::uniform(),
            Config::default()
                .sampling_mode(mode)
                .action_selection(sel)
                .alpha(alpha),
        )
        .expect("agent")
    };
    let full = agent_with(SamplingMode::Full, ActionSelection::Deterministic, 1.0);
    let marginal = agent_with(SamplingMode::Marginal, ActionSelection::Deterministic, 1.0);

    check_policy_table::<S, L, NP>("policies (inputs)", full.policies().iter(), &i["policies"]);
    check_policy_table::<S, L, NP>("policies (outputs)", full.policies().iter(), &o["policies"]);

    let mut rng = SmallRng::seed_from_u64(7);
    let a_full = full.sample_action(&[q_pi], &mut rng).expect("full");
    assert_eq!(a_full[0].as_ref(), usizes(&o["action_full"]), "action_full");
    let a_marg = marginal.sample_action(&[q_pi], &mut rng).expect("marginal");
    assert_eq!(
        a_marg[0].as_ref(),
        usizes(&o["action_marginal"]),
        "action_marginal"
    );

    // Action marginals, through the agent and the free function.
    let marg = full.action_marginals(&[q_pi]).unwrap();
    let q_pi_arr: [T; NP] = q_pi.as_slice().try_into().expect("NP entries");
    let marg_free = action_marginals::<T, S, _, L, NP>(full.policies(), &q_pi_arr);
    assert_eq!(marg[0].0, marg_free);
    let want_marg = o["action_marginals"].as_array().unwrap();
    assert_eq!(want_marg.len(), nf);
    for (f, w) in want_marg.iter().enumerate() {
        assert_eq!(shape_of(w), vec![nu[f]]);
        let got = marg[0].factor(f);
        assert_close(&format!("action_marginals[{f}]"), got, &f64s(w), tol);
    }

    // multiaction_probabilities (pymdp Agent helper; no actinf counterpart, derived here from
    // actinf's marginals / policy table). Marginal mode: row-major outer product of the
    // factor marginals.
    let joint_size: usize = nu.iter().product();
    let outer: Vec<f64> = (0..joint_size)
        .map(|mut j| {
            let mut p = 1.0;
            for f in (0..nf).rev() {
                let u = j % nu[f];
                j /= nu[f];
                p *= marg[0].factor(f)[u].as_f64();
            }
            p
        })
        .collect();
    assert_close(
        "multiaction_probabilities_marginal",
        &outer,
        &f64s(&o["multiaction_probabilities_marginal"]),
        tol,
    );
    // Full mode: q_pi mass of the policies starting with each unique first action.
    let uniq = usizes(&o["unique_multiactions"]);
    let per_first: Vec<f64> = uniq
        .chunks(nf)
        .map(|row| {
            (0..NP)
                .filter(|&k| full.policies().get(k)[0].as_ref() == row)
                .map(|k| q_pi[k].as_f64())
                .sum()
        })
        .collect();
    assert_close(
        "multiaction_probabilities_full",
        &per_first,
        &f64s(&o["multiaction_probabilities_full"]),
        tol,
    );

    // Stochastic sampling distributions for each recorded alpha.
    let alphas: Vec<f64> = fx["params"]["alphas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect();
    let spp = o["stochastic_policy_probs"].as_object().unwrap();
    let smp = o["stochastic_marginal_probs"].as_object().unwrap();
    assert_eq!(spp.len(), alphas.len());
    assert_eq!(smp.len(), alphas.len());
    for (key, want) in spp {
        let alpha: f64 = key.parse().unwrap();
        assert!(alphas.contains(&alpha));
        let mut p = q_arr;
        sharpen_in_place(&mut p, T::lit(alpha));
        assert_close(
            &format!("stochastic_policy_probs[{key}]"),
            &p,
            &f64s(want),
            tol,
        );
    }
    for (key, want) in smp {
        let alpha: f64 = key.parse().unwrap();
        assert!(alphas.contains(&alpha));
        let want = want.as_array().unwrap();
        assert_eq!(want.len(), nf);
        for (f, w) in want.iter().enumerate() {
            let mut p = marg[0].factor(f).to_vec();
            sharpen_in_place(&mut p, T::lit(alpha));
            assert_close(
                &format!("stochastic_marginal_probs[{key}][{f}]"),
                &p,
                &f64s(w),
                tol,
            );
        }
    }

    // Deterministic selection does not depend on the RNG state.
    for seed in 0..3 {
        let mut r = SmallRng::seed_from_u64(seed);
        assert_eq!(full.sample_action(&[q_pi], &mut r).unwrap(), a_full);
        assert_eq!(marginal.sample_action(&[q_pi], &mut r).unwrap(), a_marg);
    }
}

#[test]
fn sample_action_2ctrl_len1() {
    let fx = fixture("sample_action_2ctrl_len1");
    assert_eq!(fx["params"]["policy_len"], 1);
    check_sample_action::<f64, two_ctrl::TwoCtrl, 1, 6>(&fx, TOL);
}

/// f32: the same deterministic actions as pymdp, distributions within [`TOL_F32_SAMPLE`].
#[test]
fn sample_action_2ctrl_len1_f32() {
    let fx = fixture("sample_action_2ctrl_len1");
    check_sample_action::<f32, two_ctrl::TwoCtrl, 1, 6>(&fx, TOL_F32_SAMPLE);
}

#[test]
fn sample_action_1ctrl_len2() {
    let fx = fixture("sample_action_1ctrl_len2");
    assert_eq!(fx["params"]["policy_len"], 2);
    check_sample_action::<f64, one_ctrl::OneCtrl, 2, 9>(&fx, TOL);
}

/// f32: the same deterministic actions as pymdp, distributions within [`TOL_F32_SAMPLE`].
#[test]
fn sample_action_1ctrl_len2_f32() {
    let fx = fixture("sample_action_1ctrl_len2");
    check_sample_action::<f32, one_ctrl::OneCtrl, 2, 9>(&fx, TOL_F32_SAMPLE);
}
