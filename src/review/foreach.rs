//! `Fn::ForEach` (the `AWS::LanguageExtensions` transform), expanded the way CloudFormation does
//! before it reads the template, so that `rcdk validate` and `rcdk diff` see the resources, outputs
//! and conditions it generates.
//!
//! `"Fn::ForEach::Name": [Identifier, Collection, {OutputKey: OutputValue}]` repeats the
//! `{OutputKey: OutputValue}` fragment once per item of the collection, replacing `${Identifier}`
//! and `&{Identifier}` (the item without its non-alphanumeric characters) in keys and strings, and
//! `{"Ref": "Identifier"}` by the item. The collection is a list, or a `Ref` to a list parameter
//! (its `Default` is used). See
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>.

use serde_json::{Map, Value};

/// Most items expanded in one template (all loops together); beyond it the rest is not expanded.
const MAX_ITEMS: usize = 10_000;

/// What expanding found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Loops expanded.
    pub loops: usize,
    /// Loops whose collection could not be known (a `Ref` to a parameter without a `Default`, or
    /// another function): their body was expanded once with a placeholder item, so logical IDs
    /// built from the identifier are not the real ones.
    pub unknown_collections: Vec<String>,
    /// Loops that are malformed (not `[identifier, collection, fragment]`), left as written.
    pub malformed: Vec<String>,
}

/// Expands every `Fn::ForEach::*` key in `template` in place.
///
/// ```
/// use serde_json::json;
/// let mut t = json!({"Resources": {"Fn::ForEach::Topics": ["Name", ["A", "B"], {
///     "Topic${Name}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Name"}}}}]}});
/// let found = rcdk::review::foreach::expand(&mut t);
/// assert_eq!(found.loops, 1);
/// assert_eq!(t["Resources"]["TopicB"]["Properties"]["TopicName"], json!("B"));
/// ```
pub fn expand(template: &mut Value) -> Expansion {
    let mut found = Expansion::default();
    if !contains_foreach(template) {
        return found;
    }
    let parameters = template.get("Parameters").cloned().unwrap_or(Value::Null);
    let mut budget = MAX_ITEMS;
    let expanded = walk(template, &[], &parameters, &mut found, &mut budget);
    *template = expanded;
    found
}

fn contains_foreach(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| k.starts_with("Fn::ForEach::") || contains_foreach(v)),
        Value::Array(a) => a.iter().any(contains_foreach),
        _ => false,
    }
}

type Bindings<'a> = [(String, String)];

fn substitute(text: &str, bindings: &Bindings<'_>) -> String {
    let mut out = text.to_string();
    for (name, item) in bindings {
        out = out.replace(&format!("${{{name}}}"), item);
        let plain: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
        out = out.replace(&format!("&{{{name}}}"), &plain);
    }
    out
}

fn walk(v: &Value, bindings: &Bindings<'_>, parameters: &Value, found: &mut Expansion, budget: &mut usize) -> Value {
    match v {
        Value::String(s) if !bindings.is_empty() => Value::String(substitute(s, bindings)),
        Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, bindings, parameters, found, budget)).collect()),
        Value::Object(m) => {
            if m.len() == 1
                && let Some(Value::String(name)) = m.get("Ref")
                && let Some((_, item)) = bindings.iter().rev().find(|(n, _)| n == name)
            {
                return Value::String(item.clone());
            }
            if m.len() == 1 && !bindings.is_empty() {
                // Inside a loop, `Ref` and `Fn::GetAtt` may name their target with `Fn::Sub`;
                // once the identifier is replaced it is a plain name.
                if let Some(arg) = m.get("Ref") {
                    let arg = walk(arg, bindings, parameters, found, budget);
                    return single("Ref", plain_sub(&arg).unwrap_or(arg));
                }
                if let Some(Value::Array(items)) = m.get("Fn::GetAtt") {
                    let items = items
                        .iter()
                        .map(|i| {
                            let i = walk(i, bindings, parameters, found, budget);
                            plain_sub(&i).unwrap_or(i)
                        })
                        .collect();
                    return single("Fn::GetAtt", Value::Array(items));
                }
            }
            let mut out = Map::new();
            for (key, value) in m {
                if let Some(loop_name) = key.strip_prefix("Fn::ForEach::") {
                    match expand_loop(loop_name, value, bindings, parameters, found, budget) {
                        Some(entries) => {
                            for (k, v) in entries {
                                out.insert(k, v);
                            }
                            continue;
                        }
                        None => found.malformed.push(loop_name.to_string()),
                    }
                }
                out.insert(substitute(key, bindings), walk(value, bindings, parameters, found, budget));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_string(), value);
    Value::Object(m)
}

/// `{"Fn::Sub": "text"}` with no `${}` left: the text.
fn plain_sub(v: &Value) -> Option<Value> {
    let text = v.as_object().filter(|m| m.len() == 1)?.get("Fn::Sub")?.as_str()?;
    (!text.contains("${")).then(|| Value::String(text.to_string()))
}

fn expand_loop(
    loop_name: &str,
    value: &Value,
    bindings: &Bindings<'_>,
    parameters: &Value,
    found: &mut Expansion,
    budget: &mut usize,
) -> Option<Vec<(String, Value)>> {
    let [identifier, collection, fragment] = value.as_array()?.as_slice() else { return None };
    let identifier = identifier.as_str()?;
    let fragment = fragment.as_object()?;
    let collection = walk(collection, bindings, parameters, found, budget);
    let items: Vec<String> = match &collection {
        Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_number()) => {
            items.iter().map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string())).collect()
        }
        other => match parameter_default(other, parameters) {
            Some(items) => items,
            None => {
                found.unknown_collections.push(loop_name.to_string());
                vec![format!("Item{identifier}")]
            }
        },
    };
    found.loops += 1;
    let mut out = Vec::new();
    for item in items {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let mut inner: Vec<(String, String)> = bindings.to_vec();
        inner.push((identifier.to_string(), item));
        let body = walk(&Value::Object(fragment.clone()), &inner, parameters, found, budget);
        if let Value::Object(m) = body {
            out.extend(m);
        }
    }
    Some(out)
}

/// The items of `{"Ref": "Param"}` when the parameter is a list with a `Default`.
fn parameter_default(v: &Value, parameters: &Value) -> Option<Vec<String>> {
    let name = v.as_object().filter(|m| m.len() == 1)?.get("Ref")?.as_str()?;
    let default = parameters.get(name)?.get("Default")?;
    match default {
        Value::String(s) => Some(s.split(',').map(|p| p.trim().to_string()).collect()),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_loops_keys_and_values() {
        let mut t = json!({
            "Parameters": {"Envs": {"Type": "CommaDelimitedList", "Default": "dev, prod"}},
            "Resources": {"Fn::ForEach::Envs": ["Env", {"Ref": "Envs"}, {
                "Fn::ForEach::Apps": ["App", ["a-1", "b"], {
                    "Q&{App}${Env}": {"Type": "AWS::SQS::Queue",
                        "Properties": {"QueueName": {"Fn::Sub": "${Env}-${App}-${AWS::Region}"}, "Tag": {"Ref": "App"}}}
                }]
            }]},
            "Outputs": {"Fn::ForEach::O": ["X", ["1"], {"Out${X}": {"Value": {"Ref": "Qa1dev"}}}]}
        });
        let found = expand(&mut t);
        assert_eq!(found.loops, 4);
        let ids: Vec<&String> = t["Resources"].as_object().unwrap().keys().collect();
        assert_eq!(ids, ["Qa1dev", "Qbdev", "Qa1prod", "Qbprod"]);
        assert_eq!(t["Resources"]["Qbprod"]["Properties"]["QueueName"], json!({"Fn::Sub": "prod-b-${AWS::Region}"}));
        assert_eq!(t["Resources"]["Qa1dev"]["Properties"]["Tag"], json!("a-1"));
        assert_eq!(t["Outputs"]["Out1"]["Value"], json!({"Ref": "Qa1dev"}));
    }

    #[test]
    fn unknown_collections_and_malformed_loops_are_reported() {
        let mut t = json!({"Resources": {
            "Fn::ForEach::A": ["X", {"Ref": "NoDefault"}, {"R${X}": {"Type": "AWS::SNS::Topic"}}],
            "Fn::ForEach::B": "nonsense"
        }});
        let found = expand(&mut t);
        assert_eq!(found.unknown_collections, ["A"]);
        assert_eq!(found.malformed, ["B"]);
        assert!(t["Resources"]["RItemX"].is_object());
        assert_eq!(t["Resources"]["Fn::ForEach::B"], json!("nonsense"));
    }
}
