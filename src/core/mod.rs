//! The engine: construct tree, values, template model, synthesis and emitters.
pub mod app;
pub mod aspect;
pub mod check;
pub mod element;
pub mod emit;
pub mod error;
pub mod ids;
pub mod problem;
pub mod stack;
pub mod synth;
pub mod tag;
pub mod tree;
pub mod value;
