//! `rcdk`: review CloudFormation templates from the command line.
//!
//! A thin layer over [`rcdk::review`]; run `rcdk --help` for usage.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rcdk::review::diff::{
    RenderOptions, SchemaReplacementFacts, TemplateDiff, diff, render_json, render_markdown, render_text,
};
use rcdk::review::graph::Graph;
use rcdk::review::read::{Template, read_template_bytes};
use rcdk::review::validate::validate;

const USAGE: &str = "\
rcdk: review CloudFormation templates (any template, JSON or YAML)

Usage:
  rcdk diff OLD NEW [--format text|markdown|json] [--fail-on security|replacement]...
  rcdk graph TEMPLATE [--format mermaid|dot]
  rcdk validate TEMPLATE... [--strict] [--format text|json]
  rcdk --help | --version

diff   Compare two templates. OLD and NEW are template files or cloud-assembly
       folders (manifest.json and <Stack>.template.json); stacks are matched by
       name, and stacks added or removed are reported.
       Security changes (IAM statements, managed policies) come first, then
       replacements (with a data-loss warning for stateful resources).
       Text output is coloured only when stdout is a terminal (and NO_COLOR is unset).
graph  Print the resource dependency graph (Mermaid by default, or Graphviz dot).
validate
       Run rcdk's synthesis checks on templates: references (Ref, GetAtt,
       ${} in Fn::Sub), attributes, cycles, limits, property values against the
       registry schemas (every CloudFormation type) and
       IAM policy grammar and action names. Resources a transform or module
       generates (SAM, ::MODULE types) are noted as not checked, not failed.
       Each file is reported and the run goes on past an unreadable one.
       --strict makes warnings errors.
       Exit status for the run: 0 all valid, 1 some invalid, 2 some unreadable.

Exit status of diff (like diff(1)): 0 no differences, 1 differences, 2 trouble.
With --fail-on, exit 1 only when changes of that kind exist (0 otherwise).
";

/// Exit status for "something went wrong".
const TROUBLE: u8 = 2;

struct Failure(String);

/// A `--name value` option.
type Opt = (String, String);

/// One loaded stack: display path and template.
type Loaded = (String, Template);

/// Old and new versions of one stack.
struct Pair<'a> {
    name: String,
    status: StackStatus,
    old: Option<&'a Loaded>,
    new: Option<&'a Loaded>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("rcdk: {message}");
            ExitCode::from(TROUBLE)
        }
    }
}

fn usage_error(message: &str) -> Failure {
    Failure(format!("{message}\n\n{USAGE}"))
}

fn run(args: &[String]) -> Result<u8, Failure> {
    match args.first().map(String::as_str) {
        None => Err(usage_error("missing command")),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(0)
        }
        Some("-V" | "--version") => {
            println!("rcdk {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        Some("diff" | "graph" | "validate") if args.iter().any(|a| a == "-h" || a == "--help") => {
            print!("{USAGE}");
            Ok(0)
        }
        Some("diff") => run_diff(&args[1..]),
        Some("graph") => run_graph(&args[1..]),
        Some("validate") => run_validate(&args[1..]),
        Some(other) => Err(usage_error(&format!("unknown command `{other}`"))),
    }
}

/// Splits arguments into positionals and `--name value` / `--name=value` options.
fn parse_options(args: &[String], known: &[&str]) -> Result<(Vec<String>, Vec<Opt>), Failure> {
    let mut positional = Vec::new();
    let mut options = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            positional.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(flag) = arg.strip_prefix("--") {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => {
                    i += 1;
                    let Some(v) = args.get(i) else {
                        return Err(usage_error(&format!("--{flag} needs a value")));
                    };
                    (flag.to_string(), v.clone())
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(usage_error(&format!("unknown option --{name}")));
            }
            options.push((name, value));
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(usage_error(&format!("unknown option {arg}")));
        } else {
            positional.push(arg.clone());
        }
        i += 1;
    }
    Ok((positional, options))
}

fn single_option<'a>(
    options: &'a [(String, String)],
    name: &str,
    allowed: &[&str],
    default: &'a str,
) -> Result<&'a str, Failure> {
    let mut found = None;
    for (n, v) in options {
        if n == name {
            if found.is_some() {
                return Err(usage_error(&format!("--{name} given twice")));
            }
            found = Some(v.as_str());
        }
    }
    let value = found.unwrap_or(default);
    if !allowed.contains(&value) {
        return Err(usage_error(&format!("--{name} must be one of {}, not `{value}`", allowed.join(", "))));
    }
    Ok(value)
}

#[derive(Clone, Copy, PartialEq)]
enum FailOn {
    Security,
    Replacement,
}

/// The stacks of a file (one) or a cloud-assembly folder.
struct Stacks {
    is_file: bool,
    /// Stack name → (display path, template).
    stacks: BTreeMap<String, Loaded>,
}

fn read_file(path: &Path) -> Result<Template, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("cannot read {shown}: {e}")))?;
    read_template_bytes(&bytes).map_err(|e| Failure(e.in_file(&shown)))
}

fn stack_name_of(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for suffix in [".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    name
}

fn load(path_text: &str) -> Result<Stacks, Failure> {
    let path = PathBuf::from(path_text);
    if !path.is_dir() {
        let t = read_file(&path)?;
        let mut stacks = BTreeMap::new();
        stacks.insert(stack_name_of(&path), (path_text.to_string(), t));
        return Ok(Stacks { is_file: true, stacks });
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let manifest = path.join("manifest.json");
    if manifest.is_file() {
        let text = std::fs::read(&manifest).map_err(|e| Failure(format!("cannot read {}: {e}", manifest.display())))?;
        let value: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
            Failure(format!("{}:{}:{}: not a cloud-assembly manifest: {e}", manifest.display(), e.line(), e.column()))
        })?;
        if let Some(artifacts) = value.get("artifacts").and_then(|a| a.as_object()) {
            for (name, artifact) in artifacts {
                if artifact.get("type").and_then(|t| t.as_str()) != Some("aws:cloudformation:stack") {
                    continue;
                }
                let file = artifact
                    .pointer("/properties/templateFile")
                    .and_then(|f| f.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{name}.template.json"));
                if Path::new(&file).components().any(|c| {
                    matches!(
                        c,
                        std::path::Component::ParentDir
                            | std::path::Component::RootDir
                            | std::path::Component::Prefix(_)
                    )
                }) {
                    return Err(Failure(format!(
                        "{}: template file `{file}` of stack {name} is outside the folder",
                        manifest.display()
                    )));
                }
                files.push((name.clone(), path.join(file)));
            }
        }
    }
    if files.is_empty() {
        let entries = std::fs::read_dir(&path).map_err(|e| Failure(format!("cannot read folder {path_text}: {e}")))?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.ends_with(".template.json")) && p.is_file() {
                files.push((stack_name_of(&p), p));
            }
        }
    }
    if files.is_empty() {
        return Err(Failure(format!(
            "{path_text} is a folder without stacks (no manifest.json stacks, no *.template.json)"
        )));
    }
    let mut stacks = BTreeMap::new();
    for (name, file) in files {
        let t = read_file(&file)?;
        stacks.insert(name, (file.display().to_string(), t));
    }
    Ok(Stacks { is_file: false, stacks })
}

fn empty_template() -> Template {
    // A literal mapping is always accepted.
    Template::from_value(serde_json::json!({})).unwrap_or_else(|_| unreachable!())
}

enum StackStatus {
    Compared,
    Added,
    Removed,
}

fn run_diff(args: &[String]) -> Result<u8, Failure> {
    let (positional, options) = parse_options(args, &["format", "fail-on"])?;
    let [old_path, new_path] = positional.as_slice() else {
        return Err(usage_error("diff needs two arguments: OLD NEW"));
    };
    let format = single_option(&options, "format", &["text", "markdown", "json"], "text")?;
    let mut fail_on = Vec::new();
    for (n, v) in &options {
        if n == "fail-on" {
            for kind in v.split(',') {
                fail_on.push(match kind {
                    "security" => FailOn::Security,
                    "replacement" | "replacements" => FailOn::Replacement,
                    other => {
                        return Err(usage_error(&format!("--fail-on must be security or replacement, not `{other}`")));
                    }
                });
            }
        }
    }

    let old = load(old_path)?;
    let new = load(new_path)?;
    let empty = empty_template();

    // Pair the stacks: two files always pair; a file and a one-stack folder pair too.
    let mut pairs: Vec<Pair> = Vec::new();
    if (old.is_file || new.is_file) && old.stacks.len() == 1 && new.stacks.len() == 1 {
        if let (Some((name, o)), Some(n)) = (old.stacks.iter().next(), new.stacks.values().next()) {
            pairs.push(Pair { name: name.clone(), status: StackStatus::Compared, old: Some(o), new: Some(n) });
        }
    } else {
        for (name, o) in &old.stacks {
            match new.stacks.get(name) {
                Some(n) => {
                    pairs.push(Pair { name: name.clone(), status: StackStatus::Compared, old: Some(o), new: Some(n) })
                }
                None => pairs.push(Pair { name: name.clone(), status: StackStatus::Removed, old: Some(o), new: None }),
            }
        }
        for (name, n) in &new.stacks {
            if !old.stacks.contains_key(name) {
                pairs.push(Pair { name: name.clone(), status: StackStatus::Added, old: None, new: Some(n) });
            }
        }
        pairs.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let single = old.is_file && new.is_file;
    let facts = SchemaReplacementFacts;
    let color = format == "text"
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    let mut diffs: Vec<(String, &'static str, TemplateDiff, RenderOptions)> = Vec::new();
    for Pair { name, status, old: o, new: n } in pairs {
        let (ot, on) = o.map(|(p, t)| (t, Some(p.clone()))).unwrap_or((&empty, None));
        let (nt, nn) = n.map(|(p, t)| (t, Some(p.clone()))).unwrap_or((&empty, None));
        let d = diff(ot, nt, &facts);
        let status_word = match status {
            StackStatus::Compared => "compared",
            StackStatus::Added => "added",
            StackStatus::Removed => "removed",
        };
        let title = if single {
            None
        } else {
            Some(match status {
                StackStatus::Compared => format!("Stack {name}"),
                StackStatus::Added => format!("Stack {name} (new stack)"),
                StackStatus::Removed => format!("Stack {name} (stack removed)"),
            })
        };
        // Text tables fit the terminal: COLUMNS when set (shells export it), else 100.
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|w| *w >= 40);
        let opts = RenderOptions { title, old_name: on, new_name: nn, color, width: Some(width.unwrap_or(100)) };
        diffs.push((name, status_word, d, opts));
    }

    let output = match format {
        "json" if single => diffs.first().map(|(_, _, d, _)| render_json(d)).unwrap_or_default(),
        "json" => {
            let stacks: Vec<serde_json::Value> = diffs
                .iter()
                .map(|(name, status, d, _)| serde_json::json!({"stack": name, "status": status, "diff": d}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({ "stacks": stacks })).unwrap_or_default()
        }
        "markdown" => diffs.iter().map(|(_, _, d, o)| render_markdown(d, o)).collect::<Vec<_>>().join("\n\n"),
        _ => diffs.iter().map(|(_, _, d, o)| render_text(d, o)).collect::<Vec<_>>().join("\n\n"),
    };
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{}", output.trim_end()).and_then(|_| stdout.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Failure(format!("cannot write the report: {e}")));
    }

    let different = diffs.iter().any(|(_, status, d, _)| *status != "compared" || !d.is_empty());
    let failing = if fail_on.is_empty() {
        different
    } else {
        diffs.iter().any(|(_, _, d, _)| {
            fail_on.iter().any(|f| match f {
                FailOn::Security => d.has_security_changes(),
                FailOn::Replacement => d.has_replacements(),
            })
        })
    };
    Ok(u8::from(failing))
}

fn run_graph(args: &[String]) -> Result<u8, Failure> {
    let (positional, options) = parse_options(args, &["format"])?;
    let [path] = positional.as_slice() else {
        return Err(usage_error("graph needs one argument: TEMPLATE"));
    };
    let format = single_option(&options, "format", &["mermaid", "dot"], "mermaid")?;
    let stacks = load(path)?;
    if stacks.stacks.len() != 1 {
        let names: Vec<&str> = stacks.stacks.keys().map(String::as_str).collect();
        return Err(Failure(format!(
            "{path} holds {} stacks ({}); pass one template file",
            names.len(),
            names.join(", ")
        )));
    }
    let Some((_, template)) = stacks.stacks.values().next() else {
        return Err(Failure(format!("{path}: no stack")));
    };
    let graph = Graph::from_template(template);
    let text = match format {
        "dot" => graph.to_dot(),
        _ => graph.to_mermaid(),
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Failure(format!("cannot write the graph: {e}")));
    }
    Ok(0)
}

fn problem_json(p: &rcdk::core::problem::Problem) -> serde_json::Value {
    serde_json::json!({
        "severity": if p.is_error() { "error" } else { "warning" },
        "kind": p.kind.code(),
        "logical_id": p.logical_id,
        "property_path": p.property_path,
        "line": p.line,
        "message": p.message,
    })
}

fn run_validate(args: &[String]) -> Result<u8, Failure> {
    let strict = args.iter().any(|a| a == "--strict");
    let mut json = false;
    let mut paths: Vec<&String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "--strict" => {}
            "--format" | "--format=text" | "--format=json" => {
                let value = match a.split_once('=') {
                    Some((_, v)) => v,
                    None => {
                        i += 1;
                        args.get(i).map(String::as_str).unwrap_or_default()
                    }
                };
                match value {
                    "text" => json = false,
                    "json" => json = true,
                    other => return Err(usage_error(&format!("--format must be text or json, found `{other}`"))),
                }
            }
            _ => paths.push(a),
        }
        i += 1;
    }
    if let Some(flag) = paths.iter().find(|a| a.starts_with("--")) {
        return Err(usage_error(&format!("unknown option `{flag}` for validate")));
    }
    if paths.is_empty() {
        return Err(usage_error("validate needs at least one TEMPLATE"));
    }
    // Each file is reported on its own; an unreadable one does not stop the others. The exit
    // status is the worst of the run: 2 if any file was unreadable, else 1 if any was invalid.
    let mut invalid = false;
    let mut unreadable = false;
    let mut stdout = std::io::stdout().lock();
    let mut reports = Vec::new();
    for path in paths {
        let mut out = String::new();
        match read_file(Path::new(path)) {
            Err(Failure(message)) if json => {
                unreadable = true;
                reports.push(serde_json::json!({"file": path, "readable": false, "error": message}));
                continue;
            }
            Ok(template) if json => {
                let report = validate(path, &template, strict);
                invalid |= !report.is_valid();
                reports.push(serde_json::json!({
                    "file": path,
                    "readable": true,
                    "problems": report.problems.iter().map(problem_json).collect::<Vec<_>>(),
                    "notes": report.notes.iter().map(problem_json).collect::<Vec<_>>(),
                    "unchecked_types": report.unchecked_types,
                }));
                continue;
            }
            Err(Failure(message)) => {
                unreadable = true;
                // Flush what was printed so far, so the error sits between the right files.
                let _ = stdout.flush();
                eprintln!("rcdk: {message}");
                out.push_str(&format!("{path}: unreadable\n"));
            }
            Ok(template) => {
                let report = validate(path, &template, strict);
                for problem in &report.problems {
                    out.push_str(&format!("{problem}\n"));
                }
                for note in &report.notes {
                    out.push_str(&format!("note: {note}\n"));
                }
                if !report.unchecked_types.is_empty() {
                    out.push_str(&format!(
                        "{path}: unchecked (no schema vendored): {}\n",
                        report.unchecked_types.join(", ")
                    ));
                }
                let errors = report.problems.iter().filter(|p| p.is_error()).count();
                let warnings = report.problems.len() - errors;
                out.push_str(&format!("{path}: {errors} error(s), {warnings} warning(s)\n"));
                invalid |= !report.is_valid();
            }
        }
        if let Err(e) = stdout.write_all(out.as_bytes())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(Failure(format!("cannot write the report: {e}")));
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&reports).unwrap_or_default();
        if let Err(e) = writeln!(stdout, "{text}")
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(Failure(format!("cannot write the report: {e}")));
        }
    }
    let _ = stdout.flush();
    Ok(if unreadable { TROUBLE } else { u8::from(invalid) })
}
