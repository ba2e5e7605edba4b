//! A stream written with the generated L1 type alone (no L2): on-demand mode, typed enums, encryption
//! at rest, and a typed GetAtt in an output.
//!
//! `cargo run --example l1_kinesis` writes `cdk.out/L1KinesisStack.template.json`.

use std::process::ExitCode;

use rcdk::l1::kinesis::{CfnStream, stream};
use rcdk::prelude::*;

fn build() -> Result<App, rcdk::Error> {
    let mut stack = Stack::new("L1KinesisStack", StackProps::default())?;
    let props = CfnStream::new()
        .name("orders")
        .retention_period_hours(48)
        .stream_mode_details(stream::StreamModeDetails::new(stream::StreamMode::OnDemand))
        // Encrypted at rest with the AWS managed key (no key to manage; same-account producers only).
        .stream_encryption(stream::StreamEncryption::new(stream::EncryptionType::Kms, "alias/aws/kinesis"));
    let orders = stack.add_resource("Orders", props)?;
    stack.add_output("OrdersArn", Output::new(orders.attr_arn()))?;
    let mut app = App::new();
    app.add_stack(stack)?;
    Ok(app)
}

fn main() -> ExitCode {
    match build() {
        Ok(app) => app.run(),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
