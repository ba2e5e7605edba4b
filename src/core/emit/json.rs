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
