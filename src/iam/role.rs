//! Roles, policies and grants.

use crate::core::element::{Handle, RawResource};
use crate::core::stack::{AsScope, Scope, Stack};
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Map, Value};
use crate::iam::statement::{PolicyDocument, PolicyStatement, Principal, append_statement, document_value};
use crate::l1::iam::{CfnPolicy, CfnRole, role};

/// Fails with [`TreeError::ForeignNode`] when `node` is not in the scope's stack: for changes to
/// the construct itself. Using its values (ARNs, names) from another stack needs no check: synthesis
/// exports and imports them.
pub(crate) fn check_same_stack(stack: &Stack, node: NodeRef, what: &str) -> Result<(), TreeError> {
    stack.checked_index(node, what).map(|_| ())
}

/// The properties map of the resource behind `handle`, for L2s that edit their own resource.
pub(crate) fn properties_mut<'s, T>(
    stack: &'s mut Stack,
    handle: Handle<T>,
    what: &str,
) -> Result<&'s mut Map, TreeError> {
    check_same_stack(stack, handle.node(), what)?;
    Ok(stack.resource_mut(handle)?.properties_mut())
}

/// Settings of a [`Role`]; `assumed_by` is the only thing a role needs.
#[derive(Debug, Clone)]
pub struct RoleProps {
    /// Who may assume the role (its conditions go into the trust statement).
    pub assumed_by: Principal,
    /// ARNs of managed policies to attach.
    pub managed_policy_arns: Vec<Value>,
    /// Inline policies: name → document.
    pub inline_policies: Vec<(String, PolicyDocument)>,
    /// Description.
    pub description: Option<String>,
    /// Explicit role name (needs `CAPABILITY_NAMED_IAM`; replacement on change).
    pub role_name: Option<String>,
    /// Path.
    pub path: Option<String>,
    /// Maximum session duration in seconds (3600–43200).
    pub max_session_duration: Option<u32>,
}

impl RoleProps {
    /// Props for a role assumed by `principal`, everything else default.
    pub fn assumed_by(principal: Principal) -> RoleProps {
        RoleProps {
            assumed_by: principal,
            managed_policy_arns: Vec::new(),
            inline_policies: Vec::new(),
            description: None,
            role_name: None,
            path: None,
            max_session_duration: None,
        }
    }
}

/// An IAM role (`AWS::IAM::Role` at `<id>/Resource`, a typed [`CfnRole`]), with a `DefaultPolicy`
/// created on first grant.
///
/// ```
/// use rcdk::prelude::*;
/// use rcdk::iam::{PolicyStatement, Principal, Role, RoleProps};
/// let mut stack = Stack::new("S", StackProps::default()).unwrap();
/// let role = Role::new(&mut stack, "Role", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com"))).unwrap();
/// role.add_to_policy(&mut stack, PolicyStatement::allow().actions(["s3:ListAllMyBuckets"]).resources(["*"])).unwrap();
/// assert_eq!(stack.logical_id(role.resource().node()).unwrap(), "Role1ABCC5F0");
/// let arn: Value = role.resource().attr_arn().into();
/// assert_eq!(arn, role.role_arn());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Role {
    node: NodeRef,
    resource: Handle<CfnRole>,
}

impl Role {
    /// Creates the role.
    pub fn new(scope: &mut impl AsScope, id: &str, props: RoleProps) -> Result<Role, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        let trust = PolicyStatement::allow().actions(["sts:AssumeRole"]).principal(props.assumed_by);
        let mut cfn = CfnRole::new(PolicyDocument::new().statement(trust).to_value());
        if let Some(d) = props.description {
            cfn = cfn.description(d);
        }
        if !props.managed_policy_arns.is_empty() {
            cfn = cfn.managed_policy_arns(props.managed_policy_arns);
        }
        if let Some(s) = props.max_session_duration {
            cfn = cfn.max_session_duration(s);
        }
        if let Some(p) = props.path {
            cfn = cfn.path(p);
        }
        if !props.inline_policies.is_empty() {
            let policies: Vec<role::Policy> =
                props.inline_policies.into_iter().map(|(name, doc)| role::Policy::new(doc.to_value(), name)).collect();
            cfn = cfn.policies(policies);
        }
        if let Some(n) = props.role_name {
            cfn = cfn.role_name(n);
        }
        let resource = scope.add_resource("Resource", cfn)?;
        Ok(Role { node, resource })
    }

    /// A role handle from its construct node and resource (for constructs that find an existing role).
    #[cfg_attr(not(feature = "lambda"), allow(dead_code))]
    pub(crate) fn from_parts(node: NodeRef, resource: NodeRef) -> Role {
        Role { node, resource: Handle::new(resource) }
    }

    /// The role's construct node (`<id>`).
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::IAM::Role` resource (escape hatch): `attr_*` methods, and `stack.resource_mut(...)`
    /// for overrides and resource attributes.
    pub fn resource(&self) -> Handle<CfnRole> {
        self.resource
    }

    /// `Fn::GetAtt Role.Arn`.
    pub fn role_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }

    /// `Ref Role` (the role name).
    pub fn role_name(&self) -> Value {
        self.resource.ref_()
    }

    /// The role's `DefaultPolicy`, if a statement was added already.
    pub fn default_policy(&self, stack: &Stack) -> Option<Policy> {
        let node = stack.find_child(self.node, "DefaultPolicy")?;
        let resource = stack.find_child(node, "Resource")?;
        Some(Policy { node, resource: Handle::new(resource) })
    }

    /// Adds a statement to the role's `DefaultPolicy` (created on first use, like CDK), and returns
    /// a [`Grant`] naming that policy.
    pub fn add_to_policy(&self, scope: &mut impl AsScope, statement: PolicyStatement) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Role::add_to_policy")?;
        let policy = match self.default_policy(scope.stack_ref()) {
            Some(p) => p,
            None => {
                let mut role_scope = scope.as_scope().enter(self.node)?;
                Policy::new(&mut role_scope, "DefaultPolicy", PolicyProps { roles: vec![*self], ..Default::default() })?
            }
        };
        policy.add_statements(&mut scope, [statement])?;
        Ok(Grant { policy: Some(policy.resource.node()) })
    }
}

/// Settings of a [`Policy`].
#[derive(Debug, Clone, Default)]
pub struct PolicyProps {
    /// Policy name; default: the policy resource's own logical ID (like CDK).
    pub policy_name: Option<String>,
    /// Initial statements.
    pub statements: Vec<PolicyStatement>,
    /// Roles the policy is attached to.
    pub roles: Vec<Role>,
}

/// An inline IAM policy (`AWS::IAM::Policy` at `<id>/Resource`, a typed [`CfnPolicy`]) attached to roles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    node: NodeRef,
    resource: Handle<CfnPolicy>,
}

impl Policy {
    /// Creates the policy.
    pub fn new(scope: &mut impl AsScope, id: &str, props: PolicyProps) -> Result<Policy, TreeError> {
        // Roles of other stacks are fine: their names are imported (like CDK's cross-stack policies).
        let scope: Scope<'_> = scope.as_scope();
        let mut scope = scope.child(id)?;
        let node = scope.node();
        let doc = document_value(props.statements.iter().map(PolicyStatement::to_value).collect());
        let roles: Vec<Value> = props.roles.iter().map(|r| r.role_name()).collect();
        // Without a name, a placeholder that is replaced in place (same position) by the logical ID.
        let cfn = CfnPolicy::new(doc, props.policy_name.clone().unwrap_or_default()).roles(roles);
        let resource = scope.add_resource("Resource", cfn)?;
        if props.policy_name.is_none() {
            let stack = scope.stack();
            let name = stack.logical_id(resource.node()).unwrap_or_default();
            stack.resource_mut(resource)?.properties_mut().insert("PolicyName".into(), name.into());
        }
        Ok(Policy { node, resource })
    }

    /// The policy's construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::IAM::Policy` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnPolicy> {
        self.resource
    }

    /// Appends statements (identical ones are added once).
    pub fn add_statements(
        &self,
        scope: &mut impl AsScope,
        statements: impl IntoIterator<Item = PolicyStatement>,
    ) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        let m = properties_mut(scope.stack(), self.resource, "Policy::add_statements")?;
        let doc = m.entry("PolicyDocument".to_string()).or_insert(Value::Null);
        for s in statements {
            append_statement(doc, s.to_value());
        }
        Ok(())
    }

    /// Attaches the policy to another role.
    pub fn attach_to_role(&self, scope: &mut impl AsScope, role: &Role) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        let m = properties_mut(scope.stack(), self.resource, "Policy::attach_to_role")?;
        let roles = m.entry("Roles".to_string()).or_insert_with(|| Value::List(Vec::new()));
        if let Value::List(items) = roles
            && !items.contains(&role.role_name())
        {
            items.push(role.role_name());
        }
        Ok(())
    }
}

/// The result of a grant: where the permission was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    policy: Option<NodeRef>,
}

impl Grant {
    /// A grant written into a resource policy only (no identity policy to depend on).
    #[cfg_attr(not(feature = "kinesis"), allow(dead_code))]
    pub(crate) fn resource_only() -> Grant {
        Grant { policy: None }
    }

    /// The `AWS::IAM::Policy` resource holding the statement (none for resource-policy-only grants).
    pub fn policy_resource(&self) -> Option<NodeRef> {
        self.policy
    }

    /// Makes every given construct (a resource, or every resource below a scope) depend on the
    /// policy holding this grant, like CDK's `grant.applyBefore(...)`: the permission exists
    /// before the constructs that need it are created.
    pub fn apply_before(&self, scope: &mut impl AsScope, constructs: &[NodeRef]) -> Result<(), TreeError> {
        let Some(policy) = self.policy else { return Ok(()) };
        let mut scope = scope.as_scope();
        let stack = scope.stack();
        // The policy may be in another stack (a role of another stack): the dependency then
        // orders the stacks. The constructs are changed, so they must be in the scope's stack.
        for &target in constructs {
            let index = stack.checked_index(target, "Grant::apply_before")?;
            for i in stack.tree.subtree(index) {
                let handle: Handle<RawResource> = Handle::new(NodeRef { stack: stack.tree.stack, index: i });
                if let Ok(r) = stack.resource_mut(handle) {
                    r.add_dependency(policy);
                }
            }
        }
        Ok(())
    }
}
