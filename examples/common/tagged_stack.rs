//! A stack of mixed resource types tagged with `Tags::of`: list-shaped tags (SQS queue, SNS
//! topic), map-shaped tags (SSM parameter), an untaggable type (SQS queue policy), tags set on
//! the stack and on a nested scope, a removal, resource-type filters and a priority.

use rcdk::prelude::*;
use rcdk::tags::{TagProps, Tags};

/// Builds the tagged stack.
pub fn tagged_stack() -> Result<Stack, rcdk::Error> {
    let mut stack = Stack::new("TaggedStack", StackProps::default())?;
    // Stack-level tags: every taggable resource of the stack.
    Tags::of(&mut stack).add("project", "pipeline")?.add("team", "platform")?.add("cost-center", "42")?.add_with(
        "backup",
        "daily",
        TagProps::default().exclude_resource_types(["AWS::SNS::Topic"]),
    )?;

    // Encrypted at rest with the AWS-managed SNS key (only SNS itself publishes to the queue).
    let topic_props = Map::from_iter([("KmsMasterKeyId".to_string(), Value::from("alias/aws/sns"))]);
    let topic = stack.add_raw_resource("Alerts", "AWS::SNS::Topic", topic_props)?;
    stack.as_scope().enter(topic.node())?.acknowledge(
        "RCDK-SNS-TLS",
        "a stack that shows tagging: the topic has no publisher, so no message crosses the network to it",
    )?;
    let mut data = stack.as_scope().child("Data")?;
    // A tag the queue sets itself wins over the stack's "team" (same priority).
    let queue_props = Map::from_iter([
        ("QueueName".to_string(), Value::from("events")),
        // Encrypted at rest with SQS-managed keys (SSE-SQS).
        ("SqsManagedSseEnabled".to_string(), Value::from(true)),
        (
            "Tags".to_string(),
            Value::list([Value::map([("Key", Value::from("team")), ("Value", Value::from("queue-owners"))])]),
        ),
    ]);
    let queue = data.add_raw_resource("Queue", "AWS::SQS::Queue", queue_props)?;
    data.as_scope().enter(queue.node())?.acknowledge(
        "CKV_AWS_27",
        "the queue is encrypted with SQS-managed keys (SqsManagedSseEnabled); checkov only recognises KmsMasterKeyId",
    )?;
    let policy = Value::map([
        ("Version", Value::from("2012-10-17")),
        (
            "Statement",
            Value::list([Value::map([
                ("Effect", Value::from("Allow")),
                ("Principal", Value::map([("Service", Value::from("sns.amazonaws.com"))])),
                ("Action", Value::from("sqs:SendMessage")),
                ("Resource", queue.get_att("Arn")),
                ("Condition", Value::map([("ArnEquals", Value::map([("aws:SourceArn", topic.ref_())]))])),
            ])]),
        ),
    ]);
    let queue_policy =
        Map::from_iter([("Queues".to_string(), Value::list([queue.ref_()])), ("PolicyDocument".to_string(), policy)]);
    // Untaggable: left alone.
    data.add_raw_resource("QueuePolicy", "AWS::SQS::QueuePolicy", queue_policy)?;
    let parameter_props = Map::from_iter([
        ("Type".to_string(), Value::from("String")),
        ("Value".to_string(), queue.get_att("QueueName")),
        ("Tags".to_string(), Value::map([("owner", Value::from("data-team"))])),
    ]);
    data.add_raw_resource("QueueName", "AWS::SSM::Parameter", parameter_props)?;
    Tags::of(&mut data)
        .add("tier", "data")?
        .remove("cost-center")?
        // Priority 150 beats the parameter's own "owner" (100).
        .add_with(
            "owner",
            "platform",
            TagProps::default().priority(150).include_resource_types(["AWS::SSM::Parameter"]),
        )?;
    Ok(stack)
}
