//! Custom resources: `AwsCustomResource` makes one AWS SDK call per stack event, through a shared
//! provider Lambda whose Python handler ships inline in the template (no assets, no bootstrap).
//!
//! ```
//! use rcdk::prelude::*;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let call = AwsSdkCall {
//!     service: "Kinesis".into(),
//!     action: "PutResourcePolicy".into(),
//!     parameters: Some(Value::map([("ResourceARN", "arn:aws:kinesis:eu-west-1:123456789012:stream/s")])),
//!     physical_resource_id: Some(PhysicalResourceId::of("Resource")),
//!     ..Default::default()
//! };
//! let cr = AwsCustomResource::new(&mut stack, "Resource", AwsCustomResourceProps {
//!     on_update: Some(call),
//!     policy: AwsCustomResourcePolicy::from_sdk_calls(["*"]),
//!     ..Default::default()
//! })
//! .unwrap();
//! # let _ = cr;
//! ```

use crate::core::element::{Handle, RawResource, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Map, Value};
use crate::iam::{PolicyProps, PolicyStatement, Principal, Role, RoleProps};
use crate::l1::lambda::{CfnFunction, function};
use crate::l1::logs::CfnLogGroup;

/// The provider Lambda's source (`index.handler`), shipped as `Code.ZipFile`.
pub const HANDLER_SOURCE: &str = include_str!("handler.py");

/// CDK's construct id of the singleton provider function (kept so logical IDs match CDK's).
pub const PROVIDER_ID: &str = "AWS679f53fac002430cb0da5b7982bd2287";

/// The physical resource id the handler reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhysicalResourceId {
    /// A fixed id.
    Literal(String),
    /// A value from the SDK response, at a flattened path like `Stream.StreamARN`.
    FromResponse(String),
}

impl PhysicalResourceId {
    /// A fixed id (changing it replaces the resource).
    pub fn of(id: impl Into<String>) -> PhysicalResourceId {
        PhysicalResourceId::Literal(id.into())
    }

    /// The response value at `path` (flattened with dots, list indices as numbers).
    pub fn from_response(path: impl Into<String>) -> PhysicalResourceId {
        PhysicalResourceId::FromResponse(path.into())
    }
}

/// One AWS SDK call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsSdkCall {
    /// Service, as in the SDK (`Kinesis`, `S3`, `KinesisFirehose`…).
    pub service: String,
    /// API action (`PutResourcePolicy`).
    pub action: String,
    /// Request parameters; may hold references (the whole call is rendered as a JSON string).
    pub parameters: Option<Value>,
    /// The resource's physical id; default: the previous one (or the request id on create).
    pub physical_resource_id: Option<PhysicalResourceId>,
    /// A regular expression of error codes to ignore.
    pub ignore_error_codes_matching: Option<String>,
    /// Only these (flattened) response paths become attributes.
    pub output_paths: Option<Vec<String>>,
}

impl AwsSdkCall {
    /// The JSON payload the handler reads.
    fn payload(&self) -> Value {
        let mut m = Map::new();
        m.insert("service".into(), self.service.as_str().into());
        m.insert("action".into(), self.action.as_str().into());
        if let Some(p) = &self.parameters {
            m.insert("parameters".into(), p.clone());
        }
        match &self.physical_resource_id {
            Some(PhysicalResourceId::Literal(id)) => {
                m.insert("physicalResourceId".into(), Value::map([("id", id.as_str())]));
            }
            Some(PhysicalResourceId::FromResponse(path)) => {
                m.insert("physicalResourceId".into(), Value::map([("responsePath", path.as_str())]));
            }
            None => {}
        }
        if let Some(re) = &self.ignore_error_codes_matching {
            m.insert("ignoreErrorCodesMatching".into(), re.as_str().into());
        }
        if let Some(paths) = &self.output_paths {
            m.insert("outputPaths".into(), Value::list(paths.iter().map(String::as_str)));
        }
        Value::json(Value::Map(m))
    }

    /// The IAM action this call needs, e.g. `kinesis:PutResourcePolicy`.
    pub fn iam_action(&self) -> String {
        let lower = self.service.to_ascii_lowercase().replace(['-', ' '], "");
        let prefix = match lower.as_str() {
            "kinesisfirehose" | "firehose" => "firehose",
            "cloudwatchlogs" => "logs",
            "cloudwatchevents" | "eventbridge" => "events",
            "cognitoidentityserviceprovider" => "cognito-idp",
            "configservice" => "config",
            "directoryservice" => "ds",
            "acmpca" => "acm-pca",
            "applicationautoscaling" => "application-autoscaling",
            "stepfunctions" | "sfn" => "states",
            "elbv2" | "elb" => "elasticloadbalancing",
            "iotdata" => "iot",
            other => other,
        };
        let mut action = self.action.clone();
        if let Some(first) = action.get(..1) {
            action = first.to_ascii_uppercase() + &action[1..];
        }
        format!("{prefix}:{action}")
    }
}

/// The permissions the provider gets for this resource's calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum AwsCustomResourcePolicy {
    /// One statement per call (its IAM action) on these resources.
    FromSdkCalls(Vec<Value>),
    /// These statements.
    FromStatements(Vec<PolicyStatement>),
    /// No policy (the calls need no permission, or it is granted elsewhere).
    #[default]
    None,
}

impl AwsCustomResourcePolicy {
    /// One statement per SDK call, on `resources` (ARNs or `"*"`).
    pub fn from_sdk_calls<V: Into<Value>>(resources: impl IntoIterator<Item = V>) -> AwsCustomResourcePolicy {
        AwsCustomResourcePolicy::FromSdkCalls(resources.into_iter().map(Into::into).collect())
    }

    /// Explicit statements.
    pub fn from_statements(statements: impl IntoIterator<Item = PolicyStatement>) -> AwsCustomResourcePolicy {
        AwsCustomResourcePolicy::FromStatements(statements.into_iter().collect())
    }
}

/// Settings of an [`AwsCustomResource`].
#[derive(Debug, Clone, Default)]
pub struct AwsCustomResourceProps {
    /// The call on stack create; default: `on_update` (like CDK).
    pub on_create: Option<AwsSdkCall>,
    /// The call on update.
    pub on_update: Option<AwsSdkCall>,
    /// The call on delete.
    pub on_delete: Option<AwsSdkCall>,
    /// Permissions for the calls.
    pub policy: AwsCustomResourcePolicy,
    /// Provider Lambda timeout in seconds (default 120; the first resource in a stack decides, as the
    /// provider is shared).
    pub timeout_seconds: Option<u32>,
    /// Days the provider's log group keeps its events (default [`DEFAULT_LOG_RETENTION_DAYS`]; the
    /// first resource in a stack decides). Must be a value CloudFormation accepts for
    /// `AWS::Logs::LogGroup.RetentionInDays` (1, 3, 5, 7, 14, 30, 60, 90, …).
    pub log_retention_days: Option<u32>,
}

/// Default retention of the provider's log group: a year.
pub const DEFAULT_LOG_RETENTION_DAYS: u32 = 365;

/// A `Custom::AWS` resource at `<id>/Resource/Default` making SDK calls, with its permissions in
/// `<id>/CustomResourcePolicy`, served by a provider Lambda shared by the whole stack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AwsCustomResource {
    node: NodeRef,
    resource: Handle<RawResource>,
    policy: Option<crate::iam::Policy>,
    provider: Handle<CfnFunction>,
}

impl AwsCustomResource {
    /// Creates the custom resource (and the provider, once per stack).
    pub fn new(
        scope: &mut impl AsScope,
        id: &str,
        props: AwsCustomResourceProps,
    ) -> Result<AwsCustomResource, TreeError> {
        let mut scope = scope.as_scope();
        let (provider, provider_role) = ensure_provider(&mut scope, props.timeout_seconds, props.log_retention_days)?;
        let mut own = scope.child(id)?;
        let node = own.node();
        let on_create = props.on_create.clone().or_else(|| props.on_update.clone());
        let calls: Vec<&AwsSdkCall> =
            [on_create.as_ref(), props.on_update.as_ref(), props.on_delete.as_ref()].into_iter().flatten().collect();
        let statements: Vec<PolicyStatement> = match &props.policy {
            AwsCustomResourcePolicy::FromSdkCalls(resources) => {
                let mut out: Vec<PolicyStatement> = Vec::new();
                for call in calls {
                    let s = PolicyStatement::allow().actions([call.iam_action()]).resources(resources.iter().cloned());
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                out
            }
            AwsCustomResourcePolicy::FromStatements(s) => s.clone(),
            AwsCustomResourcePolicy::None => Vec::new(),
        };
        let policy = if statements.is_empty() {
            None
        } else {
            Some(crate::iam::Policy::new(
                &mut own,
                "CustomResourcePolicy",
                PolicyProps { statements, roles: vec![provider_role], ..Default::default() },
            )?)
        };
        let mut m = Map::new();
        m.insert("ServiceToken".into(), provider.attr_arn().into());
        for (key, call) in [("Create", &on_create), ("Update", &props.on_update), ("Delete", &props.on_delete)] {
            if let Some(call) = call {
                m.insert(key.into(), call.payload());
            }
        }
        let resource = own.as_scope().child("Resource")?.add_raw_resource("Default", "Custom::AWS", m)?;
        if let Some(policy) = policy {
            own.stack().resource_mut(resource)?.add_dependency(policy.node());
        }
        Ok(AwsCustomResource { node, resource, policy, provider })
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `Custom::AWS` resource (escape hatch; untyped: `Custom::*` types have no L1).
    pub fn resource(&self) -> Handle<RawResource> {
        self.resource
    }

    /// The policy holding the calls' permissions, if any.
    pub fn policy(&self) -> Option<crate::iam::Policy> {
        self.policy
    }

    /// The shared provider `AWS::Lambda::Function` (a typed [`CfnFunction`]).
    pub fn provider(&self) -> Handle<CfnFunction> {
        self.provider
    }

    /// `Fn::GetAtt` of a flattened response path, e.g. `StreamDescription.StreamARN`.
    pub fn response_field(&self, path: &str) -> Value {
        self.resource.get_att(path)
    }
}

fn ensure_provider(
    scope: &mut crate::core::stack::Scope<'_>,
    timeout: Option<u32>,
    log_retention_days: Option<u32>,
) -> Result<(Handle<CfnFunction>, Role), TreeError> {
    let stack = scope.stack();
    let root = stack.root();
    if let Some(node) = stack.find_child(root, PROVIDER_ID) {
        let function = stack.find_child(node, "Resource");
        let role_node = stack.find_child(node, "ServiceRole");
        let role_resource = role_node.and_then(|r| stack.find_child(r, "Resource"));
        if let (Some(function), Some(role_node), Some(role_resource)) = (function, role_node, role_resource) {
            return Ok((Handle::new(function), Role::from_parts(role_node, role_resource)));
        }
        return Err(TreeError::WrongKind {
            path: stack.path(node),
            expected: "the AwsCustomResource provider (ServiceRole and Resource)",
            found: "another construct",
        });
    }
    let mut provider = stack.as_scope().child(PROVIDER_ID)?;
    // Its own log group with a retention, instead of the never-expiring `/aws/lambda/<name>` group
    // Lambda would create; the role may write to this group only (no AWSLambdaBasicExecutionRole,
    // which allows logs:* actions on every log group).
    let log_group = provider.add_resource(
        "LogGroup",
        CfnLogGroup::new().retention_in_days(log_retention_days.unwrap_or(DEFAULT_LOG_RETENTION_DAYS)),
    )?;
    provider.stack().resource_mut(log_group)?.apply_removal_policy(RemovalPolicy::Retain);
    let role =
        Role::new(&mut provider, "ServiceRole", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com")))?;
    // `Arn` of a log group ends in `:*`, which covers its log streams.
    let grant = role.add_to_policy(
        &mut provider,
        PolicyStatement::allow()
            .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
            .resources([log_group.attr_arn()]),
    )?;
    let function = CfnFunction::new(function::Code::new().zip_file(HANDLER_SOURCE), role.resource().attr_arn())
        .handler("index.handler")
        .runtime(Value::from(crate::security::runtimes::newest_python().identifier))
        .timeout(timeout.unwrap_or(120))
        .logging_config(function::LoggingConfig::new().log_group(log_group.ref_()));
    let function = provider.add_resource("Resource", function)?;
    grant.apply_before(&mut provider, &[function.node()])?;
    let stack = provider.stack();
    for (rule, reason) in FUNCTION_ACKNOWLEDGMENTS {
        stack.acknowledge_node(function.node(), rule, reason);
    }
    stack.acknowledge_node(
        log_group.node(),
        "RCDK-LOGS-ENCRYPTION",
        "the provider logs the request type, service and action only (never parameters); CloudWatch Logs \
         encrypts them at rest with its own key",
    );
    Ok((function, role))
}

/// The provider function's findings that are not risks, acknowledged on it (docs/security.md).
const FUNCTION_ACKNOWLEDGMENTS: &[(&str, &str)] = &[
    (
        "RCDK-LAMBDA-CONCURRENCY",
        "CloudFormation invokes the provider once per stack event; reserving concurrency would take it from \
         the account pool (and fails in accounts at the minimum unreserved limit)",
    ),
    (
        "RCDK-LAMBDA-DLQ",
        "CloudFormation invokes the provider and waits for its answer on the pre-signed URL; a failed call \
         fails the stack operation, which is the report, so a dead-letter queue would hold nothing to act on",
    ),
    (
        "RCDK-LAMBDA-VPC",
        "the provider only calls public AWS APIs and the CloudFormation response URL; a VPC would need NAT \
         or endpoints and protect nothing",
    ),
    (
        "AwsSolutions-L1",
        "the runtime is the newest Python runtime of the AWS Lambda runtimes page (rcdk::security::runtimes); \
         cdk-nag's latest is the newest name aws-cdk-lib knows, which may not be listed by Lambda yet; \
         RCDK-LAMBDA-RUNTIME still watches its deprecation date",
    ),
];
