//! The app: a set of stacks synthesized together into a cloud-assembly-style folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use crate::core::check::{NoTypeFacts, TypeFacts};
use crate::core::emit::{json::to_json, yaml::to_yaml};
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
pub const USAGE: &str = "usage: <program> [--out DIR] [--format json|yaml|both] [--strict]\n\
  --out DIR      output folder (default: $RCDK_OUTDIR, else cdk.out)\n\
  --format F     json (default), yaml or both\n\
  --strict       treat warnings as errors\n";

/// Errors of an app run: bad arguments, failed synthesis, or a failed write.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown or malformed command-line arguments.
    #[error("{0}\n{USAGE}")]
    Usage(String),
    /// Synthesis found errors; nothing was written.
    #[error(transparent)]
    Synth(#[from] SynthError),
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
        let assembly = self.assemble()?;
        assembly.write(&options.out, options.format)?;
        Ok(assembly)
    }

    /// Runs the app as a program's `main`: parses arguments, synthesizes, writes, prints what
    /// it wrote and any warnings; exit code 0, 1 on synthesis/write errors, 2 on bad arguments.
    pub fn run(mut self) -> ExitCode {
        let options = match CliOptions::parse(std::env::args().skip(1), std::env::var(OUTDIR_ENV).ok()) {
            Ok(o) if o.help => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Ok(o) => o,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        match self.synth_with(&options) {
            Ok(assembly) => {
                for stack in &assembly.stacks {
                    for w in &stack.0.warnings {
                        eprintln!("{w}");
                    }
                    for file in stack.file_names(options.format) {
                        println!("wrote {}", options.out.join(file).display());
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprint!("{e}");
                ExitCode::FAILURE
            }
        }
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
    fn file_names(&self, format: OutputFormat) -> Vec<String> {
        let json = format!("{}.template.json", self.0.name);
        let yaml = format!("{}.template.yaml", self.0.name);
        match format {
            OutputFormat::Json => vec![json],
            OutputFormat::Yaml => vec![yaml],
            OutputFormat::Both => vec![json, yaml],
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

    /// `manifest.json`: stacks, environments, template files and dependencies (cloud-assembly style).
    pub fn manifest(&self, format: OutputFormat) -> serde_json::Value {
        let mut artifacts = serde_json::Map::new();
        for s in &self.stacks {
            let files = s.file_names(format);
            let mut props = serde_json::Map::new();
            props.insert("templateFile".into(), json!(files[0]));
            if files.len() > 1 {
                props.insert("templateFiles".into(), json!(files));
            }
            let mut a = serde_json::Map::new();
            a.insert("type".into(), json!("aws:cloudformation:stack"));
            a.insert("environment".into(), json!(synth::env_name(&s.0.env)));
            a.insert("properties".into(), serde_json::Value::Object(props));
            if !s.0.dependencies.is_empty() {
                a.insert("dependencies".into(), json!(s.0.dependencies));
            }
            artifacts.insert(s.name().to_string(), serde_json::Value::Object(a));
        }
        json!({ "version": "rcdk-1", "artifacts": artifacts })
    }

    /// Writes the folder: every file goes to a temporary name first and is renamed into place,
    /// the manifest last, so a failed run never leaves a half-written template.
    pub fn write(&self, dir: &Path, format: OutputFormat) -> Result<(), AppError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| AppError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        for s in &self.stacks {
            for name in s.file_names(format) {
                let text = if name.ends_with(".json") { s.template_json() } else { s.template_yaml() };
                files.push((dir.join(name), text));
            }
        }
        files.push((dir.join("manifest.json"), to_json(&self.manifest(format))));
        for (path, text) in &files {
            let tmp = path.with_extension("tmp");
            let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
            f.write_all(text.as_bytes()).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
            fs::rename(&tmp, path).map_err(io(path))?;
        }
        Ok(())
    }
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
    fn bad_arguments_are_usage_errors() {
        for args in [&["--bogus"][..], &["--format", "xml"], &["--out"]] {
            let e = parse(args, None).unwrap_err();
            assert!(matches!(e, AppError::Usage(_)), "{args:?}");
            assert!(e.to_string().contains("usage:"));
        }
    }
}
