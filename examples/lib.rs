//! rcdk's example programs are the `[[example]]` targets of this package (see `Cargo.toml`); run one
//! from the repository root with `cargo run --example kinesis_snowflake`.
