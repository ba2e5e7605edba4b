//! Amazon Data Firehose: a delivery stream L2 that reads a Kinesis stream (or takes direct puts)
//! and delivers to Snowflake, with transformation, S3 backup and error logging.
//!
//! Combinations that would synthesize but fail at deploy cannot be written: the source carries its
//! own configuration ([`Source::kinesis_stream`]); server-side encryption exists only on
//! [`Source::DirectPut`] (Firehose allows it only for direct put, "StartDeliveryStreamEncryption",
//! docs.aws.amazon.com/firehose/latest/APIReference/API_StartDeliveryStreamEncryption.html);
//! authentication is **either** a key pair **or** Secrets Manager ([`SnowflakeAuth`]), and
//! Secrets Manager always names its secret.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::firehose::*;
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let stream = Stream::new(&mut stack, "Stream", StreamProps::default()).unwrap();
//! // Imported by full ARN; `Secret::new` creates one instead.
//! let secret = Secret::from_arn(
//!     &mut stack,
//!     "SnowflakeSecret",
//!     "arn:aws:secretsmanager:eu-west-1:111111111111:secret:snowflake-AbCdEf",
//! )
//! .unwrap();
//! let delivery = DeliveryStream::new(&mut stack, "ToSnowflake", DeliveryStreamProps::new(
//!     Source::kinesis_stream(&stream),
//!     SnowflakeDestination {
//!         account_url: "https://xy12345.eu-west-1.snowflakecomputing.com".into(),
//!         database: "ANALYTICS".into(),
//!         schema: "EVENTS".into(),
//!         table: "RAW_EVENTS".into(),
//!         auth: SnowflakeAuth::SecretsManager { secret },
//!         options: SnowflakeOptions::default(),
//!     },
//! )).unwrap();
//! assert_eq!(stack.logical_id(delivery.resource().node()).unwrap(), "ToSnowflake83622DAD");
//! ```

use crate::core::element::{Handle, RemovalPolicy};
use crate::core::stack::{AsScope, Scope};
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Pseudo, SecretValue, Value};
use crate::iam::{PolicyStatement, Principal, Role, RoleProps, check_same_stack};
use crate::kinesis::Stream;
use crate::kms::Key;
use crate::l1::kinesisfirehose::CfnDeliveryStream;
use crate::l1::kinesisfirehose::delivery_stream as l1;
use crate::l1::logs::{CfnLogGroup, CfnLogStream};
use crate::lambda::Function;
use crate::s3::{Bucket, BucketProps, ServerAccessLogs};
use crate::secretsmanager::Secret;

/// What Firehose needs on an S3 bucket it delivers or backs up to, exactly as documented (Amazon
/// Data Firehose developer guide, "Grant Firehose access to an Amazon S3 destination",
/// docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3), on the bucket and
/// its objects. No `s3:DeleteObject*`: Firehose never deletes.
pub const S3_DELIVERY_ACTIONS: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
];

/// What Firehose needs on a Kinesis stream it reads (same guide, "Grant Firehose access to … a
/// Kinesis data stream as source", controlling-access.html#using-iam-s3 policy, Kinesis statement).
pub const KINESIS_SOURCE_ACTIONS: &[&str] =
    &["kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"];

/// What Firehose needs on its transformation function (same guide, Lambda statement).
pub const LAMBDA_ACTIONS: &[&str] = &["lambda:GetFunctionConfiguration", "lambda:InvokeFunction"];

/// What Firehose needs on its Snowflake secret (Amazon Data Firehose developer guide, "Use the
/// secret", section "Grant access to Firehose to retrieve the secret",
/// docs.aws.amazon.com/firehose/latest/dev/secrets-manager-how.html): `GetSecretValue` on the secret,
/// and `kms:Decrypt` on a customer-managed key encrypting it.
pub const SECRET_ACTIONS: &[&str] = &["secretsmanager:GetSecretValue"];

/// Days a created backup bucket keeps a noncurrent (deleted or overwritten) object version.
pub const NONCURRENT_BACKUP_DAYS: u32 = 30;

/// Findings of a transformation function that are not risks for a Firehose processor,
/// acknowledged on it by [`DeliveryStream::new`] (docs/security.md, "The production pipeline").
pub const PROCESSOR_ACKNOWLEDGMENTS: &[(&str, &str)] = &[
    (
        "RCDK-LAMBDA-DLQ",
        "Firehose invokes the transformation synchronously and retries it; failed records go to the S3 \
         backup under the error prefix. A dead-letter queue only receives failed asynchronous invocations \
         (Lambda API reference, DeadLetterConfig), so it would never receive anything",
    ),
    (
        "RCDK-LAMBDA-CONCURRENCY",
        "only this delivery stream invokes the transformation, once per buffered batch (its buffering hints \
         bound the rate); reserved concurrency would take from the account pool and throttle Firehose, \
         turning load into processing failures",
    ),
    (
        "RCDK-LAMBDA-VPC",
        "the transformation only rewrites the records Firehose hands it; a VPC is for reaching private \
         resources and this function (rcdk's Function has no VPC configuration) reaches none, so a VPC \
         would add NAT or endpoints and protect nothing",
    ),
];

/// Where records come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Producers call `PutRecord(Batch)` on the delivery stream.
    DirectPut {
        /// Server-side encryption of the delivery stream (only possible with direct put).
        encryption: DirectPutEncryption,
    },
    /// Firehose reads a Kinesis data stream (its role gets read access and `kms:Decrypt`).
    KinesisStream(Stream),
}

impl Source {
    /// Read from `stream`.
    pub fn kinesis_stream(stream: &Stream) -> Source {
        Source::KinesisStream(*stream)
    }

    /// Direct put, unencrypted at rest in Firehose.
    pub fn direct_put() -> Source {
        Source::DirectPut { encryption: DirectPutEncryption::None }
    }
}

/// Server-side encryption of a direct-put delivery stream.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum DirectPutEncryption {
    /// None.
    #[default]
    None,
    /// An AWS-owned key.
    AwsOwned,
    /// A customer-managed key of this stack.
    CustomerManaged(Key),
}

/// How Firehose authenticates to Snowflake: exactly one of the two.
#[derive(Debug, Clone, PartialEq)]
pub enum SnowflakeAuth {
    /// Key-pair authentication in the template (resolved at deploy time from a dynamic reference;
    /// a rotated key reaches Firehose only on the next stack update).
    KeyPair {
        /// Snowflake user.
        user: Value,
        /// Private key: bare base64 (no PEM header or line breaks), a [`SecretValue`].
        private_key: SecretValue,
        /// Passphrase of an encrypted private key.
        passphrase: Option<SecretValue>,
    },
    /// A Secrets Manager secret holding `{"user", "private_key", "key_passphrase"?}`
    /// ("Understand secrets", docs.aws.amazon.com/firehose/latest/dev/secrets-manager-whats-secret.html);
    /// Firehose re-reads it every 10 minutes (secrets-manager-how.html).
    SecretsManager {
        /// The secret: created ([`Secret::new`]) or imported ([`Secret::from_arn`],
        /// [`Secret::from_secret_name_v2`]). The role gets `secretsmanager:GetSecretValue` on exactly
        /// this secret, and `kms:Decrypt` through Secrets Manager on its key when it has one
        /// ([`Secret::with_encryption_key`] for an import).
        secret: Secret,
    },
}

/// How rows are written into the Snowflake table.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DataLoading {
    /// JSON keys map to columns (`JSON_MAPPING`, the default).
    #[default]
    JsonMapping,
    /// The whole record into one VARIANT column.
    VariantContent {
        /// The VARIANT column.
        content_column: Value,
    },
    /// The record and Firehose metadata into two VARIANT columns.
    VariantContentAndMetadata {
        /// The content column.
        content_column: Value,
        /// The metadata column.
        metadata_column: Value,
    },
}

/// Buffering before delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffering {
    /// Seconds.
    pub interval_seconds: u32,
    /// Megabytes.
    pub size_mb: u32,
}

/// Optional settings of a [`SnowflakeDestination`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SnowflakeOptions {
    /// Data loading option.
    pub data_loading: DataLoading,
    /// Snowflake role Firehose uses (`SnowflakeRoleConfiguration`).
    pub snowflake_role: Option<Value>,
    /// Buffering (Snowflake: 0–900 s, 1–128 MB).
    pub buffering: Option<Buffering>,
    /// Retry duration in seconds (0–7200).
    pub retry_seconds: Option<u32>,
    /// AWS PrivateLink VPCE id of the Snowflake account (`SnowflakeVpcConfiguration`).
    pub private_link_vpce_id: Option<Value>,
}

/// The Snowflake destination, every field named (no positional strings to swap).
#[derive(Debug, Clone, PartialEq)]
pub struct SnowflakeDestination {
    /// `https://<account>.<region>.snowflakecomputing.com`.
    pub account_url: Value,
    /// Database.
    pub database: Value,
    /// Schema.
    pub schema: Value,
    /// Table.
    pub table: Value,
    /// Authentication.
    pub auth: SnowflakeAuth,
    /// Everything else.
    pub options: SnowflakeOptions,
}

/// Which records go to the backup bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackupMode {
    /// Only records that failed delivery (the default).
    #[default]
    FailedDataOnly,
    /// Every record.
    AllData,
}

/// The S3 backup (Firehose requires a bucket for failed data in any case).
#[derive(Debug, Clone, PartialEq)]
pub struct BackupProps {
    /// Which records.
    pub mode: BackupMode,
    /// The bucket; `None` creates `<id>/BackupBucket` with a lifecycle rule.
    pub bucket: Option<Bucket>,
    /// Object key prefix.
    pub prefix: Option<String>,
    /// Prefix for records Firehose could not process.
    pub error_output_prefix: Option<String>,
    /// Compression; default GZIP.
    pub compression: l1::CompressionFormat,
    /// Encrypt backup objects with this key (SSE-KMS).
    pub encryption_key: Option<Key>,
    /// Days before backups of a created bucket expire (default 90), so they do not grow forever.
    pub expire_after_days: u32,
    /// Buffering of the backup.
    pub buffering: Option<Buffering>,
}

impl Default for BackupProps {
    fn default() -> Self {
        BackupProps {
            mode: BackupMode::FailedDataOnly,
            bucket: None,
            prefix: None,
            error_output_prefix: None,
            compression: l1::CompressionFormat::Gzip,
            encryption_key: None,
            expire_after_days: 90,
            buffering: None,
        }
    }
}

/// A Lambda function transforming records before delivery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LambdaProcessor {
    /// The function.
    pub function: Function,
    /// Buffer size in MB handed to the function (0.2–3).
    pub buffer_size_mb: Option<u32>,
    /// Buffer interval in seconds (0–900).
    pub buffer_interval_seconds: Option<u32>,
    /// Invocation retries (0–300).
    pub retries: Option<u32>,
}

/// Settings of a [`DeliveryStream`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryStreamProps {
    /// Physical name.
    pub delivery_stream_name: Option<String>,
    /// Source.
    pub source: Source,
    /// Destination.
    pub destination: SnowflakeDestination,
    /// Transformation.
    pub processor: Option<LambdaProcessor>,
    /// Backup.
    pub backup: BackupProps,
    /// Days the delivery-error log group keeps events (default 30).
    pub log_retention_days: u32,
}

impl DeliveryStreamProps {
    /// Source and destination; default backup (failed data only), no processor.
    pub fn new(source: Source, destination: SnowflakeDestination) -> DeliveryStreamProps {
        DeliveryStreamProps {
            delivery_stream_name: None,
            source,
            destination,
            processor: None,
            backup: BackupProps::default(),
            log_retention_days: 30,
        }
    }
}

/// A Firehose delivery stream to Snowflake (`AWS::KinesisFirehose::DeliveryStream` at
/// `<id>/Resource`), with its role (`<id>/Role`, trusted by Firehose with `sts:ExternalId`), its
/// error log group and streams (`<id>/LogGroup`, `DestinationDelivery`, `BackupDelivery`), and a
/// backup bucket unless one is given. The role's policy exists before the delivery stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliveryStream {
    node: NodeRef,
    resource: Handle<CfnDeliveryStream>,
    role: Role,
    backup_bucket: Bucket,
    log_group: Handle<CfnLogGroup>,
}

fn literal(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn log_stream_arn(group: Handle<CfnLogGroup>, stream: Handle<CfnLogStream>) -> Value {
    Value::sub_with(
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:log-stream:${Stream}",
        [("Group", group.ref_()), ("Stream", stream.ref_())],
    )
}

impl DeliveryStream {
    /// Creates the delivery stream and everything it needs. Fails on combinations Firehose rejects.
    pub fn new(scope: &mut impl AsScope, id: &str, props: DeliveryStreamProps) -> Result<DeliveryStream, TreeError> {
        let outer = scope.as_scope();
        Self::check_handles(&outer, &props)?;
        let mut scope = outer.child(id)?;
        let node = scope.node();
        let path = format!("{}/Resource", scope.path());
        let logical =
            crate::core::ids::logical_id(&path.split('/').skip(1).collect::<Vec<_>>()).unwrap_or_else(|_| "-".into());
        Self::validate(&path, &logical, &props)?;

        let role = Role::new(
            &mut scope,
            "Role",
            RoleProps::assumed_by(Principal::service("firehose.amazonaws.com").with_condition(
                "StringEquals",
                "sts:ExternalId",
                Pseudo::AccountId,
            )),
        )?;
        let mut statements: Vec<PolicyStatement> = Vec::new();

        // Error logging for delivery and for the S3 backup (failed backups do not vanish silently).
        let log_group = scope
            .add_resource("LogGroup", CfnLogGroup::new().retention_in_days(i64::from(props.log_retention_days)))?;
        scope.stack().resource_mut(log_group)?.apply_removal_policy(RemovalPolicy::Retain);
        // Firehose writes error codes and messages here, never record data ("Monitor Amazon Data
        // Firehose using CloudWatch Logs", docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-logs.html);
        // CloudWatch Logs encrypts every log group at rest.
        scope.stack().acknowledge_node(
            log_group.node(),
            "RCDK-LOGS-ENCRYPTION",
            "Firehose writes delivery error codes and messages to this group, never record data; CloudWatch \
             Logs encrypts it at rest with its own key",
        );
        let destination_logs = scope.add_resource("DestinationDelivery", CfnLogStream::new(log_group.ref_()))?;
        let backup_logs = scope.add_resource("BackupDelivery", CfnLogStream::new(log_group.ref_()))?;
        // logs:PutLogEvents on its log streams ("Grant Firehose access to an Amazon S3 destination").
        statements.push(
            PolicyStatement::allow()
                .actions(["logs:PutLogEvents"])
                .resources([log_stream_arn(log_group, destination_logs), log_stream_arn(log_group, backup_logs)]),
        );
        let logging = |stream: Handle<CfnLogStream>| {
            l1::CloudWatchLoggingOptions::new()
                .enabled(true)
                .log_group_name(log_group.ref_())
                .log_stream_name(stream.ref_())
        };

        // Backup bucket.
        let backup = &props.backup;
        let bucket = match backup.bucket {
            Some(b) => b,
            None => {
                // Secure by default: versioning (a deleted or overwritten backup stays recoverable for
                // NONCURRENT_BACKUP_DAYS), server access logs to a created log bucket (who read the
                // records), and a lifecycle rule so backups do not grow forever.
                let b = Bucket::new(
                    &mut scope,
                    "BackupBucket",
                    BucketProps {
                        noncurrent_version_expiration_days: Some(NONCURRENT_BACKUP_DAYS),
                        server_access_logs: ServerAccessLogs::NewBucket { prefix: None },
                        ..Default::default()
                    },
                )?;
                let rule = Value::map([
                    ("AbortIncompleteMultipartUpload", Value::map([("DaysAfterInitiation", Value::from(7))])),
                    ("ExpirationInDays", Value::from(i64::from(backup.expire_after_days))),
                    ("Id", Value::from("ExpireBackups")),
                    ("Status", Value::from("Enabled")),
                ]);
                // Appended to the bucket's own rule (ExpireNoncurrentVersions).
                let properties = scope.stack().resource_mut(b.resource())?.properties_mut();
                match properties.get_mut("LifecycleConfiguration").and_then(|c| c.get_mut("Rules")) {
                    Some(Value::List(rules)) => rules.push(rule),
                    _ => {
                        properties
                            .insert("LifecycleConfiguration".into(), Value::map([("Rules", Value::list([rule]))]));
                    }
                }
                b
            }
        };
        statements.push(
            PolicyStatement::allow()
                .actions(S3_DELIVERY_ACTIONS.iter().copied())
                .resources([bucket.bucket_arn(), bucket.arn_for_objects("*")]),
        );
        let mut s3 = l1::S3DestinationConfiguration::new(bucket.bucket_arn(), role.role_arn())
            .compression_format(backup.compression)
            .cloud_watch_logging_options(logging(backup_logs));
        if let Some(p) = &backup.prefix {
            s3 = s3.prefix(p.clone());
        }
        if let Some(p) = &backup.error_output_prefix {
            s3 = s3.error_output_prefix(p.clone());
        }
        if let Some(b) = backup.buffering {
            s3 = s3.buffering_hints(
                l1::BufferingHints::new()
                    .interval_in_seconds(i64::from(b.interval_seconds))
                    .size_in_mbs(i64::from(b.size_mb)),
            );
        }
        if let Some(key) = backup.encryption_key {
            s3 = s3.encryption_configuration(
                l1::EncryptionConfiguration::new().kms_encryption_config(l1::KMSEncryptionConfig::new(key.key_arn())),
            );
            // Same guide, S3 statement for SSE-KMS: GenerateDataKey and Decrypt through S3.
            statements.push(
                PolicyStatement::allow()
                    .actions(["kms:Decrypt", "kms:GenerateDataKey"])
                    .resources([key.key_arn()])
                    .condition("StringEquals", "kms:ViaService", Value::sub("s3.${AWS::Region}.amazonaws.com")),
            );
        }

        // Destination.
        let d = props.destination;
        let mut dest = l1::SnowflakeDestinationConfiguration::new(
            d.account_url,
            d.database,
            role.role_arn(),
            s3,
            d.schema,
            d.table,
        )
        .cloud_watch_logging_options(logging(destination_logs))
        .s3_backup_mode(match backup.mode {
            BackupMode::FailedDataOnly => l1::SnowflakeDestinationConfigurationS3BackupMode::FailedDataOnly,
            BackupMode::AllData => l1::SnowflakeDestinationConfigurationS3BackupMode::AllData,
        });
        match d.auth {
            SnowflakeAuth::KeyPair { user, private_key, passphrase } => {
                dest = dest.user(user).private_key(private_key);
                if let Some(p) = passphrase {
                    dest = dest.key_passphrase(p);
                }
            }
            SnowflakeAuth::SecretsManager { secret } => {
                dest = dest.secrets_manager_configuration(
                    l1::SecretsManagerConfiguration::new(true).secret_arn(secret.secret_arn()),
                );
                // "Grant access to Firehose to retrieve the secret" (firehose/latest/dev/secrets-manager-how.html):
                // secretsmanager:GetSecretValue on exactly this secret, nothing else.
                statements.push(
                    PolicyStatement::allow()
                        .actions(SECRET_ACTIONS.iter().copied())
                        .resources([secret.arn_for_policies()]),
                );
                if let Some(key) = secret.encryption_key() {
                    // Same section: kms:Decrypt on the secret's customer-managed key, with
                    // kms:ViaService secretsmanager.<region>.amazonaws.com.
                    statements.push(secret.key_decrypt_statement(&key));
                }
            }
        }
        let o = d.options;
        dest = match o.data_loading {
            DataLoading::JsonMapping => dest.data_loading_option(l1::DataLoadingOption::JsonMapping),
            DataLoading::VariantContent { content_column } => dest
                .data_loading_option(l1::DataLoadingOption::VariantContentMapping)
                .content_column_name(content_column),
            DataLoading::VariantContentAndMetadata { content_column, metadata_column } => dest
                .data_loading_option(l1::DataLoadingOption::VariantContentAndMetadataMapping)
                .content_column_name(content_column)
                .meta_data_column_name(metadata_column),
        };
        if let Some(r) = o.snowflake_role {
            dest = dest
                .snowflake_role_configuration(l1::SnowflakeRoleConfiguration::new().enabled(true).snowflake_role(r));
        }
        if let Some(b) = o.buffering {
            dest = dest.buffering_hints(
                l1::SnowflakeBufferingHints::new()
                    .interval_in_seconds(i64::from(b.interval_seconds))
                    .size_in_mbs(i64::from(b.size_mb)),
            );
        }
        if let Some(r) = o.retry_seconds {
            dest = dest.retry_options(l1::SnowflakeRetryOptions::new().duration_in_seconds(i64::from(r)));
        }
        if let Some(v) = o.private_link_vpce_id {
            dest = dest.snowflake_vpc_configuration(l1::SnowflakeVpcConfiguration::new(v));
        }
        if let Some(p) = props.processor {
            let arn = p.function.function_arn();
            let mut parameters = vec![l1::ProcessorParameter::new(l1::ParameterName::LambdaArn, arn.clone())];
            let mut push = |name, v: Option<u32>| {
                if let Some(v) = v {
                    parameters.push(l1::ProcessorParameter::new(name, v.to_string()));
                }
            };
            push(l1::ParameterName::BufferSizeInMBs, p.buffer_size_mb);
            push(l1::ParameterName::BufferIntervalInSeconds, p.buffer_interval_seconds);
            push(l1::ParameterName::NumberOfRetries, p.retries);
            dest = dest.processing_configuration(
                l1::ProcessingConfiguration::new()
                    .enabled(true)
                    .processors(vec![l1::Processor::new(l1::ProcessorType::Lambda).parameters(parameters)]),
            );
            // Firehose invokes the processor synchronously with each buffered batch ("Transform source
            // data in Amazon Data Firehose", docs.aws.amazon.com/firehose/latest/dev/data-transformation.html)
            // and retries it; records it cannot transform go to the S3 backup under the error prefix
            // ("Handle data transformation failure", same guide). These findings do not apply to it.
            let stack = scope.stack();
            for (rule, reason) in PROCESSOR_ACKNOWLEDGMENTS {
                stack.acknowledge_node(p.function.node(), rule, reason);
            }
            statements.push(
                PolicyStatement::allow()
                    .actions(LAMBDA_ACTIONS.iter().copied())
                    .resources([arn.clone(), Value::join("", [arn, Value::from(":*")])]),
            );
        }

        // Source.
        let mut cfn = CfnDeliveryStream::new();
        if let Some(name) = props.delivery_stream_name {
            cfn = cfn.delivery_stream_name(name);
        }
        match props.source {
            Source::KinesisStream(stream) => {
                cfn = cfn
                    .delivery_stream_type(l1::DeliveryStreamType::KinesisStreamAsSource)
                    .kinesis_stream_source_configuration(l1::KinesisStreamSourceConfiguration::new(
                        stream.stream_arn(),
                        role.role_arn(),
                    ));
                statements.push(
                    PolicyStatement::allow()
                        .actions(KINESIS_SOURCE_ACTIONS.iter().copied())
                        .resources([stream.stream_arn()]),
                );
                if let Some(key) = stream.encryption_key() {
                    // Same guide: kms:Decrypt on the stream's key, through Kinesis.
                    statements.push(
                        PolicyStatement::allow().actions(["kms:Decrypt"]).resources([key.key_arn()]).condition(
                            "StringEquals",
                            "kms:ViaService",
                            crate::kinesis::kinesis_via_service(),
                        ),
                    );
                }
            }
            Source::DirectPut { encryption } => {
                cfn = cfn.delivery_stream_type(l1::DeliveryStreamType::DirectPut);
                match encryption {
                    DirectPutEncryption::None => {}
                    DirectPutEncryption::AwsOwned => {
                        cfn = cfn.delivery_stream_encryption_configuration_input(
                            l1::DeliveryStreamEncryptionConfigurationInput::new(l1::KeyType::AwsOwnedCmk),
                        );
                    }
                    DirectPutEncryption::CustomerManaged(key) => {
                        cfn = cfn.delivery_stream_encryption_configuration_input(
                            l1::DeliveryStreamEncryptionConfigurationInput::new(l1::KeyType::CustomerManagedCmk)
                                .key_arn(key.key_arn()),
                        );
                    }
                }
            }
        }
        cfn = cfn.snowflake_destination_configuration(dest);
        let resource = scope.add_resource("Resource", cfn)?;
        let mut grant = None;
        for s in statements {
            grant = Some(role.add_to_policy(&mut scope, s)?);
        }
        if let Some(g) = grant {
            g.apply_before(&mut scope, &[resource.node()])?;
        }
        Ok(DeliveryStream { node, resource, role, backup_bucket: bucket, log_group })
    }

    fn check_handles(scope: &Scope<'_>, props: &DeliveryStreamProps) -> Result<(), TreeError> {
        let stack = scope.stack_ref();
        let what = "DeliveryStream::new";
        if let Source::KinesisStream(s) = props.source {
            check_same_stack(stack, s.node(), what)?;
        }
        if let Source::DirectPut { encryption: DirectPutEncryption::CustomerManaged(k) } = props.source {
            check_same_stack(stack, k.node(), what)?;
        }
        if let Some(b) = props.backup.bucket {
            check_same_stack(stack, b.node(), what)?;
        }
        if let Some(k) = props.backup.encryption_key {
            check_same_stack(stack, k.node(), what)?;
        }
        if let Some(p) = props.processor {
            check_same_stack(stack, p.function.node(), what)?;
        }
        if let SnowflakeAuth::SecretsManager { secret } = &props.destination.auth {
            if secret.resource().is_some() {
                check_same_stack(stack, secret.node(), what)?;
            }
            if let Some(k) = secret.encryption_key() {
                check_same_stack(stack, k.node(), what)?;
            }
        }
        Ok(())
    }

    fn validate(path: &str, logical: &str, props: &DeliveryStreamProps) -> Result<(), TreeError> {
        let invalid = |property: &str, expected: &str, found: String| {
            Err(TreeError::invalid_input(path, logical, property, expected, found))
        };
        let d = &props.destination;
        let sf = "SnowflakeDestinationConfiguration";
        // AccountUrl: 24–2048 characters matching `.+?\.snowflakecomputing\.com` (protocol and port
        // optional): "SnowflakeDestinationConfiguration", Firehose API reference.
        if let Some(url) = literal(&d.account_url)
            && !(url.len() >= 24 && url.len() <= 2048 && url.find(".snowflakecomputing.com").is_some_and(|i| i > 0))
        {
            return invalid(
                &format!("{sf}.AccountUrl"),
                "a Snowflake account URL of 24 to 2048 characters, e.g. https://<account>.<region>.snowflakecomputing.com",
                format!("{url:?}"),
            );
        }
        for (name, v) in [("Database", &d.database), ("Schema", &d.schema), ("Table", &d.table)] {
            if literal(v).is_some_and(|s| s.trim().is_empty()) {
                return invalid(&format!("{sf}.{name}"), "a non-empty name", "an empty string".into());
            }
        }
        if let SnowflakeAuth::SecretsManager { secret } = &d.auth
            && secret.secret_name().is_none()
            && let Some(arn) = literal(&secret.secret_arn())
            && !(arn.starts_with("arn:") && arn.contains(":secretsmanager:") && arn.contains(":secret:"))
        {
            return invalid(
                &format!("{sf}.SecretsManagerConfiguration.SecretARN"),
                "the full ARN of a Secrets Manager secret (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>)",
                format!("{arn:?}"),
            );
        }
        if let SnowflakeAuth::KeyPair { user, .. } = &d.auth
            && literal(user).is_some_and(|s| s.trim().is_empty())
        {
            return invalid(&format!("{sf}.User"), "the Snowflake user of the key pair", "an empty string".into());
        }
        // Ranges: "AWS::KinesisFirehose::DeliveryStream SnowflakeBufferingHints / SnowflakeRetryOptions",
        // docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-kinesisfirehose-deliverystream-snowflakebufferinghints.html.
        if let Some(b) = d.options.buffering {
            if b.interval_seconds > 900 {
                return invalid(
                    &format!("{sf}.BufferingHints.IntervalInSeconds"),
                    "0 to 900",
                    b.interval_seconds.to_string(),
                );
            }
            if !(1..=128).contains(&b.size_mb) {
                return invalid(&format!("{sf}.BufferingHints.SizeInMBs"), "1 to 128", b.size_mb.to_string());
            }
        }
        if let Some(r) = d.options.retry_seconds
            && r > 7200
        {
            return invalid(&format!("{sf}.RetryOptions.DurationInSeconds"), "0 to 7200", r.to_string());
        }
        if let Some(p) = props.processor {
            let pc = format!("{sf}.ProcessingConfiguration.Processors[0].Parameters");
            if let Some(n) = p.retries
                && n > 300
            {
                return invalid(&format!("{pc}.NumberOfRetries"), "0 to 300", n.to_string());
            }
            if let Some(n) = p.buffer_size_mb
                && !(1..=3).contains(&n)
            {
                return invalid(&format!("{pc}.BufferSizeInMBs"), "1 to 3", n.to_string());
            }
            if let Some(n) = p.buffer_interval_seconds
                && n > 900
            {
                return invalid(&format!("{pc}.BufferIntervalInSeconds"), "0 to 900", n.to_string());
            }
        }
        if props.backup.bucket.is_some() && props.backup.expire_after_days != BackupProps::default().expire_after_days {
            return invalid(
                "(backup) expire_after_days",
                "no expiry setting with a given bucket (its lifecycle is the bucket owner's)",
                props.backup.expire_after_days.to_string(),
            );
        }
        if props.backup.expire_after_days == 0 {
            return invalid(
                "(backup bucket) LifecycleConfiguration.Rules[0].ExpirationInDays",
                "at least 1 day",
                "0".into(),
            );
        }
        if !crate::lambda::LOG_RETENTION_DAYS.contains(&props.log_retention_days) {
            return invalid(
                "(log group) RetentionInDays",
                "one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)",
                props.log_retention_days.to_string(),
            );
        }
        Ok(())
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::KinesisFirehose::DeliveryStream` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnDeliveryStream> {
        self.resource
    }

    /// The role Firehose uses.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The backup bucket (created or given).
    pub fn backup_bucket(&self) -> Bucket {
        self.backup_bucket
    }

    /// The delivery-error log group.
    pub fn log_group(&self) -> Handle<CfnLogGroup> {
        self.log_group
    }

    /// `Ref DeliveryStream` (the delivery stream name).
    pub fn delivery_stream_name(&self) -> Value {
        self.resource.ref_()
    }

    /// `Fn::GetAtt DeliveryStream.Arn`.
    pub fn delivery_stream_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }
}

#[cfg(all(feature = "cloudwatch", feature = "sns"))]
mod monitoring;
#[cfg(all(feature = "cloudwatch", feature = "sns"))]
pub use monitoring::{PipelineMonitoring, RECOMMENDED_ALARMS};
