//! Sequence inference through the agent (issue 9): the method as a type parameter, windows
//! the caller owns, batches, left-padded windows, shifting full windows, and bad input.

use actinf::inference::{Mmp, Vmp, Window, sequence};
use actinf::{Agent, Belief, Config, Error, MISSING, Model, list};
use rand::{RngExt, SeedableRng, rngs::SmallRng};

actinf::model! {
    /// The inventory's golden single-factor model (§9).
    pub Hmm { factors { Hidden: 2 controlled_by 2 } modalities { Seen: 2 depends_on [Hidden] } }
}

fn hmm() -> Model<f64, Hmm> {
    Model::new(
        &list![[[0.92, 0.12], [0.08, 0.88]]],
        &list![[[[0.85, 0.30], [0.20, 0.65]], [[0.15, 0.70], [0.80, 0.35]]]],
        &list![[0.0, 1.0]],
        &list![[0.55, 0.45]],
    )
    .expect("model")
}

mod two {
    actinf::model! {
        /// Two factors, a transition with two parents, two modalities.
        pub Pair {
            factors { Pos: 3 controlled_by 2, Ctx: 2 depends_on [Pos, Ctx] }
            modalities { See: 3 depends_on [Pos], Hear: 2 depends_on [Pos, Ctx] }
        }
    }
}
use two::Pair;

/// `n` random columns of `rows` probabilities, pymdp C order (outcome axis first).
fn columns(rng: &mut SmallRng, rows: usize, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; rows * n];
    for j in 0..n {
        let w: Vec<f64> = (0..rows).map(|_| rng.random_range(0.05..1.0)).collect();
        let s: f64 = w.iter().sum();
        for (r, x) in w.iter().enumerate() {
            out[r * n + j] = x / s;
        }
    }
    out
}

fn pair(seed: u64) -> Model<f64, Pair> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let a = [columns(&mut rng, 3, 3), columns(&mut rng, 2, 6)].concat();
    let b = [columns(&mut rng, 3, 3 * 2), columns(&mut rng, 2, 3 * 2)].concat();
    let d = [0.5, 0.3, 0.2, 0.6, 0.4];
    Model::from_slices(&a, &b, &[0.0; 5], &d).expect("pair")
}

#[test]
fn the_agent_runs_the_method_of_its_type() {
    let agent = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default())
        .unwrap()
        .with_method::<Mmp<3>>();
    let mut windows = [Window::from_history(*hmm().d(), [[0], [1], [1]], [[0], [1]]).unwrap()];
    agent.infer_states(&mut windows).unwrap();
    // pymdp 1.0.4 (inventory §2.5, 16 sweeps).
    let want = [
        [0.8363426, 0.1636574],
        [0.1668307, 0.8331693],
        [0.116369, 0.8836311],
    ];
    for (q, w) in windows[0].beliefs().iter().zip(want) {
        assert!((q.factor(0)[0] - w[0]).abs() < 1e-6, "{q:?}");
    }
    // Planning starts from the latest step.
    let (q_pi, _) = agent.infer_policies(&windows).unwrap();
    assert!((q_pi[0].sum() - 1.0).abs() < 1e-12);

    let vmp = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default())
        .unwrap()
        .with_method::<Vmp<3>>();
    vmp.infer_states(&mut windows).unwrap();
    assert!((windows[0].beliefs()[1].factor(0)[0] - 0.3548452).abs() < 1e-6);
}

#[test]
fn a_batch_computes_what_each_agent_would() {
    let model = pair(3);
    let agent = Agent::<f64, Pair, 1, 2, 3>::new(model.clone(), Config::default())
        .unwrap()
        .with_method::<Mmp<4>>();
    let mut windows = agent.initial_windows();
    let mut rng = SmallRng::seed_from_u64(9);
    for step in 0..6 {
        let obs: [[usize; 2]; 3] =
            core::array::from_fn(|_| [rng.random_range(0..3), rng.random_range(0..2)]);
        agent.observe(&mut windows, &obs).unwrap();
        agent.infer_states(&mut windows).unwrap();
        for w in &windows {
            let mut alone = *w;
            sequence::mmp(&model, &mut alone, Config::<f64>::default().num_iter).unwrap();
            assert_eq!(alone.beliefs(), w.beliefs(), "step {step}");
        }
        let actions: [[usize; 2]; 3] = core::array::from_fn(|b| [(b + step) % 2, 0]);
        agent.act(&mut windows, &actions).unwrap();
    }
}

#[test]
fn padding_does_not_leak_into_the_valid_steps() {
    for seed in 0..10 {
        let model = pair(seed);
        let mut rng = SmallRng::seed_from_u64(100 + seed);
        let obs: Vec<[usize; 2]> = (0..3)
            .map(|_| [rng.random_range(0..3), rng.random_range(0..2)])
            .collect();
        let acts: Vec<[usize; 2]> = (0..2).map(|_| [rng.random_range(0..2), 0]).collect();
        let prior = *model.d();
        let mut padded = Window::<f64, Pair, 6>::from_slices(prior, &obs, &acts).unwrap();
        let mut exact = Window::<f64, Pair, 3>::from_slices(prior, &obs, &acts).unwrap();
        assert_eq!((padded.len(), padded.start()), (3, 3));
        for variational in [false, true] {
            if variational {
                sequence::vmp(&model, &mut padded, 16).unwrap();
                sequence::vmp(&model, &mut exact, 16).unwrap();
            } else {
                sequence::mmp(&model, &mut padded, 16).unwrap();
                sequence::mmp(&model, &mut exact, 16).unwrap();
            }
            for t in 0..3 {
                let (a, b) = (padded.beliefs()[3 + t], exact.beliefs()[t]);
                for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
                    assert!(
                        (x - y).abs() < 1e-14,
                        "seed {seed}, step {t}: {a:?} vs {b:?}"
                    );
                }
            }
            // Padded steps hold the normalised prior.
            for t in 0..3 {
                for (x, y) in padded.beliefs()[t].as_slice().iter().zip(prior.as_slice()) {
                    assert!((x - y).abs() < 1e-14);
                }
            }
        }
    }
}

#[test]
fn a_full_window_shifts_and_carries_its_prior() {
    let model = hmm();
    let agent = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default())
        .unwrap()
        .with_method::<Mmp<2>>();
    let mut w = agent.initial_windows();
    agent.observe(&mut w, &[[0]]).unwrap();
    agent.infer_states(&mut w).unwrap();
    agent.act(&mut w, &[[1]]).unwrap();
    agent.observe(&mut w, &[[1]]).unwrap();
    agent.infer_states(&mut w).unwrap();
    let q0 = w[0].beliefs()[0];
    agent.act(&mut w, &[[0]]).unwrap();
    agent.observe(&mut w, &[[1]]).unwrap();
    // The window now holds steps 1 and 2; its prior is B(a₀ = 1) · q₀.
    assert_eq!(w[0].len(), 2);
    assert_eq!(w[0].observations(), &[[1], [1]]);
    assert_eq!(w[0].actions(), &[[0]]);
    let mut want = Belief::ZERO;
    actinf::inference::predict(&model, &[1], &q0, &mut want);
    assert_eq!(w[0].prior(), &want);
}

#[test]
fn missing_observations_give_no_evidence_in_a_window() {
    let model = pair(5);
    let prior = *model.d();
    let obs = [[1, MISSING], [MISSING, MISSING], [2, 1]];
    let acts = [[1, 0], [0, 0]];
    let mut w = Window::<f64, Pair, 3>::from_history(prior, obs, acts).unwrap();
    sequence::mmp(&model, &mut w, 16).unwrap();
    for q in w.beliefs() {
        assert!(q.as_slice().iter().all(|x| x.is_finite()));
        for f in 0..2 {
            assert!((q.factor(f).iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}

#[test]
fn windows_reject_bad_input() {
    let model = hmm();
    let mut w = Window::<f64, Hmm, 3>::new(*model.d());
    let err: Error = w.act([0]).unwrap_err();
    assert!(err.to_string().contains("window"), "{err}");
    w.observe(&model, [1]).unwrap();
    let err = w.observe(&model, [0]).unwrap_err();
    assert!(err.to_string().contains("action"), "{err}");
    let err = w.observe(&model, [2]).unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
    let err = w.act([2]).unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
    w.act([1]).unwrap();
    assert!(w.act([1]).is_err());
    // History of the wrong length, at run time.
    let err = Window::<f64, Hmm, 3>::from_slices(*model.d(), &[[0], [1]], &[[0], [1]]).unwrap_err();
    assert!(err.to_string().contains("expected 1"), "{err}");
    // An agent with an empty window, or a broken prior.
    let agent = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default())
        .unwrap()
        .with_method::<Mmp<3>>();
    let mut empty = agent.initial_windows();
    assert!(agent.infer_states(&mut empty).is_err());
    let mut bad = *model.d();
    bad.as_mut_slice()[0] = f64::NAN;
    let mut ws = [Window::from_history(*model.d(), [[0], [1], [1]], [[0], [1]]).unwrap()];
    agent.infer_states(&mut ws).unwrap();
    ws[0] = Window::new(bad);
    ws[0].observe(&model, [0]).unwrap();
    let err = agent.infer_states(&mut ws).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
}

#[test]
fn the_spm_mode_runs_through_the_agent() {
    use actinf::inference::{SpmConfig, SpmMmp, spm_mmp};
    let model = hmm();
    let agent = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default().num_iter(5))
        .unwrap()
        .with_method::<SpmMmp<3>>();
    let mut windows = [Window::from_history(*model.d(), [[0], [1], [1]], [[0], [1]]).unwrap()];
    agent.infer_states(&mut windows).unwrap();
    let (mut past, mut future) = ([Belief::ZERO; 3], [Belief::<f64, Hmm>::ZERO; 0]);
    spm_mmp(
        &model,
        &windows[0],
        &[],
        &SpmConfig::default(),
        &mut past,
        &mut future,
    )
    .unwrap();
    assert_eq!(windows[0].beliefs(), &past);
    // Different from pymdp's MMP on the same window (τ = 1/4, 5 sweeps, SPM's messages).
    let mut jax = windows[0];
    sequence::mmp(&model, &mut jax, 16).unwrap();
    assert!((jax.beliefs()[0].factor(0)[0] - past[0].factor(0)[0]).abs() > 1e-3);
}

#[test]
fn one_step_agents_keep_their_filtered_history_in_a_window() {
    use actinf::inference::{Exact, Ovf, hmm};
    let model = pair(11);
    let ovf = Agent::<f64, Pair, 1, 2>::new(model.clone(), Config::default())
        .unwrap()
        .with_method::<Ovf>();
    let fpi = Agent::<f64, Pair, 1, 2>::new(model.clone(), Config::default()).unwrap();
    let mut windows = ovf.initial_windows::<3>();
    let mut prior = fpi.initial_prior();
    let mut rng = SmallRng::seed_from_u64(4);
    for t in 0..5 {
        let obs = [[rng.random_range(0..3), rng.random_range(0..2)]];
        ovf.observe(&mut windows, &obs).unwrap();
        ovf.filter(&mut windows).unwrap();
        // The classic loop: FPI on the observation, then the empirical prior.
        let qs = fpi.infer_states(&obs, &prior).unwrap();
        assert_eq!(windows[0].latest(), &qs[0], "step {t}");
        let action = [[t % 2, 0]];
        ovf.act(&mut windows, &action).unwrap();
        prior = fpi.update_empirical_prior(&action, &qs).unwrap();
    }

    // Exact filtering of an HMM is the forward pass of the forward-backward algorithm.
    let exact = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default())
        .unwrap()
        .with_method::<Exact>();
    let mut w = exact.initial_windows::<4>();
    for (t, o) in [0, 1, 1, 0].into_iter().enumerate() {
        exact.observe(&mut w, &[[o]]).unwrap();
        exact.filter(&mut w).unwrap();
        if t < 3 {
            exact.act(&mut w, &[[t % 2]]).unwrap();
        }
    }
    let fb = hmm::forward_backward(&hmm(), &w[0]);
    for t in 0..4 {
        for (a, b) in w[0].beliefs()[t]
            .as_slice()
            .iter()
            .zip(fb.filtered[t].as_slice())
        {
            assert!((a - b).abs() < 1e-12, "step {t}");
        }
    }
}

#[test]
fn free_energy_is_a_diagnostic_of_every_method() {
    use actinf::inference::vfe;
    let model = hmm();
    // One step, single factor: at the exact posterior, F = −ln p(o).
    let agent = Agent::<f64, Hmm, 1, 2>::new(hmm(), Config::default()).unwrap();
    let prior = agent.initial_prior();
    let qs = agent.infer_states(&[[1]], &prior).unwrap();
    let f = agent.free_energy(&[[1]], &qs, &prior).unwrap();
    let p_o = 0.55 * 0.08 + 0.45 * 0.88;
    assert!((f[0].vfe + f64::ln(p_o)).abs() < 1e-12, "{:?}", f[0]);
    // A sequence agent scores its window's posteriors.
    let mmp = agent.with_method::<Mmp<3>>();
    let mut windows = [Window::from_history(*model.d(), [[0], [1], [1]], [[0], [1]]).unwrap()];
    mmp.infer_states(&mut windows).unwrap();
    let g = mmp.free_energy(&windows).unwrap();
    let want = vfe::sequence(&model, &windows[0], windows[0].beliefs()).unwrap();
    assert_eq!(g[0], want);
    assert!((g[0].vfe_t.iter().sum::<f64>() - g[0].vfe).abs() < 1e-12);
}

/// MMP and VMP written out with plain loops over the `Pair` model's states, from the
/// inventory's formulas (§2.5): an independent check of the sparse `A` and coupled `B`
/// messages (`Ctx`'s transition depends on `Pos` and `Ctx`). `q[t][f]` per step and factor.
#[allow(clippy::needless_range_loop)] // the loops mirror the formulas' indices
fn reference(
    model: &Model<f64, Pair>,
    obs: &[[usize; 2]],
    acts: &[[usize; 2]],
    iters: usize,
    vmp: bool,
) -> Vec<[Vec<f64>; 2]> {
    let big_t = obs.len();
    let (np, nc) = (3, 2);
    let ln = |x: f64| x.max(f64::EPSILON).ln();
    let prior = model.d().as_slice().to_vec();
    let p = [prior[..np].to_vec(), prior[np..].to_vec()];
    // B_pos[s', pos, u] (parents [Pos]); B_ctx[s', (pos, ctx), u] (parents [Pos, Ctx]).
    let b_pos = |n: usize, pos: usize, u: usize| model.b_entry(0, n, pos, u);
    let b_ctx = |n: usize, pos: usize, ctx: usize| model.b_entry(1, n, pos * nc + ctx, 0);
    let a_see = |o: usize, pos: usize| model.a_entry(0, o, pos);
    let a_hear = |o: usize, pos: usize, ctx: usize| model.a_entry(1, o, pos * nc + ctx);
    let softmax = |x: Vec<f64>| {
        let m = x.iter().cloned().fold(f64::MIN, f64::max);
        let e: Vec<f64> = x.iter().map(|v| (v - m).exp()).collect();
        let z: f64 = e.iter().sum();
        e.iter().map(|v| v / z).collect::<Vec<f64>>()
    };
    let mut q: Vec<[Vec<f64>; 2]> = vec![[vec![1.0 / 3.0; np], vec![0.5; nc]]; big_t];
    for _ in 0..iters {
        let old = q.clone();
        for t in 0..big_t {
            let w = if !vmp && t + 1 < big_t { 0.5 } else { 1.0 };
            let (o_see, o_hear) = (obs[t][0], obs[t][1]);
            let mut lpos = vec![0.0; np];
            let mut lctx = vec![0.0; nc];
            for pos in 0..np {
                lpos[pos] += ln(a_see(o_see, pos));
                for ctx in 0..nc {
                    let l = ln(a_hear(o_hear, pos, ctx));
                    lpos[pos] += l * old[t][1][ctx];
                    lctx[ctx] += l * old[t][0][pos];
                }
            }
            // From the past.
            if t == 0 {
                for s in 0..np {
                    lpos[s] += w * ln(p[0][s]);
                }
                for s in 0..nc {
                    lctx[s] += w * ln(p[1][s]);
                }
            } else {
                let (qp, qc, u) = (&old[t - 1][0], &old[t - 1][1], acts[t - 1][0]);
                for n in 0..np {
                    let pred: f64 = (0..np).map(|s| b_pos(n, s, u) * qp[s]).sum();
                    let lnb: f64 = (0..np).map(|s| ln(b_pos(n, s, u)) * qp[s]).sum();
                    lpos[n] += w * if vmp { lnb } else { ln(pred) };
                }
                for n in 0..nc {
                    let (mut pred, mut lnb) = (0.0, 0.0);
                    for s in 0..np {
                        for c in 0..nc {
                            pred += b_ctx(n, s, c) * qp[s] * qc[c];
                            lnb += ln(b_ctx(n, s, c)) * qp[s] * qc[c];
                        }
                    }
                    lctx[n] += w * if vmp { lnb } else { ln(pred) };
                }
            }
            // From the future.
            if t + 1 < big_t {
                let (qp, qc, u) = (&old[t][0], &old[t][1], acts[t][0]);
                let (np1, nc1) = (&old[t + 1][0], &old[t + 1][1]);
                // Pos's own transition, to Pos.
                let rows: Vec<f64> = (0..np)
                    .map(|n| (0..np).map(|s| b_pos(n, s, u)).sum())
                    .collect();
                for s in 0..np {
                    lpos[s] += if vmp {
                        (0..np).map(|n| np1[n] * ln(b_pos(n, s, u))).sum::<f64>()
                    } else {
                        let m: f64 = (0..np)
                            .map(|n| np1[n] * b_pos(n, s, u) / rows[n].max(f64::EPSILON))
                            .sum();
                        0.5 * ln(m)
                    };
                }
                // Ctx's transition, to Pos (Ctx averaged) and to Ctx (Pos averaged).
                let n_pos =
                    |n: usize, s: usize| (0..nc).map(|c| b_ctx(n, s, c) * qc[c]).sum::<f64>();
                let n_ctx =
                    |n: usize, c: usize| (0..np).map(|s| b_ctx(n, s, c) * qp[s]).sum::<f64>();
                for s in 0..np {
                    lpos[s] += if vmp {
                        (0..nc)
                            .map(|n| {
                                nc1[n] * (0..nc).map(|c| qc[c] * ln(b_ctx(n, s, c))).sum::<f64>()
                            })
                            .sum::<f64>()
                    } else {
                        let m: f64 = (0..nc)
                            .map(|n| {
                                let r: f64 = (0..np).map(|x| n_pos(n, x)).sum();
                                nc1[n] * n_pos(n, s) / r.max(f64::EPSILON)
                            })
                            .sum();
                        0.5 * ln(m)
                    };
                }
                for c in 0..nc {
                    lctx[c] += if vmp {
                        (0..nc)
                            .map(|n| {
                                nc1[n] * (0..np).map(|s| qp[s] * ln(b_ctx(n, s, c))).sum::<f64>()
                            })
                            .sum::<f64>()
                    } else {
                        let m: f64 = (0..nc)
                            .map(|n| {
                                let r: f64 = (0..nc).map(|x| n_ctx(n, x)).sum();
                                nc1[n] * n_ctx(n, c) / r.max(f64::EPSILON)
                            })
                            .sum();
                        0.5 * ln(m)
                    };
                }
            }
            q[t] = [softmax(lpos), softmax(lctx)];
        }
    }
    q
}

#[test]
fn mmp_and_vmp_match_plain_loops_with_coupled_transitions() {
    for seed in 0..8 {
        let model = pair(20 + seed);
        let mut rng = SmallRng::seed_from_u64(seed);
        let obs: Vec<[usize; 2]> = (0..4)
            .map(|_| [rng.random_range(0..3), rng.random_range(0..2)])
            .collect();
        let acts: Vec<[usize; 2]> = (0..3).map(|_| [rng.random_range(0..2), 0]).collect();
        for vmp in [false, true] {
            let mut w = Window::<f64, Pair, 4>::from_slices(*model.d(), &obs, &acts).unwrap();
            for iters in [1, 3, 16] {
                if vmp {
                    sequence::vmp(&model, &mut w, iters).unwrap();
                } else {
                    sequence::mmp(&model, &mut w, iters).unwrap();
                }
                let want = reference(&model, &obs, &acts, iters, vmp);
                for (t, q) in w.beliefs().iter().enumerate() {
                    for (f, want_f) in want[t].iter().enumerate() {
                        for (a, b) in q.factor(f).iter().zip(want_f) {
                            assert!(
                                (a - b).abs() < 1e-12,
                                "seed {seed}, vmp {vmp}, {iters} sweeps, step {t}, factor {f}: {:?} vs {:?}",
                                q.factor(f),
                                want_f
                            );
                        }
                    }
                }
            }
        }
    }
}
