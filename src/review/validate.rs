//! `rcdk validate`: the checks rcdk runs at synthesis, on any template.
//!
//! References (Ref, GetAtt and its attribute, `${}` in Fn::Sub, conditions, mappings, DependsOn),
//! cycles, limits, property values against the registry schemas, the IAM policy lint and the
//! security rule pack ([`crate::security`], which honours checkov / cfn_nag / cdk-nag suppressions in
//! resource Metadata). Every CloudFormation type has a vendored schema; a type whose schema cannot be
//! loaded would be reported as unchecked, not failed.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::core::check::TypeFacts;
use crate::core::problem::{Problem, ProblemKind, Severity};
use crate::core::synth::{SynthOptions, TemplateCheck, check_document};
use crate::review::foreach;
use crate::review::read::Template;
use crate::schema::checks::SchemaFacts;

/// What validating one template found.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    /// Every problem, errors first, each with a line number where the reader knows one.
    pub problems: Vec<Problem>,
    /// What could not be checked and why: resources a transform or a module stands for (SAM
    /// `AWS::Serverless::*`, `…::MODULE`), and references to what they generate. Not errors.
    pub notes: Vec<Problem>,
    /// Resource types in the template whose properties could not be checked (no schema).
    pub unchecked_types: Vec<String>,
}

impl ValidationReport {
    /// True when no problem is an error.
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(Problem::is_error)
    }
}

/// The SAM transform's name.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";
/// The transform that adds `Fn::ForEach` and friends, which rcdk expands itself.
pub const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// The transforms a template declares (`Transform: X` or a list; `AWS::Include` and macros with
/// parameters are objects with a `Name`).
pub fn transforms(template: &Json) -> Vec<String> {
    let one = |v: &Json| v.as_str().map(str::to_string).or_else(|| v.get("Name")?.as_str().map(str::to_string));
    match template.get("Transform") {
        Some(Json::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

fn contains_foreach(v: &Json) -> bool {
    match v {
        Json::Object(m) => m.iter().any(|(k, v)| k.starts_with("Fn::ForEach::") || contains_foreach(v)),
        Json::Array(a) => a.iter().any(contains_foreach),
        _ => false,
    }
}

/// The `Fn::ForEach::…` keys inside `value` (an entry `id` of a section), each as the entry and
/// the property path of the key.
fn foreach_keys(value: &Json, id: &str, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Json::Object(m) => {
            for (k, v) in m {
                let here = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if k.starts_with("Fn::ForEach::") {
                    out.push((id.to_string(), here.clone()));
                }
                foreach_keys(v, id, &here, out);
            }
        }
        Json::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                foreach_keys(v, id, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Properties the SAM specification marks required on a SAM resource that is otherwise not
/// checked (<https://github.com/aws/serverless-application-model/blob/develop/versions/2016-10-31.md>;
/// cfn-lint 1.58 reports them as E3003): `StageName` of an `AWS::Serverless::Api`, `ContentUri`
/// of an `AWS::Serverless::LayerVersion`, `Location` of an `AWS::Serverless::Application`. A
/// value in the template's `Globals` for the type counts, and `Properties` given by a function
/// (`Fn::If`) are not judged.
fn sam_required(name: &str, document: &Json) -> Vec<Problem> {
    const REQUIRED: &[(&str, &str, &str)] = &[
        ("AWS::Serverless::Api", "Api", "StageName"),
        ("AWS::Serverless::LayerVersion", "LayerVersion", "ContentUri"),
        ("AWS::Serverless::Application", "Application", "Location"),
    ];
    let mut out = Vec::new();
    let resources = document.get("Resources").and_then(Json::as_object).into_iter().flatten();
    for (id, resource) in resources {
        let Some(ty) = resource.get("Type").and_then(Json::as_str) else { continue };
        let Some((_, global, key)) = REQUIRED.iter().find(|(t, _, _)| *t == ty) else { continue };
        if document.pointer(&format!("/Globals/{global}/{key}")).is_some() {
            continue;
        }
        let found = match resource.get("Properties") {
            None => false,
            Some(Json::Object(m)) if m.len() == 1 && m.keys().all(|k| k.starts_with("Fn::")) => continue,
            Some(Json::Object(m)) => m.contains_key(*key),
            Some(_) => continue,
        };
        if !found {
            let path = if resource.get("Properties").is_some() { "Properties" } else { "" };
            out.push(
                Problem::new(
                    Severity::Error,
                    ProblemKind::Schema,
                    name,
                    format!("an {ty} needs {key} (the SAM transform refuses it without)"),
                )
                .at(id.as_str(), path),
            );
        }
    }
    out
}

/// Why a resource is not checked: it is expanded by a transform or a module, not by
/// CloudFormation's resource registry.
fn generated_by(type_name: &str, sam: bool) -> Option<&'static str> {
    if type_name.ends_with("::MODULE") {
        Some("a registry module (CloudFormation expands it at deployment)")
    } else if sam && type_name.starts_with("AWS::Serverless::") {
        Some("a SAM resource (the AWS::Serverless-2016-10-31 transform expands it)")
    } else {
        None
    }
}

/// Properties that `aws cloudformation package` fills in from a local path: before packaging they
/// hold the path as a string (cfn-lint's W3002 list, `TEMPLATED_PROPERTY_CFN_PATHS`).
const PACKAGED: &[(&str, &str)] = &[
    ("AWS::ApiGateway::RestApi", "BodyS3Location"),
    ("AWS::Lambda::Function", "Code"),
    ("AWS::Lambda::LayerVersion", "Content"),
    ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
    ("AWS::AppSync::GraphQLSchema", "DefinitionS3Location"),
    ("AWS::AppSync::Resolver", "RequestMappingTemplateS3Location"),
    ("AWS::AppSync::Resolver", "ResponseMappingTemplateS3Location"),
    ("AWS::AppSync::FunctionConfiguration", "RequestMappingTemplateS3Location"),
    ("AWS::AppSync::FunctionConfiguration", "ResponseMappingTemplateS3Location"),
    ("AWS::CloudFormation::Stack", "TemplateURL"),
];

/// The packaged properties of a resource that hold a local path (a string not `s3://` or `https://`).
fn local_paths(type_name: &str, properties: &Json) -> Vec<&'static str> {
    PACKAGED
        .iter()
        .filter(|(t, _)| *t == type_name)
        .filter(|(_, p)| {
            properties
                .get(p)
                .and_then(Json::as_str)
                .is_some_and(|s| !s.starts_with("s3://") && !s.starts_with("https://"))
        })
        .map(|(_, p)| *p)
        .collect()
}

/// Property validation as for a template read from disk (numeric strings accepted; a local path
/// in a property `aws cloudformation package` fills in is not a type error).
fn read_properties(type_name: &str, properties: &Json) -> Option<Vec<(String, String)>> {
    let local = local_paths(type_name, properties);
    crate::schema::validate_read_properties(type_name, Some(properties)).map(|problems| {
        problems
            .into_iter()
            .filter(|p| !local.iter().any(|l| p.path == *l || p.path.starts_with(&format!("{l}."))))
            .map(|p| (p.path, p.message))
            .collect()
    })
}

/// Type facts for a template read from disk: those of the schemas, except for types a transform
/// stands for (whose attributes are whatever the transform makes).
struct ReadFacts;

impl TypeFacts for ReadFacts {
    fn attributes(&self, type_name: &str) -> Option<Vec<String>> {
        if generated_by(type_name, true).is_some() {
            return None;
        }
        SchemaFacts.attributes(type_name)
    }

    fn accepts_attribute(&self, type_name: &str, attribute: &str) -> Option<bool> {
        if generated_by(type_name, true).is_some() {
            return None;
        }
        SchemaFacts.accepts_attribute(type_name, attribute)
    }
}

/// The template-level checks `rcdk validate` runs.
const READ_CHECKS: &[TemplateCheck] =
    &[crate::schema::check_resource_types, crate::iam::lint_policies, crate::security::check_template];

/// Validates a template read from `name` (a file name, used in every problem).
///
/// `Fn::ForEach` loops are expanded first. Resources that a transform or module stands for are
/// noted, not failed, and so are references that only a transform could satisfy.
///
/// ```
/// use rcdk::review::{read::read_template, validate::validate};
/// let t = read_template("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Nope\n").unwrap();
/// let report = validate("t.yaml", &t, false);
/// assert!(!report.is_valid());
/// assert_eq!(report.problems[0].line, Some(5));
/// ```
pub fn validate(name: &str, template: &Template, strict: bool) -> ValidationReport {
    let mut document = template.value().clone();
    let transforms = transforms(&document);
    // Without the transform CloudFormation does not expand loops: they stay (and are reported).
    let expansion = if transforms.iter().any(|t| t == LANGUAGE_EXTENSIONS) {
        foreach::expand(&mut document)
    } else {
        foreach::Expansion::default()
    };
    let sam = transforms.iter().any(|t| t == SAM_TRANSFORM);
    // Any transform but the language extensions (expanded above) may add what it references.
    let other_transform =
        transforms.iter().any(|t| t != LANGUAGE_EXTENSIONS) || !expansion.unknown_collections.is_empty();
    let body = serde_json::to_string(template.value()).map(|s| s.len()).unwrap_or(0);
    let options = SynthOptions {
        strict,
        facts: &ReadFacts,
        validate_properties: Some(&read_properties),
        template_checks: READ_CHECKS,
    };
    let resources = document.get("Resources").and_then(Json::as_object);
    let generated: Vec<(&str, &str)> = resources
        .into_iter()
        .flatten()
        .filter_map(|(id, r)| Some((id.as_str(), generated_by(r.get("Type")?.as_str()?, sam)?)))
        .collect();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for (id, why) in &generated {
        notes.push(
            Problem::new(Severity::Warning, ProblemKind::Schema, name, format!("not checked: {why}")).at(*id, "Type"),
        );
    }
    if sam {
        problems.extend(sam_required(name, &document));
    }
    for (id, resource) in resources.into_iter().flatten() {
        let (Some(t), Some(props)) = (resource.get("Type").and_then(Json::as_str), resource.get("Properties")) else {
            continue;
        };
        if sam {
            continue; // `sam build`/`sam package` handle local paths too
        }
        for path in local_paths(t, props) {
            problems.push(
                Problem::new(
                    Severity::Warning,
                    ProblemKind::Schema,
                    name,
                    "is a local path: the template works only after `aws cloudformation package`".to_string(),
                )
                .at(id.as_str(), format!("Properties.{path}")),
            );
        }
    }
    if !transforms.iter().any(|t| t == LANGUAGE_EXTENSIONS) && contains_foreach(&document) {
        // One error per loop, at the loop's key (cfn-lint E1032 reports each one).
        let mut loops = Vec::new();
        if let Some(sections) = document.as_object() {
            for section in sections.values() {
                for (key, value) in section.as_object().into_iter().flatten() {
                    foreach_keys(value, key, "", &mut loops);
                    if key.starts_with("Fn::ForEach::") {
                        loops.push((key.clone(), String::new()));
                    }
                }
            }
        }
        for (id, path) in loops {
            problems.push(
                Problem::new(
                    Severity::Error,
                    ProblemKind::InvalidTemplate,
                    name,
                    "Fn::ForEach needs `Transform: AWS::LanguageExtensions` at the top of the template".to_string(),
                )
                .at(id, path),
            );
        }
    }
    for p in &expansion.malformed {
        problems.push(Problem::new(
            Severity::Error,
            ProblemKind::InvalidTemplate,
            name,
            format!("Fn::ForEach::{p} takes [identifier, collection, {{output key: output value}}]"),
        ));
    }
    for mut p in check_document(name, &document, Some(body), &options) {
        // `Resources: {}` is refused by CloudFormation when deployed but is a common fragment
        // (cfn-lint accepts it): a warning. A template without Resources stays an error.
        if p.message == "a template needs at least one resource" {
            p.severity = Severity::Warning;
        }
        // A module entry's own CreationPolicy/UpdatePolicy is judged by CloudFormation, not by the
        // module: that problem stays an error.
        let module_entry = p.kind == ProblemKind::InvalidTemplate
            && matches!(p.property_path.as_deref(), Some("CreationPolicy" | "UpdatePolicy"));
        let about_generated =
            !module_entry && p.logical_id.as_deref().is_some_and(|id| generated.iter().any(|(g, _)| *g == id));
        let unresolved = matches!(p.kind, ProblemKind::DanglingReference | ProblemKind::UnknownAttribute);
        let module_target = unresolved && generated.iter().any(|(g, _)| p.message.contains(&format!("\"{g}")));
        if about_generated && p.message.contains("is not a CloudFormation resource type") {
            continue; // said by the "not checked" note
        }
        if about_generated || module_target || (unresolved && other_transform) {
            if unresolved && !about_generated {
                p.message.push_str(" (a transform or module in this template may generate it)");
            }
            notes.push(p);
        } else {
            problems.push(p);
        }
    }
    for p in problems.iter_mut().chain(notes.iter_mut()) {
        p.line = line_of(template, p);
        if strict && !p.is_error() {
            p.severity = Severity::Error;
        }
    }
    for n in &mut notes {
        n.severity = Severity::Warning;
    }
    let order = |a: &Problem, b: &Problem| {
        (a.severity, &a.logical_id, a.line, &a.message).cmp(&(b.severity, &b.logical_id, b.line, &b.message))
    };
    problems.sort_by(order);
    problems.dedup();
    notes.sort_by(order);
    notes.dedup();
    let unchecked_types: BTreeSet<String> = resources
        .into_iter()
        .flat_map(|r| r.values())
        .filter_map(|r| r.get("Type").and_then(|t| t.as_str()))
        .filter(|t| crate::schema::resource_schema(t).is_none() && crate::schema::is_known_type(t))
        .map(String::from)
        .collect();
    ValidationReport { problems, notes, unchecked_types: unchecked_types.into_iter().collect() }
}

/// The most precise line known: the property, else its entry.
fn line_of(template: &Template, problem: &Problem) -> Option<usize> {
    let Some(id) = problem.logical_id.as_deref() else {
        // A top-level section, or the template as a whole (line 1).
        return match problem.property_path.as_deref() {
            Some(section) => template.line_of(&[section]),
            None => (template.format() != crate::review::read::SourceFormat::Value).then_some(1),
        };
    };
    let section = ["Resources", "Parameters", "Outputs", "Conditions", "Mappings"]
        .into_iter()
        .find(|s| template.value().get(s).and_then(|m| m.get(id)).is_some())?;
    let mut path = vec![section.to_string(), id.to_string()];
    let mut best = template.line_of(&[section, id]);
    if let Some(property_path) = &problem.property_path {
        for segment in split_property_path(property_path) {
            path.push(segment);
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            // Sequence items have no key line of their own: look deeper.
            if let Some(line) = template.line_of(&refs) {
                best = Some(line);
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

    /// The problems other than the security rule pack's warnings (these tests are about correctness).
    fn correctness(report: &ValidationReport) -> impl Iterator<Item = &Problem> {
        report.problems.iter().filter(|p| p.kind != ProblemKind::Security)
    }

    #[test]
    fn property_paths_split_into_segments() {
        assert_eq!(split_property_path("Properties.A[2].B"), ["Properties", "A", "2", "B"]);
        assert_eq!(split_property_path("Fn::Sub"), ["Fn::Sub"]);
    }

    #[test]
    fn schema_problems_carry_the_property_line() {
        let yaml = "Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 'many'\n      RetentionPeriodHours: 9000\n";
        let report = validate("s.yaml", &read_template(yaml).unwrap(), false);
        let lines: Vec<(ProblemKind, Option<usize>)> = correctness(&report).map(|p| (p.kind, p.line)).collect();
        assert_eq!(lines, [(ProblemKind::Schema, Some(5)), (ProblemKind::Schema, Some(6))]);
        assert!(report.unchecked_types.is_empty());
    }

    #[test]
    fn numeric_and_boolean_strings_are_read_as_cloudformation_reads_them() {
        // CloudFormation converts "24" and "true"; a range is still checked on the number.
        let yaml = "Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: '24'\n      RetentionPeriodHours: '9000'\n  Q:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: 'true'\n";
        let report = validate("s.yaml", &read_template(yaml).unwrap(), false);
        let found: Vec<(Option<usize>, &str)> = correctness(&report).map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(found, [(Some(6), "9000 is greater than the maximum 8760")], "{:?}", report.problems);
    }

    #[test]
    fn fn_if_branches_are_checked_against_the_property() {
        let yaml = "Conditions:\n  C: !Equals [a, b]\nResources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      RetentionPeriodHours: !If [C, 9000, !Ref AWS::NoValue]\n      ShardCount: !If [C, 1, 2]\n";
        let report = validate("s.yaml", &read_template(yaml).unwrap(), false);
        let found: Vec<(Option<&str>, Option<usize>)> =
            correctness(&report).map(|p| (p.property_path.as_deref(), p.line)).collect();
        assert_eq!(found, [(Some("Properties.RetentionPeriodHours.Fn::If[1]"), Some(7))], "{:?}", report.problems);
    }

    #[test]
    fn outputs_named_like_resources_are_not_cycles() {
        let yaml = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\nOutputs:\n  Bucket:\n    Value: !Ref Bucket\n";
        let report = validate("o.yaml", &read_template(yaml).unwrap(), false);
        assert!(correctness(&report).next().is_none(), "{:?}", report.problems);
    }

    #[test]
    fn a_module_entry_with_an_update_policy_is_an_error() {
        let yaml = "Resources:\n  Mod:\n    Type: My::Org::Thing::MODULE\n    UpdatePolicy:\n      EnableVersionUpgrade: false\n";
        let report = validate("m.yaml", &read_template(yaml).unwrap(), false);
        let errors: Vec<(Option<&str>, Option<&str>, Option<usize>)> =
            correctness(&report).map(|p| (p.logical_id.as_deref(), p.property_path.as_deref(), p.line)).collect();
        assert_eq!(errors, [(Some("Mod"), Some("UpdatePolicy"), Some(4))], "{:?}", report.problems);
        assert!(report.notes.iter().any(|p| p.message.contains("registry module")), "{:?}", report.notes);
    }

    #[test]
    fn sam_required_properties() {
        let yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n  Layer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      LayerName: l\n  Good:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: app.yaml\n";
        let report = validate("s.yaml", &read_template(yaml).unwrap(), false);
        let errors: Vec<(Option<&str>, Option<usize>, &str)> =
            correctness(&report).map(|p| (p.logical_id.as_deref(), p.line, p.message.as_str())).collect();
        assert_eq!(
            errors,
            [
                (
                    Some("Api"),
                    Some(3),
                    "an AWS::Serverless::Api needs StageName (the SAM transform refuses it without)"
                ),
                (
                    Some("Layer"),
                    Some(7),
                    "an AWS::Serverless::LayerVersion needs ContentUri (the SAM transform refuses it without)"
                ),
            ]
        );
        // A value in Globals counts.
        let globals = "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Api:\n    StageName: prod\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n";
        let report = validate("g.yaml", &read_template(globals).unwrap(), false);
        assert!(correctness(&report).next().is_none(), "{:?}", report.problems);
    }

    #[test]
    fn sam_and_module_resources_are_notes_not_errors() {
        let yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: .\n  Mod:\n    Type: My::Org::Thing::MODULE\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [!Ref FnRole]\n      PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}\n";
        let report = validate("sam.yaml", &read_template(yaml).unwrap(), false);
        assert!(report.is_valid(), "{:?}", report.problems);
        let notes: Vec<(Option<&str>, &str)> =
            report.notes.iter().map(|p| (p.logical_id.as_deref(), p.message.as_str())).collect();
        assert!(
            notes.contains(&(
                Some("Fn"),
                "not checked: a SAM resource (the AWS::Serverless-2016-10-31 transform expands it)"
            )),
            "{notes:?}"
        );
        assert!(notes.iter().any(|(id, m)| *id == Some("Mod") && m.contains("registry module")), "{notes:?}");
        assert!(
            notes.iter().any(|(id, m)| *id == Some("P") && m.contains("FnRole") && m.contains("may generate")),
            "{notes:?}"
        );
        // Without the transform, the same SAM type is an error.
        let plain = validate(
            "t.yaml",
            &read_template(&yaml.replace("Transform: AWS::Serverless-2016-10-31\n", "")).unwrap(),
            false,
        );
        assert!(!plain.is_valid());
    }

    #[test]
    fn foreach_loops_are_expanded_before_checking() {
        let yaml = "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - Name\n    - [A, B]\n    - Topic${Name}:\n        Type: AWS::SNS::Topic\nOutputs:\n  Fn::ForEach::Out:\n    - Name\n    - [A, B, C]\n    - Arn${Name}:\n        Value: !Ref\n          Fn::Sub: Topic${Name}\n";
        let report = validate("f.yaml", &read_template(yaml).unwrap(), false);
        let found: Vec<&str> = correctness(&report).map(|p| p.message.as_str()).collect();
        assert_eq!(found, ["Ref to \"TopicC\", which is not a resource, parameter or pseudo parameter"]);
    }

    #[test]
    fn foreach_without_the_transform_is_an_error() {
        let yaml = "Resources:\n  Fn::ForEach::Topics:\n    - Name\n    - [A]\n    - Topic${Name}:\n        Type: AWS::SNS::Topic\nOutputs:\n  Fn::ForEach::Out:\n    - N\n    - [A]\n    - Fn::ForEach::Inner:\n        - M\n        - [B]\n        - O${N}${M}:\n            Value: x\n";
        let report = validate("f.yaml", &read_template(yaml).unwrap(), false);
        let found: Vec<(Option<usize>, &str)> = report.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        // One error per loop, at its key: the nested one too.
        let missing = "Fn::ForEach needs `Transform: AWS::LanguageExtensions` at the top of the template";
        let mut lines: Vec<Option<usize>> = found.iter().filter(|(_, m)| *m == missing).map(|(l, _)| *l).collect();
        lines.sort();
        assert_eq!(lines, [Some(2), Some(8), Some(11)], "{found:?}");
        assert!(found.iter().any(|(l, m)| *l == Some(2) && m.contains("logical ID")), "{found:?}");
    }

    #[test]
    fn local_paths_for_package_are_warnings() {
        let yaml = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ./src\n      Role: arn:aws:iam::123456789012:role/r\n      Runtime: python3.12\n      Handler: x.y\n";
        let report = validate("l.yaml", &read_template(yaml).unwrap(), false);
        if crate::schema::resource_schema("AWS::Lambda::Function").is_some() {
            assert!(report.is_valid(), "{:?}", report.problems);
        }
        assert!(report.problems.iter().any(|p| !p.is_error() && p.message.contains("aws cloudformation package")));
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
