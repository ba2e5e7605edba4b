//! The `Fn::GetAtt` attributes of a resource type, derived from its registry schema the way
//! cfn-lint 1.58 derives them.
//!
//! Facts taken from cfn-lint 1.58.0 (`cfnlint/schema/_getatts.py` in the wheel on PyPI; logic
//! re-written here, not copied):
//! * normally the attributes are the schema's `readOnlyProperties` (`/properties/A/B` → `A.B`);
//! * a list of types whose CloudFormation GetAtt accepts *every* property, not only read-only
//!   ones (an SNS topic's `TopicName`, an EC2 VPC's `CidrBlock`…): every scalar or
//!   array-of-scalars property, walking nested objects and `$ref`s (`A.B`), is an attribute;
//! * types whose GetAtt accepts some non-read-only properties (listed per type below);
//! * `AWS::CloudFormation::Stack` accepts `Outputs.<Name>`; custom resources accept any name.

use super::ResourceSchema;
use super::packed::{Kind, Node};

/// Types whose GetAtt accepts every (non-array-of-objects) property (cfn-lint's list).
const ALL_PROPERTIES: &[&str] = &[
    "AWS::Amplify::Branch",
    "AWS::Amplify::Domain",
    "AWS::AppSync::DomainName",
    "AWS::AppSync::FunctionConfiguration",
    "AWS::AppSync::Resolver",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::Backup::BackupSelection",
    "AWS::Backup::BackupVault",
    "AWS::Backup::LogicallyAirGappedBackupVault",
    "AWS::CodeArtifact::Domain",
    "AWS::CodeArtifact::Repository",
    "AWS::EC2::CapacityReservation",
    "AWS::EC2::Instance",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
    "AWS::EFS::MountTarget",
    "AWS::EKS::Nodegroup",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::EventSchemas::Discoverer",
    "AWS::EventSchemas::Registry",
    "AWS::EventSchemas::Schema",
    "AWS::Events::EventBus",
    "AWS::GameLift::GameSessionQueue",
    "AWS::GameLift::MatchmakingConfiguration",
    "AWS::GameLift::MatchmakingRuleSet",
    "AWS::Grafana::Workspace",
    "AWS::Greengrass::ConnectorDefinition",
    "AWS::Greengrass::CoreDefinition",
    "AWS::Greengrass::DeviceDefinition",
    "AWS::Greengrass::FunctionDefinition",
    "AWS::Greengrass::Group",
    "AWS::Greengrass::LoggerDefinition",
    "AWS::Greengrass::ResourceDefinition",
    "AWS::Greengrass::SubscriptionDefinition",
    "AWS::ImageBuilder::Component",
    "AWS::ImageBuilder::ContainerRecipe",
    "AWS::ImageBuilder::DistributionConfiguration",
    "AWS::ImageBuilder::ImagePipeline",
    "AWS::ImageBuilder::ImageRecipe",
    "AWS::ImageBuilder::InfrastructureConfiguration",
    "AWS::ManagedBlockchain::Node",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBParameterGroup",
    "AWS::RedshiftServerless::Workgroup",
    "AWS::RoboMaker::RobotApplication",
    "AWS::RoboMaker::SimulationApplication",
    "AWS::Route53Resolver::ResolverRule",
    "AWS::Route53Resolver::ResolverRuleAssociation",
    "AWS::S3::AccessPoint",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SSM::Parameter",
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::MonitoringSchedule",
    "AWS::StepFunctions::Activity",
];

/// Non-read-only properties that GetAtt accepts anyway, per type (cfn-lint's exceptions).
const EXTRA: &[(&str, &[&str])] = &[
    ("AWS::AppMesh::GatewayRoute", &["GatewayRouteName", "MeshName", "MeshOwner", "VirtualGatewayName"]),
    ("AWS::AppMesh::Mesh", &["MeshName"]),
    ("AWS::AppMesh::Route", &["MeshName", "MeshOwner", "RouteName", "VirtualRouterName"]),
    ("AWS::AppMesh::VirtualGateway", &["MeshName", "MeshOwner", "VirtualGatewayName"]),
    ("AWS::AppMesh::VirtualNode", &["MeshName", "MeshOwner", "VirtualNodeName"]),
    ("AWS::AppMesh::VirtualRouter", &["MeshName", "MeshOwner", "VirtualRouterName"]),
    ("AWS::AppMesh::VirtualService", &["MeshName", "MeshOwner", "VirtualServiceName"]),
    ("AWS::AppSync::DataSource", &["Name"]),
    ("AWS::Cloud9::EnvironmentEC2", &["Name"]),
    ("AWS::CloudWatch::InsightRule", &["RuleName"]),
    ("AWS::DocDB::DBCluster", &["Port"]),
    ("AWS::IoT1Click::Device", &["Enabled"]),
    ("AWS::IoT1Click::Placement", &["PlacementName", "ProjectName"]),
    ("AWS::IoT1Click::Project", &["ProjectName"]),
    ("AWS::Kinesis::StreamConsumer", &["ConsumerName", "StreamARN"]),
    ("AWS::ManagedBlockchain::Member", &["NetworkId"]),
    ("AWS::MediaConvert::JobTemplate", &["Name"]),
    ("AWS::MediaConvert::Preset", &["Name"]),
    ("AWS::MediaConvert::Queue", &["Name"]),
    ("AWS::MediaLive::Input", &["Destinations", "Sources"]),
    ("AWS::OpsWorks::Instance", &["AvailabilityZone"]),
    ("AWS::OpsWorks::UserProfile", &["SshUsername"]),
    ("AWS::Route53Resolver::ResolverEndpoint", &["Direction", "Name"]),
    ("AWS::SageMaker::CodeRepository", &["CodeRepositoryName"]),
    ("AWS::SageMaker::Endpoint", &["EndpointName"]),
    ("AWS::SageMaker::EndpointConfig", &["EndpointConfigName"]),
    ("AWS::SageMaker::Model", &["ModelName"]),
    ("AWS::SageMaker::NotebookInstance", &["NotebookInstanceName"]),
    ("AWS::SageMaker::NotebookInstanceLifecycleConfig", &["NotebookInstanceLifecycleConfigName"]),
    ("AWS::SageMaker::Workteam", &["WorkteamName"]),
    ("AWS::ServiceDiscovery::Service", &["Name"]),
    ("AWS::Transfer::User", &["ServerId", "UserName"]),
];

/// How deep `$ref`s and nested objects are followed when every property is an attribute.
const MAX_DEPTH: usize = 32;

/// The attributes of a type: exact names, plus an open family (`prefix`) where any name
/// starting with the prefix is accepted (`Some("")`: any name at all), plus read-only
/// properties inside arrays (`A[*].B`), which cfn-lint accepts as `A.<anything>.B`.
#[derive(Debug)]
pub(super) struct GetAtts {
    pub(super) names: Vec<String>,
    pub(super) prefix: Option<&'static str>,
    pub(super) in_arrays: Vec<(String, String)>,
}

impl GetAtts {
    pub(super) fn accepts(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
            || self.prefix.is_some_and(|p| name.len() > p.len() && name.starts_with(p))
            || self.in_arrays.iter().any(|(head, tail)| {
                name.len() > head.len() + tail.len() && name.starts_with(head.as_str()) && name.ends_with(tail.as_str())
            })
    }
}

/// `A[*].B` → (`A.`, `.B`); `A[*]` → (`A.`, ``); with several wildcards, the text before the
/// first and after the last (matching at least what cfn-lint's regular expression matches).
fn split_array_path(path: &str) -> Option<(String, String)> {
    let (head, _) = path.split_once("[*]")?;
    let (_, tail) = path.rsplit_once("[*]")?;
    Some((format!("{head}."), tail.to_string()))
}

/// Derives the GetAtt attributes of `type_name` from its raw schema; `read_only` are the
/// normalised read-only property paths (`A.B`, `A[*].B`).
pub(super) fn derive(type_name: &str, raw: &ResourceSchema, read_only: &[String]) -> GetAtts {
    let mut names: Vec<String> = Vec::new();
    let push = |name: String, names: &mut Vec<String>| {
        if !name.contains("[*]") && !names.contains(&name) {
            names.push(name);
        }
    };
    if ALL_PROPERTIES.binary_search(&type_name).is_ok() {
        for (name, sub) in raw.root().get("properties").map(|p| p.entries()).into_iter().flatten() {
            walk(raw, sub, name.to_string(), 0, &mut |n| push(n, &mut names));
        }
        return GetAtts { names, prefix: None, in_arrays: Vec::new() };
    }
    if let Some((_, extra)) = EXTRA.iter().find(|(t, _)| *t == type_name) {
        for name in *extra {
            push((*name).to_string(), &mut names);
        }
    }
    if type_name == "AWS::CloudFormation::Stack" || type_name == "AWS::Serverless::Application" {
        return GetAtts { names, prefix: Some("Outputs."), in_arrays: Vec::new() };
    }
    let prefix = if type_name.starts_with("Custom::") || type_name == "AWS::CloudFormation::CustomResource" {
        Some("")
    } else if type_name == "AWS::ServiceCatalog::CloudFormationProvisionedProduct" {
        Some("Outputs.")
    } else {
        None
    };
    let mut in_arrays = Vec::new();
    for path in read_only {
        if prefix == Some("Outputs.") && path == "Outputs" {
            continue;
        }
        match split_array_path(path) {
            Some(pair) => in_arrays.push(pair),
            None => push(path.clone(), &mut names),
        }
    }
    GetAtts { names, prefix, in_arrays }
}

fn resolve<'a>(raw: &'a ResourceSchema, node: Node<'a>) -> Option<Node<'a>> {
    let reference = node.get("$ref")?.as_str()?;
    raw.pointer(reference.strip_prefix('#')?)
}

fn has_type(node: Node<'_>, ty: &str) -> bool {
    let Some(declared) = node.get("type") else { return false };
    match declared.kind() {
        Kind::String(s) => s == ty,
        Kind::Array => declared.items().any(|t| t.as_str() == Some(ty)),
        _ => false,
    }
}

/// Every attribute a property yields: itself when scalar (or an array of scalars), its nested
/// properties when an object; arrays of objects or arrays yield nothing.
fn walk(raw: &ResourceSchema, node: Node<'_>, path: String, depth: usize, found: &mut dyn FnMut(String)) {
    if depth > MAX_DEPTH {
        return;
    }
    if has_type(node, "object") {
        for (name, sub) in node.get("properties").map(|p| p.entries()).into_iter().flatten() {
            walk(raw, sub, format!("{path}.{name}"), depth + 1, found);
        }
    } else if has_type(node, "array") {
        let items = node.get("items");
        let item_type = items.and_then(|i| i.get("type")).and_then(|t| t.as_str());
        if !matches!(item_type, Some("object" | "array")) {
            found(path);
        }
    } else if node.get("$ref").is_some() {
        if let Some(target) = resolve(raw, node) {
            walk(raw, target, path, depth + 1, found);
        }
    } else {
        found(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every type's attributes equal those cfn-lint 1.58.0 itself computes (the fixture is
    /// written by `schemas/cfn_lint_getatts.py` from cfn-lint's schema manager).
    #[test]
    fn getatts_match_cfn_lint() {
        let fixture: serde_json::Map<String, Value> =
            serde_json::from_str(include_str!("../../tests/fixtures/schema/cfn-lint-getatts.json")).unwrap();
        assert_eq!(fixture.len(), crate::schema::vendored_types().count());
        let mut mismatches = Vec::new();
        for (type_name, keys) in &fixture {
            let schema = crate::schema::resource_schema(type_name).unwrap();
            let mut expected: Vec<&str> = Vec::new();
            for key in keys.as_array().unwrap().iter().map(|k| k.as_str().unwrap()) {
                match key {
                    ".*" => assert!(schema.has_attribute("Anything.At.All"), "{type_name}"),
                    "Outputs\\..*" => {
                        assert!(schema.has_attribute("Outputs.Name"), "{type_name}");
                        assert!(!schema.has_attribute("Outputs"), "{type_name}");
                    }
                    k if k.contains(".*") => {
                        let example = k.replace(".*", ".0");
                        assert!(schema.has_attribute(&example), "{type_name}: {example}");
                        assert!(!schema.attributes().contains(&k), "{type_name}: {k}");
                    }
                    k => expected.push(k),
                }
            }
            let mut ours = schema.attributes();
            ours.sort_unstable();
            expected.sort_unstable();
            if ours != expected {
                mismatches.push(format!("{type_name}: rcdk {ours:?}, cfn-lint {expected:?}"));
            }
        }
        assert!(mismatches.is_empty(), "{} types differ:\n{}", mismatches.len(), mismatches.join("\n"));
    }

    #[test]
    fn sns_topic_name_and_sqs_queue_name_are_attributes() {
        let topic = crate::schema::resource_schema("AWS::SNS::Topic").unwrap();
        assert!(topic.has_attribute("TopicName") && topic.has_attribute("TopicArn"));
        let queue = crate::schema::resource_schema("AWS::SQS::Queue").unwrap();
        assert!(queue.has_attribute("QueueName") && queue.has_attribute("Arn"));
        assert!(!crate::schema::resource_schema("AWS::IAM::Role").unwrap().has_attribute("RoleName"));
    }

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(ALL_PROPERTIES.windows(2).all(|w| w[0] < w[1]));
    }
}
