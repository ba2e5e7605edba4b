//! `rcdk validate`: the checks rcdk runs at synthesis, on any template.
//!
//! References (Ref, GetAtt and its attribute, `${}` in Fn::Sub, conditions, mappings, DependsOn),
//! cycles, limits, property values against the registry schemas, the IAM policy lint and the
//! security rule pack ([`crate::security`], which honours checkov / cfn_nag / cdk-nag suppressions in
//! resource Metadata). Every CloudFormation type has a vendored schema; a type whose schema cannot be
//! loaded would be reported as unchecked, not failed.

use std::collections::BTreeSet;

use crate::core::problem::Problem;
use crate::core::synth::check_document;
use crate::defaults;
use crate::review::read::Template;

/// What validating one template found.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    /// Every problem, errors first, each with a line number where the reader knows one.
    pub problems: Vec<Problem>,
    /// Resource types in the template whose properties could not be checked (no schema).
    pub unchecked_types: Vec<String>,
}

impl ValidationReport {
    /// True when no problem is an error.
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(Problem::is_error)
    }
}

/// Validates a template read from `name` (a file name, used in every problem).
///
/// ```
/// use rcdk::review::{read::read_template, validate::validate};
/// let t = read_template("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Nope\n").unwrap();
/// let report = validate("t.yaml", &t, false);
/// assert!(!report.is_valid());
/// assert_eq!(report.problems[0].line, Some(5));
/// ```
pub fn validate(name: &str, template: &Template, strict: bool) -> ValidationReport {
    let document = template.value();
    let body = serde_json::to_string(document).map(|s| s.len()).unwrap_or(0);
    let mut problems = check_document(name, document, Some(body), &defaults::options(strict));
    for p in &mut problems {
        p.line = line_of(template, p);
        if strict && !p.is_error() {
            p.severity = crate::core::problem::Severity::Error;
        }
    }
    problems.sort_by(|a, b| {
        (a.severity, &a.logical_id, a.line, &a.message).cmp(&(b.severity, &b.logical_id, b.line, &b.message))
    });
    problems.dedup();
    let unchecked_types: BTreeSet<String> = document
        .get("Resources")
        .and_then(|r| r.as_object())
        .into_iter()
        .flat_map(|r| r.values())
        .filter_map(|r| r.get("Type").and_then(|t| t.as_str()))
        .filter(|t| crate::schema::resource_schema(t).is_none() && crate::schema::is_known_type(t))
        .map(String::from)
        .collect();
    ValidationReport { problems, unchecked_types: unchecked_types.into_iter().collect() }
}

/// The most precise line known: the property, else its entry.
fn line_of(template: &Template, problem: &Problem) -> Option<usize> {
    let id = problem.logical_id.as_deref()?;
    let section = ["Resources", "Parameters", "Outputs", "Conditions", "Mappings"]
        .into_iter()
        .find(|s| template.value().get(s).and_then(|m| m.get(id)).is_some())?;
    let mut path = vec![section.to_string(), id.to_string()];
    let mut best = template.line_of(&[section, id]);
    if let Some(property_path) = &problem.property_path {
        for segment in split_property_path(property_path) {
            path.push(segment);
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            match template.line_of(&refs) {
                Some(line) => best = Some(line),
                None => break,
            }
        }
    }
    best
}

/// `Properties.A[2].B` → `Properties`, `A`, `2`, `B`.
fn split_property_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(rest[..i].to_string());
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push(rest[1..end].to_string());
                rest = &rest[end + 1..];
            }
        } else {
            out.push(rest.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::problem::ProblemKind;
    use crate::review::read::read_template;

    #[test]
    fn property_paths_split_into_segments() {
        assert_eq!(split_property_path("Properties.A[2].B"), ["Properties", "A", "2", "B"]);
        assert_eq!(split_property_path("Fn::Sub"), ["Fn::Sub"]);
    }

    #[test]
    fn schema_problems_carry_the_property_line() {
        let yaml = "Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: '24'\n      RetentionPeriodHours: 9000\n";
        let report = validate("s.yaml", &read_template(yaml).unwrap(), false);
        let lines: Vec<(ProblemKind, Option<usize>)> = report.problems.iter().map(|p| (p.kind, p.line)).collect();
        assert!(lines.contains(&(ProblemKind::Schema, Some(5))), "{lines:?}");
        assert!(lines.contains(&(ProblemKind::Schema, Some(6))), "{lines:?}");
        assert!(report.unchecked_types.is_empty());
    }

    #[test]
    fn every_type_is_checked() {
        // SQS was not among the 20 types embedded before every schema was: now it is checked.
        let report = validate(
            "t.json",
            &read_template(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Anything": 1}}}}"#)
                .unwrap(),
            false,
        );
        assert!(report.unchecked_types.is_empty());
        let shown: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            shown.iter().any(|p| p.contains("Properties.Anything") && p.contains("is not a valid property")),
            "{shown:?}"
        );
    }
}
