//! The construct tree of one stack: nodes with ids unique among siblings, and copyable handles.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::core::element::Element;
use crate::core::ids::{self, IdError};

/// Identifies a [`Stack`](crate::core::stack::Stack) within the process (never appears in output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(pub(crate) u32);

impl StackId {
    pub(crate) fn fresh() -> StackId {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        StackId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Stack names by id, so that an error about a handle of another stack can name that stack.
fn stack_names() -> &'static Mutex<HashMap<StackId, String>> {
    static NAMES: OnceLock<Mutex<HashMap<StackId, String>>> = OnceLock::new();
    NAMES.get_or_init(Default::default)
}

pub(crate) fn register_stack_name(id: StackId, name: &str) {
    if let Ok(mut names) = stack_names().lock() {
        names.insert(id, name.to_string());
    }
}

/// The name of the stack with this id (`"another stack"` if unknown).
pub(crate) fn stack_name(id: StackId) -> String {
    stack_names().lock().ok().and_then(|names| names.get(&id).cloned()).unwrap_or_else(|| "another stack".into())
}

/// A copyable handle to a node of a stack's construct tree (a scope, resource, parameter…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    pub(crate) stack: StackId,
    pub(crate) index: u32,
}

impl NodeRef {
    /// The stack this node belongs to.
    pub fn stack_id(self) -> StackId {
        self.stack
    }
}

/// Why a node could not be added to the tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The id is not a valid construct id.
    #[error("{parent}: invalid construct id: {source}")]
    InvalidId {
        /// Path of the parent scope.
        parent: String,
        /// What is wrong with the id.
        source: IdError,
    },
    /// A sibling with the same id exists.
    #[error("{parent}: there is already a construct with id {id:?} (ids must be unique among siblings)")]
    DuplicateId {
        /// Path of the parent scope.
        parent: String,
        /// The repeated id.
        id: String,
    },
    /// A handle of another stack was used where the construct itself must change (its own
    /// resource, policy or children), which only the stack holding it can do. (Values of a construct,
    /// such as ARNs, may be used in any stack of the app in the same environment: they become an
    /// `Export` and `Fn::ImportValue` at synthesis.)
    #[error(
        "{what}: the construct belongs to stack {owner}, not to stack {stack} (the scope given); \
         call it with a scope of stack {owner}"
    )]
    ForeignNode {
        /// What was being done.
        what: String,
        /// The name of the stack of the scope given.
        stack: String,
        /// The name of the stack the construct belongs to.
        owner: String,
    },
    /// A construct's input cannot deploy: found while building, before anything is written.
    #[error(transparent)]
    InvalidInput(Box<InvalidInput>),
    /// A handle pointed at a node of the wrong kind.
    #[error("{path}: expected {expected}, found {found}")]
    WrongKind {
        /// Path of the node.
        path: String,
        /// The kind expected.
        expected: &'static str,
        /// The kind found.
        found: &'static str,
    },
}

/// What is wrong with a construct's input (see [`TreeError::InvalidInput`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} ({logical_id}): {property}: expected {expected}; found {found}")]
pub struct InvalidInput {
    /// Construct path.
    pub path: String,
    /// Logical ID of the resource concerned (or `-` when none is created).
    pub logical_id: String,
    /// Property path, e.g. `SnowflakeDestinationConfiguration.SecretsManagerConfiguration`.
    pub property: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl TreeError {
    /// A [`TreeError::InvalidInput`].
    pub fn invalid_input(
        path: impl Into<String>,
        logical_id: impl Into<String>,
        property: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> TreeError {
        TreeError::InvalidInput(Box::new(InvalidInput {
            path: path.into(),
            logical_id: logical_id.into(),
            property: property.into(),
            expected: expected.into(),
            found: found.into(),
        }))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) parent: Option<u32>,
    pub(crate) children: Vec<u32>,
    pub(crate) element: Element,
}

/// The arena of nodes of one stack; index 0 is the stack itself.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub(crate) stack: StackId,
    pub(crate) nodes: Vec<Node>,
}

impl Tree {
    pub(crate) fn new(stack: StackId, stack_name: &str) -> Tree {
        Tree {
            stack,
            nodes: vec![Node {
                id: stack_name.to_string(),
                parent: None,
                children: Vec::new(),
                element: Element::Scope,
            }],
        }
    }

    pub(crate) fn add(&mut self, parent: u32, id: &str, element: Element) -> Result<NodeRef, TreeError> {
        ids::validate_construct_id(id).map_err(|source| TreeError::InvalidId { parent: self.path(parent), source })?;
        if self.child(parent, id).is_some() {
            return Err(TreeError::DuplicateId { parent: self.path(parent), id: id.to_string() });
        }
        let index = self.nodes.len() as u32;
        self.nodes.push(Node { id: id.to_string(), parent: Some(parent), children: Vec::new(), element });
        self.nodes[parent as usize].children.push(index);
        Ok(NodeRef { stack: self.stack, index })
    }

    pub(crate) fn child(&self, parent: u32, id: &str) -> Option<u32> {
        self.nodes[parent as usize].children.iter().copied().find(|c| self.nodes[*c as usize].id == id)
    }

    /// Construct ids from the stack (exclusive) down to `index`.
    pub(crate) fn components(&self, index: u32) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = index;
        while let Some(parent) = self.nodes[cur as usize].parent {
            out.push(self.nodes[cur as usize].id.as_str());
            cur = parent;
        }
        out.reverse();
        out
    }

    /// Full path including the stack name, e.g. `MyStack/Role/DefaultPolicy/Resource`.
    pub(crate) fn path(&self, index: u32) -> String {
        let mut parts = vec![self.nodes[0].id.as_str()];
        parts.extend(self.components(index));
        parts.join("/")
    }

    /// Every node below `index` (inclusive), depth first in insertion order.
    pub(crate) fn subtree(&self, index: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![index];
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i as usize].children.iter().rev());
        }
        out
    }
}
