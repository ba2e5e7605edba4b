//! Integration tests of the review tools: the read corpus and fuzzing, golden diffs and
//! graphs, and the `rcdk` command line.

mod cli;
mod corpus;
mod golden;
mod read_corpus;

use std::path::PathBuf;

/// A path under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// insta settings shared by every snapshot: top-level `snapshots/`, no module prefix.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}
