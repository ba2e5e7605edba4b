//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
//!
//! The article's stack (KMS key, encrypted Kinesis stream, a Firehose role with a grant applied
//! before the delivery stream):
//!
//! ```
//! use rcdk::prelude::*;
//! let mut stack = Stack::new("KinesisSnowflakeStack", StackProps::default()).unwrap();
//! let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
//! let stream =
//!     Stream::new(&mut stack, "Stream", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() })
//!         .unwrap();
//! stream
//!     .add_to_resource_policy(
//!         &mut stack,
//!         PolicyStatement::allow()
//!             .principal(Principal::arn("arn:aws:iam::123456789012:role/data-producer-example"))
//!             .actions(["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"])
//!             .resources([stream.stream_arn()]),
//!     )
//!     .unwrap();
//! let role = Role::new(
//!     &mut stack,
//!     "Role",
//!     RoleProps::assumed_by(Principal::service("firehose.amazonaws.com").with_condition(
//!         "StringEquals",
//!         "sts:ExternalId",
//!         Value::Pseudo(Pseudo::AccountId),
//!     )),
//! )
//! .unwrap();
//! let delivery = stack.add_raw_resource("DeliveryStream", "AWS::KinesisFirehose::DeliveryStream", Map::new()).unwrap();
//! stream.grant_read_write(&mut stack, &role).unwrap().apply_before(&mut stack, &[delivery.node()]).unwrap();
//! let mut app = App::new();
//! app.add_stack(stack).unwrap();
//! let template = app.assemble().unwrap().stacks[0].template().clone();
//! assert_eq!(template["Resources"]["DeliveryStream"]["DependsOn"][0], "RoleDefaultPolicy5FFB7DAB");
//! ```
// The L2 constructs are built on the typed L1 resources of their services: each needs those
// cargo features (all on by default).
pub mod core;
#[cfg(all(feature = "lambda", feature = "iam"))]
pub mod custom_resources;
pub mod iam;
#[cfg(all(feature = "kinesis", feature = "kms", feature = "iam"))]
pub mod kinesis;
#[cfg(all(feature = "kms", feature = "iam"))]
pub mod kms;
pub mod l1;
pub mod review;
#[cfg(all(feature = "s3", feature = "kms", feature = "iam"))]
pub mod s3;
pub mod schema;
#[cfg(feature = "iam")]
pub mod secretsmanager;

pub use crate::core::error::Error;
pub use crate::core::ids::logical_id;

/// The names most programs need.
pub mod prelude {
    pub use crate::core::app::App;
    pub use crate::core::element::{
        CfnResource, ConditionHandle, Handle, MappingHandle, Output, Parameter, ParameterHandle, ParameterType,
        RemovalPolicy,
    };
    pub use crate::core::stack::{AsScope, Environment, Scope, Stack, StackProps};
    pub use crate::core::value::{DynamicReference, Map, Pseudo, SecretValue, Val, Value};
    #[cfg(all(feature = "lambda", feature = "iam"))]
    pub use crate::custom_resources::{
        AwsCustomResource, AwsCustomResourcePolicy, AwsCustomResourceProps, AwsSdkCall, PhysicalResourceId,
    };
    pub use crate::iam::{Effect, PolicyDocument, PolicyStatement, Principal};
    #[cfg(feature = "iam")]
    pub use crate::iam::{Grant, Policy, PolicyProps, Role, RoleProps};
    #[cfg(all(feature = "kinesis", feature = "kms", feature = "iam"))]
    pub use crate::kinesis::{Stream, StreamEncryption, StreamMode, StreamProps};
    #[cfg(all(feature = "kms", feature = "iam"))]
    pub use crate::kms::{Key, KeyProps};
    #[cfg(all(feature = "s3", feature = "kms", feature = "iam"))]
    pub use crate::s3::{Bucket, BucketEncryption, BucketProps};
    #[cfg(feature = "iam")]
    pub use crate::secretsmanager::Secret;
}
