//! The dependency graph of a template's resources, as Mermaid or Graphviz dot.
//!
//! Nodes are resources (logical ID and type), in template order. An edge goes from a resource
//! to each resource it references through `Ref`, `Fn::GetAtt`, or `${X}` / `${X.Attr}` inside
//! `Fn::Sub` (not `${!literal}`, not pseudo parameters `${AWS::…}`, not the names of the
//! `Fn::Sub` variable map), and, drawn dashed, to each resource in its `DependsOn`. References
//! to parameters and to unknown names are not edges.
//!
//! ```
//! use rcdk::review::{graph::Graph, read::read_template};
//! let t = read_template("Resources:\n  K:\n    Type: AWS::KMS::Key\n  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      StreamEncryption: {EncryptionType: KMS, KeyId: !Ref K}\n").unwrap();
//! let g = Graph::from_template(&t);
//! assert_eq!(g.to_mermaid(), "flowchart LR\n  n0[\"K<br/>AWS::KMS::Key\"]\n  n1[\"S<br/>AWS::Kinesis::Stream\"]\n  n1 -->|Ref| n0\n");
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::review::read::Template;

/// A resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Logical ID.
    pub logical_id: String,
    /// Resource type (empty when missing).
    pub resource_type: String,
}

/// How one resource depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Through `Ref`, `Fn::GetAtt` or `Fn::Sub`.
    Reference,
    /// Through `DependsOn`.
    DependsOn,
}

/// An edge from a resource to one it depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Index of the dependent node.
    pub from: usize,
    /// Index of the node depended on.
    pub to: usize,
    /// Reference or `DependsOn`.
    pub kind: EdgeKind,
    /// What is used: `Ref` and/or attribute names, sorted (empty for `DependsOn`).
    pub uses: Vec<String>,
}

/// The dependency graph of a template's resources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Resources, in template order.
    pub nodes: Vec<Node>,
    /// Edges, sorted by (from, to, kind).
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Builds the graph of a template.
    pub fn from_template(template: &Template) -> Graph {
        let Some(resources) = template.resources() else {
            return Graph::default();
        };
        let index: HashMap<&str, usize> = resources.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let nodes = resources
            .iter()
            .map(|(id, r)| Node {
                logical_id: id.clone(),
                resource_type: r.get("Type").and_then(Value::as_str).unwrap_or("").to_string(),
            })
            .collect();
        let mut edges: BTreeMap<(usize, usize, EdgeKind), BTreeSet<String>> = BTreeMap::new();
        for (from, (_, r)) in resources.iter().enumerate() {
            let Some(r) = r.as_object() else { continue };
            for (key, value) in r {
                match key.as_str() {
                    "Type" | "Metadata" | "Condition" | "DeletionPolicy" | "UpdateReplacePolicy" => {}
                    "DependsOn" => {
                        let names: Vec<&Value> = match value {
                            Value::Array(a) => a.iter().collect(),
                            other => vec![other],
                        };
                        for name in names.into_iter().filter_map(Value::as_str) {
                            if let Some(&to) = index.get(name) {
                                edges.entry((from, to, EdgeKind::DependsOn)).or_default();
                            }
                        }
                    }
                    _ => {
                        for (target, used) in references(value) {
                            if let Some(&to) = index.get(target.as_str()) {
                                edges.entry((from, to, EdgeKind::Reference)).or_default().insert(used);
                            }
                        }
                    }
                }
            }
        }
        Graph {
            nodes,
            edges: edges
                .into_iter()
                .map(|((from, to, kind), uses)| Edge { from, to, kind, uses: uses.into_iter().collect() })
                .collect(),
        }
    }

    /// Mermaid `flowchart` text (pastes into a pull request).
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let _ =
                writeln!(out, "  n{i}[\"{}<br/>{}\"]", mermaid_escape(&n.logical_id), mermaid_escape(&n.resource_type));
        }
        for e in &self.edges {
            match e.kind {
                EdgeKind::Reference => {
                    let _ = writeln!(out, "  n{} -->|{}| n{}", e.from, mermaid_escape(&e.uses.join(", ")), e.to);
                }
                EdgeKind::DependsOn => {
                    let _ = writeln!(out, "  n{} -.->|DependsOn| n{}", e.from, e.to);
                }
            }
        }
        out
    }

    /// Graphviz dot text.
    ///
    /// ```
    /// use rcdk::review::{graph::Graph, read::read_template};
    /// let t = read_template("Resources:\n  A: {Type: X}\n  B: {Type: Y, DependsOn: A}\n").unwrap();
    /// let dot = Graph::from_template(&t).to_dot();
    /// assert!(dot.contains("\"B\" -> \"A\" [style=dashed, label=\"DependsOn\"];"));
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph template {\n  rankdir=LR;\n  node [shape=box];\n");
        for n in &self.nodes {
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\\n{}\"];",
                dot_escape(&n.logical_id),
                dot_escape(&n.logical_id),
                dot_escape(&n.resource_type)
            );
        }
        for e in &self.edges {
            let (Some(from), Some(to)) = (self.nodes.get(e.from), self.nodes.get(e.to)) else {
                continue;
            };
            let attrs = match e.kind {
                EdgeKind::Reference => format!("label=\"{}\"", dot_escape(&e.uses.join(", "))),
                EdgeKind::DependsOn => "style=dashed, label=\"DependsOn\"".to_string(),
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [{attrs}];",
                dot_escape(&from.logical_id),
                dot_escape(&to.logical_id)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// Mermaid labels: quotes and markup characters as entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Dot double-quoted strings: backslash and quote escaped, newlines as `\n`.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Every (target, used) reference inside a value: `Ref` → ("X", "Ref"), `Fn::GetAtt` and
/// `${X.Attr}` → ("X", "Attr"), `${X}` → ("X", "Ref"). Iterative.
pub fn references(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(m) => {
                if m.len() == 1
                    && let Some((name, arg)) = m.iter().next()
                {
                    match (name.as_str(), arg) {
                        ("Ref", Value::String(x)) => {
                            out.push((x.clone(), "Ref".to_string()));
                            continue;
                        }
                        ("Fn::GetAtt", Value::Array(parts)) => {
                            if let Some(Value::String(x)) = parts.first() {
                                let attr = match parts.get(1) {
                                    Some(Value::String(a)) => a.clone(),
                                    _ => "GetAtt".to_string(),
                                };
                                out.push((x.clone(), attr));
                            }
                            stack.extend(parts.iter().skip(1));
                            continue;
                        }
                        ("Fn::GetAtt", Value::String(s)) => {
                            if let Some((x, a)) = s.split_once('.') {
                                out.push((x.to_string(), a.to_string()));
                            }
                            continue;
                        }
                        ("Fn::Sub", Value::String(s)) => {
                            out.extend(sub_references(s, &[]));
                            continue;
                        }
                        ("Fn::Sub", Value::Array(args)) => {
                            let vars: Vec<&str> = match args.get(1) {
                                Some(Value::Object(vars)) => {
                                    stack.extend(vars.values());
                                    vars.keys().map(String::as_str).collect()
                                }
                                _ => Vec::new(),
                            };
                            if let Some(Value::String(s)) = args.first() {
                                out.extend(sub_references(s, &vars));
                            }
                            continue;
                        }
                        _ => {}
                    }
                }
                stack.extend(m.values().rev());
            }
            _ => {}
        }
    }
    out
}

/// The `${X}` and `${X.Attr}` references in an `Fn::Sub` string, skipping `${!literal}`,
/// pseudo parameters (`${AWS::Region}`) and the names in `vars`.
pub fn sub_references(s: &str, vars: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        rest = &after[end + 1..];
        if name.starts_with('!') || name.starts_with("AWS::") || name.is_empty() {
            continue;
        }
        if vars.contains(&name) {
            continue;
        }
        match name.split_once('.') {
            Some((x, attr)) => out.push((x.to_string(), attr.to_string())),
            None => out.push((name.to_string(), "Ref".to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::read::read_template;

    #[test]
    fn sub_references_skip_literals_and_pseudo_parameters() {
        assert_eq!(
            sub_references("${A}-${!Literal}-${AWS::Region}-${B.Arn}-${V}", &["V"]),
            vec![("A".to_string(), "Ref".to_string()), ("B".to_string(), "Arn".to_string())]
        );
    }

    #[test]
    fn edges_are_deduplicated_and_sorted() {
        let t = read_template(
            "Resources:\n  C:\n    Type: Z\n    DependsOn: [A, B, Missing]\n    Properties:\n      X: !Ref A\n      Y: !GetAtt A.Arn\n      Z: !Sub '${B.Arn}/${P}'\n      W: !Sub ['${V}', {V: !Ref B}]\n  A:\n    Type: X\n  B:\n    Type: Y\nParameters:\n  P:\n    Type: String\n",
        )
        .unwrap();
        let g = Graph::from_template(&t);
        assert_eq!(g.nodes.len(), 3);
        let summary: Vec<_> = g.edges.iter().map(|e| (e.from, e.to, e.kind, e.uses.clone())).collect();
        assert_eq!(
            summary,
            vec![
                (0, 1, EdgeKind::Reference, vec!["Arn".into(), "Ref".into()]),
                (0, 1, EdgeKind::DependsOn, vec![]),
                (0, 2, EdgeKind::Reference, vec!["Arn".into(), "Ref".into()]),
                (0, 2, EdgeKind::DependsOn, vec![]),
            ]
        );
    }

    #[test]
    fn labels_are_escaped() {
        let t = Template::from_value(serde_json::json!({"Resources": {
            "A\"<b>|#": {"Type": "Custom::\"x\\y"}
        }}))
        .unwrap();
        let g = Graph::from_template(&t);
        assert_eq!(g.to_mermaid(), "flowchart LR\n  n0[\"A#quot;#lt;b#gt;#124;#35;<br/>Custom::#quot;x\\y\"]\n");
        assert!(g.to_dot().contains("\"A\\\"<b>|#\" [label=\"A\\\"<b>|#\\nCustom::\\\"x\\\\y\"];"));
    }
}
