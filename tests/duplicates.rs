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
        stdout.contains("valid.jsonl:2:1: D003 near copy of training example train.jsonl:1 ("),
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
    assert!(run("").contains("x.jsonl:2:1: D002 near-duplicate of the example at line 1"));
    assert!(!run("[dedup]\nthreshold = 0.99\n").contains("D002"));
    assert!(!run("[dedup]\nfield = \"assistant\"\n").contains("D002"));
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

/// What `tunelint dedupe` keeps of `dir/in.jsonl`, line by line.
fn dedupe_kept(dir: &Path, lines: &[String]) -> Vec<bool> {
    dedupe(dir, &["in.jsonl", "-o", "out.jsonl"])
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
/// An input this small is searched exhaustively (`dedupe --exhaustive` is automatic up to
/// 3,000 lines); with only the index's candidates, 39 examples the lesson drops were kept.
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
