//! Who a grant is for: a role of the same stack (its identity policy gets the statement) or any
//! principal, e.g. a role or account of another AWS account (the resource's policy gets it).

use crate::core::value::Value;
use crate::iam::role::Role;
use crate::iam::statement::Principal;

/// Where a grant writes its permissions.
#[derive(Debug, Clone, PartialEq)]
pub enum GrantTarget {
    /// A role of the resource's stack: the statement goes into the role's `DefaultPolicy`.
    Role(Role),
    /// Any other principal (another account, a role of another account or environment): the
    /// statement goes into the resource's own policy (stream resource policy, key policy…), and the
    /// principal's account must also allow the actions in its identity policies (IAM: "Cross
    /// account resource access in IAM", docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html).
    Principal(Principal),
}

/// Anything a grant can be given to: `&Role` (same stack) or `&Principal`.
///
/// ```
/// use rcdk::iam::{Grantee, GrantTarget, Principal};
/// let producer = Principal::arn("arn:aws:iam::111111111111:role/producer");
/// assert!(matches!(producer.grant_target(), GrantTarget::Principal(_)));
/// ```
pub trait Grantee {
    /// Where the grant goes.
    fn grant_target(&self) -> GrantTarget;
}

impl Grantee for Role {
    fn grant_target(&self) -> GrantTarget {
        GrantTarget::Role(*self)
    }
}

impl Grantee for Principal {
    fn grant_target(&self) -> GrantTarget {
        GrantTarget::Principal(self.clone())
    }
}

/// The ARN of a role with a known name in a known account, for use from another environment
/// (references between environments are not possible, so the ARN is written out):
/// `arn:${AWS::Partition}:iam::<account>:role/<name>`.
///
/// ```
/// use rcdk::iam::role_arn_in_account;
/// let arn = role_arn_in_account("111111111111", "producer");
/// # let _ = arn;
/// ```
pub fn role_arn_in_account(account: &str, role_name: &str) -> Value {
    Value::sub(format!("arn:${{AWS::Partition}}:iam::{account}:role/{}", role_name.replace("${", "${!")))
}
