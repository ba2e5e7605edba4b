//! The review corpus (`tests/fixtures/review-corpus/`, real-world templates): `rcdk validate`
//! reports no error that cfn-lint 1.58.0 does not also report. The full comparison with cfn-lint
//! is `tests/review/accuracy.py` (see docs/review-accuracy.md); this is its cheap part for CI.

use std::path::Path;

use rcdk::review::read::read_template_bytes;
use rcdk::review::validate::validate;

use crate::fixture;

/// The errors rcdk reports on the corpus, each also an error of cfn-lint 1.58.0 at that line
/// (cfn-lint rule in the comment; from `tests/review/accuracy.py`, "errors confirmed by cfn-lint").
const CONFIRMED: &[(&str, usize)] = &[
    ("cfn-lint-good/custom/is-defined.yaml", 4),  // E1001 `Parameter` section
    ("cfn-lint-good/custom/is-defined.yaml", 70), // E1020 Ref NodeEnv
    // E3014 VirtualName with Ebs in a BlockDeviceMapping (cfn-lint also warns W3698 that EC2
    // ignores VirtualName); this "good" fixture is good only for cfn-lint's condition tests.
    ("cfn-lint-good/core/conditions.yaml", 48),
    ("cfn-lint-good/core/conditions.yaml", 49),
    // E3003/E3002: an AWS::CloudFormation::Stack needs TemplateURL and has no ProductName or
    // ProvisioningArtifactName (those are AWS::ServiceCatalog::CloudFormationProvisionedProduct's).
    // cfn-lint's own test uses this "good" fixture only for its W1020 (SubNeeded) rule.
    ("cfn-lint-good/functions/sub.yaml", 66),
    ("cfn-lint-good/functions/sub.yaml", 67),
    ("cfn-lint-good/functions/sub.yaml", 68),
    ("cfn-lint-good/functions/sub_needed.yaml", 95), // E1022/E1010 GetAtt GreetingLambda
    ("cfn-lint-good/functions/sub_needed.yaml", 114), // E1020 Ref GreetingResource
    ("cfn-lint-good/functions/sub_needed.yaml", 115), // E1020 Ref GreetingApi
    ("cfn-lint-good/functions/sub_needed_custom_excludes.yaml", 10), // E3031 RoleName pattern
    // E3510 (cfn-lint: line 29, the list item): a literal "SomeOptionalParameter" is not an ARN.
    ("cfn-lint-good/resources/iam/policy.yaml", 28),
    ("cfn-lint-good/resources/properties/az_cdk.yaml", 6), // E3058 a subnet needs a CIDR block or IPAM pool
    ("cfn-lint-good/resources/properties/exclusive.yaml", 17), // E3020 Dimensions with Metrics
    ("cfn-lint-good/schema_resource.yaml", 3),             // E3006 unknown type
];

/// Refused on purpose (see docs/review-accuracy.md, "Unreadable templates").
const UNREADABLE: &[&str] = &["cfn-lint-good/transform/yaml_alias_serverless.yaml"];

fn templates(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            templates(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "json" || e == "yml" || e == "template") {
            out.push(path);
        }
    }
}

#[test]
fn no_false_errors_on_real_templates() {
    let root = fixture("review-corpus");
    let mut files = Vec::new();
    templates(&root, &mut files);
    files.sort();
    assert!(files.len() >= 100, "the corpus lost templates: {}", files.len());
    let mut errors = Vec::new();
    let mut unreadable = Vec::new();
    let mut notes = 0;
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        match read_template_bytes(&std::fs::read(file).unwrap()) {
            Err(_) => unreadable.push(rel),
            Ok(t) => {
                let report = validate(&rel, &t, false);
                notes += report.notes.len();
                for p in report.problems.iter().filter(|p| p.is_error()) {
                    errors.push((rel.clone(), p.line.unwrap_or(0), p.to_string()));
                }
            }
        }
    }
    let unexpected: Vec<&(String, usize, String)> =
        errors.iter().filter(|(f, l, _)| !CONFIRMED.contains(&(f.as_str(), *l))).collect();
    assert!(unexpected.is_empty(), "errors cfn-lint does not report:\n{unexpected:#?}");
    assert_eq!(errors.len(), CONFIRMED.len(), "{errors:#?}");
    assert_eq!(unreadable, UNREADABLE);
    // SAM resources, modules and what they generate are reported as not checked.
    assert!(notes > 0);
}
