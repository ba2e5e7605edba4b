//! Whether a resource type takes tags, in which property and in which shape.
//!
//! Read from the registry schema's `tagging` keyword (`taggable`, `tagProperty`; see
//! <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>)
//! and from the shape of the tag property itself.

use super::ResourceSchema;
use super::packed::{Kind, Node};

/// The shape of a type's tag property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagShape {
    /// A list of `{"Key": …, "Value": …}` objects (most types). `propagate_at_launch`: each item
    /// also needs a boolean `PropagateAtLaunch` (`AWS::AutoScaling::AutoScalingGroup`).
    List {
        /// Items carry a required `PropagateAtLaunch`.
        propagate_at_launch: bool,
    },
    /// A JSON object from tag key to tag value (e.g. `AWS::SSM::Parameter`).
    Map,
    /// A shape of the type's own that rcdk does not write tags into (e.g.
    /// `AWS::CloudFront::AnycastIpList`'s `{"Items": […]}`); tags are not applied.
    Other,
}

/// How a resource type is tagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagging {
    /// The top-level property holding the tags (`Tags`, `FileSystemTags`, …).
    pub property: String,
    /// Its shape.
    pub shape: TagShape,
}

fn resolve<'a>(raw: &'a ResourceSchema, mut node: Node<'a>) -> Node<'a> {
    for _ in 0..8 {
        match node.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix('#')).and_then(|p| raw.pointer(p)) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn types(node: Node<'_>) -> Vec<&str> {
    let Some(declared) = node.get("type") else { return Vec::new() };
    match declared.kind() {
        Kind::String(s) => vec![s],
        Kind::Array => declared.items().filter_map(|t| t.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// The tagging of a type, or `None` when it takes no tags (`taggable: false`, or no tag property).
pub(super) fn derive(raw: &ResourceSchema) -> Option<Tagging> {
    let tagging = raw.root().get("tagging");
    if tagging.and_then(|t| t.get("taggable")).and_then(|t| t.as_bool()) == Some(false) {
        return None;
    }
    let pointer = tagging.and_then(|t| t.get("tagProperty")).and_then(|t| t.as_str()).unwrap_or("/properties/Tags");
    let property = pointer.strip_prefix("/properties/")?;
    if property.contains('/') {
        return None;
    }
    let node = resolve(raw, raw.root().get("properties")?.get(property)?);
    let ty = types(node);
    let shape = if ty.contains(&"array") {
        let item = resolve(raw, node.get("items").unwrap_or_default());
        let props = item.get("properties").filter(|n| n.is_object());
        match props {
            Some(p) if p.get("Key").is_some() && p.get("Value").is_some() => {
                let required = item.get("required");
                let propagate = p.get("PropagateAtLaunch").is_some()
                    && required.is_some_and(|r| r.items().any(|n| n.as_str() == Some("PropagateAtLaunch")));
                TagShape::List { propagate_at_launch: propagate }
            }
            _ => TagShape::Other,
        }
    } else if ty.contains(&"object") || ty.is_empty() {
        let has_named_properties = node.get("properties").filter(|n| n.is_object()).is_some_and(|p| p.len() > 0);
        let open = node.get("patternProperties").is_some()
            || node.get("additionalProperties").and_then(|a| a.as_bool()) != Some(false);
        if !has_named_properties && open && (ty.contains(&"object") || node.get("patternProperties").is_some()) {
            TagShape::Map
        } else {
            TagShape::Other
        }
    } else {
        TagShape::Other
    };
    Some(Tagging { property: property.to_string(), shape })
}
