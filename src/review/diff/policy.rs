//! IAM policy statements: where they live in a template, how to normalise and render them.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

/// How deep JSON-inside-a-string may nest before it is no longer unwrapped.
const MAX_EMBEDDED_JSON: usize = 8;

/// A policy statement, normalised so that order and string-vs-list spelling do not matter.
///
/// Every value is rendered readably: `{"Ref": "X"}` becomes `${X}`, `Fn::GetAtt` becomes
/// `${X.Attr}`, `Fn::Join` pieces are joined, and lists are sorted and de-duplicated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Statement {
    /// `Sid`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny` (as written).
    pub effect: String,
    /// `Action` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// `NotAction` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_actions: Vec<String>,
    /// `Resource` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// `NotResource` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_resources: Vec<String>,
    /// `Principal` entries as `TYPE:value` (`AWS:arn:…`, `Service:firehose.amazonaws.com`), or
    /// `*`. For identity policies (no `Principal`), the roles, users or groups the policy is
    /// attached to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    /// `NotPrincipal` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_principals: Vec<String>,
    /// `Condition` entries as `Operator key: value, value`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// A policy document found in a resource.
#[derive(Debug, Clone)]
pub(crate) struct FoundPolicy {
    /// Where in the resource: `KeyPolicy`, `Policies[Name]`, `Create<json>.parameters.Policy`.
    pub location: String,
    pub statements: Vec<Statement>,
}

/// Renders a template value readably for humans (`${X.Arn}` for `Fn::GetAtt`).
pub fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(render_value).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => render_intrinsic(m).unwrap_or_else(|| compact(v)),
    }
}

pub(crate) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// If `m` is a single-key intrinsic function, render it readably.
fn render_intrinsic(m: &Map<String, Value>) -> Option<String> {
    if m.len() != 1 {
        return None;
    }
    let (name, arg) = m.iter().next()?;
    Some(match (name.as_str(), arg) {
        ("Ref", Value::String(x)) => format!("${{{x}}}"),
        ("Fn::GetAtt", Value::String(x)) => format!("${{{x}}}"),
        ("Fn::GetAtt", Value::Array(parts)) => {
            let parts: Vec<String> = parts.iter().map(render_value).collect();
            format!("${{{}}}", parts.join("."))
        }
        ("Fn::Join", Value::Array(args)) if args.len() == 2 => match (&args[0], &args[1]) {
            (Value::String(sep), Value::Array(pieces)) => pieces.iter().map(render_value).collect::<Vec<_>>().join(sep),
            _ => return None,
        },
        ("Fn::Sub", Value::String(s)) => s.clone(),
        ("Fn::Sub", Value::Array(args)) if !args.is_empty() => {
            let mut s = render_value(&args[0]);
            if let Some(Value::Object(vars)) = args.get(1) {
                for (k, v) in vars {
                    s = s.replace(&format!("${{{k}}}"), &render_value(v));
                }
            }
            s
        }
        ("Fn::ImportValue", x) => format!("${{ImportValue {}}}", render_value(x)),
        _ => return None,
    })
}

/// `Action`-like fields: a string or a list, normalised to a sorted set.
fn list(v: Option<&Value>) -> Vec<String> {
    let set: BTreeSet<String> = match v {
        None => BTreeSet::new(),
        Some(Value::Array(items)) => items.iter().map(render_value).collect(),
        Some(other) => std::iter::once(render_value(other)).collect(),
    };
    set.into_iter().collect()
}

fn principals(v: Option<&Value>) -> Vec<String> {
    let mut set = BTreeSet::new();
    match v {
        None => {}
        Some(Value::Object(m)) if render_intrinsic(m).is_none() => {
            for (kind, ids) in m {
                for id in list(Some(ids)) {
                    set.insert(format!("{kind}:{id}"));
                }
            }
        }
        Some(other) => {
            set.extend(list(Some(other)));
        }
    }
    set.into_iter().collect()
}

fn conditions(v: Option<&Value>) -> Vec<String> {
    let mut set = BTreeSet::new();
    match v {
        None => {}
        Some(Value::Object(ops)) => {
            for (op, keys) in ops {
                match keys {
                    Value::Object(keys) => {
                        for (key, values) in keys {
                            set.insert(format!("{op} {key}: {}", list(Some(values)).join(", ")));
                        }
                    }
                    other => {
                        set.insert(format!("{op}: {}", render_value(other)));
                    }
                }
            }
        }
        Some(other) => {
            set.insert(render_value(other));
        }
    }
    set.into_iter().collect()
}

/// Normalises one statement (a JSON object). `attached` fills in principals for identity
/// policies whose statements have none.
pub(crate) fn normalise(stmt: &Map<String, Value>, attached: &[String]) -> Statement {
    let mut principals = principals(stmt.get("Principal"));
    if principals.is_empty() && !stmt.contains_key("NotPrincipal") {
        principals = attached.to_vec();
    }
    Statement {
        sid: stmt.get("Sid").map(render_value),
        effect: stmt.get("Effect").map(render_value).unwrap_or_else(|| "Allow".to_string()),
        actions: list(stmt.get("Action")),
        not_actions: list(stmt.get("NotAction")),
        resources: list(stmt.get("Resource")),
        not_resources: list(stmt.get("NotResource")),
        principals,
        not_principals: principals_or_empty(stmt.get("NotPrincipal")),
        conditions: conditions(stmt.get("Condition")),
    }
}

fn principals_or_empty(v: Option<&Value>) -> Vec<String> {
    principals(v)
}

/// The statements of a policy document (`{"Statement": …}`), when it looks like one.
pub(crate) fn document_statements(doc: &Value, attached: &[String]) -> Option<Vec<Statement>> {
    let mut out = Vec::new();
    collect_document(doc, attached, &[], &mut out)?;
    Some(out)
}

/// `{"Fn::If": [C, a, b]}`: the branches with the template condition under which each applies.
fn if_branches(v: &Value) -> Option<[(&Value, String); 2]> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    let [c, a, b] = m.get("Fn::If")?.as_array()?.as_slice() else { return None };
    let c = render_value(c);
    Some([(a, format!("template condition {c} is true")), (b, format!("template condition {c} is false"))])
}

fn is_no_value(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue"))
}

/// A mapping with the keys of an IAM statement (AWS::WAFv2 rules have `Statement`s of another kind).
fn looks_like_statement(v: &Value) -> bool {
    if let Some(branches) = if_branches(v) {
        return branches.iter().any(|(b, _)| looks_like_statement(b));
    }
    v.as_object().is_some_and(|m| {
        ["Effect", "Action", "NotAction", "Principal", "NotPrincipal", "Resource", "NotResource"]
            .iter()
            .any(|k| m.contains_key(*k))
    })
}

fn collect_document(doc: &Value, attached: &[String], when: &[String], out: &mut Vec<Statement>) -> Option<()> {
    if let Some(branches) = if_branches(doc) {
        let mut any = false;
        for (branch, condition) in branches {
            let when: Vec<String> = when.iter().cloned().chain([condition]).collect();
            any |= collect_document(branch, attached, &when, out).is_some();
        }
        return any.then_some(());
    }
    let stmts = doc.as_object()?.get("Statement")?;
    let items: Vec<&Value> = match stmts {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![stmts],
        _ => return None,
    };
    if !items.iter().any(|i| looks_like_statement(i)) {
        return None;
    }
    for item in items {
        collect_statement(item, attached, when, out);
    }
    Some(())
}

fn collect_statement(item: &Value, attached: &[String], when: &[String], out: &mut Vec<Statement>) {
    if let Some(branches) = if_branches(item) {
        for (branch, condition) in branches {
            if !is_no_value(branch) {
                let when: Vec<String> = when.iter().cloned().chain([condition]).collect();
                collect_statement(branch, attached, &when, out);
            }
        }
        return;
    }
    // Other functions (a whole statement from Ref or FindInMap) are not known before deployment.
    if let Some(s) = item.as_object().filter(|_| looks_like_statement(item)) {
        let mut statement = normalise(s, attached);
        statement.conditions.extend(when.iter().cloned());
        out.push(statement);
    }
}

/// Readable principal for the roles/users/groups an identity policy is attached to.
fn attachments(props: &Map<String, Value>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (field, kind) in [("Roles", "Role"), ("Users", "User"), ("Groups", "Group")] {
        for name in list(props.get(field)) {
            out.insert(format!("{kind}:{name}"));
        }
    }
    out.into_iter().collect()
}

/// All policy documents of one resource.
pub(crate) fn resource_policies(logical_id: &str, resource_type: &str, props: &Map<String, Value>) -> Vec<FoundPolicy> {
    let mut found = Vec::new();
    let mut push = |location: String, doc: Option<&Value>, attached: &[String]| {
        if let Some(doc) = doc
            && let Some(statements) = document_statements(doc, attached)
        {
            found.push(FoundPolicy { location, statements });
        }
    };
    match resource_type {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            let kind = resource_type.rsplit("::").next().unwrap_or("Role");
            if resource_type == "AWS::IAM::Role" {
                push("AssumeRolePolicyDocument".into(), props.get("AssumeRolePolicyDocument"), &[]);
            }
            if let Some(Value::Array(policies)) = props.get("Policies") {
                let me = vec![format!("{kind}:${{{logical_id}}}")];
                for (i, p) in policies.iter().enumerate() {
                    let name = p.get("PolicyName").map(render_value).unwrap_or_else(|| i.to_string());
                    push(format!("Policies[{name}]"), p.get("PolicyDocument"), &me);
                }
            }
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            let attached = attachments(props);
            push("PolicyDocument".into(), props.get("PolicyDocument"), &attached);
        }
        "AWS::KMS::Key" => push("KeyPolicy".into(), props.get("KeyPolicy"), &[]),
        "AWS::Kinesis::ResourcePolicy" | "AWS::SecretsManager::ResourcePolicy" => {
            push("ResourcePolicy".into(), props.get("ResourcePolicy"), &[]);
        }
        "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
            push("PolicyDocument".into(), props.get("PolicyDocument"), &[]);
        }
        // Any other type: every property holding a policy document (AWS::IoT::Policy,
        // AWS::ECR::Repository RepositoryPolicyText, OpenSearch AccessPolicies, custom resources, …).
        _ => {
            for (key, value) in props {
                walk_embedded(value, key.clone(), 0, &mut found);
            }
        }
    }
    found
}

/// The managed policy ARNs of a role, user or group, rendered.
pub(crate) fn managed_policy_arns(resource_type: &str, props: &Map<String, Value>) -> Vec<String> {
    match resource_type {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => list(props.get("ManagedPolicyArns")),
        _ => Vec::new(),
    }
}

/// The JSON inside a string, or inside an `Fn::Join` of pieces whose unresolved parts are
/// rendered readably (`${Stream.Arn}`).
pub(crate) fn embedded_json(v: &Value) -> Option<Value> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Join") => {
            let args = m.get("Fn::Join")?.as_array()?;
            let (Value::String(sep), Value::Array(pieces)) = (args.first()?, args.get(1)?) else {
                return None;
            };
            pieces
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    // Quotes and backslashes would break the JSON around the piece.
                    other => render_value(other).replace(['"', '\\'], "'"),
                })
                .collect::<Vec<_>>()
                .join(sep)
        }
        _ => return None,
    };
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let parsed: Value = serde_json::from_str(&text).ok()?;
    // serde_json bounds the depth of what it parses (128 levels).
    Some(parsed)
}

fn walk_embedded(v: &Value, path: String, json_depth: usize, found: &mut Vec<FoundPolicy>) {
    // Iterative over the value itself; recursion only across JSON-in-string boundaries,
    // which is bounded by MAX_EMBEDDED_JSON.
    let mut stack = vec![(v, path)];
    while let Some((v, path)) = stack.pop() {
        if let Some(statements) = document_statements(v, &[]) {
            found.push(FoundPolicy { location: path.clone(), statements });
            continue;
        }
        if let Some(inner) = embedded_json(v) {
            if json_depth < MAX_EMBEDDED_JSON {
                walk_embedded(&inner, format!("{path}<json>"), json_depth + 1, found);
            }
            continue;
        }
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter().rev() {
                    stack.push((child, format!("{path}.{k}")));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((child, format!("{path}[{i}]")));
                }
            }
            _ => {}
        }
    }
    // Documents are found in depth-first order; keep that order stable.
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conditional_statements_and_any_policy_property() {
        let doc = serde_json::json!({"Statement": [
            {"Fn::If": ["Prod", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Ref": "AWS::NoValue"}]},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
        ]});
        let found = document_statements(&doc, &[]).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].effect.as_str(), found[0].actions.as_slice()),
            ("Allow", &["s3:GetObject".to_string()][..])
        );
        assert_eq!(found[0].conditions, ["template condition Prod is true"]);
        assert!(found[1].conditions.is_empty());
        // A whole document chosen by a condition.
        let whole = serde_json::json!({"Fn::If": ["Prod", {"Statement": [{"Effect": "Allow", "Action": "a:b"}]},
            {"Statement": [{"Effect": "Deny", "Action": "a:b"}]}]});
        let found = document_statements(&whole, &[]).unwrap();
        assert_eq!(found.iter().map(|s| s.effect.as_str()).collect::<Vec<_>>(), ["Allow", "Deny"]);
        assert_eq!(found[1].conditions, ["template condition Prod is false"]);
        // Every policy-document property of any type; AWS::WAFv2 statements are not IAM statements.
        let iot = serde_json::json!({"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}]}});
        assert_eq!(resource_policies("P", "AWS::IoT::Policy", iot.as_object().unwrap()).len(), 1);
        let waf = serde_json::json!({"Rules": [{"Statement": {"ByteMatchStatement": {}}}]});
        assert!(resource_policies("W", "AWS::WAFv2::WebACL", waf.as_object().unwrap()).is_empty());
    }

    #[test]
    fn string_and_list_spellings_are_the_same() {
        let a = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["b", "a"]});
        let b = json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["a", "b", "a"]});
        assert_eq!(normalise(a.as_object().unwrap(), &[]), normalise(b.as_object().unwrap(), &[]));
    }

    #[test]
    fn intrinsics_render_readably() {
        assert_eq!(render_value(&json!({"Ref": "X"})), "${X}");
        assert_eq!(render_value(&json!({"Fn::GetAtt": ["S", "Arn"]})), "${S.Arn}");
        assert_eq!(render_value(&json!({"Fn::Join": ["", [{"Fn::GetAtt": ["S", "Arn"]}, "/*"]]})), "${S.Arn}/*");
        assert_eq!(
            render_value(&json!({"Fn::Sub": ["arn:${P}:x", {"P": {"Ref": "AWS::Partition"}}]})),
            "arn:${AWS::Partition}:x"
        );
    }

    #[test]
    fn principals_and_conditions() {
        let s = json!({
            "Effect": "Allow",
            "Principal": {"Service": ["b.amazonaws.com", "a.amazonaws.com"], "AWS": "arn:x"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": ["2", "1"]}}
        });
        let n = normalise(s.as_object().unwrap(), &[]);
        assert_eq!(n.principals, ["AWS:arn:x", "Service:a.amazonaws.com", "Service:b.amazonaws.com"]);
        assert_eq!(n.conditions, ["StringEquals sts:ExternalId: 1, 2"]);
    }

    #[test]
    fn nested_json_in_a_join_is_found() {
        let props = json!({
            "ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]},
            "Create": {"Fn::Join": ["", [
                "{\"service\":\"Kinesis\",\"parameters\":{\"ResourceARN\":\"",
                {"Fn::GetAtt": ["Stream", "Arn"]},
                "\",\"Policy\":\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"kinesis:GetRecords\\\",\\\"Resource\\\":\\\"",
                {"Fn::GetAtt": ["Stream", "Arn"]},
                "\\\"}]}\"}}"
            ]]}
        });
        let found = resource_policies("Cr", "Custom::AWS", props.as_object().unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location, "Create<json>.parameters.Policy<json>");
        assert_eq!(found[0].statements[0].resources, ["${Stream.Arn}"]);
        assert_eq!(found[0].statements[0].actions, ["kinesis:GetRecords"]);
    }

    #[test]
    fn deeply_nested_json_strings_stop() {
        let mut s = json!({"Statement": {"Effect": "Allow", "Action": "x:Y"}});
        for _ in 0..20 {
            s = Value::String(serde_json::to_string(&json!({"P": s})).unwrap());
        }
        let props = json!({"Create": s});
        let found = resource_policies("Cr", "Custom::AWS", props.as_object().unwrap());
        assert!(found.is_empty());
    }
}
