//! L2 constructs one by one: rendering, defaults, grants, the policy lint and foreign handles.

use rcdk::core::problem::ProblemKind;
use rcdk::core::tree::TreeError;
use rcdk::prelude::*;
use serde_json::json;

fn stack(name: &str) -> Stack {
    Stack::new(name, StackProps::default()).unwrap()
}

/// The template and its warnings, without the security rule pack's (see [`security_rules`]).
fn synth(stack: Stack) -> (serde_json::Value, Vec<rcdk::core::problem::Problem>) {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let asm = app.assemble().unwrap();
    let warnings = asm.stacks[0].warnings().iter().filter(|w| w.kind != ProblemKind::Security).cloned().collect();
    (asm.stacks[0].template().clone(), warnings)
}

/// The security rule pack's findings of a stack as (logical ID, rule id).
fn security_rules(stack: Stack) -> Vec<(String, String)> {
    let mut app = App::new();
    app.add_stack(stack).unwrap();
    let asm = app.assemble().unwrap();
    asm.stacks[0]
        .warnings()
        .iter()
        .filter(|w| w.kind == ProblemKind::Security)
        .map(|w| {
            (w.logical_id.clone().unwrap_or_default(), w.message.split(':').next().unwrap_or_default().to_string())
        })
        .collect()
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
    // The security rule pack names the AWS managed policy and the write action on every resource
    // (s3:ListBucket on * is read-only: not reported).
    assert_eq!(
        security_rules(s.clone()),
        [
            ("RoleDefaultPolicy5FFB7DAB".to_string(), "RCDK-IAM-WILDCARD-RESOURCE".to_string()),
            ("Role1ABCC5F0".into(), "RCDK-IAM-MANAGED-POLICY".into()),
        ]
    );
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
fn changing_a_construct_through_another_stack_is_refused_naming_its_path_and_both_stacks() {
    let mut a = stack("A");
    let mut b = stack("B");
    let key = Key::new(&mut a, "Key", KeyProps::default()).unwrap();
    let stream = Stream::new(&mut a, "Stream", StreamProps::default()).unwrap();
    let role_a = lambda_role(&mut a);
    let role_b = lambda_role(&mut b);
    let st = PolicyStatement::allow().actions(["kms:Decrypt"]).resources(["*"]);
    let refused = [
        key.add_to_resource_policy(&mut b, st.clone()).unwrap_err(),
        stream.add_to_resource_policy(&mut b, st.clone()).unwrap_err(),
        // The role's default policy lives with the role: pass the role's stack.
        role_a.add_to_policy(&mut b, st.clone()).unwrap_err(),
        stream.grant_read(&mut a, &role_b).unwrap_err(),
        b.resource_mut(stream.resource()).map(|_| ()).unwrap_err(),
    ];
    // Each error names the construct by its path, the stack owning it, and what to do.
    let paths = ["A/Key", "A/Stream", "A/Role", "B/Role", "A/Stream"];
    for (e, path) in refused.iter().zip(paths) {
        assert!(matches!(e, TreeError::ForeignNode { path: p, .. } if p.starts_with(path)), "{e}");
        let text = e.to_string();
        assert!(text.contains(&format!(": {path}")), "{text}");
        assert!(text.contains("call it with stack") && text.contains("as the scope"), "{text}");
    }
    assert_eq!(
        refused[4].to_string(),
        "resource_mut: A/Stream/Resource belongs to stack A, not to stack B (the scope given), and only stack A \
         can change it: call it with stack A (or a scope inside it) as the scope. Its values (ARN, name) can \
         still be used in stack B: synthesis exports and imports them"
    );
    assert_eq!(
        refused[3].to_string(),
        "Role::add_to_policy: B/Role belongs to stack B, not to stack A (the scope given), and only stack B \
         can change it: call it with stack B (or a scope inside it) as the scope. Its values (ARN, name) can \
         still be used in stack A: synthesis exports and imports them"
    );
    let grant = stream.grant_read(&mut a, &role_a).unwrap();
    let t = b.add_raw_resource("T", "AWS::SNS::Topic", Map::new()).unwrap();
    // The constructs made to wait are changed: they must be in the scope's stack.
    assert!(matches!(grant.apply_before(&mut a, &[t.node()]), Err(TreeError::ForeignNode { .. })));
    assert!(matches!(Key::new(&mut a, "Key", KeyProps::default()), Err(TreeError::DuplicateId { .. })));
}

#[test]
fn l2_constructs_work_across_stacks_of_one_environment_with_exports() {
    let mut data = stack("DataStack");
    let mut consumer = stack("ConsumerStack");
    let key = Key::new(&mut data, "Key", KeyProps::default()).unwrap();
    let stream = Stream::new(&mut data, "Stream", StreamProps::default()).unwrap();
    // A stream in the consumer stack encrypted with the data stack's key.
    let local = Stream::new(
        &mut consumer,
        "Local",
        StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() },
    )
    .unwrap();
    let role = lambda_role(&mut consumer);
    stream.grant_read(&mut consumer, &role).unwrap();
    local.grant_write(&mut consumer, &role).unwrap();
    let topic = consumer.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    let grant = key.grant_decrypt(&mut consumer, &role).unwrap();
    grant.apply_before(&mut consumer, &[topic.node()]).unwrap();
    let mut app = App::new();
    app.add_stack(data).unwrap();
    app.add_stack(consumer).unwrap();
    let a = app.assemble().unwrap();
    let c = a.stack("ConsumerStack").unwrap().template();
    let d = a.stack("DataStack").unwrap().template();
    // The data stack exports each ARN the consumer uses, named <stack>:<output id> like CDK.
    let export_of = |logical_id: &str| -> String {
        let outputs = d["Outputs"].as_object().expect("outputs");
        let (id, o) = outputs
            .iter()
            .find(|(_, o)| o["Value"] == json!({"Fn::GetAtt": [logical_id, "Arn"]}))
            .unwrap_or_else(|| panic!("no export of {logical_id}: {outputs:?}"));
        assert_eq!(o["Export"]["Name"], json!(format!("DataStack:{id}")));
        id.clone()
    };
    let (key_arn, stream_arn) = (export_of("Key961B73FD"), export_of("Stream790BDEE4"));
    let import = |output: &str| json!({"Fn::ImportValue": format!("DataStack:{output}")});
    let local_id = a
        .stack("ConsumerStack")
        .unwrap()
        .0
        .construct_paths
        .iter()
        .find_map(|(id, path)| (path == "ConsumerStack/Local/Resource").then_some(id.clone()));
    let local_id = local_id.expect("the local stream's resource");
    assert_eq!(c["Resources"][&local_id]["Properties"]["StreamEncryption"]["KeyId"], import(&key_arn));
    let statements = &c["Resources"]["RoleDefaultPolicy5FFB7DAB"]["Properties"]["PolicyDocument"]["Statement"];
    let resources: Vec<&serde_json::Value> = statements.as_array().unwrap().iter().map(|s| &s["Resource"]).collect();
    assert!(resources.contains(&&import(&stream_arn)), "{resources:?}");
    assert!(resources.contains(&&import(&key_arn)), "{resources:?}");
    assert_eq!(c["Resources"]["Topic"]["DependsOn"], json!(["RoleDefaultPolicy5FFB7DAB"]));
    assert_eq!(a.manifest()["artifacts"]["ConsumerStack"]["dependencies"], json!(["DataStack"]));
}

#[test]
fn a_policy_of_one_stack_may_be_attached_to_a_role_of_another() {
    let mut roles = stack("Roles");
    let mut policies = stack("Policies");
    let role = lambda_role(&mut roles);
    let st = PolicyStatement::allow().actions(["sns:Publish"]).resources(["*"]);
    let policy =
        Policy::new(&mut policies, "P", PolicyProps { statements: vec![st], roles: vec![role], ..Default::default() })
            .unwrap();
    let mut app = App::new();
    app.add_stack(roles).unwrap();
    app.add_stack(policies).unwrap();
    let a = app.assemble().unwrap();
    let t = a.stack("Policies").unwrap().template();
    let id = a.stack("Policies").unwrap().0.construct_paths.iter().find(|(_, p)| p.as_str() == "Policies/P/Resource");
    let (id, _) = id.expect("policy resource");
    let import = &t["Resources"][id]["Properties"]["Roles"][0]["Fn::ImportValue"];
    assert!(import.as_str().is_some_and(|n| n.starts_with("Roles:ExportsOutputRefRole")), "{import}");
    let _ = policy;
}

#[test]
fn apply_before_with_a_policy_of_another_stack_orders_the_stacks() {
    let mut roles = stack("Roles");
    let mut consumers = stack("Consumers");
    let role = lambda_role(&mut roles);
    let grant = role.add_to_policy(&mut roles, PolicyStatement::allow().actions(["sns:Publish"]).resources(["*"]));
    let topic = consumers.add_raw_resource("Topic", "AWS::SNS::Topic", Map::new()).unwrap();
    grant.unwrap().apply_before(&mut consumers, &[topic.node()]).unwrap();
    let mut app = App::new();
    app.add_stack(consumers).unwrap();
    app.add_stack(roles).unwrap();
    let a = app.assemble().unwrap();
    // No DependsOn across templates: the stack that waits depends on the other one instead.
    assert!(a.stack("Consumers").unwrap().template()["Resources"]["Topic"].get("DependsOn").is_none());
    assert_eq!(a.manifest()["artifacts"]["Consumers"]["dependencies"], json!(["Roles"]));
    assert!(a.manifest()["artifacts"]["Roles"].get("dependencies").is_none());
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

#[test]
fn secure_defaults_key_rotation_tls_versioning_and_access_logs() {
    let mut s = stack("S");
    let key = Key::new(&mut s, "Key", KeyProps::default()).unwrap();
    let plain = Bucket::new(&mut s, "Plain", BucketProps::default()).unwrap();
    let logs = Bucket::new(&mut s, "Logs", BucketProps::default()).unwrap();
    let data = Bucket::new(
        &mut s,
        "Data",
        BucketProps {
            noncurrent_version_expiration_days: Some(30),
            server_access_logs: ServerAccessLogs::ToBucket { bucket: logs, prefix: Some("data/".into()) },
            ..Default::default()
        },
    )
    .unwrap();
    let own = Bucket::new(
        &mut s,
        "Own",
        BucketProps { server_access_logs: ServerAccessLogs::NewBucket { prefix: None }, ..Default::default() },
    )
    .unwrap();
    let ids: Vec<String> = [
        key.resource().node(),
        plain.resource().node(),
        logs.resource().node(),
        data.resource().node(),
        own.resource().node(),
    ]
    .iter()
    .map(|n| s.logical_id(*n).unwrap())
    .collect();
    let findings = security_rules(s.clone());
    let (t, warnings) = synth(s);
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = &t["Resources"];
    assert_eq!(r[&ids[0]]["Properties"]["EnableKeyRotation"], true, "rotation is on by default (CDK: off)");
    // Every bucket has a TLS-only policy by default.
    for (name, id) in ["Plain", "Logs", "Data", "Own"].into_iter().zip(&ids[1..]) {
        let policy = rcdk::logical_id(&[name, "Policy", "Resource"]).unwrap();
        assert_eq!(r[&policy]["Properties"]["Bucket"], json!({"Ref": id}));
        assert_eq!(
            r[&policy]["Properties"]["PolicyDocument"]["Statement"][0]["Condition"],
            json!({"Bool": {"aws:SecureTransport": "false"}})
        );
    }
    let d = &r[&ids[3]]["Properties"];
    assert_eq!(d["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        d["LifecycleConfiguration"],
        json!({"Rules": [{"Id": "ExpireNoncurrentVersions", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "Status": "Enabled"}]})
    );
    assert_eq!(d["LoggingConfiguration"], json!({"DestinationBucketName": {"Ref": ids[2]}, "LogFilePrefix": "data/"}));
    // The given log bucket's policy gains the S3 logging service's grant, for this source only.
    let logs_policy = rcdk::logical_id(&["Logs", "Policy", "Resource"]).unwrap();
    let grant = &r[&logs_policy]["Properties"]["PolicyDocument"]["Statement"][1];
    assert_eq!(grant["Principal"], json!({"Service": "logging.s3.amazonaws.com"}));
    assert_eq!(grant["Action"], "s3:PutObject");
    assert_eq!(grant["Resource"], json!({"Fn::Join": ["", [{"Fn::GetAtt": [ids[2], "Arn"]}, "/data/*"]]}));
    assert_eq!(grant["Condition"]["ArnLike"], json!({"aws:SourceArn": {"Fn::GetAtt": [ids[3], "Arn"]}}));
    // A created log bucket: SSE-S3, its own findings acknowledged.
    let created = rcdk::logical_id(&["Own", "AccessLogs", "Resource"]).unwrap();
    assert_eq!(r[&ids[4]]["Properties"]["LoggingConfiguration"], json!({"DestinationBucketName": {"Ref": created}}));
    let skipped: Vec<&str> = r[&created]["Metadata"]["checkov"]["skip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["CKV_AWS_18", "CKV_AWS_21"]);
    // What is left: buckets without logs or versioning, named by logical ID.
    let expect = |id: &String, rule: &str| (id.clone(), rule.to_string());
    assert_eq!(
        findings,
        [
            expect(&ids[2], "RCDK-S3-ACCESS-LOGS"),
            expect(&ids[2], "RCDK-S3-VERSIONING"),
            expect(&ids[4], "RCDK-S3-VERSIONING"),
            expect(&ids[1], "RCDK-S3-ACCESS-LOGS"),
            expect(&ids[1], "RCDK-S3-VERSIONING"),
        ]
    );
}

#[test]
fn acknowledgments_need_a_reason_and_a_known_rule_and_reach_the_template() {
    let mut s = stack("S");
    let key = Key::new(&mut s, "Key", KeyProps { enable_key_rotation: false, ..Default::default() }).unwrap();
    let e = s.as_scope().enter(key.node()).unwrap().acknowledge("RCDK-KMS-ROTATION", "").unwrap_err();
    assert!(e.to_string().contains("S/Key: acknowledging RCDK-KMS-ROTATION: a reason"), "{e}");
    let e = s.acknowledge("RCDK-KMS-ROTATE", "a reason long enough").unwrap_err();
    assert!(e.to_string().contains("unknown rule"), "{e}");
    assert_eq!(security_rules(s.clone()), [("Key961B73FD".to_string(), "RCDK-KMS-ROTATION".to_string())]);
    // Acknowledged on the stack: applies to the key added before and to resources added after.
    s.acknowledge("RCDK-KMS-ROTATION", "rotated by the platform team's own process").unwrap();
    let later = Key::new(&mut s, "Later", KeyProps { enable_key_rotation: false, ..Default::default() }).unwrap();
    let later_id = s.logical_id(later.resource().node()).unwrap();
    assert!(security_rules(s.clone()).is_empty());
    let (t, _) = synth(s);
    for id in ["Key961B73FD", later_id.as_str()] {
        assert_eq!(
            t["Resources"][id]["Metadata"]["checkov"]["skip"],
            json!([{"id": "CKV_AWS_7", "comment": "rotated by the platform team's own process"}])
        );
        assert_eq!(t["Resources"][id]["Metadata"]["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-KMS5");
    }
}

#[test]
fn secrets_in_plain_text_warn_and_echoed_parameters_fail() {
    use rcdk::l1::kinesisfirehose::{CfnDeliveryStream, delivery_stream as firehose};
    let build = |key: Option<SecretValue>, echo: bool| {
        let mut s = stack("S");
        let mut p = Parameter::string();
        if !echo {
            p = p.no_echo();
        }
        let param = s.add_parameter("Key", p).unwrap();
        let key = key.unwrap_or_else(|| SecretValue::from_parameter(param));
        let role = "arn:aws:iam::123456789012:role/r";
        let destination = firehose::SnowflakeDestinationConfiguration::new(
            "https://a.snowflakecomputing.com",
            "D",
            role,
            firehose::S3DestinationConfiguration::new("arn:aws:s3:::b", role),
            "S",
            "T",
        )
        .private_key(key);
        s.add_resource(
            "Delivery",
            CfnDeliveryStream::new()
                .delivery_stream_type(firehose::DeliveryStreamType::KinesisStreamAsSource)
                .snowflake_destination_configuration(destination),
        )
        .unwrap();
        s
    };
    let path = "Properties.SnowflakeDestinationConfiguration.PrivateKey";
    // unsafe_plain_text: a warning naming the construct path and property, an error under --strict.
    let mut app = App::new();
    app.add_stack(build(Some(SecretValue::unsafe_plain_text("MIIE".repeat(64))), false)).unwrap();
    let asm = app.assemble().unwrap();
    let w: Vec<_> = asm.stacks[0].warnings().iter().filter(|w| w.kind == ProblemKind::Security).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].construct_path.as_deref(), Some("S/Delivery"));
    assert_eq!(w[0].property_path.as_deref(), Some(path));
    assert!(w[0].message.starts_with("RCDK-SECRET-PLAINTEXT") && !w[0].message.contains("MIIE"), "{}", w[0].message);
    let mut app = App::new();
    app.set_strict(true);
    app.add_stack(build(Some(SecretValue::unsafe_plain_text("MIIE".repeat(64))), false)).unwrap();
    let e = app.assemble().unwrap_err().to_string();
    assert!(e.contains("RCDK-SECRET-PLAINTEXT") && e.contains("strict"), "{e}");
    // A plain ssm reference is not a secret.
    let mut app = App::new();
    let ssm = SecretValue::dynamic(DynamicReference::Ssm { name: "k".into(), version: None });
    app.add_stack(build(Some(ssm), false)).unwrap();
    let asm = app.assemble().unwrap();
    assert!(asm.stacks[0].warnings().iter().any(|w| w.message.starts_with("RCDK-SECRET-SSM-PLAIN")));
    // from_parameter: fine with NoEcho, an error without.
    let mut app = App::new();
    app.add_stack(build(None, false)).unwrap();
    assert!(app.assemble().unwrap().stacks[0].warnings().iter().all(|w| w.kind != ProblemKind::Security));
    let mut app = App::new();
    app.add_stack(build(None, true)).unwrap();
    let e = app.assemble().unwrap_err().to_string();
    assert!(e.contains("RCDK-SECRET-PARAMETER-ECHO") && e.contains(path) && e.contains("NoEcho"), "{e}");
}

#[test]
fn a_foreign_construct_is_named_by_path_after_its_stack_moved_into_the_app_or_was_cloned() {
    let mut data = stack("DataStack");
    let mut consumer = stack("ConsumerStack");
    let mut pipeline = Scope::child(data.as_scope(), "Pipeline").unwrap();
    let stream = Stream::new(&mut pipeline, "Stream", StreamProps::default()).unwrap();
    let st = PolicyStatement::allow().actions(["kinesis:DescribeStream"]).resources(["*"]);
    // The owning stack is out of reach (moved into the App): the error still names the construct.
    let mut app = App::new();
    app.add_stack(data).unwrap();
    let e = stream.add_to_resource_policy(&mut consumer, st.clone()).unwrap_err();
    let TreeError::ForeignNode { path, owner, stack: scope_stack, .. } = &e else { panic!("{e}") };
    assert_eq!(
        (path.as_str(), owner.as_str(), scope_stack.as_str()),
        ("DataStack/Pipeline/Stream", "DataStack", "ConsumerStack")
    );
    // Clones share handles; when they have since added different nodes, a handle cannot tell which
    // clone made it, so every candidate path is named.
    let mut one = stack("Twin");
    let mut two = one.clone();
    let a = one.add_raw_resource("Alpha", "AWS::SNS::Topic", Map::new()).unwrap();
    let b = two.add_raw_resource("Beta", "AWS::SNS::Topic", Map::new()).unwrap();
    assert_eq!(a.node(), b.node());
    let e = consumer.resource_mut(a).map(|_| ()).unwrap_err();
    assert!(e.to_string().starts_with("resource_mut: Twin/Alpha or Twin/Beta belongs to stack Twin,"), "{e}");
    // A stack that no longer exists is named generically, never wrongly.
    let gone = {
        let mut g = stack("Gone");
        g.add_raw_resource("T", "AWS::SNS::Topic", Map::new()).unwrap()
    };
    let e = consumer.resource_mut(gone).map(|_| ()).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "resource_mut: <construct of a dropped stack> belongs to stack <dropped stack>, not to stack ConsumerStack"
        ),
        "{e}"
    );
}
