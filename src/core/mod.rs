//! The engine: construct tree, values, template model, synthesis and emitters.
pub mod element;
pub mod ids;
pub mod stack;
pub mod tree;
pub mod value;
