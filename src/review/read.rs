//! Reading CloudFormation templates written by anyone: JSON, or YAML with short-form tags.
//!
//! [`read_template`] turns the text into a [`Template`]: a `serde_json::Value` in long form
//! (`!Ref X` becomes `{"Ref": "X"}`) plus the line of every mapping key, so that problems can
//! cite `file:line`.
//!
//! # How YAML scalars are read
//! CloudFormation reads YAML 1.1. For plain (unquoted) scalars this reader follows the common
//! YAML 1.1 readers (PyYAML, which cfn-lint uses, and SnakeYAML):
//!
//! | written | read as |
//! |---|---|
//! | `'x'`, `"x"`, `|`, `>` blocks | string |
//! | `~`, `null`, `Null`, `NULL`, nothing | null |
//! | `true`/`false`, `yes`/`no`, `on`/`off` (lower, Title or UPPER case) | boolean |
//! | `y`, `n` | string (PyYAML and SnakeYAML do not treat them as booleans) |
//! | `42`, `-7`, `1_000`, `0x1F`, `0b101` | integer |
//! | `0777` | integer 511 (YAML 1.1 octal) |
//! | `12:30` | integer 750 (YAML 1.1 base 60) |
//! | `1.5`, `-0.5e+3`, `.5` | float |
//! | `1e3` | string (YAML 1.1 floats need a dot) |
//! | `.inf`, `.nan` | string (JSON has no such numbers) |
//! | `2012-10-17` | string, as written (CloudFormation keeps dates as text) |
//! | an integer too large for 64 bits | string, as written |
//!
//! A tagged scalar (`!Ref 123`) is always a string; `!!str`, `!!int`, `!!float`, `!!bool`,
//! `!!null`, `!!map` and `!!seq` are honoured; other `!!` tags, aliases, merge keys (`<<`),
//! several documents and duplicate keys are errors, as they are for CloudFormation.
//!
//! # Limits
//! Inputs over [`MAX_INPUT_BYTES`] and nesting deeper than [`MAX_DEPTH`] are refused with a
//! [`ReadError`], so no input can exhaust the stack of code that walks the value later.

use std::collections::HashMap;
use std::fmt;

use granit_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

/// Largest input accepted, in bytes (8 MiB; CloudFormation itself accepts at most 1,000,000).
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 100;

/// The text format a template was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// JSON.
    Json,
    /// YAML (short-form tags allowed).
    Yaml,
    /// Built from a value in memory, not read from text.
    Value,
}

/// A template read from text: its value in long form plus the line of each mapping key.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    value: Value,
    format: SourceFormat,
    /// JSON pointer of a mapping entry (`/Resources/Stream`) → 1-based line of its key.
    lines: HashMap<String, usize>,
}

impl Template {
    /// Wraps a value built in memory. Fails when it is not a mapping or nests deeper than
    /// [`MAX_DEPTH`].
    ///
    /// ```
    /// use rcdk::review::read::Template;
    /// let t = Template::from_value(serde_json::json!({"Resources": {}})).unwrap();
    /// assert!(t.resources().unwrap().is_empty());
    /// assert!(Template::from_value(serde_json::json!([1])).is_err());
    /// ```
    pub fn from_value(value: Value) -> Result<Template, ReadError> {
        if !value.is_object() {
            return Err(ReadError::new(ReadErrorKind::NotAMapping { found: kind_name(&value) }));
        }
        if depth_of(&value) > MAX_DEPTH {
            return Err(ReadError::new(ReadErrorKind::TooDeep { limit: MAX_DEPTH }));
        }
        Ok(Template { value, format: SourceFormat::Value, lines: HashMap::new() })
    }

    /// The whole template (always a JSON object).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The top-level mapping.
    pub fn root(&self) -> &Map<String, Value> {
        match &self.value {
            Value::Object(m) => m,
            // Every constructor checks this; an empty map keeps the accessor total.
            _ => empty_map(),
        }
    }

    /// Consumes the template, giving back its value.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// The format the template was read from.
    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// A top-level section (`Resources`, `Parameters`, …) when it is a mapping.
    pub fn section(&self, name: &str) -> Option<&Map<String, Value>> {
        self.root().get(name).and_then(Value::as_object)
    }

    /// The `Resources` section.
    pub fn resources(&self) -> Option<&Map<String, Value>> {
        self.section("Resources")
    }

    /// The 1-based line of the key at `path` (`&["Resources", "Stream"]`), when known.
    ///
    /// ```
    /// use rcdk::review::read::read_template;
    /// let t = read_template("Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n").unwrap();
    /// assert_eq!(t.line_of(&["Resources", "Stream"]), Some(2));
    /// ```
    pub fn line_of(&self, path: &[&str]) -> Option<usize> {
        let mut pointer = String::new();
        for segment in path {
            push_pointer(&mut pointer, segment);
        }
        self.lines.get(&pointer).copied()
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// Why a template could not be read, with the position when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What went wrong.
    pub kind: ReadErrorKind,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl ReadError {
    fn new(kind: ReadErrorKind) -> ReadError {
        ReadError { kind, line: None, column: None }
    }

    fn at(kind: ReadErrorKind, line: usize, column: usize) -> ReadError {
        ReadError { kind, line: Some(line), column: Some(column) }
    }

    /// The error as `file:line:column: message`, the way compilers cite a position.
    ///
    /// ```
    /// use rcdk::review::read::read_template;
    /// let err = read_template("A: 1\nA: 2\n").unwrap_err();
    /// assert_eq!(err.in_file("t.yaml"), "t.yaml:2:1: duplicate key `A` (first at line 1)");
    /// ```
    pub fn in_file(&self, file: &str) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", self.kind),
            (Some(l), None) => format!("{file}:{l}: {}", self.kind),
            _ => format!("{file}: {}", self.kind),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.kind),
            (Some(l), None) => write!(f, "line {l}: {}", self.kind),
            _ => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for ReadError {}

/// The kinds of [`ReadError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadErrorKind {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("the input is {size} bytes; templates over {limit} bytes are not read")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8 text.
    #[error("the input is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// Nothing but whitespace and comments.
    #[error("the template is empty")]
    Empty,
    /// The JSON or YAML syntax is broken.
    #[error("{format} syntax error: {message}")]
    Syntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// The top level is not a mapping.
    #[error("a template must be a mapping at the top level, found {found}")]
    NotAMapping {
        /// What was found instead.
        found: &'static str,
    },
    /// Nesting is deeper than [`MAX_DEPTH`].
    #[error("nesting is deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A mapping has the same key twice.
    #[error("duplicate key `{key}` (first at line {first_line})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Line of its first occurrence.
        first_line: usize,
    },
    /// A YAML alias (`*name`).
    #[error("YAML aliases (`*name`) are not supported by CloudFormation")]
    Alias,
    /// A YAML merge key (`<<`).
    #[error("YAML merge keys (`<<`) are not supported by CloudFormation")]
    MergeKey,
    /// A tag that CloudFormation does not know.
    #[error("unknown tag `{tag}`")]
    UnknownTag {
        /// The tag as written.
        tag: String,
    },
    /// A known tag used on the wrong kind of node or value.
    #[error("bad `{tag}`: {message}")]
    BadTag {
        /// The tag as written.
        tag: String,
        /// What is wrong.
        message: String,
    },
    /// A mapping key that is itself a mapping, a sequence or a tagged value.
    #[error("mapping keys must be plain strings")]
    ComplexKey,
    /// More than one YAML document.
    #[error("a template must be a single YAML document")]
    MultipleDocuments,
}

/// Reads a template from JSON or YAML text (short-form tags become long form).
///
/// ```
/// use rcdk::review::read::read_template;
/// use serde_json::json;
///
/// let t = read_template("Resources:\n  R:\n    Type: X\n    Properties:\n      A: !GetAtt S.Arn\n").unwrap();
/// assert_eq!(t.value()["Resources"]["R"]["Properties"]["A"], json!({"Fn::GetAtt": ["S", "Arn"]}));
/// let j = read_template(r#"{"Resources": {}}"#).unwrap();
/// assert!(j.resources().unwrap().is_empty());
/// ```
pub fn read_template(text: &str) -> Result<Template, ReadError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ReadError::new(ReadErrorKind::TooLarge { size: text.len(), limit: MAX_INPUT_BYTES }));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        match read_json(text) {
            Ok(t) => Ok(t),
            // A YAML flow mapping also starts with `{`; report the JSON error if both fail.
            Err(json_err) => read_yaml(text).map_err(|_| json_err),
        }
    } else {
        read_yaml(text)
    }
}

/// Reads a template from bytes: checks the size and UTF-8, then calls [`read_template`].
///
/// ```
/// use rcdk::review::read::read_template_bytes;
/// assert!(read_template_bytes(&[0xff, 0xfe, 0x00]).is_err());
/// ```
pub fn read_template_bytes(bytes: &[u8]) -> Result<Template, ReadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ReadError::new(ReadErrorKind::TooLarge { size: bytes.len(), limit: MAX_INPUT_BYTES }));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => read_template(text),
        Err(e) => Err(ReadError::new(ReadErrorKind::NotUtf8 { offset: e.valid_up_to() })),
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// Depth of a value, computed without recursion.
fn depth_of(v: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(a) => {
                max = max.max(d);
                stack.extend(a.iter().map(|x| (x, d + 1)));
            }
            Value::Object(o) => {
                max = max.max(d);
                stack.extend(o.values().map(|x| (x, d + 1)));
            }
            _ => {}
        }
    }
    max
}

fn push_pointer(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

fn child_pointer(parent: &str, segment: &str) -> String {
    let mut p = parent.to_string();
    push_pointer(&mut p, segment);
    p
}

// ---------------------------------------------------------------- JSON

fn read_json(text: &str) -> Result<Template, ReadError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            let kind = if msg.contains("recursion limit") {
                ReadErrorKind::TooDeep { limit: MAX_DEPTH }
            } else {
                // serde_json appends " at line L column C"; keep only the message.
                let message = match msg.find(" at line ") {
                    Some(i) => msg[..i].to_string(),
                    None => msg,
                };
                ReadErrorKind::Syntax { format: "JSON", message }
            };
            return Err(ReadError::at(kind, e.line(), e.column()));
        }
    };
    if !value.is_object() {
        return Err(ReadError::at(ReadErrorKind::NotAMapping { found: kind_name(&value) }, 1, 1));
    }
    let lines = json_key_lines(text)?;
    Ok(Template { value, format: SourceFormat::Json, lines })
}

enum JsonFrame {
    Object { pointer: String, keys: HashMap<String, usize>, key: Option<String> },
    Array { pointer: String, index: usize },
}

/// Walks valid JSON text once, recording the line of every object key, refusing duplicate
/// keys and nesting deeper than [`MAX_DEPTH`]. Never panics, even on invalid JSON.
fn json_key_lines(text: &str) -> Result<HashMap<String, usize>, ReadError> {
    let bytes = text.as_bytes();
    let mut lines = HashMap::new();
    let mut stack: Vec<JsonFrame> = Vec::new();
    let mut line = 1usize;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ReadError::at(ReadErrorKind::TooDeep { limit: MAX_DEPTH }, line, i - line_start + 1));
                }
                let pointer = match stack.last() {
                    None => String::new(),
                    Some(JsonFrame::Object { pointer, key, .. }) => {
                        child_pointer(pointer, key.as_deref().unwrap_or(""))
                    }
                    Some(JsonFrame::Array { pointer, index }) => child_pointer(pointer, &index.to_string()),
                };
                stack.push(if b == b'{' {
                    JsonFrame::Object { pointer, keys: HashMap::new(), key: None }
                } else {
                    JsonFrame::Array { pointer, index: 0 }
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(JsonFrame::Array { index, .. }) => *index += 1,
                    Some(JsonFrame::Object { key, .. }) => *key = None,
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = (i + 1).min(bytes.len());
                i = end;
                if let Some(JsonFrame::Object { pointer, keys, key }) = stack.last_mut()
                    && key.is_none()
                {
                    let raw = text.get(start..end).unwrap_or("");
                    let name: String = serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string());
                    if let Some(first) = keys.get(&name) {
                        return Err(ReadError::at(
                            ReadErrorKind::DuplicateKey { key: name, first_line: *first },
                            line,
                            start - line_start + 1,
                        ));
                    }
                    keys.insert(name.clone(), line);
                    lines.insert(child_pointer(pointer, &name), line);
                    *key = Some(name);
                }
            }
            _ => i += 1,
        }
    }
    Ok(lines)
}

// ---------------------------------------------------------------- YAML

/// What a short-form tag turns its node into.
enum Wrap {
    /// `{"<name>": node}`.
    Function(&'static str),
    /// `!GetAtt`: a scalar `A.B` becomes `["A", "B"]`.
    GetAtt,
    /// `!!str` and friends, or the non-specific `!`.
    Core(&'static str),
}

fn short_form(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "GetAZs" => "Fn::GetAZs",
        "FindInMap" => "Fn::FindInMap",
        "Cidr" => "Fn::Cidr",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        // Rule-specific functions, allowed in the Rules section only; see
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/rules-section-structure.html
        "Contains" => "Fn::Contains",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "EachMemberIn" => "Fn::EachMemberIn",
        "RefAll" => "Fn::RefAll",
        "ValueOf" => "Fn::ValueOf",
        "ValueOfAll" => "Fn::ValueOfAll",
        _ => return None,
    })
}

fn tag_text(tag: &Tag) -> String {
    let (handle, suffix) = tag.original_parts();
    format!("{handle}{suffix}")
}

fn classify_tag(tag: &Tag, line: usize, col: usize) -> Result<Wrap, ReadError> {
    if tag.is_yaml_core_schema() {
        let core = match tag.suffix() {
            "str" => "str",
            "int" => "int",
            "float" => "float",
            "bool" => "bool",
            "null" => "null",
            "map" => "map",
            "seq" => "seq",
            _ => {
                return Err(ReadError::at(ReadErrorKind::UnknownTag { tag: tag_text(tag) }, line, col));
            }
        };
        return Ok(Wrap::Core(core));
    }
    if tag.handle() == "!" {
        if tag.suffix().is_empty() {
            return Ok(Wrap::Core("str"));
        }
        if tag.suffix() == "GetAtt" {
            return Ok(Wrap::GetAtt);
        }
        if let Some(name) = short_form(tag.suffix()) {
            return Ok(Wrap::Function(name));
        }
    }
    Err(ReadError::at(ReadErrorKind::UnknownTag { tag: tag_text(tag) }, line, col))
}

struct Open {
    pointer: String,
    depth: usize,
    wrap: Option<(Wrap, String)>,
    line: usize,
    col: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Value>),
    Map { map: Map<String, Value>, key: Option<String>, key_lines: HashMap<String, usize> },
}

struct YamlBuilder {
    stack: Vec<Open>,
    root: Option<Value>,
    lines: HashMap<String, usize>,
}

impl YamlBuilder {
    /// The pointer and depth a new node gets under the current parent.
    fn child_position(&self) -> (String, usize) {
        match self.stack.last() {
            None => (String::new(), 0),
            Some(open) => {
                let seg = match &open.body {
                    Body::Seq(items) => items.len().to_string(),
                    Body::Map { key, .. } => key.clone().unwrap_or_default(),
                };
                let mut p = open.pointer.clone();
                push_pointer(&mut p, &seg);
                (p, open.depth)
            }
        }
    }

    /// Is the next node a mapping key?
    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Open { body: Body::Map { key: None, .. }, .. }))
    }

    fn key(&mut self, text: &str, line: usize, col: usize) -> Result<(), ReadError> {
        if let Some(Open { pointer, body: Body::Map { map, key, key_lines }, .. }) = self.stack.last_mut() {
            if let Some(first) = key_lines.get(text) {
                return Err(ReadError::at(
                    ReadErrorKind::DuplicateKey { key: text.to_string(), first_line: *first },
                    line,
                    col,
                ));
            }
            debug_assert!(!map.contains_key(text));
            key_lines.insert(text.to_string(), line);
            self.lines.insert(child_pointer(pointer, text), line);
            *key = Some(text.to_string());
        }
        Ok(())
    }

    fn open(&mut self, tag: Option<&Tag>, line: usize, col: usize, is_map: bool) -> Result<(), ReadError> {
        if self.expecting_key() {
            return Err(ReadError::at(ReadErrorKind::ComplexKey, line, col));
        }
        let (pointer, parent_depth) = self.child_position();
        let wrap = match tag {
            Some(t) => Some((classify_tag(t, line, col)?, tag_text(t))),
            None => None,
        };
        let (extra, pointer) = match &wrap {
            Some((Wrap::Function(name), _)) => (1, child_pointer(&pointer, name)),
            Some((Wrap::GetAtt, _)) => (1, child_pointer(&pointer, "Fn::GetAtt")),
            _ => (0, pointer),
        };
        let depth = parent_depth + 1 + extra;
        if depth > MAX_DEPTH {
            return Err(ReadError::at(ReadErrorKind::TooDeep { limit: MAX_DEPTH }, line, col));
        }
        let body = if is_map {
            Body::Map { map: Map::new(), key: None, key_lines: HashMap::new() }
        } else {
            Body::Seq(Vec::new())
        };
        self.stack.push(Open { pointer, depth, wrap, line, col, body });
        Ok(())
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
            }
            Some(open) => match &mut open.body {
                Body::Seq(items) => items.push(value),
                Body::Map { map, key, .. } => {
                    let k = key.take().unwrap_or_default();
                    map.insert(k, value);
                }
            },
        }
    }
}

fn pos(span: &Span) -> (usize, usize) {
    let m = span.tag_start.unwrap_or(span.start);
    (m.line(), m.col() + 1)
}

fn read_yaml(text: &str) -> Result<Template, ReadError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = YamlBuilder { stack: Vec::new(), root: None, lines: HashMap::new() };
    let mut documents = 0usize;
    let mut last_line = 1usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let m = e.marker();
            let kind = if matches!(e.kind(), granit_parser::ErrorKind::RecursionLimitExceeded) {
                ReadErrorKind::TooDeep { limit: MAX_DEPTH }
            } else {
                ReadErrorKind::Syntax { format: "YAML", message: e.info() }
            };
            ReadError::at(kind, m.line(), m.col() + 1)
        })?;
        let (line, col) = pos(&span);
        last_line = line;
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(ReadError::at(ReadErrorKind::MultipleDocuments, line, col));
                }
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return Err(ReadError::at(ReadErrorKind::Alias, line, col));
            }
            Event::Scalar(value, style, _anchor, tag) => {
                if b.expecting_key() {
                    // A key may carry the non-specific `!` or `!!str` tag (PyYAML reads `! "Ref"` as
                    // the string `Ref`); any other tag makes it something other than a string.
                    if let Some(tag) = &tag
                        && tag_text(tag) != "!"
                        && !matches!(classify_tag(tag, line, col), Ok(Wrap::Core("str")))
                    {
                        return Err(ReadError::at(ReadErrorKind::ComplexKey, line, col));
                    }
                    if style == ScalarStyle::Plain && value == "<<" {
                        return Err(ReadError::at(ReadErrorKind::MergeKey, line, col));
                    }
                    b.key(&value, line, col)?;
                    continue;
                }
                let v = match tag {
                    None if style == ScalarStyle::Plain => resolve_plain(&value),
                    None => Value::String(value.into_owned()),
                    Some(tag) => {
                        let wrap = classify_tag(&tag, line, col)?;
                        tagged_scalar(wrap, &value, &tag_text(&tag), line, col)?
                    }
                };
                b.attach(v);
            }
            Event::SequenceStart(_, _anchor, tag) => {
                b.open(tag.as_deref(), line, col, false)?;
            }
            Event::MappingStart(_, _anchor, tag) => {
                b.open(tag.as_deref(), line, col, true)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = b.stack.pop() else { continue };
                let inner = match open.body {
                    Body::Seq(items) => Value::Array(items),
                    Body::Map { map, .. } => Value::Object(map),
                };
                let v = match open.wrap {
                    None => inner,
                    Some((wrap, tag)) => tagged_collection(wrap, inner, &tag, open.line, open.col)?,
                };
                b.attach(v);
            }
            _ => {}
        }
    }
    match b.root {
        None => Err(ReadError::new(ReadErrorKind::Empty)),
        Some(Value::Null) => Err(ReadError::new(ReadErrorKind::Empty)),
        Some(v @ Value::Object(_)) => Ok(Template { value: v, format: SourceFormat::Yaml, lines: b.lines }),
        Some(v) => Err(ReadError::at(ReadErrorKind::NotAMapping { found: kind_name(&v) }, last_line.clamp(1, 1), 1)),
    }
}

fn bad_tag(tag: &str, message: impl Into<String>, line: usize, col: usize) -> ReadError {
    ReadError::at(ReadErrorKind::BadTag { tag: tag.to_string(), message: message.into() }, line, col)
}

fn function(name: &str, arg: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_string(), arg);
    Value::Object(m)
}

fn tagged_scalar(wrap: Wrap, text: &str, tag: &str, line: usize, col: usize) -> Result<Value, ReadError> {
    Ok(match wrap {
        Wrap::Function(name) => function(name, Value::String(text.to_string())),
        Wrap::GetAtt => match text.split_once('.') {
            Some((resource, attribute)) if !resource.is_empty() && !attribute.is_empty() => function(
                "Fn::GetAtt",
                Value::Array(vec![Value::String(resource.to_string()), Value::String(attribute.to_string())]),
            ),
            _ => {
                return Err(bad_tag(tag, format!("expected `LogicalId.Attribute`, found `{text}`"), line, col));
            }
        },
        Wrap::Core("str") => Value::String(text.to_string()),
        Wrap::Core("null") => match resolve_plain(text) {
            Value::Null => Value::Null,
            _ => return Err(bad_tag(tag, format!("`{text}` is not null"), line, col)),
        },
        Wrap::Core("bool") => match resolve_plain(text) {
            v @ Value::Bool(_) => v,
            _ => {
                return Err(bad_tag(tag, format!("`{text}` is not a boolean"), line, col));
            }
        },
        Wrap::Core("int") => match parse_int(text) {
            Some(v) => v,
            None => {
                return Err(bad_tag(tag, format!("`{text}` is not an integer"), line, col));
            }
        },
        Wrap::Core("float") => match parse_float(text).or_else(|| parse_int(text)) {
            Some(v) => v,
            None => return Err(bad_tag(tag, format!("`{text}` is not a number"), line, col)),
        },
        Wrap::Core(other) => {
            return Err(bad_tag(tag, format!("a scalar cannot be a {other}"), line, col));
        }
    })
}

fn tagged_collection(wrap: Wrap, inner: Value, tag: &str, line: usize, col: usize) -> Result<Value, ReadError> {
    Ok(match wrap {
        Wrap::Function(name) => function(name, inner),
        Wrap::GetAtt => {
            if !inner.is_array() {
                return Err(bad_tag(tag, "expected `LogicalId.Attribute` or a sequence", line, col));
            }
            function("Fn::GetAtt", inner)
        }
        Wrap::Core("map") if inner.is_object() => inner,
        Wrap::Core("seq") if inner.is_array() => inner,
        Wrap::Core(other) => {
            return Err(bad_tag(tag, format!("a {} cannot be a {other}", kind_name(&inner)), line, col));
        }
    })
}

/// Resolves a plain (unquoted, untagged) YAML scalar the way YAML 1.1 readers do.
///
/// ```
/// use rcdk::review::read::resolve_plain;
/// use serde_json::json;
/// assert_eq!(resolve_plain("yes"), json!(true));
/// assert_eq!(resolve_plain("0777"), json!(511));
/// assert_eq!(resolve_plain("2012-10-17"), json!("2012-10-17"));
/// ```
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    parse_int(text).or_else(|| parse_float(text)).unwrap_or_else(|| Value::String(text.to_string()))
}

fn digits_ok(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c == '_' || c.is_digit(radix))
}

fn int_value(negative: bool, magnitude: u128) -> Option<Value> {
    if negative {
        let v = i64::try_from(magnitude).ok().map(|m| -m).or_else(|| {
            // i64::MIN has no positive counterpart.
            (magnitude == 1u128 << 63).then_some(i64::MIN)
        })?;
        Some(Value::Number(Number::from(v)))
    } else {
        u64::try_from(magnitude).ok().map(|v| Value::Number(Number::from(v)))
    }
}

fn parse_radix(digits: &str, radix: u32) -> Option<u128> {
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return Some(0);
    }
    u128::from_str_radix(&clean, radix).ok()
}

fn parse_int(text: &str) -> Option<Value> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = if let Some(bin) = rest.strip_prefix("0b") {
        if !digits_ok(bin, 2) {
            return None;
        }
        parse_radix(bin, 2)?
    } else if let Some(hex) = rest.strip_prefix("0x") {
        if !digits_ok(hex, 16) {
            return None;
        }
        parse_radix(hex, 16)?
    } else if rest == "0" {
        0
    } else if let Some(oct) = rest.strip_prefix('0') {
        if !digits_ok(oct, 8) {
            return None;
        }
        parse_radix(oct, 8)?
    } else if rest.contains(':') {
        // Base 60: [1-9][0-9_]*(:[0-5]?[0-9])+
        let mut parts = rest.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c)) || !digits_ok(first, 10) {
            return None;
        }
        let mut total = parse_radix(first, 10)?;
        for part in parts {
            let ok = matches!(part.len(), 1 | 2)
                && part.chars().all(|c| c.is_ascii_digit())
                && (part.len() == 1 || part.as_bytes()[0] <= b'5');
            if !ok {
                return None;
            }
            total = total.checked_mul(60)?.checked_add(parse_radix(part, 10)?)?;
        }
        total
    } else {
        if !rest.starts_with(|c: char| ('1'..='9').contains(&c)) || !digits_ok(rest, 10) {
            return None;
        }
        parse_radix(rest, 10)?
    };
    int_value(negative, magnitude)
}

fn parse_float(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, frac) = mantissa.split_once('.')?;
    let whole_ok = whole.is_empty() || (whole.starts_with(|c: char| c.is_ascii_digit()) && digits_ok(whole, 10));
    let frac_ok = frac.is_empty() || digits_ok(frac, 10);
    let has_digit = whole.chars().chain(frac.chars()).any(|c| c.is_ascii_digit());
    if !whole_ok || !frac_ok || !has_digit {
        return None;
    }
    if whole.is_empty() && !frac.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let f: f64 = clean.parse().ok()?;
    Number::from_f64(f).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        read_template(text).unwrap().into_value()
    }

    fn err(text: &str) -> ReadErrorKind {
        read_template(text).unwrap_err().kind
    }

    #[test]
    fn short_forms_become_long_form() {
        let v = yaml(
            "Resources:\n  R:\n    Type: T\n    Properties:\n      A: !Ref X\n      B: !GetAtt S.Arn.Sub\n      C: !GetAtt [S, Arn]\n      D: !Sub '${X}-y'\n      E: !Join ['', [a, !Ref X]]\n      F: !If [Cond, !Ref AWS::NoValue, 1]\n      G: !Condition Cond\n      H: !Select [0, !GetAZs '']\n      I: !Base64 {'Fn::Sub': x}\n      J: !FindInMap [M, K, V]\n",
        );
        let p = &v["Resources"]["R"]["Properties"];
        assert_eq!(p["A"], json!({"Ref": "X"}));
        assert_eq!(p["B"], json!({"Fn::GetAtt": ["S", "Arn.Sub"]}));
        assert_eq!(p["C"], json!({"Fn::GetAtt": ["S", "Arn"]}));
        assert_eq!(p["D"], json!({"Fn::Sub": "${X}-y"}));
        assert_eq!(p["E"], json!({"Fn::Join": ["", ["a", {"Ref": "X"}]]}));
        assert_eq!(p["F"], json!({"Fn::If": ["Cond", {"Ref": "AWS::NoValue"}, 1]}));
        assert_eq!(p["G"], json!({"Condition": "Cond"}));
        assert_eq!(p["H"], json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(p["I"], json!({"Fn::Base64": {"Fn::Sub": "x"}}));
        assert_eq!(p["J"], json!({"Fn::FindInMap": ["M", "K", "V"]}));
    }

    #[test]
    fn every_short_form_tag() {
        for (tag, long) in [
            ("Equals", "Fn::Equals"),
            ("And", "Fn::And"),
            ("Or", "Fn::Or"),
            ("Not", "Fn::Not"),
            ("Split", "Fn::Split"),
            ("ImportValue", "Fn::ImportValue"),
            ("Cidr", "Fn::Cidr"),
            ("Transform", "Fn::Transform"),
            ("Length", "Fn::Length"),
            ("ToJsonString", "Fn::ToJsonString"),
            ("Contains", "Fn::Contains"),
            ("EachMemberEquals", "Fn::EachMemberEquals"),
            ("EachMemberIn", "Fn::EachMemberIn"),
            ("RefAll", "Fn::RefAll"),
            ("ValueOf", "Fn::ValueOf"),
            ("ValueOfAll", "Fn::ValueOfAll"),
        ] {
            let v = yaml(&format!("A: !{tag} [x, 1]\n"));
            assert_eq!(v["A"], json!({long: ["x", 1]}), "{tag}");
        }
    }

    #[test]
    fn scalars_follow_yaml_1_1() {
        let v = yaml(
            "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: 2012-10-17\nh: 0777\ni: 0x1F\nj: 1_000\nk: 12:30\nl: 1.5\nm: 1e3\nn: .inf\no: ~\np: '0777'\nq: \"yes\"\nr: 99999999999999999999999\ns: -7\nt: .5\nu: 0\nv: -0.5e+3\nw:\nx: !!str 12\ny: !!int '12'\nz: 0b101\n",
        );
        assert_eq!(
            v,
            json!({
                "a": true, "b": false, "c": true, "d": false, "e": "y", "f": "n",
                "g": "2012-10-17", "h": 511, "i": 31, "j": 1000, "k": 750, "l": 1.5,
                "m": "1e3", "n": ".inf", "o": null, "p": "0777", "q": "yes",
                "r": "99999999999999999999999", "s": -7, "t": 0.5, "u": 0, "v": -500.0,
                "w": null, "x": "12", "y": 12, "z": 5
            })
        );
    }

    #[test]
    fn tagged_scalars_are_strings() {
        assert_eq!(yaml("A: !Ref 123\n")["A"], json!({"Ref": "123"}));
        assert_eq!(yaml("A: !GetAZs\n")["A"], json!({"Fn::GetAZs": ""}));
    }

    #[test]
    fn lines_of_keys() {
        let t = read_template(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\nResources:\n\n  A:\n    Type: X\n  B:\n    Type: !Sub Y\nOutputs:\n  O:\n    Value: !Ref A\n",
        )
        .unwrap();
        assert_eq!(t.line_of(&["Parameters", "P"]), Some(3));
        assert_eq!(t.line_of(&["Resources", "A"]), Some(7));
        assert_eq!(t.line_of(&["Resources", "B"]), Some(9));
        assert_eq!(t.line_of(&["Outputs", "O", "Value"]), Some(13));
        let j = read_template("{\n \"Resources\": {\n  \"A\": {\"Type\": \"X\"},\n  \"B\": {}\n }\n}").unwrap();
        assert_eq!(j.line_of(&["Resources", "A"]), Some(3));
        assert_eq!(j.line_of(&["Resources", "B"]), Some(4));
        assert_eq!(j.line_of(&["Resources", "A", "Type"]), Some(3));
    }

    #[test]
    fn errors_are_clear() {
        assert_eq!(err(""), ReadErrorKind::Empty);
        assert_eq!(err("# just a comment\n"), ReadErrorKind::Empty);
        assert_eq!(err("- a\n"), ReadErrorKind::NotAMapping { found: "a sequence" });
        assert_eq!(err("hello"), ReadErrorKind::NotAMapping { found: "a string" });
        assert_eq!(err("[1]"), ReadErrorKind::NotAMapping { found: "a sequence" });
        assert!(matches!(err("A: 1\nA: 2\n"), ReadErrorKind::DuplicateKey { first_line: 1, .. }));
        assert!(matches!(err("{\"A\": 1, \"A\": 2}"), ReadErrorKind::DuplicateKey { .. }));
        assert_eq!(err("a: &x 1\nb: *x\n"), ReadErrorKind::Alias);
        assert_eq!(err("a: {x: 1}\nb:\n  <<: {y: 2}\n"), ReadErrorKind::MergeKey);
        assert!(matches!(err("a: !Foo x\n"), ReadErrorKind::UnknownTag { .. }));
        assert!(matches!(err("a: !!binary aGk=\n"), ReadErrorKind::UnknownTag { .. }));
        assert!(matches!(err("a: !GetAtt NoDot\n"), ReadErrorKind::BadTag { .. }));
        assert_eq!(err("a: 1\n---\nb: 2\n"), ReadErrorKind::MultipleDocuments);
        assert_eq!(err("? [a]\n: 1\n"), ReadErrorKind::ComplexKey);
        assert!(matches!(err("a: [\n"), ReadErrorKind::Syntax { format: "YAML", .. }));
        assert!(matches!(err("{\"a\": [}"), ReadErrorKind::Syntax { format: "JSON", .. }));
        let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(matches!(err(&deep), ReadErrorKind::TooDeep { .. }));
        let deep_json = format!("{{\"a\": {}{}}}", "[".repeat(5000), "]".repeat(5000));
        assert!(matches!(err(&deep_json), ReadErrorKind::TooDeep { .. }));
        let big = "a".repeat(MAX_INPUT_BYTES + 1);
        assert!(matches!(err(&big), ReadErrorKind::TooLarge { .. }));
        assert!(matches!(read_template_bytes(b"a: \xff\n").unwrap_err().kind, ReadErrorKind::NotUtf8 { offset: 3 }));
    }

    #[test]
    fn error_positions() {
        let e = read_template("a: 1\nb: !Nope x\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.in_file("t.yaml"), "t.yaml:2:4: unknown tag `!Nope`");
    }

    #[test]
    fn bom_is_skipped() {
        assert_eq!(yaml("\u{feff}a: 1\n"), json!({"a": 1}));
        assert_eq!(yaml("\u{feff}{\"a\": 1}"), json!({"a": 1}));
    }

    #[test]
    fn keys_tagged_as_strings_are_strings() {
        assert_eq!(yaml("A: [x, ! \"Ref\": y]\n")["A"], json!(["x", {"Ref": "y"}]));
        assert_eq!(yaml("!!str 1: a\n"), json!({"1": "a"}));
        assert_eq!(err("!Ref a: b\n"), ReadErrorKind::ComplexKey);
    }

    #[test]
    fn yaml_flow_mapping_starting_with_brace() {
        assert_eq!(yaml("{a: !Ref b}"), json!({"a": {"Ref": "b"}}));
    }
}
