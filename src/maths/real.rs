//! The scalar type (`f32` or `f64`) and the SIMD packs the vector kernels run on.
//!
//! [`Real`] is implemented for `f32` and `f64` only. Each has a [`Pack`] of `wide`'s SIMD
//! types, one native register wide (`f32x4`/`f64x2` with SSE2 on a baseline x86-64 target,
//! `f32x8`/`f64x4` with AVX), so the kernels in [`vector`](super::vector) process whole
//! vectors at a time, `ln` and `exp` included, in `no_std` too: our own vectorised versions,
//! branch-free for the arguments the kernels pass (`maths/exp.rs`: Cephes' `exp`, within 1 ulp
//! of `std` in `f32` and 2 in `f64`; `maths/ln32.rs`: Cephes' `logf`, within 1 ulp;
//! `maths/ln.rs`: a division-free, table-driven `f64` logarithm, within 1 ulp), with `wide`'s
//! for the special values of `ln`.

use core::fmt::{Debug, Display};
use core::ops::{Add, Mul, Sub};

use nalgebra::RealField;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point scalar actinf computes with: `f32` or `f64`.
///
/// It is `nalgebra::RealField + Copy` plus compile-time constants (so storage can be built in
/// a `const` and placed in a `static`) and a SIMD [`Pack`] for the vector kernels.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scalar type actinf can compute with",
    label = "use `f32` or `f64` here"
)]
pub trait Real:
    RealField + ConstZero + Copy + Default + Debug + Display + Send + Sync + 'static + sealed::Sealed
{
    /// `1`.
    const ONE: Self;
    /// pymdp's clipping constant [`MINVAL`](super::MINVAL) (`f64` machine epsilon) in this type.
    const MINVAL: Self;
    /// The SIMD pack of this type.
    type Pack: Pack<Self>;
    /// Converts an `f64` (rounding to nearest for `f32`).
    fn lit(x: f64) -> Self;
    /// Converts to `f64` (exact).
    fn as_f64(self) -> f64;
}

impl Real for f32 {
    const ONE: f32 = 1.0;
    const MINVAL: f32 = super::MINVAL as f32;
    type Pack = F32Pack;
    #[inline(always)]
    fn lit(x: f64) -> f32 {
        x as f32
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Real for f64 {
    const ONE: f64 = 1.0;
    const MINVAL: f64 = super::MINVAL;
    type Pack = F64Pack;
    #[inline(always)]
    fn lit(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }
}

/// A scalar with a compile-time zero, so storage of it can be built in a `const`.
pub trait ConstZero: Copy + Debug + PartialEq + Send + Sync + 'static {
    /// Zero.
    const ZERO: Self;
}

impl ConstZero for f32 {
    const ZERO: f32 = 0.0;
}
impl ConstZero for f64 {
    const ZERO: f64 = 0.0;
}
impl ConstZero for u8 {
    const ZERO: u8 = 0;
}
impl ConstZero for u16 {
    const ZERO: u16 = 0;
}
impl ConstZero for u32 {
    const ZERO: u32 = 0;
}
impl ConstZero for usize {
    const ZERO: usize = 0;
}

/// A SIMD vector of `LANES` scalars, as the vector kernels use it.
pub trait Pack<T>:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Send + Sync
{
    /// Number of lanes.
    const LANES: usize;
    /// Every lane `x`.
    fn splat(x: T) -> Self;
    /// Loads `s[..LANES]`; lanes past the end of a shorter `s` are set to `pad`. The padding
    /// is built in registers, without a round trip through memory.
    fn load(s: &[T], pad: T) -> Self;
    /// Stores the first `min(LANES, out.len())` lanes into `out`.
    fn store(self, out: &mut [T]);
    /// Lane-wise maximum.
    fn max(self, o: Self) -> Self;
    /// Lane-wise minimum.
    fn min(self, o: Self) -> Self;
    /// Lane-wise division.
    fn div(self, o: Self) -> Self;
    /// Lane-wise natural logarithm.
    fn ln(self) -> Self;
    /// Lane-wise exponential.
    fn exp(self) -> Self;
    /// Sum of the lanes, in a fixed order (pairwise).
    #[allow(
        clippy::indexing_slicing,
        reason = "lane indices `i + n < LANES` while halving a fixed-size lane array"
    )]
    fn sum(self) -> T;
    /// Largest lane.
    fn max_lane(self) -> T;
    /// Smallest lane.
    fn min_lane(self) -> T;
}

macro_rules! partial {
    ($s:ident, $pad:ident, 8) => {
        match $s.len() {
            0 => [$pad; 8],
            1 => [$s[0], $pad, $pad, $pad, $pad, $pad, $pad, $pad],
            2 => [$s[0], $s[1], $pad, $pad, $pad, $pad, $pad, $pad],
            3 => [$s[0], $s[1], $s[2], $pad, $pad, $pad, $pad, $pad],
            4 => [$s[0], $s[1], $s[2], $s[3], $pad, $pad, $pad, $pad],
            5 => [$s[0], $s[1], $s[2], $s[3], $s[4], $pad, $pad, $pad],
            6 => [$s[0], $s[1], $s[2], $s[3], $s[4], $s[5], $pad, $pad],
            _ => [$s[0], $s[1], $s[2], $s[3], $s[4], $s[5], $s[6], $pad],
        }
    };
    ($s:ident, $pad:ident, 4) => {
        match $s.len() {
            0 => [$pad; 4],
            1 => [$s[0], $pad, $pad, $pad],
            2 => [$s[0], $s[1], $pad, $pad],
            _ => [$s[0], $s[1], $s[2], $pad],
        }
    };
    ($s:ident, $pad:ident, 2) => {
        match $s.len() {
            0 => [$pad; 2],
            _ => [$s[0], $pad],
        }
    };
}

macro_rules! impl_pack {
    ($p:ty, $t:ty, $n:tt, $ln:path, $exp:path) => {
        impl Pack<$t> for $p {
            const LANES: usize = $n;
            #[inline(always)]
            fn splat(x: $t) -> Self {
                <$p>::splat(x)
            }
            #[inline(always)]
            fn load(s: &[$t], pad: $t) -> Self {
                match s.first_chunk::<$n>() {
                    Some(a) => <$p>::new(*a),
                    None => <$p>::new(partial!(s, pad, $n)),
                }
            }
            #[inline(always)]
            fn store(self, out: &mut [$t]) {
                let a = self.as_array();
                match out.first_chunk_mut::<$n>() {
                    Some(o) => *o = *a,
                    None => {
                        for (o, &x) in out.iter_mut().zip(a.iter()) {
                            *o = x;
                        }
                    }
                }
            }
            #[inline(always)]
            fn max(self, o: Self) -> Self {
                <$p>::max(self, o)
            }
            #[inline(always)]
            fn min(self, o: Self) -> Self {
                <$p>::min(self, o)
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self / o
            }
            #[inline(always)]
            fn ln(self) -> Self {
                $ln(self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                $exp(self)
            }
            #[inline(always)]
            #[allow(
                clippy::indexing_slicing,
                reason = "lane indices `i + n < LANES` while halving a fixed-size lane array"
            )]
            fn sum(self) -> $t {
                let a = self.as_array();
                let mut w = *a;
                let mut n = $n;
                while n > 1 {
                    n /= 2;
                    for i in 0..n {
                        w[i] += w[i + n];
                    }
                }
                w[0]
            }
            #[inline(always)]
            fn max_lane(self) -> $t {
                let a = self.as_array();
                let mut m = a[0];
                for &x in &a[1..] {
                    if x > m {
                        m = x;
                    }
                }
                m
            }
            #[inline(always)]
            fn min_lane(self) -> $t {
                let a = self.as_array();
                let mut m = a[0];
                for &x in &a[1..] {
                    if x < m {
                        m = x;
                    }
                }
                m
            }
        }
    };
}

// The pack is one native register: 128 bits without AVX (the padding of short vectors, such
// as a modality's 3 outcomes, costs least), 256 bits with it.
#[cfg(target_feature = "avx")]
type F32Pack = wide::f32x8;
#[cfg(target_feature = "avx")]
type F64Pack = wide::f64x4;
#[cfg(not(target_feature = "avx"))]
type F32Pack = wide::f32x4;
#[cfg(not(target_feature = "avx"))]
type F64Pack = wide::f64x2;

impl_pack!(
    wide::f32x8,
    f32,
    8,
    super::ln32::ln_f32x8,
    super::exp::exp_f32x8
);
impl_pack!(
    wide::f64x4,
    f64,
    4,
    super::ln::ln_f64x4,
    super::exp::exp_f64x4
);
impl_pack!(
    wide::f32x4,
    f32,
    4,
    super::ln32::ln_f32x4,
    super::exp::exp_f32x4
);
impl_pack!(
    wide::f64x2,
    f64,
    2,
    super::ln::ln_f64x2,
    super::exp::exp_f64x2
);

/// Converts an `f64` constant into `T`.
#[inline(always)]
pub(crate) fn lit<T: Real>(x: f64) -> T {
    T::lit(x)
}

/// Converts a scalar into `f64`, for error reports.
#[inline(always)]
pub(crate) fn to_f64<T: Real>(x: T) -> f64 {
    x.as_f64()
}
