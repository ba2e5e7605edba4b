//! AWS Identity and Access Management: statements, documents, principals, roles, policies, grants,
//! and a policy lint run at synthesis.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::iam::{PolicyStatement, Principal, Role, RoleProps};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let role = Role::new(
//!     &mut stack,
//!     "Role",
//!     RoleProps::assumed_by(
//!         Principal::service("firehose.amazonaws.com")
//!             .with_condition("StringEquals", "sts:ExternalId", Value::Pseudo(Pseudo::AccountId)),
//!     ),
//! )
//! .unwrap();
//! let grant = role
//!     .add_to_policy(&mut stack, PolicyStatement::allow().actions(["s3:GetObject"]).resources(["*"]))
//!     .unwrap();
//! let policy = stack.logical_id(grant.policy_resource().unwrap()).unwrap();
//! assert_eq!(policy, "RoleDefaultPolicy5FFB7DAB");
//! ```
mod lint;
mod role;
mod statement;

pub use lint::lint_policies;
pub use role::{Grant, Policy, PolicyProps, Role, RoleProps};
pub(crate) use role::{check_same_stack, properties_mut};
pub use statement::{Effect, PolicyDocument, PolicyStatement, Principal};
pub(crate) use statement::{append_statement, document_value};
