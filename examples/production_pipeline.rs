//! The production pipeline of issue 10: an `IngestStack` (key, stream, Firehose to Snowflake with
//! Secrets Manager authentication and a transformation Lambda, all-data backup, alarms, dashboard,
//! topic) and one producer stack per producer environment (another account, another region), in
//! one cloud-assembly folder whose manifest lists each stack's environment and the deploy order.
//!
//! `cargo run --example production_pipeline -- --out cdk.out --format both`. Deploy the producer
//! stacks first (the ingest stack's key and stream policies name their roles, which must exist):
//! `manifest.json` lists them as dependencies of `IngestStack`. docs/operating.md runs it.

use std::process::ExitCode;

use rcdk::cloudwatch::Statistic;
use rcdk::firehose::{
    BackupMode, DeliveryStream, DeliveryStreamProps, LambdaProcessor, PipelineMonitoring, SnowflakeAuth,
    SnowflakeDestination, SnowflakeOptions, Source,
};
use rcdk::iam::role_arn_in_account;
use rcdk::kinesis::StreamRef;
use rcdk::lambda::{Code, Function, FunctionProps, Runtime};
use rcdk::prelude::*;
use rcdk::sns::{Topic, TopicProps};

/// Where the pipeline runs.
const INGEST_ACCOUNT: &str = "111111111111";
const INGEST_REGION: &str = "eu-west-1";
/// The stream's physical name: producers in other environments name it literally.
const STREAM_NAME: &str = "clickstream-events";
/// Producer environments: another account in the same region, and another account and region.
const PRODUCERS: &[(&str, &str)] = &[("222222222222", "eu-west-1"), ("333333333333", "us-east-1")];

/// The role each producer stack creates (a fixed name: the ingest stack's policies name it).
fn producer_role_name(region: &str) -> String {
    format!("clickstream-producer-{region}")
}

/// Firehose transformation: decodes each record, adds the ingestion time, re-encodes it
/// ("Transform source data in Amazon Data Firehose", record format with recordId/result/data).
const TRANSFORM: &str = r#"import base64
import json
import time


def handler(event, context):
    out = []
    for record in event["records"]:
        try:
            payload = json.loads(base64.b64decode(record["data"]))
            payload["ingested_at"] = int(time.time() * 1000)
            data = base64.b64encode(json.dumps(payload).encode()).decode()
            out.append({"recordId": record["recordId"], "result": "Ok", "data": data})
        except ValueError:
            out.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
    return {"records": out}
"#;

fn env(account: &str, region: &str) -> Environment {
    Environment { account: Some(account.into()), region: Some(region.into()) }
}

fn producer_stack(account: &str, region: &str, stream: &StreamRef) -> Result<Stack, rcdk::Error> {
    let mut stack = Stack::new(
        format!("ClickstreamProducer-{account}-{region}"),
        StackProps {
            description: Some(format!("Producer role writing to the {STREAM_NAME} stream of {INGEST_ACCOUNT}")),
            env: env(account, region),
            ..Default::default()
        },
    )?;
    // Applications of this account assume the role to write (the account root delegates).
    let role = Role::new(
        &mut stack,
        "ProducerRole",
        RoleProps {
            role_name: Some(producer_role_name(region)),
            description: Some("Writes records to the clickstream stream".into()),
            ..RoleProps::assumed_by(Principal::account_root())
        },
    )?;
    stream.grant_write(&mut stack, &role)?;
    stack.add_output("ProducerRoleArn", Output::new(role.role_arn()))?;
    stack.add_output("StreamArn", Output::new(stream.stream_arn()).description("Write here (PutRecord/PutRecords)"))?;
    Ok(stack)
}

fn ingest_stack() -> Result<(Stack, StreamRef), rcdk::Error> {
    let mut stack = Stack::new(
        "IngestStack",
        StackProps {
            description: Some("Kinesis Data Streams -> Firehose (transform, backup, alarms) -> Snowflake".into()),
            env: env(INGEST_ACCOUNT, INGEST_REGION),
            ..Default::default()
        },
    )?;
    let name = |default: &str, description: &str| {
        Parameter::string().default(default).description(description).min_length(1).max_length(255)
    };
    let account_url = stack.add_parameter(
        "SnowflakeAccountUrl",
        Parameter::string()
            .default("https://account.region.snowflakecomputing.com")
            .description("Snowflake account URL")
            .allowed_pattern(r"^https://.+\.snowflakecomputing\.com$"),
    )?;
    let database = stack.add_parameter("SnowflakeDatabase", name("ANALYTICS", "Snowflake database"))?;
    let schema = stack.add_parameter("SnowflakeSchema", name("EVENTS", "Snowflake schema"))?;
    let table = stack.add_parameter("SnowflakeTable", name("CLICKSTREAM", "Snowflake table"))?;
    let snowflake_role = stack.add_parameter("SnowflakeRole", name("FIREHOSE_ROLE", "Snowflake role Firehose uses"))?;
    let alarm_email = stack.add_parameter(
        "AlarmEmail",
        Parameter::string()
            .description("E-mail address notified by the pipeline's alarms")
            .allowed_pattern(r"^[^@\s]+@[^@\s]+$"),
    )?;

    let key = Key::new(
        &mut stack,
        "Key",
        KeyProps {
            description: Some("Encrypts the clickstream stream".into()),
            enable_key_rotation: true,
            ..Default::default()
        },
    )?;
    let stream = Stream::new(
        &mut stack,
        "Stream",
        StreamProps {
            stream_name: Some(STREAM_NAME.into()),
            encryption: StreamEncryption::Kms(key),
            mode: StreamMode::OnDemand,
            retention_period_hours: 48,
            ..Default::default()
        },
    )?;
    // Every producer environment: the stream's resource policy and the key policy name its role.
    for (account, region) in PRODUCERS {
        stream.grant_write(&mut stack, &Principal::arn(role_arn_in_account(account, &producer_role_name(region))))?;
    }

    // Firehose reads the key pair from a secret the operator creates first, as in the article
    // ({"user", "private_key"}: docs/operating.md); the key never passes through the template.
    let secret_arn = stack.add_parameter(
        "SnowflakeSecretArn",
        Parameter::string()
            .description("Full ARN of the Secrets Manager secret holding {\"user\", \"private_key\"}")
            .allowed_pattern(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$"),
    )?;
    // Imported, not created: the deploy smoke test's emulator (moto) cannot resolve the `Ref` of a
    // created AWS::SecretsManager::Secret in the delivery stream. `Secret::new` creates one.
    let secret = Secret::from_arn(&mut stack, "SnowflakeSecret", secret_arn.value())?;

    let transform = Function::new(
        &mut stack,
        "Transform",
        FunctionProps {
            description: Some("Adds ingested_at to every record".into()),
            timeout_seconds: 60,
            memory_mb: 256,
            ..FunctionProps::new(Runtime::Python313, "index.handler", Code::inline(TRANSFORM))
        },
    )?;

    // What the function logs depends on its code: TRANSFORM prints nothing, so its group holds only
    // Lambda's START/END/REPORT lines (CloudWatch Logs encrypts them at rest). A transformation that
    // logs records should get a log group with a customer-managed key instead.
    stack.as_scope().enter(transform.log_group().node())?.acknowledge(
        "RCDK-LOGS-ENCRYPTION",
        "the transformation prints nothing: the group holds Lambda's START/END/REPORT lines only, \
         encrypted at rest by CloudWatch Logs",
    )?;

    let mut props = DeliveryStreamProps::new(
        Source::kinesis_stream(&stream),
        SnowflakeDestination {
            account_url: account_url.value(),
            database: database.value(),
            schema: schema.value(),
            table: table.value(),
            auth: SnowflakeAuth::SecretsManager { secret },
            options: SnowflakeOptions { snowflake_role: Some(snowflake_role.value()), ..Default::default() },
        },
    );
    props.processor = Some(LambdaProcessor {
        function: transform,
        buffer_size_mb: Some(1),
        buffer_interval_seconds: Some(60),
        retries: Some(3),
    });
    props.backup.mode = BackupMode::AllData;
    props.backup.prefix = Some("backup/".into());
    props.backup.error_output_prefix = Some("errors/".into());
    let delivery = DeliveryStream::new(&mut stack, "Delivery", props)?;

    let topic = Topic::new(
        &mut stack,
        "AlarmTopic",
        TopicProps {
            display_name: Some("Clickstream pipeline alarms".into()),
            email_subscriptions: vec![alarm_email.value()],
            ..Default::default()
        },
    )?;
    PipelineMonitoring::new(&mut stack, "Monitoring", &stream, &delivery, &topic)?;
    // An extra handle, to show the API: the stream's incoming bytes at 5-minute resolution.
    let _ = stream.metric("IncomingBytes", Statistic::Sum).with_period(300);

    stack.add_output("StreamArn", Output::new(stream.stream_arn()).description("Producers write here"))?;
    stack.add_output("DeliveryStreamName", Output::new(delivery.delivery_stream_name()))?;
    stack.add_output("BackupBucketName", Output::new(delivery.backup_bucket().bucket_name()))?;
    let remote = stream.remote_ref(&mut stack)?;
    Ok((stack, remote))
}

/// The app: producer stacks first, then the ingest stack (which depends on them).
pub fn build() -> Result<App, rcdk::Error> {
    let mut app = App::new();
    let (mut ingest, stream) = ingest_stack()?;
    let mut producers = Vec::new();
    for (account, region) in PRODUCERS {
        let producer = producer_stack(account, region, &stream)?;
        // The key and stream policies of the ingest stack name the producer roles: they must exist first.
        ingest.add_dependency(&producer);
        producers.push(producer);
    }
    for p in producers {
        app.add_stack(p)?;
    }
    app.add_stack(ingest)?;
    Ok(app)
}

fn main() -> ExitCode {
    match build() {
        Ok(app) => app.run(),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
