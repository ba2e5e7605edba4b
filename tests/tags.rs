//! Tags (`rcdk::tags`) applied at synthesis: shapes from the schemas, priorities, filters, errors.

#[path = "../examples/common/tagged_stack.rs"]
mod tagged_stack;

use std::path::PathBuf;

use rcdk::core::problem::ProblemKind;
use rcdk::prelude::*;
use rcdk::tags::{TagError, TagProps, Tags};
use serde_json::json;

fn synth(stack: Stack) -> Result<serde_json::Value, rcdk::core::problem::SynthError> {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    app.assemble().map(|a| a.stacks[0].template().clone())
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

fn kv(pairs: &[(&str, &str)]) -> serde_json::Value {
    pairs.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()
}

#[test]
fn mixed_stack_is_tagged_in_each_types_shape() {
    let t = synth(tagged_stack::tagged_stack().unwrap()).unwrap();
    let r = &t["Resources"];
    let id = |path: &[&str]| rcdk::logical_id(path).unwrap();
    let (queue, parameter, policy) = (id(&["Data", "Queue"]), id(&["Data", "QueueName"]), id(&["Data", "QueuePolicy"]));
    // List shape, sorted by key; "backup" excluded for topics.
    assert_eq!(
        r["Alerts"]["Properties"]["Tags"],
        kv(&[("cost-center", "42"), ("project", "pipeline"), ("team", "platform")])
    );
    // The queue's own "team" wins over the stack's; the nested scope removed "cost-center" and added "tier".
    assert_eq!(
        r[&queue]["Properties"]["Tags"],
        kv(&[("backup", "daily"), ("project", "pipeline"), ("team", "queue-owners"), ("tier", "data")])
    );
    // Map shape; "owner" added at priority 150 beats the parameter's own.
    assert_eq!(
        r[&parameter]["Properties"]["Tags"],
        json!({"backup": "daily", "owner": "platform", "project": "pipeline", "team": "platform", "tier": "data"})
    );
    // Untaggable type: untouched.
    assert!(r[&policy]["Properties"].get("Tags").is_none());
    settings().bind(|| insta::assert_json_snapshot!("tags_mixed_stack_template", t));
}

fn queue_stack() -> Stack {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    stack.add_raw_resource("Queue", "AWS::SQS::Queue", Map::new()).unwrap();
    stack
}

#[test]
fn priority_and_scope_order() {
    let mut stack = queue_stack();
    // Equal priority: the later (nearer) one wins; lower priority never replaces higher.
    Tags::of(&mut stack).add("a", "1").unwrap().add("a", "2").unwrap();
    Tags::of(&mut stack).add_with("b", "high", TagProps::default().priority(300)).unwrap();
    Tags::of(&mut stack).add("b", "low").unwrap();
    // A removal at 200 beats a later add at 100, but not an add at 250.
    Tags::of(&mut stack).remove("c").unwrap().add("c", "x").unwrap();
    Tags::of(&mut stack).remove("d").unwrap().add_with("d", "y", TagProps::default().priority(250)).unwrap();
    let t = synth(stack).unwrap();
    assert_eq!(t["Resources"]["Queue"]["Properties"]["Tags"], kv(&[("a", "2"), ("b", "high"), ("d", "y")]));
}

#[test]
fn own_tags_lose_only_to_higher_priority_and_removal() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let own = Value::list([
        Value::map([("Key", Value::from("keep")), ("Value", Value::from("own"))]),
        Value::map([("Key", Value::from("gone")), ("Value", Value::from("own"))]),
        Value::map([("Key", Value::from("beaten")), ("Value", Value::from("own"))]),
    ]);
    stack.add_raw_resource("Queue", "AWS::SQS::Queue", Map::from_iter([("Tags".to_string(), own)])).unwrap();
    Tags::of(&mut stack)
        .add("keep", "aspect")
        .unwrap()
        .remove("gone")
        .unwrap()
        .add_with("beaten", "aspect", TagProps::default().priority(101))
        .unwrap();
    let t = synth(stack).unwrap();
    assert_eq!(t["Resources"]["Queue"]["Properties"]["Tags"], kv(&[("beaten", "aspect"), ("keep", "own")]));
}

#[test]
fn auto_scaling_groups_get_propagate_at_launch() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let props = Map::from_iter([
        ("MinSize".to_string(), Value::from("1")),
        ("MaxSize".to_string(), Value::from("2")),
        ("AvailabilityZones".to_string(), Value::list([Value::from("us-east-1a")])),
        ("LaunchConfigurationName".to_string(), Value::from("lc")),
    ]);
    stack.add_raw_resource("Group", "AWS::AutoScaling::AutoScalingGroup", props).unwrap();
    Tags::of(&mut stack)
        .add("a", "1")
        .unwrap()
        .add_with("b", "2", TagProps::default().apply_to_launched_instances(false))
        .unwrap();
    let t = synth(stack).unwrap();
    assert_eq!(
        t["Resources"]["Group"]["Properties"]["Tags"],
        json!([{"Key": "a", "Value": "1", "PropagateAtLaunch": true}, {"Key": "b", "Value": "2", "PropagateAtLaunch": false}])
    );
}

#[test]
fn bad_tags_are_errors_naming_the_path() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let mut scope = stack.as_scope().child("Inner").unwrap();
    let e = Tags::of(&mut scope).add("aws:x", "v").unwrap_err();
    assert_eq!(e, TagError::ReservedPrefix { path: "S/Inner".into(), key: "aws:x".into() });
    let e = Tags::of(&mut scope).add("k".repeat(129), "v").unwrap_err();
    assert!(matches!(e, TagError::KeyTooLong { length: 129, .. }), "{e}");
    assert!(e.to_string().starts_with("S/Inner: tag key"), "{e}");
    let e = Tags::of(&mut scope).add("k", "v".repeat(257)).unwrap_err();
    assert!(matches!(e, TagError::ValueTooLong { length: 257, .. }), "{e}");
    assert!(matches!(Tags::of(&mut scope).add("", "v").unwrap_err(), TagError::EmptyKey { .. }));
    // At the limits: accepted.
    Tags::of(&mut scope).add("k".repeat(128), "v".repeat(256)).unwrap();
    // Converts into the crate's error for `?`.
    let e: rcdk::Error = TagError::EmptyKey { path: "S".into() }.into();
    assert_eq!(e.to_string(), "S: a tag key must not be empty");
}

#[test]
fn more_than_50_tags_stop_synthesis_naming_the_resource() {
    let mut stack = queue_stack();
    for i in 0..50 {
        Tags::of(&mut stack).add(format!("k{i}"), "v").unwrap();
    }
    assert_eq!(synth(stack.clone()).unwrap()["Resources"]["Queue"]["Properties"]["Tags"].as_array().unwrap().len(), 50);
    // At the stack level a 51st tag is refused when added; for the resources only, at synthesis.
    let resources_only = TagProps::default().exclude_resource_types([rcdk::tags::STACK_RESOURCE_TYPE]);
    Tags::of(&mut stack).add_with("one-too-many", "v", resources_only).unwrap();
    let e = synth(stack).unwrap_err();
    let p: Vec<_> = e.errors().collect();
    assert_eq!(p.len(), 1, "{e}");
    assert_eq!(p[0].kind, ProblemKind::Limit);
    assert_eq!(p[0].construct_path.as_deref(), Some("S/Queue"));
    assert_eq!(p[0].logical_id.as_deref(), Some("Queue"));
    assert_eq!(p[0].property_path.as_deref(), Some("Properties.Tags"));
    assert!(p[0].message.contains("51 tags, more than the maximum 50"), "{e}");
}

#[test]
fn tags_on_a_resource_scope_and_intrinsic_tag_properties() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let a = stack.add_raw_resource("A", "AWS::SQS::Queue", Map::new()).unwrap();
    let cond = stack.add_condition("C", Value::equals(Value::Pseudo(Pseudo::Region), "us-east-1")).unwrap();
    let tags = cond.if_(
        Value::list([Value::map([("Key", Value::from("x")), ("Value", Value::from("y"))])]),
        Value::Pseudo(Pseudo::NoValue),
    );
    stack.add_raw_resource("B", "AWS::SQS::Queue", Map::from_iter([("Tags".to_string(), tags.clone())])).unwrap();
    // Tags of one resource only (its node as the scope).
    let mut scope = stack.as_scope().enter(a.node()).unwrap();
    Tags::of(&mut scope).add("only", "a").unwrap();
    Tags::of(&mut stack).add("all", "yes").unwrap();
    let t = synth(stack).unwrap();
    assert_eq!(t["Resources"]["A"]["Properties"]["Tags"], kv(&[("all", "yes"), ("only", "a")]));
    // A tag property that is an intrinsic function cannot be merged into: left as written.
    assert!(t["Resources"]["B"]["Properties"]["Tags"].get("Fn::If").is_some());
}

#[test]
fn stack_level_tags_go_to_the_manifest_for_cdk_deploy() {
    let mut stack = queue_stack();
    Tags::of(&mut stack)
        .add("team", "data")
        .unwrap()
        .add("env", "dev")
        .unwrap()
        .add("gone", "x")
        .unwrap()
        .remove("gone")
        .unwrap()
        // Restricted to other types: not a stack tag; restricted to the stack type: only a stack tag.
        .add_with("queues-only", "q", TagProps::default().include_resource_types(["AWS::SQS::Queue"]))
        .unwrap()
        .add_with("stack-only", "s", TagProps::default().include_resource_types([rcdk::tags::STACK_RESOURCE_TYPE]))
        .unwrap()
        .add_with("not-stack", "n", TagProps::default().exclude_resource_types([rcdk::tags::STACK_RESOURCE_TYPE]))
        .unwrap()
        // A lower priority does not replace "env"; a removal at a lower priority does not remove "team".
        .add_with("env", "prod", TagProps::default().priority(50))
        .unwrap()
        .remove_with("team", TagProps::default().priority(10))
        .unwrap();
    // Tags of a nested scope are not the stack's.
    let mut inner = stack.as_scope().child("Inner").unwrap();
    Tags::of(&mut inner).add("tier", "inner").unwrap();
    let expected = json!({"env": "dev", "stack-only": "s", "team": "data"});
    assert_eq!(serde_json::to_value(stack.tags()).unwrap(), expected);

    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let assembly = app.assemble().unwrap();
    let manifest = assembly.manifest();
    // Cloud-assembly schema: AwsCloudFormationStackProperties.tags, a map of strings.
    assert_eq!(manifest["artifacts"]["S"]["properties"]["tags"], expected);
    // The resources are tagged too (not with the stack-only tag; with the queue-only and not-stack ones).
    let queue_tags = &assembly.stacks[0].template()["Resources"]["Queue"]["Properties"]["Tags"];
    assert_eq!(queue_tags, &kv(&[("env", "dev"), ("not-stack", "n"), ("queues-only", "q"), ("team", "data")]));
    // A stack without tags has no `tags` entry.
    let mut app = App::new();
    app.add_stack(queue_stack()).unwrap();
    let manifest = app.assemble().unwrap().manifest();
    assert!(manifest["artifacts"]["S"]["properties"].get("tags").is_none(), "{manifest}");
}

#[test]
fn more_than_50_stack_tags_are_refused_when_added() {
    let mut stack = queue_stack();
    for i in 0..50 {
        Tags::of(&mut stack).add(format!("k{i}"), "v").unwrap();
    }
    // Replacing one is fine; a 51st is refused and changes nothing.
    Tags::of(&mut stack).add("k0", "w").unwrap();
    let e = Tags::of(&mut stack).add("one-too-many", "v").unwrap_err();
    assert_eq!(e, TagError::TooManyStackTags { path: "S".into(), count: 51 });
    assert_eq!(e.to_string(), "S: the stack would have 51 stack-level tags, more than the maximum 50");
    assert_eq!(stack.tags().len(), 50);
    assert_eq!(synth(stack).unwrap()["Resources"]["Queue"]["Properties"]["Tags"].as_array().unwrap().len(), 50);
}
