//! Missing observations (`actinf::MISSING`, pymdp's `-1` or mask 0): a modality that observed
//! nothing gives no evidence and never touches its `A`, so inference equals inference on the
//! model without that modality. Random models, several seeds.

use actinf::{Belief, MISSING, Model, inference};
use rand::{RngExt, SeedableRng, rngs::SmallRng};

mod full {
    actinf::model! {
        /// Two factors, three modalities (one of each dependency shape).
        pub Full {
            factors { Place: 3 controlled_by 2, Mood: 2 }
            modalities { Eye: 3 depends_on [Place], Ear: 4 depends_on [Place, Mood], Skin: 2 depends_on [Mood] }
        }
    }
}

mod deaf {
    actinf::model! {
        /// `Full` without its `Ear`.
        pub Deaf {
            factors { Place: 3 controlled_by 2, Mood: 2 }
            modalities { Eye: 3 depends_on [Place], Skin: 2 depends_on [Mood] }
        }
    }
}

use deaf::Deaf;
use full::Full;

/// `n` columns of `rows` random probabilities each, in pymdp's C order (outcome axis first).
fn columns(rng: &mut SmallRng, rows: usize, n: usize) -> Vec<f64> {
    let mut cols = vec![0.0; rows * n];
    for j in 0..n {
        let w: Vec<f64> = (0..rows).map(|_| rng.random_range(0.05..1.0)).collect();
        let s: f64 = w.iter().sum();
        for (r, x) in w.iter().enumerate() {
            cols[r * n + j] = x / s;
        }
    }
    cols
}

fn models(seed: u64) -> (Model<f64, Full>, Model<f64, Deaf>) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let eye = columns(&mut rng, 3, 3);
    let ear = columns(&mut rng, 4, 6);
    let skin = columns(&mut rng, 2, 2);
    let b_place = columns(&mut rng, 3, 3 * 2);
    let b_mood = columns(&mut rng, 2, 2);
    let b: Vec<f64> = [b_place, b_mood].concat();
    let d = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.5, 0.5];
    let full_a: Vec<f64> = [eye.clone(), ear, skin.clone()].concat();
    let deaf_a: Vec<f64> = [eye, skin].concat();
    let full = Model::from_slices(&full_a, &b, &[0.0; 9], &d).expect("full");
    let deaf = Model::from_slices(&deaf_a, &b, &[0.0; 5], &d).expect("deaf");
    (full, deaf)
}

#[test]
fn fpi_with_a_missing_modality_is_fpi_without_it() {
    for seed in 0..20 {
        let (full, deaf) = models(seed);
        let mut rng = SmallRng::seed_from_u64(100 + seed);
        let prior_full = Belief::<f64, Full>::from_slice(&[0.2, 0.3, 0.5, 0.6, 0.4]).unwrap();
        let prior_deaf = Belief::<f64, Deaf>::from_slice(prior_full.as_slice()).unwrap();
        let (eye, skin) = (rng.random_range(0..3), rng.random_range(0..2));
        for iters in [1, 4, 16] {
            let q_full =
                inference::infer_states(&full, &[eye, MISSING, skin], &prior_full, iters).unwrap();
            let q_deaf = inference::infer_states(&deaf, &[eye, skin], &prior_deaf, iters).unwrap();
            assert_eq!(
                q_full.as_slice(),
                q_deaf.as_slice(),
                "seed {seed}, {iters} sweeps"
            );
        }
    }
}

#[test]
fn every_modality_missing_leaves_the_prior() {
    let (full, _) = models(7);
    let prior = Belief::<f64, Full>::from_slice(&[0.2, 0.3, 0.5, 0.6, 0.4]).unwrap();
    let q = inference::infer_states(&full, &[MISSING; 3], &prior, 16).unwrap();
    for (a, b) in q.as_slice().iter().zip(prior.as_slice()) {
        assert!((a - b).abs() < 1e-15);
    }
}

#[test]
fn an_out_of_range_observation_is_still_an_error() {
    let (full, _) = models(1);
    let prior = full.d();
    let err = inference::infer_states(&full, &[0, 4, 0], prior, 16).unwrap_err();
    assert!(err.to_string().contains("Ear"), "{err}");
}
