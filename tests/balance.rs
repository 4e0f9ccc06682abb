//! The B rules (balance and size) as a user sees them, and the composition classifier
//! measured against hand-labelled real examples.
//!
//! - `tests/fixtures/composition/labels.jsonl`: examples from `../shared/datasets` labelled by
//!   hand (path, line, label, reason; docs/composition.md says how they were chosen). The
//!   classifier's precision and recall per category must stay at the measured values, less a
//!   small margin.
//! - The label key: categories read from a top-level key, which S008 then accepts.
//! - Real data: what B001-B004 say about gsm8k's training split.
//!
//! Tests that need `../shared/datasets` pass with a note when it is absent, and fail under
//! `CI=true`. Each rule's firing and quiet fixtures are in `tests/fixtures/rules/` (run by
//! tests/rules.rs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tunelint::composition::Category;
use tunelint::config::{CliOverrides, Config};
use tunelint::engine;
use tunelint::rules::Code;
use tunelint::rules::balance::classify::classify;

fn datasets() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if dir.join("chat").is_dir() {
        return Some(dir);
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "{} is absent, and CI=true requires it",
        dir.display()
    );
    eprintln!("note: {} is absent; skipping", dir.display());
    None
}

/// The text of a message's content: a string, or the texts of its parts.
fn text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").or_else(|| p.get("value")))
            .filter_map(Value::as_str)
            .collect(),
        _ => String::new(),
    }
}

/// The last user turn before the final assistant turn, and that assistant turn.
fn turns(record: &Value) -> (Option<String>, String) {
    let messages = record["messages"].as_array().expect("messages array");
    let last = messages
        .iter()
        .rposition(|m| m["role"] == "assistant")
        .expect("an assistant turn");
    let user = messages[..last]
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .map(|m| text(&m["content"]));
    (user, text(&messages[last]["content"]))
}

/// Precision and recall per category, as measured when the labels were made
/// (docs/composition.md): the test fails when either drops by more than `MARGIN`.
const MEASURED: [(Category, f64, f64); 4] = [
    (Category::Common, 0.98, 0.98),
    (Category::Edge, 0.76, 0.80),
    (Category::Clarification, 0.87, 0.87),
    (Category::Refusal, 0.92, 0.92),
];
const MARGIN: f64 = 0.03;

#[test]
fn the_classifier_keeps_its_measured_precision_and_recall_on_hand_labelled_examples() {
    let Some(dir) = datasets() else { return };
    let labels = include_str!("fixtures/composition/labels.jsonl");
    let mut files: HashMap<String, Vec<String>> = HashMap::new();
    // (label, prediction) → count
    let mut counts: HashMap<(Category, Category), usize> = HashMap::new();
    let mut total = 0;
    for line in labels.lines() {
        let row: Value = serde_json::from_str(line).expect("a labels line is JSON");
        let path = row["path"].as_str().expect("path");
        let n = row["line"].as_u64().expect("line") as usize;
        let label = Category::parse(row["label"].as_str().expect("label")).expect("a category");
        assert!(
            row["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{line}: every label has its reason"
        );
        let lines = files.entry(path.to_owned()).or_insert_with(|| {
            std::fs::read_to_string(dir.join(path))
                .unwrap_or_else(|e| panic!("{path}: {e}"))
                .lines()
                .map(str::to_owned)
                .collect()
        });
        let record: Value = serde_json::from_str(&lines[n - 1]).expect("a labelled line is JSON");
        let (user, answer) = turns(&record);
        let predicted = classify(user.as_deref(), &answer);
        *counts.entry((label, predicted)).or_default() += 1;
        total += 1;
    }
    assert!(
        total >= 300,
        "{total} labelled examples; at least 300 are promised"
    );
    let mut report = String::new();
    let mut failures = Vec::new();
    for (category, min_precision, min_recall) in MEASURED {
        let hits = counts.get(&(category, category)).copied().unwrap_or(0);
        let predicted: usize = counts
            .iter()
            .filter(|((_, p), _)| *p == category)
            .map(|(_, n)| n)
            .sum();
        let labelled: usize = counts
            .iter()
            .filter(|((l, _), _)| *l == category)
            .map(|(_, n)| n)
            .sum();
        let precision = hits as f64 / predicted.max(1) as f64;
        let recall = hits as f64 / labelled.max(1) as f64;
        report.push_str(&format!(
            "{:<14} labelled {labelled:>3}  predicted {predicted:>3}  right {hits:>3}  precision {precision:.2}  recall {recall:.2}\n",
            category.as_str()
        ));
        if precision < min_precision - MARGIN || recall < min_recall - MARGIN {
            failures.push(category.as_str());
        }
    }
    eprintln!("{report}");
    assert!(
        failures.is_empty(),
        "the classifier dropped below its measured precision or recall for {failures:?}:\n{report}"
    );
}

fn settings(toml: &str) -> tunelint::settings::Settings {
    Config::parse(toml, Path::new("tunelint.toml"))
        .and_then(|c| c.settings_for(Path::new("data.jsonl"), &CliOverrides::default()))
        .unwrap_or_else(|e| panic!("{toml}: {}", e.message()))
}

fn line(user: &str, answer: &str, category: Option<&str>) -> String {
    let mut record = serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": answer},
    ]});
    if let Some(c) = category {
        record["category"] = c.into();
    }
    format!("{record}\n")
}

/// Ten distinct happy-path exchanges about a support desk.
fn common_lines(category: Option<&str>) -> String {
    let topics = [
        "invoices",
        "passwords",
        "shipping",
        "refunds",
        "the mobile app",
        "student discounts",
        "gift cards",
        "two-factor login",
        "data export",
        "team seats",
    ];
    topics
        .iter()
        .map(|t| {
            line(
                &format!("Where do I find the settings for {t} in my account?"),
                &format!("Open Account, then Settings, and choose the {t} tab to manage them."),
                category,
            )
        })
        .collect()
}

#[test]
fn the_label_key_gives_the_categories_and_is_not_an_unknown_key() {
    let toml = "[composition]\nlabel_key = \"category\"\nmin_examples = 10\n";
    // Ten examples labelled refusal: nothing is common, edge or clarification.
    let bytes = common_lines(Some("refusal"));
    let (diagnostics, _) = engine::lint_bytes(bytes.as_bytes(), &settings(toml));
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&Code::S008), "{diagnostics:?}");
    assert!(!codes.contains(&Code::B003), "{diagnostics:?}");
    assert!(codes.contains(&Code::B004), "{diagnostics:?}");
    let b002 = diagnostics
        .iter()
        .find(|d| d.code == Code::B002)
        .expect("B002 fires");
    assert!(
        b002.message
            .contains("refusal 100.0% (10 of 10; target 10% ± 10)"),
        "{}",
        b002.message
    );
    assert!(
        b002.message.contains("categories from \"category\""),
        "{}",
        b002.message
    );
    assert_eq!(b002.location.line, 1);

    // Without the setting the key is unknown (S008) and the classifier decides.
    let (diagnostics, _) = engine::lint_bytes(
        bytes.as_bytes(),
        &settings("[composition]\nmin_examples = 10\n"),
    );
    assert!(diagnostics.iter().any(|d| d.code == Code::S008));
    assert!(diagnostics.iter().any(|d| d.code == Code::B003));
}

/// A share exactly at its target's tolerance is not "further than" it, with targets and a
/// tolerance written with decimals too (15.3 - 10 is 5.300000000000001 in floating point,
/// and B002 reported it); a hair further is reported.
#[test]
fn b002_reports_shares_further_than_the_tolerance_not_at_it() {
    let labelled = |counts: [(&str, usize); 4]| -> String {
        let mut n = 0;
        let mut lines = String::new();
        for (category, count) in counts {
            for _ in 0..count {
                lines += &line(
                    &format!("Question number {n} about item {}?", n * 7919),
                    &format!("Answer number {n} is complete."),
                    Some(category),
                );
                n += 1;
            }
        }
        lines
    };
    let toml = "[composition]\nlabel_key = \"category\"\nmin_examples = 10\ntolerance = 5.3\ntargets = { common = 64.7, edge = 15.3, clarification = 10, refusal = 10 }\n";
    let b002 = |bytes: String| -> Vec<String> {
        let (diagnostics, _) = engine::lint_bytes(bytes.as_bytes(), &settings(toml));
        diagnostics
            .iter()
            .filter(|d| d.code == Code::B002)
            .map(|d| d.message.clone())
            .collect()
    };
    let at = b002(labelled([
        ("common", 65),
        ("edge", 10),
        ("clarification", 13),
        ("refusal", 12),
    ]));
    assert_eq!(at, Vec::<String>::new());
    let further = b002(labelled([
        ("common", 66),
        ("edge", 9),
        ("clarification", 13),
        ("refusal", 12),
    ]));
    assert_eq!(further.len(), 1, "{further:?}");
    assert!(
        further[0].contains("edge 9.0% (9 of 100; target 15.3% ± 5.3)"),
        "{further:?}"
    );
}

#[test]
fn a_file_below_min_examples_is_not_judged() {
    let bytes = common_lines(None);
    let (diagnostics, _) = engine::lint_bytes(bytes.as_bytes(), &settings(""));
    assert!(
        diagnostics
            .iter()
            .all(|d| !matches!(d.code, Code::B001 | Code::B002 | Code::B003 | Code::B004)),
        "{diagnostics:?}"
    );
}

#[test]
fn too_few_examples_is_a_warning_below_the_minimum_and_info_below_the_recommended() {
    let bytes = common_lines(None);
    let lint = |goal: &str| {
        let (d, _) = engine::lint_bytes(
            bytes.as_bytes(),
            &settings(&format!("[dataset]\ngoal = \"{goal}\"\n")),
        );
        d.into_iter()
            .filter(|d| d.code == Code::B001)
            .map(|d| (d.level, d.location.line, d.message))
            .collect::<Vec<_>>()
    };
    let warning = lint("style");
    assert_eq!(warning.len(), 1);
    assert_eq!(warning[0].0, tunelint::rule::Level::Warning);
    assert_eq!(warning[0].1, 1);
    assert_eq!(
        warning[0].2,
        "10 examples, fewer than the minimum of 100 for style or tone transfer (`[dataset] goal = \"style\"`); 500 are recommended"
    );
    // Format adherence: sixty examples are above the minimum (50), fifty at it; both below the
    // recommended 200.
    for (tens, said) in [
        (6, "60 examples: above the minimum of 50"),
        (5, "50 examples: at the minimum of 50"),
    ] {
        let text: String = (0..tens).map(|_| common_lines(None)).collect();
        let (d, _) =
            engine::lint_bytes(text.as_bytes(), &settings("[dataset]\ngoal = \"format\"\n"));
        let b001: Vec<_> = d.iter().filter(|d| d.code == Code::B001).collect();
        assert_eq!(b001.len(), 1, "{d:?}");
        assert_eq!(b001[0].level, tunelint::rule::Level::Info);
        assert!(b001[0].message.starts_with(said), "{}", b001[0].message);
    }
}

/// `tunelint --format json` on one real dataset, with `config` as its tunelint.toml.
fn json_run(dir: &Path, file: &str, config: &str) -> Value {
    let scratch = tempfile::tempdir().expect("temp dir");
    std::fs::write(scratch.path().join("tunelint.toml"), config).expect("write config");
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(scratch.path())
        .args(["--format", "json"])
        .arg(dir.join(file))
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"))
}

fn findings<'v>(report: &'v Value, code: &str) -> Vec<&'v Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn gsm8k_train_is_all_common_answers_without_refusals_or_clarifications() {
    let Some(dir) = datasets() else { return };
    let report = json_run(
        &dir.join("chat"),
        "gsm8k_train.jsonl",
        "[dataset]\ngoal = \"domain\"\n",
    );
    // 7473 worked answers: above the recommended 1000 for domain vocabulary.
    assert!(findings(&report, "B001").is_empty());
    let b002 = findings(&report, "B002");
    assert_eq!(b002.len(), 1);
    assert_eq!(b002[0]["line"], 1);
    assert_eq!(
        b002[0]["message"],
        "composition is off target: common 99.9% (7,471 of 7,473; target 60% ± 10), edge 0.0% (2 of 7,473; target 20% ± 10); categories from the classifier, see `tunelint explain B002`"
    );
    let b003 = findings(&report, "B003");
    assert_eq!(b003.len(), 1);
    assert_eq!(
        b003[0]["message"],
        "no refusal examples among 7,473 examples (target 10%: declining out-of-scope requests with a reason and a redirect); categories from the classifier, see `tunelint explain B002`"
    );
    assert_eq!(findings(&report, "B004").len(), 1);

    // The lesson's "complex behaviour" wants 500 to 5000: 7473 is enough; "style" too. The
    // test split's 1319 examples, trained on under another name (a test split is not judged).
    let copy = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        dir.join("chat/gsm8k_test.jsonl"),
        copy.path().join("gsm8k_more.jsonl"),
    )
    .expect("copy");
    let report = json_run(
        copy.path(),
        "gsm8k_more.jsonl",
        "[dataset]\ngoal = \"complex\"\n",
    );
    let b001 = findings(&report, "B001");
    assert_eq!(
        b001.len(),
        1,
        "1319 examples are below the recommended 5000"
    );
    assert_eq!(b001[0]["level"], "info");
}

#[test]
fn a_preference_set_with_refusals_has_no_b003() {
    let Some(dir) = datasets() else { return };
    let report = json_run(&dir.join("chat"), "together_rewardbench2_dpo_val.jsonl", "");
    assert!(findings(&report, "B003").is_empty());
    assert!(findings(&report, "B004").is_empty());
}

/// The composition targets and the goal's counts are for training data: a test split beside
/// its training file is not judged by B001–B004, the training file is.
#[test]
fn an_evaluation_split_is_not_judged_for_composition_or_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = "[composition]\nmin_examples = 10\n[dataset]\ngoal = \"style\"\n";
    std::fs::write(dir.path().join("tunelint.toml"), config).expect("write config");
    let train = common_lines(None);
    // Different questions in the test split: no split leak either.
    let test: String = common_lines(None).replace("Where do I find", "How do I reach");
    std::fs::write(dir.path().join("train.jsonl"), train).expect("write train");
    std::fs::write(dir.path().join("test.jsonl"), test).expect("write test");
    let lint = || -> Value {
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(dir.path())
            .args(["--format", "json", "--select", "B001,B002,B003,B004", "."])
            .output()
            .expect("run tunelint");
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let report = lint();
    let files_of = |code: &str| -> Vec<String> {
        findings(&report, code)
            .iter()
            .map(|d| {
                d["path"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches("./")
                    .to_owned()
            })
            .collect()
    };
    for code in ["B001", "B002", "B003", "B004"] {
        assert_eq!(files_of(code), ["train.jsonl"], "{code}: {report}");
    }
    // The composition chart shows what B002 judged: the training file's examples.
    let title = |report: &Value| -> String {
        report["summary"]["charts"]
            .as_array()
            .expect("charts")
            .iter()
            .find(|c| c["id"] == "composition")
            .and_then(|c| c["title"].as_str())
            .expect("the composition chart")
            .to_owned()
    };
    let trained = common_lines(None).lines().count();
    assert_eq!(
        title(&report),
        format!("Composition against the target ({trained} examples classified)")
    );
    // `stats` draws the same composition; its other figures count both files.
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir.path())
        .args(["stats", "--no-tokens", "--format", "json", "."])
        .output()
        .expect("run tunelint stats");
    let stats: Value = serde_json::from_slice(&out.stdout).expect("stats json");
    assert_eq!(title(&stats), title(&report), "{stats}");
    assert_eq!(
        stats["summary"]["examples"].as_u64(),
        Some(2 * trained as u64),
        "{stats}"
    );
    // A validation file with no training file beside it may be what is trained on: judged.
    std::fs::remove_file(dir.path().join("train.jsonl")).expect("remove train");
    std::fs::rename(
        dir.path().join("test.jsonl"),
        dir.path().join("validation.jsonl"),
    )
    .expect("rename");
    let report = lint();
    for code in ["B001", "B002", "B003", "B004"] {
        assert_eq!(findings(&report, code).len(), 1, "{code}: {report}");
    }
}

/// The classifier's phrases are English: a file whose answers are in another script is not
/// called all common, without refusals or clarifications; B002 says once, as info, that its
/// composition is not judged, and the label key still sorts it.
#[test]
fn answers_in_another_script_are_not_sorted_by_the_english_phrases() {
    let answers = [
        (
            "我想了解这款产品的保修期是多久？",
            "这款产品的保修期为两年，自购买之日起计算。",
        ),
        (
            "你能帮我查一下别人的账户密码吗？",
            "抱歉，我无法帮助获取他人的账户密码。",
        ),
        (
            "它坏了，怎么办？",
            "请问您指的是哪一款产品？能否告诉我具体出现了什么问题？",
        ),
        (
            "Как сбросить пароль?",
            "Откройте страницу входа и нажмите «Забыли пароль».",
        ),
    ];
    let bytes: String = (0..12)
        .flat_map(|i| {
            answers
                .iter()
                .map(move |(u, a)| line(&format!("{u} ({i})"), &format!("{a} ({i})"), None))
        })
        .collect();
    let (diagnostics, _) = engine::lint_bytes(
        bytes.as_bytes(),
        &settings("[composition]\nmin_examples = 10\n"),
    );
    let b: Vec<_> = diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::B002 | Code::B003 | Code::B004))
        .collect();
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].code, Code::B002);
    assert_eq!(b[0].level, tunelint::rule::Level::Info);
    assert!(
        b[0].message.starts_with(
            "composition not judged: 48 of 48 answers are written mostly in a script other than Latin"
        ),
        "{}",
        b[0].message
    );
    // English answers with a few words of another script are still sorted.
    let mixed = line(
        "How do I say thank you in Chinese?",
        "You say 谢谢 (xièxie); in a formal letter, 感谢您 is more polite.",
        None,
    )
    .repeat(12);
    let (diagnostics, _) = engine::lint_bytes(
        mixed.as_bytes(),
        &settings("[composition]\nmin_examples = 10\n"),
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == Code::B003 && d.message.starts_with("no refusal examples among 12")),
        "{diagnostics:?}"
    );
    // Labelled, the same answers are sorted by their labels.
    let labelled = bytes.replace("]}\n", "], \"category\": \"common\"}\n");
    let (diagnostics, _) = engine::lint_bytes(
        labelled.as_bytes(),
        &settings("[composition]\nlabel_key = \"category\"\nmin_examples = 10\n"),
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == Code::B002 && d.message.contains("common 100.0% (48 of 48")),
        "{diagnostics:?}"
    );
}

/// docs/composition.md's table of what `tunelint --isolated` reports on the real datasets
/// is what it reports: each row's B002 shares and common count, and which of B003 and B004
/// fire (the RewardBench row went stale once, when answers in other scripts stopped being
/// sorted).
#[test]
fn the_documented_composition_of_the_real_datasets_is_what_tunelint_reports() {
    let Some(dir) = datasets() else { return };
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/composition.md"))
            .expect("read docs/composition.md");
    let files = [
        ("gsm8k train", "chat/gsm8k_train.jsonl"),
        ("gsm8k test", "chat/gsm8k_test.jsonl"),
        (
            "LLaMA-Factory alpaca demo",
            "chat/llamafactory_alpaca_en_demo.jsonl",
        ),
        (
            "RewardBench 2 (chosen)",
            "chat/together_rewardbench2_dpo_val.jsonl",
        ),
        (
            "Dolly/HH-RLHF mix",
            "chat/llmfoundry_dolly_hhrlhf_small.jsonl",
        ),
    ];
    let mut checked = 0;
    for row in doc.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let Some((_, file)) = files.iter().find(|(label, _)| *label == cells[0]) else {
            continue;
        };
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(&dir)
            .args([
                "--isolated",
                "--select",
                "B002,B003,B004",
                "--format",
                "json",
                file,
            ])
            .output()
            .expect("run tunelint");
        let report: Value = serde_json::from_slice(&out.stdout).expect("json");
        let b002 = findings(&report, "B002");
        let message = b002[0]["message"].as_str().expect("message");
        let shares = cells[6]
            .split_once('(')
            .and_then(|(_, s)| s.strip_suffix(')').or(s.split_once(')').map(|(s, _)| s)))
            .expect("B002's shares");
        for share in shares.split(", ") {
            assert!(message.contains(&format!("{share} (")), "{row}\n{message}");
        }
        let common = cells[2].parse::<u64>().expect("common count");
        if message.contains("common ") {
            let written = tunelint::wording::thousands(common);
            assert!(
                message.contains(&format!("% ({written} of ")),
                "{row}\n{message}"
            );
        }
        for code in ["B003", "B004"] {
            assert_eq!(
                !findings(&report, code).is_empty(),
                cells[6].contains(code),
                "{code}: {row}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, files.len(), "a row of the table was not found");
}

/// A target's minimum holds for every training file: a name that merely holds a split word
/// (`unit_test_generation.jsonl`, `web-dev-qa.jsonl`) is a training file's (s15d 01). A
/// validation file is not held to it, beside its training file or named alone (a CI run on
/// the changed file).
#[test]
fn a_targets_minimum_spares_only_a_validation_file_beside_its_training_file() {
    let five: String = common_lines(None)
        .lines()
        .take(5)
        .map(|l| format!("{l}\n"))
        .collect();
    let b001_files = |dir: &Path, args: &[&str]| -> Vec<String> {
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(dir)
            .args(["--isolated", "--target", "openai", "--format", "json"])
            .args(args)
            .output()
            .expect("run tunelint");
        let report: Value = serde_json::from_slice(&out.stdout).expect("json");
        findings(&report, "B001")
            .iter()
            .map(|d| d["path"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    for name in [
        "unit_test_generation.jsonl",
        "web-dev-qa.jsonl",
        "ab-test-prompts.jsonl",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(name), &five).expect("write");
        assert_eq!(b001_files(dir.path(), &[name]), [name], "{name}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("validation.jsonl"), &five).expect("write");
    assert_eq!(
        b001_files(dir.path(), &["validation.jsonl"]),
        Vec::<String>::new()
    );
    std::fs::write(dir.path().join("train.jsonl"), common_lines(None)).expect("write");
    assert_eq!(b001_files(dir.path(), &["."]), Vec::<String>::new());
}
