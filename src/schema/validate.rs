//! The generic validator: the JSON-Schema subset that the registry schemas use, applied to values
//! known at synthesis.

use serde_json::{Map, Value};

use crate::core::check::Field;

use super::pattern::Pattern;
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

pub(super) fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
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

fn declared_types(node: &Map<String, Value>) -> Option<Vec<&str>> {
    match node.field("type")? {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
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

    fn equal(self, allowed: &Value, value: &Value) -> bool {
        if values_equal(allowed, value) {
            return true;
        }
        if self == Mode::Synthesis {
            return false;
        }
        match (allowed, value) {
            (Value::Number(_), Value::String(_)) => numeric_string(value).is_some_and(|n| values_equal(allowed, &n)),
            (Value::Bool(b), Value::String(_)) => boolean_string(value) == Some(*b),
            (Value::String(a), Value::Number(_) | Value::Bool(_)) => scalar_text(value).as_deref() == Some(a),
            _ => false,
        }
    }
}

/// An allowed value as it appears in a message: strings bare, others as JSON.
fn show_allowed(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join_names(names: &[&str]) -> String {
    names.join(", ")
}

/// The closest defined property name to a misspelt one, if close enough.
fn suggestion<'a>(key: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .map(|k| {
            let d = if k.to_lowercase() == lower {
                0
            } else {
                crate::core::check::edit_distance(&lower, &k.to_lowercase())
            };
            (d, k.as_str())
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
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
    fn shown(&self, path: &str, value: &Value) -> String {
        if self.is_secret(path) { SECRET_SHOWN.to_string() } else { show(value) }
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

    fn problem(out: &mut Vec<SchemaProblem>, path: &str, kind: Kind, message: String) {
        out.push(SchemaProblem { path: path.to_string(), kind, message });
    }

    fn resolve(&self, reference: &str) -> Option<&'s Value> {
        let pointer = reference.strip_prefix('#')?;
        self.schema.pointer(pointer)
    }

    fn check(&self, node: &Value, value: &Value, path: &str, depth: usize, out: &mut Vec<SchemaProblem>) {
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
                    self.check(node, branch, &format!("{}[{i}]", child(path, "Fn::If")), depth + 1, out);
                }
            }
            return;
        }
        let node = match node {
            Value::Object(map) => map,
            Value::Bool(false) => {
                Self::problem(out, path, Kind::Combination, "no value is allowed here".into());
                return;
            }
            _ => return,
        };
        if let Some(target) = node.field("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            self.check(target, value, path, depth + 1, out);
        }
        let types = declared_types(node);

        // Values not known at synthesis.
        if let Some((name, produces)) = intrinsic(value) {
            if let Some(types) = &types {
                let fits = match produces {
                    Produces::Anything => true,
                    Produces::String => types.iter().any(|t| matches!(*t, "string" | "integer" | "number" | "boolean")),
                    Produces::List => types.contains(&"array"),
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
            if let Some(types) = &types
                && !types.iter().any(|t| matches!(*t, "string" | "integer" | "number" | "boolean"))
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

        if let Some(types) = &types
            && !types.is_empty()
            && !types.iter().any(|t| self.mode.has_type(t, value))
        {
            Self::problem(
                out,
                path,
                Kind::WrongType,
                format!("expected {}, found {} {}", types.join(" or "), json_type(value), self.shown(path, value)),
            );
            return;
        }

        if let Some(allowed) = node.field("const")
            && !self.mode.equal(allowed, value)
        {
            Self::problem(
                out,
                path,
                Kind::Enum,
                format!("{} must be {}", self.shown(path, value), show_allowed(allowed)),
            );
        }
        if let Some(allowed) = node.field("enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| self.mode.equal(a, value))
        {
            let list: Vec<String> = allowed.iter().map(show_allowed).collect();
            Self::problem(
                out,
                path,
                Kind::Enum,
                format!("{} is not one of {}", self.shown(path, value), list.join(", ")),
            );
        }
        // cfn-lint's `enumCaseInsensitive`: the service accepts any letter case.
        if let Some(allowed) = node.field("enumCaseInsensitive").and_then(Value::as_array)
            && let Some(text) = scalar_text(value)
            && !allowed.iter().any(|a| scalar_text(a).is_some_and(|a| a.eq_ignore_ascii_case(&text)))
        {
            let list: Vec<String> = allowed.iter().map(show_allowed).collect();
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
                let numeric = types.as_ref().is_some_and(|t| !t.contains(&"string")) && self.mode == Mode::Reading;
                match numeric_string(value).filter(|_| numeric) {
                    Some(n) => self.check_number(node, &n, path, out),
                    None => self.check_string(node, s, value, path, out),
                }
            }
            Value::Number(_) => self.check_number(node, value, path, out),
            Value::Array(items) => self.check_array(node, items, path, depth, out),
            Value::Object(map) => self.check_object(node, map, path, depth, out),
            _ => {}
        }
        self.check_combinators(node, value, path, depth, out);
    }

    fn check_string(
        &self,
        node: &Map<String, Value>,
        s: &str,
        value: &Value,
        path: &str,
        out: &mut Vec<SchemaProblem>,
    ) {
        let len = s.chars().count();
        if let Some(min) = node.field("minLength").and_then(Value::as_u64)
            && (len as u64) < min
        {
            Self::problem(
                out,
                path,
                Kind::Length,
                format!("{} is shorter than the minimum length {min} ({len} characters)", self.shown(path, value)),
            );
        }
        if let Some(max) = node.field("maxLength").and_then(Value::as_u64)
            && (len as u64) > max
        {
            Self::problem(
                out,
                path,
                Kind::Length,
                format!("{} is longer than the maximum length {max} ({len} characters)", self.shown(path, value)),
            );
        }
        if let Some(source) = node.field("pattern").and_then(Value::as_str) {
            let owned;
            let pattern = match self.schema.pattern(source) {
                Some(p) => p,
                None => {
                    owned = Pattern::new(source);
                    &owned
                }
            };
            if pattern.is_match(s) == Some(false) {
                Self::problem(out, path, Kind::Pattern, format!("{} does not match {source}", self.shown(path, value)));
            }
        }
    }

    fn check_number(&self, node: &Map<String, Value>, value: &Value, path: &str, out: &mut Vec<SchemaProblem>) {
        let Some(n) = value.as_f64() else { return };
        let bound = |key: &str| node.field(key).and_then(Value::as_f64).map(|b| (b, node[key].to_string()));
        if let Some((min, text)) = bound("minimum")
            && n < min
        {
            Self::problem(
                out,
                path,
                Kind::Range,
                format!("{} is less than the minimum {text}", self.shown(path, value)),
            );
        }
        if let Some((max, text)) = bound("maximum")
            && n > max
        {
            Self::problem(
                out,
                path,
                Kind::Range,
                format!("{} is greater than the maximum {text}", self.shown(path, value)),
            );
        }
        if let Some((min, text)) = bound("exclusiveMinimum")
            && n <= min
        {
            Self::problem(out, path, Kind::Range, format!("{} must be greater than {text}", self.shown(path, value)));
        }
        if let Some((max, text)) = bound("exclusiveMaximum")
            && n >= max
        {
            Self::problem(out, path, Kind::Range, format!("{} must be less than {text}", self.shown(path, value)));
        }
        if let Some((step, text)) = bound("multipleOf")
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
        node: &Map<String, Value>,
        items: &[Value],
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        // Items that are `AWS::NoValue` under some condition: at least `surely` items, at most `count`.
        let count = items.iter().filter(|v| !is_no_value(v)).count() as u64;
        let surely = items.iter().filter(|v| surely_present(v)).count() as u64;
        if let Some(min) = node.field("minItems").and_then(Value::as_u64)
            && count < min
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {count} items, fewer than the minimum {min}"));
        }
        if let Some(max) = node.field("maxItems").and_then(Value::as_u64)
            && surely > max
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {surely} items, more than the maximum {max}"));
        }
        if let Some(keys) = node.field("uniqueKeys").and_then(Value::as_array) {
            let keys: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
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
                            &index(path, *j),
                            Kind::UniqueItems,
                            format!("has the same {} as item [{i}]", join_names(&keys)),
                        );
                        break 'keys;
                    }
                }
            }
        }
        if node.field("uniqueItems") == Some(&Value::Bool(true)) {
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
        let prefix = match node.field("prefixItems").and_then(Value::as_array) {
            Some(tuple) => {
                for (i, (item, sub)) in items.iter().zip(tuple).enumerate() {
                    self.check(sub, item, &index(path, i), depth + 1, out);
                }
                tuple.len()
            }
            None => 0,
        };
        match node.field("items") {
            Some(Value::Array(tuple)) => {
                for (i, (item, sub)) in items.iter().zip(tuple).enumerate() {
                    self.check(sub, item, &index(path, i), depth + 1, out);
                }
            }
            Some(sub) => {
                for (i, item) in items.iter().enumerate().skip(prefix) {
                    self.check(sub, item, &index(path, i), depth + 1, out);
                }
            }
            None => {}
        }
    }

    fn check_object(
        &self,
        node: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        let properties = node.field("properties").and_then(Value::as_object);
        let pattern_properties = node.field("patternProperties").and_then(Value::as_object);
        for (key, item) in map {
            if is_no_value(item) {
                continue; // removed by CloudFormation, as if absent
            }
            let item_path = child(path, key);
            if let Some(sub) = properties.and_then(|p| p.field(key)) {
                self.check(sub, item, &item_path, depth + 1, out);
                continue;
            }
            let mut matched = false;
            for (source, sub) in pattern_properties.into_iter().flatten() {
                let hit = match self.schema.pattern(source) {
                    Some(p) => p.is_match(key),
                    None => Pattern::new(source).is_match(key),
                };
                // A skipped key pattern is taken as matching: we cannot say it does not.
                if hit != Some(false) {
                    matched = true;
                    self.check(sub, item, &item_path, depth + 1, out);
                }
            }
            if matched {
                continue;
            }
            match node.field("additionalProperties") {
                Some(Value::Bool(false)) => {
                    let hint = properties
                        .and_then(|p| suggestion(key, p.keys()))
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    Self::problem(out, &item_path, Kind::UnknownProperty, format!("is not a valid property{hint}"));
                }
                Some(sub @ Value::Object(_)) => self.check(sub, item, &item_path, depth + 1, out),
                _ => {}
            }
        }

        for name in node.field("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = name.as_str()
                && !is_set(map, name)
            {
                Self::problem(out, &child(path, name), Kind::MissingRequired, "is required".into());
            }
        }

        if let Some(names) = node.field("requiredOr").and_then(Value::as_array) {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
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
        if let Some(min) = node.field("minProperties").and_then(Value::as_u64)
            && count < min
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {count} properties, fewer than the minimum {min}"));
        }
        if let Some(max) = node.field("maxProperties").and_then(Value::as_u64)
            && surely > max
        {
            Self::problem(out, path, Kind::ItemCount, format!("has {surely} properties, more than the maximum {max}"));
        }

        if let Some(names) = node.field("requiredXor").and_then(Value::as_array) {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
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
                        &child(path, key),
                        Kind::Combination,
                        format!("only one of {} may be set (found {})", join_names(&names), join_names(&set)),
                    );
                }
            }
        }

        for (key, keyword) in [("dependentExcluded", true), ("dependentRequired", false), ("dependencies", false)] {
            for (trigger, deps) in node.field(key).and_then(Value::as_object).into_iter().flatten() {
                if !is_set(map, trigger) {
                    continue;
                }
                match deps {
                    Value::Array(names) => {
                        for other in names.iter().filter_map(Value::as_str) {
                            let other_set = is_set(map, other);
                            if keyword && other_set {
                                Self::problem(
                                    out,
                                    &child(path, other),
                                    Kind::Combination,
                                    format!("cannot be set together with {}", child(path, trigger)),
                                );
                            } else if !keyword && !other_set {
                                Self::problem(
                                    out,
                                    &child(path, other),
                                    Kind::MissingRequired,
                                    format!("is required when {} is set", child(path, trigger)),
                                );
                            }
                        }
                    }
                    sub @ Value::Object(_) if !keyword => {
                        let value = Value::Object(map.clone());
                        self.check(sub, &value, path, depth + 1, out);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Problems of `value` against one alternative.
    fn branch(&self, sub: &Value, value: &Value, path: &str, depth: usize) -> Vec<SchemaProblem> {
        let mut found = Vec::new();
        self.check(sub, value, path, depth + 1, &mut found);
        found
    }

    /// What is wrong with `value` against the alternatives of `anyOf`/`oneOf`, if anything.
    fn alternatives(
        &self,
        keyword: &str,
        branches: &[Value],
        value: &Value,
        path: &str,
        depth: usize,
    ) -> Option<String> {
        let results: Vec<Vec<SchemaProblem>> = branches.iter().map(|b| self.branch(b, value, path, depth)).collect();
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
        node: &Map<String, Value>,
        value: &Value,
        path: &str,
        depth: usize,
        out: &mut Vec<SchemaProblem>,
    ) {
        for sub in node.field("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.check(sub, value, path, depth + 1, out);
        }
        // An object whose members are chosen by conditions (`Fn::If` with `AWS::NoValue`) is
        // judged once per choice of its conditions; a problem is reported only when every
        // choice has it, so that an impossible combination never makes a false error.
        let variants = scenarios(value);
        for keyword in ["anyOf", "oneOf"] {
            let Some(branches) = node.field(keyword).and_then(Value::as_array).filter(|b| !b.is_empty()) else {
                continue;
            };
            let mut first = None;
            let mut all_fail = true;
            for variant in variants.as_deref().unwrap_or(std::slice::from_ref(value)) {
                match self.alternatives(keyword, branches, variant, path, depth) {
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
        if let Some(condition) = node.field("if")
            && !value.as_object().is_some_and(has_conditional_member)
        {
            let then = if self.branch(condition, value, path, depth).is_empty() { "then" } else { "else" };
            if let Some(sub) = node.field(then) {
                self.check(sub, value, path, depth + 1, out);
            }
        }
        if let Some(sub) = node.field("not")
            && self.branch(sub, value, path, depth).is_empty()
        {
            Self::problem(out, path, Kind::Combination, format!("must not match {}", show(sub)));
        }
    }
}

/// Names for alternatives that each require properties: `["Users", "Groups", "Roles"]`.
fn describe(branches: &[Value]) -> Option<Vec<String>> {
    branches
        .iter()
        .map(|b| {
            let names: Vec<&str> = b.field("required")?.as_array()?.iter().filter_map(Value::as_str).collect();
            (!names.is_empty()).then(|| names.join(" and "))
        })
        .collect()
}

fn all_requirements_missing(branches: &[Value], value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    branches.iter().all(|b| {
        b.field("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().filter_map(Value::as_str).any(|n| !is_set(map, n)))
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
            "",
            Kind::WrongType,
            format!("Properties must be an object, found {} {}", json_type(properties), show(properties)),
        );
        return out;
    }
    let validator = Validator { schema, mode };
    validator.check(&schema.raw, properties, "", 0, &mut out);

    for read_only in schema.read_only_properties().iter().filter(|p| !p.contains("[*]")) {
        let mut current = Some(properties);
        for part in read_only.split('.') {
            current = current.and_then(|v| v.as_object()).and_then(|m| m.field(part)).filter(|v| !is_no_value(v));
        }
        if current.is_some() {
            Validator::problem(
                &mut out,
                read_only,
                Kind::ReadOnly,
                "is read-only: CloudFormation sets it (read it with Fn::GetAtt)".into(),
            );
        }
    }
    out
}
