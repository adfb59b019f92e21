//! Models written as constants, checked when they compile (`actinf::konst`): valid constants
//! compile and build the same model as the runtime constructor; the `const` checks agree with
//! the runtime ones at the tolerance boundary; the messages name the tensor and the column.

use actinf::konst::{distribution_f32, distribution_f64, finite_f32, finite_f64};
use actinf::types::{FactorInputOf, LikelihoodInputOf, OutcomesInputOf, TransitionsInputOf};
use actinf::{Model, NORMALISATION_TOLERANCE, Problem, list};

actinf::model! {
    /// A T-maze whose context may switch, depending on where the agent is.
    pub Maze {
        factors {
            Location: 3 controlled_by 3,
            Context: 2 depends_on [Location, Context],
        }
        modalities {
            Place: 3 depends_on [Location],
            Reward: 2 depends_on [Location, Context],
        }
    }
}

// A[Place][o][location]: identity.
const A_PLACE: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
// A[Reward][o][location][context].
const A_REWARD: [[[f64; 2]; 3]; 2] = [
    [[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]],
    [[0.5, 0.5], [0.1, 0.9], [0.8, 0.2]],
];
// B[Location][next][prev][u]: action u moves to u.
const B_LOCATION: [[[f64; 3]; 3]; 3] = [
    [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]],
    [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
    [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]],
];
// B[Context][next][location][context][u]: the context flips in location 2 only.
const B_CONTEXT: [[[[f64; 1]; 2]; 3]; 2] = [
    [[[1.0], [0.0]], [[1.0], [0.0]], [[0.0], [1.0]]],
    [[[0.0], [1.0]], [[0.0], [1.0]], [[1.0], [0.0]]],
];
const C_PLACE: [f64; 3] = [0.0, 0.0, 0.0];
const C_REWARD: [f64; 2] = [3.0, -3.0];
const D_LOCATION: [f64; 3] = [1.0, 0.0, 0.0];
const D_CONTEXT: [f64; 2] = [0.5, 0.5];

actinf::check_a!(Maze, Place, A_PLACE);
actinf::check_a!(Maze, Reward, A_REWARD);
actinf::check_b!(Maze, Location, B_LOCATION);
actinf::check_b!(Maze, Context, B_CONTEXT);
actinf::check_c!(Maze, Place, C_PLACE);
actinf::check_c!(Maze, Reward, C_REWARD);
actinf::check_d!(Maze, Location, D_LOCATION);
actinf::check_d!(Maze, Context, D_CONTEXT);

// The whole model, as lists (statics: in flash on a microcontroller).
static A: LikelihoodInputOf<f64, Maze> = list![A_PLACE, A_REWARD];
static B: TransitionsInputOf<f64, Maze> = list![B_LOCATION, B_CONTEXT];
static C: OutcomesInputOf<f64, Maze> = list![C_PLACE, C_REWARD];
static D: FactorInputOf<f64, Maze> = list![D_LOCATION, D_CONTEXT];
actinf::check_model!(Maze, A, B, C, D);

// The same in f32, as `const`s.
const A32: LikelihoodInputOf<f32, Maze> = list![
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    [
        [[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]],
        [[0.5, 0.5], [0.1, 0.9], [0.8, 0.2]]
    ]
];
const B32: TransitionsInputOf<f32, Maze> = list![
    [
        [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]],
        [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
        [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    ],
    [
        [[[1.0], [0.0]], [[1.0], [0.0]], [[0.0], [1.0]]],
        [[[0.0], [1.0]], [[0.0], [1.0]], [[1.0], [0.0]]]
    ]
];
const C32: OutcomesInputOf<f32, Maze> = list![[0.0, 0.0, 0.0], [3.0, -3.0]];
const D32: FactorInputOf<f32, Maze> = list![[1.0, 0.0, 0.0], [0.5, 0.5]];
actinf::check_model!(Maze, A32, B32, C32, D32);

#[test]
fn checked_constants_build_the_runtime_model() {
    let from_parts = Model::<f64, Maze>::new(
        &list![A_PLACE, A_REWARD],
        &list![B_LOCATION, B_CONTEXT],
        &list![C_PLACE, C_REWARD],
        &list![D_LOCATION, D_CONTEXT],
    )
    .unwrap();
    let from_lists = Model::<f64, Maze>::new(&A, &B, &C, &D).unwrap();
    assert_eq!(from_parts, from_lists);
    assert_eq!(from_lists.column(1, 2 * 2 + 1), &[0.8, 0.2]); // P(reward | loc 2, ctx 1)

    let mut in_place = Model::<f32, Maze>::EMPTY;
    in_place.init(&A32, &B32, &C32, &D32).unwrap();
    assert_eq!(
        in_place,
        Model::<f32, Maze>::new(&A32, &B32, &C32, &D32).unwrap()
    );
}

#[test]
fn a_static_cell_filled_from_checked_statics() {
    use std::sync::Mutex;
    static MODEL: Mutex<Model<f64, Maze>> = Mutex::new(Model::EMPTY);
    MODEL
        .lock()
        .unwrap()
        .init(&A, &B, &C, &D)
        .expect("checked at compile time");
    assert_eq!(*MODEL.lock().unwrap(), Model::new(&A, &B, &C, &D).unwrap());
}

/// Columns around the tolerance, checked in a `const` context and at run time.
const TOL: f64 = NORMALISATION_TOLERANCE;
const CASES: [[f64; 2]; 10] = [
    [0.5, 0.5],
    [0.5, 0.5 + 1.0e-5],   // inside
    [0.5, 0.5 - 1.0e-5],   // inside
    [0.5, 0.5 + 1.002e-5], // just outside
    [0.5, 0.5 - 1.002e-5], // just outside
    [1.0, 0.0],
    [1.0 + 1.0e-6, -1.0e-6], // normalised but negative
    [f64::NAN, 1.0],
    [f64::INFINITY, 0.0],
    [f64::MAX, f64::MAX], // sum overflows
];
const CONST_VERDICTS: [bool; 10] = {
    let mut v = [false; 10];
    let mut i = 0;
    while i < CASES.len() {
        v[i] = distribution_f64(&CASES[i]).is_ok();
        i += 1;
    }
    v
};

actinf::model! {
    /// Two states, for running the runtime check on one column.
    pub Pair {
        factors { Side: 2 }
        modalities { Seen: 2 depends_on [Side] }
    }
}

#[test]
fn const_and_runtime_checks_agree_at_the_tolerance() {
    assert_eq!(
        CONST_VERDICTS,
        [
            true, true, true, false, false, true, false, false, false, false
        ]
    );
    for (case, verdict) in CASES.iter().zip(CONST_VERDICTS) {
        let runtime = Model::<f64, Pair>::new(
            &list![[[1.0, 0.0], [0.0, 1.0]]],
            &list![[[[1.0], [0.0]], [[0.0], [1.0]]]],
            &list![[0.0, 0.0]],
            &list![*case],
        );
        assert_eq!(runtime.is_ok(), verdict, "{case:?}");
        // The same problem, found at the same entry.
        if let Err(e) = runtime {
            let (row, problem) = distribution_f64(case).unwrap_err();
            match (problem, e.problem) {
                (Problem::NotFinite { value: a }, Problem::NotFinite { value: b }) => {
                    assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
                }
                (a, b) => assert_eq!(a, b),
            }
            assert_eq!(
                row.map(|r| r as u32),
                (!e.entry.column).then_some(e.entry.index[0])
            );
        }
    }
    const { assert!(TOL > 1.0e-5 && TOL < 1.002e-5) };
}

#[test]
fn f32_columns_are_summed_in_f64() {
    const OK: bool = distribution_f32(&[0.1, 0.2, 0.7]).is_ok();
    const OFF: bool = distribution_f32(&[0.1, 0.2, 0.69]).is_ok();
    const NEG: Result<(), (Option<usize>, Problem)> = distribution_f32(&[1.5, -0.5]);
    const INF: Result<(), (usize, Problem)> = finite_f32(&[0.0, f32::NEG_INFINITY]);
    const FINITE: bool = finite_f64(&[-3.0, 1.0e300]).is_ok();
    const { assert!(OK && !OFF && FINITE) };
    assert_eq!(NEG, Err((Some(1), Problem::Negative { value: -0.5 })));
    assert_eq!(
        INF,
        Err((
            1,
            Problem::NotFinite {
                value: f64::NEG_INFINITY
            }
        ))
    );
    let runtime = Model::<f32, Pair>::new(
        &list![[[0.1, 0.2], [0.9, 0.8]]],
        &list![[[[1.0], [0.0]], [[0.0], [1.0]]]],
        &list![[0.0, 0.0]],
        &list![[0.3, 0.69]],
    );
    assert!(runtime.is_err());
}

/// The panic message of a check run at run time (the same `const fn` the compiler runs).
fn message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = std::panic::catch_unwind(f).expect_err("the check should fail");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

#[test]
fn messages_name_tensor_factor_and_column() {
    use actinf::konst::{Nested, check_a, check_b, check_c, check_d};
    let mut a = A_REWARD;
    a[0][2][1] = 0.7; // column (location 2, context 1) sums to 0.9
    assert_eq!(
        message(|| check_a::<Maze>(1, "A_REWARD", Nested(&a).entries())),
        "A[1] (modality \"Reward\"): column [:, 2, 1] (Location 2, Context 1) sums to 0.9, \
         not 1 (tolerance 1.001e-5), in `A_REWARD`"
    );
    let mut b = B_CONTEXT;
    b[1][1][0][0] = -0.25;
    assert_eq!(
        message(|| check_b::<Maze>(1, "B_CONTEXT", Nested(&b).entries())),
        "B[1] (factor \"Context\"): entry [1, 1, 0, 0] (Location 1, Context 0, action 0) is \
         negative (-0.25), in `B_CONTEXT`"
    );
    assert_eq!(
        message(|| check_c::<Maze>(1, "C", Nested(&[0.0, f64::NAN]).entries())),
        "C[1] (modality \"Reward\"): entry [1] is not finite (NaN), in `C`"
    );
    assert_eq!(
        message(|| check_d::<Maze>(0, "D", Nested(&[0.5f32, 0.25, 0.0]).entries())),
        "D[0] (factor \"Location\"): column [:] sums to 0.75, not 1 (tolerance 1.001e-5), in `D`"
    );
    assert_eq!(
        message(|| check_a::<Maze>(1, "A_R", Nested(&[[0.5f64, 0.5], [0.5, 0.5]]).entries())),
        "A[1] (modality \"Reward\"): has shape [2, 2], the model needs [2, 3, 2] \
         (outcomes, Location, Context), in `A_R`"
    );
}

#[test]
fn lists_of_the_wrong_length_are_named() {
    use actinf::konst::{Entries, check_model};
    const NONE: [Entries<'static>; 16] = [Entries::ABSENT; 16];
    // One modality short (a hand-typed tuple instead of `LikelihoodInputOf`).
    let short = (A_PLACE, ());
    let a = actinf::__konst_walk!(short; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    let c = actinf::__konst_walk!(C; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    assert_eq!(
        message(move || check_model::<Maze>(["short", "B", "C", "D"], &a, &NONE, &c, &NONE)),
        "A[1] (modality \"Reward\"): missing (the list is shorter than the model's \
         modalities), in `short`"
    );
    // One factor too many.
    let long = (D_LOCATION, (D_CONTEXT, ([1.0f64], ())));
    let b = actinf::__konst_walk!(B; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    let d = actinf::__konst_walk!(long; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    let a = actinf::__konst_walk!(A; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    assert_eq!(
        message(move || check_model::<Maze>(["A", "B", "C", "long"], &a, &b, &c, &d)),
        "D: the list has more than 2 entries, one per factor, in `long`"
    );
}
