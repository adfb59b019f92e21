//! Random models and beliefs with an explicit generator: pymdp's `utils.random_A_array`,
//! `random_B_array`, `random_factorized_categorical` and `create_controllable_B`, for tests,
//! examples and experiments. (pymdp's `generate_agent_spec` has no runtime counterpart here:
//! dimensions are types.)
//!
//! Columns are drawn from a symmetric Dirichlet with the given concentration α (a Gamma(α, 1)
//! draw per entry, normalised in log space so that tiny draws do not underflow): α = 1 is uniform over the simplex, small α gives nearly
//! one-hot columns, large α nearly uniform ones. pymdp draws uniform entries and normalises
//! them, which is not a Dirichlet; the shapes and invariants (normalised columns) are the
//! same.
//!
//! Everything is written in place: `init_*` fill a model the caller owns (boxed or `static`
//! for large ones); [`random_model`] returns one by value.
//!
//! ```
//! use actinf::model::random;
//! use rand::{SeedableRng, rngs::SmallRng};
//! actinf::model! {
//!     pub Pair { factors { F: 3 controlled_by 3, G: 2 } modalities { O: 4 depends_on [F, G] } }
//! }
//! let mut rng = SmallRng::seed_from_u64(0);
//! let m = random::random_model::<f64, Pair>(1.0, &mut rng)?;
//! let col = m.column(0, 5);
//! assert!((col.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! let q = random::random_belief::<f64, Pair>(&mut rng);
//! assert!((q.factor(1).iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! # Ok::<(), actinf::Error>(())
//! ```

use num_traits::Float;
use rand::Rng;
use rand_distr::{Distribution, Gamma};

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::{Belief, Model};
use crate::spec::{self, Spec};

fn concentration_error(alpha: f64) -> Error {
    Error::new(
        Tensor::Hyperparameter,
        0,
        "concentration",
        Entry::at(0),
        if alpha.is_finite() {
            Problem::Negative { value: alpha }
        } else {
            Problem::NotFinite { value: alpha }
        },
    )
}

/// A sampler of `ln X`, `X ~ Gamma(α, 1)`, accurate for any α > 0: for α < 1 it draws
/// `Gamma(α + 1)·U^{1/α}` in log space, so tiny draws do not underflow.
struct LnGamma {
    gamma: Gamma<f64>,
    inv_alpha: Option<f64>,
}

impl LnGamma {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let g = Float::ln(self.gamma.sample(rng));
        match self.inv_alpha {
            None => g,
            Some(inv) => {
                // U in (0, 1] from 53 random bits: ln U finite.
                let u = ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
                g + Float::ln(u) * inv
            }
        }
    }
}

fn gamma(alpha: f64) -> Result<LnGamma, Error> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(concentration_error(alpha));
    }
    let (shape, inv_alpha) = if alpha < 1.0 {
        (alpha + 1.0, Some(1.0 / alpha))
    } else {
        (alpha, None)
    };
    Ok(LnGamma {
        gamma: Gamma::new(shape, 1.0).map_err(|_| concentration_error(alpha))?,
        inv_alpha,
    })
}

/// Fills `out` with a draw from the symmetric Dirichlet whose log-Gamma sampler is `g`: the
/// normalised Gamma draws, computed as a softmax of their logarithms (no underflow).
fn dirichlet_column<T: Real, R: Rng + ?Sized>(g: &LnGamma, out: &mut [T], rng: &mut R) {
    let mut max = f64::NEG_INFINITY;
    for x in out.iter_mut() {
        let v = g.sample(rng);
        max = max.max(v);
        *x = T::lit(v);
    }
    let mut total = 0.0;
    for x in out.iter_mut() {
        let e = Float::exp(x.as_f64() - max);
        total += e;
        *x = T::lit(e);
    }
    for x in out.iter_mut() {
        *x = T::lit(x.as_f64() / total);
    }
}

/// Every column of `A` drawn from a symmetric Dirichlet(α) (pymdp `random_A_array`), the
/// caches refreshed; `B`, `C`, `D` unchanged.
///
/// Errors: α not positive and finite (nothing is written).
pub fn init_random_a<T: Real, S: Spec, R: Rng + ?Sized>(
    model: &mut Model<T, S>,
    alpha: f64,
    rng: &mut R,
) -> Result<(), Error> {
    let g = gamma(alpha)?;
    for (m, info) in spec::modalities::<S>().iter().enumerate() {
        model.set_likelihood_with(m, |a| {
            for col in a.chunks_exact_mut(info.outcomes) {
                dirichlet_column(&g, col, rng);
            }
        });
    }
    Ok(())
}

/// Every column of `B` (each parent state, each action) drawn from a symmetric Dirichlet(α)
/// (pymdp `random_B_array`, with `B_dependencies`), the structure refreshed.
///
/// Errors: α not positive and finite (nothing is written).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed"
)]
pub fn init_random_b<T: Real, S: Spec, R: Rng + ?Sized>(
    model: &mut Model<T, S>,
    alpha: f64,
    rng: &mut R,
) -> Result<(), Error> {
    let g = gamma(alpha)?;
    model.set_transitions_with(|b| {
        for info in spec::factors::<S>() {
            let bf = &mut b[info.transition_offset..][..info.transition_len()];
            for col in bf.chunks_exact_mut(info.states) {
                dirichlet_column(&g, col, rng);
            }
        }
    });
    Ok(())
}

/// pymdp's `create_controllable_B`: for each factor with as many actions as states, action
/// `u` moves to state `u` from anywhere (`B[s', s, u] = [s' = u]`); a factor with one action
/// keeps its state (identity). Every other parent of the factor is ignored.
///
/// Errors: a factor with several actions but not one per state (`WrongShape` on `B`; nothing
/// is written).
#[allow(
    clippy::indexing_slicing,
    reason = "the ranges and offsets come from the model's `Layout`, computed at compile time, which also sizes the storage indexed; `own_axis < parents.len` (every transition lists its own factor)"
)]
pub fn init_controllable_b<T: Real, S: Spec>(model: &mut Model<T, S>) -> Result<(), Error> {
    for (f, info) in spec::factors::<S>().iter().enumerate() {
        if info.controls != 1 && info.controls != info.states {
            return Err(Error::new(
                Tensor::B,
                f,
                info.name,
                Entry::at(0),
                Problem::WrongShape {
                    axis: 2,
                    expected: info.states as u32,
                    found: info.controls as u32,
                },
            ));
        }
    }
    model.set_transitions_with(|b| {
        for info in spec::factors::<S>() {
            let (n, j) = (info.states, info.parents.joint);
            let stride: usize = info.parents.dims()[info.own_axis + 1..].iter().product();
            let bf = &mut b[info.transition_offset..][..info.transition_len()];
            for u in 0..info.controls {
                for col in 0..j {
                    let column = &mut bf[(u * j + col) * n..][..n];
                    let to = if info.controls == 1 {
                        (col / stride.max(1)) % n.max(1)
                    } else {
                        u
                    };
                    for (s, x) in column.iter_mut().enumerate() {
                        *x = if s == to { T::ONE } else { T::ZERO };
                    }
                }
            }
        }
    });
    Ok(())
}

/// A belief with every factor drawn from a symmetric Dirichlet(1) (pymdp
/// `random_factorized_categorical`, uniform over each simplex).
pub fn random_belief<T: Real, S: Spec>(rng: &mut (impl Rng + ?Sized)) -> Belief<T, S> {
    let Ok(g) = gamma(1.0) else {
        unreachable!("Gamma(1, 1) is valid")
    };
    let mut q = Belief::<T, S>::ZERO;
    for f in 0..spec::num_factors::<S>() {
        dirichlet_column(&g, q.factor_mut(f), rng);
    }
    q
}

/// A random model: `A` and `B` drawn column by column from a symmetric Dirichlet(α), `C`
/// zero, `D` uniform. For large models, fill a boxed [`Model::EMPTY`] with
/// [`init_random_a`], [`init_random_b`] (and `set_d`) instead.
///
/// Errors: α not positive and finite.
pub fn random_model<T: Real, S: Spec>(
    alpha: f64,
    rng: &mut (impl Rng + ?Sized),
) -> Result<Model<T, S>, Error> {
    let mut m = Model::uniform();
    m.raw_mut().2.fill(T::ZERO);
    init_random_a(&mut m, alpha, rng)?;
    init_random_b(&mut m, alpha, rng)?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::SmallRng};

    crate::model! {
        pub Two {
            factors { F: 3 controlled_by 3, G: 4 depends_on [F, G] }
            modalities { O: 5 depends_on [F, G], P: 2 depends_on [G] }
        }
    }

    #[test]
    fn columns_are_normalised_and_sparse_for_small_alpha() {
        let mut rng = SmallRng::seed_from_u64(3);
        for alpha in [1e-3, 0.1, 1.0, 50.0] {
            let m = random_model::<f64, Two>(alpha, &mut rng).unwrap();
            for col in m.a().chunks_exact(5).take(12) {
                assert!((col.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
            for info in spec::factors::<Two>() {
                let bf = &m.b()[info.transition_offset..][..info.transition_len()];
                for col in bf.chunks_exact(info.states) {
                    assert!((col.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{col:?}");
                    assert!(col.iter().all(|&x| x >= 0.0));
                }
            }
        }
        let m = random_model::<f32, Two>(1e-3, &mut rng).unwrap();
        let max = m.column(0, 0).iter().copied().fold(0.0f32, f32::max);
        assert!(max > 0.99, "α = 1e-3 is nearly one-hot: {max}");
    }

    #[test]
    fn controllable_b_moves_to_the_chosen_state() {
        let mut m = Model::<f64, Two>::uniform();
        init_controllable_b(&mut m).unwrap();
        for u in 0..3 {
            for s in 0..3 {
                assert_eq!(m.b_entry(0, u, s, u), 1.0);
            }
        }
        // G (one action, parents F and G) keeps its state.
        for f in 0..3 {
            for g in 0..4 {
                assert_eq!(m.b_entry(1, g, f * 4 + g, 0), 1.0);
            }
        }
    }

    #[test]
    fn bad_concentration_is_an_error() {
        let mut rng = SmallRng::seed_from_u64(0);
        for alpha in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(random_model::<f64, Two>(alpha, &mut rng).is_err());
        }
        crate::model! { pub Odd { factors { H: 3 controlled_by 2 } modalities { Q: 2 depends_on [H] } } }
        let mut m = Model::<f64, Odd>::uniform();
        assert!(init_controllable_b(&mut m).is_err());
    }

    /// The moments of Dirichlet(α·1) in 3 dimensions: mean 1/3, variance
    /// `(1/3)(2/3) / (3α + 1)`; both branches of the sampler (α < 1 and α ≥ 1).
    #[test]
    fn draws_have_the_dirichlet_moments() {
        let mut rng = SmallRng::seed_from_u64(9);
        for alpha in [0.2, 0.5, 1.0, 3.0] {
            let g = gamma(alpha).unwrap();
            let n = 40_000;
            let (mut sum, mut sq) = (0.0, 0.0);
            let mut col = [0.0f64; 3];
            for _ in 0..n {
                dirichlet_column(&g, &mut col, &mut rng);
                sum += col[0];
                sq += col[0] * col[0];
            }
            let mean = sum / n as f64;
            let var = sq / n as f64 - mean * mean;
            let want = (1.0 / 3.0) * (2.0 / 3.0) / (3.0 * alpha + 1.0);
            assert!((mean - 1.0 / 3.0).abs() < 0.01, "α = {alpha}: mean {mean}");
            assert!(
                (var / want - 1.0).abs() < 0.05,
                "α = {alpha}: variance {var} vs {want}"
            );
        }
    }

    #[test]
    fn random_beliefs_are_normalised() {
        let mut rng = SmallRng::seed_from_u64(1);
        for _ in 0..100 {
            let q = random_belief::<f32, Two>(&mut rng);
            for f in 0..2 {
                assert!((q.factor(f).iter().sum::<f32>() - 1.0).abs() < 1e-5);
            }
        }
    }
}
