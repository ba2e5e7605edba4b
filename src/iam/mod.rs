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
//!
//! Statements, documents and the lint are always built; `Role`, `Policy` and grants (typed
//! `AWS::IAM::*` L1 resources) need the `iam` feature.
mod actions_index;
#[cfg(feature = "iam")]
mod grantee;
mod lint;
#[cfg(feature = "iam")]
mod role;
mod statement;

#[cfg(feature = "iam")]
pub use grantee::{GrantTarget, Grantee, role_arn_in_account};
pub use lint::lint_policies;
#[cfg(feature = "iam")]
pub use role::{Grant, Policy, PolicyProps, Role, RoleProps};
#[cfg(feature = "iam")]
#[allow(unused_imports)] // used by the other L2s, which need their own features too
pub(crate) use role::{check_same_stack, properties_mut};
pub use statement::{Effect, PolicyDocument, PolicyStatement, Principal};
#[cfg(feature = "iam")]
#[allow(unused_imports)] // used by the other L2s, which need their own features too
pub(crate) use statement::{append_statement, document_value};

/// Installs the IAM layer's checks into an app: the policy lint over every template.
pub fn install(app: &mut crate::core::app::App) {
    app.add_template_check(lint_policies);
}
