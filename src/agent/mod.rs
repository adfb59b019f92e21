//! The batched agent: generative model, hyperparameters, policies and optional components.
//!
//! `Agent<T, S, L, NP, B>` runs `B` agents in lock step (pymdp's `batch_size`), with policies
//! of length `L` and `NP` policies. Every method takes and returns batched values —
//! `[S::Observation; B]`, [`Beliefs<T, S, B>`], `[S::Action; B]` — so one agent's data given to
//! a batch is a compile error. Agent `b` of a batch computes exactly what an agent built
//! from its parameters alone would.
//!
//! # Memory
//!
//! An agent holds its parameters and nothing else: beliefs, priors and outputs are the
//! caller's (the `_into` methods write into storage the caller owns, so a step's stack does
//! not grow with `B`). What it holds is in its type:
//!
//! * `M` — the model: [`Shared<Model>`](Shared) (one for the batch, the default) or
//!   [`PerAgent`] (one per agent, [`Agent::from_models`]);
//! * `C` — the hyperparameters, shared or per agent likewise;
//! * `X` — optional components ([`extras`]): habits, preferences, novelty weights; an agent
//!   without them ([`Plain`]) pays nothing;
//! * `Pol` — the policies: [`Policies`] (the full table, computed, zero bytes) or
//!   [`CustomPolicies`](crate::policy::CustomPolicies).
//!
//! So `size_of::<Agent<_, _, _, _, B>>()` for a broadcast agent is the size of one model plus
//! one [`Config`] whatever `B` is: the T-maze agent is 2.8 KiB in `f64` (1.5 KiB in `f32`), the
//! 7×7 grid (M4) 133 KiB in `f64` (67 KiB in `f32`), for one agent or 1024. A step needs a few
//! KiB of stack (the T-maze agent is built and steps in 16 KiB, 64 KiB in a debug build; see
//! `tests/memory.rs`). A large model can be shared without ever being on the stack:
//! [`Model::boxed_from_slices`] builds it on the heap and `Shared(Box<Model>)` (or
//! `Shared(&model)`, e.g. a `static`) hands it to [`Agent::from_parts`].
//!
//! An agent can live anywhere a value can: on the stack, in a `Box`, or in a `static` — the
//! model has a `const` [`Model::EMPTY`] that a `static` holds and [`Model::init`] fills in
//! place (see the README's "Memory" section for a microcontroller example), and per-agent
//! parameters for large batches are built on the heap in place with
//! [`batch::boxed_from_fn`](crate::batch::boxed_from_fn).

pub mod actor;
pub mod config;
pub mod extras;

use core::marker::PhantomData;

use nalgebra::{Const, SVector};
use rand::Rng;

pub use config::Config;
pub use extras::{
    Extras, Habits, InitialPriors, LnHabits, Plain, Preferences, StepPreferences, WithInductive,
    WithNoveltyA, WithNoveltyB,
};

use crate::batch::{Batched, PerAgent, Shared};
use crate::error::{Entry, Error, Tensor};
use crate::infer::method::{Fpi, Method, OneStep};
use crate::infer::{self, Horizon, Window, likelihood};
use crate::maths::{self, NoveltyWeight, Real};
use crate::model::{
    Belief, BeliefBatch, BeliefBatchMut, Beliefs, Categorical, DirichletA, DirichletB, Model,
    check_observation,
    validate::{self, Column},
};
use crate::plan::inductive::{Inductive, InductiveMatrices};
use crate::plan::{self, Efe, EfeTerms, Policies, PolicySet, Terms};
use crate::spec::{self, Flat, IndexArray, ModalityList, Spec};
use crate::types::{FactorInputOf, OutcomesInputOf};

/// A batch of `B` active-inference agents over the model `S`, with `NP` policies of length
/// `L`, computing in `T` (`f32` or `f64`). See the [module docs](self) for what it holds.
///
/// ```
/// actinf::model! {
///     pub Light { factors { Lamp: 2 controlled_by 2 } modalities { Sensor: 2 depends_on [Lamp] } }
/// }
/// use actinf::{Agent, Beliefs, Model, config::Config, list};
/// use rand::{SeedableRng, rngs::SmallRng};
///
/// let model = Model::<f64, Light>::new(
///     &list![[[0.9, 0.2], [0.1, 0.8]]],
///     &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
///     &list![[0.0, 2.0]],   // prefers sensor reading 1
///     &list![[0.5, 0.5]],
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
pub struct Agent<
    T: Real,
    S: Spec,
    const L: usize,
    const NP: usize,
    const B: usize = 1,
    M = Shared<Model<T, S>>,
    C = Shared<Config<T>>,
    X = Plain,
    Pol = Policies<S, L, NP>,
    I = Fpi,
> {
    models: M,
    configs: C,
    extras: X,
    policies: Pol,
    _spec: PhantomData<Markers<T, S, I>>,
}

/// The agent's type-only parameters (scalar, model spec, inference method).
type Markers<T, S, I> = fn() -> (T, S, I);

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I> Clone
    for Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    M: Clone,
    C: Clone,
    X: Clone,
    Pol: Clone,
{
    fn clone(&self) -> Self {
        Agent {
            models: self.models.clone(),
            configs: self.configs.clone(),
            extras: self.extras.clone(),
            policies: self.policies.clone(),
            _spec: PhantomData,
        }
    }
}

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    core::fmt::Debug for Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    C: Batched<Config<T>, B>,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Agent")
            .field("spec", &S::NAME)
            .field("policy_len", &L)
            .field("num_policies", &NP)
            .field("batch", &B)
            .field("config", self.configs.get(0))
            .finish_non_exhaustive()
    }
}

/// One value per agent, or the error of the first agent that fails.
fn check_configs<T: Real, S: Spec, C: Batched<Config<T>, B>, const B: usize>(
    c: &C,
) -> Result<(), Error> {
    let n = if C::SHARED { 1 } else { B };
    for b in 0..n {
        let config = c.get(b);
        let res = config.check().and_then(|()| {
            if spec::controls::<S>().explicit
                && config.sampling_mode == plan::SamplingMode::Marginal
            {
                Err(Error::new(
                    Tensor::Hyperparameter,
                    0,
                    "sampling_mode",
                    Entry::at(0),
                    crate::error::Problem::MarginalWithControls,
                ))
            } else {
                Ok(())
            }
        });
        res.map_err(|e| if C::SHARED { e } else { e.in_agent(b) })?;
    }
    Ok(())
}

impl<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize> Agent<T, S, L, NP, B> {
    /// `B` agents sharing `model` and `config` (stored once), with the full policy table
    /// ([`Policies::all`]; `NP` must be `(∏_f U_f)^L`, checked at compile time).
    ///
    /// Errors if γ or α is negative or not finite.
    pub fn new(model: Model<T, S>, config: Config<T>) -> Result<Self, Error> {
        Agent::from_parts(Shared(model), Shared(config), Plain, Policies::all())
    }

    /// `B` agents sharing `model` and `config`, with a given policy table of any size `NP`
    /// (e.g. a subset from [`Policies::custom`]).
    #[allow(clippy::type_complexity)]
    pub fn with_policy_table<Pol: PolicySet<S, L, NP>>(
        model: Model<T, S>,
        config: Config<T>,
        policies: Pol,
    ) -> Result<Agent<T, S, L, NP, B, Shared<Model<T, S>>, Shared<Config<T>>, Plain, Pol>, Error>
    {
        Agent::from_parts(Shared(model), Shared(config), Plain, policies)
    }

    /// `B` agents, each with its own model and hyperparameters, with the full policy table.
    /// (For large batches, build the models on the heap and use [`Agent::from_parts`] with
    /// [`PerAgent`]`(Box<[Model; B]>)`.)
    #[allow(clippy::type_complexity)]
    pub fn from_models(
        models: [Model<T, S>; B],
        configs: [Config<T>; B],
    ) -> Result<Agent<T, S, L, NP, B, PerAgent<[Model<T, S>; B]>, PerAgent<[Config<T>; B]>>, Error>
    {
        Agent::from_parts(PerAgent(models), PerAgent(configs), Plain, Policies::all())
    }
}

impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B>,
    C: Batched<Config<T>, B>,
    X: extras::Extras<T, S, L, NP, B>,
    Pol: PolicySet<S, L, NP>,
    I: Method<S>,
{
    /// An agent from its parts: models and hyperparameters (each [`Shared`] or [`PerAgent`]),
    /// optional components (`Plain` for none) and a policy table. Checks every γ and α.
    pub fn from_parts(models: M, configs: C, extras: X, policies: Pol) -> Result<Self, Error> {
        const { assert!(B >= 1, "an agent batch needs B >= 1") };
        check_configs::<T, S, C, B>(&configs)?;
        Ok(Agent {
            models,
            configs,
            extras,
            policies,
            _spec: PhantomData,
        })
    }

    fn map_extras<Y>(self, f: impl FnOnce(X) -> Y) -> Agent<T, S, L, NP, B, M, C, Y, Pol, I> {
        Agent {
            models: self.models,
            configs: self.configs,
            extras: f(self.extras),
            policies: self.policies,
            _spec: PhantomData,
        }
    }

    /// Adds each agent's observation to its window ([`Window::observe`]; a full
    /// window drops its oldest step and carries its prior forward under the agent's
    /// model).
    pub fn observe<const H: usize>(
        &self,
        windows: &mut [Window<T, S, H>; B],
        obs: &[S::Observation; B],
    ) -> Result<(), Error>
    where
        Const<H>: Horizon,
    {
        for (b, (w, o)) in windows.iter_mut().zip(obs).enumerate() {
            w.observe(self.models.get(b), *o)
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Records each agent's action in its window ([`Window::act`]).
    pub fn act<const H: usize>(
        &self,
        windows: &mut [Window<T, S, H>; B],
        actions: &[S::Action; B],
    ) -> Result<(), Error>
    where
        Const<H>: Horizon,
    {
        for (b, (w, a)) in windows.iter_mut().zip(actions).enumerate() {
            w.act(*a).map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Switches the state-inference method (pymdp's `inference_algo`), e.g.
    /// `agent.with_method::<Mmp<4>>()` for marginal message passing over the last 4 steps (see
    /// [`infer::method`] for the choices). [`Exact`](infer::Exact) needs a single-factor model:
    /// asking for it on another model does not compile.
    pub fn with_method<I2: Method<S>>(self) -> Agent<T, S, L, NP, B, M, C, X, Pol, I2> {
        // Evaluated at compile time: a hand-written spec that claims support it lacks fails.
        const { assert!(!I2::NAME.is_empty()) };
        Agent {
            models: self.models,
            configs: self.configs,
            extras: self.extras,
            policies: self.policies,
            _spec: PhantomData,
        }
    }

    /// Replaces the policy table (e.g. a custom subset from [`Policies::custom`]).
    pub fn with_policies<P2: PolicySet<S, L, NP>>(
        self,
        policies: P2,
    ) -> Agent<T, S, L, NP, B, M, C, X, P2, I> {
        Agent {
            models: self.models,
            configs: self.configs,
            extras: self.extras,
            policies,
            _spec: PhantomData,
        }
    }

    /// Sets the policy prior (habits) `E`, the same for every agent; it must be a
    /// distribution. Stored as `ln max(E, MINVAL)` ([`Habits`], `NP` values).
    #[allow(clippy::type_complexity)]
    pub fn with_e(
        self,
        e: [T; NP],
    ) -> Result<Agent<T, S, L, NP, B, M, C, Habits<Shared<LnHabits<T, NP>>, X>, Pol, I>, Error>
    {
        let ln_e = habits(&e)?;
        Ok(self.with_habits(Shared(ln_e)))
    }

    /// Sets habits from `ln E`, shared or per agent (compute `ln E` with [`habits`]).
    pub fn with_habits<H: Batched<LnHabits<T, NP>, B>>(
        self,
        ln_e: H,
    ) -> Agent<T, S, L, NP, B, M, C, Habits<H, X>, Pol, I> {
        self.map_extras(|inner| Habits { ln_e, inner })
    }

    /// Replaces every agent's preferences `C` (pymdp layout, checked finite).
    #[allow(clippy::type_complexity)]
    pub fn with_c(
        self,
        c: &OutcomesInputOf<T, S>,
    ) -> Result<Agent<T, S, L, NP, B, M, C, Preferences<Shared<S::Outcomes<T>>, X>, Pol, I>, Error>
    {
        let c = preferences::<T, S>(c)?;
        Ok(self.with_preferences(Shared(c)))
    }

    /// Replaces the preferences `C` with flat ones, shared or per agent (build them with
    /// [`preferences`]).
    pub fn with_preferences<P: Batched<S::Outcomes<T>, B>>(
        self,
        c: P,
    ) -> Agent<T, S, L, NP, B, M, C, Preferences<P, X>, Pol, I> {
        self.map_extras(|inner| Preferences { c, inner })
    }

    /// Sets time-indexed preferences for every agent: `c[t]` is used at planning step `t`
    /// (pymdp's `C[m]` of shape `(L, NO)`).
    #[allow(clippy::type_complexity)]
    pub fn with_c_per_step(
        self,
        c: [OutcomesInputOf<T, S>; L],
    ) -> Result<
        Agent<T, S, L, NP, B, M, C, StepPreferences<Shared<[S::Outcomes<T>; L]>, X>, Pol, I>,
        Error,
    > {
        let mut steps = [<S::Outcomes<T> as Flat<T>>::ZERO; L];
        for (slot, ct) in steps.iter_mut().zip(c.iter()) {
            *slot = preferences::<T, S>(ct)?;
        }
        Ok(self.with_step_preferences(Shared(steps)))
    }

    /// Sets time-indexed flat preferences, shared or per agent.
    pub fn with_step_preferences<P: Batched<[S::Outcomes<T>; L], B>>(
        self,
        c: P,
    ) -> Agent<T, S, L, NP, B, M, C, StepPreferences<P, X>, Pol, I> {
        self.map_extras(|inner| StepPreferences { c, inner })
    }

    /// Replaces every agent's first-step prior `D` (pymdp layout, checked to be
    /// distributions).
    #[allow(clippy::type_complexity)]
    pub fn with_d(
        self,
        d: FactorInputOf<T, S>,
    ) -> Result<Agent<T, S, L, NP, B, M, C, InitialPriors<Shared<Belief<T, S>>, X>, Pol, I>, Error>
    {
        let d = Belief::<T, S>::from_input_unchecked(d);
        d.check(Tensor::D, true)?;
        Ok(self.with_initial_priors(Shared(d)))
    }

    /// Replaces the first-step priors `D`, shared or per agent.
    pub fn with_initial_priors<D: Batched<Belief<T, S>, B>>(
        self,
        d: D,
    ) -> Agent<T, S, L, NP, B, M, C, InitialPriors<D, X>, Pol, I> {
        self.map_extras(|inner| InitialPriors { d, inner })
    }

    /// Adds parameter information gain about `A` (novelty), from Dirichlet concentrations
    /// `pA` with pymdp's exact weight, for every agent.
    #[allow(clippy::type_complexity)]
    pub fn with_novelty_a(
        self,
        pa: &DirichletA<T, S>,
        weight: NoveltyWeight,
    ) -> Agent<T, S, L, NP, B, M, C, WithNoveltyA<Shared<crate::model::NoveltyA<T, S>>, X>, Pol, I>
    {
        let w = Shared(pa.novelty(weight));
        self.map_extras(|inner| WithNoveltyA { w, inner })
    }

    /// Adds parameter information gain about `A` from novelty weights, shared or per agent.
    pub fn with_novelty_a_weights<N: Batched<crate::model::NoveltyA<T, S>, B>>(
        self,
        w: N,
    ) -> Agent<T, S, L, NP, B, M, C, WithNoveltyA<N, X>, Pol, I> {
        self.map_extras(|inner| WithNoveltyA { w, inner })
    }

    /// Adds parameter information gain about `B` (novelty), from Dirichlet concentrations
    /// `pB`, for every agent.
    #[allow(clippy::type_complexity)]
    pub fn with_novelty_b(
        self,
        pb: &DirichletB<T, S>,
        weight: NoveltyWeight,
    ) -> Agent<T, S, L, NP, B, M, C, WithNoveltyB<Shared<crate::model::NoveltyB<T, S>>, X>, Pol, I>
    {
        let w = Shared(pb.novelty(weight));
        self.map_extras(|inner| WithNoveltyB { w, inner })
    }

    /// Adds parameter information gain about `B` from novelty weights, shared or per agent.
    pub fn with_novelty_b_weights<N: Batched<crate::model::NoveltyB<T, S>, B>>(
        self,
        w: N,
    ) -> Agent<T, S, L, NP, B, M, C, WithNoveltyB<N, X>, Pol, I> {
        self.map_extras(|inner| WithNoveltyB { w, inner })
    }

    /// Adds inductive inference (pymdp's `use_inductive=True` with goals `H`): the matrices
    /// `I` (depth `K`, pymdp's `inductive_depth`) are computed from agent 0's model (the
    /// model, when it is shared) and shared by the batch, and every policy's `neg_efe` gains
    /// the inductive value of each planning step ([`plan::inductive`]). Learning `B`
    /// ([`infer_parameters`](Self::infer_parameters), [`learn_step`](Self::learn_step),
    /// [`set_parameters`](Self::set_parameters)) recomputes `I`; after changing `B` through
    /// [`model_mut`](Self::model_mut), call [`refresh_inductive`](Self::refresh_inductive).
    ///
    /// `h` holds one 0/1 vector per factor (all zero for a factor without goals).
    ///
    /// Errors: an entry of `h` that is not 0 or 1, a threshold or ε not finite or not in
    /// `(0, 1]`, a factor with goals whose transition depends on other factors.
    ///
    /// ```
    /// actinf::model! {
    ///     pub Line { factors { Pos: 3 controlled_by 2 } modalities { Seen: 3 depends_on [Pos] } }
    /// }
    /// use actinf::{Agent, Model, config::Config, list, plan::inductive::Inductive};
    ///
    /// // Action 0 stays, action 1 moves right; nothing is preferred (C = 0).
    /// let b = core::array::from_fn(|next| core::array::from_fn(|prev: usize| {
    ///     [f64::from(next == prev), f64::from(next == (prev + 1).min(2))]
    /// }));
    /// let eye = core::array::from_fn(|o| core::array::from_fn(|s| f64::from(o == s)));
    /// let model = Model::<f64, Line>::new(&list![eye], &list![b], &list![[0.0; 3]], &list![[1.0, 0.0, 0.0]])?;
    /// let agent = Agent::<f64, Line, 1, 2>::new(model, Config::default())?
    ///     .with_inductive(&list![[0.0, 0.0, 1.0]], Inductive::<f64, 3>::new())?; // goal: the right end
    /// let (q_pi, _) = agent.infer_policies(&agent.initial_prior())?;
    /// assert!(q_pi[0][1] > 0.99); // moving towards the goal
    /// // A goal that is not 0/1 is an error.
    /// assert!(agent.clone().with_inductive(&list![[0.0, 0.5, 1.0]], Inductive::<f64, 3>::new()).is_err());
    /// # Ok::<(), actinf::Error>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn with_inductive<const K: usize>(
        self,
        h: &FactorInputOf<T, S>,
        params: Inductive<T, K>,
    ) -> Result<
        Agent<
            T,
            S,
            L,
            NP,
            B,
            M,
            C,
            WithInductive<Shared<InductiveMatrices<T, S, K>>, X, K>,
            Pol,
            I,
        >,
        Error,
    > {
        let i = InductiveMatrices::new(self.models.get(0), h, params)?;
        Ok(self.with_inductive_matrices(Shared(i)))
    }

    /// Adds inductive inference from matrices built with [`InductiveMatrices::new`], shared or
    /// per agent (e.g. [`PerAgent`] for agents whose `B` differ).
    pub fn with_inductive_matrices<const K: usize, N: Batched<InductiveMatrices<T, S, K>, B>>(
        self,
        i: N,
    ) -> Agent<T, S, L, NP, B, M, C, WithInductive<N, X, K>, Pol, I> {
        self.map_extras(|inner| WithInductive { i, inner })
    }

    /// Recomputes agent `b`'s inductive matrices `I` from its current `B` (for a shared
    /// component: the one of the batch); nothing without inductive inference.
    ///
    /// # Panics
    /// If `b >= B` and the models or matrices are per agent.
    pub fn refresh_inductive(&mut self, b: usize) {
        self.extras.refresh_inductive(b, self.models.get(b));
    }

    /// Agent `b`'s model.
    ///
    /// # Panics
    /// If `b >= B` and the models are per agent.
    pub fn model(&self, b: usize) -> &Model<T, S> {
        self.models.get(b)
    }

    /// Agent `b`'s model, mutably (for a shared model: the one model of the batch). Its
    /// caches are kept right by its own setters.
    ///
    /// # Panics
    /// If `b >= B` and the models are per agent.
    pub fn model_mut(&mut self, b: usize) -> &mut Model<T, S> {
        self.models.get_mut(b)
    }

    /// Agent `b`'s hyperparameters.
    ///
    /// # Panics
    /// If `b >= B` and the hyperparameters are per agent.
    pub fn config(&self, b: usize) -> &Config<T> {
        self.configs.get(b)
    }

    /// The policy table.
    pub fn policies(&self) -> &Pol {
        &self.policies
    }

    /// The optional components.
    pub fn extras(&self) -> &X {
        &self.extras
    }

    /// Agent `b`'s `ln E`, if it has habits (`None`: uniform).
    pub fn ln_e(&self, b: usize) -> Option<&[T; NP]> {
        self.extras.ln_e(b)
    }

    /// Agent `b`'s prior for the first step: its initial prior if set, else its `D`.
    fn initial_prior_of(&self, b: usize) -> Belief<T, S> {
        match self.extras.initial_prior(b) {
            Some(d) => *d,
            None => *self.models.get(b).d(),
        }
    }

    /// A window inference can run on: at least one observation, a usable prior.
    fn check_window<const H: usize>(&self, w: &Window<T, S, H>) -> Result<(), Error>
    where
        Const<H>: Horizon,
    {
        if w.is_empty() {
            return Err(Error::new(
                Tensor::Window,
                0,
                "",
                crate::error::Entry::at(0),
                crate::error::Problem::ObservationExpected,
            ));
        }
        infer::check_prior(w.prior())
    }

    /// The prior for the first step: each agent's `D`.
    pub fn initial_prior(&self) -> Beliefs<T, S, B> {
        let mut out = Beliefs::ZERO;
        self.initial_prior_into(&mut out);
        out
    }

    /// Writes each agent's `D` into `out`.
    pub fn initial_prior_into(&self, out: &mut impl BeliefBatchMut<T, S, B>) {
        for (b, slot) in out.beliefs_mut().iter_mut().enumerate() {
            *slot = match self.extras.initial_prior(b) {
                Some(d) => *d,
                None => *self.models.get(b).d(),
            };
        }
    }

    fn efe(&self, b: usize, terms: Terms) -> Efe<'_, T, S, L> {
        let model = self.models.get(b);
        let c: [&[T]; L] =
            core::array::from_fn(|t| self.extras.preferences(b, t).unwrap_or(model.c()));
        Efe {
            model,
            c,
            novelty_a: self.extras.novelty_a(b),
            novelty_b: self.extras.novelty_b(b),
            terms,
        }
    }

    fn terms(&self, b: usize) -> Terms {
        let c = self.configs.get(b);
        Terms {
            utility: c.use_utility,
            states_info_gain: c.use_states_info_gain,
            param_info_gain: true,
        }
    }

    /// Policy posterior and `neg_efe` (minus the expected free energy) of every policy, for
    /// every agent: `q_π = softmax(γ · neg_efe + ln E)`.
    ///
    /// Errors: beliefs that are not finite or negative ([`Tensor::Belief`]); a `neg_efe` or
    /// `q_π` that overflows (e.g. preferences `C` near the float limit) is
    /// [`Problem::NotFinite`](crate::error::Problem::NotFinite) about [`Tensor::NegEfe`] or
    /// [`Tensor::PolicyPosterior`], never `Ok` with a NaN.
    #[allow(clippy::type_complexity)]
    pub fn infer_policies(
        &self,
        qs: &impl BeliefBatch<T, S, B>,
    ) -> Result<([SVector<T, NP>; B], [SVector<T, NP>; B]), Error> {
        let mut q_pi = [SVector::<T, NP>::zeros(); B];
        let mut neg_efe = [SVector::<T, NP>::zeros(); B];
        self.infer_policies_into(qs, &mut q_pi, &mut neg_efe)?;
        Ok((q_pi, neg_efe))
    }

    /// [`infer_policies`](Self::infer_policies) into storage the caller owns.
    pub fn infer_policies_into(
        &self,
        qs: &impl BeliefBatch<T, S, B>,
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
    ) -> Result<(), Error> {
        for (b, (q, g)) in q_pi.iter_mut().zip(neg_efe.iter_mut()).enumerate() {
            self.infer_policies_one(b, qs.belief(b), q, g)
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Agent `b`'s policy inference.
    fn infer_policies_one(
        &self,
        b: usize,
        qs: &Belief<T, S>,
        q_pi: &mut SVector<T, NP>,
        neg_efe: &mut SVector<T, NP>,
    ) -> Result<(), Error> {
        qs.check(Tensor::Belief, false)?;
        let g: &mut [T; NP] = neg_efe
            .as_mut_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("an SVector<T, NP> has NP entries"));
        let efe = self.efe(b, self.terms(b));
        match self.extras.inductive_costs(b, qs) {
            None => efe.neg_efe_into(&self.policies, qs, g),
            Some(ic) => efe.neg_efe_inductive_into(&self.policies, qs, Some(&ic), g),
        }
        finite_or(Tensor::NegEfe, neg_efe.as_slice())?;
        plan::policy_posterior_into(
            neg_efe.as_slice(),
            self.configs.get(b).gamma,
            self.extras.ln_e(b).map(|e| &e[..]),
            q_pi.as_mut_slice(),
        );
        finite_or(Tensor::PolicyPosterior, q_pi.as_slice())
    }

    /// Agent `b`'s per-policy, per-step EFE terms from beliefs `q` (every term computed,
    /// whatever the flags; novelty and inductive terms are zero without novelty weights or
    /// inductive inference). For diagnostics.
    ///
    /// Errors: `q` not finite or negative ([`Tensor::Belief`]), or a policy's total or a term
    /// that overflows ([`Tensor::NegEfe`], entry `[policy]` or `[policy, step]`).
    ///
    /// # Panics
    /// If `b >= B` and the parameters are per agent.
    pub fn efe_terms(&self, b: usize, q: &Belief<T, S>) -> Result<[[EfeTerms<T>; L]; NP], Error> {
        q.check(Tensor::Belief, false)?;
        let mut out = [[EfeTerms::ZERO; L]; NP];
        let ic = self.extras.inductive_costs(b, q);
        self.efe(b, Terms::ALL).for_each_policy_inductive(
            &self.policies,
            q,
            ic.as_ref(),
            |k, terms| {
                if let Some(slot) = out.get_mut(k) {
                    *slot = *terms;
                }
            },
        );
        for (k, steps) in out.iter().enumerate() {
            // The policy's total (what `infer_policies` sums) must not overflow either.
            let total = steps.iter().fold(T::ZERO, |a, x| a + x.neg_efe());
            if !total.is_finite() {
                return Err(Error::new(
                    Tensor::NegEfe,
                    0,
                    "",
                    Entry::at(k),
                    crate::error::Problem::NotFinite {
                        value: crate::maths::real::to_f64(total),
                    },
                ));
            }
            for (t, x) in steps.iter().enumerate() {
                let v = [
                    x.utility,
                    x.states_info_gain,
                    x.neg_pa_info_gain,
                    x.neg_pb_info_gain,
                    x.inductive,
                ];
                if let Some(bad) = v.iter().find(|v| !v.is_finite()) {
                    return Err(Error::new(
                        Tensor::NegEfe,
                        0,
                        "",
                        Entry::new(&[k, t], false),
                        crate::error::Problem::NotFinite {
                            value: crate::maths::real::to_f64(*bad),
                        },
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Each agent's first-action marginals `P(u_f = a)` under `q_pi`.
    ///
    /// Errors: a `q_pi` entry that is not finite or negative ([`Tensor::PolicyPosterior`]).
    pub fn action_marginals(
        &self,
        q_pi: &[SVector<T, NP>; B],
    ) -> Result<[ActionMarginals<T, S>; B], Error> {
        for (b, q) in q_pi.iter().enumerate() {
            check_q_pi(q.as_slice()).map_err(|e| e.in_agent(b))?;
        }
        Ok(q_pi.each_ref().map(|q| {
            let p: &[T; NP] = q
                .as_slice()
                .try_into()
                .unwrap_or_else(|_| unreachable!("an SVector<T, NP> has NP entries"));
            ActionMarginals(plan::action_marginals::<T, S, Pol, L, NP>(
                &self.policies,
                p,
            ))
        }))
    }

    /// One action per factor for every agent, chosen from `q_pi` as configured (pymdp
    /// `sample_action`). Stochastic selection draws from `rng`, independently per agent and
    /// per factor; deterministic selection does not touch it.
    pub fn sample_action<R: Rng + ?Sized>(
        &self,
        q_pi: &[SVector<T, NP>; B],
        rng: &mut R,
    ) -> Result<[S::Action; B], Error> {
        let mut out = [S::Action::ZEROS; B];
        self.sample_action_into(q_pi, rng, &mut out)?;
        Ok(out)
    }

    /// [`sample_action`](Self::sample_action) into storage the caller owns.
    pub fn sample_action_into<R: Rng + ?Sized>(
        &self,
        q_pi: &[SVector<T, NP>; B],
        rng: &mut R,
        out: &mut [S::Action; B],
    ) -> Result<(), Error> {
        for (b, (q, slot)) in q_pi.iter().zip(out.iter_mut()).enumerate() {
            let q = q.as_slice();
            check_q_pi(q).map_err(|e| e.in_agent(b))?;
            let p: &[T; NP] = q
                .try_into()
                .unwrap_or_else(|_| unreachable!("an SVector<T, NP> has NP entries"));
            let c = self.configs.get(b);
            *slot = plan::select(
                &self.policies,
                p,
                c.action_selection,
                c.sampling_mode,
                c.alpha,
                rng,
            );
        }
        Ok(())
    }
}

/// Batched steps spread over the machine's cores (feature `parallel`; std's scoped threads,
/// one chunk of agents per core). Each agent computes exactly what the sequential methods
/// compute; errors report the lowest failing agent. Worth it for large batches: a call
/// costs a thread start per core (tens of microseconds).
/// State inference of one-step methods ([`Fpi`], [`Ovf`](infer::Ovf), [`Exact`](infer::Exact)): the current step from
/// its observation and the empirical prior.
impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B>,
    C: Batched<Config<T>, B>,
    X: extras::Extras<T, S, L, NP, B>,
    Pol: PolicySet<S, L, NP>,
    I: OneStep + Method<S>,
{
    /// One empty window of `H` steps per agent, each starting from the agent's initial prior,
    /// for keeping the filtered history ([`filter`](Self::filter)).
    pub fn initial_windows<const H: usize>(&self) -> [Window<T, S, H>; B]
    where
        Const<H>: Horizon,
    {
        core::array::from_fn(|b| Window::new(self.initial_prior_of(b)))
    }

    /// One-step inference of the latest step of each agent's window, from its observation
    /// and the prediction `B(a) · q` of the previous filtered belief (the window's prior at its
    /// first step), kept in the window: its beliefs are the filtered history that
    /// [`smoothing`](infer::smoothing) turns into smoothed marginals and pairwise joints
    /// (pymdp's `qs_hist` with `inference_algo="ovf"` or `"exact"`).
    ///
    /// Errors: an empty window, or a window prior or belief with a negative or non-finite
    /// entry.
    pub fn filter<const H: usize>(&self, windows: &mut [Window<T, S, H>; B]) -> Result<(), Error>
    where
        Const<H>: Horizon,
    {
        for (b, w) in windows.iter_mut().enumerate() {
            self.check_window(w).map_err(|e| e.in_agent(b))?;
            infer::smoothing::filter_latest(self.models.get(b), w, self.sweeps(b))
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Each agent's variational free energy at its posterior `qs`, given its observation and
    /// empirical prior, with pymdp's components (pymdp's `infer_states(..., return_info=True)`
    /// → `info["vfe"]`, `info["vfe_components"]`): a diagnostic, computed only when asked.
    ///
    /// Errors: an observation out of range, or a belief or prior with a negative or
    /// non-finite entry.
    pub fn free_energy(
        &self,
        obs: &[S::Observation; B],
        qs: &impl BeliefBatch<T, S, B>,
        prior: &impl BeliefBatch<T, S, B>,
    ) -> Result<[infer::Vfe<T>; B], Error> {
        let mut out = [infer::Vfe::<T>::ZERO; B];
        for (b, (slot, o)) in out.iter_mut().zip(obs).enumerate() {
            *slot = infer::vfe::step(self.models.get(b), o, qs.belief(b), prior.belief(b))
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(out)
    }

    /// The sweeps agent `b` runs: its configuration's, or the method's (`Exact`: one).
    fn sweeps(&self, b: usize) -> infer::Sweeps {
        match I::FORCED_SWEEPS {
            Some(n) => infer::Sweeps::Fixed(n),
            None => self.configs.get(b).sweeps(),
        }
    }

    /// Posterior over states for every agent, from one index observation per modality per
    /// agent and the empirical prior (pymdp `infer_states`, FPI).
    pub fn infer_states(
        &self,
        obs: &[S::Observation; B],
        prior: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        let mut out = Beliefs::ZERO;
        self.infer_states_into(obs, prior, &mut out)?;
        Ok(out)
    }

    /// [`infer_states`](Self::infer_states) into storage the caller owns.
    pub fn infer_states_into(
        &self,
        obs: &[S::Observation; B],
        prior: &impl BeliefBatch<T, S, B>,
        out: &mut impl BeliefBatchMut<T, S, B>,
    ) -> Result<(), Error> {
        let out = out.beliefs_mut();
        for (b, (slot, o)) in out.iter_mut().zip(obs).enumerate() {
            *slot = self
                .infer_states_one(b, o, prior.belief(b))
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Agent `b`'s state inference.
    #[allow(
        clippy::indexing_slicing,
        reason = "`m` is a modality of `S` (FPI calls `ll(m)` for `m < M`), and its tensor \
                  range lies in the layout that sizes `ll`"
    )]
    fn infer_states_one(
        &self,
        b: usize,
        obs: &S::Observation,
        prior: &Belief<T, S>,
    ) -> Result<Belief<T, S>, Error> {
        let model = self.models.get(b);
        check_observation::<S>(obs)?;
        infer::check_prior(prior)?;
        let mut ll = likelihood::zero_tensors::<T, S>();
        likelihood::index_into(model, obs, &mut ll);
        let ms = spec::modalities::<S>();
        Ok(infer::fpi(
            |m| &ll.as_ref()[ms[m].tensor_range()],
            prior,
            self.sweeps(b),
        ))
    }

    /// Posterior over states from categorical (probability-vector) observations.
    pub fn infer_states_categorical(
        &self,
        obs: &[Categorical<T, S>; B],
        prior: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        let mut out = Beliefs::ZERO;
        self.infer_states_categorical_into(obs, prior, &mut out)?;
        Ok(out)
    }

    /// [`infer_states_categorical`](Self::infer_states_categorical) into storage the caller
    /// owns.
    pub fn infer_states_categorical_into(
        &self,
        obs: &[Categorical<T, S>; B],
        prior: &impl BeliefBatch<T, S, B>,
        out: &mut impl BeliefBatchMut<T, S, B>,
    ) -> Result<(), Error> {
        let out = out.beliefs_mut();
        for (b, (slot, o)) in out.iter_mut().zip(obs).enumerate() {
            *slot = infer::infer_states_categorical_with(
                self.models.get(b),
                o,
                prior.belief(b),
                self.sweeps(b),
            )
            .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// The next step's empirical prior `B · q` under each agent's action.
    pub fn update_empirical_prior(
        &self,
        action: &[S::Action; B],
        qs: &impl BeliefBatch<T, S, B>,
    ) -> Result<Beliefs<T, S, B>, Error> {
        let mut out = Beliefs::ZERO;
        self.update_empirical_prior_into(action, qs, &mut out)?;
        Ok(out)
    }

    /// [`update_empirical_prior`](Self::update_empirical_prior) into storage the caller owns.
    pub fn update_empirical_prior_into(
        &self,
        action: &[S::Action; B],
        qs: &impl BeliefBatch<T, S, B>,
        out: &mut impl BeliefBatchMut<T, S, B>,
    ) -> Result<(), Error> {
        let out = out.beliefs_mut();
        for (b, (slot, a)) in out.iter_mut().zip(action).enumerate() {
            self.update_empirical_prior_one(b, a, qs.belief(b), slot)
                .map_err(|e| e.in_agent(b))?;
        }
        Ok(())
    }

    /// Agent `b`'s empirical prior.
    fn update_empirical_prior_one(
        &self,
        b: usize,
        action: &S::Action,
        qs: &Belief<T, S>,
        out: &mut Belief<T, S>,
    ) -> Result<(), Error> {
        infer::check_action::<S>(action)?;
        qs.check(Tensor::Belief, false)?;
        infer::predict(self.models.get(b), action, qs, out);
        Ok(())
    }
}

/// Checks a policy posterior given by the caller: finite and non-negative.
fn check_q_pi<T: Real>(q: &[T]) -> Result<(), Error> {
    if maths::first_invalid(q).is_some()
        && let Err((i, p)) = validate::nonnegative(q, Column::contiguous(q.len()))
    {
        return Err(Error::new(Tensor::PolicyPosterior, 0, "", Entry::at(i), p));
    }
    Ok(())
}

/// An error naming the first non-finite entry of a computed vector (`tensor` says which).
fn finite_or<T: Real>(tensor: Tensor, x: &[T]) -> Result<(), Error> {
    match validate::finite(x, Column::contiguous(x.len())) {
        Ok(()) => Ok(()),
        Err((i, p)) => Err(Error::new(tensor, 0, "", Entry::at(i), p)),
    }
}

/// Learning: Dirichlet counts the caller owns, the agent's model and novelty weights kept in
/// step with them (see [`learn`](crate::learn)).
impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B>,
    C: Batched<Config<T>, B>,
    X: extras::Extras<T, S, L, NP, B>,
    Pol: PolicySet<S, L, NP>,
    I: Method<S>,
{
    /// pymdp's `infer_parameters` for agent `b`, from its window: adds the evidence of the
    /// window's steps to the counts `pa` and `pb` given (either may be `None`), then sets the
    /// agent's `A` and `B` to their expected values (caches refreshed) and, if the agent plans
    /// with novelty weights, recomputes them from the new counts.
    ///
    /// The beliefs counted are the window's (filtered for FPI, the sequence posteriors for
    /// MMP/VMP, `B` from the mean-field product of consecutive marginals), or, for OVF and
    /// exact, the smoothed marginals and pairwise joints ([`infer::smoothing::smooth`]). Which
    /// steps: the latest only ([`Counting::Latest`](crate::learn::Counting), the default: each
    /// observation counted once when learning after every step) or the whole window
    /// ([`Counting::Window`](crate::learn::Counting): offline, or pymdp's online re-counting).
    /// With a shared model, every agent's call updates the one model (pooled learning).
    ///
    /// Errors: a rate out of range, an empty window, a count column left all zero
    /// ([`Zeros::Keep`](crate::learn::Zeros)), or (OVF/exact) a learned factor whose `B` has
    /// several parents.
    #[allow(
        clippy::indexing_slicing,
        reason = "`t` runs over `first..H` with `first < H`: it indexes the window's `H` \
                  observations and beliefs, and `t - 1` (for `t >= 1`) its `H - 1` actions and joints"
    )]
    pub fn infer_parameters<const H: usize>(
        &mut self,
        b: usize,
        window: &Window<T, S, H>,
        pa: Option<&mut DirichletA<T, S>>,
        pb: Option<&mut DirichletB<T, S>>,
        rule: &crate::learn::Learning<T>,
    ) -> Result<(), Error>
    where
        Const<H>: Horizon,
    {
        use crate::learn::{self, Counting};
        rule.check()?;
        self.check_window(window)?;
        let model = self.models.get(b);
        let mut smoothed = [Belief::<T, S>::ZERO; H];
        let mut joints = <Const<H> as Horizon>::filled(crate::model::Pairwise::<T, S>::ZERO);
        let beliefs: &[Belief<T, S>; H] = if I::SMOOTHS {
            infer::smoothing::smooth(model, window, &mut smoothed, &mut joints)?;
            &smoothed
        } else {
            window.beliefs()
        };
        let first = match rule.counting {
            Counting::Latest => H - 1,
            Counting::Window => window.start(),
        };
        if let Some(pa) = pa {
            learn::forget_a(pa, rule);
            for t in first..H {
                learn::count_a(pa, &window.observations()[t], &beliefs[t], rule.lr_a, rule)?;
            }
            learn::expected_a(pa, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_a_mut(b) {
                *w = pa.novelty(rule.novelty);
            }
        }
        if let Some(pb) = pb {
            learn::forget_b(pb, rule);
            // Transitions into the counted steps.
            for t in first.max(1)..H {
                if !window.linked(t - 1) {
                    continue;
                }
                let action = &window.actions().as_ref()[t - 1];
                if I::SMOOTHS {
                    let j = &joints.as_ref()[t - 1];
                    learn::count_b_pairwise(pb, j, action, rule.lr_b, rule)?;
                } else {
                    let (q, q_next) = (&beliefs[t - 1], &beliefs[t]);
                    learn::count_b(pb, q_next, q, action, rule.lr_b, rule)?;
                }
            }
            learn::expected_b(pb, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_b_mut(b) {
                *w = pb.novelty(rule.novelty);
            }
            self.extras.refresh_inductive(b, self.models.get(b));
        }
        Ok(())
    }

    /// One step of learning without a window (an FPI loop): `A` from the observation and the
    /// posterior `q`, `B` from the previous posterior, the action taken since and `q` (when
    /// `previous` is given); then the agent's `A`, `B` and novelty weights follow the counts,
    /// as in [`infer_parameters`](Self::infer_parameters).
    ///
    /// Errors: a rate out of range, an observation or action out of range, a count column
    /// left all zero ([`Zeros::Keep`](crate::learn::Zeros)).
    #[allow(clippy::too_many_arguments)]
    pub fn learn_step(
        &mut self,
        b: usize,
        obs: &S::Observation,
        q: &Belief<T, S>,
        previous: Option<(&Belief<T, S>, &S::Action)>,
        pa: Option<&mut DirichletA<T, S>>,
        pb: Option<&mut DirichletB<T, S>>,
        rule: &crate::learn::Learning<T>,
    ) -> Result<(), Error> {
        use crate::learn;
        rule.check()?;
        if let Some(pa) = pa {
            learn::forget_a(pa, rule);
            learn::count_a(pa, obs, q, rule.lr_a, rule)?;
            learn::expected_a(pa, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_a_mut(b) {
                *w = pa.novelty(rule.novelty);
            }
        }
        if let (Some(pb), Some((q_prev, action))) = (pb, previous) {
            learn::forget_b(pb, rule);
            learn::count_b(pb, q, q_prev, action, rule.lr_b, rule)?;
            learn::expected_b(pb, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_b_mut(b) {
                *w = pb.novelty(rule.novelty);
            }
            self.extras.refresh_inductive(b, self.models.get(b));
        }
        Ok(())
    }

    /// Sets agent `b`'s parameters from Dirichlet counts, in place: `A`, `B`, `D` to the
    /// expected values of whichever counts are given (caches refreshed) and its novelty
    /// weights, if it has them, from `pa` / `pb` (pymdp's
    /// `eqx.tree_at(lambda x: x.A, agent, new_A)` pattern, without rebuilding the agent). For
    /// values rather than counts, use [`model_mut`](Self::model_mut)'s checked setters.
    ///
    /// Errors: a count column that is all zero ([`Zeros::Keep`](crate::learn::Zeros)).
    pub fn set_parameters(
        &mut self,
        b: usize,
        pa: Option<&DirichletA<T, S>>,
        pb: Option<&DirichletB<T, S>>,
        pd: Option<&crate::model::DirichletD<T, S>>,
        rule: &crate::learn::Learning<T>,
    ) -> Result<(), Error> {
        use crate::learn;
        if let Some(pa) = pa {
            learn::expected_a(pa, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_a_mut(b) {
                *w = pa.novelty(rule.novelty);
            }
        }
        if let Some(pb) = pb {
            learn::expected_b(pb, self.models.get_mut(b), rule.zeros)?;
            if let Some(w) = self.extras.novelty_b_mut(b) {
                *w = pb.novelty(rule.novelty);
            }
            self.extras.refresh_inductive(b, self.models.get(b));
        }
        if let Some(pd) = pd {
            learn::expected_d(pd, self.models.get_mut(b), rule.zeros)?;
        }
        Ok(())
    }

    /// pymdp's legacy `pD` learning for agent `b` (its JAX backend has none):
    /// `pD += lr · q₀` where `pD > 0`, then `D = E[pD]` — typically once per episode with the
    /// (smoothed) belief about its first step.
    ///
    /// Errors: a learning rate out of range, a factor whose counts are all zero
    /// ([`Zeros::Keep`](crate::learn::Zeros)).
    pub fn learn_initial_prior(
        &mut self,
        b: usize,
        pd: &mut crate::model::DirichletD<T, S>,
        q0: &Belief<T, S>,
        lr: T,
        zeros: crate::learn::Zeros,
    ) -> Result<(), Error> {
        crate::learn::count_d(pd, q0, lr, u64::MAX)?;
        crate::learn::expected_d(pd, self.models.get_mut(b), zeros)
    }
}

/// State inference of sequence methods: the agents keep no beliefs; each has a [`Window`]
/// the caller owns, and inference writes the window's posteriors into it.
macro_rules! sequence_agent {
    ($marker:ident, $run:expr, $what:literal) => {
        impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, const H: usize>
            Agent<T, S, L, NP, B, M, C, X, Pol, infer::$marker<H>>
        where
            T: Real,
            S: Spec,
            M: Batched<Model<T, S>, B>,
            C: Batched<Config<T>, B>,
            X: extras::Extras<T, S, L, NP, B>,
            Pol: PolicySet<S, L, NP>,
            Const<H>: Horizon,
        {
            /// Writes an empty window per agent into `out`, each starting from the agent's
            /// initial prior (`D`).
            pub fn initial_windows_into(&self, out: &mut [Window<T, S, H>; B]) {
                for (b, w) in out.iter_mut().enumerate() {
                    *w = Window::new(self.initial_prior_of(b));
                }
            }

            /// One empty window per agent (see
            /// [`initial_windows_into`](Self::initial_windows_into) for large batches).
            pub fn initial_windows(&self) -> [Window<T, S, H>; B] {
                core::array::from_fn(|b| Window::new(self.initial_prior_of(b)))
            }

            #[doc = concat!("Posteriors over every step of each agent's window (", $what, ",")]
            /// `num_iter` sweeps from the agent's configuration), written into the window:
            /// [`Window::beliefs`], the latest at [`Window::latest`]. Pass the windows to
            /// [`infer_policies`](Self::infer_policies), which plans from the latest beliefs.
            ///
            /// Errors: an empty window, or a window prior with a negative or non-finite
            /// entry.
            pub fn infer_states(&self, windows: &mut [Window<T, S, H>; B]) -> Result<(), Error> {
                for (b, w) in windows.iter_mut().enumerate() {
                    self.check_window(w).map_err(|e| e.in_agent(b))?;
                    let run = $run;
                    run(self.models.get(b), w, self.configs.get(b).num_iter)
                        .map_err(|e| e.in_agent(b))?;
                }
                Ok(())
            }

            /// The sequence variational free energy of each agent's window at its posteriors
            /// (prior = the window's), per step and in total, with pymdp's components (pymdp's
            /// `return_info=True` on a sequence method): a diagnostic, computed only when
            /// asked. For large batches, see [`free_energy_into`](Self::free_energy_into).
            ///
            /// Errors: as [`inference::vfe::sequence`](infer::vfe::sequence).
            pub fn free_energy(
                &self,
                windows: &[Window<T, S, H>; B],
            ) -> Result<[infer::SequenceVfe<T, H>; B], Error> {
                let mut out = [infer::SequenceVfe::<T, H>::ZERO; B];
                self.free_energy_into(windows, &mut out)?;
                Ok(out)
            }

            /// [`free_energy`](Self::free_energy) into storage the caller owns.
            pub fn free_energy_into(
                &self,
                windows: &[Window<T, S, H>; B],
                out: &mut [infer::SequenceVfe<T, H>; B],
            ) -> Result<(), Error> {
                for (b, (w, slot)) in windows.iter().zip(out.iter_mut()).enumerate() {
                    *slot = infer::vfe::sequence(self.models.get(b), w, w.beliefs())
                        .map_err(|e| e.in_agent(b))?;
                }
                Ok(())
            }
        }
    };
}

sequence_agent!(
    Mmp,
    |m, w, n| -> Result<(), Error> { infer::sequence::mmp(m, w, n) },
    "marginal message passing"
);
sequence_agent!(
    Vmp,
    |m, w, n| -> Result<(), Error> { infer::sequence::vmp(m, w, n) },
    "variational message passing"
);
sequence_agent!(
    SpmMmp,
    infer::spm_mmp::spm_mmp_window,
    "SPM's marginal message passing, past steps only, SPM's step size and log floor"
);

#[cfg(feature = "parallel")]
impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B> + Sync,
    C: Batched<Config<T>, B> + Sync,
    X: extras::Extras<T, S, L, NP, B> + Sync,
    Pol: PolicySet<S, L, NP> + Sync,
    I: OneStep + Method<S>,
{
    /// [`infer_states_into`](Self::infer_states_into) over all cores.
    #[allow(
        clippy::indexing_slicing,
        reason = "`b < B`: `parallel::for_each` passes the indices of an array of `B`"
    )]
    pub fn infer_states_parallel_into(
        &self,
        obs: &[S::Observation; B],
        prior: &(impl BeliefBatch<T, S, B> + Sync),
        out: &mut impl BeliefBatchMut<T, S, B>,
    ) -> Result<(), Error> {
        parallel::for_each(out.beliefs_mut(), |b, slot| {
            *slot = self.infer_states_one(b, &obs[b], prior.belief(b))?;
            Ok(())
        })
    }

    /// [`update_empirical_prior_into`](Self::update_empirical_prior_into) over all cores.
    #[allow(
        clippy::indexing_slicing,
        reason = "`b < B`: `parallel::for_each` passes the indices of an array of `B`"
    )]
    pub fn update_empirical_prior_parallel_into(
        &self,
        action: &[S::Action; B],
        qs: &(impl BeliefBatch<T, S, B> + Sync),
        out: &mut impl BeliefBatchMut<T, S, B>,
    ) -> Result<(), Error> {
        parallel::for_each(out.beliefs_mut(), |b, slot| {
            self.update_empirical_prior_one(b, &action[b], qs.belief(b), slot)
        })
    }
}

#[cfg(feature = "parallel")]
impl<T, S, const L: usize, const NP: usize, const B: usize, M, C, X, Pol, I>
    Agent<T, S, L, NP, B, M, C, X, Pol, I>
where
    T: Real,
    S: Spec,
    M: Batched<Model<T, S>, B> + Sync,
    C: Batched<Config<T>, B> + Sync,
    X: extras::Extras<T, S, L, NP, B> + Sync,
    Pol: PolicySet<S, L, NP> + Sync,
    I: Method<S>,
{
    /// [`infer_policies_into`](Self::infer_policies_into) over all cores.
    pub fn infer_policies_parallel_into(
        &self,
        qs: &(impl BeliefBatch<T, S, B> + Sync),
        q_pi: &mut [SVector<T, NP>; B],
        neg_efe: &mut [SVector<T, NP>; B],
    ) -> Result<(), Error> {
        parallel::for_each_pair(q_pi, neg_efe, |b, q, g| {
            self.infer_policies_one(b, qs.belief(b), q, g)
        })
    }
}

#[cfg(feature = "parallel")]
mod parallel {
    use crate::error::Error;

    /// Calls `f(b, &mut out[b])` for every `b`, one contiguous chunk of `out` per core; the
    /// first error (by agent index) wins.
    pub(super) fn for_each<O: Send>(
        out: &mut [O],
        f: impl Fn(usize, &mut O) -> Result<(), Error> + Sync,
    ) -> Result<(), Error> {
        let mut none = [(); 0];
        let n = out.len();
        for_each_pair_of(out, &mut none, n, |b, o, _| f(b, o))
    }

    /// Calls `f(b, &mut x[b], &mut y[b])` for every `b` (see [`for_each`]).
    pub(super) fn for_each_pair<X: Send, Y: Send>(
        x: &mut [X],
        y: &mut [Y],
        f: impl Fn(usize, &mut X, &mut Y) -> Result<(), Error> + Sync,
    ) -> Result<(), Error> {
        let n = x.len().min(y.len());
        for_each_pair_of(x, y, n, |b, a, c| match c {
            Some(c) => f(b, a, c),
            None => Ok(()),
        })
    }

    fn for_each_pair_of<X: Send, Y: Send>(
        x: &mut [X],
        y: &mut [Y],
        n: usize,
        f: impl Fn(usize, &mut X, Option<&mut Y>) -> Result<(), Error> + Sync,
    ) -> Result<(), Error> {
        let threads = std::thread::available_parallelism()
            .map(|t| t.get())
            .unwrap_or(1)
            .min(n.max(1));
        let chunk = n.div_ceil(threads.max(1)).max(1);
        let f = &f;
        let run = move |start: usize, xs: &mut [X], ys: &mut [Y]| -> Result<(), Error> {
            let mut ys = ys.iter_mut();
            for (i, a) in xs.iter_mut().enumerate() {
                let b = start + i;
                f(b, a, ys.next()).map_err(|e| e.in_agent(b))?;
            }
            Ok(())
        };
        let ny = n.min(y.len());
        // `n <= x.len()` (both callers), so `x` keeps its first `n`.
        let x = x.get_mut(..n).unwrap_or_default();
        let y = y.get_mut(..ny).unwrap_or_default();
        std::thread::scope(|scope| {
            let mut ychunks = y.chunks_mut(chunk);
            let mut parts = x.chunks_mut(chunk).enumerate();
            let first = parts.next();
            let first_y = ychunks.next().unwrap_or_default();
            let handles: std::vec::Vec<_> = parts
                .map(|(k, xs)| {
                    let ys = ychunks.next().unwrap_or_default();
                    scope.spawn(move || run(k * chunk, xs, ys))
                })
                .collect();
            let mut result = match first {
                Some((_, xs)) => run(0, xs, first_y),
                None => Ok(()),
            };
            for h in handles {
                let r = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                if result.is_ok() {
                    result = r;
                }
            }
            result
        })
    }
}

/// One agent's first-action marginals, flat (factor after factor).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActionMarginals<T: Real, S: Spec>(pub S::Controls<T>);

impl<T: Real, S: Spec> ActionMarginals<T, S> {
    /// Factor `f`'s marginal over its actions.
    ///
    /// # Panics
    /// If `f` is not a factor of the model.
    #[allow(
        clippy::indexing_slicing,
        reason = "panics only for `f >= F` (documented); the range is the layout's for factor `f`"
    )]
    pub fn factor(&self, f: usize) -> &[T] {
        let info = &spec::factors::<S>()[f];
        &self.0.as_ref()[info.control_offset..info.control_offset + info.controls]
    }
}

/// `ln max(E, MINVAL)` of a policy prior `E`, checked to be a distribution.
pub fn habits<T: Real, const NP: usize>(e: &[T; NP]) -> Result<LnHabits<T, NP>, Error> {
    if let Err((row, problem)) = validate::distribution(e, Column::contiguous(NP)) {
        return Err(Error::new(
            Tensor::E,
            0,
            "",
            Entry::new(&[row.unwrap_or(0)], row.is_none()),
            problem,
        ));
    }
    let mut ln_e = *e;
    maths::log_stable_in_place(&mut ln_e);
    Ok(ln_e)
}

/// Flat preferences `C` from pymdp's layout, checked finite.
#[allow(
    clippy::indexing_slicing,
    reason = "`info.range()` is modality `m`'s range in the layout that sizes `S::Outcomes`"
)]
pub fn preferences<T: Real, S: Spec>(c: &OutcomesInputOf<T, S>) -> Result<S::Outcomes<T>, Error> {
    let mut out = <S::Outcomes<T> as Flat<T>>::ZERO;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        let cm = <S::Modalities as ModalityList<S::Factors>>::outcomes_slice(c, m);
        crate::model::model::check_preference::<T, S>(m, cm)?;
        out.as_mut()[info.range()].copy_from_slice(cm);
    }
    Ok(out)
}
