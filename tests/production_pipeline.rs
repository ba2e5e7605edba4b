//! The production pipeline example: environments, deploy order, cross-account grants on both
//! sides, and reviewed snapshots of every template.

#[allow(dead_code)]
#[path = "../examples/production_pipeline.rs"]
mod production_pipeline;

use std::path::PathBuf;

use serde_json::json;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn stacks_environments_and_deploy_order() {
    let asm = production_pipeline::build().unwrap().assemble().unwrap();
    let manifest = asm.manifest();
    let a = &manifest["artifacts"];
    assert_eq!(a["IngestStack"]["environment"], "aws://111111111111/eu-west-1");
    assert_eq!(a["ClickstreamProducer-222222222222-eu-west-1"]["environment"], "aws://222222222222/eu-west-1");
    assert_eq!(a["ClickstreamProducer-333333333333-us-east-1"]["environment"], "aws://333333333333/us-east-1");
    assert_eq!(
        a["IngestStack"]["dependencies"],
        json!(["ClickstreamProducer-222222222222-eu-west-1", "ClickstreamProducer-333333333333-us-east-1"])
    );
    for s in &asm.stacks {
        assert!(s.warnings().is_empty(), "{}: {:?}", s.name(), s.warnings());
    }
}

#[test]
fn both_sides_of_every_cross_account_grant() {
    let asm = production_pipeline::build().unwrap().assemble().unwrap();
    let ingest = asm.stack("IngestStack").unwrap().template();
    let resources = ingest["Resources"].as_object().unwrap();
    let stream_policy = resources.values().find(|r| r["Type"] == "AWS::Kinesis::ResourcePolicy").unwrap();
    let key = resources.values().find(|r| r["Type"] == "AWS::KMS::Key").unwrap();
    for (account, region) in [("222222222222", "eu-west-1"), ("333333333333", "us-east-1")] {
        let arn =
            json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::{account}:role/clickstream-producer-{region}")});
        let in_stream = stream_policy["Properties"]["ResourcePolicy"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["Principal"]["AWS"] == arn && s["Action"].to_string().contains("kinesis:PutRecords"));
        assert!(in_stream, "stream policy lacks {arn}");
        let in_key = key["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["Principal"]["AWS"] == arn && s["Action"] == "kms:GenerateDataKey");
        assert!(in_key, "key policy lacks {arn}");
        // The producer side: the named role may write to the literal stream ARN and use the key.
        let producer = asm.stack(&format!("ClickstreamProducer-{account}-{region}")).unwrap().template();
        let role = producer["Resources"]["ProducerRole1F1AC001"]["Properties"].clone();
        assert_eq!(role["RoleName"], format!("clickstream-producer-{region}"));
        let doc =
            producer["Resources"]["ProducerRoleDefaultPolicy7AF51AA1"]["Properties"]["PolicyDocument"].to_string();
        assert!(doc.contains("stream/clickstream-events") && doc.contains("kms:GenerateDataKey"), "{doc}");
        assert!(!producer.to_string().contains("Fn::ImportValue"));
    }
    // No placeholder account anywhere.
    assert!(!ingest.to_string().contains("123456789012"));
}

#[test]
fn snapshots() {
    let asm = production_pipeline::build().unwrap().assemble().unwrap();
    settings().bind(|| {
        for s in &asm.stacks {
            let name = s.name().replace('-', "_").to_lowercase();
            insta::assert_snapshot!(format!("production_pipeline_{name}_json"), s.template_json());
            insta::assert_snapshot!(format!("production_pipeline_{name}_yaml"), s.template_yaml());
        }
    });
}

#[test]
fn synthesis_is_deterministic() {
    let a = production_pipeline::build().unwrap().assemble().unwrap();
    let b = production_pipeline::build().unwrap().assemble().unwrap();
    for (x, y) in a.stacks.iter().zip(&b.stacks) {
        assert_eq!(x.template_json(), y.template_json());
        assert_eq!(x.template_yaml(), y.template_yaml());
    }
}
