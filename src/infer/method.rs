//! The state-inference method of an [`Agent`](crate::Agent), as a type (pymdp's
//! `inference_algo`).
//!
//! | method | pymdp | what it infers | pick it when |
//! |---|---|---|---|
//! | [`Fpi`] | `"fpi"` (default) | the current step, from its observation and the empirical prior `B · q` | filtering is enough: fastest, constant time |
//! | [`Ovf`] | `"ovf"` | like FPI, keeping the filtered history in a [`Window`](super::Window) | you will learn `B` from smoothed posteriors ([`smoothing`](super::smoothing)) |
//! | [`Exact`] | `"exact"` | one exact Bayes step (one sweep; single-factor models only) | an HMM: exact filtering, smoothing and evidence ([`hmm`](super::hmm)) |
//! | [`Mmp`]`<H>` | `"mmp"` | the whole window of the last `H` steps at once (marginal message passing) | later observations should revise earlier beliefs |
//! | [`Vmp`]`<H>` | `"vmp"` | the same with variational messages (expected `ln B`) | you want the mean-field fixed point of the sequence VFE |
//! | [`SpmMmp`]`<H>` | legacy / SPM | SPM's gradient-descent MMP over past and future steps | you compare with SPM's MATLAB output |
//!
//! A sequence method carries its horizon: `Mmp` without `<H>` does not compile, nor does
//! `Mmp<0>`; [`Exact`] on a model with several factors does not compile either (pymdp raises a
//! `ValueError`).

use core::marker::PhantomData;

use nalgebra::Const;

use super::window::Horizon;
use crate::spec::{SingleFactor, Spec};

mod sealed {
    pub trait Sealed {}
}

/// An inference method that supports the model `S`.
#[diagnostic::on_unimplemented(
    message = "the inference method `{Self}` does not support the model `{S}`",
    label = "not supported for this model",
    note = "`Exact` needs a model with one hidden-state factor (pymdp raises a ValueError \
            otherwise); `Fpi`, `Ovf`, `Mmp<H>`, `Vmp<H>` and `SpmMmp<H>` take any model"
)]
pub trait Method<S: Spec>: sealed::Sealed + Copy + Default + core::fmt::Debug + 'static {
    /// pymdp's name for it.
    const NAME: &'static str;
    /// Whether learning counts smoothed posteriors (OVF, exact) rather than the window's
    /// beliefs as they are.
    const SMOOTHS: bool = false;
}

/// A one-step method: the agent infers the current step from an observation and a prior.
pub trait OneStep: sealed::Sealed {
    /// Sweeps forced by the method (`Exact`: 1), or `None` to take the configuration's.
    const FORCED_SWEEPS: Option<usize>;
}

/// A sequence method over a window of `H` steps.
pub trait Sequence<S: Spec>: Method<S> {
    /// The horizon `H`.
    const H: usize;
}

/// Factorised fixed-point iteration on the current step (pymdp's default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fpi;

/// Online variational filtering: FPI per step, history kept for smoothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ovf;

/// Exact single-factor filtering (one FPI sweep is exact Bayes for one factor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exact;

/// Marginal message passing over a window of `H` steps (pymdp 1.0.4's `"mmp"`).
pub struct Mmp<const H: usize>(PhantomData<Const<H>>);

/// Variational message passing over a window of `H` steps (pymdp 1.0.4's `"vmp"`).
pub struct Vmp<const H: usize>(PhantomData<Const<H>>);

/// SPM's marginal message passing (gradient steps, past and future steps), over a window of
/// `H` past steps.
pub struct SpmMmp<const H: usize>(PhantomData<Const<H>>);

macro_rules! sequence_marker {
    ($($name:ident $pymdp:literal),*) => {$(
        impl<const H: usize> Clone for $name<H> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<const H: usize> Copy for $name<H> {}
        impl<const H: usize> Default for $name<H> {
            fn default() -> Self {
                $name(PhantomData)
            }
        }
        impl<const H: usize> core::fmt::Debug for $name<H> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}<{}>", stringify!($name), H)
            }
        }
        impl<const H: usize> sealed::Sealed for $name<H> where Const<H>: Horizon {}
        impl<S: Spec, const H: usize> Method<S> for $name<H>
        where
            Const<H>: Horizon,
        {
            const NAME: &'static str = $pymdp;
        }
        impl<S: Spec, const H: usize> Sequence<S> for $name<H>
        where
            Const<H>: Horizon,
        {
            const H: usize = H;
        }
    )*};
}

sequence_marker!(Mmp "mmp", Vmp "vmp", SpmMmp "spm_mmp");

impl sealed::Sealed for Fpi {}
impl sealed::Sealed for Ovf {}
impl sealed::Sealed for Exact {}

impl<S: Spec> Method<S> for Fpi {
    const NAME: &'static str = "fpi";
}
impl<S: Spec> Method<S> for Ovf {
    const NAME: &'static str = "ovf";
    const SMOOTHS: bool = true;
}
impl<S: SingleFactor> Method<S> for Exact {
    const NAME: &'static str = {
        #[allow(clippy::let_unit_value)]
        let () = S::CHECK;
        "exact"
    };
    const SMOOTHS: bool = true;
}
impl OneStep for Fpi {
    const FORCED_SWEEPS: Option<usize> = None;
}
impl OneStep for Ovf {
    const FORCED_SWEEPS: Option<usize> = None;
}
impl OneStep for Exact {
    const FORCED_SWEEPS: Option<usize> = Some(1);
}
