//! What a new user ran into (issue #13 item 10).

use actinf::config::Config;
use actinf::error::Problem;
use actinf::{Agent, Belief, Beliefs, DirichletA, DirichletB, DirichletD, Model, list};

actinf::model! {
    /// Two places, a bit.
    pub Coin {
        factors {
            Side: 2 controlled_by 2,
        }
        modalities {
            Seen: 2 depends_on [Side],
        }
    }
}

const NP: usize = actinf::spec::num_policies::<Coin>(1);

fn coin() -> Model<f64, Coin> {
    Model::new(
        &list![[[0.9, 0.1], [0.1, 0.9]]],
        &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
        &list![[1.0, 0.0]],
        &list![[0.5, 0.5]],
    )
    .unwrap()
}

#[test]
fn all_zero_concentration_is_rejected() {
    let e = DirichletA::<f64, Coin>::new(&list![[[0.0, 1.0], [0.0, 1.0]]]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletA::<f64, Coin>::from_slice(&[0.0, 1.0, 0.0, 1.0]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e =
        DirichletB::<f64, Coin>::new(&list![[[[0.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]])
            .unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletD::<f64, Coin>::new(&list![[0.0, 0.0]]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    let e = DirichletD::<f64, Coin>::from_slice(&[0.0, 0.0]).unwrap_err();
    assert_eq!(e.problem, Problem::ZeroConcentration);
    assert!(DirichletD::<f64, Coin>::new(&list![[0.0, 1.0]]).is_ok());
}

#[test]
fn concentration_whose_sum_overflows_is_rejected() {
    // f64: the sum overflows f64.
    let e = DirichletA::<f64, Coin>::new(&list![[[1e308, 1.0], [1e308, 1.0]]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
    // f32: the sum is finite in f64 but not in f32, where the column is normalised.
    let e = DirichletA::<f32, Coin>::new(&list![[[3e38, 1.0], [3e38, 1.0]]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
    let e = DirichletD::<f32, Coin>::new(&list![[3e38, 3e38]]).unwrap_err();
    assert!(matches!(e.problem, Problem::NotFinite { .. }), "{e}");
}
