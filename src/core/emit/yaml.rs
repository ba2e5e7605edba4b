//! YAML that CloudFormation's YAML 1.1 reader reads exactly as the JSON form.
//!
//! Written by hand rather than through a serde YAML serializer because CloudFormation's short-form
//! tags (`!Ref`, `!GetAtt A.B`, `!Sub`) are not expressible through serde, and because every string
//! that YAML 1.1 would read as something else (`yes`, `on`, `2012-10-17`, `0777`, `1e3`…) must be
//! quoted: the rule here is to write a string plain only when it is plainly a string.

use serde_json::Value as Json;

/// The template as YAML text.
///
/// ```
/// let t = serde_json::json!({"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Name"}}}}});
/// let y = rcdk::core::emit::yaml::to_yaml(&t);
/// assert!(y.contains("TopicName: !Ref Name"));
/// ```
pub fn to_yaml(template: &Json) -> String {
    let mut out = String::new();
    match template {
        Json::Object(m) if !m.is_empty() => write_map_entries(&mut out, m, 0),
        other => {
            out.push_str(&inline(other).unwrap_or_else(|| "{}".into()));
            out.push('\n');
        }
    }
    out
}

/// A short-form tag and its argument, when `value` is an intrinsic function.
fn short_form(value: &Json) -> Option<(String, &Json)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (key, arg) = map.iter().next()?;
    let tag = match key.as_str() {
        "Ref" => "Ref".to_string(),
        "Condition" => return arg.is_string().then(|| ("Condition".to_string(), arg)),
        k => k.strip_prefix("Fn::").filter(|n| SHORT_FORMS.contains(n))?.to_string(),
    };
    // A short-form tag whose argument is directly another short-form function is not valid, and a
    // tagged plain scalar is always read as a string: write the outer one long-form in both cases.
    if short_form(arg).is_some() || arg.is_null() || arg.is_boolean() || arg.is_number() {
        return None;
    }
    Some((tag, arg))
}

const SHORT_FORMS: &[&str] = &[
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
];

/// A value that fits on the line after `key:` or `- `, if it does.
fn inline(value: &Json) -> Option<String> {
    match value {
        Json::Null => Some("null".into()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(number(n)),
        Json::String(s) if !s.contains('\n') => Some(scalar(s)),
        Json::String(_) => None,
        Json::Array(a) if a.is_empty() => Some("[]".into()),
        Json::Object(m) if m.is_empty() => Some("{}".into()),
        Json::Object(_) => {
            let (tag, arg) = short_form(value)?;
            if tag == "GetAtt"
                && let Some([Json::String(r), Json::String(a)]) = arg.as_array().map(Vec::as_slice)
                && !r.contains('.')
            {
                return Some(format!("!GetAtt {}", scalar(&format!("{r}.{a}"))));
            }
            inline(arg)
                .filter(|_| !arg.is_array() || arg.as_array().is_some_and(Vec::is_empty))
                .map(|a| format!("!{tag} {a}"))
        }
        Json::Array(_) => None,
    }
}

fn number(n: &serde_json::Number) -> String {
    let s = n.to_string();
    if n.is_f64() && !s.contains('.') {
        // YAML 1.1 reads `1e3` as a string; a float needs a dot and a signed exponent.
        if let Some((mantissa, exp)) = s.split_once('e') {
            let exp = if exp.starts_with('-') || exp.starts_with('+') { exp.to_string() } else { format!("+{exp}") };
            return format!("{mantissa}.0e{exp}");
        }
        return format!("{s}.0");
    }
    if let Some((mantissa, exp)) = s.split_once('e')
        && !exp.starts_with('-')
        && !exp.starts_with('+')
    {
        return format!("{mantissa}e+{exp}");
    }
    s
}

/// Words YAML 1.1 reads as booleans or null.
const TRAP_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"];

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || " _./:-+=@()?*".contains(c)) {
        return false;
    }
    !TRAP_WORDS.contains(&s.to_ascii_lowercase().as_str())
}

/// A one-line string scalar: plain when unambiguous, else single- or double-quoted.
fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        return s.to_string();
    }
    if s.chars().all(|c| !c.is_control()) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    // Control characters need escapes, which only double quotes have.
    serde_json::to_string(s).unwrap_or_default()
}

/// A multi-line string as a literal block scalar, when that reads back exactly.
fn block_scalar(s: &str, indent: usize) -> Option<String> {
    // Only the unambiguous cases (code, messages): anything unusual is written double-quoted.
    let body = s.strip_suffix('\n').unwrap_or(s);
    let plain_lines = !body.is_empty()
        && !body.starts_with([' ', '\n', '\t'])
        && !body.ends_with('\n')
        && !body.chars().any(|c| c.is_control() && c != '\n')
        && body.split('\n').all(|line| !line.ends_with([' ', '\t']));
    if !plain_lines {
        return None;
    }
    let chomp = if body.len() == s.len() { "-" } else { "" };
    let pad = " ".repeat(indent + 2);
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

fn key(k: &str) -> String {
    scalar(k)
}

fn write_map_entries(out: &mut String, map: &serde_json::Map<String, Json>, indent: usize) {
    for (k, v) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        write_after_indicator(out, v, indent);
    }
}

fn write_seq_items(out: &mut String, items: &[Json], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        let block_collection =
            inline(item).is_none() && (item.is_array() || (item.is_object() && short_form(item).is_none()));
        if block_collection {
            // Compact form: the nested collection starts on the dash's line (`- - a`, `- Key: v`).
            let mut nested = String::new();
            match item {
                Json::Array(items) => write_seq_items(&mut nested, items, indent + 2),
                Json::Object(map) => write_map_entries(&mut nested, map, indent + 2),
                _ => unreachable!("checked above"),
            }
            out.push(' ');
            out.push_str(&nested[indent + 2..]);
        } else {
            write_after_indicator(out, item, indent);
        }
    }
}

/// Writes a value after `key:` or `-` (no space yet), ending with a newline.
fn write_after_indicator(out: &mut String, value: &Json, indent: usize) {
    if let Some(text) = inline(value) {
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    match value {
        Json::String(s) => {
            out.push(' ');
            match block_scalar(s, indent) {
                Some(block) => out.push_str(&block),
                None => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            }
            out.push('\n');
        }
        Json::Array(items) => {
            out.push('\n');
            write_seq_items(out, items, indent + 2);
        }
        Json::Object(map) => match short_form(value) {
            Some((tag, arg)) => {
                out.push_str(&format!(" !{tag}"));
                write_after_indicator(out, arg, indent);
            }
            None => {
                out.push('\n');
                write_map_entries(out, map, indent + 2);
            }
        },
        _ => out.push('\n'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trap_words_are_quoted() {
        for s in [
            "y",
            "n",
            "yes",
            "No",
            "ON",
            "off",
            "true",
            "False",
            "~",
            "null",
            "2012-10-17",
            "12:30",
            "1_000",
            "0777",
            "0x1F",
            "1e3",
            ".inf",
            "<<",
            "=",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "*star",
            "&anchor",
            "!tag",
            "",
        ] {
            let out = scalar(s);
            assert!(out.starts_with('\'') || out.starts_with('"'), "{s:?} was written {out}");
        }
        for s in ["Stream", "arn:aws:kms:us-east-1:123:key/abc", "kinesis.amazonaws.com", "Allow read access"] {
            assert_eq!(scalar(s), s);
        }
    }

    #[test]
    fn short_forms_and_nesting() {
        let t = json!({
            "A": {"Ref": "X"},
            "B": {"Fn::GetAtt": ["Key", "Arn"]},
            "C": {"Fn::Base64": {"Fn::Sub": "x${A}"}},
            "D": {"Fn::Join": ["", ["a", {"Ref": "X"}]]},
            "E": {"Fn::GetAtt": ["Key", "Nested.Attr"]}
        });
        let y = to_yaml(&t);
        assert!(y.contains("A: !Ref X\n"), "{y}");
        assert!(y.contains("B: !GetAtt Key.Arn\n"), "{y}");
        assert!(y.contains("C:\n  Fn::Base64: !Sub 'x${A}'\n"), "{y}");
        assert!(y.contains("D: !Join\n  - ''\n  - - a\n    - !Ref X\n"), "{y}");
        assert!(y.contains("E: !GetAtt Key.Nested.Attr\n"), "{y}");
    }

    #[test]
    fn floats_keep_their_type() {
        assert_eq!(number(&serde_json::Number::from_f64(1e100).unwrap()), "1.0e+100");
        assert_eq!(number(&serde_json::Number::from_f64(1.5).unwrap()), "1.5");
    }

    #[test]
    fn multiline_strings_use_block_scalars() {
        let y = to_yaml(&json!({"Code": "import os\n\ndef handler():\n    pass\n"}));
        assert_eq!(y, "Code: |\n  import os\n\n  def handler():\n      pass\n");
    }
}
