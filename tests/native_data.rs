//! Real datasets in their trainers' own formats (`../shared/datasets/native`, outside this
//! repository): each file below is detected as its format and every record is read without
//! a schema (S) or order (O) error. Warnings about real defects are expected (near
//! duplicates, leaked template tokens); they are not what these tests pin.
//!
//! When the folder is absent the tests pass with a note, except under `CI=true`, where it
//! must be there.

use std::path::{Path, PathBuf};

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
