use super::pattern::{Pattern, translate};
use super::*;
use serde_json::json;

/// Patterns in the vendored schemas that knowingly cannot be checked with the regex crate.
const KNOWN_SKIPPED: &[(&str, &str)] = &[(
    // Redshift JDBC URL (Firehose Redshift destination): look-around inside a repeated group.
    "AWS::KinesisFirehose::DeliveryStream",
    r"^jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(redshift(-serverless)?)\.([a-zA-Z0-9\.\-]+):\d{1,5}/[a-zA-Z0-9_$-]+$",
)];

fn check(type_name: &str, properties: Value) -> Vec<SchemaProblem> {
    validate_properties(type_name, Some(&properties)).expect("vendored type")
}

fn inline(schema: Value) -> ResourceSchema {
    let mut schema = schema;
    schema["typeName"] = json!("Test::Inline::Thing");
    ResourceSchema::from_value(schema).expect("valid inline schema")
}

fn kinds(problems: &[SchemaProblem]) -> Vec<SchemaProblemKind> {
    problems.iter().map(|p| p.kind).collect()
}

fn shown(problems: &[SchemaProblem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";

/// The article's DeliveryStream (CDK code translated to CloudFormation), plus the S3Configuration
/// that the article forgot and that Snowflake destinations require.
fn article_delivery_stream() -> Value {
    json!({
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {
            "KinesisStreamARN": { "Fn::GetAtt": ["Stream790BDEE4", "Arn"] },
            "RoleARN": { "Fn::GetAtt": ["Role1ABCC5F0", "Arn"] }
        },
        "SnowflakeDestinationConfiguration": {
            "AccountUrl": "https://account.region.snowflakecomputing.com",
            "Database": "database",
            "Schema": "schema",
            "Table": "table",
            "User": "username",
            "SnowflakeRoleConfiguration": { "SnowflakeRole": "role", "Enabled": true },
            "PrivateKey": "{{resolve:secretsmanager:Snowflake/PrivateKey:SecretString:::}}",
            "RoleARN": { "Fn::GetAtt": ["Role1ABCC5F0", "Arn"] },
            "S3Configuration": {
                "BucketARN": { "Fn::GetAtt": ["BackupBucket", "Arn"] },
                "RoleARN": { "Fn::GetAtt": ["Role1ABCC5F0", "Arn"] },
                "CompressionFormat": "GZIP"
            }
        }
    })
}

// ---------------------------------------------------------------- vendored schemas and patterns

#[test]
fn every_vendored_schema_loads_with_its_facts() {
    let types: Vec<&str> = vendored_types().collect();
    // Every type CloudFormation has in the region (schemas/all-types.txt, written by refresh.py
    // from the same cfn-lint wheel) is embedded.
    let listed: Vec<&str> = include_str!("../../schemas/all-types.txt").lines().collect();
    assert_eq!(types, listed);
    for t in types {
        let schema = resource_schema(t).unwrap_or_else(|| panic!("{t} does not load"));
        assert_eq!(schema.type_name(), t);
        assert!(!schema.primary_identifier().is_empty(), "{t} has no primary identifier");
        // Loading twice gives the same parsed schema (parsed once).
        assert!(std::ptr::eq(schema, resource_schema(t).unwrap()));
    }
    assert_eq!(CFN_LINT_VERSION, "1.58.0");
}

#[test]
fn every_vendored_pattern_compiles_or_is_knowingly_skipped() {
    // The types the L2 constructs build on (schemas/types.txt) skip only the patterns listed in
    // KNOWN_SKIPPED; across all types, skipped patterns (not checked: never a false error) stay rare.
    let l1_types: Vec<&str> = include_str!("../../schemas/types.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut skipped = Vec::new();
    let mut skipped_elsewhere = 0;
    let mut compiled = 0;
    for t in vendored_types() {
        let schema = resource_schema(t).unwrap();
        for source in schema.all_patterns() {
            match schema.pattern(source) {
                Pattern::Compiled { .. } => compiled += 1,
                Pattern::Skipped { reason } if l1_types.contains(&t) => skipped.push((t, source, reason.clone())),
                Pattern::Skipped { .. } => skipped_elsewhere += 1,
            }
        }
    }
    let unexpected: Vec<String> = skipped
        .iter()
        .filter(|(t, source, _)| !KNOWN_SKIPPED.contains(&(*t, *source)))
        .map(|(t, source, reason)| format!("{t}: {source:?} ({reason})"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} patterns skipped but not in KNOWN_SKIPPED:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    for (t, source) in KNOWN_SKIPPED {
        assert!(
            skipped.iter().any(|(st, ss, _)| st == t && ss == source),
            "KNOWN_SKIPPED lists {source:?} for {t}, but it compiles or is gone: remove it"
        );
    }
    assert!(compiled >= 60, "only {compiled} patterns compiled");
    assert!(skipped_elsewhere * 20 < compiled, "{skipped_elsewhere} patterns skipped, {compiled} compiled");
}

#[test]
fn vendored_schemas_use_only_keywords_the_validator_knows() {
    // Keywords the validator applies, and keywords that carry no constraint on values.
    const APPLIED: &[&str] = &[
        "$ref",
        "type",
        "properties",
        "additionalProperties",
        "patternProperties",
        "required",
        "enum",
        "const",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "oneOf",
        "anyOf",
        "allOf",
        "requiredXor",
        "dependentExcluded",
        "dependentRequired",
        "dependencies",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "not",
        "if",
        "then",
        "else",
        "multipleOf",
        "minProperties",
        "maxProperties",
        "prefixItems",
        "uniqueKeys",
        "requiredOr",
        "enumCaseInsensitive",
    ];
    // Constraints the validator does not apply: values are accepted (never a false error).
    // `arrayType` (AttributeList/Standard) says how CloudFormation compares lists, not a constraint.
    const NOT_CHECKED: &[&str] = &["arrayType"];
    const INFORMATIONAL: &[&str] = &[
        "description",
        "definitions",
        "insertionOrder",
        "format",
        "default",
        "examples",
        "relationshipRef",
        "propertyPath",
        "typeName",
        "$comment",
        "$schema",
        "sourceUrl",
        "primaryIdentifier",
        "createOnlyProperties",
        "readOnlyProperties",
        "writeOnlyProperties",
        "conditionalCreateOnlyProperties",
        "handlers",
        "tagging",
        "propertyTransform",
        "maxUniqueItems",
        "timeoutInMinutes",
        "taggable",
        "replacementStrategy",
        "deprecatedProperties",
        "additionalIdentifiers",
        "documentationUrl",
        "$id",
        "title",
        "resourceLink",
        "nonPublicProperties",
        "nonPublicDefinitions",
        "handlerSchema",
        "propertyTransform",
    ];
    fn walk(node: &Value, at_schema: bool, found: &mut Vec<String>) {
        let Value::Object(map) = node else { return };
        for (key, value) in map {
            if at_schema {
                found.push(key.clone());
            }
            match key.as_str() {
                "properties" | "definitions" | "patternProperties" | "dependentExcluded" => {
                    for sub in value.as_object().into_iter().flat_map(|m| m.values()) {
                        walk(sub, sub.is_object(), found);
                    }
                }
                "items" | "additionalProperties" | "not" => walk(value, true, found),
                "oneOf" | "anyOf" | "allOf" => {
                    for sub in value.as_array().into_iter().flatten() {
                        walk(sub, true, found);
                    }
                }
                _ => {}
            }
        }
    }
    let mut unknown = std::collections::BTreeMap::new();
    for t in vendored_types() {
        let mut found = Vec::new();
        walk(resource_schema(t).unwrap().raw(), true, &mut found);
        for keyword in found {
            if ![APPLIED, INFORMATIONAL, NOT_CHECKED].iter().any(|list| list.contains(&keyword.as_str())) {
                unknown.entry(keyword).or_insert(t);
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "schema keywords the validator neither applies nor ignores knowingly (keyword → first type): {unknown:?}"
    );
}

#[test]
fn facts_of_the_articles_types() {
    let firehose = resource_schema("AWS::KinesisFirehose::DeliveryStream").unwrap();
    for p in [
        "DeliveryStreamName",
        "DeliveryStreamType",
        "KinesisStreamSourceConfiguration",
        "SnowflakeDestinationConfiguration.SnowflakeVpcConfiguration",
    ] {
        assert!(firehose.is_create_only(p), "{p}");
    }
    assert!(firehose.is_create_only("KinesisStreamSourceConfiguration.RoleARN"));
    assert!(!firehose.is_create_only("SnowflakeDestinationConfiguration"));
    assert_eq!(firehose.attributes(), ["Arn"]);
    assert_eq!(firehose.primary_identifier(), ["DeliveryStreamName"]);

    let role = resource_schema("AWS::IAM::Role").unwrap();
    assert_eq!(role.create_only_properties(), ["Path", "RoleName"]);
    assert_eq!(role.required(), ["AssumeRolePolicyDocument"]);

    let lambda = resource_schema("AWS::Lambda::Function").unwrap();
    assert_eq!(lambda.required(), ["Code", "Role"]);
    assert!(lambda.has_attribute("SnapStartResponse.ApplyOn"));

    let bucket = resource_schema("AWS::S3::Bucket").unwrap();
    for a in ["Arn", "DomainName", "RegionalDomainName", "WebsiteURL"] {
        assert!(bucket.has_attribute(a), "{a}");
    }
    assert_eq!(resource_schema("AWS::KMS::Key").unwrap().attributes(), ["Arn", "KeyId"]);
    assert_eq!(resource_schema("Custom::Anything").unwrap().type_name(), "AWS::CloudFormation::CustomResource");
    assert_eq!(super::normalise_path("/properties/A/*/B"), "A[*].B");
}

#[test]
fn every_type_is_validated_and_unknown_names_are_none() {
    // EC2 was not among the 20 types embedded before every schema was.
    let problems = validate_properties("AWS::EC2::Instance", Some(&json!({"Anything": 1}))).expect("vendored");
    assert_eq!(shown(&problems), ["Anything is not a valid property"]);
    let problems = validate_properties("AWS::SQS::Queue", Some(&json!({"DelaySeconds": 901}))).expect("vendored");
    assert_eq!(kinds(&problems), [SchemaProblemKind::Range]);
    assert!(resource_schema("AWS::Nope::Nothing").is_none());
    assert!(validate_properties("AWS::Nope::Nothing", Some(&json!({"Anything": 1}))).is_none());
}

// ---------------------------------------------------------------- pattern translation

#[test]
fn translation_of_ecmascript_patterns() {
    let ok = |src: &str, yes: &[&str], no: &[&str]| {
        let p = Pattern::new(src);
        for s in yes {
            assert_eq!(p.is_match(s), Some(true), "{src:?} should match {s:?}");
        }
        for s in no {
            assert_eq!(p.is_match(s), Some(false), "{src:?} should not match {s:?}");
        }
    };
    // Leading negative look-ahead.
    ok(r"^(?!\s*$).+", &["a", " a"], &["", "   "]);
    ok(r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$", &["team", "a/b"], &["aws:cloudformation", "x!"]);
    // Trailing negative look-behind.
    ok(r"^[0-9A-Za-z\.\-_]*(?<!\.)$", &["a.b", "ab"], &["ab."]);
    // Python's \Z, \u escapes, identity escapes, a literal '-' after a range.
    ok(r"^[.\-_/#A-Za-z0-9]{1,512}\Z", &["/aws/x"], &["a b", "a\n"]);
    ok(r"^[\u0009\u000A\u000D\u0020-\u007E]*$", &["a b\t"], &["é"]);
    ok(r"^[a-zA-Z0-9-_]+$", &["a-b_c"], &["a.b"]);
    ok(r"^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()$", &["arn:aws:s3:x", ""], &[]);
    // ECMAScript \d and \w are ASCII only.
    ok(r"^\d+$", &["123"], &["١٢٣"]);
    ok(r"^[\w+=,.@-]+$", &["a_b+c@d"], &["ä"]);
    // `.` does not match line terminators.
    ok(r"^.*$", &["abc"], &["a\u{2028}b"]);
    // A '{' that is not a quantifier is literal.
    ok(r"^a{b$", &["a{b"], &["ab"]);
    ok(r"^a{2}$", &["aa"], &["a"]);
    assert_eq!(translate(r"\/").unwrap(), "/");
    assert!(translate(r"(a)\1").is_err());
    assert!(matches!(Pattern::new("a(?=b)"), Pattern::Skipped { .. }));
}

// ---------------------------------------------------------------- the article's types

#[test]
fn account_url_pattern_message_is_exact() {
    let mut props = article_delivery_stream();
    props["SnowflakeDestinationConfiguration"]["AccountUrl"] = json!("https://example.com");
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props);
    assert_eq!(
        shown(&problems),
        [
            r#"SnowflakeDestinationConfiguration.AccountUrl "https://example.com" is shorter than the minimum length 24 (19 characters)"#,
            r#"SnowflakeDestinationConfiguration.AccountUrl "https://example.com" does not match .+?\.snowflakecomputing\.com"#,
        ]
    );
    assert_eq!(kinds(&problems), [SchemaProblemKind::Length, SchemaProblemKind::Pattern]);
    assert_eq!(problems[1].path, "SnowflakeDestinationConfiguration.AccountUrl");
}

#[test]
fn articles_delivery_stream_with_s3_configuration_is_valid() {
    assert_eq!(check("AWS::KinesisFirehose::DeliveryStream", article_delivery_stream()), []);
}

#[test]
fn articles_delivery_stream_as_written_misses_s3_configuration() {
    let mut props = article_delivery_stream();
    props["SnowflakeDestinationConfiguration"].as_object_mut().unwrap().remove("S3Configuration");
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props);
    assert_eq!(shown(&problems), ["SnowflakeDestinationConfiguration.S3Configuration is required"]);
    assert_eq!(problems[0].kind, SchemaProblemKind::MissingRequired);
}

#[test]
fn typo_is_an_unknown_property_with_a_suggestion() {
    let mut props = article_delivery_stream();
    let dest = props["SnowflakeDestinationConfiguration"].as_object_mut().unwrap();
    let url = dest.remove("AccountUrl").unwrap();
    dest.insert("AccountURL".into(), url);
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props);
    assert_eq!(
        shown(&problems),
        [
            "SnowflakeDestinationConfiguration.AccountURL is not a valid property (did you mean AccountUrl?)",
            "SnowflakeDestinationConfiguration.AccountUrl is required",
        ]
    );
    assert_eq!(kinds(&problems), [SchemaProblemKind::UnknownProperty, SchemaProblemKind::MissingRequired]);
    let top = check("AWS::Kinesis::Stream", json!({"RetentionPeriodHour": 24}));
    assert_eq!(shown(&top), ["RetentionPeriodHour is not a valid property (did you mean RetentionPeriodHours?)"]);
    let far = check("AWS::Kinesis::Stream", json!({"Banana": 1}));
    assert_eq!(shown(&far), ["Banana is not a valid property"]);
}

#[test]
fn missing_required_including_when_properties_are_absent() {
    let problems = validate_properties("AWS::IAM::Role", None).unwrap();
    assert_eq!(shown(&problems), ["AssumeRolePolicyDocument is required"]);
    let problems = check("AWS::IAM::Role", json!({"RoleName": "r", "Path": "/"}));
    assert_eq!(shown(&problems), ["AssumeRolePolicyDocument is required"]);
    // Ref AWS::NoValue removes the property.
    let problems = check("AWS::IAM::Role", json!({"AssumeRolePolicyDocument": {"Ref": "AWS::NoValue"}}));
    assert_eq!(shown(&problems), ["AssumeRolePolicyDocument is required"]);
    assert_eq!(validate_properties("AWS::IAM::Role", Some(&Value::Null)).unwrap().len(), 1);
    let ok = check("AWS::IAM::Role", json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}));
    assert_eq!(ok, []);
    // Custom resources need a ServiceToken.
    let custom = validate_properties("Custom::KinesisPolicy", None).unwrap();
    assert_eq!(shown(&custom), ["ServiceToken is required"]);
}

#[test]
fn enum_range_length_and_strict_types_on_a_stream() {
    let problems = check("AWS::Kinesis::Stream", json!({"StreamModeDetails": {"StreamMode": "ON_DEMANDS"}}));
    assert_eq!(shown(&problems), [r#"StreamModeDetails.StreamMode "ON_DEMANDS" is not one of ON_DEMAND, PROVISIONED"#]);
    assert_eq!(problems[0].kind, SchemaProblemKind::Enum);

    let problems = check("AWS::Kinesis::Stream", json!({"RetentionPeriodHours": 9000}));
    assert_eq!(shown(&problems), ["RetentionPeriodHours 9000 is greater than the maximum 8760"]);
    assert_eq!(problems[0].kind, SchemaProblemKind::Range);
    let problems = check("AWS::Kinesis::Stream", json!({"ShardCount": 0}));
    assert_eq!(shown(&problems), ["ShardCount 0 is less than the minimum 1"]);

    let long = "s".repeat(129);
    let problems = check("AWS::Kinesis::Stream", json!({"Name": long}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::Length]);
    assert!(problems[0].message.ends_with("is longer than the maximum length 128 (129 characters)"));
    let problems = check("AWS::Kinesis::Stream", json!({"Name": "my stream"}));
    assert_eq!(shown(&problems), [r#"Name "my stream" does not match ^[a-zA-Z0-9_.-]+$"#]);

    let problems = check("AWS::Kinesis::Stream", json!({"ShardCount": "24"}));
    assert_eq!(shown(&problems), [r#"ShardCount expected integer, found string "24""#]);
    assert_eq!(problems[0].kind, SchemaProblemKind::WrongType);
    let problems = check("AWS::Kinesis::Stream", json!({"ShardCount": 2.5}));
    assert_eq!(shown(&problems), ["ShardCount expected integer, found number 2.5"]);
    assert_eq!(check("AWS::Kinesis::Stream", json!({"ShardCount": 2.0})), []);
    let problems = check(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"SnowflakeDestinationConfiguration": {"SnowflakeRoleConfiguration": {"Enabled": "true"}}}),
    );
    assert!(shown(&problems).contains(
        &r#"SnowflakeDestinationConfiguration.SnowflakeRoleConfiguration.Enabled expected boolean, found string "true""#
            .to_string()
    ));
    // StreamEncryption needs both EncryptionType and KeyId.
    let problems = check("AWS::Kinesis::Stream", json!({"StreamEncryption": {"EncryptionType": "KMS"}}));
    assert_eq!(shown(&problems), ["StreamEncryption.KeyId is required"]);
}

#[test]
fn tag_paths_index_into_arrays() {
    let problems = check(
        "AWS::Kinesis::Stream",
        json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Value": "3"}, "oops"]}),
    );
    assert_eq!(shown(&problems), ["Tags[2].Key is required", r#"Tags[3] expected object, found string "oops""#]);
}

#[test]
fn read_only_properties_cannot_be_set() {
    let problems = check("AWS::Kinesis::Stream", json!({"Arn": "arn:aws:kinesis:x"}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::ReadOnly]);
    assert_eq!(problems[0].path, "Arn");
}

// ---------------------------------------------------------------- values unknown at synthesis

#[test]
fn intrinsics_and_dynamic_references_are_accepted() {
    let props = json!({
        "Name": {"Fn::Sub": "${AWS::StackName}-events"},
        "ShardCount": {"Ref": "Shards"},
        "RetentionPeriodHours": {"Fn::If": ["Long", 168, {"Ref": "AWS::NoValue"}]},
        "StreamModeDetails": {"Fn::If": ["OnDemand", {"StreamMode": "ON_DEMAND"}, {"StreamMode": "PROVISIONED"}]},
        "StreamEncryption": {"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": ["Key", "Arn"]}},
        "Tags": [{"Key": {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}, "Value": "{{resolve:ssm:/tag}}"}],
        "DesiredShardLevelMetrics": {"Fn::Split": [",", {"Ref": "Metrics"}]}
    });
    assert_eq!(check("AWS::Kinesis::Stream", props), []);
    // A dynamic reference where an integer is expected is resolved at deployment.
    assert_eq!(check("AWS::Kinesis::Stream", json!({"ShardCount": "{{resolve:ssm:/shards}}"})), []);
    // A whole Properties block behind an intrinsic is not known, except Fn::If: each branch is
    // checked (as cfn-lint does).
    assert_eq!(check("AWS::IAM::Role", json!({"Fn::FindInMap": ["M", "K", "V"]})), []);
    assert_eq!(
        kinds(&check("AWS::IAM::Role", json!({"Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]}))),
        [SchemaProblemKind::MissingRequired]
    );
}

#[test]
fn objects_and_intrinsics_of_the_wrong_shape_are_still_caught() {
    let problems = check("AWS::Kinesis::Stream", json!({"Name": {"Value": "events"}}));
    assert_eq!(shown(&problems), [r#"Name expected string, found object {"Value":"events"}"#]);
    let problems = check("AWS::Kinesis::Stream", json!({"StreamModeDetails": {"Fn::Join": ["", ["ON_", "DEMAND"]]}}));
    assert_eq!(shown(&problems), ["StreamModeDetails expected object, found Fn::Join (which produces a string)"]);
    let problems = check("AWS::Kinesis::Stream", json!({"Name": {"Fn::GetAZs": ""}}));
    assert_eq!(shown(&problems), ["Name expected string, found Fn::GetAZs (which produces a list)"]);
    let problems = check("AWS::Kinesis::Stream", json!({"StreamModeDetails": "{{resolve:ssm:/mode}}"}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::WrongType]);
}

// ---------------------------------------------------------------- extra service rules

#[test]
fn rule_shard_count_with_on_demand() {
    let problems =
        check("AWS::Kinesis::Stream", json!({"ShardCount": 2, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::ServiceRule]);
    assert_eq!(problems[0].path, "ShardCount");
    assert!(
        problems[0]
            .to_string()
            .starts_with(r#"ShardCount must not be set when StreamModeDetails.StreamMode is "ON_DEMAND""#),
        "{}",
        problems[0]
    );
    for ok in [
        json!({"ShardCount": 2, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
        json!({"ShardCount": 2}),
        json!({"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        json!({"ShardCount": {"Ref": "AWS::NoValue"}, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        json!({"ShardCount": 2, "StreamModeDetails": {"StreamMode": {"Ref": "Mode"}}}),
        json!({"ShardCount": {"Fn::If": ["P", 2, {"Ref": "AWS::NoValue"}]}, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    ] {
        assert_eq!(check("AWS::Kinesis::Stream", ok.clone()), [], "{ok}");
    }
}

#[test]
fn rule_private_key_with_secrets_manager_configuration() {
    let mut props = article_delivery_stream();
    props["SnowflakeDestinationConfiguration"]["SecretsManagerConfiguration"] = json!({
        "Enabled": true,
        "SecretARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:Snowflake/PrivateKey-AbCdEf",
        "RoleARN": ROLE
    });
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props.clone());
    assert_eq!(kinds(&problems), [SchemaProblemKind::ServiceRule]);
    assert_eq!(problems[0].path, "SnowflakeDestinationConfiguration.PrivateKey");
    assert!(problems[0].message.starts_with(
        "must not be set when SnowflakeDestinationConfiguration.SecretsManagerConfiguration.Enabled is true"
    ));
    // Without the private key, or with the secret disabled, it is fine.
    let mut without = props.clone();
    without["SnowflakeDestinationConfiguration"].as_object_mut().unwrap().remove("PrivateKey");
    assert_eq!(check("AWS::KinesisFirehose::DeliveryStream", without), []);
    props["SnowflakeDestinationConfiguration"]["SecretsManagerConfiguration"]["Enabled"] = json!(false);
    assert_eq!(check("AWS::KinesisFirehose::DeliveryStream", props), []);
}

#[test]
fn rule_encryption_with_a_kinesis_stream_source() {
    let encryption = json!({"KeyType": "AWS_OWNED_CMK"});
    let mut props = article_delivery_stream();
    props["DeliveryStreamEncryptionConfigurationInput"] = encryption.clone();
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props);
    assert_eq!(kinds(&problems), [SchemaProblemKind::ServiceRule]);
    assert_eq!(problems[0].path, "DeliveryStreamEncryptionConfigurationInput");
    assert!(problems[0].message.starts_with(r#"must not be set when DeliveryStreamType is "KinesisStreamAsSource""#));

    // The source configuration alone is enough to tell.
    let mut props = article_delivery_stream();
    props.as_object_mut().unwrap().remove("DeliveryStreamType");
    props["DeliveryStreamEncryptionConfigurationInput"] = encryption.clone();
    let problems = check("AWS::KinesisFirehose::DeliveryStream", props);
    assert_eq!(kinds(&problems), [SchemaProblemKind::ServiceRule]);
    assert!(problems[0].message.starts_with("must not be set together with KinesisStreamSourceConfiguration"));

    // DirectPut with encryption is fine.
    let mut props = article_delivery_stream();
    props["DeliveryStreamType"] = json!("DirectPut");
    props.as_object_mut().unwrap().remove("KinesisStreamSourceConfiguration");
    props["DeliveryStreamEncryptionConfigurationInput"] = encryption;
    assert_eq!(check("AWS::KinesisFirehose::DeliveryStream", props), []);
}

// ---------------------------------------------------------------- combinations in real schemas

#[test]
fn iam_policy_needs_users_groups_or_roles() {
    let base = json!({"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": []}});
    let problems = check("AWS::IAM::Policy", base.clone());
    assert_eq!(shown(&problems), ["needs at least one of Users, Groups, Roles (found none)"]);
    assert_eq!(problems[0].kind, SchemaProblemKind::Combination);
    let mut with_roles = base;
    with_roles["Roles"] = json!([{"Ref": "Role"}]);
    assert_eq!(check("AWS::IAM::Policy", with_roles), []);
}

#[test]
fn alarm_exactly_one_metric_source_and_exclusions() {
    let base = json!({"ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1, "Threshold": 1});
    let problems = check("AWS::CloudWatch::Alarm", base.clone());
    assert!(
        shown(&problems).contains(&"needs exactly one of Metrics, MetricName, EvaluationCriteria (found none)".into()),
        "{problems:?}"
    );
    let mut both = base.clone();
    both["MetricName"] = json!("IncomingRecords");
    both["Namespace"] = json!("AWS/Kinesis");
    both["Period"] = json!(60);
    both["Statistic"] = json!("Sum");
    assert_eq!(check("AWS::CloudWatch::Alarm", both.clone()), []);
    both["ExtendedStatistic"] = json!("p99");
    let problems = check("AWS::CloudWatch::Alarm", both);
    assert_eq!(
        shown(&problems),
        [
            "Statistic cannot be set together with ExtendedStatistic",
            "ExtendedStatistic cannot be set together with Statistic"
        ]
    );
}

#[test]
fn bucket_target_object_key_format_is_one_of_two() {
    let with = |format: Value| json!({"LoggingConfiguration": {"TargetObjectKeyFormat": format}});
    assert_eq!(check("AWS::S3::Bucket", with(json!({"SimplePrefix": {}}))), []);
    let problems = check("AWS::S3::Bucket", with(json!({})));
    assert_eq!(
        shown(&problems),
        [
            "LoggingConfiguration.TargetObjectKeyFormat needs exactly one of SimplePrefix, PartitionedPrefix (found none)"
        ]
    );
    let problems = check(
        "AWS::S3::Bucket",
        with(json!({"SimplePrefix": {}, "PartitionedPrefix": {"PartitionDateSource": "EventTime"}})),
    );
    assert_eq!(kinds(&problems), [SchemaProblemKind::Combination]);
}

// ---------------------------------------------------------------- keywords on inline schemas

#[test]
fn inline_ref_type_arrays_const_and_unique_items() {
    let schema = inline(json!({
        "definitions": {"Mode": {"type": "string", "enum": ["A", "B"]}},
        "properties": {
            "Mode": {"$ref": "#/definitions/Mode"},
            "Doc": {"type": ["object", "string"]},
            "Fixed": {"const": "V_1"},
            "List": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2, "uniqueItems": true},
            "Ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "Tuple": {"type": "array", "items": [{"type": "string"}, {"type": "boolean"}]}
        },
        "additionalProperties": false
    }));
    assert_eq!(
        schema.validate(Some(&json!({"Mode": "A", "Doc": "{}", "Fixed": "V_1", "List": [1], "Ratio": 0.5}))),
        []
    );
    // Numbers count as strings (CloudFormation converts them); strings never count as numbers.
    assert_eq!(schema.validate(Some(&json!({"Doc": {}, "Mode": "B"}))), []);
    assert_eq!(schema.validate(Some(&json!({"Doc": 5}))), []);
    let problems = schema.validate(Some(&json!({
        "Mode": "C", "Doc": [5], "Fixed": "V_2", "List": [1, 1, 3], "Ratio": 1, "Tuple": ["x", "y"]
    })));
    assert_eq!(
        shown(&problems),
        [
            r#"Mode "C" is not one of A, B"#,
            "Doc expected object or string, found array [5]",
            r#"Fixed "V_2" must be V_1"#,
            "List has 3 items, more than the maximum 2",
            "List has duplicate items [0] and [1]: 1",
            "Ratio 1 must be less than 1",
            r#"Tuple[1] expected boolean, found string "y""#,
        ]
    );
    let problems = schema.validate(Some(&json!({"List": []})));
    assert_eq!(shown(&problems), ["List has 0 items, fewer than the minimum 1"]);
    assert_eq!(kinds(&problems), [SchemaProblemKind::ItemCount]);
}

#[test]
fn inline_combinators() {
    let schema = inline(json!({
        "properties": {
            "A": {"type": "string"}, "B": {"type": "string"}, "C": {"type": "string"},
            "Size": {"allOf": [{"minimum": 1}, {"maximum": 10}]},
            "Shape": {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "string", "minLength": 2}]},
            "Any": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
            "Not": {"not": {"const": "forbidden"}}
        },
        "dependentRequired": {"A": ["B"]},
        "dependentExcluded": {"B": ["C"]}
    }));
    assert_eq!(schema.validate(Some(&json!({"Size": 5, "Shape": "a", "Any": true, "Not": "x"}))), []);
    let problems = schema.validate(Some(&json!({"Size": 11, "Shape": "ab", "Any": "no", "Not": "forbidden"})));
    assert_eq!(
        shown(&problems),
        [
            "Size 11 is greater than the maximum 10",
            "Shape matches 2 of 2 alternatives where exactly one must match",
            r#"Any matches none of 2 alternatives; closest: Any expected integer, found string "no""#,
            r#"Not must not match {"const":"forbidden"}"#,
        ]
    );
    let problems = schema.validate(Some(&json!({"A": "x"})));
    assert_eq!(shown(&problems), ["B is required when A is set"]);
    let problems = schema.validate(Some(&json!({"A": "x", "B": "y", "C": "z"})));
    assert_eq!(shown(&problems), ["C cannot be set together with B"]);
    assert_eq!(kinds(&problems), [SchemaProblemKind::Combination]);
}

#[test]
fn inline_pattern_properties_and_additional_property_schemas() {
    let schema = inline(json!({
        "properties": {
            "Vars": {"type": "object", "patternProperties": {"^[A-Z][A-Z0-9_]*$": {"type": "string"}}, "additionalProperties": false},
            "Map": {"type": "object", "additionalProperties": {"type": "integer"}}
        }
    }));
    assert_eq!(schema.validate(Some(&json!({"Vars": {"HOME": "/root"}, "Map": {"x": 1}}))), []);
    let problems = schema.validate(Some(&json!({"Vars": {"home": "/root", "PATH": []}, "Map": {"x": "1"}})));
    assert_eq!(
        shown(&problems),
        [
            "Vars.home is not a valid property",
            "Vars.PATH expected string, found array []",
            r#"Map.x expected integer, found string "1""#,
        ]
    );
}

// ---------------------------------------------------------------- weird input never panics

#[test]
fn weird_shapes_are_problems_not_panics() {
    let problems = check("AWS::Kinesis::Stream", json!(["not", "an", "object"]));
    assert_eq!(shown(&problems), [r#"Properties must be an object, found array ["not","an","object"]"#]);
    let problems = check("AWS::Kinesis::Stream", json!({"StreamModeDetails": [1, 2]}));
    assert_eq!(shown(&problems), ["StreamModeDetails expected object, found array [1,2]"]);
    let problems = check("AWS::Kinesis::Stream", json!({"Tags": {"Key": "a"}}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::WrongType]);
    let problems = check("AWS::Kinesis::Stream", json!({"Name": null}));
    assert_eq!(kinds(&problems), [SchemaProblemKind::WrongType]);
    let long = "x".repeat(10_000);
    let problems = check("AWS::Kinesis::Stream", json!({ "Name": long }));
    assert!(problems.iter().all(|p| p.to_string().len() < 300), "messages shorten long values");
}

#[test]
fn deep_nesting_and_ref_cycles_are_bounded() {
    let schema = inline(json!({
        "definitions": {
            "Node": {"type": "object", "properties": {"Next": {"$ref": "#/definitions/Node"}}},
            "Loop": {"$ref": "#/definitions/Loop2"},
            "Loop2": {"$ref": "#/definitions/Loop"}
        },
        "properties": {"Root": {"$ref": "#/definitions/Node"}, "Cycle": {"$ref": "#/definitions/Loop"}}
    }));
    let mut deep = json!({});
    for _ in 0..500 {
        deep = json!({ "Next": deep });
    }
    let problems = schema.validate(Some(&json!({ "Root": deep })));
    assert_eq!(kinds(&problems), [SchemaProblemKind::TooDeep]);
    let problems = schema.validate(Some(&json!({ "Cycle": 1 })));
    assert_eq!(kinds(&problems), [SchemaProblemKind::TooDeep]);
    // Deeply nested values in a custom resource (untyped beyond the top) are fine.
    let mut nested = json!(1);
    for _ in 0..300 {
        nested = json!([nested]);
    }
    assert_eq!(
        validate_properties("Custom::X", Some(&json!({"ServiceToken": "arn:aws:lambda:x", "Deep": nested}))).unwrap(),
        []
    );
}

#[test]
fn from_value_rejects_non_schemas() {
    assert!(matches!(ResourceSchema::from_value(json!([])), Err(SchemaError::NotAnObject)));
    assert!(matches!(ResourceSchema::from_value(json!({})), Err(SchemaError::MissingTypeName)));
}

#[test]
fn unicode_classes_are_exact_for_ascii_and_accept_other_letters() {
    // The IAM/Firehose tag pattern.
    let p = Pattern::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$");
    assert_eq!(p.is_match("team: data-eng 1"), Some(true));
    assert_eq!(p.is_match("Ünïcode tëam"), Some(true));
    assert_eq!(p.is_match("semi;colon"), Some(false));
    assert_eq!(p.is_match("tab\there"), Some(false));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            prop_oneof![Just("ON_DEMAND".to_string()), Just("{{resolve:ssm:x}}".to_string()), "[a-zA-Z0-9:/._-]{0,40}"]
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("Ref".to_string()),
                            Just("Fn::If".to_string()),
                            Just("Tags".to_string()),
                            Just("StreamModeDetails".to_string()),
                            Just("SnowflakeDestinationConfiguration".to_string()),
                            Just("Key".to_string()),
                            "[A-Z][a-zA-Z]{0,12}"
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Each case checks its value against a quarter of the types (which quarter is drawn too), so
    /// every type meets about 16 of the 64 values: the whole lot against every type took 9.5 s of
    /// the README's test command (debug build) for little more assurance.
    const SHARES: usize = 4;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn any_json_against_any_vendored_schema_does_not_panic(value in json_value(), share in 0..SHARES) {
            for t in vendored_types().skip(share).step_by(SHARES) {
                let problems = validate_properties(t, Some(&value)).unwrap();
                for p in problems {
                    prop_assert!(!p.message.is_empty());
                }
            }
        }
    }
}

// ------------------------------------------- keywords of every type's schema (cfn-lint's extensions)

fn read(type_name: &str, properties: Value) -> Vec<SchemaProblem> {
    validate_read_properties(type_name, Some(&properties)).expect("vendored type")
}

#[test]
fn required_xor_reports_each_key_set_and_skips_conditional_branches() {
    let mapping = |m: Value| json!({"ImageId": "ami-12345678", "BlockDeviceMappings": [m]});
    let both = mapping(json!({"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0", "Ebs": {}}));
    let problems = read("AWS::EC2::Instance", both);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["BlockDeviceMappings[0].VirtualName", "BlockDeviceMappings[0].Ebs"], "{problems:?}");
    assert!(problems[0].message.contains("only one of VirtualName, Ebs, NoDevice"));
    let chosen = mapping(json!({"DeviceName": "/dev/sdc", "Ebs": {"Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]}}));
    assert_eq!(read("AWS::EC2::Instance", chosen), []);
}

#[test]
fn required_or_needs_one_of_its_names() {
    let problems = read("AWS::EC2::Subnet", json!({"VpcId": "vpc-12345678"}));
    assert_eq!(
        shown(&problems),
        ["needs at least one of CidrBlock, Ipv4IpamPoolId, Ipv6IpamPoolId, Ipv6CidrBlock (found none)"]
    );
    assert_eq!(read("AWS::EC2::Subnet", json!({"VpcId": "vpc-12345678", "CidrBlock": "10.0.0.0/24"})), []);
}

#[test]
fn if_then_applies_when_the_condition_holds() {
    // AWS::RDS::DBCluster: a PostgreSQL cluster's master user cannot be named `admin`.
    let postgres = json!({"Engine": "aurora-postgresql", "MasterUsername": "admin"});
    let problems = read("AWS::RDS::DBCluster", postgres);
    assert!(
        problems.iter().any(|p| p.path == "MasterUsername" && p.kind == SchemaProblemKind::Combination),
        "{problems:?}"
    );
    assert_eq!(read("AWS::RDS::DBCluster", json!({"Engine": "aurora-mysql", "MasterUsername": "admin"})), []);
    // Skipped when a member depends on a condition (cfn-lint judges it per scenario).
    let conditional =
        json!({"Engine": {"Fn::If": ["C", "aurora-postgresql", "aurora-mysql"]}, "MasterUsername": "admin"});
    assert_eq!(read("AWS::RDS::DBCluster", conditional), []);
}

#[test]
fn multiple_of_min_max_properties_prefix_items_unique_keys_case_insensitive_enums() {
    let schema = inline(json!({
        "properties": {
            "Weight": {"type": "number", "multipleOf": 0.01},
            "Map": {"type": "object", "minProperties": 1, "maxProperties": 2},
            "Keys": {
                "type": "array",
                "prefixItems": [{"properties": {"KeyType": {"const": "HASH"}}}],
                "items": {"properties": {"KeyType": {"enum": ["HASH", "RANGE"]}}, "required": ["Name"]},
                "uniqueKeys": ["Name"]
            },
            "Mode": {"type": "string", "enumCaseInsensitive": ["simple", "ldap"]}
        }
    }));
    assert_eq!(schema.validate(Some(&json!({"Weight": 0.07, "Mode": "LDAP", "Map": {"a": 1}}))), []);
    let problems = schema.validate(Some(&json!({
        "Weight": 0.075,
        "Map": {"a": 1, "b": 2, "c": 3},
        "Keys": [{"KeyType": "RANGE"}, {"KeyType": "RANGE", "Name": "x"}, {"KeyType": "HASH", "Name": "x"}],
        "Mode": "other"
    })));
    assert_eq!(
        shown(&problems),
        [
            "Weight 0.075 is not a multiple of 0.01",
            "Map has 3 properties, more than the maximum 2",
            // `items` applies after the `prefixItems` (Keys[0] needs no Name), as in cfn-lint.
            "Keys[2] has the same Name as item [1]",
            "Keys[0].KeyType \"RANGE\" must be HASH",
            "Mode \"other\" is not one of simple, ldap (in any letter case)",
        ]
    );
    // A member that is AWS::NoValue under a condition does not count towards a maximum.
    let conditional = json!({"Map": {"a": 1, "b": 2, "c": {"Fn::If": ["C", 3, {"Ref": "AWS::NoValue"}]}}});
    assert_eq!(schema.validate(Some(&conditional)), []);
    assert_eq!(shown(&schema.validate(Some(&json!({"Map": {}})))), ["Map has 0 properties, fewer than the minimum 1"]);
}

#[test]
fn one_of_with_members_chosen_by_a_condition_is_not_an_error() {
    let prefix = json!({"SimplePrefix": {"Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]},
                        "PartitionedPrefix": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, {"PartitionDateSource": "EventTime"}]}});
    let bucket = json!({"LoggingConfiguration": {"TargetObjectKeyFormat": prefix}});
    assert_eq!(read("AWS::S3::Bucket", bucket), []);
    let both =
        json!({"LoggingConfiguration": {"TargetObjectKeyFormat": {"SimplePrefix": {}, "PartitionedPrefix": {}}}});
    assert_eq!(kinds(&read("AWS::S3::Bucket", both)), [SchemaProblemKind::Combination]);
}

#[test]
fn secret_values_are_never_quoted_in_problems() {
    // Listed as secret by the security rule pack (src/security/secrets.rs).
    let key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-secret-material";
    let problems = read(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"SnowflakeDestinationConfiguration": {"PrivateKey": ["not", key], "KeyPassphrase": 42}}),
    );
    let private =
        problems.iter().find(|p| p.path == "SnowflakeDestinationConfiguration.PrivateKey").expect("{problems:?}");
    assert_eq!(private.kind, SchemaProblemKind::WrongType);
    assert!(private.message.contains("(a secret value, not shown)"), "{}", private.message);
    assert!(problems.iter().all(|p| !p.message.contains("secret-material")), "{problems:?}");
    // Inside an Fn::If branch too.
    let problems = read(
        "AWS::RDS::DBInstance",
        json!({"DBInstanceClass": "db.t3.micro", "MasterUserPassword": {"Fn::If": ["C", ["hunter2"], {"Ref": "AWS::NoValue"}]}}),
    );
    assert_eq!(kinds(&problems), [SchemaProblemKind::WrongType], "{problems:?}");
    assert!(problems.iter().all(|p| !p.message.contains("hunter2")), "{problems:?}");
    // Not in the list, but inside a write-only property and named like a password:
    // AWS::MemoryDB::User's AuthenticationMode.Passwords.
    let user =
        read("AWS::MemoryDB::User", json!({"UserName": "u", "AuthenticationMode": {"Passwords": [{"pw": "hunter2"}]}}));
    assert_eq!(kinds(&user), [SchemaProblemKind::WrongType], "{user:?}");
    assert!(user.iter().all(|p| !p.message.contains("hunter2")), "{user:?}");
    // Other values are still quoted.
    let other = read("AWS::RDS::DBInstance", json!({"DBInstanceClass": ["db.t3.micro"]}));
    assert!(other.iter().any(|p| p.message.contains("db.t3.micro")), "{other:?}");
}

#[test]
fn properties_chosen_by_fn_if_are_checked_branch_by_branch() {
    let properties = json!({"Fn::If": ["C",
        {"PolicyName": "p", "PolicyDocument": {"Statement": []}},
        {"PolicyName": "p", "PolicyDocument": {"Statement": []}, "Users": ["u"]}]});
    let problems = read("AWS::IAM::Policy", properties);
    assert_eq!(shown(&problems), ["Fn::If[1] needs at least one of Users, Groups, Roles (found none)"]);
    let other_function = json!({"Fn::GetAtt": ["X", "Y"]});
    assert_eq!(read("AWS::IAM::Policy", other_function), []);
}

#[test]
fn a_schema_debugs_as_its_type_not_its_bytes() {
    let text = format!("{:?}", resource_schema("AWS::S3::Bucket").unwrap());
    assert!(text.starts_with("ResourceSchema { type_name: \"AWS::S3::Bucket\", packed_bytes: "), "{text}");
    assert!(text.len() < 100, "{text}");
}
