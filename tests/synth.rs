//! Synthesis end to end: references, dependencies, overrides, cross-stack exports and every
//! validation that stops synthesis.

use rcdk::core::problem::{ProblemKind, SynthError};
use rcdk::prelude::*;
use serde_json::json;

fn one_stack(stack: Stack) -> Result<serde_json::Value, SynthError> {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    app.assemble().map(|a| a.stacks[0].template().clone())
}

fn errors(stack: Stack) -> SynthError {
    one_stack(stack).expect_err("synthesis should fail")
}

/// Like [`one_stack`] with every check but property validation: the tests using [`UNCHECKED`]
/// exercise the engine, not the schema validation (tested in src/schema).
fn one_stack_unvalidated(stack: Stack) -> Result<serde_json::Value, SynthError> {
    let mut app = App::new();
    app.set_property_validator(Box::new(|_, _| None));
    app.add_stack(stack).unwrap();
    app.assemble().map(|a| a.stacks[0].template().clone())
}

/// A real type whose properties these tests do not keep valid (every type has a schema; see
/// [`one_stack_unvalidated`]).
const UNCHECKED: &str = "AWS::SQS::Queue";

fn new_stack(name: &str) -> Stack {
    Stack::new(name, StackProps::default()).unwrap()
}

fn props(v: serde_json::Value) -> Map {
    match Value::from(v) {
        Value::Map(m) => m,
        _ => panic!("props must be an object"),
    }
}

#[test]
fn references_become_logical_ids_and_imply_dependencies() {
    let mut stack = new_stack("S");
    let key = {
        let mut scope = stack.as_scope().child("Key").unwrap();
        scope.add_raw_resource("Resource", "AWS::KMS::Key", Map::new()).unwrap()
    };
    let stream = {
        let mut scope = stack.as_scope().child("Stream").unwrap();
        let mut m = Map::new();
        m.insert(
            "StreamEncryption".into(),
            Value::map([("EncryptionType", Value::from("KMS")), ("KeyId", key.ref_())]),
        );
        scope.add_raw_resource("Resource", "AWS::Kinesis::Stream", m).unwrap()
    };
    let topic = stack.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    // Stream already references Key: an explicit dependency on Key is redundant and dropped;
    // Topic is not referenced, so it stays. Duplicates collapse, order is sorted.
    let r = stack.resource_mut(stream).unwrap();
    r.add_dependency(key);
    r.add_dependency(topic);
    r.add_dependency(topic);
    r.apply_removal_policy(RemovalPolicy::Retain);
    let t = one_stack(stack).unwrap();
    let s = &t["Resources"]["Stream790BDEE4"];
    assert_eq!(s["Properties"]["StreamEncryption"]["KeyId"], json!({"Ref": "Key961B73FD"}));
    assert_eq!(s["DependsOn"], json!(["Topic"]));
    assert_eq!(s["DeletionPolicy"], json!("Retain"));
    assert_eq!(s["UpdateReplacePolicy"], json!("Retain"));
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Type", "Properties", "DependsOn", "UpdateReplacePolicy", "DeletionPolicy"]);
}

#[test]
fn dependency_on_a_scope_means_every_resource_below_it() {
    let mut stack = new_stack("S");
    {
        let mut group = stack.as_scope().child("Group").unwrap();
        group.add_raw_resource("A", "AWS::SNS::Topic", Map::new()).unwrap();
        group.add_raw_resource("B", "AWS::SNS::Topic", Map::new()).unwrap();
    }
    let group = stack.find_child(stack.root(), "Group").unwrap();
    let c = stack.add_raw_resource("C", "AWS::SNS::Topic", Map::new()).unwrap();
    stack.resource_mut(c).unwrap().add_dependency(group);
    let t = one_stack(stack).unwrap();
    let a = rcdk::logical_id(&["Group", "A"]).unwrap();
    let b = rcdk::logical_id(&["Group", "B"]).unwrap();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(t["Resources"]["C"]["DependsOn"], json!(expected));
}

#[test]
fn json_with_references_renders_as_minimal_join() {
    let mut stack = new_stack("S");
    let stream = stack.add_raw_resource("Stream", "AWS::Kinesis::Stream", Map::new()).unwrap();
    let policy = Value::json(Value::map([("Version", Value::from("2012-10-17")), ("Resource", stream.get_att("Arn"))]));
    let payload = Value::json(Value::map([("Policy", policy.clone()), ("N", Value::Int(1))]));
    let mut m = Map::new();
    m.insert("Policy".into(), policy);
    m.insert("Create".into(), payload);
    stack.add_raw_resource("Custom", UNCHECKED, m).unwrap();
    let t = one_stack_unvalidated(stack).unwrap();
    let p = &t["Resources"]["Custom"]["Properties"];
    assert_eq!(
        p["Policy"],
        json!({"Fn::Join": ["", ["{\"Version\":\"2012-10-17\",\"Resource\":\"", {"Fn::GetAtt": ["Stream", "Arn"]}, "\"}"]]})
    );
    // JSON inside JSON: the inner document is a string of the outer one, its quotes escaped,
    // and the reference stays an expression.
    assert_eq!(
        p["Create"],
        json!({"Fn::Join": ["", [
            "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Resource\\\":\\\"",
            {"Fn::GetAtt": ["Stream", "Arn"]},
            "\\\"}\",\"N\":1}"
        ]]})
    );
}

#[test]
fn literal_json_is_a_plain_string() {
    let mut stack = new_stack("S");
    let mut m = Map::new();
    m.insert("Doc".into(), Value::json(Value::map([("a", Value::list([1, 2])), ("b", Value::Null)])));
    stack.add_raw_resource("R", UNCHECKED, m).unwrap();
    let t = one_stack_unvalidated(stack).unwrap();
    assert_eq!(t["Resources"]["R"]["Properties"]["Doc"], json!("{\"a\":[1,2],\"b\":null}"));
}

#[test]
fn template_sections_parameters_conditions_mappings_outputs() {
    let mut stack = Stack::new(
        "S",
        StackProps {
            description: Some("demo".into()),
            transforms: vec!["AWS::LanguageExtensions".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let env = stack
        .add_parameter("Env", Parameter::string().default("dev").allowed_values(["dev", "prod"]).description("stage"))
        .unwrap();
    let secret = stack.add_parameter("Token", Parameter::string().no_echo().min_length(8)).unwrap();
    let is_prod = stack.add_condition("IsProd", Value::equals(env.value(), "prod")).unwrap();
    let mut mapping = rcdk::core::element::Mapping::new();
    mapping.insert("dev".into(), [("Shards".to_string(), Value::Int(1))].into_iter().collect());
    let sizes = stack.add_mapping("Sizes", mapping).unwrap();
    let mut m = Map::new();
    m.insert("ShardCount".into(), sizes.find(env.value(), "Shards"));
    m.insert("Name".into(), is_prod.if_("prod-stream", Value::Pseudo(Pseudo::NoValue)));
    m.insert("Tag".into(), SecretValue::from_parameter(secret).into());
    let stream = stack.add_raw_resource("Stream", UNCHECKED, m).unwrap();
    stack.resource_mut(stream).unwrap().set_condition(is_prod);
    stack
        .add_output("StreamArn", Output::new(stream.get_att("Arn")).export_name("StreamArn").condition(is_prod))
        .unwrap();
    let t = one_stack_unvalidated(stack).unwrap();
    let sections: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(
        sections,
        [
            "AWSTemplateFormatVersion",
            "Description",
            "Parameters",
            "Mappings",
            "Conditions",
            "Transform",
            "Resources",
            "Outputs"
        ]
    );
    assert_eq!(t["Parameters"]["Token"], json!({"Type": "String", "MinLength": 8, "NoEcho": true}));
    assert_eq!(t["Conditions"]["IsProd"], json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}));
    assert_eq!(t["Resources"]["Stream"]["Condition"], json!("IsProd"));
    assert_eq!(
        t["Resources"]["Stream"]["Properties"]["ShardCount"],
        json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Shards"]})
    );
    assert_eq!(
        t["Outputs"]["StreamArn"],
        json!({"Value": {"Fn::GetAtt": ["Stream", "Arn"]}, "Export": {"Name": "StreamArn"}, "Condition": "IsProd"})
    );
}

#[test]
fn overrides_apply_after_resolution() {
    let mut stack = new_stack("S");
    let role = stack.add_raw_resource("Role", UNCHECKED, Map::new()).unwrap();
    let key = stack.add_raw_resource("Key", UNCHECKED, props(json!({"Description": "x", "Tags": [1]}))).unwrap();
    let r = stack.resource_mut(key).unwrap();
    r.add_property_override("KeyPolicy.Statement", Value::list([Value::map([("Principal", role.get_att("Arn"))])]));
    r.add_deletion_override("Properties.Tags");
    r.add_override("Metadata.a\\.b", "dotted");
    r.override_logical_id("MyKey");
    let t = one_stack_unvalidated(stack).unwrap();
    assert_eq!(
        t["Resources"]["MyKey"],
        json!({"Type": UNCHECKED, "Properties": {"Description": "x", "KeyPolicy": {"Statement": [{"Principal": {"Fn::GetAtt": ["Role", "Arn"]}}]}}, "Metadata": {"a.b": "dotted"}})
    );
}

#[test]
fn cross_stack_references_export_and_import() {
    let mut producer = new_stack("KeyStack");
    let key = {
        let mut s = producer.as_scope().child("MyKey").unwrap();
        s.add_raw_resource("Resource", "AWS::KMS::Key", Map::new()).unwrap()
    };
    let mut consumer = new_stack("StreamStack");
    consumer.add_raw_resource("Stream", "AWS::Kinesis::Stream", props(json!({}))).unwrap();
    let stream = consumer.find_child(consumer.root(), "Stream").unwrap();
    let _ = stream;
    let h = consumer.add_raw_resource("Uses", "AWS::SNS::Topic", Map::new()).unwrap();
    consumer.resource_mut(h).unwrap().properties_mut().insert("KmsMasterKeyId".into(), key.get_att("Arn"));
    let mut app = App::new();
    app.add_stack(producer).unwrap();
    app.add_stack(consumer).unwrap();
    let a = app.assemble().unwrap();
    let export = "KeyStack:ExportsOutputFnGetAttMyKey6AB29FA6Arn4FA82736";
    assert_eq!(
        a.stack("StreamStack").unwrap().template()["Resources"]["Uses"]["Properties"]["KmsMasterKeyId"],
        json!({"Fn::ImportValue": export})
    );
    assert_eq!(
        a.stack("KeyStack").unwrap().template()["Outputs"]["ExportsOutputFnGetAttMyKey6AB29FA6Arn4FA82736"],
        json!({"Value": {"Fn::GetAtt": ["MyKey6AB29FA6", "Arn"]}, "Export": {"Name": export}})
    );
    assert_eq!(a.manifest()["artifacts"]["StreamStack"]["dependencies"], json!(["KeyStack"]));
}

#[test]
fn cross_environment_reference_is_an_error() {
    let env = |region: &str| StackProps {
        env: Environment { account: Some("111111111111".into()), region: Some(region.into()) },
        ..Default::default()
    };
    let mut producer = Stack::new("A", env("us-east-1")).unwrap();
    let key = producer.add_raw_resource("Key", "AWS::KMS::Key", Map::new()).unwrap();
    let mut consumer = Stack::new("B", env("eu-west-1")).unwrap();
    let mut m = Map::new();
    m.insert("KmsMasterKeyId".into(), key.ref_());
    consumer.add_raw_resource("Topic", "AWS::SNS::Topic", m).unwrap();
    let mut app = App::new();
    app.add_stack(producer).unwrap();
    app.add_stack(consumer).unwrap();
    let e = app.assemble().unwrap_err();
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::CrossEnvironmentReference);
    assert_eq!(p.construct_path.as_deref(), Some("B/Topic"));
    assert_eq!(p.logical_id.as_deref(), Some("Topic"));
    assert_eq!(p.property_path.as_deref(), Some("Properties.KmsMasterKeyId"));
    assert!(p.message.contains("aws://111111111111/us-east-1"), "{p}");
}

#[test]
fn reference_to_a_stack_outside_the_app_is_dangling() {
    let mut orphan = new_stack("Orphan");
    let key = orphan.add_raw_resource("Key", "AWS::KMS::Key", Map::new()).unwrap();
    let mut stack = new_stack("S");
    let mut m = Map::new();
    m.insert("KmsMasterKeyId".into(), key.ref_());
    stack.add_raw_resource("Topic", "AWS::SNS::Topic", m).unwrap();
    let e = errors(stack);
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::DanglingReference);
    assert_eq!((p.construct_path.as_deref(), p.logical_id.as_deref()), (Some("S/Topic"), Some("Topic")));
    assert!(p.message.contains("stack Orphan, which is not part of this app (add it with App::add_stack)"), "{p}");
}

#[test]
fn ref_to_a_condition_is_the_wrong_target() {
    let mut stack = new_stack("S");
    let c = stack.add_condition("C", Value::equals("a", "b")).unwrap();
    let mut m = Map::new();
    m.insert("TopicName".into(), Value::Ref(c.node()));
    stack.add_raw_resource("Topic", "AWS::SNS::Topic", m).unwrap();
    let e = errors(stack);
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::WrongReferenceTarget);
    assert!(p.message.contains("S/C is a condition"), "{p}");
    assert_eq!(p.property_path.as_deref(), Some("Properties.TopicName"));
}

#[test]
fn dangling_sub_variables_are_reported() {
    let mut stack = new_stack("S");
    stack
        .add_raw_resource(
            "Topic",
            "AWS::SNS::Topic",
            props(json!({"TopicName": {"Fn::Sub": "${Missing.Arn}-${AWS::Region}"}})),
        )
        .unwrap();
    // A raw JSON value is taken literally, so this map is a Fn::Sub the checks see.
    let e = errors(stack);
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::DanglingReference);
    assert_eq!(p.construct_path.as_deref(), Some("S/Topic"));
    assert_eq!(p.property_path.as_deref(), Some("Properties.TopicName.Fn::Sub"));
    let mut stack = new_stack("S");
    stack
        .add_raw_resource(
            "Topic",
            "AWS::SNS::Topic",
            [("TopicName".to_string(), Value::sub("${Nope}"))].into_iter().collect(),
        )
        .unwrap();
    assert!(errors(stack).errors().any(|p| p.message.contains("\"Nope\"")));
}

#[test]
fn dependency_cycles_name_the_cycle() {
    let mut stack = new_stack("S");
    let a = stack.add_raw_resource("A", "AWS::SNS::Topic", Map::new()).unwrap();
    let b = stack.add_raw_resource("B", "AWS::SNS::Topic", Map::new()).unwrap();
    stack.resource_mut(a).unwrap().properties_mut().insert("X".into(), b.ref_());
    stack.resource_mut(b).unwrap().add_dependency(a);
    let e = errors(stack);
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::DependencyCycle);
    assert!(p.message.ends_with("A -> B -> A"), "{p}");
    assert_eq!(p.construct_path.as_deref(), Some("S/A"));
}

#[test]
fn logical_id_collisions_name_both_paths() {
    let mut stack = new_stack("S");
    stack.add_raw_resource("AB", "AWS::SNS::Topic", Map::new()).unwrap();
    let other = stack.add_raw_resource("A-B", "AWS::SNS::Topic", Map::new()).unwrap();
    let _ = other;
    let e = errors(stack);
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::DuplicateLogicalId);
    assert!(p.message.contains("S/AB") && p.message.contains("S/A-B"), "{p}");
    // Overriding one of them resolves it.
    let mut stack = new_stack("S");
    stack.add_raw_resource("AB", "AWS::SNS::Topic", Map::new()).unwrap();
    let other = stack.add_raw_resource("A-B", "AWS::SNS::Topic", Map::new()).unwrap();
    stack.resource_mut(other).unwrap().override_logical_id("Other");
    assert!(one_stack(stack).is_ok());
}

#[test]
fn duplicate_and_invalid_construct_ids_are_refused() {
    let mut stack = new_stack("S");
    stack.add_raw_resource("A", "AWS::SNS::Topic", Map::new()).unwrap();
    let e = stack.add_raw_resource("A", "AWS::SNS::Topic", Map::new()).unwrap_err();
    assert_eq!(e.to_string(), "S: there is already a construct with id \"A\" (ids must be unique among siblings)");
    assert!(stack.add_raw_resource("a/b", "T", Map::new()).unwrap_err().to_string().contains("must not contain '/'"));
    assert!(stack.add_raw_resource("", "T", Map::new()).is_err());
    assert!(Stack::new("1bad", StackProps::default()).is_err());
    let mut app = App::new();
    app.add_stack(new_stack("Same")).unwrap();
    assert!(app.add_stack(new_stack("Same")).is_err());
}

#[test]
fn resource_limit_and_size_warning() {
    let mut stack = new_stack("S");
    for i in 0..501 {
        stack.add_raw_resource(&format!("T{i}"), "AWS::SNS::Topic", Map::new()).unwrap();
    }
    let e = errors(stack);
    assert!(e.errors().any(|p| p.kind == ProblemKind::Limit && p.message.contains("501 entries in Resources")));

    let mut stack = new_stack("S");
    stack.add_raw_resource("Big", "AWS::SNS::Topic", props(json!({"DisplayName": "x".repeat(60_000)}))).unwrap();
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let a = app.assemble().unwrap();
    let w = &a.stacks[0].warnings()[0];
    assert_eq!(w.kind, ProblemKind::Limit);
    assert!(w.message.contains("--s3-bucket"), "{w}");
    // The same stack under --strict fails.
    app.set_strict(true);
    assert!(app.assemble().is_err());
}

#[test]
fn all_problems_are_collected() {
    let mut stack = new_stack("S");
    stack
        .add_raw_resource(
            "A",
            "AWS::SNS::Topic",
            props(json!({"X": {"Ref": "Nope1"}, "Y": {"Fn::GetAtt": ["Nope2", "Arn"]}})),
        )
        .unwrap();
    stack.add_raw_resource("B", UNCHECKED, props(json!({"X": {"Ref": "Nope3"}}))).unwrap();
    // Three dangling references plus two properties AWS::SNS::Topic does not have and one
    // AWS::SQS::Queue does not have: every check reports, none stops the others.
    let e = errors(stack);
    let count = |kind| e.errors().filter(|p| p.kind == kind).count();
    assert_eq!(count(ProblemKind::DanglingReference), 3);
    assert_eq!(count(ProblemKind::Schema), 3);
    assert_eq!(e.errors().count(), 6);
}

#[test]
fn output_is_deterministic() {
    let build = || {
        let mut stack = new_stack("S");
        for i in 0..50 {
            let t = stack.add_raw_resource(&format!("T{i}"), "AWS::SNS::Topic", Map::new()).unwrap();
            if i > 0 {
                let prev = stack.find_child(stack.root(), &format!("T{}", i - 1)).unwrap();
                stack.resource_mut(t).unwrap().add_dependency(prev);
            }
        }
        let mut app = App::new();
        app.add_stack(stack).unwrap();
        let a = app.assemble().unwrap();
        (a.stacks[0].template_json(), a.stacks[0].template_yaml())
    };
    assert_eq!(build(), build());
}

#[test]
fn a_parameter_of_another_stack_cannot_be_referenced() {
    let mut producer = new_stack("A");
    let name = producer.add_parameter("Name", Parameter::string()).unwrap();
    producer.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    let mut consumer = new_stack("B");
    let mut m = Map::new();
    m.insert("TopicName".into(), name.value());
    consumer.add_raw_resource("Topic", "AWS::SNS::Topic", m).unwrap();
    let mut app = App::new();
    app.add_stack(producer).unwrap();
    app.add_stack(consumer).unwrap();
    let e = app.assemble().unwrap_err();
    let p = e.errors().next().unwrap();
    assert_eq!(p.kind, ProblemKind::WrongReferenceTarget);
    assert_eq!(p.construct_path.as_deref(), Some("B/Topic"));
    assert_eq!(p.message, "a parameter of stack A cannot be referenced from another stack");
}

#[test]
fn raw_resources_of_every_type_are_validated_and_getatt_follows_cfn_lint() {
    // EC2 and SNS TopicName: types and attributes rcdk did not know while it embedded 20 schemas.
    let mut stack = new_stack("S");
    let vpc = stack.add_raw_resource("Vpc", "AWS::EC2::VPC", props(json!({"CidrBlock": "10.0.0.0/16"}))).unwrap();
    let topic = stack.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    let subnet_props = Map::from_iter([
        ("VpcId".to_string(), vpc.ref_()),
        ("CidrBlock".to_string(), vpc.get_att("CidrBlock")),
        ("MapPublicIpOnLaunch".to_string(), Value::from("yes")),
        (
            "Tags".to_string(),
            Value::list([Value::map([("Key", Value::from("topic")), ("Value", topic.get_att("TopicName"))])]),
        ),
    ]);
    stack.add_raw_resource("Subnet", "AWS::EC2::Subnet", subnet_props).unwrap();
    stack.add_output("Nope", Output::new(vpc.get_att("NoSuchThing"))).unwrap();
    let e = errors(stack);
    let shown: Vec<String> = e.errors().map(|p| p.to_string()).collect();
    assert_eq!(e.errors().count(), 2, "{shown:?}");
    let wrong_type = e.errors().find(|p| p.kind == ProblemKind::Schema).expect("schema error");
    assert_eq!(wrong_type.logical_id.as_deref(), Some("Subnet"));
    assert_eq!(wrong_type.property_path.as_deref(), Some("Properties.MapPublicIpOnLaunch"));
    let unknown = e.errors().find(|p| p.kind == ProblemKind::UnknownAttribute).expect("attribute error");
    assert!(unknown.message.contains("AWS::EC2::VPC has no attribute \"NoSuchThing\""), "{unknown}");
}

#[test]
fn an_output_named_like_its_resource_is_not_a_cycle() {
    // Outputs and resources have separate namespaces: `Outputs.Queue` referring to `Resources.Queue`
    // is the most common output there is, not a self-dependency.
    let mut stack = new_stack("S");
    let queue = stack.add_raw_resource("TheQueue", UNCHECKED, Map::new()).unwrap();
    stack.resource_mut(queue).unwrap().override_logical_id("Queue");
    stack.add_output("Queue", Output::new(queue.ref_())).unwrap();
    stack.add_output("QueueArn", Output::new(queue.get_att("Arn"))).unwrap();
    let t = one_stack(stack).unwrap();
    assert_eq!(t["Outputs"]["Queue"]["Value"], json!({"Ref": "Queue"}));
}
