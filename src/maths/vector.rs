//! Kernels over slices: `ln`, `exp`, softmax, sums, dot products, matrix–vector products.
//!
//! Every kernel runs on the scalar's SIMD [`Pack`] (8 `f32` or 4 `f64` lanes), the tail of a
//! slice in a padded pack, so an element's result does not depend on where it sits. Sums are
//! accumulated lane-wise and reduced pairwise: the order is fixed, so results are
//! reproducible bit for bit, and differ from a sequential sum only in the last bits.

use super::real::{Pack, Real};

#[cfg_attr(not(debug_assertions), inline(always))]
fn lanes<T: Real>() -> usize {
    <T::Pack as Pack<T>>::LANES
}

/// `x ← ln(max(x, MINVAL))` entrywise (pymdp's `log_stable`).
///
/// ```
/// let mut x = [0.0f64, 1.0, core::f64::consts::E];
/// actinf::maths::log_stable_in_place(&mut x);
/// assert_eq!(x[1], 0.0);
/// assert!((x[0] - actinf::maths::MINVAL.ln()).abs() < 1e-12 && (x[2] - 1.0).abs() < 1e-15);
/// ```
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn log_stable_in_place<T: Real>(x: &mut [T]) {
    let floor = T::Pack::splat(T::MINVAL);
    for c in x.chunks_mut(lanes::<T>()) {
        T::Pack::load(c, T::ONE).max(floor).ln().store(c);
    }
}

/// `out ← ln(max(x, MINVAL))` entrywise (`out` and `x` of equal length).
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn log_stable_into<T: Real>(x: &[T], out: &mut [T]) {
    let floor = T::Pack::splat(T::MINVAL);
    for (c, o) in x.chunks(lanes::<T>()).zip(out.chunks_mut(lanes::<T>())) {
        T::Pack::load(c, T::ONE).max(floor).ln().store(o);
    }
}

/// `x ← exp(x)` entrywise.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn exp_in_place<T: Real>(x: &mut [T]) {
    for c in x.chunks_mut(lanes::<T>()) {
        T::Pack::load(c, T::ZERO).exp().store(c);
    }
}

/// The largest entry (`-∞` for an empty slice).
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn max<T: Real>(x: &[T]) -> T {
    let ninf = -T::max_value().unwrap_or(T::ONE);
    let n = lanes::<T>();
    if x.len() < n {
        return x.iter().fold(ninf, |m, &v| if v > m { v } else { m });
    }
    let mut m = T::Pack::splat(ninf);
    let chunks = x.chunks_exact(n);
    let tail = chunks.remainder();
    for c in chunks {
        m = m.max(T::Pack::load(c, ninf));
    }
    let mut r = m.max_lane();
    for &v in tail {
        if v > r {
            r = v;
        }
    }
    r
}

/// `Σ x` (lane-wise partial sums reduced pairwise, then the tail in order).
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn sum<T: Real>(x: &[T]) -> T {
    let n = lanes::<T>();
    let chunks = x.chunks_exact(n);
    let tail = chunks.remainder();
    let mut r = if x.len() >= n {
        let mut acc = T::Pack::splat(T::ZERO);
        for c in chunks {
            acc = acc + T::Pack::load(c, T::ZERO);
        }
        acc.sum()
    } else {
        T::ZERO
    };
    for &v in tail {
        r += v;
    }
    r
}

/// `Σ a_i b_i` over the common length.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "slices to the common length of both inputs"
)]
pub fn dot<T: Real>(a: &[T], b: &[T]) -> T {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let n = lanes::<T>();
    if len < 2 * n {
        // Too short for packs to pay for their horizontal sum.
        let mut r = T::ZERO;
        for (&x, &y) in a.iter().zip(b) {
            r += x * y;
        }
        return r;
    }
    let ca = a.chunks_exact(n);
    let cb = b.chunks_exact(n);
    let (ta, tb) = (ca.remainder(), cb.remainder());
    let mut r = if len >= n {
        let mut acc = T::Pack::splat(T::ZERO);
        for (x, y) in ca.zip(cb) {
            acc = acc + T::Pack::load(x, T::ZERO) * T::Pack::load(y, T::ZERO);
        }
        acc.sum()
    } else {
        T::ZERO
    };
    for (&x, &y) in ta.iter().zip(tb) {
        r += x * y;
    }
    r
}

/// `y ← y + α x` over the common length.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "slices to the common length of both inputs"
)]
pub fn axpy<T: Real>(alpha: T, x: &[T], y: &mut [T]) {
    let n = lanes::<T>();
    let len = x.len().min(y.len());
    let (x, y) = (&x[..len], &mut y[..len]);
    let a = T::Pack::splat(alpha);
    let mut cy = y.chunks_exact_mut(n);
    let mut cx = x.chunks_exact(n);
    for (xc, yc) in (&mut cx).zip(&mut cy) {
        (T::Pack::load(yc, T::ZERO) + a * T::Pack::load(xc, T::ZERO)).store(yc);
    }
    for (xv, yv) in cx.remainder().iter().zip(cy.into_remainder()) {
        *yv += alpha * *xv;
    }
}

/// `x ← x / s` entrywise.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn div_in_place<T: Real>(x: &mut [T], s: T) {
    let n = lanes::<T>();
    let d = T::Pack::splat(s);
    let mut cx = x.chunks_exact_mut(n);
    for c in &mut cx {
        T::Pack::load(c, T::ONE).div(d).store(c);
    }
    for v in cx.into_remainder() {
        *v /= s;
    }
}

/// `Σ p ln max(p, MINVAL)`: minus the Shannon entropy, with pymdp's clipping (zero entries
/// contribute exactly 0).
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn xlogx_sum<T: Real>(p: &[T]) -> T {
    let floor = T::Pack::splat(T::MINVAL);
    let mut acc = T::Pack::splat(T::ZERO);
    for c in p.chunks(lanes::<T>()) {
        // Padded lanes are 0: they add 0 · ln(MINVAL) = 0.
        let v = T::Pack::load(c, T::ZERO);
        acc = acc + v * v.max(floor).ln();
    }
    acc.sum()
}

/// Shannon entropy `H(p) = −Σ p ln max(p, MINVAL)` of a slice.
///
/// ```
/// let h = actinf::maths::entropy_slice(&[0.5f64, 0.5, 0.0]);
/// assert!((h - 2f64.ln()).abs() < 1e-15);
/// ```
#[inline]
pub fn entropy_slice<T: Real>(p: &[T]) -> T {
    -xlogx_sum(p)
}

/// In-place softmax: `x ← exp(x − max x) / Σ exp(x − max x)` (pymdp's `softmax`).
///
/// ```
/// let mut x = [1.0f64, 2.0, 3.0];
/// actinf::maths::softmax_in_place(&mut x);
/// assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-15 && x[2] > x[1]);
/// ```
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn softmax_in_place<T: Real>(x: &mut [T]) {
    let m = max(x);
    let mp = T::Pack::splat(m);
    for c in x.chunks_mut(lanes::<T>()) {
        (T::Pack::load(c, m) - mp).exp().store(c);
    }
    let z = sum(x);
    div_in_place(x, z);
}

/// `y_r ← Σ_j a[r·C + j] x_j` with `C = x.len()` and `R = y.len()`: a row-major `R × C`
/// matrix times a vector. Four rows at a time share each load of `x`.
///
/// # Panics
/// If `a` holds fewer than `R × C` values.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn matvec<T: Real>(a: &[T], x: &[T], y: &mut [T]) {
    let c = x.len();
    if c == 0 {
        y.iter_mut().for_each(|v| *v = T::ZERO);
        return;
    }
    let n = lanes::<T>();
    let full = c / n * n;
    let rows = y.len().min(a.len() / c);
    if c < n {
        // Rows shorter than a pack: plain scalar dot products.
        for (row, yr) in a.chunks_exact(c).zip(y.iter_mut()).take(rows) {
            let mut acc = T::ZERO;
            for (&p, &q) in row.iter().zip(x) {
                acc += p * q;
            }
            *yr = acc;
        }
        return;
    }
    let mut r = 0;
    while r + 4 <= rows {
        let a0 = &a[r * c..(r + 1) * c];
        let a1 = &a[(r + 1) * c..(r + 2) * c];
        let a2 = &a[(r + 2) * c..(r + 3) * c];
        let a3 = &a[(r + 3) * c..(r + 4) * c];
        let z = T::Pack::splat(T::ZERO);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut k = 0;
        while k < full {
            let xv = T::Pack::load(&x[k..k + n], T::ZERO);
            s0 = s0 + T::Pack::load(&a0[k..k + n], T::ZERO) * xv;
            s1 = s1 + T::Pack::load(&a1[k..k + n], T::ZERO) * xv;
            s2 = s2 + T::Pack::load(&a2[k..k + n], T::ZERO) * xv;
            s3 = s3 + T::Pack::load(&a3[k..k + n], T::ZERO) * xv;
            k += n;
        }
        let (mut t0, mut t1, mut t2, mut t3) = (s0.sum(), s1.sum(), s2.sum(), s3.sum());
        for j in full..c {
            let xj = x[j];
            t0 += a0[j] * xj;
            t1 += a1[j] * xj;
            t2 += a2[j] * xj;
            t3 += a3[j] * xj;
        }
        y[r] = t0;
        y[r + 1] = t1;
        y[r + 2] = t2;
        y[r + 3] = t3;
        r += 4;
    }
    while r < rows {
        y[r] = dot(&a[r * c..(r + 1) * c], x);
        r += 1;
    }
}

/// `y ← Σ_j w_j a[j·R .. (j+1)·R]` with `R = y.len()`: the columns of a column-major matrix
/// mixed by the weights `w` (the predicted distribution `A · w`). Columns of zero weight are
/// skipped, so a sparse (e.g. one-hot) `w` costs only its nonzero columns.
///
/// The output is built four packs at a time in registers (every column's slice of them
/// loaded once), so a dense product streams `A` once at one load per multiply–add.
///
/// # Panics
/// If `a` holds fewer than `w.len() × R` values.
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "indices stay below the lengths the kernel was given (documented in its contract); the callers pass storage sized by the model's `Layout`"
)]
pub fn mix_columns<T: Real>(a: &[T], w: &[T], y: &mut [T]) {
    let r = y.len();
    if r == 0 {
        return;
    }
    let n = lanes::<T>();
    let z = T::Pack::splat(T::ZERO);
    let mut o = 0;
    // Blocks of four packs.
    while o + 4 * n <= r {
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        for (col, &wj) in a.chunks_exact(r).zip(w) {
            if wj == T::ZERO {
                continue;
            }
            let wv = T::Pack::splat(wj);
            let (c0, rest) = col[o..o + 4 * n].split_at(n);
            let (c1, rest) = rest.split_at(n);
            let (c2, c3) = rest.split_at(n);
            s0 = s0 + T::Pack::load(c0, T::ZERO) * wv;
            s1 = s1 + T::Pack::load(c1, T::ZERO) * wv;
            s2 = s2 + T::Pack::load(c2, T::ZERO) * wv;
            s3 = s3 + T::Pack::load(c3, T::ZERO) * wv;
        }
        let (y0, rest) = y[o..o + 4 * n].split_at_mut(n);
        let (y1, rest) = rest.split_at_mut(n);
        let (y2, y3) = rest.split_at_mut(n);
        s0.store(y0);
        s1.store(y1);
        s2.store(y2);
        s3.store(y3);
        o += 4 * n;
    }
    // Single packs.
    while o + n <= r {
        let mut s0 = z;
        for (col, &wj) in a.chunks_exact(r).zip(w) {
            if wj != T::ZERO {
                s0 = s0 + T::Pack::load(&col[o..o + n], T::ZERO) * T::Pack::splat(wj);
            }
        }
        s0.store(&mut y[o..o + n]);
        o += n;
    }
    // The last rows, scalar.
    if o < r {
        let tail = &mut y[o..];
        tail.iter_mut().for_each(|v| *v = T::ZERO);
        for (col, &wj) in a.chunks_exact(r).zip(w) {
            if wj != T::ZERO {
                for (v, &x) in tail.iter_mut().zip(&col[o..]) {
                    *v += wj * x;
                }
            }
        }
    }
}

/// `y_j ← y_j + Σ_r x_r a[r·C + j]` with `C = y.len()` and `R = x.len()`: the transposed
/// product `Aᵀ x`, accumulated into `y`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn matvec_t_add<T: Real>(a: &[T], x: &[T], y: &mut [T]) {
    let c = y.len();
    if c == 0 {
        return;
    }
    for (row, &xr) in a.chunks_exact(c).zip(x.iter()) {
        axpy(xr, row, y);
    }
}

/// The first entry that is negative or not finite, if any (a vectorised scan; the index is
/// found by a second, scalar pass only on failure).
#[inline]
pub fn first_invalid<T: Real>(x: &[T]) -> Option<usize> {
    let n = lanes::<T>();
    let inf = T::max_value().unwrap_or(T::ONE);
    // NaN fails both comparisons below, so it is caught by the min/max test of its lane.
    let mut lo = T::Pack::splat(T::ZERO);
    let mut hi = T::Pack::splat(T::ZERO);
    let mut nan = false;
    for c in x.chunks(n) {
        let v = T::Pack::load(c, T::ZERO);
        lo = lo.min(v);
        hi = hi.max(v);
        // A NaN propagates through neither min nor max reliably: check the lane sum instead
        // (an overflowing sum of finite values only sends us to the scalar pass).
        nan |= !v.sum().is_finite();
    }
    let ok = !nan && lo.min_lane() >= T::ZERO && hi.max_lane() <= inf;
    if ok {
        return None;
    }
    x.iter().position(|&v| !(v >= T::ZERO && v <= inf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_match_scalar_definitions() {
        for n in [0usize, 1, 3, 4, 7, 8, 9, 17, 49] {
            let x: std::vec::Vec<f64> = (0..n).map(|i| ((i * 37 % 11) as f64) / 7.0).collect();
            let y: std::vec::Vec<f64> = (0..n).map(|i| 1.0 - (i as f64) / 50.0).collect();
            let s: f64 = x.iter().sum();
            assert!((sum(&x) - s).abs() < 1e-12);
            let d: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            assert!((dot(&x, &y) - d).abs() < 1e-12);
            let mut l = x.clone();
            log_stable_in_place(&mut l);
            for (a, b) in l.iter().zip(&x) {
                assert!((a - b.max(crate::maths::MINVAL).ln()).abs() < 1e-14);
            }
            let mut p = x.clone();
            softmax_in_place(&mut p);
            if n > 0 {
                let m = x.iter().cloned().fold(f64::MIN, f64::max);
                let z: f64 = x.iter().map(|v| (v - m).exp()).sum();
                for (a, b) in p.iter().zip(&x) {
                    assert!((a - (b - m).exp() / z).abs() < 1e-15);
                }
                assert!((max(&x) - m).abs() == 0.0);
            }
            let xl: f64 = x
                .iter()
                .map(|&v| if v == 0.0 { 0.0 } else { v * v.ln() })
                .sum();
            assert!((xlogx_sum(&x) - xl).abs() < 1e-12);
        }
    }

    #[test]
    fn mix_columns_matches_definition() {
        for (r, c) in [(1usize, 3usize), (3, 5), (8, 8), (17, 4), (49, 49), (2, 0)] {
            let a: std::vec::Vec<f64> = (0..r * c)
                .map(|i| ((i * 7919) % 13) as f64 / 13.0)
                .collect();
            let w: std::vec::Vec<f64> = (0..c)
                .map(|j| if j % 3 == 1 { 0.0 } else { 1.0 + j as f64 })
                .collect();
            let mut y = std::vec![f64::NAN; r];
            mix_columns(&a, &w, &mut y);
            for o in 0..r {
                let want: f64 = (0..c).map(|j| w[j] * a[j * r + o]).sum();
                assert!(
                    (y[o] - want).abs() < 1e-12,
                    "r={r} c={c} o={o}: {} vs {want}",
                    y[o]
                );
            }
        }
    }

    /// Every row count past two blocks (each pass width, padded or not), in both precisions:
    /// each entry is its nonzero-weight columns summed in order, bit for bit.
    #[test]
    fn mix_columns_is_the_in_order_sum_for_every_row_count() {
        fn check<T: Real + core::fmt::Debug>() {
            let c = 7;
            for r in 1..=120usize {
                let a: std::vec::Vec<T> = (0..r * c)
                    .map(|i| T::lit(((i * 7919) % 29) as f64 / 29.0))
                    .collect();
                let w: std::vec::Vec<T> = (0..c)
                    .map(|j| T::lit(if j == 2 { 0.0 } else { 0.5 + j as f64 / 3.0 }))
                    .collect();
                let mut y = std::vec![T::ONE; r];
                mix_columns(&a, &w, &mut y);
                for (o, &v) in y.iter().enumerate() {
                    let mut want = T::ZERO;
                    for (j, &wj) in w.iter().enumerate() {
                        if wj != T::ZERO {
                            want += wj * a[j * r + o];
                        }
                    }
                    assert_eq!(v, want, "r={r} o={o}");
                }
            }
        }
        check::<f32>();
        check::<f64>();
    }

    #[test]
    fn matvec_both_ways() {
        let a: [f32; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2 x 3
        let mut y = [0.0f32; 2];
        matvec(&a, &[1.0, 0.0, -1.0], &mut y);
        assert_eq!(y, [-2.0, -2.0]);
        let mut z = [1.0f32; 3];
        matvec_t_add(&a, &[1.0, 2.0], &mut z);
        assert_eq!(z, [10.0, 13.0, 16.0]);
    }
}
