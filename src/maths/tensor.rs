//! Contractions of a tensor over several factors with their marginals (pymdp's `factor_dot`).
//!
//! A tensor over axes of sizes `n_1 … n_k` is a flat slice in C order (last axis fastest), as
//! pymdp stores the trailing axes of `A[m]` and `B[f]`. `q[k]` is the marginal along axis `k`.
//! These are the mean-field contractions state inference and planning are built on.

use super::real::Real;
use super::vector;

/// Most axes a contraction handles (the most factors a tensor may depend on).
pub const MAX_AXES: usize = 16;

/// The outer product of the marginals, in C order: `w_j = ∏_k q_k(s_k(j))` (pymdp
/// `spm_cross`). `out` must hold `∏_k |q_k|` values; an empty `q` gives `[1]`.
///
/// # Panics
/// If `out` is shorter than `∏_k |q_k|`.
///
/// ```
/// let mut w = [0.0f64; 6];
/// actinf::maths::outer_into(&[&[0.5, 0.5], &[0.2, 0.3, 0.5]], &mut w);
/// assert_eq!(w, [0.1, 0.15, 0.25, 0.1, 0.15, 0.25]);
/// ```
#[inline]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn outer_into<T: Real>(q: &[&[T]], out: &mut [T]) {
    match q {
        [] => {
            if let Some(o) = out.first_mut() {
                *o = T::ONE;
            }
        }
        [a] => out[..a.len()].copy_from_slice(a),
        [first, rest @ ..] => {
            // Expand in place from the back: entry `i` of the first `len` becomes the block
            // `i · n .. i · n + n` of the next.
            out[..first.len()].copy_from_slice(first);
            let mut len = first.len();
            for qk in rest {
                let n = qk.len();
                for i in (0..len).rev() {
                    let w = out[i];
                    for (s, &p) in qk.iter().enumerate().rev() {
                        out[i * n + s] = w * p;
                    }
                }
                len *= n;
            }
        }
    }
}

/// `Σ_j t_j ∏_k q_k(s_k(j))`: a scalar tensor contracted with every marginal. `joint` is
/// scratch space of at least `|t|` values.
///
/// # Panics
/// If `joint` is shorter than `t`, or `t` is shorter than `∏_k |q_k|`.
#[inline]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn contract<T: Real>(t: &[T], q: &[&[T]], joint: &mut [T]) -> T {
    match q {
        [] => t.first().copied().unwrap_or(T::ZERO),
        [a] => vector::dot(t, a),
        _ => {
            let j = t.len();
            outer_into(q, &mut joint[..j]);
            vector::dot(t, &joint[..j])
        }
    }
}

/// Mean-field messages of a scalar tensor: for every axis `k`,
/// `out_k(s) += w · Σ_{j : s_k(j) = s} t_j ∏_{g ≠ k} q_g(s_g(j))`
/// (pymdp's `factor_dot` of `t` with all other marginals, keeping axis `k`).
///
/// `out[k]` is added to at `offsets[k]` of the flat slice `out` (the axes' marginals live in
/// one flat belief vector, each at its own offset).
///
/// # Panics
/// If `offsets` has fewer entries than `q`, `out` ends before an axis's marginal, or `t` is
/// shorter than `∏_k |q_k|`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn messages_add<T: Real>(t: &[T], q: &[&[T]], offsets: &[usize], out: &mut [T]) {
    match q {
        [] => {}
        [a] => {
            let o = offsets[0];
            vector::axpy(T::ONE, t, &mut out[o..o + a.len()]);
        }
        [a, b] => {
            let (na, nb) = (a.len(), b.len());
            let (oa, ob) = (offsets[0], offsets[1]);
            for (i, row) in t.chunks_exact(nb).take(na).enumerate() {
                out[oa + i] += vector::dot(row, b);
            }
            vector::matvec_t_add(t, a, &mut out[ob..ob + nb]);
        }
        _ => messages_general(t, q, offsets, out),
    }
}

/// The transpose of a two-axis tensor `t` (row-major, rows of `nb` entries) into `out`:
/// `out[j·na + i] = t[i·nb + j]`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "`i < na`, `j < nb` and `out` holds `na · nb` entries (documented in the contract)"
)]
pub fn transpose_into<T: Copy>(t: &[T], nb: usize, out: &mut [T]) {
    let na = t.len() / nb.max(1);
    for (i, row) in t.chunks_exact(nb.max(1)).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            out[j * na + i] = v;
        }
    }
}

/// [`messages_add`] for a two-axis tensor `t` given also its transpose `tt`
/// ([`transpose_into`]): both messages are column mixes held in registers
/// (`t · b` would be a strided dot product per entry), computed into `scratch` (at least
/// `a.len() + b.len()` entries) and added to `out` at `offsets`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn messages_add_pair<T: Real>(
    t: &[T],
    tt: &[T],
    [a, b]: [&[T]; 2],
    [oa, ob]: [usize; 2],
    out: &mut [T],
    scratch: &mut [T],
) {
    let (ma, rest) = scratch.split_at_mut(a.len());
    let mb = &mut rest[..b.len()];
    vector::mix_columns(tt, b, ma);
    vector::mix_columns(t, a, mb);
    vector::axpy(T::ONE, ma, &mut out[oa..oa + a.len()]);
    vector::axpy(T::ONE, mb, &mut out[ob..ob + b.len()]);
}

/// Three or more axes: every entry's weight without axis `k` from prefix and suffix products.
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
fn messages_general<T: Real>(t: &[T], q: &[&[T]], offsets: &[usize], out: &mut [T]) {
    const MAX: usize = MAX_AXES;
    let k = q.len().min(MAX);
    let mut idx = [0usize; MAX];
    let mut prefix = [T::ONE; MAX + 1];
    let mut suffix = [T::ONE; MAX + 1];
    for &v in t {
        prefix[0] = T::ONE;
        for g in 0..k {
            prefix[g + 1] = prefix[g] * q[g][idx[g]];
        }
        suffix[k] = T::ONE;
        for g in (0..k).rev() {
            suffix[g] = suffix[g + 1] * q[g][idx[g]];
        }
        for g in 0..k {
            out[offsets[g] + idx[g]] += v * prefix[g] * suffix[g + 1];
        }
        // Next multi-index, last axis fastest.
        for g in (0..k).rev() {
            idx[g] += 1;
            if idx[g] < q[g].len() {
                break;
            }
            idx[g] = 0;
        }
    }
}

/// `y ← A · w`: a tensor of `y.len()` rows (the leading axis) over the joint parent states,
/// times the joint marginal `w` (pymdp's `factor_dot` keeping the leading axis, e.g. the
/// predicted outcomes `A_m · q`).
#[inline]
pub fn predict<T: Real>(a: &[T], w: &[T], y: &mut [T]) {
    vector::matvec(a, w, y);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_messages_match_the_general_kernel() {
        let qa = [0.2f64, 0.5, 0.3];
        let qb = [0.1f64, 0.6, 0.2, 0.1];
        let t: std::vec::Vec<f64> = (0..12).map(|i| (i as f64 * 0.71).cos()).collect();
        let mut tt = [0.0f64; 12];
        transpose_into(&t, 4, &mut tt);
        assert_eq!(tt[4 * 3 - 1], t[11]);
        assert_eq!(tt[3], t[1]);
        let mut want = [1.0f64; 7];
        messages_add(&t, &[&qa, &qb], &[0, 3], &mut want);
        let mut got = [1.0f64; 7];
        let mut scratch = [0.0f64; 7];
        messages_add_pair(&t, &tt, [&qa, &qb], [0, 3], &mut got, &mut scratch);
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} vs {w}");
        }
    }

    #[test]
    fn messages_match_brute_force() {
        let qa = [0.2f64, 0.8];
        let qb = [0.1f64, 0.6, 0.3];
        let qc = [0.5f64, 0.25, 0.125, 0.125];
        let t: std::vec::Vec<f64> = (0..24).map(|i| (i as f64 * 0.37).sin()).collect();
        let q: [&[f64]; 3] = [&qa, &qb, &qc];
        let mut out = [0.0f64; 9];
        messages_add(&t, &q, &[0, 2, 5], &mut out);
        let mut want = [0.0f64; 9];
        for i in 0..2 {
            for j in 0..3 {
                for k in 0..4 {
                    let v = t[i * 12 + j * 4 + k];
                    want[i] += v * qb[j] * qc[k];
                    want[2 + j] += v * qa[i] * qc[k];
                    want[5 + k] += v * qa[i] * qb[j];
                }
            }
        }
        for (a, b) in out.iter().zip(&want) {
            assert!((a - b).abs() < 1e-14);
        }
        // two axes through the fast path
        let mut out2 = [0.0f64; 5];
        messages_add(&t[..6], &q[..2], &[0, 2], &mut out2);
        let mut want2 = [0.0f64; 5];
        for i in 0..2 {
            for j in 0..3 {
                want2[i] += t[i * 3 + j] * qb[j];
                want2[2 + j] += t[i * 3 + j] * qa[i];
            }
        }
        for (a, b) in out2.iter().zip(&want2) {
            assert!((a - b).abs() < 1e-14);
        }
        let mut joint = [0.0f64; 24];
        let c = contract(&t, &q, &mut joint);
        let mut want_c = 0.0;
        for i in 0..2 {
            for j in 0..3 {
                for k in 0..4 {
                    want_c += t[i * 12 + j * 4 + k] * qa[i] * qb[j] * qc[k];
                }
            }
        }
        assert!((c - want_c).abs() < 1e-14);
    }
}
