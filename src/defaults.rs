//! What a new [`App`] validates with by default, assembled at the top of the crate: each layer
//! that owns checks installs its own (`schema::checks::install`, `iam::install`,
//! `security::install`), so the engine
//! (`core`) depends on neither.

use crate::core::app::App;
use crate::core::synth::{SynthOptions, TemplateCheck};

/// The template-level checks every app runs (and `rcdk validate`): resource types known to
/// CloudFormation, IAM policy lint, the security rule pack.
pub const TEMPLATE_CHECKS: &[TemplateCheck] =
    &[crate::schema::check_resource_types, crate::iam::lint_policies, crate::security::check_template];

/// The library's checks as synthesis options (what [`App::new`] installs), for tools that check
/// templates from disk.
pub fn options(strict: bool) -> SynthOptions<'static> {
    SynthOptions {
        strict,
        facts: &crate::schema::checks::SchemaFacts,
        validate_properties: Some(&crate::schema::checks::validate_properties),
        template_checks: TEMPLATE_CHECKS,
    }
}

impl App {
    /// An empty app with the library's checks: registry-schema facts and property validation
    /// (installed by `schema`), IAM policy lint (installed by `iam`), the security rule pack
    /// (installed by `security`). [`App::default`] is an
    /// app without them.
    ///
    /// ```
    /// use rcdk::prelude::*;
    /// let mut stack = Stack::new("S", StackProps::default()).unwrap();
    /// let props = Map::from_iter([("DelaySeconds".to_string(), Value::from(901))]);
    /// stack.add_raw_resource("Queue", "AWS::SQS::Queue", props).unwrap();
    /// let mut app = App::new();
    /// app.add_stack(stack).unwrap();
    /// let error = app.assemble().unwrap_err();
    /// assert!(error.to_string().contains("Properties.DelaySeconds"), "{error}");
    /// ```
    pub fn new() -> App {
        let mut app = App::default();
        crate::schema::checks::install(&mut app);
        crate::iam::install(&mut app);
        crate::security::install(&mut app);
        app
    }
}
