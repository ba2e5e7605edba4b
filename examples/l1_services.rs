//! Generated L1 types of services beyond the article's: an EC2 VPC with a subnet and a security group, an SQS
//! queue with a dead-letter queue (redrive policy), a DynamoDB table, and an EventBridge rule that sends EC2
//! events to the queue. Every tag is the one shared [`Tag`] type.
//!
//! `cargo run --example l1_services --features rcdk-examples/l1-services` writes `cdk.out/L1ServicesStack.template.json` (CI runs cfn-lint on it);
//! `-- --format both` adds the YAML, `-- --out DIR` picks the folder.

use std::process::ExitCode;

use rcdk::l1::Tag;
use rcdk::prelude::*;
// Services outside rcdk's own L1 modules are crates of their own; a resource's GetAtt methods come with its
// `…Attributes` trait.
use rcdk_dynamodb::{CfnTable, CfnTableAttributes, table};
use rcdk_ec2::{
    CfnSecurityGroup, CfnSecurityGroupAttributes, CfnSubnet, CfnSubnetAttributes, CfnVPC, CfnVPCAttributes,
    security_group,
};
use rcdk_events::{CfnRule, CfnRuleAttributes, rule};
use rcdk_sqs::{CfnQueue, CfnQueueAttributes, CfnQueuePolicy};

/// The sample stack (also synthesized and checked by tests/l1_services.rs).
pub fn l1_services_stack() -> Result<Stack, rcdk::Error> {
    let mut stack = Stack::new("L1ServicesStack", StackProps::default())?;
    let tags = || vec![Tag::new("project", "rcdk-sample"), Tag::new("owner", Value::Pseudo(Pseudo::StackName))];

    // EC2: VPC, one subnet in the region's first AZ, a security group allowing HTTPS from inside the VPC.
    let vpc = stack.add_resource(
        "Vpc",
        CfnVPC::new().cidr_block("10.0.0.0/16").enable_dns_hostnames(true).enable_dns_support(true).tags(tags()),
    )?;
    let subnet = stack.add_resource(
        "Subnet",
        CfnSubnet::new(vpc.attr_vpc_id())
            .cidr_block("10.0.0.0/24")
            .availability_zone(Value::select(0, Value::get_azs("")))
            .map_public_ip_on_launch(false)
            .tags(tags()),
    )?;
    let https = security_group::Ingress::new("tcp")
        .from_port(443)
        .to_port(443)
        .cidr_ip("10.0.0.0/16")
        .description("HTTPS from inside the VPC");
    let group = stack.add_resource(
        "SecurityGroup",
        CfnSecurityGroup::new("HTTPS from inside the VPC")
            .vpc_id(vpc.attr_vpc_id())
            .security_group_ingress(vec![https])
            .tags(tags()),
    )?;

    // SQS: a queue whose failed messages go to a dead-letter queue after 5 receives.
    // Both encrypted at rest with SQS-managed keys (SSE-SQS).
    let dlq = stack.add_resource(
        "DeadLetterQueue",
        CfnQueue::new().message_retention_period(1_209_600).sqs_managed_sse_enabled(true).tags(tags()),
    )?;
    let redrive = Value::map([("deadLetterTargetArn", Value::from(dlq.attr_arn())), ("maxReceiveCount", 5.into())]);
    let queue = stack.add_resource(
        "Queue",
        CfnQueue::new().redrive_policy(redrive).visibility_timeout(60).sqs_managed_sse_enabled(true).tags(tags()),
    )?;
    // checkov's CKV_AWS_27 looks only for KmsMasterKeyId. The AWS managed key alias/aws/sqs would
    // stop EventBridge from sending to the queue (its key policy cannot be changed to allow
    // events.amazonaws.com); SSE-SQS encrypts at rest without that problem.
    for q in [dlq.node(), queue.node()] {
        stack.as_scope().enter(q)?.acknowledge(
            "CKV_AWS_27",
            "encrypted at rest with SSE-SQS (SqsManagedSseEnabled); alias/aws/sqs would stop EventBridge from sending",
        )?;
    }

    // DynamoDB: on-demand table with a partition and a sort key.
    let table = stack.add_resource(
        "Table",
        CfnTable::new(Value::from(vec![table::KeySchema::new("pk", "HASH"), table::KeySchema::new("sk", "RANGE")]))
            .attribute_definitions(vec![
                table::AttributeDefinition::new("pk", table::AttributeType::S),
                table::AttributeDefinition::new("sk", table::AttributeType::S),
            ])
            .billing_mode(table::BillingMode::PayPerRequest)
            .point_in_time_recovery_specification(
                table::PointInTimeRecoverySpecification::new().point_in_time_recovery_enabled(true),
            )
            .tags(tags()),
    )?;
    // DynamoDB encrypts every table at rest (an AWS owned key by default); checkov's CKV_AWS_119 asks
    // for a customer-managed key, which adds key-policy control this sample table does not need.
    stack.as_scope().enter(table.node())?.acknowledge(
        "CKV_AWS_119",
        "sample table encrypted at rest with DynamoDB's default AWS owned key; a customer-managed key would add \
         key-policy control and cost it does not need",
    )?;

    // EventBridge: EC2 instance state changes go to the queue; the queue policy lets EventBridge send.
    let events = stack.add_resource(
        "InstanceStateRule",
        CfnRule::new()
            .description("EC2 instance state changes to SQS")
            .event_pattern(Value::map([
                ("source", Value::list(["aws.ec2"])),
                ("detail-type", Value::list(["EC2 Instance State-change Notification"])),
            ]))
            .state(rule::State::Enabled)
            .targets(vec![rule::Target::new(queue.attr_arn(), "Queue")]),
    )?;
    let statement = Value::map([
        ("Effect", Value::from("Allow")),
        ("Principal", Value::map([("Service", "events.amazonaws.com")])),
        ("Action", Value::from("sqs:SendMessage")),
        ("Resource", Value::from(queue.attr_arn())),
        ("Condition", Value::map([("ArnEquals", Value::map([("aws:SourceArn", Value::from(events.attr_arn()))]))])),
    ]);
    stack.add_resource(
        "QueuePolicy",
        CfnQueuePolicy::new(
            Value::map([("Version", Value::from("2012-10-17")), ("Statement", Value::list([statement]))]),
            vec![queue.ref_()],
        ),
    )?;

    stack.add_output("SubnetId", Output::new(subnet.attr_subnet_id()))?;
    stack.add_output("SecurityGroupId", Output::new(group.attr_group_id()))?;
    stack.add_output("QueueUrl", Output::new(queue.attr_queue_url()))?;
    stack.add_output("DeadLetterQueueArn", Output::new(dlq.attr_arn()))?;
    stack.add_output("TableArn", Output::new(table.attr_arn()))?;
    stack.add_output("RuleArn", Output::new(events.attr_arn()))?;
    Ok(stack)
}

#[allow(dead_code, reason = "the test includes this file for `l1_services_stack` only")]
fn main() -> ExitCode {
    let mut app = App::new();
    if let Err(e) = l1_services_stack().and_then(|stack| Ok(app.add_stack(stack)?)) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    app.run()
}
