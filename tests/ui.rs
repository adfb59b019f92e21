//! Compile-time checks: shape, batch and type mistakes must not compile, with a readable error.
//!
//! `tests/pass/*.rs` must build and run; because a pass case exists, trybuild *builds* every
//! case rather than only checking it, so post-monomorphization `const` asserts (e.g. a wrong
//! policy count) fire too. Regenerate the expected errors with
//! `TRYBUILD=overwrite cargo test --test ui`, then read every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/ui/*.rs");
}
