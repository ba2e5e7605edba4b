//! Problems found at synthesis or by validation: each names where it is and what is wrong.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Deploying would fail or misbehave; nothing is written.
    Error,
    /// Worth fixing; an error under `--strict`.
    Warning,
}

/// What kind of problem it is (stable, for tests and tooling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// A reference to something that does not exist (Ref, GetAtt, `${}` in Fn::Sub, DependsOn, a
    /// condition or mapping name, or a node of a stack that is not in the app).
    DanglingReference,
    /// A reference to something of the wrong kind (Ref to a condition, Fn::If on a resource…).
    WrongReferenceTarget,
    /// `Fn::GetAtt` of an attribute the resource type does not have.
    UnknownAttribute,
    /// Resources that depend on each other in a cycle.
    DependencyCycle,
    /// Two resources (or other elements) with the same logical ID.
    DuplicateLogicalId,
    /// A logical ID that is not alphanumeric or is too long.
    InvalidLogicalId,
    /// A reference between stacks in different environments.
    CrossEnvironmentReference,
    /// A CloudFormation limit (resources, parameters, outputs, mappings, body size).
    Limit,
    /// A property value that the resource type's schema rejects.
    Schema,
    /// A malformed intrinsic function or template section.
    InvalidTemplate,
    /// An IAM policy statement problem (action or condition spelling).
    Policy,
    /// A security posture finding of the rule pack ([`crate::security`]); the message starts with the
    /// rule id.
    Security,
}

impl ProblemKind {
    /// A short kebab-case code for messages.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::DanglingReference => "dangling-reference",
            ProblemKind::WrongReferenceTarget => "wrong-reference-target",
            ProblemKind::UnknownAttribute => "unknown-attribute",
            ProblemKind::DependencyCycle => "dependency-cycle",
            ProblemKind::DuplicateLogicalId => "duplicate-logical-id",
            ProblemKind::InvalidLogicalId => "invalid-logical-id",
            ProblemKind::CrossEnvironmentReference => "cross-environment-reference",
            ProblemKind::Limit => "limit",
            ProblemKind::Schema => "schema",
            ProblemKind::InvalidTemplate => "invalid-template",
            ProblemKind::Policy => "policy",
            ProblemKind::Security => "security",
        }
    }
}

/// One problem, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Stack name (or file name, for templates read from disk).
    pub stack: String,
    /// Construct path, e.g. `MyStack/Role/DefaultPolicy/Resource`, when known.
    pub construct_path: Option<String>,
    /// Logical ID, when the problem is inside one template entry.
    pub logical_id: Option<String>,
    /// Path inside the entry, e.g. `Properties.KeyPolicy.Statement[1].Condition`.
    pub property_path: Option<String>,
    /// Line in the template file, when the template was read from one.
    pub line: Option<usize>,
    /// What was expected and what was found.
    pub message: String,
}

impl Problem {
    /// A problem in a stack, not yet tied to an entry.
    pub fn new(severity: Severity, kind: ProblemKind, stack: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity,
            kind,
            stack: stack.into(),
            construct_path: None,
            logical_id: None,
            property_path: None,
            line: None,
            message: message.into(),
        }
    }

    /// Ties the problem to a template entry.
    pub fn at(mut self, logical_id: impl Into<String>, property_path: impl Into<String>) -> Problem {
        self.logical_id = Some(logical_id.into());
        let p = property_path.into();
        self.property_path = (!p.is_empty()).then_some(p);
        self
    }

    /// Names the construct path.
    pub fn with_construct_path(mut self, path: impl Into<String>) -> Problem {
        self.construct_path = Some(path.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]: ", self.kind.code())?;
        let place = match self.line {
            Some(line) => format!("{}:{line}", self.stack),
            None => self.stack.clone(),
        };
        match (&self.construct_path, &self.logical_id) {
            (Some(path), Some(id)) => write!(f, "{path} ({id})")?,
            (Some(path), None) => write!(f, "{path}")?,
            (None, Some(id)) => write!(f, "{place}: {id}")?,
            (None, None) => write!(f, "{place}")?,
        }
        if let Some(p) = &self.property_path {
            write!(f, " {p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Synthesis failed: every problem found, errors first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SynthError {
    /// All problems (errors and warnings), sorted.
    pub problems: Vec<Problem>,
}

impl SynthError {
    /// The problems that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        writeln!(f, "synthesis failed with {n} error{}:", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}
