//! Generated L1 types of services that are crates of their own (EC2, SQS, DynamoDB, EventBridge) compile and
//! synthesize: the sample stack of `examples/l1_services.rs` (which CI also runs through cfn-lint). The
//! service crates are dev-dependencies in Cargo.toml, so `cargo test --workspace` runs this.
//! Expectations are written from the CloudFormation schemas, not copied from the output.

#[path = "../examples/l1_services.rs"]
mod sample;

use rcdk::core::element::CfnResource;
use rcdk::core::value::Value;
use rcdk::l1::Tag;
use rcdk::prelude::*;
use rcdk_dynamodb as dynamodb;
use rcdk_ec2 as ec2;
use rcdk_events as events;
use rcdk_sqs as sqs;
use serde_json::json;

fn template() -> serde_json::Value {
    let mut app = App::new();
    app.add_stack(sample::l1_services_stack().expect("the sample stack builds")).unwrap();
    app.assemble().expect("the sample stack synthesizes").stacks[0].template().clone()
}

#[test]
fn sample_stack_has_each_resource_with_its_schema_type_name() {
    let t = template();
    let types: Vec<(&str, &str)> =
        t["Resources"].as_object().unwrap().iter().map(|(id, r)| (id.as_str(), r["Type"].as_str().unwrap())).collect();
    let expected = [
        ("Vpc", ec2::CfnVPC::TYPE_NAME),
        ("Subnet", ec2::CfnSubnet::TYPE_NAME),
        ("SecurityGroup", ec2::CfnSecurityGroup::TYPE_NAME),
        ("DeadLetterQueue", sqs::CfnQueue::TYPE_NAME),
        ("Queue", sqs::CfnQueue::TYPE_NAME),
        ("Table", dynamodb::CfnTable::TYPE_NAME),
        ("InstanceStateRule", events::CfnRule::TYPE_NAME),
        ("QueuePolicy", sqs::CfnQueuePolicy::TYPE_NAME),
    ];
    assert_eq!(types, expected);
    assert_eq!(
        expected.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
        [
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::SecurityGroup",
            "AWS::SQS::Queue",
            "AWS::SQS::Queue",
            "AWS::DynamoDB::Table",
            "AWS::Events::Rule",
            "AWS::SQS::QueuePolicy"
        ]
    );
}

#[test]
fn redrive_policy_points_at_the_dead_letter_queue_arn() {
    let t = template();
    assert_eq!(
        t["Resources"]["Queue"]["Properties"]["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}, "maxReceiveCount": 5})
    );
    assert_eq!(t["Resources"]["Queue"]["Properties"]["VisibilityTimeout"], json!(60));
}

#[test]
fn ec2_references_are_get_atts_of_the_vpc() {
    let t = template();
    let r = &t["Resources"];
    assert_eq!(r["Subnet"]["Properties"]["VpcId"], json!({"Fn::GetAtt": ["Vpc", "VpcId"]}));
    assert_eq!(r["SecurityGroup"]["Properties"]["VpcId"], json!({"Fn::GetAtt": ["Vpc", "VpcId"]}));
    assert_eq!(r["Subnet"]["Properties"]["AvailabilityZone"], json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
    assert_eq!(
        r["SecurityGroup"]["Properties"]["SecurityGroupIngress"],
        json!([{"CidrIp": "10.0.0.0/16", "Description": "HTTPS from inside the VPC", "FromPort": 443,
                "IpProtocol": "tcp", "ToPort": 443}])
    );
}

#[test]
fn dynamodb_and_eventbridge_enums_render_their_cloudformation_spelling() {
    let t = template();
    let table = &t["Resources"]["Table"]["Properties"];
    assert_eq!(table["BillingMode"], json!("PAY_PER_REQUEST"));
    assert_eq!(
        table["KeySchema"],
        json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    );
    let rule = &t["Resources"]["InstanceStateRule"]["Properties"];
    assert_eq!(rule["State"], json!("ENABLED"));
    assert_eq!(rule["Targets"], json!([{"Arn": {"Fn::GetAtt": ["Queue", "Arn"]}, "Id": "Queue"}]));
}

#[test]
fn every_get_att_of_the_sample_is_accepted_by_synthesis() {
    // Synthesis validates GetAtt attributes against the schema data; the sample's must all pass.
    let t = template();
    let mut found = Vec::new();
    collect_get_atts(&t, &mut found);
    found.sort();
    found.dedup();
    assert_eq!(
        found,
        [
            ("DeadLetterQueue".to_string(), "Arn".to_string()),
            ("InstanceStateRule".into(), "Arn".into()),
            ("Queue".into(), "Arn".into()),
            ("Queue".into(), "QueueUrl".into()),
            ("SecurityGroup".into(), "GroupId".into()),
            ("Subnet".into(), "SubnetId".into()),
            ("Table".into(), "Arn".into()),
            ("Vpc".into(), "VpcId".into()),
        ]
    );
}

fn collect_get_atts(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Array(a)) = m.get("Fn::GetAtt") {
                out.push((a[0].as_str().unwrap().into(), a[1].as_str().unwrap().into()));
            }
            m.values().for_each(|x| collect_get_atts(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_get_atts(x, out)),
        _ => {}
    }
}

#[test]
fn every_sample_tag_list_uses_the_shared_tag_shape() {
    let t = template();
    for id in ["Vpc", "Subnet", "SecurityGroup", "DeadLetterQueue", "Queue", "Table"] {
        assert_eq!(
            t["Resources"][id]["Properties"]["Tags"],
            json!([{"Key": "project", "Value": "rcdk-sample"}, {"Key": "owner", "Value": {"Ref": "AWS::StackName"}}]),
            "{id}"
        );
    }
    // The same `Tag` value fits every service's `Tags` property.
    let tag = Tag::new("k", "v");
    let a = sqs::CfnQueue::new().tags(vec![tag.clone()]).into_properties();
    let b = ec2::CfnVPC::new().tags(vec![tag]).into_properties();
    assert_eq!(a["Tags"], b["Tags"]);
    assert_eq!(a["Tags"], Value::list([Value::map([("Key", "k"), ("Value", "v")])]));
}
