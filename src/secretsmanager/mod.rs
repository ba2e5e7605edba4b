//! AWS Secrets Manager: secrets defined outside the stack, referenced by name.
//!
//! ```
//! use rcdk::prelude::*;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let secret = Secret::from_secret_name_v2(&mut stack, "Secret", "Snowflake/PrivateKey").unwrap();
//! let value: Value = secret.secret_value().into();
//! assert_eq!(value, Value::Dynamic(DynamicReference::SecretsManager {
//!     secret_id: "Snowflake/PrivateKey".into(), json_key: None, version_stage: None, version_id: None }));
//! ```

use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{SecretValue, Value};
use crate::iam::{Grant, PolicyStatement, Role};

/// Actions of CDK's `grantRead` on a secret.
pub const READ_ACTIONS: &[&str] = &["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

/// A secret that exists outside the stack, imported by name (no resource is added; the construct is
/// an empty node, like CDK's imported secret). `Clone`, not `Copy`: it carries the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    node: NodeRef,
    name: String,
}

impl Secret {
    /// Imports the secret called `name` (like CDK's `Secret.fromSecretNameV2`).
    pub fn from_secret_name_v2(scope: &mut impl AsScope, id: &str, name: &str) -> Result<Secret, TreeError> {
        let node = scope.as_scope().child(id)?.node();
        Ok(Secret { node, name: name.to_string() })
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The secret name.
    pub fn secret_name(&self) -> &str {
        &self.name
    }

    /// The whole secret string as a dynamic reference
    /// (`{{resolve:secretsmanager:<name>:SecretString:::}}`), resolved at deploy time.
    pub fn secret_value(&self) -> SecretValue {
        SecretValue::secrets_manager(self.name.clone(), None)
    }

    /// One field of a JSON secret (`{{resolve:secretsmanager:<name>:SecretString:<key>::}}`).
    pub fn secret_value_from_json(&self, key: &str) -> SecretValue {
        SecretValue::secrets_manager(self.name.clone(), Some(key))
    }

    /// The partial ARN (`arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:<name>`),
    /// without the random suffix Secrets Manager appends.
    pub fn secret_arn(&self) -> Value {
        Value::sub(format!(
            "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}",
            self.name.replace("${", "${!")
        ))
    }

    /// `secretsmanager:GetSecretValue` and `DescribeSecret` on `<partial ARN>-??????`.
    pub fn grant_read(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        // The secret may be in another stack than the role: its ARN is built from its name.
        let mut scope = scope.as_scope();
        let arn = Value::sub(format!(
            "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}-??????",
            self.name.replace("${", "${!")
        ));
        role.add_to_policy(&mut scope, PolicyStatement::allow().actions(READ_ACTIONS.iter().copied()).resources([arn]))
    }
}
