//! The `rcdk` binary: exit codes, output and error messages.

use std::process::{Command, Output};

use crate::fixture;

fn rcdk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rcdk")).args(args).env_remove("NO_COLOR").output().unwrap()
}

fn path(rel: &str) -> String {
    fixture(rel).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_and_version() {
    let o = rcdk(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("rcdk diff OLD NEW"));
    let o = rcdk(&["diff", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let o = rcdk(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("rcdk "));
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["diff", "one"],
        &["diff", "a", "b", "c"],
        &["diff", "a", "b", "--format"],
        &["diff", "a", "b", "--format", "html"],
        &["diff", "a", "b", "--fail-on", "everything"],
        &["diff", "a", "b", "--colour"],
        &["graph"],
        &["graph", "a", "--format", "png"],
    ] {
        let o = rcdk(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("Usage:"), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn same_template_exits_0() {
    let o = rcdk(&["diff", &path("templates/kinesis-snowflake.json"), &path("templates/kinesis-snowflake.yaml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "No differences.\n");
}

#[test]
fn different_templates_exit_1() {
    let old = path("templates/kinesis-snowflake.json");
    let new = path("templates/kinesis-snowflake-changed.yaml");
    let o = rcdk(&["diff", &old, &new]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("Security changes\n"));
    assert!(out.contains("kinesis-snowflake-changed.yaml:24"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when stdout is not a terminal");

    let o = rcdk(&["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("#### Security changes"));

    let o = rcdk(&["diff", &old, &new, "--format=json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["security"]["statements"].as_array().unwrap().len() >= 2);
}

#[test]
fn fail_on_selects_what_fails() {
    let old = path("templates/kinesis-snowflake.json");
    let new = path("templates/kinesis-snowflake-changed.yaml");
    for kind in ["security", "replacement", "security,replacement"] {
        let o = rcdk(&["diff", &old, &new, "--fail-on", kind]);
        assert_eq!(o.status.code(), Some(1), "{kind}");
    }
    // Only a retention change: different, but no security change nor replacement.
    let o = rcdk(&[
        "diff",
        &path("assembly-old/KinesisSnowflakeStack.template.json"),
        &path("assembly-new/KinesisSnowflakeStack.template.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    for kind in ["security", "replacement"] {
        let o = rcdk(&[
            "diff",
            &path("assembly-old/KinesisSnowflakeStack.template.json"),
            &path("assembly-new/KinesisSnowflakeStack.template.json"),
            "--fail-on",
            kind,
        ]);
        assert_eq!(o.status.code(), Some(0), "{kind}");
        assert!(stdout(&o).contains("RetentionPeriodHours"));
    }
}

#[test]
fn cloud_assembly_folders() {
    let o = rcdk(&["diff", &path("assembly-old"), &path("assembly-new")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Stack KinesisSnowflakeStack\n"), "{out}");
    assert!(out.contains("Stack QueueStack (stack removed)"));
    assert!(out.contains("Stack TopicStack (new stack)"));
    assert!(out.contains("sns:Publish"), "a new stack's statements are security changes");
    let o = rcdk(&["diff", &path("assembly-old"), &path("assembly-new"), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<&str> = v["stacks"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["compared", "removed", "added"]);
    let o = rcdk(&["diff", &path("assembly-old"), &path("assembly-new"), "--fail-on", "security"]);
    assert_eq!(o.status.code(), Some(1));
    let o = rcdk(&["diff", &path("assembly-old"), &path("assembly-old")]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn trouble_exits_2_and_names_the_file() {
    let missing = path("templates/does-not-exist.json");
    let o = rcdk(&["diff", &missing, &path("templates/kinesis-snowflake.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist.json"), "{}", stderr(&o));

    let broken = path("read-corpus/err-duplicate.yaml");
    let o = rcdk(&["diff", &path("templates/kinesis-snowflake.json"), &broken]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("err-duplicate.yaml:4:3: duplicate key `Q` (first at line 2)"), "{}", stderr(&o));
    let o = rcdk(&["graph", &path("read-corpus/err-binary.bin")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("err-binary.bin: the input is not UTF-8"), "{}", stderr(&o));
    let o = rcdk(&["graph", &path("read-corpus")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn graph_formats() {
    let t = path("templates/kinesis-snowflake.yaml");
    let o = rcdk(&["graph", &t]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("flowchart LR\n"));
    let o = rcdk(&["graph", &t, "--format", "dot"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("digraph template {"));
    let o = rcdk(&["graph", &path("assembly-new")]);
    assert_eq!(o.status.code(), Some(2), "two stacks: ask for one");
}

#[test]
fn validate_reports_each_problem_with_file_line_and_path() {
    let file = path("validate/invalid.yaml");
    let o = rcdk(&["validate", &file]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    for expected in [
        // A numeric string ("24") would be read as CloudFormation reads it; this one is not a number.
        format!("error[schema]: {file}:7: Stream Properties.ShardCount: expected integer, found string \"two dozen\""),
        format!(
            "error[schema]: {file}:10: Stream Properties.RetentionPeriodHours: 9000 is greater than the maximum 8760"
        ),
        format!("error[dangling-reference]: {file}:14: Topic Properties.TopicName.Fn::Sub: Ref to \"Missing\""),
        format!(
            "error[unknown-attribute]: {file}:15: Topic Properties.KmsMasterKeyId.Fn::GetAtt: AWS::Kinesis::Stream has no attribute \"NoSuchAttribute\""
        ),
        "condition key \"kms.ViaService\" is not of the form prefix:name (did you mean \"kms:ViaService\"?)"
            .to_string(),
        // The security rule pack runs in validate too (3 of the 4 warnings).
        format!(
            "warning[security]: {file}:6: Stream Properties.StreamEncryption: RCDK-KINESIS-ENCRYPTION: the stream stores records unencrypted"
        ),
        format!("warning[security]: {file}:21: Key Properties.EnableKeyRotation: RCDK-KMS-ROTATION:"),
        format!("{file}: 5 error(s), 4 warning(s)"),
    ] {
        assert!(out.contains(&expected), "missing {expected:?} in\n{out}");
    }
    // Every CloudFormation type has a schema: the SQS queue is checked (and valid), not "unchecked".
    assert!(!out.contains("unchecked"), "{out}");
    // ShardCount with ON_DEMAND: the rule cfn-lint does not have.
    assert!(out.contains("must not be set when StreamModeDetails.StreamMode is \"ON_DEMAND\""), "{out}");
}

#[test]
fn validate_warnings_pass_unless_strict() {
    let file = path("validate/warning-only.json");
    assert_eq!(rcdk(&["validate", &file]).status.code(), Some(0));
    let o = rcdk(&["validate", "--strict", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[policy]"), "{}", stdout(&o));
}

#[test]
fn validate_unreadable_input_is_trouble() {
    let valid = path("templates/kinesis-snowflake.yaml");
    assert_eq!(rcdk(&["validate", &valid]).status.code(), Some(0));
    let o = rcdk(&["validate", "/nonexistent/template.json", &valid]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/template.json"), "{}", stderr(&o));
    // The run goes on past the unreadable file: the readable one is still reported.
    assert!(stdout(&o).contains("/nonexistent/template.json: unreadable"), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("{valid}: 0 error(s)")), "{}", stdout(&o));
    // An invalid file and an unreadable one: the run's status is the worst, 2.
    let invalid = path("validate/invalid.yaml");
    let o = rcdk(&["validate", &invalid, "/nonexistent/template.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains(&format!("{invalid}: ")), "{}", stdout(&o));
    assert_eq!(rcdk(&["validate"]).status.code(), Some(2));
    assert_eq!(rcdk(&["validate", "--bogus", &valid]).status.code(), Some(2));
}

#[test]
fn validate_catches_what_cfn_lint_names() {
    // One case per cfn-lint rule the reference lists, beyond those in invalid.yaml:
    // E3031 pattern, E3030 enum, E3002 unknown property, E3003 missing required, E3033 length,
    // E3004 cycle, E1020 dangling Ref, E3006 unknown type, W3037 IAM action typo.
    let file = path("validate/invalid-more.json");
    let o = rcdk(&["validate", &file]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for expected in [
        "Stream Properties.Name: \"bad name!\" does not match ^[a-zA-Z0-9_.-]+$",
        "Stream Properties.StreamModeDetails.StreamMode: \"SOMETIMES\" is not one of ON_DEMAND, PROVISIONED",
        "Stream Properties.ShardCuont: is not a valid property (did you mean ShardCount?)",
        "Delivery Properties.SnowflakeDestinationConfiguration.S3Configuration: is required",
        "AccountUrl: \"https://example.com\" does not match .+?\\.snowflakecomputing\\.com",
        "is shorter than the minimum length 24",
        "resources depend on each other in a cycle: Policy -> Role -> Policy",
        "Policy Properties.Roles[1].Ref: Ref to \"Ghost\"",
        "Thing Type: \"AWS::Made::Up\" is not a CloudFormation resource type",
        "action \"kinesis.GetRecords\" is not of the form service:Action (did you mean \"kinesis:GetRecords\"?)",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    assert!(!out.contains("unchecked"), "an unknown type is an error, not unchecked:\n{out}");
}
