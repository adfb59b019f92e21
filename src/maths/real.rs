//! The scalar type (`f32` or `f64`) and the SIMD packs the vector kernels run on.
//!
//! [`Real`] is implemented for `f32` and `f64` only. Each has a [`Pack`] — `wide::f32x8` or
//! `wide::f64x4`, SSE2 on a baseline x86-64 target and AVX with `-C target-cpu=native` — so the
//! kernels in [`vector`](super::vector) process whole vectors at a time, `ln` and `exp`
//! included (vectorised polynomial approximations accurate to about one ulp, in `no_std` too).

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
    type Pack = wide::f32x8;
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
    type Pack = wide::f64x4;
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
    /// Loads `s[..LANES]`; lanes past the end of a shorter `s` are set to `pad`.
    fn load(s: &[T], pad: T) -> Self;
    /// Stores the first `min(LANES, out.len())` lanes into `out`.
    fn store(self, out: &mut [T]);
    /// Lane-wise maximum.
    fn max(self, o: Self) -> Self;
    /// Lane-wise division.
    fn div(self, o: Self) -> Self;
    /// Lane-wise natural logarithm.
    fn ln(self) -> Self;
    /// Lane-wise exponential.
    fn exp(self) -> Self;
    /// Sum of the lanes, in a fixed order (pairwise).
    fn sum(self) -> T;
    /// Largest lane.
    fn max_lane(self) -> T;
}

macro_rules! impl_pack {
    ($p:ty, $t:ty, $n:expr) => {
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
                    None => {
                        let mut a = [pad; $n];
                        a[..s.len()].copy_from_slice(s);
                        <$p>::new(a)
                    }
                }
            }
            #[inline(always)]
            fn store(self, out: &mut [$t]) {
                let a = self.to_array();
                match out.first_chunk_mut::<$n>() {
                    Some(o) => *o = a,
                    None => {
                        let k = out.len();
                        out.copy_from_slice(&a[..k]);
                    }
                }
            }
            #[inline(always)]
            fn max(self, o: Self) -> Self {
                <$p>::max(self, o)
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self / o
            }
            #[inline(always)]
            fn ln(self) -> Self {
                <$p>::ln(self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                <$p>::exp(self)
            }
            #[inline(always)]
            fn sum(self) -> $t {
                let a = self.to_array();
                let mut w = a;
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
                let a = self.to_array();
                let mut m = a[0];
                for &x in &a[1..] {
                    if x > m {
                        m = x;
                    }
                }
                m
            }
        }
    };
}

impl_pack!(wide::f32x8, f32, 8);
impl_pack!(wide::f64x4, f64, 4);

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
