//! AWS Lambda functions with inline code, their own log group and a least-privilege role.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::lambda::{Code, Function, FunctionProps, Runtime};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let f = Function::new(&mut stack, "Transform", FunctionProps::new(
//!     Runtime::Python313,
//!     "index.handler",
//!     Code::inline("def handler(event, context):\n    return event\n"),
//! )).unwrap();
//! assert_eq!(stack.logical_id(f.resource().node()).unwrap(), "TransformC0C45E96");
//! ```

use std::path::Path;

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::Value;
use crate::iam::{Grant, PolicyStatement, Principal, Role, RoleProps, check_same_stack};
use crate::l1::lambda::CfnFunction;
use crate::l1::lambda::function::{self, LoggingConfig};
use crate::l1::logs::CfnLogGroup;

pub use crate::l1::lambda::function::Runtime;

/// Largest inline source CloudFormation accepts in `Code.ZipFile` (4 MB, "AWS::Lambda::Function
/// Code", docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html).
pub const MAX_INLINE_CODE_BYTES: usize = 4 * 1024 * 1024;

/// The function's code: always inline (`ZipFile`), so templates deploy without an asset bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    source: String,
    origin: String,
}

impl Code {
    /// Source code given in the program.
    pub fn inline(source: impl Into<String>) -> Code {
        Code { source: source.into(), origin: "inline code".into() }
    }

    /// Source code read from a file of the user's repository (at synthesis time, so the
    /// template holds exactly the file's current content). Fails when the file cannot be read.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Code, TreeError> {
        let path = path.as_ref();
        std::fs::read_to_string(path).map(|source| Code { source, origin: path.display().to_string() }).map_err(|e| {
            TreeError::invalid_input(
                "-",
                "-",
                "Code.ZipFile",
                "a readable UTF-8 source file",
                format!("{}: {e}", path.display()),
            )
        })
    }
}

/// Settings of a [`Function`]. Build with [`FunctionProps::new`] and adjust the fields.
#[derive(Debug, Clone)]
pub struct FunctionProps {
    /// Runtime.
    pub runtime: Runtime,
    /// Handler, e.g. `index.handler`.
    pub handler: String,
    /// Code.
    pub code: Code,
    /// Memory in MB (128–10240); default 128.
    pub memory_mb: u32,
    /// Timeout in seconds (1–900); default 60.
    pub timeout_seconds: u32,
    /// Days the function's log group keeps events; default 30.
    pub log_retention_days: u32,
    /// Description.
    pub description: Option<String>,
    /// Environment variables.
    pub environment: Vec<(String, Value)>,
}

impl FunctionProps {
    /// Runtime, handler and code; 128 MB, 60 s, logs kept 30 days.
    pub fn new(runtime: Runtime, handler: impl Into<String>, code: Code) -> FunctionProps {
        FunctionProps {
            runtime,
            handler: handler.into(),
            code,
            memory_mb: 128,
            timeout_seconds: 60,
            log_retention_days: 30,
            description: None,
            environment: Vec::new(),
        }
    }
}

/// Retention values CloudWatch Logs accepts ("PutRetentionPolicy", docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
pub const LOG_RETENTION_DAYS: &[u32] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// A Lambda function (`AWS::Lambda::Function` at `<id>/Resource`) with its own log group
/// (`<id>/LogGroup`, with retention; the function logs there through `LoggingConfig`) and its own
/// role (`<id>/ServiceRole`) allowed to write only to that group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Function {
    node: NodeRef,
    resource: Handle<CfnFunction>,
    role: Role,
    log_group: Handle<CfnLogGroup>,
}

impl Function {
    /// Creates the function, its role and its log group. Fails on values Lambda rejects.
    pub fn new(scope: &mut impl AsScope, id: &str, props: FunctionProps) -> Result<Function, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        let path = scope.path();
        let logical = crate::core::ids::logical_id(&path.split('/').skip(1).chain(["Resource"]).collect::<Vec<_>>())
            .unwrap_or_else(|_| "-".into());
        let invalid = |property: &str, expected: &str, found: String| {
            TreeError::invalid_input(format!("{path}/Resource"), logical.clone(), property, expected, found)
        };
        // Limits: "Lambda quotas", docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html.
        if !(128..=10240).contains(&props.memory_mb) {
            return Err(invalid("MemorySize", "128 to 10240 MB", props.memory_mb.to_string()));
        }
        if !(1..=900).contains(&props.timeout_seconds) {
            return Err(invalid("Timeout", "1 to 900 seconds", props.timeout_seconds.to_string()));
        }
        if props.code.source.is_empty() || props.code.source.len() > MAX_INLINE_CODE_BYTES {
            return Err(invalid(
                "Code.ZipFile",
                "inline source of 1 byte to 4 MB",
                format!("{} bytes from {}", props.code.source.len(), props.code.origin),
            ));
        }
        if !LOG_RETENTION_DAYS.contains(&props.log_retention_days) {
            return Err(invalid(
                "LogGroup.RetentionInDays",
                "one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)",
                props.log_retention_days.to_string(),
            ));
        }
        let log_group = scope
            .add_resource("LogGroup", CfnLogGroup::new().retention_in_days(i64::from(props.log_retention_days)))?;
        scope.stack().resource_mut(log_group)?.apply_removal_policy(RemovalPolicy::Retain);
        let role =
            Role::new(&mut scope, "ServiceRole", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com")))?;
        // The function writes only to its own group (what AWSLambdaBasicExecutionRole allows, scoped
        // to one group: "Lambda execution role", docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
        let log_grant = role.add_to_policy(
            &mut scope,
            PolicyStatement::allow()
                .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources([Value::from(log_group.attr_arn())]),
        )?;
        let mut cfn = CfnFunction::new(function::Code::new().zip_file(props.code.source), role.role_arn())
            .handler(props.handler)
            .runtime(props.runtime)
            .memory_size(i64::from(props.memory_mb))
            .timeout(i64::from(props.timeout_seconds))
            .logging_config(LoggingConfig::new().log_group(log_group.ref_()));
        if let Some(d) = props.description {
            cfn = cfn.description(d);
        }
        if !props.environment.is_empty() {
            let vars: crate::core::value::Map = props.environment.into_iter().collect();
            cfn = cfn.environment(function::Environment::new().variables(Value::Map(vars)));
        }
        let resource = scope.add_resource("Resource", cfn)?;
        log_grant.apply_before(&mut scope, &[resource.node()])?;
        Ok(Function { node, resource, role, log_group })
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::Lambda::Function` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnFunction> {
        self.resource
    }

    /// The function's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The function's log group.
    pub fn log_group(&self) -> Handle<CfnLogGroup> {
        self.log_group
    }

    /// `Fn::GetAtt Function.Arn`.
    pub fn function_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }

    /// `Ref Function` (the function name).
    pub fn function_name(&self) -> Value {
        self.resource.ref_()
    }

    /// `lambda:InvokeFunction` on the function (and its versions and aliases).
    pub fn grant_invoke(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Function::grant_invoke")?;
        role.add_to_policy(
            &mut scope,
            PolicyStatement::allow()
                .actions(["lambda:InvokeFunction"])
                .resources([self.function_arn(), Value::join("", [self.function_arn(), Value::from(":*")])]),
        )
    }
}
