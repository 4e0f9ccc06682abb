//! D004 benchmark-contamination on real data: the built-in GSM8K fingerprints are what the
//! generator derives from GSM8K's test set, planted test questions (verbatim and reworded)
//! are all found in GSM8K's training set, the unmodified training set has exactly the hits
//! docs/real-data.md lists, and no other dataset beside the repository has any.
//!
//! The data is `../shared/datasets` (outside the repository): when it is absent the tests
//! pass with a note, except under `CI=true`, where they fail.
//!
//! The generator: `TUNELINT_UPDATE_FINGERPRINTS=1 cargo test --test contamination` rewrites
//! `src/contamination/gsm8k_test.fp` from `../shared/datasets/chat/gsm8k_test.jsonl`; without
//! it, a difference fails.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn datasets() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if dir.join("chat/gsm8k_test.jsonl").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is absent, and CI=true: the contamination tests need it",
        dir.display()
    );
    eprintln!("note: {} is absent; skipping", dir.display());
    None
}

const FINGERPRINTS: &str = "src/contamination/gsm8k_test.fp";

#[test]
fn builtin_fingerprints_are_generated_from_gsm8k_test() {
    let Some(dir) = datasets() else { return };
    let test = dir.join("chat/gsm8k_test.jsonl");
    let bench = tunelint::contamination::load::file(&test, "GSM8K test").expect("gsm8k test reads");
    assert_eq!(bench.items.len(), 1319, "one item per test question");
    for (i, (item, _)) in bench.items.iter().enumerate() {
        assert_eq!(item.line, i as u64 + 1, "item {} is line {}", i + 1, i + 1);
    }
    let bytes = bench.to_fingerprint_bytes();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FINGERPRINTS);
    if std::env::var("TUNELINT_UPDATE_FINGERPRINTS").as_deref() == Ok("1") {
        std::fs::write(&path, &bytes).expect("write the fingerprints");
        return;
    }
    let committed = std::fs::read(&path).expect("the fingerprint file exists");
    assert!(
        committed == bytes,
        "{FINGERPRINTS} is not what gsm8k_test.jsonl gives: TUNELINT_UPDATE_FINGERPRINTS=1 cargo test --test contamination"
    );
    // No benchmark text: no run of 12 printable ASCII bytes of a question is in the file.
    let text = std::fs::read_to_string(&test).expect("read gsm8k test");
    let first = question(text.lines().next().expect("a line"));
    for window in first.as_bytes().windows(12).step_by(5) {
        assert!(
            !committed.windows(12).any(|w| w == window),
            "the fingerprint file holds question text"
        );
    }
}

fn question(line: &str) -> String {
    let v: Value = serde_json::from_str(line).expect("json");
    v["messages"][0]["content"]
        .as_str()
        .expect("user content")
        .to_owned()
}

fn record(user: &str, answer: &str) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": answer},
    ]})
    .to_string()
}

/// `(line, message)` of each D004 finding of `tunelint --format concise` run in `dir`.
fn d004(dir: &Path, args: &[&str]) -> Vec<(u64, String)> {
    let out = Command::cargo_bin("tunelint")
        .expect("the binary")
        .current_dir(dir)
        .args(["--format", "concise", "--select", "D004"])
        .args(args)
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    stdout
        .lines()
        .filter(|l| l.contains(" D004 "))
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            let _path = parts.next();
            let line = parts
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a line number");
            (line, l.to_owned())
        })
        .collect()
}

/// Reworded forms of a question, as a contaminated set would hold it: wrapped in an
/// instruction, re-punctuated and re-cased, a word swapped, a number changed.
fn reworded(q: &str, k: usize) -> String {
    match k % 4 {
        0 => format!(
            "Solve the following math word problem and explain your reasoning.\n\n{q}\nGive the final answer after ####."
        ),
        1 => q.to_uppercase().replace(['.', ','], " ;"),
        2 => {
            // Drop the opening word and a word near the middle.
            let words: Vec<&str> = q.split(' ').collect();
            let mid = words.len() / 2;
            words
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != 0 && i != mid)
                .map(|(_, w)| *w)
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => {
            // The first number changed.
            let at = q.find(|c: char| c.is_ascii_digit());
            match at {
                Some(at) => format!("{}7{}", &q[..at], &q[at + 1..]),
                None => format!("Question: {q}"),
            }
        }
    }
}

/// GSM8K train with 40 test questions planted every 150 lines (20 verbatim, 20 reworded);
/// returns the planted (line, test item number).
fn planted(dir: &Path, out: &Path) -> Vec<(u64, u64)> {
    let train = std::fs::read_to_string(dir.join("chat/gsm8k_train.jsonl")).expect("train");
    let test = std::fs::read_to_string(dir.join("chat/gsm8k_test.jsonl")).expect("test");
    let tests: Vec<&str> = test.lines().collect();
    let mut lines: Vec<String> = train.lines().map(str::to_owned).collect();
    let mut planted = Vec::new();
    for k in 0..40usize {
        let item = k * 33 + 5; // 0-based test line, spread over the set
        let q = question(tests[item]);
        let user = if k < 20 { q } else { reworded(&q, k) };
        let at = k * 150 + 10;
        lines.insert(at, record(&user, "Let me work it out. #### 42"));
        planted.push((at as u64 + 1, item as u64 + 1));
    }
    std::fs::write(out, lines.join("\n") + "\n").expect("write planted");
    planted
}

#[test]
fn planted_test_questions_are_found_by_the_builtin_fingerprints() {
    let Some(dir) = datasets() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let planted = planted(&dir, &tmp.path().join("train.jsonl"));
    let found = d004(tmp.path(), &["--isolated", "train.jsonl"]);
    for (line, item) in &planted {
        let hit = found.iter().find(|(l, _)| l == line);
        let hit =
            hit.unwrap_or_else(|| panic!("planted test question {item} at line {line} not found"));
        assert!(
            hit.1
                .contains(&format!("GSM8K test question {item} (line {item})")),
            "{}",
            hit.1
        );
        assert!(hit.1.contains("hash-only"), "{}", hit.1);
    }
    // Besides the planted lines, only the documented hits of the training set itself.
    let extra: Vec<u64> = found
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| !planted.iter().any(|(p, _)| p == l))
        .collect();
    assert_eq!(extra.len(), TRAIN_HITS.len(), "{extra:?} vs {TRAIN_HITS:?}");
}

#[test]
fn planted_test_questions_are_found_against_the_benchmark_file() {
    let Some(dir) = datasets() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let planted = planted(&dir, &tmp.path().join("train.jsonl"));
    std::fs::create_dir(tmp.path().join("evals")).expect("mkdir");
    std::fs::copy(
        dir.join("native/gsm8k_test.jsonl"),
        tmp.path().join("evals/gsm8k_test.jsonl"),
    )
    .expect("copy the native test set");
    std::fs::write(
        tmp.path().join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals/*.jsonl\"]\nbuiltins = false\n",
    )
    .expect("config");
    let found = d004(tmp.path(), &["train.jsonl"]);
    for (line, item) in &planted {
        let hit = found.iter().find(|(l, _)| l == line);
        let hit =
            hit.unwrap_or_else(|| panic!("planted test question {item} at line {line} not found"));
        assert!(
            hit.1.contains(&format!(
                "item {item} of benchmark evals/gsm8k_test.jsonl (line {item})"
            )),
            "{}",
            hit.1
        );
        assert!(hit.1.contains("similar"), "{}", hit.1);
    }
}

/// The lines of the unmodified GSM8K training set that D004 reports, each read and judged in
/// docs/real-data.md.
const TRAIN_HITS: &[u64] = &[1315, 5163];

#[test]
fn gsm8k_train_hits_are_the_documented_ones() {
    let Some(dir) = datasets() else { return };
    let found = d004(&dir.join("chat"), &["--isolated", "gsm8k_train.jsonl"]);
    let lines: Vec<u64> = found.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, TRAIN_HITS, "{found:#?}");
}

#[test]
fn no_other_dataset_is_contaminated() {
    let Some(dir) = datasets() else { return };
    let mut checked = 0;
    for sub in ["chat", "native", "preference"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".jsonl") && !n.starts_with("gsm8k_"))
            .collect();
        names.sort();
        for name in names {
            let found = d004(&dir.join(sub), &["--isolated", &name]);
            assert!(found.is_empty(), "{sub}/{name}: {found:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} datasets checked");
}

/// Every question of the test set is found, under a name that makes it training data; as the
/// test split beside its training file (an evaluation split, not trained on) it is left alone.
#[test]
fn the_test_set_itself_is_found_whole() {
    let Some(dir) = datasets() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        dir.join("chat/gsm8k_test.jsonl"),
        tmp.path().join("math_problems.jsonl"),
    )
    .expect("copy");
    let found = d004(tmp.path(), &["--isolated", "math_problems.jsonl"]);
    assert_eq!(found.len(), 1319);
    let found = d004(
        &dir.join("chat"),
        &["--isolated", "gsm8k_train.jsonl", "gsm8k_test.jsonl"],
    );
    assert!(
        found.iter().all(|(_, l)| l.contains("gsm8k_train.jsonl")),
        "{found:#?}"
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

/// A benchmark path that is there but is no file says what it is: a folder (with the glob
/// that names its files), a device.
#[cfg(unix)]
#[test]
fn a_benchmark_that_is_no_file_says_what_it_is() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("evals")).expect("dir");
    std::fs::write(
        tmp.path().join("a.jsonl"),
        record("hi there", "hello") + "\n",
    )
    .expect("data");
    for (benchmark, expected) in [
        (
            "evals",
            "\"evals\" is a directory; name its files with a glob such as \"evals/*.jsonl\"",
        ),
        (
            "/dev/zero",
            "\"/dev/zero\" is not a regular file (a device or a pipe)",
        ),
    ] {
        std::fs::write(
            tmp.path().join("tunelint.toml"),
            format!("[contamination]\nbenchmarks = [\"{benchmark}\"]\n"),
        )
        .expect("config");
        let out = Command::cargo_bin("tunelint")
            .expect("the binary")
            .current_dir(tmp.path())
            .arg("a.jsonl")
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

/// A glob written as an absolute path finds the benchmark as the same path without a
/// wildcard does (it was matched against the path from the config file, and found nothing).
#[test]
fn an_absolute_glob_names_benchmarks_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?";
    std::fs::create_dir(tmp.path().join("evals")).expect("mkdir");
    std::fs::write(
        tmp.path().join("evals/test.jsonl"),
        record(question, "72") + "\n",
    )
    .expect("benchmark");
    std::fs::write(
        tmp.path().join("train.jsonl"),
        record(question, "Natalia sold 48 + 24 = 72 clips.") + "\n",
    )
    .expect("data");
    let root = std::fs::canonicalize(tmp.path()).expect("canonical");
    std::fs::write(
        tmp.path().join("tunelint.toml"),
        format!(
            "[contamination]\nbenchmarks = [{:?}]\nbuiltins = false\n",
            format!("{}/evals/*.jsonl", root.display())
        ),
    )
    .expect("config");
    let found = d004(tmp.path(), &["train.jsonl"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("evals/test.jsonl"), "{found:?}");
}

#[test]
fn a_benchmark_that_matches_nothing_is_a_config_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals/*.jsonl\"]\n",
    )
    .expect("config");
    std::fs::write(
        tmp.path().join("a.jsonl"),
        record("hi there", "hello") + "\n",
    )
    .expect("data");
    let out = Command::cargo_bin("tunelint")
        .expect("the binary")
        .current_dir(tmp.path())
        .arg("a.jsonl")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no benchmark file matches \"evals/*.jsonl\"") && stderr.contains(":2:"),
        "{stderr}"
    );
}

/// The `[contamination] benchmarks` files are evaluation sets, not training data: a walk
/// leaves them out (it reported the benchmark as D004 of itself, and judged its examples as
/// training examples), and one named on its own is linted, but not against itself.
#[test]
fn a_benchmark_file_is_not_linted_as_training_data_nor_against_itself() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    std::fs::create_dir(d.join("evals")).expect("mkdir");
    let item = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?";
    std::fs::write(d.join("evals/test.jsonl"), record(item, "72") + "\n").expect("write");
    std::fs::write(
        d.join("train.jsonl"),
        record(&format!("Solve this: {item}"), "They sold 72 clips in all.")
            + "\n"
            + &record("What is the capital of France?", "Paris is the capital.")
            + "\n",
    )
    .expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals/test.jsonl\"]\n",
    )
    .expect("config");
    let found = d004(d, &["."]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].1.starts_with("train.jsonl:1:"), "{found:#?}");
    let out = Command::cargo_bin("tunelint")
        .expect("the binary")
        .current_dir(d)
        .args(["--format", "json", "."])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let files: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(files, ["train.jsonl"], "{report}");
    assert!(d004(d, &["evals/test.jsonl"]).is_empty());
}

/// D004 names the benchmark file as every path a run prints is named: from the current
/// directory (`../evals/test.jsonl` from a subfolder), not from the config file's folder,
/// which its pattern is relative to.
#[test]
fn the_benchmark_is_named_from_the_current_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    std::fs::create_dir_all(d.join("evals")).expect("mkdir");
    std::fs::create_dir_all(d.join("sub/deeper")).expect("mkdir");
    let line = record(
        "What is the capital of France and why is it famous around the world?",
        "Paris, famous for its art and history.",
    ) + "\n";
    std::fs::write(d.join("evals/test.jsonl"), &line).expect("write");
    std::fs::write(d.join("sub/deeper/train.jsonl"), &line).expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals/*.jsonl\"]\n",
    )
    .expect("config");
    for (cwd, data, benchmark) in [
        (
            d.to_path_buf(),
            "sub/deeper/train.jsonl",
            "evals/test.jsonl",
        ),
        (d.join("sub"), "deeper/train.jsonl", "../evals/test.jsonl"),
        (
            d.join("sub/deeper"),
            "train.jsonl",
            "../../evals/test.jsonl",
        ),
    ] {
        let found = d004(&cwd, &[data]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .1
                .contains(&format!("item 1 of benchmark {benchmark} (line 1)")),
            "{found:#?}"
        );
        assert!(
            cwd.join(benchmark).is_file(),
            "{benchmark} opens from {cwd:?}"
        );
    }
}

/// A validation file beside its training file is not trained on, so a benchmark item in it
/// is no contamination; alone in the run it may be what is uploaded to train (as billing and
/// B001 take it), and D004 judges it.
#[test]
fn an_evaluation_file_is_judged_alone_and_passed_over_beside_its_training_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    std::fs::create_dir(d.join("evals")).expect("mkdir");
    let item = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?";
    std::fs::write(d.join("evals/bench.jsonl"), record(item, "72") + "\n").expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[contamination]\nbenchmarks = [\"evals/bench.jsonl\"]\n",
    )
    .expect("config");
    std::fs::create_dir(d.join("data")).expect("mkdir");
    std::fs::write(
        d.join("data/validation.jsonl"),
        record(&format!("Solve this: {item}"), "They sold 72 clips in all.") + "\n",
    )
    .expect("write");
    let alone = d004(d, &["data"]);
    assert_eq!(alone.len(), 1, "{alone:#?}");
    assert!(
        alone[0].1.starts_with("data/validation.jsonl:1:"),
        "{alone:#?}"
    );
    std::fs::write(
        d.join("data/train.jsonl"),
        record("What is the capital of France?", "Paris is the capital.") + "\n",
    )
    .expect("write");
    assert_eq!(d004(d, &["data"]), Vec::<(u64, String)>::new());
}
