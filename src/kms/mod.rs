//! AWS KMS: customer-managed keys.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::kms::{Key, KeyProps};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let key = Key::new(&mut stack, "Key", KeyProps { enable_key_rotation: true, ..Default::default() }).unwrap();
//! assert_eq!(stack.logical_id(key.resource().node()).unwrap(), "Key961B73FD");
//! ```

use crate::core::element::{Handle, RawResource, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Map, Value};
use crate::iam::{Grant, PolicyStatement, Principal, Role, append_statement, check_same_stack, properties_mut};

/// Actions CDK's `grantDecrypt` gives.
pub const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt"];
/// Actions CDK's `grantEncrypt` gives.
pub const ENCRYPT_ACTIONS: &[&str] = &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
/// Actions CDK's `grantEncryptDecrypt` gives.
pub const ENCRYPT_DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

/// Settings of a [`Key`].
#[derive(Debug, Clone)]
pub struct KeyProps {
    /// Description.
    pub description: Option<String>,
    /// Rotate the key material yearly.
    pub enable_key_rotation: bool,
    /// An alias (`alias/...`; the prefix is added when missing), as an `AWS::KMS::Alias` child `Alias`.
    pub alias: Option<String>,
    /// What happens when the key leaves the stack: default `Retain` (a deleted key loses the data).
    pub removal_policy: RemovalPolicy,
    /// Days (7–30) before a deleted key is destroyed.
    pub pending_window_days: Option<u32>,
}

impl Default for KeyProps {
    fn default() -> Self {
        KeyProps {
            description: None,
            enable_key_rotation: false,
            alias: None,
            removal_policy: RemovalPolicy::Retain,
            pending_window_days: None,
        }
    }
}

/// A customer-managed KMS key (`AWS::KMS::Key` at `<id>/Resource`) whose default key policy gives the
/// account root `kms:*`, like CDK's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    node: NodeRef,
    resource: Handle<RawResource>,
}

impl Key {
    /// Creates the key.
    pub fn new(scope: &mut impl AsScope, id: &str, props: KeyProps) -> Result<Key, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        let root = PolicyStatement::allow().actions(["kms:*"]).principal(Principal::account_root()).resources(["*"]);
        let mut m = Map::new();
        m.insert("KeyPolicy".into(), crate::iam::document_value(vec![root.to_value()]));
        if let Some(d) = props.description {
            m.insert("Description".into(), d.into());
        }
        if props.enable_key_rotation {
            m.insert("EnableKeyRotation".into(), true.into());
        }
        if let Some(days) = props.pending_window_days {
            m.insert("PendingWindowInDays".into(), days.into());
        }
        let resource = scope.add_raw_resource("Resource", "AWS::KMS::Key", m)?;
        scope.stack().resource_mut(resource)?.apply_removal_policy(props.removal_policy);
        if let Some(alias) = props.alias {
            let name = if alias.starts_with("alias/") { alias } else { format!("alias/{alias}") };
            let mut a = Map::new();
            a.insert("AliasName".into(), name.into());
            a.insert("TargetKeyId".into(), resource.get_att("Arn"));
            scope.add_raw_resource("Alias", "AWS::KMS::Alias", a)?;
        }
        Ok(Key { node, resource })
    }

    /// The key's construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::KMS::Key` resource (escape hatch).
    pub fn resource(&self) -> Handle<RawResource> {
        self.resource
    }

    /// `Fn::GetAtt Key.Arn`.
    pub fn key_arn(&self) -> Value {
        self.resource.get_att("Arn")
    }

    /// `Ref Key` (the key id).
    pub fn key_id(&self) -> Value {
        self.resource.ref_()
    }

    /// Appends a statement to the key policy.
    pub fn add_to_resource_policy(
        &self,
        scope: &mut impl AsScope,
        statement: PolicyStatement,
    ) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        let m = properties_mut(scope.stack(), self.resource, "Key::add_to_resource_policy")?;
        let doc = m.entry("KeyPolicy".to_string()).or_insert(Value::Null);
        append_statement(doc, statement.to_value());
        Ok(())
    }

    /// Gives `role` the given actions on this key (in the role's policy).
    pub fn grant(&self, scope: &mut impl AsScope, role: &Role, actions: &[&str]) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Key::grant")?;
        role.add_to_policy(
            &mut scope,
            PolicyStatement::allow().actions(actions.iter().copied()).resources([self.key_arn()]),
        )
    }

    /// `kms:Decrypt`.
    pub fn grant_decrypt(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, DECRYPT_ACTIONS)
    }

    /// `kms:Encrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`.
    pub fn grant_encrypt(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, ENCRYPT_ACTIONS)
    }

    /// `kms:Decrypt`, `kms:Encrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`.
    pub fn grant_encrypt_decrypt(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, ENCRYPT_DECRYPT_ACTIONS)
    }
}
