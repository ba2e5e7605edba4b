//! Text, markdown and JSON reports of a [`TemplateDiff`].

use std::fmt::Write as _;

use serde_json::Value;

use super::{
    Change, EntryChange, PropertyChange, Replacement, ReplacementReason, ResourceChange, ResourceChangeKind, Statement,
    TemplateDiff,
};

/// Longest value shown in text and markdown reports before it is cut (JSON shows all).
const MAX_VALUE_CHARS: usize = 400;

/// How to render a report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A heading (for example the stack name).
    pub title: Option<String>,
    /// Name of the old template, used to cite lines (`old.yaml:12`).
    pub old_name: Option<String>,
    /// Name of the new template.
    pub new_name: Option<String>,
    /// Use ANSI colours (text only). The CLI sets this when stdout is a terminal.
    pub color: bool,
    /// Fit text tables into this many columns, wrapping cells (text only; markdown is never
    /// wrapped). `None`: no limit. The CLI uses `COLUMNS`, else 100.
    pub width: Option<usize>,
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(text: &str, color: &str, on: bool) -> String {
    if on { format!("{color}{text}{RESET}") } else { text.to_string() }
}

fn change_color(c: Change) -> &'static str {
    match c {
        Change::Added => GREEN,
        Change::Removed => RED,
        Change::Modified => YELLOW,
    }
}

fn show_value(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(absent)".to_string();
    };
    let s = super::policy::compact(v);
    let count = s.chars().count();
    if count > MAX_VALUE_CHARS {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}… ({} more characters)", count - MAX_VALUE_CHARS)
    } else {
        s
    }
}

fn location(name: Option<&str>, line: Option<usize>) -> Option<String> {
    match (name, line) {
        (Some(n), Some(l)) => Some(format!("{n}:{l}")),
        (None, Some(l)) => Some(format!("line {l}")),
        _ => None,
    }
}

fn locations(opts: &RenderOptions, old: Option<usize>, new: Option<usize>) -> String {
    let parts: Vec<String> = [location(opts.old_name.as_deref(), old), location(opts.new_name.as_deref(), new)]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(" → ")) }
}

fn reason_text(r: &ReplacementReason) -> String {
    match r {
        ReplacementReason::TypeChanged { old, new } => {
            format!("type changed from {old} to {new}")
        }
        ReplacementReason::LogicalIdChanged { old } => {
            format!("logical ID changed from {old} (likely rename)")
        }
        ReplacementReason::CreateOnlyProperty { path } => {
            format!("create-only property {path} changed")
        }
        ReplacementReason::ReferencesReplaced { path, target } => {
            format!("create-only property {path} references {target}, which is replaced")
        }
    }
}

fn data_loss_text(ty: &str, rep: &Replacement) -> Option<String> {
    if !rep.data_may_be_lost {
        return None;
    }
    let policy = if rep.reasons.iter().any(|r| matches!(r, ReplacementReason::LogicalIdChanged { .. })) {
        "DeletionPolicy"
    } else {
        "UpdateReplacePolicy"
    };
    Some(if rep.old_retained {
        format!(
            "{ty} holds data. The replacement is a new, empty resource; the old one is kept ({policy}: Retain) but leaves this stack, and its data is not carried over: data may be lost."
        )
    } else {
        format!(
            "{ty} holds data. The replacement is a new, empty resource and CloudFormation deletes the old one ({policy} is not Retain): its data may be lost."
        )
    })
}

fn rename_text(r: &ResourceChange) -> Option<String> {
    match &r.kind {
        ResourceChangeKind::Renamed { from } => {
            Some(format!("likely rename of logical ID {from} → {} (replacement)", r.logical_id))
        }
        _ => None,
    }
}

fn statement_cells(s: &Statement) -> [String; 5] {
    let with_not = |yes: &[String], no: &[String]| {
        yes.iter().cloned().chain(no.iter().map(|x| format!("NOT {x}"))).collect::<Vec<_>>()
    };
    let mut effect = s.effect.clone();
    if let Some(sid) = &s.sid {
        effect.push_str(&format!("\n(Sid {sid})"));
    }
    [
        effect,
        with_not(&s.actions, &s.not_actions).join("\n"),
        with_not(&s.resources, &s.not_resources).join("\n"),
        with_not(&s.principals, &s.not_principals).join("\n"),
        s.conditions.join("\n"),
    ]
}

// ------------------------------------------------------------------ text

/// Narrowest a column is made when a table is fitted to a width.
const MIN_COLUMN: usize = 6;

/// Splits one line into pieces of at most `width` characters, at a space, comma or `/` when one
/// is near, else anywhere.
fn wrap_line(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > width {
        let cut = (width / 2..width)
            .rev()
            .find(|&i| matches!(rest[i], ' ' | ',' | '/' | ':'))
            .map(|i| i + 1)
            .unwrap_or(width);
        out.push(rest[..cut].iter().collect::<String>().trim_end().to_string());
        rest = rest[cut..].to_vec();
        while rest.first() == Some(&' ') {
            rest.remove(0);
        }
    }
    out.push(rest.into_iter().collect());
    out
}

/// Column widths that fit `max` characters in all (borders included), narrowing the widest
/// columns first.
fn fit_widths(widths: &mut [usize], mins: &[usize], max: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * w.len() + 1;
    while total(widths) > max {
        let narrowable = widths.iter().enumerate().filter(|(i, w)| **w > mins[*i].max(MIN_COLUMN));
        let Some(i) = narrowable.max_by_key(|(_, w)| **w).map(|(i, _)| i) else { break };
        widths[i] -= 1;
    }
}

fn text_table(
    headers: &[&str],
    rows: &[(Option<Change>, Vec<String>)],
    color: bool,
    max_width: Option<usize>,
) -> String {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (_, row) in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            for line in cell.lines() {
                widths[i] = widths[i].max(line.chars().count());
            }
        }
    }
    let wrapped: Vec<(Option<Change>, Vec<String>)> = match max_width {
        Some(max) => {
            let mins: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            fit_widths(&mut widths, &mins, max);
            let wrap = |i: usize, cell: &str| -> String {
                cell.lines().flat_map(|l| wrap_line(l, widths[i])).collect::<Vec<_>>().join("\n")
            };
            rows.iter().map(|(c, row)| (*c, row.iter().enumerate().map(|(i, cell)| wrap(i, cell)).collect())).collect()
        }
        None => Vec::new(),
    };
    let rows = if max_width.is_some() { &wrapped[..] } else { rows };
    let border = |l: &str, m: &str, r: &str| {
        let mut s = String::from(l);
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&"─".repeat(w + 2));
            s.push_str(if i + 1 == cols { r } else { m });
        }
        s.push('\n');
        s
    };
    let line = |cells: &[String], change: Option<Change>| {
        let height = cells.iter().map(|c| c.lines().count().max(1)).max().unwrap_or(1);
        let mut out = String::new();
        for h in 0..height {
            out.push('│');
            for (i, w) in widths.iter().enumerate() {
                let text = cells.get(i).and_then(|c| c.lines().nth(h)).unwrap_or("");
                let pad = w - text.chars().count();
                let text = match change {
                    Some(c) if i == 0 => paint(text, change_color(c), color),
                    _ => text.to_string(),
                };
                out.push_str(&format!(" {text}{} │", " ".repeat(pad)));
            }
            out.push('\n');
        }
        out
    };
    let mut s = border("┌", "┬", "┐");
    s.push_str(&line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(), None));
    for (change, row) in rows {
        s.push_str(&border("├", "┼", "┤"));
        s.push_str(&line(row, *change));
    }
    s.push_str(&border("└", "┴", "┘"));
    s
}

fn heading(out: &mut String, title: &str, color: bool) {
    let _ = writeln!(out, "{}", paint(title, BOLD, color));
    let _ = writeln!(out, "{}", "=".repeat(title.chars().count()));
}

fn text_property(out: &mut String, c: &PropertyChange, color: bool) {
    let sym = match (&c.old, &c.new) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        _ => Change::Modified,
    };
    let tag = if c.replaces { paint(" (requires replacement)", BOLD_RED, color) } else { String::new() };
    let _ = writeln!(out, "    {} {}{tag}", paint(&format!("[{}]", sym.symbol()), change_color(sym), color), c.path);
    if c.old.is_some() {
        let _ = writeln!(out, "        {}", paint(&format!("- {}", show_value(c.old.as_ref())), RED, color));
    }
    if c.new.is_some() {
        let _ = writeln!(out, "        {}", paint(&format!("+ {}", show_value(c.new.as_ref())), GREEN, color));
    }
}

fn text_entries(out: &mut String, title: &str, entries: &[EntryChange], opts: &RenderOptions) {
    if entries.is_empty() {
        return;
    }
    heading(out, title, opts.color);
    for e in entries {
        let _ = writeln!(
            out,
            "{} {}{}",
            paint(&format!("[{}]", e.change.symbol()), change_color(e.change), opts.color),
            e.name,
            locations(opts, e.old_line, e.new_line)
        );
        for c in &e.changes {
            text_property(out, c, opts.color);
        }
    }
    out.push('\n');
}

/// Renders the diff as text for a terminal (colours when `opts.color`).
///
/// ```
/// use rcdk::review::diff::{diff, render_text, NoReplacementFacts, RenderOptions};
/// use rcdk::review::read::read_template;
/// let a = read_template("Resources: {}").unwrap();
/// let b = read_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n").unwrap();
/// let text = render_text(&diff(&a, &b, &NoReplacementFacts), &RenderOptions::default());
/// assert!(text.contains("[+] AWS::SQS::Queue Q (line 2)"));
/// ```
pub fn render_text(d: &TemplateDiff, opts: &RenderOptions) -> String {
    let color = opts.color;
    let mut out = String::new();
    if let Some(title) = &opts.title {
        let _ = writeln!(out, "{}\n", paint(title, BOLD, color));
    }
    if d.is_empty() {
        out.push_str("No differences.\n");
        return out;
    }
    if d.has_security_changes() {
        heading(&mut out, "Security changes", color);
        if !d.security.statements.is_empty() {
            let _ = writeln!(out, "IAM statement changes");
            let rows: Vec<(Option<Change>, Vec<String>)> = d
                .security
                .statements
                .iter()
                .map(|s| {
                    let [effect, action, resource, principal, condition] = statement_cells(&s.statement);
                    (
                        Some(s.change),
                        vec![
                            s.change.symbol().to_string(),
                            format!("{}\n{}", s.logical_id, s.location),
                            effect,
                            action,
                            resource,
                            principal,
                            condition,
                        ],
                    )
                })
                .collect();
            out.push_str(&text_table(
                &["", "Policy", "Effect", "Action", "Resource", "Principal", "Condition"],
                &rows,
                color,
                opts.width,
            ));
        }
        if !d.security.managed_policies.is_empty() {
            let _ = writeln!(out, "Managed policy changes");
            let rows: Vec<(Option<Change>, Vec<String>)> = d
                .security
                .managed_policies
                .iter()
                .map(|m| {
                    (Some(m.change), vec![m.change.symbol().to_string(), m.logical_id.clone(), m.policy_arn.clone()])
                })
                .collect();
            out.push_str(&text_table(&["", "Resource", "Managed policy ARN"], &rows, color, opts.width));
        }
        out.push('\n');
    }
    if d.has_replacements() {
        heading(&mut out, "Replacements", color);
        for (r, rep) in d.replacements() {
            let reasons: Vec<String> = rep.reasons.iter().map(reason_text).collect();
            let _ = writeln!(
                out,
                "{} {} ({}): {}",
                paint("[!]", BOLD_RED, color),
                r.logical_id,
                r.resource_type(),
                reasons.join("; ")
            );
            if let Some(loss) = data_loss_text(r.resource_type(), rep) {
                let _ = writeln!(out, "    {}", paint(&format!("DATA LOSS: {loss}"), BOLD_RED, color));
            }
        }
        out.push('\n');
    }
    if !d.resources.is_empty() {
        heading(&mut out, "Resources", color);
        for r in &d.resources {
            let c = r.change();
            let mut line = format!(
                "{} {} {}{}",
                paint(&format!("[{}]", c.symbol()), change_color(c), color),
                r.resource_type(),
                r.logical_id,
                locations(opts, r.old_line, r.new_line)
            );
            if let Some(t) = rename_text(r) {
                line.push_str(&format!(": {t}"));
            } else if r.replacement.is_some() {
                line.push_str(&paint(" (replacement)", BOLD_RED, color));
            }
            if let ResourceChangeKind::Removed { data_may_be_lost: true } = r.kind {
                line.push_str(&paint(
                    " (stateful, not retained by DeletionPolicy: its data may be lost)",
                    BOLD_RED,
                    color,
                ));
            }
            if let (Some(o), Some(n)) = (&r.old_type, &r.new_type)
                && o != n
            {
                line.push_str(&format!(" (was {o})"));
            }
            let _ = writeln!(out, "{line}");
            for c in &r.changes {
                text_property(&mut out, c, color);
            }
            for m in &r.may_change {
                let _ = writeln!(out, "    {} references {}, which is replaced: it may change", m.path, m.target);
            }
        }
        out.push('\n');
    }
    text_entries(&mut out, "Parameters", &d.parameters, opts);
    text_entries(&mut out, "Conditions", &d.conditions, opts);
    text_entries(&mut out, "Mappings", &d.mappings, opts);
    text_entries(&mut out, "Outputs", &d.outputs, opts);
    text_entries(&mut out, "Other sections", &d.other, opts);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// -------------------------------------------------------------- markdown

/// Text escaped for markdown (no emphasis, links, HTML or math).
pub(crate) fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '$' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span that shows `s` literally, safe inside a table cell.
pub(crate) fn md_code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn md_lines(cell: &str) -> String {
    cell.lines().map(md_code).collect::<Vec<_>>().join("<br>")
}

fn md_table(out: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn md_entries(out: &mut String, title: &str, entries: &[EntryChange]) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "#### {title}\n");
    let mut rows = Vec::new();
    for e in entries {
        if e.changes.is_empty() {
            rows.push(vec![e.change.symbol().into(), md_code(&e.name), String::new(), String::new(), String::new()]);
        }
        for c in &e.changes {
            rows.push(vec![
                e.change.symbol().into(),
                md_code(&e.name),
                md_code(&c.path),
                md_code(&opt_value(c.old.as_ref())),
                md_code(&opt_value(c.new.as_ref())),
            ]);
        }
    }
    md_table(out, &["", "Name", "Path", "Old", "New"], &rows);
}

fn opt_value(v: Option<&Value>) -> String {
    v.map(|v| show_value(Some(v))).unwrap_or_default()
}

/// Renders the diff as GitHub-flavoured markdown, for a pull-request comment.
///
/// ```
/// use rcdk::review::diff::{diff, render_markdown, NoReplacementFacts, RenderOptions};
/// use rcdk::review::read::read_template;
/// let a = read_template("Resources: {}").unwrap();
/// let b = read_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n").unwrap();
/// let md = render_markdown(&diff(&a, &b, &NoReplacementFacts), &RenderOptions::default());
/// assert!(md.contains("| + | `Q` | AWS::SQS::Queue | added |"));
/// ```
pub fn render_markdown(d: &TemplateDiff, opts: &RenderOptions) -> String {
    let mut out = String::new();
    if let Some(title) = &opts.title {
        let _ = writeln!(out, "### {}\n", md_text(title));
    }
    if d.is_empty() {
        out.push_str("No differences.\n");
        return out;
    }
    if d.has_security_changes() {
        let _ = writeln!(out, "#### Security changes\n");
        if !d.security.statements.is_empty() {
            let _ = writeln!(out, "IAM statement changes:\n");
            let rows: Vec<Vec<String>> = d
                .security
                .statements
                .iter()
                .map(|s| {
                    let cells = statement_cells(&s.statement);
                    let mut row = vec![
                        s.change.symbol().to_string(),
                        format!("{}<br>{}", md_code(&s.logical_id), md_code(&s.location)),
                    ];
                    row.extend(cells.iter().map(|c| md_lines(c)));
                    row
                })
                .collect();
            md_table(&mut out, &["", "Policy", "Effect", "Action", "Resource", "Principal", "Condition"], &rows);
        }
        if !d.security.managed_policies.is_empty() {
            let _ = writeln!(out, "Managed policy changes:\n");
            let rows: Vec<Vec<String>> = d
                .security
                .managed_policies
                .iter()
                .map(|m| vec![m.change.symbol().to_string(), md_code(&m.logical_id), md_code(&m.policy_arn)])
                .collect();
            md_table(&mut out, &["", "Resource", "Managed policy ARN"], &rows);
        }
    }
    if d.has_replacements() {
        let _ = writeln!(out, "#### Replacements\n");
        for (r, rep) in d.replacements() {
            let reasons: Vec<String> = rep.reasons.iter().map(|x| md_text(&reason_text(x))).collect();
            let _ = write!(
                out,
                "- :warning: {} ({}): {}.",
                md_code(&r.logical_id),
                md_text(r.resource_type()),
                reasons.join("; ")
            );
            if let Some(loss) = data_loss_text(r.resource_type(), rep) {
                let _ = write!(out, " **Data loss: {}**", md_text(&loss));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if !d.resources.is_empty() {
        let _ = writeln!(out, "#### Resources\n");
        let mut rows = Vec::new();
        for r in &d.resources {
            let sym = r.change().symbol().to_string();
            let id = md_code(&r.logical_id);
            let ty = md_text(r.resource_type());
            let summary = match &r.kind {
                ResourceChangeKind::Added => "added".to_string(),
                ResourceChangeKind::Removed { data_may_be_lost } => {
                    if *data_may_be_lost {
                        "removed **(stateful, not retained: data may be lost)**".to_string()
                    } else {
                        "removed".to_string()
                    }
                }
                ResourceChangeKind::Renamed { .. } => {
                    format!("**{}**", md_text(&rename_text(r).unwrap_or_default()))
                }
                ResourceChangeKind::Modified => {
                    if r.replacement.is_some() {
                        "modified **(replacement)**".to_string()
                    } else {
                        "modified".to_string()
                    }
                }
            };
            rows.push(vec![sym.clone(), id.clone(), ty.clone(), summary, String::new(), String::new()]);
            for c in &r.changes {
                let mut path = md_code(&c.path);
                if c.replaces {
                    path.push_str(" **(replacement)**");
                }
                rows.push(vec![
                    String::new(),
                    String::new(),
                    String::new(),
                    path,
                    md_code(&opt_value(c.old.as_ref())),
                    md_code(&opt_value(c.new.as_ref())),
                ]);
            }
            for m in &r.may_change {
                rows.push(vec![
                    String::new(),
                    String::new(),
                    String::new(),
                    format!("{} may change", md_code(&m.path)),
                    String::new(),
                    format!("references {}, which is replaced", md_code(&m.target)),
                ]);
            }
        }
        md_table(&mut out, &["", "Logical ID", "Type", "Change", "Old", "New"], &rows);
    }
    md_entries(&mut out, "Parameters", &d.parameters);
    md_entries(&mut out, "Conditions", &d.conditions);
    md_entries(&mut out, "Mappings", &d.mappings);
    md_entries(&mut out, "Outputs", &d.outputs);
    md_entries(&mut out, "Other sections", &d.other);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders the diff as pretty JSON (the [`TemplateDiff`] data, values in full).
///
/// ```
/// use rcdk::review::diff::{render_json, TemplateDiff};
/// let json = render_json(&TemplateDiff::default());
/// assert!(json.contains("\"resources\": []"));
/// ```
pub fn render_json(d: &TemplateDiff) -> String {
    serde_json::to_string_pretty(d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping() {
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_text("<script>*x*</script>"), "\\<script\\>\\*x\\*\\</script\\>");
        assert_eq!(md_text("${A}"), "\\${A}");
    }
}
