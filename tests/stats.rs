//! `tunelint stats`: every section of the report (composition against the target, token and
//! character histograms per role, turns per example, role sequences, system-prompt variants,
//! duplicate clusters, Unicode scripts, findings by rule) on fixtures and on a real dataset,
//! in `full`, `json` and `markdown`; the Mermaid charts of `markdown` parsed by Mermaid
//! itself (`.ci/mermaid.sh` installs it; without it these tests pass with a note, and fail
//! under CI=true).
//!
//! Fixtures, in `tests/fixtures/stats/`:
//! - `mixed.jsonl`: every section fires: common, clarification and refusal answers, two
//!   system prompts (one holding an API key, which must be masked), examples without one,
//!   Latin, Cyrillic, Han and kana text, multi-turn examples, a record three times and one
//!   twice, and a line that is not JSON (a finding of J001);
//! - `plain.jsonl`: the optional sections stay out: no duplicate, no system prompt, no
//!   finding, one script.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/charts.rs"]
mod charts;
use charts::bars;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Runs tunelint from `dir` (paths in the output stay short and stable).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .expect("run tunelint")
}

/// `stats` on a fixture: exit status 0 (a report never fails), nothing on stderr.
fn stats(fixture: &str, args: &[&str]) -> String {
    let mut all = vec!["stats", "--isolated", "--color", "never"];
    all.extend_from_slice(args);
    all.push(fixture);
    let out = run_in(&root().join("tests/fixtures/stats"), &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("json output")
}

/// `stats --format json` of a file made of `lines`.
fn stats_json_of(lines: &[String]) -> Value {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("data.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = run_in(
        dir.path(),
        &["stats", "--isolated", "--format", "json", "data.jsonl"],
    );
    assert_eq!(out.status.code(), Some(0));
    json(&String::from_utf8(out.stdout).unwrap())
}

fn chart<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    doc["summary"]["charts"]
        .as_array()?
        .iter()
        .find(|c| c["id"] == id)
}

fn table<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    doc["summary"]["tables"]
        .as_array()?
        .iter()
        .find(|t| t["id"] == id)
}

fn sum(chart: &Value) -> f64 {
    bars(chart).iter().map(|(_, v)| v).sum()
}

#[test]
fn every_section_on_the_mixed_fixture_in_json() {
    let doc = json(&stats("mixed.jsonl", &["--format", "json"]));

    // 10 records parse; the 11th line is not JSON.
    let composition = chart(&doc, "composition").expect("composition chart");
    let shares: Vec<(String, f64, f64)> = composition["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_string(),
                b["value"].as_f64().unwrap(),
                b["target"].as_f64().unwrap(),
            )
        })
        .collect();
    let labels: Vec<&str> = shares.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(labels, ["common", "edge", "clarification", "refusal"]);
    let targets: Vec<f64> = shares.iter().map(|s| s.2).collect();
    assert_eq!(targets, [60.0, 20.0, 10.0, 10.0]);
    assert!((shares.iter().map(|s| s.1).sum::<f64>() - 100.0).abs() < 0.5);
    // Nine are sorted: the Japanese answer is in a script the English phrases cannot read.
    assert_eq!(
        composition["title"],
        "Composition against the target (9 examples classified, 1 answered in a script other than Latin, not sorted)"
    );
    assert_eq!(shares[2].1, 11.1, "one clarification in nine: {shares:?}");
    assert_eq!(shares[3].1, 11.1, "one refusal in nine: {shares:?}");

    // Characters per message, by role: 8 system prompts, 13 user and 13 assistant turns.
    assert_eq!(sum(chart(&doc, "chars-system").expect("system")), 8.0);
    assert_eq!(sum(chart(&doc, "chars-user").expect("user")), 13.0);
    assert_eq!(
        sum(chart(&doc, "chars-assistant").expect("assistant")),
        13.0
    );
    assert!(chart(&doc, "chars-tool").is_none(), "no tool message");

    // Tokens: `stats` counts them, per example and per role.
    let per_example = chart(&doc, "tokens-per-example").expect("tokens per example");
    assert_eq!(sum(per_example), 10.0);
    assert_eq!(sum(chart(&doc, "tokens-user").expect("user tokens")), 13.0);

    // Turns: eight single exchanges, one of four turns, one of six.
    let turns = bars(chart(&doc, "turns").expect("turns"));
    assert_eq!(
        turns,
        [
            ("2".to_string(), 8.0),
            ("3".to_string(), 0.0),
            ("4".to_string(), 1.0),
            ("5".to_string(), 0.0),
            ("6".to_string(), 1.0)
        ]
    );

    // Scripts, most letters first.
    let scripts: Vec<String> = bars(chart(&doc, "scripts").expect("scripts"))
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(scripts[0], "Latin");
    for s in ["Cyrillic", "Han", "Hiragana"] {
        assert!(scripts.iter().any(|x| x == s), "{s} in {scripts:?}");
    }

    // Role sequences.
    let sequences = table(&doc, "role-sequences").expect("role sequences");
    let rows = sequences["rows"].as_array().unwrap();
    assert_eq!(rows[0][0], "system, user, assistant");
    assert_eq!(rows[0][1], "8");
    assert_eq!(rows[0][3], "mixed.jsonl:1");
    assert!(
        rows.iter().any(|r| r[0] == "(user, assistant) ×3"),
        "{rows:?}"
    );

    // System prompts: quoted, cropped, the key masked; examples without one counted.
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    let rows = prompts["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][1], "7");
    assert!(
        rows[0][0]
            .as_str()
            .unwrap()
            .starts_with("\"You are a helpful")
    );
    assert!(rows[0][0].as_str().unwrap().contains("(102 chars)"));
    let pirate = rows[1][0].as_str().unwrap();
    assert!(pirate.starts_with("\"sk-p"), "{pirate}");
    assert!(!pirate.contains("abcdefgh"), "the key is masked: {pirate}");
    assert_eq!(rows[1][3], "mixed.jsonl:7");
    assert_eq!(rows[2][0], "(none)");
    assert_eq!(rows[2][1], "2");
    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains("abcdefghijklmnop"), "no key anywhere");

    // Duplicate clusters: line 1 three times, line 2 twice.
    let clusters = table(&doc, "duplicate-clusters").expect("duplicate clusters");
    assert_eq!(
        clusters["rows"],
        serde_json::json!([["3", "mixed.jsonl:1, 5, 6"], ["2", "mixed.jsonl:2, 10"]])
    );

    // Findings by rule: the broken line.
    let findings = table(&doc, "findings-by-rule").expect("findings by rule");
    assert!(
        findings["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r[0] == "J001"),
        "{findings}"
    );
}

#[test]
fn optional_sections_stay_out_when_there_is_nothing_to_show() {
    let doc = json(&stats("plain.jsonl", &["--format", "json"]));
    assert!(table(&doc, "duplicate-clusters").is_none());
    assert!(table(&doc, "findings-by-rule").is_none());
    assert!(chart(&doc, "chars-system").is_none());
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    assert_eq!(
        prompts["rows"],
        serde_json::json!([["(none)", "3", "100.0%", ""]])
    );
    assert_eq!(
        bars(chart(&doc, "scripts").expect("scripts"))
            .into_iter()
            .map(|(l, _)| l)
            .collect::<Vec<_>>(),
        ["Latin"]
    );
    // `check` draws only the verdict's composition (tokens need --token-stats), no table.
    let out = run_in(
        &root().join("tests/fixtures/stats"),
        &["check", "--isolated", "--format", "json", "plain.jsonl"],
    );
    let doc = json(&String::from_utf8(out.stdout).unwrap());
    let ids: Vec<&str> = doc["summary"]["charts"]
        .as_array()
        .expect("charts")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["composition"], "{}", doc["summary"]);
    assert!(doc["summary"].get("tables").is_none(), "{}", doc["summary"]);
}

/// A system prompt repeated from record to record (the usual dataset) is counted once and
/// its figures reused: every record must still count, whether the prompt comes back after
/// another, or as content parts that join to the same text.
#[test]
fn repeated_system_prompts_count_in_every_record() {
    let a = "Ты помощник. Answer briefly.";
    let b = "You are a terse assistant for Lumen Home, and you answer in one short line.";
    let record = |system: serde_json::Value, n: usize| {
        serde_json::json!({"messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": format!("Question number {n}?")},
            {"role": "assistant", "content": format!("Answer number {n}.")},
        ]})
        .to_string()
    };
    let parts = serde_json::json!([
        {"type": "text", "text": "Ты помощник. "},
        {"type": "text", "text": "Answer briefly."},
    ]);
    let lines = [
        record(a.into(), 1),
        record(a.into(), 2),
        record(b.into(), 3),
        record(a.into(), 4),
        record(parts, 5),
        record(b.into(), 6),
    ];
    let doc = stats_json_of(&lines);
    let letters = |text: &str, cyrillic: bool| {
        text.chars()
            .filter(|c| c.is_alphabetic() && (('\u{400}'..='\u{4FF}').contains(c) == cyrillic))
            .count() as f64
    };
    let others: String = (1..=6)
        .map(|n| format!("Question number {n}?Answer number {n}."))
        .collect();
    let expected = vec![
        (
            "Latin".to_string(),
            4.0 * letters(a, false) + 2.0 * letters(b, false) + letters(&others, false),
        ),
        ("Cyrillic".to_string(), 4.0 * letters(a, true)),
    ];
    assert_eq!(bars(chart(&doc, "scripts").expect("scripts")), expected);
    // Four prompts of 28 characters, two of 76.
    assert_eq!(
        bars(chart(&doc, "chars-system").expect("system characters")),
        [("1–49".to_string(), 4.0), ("50–99".to_string(), 2.0)]
    );
    let tokens = chart(&doc, "tokens-system").expect("system tokens");
    assert_eq!(sum(tokens), 6.0, "{tokens}");
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    let counts: Vec<&str> = prompts["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[1].as_str().unwrap())
        .collect();
    assert_eq!(counts, ["4", "2"], "{prompts}");
}

/// Past the variants `stats` tells apart, the title says the count is a floor rather than
/// giving a wrong number of distinct prompts.
#[test]
fn more_system_prompts_than_are_told_apart_are_said_so() {
    let lines = numbered_prompts(0..10_005);
    let doc = stats_json_of(&lines);
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    assert_eq!(
        prompts["title"],
        "System-prompt variants (more than 10,000 distinct: the first 10,000 met are told apart, the rest counted together)"
    );
}

/// A prompt met first keeps its count however many others a later chunk of small records
/// brings: each chunk stopped telling variants apart at 10,000 of its own, so the records of
/// the first prompt in a chunk past that were counted with "the rest" (22 of 1,251).
#[test]
fn the_first_prompts_met_keep_their_count_past_a_chunk_of_many() {
    let record = |system: &str| {
        serde_json::json!({"instruction": "q", "output": "a", "system": system}).to_string()
    };
    let mut lines = vec![record("PZERO")];
    for i in 0..60_000 {
        lines.push(record(&format!("{i:06}")));
        if (35_000..40_000).contains(&i) && i % 4 == 0 {
            lines.push(record("PZERO"));
        }
    }
    let doc = stats_json_of(&lines);
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    let first = &prompts["rows"][0];
    assert!(first[0].as_str().unwrap().contains("PZERO"), "{first}");
    assert_eq!(first[1], "1,251", "{first}");
}

/// Duplicate clusters are counted within a dataset, as D001 compares records: two unrelated
/// datasets that share a record have no cluster; a file that repeats one has.
#[test]
fn duplicate_clusters_are_within_a_dataset_as_d001_finds_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let record = r#"{"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}]}"#;
    for folder in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::write(
            dir.path().join(folder).join("data.jsonl"),
            format!("{record}\n"),
        )
        .unwrap();
    }
    let clusters = |doc: &Value| table(doc, "duplicate-clusters").map(|t| t["title"].clone());
    let out = run_in(
        dir.path(),
        &["stats", "--isolated", "--format", "json", "a", "b"],
    );
    let doc = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(clusters(&doc), None, "{doc}");
    std::fs::write(
        dir.path().join("a/data.jsonl"),
        format!("{record}\n{record}\n"),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["stats", "--isolated", "--format", "json", "a", "b"],
    );
    let doc = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        clusters(&doc),
        Some("Largest exact-duplicate clusters (1 cluster, 1 redundant copy)".into()),
        "{doc}"
    );
}

/// An undesirable (KTO `false`) answer is set aside from the content rules but trained on:
/// its example has two turns and its answer counts like the other.
#[test]
fn an_undesirable_answer_counts_in_the_figures() {
    let record = |question: &str, answer: &str, label: bool| {
        serde_json::json!({"messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer},
        ], "label": label})
        .to_string()
    };
    let lines = [
        record(
            "What is the boiling point of water?",
            "It boils at 100 degrees Celsius at sea level.",
            true,
        ),
        record(
            "What is the freezing point of water?",
            "Water freezes at 50 degrees, which is wrong on purpose.",
            false,
        ),
    ];
    let doc = stats_json_of(&lines);
    assert_eq!(
        bars(chart(&doc, "turns").expect("turns")),
        [("2".to_string(), 2.0)]
    );
    let sequences = table(&doc, "role-sequences").expect("role sequences");
    assert_eq!(sequences["rows"][0][0], "user, assistant", "{sequences}");
    assert_eq!(sequences["rows"][0][1], "2", "{sequences}");
    assert_eq!(sum(chart(&doc, "chars-assistant").expect("answers")), 2.0);
    // Both answers' tokens: the same as the two records with both answers desirable.
    let both = stats_json_of(&[lines[0].clone(), lines[1].replace("false", "true")]);
    let total = &doc["files"][0]["tokens"]["total"];
    assert!(total.as_u64().is_some_and(|n| n > 0), "{doc}");
    assert_eq!(total, &both["files"][0]["tokens"]["total"]);
}

/// One record per number, each with its own system prompt ("You are assistant number N.").
fn numbered_prompts(numbers: std::ops::Range<usize>) -> Vec<String> {
    numbers
        .map(|n| {
            serde_json::json!({"messages": [
                {"role": "system", "content": format!("You are assistant number {n}.")},
                {"role": "user", "content": "What is the capital of France?"},
                {"role": "assistant", "content": "Paris is the capital of France."},
            ]})
            .to_string()
        })
        .collect()
}

/// Variants met as often are listed in the order they first appear: line 9 before line 10.
#[test]
fn tied_variants_are_listed_by_their_first_line() {
    let lines = numbered_prompts(1..13);
    let doc = stats_json_of(&lines);
    let prompts = table(&doc, "system-prompts").expect("system prompts");
    let firsts: Vec<&str> = prompts["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row[3].as_str().filter(|first| !first.is_empty()))
        .collect();
    let expected: Vec<String> = (1..=10).map(|n| format!("data.jsonl:{n}")).collect();
    assert_eq!(firsts, expected, "{prompts}");
}

/// Tokens are counted part by part (a message's parts are not one text to the tokenizer),
/// so a system prompt written as parts is not the prompt written as one string, even when
/// the parts join to it: 40 one-letter parts are 40 tokens, the 40 letters in one string
/// far fewer.
#[test]
fn a_prompt_in_parts_counts_the_tokens_of_its_parts() {
    let text = "a".repeat(40);
    let parts: Vec<serde_json::Value> = (0..40)
        .map(|_| serde_json::json!({"type": "text", "text": "a"}))
        .collect();
    let record = |system: serde_json::Value| {
        serde_json::json!({"messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello."},
        ]})
        .to_string()
    };
    let doc = stats_json_of(&[record(text.clone().into()), record(parts.into())]);
    let tokens = bars(chart(&doc, "tokens-system").expect("system tokens"));
    assert_eq!(
        tokens.first(),
        Some(&("1–15".to_string(), 1.0)),
        "{tokens:?}"
    );
    assert_eq!(
        tokens.last(),
        Some(&("32–63".to_string(), 1.0)),
        "{tokens:?}"
    );
}

#[test]
fn no_tokens_leaves_out_the_token_figures() {
    let doc = json(&stats("mixed.jsonl", &["--format", "json", "--no-tokens"]));
    let ids: Vec<&str> = doc["summary"]["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| !id.starts_with("tokens")), "{ids:?}");
    assert!(ids.contains(&"composition") && ids.contains(&"chars-user"));
    let text = stats("mixed.jsonl", &["--no-tokens"]);
    assert!(!text.contains("Tokens"), "{text}");
    // `check` refuses it: it counts no tokens unless asked.
    let out = run_in(
        &root().join("tests/fixtures/stats"),
        &["check", "--isolated", "--no-tokens", "plain.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-tokens is for `stats`"));
}

#[test]
fn full_report_snapshot() {
    insta::assert_snapshot!("stats_full", stats("mixed.jsonl", &["--format", "full"]));
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!(
        "stats_markdown",
        stats("mixed.jsonl", &["--format", "markdown"])
    );
}

#[test]
fn json_charts_snapshot() {
    let doc = json(&stats("mixed.jsonl", &["--format", "json"]));
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("json");
    insta::assert_snapshot!("stats_json_charts", pretty(&doc["summary"]["charts"]));
    insta::assert_snapshot!("stats_json_tables", pretty(&doc["summary"]["tables"]));
}

/// The ```mermaid blocks of a Markdown text.
fn mermaid_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed mermaid block");
    blocks
}

/// Node and Mermaid, when installed (`.ci/mermaid.sh`); `None` with a note otherwise, a
/// failure under CI=true.
fn mermaid_parser() -> Option<PathBuf> {
    let tools = std::env::var_os("TUNELINT_MERMAID_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".ci/.npm-tools"));
    let installed = tools.join("node_modules/mermaid/package.json").is_file()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if installed {
        return Some(root().join(".ci/mermaid-parse.mjs"));
    }
    assert!(
        !ci(),
        "Mermaid is not installed in {} (run .ci/mermaid.sh), and CI=true requires it",
        tools.display()
    );
    eprintln!(
        "note: Mermaid is not installed in {} (run .ci/mermaid.sh); skipping the parse",
        tools.display()
    );
    None
}

/// Parses every Mermaid block of `markdown` with Mermaid; returns the diagram types.
fn parse_mermaid(markdown: &str) -> Option<Vec<String>> {
    let script = mermaid_parser()?;
    let blocks = mermaid_blocks(markdown);
    let dir = tempfile::tempdir().expect("temporary directory");
    let files: Vec<PathBuf> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let path = dir.path().join(format!("chart{i}.mmd"));
            std::fs::write(&path, b).expect("write chart");
            path
        })
        .collect();
    let out = std::process::Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .expect("run node");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Mermaid refused a chart:\n{text}{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        blocks.join("\n---\n")
    );
    let types: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(types.len(), blocks.len(), "{text}");
    Some(types)
}

#[test]
fn markdown_charts_are_mermaid_that_mermaid_parses() {
    let markdown = stats("mixed.jsonl", &["--format", "markdown"]);
    let blocks = mermaid_blocks(&markdown);
    // Composition against its target and token lengths, at least.
    assert!(
        blocks
            .iter()
            .any(|b| b.contains("Composition") && b.contains("line [60.0, 20.0, 10.0, 10.0]"))
    );
    assert!(blocks.iter().any(|b| b.contains("Tokens per example")));
    if let Some(types) = parse_mermaid(&markdown) {
        assert!(types.iter().all(|t| t == "xychart"), "{types:?}");
    }
    // A chart whose parse fails is caught: the check is not vacuous.
    if let Some(script) = mermaid_parser() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.mmd");
        std::fs::write(&bad, "xychart-beta\n    x-axis [\"a\"\n    bar [1,]\n").unwrap();
        let out = std::process::Command::new("node")
            .arg(script)
            .arg(&bad)
            .output()
            .unwrap();
        assert!(!out.status.success());
    }
}

/// `check --format markdown` (the Action's job summary, `--summary-file`) draws the verdict's
/// charts as Mermaid: the composition against its target and, with token statistics, tokens
/// per example; the terminal report does not.
#[test]
fn check_job_summary_has_mermaid_charts() {
    let dir = root().join("tests/fixtures/stats");
    let args = [
        "check",
        "--isolated",
        "--exit-zero",
        "--token-stats",
        "--format",
        "markdown",
        "mixed.jsonl",
    ];
    let out = run_in(&dir, &args);
    assert_eq!(out.status.code(), Some(0));
    let markdown = String::from_utf8(out.stdout).expect("utf-8 output");
    let blocks = mermaid_blocks(&markdown);
    assert_eq!(blocks.len(), 2, "{markdown}");
    assert!(
        blocks[0].contains("Composition against the target")
            && blocks[0].contains("line [60.0, 20.0, 10.0, 10.0]"),
        "{}",
        blocks[0]
    );
    assert!(blocks[1].contains("Tokens per example"), "{}", blocks[1]);
    if let Some(types) = parse_mermaid(&markdown) {
        assert_eq!(types, ["xychart", "xychart"]);
    }
    // The same charts as `stats` draws from the same records.
    let doc = json(&stats("mixed.jsonl", &["--format", "json"]));
    let composition = chart(&doc, "composition").expect("stats draws the composition");
    let bars: Vec<String> = bars(composition)
        .iter()
        .map(|(_, v)| format!("{v:.1}"))
        .collect();
    assert!(
        blocks[0].contains(&format!("bar [{}]", bars.join(", "))),
        "{bars:?} vs {}",
        blocks[0]
    );

    // Without token statistics, no token chart; the terminal report draws the composition
    // (PRODUCT.md §7: "composition bars"), its figures the same, and leaves the token
    // lengths to its tokens table.
    let out = run_in(
        &dir,
        &[
            "check",
            "--isolated",
            "--exit-zero",
            "--format",
            "markdown",
            "mixed.jsonl",
        ],
    );
    let markdown = String::from_utf8(out.stdout).expect("utf-8 output");
    assert_eq!(mermaid_blocks(&markdown).len(), 1, "{markdown}");
    let out = run_in(
        &dir,
        &[
            "check",
            "--isolated",
            "--exit-zero",
            "--token-stats",
            "--format",
            "full",
            "--color",
            "never",
            "mixed.jsonl",
        ],
    );
    let full = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(full.contains("\nComposition against the target"), "{full}");
    for (label, value) in charts::bars(composition) {
        let line = full
            .lines()
            .find(|l| l.trim_start().starts_with(label.as_str()))
            .unwrap_or_default();
        assert!(line.contains(&format!(" {value:.1}%")), "{label}: {full}");
    }
    assert!(!full.contains("Tokens per example"), "{full}");
    assert!(full.contains("\nTokens (o200k_base)"), "{full}");
}

/// `../shared/datasets/chat`, when present.
fn datasets() -> Option<PathBuf> {
    let dir = root().join("../shared/datasets/chat");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !ci(),
        "{} is absent, and CI=true requires it",
        dir.display()
    );
    eprintln!("note: {} is absent; skipping", dir.display());
    None
}

/// A real multi-turn chat set with system prompts (OpenAI cookbook's toy chat) and a
/// larger one (GPTeacher roleplay): every section in every format, figures that agree with
/// the file itself.
#[test]
fn real_datasets_in_every_format() {
    let Some(dir) = datasets() else {
        return;
    };
    for name in ["openai_cookbook_toy_chat.jsonl", "gpteacher_roleplay.jsonl"] {
        let args = |format: &str| {
            vec![
                "stats".to_string(),
                "--isolated".into(),
                "--color".into(),
                "never".into(),
                "--format".into(),
                format.into(),
                name.into(),
            ]
        };
        let run = |format: &str| {
            let a = args(format);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let out = run_in(&dir, &a);
            assert_eq!(out.status.code(), Some(0), "{name} {format}");
            String::from_utf8(out.stdout).expect("utf-8")
        };
        let doc = json(&run("json"));
        let examples = doc["summary"]["examples"]
            .as_u64()
            .or_else(|| doc["files"][0]["examples"].as_u64())
            .expect("examples");
        let records: Vec<Value> = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(examples, records.len() as u64, "{name}");
        let n = records.len() as f64;
        let composition = chart(&doc, "composition").expect("composition");
        assert!((sum(composition) - 100.0).abs() < 0.5, "{name}");
        assert_eq!(sum(chart(&doc, "turns").expect("turns")), n, "{name}");
        assert_eq!(
            sum(chart(&doc, "tokens-per-example").expect("tokens")),
            n,
            "{name}"
        );
        // Every message of each role lands in that role's histogram.
        for (role, id) in [("user", "chars-user"), ("assistant", "chars-assistant")] {
            let messages = records
                .iter()
                .flat_map(|r| r["messages"].as_array().unwrap().iter())
                .filter(|m| m["role"] == role)
                .count() as f64;
            assert_eq!(sum(chart(&doc, id).expect(id)), messages, "{name} {role}");
        }
        // System prompts: the variants' counts and "(none)" add up to the examples.
        let prompts = table(&doc, "system-prompts").expect("system prompts");
        let counted: u64 = prompts["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r[1].as_str()
                    .unwrap()
                    .replace(',', "")
                    .parse::<u64>()
                    .unwrap()
            })
            .sum();
        assert_eq!(counted, records.len() as u64, "{name}");
        for id in ["role-sequences", "system-prompts"] {
            assert!(table(&doc, id).is_some(), "{name} {id}");
        }

        // The text report draws every chart and table; markdown every chart as Mermaid.
        let full = run("full");
        for c in doc["summary"]["charts"].as_array().unwrap() {
            assert!(full.contains(c["title"].as_str().unwrap()), "{name}: {c}");
        }
        for t in doc["summary"]["tables"].as_array().unwrap() {
            if t["id"] != "findings-by-rule" {
                assert!(full.contains(t["title"].as_str().unwrap()), "{name}: {t}");
            }
        }
        let markdown = run("markdown");
        assert_eq!(
            mermaid_blocks(&markdown).len(),
            doc["summary"]["charts"].as_array().unwrap().len(),
            "{name}"
        );
        parse_mermaid(&markdown);
    }
}

/// `stats` reports on the whole dataset and judges nothing: the options that judge changed
/// examples or accept findings into a baseline are refused with the `check` command that
/// does it (they showed every changed example as clean), and so are the gates.
#[test]
fn stats_refuses_what_only_check_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.jsonl"),
        "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello there, how are you?\"}, {\"role\": \"assistant\", \"content\": \"Fine, thanks for asking.\"}]}\n",
    )
    .expect("write");
    for (args, says) in [
        (
            &["stats", "--diff-base", "HEAD", "t.jsonl"][..],
            "tunelint check --diff-base REV",
        ),
        (
            &["stats", "--write-baseline", "b.json", "t.jsonl"],
            "tunelint check --write-baseline FILE",
        ),
        // Gates: `stats` applies none, so they would be silently ignored.
        (
            &["stats", "--max-warnings", "0", "t.jsonl"],
            "drop --max-warnings",
        ),
        (
            &["stats", "--min-valid-pct", "100", "t.jsonl"],
            "drop --min-valid-pct",
        ),
        (
            &["stats", "--max-duplicates", "1%", "t.jsonl"],
            "drop --max-duplicates",
        ),
        (&["stats", "--exit-zero", "t.jsonl"], "drop --exit-zero"),
        (&["stats", "--statistics", "t.jsonl"], "drop --statistics"),
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!dir.path().join("b.json").exists());
    }
}

/// `stats --help` shows the report's own formats and not the options `stats` refuses, and a
/// diagnostics format is refused with the formats it takes.
#[test]
fn stats_help_offers_only_what_stats_takes() {
    let dir = tempfile::tempdir().unwrap();
    let help = run_in(dir.path(), &["stats", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("[possible values: full, json, markdown, html]"),
        "{help}"
    );
    for refused in [
        "--sarif-file",
        "--write-baseline",
        "--diff-base",
        "--gate-scope",
        "--min-valid-pct",
        "--max-duplicates",
        "--max-warnings",
        "--exit-zero",
        "--statistics",
    ] {
        assert!(!help.contains(refused), "{refused}: {help}");
    }
    let out = run_in(dir.path(), &["stats", "--format", "concise", "."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'concise' for '--format <FORMAT>'")
            && stderr.contains("[possible values: full, json, markdown, html]"),
        "{stderr}"
    );
}

/// Every rule with findings is listed in `full` and `markdown` as in `json` (a report is
/// read whole: `check` lists the top ones and points at `--statistics`, which `stats`
/// refuses).
#[test]
fn every_rule_with_findings_is_listed_in_every_format() {
    let fixture = "tests/fixtures/cli/mixed.jsonl";
    let report = |format: &str| {
        let out = run_in(
            root(),
            &[
                "stats",
                "--isolated",
                "--no-tokens",
                "--format",
                format,
                fixture,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let doc = json(&report("json"));
    let rules: Vec<String> = table(&doc, "findings-by-rule").expect("findings by rule")["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r[0].as_str().expect("code").to_owned())
        .collect();
    assert!(rules.len() > 10, "{rules:?}");
    let full = report("full");
    assert!(full.contains("\nFindings by rule\n"), "{full}");
    assert!(!full.contains("--statistics"), "{full}");
    let markdown = report("markdown");
    assert!(markdown.contains("### Findings by rule"), "{markdown}");
    for code in &rules {
        assert!(full.contains(&format!("\n  {code} ")), "{code}: {full}");
        assert!(
            markdown.contains(&format!("[{code} ")),
            "{code}: {markdown}"
        );
    }
}

/// A role tunelint does not know is shown as the record writes it, each its own sequence
/// (axolotl's `Customer`, a stray `bot`), not all as `unknown`; a key in one is masked.
#[test]
fn unknown_roles_are_shown_as_written() {
    let turn = |role: &str, text: &str| format!(r#"{{"from": "{role}", "value": "{text}"}}"#);
    let record = |roles: [&str; 2]| {
        format!(
            r#"{{"conversations": [{}, {}]}}"#,
            turn(roles[0], "Where is my parcel, please?"),
            turn(roles[1], "It left the depot this morning.")
        )
    };
    let doc = stats_json_of(&[
        record(["Customer", "gpt"]),
        record(["Customer", "gpt"]),
        record(["bot", "gpt"]),
        record(["human", "gpt"]),
        record(["sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "gpt"]),
    ]);
    let sequences = table(&doc, "role-sequences").expect("role sequences");
    let rows: Vec<(String, String)> = sequences["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_owned(),
                r[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows[0],
        (r#""Customer", assistant"#.into(), "2".into()),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(r#""bot", assistant"#.into(), "1".into())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("user, assistant".into(), "1".into())),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(!doc.to_string().contains("AbCdEfGhIjKlMnOp"), "{doc}");
}
