//! S013 unloadable-column against its oracle: Hugging Face `datasets.load_dataset("json")` at
//! the version LLaMA-Factory pins (`datasets==4.0.0`). On generated files (a field's type
//! changing between records in every way Arrow tells apart, nested, within one record, and
//! after row 10,000, next to the mixes it loads: integers and decimals, `null`, missing and
//! added keys) and on every real dataset in `../shared/datasets`, tunelint with
//! `--target llama-factory` reports S013 on exactly the files that fail to load. Under the
//! other trainers S013 follows the `datasets` each requires, checked against those versions
//! where they are at hand.
//!
//! The oracle is a Python with `datasets==4.0.0`: `TUNELINT_DATASETS_PYTHON` (CI sets it;
//! it must work), or `python3` if it has that version. Without one the comparison is skipped
//! with a note, and fails under `CI=true`. Pythons with other versions, for the other
//! trainers, are optional: `TUNELINT_DATASETS_PYTHONS`, separated as `PATH` is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::{Value, json};
use tunelint::target::{Loader, MixedTypes};

#[path = "support/datasets_python.rs"]
mod datasets_python;
use datasets_python::{oracle_python, real_datasets};

/// Loads each file named on the command line with `datasets.load_dataset("json")`, in a
/// cache of its own, and prints `OK path` or `FAIL path: error`.
const ORACLE: &str = r#"
import os, sys, tempfile
os.environ["HF_DATASETS_OFFLINE"] = "1"
import datasets
datasets.disable_progress_bars()
datasets.logging.set_verbosity_error()
for path in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as cache:
        try:
            datasets.load_dataset("json", data_files=path, cache_dir=cache, split="train")
            print("OK", path, flush=True)
        except Exception as e:
            cause = e.__cause__ or e
            print("FAIL", path + ":", type(cause).__name__, str(cause).replace("\n", " ")[:200], flush=True)
"#;

/// The files among `paths` that the oracle fails to load.
fn unloadable(python: &str, paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let out = Process::new(python)
        .args(["-c", ORACLE])
        .args(paths)
        .output()
        .expect("run the oracle");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut failed = BTreeSet::new();
    let mut seen = 0;
    for line in stdout.lines() {
        if let Some(path) = line.strip_prefix("OK ") {
            seen += 1;
            assert!(paths.iter().any(|p| p.as_os_str() == path), "{line}");
        } else if let Some(rest) = line.strip_prefix("FAIL ") {
            seen += 1;
            let path = paths
                .iter()
                .find(|p| rest.starts_with(&format!("{}:", p.display())))
                .unwrap_or_else(|| panic!("{line}"));
            failed.insert(path.clone());
        }
    }
    assert_eq!(seen, paths.len(), "{stdout}");
    failed
}

/// The files among `paths` on which `tunelint --target llama-factory --select S013` reports
/// S013, each an error.
fn reported(paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let (files, level) = reported_under("llama-factory", paths);
    assert!(
        files.is_empty() || level == Some("error".to_owned()),
        "{level:?}"
    );
    files
}

/// The files among `paths` on which `tunelint --target TARGET --select S013` reports S013,
/// and the level of those findings (all one), checking that every finding names a line and
/// an earlier line.
fn reported_under(target: &str, paths: &[PathBuf]) -> (BTreeSet<PathBuf>, Option<String>) {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .args([
            "check",
            "--isolated",
            "--target",
            target,
            "--select",
            "S013",
            "--format",
            "json",
            "--exit-zero",
        ])
        .args(paths)
        .output()
        .expect("run tunelint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json output");
    let mut files = BTreeSet::new();
    let mut levels = BTreeSet::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        assert_eq!(d["code"], "S013", "{d}");
        levels.insert(d["level"].as_str().expect("a level").to_owned());
        let line = d["line"].as_u64().expect("a line");
        let related = d["related"][0]["line"].as_u64().expect("the earlier line");
        assert!(related <= line, "{d}");
        files.insert(PathBuf::from(d["path"].as_str().expect("a path")));
    }
    assert!(levels.len() <= 1, "{target}: {levels:?}");
    (files, levels.into_iter().next())
}

fn chat(user: Value, assistant: Value) -> Value {
    json!({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]})
}

/// `n` records of `first`, then `then`: a change after row `n`.
fn late(first: Value, n: usize, then: Value) -> Vec<Value> {
    let mut records = vec![first; n];
    records.push(then);
    records
}

/// Generated files, each named for what changes in it.
fn generated() -> Vec<(&'static str, Vec<Value>)> {
    let text = || json!("How do I reset my password?");
    let parts = || json!([{"type": "text", "text": "Where are my invoices?"}]);
    let answer = || json!("Open Settings, then Security.");
    let tool = |default: Value| {
        json!({"messages": [{"role": "user", "content": "Look up order 42."}, {"role": "assistant", "content": "It shipped."}],
               "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {"id": {"type": "integer", "default": default}}}}}]})
    };
    vec![
        // Arrow fails on these.
        (
            "string-then-list-content",
            vec![chat(text(), answer()), chat(parts(), answer())],
        ),
        (
            "list-then-string-content",
            vec![chat(parts(), answer()), chat(text(), answer())],
        ),
        (
            "parts-and-text-in-one-record",
            vec![chat(parts(), answer())],
        ),
        ("int-then-string", vec![json!({"a": 1}), json!({"a": "x"})]),
        ("string-then-int", vec![json!({"a": "x"}), json!({"a": 2})]),
        ("bool-then-int", vec![json!({"a": true}), json!({"a": 1})]),
        (
            "string-then-bool",
            vec![json!({"a": "x"}), json!({"a": false})],
        ),
        (
            "string-then-object",
            vec![json!({"a": "x"}), json!({"a": {"b": 1}})],
        ),
        (
            "object-then-list",
            vec![json!({"a": {"b": 1}}), json!({"a": [1]})],
        ),
        (
            "empty-list-then-object",
            vec![json!({"a": []}), json!({"a": {"b": 1}})],
        ),
        (
            "list-of-ints-then-strings",
            vec![json!({"a": [1]}), json!({"a": ["x"]})],
        ),
        (
            "nested-list-then-flat",
            vec![json!({"a": [[1]]}), json!({"a": [1]})],
        ),
        ("mixed-array", vec![json!({"a": [1, "x"]})]),
        (
            "nested-tool-default",
            vec![tool(json!("1")), tool(json!(1))],
        ),
        (
            "content-changes-after-row-12000",
            late(chat(text(), answer()), 12_000, chat(parts(), answer())),
        ),
        (
            "bool-then-int-after-row-12000",
            late(
                json!({"a": true, "t": "x"}),
                12_000,
                json!({"a": 1, "t": "y"}),
            ),
        ),
        (
            "nested-change-after-row-12000",
            late(tool(json!("1")), 12_000, tool(json!(1))),
        ),
        // Arrow loads these.
        ("int-then-decimal", vec![json!({"a": 1}), json!({"a": 1.5})]),
        ("decimal-then-int", vec![json!({"a": 1.5}), json!({"a": 1})]),
        (
            "huge-int",
            vec![
                json!({"a": 1}),
                json!({"a": 1_000_000_000_000_000_000_000.0}),
            ],
        ),
        (
            "null-then-object",
            vec![json!({"a": null}), json!({"a": {"b": 1}})],
        ),
        (
            "object-then-null",
            vec![json!({"a": {"b": 1}}), json!({"a": null})],
        ),
        (
            "null-then-list",
            vec![json!({"a": null}), json!({"a": [1]})],
        ),
        (
            "empty-list-then-strings",
            vec![json!({"a": []}), json!({"a": ["x"]})],
        ),
        (
            "empty-object-then-keys",
            vec![json!({"a": {}}), json!({"a": {"b": 1}})],
        ),
        (
            "objects-with-other-keys",
            vec![json!({"a": {"b": 1}}), json!({"a": {"c": "x"}})],
        ),
        ("missing-key", vec![json!({"a": 1}), json!({"b": "x"})]),
        (
            "text-content-throughout",
            vec![
                chat(text(), answer()),
                chat(json!("Can I pay by card?"), answer()),
            ],
        ),
        (
            "key-added-after-row-12000",
            late(
                json!({"a": 1, "t": "x"}),
                12_000,
                json!({"a": 1, "t": "y", "b": 2}),
            ),
        ),
        (
            "key-dropped-after-row-12000",
            late(
                json!({"a": {"b": 1, "c": 2}}),
                12_000,
                json!({"a": {"b": 1}}),
            ),
        ),
        (
            "null-then-string-after-row-12000",
            late(json!({"a": null}), 12_000, json!({"a": "s"})),
        ),
        (
            "int-then-decimal-after-row-12000",
            late(json!({"a": 1}), 12_000, json!({"a": 1.5})),
        ),
    ]
}

fn write(dir: &Path, name: &str, records: &[Value]) -> PathBuf {
    let path = dir.join(format!("{name}.jsonl"));
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, text).expect("write");
    path
}

/// The generated files, written to `dir`, and those among them that change a type (the
/// first 17 cases): the expectation written beside each case, which holds without an oracle.
fn generated_files(dir: &Path) -> (Vec<PathBuf>, BTreeSet<PathBuf>) {
    let files: Vec<PathBuf> = generated()
        .iter()
        .map(|(name, records)| write(dir, name, records))
        .collect();
    assert!(files.len() >= 20);
    let changing = files[..17].iter().cloned().collect();
    (files, changing)
}

#[test]
fn s013_fires_exactly_on_the_generated_files_datasets_4_cannot_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (files, expected) = generated_files(dir.path());
    let reported = reported(&files);
    assert_eq!(reported, expected);
    let Some(python) = oracle_python() else {
        return;
    };
    assert_eq!(unloadable(&python, &files), reported);
}

#[test]
fn s013_fires_exactly_on_the_real_datasets_datasets_4_cannot_load() {
    let Some(files) = real_datasets(&["chat", "native", "preference"]) else {
        return;
    };
    let reported = reported(&files);
    // The OpenAI-shaped copy of LLaMA-Factory's tool-use demo gives a tool parameter's
    // `default` as a string in one record and a number in another.
    assert!(
        reported
            .iter()
            .any(|p| p.ends_with("chat/llamafactory_reason_tool_use_50.jsonl")),
        "{reported:?}"
    );
    let Some(python) = oracle_python() else {
        return;
    };
    // tunelint names a file by the path it read, a `..` after a folder resolved
    // (`../shared` from the repository: `/work/repo/../shared/...` is `/work/shared/...`);
    // the oracle by the path it was given.
    let resolved = |paths: BTreeSet<PathBuf>| -> BTreeSet<PathBuf> {
        paths
            .into_iter()
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
            .collect()
    };
    assert_eq!(resolved(unloadable(&python, &files)), resolved(reported));
}

/// Each trainer's S013 follows the `datasets` its packaging requires: an error where every
/// version it allows is before 4.7 (LLaMA-Factory, Unsloth: `<4.4.0`), nothing where every
/// one is 4.7 or later (TRL from 1.0: `>=4.7.0`; axolotl: `==4.8.4`).
#[test]
fn s013_under_each_trainer_follows_the_datasets_it_requires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (files, changing) = generated_files(dir.path());
    for (target, expected) in [
        ("llama-factory", Some("error")),
        ("unsloth", Some("error")),
        ("trl", None),
        ("axolotl", None),
    ] {
        let (reported, level) = reported_under(target, &files);
        assert_eq!(level.as_deref(), expected, "{target}");
        if expected.is_some() {
            assert_eq!(reported, changing, "{target}");
        }
    }
}

/// Pythons with other versions of `datasets` to check the targets against, from
/// `TUNELINT_DATASETS_PYTHONS` (separated as `PATH` is), each with the version it has: the
/// ones the trainers require (4.3.0 for Unsloth, whose studio extra pins it; 4.7.0, TRL's
/// floor; 4.8.4, axolotl's pin). Without it the comparison is skipped with a note.
fn other_oracles() -> Vec<(PathBuf, String)> {
    let Some(list) = std::env::var_os("TUNELINT_DATASETS_PYTHONS") else {
        eprintln!("note: TUNELINT_DATASETS_PYTHONS is not set; the targets' datasets are not run");
        return Vec::new();
    };
    std::env::split_paths(&list)
        .map(|python| {
            let out = Process::new(&python)
                .args(["-c", "import datasets; print(datasets.__version__)"])
                .output()
                .expect("run a Python of TUNELINT_DATASETS_PYTHONS");
            assert!(out.status.success(), "{}: no datasets", python.display());
            let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            (python, version)
        })
        .collect()
}

/// Against the `datasets` each trainer allows, run: under every target whose requirement
/// allows an oracle's version, S013 reports exactly the generated files that version cannot
/// load, and nothing where it loads them all.
#[test]
fn s013_under_each_trainer_matches_the_datasets_it_allows() {
    let mut oracles = other_oracles();
    if let Some(python) = oracle_python() {
        oracles.push((PathBuf::from(python), "4.0.0".to_owned()));
    }
    if oracles.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (files, changing) = generated_files(dir.path());
    for (python, version) in oracles {
        let failed = unloadable(python.to_str().expect("a UTF-8 path"), &files);
        let targets = tunelint::target::ALL
            .iter()
            .filter(|t| matches!(t.loader.value, Loader::Datasets { .. }))
            .filter(|t| t.loader.value.allows_datasets(&version));
        for t in targets {
            let (reported, _) = reported_under(t.name, &files);
            match t.loader.value.mixed_types() {
                // Of the files that change a type; datasets 4.7.0 alone also fails on
                // `missing-key`, a top-level key the first record has and a later one lacks
                // (KeyError, fixed in 4.8.0 by huggingface/datasets#8069), which is not S013's.
                MixedTypes::Loaded => {
                    let unloaded: BTreeSet<_> = failed.intersection(&changing).collect();
                    assert!(
                        unloaded.is_empty(),
                        "datasets {version} fails on files {} says it loads: {unloaded:?}",
                        t.name
                    );
                    assert!(reported.is_empty(), "{}: {reported:?}", t.name);
                }
                _ => assert_eq!(reported, failed, "{} with datasets {version}", t.name),
            }
        }
    }
}
