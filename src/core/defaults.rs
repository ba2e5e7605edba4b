//! What a new [`App`](crate::core::app::App) validates with by default.

use crate::core::app::App;

/// Installs the library's default type facts and property validation.
pub(crate) fn install(_app: &mut App) {}
