//! Bayesian model reduction and SPM's novelty weight against the SPM cross-validation data
//! pymdp ships (`test/matlab_crossval/output/{bmr_test_b, wnorm_a}.mat`), in f64 and f32, and
//! the reduction against a brute-force evidence computed by sequential prediction (Pólya urn),
//! which shares no code with `betaln`.

use crate::common;

use actinf::learn::reduction::{dirichlet_log_evidence, dirichlet_log_evidence_columns};
use actinf::maths::{NoveltyWeight, novelty_weight_in_place, wnorm_spm_in_place};
use actinf::{Problem, Tensor};
use common::{Scalar, array, at, load};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// Row-major `(rows, cols)` data as `cols` columns of `rows` entries, one after the other.
fn column_major(data: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    (0..cols)
        .flat_map(|j| (0..rows).map(move |i| data[i * cols + j]))
        .collect()
}

fn bmr_test_b<T: Scalar + actinf::Real>(tol_f: f64, tol_s: f64) {
    let fx = load("spm/bmr_test_b");
    let vars = at(&fx, "variables");
    let (_, q) = array(at(vars, "q_dir"));
    let (_, p) = array(at(vars, "p_dir"));
    let (rs, r) = array(at(vars, "r_dir"));
    let (_, f_want) = array(at(vars, "F"));
    let (_, s_want) = array(at(vars, "s_dir"));
    let (n, models) = (rs[0], rs[1]);
    assert_eq!((n, models, q.len(), p.len()), (8, 3, 8, 8));

    let conv = |x: &[f64]| {
        x.iter()
            .map(|&v| <T as Scalar>::from_f64(v))
            .collect::<Vec<T>>()
    };
    let (q, p) = (conv(&q), conv(&p));
    let r = conv(&column_major(&r, n, models));
    let mut s = vec![T::ZERO; n * models];
    let mut f = vec![T::ZERO; models];
    // q and p are one column shared by the three reduced priors (MATLAB broadcasting).
    dirichlet_log_evidence_columns(&q, &p, &r, n, &mut s, &mut f).unwrap();
    common::assert_close(&f, &f_want, tol_f, "F");
    common::assert_close(&s, &column_major(&s_want, n, models), tol_s, "s");
    // The two reduced priors that raise one concentration are favoured or not exactly as
    // SPM says (signs are the point of a reduction).
    assert!(f[0] < T::ZERO && f[1] < T::ZERO && f[2] > T::ZERO);

    // One column at a time gives the same numbers.
    for j in 0..models {
        let mut sj = vec![T::ZERO; n];
        let fj = dirichlet_log_evidence(&q, &p, &r[j * n..(j + 1) * n], &mut sj).unwrap();
        assert_eq!(fj, f[j]);
        assert_eq!(sj, &s[j * n..(j + 1) * n]);
    }
}

#[test]
fn bmr_matches_spm_f64() {
    bmr_test_b::<f64>(1e-12, 1e-15);
}

/// f32: inputs rounded to f32. `F` (|F| ≤ 1.2, a difference of `ln Γ` sums)
/// is within 1.3e-6 of SPM's doubles, `s` within 7.6e-8 (measured with
/// `ACTINF_TOL_REPORT`); the tolerances leave a factor ~4.
#[test]
fn bmr_matches_spm_f32() {
    bmr_test_b::<f32>(5e-6, 3e-7);
}

#[test]
fn s_matches_spm_bit_for_bit() {
    let fx = load("spm/bmr_test_b");
    let vars = at(&fx, "variables");
    let (_, q) = array(at(vars, "q_dir"));
    let (_, p) = array(at(vars, "p_dir"));
    let (_, r) = array(at(vars, "r_dir"));
    let (_, s_want) = array(at(vars, "s_dir"));
    let (mut s, mut f) = ([0.0; 24], [0.0; 3]);
    dirichlet_log_evidence_columns(&q, &p, &column_major(&r, 8, 3), 8, &mut s, &mut f).unwrap();
    assert_eq!(s.to_vec(), column_major(&s_want, 8, 3));
}

fn wnorm_a<T: Scalar + actinf::Real>(rel: f64) {
    let fx = load("spm/wnorm_a");
    let vars = at(&fx, "variables");
    let (shape, a) = array(at(vars, "A"));
    let (_, want) = array(at(vars, "result"));
    // spm_wnorm normalises over the first axis: row-major (10, 3, 5, 6) has 90 columns of 10.
    let (n, cols) = (shape[0], shape[1..].iter().product::<usize>());
    assert_eq!(n * cols, a.len());
    let a = column_major(&a, n, cols);
    let want = column_major(&want, n, cols);
    for j in 0..cols {
        let col = &a[j * n..(j + 1) * n];
        let mut w: Vec<T> = col.iter().map(|&v| <T as Scalar>::from_f64(v)).collect();
        wnorm_spm_in_place(&mut w);
        let mut masked = col
            .iter()
            .map(|&v| <T as Scalar>::from_f64(v))
            .collect::<Vec<T>>();
        novelty_weight_in_place(&mut masked, NoveltyWeight::Spm);
        for i in 0..n {
            let (got, exp): (f64, f64) = (w[i].into(), want[j * n + i]);
            assert!(
                (got - exp).abs() <= rel * exp.abs(),
                "column {j}, entry {i}: {got} vs SPM {exp}"
            );
            // every entry of A is positive, so the mask changes nothing
            assert_eq!(masked[i], w[i]);
        }
    }
}

#[test]
fn spm_wnorm_matches_spm_f64() {
    wnorm_a::<f64>(1e-13);
}

/// f32: the inputs rounded to f32; the largest relative error over the 900 entries is
/// 1.1e-7 (about one ulp), hence 5e-7.
#[test]
fn spm_wnorm_matches_spm_f32() {
    wnorm_a::<f32>(5e-7);
}

/// `ln p(y | Dir(α))` for a sequence `y` by sequential prediction: the predictive probability
/// of outcome `i` after counts `c` is `(αᵢ + cᵢ) / (Σα + Σc)`.
fn log_evidence_polya(alpha: &[f64], sequence: &[usize]) -> f64 {
    let mut counts = vec![0.0; alpha.len()];
    let total: f64 = alpha.iter().sum();
    let mut ln_p = 0.0;
    for (t, &y) in sequence.iter().enumerate() {
        ln_p += ((alpha[y] + counts[y]) / (total + t as f64)).ln();
        counts[y] += 1.0;
    }
    ln_p
}

#[test]
fn bmr_equals_brute_force_evidence_ratio() {
    let mut rng = SmallRng::seed_from_u64(7);
    for trial in 0..200 {
        let n = rng.random_range(2..7);
        let p: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..4.0)).collect();
        let r: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..4.0)).collect();
        let len = rng.random_range(0..30);
        let seq: Vec<usize> = (0..len).map(|_| rng.random_range(0..n)).collect();
        let mut q = p.clone();
        for &y in &seq {
            q[y] += 1.0;
        }
        let mut s = vec![0.0; n];
        let f = dirichlet_log_evidence(&q, &p, &r, &mut s).unwrap();
        let want = log_evidence_polya(&p, &seq) - log_evidence_polya(&r, &seq);
        assert!(
            (f - want).abs() < 1e-9 * (1.0 + want.abs()),
            "trial {trial}: F = {f}, brute force {want}"
        );
        // the reduced posterior is the reduced prior plus the same counts
        for i in 0..n {
            assert!((s[i] - (r[i] + q[i] - p[i])).abs() < 1e-12);
        }
    }
}

#[test]
fn a_zero_reduced_prior_excludes_an_unseen_outcome_exactly() {
    // Outcome 2 never occurs; the reduced prior rules it out. SPM drops zero concentrations
    // from ln B, which makes F the exact evidence ratio of the two priors.
    let p = [1.0, 2.0, 0.5];
    let r = [1.0, 2.0, 0.0];
    let seq = [0, 1, 1, 0, 1];
    let mut q = p;
    for &y in &seq {
        q[y] += 1.0;
    }
    let mut s = [0.0; 3];
    let f = dirichlet_log_evidence(&q, &p, &r, &mut s).unwrap();
    let want = log_evidence_polya(&p, &seq) - log_evidence_polya(&r[..2], &seq);
    assert!((f - want).abs() < 1e-12, "{f} vs {want}");
    assert!(f < 0.0);
    assert_eq!(s[2], 0.0);
}

#[test]
fn bad_input_is_a_typed_error() {
    let mut s = [0.0; 2];
    let e = dirichlet_log_evidence(&[1.0, f64::NAN], &[1.0, 1.0], &[1.0, 1.0], &mut s).unwrap_err();
    assert_eq!(e.tensor, Tensor::Reduction);
    assert_eq!(e.name, "q");
    assert!(matches!(e.problem, Problem::NotFinite { .. }));
    let e = dirichlet_log_evidence(&[1.0, 1.0], &[0.0, 0.0], &[1.0, 1.0], &mut s).unwrap_err();
    assert_eq!((e.name, e.problem), ("p", Problem::ZeroConcentration));
    let e = dirichlet_log_evidence(&[1.0, 1.0, 1.0], &[1.0, 1.0], &[1.0, 1.0], &mut s).unwrap_err();
    assert!(matches!(
        e.problem,
        Problem::WrongLength {
            expected: 2,
            found: 3
        }
    ));
    let e = dirichlet_log_evidence(&[1.0, 1.0], &[1.0, 1.0], &[1.0, -2.0], &mut s).unwrap_err();
    assert_eq!(e.name, "r");
    assert!(e.to_string().contains("negative"), "{e}");
    // nothing was written on error
    assert_eq!(s, [0.0; 2]);
    // a reduced posterior that vanishes everywhere: the reduced model explains nothing
    let f = dirichlet_log_evidence(&[1.0, 1.0], &[3.0, 3.0], &[1.0, 1.0], &mut s).unwrap();
    assert_eq!(f, f64::INFINITY);
}
