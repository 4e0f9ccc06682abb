//! The trainer input formats `llama-factory` and `axolotl-chat` against their fixtures,
//! `tests/fixtures/formats/<format>/`:
//! - every record of `valid.jsonl` is detected as the format on its own (LLaMA-Factory's
//!   alpaca records stay `alpaca`, which reads them, except its alpaca preference pairs), and
//!   the file gives no diagnostic at any level, detected or read as the format;
//! - `invalid.jsonl`, read as the format (the folder's `tunelint.toml`), fires every schema
//!   rule the format can raise, and its concise output is an insta snapshot;
//! - plain OpenAI chat and ShareGPT records are detected as before.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tunelint::engine;
use tunelint::rules::Code;
use tunelint::settings::{FormatChoice, Settings};

fn dir(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(format)
}

fn read(format: &str, file: &str) -> Vec<u8> {
    let path = dir(format).join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn settings(format: FormatChoice) -> Settings {
    Settings {
        format,
        ..Settings::default()
    }
}

/// The format each record of `bytes` is detected as when it is a file of its own.
fn detected(bytes: &[u8]) -> Vec<(usize, Option<FormatChoice>)> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let mut one = line.to_vec();
            one.push(b'\n');
            (
                i + 1,
                engine::lint_bytes(&one, &Settings::default()).1.format,
            )
        })
        .collect()
}

fn assert_valid(name: &str, format: FormatChoice) {
    let bytes = read(name, "valid.jsonl");
    for (line, found) in detected(&bytes) {
        let text = std::str::from_utf8(&bytes).expect("utf-8 fixture");
        let record = text.lines().nth(line - 1).unwrap_or_default();
        // Alpaca records stay alpaca, except LLaMA-Factory's preference pair (`chosen`).
        let expected = if record.starts_with("{\"instruction\"") && !record.contains("\"chosen\"") {
            FormatChoice::Alpaca
        } else {
            format
        };
        assert_eq!(found, Some(expected), "{name} valid line {line}: {record}");
    }
    for choice in [FormatChoice::Auto, format] {
        let (diags, summary) = engine::lint_bytes(&bytes, &settings(choice));
        assert!(
            diags.is_empty(),
            "{name} valid.jsonl read as {}: {:#?}",
            choice.as_str(),
            diags
                .iter()
                .map(|d| format!("{} {}", d.code.as_str(), d.message))
                .collect::<Vec<_>>()
        );
        assert_eq!(summary.valid, summary.examples);
    }
}

/// The invalid fixture read as `format`: every code in `expected` fires, and nothing but S
/// and O rules at error level.
fn assert_invalid(name: &str, format: FormatChoice, expected: &[Code]) {
    let bytes = read(name, "invalid.jsonl");
    let (diags, _) = engine::lint_bytes(&bytes, &settings(format));
    for code in expected {
        assert!(
            diags.iter().any(|d| d.code == *code),
            "{name} invalid.jsonl: no {}",
            code.as_str()
        );
    }
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    for line in 1..=lines as u64 {
        assert!(
            diags
                .iter()
                .any(|d| d.location.line == line && d.code.as_str().starts_with('S')),
            "{name} invalid.jsonl line {line} fires no schema rule"
        );
    }
}

/// The concise output of the invalid fixture, schema rules only, through the real binary.
fn concise(name: &str) -> String {
    let base = format!("tests/fixtures/formats/{name}");
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--config", &format!("{base}/tunelint.toml")])
        .args(["--format", "concise", "--select", "S"])
        .arg(format!("{base}/invalid.jsonl"))
        .output()
        .expect("run tunelint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the invalid fixture fails the gate"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn llama_factory_valid() {
    assert_valid("llama-factory", FormatChoice::LlamaFactory);
}

#[test]
fn llama_factory_invalid() {
    use Code::*;
    assert_invalid(
        "llama-factory",
        FormatChoice::LlamaFactory,
        &[
            S001, S002, S003, S004, S005, S006, S007, S008, S009, S010, S012,
        ],
    );
    insta::assert_snapshot!("llama_factory_concise", concise("llama-factory"));
}

#[test]
fn axolotl_chat_valid() {
    assert_valid("axolotl-chat", FormatChoice::AxolotlChat);
}

#[test]
fn axolotl_chat_invalid() {
    use Code::*;
    assert_invalid(
        "axolotl-chat",
        FormatChoice::AxolotlChat,
        &[
            S001, S002, S003, S004, S005, S006, S007, S008, S009, S010, S011,
        ],
    );
    insta::assert_snapshot!("axolotl_chat_concise", concise("axolotl-chat"));
}

/// `train: false` on every assistant turn leaves nothing to learn (O004), as `weight: 0`
/// does in OpenAI chat; `loss_weight: 0.0` likewise in LLaMA-Factory.
#[test]
fn untrained_turns_leave_nothing_to_learn() {
    let records: [&[u8]; 2] = [
        br#"{"messages": [{"role": "user", "content": "How do I export the audit log for last quarter?"}, {"role": "assistant", "content": "Go to Settings, Audit log, and choose Export as CSV.", "train": false}]}
"#,
        br#"{"messages": [{"role": "user", "content": [{"type": "text", "value": "How do I export the audit log for last quarter?"}], "loss_weight": 0.0}, {"role": "assistant", "content": [{"type": "text", "value": "Go to Settings, Audit log, and choose Export as CSV."}], "loss_weight": 0.0}]}
"#,
    ];
    for record in records {
        let (diags, _) = engine::lint_bytes(record, &Settings::default());
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["O004"], "{}", String::from_utf8_lossy(record));
    }
}

/// Records without a trainer's own key or value keep their format.
#[test]
fn plain_records_keep_their_format() {
    let cases: [(&[u8], FormatChoice); 4] = [
        (
            br#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi there, can you help me?"}]}, {"role": "assistant", "content": "Yes, tell me what you need.", "weight": 1}]}
"#,
            FormatChoice::OpenAiChat,
        ),
        (
            br#"{"conversations": [{"from": "human", "value": "Hi there, can you help me?"}, {"from": "gpt", "value": "Yes, tell me what you need."}]}
"#,
            FormatChoice::ShareGpt,
        ),
        (
            br#"{"instruction": "Say hello to the new team member.", "input": "", "output": "Hello and welcome to the team!", "system": "Be warm.", "history": []}
"#,
            FormatChoice::Alpaca,
        ),
        (
            br#"{"conversations": [{"from": "Customer", "value": "Who founded Apple?"}, {"from": "gpt", "value": "Steve Jobs, Steve Wozniak and Ronald Wayne."}]}
"#,
            FormatChoice::ShareGpt,
        ),
    ];
    for (record, format) in cases {
        let (_, summary) = engine::lint_bytes(record, &Settings::default());
        assert_eq!(
            summary.format,
            Some(format),
            "{}",
            String::from_utf8_lossy(record)
        );
    }
}

/// An unknown ShareGPT role stays an error (axolotl's default `roles` do not map it), and
/// the message says where axolotl maps other names.
#[test]
fn unknown_sharegpt_role_names_axolotl_roles_setting() {
    let record = br#"{"conversations": [{"from": "Customer", "value": "Who founded Apple?"}, {"from": "gpt", "value": "Steve Jobs, Steve Wozniak and Ronald Wayne."}]}
"#;
    let (diags, _) = engine::lint_bytes(record, &Settings::default());
    let s005: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::S005)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(s005.len(), 1, "{diags:#?}");
    assert!(s005[0].contains("`roles:`"), "{}", s005[0]);
}

/// One record linted with the format detected.
fn lint_auto(record: &str) -> (Vec<tunelint::diagnostic::Diagnostic>, engine::FileSummary) {
    engine::lint_bytes(
        format!("{record}\n").as_bytes(),
        &settings(FormatChoice::Auto),
    )
}

/// LLaMA-Factory's alpaca shape carries its own columns beside alpaca's (`images`, `tools`,
/// `kto_tag`, ...): such a file is LLaMA-Factory's, and the columns are checked, not S008
/// (an image is placed by an `<image>` in the text, as its multimodal templates require).
#[test]
fn llama_factory_alpaca_columns() {
    let (diags, summary) = lint_auto(
        r#"{"instruction": "<image>Describe the picture.", "input": "", "output": "A lighthouse on a rocky coast at dusk.", "images": ["lighthouse.jpg"], "kto_tag": true}"#,
    );
    assert_eq!(summary.format, Some(FormatChoice::LlamaFactory));
    assert!(diags.is_empty(), "{diags:?}");
    let (diags, _) = lint_auto(
        r#"{"instruction": "<image>Describe the picture.", "input": "", "output": "A lighthouse on a rocky coast at dusk.", "images": ["lighthouse.jpg"], "kto_tag": "yes"}"#,
    );
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::S007], "{diags:?}");
    // Without such a column the record stays plain alpaca.
    let (_, summary) = lint_auto(
        r#"{"instruction": "Describe a lighthouse.", "input": "", "output": "A tower with a light that guides ships at night."}"#,
    );
    assert_eq!(summary.format, Some(FormatChoice::Alpaca));
}

/// A LLaMA-Factory KTO record tagged `false` holds an undesirable answer, meant to be bad as a
/// preference pair's rejected answer is: the content rules leave it alone (its schema is still
/// checked), while the same answer tagged `true` is linted as any answer.
#[test]
fn an_undesirable_kto_answer_is_not_linted_for_content() {
    let lint = |record: &str| {
        lint_auto(record)
            .0
            .into_iter()
            .map(|d| d.code)
            .collect::<Vec<Code>>()
    };
    let record = |tag: &str| {
        format!(
            r#"{{"messages": [{{"role": "user", "content": "What is the capital of France?"}}, {{"role": "assistant", "content": "As an AI language model, I think it is Lyon!!"}}], {tag}}}"#
        )
    };
    for tag in [r#""label": true"#, r#""kto_tag": true"#] {
        let codes = lint(&record(tag));
        assert!(codes.contains(&Code::C005), "{tag}: {codes:?}");
    }
    for tag in [r#""label": false"#, r#""kto_tag": false"#] {
        assert_eq!(lint(&record(tag)), Vec::<Code>::new(), "{tag}");
    }
    // Its schema still is: a role no trainer reads.
    let broken = record(r#""label": false"#).replace(r#""role": "assistant""#, r#""role": "bot""#);
    assert_eq!(lint(&broken), vec![Code::S005]);
}
