//! Real datasets in their trainers' own formats (`../shared/datasets/native`, outside this
//! repository): each file below is detected as its format and every record is read without
//! a schema (S) or order (O) error. Warnings about real defects are expected (near
//! duplicates, leaked template tokens); they are not what these tests pin.
//!
//! When the folder is absent the tests pass with a note, except under `CI=true`, where it
//! must be there.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tunelint::engine;
use tunelint::rule::Level;
use tunelint::settings::{FormatChoice, Settings};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/native");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is absent, and CI=true needs it",
        dir.display()
    );
    eprintln!(
        "note: {} is absent; skipping the native-format real-data tests",
        dir.display()
    );
    None
}

/// Lints `file` as `format = "auto"` would: it must be detected as `expected`, every line an
/// example, none with an S or O error.
fn reads_cleanly(file: &str, expected: FormatChoice) {
    let Some(dir) = data_dir() else { return };
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .count() as u64;
    let (found, summary) = engine::lint_bytes(&bytes, &Settings::default());
    assert_eq!(summary.format, Some(expected), "{file}: detected format");
    assert_eq!(summary.examples, lines, "{file}: every line is an example");
    let errors: Vec<String> = found
        .iter()
        .filter(|d| d.level == Level::Error && matches!(&d.code.as_str()[..1], "S" | "O"))
        .take(10)
        .map(|d| {
            format!(
                "{file}:{}: {} {}",
                d.location.line,
                d.code.as_str(),
                d.message
            )
        })
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(
        summary.valid, summary.examples,
        "{file}: every example valid"
    );
}

/// GPTeacher writes Alpaca records with `response` in place of `output`.
#[test]
fn gpteacher_is_alpaca_with_response() {
    for file in [
        "gpteacher_codegen.jsonl",
        "gpteacher_roleplay.jsonl",
        "gpteacher_toolformer.jsonl",
    ] {
        reads_cleanly(file, FormatChoice::Alpaca);
    }
}

/// llm-foundry's fine-tuning data pairs `prompt` with `response`.
#[test]
fn llm_foundry_is_prompt_and_response() {
    reads_cleanly(
        "llmfoundry_dolly_hhrlhf_small.jsonl",
        FormatChoice::PromptCompletion,
    );
}

/// MLX's LoRA example trains on plain `text` records: no turns, so no order rule applies.
#[test]
fn mlx_lora_is_plain_text() {
    reads_cleanly("mlx_lora_wikisql_train.jsonl", FormatChoice::Text);
}

// LLaMA-Factory's own demo data (llamafactory_*.jsonl, converted from the trainer's `data/`
// folder) is valid for that trainer: no schema (S) or order (O) error. axolotl's Mistral
// example keeps its one real defect: the role `Customer`, which axolotl's default `roles`
// mapping does not know (S005 on each of its 10 records).

/// The concise output of one file, read from inside its folder.
fn lint(dir: &Path, file: &str) -> String {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir)
        .args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "--exit-zero",
            file,
        ])
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{file}: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The S and O findings of a concise report (`FILE:LINE:COL: CODE message`).
fn schema_and_order(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter(|l| {
            l.split(": ")
                .nth(1)
                .is_some_and(|rest| rest.starts_with('S') || rest.starts_with('O'))
        })
        .collect()
}

#[test]
fn llamafactory_demo_data_has_no_schema_or_order_error() {
    let Some(dir) = data_dir() else { return };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("read the native folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("llamafactory_") && n.ends_with(".jsonl"))
        .collect();
    files.sort();
    // The eight files SOURCES.md lists: alpaca (en, zh), identity, dpo_en, kto_en,
    // reason_tool_use_50, v1_dpo, v1_sft.
    assert_eq!(files.len(), 8, "{files:?}");
    for file in &files {
        let report = lint(&dir, file);
        let found = schema_and_order(&report);
        assert!(found.is_empty(), "{file}:\n{}", found.join("\n"));
    }
}

#[test]
fn axolotl_example_keeps_its_unknown_role() {
    let Some(dir) = data_dir() else { return };
    let file = "axolotl_mistral_example.jsonl";
    let text = std::fs::read_to_string(dir.join(file)).expect("read the example");
    // The defect, in the data itself: every record's first turn is from "Customer".
    let customers = text
        .lines()
        .filter(|l| l.contains(r#"{"from": "Customer""#))
        .count();
    assert_eq!(customers, 10);
    let report = lint(&dir, file);
    let found = schema_and_order(&report);
    assert_eq!(found.len(), 10, "{}", found.join("\n"));
    assert!(
        found
            .iter()
            .all(|l| l.contains("S005 unknown role \"Customer\"") && l.contains("`roles:`")),
        "{}",
        found.join("\n")
    );
}
