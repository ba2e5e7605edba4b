//! CloudFormation registry-schema facts, and validation of property values known at synthesis.
//!
//! rcdk vendors the official registry schemas of the resource types it supports (see
//! `schemas/SOURCE.md`; they come from cfn-lint's bundled copy) and embeds them in the library.
//! This module is the single validation mechanism used both when rcdk synthesizes a template and
//! by `rcdk validate` on any template, so it works on plain [`serde_json::Value`]s.
//!
//! * [`resource_schema`] gives the facts of one type: required properties, properties whose change
//!   replaces the resource, GetAtt attributes, the primary identifier, the raw schema.
//! * [`validate_properties`] checks a resource's `Properties` against its schema and against a few
//!   extra service rules the schemas cannot express, returning every [`SchemaProblem`] found.
//!
//! Values that are not known at synthesis — intrinsic functions (`{"Ref": …}`, `{"Fn::…": …}`,
//! `{"Condition": …}`) and dynamic references (`{{resolve:…}}`) — are accepted without further
//! checks. Types are checked strictly: the string `"24"` is not an integer.
//!
//! ```
//! use rcdk::schema::{validate_properties, SchemaProblemKind};
//! use serde_json::json;
//!
//! let problems = validate_properties(
//!     "AWS::Kinesis::Stream",
//!     Some(&json!({ "RetentionPeriodHours": 9000, "ShardCount": { "Ref": "Shards" } })),
//! )
//! .expect("AWS::Kinesis::Stream is vendored");
//! assert_eq!(problems.len(), 1);
//! assert_eq!(problems[0].kind, SchemaProblemKind::Range);
//! assert_eq!(problems[0].path, "RetentionPeriodHours");
//! ```

pub mod checks;
mod embedded;
mod getatts;
mod pattern;
mod rules;
mod tagging;
mod validate;

pub use validate::validate_read_properties;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

use pattern::Pattern;
pub use tagging::{TagShape, Tagging};

/// The cfn-lint release whose bundled registry schemas are vendored in `schemas/`.
pub const CFN_LINT_VERSION: &str = embedded::CFN_LINT_VERSION;

/// The position of `type_name` in the embedded index (binary search; the index is sorted).
fn index_of(type_name: &str) -> Option<usize> {
    embedded::INDEX.binary_search_by(|(name, _, _)| (*name).cmp(type_name)).ok()
}

/// True when `type_name` is a CloudFormation resource type (or a `Custom::` type).
///
/// ```
/// assert!(rcdk::schema::is_known_type("AWS::SQS::Queue"));
/// assert!(rcdk::schema::is_known_type("Custom::Anything"));
/// assert!(!rcdk::schema::is_known_type("AWS::Kinesis::Steam"));
/// ```
pub fn is_known_type(type_name: &str) -> bool {
    type_name.starts_with("Custom::") || index_of(type_name).is_some()
}

/// A template check: every resource's `Type` is one CloudFormation knows (cfn-lint's E3006).
pub fn check_resource_types(name: &str, template: &Value) -> Vec<crate::core::problem::Problem> {
    use crate::core::problem::{Problem, ProblemKind, Severity};
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else { return Vec::new() };
    resources
        .iter()
        .filter_map(|(id, r)| {
            let t = r.get("Type")?.as_str()?;
            (!is_known_type(t)).then(|| {
                Problem::new(
                    Severity::Error,
                    ProblemKind::Schema,
                    name,
                    format!("{t:?} is not a CloudFormation resource type (custom resources are Custom::Name)"),
                )
                .at(id.clone(), "Type")
            })
        })
        .collect()
}

/// Names of every vendored resource type (every type CloudFormation has in us-east-1), sorted.
///
/// ```
/// assert!(rcdk::schema::vendored_types().any(|t| t == "AWS::Kinesis::Stream"));
/// assert!(rcdk::schema::vendored_types().any(|t| t == "AWS::EC2::VPC"));
/// ```
pub fn vendored_types() -> impl Iterator<Item = &'static str> {
    embedded::INDEX.iter().map(|(name, _, _)| *name)
}

/// One cell per type of the index: the parsed schema, filled the first time the type is used.
static CELLS: [OnceLock<Option<Box<ResourceSchema>>>; embedded::INDEX.len()] =
    [const { OnceLock::new() }; embedded::INDEX.len()];

/// The registry schema of a resource type, parsed on first use.
///
/// Every type CloudFormation has in us-east-1 is vendored (in a compact form: see
/// `schemas/SOURCE.md`); only the types a program or template uses are parsed, each once.
/// `Custom::Anything` resolves to the schema of `AWS::CloudFormation::CustomResource`, as in
/// CloudFormation. Returns `None` for a name that is not a resource type.
///
/// ```
/// let stream = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
/// assert_eq!(stream.type_name(), "AWS::Kinesis::Stream");
/// assert_eq!(stream.create_only_properties(), ["Name"]);
/// assert!(stream.has_attribute("Arn"));
/// assert!(rcdk::schema::resource_schema("AWS::EC2::VPC").unwrap().has_attribute("CidrBlockAssociations"));
/// assert!(rcdk::schema::resource_schema("AWS::Nope::Nothing").is_none());
/// ```
pub fn resource_schema(type_name: &str) -> Option<&'static ResourceSchema> {
    let lookup = if type_name.starts_with("Custom::") { "AWS::CloudFormation::CustomResource" } else { type_name };
    let index = index_of(lookup)?;
    CELLS[index]
        .get_or_init(|| {
            let (_, offset, len) = embedded::INDEX[index];
            let text = embedded::BLOB.get(offset as usize..(offset + len) as usize)?;
            ResourceSchema::from_embedded(text).ok().map(Box::new)
        })
        .as_deref()
}

/// Validates a resource's `Properties` against its type's registry schema and rcdk's extra rules.
///
/// Pass `None` (or `Some(&Value::Null)`) when the resource has no `Properties`: required properties
/// are still checked. Returns `None` when the type is unknown (not a CloudFormation type), otherwise every
/// problem found, in a stable order (empty when the properties are valid).
///
/// ```
/// use rcdk::schema::SchemaProblemKind;
/// use serde_json::json;
///
/// let problems = rcdk::schema::validate_properties(
///     "AWS::KinesisFirehose::DeliveryStream",
///     Some(&json!({ "SnowflakeDestinationConfiguration": { "AccountUrl": "https://example.com" } })),
/// )
/// .unwrap();
/// let mismatch = problems.iter().find(|p| p.kind == SchemaProblemKind::Pattern).unwrap();
/// assert_eq!(
///     mismatch.to_string(),
///     r#"SnowflakeDestinationConfiguration.AccountUrl "https://example.com" does not match .+?\.snowflakecomputing\.com"#
/// );
/// assert!(rcdk::schema::validate_properties("AWS::Unknown::Type", None).is_none());
/// ```
pub fn validate_properties(type_name: &str, properties: Option<&Value>) -> Option<Vec<SchemaProblem>> {
    let schema = resource_schema(type_name)?;
    let mut problems = schema.validate(properties);
    problems.extend(rules::check(type_name, properties));
    Some(problems)
}

/// What kind of rule a [`SchemaProblem`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaProblemKind {
    /// A property the schema does not define (often a typo), where extra properties are not allowed.
    UnknownProperty,
    /// A read-only property (an attribute, read with `Fn::GetAtt`) was set.
    ReadOnly,
    /// A required property is missing.
    MissingRequired,
    /// The value has the wrong JSON type (e.g. the string `"24"` where an integer is expected).
    WrongType,
    /// A string does not match the schema's `pattern`.
    Pattern,
    /// The value is not one of the allowed values (`enum`/`const`).
    Enum,
    /// A string is shorter than `minLength` or longer than `maxLength`.
    Length,
    /// A number is outside `minimum`/`maximum`.
    Range,
    /// An array has fewer than `minItems` or more than `maxItems` items.
    ItemCount,
    /// An array that must hold unique items has duplicates.
    UniqueItems,
    /// A combination rule is broken: `oneOf`/`anyOf`/`allOf`, "exactly one of", properties that
    /// exclude or require each other.
    Combination,
    /// A service rule that the registry schema cannot express (rcdk's extra rules).
    ServiceRule,
    /// The value is nested too deeply to be checked.
    TooDeep,
}

/// One problem found in a resource's properties.
///
/// `Display` writes the property path, then the message:
/// `SnowflakeDestinationConfiguration.AccountUrl "https://example.com" does not match .+?\.snowflakecomputing\.com`.
///
/// ```
/// use rcdk::schema::{SchemaProblem, SchemaProblemKind};
///
/// let p = SchemaProblem {
///     path: "Tags[2].Key".into(),
///     kind: SchemaProblemKind::MissingRequired,
///     message: "is required".into(),
/// };
/// assert_eq!(p.to_string(), "Tags[2].Key is required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// Property path inside `Properties`, e.g. `SnowflakeDestinationConfiguration.AccountUrl` or
    /// `Tags[2].Key`; empty for `Properties` itself.
    pub path: String,
    /// The kind of rule broken.
    pub kind: SchemaProblemKind,
    /// What was expected and what was found, without the path.
    pub message: String,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{} {}", self.path, self.message) }
    }
}

/// Why a JSON value could not be used as a resource schema.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema is not a JSON object.
    #[error("a resource schema must be a JSON object")]
    NotAnObject,
    /// The schema has no string `typeName`.
    #[error("a resource schema needs a string \"typeName\"")]
    MissingTypeName,
}

/// The registry schema of one CloudFormation resource type, with its facts pre-extracted.
///
/// Property paths (`create_only_properties`, `read_only_properties`, …) are written the way
/// [`SchemaProblem::path`] is: the registry's `/properties/A/B` becomes `A.B`, and an array
/// wildcard `/properties/A/*/B` becomes `A[*].B`.
#[derive(Debug)]
pub struct ResourceSchema {
    /// The schema without its `definitions` (parsed one by one, on first use); for an embedded
    /// schema also without the top-level `description` and the property-path lists (kept below
    /// as fields; [`ResourceSchema::raw`] has them all).
    raw: Value,
    /// The whole schema, for [`ResourceSchema::raw`]: assembled on first use.
    full: OnceLock<Value>,
    definitions: indexmap::IndexMap<String, Definition>,
    type_name: String,
    /// The top-level `description`: parsed with the schema (`from_value`), or on first use from
    /// `text` (embedded schemas; a few KB of prose that validation never reads).
    description: OnceLock<Option<String>>,
    /// The compact top-level JSON text of an embedded schema (for `description` and `raw`).
    text: Option<&'static str>,
    required: Vec<String>,
    create_only: Vec<String>,
    read_only: Vec<String>,
    write_only: Vec<String>,
    primary_identifier: Vec<String>,
    /// Every pattern outside `definitions`, compiled the first time a value is checked against it.
    patterns: Patterns,
    getatts: OnceLock<getatts::GetAtts>,
    tagging: OnceLock<Option<Tagging>>,
}

type Patterns = HashMap<String, OnceLock<Pattern>>;

/// One entry of a schema's `definitions`: its JSON text (embedded schemas), parsed with its
/// patterns the first time a `$ref` reaches it.
#[derive(Debug)]
struct Definition {
    text: Option<&'static str>,
    parsed: OnceLock<Option<(Value, Patterns)>>,
}

impl Definition {
    fn parsed(value: Value) -> Definition {
        let patterns = patterns_of(&value);
        Definition { text: None, parsed: OnceLock::from(Some((value, patterns))) }
    }

    fn get(&self) -> Option<&(Value, Patterns)> {
        self.parsed
            .get_or_init(|| {
                let value: Value = serde_json::from_str(self.text?).ok()?;
                let patterns = patterns_of(&value);
                Some((value, patterns))
            })
            .as_ref()
    }
}

/// The patterns of one schema node (a definition, or the top level without definitions).
fn patterns_of(node: &Value) -> Patterns {
    let mut sources = Vec::new();
    collect_patterns(node, false, &mut sources);
    sources.into_iter().map(|p| (p, OnceLock::new())).collect()
}

/// Unescapes one JSON-pointer segment (`~1` is `/`, `~0` is `~`).
fn unescape_pointer(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') { segment.replace("~1", "/").replace("~0", "~").into() } else { segment.into() }
}

/// `/properties/A/B` → `A.B`; `/properties/A/*/B` → `A[*].B`.
fn normalise_path(pointer: &str) -> String {
    let rest = pointer.strip_prefix("/properties/").unwrap_or(pointer);
    let mut out = String::with_capacity(rest.len() + 8);
    for part in rest.split('/') {
        if part == "*" {
            out.push_str("[*]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn string_list(raw: &Value, key: &str, normalise: bool) -> Vec<String> {
    raw.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| if normalise { normalise_path(s) } else { s.to_string() })
                .collect()
        })
        .unwrap_or_default()
}

/// Collects every `pattern` string and `patternProperties` key in a schema.
fn collect_patterns(node: &Value, under_properties: bool, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if !under_properties {
                    if key == "pattern"
                        && let Some(p) = value.as_str()
                    {
                        out.push(p.to_string());
                    }
                    if key == "patternProperties"
                        && let Some(pp) = value.as_object()
                    {
                        out.extend(pp.keys().cloned());
                    }
                }
                let child_is_map =
                    !under_properties && matches!(key.as_str(), "properties" | "definitions" | "patternProperties");
                collect_patterns(value, child_is_map, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, false, out)),
        _ => {}
    }
}

/// An embedded top level as [`ResourceSchema::from_embedded`] reads it: every key but
/// `description` as JSON, and the definition ranges (`rcdk:definitions`) as numbers.
struct TopLevel {
    map: serde_json::Map<String, Value>,
    /// The property path lists, read as strings (never needed as JSON).
    lists: PathLists,
    ranges: Vec<(String, (u64, u64))>,
}

struct TopLevelVisitor;

impl<'de> serde::de::Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource schema object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<TopLevel, A::Error> {
        let mut top = TopLevel { map: serde_json::Map::new(), lists: PathLists::default(), ranges: Vec::new() };
        while let Some(key) = access.next_key::<String>()? {
            match key.as_str() {
                "description" => {
                    access.next_value::<serde::de::IgnoredAny>()?;
                }
                "createOnlyProperties" => top.lists.create_only = access.next_value()?,
                "readOnlyProperties" => top.lists.read_only = access.next_value()?,
                "writeOnlyProperties" => top.lists.write_only = access.next_value()?,
                "primaryIdentifier" => top.lists.primary_identifier = access.next_value()?,
                "rcdk:definitions" => top.ranges = access.next_value::<Ranges>()?.0,
                _ => {
                    let value = access.next_value::<Value>()?;
                    top.map.insert(key, value);
                }
            }
        }
        Ok(top)
    }
}

/// The property paths of an embedded top level, as written (`/properties/A/B`).
#[derive(Default)]
struct PathLists {
    create_only: Vec<String>,
    read_only: Vec<String>,
    write_only: Vec<String>,
    primary_identifier: Vec<String>,
}

/// `{"Name": [offset, length], …}` (written by `schemas/compact.py`, checked in CI).
struct Ranges(Vec<(String, (u64, u64))>);

impl<'de> serde::Deserialize<'de> for Ranges {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Ranges, D::Error> {
        struct RangesVisitor;
        impl<'de> serde::de::Visitor<'de> for RangesVisitor {
            type Value = Ranges;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of definition byte ranges")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Ranges, A::Error> {
                let mut out = Vec::with_capacity(access.size_hint().unwrap_or(0));
                while let Some(name) = access.next_key::<String>()? {
                    let range = access.next_value::<(u64, u64)>()?;
                    out.push((name, range));
                }
                Ok(Ranges(out))
            }
        }
        deserializer.deserialize_map(RangesVisitor)
    }
}

impl ResourceSchema {
    /// Builds a resource schema from its JSON (a registry schema with a `typeName`).
    ///
    /// Useful for schemas that rcdk does not vendor, and for tests.
    ///
    /// ```
    /// use rcdk::schema::ResourceSchema;
    /// use serde_json::json;
    ///
    /// let schema = ResourceSchema::from_value(json!({
    ///     "typeName": "My::Thing::Widget",
    ///     "properties": { "Size": { "type": "integer", "minimum": 1 } },
    ///     "additionalProperties": false,
    ///     "required": ["Size"]
    /// }))
    /// .unwrap();
    /// assert_eq!(schema.validate(Some(&json!({ "Size": 0 })))[0].to_string(),
    ///            "Size 0 is less than the minimum 1");
    /// ```
    pub fn from_value(raw: Value) -> Result<ResourceSchema, SchemaError> {
        let Value::Object(mut map) = raw else { return Err(SchemaError::NotAnObject) };
        let full = Value::Object(map.clone());
        let definitions = match map.remove("definitions") {
            Some(Value::Object(defs)) => defs.into_iter().map(|(k, v)| (k, Definition::parsed(v))).collect(),
            _ => indexmap::IndexMap::new(),
        };
        let description = map.get("description").and_then(Value::as_str).map(str::to_string);
        Self::build(Value::Object(map), definitions, OnceLock::from(full), OnceLock::from(description), None, None)
    }

    /// A vendored schema from its compact top-level JSON text (see `schemas/compact.py`):
    /// `rcdk:definitions` gives each definition's byte range in the blob; a definition is
    /// parsed the first time a `$ref` reaches it. The text is read in one pass that keeps the
    /// ranges as numbers and skips the top-level `description` (read again from the text only
    /// if asked for): both are most of a top level's bytes and validation needs neither.
    fn from_embedded(text: &'static str) -> Result<ResourceSchema, SchemaError> {
        use serde::Deserializer as _;
        let mut de = serde_json::Deserializer::from_str(text);
        let Ok(TopLevel { map, lists, ranges }) = (&mut de).deserialize_map(TopLevelVisitor) else {
            return Err(SchemaError::NotAnObject);
        };
        if de.end().is_err() {
            return Err(SchemaError::NotAnObject);
        }
        let definitions = ranges
            .into_iter()
            .map(|(name, (o, l))| {
                let text = usize::try_from(o)
                    .ok()
                    .zip(usize::try_from(l).ok())
                    .and_then(|(o, l)| embedded::BLOB.get(o..o.checked_add(l)?));
                (name, Definition { text, parsed: OnceLock::new() })
            })
            .collect();
        Self::build(Value::Object(map), definitions, OnceLock::new(), OnceLock::new(), Some(text), Some(lists))
    }

    fn build(
        raw: Value,
        definitions: indexmap::IndexMap<String, Definition>,
        full: OnceLock<Value>,
        description: OnceLock<Option<String>>,
        text: Option<&'static str>,
        lists: Option<PathLists>,
    ) -> Result<ResourceSchema, SchemaError> {
        let type_name = raw.get("typeName").and_then(Value::as_str).ok_or(SchemaError::MissingTypeName)?.to_string();
        let paths = |key: &str, read: fn(&PathLists) -> &Vec<String>| match &lists {
            Some(lists) => read(lists).iter().map(|p| normalise_path(p)).collect(),
            None => string_list(&raw, key, true),
        };
        Ok(ResourceSchema {
            description,
            text,
            required: string_list(&raw, "required", false),
            create_only: paths("createOnlyProperties", |l| &l.create_only),
            read_only: paths("readOnlyProperties", |l| &l.read_only),
            write_only: paths("writeOnlyProperties", |l| &l.write_only),
            primary_identifier: paths("primaryIdentifier", |l| &l.primary_identifier),
            patterns: patterns_of(&raw),
            getatts: OnceLock::new(),
            tagging: OnceLock::new(),
            type_name,
            definitions,
            full,
            raw,
        })
    }

    /// Resolves a JSON pointer into the schema (`/definitions/Name/…` parses that definition on
    /// first use).
    pub(crate) fn pointer(&self, pointer: &str) -> Option<&Value> {
        let Some(rest) = pointer.strip_prefix("/definitions/") else { return self.raw.pointer(pointer) };
        let (name, tail) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (value, _) = self.definitions.get(unescape_pointer(name).as_ref())?.get()?;
        if tail.is_empty() { Some(value) } else { value.pointer(tail) }
    }

    fn getatts(&self) -> &getatts::GetAtts {
        self.getatts.get_or_init(|| getatts::derive(&self.type_name, self, &self.read_only))
    }

    /// The type name, e.g. `AWS::Kinesis::Stream`.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::IAM::Role").unwrap();
    /// assert_eq!(s.type_name(), "AWS::IAM::Role");
    /// ```
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The schema's description of the type, if any.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::KMS::Key").unwrap();
    /// assert!(s.description().is_some());
    /// ```
    pub fn description(&self) -> Option<&str> {
        self.description
            .get_or_init(|| {
                let full: Value = serde_json::from_str(self.text?).ok()?;
                full.get("description").and_then(Value::as_str).map(str::to_string)
            })
            .as_deref()
    }

    /// Top-level properties that must be set.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::IAM::Role").unwrap();
    /// assert_eq!(s.required(), ["AssumeRolePolicyDocument"]);
    /// ```
    pub fn required(&self) -> &[String] {
        &self.required
    }

    /// Properties whose change replaces the resource (`createOnlyProperties`), as paths.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::KinesisFirehose::DeliveryStream").unwrap();
    /// assert!(s.create_only_properties().iter().any(|p| p == "KinesisStreamSourceConfiguration"));
    /// assert!(s.create_only_properties().iter()
    ///     .any(|p| p == "SnowflakeDestinationConfiguration.SnowflakeVpcConfiguration"));
    /// ```
    pub fn create_only_properties(&self) -> &[String] {
        &self.create_only
    }

    /// Whether changing the property at `path` (e.g. `Name`) replaces the resource.
    ///
    /// A path inside a create-only property also counts (`A.B` when `A` is create-only).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
    /// assert!(s.is_create_only("Name"));
    /// assert!(!s.is_create_only("ShardCount"));
    /// ```
    pub fn is_create_only(&self, path: &str) -> bool {
        self.create_only.iter().any(|p| {
            path == p
                || path.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }

    /// Properties that CloudFormation sets and that a template cannot (`readOnlyProperties`).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::KMS::Key").unwrap();
    /// assert_eq!(s.read_only_properties(), ["Arn", "KeyId"]);
    /// ```
    pub fn read_only_properties(&self) -> &[String] {
        &self.read_only
    }

    /// Properties that are never returned by a read (`writeOnlyProperties`).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::SecretsManager::Secret").unwrap();
    /// assert!(s.write_only_properties().iter().any(|p| p == "SecretString"));
    /// ```
    pub fn write_only_properties(&self) -> &[String] {
        &self.write_only
    }

    /// The `Fn::GetAtt` attribute names, derived as cfn-lint 1.58 derives them: usually the
    /// read-only properties that are not inside arrays (`Arn`, nested ones as `A.B`); for the
    /// types whose GetAtt accepts any property (SNS topics, SQS queues, EC2 VPCs…) every
    /// scalar property too; plus a few per-type exceptions. Open families of names
    /// (`Outputs.<Name>` of a nested stack, anything of a custom resource) are not listed: see
    /// [`ResourceSchema::has_open_attributes`].
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::IAM::Role").unwrap();
    /// assert_eq!(s.attributes(), ["Arn", "RoleId"]);
    /// let topic = rcdk::schema::resource_schema("AWS::SNS::Topic").unwrap();
    /// assert!(topic.attributes().contains(&"TopicName"));
    /// ```
    pub fn attributes(&self) -> Vec<&str> {
        self.getatts().names.iter().map(String::as_str).collect()
    }

    /// Whether `Fn::GetAtt` can read `name` from this type.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
    /// assert!(s.has_attribute("Arn"));
    /// assert!(!s.has_attribute("Name"));
    /// let nested = rcdk::schema::resource_schema("AWS::CloudFormation::Stack").unwrap();
    /// assert!(nested.has_attribute("Outputs.BucketName"));
    /// ```
    pub fn has_attribute(&self, name: &str) -> bool {
        self.getatts().accepts(name)
    }

    /// Whether GetAtt accepts names beyond [`ResourceSchema::attributes`]: `Outputs.<Name>` of
    /// a nested stack or provisioned product, any name of a custom resource.
    ///
    /// ```
    /// assert!(rcdk::schema::resource_schema("Custom::Thing").unwrap().has_open_attributes());
    /// assert!(!rcdk::schema::resource_schema("AWS::SNS::Topic").unwrap().has_open_attributes());
    /// ```
    pub fn has_open_attributes(&self) -> bool {
        self.getatts().prefix.is_some()
    }

    /// How this type takes tags: the property and its shape; `None` when it takes none.
    ///
    /// ```
    /// use rcdk::schema::{resource_schema, TagShape};
    /// let bucket = resource_schema("AWS::S3::Bucket").unwrap().tagging().unwrap();
    /// assert_eq!((bucket.property.as_str(), bucket.shape), ("Tags", TagShape::List { propagate_at_launch: false }));
    /// let parameter = resource_schema("AWS::SSM::Parameter").unwrap().tagging().unwrap();
    /// assert_eq!(parameter.shape, TagShape::Map);
    /// assert!(resource_schema("AWS::IAM::Policy").unwrap().tagging().is_none());
    /// ```
    pub fn tagging(&self) -> Option<&Tagging> {
        self.tagging.get_or_init(|| tagging::derive(self)).as_ref()
    }

    /// The properties that identify a resource (`primaryIdentifier`); usually what `Ref` returns.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::KMS::Key").unwrap();
    /// assert_eq!(s.primary_identifier(), ["KeyId"]);
    /// ```
    pub fn primary_identifier(&self) -> &[String] {
        &self.primary_identifier
    }

    /// Names of the top-level properties the schema defines (including read-only ones).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
    /// assert!(s.property_names().any(|p| p == "StreamModeDetails"));
    /// ```
    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.raw.get("properties").and_then(Value::as_object).into_iter().flat_map(|m| m.keys().map(String::as_str))
    }

    /// The registry schema JSON. For the vendored types this is the compact form rcdk embeds:
    /// descriptions (below the top level), handler permissions and documentation URLs are
    /// removed (see `schemas/SOURCE.md`).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::SNS::Topic").unwrap();
    /// assert_eq!(s.raw()["typeName"], "AWS::SNS::Topic");
    /// ```
    pub fn raw(&self) -> &Value {
        self.full.get_or_init(|| {
            // An embedded schema's top level as its text has it (with `description`), without
            // the definition ranges (removed as `from_embedded` always did, so keys keep their order).
            let mut full = match self.text.and_then(|t| serde_json::from_str::<Value>(t).ok()) {
                Some(Value::Object(mut map)) => {
                    map.remove("rcdk:definitions");
                    Value::Object(map)
                }
                _ => self.raw.clone(),
            };
            if let Some(map) = full.as_object_mut()
                && !self.definitions.is_empty()
            {
                let defs = self.definitions.iter().filter_map(|(k, d)| Some((k.clone(), d.get()?.0.clone())));
                map.insert("definitions".into(), Value::Object(defs.collect()));
            }
            full
        })
    }

    /// Patterns in this schema that could not be translated for the `regex` crate and are
    /// therefore not checked, each with the reason.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
    /// assert!(s.skipped_patterns().is_empty());
    /// ```
    pub fn skipped_patterns(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .all_patterns()
            .filter_map(|(source, cell)| match cell.get_or_init(|| Pattern::new(source)) {
                Pattern::Skipped { reason } => Some((source.as_str(), reason.as_str())),
                Pattern::Compiled { .. } => None,
            })
            .collect();
        out.sort();
        out
    }

    /// Validates `Properties` against this schema alone (without rcdk's extra service rules; use
    /// [`validate_properties`] for both). `None` means the resource has no `Properties`.
    ///
    /// ```
    /// use serde_json::json;
    /// let role = rcdk::schema::resource_schema("AWS::IAM::Role").unwrap();
    /// let problems = role.validate(None);
    /// assert_eq!(problems[0].to_string(), "AssumeRolePolicyDocument is required");
    /// ```
    pub fn validate(&self, properties: Option<&Value>) -> Vec<SchemaProblem> {
        validate::validate(self, properties)
    }

    pub(crate) fn pattern(&self, source: &str) -> Option<&Pattern> {
        // A definition's patterns are known once the definition is parsed, which happens before
        // any value is checked against it.
        let cell = self.patterns.get(source).or_else(|| {
            self.definitions.values().filter_map(|d| d.parsed.get()?.as_ref()).find_map(|(_, p)| p.get(source))
        })?;
        Some(cell.get_or_init(|| Pattern::new(source)))
    }

    /// Every pattern of the schema (parsing every definition).
    pub(crate) fn all_patterns(&self) -> impl Iterator<Item = (&String, &OnceLock<Pattern>)> {
        self.patterns.iter().chain(self.definitions.values().filter_map(Definition::get).flat_map(|(_, p)| p.iter()))
    }
}
