//! (1) A large model (factors of 16 and 12 states, a 40-outcome modality over both) compiles,
//! runs, and matches a brute-force re-implementation of pymdp's FPI written here with plain
//! loops. (2) A batch of 4 agents with different models, hyperparameters and observations
//! computes bit for bit what 4 separate single agents compute.

use crate::common;

use actinf::agent::Extras;
use actinf::config::{Config, NoveltyWeight};
use actinf::model::NoveltyA;
use actinf::policy::Policies;
use actinf::spec::{Spec, num_factors};
use actinf::{
    Agent, Belief, Beliefs, Categorical, DirichletA, Error, Model, PerAgent, Shared, inference,
    list,
};
use common::{arr1, arr2, arr3, arr4};
use nalgebra::SVector;
use rand::{SeedableRng, rngs::SmallRng};

/// SplitMix64: a small deterministic generator for test data.
struct Gen(u64);

impl Gen {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A tensor of the given shape (row-major) whose columns along axis 0 are probability
    /// vectors; entries are skewed (u⁴) and about `zeros` of them are exactly 0.
    fn column_stochastic(&mut self, shape: &[usize], zeros: f64) -> Vec<f64> {
        let no = shape[0];
        let joint: usize = shape[1..].iter().product();
        let mut out = vec![0.0; no * joint];
        for j in 0..joint {
            let mut col: Vec<f64> = (0..no)
                .map(|_| {
                    let u = self.unit();
                    if self.unit() < zeros {
                        0.0
                    } else {
                        u * u * u * u
                    }
                })
                .collect();
            if col.iter().sum::<f64>() == 0.0 {
                col[j % no] = 1.0;
            }
            let s: f64 = col.iter().sum();
            for (o, v) in col.into_iter().enumerate() {
                out[o * joint + j] = v / s;
            }
        }
        out
    }
    /// A probability vector with all entries positive.
    fn distribution(&mut self, n: usize) -> Vec<f64> {
        let v: Vec<f64> = (0..n).map(|_| 0.05 + self.unit()).collect();
        let s: f64 = v.iter().sum();
        v.into_iter().map(|x| x / s).collect()
    }
}

/// Runs `f` on a thread with a 64 MiB stack (the large model's tensors live on the stack),
/// re-raising its panic if it fails.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------------------------------
// (1) A large model against a brute-force reference
// ---------------------------------------------------------------------------------------

mod big {
    actinf::model! {
        /// 16 × 12 hidden states; a 40-outcome modality over both factors, a 5-outcome one
        /// over the second only, and a 6-outcome one over both in reverse axis order.
        pub Big {
            factors { Row: 16, Col: 12 }
            modalities {
                Pixel: 40 depends_on [Row, Col],
                Edge: 5 depends_on [Col],
                Mirror: 6 depends_on [Col, Row],
            }
        }
    }
}

/// One modality of the reference model: row-major `A` of shape `(no, states[deps[0]], …)`.
struct RefModality {
    no: usize,
    deps: Vec<usize>,
    a: Vec<f64>,
}

/// pymdp's FPI (inventory §2.3), written directly from the formulas with plain loops:
/// `ll_m(s) = ln max(A_m[o_m, s], ε)`; from uniform beliefs, `num_iter` Jacobi sweeps
/// `q_f ← softmax(Σ_{m ∋ f} Σ_{s \ s_f} ll_m(s) ∏_{g ≠ f} q_g(s_g) + ln max(p_f, ε))`, each
/// using the previous sweep's marginals only; one exact pass for a single factor.
fn reference_fpi(
    states: &[usize],
    mods: &[RefModality],
    obs: &[usize],
    prior: &[Vec<f64>],
    num_iter: usize,
) -> Vec<Vec<f64>> {
    const EPS: f64 = f64::EPSILON; // pymdp's MINVAL
    let ln = |x: f64| x.max(EPS).ln();
    let softmax = |v: &[f64]| {
        let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = v.iter().map(|x| (x - m).exp()).collect();
        let s: f64 = e.iter().sum();
        e.into_iter().map(|x| x / s).collect::<Vec<f64>>()
    };
    let ln_prior: Vec<Vec<f64>> = prior
        .iter()
        .map(|p| p.iter().map(|&x| ln(x)).collect())
        .collect();
    let lls: Vec<Vec<f64>> = mods
        .iter()
        .zip(obs)
        .map(|(m, &o)| {
            let joint = m.a.len() / m.no;
            (0..joint).map(|j| ln(m.a[o * joint + j])).collect()
        })
        .collect();
    let sweeps = if states.len() == 1 {
        num_iter.min(1)
    } else {
        num_iter
    };
    let mut q: Vec<Vec<f64>> = states.iter().map(|&n| vec![1.0 / n as f64; n]).collect();
    for _ in 0..sweeps {
        let mut ln_q = ln_prior.clone();
        for (m, ll) in mods.iter().zip(&lls) {
            let dims: Vec<usize> = m.deps.iter().map(|&f| states[f]).collect();
            for (j, &l) in ll.iter().enumerate() {
                let mut idx = vec![0; dims.len()];
                let mut rest = j;
                for k in (0..dims.len()).rev() {
                    idx[k] = rest % dims[k];
                    rest /= dims[k];
                }
                for (k, &f) in m.deps.iter().enumerate() {
                    let w: f64 = (0..dims.len())
                        .filter(|&k2| k2 != k)
                        .map(|k2| q[m.deps[k2]][idx[k2]])
                        .product();
                    ln_q[f][idx[k]] += l * w;
                }
            }
        }
        q = ln_q.iter().map(|l| softmax(l)).collect();
    }
    q
}

#[test]
fn large_model_matches_brute_force_fpi() {
    with_big_stack(|| {
        use big::*;
        let mut g = Gen(0x5eed_0001);
        let (nr, nc) = (16, 12);
        let pixel = g.column_stochastic(&[40, nr, nc], 0.1);
        let edge = g.column_stochastic(&[5, nc], 0.1);
        let mirror = g.column_stochastic(&[6, nc, nr], 0.1);
        let prior = [g.distribution(nr), g.distribution(nc)];

        let model = Model::<f64, Big>::uniform()
            .with_a::<Pixel>(&arr3::<f64, 40, 16, 12>(&pixel))
            .unwrap()
            .with_a::<Edge>(&arr2::<f64, 5, 12>(&edge))
            .unwrap()
            .with_a::<Mirror>(&arr3::<f64, 6, 12, 16>(&mirror))
            .unwrap();
        let p = Belief::<f64, Big>::new(list![
            arr1::<f64, 16>(&prior[0]),
            arr1::<f64, 12>(&prior[1])
        ])
        .unwrap();
        let mods = [
            RefModality {
                no: 40,
                deps: vec![0, 1],
                a: pixel,
            },
            RefModality {
                no: 5,
                deps: vec![1],
                a: edge,
            },
            RefModality {
                no: 6,
                deps: vec![1, 0],
                a: mirror,
            },
        ];

        for obs in [[17, 3, 4], [0, 0, 0], [39, 4, 5]] {
            for num_iter in [1, 2, 5, 16] {
                let q = inference::infer_states(&model, &obs, &p, num_iter).unwrap();
                let want = reference_fpi(&[nr, nc], &mods, &obs, &prior, num_iter);
                for (f, w) in want.iter().enumerate() {
                    let got = q.factor(f);
                    let what = format!("obs {obs:?}, num_iter {num_iter}, factor {f}");
                    assert!(
                        got.iter().all(|x| x.is_finite() && *x >= 0.0),
                        "{what}: {got:?}"
                    );
                    let sum: f64 = got.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-12, "{what}: sums to {sum}");
                    common::assert_close(got, w, 1e-12, &what);
                }
                // The observation moved the beliefs away from the prior (the test is not vacuous).
                let moved: f64 = (0..2)
                    .map(|f| {
                        q.factor(f)
                            .iter()
                            .zip(&prior[f])
                            .map(|(a, b)| (a - b).abs())
                            .sum::<f64>()
                    })
                    .sum();
                assert!(moved > 1e-3, "obs {obs:?}: posterior equals the prior");
            }
        }
    });
}

// ---------------------------------------------------------------------------------------
// (2) A batch of 4 agents vs 4 single agents
// ---------------------------------------------------------------------------------------

mod small {
    actinf::model! {
        /// Two controlled factors (the second's transition also depends on the first) and two
        /// modalities.
        pub Small {
            factors {
                Loc: 3 controlled_by 3,
                Ctx: 2 controlled_by 2 depends_on [Loc, Ctx],
            }
            modalities {
                Place: 3 depends_on [Loc],
                Hint: 4 depends_on [Loc, Ctx],
            }
        }
    }
}

use small::Small;

const L: usize = 2;
const NP: usize = actinf::spec::num_policies::<Small>(L);
const B: usize = 4;

/// A random model; with `learn`, Dirichlet concentrations `pA` too (the old API attached
/// them to the model, leaving `A` as it was; they are now a separate [`DirichletA`]).
fn random_model(seed: u64, learn: bool) -> (Model<f64, Small>, Option<DirichletA<f64, Small>>) {
    let mut g = Gen(seed);
    let a_place = g.column_stochastic(&[3, 3], 0.1);
    let a_hint = g.column_stochastic(&[4, 3, 2], 0.1);
    // B[f] is (next, parents…, action): every column over `next` is a distribution.
    let b_loc = g.column_stochastic(&[3, 3, 3], 0.2);
    let b_ctx = g.column_stochastic(&[2, 3, 2, 2], 0.0);
    let c_place: Vec<f64> = (0..3).map(|_| 4.0 * g.unit() - 2.0).collect();
    let c_hint: Vec<f64> = (0..4).map(|_| 4.0 * g.unit() - 2.0).collect();
    let d = [g.distribution(3), g.distribution(2)];
    let model = Model::<f64, Small>::new(
        &list![arr2::<f64, 3, 3>(&a_place), arr3::<f64, 4, 3, 2>(&a_hint)],
        &list![
            arr3::<f64, 3, 3, 3>(&b_loc),
            arr4::<f64, 2, 3, 2, 2>(&b_ctx)
        ],
        &list![arr1::<f64, 3>(&c_place), arr1::<f64, 4>(&c_hint)],
        &list![arr1::<f64, 3>(&d[0]), arr1::<f64, 2>(&d[1])],
    )
    .unwrap();
    if !learn {
        return (model, None);
    }
    let pa_place: Vec<f64> = (0..9).map(|_| 0.5 + 4.0 * g.unit()).collect();
    let pa_hint: Vec<f64> = (0..24).map(|_| 0.5 + 4.0 * g.unit()).collect();
    let pa = DirichletA::new(&list![
        arr2::<f64, 3, 3>(&pa_place),
        arr3::<f64, 4, 3, 2>(&pa_hint)
    ])
    .unwrap();
    (model, Some(pa))
}

/// Per-agent, optional novelty weights of `pA`: agent `b` computes parameter information gain
/// about `A` iff it has weights. (The old `Config::use_param_info_gain` was per agent; it is
/// now the presence of novelty weights, and `with_novelty_a_weights` gives weights to every
/// agent of a batch, so this batch implements the public `Extras` trait itself.)
#[derive(Clone, Copy)]
struct NoveltyPerAgent([Option<NoveltyA<f64, Small>>; B]);

impl Extras<f64, Small, L, NP, B> for NoveltyPerAgent {
    fn novelty_a(&self, b: usize) -> Option<&NoveltyA<f64, Small>> {
        self.0[b].as_ref()
    }
}

type Beliefs1 = Beliefs<f64, Small, 1>;
type Action = [usize; 2];

/// The single-agent API the comparison needs, so that single agents with and without novelty
/// weights (different types) sit in one list.
trait Single {
    fn initial_prior(&self) -> Beliefs1;
    fn infer_states(&self, obs: &[[usize; 2]; 1], prior: &Beliefs1) -> Result<Beliefs1, Error>;
    #[allow(clippy::type_complexity)]
    fn infer_policies(
        &self,
        qs: &Beliefs1,
    ) -> Result<([SVector<f64, NP>; 1], [SVector<f64, NP>; 1]), Error>;
    fn sample_action(
        &self,
        q_pi: &[SVector<f64, NP>; 1],
        rng: &mut SmallRng,
    ) -> Result<[Action; 1], Error>;
    fn update_empirical_prior(
        &self,
        actions: &[Action; 1],
        qs: &Beliefs1,
    ) -> Result<Beliefs1, Error>;
    fn infer_states_categorical(
        &self,
        obs: &[Categorical<f64, Small>; 1],
        prior: &Beliefs1,
    ) -> Result<Beliefs1, Error>;
}

impl<X: Extras<f64, Small, L, NP, 1>> Single
    for Agent<f64, Small, L, NP, 1, Shared<Model<f64, Small>>, Shared<Config<f64>>, X>
{
    fn initial_prior(&self) -> Beliefs1 {
        <Self>::initial_prior(self)
    }
    fn infer_states(&self, obs: &[[usize; 2]; 1], prior: &Beliefs1) -> Result<Beliefs1, Error> {
        <Self>::infer_states(self, obs, prior)
    }
    fn infer_policies(
        &self,
        qs: &Beliefs1,
    ) -> Result<([SVector<f64, NP>; 1], [SVector<f64, NP>; 1]), Error> {
        <Self>::infer_policies(self, qs)
    }
    fn sample_action(
        &self,
        q_pi: &[SVector<f64, NP>; 1],
        rng: &mut SmallRng,
    ) -> Result<[Action; 1], Error> {
        <Self>::sample_action(self, q_pi, rng)
    }
    fn update_empirical_prior(
        &self,
        actions: &[Action; 1],
        qs: &Beliefs1,
    ) -> Result<Beliefs1, Error> {
        <Self>::update_empirical_prior(self, actions, qs)
    }
    fn infer_states_categorical(
        &self,
        obs: &[Categorical<f64, Small>; 1],
        prior: &Beliefs1,
    ) -> Result<Beliefs1, Error> {
        <Self>::infer_states_categorical(self, obs, prior)
    }
}

fn assert_bits(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g.to_bits(),
            w.to_bits(),
            "{what}[{i}]: batch {g:e} vs single {w:e}"
        );
    }
}

fn assert_belief_bits<S: Spec>(got: &Belief<f64, S>, want: &Belief<f64, S>, what: &str) {
    for f in 0..num_factors::<S>() {
        assert_bits(
            got.factor(f),
            want.factor(f),
            &format!("{what}, factor {f}"),
        );
    }
}

#[test]
fn batch_of_four_equals_four_single_agents() {
    let (models, pas): (Vec<_>, Vec<_>) = (0..B)
        .map(|b| random_model(1000 + b as u64, b == 3))
        .unzip();
    let models: [Model<f64, Small>; B] = models.try_into().unwrap();
    let configs: [Config<f64>; B] = [
        Config::default(),
        Config::default().gamma(4.0),
        Config::default().gamma(0.5).use_states_info_gain(false),
        // Old: `.use_param_info_gain(true)` (exact novelty weight, the old default); now agent
        // 3's novelty weights below.
        Config::default().num_iter(7),
    ];
    // Old: parameter information gain for agent b iff its config asked for it and its model
    // had `pA` — agent 3 only.
    let param_info_gain = [false, false, false, true];
    let novelty: [Option<NoveltyA<f64, Small>>; B] = core::array::from_fn(|b| {
        pas[b]
            .as_ref()
            .filter(|_| param_info_gain[b])
            .map(|pa| pa.novelty(NoveltyWeight::Exact))
    });
    assert!(novelty[3].is_some(), "agent 3 learns");
    let batch = Agent::<f64, Small, L, NP, B, _, _, _, _>::from_parts(
        PerAgent(models.clone()),
        PerAgent(configs),
        NoveltyPerAgent(novelty),
        Policies::all(),
    )
    .unwrap();
    let singles: Vec<Box<dyn Single>> = (0..B)
        .map(|b| {
            let one = Agent::<f64, Small, L, NP, 1>::new(models[b].clone(), configs[b]).unwrap();
            match (&pas[b], param_info_gain[b]) {
                (Some(pa), true) => {
                    Box::new(one.with_novelty_a(pa, NoveltyWeight::Exact)) as Box<dyn Single>
                }
                _ => Box::new(one),
            }
        })
        .collect();
    let mut rng = SmallRng::seed_from_u64(1);

    let mut prior = batch.initial_prior();
    let mut single_prior: Vec<Beliefs1> = singles.iter().map(|a| a.initial_prior()).collect();
    for t in 0..4 {
        for b in 0..B {
            assert_belief_bits(
                &prior[b],
                &single_prior[b][0],
                &format!("t={t} agent {b}: prior"),
            );
        }
        let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(b + t) % 3, (2 * b + t) % 4]);
        let qs = batch.infer_states(&obs, &prior).unwrap();
        let (q_pi, neg_efe) = batch.infer_policies(&qs).unwrap();
        let chosen = batch.sample_action(&q_pi, &mut rng).unwrap();
        // Different actions per agent, whatever the policy posterior says.
        let actions: [[usize; 2]; B] = core::array::from_fn(|b| [(b + t) % 3, (b + 1 + t) % 2]);
        let next = batch.update_empirical_prior(&actions, &qs).unwrap();

        // The agents really differ (so a batch that mixed up its members would be caught).
        assert!(
            qs[0] != qs[1] && qs[1] != qs[2] && qs[2] != qs[3],
            "t={t}: identical agents"
        );
        assert!(neg_efe[0] != neg_efe[3], "t={t}: identical neg_efe");
        // Port check: agent 3's novelty weights are used (its neg_efe is not that of the same
        // agent without parameter information gain).
        let plain3 = Agent::<f64, Small, L, NP, 1>::new(models[3].clone(), configs[3]).unwrap();
        let (_, ne_plain) = plain3.infer_policies(&[qs[3]]).unwrap();
        assert!(
            ne_plain[0] != neg_efe[3],
            "t={t}: agent 3's novelty has no effect"
        );

        for b in 0..B {
            let one = &singles[b];
            let what = format!("t={t} agent {b}");
            let qs_b = one.infer_states(&[obs[b]], &single_prior[b]).unwrap();
            assert_belief_bits(&qs[b], &qs_b[0], &format!("{what}: infer_states"));
            let (qp, ne) = one.infer_policies(&qs_b).unwrap();
            assert_bits(
                q_pi[b].as_slice(),
                qp[0].as_slice(),
                &format!("{what}: q_pi"),
            );
            assert_bits(
                neg_efe[b].as_slice(),
                ne[0].as_slice(),
                &format!("{what}: neg_efe"),
            );
            let a = one.sample_action(&qp, &mut rng).unwrap();
            assert_eq!(a[0], chosen[b], "{what}: sample_action");
            let nb = one.update_empirical_prior(&[actions[b]], &qs_b).unwrap();
            assert_belief_bits(&next[b], &nb[0], &format!("{what}: update_empirical_prior"));
            single_prior[b] = nb;
        }

        // Categorical observations: the one-hot encoding of `obs`, batched vs single.
        let cat: [Categorical<f64, Small>; B] =
            core::array::from_fn(|b| Categorical::one_hot(&obs[b]).unwrap());
        let qc = batch.infer_states_categorical(&cat, &prior).unwrap();
        for b in 0..B {
            let one = singles[b]
                .infer_states_categorical(&[cat[b]], &Beliefs::from([prior[b]]))
                .unwrap();
            assert_belief_bits(
                &qc[b],
                &one[0],
                &format!("t={t} agent {b}: infer_states_categorical"),
            );
        }
        prior = next;
    }

    // The batch carries each agent's own model (the old model also held `pA`; it now lives
    // in the novelty weights derived from it, checked too).
    for (b, m) in models.iter().enumerate() {
        assert!(batch.model(b) == m, "agent {b}: model");
        let want = match (&pas[b], param_info_gain[b]) {
            (Some(pa), true) => Some(pa.novelty(NoveltyWeight::Exact)),
            _ => None,
        };
        assert!(
            Extras::<f64, Small, L, NP, B>::novelty_a(batch.extras(), b) == want.as_ref(),
            "agent {b}: novelty weights of pA"
        );
    }
}
