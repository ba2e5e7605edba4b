//! Checks on a template document (any template, not only rcdk's): references, conditions,
//! mappings, dependency cycles and CloudFormation limits. Synthesis runs them on what it is about
//! to write, and `rcdk validate` runs them on templates from disk — one mechanism for both.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::core::problem::{Problem, ProblemKind, Severity};
use crate::core::value::Pseudo;

/// CloudFormation's resource limit per template.
pub const MAX_RESOURCES: usize = 500;
/// CloudFormation's parameter limit per template.
pub const MAX_PARAMETERS: usize = 200;
/// CloudFormation's output limit per template.
pub const MAX_OUTPUTS: usize = 200;
/// CloudFormation's mapping limit per template.
pub const MAX_MAPPINGS: usize = 200;
/// Largest template body CloudFormation accepts (from S3).
pub const MAX_BODY_BYTES: usize = 1_000_000;
/// Largest template body `aws cloudformation deploy --template-file` sends without `--s3-bucket`.
pub const MAX_INLINE_BODY_BYTES: usize = 51_200;

/// Facts about resource types that the checks use when they know the type (GetAtt attributes).
pub trait TypeFacts: Send + Sync {
    /// The `Fn::GetAtt` attribute names of `type_name`, or `None` when the type is unknown.
    fn attributes(&self, type_name: &str) -> Option<Vec<String>>;

    /// Whether `Fn::GetAtt` can read `attribute` from `type_name`; `None` when the type's
    /// attributes are unknown. By default: whether [`TypeFacts::attributes`] lists it.
    fn accepts_attribute(&self, type_name: &str, attribute: &str) -> Option<bool> {
        self.attributes(type_name).map(|names| names.iter().any(|a| a == attribute))
    }
}

/// No type facts: attributes are not checked.
pub struct NoTypeFacts;

impl TypeFacts for NoTypeFacts {
    fn attributes(&self, _type_name: &str) -> Option<Vec<String>> {
        None
    }
}

/// Checks a whole template document. `name` labels problems (stack name or file name);
/// `body_bytes` is the size of the serialized body, if known.
///
/// ```
/// use rcdk::core::check::{check_template, NoTypeFacts};
/// let t = serde_json::json!({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Nope"}}}}});
/// let problems = check_template("t.json", &t, None, &NoTypeFacts);
/// assert_eq!(problems.len(), 1);
/// assert!(problems[0].message.contains("Nope"));
/// ```
pub fn check_template(name: &str, template: &Json, body_bytes: Option<usize>, facts: &dyn TypeFacts) -> Vec<Problem> {
    check_with(name, template, body_bytes, facts)
}

fn check_with<'a>(
    name: &'a str,
    template: &'a Json,
    body_bytes: Option<usize>,
    facts: &'a dyn TypeFacts,
) -> Vec<Problem> {
    let mut c = Checker::empty(name, facts);
    let Some(top) = template.as_object() else {
        c.problem(ProblemKind::InvalidTemplate, None, "", "the template must be a JSON/YAML object".into());
        return c.problems;
    };
    let section = |key: &str| top.field(key).and_then(Json::as_object);
    for key in ["Resources", "Parameters", "Conditions", "Mappings", "Outputs"] {
        if let Some(v) = top.get(key)
            && !v.is_object()
        {
            c.problem(ProblemKind::InvalidTemplate, None, key, format!("section {key} must be an object"));
        }
    }
    let sam = match top.field("Transform") {
        Some(Json::String(t)) => t.starts_with("AWS::Serverless"),
        Some(Json::Array(a)) => a.iter().any(|t| t.as_str().is_some_and(|t| t.starts_with("AWS::Serverless"))),
        _ => false,
    };
    for key in top.keys() {
        let known = TOP_LEVEL_SECTIONS.contains(&key.as_str()) || (sam && key == "Globals");
        if !known {
            c.problem(
                ProblemKind::InvalidTemplate,
                None,
                key,
                format!("{key:?} is not a template section (expected one of {})", TOP_LEVEL_SECTIONS.join(", ")),
            );
        }
    }
    let resources = section("Resources");
    c.resources = resources.map(|r| r.iter().map(|(k, v)| (k.as_str(), type_of(v))).collect()).unwrap_or_default();
    let names = |section_name: &str| -> BTreeSet<&'a str> {
        section(section_name).map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    };
    c.parameters = names("Parameters");
    c.list_parameters = section("Parameters")
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.field("Type")?.as_str()?)))
                .filter(|(_, ty)| is_list_parameter_type(ty))
                .collect()
        })
        .unwrap_or_default();
    c.conditions = names("Conditions");
    c.mappings = names("Mappings");

    match resources {
        None => c.problem(ProblemKind::InvalidTemplate, None, "", "the template has no Resources section".into()),
        Some(r) if r.is_empty() => {
            c.problem(ProblemKind::InvalidTemplate, None, "", "a template needs at least one resource".into())
        }
        _ => {}
    }
    for (section_name, map) in
        [("Resources", resources), ("Parameters", section("Parameters")), ("Outputs", section("Outputs"))]
    {
        for id in map.into_iter().flat_map(|m| m.keys()) {
            if id.is_empty() || id.len() > 255 || !id.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                c.problem(
                    ProblemKind::InvalidLogicalId,
                    Some(id),
                    "",
                    format!("{section_name} logical ID must be 1-255 alphanumeric characters"),
                );
            }
        }
    }

    if let Some(parameters) = section("Parameters") {
        for (id, parameter) in parameters {
            c.check_parameter(id, parameter);
        }
    }
    if let Some(resources) = resources {
        for (id, resource) in resources {
            c.check_resource(id, resource);
        }
    }
    if let Some(outputs) = section("Outputs") {
        for (id, output) in outputs {
            c.walk(Some(id), &PropertyPath::root("Value"), output.field("Value").unwrap_or(&Json::Null), false);
            if let Some(export) = output.field("Export") {
                c.walk(Some(id), &PropertyPath::root("Export"), export, false);
            }
            c.check_condition_name(id, "Condition", output.field("Condition"));
        }
    }
    if let Some(conditions) = section("Conditions") {
        for (id, expr) in conditions {
            if !matches!(
                intrinsic_name(expr),
                Some(
                    "Fn::Equals"
                        | "Fn::And"
                        | "Fn::Or"
                        | "Fn::Not"
                        | "Condition"
                        | "Fn::Contains"
                        | "Fn::EachMemberEquals"
                        | "Fn::EachMemberIn"
                )
            ) {
                c.problem(
                    ProblemKind::InvalidTemplate,
                    Some(id),
                    "",
                    format!(
                        "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, found {}",
                        json_kind(expr)
                    ),
                );
                continue;
            }
            c.walk(Some(id), &PropertyPath::root(""), expr, true);
        }
    }
    c.check_cycles();
    c.check_limits(top, body_bytes);
    c.problems
}

fn type_of(resource: &Json) -> &str {
    resource.field("Type").and_then(Json::as_str).unwrap_or_default()
}

/// The checker's state; names are borrowed from the template (nothing is copied per reference).
struct Checker<'a> {
    name: &'a str,
    problems: Vec<Problem>,
    facts: &'a dyn TypeFacts,
    /// logical ID → type
    resources: BTreeMap<&'a str, &'a str>,
    parameters: BTreeSet<&'a str>,
    /// Parameters whose value is a list (`CommaDelimitedList`, `List<…>`), with their type.
    list_parameters: BTreeMap<&'a str, &'a str>,
    conditions: BTreeSet<&'a str>,
    mappings: BTreeSet<&'a str>,
    /// resource → resources it references or depends on
    edges: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// The resource whose body is being walked (`None` in Outputs and Conditions: an output or
    /// condition may share its name with a resource without depending on it).
    walking_resource: Option<&'a str>,
}

impl<'a> Checker<'a> {
    fn empty(name: &'a str, facts: &'a dyn TypeFacts) -> Checker<'a> {
        Checker {
            name,
            problems: Vec::new(),
            facts,
            resources: BTreeMap::new(),
            parameters: BTreeSet::new(),
            list_parameters: BTreeMap::new(),
            conditions: BTreeSet::new(),
            mappings: BTreeSet::new(),
            edges: BTreeMap::new(),
            walking_resource: None,
        }
    }

    fn problem(&mut self, kind: ProblemKind, id: Option<&str>, path: &str, message: String) {
        self.push(Severity::Error, kind, id, path, message);
    }

    fn push(&mut self, severity: Severity, kind: ProblemKind, id: Option<&str>, path: &str, message: String) {
        let p = Problem::new(severity, kind, self.name, message);
        self.problems.push(match id {
            Some(id) => p.at(id, path),
            None if path.is_empty() => p,
            None => {
                let mut p = p;
                p.property_path = Some(path.to_string());
                p
            }
        });
    }

    fn check_resource(&mut self, id: &'a str, resource: &'a Json) {
        self.edges.entry(id).or_default();
        let Some(obj) = resource.as_object() else {
            self.problem(ProblemKind::InvalidTemplate, Some(id), "", "a resource must be an object".into());
            return;
        };
        if !obj.field("Type").is_some_and(Json::is_string) {
            self.problem(ProblemKind::InvalidTemplate, Some(id), "Type", "a resource needs a string Type".into());
        }
        self.check_resource_keys(id, obj);
        self.walking_resource = Some(id);
        for key in ["Properties", "Metadata", "UpdatePolicy", "CreationPolicy"] {
            if let Some(v) = obj.field(key) {
                self.walk(Some(id), &PropertyPath::root(key), v, false);
            }
        }
        self.walking_resource = None;
        self.check_condition_name(id, "Condition", obj.field("Condition"));
        match obj.field("DependsOn") {
            None => {}
            Some(Json::String(s)) => self.depends_on(id, "DependsOn", s),
            Some(Json::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => self.depends_on(id, &format!("DependsOn[{i}]"), s),
                        None => self.problem(
                            ProblemKind::InvalidTemplate,
                            Some(id),
                            &format!("DependsOn[{i}]"),
                            "DependsOn entries must be logical ID strings".into(),
                        ),
                    }
                }
            }
            Some(_) => self.problem(
                ProblemKind::InvalidTemplate,
                Some(id),
                "DependsOn",
                "DependsOn must be a logical ID or a list of them".into(),
            ),
        }
    }

    /// A parameter's Type, and its Default against its own constraints (cfn-lint E2002, E2015).
    fn check_parameter(&mut self, id: &'a str, parameter: &'a Json) {
        let Some(obj) = parameter.as_object() else {
            self.problem(ProblemKind::InvalidTemplate, Some(id), "", "a parameter must be an object".into());
            return;
        };
        if self.resources.contains_key(id) {
            self.problem(
                ProblemKind::DuplicateLogicalId,
                Some(id),
                "",
                "a parameter and a resource have this name; Ref would not know which one is meant".into(),
            );
        }
        // Length constraints belong to String parameters, value constraints to Number ones
        // (cfn-lint 1.58 `parameters/configuration.json`, E2001, which also refuses value
        // constraints on the other non-Number types; only the two plain types are checked here).
        let ty = obj.field("Type").and_then(Json::as_str);
        for (key, value) in obj {
            let misplaced = match (ty, key.as_str()) {
                (Some("Number"), "AllowedPattern" | "MinLength" | "MaxLength") => Some("Number"),
                (Some("String"), "MinValue" | "MaxValue") => Some("String"),
                _ => None,
            };
            if let Some(t) = misplaced {
                let allowed = if t == "Number" { "MinValue, MaxValue" } else { "AllowedPattern, MinLength, MaxLength" };
                self.problem(
                    ProblemKind::InvalidTemplate,
                    Some(id),
                    key,
                    format!("{key} does not apply to a {t} parameter (its constraints are AllowedValues, {allowed})"),
                );
                continue;
            }
            let expected = match key.as_str() {
                "Type" | "Default" => continue,
                "Description" | "ConstraintDescription" | "AllowedPattern" => {
                    if value.is_string() {
                        continue;
                    }
                    "a string"
                }
                "AllowedValues" => {
                    // Each allowed value is a string (numbers and booleans are read as strings).
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            if item.is_object() || item.is_array() {
                                self.problem(
                                    ProblemKind::InvalidTemplate,
                                    Some(id),
                                    &format!("AllowedValues[{i}]"),
                                    format!("AllowedValues[{i}] must be a string, found {}", json_kind(item)),
                                );
                            }
                        }
                        continue;
                    }
                    "a list"
                }
                "MinLength" | "MaxLength" | "MinValue" | "MaxValue" => {
                    if value.is_number() || value.as_str().is_some_and(|s| s.parse::<f64>().is_ok()) {
                        continue;
                    }
                    "a number"
                }
                "NoEcho" => {
                    if value.is_boolean() || matches!(value.as_str(), Some("true" | "false" | "True" | "False")) {
                        continue;
                    }
                    "a boolean"
                }
                other => {
                    self.problem(
                        ProblemKind::InvalidTemplate,
                        Some(id),
                        other,
                        format!(
                            "{other:?} is not a parameter attribute (expected AllowedPattern, AllowedValues, \
                             ConstraintDescription, Default, Description, MaxLength, MaxValue, MinLength, MinValue, \
                             NoEcho, Type)"
                        ),
                    );
                    continue;
                }
            };
            self.problem(
                ProblemKind::InvalidTemplate,
                Some(id),
                key,
                format!("{key} must be {expected}, found {}", json_kind(value)),
            );
        }
        let Some(ty) = obj.field("Type").and_then(Json::as_str) else {
            self.problem(ProblemKind::InvalidTemplate, Some(id), "Type", "a parameter needs a string Type".into());
            return;
        };
        if !is_parameter_type(ty) {
            self.problem(
                ProblemKind::InvalidTemplate,
                Some(id),
                "Type",
                format!(
                    "{ty:?} is not a parameter type (String, Number, List<Number>, CommaDelimitedList, \
                     AWS::…-specific types, AWS::SSM::Parameter::Value<…>)"
                ),
            );
            return;
        }
        let Some(default) = obj.field("Default") else { return };
        let text = match default {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Bool(b) => b.to_string(),
            other => {
                self.problem(
                    ProblemKind::InvalidTemplate,
                    Some(id),
                    "Default",
                    format!("Default must be a string or a number, found {}", json_kind(other)),
                );
                return;
            }
        };
        let list = ty == "CommaDelimitedList" || (ty.starts_with("List<") && !ty.starts_with("List<AWS::SSM"));
        let values: Vec<&str> = if list { text.split(',').map(str::trim).collect() } else { vec![text.as_str()] };
        let numeric = ty == "Number" || ty == "List<Number>";
        // A NoEcho parameter's value is a secret: never quoted in a message.
        let no_echo = obj.field("NoEcho").is_some_and(|v| v == &Json::Bool(true) || v.as_str() == Some("true"));
        let quote = |v: &str| if no_echo { "(a NoEcho value, not shown)".to_string() } else { format!("{v:?}") };
        let shown = quote(&text);
        let complain = |c: &mut Self, key: &str, message: String| {
            c.problem(ProblemKind::InvalidTemplate, Some(id), "Default", format!("Default {shown} {message} ({key})"))
        };
        for v in &values {
            if numeric && v.parse::<f64>().is_err() {
                complain(self, "Type", format!("is not a number, as {ty} needs"));
                return;
            }
        }
        if let Some(allowed) = obj.field("AllowedValues").and_then(Json::as_array) {
            let allowed: Vec<String> = allowed.iter().filter_map(scalar_text).collect();
            // A list default may also be listed whole (`"a,b"` among the allowed values).
            let whole = allowed.contains(&text);
            for v in values.iter().filter(|_| !whole) {
                let hit = allowed.iter().any(|a| a == v || (numeric && a.parse::<f64>().ok() == v.parse::<f64>().ok()));
                if !hit {
                    complain(self, "AllowedValues", format!("is not one of {}", allowed.join(", ")));
                    break;
                }
            }
        }
        if let Some(pattern) = obj.field("AllowedPattern").and_then(Json::as_str)
            && let Ok(re) = regex_lite::Regex::new(&format!("^(?:{pattern})$"))
            && let Some(v) = values.iter().find(|v| !re.is_match(v))
        {
            let what =
                if list { format!("has item {}, which does not match", quote(v)) } else { "does not match".into() };
            complain(self, "AllowedPattern", format!("{what} {pattern}"));
        }
        let bound = |key: &str| obj.get(key).and_then(|b| scalar_text(b)?.parse::<f64>().ok());
        if numeric {
            for v in values.iter().filter_map(|v| v.parse::<f64>().ok()) {
                if let Some(min) = bound("MinValue").filter(|m| v < *m) {
                    complain(self, "MinValue", format!("is less than {min}"));
                }
                if let Some(max) = bound("MaxValue").filter(|m| v > *m) {
                    complain(self, "MaxValue", format!("is greater than {max}"));
                }
            }
        } else if !list {
            let len = text.chars().count() as f64;
            if let Some(min) = bound("MinLength").filter(|m| len < *m) {
                complain(self, "MinLength", format!("is shorter than {min} characters"));
            }
            if let Some(max) = bound("MaxLength").filter(|m| len > *m) {
                complain(self, "MaxLength", format!("is longer than {max} characters"));
            }
        }
    }

    /// Keys of a resource entry and the shapes of its attributes (cfn-lint E3001, E3035, E3036).
    fn check_resource_keys(&mut self, id: &str, obj: &serde_json::Map<String, Json>) {
        let custom = obj.field("Type").and_then(Json::as_str).is_some_and(is_custom_type);
        let module = obj.field("Type").and_then(Json::as_str).is_some_and(|t| t.ends_with("::MODULE"));
        for (key, value) in obj {
            let expected = match key.as_str() {
                "Type" | "DependsOn" | "Condition" | "Metadata" => continue,
                // A registry module's resources come from the module: CloudFormation takes no creation
                // or update policy on the module entry (cfn-lint 1.58 E5001 `Modules`, E3001).
                "CreationPolicy" | "UpdatePolicy" if module && value.as_object().is_some_and(|m| !m.is_empty()) => {
                    self.problem(
                        ProblemKind::InvalidTemplate,
                        Some(id),
                        key,
                        format!("{key} is not permitted on a registry module (a `…::MODULE` type)"),
                    );
                    continue;
                }
                "Properties" | "CreationPolicy" | "UpdatePolicy" if value.is_object() => continue,
                "Properties" | "CreationPolicy" | "UpdatePolicy" => "an object",
                "Version" if custom && (value.is_string() || value.is_u64()) => continue,
                "DeletionPolicy" | "UpdateReplacePolicy" => {
                    // With AWS::LanguageExtensions these may be a parameter or a condition's choice.
                    if matches!(intrinsic_name(value), Some("Ref" | "Fn::If" | "Fn::FindInMap")) {
                        continue;
                    }
                    let allowed: &[&str] = if key == "DeletionPolicy" {
                        &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"]
                    } else {
                        &["Delete", "Retain", "Snapshot"]
                    };
                    match value.as_str() {
                        Some("Snapshot") if !snapshot_allowed(obj.field("Type").and_then(Json::as_str)) => {
                            self.problem(
                                ProblemKind::InvalidTemplate,
                                Some(id),
                                key,
                                format!(
                                    "{key} Snapshot applies only to types that take snapshots ({}), found it on {}",
                                    SNAPSHOT_TYPES.join(", "),
                                    obj.field("Type").and_then(Json::as_str).unwrap_or_default()
                                ),
                            );
                            continue;
                        }
                        Some(v) if allowed.contains(&v) => continue,
                        _ => {
                            self.problem(
                                ProblemKind::InvalidTemplate,
                                Some(id),
                                key,
                                format!("{key} must be one of {}, found {value}", allowed.join(", ")),
                            );
                            continue;
                        }
                    }
                }
                // Added by the SAM transform (AWS::Serverless-2016-10-31), harmless elsewhere.
                "Connectors" | "IgnoreGlobals" => continue,
                other => {
                    let known = [
                        "Type",
                        "Properties",
                        "DependsOn",
                        "Condition",
                        "Metadata",
                        "DeletionPolicy",
                        "UpdateReplacePolicy",
                        "CreationPolicy",
                        "UpdatePolicy",
                    ];
                    let hint = known
                        .iter()
                        .find(|k| edit_distance(&k.to_lowercase(), &other.to_lowercase()) <= 2)
                        .map(|k| format!(" (did you mean {k}?)"))
                        .unwrap_or_default();
                    self.problem(
                        ProblemKind::InvalidTemplate,
                        Some(id),
                        other,
                        format!("{other:?} is not a resource attribute{hint}; expected one of {}", known.join(", ")),
                    );
                    continue;
                }
            };
            self.problem(
                ProblemKind::InvalidTemplate,
                Some(id),
                key,
                format!("{key} must be {expected}, found {}", json_kind(value)),
            );
        }
    }

    /// Records that the resource being walked (if any) depends on `target`.
    fn add_edge(&mut self, target: &'a str) {
        if let Some(from) = self.walking_resource {
            self.edges.entry(from).or_default().insert(target);
        }
    }

    fn depends_on(&mut self, id: &'a str, path: &str, target: &'a str) {
        if self.resources.contains_key(target) {
            self.edges.entry(id).or_default().insert(target);
        } else {
            self.problem(
                ProblemKind::DanglingReference,
                Some(id),
                path,
                format!("DependsOn {target:?}, which is not a resource of this template"),
            );
        }
    }

    fn check_condition_name(&mut self, id: &str, path: &str, value: Option<&Json>) {
        match value {
            None => {}
            Some(Json::String(name)) if self.conditions.contains(name.as_str()) => {}
            Some(Json::String(name)) => self.problem(
                ProblemKind::DanglingReference,
                Some(id),
                path,
                format!("condition {name:?} is not defined in Conditions"),
            ),
            Some(_) => {
                self.problem(ProblemKind::InvalidTemplate, Some(id), path, "Condition must be a condition name".into())
            }
        }
    }

    /// A problem at a property path (rendered only now).
    fn problem_at(&mut self, kind: ProblemKind, id: Option<&str>, path: &PropertyPath<'_>, message: String) {
        self.problem(kind, id, &path.render(), message);
    }

    fn reference(&mut self, id: Option<&str>, path: &PropertyPath<'_>, target: &'a str) {
        if Pseudo::from_name(target).is_some() || self.parameters.contains(target) {
            return;
        }
        if self.resources.contains_key(target) {
            self.add_edge(target);
            return;
        }
        self.problem_at(
            ProblemKind::DanglingReference,
            id,
            path,
            format!("Ref to {target:?}, which is not a resource, parameter or pseudo parameter"),
        );
    }

    fn get_att(&mut self, id: Option<&str>, path: &PropertyPath<'_>, target: &'a str, attribute: &str) {
        let Some(&type_name) = self.resources.get(target) else {
            self.problem_at(
                ProblemKind::DanglingReference,
                id,
                path,
                format!("Fn::GetAtt on {target:?}, which is not a resource of this template"),
            );
            return;
        };
        self.add_edge(target);
        if self.facts.accepts_attribute(type_name, attribute) == Some(false)
            && let Some(attrs) = self.facts.attributes(type_name)
        {
            self.problem_at(
                ProblemKind::UnknownAttribute,
                id,
                path,
                format!("{type_name} has no attribute {attribute:?} (it has: {})", attrs.join(", ")),
            );
        }
    }

    /// Walks a value, checking every intrinsic function on the way.
    fn walk(&mut self, id: Option<&str>, path: &PropertyPath<'_>, value: &'a Json, in_conditions: bool) {
        // Recursion is bounded by the reader's depth limit and by rcdk's own value trees.
        match value {
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(id, &path.index(i), item, in_conditions);
                }
            }
            Json::Object(map) if map.len() == 1 => {
                let (key, arg) = map.iter().next().expect("one entry");
                let here = path.key(key);
                match key.as_str() {
                    "Ref" => match arg.as_str() {
                        Some(target) => self.reference(id, &here, target),
                        None => self.problem_at(
                            ProblemKind::InvalidTemplate,
                            id,
                            &here,
                            "Ref takes a logical ID string".into(),
                        ),
                    },
                    "Fn::GetAtt" => self.walk_get_att(id, &here, arg),
                    "Fn::Sub" => self.walk_sub(id, &here, arg, in_conditions),
                    "Fn::If" => {
                        if let Some(items) = arg.as_array()
                            && items.len() == 3
                        {
                            self.check_condition_ref(id, &here.index(0), &items[0]);
                            self.walk(id, &here.index(1), &items[1], in_conditions);
                            self.walk(id, &here.index(2), &items[2], in_conditions);
                        } else {
                            self.problem_at(
                                ProblemKind::InvalidTemplate,
                                id,
                                &here,
                                "Fn::If takes [condition name, value if true, value if false]".into(),
                            );
                        }
                    }
                    "Condition" if in_conditions || arg.is_string() => self.check_condition_ref(id, &here, arg),
                    "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                        self.check_condition_function(id, &here, key, arg);
                        self.walk(id, &here, arg, in_conditions);
                    }
                    "Fn::FindInMap" => {
                        if let Some(items) = arg.as_array()
                            && (3..=4).contains(&items.len())
                        {
                            if let Some(name) = items[0].as_str() {
                                if !self.mappings.contains(name) {
                                    self.problem_at(
                                        ProblemKind::DanglingReference,
                                        id,
                                        &here.index(0),
                                        format!("mapping {name:?} is not defined in Mappings"),
                                    );
                                }
                            } else {
                                self.walk(id, &here.index(0), &items[0], in_conditions);
                            }
                            for (i, item) in items.iter().enumerate().skip(1) {
                                self.walk(id, &here.index(i), item, in_conditions);
                            }
                        } else {
                            self.problem_at(
                                ProblemKind::InvalidTemplate,
                                id,
                                &here,
                                "Fn::FindInMap takes [mapping, top-level key, second-level key]".into(),
                            );
                        }
                    }
                    unknown
                        if unknown.starts_with("Fn::")
                            && !KNOWN_FUNCTIONS.contains(&unknown)
                            && !unknown.starts_with("Fn::ForEach::")
                            && !path.render().starts_with("Metadata") =>
                    {
                        self.problem_at(
                            ProblemKind::InvalidTemplate,
                            id,
                            &here,
                            format!("{unknown} is not an intrinsic function CloudFormation knows"),
                        );
                    }
                    _ => self.walk(id, &here, arg, in_conditions),
                }
            }
            Json::Object(map) => {
                for (k, v) in map {
                    self.walk(id, &path.key(k), v, in_conditions);
                }
            }
            _ => {}
        }
    }

    /// Argument shapes of the condition functions: `Fn::Equals` takes two values, `Fn::Not` one
    /// condition, `Fn::And`/`Fn::Or` two to ten conditions (each a `Condition`, or a condition
    /// function).
    fn check_condition_function(&mut self, id: Option<&str>, path: &PropertyPath<'_>, name: &str, arg: &Json) {
        let items = arg.as_array();
        let (min, max) = match name {
            "Fn::Equals" => (2, 2),
            "Fn::Not" => (1, 1),
            _ => (2, 10),
        };
        let Some(items) = items.filter(|i| (min..=max).contains(&i.len())) else {
            let expected = match name {
                "Fn::Equals" => "a list of two values".to_string(),
                "Fn::Not" => "a list of one condition".to_string(),
                _ => format!("a list of {min} to {max} conditions"),
            };
            let found = match arg.as_array() {
                Some(a) => format!("a list of {}", a.len()),
                None => json_kind(arg).to_string(),
            };
            self.problem_at(ProblemKind::InvalidTemplate, id, path, format!("{name} takes {expected}, found {found}"));
            return;
        };
        if name == "Fn::Equals" {
            for (i, item) in items.iter().enumerate() {
                if item.is_array() || (item.is_object() && intrinsic_name(item).is_none()) {
                    self.problem_at(
                        ProblemKind::InvalidTemplate,
                        id,
                        &path.index(i),
                        format!("Fn::Equals compares strings, found {}", json_kind(item)),
                    );
                } else if let Some((target, ty)) = item
                    .field("Ref")
                    .and_then(Json::as_str)
                    .filter(|_| item.as_object().is_some_and(|o| o.len() == 1))
                    .and_then(|t| self.list_parameters.get_key_value(t))
                {
                    // A list parameter's Ref is a list (cfn-lint E1020 "is not of type 'string'").
                    let message = format!(
                        "Fn::Equals compares strings, found a Ref to the list parameter {target} ({ty}); \
                         join it (Fn::Join) or pick one item (Fn::Select)"
                    );
                    self.problem_at(ProblemKind::InvalidTemplate, id, &path.index(i), message);
                }
            }
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let ok = matches!(
                intrinsic_name(item),
                Some(
                    "Condition"
                        | "Fn::Equals"
                        | "Fn::And"
                        | "Fn::Or"
                        | "Fn::Not"
                        | "Fn::Contains"
                        | "Fn::EachMemberEquals"
                        | "Fn::EachMemberIn"
                )
            );
            if !ok {
                self.problem_at(
                    ProblemKind::InvalidTemplate,
                    id,
                    &path.index(i),
                    format!("{name} takes conditions (Condition or a condition function), found {}", json_kind(item)),
                );
            }
        }
    }

    fn check_condition_ref(&mut self, id: Option<&str>, path: &PropertyPath<'_>, value: &Json) {
        match value.as_str() {
            Some(name) if self.conditions.contains(name) => {}
            Some(name) => self.problem_at(
                ProblemKind::DanglingReference,
                id,
                path,
                format!("condition {name:?} is not defined in Conditions"),
            ),
            None => self.problem_at(ProblemKind::InvalidTemplate, id, path, "expected a condition name".into()),
        }
    }

    fn walk_get_att(&mut self, id: Option<&str>, path: &PropertyPath<'_>, arg: &'a Json) {
        match arg {
            Json::String(s) => match s.split_once('.') {
                Some((target, attr)) => self.get_att(id, path, target, attr),
                None => self.problem_at(
                    ProblemKind::InvalidTemplate,
                    id,
                    path,
                    format!("Fn::GetAtt {s:?} must be \"LogicalId.Attribute\""),
                ),
            },
            Json::Array(items) if items.len() == 2 => match (&items[0], &items[1]) {
                (Json::String(t), Json::String(a)) => self.get_att(id, path, t, a),
                (Json::String(t), other) => {
                    if !self.resources.contains_key(t.as_str()) {
                        self.get_att(id, path, t, "");
                    }
                    self.walk(id, &path.index(1), other, false);
                }
                _ => self.problem_at(
                    ProblemKind::InvalidTemplate,
                    id,
                    path,
                    "Fn::GetAtt takes [logical ID, attribute]".into(),
                ),
            },
            _ => self.problem_at(
                ProblemKind::InvalidTemplate,
                id,
                path,
                "Fn::GetAtt takes [logical ID, attribute]".into(),
            ),
        }
    }

    fn walk_sub(&mut self, id: Option<&str>, path: &PropertyPath<'_>, arg: &'a Json, in_conditions: bool) {
        let (template, vars) = match arg {
            Json::String(s) => (s.as_str(), None),
            Json::Array(items) if items.len() == 2 && items[0].is_string() && items[1].is_object() => {
                (items[0].as_str().unwrap_or_default(), items[1].as_object())
            }
            // A macro (Fn::Transform) may produce the string at deployment.
            Json::Object(m) if m.len() == 1 && m.contains_key("Fn::Transform") => {
                self.walk(id, path, arg, in_conditions);
                return;
            }
            _ => {
                self.problem_at(
                    ProblemKind::InvalidTemplate,
                    id,
                    path,
                    "Fn::Sub takes a string or [string, {variables}]".into(),
                );
                return;
            }
        };
        if let Some(vars) = vars {
            let at = path.index(1);
            for (k, v) in vars {
                self.walk(id, &at.key(k), v, in_conditions);
            }
        }
        for var in SubVariables(template) {
            if vars.is_some_and(|m| m.field(var).is_some()) {
                continue;
            }
            match var.split_once('.') {
                Some((target, attr)) if Pseudo::from_name(var).is_none() => {
                    if self.parameters.contains(target) {
                        continue;
                    }
                    self.get_att(id, path, target, attr)
                }
                _ => self.reference(id, path, var),
            }
        }
    }

    fn check_cycles(&mut self) {
        // Iterative DFS with colours; each cycle reported once, starting at its smallest logical ID.
        let mut state: BTreeMap<&str, u8> = BTreeMap::new();
        let mut cycles: BTreeSet<Vec<String>> = BTreeSet::new();
        for (&start, targets) in &self.edges {
            if state.contains_key(start) {
                continue;
            }
            let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, targets.iter().copied().collect())];
            let mut on_path: Vec<&str> = vec![start];
            state.insert(start, 1);
            while let Some((node, pending)) = stack.last_mut() {
                let node = *node;
                match pending.pop() {
                    Some(next) => match state.get(next) {
                        None => {
                            state.insert(next, 1);
                            on_path.push(next);
                            let succ = self.edges.get(next).map(|s| s.iter().copied().collect()).unwrap_or_default();
                            stack.push((next, succ));
                        }
                        Some(1) => {
                            let pos = on_path.iter().position(|n| *n == next).unwrap_or(0);
                            let mut cycle: Vec<String> = on_path[pos..].iter().map(|s| s.to_string()).collect();
                            let min =
                                cycle.iter().enumerate().min_by_key(|(_, s)| s.as_str()).map(|(i, _)| i).unwrap_or(0);
                            cycle.rotate_left(min);
                            cycles.insert(cycle);
                        }
                        _ => {}
                    },
                    None => {
                        state.insert(node, 2);
                        on_path.pop();
                        stack.pop();
                    }
                }
            }
        }
        for cycle in cycles {
            let mut shown = cycle.clone();
            shown.push(cycle[0].clone());
            self.problem(
                ProblemKind::DependencyCycle,
                Some(&cycle[0]),
                "",
                format!("resources depend on each other in a cycle: {}", shown.join(" -> ")),
            );
        }
    }

    fn check_limits(&mut self, top: &serde_json::Map<String, Json>, body_bytes: Option<usize>) {
        let count = |key: &str| top.get(key).and_then(Json::as_object).map_or(0, |m| m.len());
        for (section, max) in [
            ("Resources", MAX_RESOURCES),
            ("Parameters", MAX_PARAMETERS),
            ("Outputs", MAX_OUTPUTS),
            ("Mappings", MAX_MAPPINGS),
        ] {
            let n = count(section);
            if n > max {
                self.problem(
                    ProblemKind::Limit,
                    None,
                    section,
                    format!("{n} entries in {section}; CloudFormation allows at most {max} per template"),
                );
            }
        }
        if let Some(bytes) = body_bytes {
            if bytes > MAX_BODY_BYTES {
                self.problem(
                    ProblemKind::Limit,
                    None,
                    "",
                    format!("template body is {bytes} bytes; CloudFormation accepts at most {MAX_BODY_BYTES}"),
                );
            } else if bytes > MAX_INLINE_BODY_BYTES {
                self.push(
                    Severity::Warning,
                    ProblemKind::Limit,
                    None,
                    "",
                    format!(
                        "template body is {bytes} bytes; `aws cloudformation deploy --template-file` needs \
                         --s3-bucket above {MAX_INLINE_BODY_BYTES} bytes"
                    ),
                );
            }
        }
    }
}

/// The top-level sections of a template, from
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>
/// (`Globals` is accepted too when the SAM transform is declared).
pub const TOP_LEVEL_SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
];

/// Every intrinsic function name CloudFormation knows, besides `Ref`, `Condition` and
/// `Fn::ForEach::*` (AWS::LanguageExtensions). The rule functions are valid only in `Rules`.
/// From <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
pub const KNOWN_FUNCTIONS: &[&str] = &[
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::GetStackOutput",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::If",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::RefAll",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
];

/// A scalar as text (`30`, `true`, `"x"` → `x`).
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parameter types CloudFormation accepts, from
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
fn is_parameter_type(ty: &str) -> bool {
    let inner = ty.strip_prefix("List<").and_then(|t| t.strip_suffix('>'));
    matches!(ty, "String" | "Number" | "CommaDelimitedList" | "List<Number>" | "List<String>")
        || ty.starts_with("AWS::SSM::Parameter::")
        || (ty.starts_with("AWS::") && ty.matches("::").count() >= 2)
        || inner.is_some_and(|t| t.starts_with("AWS::") && t.matches("::").count() >= 2)
}

fn is_custom_type(t: &str) -> bool {
    t.starts_with("Custom::") || t == "AWS::CloudFormation::CustomResource"
}

/// The name of the intrinsic function a value is (`Ref`, `Condition`, `Fn::…`), if it is one.
fn intrinsic_name(v: &Json) -> Option<&str> {
    let map = v.as_object().filter(|m| m.len() == 1)?;
    let key = map.keys().next()?.as_str();
    (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some(key)
}

/// The resource types whose `DeletionPolicy` / `UpdateReplacePolicy` may be `Snapshot`: the list
/// cfn-lint 1.58 checks against (`cfnlint.helpers.valid_snapshot_types`, E3035/E3036; the
/// CloudFormation `DeletionPolicy` page names the same types).
const SNAPSHOT_TYPES: &[&str] = &[
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

/// Whether `Snapshot` is accepted on a resource of this type. Only plain AWS types are judged:
/// custom resources, SAM types (expanded by a transform) and registry modules are not.
fn snapshot_allowed(type_name: Option<&str>) -> bool {
    match type_name {
        Some(t) if t.starts_with("AWS::") && !t.starts_with("AWS::Serverless::") && !t.ends_with("::MODULE") => {
            SNAPSHOT_TYPES.contains(&t)
        }
        _ => true,
    }
}

/// A parameter type whose value is a list: `CommaDelimitedList`, `List<…>`, and SSM parameters
/// holding one (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>).
fn is_list_parameter_type(ty: &str) -> bool {
    let inner = ty.strip_prefix("AWS::SSM::Parameter::Value<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty);
    inner == "CommaDelimitedList" || inner.starts_with("List<")
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// Levenshtein distance between two strings (in characters), for "did you mean …?" hints; shared
/// by the reference checks, the IAM lint and the schema validator.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `get` on a JSON object that scans small maps instead of hashing the key: schema nodes,
/// statements and template values mostly have a handful of keys, and SipHashing a key (serde_json's
/// maps) costs more than comparing a few strings. Same result as `get`: keys are unique.
pub(crate) trait Field {
    /// The value at `key`, if this is an object that has it.
    fn field(&self, key: &str) -> Option<&Json>;
}

/// Up to this many keys a map is scanned.
const SCAN_AT_MOST: usize = 8;

impl Field for serde_json::Map<String, Json> {
    #[inline]
    fn field(&self, key: &str) -> Option<&Json> {
        if self.len() <= SCAN_AT_MOST { self.iter().find_map(|(k, v)| (k == key).then_some(v)) } else { self.get(key) }
    }
}

impl Field for Json {
    #[inline]
    fn field(&self, key: &str) -> Option<&Json> {
        self.as_object()?.field(key)
    }
}

/// Where a value is in a resource, output or condition (`Properties.A[0].B`): a chain of
/// segments on the walk's stack, rendered to text only when a problem is reported (a path string
/// per value walked was a third of the checks' cost).
#[derive(Clone, Copy)]
struct PropertyPath<'p> {
    parent: Option<&'p PropertyPath<'p>>,
    segment: Segment<'p>,
}

#[derive(Clone, Copy)]
enum Segment<'p> {
    /// A key: `.key` after a non-empty path, `key` at the start.
    Key(&'p str),
    /// A list index: `[i]`.
    Index(usize),
}

impl<'p> PropertyPath<'p> {
    fn root(key: &'p str) -> PropertyPath<'p> {
        PropertyPath { parent: None, segment: Segment::Key(key) }
    }

    fn key<'q>(&'q self, key: &'q str) -> PropertyPath<'q> {
        PropertyPath { parent: Some(self), segment: Segment::Key(key) }
    }

    fn index(&self, i: usize) -> PropertyPath<'_> {
        PropertyPath { parent: Some(self), segment: Segment::Index(i) }
    }

    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            segments.push(p.segment);
            at = p.parent;
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

/// The variable names in an `Fn::Sub` template (`${X}`, `${X.Attr}`), skipping `${!literal}`.
///
/// ```
/// let vars = rcdk::core::check::sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}");
/// assert_eq!(vars, vec!["AWS::Partition", "Bucket"]);
/// ```
pub fn sub_variables(template: &str) -> Vec<&str> {
    SubVariables(template).collect()
}

/// The variables of an `Fn::Sub` template, one at a time ([`sub_variables`] without the vector).
struct SubVariables<'t>(&'t str);

impl<'t> Iterator for SubVariables<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        loop {
            let start = self.0.find("${")?;
            let after = &self.0[start + 2..];
            let Some(end) = after.find('}') else {
                self.0 = "";
                return None;
            };
            let name = &after[..end];
            self.0 = &after[end + 1..];
            if !name.starts_with('!') {
                return Some(name.trim());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn index_paths() {
        let root = PropertyPath::root("");
        assert_eq!(root.render(), "");
        assert_eq!(root.index(0).render(), "[0]");
        assert_eq!(root.key("A").render(), "A");
        let a = PropertyPath::root("A");
        assert_eq!(a.key("B").index(7).render(), "A.B[7]");
        assert_eq!(a.index(10).key("").key("C").render(), "A[10]..C");
        assert_eq!(root.key("").key("X").index(1234567).render(), "X[1234567]");
    }

    fn kinds(t: &Json) -> Vec<(ProblemKind, Option<String>, Option<String>)> {
        check_template("t", t, None, &NoTypeFacts)
            .into_iter()
            .map(|p| (p.kind, p.logical_id, p.property_path))
            .collect()
    }

    #[test]
    fn valid_template_has_no_problems() {
        let t = json!({
            "Parameters": {"Name": {"Type": "String"}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Name"}, "prod"]}},
            "Mappings": {"M": {"a": {"b": "c"}}},
            "Resources": {
                "Key": {"Type": "AWS::KMS::Key"},
                "Stream": {"Type": "AWS::Kinesis::Stream", "Condition": "IsProd", "DependsOn": ["Key"], "Properties": {
                    "Name": {"Fn::Sub": "${Name}-${AWS::Region}-${Key.Arn}-${!Literal}"},
                    "X": {"Fn::If": ["IsProd", {"Fn::GetAtt": ["Key", "Arn"]}, {"Ref": "AWS::NoValue"}]},
                    "Y": {"Fn::FindInMap": ["M", "a", "b"]},
                    "Z": {"Fn::Sub": ["${V}", {"V": {"Ref": "Key"}}]}
                }}
            },
            "Outputs": {"O": {"Value": {"Fn::GetAtt": "Stream.Arn"}, "Condition": "IsProd"}}
        });
        assert_eq!(kinds(&t), vec![]);
    }

    #[test]
    fn dangling_references_are_named_with_their_path() {
        let t = json!({"Resources": {"A": {"Type": "T", "DependsOn": "Ghost", "Condition": "NoCond", "Properties": {
            "R": {"Ref": "Nope"},
            "G": {"Fn::GetAtt": ["Missing", "Arn"]},
            "S": [{"Fn::Sub": "${Gone.Arn} ${Param}"}],
            "I": {"Fn::If": ["NoSuch", 1, 2]},
            "M": {"Fn::FindInMap": ["NoMap", "a", "b"]}
        }}}});
        let got = kinds(&t);
        let dangling = |p: &str| (ProblemKind::DanglingReference, Some("A".to_string()), Some(p.to_string()));
        for expected in [
            dangling("Properties.R.Ref"),
            dangling("Properties.G.Fn::GetAtt"),
            dangling("Properties.S[0].Fn::Sub"),
            dangling("Properties.I.Fn::If[0]"),
            dangling("Properties.M.Fn::FindInMap[0]"),
            dangling("DependsOn"),
            dangling("Condition"),
        ] {
            assert!(got.contains(&expected), "missing {expected:?} in {got:?}");
        }
        // Both ${Gone.Arn} and ${Param} are reported.
        assert_eq!(got.iter().filter(|g| g.2.as_deref() == Some("Properties.S[0].Fn::Sub")).count(), 2);
    }

    #[test]
    fn cycles_are_named() {
        let t = json!({"Resources": {
            "A": {"Type": "T", "Properties": {"X": {"Ref": "B"}}},
            "B": {"Type": "T", "DependsOn": "C"},
            "C": {"Type": "T", "Properties": {"Y": {"Fn::Sub": "${A.Arn}"}}},
            "D": {"Type": "T", "DependsOn": "D"}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let msgs: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 2, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.ends_with("A -> B -> C -> A")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.ends_with("D -> D")), "{msgs:?}");
    }

    #[test]
    fn outputs_and_conditions_named_like_resources_are_not_cycles() {
        let t = json!({
            "Conditions": {"Bucket": {"Fn::Equals": ["a", "b"]}},
            "Resources": {"Bucket": {"Type": "T"}, "Topic": {"Type": "T", "Properties": {"B": {"Ref": "Bucket"}}}},
            "Outputs": {
                "Bucket": {"Value": {"Ref": "Bucket"}},
                "Topic": {"Value": {"Fn::GetAtt": ["Topic", "Arn"]}, "Export": {"Name": {"Fn::Sub": "${Topic}"}}}
            }
        });
        assert_eq!(kinds(&t), vec![]);
    }

    #[test]
    fn resource_keys_and_attribute_shapes() {
        let t = json!({"Resources": {
            "A": {"Type": "T", "Propertes": {}, "DeletionPolicy": "Keep", "UpdateReplacePolicy": "Retain", "Metadata": {}},
            "B": {"Type": "Custom::X", "Version": "1.0", "Properties": [], "DeletionPolicy": {"Fn::If": ["C", "Retain", "Delete"]}},
            "C": {"Type": "T", "Version": 1}
        }, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}}});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let got: Vec<(Option<&str>, Option<&str>, &str)> = problems
            .iter()
            .map(|p| (p.logical_id.as_deref(), p.property_path.as_deref(), p.message.as_str()))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(
            got.contains(&(
                Some("A"),
                Some("DeletionPolicy"),
                "DeletionPolicy must be one of Delete, Retain, RetainExceptOnCreate, Snapshot, found \"Keep\""
            )),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|g| g.0 == Some("A") && g.1 == Some("Propertes") && g.2.contains("did you mean Properties?")),
            "{got:?}"
        );
        assert!(
            got.contains(&(Some("B"), Some("Properties"), "Properties must be an object, found a list")),
            "{got:?}"
        );
        assert!(got.iter().any(|g| g.0 == Some("C") && g.1 == Some("Version")), "{got:?}");
    }

    #[test]
    fn unknown_functions_and_sections_are_errors() {
        let t = json!({"Resource": {}, "Resources": {"A": {"Type": "T", "Metadata": {"Fn::Anything": 1},
            "Properties": {"X": {"Fn::Ref": "A"}, "Y": {"Fn::GetStackOutput": {}}}}}});
        let got = kinds(&t);
        assert_eq!(
            got,
            vec![
                (ProblemKind::InvalidTemplate, None, Some("Resource".to_string())),
                (ProblemKind::InvalidTemplate, Some("A".to_string()), Some("Properties.X.Fn::Ref".to_string())),
            ]
        );
    }

    #[test]
    fn condition_function_arguments() {
        let t = json!({"Resources": {"A": {"Type": "T"}}, "Conditions": {
            "Ok": {"Fn::And": [{"Condition": "Two"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "x"]}]}]},
            "Two": {"Fn::Equals": ["a", "b"]},
            "Three": {"Fn::Equals": ["a", "b", "c"]},
            "Bad": {"Fn::Or": ["a", {"Condition": "Two"}]},
            "List": {"Fn::Equals": [["a"], "b"]}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let got: Vec<(Option<&str>, Option<&str>)> =
            problems.iter().map(|p| (p.logical_id.as_deref(), p.property_path.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Some("Three"), Some("Fn::Equals")),
                (Some("Bad"), Some("Fn::Or[0]")),
                (Some("List"), Some("Fn::Equals[0]"))
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn parameter_defaults_meet_their_constraints() {
        let t = json!({"Resources": {"A": {"Type": "T"}}, "Parameters": {
            "Good": {"Type": "Number", "Default": "5", "MinValue": 1, "MaxValue": 10, "AllowedValues": [5, 6]},
            "Low": {"Type": "Number", "Default": 0, "MinValue": 1},
            "NaN": {"Type": "Number", "Default": "five"},
            "Pattern": {"Type": "String", "Default": "abc1", "AllowedPattern": "[a-z]+"},
            "Secret": {"Type": "String", "Default": "hunter2", "AllowedPattern": "[a-z]+", "NoEcho": true},
            "Allowed": {"Type": "String", "Default": "c", "AllowedValues": ["a", "b"]},
            "Long": {"Type": "String", "Default": "abcdef", "MaxLength": "3"},
            "List": {"Type": "CommaDelimitedList", "Default": "a, b,c", "AllowedValues": ["a", "b"]},
            "Whole": {"Type": "CommaDelimitedList", "Default": "a,b", "AllowedValues": ["a,b"]},
            "BadType": {"Type": "Strin"},
            "Ssm": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x"},
            "Vpc": {"Type": "List<AWS::EC2::VPC::Id>"}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let mut got: Vec<(&str, &str)> =
            problems.iter().map(|p| (p.logical_id.as_deref().unwrap_or(""), p.message.as_str())).collect();
        got.sort();
        let ids: Vec<&str> = got.iter().map(|g| g.0).collect();
        assert_eq!(ids, ["Allowed", "BadType", "List", "Long", "Low", "NaN", "Pattern", "Secret"], "{got:?}");
        assert!(
            got.contains(&("Secret", "Default (a NoEcho value, not shown) does not match [a-z]+ (AllowedPattern)")),
            "{got:?}"
        );
        assert!(got.contains(&("Low", "Default \"0\" is less than 1 (MinValue)")), "{got:?}");
        assert!(got.contains(&("Pattern", "Default \"abc1\" does not match [a-z]+ (AllowedPattern)")), "{got:?}");
        assert!(got.contains(&("List", "Default \"a, b,c\" is not one of a, b (AllowedValues)")), "{got:?}");
    }

    #[test]
    fn snapshot_only_on_types_that_take_snapshots() {
        let t = json!({"Resources": {
            "User": {"Type": "AWS::IAM::User", "DeletionPolicy": "Snapshot"},
            "Topic": {"Type": "AWS::SNS::Topic", "UpdateReplacePolicy": "Snapshot"},
            "Db": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"},
            "Custom": {"Type": "Custom::Thing", "DeletionPolicy": "Snapshot"},
            "Module": {"Type": "My::Org::Thing::MODULE", "DeletionPolicy": "Snapshot"}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let mut got: Vec<(&str, &str)> = problems
            .iter()
            .filter(|p| p.message.contains("Snapshot applies only"))
            .map(|p| (p.logical_id.as_deref().unwrap_or(""), p.property_path.as_deref().unwrap_or("")))
            .collect();
        got.sort();
        assert_eq!(got, [("Topic", "UpdateReplacePolicy"), ("User", "DeletionPolicy")], "{problems:?}");
        assert!(problems.iter().any(|p| p.message.ends_with("found it on AWS::IAM::User")), "{problems:?}");
    }

    #[test]
    fn modules_take_no_creation_or_update_policy() {
        let t = json!({"Resources": {
            "M": {"Type": "My::Org::Thing::MODULE", "CreationPolicy": {"X": 1}, "UpdatePolicy": {"Y": false}},
            "Empty": {"Type": "My::Org::Thing::MODULE", "UpdatePolicy": {}},
            "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup", "UpdatePolicy": {"Y": false}}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let mut got: Vec<(&str, &str)> = problems
            .iter()
            .filter(|p| p.message.contains("registry module"))
            .map(|p| (p.logical_id.as_deref().unwrap_or(""), p.property_path.as_deref().unwrap_or("")))
            .collect();
        got.sort();
        assert_eq!(got, [("M", "CreationPolicy"), ("M", "UpdatePolicy")], "{problems:?}");
    }

    #[test]
    fn equals_on_a_list_parameter() {
        let t = json!({
            "Parameters": {
                "Envs": {"Type": "CommaDelimitedList"},
                "Subnets": {"Type": "AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>"},
                "Name": {"Type": "String"}
            },
            "Conditions": {
                "A": {"Fn::Equals": [{"Ref": "Envs"}, ""]},
                "B": {"Fn::Equals": ["x", {"Ref": "Subnets"}]},
                "C": {"Fn::Equals": [{"Ref": "Name"}, {"Fn::Join": [",", {"Ref": "Envs"}]}]}
            },
            "Resources": {"R": {"Type": "T"}}
        });
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let mut got: Vec<(&str, &str)> = problems
            .iter()
            .filter(|p| p.message.contains("list parameter"))
            .map(|p| (p.logical_id.as_deref().unwrap_or(""), p.property_path.as_deref().unwrap_or("")))
            .collect();
        got.sort();
        assert_eq!(got, [("A", "Fn::Equals[0]"), ("B", "Fn::Equals[1]")], "{problems:?}");
    }

    #[test]
    fn parameter_attributes_fit_the_type() {
        let t = json!({"Resources": {"A": {"Type": "T"}}, "Parameters": {
            "N": {"Type": "Number", "MaxLength": 10, "MinValue": 1},
            "S": {"Type": "String", "MaxValue": 3, "MaxLength": 10},
            "V": {"Type": "String", "AllowedValues": ["a", 1, true, {"key": "value"}]},
            "L": {"Type": "CommaDelimitedList", "MaxLength": 10}
        }});
        let problems = check_template("t", &t, None, &NoTypeFacts);
        let mut got: Vec<(&str, &str, &str)> = problems
            .iter()
            .map(|p| {
                (p.logical_id.as_deref().unwrap_or(""), p.property_path.as_deref().unwrap_or(""), p.message.as_str())
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "N",
                    "MaxLength",
                    "MaxLength does not apply to a Number parameter (its constraints are AllowedValues, MinValue, \
                     MaxValue)"
                ),
                (
                    "S",
                    "MaxValue",
                    "MaxValue does not apply to a String parameter (its constraints are AllowedValues, \
                     AllowedPattern, MinLength, MaxLength)"
                ),
                ("V", "AllowedValues[3]", "AllowedValues[3] must be a string, found an object"),
            ]
        );
    }

    #[test]
    fn limits() {
        let resources: serde_json::Map<String, Json> =
            (0..501).map(|i| (format!("R{i}"), json!({"Type": "AWS::SNS::Topic"}))).collect();
        let t = json!({"Resources": resources});
        let problems = check_template("t", &t, Some(60_000), &NoTypeFacts);
        assert!(problems.iter().any(|p| p.kind == ProblemKind::Limit && p.is_error() && p.message.contains("501")));
        assert!(problems.iter().any(|p| p.kind == ProblemKind::Limit && !p.is_error() && p.message.contains("60000")));
        let big = check_template("t", &json!({"Resources": {"A": {"Type": "T"}}}), Some(1_000_001), &NoTypeFacts);
        assert!(big.iter().any(|p| p.kind == ProblemKind::Limit && p.is_error()));
    }

    #[test]
    fn section_limits() {
        let many = |n: usize, v: Json| -> Json { Json::Object((0..n).map(|i| (format!("E{i}"), v.clone())).collect()) };
        let t = json!({
            "Parameters": many(201, json!({"Type": "String"})),
            "Outputs": many(201, json!({"Value": "x"})),
            "Mappings": many(201, json!({"a": {"b": "c"}})),
            "Resources": {"A": {"Type": "T"}}
        });
        let problems = check_template("t", &t, None, &NoTypeFacts);
        for section in ["Parameters", "Outputs", "Mappings"] {
            assert!(
                problems.iter().any(|p| p.kind == ProblemKind::Limit
                    && p.property_path.as_deref() == Some(section)
                    && p.message
                        == format!("201 entries in {section}; CloudFormation allows at most 200 per template")),
                "{section}: {problems:?}"
            );
        }
        let at_limit = json!({"Parameters": many(200, json!({"Type": "String"})), "Resources": {"A": {"Type": "T"}}});
        assert!(check_template("t", &at_limit, None, &NoTypeFacts).is_empty());
    }

    #[test]
    fn attributes_checked_when_type_known() {
        struct Facts;
        impl TypeFacts for Facts {
            fn attributes(&self, t: &str) -> Option<Vec<String>> {
                (t == "AWS::Kinesis::Stream").then(|| vec!["Arn".to_string()])
            }
        }
        let t = json!({"Resources": {"S": {"Type": "AWS::Kinesis::Stream"},
            "U": {"Type": "T", "Properties": {"A": {"Fn::GetAtt": "S.Nope"}, "B": {"Fn::GetAtt": "S.Arn"}}}}});
        let problems = check_template("t", &t, None, &Facts);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::UnknownAttribute);
    }

    #[test]
    fn malformed_inputs_do_not_panic() {
        for t in [
            json!(null),
            json!([]),
            json!({"Resources": []}),
            json!({"Resources": {"A": 3}}),
            json!({"Resources": {"A": {"Type": "T", "Properties": {"X": {"Fn::Sub": 3}, "Y": {"Fn::GetAtt": 1}, "Z": {"Ref": []}}}}}),
        ] {
            assert!(!check_template("t", &t, None, &NoTypeFacts).is_empty(), "{t}");
        }
    }
}
