//! The README's first command, run as a user runs it: the example binary's command line, its output
//! folder (`--out`, `$RCDK_OUTDIR`, `cdk.out`), formats and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `cargo test` builds the examples next to the test binaries (target/<profile>/examples).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    profile_dir.join("examples").join(name)
}

fn run(args: &[&str], dir: &Path, env: Option<&str>) -> Output {
    let mut c = Command::new(example("kinesis_snowflake"));
    c.args(args).current_dir(dir).env_remove("RCDK_OUTDIR");
    if let Some(out) = env {
        c.env("RCDK_OUTDIR", out);
    }
    c.output().expect("example runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rcdk-example-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn writes_cdk_out_by_default_with_manifest() {
    let dir = temp_dir("default");
    let o = run(&[], &dir, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let template = dir.join("cdk.out/KinesisSnowflakeStack.template.json");
    assert!(template.is_file());
    assert!(!dir.join("cdk.out/KinesisSnowflakeStack.template.yaml").exists());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cdk.out/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["artifacts"]["KinesisSnowflakeStack"],
        serde_json::json!({
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/unknown-region",
            "properties": {"templateFile": "KinesisSnowflakeStack.template.json"}
        })
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.join("cdk.out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn out_flag_beats_environment_and_format_both_writes_yaml() {
    let dir = temp_dir("flags");
    let o = run(&["--out", "from-flag", "--format", "both"], &dir, Some("from-env"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.join("from-flag/KinesisSnowflakeStack.template.json").is_file());
    assert!(dir.join("from-flag/KinesisSnowflakeStack.template.yaml").is_file());
    assert!(!dir.join("from-env").exists());
    let o = run(&["--format", "yaml"], &dir, Some("from-env"));
    assert!(o.status.success());
    assert!(dir.join("from-env/KinesisSnowflakeStack.template.yaml").is_file());
    // The manifest's templateFile is always the JSON template (the cdk CLI parses it as JSON).
    assert!(dir.join("from-env/KinesisSnowflakeStack.template.json").is_file());
}

#[test]
fn help_keeps_its_indentation() {
    let dir = temp_dir("help");
    let o = run(&["--help"], &dir, None);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("usage: kinesis_snowflake [--out DIR]"), "{text}");
    let options: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("--")).collect();
    assert!(options.len() >= 3, "{text}");
    assert!(options.iter().all(|l| l.starts_with("  --")), "{text}");
    assert!(!dir.join("cdk.out").exists());
}

#[test]
fn unknown_arguments_print_usage_and_exit_2() {
    let dir = temp_dir("bad");
    for args in [&["--bogus"][..], &["--format", "xml"], &["--out"]] {
        let o = run(args, &dir, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("usage:"), "{args:?}");
    }
    assert!(!dir.join("cdk.out").exists(), "nothing is written on bad arguments");
}
