//! Promises of the type system: these programs must not compile (see tests/compile-fail/*.stderr).

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile-fail/*.rs");
}
