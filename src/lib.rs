//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
pub mod core;
pub mod l1;

pub use crate::core::ids::logical_id;
