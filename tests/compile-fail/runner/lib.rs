//! Holds no code: the package exists for its test, `runner/compile_fail.rs` (see `Cargo.toml`).
