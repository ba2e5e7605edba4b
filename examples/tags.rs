//! Tags on a mixed stack (`Tags::of(scope).add/remove`): `cargo run --example tags -- --out DIR`.

#[path = "common/tagged_stack.rs"]
mod tagged_stack;

use std::process::ExitCode;

use rcdk::prelude::*;

fn main() -> ExitCode {
    let mut app = App::new();
    if let Err(e) = tagged_stack::tagged_stack().and_then(|stack| Ok(app.add_stack(stack)?)) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    app.run()
}
