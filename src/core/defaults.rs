//! What a new [`App`] validates with by default: the vendored registry
//! schemas (property values, GetAtt attributes), the IAM policy lint and the security rule pack.

use crate::core::app::App;
use crate::core::check::TypeFacts;
use crate::core::synth::{SynthOptions, TemplateCheck};

/// GetAtt attributes from the vendored registry schemas.
pub struct SchemaFacts;

impl TypeFacts for SchemaFacts {
    fn attributes(&self, type_name: &str) -> Option<Vec<String>> {
        // A custom resource's attributes are whatever its handler returns: not checkable.
        if type_name.starts_with("Custom::") || type_name == "AWS::CloudFormation::CustomResource" {
            return None;
        }
        crate::schema::resource_schema(type_name).map(|s| s.attributes().into_iter().map(String::from).collect())
    }
}

/// Schema problems of one resource's properties as (property path, message); `None` for types
/// without a vendored schema.
pub fn validate_properties(type_name: &str, properties: &serde_json::Value) -> Option<Vec<(String, String)>> {
    crate::schema::validate_properties(type_name, Some(properties))
        .map(|problems| problems.into_iter().map(|p| (p.path, p.message)).collect())
}

/// The template-level checks every app runs (and `rcdk validate`).
pub const TEMPLATE_CHECKS: &[TemplateCheck] =
    &[crate::schema::check_resource_types, crate::iam::lint_policies, crate::security::check_template];

/// The library's checks as synthesis options (what `App::new` installs), for tools that check
/// templates from disk.
pub fn options(strict: bool) -> SynthOptions<'static> {
    SynthOptions {
        strict,
        facts: &SchemaFacts,
        validate_properties: Some(&validate_properties),
        template_checks: TEMPLATE_CHECKS,
    }
}

/// Installs the library's default type facts, property validation and template checks.
pub(crate) fn install(app: &mut App) {
    app.set_type_facts(Box::new(SchemaFacts));
    app.set_property_validator(Box::new(validate_properties));
    for check in TEMPLATE_CHECKS {
        app.add_template_check(*check);
    }
}
