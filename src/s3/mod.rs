//! Amazon S3 buckets.
//!
//! ```
//! use rcdk::prelude::*;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! // Secure by default: SSE-S3, public access blocked, TLS-only bucket policy.
//! let bucket = Bucket::new(&mut stack, "MyBucket", BucketProps::default()).unwrap();
//! assert_eq!(stack.logical_id(bucket.resource().node()).unwrap(), "MyBucketF68F3FF0");
//! // The escape hatch is the typed L1 handle (`Handle<CfnBucket>`).
//! let domain = bucket.resource().attr_regional_domain_name();
//! # let _ = domain;
//! // Versioning with old versions expiring after 30 days, and server access logs to a new bucket:
//! let data = Bucket::new(&mut stack, "Data", BucketProps {
//!     noncurrent_version_expiration_days: Some(30),
//!     server_access_logs: ServerAccessLogs::NewBucket { prefix: None },
//!     ..Default::default()
//! }).unwrap();
//! # let _ = data;
//! ```

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::Pseudo;
use crate::core::value::Value;
use crate::iam::{
    Grant, PolicyStatement, Principal, Role, append_statement, check_same_stack, document_value, properties_mut,
};
use crate::kms::Key;
use crate::l1::s3::bucket::{
    self, LifecycleConfiguration, LoggingConfiguration, NoncurrentVersionExpiration, PublicAccessBlockConfiguration,
    RuleStatus, SSEAlgorithm, ServerSideEncryptionByDefault, ServerSideEncryptionRule, VersioningConfiguration,
    VersioningConfigurationStatus,
};
use crate::l1::s3::{CfnBucket, CfnBucketPolicy};

/// Bucket actions of CDK's `grantRead`.
pub const READ_ACTIONS: &[&str] = &["s3:GetObject*", "s3:GetBucket*", "s3:List*"];
/// Bucket actions of CDK's `grantWrite`.
pub const WRITE_ACTIONS: &[&str] = &[
    "s3:DeleteObject*",
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
    "s3:Abort*",
];
/// Key actions of CDK's bucket `grantRead`.
pub const KEY_READ_ACTIONS: &[&str] = &["kms:Decrypt", "kms:DescribeKey"];
/// Key actions of CDK's bucket `grantWrite` (`kms:Decrypt` is needed for multipart uploads).
pub const KEY_WRITE_ACTIONS: &[&str] = &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Decrypt"];

/// How objects are encrypted at rest.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum BucketEncryption {
    /// SSE-S3 (`AES256`), the default.
    #[default]
    S3Managed,
    /// SSE-KMS with a customer-managed key.
    Kms(Key),
}

/// Where a bucket's server access logs go.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ServerAccessLogs {
    /// No access logs (the default).
    #[default]
    Off,
    /// To a bucket of this stack, which gets a bucket-policy statement letting the S3 logging service
    /// (`logging.s3.amazonaws.com`) write under `prefix` for this bucket only (`aws:SourceArn`,
    /// `aws:SourceAccount`), as the S3 user guide's "Enabling Amazon S3 server access logging" describes.
    /// The target must use SSE-S3: S3 cannot deliver logs to an SSE-KMS bucket.
    ToBucket {
        /// The log bucket.
        bucket: Bucket,
        /// Key prefix of the log objects (e.g. `"backup/"`).
        prefix: Option<String>,
    },
    /// To a new bucket at `<id>/AccessLogs` (SSE-S3, public access blocked, TLS only, same removal
    /// policy), whose own logging and versioning findings are acknowledged: logging a log bucket would
    /// recurse, and log objects are written once under unique keys.
    NewBucket {
        /// Key prefix of the log objects.
        prefix: Option<String>,
    },
}

/// Settings of a [`Bucket`].
#[derive(Debug, Clone)]
pub struct BucketProps {
    /// Physical name (replacement on change).
    pub bucket_name: Option<String>,
    /// Default S3-managed.
    pub encryption: BucketEncryption,
    /// Keep object versions.
    pub versioned: bool,
    /// Turns versioning on and expires noncurrent versions after this many days (a lifecycle rule
    /// `ExpireNoncurrentVersions`): recoverable overwrites without paying for old versions forever.
    pub noncurrent_version_expiration_days: Option<u32>,
    /// Block all public access (all four settings); default true.
    pub block_public_access: bool,
    /// Deny requests without TLS in a bucket policy (child `Policy`, like CDK). Default **true**
    /// (CDK's default is false).
    pub enforce_ssl: bool,
    /// Server access logs; default off.
    pub server_access_logs: ServerAccessLogs,
    /// Default `Retain`.
    pub removal_policy: RemovalPolicy,
}

impl Default for BucketProps {
    fn default() -> Self {
        BucketProps {
            bucket_name: None,
            encryption: BucketEncryption::default(),
            versioned: false,
            noncurrent_version_expiration_days: None,
            block_public_access: true,
            enforce_ssl: true,
            server_access_logs: ServerAccessLogs::Off,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// An S3 bucket (`AWS::S3::Bucket` at `<id>/Resource`, a typed [`CfnBucket`]); with `enforce_ssl` (the
/// default) or any resource-policy statement, an `AWS::S3::BucketPolicy` ([`CfnBucketPolicy`]) at
/// `<id>/Policy/Resource`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    node: NodeRef,
    resource: Handle<CfnBucket>,
    key: Option<Key>,
}

impl Bucket {
    /// Creates the bucket.
    pub fn new(scope: &mut impl AsScope, id: &str, props: BucketProps) -> Result<Bucket, TreeError> {
        // A key of another stack is fine: its ARN is imported.
        let scope = scope.as_scope();
        if let ServerAccessLogs::ToBucket { bucket, .. } = &props.server_access_logs {
            check_same_stack(scope.stack_ref(), bucket.node(), "Bucket::new (server access log bucket)")?;
        }
        let mut scope = scope.child(id)?;
        let node = scope.node();
        let by_default = match props.encryption {
            BucketEncryption::S3Managed => ServerSideEncryptionByDefault::new(SSEAlgorithm::Aes256),
            BucketEncryption::Kms(key) => {
                ServerSideEncryptionByDefault::new(SSEAlgorithm::AwsKms).kms_master_key_id(key.key_arn())
            }
        };
        let mut cfn = CfnBucket::new().bucket_encryption(bucket::BucketEncryption::new(vec![
            ServerSideEncryptionRule::new().server_side_encryption_by_default(by_default),
        ]));
        if let Some(name) = props.bucket_name {
            cfn = cfn.bucket_name(name);
        }
        if let Some(days) = props.noncurrent_version_expiration_days {
            cfn = cfn.lifecycle_configuration(LifecycleConfiguration::new(vec![
                bucket::Rule::new(RuleStatus::Enabled)
                    .id("ExpireNoncurrentVersions")
                    .noncurrent_version_expiration(NoncurrentVersionExpiration::new(i64::from(days))),
            ]));
        }
        let (log_bucket, log_prefix) = match props.server_access_logs {
            ServerAccessLogs::Off => (None, None),
            ServerAccessLogs::ToBucket { bucket, prefix } => (Some(bucket), prefix),
            ServerAccessLogs::NewBucket { prefix } => {
                let logs = Bucket::new(
                    &mut scope,
                    "AccessLogs",
                    BucketProps { removal_policy: props.removal_policy, ..Default::default() },
                )?;
                let stack = scope.stack();
                stack.acknowledge_node(
                    logs.node(),
                    "RCDK-S3-ACCESS-LOGS",
                    "this bucket receives server access logs; logging it too would recurse",
                );
                stack.acknowledge_node(
                    logs.node(),
                    "RCDK-S3-VERSIONING",
                    "S3 writes each access log object once under a unique key; nothing is overwritten",
                );
                (Some(logs), prefix)
            }
        };
        if let Some(logs) = &log_bucket {
            let mut logging = LoggingConfiguration::new().destination_bucket_name(logs.bucket_name());
            if let Some(prefix) = &log_prefix {
                logging = logging.log_file_prefix(prefix.as_str());
            }
            cfn = cfn.logging_configuration(logging);
        }
        if props.block_public_access {
            cfn = cfn.public_access_block_configuration(
                PublicAccessBlockConfiguration::new()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            );
        }
        if props.versioned || props.noncurrent_version_expiration_days.is_some() {
            cfn = cfn.versioning_configuration(VersioningConfiguration::new(VersioningConfigurationStatus::Enabled));
        }
        let resource = scope.add_resource("Resource", cfn)?;
        scope.stack().resource_mut(resource)?.apply_removal_policy(props.removal_policy);
        let key = match props.encryption {
            BucketEncryption::Kms(key) => Some(key),
            BucketEncryption::S3Managed => None,
        };
        let bucket = Bucket { node, resource, key };
        if props.enforce_ssl {
            let deny = PolicyStatement::deny()
                .actions(["s3:*"])
                .condition("Bool", "aws:SecureTransport", "false")
                .principal(Principal::any())
                .resources([bucket.bucket_arn(), bucket.arn_for_objects("*")]);
            bucket.add_to_resource_policy(&mut scope, deny)?;
        }
        if let Some(logs) = log_bucket {
            let delivery = PolicyStatement::allow()
                .principal(Principal::service("logging.s3.amazonaws.com"))
                .actions(["s3:PutObject"])
                .resources([logs.arn_for_objects(&format!("{}*", log_prefix.unwrap_or_default()))])
                .condition("ArnLike", "aws:SourceArn", bucket.bucket_arn())
                .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId);
            logs.add_to_resource_policy(&mut scope, delivery)?;
        }
        Ok(bucket)
    }

    /// Appends a statement to the bucket policy (`<id>/Policy/Resource`), creating it on first use.
    pub fn add_to_resource_policy(
        &self,
        scope: &mut impl AsScope,
        statement: PolicyStatement,
    ) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Bucket::add_to_resource_policy")?;
        let stack = scope.stack();
        let existing = stack.find_child(self.node, "Policy").and_then(|p| stack.find_child(p, "Resource"));
        match existing {
            Some(node) => {
                let handle: Handle<CfnBucketPolicy> = Handle::new(node);
                let m = properties_mut(stack, handle, "Bucket::add_to_resource_policy")?;
                let doc = m.entry("PolicyDocument".to_string()).or_insert(Value::Null);
                append_statement(doc, statement.to_value());
            }
            None => {
                let mut policy = scope.enter(self.node)?.child("Policy")?;
                policy.add_resource(
                    "Resource",
                    CfnBucketPolicy::new(self.resource.ref_(), document_value(vec![statement.to_value()])),
                )?;
            }
        }
        Ok(())
    }

    /// The bucket's construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::S3::Bucket` resource (escape hatch): `attr_*` methods, and `stack.resource_mut(...)`
    /// for overrides and resource attributes.
    pub fn resource(&self) -> Handle<CfnBucket> {
        self.resource
    }

    /// `Fn::GetAtt Bucket.Arn`.
    pub fn bucket_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }

    /// `Ref Bucket` (the bucket name).
    pub fn bucket_name(&self) -> Value {
        self.resource.ref_()
    }

    /// `<bucket ARN>/<pattern>`, e.g. `arn_for_objects("*")`.
    pub fn arn_for_objects(&self, pattern: &str) -> Value {
        Value::join("", [self.bucket_arn(), Value::from(format!("/{pattern}"))])
    }

    fn grant(
        &self,
        scope: &mut impl AsScope,
        role: &Role,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, TreeError> {
        // The bucket (and its key) may be in another stack than the role: ARNs are imported.
        let mut scope = scope.as_scope();
        let statement = PolicyStatement::allow()
            .actions(actions.iter().copied())
            .resources([self.bucket_arn(), self.arn_for_objects("*")]);
        let grant = role.add_to_policy(&mut scope, statement)?;
        if let Some(key) = self.key {
            key.grant(&mut scope, role, key_actions)?;
        }
        Ok(grant)
    }

    /// Read objects (and decrypt with the bucket key).
    pub fn grant_read(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, READ_ACTIONS, KEY_READ_ACTIONS)
    }

    /// Write objects (and encrypt with the bucket key).
    pub fn grant_write(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, WRITE_ACTIONS, KEY_WRITE_ACTIONS)
    }

    /// Read and write objects.
    pub fn grant_read_write(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let actions: Vec<&str> = READ_ACTIONS.iter().chain(WRITE_ACTIONS).copied().collect();
        let key_actions: Vec<&str> = KEY_READ_ACTIONS.iter().chain(KEY_WRITE_ACTIONS).copied().collect();
        self.grant(scope, role, &actions, &key_actions)
    }
}
