// Firehose refuses a Snowflake destination without S3Configuration (the article's mistake): rcdk makes it a
// compile error, because required properties are arguments of `new`.
use rcdk::l1::kinesisfirehose::delivery_stream::SnowflakeDestinationConfiguration;

fn main() {
    let _ = SnowflakeDestinationConfiguration::new(
        "https://xy12345.us-east-1.snowflakecomputing.com",
        "DEMO_DB",
        "arn:aws:iam::123456789012:role/firehose",
        "PUBLIC",
        "EVENTS",
    );
}
