//! Issue 10: the production pipeline — cross-account grants, producer stacks, the Firehose L2,
//! Lambda, monitoring.

use rcdk::core::tree::TreeError;
use rcdk::kinesis::StreamRef;
use rcdk::prelude::*;
use serde_json::json;

fn env(account: &str, region: &str) -> StackProps {
    StackProps { env: Environment { account: Some(account.into()), region: Some(region.into()) }, ..Default::default() }
}

fn template(stack: Stack) -> serde_json::Value {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let asm = app.assemble().unwrap();
    assert!(asm.stacks[0].warnings().is_empty(), "{:?}", asm.stacks[0].warnings());
    asm.stacks[0].template().clone()
}

fn encrypted_stream(stack: &mut Stack, name: Option<&str>) -> Stream {
    let key = Key::new(stack, "Key", KeyProps::default()).unwrap();
    Stream::new(
        stack,
        "Stream",
        StreamProps {
            encryption: StreamEncryption::Kms(key),
            stream_name: name.map(String::from),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn grant_write_to_another_account_writes_the_stream_and_key_policies() {
    let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
    let stream = encrypted_stream(&mut stack, None);
    let producer = Principal::arn("arn:aws:iam::111111111111:role/producer");
    let grant = stream.grant_write(&mut stack, &producer).unwrap();
    assert_eq!(grant.policy_resource(), None);
    let t = template(stack);
    let resources = t["Resources"].as_object().unwrap();
    // The native resource policy, not a role policy.
    let policy = resources.values().find(|r| r["Type"] == "AWS::Kinesis::ResourcePolicy").unwrap();
    let statement = &policy["Properties"]["ResourcePolicy"]["Statement"][0];
    assert_eq!(statement["Principal"]["AWS"], "arn:aws:iam::111111111111:role/producer");
    assert_eq!(
        statement["Action"],
        json!(["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"])
    );
    assert_eq!(statement["Resource"], json!({"Fn::GetAtt": ["Stream790BDEE4", "Arn"]}));
    assert!(!resources.values().any(|r| r["Type"] == "AWS::IAM::Policy"));
    // The key policy lets the producer generate data keys, only through Kinesis of this region.
    let key_statements = t["Resources"]["Key961B73FD"]["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap();
    assert_eq!(key_statements.len(), 2, "account root + producer");
    let k = &key_statements[1];
    assert_eq!(k["Principal"]["AWS"], "arn:aws:iam::111111111111:role/producer");
    assert_eq!(k["Action"], "kms:GenerateDataKey");
    assert_eq!(
        k["Condition"]["StringEquals"]["kms:ViaService"],
        json!({"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"})
    );
}

#[test]
fn grant_read_to_an_account_uses_resource_level_actions_and_decrypt() {
    let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
    let stream = encrypted_stream(&mut stack, None);
    stream.grant_read(&mut stack, &Principal::account("222222222222")).unwrap();
    let t = template(stack);
    let policy =
        t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::Kinesis::ResourcePolicy").unwrap();
    let actions = policy["Properties"]["ResourcePolicy"]["Statement"][0]["Action"].to_string();
    assert!(actions.contains("kinesis:GetRecords") && !actions.contains("ListStreams") && !actions.contains("Put"));
    let k = &t["Resources"]["Key961B73FD"]["Properties"]["KeyPolicy"]["Statement"][1];
    assert_eq!(k["Action"], "kms:Decrypt");
}

#[test]
fn grant_to_a_role_of_the_same_stack_is_unchanged() {
    let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
    let stream = encrypted_stream(&mut stack, None);
    let role =
        Role::new(&mut stack, "Role", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com"))).unwrap();
    let grant = stream.grant_write(&mut stack, &role).unwrap();
    assert!(grant.policy_resource().is_some());
    let t = template(stack);
    assert!(!t["Resources"].as_object().unwrap().values().any(|r| r["Type"] == "AWS::Kinesis::ResourcePolicy"));
    assert_eq!(t["Resources"]["Key961B73FD"]["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap().len(), 1);
}

#[test]
fn remote_ref_needs_a_name_and_a_concrete_environment() {
    let mut agnostic = Stack::new("Ingest", StackProps::default()).unwrap();
    let s = encrypted_stream(&mut agnostic, Some("events"));
    let e = s.remote_ref(&agnostic).unwrap_err();
    assert!(matches!(e, TreeError::InvalidInput { .. }));
    assert!(e.to_string().contains("Ingest/Stream/Resource (Stream790BDEE4)"), "{e}");

    let mut unnamed = Stack::new("Ingest", env("111111111111", "eu-west-1")).unwrap();
    let s = encrypted_stream(&mut unnamed, None);
    let e = s.remote_ref(&unnamed).unwrap_err().to_string();
    assert!(e.contains("Name: expected a literal stream name"), "{e}");

    let mut ok = Stack::new("Ingest", env("111111111111", "eu-west-1")).unwrap();
    let s = encrypted_stream(&mut ok, Some("events"));
    let r = s.remote_ref(&ok).unwrap();
    assert_eq!(
        r,
        StreamRef {
            name: "events".into(),
            account: "111111111111".into(),
            region: "eu-west-1".into(),
            customer_managed_key: true
        }
    );
    assert_eq!(r.stream_arn(), Value::sub("arn:${AWS::Partition}:kinesis:eu-west-1:111111111111:stream/events"));
}

#[test]
fn a_producer_role_in_another_environment_gets_stream_and_key_permissions() {
    let r = StreamRef {
        name: "events".into(),
        account: "111111111111".into(),
        region: "eu-west-1".into(),
        customer_managed_key: true,
    };
    let mut producer = Stack::new("Producer", env("222222222222", "us-east-1")).unwrap();
    let role =
        Role::new(&mut producer, "Role", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com"))).unwrap();
    r.grant_write(&mut producer, &role).unwrap();
    let t = template(producer);
    let statements = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        statements[0]["Resource"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:kinesis:eu-west-1:111111111111:stream/events"})
    );
    assert_eq!(statements[1]["Action"], "kms:GenerateDataKey");
    assert_eq!(statements[1]["Resource"], json!({"Fn::Sub": "arn:${AWS::Partition}:kms:eu-west-1:111111111111:key/*"}));
    assert_eq!(statements[1]["Condition"]["StringEquals"]["kms:ViaService"], "kinesis.eu-west-1.amazonaws.com");
}
