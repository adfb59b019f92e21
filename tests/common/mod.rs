//! Shared helpers for the integration tests: loading the pymdp fixtures (JSON written by
//! pymdp 1.0.4, see `tests/fixtures/` and the fixtures README), turning their row-major
//! arrays into nested Rust arrays, and comparing results with a tolerance.
//!
//! Every test binary includes this module with `mod common;` and uses only part of it.
#![allow(dead_code)]

use serde_json::Value;

/// A scalar type the tests build models in (`f64`, or `f32` for the reduced-precision runs).
pub trait Scalar: Copy + Into<f64> + core::fmt::Debug + 'static {
    /// Converts a fixture value (always written as `f64`).
    fn from_f64(x: f64) -> Self;
}

impl Scalar for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Scalar for f32 {
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

/// Loads `tests/fixtures/<name>.json` (`name` may contain a sub-folder, e.g. `spm/dot_a`).
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// Follows a `/`-separated path of object keys and list indices (`"inputs/A/0"`), panicking
/// with the path if any step is missing.
pub fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    let mut cur = v;
    for key in path.split('/').filter(|k| !k.is_empty()) {
        let next = match cur {
            Value::Object(map) => map.get(key),
            Value::Array(list) => key.parse::<usize>().ok().and_then(|i| list.get(i)),
            _ => None,
        };
        cur = next.unwrap_or_else(|| panic!("fixture has no `{path}` (missing `{key}`)"));
    }
    cur
}

/// An array object `{shape, dtype, data}` as `(shape, flat row-major data)`.
pub fn array(v: &Value) -> (Vec<usize>, Vec<f64>) {
    let shape = v
        .get("shape")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("not an array object: {v}"))
        .iter()
        .map(|d| d.as_u64().expect("shape entry") as usize)
        .collect::<Vec<_>>();
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("array object without data: {v}"))
        .iter()
        .map(|x| x.as_f64().expect("numeric data"))
        .collect::<Vec<_>>();
    assert_eq!(
        shape.iter().product::<usize>(),
        data.len(),
        "array data length does not match its shape {shape:?}"
    );
    (shape, data)
}

/// The flat data of an array object.
pub fn data(v: &Value) -> Vec<f64> {
    array(v).1
}

/// The flat data of an array object, checking its shape.
pub fn data_shaped(v: &Value, shape: &[usize]) -> Vec<f64> {
    let (s, d) = array(v);
    assert_eq!(
        s, shape,
        "fixture array has shape {s:?}, the test expects {shape:?}"
    );
    d
}

/// A JSON number.
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A JSON list of non-negative integers.
pub fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_u64().unwrap_or_else(|| panic!("not an index: {x}")) as usize)
        .collect()
}

/// A JSON list of lists of non-negative integers (dependency lists).
pub fn usizes2(v: &Value) -> Vec<Vec<usize>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(usizes)
        .collect()
}

/// `[T; N]` from flat data.
pub fn arr1<T: Scalar, const N: usize>(flat: &[f64]) -> [T; N] {
    assert_eq!(flat.len(), N, "arr1: expected {N} values");
    core::array::from_fn(|i| T::from_f64(flat[i]))
}

/// `[[T; C]; R]` from row-major flat data.
pub fn arr2<T: Scalar, const R: usize, const C: usize>(flat: &[f64]) -> [[T; C]; R] {
    assert_eq!(flat.len(), R * C, "arr2: expected {R}x{C} values");
    core::array::from_fn(|i| core::array::from_fn(|j| T::from_f64(flat[i * C + j])))
}

/// `[[[T; K]; J]; I]` from row-major flat data.
pub fn arr3<T: Scalar, const I: usize, const J: usize, const K: usize>(
    flat: &[f64],
) -> [[[T; K]; J]; I] {
    assert_eq!(flat.len(), I * J * K, "arr3: expected {I}x{J}x{K} values");
    core::array::from_fn(|i| {
        core::array::from_fn(|j| core::array::from_fn(|k| T::from_f64(flat[(i * J + j) * K + k])))
    })
}

/// `[[[[T; L]; K]; J]; I]` from row-major flat data.
pub fn arr4<T: Scalar, const I: usize, const J: usize, const K: usize, const L: usize>(
    flat: &[f64],
) -> [[[[T; L]; K]; J]; I] {
    assert_eq!(
        flat.len(),
        I * J * K * L,
        "arr4: expected {I}x{J}x{K}x{L} values"
    );
    core::array::from_fn(|i| {
        core::array::from_fn(|j| {
            core::array::from_fn(|k| {
                core::array::from_fn(|l| T::from_f64(flat[((i * J + j) * K + k) * L + l]))
            })
        })
    })
}

/// The columns `A[:, j]` of a tensor of shape `(no, …)` given flat (row-major), `j` running
/// over the trailing axes in C order.
pub fn columns(flat: &[f64], no: usize) -> Vec<Vec<f64>> {
    assert_eq!(
        flat.len() % no,
        0,
        "columns: {} values, {no} rows",
        flat.len()
    );
    let joint = flat.len() / no;
    (0..joint)
        .map(|j| (0..no).map(|o| flat[o * joint + j]).collect())
        .collect()
}

/// The inverse of [`columns`]: lays columns out as a row-major `(no, …)` tensor.
pub fn from_columns(cols: &[Vec<f64>]) -> Vec<f64> {
    let no = cols.first().map_or(0, Vec::len);
    let mut out = vec![0.0; no * cols.len()];
    for (j, col) in cols.iter().enumerate() {
        assert_eq!(col.len(), no, "from_columns: ragged columns");
        for (o, &v) in col.iter().enumerate() {
            out[o * cols.len() + j] = v;
        }
    }
    out
}

/// Asserts `|got[i] − want[i]| <= tol` for every entry (NaN fails), naming `what` and the
/// first offending index.
///
/// With `ACTINF_TOL_REPORT` set, also prints the largest absolute and relative error of the
/// comparison (how the f32 tolerances were measured: e.g.
/// `ACTINF_TOL_REPORT=1 cargo test --test suite parity_states:: -- --nocapture f32`).
pub fn assert_close<T: Copy + Into<f64>>(got: &[T], want: &[f64], tol: f64, what: &str) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: got {} values, expected {}",
        got.len(),
        want.len()
    );
    if std::env::var_os("ACTINF_TOL_REPORT").is_some() {
        report_errors(got, want, tol, what);
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let g: f64 = g.into();
        let err = (g - w).abs();
        // `err <= tol` is false for a NaN, so a NaN fails too.
        assert!(
            err <= tol,
            "{what}[{i}]: got {g:e}, expected {w:e} (|diff| = {err:e} > tol {tol:e})\n  got:      {:?}\n  expected: {want:?}",
            got.iter().map(|&x| x.into()).collect::<Vec<f64>>()
        );
    }
}

/// Prints the largest absolute and relative error of `got` against `want` (one line,
/// `TOL_REPORT abs … rel … max|want| … tol … :: what`).
pub fn report_errors<T: Copy + Into<f64>>(got: &[T], want: &[f64], tol: f64, what: &str) {
    let (mut abs, mut rel, mut mag) = (0.0f64, 0.0f64, 0.0f64);
    for (&g, &w) in got.iter().zip(want) {
        let g: f64 = g.into();
        let err = (g - w).abs();
        abs = abs.max(err);
        rel = rel.max(err / w.abs().max(f64::MIN_POSITIVE));
        mag = mag.max(w.abs());
    }
    eprintln!("\nTOL_REPORT abs {abs:e} rel {rel:e} max|want| {mag:e} tol {tol:e} :: {what}");
}

/// Scalar version of [`assert_close`].
pub fn assert_close1<T: Copy + Into<f64>>(got: T, want: f64, tol: f64, what: &str) {
    assert_close(&[got], &[want], tol, what);
}

/// `[T; N]` from the array object at `path` (checked to have shape `(N,)`).
pub fn vec1<T: Scalar, const N: usize>(fx: &Value, path: &str) -> [T; N] {
    arr1(&data_shaped(at(fx, path), &[N]))
}

/// `[[T; C]; R]` from the array object at `path` (checked to have shape `(R, C)`).
pub fn ten2<T: Scalar, const R: usize, const C: usize>(fx: &Value, path: &str) -> [[T; C]; R] {
    arr2(&data_shaped(at(fx, path), &[R, C]))
}

/// `[[[T; K]; J]; I]` from the array object at `path` (checked to have shape `(I, J, K)`).
pub fn ten3<T: Scalar, const I: usize, const J: usize, const K: usize>(
    fx: &Value,
    path: &str,
) -> [[[T; K]; J]; I] {
    arr3(&data_shaped(at(fx, path), &[I, J, K]))
}

/// `[[[[T; L]; K]; J]; I]` from the array object at `path` (checked to have shape `(I, J, K, L)`).
pub fn ten4<T: Scalar, const I: usize, const J: usize, const K: usize, const L: usize>(
    fx: &Value,
    path: &str,
) -> [[[[T; L]; K]; J]; I] {
    arr4(&data_shaped(at(fx, path), &[I, J, K, L]))
}
