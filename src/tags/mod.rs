//! Tags applied to every taggable resource below a scope, like AWS CDK's `Tags.of(scope)`.
//!
//! ```
//! use rcdk::prelude::*;
//! use rcdk::tags::{TagProps, Tags};
//!
//! # fn main() -> Result<(), rcdk::Error> {
//! let mut stack = Stack::new("Pipeline", StackProps::default())?;
//! stack.add_raw_resource("Queue", "AWS::SQS::Queue", Map::new())?;
//! let props = Map::from_iter([("Type".to_string(), Value::from("String")), ("Value".to_string(), Value::from("v"))]);
//! stack.add_raw_resource("Param", "AWS::SSM::Parameter", props)?;
//! Tags::of(&mut stack).add("team", "data")?.add("cost-center", "42")?;
//! Tags::of(&mut stack).add_with("env", "prod", TagProps::default().include_resource_types(["AWS::SQS::Queue"]))?;
//!
//! let mut app = App::new();
//! app.add_stack(stack)?;
//! let t = app.assemble()?.stacks[0].template().clone();
//! // In the shape each type's schema declares: a list of {Key, Value} for a queue…
//! assert_eq!(t["Resources"]["Queue"]["Properties"]["Tags"][0], serde_json::json!({"Key": "cost-center", "Value": "42"}));
//! assert_eq!(t["Resources"]["Queue"]["Properties"]["Tags"].as_array().unwrap().len(), 3);
//! // …a map for an SSM parameter (not an SQS queue: no "env").
//! assert_eq!(t["Resources"]["Param"]["Properties"]["Tags"], serde_json::json!({"cost-center": "42", "team": "data"}));
//! # Ok(())
//! # }
//! ```
//!
//! Semantics (those of CDK's `Tags` aspect, `TagManager` and `Tag`/`RemoveTag` classes):
//! * Tags are applied at synthesis to every resource below the scope whose registry schema
//!   declares it taggable ([`crate::schema::ResourceSchema::tagging`]), in the shape the schema
//!   declares: a list of `{"Key", "Value"}` (with `PropagateAtLaunch` for Auto Scaling groups),
//!   or a map. Types that take no tags, or tags of a shape of their own, are left alone.
//! * Each tag has a priority: [`Tags::add`] 100, [`Tags::remove`] 200 by default. A tag replaces
//!   a tag of the same key when its priority is at least the existing one's; so the scope nearer
//!   the resource (applied later) wins at equal priority. A tag the resource sets itself counts
//!   as priority 100 and is applied last: it wins over added tags unless they have a higher
//!   priority. A removal removes the key (its own tag too) unless a higher priority adds it.
//! * Tags are rendered sorted by key. A resource's own tags whose key is not a literal string
//!   (an intrinsic function) are kept first, untouched; a tag property that is itself an
//!   intrinsic function is left alone.
//! * Bad input is an error naming the scope's path: a key starting with `aws:` (reserved), an
//!   empty key, a key over 128 or a value over 256 characters. More than 50 tags on a resource
//!   after all tags are applied stops synthesis, naming the resource.
//!
//! * Tags added or removed on a stack itself are also the stack's own tags ([`Stack::tags`]), which
//!   go to `manifest.json` (the stack artifact's `properties.tags`) so that `cdk deploy` tags the
//!   CloudFormation stack, as CDK does. A tag whose resource types leave out [`STACK_RESOURCE_TYPE`]
//!   tags only resources; more than [`MAX_TAGS`] stack tags are refused when added.
//!
//! Limits from the AWS tagging rules:
//! <https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions>.

use std::collections::BTreeMap;

use serde_json::{Map as JsonMap, Value as Json};

use crate::core::aspect::{Aspect, AspectProblem, AspectResource};
use crate::core::problem::ProblemKind;
#[cfg(doc)]
use crate::core::stack::Stack;
use crate::core::stack::{AsScope, Scope};
use crate::core::tree::TreeError;
use crate::schema::TagShape;

/// The resource type of a stack for [`TagProps::include_resource_types`] and
/// [`TagProps::exclude_resource_types`] (CDK's name for it): include it to make a tag restricted to some
/// types a stack-level tag too, exclude it to tag only the stack's resources.
pub const STACK_RESOURCE_TYPE: &str = "aws:cdk:stack";
/// Most tags a resource (or a stack) can have (user tags; AWS's limit).
pub const MAX_TAGS: usize = 50;
/// Longest tag key, in characters.
pub const MAX_KEY_LENGTH: usize = 128;
/// Longest tag value, in characters.
pub const MAX_VALUE_LENGTH: usize = 256;
/// Default priority of an added tag (CDK's).
pub const ADD_PRIORITY: i32 = 100;
/// Default priority of a removal (CDK's).
pub const REMOVE_PRIORITY: i32 = 200;
/// The priority of a tag the resource sets itself.
pub const OWN_PRIORITY: i32 = 100;

/// Options of one tag or removal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagProps {
    /// Priority (default: [`ADD_PRIORITY`] for an add, [`REMOVE_PRIORITY`] for a removal).
    pub priority: Option<i32>,
    /// Only resources of these types (all when empty).
    pub include_resource_types: Vec<String>,
    /// Never resources of these types.
    pub exclude_resource_types: Vec<String>,
    /// For Auto Scaling groups: whether instances they launch get the tag
    /// (`PropagateAtLaunch`; default true).
    pub apply_to_launched_instances: Option<bool>,
}

impl TagProps {
    /// Sets the priority.
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Applies only to resources of these types.
    pub fn include_resource_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.include_resource_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// Never applies to resources of these types.
    pub fn exclude_resource_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.exclude_resource_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// Whether instances launched by an Auto Scaling group get the tag (`PropagateAtLaunch`).
    pub fn apply_to_launched_instances(mut self, apply: bool) -> Self {
        self.apply_to_launched_instances = Some(apply);
        self
    }
}

/// Why a tag was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TagError {
    /// Keys starting with `aws:` are reserved for AWS.
    #[error("{path}: tag key {key:?} starts with \"aws:\", which is reserved for AWS")]
    ReservedPrefix {
        /// The scope's construct path.
        path: String,
        /// The key.
        key: String,
    },
    /// The key is empty.
    #[error("{path}: a tag key must not be empty")]
    EmptyKey {
        /// The scope's construct path.
        path: String,
    },
    /// The key is longer than [`MAX_KEY_LENGTH`].
    #[error("{path}: tag key {key:?} has {length} characters, more than the maximum {MAX_KEY_LENGTH}")]
    KeyTooLong {
        /// The scope's construct path.
        path: String,
        /// The key.
        key: String,
        /// Its length in characters.
        length: usize,
    },
    /// The value is longer than [`MAX_VALUE_LENGTH`].
    #[error("{path}: the value of tag {key:?} has {length} characters, more than the maximum {MAX_VALUE_LENGTH}")]
    ValueTooLong {
        /// The scope's construct path.
        path: String,
        /// The key.
        key: String,
        /// The value's length in characters.
        length: usize,
    },
    /// A stack would have more than [`MAX_TAGS`] stack-level tags (CloudFormation's limit for a stack).
    #[error("{path}: the stack would have {count} stack-level tags, more than the maximum {MAX_TAGS}")]
    TooManyStackTags {
        /// The stack's path (its name).
        path: String,
        /// How many tags it would have.
        count: usize,
    },
    /// Adding the aspect to the stack failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

impl From<TagError> for crate::core::error::Error {
    fn from(e: TagError) -> Self {
        match e {
            TagError::Tree(t) => crate::core::error::Error::Tree(t),
            other => crate::core::error::Error::Construct(Box::new(other)),
        }
    }
}

/// Adds and removes tags on every taggable resource below a scope (at synthesis).
#[derive(Debug)]
pub struct Tags<'a> {
    scope: Scope<'a>,
}

impl<'a> Tags<'a> {
    /// Tags of `scope` (a stack — its tags are the stack-level tags, applied to every resource
    /// of the stack and written to the manifest for `cdk deploy` — or a nested scope).
    pub fn of<S: AsScope + ?Sized>(scope: &'a mut S) -> Tags<'a> {
        Tags { scope: scope.as_scope() }
    }

    /// Adds a tag with priority [`ADD_PRIORITY`] to every taggable resource below the scope.
    pub fn add(&mut self, key: impl Into<String>, value: impl Into<String>) -> Result<&mut Self, TagError> {
        self.add_with(key, value, TagProps::default())
    }

    /// Adds a tag with options (priority, resource types, launched instances).
    ///
    /// ```
    /// use rcdk::prelude::*;
    /// use rcdk::tags::{TagError, Tags};
    /// let mut stack = Stack::new("S", StackProps::default()).unwrap();
    /// let e = Tags::of(&mut stack).add("aws:cloudformation:x", "v").unwrap_err();
    /// assert_eq!(e.to_string(), "S: tag key \"aws:cloudformation:x\" starts with \"aws:\", which is reserved for AWS");
    /// let e = Tags::of(&mut stack).add("k", "v".repeat(257)).unwrap_err();
    /// assert!(matches!(e, TagError::ValueTooLong { length: 257, .. }));
    /// ```
    pub fn add_with(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
        props: TagProps,
    ) -> Result<&mut Self, TagError> {
        let (key, value) = (key.into(), value.into());
        let path = self.scope.path();
        check_key(&path, &key)?;
        let length = value.chars().count();
        if length > MAX_VALUE_LENGTH {
            return Err(TagError::ValueTooLong { path, key, length });
        }
        let priority = props.priority.unwrap_or(ADD_PRIORITY);
        self.push(TagOp { key, value: Some(value), priority, props })
    }

    /// Removes a tag (priority [`REMOVE_PRIORITY`]) from every resource below the scope, including
    /// a tag the resource sets itself.
    pub fn remove(&mut self, key: impl Into<String>) -> Result<&mut Self, TagError> {
        self.remove_with(key, TagProps::default())
    }

    /// Removes a tag with options (priority, resource types).
    pub fn remove_with(&mut self, key: impl Into<String>, props: TagProps) -> Result<&mut Self, TagError> {
        let key = key.into();
        let path = self.scope.path();
        if key.is_empty() {
            return Err(TagError::EmptyKey { path });
        }
        let priority = props.priority.unwrap_or(REMOVE_PRIORITY);
        self.push(TagOp { key, value: None, priority, props })
    }

    fn push(&mut self, op: TagOp) -> Result<&mut Self, TagError> {
        let node = self.scope.node();
        let stack = self.scope.stack();
        // Tags of the stack itself are also its stack-level tags (manifest `tags`, which `cdk deploy`
        // passes to CloudFormation), unless the op's resource types leave out the stack, whose type is
        // `aws:cdk:stack` as in CDK's TagManager. Priorities work as for resources.
        let props = &op.props;
        let applies = (props.include_resource_types.is_empty()
            || props.include_resource_types.iter().any(|t| t == STACK_RESOURCE_TYPE))
            && !props.exclude_resource_types.iter().any(|t| t == STACK_RESOURCE_TYPE);
        if node == stack.root() && applies {
            let mut tags = stack.stack_tags.clone();
            if tags.get(&op.key).is_none_or(|(_, p)| *p <= op.priority) {
                tags.insert(op.key.clone(), (op.value.clone(), op.priority));
            }
            let count = tags.values().filter(|(v, _)| v.is_some()).count();
            if count > MAX_TAGS {
                return Err(TagError::TooManyStackTags { path: stack.name().to_string(), count });
            }
            stack.add_aspect(node, op)?;
            stack.stack_tags = tags;
        } else {
            stack.add_aspect(node, op)?;
        }
        Ok(self)
    }
}

fn check_key(path: &str, key: &str) -> Result<(), TagError> {
    if key.is_empty() {
        return Err(TagError::EmptyKey { path: path.to_string() });
    }
    if key.starts_with("aws:") {
        return Err(TagError::ReservedPrefix { path: path.to_string(), key: key.to_string() });
    }
    let length = key.chars().count();
    if length > MAX_KEY_LENGTH {
        return Err(TagError::KeyTooLong { path: path.to_string(), key: key.to_string(), length });
    }
    Ok(())
}

/// One `add` or `remove`, as an aspect.
#[derive(Debug)]
struct TagOp {
    key: String,
    /// `None`: a removal.
    value: Option<String>,
    priority: i32,
    props: TagProps,
}

/// One tag of a resource while aspects run.
#[derive(Debug)]
struct Entry {
    /// The tag's value (JSON: the resource's own may be an intrinsic function).
    value: Json,
    /// For list shapes: the resource's own item, rendered as it was.
    own_item: Option<Json>,
    propagate_at_launch: bool,
}

/// The tags of one resource while aspects run (shared by every [`TagOp`]).
#[derive(Debug, Default)]
struct TagState {
    started: bool,
    /// The resource's own tags or tag property cannot be merged into (an intrinsic function).
    opaque: bool,
    /// Own list items whose key is not a literal string, kept first.
    fixed: Vec<Json>,
    tags: BTreeMap<String, Entry>,
    /// Priority of the last add or removal of each key.
    priorities: BTreeMap<String, i32>,
    /// The resource's own tags (applied after all aspects, at [`OWN_PRIORITY`]).
    own: Vec<(String, Entry)>,
    /// The limit of [`MAX_TAGS`] was reported (once per resource).
    limit_reported: bool,
}

fn is_intrinsic(v: &Json) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

impl TagState {
    /// Reads the resource's own tags on first visit.
    fn start(&mut self, shape: TagShape, existing: Option<&Json>) {
        self.started = true;
        let Some(existing) = existing else { return };
        match (shape, existing) {
            (TagShape::List { .. }, Json::Array(items)) => {
                for item in items {
                    match item.get("Key").and_then(Json::as_str) {
                        Some(key) if !is_intrinsic(item) => {
                            let entry = Entry {
                                value: item.get("Value").cloned().unwrap_or(Json::Null),
                                own_item: Some(item.clone()),
                                propagate_at_launch: true,
                            };
                            self.own.push((key.to_string(), entry));
                        }
                        _ => self.fixed.push(item.clone()),
                    }
                }
            }
            (TagShape::Map, Json::Object(map)) if !is_intrinsic(existing) => {
                for (key, value) in map {
                    let entry = Entry { value: value.clone(), own_item: None, propagate_at_launch: true };
                    self.own.push((key.clone(), entry));
                }
            }
            _ => self.opaque = true,
        }
    }

    fn set(&mut self, key: &str, entry: Entry, priority: i32) {
        if self.priorities.get(key).is_some_and(|p| *p > priority) {
            return;
        }
        self.priorities.insert(key.to_string(), priority);
        self.tags.insert(key.to_string(), entry);
    }

    fn remove(&mut self, key: &str, priority: i32) {
        if self.priorities.get(key).is_some_and(|p| *p > priority) {
            return;
        }
        self.priorities.insert(key.to_string(), priority);
        self.tags.remove(key);
    }

    /// The tags after every aspect so far and the resource's own tags.
    fn render(&self, shape: TagShape) -> (Json, usize) {
        let mut merged: BTreeMap<&str, &Entry> = self.tags.iter().map(|(k, e)| (k.as_str(), e)).collect();
        for (key, entry) in &self.own {
            // Own tags come last at OWN_PRIORITY: they lose only to a higher priority.
            if self.priorities.get(key).is_none_or(|p| *p <= OWN_PRIORITY) {
                merged.insert(key.as_str(), entry);
            } else if !self.tags.contains_key(key) {
                // Removed at a higher priority.
                merged.remove(key.as_str());
            }
        }
        let count = merged.len() + self.fixed.len();
        let json = match shape {
            TagShape::Map => Json::Object(merged.into_iter().map(|(k, e)| (k.to_string(), e.value.clone())).collect()),
            _ => {
                let propagate = matches!(shape, TagShape::List { propagate_at_launch: true });
                let mut items = self.fixed.clone();
                for (key, entry) in merged {
                    if let Some(own) = &entry.own_item {
                        items.push(own.clone());
                        continue;
                    }
                    let mut item = JsonMap::new();
                    item.insert("Key".into(), Json::String(key.to_string()));
                    item.insert("Value".into(), entry.value.clone());
                    if propagate {
                        item.insert("PropagateAtLaunch".into(), Json::Bool(entry.propagate_at_launch));
                    }
                    items.push(Json::Object(item));
                }
                Json::Array(items)
            }
        };
        (json, count)
    }
}

impl Aspect for TagOp {
    fn visit(&self, resource: &mut AspectResource<'_>) -> Result<(), AspectProblem> {
        let type_name = resource.type_name().to_string();
        let props = &self.props;
        if (!props.include_resource_types.is_empty() && !props.include_resource_types.contains(&type_name))
            || props.exclude_resource_types.contains(&type_name)
        {
            return Ok(());
        }
        let Some(tagging) = crate::schema::resource_schema(&type_name).and_then(|s| s.tagging()) else {
            return Ok(());
        };
        let shape = tagging.shape;
        if !matches!(shape, TagShape::List { .. } | TagShape::Map) {
            return Ok(());
        }
        let property = tagging.property.as_str();
        let existing = resource.properties().get(property).cloned();
        let state = resource.state::<TagState>();
        if !state.started {
            state.start(shape, existing.as_ref());
        }
        if state.opaque {
            return Ok(());
        }
        match &self.value {
            Some(value) => {
                let entry = Entry {
                    value: Json::String(value.clone()),
                    own_item: None,
                    propagate_at_launch: props.apply_to_launched_instances.unwrap_or(true),
                };
                state.set(&self.key, entry, self.priority);
            }
            None => state.remove(&self.key, self.priority),
        }
        let (rendered, count) = state.render(shape);
        if count > MAX_TAGS && !state.limit_reported {
            state.limit_reported = true;
            return Err(AspectProblem {
                kind: ProblemKind::Limit,
                property_path: format!("Properties.{property}"),
                message: format!("{type_name} would have {count} tags, more than the maximum {MAX_TAGS}"),
            });
        }
        if count == 0 {
            resource.properties().remove(property);
        } else {
            resource.properties().insert(property.to_string(), rendered);
        }
        Ok(())
    }
}
