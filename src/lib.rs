//! rcdk — a CDK-style construct library that synthesizes AWS CloudFormation.
pub mod core;
pub mod review;
