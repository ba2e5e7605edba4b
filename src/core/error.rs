//! One error type for programs that build stacks: every construction and synthesis error
//! converts into it, so a `main` can use `?` throughout.

use crate::core::app::AppError;
use crate::core::ids::IdError;
use crate::core::stack::StackError;
use crate::core::tree::TreeError;

/// Any error of building or synthesizing an app.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Adding a construct failed (invalid or duplicate id, foreign handle…).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Creating a stack failed.
    #[error(transparent)]
    Stack(#[from] StackError),
    /// Synthesis, arguments or writing failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// A logical ID could not be computed.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A construct of a layer above the engine rejected its input (e.g. a tag key starting with
    /// `aws:`); the error names the construct path.
    #[error(transparent)]
    Construct(Box<dyn std::error::Error + Send + Sync>),
    /// A security acknowledgment without a reason or with an unknown rule.
    #[error(transparent)]
    Acknowledge(#[from] crate::security::AcknowledgeError),
}

impl From<crate::core::problem::SynthError> for Error {
    fn from(e: crate::core::problem::SynthError) -> Error {
        Error::App(AppError::Synth(e))
    }
}
