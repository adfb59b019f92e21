//! Short names for the storage types a [`Spec`] induces.

use crate::spec::{FactorList, ModalityList, Spec, TransitionList};

/// `A` for every modality of `S`: per modality, a tensor of outcome columns.
pub type LikelihoodOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::Likelihood<T>;
/// `A` for every modality of `S`, in pymdp's layout: `(A_0, (A_1, ()))`, each
/// `[[…[T; N_k]…; N_1]; NO]`.
pub type LikelihoodInputOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::Input<T>;
/// A scalar tensor over each modality's parents (log-likelihoods, column entropies).
pub type TensorsOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::Tensors<T>;
/// One vector per modality over its outcomes: `(SVector<T, NO_0>, (…, ()))`.
pub type OutcomesOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::Outcomes<T>;
/// Plain-array input of [`OutcomesOf`]: `([T; NO_0], (…, ()))`.
pub type OutcomesInputOf<T, S> =
    <<S as Spec>::Modalities as ModalityList<<S as Spec>::Factors>>::OutcomesInput<T>;
/// `B` for every factor of `S`: per factor and action, a tensor of next-state columns.
pub type TransitionsOf<T, S> =
    <<S as Spec>::Factors as TransitionList<<S as Spec>::Factors>>::Transitions<T>;
/// `B` for every factor of `S`, in pymdp's layout `[[…[T; U]…]; N]`.
pub type TransitionsInputOf<T, S> =
    <<S as Spec>::Factors as TransitionList<<S as Spec>::Factors>>::Input<T>;
/// One vector per factor over its states: `(SVector<T, N_0>, (…, ()))`.
pub type FactorVectorsOf<T, S> = <<S as Spec>::Factors as FactorList>::Beliefs<T>;
/// Plain-array input of [`FactorVectorsOf`]: `([T; N_0], (…, ()))`.
pub type FactorInputOf<T, S> = <<S as Spec>::Factors as FactorList>::Input<T>;
