//! Golden tests: hand-written templates (JSON and short-form YAML) in
//! `tests/fixtures/templates/`, diffed and graphed, with insta snapshots in `snapshots/`.

use rcdk::review::diff::{
    Change, RenderOptions, ReplacementReason, ResourceChangeKind, SchemaReplacementFacts, TemplateDiff, diff,
    render_json, render_markdown, render_text,
};
use rcdk::review::graph::Graph;
use rcdk::review::read::{Template, read_template_bytes};

use crate::{fixture, settings};

fn load(rel: &str) -> Template {
    read_template_bytes(&std::fs::read(fixture(rel)).unwrap()).unwrap()
}

fn kinesis_diff() -> TemplateDiff {
    diff(
        &load("templates/kinesis-snowflake.json"),
        &load("templates/kinesis-snowflake-changed.yaml"),
        &SchemaReplacementFacts,
    )
}

fn opts() -> RenderOptions {
    RenderOptions {
        title: None,
        old_name: Some("kinesis-snowflake.json".into()),
        new_name: Some("kinesis-snowflake-changed.yaml".into()),
        color: false,
        width: None,
    }
}

#[test]
fn json_and_short_form_yaml_read_the_same() {
    let json = load("templates/kinesis-snowflake.json");
    let yaml = load("templates/kinesis-snowflake.yaml");
    let d = diff(&json, &yaml, &SchemaReplacementFacts);
    assert!(d.is_empty(), "{}", render_text(&d, &RenderOptions::default()));
    // Strict equality too, not only the loose comparison of the diff.
    assert_eq!(json.value(), yaml.value());
}

#[test]
fn kinesis_changes_are_found() {
    let d = kinesis_diff();
    assert!(d.has_security_changes());
    assert!(d.has_replacements());

    // The new statement inside the JSON-in-JSON policy of the custom resource.
    let nested: Vec<_> = d.security.statements.iter().filter(|s| s.logical_id == "StreamResourcePolicy").collect();
    assert_eq!(nested.len(), 2, "Create and Update each gain one statement");
    assert!(nested.iter().all(|s| s.change == Change::Added));
    assert_eq!(nested[0].location, "Create<json>.parameters.Policy<json>");
    assert_eq!(nested[0].statement.actions, ["kinesis:SubscribeToShard"]);
    assert_eq!(nested[0].statement.principals, ["AWS:arn:aws:iam::444455556666:role/Analytics"]);
    assert_eq!(nested[0].statement.resources, ["${Stream.Arn}"]);
    assert_eq!(nested[0].statement.conditions, ["StringEquals aws:PrincipalOrgID: o-example"]);

    // The stream's Name: replacement with data loss.
    let stream = d.resources.iter().find(|r| r.logical_id == "Stream").unwrap();
    let rep = stream.replacement.as_ref().unwrap();
    assert_eq!(rep.reasons, [ReplacementReason::CreateOnlyProperty { path: "Properties.Name".into() }]);
    assert!(rep.data_may_be_lost);
    assert!(stream.changes[0].replaces);

    // The renamed bucket.
    let bucket = d.resources.iter().find(|r| r.logical_id == "Backups").unwrap();
    assert_eq!(bucket.kind, ResourceChangeKind::Renamed { from: "BackupBucket".into() });
    assert_eq!(bucket.old_line, Some(68), "line in the JSON file");
    assert_eq!(bucket.new_line, Some(36), "line in the YAML file");

    let text = render_text(&d, &opts());
    assert!(text.contains("likely rename of logical ID BackupBucket → Backups (replacement)"));
    assert!(text.contains("DATA LOSS: AWS::Kinesis::Stream holds data."));
    assert!(text.contains("data may be lost"));
    assert!(text.find("Security changes") < text.find("Replacements"));
    assert!(text.find("Replacements") < text.find("Resources"));
}

#[test]
fn kinesis_diff_text() {
    let text = render_text(&kinesis_diff(), &opts());
    settings().bind(|| insta::assert_snapshot!("diff_kinesis_snowflake_text", text));
}

#[test]
fn kinesis_diff_markdown() {
    let md = render_markdown(&kinesis_diff(), &opts());
    settings().bind(|| insta::assert_snapshot!("diff_kinesis_snowflake_markdown", md));
}

#[test]
fn kinesis_diff_json() {
    let json = render_json(&kinesis_diff());
    // The JSON report is valid JSON with the same data.
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back["resources"].as_array().unwrap().len(), kinesis_diff().resources.len());
    settings().bind(|| insta::assert_snapshot!("diff_kinesis_snowflake_json", json));
}

#[test]
fn kinesis_diff_coloured_text_has_ansi_codes() {
    let text = render_text(&kinesis_diff(), &RenderOptions { color: true, ..opts() });
    assert!(text.contains("\x1b[31m"));
    assert!(!render_text(&kinesis_diff(), &opts()).contains('\x1b'));
}

#[test]
fn graphs_of_every_template() {
    settings().bind(|| {
        insta::glob!("../fixtures", "templates/*.*", |path| {
            let t = read_template_bytes(&std::fs::read(path).unwrap()).unwrap();
            let g = Graph::from_template(&t);
            insta::assert_snapshot!("graph_mermaid", g.to_mermaid());
            insta::assert_snapshot!("graph_dot", g.to_dot());
        });
    });
}

#[test]
fn text_tables_fit_the_width_and_markdown_is_unchanged() {
    let d = kinesis_diff();
    let wide = render_text(&d, &opts());
    let widest = |t: &str| t.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest(&wide) > 100, "the fixture's security table is wider than 100 columns");
    for width in [100, 80] {
        let text = render_text(&d, &RenderOptions { width: Some(width), ..opts() });
        for line in text.lines().filter(|l| l.starts_with(['┌', '│', '├', '└'])) {
            assert!(line.chars().count() <= width, "{width}: {line}");
        }
        // Nothing is lost: every word of every table cell is still there.
        for word in ["firehose.amazonaws.com", "kinesis:GetRecords"] {
            assert_eq!(wide.contains(word), text.replace(['\n', '│', ' '], "").contains(word), "{word}");
        }
    }
    let md = render_markdown(&d, &RenderOptions { width: Some(60), ..opts() });
    assert_eq!(md, render_markdown(&d, &opts()));
}
