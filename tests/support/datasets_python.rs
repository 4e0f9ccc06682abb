//! The Python with Hugging Face `datasets` 4.0.0 that tests use as an oracle (the version
//! LLaMA-Factory pins): `TUNELINT_DATASETS_PYTHON` (CI sets it; it must work), or `python3`
//! if it has that version. Without one a test skips its comparison with a note, and fails
//! under `CI=true`. Shared by tests/unloadable_column.rs and tests/parquet.rs.

use std::process::Command as Process;

/// A Python whose `datasets` is 4.0.0, if there is one.
pub fn oracle_python() -> Option<String> {
    let right_version = |python: &str| {
        Process::new(python)
            .args([
                "-c",
                "import datasets, sys; sys.exit(datasets.__version__ != '4.0.0')",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Ok(python) = std::env::var("TUNELINT_DATASETS_PYTHON") {
        assert!(
            right_version(&python),
            "TUNELINT_DATASETS_PYTHON={python} has no datasets 4.0.0"
        );
        return Some(python);
    }
    if right_version("python3") {
        return Some("python3".into());
    }
    assert!(
        std::env::var("CI").is_err(),
        "no Python with datasets==4.0.0 under CI: set TUNELINT_DATASETS_PYTHON"
    );
    eprintln!(
        "note: no Python with datasets==4.0.0 (set TUNELINT_DATASETS_PYTHON); the comparison is skipped"
    );
    None
}
