//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
pub mod core;
pub mod custom_resources;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod s3;
pub mod secretsmanager;

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
    pub use crate::custom_resources::{
        AwsCustomResource, AwsCustomResourcePolicy, AwsCustomResourceProps, AwsSdkCall, PhysicalResourceId,
    };
    pub use crate::iam::{
        Effect, Grant, Policy, PolicyDocument, PolicyProps, PolicyStatement, Principal, Role, RoleProps,
    };
    pub use crate::kinesis::{Stream, StreamEncryption, StreamMode, StreamProps};
    pub use crate::kms::{Key, KeyProps};
    pub use crate::s3::{Bucket, BucketEncryption, BucketProps};
    pub use crate::secretsmanager::Secret;
}
