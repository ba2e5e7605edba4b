//! Two stacks in one environment: `DataStack` holds a KMS key and an encrypted stream;
//! `ConsumerStack` holds a role allowed to read the stream (and decrypt with the key). The grant
//! uses the L2s across stacks: the stream and key ARNs are exported by `DataStack` and imported by
//! `ConsumerStack`, which therefore depends on it (`manifest.json` `dependencies`), so
//! `cdk deploy --app cdk.out --all` deploys `DataStack` first.
//!
//! `cargo run --example multi_stack` writes both templates to `cdk.out/`.

use std::process::ExitCode;

use rcdk::prelude::*;

fn build() -> Result<App, rcdk::Error> {
    let mut data = Stack::new("DataStack", StackProps::default())?;
    let key = Key::new(&mut data, "Key", KeyProps::default())?;
    let stream =
        Stream::new(&mut data, "Stream", StreamProps { encryption: StreamEncryption::Kms(key), ..Default::default() })?;

    let mut consumer = Stack::new("ConsumerStack", StackProps::default())?;
    let role = Role::new(&mut consumer, "Reader", RoleProps::assumed_by(Principal::service("lambda.amazonaws.com")))?;
    stream.grant_read(&mut consumer, &role)?;
    consumer.add_output("ReaderRoleArn", Output::new(role.role_arn()))?;

    // Added consumer first on purpose: the deploy order comes from the dependencies, not from here.
    let mut app = App::new();
    app.add_stack(consumer)?;
    app.add_stack(data)?;
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
