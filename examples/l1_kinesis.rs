//! Builds a Kinesis stream with the generated L1 type and prints its properties.
//!
//! `cargo run --example l1_kinesis`

use rcdk::core::stack::{Stack, StackProps};
use rcdk::l1::kinesis::{CfnStream, stream};

fn main() {
    let mut stack = Stack::new("L1KinesisStack", StackProps::default()).expect("valid stack name");
    let props = CfnStream::new()
        .name("orders")
        .retention_period_hours(48)
        .stream_mode_details(stream::StreamModeDetails::new(stream::StreamMode::OnDemand));
    let handle = stack.add_resource("Orders", props).expect("unique id");
    let resource = stack.resource(handle).expect("just added");
    println!("{} {:#?}", resource.type_name(), resource.properties());
    println!("Arn attribute: {:?}", handle.attr_arn());
}
