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
fn remote_ref_needs_a_concrete_environment_and_generates_a_name_if_needed() {
    let mut agnostic = Stack::new("Ingest", StackProps::default()).unwrap();
    let s = encrypted_stream(&mut agnostic, Some("events"));
    let e = s.remote_ref(&mut agnostic).unwrap_err();
    assert!(matches!(e, TreeError::InvalidInput(_)));
    assert!(e.to_string().contains("Ingest/Stream/Resource (Stream790BDEE4)"), "{e}");

    let mut ok = Stack::new("Ingest", env("111111111111", "eu-west-1")).unwrap();
    let s = encrypted_stream(&mut ok, Some("events"));
    let r = s.remote_ref(&mut ok).unwrap();
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

    // Without a name: CDK's generated physical name, written into the template.
    let mut unnamed = Stack::new("IngestStack", env("111111111111", "eu-west-1")).unwrap();
    let s = encrypted_stream(&mut unnamed, None);
    let r = s.remote_ref(&mut unnamed).unwrap();
    // Derived independently with Python's hashlib (see core::ids::generated_physical_name).
    assert_eq!(r.name, "ingeststackngeststackstream45a6bed46845a339ae6f");
    let t = template(unnamed);
    assert_eq!(t["Resources"]["Stream790BDEE4"]["Properties"]["Name"], r.name.as_str());
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

mod firehose {
    use super::*;
    use rcdk::firehose::*;
    use rcdk::lambda::{Code, Function, FunctionProps, Runtime};

    fn destination(auth: SnowflakeAuth) -> SnowflakeDestination {
        SnowflakeDestination {
            account_url: "https://xy12345.eu-west-1.snowflakecomputing.com".into(),
            database: "ANALYTICS".into(),
            schema: "EVENTS".into(),
            table: "RAW".into(),
            auth,
            options: SnowflakeOptions::default(),
        }
    }

    const SECRET_ARN: &str = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:sf-AbCdEf";

    /// An imported secret (imports add no resource, so the error tests may import into any stack).
    fn secret() -> SnowflakeAuth {
        let mut other = Stack::new("Secrets", StackProps::default()).unwrap();
        SnowflakeAuth::SecretsManager { secret: Secret::from_arn(&mut other, "Secret", SECRET_ARN).unwrap() }
    }

    /// The delivery role's policy statements that mention `prefix` actions.
    fn statements_for<'a>(t: &'a serde_json::Value, prefix: &str) -> Vec<&'a serde_json::Value> {
        let (_, policy) = find(t, "AWS::IAM::Policy").into_iter().find(|(k, _)| k.starts_with("DeliveryRole")).unwrap();
        policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Action"].to_string().contains(prefix))
            .collect()
    }

    #[test]
    fn created_secret_with_key_is_retained_referenced_and_granted_exactly() {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let key = Key::new(&mut stack, "SecretKey", KeyProps::default()).unwrap();
        let secret = Secret::new(
            &mut stack,
            "SnowflakeSecret",
            rcdk::secretsmanager::SecretProps {
                secret_name: Some("Snowflake/Firehose".into()),
                description: Some("Firehose key pair for Snowflake".into()),
                encryption_key: Some(key),
                ..Default::default()
            },
        )
        .unwrap();
        let secret_id = stack.logical_id(secret.resource().unwrap().node()).unwrap();
        let key_id = stack.logical_id(key.resource().node()).unwrap();
        DeliveryStream::new(
            &mut stack,
            "Delivery",
            DeliveryStreamProps::new(
                Source::DirectPut { encryption: DirectPutEncryption::AwsOwned },
                destination(SnowflakeAuth::SecretsManager { secret }),
            ),
        )
        .unwrap();
        let t = template(stack);
        let r = &t["Resources"][&secret_id];
        assert_eq!(r["Type"], "AWS::SecretsManager::Secret");
        assert_eq!(
            r["Properties"],
            json!({
                "Description": "Firehose key pair for Snowflake",
                "KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
                "Name": "Snowflake/Firehose"
            })
        );
        // Retained like CDK's Secret: a deleted secret loses the credentials.
        assert_eq!(r["DeletionPolicy"], "Retain");
        assert_eq!(r["UpdateReplacePolicy"], "Retain");
        let (_, d) = find(&t, "AWS::KinesisFirehose::DeliveryStream")[0];
        assert_eq!(
            d["Properties"]["SnowflakeDestinationConfiguration"]["SecretsManagerConfiguration"],
            json!({"Enabled": true, "SecretARN": {"Ref": secret_id}})
        );
        let secret_statements = statements_for(&t, "secretsmanager:");
        assert_eq!(secret_statements.len(), 1);
        assert_eq!(secret_statements[0]["Action"], "secretsmanager:GetSecretValue");
        assert_eq!(secret_statements[0]["Resource"], json!({"Ref": secret_id}));
        let decrypt: Vec<_> = statements_for(&t, "kms:Decrypt")
            .into_iter()
            .filter(|s| s["Resource"] == json!({"Fn::GetAtt": [key_id, "Arn"]}))
            .collect();
        assert_eq!(decrypt.len(), 1, "{decrypt:?}");
        assert_eq!(decrypt[0]["Action"], "kms:Decrypt");
        assert_eq!(
            decrypt[0]["Condition"],
            json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}})
        );
    }

    #[test]
    fn secret_value_of_a_created_or_parameter_secret_joins_its_arn_into_the_dynamic_reference() {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let created = Secret::new(&mut stack, "Created", Default::default()).unwrap();
        let id = stack.logical_id(created.resource().unwrap().node()).unwrap();
        let parameter = stack.add_parameter("SecretArn", Parameter::string()).unwrap();
        let imported = Secret::from_arn(&mut stack, "Imported", parameter.value()).unwrap();
        let parameter_id = stack.logical_id(parameter.node()).unwrap();
        DeliveryStream::new(
            &mut stack,
            "Delivery",
            DeliveryStreamProps::new(
                Source::DirectPut { encryption: DirectPutEncryption::AwsOwned },
                destination(SnowflakeAuth::KeyPair {
                    user: created.secret_value_from_json("user").into(),
                    private_key: imported.secret_value_from_json("private_key"),
                    passphrase: None,
                }),
            ),
        )
        .unwrap();
        // No warning: a dynamic reference reaches the secret property.
        let t = template(stack);
        let (_, d) = find(&t, "AWS::KinesisFirehose::DeliveryStream")[0];
        let sf = &d["Properties"]["SnowflakeDestinationConfiguration"];
        assert_eq!(
            sf["User"],
            json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": id}, ":SecretString:user::}}"]]})
        );
        assert_eq!(
            sf["PrivateKey"],
            json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": parameter_id}, ":SecretString:private_key::}}"]]})
        );
    }

    #[test]
    fn imported_secrets_are_granted_exactly_and_add_no_resource() {
        // By full ARN, with a customer-managed key of this stack.
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let key = Key::new(&mut stack, "SecretKey", KeyProps::default()).unwrap();
        let key_id = stack.logical_id(key.resource().node()).unwrap();
        let secret = Secret::from_arn(&mut stack, "Imported", SECRET_ARN).unwrap().with_encryption_key(key);
        assert!(secret.resource().is_none());
        DeliveryStream::new(
            &mut stack,
            "Delivery",
            DeliveryStreamProps::new(
                Source::DirectPut { encryption: DirectPutEncryption::AwsOwned },
                destination(SnowflakeAuth::SecretsManager { secret }),
            ),
        )
        .unwrap();
        let t = template(stack);
        assert!(find(&t, "AWS::SecretsManager::Secret").is_empty());
        let (_, d) = find(&t, "AWS::KinesisFirehose::DeliveryStream")[0];
        assert_eq!(
            d["Properties"]["SnowflakeDestinationConfiguration"]["SecretsManagerConfiguration"]["SecretARN"],
            SECRET_ARN
        );
        let secret_statements = statements_for(&t, "secretsmanager:");
        assert_eq!(secret_statements.len(), 1);
        assert_eq!(secret_statements[0]["Action"], "secretsmanager:GetSecretValue");
        assert_eq!(secret_statements[0]["Resource"], SECRET_ARN);
        let decrypt = statements_for(&t, "kms:Decrypt");
        assert_eq!(decrypt.len(), 1, "{decrypt:?}");
        assert_eq!(decrypt[0]["Resource"], json!({"Fn::GetAtt": [key_id, "Arn"]}));
        assert_eq!(
            decrypt[0]["Condition"]["StringEquals"]["kms:ViaService"],
            json!({"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"})
        );

        // By name: Firehose gets the partial ARN, the grant covers the six-character suffix.
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let secret = Secret::from_secret_name_v2(&mut stack, "Imported", "Snowflake/Firehose").unwrap();
        DeliveryStream::new(
            &mut stack,
            "Delivery",
            DeliveryStreamProps::new(
                Source::DirectPut { encryption: DirectPutEncryption::AwsOwned },
                destination(SnowflakeAuth::SecretsManager { secret }),
            ),
        )
        .unwrap();
        let t = template(stack);
        let (_, d) = find(&t, "AWS::KinesisFirehose::DeliveryStream")[0];
        assert_eq!(
            d["Properties"]["SnowflakeDestinationConfiguration"]["SecretsManagerConfiguration"]["SecretARN"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:Snowflake/Firehose"})
        );
        let secret_statements = statements_for(&t, "secretsmanager:");
        assert_eq!(secret_statements.len(), 1);
        assert_eq!(
            secret_statements[0]["Resource"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:Snowflake/Firehose-??????"})
        );
        assert!(statements_for(&t, "kms:").is_empty());
    }

    #[test]
    fn created_secret_bad_name_and_other_stack_are_errors() {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let e = Secret::new(
            &mut stack,
            "Bad",
            rcdk::secretsmanager::SecretProps { secret_name: Some("snow flake!".into()), ..Default::default() },
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("Ingest/Bad/Resource (Bad"), "{e}");
        assert!(e.contains("Name: expected 1 to 512 characters"), "{e}");
        assert!(e.contains("\"snow flake!\""), "{e}");
        // Nothing half-written: no secret resource was added.
        Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
        let mut app = App::new();
        app.add_stack(stack).unwrap();
        let asm = app.assemble().unwrap();
        assert!(find(asm.stacks[0].template(), "AWS::SecretsManager::Secret").is_empty());

        // A created secret of another stack cannot be referenced by Ref.
        let mut other = Stack::new("Secrets", StackProps::default()).unwrap();
        let secret = Secret::new(&mut other, "Secret", Default::default()).unwrap();
        let e = error_of(DeliveryStreamProps::new(
            Source::direct_put(),
            destination(SnowflakeAuth::SecretsManager { secret }),
        ));
        assert!(e.contains("DeliveryStream::new"), "{e}");
    }

    fn find<'a>(t: &'a serde_json::Value, ty: &str) -> Vec<(&'a String, &'a serde_json::Value)> {
        t["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).collect()
    }

    fn role_actions(t: &serde_json::Value) -> Vec<String> {
        let (_, policy) = find(t, "AWS::IAM::Policy")[0];
        let mut out = Vec::new();
        for s in policy["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap() {
            match &s["Action"] {
                serde_json::Value::String(a) => out.push(a.clone()),
                serde_json::Value::Array(l) => out.extend(l.iter().map(|a| a.as_str().unwrap().to_string())),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn kinesis_source_secrets_manager_processor_and_all_data_backup() {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let stream = encrypted_stream(&mut stack, None);
        let function = Function::new(
            &mut stack,
            "Transform",
            FunctionProps::new(Runtime::Python313, "index.handler", Code::inline("def handler(e, c):\n    return e\n")),
        )
        .unwrap();
        // The one finding the delivery stream cannot judge: what the function's code logs.
        stack
            .as_scope()
            .enter(function.log_group().node())
            .unwrap()
            .acknowledge("RCDK-LOGS-ENCRYPTION", "the handler returns its input and logs nothing")
            .unwrap();
        let mut props = DeliveryStreamProps::new(Source::kinesis_stream(&stream), destination(secret()));
        props.processor = Some(LambdaProcessor {
            function,
            buffer_size_mb: Some(1),
            buffer_interval_seconds: Some(60),
            retries: Some(3),
        });
        props.backup.mode = BackupMode::AllData;
        props.backup.prefix = Some("backup/".into());
        props.backup.error_output_prefix = Some("errors/".into());
        let delivery = DeliveryStream::new(&mut stack, "Delivery", props).unwrap();
        let id = stack.logical_id(delivery.resource().node()).unwrap();
        let function_id = stack.logical_id(function.resource().node()).unwrap();
        let t = template(stack);
        let d = &t["Resources"][&id];
        assert_eq!(d["Properties"]["DeliveryStreamType"], "KinesisStreamAsSource");
        assert!(d["Properties"].get("DeliveryStreamEncryptionConfigurationInput").is_none());
        let sf = &d["Properties"]["SnowflakeDestinationConfiguration"];
        assert_eq!(sf["Schema"], "EVENTS");
        assert_eq!(sf["Table"], "RAW");
        assert_eq!(sf["SecretsManagerConfiguration"]["Enabled"], true);
        assert!(sf.get("PrivateKey").is_none() && sf.get("User").is_none());
        assert_eq!(sf["S3BackupMode"], "AllData");
        assert_eq!(sf["S3Configuration"]["Prefix"], "backup/");
        assert_eq!(sf["S3Configuration"]["ErrorOutputPrefix"], "errors/");
        assert_eq!(sf["S3Configuration"]["CloudWatchLoggingOptions"]["Enabled"], true);
        assert_eq!(sf["CloudWatchLoggingOptions"]["Enabled"], true);
        let params = sf["ProcessingConfiguration"]["Processors"][0]["Parameters"].as_array().unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["ParameterName"].as_str().unwrap()).collect();
        assert_eq!(names, ["LambdaArn", "BufferSizeInMBs", "BufferIntervalInSeconds", "NumberOfRetries"]);
        // The role's policy exists before the delivery stream.
        let (policy_id, _) =
            find(&t, "AWS::IAM::Policy").into_iter().find(|(k, _)| k.starts_with("DeliveryRole")).unwrap();
        assert_eq!(d["DependsOn"], json!([policy_id]));
        // Exactly the documented permissions.
        let (_, policy) =
            find(&t, "AWS::IAM::Policy").into_iter().find(|(k, _)| k.starts_with("DeliveryRole")).unwrap();
        let doc = policy["Properties"]["PolicyDocument"].to_string();
        for action in rcdk::firehose::S3_DELIVERY_ACTIONS
            .iter()
            .chain(rcdk::firehose::KINESIS_SOURCE_ACTIONS)
            .chain(rcdk::firehose::LAMBDA_ACTIONS)
            .chain(["secretsmanager:GetSecretValue", "kms:Decrypt", "logs:PutLogEvents"].iter())
        {
            assert!(doc.contains(&format!("\"{action}\"")), "{action} missing from {doc}");
        }
        assert!(!doc.contains("Delete"), "{doc}");
        // Trust: Firehose with the account as external id.
        let (_, role) = find(&t, "AWS::IAM::Role").into_iter().find(|(k, _)| k.starts_with("DeliveryRole")).unwrap();
        let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Principal"]["Service"], "firehose.amazonaws.com");
        assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"], json!({"Ref": "AWS::AccountId"}));
        // A created backup bucket expires its objects, keeps deleted or overwritten versions for 30
        // days, and logs access to a created log bucket.
        let buckets = find(&t, "AWS::S3::Bucket");
        let (_, bucket) = buckets.iter().find(|(k, _)| !k.contains("AccessLogs")).unwrap();
        let (logs_id, _) = buckets.iter().find(|(k, _)| k.contains("AccessLogs")).unwrap();
        let b = &bucket["Properties"];
        assert_eq!(
            b["LifecycleConfiguration"]["Rules"],
            json!([
                {"Id": "ExpireNoncurrentVersions", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "Status": "Enabled"},
                {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}, "ExpirationInDays": 90, "Id": "ExpireBackups", "Status": "Enabled"}
            ])
        );
        assert_eq!(b["VersioningConfiguration"]["Status"], "Enabled");
        assert_eq!(b["LoggingConfiguration"]["DestinationBucketName"], json!({"Ref": logs_id}));
        // The processor's findings that do not apply to a synchronous Firehose transformation are
        // acknowledged on the function, where checkov reads them.
        let mut skipped: Vec<&str> = t["Resources"][&function_id]["Metadata"]["checkov"]["skip"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        skipped.sort_unstable();
        assert_eq!(skipped, ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"]);
    }

    #[test]
    fn key_pair_direct_put_with_encryption() {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
        let props = DeliveryStreamProps::new(
            Source::DirectPut { encryption: DirectPutEncryption::CustomerManaged(key) },
            destination(SnowflakeAuth::KeyPair {
                user: "FIREHOSE".into(),
                private_key: SecretValue::secrets_manager("sf/key", None),
                passphrase: None,
            }),
        );
        DeliveryStream::new(&mut stack, "Delivery", props).unwrap();
        let t = template(stack);
        let (_, d) = find(&t, "AWS::KinesisFirehose::DeliveryStream")[0];
        assert_eq!(d["Properties"]["DeliveryStreamType"], "DirectPut");
        assert_eq!(d["Properties"]["DeliveryStreamEncryptionConfigurationInput"]["KeyType"], "CUSTOMER_MANAGED_CMK");
        let sf = &d["Properties"]["SnowflakeDestinationConfiguration"];
        assert_eq!(sf["User"], "FIREHOSE");
        assert!(sf.get("SecretsManagerConfiguration").is_none());
        let actions = role_actions(&t);
        assert!(!actions.iter().any(|a| a.starts_with("kinesis:") || a.starts_with("secretsmanager:")), "{actions:?}");
    }

    fn error_of(props: DeliveryStreamProps) -> String {
        let mut stack = Stack::new("Ingest", StackProps::default()).unwrap();
        DeliveryStream::new(&mut stack, "Delivery", props).unwrap_err().to_string()
    }

    #[test]
    fn bad_inputs_are_errors_naming_path_logical_id_and_property() {
        let mut bad = destination(secret());
        bad.account_url = "https://xy12345.snowflake.example.com".into();
        let e = error_of(DeliveryStreamProps::new(Source::direct_put(), bad));
        assert!(e.starts_with("Ingest/Delivery/Resource (Delivery"), "{e}");
        assert!(e.contains("SnowflakeDestinationConfiguration.AccountUrl: expected a Snowflake account URL"), "{e}");

        let e = error_of(DeliveryStreamProps::new(
            Source::direct_put(),
            destination(SnowflakeAuth::SecretsManager {
                secret: Secret::from_arn(&mut Stack::new("X", StackProps::default()).unwrap(), "S", "sf/key").unwrap(),
            }),
        ));
        assert!(e.contains("SecretsManagerConfiguration.SecretARN: expected the full ARN"), "{e}");

        let mut slow = destination(secret());
        slow.options.buffering = Some(Buffering { interval_seconds: 1000, size_mb: 1 });
        let e = error_of(DeliveryStreamProps::new(Source::direct_put(), slow));
        assert!(e.contains("BufferingHints.IntervalInSeconds: expected 0 to 900; found 1000"), "{e}");

        let mut props = DeliveryStreamProps::new(Source::direct_put(), destination(secret()));
        props.log_retention_days = 2;
        assert!(error_of(props).contains("RetentionInDays"));
    }

    #[test]
    fn lambda_function_has_its_own_log_group_and_scoped_role() {
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let f = Function::new(
            &mut stack,
            "Transform",
            FunctionProps::new(Runtime::Python313, "index.handler", Code::inline("x = 1\n")),
        )
        .unwrap();
        let id = stack.logical_id(f.resource().node()).unwrap();
        let group = stack.logical_id(f.log_group().node()).unwrap();
        // A function on its own is judged as such: no DLQ, concurrency or VPC acknowledgments (a
        // Firehose processor gets them from the delivery stream) and its log group's key is the
        // user's call.
        let mut app = App::new();
        app.add_stack(stack).unwrap();
        let asm = app.assemble().unwrap();
        let mut found: Vec<String> = asm.stacks[0]
            .warnings()
            .iter()
            .map(|w| {
                format!("{} {}", w.logical_id.as_deref().unwrap_or("-"), w.message.split(':').next().unwrap_or(""))
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                format!("{id} RCDK-LAMBDA-CONCURRENCY"),
                format!("{id} RCDK-LAMBDA-DLQ"),
                format!("{id} RCDK-LAMBDA-VPC"),
                format!("{group} RCDK-LOGS-ENCRYPTION"),
            ]
        );
        let t = asm.stacks[0].template().clone();
        let p = &t["Resources"][&id]["Properties"];
        assert_eq!(p["Runtime"], "python3.13");
        assert_eq!(p["Code"]["ZipFile"], "x = 1\n");
        assert_eq!(p["LoggingConfig"]["LogGroup"], json!({"Ref": group}));
        assert_eq!(t["Resources"][&group]["Properties"]["RetentionInDays"], 30);
        let (_, policy) = find(&t, "AWS::IAM::Policy")[0];
        let s = &policy["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(s["Resource"], json!({"Fn::GetAtt": [group, "Arn"]}));

        let mut s2 = Stack::new("S", StackProps::default()).unwrap();
        let mut props = FunctionProps::new(Runtime::Python313, "index.handler", Code::inline("x"));
        props.timeout_seconds = 901;
        let e = Function::new(&mut s2, "F", props).unwrap_err().to_string();
        assert!(e.contains("S/F/Resource (F") && e.contains("Timeout: expected 1 to 900 seconds; found 901"), "{e}");
        let e = Code::from_file("/nonexistent/handler.py").unwrap_err().to_string();
        assert!(e.contains("/nonexistent/handler.py"), "{e}");
    }
}

mod monitoring {
    use super::*;
    use rcdk::cloudwatch::{Alarm, AlarmProps, Comparison};
    use rcdk::firehose::*;
    use rcdk::sns::{Topic, TopicProps};

    #[test]
    fn topic_has_email_subscription_and_a_policy_for_cloudwatch() {
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let email = stack.add_parameter("AlarmEmail", Parameter::string()).unwrap();
        let topic = Topic::new(
            &mut stack,
            "Alarms",
            TopicProps { email_subscriptions: vec![email.value()], ..Default::default() },
        )
        .unwrap();
        let id = stack.logical_id(topic.resource().node()).unwrap();
        let t = template(stack);
        assert_eq!(
            t["Resources"][&id]["Properties"]["Subscription"],
            json!([{"Endpoint": {"Ref": "AlarmEmail"}, "Protocol": "email"}])
        );
        let policy =
            t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::SNS::TopicPolicy").unwrap();
        let s = &policy["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(s["Principal"]["Service"], "cloudwatch.amazonaws.com");
        assert_eq!(s["Action"], "sns:Publish");
        // Publishing without TLS is refused, for everyone.
        let deny = &policy["Properties"]["PolicyDocument"]["Statement"][1];
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Principal"], json!({"AWS": "*"}));
        assert_eq!(deny["Action"], "sns:Publish");
        assert_eq!(deny["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
        assert_eq!(policy["Properties"]["Topics"], json!([{"Ref": id}]));
        // Without a key, an alarm topic acknowledges the encryption finding (with its reason).
        let ack = &t["Resources"][&id]["Metadata"]["checkov"]["skip"][0];
        assert_eq!(ack["id"], "CKV_AWS_26");
        assert!(ack["comment"].as_str().unwrap().contains("alias/aws/sns"), "{ack}");
    }

    #[test]
    fn alarm_validation_and_rendering() {
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let stream = Stream::new(&mut stack, "Stream", StreamProps::default()).unwrap();
        let mut props =
            AlarmProps::new(stream.metric_iterator_age_max().with_period(45), 1.0, Comparison::GreaterThan, 1);
        let e = Alarm::new(&mut stack, "A", props.clone()).unwrap_err().to_string();
        assert!(e.contains("S/A/Resource (A") && e.contains("Period: expected 10, 20, 30 or a multiple of 60"), "{e}");
        props.metric = props.metric.with_period(60);
        props.datapoints_to_alarm = Some(2);
        let e = Alarm::new(&mut stack, "B", props.clone()).unwrap_err().to_string();
        assert!(e.contains("DatapointsToAlarm: expected 1 to EvaluationPeriods (1); found 2"), "{e}");
        props.datapoints_to_alarm = None;
        let a = Alarm::new(&mut stack, "C", props).unwrap();
        let id = stack.logical_id(a.resource().node()).unwrap();
        let t = template(stack);
        let p = &t["Resources"][&id]["Properties"];
        assert_eq!(p["MetricName"], "GetRecords.IteratorAgeMilliseconds");
        assert_eq!(p["Dimensions"], json!([{"Name": "StreamName", "Value": {"Ref": "Stream790BDEE4"}}]));
        assert_eq!(p["TreatMissingData"], "notBreaching");
    }

    #[test]
    fn recommended_alarms_cover_stream_and_delivery_and_notify_the_topic() {
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let stream = Stream::new(&mut stack, "Stream", StreamProps::default()).unwrap();
        let snowflake_secret = Secret::from_arn(
            &mut stack,
            "SnowflakeSecret",
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf",
        )
        .unwrap();
        let delivery = DeliveryStream::new(
            &mut stack,
            "Delivery",
            DeliveryStreamProps::new(
                Source::kinesis_stream(&stream),
                SnowflakeDestination {
                    account_url: "https://a.eu-west-1.snowflakecomputing.com".into(),
                    database: "D".into(),
                    schema: "S".into(),
                    table: "T".into(),
                    auth: SnowflakeAuth::SecretsManager { secret: snowflake_secret },
                    options: SnowflakeOptions::default(),
                },
            ),
        )
        .unwrap();
        let topic = Topic::new(&mut stack, "Alarms", TopicProps::default()).unwrap();
        let topic_id = stack.logical_id(topic.resource().node()).unwrap();
        let m = PipelineMonitoring::new(&mut stack, "Monitoring", &stream, &delivery, &topic).unwrap();
        assert_eq!(m.alarms.len(), RECOMMENDED_ALARMS.len());
        let t = template(stack);
        let alarms: Vec<&serde_json::Value> =
            t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::CloudWatch::Alarm").collect();
        let names: Vec<&str> = alarms.iter().map(|a| a["Properties"]["MetricName"].as_str().unwrap()).collect();
        for (_, metric, ..) in RECOMMENDED_ALARMS {
            assert!(names.contains(metric), "{metric}");
        }
        for a in &alarms {
            assert_eq!(a["Properties"]["AlarmActions"], json!([{"Ref": topic_id}]));
        }
        let freshness =
            alarms.iter().find(|a| a["Properties"]["MetricName"] == "DeliveryToSnowflake.DataFreshness").unwrap();
        assert_eq!(freshness["Properties"]["Namespace"], "AWS/Firehose");
        assert_eq!(freshness["Properties"]["Threshold"], 900.0);
        let dashboard =
            t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::CloudWatch::Dashboard").unwrap();
        let body = dashboard["Properties"]["DashboardBody"].to_string();
        assert!(
            body.contains("DeliveryToSnowflake.DataFreshness") && body.contains("IteratorAgeMilliseconds"),
            "{body}"
        );
    }

    #[test]
    fn enhanced_fan_out_consumer_and_its_grant() {
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let stream = encrypted_stream(&mut stack, None);
        let consumer = stream.add_consumer(&mut stack, "Analytics").unwrap();
        let role =
            Role::new(&mut stack, "Role", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com"))).unwrap();
        consumer.grant_read(&mut stack, &role).unwrap();
        let id = stack.logical_id(consumer.resource().node()).unwrap();
        let t = template(stack);
        assert_eq!(t["Resources"][&id]["Type"], "AWS::Kinesis::StreamConsumer");
        assert_eq!(t["Resources"][&id]["Properties"]["ConsumerName"], "Analytics");
        let doc = t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"].clone();
        assert_eq!(doc[0]["Resource"], json!({"Fn::GetAtt": [id, "ConsumerARN"]}));
        assert_eq!(doc[2]["Action"], "kms:Decrypt");
    }
}
