//! Review tools that work on any CloudFormation template, not only rcdk's.
//!
//! - [`read`]: read JSON or YAML (short-form tags) into a [`read::Template`] with line numbers.
//! - [`diff`]: a semantic diff with security (IAM) changes and replacements first.
//! - [`graph`]: the dependency graph of resources as Mermaid or Graphviz dot.
//! - [`validate`]: the checks rcdk runs at synthesis, on any template.
//! - [`foreach`]: `Fn::ForEach` (AWS::LanguageExtensions) expanded as CloudFormation does.
//!
//! ```
//! use rcdk::review::{read::read_template, diff::{diff, NoReplacementFacts}};
//! let old = read_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n").unwrap();
//! let new = read_template(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#).unwrap();
//! assert!(diff(&old, &new, &NoReplacementFacts).is_empty());
//! ```

pub mod diff;
pub mod foreach;
pub mod graph;
pub mod read;
pub mod validate;
