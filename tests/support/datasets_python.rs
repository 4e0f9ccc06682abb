//! The Python with Hugging Face `datasets` 4.0.0 that tests use as an oracle (the version
//! LLaMA-Factory pins): `TUNELINT_DATASETS_PYTHON` (CI sets it; it must work), or `python3`
//! if it has that version. Without one a test skips its comparison with a note, and fails
//! under `CI=true`. Also the real datasets of ../shared/datasets. Shared by
//! tests/unloadable_column.rs, tests/parquet.rs and the unit tests of src/splits.rs.

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

/// The `.jsonl` files of the named folders of ../shared/datasets, sorted; `None` (with a
/// note) when that folder is absent, which fails under `CI=true`.
pub fn real_datasets(dirs: &[&str]) -> Option<Vec<std::path::PathBuf>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if !root.is_dir() {
        assert!(
            std::env::var("CI").is_err(),
            "../shared/datasets is missing under CI"
        );
        eprintln!("note: ../shared/datasets is absent; skipped");
        return None;
    }
    let mut files = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(root.join(dir)).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}
