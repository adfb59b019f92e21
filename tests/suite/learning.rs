//! Learning beyond parity (issue 10): structural zeros, forgetting against its derivation,
//! novelty weights following the counts, and bad input.

use actinf::config::NoveltyWeight;
use actinf::learn::{self, Forgetting, Learning, Zeros};
use actinf::{Agent, Belief, Config, DirichletA, DirichletB, Model, list};

actinf::model! {
    /// A lamp (off/on, switched by the action) seen by a sensor that cannot read "broken"
    /// when the lamp is off: `A[2][off] = 0` is a structural zero.
    pub Lamp {
        factors { State: 2 controlled_by 2 }
        modalities { Sensor: 3 depends_on [State] }
    }
}

fn model() -> Model<f64, Lamp> {
    Model::new(
        &list![[[0.9, 0.1], [0.1, 0.6], [0.0, 0.3]]],
        &list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]],
        &list![[0.0, 1.0, 0.0]],
        &list![[0.5, 0.5]],
    )
    .unwrap()
}

fn prior_counts() -> DirichletA<f64, Lamp> {
    DirichletA::new(&list![[[9.0, 1.0], [1.0, 6.0], [0.0, 3.0]]]).unwrap()
}

#[test]
fn structural_zeros_survive_a_thousand_updates() {
    let q = Belief::<f64, Lamp>::new(list![[0.5, 0.5]]).unwrap();
    let mut m = model();
    // Outcome 2 ("broken") seen 1000 times while the lamp might be off.
    let mut kept = prior_counts();
    let keep = Learning::new(1.0, 0.0);
    for _ in 0..1000 {
        learn::count_a(&mut kept, &[2], &q, 1.0, &keep).unwrap();
    }
    learn::expected_a(&kept, &mut m, Zeros::Keep).unwrap();
    assert_eq!(kept.modality(0)[2], 0.0, "the count stays zero");
    assert_eq!(m.a_entry(0, 2, 0), 0.0, "A stays exactly zero");
    assert!((m.a_entry(0, 2, 1) - 503.0 / 510.0).abs() < 1e-12);

    // pymdp's rule: the forbidden cell grows (upstream issue #453).
    let mut grown = prior_counts();
    let pymdp = Learning::new(1.0, 0.0).zeros(Zeros::Pymdp);
    for _ in 0..3 {
        learn::count_a(&mut grown, &[2], &q, 1.0, &pymdp).unwrap();
    }
    learn::expected_a(&grown, &mut m, Zeros::Pymdp).unwrap();
    assert!(
        m.a_entry(0, 2, 0) > 0.1,
        "pymdp mode: {}",
        m.a_entry(0, 2, 0)
    );
}

#[test]
fn forgetting_matches_its_derivation() {
    // With the same evidence Δ each update, p ← r·p + lr·Δ gives
    // p_n = rⁿ p₀ + lr·Δ·(1 − rⁿ)/(1 − r): the counts approach lr·Δ/(1 − r).
    let (r, lr) = (0.9, 0.5);
    let rule = Learning::new(lr, 0.0).forgetting(Forgetting::Decay { rate: r });
    let q = Belief::<f64, Lamp>::new(list![[0.25, 0.75]]).unwrap();
    let p0 = prior_counts();
    let mut p = p0;
    let n = 25;
    for _ in 0..n {
        learn::forget_a(&mut p, &rule);
        learn::count_a(&mut p, &[1], &q, lr, &rule).unwrap();
    }
    let rn = f64::powi(r, n);
    // Outcome 1's cells receive Δ = q(state); the others decay only.
    for (k, (&got, &start)) in p.as_slice().iter().zip(p0.as_slice()).enumerate() {
        let (state, outcome) = (k / 3, k % 3);
        let delta = if outcome == 1 {
            [0.25, 0.75][state]
        } else {
            0.0
        };
        let want = rn * start + lr * delta * (1.0 - rn) / (1.0 - r);
        assert!((got - want).abs() < 1e-12, "cell {k}: {got} vs {want}");
    }
    assert_eq!(p.as_slice()[2], 0.0, "a structural zero decays to itself");

    // Toward the prior: p ← p₀ + r(p − p₀) + lr·Δ settles at p₀ + lr·Δ/(1 − r).
    let mut p = p0;
    for _ in 0..400 {
        learn::forget_a_toward(&mut p, &p0, r).unwrap();
        learn::count_a(&mut p, &[1], &q, lr, &Learning::new(lr, 0.0)).unwrap();
    }
    for (k, (&got, &start)) in p.as_slice().iter().zip(p0.as_slice()).enumerate() {
        let (state, outcome) = (k / 3, k % 3);
        let delta = if outcome == 1 {
            [0.25, 0.75][state]
        } else {
            0.0
        };
        let want = start + lr * delta / (1.0 - r);
        assert!((got - want).abs() < 1e-9, "cell {k}: {got} vs {want}");
    }
}

#[test]
fn an_agent_learns_in_place_and_its_novelty_follows() {
    let pa0 = prior_counts();
    let mut agent = Agent::<f64, Lamp, 1, 2>::new(model(), Config::default())
        .unwrap()
        .with_novelty_a(&pa0, NoveltyWeight::Exact);
    let mut pa = pa0;
    let rule = Learning::new(1.0, 0.0);
    let prior = agent.initial_prior();
    let mut w_before = 0.0;
    for step in 0..20 {
        let qs = agent.infer_states(&[[1]], &prior).unwrap();
        agent
            .learn_step(0, &[1], &qs[0], None, Some(&mut pa), None, &rule)
            .unwrap();
        // The agent's A is E[pA] and its novelty weights are those of the new counts.
        let mut m = model();
        learn::expected_a(&pa, &mut m, Zeros::Keep).unwrap();
        assert_eq!(agent.model(0).a(), m.a(), "step {step}");
        let w = agent.efe_terms(0, &qs[0]).unwrap()[1][0].neg_pa_info_gain;
        if step > 0 {
            // More counts, less novelty (the weights shrink toward zero).
            assert!(w.abs() < w_before, "step {step}: {w} vs {w_before}");
        }
        w_before = w.abs();
    }
}

#[test]
fn bad_rates_and_empty_columns_are_errors() {
    let q = Belief::<f64, Lamp>::new(list![[0.5, 0.5]]).unwrap();
    let mut pa = prior_counts();
    let mut pb =
        DirichletB::<f64, Lamp>::new(&list![[[[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]])
            .unwrap();
    for lr in [-1.0, f64::NAN, f64::INFINITY] {
        let e = learn::count_a(&mut pa, &[0], &q, lr, &Learning::new(1.0, 1.0)).unwrap_err();
        assert!(e.to_string().contains("lr_pA"), "{e}");
        let e = learn::count_b(&mut pb, &q, &q, &[0], lr, &Learning::new(1.0, 1.0)).unwrap_err();
        assert!(e.to_string().contains("lr_pB"), "{e}");
        assert!(Learning::<f64>::new(lr, 1.0).check().is_err());
    }
    for rate in [0.0, -0.5, 1.5, f64::NAN] {
        let e = Learning::<f64>::new(1.0, 1.0)
            .forgetting(Forgetting::Decay { rate })
            .check()
            .unwrap_err();
        assert!(e.to_string().contains("forgetting rate"), "{e}");
    }
    assert!(learn::count_b(&mut pb, &q, &q, &[2], 1.0, &Learning::new(1.0, 1.0)).is_err());
    assert!(learn::count_a(&mut pa, &[3], &q, 1.0, &Learning::new(1.0, 1.0)).is_err());
    // A column with no counts left (here, forgotten to nothing) is an error, not a NaN.
    let mut m = model();
    let zero_col = DirichletA::<f64, Lamp>::from_slice(&[1.0, 1.0, 0.0, 1.0, 0.0, 1.0]).unwrap();
    learn::expected_a(&zero_col, &mut m, Zeros::Keep).unwrap();
    let mut gone = zero_col;
    learn::forget_a(
        &mut gone,
        &Learning::new(1.0, 1.0).forgetting(Forgetting::Decay { rate: 1e-300 }),
    );
    learn::forget_a(
        &mut gone,
        &Learning::new(1.0, 1.0).forgetting(Forgetting::Decay { rate: 1e-300 }),
    );
    let e = learn::expected_a(&gone, &mut m, Zeros::Keep).unwrap_err();
    assert!(e.to_string().contains("no positive concentration"), "{e}");
    assert!(m.a().iter().all(|x| x.is_finite()));
}
