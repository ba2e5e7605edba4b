//! Metrics of a delivery stream and the recommended alarms and dashboard of a pipeline.

use crate::cloudwatch::{Alarm, AlarmProps, Comparison, Dashboard, GraphWidget, Metric, Statistic};
use crate::core::stack::AsScope;
use crate::core::tree::TreeError;
use crate::firehose::DeliveryStream;
use crate::kinesis::Stream;
use crate::sns::Topic;

impl DeliveryStream {
    /// A metric of this delivery stream (`AWS/Firehose`, dimension `DeliveryStreamName`; names:
    /// "Monitor Amazon Data Firehose with CloudWatch metrics",
    /// docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html).
    pub fn metric(&self, name: &str, statistic: Statistic) -> Metric {
        Metric::new("AWS/Firehose", name, ("DeliveryStreamName", self.delivery_stream_name()), statistic)
    }

    /// `DeliveryToSnowflake.Success` (Average): share of successful deliveries to Snowflake.
    pub fn metric_delivery_to_snowflake_success(&self) -> Metric {
        self.metric("DeliveryToSnowflake.Success", Statistic::Average)
    }

    /// `DeliveryToSnowflake.DataFreshness` (Maximum): age in seconds of the oldest undelivered record.
    pub fn metric_delivery_to_snowflake_data_freshness(&self) -> Metric {
        self.metric("DeliveryToSnowflake.DataFreshness", Statistic::Maximum)
    }

    /// `DeliveryToS3.Success` (Average): share of successful writes to the backup bucket.
    pub fn metric_delivery_to_s3_success(&self) -> Metric {
        self.metric("DeliveryToS3.Success", Statistic::Average)
    }

    /// `ThrottledRecords` (Sum): records throttled because a per-second limit was hit.
    pub fn metric_throttled_records(&self) -> Metric {
        self.metric("ThrottledRecords", Statistic::Sum)
    }

    /// `IncomingBytes` (Sum).
    pub fn metric_incoming_bytes(&self) -> Metric {
        self.metric("IncomingBytes", Statistic::Sum)
    }

    /// `IncomingRecords` (Sum).
    pub fn metric_incoming_records(&self) -> Metric {
        self.metric("IncomingRecords", Statistic::Sum)
    }

    /// `BytesPerSecondLimit` (Maximum): the stream's current bytes-per-second quota.
    pub fn metric_bytes_per_second_limit(&self) -> Metric {
        self.metric("BytesPerSecondLimit", Statistic::Maximum)
    }

    /// `RecordsPerSecondLimit` (Maximum).
    pub fn metric_records_per_second_limit(&self) -> Metric {
        self.metric("RecordsPerSecondLimit", Statistic::Maximum)
    }

    /// `PutRequestsPerSecondLimit` (Maximum).
    pub fn metric_put_requests_per_second_limit(&self) -> Metric {
        self.metric("PutRequestsPerSecondLimit", Statistic::Maximum)
    }
}

/// The recommended alarms: (construct id, metric, statistic, period s, comparison, threshold,
/// evaluation periods). docs/operating.md says what each means and what to do.
pub const RECOMMENDED_ALARMS: &[(&str, &str, &str, u32, &str, f64, u32)] = &[
    ("StreamIteratorAge", "GetRecords.IteratorAgeMilliseconds", "Maximum", 60, ">=", 60_000.0, 5),
    ("StreamPutRecordsFailed", "PutRecords.FailedRecords", "Sum", 60, ">", 0.0, 5),
    ("StreamWriteThrottled", "WriteProvisionedThroughputExceeded", "Sum", 60, ">", 0.0, 5),
    ("StreamReadThrottled", "ReadProvisionedThroughputExceeded", "Sum", 60, ">", 0.0, 5),
    ("SnowflakeDataFreshness", "DeliveryToSnowflake.DataFreshness", "Maximum", 300, ">", 900.0, 1),
    ("SnowflakeDeliveryFailing", "DeliveryToSnowflake.Success", "Average", 300, "<", 1.0, 3),
    ("BackupDeliveryFailing", "DeliveryToS3.Success", "Average", 300, "<", 1.0, 3),
    ("FirehoseThrottled", "ThrottledRecords", "Sum", 300, ">", 0.0, 1),
];

/// One call for a pipeline's monitoring: the [`RECOMMENDED_ALARMS`] on the stream and the
/// delivery stream, all notifying `topic`, and a dashboard (`<id>/Dashboard`) of the pipeline.
/// Firehose's own advice: alarm when `DataFreshness` exceeds the 15-minute buffering limit and on
/// `ThrottledRecords` ("Implement best practices with CloudWatch Alarms",
/// docs.aws.amazon.com/firehose/latest/dev/firehose-cloudwatch-metrics-best-practices.html).
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineMonitoring {
    /// The alarms, in [`RECOMMENDED_ALARMS`] order.
    pub alarms: Vec<Alarm>,
    /// The dashboard.
    pub dashboard: Dashboard,
}

impl PipelineMonitoring {
    /// Creates the alarms and the dashboard under `<id>`.
    pub fn new(
        scope: &mut impl AsScope,
        id: &str,
        stream: &Stream,
        delivery: &DeliveryStream,
        topic: &Topic,
    ) -> Result<PipelineMonitoring, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let descriptions = [
            "Records wait more than a minute in the stream before Firehose reads them (see docs/operating.md)",
            "Producers' PutRecords calls are losing records (see docs/operating.md)",
            "Writes to the stream are throttled: add shards or use on-demand mode (see docs/operating.md)",
            "Reads from the stream are throttled: too many consumers for the shards (see docs/operating.md)",
            "Records older than 15 minutes have not reached Snowflake (see docs/operating.md)",
            "Deliveries to Snowflake are failing; failed records go to the backup bucket (see docs/operating.md)",
            "Writes to the backup bucket are failing: records may be lost (see docs/operating.md)",
            "Firehose is throttling records: a per-second limit is reached (see docs/operating.md)",
        ];
        let mut alarms = Vec::new();
        for (i, &(alarm_id, metric, statistic, period, comparison, threshold, periods)) in
            RECOMMENDED_ALARMS.iter().enumerate()
        {
            let statistic = match statistic {
                "Maximum" => Statistic::Maximum,
                "Average" => Statistic::Average,
                _ => Statistic::Sum,
            };
            let comparison = match comparison {
                ">=" => Comparison::GreaterThanOrEqual,
                "<" => Comparison::LessThan,
                _ => Comparison::GreaterThan,
            };
            let m = if alarm_id.starts_with("Stream") {
                stream.metric(metric, statistic)
            } else {
                delivery.metric(metric, statistic)
            }
            .with_period(period);
            let mut props = AlarmProps::new(m, threshold, comparison, periods);
            props.description = descriptions.get(i).map(|d| d.to_string());
            props.topics = vec![*topic];
            alarms.push(Alarm::new(&mut scope, alarm_id, props)?);
        }
        let dashboard = Dashboard::new(
            &mut scope,
            "Dashboard",
            None,
            vec![
                GraphWidget {
                    title: "Stream: incoming records and failed puts".into(),
                    metrics: vec![stream.metric_incoming_records(), stream.metric_put_records_failed_records()],
                },
                GraphWidget {
                    title: "Stream: iterator age (ms)".into(),
                    metrics: vec![stream.metric_iterator_age_max()],
                },
                GraphWidget {
                    title: "Stream: throttling".into(),
                    metrics: vec![stream.metric_write_throughput_exceeded(), stream.metric_read_throughput_exceeded()],
                },
                GraphWidget {
                    title: "Snowflake: delivery success and backup success".into(),
                    metrics: vec![
                        delivery.metric_delivery_to_snowflake_success(),
                        delivery.metric_delivery_to_s3_success(),
                    ],
                },
                GraphWidget {
                    title: "Snowflake: data freshness (s)".into(),
                    metrics: vec![delivery.metric_delivery_to_snowflake_data_freshness()],
                },
                GraphWidget {
                    title: "Firehose: incoming bytes vs limit (per 5 min)".into(),
                    metrics: vec![
                        delivery.metric_incoming_bytes().with_period(300),
                        delivery.metric_bytes_per_second_limit().with_period(300),
                        delivery.metric_throttled_records().with_period(300),
                    ],
                },
            ],
        )?;
        Ok(PipelineMonitoring { alarms, dashboard })
    }
}
