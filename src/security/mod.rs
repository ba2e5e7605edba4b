//! The security rule pack: posture checks over a finished template (encryption, public access, TLS,
//! wildcards, runtimes, secrets), run at synthesis and by `rcdk validate`, and the acknowledgments
//! that silence a finding with a reason — in the template's `Metadata`, where checkov, cfn_nag and
//! cdk-nag read them too.
//!
//! Findings are warnings (errors under `--strict`), except a secret property fed from a parameter
//! without `NoEcho`, which is an error. Each rule's checkov / cdk-nag / cfn_nag counterparts are in
//! [`RULES`]; docs/security.md explains every rule and the example's acknowledgments.
//!
//! ```
//! let t = serde_json::json!({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {}}}});
//! let problems = rcdk::security::check_template("S", &t);
//! assert_eq!(problems.len(), 1);
//! assert!(problems[0].message.starts_with("RCDK-KMS-ROTATION"));
//! assert_eq!(problems[0].property_path.as_deref(), Some("Properties.EnableKeyRotation"));
//! ```

pub mod runtimes;
mod secrets;
pub(crate) use secrets::is_secret_property;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map as JsonMap, Value as Json};

use crate::core::check::Field;
use crate::core::problem::{Problem, ProblemKind, Severity};

/// One rule of the pack and its counterparts in other scanners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The rcdk rule id (`RCDK-…`), the first word of every finding's message.
    pub id: &'static str,
    /// What it checks.
    pub title: &'static str,
    /// Resource types it looks at (acknowledgments are written on these only).
    pub types: &'static [&'static str],
    /// checkov check ids of the same finding.
    pub checkov: &'static [&'static str],
    /// cdk-nag (AwsSolutions pack) rule ids.
    pub cdk_nag: &'static [&'static str],
    /// cfn_nag rule ids.
    pub cfn_nag: &'static [&'static str],
}

const fn rule(
    id: &'static str,
    title: &'static str,
    types: &'static [&'static str],
    checkov: &'static [&'static str],
    cdk_nag: &'static [&'static str],
    cfn_nag: &'static [&'static str],
) -> Rule {
    Rule { id, title, types, checkov, cdk_nag, cfn_nag }
}

const KEY: &[&str] = &["AWS::KMS::Key"];
const BUCKET: &[&str] = &["AWS::S3::Bucket"];
const IDENTITY: &[&str] = &["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"];
const RESOURCE_POLICY: &[&str] = &[
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::Kinesis::ResourcePolicy",
    "AWS::IAM::Role",
];
const FUNCTION: &[&str] = &["AWS::Lambda::Function"];
const TOPIC: &[&str] = &["AWS::SNS::Topic"];
const LOG_GROUP: &[&str] = &["AWS::Logs::LogGroup"];
const SECRET_TYPES: &[&str] = secrets::TYPES;

/// Every rule of the pack.
pub const RULES: &[Rule] = &[
    rule("RCDK-KMS-ROTATION", "KMS key without yearly rotation", KEY, &["CKV_AWS_7"], &["AwsSolutions-KMS5"], &["F19"]),
    rule(
        "RCDK-KMS-OPEN-PRINCIPAL",
        "KMS key policy allows principal * without a condition",
        KEY,
        &["CKV_AWS_33"],
        &[],
        &[],
    ),
    rule(
        "RCDK-S3-PUBLIC-ACCESS",
        "S3 bucket without all four public access blocks",
        BUCKET,
        &["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        &["AwsSolutions-S2"],
        &[],
    ),
    rule("RCDK-S3-ENCRYPTION", "S3 bucket without default encryption", BUCKET, &["CKV_AWS_19"], &[], &["W41"]),
    rule("RCDK-S3-SSL", "S3 bucket policy does not deny requests without TLS", BUCKET, &[], &["AwsSolutions-S10"], &[]),
    rule(
        "RCDK-S3-ACCESS-LOGS",
        "S3 bucket without server access logs",
        BUCKET,
        &["CKV_AWS_18"],
        &["AwsSolutions-S1"],
        &["W35"],
    ),
    rule("RCDK-S3-VERSIONING", "S3 bucket without versioning", BUCKET, &["CKV_AWS_21"], &[], &[]),
    rule(
        "RCDK-IAM-WILDCARD-ACTION",
        "identity policy allows * or service:* actions",
        IDENTITY,
        &["CKV_AWS_63"],
        &["AwsSolutions-IAM5"],
        &["F3", "F4", "F5"],
    ),
    rule(
        "RCDK-IAM-WILDCARD-RESOURCE",
        "identity policy allows actions on resource * without a condition",
        IDENTITY,
        &["CKV_AWS_111"],
        &["AwsSolutions-IAM5"],
        &["W11", "W12", "W13"],
    ),
    rule(
        "RCDK-IAM-PASSROLE",
        "iam:PassRole on resource *",
        IDENTITY,
        &["CKV_AWS_110"],
        &["AwsSolutions-IAM5"],
        &["F38", "F39", "F40"],
    ),
    rule(
        "RCDK-IAM-OPEN-PRINCIPAL",
        "resource or trust policy allows principal * without a condition",
        RESOURCE_POLICY,
        &[],
        &[],
        &["F16", "F18", "F21"],
    ),
    rule(
        "RCDK-IAM-MANAGED-POLICY",
        "role uses an AWS managed policy",
        &["AWS::IAM::Role"],
        &[],
        &["AwsSolutions-IAM4"],
        &[],
    ),
    rule(
        "RCDK-KINESIS-ENCRYPTION",
        "Kinesis stream without server-side encryption",
        &["AWS::Kinesis::Stream"],
        &["CKV_AWS_43"],
        &["AwsSolutions-KDS1"],
        &[],
    ),
    rule(
        "RCDK-LAMBDA-RUNTIME",
        "Lambda runtime deprecated or within 180 days of deprecation",
        FUNCTION,
        &["CKV_AWS_363"],
        &["AwsSolutions-L1"],
        &[],
    ),
    rule(
        "RCDK-LAMBDA-CONCURRENCY",
        "Lambda function without reserved concurrency",
        FUNCTION,
        &["CKV_AWS_115"],
        &[],
        &["W92"],
    ),
    rule("RCDK-LAMBDA-DLQ", "Lambda function without a dead-letter queue", FUNCTION, &["CKV_AWS_116"], &[], &[]),
    rule("RCDK-LAMBDA-VPC", "Lambda function outside a VPC", FUNCTION, &["CKV_AWS_117"], &[], &["W89"]),
    rule(
        "RCDK-FIREHOSE-SSE",
        "DirectPut delivery stream without server-side encryption",
        &["AWS::KinesisFirehose::DeliveryStream"],
        &["CKV_AWS_240"],
        &["AwsSolutions-KDF1"],
        &[],
    ),
    rule(
        "RCDK-SNS-ENCRYPTION",
        "SNS topic without a KMS key",
        TOPIC,
        &["CKV_AWS_26"],
        &["AwsSolutions-SNS2"],
        &["W47"],
    ),
    rule(
        "RCDK-SNS-TLS",
        "SNS topic policy does not deny publishing without TLS",
        TOPIC,
        &[],
        &["AwsSolutions-SNS3"],
        &[],
    ),
    rule("RCDK-LOGS-RETENTION", "log group without retention", LOG_GROUP, &["CKV_AWS_66"], &[], &[]),
    rule("RCDK-LOGS-ENCRYPTION", "log group without a KMS key", LOG_GROUP, &["CKV_AWS_158"], &[], &["W84"]),
    rule("RCDK-SECRET-PLAINTEXT", "literal string in a secret property", SECRET_TYPES, &[], &[], &[]),
    rule("RCDK-SECRET-SSM-PLAIN", "plain ssm dynamic reference in a secret property", SECRET_TYPES, &[], &[], &[]),
    rule("RCDK-SECRET-PARAMETER-ECHO", "secret property from a parameter without NoEcho", SECRET_TYPES, &[], &[], &[]),
];

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Shortest reason accepted (cdk-nag refuses shorter ones).
pub const MIN_REASON_CHARS: usize = 10;

/// Why an acknowledgment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcknowledgeError {
    /// No reason, or a reason too short to say anything.
    #[error(
        "{path}: acknowledging {rule}: a reason of at least {MIN_REASON_CHARS} characters is required (why is \
         the finding safe here?), found {found:?}"
    )]
    MissingReason {
        /// Construct path of the scope.
        path: String,
        /// The rule.
        rule: String,
        /// The reason given.
        found: String,
    },
    /// Not a rule id of rcdk, checkov, cdk-nag or cfn_nag.
    #[error(
        "{path}: acknowledging {rule:?}: unknown rule; expected an rcdk rule id (RCDK-…, see rcdk::security::RULES), \
         a checkov id (CKV_AWS_…), a cdk-nag id (AwsSolutions-…) or a cfn_nag id (W… or F…)"
    )]
    UnknownRule {
        /// Construct path of the scope.
        path: String,
        /// The rule given.
        rule: String,
    },
}

enum Foreign {
    Checkov,
    CdkNag,
    CfnNag,
}

fn foreign_kind(rule: &str) -> Option<Foreign> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(n) = rule.strip_prefix("CKV_AWS_").or_else(|| rule.strip_prefix("CKV2_AWS_")) {
        return digits(n).then_some(Foreign::Checkov);
    }
    if let Some(rest) = rule.strip_prefix("AwsSolutions-") {
        return (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric())).then_some(Foreign::CdkNag);
    }
    if let Some(n) = rule.strip_prefix('W').or_else(|| rule.strip_prefix('F')) {
        return digits(n).then_some(Foreign::CfnNag);
    }
    None
}

/// Checks an acknowledgment before it is recorded (used by [`Scope::acknowledge`](crate::core::stack::Scope::acknowledge)).
pub fn check_acknowledgment(path: &str, rule: &str, reason: &str) -> Result<(), AcknowledgeError> {
    if find_rule(rule).is_none() && foreign_kind(rule).is_none() {
        return Err(AcknowledgeError::UnknownRule { path: path.into(), rule: rule.into() });
    }
    if reason.trim().chars().count() < MIN_REASON_CHARS {
        return Err(AcknowledgeError::MissingReason { path: path.into(), rule: rule.into(), found: reason.into() });
    }
    Ok(())
}

/// Writes acknowledgments into the template: each `(construct path, rule, reason)` applies to the
/// resources at or below that path (of the rule's types, for rcdk rules), as `Metadata.checkov.skip`,
/// `Metadata.cdk_nag.rules_to_suppress`, `Metadata.cfn_nag.rules_to_suppress` and
/// `Metadata.rcdk.acknowledged` entries. Entries already there are kept; an id is written once.
pub fn write_acknowledgments(
    template: &mut Json,
    construct_paths: &BTreeMap<String, String>,
    acknowledgments: &[(String, &str, &str)],
) {
    if acknowledgments.is_empty() {
        return;
    }
    let Some(resources) = template.get_mut("Resources").and_then(Json::as_object_mut) else { return };
    for (logical_id, resource) in resources.iter_mut() {
        let Some(path) = construct_paths.get(logical_id) else { continue };
        let type_name = resource.field("Type").and_then(Json::as_str).unwrap_or_default().to_string();
        for (scope, id, reason) in acknowledgments {
            let below = path == scope || path.strip_prefix(scope.as_str()).is_some_and(|rest| rest.starts_with('/'));
            if !below {
                continue;
            }
            let Some(resource) = resource.as_object_mut() else { continue };
            match (find_rule(id), foreign_kind(id)) {
                (Some(rule), _) => {
                    if !rule.types.contains(&type_name.as_str()) {
                        continue;
                    }
                    add_entry(resource, "rcdk", "acknowledged", "reason", id, reason);
                    for c in rule.checkov {
                        add_entry(resource, "checkov", "skip", "comment", c, reason);
                    }
                    for c in rule.cdk_nag {
                        add_entry(resource, "cdk_nag", "rules_to_suppress", "reason", c, reason);
                    }
                    for c in rule.cfn_nag {
                        add_entry(resource, "cfn_nag", "rules_to_suppress", "reason", c, reason);
                    }
                }
                (None, Some(Foreign::Checkov)) => add_entry(resource, "checkov", "skip", "comment", id, reason),
                (None, Some(Foreign::CdkNag)) => {
                    add_entry(resource, "cdk_nag", "rules_to_suppress", "reason", id, reason)
                }
                (None, Some(Foreign::CfnNag)) => {
                    add_entry(resource, "cfn_nag", "rules_to_suppress", "reason", id, reason)
                }
                (None, None) => {}
            }
        }
    }
}

fn add_entry(resource: &mut JsonMap<String, Json>, tool: &str, list: &str, text_key: &str, id: &str, text: &str) {
    let Some(metadata) = member(resource, "Metadata", || Json::Object(JsonMap::new())).as_object_mut() else { return };
    let Some(tool) = member(metadata, tool, || Json::Object(JsonMap::new())).as_object_mut() else { return };
    let Some(entries) = member(tool, list, || Json::Array(Vec::new())).as_array_mut() else { return };
    if entries.iter().any(|e| e.field("id").and_then(Json::as_str) == Some(id)) {
        return;
    }
    let mut entry = JsonMap::with_capacity(2);
    entry.insert("id".into(), Json::String(id.into()));
    entry.insert(text_key.into(), Json::String(text.into()));
    entries.push(Json::Object(entry));
}

/// The value at `key`, inserted (last) if missing: these maps have a few keys, so they are scanned
/// rather than hashed (serde_json's maps SipHash every key looked up).
fn member<'m>(map: &'m mut JsonMap<String, Json>, key: &str, empty: impl FnOnce() -> Json) -> &'m mut Json {
    let at = match map.keys().position(|k| k == key) {
        Some(at) => at,
        None => {
            map.insert(key.to_string(), empty());
            map.keys().position(|k| k == key).unwrap_or_default()
        }
    };
    map.values_mut().nth(at).expect("the key is present")
}

/// The ids a resource's Metadata acknowledges, in any of the four formats.
fn acknowledged_ids(resource: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(metadata) = resource.field("Metadata") else { return out };
    for (tool, list) in [
        ("rcdk", "acknowledged"),
        ("checkov", "skip"),
        ("cdk_nag", "rules_to_suppress"),
        ("cfn_nag", "rules_to_suppress"),
    ] {
        for entry in metadata.get(tool).and_then(|t| t.get(list)).and_then(Json::as_array).into_iter().flatten() {
            if let Some(id) = entry.field("id").and_then(Json::as_str) {
                out.insert(id.to_string());
            }
        }
    }
    out
}

fn is_acknowledged(rule: &Rule, ids: &BTreeSet<String>) -> bool {
    ids.contains(rule.id) || rule.checkov.iter().chain(rule.cdk_nag).chain(rule.cfn_nag).any(|c| ids.contains(*c))
}

/// Installs the security layer's check into an app: the rule pack over every template.
pub fn install(app: &mut crate::core::app::App) {
    app.add_template_check(check_template);
}

/// Runs the rule pack over a template (a [`TemplateCheck`](crate::core::synth::TemplateCheck)), with
/// today's date for the runtime rule. Acknowledged findings are left out.
pub fn check_template(stack: &str, template: &Json) -> Vec<Problem> {
    check_template_on(stack, template, runtimes::today())
}

/// [`check_template`] as of a given day (days since 1970-01-01, see [`runtimes::days_from_civil`]).
pub fn check_template_on(stack: &str, template: &Json, today: i64) -> Vec<Problem> {
    let mut findings = Vec::new();
    let Some(resources) = template.field("Resources").and_then(Json::as_object) else { return Vec::new() };
    let ctx = Context::new(template, resources);
    for (logical_id, resource) in resources {
        let type_name = resource.field("Type").and_then(Json::as_str).unwrap_or_default();
        let empty = Json::Object(JsonMap::new());
        let props = resource.field("Properties").unwrap_or(&empty);
        let mut found: Vec<Finding> = Vec::new();
        match type_name {
            "AWS::KMS::Key" => check_key(props, &mut found),
            "AWS::S3::Bucket" => check_bucket(logical_id, props, &ctx, &mut found),
            "AWS::IAM::Role" => {
                check_open_principal(
                    "RCDK-IAM-OPEN-PRINCIPAL",
                    props.field("AssumeRolePolicyDocument"),
                    "AssumeRolePolicyDocument",
                    &mut found,
                );
                for (i, p) in props.field("Policies").and_then(Json::as_array).into_iter().flatten().enumerate() {
                    check_identity_policy(
                        p.field("PolicyDocument"),
                        &format!("Policies[{i}].PolicyDocument"),
                        &mut found,
                    );
                }
                for (i, arn) in
                    props.field("ManagedPolicyArns").and_then(Json::as_array).into_iter().flatten().enumerate()
                {
                    if arn.to_string().contains(":iam::aws:policy/") {
                        found.push(Finding::warn(
                            "RCDK-IAM-MANAGED-POLICY",
                            format!("ManagedPolicyArns[{i}]"),
                            "the role uses an AWS managed policy, whose permissions AWS may widen; expected an \
                             inline or customer-managed policy scoped to this stack's resources"
                                .into(),
                        ));
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                check_identity_policy(props.field("PolicyDocument"), "PolicyDocument", &mut found)
            }
            "AWS::S3::BucketPolicy" | "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => check_open_principal(
                "RCDK-IAM-OPEN-PRINCIPAL",
                props.field("PolicyDocument"),
                "PolicyDocument",
                &mut found,
            ),
            "AWS::Kinesis::ResourcePolicy" => check_open_principal(
                "RCDK-IAM-OPEN-PRINCIPAL",
                props.field("ResourcePolicy"),
                "ResourcePolicy",
                &mut found,
            ),
            "AWS::Kinesis::Stream" if props.field("StreamEncryption").is_none() => found.push(Finding::warn(
                "RCDK-KINESIS-ENCRYPTION",
                "StreamEncryption".into(),
                "the stream stores records unencrypted; expected StreamEncryption with EncryptionType KMS \
                 (alias/aws/kinesis or a customer-managed key)"
                    .into(),
            )),
            "AWS::Lambda::Function" => check_function(props, today, &mut found),
            "AWS::KinesisFirehose::DeliveryStream" => {
                let direct_put = props.field("DeliveryStreamType").is_none_or(|t| t == "DirectPut");
                if direct_put && props.field("DeliveryStreamEncryptionConfigurationInput").is_none() {
                    found.push(Finding::warn(
                        "RCDK-FIREHOSE-SSE",
                        "DeliveryStreamEncryptionConfigurationInput".into(),
                        "a DirectPut delivery stream buffers records unencrypted; expected \
                         DeliveryStreamEncryptionConfigurationInput (only DirectPut streams support it)"
                            .into(),
                    ));
                }
            }
            "AWS::SNS::Topic" => {
                if props.field("KmsMasterKeyId").is_none() {
                    found.push(Finding::warn(
                        "RCDK-SNS-ENCRYPTION",
                        "KmsMasterKeyId".into(),
                        "messages are stored unencrypted; expected KmsMasterKeyId (a customer-managed key whose \
                         policy lets the publishing services use it)"
                            .into(),
                    ));
                }
                if !ctx.tls_only_topics.contains(logical_id.as_str()) {
                    found.push(Finding::warn(
                        "RCDK-SNS-TLS",
                        String::new(),
                        "no AWS::SNS::TopicPolicy of this topic denies sns:Publish when aws:SecureTransport is \
                         false; expected such a Deny statement"
                            .into(),
                    ));
                }
            }
            "AWS::Logs::LogGroup" => {
                if props.field("RetentionInDays").is_none() {
                    found.push(Finding::warn(
                        "RCDK-LOGS-RETENTION",
                        "RetentionInDays".into(),
                        "the log group keeps events forever; expected RetentionInDays".into(),
                    ));
                }
                if props.field("KmsKeyId").is_none() {
                    found.push(Finding::warn(
                        "RCDK-LOGS-ENCRYPTION",
                        "KmsKeyId".into(),
                        "events are encrypted with a CloudWatch Logs service key only; expected KmsKeyId for a \
                         customer-managed key"
                            .into(),
                    ));
                }
            }
            _ => {}
        }
        secrets::check(type_name, props, &ctx.parameters, &mut found);
        if found.is_empty() {
            continue;
        }
        let acknowledged = acknowledged_ids(resource);
        for f in found {
            let rule = find_rule(f.rule);
            if f.severity == Severity::Warning && rule.is_some_and(|r| is_acknowledged(r, &acknowledged)) {
                continue;
            }
            let path = if f.path.is_empty() { "Properties".to_string() } else { format!("Properties.{}", f.path) };
            findings.push(
                Problem::new(f.severity, ProblemKind::Security, stack, format!("{}: {}", f.rule, f.message))
                    .at(logical_id.clone(), path),
            );
        }
    }
    findings
}

/// One finding before it becomes a [`Problem`].
pub(crate) struct Finding {
    rule: &'static str,
    severity: Severity,
    /// Path below `Properties`.
    path: String,
    message: String,
}

impl Finding {
    pub(crate) fn warn(rule: &'static str, path: String, message: String) -> Finding {
        Finding { rule, severity: Severity::Warning, path, message }
    }

    pub(crate) fn error(rule: &'static str, path: String, message: String) -> Finding {
        Finding { rule, severity: Severity::Error, path, message }
    }
}

/// Facts about the whole template that single resources need.
struct Context<'a> {
    /// Buckets (logical IDs) a bucket policy denies non-TLS requests to.
    tls_only_buckets: BTreeSet<&'a str>,
    /// Topics a topic policy denies non-TLS publishing to.
    tls_only_topics: BTreeSet<&'a str>,
    /// Parameters: name → declaration.
    parameters: BTreeMap<&'a str, &'a Json>,
}

impl<'a> Context<'a> {
    fn new(template: &'a Json, resources: &'a JsonMap<String, Json>) -> Context<'a> {
        let mut tls_only_buckets = BTreeSet::new();
        let mut tls_only_topics = BTreeSet::new();
        for resource in resources.values() {
            let props = resource.field("Properties");
            let denies_plain = props.and_then(|p| p.field("PolicyDocument")).is_some_and(denies_insecure_transport);
            if !denies_plain {
                continue;
            }
            match resource.field("Type").and_then(Json::as_str) {
                Some("AWS::S3::BucketPolicy") => {
                    if let Some(id) = props.and_then(|p| p.field("Bucket")).and_then(ref_target) {
                        tls_only_buckets.insert(id);
                    }
                }
                Some("AWS::SNS::TopicPolicy") => {
                    for t in props.and_then(|p| p.field("Topics")).and_then(Json::as_array).into_iter().flatten() {
                        if let Some(id) = ref_target(t) {
                            tls_only_topics.insert(id);
                        }
                    }
                }
                _ => {}
            }
        }
        let parameters = template
            .field("Parameters")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        Context { tls_only_buckets, tls_only_topics, parameters }
    }
}

fn ref_target(v: &Json) -> Option<&str> {
    v.field("Ref").and_then(Json::as_str)
}

/// The statements of a policy document, with their index.
fn statements(doc: &Json) -> Vec<(usize, &Json)> {
    match doc.field("Statement") {
        Some(Json::Array(list)) => list.iter().enumerate().collect(),
        Some(one @ Json::Object(_)) => vec![(0, one)],
        _ => Vec::new(),
    }
}

/// A string or the strings of a list (intrinsics are skipped).
fn strings(v: Option<&Json>) -> Vec<&str> {
    match v {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_allow(s: &Json) -> bool {
    s.field("Effect").and_then(Json::as_str) == Some("Allow")
}

fn has_condition(s: &Json) -> bool {
    s.field("Condition").and_then(Json::as_object).is_some_and(|c| !c.is_empty())
}

fn denies_insecure_transport(doc: &Json) -> bool {
    statements(doc).into_iter().any(|(_, s)| {
        s.field("Effect").and_then(Json::as_str) == Some("Deny")
            && s.field("Condition")
                .and_then(|c| c.field("Bool"))
                .and_then(|b| b.field("aws:SecureTransport"))
                .is_some_and(|v| v == "false" || v == &Json::Bool(false))
    })
}

fn is_open_principal(p: Option<&Json>) -> bool {
    match p {
        Some(Json::String(s)) => s == "*",
        Some(Json::Object(m)) => m.field("AWS").is_some_and(|a| strings(Some(a)).contains(&"*")),
        _ => false,
    }
}

fn check_key(props: &Json, found: &mut Vec<Finding>) {
    let symmetric = props.field("KeySpec").is_none_or(|s| s == "SYMMETRIC_DEFAULT");
    let rotation_off = props.field("EnableKeyRotation").is_none_or(|v| v == &Json::Bool(false) || v == "false");
    if symmetric && rotation_off {
        found.push(Finding::warn(
            "RCDK-KMS-ROTATION",
            "EnableKeyRotation".into(),
            "the key material is never rotated; expected EnableKeyRotation: true".into(),
        ));
    }
    check_open_principal("RCDK-KMS-OPEN-PRINCIPAL", props.field("KeyPolicy"), "KeyPolicy", found);
}

fn check_open_principal(rule: &'static str, doc: Option<&Json>, path: &str, found: &mut Vec<Finding>) {
    let Some(doc) = doc else { return };
    for (i, s) in statements(doc) {
        if is_allow(s) && is_open_principal(s.field("Principal")) && !has_condition(s) {
            found.push(Finding::warn(
                rule,
                format!("{path}.Statement[{i}].Principal"),
                "the statement allows any principal (*) with no Condition; expected named principals or a \
                 condition such as aws:SourceAccount, aws:PrincipalOrgID or kms:CallerAccount"
                    .into(),
            ));
        }
    }
}

fn check_bucket(logical_id: &str, props: &Json, ctx: &Context<'_>, found: &mut Vec<Finding>) {
    let block = props.field("PublicAccessBlockConfiguration");
    let all_blocked = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]
        .iter()
        .all(|k| block.and_then(|b| b.get(*k)).is_some_and(|v| v == &Json::Bool(true) || v == "true"));
    if !all_blocked {
        found.push(Finding::warn(
            "RCDK-S3-PUBLIC-ACCESS",
            "PublicAccessBlockConfiguration".into(),
            "public access is not fully blocked; expected BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and \
             RestrictPublicBuckets all true"
                .into(),
        ));
    }
    if props.field("BucketEncryption").is_none() {
        found.push(Finding::warn(
            "RCDK-S3-ENCRYPTION",
            "BucketEncryption".into(),
            "no default encryption is declared; expected BucketEncryption (SSE-S3 or SSE-KMS)".into(),
        ));
    }
    if !ctx.tls_only_buckets.contains(logical_id) {
        found.push(Finding::warn(
            "RCDK-S3-SSL",
            String::new(),
            "no AWS::S3::BucketPolicy of this bucket denies s3:* when aws:SecureTransport is false; expected such a \
             Deny statement (BucketProps::enforce_ssl, on by default)"
                .into(),
        ));
    }
    if props.field("LoggingConfiguration").is_none() {
        found.push(Finding::warn(
            "RCDK-S3-ACCESS-LOGS",
            "LoggingConfiguration".into(),
            "requests to the bucket are not logged; expected LoggingConfiguration (BucketProps::server_access_logs)"
                .into(),
        ));
    }
    let versioned =
        props.field("VersioningConfiguration").and_then(|v| v.field("Status")).is_some_and(|s| s == "Enabled");
    if !versioned {
        found.push(Finding::warn(
            "RCDK-S3-VERSIONING",
            "VersioningConfiguration".into(),
            "overwritten or deleted objects cannot be recovered; expected VersioningConfiguration Status Enabled \
             (BucketProps::noncurrent_version_expiration_days)"
                .into(),
        ));
    }
}

fn check_identity_policy(doc: Option<&Json>, path: &str, found: &mut Vec<Finding>) {
    let Some(doc) = doc else { return };
    for (i, s) in statements(doc) {
        if !is_allow(s) {
            continue;
        }
        let actions = strings(s.field("Action"));
        let any_resource = strings(s.field("Resource")).contains(&"*");
        for (j, a) in actions.iter().enumerate() {
            if *a == "*" || a.ends_with(":*") {
                found.push(Finding::warn(
                    "RCDK-IAM-WILDCARD-ACTION",
                    format!("{path}.Statement[{i}].Action[{j}]"),
                    format!("the statement allows every action ({a}); expected the actions the role needs"),
                ));
            }
        }
        if !any_resource {
            continue;
        }
        let passes_role = actions.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            a == "*" || a == "iam:*" || a == "iam:passrole" || (a.starts_with("iam:pass") && a.ends_with('*'))
        });
        if passes_role {
            found.push(Finding::warn(
                "RCDK-IAM-PASSROLE",
                format!("{path}.Statement[{i}].Resource"),
                "iam:PassRole on * lets the holder hand any role to a service (privilege escalation); expected the \
                 ARNs of the roles it passes"
                    .into(),
            ));
        }
        let read_only = !actions.is_empty()
            && actions.iter().all(|a| {
                let name = a.split_once(':').map(|(_, n)| n).unwrap_or(a);
                name.starts_with("Describe") || name.starts_with("List")
            });
        if !has_condition(s) && !read_only {
            found.push(Finding::warn(
                "RCDK-IAM-WILDCARD-RESOURCE",
                format!("{path}.Statement[{i}].Resource"),
                "the statement applies to every resource (*) without a Condition; expected the ARNs it needs".into(),
            ));
        }
    }
}

fn check_function(props: &Json, today: i64, found: &mut Vec<Finding>) {
    if let Some(runtime) = props.field("Runtime").and_then(Json::as_str)
        && let Some(support) = runtimes::find(runtime)
    {
        let deprecation = runtimes::days_from_civil(support.deprecation);
        let (y, m, d) = support.deprecation;
        let newest = runtimes::newest_python().identifier;
        if today >= deprecation {
            found.push(Finding::warn(
                "RCDK-LAMBDA-RUNTIME",
                "Runtime".into(),
                format!(
                    "{runtime} was deprecated on {y}-{m:02}-{d:02} (no security patches); expected a supported \
                     runtime such as {newest}"
                ),
            ));
        } else if deprecation - today <= runtimes::WARN_DAYS_BEFORE {
            found.push(Finding::warn(
                "RCDK-LAMBDA-RUNTIME",
                "Runtime".into(),
                format!("{runtime} is deprecated on {y}-{m:02}-{d:02}; expected a newer runtime such as {newest}"),
            ));
        }
    }
    if props.field("ReservedConcurrentExecutions").is_none() {
        found.push(Finding::warn(
            "RCDK-LAMBDA-CONCURRENCY",
            "ReservedConcurrentExecutions".into(),
            "the function can use the account's whole concurrency; expected ReservedConcurrentExecutions".into(),
        ));
    }
    if props.field("DeadLetterConfig").is_none() {
        found.push(Finding::warn(
            "RCDK-LAMBDA-DLQ",
            "DeadLetterConfig".into(),
            "failed asynchronous invocations are dropped; expected DeadLetterConfig".into(),
        ));
    }
    if props.field("VpcConfig").is_none() {
        found.push(Finding::warn(
            "RCDK-LAMBDA-VPC",
            "VpcConfig".into(),
            "the function runs outside a VPC; expected VpcConfig when it reaches private resources".into(),
        ));
    }
}

#[cfg(test)]
mod tests;
