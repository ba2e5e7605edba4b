#![warn(missing_docs)]
//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
//!
//! Compose typed constructs into a [`Stack`](core::stack::Stack), add it to an
//! [`App`](core::app::App), and synthesize: every reference is resolved to a logical ID (computed
//! exactly as AWS CDK v2 does), dependencies are added where references do not already imply them,
//! and the finished template is validated against the CloudFormation registry schemas, reference
//! rules, limits and IAM spelling before anything is written.
//!
//! Layers: [`core`] (tree, values, synthesis, checks, emitters), [`l1`] (generated typed resources),
//! the L2 constructs ([`iam`], [`kms`], [`kinesis`], [`s3`], [`secretsmanager`],
//! [`custom_resources`], [`firehose`], [`lambda`], [`cloudwatch`], [`sns`]), [`schema`] (the vendored registry schemas) and [`review`] (diff, validate,
//! graph for any template).
//!
//! The heart of the article's stack — a KMS-encrypted stream read by Firehose, which delivers to
//! Snowflake with failed records backed up to S3:
//!
//! ```
//! use rcdk::l1::kinesisfirehose::{CfnDeliveryStream, delivery_stream as firehose};
//! use rcdk::prelude::*;
//!
//! # fn main() -> Result<(), rcdk::Error> {
//! let mut stack = Stack::new("KinesisSnowflakeStack", StackProps::default())?;
//! let key = Key::new(&mut stack, "Key", KeyProps::default())?;
//! let stream = Stream::new(&mut stack, "Stream", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() })?;
//! let role = Role::new(&mut stack, "Role", RoleProps::assumed_by(Principal::service("firehose.amazonaws.com")))?;
//! let backup = Bucket::new(&mut stack, "BackupBucket", BucketProps::default())?;
//! let secret = Secret::from_secret_name_v2(&mut stack, "Secret", "Snowflake/PrivateKey")?;
//!
//! // S3Configuration is a constructor argument: forgetting it does not compile.
//! let destination = firehose::SnowflakeDestinationConfiguration::new(
//!     "https://xy12345.eu-west-1.snowflakecomputing.com",
//!     "ANALYTICS",
//!     role.role_arn(),
//!     firehose::S3DestinationConfiguration::new(backup.bucket_arn(), role.role_arn()),
//!     "EVENTS",
//!     "RAW_EVENTS",
//! )
//! .user("FIREHOSE_USER")
//! .private_key(secret.secret_value()); // a SecretValue: a plain string does not compile here
//! let delivery = stack.add_resource(
//!     "DeliveryStream",
//!     CfnDeliveryStream::new()
//!         .delivery_stream_type(firehose::DeliveryStreamType::KinesisStreamAsSource)
//!         .kinesis_stream_source_configuration(firehose::KinesisStreamSourceConfiguration::new(
//!             stream.stream_arn(),
//!             role.role_arn(),
//!         ))
//!         .snowflake_destination_configuration(destination),
//! )?;
//! stream.grant_read(&mut stack, &role)?.apply_before(&mut stack, &[delivery.node()])?;
//! backup.grant_write(&mut stack, &role)?;
//!
//! let mut app = App::new();
//! app.add_stack(stack)?;
//! let assembly = app.assemble()?;
//! let template = assembly.stacks[0].template();
//! assert!(template["Resources"]["Key961B73FD"].is_object()); // the logical ID CDK gives Key/Resource
//! assert_eq!(template["Resources"]["DeliveryStream"]["DependsOn"][0], "RoleDefaultPolicy5FFB7DAB");
//! # Ok(())
//! # }
//! ```
// The L2 constructs are built on the typed L1 resources of their services: each needs those
// cargo features (all on by default).
#[cfg(all(feature = "cloudwatch", feature = "sns", feature = "kms", feature = "iam"))]
pub mod cloudwatch;
pub mod core;
#[cfg(all(feature = "lambda", feature = "iam", feature = "logs"))]
pub mod custom_resources;
pub mod defaults;
#[cfg(all(
    feature = "kinesisfirehose",
    feature = "kinesis",
    feature = "kms",
    feature = "iam",
    feature = "s3",
    feature = "logs",
    feature = "secretsmanager"
))]
pub mod firehose;
pub mod iam;
#[cfg(all(feature = "kinesis", feature = "kms", feature = "iam"))]
pub mod kinesis;
#[cfg(all(feature = "kms", feature = "iam"))]
pub mod kms;
pub mod l1;
#[cfg(all(feature = "lambda", feature = "logs", feature = "iam"))]
pub mod lambda;
pub mod review;
#[cfg(all(feature = "s3", feature = "kms", feature = "iam"))]
pub mod s3;
pub mod schema;
#[cfg(all(feature = "secretsmanager", feature = "kms", feature = "iam"))]
pub mod secretsmanager;
pub mod security;
#[cfg(all(feature = "sns", feature = "kms", feature = "iam"))]
pub mod sns;
pub mod tags;

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
    pub use crate::core::tag::Tag;
    pub use crate::core::value::{DynamicReference, Map, Pseudo, SecretValue, Val, Value};
    #[cfg(all(feature = "lambda", feature = "iam", feature = "logs"))]
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
    pub use crate::s3::{Bucket, BucketEncryption, BucketProps, ServerAccessLogs};
    #[cfg(all(feature = "secretsmanager", feature = "kms", feature = "iam"))]
    pub use crate::secretsmanager::Secret;
}
