//! The article's stack, as written there (stream policy through a custom resource), made deployable.
//!
//! `cargo run --example kinesis_snowflake` writes `cdk.out/KinesisSnowflakeStack.template.json`;
//! `-- --format both` adds the YAML, `-- --out DIR` picks the folder. Deploying: docs/guide.md.

#[path = "common/kinesis_snowflake_stack.rs"]
mod kinesis_snowflake_stack;

use std::process::ExitCode;

use kinesis_snowflake_stack::{StreamPolicyStyle, kinesis_snowflake_stack};
use rcdk::prelude::*;

fn main() -> ExitCode {
    let mut app = App::new();
    if let Err(e) =
        kinesis_snowflake_stack(StreamPolicyStyle::CustomResource).and_then(|stack| Ok(app.add_stack(stack)?))
    {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    app.run()
}
