//! The generated L1 types render what the CloudFormation schemas say (expectations are written from the
//! schemas and the article, not copied from the output).
#![cfg(all(feature = "kinesis", feature = "kinesisfirehose", feature = "iam", feature = "lambda"))]

use rcdk::core::element::CfnResource;
use rcdk::core::stack::{Stack, StackProps};
use rcdk::core::value::{DynamicReference, Map, SecretValue, Val, Value};
use rcdk::l1::kinesis::{CfnStream, stream};
use rcdk::l1::kinesisfirehose::{CfnDeliveryStream, delivery_stream as ds};

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(entries)
}

/// Every object in `v` has its keys in alphabetical order (the generated types' output rule).
fn assert_sorted(v: &Value, path: &str) {
    match v {
        Value::Map(m) => {
            let keys: Vec<&String> = m.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "keys of {path} are not sorted");
            for (k, x) in m {
                assert_sorted(x, &format!("{path}.{k}"));
            }
        }
        Value::List(items) => items.iter().enumerate().for_each(|(i, x)| assert_sorted(x, &format!("{path}[{i}]"))),
        _ => {}
    }
}

#[test]
fn firehose_snowflake_destination_renders_the_schema_property_map() {
    let mut stack = Stack::new("KinesisSnowflakeStack", StackProps::default()).unwrap();
    let role = stack.add_raw_resource("FirehoseRole", "AWS::IAM::Role", Map::new()).unwrap();
    let bucket = stack.add_raw_resource("BackupBucket", "AWS::S3::Bucket", Map::new()).unwrap();
    let source = stack.add_raw_resource("Stream", "AWS::Kinesis::Stream", Map::new()).unwrap();

    let snowflake = ds::SnowflakeDestinationConfiguration::new(
        "https://xy12345.us-east-1.snowflakecomputing.com",
        "DEMO_DB",
        role.get_att("Arn"),
        ds::S3DestinationConfiguration::new(bucket.get_att("Arn"), role.get_att("Arn"))
            .compression_format(ds::CompressionFormat::Gzip),
        "PUBLIC",
        "EVENTS",
    )
    .user("FIREHOSE_USER")
    .private_key(SecretValue::secrets_manager("Snowflake/PrivateKey", None))
    .data_loading_option(ds::DataLoadingOption::JsonMapping)
    .s3_backup_mode(ds::SnowflakeDestinationConfigurationS3BackupMode::FailedDataOnly)
    .buffering_hints(ds::SnowflakeBufferingHints::new().interval_in_seconds(60).size_in_mbs(1))
    .retry_options(ds::SnowflakeRetryOptions::new().duration_in_seconds(60));
    let delivery = CfnDeliveryStream::new()
        .delivery_stream_name("orders-to-snowflake")
        .delivery_stream_type(ds::DeliveryStreamType::KinesisStreamAsSource)
        .kinesis_stream_source_configuration(ds::KinesisStreamSourceConfiguration::new(
            source.get_att("Arn"),
            role.get_att("Arn"),
        ))
        .snowflake_destination_configuration(snowflake);
    let props = delivery.into_properties();

    let role_arn = Value::GetAtt(role.node(), "Arn".into());
    let expected = map(vec![
        ("DeliveryStreamName", "orders-to-snowflake".into()),
        ("DeliveryStreamType", "KinesisStreamAsSource".into()),
        (
            "KinesisStreamSourceConfiguration",
            map(vec![("KinesisStreamARN", Value::GetAtt(source.node(), "Arn".into())), ("RoleARN", role_arn.clone())]),
        ),
        (
            "SnowflakeDestinationConfiguration",
            map(vec![
                ("AccountUrl", "https://xy12345.us-east-1.snowflakecomputing.com".into()),
                ("BufferingHints", map(vec![("IntervalInSeconds", 60.into()), ("SizeInMBs", 1.into())])),
                ("DataLoadingOption", "JSON_MAPPING".into()),
                ("Database", "DEMO_DB".into()),
                (
                    "PrivateKey",
                    Value::Dynamic(DynamicReference::SecretsManager {
                        secret_id: "Snowflake/PrivateKey".into(),
                        json_key: None,
                        version_stage: None,
                        version_id: None,
                    }),
                ),
                ("RetryOptions", map(vec![("DurationInSeconds", 60.into())])),
                ("RoleARN", role_arn.clone()),
                ("S3BackupMode", "FailedDataOnly".into()),
                (
                    "S3Configuration",
                    map(vec![
                        ("BucketARN", Value::GetAtt(bucket.node(), "Arn".into())),
                        ("CompressionFormat", "GZIP".into()),
                        ("RoleARN", role_arn),
                    ]),
                ),
                ("Schema", "PUBLIC".into()),
                ("Table", "EVENTS".into()),
                ("User", "FIREHOSE_USER".into()),
            ]),
        ),
    ]);
    let got = Value::Map(props);
    assert_eq!(got, expected);
    assert_sorted(&got, "Properties");
    assert_eq!(CfnDeliveryStream::TYPE_NAME, "AWS::KinesisFirehose::DeliveryStream");
}

#[test]
fn unset_optional_properties_are_not_emitted() {
    assert!(CfnStream::new().into_properties().is_empty());
    let props = CfnStream::new().shard_count(2).into_properties();
    assert_eq!(props.keys().collect::<Vec<_>>(), ["ShardCount"]);
}

#[test]
fn enums_use_the_cloudformation_spelling() {
    assert_eq!(stream::StreamMode::OnDemand.as_str(), "ON_DEMAND");
    assert_eq!(stream::StreamMode::Provisioned.to_string(), "PROVISIONED");
    assert_eq!(ds::CompressionFormat::HadoopSnappy.as_str(), "HADOOP_SNAPPY");
    assert_eq!(ds::CompressionFormat::Snappy.as_str(), "Snappy");
    assert_eq!(Value::from(Val::from(stream::StreamMode::OnDemand)), Value::String("ON_DEMAND".into()));
    let props = CfnStream::new()
        .stream_mode_details(stream::StreamModeDetails::new(stream::StreamMode::OnDemand))
        .into_properties();
    assert_eq!(props["StreamModeDetails"], Value::map([("StreamMode", "ON_DEMAND")]));
}

#[test]
fn lists_of_enums_take_vectors_of_variants() {
    let props = CfnStream::new()
        .desired_shard_level_metrics(vec![stream::EnhancedMetric::IncomingBytes, stream::EnhancedMetric::All])
        .into_properties();
    assert_eq!(props["DesiredShardLevelMetrics"], Value::list(["IncomingBytes", "ALL"]));
}

#[test]
fn property_types_and_lists_of_them_take_structs_or_expressions() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let encrypted = stack.add_condition("Encrypted", Value::equals("a", "a")).unwrap();
    let sse = stream::StreamEncryption::new(stream::EncryptionType::Kms, "alias/aws/kinesis");
    let props = CfnStream::new()
        .stream_encryption(encrypted.if_(sse.clone(), rcdk::core::value::Pseudo::NoValue))
        .tags(vec![rcdk::l1::Tag::new("team", "data"), rcdk::l1::Tag::new("env", "prod")])
        .into_properties();
    assert_eq!(
        props["StreamEncryption"],
        encrypted.if_(
            Value::map([("EncryptionType", "KMS"), ("KeyId", "alias/aws/kinesis")]),
            Value::Pseudo(rcdk::core::value::Pseudo::NoValue)
        )
    );
    assert_eq!(
        props["Tags"],
        Value::list([
            Value::map([("Key", "team"), ("Value", "data")]),
            Value::map([("Key", "env"), ("Value", "prod")])
        ])
    );
    assert_eq!(Value::from(sse), Value::map([("EncryptionType", "KMS"), ("KeyId", "alias/aws/kinesis")]));
}

#[test]
fn enum_properties_also_take_expressions() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let mode = stack.add_parameter("Mode", rcdk::core::element::Parameter::string()).unwrap();
    let details = stream::StreamModeDetails::new(mode.value());
    assert_eq!(details.stream_mode.value(), &Value::Ref(mode.node()));
}

#[test]
fn attribute_methods_are_get_att() {
    let mut stack = Stack::new("S", StackProps::default()).unwrap();
    let s = stack.add_resource("Stream", CfnStream::new()).unwrap();
    assert_eq!(s.attr_arn().value(), &Value::GetAtt(s.node(), "Arn".into()));
    let f = stack
        .add_resource(
            "Fn",
            rcdk::l1::lambda::CfnFunction::new(
                rcdk::l1::lambda::function::Code::new().zip_file("exports.handler = async () => {}"),
                "arn:aws:iam::123456789012:role/r",
            ),
        )
        .unwrap();
    assert_eq!(
        f.attr_snap_start_response_apply_on().value(),
        &Value::GetAtt(f.node(), "SnapStartResponse.ApplyOn".into())
    );
}

#[test]
fn required_properties_are_constructor_arguments() {
    let role = rcdk::l1::iam::CfnRole::new(Value::map([("Version", "2012-10-17")])).role_name("r");
    let props = role.into_properties();
    assert_eq!(props.keys().collect::<Vec<_>>(), ["AssumeRolePolicyDocument", "RoleName"]);
}
