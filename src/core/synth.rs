//! Synthesis: resolve every reference to a logical ID, add implicit dependencies, build each
//! stack's template document and validate it. Nothing is returned when any problem is an error.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map as JsonMap, Value as Json};

use crate::core::aspect::AspectResource;
use crate::core::check::{self, TypeFacts};
use crate::core::element::{Element, Override, RemovalPolicy, Resource};
use crate::core::ids;
use crate::core::problem::{Problem, ProblemKind, Severity, SynthError};
use crate::core::stack::{Environment, Stack};
use crate::core::tree::{NodeRef, StackId};
use crate::core::value::Value;

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct SynthesizedStack {
    /// Stack name.
    pub name: String,
    /// Where it deploys.
    pub env: Environment,
    /// The template document.
    pub template: Json,
    /// Names of stacks that must deploy first.
    pub dependencies: Vec<String>,
    /// Warnings found (errors fail synthesis).
    pub warnings: Vec<Problem>,
    /// Logical ID → construct path, for tools that point back at the program.
    pub construct_paths: BTreeMap<String, String>,
    /// Stack-level tags ([`Stack::tags`](crate::core::stack::Stack::tags)), written to the manifest.
    pub tags: BTreeMap<String, String>,
}

/// Options of a synthesis run.
#[derive(Clone, Copy)]
pub struct SynthOptions<'a> {
    /// Warnings become errors.
    pub strict: bool,
    /// Facts about resource types (GetAtt attributes) for validation.
    pub facts: &'a dyn TypeFacts,
    /// Per-resource schema validation: (type, properties) → (property path, message).
    #[allow(clippy::type_complexity)]
    pub validate_properties: Option<&'a PropertyValidator>,
    /// Further template-level checks (e.g. IAM policy lint): (stack name, template) → problems.
    pub template_checks: &'a [TemplateCheck],
}

/// A validator of one resource's properties: (type, properties) → (property path, message),
/// or `None` for a type it does not know.
pub type PropertyValidator = dyn Fn(&str, &Json) -> Option<Vec<(String, String)>> + Send + Sync;

/// A check over a whole template document: (stack or file name, template) → problems.
pub type TemplateCheck = fn(&str, &Json) -> Vec<Problem>;

struct Export {
    output_id: String,
    name: String,
    value: Json,
}

struct StackIds {
    /// node index → logical ID (elements only).
    ids: Vec<Option<String>>,
}

/// Synthesizes stacks that may reference each other.
pub fn synthesize(stacks: &[&Stack], options: SynthOptions<'_>) -> Result<Vec<SynthesizedStack>, SynthError> {
    let mut problems = Vec::new();
    let by_id: HashMap<StackId, usize> = stacks.iter().enumerate().map(|(i, s)| (s.id(), i)).collect();
    let ids: Vec<StackIds> = stacks.iter().map(|s| assign_logical_ids(s, &mut problems)).collect();
    let view = View { stacks, by_id, ids };

    let mut templates = Vec::new();
    let mut exports: Vec<BTreeMap<String, Export>> = stacks.iter().map(|_| BTreeMap::new()).collect();
    let mut stack_deps: Vec<BTreeSet<usize>> = stacks.iter().map(|_| BTreeSet::new()).collect();
    for (i, stack) in stacks.iter().enumerate() {
        let mut r = Resolver {
            view: &view,
            stack: i,
            owner: 0,
            problems: Vec::new(),
            refs: BTreeSet::new(),
            exports: Vec::new(),
            stack_deps: BTreeSet::new(),
        };
        let template = r.template(stack);
        problems.append(&mut r.problems);
        for (producer, export) in r.exports {
            exports[producer].entry(export.output_id.clone()).or_insert(export);
        }
        stack_deps[i].extend(r.stack_deps);
        for dep in &stack.stack_dependencies {
            match view.by_id.get(dep) {
                Some(d) => {
                    stack_deps[i].insert(*d);
                }
                None => problems.push(Problem::new(
                    Severity::Error,
                    ProblemKind::DanglingReference,
                    stack.name(),
                    format!(
                        "depends on stack {}, which is not part of this app (add it with App::add_stack)",
                        crate::core::tree::stack_name(*dep)
                    ),
                )),
            }
        }
        templates.push(template);
    }
    for (i, template) in templates.iter_mut().enumerate() {
        if exports[i].is_empty() {
            continue;
        }
        let outputs = template
            .as_object_mut()
            .expect("templates are objects")
            .entry("Outputs")
            .or_insert_with(|| Json::Object(JsonMap::new()));
        if let Json::Object(outputs) = outputs {
            for export in exports[i].values() {
                let mut o = JsonMap::new();
                o.insert("Value".into(), export.value.clone());
                o.insert("Export".into(), intrinsic("Name", Json::String(export.name.clone())));
                outputs.insert(export.output_id.clone(), Json::Object(o));
            }
        }
    }
    check_stack_cycles(stacks, &stack_deps, &mut problems);

    let mut out = Vec::new();
    for (i, (stack, mut template)) in stacks.iter().zip(templates).enumerate() {
        let construct_paths: BTreeMap<String, String> = view.ids[i]
            .ids
            .iter()
            .enumerate()
            .filter_map(|(node, id)| id.clone().map(|id| (id, stack.tree.path(node as u32))))
            .collect();
        let acknowledgments: Vec<(String, &str, &str)> = stack
            .acknowledgments
            .iter()
            .map(|(node, rule, reason)| (stack.tree.path(*node), rule.as_str(), reason.as_str()))
            .collect();
        crate::security::write_acknowledgments(&mut template, &construct_paths, &acknowledgments);
        let body = crate::core::emit::json::json_len(&template);
        let found = check_document(stack.name(), &template, Some(body), &options);
        for mut p in found {
            if let Some(id) = &p.logical_id
                && let Some(path) = construct_paths.get(id)
            {
                p.construct_path = Some(path.clone());
            }
            problems.push(p);
        }
        let mut dependencies: Vec<String> = stack_deps[i].iter().map(|d| stacks[*d].name().to_string()).collect();
        dependencies.sort();
        out.push(SynthesizedStack {
            name: stack.name().to_string(),
            env: stack.props().env.clone(),
            template,
            dependencies,
            warnings: Vec::new(),
            construct_paths,
            tags: stack.tags(),
        });
    }

    for p in &mut problems {
        let strict = options.strict || stacks.iter().any(|s| s.name() == p.stack && s.props().strict);
        if strict && p.severity == Severity::Warning {
            p.severity = Severity::Error;
            p.message.push_str(" (warnings are errors: strict mode)");
        }
    }
    problems.sort();
    problems.dedup();
    if problems.iter().any(Problem::is_error) {
        return Err(SynthError { problems });
    }
    for p in problems {
        if let Some(s) = out.iter_mut().find(|s| s.name == p.stack) {
            s.warnings.push(p);
        }
    }
    Ok(out)
}

/// Every check on a finished template document: references, cycles and limits, resource property
/// schemas, and the extra template checks. Used by synthesis and by `rcdk validate` alike.
pub fn check_document(
    name: &str,
    template: &Json,
    body_bytes: Option<usize>,
    options: &SynthOptions<'_>,
) -> Vec<Problem> {
    let mut found = check::check_template(name, template, body_bytes, options.facts);
    for extra in options.template_checks {
        found.extend(extra(name, template));
    }
    if let Some(validate) = options.validate_properties
        && let Some(resources) = template.get("Resources").and_then(Json::as_object)
    {
        for (id, resource) in resources {
            let type_name = resource.get("Type").and_then(Json::as_str).unwrap_or_default();
            let empty;
            let props = match resource.get("Properties") {
                Some(p) => p,
                None => {
                    empty = Json::Object(JsonMap::new());
                    &empty
                }
            };
            for (path, message) in validate(type_name, props).unwrap_or_default() {
                let path = if path.is_empty() { "Properties".to_string() } else { format!("Properties.{path}") };
                found.push(Problem::new(Severity::Error, ProblemKind::Schema, name, message).at(id.clone(), path));
            }
        }
    }
    found
}

fn check_stack_cycles(stacks: &[&Stack], deps: &[BTreeSet<usize>], problems: &mut Vec<Problem>) {
    fn visit(n: usize, deps: &[BTreeSet<usize>], state: &mut [u8], path: &mut Vec<usize>) -> Option<Vec<usize>> {
        state[n] = 1;
        path.push(n);
        for &d in &deps[n] {
            if state[d] == 1 {
                let pos = path.iter().position(|x| *x == d).unwrap_or(0);
                let mut cycle = path[pos..].to_vec();
                cycle.push(d);
                return Some(cycle);
            }
            if state[d] == 0
                && let Some(c) = visit(d, deps, state, path)
            {
                return Some(c);
            }
        }
        path.pop();
        state[n] = 2;
        None
    }
    let mut state = vec![0u8; stacks.len()];
    for i in 0..stacks.len() {
        if state[i] == 0
            && let Some(cycle) = visit(i, deps, &mut state, &mut Vec::new())
        {
            let names: Vec<&str> = cycle.iter().map(|c| stacks[*c].name()).collect();
            problems.push(Problem::new(
                Severity::Error,
                ProblemKind::DependencyCycle,
                stacks[cycle[0]].name(),
                format!("stacks depend on each other in a cycle: {}", names.join(" -> ")),
            ));
            return;
        }
    }
}

fn namespace(e: &Element) -> Option<&'static str> {
    match e {
        Element::Scope => None,
        Element::Resource(_) | Element::Parameter(_) => Some("Resources and Parameters"),
        Element::Output(_) => Some("Outputs"),
        Element::Condition(_) => Some("Conditions"),
        Element::Mapping(_) => Some("Mappings"),
        Element::Rule(_) => Some("Rules"),
    }
}

fn assign_logical_ids(stack: &Stack, problems: &mut Vec<Problem>) -> StackIds {
    let mut ids = vec![None; stack.tree.nodes.len()];
    // Construct paths are built only for problems.
    for (i, node) in stack.tree.nodes.iter().enumerate() {
        if namespace(&node.element).is_none() {
            continue;
        }
        let id = match stack.logical_id(NodeRef { stack: stack.id(), index: i as u32 }) {
            Ok(id) => id,
            Err(e) => {
                problems.push(
                    Problem::new(Severity::Error, ProblemKind::InvalidLogicalId, stack.name(), e.to_string())
                        .with_construct_path(stack.tree.path(i as u32)),
                );
                continue;
            }
        };
        // An output or parameter named at the top of the stack keeps its id as its template name
        // (what `aws cloudformation describe-stacks` shows and `--parameter-overrides` takes), so
        // characters CloudFormation does not allow there are an error, not silently dropped.
        if matches!(node.element, Element::Output(_) | Element::Parameter(_)) && node.parent == Some(0) && id != node.id
        {
            problems.push(
                Problem::new(
                    Severity::Error,
                    ProblemKind::InvalidLogicalId,
                    stack.name(),
                    format!(
                        "{} id {:?} is not a valid template name (letters and digits only) and would become \
                         {id:?}; name it {id:?}",
                        node.element.kind_name(),
                        node.id
                    ),
                )
                .with_construct_path(stack.tree.path(i as u32)),
            );
            continue;
        }
        ids[i] = Some(id);
    }
    // The first node (in tree order) with an ID in a namespace keeps it; later ones are errors.
    let mut seen: BTreeMap<(&'static str, &str), u32> = BTreeMap::new();
    let mut duplicates: Vec<(usize, u32)> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (Some(id), Some(ns)) = (id, namespace(&stack.tree.nodes[i].element)) else { continue };
        match seen.entry((ns, id.as_str())) {
            std::collections::btree_map::Entry::Occupied(first) => duplicates.push((i, *first.get())),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(i as u32);
            }
        }
    }
    for (i, first) in duplicates {
        let Some(id) = ids[i].take() else { continue };
        let ns = namespace(&stack.tree.nodes[i].element).unwrap_or_default();
        let path = stack.tree.path(i as u32);
        problems.push(
            Problem::new(
                Severity::Error,
                ProblemKind::DuplicateLogicalId,
                stack.name(),
                format!(
                    "logical ID {id:?} is used by both {} and {path} (in {ns}); override one with override_logical_id",
                    stack.tree.path(first)
                ),
            )
            .with_construct_path(path),
        );
    }
    StackIds { ids }
}

struct View<'a> {
    stacks: &'a [&'a Stack],
    by_id: HashMap<StackId, usize>,
    ids: Vec<StackIds>,
}

#[derive(Clone, Copy)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

fn render_path(path: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

enum Piece {
    Lit(String),
    Expr(Json),
}

struct Resolver<'a> {
    view: &'a View<'a>,
    stack: usize,
    owner: u32,
    problems: Vec<Problem>,
    /// same-stack resources referenced by the entry being resolved
    refs: BTreeSet<u32>,
    exports: Vec<(usize, Export)>,
    stack_deps: BTreeSet<usize>,
}

impl<'a> Resolver<'a> {
    fn this(&self) -> &'a Stack {
        self.view.stacks[self.stack]
    }

    fn error(&mut self, kind: ProblemKind, path: &[Seg<'_>], message: String) {
        let stack = self.this();
        let mut p =
            Problem::new(Severity::Error, kind, stack.name(), message).with_construct_path(stack.tree.path(self.owner));
        p.logical_id = self.view.ids[self.stack].ids[self.owner as usize].clone();
        let rendered = render_path(path);
        p.property_path = (!rendered.is_empty()).then_some(rendered);
        self.problems.push(p);
    }

    /// Runs the aspects of the resource's ancestors (stack first, then down to the resource; each
    /// scope's in the order added) on its resolved properties.
    fn apply_aspects(&mut self, type_name: &str, props: &mut JsonMap<String, Json>) {
        let stack = self.this();
        if stack.aspects.is_empty() {
            return;
        }
        let mut chain = Vec::new();
        let mut cur = Some(self.owner);
        while let Some(i) = cur {
            chain.push(i);
            cur = stack.tree.nodes[i as usize].parent;
        }
        chain.reverse();
        let construct_path = stack.tree.path(self.owner);
        let mut state = Vec::new();
        for scope in chain {
            for (_, aspect) in stack.aspects.iter().filter(|(at, _)| *at == scope) {
                let mut view =
                    AspectResource { path: &construct_path, type_name, properties: props, state: &mut state };
                if let Err(problem) = aspect.visit(&mut view) {
                    let mut p = Problem::new(Severity::Error, problem.kind, stack.name(), problem.message)
                        .with_construct_path(construct_path.clone());
                    p.logical_id = self.view.ids[self.stack].ids[self.owner as usize].clone();
                    p.property_path = (!problem.property_path.is_empty()).then_some(problem.property_path);
                    self.problems.push(p);
                }
            }
        }
    }

    /// The stack index, node index and logical ID of a referenced node, or a problem.
    fn locate(&mut self, node: NodeRef, path: &[Seg<'_>]) -> Option<(usize, u32, String)> {
        let Some(&s) = self.view.by_id.get(&node.stack) else {
            self.error(
                ProblemKind::DanglingReference,
                path,
                format!(
                    "refers to a construct of stack {}, which is not part of this app (add it with App::add_stack)",
                    crate::core::tree::stack_name(node.stack)
                ),
            );
            return None;
        };
        let id = self.view.ids[s].ids.get(node.index as usize).cloned().flatten();
        match id {
            Some(id) => Some((s, node.index, id)),
            None => {
                let target = self.view.stacks[s];
                let what = target.tree.nodes.get(node.index as usize).map_or("nothing", |n| n.element.kind_name());
                self.error(
                    ProblemKind::WrongReferenceTarget,
                    path,
                    format!("refers to {} ({what}), which has no logical ID", target.path(node)),
                );
                None
            }
        }
    }

    fn element(&self, stack: usize, index: u32) -> &'a Element {
        &self.view.stacks[stack].tree.nodes[index as usize].element
    }

    fn reference(&mut self, node: NodeRef, attribute: Option<&str>, path: &[Seg<'_>]) -> Json {
        let Some((s, index, id)) = self.locate(node, path) else { return Json::Null };
        let element = self.element(s, index);
        let ok = matches!((element, attribute), (Element::Resource(_), _) | (Element::Parameter(_), None));
        if !ok {
            let what =
                if attribute.is_some() { "Fn::GetAtt needs a resource" } else { "Ref needs a resource or parameter" };
            let target = self.view.stacks[s].tree.path(index);
            self.error(ProblemKind::WrongReferenceTarget, path, format!("{what}; {target} is {}", element.kind_name()));
            return Json::Null;
        }
        let expr = match attribute {
            None => intrinsic("Ref", Json::String(id)),
            Some(a) => intrinsic("Fn::GetAtt", Json::Array(vec![Json::String(id), Json::String(a.to_string())])),
        };
        if s == self.stack {
            if matches!(element, Element::Resource(_)) {
                self.refs.insert(index);
            }
            return expr;
        }
        if matches!(element, Element::Parameter(_)) {
            let producer = self.view.stacks[s].name();
            self.error(
                ProblemKind::WrongReferenceTarget,
                path,
                format!("a parameter of stack {producer} cannot be referenced from another stack"),
            );
            return Json::Null;
        }
        self.cross_stack(s, expr, path)
    }

    fn cross_stack(&mut self, producer: usize, expr: Json, path: &[Seg<'_>]) -> Json {
        let (from, to) = (self.view.stacks[producer], self.this());
        if from.props().env != to.props().env {
            self.error(
                ProblemKind::CrossEnvironmentReference,
                path,
                format!(
                    "refers to stack {} in environment {}, but {} deploys to {}; references between \
                     environments are not possible (pass the value as a parameter instead)",
                    from.name(),
                    env_name(&from.props().env),
                    to.name(),
                    env_name(&to.props().env)
                ),
            );
            return Json::Null;
        }
        let compact = serde_json::to_string(&expr).unwrap_or_default();
        let output_component = format!("Output{compact}");
        let output_id = ids::logical_id(&["Exports", &output_component]).unwrap_or_else(|_| "ExportsOutput".into());
        let name = format!("{}:{output_id}", from.name());
        self.exports.push((producer, Export { output_id, name: name.clone(), value: expr }));
        self.stack_deps.insert(producer);
        intrinsic("Fn::ImportValue", Json::String(name))
    }

    fn named(&mut self, node: NodeRef, want: fn(&Element) -> bool, what: &str, path: &[Seg<'_>]) -> Json {
        let Some((s, index, id)) = self.locate(node, path) else { return Json::Null };
        if s != self.stack {
            self.error(
                ProblemKind::WrongReferenceTarget,
                path,
                format!(
                    "{what} {} belongs to stack {}",
                    self.view.stacks[s].tree.path(index),
                    self.view.stacks[s].name()
                ),
            );
            return Json::Null;
        }
        let element = self.element(s, index);
        if !want(element) {
            self.error(
                ProblemKind::WrongReferenceTarget,
                path,
                format!("expected {what}, but {} is {}", self.this().tree.path(index), element.kind_name()),
            );
            return Json::Null;
        }
        Json::String(id)
    }

    fn resolve<'v>(&mut self, v: &'v Value, path: &mut Vec<Seg<'v>>) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(n) => Json::from(*n),
            Value::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => Json::Number(n),
                None => {
                    self.error(ProblemKind::InvalidTemplate, path, format!("{f} is not a finite number"));
                    Json::Null
                }
            },
            Value::String(s) => Json::String(s.clone()),
            Value::List(items) => Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(Seg::Index(i));
                        let r = self.resolve(item, path);
                        path.pop();
                        r
                    })
                    .collect(),
            ),
            Value::Map(m) => Json::Object(self.resolve_map(m, path)),
            Value::Ref(node) => self.reference(*node, None, path),
            Value::RefLogicalId(id) => intrinsic("Ref", Json::String(id.clone())),
            Value::Pseudo(p) => intrinsic("Ref", Json::String(p.name().to_string())),
            Value::GetAtt(node, attr) => self.reference(*node, Some(attr), path),
            Value::Sub(template, vars) if vars.is_empty() => intrinsic("Fn::Sub", Json::String(template.clone())),
            Value::Sub(template, vars) => {
                let vars = self.resolve_map(vars, path);
                intrinsic("Fn::Sub", Json::Array(vec![Json::String(template.clone()), Json::Object(vars)]))
            }
            Value::Join(delim, items) => {
                let items: Vec<Json> = self.resolve_all(items, path);
                intrinsic("Fn::Join", Json::Array(vec![Json::String(delim.clone()), Json::Array(items)]))
            }
            Value::Select(i, list) => {
                let (i, list) = (self.resolve(i, path), self.resolve(list, path));
                intrinsic("Fn::Select", Json::Array(vec![i, list]))
            }
            Value::Split(delim, source) => {
                let source = self.resolve(source, path);
                intrinsic("Fn::Split", Json::Array(vec![Json::String(delim.clone()), source]))
            }
            Value::If(cond, a, b) => {
                let name = self.named(*cond, |e| matches!(e, Element::Condition(_)), "a condition", path);
                let (a, b) = (self.resolve(a, path), self.resolve(b, path));
                intrinsic("Fn::If", Json::Array(vec![name, a, b]))
            }
            Value::Equals(a, b) => {
                let (a, b) = (self.resolve(a, path), self.resolve(b, path));
                intrinsic("Fn::Equals", Json::Array(vec![a, b]))
            }
            Value::And(items) => intrinsic("Fn::And", Json::Array(self.resolve_all(items, path))),
            Value::Or(items) => intrinsic("Fn::Or", Json::Array(self.resolve_all(items, path))),
            Value::Not(c) => intrinsic("Fn::Not", Json::Array(vec![self.resolve(c, path)])),
            Value::Condition(node) => {
                intrinsic("Condition", self.named(*node, |e| matches!(e, Element::Condition(_)), "a condition", path))
            }
            Value::ImportValue(name) => intrinsic("Fn::ImportValue", self.resolve(name, path)),
            Value::Base64(v) => intrinsic("Fn::Base64", self.resolve(v, path)),
            Value::GetAzs(region) => intrinsic("Fn::GetAZs", self.resolve(region, path)),
            Value::FindInMap(m, top, second) => {
                let name = self.named(*m, |e| matches!(e, Element::Mapping(_)), "a mapping", path);
                let (top, second) = (self.resolve(top, path), self.resolve(second, path));
                intrinsic("Fn::FindInMap", Json::Array(vec![name, top, second]))
            }
            Value::Cidr(ip, count, bits) => {
                let (ip, count, bits) = (self.resolve(ip, path), self.resolve(count, path), self.resolve(bits, path));
                intrinsic("Fn::Cidr", Json::Array(vec![ip, count, bits]))
            }
            Value::Dynamic(d) => Json::String(d.to_string()),
            Value::Json(inner) => {
                let mut pieces = Vec::new();
                self.stringify(inner, &mut pieces, path);
                pieces_to_json(pieces)
            }
        }
    }

    fn resolve_all<'v>(&mut self, items: &'v [Value], path: &mut Vec<Seg<'v>>) -> Vec<Json> {
        items.iter().map(|i| self.resolve(i, path)).collect()
    }

    fn resolve_map<'v>(&mut self, m: &'v crate::core::value::Map, path: &mut Vec<Seg<'v>>) -> JsonMap<String, Json> {
        let mut out = JsonMap::with_capacity(m.len());
        for (k, v) in m {
            path.push(Seg::Key(k));
            let r = self.resolve(v, path);
            path.pop();
            out.insert(k.clone(), r);
        }
        out
    }

    /// Renders a value as JSON text; parts known only at deploy time stay expressions. Text is
    /// appended to the last literal piece (one growing string between expressions).
    fn stringify<'v>(&mut self, v: &'v Value, out: &mut Vec<Piece>, path: &mut Vec<Seg<'v>>) {
        use crate::core::emit::json::{push_json_string, push_json_string_content};
        match v {
            Value::Null => lit(out).push_str("null"),
            Value::Bool(b) => lit(out).push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => {
                use std::fmt::Write;
                let _ = write!(lit(out), "{n}");
            }
            Value::Float(_) => {
                // Through resolve: a number that is not finite is reported there (and becomes null).
                use std::fmt::Write;
                let j = self.resolve(v, path);
                let _ = write!(lit(out), "{j}");
            }
            Value::String(s) => push_json_string(lit(out), s),
            Value::Dynamic(d) => push_json_string(lit(out), &d.to_string()),
            Value::List(items) => {
                lit(out).push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        lit(out).push(',');
                    }
                    path.push(Seg::Index(i));
                    self.stringify(item, out, path);
                    path.pop();
                }
                lit(out).push(']');
            }
            Value::Map(m) => {
                lit(out).push('{');
                for (i, (k, item)) in m.iter().filter(|(_, v)| !v.is_no_value()).enumerate() {
                    let text = lit(out);
                    if i > 0 {
                        text.push(',');
                    }
                    push_json_string(text, k);
                    text.push(':');
                    path.push(Seg::Key(k));
                    self.stringify(item, out, path);
                    path.pop();
                }
                lit(out).push('}');
            }
            Value::Json(inner) => {
                // JSON inside JSON: the inner document becomes a string literal of the outer one.
                let mut inner_pieces = Vec::new();
                self.stringify(inner, &mut inner_pieces, path);
                lit(out).push('"');
                for piece in inner_pieces {
                    match piece {
                        Piece::Lit(s) => push_json_string_content(lit(out), &s),
                        expr => out.push(expr),
                    }
                }
                lit(out).push('"');
            }
            _ => {
                // Deploy-time strings (ARNs, names, ids) are inserted verbatim between quotes.
                let expr = self.resolve(v, path);
                lit(out).push('"');
                out.push(Piece::Expr(expr));
                lit(out).push('"');
            }
        }
    }

    fn template(&mut self, stack: &'a Stack) -> Json {
        let mut sections: BTreeMap<&'static str, JsonMap<String, Json>> = BTreeMap::new();
        let mut path = Vec::with_capacity(16);
        for (i, node) in stack.tree.nodes.iter().enumerate() {
            let Some(id) = self.view.ids[self.stack].ids[i].clone() else { continue };
            self.owner = i as u32;
            self.refs.clear();
            path.clear();
            let (section, value) = match &node.element {
                Element::Scope => continue,
                Element::Resource(r) => ("Resources", self.resource(r, &mut path)),
                Element::Parameter(p) => {
                    let mut o = JsonMap::new();
                    o.insert("Type".into(), Json::String(p.type_.as_str().to_string()));
                    if let Some(d) = &p.description {
                        o.insert("Description".into(), Json::String(d.clone()));
                    }
                    if let Some(d) = &p.default {
                        path.push(Seg::Key("Default"));
                        o.insert("Default".into(), self.resolve(d, &mut path));
                        path.pop();
                    }
                    if !p.allowed_values.is_empty() {
                        o.insert("AllowedValues".into(), Json::Array(self.resolve_all(&p.allowed_values, &mut path)));
                    }
                    if let Some(a) = &p.allowed_pattern {
                        o.insert("AllowedPattern".into(), Json::String(a.clone()));
                    }
                    for (key, n) in [("MinLength", p.min_length), ("MaxLength", p.max_length)] {
                        if let Some(n) = n {
                            o.insert(key.into(), n.into());
                        }
                    }
                    for (key, n) in [("MinValue", p.min_value), ("MaxValue", p.max_value)] {
                        if let Some(n) = n {
                            o.insert(key.into(), number(n));
                        }
                    }
                    if p.no_echo {
                        o.insert("NoEcho".into(), Json::Bool(true));
                    }
                    if let Some(c) = &p.constraint_description {
                        o.insert("ConstraintDescription".into(), Json::String(c.clone()));
                    }
                    ("Parameters", Json::Object(o))
                }
                Element::Output(out) => {
                    let mut o = JsonMap::new();
                    if let Some(d) = &out.description {
                        o.insert("Description".into(), Json::String(d.clone()));
                    }
                    path.push(Seg::Key("Value"));
                    o.insert("Value".into(), self.resolve(&out.value, &mut path));
                    path.pop();
                    if let Some(name) = &out.export_name {
                        path.push(Seg::Key("Export"));
                        o.insert("Export".into(), intrinsic("Name", self.resolve(name, &mut path)));
                        path.pop();
                    }
                    if let Some(c) = out.condition {
                        path.push(Seg::Key("Condition"));
                        let name = self.named(c, |e| matches!(e, Element::Condition(_)), "a condition", &path);
                        o.insert("Condition".into(), name);
                        path.pop();
                    }
                    ("Outputs", Json::Object(o))
                }
                Element::Condition(expr) => ("Conditions", self.resolve(expr, &mut path)),
                Element::Mapping(m) => {
                    let mut o = JsonMap::new();
                    for (top, inner) in m {
                        path.push(Seg::Key(top));
                        o.insert(top.clone(), Json::Object(self.resolve_map(inner, &mut path)));
                        path.pop();
                    }
                    ("Mappings", Json::Object(o))
                }
                Element::Rule(rule) => ("Rules", self.resolve(rule, &mut path)),
            };
            sections.entry(section).or_default().insert(id, value);
        }
        let mut t = JsonMap::new();
        t.insert("AWSTemplateFormatVersion".into(), Json::String("2010-09-09".into()));
        if let Some(d) = &stack.props().description {
            t.insert("Description".into(), Json::String(d.clone()));
        }
        if !stack.metadata.is_empty() {
            self.owner = 0;
            t.insert("Metadata".into(), Json::Object(self.resolve_map(&stack.metadata, &mut Vec::new())));
        }
        for section in ["Parameters", "Rules", "Mappings", "Conditions"] {
            if let Some(s) = sections.remove(section) {
                t.insert(section.into(), Json::Object(s));
            }
        }
        match stack.props().transforms.as_slice() {
            [] => {}
            [one] => {
                t.insert("Transform".into(), Json::String(one.clone()));
            }
            many => {
                t.insert("Transform".into(), many.iter().cloned().map(Json::String).collect());
            }
        }
        t.insert("Resources".into(), Json::Object(sections.remove("Resources").unwrap_or_default()));
        if let Some(s) = sections.remove("Outputs") {
            t.insert("Outputs".into(), Json::Object(s));
        }
        Json::Object(t)
    }

    fn resource(&mut self, r: &'a Resource, path: &mut Vec<Seg<'a>>) -> Json {
        let mut o = JsonMap::new();
        o.insert("Type".into(), Json::String(r.type_name.clone()));
        path.clear();
        path.push(Seg::Key("Properties"));
        let mut props = self.resolve_map(&r.properties, path);
        path.clear();
        self.apply_aspects(&r.type_name, &mut props);
        if !props.is_empty() {
            o.insert("Properties".into(), Json::Object(props));
        }
        let mut attrs: Vec<(&str, Json)> = Vec::new();
        if let Some(c) = r.condition {
            let name = self.named(c, |e| matches!(e, Element::Condition(_)), "a condition", &[Seg::Key("Condition")]);
            attrs.push(("Condition", name));
        }
        for (key, v) in [("CreationPolicy", &r.creation_policy), ("UpdatePolicy", &r.update_policy)] {
            if let Some(v) = v {
                let mut path = vec![Seg::Key(key)];
                attrs.push((key, self.resolve(v, &mut path)));
            }
        }
        for (key, p) in [("UpdateReplacePolicy", r.update_replace_policy), ("DeletionPolicy", r.deletion_policy)] {
            if let Some(p) = p {
                attrs.push((key, Json::String(RemovalPolicy::as_str(p).into())));
            }
        }
        if !r.metadata.is_empty() {
            let mut path = vec![Seg::Key("Metadata")];
            attrs.push(("Metadata", Json::Object(self.resolve_map(&r.metadata, &mut path))));
        }
        let mut overrides = Vec::new();
        for ov in &r.overrides {
            match ov {
                Override::Set(p, v) => {
                    let mut path: Vec<Seg> = p.iter().map(|s| Seg::Key(s)).collect();
                    overrides.push((p, Some(self.resolve(v, &mut path))));
                }
                Override::Delete(p) => overrides.push((p, None)),
            }
        }
        // Dependencies last: every reference above is known now.
        let mut depends: BTreeSet<String> = BTreeSet::new();
        for target in &r.depends_on {
            let expanded = self.expand_dependency(*target);
            if expanded.is_empty() || expanded.iter().all(|(s, index)| *s == self.stack && *index == self.owner) {
                self.dependency_target_error(*target);
            }
            for (s, index) in expanded {
                if s != self.stack {
                    self.stack_deps.insert(s);
                } else if index != self.owner
                    && !self.refs.contains(&index)
                    && let Some(id) = self.view.ids[s].ids[index as usize].clone()
                {
                    depends.insert(id);
                }
            }
        }
        if !depends.is_empty() {
            o.insert("DependsOn".into(), depends.into_iter().map(Json::String).collect());
        }
        for (k, v) in attrs {
            o.insert(k.into(), v);
        }
        let mut doc = Json::Object(o);
        for (p, v) in overrides {
            apply_override(&mut doc, p, v);
        }
        doc
    }

    /// Reports a DependsOn that would do nothing: on the resource itself, or on something that is
    /// not a resource (a parameter, output…). A scope without resources stays a no-op, like CDK.
    fn dependency_target_error(&mut self, target: NodeRef) {
        let Some(&s) = self.view.by_id.get(&target.stack) else { return };
        let tree = &self.view.stacks[s].tree;
        let Some(node) = tree.nodes.get(target.index as usize) else { return };
        let message = if s == self.stack && target.index == self.owner {
            "depends on itself; remove the dependency".to_string()
        } else if matches!(node.element, Element::Scope) {
            return;
        } else {
            format!(
                "depends on {} ({}); DependsOn needs a resource or a construct with resources below it \
                 (a parameter is always available: reference it with Ref instead)",
                tree.path(target.index),
                node.element.kind_name()
            )
        };
        self.error(ProblemKind::WrongReferenceTarget, &[Seg::Key("DependsOn")], message);
    }

    /// A dependency on a scope means every resource below it, like CDK.
    fn expand_dependency(&mut self, target: NodeRef) -> Vec<(usize, u32)> {
        let Some(&s) = self.view.by_id.get(&target.stack) else {
            self.error(
                ProblemKind::DanglingReference,
                &[Seg::Key("DependsOn")],
                format!(
                    "depends on a construct of stack {}, which is not part of this app (add it with App::add_stack)",
                    crate::core::tree::stack_name(target.stack)
                ),
            );
            return Vec::new();
        };
        let tree = &self.view.stacks[s].tree;
        if target.index as usize >= tree.nodes.len() {
            return Vec::new();
        }
        tree.subtree(target.index)
            .into_iter()
            .filter(|i| matches!(tree.nodes[*i as usize].element, Element::Resource(_)))
            .map(|i| (s, i))
            .collect()
    }
}

fn apply_override(doc: &mut Json, path: &[String], value: Option<Json>) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut cur = doc;
    for key in parents {
        if !cur.is_object() {
            return;
        }
        let map = cur.as_object_mut().expect("checked");
        cur = map.entry(key.clone()).or_insert_with(|| Json::Object(JsonMap::new()));
        if value.is_none() && !cur.is_object() {
            return;
        }
        if !cur.is_object() {
            *cur = Json::Object(JsonMap::new());
        }
    }
    if let Json::Object(map) = cur {
        match value {
            Some(v) => {
                map.insert(last.clone(), v);
            }
            None => {
                map.shift_remove(last);
            }
        }
    }
}

fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// A one-key object (an intrinsic function, `{"Name": …}`), sized for its one entry: `json!` would
/// copy the value (it serializes its arguments) into a map sized for three.
fn intrinsic(key: &str, value: Json) -> Json {
    let mut m = JsonMap::with_capacity(1);
    m.insert(key.to_string(), value);
    Json::Object(m)
}

/// The literal piece text is appended to: the last piece if it is one, else a new one.
fn lit(out: &mut Vec<Piece>) -> &mut String {
    if !matches!(out.last(), Some(Piece::Lit(_))) {
        out.push(Piece::Lit(String::new()));
    }
    match out.last_mut() {
        Some(Piece::Lit(s)) => s,
        _ => unreachable!("a literal piece was just ensured"),
    }
}

fn pieces_to_json(pieces: Vec<Piece>) -> Json {
    let mut merged: Vec<Piece> = Vec::new();
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Lit(prev)), Piece::Lit(s)) => prev.push_str(&s),
            (_, p) => merged.push(p),
        }
    }
    if let [Piece::Lit(s)] = merged.as_slice() {
        return Json::String(s.clone());
    }
    let parts: Vec<Json> = merged
        .into_iter()
        .filter(|p| !matches!(p, Piece::Lit(s) if s.is_empty()))
        .map(|p| match p {
            Piece::Lit(s) => Json::String(s),
            Piece::Expr(e) => e,
        })
        .collect();
    intrinsic("Fn::Join", Json::Array(vec![Json::String(String::new()), Json::Array(parts)]))
}

/// `aws://account/region`, with `unknown-account`/`unknown-region` like CDK.
pub fn env_name(env: &Environment) -> String {
    format!(
        "aws://{}/{}",
        env.account.as_deref().unwrap_or("unknown-account"),
        env.region.as_deref().unwrap_or("unknown-region")
    )
}
