//! A template check that lints every IAM policy document it can find.

use serde_json::Value as Json;
use std::fmt::Write as _;

use crate::core::check::Field;
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
/// any property of any resource that holds an IAM policy document — trust and inline policies,
/// `AWS::IAM::Policy`/`ManagedPolicy`, key policies, SQS/SNS/S3/ECR/Lambda/Kinesis resource
/// policies, `AWS::IoT::Policy`, … — as an object or as a JSON string (also JSON inside JSON,
/// and `Fn::Join` strings, whose literal pieces are linted), and the branches of `Fn::If`.
///
/// Errors (the policy grammar, as IAM refuses it): an `Effect` other than `Allow`/`Deny`, unknown
/// keys in a document or statement (`Actions`), a statement without `Action`/`NotAction` or with
/// both, `Resource` with `NotResource`, an unknown `Version`. Warnings: actions not of the form
/// `service:Action`, action names the service does not have (`kms:Decrpyt`, from the action list
/// in `src/iam/actions.txt`), unknown condition operators, condition keys not of the form
/// `prefix:name`.
///
/// ```
/// let t = serde_json::json!({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {
///     "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3.GetObject", "Resource": "*"}]}}}}});
/// let problems = rcdk::iam::lint_policies("S", &t);
/// assert_eq!(problems.len(), 1);
/// let t = serde_json::json!({"Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
///     "PolicyDocument": {"Statement": [{"Effect": "Alow", "Action": "sqs:SendMessage", "Resource": "*"}]}}}}});
/// assert!(rcdk::iam::lint_policies("S", &t)[0].message.contains("Effect must be Allow or Deny"));
/// ```
pub fn lint_policies(stack: &str, template: &Json) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(resources) = template.field("Resources").and_then(Json::as_object) else { return out };
    for (logical_id, resource) in resources {
        let Some(props) = resource.field("Properties").and_then(Json::as_object) else { continue };
        // A custom resource's payload goes to its handler, not to IAM, often as a fragment of a
        // policy: only the spelling of what it holds is checked, not the grammar.
        let type_name = resource.field("Type").and_then(Json::as_str).unwrap_or_default();
        let custom = type_name.starts_with("Custom::") || type_name == "AWS::CloudFormation::CustomResource";
        let mut lint = |doc: &Json, path: String| {
            let kind = if custom { DocKind::Fragment } else { doc_kind(type_name, &path) };
            // A document found by its shape in a property rcdk does not know as a policy (it may
            // be read by something other than IAM): its grammar problems are warnings.
            let known = kind != DocKind::Other || KNOWN_OTHER.contains(&(type_name, path.as_str()));
            lint_document(doc, &path, kind, &mut |severity, path, message| {
                let severity = if known { severity } else { Severity::Warning };
                out.push(
                    Problem::new(severity, ProblemKind::Policy, stack, message)
                        .at(logical_id.clone(), format!("Properties.{path}")),
                )
            });
        };
        for (k, v) in props {
            find_embedded(v, &mut k.to_string(), 0, &mut |doc, path| lint(doc, path));
        }
        // An identity policy document given as a mapping without `Statement` (`{}`) is not found
        // by its shape above; IAM refuses it (cfn-lint 1.58 `IdentityPolicy`, E3510 'Statement' is
        // a required property). cfn-lint does not report a trust policy `{}` (its good fixture
        // `resources/properties/list_duplicates.yaml` has three), so only identity documents are
        // checked here. `Properties: !If [...]` is read branch by branch.
        let branches: Vec<(&serde_json::Map<String, Json>, String)> =
            match props.field("Fn::If").and_then(Json::as_array).map(Vec::as_slice) {
                Some([_, a, b]) if props.len() == 1 => [(a, "Fn::If[1]."), (b, "Fn::If[2].")]
                    .into_iter()
                    .filter_map(|(v, prefix)| v.as_object().map(|m| (m, prefix.to_string())))
                    .collect(),
                _ => vec![(props, String::new())],
            };
        for (map, prefix) in branches {
            for (k, v) in map {
                let Some(doc) = v.as_object() else { continue };
                let named = k.ends_with("PolicyDocument") || k.ends_with("Policy") || k.ends_with("PolicyText");
                let kind = doc_kind(type_name, k);
                if custom || !named || kind != DocKind::Identity || doc.contains_key("Statement") || is_intrinsic(v) {
                    continue;
                }
                lint(v, format!("{prefix}{k}"));
            }
        }
    }
    out
}

/// A `Fn::Join` with an empty delimiter, read as one string with every expression replaced by a
/// placeholder (references inside JSON strings keep the JSON valid).
fn joined_literal(v: &Json) -> Option<String> {
    let join = v.as_object().filter(|o| o.len() == 1)?.field("Fn::Join")?.as_array()?;
    let [delimiter, parts] = join.as_slice() else { return None };
    let parts = parts.as_array()?;
    let pieces: Vec<String> =
        parts.iter().map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| "REF".to_string())).collect();
    Some(pieces.join(delimiter.as_str()?))
}

/// Finds policy documents in a value: objects with `Statement`, and JSON strings (or joins) that
/// parse to anything containing one.
fn find_embedded(v: &Json, path: &mut String, depth: usize, found: &mut dyn FnMut(&Json, String)) {
    if depth > 8 {
        return;
    }
    // Every string of the template passes here: borrow it, and build paths in one buffer, so
    // that only a document actually found costs an allocation.
    let as_text: Option<std::borrow::Cow<'_, str>> = match v.as_str() {
        Some(s) => Some(s.into()),
        None => joined_literal(v).map(Into::into),
    };
    if let Some(text) = as_text {
        // Only text that can be JSON is parsed: `{{resolve:…}}` (a dynamic reference) and other
        // text starting with a bracket would fail, and a failed parse costs far more than a
        // successful one (serde_json locates the error; its byte search detects CPU features,
        // which is slow in virtual machines).
        let t = text.trim();
        let object = t.starts_with('{') && t.ends_with('}') && !t.starts_with("{{");
        let array = t.starts_with('[') && t.ends_with(']');
        if (object || array)
            && let Ok(parsed) = serde_json::from_str::<Json>(&text)
        {
            find_embedded(&parsed, path, depth + 1, found);
        }
        return;
    }
    let named_policy = path.rsplit('.').next().is_some_and(|last| {
        let last = last.split('[').next().unwrap_or(last);
        last.ends_with("PolicyDocument") || last.ends_with("Policy") || last.ends_with("PolicyText")
    });
    match v {
        Json::Object(o) if is_policy_document(o) || (named_policy && o.contains_key("Statement")) => {
            found(v, path.clone())
        }
        Json::Object(o) => {
            for (k, x) in o {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                find_embedded(x, path, depth + 1, found);
                path.truncate(len);
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                find_embedded(x, path, depth + 1, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// A mapping with a `Statement` that IAM would read: a policy `Version`, or statements with the
/// keys of IAM statements. (AWS::WAFv2 rules also have a `Statement`, of another kind.)
fn is_policy_document(o: &serde_json::Map<String, Json>) -> bool {
    let Some(statement) = o.field("Statement") else { return false };
    if matches!(o.field("Version").and_then(Json::as_str), Some("2012-10-17" | "2008-10-17")) {
        return true;
    }
    match statement {
        Json::Array(items) => !items.is_empty() && items.iter().any(looks_like_statement),
        other => looks_like_statement(other),
    }
}

/// A mapping with the keys of an IAM statement, or an `Fn::If` with one in a branch.
fn looks_like_statement(s: &Json) -> bool {
    let Some(m) = s.as_object() else { return false };
    if let Some([_, a, b]) = m.field("Fn::If").and_then(Json::as_array).map(Vec::as_slice) {
        return looks_like_statement(a) || looks_like_statement(b);
    }
    ["Effect", "Action", "NotAction", "Principal", "NotPrincipal", "Resource", "NotResource", "Sid"]
        .iter()
        .any(|k| m.contains_key(*k))
}

/// IAM action names per service prefix, from cfn-lint's policy data (`actions.txt`: one line per
/// service, `prefix name name …`, sorted by prefix). A generated index of each service's names
/// (`actions_index.rs`) is binary-searched, and the names are split when the service is checked:
/// nothing is built at run time (splitting all ~18,000 names up front was 60% of the article
/// example's instructions; an index of the lines built on first use was still 8%, and a binary
/// search in the text itself 10%, its lines being up to 23 KB long).
fn actions_of(service: &str) -> Option<impl Iterator<Item = &'static str> + Clone> {
    let names = service_names(service)?;
    Some(names.split(' ').filter(|n| !n.is_empty()))
}

/// The text the index points into.
static ACTIONS: &str = include_str!("actions.txt");

fn service_names(service: &str) -> Option<&'static str> {
    use super::actions_index::ACTION_INDEX;
    let prefix = |&(start, len, _): &(u32, u8, u32)| ACTIONS.get(start as usize..start as usize + usize::from(len));
    let i = ACTION_INDEX.binary_search_by(|entry| prefix(entry).unwrap_or_default().cmp(service)).ok()?;
    let (start, len, names_len) = ACTION_INDEX[i];
    // The names follow the prefix and one space.
    let names = start as usize + usize::from(len) + 1;
    ACTIONS.get(names..names + names_len as usize)
}

/// Whether `name` is one of the space-separated, sorted `names` (binary search on the text: the
/// probes cut at the spaces around the middle, and names are short).
fn has_name(names: &str, name: &str) -> bool {
    let bytes = names.as_bytes();
    // `lo` is the start of a name; `hi` the end of the last name still in range.
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid].iter().rposition(|b| *b == b' ').map_or(lo, |i| lo + i + 1);
        let end = bytes[mid..hi].iter().position(|b| *b == b' ').map_or(hi, |i| mid + i);
        match names.get(start..end).map(|candidate| candidate.cmp(name)) {
            Some(std::cmp::Ordering::Equal) => return true,
            Some(std::cmp::Ordering::Less) => lo = end + 1,
            Some(std::cmp::Ordering::Greater) if start > lo => hi = start - 1,
            _ => return false,
        }
    }
    false
}

/// The text of `actions_index.rs` for `actions.txt` (what the test `action_index_is_current` checks).
/// Numbers only, no `&str`: a table of string slices is a dynamic relocation per entry, written by
/// the loader at every start (460 of them, on copy-on-write pages).
#[cfg(test)]
fn action_index_source(actions: &str) -> String {
    let mut out = String::from(
        "// @generated from src/iam/actions.txt by the test `iam::lint::tests::action_index_is_current`\n\
         // (`RCDK_BLESS=1 cargo test --lib action_index` rewrites it); do not edit.\n\
         //! Where each service's action names are in `actions.txt`.\n\n\
         /// `(byte offset of the service prefix, its length, byte length of the names after it and one space)`\n\
         /// of each service's line in `actions.txt`, sorted by prefix. Numbers only: a table of `&str` would be\n\
         /// a relocation per entry for the loader to write at start-up.\n\
         #[rustfmt::skip]\n\
         pub(super) static ACTION_INDEX: &[(u32, u8, u32)] = &[\n",
    );
    let mut at = 0;
    for line in actions.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        if !text.is_empty() && !text.starts_with('#') {
            let (prefix, names) = text.split_once(' ').expect("every service line lists names");
            out.push_str(&format!("    ({at}, {}, {}), // {prefix}\n", prefix.len(), names.len()));
        }
        at += line.len();
    }
    out.push_str("];\n");
    out
}

/// `*` and `?` wildcards, case-insensitive (IAM action names are).
fn wildcard_match(pattern: &str, name: &str) -> bool {
    if !name.is_ascii() {
        let p: Vec<char> = pattern.chars().collect();
        let n: Vec<char> = name.chars().collect();
        return wildcard_match_units(&p, &n, '*', '?');
    }
    // Listed names are ASCII: bytes suffice (a non-ASCII pattern byte matches no ASCII name byte,
    // and `?` consumes one character of the name, which is one byte here).
    wildcard_match_units(pattern.as_bytes(), name.as_bytes(), b'*', b'?')
}

fn wildcard_match_units<T: Copy + PartialEq>(p: &[T], n: &[T], any: T, one: T) -> bool {
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == one || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == any)
}

/// Why a well-formed `service:Action` names no action, with the closest name when there is one.
fn unknown_action(action: &str) -> Option<String> {
    let (service, name) = action.split_once(':')?;
    let service_lower = service.to_ascii_lowercase();
    let (Some(names), Some(known)) = (service_names(&service_lower), actions_of(&service_lower)) else {
        return Some(format!("\"{service}\" is not an IAM service prefix"));
    };
    let lower = name.to_ascii_lowercase();
    // Without wildcards a match is equality (the list is lowercase and sorted): a binary search.
    let wildcard = lower.contains(['*', '?']);
    if if wildcard { known.clone().any(|k| wildcard_match(&lower, k)) } else { has_name(names, &lower) } {
        return None;
    }
    if lower.contains(['*', '?']) {
        return Some(format!("\"{action}\" matches no {service} action"));
    }
    let closest = known
        .map(|k| (crate::core::check::edit_distance(&lower, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 6))
        .min_by_key(|(d, _)| *d);
    Some(match closest {
        Some((_, k)) => {
            format!("{service} has no action \"{name}\" (did you mean \"{service}:{}\"?)", restore_case(k, name))
        }
        None => format!("{service} has no action \"{name}\""),
    })
}

/// The list is lowercase; show a suggestion in the CamelCase the user wrote where letters line up.
fn restore_case(lower: &str, written: &str) -> String {
    let w: Vec<char> = written.chars().collect();
    let mut out = String::new();
    let mut upper_next = true;
    for (i, c) in lower.chars().enumerate() {
        let up = w.get(i).map_or(upper_next && i == 0, |x| x.is_ascii_uppercase() && x.to_ascii_lowercase() == c);
        out.push(if up || (i == 0) { c.to_ascii_uppercase() } else { c });
        upper_next = false;
    }
    out
}

/// How a message names a statement: its path, and its `Sid` when it has one
/// (`PolicyDocument.Statement[1] ("AllowRead")`). Written only into the messages of problems.
struct Label<'a> {
    spath: &'a str,
    statement: &'a Json,
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.statement.field("Sid").and_then(Json::as_str) {
            Some(sid) if sid.chars().count() > 28 => {
                let short: String = sid.chars().take(28).collect();
                write!(f, "{} (\"{}…\")", self.spath, short.trim_end())
            }
            Some(sid) => write!(f, "{} (\"{sid}\")", self.spath),
            None => f.write_str(self.spath),
        }
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

const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .copied()
        .filter(|k| crate::core::check::edit_distance(&lower, &k.to_ascii_lowercase()) <= 2)
        .min_by_key(|k| k.len())
}

/// An intrinsic function object (`Ref`, `Fn::…`), whose value is known only at deployment.
fn is_intrinsic(v: &Json) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// The statements of a document: each with its path, `Fn::If` branches included (`AWS::NoValue`
/// and other functions are not statements).
fn statements<'a>(value: &'a Json, path: String, out: &mut Vec<(String, &'a Json)>) {
    match value {
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                statements(item, format!("{path}[{i}]"), out);
            }
        }
        Json::Object(m) if m.len() == 1 && m.contains_key("Fn::If") => {
            if let Some([_, a, b]) = m.field("Fn::If").and_then(Json::as_array).map(Vec::as_slice) {
                statements(a, format!("{path}.Fn::If[1]"), out);
                statements(b, format!("{path}.Fn::If[2]"), out);
            }
        }
        v if is_intrinsic(v) => {}
        v => out.push((path, v)),
    }
}

/// Policy-document properties that IAM reads but that are neither identity nor resource
/// policies in [`doc_kind`]'s sense (their grammar problems are errors).
const KNOWN_OTHER: &[(&str, &str)] = &[
    ("AWS::IoT::Policy", "PolicyDocument"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::SSO::PermissionSet", "InlinePolicy"),
    ("AWS::Lambda::LayerVersionPermission", "PolicyDocument"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Events::EventBusPolicy", "Statement"),
];

/// What a policy document is for, which decides whether statements name a principal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DocKind {
    /// Attached to an identity (user, group, role): no `Principal`.
    Identity,
    /// A resource or trust policy: each statement names a `Principal` or `NotPrincipal`.
    Resource,
    /// Another policy document (session policies, service-specific documents).
    Other,
    /// A fragment in a custom resource's payload: only spelling is checked.
    Fragment,
}

fn doc_kind(type_name: &str, path: &str) -> DocKind {
    let identity_type = matches!(
        type_name,
        "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy"
    );
    let inline =
        matches!(type_name, "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group") && path.starts_with("Policies");
    if identity_type || inline {
        return DocKind::Identity;
    }
    let resource_policy = matches!(
        (type_name, path),
        ("AWS::IAM::Role", "AssumeRolePolicyDocument")
            | ("AWS::S3::BucketPolicy", "PolicyDocument")
            | ("AWS::SQS::QueuePolicy", "PolicyDocument")
            | ("AWS::SNS::TopicPolicy", "PolicyDocument")
            | ("AWS::KMS::Key", "KeyPolicy")
            | ("AWS::ECR::Repository", "RepositoryPolicyText")
            | ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy")
            | ("AWS::Kinesis::ResourcePolicy", "ResourcePolicy")
    );
    if resource_policy { DocKind::Resource } else { DocKind::Other }
}

fn lint_document(doc: &Json, path: &str, kind: DocKind, report: &mut dyn FnMut(Severity, String, String)) {
    let grammar = kind != DocKind::Fragment;
    let Some(obj) = doc.as_object() else { return };
    if grammar {
        match obj.field("Statement") {
            None => report(Severity::Error, path.to_string(), format!("{path}: a policy document needs a Statement")),
            Some(s) if !(s.is_array() || s.is_object()) => report(
                Severity::Error,
                format!("{path}.Statement"),
                format!("{path}: Statement must be a statement or a list of statements, found {s}"),
            ),
            _ => {}
        }
    }
    for key in obj.keys().filter(|k| grammar && !DOCUMENT_KEYS.contains(&k.as_str())) {
        let hint = closest(key, DOCUMENT_KEYS).map(|k| format!(" (did you mean {k}?)")).unwrap_or_default();
        report(
            Severity::Error,
            format!("{path}.{key}"),
            format!("{path}: \"{key}\" is not a policy document key{hint}; expected Version, Id, Statement"),
        );
    }
    if let Some(v) = obj.field("Version")
        && grammar
        && !is_intrinsic(v)
        && !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17"))
    {
        report(
            Severity::Error,
            format!("{path}.Version"),
            format!("{path}: Version must be \"2012-10-17\" or \"2008-10-17\", found {v}"),
        );
    }
    let mut found = Vec::new();
    // A single statement (not in a list) is shown as `Statement[0]`, like the first of a list.
    let wrapped;
    let listed = match obj.field("Statement") {
        Some(s @ Json::Array(_)) => Some(s),
        Some(s) if s.is_object() && (!is_intrinsic(s) || s.field("Fn::If").is_some()) => {
            wrapped = Json::Array(vec![s.clone()]);
            Some(&wrapped)
        }
        _ => None,
    };
    if let Some(s) = listed {
        statements(s, format!("{path}.Statement"), &mut found);
    }
    for (spath, statement) in found {
        let at = Label { spath: &spath, statement };
        lint_statement(statement, &spath, &at, kind, report);
    }
}

fn lint_statement(
    statement: &Json,
    spath: &str,
    at: &Label<'_>,
    kind: DocKind,
    report: &mut dyn FnMut(Severity, String, String),
) {
    let grammar = kind != DocKind::Fragment;
    let Some(st) = statement.as_object() else {
        if grammar {
            report(
                Severity::Error,
                spath.to_string(),
                format!("{at}: a statement must be a mapping, found {statement}"),
            );
        }
        return;
    };
    if grammar {
        lint_grammar(st, spath, at, report);
        let principal = st.field("Principal").is_some() || st.field("NotPrincipal").is_some();
        if kind == DocKind::Identity && principal {
            report(
                Severity::Error,
                spath.to_string(),
                format!("{at}: a policy attached to an identity cannot name a Principal"),
            );
        }
        if kind == DocKind::Resource && !principal {
            report(
                Severity::Error,
                spath.to_string(),
                format!("{at}: a resource or trust policy statement needs a Principal or NotPrincipal"),
            );
        }
        for field in ["Action", "NotAction", "Resource", "NotResource"] {
            let ok = match st.field(field) {
                None | Some(Json::String(_)) => true,
                Some(Json::Array(items)) => items.iter().all(|i| i.is_string() || is_intrinsic(i)),
                Some(v) => is_intrinsic(v),
            };
            if !ok {
                report(
                    Severity::Error,
                    format!("{spath}.{field}"),
                    format!("{at}: {field} must be a string or a list of strings"),
                );
            }
        }
        for field in ["Resource", "NotResource"] {
            let (items, listed) = match st.field(field) {
                Some(Json::Array(items)) => (items.as_slice(), true),
                Some(v) => (std::slice::from_ref(v), false),
                None => (&[][..], false),
            };
            for (i, value) in items.iter().enumerate() {
                if let Some(text) = value.as_str()
                    && !is_resource_arn(text)
                {
                    report(
                        Severity::Error,
                        if listed { format!("{spath}.{field}[{i}]") } else { format!("{spath}.{field}") },
                        format!(
                            "{at}: {field} {text:?} is not an ARN (arn:partition:service:region:account:resource) \
                             or *{}",
                            if text.contains("${") { "; ${…} is replaced only inside Fn::Sub" } else { "" }
                        ),
                    );
                }
            }
        }
    }
    lint_spelling(st, spath, at, report);
}

/// The pattern of cfn-lint 1.58.0's policy schema for a literal `Resource`
/// (`cfnlint/data/schemas/other/iam/policy.json`, definition `AwsArn`, rule E3510); the test
/// `resource_arn_check_is_the_pattern` holds [`is_resource_arn`] to it.
#[cfg(test)]
const AWS_ARN_PATTERN: &str = r"^(arn:(aws[A-Za-z\-]*?|\*):[^:]+:[^:]*(:(?:\d{12}|\*|aws)?:.+|)|\*)$";

/// Whether a literal `Resource` is an ARN or `*`, as [`AWS_ARN_PATTERN`] says, checked segment
/// by segment (compiling the pattern cost more than all the statements of a stack).
fn is_resource_arn(text: &str) -> bool {
    if text == "*" {
        return true;
    }
    let Some(rest) = text.strip_prefix("arn:") else { return false };
    // partition, service, region (any text without a colon), then the account and resource.
    let mut parts = rest.splitn(4, ':');
    let (Some(partition), Some(service), Some(_region)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let partition_ok = partition == "*"
        || partition.strip_prefix("aws").is_some_and(|p| p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'));
    if !partition_ok || service.is_empty() {
        return false;
    }
    match parts.next() {
        // `arn:partition:service:region`, nothing after the region.
        None => true,
        Some(tail) => {
            let Some((account, resource)) = tail.split_once(':') else { return false };
            let account_ok = account.is_empty()
                || account == "*"
                || account == "aws"
                || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
            account_ok && !resource.is_empty() && !resource.contains('\n')
        }
    }
}

fn lint_grammar(
    st: &serde_json::Map<String, Json>,
    spath: &str,
    at: &Label<'_>,
    report: &mut dyn FnMut(Severity, String, String),
) {
    for key in st.keys().filter(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
        let hint = closest(key, STATEMENT_KEYS).map(|k| format!(" (did you mean {k}?)")).unwrap_or_default();
        report(Severity::Error, format!("{spath}.{key}"), format!("{at}: \"{key}\" is not a statement key{hint}"));
    }
    match st.field("Effect") {
        Some(Json::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(v) if is_intrinsic(v) => {}
        Some(v) => {
            report(Severity::Error, format!("{spath}.Effect"), format!("{at}: Effect must be Allow or Deny, found {v}"))
        }
        None => {
            report(Severity::Error, spath.to_string(), format!("{at}: a statement needs an Effect (Allow or Deny)"))
        }
    }
    match (st.field("Action").is_some(), st.field("NotAction").is_some()) {
        (true, true) => {
            report(Severity::Error, spath.to_string(), format!("{at}: a statement has Action or NotAction, not both"))
        }
        (false, false) if !st.keys().any(|k| !STATEMENT_KEYS.contains(&k.as_str())) => {
            report(Severity::Error, spath.to_string(), format!("{at}: a statement needs Action or NotAction"))
        }
        _ => {}
    }
    if st.field("Resource").is_some() && st.field("NotResource").is_some() {
        report(Severity::Error, spath.to_string(), format!("{at}: a statement has Resource or NotResource, not both"));
    }
}

fn lint_spelling(
    st: &serde_json::Map<String, Json>,
    spath: &str,
    at: &Label<'_>,
    report: &mut dyn FnMut(Severity, String, String),
) {
    for field in ["Action", "NotAction"] {
        let actions = match st.field(field) {
            Some(v @ Json::String(_)) => std::slice::from_ref(v),
            Some(Json::Array(a)) => a.as_slice(),
            _ => &[],
        };
        for a in actions.iter().filter_map(Json::as_str) {
            if !valid_action(a) {
                let hint = a
                    .split_once(['.', '/', '_', ' '])
                    .map(|(s, n)| format!("{s}:{n}"))
                    .filter(|c| valid_action(c))
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                report(
                    Severity::Warning,
                    format!("{spath}.{field}"),
                    format!("{at}: action \"{a}\" is not of the form service:Action{hint}"),
                );
            } else if a != "*"
                && let Some(why) = unknown_action(a)
            {
                report(Severity::Warning, format!("{spath}.{field}"), format!("{at}: {why}"));
            }
        }
    }
    let Some(conditions) = st.field("Condition").and_then(Json::as_object) else { return };
    for (op, keys) in conditions {
        let cpath = || format!("{spath}.Condition.{op}");
        if !valid_operator(op) && !is_intrinsic_key(op) {
            report(Severity::Warning, cpath(), format!("{at}: unknown condition operator \"{op}\""));
        }
        let Some(keys) = keys.as_object() else { continue };
        for key in keys.keys() {
            if !valid_condition_key(key) && !is_intrinsic_key(key) {
                let hint = suggest_key(key).map(|c| format!(" (did you mean \"{c}\"?)")).unwrap_or_default();
                report(
                    Severity::Warning,
                    cpath(),
                    format!("{at}: condition key \"{key}\" is not of the form prefix:name{hint}"),
                );
            }
        }
    }
}

/// `Fn::If` and friends used as a key of a Condition block.
fn is_intrinsic_key(key: &str) -> bool {
    key.starts_with("Fn::") || key == "Ref"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_without_statement() {
        let got = lint(serde_json::json!({"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "p", "Roles": ["r"], "PolicyDocument": {}}}));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "Properties.PolicyDocument");
        assert!(got[0].2.contains("needs a Statement"), "{got:?}");
        // Each branch of `Properties: !If`, and nothing for a document given by a function.
        let got = lint(serde_json::json!({"Type": "AWS::IAM::Policy", "Properties": {"Fn::If": ["C",
            {"PolicyName": "p", "PolicyDocument": {}},
            {"PolicyName": "p", "PolicyDocument": {"Fn::ImportValue": "Doc"}}]}}));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "Properties.Fn::If[1].PolicyDocument");
    }

    #[test]
    fn resource_arn_check_is_the_pattern() {
        let re = regex_lite::Regex::new(AWS_ARN_PATTERN).unwrap();
        let cases = [
            "*",
            "**",
            "",
            "arn",
            "arn:",
            "arn:aws",
            "arn:aws:",
            "arn:aws:s3",
            "arn:aws:s3:",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::",
            "arn:aws:s3:r",
            "arn:aws:s3:r:",
            "arn:aws:s3:r:1:",
            "arn:aws:s3:r:1:x",
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:iam::12345678901:role/r",
            "arn:aws:iam::1234567890123:role/r",
            "arn:aws:iam::*:role/r",
            "arn:aws:iam::aws:policy/P",
            "arn:aws:iam::awsx:policy/P",
            "arn:*:s3:::b",
            "arn:aws-cn:s3:::b",
            "arn:aws-us-gov:kms:r:123456789012:key/k",
            "arn:aws1:s3:::b",
            "arn:aw:s3:::b",
            "arn:aws:s3:r:123456789012:a:b:c",
            "arn:aws::r:1:x",
            "arn:aws:s3:r:123456789012:x\ny",
            "arn:aws:s3:r\n:",
            "arn:aws:s3:r\n",
            "ARN:aws:s3:::b",
            "arn:aws:s3:::b\n",
            "arn:AWS:s3:::b",
            "arn:awsé:s3:::b",
            "arn:aws:lo g:us-east-1:123456789012:log-group:/x:*",
            "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            " arn:aws:s3:::b",
            "arn:aws:s3:::b ",
            "*:",
            "arn:aws:s3:r:*:",
            "arn:aws:s3:r:aws:x:",
        ];
        for case in cases {
            assert_eq!(is_resource_arn(case), re.is_match(case), "{case:?}");
        }
    }

    #[test]
    fn action_index_is_current() {
        let expected = action_index_source(ACTIONS);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/iam/actions_index.rs");
        if std::env::var_os("RCDK_BLESS").is_some() {
            std::fs::write(path, &expected).expect("write src/iam/actions_index.rs");
        }
        assert!(
            include_str!("actions_index.rs") == expected,
            "src/iam/actions_index.rs does not match src/iam/actions.txt: run `RCDK_BLESS=1 cargo test --lib action_index`"
        );
        let index = super::super::actions_index::ACTION_INDEX;
        assert!(index.len() > 400, "{}", index.len());
        let prefix = |&(start, len, _): &(u32, u8, u32)| &ACTIONS[start as usize..start as usize + usize::from(len)];
        assert!(
            index.windows(2).all(|w| prefix(&w[0]) < prefix(&w[1])),
            "actions.txt must be sorted by service prefix"
        );
        for line in ACTIONS.lines().filter(|l| !l.starts_with('#')) {
            let (prefix, names) = line.split_once(' ').unwrap_or((line, ""));
            assert_eq!(service_names(prefix), Some(names));
        }
        for line in ACTIONS.lines().filter(|l| !l.starts_with('#')) {
            let names = line.split_once(' ').map_or("", |(_, n)| n);
            let list: Vec<&str> = names.split(' ').collect();
            assert!(list.windows(2).all(|w| w[0] < w[1]), "names must be sorted and unique: {line:.40}");
            for n in &list {
                assert!(has_name(names, n), "{n}");
                for near in [format!("{n}x"), n[..n.len() - 1].to_string(), format!("0{n}")] {
                    assert_eq!(has_name(names, &near), list.contains(&near.as_str()), "{near}");
                }
            }
            assert!(!has_name(names, ""));
            assert!(!has_name(names, "~"));
        }
        for missing in ["", "a", "kms2", "zzz", "s3:"] {
            assert_eq!(service_names(missing), None, "{missing}");
        }
        assert!(actions_of("kms").is_some_and(|mut names| names.any(|n| n == "decrypt")));
    }

    #[test]
    fn operators() {
        for ok in ["StringEquals", "StringLikeIfExists", "ForAnyValue:StringLike", "ForAllValues:ArnEquals", "Null"] {
            assert!(valid_operator(ok), "{ok}");
        }
        for bad in ["StringEqual", "NullIfExists", "ForSomeValues:StringLike", ""] {
            assert!(!valid_operator(bad), "{bad}");
        }
    }

    fn lint(resource: Json) -> Vec<(Severity, String, String)> {
        let t = serde_json::json!({"Resources": {"R": resource}});
        lint_policies("S", &t)
            .into_iter()
            .map(|p| (p.severity, p.property_path.unwrap_or_default(), p.message))
            .collect()
    }

    #[test]
    fn grammar_errors_in_any_policy_property() {
        let got = lint(
            serde_json::json!({"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [], "PolicyDocument": {
            "Version": "2012-10-17", "Statment": [],
            "Statement": [
                {"Effect": "Alow", "Action": "sqs:SendMessage", "Resource": "*", "Principal": "*"},
                {"Effect": "Allow", "Actions": ["sqs:SendMessage"], "Resource": "*", "Principal": "*"},
                {"Effect": "Deny", "Resource": "*", "NotResource": "arn:aws:sqs:us-east-1:123456789012:x", "Action": "sqs:*", "Principal": "*"},
                {"Effect": "Allow", "Principal": "*"}
            ]}}}),
        );
        let errors: Vec<(&str, &str)> =
            got.iter().filter(|g| g.0 == Severity::Error).map(|g| (g.1.as_str(), g.2.as_str())).collect();
        assert_eq!(
            errors,
            [
                (
                    "Properties.PolicyDocument.Statment",
                    "PolicyDocument: \"Statment\" is not a policy document key (did you mean Statement?); expected Version, Id, Statement"
                ),
                (
                    "Properties.PolicyDocument.Statement[0].Effect",
                    "PolicyDocument.Statement[0]: Effect must be Allow or Deny, found \"Alow\""
                ),
                (
                    "Properties.PolicyDocument.Statement[1].Actions",
                    "PolicyDocument.Statement[1]: \"Actions\" is not a statement key (did you mean Action?)"
                ),
                (
                    "Properties.PolicyDocument.Statement[2]",
                    "PolicyDocument.Statement[2]: a statement has Resource or NotResource, not both"
                ),
                (
                    "Properties.PolicyDocument.Statement[3]",
                    "PolicyDocument.Statement[3]: a statement needs Action or NotAction"
                ),
            ]
        );
    }

    #[test]
    fn principals_belong_to_resource_policies_only() {
        let identity = lint(serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}]}}]}}));
        let messages: Vec<&str> = identity.iter().map(|g| g.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "AssumeRolePolicyDocument.Statement[0]: a resource or trust policy statement needs a Principal or NotPrincipal",
                "Policies[0].PolicyDocument.Statement[0]: a policy attached to an identity cannot name a Principal",
            ]
        );
        let bad_statement =
            lint(serde_json::json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
            "Version": "2012-10-17", "Statement": "Test"}}}));
        assert_eq!(bad_statement.len(), 1, "{bad_statement:?}");
        assert!(bad_statement[0].2.contains("Statement must be a statement or a list of statements"));
    }

    #[test]
    fn misspelt_action_names_are_found_with_a_suggestion() {
        let got = lint(serde_json::json!({"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Resource": "*",
             "Action": ["kms:Decrpyt", "kinesis:GetRecrods", "kms:Encrypt", "KMS:decrypt", "kms:Re*", "kms:Zz*", "nosuch:Thing"]}
        ]}}}));
        let messages: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "KeyPolicy.Statement[0]: kms has no action \"Decrpyt\" (did you mean \"kms:Decrypt\"?)",
                "KeyPolicy.Statement[0]: kinesis has no action \"GetRecrods\" (did you mean \"kinesis:GetRecords\"?)",
                "KeyPolicy.Statement[0]: \"kms:Zz*\" matches no kms action",
                "KeyPolicy.Statement[0]: \"nosuch\" is not an IAM service prefix",
            ]
        );
        assert!(got.iter().all(|g| g.0 == Severity::Warning));
    }

    #[test]
    fn conditional_statements_json_strings_and_lookalikes() {
        // Statements inside Fn::If are linted; AWS::NoValue is not a statement.
        let got = lint(
            serde_json::json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
                {"Fn::If": ["C", {"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "*"}, {"Ref": "AWS::NoValue"}]}
            ]}}}),
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "Properties.PolicyDocument.Statement[0].Fn::If[1].Action");
        // A policy given as a JSON string (AWS::IoT::Policy takes an object; others take text).
        let got = lint(serde_json::json!({"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument":
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"iot:Connect\", \"Resource\": \"*\"}]}"}}));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].2.contains("Effect must be Allow or Deny"));
        // AWS::WAFv2 rules have a `Statement` too, which is not an IAM statement.
        // A document found only by its shape, in a property not known to hold a policy: warnings.
        let guessed = lint(
            serde_json::json!({"Type": "AWS::SQS::Queue", "Properties": {"KeyPolicy": {"Statement": [{"Principal": "*"}]}}}),
        );
        assert!(!guessed.is_empty() && guessed.iter().all(|g| g.0 == Severity::Warning), "{guessed:?}");
        let waf = lint(serde_json::json!({"Type": "AWS::WAFv2::WebACL", "Properties": {"Rules": [
            {"Name": "r", "Statement": {"ByteMatchStatement": {"SearchString": "x"}}}]}}));
        assert_eq!(waf, []);
    }

    #[test]
    fn resources_are_arns_or_a_wildcard() {
        let policy = |resource: Json| {
            serde_json::json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]}}})
        };
        for ok in [
            serde_json::json!("*"),
            serde_json::json!(["arn:aws:s3:::bucket/*", "arn:aws-cn:sqs:cn-north-1:123456789012:q"]),
            serde_json::json!("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::b/*"}),
            serde_json::json!([{"Fn::GetAtt": ["B", "Arn"]}]),
        ] {
            assert_eq!(lint(policy(ok.clone())), [], "{ok}");
        }
        let found = lint(policy(serde_json::json!(["arn", "arn:aws:iam::${AWS::AccountId}:user/x"])));
        let paths: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Properties.PolicyDocument.Statement[0].Resource[0]",
                "Properties.PolicyDocument.Statement[0].Resource[1]"
            ],
            "{found:?}"
        );
        assert!(found.iter().all(|f| f.0 == Severity::Error), "{found:?}");
        assert!(found[1].2.contains("only inside Fn::Sub"), "{found:?}");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("re*", "reencryptfrom") && wildcard_match("get?bject", "getobject"));
        assert!(!wildcard_match("re*x", "reencrypt") && wildcard_match("*", ""));
    }

    #[test]
    fn actions_and_keys() {
        assert!(valid_action("kms:ReEncrypt*") && valid_action("*") && valid_action("s3:Get?bject"));
        assert!(!valid_action("kms.Decrypt") && !valid_action("kms:") && !valid_action("kms"));
        assert!(valid_condition_key("aws:PrincipalTag/team") && valid_condition_key("kms:ViaService"));
        assert_eq!(suggest_key("kms.ViaService").as_deref(), Some("kms:ViaService"));
    }
}
