//! What a node of the tree holds: resources, parameters, outputs, conditions, mappings, rules.

use std::marker::PhantomData;

use indexmap::IndexMap;

use crate::core::tree::NodeRef;
use crate::core::value::{Map, Value};

#[derive(Debug, Clone)]
pub(crate) enum Element {
    Scope,
    Resource(Box<Resource>),
    Parameter(Box<Parameter>),
    Output(Box<Output>),
    Condition(Value),
    Mapping(Mapping),
    Rule(Value),
}

impl Element {
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Element::Scope => "a scope",
            Element::Resource(_) => "a resource",
            Element::Parameter(_) => "a parameter",
            Element::Output(_) => "an output",
            Element::Condition(_) => "a condition",
            Element::Mapping(_) => "a mapping",
            Element::Rule(_) => "a rule",
        }
    }
}

/// A typed CloudFormation resource type (implemented by the generated L1 types).
pub trait CfnResource {
    /// The CloudFormation type name, e.g. `AWS::Kinesis::Stream`.
    const TYPE_NAME: &'static str;
    /// The resource's properties, in output order.
    fn into_properties(self) -> Map;
}

/// Marker for resources added without a typed L1 (raw type name and free-form properties).
#[derive(Debug, Clone, Copy)]
pub struct RawResource;

/// A copyable handle to a resource node; `T` is its L1 type (or [`RawResource`]).
#[derive(Debug)]
pub struct Handle<T> {
    node: NodeRef,
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Handle<T> {
    pub(crate) fn new(node: NodeRef) -> Self {
        Handle { node, kind: PhantomData }
    }

    /// The tree node of the resource.
    pub fn node(&self) -> NodeRef {
        self.node
    }

    /// `Ref` to the resource (its meaning depends on the type: a name, an id or an ARN).
    pub fn ref_(&self) -> Value {
        Value::Ref(self.node)
    }

    /// `Fn::GetAtt` of any attribute name (typed L1 handles offer `attr_*` methods instead).
    pub fn get_att(&self, attribute: &str) -> Value {
        Value::GetAtt(self.node, attribute.to_string())
    }

    /// The same handle without its type (for code that treats resources alike).
    pub fn untyped(&self) -> Handle<RawResource> {
        Handle::new(self.node)
    }
}

impl<T> From<Handle<T>> for NodeRef {
    fn from(h: Handle<T>) -> NodeRef {
        h.node
    }
}

/// What happens to a resource's physical resource when it leaves the stack or is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Delete it (CloudFormation's default).
    Destroy,
    /// Keep it, orphaned from the stack (rcdk's default for stateful L2s, like CDK).
    Retain,
    /// Take a snapshot first (types that support it).
    Snapshot,
    /// Keep it unless the stack is deleted (`RetainExceptOnCreate`).
    RetainExceptOnCreate,
}

impl RemovalPolicy {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Override {
    Set(Vec<String>, Value),
    Delete(Vec<String>),
}

/// A resource in the tree: type, properties and resource attributes.
#[derive(Debug, Clone)]
pub struct Resource {
    pub(crate) type_name: String,
    pub(crate) properties: Map,
    pub(crate) depends_on: Vec<NodeRef>,
    pub(crate) condition: Option<NodeRef>,
    pub(crate) deletion_policy: Option<RemovalPolicy>,
    pub(crate) update_replace_policy: Option<RemovalPolicy>,
    pub(crate) update_policy: Option<Value>,
    pub(crate) creation_policy: Option<Value>,
    pub(crate) metadata: Map,
    pub(crate) overrides: Vec<Override>,
    pub(crate) logical_id_override: Option<String>,
}

impl Resource {
    pub(crate) fn new(type_name: impl Into<String>, properties: Map) -> Resource {
        Resource {
            type_name: type_name.into(),
            properties,
            depends_on: Vec::new(),
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            update_policy: None,
            creation_policy: None,
            metadata: Map::new(),
            overrides: Vec::new(),
            logical_id_override: None,
        }
    }

    /// The CloudFormation type name.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The properties, for L2 constructs and escape hatches that edit them before synthesis.
    pub fn properties(&self) -> &Map {
        &self.properties
    }

    /// The properties, editable.
    pub fn properties_mut(&mut self) -> &mut Map {
        &mut self.properties
    }

    /// Makes this resource depend on `target` (a resource, or every resource below a scope).
    /// Redundant dependencies (already implied by a reference) are dropped at synthesis.
    pub fn add_dependency(&mut self, target: impl Into<NodeRef>) {
        self.depends_on.push(target.into());
    }

    /// Creates the resource only when the condition holds.
    pub fn set_condition(&mut self, condition: ConditionHandle) {
        self.condition = Some(condition.node());
    }

    /// Sets both DeletionPolicy and UpdateReplacePolicy, like CDK's `applyRemovalPolicy`.
    pub fn apply_removal_policy(&mut self, policy: RemovalPolicy) {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(match policy {
            RemovalPolicy::RetainExceptOnCreate => RemovalPolicy::Retain,
            other => other,
        });
    }

    /// Sets DeletionPolicy only.
    pub fn set_deletion_policy(&mut self, policy: RemovalPolicy) {
        self.deletion_policy = Some(policy);
    }

    /// Sets UpdateReplacePolicy only.
    pub fn set_update_replace_policy(&mut self, policy: RemovalPolicy) {
        self.update_replace_policy = Some(policy);
    }

    /// Sets the UpdatePolicy attribute.
    pub fn set_update_policy(&mut self, policy: impl Into<Value>) {
        self.update_policy = Some(policy.into());
    }

    /// Sets the CreationPolicy attribute.
    pub fn set_creation_policy(&mut self, policy: impl Into<Value>) {
        self.creation_policy = Some(policy.into());
    }

    /// Adds a Metadata entry.
    pub fn add_metadata(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.metadata.insert(key.into(), value.into());
    }

    /// Overrides a value at a dotted path of the resource (`Properties.A.B`, `DeletionPolicy`),
    /// applied after resolution, like CDK's `addOverride`. Use `\.` for a literal dot.
    pub fn add_override(&mut self, path: &str, value: impl Into<Value>) {
        self.overrides.push(Override::Set(split_override_path(path), value.into()));
    }

    /// Overrides a property at a dotted path below `Properties`, like CDK's `addPropertyOverride`.
    pub fn add_property_override(&mut self, path: &str, value: impl Into<Value>) {
        self.add_override(&format!("Properties.{path}"), value);
    }

    /// Removes a value at a dotted path of the resource, like CDK's `addDeletionOverride`.
    pub fn add_deletion_override(&mut self, path: &str) {
        self.overrides.push(Override::Delete(split_override_path(path)));
    }

    /// Replaces the computed logical ID (collisions are reported at synthesis).
    pub fn override_logical_id(&mut self, logical_id: impl Into<String>) {
        self.logical_id_override = Some(logical_id.into());
    }
}

fn split_override_path(path: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                parts.last_mut().expect("non-empty").push('.');
                chars.next();
            }
            '.' => parts.push(String::new()),
            c => parts.last_mut().expect("non-empty").push(c),
        }
    }
    parts
}

/// The type of a template parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// Any AWS-specific or SSM parameter type, e.g. `AWS::EC2::VPC::Id`.
    Other(String),
}

impl ParameterType {
    /// The CloudFormation spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ParameterType::String => "String",
            ParameterType::Number => "Number",
            ParameterType::NumberList => "List<Number>",
            ParameterType::CommaDelimitedList => "CommaDelimitedList",
            ParameterType::Other(s) => s,
        }
    }
}

/// A template parameter. Build with [`Parameter::string`] / [`Parameter::number`] and setters.
///
/// ```
/// use rcdk::core::element::Parameter;
/// let p = Parameter::string().default("db").description("Snowflake database").min_length(1);
/// # let _ = p;
/// ```
#[derive(Debug, Clone)]
pub struct Parameter {
    pub(crate) type_: ParameterType,
    pub(crate) default: Option<Value>,
    pub(crate) description: Option<String>,
    pub(crate) no_echo: bool,
    pub(crate) allowed_values: Vec<Value>,
    pub(crate) allowed_pattern: Option<String>,
    pub(crate) min_length: Option<u32>,
    pub(crate) max_length: Option<u32>,
    pub(crate) min_value: Option<f64>,
    pub(crate) max_value: Option<f64>,
    pub(crate) constraint_description: Option<String>,
}

impl Parameter {
    /// A parameter of the given type.
    pub fn of_type(type_: ParameterType) -> Parameter {
        Parameter {
            type_,
            default: None,
            description: None,
            no_echo: false,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            constraint_description: None,
        }
    }
    /// A `String` parameter.
    pub fn string() -> Parameter {
        Parameter::of_type(ParameterType::String)
    }
    /// A `Number` parameter.
    pub fn number() -> Parameter {
        Parameter::of_type(ParameterType::Number)
    }
    /// Default value.
    pub fn default(mut self, v: impl Into<Value>) -> Self {
        self.default = Some(v.into());
        self
    }
    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Hide the value in the console and API output.
    pub fn no_echo(mut self) -> Self {
        self.no_echo = true;
        self
    }
    /// Allowed values.
    pub fn allowed_values(mut self, values: impl IntoIterator<Item = impl Into<Value>>) -> Self {
        self.allowed_values = values.into_iter().map(Into::into).collect();
        self
    }
    /// Allowed pattern (Java regular expression, checked by CloudFormation).
    pub fn allowed_pattern(mut self, p: impl Into<String>) -> Self {
        self.allowed_pattern = Some(p.into());
        self
    }
    /// Minimum length.
    pub fn min_length(mut self, n: u32) -> Self {
        self.min_length = Some(n);
        self
    }
    /// Maximum length.
    pub fn max_length(mut self, n: u32) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Minimum value (Number).
    pub fn min_value(mut self, n: f64) -> Self {
        self.min_value = Some(n);
        self
    }
    /// Maximum value (Number).
    pub fn max_value(mut self, n: f64) -> Self {
        self.max_value = Some(n);
        self
    }
    /// What the console says when a constraint fails.
    pub fn constraint_description(mut self, d: impl Into<String>) -> Self {
        self.constraint_description = Some(d.into());
        self
    }
}

/// A copyable handle to a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterHandle(pub(crate) NodeRef);

impl ParameterHandle {
    /// `Ref` to the parameter: its value at deploy time.
    pub fn value(&self) -> Value {
        Value::Ref(self.0)
    }
    /// The tree node.
    pub fn node(&self) -> NodeRef {
        self.0
    }
}

/// A template output.
///
/// ```
/// use rcdk::core::element::Output;
/// let o = Output::new("arn:aws:s3:::bucket").description("the bucket").export_name("BucketArn");
/// # let _ = o;
/// ```
#[derive(Debug, Clone)]
pub struct Output {
    pub(crate) value: Value,
    pub(crate) description: Option<String>,
    pub(crate) export_name: Option<Value>,
    pub(crate) condition: Option<NodeRef>,
}

impl Output {
    /// An output of `value`.
    pub fn new(value: impl Into<Value>) -> Output {
        Output { value: value.into(), description: None, export_name: None, condition: None }
    }
    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Export the value under this name (other stacks read it with `Fn::ImportValue`).
    pub fn export_name(mut self, name: impl Into<Value>) -> Self {
        self.export_name = Some(name.into());
        self
    }
    /// Only output when the condition holds.
    pub fn condition(mut self, c: ConditionHandle) -> Self {
        self.condition = Some(c.node());
        self
    }
}

/// A copyable handle to a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionHandle(pub(crate) NodeRef);

impl ConditionHandle {
    /// The tree node.
    pub fn node(&self) -> NodeRef {
        self.0
    }
    /// `Fn::If` on this condition.
    pub fn if_(&self, then: impl Into<Value>, otherwise: impl Into<Value>) -> Value {
        Value::if_(self.0, then, otherwise)
    }
    /// `{"Condition": name}`, for use inside `Fn::And`/`Fn::Or`/`Fn::Not`.
    pub fn as_condition(&self) -> Value {
        Value::Condition(self.0)
    }
}

/// A mapping: top-level key → second-level key → value.
pub type Mapping = IndexMap<String, IndexMap<String, Value>>;

/// A copyable handle to a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MappingHandle(pub(crate) NodeRef);

impl MappingHandle {
    /// `Fn::FindInMap` in this mapping.
    pub fn find(&self, top: impl Into<Value>, second: impl Into<Value>) -> Value {
        Value::find_in_map(self.0, top, second)
    }
    /// The tree node.
    pub fn node(&self) -> NodeRef {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_paths_split_on_unescaped_dots() {
        assert_eq!(split_override_path("Properties.A.B"), vec!["Properties", "A", "B"]);
        assert_eq!(split_override_path(r"Metadata.a\.b"), vec!["Metadata", "a.b"]);
    }

    #[test]
    fn removal_policy_sets_both_attributes() {
        let mut r = Resource::new("AWS::S3::Bucket", Map::new());
        r.apply_removal_policy(RemovalPolicy::Retain);
        assert_eq!(r.deletion_policy, Some(RemovalPolicy::Retain));
        assert_eq!(r.update_replace_policy, Some(RemovalPolicy::Retain));
    }
}
