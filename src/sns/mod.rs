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
    /// Let CloudWatch alarms of this account publish (a topic policy; default true).
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

/// An SNS topic (`AWS::SNS::Topic` at `<id>/Resource`) with its subscriptions and, by default, a
/// topic policy (`<id>/Policy`) letting CloudWatch alarms of this account publish.
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
        let source_arn = Value::sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*");
        if props.allow_cloudwatch_alarms {
            // CloudWatch publishes to the topic as the service principal; scoped to this account's
            // alarms ("Using Amazon CloudWatch alarms" → "Amazon SNS topic policy", and the
            // confused-deputy guidance, docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
            let statement = PolicyStatement::allow()
                .sid("AllowCloudWatchAlarmsToPublish")
                .principal(Principal::service("cloudwatch.amazonaws.com"))
                .actions(["sns:Publish"])
                .resources([t.topic_arn()])
                .condition("ArnLike", "aws:SourceArn", source_arn.clone())
                .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId);
            let mut policy = scope.as_scope().child("Policy")?;
            policy.add_resource(
                "Resource",
                CfnTopicPolicy::new(PolicyDocument::new().statement(statement).to_value(), vec![t.topic_arn()]),
            )?;
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
