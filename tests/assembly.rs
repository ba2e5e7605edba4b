//! The cloud assembly rcdk writes (`cdk.out`): what the AWS CDK CLI reads from it, that it holds
//! exactly the last successful synthesis, and the silent no-ops that are errors instead.

use std::fs;
use std::path::{Path, PathBuf};

use rcdk::core::app::{AppError, CLOUD_ASSEMBLY_VERSION, CliOptions, FILE_LIST, OutputFormat};
use rcdk::core::problem::{Problem, ProblemKind, Severity, SynthError};
use rcdk::prelude::*;
use serde_json::json;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rcdk-assembly-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn options(out: &Path, format: OutputFormat) -> CliOptions {
    CliOptions { out: out.to_path_buf(), format, ..Default::default() }
}

fn topic_stack(name: &str) -> Stack {
    let mut stack = Stack::new(name, StackProps::default()).unwrap();
    stack.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    stack
}

fn app_of(names: &[&str]) -> App {
    let mut app = App::new();
    for name in names {
        app.add_stack(topic_stack(name)).unwrap();
    }
    app
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn manifest_version_is_semver_the_cdk_cli_accepts() {
    let mut parts = CLOUD_ASSEMBLY_VERSION.split('.');
    let major: u32 = parts.next().unwrap().parse().unwrap();
    assert!(parts.all(|p| p.parse::<u32>().is_ok()));
    // aws-cdk 2.1148 reads schema versions up to 55.x; older CLIs accept lower majors only.
    assert!(major <= 55);
    let dir = temp_dir("version");
    app_of(&["A"]).synth_with(&options(&dir, OutputFormat::Json)).unwrap();
    assert_eq!(read_json(&dir.join("manifest.json"))["version"], json!(CLOUD_ASSEMBLY_VERSION));
}

#[test]
fn yaml_format_still_writes_the_json_template_the_manifest_names() {
    let dir = temp_dir("yaml");
    app_of(&["A"]).synth_with(&options(&dir, OutputFormat::Yaml)).unwrap();
    let manifest = read_json(&dir.join("manifest.json"));
    let template_file = manifest["artifacts"]["A"]["properties"]["templateFile"].as_str().unwrap();
    assert_eq!(template_file, "A.template.json");
    // The CLI parses it as JSON.
    let template = read_json(&dir.join(template_file));
    assert_eq!(template["Resources"]["Topic"]["Type"], json!("AWS::SNS::Topic"));
    assert!(dir.join("A.template.yaml").is_file());
    // Only properties the cloud-assembly schema defines for a stack artifact (no rcdk-only fields).
    let props = manifest["artifacts"]["A"]["properties"].as_object().unwrap();
    assert_eq!(props.keys().collect::<Vec<_>>(), ["templateFile"]);
}

fn warn_on_topics(stack: &str, template: &serde_json::Value) -> Vec<Problem> {
    let has_topic = template["Resources"].as_object().is_some_and(|r| r.contains_key("Topic"));
    if !has_topic {
        return Vec::new();
    }
    vec![
        Problem::new(Severity::Warning, ProblemKind::Policy, stack, "topic without a policy").at("Topic", "Properties"),
    ]
}

#[test]
fn warnings_are_cdk_warning_metadata_under_the_construct_path() {
    // The bare engine plus one check, so that the only warning is this test's (the library's rule
    // pack would warn about the topic too).
    let mut app = App::default();
    app.add_stack(topic_stack("A")).unwrap();
    app.add_template_check(warn_on_topics);
    let assembly = app.assemble().unwrap();
    let warning = assembly.stacks[0].warnings()[0].to_string();
    assert!(warning.contains("topic without a policy"), "{warning}");
    assert_eq!(
        assembly.manifest()["artifacts"]["A"]["metadata"],
        json!({ "/A/Topic": [{ "type": "aws:cdk:warning", "data": warning.strip_prefix("warning").unwrap() }] })
    );
    // No warnings, no metadata.
    let mut quiet = App::default();
    quiet.add_stack(topic_stack("A")).unwrap();
    let quiet = quiet.assemble().unwrap();
    assert!(quiet.manifest()["artifacts"]["A"].get("metadata").is_none());
}

#[test]
fn the_folder_holds_exactly_the_last_synthesis_and_keeps_other_files() {
    let dir = temp_dir("replace");
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    fs::write(dir.join("Mine.template.json"), "{}").unwrap();
    app_of(&["A", "B"]).synth_with(&options(&dir, OutputFormat::Both)).unwrap();
    assert_eq!(
        files(&dir),
        [
            "A.template.json",
            "A.template.yaml",
            "B.template.json",
            "B.template.yaml",
            "Mine.template.json",
            "manifest.json",
            "notes.txt",
            FILE_LIST
        ]
    );
    // Stack B removed, JSON only: B's templates and every YAML go; the user's files stay.
    app_of(&["A"]).synth_with(&options(&dir, OutputFormat::Json)).unwrap();
    assert_eq!(files(&dir), ["A.template.json", "Mine.template.json", "manifest.json", "notes.txt", FILE_LIST]);
    assert_eq!(read_json(&dir.join("manifest.json"))["artifacts"].as_object().unwrap().len(), 1);
    assert_eq!(read_json(&dir.join(FILE_LIST)), json!({ "files": ["A.template.json", "manifest.json", FILE_LIST] }));
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_folder_written_by_an_older_rcdk_is_cleaned_by_its_manifest() {
    let dir = temp_dir("old");
    fs::write(dir.join("Old.template.json"), "{}").unwrap();
    fs::write(dir.join("Old.template.yaml"), "{}").unwrap();
    fs::write(dir.join("Other.template.json"), "{}").unwrap();
    let old_manifest = json!({ "version": "rcdk-1", "artifacts": { "Old": { "type": "aws:cloudformation:stack",
        "properties": { "templateFile": "Old.template.json",
                        "templateFiles": ["Old.template.json", "Old.template.yaml", "../outside.txt"] } } } });
    fs::write(dir.join("manifest.json"), old_manifest.to_string()).unwrap();
    app_of(&["A"]).synth_with(&options(&dir, OutputFormat::Json)).unwrap();
    assert_eq!(files(&dir), ["A.template.json", "Other.template.json", "manifest.json", FILE_LIST]);
}

#[test]
fn a_failed_synthesis_leaves_the_previous_assembly_intact() {
    let dir = temp_dir("failed");
    app_of(&["A"]).synth_with(&options(&dir, OutputFormat::Both)).unwrap();
    let before: Vec<(String, Vec<u8>)> =
        files(&dir).into_iter().map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap())).collect();
    let mut app = app_of(&["B"]);
    app.add_template_check(|stack, _| vec![Problem::new(Severity::Error, ProblemKind::Policy, stack, "refused")]);
    let err = app.synth_with(&options(&dir, OutputFormat::Json)).unwrap_err();
    assert!(matches!(err, AppError::Synth(_)), "{err}");
    let after: Vec<(String, Vec<u8>)> =
        files(&dir).into_iter().map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap())).collect();
    assert_eq!(before, after);
}

#[test]
fn an_app_without_stacks_is_an_error_and_writes_nothing() {
    let dir = temp_dir("empty").join("out");
    let err = App::new().synth_with(&options(&dir, OutputFormat::Json)).unwrap_err();
    assert!(matches!(err, AppError::NoStacks));
    assert!(err.to_string().contains("add_stack"), "{err}");
    assert!(!dir.exists());
}

fn synth_errors(stack: Stack) -> SynthError {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    app.assemble().expect_err("synthesis should fail")
}

#[test]
fn an_output_or_parameter_id_that_is_not_a_template_name_is_an_error() {
    let mut stack = topic_stack("S");
    let topic = stack.find_child(stack.root(), "Topic").unwrap();
    stack.add_output("Stream-Name", Output::new(Value::Ref(topic))).unwrap();
    stack.add_parameter("Db_Name", Parameter::of_type(ParameterType::String)).unwrap();
    // Below a scope the id is one path component of a hashed logical ID, as in CDK: fine.
    let mut scope = stack.as_scope().child("Nested").unwrap();
    scope.add_output("Also-Fine", Output::new("x")).unwrap();
    let err = synth_errors(stack);
    let messages: Vec<String> = err.errors().map(|p| p.to_string()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("S/Stream-Name") && m.contains("name it \"StreamName\"")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("S/Db_Name") && m.contains("a parameter id")), "{messages:?}");
}

#[test]
fn depends_on_itself_or_on_a_parameter_is_an_error() {
    let mut stack = topic_stack("S");
    let topic = stack.find_child(stack.root(), "Topic").unwrap();
    let param = stack.add_parameter("Db", Parameter::of_type(ParameterType::String)).unwrap();
    let h = stack.add_raw_resource("Queue", "AWS::SQS::Queue", Map::new()).unwrap();
    let queue = h.node();
    let r = stack.resource_mut(h).unwrap();
    r.add_dependency(queue);
    r.add_dependency(param.node());
    r.add_dependency(topic);
    let err = synth_errors(stack);
    let messages: Vec<String> = err.errors().map(|p| p.to_string()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().all(|m| m.contains("S/Queue (Queue) DependsOn")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("depends on itself")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("depends on S/Db (a parameter)")), "{messages:?}");
}
