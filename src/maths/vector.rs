//! Kernels over slices: `ln`, `exp`, softmax, sums, dot products, matrix–vector products.
//!
//! Every kernel runs on the scalar's SIMD [`Pack`] (8 `f32` or 4 `f64` lanes), the tail of a
//! slice in a padded pack, so an element's result does not depend on where it sits. Sums are
//! accumulated lane-wise and reduced pairwise: the order is fixed, so results are
//! reproducible bit for bit, and differ from a sequential sum only in the last bits.

use super::real::{Pack, Real};

#[inline(always)]
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
#[inline]
pub fn log_stable_in_place<T: Real>(x: &mut [T]) {
    let floor = T::Pack::splat(T::MINVAL);
    for c in x.chunks_mut(lanes::<T>()) {
        T::Pack::load(c, T::ONE).max(floor).ln().store(c);
    }
}

/// `out ← ln(max(x, MINVAL))` entrywise (`out` and `x` of equal length).
#[inline]
pub fn log_stable_into<T: Real>(x: &[T], out: &mut [T]) {
    let floor = T::Pack::splat(T::MINVAL);
    for (c, o) in x.chunks(lanes::<T>()).zip(out.chunks_mut(lanes::<T>())) {
        T::Pack::load(c, T::ONE).max(floor).ln().store(o);
    }
}

/// `x ← exp(x)` entrywise.
#[inline]
pub fn exp_in_place<T: Real>(x: &mut [T]) {
    for c in x.chunks_mut(lanes::<T>()) {
        T::Pack::load(c, T::ZERO).exp().store(c);
    }
}

/// The largest entry (`-∞` for an empty slice; NaN entries are skipped).
#[inline]
pub fn max<T: Real>(x: &[T]) -> T {
    let ninf = -T::max_value().unwrap_or(T::ONE);
    let mut m = T::Pack::splat(ninf);
    for c in x.chunks(lanes::<T>()) {
        m = m.max(T::Pack::load(c, ninf));
    }
    m.max_lane()
}

/// `Σ x`.
#[inline]
pub fn sum<T: Real>(x: &[T]) -> T {
    let mut acc = T::Pack::splat(T::ZERO);
    for c in x.chunks(lanes::<T>()) {
        acc = acc + T::Pack::load(c, T::ZERO);
    }
    acc.sum()
}

/// `Σ a_i b_i` over the common length.
#[inline]
pub fn dot<T: Real>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let mut acc = T::Pack::splat(T::ZERO);
    for (x, y) in a[..n].chunks(lanes::<T>()).zip(b[..n].chunks(lanes::<T>())) {
        acc = acc + T::Pack::load(x, T::ZERO) * T::Pack::load(y, T::ZERO);
    }
    acc.sum()
}

/// `y ← y + α x` over the common length.
#[inline]
pub fn axpy<T: Real>(alpha: T, x: &[T], y: &mut [T]) {
    let a = T::Pack::splat(alpha);
    for (xc, yc) in x.chunks(lanes::<T>()).zip(y.chunks_mut(lanes::<T>())) {
        (T::Pack::load(yc, T::ZERO) + a * T::Pack::load(xc, T::ZERO)).store(yc);
    }
}

/// `x ← x / s` entrywise.
#[inline]
pub fn div_in_place<T: Real>(x: &mut [T], s: T) {
    let d = T::Pack::splat(s);
    for c in x.chunks_mut(lanes::<T>()) {
        T::Pack::load(c, T::ONE).div(d).store(c);
    }
}

/// `Σ p ln max(p, MINVAL)`: minus the Shannon entropy, with pymdp's clipping (zero entries
/// contribute exactly 0).
#[inline]
pub fn xlogx_sum<T: Real>(p: &[T]) -> T {
    let floor = T::Pack::splat(T::MINVAL);
    let mut acc = T::Pack::splat(T::ZERO);
    for c in p.chunks(lanes::<T>()) {
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
#[inline]
pub fn softmax_in_place<T: Real>(x: &mut [T]) {
    let m = T::Pack::splat(max(x));
    for c in x.chunks_mut(lanes::<T>()) {
        (T::Pack::load(c, T::ZERO) - m).exp().store(c);
    }
    let z = sum(x);
    div_in_place(x, z);
}

/// `y_r ← Σ_j a[r·C + j] x_j` with `C = x.len()` and `R = y.len()`: a row-major `R × C`
/// matrix times a vector.
#[inline]
pub fn matvec<T: Real>(a: &[T], x: &[T], y: &mut [T]) {
    let c = x.len();
    if c == 0 {
        y.iter_mut().for_each(|v| *v = T::ZERO);
        return;
    }
    for (row, yr) in a.chunks_exact(c).zip(y.iter_mut()) {
        *yr = dot(row, x);
    }
}

/// `y_j ← y_j + Σ_r x_r a[r·C + j]` with `C = y.len()` and `R = x.len()`: the transposed
/// product `Aᵀ x`, accumulated into `y`.
#[inline]
pub fn matvec_t_add<T: Real>(a: &[T], x: &[T], y: &mut [T]) {
    let c = y.len();
    if c == 0 {
        return;
    }
    for (row, &xr) in a.chunks_exact(c).zip(x.iter()) {
        axpy(xr, row, y);
    }
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
