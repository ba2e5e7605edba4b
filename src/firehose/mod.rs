//! Amazon Data Firehose: a delivery stream L2 with a Snowflake destination.

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
