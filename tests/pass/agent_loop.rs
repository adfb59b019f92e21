//! A two-factor model used end to end: model, batched and single agents, state inference,
//! policy inference, action sampling and the empirical prior.

use actinf::config::{ActionSelection, Config};
use actinf::{Agent, Belief, Beliefs, Categorical, Model, inference, list};
use rand::{SeedableRng, rngs::SmallRng};

actinf::model! {
    /// Three places; which of the two arms pays depends on a hidden context.
    pub Maze {
        factors {
            /// Start, left arm, right arm.
            Location: 3 controlled_by 3,
            /// Reward on the left or on the right.
            Context: 2,
        }
        modalities {
            Place: 3 depends_on [Location],
            Reward: 2 depends_on [Location, Context],
        }
    }
}

const NP: usize = actinf::spec::num_policies::<Maze>(1);

fn maze() -> Result<Model<f64, Maze>, actinf::Error> {
    // B[Location][next][prev][u]: action u moves to place u.
    let mut b_location = [[[0.0; 3]; 3]; 3];
    for (next, rows) in b_location.iter_mut().enumerate() {
        for row in rows.iter_mut() {
            row[next] = 1.0;
        }
    }
    Model::new(
        &list![
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            // Reward[o][location][context]: the left arm pays in context 0, the right in 1.
            [
                [[0.5, 0.5], [0.0, 1.0], [1.0, 0.0]],
                [[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]],
            ],
        ],
        &list![b_location, [[[1.0], [0.0]], [[0.0], [1.0]]]],
        &list![[0.0, 0.0, 0.0], [0.0, 3.0]],
        &list![[1.0, 0.0, 0.0], [0.5, 0.5]],
    )
}

fn main() -> Result<(), actinf::Error> {
    let model = maze()?;

    // One agent, through the free functions.
    let prior = Belief::new(list![[0.0, 1.0, 0.0], [0.5, 0.5]])?;
    let q = inference::infer_states(&model, &[1, 1], &prior, inference::DEFAULT_NUM_ITER)?;
    assert!(
        q.factor(1)[0] > 0.9,
        "reward in the left arm means context 0: {q}"
    );

    // A batch of two agents, stochastic action selection.
    let config = Config::default()
        .gamma(4.0)
        .action_selection(ActionSelection::Stochastic);
    let agents = Agent::<f64, Maze, 1, NP, 2>::new(model.clone(), config)?;
    let mut rng = SmallRng::seed_from_u64(7);
    let mut prior = agents.initial_prior();
    let mut obs = [[0, 0]; 2];
    for _ in 0..3 {
        let qs = agents.infer_states(&obs, &prior)?;
        let (q_pi, neg_efe) = agents.infer_policies(&qs)?;
        assert!(q_pi.iter().all(|q| (q.sum() - 1.0).abs() < 1e-9));
        assert!(neg_efe.iter().all(|g| g.iter().all(|x| x.is_finite())));
        let actions = agents.sample_action(&q_pi, &mut rng)?;
        prior = agents.update_empirical_prior(&actions, &qs)?;
        for (o, a) in obs.iter_mut().zip(actions) {
            *o = [a[0], 0];
        }
    }

    // A single agent (batch of one), categorical observations.
    let agent = Agent::<f64, Maze, 1, NP>::new(model, Config::default())?;
    let obs = Categorical::one_hot(&[0, 0])?;
    let qs = agent.infer_states_categorical(&[obs], &Beliefs::splat(Belief::uniform()))?;
    let (q_pi, _) = agent.infer_policies(&qs)?;
    let [action] = agent.sample_action(&q_pi, &mut rng)?;
    assert!(action[0] < 3 && action[1] == 0);
    Ok(())
}
