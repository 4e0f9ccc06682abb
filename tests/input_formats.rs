//! Input formats against their fixtures, `tests/fixtures/formats/<format>/`:
//! - every line of `valid.jsonl` is detected as the format (`format = "auto"`) and produces
//!   no diagnostic at all, detected or with the format set;
//! - `invalid.jsonl`, read with the format set, produces the S diagnostics listed here, one
//!   per broken record, and they are an insta snapshot (`LINE:COL: CODE message`), so a
//!   change of wording is reviewed. In CI (`CI=true`) a missing snapshot fails.
//!
//! Both run through the whole pipeline (`engine::lint_bytes`). The dataset-wide rules are off:
//! the fixtures repeat one question on purpose.

use std::collections::BTreeSet;
use std::path::Path;

use tunelint::diagnostic::Diagnostic;
use tunelint::engine;
use tunelint::rule::Level;
use tunelint::settings::{FormatChoice, Settings};

fn settings(format: FormatChoice) -> Settings {
    let mut settings = Settings {
        format,
        ..Settings::default()
    };
    for (code, _, _) in tunelint::rules::dataset_rules() {
        settings.levels[code.index()] = Level::Off;
    }
    settings
}

fn fixture(format: &str, file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(format)
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `LINE:COL: CODE message`, one per line: the concise format without the path.
fn concise(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {} {}\n",
                d.location.line,
                d.location.column,
                d.code.as_str(),
                d.message
            )
        })
        .collect()
}

fn check(name: &str, expected: &[&str]) {
    let format = FormatChoice::parse(name).expect("a format name");
    assert_eq!(format.as_str(), name);
    let valid = fixture(name, "valid.jsonl");
    for (i, line) in valid.lines().enumerate() {
        let record = format!("{line}\n");
        let (found, summary) = engine::lint_bytes(record.as_bytes(), &settings(FormatChoice::Auto));
        assert_eq!(
            summary.format,
            Some(format),
            "{name}/valid.jsonl:{}: detected as another format",
            i + 1
        );
        assert!(
            found.is_empty(),
            "{name}/valid.jsonl:{}:\n{}",
            i + 1,
            concise(&found)
        );
    }
    let (found, _) = engine::lint_bytes(valid.as_bytes(), &settings(format));
    assert!(found.is_empty(), "{name}/valid.jsonl:\n{}", concise(&found));

    let invalid = fixture(name, "invalid.jsonl");
    let (found, _) = engine::lint_bytes(invalid.as_bytes(), &settings(format));
    let report = concise(&found);
    let codes: BTreeSet<&str> = found.iter().map(|d| d.code.as_str()).collect();
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(codes, expected, "{name}/invalid.jsonl:\n{report}");
    let broken: BTreeSet<u64> = found.iter().map(|d| d.location.line).collect();
    assert_eq!(
        broken.len(),
        invalid.lines().count(),
        "{name}/invalid.jsonl: every line is broken:\n{report}"
    );
    insta::assert_snapshot!(format!("input_format_{name}"), report);
}

#[test]
fn text() {
    check("text", &["S001", "S007", "S008"]);
}

#[test]
fn alpaca_with_response() {
    check("alpaca", &["S007", "S008", "S001"]);
}

#[test]
fn prompt_completion_with_response() {
    check("prompt-completion", &["S001", "S007", "S008"]);
}

#[test]
fn trl_prompt_completion() {
    check(
        "trl-prompt-completion",
        &[
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008",
        ],
    );
}

#[test]
fn trl_preference() {
    check("trl-preference", &["S001", "S002", "S005", "S007", "S008"]);
}

#[test]
fn trl_unpaired_preference() {
    check("trl-unpaired-preference", &["S001", "S007", "S008"]);
}

#[test]
fn prompt_only() {
    check("prompt-only", &["S001", "S002", "S005", "S007"]);
}

/// Plain text is compared whole for near duplicates, whatever `[dedup] field` says (it has
/// no user turn), and the privacy rules say where they found a match: in the text.
#[test]
fn text_records_are_checked_for_duplicates_and_privacy() {
    let records = concat!(
        "{\"text\": \"The river rises in the northern hills and reaches the sea after three hundred kilometres.\"}\n",
        "{\"text\": \"The river rises in the northern hills and reaches the sea after three hundred kilometers.\"}\n",
        "{\"text\": \"Write to the river authority at office@river-authority.org for a map of the valley.\"}\n",
    );
    let (found, summary) = engine::lint_bytes(records.as_bytes(), &Settings::default());
    assert_eq!(summary.format, Some(FormatChoice::Text));
    let report = concise(&found);
    assert!(
        found.iter().any(|d| d.code.as_str() == "D002"
            && d.location.line == 2
            && d.message.contains(": text 9")),
        "{report}"
    );
    assert!(
        found.iter().any(|d| d.code.as_str() == "P001"
            && d.location.line == 3
            && d.message.contains(" in text")),
        "{report}"
    );
    assert!(
        !found.iter().any(|d| d.code.as_str().starts_with('O')),
        "{report}"
    );
}

/// A prompt set ends on the user's turn with no answer, which is right for it (no O001,
/// O002, O004); the order rules that do not ask for an answer still apply.
#[test]
fn prompts_get_only_the_order_rules_that_do_not_ask_for_an_answer() {
    let record = "{\"prompt\": [{\"role\": \"user\", \"content\": \"What is 12 times 7?\"}, {\"role\": \"system\", \"content\": \"Reason step by step.\"}]}\n";
    let (found, summary) = engine::lint_bytes(record.as_bytes(), &Settings::default());
    assert_eq!(summary.format, Some(FormatChoice::PromptOnly));
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["O005"], "{}", concise(&found));
}

/// TRL's vision datasets mark where an image of the `images` column goes with an
/// `{"type": "image"}` part: accepted in TRL's formats (in a user turn), an S012 in an answer,
/// and not a part type of OpenAI chat.
#[test]
fn trl_image_placeholders() {
    let lint = |record: &str| {
        let (found, summary) = engine::lint_bytes(
            format!("{record}\n").as_bytes(),
            &settings(FormatChoice::Auto),
        );
        (summary.format, concise(&found))
    };
    let (format, report) = lint(
        r#"{"prompt": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Which bird is this?"}]}], "completion": [{"role": "assistant", "content": "It is a European robin."}], "images": ["robin.png"]}"#,
    );
    assert_eq!(format, Some(FormatChoice::TrlPromptCompletion));
    assert_eq!(report, "");
    let (_, report) = lint(
        r#"{"prompt": [{"role": "user", "content": "Draw a robin."}], "completion": [{"role": "assistant", "content": [{"type": "image"}]}], "images": ["robin.png"]}"#,
    );
    assert!(
        report.contains("S012 image in an assistant message"),
        "{report}"
    );
    let (format, report) = lint(
        r#"{"messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Which bird is this?"}]}, {"role": "assistant", "content": "It is a European robin."}]}"#,
    );
    assert_eq!(format, Some(FormatChoice::OpenAiChat));
    assert!(
        report.contains("S007 unknown content part type \"image\""),
        "{report}"
    );
}

#[test]
fn bedrock_claude() {
    check(
        "bedrock-claude",
        &[
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "O002", "O006",
        ],
    );
}

#[test]
fn bedrock_nova() {
    check(
        "bedrock-nova",
        &[
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S010", "S011", "S012",
        ],
    );
}

#[test]
fn vertex_gemini() {
    check(
        "vertex-gemini",
        &[
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S010", "S011", "S012",
        ],
    );
}

#[test]
fn openai_rft() {
    check(
        "openai-rft",
        &[
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S010",
        ],
    );
}
