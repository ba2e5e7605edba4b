//! The article's stack (examples/common/kinesis_snowflake_stack.rs), both variants: logical IDs equal
//! AWS CDK's, JSON and YAML read back to the same document, reviewed snapshots of both texts.

#[path = "../examples/common/kinesis_snowflake_stack.rs"]
mod kinesis_snowflake_stack;

use std::path::PathBuf;

use kinesis_snowflake_stack::{StreamPolicyStyle, kinesis_snowflake_stack};
use rcdk::core::app::StackArtifact;
use rcdk::prelude::*;

fn synth(style: StreamPolicyStyle) -> StackArtifact {
    let mut app = App::new();
    app.add_stack(kinesis_snowflake_stack(style).expect("the example builds")).expect("one stack");
    let assembly = app.assemble().unwrap_or_else(|e| panic!("{e}"));
    assembly.stacks.into_iter().next().expect("one stack")
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn logical_ids_match_aws_cdk() {
    let stack = synth(StreamPolicyStyle::CustomResource);
    let resources = stack.template()["Resources"].as_object().unwrap();
    // Test vectors computed by AWS CDK 2.276.0 for the same construct paths
    // (shared/reference/logical-ids.md).
    for id in ["Key961B73FD", "Stream790BDEE4", "Role1ABCC5F0", "RoleDefaultPolicy5FFB7DAB", "DeliveryStream"] {
        assert!(resources.contains_key(id), "missing {id}: {:?}", resources.keys().collect::<Vec<_>>());
    }
    // And everything else follows the same algorithm from its construct path.
    for (id, path) in &stack.0.construct_paths {
        let below_stack: Vec<&str> = path.split('/').skip(1).collect();
        assert_eq!(&rcdk::logical_id(&below_stack).unwrap(), id, "{path}");
    }
}

#[test]
fn the_article_mistakes_are_fixed() {
    let stack = synth(StreamPolicyStyle::CustomResource);
    let t = stack.template();
    let destination = &t["Resources"]["DeliveryStream"]["Properties"]["SnowflakeDestinationConfiguration"];
    assert_eq!(
        destination["S3Configuration"]["BucketARN"],
        serde_json::json!({"Fn::GetAtt": ["BackupBucket26B8E51C", "Arn"]})
    );
    assert_eq!(destination["S3BackupMode"], "FailedDataOnly");
    assert_eq!(destination["PrivateKey"], "{{resolve:secretsmanager:Snowflake/PrivateKey:SecretString:::}}");
    let key_policy = t["Resources"]["Key961B73FD"]["Properties"]["KeyPolicy"].to_string();
    assert!(key_policy.contains("\"kms:ViaService\"") && !key_policy.contains("kms.ViaService"));
    assert!(stack.warnings().is_empty(), "{:?}", stack.warnings());
    // Issue 10: the producer may use the key through Kinesis (kms:GenerateDataKey), and the producer
    // role is a required parameter (no placeholder account).
    let statements = t["Resources"]["Key961B73FD"]["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap();
    let producer = statements
        .iter()
        .find(|s| s["Principal"]["AWS"] == serde_json::json!({"Ref": "ProducerRoleArn"}))
        .expect("a key policy statement for the producer role");
    assert_eq!(producer["Action"], "kms:GenerateDataKey");
    assert_eq!(
        producer["Condition"]["StringEquals"]["kms:ViaService"],
        serde_json::json!({"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"})
    );
    assert!(producer["Condition"]["StringEquals"].get("kms:CallerAccount").is_none());
    assert!(t["Parameters"]["ProducerRoleArn"].get("Default").is_none());
    // Issue 10: the Firehose role holds exactly the S3 actions Firehose documents, and no deletes.
    let role_policy = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    let s3 = role_policy
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"].to_string().contains("s3:"))
        .expect("an S3 statement");
    assert_eq!(
        s3["Action"],
        serde_json::json!([
            "s3:AbortMultipartUpload",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject"
        ])
    );
    assert!(!role_policy.to_string().contains("Delete"));
    // The grants exist before Firehose starts with the role.
    assert_eq!(t["Resources"]["DeliveryStream"]["DependsOn"], serde_json::json!(["RoleDefaultPolicy5FFB7DAB"]));
}

#[test]
fn json_and_yaml_are_the_same_document() {
    for style in [StreamPolicyStyle::CustomResource, StreamPolicyStyle::Native] {
        let stack = synth(style);
        let from_json: serde_json::Value = serde_json::from_str(&stack.template_json()).unwrap();
        let from_yaml = rcdk::review::read::read_template(&stack.template_yaml()).unwrap().into_value();
        assert_eq!(from_json, from_yaml);
        assert_eq!(&from_json, stack.template());
    }
}

#[test]
fn templates_fit_aws_cloudformation_deploy_without_a_bucket() {
    for style in [StreamPolicyStyle::CustomResource, StreamPolicyStyle::Native] {
        let stack = synth(style);
        assert!(stack.template_json().len() < rcdk::core::check::MAX_INLINE_BODY_BYTES);
    }
}

#[test]
fn snapshots() {
    settings().bind(|| {
        let custom = synth(StreamPolicyStyle::CustomResource);
        insta::assert_snapshot!("kinesis_snowflake_template_json", custom.template_json());
        insta::assert_snapshot!("kinesis_snowflake_template_yaml", custom.template_yaml());
        let native = synth(StreamPolicyStyle::Native);
        insta::assert_snapshot!("kinesis_snowflake_native_template_json", native.template_json());
        insta::assert_snapshot!("kinesis_snowflake_native_template_yaml", native.template_yaml());
    });
}

#[test]
fn synthesis_is_deterministic() {
    let a = synth(StreamPolicyStyle::CustomResource);
    let b = synth(StreamPolicyStyle::CustomResource);
    assert_eq!(a.template_json(), b.template_json());
    assert_eq!(a.template_yaml(), b.template_yaml());
}
