//! Memory budgets (issue: "Memory for real sizes").
//!
//! * The T-maze agent is built and runs full steps on a thread with a 16 KiB stack (release;
//!   64 KiB with debug assertions, as `cargo test` builds). `.ci/run` runs this file with
//!   `--release` too.
//! * A batched step writes into storage the caller owns, so its stack does not grow with the
//!   batch: the same small stack runs the T-maze step for 1 agent and for 1024.
//! * `size_of` budgets: a broadcast agent stores one model whatever its batch size.
//! * The five benchmark models are built and stepped at B = 1 and B = 1024 on a thread with
//!   the main thread's default stack (8 MiB), and a 1024-agent M4 parameter sweep (per-agent
//!   γ and C) fits in 16 MiB, counting the heap honestly.
//! * One factor of 100 states, 10 actions, 1000 policies of length 3 (a 1 MiB model) is built
//!   on the heap and stepped on a 64 KiB stack.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::mem::size_of;

use actinf::batch::{self, PerAgent, Shared};
use actinf::envs::tmaze::{self, TMaze, TMazeParams};
use actinf::{Agent, Belief, Config, Model, Real, Spec};
use nalgebra::SVector;
use rand::{SeedableRng, rngs::SmallRng};

#[path = "../benches/agent/models.rs"]
mod models;

/// `System`, counting the bytes allocated minus freed by a thread that switched counting on
/// (so other tests running concurrently do not disturb the count).
struct Counting;

thread_local! {
    // `const`-initialised and without a destructor: reading them never allocates.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn record(delta: isize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = LIVE.try_with(|l| l.set(l.get() + delta));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size as isize - layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator, which allocated `ptr`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(-(layout.size() as isize));
        // SAFETY: forwarded unchanged to the system allocator, which allocated `ptr`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// The stack budget of one T-maze agent: 16 KiB optimised, 64 KiB with debug assertions.
const TMAZE_STACK: usize = if cfg!(debug_assertions) {
    64 * KIB
} else {
    16 * KIB
};

/// Runs `f` on a new thread with a stack of `bytes` (an overflow aborts the test binary).
fn on_stack<R: Send + 'static>(bytes: usize, f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("join")
}

type TMazeAgent<const B: usize> = Agent<f64, TMaze, 3, 125, B>;

/// Builds the T-maze agent and runs `steps` full steps (infer_states, infer_policies,
/// sample_action, update_empirical_prior) on the stack; returns the last action.
fn tmaze_steps(steps: usize) -> usize {
    let agent = TMazeAgent::<1>::new(
        tmaze::model(TMazeParams::default()).expect("model"),
        Config::default(),
    )
    .expect("agent");
    let mut rng = SmallRng::seed_from_u64(3);
    let mut prior = agent.initial_prior();
    let mut obs = [[0usize, 0, 0]];
    let mut last = 0;
    for _ in 0..steps {
        let qs = agent.infer_states(&obs, &prior).expect("infer_states");
        let (q_pi, _) = agent.infer_policies(&qs).expect("infer_policies");
        let action = agent.sample_action(&q_pi, &mut rng).expect("sample_action");
        prior = agent
            .update_empirical_prior(&action, &qs)
            .expect("update_empirical_prior");
        last = action[0][0];
        obs = [[last, 0, 0]];
    }
    last
}

#[test]
fn tmaze_agent_is_built_and_steps_in_a_small_stack() {
    let action = on_stack(TMAZE_STACK, || tmaze_steps(4));
    // From the centre the agent first visits the cue (location 3).
    assert!(action < 5);
    assert_eq!(on_stack(TMAZE_STACK, || tmaze_steps(1)), tmaze::CUE);
}

/// One batched step through the `_into` methods, all batch storage on the heap.
fn batched_step<const B: usize>() -> usize {
    let agent = TMazeAgent::<B>::new(
        tmaze::model(TMazeParams::default()).expect("model"),
        Config::default(),
    )
    .expect("agent");
    let mut prior = batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO);
    agent.initial_prior_into(&mut prior);
    let mut qs = batch::boxed::<Belief<f64, TMaze>, B>(Belief::ZERO);
    let mut q_pi = batch::boxed::<SVector<f64, 125>, B>(SVector::zeros());
    let mut neg_efe = batch::boxed::<SVector<f64, 125>, B>(SVector::zeros());
    let mut actions = batch::boxed::<[usize; 2], B>([0, 0]);
    let obs = batch::boxed::<[usize; 3], B>([0, 0, 0]);
    let mut rng = SmallRng::seed_from_u64(5);
    agent
        .infer_states_into(&obs, &prior, &mut qs)
        .expect("infer");
    agent
        .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
        .expect("policies");
    agent
        .sample_action_into(&q_pi, &mut rng, &mut actions)
        .expect("action");
    agent
        .update_empirical_prior_into(&actions, &qs, &mut prior)
        .expect("prior");
    actions.iter().filter(|a| a[0] == tmaze::CUE).count()
}

#[test]
fn batched_step_stack_does_not_grow_with_the_batch() {
    // The same stack that holds one agent's step holds a batch of 1024 (plus room for the
    // agent value itself, which is the same size for both).
    let stack = TMAZE_STACK + 2 * size_of::<TMazeAgent<1>>();
    assert_eq!(on_stack(stack, batched_step::<1>), 1);
    assert_eq!(on_stack(stack, batched_step::<1024>), 1024);
}

#[test]
fn broadcast_agents_store_one_model_whatever_the_batch() {
    let tmaze_1 = size_of::<Agent<f64, TMaze, 3, 125, 1>>();
    let tmaze_1024 = size_of::<Agent<f64, TMaze, 3, 125, 1024>>();
    assert_eq!(tmaze_1, tmaze_1024);
    assert_eq!(
        tmaze_1,
        size_of::<Model<f64, TMaze>>() + size_of::<Config<f64>>()
    );
    // Budgets (stated in the README's "Memory" section).
    assert!(tmaze_1 <= 4 * KIB, "T-maze agent f64: {tmaze_1} bytes");
    assert!(
        size_of::<Agent<f32, TMaze, 3, 125, 1>>() <= 2 * KIB,
        "T-maze agent f32"
    );
    use models::m4::{L, M4, NP};
    let m4_f32 = size_of::<Agent<f32, M4, L, NP, 1024>>();
    let m4_f64 = size_of::<Agent<f64, M4, L, NP, 1024>>();
    assert_eq!(m4_f32, size_of::<Agent<f32, M4, L, NP, 1>>());
    assert!(m4_f32 <= 72 * KIB, "M4 agent f32: {m4_f32} bytes");
    assert!(m4_f64 <= 144 * KIB, "M4 agent f64: {m4_f64} bytes");
    // The full policy table is computed, not stored.
    assert_eq!(size_of::<actinf::Policies<M4, L, NP>>(), 0);
    // A custom table stores one byte per policy step.
    assert_eq!(
        size_of::<actinf::CustomPolicies<M4, L, NP>>(),
        NP * L * size_of::<u8>()
    );
}

/// Builds a broadcast agent of `B` over `model` and runs `steps` batched steps with heap batch
/// storage, cycling the model's observation sequence; returns the first agent's last action.
fn run_batch<T: Real, S: Spec, const L: usize, const NP: usize, const B: usize>(
    model: Model<T, S>,
    obs: &[S::Observation],
    steps: usize,
) -> S::Action {
    let agent = Agent::<T, S, L, NP, B>::new(model, models::config()).expect("agent");
    let mut prior = batch::boxed::<Belief<T, S>, B>(Belief::ZERO);
    agent.initial_prior_into(&mut prior);
    let mut qs = batch::boxed::<Belief<T, S>, B>(Belief::ZERO);
    let mut q_pi = batch::boxed::<SVector<T, NP>, B>(SVector::zeros());
    let mut neg_efe = batch::boxed::<SVector<T, NP>, B>(SVector::zeros());
    let mut actions = batch::boxed::<S::Action, B>(<S::Action as actinf::spec::IndexArray>::ZEROS);
    let mut rng = SmallRng::seed_from_u64(11);
    for t in 0..steps {
        let o = batch::boxed_from_fn::<S::Observation, B>(|b| obs[(t + b) % obs.len()]);
        agent.infer_states_into(&o, &prior, &mut qs).expect("infer");
        agent
            .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
            .expect("policies");
        agent
            .sample_action_into(&q_pi, &mut rng, &mut actions)
            .expect("action");
        agent
            .update_empirical_prior_into(&actions, &qs, &mut prior)
            .expect("prior");
        assert!(
            q_pi.iter().all(|q| (q.sum().as_f64() - 1.0).abs() < 1e-4),
            "q_pi not normalised"
        );
    }
    actions[0]
}

fn all_models<T: Real, const B: usize>() {
    use models::*;
    let steps = if B == 1 { 3 } else { 1 };
    run_batch::<T, m1::M1, { m1::L }, { m1::NP }, B>(
        model("M1_tmaze"),
        &observations::<3>("M1_tmaze"),
        steps,
    );
    run_batch::<T, m2::M2, 1, { m2::NP1 }, B>(
        model("M2_small_L1"),
        &observations::<1>("M2_small_L1"),
        steps,
    );
    run_batch::<T, m2::M2, 3, { m2::NP3 }, B>(
        model("M2_small_L3"),
        &observations::<1>("M2_small_L3"),
        steps,
    );
    run_batch::<T, m3::M3, { m3::L }, { m3::NP }, B>(
        model("M3_medium"),
        &observations::<2>("M3_medium"),
        steps,
    );
    run_batch::<T, m4::M4, { m4::L }, { m4::NP }, B>(
        model("M4_grid"),
        &observations::<1>("M4_grid"),
        steps,
    );
}

/// The main thread's default stack on Linux.
const MAIN_STACK: usize = 8 * MIB;

#[test]
fn benchmark_models_build_and_step_at_b1_and_b1024_on_a_main_thread_stack() {
    on_stack(MAIN_STACK, || {
        all_models::<f64, 1>();
        all_models::<f32, 1>();
        all_models::<f64, 1024>();
        all_models::<f32, 1024>();
    });
}

/// The M4 model built on the heap in place and shared by a batch of 1024: construction and
/// a step need no more stack than one agent's step, whatever the model and batch sizes.
#[test]
fn m4_batch_with_a_boxed_model_builds_and_steps_on_a_small_stack() {
    use models::m4::{L, M4, NP};
    const B: usize = 1024;
    // JSON parsing itself (serde_json's recursion) needs some room; the model does not.
    let stack = if cfg!(debug_assertions) {
        512 * KIB
    } else {
        128 * KIB
    };
    let action = on_stack(stack, || {
        let model = models::boxed_model::<f64, M4>("M4_grid");
        let agent = Agent::<f64, M4, L, NP, B, _, _, _, _>::from_parts(
            Shared(model),
            Shared(models::config()),
            actinf::agent::Plain,
            actinf::Policies::all(),
        )
        .expect("agent");
        let mut prior = batch::boxed::<Belief<f64, M4>, B>(Belief::ZERO);
        agent.initial_prior_into(&mut prior);
        let mut qs = batch::boxed::<Belief<f64, M4>, B>(Belief::ZERO);
        let mut q_pi = batch::boxed::<SVector<f64, NP>, B>(SVector::zeros());
        let mut neg_efe = batch::boxed::<SVector<f64, NP>, B>(SVector::zeros());
        let mut actions = batch::boxed::<[usize; 1], B>([0]);
        let obs = batch::boxed_from_fn::<[usize; 1], B>(|b| [b % 49]);
        let mut rng = SmallRng::seed_from_u64(1);
        agent
            .infer_states_into(&obs, &prior, &mut qs)
            .expect("infer");
        agent
            .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
            .expect("policies");
        agent
            .sample_action_into(&q_pi, &mut rng, &mut actions)
            .expect("action");
        agent
            .update_empirical_prior_into(&actions, &qs, &mut prior)
            .expect("prior");
        actions[0][0]
    });
    assert!(action < 5);
}

#[test]
fn m4_parameter_sweep_of_1024_agents_fits_in_16_mib() {
    use models::m4::{L, M4, NP};
    const B: usize = 1024;
    on_stack(MAIN_STACK, || {
        COUNTING.with(|c| c.set(true));
        let model = models::model::<f32, M4>("M4_grid");
        // Per-agent γ (in the hyperparameters) and C; A and B shared.
        let configs = batch::boxed_from_fn::<Config<f32>, B>(|b| {
            models::config().gamma(1.0 + b as f64 / 64.0)
        });
        let base = *model.c_storage();
        let prefs = batch::boxed_from_fn::<<M4 as Spec>::Outcomes<f32>, B>(|b| {
            let mut c = base;
            c[b % 49] += 1.0;
            c
        });
        let agent = Box::new(
            Agent::<f32, M4, L, NP, B, _, _, _, _>::from_parts(
                Shared(model),
                PerAgent(configs),
                actinf::agent::Plain,
                actinf::Policies::all(),
            )
            .expect("agent")
            .with_preferences(PerAgent(prefs)),
        );
        // Per-agent state: prior and posterior beliefs, q_pi and neg_efe.
        let mut prior = batch::boxed::<Belief<f32, M4>, B>(Belief::ZERO);
        agent.initial_prior_into(&mut prior);
        let mut qs = batch::boxed::<Belief<f32, M4>, B>(Belief::ZERO);
        let mut q_pi = batch::boxed::<SVector<f32, NP>, B>(SVector::zeros());
        let mut neg_efe = batch::boxed::<SVector<f32, NP>, B>(SVector::zeros());
        let obs = batch::boxed_from_fn::<[usize; 1], B>(|b| [b % 49]);
        agent
            .infer_states_into(&obs, &prior, &mut qs)
            .expect("infer");
        agent
            .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
            .expect("policies");
        // Everything is on the heap here (the agent boxed): count it all.
        COUNTING.with(|c| c.set(false));
        let total = LIVE.with(Cell::get) as usize;
        println!(
            "1024-agent M4 sweep: {:.2} MiB in all",
            total as f64 / MIB as f64
        );
        assert!(
            total < 16 * MIB,
            "1024-agent M4 sweep uses {:.1} MiB",
            total as f64 / MIB as f64
        );
        // It is dominated by per-agent state, not by copies of the model.
        let per_agent = size_of::<Config<f32>>()
            + size_of::<<M4 as Spec>::Outcomes<f32>>()
            + 2 * size_of::<Belief<f32, M4>>()
            + 2 * size_of::<SVector<f32, NP>>()
            + size_of::<[usize; 1]>();
        assert!(
            total <= B * per_agent + size_of::<Model<f32, M4>>() + 256 * KIB,
            "sweep memory {total} bytes vs {} per agent",
            per_agent
        );
        // Agents with different γ and C make different choices.
        assert_ne!(q_pi[0], q_pi[B - 1]);
    });
}

actinf::model! {
    /// The large single factor: 100 states, 10 actions, 100 outcomes.
    pub Corridor {
        factors { Position: 100 controlled_by 10 }
        modalities { Sensor: 100 depends_on [Position] }
    }
}

/// One factor of 100 states and 10 actions with policies of length 3 (1000 policies): the
/// model (about 1 MiB in `f64`) is filled on the heap and the agent is built and stepped on
/// a thread with a 64 KiB stack (it took 14 MiB to construct before).
#[test]
fn large_single_factor_builds_and_steps_on_a_small_stack() {
    const L: usize = 3;
    const NP: usize = 1000;
    let action = on_stack(64 * KIB, || {
        let (n, u) = (100usize, 10usize);
        // A: a noisy sensor; B: action k moves k − 5 cells along a ring (pymdp C order).
        let mut a = std::vec![0.0f64; n * n];
        for o in 0..n {
            for s in 0..n {
                a[o * n + s] = if o == s { 0.91 } else { 0.09 / (n - 1) as f64 };
            }
        }
        let mut b = std::vec![0.0f64; n * n * u];
        for s in 0..n {
            for k in 0..u {
                let next = (s + n + k - 5) % n;
                b[(next * n + s) * u + k] = 1.0;
            }
        }
        let mut c = std::vec![0.0f64; n];
        c[42] = 4.0;
        let d = std::vec![1.0 / n as f64; n];
        let model = Model::<f64, Corridor>::boxed_from_slices(&a, &b, &c, &d).expect("model");
        let agent = Agent::<f64, Corridor, L, NP, 1, _, _, _, _>::from_parts(
            Shared(model),
            Shared(Config::default()),
            actinf::agent::Plain,
            actinf::Policies::all(),
        )
        .expect("agent");
        let mut prior = batch::boxed::<Belief<f64, Corridor>, 1>(Belief::ZERO);
        agent.initial_prior_into(&mut prior);
        let mut qs = batch::boxed::<Belief<f64, Corridor>, 1>(Belief::ZERO);
        let mut q_pi = batch::boxed::<SVector<f64, NP>, 1>(SVector::zeros());
        let mut neg_efe = batch::boxed::<SVector<f64, NP>, 1>(SVector::zeros());
        let mut actions = batch::boxed::<[usize; 1], 1>([0]);
        let mut rng = SmallRng::seed_from_u64(2);
        agent
            .infer_states_into(&[[40]], &prior, &mut qs)
            .expect("infer");
        agent
            .infer_policies_into(&qs, &mut q_pi, &mut neg_efe)
            .expect("policies");
        agent
            .sample_action_into(&q_pi, &mut rng, &mut actions)
            .expect("action");
        agent
            .update_empirical_prior_into(&actions, &qs, &mut prior)
            .expect("prior");
        actions[0][0]
    });
    // At cell 40, with the preferred reading at 42: step right, +1 or +2 (actions 6, 7).
    assert!(action == 6 || action == 7, "action {action}");
}

/// A window is per-agent state: its size is its observations, actions and beliefs.
#[test]
fn window_sizes() {
    use actinf::inference::Window;
    assert_eq!(size_of::<Window<f64, TMaze, 4>>(), 456);
    assert_eq!(size_of::<Window<f32, TMaze, 4>>(), 320);
    // H beliefs + the prior, H observations, H − 1 actions + the pending one, the length.
    let b = size_of::<Belief<f64, TMaze>>();
    assert_eq!(5 * b + 4 * 3 * 8 + 4 * 2 * 8 + 8 + 8, 456);
}

/// Environment builders write large models in place: a 20×20 grid world (400 cells, 5 moves;
/// `B` alone is 3.2 MB in `f64`) is built into a boxed environment and stepped on a thread
/// with a 64 KiB stack.
#[test]
fn large_grid_world_builds_in_place_on_a_small_stack() {
    use actinf::envs::grid_world::{self, GridWorld, RIGHT};
    use actinf::envs::{Env, ModelEnv};
    actinf::model! {
        pub Grid20 { factors { Cell: 400 controlled_by 5 } modalities { Seen: 400 depends_on [Cell] } }
    }
    let cell = on_stack(64 * KIB, || {
        let mut env = Box::new(ModelEnv::new(Model::<f64, Grid20>::EMPTY));
        let grid = GridWorld::new(20, 20).walls(&[(0, 5)]).start(0, 3);
        grid_world::init_model(env.process_mut(), &grid).expect("grid");
        let mut rng = SmallRng::seed_from_u64(0);
        let (mut state, _) = env.reset(&mut rng);
        env.step(&mut state, &[RIGHT], &mut rng).expect("step");
        env.step(&mut state, &[RIGHT], &mut rng).expect("step"); // into the wall: stays
        state[0]
    });
    assert_eq!(cell, 4);
}
