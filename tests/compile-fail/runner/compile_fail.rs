//! Promises of the type system: these programs must not compile (see `../*.stderr`).

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("*.rs");
}
