//! The article's stack (Key + Stream + AwsCustomResource + Role + grant) built with the L2s,
//! checked against what AWS CDK produces for the same tree.

use rcdk::core::problem::{ProblemKind, Severity};
use rcdk::prelude::*;
use serde_json::json;

fn join_root() -> serde_json::Value {
    json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]})
}

fn article(via_service_key: &str) -> (App, Stack) {
    let mut stack = Stack::new("KinesisSnowflakeStack", StackProps::default()).unwrap();
    let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
    key.add_to_resource_policy(
        &mut stack,
        PolicyStatement::allow()
            .sid("Allow direct access to key metadata to the account")
            .principal(Principal::account_root())
            .actions(["kms:Describe*", "kms:Get*", "kms:List*"])
            .resources(["*"]),
    )
    .unwrap();
    key.add_to_resource_policy(
        &mut stack,
        PolicyStatement::allow()
            .sid("Allow use of the key through Amazon Kinesis for principals in the account that are authorized to use Amazon Kinesis")
            .principal(Principal::any())
            .actions(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])
            .resources(["*"])
            .condition("StringEquals", via_service_key, Value::sub("kinesis.${AWS::Region}.amazonaws.com"))
            .condition("StringEquals", "kms:CallerAccount", Value::Pseudo(Pseudo::AccountId)),
    )
    .unwrap();
    let stream =
        Stream::new(&mut stack, "Stream", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() })
            .unwrap();
    let policy = Value::json(Value::map([
        ("Version", Value::from("2012-10-17")),
        (
            "Statement",
            Value::list([Value::map([
                ("Sid", Value::from("Allow cross-account write access to the stream")),
                ("Effect", Value::from("Allow")),
                ("Principal", Value::map([("AWS", "arn:aws:iam::123456789012:role/data-producer-example")])),
                (
                    "Action",
                    Value::list([
                        "kinesis:PutRecord",
                        "kinesis:PutRecords",
                        "kinesis:DescribeStreamSummary",
                        "kinesis:ListShards",
                    ]),
                ),
                ("Resource", stream.stream_arn()),
            ])]),
        ),
    ]));
    AwsCustomResource::new(
        &mut stack,
        "Resource",
        AwsCustomResourceProps {
            on_update: Some(AwsSdkCall {
                service: "Kinesis".into(),
                action: "PutResourcePolicy".into(),
                parameters: Some(Value::map([("ResourceARN", stream.stream_arn()), ("Policy", policy)])),
                physical_resource_id: Some(PhysicalResourceId::of("Resource")),
                ..Default::default()
            }),
            policy: AwsCustomResourcePolicy::from_sdk_calls([stream.stream_arn()]),
            ..Default::default()
        },
    )
    .unwrap();
    let role = Role::new(
        &mut stack,
        "Role",
        RoleProps::assumed_by(Principal::service("firehose.amazonaws.com").with_condition(
            "StringEquals",
            "sts:ExternalId",
            Value::Pseudo(Pseudo::AccountId),
        )),
    )
    .unwrap();
    let secret = Secret::from_secret_name_v2(&mut stack, "Secret", "Snowflake/PrivateKey").unwrap();
    let mut m = Map::new();
    m.insert("DeliveryStreamType".into(), "KinesisStreamAsSource".into());
    m.insert(
        "KinesisStreamSourceConfiguration".into(),
        Value::map([("KinesisStreamARN", stream.stream_arn()), ("RoleARN", role.role_arn())]),
    );
    m.insert(
        "SnowflakeDestinationConfiguration".into(),
        Value::map([
            ("AccountUrl", Value::from("https://account.region.snowflakecomputing.com")),
            ("Database", "database".into()),
            ("Schema", "schema".into()),
            ("Table", "table".into()),
            ("User", "username".into()),
            ("PrivateKey", secret.secret_value().into()),
            ("RoleARN", role.role_arn()),
            (
                "S3Configuration",
                Value::map([("BucketARN", Value::from("arn:aws:s3:::backup")), ("RoleARN", role.role_arn())]),
            ),
        ]),
    );
    let delivery = stack.add_raw_resource("DeliveryStream", "AWS::KinesisFirehose::DeliveryStream", m).unwrap();
    stream.grant_read_write(&mut stack, &role).unwrap().apply_before(&mut stack, &[delivery.node()]).unwrap();
    secret.grant_read(&mut stack, &role).unwrap();
    let mut app = App::new();
    app.add_stack(stack.clone()).unwrap();
    (app, stack)
}

#[test]
fn logical_ids_match_cdk() {
    let (app, _) = article("kms:ViaService");
    let asm = app.assemble().unwrap();
    let t = asm.stacks[0].template();
    let resources = t["Resources"].as_object().unwrap();
    for id in [
        "Key961B73FD",
        "Stream790BDEE4",
        "Role1ABCC5F0",
        "RoleDefaultPolicy5FFB7DAB",
        "DeliveryStream",
        "AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2",
        "AWS679f53fac002430cb0da5b7982bd22872D164C4C",
    ] {
        assert!(resources.contains_key(id), "missing {id}: {:?}", resources.keys().collect::<Vec<_>>());
    }
    let cr = rcdk::logical_id(&["Resource", "Resource", "Default"]).unwrap();
    let crp = rcdk::logical_id(&["Resource", "CustomResourcePolicy", "Resource"]).unwrap();
    assert_eq!(resources[&cr]["Type"], "Custom::AWS");
    assert_eq!(resources[&crp]["Type"], "AWS::IAM::Policy");
    // The provider brings its log group and its role's DefaultPolicy (scoped to that group).
    assert_eq!(
        resources[&rcdk::logical_id(&[rcdk::custom_resources::PROVIDER_ID, "LogGroup"]).unwrap()]["Type"],
        "AWS::Logs::LogGroup"
    );
    assert_eq!(resources.len(), 11);
}

#[test]
fn key_policy_and_removal_policies() {
    let (app, _) = article("kms:ViaService");
    let asm = app.assemble().unwrap();
    assert!(asm.stacks[0].warnings().is_empty(), "{:?}", asm.stacks[0].warnings());
    let t = asm.stacks[0].template();
    let key = &t["Resources"]["Key961B73FD"];
    assert_eq!(key["DeletionPolicy"], "Retain");
    assert_eq!(key["UpdateReplacePolicy"], "Retain");
    let statements = key["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3);
    assert_eq!(
        statements[0],
        json!({"Action": "kms:*", "Effect": "Allow", "Principal": {"AWS": join_root()}, "Resource": "*"})
    );
    assert_eq!(statements[2]["Principal"], json!({"AWS": "*"}));
    assert_eq!(statements[2]["Condition"]["StringEquals"]["kms:CallerAccount"], json!({"Ref": "AWS::AccountId"}));
    assert_eq!(key["Properties"]["KeyPolicy"]["Version"], "2012-10-17");
    let keys: Vec<&String> = statements[2].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Action", "Condition", "Effect", "Principal", "Resource", "Sid"]);

    let stream = &t["Resources"]["Stream790BDEE4"];
    assert_eq!(stream["DeletionPolicy"], "Retain");
    assert_eq!(
        stream["Properties"],
        json!({
            "RetentionPeriodHours": 24,
            "ShardCount": 1,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": ["Key961B73FD", "Arn"]}},
            "StreamModeDetails": {"StreamMode": "PROVISIONED"}
        })
    );
}

#[test]
fn grant_read_write_uses_cdk_action_lists_and_apply_before() {
    let (app, _) = article("kms:ViaService");
    let asm = app.assemble().unwrap();
    let t = asm.stacks[0].template();
    let policy = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"];
    assert_eq!(policy["Type"], "AWS::IAM::Policy");
    assert_eq!(policy["Properties"]["PolicyName"], "RoleDefaultPolicy5FFB7DAB");
    assert_eq!(policy["Properties"]["Roles"], json!([{"Ref": "Role1ABCC5F0"}]));
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {
                "Action": [
                    "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
                    "kinesis:ListShards", "kinesis:SubscribeToShard", "kinesis:DescribeStream",
                    "kinesis:ListStreams", "kinesis:DescribeStreamConsumer", "kinesis:PutRecord", "kinesis:PutRecords"
                ],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": ["Stream790BDEE4", "Arn"]}
            },
            {
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": ["Key961B73FD", "Arn"]}
            },
            {
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Effect": "Allow",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:Snowflake/PrivateKey-??????"}
            }
        ])
    );
    assert_eq!(t["Resources"]["DeliveryStream"]["DependsOn"], json!(["RoleDefaultPolicy5FFB7DAB"]));
    assert_eq!(
        t["Resources"]["DeliveryStream"]["Properties"]["SnowflakeDestinationConfiguration"]["PrivateKey"],
        "{{resolve:secretsmanager:Snowflake/PrivateKey:SecretString:::}}"
    );
    let role = &t["Resources"]["Role1ABCC5F0"]["Properties"]["AssumeRolePolicyDocument"];
    assert_eq!(
        role,
        &json!({"Statement": [{
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}},
            "Effect": "Allow",
            "Principal": {"Service": "firehose.amazonaws.com"}
        }], "Version": "2012-10-17"})
    );
}

#[test]
fn custom_resource_payload_provider_and_policy() {
    let (app, _) = article("kms:ViaService");
    let asm = app.assemble().unwrap();
    let t = asm.stacks[0].template();
    let cr_id = rcdk::logical_id(&["Resource", "Resource", "Default"]).unwrap();
    let crp = rcdk::logical_id(&["Resource", "CustomResourcePolicy", "Resource"]).unwrap();
    let cr = &t["Resources"][&cr_id];
    assert_eq!(cr["DependsOn"], json!([crp]));
    let props = &cr["Properties"];
    assert_eq!(props["ServiceToken"], json!({"Fn::GetAtt": ["AWS679f53fac002430cb0da5b7982bd22872D164C4C", "Arn"]}));
    // on_create falls back to on_update, like CDK.
    assert_eq!(props["Create"], props["Update"]);
    assert!(props.get("Delete").is_none());
    let arn = json!({"Fn::GetAtt": ["Stream790BDEE4", "Arn"]});
    assert_eq!(
        props["Create"],
        json!({"Fn::Join": ["", [
            "{\"service\":\"Kinesis\",\"action\":\"PutResourcePolicy\",\"parameters\":{\"ResourceARN\":\"",
            arn,
            "\",\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Sid\\\":\\\"Allow cross-account write access to the stream\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::123456789012:role/data-producer-example\\\"},\\\"Action\\\":[\\\"kinesis:PutRecord\\\",\\\"kinesis:PutRecords\\\",\\\"kinesis:DescribeStreamSummary\\\",\\\"kinesis:ListShards\\\"],\\\"Resource\\\":\\\"",
            arn,
            "\\\"}]}\"},\"physicalResourceId\":{\"id\":\"Resource\"}}"
        ]]})
    );
    let policy = &t["Resources"][&crp]["Properties"];
    assert_eq!(policy["PolicyName"], json!(crp));
    assert_eq!(policy["Roles"], json!([{"Ref": "AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2"}]));
    // One statement per call (Create and Update are the same call: one statement).
    assert_eq!(
        policy["PolicyDocument"]["Statement"],
        json!([{"Action": "kinesis:PutResourcePolicy", "Effect": "Allow", "Resource": arn}])
    );
    let f = &t["Resources"]["AWS679f53fac002430cb0da5b7982bd22872D164C4C"];
    assert_eq!(f["Type"], "AWS::Lambda::Function");
    assert_eq!(f["Properties"]["Runtime"], rcdk::security::runtimes::newest_python().identifier);
    // Its own log group, kept a year, and a role that may write there only (no managed policy).
    let log_group = rcdk::logical_id(&[rcdk::custom_resources::PROVIDER_ID, "LogGroup"]).unwrap();
    assert_eq!(f["Properties"]["LoggingConfig"], json!({"LogGroup": {"Ref": log_group}}));
    assert_eq!(t["Resources"][&log_group]["Properties"], json!({"RetentionInDays": 365}));
    let role = &t["Resources"]["AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2"]["Properties"];
    assert!(role.get("ManagedPolicyArns").is_none(), "{role}");
    let role_policy =
        rcdk::logical_id(&[rcdk::custom_resources::PROVIDER_ID, "ServiceRole", "DefaultPolicy", "Resource"]).unwrap();
    assert_eq!(
        t["Resources"][&role_policy]["Properties"]["PolicyDocument"]["Statement"],
        json!([{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [log_group, "Arn"]}}])
    );
    assert_eq!(f["DependsOn"], json!([role_policy]));
    // The provider's non-risks are acknowledged where checkov reads them.
    let skipped: Vec<&str> =
        f["Metadata"]["checkov"]["skip"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(skipped, ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"]);
    assert_eq!(f["Properties"]["Handler"], "index.handler");
    assert_eq!(f["Properties"]["Timeout"], 120);
    assert_eq!(f["Properties"]["Code"]["ZipFile"], rcdk::custom_resources::HANDLER_SOURCE);
    assert_eq!(
        f["Properties"]["Role"],
        json!({"Fn::GetAtt": ["AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2", "Arn"]})
    );
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "lambda.amazonaws.com"})
    );
}

#[test]
fn kms_via_service_typo_is_a_warning() {
    let (app, _) = article("kms.ViaService");
    let asm = app.assemble().unwrap();
    let warnings: Vec<_> = asm.stacks[0].warnings().iter().filter(|p| p.kind == ProblemKind::Policy).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.logical_id.as_deref(), Some("Key961B73FD"));
    assert_eq!(w.property_path.as_deref(), Some("Properties.KeyPolicy.Statement[2].Condition.StringEquals"));
    assert_eq!(
        w.message,
        "KeyPolicy.Statement[2] (\"Allow use of the key through…\"): condition key \"kms.ViaService\" is not of \
         the form prefix:name (did you mean \"kms:ViaService\"?)"
    );
}

#[test]
fn a_second_custom_resource_shares_the_provider() {
    let (_, mut stack) = article("kms:ViaService");
    AwsCustomResource::new(
        &mut stack,
        "Other",
        AwsCustomResourceProps {
            on_create: Some(AwsSdkCall { service: "S3".into(), action: "listBuckets".into(), ..Default::default() }),
            on_delete: Some(AwsSdkCall {
                service: "KinesisFirehose".into(),
                action: "DescribeDeliveryStream".into(),
                physical_resource_id: Some(PhysicalResourceId::from_response(
                    "DeliveryStreamDescription.DeliveryStreamARN",
                )),
                ignore_error_codes_matching: Some("ResourceNotFound".into()),
                output_paths: Some(vec!["DeliveryStreamDescription".into()]),
                ..Default::default()
            }),
            policy: AwsCustomResourcePolicy::from_sdk_calls(["*"]),
            ..Default::default()
        },
    )
    .unwrap();
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let asm = app.assemble().unwrap();
    let t = asm.stacks[0].template();
    let lambdas = t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::Lambda::Function").count();
    assert_eq!(lambdas, 1);
    let crp = rcdk::logical_id(&["Other", "CustomResourcePolicy", "Resource"]).unwrap();
    assert_eq!(
        t["Resources"][&crp]["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {"Action": "s3:ListBuckets", "Effect": "Allow", "Resource": "*"},
            {"Action": "firehose:DescribeDeliveryStream", "Effect": "Allow", "Resource": "*"}
        ])
    );
    let cr = rcdk::logical_id(&["Other", "Resource", "Default"]).unwrap();
    let props = &t["Resources"][&cr]["Properties"];
    assert_eq!(props["Create"], "{\"service\":\"S3\",\"action\":\"listBuckets\"}");
    assert!(props.get("Update").is_none());
    assert_eq!(
        props["Delete"],
        "{\"service\":\"KinesisFirehose\",\"action\":\"DescribeDeliveryStream\",\"physicalResourceId\":{\"responsePath\":\"DeliveryStreamDescription.DeliveryStreamARN\"},\"ignoreErrorCodesMatching\":\"ResourceNotFound\",\"outputPaths\":[\"DeliveryStreamDescription\"]}"
    );
}
