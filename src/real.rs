//! The scalar type: `f32` or `f64`.

use nalgebra::RealField;

/// A floating-point scalar usable by every kernel: in practice `f32` or `f64`.
///
/// This is `nalgebra::RealField + Copy` under a shorter name, so bounds stay readable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a real scalar type actinf can compute with",
    label = "use `f32` or `f64` here",
    note = "actinf's scalars must implement `nalgebra::RealField + Copy`"
)]
pub trait Real: RealField + Copy {}

impl<T: RealField + Copy> Real for T {}

/// Converts an `f64` constant into the scalar type `T`.
#[inline(always)]
pub(crate) fn lit<T: Real>(x: f64) -> T {
    nalgebra::convert::<f64, T>(x)
}

/// Converts a scalar into `f64`, for error reports.
#[inline]
pub(crate) fn to_f64<T: Real>(x: T) -> f64 {
    nalgebra::try_convert::<T, f64>(x).unwrap_or(f64::NAN)
}
