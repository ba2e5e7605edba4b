use serde_json::json;

use super::*;

fn day(y: i32, m: u32, d: u32) -> i64 {
    runtimes::days_from_civil((y, m, d))
}

fn rules_of(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|p| p.message.split(':').next().unwrap_or_default().to_string()).collect()
}

fn one(type_name: &str, props: Json) -> Json {
    json!({"Resources": {"R": {"Type": type_name, "Properties": props}}})
}

#[test]
fn every_rule_id_is_unique_and_mapped_types_are_set() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len());
    for r in RULES {
        assert!(r.id.starts_with("RCDK-") && !r.types.is_empty(), "{r:?}");
        for c in r.checkov {
            assert!(matches!(foreign_kind(c), Some(Foreign::Checkov)), "{c}");
        }
        for c in r.cdk_nag {
            assert!(matches!(foreign_kind(c), Some(Foreign::CdkNag)), "{c}");
        }
        for c in r.cfn_nag {
            assert!(matches!(foreign_kind(c), Some(Foreign::CfnNag)), "{c}");
        }
    }
}

#[test]
fn a_secure_bucket_passes_and_each_missing_piece_is_named() {
    let bucket = json!({
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
        "LoggingConfiguration": {"DestinationBucketName": {"Ref": "Logs"}},
        "VersioningConfiguration": {"Status": "Enabled"}
    });
    let policy = json!({"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": {"Statement": [
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}});
    let t = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": bucket}, "P": policy}});
    assert_eq!(check_template_on("S", &t, 0), vec![]);

    let t = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}});
    let problems = check_template_on("S", &t, 0);
    assert_eq!(
        rules_of(&problems),
        ["RCDK-S3-PUBLIC-ACCESS", "RCDK-S3-ENCRYPTION", "RCDK-S3-SSL", "RCDK-S3-ACCESS-LOGS", "RCDK-S3-VERSIONING"]
    );
    assert!(problems.iter().all(|p| p.severity == Severity::Warning && p.logical_id.as_deref() == Some("B")));
    assert_eq!(problems[0].property_path.as_deref(), Some("Properties.PublicAccessBlockConfiguration"));
}

#[test]
fn key_rotation_and_open_principals() {
    let t = one(
        "AWS::KMS::Key",
        json!({"EnableKeyRotation": true, "KeyPolicy": {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "1"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}}),
    );
    let problems = check_template_on("S", &t, 0);
    assert_eq!(rules_of(&problems), ["RCDK-KMS-OPEN-PRINCIPAL"]);
    assert_eq!(problems[0].property_path.as_deref(), Some("Properties.KeyPolicy.Statement[1].Principal"));
    // Asymmetric keys cannot rotate: no finding.
    let t = one("AWS::KMS::Key", json!({"KeySpec": "RSA_2048"}));
    assert!(check_template_on("S", &t, 0).is_empty());
    let t = one("AWS::KMS::Key", json!({"EnableKeyRotation": false}));
    assert_eq!(rules_of(&check_template_on("S", &t, 0)), ["RCDK-KMS-ROTATION"]);
}

#[test]
fn identity_policy_wildcards_and_passrole() {
    let t = one(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "kinesis:PutRecord"], "Resource": "arn:aws:s3:::b"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Effect": "Allow", "Action": ["kinesis:ListStreams"], "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "x"}}},
        {"Effect": "Deny", "Action": "*", "Resource": "*"}]}}),
    );
    let problems = check_template_on("S", &t, 0);
    assert_eq!(rules_of(&problems), ["RCDK-IAM-WILDCARD-ACTION", "RCDK-IAM-PASSROLE", "RCDK-IAM-WILDCARD-RESOURCE"]);
    assert_eq!(problems[0].property_path.as_deref(), Some("Properties.PolicyDocument.Statement[0].Action[0]"));
    assert_eq!(problems[2].property_path.as_deref(), Some("Properties.PolicyDocument.Statement[1].Resource"));

    let open_trust = one(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}),
    );
    let problems = check_template_on("S", &open_trust, 0);
    assert_eq!(rules_of(&problems), ["RCDK-IAM-OPEN-PRINCIPAL"]);
    assert_eq!(
        problems[0].property_path.as_deref(),
        Some("Properties.AssumeRolePolicyDocument.Statement[0].Principal")
    );

    let t = one(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {}, "ManagedPolicyArns": [
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]},
        "arn:aws:iam::123456789012:policy/mine"]}),
    );
    let problems = check_template_on("S", &t, 0);
    assert_eq!(rules_of(&problems), ["RCDK-IAM-MANAGED-POLICY"]);
    assert_eq!(problems[0].property_path.as_deref(), Some("Properties.ManagedPolicyArns[0]"));
}

#[test]
fn lambda_runtime_is_judged_against_its_deprecation_date() {
    let f = |runtime: &str| {
        one(
            "AWS::Lambda::Function",
            json!({"Runtime": runtime, "ReservedConcurrentExecutions": 1,
            "DeadLetterConfig": {"TargetArn": "x"}, "VpcConfig": {}}),
        )
    };
    assert!(check_template_on("S", &f("python3.14"), day(2026, 12, 2)).is_empty());
    let old = check_template_on("S", &f("python3.9"), day(2026, 12, 2));
    assert_eq!(rules_of(&old), ["RCDK-LAMBDA-RUNTIME"]);
    assert!(old[0].message.contains("deprecated on 2025-12-15"), "{}", old[0].message);
    // 180 days before python3.12's deprecation (2028-10-31) it starts to warn, not a day earlier.
    let deprecation = day(2028, 10, 31);
    assert_eq!(check_template_on("S", &f("python3.12"), deprecation - 181).len(), 0);
    assert_eq!(rules_of(&check_template_on("S", &f("python3.12"), deprecation - 180)), ["RCDK-LAMBDA-RUNTIME"]);
    let bare = one("AWS::Lambda::Function", json!({"Runtime": "python3.14"}));
    assert_eq!(
        rules_of(&check_template_on("S", &bare, 0)),
        ["RCDK-LAMBDA-CONCURRENCY", "RCDK-LAMBDA-DLQ", "RCDK-LAMBDA-VPC"]
    );
}

#[test]
fn firehose_sse_only_applies_to_direct_put() {
    let from_stream =
        one("AWS::KinesisFirehose::DeliveryStream", json!({"DeliveryStreamType": "KinesisStreamAsSource"}));
    assert!(check_template_on("S", &from_stream, 0).is_empty());
    let direct = one("AWS::KinesisFirehose::DeliveryStream", json!({}));
    assert_eq!(rules_of(&check_template_on("S", &direct, 0)), ["RCDK-FIREHOSE-SSE"]);
}

#[test]
fn sns_topic_needs_a_key_and_a_tls_policy() {
    let t = json!({"Resources": {
        "T": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/x"}},
        "P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": [{"Ref": "T"}], "PolicyDocument": {"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}}]}}}}});
    assert!(check_template_on("S", &t, 0).is_empty());
    let bare = one("AWS::SNS::Topic", json!({}));
    assert_eq!(rules_of(&check_template_on("S", &bare, 0)), ["RCDK-SNS-ENCRYPTION", "RCDK-SNS-TLS"]);
}

#[test]
fn secrets_literal_plain_ssm_and_echoed_parameters() {
    let firehose = |key: Json| {
        json!({"Parameters": {"Echo": {"Type": "String"}, "Hidden": {"Type": "String", "NoEcho": true}},
               "Resources": {"D": {"Type": "AWS::KinesisFirehose::DeliveryStream", "Properties": {
                   "DeliveryStreamType": "KinesisStreamAsSource",
                   "SnowflakeDestinationConfiguration": {"PrivateKey": key}}}}})
    };
    let at = |p: &Problem| (p.severity, p.property_path.clone().unwrap_or_default());
    let path = "Properties.SnowflakeDestinationConfiguration.PrivateKey".to_string();
    assert!(check_template_on("S", &firehose(json!("{{resolve:secretsmanager:k:SecretString:::}}")), 0).is_empty());
    assert!(check_template_on("S", &firehose(json!("{{resolve:ssm-secure:k:1}}")), 0).is_empty());
    assert!(check_template_on("S", &firehose(json!({"Ref": "Hidden"})), 0).is_empty());
    let literal = check_template_on("S", &firehose(json!("MIIEv...")), 0);
    assert_eq!(rules_of(&literal), ["RCDK-SECRET-PLAINTEXT"]);
    assert_eq!(at(&literal[0]), (Severity::Warning, path.clone()));
    assert!(!literal[0].message.contains("MIIEv"), "the secret itself is never repeated");
    let ssm = check_template_on("S", &firehose(json!("{{resolve:ssm:k}}")), 0);
    assert_eq!(rules_of(&ssm), ["RCDK-SECRET-SSM-PLAIN"]);
    let echoed = check_template_on("S", &firehose(json!({"Ref": "Echo"})), 0);
    assert_eq!(rules_of(&echoed), ["RCDK-SECRET-PARAMETER-ECHO"]);
    assert_eq!(at(&echoed[0]), (Severity::Error, path));
}

#[test]
fn acknowledgments_are_written_in_every_format_and_honoured() {
    let mut t = json!({"Resources": {
        "Key1": {"Type": "AWS::KMS::Key", "Properties": {}},
        "Key2": {"Type": "AWS::KMS::Key", "Properties": {}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}});
    let paths: BTreeMap<String, String> =
        [("Key1", "S/A/Key/Resource"), ("Key2", "S/AB/Key/Resource"), ("Topic", "S/A/Topic")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    let reason = "the key is rotated by an external process";
    write_acknowledgments(
        &mut t,
        &paths,
        &[
            ("S/A".to_string(), "RCDK-KMS-ROTATION", reason),
            ("S/A".to_string(), "RCDK-KMS-ROTATION", reason),
            ("S/A/Topic".to_string(), "CKV_AWS_26", "alarm payloads carry no data"),
        ],
    );
    let m = &t["Resources"]["Key1"]["Metadata"];
    assert_eq!(m["checkov"]["skip"], json!([{"id": "CKV_AWS_7", "comment": reason}]));
    assert_eq!(m["cfn_nag"]["rules_to_suppress"], json!([{"id": "F19", "reason": reason}]));
    assert_eq!(m["cdk_nag"]["rules_to_suppress"], json!([{"id": "AwsSolutions-KMS5", "reason": reason}]));
    assert_eq!(m["rcdk"]["acknowledged"], json!([{"id": "RCDK-KMS-ROTATION", "reason": reason}]));
    // "S/AB" is not below "S/A"; the topic is not a key, so the rcdk rule is not written on it.
    assert!(t["Resources"]["Key2"].get("Metadata").is_none());
    assert_eq!(
        t["Resources"]["Topic"]["Metadata"],
        json!({"checkov": {"skip": [{"id": "CKV_AWS_26", "comment": "alarm payloads carry no data"}]}})
    );

    let problems = check_template_on("S", &t, 0);
    let located: Vec<(String, String)> = problems
        .iter()
        .map(|p| (p.logical_id.clone().unwrap_or_default(), rules_of(std::slice::from_ref(p))[0].clone()))
        .collect();
    assert_eq!(
        located,
        [("Key2".to_string(), "RCDK-KMS-ROTATION".to_string()), ("Topic".into(), "RCDK-SNS-TLS".into())]
    );
}

#[test]
fn acknowledgments_need_a_known_rule_and_a_reason() {
    assert!(check_acknowledgment("S/A", "RCDK-KMS-ROTATION", "rotated by an external process").is_ok());
    assert!(check_acknowledgment("S/A", "CKV2_AWS_64", "a reason long enough").is_ok());
    assert!(check_acknowledgment("S/A", "W35", "a reason long enough").is_ok());
    let e = check_acknowledgment("S/A", "RCDK-KMS-ROTATION", "  ok  ").unwrap_err();
    assert!(matches!(e, AcknowledgeError::MissingReason { .. }));
    assert!(e.to_string().starts_with("S/A: acknowledging RCDK-KMS-ROTATION"), "{e}");
    for bad in ["RCDK-NOPE", "CKV_AWS_", "W3x", "kms-rotation"] {
        assert!(
            matches!(
                check_acknowledgment("S/A", bad, "a reason long enough"),
                Err(AcknowledgeError::UnknownRule { .. })
            ),
            "{bad}"
        );
    }
}
