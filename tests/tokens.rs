//! Token counts (PRODUCT.md §4 T): exact against OpenAI's tokenizer, T001 at its limit, and
//! the token statistics of `check --token-stats` and `stats`.
//!
//! `tests/fixtures/tokens/vectors.jsonl` holds examples with non-ASCII text, escapes, names,
//! content parts, tool definitions and calls, `weight: 0` and special-token text;
//! `expected.tsv` their counts by OpenAI's Python `tiktoken`, written by `make_expected.py`
//! (the formula written out independently in Python). The first vector is the OpenAI
//! cookbook's example conversation, whose counts OpenAI publishes (124 tokens for gpt-4o's
//! o200k_base, 129 for gpt-4's cl100k_base, "counted by the OpenAI API"). When a Python with
//! `tiktoken` is at hand (`TUNELINT_TIKTOKEN_PYTHON`, or `python3` if it imports tiktoken),
//! random examples are compared with it too.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tunelint::engine::{count_tokens, lint_bytes};
use tunelint::rules::Code;
use tunelint::rules::tokens::TooManyTokensOptions;
use tunelint::settings::Encoding;
use tunelint::settings::Settings;

#[path = "support/oracle.rs"]
mod oracle;
use oracle::Rng;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tokens")
}

/// The vectors' lines (split at `\n` only: one holds a U+2028).
fn vectors() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("vectors.jsonl"))
        .expect("read vectors")
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// `(total, assistant, trainable)` per line, for o200k_base and cl100k_base.
type Expected = Vec<[(u64, u64, u64); 2]>;

fn parse_expected(tsv: &str) -> Expected {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let n: Vec<u64> = l
                .split('\t')
                .map(|c| c.parse().expect("a number"))
                .collect();
            [(n[1], n[2], n[3]), (n[4], n[5], n[6])]
        })
        .collect()
}

const ENCODINGS: [Encoding; 2] = [Encoding::O200kBase, Encoding::Cl100kBase];

fn compare(lines: &[String], expected: &Expected) -> Vec<String> {
    assert_eq!(lines.len(), expected.len(), "one expectation per line");
    let mut wrong = Vec::new();
    for (i, (line, want)) in lines.iter().zip(expected).enumerate() {
        for (encoding, want) in ENCODINGS.iter().zip(want) {
            let settings = Settings {
                encoding: *encoding,
                ..Settings::default()
            };
            let t = count_tokens(line, &settings).expect("a chat record");
            let got = (t.total, t.assistant, t.trainable);
            if got != *want {
                wrong.push(format!(
                    "line {} ({}): tunelint (total, assistant, trainable) = {got:?}, tiktoken = {want:?}\n  {line}",
                    i + 1,
                    encoding.as_str()
                ));
            }
        }
    }
    wrong
}

#[test]
fn counts_equal_openais_on_the_test_vectors() {
    let expected = parse_expected(
        &std::fs::read_to_string(fixtures().join("expected.tsv")).expect("read expected"),
    );
    let lines = vectors();
    let wrong = compare(&lines, &expected);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The whole pipeline (worker threads, statistics) gives the same totals, in order.
    for (k, encoding) in ENCODINGS.iter().enumerate() {
        let settings = Settings {
            encoding: *encoding,
            token_stats: true,
            ..Settings::default()
        };
        let (_, summary) = lint_bytes((lines.join("\n") + "\n").as_bytes(), &settings);
        let stats = summary.tokens.expect("statistics");
        let want: Vec<u32> = expected.iter().map(|e| e[k].0 as u32).collect();
        assert_eq!(stats.per_example, want, "{}", encoding.as_str());
        assert_eq!(
            stats.trainable,
            expected.iter().map(|e| e[k].2).sum::<u64>()
        );
        assert_eq!(
            stats.assistant,
            expected.iter().map(|e| e[k].1).sum::<u64>()
        );
    }
}

#[test]
fn the_cookbook_example_has_openais_published_counts() {
    let first = &vectors()[0];
    assert!(first.contains("translates corporate jargon"));
    for (encoding, published) in [(Encoding::O200kBase, 124), (Encoding::Cl100kBase, 129)] {
        let settings = Settings {
            encoding,
            token_stats: true,
            ..Settings::default()
        };
        let (_, summary) = lint_bytes(format!("{first}\n").as_bytes(), &settings);
        assert_eq!(summary.tokens.expect("statistics").total, published);
    }
}

/// T001 fires one token over the limit and not at it — for every vector, so the byte bound
/// that lets T001 skip the tokenizer never skips an example that is over.
#[test]
fn t001_fires_exactly_above_the_limit() {
    for line in vectors() {
        for encoding in ENCODINGS {
            let settings = Settings {
                encoding,
                ..Settings::default()
            };
            let total = count_tokens(&line, &settings).expect("a record").total;
            for (max, fires) in [(total, false), (total - 1, true)] {
                let mut settings = Settings {
                    encoding,
                    ..Settings::default()
                };
                settings.set_options(
                    Code::T001,
                    TooManyTokensOptions {
                        max_per_example: max,
                    },
                );
                let (diagnostics, summary) = lint_bytes(format!("{line}\n").as_bytes(), &settings);
                assert!(summary.tokens.is_none(), "no statistics unless asked for");
                let t001: Vec<_> = diagnostics
                    .iter()
                    .filter(|d| d.code == Code::T001)
                    .collect();
                assert_eq!(
                    t001.len(),
                    usize::from(fires),
                    "{} limit {max}, count {total}: {t001:?}\n{line}",
                    encoding.as_str()
                );
                if let Some(d) = t001.first() {
                    let count = tunelint::wording::thousands(total);
                    assert!(
                        d.message
                            .contains(&format!("has {count} tokens ({})", encoding.as_str())),
                        "{}",
                        d.message
                    );
                }
            }
        }
    }
}

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn t001_from_the_config_file_points_at_the_largest_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = "word ".repeat(300);
    let record = serde_json::json!({"messages": [
        {"role": "user", "content": "Tell me everything."},
        {"role": "assistant", "content": long},
    ]});
    std::fs::write(dir.path().join("train.jsonl"), format!("{record}\n")).expect("write");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[tokens]\nencoding = \"cl100k_base\"\nmax_per_example = 200\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T001", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let column = record.to_string().find("\"word").expect("content") + 1;
    assert!(
        stdout.contains(&format!("train.jsonl:1:{column}: T001 example has ")),
        "{stdout}"
    );
    assert!(
        stdout.contains("(cl100k_base), over the limit of 200 (tokens.max_per_example)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the largest message is #2 (assistant, "),
        "{stdout}"
    );
    // A warning: the default gates pass.
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

/// T001's message names the setting its limit comes from, as the user wrote it: `[tokens]`,
/// a `[rules]` entry (by the selector written), an `[[overrides]]` entry (with its line), or
/// T002's `max_length`; the statistics' limit line names the same.
#[test]
fn t001_names_the_setting_its_limit_comes_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = serde_json::json!({"messages": [
        {"role": "user", "content": "What is the capital of France, please tell me?"},
        {"role": "assistant", "content": "The capital of France is Paris, a city on the Seine."},
    ]});
    std::fs::write(dir.path().join("train.jsonl"), format!("{record}\n")).expect("write");
    for (config, from) in [
        ("[tokens]\nmax_per_example = 10\n", "tokens.max_per_example"),
        (
            "[rules]\nT001 = { max_per_example = 10 }\n",
            "rules.T001.max_per_example",
        ),
        (
            "[rules]\ntoo-many-tokens = { max_per_example = 10 }\n",
            "rules.too-many-tokens.max_per_example",
        ),
        (
            "[tokens]\nmax_per_example = 100\n[[overrides]]\nfiles = [\"*.jsonl\"]\nrules = { T001 = { max_per_example = 10 } }\n",
            "[[overrides]] rules.T001.max_per_example, line 5",
        ),
        (
            "[rules]\nT002 = { max_length = 10 }\n",
            "rules.T002.max_length",
        ),
        ("[tokens]\nmax_length = 10\n", "tokens.max_length"),
    ] {
        std::fs::write(dir.path().join("tunelint.toml"), config).expect("write");
        let out = tunelint(dir.path())
            .args(["--format", "concise", "--select", "T001", "train.jsonl"])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("over the limit of 10 ({from}), so training")),
            "{config}\n{stdout}"
        );
        let out = tunelint(dir.path())
            .args(["stats", "train.jsonl"])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("limit 10 ({from}): 1 example over it")),
            "{config}\n{stdout}"
        );
    }
}

/// A preference pair runs twice through the trainer, with each answer: a rejected answer
/// past the limits is T001 and T002 as the same answer in a chat example is, counted alike,
/// pointing into it and saying it is the rejected one.
/// An example over the limit because of its tool definitions, not any message, is pointed at
/// its `tools`: naming the largest message would send the user to the wrong place.
#[test]
fn t001_points_at_the_tools_when_they_outweigh_every_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let properties: serde_json::Map<String, serde_json::Value> = (0..60)
        .map(|i| {
            (
                format!("field_{i}"),
                serde_json::json!({"type": "string", "description": format!("the value of field number {i} of the order")}),
            )
        })
        .collect();
    let record = serde_json::json!({
        "messages": [
            {"role": "user", "content": "Where is my order?"},
            {"role": "assistant", "content": "It ships tomorrow."},
        ],
        "tools": [{"type": "function", "function": {
            "name": "lookup_order",
            "parameters": {"type": "object", "properties": properties},
        }}],
    });
    let line = record.to_string();
    std::fs::write(dir.path().join("train.jsonl"), format!("{line}\n")).expect("write");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[tokens]\nencoding = \"cl100k_base\"\nmax_per_example = 200\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T001", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let column = line.find("[{\"function\"").expect("tools") + 1;
    assert!(
        stdout.contains(&format!("train.jsonl:1:{column}: T001 example has ")),
        "{stdout}"
    );
    assert!(
        stdout.contains("; the tool definitions (")
            && stdout.contains(" tokens) outweigh every message"),
        "{stdout}"
    );
    assert!(!stdout.contains("largest message"), "{stdout}");
}

#[test]
fn a_pairs_rejected_answer_is_counted_with_its_prompt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = "word ".repeat(300);
    let prompt = serde_json::json!({"role": "user", "content": "Tell me a short story."});
    let pair = serde_json::json!({
        "input": {"messages": [prompt]},
        "preferred_output": [{"role": "assistant", "content": "A cat slept in the sun all day."}],
        "non_preferred_output": [{"role": "assistant", "content": long}],
    });
    let chat = serde_json::json!({"messages": [prompt, {"role": "assistant", "content": long}]});
    let run = |record: &serde_json::Value, config: &str| {
        std::fs::write(dir.path().join("train.jsonl"), format!("{record}\n")).expect("write");
        std::fs::write(dir.path().join("tunelint.toml"), config).expect("write");
        let out = tunelint(dir.path())
            .args(["--format", "concise", "--select", "T", "train.jsonl"])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        // Once: the chosen answer is within both limits.
        assert_eq!(stdout.matches(": T00").count(), 1, "{config}\n{stdout}");
        let column = record.to_string().find("\"word").expect("content") + 1;
        let finding = stdout.lines().next().expect("a finding").to_owned();
        let prefix = format!("train.jsonl:1:{column}: T00");
        assert!(finding.starts_with(&prefix), "{finding}");
        finding
    };
    let t001 = "[tokens]\nmax_per_example = 200\n";
    let (alone, paired) = (run(&chat, t001), run(&pair, t001));
    let said = alone.split_once("T001 example has ").expect("T001").1;
    assert_eq!(
        paired.split_once("T001 the prompt with the rejected answer has "),
        Some((paired.split_once("T001").unwrap().0, said)),
        "{paired}\n{alone}"
    );
    let t002 = "[tokens]\nmax_length = 100\n";
    let (alone, paired) = (run(&chat, t002), run(&pair, t002));
    let cut = alone
        .split_once("of this answer's ")
        .expect("T002")
        .1
        .split_once(';')
        .expect("reason")
        .0;
    assert!(
        paired.contains(&format!(
            "of this rejected answer's {cut}; the pair compares the chosen answer with a cut-off one"
        )),
        "{paired}\n{alone}"
    );
}

#[test]
fn stats_and_token_stats_report_the_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = vectors();
    std::fs::write(dir.path().join("train.jsonl"), lines.join("\n") + "\n").expect("write");
    let expected = parse_expected(
        &std::fs::read_to_string(fixtures().join("expected.tsv")).expect("read expected"),
    );
    let want_total: u64 = expected.iter().map(|e| e[0].0).sum();
    let want_trainable: u64 = expected.iter().map(|e| e[0].2).sum();
    let mut totals: Vec<u64> = expected.iter().map(|e| e[0].0).collect();
    totals.sort_unstable();

    // `stats` never fails (the vectors hold errors), and always counts tokens.
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    // The gates are what `check` would decide, as information: the vectors fail one.
    assert_eq!(doc["summary"]["passed"], false);
    assert_eq!(doc["gates"][0]["name"], "valid examples");
    assert_eq!(doc["gates"][0]["passed"], false);
    let t = &doc["summary"]["tokens"];
    assert_eq!(t["encoding"], "o200k_base");
    assert_eq!(t["examples"], lines.len() as u64);
    assert_eq!(t["total"], want_total);
    assert_eq!(t["trainable"], want_trainable);
    assert_eq!(t["max"], *totals.last().expect("vectors"));
    assert_eq!(t["p50"], totals[(totals.len() * 50).div_ceil(100) - 1]);
    assert_eq!(t["p95"], totals[(totals.len() * 95).div_ceil(100) - 1]);
    // 16 examples: 100 / 16 = 6 epochs by OpenAI's rule; nothing is over the cap.
    assert_eq!(t["epochs"], 6);
    assert_eq!(t["billed"], want_total * 6);
    assert_eq!(doc["files"][0]["tokens"], *t);

    // `check` counts them only with --token-stats.
    let out = tunelint(dir.path())
        .args(["--isolated", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(json(&out)["summary"]["tokens"], serde_json::Value::Null);
    let out = tunelint(dir.path())
        .args([
            "--isolated",
            "--format",
            "json",
            "--token-stats",
            "train.jsonl",
        ])
        .output()
        .expect("run");
    assert_eq!(json(&out)["summary"]["tokens"], *t);

    // `concise` adds one line of totals to its summary; not with --quiet or without counts.
    let concise = |extra: &[&str]| {
        let out = tunelint(dir.path())
            .args(["--isolated", "--format", "concise", "train.jsonl"])
            .args(extra)
            .output()
            .expect("run");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let n = tunelint::wording::thousands;
    let line = format!(
        "tokens: {} total, p50 {}, p95 {}, max {} (o200k_base)",
        n(want_total),
        n(totals[(totals.len() * 50).div_ceil(100) - 1]),
        n(totals[(totals.len() * 95).div_ceil(100) - 1]),
        n(*totals.last().expect("vectors"))
    );
    let text = concise(&["--token-stats"]);
    let summary = text
        .lines()
        .position(|l| l.contains(" examples of 1 file; "))
        .expect("summary");
    assert_eq!(text.lines().nth(summary + 1), Some(line.as_str()), "{text}");
    assert!(!concise(&[]).contains("tokens: "));
    assert!(!concise(&["--token-stats", "--quiet"]).contains("tokens: "));

    // The text and Markdown reports show the same figures.
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "train.jsonl"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Tokens (o200k_base)"), "{text}");
    let total = tunelint::wording::thousands(want_total);
    assert!(text.contains(&total), "{text}");
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "markdown", "train.jsonl"])
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## tunelint: dataset report"), "{md}");
    assert!(
        md.contains("### Tokens (o200k_base)") && md.contains(&total),
        "{md}"
    );
    assert!(!md.contains("Gates"), "{md}");

    // Formats that list diagnostics make no sense for a report.
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "sarif", "train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[possible values: full, json, markdown, html]"),
        "{stderr}"
    );
}

#[test]
fn token_totals_over_several_files_sum_each_files_billing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = vectors();
    std::fs::write(dir.path().join("a.jsonl"), lines[..10].join("\n") + "\n").expect("write");
    std::fs::write(dir.path().join("b.jsonl"), lines[10..].join("\n") + "\n").expect("write");
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "json", "."])
        .output()
        .expect("run");
    let doc = json(&out);
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    let billed: u64 = files
        .iter()
        .map(|f| f["tokens"]["billed"].as_u64().expect("billed"))
        .sum();
    let total = &doc["summary"]["tokens"];
    assert_eq!(total["billed"], billed);
    assert_eq!(total["epochs"], serde_json::Value::Null);
    assert_eq!(total["examples"], lines.len() as u64);
    // 10 examples: 10 epochs; 6 examples: 16 epochs.
    assert_eq!(files[0]["tokens"]["epochs"], 10);
    assert_eq!(files[1]["tokens"]["epochs"], 16);
}

#[test]
fn evaluation_splits_are_not_billed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = vectors();
    // `test` sorts before `train`: the total must not take the first file's status.
    for (name, part) in [
        ("train.jsonl", &lines[..10]),
        ("test.jsonl", &lines[10..13]),
        ("valid.jsonl", &lines[13..]),
    ] {
        std::fs::write(dir.path().join(name), part.join("\n") + "\n").expect("write");
    }
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "json", "."])
        .output()
        .expect("run");
    let doc = json(&out);
    let tokens = |path: &str| -> serde_json::Value {
        doc["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["path"] == path)
            .expect("listed")["tokens"]
            .clone()
    };
    let train = tokens("train.jsonl");
    assert_eq!(train["evaluation_split"], false);
    assert_eq!(train["epochs"], 10);
    assert_eq!(
        train["billed"],
        train["total"].as_u64().expect("total") * 10
    );
    for eval in ["test.jsonl", "valid.jsonl"] {
        let t = tokens(eval);
        assert_eq!(t["evaluation_split"], true, "{eval}");
        assert_eq!(t["billed"], 0, "{eval}");
        assert_eq!(t["epochs"], serde_json::Value::Null, "{eval}");
        assert!(
            t["total"].as_u64().expect("total") > 0,
            "still counted: {eval}"
        );
    }
    let total = &doc["summary"]["tokens"];
    assert_eq!(total["billed"], train["billed"]);
    assert_eq!(total["evaluation_split"], false);
    assert_eq!(total["examples"], lines.len() as u64);

    // The text report: a dash in the billed column, and a line saying why.
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "."])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|cells| cells.len() == 11 && cells[0] == "valid.jsonl")
        .collect();
    assert_eq!(rows.len(), 1, "one token row: {text}");
    assert_eq!(rows[0][9..], ["-", "-"], "epochs and billed: {text}");
    assert!(
        text.contains("  test.jsonl: not billed (an evaluation split, not trained on)\n"),
        "{text}"
    );

    // Alone, a validation file is not an evaluation split of anything: billed as before.
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "json", "valid.jsonl"])
        .output()
        .expect("run");
    let t = &json(&out)["files"][0]["tokens"];
    assert_eq!(t["evaluation_split"], false);
    assert!(t["billed"].as_u64().expect("billed") > 0);
}

// ---------------------------------------------------------------------------------------
// Differential test against OpenAI's tiktoken on random examples

/// A Python that imports tiktoken, if there is one. `TUNELINT_TIKTOKEN_PYTHON` names one
/// that must (CI sets it); otherwise `python3` is tried.
fn python_with_tiktoken() -> Option<String> {
    oracle::python_importing("TUNELINT_TIKTOKEN_PYTHON", "tiktoken")
}

const PIECES: &[&str] = &[
    "Hello",
    " world",
    "!",
    "  ",
    "\n",
    "\n\n",
    "\t",
    " 1234567",
    "3.14",
    "é",
    "naïve",
    "東京",
    "の",
    "天気",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "🇩🇪",
    "Привет",
    "مرحبا",
    "שלום",
    "ﬁ",
    "Ａ",
    "<|endoftext|>",
    "<|im_start|>",
    "```python\n",
    "def f(x):\n    return x\n",
    "```",
    "don't",
    "I'm",
    "'s",
    " the",
    " THE",
    "ing",
    "https://example.com/a?b=c",
    "a\u{301}",
    "\u{a0}",
    "\u{2028}",
    "\u{0}",
    "\u{7f}",
    "\"quoted\"",
    "\\back\\slash",
    "{{name}}",
    "---",
    "......",
    "1,000,000",
    "2026-11-25",
    "x",
    "Z",
    " ",
    "—",
    "…",
    "\u{feff}",
];

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(40);
    (0..n).map(|_| rng.pick(PIECES)).collect()
}

fn random_example(rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    let mut messages = Vec::new();
    if rng.below(2) == 0 {
        messages.push(json!({"role": "system", "content": random_text(rng)}));
    }
    let turns = 1 + rng.below(3);
    let tool = rng.below(4) == 0;
    for t in 0..turns {
        let mut user = json!({"role": "user", "content": random_text(rng)});
        if rng.below(5) == 0 {
            user["name"] = json!(rng.pick(&["alice", "bob_2", "x-y"]));
        }
        if rng.below(6) == 0 {
            user["content"] = json!([
                {"type": "text", "text": random_text(rng)},
                {"type": "image_url", "image_url": {"url": "https://example.com/i.png"}},
                {"type": "text", "text": random_text(rng)},
            ]);
        }
        messages.push(user);
        if tool && t == 0 {
            let args = json!({"q": random_text(rng), "n": rng.below(100)}).to_string();
            messages.push(json!({"role": "assistant", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "search", "arguments": args}}
            ]}));
            messages.push(
                json!({"role": "tool", "tool_call_id": "call_1", "content": random_text(rng)}),
            );
        }
        let mut answer = json!({"role": "assistant", "content": random_text(rng)});
        if rng.below(4) == 0 {
            answer["weight"] = json!(rng.below(2));
        }
        messages.push(answer);
    }
    let mut example = json!({"messages": messages});
    if tool {
        example["tools"] = json!([{"type": "function", "function": {
            "name": "search", "description": random_text(rng),
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}}}
        }}]);
    }
    example
}

#[test]
fn counts_equal_tiktoken_on_random_examples() {
    let Some(python) = python_with_tiktoken() else {
        eprintln!(
            "note: no Python with tiktoken (set TUNELINT_TIKTOKEN_PYTHON); the random comparison is skipped"
        );
        return;
    };
    let mut rng = Rng(2026);
    let lines: Vec<String> = (0..300)
        .map(|i| {
            let e = random_example(&mut rng);
            // Half with \u escapes, as Python's json.dumps writes by default.
            if i % 2 == 0 {
                e.to_string()
            } else {
                ascii_escaped(&e.to_string())
            }
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("random.jsonl");
    let output = dir.path().join("expected.tsv");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write");
    let run = std::process::Command::new(&python)
        .arg(fixtures().join("make_expected.py"))
        .arg(&input)
        .arg(&output)
        .output()
        .expect("run python");
    assert!(
        run.status.success(),
        "make_expected.py failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expected = parse_expected(&std::fs::read_to_string(&output).expect("read"));
    let wrong = compare(&lines, &expected);
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        lines.len() * 2,
        wrong[..wrong.len().min(5)].join("\n")
    );
}

/// JSON text with every non-ASCII character as `\u` escapes (surrogate pairs above U+FFFF).
fn ascii_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// Over a MiB of text, over 128 times the limit in bytes, is over it by length alone: T001
/// says "at least" without tokenizing it (a run of one letter costs the tokenizer more than linear time).
#[test]
fn t001_reports_huge_examples_without_tokenizing_them() {
    let line = serde_json::json!({"messages": [
        {"role": "user", "content": "Repeat the letter x."},
        {"role": "assistant", "content": "x".repeat(10_000 * 128)},
    ]})
    .to_string();
    let mut settings = Settings::default();
    settings.set_options(
        Code::T001,
        TooManyTokensOptions {
            max_per_example: 10_000,
        },
    );
    let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &settings);
    let t001: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::T001)
        .collect();
    assert_eq!(t001.len(), 1, "{diagnostics:?}");
    assert!(
        t001[0].message.starts_with("example has at least 10,012 tokens (o200k_base) by its length alone, over the limit of 10,000"),
        "{}",
        t001[0].message
    );
    // The exact count agrees that it is over.
    let exact = count_tokens(&line, &Settings::default())
        .expect("record")
        .total;
    assert!(exact > 10_012, "{exact}");
}

/// `stats --format json`'s token figures for one file of `lines`.
fn token_figures(lines: &[serde_json::Value]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("train.jsonl"), text).expect("write");
    let out = tunelint(dir.path())
        .args(["stats", "--isolated", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    json(&out)["summary"]["tokens"].clone()
}

#[test]
fn axolotl_train_detail_trains_only_its_characters_with_openais_tokenizer() {
    let (kept, dropped) = (
        "The refund window is thirty days.",
        " Ignore the old ninety-day rule.",
    );
    let answer = format!("{kept}{dropped}");
    let end = kept.chars().count() - 1;
    let detailed = serde_json::json!({"messages": [
        {"role": "user", "content": "How long is the refund window?"},
        {"role": "assistant", "content": answer, "train_detail": [
            {"begin_offset": 0, "end_offset": end, "train": true},
            {"begin_offset": end + 1, "end_offset": answer.chars().count() - 1, "train": false},
        ]},
    ]});
    // The same exchange with only the trained characters as the answer: its trained tokens
    // are what the detailed answer trains.
    let alone = serde_json::json!({"messages": [
        {"role": "user", "content": "How long is the refund window?"},
        {"role": "assistant", "content": kept},
    ]});
    let whole = serde_json::json!({"messages": [
        {"role": "user", "content": "How long is the refund window?"},
        {"role": "assistant", "content": answer},
    ]});
    let detailed = token_figures(&[detailed]);
    let alone = token_figures(&[alone]);
    let whole = token_figures(&[whole]);
    assert_eq!(detailed["trainable"], alone["trainable"], "{detailed}");
    assert!(
        detailed["trainable"].as_u64() < whole["trainable"].as_u64(),
        "{detailed} {whole}"
    );
    // The whole answer is still the assistant's text and the example's length.
    assert_eq!(detailed["assistant"], whole["assistant"]);
    assert_eq!(detailed["total"], whole["total"]);
}

#[test]
fn axolotl_train_true_on_a_user_turn_trains_it_with_openais_tokenizer() {
    let question = "How long is the refund window for unused items?";
    let exchange = |train: Option<bool>| {
        let mut user = serde_json::json!({"role": "user", "content": question});
        if let Some(train) = train {
            user["train"] = train.into();
        }
        serde_json::json!({"messages": [user, {"role": "assistant", "content": "Thirty days.", "train": true}]})
    };
    let trained = token_figures(&[exchange(Some(true))]);
    let untrained = token_figures(&[exchange(Some(false))]);
    // The question's tokens, as an answer's would be counted.
    let as_answer = token_figures(&[serde_json::json!({"messages": [
        {"role": "user", "content": "Ask it."},
        {"role": "assistant", "content": question},
    ]})]);
    let n = |v: &serde_json::Value| v["trainable"].as_u64().expect("trainable");
    assert_eq!(
        n(&trained),
        n(&untrained) + n(&as_answer),
        "{trained} {untrained}"
    );
    assert_eq!(trained["assistant"], untrained["assistant"]);
}

/// `stats --format json` of the one file `train.jsonl` holding `lines`, under `target`
/// (none when empty).
fn stats_under(target: &str, lines: &[serde_json::Value]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("train.jsonl"), text).expect("write");
    let mut cmd = tunelint(dir.path());
    cmd.args(["stats", "--isolated", "--format", "json"]);
    if !target.is_empty() {
        cmd.args(["--target", target]);
    }
    json(&cmd.arg("train.jsonl").output().expect("run"))
}

/// The token figures a user reads in `stats --format json`: the file's total, assistant,
/// trainable and billed tokens, and the "Tokens per assistant message" and "Characters per
/// assistant message" charts.
fn figures_under(target: &str, lines: &[serde_json::Value]) -> serde_json::Value {
    let stats = stats_under(target, lines);
    let t = &stats["files"][0]["tokens"];
    let chart = |id: &str| {
        stats["summary"]["charts"]
            .as_array()
            .expect("charts")
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["bars"].clone())
            .unwrap_or_default()
    };
    serde_json::json!({
        "total": t["total"], "assistant": t["assistant"], "trainable": t["trainable"],
        "billed": t["billed"], "tokens-assistant": chart("tokens-assistant"),
        "chars-assistant": chart("chars-assistant"),
    })
}

/// T001's messages (without their `path:line:column:` places) on `train.jsonl` holding
/// `line`, under `target`, with `max_per_example` as the limit.
fn t001_messages(target: &str, line: &serde_json::Value, max_per_example: u64) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("train.jsonl"), format!("{line}\n")).expect("write");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        format!("[tokens]\nmax_per_example = {max_per_example}\n"),
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args([
            "--format", "concise", "--target", target, "--select", "T001",
        ])
        .arg("train.jsonl")
        .output()
        .expect("run");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": T001 ").map(|(_, m)| m.to_owned()))
        .collect()
}

const QUESTION: &str = "What is 17 times 23? Please show the result.";
const ANSWER: &str = "17 times 23 is 391.";

fn chain_of_thought() -> String {
    format!(
        "Let me compute this carefully. {}",
        "17 times 20 is 340 and 17 times 3 is 51, so the sum is 391. ".repeat(20)
    )
}

/// The answer with its chain of thought written inline, as reasoning templates render it.
fn inline_thought() -> String {
    format!("<think>\n{}\n</think>\n\n{ANSWER}", chain_of_thought())
}

fn chat_with_reasoning(key: &str) -> serde_json::Value {
    serde_json::json!({"messages": [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", key: chain_of_thought(), "content": ANSWER},
    ]})
}

fn chat(answer: &str) -> serde_json::Value {
    serde_json::json!({"messages": [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": answer},
    ]})
}

fn nova(assistant: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"schemaVersion": "bedrock-conversation-2024", "messages": [
        {"role": "user", "content": [{"text": QUESTION}]},
        {"role": "assistant", "content": assistant},
    ]})
}

/// A chain of thought kept beside the answer, under a target that trains it there, is
/// counted in every figure (total, assistant, trained, billed, the per-message charts) and by
/// T001 exactly as the same turn with its reasoning inline in `<think>` tags: reasoning
/// datasets are mostly reasoning, and leaving it out made their counts a fraction of the
/// truth and T001 blind to them.
#[test]
fn a_chain_of_thought_the_target_trains_counts_as_the_same_text_inline() {
    let inline = chat(&inline_thought());
    let cases = [
        ("together", "reasoning_content"),
        ("together", "reasoning"),
        ("fireworks", "reasoning_content"),
        ("trl", "thinking"),
        ("trl", "reasoning_content"),
        ("unsloth", "thinking"),
        ("axolotl", "reasoning_content"),
    ];
    for (target, key) in cases {
        let expected = figures_under(target, std::slice::from_ref(&inline));
        let figures = figures_under(target, &[chat_with_reasoning(key)]);
        assert_eq!(figures, expected, "{key} under {target}");
        let answer_alone = figures_under(target, &[chat(ANSWER)]);
        assert!(
            figures["total"].as_u64() > answer_alone["total"].as_u64().map(|n| n + 400),
            "{key} under {target}: {figures} {answer_alone}"
        );
        // T001 sees the same example: the same count, the same largest message.
        let over = t001_messages(target, &chat_with_reasoning(key), 100);
        assert_eq!(
            over,
            t001_messages(target, &inline, 100),
            "{key} under {target}"
        );
        assert_eq!(over.len(), 1, "{key} under {target}: {over:?}");
        assert!(
            over[0].starts_with(&format!(
                "example has {} tokens (o200k_base)",
                figures["total"]
            )),
            "{over:?}"
        );
    }
    // Bedrock Nova trains its `reasoningContent` blocks with the answer.
    let reasoning = nova(serde_json::json!([
        {"reasoningContent": {"reasoningText": {"text": chain_of_thought()}}},
        {"text": ANSWER},
    ]));
    let inline = nova(serde_json::json!([{"text": inline_thought()}]));
    assert_eq!(
        figures_under("bedrock-nova", std::slice::from_ref(&reasoning)),
        figures_under("bedrock-nova", std::slice::from_ref(&inline))
    );
    assert_eq!(
        t001_messages("bedrock-nova", &reasoning, 100),
        t001_messages("bedrock-nova", &inline, 100)
    );
}

/// The reasoning of a turn the data does not train (`weight: 0`) is not trained either, and
/// a key the target does not read (S008 says the trainer drops it) adds nothing: the figures
/// are those of the answer alone.
#[test]
fn a_chain_of_thought_is_trained_with_its_turn_and_dropped_with_its_key() {
    let mut masked = chat_with_reasoning("reasoning_content");
    masked["messages"][1]["weight"] = 0.into();
    let figures = figures_under("fireworks", &[masked]);
    assert_eq!(figures["trainable"], 0, "{figures}");
    let counted = figures_under("fireworks", &[chat_with_reasoning("reasoning_content")]);
    assert_eq!(figures["total"], counted["total"], "{figures} {counted}");

    // OpenAI's format has no `reasoning_content`, nor Fireworks' `thinking`.
    for (target, key) in [("", "reasoning_content"), ("fireworks", "thinking")] {
        assert_eq!(
            figures_under(target, &[chat_with_reasoning(key)]),
            figures_under(target, &[chat(ANSWER)]),
            "{key} under {target:?}"
        );
    }
}

/// A message with its chain of thought under two keys the target reads (vLLM writes the same
/// text in `reasoning` and `reasoning_content`) is counted once, as a template renders one of
/// them: the same figures as the message with one key.
#[test]
fn a_chain_of_thought_under_two_keys_is_counted_once() {
    for (target, keys) in [
        ("together", ["reasoning", "reasoning_content"]),
        ("trl", ["thinking", "reasoning_content"]),
        ("unsloth", ["reasoning_content", "thinking"]),
    ] {
        let mut both = chat_with_reasoning(keys[0]);
        both["messages"][1][keys[1]] = chain_of_thought().into();
        assert_eq!(
            figures_under(target, &[both]),
            figures_under(target, &[chat_with_reasoning(keys[0])]),
            "{keys:?} under {target}"
        );
    }
}

fn weather_tools() -> serde_json::Value {
    serde_json::json!([{"type": "function", "function": {
        "name": "get_weather",
        "description": "Get the current weather ".repeat(30),
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "City and country"},
        }, "required": ["location"]},
    }}])
}

fn sharegpt(tools: Option<serde_json::Value>) -> serde_json::Value {
    let mut record = serde_json::json!({"conversations": [
        {"from": "human", "value": "What is the weather in Tokyo right now?"},
        {"from": "gpt", "value": "It is 25 degrees Celsius and sunny in Tokyo right now."},
    ]});
    if let Some(tools) = tools {
        record["tools"] = tools;
    }
    record
}

/// The `tools` column of a ShareGPT record (LLaMA-Factory stores it as a string of JSON and
/// renders it into every example's prompt) is counted as the same definitions in an OpenAI
/// chat record's `tools`: the same conversation with the same tools has the same figures in
/// both formats, and T001 points at the definitions when they are what is too long.
#[test]
fn a_sharegpt_tools_column_counts_as_openai_chat_tools() {
    let tools = weather_tools();
    let as_string = serde_json::Value::String(tools.to_string());
    let openai = serde_json::json!({"messages": [
        {"role": "user", "content": "What is the weather in Tokyo right now?"},
        {"role": "assistant", "content": "It is 25 degrees Celsius and sunny in Tokyo right now."},
    ], "tools": tools});
    let expected = figures_under("llama-factory", std::slice::from_ref(&openai));
    let plain = figures_under("llama-factory", &[sharegpt(None)]);
    assert!(
        expected["total"].as_u64() > plain["total"].as_u64().map(|n| n + 100),
        "{expected} {plain}"
    );
    for column in [as_string.clone(), tools.clone()] {
        assert_eq!(
            figures_under("llama-factory", &[sharegpt(Some(column.clone()))]),
            expected,
            "{column}"
        );
    }
    // An OpenAI chat record whose `tools` is the same string of JSON (TRL's `json.dumps`).
    let mut encoded = openai.clone();
    encoded["tools"] = as_string.clone();
    assert_eq!(
        figures_under("trl", &[encoded]),
        figures_under("trl", &[openai])
    );

    let over = t001_messages("llama-factory", &sharegpt(Some(as_string)), 100);
    assert_eq!(over.len(), 1, "{over:?}");
    assert!(
        over[0].starts_with(&format!(
            "example has {} tokens (o200k_base)",
            expected["total"]
        )) && over[0].contains("the tool definitions ("),
        "{over:?}"
    );
}

/// An assistant turn that only calls a tool is charted with the tokens and characters of its
/// call, as the assistant total counts them, not as an empty answer: a tool-calling dataset
/// is not full of empty answers.
#[test]
fn a_turn_that_only_calls_a_tool_is_charted_with_its_call() {
    let call = serde_json::json!({"id": "call_1", "type": "function", "function": {
        "name": "get_weather", "arguments": "{\"location\": \"Tokyo, Japan\"}",
    }});
    let record = serde_json::json!({"messages": [
        {"role": "user", "content": "What is the weather in Tokyo right now?"},
        {"role": "assistant", "tool_calls": [call]},
    ]});
    let figures = figures_under("", &[record]);
    let assistant = figures["assistant"].as_u64().expect("assistant");
    assert!(assistant > 15, "{figures}");
    // Its one message, in the bucket of the assistant total (16–31 tokens), and in that of
    // the characters of the call's compact JSON text (164).
    assert_eq!(
        figures["tokens-assistant"],
        serde_json::json!([{"label": "16–31", "value": 1.0}]),
        "{figures}"
    );
    let compact = r#"{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Tokyo, Japan\"}"}}"#;
    assert!((100..200).contains(&compact.chars().count()));
    assert_eq!(
        figures["chars-assistant"],
        serde_json::json!([{"label": "100–199", "value": 1.0}]),
        "{figures}"
    );
}
