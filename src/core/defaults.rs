//! What a new [`App`](crate::core::app::App) validates with by default.

use crate::core::app::App;

/// Installs the library's default type facts and property validation.
pub(crate) fn install(app: &mut App) {
    app.add_template_check(crate::iam::lint_policies);
}
