//! Policy statements, documents and principals, rendered like AWS CDK renders them.

use indexmap::IndexMap;

use crate::core::value::{Pseudo, Value};

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `"Allow"`
    Allow,
    /// `"Deny"`
    Deny,
}

impl Effect {
    /// The IAM spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum PrincipalKind {
    Aws(Value),
    Service(String),
    Federated(Value),
}

/// Who a statement applies to (resource policies and trust policies).
///
/// ```
/// use rcdk::iam::Principal;
/// use rcdk::core::value::{Pseudo, Value};
/// let firehose = Principal::service("firehose.amazonaws.com")
///     .with_condition("StringEquals", "sts:ExternalId", Value::Pseudo(Pseudo::AccountId));
/// # let _ = firehose;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    kind: PrincipalKind,
    conditions: Vec<(String, String, Value)>,
}

impl Principal {
    fn of(kind: PrincipalKind) -> Principal {
        Principal { kind, conditions: Vec::new() }
    }

    /// The account root of the stack's account: `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`,
    /// rendered as `Fn::Join` like CDK's `AccountRootPrincipal`.
    pub fn account_root() -> Principal {
        Principal::of(PrincipalKind::Aws(Value::join(
            "",
            [
                Value::from("arn:"),
                Value::Pseudo(Pseudo::Partition),
                Value::from(":iam::"),
                Value::Pseudo(Pseudo::AccountId),
                Value::from(":root"),
            ],
        )))
    }

    /// Anyone (`{"AWS": "*"}`), like CDK's `AnyPrincipal`; narrow it with conditions.
    pub fn any() -> Principal {
        Principal::of(PrincipalKind::Aws(Value::from("*")))
    }

    /// An AWS service, e.g. `firehose.amazonaws.com`.
    pub fn service(name: impl Into<String>) -> Principal {
        Principal::of(PrincipalKind::Service(name.into()))
    }

    /// An IAM ARN (role, user, account root).
    pub fn arn(arn: impl Into<Value>) -> Principal {
        Principal::of(PrincipalKind::Aws(arn.into()))
    }

    /// The root of another account: `arn:${AWS::Partition}:iam::<id>:root`.
    pub fn account(account_id: impl Into<String>) -> Principal {
        let id = account_id.into();
        Principal::of(PrincipalKind::Aws(Value::join(
            "",
            [Value::from("arn:"), Value::Pseudo(Pseudo::Partition), Value::from(format!(":iam::{id}:root"))],
        )))
    }

    /// A federated identity provider (OIDC or SAML provider ARN, or a web identity like
    /// `cognito-identity.amazonaws.com`).
    pub fn federated(provider: impl Into<Value>) -> Principal {
        Principal::of(PrincipalKind::Federated(provider.into()))
    }

    /// Adds a condition that goes into every statement using this principal (e.g. the
    /// `sts:ExternalId` of a trust policy).
    pub fn with_condition(mut self, operator: &str, key: &str, value: impl Into<Value>) -> Principal {
        self.conditions.push((operator.to_string(), key.to_string(), value.into()));
        self
    }

    /// Adds several conditions: `[(operator, key, value)]`.
    pub fn with_conditions<V: Into<Value>>(
        mut self,
        conditions: impl IntoIterator<Item = (&'static str, &'static str, V)>,
    ) -> Principal {
        for (op, key, value) in conditions {
            self = self.with_condition(op, key, value);
        }
        self
    }

    fn type_key(&self) -> &'static str {
        match self.kind {
            PrincipalKind::Aws(_) => "AWS",
            PrincipalKind::Federated(_) => "Federated",
            PrincipalKind::Service(_) => "Service",
        }
    }

    fn value(&self) -> Value {
        match &self.kind {
            PrincipalKind::Aws(v) | PrincipalKind::Federated(v) => v.clone(),
            PrincipalKind::Service(s) => Value::from(s.as_str()),
        }
    }
}

/// One IAM policy statement. Build with [`PolicyStatement::allow`] / [`PolicyStatement::deny`].
///
/// ```
/// use rcdk::iam::{PolicyStatement, Principal};
/// let s = PolicyStatement::allow()
///     .sid("KeyMetadata")
///     .principal(Principal::account_root())
///     .actions(["kms:Describe*", "kms:Get*", "kms:List*"])
///     .resources(["*"]);
/// assert_eq!(s.to_value().get("Resource"), Some(&"*".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    effect: Effect,
    sid: Option<String>,
    actions: Vec<String>,
    not_actions: Vec<String>,
    resources: Vec<Value>,
    not_resources: Vec<Value>,
    principals: Vec<Principal>,
    conditions: IndexMap<String, IndexMap<String, Value>>,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

impl PolicyStatement {
    /// A statement with the given effect and nothing else.
    pub fn new(effect: Effect) -> PolicyStatement {
        PolicyStatement {
            effect,
            sid: None,
            actions: Vec::new(),
            not_actions: Vec::new(),
            resources: Vec::new(),
            not_resources: Vec::new(),
            principals: Vec::new(),
            conditions: IndexMap::new(),
        }
    }

    /// An `Allow` statement.
    pub fn allow() -> PolicyStatement {
        PolicyStatement::new(Effect::Allow)
    }

    /// A `Deny` statement.
    pub fn deny() -> PolicyStatement {
        PolicyStatement::new(Effect::Deny)
    }

    /// Statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Adds actions (`service:Action`, wildcards allowed); duplicates are dropped.
    pub fn actions<S: Into<String>>(mut self, actions: impl IntoIterator<Item = S>) -> Self {
        actions.into_iter().for_each(|a| push_unique(&mut self.actions, a.into()));
        self
    }

    /// Adds `NotAction` entries.
    pub fn not_actions<S: Into<String>>(mut self, actions: impl IntoIterator<Item = S>) -> Self {
        actions.into_iter().for_each(|a| push_unique(&mut self.not_actions, a.into()));
        self
    }

    /// Adds resources (ARNs as literals or expressions, or `"*"`).
    pub fn resources<V: Into<Value>>(mut self, resources: impl IntoIterator<Item = V>) -> Self {
        resources.into_iter().for_each(|r| push_unique(&mut self.resources, r.into()));
        self
    }

    /// Adds `NotResource` entries.
    pub fn not_resources<V: Into<Value>>(mut self, resources: impl IntoIterator<Item = V>) -> Self {
        resources.into_iter().for_each(|r| push_unique(&mut self.not_resources, r.into()));
        self
    }

    /// Adds a principal (its conditions join the statement's).
    pub fn principal(mut self, principal: Principal) -> Self {
        for (op, key, value) in &principal.conditions {
            self.conditions.entry(op.clone()).or_default().insert(key.clone(), value.clone());
        }
        push_unique(&mut self.principals, principal);
        self
    }

    /// Adds a condition, e.g. `.condition("StringEquals", "kms:ViaService", "kinesis.eu-west-1.amazonaws.com")`.
    pub fn condition(mut self, operator: &str, key: &str, value: impl Into<Value>) -> Self {
        self.conditions.entry(operator.to_string()).or_default().insert(key.to_string(), value.into());
        self
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The actions.
    pub fn action_list(&self) -> &[String] {
        &self.actions
    }

    /// The statement as CDK renders it: keys in alphabetical order (Action, Condition, Effect,
    /// NotAction, NotResource, Principal, Resource, Sid); one action or resource as a plain string,
    /// several as a list.
    pub fn to_value(&self) -> Value {
        fn one_or_many(items: Vec<Value>) -> Value {
            match <[Value; 1]>::try_from(items) {
                Ok([one]) => one,
                Err(items) => Value::List(items),
            }
        }
        let strings = |v: &[String]| one_or_many(v.iter().map(|s| Value::from(s.as_str())).collect());
        let mut m = crate::core::value::Map::new();
        if !self.actions.is_empty() {
            m.insert("Action".into(), strings(&self.actions));
        }
        if !self.conditions.is_empty() {
            let conditions = self
                .conditions
                .iter()
                .map(|(op, kv)| (op.clone(), Value::Map(kv.iter().map(|(k, v)| (k.clone(), v.clone())).collect())))
                .collect();
            m.insert("Condition".into(), Value::Map(conditions));
        }
        m.insert("Effect".into(), self.effect.as_str().into());
        if !self.not_actions.is_empty() {
            m.insert("NotAction".into(), strings(&self.not_actions));
        }
        if !self.not_resources.is_empty() {
            m.insert("NotResource".into(), one_or_many(self.not_resources.clone()));
        }
        if !self.principals.is_empty() {
            let mut by_type: IndexMap<&str, Vec<Value>> = IndexMap::new();
            for key in ["AWS", "Federated", "Service"] {
                for p in self.principals.iter().filter(|p| p.type_key() == key) {
                    push_unique(by_type.entry(key).or_default(), p.value());
                }
            }
            let principal = by_type.into_iter().map(|(k, v)| (k.to_string(), one_or_many(v))).collect();
            m.insert("Principal".into(), Value::Map(principal));
        }
        if !self.resources.is_empty() {
            m.insert("Resource".into(), one_or_many(self.resources.clone()));
        }
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), sid.as_str().into());
        }
        Value::Map(m)
    }
}

/// A policy document: `{"Statement": [...], "Version": "2012-10-17"}`.
///
/// ```
/// use rcdk::iam::{PolicyDocument, PolicyStatement};
/// let doc = PolicyDocument::new().statement(PolicyStatement::allow().actions(["s3:GetObject"]).resources(["*"]));
/// assert!(doc.to_value().get("Version").is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// An empty document.
    pub fn new() -> PolicyDocument {
        PolicyDocument::default()
    }

    /// Adds a statement (an identical statement is not added twice).
    pub fn statement(mut self, statement: PolicyStatement) -> Self {
        push_unique(&mut self.statements, statement);
        self
    }

    /// The document as a template value.
    pub fn to_value(&self) -> Value {
        document_value(self.statements.iter().map(PolicyStatement::to_value).collect())
    }
}

pub(crate) fn document_value(statements: Vec<Value>) -> Value {
    Value::map([("Statement", Value::List(statements)), ("Version", Value::from("2012-10-17"))])
}

/// Appends a rendered statement to a document value (skipping exact duplicates, like CDK).
#[cfg_attr(not(feature = "iam"), allow(dead_code))]
pub(crate) fn append_statement(document: &mut Value, statement: Value) {
    if !matches!(document, Value::Map(_)) {
        *document = document_value(Vec::new());
    }
    if let Value::Map(m) = document {
        let list = m.entry("Statement".to_string()).or_insert_with(|| Value::List(Vec::new()));
        if !matches!(list, Value::List(_)) {
            *list = Value::List(Vec::new());
        }
        if let Value::List(items) = list
            && !items.contains(&statement)
        {
            items.push(statement);
        }
    }
}
