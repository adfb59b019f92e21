//! The empirical prior for the next step: beliefs pushed through `B`.

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::{self, Real};
use crate::model::{Belief, Model};
use crate::spec::{self, Flat, IndexArray, Spec};

/// Checks each action index against its factor's action count.
pub fn check_action<S: Spec>(action: &S::Action) -> Result<(), Error> {
    for (f, (info, &u)) in spec::factors::<S>().iter().zip(action.as_ref()).enumerate() {
        if u >= info.controls {
            return Err(Error::new(
                Tensor::B,
                f,
                info.name,
                Entry::at(u),
                Problem::OutOfRange {
                    value: u,
                    len: info.controls,
                },
            ));
        }
    }
    Ok(())
}

/// `out_f(s') = Σ_j B_f[s', j, u] w_j` for one factor, with `w` the joint of its transition
/// parents under `q` (pymdp `compute_expected_state`; mean-field over the parents).
///
/// Uses the model's structure: an identity transition copies `q_f`; one-hot columns add each
/// parent state's weight to its single successor; otherwise the columns of `B` are mixed
/// (skipping parent states of zero weight).
#[cfg_attr(not(debug_assertions), inline(always))]
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; `u` is a checked action and one-hot targets are rows of the factor"
)]
pub fn predict_factor<T: Real, S: Spec>(
    model: &Model<T, S>,
    f: usize,
    u: usize,
    q: &Belief<T, S>,
    joint: &mut S::Joint<T>,
    out: &mut [T],
) {
    let info = &spec::factors::<S>()[f];
    let st = model.structure();
    if st.is_identity(f) {
        out.copy_from_slice(q.factor(f));
        return;
    }
    let j = info.parents.joint;
    let w: &[T] = if info.parents.len == 1 {
        q.factor(info.parents.ids[0])
    } else {
        q.joint(&info.parents, joint.as_mut());
        &joint.as_ref()[..j]
    };
    if st.is_one_hot(f) {
        out.iter_mut().for_each(|x| *x = T::ZERO);
        for (&t, &p) in st.targets(f, u).iter().zip(w) {
            out[t as usize] += p;
        }
    } else {
        maths::mix_columns(model.transition(f, u), w, out);
    }
}

/// Every factor's prediction under `action`, written into `out`.
#[inline]
#[allow(
    clippy::indexing_slicing,
    reason = "`f` runs over the action's entries, one per factor; the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn predict<T: Real, S: Spec>(
    model: &Model<T, S>,
    action: &S::Action,
    q: &Belief<T, S>,
    out: &mut Belief<T, S>,
) {
    let mut joint = <S::Joint<T> as Flat<T>>::ZERO;
    for (f, &u) in action.as_ref().iter().enumerate() {
        let r = spec::factors::<S>()[f].range();
        predict_factor(model, f, u, q, &mut joint, &mut out.as_mut_slice()[r]);
    }
}

/// The empirical prior for the next step: `p_f(s') = Σ B_f[s', s_deps, u_f] ∏_d q_d(s_d)`
/// (pymdp `update_empirical_prior` / `compute_expected_state`; mean-field over a factor's
/// transition parents). Errors if an action is out of range for its factor or `qs` has a
/// negative or non-finite entry.
pub fn update_empirical_prior<T: Real, S: Spec>(
    model: &Model<T, S>,
    action: &S::Action,
    qs: &Belief<T, S>,
) -> Result<Belief<T, S>, Error> {
    check_action::<S>(action)?;
    qs.check(Tensor::Belief, false)?;
    let mut out = Belief::ZERO;
    predict(model, action, qs, &mut out);
    Ok(out)
}

/// All-zero actions.
pub fn no_action<S: Spec>() -> S::Action {
    S::Action::ZEROS
}
