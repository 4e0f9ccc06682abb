//! Real datasets from public fine-tuning repositories (`../shared/datasets/chat`, outside this
//! repository): tunelint must lint every one of them without an error exit or a crash, and
//! report the real defects they contain. Each pinned defect is first checked in the data
//! itself (with serde_json), so the test says why the finding is right.
//!
//! When the folder is absent (a checkout without the shared data) the tests pass with a note.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; skipping the real-data tests",
            dir.display()
        );
        None
    }
}

/// Runs `tunelint --format concise` on one dataset from inside its folder, so paths show as
/// bare file names. Returns the exit status and stdout.
fn lint(dir: &Path, file: &str) -> (i32, String) {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir)
        .args(["--isolated", "--format", "concise", file])
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("{file}: killed by a signal; stderr: {stderr}"));
    assert!(!stderr.contains("panicked"), "{file}: {stderr}");
    (code, String::from_utf8(out.stdout).expect("utf-8 output"))
}

/// Line `n` (1-based) of a dataset, parsed.
fn record(dir: &Path, file: &str, n: usize) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).expect("read dataset");
    let line = text.lines().nth(n - 1).expect("line exists");
    serde_json::from_str(line).expect("the line is valid JSON")
}

fn messages(record: &Value) -> &Vec<Value> {
    record["messages"].as_array().expect("messages array")
}

fn roles(record: &Value) -> Vec<&str> {
    messages(record)
        .iter()
        .map(|m| m["role"].as_str().expect("string role"))
        .collect()
}

/// The diagnostics of `code` on `line`, as `COL: message`.
fn findings(stdout: &str, file: &str, line: usize, code: &str) -> Vec<String> {
    let prefix = format!("{file}:{line}:");
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| {
            let (col, tail) = rest.split_once(": ")?;
            let msg = tail.strip_prefix(code)?.strip_prefix(' ')?;
            Some(format!("{col}: {msg}"))
        })
        .collect()
}

#[test]
fn every_dataset_lints_without_an_error_exit() {
    let Some(dir) = data_dir() else { return };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("list datasets")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        let (code, stdout) = lint(&dir, file);
        assert!(code == 0 || code == 1, "{file}: exit {code}\n{stdout}");
        let summary = stdout
            .lines()
            .rev()
            .find(|l| l.contains(" examples of 1 file"))
            .unwrap_or_else(|| panic!("{file}: no summary"));
        let lines = std::fs::read_to_string(dir.join(file))
            .expect("read")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        // The summary writes counts with thousands separators: 7,473 examples.
        let digits = lines.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let examples = if lines == 1 {
            "1 example".to_owned()
        } else {
            format!("{grouped} examples")
        };
        assert!(
            summary.contains(&format!(" in {examples} of 1 file")),
            "{file}: every line is an example: {summary}"
        );
    }
}

#[test]
fn openai_cookbook_toy_chat_has_no_user_turn_and_a_huge_answer() {
    let Some(dir) = data_dir() else { return };
    let file = "openai_cookbook_toy_chat.jsonl";
    let (code, stdout) = lint(&dir, file);
    assert_eq!(code, 1, "{stdout}");
    // Line 4: a system prompt and an assistant turn answering nobody.
    assert_eq!(roles(&record(&dir, file, 4)), ["system", "assistant"]);
    assert_eq!(findings(&stdout, file, 4, "O003").len(), 1, "{stdout}");
    // Line 5: "Eat a banana!" repeated 2,000 times.
    let line5 = record(&dir, file, 5);
    let answer = messages(&line5)[2]["content"].as_str().expect("content");
    assert_eq!(answer.chars().count(), 26_000);
    let c002 = findings(&stdout, file, 5, "C002");
    assert_eq!(c002.len(), 1, "{stdout}");
    assert!(
        c002[0].ends_with("assistant content is 26,000 characters, over the maximum of 10,000"),
        "{c002:?}"
    );
    assert!(stdout.contains("valid examples 80.0% (4 of 5)"), "{stdout}");
}

#[test]
fn axolotl_example_uses_a_customer_role() {
    let Some(dir) = data_dir() else { return };
    let file = "axolotl_mistral_example.jsonl";
    let (code, stdout) = lint(&dir, file);
    assert_eq!(code, 1);
    for n in 1..=10 {
        assert_eq!(roles(&record(&dir, file, n))[0], "Customer", "line {n}");
        let s005 = findings(&stdout, file, n, "S005");
        assert_eq!(s005.len(), 1, "line {n}: {stdout}");
        assert!(
            s005[0].starts_with("24: unknown role \"Customer\""),
            "{s005:?}"
        );
        assert!(s005[0].contains("did you mean \"user\"?"), "{s005:?}");
    }
    assert!(stdout.contains("valid examples 0.0% (0 of 10)"), "{stdout}");
}

/// The tool-call ids of the assistant messages, and the ids the tool messages answer.
fn calls_and_answers(record: &Value) -> (Vec<String>, Vec<String>) {
    let (mut calls, mut answers) = (Vec::new(), Vec::new());
    for m in messages(record) {
        for c in m["tool_calls"].as_array().into_iter().flatten() {
            calls.push(c["id"].as_str().expect("id").to_owned());
        }
        if let Some(id) = m["tool_call_id"].as_str() {
            answers.push(id.to_owned());
        }
    }
    (calls, answers)
}

#[test]
fn reason_tool_use_packs_several_results_into_one_tool_message() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_reason_tool_use_50.jsonl";
    let (code, stdout) = lint(&dir, file);
    assert_eq!(code, 1);
    // Line 3: two assistant turns call call_1..call_2 and call_3..call_5, but the converter
    // wrote one tool message per turn (call_1, call_2), holding all of that turn's results.
    let line3 = record(&dir, file, 3);
    let (calls, answers) = calls_and_answers(&line3);
    assert_eq!(calls, ["call_1", "call_2", "call_3", "call_4", "call_5"]);
    assert_eq!(answers, ["call_1", "call_2"]);
    let packed = messages(&line3)
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("tool message");
    let results: Vec<Value> =
        serde_json::from_str(packed["content"].as_str().expect("content")).expect("a JSON list");
    assert_eq!(
        results.len(),
        2,
        "both results of the first turn in one message"
    );
    let s011: Vec<String> = findings(&stdout, file, 3, "S011")
        .iter()
        .map(|f| f.split_once(": ").expect("col").1.to_owned())
        .collect();
    assert_eq!(
        s011,
        [3, 4, 5].map(|i| format!("tool call \"call_{i}\" is never answered by a tool message")),
        "{stdout}"
    );
    // Line 35 has the same defect with two calls.
    assert_eq!(findings(&stdout, file, 35, "S011").len(), 2, "{stdout}");
}

#[test]
fn reason_tool_use_puts_required_outside_the_parameters() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_reason_tool_use_50.jsonl";
    let (_, stdout) = lint(&dir, file);
    // Line 1: `"required"` is a key of the function, beside `parameters` instead of inside it,
    // so the JSON schema never says the arguments are required.
    let line1 = record(&dir, file, 1);
    let tools = line1["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 3);
    for tool in tools {
        let function = &tool["function"];
        assert!(function.get("required").is_some(), "{function}");
        assert!(
            function["parameters"].get("required").is_none(),
            "{function}"
        );
    }
    let s008 = findings(&stdout, file, 1, "S008");
    let required: Vec<&String> = s008
        .iter()
        .filter(|f| f.contains("unknown key \"required\" in a function definition"))
        .collect();
    assert_eq!(required.len(), 3, "{s008:?}");
    // The first one at its real column.
    let text = std::fs::read_to_string(dir.join(file)).expect("read");
    let first_line = text.lines().next().expect("line 1");
    let at = first_line.find("\"required\"").expect("key");
    assert_eq!(
        required[0],
        &format!(
            "{}: unknown key \"required\" in a function definition",
            first_line[..at].chars().count() + 1
        )
    );
}

#[test]
fn rewardbench_has_bare_refusals() {
    let Some(dir) = data_dir() else { return };
    let file = "together_rewardbench2_dpo_val.jsonl";
    let (code, stdout) = lint(&dir, file);
    // No errors: the one failing gate is duplicates (the file repeats examples exactly).
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("gate failed: duplicates"), "{stdout}");
    assert!(!stdout.contains("gate failed: valid"), "{stdout}");
    assert!(
        stdout.contains(" D001 exact duplicate of the example at line "),
        "{stdout}"
    );
    // Line 12: a refusal and nothing else; no alternative is offered.
    let line12 = record(&dir, file, 12);
    assert_eq!(
        messages(&line12)[1]["content"],
        "I'm sorry, but I can't assist with that request."
    );
    assert_eq!(findings(&stdout, file, 12, "C004").len(), 1, "{stdout}");
}

/// CoQA asks "Where was it located?" of Buda, then of Pest: the same follow-up about a new
/// referent, answered differently, is no copy-paste bug.
#[test]
fn coqa_asks_the_same_question_of_a_new_referent_which_is_no_repeat() {
    let Some(dir) = data_dir() else { return };
    let file = "together_small_coqa_10.jsonl";
    let (_, stdout) = lint(&dir, file);
    let line6 = record(&dir, file, 6);
    let m = messages(&line6);
    assert_eq!(
        (&m[7]["role"], &m[11]["role"]),
        (&Value::from("user"), &Value::from("user"))
    );
    assert_eq!(m[7]["content"], "Where was it located?");
    assert_eq!(m[11]["content"], m[7]["content"]);
    assert_eq!(
        (&m[8]["role"], &m[12]["role"]),
        (&Value::from("assistant"), &Value::from("assistant"))
    );
    assert_ne!(m[8]["content"], m[12]["content"]);
    assert_eq!(
        findings(&stdout, file, 6, "C006"),
        Vec::<String>::new(),
        "{stdout}"
    );
}

#[test]
fn kto_demo_repeats_continue_which_is_no_finding_and_its_label_is_known() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_kto_en_demo.jsonl";
    let (_, stdout) = lint(&dir, file);
    // Line 60: the user says "continue" three times.
    let line60 = record(&dir, file, 60);
    let m = messages(&line60);
    for i in [2, 6, 8] {
        assert_eq!(m[i]["content"], "continue", "message {}", i + 1);
    }
    // A short conversational turn typed again is no copy-paste bug.
    let c006 = findings(&stdout, file, 60, "C006");
    assert!(c006.is_empty(), "{c006:?}");
    // Every record has KTO's top-level "label": LLaMA-Factory's KTO tag, so the file is
    // read as llama-factory and the label is no unknown key.
    assert!(record(&dir, file, 1)["label"].is_boolean());
    assert!(!stdout.contains(" S008 "), "{stdout}");
}

#[test]
fn vicuna_dummy_data_describes_the_model() {
    let Some(dir) = data_dir() else { return };
    let file = "fastchat_dummy_conversation.jsonl";
    let (_, stdout) = lint(&dir, file);
    let line4 = record(&dir, file, 4);
    let answer = messages(&line4)[1]["content"].as_str().expect("content");
    assert!(
        answer.starts_with("As a language model, I go by the name Vicuna"),
        "{answer}"
    );
    let c005 = findings(&stdout, file, 4, "C005");
    assert_eq!(c005.len(), 1, "{stdout}");
    assert!(
        c005[0].contains("assistant opens with \"As a language model\""),
        "{c005:?}"
    );
}

#[test]
fn identity_dataset_greets_with_two_characters() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_identity.jsonl";
    let (_, stdout) = lint(&dir, file);
    let line1 = record(&dir, file, 1);
    assert_eq!(messages(&line1)[0]["content"], "hi");
    assert_eq!(
        findings(&stdout, file, 1, "C001"),
        ["43: user content is 2 characters, under the minimum of 10"],
        "{stdout}"
    );
}

/// "I can't help but …" is an idiom, not a refusal: these role-play answers refuse nothing.
#[test]
fn cannot_help_but_is_not_a_refusal() {
    let Some(dir) = data_dir() else { return };
    let mut linted: Vec<(&str, String)> = Vec::new();
    for (file, line, phrase) in [
        ("gpteacher_roleplay.jsonl", 118, "I cannot help but reflect"),
        (
            "gpteacher_roleplay.jsonl",
            1179,
            "can't help but feel a connection",
        ),
        (
            "gpteacher_roleplay.jsonl",
            1507,
            "can't help but feel intrigued",
        ),
        (
            "self_instruct_seed_tasks.jsonl",
            50,
            "I can't help but be drawn to her",
        ),
    ] {
        let r = record(&dir, file, line);
        let answer = messages(&r).last().expect("messages")["content"]
            .as_str()
            .expect("content")
            .to_owned();
        assert!(answer.contains(phrase), "{file}:{line}: {answer}");
        if linted.last().is_none_or(|(f, _)| *f != file) {
            linted.push((file, lint(&dir, file).1));
        }
        let stdout = &linted.last().expect("linted").1;
        assert_eq!(
            findings(stdout, file, line, "C004"),
            Vec::<String>::new(),
            "{file}:{line}: {phrase:?} is not a refusal"
        );
    }
}

/// The examples (line numbers) with at least one finding of `code`.
fn lines_with(stdout: &str, file: &str, code: &str) -> std::collections::BTreeSet<usize> {
    let marker = format!(" {code} ");
    stdout
        .lines()
        .filter(|l| l.starts_with(&format!("{file}:")) && l.contains(&marker))
        .filter_map(|l| l.split(':').nth(1)?.parse().ok())
        .collect()
}

/// The noise budget of the content and privacy rules (docs/real-data.md): GSM8K is clean by
/// most measures, so each rule may fire on under 0.5% of its examples. The five C008
/// findings are real: a full stop in the middle of a sentence, then a lowercase word.
#[test]
fn gsm8k_stays_within_the_noise_budget_of_the_text_rules() {
    let Some(dir) = data_dir() else { return };
    let file = "gsm8k_train.jsonl";
    let (_, stdout) = lint(&dir, file);
    let examples = 7473;
    for code in [
        "C007", "C008", "C009", "C010", "C011", "P001", "P002", "P003", "P004", "P005", "P006",
        "T001",
    ] {
        let hits = lines_with(&stdout, file, code).len();
        assert!(
            hits * 200 < examples,
            "{code} fires on {hits} of {examples}"
        );
    }
    assert_eq!(lines_with(&stdout, file, "C008").len(), 5, "{stdout}");
    let answer = messages(&record(&dir, file, 468))[1]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(
        answer.contains("adding 4-1=3 miles. to his journey"),
        "{answer}"
    );
    assert!(
        findings(&stdout, file, 468, "C008")
            .iter()
            .any(|f| f.contains("a sentence starts in lowercase (\"to\")")),
        "{stdout}"
    );
}

/// LLaMA-Factory's identity set is a template: `{{name}}` and `{{author}}` are meant to be
/// filled in before training, and 85 of its 91 answers still hold them.
#[test]
fn identity_dataset_ships_its_template_unrendered() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_identity.jsonl";
    let (_, stdout) = lint(&dir, file);
    let answer = messages(&record(&dir, file, 1))[1]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(answer.contains("I am {{name}}, an AI assistant developed by {{author}}"));
    let c007 = findings(&stdout, file, 1, "C007");
    assert_eq!(c007.len(), 1, "{stdout}");
    assert!(
        c007[0].ends_with(
            "placeholder \"{{name}}\" in assistant content; render the template before exporting the data"
        ),
        "{c007:?}"
    );
    assert_eq!(lines_with(&stdout, file, "C007").len(), 85, "{stdout}");
}

/// Every prompt of the Dolly HH-RLHF sample has the Alpaca template baked in, so a chat
/// template would wrap a second template around it.
#[test]
fn dolly_bakes_the_alpaca_prompt_into_every_user_message() {
    let Some(dir) = data_dir() else { return };
    let file = "llmfoundry_dolly_hhrlhf_small.jsonl";
    let (_, stdout) = lint(&dir, file);
    let prompt = messages(&record(&dir, file, 1))[0]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(prompt.contains("\n\n### Instruction:\n"), "{prompt}");
    assert_eq!(lines_with(&stdout, file, "C010").len(), 1000, "{stdout}");
    assert!(
        findings(&stdout, file, 1, "C010")[0]
            .ends_with("chat-template token \"### Instruction:\" inside user content; remove it, the chat template adds its own"),
        "{stdout}"
    );
}

/// KTO demo answers that go on past their end: a leaked `</s>` stop token, a `<|user|>`
/// token and a made-up next user turn.
#[test]
fn kto_answers_leak_stop_tokens_and_user_turns() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_kto_en_demo.jsonl";
    let (_, stdout) = lint(&dir, file);
    for (line, token, message) in [
        (
            140,
            "</s>",
            "chat-template token \"</s>\" inside assistant content",
        ),
        (
            258,
            "<|user|>",
            "chat-template token \"<|user|>\" inside assistant content",
        ),
        (
            99,
            "\nUser: ",
            "line starts with \"User:\" inside assistant content",
        ),
    ] {
        let r = record(&dir, file, line);
        let answer = messages(&r)
            .iter()
            .rev()
            .find(|m| m["role"] == "assistant")
            .and_then(|m| m["content"].as_str())
            .expect("an assistant answer");
        assert!(answer.contains(token), "line {line}: {answer}");
        let c010 = findings(&stdout, file, line, "C010");
        assert_eq!(c010.len(), 1, "line {line}: {stdout}");
        assert!(c010[0].contains(message), "line {line}: {c010:?}");
    }
    assert_eq!(lines_with(&stdout, file, "C010").len(), 3, "{stdout}");
}

/// A LaTeX `\frac` written into JSON without doubling its backslash decodes as a form feed
/// and "rac".
#[test]
fn dpo_demo_has_a_latex_backslash_lost_to_json_escaping() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_dpo_en_demo.jsonl";
    let (_, stdout) = lint(&dir, file);
    let prompt = messages(&record(&dir, file, 287))[0]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(prompt.contains("\u{c}rac{y - 19}{x}"), "{prompt}");
    assert_eq!(
        findings(&stdout, file, 287, "C011")
            .iter()
            .map(|f| f.split_once(": ").expect("col").1)
            .collect::<Vec<_>>(),
        [
            "control character U+000C before \"rac\" in user content; a backslash sequence such as \"\\frac\" was written to JSON without doubling the backslash"
        ],
        "{stdout}"
    );
}

/// The OpenAI cookbook's toy chat set holds one long document to summarise: 8,031 tokens
/// (o200k_base), under T001's default limit but over an older model's 4,096-token context.
#[test]
fn a_stricter_token_limit_finds_the_long_document() {
    let Some(dir) = data_dir() else { return };
    let file = "openai_cookbook_toy_chat.jsonl";
    let (_, stdout) = lint(&dir, file);
    assert!(lines_with(&stdout, file, "T001").is_empty(), "{stdout}");
    let config = tempfile::NamedTempFile::new().expect("temp config");
    std::fs::write(config.path(), "[tokens]\nmax_per_example = 4096\n").expect("write");
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(&dir)
        .args(["--format", "concise", "--select", "T001", "--config"])
        .arg(config.path())
        .arg(file)
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let hits = lines_with(&stdout, file, "T001");
    assert_eq!(hits.len(), 1, "{stdout}");
    assert!(
        findings(&stdout, file, 5, "T001")
            .iter()
            .any(|f| f.contains("example has 8,031 tokens (o200k_base), over the limit of 4,096")),
        "{stdout}"
    );
    let text: usize = messages(&record(&dir, file, 5))
        .iter()
        .map(|m| m["content"].as_str().map_or(0, str::len))
        .sum();
    assert!(text > 4096 * 3, "a long document ({text} bytes)");
}

/// An exporter that appends GPT-2's `<|endoftext|>` to every answer leaks it into the text.
/// Many Alpaca answers end with a quotation ("...a Healthy and Nutritious Meal\""); the token
/// right after the closing mark is a leak like any other, not a quoted example.
#[test]
fn a_token_after_a_closing_quotation_mark_is_a_leak() {
    let Some(dir) = data_dir() else { return };
    let file = "llamafactory_alpaca_en_demo.jsonl";
    let text = std::fs::read_to_string(dir.join(file)).expect("read dataset");
    let mut quoted_ends = Vec::new();
    let mut leaked = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut record: Value = serde_json::from_str(line).expect("the line is valid JSON");
        for m in record["messages"].as_array_mut().expect("messages array") {
            if m["role"] != "assistant" {
                continue;
            }
            let answer = m["content"].as_str().expect("string content").to_owned();
            if answer.ends_with(['"', '\u{201D}', '\'']) {
                quoted_ends.push(i + 1);
            }
            m["content"] = Value::String(answer + "<|endoftext|>");
        }
        leaked.push_str(&record.to_string());
        leaked.push('\n');
    }
    assert!(quoted_ends.len() >= 50, "{quoted_ends:?}");
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .args(["--isolated", "--format", "concise", "--select", "C010", "-"])
        .write_stdin(leaked)
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let reported: std::collections::BTreeSet<usize> = stdout
        .lines()
        .filter(|l| l.contains(" C010 chat-template token \"<|endoftext|>\" inside assistant"))
        .filter_map(|l| l.split(':').nth(1)?.parse().ok())
        .collect();
    let missed: Vec<usize> = quoted_ends
        .iter()
        .copied()
        .filter(|n| !reported.contains(n))
        .collect();
    assert!(
        missed.is_empty(),
        "not reported: lines {missed:?}\n{stdout}"
    );
}
