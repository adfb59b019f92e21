//! `model!`, `list!` and `type_list!`.

/// A value list: `list![a, b, c]` is `(a, (b, (c, ())))`, the nested tuples actinf uses for
/// one-entry-per-modality or one-entry-per-factor data (`A`, `B`, `C`, `D`, beliefs).
///
/// ```
/// let l = actinf::list![1, "two", 3.0];
/// assert_eq!(l, (1, ("two", (3.0, ()))));
/// ```
#[macro_export]
macro_rules! list {
    () => { () };
    ($head:expr $(, $tail:expr)* $(,)?) => { ($head, $crate::list!($($tail),*)) };
}

/// A type list: `type_list![A, B]` is `Cons<A, Cons<B, Nil>>`.
#[macro_export]
macro_rules! type_list {
    () => { $crate::spec::Nil };
    ($head:ty $(, $tail:ty)* $(,)?) => { $crate::spec::Cons<$head, $crate::type_list!($($tail),*)> };
}

/// Declares a model structure: a marker type per factor and modality, and the [`Spec`](crate::Spec).
///
/// ```
/// actinf::model! {
///     /// The T-maze: where the agent is, and which arm holds the reward.
///     pub TMaze {
///         factors {
///             /// Centre, left arm, right arm, cue.
///             Location: 4 controlled_by 4,
///             /// Reward on the left or on the right.
///             Context: 2,
///         }
///         modalities {
///             Place: 4 depends_on [Location],
///             Reward: 3 depends_on [Location, Context],
///             Cue: 2 depends_on [Location, Context],
///         }
///     }
/// }
/// assert_eq!(actinf::spec::num_factors::<TMaze>(), 2);
/// assert_eq!(actinf::spec::num_policies::<TMaze>(2), 16);
/// ```
///
/// * `Name: N` declares a factor with `N` states; `controlled_by U` gives it `U` actions
///   (default 1, uncontrolled); `depends_on [F, G]` conditions its transition on other
///   factors too (pymdp `B_dependencies`; default: itself only, and it must include itself).
/// * `controls { Move: 3, Grip: 2 }`, before `factors`, declares control factors (pymdp
///   `num_controls` with `B_action_dependencies`); a factor `controlled_by [Move, Grip]` is
///   then driven by those, in that order: its `B` takes one trailing action axis per control
///   factor (pymdp's unflattened layout `B[f][next][parents…][move][grip]`) and it has
///   `3 · 2` flat actions, the row-major combination of the control actions. With a
///   `controls` section every controlled factor names its control factors (`controlled_by U`
///   is a compile error) and an uncontrolled factor's `B` has no action axis (pymdp's layout
///   for an empty `B_action_dependencies[f]`); policies over the control factors are
///   [`ControlPolicies`](crate::policy::ControlPolicies), and
///   [`encode_multi_actions`](crate::policy::encode_multi_actions) /
///   [`decode_multi_actions`](crate::policy::decode_multi_actions) convert actions
///   (`Agent::new` and [`Policies::all`](crate::Policies::all), which would enumerate every
///   combination of the state factors' flat actions instead of pymdp's table, do not compile
///   for such a model: build the agent with `Agent::with_policy_table(model, config,
///   ControlPolicies::all())`).
/// * `Name: NO depends_on [F, …]` declares a modality with `NO` outcomes whose likelihood
///   depends on the listed factors, in that axis order (pymdp `A_dependencies`). Without
///   `depends_on`, the modality depends on every factor, in declaration order (pymdp's
///   default when `A_dependencies` is not given).
///
/// Several control factors driving one transition (pymdp `B_action_dependencies`):
///
/// ```
/// actinf::model! {
///     /// A gripper: `Move` drives where it is, `Move` and `Grip` what it holds.
///     pub Arm {
///         controls { Move: 3, Grip: 2 }
///         factors {
///             Place: 3 controlled_by [Move],
///             Held: 2 controlled_by [Move, Grip],
///         }
///         modalities { Seen: 3 depends_on [Place], Feel: 2 depends_on [Held] }
///     }
/// }
/// use actinf::policy::{ControlPolicies, decode_multi_actions};
/// use actinf::{Agent, Config, Model, list};
///
/// // B[Held][next][prev][move][grip]: the control axes come last, unflattened. Any move
/// // keeps the object; grip 1 toggles it.
/// let held: [[[[f64; 2]; 3]; 2]; 2] = core::array::from_fn(|next| {
///     core::array::from_fn(|prev| [[f64::from(next == prev), f64::from(next != prev)]; 3])
/// });
/// // B[Place][next][prev][move]: move `m` goes to place `m`.
/// let place: [[[f64; 3]; 3]; 3] =
///     core::array::from_fn(|next| [core::array::from_fn(|mv| f64::from(mv == next)); 3]);
/// let model = Model::<f64, Arm>::uniform().with_b(&list![place, held])?;
/// // Policies over (Move, Grip): 3 · 2 per step.
/// let agent = Agent::<f64, Arm, 1, 6>::with_policy_table(
///     model,
///     Config::default(),
///     ControlPolicies::all(),
/// )?;
/// assert_eq!(agent.policies().get(5), [[2, 5]]); // Move 2, Grip 1: Held's action 2·2 + 1
/// assert_eq!(decode_multi_actions::<Arm>(&[2, 5])?, [2, 1]);
/// # Ok::<(), actinf::Error>(())
/// ```
///
/// Marker types are declared next to the model type, with the visibility given. To keep two
/// models with the same factor or modality names in one module, wrap the model in
/// `mod name { … }`: the markers go into a module `name` (which sees the enclosing module's
/// items through `use super::*`) and the model type is re-exported next to it; a model
/// without a visibility gets `pub(super)` markers, so the enclosing module can name them.
///
/// ```
/// actinf::model! {
///     /// pymdp's default dependencies: `Cue` depends on `[Location, Context]`.
///     pub mod tmaze {
///         pub TMaze {
///             factors { Location: 4 controlled_by 4, Context: 2 }
///             modalities { Place: 4 depends_on [Location], Cue: 2 }
///         }
///     }
/// }
/// actinf::model! {
///     // The same factor names again, in another module.
///     mod small {
///         Small {
///             factors { Location: 2 controlled_by 2, Context: 2 }
///             modalities { Place: 2 depends_on [Location] }
///         }
///     }
/// }
/// use actinf::spec::modalities;
///
/// fn main() {
///     assert_eq!(modalities::<TMaze>()[1].parents.dims(), &[4, 2]);
///     assert_eq!(actinf::spec::num_factors::<Small>(), 2);
///     let _: (tmaze::Location, small::Location) = (tmaze::Location, small::Location);
/// }
/// ```
#[macro_export]
macro_rules! model {
    // `mod name { Model { … } }`: markers `pub(super)`, the re-export private.
    (
        $(#[$modmeta:meta])*
        $modvis:vis mod $module:ident {
            $(#[$meta:meta])*
            $name:ident { $($body:tt)* }
        }
    ) => {
        $crate::model!(@module [$(#[$modmeta])*] [$modvis] $module [pub(super)] []
            [$(#[$meta])*] $name { $($body)* });
    };
    // `mod name { vis Model { … } }`: markers and re-export with the model's visibility.
    (
        $(#[$modmeta:meta])*
        $modvis:vis mod $module:ident {
            $(#[$meta:meta])*
            $vis:vis $name:ident { $($body:tt)* }
        }
    ) => {
        $crate::model!(@module [$(#[$modmeta])*] [$modvis] $module [$vis] [$vis]
            [$(#[$meta])*] $name { $($body)* });
    };
    (@module [$($modmeta:tt)*] [$modvis:vis] $module:ident [$vis:vis] [$($revis:tt)*]
        [$($meta:tt)*] $name:ident { $($body:tt)* }
    ) => {
        $($modmeta)*
        #[doc = concat!("Factor and modality markers of [`", stringify!($name), "`].")]
        $modvis mod $module {
            #[allow(unused_imports)]
            use super::*;
            $crate::model! {
                $($meta)*
                $vis $name { $($body)* }
            }
        }
        #[allow(unused_imports)]
        $($revis)* use $module::$name;
    };
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident {
            $(controls {
                $(
                    $(#[$cmeta:meta])*
                    $control:ident : $csize:tt
                ),+ $(,)?
            })?
            factors {
                $(
                    $(#[$fmeta:meta])*
                    $factor:ident : $states:tt
                    $(controlled_by $controls:tt)?
                    $(depends_on [$($fdep:ident),* $(,)?])?
                ),+ $(,)?
            }
            modalities {
                $(
                    $(#[$mmeta:meta])*
                    $modality:ident : $outcomes:tt $(depends_on [$($mdep:ident),+ $(,)?])?
                ),+ $(,)?
            }
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        $vis struct $name;

        $crate::model!(@controls $vis [$crate::spec::Z]
            $($( [ $(#[$cmeta])* $control $csize ] )+)?
        );
        $crate::model!(@factors $vis [$crate::spec::Z] {$($($control)+)?}
            $( [ $(#[$fmeta])* $factor $states [$($controls)?] [$($($fdep),*)?] ] )+
        );
        $crate::model!(@modalities $vis [$crate::spec::Z] [$($factor),+]
            $( [ $(#[$mmeta])* $modality $outcomes [$($($mdep),+)?] ] )+
        );

        impl $crate::Spec for $name {
            type Factors = $crate::type_list![$($factor),+];
            type Modalities = $crate::type_list![$($modality),+];
            const NAME: &'static str = stringify!($name);
            $crate::spec_storage!(controls: $crate::type_list![$($($control),+)?]);
        }
        $crate::model!(@single $name [$($factor)+]);
    };
    (@single $name:ident [$one:ident]) => {
        // Not listed as a candidate in other errors (e.g. exact inference on a two-factor
        // model would otherwise list every single-factor model in scope).
        #[diagnostic::do_not_recommend]
        impl $crate::spec::SingleFactor for $name {}
    };
    (@single $name:ident [$($many:ident)+]) => {};
    (@controls $vis:vis [$($pos:tt)*]) => {};
    (@controls $vis:vis [$($pos:tt)*]
        [ $(#[$cmeta:meta])* $control:ident $size:tt ]
        $($rest:tt)*
    ) => {
        $(#[$cmeta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        $vis struct $control;
        impl $crate::spec::ControlFactor for $control {
            type Size = $crate::nalgebra::Const<$size>;
            type Position = $($pos)*;
            const NAME: &'static str = stringify!($control);
        }
        $crate::model!(@controls $vis [$crate::spec::S<$($pos)*>] $($rest)*);
    };
    (@factors $vis:vis [$($pos:tt)*] {$($ctl:ident)*}) => {};
    (@factors $vis:vis [$($pos:tt)*] {$($ctl:ident)*}
        [ $(#[$fmeta:meta])* $factor:ident $states:tt [$($controls:tt)?] [$($fdep:ident),*] ]
        $($rest:tt)*
    ) => {
        $(#[$fmeta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        $vis struct $factor;
        impl $crate::Factor for $factor {
            type States = $crate::nalgebra::Const<$states>;
            type Controls = $crate::model!(@controls_ty {$($ctl)*} $($controls)?);
            type Position = $($pos)*;
            type DependsOn = $crate::model!(@deps $factor [$($fdep),*]);
            const NAME: &'static str = stringify!($factor);
        }
        $crate::model!(@factors $vis [$crate::spec::S<$($pos)*>] {$($ctl)*} $($rest)*);
    };
    (@modalities $vis:vis [$($pos:tt)*] [$($all:ident),+]) => {};
    // No `depends_on`: every factor, in order.
    (@modalities $vis:vis [$($pos:tt)*] [$($all:ident),+]
        [ $(#[$mmeta:meta])* $modality:ident $outcomes:tt [] ]
        $($rest:tt)*
    ) => {
        $crate::model!(@modalities $vis [$($pos)*] [$($all),+]
            [ $(#[$mmeta])* $modality $outcomes [$($all),+] ]
            $($rest)*
        );
    };
    (@modalities $vis:vis [$($pos:tt)*] [$($all:ident),+]
        [ $(#[$mmeta:meta])* $modality:ident $outcomes:tt [$($mdep:ident),+] ]
        $($rest:tt)*
    ) => {
        $(#[$mmeta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        $vis struct $modality;
        impl $crate::Modality for $modality {
            type Outcomes = $crate::nalgebra::Const<$outcomes>;
            type Position = $($pos)*;
            type DependsOn = $crate::type_list![$($mdep),+];
            const NAME: &'static str = stringify!($modality);
        }
        $crate::model!(@modalities $vis [$crate::spec::S<$($pos)*>] [$($all),+] $($rest)*);
    };
    // Uncontrolled: one singleton action axis, or none with a `controls` section (pymdp's
    // layout for an empty `B_action_dependencies[f]`).
    (@controls_ty {}) => { $crate::nalgebra::Const<1> };
    (@controls_ty {$($ctl:ident)+}) => { $crate::spec::Nil };
    (@controls_ty {$($ctl:ident)*} [$($c:ident),* $(,)?]) => { $crate::type_list![$($c),*] };
    (@controls_ty {$($ctl:ident)*} $c:tt) => { $crate::nalgebra::Const<{ $c }> };
    (@deps $factor:ident []) => { $crate::type_list![$factor] };
    (@deps $factor:ident [$($fdep:ident),+]) => { $crate::type_list![$($fdep),+] };
}

/// Writes the storage types of a hand-written [`Spec`](crate::Spec) impl, sized by its
/// [`Layout`](crate::spec::Layout): put `actinf::spec_storage!();` after `Factors`,
/// `Modalities` and `NAME` (see [`Spec`](crate::Spec)). It also writes
/// `ControlFactors = Nil` (every factor has actions of its own); for a spec with control
/// factors (pymdp `B_action_dependencies`), write `actinf::spec_storage!(controls: L);` with
/// `L` the cons list of [`ControlFactor`](crate::spec::ControlFactor) markers.
#[macro_export]
macro_rules! spec_storage {
    () => {
        $crate::spec_storage!(controls: $crate::spec::Nil);
    };
    (controls: $controls:ty) => {
        type ControlFactors = $controls;
        type ControlAction = [usize; $crate::spec::control_layout_value::<Self>().num_controls];
        type Observation = [usize; $crate::spec::layout_value::<Self>().num_modalities];
        type Action = [usize; $crate::spec::layout_value::<Self>().num_factors];
        type States<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().states];
        type Outcomes<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().outcomes];
        type Controls<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().controls];
        type Likelihoods<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().likelihoods];
        type Tensors<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().tensors];
        type Transitions<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().transitions];
        type Columns = [u32; $crate::spec::layout_value::<Self>().columns];
        type Pairs<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().pairs];
        type Joint<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().max_joint];
        type Reduced<T: $crate::Real> = [T; $crate::spec::layout_value::<Self>().reduced];
        type ReducedTensors<T: $crate::Real> =
            [T; $crate::spec::layout_value::<Self>().reduced_tensors];
    };
}
