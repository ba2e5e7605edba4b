//! AWS KMS: customer-managed keys.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::kms::{Key, KeyProps};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap(); // rotation on by default
//! assert_eq!(stack.logical_id(key.resource().node()).unwrap(), "Key961B73FD");
//! // The escape hatch is the typed L1 handle: attributes as methods, properties editable.
//! let arn: Value = key.resource().attr_arn().into();
//! assert_eq!(arn, key.key_arn());
//! stack.resource_mut(key.resource()).unwrap().add_property_override("MultiRegion", true);
//! ```

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::Value;
use crate::iam::{Grant, PolicyStatement, Principal, Role, append_statement, properties_mut};
use crate::l1::kms::{CfnAlias, CfnKey};

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
    /// Rotate the key material yearly. Default **true** — a deliberate deviation from AWS CDK, whose
    /// `Key` leaves rotation off (checkov CKV_AWS_7, cdk-nag AwsSolutions-KMS5 flag that). Rotation
    /// keeps old material for decryption, so nothing encrypted before becomes unreadable.
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
            enable_key_rotation: true,
            alias: None,
            removal_policy: RemovalPolicy::Retain,
            pending_window_days: None,
        }
    }
}

/// A customer-managed KMS key (`AWS::KMS::Key` at `<id>/Resource`, a typed [`CfnKey`]) whose default
/// key policy gives the account root `kms:*`, like CDK's, with yearly rotation on unless turned off. With an alias, an `AWS::KMS::Alias`
/// ([`CfnAlias`]) at `<id>/Alias`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    node: NodeRef,
    resource: Handle<CfnKey>,
}

impl Key {
    /// Creates the key.
    pub fn new(scope: &mut impl AsScope, id: &str, props: KeyProps) -> Result<Key, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        let root = PolicyStatement::allow().actions(["kms:*"]).principal(Principal::account_root()).resources(["*"]);
        let mut key = CfnKey::new().key_policy(crate::iam::document_value(vec![root.to_value()]));
        if let Some(d) = props.description {
            key = key.description(d);
        }
        if props.enable_key_rotation {
            key = key.enable_key_rotation(true);
        }
        if let Some(days) = props.pending_window_days {
            key = key.pending_window_in_days(days);
        }
        let resource = scope.add_resource("Resource", key)?;
        // Properties in the L1's alphabetical order, like every typed resource (and like CDK).
        scope.stack().resource_mut(resource)?.apply_removal_policy(props.removal_policy);
        if let Some(alias) = props.alias {
            let name = if alias.starts_with("alias/") { alias } else { format!("alias/{alias}") };
            scope.add_resource("Alias", CfnAlias::new(name, resource.attr_arn()))?;
        }
        Ok(Key { node, resource })
    }

    /// The key's construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::KMS::Key` resource (escape hatch): `attr_*` methods, and `stack.resource_mut(...)`
    /// for overrides and resource attributes.
    pub fn resource(&self) -> Handle<CfnKey> {
        self.resource
    }

    /// `Fn::GetAtt Key.Arn`.
    pub fn key_arn(&self) -> Value {
        self.resource.attr_arn().into()
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
        // The key may be in another stack: its ARN is imported into the role's stack.
        let mut scope = scope.as_scope();
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
