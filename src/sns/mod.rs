//! Amazon SNS topics for alarm notifications.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::sns::{Topic, TopicProps};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let email = stack.add_parameter("AlarmEmail", Parameter::string()).unwrap();
//! let topic = Topic::new(&mut stack, "Alarms", TopicProps {
//!     email_subscriptions: vec![email.value()],
//!     ..Default::default()
//! }).unwrap();
//! assert_eq!(stack.logical_id(topic.resource().node()).unwrap(), "Alarms04B5A0BF");
//! ```

use crate::core::element::Handle;
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Pseudo, Value};
use crate::iam::{PolicyDocument, PolicyStatement, Principal, check_same_stack};
use crate::kms::Key;
use crate::l1::sns::{CfnTopic, CfnTopicPolicy, topic};

/// Settings of a [`Topic`].
#[derive(Debug, Clone)]
pub struct TopicProps {
    /// Display name.
    pub display_name: Option<String>,
    /// E-mail addresses subscribed to the topic (each must confirm the subscription by e-mail).
    pub email_subscriptions: Vec<Value>,
    /// Encrypt messages with this key (the key policy must let CloudWatch use it:
    /// `kms:Decrypt` and `kms:GenerateDataKey*` for `cloudwatch.amazonaws.com`, added here).
    pub master_key: Option<Key>,
    /// Let CloudWatch alarms of this account publish (a statement of the topic policy; default true).
    pub allow_cloudwatch_alarms: bool,
}

impl Default for TopicProps {
    fn default() -> Self {
        TopicProps {
            display_name: None,
            email_subscriptions: Vec::new(),
            master_key: None,
            allow_cloudwatch_alarms: true,
        }
    }
}

/// An SNS topic (`AWS::SNS::Topic` at `<id>/Resource`) with its subscriptions and a topic policy
/// (`<id>/Policy`) that denies publishing without TLS and, by default, lets CloudWatch alarms of this
/// account publish. Without a `master_key`, an alarm topic acknowledges `RCDK-SNS-ENCRYPTION`
/// (docs/security.md explains why that is safe for alarm notifications).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Topic {
    node: NodeRef,
    resource: Handle<CfnTopic>,
}

impl Topic {
    /// Creates the topic.
    pub fn new(scope: &mut impl AsScope, id: &str, props: TopicProps) -> Result<Topic, TreeError> {
        let scope = scope.as_scope();
        if let Some(k) = props.master_key {
            check_same_stack(scope.stack_ref(), k.node(), "Topic::new (master key)")?;
        }
        let mut scope = scope.child(id)?;
        let node = scope.node();
        let mut cfn = CfnTopic::new();
        if let Some(d) = props.display_name {
            cfn = cfn.display_name(d);
        }
        if let Some(k) = props.master_key {
            cfn = cfn.kms_master_key_id(k.key_arn());
        }
        if !props.email_subscriptions.is_empty() {
            cfn = cfn.subscription(
                props.email_subscriptions.into_iter().map(|e| topic::Subscription::new(e, "email")).collect::<Vec<_>>(),
            );
        }
        let resource = scope.add_resource("Resource", cfn)?;
        let t = Topic { node, resource };
        let mut statements = Vec::new();
        if props.allow_cloudwatch_alarms {
            // CloudWatch publishes to the topic as the service principal; scoped to this account's
            // alarms ("Using Amazon CloudWatch alarms" → "Amazon SNS topic policy", and the
            // confused-deputy guidance, docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
            let source_arn = Value::sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*");
            statements.push(
                PolicyStatement::allow()
                    .sid("AllowCloudWatchAlarmsToPublish")
                    .principal(Principal::service("cloudwatch.amazonaws.com"))
                    .actions(["sns:Publish"])
                    .resources([t.topic_arn()])
                    .condition("ArnLike", "aws:SourceArn", source_arn)
                    .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId),
            );
        }
        // Secure by default: publishing over plain HTTP is refused ("Amazon SNS security best
        // practices" → "Enforce encryption of data in transit", aws:SecureTransport,
        // docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html). AWS services such as
        // CloudWatch publish over TLS, so the Deny never blocks them.
        statements.push(
            PolicyStatement::deny()
                .sid("DenyPublishWithoutTls")
                .principal(Principal::any())
                .actions(["sns:Publish"])
                .resources([t.topic_arn()])
                .condition("Bool", "aws:SecureTransport", "false"),
        );
        let mut document = PolicyDocument::new();
        for s in statements {
            document = document.statement(s);
        }
        let mut policy = scope.as_scope().child("Policy")?;
        policy.add_resource("Resource", CfnTopicPolicy::new(document.to_value(), vec![t.topic_arn()]))?;
        if props.master_key.is_none() && props.allow_cloudwatch_alarms {
            // An alarm topic: see docs/security.md ("RCDK-SNS-ENCRYPTION").
            scope.stack().acknowledge_node(
                resource.node(),
                "RCDK-SNS-ENCRYPTION",
                "alarm topic: notifications carry the alarm name, state and reason, no record data; the AWS \
                 managed key alias/aws/sns would stop CloudWatch from publishing (its policy cannot grant \
                 cloudwatch.amazonaws.com); set TopicProps::master_key for a customer-managed key",
            );
        }
        if let Some(k) = props.master_key {
            // "Encrypting Amazon SNS topics used by CloudWatch alarms": CloudWatch needs the key.
            k.add_to_resource_policy(
                &mut scope,
                PolicyStatement::allow()
                    .sid("AllowCloudWatchAlarmsToUseTheTopicKey")
                    .principal(Principal::service("cloudwatch.amazonaws.com"))
                    .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
                    .resources(["*"])
                    .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId),
            )?;
        }
        Ok(t)
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::SNS::Topic` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnTopic> {
        self.resource
    }

    /// `Ref Topic` (the topic ARN).
    pub fn topic_arn(&self) -> Value {
        self.resource.ref_()
    }
}
