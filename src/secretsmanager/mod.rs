//! AWS Secrets Manager: secrets created in the stack ([`Secret::new`], an `AWS::SecretsManager::Secret`)
//! or defined outside it and imported by name ([`Secret::from_secret_name_v2`]) or full ARN
//! ([`Secret::from_arn`]).
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::secretsmanager::SecretProps;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let secret = Secret::from_secret_name_v2(&mut stack, "Secret", "Snowflake/PrivateKey").unwrap();
//! let value: Value = secret.secret_value().into();
//! assert_eq!(value, Value::Dynamic(DynamicReference::SecretsManager {
//!     secret_id: "Snowflake/PrivateKey".into(), json_key: None, version_stage: None, version_id: None }));
//!
//! // Created: an empty secret (its value is put by the operator), Retain by default; `Ref` is its ARN.
//! let created = Secret::new(&mut stack, "Created", SecretProps::default()).unwrap();
//! let resource = created.resource().unwrap();
//! assert_eq!(created.secret_arn(), resource.ref_());
//! ```

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{SecretValue, Value};
use crate::iam::{Grant, PolicyStatement, Role};
use crate::kms::Key;
use crate::l1::secretsmanager::CfnSecret;

/// Actions of CDK's `grantRead` on a secret.
pub const READ_ACTIONS: &[&str] = &["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

/// Settings of a created [`Secret`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecretProps {
    /// Physical name (`Name`); `None` lets CloudFormation generate one.
    pub secret_name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Customer-managed key encrypting the secret (`KmsKeyId`); `None` uses `aws/secretsmanager`.
    pub encryption_key: Option<Key>,
    /// What happens when the secret leaves the stack: default `Retain`, like CDK's `Secret`
    /// (a deleted secret loses the credentials stored in it).
    pub removal_policy: RemovalPolicy,
}

impl Default for SecretProps {
    fn default() -> Self {
        SecretProps {
            secret_name: None,
            description: None,
            encryption_key: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// How the secret is identified.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    /// Created in this stack (`Ref` is its ARN).
    Created(Handle<CfnSecret>),
    /// Imported by full ARN (literal or a token such as a parameter).
    Arn(Value),
    /// Imported by name (partial ARN).
    Name(String),
}

/// A Secrets Manager secret: created in the stack ([`Secret::new`]) or imported
/// ([`Secret::from_arn`], [`Secret::from_secret_name_v2`]; no resource is added, the construct is an
/// empty node like CDK's imported secret). `Clone`, not `Copy`: it carries its identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    node: NodeRef,
    origin: Origin,
    encryption_key: Option<Key>,
}

/// Characters Secrets Manager allows in a secret name ("CreateSecret", Name,
/// docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html): ASCII letters,
/// digits and `/_+=.@-`, 1–512 characters.
fn valid_name(name: &str) -> bool {
    (1..=512).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b))
}

impl Secret {
    /// Creates an `AWS::SecretsManager::Secret` at `<id>/Resource` (an empty secret: the operator puts
    /// its value, so it never passes through a template), encrypted with `props.encryption_key` when
    /// given, `Retain` by default.
    pub fn new(scope: &mut impl AsScope, id: &str, props: SecretProps) -> Result<Secret, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        // Validated before anything is added (nothing half-written).
        if let Some(n) = &props.secret_name
            && !valid_name(n)
        {
            let path = format!("{}/Resource", scope.path());
            let logical = crate::core::ids::logical_id(&path.split('/').skip(1).collect::<Vec<_>>())
                .unwrap_or_else(|_| "-".into());
            return Err(TreeError::invalid_input(
                path,
                logical,
                "Name",
                "1 to 512 characters among ASCII letters, digits and /_+=.@-",
                format!("{n:?}"),
            ));
        }
        if let Some(k) = props.encryption_key {
            crate::iam::check_same_stack(scope.stack_ref(), k.node(), "Secret::new")?;
        }
        let mut cfn = CfnSecret::new();
        if let Some(d) = props.description {
            cfn = cfn.description(d);
        }
        if let Some(k) = props.encryption_key {
            cfn = cfn.kms_key_id(k.key_arn());
        }
        if let Some(n) = props.secret_name {
            cfn = cfn.name(n);
        }
        let resource = scope.add_resource("Resource", cfn)?;
        scope.stack().resource_mut(resource)?.apply_removal_policy(props.removal_policy);
        Ok(Secret { node, origin: Origin::Created(resource), encryption_key: props.encryption_key })
    }

    /// Imports the secret with the full ARN `arn` (a literal, or a token such as a parameter's `Ref`;
    /// like CDK's `Secret.fromSecretCompleteArn`).
    pub fn from_arn(scope: &mut impl AsScope, id: &str, arn: impl Into<Value>) -> Result<Secret, TreeError> {
        let node = scope.as_scope().child(id)?.node();
        Ok(Secret { node, origin: Origin::Arn(arn.into()), encryption_key: None })
    }

    /// Imports the secret called `name` (like CDK's `Secret.fromSecretNameV2`).
    pub fn from_secret_name_v2(scope: &mut impl AsScope, id: &str, name: &str) -> Result<Secret, TreeError> {
        let node = scope.as_scope().child(id)?.node();
        Ok(Secret { node, origin: Origin::Name(name.to_string()), encryption_key: None })
    }

    /// The same imported secret, encrypted with the customer-managed `key` (readers get `kms:Decrypt`
    /// on it through Secrets Manager). A created secret keeps the key of its props.
    pub fn with_encryption_key(mut self, key: Key) -> Secret {
        if !matches!(self.origin, Origin::Created(_)) {
            self.encryption_key = Some(key);
        }
        self
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::SecretsManager::Secret` of a created secret (escape hatch); `None` for an import.
    pub fn resource(&self) -> Option<Handle<CfnSecret>> {
        match self.origin {
            Origin::Created(h) => Some(h),
            _ => None,
        }
    }

    /// The customer-managed key encrypting the secret, if any.
    pub fn encryption_key(&self) -> Option<Key> {
        self.encryption_key
    }

    /// The secret name of a secret imported by name, `None` otherwise.
    pub fn secret_name(&self) -> Option<&str> {
        match &self.origin {
            Origin::Name(n) => Some(n),
            _ => None,
        }
    }

    fn secret_value_of(&self, json_key: Option<&str>) -> SecretValue {
        match &self.origin {
            Origin::Name(n) => SecretValue::secrets_manager(n.clone(), json_key),
            Origin::Arn(Value::String(arn)) => SecretValue::secrets_manager(arn.clone(), json_key),
            Origin::Arn(token) => SecretValue::secrets_manager_token(token.clone(), json_key),
            Origin::Created(h) => SecretValue::secrets_manager_token(h.ref_(), json_key),
        }
    }

    /// The whole secret string as a dynamic reference
    /// (`{{resolve:secretsmanager:<name or ARN>:SecretString:::}}`, inside `Fn::Join` when the ARN is a
    /// token), resolved at deploy time.
    pub fn secret_value(&self) -> SecretValue {
        self.secret_value_of(None)
    }

    /// One field of a JSON secret (`{{resolve:secretsmanager:<name or ARN>:SecretString:<key>::}}`).
    pub fn secret_value_from_json(&self, key: &str) -> SecretValue {
        self.secret_value_of(Some(key))
    }

    /// The ARN: `Ref` of a created secret, the imported ARN, or for a secret imported by name the
    /// partial ARN (`arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:<name>`,
    /// without the random suffix Secrets Manager appends).
    pub fn secret_arn(&self) -> Value {
        match &self.origin {
            Origin::Created(h) => h.ref_(),
            Origin::Arn(a) => a.clone(),
            Origin::Name(n) => Value::sub(format!(
                "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}",
                n.replace("${", "${!")
            )),
        }
    }

    /// What an IAM policy names to cover exactly this secret: its ARN, or for a secret imported by
    /// name `<partial ARN>-??????` (the six random characters Secrets Manager appends).
    pub fn arn_for_policies(&self) -> Value {
        match &self.origin {
            Origin::Name(n) => Value::sub(format!(
                "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}-??????",
                n.replace("${", "${!")
            )),
            _ => self.secret_arn(),
        }
    }

    /// `secretsmanager:GetSecretValue` and `DescribeSecret` on [`Secret::arn_for_policies`] (and
    /// `kms:Decrypt` on its customer-managed key through Secrets Manager, when it has one).
    pub fn grant_read(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        let grant = role.add_to_policy(
            &mut scope,
            PolicyStatement::allow().actions(READ_ACTIONS.iter().copied()).resources([self.arn_for_policies()]),
        )?;
        match self.encryption_key {
            Some(key) => role.add_to_policy(&mut scope, self.key_decrypt_statement(&key)),
            None => Ok(grant),
        }
    }

    /// `kms:Decrypt` on `key` only through Secrets Manager in the stack's region ("How Secrets Manager
    /// uses AWS KMS", docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html:
    /// `kms:ViaService` `secretsmanager.<region>.amazonaws.com`).
    pub(crate) fn key_decrypt_statement(&self, key: &Key) -> PolicyStatement {
        PolicyStatement::allow().actions(["kms:Decrypt"]).resources([key.key_arn()]).condition(
            "StringEquals",
            "kms:ViaService",
            Value::sub("secretsmanager.${AWS::Region}.amazonaws.com"),
        )
    }
}
