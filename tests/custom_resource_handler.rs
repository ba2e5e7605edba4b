//! Runs the Python unit tests of the inline custom-resource handler
//! (`src/custom_resources/handler.py`, shipped in templates as Lambda `Code.ZipFile`), so that
//! `cargo test` covers it. Needs `python3` on PATH; boto3 is optional (its tests skip without it).

use std::process::Command;

#[test]
fn python_handler_unit_tests_pass() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests/custom_resource_handler", "-v"])
        .current_dir(root)
        .env("PYTHONDONTWRITEBYTECODE", "1") // keep __pycache__ out of the source tree
        .output()
        .expect("could not run python3, which the custom-resource handler tests need");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python3 -m unittest exited with {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
}

#[test]
fn handler_fits_its_inline_budget() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/custom_resources/handler.py");
    let source = std::fs::read_to_string(path).expect("handler.py is readable");
    // It is inlined into every template that uses AwsCustomResource, and `aws cloudformation deploy`
    // without --s3-bucket accepts at most 51,200 bytes of template.
    assert!(source.len() < 6 * 1024, "handler.py is {} bytes; keep it under 6 KiB", source.len());
    assert!(source.contains("def handler(event, context):"), "Lambda handler must be index.handler");
}
