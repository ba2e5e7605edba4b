//! Semantic diff of two CloudFormation templates, security changes and replacements first.
//!
//! [`diff`] compares two [`Template`]s and returns a [`TemplateDiff`] (plain data, also
//! serialisable as JSON); [`render_text`], [`render_markdown`] and [`render_json`] turn it into
//! a report.
//!
//! What it finds:
//! - IAM statements added or removed in role trust and inline policies, IAM policies, KMS key
//!   policies, resource policies (Kinesis, S3, SQS, SNS, Secrets Manager) and policy
//!   documents nested as JSON strings (or `Fn::Join`s of pieces) inside custom resources;
//!   statements are normalised so that reordering or `"a"` vs `["a"]` is no change.
//! - Managed policy ARNs attached to or detached from roles, users and groups.
//! - Resources added, removed and changed, each change with its path
//!   (`Properties.StreamEncryption.KeyId`) and old → new values; JSON inside strings is
//!   compared as JSON (`Properties.Create<json>.parameters.Policy`).
//! - Replacements: a changed create-only property (facts from [`ReplacementFacts`]), a type
//!   change, a logical-ID change, and likely renames (a removed and an added resource of the
//!   same type with equal properties), with a data-loss warning for stateful types.
//! - Parameters, Outputs, Conditions, Mappings and other top-level sections.
//!
//! Scalars compare loosely, as CloudFormation does: `5` and `"5"`, `true` and `"true"` are the
//! same value.
//!
//! ```
//! use rcdk::review::diff::{diff, SchemaReplacementFacts};
//! use rcdk::review::read::read_template;
//!
//! let old = read_template("Resources:\n  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: a\n").unwrap();
//! let new = read_template("Resources:\n  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: b\n").unwrap();
//! let d = diff(&old, &new, &SchemaReplacementFacts);
//! assert!(d.has_replacements());
//! assert!(!d.has_security_changes());
//! let text = rcdk::review::diff::render_text(&d, &Default::default());
//! assert!(text.contains("data may be lost"));
//! ```

mod policy;
mod render;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

pub use policy::{Statement, render_value};
pub use render::{RenderOptions, render_json, render_markdown, render_text};

use crate::review::read::Template;

/// Resource types that hold data: replacing or deleting them may lose it.
pub const STATEFUL_TYPES: &[&str] = &[
    "AWS::Kinesis::Stream",
    "AWS::KMS::Key",
    "AWS::S3::Bucket",
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::SecretsManager::Secret",
    "AWS::DynamoDB::Table",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::Logs::LogGroup",
    "AWS::SQS::Queue",
    "AWS::EFS::FileSystem",
];

/// Is this type stateful (see [`STATEFUL_TYPES`])?
pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL_TYPES.contains(&resource_type)
}

/// Which properties of a resource type cannot change without replacing the resource.
///
/// The facts come from the registry schemas (`createOnlyProperties`). Paths are dotted and
/// relative to `Properties` (`KinesisStreamSourceConfiguration`,
/// `SnowflakeVpcConfiguration.PrivateLinkVpceId`); `*` stands for any list index.
///
/// ```
/// use rcdk::review::diff::ReplacementFacts;
/// struct Facts;
/// impl ReplacementFacts for Facts {
///     fn create_only_properties(&self, resource_type: &str) -> Option<Vec<String>> {
///         (resource_type == "AWS::Kinesis::Stream").then(|| vec!["Name".to_string()])
///     }
/// }
/// assert!(Facts.create_only_properties("AWS::S3::Bucket").is_none());
/// ```
pub trait ReplacementFacts {
    /// The create-only property paths of `resource_type`, or `None` when the type is unknown.
    fn create_only_properties(&self, resource_type: &str) -> Option<Vec<String>>;
}

/// Knows nothing: only type and logical-ID changes count as replacements.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReplacementFacts;

impl ReplacementFacts for NoReplacementFacts {
    fn create_only_properties(&self, _resource_type: &str) -> Option<Vec<String>> {
        None
    }
}

/// Facts from the vendored CloudFormation registry schemas (`createOnlyProperties`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemaReplacementFacts;

impl ReplacementFacts for SchemaReplacementFacts {
    fn create_only_properties(&self, resource_type: &str) -> Option<Vec<String>> {
        if resource_type.starts_with("Custom::") {
            return Some(Vec::new());
        }
        crate::schema::resource_schema(resource_type).map(|s| s.create_only_properties().to_vec())
    }
}

impl<F> ReplacementFacts for F
where
    F: Fn(&str) -> Option<Vec<String>>,
{
    fn create_only_properties(&self, resource_type: &str) -> Option<Vec<String>> {
        self(resource_type)
    }
}

/// Added, removed or modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the old template.
    Removed,
    /// Only in the new template.
    Added,
    /// In both, different.
    Modified,
}

impl Change {
    /// `+`, `-` or `~`.
    pub fn symbol(self) -> &'static str {
        match self {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Modified => "~",
        }
    }
}

/// An IAM statement added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementChange {
    /// [`Change::Added`] or [`Change::Removed`].
    pub change: Change,
    /// Logical ID of the resource holding the policy (its new ID when it was renamed).
    pub logical_id: String,
    /// Type of that resource.
    pub resource_type: String,
    /// Where the policy is in the resource (`KeyPolicy`, `Policies[Name]`,
    /// `Create<json>.parameters.Policy<json>`).
    pub location: String,
    /// The statement, normalised.
    pub statement: Statement,
}

/// A managed policy attached to or detached from a role, user or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedPolicyChange {
    /// [`Change::Added`] or [`Change::Removed`].
    pub change: Change,
    /// The role, user or group.
    pub logical_id: String,
    /// The managed policy ARN, rendered.
    pub policy_arn: String,
}

/// Security-relevant changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityChanges {
    /// IAM statements added and removed.
    pub statements: Vec<StatementChange>,
    /// Managed policies attached and detached.
    pub managed_policies: Vec<ManagedPolicyChange>,
}

impl SecurityChanges {
    /// No security changes.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.managed_policies.is_empty()
    }
}

/// One changed value inside a resource or an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyChange {
    /// Path inside the resource or entry, like `Properties.StreamEncryption.KeyId`;
    /// `<json>` marks a step into JSON held in a string.
    pub path: String,
    /// Old value (absent when added).
    pub old: Option<Value>,
    /// New value (absent when removed).
    pub new: Option<Value>,
    /// This change replaces the resource (create-only property).
    pub replaces: bool,
}

/// Why a resource is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReplacementReason {
    /// The resource type changed.
    TypeChanged {
        /// Old type.
        old: String,
        /// New type.
        new: String,
    },
    /// The logical ID changed (a likely rename).
    LogicalIdChanged {
        /// The old logical ID.
        old: String,
    },
    /// A create-only property changed.
    CreateOnlyProperty {
        /// The property path (`Properties.Name`).
        path: String,
    },
    /// A create-only property references (Ref, GetAtt, `${}` in Fn::Sub) a resource that is
    /// replaced: its value changes with the new physical resource, so this one is replaced too.
    ReferencesReplaced {
        /// The property path (`Properties.BucketName`).
        path: String,
        /// The replaced resource it references.
        target: String,
    },
}

/// A property that references a replaced resource: its value may change (not a replacement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MayChange {
    /// The top-level property (`Properties.Role`).
    pub path: String,
    /// The replaced resource it references.
    pub target: String,
}

/// A replacement: CloudFormation creates a new physical resource and deletes the old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replacement {
    /// Why.
    pub reasons: Vec<ReplacementReason>,
    /// The type holds data that the replacement may lose.
    pub data_may_be_lost: bool,
    /// The old resource is kept (`UpdateReplacePolicy`/`DeletionPolicy` `Retain` or
    /// `Snapshot`) but no longer managed by the stack.
    pub old_retained: bool,
}

/// What happened to a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResourceChangeKind {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed {
        /// The resource is stateful and its `DeletionPolicy` does not keep it.
        data_may_be_lost: bool,
    },
    /// In both, different.
    Modified,
    /// Likely renamed: removed under `from`, added under the new ID with equal properties.
    Renamed {
        /// The old logical ID.
        from: String,
    },
}

/// A resource that was added, removed, renamed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceChange {
    /// Logical ID (the new one for renames).
    pub logical_id: String,
    /// What happened.
    pub kind: ResourceChangeKind,
    /// Type in the old template.
    pub old_type: Option<String>,
    /// Type in the new template.
    pub new_type: Option<String>,
    /// Changed values, in template order.
    pub changes: Vec<PropertyChange>,
    /// Set when the change replaces the resource.
    pub replacement: Option<Replacement>,
    /// Properties that reference a replaced resource and so may change with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub may_change: Vec<MayChange>,
    /// Line of the logical ID in the old template.
    pub old_line: Option<usize>,
    /// Line of the logical ID in the new template.
    pub new_line: Option<usize>,
}

impl ResourceChange {
    /// The type to show (new, else old).
    pub fn resource_type(&self) -> &str {
        self.new_type.as_deref().or(self.old_type.as_deref()).unwrap_or("")
    }

    /// The `+`/`-`/`~` change it amounts to.
    pub fn change(&self) -> Change {
        match self.kind {
            ResourceChangeKind::Added => Change::Added,
            ResourceChangeKind::Removed { .. } => Change::Removed,
            _ => Change::Modified,
        }
    }
}

/// A changed entry of Parameters, Outputs, Conditions, Mappings or a top-level section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryChange {
    /// Entry name (for top-level sections: the section name).
    pub name: String,
    /// Added, removed or modified.
    pub change: Change,
    /// For modified entries: what changed inside.
    pub changes: Vec<PropertyChange>,
    /// Line in the old template.
    pub old_line: Option<usize>,
    /// Line in the new template.
    pub new_line: Option<usize>,
}

/// The difference between two templates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TemplateDiff {
    /// IAM statements and managed policies.
    pub security: SecurityChanges,
    /// Resources added, removed, renamed and changed, in template order.
    pub resources: Vec<ResourceChange>,
    /// Parameters.
    pub parameters: Vec<EntryChange>,
    /// Outputs.
    pub outputs: Vec<EntryChange>,
    /// Conditions.
    pub conditions: Vec<EntryChange>,
    /// Mappings.
    pub mappings: Vec<EntryChange>,
    /// Other top-level sections (`Description`, `Transform`, `Metadata`, `Rules`, …).
    pub other: Vec<EntryChange>,
}

impl TemplateDiff {
    /// The templates are equivalent.
    pub fn is_empty(&self) -> bool {
        self.security.is_empty()
            && self.resources.is_empty()
            && self.parameters.is_empty()
            && self.outputs.is_empty()
            && self.conditions.is_empty()
            && self.mappings.is_empty()
            && self.other.is_empty()
    }

    /// IAM statements or managed policies changed.
    pub fn has_security_changes(&self) -> bool {
        !self.security.is_empty()
    }

    /// Some resource is replaced.
    pub fn has_replacements(&self) -> bool {
        self.replacements().next().is_some()
    }

    /// The resources that are replaced.
    pub fn replacements(&self) -> impl Iterator<Item = (&ResourceChange, &Replacement)> {
        self.resources.iter().filter_map(|r| r.replacement.as_ref().map(|rep| (r, rep)))
    }
}

const RESOURCE_ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "CreationPolicy",
    "UpdatePolicy",
    "Metadata",
];

/// Most element pairs compared when matching list elements or rename candidates, so that
/// huge inputs cannot make the diff quadratic without bound.
const MAX_PAIRINGS: usize = 1_000_000;

const SECTIONS: &[&str] = &["Resources", "Parameters", "Outputs", "Conditions", "Mappings"];

/// Compares two templates.
///
/// ```
/// use rcdk::review::diff::{diff, NoReplacementFacts, Change};
/// use rcdk::review::read::read_template;
/// let old = read_template(r#"{"Resources": {"A": {"Type": "AWS::SQS::Queue"}}}"#).unwrap();
/// let new = read_template(r#"{"Resources": {"B": {"Type": "AWS::SNS::Topic"}}}"#).unwrap();
/// let d = diff(&old, &new, &NoReplacementFacts);
/// assert_eq!(d.resources.len(), 2);
/// assert_eq!(d.resources[0].change(), Change::Removed);
/// ```
pub fn diff(old: &Template, new: &Template, facts: &dyn ReplacementFacts) -> TemplateDiff {
    let empty = Map::new();
    let old_res = old.resources().unwrap_or(&empty);
    let new_res = new.resources().unwrap_or(&empty);

    let mut resources = Vec::new();
    let renames = find_renames(old_res, new_res);
    let renamed_new: HashMap<&str, &str> = renames.iter().map(|(o, n)| (*n, *o)).collect();
    let renamed_old: HashSet<&str> = renames.iter().map(|(o, _)| *o).collect();

    // Removed first (old order), then changed/added/renamed (new order).
    for (id, r) in old_res {
        if !new_res.contains_key(id) && !renamed_old.contains(id.as_str()) {
            let ty = type_of(r);
            resources.push(ResourceChange {
                logical_id: id.clone(),
                kind: ResourceChangeKind::Removed {
                    data_may_be_lost: ty.as_deref().is_some_and(is_stateful) && !keeps_old(r, "DeletionPolicy"),
                },
                old_type: ty,
                new_type: None,
                changes: Vec::new(),
                replacement: None,
                may_change: Vec::new(),
                old_line: old.line_of(&["Resources", id]),
                new_line: None,
            });
        }
    }
    for (id, r) in new_res {
        let new_line = new.line_of(&["Resources", id]);
        if let Some(before) = old_res.get(id) {
            if let Some(change) = compare_resource(id, before, r, None, facts) {
                resources.push(ResourceChange { old_line: old.line_of(&["Resources", id]), new_line, ..change });
            }
        } else if let Some(from) = renamed_new.get(id.as_str()) {
            let before = &old_res[*from];
            if let Some(change) = compare_resource(id, before, r, Some(from), facts) {
                resources.push(ResourceChange { old_line: old.line_of(&["Resources", from]), new_line, ..change });
            }
        } else {
            resources.push(ResourceChange {
                logical_id: id.clone(),
                kind: ResourceChangeKind::Added,
                old_type: None,
                new_type: type_of(r),
                changes: Vec::new(),
                replacement: None,
                may_change: Vec::new(),
                old_line: None,
                new_line,
            });
        }
    }

    propagate_replacements(new_res, facts, |id| new.line_of(&["Resources", id]), &mut resources);

    let rename_map: HashMap<&str, &str> = renames.iter().copied().collect();
    let security = security_changes(old_res, new_res, &rename_map);

    let mut other = Vec::new();
    let keys: Vec<&String> = old
        .root()
        .keys()
        .chain(new.root().keys().filter(|k| !old.root().contains_key(*k)))
        .filter(|k| !SECTIONS.contains(&k.as_str()))
        .collect();
    for key in keys {
        if let Some(c) =
            entry_change(key, old.root().get(key), new.root().get(key), old.line_of(&[key]), new.line_of(&[key]))
        {
            other.push(c);
        }
    }

    TemplateDiff {
        security,
        resources,
        parameters: section_changes(old, new, "Parameters"),
        outputs: section_changes(old, new, "Outputs"),
        conditions: section_changes(old, new, "Conditions"),
        mappings: section_changes(old, new, "Mappings"),
        other,
    }
}

/// The resources a value references (Ref, Fn::GetAtt, `${X}`/`${X.Attr}` in Fn::Sub), with the
/// path below `path` where each reference is.
fn references(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                references(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            if m.len() == 1 {
                let (k, arg) = m.iter().next().expect("one entry");
                match (k.as_str(), arg) {
                    ("Ref", Value::String(t)) => return out.push((path.to_string(), t.clone())),
                    ("Fn::GetAtt", Value::String(t)) => {
                        return out.push((path.to_string(), t.split('.').next().unwrap_or(t).to_string()));
                    }
                    ("Fn::GetAtt", Value::Array(a)) => {
                        if let Some(t) = a.first().and_then(Value::as_str) {
                            out.push((path.to_string(), t.to_string()));
                        }
                        return;
                    }
                    ("Fn::Sub", _) => {
                        let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or_default();
                        let locals = arg.get(1).and_then(Value::as_object);
                        for var in crate::core::check::sub_variables(text) {
                            let name = var.split('.').next().unwrap_or(var);
                            if !locals.is_some_and(|l| l.contains_key(var)) {
                                out.push((path.to_string(), name.to_string()));
                            }
                        }
                        if let Some(vars) = locals {
                            for v in vars.values() {
                                references(v, path, out);
                            }
                        }
                        return;
                    }
                    _ => {}
                }
            }
            for (k, v) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                references(v, &p, out);
            }
        }
        _ => {}
    }
}

/// As CDK's diff does: a resource whose create-only property references a replaced resource is
/// replaced too (repeated until nothing changes); one whose other properties reference it may
/// change.
fn propagate_replacements(
    new_res: &Map<String, Value>,
    facts: &dyn ReplacementFacts,
    line_of: impl Fn(&str) -> Option<usize>,
    resources: &mut Vec<ResourceChange>,
) {
    let mut replaced: HashSet<String> = resources
        .iter()
        .filter(|r| r.replacement.is_some() && new_res.contains_key(&r.logical_id))
        .map(|r| r.logical_id.clone())
        .collect();
    if replaced.is_empty() {
        return;
    }
    let mut may_change: HashMap<String, Vec<MayChange>> = HashMap::new();
    loop {
        let mut grew = false;
        for (id, r) in new_res {
            if replaced.contains(id) {
                continue;
            }
            let mut refs = Vec::new();
            references(r.get("Properties").unwrap_or(&Value::Null), "Properties", &mut refs);
            let create_only = type_of(r).and_then(|t| facts.create_only_properties(&t)).unwrap_or_default();
            let mut reasons = Vec::new();
            let mut maybe = Vec::new();
            for (path, target) in refs.into_iter().filter(|(_, t)| replaced.contains(t)) {
                let hit = create_only.iter().any(|c| {
                    let c = format!("Properties.{}", c.split(".*").next().unwrap_or(c));
                    overlaps(&path, &c) || overlaps(&c, &path)
                });
                if hit {
                    reasons.push(ReplacementReason::ReferencesReplaced { path, target });
                } else {
                    // One line per top-level property and target: `Properties.PolicyDocument`.
                    let top = path.trim_start_matches("Properties.");
                    let top = top.split(['.', '[']).next().unwrap_or(top);
                    let m = MayChange { path: format!("Properties.{top}"), target };
                    if !maybe.contains(&m) {
                        maybe.push(m);
                    }
                }
            }
            if !reasons.is_empty() {
                replaced.insert(id.clone());
                grew = true;
                let ty = type_of(r);
                let replacement = Replacement {
                    reasons,
                    data_may_be_lost: ty.as_deref().is_some_and(is_stateful),
                    old_retained: keeps_old(r, "UpdateReplacePolicy"),
                };
                match resources.iter_mut().find(|c| c.logical_id == *id) {
                    Some(existing) => existing.replacement = Some(replacement),
                    None => resources.push(ResourceChange {
                        logical_id: id.clone(),
                        kind: ResourceChangeKind::Modified,
                        old_type: ty.clone(),
                        new_type: ty,
                        changes: Vec::new(),
                        replacement: Some(replacement),
                        may_change: Vec::new(),
                        old_line: line_of(id),
                        new_line: line_of(id),
                    }),
                }
                may_change.remove(id);
            } else if !maybe.is_empty() {
                may_change.insert(id.clone(), maybe);
            }
        }
        if !grew {
            break;
        }
    }
    // In template order, for deterministic output.
    let ids: Vec<&String> = new_res.keys().filter(|id| may_change.contains_key(*id)).collect();
    for id in ids {
        let items = may_change[id].clone();
        match resources.iter_mut().find(|c| c.logical_id == *id) {
            Some(existing) => existing.may_change = items,
            None => {
                let ty = new_res.get(id.as_str()).and_then(type_of);
                resources.push(ResourceChange {
                    logical_id: id.clone(),
                    kind: ResourceChangeKind::Modified,
                    old_type: ty.clone(),
                    new_type: ty,
                    changes: Vec::new(),
                    replacement: None,
                    may_change: items,
                    old_line: line_of(id),
                    new_line: line_of(id),
                })
            }
        }
    }
}

fn type_of(r: &Value) -> Option<String> {
    r.get("Type").and_then(Value::as_str).map(str::to_string)
}

fn keeps_old(r: &Value, policy: &str) -> bool {
    matches!(r.get(policy).and_then(Value::as_str), Some("Retain" | "Snapshot" | "RetainExceptOnCreate"))
}

/// Pairs removed and added resources of the same type with equal properties.
fn find_renames<'a>(old_res: &'a Map<String, Value>, new_res: &'a Map<String, Value>) -> Vec<(&'a str, &'a str)> {
    let added: Vec<(&String, &Value)> = new_res.iter().filter(|(id, _)| !old_res.contains_key(*id)).collect();
    let mut taken = HashSet::new();
    let mut pairs = Vec::new();
    let removed = old_res.keys().filter(|id| !new_res.contains_key(*id)).count();
    if removed.saturating_mul(added.len()) > MAX_PAIRINGS {
        // Too many candidates to compare pairwise; report plain removals and additions.
        return pairs;
    }
    for (old_id, o) in old_res.iter().filter(|(id, _)| !new_res.contains_key(*id)) {
        let Some(ty) = type_of(o) else { continue };
        let props = o.get("Properties");
        for (new_id, n) in &added {
            if taken.contains(new_id.as_str()) {
                continue;
            }
            if type_of(n).as_deref() == Some(ty.as_str()) && opt_loosely_equal(props, n.get("Properties")) {
                taken.insert(new_id.as_str());
                pairs.push((old_id.as_str(), new_id.as_str()));
                break;
            }
        }
    }
    pairs
}

fn compare_resource(
    id: &str,
    old: &Value,
    new: &Value,
    renamed_from: Option<&str>,
    facts: &dyn ReplacementFacts,
) -> Option<ResourceChange> {
    let old_type = type_of(old);
    let new_type = type_of(new);
    let mut changes = Vec::new();
    let empty = Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = Vec::new();
    for k in RESOURCE_ATTRIBUTES {
        if let Some((k, _)) = o.get_key_value(*k).or_else(|| n.get_key_value(*k)) {
            keys.push(k);
        }
    }
    for k in o.keys().chain(n.keys()) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for key in keys {
        let (a, b) = (o.get(key.as_str()), n.get(key.as_str()));
        if key == "DependsOn" {
            let (na, nb) = (depends_on(a), depends_on(b));
            if na != nb {
                changes.push(PropertyChange {
                    path: "DependsOn".into(),
                    old: a.map(|_| Value::from(na)),
                    new: b.map(|_| Value::from(nb)),
                    replaces: false,
                });
            }
            continue;
        }
        let mut path = vec![Segment::Key(key.clone())];
        diff_values(&mut path, a, b, &mut changes);
    }

    let mut reasons = Vec::new();
    if let Some(from) = renamed_from {
        reasons.push(ReplacementReason::LogicalIdChanged { old: from.to_string() });
    }
    if old_type != new_type {
        reasons.push(ReplacementReason::TypeChanged {
            old: old_type.clone().unwrap_or_default(),
            new: new_type.clone().unwrap_or_default(),
        });
    } else if let Some(ty) = &new_type
        && let Some(paths) = facts.create_only_properties(ty)
    {
        for create_only in paths {
            let segs: Vec<&str> = create_only.split('.').take_while(|s| *s != "*").collect();
            let a = lookup(old.get("Properties"), &segs);
            let b = lookup(new.get("Properties"), &segs);
            if !opt_loosely_equal(a, b) {
                let path = format!("Properties.{}", segs.join("."));
                for c in changes.iter_mut() {
                    if overlaps(&c.path, &path) {
                        c.replaces = true;
                    }
                }
                reasons.push(ReplacementReason::CreateOnlyProperty { path });
            }
        }
    }

    if changes.is_empty() && renamed_from.is_none() {
        return None;
    }
    let replacement = (!reasons.is_empty()).then(|| {
        let policy = if renamed_from.is_some() { "DeletionPolicy" } else { "UpdateReplacePolicy" };
        Replacement {
            reasons,
            data_may_be_lost: old_type.as_deref().is_some_and(is_stateful),
            old_retained: keeps_old(old, policy),
        }
    });
    Some(ResourceChange {
        logical_id: id.to_string(),
        kind: match renamed_from {
            Some(from) => ResourceChangeKind::Renamed { from: from.to_string() },
            None => ResourceChangeKind::Modified,
        },
        old_type,
        new_type,
        changes,
        replacement,
        may_change: Vec::new(),
        old_line: None,
        new_line: None,
    })
}

/// Does a change at `change` touch the create-only property at `create_only`?
fn overlaps(change: &str, create_only: &str) -> bool {
    let prefix = |a: &str, b: &str| {
        a == b || (b.starts_with(a) && matches!(b.as_bytes().get(a.len()), Some(b'.' | b'[' | b'<')))
    };
    prefix(change, create_only) || prefix(create_only, change)
}

fn lookup<'a>(mut v: Option<&'a Value>, path: &[&str]) -> Option<&'a Value> {
    for seg in path {
        v = match v? {
            Value::Object(m) => m.get(*seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
    }
    v
}

fn depends_on(v: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = match v {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(render_value).collect(),
        Some(other) => vec![render_value(other)],
    };
    out.sort();
    out.dedup();
    out
}

#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
    Json,
}

fn path_string(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
            Segment::Json => s.push_str("<json>"),
        }
    }
    s
}

fn is_intrinsic(m: &Map<String, Value>) -> bool {
    m.len() == 1 && m.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

/// Records the differences between `a` and `b` under `path`. Recursion is bounded by the
/// template depth (see `read::MAX_DEPTH`) and by the JSON-in-string bound.
fn diff_values(path: &mut Vec<Segment>, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<PropertyChange>) {
    if opt_loosely_equal(a, b) {
        return;
    }
    let json_depth = path.iter().filter(|s| matches!(s, Segment::Json)).count();
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) if !is_intrinsic(x) && !is_intrinsic(y) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                path.push(Segment::Key(k.clone()));
                diff_values(path, x.get(k), y.get(k), out);
                path.pop();
            }
            return;
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                path.push(Segment::Index(i));
                diff_values(path, Some(p), Some(q), out);
                path.pop();
            }
            return;
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len().saturating_mul(y.len()) <= MAX_PAIRINGS => {
            // Different lengths: match equal elements, report the rest as removed/added.
            let mut used = vec![false; y.len()];
            let mut removed = Vec::new();
            for (i, p) in x.iter().enumerate() {
                match (0..y.len()).find(|&j| !used[j] && loosely_equal(p, &y[j])) {
                    Some(j) => used[j] = true,
                    None => removed.push(i),
                }
            }
            for i in removed {
                path.push(Segment::Index(i));
                out.push(PropertyChange {
                    path: path_string(path),
                    old: Some(x[i].clone()),
                    new: None,
                    replaces: false,
                });
                path.pop();
            }
            for (j, q) in y.iter().enumerate().filter(|(j, _)| !used[*j]) {
                path.push(Segment::Index(j));
                out.push(PropertyChange { path: path_string(path), old: None, new: Some(q.clone()), replaces: false });
                path.pop();
            }
            return;
        }
        (Some(x), Some(y)) if json_depth < 8 => {
            if let (Some(p), Some(q)) = (policy::embedded_json(x), policy::embedded_json(y)) {
                path.push(Segment::Json);
                diff_values(path, Some(&p), Some(&q), out);
                path.pop();
                return;
            }
        }
        _ => {}
    }
    out.push(PropertyChange { path: path_string(path), old: a.cloned(), new: b.cloned(), replaces: false });
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Equality where `5` equals `"5"` and `true` equals `"true"`, and key order does not matter.
pub fn loosely_equal(a: &Value, b: &Value) -> bool {
    // `Fn::GetAZs` of "" (as JSON writes it), of nothing (`!GetAZs` or `Fn::GetAZs:` in YAML) and
    // of `Ref AWS::Region` all mean the stack's region.
    let region = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Object(m) => m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some("AWS::Region"),
        _ => false,
    };
    if let (Some(x), Some(y)) = (a.get("Fn::GetAZs"), b.get("Fn::GetAZs"))
        && a.as_object().is_some_and(|m| m.len() == 1)
        && b.as_object().is_some_and(|m| m.len() == 1)
        && region(x)
        && region(y)
    {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| loosely_equal(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| loosely_equal(v, w)),
        (Value::Null, Value::Null) => true,
        _ => a == b || (scalar_text(a).is_some() && scalar_text(a) == scalar_text(b)),
    }
}

fn opt_loosely_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => loosely_equal(x, y),
        _ => false,
    }
}

fn entry_change(
    name: &str,
    a: Option<&Value>,
    b: Option<&Value>,
    old_line: Option<usize>,
    new_line: Option<usize>,
) -> Option<EntryChange> {
    let change = match (a, b) {
        (None, None) => return None,
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        (Some(x), Some(y)) if loosely_equal(x, y) => return None,
        _ => Change::Modified,
    };
    let mut changes = Vec::new();
    if change == Change::Modified {
        diff_values(&mut Vec::new(), a, b, &mut changes);
    }
    Some(EntryChange { name: name.to_string(), change, changes, old_line, new_line })
}

fn section_changes(old: &Template, new: &Template, section: &str) -> Vec<EntryChange> {
    let empty = Map::new();
    let o = old.section(section).unwrap_or(&empty);
    let n = new.section(section).unwrap_or(&empty);
    o.keys()
        .chain(n.keys().filter(|k| !o.contains_key(*k)))
        .filter_map(|k| entry_change(k, o.get(k), n.get(k), old.line_of(&[section, k]), new.line_of(&[section, k])))
        .collect()
}

type StatementKey = (String, String, String, Statement);

fn collect_statements(
    resources: &Map<String, Value>,
    rename: &HashMap<&str, &str>,
) -> (BTreeMap<StatementKey, usize>, BTreeMap<(String, String), usize>) {
    let mut stmts = BTreeMap::new();
    let mut managed = BTreeMap::new();
    let empty = Map::new();
    for (id, r) in resources {
        let ty = type_of(r).unwrap_or_default();
        let props = r.get("Properties").and_then(Value::as_object).unwrap_or(&empty);
        let owner = rename.get(id.as_str()).copied().unwrap_or(id).to_string();
        for found in policy::resource_policies(id, &ty, props) {
            for s in found.statements {
                *stmts.entry((owner.clone(), ty.clone(), found.location.clone(), s)).or_insert(0) += 1;
            }
        }
        for arn in policy::managed_policy_arns(&ty, props) {
            *managed.entry((owner.clone(), arn)).or_insert(0) += 1;
        }
    }
    (stmts, managed)
}

fn security_changes(
    old_res: &Map<String, Value>,
    new_res: &Map<String, Value>,
    rename: &HashMap<&str, &str>,
) -> SecurityChanges {
    let (old_s, old_m) = collect_statements(old_res, rename);
    let (new_s, new_m) = collect_statements(new_res, &HashMap::new());
    let mut statements = Vec::new();
    for (key, change, here, there) in old_s
        .iter()
        .map(|(k, n)| (k, Change::Removed, *n, new_s.get(k).copied().unwrap_or(0)))
        .chain(new_s.iter().map(|(k, n)| (k, Change::Added, *n, old_s.get(k).copied().unwrap_or(0))))
    {
        for _ in there..here {
            statements.push(StatementChange {
                change,
                logical_id: key.0.clone(),
                resource_type: key.1.clone(),
                location: key.2.clone(),
                statement: key.3.clone(),
            });
        }
    }
    statements.sort_by(|a, b| {
        (&a.logical_id, &a.location, a.change, &a.statement).cmp(&(&b.logical_id, &b.location, b.change, &b.statement))
    });
    let mut managed_policies = Vec::new();
    for (key, change, here, there) in old_m
        .iter()
        .map(|(k, n)| (k, Change::Removed, *n, new_m.get(k).copied().unwrap_or(0)))
        .chain(new_m.iter().map(|(k, n)| (k, Change::Added, *n, old_m.get(k).copied().unwrap_or(0))))
    {
        for _ in there..here {
            managed_policies.push(ManagedPolicyChange { change, logical_id: key.0.clone(), policy_arn: key.1.clone() });
        }
    }
    managed_policies
        .sort_by(|a, b| (&a.logical_id, a.change, &a.policy_arn).cmp(&(&b.logical_id, b.change, &b.policy_arn)));
    SecurityChanges { statements, managed_policies }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::read::read_template;

    fn t(json: serde_json::Value) -> Template {
        Template::from_value(json).unwrap()
    }

    #[test]
    fn identical_templates_are_empty() {
        let a = read_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 5\n")
            .unwrap();
        let b = read_template(r#"{"Resources":{"Q":{"Properties":{"DelaySeconds":"5"},"Type":"AWS::SQS::Queue"}}}"#)
            .unwrap();
        assert!(diff(&a, &b, &NoReplacementFacts).is_empty());
    }

    #[test]
    fn property_paths_and_values() {
        let a = t(serde_json::json!({"Resources": {"S": {"Type": "AWS::Kinesis::Stream",
            "Properties": {"StreamEncryption": {"EncryptionType": "KMS", "KeyId": {"Ref": "K1"}}}}}}));
        let b = t(serde_json::json!({"Resources": {"S": {"Type": "AWS::Kinesis::Stream",
            "Properties": {"StreamEncryption": {"EncryptionType": "KMS", "KeyId": {"Ref": "K2"}}}}}}));
        let d = diff(&a, &b, &SchemaReplacementFacts);
        assert_eq!(d.resources.len(), 1);
        let c = &d.resources[0].changes[0];
        assert_eq!(c.path, "Properties.StreamEncryption.KeyId");
        assert_eq!(c.old, Some(serde_json::json!({"Ref": "K1"})));
        assert!(!d.has_replacements());
    }

    #[test]
    fn depends_on_order_is_no_change() {
        let a = t(serde_json::json!({"Resources": {"A": {"Type": "X", "DependsOn": ["B", "C"]}}}));
        let b = t(serde_json::json!({"Resources": {"A": {"Type": "X", "DependsOn": ["C", "B", "B"]}}}));
        assert!(diff(&a, &b, &NoReplacementFacts).is_empty());
        let c = t(serde_json::json!({"Resources": {"A": {"Type": "X", "DependsOn": "C"}}}));
        let d = diff(&a, &c, &NoReplacementFacts);
        assert_eq!(d.resources[0].changes[0].path, "DependsOn");
    }

    #[test]
    fn type_change_and_rename_are_replacements() {
        let a = t(
            serde_json::json!({"Resources": {"A": {"Type": "AWS::SQS::Queue"}, "K": {"Type": "AWS::KMS::Key", "Properties": {"Description": "k"}}}}),
        );
        let b = t(
            serde_json::json!({"Resources": {"A": {"Type": "AWS::SNS::Topic"}, "K2": {"Type": "AWS::KMS::Key", "Properties": {"Description": "k"}}}}),
        );
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.resources.len(), 2);
        assert!(matches!(
            d.resources[0].replacement.as_ref().unwrap().reasons[0],
            ReplacementReason::TypeChanged { .. }
        ));
        assert_eq!(d.resources[1].kind, ResourceChangeKind::Renamed { from: "K".into() });
        assert!(d.resources[1].replacement.as_ref().unwrap().data_may_be_lost);
    }

    #[test]
    fn create_only_paths_with_closure_facts() {
        let facts = |ty: &str| (ty == "T").then(|| vec!["A.B".to_string()]);
        let a = t(serde_json::json!({"Resources": {"R": {"Type": "T", "Properties": {"A": {"B": 1, "C": 1}}}}}));
        let b = t(serde_json::json!({"Resources": {"R": {"Type": "T", "Properties": {"A": {"B": 1, "C": 2}}}}}));
        let c = t(serde_json::json!({"Resources": {"R": {"Type": "T", "Properties": {"A": {"B": 2, "C": 1}}}}}));
        assert!(!diff(&a, &b, &facts).has_replacements());
        let d = diff(&a, &c, &facts);
        assert!(d.has_replacements());
        assert!(d.resources[0].changes[0].replaces);
    }

    #[test]
    fn replacements_propagate_through_references_to_create_only_properties() {
        // T's create-only property is Name; U's is Target.
        let facts = |ty: &str| match ty {
            "T" => Some(vec!["Name".to_string()]),
            "U" => Some(vec!["Target".to_string()]),
            _ => None,
        };
        let doc = |name: &str| {
            t(serde_json::json!({"Resources": {
                "Base": {"Type": "T", "Properties": {"Name": name}},
                "ByRef": {"Type": "U", "Properties": {"Target": {"Ref": "Base"}}},
                "BySub": {"Type": "U", "Properties": {"Target": {"Fn::Sub": "x-${ByRef.Arn}"}}},
                "Loose": {"Type": "U", "Properties": {"Target": "fixed", "Tag": {"Fn::GetAtt": ["Base", "Arn"]}}},
                "Other": {"Type": "U", "Properties": {"Target": "fixed"}}
            }}))
        };
        let d = diff(&doc("a"), &doc("b"), &facts);
        let summary: Vec<(&str, Vec<ReplacementReason>, Vec<MayChange>)> = d
            .resources
            .iter()
            .map(|r| {
                (
                    r.logical_id.as_str(),
                    r.replacement.clone().map(|x| x.reasons).unwrap_or_default(),
                    r.may_change.clone(),
                )
            })
            .collect();
        let refs = |path: &str, target: &str| ReplacementReason::ReferencesReplaced {
            path: path.into(),
            target: target.into(),
        };
        assert_eq!(
            summary,
            [
                ("Base", vec![ReplacementReason::CreateOnlyProperty { path: "Properties.Name".into() }], vec![]),
                ("ByRef", vec![refs("Properties.Target", "Base")], vec![]),
                ("BySub", vec![refs("Properties.Target", "ByRef")], vec![]),
                ("Loose", vec![], vec![MayChange { path: "Properties.Tag".into(), target: "Base".into() }]),
            ]
        );
        let text = render_text(&d, &RenderOptions::default());
        assert!(text.contains("create-only property Properties.Target references Base, which is replaced"), "{text}");
        assert!(text.contains("Properties.Tag references Base, which is replaced: it may change"), "{text}");
    }

    #[test]
    fn get_azs_of_the_stack_region_are_equal_in_every_spelling() {
        let json = crate::review::read::read_template(r#"{"Resources": {"S": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}}}}"#).unwrap();
        for yaml in [
            "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone: !Select [0, !GetAZs ]\n",
            "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone: !Select [0, !GetAZs '']\n",
            "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone:\n        Fn::Select: [0, {Fn::GetAZs: }]\n",
            "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone: !Select [0, !GetAZs {Ref: AWS::Region}]\n",
        ] {
            let y = crate::review::read::read_template(yaml).unwrap();
            assert!(diff(&json, &y, &NoReplacementFacts).is_empty(), "{yaml}");
        }
        let other = crate::review::read::read_template("Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone: !Select [0, !GetAZs eu-west-1]\n").unwrap();
        assert!(!diff(&json, &other, &NoReplacementFacts).is_empty());
    }

    #[test]
    fn statement_reordering_is_no_security_change() {
        let a = t(serde_json::json!({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["a:B", "a:A"], "Resource": "*"},
                {"Effect": "Allow", "Action": "c:C", "Resource": ["*"]}]},
            "Roles": [{"Ref": "R"}]}}}}));
        let b = t(serde_json::json!({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["c:C"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["a:A", "a:B"], "Resource": "*"}]},
            "Roles": [{"Ref": "R"}]}}}}));
        let d = diff(&a, &b, &NoReplacementFacts);
        assert!(!d.has_security_changes());
    }

    #[test]
    fn managed_policy_changes() {
        let a = t(
            serde_json::json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:a"]}}}}),
        );
        let b = t(
            serde_json::json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:b"]}}}}),
        );
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.security.managed_policies.len(), 2);
        assert_eq!(d.security.managed_policies[0].change, Change::Removed);
    }

    #[test]
    fn sections() {
        let a = t(
            serde_json::json!({"Description": "a", "Parameters": {"P": {"Type": "String"}}, "Outputs": {"O": {"Value": 1}}}),
        );
        let b = t(
            serde_json::json!({"Description": "b", "Parameters": {"P": {"Type": "Number"}}, "Conditions": {"C": {"Fn::Equals": [1, 1]}}}),
        );
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.parameters[0].changes[0].path, "Type");
        assert_eq!(d.outputs[0].change, Change::Removed);
        assert_eq!(d.conditions[0].change, Change::Added);
        assert_eq!(d.other[0].name, "Description");
    }

    #[test]
    fn json_strings_are_compared_as_json() {
        let a = t(
            serde_json::json!({"Resources": {"C": {"Type": "Custom::X", "Properties": {"Create": "{\"a\":1,\"b\":2}"}}}}),
        );
        let b = t(
            serde_json::json!({"Resources": {"C": {"Type": "Custom::X", "Properties": {"Create": "{\"b\":2,\"a\":3}"}}}}),
        );
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.resources[0].changes[0].path, "Properties.Create<json>.a");
    }

    #[test]
    fn removing_a_stateful_resource_warns_unless_retained() {
        let a = t(serde_json::json!({"Resources": {
            "S": {"Type": "AWS::Kinesis::Stream"},
            "K": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain"}}}));
        let b = t(serde_json::json!({"Resources": {}}));
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.resources[0].kind, ResourceChangeKind::Removed { data_may_be_lost: true });
        assert_eq!(d.resources[1].kind, ResourceChangeKind::Removed { data_may_be_lost: false });
        let text = render_text(&d, &RenderOptions::default());
        assert!(
            text.contains(
                "[-] AWS::Kinesis::Stream S (stateful, not retained by DeletionPolicy: its data may be lost)"
            )
        );
    }

    #[test]
    fn huge_lists_do_not_blow_up() {
        let big: Vec<u32> = (0..5000).collect();
        let bigger: Vec<u32> = (0..5001).collect();
        let a = t(serde_json::json!({"Resources": {"R": {"Type": "T", "Properties": {"L": big}}}}));
        let b = t(serde_json::json!({"Resources": {"R": {"Type": "T", "Properties": {"L": bigger}}}}));
        let d = diff(&a, &b, &NoReplacementFacts);
        assert_eq!(d.resources[0].changes.len(), 1);
        assert_eq!(d.resources[0].changes[0].path, "Properties.L");
    }
}
