//! B005 tone-outlier as a user sees it: through the whole pipeline (`engine::lint_bytes`) on
//! made-up files that isolate each part of the measure, and through the real binary on the
//! real datasets of `../shared/datasets/chat`, whose counts are pinned here and reported in
//! docs/real-data.md (gsm8k's training split: under 0.5% of its examples, as the issue asks).
//! The real-data test passes with a note when the datasets are absent, and fails under
//! `CI=true`. The rule's firing and quiet fixtures are in `tests/fixtures/rules/tone-outlier/`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tunelint::diagnostic::Diagnostic;
use tunelint::engine;
use tunelint::rule::Level;
use tunelint::rules::Code;
use tunelint::settings::Settings;

/// Only B005, at its default level.
fn settings() -> Settings {
    let mut settings = Settings::default();
    for &code in Code::ALL {
        if code != Code::B005 {
            settings.levels[code.index()] = Level::Off;
        }
    }
    settings
}

fn line(answer: &str, i: usize) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": format!("Question number {i}?")},
        {"role": "assistant", "content": answer},
    ]})
    .to_string()
        + "\n"
}

/// A plain, formal answer, different for each `i`.
fn formal(i: usize) -> String {
    format!(
        "The order {i} was shipped from the warehouse on Monday. Delivery usually takes three working days, and a tracking number is sent by email."
    )
}

fn b005(lines: &[String]) -> Vec<Diagnostic> {
    let bytes: String = lines.concat();
    let (d, _) = engine::lint_bytes(bytes.as_bytes(), &settings());
    d.into_iter().filter(|d| d.code == Code::B005).collect()
}

#[test]
fn a_bubbly_answer_among_formal_ones_is_reported_with_the_features_that_differ() {
    let mut lines: Vec<String> = (0..40).map(|i| line(&formal(i), i)).collect();
    lines[12] = line(
        "Yay, it's on its way! 🎉 I'm sure you'll love it! Can't wait for you to see it! 😍",
        12,
    );
    let d = b005(&lines);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].location.line, 13);
    assert_eq!(d[0].level, Level::Info);
    assert_eq!(
        d[0].message,
        "answer's style stands out from the file's: 3 exclamation marks (the file's typical answer: none); 2 emoji (the file's typical answer: none); 4 contractions (the file's typical answer: none)"
    );
}

#[test]
fn a_style_a_sizeable_share_of_the_file_has_is_the_files_own() {
    // One answer in five exclaims: a mix of voices, not a few outliers.
    let lines: Vec<String> = (0..50)
        .map(|i| {
            if i % 5 == 0 {
                line(
                    "Great news! Your order is on its way! It arrives on Thursday!",
                    i,
                )
            } else {
                line(&formal(i), i)
            }
        })
        .collect();
    assert_eq!(b005(&lines), vec![]);
}

#[test]
fn a_small_file_is_not_judged() {
    let mut lines: Vec<String> = (0..29).map(|i| line(&formal(i), i)).collect();
    lines[3] = line("OMG yes! 🎉 Totally! You'll love it! 😄 Woohoo!", 3);
    assert_eq!(b005(&lines), vec![], "29 examples, under min_examples = 30");
    lines.push(line(&formal(29), 29));
    assert_eq!(b005(&lines).len(), 1, "30 examples");
}

#[test]
fn markdown_in_a_plain_file_and_plain_text_in_a_markdown_file_stand_out() {
    let listed = |i: usize| {
        format!(
            "## Order {i}\n\n- **Shipped:** Monday\n- **Carrier:** `DHL`\n- **Arrives:** Thursday\n\nSee [tracking](https://example.com/{i})."
        )
    };
    let mut plain: Vec<String> = (0..40).map(|i| line(&formal(i), i)).collect();
    plain[5] = line(&listed(5), 5);
    let d = b005(&plain);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].location.line, 6);
    assert!(
        d[0].message
            .contains("markdown marks (the file's typical answer: none)"),
        "{}",
        d[0].message
    );

    let mut listed_file: Vec<String> = (0..40).map(|i| line(&listed(i), i)).collect();
    listed_file[7] = line(&formal(7), 7);
    let d = b005(&listed_file);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].location.line, 8);
    assert!(
        d[0].message
            .contains("no markdown marks (the file's typical answer: "),
        "{}",
        d[0].message
    );
}

#[test]
fn very_long_sentences_among_short_ones_stand_out() {
    let mut lines: Vec<String> = (0..40)
        .map(|i| {
            line(
                &format!("Order {i} shipped on Monday. It arrives soon. Tracking is by email."),
                i,
            )
        })
        .collect();
    let run_on = "The order was prepared in the warehouse and then packed by the team and then handed to the carrier who then drove it to the regional depot where it was sorted and then loaded onto another truck that will bring it to your door on Thursday afternoon between two and five o'clock unless the weather delays it or the roads are closed by snow in which case the carrier will call you and agree on another day and time that suits you and your family";
    lines[20] = line(run_on, 20);
    let d = b005(&lines);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message
            .starts_with("answer's style stands out from the file's: sentences of ")
            && d[0]
                .message
                .ends_with(" words on average (the file's typical answer: 4)"),
        "{}",
        d[0].message
    );
}

#[test]
fn code_factorials_and_quoted_exclamations_are_not_a_voice() {
    let mut lines: Vec<String> = (0..40).map(|i| line(&formal(i), i)).collect();
    lines[9] = line(
        "Run this script:\n#!/bin/sh\nif [ ! -d out ]; then echo \"Done!\"; fi\nIt prints \"Hello, world!\" when 4! / 2! != 3.",
        9,
    );
    assert_eq!(b005(&lines), vec![]);
}

/// B005's findings on each real dataset, as docs/real-data.md reports them.
const REAL: &[(&str, usize, &[u64])] = &[
    ("axolotl_mistral_example.jsonl", 10, &[]),
    ("fastchat_dummy_conversation.jsonl", 500, &[]),
    ("gpteacher_codegen.jsonl", 4535, &[3504]),
    ("gpteacher_roleplay.jsonl", 1923, &[219, 828, 1301]),
    ("gpteacher_toolformer.jsonl", 7673, &[]),
    ("gsm8k_test.jsonl", 1319, &[]),
    ("gsm8k_train.jsonl", 7473, &[]),
    ("llamafactory_alpaca_en_demo.jsonl", 999, &[540, 757, 804]),
    ("llamafactory_alpaca_zh_demo.jsonl", 1000, &[]),
    ("llamafactory_dpo_en_demo.jsonl", 300, &[]),
    ("llamafactory_identity.jsonl", 91, &[]),
    // 46, 149 and 256 are in that voice too, but undesirable (`label: false`) answers.
    ("llamafactory_kto_en_demo.jsonl", 300, &[1]),
    ("llamafactory_reason_tool_use_50.jsonl", 50, &[]),
    ("llamafactory_v1_dpo_demo.jsonl", 10, &[]),
    ("llamafactory_v1_sft_demo.jsonl", 500, &[]),
    ("llmfoundry_dolly_hhrlhf_small.jsonl", 1000, &[]),
    ("openai_cookbook_toy_chat.jsonl", 5, &[]),
    ("pirate_training_set.jsonl", 10, &[]),
    ("self_instruct_seed_tasks.jsonl", 175, &[]),
    ("together_rewardbench2_dpo_val.jsonl", 356, &[217, 240]),
    ("together_small_coqa_10.jsonl", 10, &[]),
];

#[test]
fn real_datasets_get_the_findings_docs_report_and_gsm8k_under_half_a_percent() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
    if !dir.is_dir() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{} is absent, and CI=true requires it",
            dir.display()
        );
        eprintln!("note: {} is absent; skipping", dir.display());
        return;
    }
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for &(file, examples, lines) in REAL {
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(scratch.path())
            .args(["--isolated", "--select", "B005", "--format", "json"])
            .arg(dir.join(file))
            .output()
            .expect("run tunelint");
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let got: Vec<u64> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == "B005")
            .map(|d| d["line"].as_u64().expect("line"))
            .collect();
        assert_eq!(report["summary"]["examples"], examples, "{file}");
        if got != lines {
            failures.push(format!("{file}: B005 on lines {got:?}, expected {lines:?}"));
        }
        if file == "gsm8k_train.jsonl" {
            assert!(
                (got.len() as f64) < examples as f64 * 0.005,
                "gsm8k train: {} findings, over 0.5% of {examples}",
                got.len()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
