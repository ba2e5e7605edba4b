//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
pub mod core;
pub mod review;
pub mod schema;

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
}
