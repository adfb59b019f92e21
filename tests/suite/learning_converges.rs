//! The learning example converges: from a flat prior over what the cue means, after 200
//! trials (seed 7, as the example prints) the learned cue likelihood is within KL 0.05 of the
//! truth and the agent collects the reward in more than 80 % of the last 50 trials. Its
//! `--svg` picture parses as XML and holds both curves.

#[path = "../../examples/learning.rs"]
#[allow(dead_code)]
mod example;

#[test]
fn learns_the_cue_and_the_reward_rate_rises() {
    let curve = example::run(200, 7).expect("run");
    assert_eq!(curve.kl.len(), 200);
    let kl = curve.kl[199];
    assert!(kl < 0.05, "KL after 200 trials: {kl}");
    assert!(
        curve.kl[0] > 0.3,
        "it starts far from the truth: {}",
        curve.kl[0]
    );
    let late = curve.reward_rate(150..200);
    let early = curve.reward_rate(0..20);
    assert!(late > 0.8, "reward rate over trials 150–200: {late}");
    assert!(late > early, "the reward rate rises: {early} → {late}");
    let validity = curve.validity[199];
    assert!(
        (validity - 0.95).abs() < 0.05,
        "learned cue validity {validity}"
    );
}

#[test]
fn svg_parses_and_contains_the_curves() {
    let curve = example::run(40, 1).expect("run");
    let svg = example::svg(&curve);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    for id in ["kl", "reward-rate"] {
        let path = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element with id {id}"));
        assert_eq!(path.tag_name().name(), "path");
        let d = path.attribute("d").unwrap();
        // one point per trial: a move and 39 line segments
        assert_eq!(d.matches('L').count(), 39, "{id}: {d}");
    }
}
