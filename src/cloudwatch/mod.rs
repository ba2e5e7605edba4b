//! Amazon CloudWatch: metrics, alarms (with SNS actions), dashboards, and the recommended alarms
//! of a Kinesis → Firehose pipeline.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::cloudwatch::{Alarm, AlarmProps, Comparison};
//! let mut stack = Stack::new("S", StackProps::default()).unwrap();
//! let stream = Stream::new(&mut stack, "Stream", StreamProps::default()).unwrap();
//! let alarm = Alarm::new(&mut stack, "IteratorAge", AlarmProps::new(
//!     stream.metric_iterator_age_max(), 60_000.0, Comparison::GreaterThanOrEqual, 5,
//! )).unwrap();
//! assert_eq!(stack.logical_id(alarm.resource().node()).unwrap(), "IteratorAge53C5E63F");
//! ```

use crate::core::element::Handle;
use crate::core::stack::AsScope;
use crate::core::tree::{NodeRef, TreeError};
use crate::core::value::{Val, Value};
use crate::iam::check_same_stack;
use crate::l1::cloudwatch::alarm::{self, Dimension};
use crate::l1::cloudwatch::{CfnAlarm, CfnDashboard};
use crate::sns::Topic;

pub use crate::l1::cloudwatch::alarm::{Statistic, TreatMissingData};

/// One CloudWatch metric with its statistic and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Namespace, e.g. `AWS/Kinesis`.
    pub namespace: String,
    /// Metric name, e.g. `GetRecords.IteratorAgeMilliseconds`.
    pub name: String,
    /// Dimensions (name, value).
    pub dimensions: Vec<(String, Value)>,
    /// Statistic.
    pub statistic: Statistic,
    /// Period in seconds (default 60).
    pub period_seconds: u32,
}

impl Metric {
    /// A metric with one dimension, 1-minute period.
    pub fn new(namespace: &str, name: &str, dimension: (&str, Value), statistic: Statistic) -> Metric {
        Metric {
            namespace: namespace.into(),
            name: name.into(),
            dimensions: vec![(dimension.0.into(), dimension.1)],
            statistic,
            period_seconds: 60,
        }
    }

    /// The same metric with another statistic.
    pub fn with_statistic(mut self, statistic: Statistic) -> Metric {
        self.statistic = statistic;
        self
    }

    /// The same metric with another period.
    pub fn with_period(mut self, seconds: u32) -> Metric {
        self.period_seconds = seconds;
        self
    }
}

/// How the metric is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `>=`
    GreaterThanOrEqual,
    /// `>`
    GreaterThan,
    /// `<`
    LessThan,
    /// `<=`
    LessThanOrEqual,
}

/// Settings of an [`Alarm`].
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    /// The metric.
    pub metric: Metric,
    /// Threshold.
    pub threshold: f64,
    /// Comparison.
    pub comparison: Comparison,
    /// Periods evaluated.
    pub evaluation_periods: u32,
    /// Breaching periods (of `evaluation_periods`) that raise the alarm; default all.
    pub datapoints_to_alarm: Option<u32>,
    /// Missing data; default `NotBreaching` (an idle pipeline is not an incident).
    pub treat_missing_data: TreatMissingData,
    /// Description: what it means and what to do.
    pub description: Option<String>,
    /// Topics notified on ALARM and back to OK.
    pub topics: Vec<Topic>,
}

impl AlarmProps {
    /// Metric, threshold, comparison and periods; missing data not breaching.
    pub fn new(metric: Metric, threshold: f64, comparison: Comparison, evaluation_periods: u32) -> AlarmProps {
        AlarmProps {
            metric,
            threshold,
            comparison,
            evaluation_periods,
            datapoints_to_alarm: None,
            treat_missing_data: TreatMissingData::NotBreaching,
            description: None,
            topics: Vec::new(),
        }
    }
}

/// A CloudWatch alarm (`AWS::CloudWatch::Alarm` at `<id>/Resource`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alarm {
    node: NodeRef,
    resource: Handle<CfnAlarm>,
}

impl Alarm {
    /// Creates the alarm. Fails on a period CloudWatch rejects or zero evaluation periods.
    pub fn new(scope: &mut impl AsScope, id: &str, props: AlarmProps) -> Result<Alarm, TreeError> {
        let scope = scope.as_scope();
        for t in &props.topics {
            check_same_stack(scope.stack_ref(), t.node(), "Alarm::new (topic)")?;
        }
        let mut scope = scope.child(id)?;
        let node = scope.node();
        let path = format!("{}/Resource", scope.path());
        let logical =
            crate::core::ids::logical_id(&path.split('/').skip(1).collect::<Vec<_>>()).unwrap_or_else(|_| "-".into());
        let invalid = |property: &str, expected: &str, found: String| {
            Err(TreeError::invalid_input(path.clone(), logical.clone(), property, expected, found))
        };
        // "PutMetricAlarm": Period 10, 20, 30 or a multiple of 60; EvaluationPeriods ≥ 1;
        // DatapointsToAlarm ≤ EvaluationPeriods (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
        let p = props.metric.period_seconds;
        if !(matches!(p, 10 | 20 | 30) || (p >= 60 && p.is_multiple_of(60))) {
            return invalid("Period", "10, 20, 30 or a multiple of 60 seconds", p.to_string());
        }
        if props.evaluation_periods == 0 {
            return invalid("EvaluationPeriods", "at least 1", "0".into());
        }
        if let Some(d) = props.datapoints_to_alarm
            && (d == 0 || d > props.evaluation_periods)
        {
            return invalid(
                "DatapointsToAlarm",
                &format!("1 to EvaluationPeriods ({})", props.evaluation_periods),
                d.to_string(),
            );
        }
        let comparison = match props.comparison {
            Comparison::GreaterThanOrEqual => alarm::ComparisonOperator::GreaterThanOrEqualToThreshold,
            Comparison::GreaterThan => alarm::ComparisonOperator::GreaterThanThreshold,
            Comparison::LessThan => alarm::ComparisonOperator::LessThanThreshold,
            Comparison::LessThanOrEqual => alarm::ComparisonOperator::LessThanOrEqualToThreshold,
        };
        let m = props.metric;
        let mut cfn = CfnAlarm::new()
            .namespace(m.namespace)
            .metric_name(m.name)
            .dimensions(m.dimensions.into_iter().map(|(k, v)| Dimension::new(k, v)).collect::<Vec<_>>())
            .statistic(m.statistic)
            .period(i64::from(p))
            .evaluation_periods(i64::from(props.evaluation_periods))
            .threshold(props.threshold)
            .comparison_operator(comparison)
            .treat_missing_data(props.treat_missing_data);
        if let Some(d) = props.datapoints_to_alarm {
            cfn = cfn.datapoints_to_alarm(i64::from(d));
        }
        if let Some(d) = props.description {
            cfn = cfn.alarm_description(d);
        }
        if !props.topics.is_empty() {
            let arns: Vec<Value> = props.topics.iter().map(Topic::topic_arn).collect();
            cfn = cfn.alarm_actions(arns.clone()).ok_actions(arns);
        }
        let resource = scope.add_resource("Resource", cfn)?;
        Ok(Alarm { node, resource })
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::CloudWatch::Alarm` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnAlarm> {
        self.resource
    }

    /// `Fn::GetAtt Alarm.Arn`.
    pub fn alarm_arn(&self) -> Value {
        self.resource.attr_arn().into()
    }
}

/// A graph widget of a [`Dashboard`].
#[derive(Debug, Clone, PartialEq)]
pub struct GraphWidget {
    /// Title.
    pub title: String,
    /// Metrics drawn.
    pub metrics: Vec<Metric>,
}

/// A CloudWatch dashboard (`AWS::CloudWatch::Dashboard` at `<id>/Resource`) of graph widgets,
/// two per row, in the stack's region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dashboard {
    node: NodeRef,
    resource: Handle<CfnDashboard>,
}

impl Dashboard {
    /// Creates the dashboard ("Dashboard body structure and syntax",
    /// docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
    pub fn new(
        scope: &mut impl AsScope,
        id: &str,
        dashboard_name: Option<String>,
        widgets: Vec<GraphWidget>,
    ) -> Result<Dashboard, TreeError> {
        let mut scope = scope.as_scope().child(id)?;
        let node = scope.node();
        let widgets: Vec<Value> = widgets
            .into_iter()
            .enumerate()
            .map(|(i, w)| {
                let metrics: Vec<Value> = w
                    .metrics
                    .into_iter()
                    .map(|m| {
                        let mut row = vec![Value::from(m.namespace), Value::from(m.name)];
                        for (k, v) in m.dimensions {
                            row.push(Value::from(k));
                            row.push(v);
                        }
                        row.push(Value::map([
                            ("stat", Value::from(m.statistic.to_string())),
                            ("period", Value::from(i64::from(m.period_seconds))),
                        ]));
                        Value::List(row)
                    })
                    .collect();
                let n = i64::try_from(i).unwrap_or(0);
                Value::map([
                    ("type", Value::from("metric")),
                    ("x", Value::from((n % 2) * 12)),
                    ("y", Value::from((n / 2) * 6)),
                    ("width", Value::from(12)),
                    ("height", Value::from(6)),
                    (
                        "properties",
                        Value::map([
                            ("title", Value::from(w.title)),
                            ("view", Value::from("timeSeries")),
                            ("region", Value::Pseudo(crate::core::value::Pseudo::Region)),
                            ("metrics", Value::List(metrics)),
                        ]),
                    ),
                ])
            })
            .collect();
        let body = Value::json(Value::map([("widgets", Value::List(widgets))]));
        let mut cfn = CfnDashboard::new(Val::<String>::expr(body));
        if let Some(n) = dashboard_name {
            cfn = cfn.dashboard_name(n);
        }
        let resource = scope.add_resource("Resource", cfn)?;
        Ok(Dashboard { node, resource })
    }

    /// The construct node.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// The `AWS::CloudWatch::Dashboard` resource (escape hatch).
    pub fn resource(&self) -> Handle<CfnDashboard> {
        self.resource
    }
}
