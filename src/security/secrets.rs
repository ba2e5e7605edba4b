//! Secret-typed properties: what may reach them. A secret belongs in a `{{resolve:secretsmanager:…}}`
//! or `{{resolve:ssm-secure:…}}` dynamic reference, or a `NoEcho` parameter — never in the template.
//! A literal string there (from `SecretValue::unsafe_plain_text`, a property override or a raw map) is
//! a warning; a plain `{{resolve:ssm:…}}` (a String parameter, readable by anyone who can read the
//! parameter) is a warning; a parameter without `NoEcho` (shown in the console and API) is an error.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::Finding;

/// Resource types with secret properties.
pub(super) const TYPES: &[&str] = &[
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::SecretsManager::Secret",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::IAM::User",
    "AWS::DMS::Endpoint",
    "AWS::DirectoryService::MicrosoftAD",
];

/// (resource type, property path below `Properties`; `[]` walks every list item). From each type's
/// CloudFormation reference: the properties documented as passwords, keys or tokens.
const SECRET_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::KinesisFirehose::DeliveryStream", "SnowflakeDestinationConfiguration.PrivateKey"),
    ("AWS::KinesisFirehose::DeliveryStream", "SnowflakeDestinationConfiguration.KeyPassphrase"),
    ("AWS::KinesisFirehose::DeliveryStream", "SplunkDestinationConfiguration.HECToken"),
    ("AWS::KinesisFirehose::DeliveryStream", "HttpEndpointDestinationConfiguration.EndpointConfiguration.AccessKey"),
    ("AWS::KinesisFirehose::DeliveryStream", "RedshiftDestinationConfiguration.Password"),
    ("AWS::SecretsManager::Secret", "SecretString"),
    ("AWS::RDS::DBInstance", "MasterUserPassword"),
    ("AWS::RDS::DBCluster", "MasterUserPassword"),
    ("AWS::Redshift::Cluster", "MasterUserPassword"),
    ("AWS::DocDB::DBCluster", "MasterUserPassword"),
    ("AWS::ElastiCache::ReplicationGroup", "AuthToken"),
    ("AWS::IAM::User", "LoginProfile.Password"),
    ("AWS::DMS::Endpoint", "Password"),
    ("AWS::DirectoryService::MicrosoftAD", "Password"),
];

/// Whether `path` (below `Properties`, list items as `[*]`: `A.B[*].C`) is one of the secret
/// properties of `type_name` listed here, or inside one. Problem messages never quote such a value.
pub(crate) fn is_secret_property(type_name: &str, path: &str) -> bool {
    SECRET_PROPERTIES.iter().any(|(t, p)| {
        let p = p.replace("[]", "[*]");
        *t == type_name
            && (path == p || path.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('.') || r.starts_with('[')))
    })
}

/// Finds the values at `path` below `v`, with their concrete paths.
fn values_at<'a>(v: &'a Json, path: &[&str], prefix: String, out: &mut Vec<(String, &'a Json)>) {
    let Some((first, rest)) = path.split_first() else {
        out.push((prefix, v));
        return;
    };
    let join = |p: &str| if prefix.is_empty() { p.to_string() } else { format!("{prefix}.{p}") };
    if *first == "[]" {
        for (i, item) in v.as_array().into_iter().flatten().enumerate() {
            values_at(item, rest, format!("{prefix}[{i}]"), out);
        }
    } else if let Some(next) = v.get(*first) {
        values_at(next, rest, join(first), out);
    }
}

pub(super) fn check(type_name: &str, props: &Json, parameters: &BTreeMap<&str, &Json>, found: &mut Vec<Finding>) {
    for (t, path) in SECRET_PROPERTIES {
        if *t != type_name {
            continue;
        }
        let segments: Vec<&str> = path.split('.').collect();
        let mut values = Vec::new();
        values_at(props, &segments, String::new(), &mut values);
        for (at, value) in values {
            check_value(&at, value, parameters, found);
        }
    }
}

fn check_value(at: &str, value: &Json, parameters: &BTreeMap<&str, &Json>, found: &mut Vec<Finding>) {
    match value {
        Json::String(s) => {
            let secure = s.contains("{{resolve:secretsmanager:") || s.contains("{{resolve:ssm-secure:");
            if s.contains("{{resolve:ssm:") && !secure {
                found.push(Finding::warn(
                    "RCDK-SECRET-SSM-PLAIN",
                    at.into(),
                    "a plain {{resolve:ssm:...}} reference is a String parameter, not a secret; expected \
                     {{resolve:ssm-secure:...}} or {{resolve:secretsmanager:...}}"
                        .into(),
                ));
            } else if !secure {
                found.push(Finding::warn(
                    "RCDK-SECRET-PLAINTEXT",
                    at.into(),
                    format!(
                        "a literal string ({} characters) is written into the template, readable by anyone who \
                         can read the stack; expected a SecretValue from Secrets Manager or an ssm-secure parameter",
                        s.chars().count()
                    ),
                ));
            }
        }
        Json::Object(m) if m.len() == 1 => {
            if let Some(name) = m.get("Ref").and_then(Json::as_str)
                && let Some(parameter) = parameters.get(name)
            {
                let no_echo = parameter.get("NoEcho").is_some_and(|v| v == &Json::Bool(true) || v == "true");
                if !no_echo {
                    found.push(Finding::error(
                        "RCDK-SECRET-PARAMETER-ECHO",
                        at.into(),
                        format!(
                            "the secret comes from parameter {name}, which has no NoEcho: its value is shown by \
                             the console and DescribeStacks; expected Parameter::no_echo()"
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
}
