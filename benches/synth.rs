//! Synthesis cost by size: stacks of 10, 100 and 500 resources, and an app of 100 stacks of 500.
//! Run: `cargo bench --bench synth`. Results and peak memory: docs/performance.md.

use rcdk::prelude::*;

fn main() {
    divan::main();
}

/// A stack of `n` resources in a chain of references, like real stacks (each refers to the last).
fn build_stack(name: &str, n: usize) -> Stack {
    let mut stack = Stack::new(name, StackProps::default()).expect("valid name");
    let mut previous: Option<Handle<rcdk::core::element::RawResource>> = None;
    for i in 0..n {
        let mut scope = stack.as_scope().child(&format!("Queue{i}")).expect("unique id");
        let mut props = Map::new();
        props.insert("QueueName".into(), Value::sub(format!("queue-{i}-${{AWS::Region}}")));
        if let Some(p) = previous {
            props.insert(
                "Tags".into(),
                Value::list([Value::map([("Key", Value::from("prev")), ("Value", p.get_att("Arn"))])]),
            );
        }
        previous = Some(scope.add_raw_resource("Resource", "AWS::SQS::Queue", props).expect("unique id"));
    }
    stack
}

#[divan::bench(args = [10, 100, 500])]
fn synth_stack(bencher: divan::Bencher, n: usize) {
    let mut app = App::new();
    app.add_stack(build_stack("Bench", n)).expect("one stack");
    bencher.counter(divan::counter::ItemsCount::new(n)).bench(|| app.assemble().expect("valid"));
}

#[divan::bench(args = [10, 100, 500])]
fn synth_and_render_json(bencher: divan::Bencher, n: usize) {
    let mut app = App::new();
    app.add_stack(build_stack("Bench", n)).expect("one stack");
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| app.assemble().expect("valid").stacks[0].template_json().len());
}

#[divan::bench(sample_count = 5)]
fn synth_app_100_stacks_of_500(bencher: divan::Bencher) {
    let mut app = App::new();
    for s in 0..100 {
        app.add_stack(build_stack(&format!("Stack{s}"), 500)).expect("unique names");
    }
    bencher.counter(divan::counter::ItemsCount::new(50_000usize)).bench(|| app.assemble().expect("valid"));
}
