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

#[path = "support/json_array.rs"]
mod json_array;

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

/// GSM8K's own `question` and `answer` columns are axolotl's `alpaca_chat.load_qa` type: the
/// clean file it is, not an S001 on every record.
#[test]
fn gsm8k_is_an_axolotl_question_and_answer() {
    for file in ["gsm8k_train.jsonl", "gsm8k_test.jsonl"] {
        reads_cleanly(file, FormatChoice::AxolotlInstruct);
    }
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

/// Each file with the target it is written for (issue: "linted in its native shape with the
/// matching target"): the S, O and B errors are exactly the real defects docs/real-data.md
/// lists. The targets' role lists (S005), alternation (O006) and example counts (B001) take
/// part; so does S014, which must not fire on a file its target reads.
#[test]
fn each_file_with_its_target_has_only_its_known_errors() {
    let Some(dir) = data_dir() else { return };
    let cases: &[(&str, &str, &[&str])] = &[
        ("axolotl_mistral_example.jsonl", "axolotl", &["S005"; 10]),
        ("fastchat_dummy_conversation.jsonl", "axolotl", &[]),
        ("fastchat_dummy_conversation.jsonl", "llama-factory", &[]),
        ("gpteacher_codegen.jsonl", "llama-factory", &[]),
        ("gsm8k_test.jsonl", "axolotl", &[]),
        // LLaMA-Factory reads it once a dataset_info.json names its columns (S014 says how).
        ("gsm8k_test.jsonl", "llama-factory", &["S014"; 1319]),
        ("gpteacher_roleplay.jsonl", "llama-factory", &[]),
        ("gpteacher_toolformer.jsonl", "axolotl", &[]),
        ("llamafactory_alpaca_en_demo.jsonl", "llama-factory", &[]),
        ("llamafactory_alpaca_zh_demo.jsonl", "llama-factory", &[]),
        ("llamafactory_identity.jsonl", "llama-factory", &[]),
        ("llamafactory_dpo_en_demo.jsonl", "llama-factory", &[]),
        ("llamafactory_kto_en_demo.jsonl", "llama-factory", &[]),
        (
            "llamafactory_reason_tool_use_50.jsonl",
            "llama-factory",
            &[],
        ),
        ("llamafactory_v1_dpo_demo.jsonl", "llama-factory", &[]),
        ("llamafactory_v1_sft_demo.jsonl", "llama-factory", &[]),
        ("llmfoundry_dolly_hhrlhf_small.jsonl", "trl", &[]),
        ("mlx_lora_wikisql_train.jsonl", "trl", &[]),
        ("mlx_lora_wikisql_train.jsonl", "mistral", &[]),
        // Five examples, where OpenAI takes ten; line 4 has no user message.
        (
            "openai_cookbook_toy_chat.jsonl",
            "openai",
            &["B001", "O003"],
        ),
        ("pirate_training_set.jsonl", "openai", &[]),
        ("pirate_training_set.jsonl", "fireworks", &[]),
        ("together_rewardbench2_dpo_val.jsonl", "together", &[]),
        ("together_small_coqa_10.jsonl", "together", &[]),
    ];
    for (file, target, expected) in cases {
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(&dir)
            .args(["check", "--isolated", "--format", "json", "--exit-zero"])
            .args(["--target", target, file])
            .output()
            .expect("run tunelint");
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut errors: Vec<String> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| {
                d["level"] == "error" && d["code"].as_str().is_some_and(|c| "SOB".contains(&c[..1]))
            })
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        errors.sort();
        assert_eq!(errors, *expected, "{file} with --target {target}");
    }
}

// The LLaMA-Factory files that the trainer ships as `.json` arrays (SOURCES.md: alpaca_en_demo,
// alpaca_zh_demo, identity, dpo_en_demo, kto_en_demo; the folder holds them converted to
// JSONL), written back as the trainer writes them (`json.dump(indent=2, ensure_ascii=False)`)
// and linted as `.json`: the same format, examples and findings record by record as the
// JSONL, each finding on a line of its record, its span covering the same text.
#[test]
fn llamafactory_json_arrays_lint_like_their_jsonl() {
    let Some(dir) = data_dir() else { return };
    for (file, format) in [
        ("llamafactory_alpaca_en_demo.jsonl", FormatChoice::Alpaca),
        ("llamafactory_alpaca_zh_demo.jsonl", FormatChoice::Alpaca),
        ("llamafactory_identity.jsonl", FormatChoice::Alpaca),
        ("llamafactory_dpo_en_demo.jsonl", FormatChoice::LlamaFactory),
        ("llamafactory_kto_en_demo.jsonl", FormatChoice::LlamaFactory),
    ] {
        let jsonl =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let settings = Settings::default();
        let (plain, plain_summary) = engine::lint_bytes_as(file, jsonl.as_bytes(), &settings);
        let lines: Vec<u64> = (1..=jsonl.lines().count() as u64).collect();
        let (array, starts) = json_array::pretty_array(&jsonl, 2, "\n");
        let name = file.replace(".jsonl", ".json");
        let (found, summary) = engine::lint_bytes_as(&name, array.as_bytes(), &settings);
        assert_eq!(summary.format, Some(format), "{name}: detected format");
        assert_eq!(summary.format, plain_summary.format, "{name}");
        assert_eq!(
            summary.examples,
            starts.len() as u64,
            "{name}: every record an example"
        );
        assert_eq!(
            (summary.examples, summary.valid),
            (plain_summary.examples, plain_summary.valid),
            "{name}"
        );
        assert_eq!(
            json_array::per_record(&found, &starts),
            json_array::per_record(&plain, &lines),
            "{name}: findings per record"
        );
        for d in &found {
            let Some(shown) = json_array::span_text(&array, d) else {
                continue;
            };
            let covered = json_array::covered_by(&plain, &jsonl, d, shown);
            assert!(
                covered,
                "{name}:{}:{}: {} covers {shown:?}",
                d.location.line,
                d.location.column,
                d.code.as_str()
            );
        }
    }
}

/// Under LLaMA-Factory, which reads GSM8K's columns only once a `dataset_info.json` names them,
/// S014 says which columns to name; doing so reads every record as a prompt and a response.
#[test]
fn gsm8k_under_llama_factory_names_the_columns_that_make_it_trainable() {
    let Some(dir) = data_dir() else { return };
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(&dir)
        .args(["check", "--isolated", "--format", "concise", "--exit-zero"])
        .args(["--target", "llama-factory", "gsm8k_test.jsonl"])
        .output()
        .expect("run tunelint");
    let report = String::from_utf8(out.stdout).expect("utf-8 output");
    let hint = "S014 this record is in axolotl-instruct format, which axolotl reads; llama-factory \
                accepts llama-factory, alpaca, sharegpt and openai-chat; to train on it with \
                LLaMA-Factory, name its columns in a dataset_info.json entry: \"columns\": \
                {\"prompt\": \"question\", \"response\": \"answer\"}";
    let lines: Vec<&str> = report.lines().filter(|l| l.contains(" S014 ")).collect();
    assert_eq!(lines.len(), 1319, "{report}");
    assert!(lines.iter().all(|l| l.ends_with(hint)), "{}", lines[0]);
    // Doing what it says reads every record as a prompt and a response.
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(dir.join("gsm8k_test.jsonl")).expect("gsm8k");
    let head: String = text.lines().take(20).map(|l| format!("{l}\n")).collect();
    std::fs::write(tmp.path().join("gsm.jsonl"), head).expect("written");
    std::fs::write(
        tmp.path().join("dataset_info.json"),
        r#"{"gsm": {"file_name": "gsm.jsonl", "columns": {"prompt": "question", "response": "answer"}}}"#,
    )
    .expect("written");
    std::fs::write(
        tmp.path().join("tunelint.toml"),
        "target = \"llama-factory\"\n",
    )
    .expect("written");
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(tmp.path())
        .args(["check", "--format", "concise", "--exit-zero", "."])
        .output()
        .expect("run tunelint");
    let report = String::from_utf8(out.stdout).expect("utf-8 output");
    assert_eq!(schema_and_order(&report), Vec::<&str>::new(), "{report}");
    assert!(report.contains("in 20 examples"), "{report}");
}
