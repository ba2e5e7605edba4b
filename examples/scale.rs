//! Synthesizes an app of STACKS stacks of RESOURCES resources (defaults 100 × 500) and writes it;
//! used with `/usr/bin/time -v` to measure peak memory (docs/performance.md).

use rcdk::prelude::*;
use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (stacks, resources) = (arg("STACKS", 100), arg("RESOURCES", 500));
    let mut app = App::new();
    for s in 0..stacks {
        let mut stack = match Stack::new(format!("Stack{s}"), StackProps::default()) {
            Ok(stack) => stack,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let mut previous = None;
        for i in 0..resources {
            let mut props = Map::new();
            props.insert("QueueName".into(), Value::sub(format!("queue-{i}-${{AWS::Region}}")));
            if let Some(p) = previous {
                props.insert(
                    "RedrivePolicy".into(),
                    Value::map([("deadLetterTargetArn", Value::GetAtt(p, "Arn".into()))]),
                );
            }
            match stack.add_raw_resource(&format!("Queue{i}"), "AWS::SQS::Queue", props) {
                Ok(h) => previous = Some(h.node()),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        if let Err(e) = app.add_stack(stack) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    app.run()
}
