//! The generic validator: the JSON-Schema subset that the registry schemas use, applied to values
//! known at synthesis.

use serde_json::{Map, Value};

use crate::core::check::Field;

use super::packed::{Kind as NodeKind, Node};
use super::{ResourceSchema, SchemaProblem, SchemaProblemKind as Kind};

/// Values (and `$ref` chains) nested deeper than this are not checked further.
pub(super) const MAX_DEPTH: usize = 64;

/// What an intrinsic function is known to produce.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Produces {
    Anything,
    String,
    List,
}

/// If `value` is an intrinsic function object (one key: `Ref`, `Condition` or `Fn::…`), its name
/// and what it produces.
pub(super) fn intrinsic(value: &Value) -> Option<(&str, Produces)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let key = map.keys().next()?.as_str();
    let produces = match key {
        "Fn::Join" | "Fn::Sub" | "Fn::Base64" | "Fn::ToJsonString" => Produces::String,
        "Fn::GetAZs" | "Fn::Split" | "Fn::Cidr" => Produces::List,
        "Ref" | "Condition" => Produces::Anything,
        k if k.starts_with("Fn::") => Produces::Anything,
        _ => return None,
    };
    Some((key, produces))
}

/// A string holding a dynamic reference (`{{resolve:…}}`), resolved only at deployment.
pub(super) fn is_dynamic_reference(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.contains("{{resolve:"))
}

/// `{"Ref": "AWS::NoValue"}`: the property is removed, as if absent.
pub(super) fn is_no_value(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.len() == 1 && m.field("Ref").and_then(Value::as_str) == Some("AWS::NoValue"))
}

/// Whether `key` is set in `map` (present, and not `Ref AWS::NoValue`).
fn is_set(map: &Map<String, Value>, key: &str) -> bool {
    map.field(key).is_some_and(|v| !is_no_value(v))
}

/// Whether `value` is certainly present: not `Ref AWS::NoValue`, and not an `Fn::If` with a
/// `AWS::NoValue` branch (present only under some conditions).
fn surely_present(value: &Value) -> bool {
    !is_no_value(value) && !if_branches(value).is_some_and(|bs| bs.iter().any(|(_, b)| is_no_value(b)))
}

/// Whether some value is an `Fn::If`: keywords about the object as a whole (`if`/`then`) are then
/// judged per condition by cfn-lint; rcdk does not evaluate conditions, so it skips them.
fn has_conditional_member(map: &Map<String, Value>) -> bool {
    map.values().any(|v| if_branches(v).is_some())
}

/// At most this many conditions are combined in [`scenarios`].
const MAX_SCENARIO_CONDITIONS: usize = 4;

/// The object once per choice of the conditions of its `Fn::If` members (members that are
/// `AWS::NoValue` in a choice are removed); `None` when no member is conditional. With more
/// than [`MAX_SCENARIO_CONDITIONS`] conditions, or a condition that is not a plain name, the
/// object is returned as is, once.
fn scenarios(value: &Value) -> Option<Vec<Value>> {
    let map = value.as_object().filter(|m| has_conditional_member(m))?;
    let mut names: Vec<&str> = Vec::new();
    for v in map.values() {
        if if_branches(v).is_some() {
            let Some(name) = v.field("Fn::If").and_then(|a| a.get(0)).and_then(Value::as_str) else {
                return Some(vec![value.clone()]);
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if names.len() > MAX_SCENARIO_CONDITIONS {
        return Some(vec![value.clone()]);
    }
    let mut out = Vec::new();
    for bits in 0..(1u32 << names.len()) {
        let mut variant = Map::new();
        for (key, member) in map {
            let chosen =
                match (if_branches(member), member.field("Fn::If").and_then(|a| a.get(0)).and_then(Value::as_str)) {
                    (Some([(_, yes), (_, no)]), Some(name)) => {
                        let i = names.iter().position(|n| *n == name).unwrap_or(0);
                        if bits & (1 << i) != 0 { yes } else { no }
                    }
                    _ => member,
                };
            if !is_no_value(chosen) {
                variant.insert(key.clone(), chosen.clone());
            }
        }
        out.push(Value::Object(variant));
    }
    Some(out)
}

/// Where a value is inside `Properties`, as a chain of steps that is written out as text
/// (`A.B[2].C`) only when a problem is reported there: most values have none.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    /// A member of an object (or a path given whole, under `Root`).
    Key(&'p Path<'p>, &'p str),
    /// An item of an array.
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }

    fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
}

/// A value as it appears in a message: JSON, shortened.
pub(super) fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let short: String = text.chars().take(77).collect();
        format!("{short}…")
    } else {
        text
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

/// Whether `value` has JSON-Schema type `ty`. Numbers and booleans count as strings (CloudFormation
/// converts them), but a string never counts as a number, integer or boolean.
fn has_type(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string() || value.is_number() || value.is_boolean(),
        "integer" => is_integer(value),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// A schema's `type`: one name or a list of names, read from the packed schema as needed.
#[derive(Clone, Copy)]
struct Types<'s>(Node<'s>);

impl<'s> Types<'s> {
    fn of(ty: Option<Node<'s>>) -> Option<Types<'s>> {
        ty.filter(|t| matches!(t.kind(), NodeKind::String(_) | NodeKind::Array)).map(Types)
    }

    fn iter(self) -> impl Iterator<Item = &'s str> {
        let single = self.0.as_str();
        single.into_iter().chain(self.0.items().filter_map(|t| t.as_str()))
    }

    fn any(self, f: impl FnMut(&'s str) -> bool) -> bool {
        self.iter().any(f)
    }

    fn contains(self, name: &str) -> bool {
        self.iter().any(|t| t == name)
    }

    fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }

    fn join(self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Whether a schema value (`const`, an `enum` member) equals an instance value, numbers by value.
fn node_equals(node: Node<'_>, value: &Value) -> bool {
    match (node.kind(), value) {
        (NodeKind::Null, Value::Null) => true,
        (NodeKind::Bool(a), Value::Bool(b)) => a == *b,
        (NodeKind::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (NodeKind::String(a), Value::String(b)) => a == b,
        (NodeKind::Array, Value::Array(_)) | (NodeKind::Object, Value::Object(_)) => {
            values_equal(&node.to_value(), value)
        }
        _ => false,
    }
}

/// How values are judged.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// Values rcdk is about to write: types are strict (the string `"24"` is not an integer).
    Synthesis,
    /// Values read from an existing template: CloudFormation (and cfn-lint) convert the strings
    /// `"30"` and `"true"` where a number or boolean is expected, so they are accepted.
    Reading,
}

/// The number a numeric string stands for (`"30"`, `"-1.5"`), as CloudFormation converts it.
fn numeric_string(value: &Value) -> Option<Value> {
    let s = value.as_str()?.trim();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(serde_json::Number::from_f64).map(Value::Number)
}

/// The boolean a `"true"`/`"false"` string stands for (any letter case).
fn boolean_string(value: &Value) -> Option<bool> {
    match value.as_str()?.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A scalar as CloudFormation passes it on: its text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Mode {
    fn has_type(self, ty: &str, value: &Value) -> bool {
        has_type(ty, value)
            || (self == Mode::Reading
                && match ty {
                    "integer" => numeric_string(value).is_some_and(|n| is_integer(&n)),
                    "number" => numeric_string(value).is_some(),
                    "boolean" => boolean_string(value).is_some(),
                    _ => false,
                })
    }

    fn equal(self, allowed: Node<'_>, value: &Value) -> bool {
        if node_equals(allowed, value) {
            return true;
        }
        if self == Mode::Synthesis {
            return false;
        }
        match (allowed.kind(), value) {
            (NodeKind::Number(_), Value::String(_)) => numeric_string(value).is_some_and(|n| node_equals(allowed, &n)),
            (NodeKind::Bool(b), Value::String(_)) => boolean_string(value) == Some(b),
            (NodeKind::String(a), Value::Number(_) | Value::Bool(_)) => scalar_text(value).as_deref() == Some(a),
            _ => false,
        }
    }
}

/// An allowed value as it appears in a message: strings bare, others as JSON.
fn show_allowed(value: Node<'_>) -> String {
    match value.kind() {
        NodeKind::String(s) => s.to_string(),
        _ => value.to_value().to_string(),
    }
}

/// A schema scalar as CloudFormation passes it on: its text.
fn node_text(node: Node<'_>) -> Option<String> {
    match node.kind() {
        NodeKind::String(s) => Some(s.to_string()),
        NodeKind::Number(n) => Some(n.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn join_names(names: &[&str]) -> String {
    names.join(", ")
}

/// The closest defined property name to a misspelt one, if close enough.
fn suggestion<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .map(|k| {
            let d = if k.to_lowercase() == lower {
                0
            } else {
                crate::core::check::edit_distance(&lower, &k.to_lowercase())
            };
            (d, k)
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The keywords of one schema object that the validator applies, read in one pass over its
/// members (a lookup per keyword would cost a search each, for every value checked).
#[derive(Default)]
struct Keywords<'s> {
    reference: Option<Node<'s>>,
    types: Option<Node<'s>>,
    constant: Option<Node<'s>>,
    enumeration: Option<Node<'s>>,
    enum_case_insensitive: Option<Node<'s>>,
    min_length: Option<Node<'s>>,
    max_length: Option<Node<'s>>,
    pattern: Option<Node<'s>>,
    minimum: Option<Node<'s>>,
    maximum: Option<Node<'s>>,
    exclusive_minimum: Option<Node<'s>>,
    exclusive_maximum: Option<Node<'s>>,
    multiple_of: Option<Node<'s>>,
    min_items: Option<Node<'s>>,
    max_items: Option<Node<'s>>,
    unique_keys: Option<Node<'s>>,
    unique_items: Option<Node<'s>>,
    prefix_items: Option<Node<'s>>,
    items: Option<Node<'s>>,
    properties: Option<Node<'s>>,
    pattern_properties: Option<Node<'s>>,
    additional_properties: Option<Node<'s>>,
    required: Option<Node<'s>>,
    required_or: Option<Node<'s>>,
    required_xor: Option<Node<'s>>,
    min_properties: Option<Node<'s>>,
    max_properties: Option<Node<'s>>,
    dependent_excluded: Option<Node<'s>>,
    dependent_required: Option<Node<'s>>,
    dependencies: Option<Node<'s>>,
    all_of: Option<Node<'s>>,
    any_of: Option<Node<'s>>,
    one_of: Option<Node<'s>>,
    condition: Option<Node<'s>>,
    then: Option<Node<'s>>,
    otherwise: Option<Node<'s>>,
    not: Option<Node<'s>>,
}

impl<'s> Keywords<'s> {
    fn of(node: Node<'s>) -> Keywords<'s> {
        let mut k = Keywords::default();
        for (key, value) in node.members() {
            let slot = match key {
                b"$ref" => &mut k.reference,
                b"type" => &mut k.types,
                b"const" => &mut k.constant,
                b"enum" => &mut k.enumeration,
                b"enumCaseInsensitive" => &mut k.enum_case_insensitive,
                b"minLength" => &mut k.min_length,
                b"maxLength" => &mut k.max_length,
                b"pattern" => &mut k.pattern,
                b"minimum" => &mut k.minimum,
                b"maximum" => &mut k.maximum,
                b"exclusiveMinimum" => &mut k.exclusive_minimum,
                b"exclusiveMaximum" => &mut k.exclusive_maximum,
                b"multipleOf" => &mut k.multiple_of,
                b"minItems" => &mut k.min_items,
                b"maxItems" => &mut k.max_items,
                b"uniqueKeys" => &mut k.unique_keys,
                b"uniqueItems" => &mut k.unique_items,
                b"prefixItems" => &mut k.prefix_items,
                b"items" => &mut k.items,
                b"properties" => &mut k.properties,
                b"patternProperties" => &mut k.pattern_properties,
                b"additionalProperties" => &mut k.additional_properties,
                b"required" => &mut k.required,
                b"requiredOr" => &mut k.required_or,
                b"requiredXor" => &mut k.required_xor,
                b"minProperties" => &mut k.min_properties,
                b"maxProperties" => &mut k.max_properties,
                b"dependentExcluded" => &mut k.dependent_excluded,
                b"dependentRequired" => &mut k.dependent_required,
                b"dependencies" => &mut k.dependencies,
                b"allOf" => &mut k.all_of,
                b"anyOf" => &mut k.any_of,
                b"oneOf" => &mut k.one_of,
                b"if" => &mut k.condition,
                b"then" => &mut k.then,
                b"else" => &mut k.otherwise,
                b"not" => &mut k.not,
                _ => continue,
            };
            *slot = Some(value);
        }
        k
    }

    /// An array-valued keyword.
    fn array(keyword: Option<Node<'s>>) -> Option<Node<'s>> {
        keyword.filter(|n| n.kind() == NodeKind::Array)
    }
}

struct Validator<'s> {
    schema: &'s ResourceSchema,
    mode: Mode,
}

/// What a problem message says instead of a secret's value.
const SECRET_SHOWN: &str = "(a secret value, not shown)";

/// `A.Fn::If[1].B[3]` → `A.B[*]`: the schema path of a value path (list indexes as `[*]`,
/// `Fn::If` branches removed).
fn schema_path(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let is_if = name == "Fn::If";
        if is_if {
            // The branch index is not a list index.
            rest = rest.find(']').map_or("", |end| &rest[end + 1..]);
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(name);
        }
        while let Some(end) = rest.find(']') {
            out.push_str("[*]");
            rest = &rest[end + 1..];
        }
    }
    out
}

/// Whether a property name reads like a secret (password, key, token).
fn secret_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix('s').unwrap_or(&lower);
    [
        "password",
        "passphrase",
        "privatekey",
        "secretkey",
        "secretaccesskey",
        "accesskey",
        "token",
        "secretstring",
        "secret",
    ]
    .iter()
    .any(|w| lower.ends_with(w))
}

impl<'s> Validator<'s> {
    /// A value as a problem message shows it: never the value of a secret property (rcdk's list
    /// of secret properties, or a write-only property named like a password, key or token).
    fn shown(&self, path: &Path<'_>, value: &Value) -> String {
        if self.is_secret(&path.render()) { SECRET_SHOWN.to_string() } else { show(value) }
    }

    fn is_secret(&self, path: &str) -> bool {
        let at = schema_path(path);
        let within =
            |p: &str| at == p || at.strip_prefix(p).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
        crate::security::is_secret_property(self.schema.type_name(), &at)
            || self.schema.write_only_properties().iter().any(|p| {
                within(p)
                    && [p.as_str(), at.as_str()]
                        .iter()
                        .any(|q| q.trim_end_matches("[*]").rsplit('.').next().is_some_and(secret_like))
            })
    }

    fn problem(out: &mut Vec<SchemaProblem>, path: &Path<'_>, kind: Kind, message: String) {
        out.push(SchemaProblem { path: path.render(), kind, message });
    }

    fn resolve(&self, reference: &str) -> Option<Node<'s>> {
        let pointer = reference.strip_prefix('#')?;
        self.schema.pointer(pointer)
    }

    fn check(&self, node: Node<'s>, value: &Value, path: &Path<'_>, depth: usize, out: &mut Vec<SchemaProblem>) {
        if depth > MAX_DEPTH {
            Self::problem(
                out,
                path,
                Kind::TooDeep,
                format!("is nested more than {MAX_DEPTH} levels deep; not checked further"),
            );
            return;
        }
        // Fn::If: each branch must fit where the function stands (AWS::NoValue removes the value).
        if let Some(branches) = if_branches(value) {
            for (i, branch) in branches {
                if !is_no_value(branch) {
                    let function = path.key("Fn::If");
                    self.check(node, branch, &function.index(i), depth + 1, out);
                }
            }
            return;
        }
        match node.kind() {
            NodeKind::Object => {}
            NodeKind::Bool(false) => {
                Self::problem(out, path, Kind::Combination, "no value is allowed here".into());
                return;
            }
            _ => return,
        }
        let kw = Keywords::of(node);
        if let Some(target) = kw.reference.and_then(|r| r.as_str()).and_then(|r| self.resolve(r)) {
            self.check(target, value, path, depth + 1, out);
        }
        let types = Types::of(kw.types);

        // Values not known at synthesis.
        if let Some((name, produces)) = intrinsic(value) {
            if let Some(types) = types {
                let fits = match produces {
                    Produces::Anything => true,
                    Produces::String => types.any(|t| matches!(t, "string" | "integer" | "number" | "boolean")),
                    Produces::List => types.contains("array"),
                };
                if !fits {
                    let what = if produces == Produces::String { "a string" } else { "a list" };
                    Self::problem(
                        out,
                        path,
                        Kind::WrongType,
                        format!("expected {}, found {name} (which produces {what})", types.join(" or ")),
                    );
                }
            }
            return;
        }
        if is_dynamic_reference(value) {
            if let Some(types) = types
                && !types.any(|t| matches!(t, "string" | "integer" | "number" | "boolean"))
            {
                Self::problem(
                    out,
                    path,
                    Kind::WrongType,
                    format!("expected {}, found a dynamic reference {}", types.join(" or "), self.shown(path, value)),
                );
            }
            return;
        }

        if let Some(types) = types
            && !types.is_empty()
            && !types.any(|t| self.mode.has_type(t, value))
        {
            Self::problem(
                out,
                path,
                Kind::WrongType,
                format!("expected {}, found {} {}", types.join(" or "), json_type(value), self.shown(path, value)),
            );
            return;
        }

        if let Some(allowed) = kw.constant
            && !self.mode.equal(allowed, value)
        {
            Self::problem(
                out,
                path,
                Kind::Enum,
                format!("{} must be {}", self.shown(path, value), show_allowed(allowed)),
            );
        }
        if let Some(allowed) = Keywords::array(kw.enumeration)
            && !allowed.items().any(|a| self.mode.equal(a, value))
        {
            let list: Vec<String> = allowed.items().map(show_allowed).collect();
            Self::problem(
                out,
                path,
                Kind::Enum,
                format!("{} is not one of {}", self.shown(path, value), list.join(", ")),
            );
        }
        // cfn-lint's `enumCaseInsensitive`: the service accepts any letter case.
        if let Some(allowed) = Keywords::array(kw.enum_case_insensitive)
            && let Some(text) = scalar_text(value)
            && !allowed.items().any(|a| node_text(a).is_some_and(|a| a.eq_ignore_ascii_case(&text)))
        {
            let list: Vec<String> = allowed.items().map(show_allowed).collect();
            Self::problem(
                out,
                path,
                Kind::Enum,
                format!("{} is not one of {} (in any letter case)", self.shown(path, value), list.join(", ")),
            );
        }

        match value {
            Value::String(s) => {
                // A numeric string where a number is expected: check its range as a number.
                let numeric = types.is_some_and(|t| !t.contains("string")) && self.mode == Mode::Reading;
                match numeric_string(value).filter(|_| numeric) {
                    Some(n) => self.check_number(&kw, &n, path, out),
                    None => self.check_string(&kw, s, value, path, out),
                }
            }
            Value::Number(_) => self.check_number(&kw, value, path, out),
            Value::Array(items) => self.check_array(&kw, items, path, depth, out),
            Value::Object(map) => self.check_object(&kw, map, path, depth, out),
            _ => {}
        }
        self.check_combinators(&kw, value, path, depth, out);
    }

    fn check_string(&self, kw: &Keywords<'s>, s: &str, value: &Value, path: &Path<'_>, out: &mut Vec<SchemaProblem>) {
        let len = s.chars().count();
        if let Some(min) = kw.min_length.and_then(|n| n.as_u64())
            && (len as u64) < min
        {
            Self::problem(
                out,
                path,
                Kind::Length,
                format!("{} is shorter than the minimum length {min} ({len} characters)", self.shown(path, value)),
            );
        }
        if let Some(max) = kw.max_length.and_then(|n| n.as_u64())
            && (len as u64) > max
        {
            Self::problem(
                out,
                path,
                Kind::Length,
                format!("{} is longer than the maximum length {max} ({len} characters)", self.shown(path, value)),
            );
        }
        if let Some(source) = kw.pattern.and_then(|p| p.as_str())
            && self.schema.pattern(source).is_match(s) == Some(false)
        {
            Self::problem(out, path, Kind::Pattern, format!("{} does not match {source}", self.shown(path, value)));
        }
    }

    fn check_number(&self, kw: &Keywords<'s>, value: &Value, path: &Path<'_>, out: &mut Vec<SchemaProblem>) {
        let Some(n) = value.as_f64() else { return };
        let bound = |keyword: Option<Node<'s>>| keyword.and_then(|b| Some((b.as_f64()?, b.to_value().to_string())));
        if let Some((min, text)) = bound(kw.minimum)
            && n < min
        {
            Self::problem(
                out,
                path,
                Kind::Range,
                format!("{} is less than the minimum {text}", self.shown(path, value)),
            );
        }
        if let Some((max, text)) = bound(kw.maximum)
            && n > max
        {
            Self::problem(
                out,
                path,
                Kind::Range,
                format!("{} is greater than the maximum {text}", self.shown(path, value)),
            );
        }
        if let Some((min, text)) = bound(kw.exclusive_minimum)
            && n <= min
        {
            Self::problem(out, path, Kind::Range, format!("{} must be greater than {text}", self.shown(path, value)));
        }
        if let Some((max, text)) = bound(kw.exclusive_maximum)
            && n >= max
        {
            Self::problem(out, path, Kind::Range, format!("{} must be less than {text}", self.shown(path, value)));
        }
        if let Some((step, text)) = bound(kw.multiple_of)
            && step > 0.0
        {
            // A tolerance for binary fractions: 0.07 is a multiple of 0.01.
            let quotient = n / step;
            if (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0) {
                Self::problem(
                    out,
                    path,
                    Kind::Range,
                    format!("{} is not a multiple of {text}", self.shown(path, value)),
                );
            }
        }
    }

    fn check_array(
        &self,
        kw: &Keywords<'s>,
        items: &[Value],
        path: &Path<'_>,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        // Items that are `AWS::NoValue` under some condition: at least `surely` items, at most `count`.
        let count = items.iter().filter(|v| !is_no_value(v)).count() as u64;
        let surely = items.iter().filter(|v| surely_present(v)).count() as u64;
        if let Some(min) = kw.min_items.and_then(|n| n.as_u64())
            && count < min
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {count} items, fewer than the minimum {min}"));
        }
        if let Some(max) = kw.max_items.and_then(|n| n.as_u64())
            && surely > max
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {surely} items, more than the maximum {max}"));
        }
        if let Some(keys) = Keywords::array(kw.unique_keys) {
            let keys: Vec<&str> = keys.items().filter_map(|k| k.as_str()).collect();
            // The values of `keys` in each item that has them all, known (no intrinsic function).
            let known: Vec<(usize, Vec<&Value>)> = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let map = item.as_object()?;
                    let values: Option<Vec<&Value>> =
                        keys.iter().map(|k| map.field(k).filter(|v| intrinsic(v).is_none())).collect();
                    Some((i, values?))
                })
                .collect();
            'keys: for (n, (i, a)) in known.iter().enumerate() {
                for (j, b) in known.iter().skip(n + 1) {
                    if a.iter().zip(b).all(|(x, y)| values_equal(x, y)) {
                        Self::problem(
                            out,
                            &path.index(*j),
                            Kind::UniqueItems,
                            format!("has the same {} as item [{i}]", join_names(&keys)),
                        );
                        break 'keys;
                    }
                }
            }
        }
        if kw.unique_items.and_then(|u| u.as_bool()) == Some(true) {
            'outer: for (i, a) in items.iter().enumerate() {
                for (j, b) in items.iter().enumerate().skip(i + 1) {
                    if values_equal(a, b) {
                        Self::problem(
                            out,
                            path,
                            Kind::UniqueItems,
                            format!("has duplicate items [{i}] and [{j}]: {}", self.shown(path, a)),
                        );
                        break 'outer;
                    }
                }
            }
        }
        let prefix = match Keywords::array(kw.prefix_items) {
            Some(tuple) => {
                for (i, (item, sub)) in items.iter().zip(tuple.items()).enumerate() {
                    self.check(sub, item, &path.index(i), depth + 1, out);
                }
                tuple.len()
            }
            None => 0,
        };
        match kw.items {
            Some(tuple) if tuple.kind() == NodeKind::Array => {
                for (i, (item, sub)) in items.iter().zip(tuple.items()).enumerate() {
                    self.check(sub, item, &path.index(i), depth + 1, out);
                }
            }
            Some(sub) => {
                for (i, item) in items.iter().enumerate().skip(prefix) {
                    self.check(sub, item, &path.index(i), depth + 1, out);
                }
            }
            None => {}
        }
    }

    fn check_object(
        &self,
        kw: &Keywords<'s>,
        map: &Map<String, Value>,
        path: &Path<'_>,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        let properties = kw.properties.filter(|n| n.is_object());
        let pattern_properties = kw.pattern_properties.filter(|n| n.is_object());
        for (key, item) in map {
            if is_no_value(item) {
                continue; // removed by CloudFormation, as if absent
            }
            let item_path = path.key(key);
            if let Some(sub) = properties.and_then(|p| p.get(key)) {
                self.check(sub, item, &item_path, depth + 1, out);
                continue;
            }
            let mut matched = false;
            for (source, sub) in pattern_properties.map(|p| p.entries()).into_iter().flatten() {
                let hit = self.schema.pattern(source).is_match(key);
                // A skipped key pattern is taken as matching: we cannot say it does not.
                if hit != Some(false) {
                    matched = true;
                    self.check(sub, item, &item_path, depth + 1, out);
                }
            }
            if matched {
                continue;
            }
            match kw.additional_properties {
                Some(extra) if extra.as_bool() == Some(false) => {
                    let hint = properties
                        .and_then(|p| suggestion(key, p.entries().map(|(name, _)| name)))
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    Self::problem(out, &item_path, Kind::UnknownProperty, format!("is not a valid property{hint}"));
                }
                Some(sub) if sub.is_object() => self.check(sub, item, &item_path, depth + 1, out),
                _ => {}
            }
        }

        for name in kw.required.map(|r| r.items()).into_iter().flatten() {
            if let Some(name) = name.as_str()
                && !is_set(map, name)
            {
                Self::problem(out, &path.key(name), Kind::MissingRequired, "is required".into());
            }
        }

        if let Some(names) = Keywords::array(kw.required_or) {
            let names: Vec<&str> = names.items().filter_map(|n| n.as_str()).collect();
            if !names.iter().any(|n| is_set(map, n)) {
                Self::problem(
                    out,
                    path,
                    Kind::Combination,
                    format!("needs at least one of {} (found none)", join_names(&names)),
                );
            }
        }
        let count = map.values().filter(|v| !is_no_value(v)).count() as u64;
        let surely = map.values().filter(|v| surely_present(v)).count() as u64;
        if let Some(min) = kw.min_properties.and_then(|n| n.as_u64())
            && count < min
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {count} properties, fewer than the minimum {min}"));
        }
        if let Some(max) = kw.max_properties.and_then(|n| n.as_u64())
            && surely > max
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {surely} properties, more than the maximum {max}"));
        }

        if let Some(names) = Keywords::array(kw.required_xor) {
            let names: Vec<&str> = names.items().filter_map(|n| n.as_str()).collect();
            let set: Vec<&str> = names.iter().copied().filter(|n| is_set(map, n)).collect();
            if set.is_empty() {
                Self::problem(
                    out,
                    path,
                    Kind::Combination,
                    format!("needs exactly one of {} (found none)", join_names(&names)),
                );
            } else if set.iter().filter(|n| map.field(n).is_some_and(surely_present)).count() > 1 {
                // One problem per key set, at the key (as cfn-lint's E3014 reports it), so that
                // each carries the line of the property to remove.
                for key in &set {
                    Self::problem(
                        out,
                        &path.key(key),
                        Kind::Combination,
                        format!("only one of {} may be set (found {})", join_names(&names), join_names(&set)),
                    );
                }
            }
        }

        for (deps_of, keyword) in
            [(kw.dependent_excluded, true), (kw.dependent_required, false), (kw.dependencies, false)]
        {
            for (trigger, deps) in deps_of.map(|d| d.entries()).into_iter().flatten() {
                if !is_set(map, trigger) {
                    continue;
                }
                match deps.kind() {
                    NodeKind::Array => {
                        for other in deps.items().filter_map(|n| n.as_str()) {
                            let other_set = is_set(map, other);
                            if keyword && other_set {
                                Self::problem(
                                    out,
                                    &path.key(other),
                                    Kind::Combination,
                                    format!("cannot be set together with {}", path.key(trigger).render()),
                                );
                            } else if !keyword && !other_set {
                                Self::problem(
                                    out,
                                    &path.key(other),
                                    Kind::MissingRequired,
                                    format!("is required when {} is set", path.key(trigger).render()),
                                );
                            }
                        }
                    }
                    NodeKind::Object if !keyword => {
                        let value = Value::Object(map.clone());
                        self.check(deps, &value, path, depth + 1, out);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Problems of `value` against one alternative.
    fn branch(&self, sub: Node<'s>, value: &Value, path: &Path<'_>, depth: usize) -> Vec<SchemaProblem> {
        let mut found = Vec::new();
        self.check(sub, value, path, depth + 1, &mut found);
        found
    }

    /// What is wrong with `value` against the alternatives of `anyOf`/`oneOf`, if anything.
    fn alternatives(
        &self,
        keyword: &str,
        branches: &[Node<'s>],
        value: &Value,
        path: &Path<'_>,
        depth: usize,
    ) -> Option<String> {
        let results: Vec<Vec<SchemaProblem>> = branches.iter().map(|b| self.branch(*b, value, path, depth)).collect();
        let matching: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_empty()).collect();
        let names = describe(branches);
        if keyword == "anyOf" {
            return matching.is_empty().then(|| match names {
                Some(names) => format!("needs at least one of {} (found none)", names.join(", ")),
                None => format!("matches none of {} alternatives; {}", branches.len(), closest(&results)),
            });
        }
        if matching.len() == 1 {
            return None;
        }
        Some(match (&names, matching.len()) {
            (Some(names), 0) if all_requirements_missing(branches, value) => {
                format!("needs exactly one of {} (found none)", names.join(", "))
            }
            (Some(names), n) if n > 1 => {
                let found: Vec<&str> = matching.iter().map(|&i| names[i].as_str()).collect();
                format!("needs exactly one of {} (found {})", names.join(", "), found.join(", "))
            }
            (_, 0) => format!("matches none of {} alternatives; {}", branches.len(), closest(&results)),
            (_, n) => format!("matches {n} of {} alternatives where exactly one must match", branches.len()),
        })
    }

    fn check_combinators(
        &self,
        kw: &Keywords<'s>,
        value: &Value,
        path: &Path<'_>,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        for sub in kw.all_of.map(|a| a.items()).into_iter().flatten() {
            self.check(sub, value, path, depth + 1, out);
        }
        // An object whose members are chosen by conditions (`Fn::If` with `AWS::NoValue`) is
        // judged once per choice of its conditions; a problem is reported only when every
        // choice has it, so that an impossible combination never makes a false error.
        let variants = scenarios(value);
        for (keyword, alternatives) in [("anyOf", kw.any_of), ("oneOf", kw.one_of)] {
            let branches: Vec<Node<'s>> = alternatives.map(|b| b.items().collect()).unwrap_or_default();
            if branches.is_empty() {
                continue;
            }
            let mut first = None;
            let mut all_fail = true;
            for variant in variants.as_deref().unwrap_or(std::slice::from_ref(value)) {
                match self.alternatives(keyword, &branches, variant, path, depth) {
                    Some(message) => {
                        first.get_or_insert(message);
                    }
                    None => {
                        all_fail = false;
                        break;
                    }
                }
            }
            if all_fail && let Some(message) = first {
                Self::problem(out, path, Kind::Combination, message);
            }
        }
        // `if`/`then`/`else` (JSON Schema 2019-09), skipped when a member is conditional.
        if let Some(condition) = kw.condition
            && !value.as_object().is_some_and(has_conditional_member)
        {
            let then = if self.branch(condition, value, path, depth).is_empty() { kw.then } else { kw.otherwise };
            if let Some(sub) = then {
                self.check(sub, value, path, depth + 1, out);
            }
        }
        if let Some(sub) = kw.not
            && self.branch(sub, value, path, depth).is_empty()
        {
            Self::problem(out, path, Kind::Combination, format!("must not match {}", show(&sub.to_value())));
        }
    }
}

/// Names for alternatives that each require properties: `["Users", "Groups", "Roles"]`.
fn describe(branches: &[Node<'_>]) -> Option<Vec<String>> {
    branches
        .iter()
        .map(|b| {
            let required = b.get("required").filter(|r| r.kind() == NodeKind::Array)?;
            let names: Vec<&str> = required.items().filter_map(|n| n.as_str()).collect();
            (!names.is_empty()).then(|| names.join(" and "))
        })
        .collect()
}

fn all_requirements_missing(branches: &[Node<'_>], value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    branches.iter().all(|b| {
        b.get("required")
            .filter(|r| r.kind() == NodeKind::Array)
            .is_some_and(|names| names.items().filter_map(|n| n.as_str()).any(|n| !is_set(map, n)))
    })
}

/// The first problem of the alternative with the fewest problems.
fn closest(results: &[Vec<SchemaProblem>]) -> String {
    results.iter().min_by_key(|r| r.len()).and_then(|r| r.first()).map(|p| format!("closest: {p}")).unwrap_or_default()
}

/// `Fn::If` arguments: the two branches with their index, when well formed.
fn if_branches(value: &Value) -> Option<[(usize, &Value); 2]> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    match map.field("Fn::If")?.as_array()?.as_slice() {
        [_, a, b] => Some([(1, a), (2, b)]),
        _ => None,
    }
}

/// Validates the `Properties` of a resource read from an existing template: like
/// [`validate_properties`](super::validate_properties), but numeric strings and `"true"`/`"false"`
/// are accepted where a number or boolean is expected, as CloudFormation accepts them. Returns
/// `None` when the type has no schema.
///
/// ```
/// use serde_json::json;
/// let read = rcdk::schema::validate_read_properties("AWS::Kinesis::Stream", Some(&json!({"ShardCount": "2"})));
/// assert_eq!(read.unwrap(), vec![]);
/// let typed = rcdk::schema::validate_properties("AWS::Kinesis::Stream", Some(&json!({"ShardCount": "2"})));
/// assert_eq!(typed.unwrap().len(), 1);
/// ```
pub fn validate_read_properties(type_name: &str, properties: Option<&Value>) -> Option<Vec<SchemaProblem>> {
    let schema = super::resource_schema(type_name)?;
    let mut problems = validate_in(schema, properties, Mode::Reading);
    problems.extend(super::rules::check(type_name, properties));
    Some(problems)
}

pub(super) fn validate(schema: &ResourceSchema, properties: Option<&Value>) -> Vec<SchemaProblem> {
    validate_in(schema, properties, Mode::Synthesis)
}

fn validate_in(schema: &ResourceSchema, properties: Option<&Value>, mode: Mode) -> Vec<SchemaProblem> {
    let empty = Value::Object(Map::new());
    let properties = match properties {
        None | Some(Value::Null) => &empty,
        Some(p) => p,
    };
    let mut out = Vec::new();
    // `Properties: {"Fn::If": …}`: each branch is checked as the properties (below); any other
    // function is resolved only at deployment.
    if intrinsic(properties).is_some() && if_branches(properties).is_none() {
        return out;
    }
    if !properties.is_object() {
        Validator::problem(
            &mut out,
            &Path::Root,
            Kind::WrongType,
            format!("Properties must be an object, found {} {}", json_type(properties), show(properties)),
        );
        return out;
    }
    let validator = Validator { schema, mode };
    validator.check(schema.root(), properties, &Path::Root, 0, &mut out);

    for read_only in schema.read_only_properties().iter().filter(|p| !p.contains("[*]")) {
        let mut current = Some(properties);
        for part in read_only.split('.') {
            current = current.and_then(|v| v.as_object()).and_then(|m| m.field(part)).filter(|v| !is_no_value(v));
        }
        if current.is_some() {
            Validator::problem(
                &mut out,
                &Path::Key(&Path::Root, read_only),
                Kind::ReadOnly,
                "is read-only: CloudFormation sets it (read it with Fn::GetAtt)".into(),
            );
        }
    }
    out
}
