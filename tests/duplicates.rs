//! Duplicate detection: the index finds what comparing every pair finds (recall), the
//! `dedupe` command keeps what the lesson's `deduplicate()` keeps, and the D rules behave
//! through the binary (files, splits, configuration, the gate).
//!
//! Recall is measured on the first user messages of the real datasets in
//! `../shared/datasets/chat` (when present) and on a synthetic set with planted
//! near-duplicates of every edit kind. `TUNELINT_RECALL_N` raises the examples per set
//! (default 600, so the brute-force reference stays quick in a debug build).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use tunelint::dedup::search::{self, first_matches};
use tunelint::dedup::similarity::Matcher;
use tunelint::dedup::texts::CompareTexts;

const THRESHOLD: f64 = 0.85;

fn per_set() -> usize {
    std::env::var("TUNELINT_RECALL_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
    dir.is_dir().then_some(dir)
}

/// The first user message of each record, as the lesson's dedup compares.
fn first_user_messages(path: &Path, n: usize) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            v["messages"]
                .as_array()?
                .iter()
                .find(|m| m["role"] == "user")
                .and_then(|m| m["content"].as_str().map(str::to_owned))
        })
        .filter(|t| !t.is_empty())
        .take(n)
        .collect()
}

/// A deterministic synthetic set: base questions, short and long, and near copies made by
/// typos, word swaps, insertions and deletions.
fn synthetic(n: usize) -> Vec<String> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut rand = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let words = [
        "account",
        "password",
        "invoice",
        "refund",
        "shipping",
        "order",
        "delivery",
        "billing",
        "plan",
        "upgrade",
        "cancel",
        "email",
        "address",
        "card",
        "payment",
        "login",
        "error",
        "app",
        "mobile",
        "subscription",
        "discount",
        "warehouse",
        "parcel",
        "tracking",
        "support",
        "team",
        "seat",
        "export",
        "report",
        "data",
        "privacy",
        "region",
    ];
    let mut out: Vec<String> = Vec::new();
    while out.len() < n {
        if out.len() < 10 || rand(3) == 0 {
            // A new base text: 3 to 60 words, so short and long messages both occur.
            let len = 3 + rand(58);
            let text: Vec<&str> = (0..len).map(|_| words[rand(words.len())]).collect();
            out.push(format!("How do I {}?", text.join(" ")));
        } else {
            let base = out[rand(out.len())].clone();
            let mut chars: Vec<char> = base.chars().collect();
            match rand(4) {
                0 => {
                    let at = rand(chars.len());
                    chars[at] = 'x';
                }
                1 => {
                    let mut w: Vec<&str> = base.split(' ').collect();
                    if w.len() > 2 {
                        let a = rand(w.len() - 1);
                        w.swap(a, a + 1);
                    }
                    chars = w.join(" ").chars().collect();
                }
                2 => {
                    let at = rand(chars.len());
                    chars.splice(at..at, " please".chars());
                }
                _ => {
                    if chars.len() > 4 {
                        let at = rand(chars.len() - 3);
                        chars.drain(at..at + 3);
                    }
                }
            }
            out.push(chars.into_iter().collect());
        }
    }
    out
}

fn facts_of(texts: &[String]) -> CompareTexts {
    let mut facts = CompareTexts::default();
    for t in texts {
        facts.push(t);
    }
    facts
}

/// (examples brute force flags, of those the index flags too, index flags that are wrong),
/// on the search's first matches: what the index finds, before the greedy pass keeps only
/// the matches of examples that are kept.
fn recall(texts: &[String]) -> (usize, usize, usize) {
    let mut matcher = Matcher::new();
    let brute: Vec<bool> = (0..texts.len())
        .map(|i| (0..i).any(|j| matcher.exceeds(&texts[i], &texts[j], THRESHOLD).is_some()))
        .collect();
    let facts = facts_of(texts);
    let options = search::Options {
        threshold: THRESHOLD,
        exhaustive: false,
        threads: 2,
        ignore_template: false,
    };
    let found = first_matches(&facts, &options, |_| false);
    let mut hits = 0;
    let mut wrong = 0;
    for f in &found {
        let (i, j) = (f.text as usize, f.of as usize);
        // Every reported pair is above the threshold, by the exact measure.
        assert!(f.similarity > THRESHOLD && j < i);
        assert_eq!(matcher.ratio(&texts[i], &texts[j]), f.similarity);
        if brute[i] { hits += 1 } else { wrong += 1 }
    }
    (brute.iter().filter(|b| **b).count(), hits, wrong)
}

#[test]
fn the_index_finds_at_least_99_percent_of_what_comparing_every_pair_finds() {
    let n = per_set();
    let mut sets: Vec<(String, Vec<String>)> = vec![("synthetic".into(), synthetic(n))];
    if let Some(dir) = data_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let texts = first_user_messages(&f, n);
            if texts.len() > 1 {
                sets.push((
                    f.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    texts,
                ));
            }
        }
    } else {
        eprintln!(
            "note: ../shared/datasets/chat is absent; recall measured on synthetic data only"
        );
    }
    let (mut total, mut found) = (0, 0);
    for (name, texts) in &sets {
        let (flagged, hits, wrong) = recall(texts);
        eprintln!(
            "recall {name}: {hits} of {flagged} near-duplicates found ({} examples)",
            texts.len()
        );
        assert_eq!(
            wrong, 0,
            "{name}: the index flagged examples that have no earlier near-duplicate"
        );
        total += flagged;
        found += hits;
    }
    let rate = found as f64 / total.max(1) as f64;
    eprintln!("recall overall: {found} of {total} = {:.2}%", rate * 100.0);
    assert!(
        total > 50,
        "the sets must contain near-duplicates to measure anything"
    );
    assert!(rate >= 0.99, "recall {:.2}% is under 99%", rate * 100.0);
}

/// `tunelint dedupe ...` in `dir`, ignoring any configuration.
fn dedupe(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .arg("dedupe")
        .arg("--isolated")
        .args(args);
    cmd
}

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .arg("--isolated");
    cmd
}

fn chat(user: &str, assistant: &str) -> String {
    serde_json::json!({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}).to_string()
}

#[test]
fn split_files_in_one_directory_are_checked_for_leaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let train = [
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Where are my invoices?", "Under Billing."),
    ];
    std::fs::write(d.join("train.jsonl"), train.join("\n") + "\n").expect("write");
    let valid = [
        chat("Where are my invoices?", "Under Billing."),
        chat(
            "How do I reset my pasword?",
            "Forgot password, on the sign-in page.",
        ),
    ];
    std::fs::write(d.join("valid.jsonl"), valid.join("\n") + "\n").expect("write");
    let out = tunelint(d)
        .args(["--format", "concise", "."])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("valid.jsonl:1:1: D003 exact copy of training example train.jsonl:2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("valid.jsonl:2:25: D003 near copy of training example train.jsonl:1 ("),
        "{stdout}"
    );
    assert!(stdout.contains("gate failed: duplicates 2"), "{stdout}");
    // The gate as a percentage: 2 of 4 examples is 50%.
    let out = tunelint(d)
        .args(["--format", "concise", "--max-duplicates", "50%", "."])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// An evaluation example identical to a training example is reported as an exact copy of
/// that example whether the training split is one file or shards, even when an earlier
/// shard holds a near copy of it.
#[test]
fn an_exact_leak_from_a_sharded_training_split_names_the_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let a = chat(
        "How do I reset my password on the website?",
        "Click Forgot password on the sign-in page.",
    );
    let b = chat(
        "How do I reset my pasword on the website?",
        "Use the Forgot password link when you sign in.",
    );
    for dir in ["single", "sharded"] {
        std::fs::create_dir(d.join(dir)).expect("mkdir");
        std::fs::write(d.join(dir).join("test.jsonl"), format!("{b}\n")).expect("write");
    }
    std::fs::write(d.join("single/train.jsonl"), format!("{a}\n{b}\n")).expect("write");
    std::fs::write(
        d.join("sharded/train-00000-of-00002.jsonl"),
        format!("{a}\n"),
    )
    .expect("write");
    std::fs::write(
        d.join("sharded/train-00001-of-00002.jsonl"),
        format!("{b}\n"),
    )
    .expect("write");
    for (dir, train) in [
        ("single", "single/train.jsonl:2"),
        ("sharded", "sharded/train-00001-of-00002.jsonl:1"),
    ] {
        let out = tunelint(d)
            .args(["--format", "concise", "--select", "D003", dir])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let leaks: Vec<&str> = stdout.lines().filter(|l| l.contains(" D003 ")).collect();
        assert_eq!(
            leaks,
            [format!(
                "{dir}/test.jsonl:1:1: D003 exact copy of training example {train}; evaluation scores would count it as learned"
            )],
            "{stdout}"
        );
    }
}

/// Shards are read in the order of their paths from the project root, however they are
/// spelt on the command line: the later shard's copy is the duplicate whether a shard is
/// named by an absolute path, through `x/../` or from a subfolder, and SARIF and the
/// annotations name the other copy's file by that path in their text too.
#[test]
fn which_shard_copy_is_first_does_not_depend_on_how_paths_are_spelt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("data")).expect("mkdir");
    std::fs::create_dir_all(d.join("zz")).expect("mkdir");
    let a = chat("How do I reset my password?", "Click Forgot password.");
    for shard in ["train-00000-of-00002.jsonl", "train-00001-of-00002.jsonl"] {
        std::fs::write(d.join("data").join(shard), format!("{a}\n")).expect("write");
    }
    let absolute = d.join("data/train-00001-of-00002.jsonl");
    let absolute = absolute.to_str().expect("a UTF-8 path");
    let spellings: [(&str, Vec<&str>); 4] = [
        (".", vec!["data"]),
        (".", vec!["data/train-00000-of-00002.jsonl", absolute]),
        (
            ".",
            vec![
                "zz/../data/train-00000-of-00002.jsonl",
                "data/train-00001-of-00002.jsonl",
            ],
        ),
        ("data", vec!["--project-root", "..", "."]),
    ];
    for (cwd, args) in spellings {
        let out = tunelint(&d.join(cwd))
            .args(["--format", "sarif", "--select", "D001"])
            .args(&args)
            .output()
            .expect("run");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
        let results = doc["runs"][0]["results"].as_array().expect("results");
        let uris: Vec<&str> = results
            .iter()
            .filter(|r| r["ruleId"] == "D001")
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(uris, ["data/train-00001-of-00002.jsonl"], "{args:?}");
        // The message names the other file by the same path as the location fields.
        let texts: Vec<&str> = results
            .iter()
            .filter(|r| r["ruleId"] == "D001")
            .map(|r| r["message"]["text"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            texts,
            ["exact duplicate of the example at data/train-00000-of-00002.jsonl:1"],
            "{args:?}"
        );
        let github = tunelint(&d.join(cwd))
            .args(["--format", "github", "--select", "D001"])
            .args(&args)
            .output()
            .expect("run");
        let github = String::from_utf8_lossy(&github.stdout);
        assert!(
            github.contains("::exact duplicate of the example at data/train-00000-of-00002.jsonl:1%0Adata/train-00000-of-00002.jsonl:1: first occurrence"),
            "{args:?}: {github}"
        );
    }
}

#[test]
fn dataset_groups_in_config_are_checked_for_leaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("data")).expect("mkdir");
    std::fs::write(
        d.join("data/a.jsonl"),
        chat("How do I reset my password?", "Use Forgot password.") + "\n",
    )
    .expect("write");
    std::fs::write(
        d.join("data/b.jsonl"),
        chat("How do I reset my password?", "Use Forgot password.") + "\n",
    )
    .expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[[datasets]]\ntrain = [\"data/a.jsonl\"]\ntest = [\"data/b.jsonl\"]\n",
    )
    .expect("write");
    let mut cmd = Command::cargo_bin("tunelint").expect("binary");
    let out = cmd
        .current_dir(d)
        .args(["--format", "concise", "data"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("data/b.jsonl:1:1: D003 exact copy of training example data/a.jsonl:1"),
        "{stdout}"
    );
}

#[test]
fn dedup_threshold_and_field_come_from_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let lines = [
        chat("How do I reset my password?", "Use Forgot password."),
        chat("How do I reset my pasword?", "Something else entirely."),
    ];
    std::fs::write(d.join("x.jsonl"), lines.join("\n") + "\n").expect("write");
    let run = |config: &str| {
        std::fs::write(d.join("tunelint.toml"), config).expect("write");
        let out = Command::cargo_bin("tunelint")
            .expect("binary")
            .current_dir(d)
            .args(["--format", "concise", "x.jsonl"])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run("").contains("x.jsonl:2:25: D002 near-duplicate of the example at line 1"));
    assert!(!run("[dedup]\nthreshold = 0.99\n").contains("D002"));
    assert!(!run("[dedup]\nfield = \"assistant\"\n").contains("D002"));
}

/// "At or above `dedup.threshold`" (PRODUCT §4 D002): a pair exactly at the threshold is a
/// near duplicate, and `threshold = 1.0` still finds identical texts. `difflib` rates
/// "abcdefghijklmnopqXYZ" against "abcdefghijklmnopqrst" 0.85 exactly (17 of 20 characters
/// in common: 34/40).
#[test]
fn a_pair_exactly_at_the_threshold_is_a_near_duplicate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let lines = [
        chat("abcdefghijklmnopqrst", "First answer text for this one."),
        chat("abcdefghijklmnopqXYZ", "Second answer text is different."),
        chat(
            "Where is the station?",
            "Third answer text, unlike the rest.",
        ),
        chat("Where is the station?", "Fourth answer, again another one."),
    ];
    std::fs::write(d.join("x.jsonl"), lines.join("\n") + "\n").expect("write");
    let run = |config: &str| {
        std::fs::write(d.join("tunelint.toml"), config).expect("write");
        let out = Command::cargo_bin("tunelint")
            .expect("binary")
            .current_dir(d)
            .env_remove("GITHUB_ACTIONS")
            .args(["--format", "concise", "--select", "D002", "x.jsonl"])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let default = run("");
    assert!(
        default.contains(
            "x.jsonl:2:25: D002 near-duplicate of the example at line 1: first user message 85.0% similar (threshold 85%)"
        ),
        "{default}"
    );
    let just_over = run("[dedup]\nthreshold = 0.8500001\n");
    assert!(!just_over.contains("x.jsonl:2:25: D002"), "{just_over}");
    let exact = run("[dedup]\nthreshold = 1.0\n");
    assert!(
        exact.contains("x.jsonl:4:25: D002 near-duplicate of the example at line 3")
            && !exact.contains("x.jsonl:2:1"),
        "{exact}"
    );
}

/// `max_duplicates = "29%"` with 29 duplicates in 100 examples passes: 0.29 × 100 is
/// 28.999999999999996 in floating point, and the gate failed at exactly its limit.
#[test]
fn a_percentage_of_duplicates_exactly_at_the_limit_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut lines: Vec<String> = (0..71)
        .map(|i| {
            chat(
                &format!("Question {i}: which plan suits a team of {i}?"),
                &format!("Plan {i} suits a team of that size."),
            )
        })
        .collect();
    for _ in 0..29 {
        lines.push(lines[0].clone());
    }
    std::fs::write(d.join("x.jsonl"), lines.join("\n") + "\n").expect("write");
    let out = tunelint(d)
        .args([
            "--format",
            "concise",
            "--select",
            "D001",
            "--max-duplicates",
            "29%",
            "x.jsonl",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("gate failed"), "{stdout}");
    let out = tunelint(d)
        .args([
            "--format",
            "concise",
            "--select",
            "D001",
            "--max-duplicates",
            "28%",
            "x.jsonl",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn dedupe_keeps_what_the_configuration_does_not_call_a_duplicate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let lines = [
        chat("How do I reset my password?", "Use Forgot password."),
        chat("How do I reset my password?", "Use Forgot password."),
        chat("How do I reset my pasword?", "Use the link."),
    ];
    std::fs::write(d.join("in.jsonl"), lines.join("\n") + "\n").expect("write");
    let run = |config: &str| {
        std::fs::write(d.join("tunelint.toml"), config).expect("write");
        let out = Command::cargo_bin("tunelint")
            .expect("binary")
            .current_dir(d)
            .args(["dedupe", "in.jsonl", "--dry-run"])
            .output()
            .expect("run");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (stdout, _) = run("");
    assert!(
        stdout.contains("Would reduce from 3 to 1 example"),
        "{stdout}"
    );
    let (stdout, stderr) = run("[rules]\nD002 = \"off\"\n");
    assert!(
        stdout.contains("in.jsonl:2: would remove: exact duplicate of line 1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Would reduce from 3 to 2 examples"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "D002 near-duplicate is off in the configuration: dedupe keeps near duplicates"
        ),
        "{stderr}"
    );
}

#[test]
fn dedupe_writes_a_copy_without_duplicates_and_never_touches_its_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let lines = [
        chat("How do I reset my password?", "Use Forgot password."),
        "not json at all".to_string(),
        chat("How do I reset my password?", "Use Forgot password."),
        chat("How do I reset my pasword?", "Use the link."),
        chat("Where are my invoices kept?", "Under Billing."),
    ];
    let input = lines.join("\n") + "\n";
    std::fs::write(d.join("in.jsonl"), &input).expect("write");
    let out = dedupe(d, &["in.jsonl", "--dry-run"]).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "in.jsonl:3: would remove: exact duplicate of line 1\nin.jsonl:4: would remove: near-duplicate of line 1 (98.1% similar)\nWould reduce from 5 to 3 examples\n"
    );
    assert!(!d.join("out.jsonl").exists());
    let out = dedupe(d, &["in.jsonl", "-o", "out.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Reduced from 5 to 3 examples\n"
    );
    let written = std::fs::read_to_string(d.join("out.jsonl")).expect("read");
    assert_eq!(
        written,
        [lines[0].as_str(), lines[1].as_str(), lines[4].as_str()].join("\n") + "\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("in.jsonl")).expect("read"),
        input,
        "input unchanged"
    );
    // Refuses to overwrite its input, and leaves no temporary file behind.
    let out = dedupe(d, &["in.jsonl", "-o", "./in.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes over its input"));
    assert_eq!(
        std::fs::read_to_string(d.join("in.jsonl")).expect("read"),
        input
    );
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// A chain of near-duplicates, as the lesson's `deduplicate()` sees it: line 2 repeats line 1
/// and goes, so line 3, similar to line 2 only, has nothing kept to repeat and stays. Line 6
/// is most like line 5, which goes: it repeats line 4, which is kept, and names it. `check`
/// and `dedupe` say the same, with the index and exhaustively.
#[test]
fn near_duplicates_are_judged_against_kept_examples_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let users = [
        "How do I reset my password?",
        "How do I reset my password now?",       // 93.1% like 1
        "How do I reset my password right now?", // 91.1% like 2, 84.3% like 1
        "Where can I download my invoices?",
        "Where can I download my invoices now?", // 94.2% like 4
        "Where can I download my invoices, now?", // 98.6% like 5, 92.9% like 4
    ];
    let lines: Vec<String> = users
        .iter()
        .enumerate()
        .map(|(i, u)| chat(u, &format!("Answer {i}.")))
        .collect();
    std::fs::write(d.join("in.jsonl"), lines.join("\n") + "\n").expect("write");
    let out = tunelint(d)
        .args([
            "--select", "D", "--format", "concise", "--quiet", "in.jsonl",
        ])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "in.jsonl:2:25: D002 near-duplicate of the example at line 1: first user message 93.1% similar (threshold 85%)\n\
         in.jsonl:5:25: D002 near-duplicate of the example at line 4: first user message 94.2% similar (threshold 85%)\n\
         in.jsonl:6:25: D002 near-duplicate of the example at line 4: first user message 92.9% similar (threshold 85%)\n"
    );
    for extra in [&[][..], &["--exhaustive"]] {
        let out = dedupe(d, &[&["in.jsonl", "--dry-run"], extra].concat())
            .output()
            .expect("run");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "in.jsonl:2: would remove: near-duplicate of line 1 (93.1% similar)\n\
             in.jsonl:5: would remove: near-duplicate of line 4 (94.2% similar)\n\
             in.jsonl:6: would remove: near-duplicate of line 4 (92.9% similar)\n\
             Would reduce from 6 to 3 examples\n",
            "{extra:?}"
        );
    }
}

/// `dedupe` removes at most half of a dataset unless `--force` says so: it refuses with exit
/// 2, says how many would go, and writes nothing. `--dry-run` only reports.
#[test]
fn dedupe_refuses_to_remove_more_than_half_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let copy = chat("How do I reset my password?", "Use Forgot password.");
    let other = chat("Where are my invoices kept?", "Under Billing.");
    // 2 of 4 go: exactly half is allowed.
    std::fs::write(
        d.join("half.jsonl"),
        [&copy, &copy, &copy, &other]
            .map(|l| format!("{l}\n"))
            .concat(),
    )
    .expect("write");
    dedupe(d, &["half.jsonl", "-o", "half.out.jsonl"])
        .assert()
        .success()
        .stdout("Reduced from 4 to 2 examples\n");
    // 3 of 5 go.
    let input = [&copy, &copy, &copy, &copy, &other]
        .map(|l| format!("{l}\n"))
        .concat();
    std::fs::write(d.join("in.jsonl"), &input).expect("write");
    let out = dedupe(d, &["in.jsonl", "-o", "out.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("in.jsonl: would remove 3 of 5 examples, more than half of them; dedupe does that only with --force"),
        "{stderr}"
    );
    assert!(!d.join("out.jsonl").exists());
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    dedupe(d, &["in.jsonl", "--dry-run"])
        .assert()
        .success()
        .stdout(predicates::str::ends_with(
            "Would reduce from 5 to 2 examples\n",
        ));
    dedupe(d, &["in.jsonl", "-o", "out.jsonl", "--force"])
        .assert()
        .success()
        .stdout("Reduced from 5 to 2 examples\n");
    assert_eq!(
        std::fs::read_to_string(d.join("out.jsonl")).expect("read"),
        format!("{copy}\n{other}\n")
    );
    assert_eq!(
        std::fs::read_to_string(d.join("in.jsonl")).expect("read"),
        input
    );
}

/// The duplicates `check` reports in `dir/file` (D001 and D002), as (line, line it repeats).
fn check_duplicates(dir: &Path, file: &str, config: &[&str]) -> Vec<(u64, u64)> {
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .args(config)
        .args([
            "--select",
            "D001,D002",
            "--format",
            "concise",
            "--quiet",
            "--exit-zero",
            file,
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = format!("{file}:");
    stdout
        .lines()
        .filter_map(|l| {
            let (line, rest) = l.strip_prefix(&prefix)?.split_once(':')?;
            let rest = rest.split_once(": ")?.1;
            let message = rest
                .strip_prefix("D001 ")
                .or_else(|| rest.strip_prefix("D002 "))?;
            let of = message.split_once("at line ")?.1;
            let of = of.split(|c: char| !c.is_ascii_digit()).next()?;
            Some((line.parse().ok()?, of.parse().ok()?))
        })
        .collect()
}

/// What `dedupe --dry-run` would remove from `dir/file`, as (line, line it repeats).
fn dedupe_removals(dir: &Path, file: &str, config: &[&str]) -> Vec<(u64, u64)> {
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(dir)
        .args(["dedupe", file, "--dry-run"])
        .args(config)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = format!("{file}:");
    let removals: Vec<(u64, u64)> = stdout
        .lines()
        .filter_map(|l| {
            let (line, rest) = l.strip_prefix(&prefix)?.split_once(": would remove: ")?;
            let of = rest.split_once("of line ")?.1;
            let of = of.split(|c: char| !c.is_ascii_digit()).next()?;
            Some((line.parse().ok()?, of.parse().ok()?))
        })
        .collect();
    assert_eq!(
        stdout.lines().count(),
        removals.len() + 1,
        "{file}: every line but the last is a removal: {stdout}"
    );
    removals
}

/// `bytes` without the lines numbered in `lines` (1-based; a line ends after its `\n`).
fn without_lines(bytes: &[u8], lines: &[u64]) -> Vec<u8> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .filter(|(i, _)| !lines.contains(&(*i as u64 + 1)))
        .flat_map(|(_, line)| line.iter().copied())
        .collect()
}

/// `dedupe` removes exactly the lines `check` reports as D001 or D002, naming the same
/// earlier lines, and `dedupe -o` writes every other byte of the input unchanged. Returns
/// how many lines go.
fn assert_dedupe_agrees_with_check(dir: &Path, file: &str, config: &[&str]) -> usize {
    let reported = check_duplicates(dir, file, config);
    let removals = dedupe_removals(dir, file, config);
    assert_eq!(
        removals,
        reported,
        "{}: dedupe and check disagree",
        dir.join(file).display()
    );
    let out = tempfile::tempdir().expect("tempdir");
    let written = out.path().join("out.jsonl");
    Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(dir)
        .args(["dedupe", file, "--force", "-o"])
        .arg(&written)
        .args(config)
        .assert()
        .success();
    let input = std::fs::read(dir.join(file)).expect("read input");
    let lines: Vec<u64> = removals.iter().map(|(line, _)| *line).collect();
    assert!(
        std::fs::read(&written).expect("read output") == without_lines(&input, &lines),
        "{file}: dedupe -o wrote something else than the input without lines {lines:?}"
    );
    removals.len()
}

/// What the lines of a file can be besides examples, around duplicates: a byte-order mark,
/// CRLF line ends, blank lines, a line that is not JSON, a line over `max_line_bytes` (a copy
/// of an earlier example, skipped unread: `check` does not call it a duplicate, so it stays),
/// and no newline at the end.
#[test]
fn dedupe_removes_what_check_reports_whatever_the_lines_around() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let a = chat("How do I reset my password?", "Use Forgot password.");
    let b = chat("Where are my invoices kept?", "Under Billing.");
    let near = chat("How do I reset my pasword?", "Use the link.");
    let long = chat(
        "How do I reset my password?",
        &"Use Forgot password. ".repeat(30),
    );
    std::fs::write(
        d.join("tunelint.toml"),
        "[rules]\nJ008 = { max_line_bytes = 400 }\n",
    )
    .expect("write");
    let files: Vec<(&str, String)> = vec![
        ("bom.jsonl", format!("\u{feff}{a}\n{a}\n")),
        ("crlf.jsonl", format!("{a}\r\n{b}\r\n{near}\r\n{a}\r\n")),
        ("bom-crlf.jsonl", format!("\u{feff}{a}\r\n{a}\r\n{b}\r\n")),
        (
            "blank.jsonl",
            format!("\n{a}\n\n  \t\n{a}\r\n\r\n{b}\n\n{near}\n\n"),
        ),
        (
            "invalid.jsonl",
            format!("{a}\nnot json at all\n{{\"messages\": [\n{a}\n[1, 2]\n{b}\n{a}"),
        ),
        (
            "long.jsonl",
            format!("{long}\n{a}\n{long}\n{b}\n{a}\n{near}\n"),
        ),
    ];
    for (name, body) in &files {
        std::fs::write(d.join(name), body).expect("write");
        let config: &[&str] = if *name == "long.jsonl" {
            &["--config", "tunelint.toml"]
        } else {
            &["--isolated"]
        };
        let removed = assert_dedupe_agrees_with_check(d, name, config);
        assert!(removed > 0, "{name}: the file has duplicates");
    }
    // The case that disagreed: a byte-order mark and two identical lines.
    assert_eq!(dedupe_removals(d, "bom.jsonl", &["--isolated"]), [(2, 1)]);
    // The over-long copy of line 1 is a J008 finding, not a duplicate, and stays.
    assert_eq!(
        dedupe_removals(d, "long.jsonl", &["--config", "tunelint.toml"]),
        [(5, 2), (6, 2)]
    );
}

/// Every JSONL file of the shared real datasets (`../shared/datasets`, every folder):
/// `dedupe` removes exactly what `check` reports as D001 or D002. Skipped with a note when
/// the folder is absent, except under `CI=true`, where it must be there.
#[test]
fn dedupe_removes_what_check_reports_on_every_real_dataset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if !root.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is absent, and CI=true needs it",
            root.display()
        );
        eprintln!(
            "note: {} is absent; the real-data comparison of dedupe and check is skipped",
            root.display()
        );
        return;
    }
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("list datasets").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 10, "{} holds the datasets", root.display());
    let mut removed = 0;
    for path in &files {
        let dir = path.parent().expect("a folder");
        let name = path.file_name().expect("a name").to_string_lossy();
        removed += assert_dedupe_agrees_with_check(dir, &name, &["--isolated"]);
    }
    eprintln!("{} files, {removed} duplicates removed", files.len());
    assert!(removed > 1000, "the datasets have duplicates ({removed})");
}

/// Pairs of numbers and whether they are the same number: by exact decimal value, never
/// rounded to a float (which would make the second half equal too).
fn number_pairs() -> Vec<(&'static str, String, bool)> {
    let mut pairs: Vec<(&'static str, String, bool)> = [
        ("100", "1e2"),
        ("100", "100.0"),
        ("100", "1E+2"),
        ("1", "0.1e1"),
        ("0", "-0"),
        ("0.5", "5000e-4"),
    ]
    .into_iter()
    .map(|(a, b)| (a, b.to_string(), true))
    .collect();
    pairs.extend([
        ("9007199254740993", "9007199254740992".to_string(), false),
        ("1e99", format!("1{}1", "0".repeat(98)), false),
        ("1e999", "1e998".to_string(), false),
        ("1e999999999999", "1e999999999998".to_string(), false),
        ("0.1", "0.10000000000000001".to_string(), false),
    ]);
    pairs
}

/// Two records per pair, differing only in the number; each pair has its own conversation.
fn number_pair_records() -> String {
    const QUESTIONS: [&str; 11] = [
        "How do I reset my password?",
        "Where are my invoices kept?",
        "Can I change the email on my account?",
        "Why was my card declined yesterday?",
        "Do you ship to Norway or only within the EU?",
        "What happens to my files when the trial ends?",
        "Is there a student discount on the annual plan?",
        "How long does a refund take to arrive?",
        "Can two people share one licence key?",
        "Which browsers does the dashboard support?",
        "Who do I contact about a data deletion request?",
    ];
    let pairs = number_pairs();
    assert!(pairs.len() <= QUESTIONS.len(), "one question per pair");
    let mut out = String::new();
    for ((a, b, _), question) in pairs.iter().zip(QUESTIONS) {
        for n in [*a, b.as_str()] {
            out.push_str(&format!(
                r#"{{"messages": [{{"role": "user", "content": "{question}"}}, {{"role": "assistant", "content": "Let me look that up for you."}}], "score": {n}}}"#
            ));
            out.push('\n');
        }
    }
    out
}

#[test]
fn exact_duplicates_compare_numbers_by_exact_value() {
    let input = number_pair_records();
    let (diagnostics, _) =
        tunelint::engine::lint_bytes(input.as_bytes(), &tunelint::settings::Settings::default());
    let found: Vec<(u64, String)> = diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "D001")
        .map(|d| (d.location.line, d.message.clone()))
        .collect();
    let want: Vec<(u64, String)> = number_pairs()
        .iter()
        .enumerate()
        .filter(|(_, (_, _, same))| *same)
        .map(|(k, _)| {
            let first = 2 * k as u64 + 1;
            (
                first + 1,
                format!("exact duplicate of the example at line {first}"),
            )
        })
        .collect();
    assert_eq!(found, want, "{diagnostics:#?}");
}

#[test]
fn dedupe_agrees_with_d001_on_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let input = number_pair_records();
    std::fs::write(d.join("in.jsonl"), &input).expect("write");
    let out = dedupe(d, &["in.jsonl", "--dry-run"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    // Records that differ only in a number have the same text: different numbers make them
    // near-duplicates (100% similar), equal ones exact duplicates.
    let mut want = String::new();
    let pairs = number_pairs();
    for (k, (_, _, same)) in pairs.iter().enumerate() {
        let (first, second) = (2 * k + 1, 2 * k + 2);
        if *same {
            want += &format!("in.jsonl:{second}: would remove: exact duplicate of line {first}\n");
        } else {
            want += &format!(
                "in.jsonl:{second}: would remove: near-duplicate of line {first} (100.0% similar)\n"
            );
        }
    }
    want += &format!(
        "Would reduce from {} to {} examples\n",
        2 * pairs.len(),
        pairs.len()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

/// Examples in the comparison with the lesson's `deduplicate()`.
const LESSON_N: usize = 2000;

/// The lesson's kept flags for `synthetic(LESSON_N)`, made by the reference script; see the
/// header of the file.
const LESSON_KEPT: &str = include_str!("fixtures/dedup/lesson_kept_2000.txt");

fn lesson_fixture() -> Vec<bool> {
    let flags: Vec<bool> = LESSON_KEPT
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.trim().chars())
        .map(|c| match c {
            '1' => true,
            '0' => false,
            _ => panic!("lesson_kept_2000.txt: unexpected {c:?}"),
        })
        .collect();
    assert_eq!(flags.len(), LESSON_N, "lesson_kept_2000.txt");
    flags
}

/// Flags in the fixture's layout: 1 kept, 0 removed, 100 a line.
fn fixture_body(flags: &[bool]) -> String {
    flags
        .chunks(100)
        .map(|c| {
            c.iter()
                .map(|k| if *k { '1' } else { '0' })
                .collect::<String>()
                + "\n"
        })
        .collect()
}

/// The first `n` synthetic examples as chat lines (the user message is what both compare),
/// written to `dir/in.jsonl`.
fn lesson_input(dir: &Path, n: usize) -> Vec<String> {
    let lines: Vec<String> = synthetic(n)
        .iter()
        .enumerate()
        .map(|(i, t)| chat(t, &format!("Answer number {i}.")))
        .collect();
    std::fs::write(dir.join("in.jsonl"), lines.join("\n") + "\n").expect("write");
    lines
}

/// What `tunelint dedupe --exhaustive` keeps of `dir/in.jsonl`, line by line (`--force`:
/// most of the synthetic examples go).
fn dedupe_kept(dir: &Path, lines: &[String]) -> Vec<bool> {
    dedupe(
        dir,
        &["in.jsonl", "-o", "out.jsonl", "--exhaustive", "--force"],
    )
    .assert()
    .success();
    let out = std::fs::read_to_string(dir.join("out.jsonl")).expect("read");
    // The lines are distinct (every answer is numbered).
    let kept: std::collections::HashSet<&str> = out.lines().collect();
    lines.iter().map(|l| kept.contains(l.as_str())).collect()
}

/// Examples (0-based) on which two kept-flag lists differ.
fn differing(a: &[bool], b: &[bool]) -> Vec<usize> {
    assert_eq!(a.len(), b.len());
    (0..a.len()).filter(|&i| a[i] != b[i]).collect()
}

/// The kept flags the lesson's `deduplicate()` gives, from the reference script; `None` when
/// the script or python3 is absent (a script that fails is a test failure).
fn lesson_kept(file: &Path, n: usize) -> Option<Vec<bool>> {
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/lesson_reference.py");
    if !reference.is_file() {
        return None;
    }
    let pairs = tempfile::NamedTempFile::new().expect("tempfile");
    let out = match Process::new("python3")
        .arg(&reference)
        .arg("dedup")
        .arg(file)
        .arg(n.to_string())
        .arg(pairs.path())
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("python3: {e}"),
    };
    assert!(
        out.status.success(),
        "lesson_reference.py dedup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(pairs.path()).expect("read the kept flags");
    let flags: Vec<bool> = text.lines().map(|l| l.ends_with("\t1")).collect();
    assert_eq!(flags.len(), n, "kept flags from the reference");
    Some(flags)
}

/// `tunelint dedupe` keeps exactly what the lesson's `deduplicate()` keeps, on 2,000 synthetic
/// support questions with planted near-duplicates of every edit kind (about 60% of them go).
///
/// The lesson's search is quadratic in pure Python: on these 2,000 examples the reference took
/// 431 s on the shared 2-core machine under load (load average about 5), far over the 2 to 3
/// minutes one test may take in CI. So the lesson's answer is committed (`fixtures/dedup/lesson_kept_2000.txt`, made by the
/// reference script) and this test needs no Python; the next test runs the reference live on a
/// prefix and checks the fixture against it, which keeps the fixture honest.
///
/// `dedupe --exhaustive` compares every example with every kept one, as the lesson's loop
/// does; with the index's candidates (the default, as `check`), 14 of the 2,000 examples
/// are judged otherwise.
#[test]
fn dedupe_keeps_what_the_lessons_deduplicate_keeps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = lesson_input(dir.path(), LESSON_N);
    let expected = lesson_fixture();
    let ours = dedupe_kept(dir.path(), &lines);
    let dropped = expected.iter().filter(|k| !**k).count();
    assert!(dropped > 20, "the set must contain duplicates ({dropped})");
    let differ = differing(&ours, &expected);
    assert!(
        differ.is_empty(),
        "kept sets differ at {} examples (0-based): {differ:?}",
        differ.len()
    );
}

/// The reference script, run live on the first `TUNELINT_LESSON_N` (default 500, at most
/// 2,000) of those examples, gives the committed fixture's flags, and `tunelint dedupe` on
/// that prefix keeps the same. Greedy deduplication decides each example from the earlier
/// ones only, so a prefix's flags are the prefix of the whole set's. Skipped, with a note,
/// when python3 or the reference is absent. `TUNELINT_LESSON_N=2000` checks the whole fixture
/// (minutes) and prints a fresh one when they differ.
#[test]
fn the_lessons_deduplicate_gives_the_committed_fixture_and_dedupe_agrees_live() {
    let n: usize = std::env::var("TUNELINT_LESSON_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
        .clamp(1, LESSON_N);
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = lesson_input(dir.path(), n);
    let started = std::time::Instant::now();
    let Some(lesson) = lesson_kept(&dir.path().join("in.jsonl"), n) else {
        eprintln!(
            "note: python3 or the reference is absent; the live lesson comparison is skipped"
        );
        return;
    };
    eprintln!(
        "lesson reference on {n} examples: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let fixture = lesson_fixture();
    assert!(
        lesson == fixture[..n],
        "the reference disagrees with fixtures/dedup/lesson_kept_2000.txt at examples {:?}{}",
        differing(&lesson, &fixture[..n]),
        if n == LESSON_N {
            format!("; fresh flags:\n{}", fixture_body(&lesson))
        } else {
            String::new()
        }
    );
    let dropped = lesson.iter().filter(|k| !**k).count();
    assert!(dropped > 20, "the set must contain duplicates ({dropped})");
    let ours = dedupe_kept(dir.path(), &lines);
    let differ = differing(&ours, &lesson);
    assert!(
        differ.is_empty(),
        "kept sets differ at {} examples (0-based): {differ:?}",
        differ.len()
    );
}

/// Writes `lines` as the JSONL file `name` under `d` (creating its directory).
fn write_lines(d: &Path, name: &str, lines: &[String]) {
    let path = d.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

/// `tunelint --format concise .` in `d`: the exit status and stdout.
fn concise(d: &Path) -> (Option<i32>, String) {
    let out = tunelint(d)
        .args(["--format", "concise", "."])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The D findings of a concise report: `path:line:col: CODE message` lines.
fn d_findings(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.contains(": D00")).collect()
}

#[test]
fn splits_pair_up_by_the_names_real_datasets_use() {
    let leaked = chat("What is 12 times 12?", "144.");
    let other = chat("Name a prime above 100.", "101.");
    // (training file, evaluation file): each pair in its own directory.
    let pairs = [
        ("gsm8k_train.jsonl", "gsm8k_test.jsonl"),
        ("train-gsm8k.jsonl", "gsm8k.validation.jsonl"),
        ("train-00000-of-00002.jsonl", "test-00000-of-00001.jsonl"),
        ("train/part.jsonl", "dev/part.jsonl"),
        ("data_train.jsonl.gz", "data_val.jsonl"),
        // The other words `datasets` reads as splits, anywhere in a name, and parts numbered.
        ("training.jsonl", "evaluation.jsonl"),
        ("my_train_file.jsonl", "my_testing_file.jsonl"),
        ("train_1.jsonl", "dev0.jsonl"),
    ];
    for (train, eval) in pairs {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        if let Some(gz) = train.strip_suffix(".gz") {
            write_lines(d, gz, &[other.clone(), leaked.clone()]);
            let status = Process::new("gzip")
                .arg(d.join(gz))
                .status()
                .expect("gzip runs");
            assert!(status.success());
        } else {
            write_lines(d, train, &[other.clone(), leaked.clone()]);
        }
        write_lines(d, eval, std::slice::from_ref(&leaked));
        let (code, stdout) = concise(d);
        assert_eq!(
            d_findings(&stdout),
            [format!(
                "{eval}:1:1: D003 exact copy of training example {train}:2; evaluation scores would count it as learned"
            )],
            "{train} + {eval}:\n{stdout}"
        );
        assert_eq!(code, Some(1), "{stdout}");
    }
}

#[test]
fn names_that_only_contain_a_split_word_are_not_splits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let same = [chat("What is 12 times 12?", "144.")];
    // None of these is a split, or two splits of one dataset, or two shards of one split:
    // nothing is compared.
    for name in [
        "trainer.jsonl",
        "retrain.jsonl",
        "contest.jsonl",
        "development.jsonl",
        "gsm8k_train.jsonl",
        "other_test.jsonl",
    ] {
        write_lines(d, name, &same);
    }
    let (code, stdout) = concise(d);
    assert_eq!(d_findings(&stdout), Vec::<&str>::new(), "{stdout}");
    assert_eq!(code, Some(0), "{stdout}");
}

/// `datasets` reads `training`, `testing`, `evaluation` as split words too, and a split word
/// anywhere in a name: `training_notes.jsonl` and `notes_training.jsonl` are two files of the
/// training split of `notes`, as `load_dataset` would load them, so a repeat across them is
/// D001, and `latest_eval_results.jsonl` is no split of theirs.
#[test]
fn split_words_count_anywhere_in_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let same = [chat("What is 12 times 12?", "144.")];
    for name in [
        "training_notes.jsonl",
        "notes_training.jsonl",
        "latest_eval_results.jsonl",
    ] {
        write_lines(d, name, &same);
    }
    let (_, stdout) = concise(d);
    assert_eq!(
        d_findings(&stdout),
        ["training_notes.jsonl:1:1: D001 exact duplicate of the example at notes_training.jsonl:1"],
        "{stdout}"
    );
}

#[test]
fn the_shipped_gsm8k_pair_leaks_its_test_split() {
    let Some(dir) = data_dir() else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "../shared/datasets/chat is absent under CI=true"
        );
        eprintln!("note: ../shared/datasets/chat is absent; skipping the gsm8k pair");
        return;
    };
    let out = tunelint(&dir)
        .args([
            "--format",
            "concise",
            "--select",
            "D003",
            "gsm8k_train.jsonl",
            "gsm8k_test.jsonl",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("gsm8k_test.jsonl:603:43: D003 ")
                && l.contains("training example gsm8k_train.jsonl:5163 (")),
        "{stdout}"
    );
    let leaks = stdout.lines().filter(|l| l.contains(": D003 ")).count();
    assert!(
        leaks > 0 && !stdout.contains("gsm8k_train.jsonl:1:1: D003"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");
}

#[test]
fn duplicates_are_found_across_the_shards_of_a_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let topics = [
        "Which river runs through Vienna?",
        "How many legs does a spider have?",
        "What is the boiling point of water at sea level?",
        "Who painted the Mona Lisa?",
        "Translate 'good morning' into French.",
        "What does HTTP stand for?",
        "Give me a synonym for happy.",
        "How far is the Moon from Earth?",
        "Name three primary colours.",
        "What year did the Berlin Wall fall?",
        "Why is the sky blue?",
        "What is 17 squared?",
        "Spell 'necessary' backwards.",
        "Which planet has the most moons?",
        "What is photosynthesis?",
        "Recommend a beginner chess opening.",
        "PLACEHOLDER",
        "How do bees make honey?",
        "What is the capital of Australia?",
        "Define entropy in one sentence.",
    ];
    let mut first: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(i, q)| chat(q, &format!("Here is answer number {i}.")))
        .collect();
    first[16] = chat("How do I reset my password?", "Use Forgot password.");
    write_lines(d, "train-00000-of-00002.jsonl", &first);
    let second = [
        chat("Where are my invoices?", "Under Billing."),
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Where are my invoces?", "Billing, then Invoices."),
    ];
    write_lines(d, "train-00001-of-00002.jsonl", &second);
    // The evaluation split repeats the training data: D003 only, never D001 or D002.
    write_lines(
        d,
        "test-00000-of-00001.jsonl",
        &[second[0].clone(), second[1].clone()],
    );
    // Files of a directory that are not shards of one split stay datasets of their own.
    write_lines(d, "notes.jsonl", &[second[1].clone()]);
    let (code, stdout) = concise(d);
    assert_eq!(
        d_findings(&stdout),
        [
            "test-00000-of-00001.jsonl:1:1: D003 exact copy of training example train-00001-of-00002.jsonl:1; evaluation scores would count it as learned",
            "test-00000-of-00001.jsonl:2:1: D003 exact copy of training example train-00000-of-00002.jsonl:17; evaluation scores would count it as learned",
            "train-00001-of-00002.jsonl:2:1: D001 exact duplicate of the example at train-00000-of-00002.jsonl:17",
            "train-00001-of-00002.jsonl:3:25: D002 near-duplicate of the example at line 1: first user message 97.6% similar (threshold 85%)",
        ],
        "{stdout}"
    );
    assert_eq!(code, Some(1), "{stdout}");
    // Shards of no named split are one dataset too.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, "data-00000-of-00002.jsonl", &first);
    write_lines(d, "data-00001-of-00002.jsonl", &second[1..2]);
    let (_, stdout) = concise(d);
    assert_eq!(
        d_findings(&stdout),
        [
            "data-00001-of-00002.jsonl:1:1: D001 exact duplicate of the example at data-00000-of-00002.jsonl:17"
        ],
        "{stdout}"
    );
}

/// The Hub's shards as `push_to_hub` named them for years, a hash after the count
/// (`data/train-00000-of-00002-5d9a3f2a.parquet`; tatsu-lab/alpaca, ultrachat_200k): shards
/// of their split all the same, so a leak into the test split is D003 and a repeat across
/// training shards D001, as without the hash.
#[test]
fn shards_with_a_hash_after_the_count_are_shards_of_their_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let leaked = chat(
        "How do I reset my password today?",
        "Click Forgot password.",
    );
    let repeated = chat("Can I pay by bank transfer?", "Yes, choose Bank transfer.");
    let other = chat(
        "Where are my invoices kept?",
        "Under Billing, then Invoices.",
    );
    write_lines(
        d,
        "data/train-00000-of-00002-5d9a3f2a.jsonl",
        &[repeated.clone(), leaked.clone()],
    );
    write_lines(
        d,
        "data/train-00001-of-00002-0b7e44c1.jsonl",
        &[other, repeated],
    );
    write_lines(d, "data/test-00000-of-00001-9c1b2e3d.jsonl", &[leaked]);
    let (code, stdout) = concise(d);
    assert_eq!(
        d_findings(&stdout),
        [
            "data/test-00000-of-00001-9c1b2e3d.jsonl:1:1: D003 exact copy of training example data/train-00000-of-00002-5d9a3f2a.jsonl:2; evaluation scores would count it as learned",
            "data/train-00001-of-00002-0b7e44c1.jsonl:2:1: D001 exact duplicate of the example at data/train-00000-of-00002-5d9a3f2a.jsonl:1",
        ],
        "{stdout}"
    );
    assert_eq!(code, Some(1), "{stdout}");
}

#[test]
fn a_configured_dataset_is_one_dataset_for_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let same = chat("How do I reset my password?", "Use Forgot password.");
    write_lines(d, "data/a.jsonl", std::slice::from_ref(&same));
    write_lines(
        d,
        "data/b.jsonl",
        &[chat("Where are my invoices?", "Under Billing."), same],
    );
    write_lines(
        d,
        "data/c.jsonl",
        &[chat("Can I change my plan?", "Yes, under Account.")],
    );
    // Without configuration two files are two datasets.
    let (code, stdout) = concise(d);
    assert_eq!(d_findings(&stdout), Vec::<&str>::new(), "{stdout}");
    assert_eq!(code, Some(0), "{stdout}");
    std::fs::write(
        d.join("tunelint.toml"),
        "[[datasets]]\ntrain = [\"data/b.jsonl\", \"data/a.jsonl\"]\ntest = [\"data/c.jsonl\"]\n",
    )
    .expect("write");
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .env_remove("GITHUB_ACTIONS")
        .args(["--format", "concise", "data"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The later example in path order carries the finding, whatever the configured order.
    assert_eq!(
        d_findings(&stdout),
        ["data/b.jsonl:2:1: D001 exact duplicate of the example at data/a.jsonl:1"],
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");
}

/// (rule, line, fingerprint) of every SARIF result about `file`.
fn sarif_findings(output: &[u8], file: &str) -> Vec<(String, u64, String)> {
    let log: serde_json::Value = serde_json::from_slice(output).expect("SARIF is JSON");
    let mut found: Vec<(String, u64, String)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with(file))
        })
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
                r["partialFingerprints"].to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A record's canonical hash is worked out only when another record shares its cheap key,
/// on one input and on inputs read as one format; when the inputs were detected as
/// different formats every record is hashed. Each way finds the same duplicates with the
/// same fingerprints: equal records spelled differently (key order, escapes, numbers, white
/// space) are found, records that share their conversation but not their other fields are
/// not duplicates, and findings on records with a key of their own (D002) carry their
/// canonical hash.
#[test]
fn deferred_hashes_find_what_hashing_every_record_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = [
        r#"{"messages":[{"role":"user","content":"café?"},{"role":"assistant","content":"Yes.\nIt is."}],"n":100}"#,
        r#"{"n":1e2, "messages":[{"content":"caf\u00e9?","role":"user"},{"role":"assistant","content":"Yes.\u000aIt is."}]}"#,
        r#"{"messages":[{"role":"user","content":"café?"},{"role":"assistant","content":"Yes.\nIt is."}],"n":101}"#,
        r#"{"messages":[{"role":"user","content":"Where is the station, please tell me now"},{"role":"assistant","content":"Two streets north of the market square."}]}"#,
        r#"{"messages":[{"role":"user","content":"Where is the station, please tell me now!"},{"role":"assistant","content":"Two streets north of the market square."}]}"#,
        r#"{"messages":[{"role":"user","content":"Something else entirely"},{"role":"assistant","content":"A different answer altogether."}]}"#,
        r#"  {"messages" : [{"role":"user","content":"café?"},{"role":"assistant","content":"Yes.\nIt is."}], "n":100.0}  "#,
    ];
    std::fs::write(dir.path().join("a.jsonl"), lines.join("\n") + "\n").expect("write");
    std::fs::write(
        dir.path().join("b.jsonl"),
        chat("An unrelated question", "An unrelated answer") + "\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("c.jsonl"),
        r#"{"instruction": "An unrelated question", "input": "", "output": "An unrelated answer"}"#
            .to_string()
            + "\n",
    )
    .expect("write");
    let run = |files: &[&str]| {
        let out = tunelint(dir.path())
            .args(["--select", "D001,D002", "--format", "sarif", "--exit-zero"])
            .args(files)
            .output()
            .expect("tunelint runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        sarif_findings(&out.stdout, "a.jsonl")
    };
    let deferred = run(&["a.jsonl"]);
    let every = run(&["a.jsonl", "c.jsonl"]);
    assert_eq!(deferred, every);
    assert_eq!(run(&["a.jsonl", "b.jsonl"]), every);
    let lines_of = |rule: &str| -> Vec<u64> {
        deferred
            .iter()
            .filter(|f| f.0 == rule)
            .map(|f| f.1)
            .collect()
    };
    assert_eq!(lines_of("D001"), [2, 7], "{deferred:?}");
    // Line 3 has line 1's conversation but another `n`: the same texts, not the same record.
    assert_eq!(lines_of("D002"), [3, 5], "{deferred:?}");
}

/// Shards of one dataset read as one format defer their hashes like one file, and still
/// find a record repeated in another shard; when a shard is detected as another format (its
/// records read as other conversations, so their keys do not compare), every record is
/// hashed and a repeat in it is found all the same.
#[test]
fn shards_find_repeats_across_them_whatever_their_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shard = |n: usize| format!("data/train-0000{n}-of-00003.jsonl");
    std::fs::create_dir(dir.path().join("data")).expect("mkdir");
    let record = chat("Something else entirely", "A different answer altogether.");
    let respelled = r#"{"messages":[{"content":"Something else entirely","role":"user"},{"role":"assistant","content":"A different answer altogether."}]}"#;
    std::fs::write(dir.path().join(shard(0)), record.clone() + "\n").expect("write");
    std::fs::write(dir.path().join(shard(1)), format!("{respelled}\n")).expect("write");
    let alpaca =
        r#"{"instruction": "An unrelated question", "input": "", "output": "An unrelated answer"}"#;
    std::fs::write(dir.path().join(shard(2)), format!("{alpaca}\n{record}\n")).expect("write");
    let d001 = |files: &[String]| -> Vec<String> {
        let out = tunelint(dir.path())
            .args(["--select", "D001", "--format", "concise", "--exit-zero"])
            .args(files)
            .output()
            .expect("tunelint runs");
        let stdout = String::from_utf8(out.stdout).expect("utf-8");
        stdout
            .lines()
            .filter(|l| l.contains("D001"))
            .map(|l| l.split(": D001").next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        d001(&[shard(0), shard(1)]),
        ["data/train-00001-of-00003.jsonl:1:1"]
    );
    assert_eq!(
        d001(&[shard(0), shard(1), shard(2)]),
        [
            "data/train-00001-of-00003.jsonl:1:1",
            "data/train-00002-of-00003.jsonl:2:1"
        ]
    );
}

/// Preference data repeats a prompt by design (UltraFeedback-style pairs, KTO's good and bad
/// answers to one prompt): D002 calls two such records near-duplicates only when their answers
/// are alike too, and says it compared the prompt and the answers.
#[test]
fn preference_records_sharing_a_prompt_are_not_near_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prompt = "Explain why the sky looks blue on a clear afternoon.";
    let good = "Sunlight scatters off air molecules, and blue light, with its short wavelength, scatters the most.";
    let bad = "The sky reflects the colour of the oceans, which cover most of the planet.";
    let worse = "Because blue is the colour of the air itself, like water is wet.";
    let records = [
        serde_json::json!({"prompt": prompt, "chosen": good, "rejected": bad}),
        serde_json::json!({"prompt": prompt, "chosen": good, "rejected": worse}),
        serde_json::json!({"prompt": prompt, "completion": good, "label": true}),
        serde_json::json!({"prompt": prompt, "completion": bad, "label": false}),
    ];
    let run = |lines: &[String]| {
        std::fs::write(dir.path().join("pref.jsonl"), lines.join("\n") + "\n").unwrap();
        let out = tunelint(dir.path())
            .args(["--format", "concise", "--select", "D002", "pref.jsonl"])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for pair in [&records[..2], &records[2..]] {
        let lines: Vec<String> = pair.iter().map(|r| r.to_string()).collect();
        let stdout = run(&lines);
        assert!(!stdout.contains("D002"), "{stdout}");
    }
    // The same pair twice, one word changed: a near-duplicate, and the finding says the
    // answers were compared too.
    let again = records[0]
        .to_string()
        .replace("the most", "the most of all");
    let stdout = run(&[records[0].to_string(), again]);
    assert!(
        stdout.contains(
            "pref.jsonl:2:128: D002 near-duplicate of the example at line 1: first user message 100.0% similar (threshold 85%); every answer and other message alike too"
        ),
        "{stdout}"
    );
}

/// The D001 and D002 findings of `check --select D` on `file` in `dir`, each as
/// `LINE CODE NAMED-LINE` (the column depends on where the writer put the compared text).
fn duplicate_verdicts(dir: &Path, file: &str) -> Vec<String> {
    let out = tunelint(dir)
        .args(["--format", "concise", "--select", "D", "--exit-zero", file])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(file)?.strip_prefix(':')?;
            let (line, rest) = rest.split_once(':')?;
            let code = rest.split_once(": ")?.1.split(' ').next()?;
            let named = rest
                .split("line ")
                .nth(1)?
                .split(|c: char| !c.is_ascii_digit())
                .next()?;
            Some(format!("{line} {code} {named}"))
        })
        .collect()
}

/// `dedupe --dry-run`'s last line on `file` in `dir`.
fn dedupe_verdict(dir: &Path, file: &str) -> String {
    let out = dedupe(dir, &["--dry-run", file]).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    stdout.lines().last().unwrap_or_default().to_string()
}

/// A JSON value written as another tool might: keys in sorted or reverse-sorted order,
/// compact or with spaces, and with `ensure_ascii`'s escapes (every character past ASCII as
/// `\uXXXX`, and `/` as `\/`) or none. The same record to every JSON reader.
fn written(v: &serde_json::Value, reverse: bool, spaced: bool, ascii: bool) -> String {
    use serde_json::Value;
    let (colon, comma) = if spaced { (": ", ", ") } else { (":", ",") };
    match v {
        Value::String(s) if ascii => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '/' => out.push_str("\\/"),
                    '\n' => out.push_str("\\n"),
                    c if (c as u32) < 0x20 || !c.is_ascii() => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|e| written(e, reverse, spaced, ascii))
                .collect();
            format!("[{}]", items.join(comma))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            if reverse {
                keys.reverse();
            }
            let members: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    let value = written(&map[k], reverse, spaced, ascii);
                    format!("{}{colon}{value}", serde_json::to_string(k).unwrap())
                })
                .collect();
            format!("{{{}}}", members.join(comma))
        }
        other => other.to_string(),
    }
}

/// The probe's smallest case (s15a, finding 2): the same prompt and preferred answer, and
/// another rejected answer. Not a near-duplicate, whichever order the writer put the user
/// message's keys in (`jq -S` and `json.dumps(sort_keys=True)` write `content` first), and
/// `dedupe` keeps both; the record written twice, in the two orders, is one record (D001).
#[test]
fn preference_verdicts_do_not_depend_on_key_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prompt = "Which fruit is often associated with keeping the doctor away?";
    let record = |user: &str, rejected: &str| {
        format!(
            r#"{{"input":{{"messages":[{user}]}},"preferred_output":[{{"role":"assistant","content":"Apple"}}],"non_preferred_output":[{{"role":"assistant","content":"{rejected}"}}]}}"#
        )
    };
    let role_first = format!(r#"{{"role":"user","content":"{prompt}"}}"#);
    let content_first = format!(r#"{{"content":"{prompt}","role":"user"}}"#);
    for (name, user) in [
        ("role-first.jsonl", &role_first),
        ("content-first.jsonl", &content_first),
    ] {
        let lines = [record(user, "Cherry"), record(user, "Strawberry")];
        std::fs::write(dir.path().join(name), lines.join("\n") + "\n").expect("write");
        assert_eq!(
            duplicate_verdicts(dir.path(), name),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(
            dedupe_verdict(dir.path(), name),
            "Would reduce from 2 to 2 examples",
            "{name}"
        );
    }
    let lines = [
        record(&role_first, "Cherry"),
        record(&content_first, "Cherry"),
    ];
    std::fs::write(dir.path().join("twice.jsonl"), lines.join("\n") + "\n").expect("write");
    assert_eq!(duplicate_verdicts(dir.path(), "twice.jsonl"), ["2 D001 1"]);
}

/// Real pairs (Together's RewardBench 2 DPO split: one-word answers, a prompt repeated with
/// other rejected answers) and three made from them, written as published, with sorted keys
/// (`jq -S -c`), with reversed keys and spaces, and with `ensure_ascii` escapes: the same
/// verdicts, from check and dedupe alike. Only the near copy with both answers the same, and
/// the exact copy, are duplicates.
#[test]
fn real_preference_pairs_get_the_same_verdicts_however_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let published = [
        r#"{"input": {"messages": [{"role": "user", "content": "Which member of the rose family is widely cultivated for its fleshy pome fruit and is scientifically named Malus domestica?"}]}, "preferred_output": [{"role": "assistant", "content": "Apple"}], "non_preferred_output": [{"role": "assistant", "content": "Strawberry"}]}"#,
        r#"{"input": {"messages": [{"role": "user", "content": "Which architectural feature serves as a tower attached to a mosque from which the call to prayer is announced?"}]}, "preferred_output": [{"role": "assistant", "content": "Minaret"}], "non_preferred_output": [{"role": "assistant", "content": "Calligraphy"}]}"#,
        r#"{"input": {"messages": [{"role": "user", "content": "Which member of the rose family is widely cultivated for its fleshy pome fruit and is scientifically named Malus domestica?"}]}, "preferred_output": [{"role": "assistant", "content": "Apple"}], "non_preferred_output": [{"role": "assistant", "content": "Peach"}]}"#,
        r#"{"input": {"messages": [{"role": "user", "content": "Which architectural feature serves as a tower attached to a mosque from which the call to prayer is announced?"}]}, "preferred_output": [{"role": "assistant", "content": "Minaret"}], "non_preferred_output": [{"role": "assistant", "content": "Mashrabiya"}]}"#,
        r#"{"input": {"messages": [{"role": "user", "content": "Which architectural feature serves as a tower attached to a mosque from which the call to prayer is announced?"}]}, "preferred_output": [{"role": "assistant", "content": "Minaret"}], "non_preferred_output": [{"role": "assistant", "content": "Horseshoe arch"}]}"#,
        // Made: a question and answers past ASCII, with a slash ...
        r#"{"input": {"messages": [{"role": "user", "content": "What is the French word for a small coffee shop/bar serving drinks and light meals?"}]}, "preferred_output": [{"role": "assistant", "content": "Café"}], "non_preferred_output": [{"role": "assistant", "content": "Brasserie"}]}"#,
        // ... the first pair with a word of its prompt changed: a near-duplicate ...
        r#"{"input": {"messages": [{"role": "user", "content": "Which member of the rose family is commonly cultivated for its fleshy pome fruit and is scientifically named Malus domestica?"}]}, "preferred_output": [{"role": "assistant", "content": "Apple"}], "non_preferred_output": [{"role": "assistant", "content": "Strawberry"}]}"#,
        // ... the second pair again, keys in another order: an exact duplicate ...
        r#"{"non_preferred_output": [{"content": "Calligraphy", "role": "assistant"}], "preferred_output": [{"content": "Minaret", "role": "assistant"}], "input": {"messages": [{"content": "Which architectural feature serves as a tower attached to a mosque from which the call to prayer is announced?", "role": "user"}]}}"#,
        // ... and the made question reworded, with another rejected answer: neither.
        r#"{"input": {"messages": [{"role": "user", "content": "What is the French word for a small coffee shop/bar that serves drinks and light meals?"}]}, "preferred_output": [{"role": "assistant", "content": "Café"}], "non_preferred_output": [{"role": "assistant", "content": "Bistro"}]}"#,
    ];
    let expected = ["7 D002 1", "8 D001 2"];
    let values: Vec<serde_json::Value> = published
        .iter()
        .map(|l| serde_json::from_str(l).expect("valid JSON"))
        .collect();
    let writers: [(&str, bool, bool, bool); 4] = [
        ("sorted.jsonl", false, false, false),
        ("reversed.jsonl", true, true, false),
        ("ascii.jsonl", false, true, true),
        ("reversed-ascii.jsonl", true, false, true),
    ];
    let mut files = vec![(
        "published.jsonl".to_string(),
        published.map(String::from).to_vec(),
    )];
    for (name, reverse, spaced, ascii) in writers {
        let lines = values
            .iter()
            .map(|v| written(v, reverse, spaced, ascii))
            .collect();
        files.push((name.to_string(), lines));
    }
    for (name, lines) in &files {
        std::fs::write(dir.path().join(name), lines.join("\n") + "\n").expect("write");
        assert_eq!(duplicate_verdicts(dir.path(), name), expected, "{name}");
        assert_eq!(
            dedupe_verdict(dir.path(), name),
            "Would reduce from 9 to 7 examples",
            "{name}"
        );
    }
    assert!(files[1].1[0].starts_with(r#"{"input":{"messages":[{"content":"#));
    assert!(files[3].1[5].contains(r"Caf\u00e9") && files[3].1[5].contains(r"shop\/bar"));
}

/// A one-word answer that differs makes two preference records different, however long and
/// alike the rest: each answer is compared on its own, not as a few words of one text of
/// the whole record. Pairs (TRL's `prompt`/`chosen`/`rejected`, with a long system prompt)
/// and KTO's labelled answers.
#[test]
fn one_word_answers_that_differ_make_preference_records_different() {
    let dir = tempfile::tempdir().expect("tempdir");
    let system = "You are a careful assistant for a quiz show. Read the question, think about every \
        option you know of, and answer with the single word that names the thing asked for, \
        without any explanation, punctuation or pleasantries, as the contestants must.";
    let question = "Which planet in our solar system is known as the Red Planet?";
    let typo = "Which planet in our solar sytem is known as the Red Planet?";
    let pair = |q: &str, chosen: &str, rejected: &str| {
        serde_json::json!({
            "prompt": [{"role": "system", "content": system}, {"role": "user", "content": q}],
            "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}],
        })
        .to_string()
    };
    let labelled = |q: &str, answer: &str, label: bool| {
        serde_json::json!({"prompt": q, "completion": answer, "label": label}).to_string()
    };
    let cases = [
        // The rejected answer is another word: another pair.
        (
            vec![
                pair(question, "Mars", "Venus"),
                pair(typo, "Mars", "Saturn"),
            ],
            vec![],
        ),
        // The chosen one is.
        (
            vec![
                pair(question, "Mars", "Venus"),
                pair(typo, "Earth", "Venus"),
            ],
            vec![],
        ),
        // Both answers the same: a near-duplicate.
        (
            vec![pair(question, "Mars", "Venus"), pair(typo, "Mars", "Venus")],
            vec!["2 D002 1"],
        ),
        // The same words, whatever their case and the punctuation after them (s15d 03).
        (
            vec![
                pair(question, "Mars", "Venus"),
                pair(typo, "mars.", "Venus!"),
            ],
            vec!["2 D002 1"],
        ),
        // The copy of the second pair names it, not the first pair its prompt matched
        // first.
        (
            vec![
                pair(question, "Mars", "Venus"),
                pair(question, "Mars", "Jupiter"),
                pair(typo, "Mars", "Jupiter"),
            ],
            vec!["3 D002 2"],
        ),
        // KTO: the same answer to the same question labelled both ways is not one example
        // repeated (a conflict, not a copy) ...
        (
            vec![
                labelled(question, "Mars", true),
                labelled(question, "Mars", false),
            ],
            vec![],
        ),
        // ... another answer is another example ...
        (
            vec![
                labelled(question, "Mars", true),
                labelled(typo, "Jupiter", true),
            ],
            vec![],
        ),
        // ... and the same answer with the same label is one.
        (
            vec![
                labelled(question, "Mars", true),
                labelled(typo, "Mars", true),
            ],
            vec!["2 D002 1"],
        ),
    ];
    for (lines, expected) in cases {
        std::fs::write(dir.path().join("pref.jsonl"), lines.join("\n") + "\n").expect("write");
        assert_eq!(
            duplicate_verdicts(dir.path(), "pref.jsonl"),
            expected,
            "{lines:?}"
        );
    }
}

/// Visual question answering repeats its questions by design: the same question about two
/// different images (an image part, or TRL's and LLaMA-Factory's `images` column) is two
/// examples, neither a near-duplicate nor a leak; about the same image, it is one repeated.
#[test]
fn the_same_question_about_another_image_is_not_a_duplicate() {
    let question = "Describe what you see in this image in one sentence.";
    let answer = "A small grey cat sleeps on a red sofa next to a sunny window.";
    let part = |url: &str| {
        serde_json::json!({"messages": [
            {"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": url}},
                {"type": "text", "text": question}]},
            {"role": "assistant", "content": answer}]})
        .to_string()
    };
    let column = |path: Option<&str>| {
        let images: Vec<&str> = path.into_iter().collect();
        serde_json::json!({"images": images, "messages": [
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]},
            {"role": "assistant", "content": [{"type": "text", "text": answer}]}]})
        .to_string()
    };
    let run = |dir: &Path, files: &[(&str, Vec<String>)], args: &[&str]| {
        for (name, lines) in files {
            std::fs::write(dir.join(name), lines.join("\n") + "\n").expect("write");
        }
        let out = tunelint(dir)
            .args(["--format", "concise", "--select", "D"])
            .args(args)
            .arg(".")
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Different images: no finding, in either form.
    for lines in [
        vec![
            part("https://example.org/cat.png"),
            part("https://example.org/dog.png"),
        ],
        vec![
            column(Some("images/0001.png")),
            column(Some("images/0002.png")),
        ],
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let stdout = run(dir.path(), &[("data.jsonl", lines)], &["--target", "trl"]);
        assert!(!stdout.contains("D00"), "{stdout}");
    }
    // The same image (written with other white space), or none: a near-duplicate.
    let spaced = part("https://example.org/cat.png").replace("\"url\":", "\"url\" :  ");
    for lines in [
        vec![part("https://example.org/cat.png"), spaced],
        vec![column(None), column(None).replace("sunny", "bright")],
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let stdout = run(dir.path(), &[("data.jsonl", lines)], &["--target", "trl"]);
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("data.jsonl:2:") && l.contains(": D00")),
            "{stdout}"
        );
    }
    // Across splits: a test question about another image is no leak.
    let dir = tempfile::tempdir().expect("tempdir");
    let stdout = run(
        dir.path(),
        &[
            ("train.jsonl", vec![column(Some("images/0001.png"))]),
            ("test.jsonl", vec![column(Some("images/0002.png"))]),
        ],
        &["--target", "trl"],
    );
    assert!(!stdout.contains("D003"), "{stdout}");
    let stdout = run(
        dir.path(),
        &[
            ("train.jsonl", vec![column(Some("images/0001.png"))]),
            (
                "test.jsonl",
                vec![column(Some("images/0001.png")).replace("sunny", "bright")],
            ),
        ],
        &["--target", "trl"],
    );
    assert!(
        stdout.contains("test.jsonl:1:80: D003 near copy"),
        "{stdout}"
    );
}

/// dedupe names what its input is when it cannot rewrite it: a directory, a pipe (read
/// once, while dedupe reads twice), or nothing at all.
#[test]
fn dedupe_says_why_it_cannot_read_its_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("data")).expect("mkdir");
    let made = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.jsonl"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for (input, says) in [
        ("data", "data: is a directory"),
        ("pipe.jsonl", "pipe.jsonl: is not a regular file"),
        ("gone.jsonl", "gone.jsonl: no such file"),
    ] {
        let out = dedupe(d, &[input, "-o", "out.jsonl"])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{input}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{input}: {stderr}");
        assert!(!d.join("out.jsonl").exists(), "{input}");
    }
}

/// A file a LLaMA-Factory `dataset_info.json` declares: `dedupe` reads its columns as
/// `check` does (it kept the near-duplicate `check` reported), and refuses to write its copy
/// over the registry, a benchmark file or any other file the run reads besides the data
/// (it replaced them with the deduplicated data).
#[test]
fn dedupe_reads_the_dataset_registry_and_never_writes_over_what_it_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("data")).expect("mkdir");
    let row = |q: &str, a: &str| serde_json::json!({"q": q, "a": a}).to_string();
    let lines = [
        row(
            "What is the capital of France and why was it chosen as the capital?",
            "Paris, because of its central location and history.",
        ),
        row(
            "What is the capital of France and why was it chosen as the capital!",
            "Paris, because of its central location and history.",
        ),
        row(
            "How do volcanoes form and what makes them erupt so violently?",
            "Magma rises through the crust and pressure builds.",
        ),
    ];
    std::fs::write(d.join("data/x.jsonl"), lines.join("\n") + "\n").expect("write");
    let registry =
        r#"{"myds": {"file_name": "data/x.jsonl", "columns": {"prompt": "q", "response": "a"}}}"#;
    std::fs::write(d.join("dataset_info.json"), registry).expect("write");
    let bench = chat("What is two plus two?", "Four.") + "\n";
    std::fs::write(d.join("evals.jsonl"), &bench).expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals.jsonl\"]\n",
    )
    .expect("write");
    let removed = assert_dedupe_agrees_with_check(d, "data/x.jsonl", &[]);
    assert_eq!(
        removed, 1,
        "the near-duplicate in the declared columns goes"
    );
    for (target, what) in [
        ("dataset_info.json", "the dataset registry"),
        ("evals.jsonl", "a benchmark file"),
        ("tunelint.toml", "the configuration"),
    ] {
        let out = Command::cargo_bin("tunelint")
            .expect("binary")
            .current_dir(d)
            .args(["dedupe", "data/x.jsonl", "-o", target])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "-o {target}: {stderr}");
        assert!(stderr.contains(what), "-o {target}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(d.join("dataset_info.json")).expect("read"),
        registry
    );
    assert_eq!(
        std::fs::read_to_string(d.join("evals.jsonl")).expect("read"),
        bench
    );
}
