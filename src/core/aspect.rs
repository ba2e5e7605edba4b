//! Aspects: operations added to a scope and applied at synthesis to every resource below it
//! (like AWS CDK's `Aspects.of(scope).add(…)`). The tags of `crate::tags` are aspects.
//!
//! An aspect sees each resource once its properties are resolved to JSON and before the
//! resource's raw overrides are applied (overrides win, as in CDK). For one resource, the aspects
//! of its ancestors run from the stack down to the resource, each scope's in the order added.

use std::any::Any;
use std::fmt;

use serde_json::{Map as JsonMap, Value as Json};

use crate::core::problem::ProblemKind;

/// An operation applied at synthesis to every resource below the scope it was added to.
///
/// ```
/// use rcdk::core::aspect::{Aspect, AspectProblem, AspectResource};
/// use rcdk::prelude::*;
///
/// /// Sets a description on every SSM parameter that has none.
/// #[derive(Debug)]
/// struct Describe;
///
/// impl Aspect for Describe {
///     fn visit(&self, resource: &mut AspectResource<'_>) -> Result<(), AspectProblem> {
///         if resource.type_name() == "AWS::SSM::Parameter" {
///             resource.properties().entry("Description").or_insert("managed by rcdk".into());
///         }
///         Ok(())
///     }
/// }
///
/// let mut stack = Stack::new("S", StackProps::default()).unwrap();
/// let props = Map::from_iter([("Type".to_string(), Value::from("String")), ("Value".to_string(), Value::from("v"))]);
/// stack.add_raw_resource("Param", "AWS::SSM::Parameter", props).unwrap();
/// stack.add_aspect(stack.root(), Describe).unwrap();
/// let mut app = App::new();
/// app.add_stack(stack).unwrap();
/// let template = app.assemble().unwrap().stacks[0].template().clone();
/// assert_eq!(template["Resources"]["Param"]["Properties"]["Description"], "managed by rcdk");
/// ```
pub trait Aspect: fmt::Debug + Send + Sync {
    /// Visits one resource; a problem stops synthesis (reported with the resource's path).
    fn visit(&self, resource: &mut AspectResource<'_>) -> Result<(), AspectProblem>;
}

/// What an aspect found wrong with a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectProblem {
    /// The kind of problem.
    pub kind: ProblemKind,
    /// The property path inside the resource (e.g. `Properties.Tags`).
    pub property_path: String,
    /// What was expected and what was found.
    pub message: String,
}

/// A resource as an aspect sees it at synthesis.
pub struct AspectResource<'a> {
    pub(crate) path: &'a str,
    pub(crate) type_name: &'a str,
    pub(crate) properties: &'a mut JsonMap<String, Json>,
    pub(crate) state: &'a mut Vec<Box<dyn Any>>,
}

impl<'a> AspectResource<'a> {
    /// The construct path, e.g. `MyStack/Pipeline/Queue`.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The resource type, e.g. `AWS::SQS::Queue`.
    pub fn type_name(&self) -> &str {
        self.type_name
    }

    /// The resolved `Properties` (CloudFormation JSON), to read and change.
    pub fn properties(&mut self) -> &mut JsonMap<String, Json> {
        self.properties
    }

    /// State of type `T` kept for this resource while all aspects visit it (e.g. the priority
    /// of each tag key, shared by every tag aspect); created with `T::default()` on first use.
    pub fn state<T: Default + 'static>(&mut self) -> &mut T {
        let index = match self.state.iter().position(|s| s.is::<T>()) {
            Some(i) => i,
            None => {
                self.state.push(Box::new(T::default()));
                self.state.len() - 1
            }
        };
        self.state[index].downcast_mut::<T>().expect("state entry has the type it was found by")
    }
}
