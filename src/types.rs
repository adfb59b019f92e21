//! Short names for the types a [`Spec`] induces.
//!
//! `…InputOf` are pymdp-layout nested arrays (what constructors take); the others are the flat
//! storage the library computes on (see [`spec::layout`](mod@crate::spec::layout)).

use crate::spec::{FactorList, ModalityList, Spec, TransitionList};

/// `A` for every modality, in pymdp's layout: `(A_0, (A_1, ()))`, each
/// `[[…[T; N_k]…; N_1]; NO]`.
pub type LikelihoodInputOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::Input<T>;
/// `B` for every factor, in pymdp's layout `[[…[T; U]…]; N]`.
pub type TransitionsInputOf<T, S> =
    <<S as Spec>::Factors as TransitionList<<S as Spec>::Factors>>::Input<T>;
/// One `[T; NO_m]` per modality: `([T; NO_0], (…, ()))` (`C`, categorical observations).
pub type OutcomesInputOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::OutcomesInput<T>;
/// One `[T; N_f]` per factor: `([T; N_0], (…, ()))` (`D`, beliefs).
pub type FactorInputOf<T, S> = <<S as Spec>::Factors as FactorList>::Input<T>;
/// Flat `A` (also `ln A`, `pA`).
pub type LikelihoodsOf<T, S> = <S as Spec>::Likelihoods<T>;
/// Flat `B` (also `pB`).
pub type TransitionsOf<T, S> = <S as Spec>::Transitions<T>;
/// Flat per-outcome storage (`C`, predicted outcomes).
pub type OutcomesOf<T, S> = <S as Spec>::Outcomes<T>;
/// Flat per-state storage (beliefs, `D`).
pub type StatesOf<T, S> = <S as Spec>::States<T>;
/// Flat per-action storage (action marginals).
pub type ControlsOf<T, S> = <S as Spec>::Controls<T>;
/// Flat per-parent-state storage (`H[A]`).
pub type TensorsOf<T, S> = <S as Spec>::Tensors<T>;
