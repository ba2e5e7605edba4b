//! The corpus of tricky inputs in `tests/fixtures/read-corpus/` (`ok-*` must read, `err-*`
//! must fail with a clear error) and property-based fuzzing of the reader.

use proptest::prelude::*;
use rcdk::review::diff::{NoReplacementFacts, RenderOptions, diff, render_markdown, render_text};
use rcdk::review::graph::Graph;
use rcdk::review::read::{MAX_DEPTH, Template, read_template, read_template_bytes};

use crate::{fixture, settings};

fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whatever reads must also survive every other review tool.
fn exercise(t: &Template) {
    assert!(t.value().is_object());
    assert!(depth(t.value()) <= MAX_DEPTH + 2);
    let d = diff(t, t, &NoReplacementFacts);
    assert!(d.is_empty(), "a template differs from itself: {d:?}");
    let empty = Template::from_value(serde_json::json!({})).unwrap();
    let d = diff(&empty, t, &NoReplacementFacts);
    render_text(&d, &RenderOptions::default());
    render_markdown(&d, &RenderOptions::default());
    let g = Graph::from_template(t);
    g.to_mermaid();
    g.to_dot();
}

#[test]
fn corpus() {
    let dir = fixture("read-corpus");
    let mut names: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus lost files: {names:?}");
    let mut report = String::new();
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let result = read_template_bytes(&bytes);
        match (&result, name.starts_with("ok-")) {
            (Ok(t), true) => {
                exercise(t);
                report.push_str(&format!("{name}: ok\n"));
            }
            (Err(e), false) => report.push_str(&format!("{}\n", e.in_file(name))),
            (Ok(_), false) => panic!("{name} should not read"),
            (Err(e), true) => panic!("{name} should read: {e}"),
        }
    }
    settings().bind(|| insta::assert_snapshot!("read_corpus_results", report));
}

#[test]
fn corpus_values() {
    let bytes = std::fs::read(fixture("read-corpus/ok-yaml11-scalars.yaml")).unwrap();
    let t = read_template_bytes(&bytes).unwrap();
    settings().bind(|| insta::assert_json_snapshot!("read_yaml11_scalars", t.value()));
    let bytes = std::fs::read(fixture("read-corpus/ok-short-forms.yaml")).unwrap();
    let t = read_template_bytes(&bytes).unwrap();
    settings().bind(|| insta::assert_json_snapshot!("read_short_forms", t.value()));
}

fn real_templates() -> Vec<Vec<u8>> {
    ["templates/kinesis-snowflake.json", "templates/kinesis-snowflake.yaml"]
        .iter()
        .map(|p| std::fs::read(fixture(p)).unwrap())
        .collect()
}

const TOKENS: &[&str] = &[
    "!Ref ",
    "!GetAtt ",
    "!Sub ",
    "!If [",
    "&a ",
    "*a",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    ":",
    ": ",
    "- ",
    "\t",
    "\n",
    "\r\n",
    "#",
    "!!binary ",
    "!!int ",
    "---\n",
    "...\n",
    "\u{0}",
    "\\u",
    "${",
    "%YAML 1.1\n",
    "? ",
    "|\n",
    ">-\n",
    ",",
    "\u{feff}",
    "  ",
    "0777",
    "~",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Flip(usize, u8),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..200).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Delete(p, n) => {
                let p = p % len;
                let end = (p + n).min(bytes.len());
                if p < end {
                    bytes.drain(p..end);
                }
            }
            Mutation::Insert(p, t) => {
                let p = p % (bytes.len() + 1);
                bytes.splice(p..p, TOKENS[t].bytes());
            }
            Mutation::Flip(p, b) => {
                if !bytes.is_empty() {
                    let p = p % bytes.len();
                    bytes[p] = b;
                }
            }
            Mutation::Truncate(p) => bytes.truncate(p % len),
            Mutation::Duplicate(p, n) => {
                let p = p % len;
                let end = (p + n).min(bytes.len());
                if p < end {
                    let chunk = bytes[p..end].to_vec();
                    bytes.splice(p..p, chunk);
                }
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(t) = read_template_bytes(&bytes) {
            exercise(&t);
        }
    }

    #[test]
    fn random_yamlish_strings_never_panic(s in "[a-zA-Z0-9:!&*<>{}\\[\\]#'\" ,\n\t|>?%@`~-]{0,200}") {
        if let Ok(t) = read_template(&s) {
            exercise(&t);
        }
    }

    #[test]
    fn mutated_real_templates_never_panic(
        which in 0usize..2,
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let bytes = apply(real_templates()[which].clone(), &mutations);
        if let Ok(t) = read_template_bytes(&bytes) {
            exercise(&t);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash(depth in 90usize..5000, flow in any::<bool>(), json in any::<bool>()) {
        let depth = if json || flow { depth } else { depth.min(1500) };
        let text = if json {
            format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth))
        } else if flow {
            format!("a: {}{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            let mut s = String::new();
            for i in 0..depth { s.push_str(&" ".repeat(i)); s.push_str("k:\n"); }
            s
        };
        match read_template(&text) {
            Ok(t) => exercise(&t),
            Err(e) => prop_assert!(e.to_string().contains("deeper than")),
        }
    }
}
