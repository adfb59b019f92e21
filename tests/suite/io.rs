//! Loading pymdp models (`actinf::io`, feature `serde`): the benchmark's 7×7 grid (49 states:
//! more than serde's built-in arrays handle) with and without pymdp's leading batch axis of 1,
//! every optional tensor (`C`, `D`, `E`, `pA`, `pB`, `pD`), and typed errors for shapes that do
//! not match the declared spec and for bad values.

use actinf::io::PymdpModel;
use actinf::{Model, Problem, Tensor};
use serde_json::{Value, json};

actinf::model! {
    /// pymdp's benchmark M4: a 7×7 grid, 5 moves.
    pub M4 {
        factors { Cell: 49 controlled_by 5 }
        modalities { Seen: 49 depends_on [Cell] }
    }
}

actinf::model! {
    /// A small two-factor model for the optional tensors.
    pub Pair {
        factors { Pos: 2 controlled_by 2, Ctx: 3 }
        modalities { Obs: 2 depends_on [Pos, Ctx] }
    }
}

fn m4_json() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/models/M4_grid.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Wraps every tensor of the lists `keys` in a leading axis of size 1 (pymdp's `Agent`
/// arrays are `(1, …)`).
fn batched(mut v: Value, keys: &[&str]) -> Value {
    for k in keys {
        if let Some(list) = v[*k].as_array_mut() {
            for t in list.iter_mut() {
                *t = json!([t.clone()]);
            }
        }
    }
    v
}

#[test]
fn m4_loads_with_and_without_a_batch_axis() {
    let v = m4_json();
    let plain: PymdpModel = serde_json::from_value(v.clone()).unwrap();
    let model: Model<f64, M4> = plain.model().unwrap();
    // Values in pymdp's C order: A[o][s], B[s'][s][u], C, D.
    let raw_a = &v["A"][0];
    for (o, s) in [(0, 0), (3, 17), (48, 48), (12, 40)] {
        assert_eq!(
            model.a_entry(0, o, s),
            raw_a[o][s].as_f64().unwrap(),
            "A[{o}][{s}]"
        );
    }
    for (next, s, u) in [(17, 24, 0), (25, 24, 1), (31, 24, 2), (24, 24, 4)] {
        assert_eq!(
            model.b_entry(0, next, s, u),
            v["B"][0][next][s][u].as_f64().unwrap()
        );
    }
    assert_eq!(model.preference(0)[48], 4.0);

    let with_axis: PymdpModel = serde_json::from_value(batched(v, &["A", "B", "C", "D"])).unwrap();
    let again: Model<f64, M4> = with_axis.model().unwrap();
    assert_eq!(again.a(), model.a());
    assert_eq!(again.b(), model.b());
    assert_eq!(again.c(), model.c());
    assert_eq!(again.d().as_slice(), model.d().as_slice());
    // In f32 and boxed (built in place).
    let boxed = with_axis.boxed_model::<f32, M4>().unwrap();
    assert_eq!(boxed.a_entry(0, 48, 48), model.a_entry(0, 48, 48) as f32);
}

#[test]
fn a_shape_that_does_not_match_the_spec_is_a_typed_error() {
    let v = m4_json();
    // The grid loaded as a 9-cell model: A[0] is (49, 49), the spec says (9, 9).
    actinf::model! { pub Small { factors { Cell: 9 controlled_by 5 } modalities { Seen: 9 depends_on [Cell] } } }
    let file: PymdpModel = serde_json::from_value(v.clone()).unwrap();
    let e = file.model::<f64, Small>().unwrap_err();
    assert_eq!(e.tensor, Tensor::A);
    assert!(
        matches!(
            e.problem,
            Problem::WrongShape {
                axis: 0,
                expected: 9,
                found: 49
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("Seen"), "{e}");
    // A batch axis of 2 is not pymdp's (1, …): the rank is wrong.
    let mut two = v.clone();
    two["A"][0] = json!([v["A"][0].clone(), v["A"][0].clone()]);
    let file: PymdpModel = serde_json::from_value(two).unwrap();
    assert!(file.model::<f64, M4>().is_err());
    // A missing modality.
    let mut none = v;
    none["A"] = json!([]);
    let file: PymdpModel = serde_json::from_value(none).unwrap();
    let e = file.model::<f64, M4>().unwrap_err();
    assert!(
        matches!(
            e.problem,
            Problem::WrongLength {
                expected: 1,
                found: 0
            }
        ),
        "{e}"
    );
}

#[test]
fn optional_tensors_load_and_are_validated() {
    let a = json!([
        [[0.9, 0.5, 0.2], [0.3, 0.5, 0.6]],
        [[0.1, 0.5, 0.8], [0.7, 0.5, 0.4]]
    ]);
    // B[Pos] (2, 2, 2): action u moves to u; B[Ctx] (3, 3, 1) identity.
    let b_pos = json!([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]);
    let b_ctx = json!([
        [[1.0], [0.0], [0.0]],
        [[0.0], [1.0], [0.0]],
        [[0.0], [0.0], [1.0]]
    ]);
    let file = json!({
        "A": [a],
        "B": [b_pos, b_ctx],
        "C": [[0.0, 1.0]],
        "D": [[1.0, 0.0], [0.2, 0.3, 0.5]],
        "E": [0.25, 0.75],
        "pA": [[[[2.0, 1.0, 1.0], [1.0, 1.0, 3.0]], [[1.0, 1.0, 2.0], [2.0, 1.0, 1.0]]]],
        "pB": [
            [[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]],
            [[[1.0], [0.0], [0.0]], [[0.0], [1.0], [0.0]], [[0.0], [0.0], [1.0]]]
        ],
        "pD": [[4.0, 1.0], [1.0, 1.0, 2.0]],
        "unknown": "ignored"
    });
    let m: PymdpModel = serde_json::from_value(file.clone()).unwrap();
    let model = m.model::<f64, Pair>().unwrap();
    assert_eq!(model.d().factor(1), &[0.2, 0.3, 0.5]);
    assert_eq!(m.e::<f64, 2>().unwrap(), Some([0.25, 0.75]));
    let pa = m.dirichlet_a::<f64, Pair>().unwrap().unwrap();
    assert_eq!(pa.modality(0)[..2], [2.0, 1.0]); // column (pos 0, ctx 0): outcomes 0, 1
    assert!(m.dirichlet_b::<f64, Pair>().unwrap().is_some());
    let pd = m.dirichlet_d::<f64, Pair>().unwrap().unwrap();
    assert_eq!(pd.as_belief().as_slice(), &[4.0, 1.0, 1.0, 1.0, 2.0]);
    // Wrong E length: a shape error.
    assert!(m.e::<f64, 3>().is_err());

    // Bad values: a non-normalised A column, a negative pD.
    let mut bad = file.clone();
    bad["A"][0][0][0][0] = json!(0.95);
    let m: PymdpModel = serde_json::from_value(bad).unwrap();
    let e = m.model::<f64, Pair>().unwrap_err();
    assert!(matches!(e.problem, Problem::NotNormalised { .. }), "{e}");
    let mut bad = file;
    bad["pD"][1][2] = json!(-1.0);
    let m: PymdpModel = serde_json::from_value(bad).unwrap();
    let e = m.dirichlet_d::<f64, Pair>().unwrap_err();
    assert_eq!(e.tensor, Tensor::PD);
    assert!(matches!(e.problem, Problem::Negative { .. }), "{e}");
}

#[test]
fn malformed_files_are_serde_errors_not_panics() {
    for text in [
        r#"{"A": [[0.5, "x"]], "B": []}"#,
        r#"{"A": [[[0.5], [0.5, 0.5]]], "B": []}"#,
        r#"{"B": []}"#,
        r#"[1, 2]"#,
    ] {
        assert!(serde_json::from_str::<PymdpModel>(text).is_err(), "{text}");
    }
}
