//! Stacks and scopes: where constructs are added.

use std::sync::Arc;

use crate::core::aspect::Aspect;
use crate::core::element::{
    CfnResource, ConditionHandle, Element, Handle, Mapping, MappingHandle, Output, Parameter, ParameterHandle,
    RawResource, Resource,
};
use crate::core::ids::{self, IdError};
use crate::core::tree::{NodeRef, StackId, Tree, TreeError};
use crate::core::value::{Map, Value};

/// The account and region a stack deploys to; `None` means "whatever the deploy uses"
/// (environment-agnostic, like a CDK stack without `env`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// AWS account id.
    pub account: Option<String>,
    /// AWS region.
    pub region: Option<String>,
}

/// Settings of a stack.
#[derive(Debug, Clone, Default)]
pub struct StackProps {
    /// Template Description.
    pub description: Option<String>,
    /// Where the stack deploys.
    pub env: Environment,
    /// Transforms (e.g. `AWS::Serverless-2016-10-31`).
    pub transforms: Vec<String>,
    /// Treat warnings as errors at synthesis.
    pub strict: bool,
}

/// A CloudFormation stack: the root of a construct tree, synthesized to one template.
///
/// ```
/// use rcdk::core::stack::{Stack, StackProps};
/// let mut stack = Stack::new("MyStack", StackProps::default()).unwrap();
/// let topic = stack.add_raw_resource("Topic", "AWS::SNS::Topic", Default::default()).unwrap();
/// assert_eq!(stack.path(topic.node()), "MyStack/Topic");
/// ```
#[derive(Debug, Clone)]
pub struct Stack {
    pub(crate) name: String,
    pub(crate) props: StackProps,
    pub(crate) tree: Tree,
    pub(crate) metadata: Map,
    pub(crate) stack_dependencies: Vec<StackId>,
    /// Aspects by the index of the scope they were added to, in the order added.
    pub(crate) aspects: Vec<(u32, Arc<dyn Aspect>)>,
    /// Security-rule acknowledgments: (node index, rule id, reason), in call order.
    pub(crate) acknowledgments: Vec<(u32, String, String)>,
    /// Stack-level tags by key: the value (`None`: removed) and the priority it was set with.
    pub(crate) stack_tags: std::collections::BTreeMap<String, (Option<String>, i32)>,
}

/// Why a stack could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StackError {
    /// The stack name is not valid for CloudFormation.
    #[error("stack name {0:?} is invalid: it must match [A-Za-z][A-Za-z0-9-]* and be at most 128 characters")]
    InvalidName(String),
    /// A tree operation failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

impl Stack {
    /// A new, empty stack.
    pub fn new(name: impl Into<String>, props: StackProps) -> Result<Stack, StackError> {
        let name = name.into();
        let valid = name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(StackError::InvalidName(name));
        }
        let id = StackId::fresh();
        Ok(Stack {
            tree: Tree::new(id, &name),
            name,
            props,
            metadata: Map::new(),
            stack_dependencies: Vec::new(),
            aspects: Vec::new(),
            acknowledgments: Vec::new(),
            stack_tags: Default::default(),
        })
    }

    /// The stack name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stack's settings.
    pub fn props(&self) -> &StackProps {
        &self.props
    }

    /// This stack's id in the process.
    pub fn id(&self) -> StackId {
        self.tree.stack
    }

    /// The root node (the stack itself).
    pub fn root(&self) -> NodeRef {
        NodeRef { stack: self.tree.stack, index: 0 }
    }

    /// Adds an aspect to the scope `scope`: at synthesis it visits every resource below that
    /// scope (see [`Aspect`]). Fails when `scope` belongs to another stack.
    pub fn add_aspect(&mut self, scope: NodeRef, aspect: impl Aspect + 'static) -> Result<(), TreeError> {
        let index = self.checked_index(scope, "add_aspect")?;
        self.aspects.push((index, Arc::new(aspect)));
        Ok(())
    }

    /// The stack-level tags, sorted by key: those added (and not removed) with
    /// [`Tags::of(&mut stack)`](crate::tags::Tags::of). Besides tagging the stack's resources in the
    /// template, they go to the stack artifact's `tags` in `manifest.json`, which `cdk deploy` passes
    /// to CloudFormation as the stack's own tags.
    ///
    /// ```
    /// use rcdk::prelude::*;
    /// use rcdk::tags::Tags;
    /// let mut stack = Stack::new("S", StackProps::default()).unwrap();
    /// Tags::of(&mut stack).add("team", "data").unwrap().add("env", "dev").unwrap().remove("env").unwrap();
    /// assert_eq!(stack.tags().into_iter().collect::<Vec<_>>(), [("team".to_string(), "data".to_string())]);
    /// ```
    pub fn tags(&self) -> std::collections::BTreeMap<String, String> {
        self.stack_tags.iter().filter_map(|(k, (v, _))| Some((k.clone(), v.clone()?))).collect()
    }

    /// Records a library-made acknowledgment (rule id and reason known valid) for `node` and below.
    #[cfg_attr(
        not(any(
            all(feature = "lambda", feature = "iam", feature = "logs"),
            all(feature = "sns", feature = "kms", feature = "iam"),
            all(feature = "s3", feature = "kms", feature = "iam")
        )),
        allow(dead_code, reason = "used by L2 constructs only, which are behind the L1 features they build on")
    )]
    pub(crate) fn acknowledge_node(&mut self, node: NodeRef, rule: &str, reason: &str) {
        let entry = (node.index, rule.to_string(), reason.to_string());
        if !self.acknowledgments.contains(&entry) {
            self.acknowledgments.push(entry);
        }
    }

    /// Adds template-level Metadata.
    pub fn add_metadata(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.metadata.insert(key.into(), value.into());
    }

    /// Deploy `other` before this stack.
    pub fn add_dependency(&mut self, other: &Stack) {
        self.stack_dependencies.push(other.id());
    }

    /// The full path of a node, e.g. `MyStack/Role/Resource` (`"<foreign node>"` for other stacks).
    pub fn path(&self, node: NodeRef) -> String {
        match self.index_of(node) {
            Some(i) => self.tree.path(i),
            None => "<node of another stack>".to_string(),
        }
    }

    /// The logical ID the node will get (computed from its path, or the override).
    pub fn logical_id(&self, node: NodeRef) -> Result<String, IdError> {
        let Some(i) = self.index_of(node) else {
            return Err(IdError::NothingLeft("<node of another stack>".into()));
        };
        if let Element::Resource(r) = &self.tree.nodes[i as usize].element
            && let Some(id) = &r.logical_id_override
        {
            return Ok(id.clone());
        }
        ids::logical_id(&self.tree.components(i))
    }

    /// The child of `parent` with construct id `id`, if any.
    pub fn find_child(&self, parent: NodeRef, id: &str) -> Option<NodeRef> {
        let p = self.index_of(parent)?;
        self.tree.child(p, id).map(|index| NodeRef { stack: self.tree.stack, index })
    }

    /// The resource behind a handle, for escape hatches (`add_property_override`, attributes…).
    pub fn resource_mut<T>(&mut self, handle: Handle<T>) -> Result<&mut Resource, TreeError> {
        let node = handle.node();
        let i = self.checked_index(node, "resource_mut")?;
        if let Element::Resource(_) = &self.tree.nodes[i as usize].element {
            let Element::Resource(r) = &mut self.tree.nodes[i as usize].element else { unreachable!("checked above") };
            return Ok(r);
        }
        let found = self.tree.nodes[i as usize].element.kind_name();
        Err(TreeError::WrongKind { path: self.tree.path(i), expected: "a resource", found })
    }

    /// The resource behind a handle.
    pub fn resource<T>(&self, handle: Handle<T>) -> Result<&Resource, TreeError> {
        let node = handle.node();
        let i = self.checked_index(node, "resource")?;
        match &self.tree.nodes[i as usize].element {
            Element::Resource(r) => Ok(r),
            other => {
                Err(TreeError::WrongKind { path: self.tree.path(i), expected: "a resource", found: other.kind_name() })
            }
        }
    }

    pub(crate) fn index_of(&self, node: NodeRef) -> Option<u32> {
        (node.stack == self.tree.stack && (node.index as usize) < self.tree.nodes.len()).then_some(node.index)
    }

    pub(crate) fn checked_index(&self, node: NodeRef, what: &str) -> Result<u32, TreeError> {
        self.index_of(node).ok_or_else(|| TreeError::ForeignNode {
            what: what.to_string(),
            path: crate::core::tree::node_path(node),
            stack: self.name.clone(),
            owner: crate::core::tree::live_stack_name(node.stack).unwrap_or_else(|| "<dropped stack>".into()),
        })
    }
}

/// A place in a stack's tree where constructs are added: the stack itself or a nested scope.
///
/// Construct constructors take `&mut impl AsScope`, so they work at the top of a stack and inside
/// users' own composite constructs alike.
pub trait AsScope {
    /// A scope borrowing the stack.
    fn as_scope(&mut self) -> Scope<'_>;
}

/// A nested scope: a node of a stack's tree that constructs are added under.
#[derive(Debug)]
pub struct Scope<'a> {
    stack: &'a mut Stack,
    node: u32,
}

impl AsScope for Stack {
    fn as_scope(&mut self) -> Scope<'_> {
        Scope { stack: self, node: 0 }
    }
}

impl AsScope for Scope<'_> {
    fn as_scope(&mut self) -> Scope<'_> {
        Scope { stack: self.stack, node: self.node }
    }
}

impl<'a> Scope<'a> {
    /// The stack.
    pub fn stack(&mut self) -> &mut Stack {
        self.stack
    }

    /// The stack, read-only.
    pub fn stack_ref(&self) -> &Stack {
        self.stack
    }

    /// This scope's node.
    pub fn node(&self) -> NodeRef {
        NodeRef { stack: self.stack.tree.stack, index: self.node }
    }

    /// This scope's path, e.g. `MyStack/Pipeline`.
    pub fn path(&self) -> String {
        self.stack.tree.path(self.node)
    }

    /// Creates a child scope (a composite construct's own node).
    pub fn child(self, id: &str) -> Result<Scope<'a>, TreeError> {
        let node = self.stack.tree.add(self.node, id, Element::Scope)?;
        Ok(Scope { stack: self.stack, node: node.index })
    }

    /// Re-enters an existing node as a scope (e.g. to add a child under an L2 construct).
    pub fn enter(self, node: NodeRef) -> Result<Scope<'a>, TreeError> {
        let index = self.stack.checked_index(node, "enter")?;
        Ok(Scope { stack: self.stack, node: index })
    }

    fn add(&mut self, id: &str, element: Element) -> Result<NodeRef, TreeError> {
        self.stack.tree.add(self.node, id, element)
    }

    /// Adds a typed L1 resource.
    pub fn add_resource<T: CfnResource>(&mut self, id: &str, props: T) -> Result<Handle<T>, TreeError> {
        let node = self.add(id, Element::Resource(Box::new(Resource::new(T::TYPE_NAME, props.into_properties()))))?;
        Ok(Handle::new(node))
    }

    /// Adds a resource of any type (including `Custom::*`) with free-form properties.
    pub fn add_raw_resource(
        &mut self,
        id: &str,
        type_name: &str,
        properties: Map,
    ) -> Result<Handle<RawResource>, TreeError> {
        let node = self.add(id, Element::Resource(Box::new(Resource::new(type_name, properties))))?;
        Ok(Handle::new(node))
    }

    /// Adds a template parameter.
    pub fn add_parameter(&mut self, id: &str, parameter: Parameter) -> Result<ParameterHandle, TreeError> {
        self.add(id, Element::Parameter(Box::new(parameter))).map(ParameterHandle)
    }

    /// Adds a template output.
    pub fn add_output(&mut self, id: &str, output: Output) -> Result<NodeRef, TreeError> {
        self.add(id, Element::Output(Box::new(output)))
    }

    /// Adds a condition (`Fn::Equals`, `Fn::And`, … expression).
    pub fn add_condition(&mut self, id: &str, expression: Value) -> Result<ConditionHandle, TreeError> {
        self.add(id, Element::Condition(expression)).map(ConditionHandle)
    }

    /// Adds a mapping.
    pub fn add_mapping(&mut self, id: &str, mapping: Mapping) -> Result<MappingHandle, TreeError> {
        self.add(id, Element::Mapping(mapping)).map(MappingHandle)
    }

    /// Adds a rule (the `Rules` section; free-form `RuleCondition`/`Assertions`).
    pub fn add_rule(&mut self, id: &str, rule: Value) -> Result<NodeRef, TreeError> {
        self.add(id, Element::Rule(rule))
    }

    /// Acknowledges a security finding for every resource at or below this scope (also those added
    /// later): `rule` is an rcdk rule id ([`crate::security::RULES`]) or a checkov (`CKV_AWS_7`),
    /// cdk-nag (`AwsSolutions-KMS5`) or cfn_nag (`W35`) id; `reason` is required. At synthesis it is
    /// written into each matching resource's `Metadata` in the formats checkov
    /// (`checkov.skip`), cfn_nag and cdk-nag (`rules_to_suppress`) read, and the rule pack skips it.
    ///
    /// ```
    /// use rcdk::prelude::*;
    /// let mut stack = Stack::new("S", StackProps::default()).unwrap();
    /// let key = Key::new(&mut stack, "Key", KeyProps::default()).unwrap();
    /// stack.as_scope().enter(key.node()).unwrap()
    ///     .acknowledge("RCDK-KMS-OPEN-PRINCIPAL", "only principals of this account, through Kinesis").unwrap();
    /// assert!(stack.as_scope().acknowledge("RCDK-KMS-ROTATION", " ").is_err());
    /// ```
    pub fn acknowledge(&mut self, rule: &str, reason: &str) -> Result<(), crate::security::AcknowledgeError> {
        crate::security::check_acknowledgment(&self.path(), rule, reason)?;
        let entry = (self.node, rule.to_string(), reason.trim().to_string());
        if !self.stack.acknowledgments.contains(&entry) {
            self.stack.acknowledgments.push(entry);
        }
        Ok(())
    }
}

macro_rules! delegate_to_root_scope {
    ($($(#[$doc:meta])* fn $name:ident(&mut self, $($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        impl Stack {
            $($(#[$doc])* pub fn $name(&mut self, $($arg: $ty),*) -> $ret { self.as_scope().$name($($arg),*) })*
        }
    };
}

delegate_to_root_scope! {
    /// Adds a resource of any type at the top of the stack.
    fn add_raw_resource(&mut self, id: &str, type_name: &str, properties: Map) -> Result<Handle<RawResource>, TreeError>;
    /// Adds a template parameter at the top of the stack.
    fn add_parameter(&mut self, id: &str, parameter: Parameter) -> Result<ParameterHandle, TreeError>;
    /// Adds a template output at the top of the stack.
    fn add_output(&mut self, id: &str, output: Output) -> Result<NodeRef, TreeError>;
    /// Adds a condition at the top of the stack.
    fn add_condition(&mut self, id: &str, expression: Value) -> Result<ConditionHandle, TreeError>;
    /// Adds a mapping at the top of the stack.
    fn add_mapping(&mut self, id: &str, mapping: Mapping) -> Result<MappingHandle, TreeError>;
    /// Adds a rule at the top of the stack.
    fn add_rule(&mut self, id: &str, rule: Value) -> Result<NodeRef, TreeError>;
    /// Acknowledges a security finding for every resource of the stack (see [`Scope::acknowledge`]).
    fn acknowledge(&mut self, rule: &str, reason: &str) -> Result<(), crate::security::AcknowledgeError>;
}

impl Stack {
    /// Adds a typed L1 resource at the top of the stack.
    pub fn add_resource<T: CfnResource>(&mut self, id: &str, props: T) -> Result<Handle<T>, TreeError> {
        self.as_scope().add_resource(id, props)
    }
}
