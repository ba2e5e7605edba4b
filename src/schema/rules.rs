//! Service rules that the registry schemas cannot express, kept apart from the generic validator.
//!
//! Each rule is data: in resources of `type_name`, the property at `forbidden` must not be set
//! when a condition holds. Adding a rule is adding an entry to [`RULES`]. cfn-lint does not catch
//! any of these; CloudFormation only fails at deployment.

use serde_json::Value;

use super::validate::{intrinsic, is_no_value, show};
use super::{SchemaProblem, SchemaProblemKind};

/// A literal a condition compares against.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lit {
    Str(&'static str),
    Bool(bool),
}

impl Lit {
    fn equals(self, value: &Value) -> bool {
        match self {
            Lit::Str(s) => value.as_str() == Some(s),
            Lit::Bool(b) => value.as_bool() == Some(b),
        }
    }

    fn to_value(self) -> Value {
        match self {
            Lit::Str(s) => Value::from(s),
            Lit::Bool(b) => Value::from(b),
        }
    }
}

/// When a rule applies. Paths are dotted property paths inside `Properties`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum When {
    /// The value at the path is known and equal to the literal.
    Equals(&'static str, Lit),
    /// The property at the path is set.
    Present(&'static str),
    /// Any of the conditions holds.
    Any(&'static [When]),
}

/// One extra rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) type_name: &'static str,
    pub(crate) forbidden: &'static str,
    pub(crate) when: When,
    pub(crate) reason: &'static str,
}

/// Every extra rule rcdk checks.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        type_name: "AWS::Kinesis::Stream",
        forbidden: "ShardCount",
        when: When::Equals("StreamModeDetails.StreamMode", Lit::Str("ON_DEMAND")),
        reason: "an on-demand stream manages its shards itself; set ShardCount only with PROVISIONED",
    },
    Rule {
        type_name: "AWS::KinesisFirehose::DeliveryStream",
        forbidden: "SnowflakeDestinationConfiguration.PrivateKey",
        when: When::Equals("SnowflakeDestinationConfiguration.SecretsManagerConfiguration.Enabled", Lit::Bool(true)),
        reason: "Firehose then reads the private key from the secret; give the key in one place only",
    },
    Rule {
        type_name: "AWS::KinesisFirehose::DeliveryStream",
        forbidden: "DeliveryStreamEncryptionConfigurationInput",
        when: When::Any(&[
            When::Equals("DeliveryStreamType", Lit::Str("KinesisStreamAsSource")),
            When::Present("KinesisStreamSourceConfiguration"),
        ]),
        reason: "Firehose does not encrypt a delivery stream whose source is a Kinesis stream; \
                 encrypt the source stream instead",
    },
];

/// What is known about the value at a path.
enum Lookup<'v> {
    Absent,
    /// Hidden behind an intrinsic function: may or may not be set, value unknown.
    Unknown,
    Known(&'v Value),
}

fn lookup<'v>(properties: &'v Value, path: &str) -> Lookup<'v> {
    let mut current = properties;
    for part in path.split('.') {
        if intrinsic(current).is_some() {
            return Lookup::Unknown;
        }
        match current.as_object().and_then(|m| m.get(part)) {
            Some(v) if is_no_value(v) => return Lookup::Absent,
            Some(v) => current = v,
            None => return Lookup::Absent,
        }
    }
    match intrinsic(current) {
        // Fn::If may pick AWS::NoValue: we cannot tell whether the property is set.
        Some(("Fn::If", _)) => Lookup::Unknown,
        _ => Lookup::Known(current),
    }
}

/// Describes why the condition holds, or `None` when it does not (or is not known).
fn holds(when: When, properties: &Value) -> Option<String> {
    match when {
        When::Equals(path, lit) => match lookup(properties, path) {
            Lookup::Known(v) if intrinsic(v).is_none() && lit.equals(v) => {
                Some(format!("when {path} is {}", show(&lit.to_value())))
            }
            _ => None,
        },
        When::Present(path) => match lookup(properties, path) {
            Lookup::Known(_) => Some(format!("together with {path}")),
            _ => None,
        },
        When::Any(conditions) => conditions.iter().find_map(|c| holds(*c, properties)),
    }
}

/// Problems found by the extra rules for one resource.
pub(crate) fn check(type_name: &str, properties: Option<&Value>) -> Vec<SchemaProblem> {
    let Some(properties) = properties else {
        return Vec::new();
    };
    RULES
        .iter()
        .filter(|rule| rule.type_name == type_name)
        .filter(|rule| matches!(lookup(properties, rule.forbidden), Lookup::Known(_)))
        .filter_map(|rule| {
            holds(rule.when, properties).map(|why| SchemaProblem {
                path: rule.forbidden.to_string(),
                kind: SchemaProblemKind::ServiceRule,
                message: format!("must not be set {why}: {}", rule.reason),
            })
        })
        .collect()
}
