//! A step of the agent (state inference, empirical prior, policy inference, action selection
//! — deterministic and stochastic) performs no heap allocation.
//!
//! A counting global allocator wraps the system allocator. Only allocations made on a thread
//! that has switched counting on are counted, so the test harness (or any other test in this
//! binary) allocating concurrently cannot disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use actinf::config::NoveltyWeight;
use actinf::config::{ActionSelection, Config, SamplingMode};
use actinf::{Agent, Beliefs, Categorical, DirichletA, DirichletB, Model, PerAgent, list};
use rand::{SeedableRng, rngs::SmallRng};

/// `System`, counting `alloc`, `alloc_zeroed` and `realloc` calls.
struct Counting;

thread_local! {
    // `const`-initialised and without a destructor: reading them never allocates. The count
    // is per thread too: a global one would also see what another counting test allocates
    // at the same time (`agent_steps_do_not_allocate` allocates on purpose).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn record() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record();
        // SAFETY: forwarded unchanged to the system allocator, which allocated `ptr`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator, which allocated `ptr`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with counting on (for this thread) and returns the number of allocations.
fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

actinf::model! {
    /// Two controlled factors (the second's transition depends on both) and two modalities.
    pub Maze {
        factors {
            Loc: 3 controlled_by 3,
            Ctx: 2 controlled_by 2 depends_on [Loc, Ctx],
        }
        modalities {
            Place: 3 depends_on [Loc],
            Hint: 3 depends_on [Loc, Ctx],
        }
    }
}

const L: usize = 2;
const NP: usize = actinf::spec::num_policies::<Maze>(L);
const B: usize = 3;

fn model() -> (
    Model<f64, Maze>,
    DirichletA<f64, Maze>,
    DirichletB<f64, Maze>,
) {
    let a_place = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
    let a_hint = [
        [[0.5, 0.5], [0.9, 0.1], [0.1, 0.9]],
        [[0.5, 0.5], [0.1, 0.9], [0.9, 0.1]],
        [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
    ];
    // Loc: action u moves to u (mostly).
    let b_loc: [[[f64; 3]; 3]; 3] = core::array::from_fn(|next| {
        core::array::from_fn(|_prev| core::array::from_fn(|u| if next == u { 0.9 } else { 0.05 }))
    });
    // Ctx: action 0 keeps it, action 1 flips it, except from Loc 0 where it stays.
    let b_ctx: [[[[f64; 2]; 2]; 3]; 2] = core::array::from_fn(|next| {
        core::array::from_fn(|loc| {
            core::array::from_fn(|ctx| {
                core::array::from_fn(|u| {
                    let target = if u == 1 && loc != 0 { 1 - ctx } else { ctx };
                    if next == target { 1.0 } else { 0.0 }
                })
            })
        })
    });
    let pa_place = [[4.0, 1.0, 1.0], [1.0, 4.0, 1.0], [1.0, 1.0, 4.0]];
    let pa_hint = [
        [[2.0, 2.0], [3.0, 1.0], [1.0, 3.0]],
        [[2.0, 2.0], [1.0, 3.0], [3.0, 1.0]],
        [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
    ];
    let pb_ctx = b_ctx.map(|x| x.map(|y| y.map(|z| z.map(|v| 1.0 + 4.0 * v))));
    let model = Model::new(
        &list![a_place, a_hint],
        &list![b_loc, b_ctx],
        &list![[0.0, 1.0, -1.0], [0.0, 2.0, -4.0]],
        &list![[1.0, 0.0, 0.0], [0.5, 0.5]],
    )
    .unwrap();
    let pa = DirichletA::new(&list![pa_place, pa_hint]).unwrap();
    let pb = DirichletB::new(&list![b_loc.map(|x| x.map(|y| y.map(|v| 1.0 + v))), pb_ctx]).unwrap();
    (model, pa, pb)
}

#[test]
fn agent_steps_do_not_allocate() {
    // The counter does see allocations.
    let seen = allocations_during(|| {
        black_box(vec![0u8; 64]);
    });
    assert!(seen >= 1, "the counting allocator missed an allocation");

    let (m, pa, pb) = model();
    let configs = [
        // deterministic (every agent has parameter information gain: pA and pB novelty)
        Config::default(),
        // stochastic, full (policy) sampling
        Config::default()
            .gamma(4.0)
            .action_selection(ActionSelection::Stochastic),
        // stochastic, marginal (per-factor) sampling
        Config::default()
            .alpha(2.0)
            .action_selection(ActionSelection::Stochastic)
            .sampling_mode(SamplingMode::Marginal),
    ];
    let agent = Agent::<f64, Maze, L, NP, B>::from_models([m.clone(), m.clone(), m], configs)
        .unwrap()
        .with_novelty_a_weights(PerAgent([pa.novelty(NoveltyWeight::Exact); B]))
        .with_novelty_b(&pb, NoveltyWeight::Heuristic);
    let mut rng = SmallRng::seed_from_u64(1);

    let step = |t: usize, prior: &Beliefs<f64, Maze, B>, rng: &mut SmallRng| {
        let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, (t + 2 * b) % 3]);
        let qs = agent.infer_states(&obs, prior).unwrap();
        let cat: [Categorical<f64, Maze>; B] =
            core::array::from_fn(|b| Categorical::one_hot(&obs[b]).unwrap());
        black_box(agent.infer_states_categorical(&cat, prior).unwrap());
        let (q_pi, neg_efe) = agent.infer_policies(&qs).unwrap();
        black_box(neg_efe);
        let action = agent.sample_action(&q_pi, rng).unwrap();
        black_box(agent.action_marginals(&q_pi).unwrap());
        agent.update_empirical_prior(&action, &qs).unwrap()
    };

    // Warm-up (outside the count).
    let mut prior = step(0, &agent.initial_prior(), &mut rng);

    let n = allocations_during(|| {
        for t in 1..=10 {
            prior = step(t, &prior, &mut rng);
        }
    });
    assert_eq!(n, 0, "{n} heap allocations in 10 agent steps");

    // The same through the `_into` methods, writing into storage the caller owns (here on the
    // heap, built once outside the count).
    let mut qs = Box::new(Beliefs::<f64, Maze, B>::ZERO);
    let mut next = Box::new(Beliefs::<f64, Maze, B>::ZERO);
    let mut q_pi = Box::new([nalgebra::SVector::<f64, NP>::zeros(); B]);
    let mut neg_efe = Box::new([nalgebra::SVector::<f64, NP>::zeros(); B]);
    let mut actions = Box::new([[0usize; 2]; B]);
    let n = allocations_during(|| {
        for t in 1..=10 {
            let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, (t * b) % 3]);
            agent.infer_states_into(&obs, &prior, &mut qs).unwrap();
            agent
                .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
                .unwrap();
            agent
                .sample_action_into(&q_pi, &mut rng, &mut actions)
                .unwrap();
            agent
                .update_empirical_prior_into(&actions, &qs, &mut next)
                .unwrap();
            prior = *next;
        }
    });
    assert_eq!(
        n, 0,
        "{n} heap allocations in 10 agent steps through `_into`"
    );
    // The steps did run and produced beliefs.
    let s: f64 = prior[0].factor(0).iter().sum();
    assert!((s - 1.0).abs() < 1e-9, "prior sums to {s}");
}

/// Planning with inductive inference (goals on the factor-local `Loc`, depth 3) allocates
/// nothing, nor does regenerating `I` after learning `B`.
#[test]
fn inductive_planning_does_not_allocate() {
    use actinf::learn::Learning;
    use actinf::plan::inductive::Inductive;
    let (m, _, pb) = model();
    let mut agent = Agent::<f64, Maze, L, NP, B>::new(m, Config::default())
        .unwrap()
        .with_inductive(
            &list![[0.0, 0.0, 1.0], [0.0, 0.0]],
            Inductive::<f64, 3>::new(),
        )
        .unwrap();
    let mut pb = Box::new(pb);
    let rule = Learning::new(1.0, 1.0);
    let mut q_pi = Box::new([nalgebra::SVector::<f64, NP>::zeros(); B]);
    let mut neg_efe = Box::new([nalgebra::SVector::<f64, NP>::zeros(); B]);
    let mut prior = agent.initial_prior();
    let n = allocations_during(|| {
        for t in 1..=10 {
            let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, (t * b) % 3]);
            let qs = agent.infer_states(&obs, &prior).unwrap();
            agent
                .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
                .unwrap();
            black_box(agent.efe_terms(0, &qs[0]).unwrap());
            let action = [[t % 3, t % 2]; B];
            let next = agent.update_empirical_prior(&action, &qs).unwrap();
            agent
                .learn_step(
                    0,
                    &obs[0],
                    &next[0],
                    Some((&qs[0], &action[0])),
                    None,
                    Some(&mut pb),
                    &rule,
                )
                .unwrap();
            prior = next;
        }
    });
    assert_eq!(n, 0, "{n} heap allocations in 10 inductive planning steps");
    assert!(neg_efe[0].iter().all(|g| g.is_finite()));
}

/// Sequence agents (MMP and VMP over windows of 4 steps): observing, inferring the window,
/// planning from its latest step and acting allocate nothing, once the windows exist.
#[test]
fn sequence_agent_steps_do_not_allocate() {
    use actinf::inference::{Mmp, Vmp, Window};
    let (m, _, _) = model();
    let mmp = Agent::<f64, Maze, L, NP, B>::new(m.clone(), Config::default())
        .unwrap()
        .with_method::<Mmp<4>>();
    let vmp = Agent::<f64, Maze, L, NP, B>::new(m, Config::default())
        .unwrap()
        .with_method::<Vmp<4>>();
    let mut rng = SmallRng::seed_from_u64(2);
    let mut windows: Box<[Window<f64, Maze, 4>; B]> = Box::new(mmp.initial_windows());
    let mut other: Box<[Window<f64, Maze, 4>; B]> = Box::new(vmp.initial_windows());
    let n = allocations_during(|| {
        for t in 0..10 {
            let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, (t * b) % 3]);
            mmp.observe(&mut windows, &obs).unwrap();
            mmp.infer_states(&mut windows).unwrap();
            vmp.observe(&mut other, &obs).unwrap();
            vmp.infer_states(&mut other).unwrap();
            let (q_pi, _) = mmp.infer_policies(&*windows).unwrap();
            let actions = mmp.sample_action(&q_pi, &mut rng).unwrap();
            mmp.act(&mut windows, &actions).unwrap();
            vmp.act(&mut other, &actions).unwrap();
        }
    });
    assert_eq!(n, 0, "{n} heap allocations in 10 sequence-agent steps");

    // One-step filtering into windows, smoothing, free energies and SPM's MMP.
    use actinf::Pairwise;
    use actinf::inference::{Ovf, SpmMmp, smoothing, vfe};
    let (m, _, _) = model();
    let ovf = Agent::<f64, Maze, L, NP, B>::new(m.clone(), Config::default())
        .unwrap()
        .with_method::<Ovf>();
    // SPM's MMP needs factor-local transitions.
    let spm = Agent::<f64, line::Line, 1, 2, B>::new(Model::uniform(), Config::default())
        .unwrap()
        .with_method::<SpmMmp<4>>();
    let mut filtered: Box<[Window<f64, Maze, 4>; B]> = Box::new(ovf.initial_windows::<4>());
    let mut spm_windows: Box<[Window<f64, line::Line, 4>; B]> = Box::new(spm.initial_windows());
    let mut marginals = Box::new([actinf::Belief::<f64, Maze>::ZERO; 4]);
    let mut joints = Box::new([Pairwise::<f64, Maze>::ZERO; 3]);
    let n = allocations_during(|| {
        for t in 0..10 {
            let obs: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, (t * b) % 3]);
            ovf.observe(&mut filtered, &obs).unwrap();
            ovf.filter(&mut filtered).unwrap();
            smoothing::smooth(&m, &filtered[0], &mut marginals, &mut joints).unwrap();
            black_box(vfe::sequence(&m, &filtered[0], &marginals).unwrap());
            spm.observe(&mut spm_windows, &core::array::from_fn(|b| [obs[b][0]]))
                .unwrap();
            spm.infer_states(&mut spm_windows).unwrap();
            black_box(spm.free_energy(&spm_windows).unwrap());
            let actions: [[usize; 2]; B] = core::array::from_fn(|b| [(t + b) % 3, t % 2]);
            ovf.act(&mut filtered, &actions).unwrap();
            spm.act(&mut spm_windows, &core::array::from_fn(|b| [actions[b][1]]))
                .unwrap();
        }
    });
    assert_eq!(
        n, 0,
        "{n} heap allocations in filtering, smoothing, VFE and SPM MMP"
    );
    assert_eq!(windows[0].len(), 4);
    let s: f64 = windows[0].latest().factor(1).iter().sum();
    assert!((s - 1.0).abs() < 1e-12);
}

mod line {
    actinf::model! {
        /// One factor with local transitions (for SPM's MMP).
        pub Line { factors { P: 3 controlled_by 2 } modalities { O: 3 depends_on [P] } }
    }
}

/// A learning update (counting, forgetting, expected values, novelty refresh) allocates
/// nothing, whether one step or a whole window is counted.
#[test]
fn learning_updates_do_not_allocate() {
    use actinf::inference::Ovf;
    use actinf::learn::{Counting, Forgetting, Learning};
    let (m, pa, pb) = model();
    let mut agent = Agent::<f64, Maze, L, NP, 1>::new(m, Config::default())
        .unwrap()
        .with_novelty_a(&pa, NoveltyWeight::Exact)
        .with_novelty_b(&pb, NoveltyWeight::Exact);
    let mut windows = Box::new(agent.initial_windows::<4>());
    let (mut pa, mut pb) = (Box::new(pa), Box::new(pb));
    let once = Learning::new(0.5, 0.5).forgetting(Forgetting::Decay { rate: 0.99 });
    let window = Learning::new(0.5, 0.5).counting(Counting::Window);
    let n = allocations_during(|| {
        for t in 0..8 {
            let obs = [[t % 3, (t * 2) % 3]];
            agent.observe(&mut windows, &obs).unwrap();
            agent.filter(&mut windows).unwrap();
            agent
                .infer_parameters(0, &windows[0], Some(&mut pa), Some(&mut pb), &once)
                .unwrap();
            let qs = *windows[0].latest();
            agent
                .learn_step(
                    0,
                    &obs[0],
                    &qs,
                    Some((&qs, &[t % 3, t % 2])),
                    Some(&mut pa),
                    Some(&mut pb),
                    &once,
                )
                .unwrap();
            agent.act(&mut windows, &[[t % 3, t % 2]]).unwrap();
        }
        let mut ovf = agent.clone().with_method::<Ovf>();
        // Ctx's transition depends on Loc too: smoothing-based B learning needs
        // factor-local transitions, so learn A only here.
        ovf.infer_parameters(0, &windows[0], Some(&mut pa), None, &window)
            .unwrap();
    });
    assert_eq!(n, 0, "{n} heap allocations in learning updates");
}

/// A rollout of 50 decisions in the T-maze, stochastic selection, with online learning of
/// `A`, recording every step into a fixed array: no allocation, and the recorder saw every
/// step.
#[test]
fn rollout_does_not_allocate() {
    use actinf::envs::tmaze::{self, TMaze, TMazeEnv, TMazeParams};
    use actinf::learn::Learning;
    use actinf::rollout::{InferPolicies, Online, Workspace};
    use actinf::{Shared, inference::Ovf};

    let params = TMazeParams::default();
    let model = tmaze::model::<f64>(params).unwrap();
    let mut pa = DirichletA::<f64, TMaze>::from_slice(
        &model
            .a()
            .iter()
            .map(|&x| x * 10.0 + 0.5)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let mut agent = Agent::<f64, TMaze, 3, 125>::new(
        model,
        Config::default().action_selection(ActionSelection::Stochastic),
    )
    .unwrap()
    .with_method::<Ovf>()
    .with_novelty_a(&pa, NoveltyWeight::Exact);
    let env = TMazeEnv::<f64>::new(params, None).unwrap();
    let mut work = Box::new(Workspace::<f64, TMaze, 125, 1, 4, [usize; 2]>::new());
    let mut rng = SmallRng::seed_from_u64(5);
    let mut trace = [[0usize; 2]; 50];
    let n = allocations_during(|| {
        let mut online = Online {
            pa: Some(core::slice::from_mut(&mut pa)),
            pb: None,
            rule: Learning::new(1.0, 0.0),
        };
        work.rollout_with::<50>(
            &mut agent,
            &Shared(&env),
            &mut InferPolicies,
            Some(&mut online),
            &mut |step| {
                trace[step.t] = step.actions[0];
                Ok(())
            },
            &mut rng,
        )
        .unwrap();
    });
    assert_eq!(n, 0, "the rollout allocated {n} times");
    assert!(trace.iter().any(|a| a[0] != 0), "the agent moved");
    black_box(&trace);
}

/// A backward-induction plan (horizon 8) over the T-maze's 10 joint states and its 5
/// location moves allocates nothing.
#[test]
fn backward_induction_does_not_allocate() {
    use actinf::envs::tmaze::{self, TMazeParams};
    use actinf::plan::backward::{Backup, BackwardInduction};

    let model = tmaze::model::<f64>(TMazeParams::default()).unwrap();
    let actions: [[usize; 2]; 5] = core::array::from_fn(|u| [u, 0]);
    let mut planner =
        Box::new(BackwardInduction::<f64, 10, 5, 8>::new(Backup::Softmax(4.0)).unwrap());
    let mut neg_efe = [0.0; 5];
    let n = allocations_during(|| {
        planner
            .plan(&model, &actions, Config::default(), model.d(), &mut neg_efe)
            .unwrap();
    });
    assert_eq!(n, 0, "planning allocated {n} times");
    assert!(neg_efe.iter().all(|x| x.is_finite()));
    black_box(&neg_efe);
}

/// One sophisticated-inference planning step (through the loop's planner trait) allocates
/// nothing: the tree is preallocated (boxed before counting).
#[test]
fn sophisticated_step_does_not_allocate() {
    use actinf::envs::tmaze::{self, TMaze};
    use actinf::inference::Window;
    use actinf::plan::sophisticated::{SiConfig, Sophisticated, Tree};
    use actinf::rollout::Planner;
    use nalgebra::SVector;

    let model = tmaze::model::<f64>(tmaze::TMazeParams::default()).unwrap();
    let d = *model.d();
    let agent = Agent::<f64, TMaze, 1, 5>::new(model, Config::default()).unwrap();
    let mut tree = Box::new(Tree::<f64, TMaze, 1024, 8>::new());
    let windows = [Window::<f64, TMaze, 2>::new(d)];
    let mut q = [SVector::<f64, 5>::zeros()];
    let mut g = [SVector::<f64, 5>::zeros()];
    let mut rng = SmallRng::seed_from_u64(1);
    let mut si = Sophisticated::new(SiConfig::default().horizon(2).gamma(4.0), &mut tree);
    let n = allocations_during(|| {
        si.plan(&agent, &windows, &mut q, &mut g, &mut rng).unwrap();
    });
    assert_eq!(n, 0, "one SI planning step allocated {n} times");
    assert!((q[0].sum() - 1.0).abs() < 1e-9);
    assert!(si.last.unwrap().1 > 1, "the tree grew");
    black_box(&q);
}
