//! The one expression type every property holds: literals, intrinsic functions, pseudo parameters,
//! dynamic references, and references to nodes of the construct tree.
//!
//! References point at tree nodes ([`NodeRef`]) and become logical IDs only at synthesis, so
//! renaming a construct or overriding a logical ID can never leave a dangling string behind.

use std::marker::PhantomData;

use indexmap::IndexMap;

use crate::core::tree::NodeRef;

/// An ordered map of property names to values (order is kept in the output).
pub type Map = IndexMap<String, Value>;

/// A CloudFormation expression: a literal, an intrinsic function or a reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string literal.
    String(String),
    /// A list of values.
    List(Vec<Value>),
    /// An object with ordered keys.
    Map(Map),
    /// `Ref` to a resource, parameter or other referenceable node of the tree.
    Ref(NodeRef),
    /// `Ref` by logical ID, for templates and raw resources that name things by string.
    RefLogicalId(String),
    /// A pseudo parameter (`AWS::Region`, …), rendered as `Ref`.
    Pseudo(Pseudo),
    /// `Fn::GetAtt` on a resource node.
    GetAtt(NodeRef, String),
    /// `Fn::Sub` with a template string and optional variables.
    Sub(String, Map),
    /// `Fn::Join` of values with a delimiter.
    Join(String, Vec<Value>),
    /// `Fn::Select` of an index from a list.
    Select(Box<Value>, Box<Value>),
    /// `Fn::Split` of a string by a delimiter.
    Split(String, Box<Value>),
    /// `Fn::If` on a condition node.
    If(NodeRef, Box<Value>, Box<Value>),
    /// `Fn::Equals`.
    Equals(Box<Value>, Box<Value>),
    /// `Fn::And` (2–10 conditions).
    And(Vec<Value>),
    /// `Fn::Or` (2–10 conditions).
    Or(Vec<Value>),
    /// `Fn::Not`.
    Not(Box<Value>),
    /// `{"Condition": name}` inside condition functions.
    Condition(NodeRef),
    /// `Fn::ImportValue` of an export name.
    ImportValue(Box<Value>),
    /// `Fn::Base64`.
    Base64(Box<Value>),
    /// `Fn::GetAZs` of a region (empty string: the stack's region).
    GetAzs(Box<Value>),
    /// `Fn::FindInMap` on a mapping node.
    FindInMap(NodeRef, Box<Value>, Box<Value>),
    /// `Fn::Cidr` (ip block, count, cidr bits).
    Cidr(Box<Value>, Box<Value>, Box<Value>),
    /// A dynamic reference (`{{resolve:…}}`), resolved by CloudFormation at deploy time.
    Dynamic(DynamicReference),
    /// A value tree rendered as one JSON string at synthesis; references inside it become a
    /// `Fn::Join` (what CDK's `Stack.toJsonString` does). Nesting renders JSON inside JSON.
    Json(Box<Value>),
}

/// CloudFormation pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::Region`
    Region,
    /// `AWS::Partition`
    Partition,
    /// `AWS::URLSuffix`
    UrlSuffix,
    /// `AWS::StackName`
    StackName,
    /// `AWS::StackId`
    StackId,
    /// `AWS::NotificationARNs`
    NotificationArns,
    /// `AWS::NoValue` — removes the property it is assigned to.
    NoValue,
}

impl Pseudo {
    /// All pseudo parameters.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::Region,
        Pseudo::Partition,
        Pseudo::UrlSuffix,
        Pseudo::StackName,
        Pseudo::StackId,
        Pseudo::NotificationArns,
        Pseudo::NoValue,
    ];

    /// The name CloudFormation uses, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
        }
    }

    /// The pseudo parameter called `name`, if any.
    pub fn from_name(name: &str) -> Option<Pseudo> {
        Pseudo::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A dynamic reference CloudFormation resolves at deploy time; the secret never enters the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DynamicReference {
    /// `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`
    SecretsManager {
        /// Secret name or ARN.
        secret_id: String,
        /// A key of the secret's JSON, if the secret is JSON.
        json_key: Option<String>,
        /// Version stage (e.g. `AWSCURRENT`).
        version_stage: Option<String>,
        /// Version id.
        version_id: Option<String>,
    },
    /// `{{resolve:ssm:name:version}}` (plain String/StringList parameter).
    Ssm {
        /// Parameter name.
        name: String,
        /// Optional version.
        version: Option<u32>,
    },
    /// `{{resolve:ssm-secure:name:version}}` (SecureString parameter).
    SsmSecure {
        /// Parameter name.
        name: String,
        /// Optional version.
        version: Option<u32>,
    },
}

impl std::fmt::Display for DynamicReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        match self {
            DynamicReference::SecretsManager { secret_id, json_key, version_stage, version_id } => write!(
                f,
                "{{{{resolve:secretsmanager:{secret_id}:SecretString:{}:{}:{}}}}}",
                opt(json_key),
                opt(version_stage),
                opt(version_id)
            ),
            DynamicReference::Ssm { name, version } => match version {
                Some(v) => write!(f, "{{{{resolve:ssm:{name}:{v}}}}}"),
                None => write!(f, "{{{{resolve:ssm:{name}}}}}"),
            },
            DynamicReference::SsmSecure { name, version } => match version {
                Some(v) => write!(f, "{{{{resolve:ssm-secure:{name}:{v}}}}}"),
                None => write!(f, "{{{{resolve:ssm-secure:{name}}}}}"),
            },
        }
    }
}

impl Value {
    /// A string literal.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// `Fn::Sub` with a template and no variables.
    ///
    /// ```
    /// use rcdk::core::value::Value;
    /// let arn = Value::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
    /// assert!(matches!(arn, Value::Sub(_, _)));
    /// ```
    pub fn sub(template: impl Into<String>) -> Value {
        Value::Sub(template.into(), Map::new())
    }

    /// `Fn::Sub` with variables.
    pub fn sub_with<K: Into<String>, V: Into<Value>>(
        template: impl Into<String>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Value {
        Value::Sub(template.into(), vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// `Fn::Join`.
    pub fn join(delimiter: impl Into<String>, parts: impl IntoIterator<Item = impl Into<Value>>) -> Value {
        Value::Join(delimiter.into(), parts.into_iter().map(Into::into).collect())
    }

    /// `Fn::Select`.
    pub fn select(index: impl Into<Value>, list: impl Into<Value>) -> Value {
        Value::Select(Box::new(index.into()), Box::new(list.into()))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: impl Into<String>, source: impl Into<Value>) -> Value {
        Value::Split(delimiter.into(), Box::new(source.into()))
    }

    /// `Fn::If` on a condition.
    pub fn if_(condition: NodeRef, then: impl Into<Value>, otherwise: impl Into<Value>) -> Value {
        Value::If(condition, Box::new(then.into()), Box::new(otherwise.into()))
    }

    /// `Fn::Equals`.
    pub fn equals(a: impl Into<Value>, b: impl Into<Value>) -> Value {
        Value::Equals(Box::new(a.into()), Box::new(b.into()))
    }

    /// `Fn::Not`.
    pub fn not(condition: impl Into<Value>) -> Value {
        Value::Not(Box::new(condition.into()))
    }

    /// `Fn::ImportValue`.
    pub fn import_value(name: impl Into<Value>) -> Value {
        Value::ImportValue(Box::new(name.into()))
    }

    /// `Fn::Base64`.
    pub fn base64(v: impl Into<Value>) -> Value {
        Value::Base64(Box::new(v.into()))
    }

    /// `Fn::GetAZs` for a region (`""` means the stack's region).
    pub fn get_azs(region: impl Into<Value>) -> Value {
        Value::GetAzs(Box::new(region.into()))
    }

    /// `Fn::Cidr`.
    pub fn cidr(ip_block: impl Into<Value>, count: impl Into<Value>, cidr_bits: impl Into<Value>) -> Value {
        Value::Cidr(Box::new(ip_block.into()), Box::new(count.into()), Box::new(cidr_bits.into()))
    }

    /// `Fn::FindInMap` on a mapping node.
    pub fn find_in_map(mapping: NodeRef, top: impl Into<Value>, second: impl Into<Value>) -> Value {
        Value::FindInMap(mapping, Box::new(top.into()), Box::new(second.into()))
    }

    /// The value rendered as a JSON string at synthesis (references become `Fn::Join`).
    ///
    /// ```
    /// use rcdk::core::value::{Value, Pseudo};
    /// let doc = Value::json(Value::map([("Account", Value::Pseudo(Pseudo::AccountId))]));
    /// assert!(matches!(doc, Value::Json(_)));
    /// ```
    pub fn json(v: impl Into<Value>) -> Value {
        Value::Json(Box::new(v.into()))
    }

    /// An object from key/value pairs, in the order given.
    pub fn map<K: Into<String>, V: Into<Value>>(entries: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// A list.
    pub fn list(items: impl IntoIterator<Item = impl Into<Value>>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }

    /// True for `AWS::NoValue`, which removes the property it is assigned to.
    pub fn is_no_value(&self) -> bool {
        matches!(self, Value::Pseudo(Pseudo::NoValue))
    }

    /// The map entry at `key`, if this is a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The map entry at `key` for editing, if this is a map.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Map(m) => m.get_mut(key),
            _ => None,
        }
    }

    /// Visits every node reference inside this value (for dependencies and validation).
    pub fn visit_refs(&self, f: &mut impl FnMut(NodeRef)) {
        match self {
            Value::Ref(n) | Value::Condition(n) => f(*n),
            Value::GetAtt(n, _) => f(*n),
            Value::If(n, a, b) => {
                f(*n);
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Value::FindInMap(n, a, b) => {
                f(*n);
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
                items.iter().for_each(|v| v.visit_refs(f))
            }
            Value::Map(m) | Value::Sub(_, m) => m.values().for_each(|v| v.visit_refs(f)),
            Value::Select(a, b) | Value::Equals(a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Value::Split(_, a)
            | Value::Not(a)
            | Value::ImportValue(a)
            | Value::Base64(a)
            | Value::GetAzs(a)
            | Value::Json(a) => a.visit_refs(f),
            Value::Cidr(a, b, c) => {
                a.visit_refs(f);
                b.visit_refs(f);
                c.visit_refs(f);
            }
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::RefLogicalId(_)
            | Value::Pseudo(_)
            | Value::Dynamic(_) => {}
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Int(n.into())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(n.into())
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Float(n)
    }
}
impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Self {
        Value::Pseudo(p)
    }
}
impl From<DynamicReference> for Value {
    fn from(d: DynamicReference) -> Self {
        Value::Dynamic(d)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}
impl<T> From<Val<T>> for Value {
    fn from(v: Val<T>) -> Self {
        v.value
    }
}

/// Conversion of typed property structs (generated L1 types) into a [`Value`].
pub trait IntoValue {
    /// The CloudFormation value of `self`.
    fn into_value(self) -> Value;
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

/// A [`Value`] that stands for a `T` (a string, an integer, a list…): literals of the right Rust
/// type convert without ceremony, and any expression is accepted where CloudFormation accepts one.
///
/// ```
/// use rcdk::core::value::{Val, Value, Pseudo};
/// let shards: Val<i64> = 2.into();
/// let name: Val<String> = "orders".into();
/// let region: Val<String> = Value::Pseudo(Pseudo::Region).into();
/// assert_eq!(Value::from(shards), Value::Int(2));
/// # let _ = (name, region);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Val<T> {
    value: Value,
    kind: PhantomData<fn() -> T>,
}

impl<T> Val<T> {
    /// Wraps an expression (checked at synthesis against the schema).
    pub fn expr(value: Value) -> Self {
        Val { value, kind: PhantomData }
    }

    /// The underlying expression.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl<T> IntoValue for Val<T> {
    fn into_value(self) -> Value {
        self.value
    }
}

impl<T> From<Value> for Val<T> {
    fn from(value: Value) -> Self {
        Val::expr(value)
    }
}
impl<T> From<Pseudo> for Val<T> {
    fn from(p: Pseudo) -> Self {
        Val::expr(Value::Pseudo(p))
    }
}
impl From<&str> for Val<String> {
    fn from(s: &str) -> Self {
        Val::expr(s.into())
    }
}
impl From<String> for Val<String> {
    fn from(s: String) -> Self {
        Val::expr(s.into())
    }
}
impl From<&String> for Val<String> {
    fn from(s: &String) -> Self {
        Val::expr(s.into())
    }
}
impl From<i64> for Val<i64> {
    fn from(n: i64) -> Self {
        Val::expr(n.into())
    }
}
impl From<i32> for Val<i64> {
    fn from(n: i32) -> Self {
        Val::expr(n.into())
    }
}
impl From<u32> for Val<i64> {
    fn from(n: u32) -> Self {
        Val::expr(n.into())
    }
}
impl From<f64> for Val<f64> {
    fn from(n: f64) -> Self {
        Val::expr(n.into())
    }
}
impl From<i64> for Val<f64> {
    fn from(n: i64) -> Self {
        Val::expr(Value::Int(n))
    }
}
impl From<bool> for Val<bool> {
    fn from(b: bool) -> Self {
        Val::expr(b.into())
    }
}
impl<T, X: Into<Val<T>>> From<Vec<X>> for Val<Vec<T>> {
    fn from(items: Vec<X>) -> Self {
        Val::expr(Value::List(items.into_iter().map(|x| x.into().value).collect()))
    }
}
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        }
    }
}

/// A secret: the only thing accepted where a secret belongs (a private key, a passphrase).
///
/// There is deliberately no conversion from `&str` or `String`: a secret written into the program
/// ends up in the template in plain text. Use a dynamic reference, resolved by CloudFormation at
/// deploy time, or [`SecretValue::unsafe_plain_text`] when you really mean it.
///
/// ```
/// use rcdk::core::value::SecretValue;
/// let key = SecretValue::secrets_manager("Snowflake/PrivateKey", None);
/// assert_eq!(
///     rcdk::core::value::Value::from(key),
///     rcdk::core::value::Value::Dynamic(rcdk::core::value::DynamicReference::SecretsManager {
///         secret_id: "Snowflake/PrivateKey".into(), json_key: None, version_stage: None, version_id: None,
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SecretValue(Value);

impl SecretValue {
    /// `{{resolve:secretsmanager:<secret_id>:SecretString:<json_key>::}}`.
    pub fn secrets_manager(secret_id: impl Into<String>, json_key: Option<&str>) -> SecretValue {
        SecretValue(Value::Dynamic(DynamicReference::SecretsManager {
            secret_id: secret_id.into(),
            json_key: json_key.map(str::to_string),
            version_stage: None,
            version_id: None,
        }))
    }

    /// `{{resolve:ssm-secure:<name>:<version>}}`.
    pub fn ssm_secure(name: impl Into<String>, version: Option<u32>) -> SecretValue {
        SecretValue(Value::Dynamic(DynamicReference::SsmSecure { name: name.into(), version }))
    }

    /// Any dynamic reference.
    pub fn dynamic(reference: DynamicReference) -> SecretValue {
        SecretValue(Value::Dynamic(reference))
    }

    /// The value of a `NoEcho` parameter. A parameter without `NoEcho` reaching a secret property is a
    /// synthesis error (`RCDK-SECRET-PARAMETER-ECHO`, [`crate::security`]): its value would show in the
    /// console and `DescribeStacks`.
    pub fn from_parameter(parameter: crate::core::element::ParameterHandle) -> SecretValue {
        SecretValue(parameter.value())
    }

    /// A dynamic reference whose secret id is known only at deploy time (a `Ref` or a parameter):
    /// `Fn::Join ["", ["{{resolve:secretsmanager:", id, ":SecretString:<key>::}}"]]`, like CDK's
    /// `Secret.secretValue` of a created secret.
    #[cfg_attr(
        not(all(feature = "secretsmanager", feature = "kms", feature = "iam")),
        allow(dead_code, reason = "used by the Secrets Manager L2 only, which is behind the L1 features it builds on")
    )]
    pub(crate) fn secrets_manager_token(secret_id: Value, json_key: Option<&str>) -> SecretValue {
        let tail = format!(":SecretString:{}::}}}}", json_key.unwrap_or(""));
        SecretValue(Value::join("", [Value::from("{{resolve:secretsmanager:"), secret_id, Value::from(tail)]))
    }

    /// A secret written in plain text into the template. Visible to anyone who can read the stack.
    /// Synthesis warns (`RCDK-SECRET-PLAINTEXT`, naming the construct and property path, never the
    /// value), and fails under `--strict`; acknowledge it with a reason if you really mean it.
    pub fn unsafe_plain_text(secret: impl Into<String>) -> SecretValue {
        SecretValue(Value::String(secret.into()))
    }
}

impl From<SecretValue> for Value {
    fn from(s: SecretValue) -> Self {
        s.0
    }
}

impl IntoValue for SecretValue {
    fn into_value(self) -> Value {
        self.0
    }
}
