//! Template text: canonical pretty JSON and CloudFormation-safe YAML.
pub mod json;
pub mod yaml;
