//! The schema layer's checks, installed into an [`App`] by the schema layer itself (the engine
//! in `core` knows only the [`TypeFacts`] trait and the validator signature).

use crate::core::app::App;
use crate::core::check::TypeFacts;
use crate::core::synth::TemplateCheck;

/// GetAtt attributes from the vendored registry schemas, as cfn-lint 1.58 derives them.
pub struct SchemaFacts;

impl TypeFacts for SchemaFacts {
    fn attributes(&self, type_name: &str) -> Option<Vec<String>> {
        // A custom resource's attributes are whatever its handler returns, a nested stack's are
        // its outputs: open families of names, not checkable against a list.
        let schema = super::resource_schema(type_name)?;
        if schema.has_open_attributes() {
            return None;
        }
        Some(schema.attributes().into_iter().map(String::from).collect())
    }

    fn accepts_attribute(&self, type_name: &str, attribute: &str) -> Option<bool> {
        let schema = super::resource_schema(type_name)?;
        if schema.has_open_attributes() {
            return None;
        }
        Some(schema.has_attribute(attribute))
    }
}

/// Schema problems of one resource's properties as (property path, message); `None` for a
/// name that is not a resource type.
pub fn validate_properties(type_name: &str, properties: &serde_json::Value) -> Option<Vec<(String, String)>> {
    super::validate_properties(type_name, Some(properties))
        .map(|problems| problems.into_iter().map(|p| (p.path, p.message)).collect())
}

/// The schema layer's template-level checks.
pub const TEMPLATE_CHECKS: &[TemplateCheck] = &[super::check_resource_types];

/// Installs the schema layer's type facts, property validation and template checks.
pub fn install(app: &mut App) {
    app.set_type_facts(Box::new(SchemaFacts));
    app.set_property_validator(Box::new(validate_properties));
    for check in TEMPLATE_CHECKS {
        app.add_template_check(*check);
    }
}
