//! Canonical JSON: two-space indentation, keys in document order, a trailing newline.
//!
//! The text is exactly `serde_json::to_string_pretty`'s plus a newline (tested below), written by a
//! writer of its own: serde_json's goes through its generic serializer and escapes strings a byte
//! at a time, which was a sixth of the article example's instructions.

use serde_json::Value;

/// The template as pretty JSON text.
///
/// ```
/// let text = rcdk::core::emit::json::to_json(&serde_json::json!({"Resources": {}}));
/// assert_eq!(text, "{\n  \"Resources\": {}\n}\n");
/// ```
pub fn to_json(template: &Value) -> String {
    // Grown as needed (sizing it exactly would cost a pass over the document like `json_len`).
    let mut text = Text { buf: String::with_capacity(4096), sink: None };
    write_pretty(&mut text, template, 0);
    text.buf.push('\n');
    text.buf
}

/// Writes [`to_json`]'s text to `w` a chunk at a time: the whole text is never held in memory
/// (for the article example that was 64 KB of fresh heap pages, each a page fault, to write 42 KB).
pub(crate) fn write_json(w: &mut dyn std::io::Write, template: &Value) -> std::io::Result<()> {
    let mut text = Text { buf: String::with_capacity(CHUNK + CHUNK / 4), sink: Some((w, Ok(()))) };
    write_pretty(&mut text, template, 0);
    text.buf.push('\n');
    let Some((w, result)) = text.sink else { return Ok(()) };
    result?;
    w.write_all(text.buf.as_bytes())
}

/// How much text [`write_json`] collects before writing it out.
const CHUNK: usize = 16 * 1024;

/// Text being written: kept whole ([`to_json`]) or passed on to a writer in chunks ([`write_json`],
/// which keeps the first error and writes nothing after it).
struct Text<'w> {
    buf: String,
    sink: Option<(&'w mut dyn std::io::Write, std::io::Result<()>)>,
}

impl Text<'_> {
    /// Writes the collected text out once there is a chunk of it.
    #[inline]
    fn spill(&mut self) {
        if self.buf.len() >= CHUNK
            && let Some((w, result)) = &mut self.sink
        {
            if result.is_ok() {
                *result = w.write_all(self.buf.as_bytes());
            }
            self.buf.clear();
        }
    }
}

/// Appends `value` as `serde_json::to_string_pretty` writes it at nesting `depth`.
fn write_pretty(text: &mut Text<'_>, value: &Value, depth: usize) {
    let out = &mut text.buf;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => push_number(out, n),
        Value::String(s) => push_json_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                let out = &mut text.buf;
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_pretty(text, item, depth + 1);
                text.spill();
            }
            newline(&mut text.buf, depth);
            text.buf.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                let out = &mut text.buf;
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                push_json_string(out, key);
                out.push_str(": ");
                write_pretty(text, item, depth + 1);
                text.spill();
            }
            newline(&mut text.buf, depth);
            text.buf.push('}');
        }
    }
}

/// A newline and the indent of `depth` (two spaces a level), in one copy.
fn newline(out: &mut String, depth: usize) {
    const LINE: &str = "\n                                                                ";
    const SPACES: usize = LINE.len() - 1;
    let mut spaces = 2 * depth;
    out.push_str(&LINE[..1 + spaces.min(SPACES)]);
    while spaces > SPACES {
        spaces -= SPACES;
        out.push_str(&LINE[1..1 + spaces.min(SPACES)]);
    }
}

/// A number as serde_json writes it (itoa for integers, ryu for floats; `Number`'s `Display`).
fn push_number(out: &mut String, n: &serde_json::Number) {
    use std::fmt::Write;
    let _ = write!(out, "{n}");
}

/// What each byte becomes inside a JSON string literal as serde_json writes it: 0 for itself,
/// else the letter of its short escape (`\b \t \n \f \r \" \\`) or `u` for `\u00XX`.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends `s` as a JSON string literal, quotes included, escaped exactly as serde_json does.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    push_json_string_content(out, s);
    out.push('"');
}

/// Appends `s` escaped for the inside of a JSON string literal (no quotes), as serde_json does:
/// the runs between escaped bytes are copied whole.
pub(crate) fn push_json_string_content(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (at, &b) in s.as_bytes().iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.push_str(&s[start..at]);
        out.push('\\');
        out.push(char::from(escape));
        if escape == b'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
        start = at + 1;
    }
    out.push_str(&s[start..]);
}

/// The length in bytes of [`to_json`]'s text, computed without building it (synthesis checks
/// the template body size against CloudFormation's limits before anything is written).
///
/// ```
/// let t = serde_json::json!({"Resources": {"A": {"Type": "T", "Properties": {"L": [1, "x\n", []]}}}});
/// assert_eq!(rcdk::core::emit::json::json_len(&t), rcdk::core::emit::json::to_json(&t).len());
/// ```
pub fn json_len(template: &Value) -> usize {
    pretty_len(template, 0) + 1
}

/// What `serde_json::to_string_pretty` writes for `value` at nesting `depth` (two spaces per level).
fn pretty_len(value: &Value, depth: usize) -> usize {
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
        while b < 256 {
            t[b] = match ESCAPE[b] {
                0 => 0,
                b'u' => 5,
                _ => 1,
            };
            b += 1;
        }
        t
    };
    2 + s.len() + s.bytes().map(|b| usize::from(EXTRA[usize::from(b)])).sum::<usize>()
}

/// A number's length as serde_json writes it (itoa/ryu), counted through its own writer.
fn number_len(n: &serde_json::Number) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{n}"));
    count.0
}

#[cfg(test)]
mod tests {
    use super::{CHUNK, json_len, push_json_string, to_json, write_json};
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
            (0..40).fold(json!("deep"), |v, i| if i % 2 == 0 { json!([v, 1]) } else { json!({ "k": v }) }),
            json!({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "t-${AWS::Region}"}}}},
                   "Outputs": {"O": {"Value": {"Fn::GetAtt": ["A", "TopicName"]}, "Export": {"Name": "x"}}}}),
        ];
        for v in &values {
            assert_eq!(json_len(v), to_json(v).len(), "{v}");
            let serde = serde_json::to_string_pretty(v).unwrap() + "\n";
            assert_eq!(to_json(v), serde, "{v}");
            let mut written = Vec::new();
            write_json(&mut written, v).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), serde, "{v}");
        }
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        // Every byte value in every position of an 8-byte chunk and around it.
        let mut samples: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        for b in (0u8..0x80).chain([0x20, 0x21, 0x7f]) {
            for at in 0..17 {
                let mut s: String = "abcdefghijklmnopq".into();
                s.replace_range(at..at + 1, &char::from(b).to_string());
                samples.push(s);
            }
        }
        samples.extend([
            "é\u{1}😀\"\\".to_string(),
            "ünïcödé text, no escapes at all".into(),
            "\u{2028}\u{7f}\u{80}".into(),
        ]);
        for s in &samples {
            let mut ours = String::new();
            push_json_string(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).unwrap(), "{s:?}");
            assert_eq!(json_len(&json!(s)), ours.len() + 1, "{s:?}");
        }
    }

    #[test]
    fn written_in_chunks_like_the_whole_text() {
        let big = json!({"Resources": (0..400).map(|i| (format!("R{i}"), json!({"Type": "T", "Properties": {"L": vec!["x\ny"; 9]}}))).collect::<serde_json::Map<_, _>>()});
        let whole = to_json(&big);
        assert!(whole.len() > 4 * CHUNK, "{}", whole.len());
        let mut written = Vec::new();
        write_json(&mut written, &big).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), whole);
        // A failing writer: the first error is returned.
        struct Full(usize);
        impl std::io::Write for Full {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += 1;
                if self.0 > 1 { Err(std::io::Error::other("disk full")) } else { Ok(buf.len()) }
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut full = Full(0);
        assert_eq!(write_json(&mut full, &big).unwrap_err().to_string(), "disk full");
        assert_eq!(full.0, 2);
    }
}
