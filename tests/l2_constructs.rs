//! L2 constructs one by one: rendering, defaults, grants, the policy lint and foreign handles.

use rcdk::core::problem::ProblemKind;
use rcdk::core::tree::TreeError;
use rcdk::prelude::*;
use serde_json::json;

fn stack(name: &str) -> Stack {
    Stack::new(name, StackProps::default()).unwrap()
}

fn synth(stack: Stack) -> (serde_json::Value, Vec<rcdk::core::problem::Problem>) {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let asm = app.assemble().unwrap();
    (asm.stacks[0].template().clone(), asm.stacks[0].warnings().to_vec())
}

fn lambda_role(stack: &mut Stack) -> Role {
    Role::new(stack, "Role", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com"))).unwrap()
}

#[test]
fn statement_rendering_is_alphabetical_with_single_values_plain() {
    let s = PolicyStatement::deny()
        .sid("S")
        .resources(["arn:aws:s3:::b"])
        .not_actions(["s3:Get*"])
        .principal(Principal::arn("arn:aws:iam::111111111111:role/x"))
        .principal(Principal::service("s3.amazonaws.com"))
        .principal(Principal::account("222222222222"))
        .condition("Bool", "aws:SecureTransport", "false");
    let Value::Map(m) = s.to_value() else { panic!() };
    assert_eq!(m.keys().collect::<Vec<_>>(), ["Condition", "Effect", "NotAction", "Principal", "Resource", "Sid"]);
    assert_eq!(m["NotAction"], Value::from("s3:Get*"));
    let Value::Map(p) = &m["Principal"] else { panic!() };
    assert_eq!(p.keys().collect::<Vec<_>>(), ["AWS", "Service"]);
    assert!(matches!(&p["AWS"], Value::List(l) if l.len() == 2));
    assert_eq!(
        PolicyStatement::allow().actions(["a:B", "a:B"]).to_value().get("Action"),
        Some(&Value::from("a:B")),
        "duplicate actions collapse"
    );
}

#[test]
fn role_props_and_default_policy_tree() {
    let mut s = stack("S");
    let role = Role::new(
        &mut s,
        "Role",
        RoleProps {
            description: Some("d".into()),
            role_name: Some("named".into()),
            path: Some("/svc/".into()),
            max_session_duration: Some(7200),
            managed_policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            inline_policies: vec![(
                "inline".into(),
                PolicyDocument::new().statement(PolicyStatement::allow().actions(["s3:ListBucket"]).resources(["*"])),
            )],
            ..RoleProps::assumed_by(Principal::federated("cognito-identity.amazonaws.com"))
        },
    )
    .unwrap();
    let st = PolicyStatement::allow().actions(["sqs:SendMessage"]).resources(["*"]);
    let g1 = role.add_to_policy(&mut s, st.clone()).unwrap();
    let g2 = role.add_to_policy(&mut s, st).unwrap();
    assert_eq!(g1, g2);
    let (t, warnings) = synth(s);
    assert!(warnings.is_empty(), "{warnings:?}");
    let p = &t["Resources"]["Role1ABCC5F0"]["Properties"];
    assert_eq!(
        p["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Federated": "cognito-identity.amazonaws.com"})
    );
    assert_eq!(p["RoleName"], "named");
    assert_eq!(p["MaxSessionDuration"], 7200);
    assert_eq!(p["Policies"][0]["PolicyName"], "inline");
    // the same statement twice is kept once
    assert_eq!(
        t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"],
        json!([{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": "*"}])
    );
}

#[test]
fn standalone_policy_and_apply_before_on_a_scope() {
    let mut s = stack("S");
    let role = lambda_role(&mut s);
    let policy = Policy::new(
        &mut s,
        "Extra",
        PolicyProps { policy_name: Some("extra".into()), roles: vec![role], ..Default::default() },
    )
    .unwrap();
    policy.add_statements(&mut s, [PolicyStatement::allow().actions(["sns:Publish"]).resources(["*"])]).unwrap();
    let key = Key::new(&mut s, "MyKey", KeyProps::default()).unwrap();
    let grant = key.grant_decrypt(&mut s, &role).unwrap();
    // a scope with two resources: both depend on the policy
    {
        let mut group = s.as_scope().child("Group").unwrap();
        group.add_raw_resource("A", "AWS::SNS::Topic", Map::new()).unwrap();
        group.add_raw_resource("B", "AWS::SNS::Topic", Map::new()).unwrap();
    }
    let group = s.find_child(s.root(), "Group").unwrap();
    grant.apply_before(&mut s, &[group]).unwrap();
    let (t, _) = synth(s);
    let extra = rcdk::logical_id(&["Extra", "Resource"]).unwrap();
    assert_eq!(t["Resources"][&extra]["Properties"]["PolicyName"], "extra");
    assert_eq!(t["Resources"][&extra]["Properties"]["Roles"], json!([{"Ref": "Role1ABCC5F0"}]));
    for id in ["A", "B"] {
        let lid = rcdk::logical_id(&["Group", id]).unwrap();
        assert_eq!(t["Resources"][&lid]["DependsOn"], json!(["RoleDefaultPolicy5FFB7DAB"]));
    }
    assert_eq!(
        t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"],
        json!([{"Action": "kms:Decrypt", "Effect": "Allow", "Resource": {"Fn::GetAtt": ["MyKey6AB29FA6", "Arn"]}}])
    );
}

#[test]
fn key_props_alias_and_grants() {
    let mut s = stack("S");
    let key = Key::new(
        &mut s,
        "MyKey",
        KeyProps {
            description: Some("k".into()),
            enable_key_rotation: true,
            alias: Some("orders".into()),
            removal_policy: RemovalPolicy::Destroy,
            pending_window_days: Some(7),
        },
    )
    .unwrap();
    let role = lambda_role(&mut s);
    key.grant_encrypt(&mut s, &role).unwrap();
    key.grant_encrypt_decrypt(&mut s, &role).unwrap();
    let (t, _) = synth(s);
    let k = &t["Resources"]["MyKey6AB29FA6"];
    assert_eq!(k["DeletionPolicy"], "Delete");
    assert_eq!(k["Properties"]["EnableKeyRotation"], true);
    assert_eq!(k["Properties"]["PendingWindowInDays"], 7);
    let alias = rcdk::logical_id(&["MyKey", "Alias"]).unwrap();
    assert_eq!(t["Resources"][&alias]["Properties"]["AliasName"], "alias/orders");
    let st = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(st[0]["Action"], json!(["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]));
    assert_eq!(st[1]["Action"], json!(["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]));
}

#[test]
fn stream_defaults_modes_grants_and_resource_policy() {
    let mut s = stack("S");
    let stream = Stream::new(&mut s, "Stream", StreamProps::default()).unwrap();
    let on_demand = Stream::new(
        &mut s,
        "OnDemand",
        StreamProps {
            stream_name: Some("orders".into()),
            mode: StreamMode::OnDemand,
            encryption: StreamEncryption::Unencrypted,
            retention_period_hours: 48,
            ..Default::default()
        },
    )
    .unwrap();
    let role = lambda_role(&mut s);
    stream.grant_read(&mut s, &role).unwrap();
    on_demand.grant_write(&mut s, &role).unwrap();
    let producer = PolicyStatement::allow()
        .sid("CrossAccountWrite")
        .principal(Principal::arn("arn:aws:iam::123456789012:role/data-producer-example"))
        .actions(["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"])
        .resources([stream.stream_arn()]);
    stream.add_to_resource_policy(&mut s, producer.clone()).unwrap();
    stream.add_to_resource_policy(&mut s, producer.sid("Second")).unwrap();
    let (t, warnings) = synth(s);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        t["Resources"]["Stream790BDEE4"]["Properties"],
        json!({
            "RetentionPeriodHours": 24, "ShardCount": 1,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "StreamModeDetails": {"StreamMode": "PROVISIONED"}
        })
    );
    let od = rcdk::logical_id(&["OnDemand", "Resource"]).unwrap();
    assert_eq!(
        t["Resources"][&od]["Properties"],
        json!({"Name": "orders", "RetentionPeriodHours": 48, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})
    );
    assert_eq!(t["Resources"][&od]["DeletionPolicy"], "Retain");
    let st = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(st.as_array().unwrap().len(), 2, "no key statements without a customer-managed key");
    assert_eq!(st[1]["Action"], json!(["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"]));
    let rp = rcdk::logical_id(&["Stream", "Policy", "Resource"]).unwrap();
    let rp = &t["Resources"][&rp];
    assert_eq!(rp["Type"], "AWS::Kinesis::ResourcePolicy");
    assert_eq!(rp["Properties"]["ResourceArn"], json!({"Fn::GetAtt": ["Stream790BDEE4", "Arn"]}));
    assert_eq!(rp["Properties"]["ResourcePolicy"]["Statement"].as_array().unwrap().len(), 2);
    assert_eq!(rp["Properties"]["ResourcePolicy"]["Version"], "2012-10-17");
}

#[test]
fn bucket_defaults_ssl_policy_and_kms_grants() {
    let mut s = stack("S");
    let key = Key::new(&mut s, "MyKey", KeyProps::default()).unwrap();
    let bucket = Bucket::new(
        &mut s,
        "MyBucket",
        BucketProps {
            encryption: BucketEncryption::Kms(key),
            versioned: true,
            enforce_ssl: true,
            ..Default::default()
        },
    )
    .unwrap();
    let role = lambda_role(&mut s);
    bucket.grant_write(&mut s, &role).unwrap();
    bucket.grant_read(&mut s, &role).unwrap();
    let (t, warnings) = synth(s);
    assert!(warnings.is_empty(), "{warnings:?}");
    let b = &t["Resources"]["MyBucketF68F3FF0"];
    assert_eq!(b["DeletionPolicy"], "Retain");
    assert_eq!(
        b["Properties"]["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(b["Properties"]["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        b["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"KMSMasterKeyID": {"Fn::GetAtt": ["MyKey6AB29FA6", "Arn"]}, "SSEAlgorithm": "aws:kms"})
    );
    let arn = json!({"Fn::GetAtt": ["MyBucketF68F3FF0", "Arn"]});
    let objects = json!({"Fn::Join": ["", [arn, "/*"]]});
    let bp = rcdk::logical_id(&["MyBucket", "Policy", "Resource"]).unwrap();
    assert_eq!(
        t["Resources"][&bp]["Properties"],
        json!({"Bucket": {"Ref": "MyBucketF68F3FF0"}, "PolicyDocument": {"Statement": [{
            "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": [arn, objects]
        }], "Version": "2012-10-17"}})
    );
    let st = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        st[0],
        json!({"Action": ["s3:DeleteObject*", "s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
            "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:Abort*"], "Effect": "Allow", "Resource": [arn, objects]})
    );
    assert_eq!(st[2]["Action"], json!(["s3:GetObject*", "s3:GetBucket*", "s3:List*"]));
    assert_eq!(st[1]["Resource"], json!({"Fn::GetAtt": ["MyKey6AB29FA6", "Arn"]}));
    assert_eq!(st[1]["Action"], json!(["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Decrypt"]));
    assert_eq!(st[3]["Action"], json!(["kms:Decrypt", "kms:DescribeKey"]));
}

#[test]
fn handles_of_another_stack_are_errors() {
    let mut a = stack("A");
    let mut b = stack("B");
    let key = Key::new(&mut a, "Key", KeyProps::default()).unwrap();
    let stream = Stream::new(&mut a, "Stream", StreamProps::default()).unwrap();
    let role_a = lambda_role(&mut a);
    let role_b = lambda_role(&mut b);
    let st = PolicyStatement::allow().actions(["kms:Decrypt"]).resources(["*"]);
    assert!(matches!(key.add_to_resource_policy(&mut b, st.clone()), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(key.grant_decrypt(&mut b, &role_b), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(stream.grant_read(&mut a, &role_b), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(stream.add_to_resource_policy(&mut b, st.clone()), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(role_a.add_to_policy(&mut b, st), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(
        Stream::new(&mut b, "S", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() }),
        Err(TreeError::ForeignNode { .. })
    ));
    let grant = stream.grant_read(&mut a, &role_a).unwrap();
    let t = b.add_raw_resource("T", "AWS::SNS::Topic", Map::new()).unwrap();
    assert!(matches!(grant.apply_before(&mut b, &[t.node()]), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(Key::new(&mut a, "Key", KeyProps::default()), Err(TreeError::DuplicateId { .. })));
}

#[test]
fn lint_flags_bad_actions_and_operators_everywhere() {
    let mut s = stack("S");
    let role = Role::new(
        &mut s,
        "Role",
        RoleProps::assumed_by(Principal::service("lambda.amazonaws.com").with_condition(
            "StringEqualsIfExist",
            "aws:SourceAccount",
            "1",
        )),
    )
    .unwrap();
    role.add_to_policy(
        &mut s,
        PolicyStatement::allow()
            .actions(["s3.GetObject", "s3:Get*", "*"])
            .resources(["*"])
            .condition("ForAnyValue:StringLikeIfExists", "aws:TagKeys", "x")
            .condition("Null", "aws:PrincipalTag/team", "false"),
    )
    .unwrap();
    // JSON-in-JSON inside a custom resource, with a reference (a Fn::Join after synthesis)
    let topic = s.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    let inner = Value::json(Value::map([(
        "Statement",
        Value::list([Value::map([
            ("Sid", Value::from("Inner")),
            ("Action", Value::from("sns Publish")),
            ("Resource", topic.ref_()),
            ("Condition", Value::map([("StringEquals", Value::map([("SourceArn", "x")]))])),
        ])]),
    )]));
    let mut m = Map::new();
    m.insert("ServiceToken".into(), Value::from("arn:aws:lambda:us-east-1:123456789012:function:provider"));
    m.insert("Create".into(), Value::json(Value::map([("parameters", Value::map([("Policy", inner)]))])));
    s.add_raw_resource("Custom", "Custom::Thing", m).unwrap();
    let (_, warnings) = synth(s);
    let msgs: Vec<String> = warnings
        .iter()
        .filter(|w| w.kind == ProblemKind::Policy)
        .map(|w| format!("{:?} {}", w.property_path, w.message))
        .collect();
    assert_eq!(msgs.len(), 4, "{msgs:#?}");
    assert!(msgs.iter().any(|m| {
        m.contains("AssumeRolePolicyDocument.Statement[0]: unknown condition operator \"StringEqualsIfExist\"")
    }));
    assert!(msgs.iter().any(|m| m.contains(
        "PolicyDocument.Statement[0]: action \"s3.GetObject\" is not of the form service:Action (did you mean \"s3:GetObject\"?)"
    )));
    assert!(
        msgs.iter().any(|m| m.contains("Create.parameters.Policy.Statement[0] (\"Inner\"): action \"sns Publish\""))
    );
    assert!(msgs.iter().any(|m| m.contains("condition key \"SourceArn\" is not of the form prefix:name")));
}

#[test]
fn lint_reads_any_template() {
    let t = json!({"Resources": {
        "K": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": {"Effect": "Allow", "Action": "kms:*", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Condition": {"StringEquals": {"kms:ViaService": "x"}}}}}},
        "B": {"Type": "AWS::S3::BucketPolicy", "Properties": {"PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "GetObject"], "Condition": {"DateGreaterThanEquals": {"aws:CurrentTime": "x"}}}]}}},
        "C": {"Type": "Custom::AWS", "Properties": {"Create": "{\"Statement\":[{\"Action\":\"kms:Decrypt\"}]}", "N": "not json"}}
    }});
    let problems = rcdk::iam::lint_policies("T", &t);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].logical_id.as_deref(), Some("B"));
    assert_eq!(problems[0].property_path.as_deref(), Some("Properties.PolicyDocument.Statement[0].Action"));
}

#[test]
fn stream_with_a_new_key_creates_it_below_the_stream() {
    let mut s = stack("S");
    let stream =
        Stream::new(&mut s, "Events", StreamProps { encryption: StreamEncryption::NewKey, ..Default::default() })
            .unwrap();
    let role = lambda_role(&mut s);
    stream.grant_read(&mut s, &role).unwrap();
    assert!(stream.encryption_key().is_some());
    let (t, _) = synth(s);
    // The key lives at Events/Key/Resource, as CDK puts it.
    let key_id = rcdk::logical_id(&["Events", "Key", "Resource"]).unwrap();
    let stream_id = rcdk::logical_id(&["Events", "Resource"]).unwrap();
    assert_eq!(t["Resources"][&key_id]["Type"], "AWS::KMS::Key");
    assert_eq!(t["Resources"][&key_id]["Properties"]["Description"], "Created by S/Events");
    assert_eq!(
        t["Resources"][&stream_id]["Properties"]["StreamEncryption"],
        json!({"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": [key_id, "Arn"]}})
    );
    // The read grant includes decrypting with the new key.
    let statements = &t["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    assert!(
        statements
            .as_array()
            .unwrap()
            .iter()
            .any(|st| st["Action"] == "kms:Decrypt" && st["Resource"] == json!({"Fn::GetAtt": [key_id, "Arn"]})),
        "{statements}"
    );
}
