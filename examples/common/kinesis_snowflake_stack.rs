//! The stack of "Streaming real-time data into Snowflake using Kinesis Streams", in rcdk, shared by
//! the `kinesis_snowflake` (custom-resource stream policy, as in the article) and
//! `kinesis_snowflake_native` (native `AWS::Kinesis::ResourcePolicy`) examples.
//!
//! Differences from the article, each because the article's code does not deploy or does not do
//! what it says: producers in other accounts may use the key (`kms:GenerateDataKey` through Kinesis),
//! the Firehose role holds exactly the S3 actions Firehose documents (no deletes), the delivery stream has the `S3Configuration` Firehose requires (an S3 bucket for
//! failed records), the key policy spells `kms:ViaService` correctly, the Firehose role gets read
//! (not read/write) access to the stream, and Snowflake settings are CloudFormation parameters.
//! It also adds the stream monitoring the article recommends, Firehose error logging, and the security
//! review: the key rotates, the backup bucket is versioned and logged, the custom resource removes the
//! stream policy when the stack is deleted, and every remaining scanner finding is acknowledged in code
//! with its reason (docs/security.md).

use rcdk::l1::cloudwatch::{CfnAlarm, alarm};
use rcdk::l1::kinesisfirehose::{CfnDeliveryStream, delivery_stream as firehose};
use rcdk::l1::logs::{CfnLogGroup, CfnLogStream};
use rcdk::l1::sns::CfnTopic;
use rcdk::prelude::*;

/// How producers in other accounts get write access to the stream.
// Each example binary compiles this module and uses one variant.
#[allow(dead_code)]
pub enum StreamPolicyStyle {
    /// `AwsCustomResource` calling Kinesis `PutResourcePolicy`, as the article does.
    CustomResource,
    /// The native `AWS::Kinesis::ResourcePolicy` resource (CloudFormation has it now).
    Native,
}

/// The article's stack.
pub fn kinesis_snowflake_stack(style: StreamPolicyStyle) -> Result<Stack, rcdk::Error> {
    let mut stack = Stack::new(
        "KinesisSnowflakeStack",
        StackProps {
            description: Some("Kinesis Data Streams -> Firehose (Snowpipe Streaming) -> Snowflake".into()),
            ..Default::default()
        },
    )?;
    let settings = SnowflakeSettings::new(&mut stack)?;

    // A customer-managed key, so producers in other accounts can use the stream.
    let key = Key::new(&mut stack, "Key", KeyProps::default())?; // rotation on by default
    key.add_to_resource_policy(
        &mut stack,
        PolicyStatement::allow()
            .sid("Allow direct access to key metadata to the account")
            .principal(Principal::account_root())
            .actions(["kms:Describe*", "kms:Get*", "kms:List*"])
            .resources(["*"]),
    )?;
    key.add_to_resource_policy(
        &mut stack,
        PolicyStatement::allow()
            .sid(
                "Allow use of the key through Amazon Kinesis for principals in the account that are authorized \
                 to use Amazon Kinesis",
            )
            .principal(Principal::any())
            .actions(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])
            .resources(["*"])
            .condition("StringEquals", "kms:ViaService", Value::sub("kinesis.${AWS::Region}.amazonaws.com"))
            .condition("StringEquals", "kms:CallerAccount", Pseudo::AccountId),
    )?;
    stack.as_scope().enter(key.node())?.acknowledge(
        "RCDK-KMS-OPEN-PRINCIPAL",
        "the * principal is bound by kms:ViaService (Kinesis in this region) and kms:CallerAccount (this account)",
    )?;

    // Producers in other accounts need `kms:GenerateDataKey` on the key, or their writes fail
    // ("Permissions to use user-generated KMS keys", Kinesis developer guide,
    // docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html). The statement above
    // covers only callers of this account (`kms:CallerAccount`).
    key.add_to_resource_policy(
        &mut stack,
        PolicyStatement::allow()
            .sid("Allow the producer to generate data keys through Amazon Kinesis")
            .principal(Principal::arn(settings.producer_role_arn.value()))
            .actions(["kms:GenerateDataKey"])
            .resources(["*"])
            .condition("StringEquals", "kms:ViaService", Value::sub("kinesis.${AWS::Region}.amazonaws.com")),
    )?;

    let stream = Stream::new(
        &mut stack,
        "Stream",
        StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() },
    )?;
    stack.as_scope().enter(stream.resource().node())?.acknowledge(
        "AwsSolutions-KDS3",
        "a customer-managed key is required: producers in other accounts cannot use the aws/kinesis key",
    )?;

    // Cross-account producers write through a resource policy on the stream.
    let producer_access = PolicyStatement::allow()
        .sid("Allow cross-account write access to the stream")
        .principal(Principal::arn(settings.producer_role_arn.value()))
        .actions(["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"])
        .resources([stream.stream_arn()]);
    match style {
        StreamPolicyStyle::CustomResource => {
            let put_policy = AwsSdkCall {
                service: "Kinesis".into(),
                action: "PutResourcePolicy".into(),
                parameters: Some(Value::map([
                    ("ResourceARN", stream.stream_arn()),
                    ("Policy", Value::json(PolicyDocument::new().statement(producer_access).to_value())),
                ])),
                physical_resource_id: Some(PhysicalResourceId::of("Resource")),
                ..Default::default()
            };
            // Deleting the stack removes the grant too (the stream is retained, and a policy left on it
            // would keep the producer's cross-account write access); a stream already gone is fine.
            let delete_policy = AwsSdkCall {
                service: "Kinesis".into(),
                action: "DeleteResourcePolicy".into(),
                parameters: Some(Value::map([("ResourceARN", stream.stream_arn())])),
                ignore_error_codes_matching: Some("ResourceNotFoundException".into()),
                ..Default::default()
            };
            AwsCustomResource::new(
                &mut stack,
                "Resource",
                AwsCustomResourceProps {
                    on_update: Some(put_policy),
                    on_delete: Some(delete_policy),
                    policy: AwsCustomResourcePolicy::from_sdk_calls([stream.stream_arn()]),
                    ..Default::default()
                },
            )?;
        }
        StreamPolicyStyle::Native => stream.add_to_resource_policy(&mut stack, producer_access)?,
    }

    // Firehose reads the stream with this role; `sts:ExternalId` pins it to this account.
    let role = Role::new(
        &mut stack,
        "Role",
        RoleProps::assumed_by(Principal::service("firehose.amazonaws.com").with_condition(
            "StringEquals",
            "sts:ExternalId",
            Pseudo::AccountId,
        )),
    )?;
    let secret = Secret::from_secret_name_v2(&mut stack, "Secret", "Snowflake/PrivateKey")?;
    // TLS only and public access blocked by default; failed records are versioned (old versions kept
    // 30 days) and every request is logged to a bucket of its own.
    let backup = Bucket::new(
        &mut stack,
        "BackupBucket",
        BucketProps {
            noncurrent_version_expiration_days: Some(30),
            server_access_logs: ServerAccessLogs::NewBucket { prefix: None },
            ..Default::default()
        },
    )?;
    // Firehose reports delivery errors (Snowflake rejections, auth failures) to CloudWatch Logs; it
    // needs the group and the stream to exist.
    let log_group = stack.add_resource("DeliveryLogs", CfnLogGroup::new().retention_in_days(14))?;
    stack.resource_mut(log_group)?.apply_removal_policy(RemovalPolicy::Retain);
    stack.as_scope().enter(log_group.node())?.acknowledge(
        "RCDK-LOGS-ENCRYPTION",
        "Firehose writes delivery errors (codes, messages), never record data; CloudWatch Logs encrypts them at rest",
    )?;
    let log_stream = stack.add_resource("DeliveryLogStream", CfnLogStream::new(log_group.ref_()))?;

    let destination = firehose::SnowflakeDestinationConfiguration::new(
        settings.account_url.value(),
        settings.database.value(),
        role.role_arn(),
        // Firehose requires S3Configuration: failed records land in the backup bucket.
        firehose::S3DestinationConfiguration::new(backup.bucket_arn(), role.role_arn())
            .compression_format(firehose::CompressionFormat::Gzip),
        settings.schema.value(),
        settings.table.value(),
    )
    .user(settings.user.value())
    // The key never enters the template: CloudFormation resolves the dynamic reference at deploy.
    .private_key(secret.secret_value())
    .snowflake_role_configuration(
        firehose::SnowflakeRoleConfiguration::new().enabled(true).snowflake_role(settings.role.value()),
    )
    .s3_backup_mode(firehose::SnowflakeDestinationConfigurationS3BackupMode::FailedDataOnly)
    .cloud_watch_logging_options(
        firehose::CloudWatchLoggingOptions::new()
            .enabled(true)
            .log_group_name(log_group.ref_())
            .log_stream_name(log_stream.ref_()),
    );
    let delivery_stream = stack.add_resource(
        "DeliveryStream",
        CfnDeliveryStream::new()
            .delivery_stream_type(firehose::DeliveryStreamType::KinesisStreamAsSource)
            .kinesis_stream_source_configuration(firehose::KinesisStreamSourceConfiguration::new(
                stream.stream_arn(),
                role.role_arn(),
            ))
            .snowflake_destination_configuration(destination),
    )?;
    stack.as_scope().enter(delivery_stream.node())?.acknowledge(
        "RCDK-FIREHOSE-SSE",
        "SSE cannot be enabled on a delivery stream whose source is a Kinesis stream; the records are \
         encrypted in the source stream with the customer-managed key",
    )?;
    // The role must hold its permissions before Firehose starts reading with it.
    stream.grant_read(&mut stack, &role)?.apply_before(&mut stack, &[delivery_stream.node()])?;
    // Exactly the S3 actions Firehose documents for its destination and backup bucket (no
    // s3:DeleteObject*): "Grant Firehose access to an Amazon S3 destination",
    // docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3.
    let grant = role.add_to_policy(
        &mut stack,
        PolicyStatement::allow()
            .actions(rcdk::firehose::S3_DELIVERY_ACTIONS.iter().copied())
            .resources([backup.bucket_arn(), backup.arn_for_objects("*")]),
    )?;
    grant.apply_before(&mut stack, &[delivery_stream.node()])?;
    role.add_to_policy(
        &mut stack,
        PolicyStatement::allow().actions(["logs:PutLogEvents"]).resources([log_group.attr_arn()]),
    )?;

    if let Some(policy) = grant.policy_resource() {
        stack.as_scope().enter(policy)?.acknowledge(
            "AwsSolutions-IAM5",
            "the only wildcard is the objects of the one backup bucket (<bucket>/*), whose keys Firehose \
             chooses; the actions are exactly the S3 actions Firehose documents",
        )?;
    }

    StreamMonitoring::new(&mut stack, "Monitoring", &stream)?;
    stack.add_output("StreamArn", Output::new(stream.stream_arn()).description("Producers write here"))?;
    stack.add_output("DeliveryStreamName", Output::new(delivery_stream.ref_()))?;
    stack.add_output("BackupBucketName", Output::new(backup.bucket_name()).description("Failed records"))?;
    Ok(stack)
}

/// Snowflake connection settings (with defaults) and the producer role (required), as parameters, so one
/// template serves every environment (`--parameter-overrides` at deploy).
struct SnowflakeSettings {
    account_url: ParameterHandle,
    database: ParameterHandle,
    schema: ParameterHandle,
    table: ParameterHandle,
    user: ParameterHandle,
    role: ParameterHandle,
    producer_role_arn: ParameterHandle,
}

impl SnowflakeSettings {
    fn new(stack: &mut Stack) -> Result<SnowflakeSettings, rcdk::Error> {
        let name = |default: &str, description: &str| {
            Parameter::string().default(default).description(description).min_length(1).max_length(255)
        };
        Ok(SnowflakeSettings {
            account_url: stack.add_parameter(
                "SnowflakeAccountUrl",
                Parameter::string()
                    .default("https://account.region.snowflakecomputing.com")
                    .description("Snowflake account URL, https://<account>.<region>.snowflakecomputing.com")
                    .allowed_pattern(r"^https://.+\.snowflakecomputing\.com$")
                    .constraint_description("must be https://<account>.<region>.snowflakecomputing.com"),
            )?,
            database: stack.add_parameter("SnowflakeDatabase", name("database", "Snowflake database"))?,
            schema: stack.add_parameter("SnowflakeSchema", name("schema", "Snowflake schema"))?,
            table: stack.add_parameter("SnowflakeTable", name("table", "Snowflake table"))?,
            user: stack.add_parameter("SnowflakeUser", name("username", "Snowflake user with key-pair auth"))?,
            role: stack.add_parameter("SnowflakeRole", name("role", "Snowflake role Firehose uses"))?,
            producer_role_arn: stack.add_parameter(
                "ProducerRoleArn",
                // Required: no placeholder account; the deploy must name the real producer role.
                Parameter::string()
                    .description("IAM role (in any account) allowed to write to the stream")
                    .allowed_pattern(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"),
            )?,
        })
    }
}

/// Alarms on the stream metrics the article recommends watching, published to an SNS topic.
/// A composite construct of the user's own, written exactly like the library's L2s.
struct StreamMonitoring;

impl StreamMonitoring {
    fn new(scope: &mut impl AsScope, id: &str, stream: &Stream) -> Result<StreamMonitoring, rcdk::Error> {
        let mut scope = scope.as_scope().child(id)?;
        let topic = scope.add_resource("AlarmTopic", CfnTopic::new().display_name("Kinesis stream alarms"))?;
        let mut topic_scope = scope.as_scope().enter(topic.node())?;
        topic_scope.acknowledge(
            "RCDK-SNS-ENCRYPTION",
            "alarm notifications carry the alarm name and state only; encrypting with alias/aws/sns would stop \
             CloudWatch from publishing (that key's policy cannot admit cloudwatch.amazonaws.com)",
        )?;
        topic_scope.acknowledge(
            "RCDK-SNS-TLS",
            "only CloudWatch alarms of this account publish (the default topic policy); a topic policy denying \
             non-TLS publishing would replace that default and need its own grant to CloudWatch",
        )?;
        let alarms: [(&str, &str, &str, alarm::Statistic, f64, alarm::ComparisonOperator); 4] = [
            (
                "IteratorAgeAlarm",
                "GetRecords.IteratorAgeMilliseconds",
                "Records wait more than a minute before Firehose reads them",
                alarm::Statistic::Maximum,
                60_000.0,
                alarm::ComparisonOperator::GreaterThanOrEqualToThreshold,
            ),
            (
                "FailedRecordsAlarm",
                "PutRecords.FailedRecords",
                "Producers' records are failing to reach the stream",
                alarm::Statistic::Sum,
                0.0,
                alarm::ComparisonOperator::GreaterThanThreshold,
            ),
            (
                "WriteThrottledAlarm",
                "WriteProvisionedThroughputExceeded",
                "Writes are throttled: the stream needs more shards",
                alarm::Statistic::Sum,
                0.0,
                alarm::ComparisonOperator::GreaterThanThreshold,
            ),
            (
                "ReadThrottledAlarm",
                "ReadProvisionedThroughputExceeded",
                "Reads are throttled: too many consumers for the shards",
                alarm::Statistic::Sum,
                0.0,
                alarm::ComparisonOperator::GreaterThanThreshold,
            ),
        ];
        for (alarm_id, metric, description, statistic, threshold, comparison) in alarms {
            scope.add_resource(
                alarm_id,
                CfnAlarm::new()
                    .alarm_description(description)
                    .namespace("AWS/Kinesis")
                    .metric_name(metric)
                    .dimensions(vec![alarm::Dimension::new("StreamName", stream.stream_name())])
                    .statistic(statistic)
                    .period(60)
                    .evaluation_periods(5)
                    .threshold(threshold)
                    .comparison_operator(comparison)
                    .treat_missing_data(alarm::TreatMissingData::NotBreaching)
                    .alarm_actions(vec![topic.ref_()]),
            )?;
        }
        Ok(StreamMonitoring)
    }
}
