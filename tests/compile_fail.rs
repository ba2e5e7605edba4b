//! Promises of the type system: these programs must not compile (see tests/compile-fail/*.stderr).
#![cfg(all(feature = "kinesis", feature = "kinesisfirehose", feature = "iam"))]

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile-fail/*.rs");
}
