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
    for rule in tunelint::rules::dataset_rules().filter(|r| r.only_on_dataset()) {
        settings.levels[rule.code.index()] = Level::Off;
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

/// The valid files of a format: `valid.jsonl`, and `valid-*.jsonl` for records that are
/// valid but not in one dataset with the others (Bedrock Nova's videos beside its images).
fn valid_files(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.starts_with("valid-") && f.ends_with(".jsonl"))
        .collect();
    files.sort();
    files.insert(0, "valid.jsonl".to_owned());
    files
}

fn check(name: &str, expected: &[&str]) {
    let format = FormatChoice::parse(name).expect("a format name");
    assert_eq!(format.as_str(), name);
    for file in valid_files(name) {
        let valid = fixture(name, &file);
        for (i, line) in valid.lines().enumerate() {
            let record = format!("{line}\n");
            let (found, summary) =
                engine::lint_bytes(record.as_bytes(), &settings(FormatChoice::Auto));
            assert_eq!(
                summary.format,
                Some(format),
                "{name}/{file}:{}: detected as another format",
                i + 1
            );
            assert!(
                found.is_empty(),
                "{name}/{file}:{}:\n{}",
                i + 1,
                concise(&found)
            );
        }
        let (found, _) = engine::lint_bytes(valid.as_bytes(), &settings(format));
        assert!(found.is_empty(), "{name}/{file}:\n{}", concise(&found));
    }

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
fn axolotl_segments() {
    check("axolotl-segments", &["S001", "S002", "S007", "S008"]);
}

#[test]
fn axolotl_preference() {
    check(
        "axolotl-preference",
        &["S001", "S002", "S005", "S007", "S008"],
    );
}

#[test]
fn axolotl_instruct() {
    check("axolotl-instruct", &["S001", "S007", "S008"]);
}

#[test]
fn pretokenized() {
    check("pretokenized", &["S001", "S007", "S008"]);
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
/// `{"type": "image"}` part: accepted in TRL's formats (in a user turn) and, without a
/// target, in a `messages` record (TRL's conversational vision format); an S012 in an
/// answer; not a part type of OpenAI chat under OpenAI's target.
#[test]
fn trl_image_placeholders() {
    let lint_for = |record: &str, target: Option<&str>| {
        let mut settings = settings(FormatChoice::Auto);
        settings.target = target.map(|t| tunelint::target::lookup(t).expect("a target"));
        let (found, summary) = engine::lint_bytes(format!("{record}\n").as_bytes(), &settings);
        (summary.format, concise(&found))
    };
    let lint = |record: &str| lint_for(record, None);
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
    let vision = r#"{"messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Which bird is this?"}]}, {"role": "assistant", "content": "It is a European robin."}], "images": ["robin.png"]}"#;
    let (format, report) = lint(vision);
    assert_eq!(format, Some(FormatChoice::OpenAiChat));
    assert_eq!(
        report, "",
        "TRL's conversational vision record without a target"
    );
    for target in ["openai", "azure-openai", "together", "fireworks"] {
        let (_, report) = lint_for(vision, Some(target));
        assert!(
            report.contains("S007 unknown content part type \"image\""),
            "{target}: {report}"
        );
    }
    let (_, report) = lint_for(vision, Some("trl"));
    assert_eq!(report, "");
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

/// The format a one-record file is detected as, and its findings.
fn detect(record: &str) -> (Option<FormatChoice>, Vec<Diagnostic>) {
    let (found, summary) = engine::lint_bytes(
        format!("{record}\n").as_bytes(),
        &settings(FormatChoice::Auto),
    );
    (summary.format, found)
}

/// `segments` is axolotl's template-free shape only with labelled segments: a speech
/// transcript's timed pieces beside its `text` leave the record plain text.
#[test]
fn segments_without_labels_are_not_template_free() {
    let (format, _) = detect(
        r#"{"text": "Hello world, this is a transcript.", "segments": [{"start": 0.0, "end": 1.5, "text": "Hello world,"}]}"#,
    );
    assert_eq!(format, Some(FormatChoice::Text));
    let (format, found) = detect(
        r#"{"segments": [{"label": false, "text": "Question: 2+2?\n"}, {"label": true, "text": "Answer: 4."}]}"#,
    );
    assert_eq!(format, Some(FormatChoice::AxolotlSegments));
    assert!(found.is_empty(), "{found:?}");
}

/// A chat record that ends on the user's turn is a supervised example missing its answer
/// (O002), unless it carries a key for a grader: then it is a reinforcement prompt, and the
/// first record decides for the whole file (unless more of the file's first records hold
/// answers than read as prompts: see the next test).
#[test]
fn a_record_ending_on_the_user_is_rft_only_with_grader_keys() {
    let (format, found) = detect(
        r#"{"messages": [{"role": "user", "content": "What is 17 times 23?"}], "tools": []}"#,
    );
    assert_eq!(format, Some(FormatChoice::OpenAiChat));
    assert!(
        found.iter().any(|d| d.code.as_str() == "O001"),
        "{}",
        concise(&found)
    );
    let (format, found) = detect(
        r#"{"messages": [{"role": "user", "content": "What is 17 times 23?"}, {"role": "assistant", "content": "17 times 23 is 391."}, {"role": "user", "content": "And 17 times 24?"}]}"#,
    );
    assert_eq!(format, Some(FormatChoice::OpenAiChat));
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["O002"], "{}", concise(&found));

    // Answers before the last user turn: a supervised example missing its last answer, even
    // with a key beside `messages`.
    let (format, found) = detect(
        r#"{"messages": [{"role": "user", "content": "What is 17 times 23?"}, {"role": "assistant", "content": "17 times 23 is 391."}, {"role": "user", "content": "And 17 times 24?"}], "id": "math-7"}"#,
    );
    assert_eq!(format, Some(FormatChoice::OpenAiChat));
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["O002", "S008"], "{}", concise(&found));

    // A grader key, `label` among them (LLaMA-Factory's KTO records end on an answer).
    for grader in [r#""reference_answer": "391""#, r#""label": "391""#] {
        let (format, found) = detect(&format!(
            r#"{{"messages": [{{"role": "user", "content": "What is 17 times 23?"}}], {grader}}}"#
        ));
        assert_eq!(format, Some(FormatChoice::OpenAiRft), "{grader}");
        assert!(found.is_empty(), "{}", concise(&found));
    }

    // The first record decides: a later record that ends on an answer is reported in the
    // file's format, and a later record without grader keys is still a prompt.
    let file = concat!(
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 17 times 23?\"}], \"answer\": \"391\"}\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 12 times 12?\"}]}\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 9 times 9?\"}, {\"role\": \"assistant\", \"content\": \"9 times 9 is 81.\"}], \"answer\": \"81\"}\n",
    );
    let (found, summary) = engine::lint_bytes(file.as_bytes(), &settings(FormatChoice::Auto));
    assert_eq!(summary.format, Some(FormatChoice::OpenAiRft));
    assert_eq!(
        concise(&found),
        "3:75: S005 the last message is the assistant's; reinforcement fine-tuning ends on a \"user\" message (the model writes the answer, the grader scores it)\n"
    );
}

/// A supervised chat file whose first example is only a prompt (with an `id` beside it) is
/// still a chat file when most of its records hold answers: its first record gets the
/// order findings of a chat example, its answered records nothing.
#[test]
fn a_first_prompt_does_not_make_a_chat_file_rft() {
    let file = concat!(
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 17 times 23?\"}], \"id\": \"a1\"}\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 9 times 9?\"}, {\"role\": \"assistant\", \"content\": \"9 times 9 is 81.\"}], \"id\": \"a2\"}\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 12 times 12?\"}, {\"role\": \"assistant\", \"content\": \"12 times 12 is 144.\"}], \"id\": \"a3\"}\n",
    );
    let (found, summary) = engine::lint_bytes(file.as_bytes(), &settings(FormatChoice::Auto));
    assert_eq!(summary.format, Some(FormatChoice::OpenAiChat));
    let lines: Vec<u64> = found
        .iter()
        .filter(|d| d.code.as_str() != "S008")
        .map(|d| d.location.line)
        .collect();
    assert!(lines.iter().all(|&l| l == 1), "{}", concise(&found));
    assert!(
        found
            .iter()
            .any(|d| d.location.line == 1 && d.code.as_str().starts_with('O')),
        "{}",
        concise(&found)
    );
}

/// Each provider's own keys decide its format; without them the record keeps the format it
/// had before (a Bedrock Claude record without `system` is also a valid OpenAI chat record).
#[test]
fn provider_keys_decide_the_provider_formats() {
    let cases = [
        (
            r#"{"system": "Be brief.", "messages": [{"role": "user", "content": "Which planet is the largest?"}, {"role": "assistant", "content": "Jupiter is the largest planet."}]}"#,
            FormatChoice::BedrockClaude,
        ),
        (
            r#"{"messages": [{"role": "user", "content": "Which planet is the largest?"}, {"role": "assistant", "content": "Jupiter is the largest planet."}]}"#,
            FormatChoice::OpenAiChat,
        ),
        (
            r#"{"system": [{"text": "Be brief."}], "messages": [{"role": "user", "content": [{"text": "Which planet is the largest?"}]}, {"role": "assistant", "content": [{"text": "Jupiter is the largest planet."}]}]}"#,
            FormatChoice::BedrockNova,
        ),
        (
            r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Which planet is the largest?"}]}]}"#,
            FormatChoice::BedrockNova,
        ),
        (
            r#"{"contents": [{"role": "user", "parts": [{"text": "Which planet is the largest?"}]}]}"#,
            FormatChoice::VertexGemini,
        ),
        (
            r#"{"systemInstruction": {"parts": [{"text": "Be brief."}]}, "messages": [{"role": "user", "content": "Which planet is the largest?"}]}"#,
            FormatChoice::VertexGemini,
        ),
        // Bedrock's and Vertex's keys are not grader keys.
        (
            r#"{"system": "Be brief.", "messages": [{"role": "user", "content": "Which planet is the largest?"}]}"#,
            FormatChoice::BedrockClaude,
        ),
        // A trainer's key still decides first.
        (
            r#"{"system": "Be brief.", "messages": [{"role": "user", "content": "Which planet is the largest?", "train": false}, {"role": "assistant", "content": "Jupiter is the largest planet.", "train": true}]}"#,
            FormatChoice::AxolotlChat,
        ),
    ];
    for (record, format) in cases {
        assert_eq!(detect(record).0, Some(format), "{record}");
    }
}

/// A Vertex record is told about contents, parts and `model`, in Vertex's words: no schema
/// or order finding calls its turns messages or its model the assistant (outside the quoted
/// data).
#[test]
fn vertex_findings_speak_vertex_words() {
    let mut invalid = fixture("vertex-gemini", "invalid.jsonl");
    // Turns out of order: one content only, two model contents in a row, no user content.
    invalid.push_str(concat!(
        r#"{"contents": [{"role": "user", "parts": [{"text": "Which planet is the largest?"}]}]}"#,
        "\n",
        r#"{"contents": [{"role": "user", "parts": [{"text": "Which planet is the largest?"}]}, {"role": "model", "parts": [{"text": "Jupiter."}]}, {"role": "model", "parts": [{"text": "It is a gas giant."}]}]}"#,
        "\n",
        r#"{"systemInstruction": {"parts": [{"text": "Be brief."}]}, "contents": [{"role": "model", "parts": [{"text": "Jupiter is the largest planet."}]}]}"#,
        "\n",
    ));
    let (found, _) = engine::lint_bytes(invalid.as_bytes(), &settings(FormatChoice::VertexGemini));
    let order: Vec<&str> = found
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| c.starts_with('O'))
        .collect();
    for code in ["O001", "O003", "O006"] {
        assert!(order.contains(&code), "{code} in {order:?}");
    }
    for d in found
        .iter()
        .filter(|d| d.code.as_str().starts_with('S') || d.code.as_str().starts_with('O'))
    {
        // The prose of the message, without the values it quotes from the record.
        let prose: String = d
            .message
            .split('"')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !prose.contains("message") && !prose.contains("assistant"),
            "{}",
            d.message
        );
    }
}

/// `format = "..."` in tunelint.toml names each provider format, and reads a record with its
/// rules even where detection would say otherwise: a Bedrock Claude record without `system`
/// looks like OpenAI chat, whose `weight` Bedrock does not accept.
#[test]
fn config_names_the_provider_formats() {
    for name in [
        "bedrock-claude",
        "bedrock-nova",
        "vertex-gemini",
        "openai-rft",
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats")
            .join(name);
        let out = assert_cmd::Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .arg("check")
            .arg("--config")
            .arg(dir.join("tunelint.toml"))
            .args(["--format", "json", "--exit-zero"])
            .arg(dir.join("valid.jsonl"))
            .output()
            .expect("run tunelint");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
        assert_eq!(json["files"][0]["format"], name, "{json}");
    }
    let record = "{\"messages\": [{\"role\": \"user\", \"content\": \"Which planet is the largest?\"}, {\"role\": \"assistant\", \"content\": \"Jupiter is the largest planet in the solar system.\", \"weight\": 1}]}\n";
    let (found, summary) = engine::lint_bytes(record.as_bytes(), &settings(FormatChoice::Auto));
    assert_eq!(summary.format, Some(FormatChoice::OpenAiChat));
    assert!(found.is_empty(), "{}", concise(&found));
    let (found, _) = engine::lint_bytes(record.as_bytes(), &settings(FormatChoice::BedrockClaude));
    assert_eq!(
        concise(&found),
        "1:163: S008 unknown key \"weight\" in a Bedrock Claude message\n"
    );
}

/// A repeated column is read as Python reads it, the last value winning: the answer below is
/// the string, not the number (J010 says the key repeats).
#[test]
fn axolotl_instruct_reads_the_last_of_a_repeated_column() {
    let line = "{\"question\": \"What is two plus two?\", \"answer\": 4, \"answer\": \"Two plus two is four.\"}\n";
    let (found, summary) = engine::lint_bytes(line.as_bytes(), &settings(FormatChoice::Auto));
    assert_eq!(summary.format, Some(FormatChoice::AxolotlInstruct));
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["J010"], "{}", concise(&found));
}

/// A repeated answer key (J010) is read as its last value, the one every JSON loader keeps:
/// the content rules judge that value, in every format.
#[test]
fn a_repeated_answer_key_is_read_as_its_last_value() {
    let mut settings = Settings::default();
    settings.levels[tunelint::rules::Code::D001.index()] = Level::Off;
    let alpaca_short_last = r#"{"instruction": "Translate to French: good night", "input": "", "output": "Bonne nuit mon ami", "output": "x"}"#;
    let alpaca_short_first = r#"{"instruction": "Translate to French: good night", "input": "", "output": "x", "output": "Bonne nuit mon ami"}"#;
    let completion_short_first = r#"{"prompt": "Translate to French: good night", "completion": "x", "completion": "Bonne nuit mon ami"}"#;
    for (record, short) in [
        (alpaca_short_last, true),
        (alpaca_short_first, false),
        (completion_short_first, false),
    ] {
        let (found, _) = engine::lint_bytes(format!("{record}\n").as_bytes(), &settings);
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"J010"), "{record}: {}", concise(&found));
        assert!(!codes.contains(&"S008"), "{record}: {}", concise(&found));
        let c001: Vec<u32> = found
            .iter()
            .filter(|d| d.code.as_str() == "C001")
            .map(|d| d.location.column)
            .collect();
        if short {
            let at = record.rfind("\"x\"").expect("the short answer") as u32 + 1;
            assert_eq!(c001, [at], "{record}: {}", concise(&found));
        } else {
            assert!(c001.is_empty(), "{record}: {}", concise(&found));
        }
    }
}

/// TRL's tool-calling example (its dataset formats page): arguments as an object, a call
/// without an id, a tool result naming its function, `tools` with the `return` that
/// `get_json_schema` writes. What every target holds without a target (the chat template
/// takes it as written); OpenAI's rules under OpenAI's target.
#[test]
fn trl_tool_calls_without_a_target() {
    let record = r#"{"messages": [{"role": "user", "content": "Turn on the living room lights."}, {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "control_light", "arguments": {"room": "living room", "state": "on"}}}]}, {"role": "tool", "name": "control_light", "content": "The lights in the living room are now on."}, {"role": "assistant", "content": "Done, the lights are on."}], "tools": [{"type": "function", "function": {"name": "control_light", "description": "Controls the lights in a room.", "parameters": {"type": "object", "properties": {"room": {"type": "string"}, "state": {"type": "string"}}, "required": ["room", "state"]}, "return": {"type": "string"}}}]}"#;
    let lint = |target: Option<&str>| {
        let mut settings = settings(FormatChoice::Auto);
        settings.target = target.map(|t| tunelint::target::lookup(t).expect("a target"));
        let (found, _) = engine::lint_bytes(format!("{record}\n").as_bytes(), &settings);
        concise(&found)
    };
    assert_eq!(lint(None), "");
    assert_eq!(lint(Some("trl")), "");
    let openai = lint(Some("openai"));
    for expected in [
        "S010 tool call has no \"id\"",
        "S010 \"arguments\" is an object",
        "S011 tool message has no \"tool_call_id\"",
    ] {
        assert!(openai.contains(expected), "{expected}: {openai}");
    }
    // OpenAI's own preference format is read by OpenAI alone: its rules hold there.
    let dpo = r#"{"input": {"messages": [{"role": "user", "content": "Lights on?"}], "tools": []}, "preferred_output": [{"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "control_light", "arguments": {"state": "on"}}}]}], "non_preferred_output": [{"role": "assistant", "content": "No."}]}"#;
    let (found, _) =
        engine::lint_bytes(format!("{dpo}\n").as_bytes(), &settings(FormatChoice::Auto));
    assert!(
        concise(&found).contains("S010 \"arguments\" is an object"),
        "{}",
        concise(&found)
    );
}
