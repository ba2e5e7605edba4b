//! The app: a set of stacks synthesized together into a cloud-assembly-style folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use crate::core::check::{NoTypeFacts, TypeFacts};
use crate::core::emit::json::{to_json, write_json};
use crate::core::emit::yaml::to_yaml;
use crate::core::problem::SynthError;
use crate::core::stack::Stack;
use crate::core::synth::{self, PropertyValidator, SynthOptions, SynthesizedStack, TemplateCheck};

/// The environment variable naming the output folder when `--out` is not given.
pub const OUTDIR_ENV: &str = "RCDK_OUTDIR";
/// The default output folder.
pub const DEFAULT_OUTDIR: &str = "cdk.out";

/// Which template files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// `<Stack>.template.json` only.
    #[default]
    Json,
    /// `<Stack>.template.yaml` only.
    Yaml,
    /// Both.
    Both,
}

/// How to run synthesis from a program's command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CliOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Template format(s).
    pub format: OutputFormat,
    /// Warnings become errors.
    pub strict: bool,
    /// Print usage and stop.
    pub help: bool,
}

/// The usage text of a synthesizing program.
pub const USAGE: &str = "\
usage: <program> [--out DIR] [--format json|yaml|both] [--strict]
  --out DIR      output folder (default: $RCDK_OUTDIR, else cdk.out)
  --format F     json (default), yaml or both; the JSON template is always written
                 (manifest.json points at it, for the cdk CLI and aws cloudformation deploy)
  --strict       treat warnings as errors
";

/// The cloud-assembly schema version written to `manifest.json`.
///
/// The `cdk` CLI only rejects manifests *newer* than it understands: it compares the major
/// version with its own schema revision (aws-cdk 2.1148.1 reads up to 55.x; `Manifest.validate`
/// in its bundled `@aws-cdk/cloud-assembly-schema`) and has no lower bound. rcdk writes only what
/// every schema version describes — `aws:cloudformation:stack` artifacts with `environment`,
/// `properties.templateFile`, `dependencies` and `aws:cdk:warning` metadata — so it declares the
/// lowest version, 1.0.0, which every CDK CLI accepts. `tests/deploy/cdk.sh` checks the manifest
/// against the CLI's own JSON schema (`TESTING_CDK=1`) in CI.
pub const CLOUD_ASSEMBLY_VERSION: &str = "1.0.0";

/// The file in the output folder listing every file rcdk wrote there (so the next run can remove
/// the ones it no longer writes, and never touch anything else).
pub const FILE_LIST: &str = "rcdk.files.json";

/// Errors of an app run: bad arguments, failed synthesis, or a failed write.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown or malformed command-line arguments.
    #[error("{0}\n{USAGE}")]
    Usage(String),
    /// Synthesis found errors; nothing was written.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// The app has no stacks, so there is nothing to synthesize.
    #[error("the app has no stacks: add one with App::add_stack before synthesizing (nothing was written)")]
    NoStacks,
    /// Two stacks with one name.
    #[error("the app already has a stack named {0:?}")]
    DuplicateStack(String),
    /// Writing the output folder failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl CliOptions {
    /// Parses arguments (without the program name); `env_outdir` is `$RCDK_OUTDIR`.
    ///
    /// ```
    /// use rcdk::core::app::{CliOptions, OutputFormat};
    /// let o = CliOptions::parse(["--format", "both"].map(String::from), None).unwrap();
    /// assert_eq!(o.format, OutputFormat::Both);
    /// assert_eq!(o.out, std::path::PathBuf::from("cdk.out"));
    /// ```
    pub fn parse(args: impl IntoIterator<Item = String>, env_outdir: Option<String>) -> Result<CliOptions, AppError> {
        let mut out = None;
        let mut format = OutputFormat::Json;
        let mut strict = false;
        let mut help = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline_value) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline_value
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| AppError::Usage(format!("{name} needs a value")))
            };
            match flag.as_str() {
                "--out" => out = Some(PathBuf::from(value("--out")?)),
                "--format" => {
                    format = match value("--format")?.as_str() {
                        "json" => OutputFormat::Json,
                        "yaml" => OutputFormat::Yaml,
                        "both" => OutputFormat::Both,
                        other => return Err(AppError::Usage(format!("unknown format {other:?}"))),
                    }
                }
                "--strict" => strict = true,
                "--help" | "-h" => help = true,
                other => return Err(AppError::Usage(format!("unknown argument {other:?}"))),
            }
        }
        let out = out.or_else(|| env_outdir.filter(|s| !s.is_empty()).map(PathBuf::from));
        Ok(CliOptions { out: out.unwrap_or_else(|| PathBuf::from(DEFAULT_OUTDIR)), format, strict, help })
    }
}

/// A set of stacks.
///
/// ```
/// use rcdk::prelude::*;
/// let mut app = App::new();
/// let mut stack = Stack::new("Demo", StackProps::default()).unwrap();
/// stack.add_raw_resource("Topic", "AWS::SNS::Topic", Default::default()).unwrap();
/// app.add_stack(stack).unwrap();
/// let assembly = app.assemble().unwrap();
/// assert!(assembly.stacks[0].template_json().contains("AWS::SNS::Topic"));
/// ```
#[derive(Default)]
pub struct App {
    stacks: Vec<Stack>,
    facts: Option<Box<dyn TypeFacts>>,
    validate_properties: Option<Box<PropertyValidator>>,
    strict: bool,
    template_checks: Vec<TemplateCheck>,
}

impl App {
    /// Adds a stack (names are unique in an app).
    pub fn add_stack(&mut self, stack: Stack) -> Result<(), AppError> {
        if self.stacks.iter().any(|s| s.name() == stack.name()) {
            return Err(AppError::DuplicateStack(stack.name().to_string()));
        }
        self.stacks.push(stack);
        Ok(())
    }

    /// The stacks, in the order added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// Treat warnings as errors.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// Uses these type facts (GetAtt attributes) during validation.
    pub fn set_type_facts(&mut self, facts: Box<dyn TypeFacts>) {
        self.facts = Some(facts);
    }

    /// Uses this per-resource property validator: (type, properties) → problems as
    /// (property path, message), or `None` for a type it does not know.
    pub fn set_property_validator(&mut self, validator: Box<PropertyValidator>) {
        self.validate_properties = Some(validator);
    }

    /// Adds a template-level check run at synthesis (its warnings and errors count like built-in ones).
    pub fn add_template_check(&mut self, check: TemplateCheck) {
        self.template_checks.push(check);
    }

    /// Synthesizes in memory, writing nothing.
    pub fn assemble(&self) -> Result<Assembly, SynthError> {
        let stacks: Vec<&Stack> = self.stacks.iter().collect();
        let options = SynthOptions {
            strict: self.strict,
            facts: self.facts.as_deref().unwrap_or(&NoTypeFacts),
            validate_properties: self.validate_properties.as_deref(),
            template_checks: &self.template_checks,
        };
        Ok(Assembly { stacks: synth::synthesize(&stacks, options)?.into_iter().map(StackArtifact).collect() })
    }

    /// Synthesizes and writes the output folder chosen by the command line (`--out`, else
    /// `$RCDK_OUTDIR`, else `cdk.out`). Nothing is written when anything is invalid.
    pub fn synth(&mut self) -> Result<Assembly, AppError> {
        let options = CliOptions::parse(std::env::args().skip(1), std::env::var(OUTDIR_ENV).ok())?;
        self.synth_with(&options)
    }

    /// Synthesizes and writes with explicit options.
    pub fn synth_with(&mut self, options: &CliOptions) -> Result<Assembly, AppError> {
        self.strict |= options.strict;
        if self.stacks.is_empty() {
            return Err(AppError::NoStacks);
        }
        let assembly = self.assemble()?;
        assembly.write(&options.out, options.format)?;
        Ok(assembly)
    }

    /// Runs the app as a program's `main`: parses arguments, synthesizes, writes, prints what
    /// it wrote and any warnings; exit code 0, 1 on synthesis/write errors, 2 on bad arguments.
    /// Meant to end the program: the app and its templates are left to the operating system to
    /// reclaim, not freed one value at a time.
    pub fn run(mut self) -> ExitCode {
        let options = match CliOptions::parse(std::env::args().skip(1), std::env::var(OUTDIR_ENV).ok()) {
            Ok(o) if o.help => {
                let program = std::env::args().next().map(PathBuf::from);
                let name = program.as_deref().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
                print!("{}", USAGE.replacen("<program>", name.as_deref().unwrap_or("<program>"), 1));
                return ExitCode::SUCCESS;
            }
            Ok(o) => o,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let code = match self.synth_with(&options) {
            Ok(assembly) => {
                for stack in &assembly.stacks {
                    for w in &stack.0.warnings {
                        eprintln!("{w}");
                    }
                    for file in stack.file_names(options.format) {
                        println!("wrote {}", options.out.join(file).display());
                    }
                }
                // The program ends when `run` returns: its memory goes back to the system at
                // once, so the templates and the construct tree are not freed value by value
                // (4% of the article example's instructions).
                std::mem::forget(assembly);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprint!("{e}");
                if let Some(note) = failure_note(&e, &options.out) {
                    eprintln!("{note}");
                }
                ExitCode::FAILURE
            }
        };
        std::mem::forget(self);
        code
    }
}

/// What a failed run did to the output folder: a failed synthesis writes nothing, so the folder
/// still holds the previous assembly, if any. (A failed write names its file itself.)
fn failure_note(error: &AppError, out: &Path) -> Option<String> {
    match error {
        AppError::Synth(_) if out.join("manifest.json").is_file() => {
            Some(format!("{} was not changed: it still holds the previous successful synthesis", out.display()))
        }
        AppError::Synth(_) => Some(format!("nothing was written to {}", out.display())),
        _ => None,
    }
}

/// One synthesized stack of an [`Assembly`].
#[derive(Debug, Clone)]
pub struct StackArtifact(pub SynthesizedStack);

impl StackArtifact {
    /// The stack name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// The template document.
    pub fn template(&self) -> &serde_json::Value {
        &self.0.template
    }
    /// The template as canonical JSON text.
    pub fn template_json(&self) -> String {
        to_json(&self.0.template)
    }
    /// The template as YAML text.
    pub fn template_yaml(&self) -> String {
        to_yaml(&self.0.template)
    }
    /// Warnings found at synthesis.
    pub fn warnings(&self) -> &[crate::core::problem::Problem] {
        &self.0.warnings
    }
    /// The files written for this stack: always `<Stack>.template.json` (the manifest's
    /// `templateFile`, which the `cdk` CLI parses as JSON), and `<Stack>.template.yaml` unless
    /// the format is JSON only.
    pub fn file_names(&self, format: OutputFormat) -> Vec<String> {
        let json = format!("{}.template.json", self.0.name);
        let yaml = format!("{}.template.yaml", self.0.name);
        match format {
            OutputFormat::Json => vec![json],
            OutputFormat::Yaml | OutputFormat::Both => vec![json, yaml],
        }
    }
}

/// The result of synthesis: every stack's template, ready to write.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// The stacks, in the order they were added.
    pub stacks: Vec<StackArtifact>,
}

impl Assembly {
    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.name() == name)
    }

    /// `manifest.json` in the cloud-assembly format the `cdk` CLI reads: one
    /// `aws:cloudformation:stack` artifact per stack with its environment, JSON template file and
    /// dependencies, and synthesis warnings as `aws:cdk:warning` metadata entries under the
    /// construct path they concern (so `cdk synth` and `cdk deploy` print them). A stack's own tags
    /// ([`Stack::tags`](crate::core::stack::Stack::tags)) go to its artifact's `properties.tags`, which
    /// `cdk deploy` applies to the CloudFormation stack (the schema lets that object carry fields an
    /// older schema does not list, so the declared version stays [`CLOUD_ASSEMBLY_VERSION`]).
    pub fn manifest(&self) -> serde_json::Value {
        let mut artifacts = serde_json::Map::new();
        for s in &self.stacks {
            let mut a = serde_json::Map::new();
            a.insert("type".into(), json!("aws:cloudformation:stack"));
            a.insert("environment".into(), json!(synth::env_name(&s.0.env)));
            let mut properties = json!({ "templateFile": format!("{}.template.json", s.name()) });
            if !s.0.tags.is_empty() {
                // Stack-level tags: `cdk deploy` passes these to CloudFormation as the stack's tags
                // (cloud-assembly schema, AwsCloudFormationStackProperties.tags).
                properties["tags"] = json!(s.0.tags);
            }
            a.insert("properties".into(), properties);
            if !s.0.warnings.is_empty() {
                let mut metadata: std::collections::BTreeMap<String, Vec<serde_json::Value>> = Default::default();
                for w in &s.0.warnings {
                    let path = w.construct_path.clone().unwrap_or_else(|| s.name().to_string());
                    // The CLI prints "WARNING <data>": the text without rcdk's own "warning" prefix.
                    let text = w.to_string();
                    let data = text.strip_prefix("warning").unwrap_or(&text);
                    metadata
                        .entry(format!("/{path}"))
                        .or_default()
                        .push(json!({ "type": "aws:cdk:warning", "data": data }));
                }
                a.insert("metadata".into(), json!(metadata));
            }
            if !s.0.dependencies.is_empty() {
                a.insert("dependencies".into(), json!(s.0.dependencies));
            }
            artifacts.insert(s.name().to_string(), serde_json::Value::Object(a));
        }
        json!({ "version": CLOUD_ASSEMBLY_VERSION, "artifacts": artifacts })
    }

    /// Replaces the assembly in `dir` with this one. Every file goes to a temporary name first and
    /// is renamed into place, the manifest after the templates; then the files an earlier run
    /// wrote and this one did not (listed in [`FILE_LIST`], e.g. the template of a removed stack
    /// or the YAML of a previous `--format both`) are removed. Other files in `dir` are never touched.
    pub fn write(&self, dir: &Path, format: OutputFormat) -> Result<(), AppError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| AppError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let previous = previous_files(dir);
        // Every name first (the file list is written last and names them all); each template's
        // text is rendered just before its file is written and dropped after, so at most one
        // template text is held at a time (not every stack's: ~25 MB for 100 stacks × 500 resources).
        let mut written: Vec<String> = self.stacks.iter().flat_map(|s| s.file_names(format)).collect();
        written.push("manifest.json".into());
        written.push(FILE_LIST.into());
        written.sort();
        let put = |name: &str, write: &dyn Fn(&mut fs::File) -> std::io::Result<()>| -> Result<(), AppError> {
            let path = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp"));
            let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
            write(&mut f).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
            fs::rename(&tmp, &path).map_err(io(&path))
        };
        for s in &self.stacks {
            for name in s.file_names(format) {
                if name.ends_with(".json") {
                    // Written as it is rendered, a chunk at a time (the text is never held whole).
                    put(&name, &|f| write_json(f, s.template()))?;
                } else {
                    let text = s.template_yaml();
                    put(&name, &|f| f.write_all(text.as_bytes()))?;
                }
            }
        }
        let manifest = to_json(&self.manifest());
        put("manifest.json", &|f| f.write_all(manifest.as_bytes()))?;
        let list = to_json(&json!({ "files": written }));
        put(FILE_LIST, &|f| f.write_all(list.as_bytes()))?;
        for stale in previous.iter().filter(|p| !written.contains(p)) {
            let path = dir.join(stale);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(AppError::Io { path, source }),
            }
        }
        Ok(())
    }
}

/// The files an earlier run wrote into `dir`: from [`FILE_LIST`], or, for folders written before
/// it existed, the templates named by an rcdk manifest. Only plain file names rcdk itself would
/// write are returned (never a path into another folder).
fn previous_files(dir: &Path) -> Vec<String> {
    let read = |name: &str| -> Option<serde_json::Value> {
        let text = fs::read_to_string(dir.join(name)).ok()?;
        serde_json::from_str(&text).ok()
    };
    let mut names: Vec<String> = Vec::new();
    if let Some(list) = read(FILE_LIST) {
        let files = list.get("files").and_then(|f| f.as_array()).cloned().unwrap_or_default();
        names.extend(files.iter().filter_map(|f| f.as_str()).map(String::from));
    } else if let Some(manifest) = read("manifest.json")
        && manifest.get("version").and_then(|v| v.as_str()) == Some("rcdk-1")
    {
        let artifacts = manifest.get("artifacts").and_then(|a| a.as_object()).cloned().unwrap_or_default();
        for artifact in artifacts.values() {
            let props = artifact.get("properties");
            let mut listed: Vec<serde_json::Value> =
                props.and_then(|p| p.get("templateFiles")).and_then(|f| f.as_array()).cloned().unwrap_or_default();
            listed.extend(props.and_then(|p| p.get("templateFile")).cloned());
            names.extend(listed.iter().filter_map(|f| f.as_str()).map(String::from));
        }
    }
    names.retain(|n| {
        let plain = !n.is_empty() && !n.contains(['/', '\\']) && !n.starts_with('.');
        plain
            && (n == "manifest.json"
                || n == FILE_LIST
                || n.ends_with(".template.json")
                || n.ends_with(".template.yaml"))
    });
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<CliOptions, AppError> {
        CliOptions::parse(args.iter().map(|s| s.to_string()), env.map(String::from))
    }

    #[test]
    fn out_dir_precedence() {
        assert_eq!(parse(&[], None).unwrap().out, PathBuf::from("cdk.out"));
        assert_eq!(parse(&[], Some("env.out")).unwrap().out, PathBuf::from("env.out"));
        assert_eq!(parse(&["--out", "x"], Some("env.out")).unwrap().out, PathBuf::from("x"));
        assert_eq!(parse(&["--out=y"], None).unwrap().out, PathBuf::from("y"));
    }

    #[test]
    fn a_failed_synthesis_says_what_the_folder_holds() {
        let dir = std::env::temp_dir().join(format!("rcdk-app-note-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let failed = AppError::Synth(SynthError { problems: Vec::new() });
        let note = failure_note(&failed, &dir).unwrap();
        assert!(note.starts_with("nothing was written to"), "{note}");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("manifest.json"), "{}").unwrap();
        let note = failure_note(&failed, &dir).unwrap();
        assert!(note.ends_with("was not changed: it still holds the previous successful synthesis"), "{note}");
        assert_eq!(failure_note(&AppError::NoStacks, &dir), None);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        for args in [&["--bogus"][..], &["--format", "xml"], &["--out"]] {
            let e = parse(args, None).unwrap_err();
            assert!(matches!(e, AppError::Usage(_)), "{args:?}");
            assert!(e.to_string().contains("usage:"));
        }
    }
}
