//! A template check that lints every IAM policy document it can find.

use serde_json::Value as Json;

use crate::core::problem::{Problem, ProblemKind, Severity};

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
];

/// Lints every policy document in a template (a [`TemplateCheck`](crate::core::synth::TemplateCheck)):
/// trust policies, role inline policies, `AWS::IAM::Policy`/`ManagedPolicy`, KMS key policies, Kinesis
/// and S3 resource policies, and JSON strings inside `Custom::*` properties (also JSON inside JSON,
/// and `Fn::Join` strings, whose literal pieces are linted). Warns about actions not of the form
/// `service:Action`, unknown condition operators and condition keys not of the form `prefix:name`.
///
/// ```
/// let t = serde_json::json!({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {
///     "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3.GetObject", "Resource": "*"}]}}}}});
/// let problems = rcdk::iam::lint_policies("S", &t);
/// assert_eq!(problems.len(), 1);
/// ```
pub fn lint_policies(stack: &str, template: &Json) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Json::as_object) else { return out };
    for (logical_id, resource) in resources {
        let type_name = resource.get("Type").and_then(Json::as_str).unwrap_or_default();
        let Some(props) = resource.get("Properties") else { continue };
        let mut lint = |doc: Option<&Json>, path: String| {
            if let Some(doc) = doc {
                lint_document(doc, &path, &mut |path, message| {
                    out.push(
                        Problem::new(Severity::Warning, ProblemKind::Policy, stack, message)
                            .at(logical_id.clone(), format!("Properties.{path}")),
                    )
                });
            }
        };
        match type_name {
            "AWS::IAM::Role" => {
                lint(props.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument".into());
                if let Some(list) = props.get("Policies").and_then(Json::as_array) {
                    for (i, p) in list.iter().enumerate() {
                        lint(p.get("PolicyDocument"), format!("Policies[{i}].PolicyDocument"));
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::S3::BucketPolicy" => {
                lint(props.get("PolicyDocument"), "PolicyDocument".into())
            }
            "AWS::KMS::Key" => lint(props.get("KeyPolicy"), "KeyPolicy".into()),
            "AWS::Kinesis::ResourcePolicy" => lint(props.get("ResourcePolicy"), "ResourcePolicy".into()),
            t if t.starts_with("Custom::") || t == "AWS::CloudFormation::CustomResource" => {
                if let Some(obj) = props.as_object() {
                    for (k, v) in obj {
                        find_embedded(v, k, 0, &mut |doc, path| lint(Some(doc), path));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A `Fn::Join` with an empty delimiter, read as one string with every expression replaced by a
/// placeholder (references inside JSON strings keep the JSON valid).
fn joined_literal(v: &Json) -> Option<String> {
    let join = v.as_object().filter(|o| o.len() == 1)?.get("Fn::Join")?.as_array()?;
    let [delimiter, parts] = join.as_slice() else { return None };
    let parts = parts.as_array()?;
    let pieces: Vec<String> =
        parts.iter().map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| "REF".to_string())).collect();
    Some(pieces.join(delimiter.as_str()?))
}

/// Finds policy documents in a value: objects with `Statement`, and JSON strings (or joins) that
/// parse to anything containing one.
fn find_embedded(v: &Json, path: &str, depth: usize, found: &mut dyn FnMut(&Json, String)) {
    if depth > 8 {
        return;
    }
    let as_text = v.as_str().map(str::to_string).or_else(|| joined_literal(v));
    if let Some(text) = as_text {
        let t = text.trim_start();
        if (t.starts_with('{') || t.starts_with('['))
            && let Ok(parsed) = serde_json::from_str::<Json>(&text)
        {
            find_embedded(&parsed, path, depth + 1, found);
        }
        return;
    }
    match v {
        Json::Object(o) if o.contains_key("Statement") => found(v, path.to_string()),
        Json::Object(o) => {
            for (k, x) in o {
                find_embedded(x, &format!("{path}.{k}"), depth + 1, found)
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                find_embedded(x, &format!("{path}[{i}]"), depth + 1, found)
            }
        }
        _ => {}
    }
}

fn label(path: &str, index: usize, statement: &Json) -> String {
    match statement.get("Sid").and_then(Json::as_str) {
        Some(sid) if sid.chars().count() > 28 => {
            let short: String = sid.chars().take(28).collect();
            format!("{path}.Statement[{index}] (\"{}…\")", short.trim_end())
        }
        Some(sid) => format!("{path}.Statement[{index}] (\"{sid}\")"),
        None => format!("{path}.Statement[{index}]"),
    }
}

fn valid_action(a: &str) -> bool {
    if a == "*" {
        return true;
    }
    let Some((service, action)) = a.split_once(':') else { return false };
    !service.is_empty()
        && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !action.is_empty()
        && action.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

fn valid_operator(op: &str) -> bool {
    let base = op.strip_prefix("ForAnyValue:").or_else(|| op.strip_prefix("ForAllValues:")).unwrap_or(op);
    if base == "Null" {
        return true;
    }
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    OPERATORS.contains(&base)
}

fn valid_condition_key(key: &str) -> bool {
    let Some((prefix, name)) = key.split_once(':') else { return false };
    !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !name.is_empty()
}

fn suggest_key(key: &str) -> Option<String> {
    let (prefix, name) = key.split_once(['.', '/', '_', '='])?;
    let candidate = format!("{prefix}:{name}");
    valid_condition_key(&candidate).then_some(candidate)
}

fn lint_document(doc: &Json, path: &str, report: &mut dyn FnMut(String, String)) {
    let statements: Vec<&Json> = match doc.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(s @ Json::Object(_)) => vec![s],
        _ => return,
    };
    for (i, statement) in statements.into_iter().enumerate() {
        let at = label(path, i, statement);
        let spath = format!("{path}.Statement[{i}]");
        for field in ["Action", "NotAction"] {
            let actions: Vec<&str> = match statement.get(field) {
                Some(Json::String(s)) => vec![s.as_str()],
                Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            for a in actions {
                if !valid_action(a) {
                    let hint = a
                        .split_once(['.', '/', '_'])
                        .map(|(s, n)| format!("{s}:{n}"))
                        .filter(|c| valid_action(c))
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    report(
                        format!("{spath}.{field}"),
                        format!("{at}: action \"{a}\" is not of the form service:Action{hint}"),
                    );
                }
            }
        }
        let Some(conditions) = statement.get("Condition").and_then(Json::as_object) else { continue };
        for (op, keys) in conditions {
            let cpath = format!("{spath}.Condition.{op}");
            if !valid_operator(op) {
                report(cpath.clone(), format!("{at}: unknown condition operator \"{op}\""));
            }
            let Some(keys) = keys.as_object() else { continue };
            for key in keys.keys() {
                if !valid_condition_key(key) {
                    let hint = suggest_key(key).map(|c| format!(" (did you mean \"{c}\"?)")).unwrap_or_default();
                    report(
                        cpath.clone(),
                        format!("{at}: condition key \"{key}\" is not of the form prefix:name{hint}"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators() {
        for ok in ["StringEquals", "StringLikeIfExists", "ForAnyValue:StringLike", "ForAllValues:ArnEquals", "Null"] {
            assert!(valid_operator(ok), "{ok}");
        }
        for bad in ["StringEqual", "NullIfExists", "ForSomeValues:StringLike", ""] {
            assert!(!valid_operator(bad), "{bad}");
        }
    }

    #[test]
    fn actions_and_keys() {
        assert!(valid_action("kms:ReEncrypt*") && valid_action("*") && valid_action("s3:Get?bject"));
        assert!(!valid_action("kms.Decrypt") && !valid_action("kms:") && !valid_action("kms"));
        assert!(valid_condition_key("aws:PrincipalTag/team") && valid_condition_key("kms:ViaService"));
        assert_eq!(suggest_key("kms.ViaService").as_deref(), Some("kms:ViaService"));
    }
}
