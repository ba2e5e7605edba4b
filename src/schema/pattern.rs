//! Registry-schema `pattern`s: ECMAScript regular expressions, translated for the `regex-lite` crate.
//!
//! The registry schemas' patterns are written for ECMAScript (and a few for Python, e.g. `\Z`).
//! `regex-lite` (chosen over `regex` for build time: the patterns are short) has no look-around and no back-references, and a few escapes differ, so each
//! pattern is translated once:
//!
//! * `\d`, `\w` become their ASCII classes (ECMAScript's are ASCII);
//! * `\p{L}`, `\p{N}`, `\p{Z}` become their ASCII members plus every non-ASCII character (regex-lite
//!   has no Unicode classes; a superset never rejects a valid value);
//! * `\uXXXX` becomes `\x{XXXX}`; `\Z` (Python's end of input) becomes `\z`;
//! * identity escapes such as `\/` or `\_` become the plain character;
//! * a literal `-` inside a class (`[a-z0-9-_]`) is escaped;
//! * `.` excludes all four ECMAScript line terminators;
//! * one leading negative look-ahead `^(?!A)B` becomes two regexes (`^B` must match, `^(?:A)`
//!   must not), and one trailing negative look-behind `B(?<!A)$` likewise (`B$` must match,
//!   `(?:A)$` must not).
//!
//! Anything else that cannot be expressed is reported as skipped, with a reason.

use regex_lite::Regex;

/// A compiled registry-schema pattern.
#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    /// Matches when `must` matches and `must_not` (if any) does not.
    Compiled { must: Regex, must_not: Option<Regex> },
    /// Could not be translated or compiled; values are not checked against it.
    Skipped { reason: String },
}

impl Pattern {
    /// Translates and compiles an ECMAScript pattern.
    pub(crate) fn new(source: &str) -> Pattern {
        match compile(source) {
            Ok((must, must_not)) => Pattern::Compiled { must, must_not },
            Err(reason) => Pattern::Skipped { reason },
        }
    }

    /// `Some(true/false)` when checked, `None` when the pattern is skipped.
    pub(crate) fn is_match(&self, text: &str) -> Option<bool> {
        match self {
            Pattern::Compiled { must, must_not } => {
                Some(must.is_match(text) && !must_not.as_ref().is_some_and(|r| r.is_match(text)))
            }
            Pattern::Skipped { .. } => None,
        }
    }
}

fn build(translated: &str) -> Result<Regex, String> {
    regex_lite::RegexBuilder::new(translated)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| format!("does not compile with the regex crate after translation: {e}"))
}

fn compile(source: &str) -> Result<(Regex, Option<Regex>), String> {
    // Leading negative look-ahead: ^(?!A)B
    if let Some(rest) = source.strip_prefix("^(?!") {
        let close = find_group_end(rest).ok_or("unbalanced look-ahead group")?;
        let (look, after) = (&rest[..close], &rest[close + 1..]);
        if has_top_level_alternation(after) {
            return Err("look-ahead followed by a top-level alternation".into());
        }
        let must = build(&format!("^(?:{})", translate(after)?))?;
        let must_not = build(&format!("^(?:{})", translate(look)?))?;
        return Ok((must, Some(must_not)));
    }
    // Trailing negative look-behind: B(?<!A)$
    if let Some(body) = source.strip_suffix("$")
        && let Some(idx) = body.rfind("(?<!")
        && body.ends_with(')')
    {
        let prefix = &body[..idx];
        let look = &body[idx + 4..body.len() - 1];
        if find_group_end(&body[idx + 4..]) == Some(look.len()) && !has_top_level_alternation(prefix) {
            let must = build(&format!("{}$", translate(prefix)?))?;
            let must_not = build(&format!("(?:{})$", translate(look)?))?;
            return Ok((must, Some(must_not)));
        }
    }
    Ok((build(&translate(source)?)?, None))
}

/// Index of the `)` closing a group whose body starts at `s[0]`.
fn find_group_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

fn has_top_level_alternation(s: &str) -> bool {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// Characters that keep their backslash outside a class in the regex crate.
const META: &str = r".+*?()|[]{}^$#&-~\";

fn hex(chars: &[char], at: usize, n: usize) -> Option<String> {
    let s: String = chars.get(at..at + n)?.iter().collect();
    (s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit())).then_some(s)
}

/// One escape sequence starting after the backslash at `chars[i]`; returns (translation, chars consumed).
/// `in_class` selects the form used inside `[...]`.
fn escape(chars: &[char], i: usize, in_class: bool) -> Result<(String, usize), String> {
    let c = *chars.get(i).ok_or("trailing backslash")?;
    let class = |body: &str| {
        if in_class { body.to_string() } else { format!("[{body}]") }
    };
    Ok(match c {
        'd' => (class("0-9"), 1),
        'w' => (class("0-9A-Za-z_"), 1),
        'D' if !in_class => ("[^0-9]".into(), 1),
        'W' if !in_class => ("[^0-9A-Za-z_]".into(), 1),
        'D' | 'W' | 's' | 'S' => (format!("\\{c}"), 1),
        'b' if in_class => ("\\x{08}".into(), 1),
        'b' | 'B' => (format!("\\{c}"), 1),
        'A' | 'z' if !in_class => (format!("\\{c}"), 1),
        'Z' if !in_class => ("\\z".into(), 1),
        'n' | 'r' | 't' | 'f' => (format!("\\{c}"), 1),
        'v' => ("\\x{0B}".into(), 1),
        '0' if !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => ("\\x{00}".into(), 1),
        '1'..='9' => return Err("back-reference".into()),
        'u' if chars.get(i + 1) == Some(&'{') => {
            let end = chars[i..].iter().position(|&x| x == '}').ok_or("bad \\u{...}")?;
            let body: String = chars[i + 2..i + end].iter().collect();
            (format!("\\x{{{body}}}"), end + 1)
        }
        'u' => {
            let h = hex(chars, i + 1, 4).ok_or("bad \\u escape")?;
            (format!("\\x{{{h}}}"), 5)
        }
        'x' => {
            let h = hex(chars, i + 1, 2).ok_or("bad \\x escape")?;
            (format!("\\x{{{h}}}"), 3)
        }
        'p' => {
            if chars.get(i + 1) != Some(&'{') {
                return Err("bad \\p escape".into());
            }
            let end = chars[i..].iter().position(|&x| x == '}').ok_or("bad \\p{...}")?;
            let name: String = chars[i + 2..i + end].iter().collect();
            // regex-lite has no Unicode classes: exact for ASCII, and every non-ASCII character is
            // accepted (a superset, so a valid value is never rejected).
            let ascii = match name.as_str() {
                "L" => "A-Za-z",
                "N" => "0-9",
                "Z" => " ",
                other => return Err(format!("unsupported Unicode class \\p{{{other}}}")),
            };
            (class(&format!("{ascii}\\x{{80}}-\\x{{10FFFF}}")), end + 1)
        }
        'P' => return Err("negated Unicode class \\P{...}".into()),
        c if c.is_ascii_punctuation() => {
            let keep = if in_class { "[]\\^-&~" } else { META };
            if keep.contains(c) { (format!("\\{c}"), 1) } else { (c.to_string(), 1) }
        }
        c => return Err(format!("unsupported escape \\{c}")),
    })
}

/// Translates the body of a character class starting after `[` at `chars[i]`.
fn class(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, String> {
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        return Err("empty character class".into());
    }
    // Items: (translation, is_single_char)
    let mut items: Vec<(String, bool)> = Vec::new();
    loop {
        let c = *chars.get(i).ok_or("unterminated character class")?;
        i += 1;
        match c {
            ']' => break,
            '\\' => {
                let (t, n) = escape(chars, i, true)?;
                i += n;
                let single = !matches!(chars[i - n], 'd' | 'w' | 's' | 'S' | 'D' | 'W' | 'p' | 'P');
                items.push((t, single));
            }
            '[' | '&' | '~' | '^' => items.push((format!("\\{c}"), true)),
            '-' => items.push(("-".into(), false)),
            c => items.push((c.to_string(), true)),
        }
    }
    // A '-' forms a range only between two single characters; anywhere else it is literal.
    let mut k = 0;
    while k < items.len() {
        let is_dash = items[k].0 == "-" && !items[k].1;
        if is_dash {
            out.push_str("\\-");
            k += 1;
            continue;
        }
        if items[k].1 && k + 2 < items.len() && items[k + 1].0 == "-" && !items[k + 1].1 && items[k + 2].1 {
            out.push_str(&items[k].0);
            out.push('-');
            out.push_str(&items[k + 2].0);
            k += 3;
        } else {
            out.push_str(&items[k].0);
            k += 1;
        }
    }
    out.push(']');
    Ok(i)
}

/// Translates an ECMAScript pattern (without look-around) to regex-crate syntax.
pub(crate) fn translate(source: &str) -> Result<String, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' => {
                let (t, n) = escape(&chars, i, false)?;
                out.push_str(&t);
                i += n;
            }
            '[' => i = class(&chars, i, &mut out)?,
            '(' if chars.get(i) == Some(&'?') => match (chars.get(i + 1), chars.get(i + 2)) {
                (Some(':'), _) => {
                    out.push_str("(?:");
                    i += 2;
                }
                (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => {
                    return Err("look-around is not supported by the regex crate".into());
                }
                (Some('<'), _) => {
                    out.push_str("(?P<");
                    i += 2;
                }
                _ => return Err("unsupported group syntax".into()),
            },
            '.' => out.push_str("[^\\n\\r\\x{2028}\\x{2029}]"),
            '{' => {
                // A valid quantifier {n}, {n,}, {n,m} is copied; otherwise '{' is literal.
                let rest: String = chars[i..].iter().take_while(|&&x| x != '}').collect();
                let ok = i + rest.len() < chars.len()
                    && !rest.is_empty()
                    && rest.split(',').count() <= 2
                    && rest
                        .split(',')
                        .enumerate()
                        .all(|(k, p)| p.chars().all(|d| d.is_ascii_digit()) && (k == 1 || !p.is_empty()));
                if ok {
                    out.push('{');
                    out.push_str(&rest);
                    out.push('}');
                    i += rest.len() + 1;
                } else {
                    out.push_str("\\{");
                }
            }
            '}' => out.push_str("\\}"),
            c => out.push(c),
        }
    }
    Ok(out)
}
