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
use crate::iam::{
    Grant, GrantTarget, Grantee, PolicyStatement, Principal, Role, append_statement, check_same_stack, document_value,
    properties_mut,
};
use crate::kms::{Key, KeyProps};
use crate::l1::kinesis::stream::{self, EncryptionType, StreamModeDetails};
use crate::l1::kinesis::{CfnResourcePolicy, CfnStream, CfnStreamConsumer};

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

/// What a producer in another account needs on the stream, in the stream's resource policy and
/// in its own identity policy: the write actions and `DescribeStreamSummary` (Kinesis developer
/// guide, "Share access using resource-based policies",
/// docs.aws.amazon.com/streams/latest/dev/resource-based-policy-examples.html).
pub const PRODUCER_ACTIONS: &[&str] =
    &["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"];

/// Read actions for a consumer in another account (resource-level actions only: `ListStreams`
/// cannot be granted on one stream; "Controlling access to Amazon Kinesis Data Streams resources
/// using IAM", docs.aws.amazon.com/streams/latest/dev/controlling-access.html).
pub const CONSUMER_ACTIONS: &[&str] = &[
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// Key actions a producer needs: "Your Kinesis stream producers must have the kms:GenerateDataKey
/// permission" (docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
pub const PRODUCER_KEY_ACTIONS: &[&str] = &["kms:GenerateDataKey"];
/// Key actions a consumer needs: "Your Kinesis stream consumers must have the kms:Decrypt
/// permission" (same page).
pub const CONSUMER_KEY_ACTIONS: &[&str] = &["kms:Decrypt"];

/// The `kms:ViaService` value for Kinesis in the stack's region: `kinesis.${AWS::Region}.amazonaws.com`
/// (AWS KMS developer guide, "kms:ViaService", docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
pub fn kinesis_via_service() -> Value {
    Value::sub("kinesis.${AWS::Region}.amazonaws.com")
}

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
        grantee: &impl Grantee,
        actions: &[&str],
        key_actions: &[&str],
        foreign_actions: &[&str],
        foreign_key_actions: &[&str],
    ) -> Result<Grant, TreeError> {
        // The stream (and its key) may be in another stack than the role: ARNs are imported.
        let mut scope = scope.as_scope();
        match grantee.grant_target() {
            GrantTarget::Role(role) => {
                let statement =
                    PolicyStatement::allow().actions(actions.iter().copied()).resources([self.stream_arn()]);
                let grant = role.add_to_policy(&mut scope, statement)?;
                if let Some(key) = self.key {
                    key.grant(&mut scope, &role, key_actions)?;
                }
                Ok(grant)
            }
            GrantTarget::Principal(principal) => {
                self.grant_to_principal(&mut scope, principal, foreign_actions, foreign_key_actions)?;
                Ok(Grant::resource_only())
            }
        }
    }

    /// Cross-account access needs both sides of the resource: the stream's resource policy names the
    /// principal, and so does the key policy of a customer-managed key (a key policy is the only way
    /// to let another account use a key: AWS KMS developer guide, "Allowing users in other accounts
    /// to use a KMS key", docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html),
    /// limited to use through Kinesis in the stream's region with `kms:ViaService`.
    fn grant_to_principal(
        &self,
        scope: &mut impl AsScope,
        principal: Principal,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Result<(), TreeError> {
        let mut scope = scope.as_scope();
        let statement = PolicyStatement::allow()
            .principal(principal.clone())
            .actions(actions.iter().copied())
            .resources([self.stream_arn()]);
        self.add_to_resource_policy(&mut scope, statement)?;
        if let Some(key) = self.key {
            key.add_to_resource_policy(
                &mut scope,
                PolicyStatement::allow()
                    .principal(principal)
                    .actions(key_actions.iter().copied())
                    .resources(["*"])
                    .condition("StringEquals", "kms:ViaService", kinesis_via_service()),
            )?;
        }
        Ok(())
    }

    /// Read access. A role of this stack gets CDK's list and `kms:Decrypt` on the key; any other
    /// principal (e.g. `Principal::arn(...)` of a role in another account) gets
    /// [`CONSUMER_ACTIONS`] in the stream's resource policy and [`CONSUMER_KEY_ACTIONS`] through
    /// Kinesis in the key policy.
    pub fn grant_read(&self, scope: &mut impl AsScope, grantee: &impl Grantee) -> Result<Grant, TreeError> {
        self.grant(scope, grantee, READ_ACTIONS, crate::kms::DECRYPT_ACTIONS, CONSUMER_ACTIONS, CONSUMER_KEY_ACTIONS)
    }

    /// Write access. A role of this stack gets CDK's list and encrypt actions on the key; any
    /// other principal gets [`PRODUCER_ACTIONS`] in the stream's resource policy and
    /// `kms:GenerateDataKey` through Kinesis in the key policy (what producers in other accounts
    /// need; without it their writes fail).
    ///
    /// ```
    /// use rcdk::prelude::*;
    /// let mut stack = Stack::new("S", StackProps::default()).unwrap();
    /// let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
    /// let stream = Stream::new(&mut stack, "Stream",
    ///     StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() }).unwrap();
    /// let producer = Principal::arn("arn:aws:iam::111111111111:role/producer");
    /// let grant = stream.grant_write(&mut stack, &producer).unwrap();
    /// assert!(grant.policy_resource().is_none()); // written into the resource and key policies
    /// assert!(stack.find_child(stream.node(), "Policy").is_some());
    /// ```
    pub fn grant_write(&self, scope: &mut impl AsScope, grantee: &impl Grantee) -> Result<Grant, TreeError> {
        self.grant(scope, grantee, WRITE_ACTIONS, crate::kms::ENCRYPT_ACTIONS, PRODUCER_ACTIONS, PRODUCER_KEY_ACTIONS)
    }

    /// Read and write access, and encrypt/decrypt on the key when there is one.
    pub fn grant_read_write(&self, scope: &mut impl AsScope, grantee: &impl Grantee) -> Result<Grant, TreeError> {
        let mut actions = READ_ACTIONS.to_vec();
        actions.extend(["kinesis:PutRecord", "kinesis:PutRecords"]);
        let mut foreign: Vec<&str> = CONSUMER_ACTIONS.to_vec();
        foreign.extend(["kinesis:PutRecord", "kinesis:PutRecords"]);
        self.grant(
            scope,
            grantee,
            &actions,
            crate::kms::ENCRYPT_DECRYPT_ACTIONS,
            &foreign,
            &["kms:Decrypt", "kms:GenerateDataKey"],
        )
    }

    /// A reference to this stream for stacks of **other environments** (accounts or regions),
    /// where references are not possible: the stream ARN written out from its physical name and
    /// this stack's account and region. A stream without `stream_name` gets the name AWS CDK
    /// generates for cross-environment use ([`crate::core::ids::generated_physical_name`]), set on
    /// the resource now. Fails when the stack has no concrete account and region (no guessing).
    pub fn remote_ref(&self, stack: &mut crate::core::stack::Stack) -> Result<StreamRef, TreeError> {
        check_same_stack(stack, self.node, "Stream::remote_ref")?;
        let path = stack.path(self.resource.node());
        let logical_id = stack.logical_id(self.resource.node()).unwrap_or_else(|_| "-".into());
        let invalid = |property: &str, expected: &str, found: String| {
            TreeError::invalid_input(path.clone(), logical_id.clone(), property, expected, found)
        };
        let env = stack.props().env.clone();
        let (Some(account), Some(region)) = (env.account.clone(), env.region.clone()) else {
            return Err(invalid(
                "(stack environment)",
                "a stack with a concrete account and region (StackProps.env) to be used from another environment",
                format!("{env:?}"),
            ));
        };
        let name = match stack.resource(self.resource)?.properties().get("Name") {
            Some(Value::String(n)) => n.clone(),
            None => {
                let stream_path = stack.path(self.node);
                let components: Vec<&str> = stream_path.split('/').collect();
                let name = crate::core::ids::generated_physical_name(stack.name(), &components, &region, &account)
                    .map_err(|e| invalid("Name", "a construct path that yields a physical name", e.to_string()))?;
                stack.resource_mut(self.resource)?.properties_mut().insert("Name".into(), Value::from(name.as_str()));
                name
            }
            Some(other) => {
                return Err(invalid(
                    "Name",
                    "a literal stream name, so other environments can name the stream",
                    format!("{other:?}"),
                ));
            }
        };
        Ok(StreamRef { name, account, region, customer_managed_key: self.key.is_some() })
    }

    /// A metric of this stream (`AWS/Kinesis`, dimension `StreamName`; names and meanings:
    /// "Monitoring the Amazon Kinesis Data Streams service with Amazon CloudWatch",
    /// docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html).
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric(&self, name: &str, statistic: crate::cloudwatch::Statistic) -> crate::cloudwatch::Metric {
        crate::cloudwatch::Metric::new("AWS/Kinesis", name, ("StreamName", self.stream_name()), statistic)
    }

    /// `IncomingRecords` (Sum): records put successfully.
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_incoming_records(&self) -> crate::cloudwatch::Metric {
        self.metric("IncomingRecords", crate::cloudwatch::Statistic::Sum)
    }

    /// `IncomingBytes` (Sum): bytes put successfully.
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_incoming_bytes(&self) -> crate::cloudwatch::Metric {
        self.metric("IncomingBytes", crate::cloudwatch::Statistic::Sum)
    }

    /// `PutRecords.FailedRecords` (Sum): records rejected by `PutRecords` (throttling, internal errors).
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_put_records_failed_records(&self) -> crate::cloudwatch::Metric {
        self.metric("PutRecords.FailedRecords", crate::cloudwatch::Statistic::Sum)
    }

    /// `GetRecords.IteratorAgeMilliseconds` (Maximum): how far the slowest reader is behind.
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_iterator_age_max(&self) -> crate::cloudwatch::Metric {
        self.metric("GetRecords.IteratorAgeMilliseconds", crate::cloudwatch::Statistic::Maximum)
    }

    /// `ReadProvisionedThroughputExceeded` (Sum): throttled reads.
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_read_throughput_exceeded(&self) -> crate::cloudwatch::Metric {
        self.metric("ReadProvisionedThroughputExceeded", crate::cloudwatch::Statistic::Sum)
    }

    /// `WriteProvisionedThroughputExceeded` (Sum): throttled writes.
    #[cfg(all(feature = "cloudwatch", feature = "sns"))]
    pub fn metric_write_throughput_exceeded(&self) -> crate::cloudwatch::Metric {
        self.metric("WriteProvisionedThroughputExceeded", crate::cloudwatch::Statistic::Sum)
    }

    /// Registers an enhanced fan-out consumer (`AWS::Kinesis::StreamConsumer` at `<stream>/<id>`,
    /// named after the construct id): a dedicated 2 MB/s per shard read pipe for one application.
    pub fn add_consumer(&self, scope: &mut impl AsScope, id: &str) -> Result<StreamConsumer, TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.node, "Stream::add_consumer")?;
        let mut stream_scope = scope.as_scope().enter(self.node)?;
        let resource = stream_scope.add_resource(id, CfnStreamConsumer::new(id, self.stream_arn()))?;
        Ok(StreamConsumer { stream: *self, resource })
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

/// An enhanced fan-out consumer of a [`Stream`] (see [`Stream::add_consumer`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamConsumer {
    stream: Stream,
    resource: Handle<CfnStreamConsumer>,
}

/// What an enhanced fan-out reader needs: `SubscribeToShard` and `DescribeStreamConsumer` on the
/// consumer, and `DescribeStreamSummary`/`ListShards` on the stream to find shards ("Develop
/// enhanced fan-out consumers with the Kinesis Data Streams API",
/// docs.aws.amazon.com/streams/latest/dev/building-enhanced-consumers-api.html).
pub const CONSUMER_SUBSCRIBE_ACTIONS: &[&str] = &["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"];

impl StreamConsumer {
    /// The `AWS::Kinesis::StreamConsumer` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnStreamConsumer> {
        self.resource
    }

    /// `Fn::GetAtt Consumer.ConsumerARN`.
    pub fn consumer_arn(&self) -> Value {
        self.resource.attr_consumer_arn().into()
    }

    /// Lets `role` read through this consumer: [`CONSUMER_SUBSCRIBE_ACTIONS`] on the consumer,
    /// `DescribeStreamSummary` and `ListShards` on the stream, and `kms:Decrypt` on the stream's
    /// customer-managed key (consumers need it: permissions-user-key-KMS.html).
    pub fn grant_read(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        check_same_stack(scope.stack_ref(), self.resource.node(), "StreamConsumer::grant_read")?;
        let grant = role.add_to_policy(
            &mut scope,
            PolicyStatement::allow()
                .actions(CONSUMER_SUBSCRIBE_ACTIONS.iter().copied())
                .resources([self.consumer_arn()]),
        )?;
        role.add_to_policy(
            &mut scope,
            PolicyStatement::allow()
                .actions(["kinesis:DescribeStreamSummary", "kinesis:ListShards"])
                .resources([self.stream.stream_arn()]),
        )?;
        if let Some(key) = self.stream.key {
            key.grant(&mut scope, role, CONSUMER_KEY_ACTIONS)?;
        }
        Ok(grant)
    }
}

/// A stream of another environment, named by literal values (see [`Stream::remote_ref`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRef {
    /// Stream name.
    pub name: String,
    /// Account of the stream.
    pub account: String,
    /// Region of the stream.
    pub region: String,
    /// The stream is encrypted with a customer-managed key (producers need `kms:GenerateDataKey`).
    pub customer_managed_key: bool,
}

impl StreamRef {
    /// `arn:${AWS::Partition}:kinesis:<region>:<account>:stream/<name>`.
    pub fn stream_arn(&self) -> Value {
        Value::sub(format!(
            "arn:${{AWS::Partition}}:kinesis:{}:{}:stream/{}",
            self.region,
            self.account,
            self.name.replace("${", "${!")
        ))
    }

    /// Gives a role of the producer's stack what a producer needs in its own account: the
    /// [`PRODUCER_ACTIONS`] on the stream, and, for a customer-managed key, `kms:GenerateDataKey`
    /// on keys of the stream's account used through Kinesis in the stream's region (the key's id is
    /// not known outside its stack; the key policy names this role, so only that key is usable).
    pub fn grant_write(&self, scope: &mut impl AsScope, role: &Role) -> Result<Grant, TreeError> {
        let mut scope = scope.as_scope();
        let grant = role.add_to_policy(
            &mut scope,
            PolicyStatement::allow().actions(PRODUCER_ACTIONS.iter().copied()).resources([self.stream_arn()]),
        )?;
        if self.customer_managed_key {
            role.add_to_policy(
                &mut scope,
                PolicyStatement::allow()
                    .actions(PRODUCER_KEY_ACTIONS.iter().copied())
                    .resources([Value::sub(format!(
                        "arn:${{AWS::Partition}}:kms:{}:{}:key/*",
                        self.region, self.account
                    ))])
                    .condition("StringEquals", "kms:ViaService", format!("kinesis.{}.amazonaws.com", self.region)),
            )?;
        }
        Ok(grant)
    }
}
