//! The grid-world example: its agent reaches the goal, and its SVG picture is well-formed XML
//! with the path through every visited cell and one belief heat map per step.

#[path = "../../examples/grid_world.rs"]
mod example;

#[test]
fn grid_world_example_reaches_the_goal_and_draws_its_path() {
    let traj = example::run(3, 30).expect("run");
    let grid = example::grid();
    let goal = grid.index(example::GOAL.0, example::GOAL.1);
    assert_eq!(traj.cells.first(), Some(&grid.index(0, 0)));
    assert_eq!(traj.cells.last(), Some(&goal));
    assert_eq!(traj.actions.len() + 1, traj.cells.len());
    assert_eq!(traj.predicted.len(), traj.cells.len());
    // Never inside a wall, and every belief is a distribution.
    for &c in &traj.cells {
        let (r, col) = grid.coords(c);
        assert!(!grid.is_wall(r, col));
    }
    for q in traj.predicted.iter().chain(&traj.posterior) {
        assert!((q.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    let text = example::svg(&grid, &traj);
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let path = doc
        .descendants()
        .find(|n| n.tag_name().name() == "polyline" && n.attribute("id") == Some("path"))
        .expect("the path element");
    let points = path.attribute("points").expect("points");
    assert_eq!(points.split_whitespace().count(), traj.cells.len());
    let beliefs = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("belief"))
        .count();
    assert_eq!(beliefs, traj.predicted.len());
    let walls = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("cell") && n.attribute("fill") == Some("#444"))
        .count();
    assert_eq!(walls, example::WALLS.len());
}

#[test]
fn grid_world_example_is_reproducible_across_seeds() {
    for seed in 0..5 {
        let a = example::run(seed, 30).expect("run");
        let b = example::run(seed, 30).expect("run");
        assert_eq!(a.cells, b.cells);
        let goal = example::grid().index(example::GOAL.0, example::GOAL.1);
        assert_eq!(a.cells.last(), Some(&goal), "seed {seed}");
    }
}
