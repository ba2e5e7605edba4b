//! Amazon Kinesis Data Streams.
//!
//! ```
//! use rcdk::prelude::*;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
//! let stream =
//!     Stream::new(&mut stack, "Stream", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() })
//!         .unwrap();
//! assert_eq!(stack.logical_id(stream.resource().node()).unwrap(), "Stream790BDEE4");
//! // The escape hatch is the typed L1 handle (`Handle<CfnStream>`).
//! let arn: Value = stream.resource().attr_arn().into();
//! assert_eq!(arn, stream.stream_arn());
//! ```

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::Value;
use crate::iam::{Grant, PolicyStatement, Role, append_statement, check_same_stack, document_value, properties_mut};
use crate::kms::{Key, KeyProps};
use crate::l1::kinesis::stream::{self, EncryptionType, StreamModeDetails};
use crate::l1::kinesis::{CfnResourcePolicy, CfnStream};

/// Stream actions of CDK's `grantRead`.
pub const READ_ACTIONS: &[&str] = &[
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
    "kinesis:DescribeStream",
    "kinesis:ListStreams",
    "kinesis:DescribeStreamConsumer",
];
/// Stream actions of CDK's `grantWrite`.
pub const WRITE_ACTIONS: &[&str] = &["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"];

/// How a stream is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum StreamEncryption {
    /// With a customer-managed key (`KeyId` = the key's ARN, like CDK).
    Kms(Key),
    /// With a new customer-managed key created for the stream, at `<stream id>/Key` (like CDK's
    /// `StreamEncryption.KMS` without a key); `Stream::encryption_key()` returns it.
    NewKey,
    /// With the AWS-managed key `alias/aws/kinesis` (the default; no China-region condition).
    #[default]
    AwsManaged,
    /// Not encrypted.
    Unencrypted,
}

/// Capacity mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamMode {
    /// A fixed number of shards.
    Provisioned {
        /// Shards (≥ 1).
        shard_count: u32,
    },
    /// Capacity follows traffic.
    OnDemand,
}

impl Default for StreamMode {
    fn default() -> Self {
        StreamMode::Provisioned { shard_count: 1 }
    }
}

/// Settings of a [`Stream`].
#[derive(Debug, Clone)]
pub struct StreamProps {
    /// Physical name (replacement on change).
    pub stream_name: Option<String>,
    /// Encryption; default AWS-managed key.
    pub encryption: StreamEncryption,
    /// Capacity mode; default provisioned with one shard.
    pub mode: StreamMode,
    /// Retention (1–8760 hours); default 24.
    pub retention_period_hours: u32,
    /// Default `Retain`.
    pub removal_policy: RemovalPolicy,
}

impl Default for StreamProps {
    fn default() -> Self {
        StreamProps {
            stream_name: None,
            encryption: StreamEncryption::default(),
            mode: StreamMode::default(),
            retention_period_hours: 24,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A Kinesis data stream (`AWS::Kinesis::Stream` at `<id>/Resource`, a typed [`CfnStream`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stream {
    node: NodeRef,
    resource: Handle<CfnStream>,
    key: Option<Key>,
}

impl Stream {
    /// Creates the stream.
    pub fn new(scope: &mut impl AsScope, id: &str, props: StreamProps) -> Result<Stream, TreeError> {
        // A key of another stack is fine: its ARN is imported.
        let scope = scope.as_scope();
        let mut scope = scope.child(id)?;
        let node = scope.node();
        let key = match props.encryption {
            StreamEncryption::Kms(key) => Some(key),
            StreamEncryption::NewKey => {
                let description = format!("Created by {}", scope.path());
                Some(Key::new(&mut scope, "Key", KeyProps { description: Some(description), ..Default::default() })?)
            }
            StreamEncryption::AwsManaged | StreamEncryption::Unencrypted => None,
        };
        let mut cfn = CfnStream::new();
        if let Some(name) = props.stream_name {
            cfn = cfn.name(name);
        }
        cfn = cfn.retention_period_hours(props.retention_period_hours);
        if let StreamMode::Provisioned { shard_count } = props.mode {
            cfn = cfn.shard_count(shard_count);
        }
        let key_id = match (props.encryption, key) {
            (_, Some(key)) => Some(key.key_arn()),
            (StreamEncryption::AwsManaged, None) => Some(Value::from("alias/aws/kinesis")),
            _ => None,
        };
        if let Some(key_id) = key_id {
            cfn = cfn.stream_encryption(stream::StreamEncryption::new(EncryptionType::Kms, key_id));
        }
        let mode = match props.mode {
            StreamMode::Provisioned { .. } => stream::StreamMode::Provisioned,
            StreamMode::OnDemand => stream::StreamMode::OnDemand,
        };
        cfn = cfn.stream_mode_details(StreamModeDetails::new(mode));
        let resource = scope.add_resource("Resource", cfn)?;
        scope.stack().resource_mut(resource)?.apply_removal_policy(props.removal_policy);
        Ok(Stream { node, resource, key })
    }

    /// The stream's construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::Kinesis::Stream` resource (escape hatch): `attr_*` methods, and
    /// `stack.resource_mut(...)` for overrides and resource attributes.
    pub fn resource(&self) -> Handle<CfnStream> {
        self.resource
    }

    /// The customer-managed key, if any.
    pub fn encryption_key(&self) -> Option<Key> {
        self.key
    }

    /// `Fn::GetAtt Stream.Arn`.
    pub fn stream_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }

    /// `Ref Stream` (the stream name).
    pub fn stream_name(&self) -> Value {
        self.resource.ref_()
    }

    fn grant(
        &self,
        scope: &mut impl AsScope,
        role: &Role,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, TreeError> {
        // The stream (and its key) may be in another stack than the role: ARNs are imported.
        let mut scope = scope.as_scope();
        let statement = PolicyStatement::allow().actions(actions.iter().copied()).resources([self.stream_arn()]);
        let grant = role.add_to_policy(&mut scope, statement)?;
        if let Some(key) = self.key {
            key.grant(&mut scope, role, key_actions)?;
        }
        Ok(grant)
    }

    /// Read access (CDK's list), and `kms:Decrypt` on the key when there is one.
    pub fn grant_read(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, READ_ACTIONS, crate::kms::DECRYPT_ACTIONS)
    }

    /// Write access (CDK's list), and encrypt actions on the key when there is one.
    pub fn grant_write(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        self.grant(scope, role, WRITE_ACTIONS, crate::kms::ENCRYPT_ACTIONS)
    }

    /// Read and write access, and encrypt/decrypt on the key when there is one.
    pub fn grant_read_write(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let mut actions = READ_ACTIONS.to_vec();
        actions.extend(["kinesis:PutRecord", "kinesis:PutRecords"]);
        self.grant(scope, role, &actions, crate::kms::ENCRYPT_DECRYPT_ACTIONS)
    }

    /// Adds a statement to the stream's resource policy: a native `AWS::Kinesis::ResourcePolicy`
    /// (child `Policy`, resource `Policy/Resource`), created on first use. This is what cross-account
    /// producers need (the article's custom resource is no longer necessary).
    pub fn add_to_resource_policy(
        &self,
        scope: &mut impl AsScope,
        statement: PolicyStatement,
    ) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Stream::add_to_resource_policy")?;
        let existing = scope
            .stack_ref()
            .find_child(self.node, "Policy")
            .and_then(|p| scope.stack_ref().find_child(p, "Resource"))
            .map(Handle::<CfnResourcePolicy>::new);
        let handle = match existing {
            Some(h) => h,
            None => {
                let mut policy = scope.as_scope().enter(self.node)?.child("Policy")?;
                policy.add_resource(
                    "Resource",
                    CfnResourcePolicy::new(self.resource.attr_arn(), document_value(Vec::new())),
                )?
            }
        };
        let m = properties_mut(scope.stack(), handle, "Stream::add_to_resource_policy")?;
        let doc = m.entry("ResourcePolicy".to_string()).or_insert(Value::Null);
        append_statement(doc, statement.to_value());
        Ok(())
    }
}
