// A private key is a SecretValue: a plain string would end up in the template.
use rcdk::l1::kinesisfirehose::delivery_stream::{S3DestinationConfiguration, SnowflakeDestinationConfiguration};

fn main() {
    let _ = SnowflakeDestinationConfiguration::new(
        "https://xy12345.us-east-1.snowflakecomputing.com",
        "DEMO_DB",
        "arn:aws:iam::123456789012:role/firehose",
        S3DestinationConfiguration::new("arn:aws:s3:::backup", "arn:aws:iam::123456789012:role/firehose"),
        "PUBLIC",
        "EVENTS",
    )
    .private_key("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
}
