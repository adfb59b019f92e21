//! The batched agent: a generative model, hyperparameters and a policy table per agent.
//!
//! `Agent<T, S, L, NP, B>` runs `B` agents in lock step (pymdp's `batch_size`), with policies
//! of length `L` and `NP` policies. Every method takes and returns batched values —
//! `[S::Observation; B]`, [`Beliefs<T, S, B>`], `[S::Action; B]` — so one agent's data given to
//! a batch is a compile error. Parameters given once are copied to every agent (broadcast);
//! [`Agent::from_models`] gives each agent its own. Agent `b` of a batch computes exactly what
//! an agent built from its model alone would.

use nalgebra::SVector;
use rand::Rng;

use crate::action;
use crate::belief::{Belief, BeliefBatch, Beliefs};
use crate::config::{Config, NoveltyWeight};
use crate::control::{EfeModel, EfeTerms, Terms, policy_posterior};
use crate::error::{Entry, Error, Problem, Tensor};
use crate::inference;
use crate::maths;
use crate::model::Model;
use crate::observation::Categorical;
use crate::policy::Policies;
use crate::real::Real;
use crate::spec::{FactorList, ModalityList, Spec, TransitionList};
use crate::types::{LikelihoodOf, OutcomesInputOf, OutcomesOf, TransitionsOf};
use crate::validate;

type Ms<S> = <S as Spec>::Modalities;
type Fs<S> = <S as Spec>::Factors;

/// One batch element's parameters.
struct Member<T: Real, S: Spec, const L: usize, const NP: usize> {
    model: Model<T, S>,
    config: Config<T>,
    c: [OutcomesOf<T, S>; L],
    e: SVector<T, NP>,
    ln_e: SVector<T, NP>,
    wa: Option<LikelihoodOf<T, S>>,
    wb: Option<TransitionsOf<T, S>>,
}

impl<T: Real, S: Spec, const L: usize, const NP: usize> Clone for Member<T, S, L, NP> {
    fn clone(&self) -> Self {
        Member {
            model: self.model.clone(),
            config: self.config,
            c: self.c,
            e: self.e,
            ln_e: self.ln_e,
            wa: self.wa,
            wb: self.wb,
        }
    }
}

impl<T: Real, S: Spec, const L: usize, const NP: usize> Member<T, S, L, NP> {
    fn new(model: Model<T, S>, config: Config<T>) -> Result<Self, Error> {
        config.check()?;
        let e = SVector::<T, NP>::from_element(T::one() / crate::real::lit::<T>(NP as f64));
        let mut m = Member {
            c: [*model.c(); L],
            model,
            config,
            e,
            ln_e: e.map(maths::log_stable),
            wa: None,
            wb: None,
        };
        m.refresh_novelty()?;
        Ok(m)
    }

    fn refresh_novelty(&mut self) -> Result<(), Error> {
        self.wa = None;
        self.wb = None;
        if !self.config.use_param_info_gain {
            return Ok(());
        }
        let exact = self.config.novelty_weight == NoveltyWeight::Exact;
        self.wa = self
            .model
            .pa()
            .map(|pa| <Ms<S> as ModalityList<Fs<S>>>::novelty_weights(pa, exact));
        self.wb = self
            .model
            .pb()
            .map(|pb| <Fs<S> as TransitionList<Fs<S>>>::novelty_weights(pb, exact));
        if self.wa.is_none() && self.wb.is_none() {
            return Err(Error::new(
                Tensor::PA,
                0,
                "",
                Entry::at(0),
                Problem::Missing,
            ));
        }
        Ok(())
    }

    fn efe(&self, terms: Terms) -> EfeModel<'_, T, S, L> {
        EfeModel {
            model: &self.model,
            c: &self.c,
            wa: self.wa.as_ref(),
            wb: self.wb.as_ref(),
            terms,
        }
    }

    fn terms(&self) -> Terms {
        Terms {
            utility: self.config.use_utility,
            states_info_gain: self.config.use_states_info_gain,
            param_info_gain: self.config.use_param_info_gain,
        }
    }
}

/// A batch of `B` active-inference agents over the model `S`, with `NP` policies of length
/// `L`, computing in `T` (`f32` or `f64`).
///
/// ```
/// actinf::model! {
///     pub Light { factors { Lamp: 2 controlled_by 2 } modalities { Sensor: 2 depends_on [Lamp] } }
/// }
/// use actinf::{Agent, Beliefs, Model, config::Config, list};
/// use rand::{SeedableRng, rngs::SmallRng};
///
/// let model = Model::<f64, Light>::new(
///     list![[[0.9, 0.2], [0.1, 0.8]]],
///     list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
///     list![[0.0, 2.0]],   // prefers sensor reading 1
///     list![[0.5, 0.5]],
/// )?;
/// let agent = Agent::<f64, Light, 1, 2, 3>::new(model, Config::default())?; // 3 agents
/// let mut rng = SmallRng::seed_from_u64(0);
/// let prior = agent.initial_prior();
/// let qs = agent.infer_states(&[[0], [1], [1]], &prior)?;
/// let (q_pi, _neg_efe) = agent.infer_policies(&qs)?;
/// let actions = agent.sample_action(&q_pi, &mut rng)?;
/// assert_eq!(actions, [[1], [1], [1]]); // everyone switches the lamp on
/// let next_prior = agent.update_empirical_prior(&actions, &qs)?;
/// assert_eq!(next_prior[0].factor(0), &[0.0, 1.0]);
/// # Ok::<(), actinf::Error>(())
/// ```
pub struct Agent<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize = 1> {
    members: [Member<T, S, L, NP>; B],
    policies: Policies<S, L, NP>,
}

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> Clone
    for Agent<T, S, L, NP, B>
{
    fn clone(&self) -> Self {
        Agent {
            members: self.members.clone(),
            policies: self.policies.clone(),
        }
    }
}

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> core::fmt::Debug
    for Agent<T, S, L, NP, B>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Agent")
            .field("spec", &S::NAME)
            .field("policy_len", &L)
            .field("num_policies", &NP)
            .field("batch", &B)
            .field("config", &self.members.first().map(|m| m.config))
            .finish_non_exhaustive()
    }
}

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> Agent<T, S, L, NP, B> {
    /// `B` agents sharing `model` and `config` (broadcast), with the full policy table
    /// ([`Policies::all`]; `NP` must be `(∏_f U_f)^L`, checked at compile time).
    ///
    /// Errors if γ or α is negative or not finite, or if parameter information gain is on
    /// and the model has neither `pA` nor `pB`.
    pub fn new(model: Model<T, S>, config: Config<T>) -> Result<Self, Error> {
        const { assert!(B >= 1, "an agent batch needs B >= 1") };
        let member = Member::new(model, config)?;
        Ok(Agent {
            members: core::array::from_fn(|_| member.clone()),
            policies: Policies::all(),
        })
    }

    /// `B` agents, each with its own model and hyperparameters, with the full policy table.
    pub fn from_models(models: [Model<T, S>; B], configs: [Config<T>; B]) -> Result<Self, Error> {
        const { assert!(B >= 1, "an agent batch needs B >= 1") };
        let mut members = models
            .into_iter()
            .zip(configs)
            .enumerate()
            .map(|(b, (m, c))| Member::new(m, c).map_err(|e| e.in_agent(b)));
        let first = members.next().unwrap_or_else(|| unreachable!("B >= 1"))?;
        let mut out: [Member<T, S, L, NP>; B] = core::array::from_fn(|_| first.clone());
        for (b, m) in members.enumerate() {
            out[b + 1] = m?;
        }
        Ok(Agent {
            members: out,
            policies: Policies::all(),
        })
    }

    /// `B` agents sharing `model` and `config`, with a given policy table of any size `NP`
    /// (e.g. a subset from [`Policies::custom`]).
    pub fn with_policy_table(
        model: Model<T, S>,
        config: Config<T>,
        policies: Policies<S, L, NP>,
    ) -> Result<Self, Error> {
        const { assert!(B >= 1, "an agent batch needs B >= 1") };
        let member = Member::new(model, config)?;
        Ok(Agent {
            members: core::array::from_fn(|_| member.clone()),
            policies,
        })
    }

    /// Replaces the policy table (e.g. a custom subset from [`Policies::custom`]).
    pub fn with_policies(mut self, policies: Policies<S, L, NP>) -> Self {
        self.policies = policies;
        self
    }

    /// Sets the policy prior (habits) `E` for every agent; it must be a distribution.
    pub fn with_e(mut self, e: [T; NP]) -> Result<Self, Error> {
        if let Err((row, problem)) = validate::distribution(&e) {
            return Err(Error::new(
                Tensor::E,
                0,
                "",
                Entry::new(&[row.unwrap_or(0)], row.is_none()),
                problem,
            ));
        }
        let e = SVector::from(e);
        for m in &mut self.members {
            m.e = e;
            m.ln_e = e.map(maths::log_stable);
        }
        Ok(self)
    }

    /// Sets time-indexed preferences: `c[t]` is used at planning step `t` (pymdp's `C[m]` of
    /// shape `(L, NO)`), for every agent.
    pub fn with_c_per_step(mut self, c: [OutcomesInputOf<T, S>; L]) -> Result<Self, Error> {
        let mut steps = [*self.members[0].model.c(); L];
        for (t, ct) in c.iter().enumerate() {
            steps[t] = <Ms<S> as ModalityList<Fs<S>>>::outcomes_from_input(ct, Tensor::C, 0)?;
        }
        for m in &mut self.members {
            m.c = steps;
        }
        Ok(self)
    }

    /// Agent `b`'s model.
    pub fn model(&self, b: usize) -> &Model<T, S> {
        &self.members[b].model
    }

    /// Agent `b`'s hyperparameters.
    pub fn config(&self, b: usize) -> &Config<T> {
        &self.members[b].config
    }

    /// The policy table.
    pub fn policies(&self) -> &Policies<S, L, NP> {
        &self.policies
    }

    /// Agent `b`'s policy prior `E`.
    pub fn e(&self, b: usize) -> &SVector<T, NP> {
        &self.members[b].e
    }

    /// The prior for the first step: each agent's `D`.
    pub fn initial_prior(&self) -> Beliefs<T, S, B> {
        Beliefs(core::array::from_fn(|b| Belief(*self.members[b].model.d())))
    }

    /// Applies a per-agent belief map to a batch, tagging errors with the agent's index.
    fn map_batch(
        &self,
        input: &Beliefs<T, S, B>,
        mut f: impl FnMut(usize, &Member<T, S, L, NP>, &Belief<T, S>) -> Result<Belief<T, S>, Error>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        let mut out = *input;
        for (b, (slot, m)) in out.0.iter_mut().zip(&self.members).enumerate() {
            *slot = f(b, m, &input.0[b]).map_err(|e| e.in_agent(b))?;
        }
        Ok(out)
    }

    /// Posterior over states for every agent, from one index observation per modality per
    /// agent and the empirical prior (pymdp `infer_states`, FPI).
    pub fn infer_states(
        &self,
        obs: &[S::Observation; B],
        prior: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        self.map_batch(prior.as_batch(), |b, m, p| {
            inference::infer_states(&m.model, &obs[b], p, m.config.num_iter)
        })
    }

    /// Posterior over states from categorical (probability-vector) observations.
    pub fn infer_states_categorical(
        &self,
        obs: &[Categorical<T, S>; B],
        prior: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        self.map_batch(prior.as_batch(), |b, m, p| {
            inference::infer_states_categorical(&m.model, &obs[b], p, m.config.num_iter)
        })
    }

    /// The next step's empirical prior `B · q` under each agent's action.
    pub fn update_empirical_prior(
        &self,
        action: &[S::Action; B],
        qs: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        self.map_batch(qs.as_batch(), |b, m, q| {
            inference::update_empirical_prior(&m.model, &action[b], q)
        })
    }

    /// Policy posterior and `neg_efe` (minus the expected free energy) of every policy, for
    /// every agent: `q_π = softmax(γ · neg_efe + ln E)`.
    #[allow(clippy::type_complexity)]
    pub fn infer_policies(
        &self,
        qs: &impl BeliefBatch<T, S, B>,
    ) -> Result<([SVector<T, NP>; B], [SVector<T, NP>; B]), Error> {
        let qs = qs.as_batch();
        let mut q_pi = [SVector::<T, NP>::zeros(); B];
        let mut neg_efe = [SVector::<T, NP>::zeros(); B];
        for b in 0..B {
            check_belief(&qs.0[b]).map_err(|e| e.in_agent(b))?;
            let m = &self.members[b];
            neg_efe[b] = m.efe(m.terms()).neg_efe(&self.policies, &qs.0[b]);
            q_pi[b] = policy_posterior(&neg_efe[b], m.config.gamma, &m.ln_e);
        }
        Ok((q_pi, neg_efe))
    }

    /// Agent `b`'s per-policy, per-step EFE terms from beliefs `q` (every term computed,
    /// whatever the flags; novelty terms are zero without `pA`/`pB` or with parameter
    /// information gain off). For diagnostics.
    pub fn efe_terms(&self, b: usize, q: &Belief<T, S>) -> [[EfeTerms<T>; L]; NP] {
        let m = &self.members[b];
        let mut out = [[EfeTerms::zero(); L]; NP];
        m.efe(Terms::ALL)
            .for_each_policy(&self.policies, q, |k, terms| out[k] = *terms);
        out
    }

    /// Each agent's first-action marginals `P(u_f = a)` under `q_pi`.
    pub fn action_marginals(
        &self,
        q_pi: &[SVector<T, NP>; B],
    ) -> [<Fs<S> as FactorList>::ActionVectors<T>; B] {
        core::array::from_fn(|b| action::action_marginals(&self.policies, &q_pi[b]))
    }

    /// One action per factor for every agent, chosen from `q_pi` as configured (pymdp
    /// `sample_action`). Stochastic selection draws from `rng`, independently per agent and
    /// per factor; deterministic selection does not touch it.
    pub fn sample_action<R: Rng + ?Sized>(
        &self,
        q_pi: &[SVector<T, NP>; B],
        rng: &mut R,
    ) -> Result<[S::Action; B], Error> {
        let mut out = [<S::Action as crate::spec::IndexArray>::zeros(); B];
        for b in 0..B {
            if let Err((i, p)) = validate::nonnegative(q_pi[b].as_slice()) {
                return Err(Error::new(Tensor::PolicyPosterior, 0, "", Entry::at(i), p).in_agent(b));
            }
            let c = &self.members[b].config;
            out[b] = action::select(
                &self.policies,
                &q_pi[b],
                c.action_selection,
                c.sampling_mode,
                c.alpha,
                rng,
            );
        }
        Ok(out)
    }
}

/// Beliefs handed to planning must be finite and non-negative.
fn check_belief<T: Real, S: Spec>(q: &Belief<T, S>) -> Result<(), Error> {
    for f in 0..<Fs<S> as FactorList>::LEN {
        if let Err((i, p)) = validate::nonnegative(q.factor(f)) {
            return Err(Error::new(
                Tensor::Belief,
                f,
                <Fs<S> as FactorList>::name(f),
                Entry::at(i),
                p,
            ));
        }
    }
    Ok(())
}
