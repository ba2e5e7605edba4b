//! The construct tree of one stack: nodes with ids unique among siblings, and copyable handles.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

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

/// The construct ids and parents of one stack's tree by node index, shared by the stack and its clones:
/// an error about a handle used with another stack names the construct by its path although only the
/// stack holding it knows the path. Compact (12 bytes a node plus its id's bytes, about 1% of a stack's
/// memory). A node index has more than one entry only when clones of a stack have since added
/// different nodes (a handle does not say which clone made it, so the error lists every path).
#[derive(Debug, Default)]
pub(crate) struct PathLog(Mutex<LogData>);

/// One node: parent index (`u32::MAX` for the stack) and its id as a range of [`LogData::ids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LogEntry {
    parent: u32,
    start: u32,
    len: u32,
}

#[derive(Debug, Default)]
struct LogData {
    ids: String,
    /// The first entry recorded for each index.
    first: Vec<LogEntry>,
    /// Further entries (index, entry): nodes of diverged clones.
    more: Vec<(u32, LogEntry)>,
}

impl LogData {
    fn id(&self, e: LogEntry) -> &str {
        self.ids.get(e.start as usize..(e.start + e.len) as usize).unwrap_or("?")
    }

    fn entries(&self, index: u32) -> impl Iterator<Item = LogEntry> + '_ {
        let more = self.more.iter().filter(move |(i, _)| *i == index).map(|(_, e)| *e);
        self.first.get(index as usize).copied().into_iter().chain(more)
    }

    fn paths(&self, index: u32, depth: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.entries(index) {
            let id = self.id(e);
            let prefixes = if e.parent == u32::MAX || depth > 10_000 {
                vec![String::new()]
            } else {
                self.paths(e.parent, depth + 1)
            };
            for prefix in prefixes {
                let path = if prefix.is_empty() { id.to_string() } else { format!("{prefix}/{id}") };
                if !out.contains(&path) {
                    out.push(path);
                }
            }
        }
        out
    }
}

impl PathLog {
    fn record(&self, index: u32, parent: Option<u32>, id: &str) {
        // A poisoned lock only loses a name for an error message; the tree itself is unaffected.
        let Ok(mut data) = self.0.lock() else { return };
        let parent = parent.unwrap_or(u32::MAX);
        if data.entries(index).any(|e| e.parent == parent && data.id(e) == id) {
            return;
        }
        let (Ok(start), Ok(len)) = (u32::try_from(data.ids.len()), u32::try_from(id.len())) else { return };
        data.ids.push_str(id);
        let entry = LogEntry { parent, start, len };
        if index as usize == data.first.len() {
            data.first.push(entry);
        } else {
            data.more.push((index, entry));
        }
    }

    fn paths(&self, index: u32) -> Vec<String> {
        self.0.lock().map(|data| data.paths(index, 0)).unwrap_or_default()
    }
}

/// Every live stack's path log by stack id. Entries are weak: the log lives as long as the stack (or
/// a clone of it) does, and dead entries are pruned as new stacks register.
struct Registry {
    logs: HashMap<StackId, Weak<PathLog>>,
    prune_at: usize,
}

fn registry() -> &'static Mutex<Registry> {
    static LOGS: OnceLock<Mutex<Registry>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Registry { logs: HashMap::new(), prune_at: 64 }))
}

fn register(id: StackId, log: &Arc<PathLog>) {
    let Ok(mut reg) = registry().lock() else { return };
    if reg.logs.len() >= reg.prune_at {
        reg.logs.retain(|_, log| log.strong_count() > 0);
        reg.prune_at = (reg.logs.len() * 2).max(64);
    }
    reg.logs.insert(id, Arc::downgrade(log));
}

fn log_of(id: StackId) -> Option<Arc<PathLog>> {
    registry().lock().ok()?.logs.get(&id)?.upgrade()
}

/// The name of the stack with this id (`"another stack"` if it no longer exists).
pub(crate) fn stack_name(id: StackId) -> String {
    live_stack_name(id).unwrap_or_else(|| "another stack".into())
}

/// The name of the stack with this id, if it (or a clone of it) still exists.
pub(crate) fn live_stack_name(id: StackId) -> Option<String> {
    log_of(id).and_then(|log| log.paths(0).into_iter().next())
}

/// The construct path of a node of any live stack, e.g. `DataStack/Stream` (`"<construct of a dropped
/// stack>"` if its stack no longer exists; paths joined with `" or "` when clones of the stack differ).
pub(crate) fn node_path(node: NodeRef) -> String {
    let paths = log_of(node.stack).map(|log| log.paths(node.index)).unwrap_or_default();
    if paths.is_empty() { "<construct of a dropped stack>".into() } else { paths.join(" or ") }
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
        "{what}: {path} belongs to stack {owner}, not to stack {stack} (the scope given), and only \
         stack {owner} can change it: call it with stack {owner} (or a scope inside it) as the scope. \
         Its values (ARN, name) can still be used in stack {stack}: synthesis exports and imports them"
    )]
    ForeignNode {
        /// What was being done.
        what: String,
        /// The construct path of the node, e.g. `DataStack/Stream`.
        path: String,
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
    /// Paths of the nodes, readable by stack id from any stack (see [`node_path`]).
    paths: Arc<PathLog>,
}

impl Tree {
    pub(crate) fn new(stack: StackId, stack_name: &str) -> Tree {
        let paths = Arc::new(PathLog::default());
        paths.record(0, None, stack_name);
        register(stack, &paths);
        Tree {
            paths,
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
        self.paths.record(index, Some(parent), id);
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

    /// Full path including the stack name, e.g. `MyStack/Role/DefaultPolicy/Resource` (one
    /// allocation, of the right size).
    pub(crate) fn path(&self, index: u32) -> String {
        let mut len = 0;
        let mut cur = Some(index);
        while let Some(i) = cur {
            let node = &self.nodes[i as usize];
            len += node.id.len() + usize::from(node.parent.is_some());
            cur = node.parent;
        }
        let mut out = String::with_capacity(len);
        self.push_path(&mut out, index);
        out
    }

    fn push_path(&self, out: &mut String, index: u32) {
        let node = &self.nodes[index as usize];
        if let Some(parent) = node.parent {
            self.push_path(out, parent);
            out.push('/');
        }
        out.push_str(&node.id);
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
