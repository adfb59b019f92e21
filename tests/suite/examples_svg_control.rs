//! The SVG pictures of `examples/cue_chaining.rs` and `examples/thermostat.rs` are
//! well-formed XML with their path / trace elements.

// The examples are compiled once in the suite, by the modules that test them.
use crate::envs_cue_chaining::example as cue_chaining;
use crate::thermostat::example as thermostat;

fn class_count(doc: &roxmltree::Document, tag: &str, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
        .count()
}

#[test]
fn cue_chaining_svg() {
    let ep = cue_chaining::run(0, Some(0), Some(1), 16).expect("episode");
    let text = cue_chaining::svg(&ep);
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(class_count(&doc, "polyline", "path"), 1);
    let path = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("path"))
        .and_then(|n| n.attribute("points"))
        .expect("points");
    assert_eq!(path.split_whitespace().count(), ep.steps.len());
    assert_eq!(class_count(&doc, "rect", "cell"), 35);
    assert_eq!(class_count(&doc, "g", "belief"), 1);
}

#[test]
fn thermostat_svg() {
    let run = thermostat::run(60, 0).expect("run");
    let text = thermostat::svg(&run);
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    for class in ["agent", "bang-bang", "outside"] {
        assert_eq!(class_count(&doc, "polyline", class), 1, "{class}");
        let pts = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(class))
            .and_then(|n| n.attribute("points"))
            .expect("points");
        assert_eq!(pts.split_whitespace().count(), 60);
    }
    assert_eq!(class_count(&doc, "line", "set-point"), 1);
}
