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
mod packed;
mod pattern;
mod rules;
mod tagging;
mod validate;

pub use validate::validate_read_properties;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use packed::Node;
use pattern::Pattern;
pub use tagging::{TagShape, Tagging};

/// The cfn-lint release whose bundled registry schemas are vendored in `schemas/`.
pub const CFN_LINT_VERSION: &str = embedded::CFN_LINT_VERSION;

/// The name of the type at `index` of the embedded index.
fn name_at(index: usize) -> Option<&'static str> {
    let &(offset, len, _, _) = embedded::INDEX.get(index)?;
    let start = usize::try_from(offset).ok()?;
    embedded::NAMES.get(start..start.checked_add(usize::try_from(len).ok()?)?)
}

/// The position of `type_name` in the embedded index (binary search; the index is sorted).
fn index_of(type_name: &str) -> Option<usize> {
    let (mut low, mut high) = (0, embedded::INDEX.len());
    while low < high {
        let mid = low + (high - low) / 2;
        match name_at(mid)?.cmp(type_name) {
            std::cmp::Ordering::Equal => return Some(mid),
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
        }
    }
    None
}

/// The packed schema of the type at `index` of the embedded index.
fn embedded_at(index: usize) -> Option<&'static [u8]> {
    let &(_, _, offset, len) = embedded::INDEX.get(index)?;
    let start = usize::try_from(offset).ok()?;
    embedded::BLOB.get(start..start.checked_add(usize::try_from(len).ok()?)?)
}

/// The packed schema of a vendored type.
#[cfg(test)]
fn embedded_bytes(type_name: &str) -> Option<&'static [u8]> {
    embedded_at(index_of(type_name)?)
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
    (0..embedded::INDEX.len()).filter_map(name_at)
}

/// One cell per type of the index: the schema's facts, read the first time the type is used.
static CELLS: [OnceLock<Option<Box<ResourceSchema>>>; embedded::INDEX.len()] =
    [const { OnceLock::new() }; embedded::INDEX.len()];

/// The registry schema of a resource type, parsed on first use.
///
/// Every type CloudFormation has in us-east-1 is vendored, in a packed form that is read in
/// place, never parsed (see `schemas/SOURCE.md`); a type's few list-valued facts are read the
/// first time it is used.
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
        .get_or_init(|| ResourceSchema::from_packed(Cow::Borrowed(embedded_at(index)?), None).ok().map(Box::new))
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
    /// The schema is larger than rcdk's packed form holds (4 GiB).
    #[error("a resource schema must be smaller than 4 GiB")]
    TooLarge,
}

/// The registry schema of one CloudFormation resource type, with its facts pre-extracted.
///
/// Property paths (`create_only_properties`, `read_only_properties`, …) are written the way
/// [`SchemaProblem::path`] is: the registry's `/properties/A/B` becomes `A.B`, and an array
/// wildcard `/properties/A/*/B` becomes `A[*].B`.
pub struct ResourceSchema {
    /// The schema in packed form (`packed.rs`): embedded, or encoded by [`ResourceSchema::from_value`].
    packed: Cow<'static, [u8]>,
    /// The whole schema as JSON, for [`ResourceSchema::raw`]: built on first use.
    full: OnceLock<Value>,
    type_name: String,
    /// The property-path lists, each read from the packed schema the first time it is asked for.
    required: OnceLock<Vec<String>>,
    create_only: OnceLock<Vec<String>>,
    read_only: OnceLock<Vec<String>>,
    write_only: OnceLock<Vec<String>>,
    primary_identifier: OnceLock<Vec<String>>,
    getatts: OnceLock<getatts::GetAtts>,
    tagging: OnceLock<Option<Tagging>>,
}

impl fmt::Debug for ResourceSchema {
    /// The type and the size of its packed schema (the schema itself is [`ResourceSchema::raw`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceSchema")
            .field("type_name", &self.type_name)
            .field("packed_bytes", &self.packed.len())
            .finish_non_exhaustive()
    }
}

/// Unescapes one JSON-pointer segment (`~1` is `/`, `~0` is `~`).
fn unescape_pointer(segment: &str) -> Cow<'_, str> {
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

fn string_list(root: Node<'_>, key: &str, normalise: bool) -> Vec<String> {
    let items = root.get(key).map(|list| list.items()).into_iter().flatten();
    items.filter_map(|n| n.as_str()).map(|s| if normalise { normalise_path(s) } else { s.to_string() }).collect()
}

/// Collects every `pattern` string and `patternProperties` key in a schema.
fn collect_patterns<'s>(node: Node<'s>, under_properties: bool, out: &mut Vec<&'s str>) {
    if node.is_object() {
        for (key, value) in node.entries() {
            if !under_properties {
                if key == "pattern"
                    && let Some(p) = value.as_str()
                {
                    out.push(p);
                }
                if key == "patternProperties" {
                    out.extend(value.entries().map(|(k, _)| k));
                }
            }
            let child_is_map = !under_properties && matches!(key, "properties" | "definitions" | "patternProperties");
            collect_patterns(value, child_is_map, out);
        }
    } else {
        node.items().for_each(|v| collect_patterns(v, false, out));
    }
}

/// Every pattern compiled so far, by source: compiled once per process (the same ARN and name
/// patterns recur across types), kept for the life of the program.
static PATTERNS: Mutex<Option<HashMap<String, &'static Pattern>>> = Mutex::new(None);

/// The compiled form of a registry-schema pattern (compiled on first use).
fn compiled_pattern(source: &str) -> &'static Pattern {
    let mut cache = PATTERNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(pattern) = cache.get(source) {
        return pattern;
    }
    let pattern: &'static Pattern = Box::leak(Box::new(Pattern::new(source)));
    cache.insert(source.to_string(), pattern);
    pattern
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
        if !raw.is_object() {
            return Err(SchemaError::NotAnObject);
        }
        let mut packed = Vec::new();
        packed::encode(&raw, &mut packed).map_err(|_| SchemaError::TooLarge)?;
        ResourceSchema::from_packed(Cow::Owned(packed), Some(raw))
    }

    /// A schema from its packed form; `raw` is its JSON when the caller has it.
    fn from_packed(packed: Cow<'static, [u8]>, raw: Option<Value>) -> Result<ResourceSchema, SchemaError> {
        let root = Node::new(&packed);
        if !root.is_object() {
            return Err(SchemaError::NotAnObject);
        }
        let type_name = root.get("typeName").and_then(|n| n.as_str()).ok_or(SchemaError::MissingTypeName)?;
        Ok(ResourceSchema {
            type_name: type_name.to_string(),
            required: OnceLock::new(),
            create_only: OnceLock::new(),
            read_only: OnceLock::new(),
            write_only: OnceLock::new(),
            primary_identifier: OnceLock::new(),
            getatts: OnceLock::new(),
            tagging: OnceLock::new(),
            full: raw.map(OnceLock::from).unwrap_or_default(),
            packed,
        })
    }

    /// The schema's top level.
    pub(crate) fn root(&self) -> Node<'_> {
        Node::new(&self.packed)
    }

    /// Resolves a JSON pointer into the schema (`/definitions/Name/…`).
    pub(crate) fn pointer(&self, pointer: &str) -> Option<Node<'_>> {
        self.root().pointer(pointer)
    }

    fn getatts(&self) -> &getatts::GetAtts {
        self.getatts.get_or_init(|| getatts::derive(&self.type_name, self, self.read_only_properties()))
    }

    /// One of the property-path lists, read on first use.
    fn paths<'s>(&'s self, cell: &'s OnceLock<Vec<String>>, key: &str, normalise: bool) -> &'s [String] {
        cell.get_or_init(|| string_list(self.root(), key, normalise))
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
        self.root().get("description")?.as_str()
    }

    /// Top-level properties that must be set.
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::IAM::Role").unwrap();
    /// assert_eq!(s.required(), ["AssumeRolePolicyDocument"]);
    /// ```
    pub fn required(&self) -> &[String] {
        self.paths(&self.required, "required", false)
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
        self.paths(&self.create_only, "createOnlyProperties", true)
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
        self.create_only_properties().iter().any(|p| {
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
        self.paths(&self.read_only, "readOnlyProperties", true)
    }

    /// Properties that are never returned by a read (`writeOnlyProperties`).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::SecretsManager::Secret").unwrap();
    /// assert!(s.write_only_properties().iter().any(|p| p == "SecretString"));
    /// ```
    pub fn write_only_properties(&self) -> &[String] {
        self.paths(&self.write_only, "writeOnlyProperties", true)
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
        self.paths(&self.primary_identifier, "primaryIdentifier", true)
    }

    /// Names of the top-level properties the schema defines (including read-only ones).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::Kinesis::Stream").unwrap();
    /// assert!(s.property_names().any(|p| p == "StreamModeDetails"));
    /// ```
    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.root().get("properties").map(|p| p.entries()).into_iter().flatten().map(|(name, _)| name)
    }

    /// The registry schema JSON. For the vendored types this is the compact form rcdk embeds:
    /// descriptions (below the top level), handler permissions and documentation URLs are
    /// removed, and object keys are sorted (see `schemas/SOURCE.md`).
    ///
    /// ```
    /// let s = rcdk::schema::resource_schema("AWS::SNS::Topic").unwrap();
    /// assert_eq!(s.raw()["typeName"], "AWS::SNS::Topic");
    /// ```
    pub fn raw(&self) -> &Value {
        self.full.get_or_init(|| self.root().to_value())
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
            .into_iter()
            .filter_map(|source| match compiled_pattern(source) {
                Pattern::Skipped { reason } => Some((source, reason.as_str())),
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

    /// The compiled form of one of this schema's patterns.
    pub(crate) fn pattern(&self, source: &str) -> &'static Pattern {
        compiled_pattern(source)
    }

    /// The source of every pattern of the schema, sorted, each once.
    pub(crate) fn all_patterns(&self) -> Vec<&str> {
        let mut sources = Vec::new();
        collect_patterns(self.root(), false, &mut sources);
        sources.sort_unstable();
        sources.dedup();
        sources
    }
}
