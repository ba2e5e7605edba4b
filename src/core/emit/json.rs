//! Canonical JSON: two-space indentation, keys in document order, a trailing newline.

/// The template as pretty JSON text.
///
/// ```
/// let text = rcdk::core::emit::json::to_json(&serde_json::json!({"Resources": {}}));
/// assert_eq!(text, "{\n  \"Resources\": {}\n}\n");
/// ```
pub fn to_json(template: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(template).unwrap_or_default();
    s.push('\n');
    s
}

/// The length in bytes of [`to_json`]'s text, computed without building it (synthesis checks
/// the template body size against CloudFormation's limits before anything is written).
///
/// ```
/// let t = serde_json::json!({"Resources": {"A": {"Type": "T", "Properties": {"L": [1, "x\n", []]}}}});
/// assert_eq!(rcdk::core::emit::json::json_len(&t), rcdk::core::emit::json::to_json(&t).len());
/// ```
pub fn json_len(template: &serde_json::Value) -> usize {
    pretty_len(template, 0) + 1
}

/// What `serde_json::to_string_pretty` writes for `value` at nesting `depth` (two spaces per level).
fn pretty_len(value: &serde_json::Value, depth: usize) -> usize {
    use serde_json::Value;
    // Each member: ",\n" (or "\n" for the first) and the indent; then "\n", the outer indent and the bracket.
    let members = |n: usize| 2 * n - 1 + n * 2 * (depth + 1) + 1 + 2 * depth + 2;
    match value {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => number_len(n),
        Value::String(s) => string_len(s),
        Value::Array(items) if items.is_empty() => 2,
        Value::Array(items) => members(items.len()) + items.iter().map(|v| pretty_len(v, depth + 1)).sum::<usize>(),
        Value::Object(map) if map.is_empty() => 2,
        Value::Object(map) => {
            members(map.len()) + map.iter().map(|(k, v)| string_len(k) + 2 + pretty_len(v, depth + 1)).sum::<usize>()
        }
    }
}

/// A JSON string literal's length as serde_json escapes it: quotes, `\"`, `\\`, the short
/// escapes `\b \t \n \f \r`, `\u00XX` for other control characters, everything else as is.
fn string_len(s: &str) -> usize {
    // Bytes added by escaping each byte value.
    const EXTRA: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = 5;
            b += 1;
        }
        t[0x08] = 1;
        t[0x09] = 1;
        t[0x0A] = 1;
        t[0x0C] = 1;
        t[0x0D] = 1;
        t[b'"' as usize] = 1;
        t[b'\\' as usize] = 1;
        t
    };
    2 + s.len() + s.bytes().map(|b| usize::from(EXTRA[usize::from(b)])).sum::<usize>()
}

/// A number's length as serde_json writes it (itoa/ryu), counted through its own writer.
fn number_len(n: &serde_json::Number) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, n);
    count.0
}

#[cfg(test)]
mod tests {
    use super::{json_len, to_json};
    use serde_json::json;

    #[test]
    fn json_len_is_the_length_of_the_text() {
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-17),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1.5),
            json!(-0.0),
            json!(1e300),
            json!(0.1),
            json!(""),
            json!("plain"),
            json!("quote \" backslash \\ slash / tab \t newline \n cr \r bs \u{8} ff \u{c}"),
            json!("control \u{1} \u{1f} del \u{7f} unicode é 😀 \u{2028}"),
            json!("abcdefghijklmnop\"qrstuvwxyzabcdef\u{1f}ghijklmnopqrstu\\"),
            json!("0123456789abcdef0123456789abcdef with no escape at all, but é and ~ and \u{7f}"),
            json!([]),
            json!({}),
            json!([[]]),
            json!([{}]),
            json!({"a": []}),
            json!({"a": {}}),
            json!([1, [2, [3, []]], {"k\n": {"x": [null, true]}}]),
            json!({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "t-${AWS::Region}"}}}},
                   "Outputs": {"O": {"Value": {"Fn::GetAtt": ["A", "TopicName"]}, "Export": {"Name": "x"}}}}),
        ];
        for v in &values {
            assert_eq!(json_len(v), to_json(v).len(), "{v}");
        }
    }
}
