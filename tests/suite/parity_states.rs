//! Parity with pymdp 1.0.4 (issue 2): the maths kernels (`maths_basic_a`, `maths_basic_b`),
//! one-step state inference (`infer_states_*`) and the SPM cross-validation cases
//! (`spm/dot_a`, `spm/dot_c`, `spm/cross_b`, `spm/cross_d`).
//!
//! Every expected number is read from a fixture; models are declared with `actinf::model!`
//! with the sizes and dependencies the fixture records (checked against it), and everything
//! is computed through the library's public API (`maths` kernels, `Model`, `DirichletA`,
//! `spec` layout tables, `inference`).
//!
//! Every case runs in f64 and in f32 (`*_f32`; tolerances [`TOL_F32`], [`TOL_F32_MATHS`],
//! [`TOL_F32_SPM`], measured with `ACTINF_TOL_REPORT`, see `tests/common/mod.rs`).
//!
//! The `vfe` / `vfe_components` outputs of the `infer_states_*` cases are compared in
//! `tests/parity_vfe.rs`.

use crate::common;

use actinf::config::NoveltyWeight;
use actinf::inference::likelihood;
use actinf::model::pymdp_order;
use actinf::nalgebra::{SMatrix, SVector};
use actinf::spec::{self, MAX_PARENTS, Spec, num_factors};
use actinf::{Belief, Categorical, DirichletA, Model, Real, inference, list, maths};
use common::*;
use serde_json::Value;

/// f64 parity tolerance (absolute). The fixtures README reports that an independent numpy
/// re-implementation agrees with pymdp to 1e-13; 1e-10 leaves room for summation order.
const TOL: f64 = 1e-10;

/// f32 tolerance (absolute) for the state-inference cases run in single precision. The inputs
/// are rounded to f32 (relative error ~6e-8); log-likelihoods of magnitude up to a few units
/// (and `ln MINVAL ≈ −36` for clipped entries) carry absolute errors of ~1e-7..1e-6, which
/// go through `exp`/softmax and up to 32 Jacobi sweeps. The largest posterior error observed
/// over the five cases (every `qs_by_num_iter` entry) is 2.7e-7 (6e-7 relative,
/// `infer_states_2f2m_full`); 1e-6 leaves a factor ~4 while any algorithmic difference
/// (which shows up at the 1e-3 level or more) still fails.
const TOL_F32: f64 = 1e-6;

/// f32 tolerance (absolute) for the elementary kernels of `maths_basic_*`. Their outputs
/// reach |40| (`ln MINVAL`, `spm_wnorm` of small counts, Dirichlet KLs of a few tensors'
/// columns); the largest error observed is 1.75e-5 on `dirichlet_kl_qA1_pA1 ≈ 40.3` (4e-7
/// relative); `spm_wnorm` differences of digammas lose the most relative accuracy (2.5e-5
/// relative on entries ≈ 0.5). 5e-5 leaves a factor ~3 on the largest.
const TOL_F32_MATHS: f64 = 5e-5;

/// f32 tolerance (absolute) for `spm/dot_*` and `spm/cross_*`: products and sums of a few
/// probabilities (largest error observed 2.1e-8).
const TOL_F32_SPM: f64 = 1e-7;

/// An `SVector` from a slice of exactly `N` values (rounded to `T`).
fn sv<T: Real + Scalar, const N: usize>(x: &[f64]) -> SVector<T, N> {
    assert_eq!(x.len(), N, "sv: expected {N} values");
    SVector::from_iterator(x.iter().map(|&v| T::lit(v)))
}

/// An `SVector` from the array object at `path`, checked to have shape `shape`.
fn sv_at<T: Real + Scalar, const N: usize>(
    fx: &Value,
    path: &str,
    shape: &[usize],
) -> SVector<T, N> {
    sv(&data_shaped(at(fx, path), shape))
}

/// A matrix flattened in row-major order (nalgebra stores column-major).
fn row_major<T: Real + Scalar, const R: usize, const C: usize>(m: &SMatrix<T, R, C>) -> Vec<f64> {
    (0..R)
        .flat_map(|r| (0..C).map(move |c| m[(r, c)].into()))
        .collect()
}

/// Applies a column map to every column `A[:, j]` of a row-major `(NO, …)` tensor; the
/// result has the same layout.
fn map_cols<T: Real + Scalar, const NO: usize>(
    flat: &[f64],
    f: impl Fn(&SVector<T, NO>) -> SVector<T, NO>,
) -> Vec<f64> {
    let cols: Vec<Vec<f64>> = columns(flat, NO)
        .iter()
        .map(|c| f(&sv::<T, NO>(c)).iter().map(|&x| x.into()).collect())
        .collect();
    from_columns(&cols)
}

/// Applies a column reduction to every column of a row-major `(NO, …)` tensor; the result
/// is row-major over the trailing axes.
fn reduce_cols<T: Real + Scalar, const NO: usize>(
    flat: &[f64],
    f: impl Fn(&SVector<T, NO>) -> T,
) -> Vec<f64> {
    columns(flat, NO)
        .iter()
        .map(|c| f(&sv::<T, NO>(c)).into())
        .collect()
}

/// `A_m · q`: modality `m`'s predicted outcomes under the mean-field joint of its parents'
/// marginals in `q` (pymdp `factor_dot` keeping the outcome axis).
fn predict<T: Real + Scalar, S: Spec>(model: &Model<T, S>, m: usize, q: &Belief<T, S>) -> Vec<f64> {
    let info = &spec::modalities::<S>()[m];
    let mut joint = vec![T::ZERO; info.parents.joint];
    q.joint(&info.parents, &mut joint);
    let mut qo = vec![T::ZERO; info.outcomes];
    maths::mix_columns(model.likelihood(m), &joint, &mut qo);
    qo.into_iter().map(Into::into).collect()
}

/// `o · A_m` over the outcome axis: one value per joint parent state (C order).
fn outcome_dot<T: Real + Scalar, S: Spec>(model: &Model<T, S>, m: usize, o: &[T]) -> Vec<T> {
    let info = &spec::modalities::<S>()[m];
    assert_eq!(
        o.len(),
        info.outcomes,
        "outcome_dot: {} outcomes",
        info.outcomes
    );
    // A[m] is stored by column: one dot product per joint parent state.
    model
        .likelihood(m)
        .chunks_exact(info.outcomes)
        .map(|col| maths::dot(col, o))
        .collect()
}

/// The one-hot vector `e_i`.
fn one_hot<T: Real, const N: usize>(i: usize) -> [T; N] {
    core::array::from_fn(|k| if k == i { T::ONE } else { T::ZERO })
}

/// `x` rounded to `T`.
fn cast<T: Real>(x: &[f64]) -> Vec<T> {
    x.iter().map(|&v| T::lit(v)).collect()
}

// ---------------------------------------------------------------------------------------
// maths_basic_a / maths_basic_b
// ---------------------------------------------------------------------------------------

/// Outputs of the elementary helpers (vectors of length `NX` for `x`, `NP` for `p`, `q`).
fn check_elementary<T: Real + Scalar, const NX: usize, const NP: usize>(case: &str, tol: f64) {
    let fx = load(case);
    let out = |k: &str| data(at(&fx, &format!("outputs/{k}")));
    let what = |k: &str| format!("{case}: {k}");

    assert_eq!(
        maths::MINVAL,
        num(at(&fx, "outputs/MINVAL")),
        "{case}: MINVAL"
    );

    let x = sv_at::<T, NX>(&fx, "inputs/x", &[NX]);
    assert_close(
        maths::softmax(&x).as_slice(),
        &out("softmax_vec"),
        tol,
        &what("softmax_vec"),
    );

    // softmax of a (3, 4) matrix along the last axis (rows) and along axis 0 (columns).
    let xm = data_shaped(at(&fx, "inputs/X"), &[3, 4]);
    let mut last = Vec::new();
    for r in 0..3 {
        let row = SVector::<T, 4>::from_fn(|c, _| T::lit(xm[r * 4 + c]));
        last.extend(maths::softmax(&row).iter().copied());
    }
    assert_close(
        &last,
        &out("softmax_mat_axis_last"),
        tol,
        &what("softmax_mat_axis_last"),
    );
    let mut axis0 = vec![T::ZERO; 12];
    for c in 0..4 {
        let col = SVector::<T, 3>::from_fn(|r, _| T::lit(xm[r * 4 + c]));
        for (r, v) in maths::softmax(&col).iter().enumerate() {
            axis0[r * 4 + c] = *v;
        }
    }
    assert_close(
        &axis0,
        &out("softmax_mat_axis0"),
        tol,
        &what("softmax_mat_axis0"),
    );

    let edge = data_shaped(at(&fx, "inputs/p_edge"), &[6]);
    let ls: Vec<T> = edge.iter().map(|&v| maths::log_stable(T::lit(v))).collect();
    assert_close(&ls, &out("log_stable_edge"), tol, &what("log_stable_edge"));
    let xl: Vec<T> = edge.iter().map(|&v| maths::xlogx(T::lit(v))).collect();
    assert_close(
        &xl,
        &out("stable_xlogx_edge"),
        tol,
        &what("stable_xlogx_edge"),
    );
    // xlogx(0) must be exactly 0 (pymdp: xlogy(0, ·) = 0).
    assert_eq!(maths::xlogx(T::lit(edge[0])), T::ZERO, "{case}: xlogx(0)");

    let p = sv_at::<T, NP>(&fx, "inputs/p", &[NP]);
    let q = sv_at::<T, NP>(&fx, "inputs/q", &[NP]);
    assert_close(
        p.map(maths::log_stable).as_slice(),
        &out("log_stable_p"),
        tol,
        &what("log_stable_p"),
    );
    let scalar = |k: &str| num(at(&fx, &format!("outputs/{k}")));
    assert_close1(
        maths::entropy(&p),
        scalar("stable_entropy_p"),
        tol,
        &what("stable_entropy_p"),
    );
    assert_close1(
        maths::cross_entropy(&p, &q),
        scalar("stable_cross_entropy_p_q"),
        tol,
        &what("stable_cross_entropy_p_q"),
    );
    assert_close1(
        maths::kl_divergence(&p, &q),
        scalar("kl_p_q"),
        tol,
        &what("kl_p_q"),
    );
    assert_close1(
        maths::kl_divergence(&q, &p),
        scalar("kl_q_p"),
        tol,
        &what("kl_q_p"),
    );

    // pymdp.legacy kl_div adds 1e-16 inside the logs instead of clipping at MINVAL; with
    // every entry of P_list / Q_list above 1e-2 the two differ by < 1e-14, so the sum of
    // actinf's per-factor KLs must match to TOL.
    let (p0, q0) = (
        sv_at::<T, 3>(&fx, "inputs/P_list/0", &[3]),
        sv_at::<T, 3>(&fx, "inputs/Q_list/0", &[3]),
    );
    let (p1, q1) = (
        sv_at::<T, 4>(&fx, "inputs/P_list/1", &[4]),
        sv_at::<T, 4>(&fx, "inputs/Q_list/1", &[4]),
    );
    let floor = T::lit(1e-2);
    assert!(p0.min() > floor && q0.min() > floor && p1.min() > floor && q1.min() > floor);
    assert_close1(
        maths::kl_divergence(&p0, &q0) + maths::kl_divergence(&p1, &q1),
        scalar("kl_factorised_legacy"),
        tol,
        &what("kl_factorised_legacy"),
    );

    // multidimensional_outer([a, b, c]) with shapes (2, 3, 2): (a ⊗ b) flattened row-major,
    // then ⊗ c, flattened row-major, is the (i, j, k) tensor in C order.
    let a = sv_at::<T, 2>(&fx, "inputs/outer_vectors/0", &[2]);
    let b = sv_at::<T, 3>(&fx, "inputs/outer_vectors/1", &[3]);
    let c = sv_at::<T, 2>(&fx, "inputs/outer_vectors/2", &[2]);
    let ab = sv::<T, 6>(&row_major(&maths::outer(&a, &b)));
    assert_close(
        &row_major(&maths::outer(&ab, &c)),
        &data_shaped(at(&fx, "outputs/multidimensional_outer"), &[2, 3, 2]),
        tol,
        &what("multidimensional_outer"),
    );
}

/// Declares, for one `maths_basic_*` case, a module with a one-factor model for `A1`
/// (`NO1` outcomes over `NS1` states) and a two-factor model for `A2`, `A3` (outcomes
/// over factors of `N0`, `N1` states), and the tests on them.
macro_rules! maths_case {
    (
        $module:ident, $file:literal,
        x: $nx:tt, p: $np:tt,
        a1: [$no1:tt, $ns1:tt],
        a2: [$no2:tt, $n0:tt, $n1:tt],
        a3: $no3:tt $(,)?
    ) => {
        mod $module {
            use super::*;

            actinf::model! {
                /// The model of `A1`: one factor, one modality.
                pub One {
                    factors { S1: $ns1 }
                    modalities { O1: $no1 depends_on [S1] }
                }
            }
            actinf::model! {
                /// The model of `A2` and `A3`: both modalities depend on both factors.
                pub Two {
                    factors { Fa: $n0, Fb: $n1 }
                    modalities { O2: $no2 depends_on [Fa, Fb], O3: $no3 depends_on [Fa, Fb] }
                }
            }

            const CASE: &str = $file;

            fn out(fx: &Value, k: &str) -> Vec<f64> {
                data(at(fx, &format!("outputs/{k}")))
            }
            fn what(k: &str) -> String {
                format!("{CASE}: {k}")
            }

            #[test]
            fn elementary_helpers() {
                check_elementary::<f64, $nx, $np>(CASE, TOL);
            }

            #[test]
            fn elementary_helpers_f32() {
                check_elementary::<f32, $nx, $np>(CASE, TOL_F32_MATHS);
            }

            #[test]
            fn one_factor_tensors() {
                one_factor_tensors_in::<f64>(TOL);
            }

            #[test]
            fn one_factor_tensors_f32() {
                one_factor_tensors_in::<f32>(TOL_F32_MATHS);
            }

            #[test]
            fn two_factor_tensors() {
                two_factor_tensors_in::<f64>(TOL);
            }

            #[test]
            fn two_factor_tensors_f32() {
                two_factor_tensors_in::<f32>(TOL_F32_MATHS);
            }

            /// `H_A1`, `spm_wnorm_*_pA1`, `dirichlet_*_pA1`, `factor_dot_A1_q`.
            fn one_factor_tensors_in<T: Real + Scalar>(tol: f64) {
                let fx = load(CASE);
                let a1 = data_shaped(at(&fx, "inputs/A1"), &[$no1, $ns1]);
                let pa1 = data_shaped(at(&fx, "inputs/pA1"), &[$no1, $ns1]);
                let qa1 = data_shaped(at(&fx, "inputs/qA1"), &[$no1, $ns1]);
                let model = Model::<T, One>::uniform()
                    .with_a::<O1>(&arr2::<T, $no1, $ns1>(&a1))
                    .unwrap();

                // Column entropies: the model's cache and maths::entropy per column.
                let want_h = out(&fx, "H_A1");
                assert_close(
                    model.column_entropies(0),
                    &want_h,
                    tol,
                    &what("H_A1 (Model::column_entropies)"),
                );
                let h = reduce_cols::<T, $no1>(&a1, |c| maths::entropy(c));
                assert_close(&h, &want_h, tol, &what("H_A1 (maths::entropy)"));

                assert_close(
                    &map_cols::<T, $no1>(&pa1, |c| maths::wnorm_exact(c)),
                    &out(&fx, "spm_wnorm_exact_pA1"),
                    tol,
                    &what("spm_wnorm_exact_pA1"),
                );
                let want_masked = out(&fx, "spm_wnorm_exact_masked_pA1");
                assert_close(
                    &map_cols::<T, $no1>(&pa1, |c| maths::novelty_weight(c, true)),
                    &want_masked,
                    tol,
                    &what("spm_wnorm_exact_masked_pA1 (maths::novelty_weight)"),
                );
                let pa = DirichletA::<T, One>::new(&list![arr2::<T, $no1, $ns1>(&pa1)]).unwrap();
                let w = pa.novelty(NoveltyWeight::Exact);
                assert_close(
                    &pymdp_order(w.modality(0), $no1).collect::<Vec<_>>(),
                    &want_masked,
                    tol,
                    &what("spm_wnorm_exact_masked_pA1 (DirichletA::novelty)"),
                );

                let kl: f64 = columns(&qa1, $no1)
                    .iter()
                    .zip(columns(&pa1, $no1))
                    .map(|(q, p)| maths::dirichlet_kl(&sv::<T, $no1>(q), &sv::<T, $no1>(&p)).into())
                    .sum();
                assert_close1(
                    kl,
                    num(at(&fx, "outputs/dirichlet_kl_qA1_pA1")),
                    tol,
                    &what("dirichlet_kl_qA1_pA1"),
                );

                let want_mean = out(&fx, "dirichlet_expected_value_pA1");
                assert_close(
                    &map_cols::<T, $no1>(&pa1, |c| maths::dirichlet_mean(c)),
                    &want_mean,
                    tol,
                    &what("dirichlet_expected_value_pA1 (maths::dirichlet_mean)"),
                );
                let mut learned = Model::<T, One>::uniform();
                pa.expected_into(&mut learned);
                assert_close(
                    &pymdp_order(learned.likelihood(0), $no1).collect::<Vec<_>>(),
                    &want_mean,
                    tol,
                    &what("dirichlet_expected_value_pA1 (DirichletA::expected_into)"),
                );

                let q = Belief::<T, One>::from_input_unchecked(list![vec1::<T, $ns1>(
                    &fx,
                    "inputs/q_for_A1"
                )]);
                let qo = predict(&model, 0, &q);
                assert_close(
                    &qo,
                    &out(&fx, "factor_dot_A1_q"),
                    tol,
                    &what("factor_dot_A1_q"),
                );
            }

            /// `H_A2`, `spm_wnorm_*_pA2`, `dirichlet_*_pA2`, `factor_dot_A2_*`,
            /// `log_likelihood_*`.
            fn two_factor_tensors_in<T: Real + Scalar>(tol: f64) {
                let fx = load(CASE);
                let a2 = data_shaped(at(&fx, "inputs/A2"), &[$no2, $n0, $n1]);
                let a3 = data_shaped(at(&fx, "inputs/A3"), &[$no3, $n0, $n1]);
                let pa2 = data_shaped(at(&fx, "inputs/pA2"), &[$no2, $n0, $n1]);
                let qa2 = data_shaped(at(&fx, "inputs/qA2"), &[$no2, $n0, $n1]);
                let model = Model::<T, Two>::uniform()
                    .with_a::<O2>(&arr3::<T, $no2, $n0, $n1>(&a2))
                    .unwrap()
                    .with_a::<O3>(&arr3::<T, $no3, $n0, $n1>(&a3))
                    .unwrap();

                let want_h = out(&fx, "H_A2");
                assert_close(
                    model.column_entropies(0),
                    &want_h,
                    tol,
                    &what("H_A2 (Model::column_entropies)"),
                );
                assert_close(
                    &reduce_cols::<T, $no2>(&a2, |c| maths::entropy(c)),
                    &want_h,
                    tol,
                    &what("H_A2 (maths::entropy)"),
                );

                assert_close(
                    &map_cols::<T, $no2>(&pa2, |c| maths::wnorm_exact(c)),
                    &out(&fx, "spm_wnorm_exact_pA2"),
                    tol,
                    &what("spm_wnorm_exact_pA2"),
                );
                assert_close(
                    &map_cols::<T, $no2>(&pa2, |c| maths::wnorm_heuristic(c)),
                    &out(&fx, "spm_wnorm_legacy_pA2"),
                    tol,
                    &what("spm_wnorm_legacy_pA2"),
                );

                let kl: f64 = columns(&qa2, $no2)
                    .iter()
                    .zip(columns(&pa2, $no2))
                    .map(|(q, p)| maths::dirichlet_kl(&sv::<T, $no2>(q), &sv::<T, $no2>(&p)).into())
                    .sum();
                assert_close1(
                    kl,
                    num(at(&fx, "outputs/dirichlet_kl_qA2_pA2")),
                    tol,
                    &what("dirichlet_kl_qA2_pA2"),
                );

                let want_mean = out(&fx, "dirichlet_expected_value_pA2");
                assert_close(
                    &map_cols::<T, $no2>(&pa2, |c| maths::dirichlet_mean(c)),
                    &want_mean,
                    tol,
                    &what("dirichlet_expected_value_pA2 (maths::dirichlet_mean)"),
                );
                // pA3 is not part of the fixture: A3 itself (normalised) stands in for it.
                let mut learned = Model::<T, Two>::uniform();
                DirichletA::<T, Two>::new(&list![
                    arr3::<T, $no2, $n0, $n1>(&pa2),
                    arr3::<T, $no3, $n0, $n1>(&a3)
                ])
                .unwrap()
                .expected_into(&mut learned);
                assert_close(
                    &pymdp_order(learned.likelihood(0), $no2).collect::<Vec<_>>(),
                    &want_mean,
                    tol,
                    &what("dirichlet_expected_value_pA2 (DirichletA::expected_into)"),
                );

                // factor_dot
                let qs = Belief::<T, Two>::from_input_unchecked(list![
                    vec1::<T, $n0>(&fx, "inputs/qs2/0"),
                    vec1::<T, $n1>(&fx, "inputs/qs2/1")
                ]);
                let o2 = data_shaped(at(&fx, "inputs/o2"), &[$no2]);
                let qo = predict(&model, 0, &qs);
                assert_close(
                    &qo,
                    &out(&fx, "factor_dot_A2_qs_keep0"),
                    tol,
                    &what("factor_dot_A2_qs_keep0 (Belief::joint + maths::matvec)"),
                );
                // o2 · A2 over the outcome axis, then contracted with both factors.
                let info2 = &spec::modalities::<Two>()[0];
                let oa = outcome_dot(&model, 0, &cast::<T>(&o2));
                let mut marg: [&[T]; MAX_PARENTS] = [&[]; MAX_PARENTS];
                let np = qs.parent_marginals(&info2.parents, &mut marg);
                let mut scratch = vec![T::ZERO; info2.parents.joint];
                assert_close1(
                    maths::contract(&oa, &marg[..np], &mut scratch),
                    num(at(&fx, "outputs/factor_dot_A2_all")),
                    tol,
                    &what("factor_dot_A2_all (maths::contract)"),
                );
                // keep factor a: Σ_{s_b} (o2·A2)[s_a, s_b] q_b(s_b), the mean-field message
                // to factor a.
                let fs2 = spec::factors::<Two>();
                let offsets: Vec<usize> =
                    info2.parents.ids().iter().map(|&f| fs2[f].offset).collect();
                let mut msgs = vec![T::ZERO; spec::layout::<Two>().states];
                maths::messages_add(&oa, &marg[..np], &offsets, &mut msgs);
                assert_close(
                    &msgs[fs2[0].range()],
                    &out(&fx, "factor_dot_A2_keep1"),
                    tol,
                    &what("factor_dot_A2_keep1 (maths::messages_add)"),
                );
                // keep outcomes and factor b: column j is A2 · (q_a, e_j).
                let mut keep02 = vec![0.0; $no2 * $n1];
                for j in 0..$n1 {
                    let q = Belief::<T, Two>::from_input_unchecked(list![
                        vec1::<T, $n0>(&fx, "inputs/qs2/0"),
                        one_hot::<T, $n1>(j)
                    ]);
                    let col = predict(&model, 0, &q);
                    for o in 0..$no2 {
                        keep02[o * $n1 + j] = col[o];
                    }
                }
                assert_close(
                    &keep02,
                    &out(&fx, "factor_dot_A2_keep0_2"),
                    tol,
                    &what("factor_dot_A2_keep0_2"),
                );

                // log-likelihoods from the model's cached ln A
                let obs = [
                    at(&fx, "inputs/obs_idx_A2").as_u64().unwrap() as usize,
                    at(&fx, "inputs/obs_idx_A3").as_u64().unwrap() as usize,
                ];
                let ll0: Vec<T> = likelihood::index_row(&model, 0, obs[0]).collect();
                let ll1: Vec<T> = likelihood::index_row(&model, 1, obs[1]).collect();
                assert_close(
                    &ll0,
                    &out(&fx, "log_likelihood_A2_discrete"),
                    tol,
                    &what("log_likelihood_A2_discrete"),
                );
                let joint: Vec<T> = ll0.iter().zip(&ll1).map(|(&x, &y)| x + y).collect();
                assert_close(
                    &joint,
                    &out(&fx, "log_likelihood_joint_A2_A3_discrete"),
                    tol,
                    &what("log_likelihood_joint_A2_A3_discrete"),
                );
                let o = Categorical::<T, Two>::new(list![
                    vec1::<T, $no2>(&fx, "inputs/o2"),
                    [T::lit(1.0 / $no3 as f64); $no3]
                ])
                .unwrap();
                let mut lc = likelihood::zero_tensors::<T, Two>();
                likelihood::categorical_into(&model, &o, &mut lc);
                assert_close(
                    &lc[spec::modalities::<Two>()[0].tensor_range()],
                    &out(&fx, "log_likelihood_A2_distr"),
                    tol,
                    &what("log_likelihood_A2_distr"),
                );
            }
        }
    };
}

maths_case!(maths_basic_a, "maths_basic_a", x: 5, p: 5, a1: [4, 3], a2: [3, 2, 3], a3: 2);
maths_case!(maths_basic_b, "maths_basic_b", x: 7, p: 7, a1: [5, 2], a2: [4, 3, 2], a3: 2);

// ---------------------------------------------------------------------------------------
// infer_states_*
// ---------------------------------------------------------------------------------------

/// Checks the fixture's recorded structure against the model declared for it.
fn check_structure<S: Spec>(fx: &Value, a_deps: &[&[usize]]) {
    let states: Vec<usize> = spec::factors::<S>().iter().map(|f| f.states).collect();
    assert_eq!(states.len(), num_factors::<S>(), "number of factors");
    assert_eq!(usizes(at(fx, "inputs/num_states")), states, "num_states");
    let outcomes: Vec<usize> = spec::modalities::<S>().iter().map(|m| m.outcomes).collect();
    assert_eq!(
        outcomes.len(),
        spec::num_modalities::<S>(),
        "number of modalities"
    );
    assert_eq!(usizes(at(fx, "inputs/num_obs")), outcomes, "num_obs");
    let deps: Vec<Vec<usize>> = a_deps.iter().map(|d| d.to_vec()).collect();
    assert_eq!(
        usizes2(at(fx, "inputs/A_dependencies")),
        deps,
        "A_dependencies"
    );
    let declared: Vec<Vec<usize>> = spec::modalities::<S>()
        .iter()
        .map(|m| m.parents.ids().to_vec())
        .collect();
    assert_eq!(declared, deps, "A_dependencies of the declared model");
}

/// Compares every factor of `q` with the list of arrays `want`.
fn check_qs<T: Real + Scalar, S: Spec>(q: &Belief<T, S>, want: &Value, tol: f64, what: &str) {
    let want = want.as_array().expect("a list of per-factor arrays");
    assert_eq!(want.len(), num_factors::<S>(), "{what}: number of factors");
    for (f, w) in want.iter().enumerate() {
        let w = data_shaped(w, &[spec::factors::<S>()[f].states]);
        assert_close(q.factor(f), &w, tol, &format!("{what}, factor {f}"));
    }
}

/// Checks `qs` (at the fixture's `num_iter`) and every entry of `qs_by_num_iter`.
fn check_fpi<T: Real + Scalar, S: Spec>(
    fx: &Value,
    tol: f64,
    case: &str,
    infer: impl Fn(usize) -> Belief<T, S>,
) {
    let n = at(fx, "params/num_iter").as_u64().unwrap() as usize;
    check_qs(&infer(n), at(fx, "outputs/qs"), tol, &format!("{case}: qs"));
    let by = at(fx, "outputs/qs_by_num_iter").as_object().unwrap();
    assert!(!by.is_empty(), "{case}: empty qs_by_num_iter");
    for (k, want) in by {
        let n: usize = k.parse().unwrap();
        let what = format!("{case}: qs_by_num_iter[{n}]");
        check_qs(&infer(n), want, tol, &what);
    }
}

fn observation<const M: usize>(fx: &Value) -> [usize; M] {
    usizes(at(fx, "inputs/observation")).try_into().unwrap()
}

mod m_1f1m {
    actinf::model! {
        /// `infer_states_1f1m`: 3 states, 4 outcomes.
        pub M {
            factors { F0: 3 }
            modalities { O0: 4 depends_on [F0] }
        }
    }
}

fn run_1f1m<T: Real + Scalar>(tol: f64) {
    use m_1f1m::*;
    let case = "infer_states_1f1m";
    let fx = load(case);
    check_structure::<M>(&fx, &[&[0]]);
    let model = Model::<T, M>::uniform()
        .with_a::<O0>(&ten2::<T, 4, 3>(&fx, "inputs/A/0"))
        .unwrap();
    let prior = Belief::<T, M>::new(list![vec1::<T, 3>(&fx, "inputs/empirical_prior/0")]).unwrap();
    let obs = observation::<1>(&fx);
    check_fpi(&fx, tol, case, |n| {
        inference::infer_states(&model, &obs, &prior, n).unwrap()
    });
}

#[test]
fn infer_states_1f1m_f64() {
    run_1f1m::<f64>(TOL);
}

#[test]
fn infer_states_1f1m_f32() {
    run_1f1m::<f32>(TOL_F32);
}

mod m_2f2m {
    actinf::model! {
        /// `infer_states_2f2m_full`: both modalities depend on both factors.
        pub M {
            factors { F0: 2, F1: 3 }
            modalities { O0: 4 depends_on [F0, F1], O1: 3 depends_on [F0, F1] }
        }
    }
}

fn run_2f2m<T: Real + Scalar>(tol: f64) {
    use m_2f2m::*;
    let case = "infer_states_2f2m_full";
    let fx = load(case);
    check_structure::<M>(&fx, &[&[0, 1], &[0, 1]]);
    let model = Model::<T, M>::uniform()
        .with_a::<O0>(&ten3::<T, 4, 2, 3>(&fx, "inputs/A/0"))
        .unwrap()
        .with_a::<O1>(&ten3::<T, 3, 2, 3>(&fx, "inputs/A/1"))
        .unwrap();
    let prior = Belief::<T, M>::new(list![
        vec1::<T, 2>(&fx, "inputs/empirical_prior/0"),
        vec1::<T, 3>(&fx, "inputs/empirical_prior/1")
    ])
    .unwrap();
    let obs = observation::<2>(&fx);
    check_fpi(&fx, tol, case, |n| {
        inference::infer_states(&model, &obs, &prior, n).unwrap()
    });
}

#[test]
fn infer_states_2f2m_full_f64() {
    run_2f2m::<f64>(TOL);
}

#[test]
fn infer_states_2f2m_full_f32() {
    run_2f2m::<f32>(TOL_F32);
}

mod m_3f {
    actinf::model! {
        /// `infer_states_3f_sparse`: modality 0 <- factor 0, modality 1 <- factors 1, 2.
        pub M {
            factors { F0: 2, F1: 3, F2: 2 }
            modalities { O0: 3 depends_on [F0], O1: 4 depends_on [F1, F2] }
        }
    }
}

fn run_3f<T: Real + Scalar>(tol: f64) {
    use m_3f::*;
    let case = "infer_states_3f_sparse";
    let fx = load(case);
    check_structure::<M>(&fx, &[&[0], &[1, 2]]);
    let model = Model::<T, M>::uniform()
        .with_a::<O0>(&ten2::<T, 3, 2>(&fx, "inputs/A/0"))
        .unwrap()
        .with_a::<O1>(&ten3::<T, 4, 3, 2>(&fx, "inputs/A/1"))
        .unwrap();
    let prior = Belief::<T, M>::new(list![
        vec1::<T, 2>(&fx, "inputs/empirical_prior/0"),
        vec1::<T, 3>(&fx, "inputs/empirical_prior/1"),
        vec1::<T, 2>(&fx, "inputs/empirical_prior/2")
    ])
    .unwrap();
    let obs = observation::<2>(&fx);
    check_fpi(&fx, tol, case, |n| {
        inference::infer_states(&model, &obs, &prior, n).unwrap()
    });
}

#[test]
fn infer_states_3f_sparse_f64() {
    run_3f::<f64>(TOL);
}

#[test]
fn infer_states_3f_sparse_f32() {
    run_3f::<f32>(TOL_F32);
}

mod m_cat {
    actinf::model! {
        /// `infer_states_categorical_obs`: modality 1 depends on factor 1 only.
        pub M {
            factors { F0: 2, F1: 3 }
            modalities { O0: 4 depends_on [F0, F1], O1: 3 depends_on [F1] }
        }
    }
}

fn run_categorical<T: Real + Scalar>(tol: f64) {
    use m_cat::*;
    let case = "infer_states_categorical_obs";
    let fx = load(case);
    check_structure::<M>(&fx, &[&[0, 1], &[1]]);
    let model = Model::<T, M>::uniform()
        .with_a::<O0>(&ten3::<T, 4, 2, 3>(&fx, "inputs/A/0"))
        .unwrap()
        .with_a::<O1>(&ten2::<T, 3, 3>(&fx, "inputs/A/1"))
        .unwrap();
    let prior = Belief::<T, M>::new(list![
        vec1::<T, 2>(&fx, "inputs/empirical_prior/0"),
        vec1::<T, 3>(&fx, "inputs/empirical_prior/1")
    ])
    .unwrap();
    let obs = Categorical::<T, M>::new(list![
        vec1::<T, 4>(&fx, "inputs/observation/0"),
        vec1::<T, 3>(&fx, "inputs/observation/1")
    ])
    .unwrap();
    check_fpi(&fx, tol, case, |n| {
        inference::infer_states_categorical(&model, &obs, &prior, n).unwrap()
    });
}

#[test]
fn infer_states_categorical_obs_f64() {
    run_categorical::<f64>(TOL);
}

#[test]
fn infer_states_categorical_obs_f32() {
    run_categorical::<f32>(TOL_F32);
}

mod m_bdeps {
    actinf::model! {
        /// `infer_states_bdeps`: factor 1's transition depends on factors 0 and 1.
        pub M {
            factors {
                F0: 2 controlled_by 2,
                F1: 3 controlled_by 2 depends_on [F0, F1],
            }
            modalities { O0: 3 depends_on [F0], O1: 4 depends_on [F0, F1] }
        }
    }
}

fn run_bdeps<T: Real + Scalar>(tol: f64) {
    use m_bdeps::*;
    let case = "infer_states_bdeps";
    let fx = load(case);
    check_structure::<M>(&fx, &[&[0], &[0, 1]]);
    assert_eq!(
        usizes2(at(&fx, "inputs/B_dependencies")),
        vec![vec![0], vec![0, 1]],
        "B_dependencies"
    );
    assert_eq!(
        usizes(at(&fx, "inputs/num_controls")),
        vec![2, 2],
        "num_controls"
    );
    let model = Model::<T, M>::uniform()
        .with_a::<O0>(&ten2::<T, 3, 2>(&fx, "inputs/A/0"))
        .unwrap()
        .with_a::<O1>(&ten3::<T, 4, 2, 3>(&fx, "inputs/A/1"))
        .unwrap()
        .with_b(&list![
            ten3::<T, 2, 2, 2>(&fx, "inputs/B/0"),
            ten4::<T, 3, 2, 3, 2>(&fx, "inputs/B/1")
        ])
        .unwrap();
    let qs_prev = Belief::<T, M>::new(list![
        vec1::<T, 2>(&fx, "inputs/qs_prev/0"),
        vec1::<T, 3>(&fx, "inputs/qs_prev/1")
    ])
    .unwrap();
    let action: [usize; 2] = usizes(at(&fx, "inputs/action")).try_into().unwrap();
    let prior = inference::update_empirical_prior(&model, &action, &qs_prev).unwrap();
    check_qs(
        &prior,
        at(&fx, "outputs/empirical_prior"),
        tol,
        &format!("{case}: empirical_prior"),
    );
    let n = at(&fx, "params/num_iter").as_u64().unwrap() as usize;
    let qs = inference::infer_states(&model, &observation::<2>(&fx), &prior, n).unwrap();
    check_qs(&qs, at(&fx, "outputs/qs"), tol, &format!("{case}: qs"));
}

#[test]
fn infer_states_bdeps_f64() {
    run_bdeps::<f64>(TOL);
}

#[test]
fn infer_states_bdeps_f32() {
    run_bdeps::<f32>(TOL_F32);
}

// ---------------------------------------------------------------------------------------
// SPM cross-validation (spm_dot, spm_cross); `o` and `s` are one-hot vectors here.
// ---------------------------------------------------------------------------------------

mod m_dot_a {
    actinf::model! {
        /// `spm/dot_a`: A is (3, 2).
        pub M {
            factors { S0: 2 }
            modalities { O: 3 depends_on [S0] }
        }
    }
}

#[test]
fn spm_dot_a() {
    spm_dot_a_in::<f64>(TOL);
}

#[test]
fn spm_dot_a_f32() {
    spm_dot_a_in::<f32>(TOL_F32_SPM);
}

fn spm_dot_a_in<T: Real + Scalar>(tol: f64) {
    use m_dot_a::*;
    let fx = load("spm/dot_a");
    let v = at(&fx, "variables");
    let a = data_shaped(at(v, "A"), &[3, 2]);
    let model = Model::<T, M>::uniform()
        .with_a::<O>(&arr2::<T, 3, 2>(&a))
        .unwrap();
    let o = sv::<T, 3>(&data_shaped(at(v, "o"), &[3, 1]));
    let s = data_shaped(at(v, "s"), &[1, 2]);

    // result1 = o · A over the outcome axis, (1, 2).
    let want1 = data_shaped(at(v, "result1"), &[1, 2]);
    let r1 = outcome_dot(&model, 0, o.as_slice());
    assert_close(&r1, &want1, tol, "spm/dot_a: result1 (o·A)");
    // o is one-hot, so o · A is also exp of the index log-likelihood.
    let idx = o.iter().position(|&x| x == T::ONE).expect("one-hot o");
    let e1: Vec<T> = likelihood::index_row(&model, 0, idx)
        .map(|x| x.exp())
        .collect();
    assert_close(&e1, &want1, tol, "spm/dot_a: result1 (exp ll)");

    // result2 = A · s, (3, 1).
    let q = Belief::<T, M>::from_input_unchecked(list![arr1::<T, 2>(&s)]);
    let r2 = predict(&model, 0, &q);
    assert_close(
        &r2,
        &data_shaped(at(v, "result2"), &[3, 1]),
        tol,
        "spm/dot_a: result2 (A·s)",
    );

    // result3 = A with factor 0 left out of the contraction: column i is A · e_i.
    let mut r3 = vec![0.0; 3 * 2];
    for i in 0..2 {
        let q = Belief::<T, M>::from_input_unchecked(list![one_hot::<T, 2>(i)]);
        let col = predict(&model, 0, &q);
        for o in 0..3 {
            r3[o * 2 + i] = col[o];
        }
    }
    assert_close(
        &r3,
        &data_shaped(at(v, "result3"), &[3, 2]),
        tol,
        "spm/dot_a: result3",
    );
}

mod m_dot_c {
    actinf::model! {
        /// `spm/dot_c`: A is (3, 2, 4).
        pub M {
            factors { S0: 2, S1: 4 }
            modalities { O: 3 depends_on [S0, S1] }
        }
    }
}

#[test]
fn spm_dot_c() {
    spm_dot_c_in::<f64>(TOL);
}

#[test]
fn spm_dot_c_f32() {
    spm_dot_c_in::<f32>(TOL_F32_SPM);
}

fn spm_dot_c_in<T: Real + Scalar>(tol: f64) {
    use m_dot_c::*;
    let fx = load("spm/dot_c");
    let v = at(&fx, "variables");
    let a = data_shaped(at(v, "A"), &[3, 2, 4]);
    let model = Model::<T, M>::uniform()
        .with_a::<O>(&arr3::<T, 3, 2, 4>(&a))
        .unwrap();
    let o = sv::<T, 3>(&data_shaped(at(v, "o"), &[3, 1]));
    let s0 = data_shaped(at(v, "s/cells/0"), &[1, 2]);
    let s1 = data_shaped(at(v, "s/cells/1"), &[1, 4]);

    // result1 = o · A, (2, 4).
    let want1 = data_shaped(at(v, "result1"), &[2, 4]);
    let r1 = outcome_dot(&model, 0, o.as_slice());
    assert_close(&r1, &want1, tol, "spm/dot_c: result1 (o·A)");
    let idx = o.iter().position(|&x| x == T::ONE).expect("one-hot o");
    let e1: Vec<T> = likelihood::index_row(&model, 0, idx)
        .map(|x| x.exp())
        .collect();
    assert_close(&e1, &want1, tol, "spm/dot_c: result1 (exp ll)");

    // result2 = A contracted with both factors, (3, 1).
    let q = Belief::<T, M>::from_input_unchecked(list![arr1::<T, 2>(&s0), arr1::<T, 4>(&s1)]);
    let r2 = predict(&model, 0, &q);
    assert_close(
        &r2,
        &data_shaped(at(v, "result2"), &[3, 1]),
        tol,
        "spm/dot_c: result2",
    );

    // result3 = A contracted with every factor but factor 0, (3, 2).
    let mut r3 = vec![0.0; 3 * 2];
    for i in 0..2 {
        let q = Belief::<T, M>::from_input_unchecked(list![one_hot::<T, 2>(i), arr1::<T, 4>(&s1)]);
        let col = predict(&model, 0, &q);
        for o in 0..3 {
            r3[o * 2 + i] = col[o];
        }
    }
    assert_close(
        &r3,
        &data_shaped(at(v, "result3"), &[3, 2]),
        tol,
        "spm/dot_c: result3",
    );
}

#[test]
fn spm_cross_b() {
    spm_cross_b_in::<f64>(TOL);
}

#[test]
fn spm_cross_b_f32() {
    spm_cross_b_in::<f32>(TOL_F32_SPM);
}

fn spm_cross_b_in<T: Real + Scalar>(tol: f64) {
    let fx = load("spm/cross_b");
    let v = at(&fx, "variables");
    let s0 = sv::<T, 5>(&data_shaped(at(v, "s/cells/0"), &[5, 1]));
    let s1 = sv::<T, 2>(&data_shaped(at(v, "s/cells/1"), &[2, 1]));
    let got = row_major(&maths::outer(&s0, &s1));
    for k in ["result1", "result2"] {
        assert_close(
            &got,
            &data_shaped(at(v, k), &[5, 2]),
            tol,
            &format!("spm/cross_b: {k}"),
        );
    }
}

#[test]
fn spm_cross_d() {
    spm_cross_d_in::<f64>(TOL);
}

#[test]
fn spm_cross_d_f32() {
    spm_cross_d_in::<f32>(TOL_F32_SPM);
}

fn spm_cross_d_in<T: Real + Scalar>(tol: f64) {
    let fx = load("spm/cross_d");
    let v = at(&fx, "variables");
    let r = sv::<T, 5>(&data_shaped(at(v, "random_vec"), &[5, 1]));
    let s0 = sv::<T, 4>(&data_shaped(at(v, "s/cells/0"), &[4, 1]));
    let s1 = sv::<T, 3>(&data_shaped(at(v, "s/cells/1"), &[3, 1]));
    let s2 = sv::<T, 2>(&data_shaped(at(v, "s/cells/2"), &[2, 1]));
    // r ⊗ s0 ⊗ s1 ⊗ s2, each outer product flattened row-major before the next.
    let x = sv::<T, 20>(&row_major(&maths::outer(&r, &s0)));
    let x = sv::<T, 60>(&row_major(&maths::outer(&x, &s1)));
    let got = row_major(&maths::outer(&x, &s2));
    assert_close(
        &got,
        &data_shaped(at(v, "result1"), &[5, 4, 3, 2]),
        tol,
        "spm/cross_d: result1",
    );
}
