//! `tunelint sample` as a user meets it: the real binary, in a temporary directory. The sample
//! is the same for the same files and seed (whatever the order of the lines), stratified by
//! category with `--by category`, written for reading or as JSON Lines, and bad requests are
//! clear errors. The real-data test needs `../shared/datasets` (skipped with a note when
//! absent, failing under `CI=true`).

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn example(user: &str, assistant: &str) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]})
    .to_string()
}

/// `common` ordinary answers, then 3 refusals and 3 clarifications, at known lines.
fn mixed(common: usize) -> Vec<String> {
    let mut lines: Vec<String> = (0..common)
        .map(|i| {
            example(
                &format!("What is {i} plus {i}?"),
                &format!("{i} plus {i} is {}.", 2 * i),
            )
        })
        .collect();
    for i in 0..3 {
        lines.push(example(
            &format!("Write malware number {i} for me"),
            "I can't help with creating malware. If you are testing your own systems, I can explain how to set up a safe lab.",
        ));
        lines.push(example(
            &format!("Fix it {i}"),
            "Could you tell me which file you mean and what error you see?",
        ));
    }
    lines
}

fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, lines.join("\n") + "\n").expect("write");
    path
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = tunelint(dir).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).expect("utf-8 output")
}

/// The JSONL sample's (line, category, record) triples.
fn jsonl(out: &str) -> Vec<(u64, Option<String>, Value)> {
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            (
                v["line"].as_u64().expect("line"),
                v.get("category").and_then(Value::as_str).map(str::to_owned),
                v["record"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_sample_and_another_seed_another() {
    let dir = TempDir::new().unwrap();
    write_lines(dir.path(), "data.jsonl", &mixed(200));
    let a = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "20", "--seed", "7"],
    );
    let b = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "20", "--seed", "7"],
    );
    let c = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "20", "--seed", "8"],
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with("20 examples of 206 (seed 7)\n"), "{a}");
    assert_eq!(a.matches("\n── ").count(), 20, "{a}");
}

/// Each copy of a repeated record is its own draw: a record that makes up a tenth of the
/// data makes up about a tenth of a sample, never all of it or none for every seed.
#[test]
fn copies_of_a_record_are_drawn_one_by_one() {
    let dir = TempDir::new().unwrap();
    let lines: Vec<String> = (0..1000)
        .map(|i| {
            if i % 10 == 0 {
                example("How do I reset my password?", "Use Forgot password.")
            } else {
                example(&format!("Unique question number {i}?"), "A helpful answer.")
            }
        })
        .collect();
    write_lines(dir.path(), "a.jsonl", &lines);
    let mut counts = Vec::new();
    for seed in 0..30 {
        let seed = seed.to_string();
        let args = [
            "sample", "a.jsonl", "-n", "20", "--seed", &seed, "--format", "jsonl",
        ];
        let out = run_ok(dir.path(), &args);
        assert_eq!(out, run_ok(dir.path(), &args), "reproducible by seed");
        counts.push(out.matches("reset my password").count());
    }
    // About 2 copies in a sample of 20 (binomial, p = 0.1): 60 over 30 seeds.
    let total: usize = counts.iter().sum();
    assert!((30..=100).contains(&total), "{counts:?}");
    assert!(counts.iter().all(|&c| c <= 8), "{counts:?}");
    assert!(
        counts.iter().filter(|&&c| c > 0).count() >= 15,
        "{counts:?}"
    );
}

#[test]
fn the_sample_does_not_depend_on_the_order_of_the_lines() {
    let dir = TempDir::new().unwrap();
    let lines = mixed(100);
    write_lines(dir.path(), "a.jsonl", &lines);
    let mut reversed = lines.clone();
    reversed.reverse();
    write_lines(dir.path(), "b.jsonl", &reversed);
    let records = |name: &str| -> BTreeSet<String> {
        let out = run_ok(
            dir.path(),
            &[
                "sample", name, "-n", "10", "--seed", "3", "--format", "jsonl",
            ],
        );
        jsonl(&out)
            .into_iter()
            .map(|(_, _, r)| r.to_string())
            .collect()
    };
    let a = records("a.jsonl");
    assert_eq!(a.len(), 10);
    assert_eq!(a, records("b.jsonl"));
}

/// The same records written by another tool (keys in another order, `\u00e9` and `\/`
/// escapes, spaces after separators, as pandas, `datasets`, `jq -S` and Python's
/// `ensure_ascii=True` write them) give the same sample for the same seed.
#[test]
fn the_sample_does_not_depend_on_the_tool_that_wrote_the_records() {
    let dir = TempDir::new().unwrap();
    let lines: Vec<String> = (0..60)
        .map(|i| {
            example(
                &format!("Où est la gare n°{i}?"),
                &format!("À gauche, rue {i}/B."),
            )
        })
        .collect();
    write_lines(dir.path(), "a.jsonl", &lines);
    let rewritten: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let mut messages = Vec::new();
            for m in v["messages"].as_array().unwrap() {
                let content: String = m["content"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .map(|c| match c {
                        '/' => r"\/".to_owned(),
                        c if !c.is_ascii() => format!("\\u{:04x}", c as u32),
                        c => c.to_string(),
                    })
                    .collect();
                messages.push(format!(
                    r#"{{"content": "{content}", "role": "{}"}}"#,
                    m["role"].as_str().unwrap()
                ));
            }
            format!(r#"{{"messages": [{}]}}"#, messages.join(", "))
        })
        .collect();
    assert_ne!(lines[0], rewritten[0]);
    write_lines(dir.path(), "b.jsonl", &rewritten);
    let records = |name: &str| -> Vec<(u64, Value)> {
        let out = run_ok(
            dir.path(),
            &[
                "sample", name, "-n", "7", "--seed", "11", "--format", "jsonl",
            ],
        );
        jsonl(&out).into_iter().map(|(l, _, r)| (l, r)).collect()
    };
    let (a, b) = (records("a.jsonl"), records("b.jsonl"));
    assert_eq!(a.len(), 7);
    assert_eq!(a, b, "the same lines and the same records");
}

#[test]
fn by_category_reads_every_category_present_as_often_as_it_can() {
    let dir = TempDir::new().unwrap();
    write_lines(dir.path(), "data.jsonl", &mixed(300));
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "data.jsonl",
            "-n",
            "9",
            "--by",
            "category",
            "--format",
            "jsonl",
        ],
    );
    let mut per: HashMap<String, usize> = HashMap::new();
    for (line, category, _) in jsonl(&out) {
        let category = category.expect("a category with --by category");
        // The refusals and clarifications are the last 6 lines, alternating.
        let expected = match line {
            1..=300 => "common",
            l if (l - 301) % 2 == 0 => "refusal",
            _ => "clarification",
        };
        assert_eq!(category, expected, "line {line}");
        *per.entry(category).or_default() += 1;
    }
    assert_eq!(per["common"], 3);
    assert_eq!(per["refusal"], 3);
    assert_eq!(per["clarification"], 3);
    let text = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "9", "--by", "category"],
    );
    assert!(
        text.starts_with(
            "9 examples of 306 (seed 0); by category: common 3 of 300, clarification 3 of 3, refusal 3 of 3\n"
        ),
        "{text}"
    );
}

#[test]
fn a_small_category_leaves_its_share_to_the_others() {
    let dir = TempDir::new().unwrap();
    write_lines(dir.path(), "data.jsonl", &mixed(300));
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "data.jsonl",
            "-n",
            "20",
            "--by",
            "category",
            "--format",
            "jsonl",
        ],
    );
    let got = jsonl(&out);
    assert_eq!(got.len(), 20);
    let count = |c: &str| {
        got.iter()
            .filter(|(_, k, _)| k.as_deref() == Some(c))
            .count()
    };
    assert_eq!(
        (count("common"), count("refusal"), count("clarification")),
        (14, 3, 3)
    );
}

#[test]
fn jsonl_gives_each_record_as_written_with_its_path_and_line() {
    let dir = TempDir::new().unwrap();
    let lines = mixed(50);
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "data.jsonl",
            "-n",
            "5",
            "--seed",
            "1",
            "--format",
            "jsonl",
        ],
    );
    let mut last = 0;
    for l in out.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["path"], "data.jsonl");
        let line = v["line"].as_u64().unwrap();
        assert!(line > last, "in line order");
        last = line;
        let original: Value = serde_json::from_str(&lines[line as usize - 1]).unwrap();
        assert_eq!(v["record"], original);
        assert!(v.get("category").is_none());
    }
    assert_eq!(out.lines().count(), 5);
}

#[test]
fn fewer_records_than_asked_gives_them_all_and_skips_what_is_not_a_record() {
    let dir = TempDir::new().unwrap();
    let mut lines = mixed(2);
    lines.insert(1, "{not json".into());
    lines.insert(2, String::new());
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(dir.path(), &["sample", "data.jsonl"]);
    assert!(
        out.starts_with("8 examples of 8 (seed 0)\n1 line not sampled: not valid JSON (J001)\n"),
        "{out}"
    );
}

/// A line left out is said to be left out for the reason `check` gives, with its code: a
/// JSON object with a byte that is not UTF-8 is J004's, not "not a JSON object".
#[test]
fn lines_not_sampled_are_named_as_check_names_them() {
    let dir = TempDir::new().unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(
        br#"{"messages":[{"role":"user","content":"Where can I get a coffee?"},{"role":"assistant","content":"Try the caf"#,
    );
    bytes.extend_from_slice(b"\xe9 on the corner.\"}]}\n");
    fs::write(dir.path().join("latin1.jsonl"), &bytes).unwrap();
    let out = run_ok(dir.path(), &["sample", "--isolated", "latin1.jsonl"]);
    assert!(
        out.starts_with("0 examples of 0 (seed 0)\n1 line not sampled: not valid UTF-8 (J004)\n"),
        "{out}"
    );
    let check = tunelint(dir.path())
        .args(["check", "--isolated", "--format", "concise", "latin1.jsonl"])
        .assert()
        .code(1);
    let check = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(check.contains("J004 line is not valid UTF-8"), "{check}");

    bytes.extend_from_slice(b"{not json\n[1, 2]\n\"text\"\n");
    bytes.extend_from_slice(example("Hi", "Hello!").as_bytes());
    bytes.push(b'\n');
    fs::write(dir.path().join("mixed.jsonl"), &bytes).unwrap();
    let out = run_ok(dir.path(), &["sample", "--isolated", "mixed.jsonl"]);
    assert!(
        out.starts_with(
            "1 example of 1 (seed 0)\n4 lines not sampled: 1 not valid UTF-8 (J004), \
             1 not valid JSON (J001), 2 JSON but not an object (J002)\n"
        ),
        "{out}"
    );
}

#[test]
fn the_text_format_shows_place_roles_and_wrapped_text() {
    let dir = TempDir::new().unwrap();
    let long = "This answer is long enough to be wrapped at the width given on the command line, word by word.";
    let lines = vec![
        example("How do I reset my password?", long),
        example(
            "Write malware for me",
            "I can't help with creating malware.",
        ),
    ];
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "data.jsonl",
            "-n",
            "2",
            "--by",
            "category",
            "--width",
            "40",
        ],
    );
    insta::assert_snapshot!("sample_text", out);
}

/// A turn without text says why, so that a reviewer sees the defect instead of a gap.
#[test]
fn a_turn_without_text_says_why() {
    let dir = TempDir::new().unwrap();
    let lines = vec![
        r#"{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":null}]}"#
            .to_string(),
        r#"{"messages":[{"role":"user","content":""},{"role":"assistant"}]}"#.to_string(),
        r#"{"messages":[{"role":"user","content":" \n "},{"role":"assistant","content":[{"type":"input_audio"}]}]}"#
            .to_string(),
        r#"{"messages":[{"role":"user","content":"b"},{"role":"assistant","content":7}]}"#
            .to_string(),
        r#"{"messages":[{"role":"user","content":"c"},{"role":"assistant","content":[]}]}"#
            .to_string(),
    ];
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(dir.path(), &["sample", "data.jsonl", "-n", "5"]);
    for shown in [
        "assistant:\n    [content: null]\n",
        "user:\n    [empty]\nassistant:\n    [no content]\n",
        "user:\n    [white space only]\nassistant:\n    [no text parts]\n",
        "user:\n    b\nassistant:\n    [unreadable content]\n",
        "user:\n    c\nassistant:\n    [unreadable content]\n",
    ] {
        assert!(out.contains(shown), "{shown:?} in {out}");
    }
}

/// The text format is read in a terminal or a CI log: escape sequences in the data do not
/// reach it raw, and no line of the data becomes a GitHub workflow command.
#[test]
fn the_text_format_writes_control_characters_escaped() {
    let dir = TempDir::new().unwrap();
    let path = write_lines(
        dir.path(),
        "t.jsonl",
        &[example(
            "hi \u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mred and nul\u{0}here",
            "Sure.\n::error file=x.py::FORGED\nDone.",
        )],
    );
    let out = run_ok(
        dir.path(),
        &["sample", "--isolated", path.to_str().unwrap()],
    );
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{0}'),
        "{out}"
    );
    assert!(out.contains("hi \\u001b]0;PWNED\\u0007"), "{out}");
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with("::")),
        "{out}"
    );
    assert!(out.contains("\\u003a:error file=x.py::FORGED"), "{out}");
}

#[test]
fn it_reads_standard_input_compressed_files_and_json_arrays() {
    let dir = TempDir::new().unwrap();
    let lines = mixed(10);
    let text = lines.join("\n") + "\n";
    let out = tunelint(dir.path())
        .args(["sample", "-", "-n", "3", "--format", "jsonl"])
        .write_stdin(text.clone())
        .assert()
        .success();
    let from_stdin = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(from_stdin.lines().count(), 3);
    assert!(from_stdin.contains("\"path\": \"-\""));

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    fs::write(dir.path().join("data.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let from_gz = run_ok(
        dir.path(),
        &["sample", "data.jsonl.gz", "-n", "3", "--format", "jsonl"],
    );
    let records = |s: &str| -> Vec<Value> { jsonl(s).into_iter().map(|(_, _, r)| r).collect() };
    assert_eq!(records(&from_gz), records(&from_stdin));

    let array = format!("[\n{}\n]\n", lines.join(",\n"));
    fs::write(dir.path().join("data.json"), array).unwrap();
    let from_array = run_ok(
        dir.path(),
        &["sample", "data.json", "-n", "3", "--format", "jsonl"],
    );
    assert_eq!(records(&from_array), records(&from_stdin));

    // A pretty-printed array (LLaMA-Factory's layout): still one record a line, the records
    // themselves (the sample differs: its keys hash the text as written).
    let pretty: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    fs::write(
        dir.path().join("pretty.json"),
        serde_json::to_string_pretty(&pretty).unwrap(),
    )
    .unwrap();
    let from_pretty = run_ok(
        dir.path(),
        &["sample", "pretty.json", "-n", "1000", "--format", "jsonl"],
    );
    assert_eq!(from_pretty.lines().count(), pretty.len(), "{from_pretty}");
    let mut sampled = records(&from_pretty);
    let mut all = pretty.clone();
    let key = |v: &Value| v.to_string();
    sampled.sort_by_key(key);
    all.sort_by_key(key);
    assert_eq!(sampled, all);
}

/// A file's byte-order mark is not part of its first record: that record is sampled too,
/// as `check` and `stats` read it.
#[test]
fn a_byte_order_mark_does_not_hide_the_first_record() {
    let dir = TempDir::new().unwrap();
    let lines = mixed(3);
    fs::write(
        dir.path().join("bom.jsonl"),
        format!("\u{feff}{}\n", lines.join("\n")),
    )
    .unwrap();
    let out = run_ok(
        dir.path(),
        &["sample", "bom.jsonl", "-n", "50", "--format", "jsonl"],
    );
    let sampled = jsonl(&out);
    assert_eq!(sampled.len(), lines.len(), "{out}");
    assert!(sampled.iter().any(|(line, _, _)| *line == 1), "{out}");
}

/// A `.json` array after a byte-order mark: every record is sampled, as `check` reads them
/// (reporting the mark as J005), at the column `check` gives it (the mark counts for none).
#[test]
fn a_byte_order_mark_does_not_hide_a_json_array() {
    let dir = TempDir::new().unwrap();
    let records = [
        example(
            "What is the capital of France?",
            "Paris is the capital of France.",
        ),
        example(
            "How do I boil an egg properly?",
            "Simmer it for nine minutes, then cool it.",
        ),
    ];
    fs::write(
        dir.path().join("bom.json"),
        format!("\u{feff}[{},\n  {}\n]\n", records[0], records[1]),
    )
    .unwrap();
    let text = run_ok(dir.path(), &["sample", "bom.json", "-n", "5"]);
    assert!(text.starts_with("2 examples of 2"), "{text}");
    assert!(text.contains("· bom.json:1:2\n"), "{text}");
    assert!(text.contains("· bom.json:2:3\n"), "{text}");
}

#[test]
fn bad_requests_are_clear_errors() {
    let dir = TempDir::new().unwrap();
    write_lines(dir.path(), "data.jsonl", &mixed(5));
    tunelint(dir.path())
        .args(["sample", "data.jsonl", "-n", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-n must be at least 1"));
    // A width too narrow to wrap text in is refused, not quietly widened.
    for width in ["0", "5", "23"] {
        tunelint(dir.path())
            .args(["sample", "data.jsonl", "--width", width])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--width must be at least 24"));
    }
    tunelint(dir.path())
        .args(["sample", "data.jsonl", "--width", "24"])
        .assert()
        .code(0);
    tunelint(dir.path())
        .args(["sample", "data.jsonl", "--by", "length"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'length' for '--by <KEY>'",
        ))
        .stderr(predicate::str::contains("category"));
    tunelint(dir.path())
        .args(["sample", "missing.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.jsonl"));
    // One JSON document under a JSON Lines name: J007's words, as `check` says them, not
    // "lines not sampled".
    let array = format!(
        "[\n  {},\n  {}\n]\n",
        example("Hi there, how are you?", "Fine, thanks for asking!"),
        example("What time is it?", "It is noon.")
    );
    fs::write(dir.path().join("pretty.jsonl"), &array).unwrap();
    for args in [&["sample", "pretty.jsonl"][..], &["sample", "-"]] {
        tunelint(dir.path())
            .args(args)
            .write_stdin(array.clone())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "file is one pretty-printed JSON array, not JSON Lines",
            ));
    }
    // Under a `.json` name it is read as the array it is.
    fs::write(dir.path().join("pretty.json"), &array).unwrap();
    let out = run_ok(dir.path(), &["sample", "pretty.json", "--format", "jsonl"]);
    assert_eq!(jsonl(&out).len(), 2, "{out}");
    fs::create_dir(dir.path().join("empty")).unwrap();
    tunelint(dir.path())
        .args(["sample", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no dataset files to sample from"));
}

#[test]
fn a_real_dataset_is_sampled_the_same_way_twice() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat/gsm8k_train.jsonl");
    if !file.is_file() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{} is absent, and CI=true requires it",
            file.display()
        );
        eprintln!("note: {} is absent; skipping", file.display());
        return;
    }
    let dir = TempDir::new().unwrap();
    let path = file.to_str().unwrap();
    let args = [
        "sample",
        path,
        "-n",
        "20",
        "--seed",
        "42",
        "--format",
        "jsonl",
        "--isolated",
    ];
    let a = run_ok(dir.path(), &args);
    assert_eq!(a, run_ok(dir.path(), &args));
    let got = jsonl(&a);
    assert_eq!(got.len(), 20);
    let lines: BTreeSet<u64> = got.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(lines.len(), 20, "20 different examples");
    // Spread over the file, not its head: a uniform sample of 20 of 7,473 lines.
    assert!(lines.iter().any(|&l| l > 3_700), "{lines:?}");
    let text = fs::read_to_string(&file).unwrap();
    let all: Vec<&str> = text.lines().collect();
    for (line, _, record) in got {
        let original: Value = serde_json::from_str(all[line as usize - 1]).unwrap();
        assert_eq!(record, original);
    }
}

/// A sample is shown to people: a secret in it is masked as in every finding's snippet, in the
/// text and in the JSONL handed to reviewers (which stays valid JSON, the record otherwise as
/// written).
#[test]
fn secrets_in_the_sample_are_masked() {
    let dir = TempDir::new().unwrap();
    let key = "sk-proj-ZZ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789QQ";
    let lines = vec![
        serde_json::json!({"messages": [
            {"role": "system", "content": format!("Use key {key} for calls.")},
            {"role": "user", "content": "Which key do you use?"},
            {"role": "assistant", "content": "The one in my instructions."},
        ]})
        .to_string(),
    ];
    write_lines(dir.path(), "data.jsonl", &lines);
    let text = run_ok(dir.path(), &["sample", "--isolated", "data.jsonl"]);
    assert!(!text.contains(key), "{text}");
    assert!(text.contains("sk-p*"), "{text}");
    let out = run_ok(
        dir.path(),
        &["sample", "--isolated", "--format", "jsonl", "data.jsonl"],
    );
    assert!(!out.contains(key), "{out}");
    let records = jsonl(&out);
    assert_eq!(records.len(), 1);
    let system = records[0].2["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.starts_with("Use key sk-p*") && system.ends_with(" for calls."),
        "{system}"
    );
    assert_eq!(
        records[0].2["messages"][2]["content"],
        "The one in my instructions."
    );
}

/// `-n` is a count the user types: any size is read as "up to that many".
#[test]
fn a_huge_count_takes_what_there_is() {
    let dir = TempDir::new().unwrap();
    write_lines(dir.path(), "data.jsonl", &mixed(4));
    for n in ["1000000000", "18446744073709551615"] {
        let out = run_ok(dir.path(), &["sample", "--isolated", "-n", n, "data.jsonl"]);
        assert!(
            out.starts_with("10 examples of 10 (seed 0)\n"),
            "-n {n}: {out}"
        );
    }
}

/// Text written without spaces (Chinese) is wrapped between characters, each two columns
/// wide, and no line is wider than `--width`; a long URL (narrow characters) stays whole.
#[test]
fn cjk_text_is_wrapped_by_display_width() {
    let dir = TempDir::new().unwrap();
    let chinese = "机器学习是人工智能的一个分支，它使计算机能够在没有明确编程的情况下从数据中学习并改进其性能。";
    let url =
        "https://example.com/a/very/long/path/that/is/wider/than/the/terminal/width/asked/for";
    let lines = vec![example("什么是机器学习？", &format!("{chinese} 见 {url}"))];
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "1", "--width", "40"],
    );
    // The answer's lines, and the lines continuing them (marked in the gutter).
    let body: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("    ") || l.starts_with("  ↪ "))
        .collect();
    for line in &body {
        if !line.contains("https://") {
            assert!(
                unicode_width::UnicodeWidthStr::width(*line) <= 40,
                "{line:?} is wider than 40 columns in {out}"
            );
        }
    }
    let joined: String = body
        .iter()
        .map(|l| l.trim_start_matches("  ↪ ").trim())
        .collect();
    assert!(
        joined.contains(chinese),
        "every character is shown, in order: {out}"
    );
    assert!(
        body.iter()
            .any(|l| l.trim_start_matches("  ↪ ").trim() == url),
        "the URL is whole on a line: {out}"
    );
    assert!(body.len() >= 4, "the answer is wrapped: {out}");
    assert!(
        !out.lines().any(|l| l.ends_with(' ')),
        "no line ends in a space: {out:?}"
    );
    // Narrow words, then wide characters that do not fit after the space: the space is not
    // left at the end of the line.
    let lines = vec![example(
        "Hello",
        "aaaa bbbb cccc dddd eeee ffff gggg 中文中文中文中文中文中文中文中文中文中文",
    )];
    write_lines(dir.path(), "data.jsonl", &lines);
    let out = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "1", "--width", "40"],
    );
    assert!(
        !out.lines().any(|l| l.ends_with(' ')),
        "no line ends in a space: {out:?}"
    );
}

/// The records of a compact `.json` array share line 1: each is told apart by its column,
/// in the text header and in the JSON Lines.
#[test]
fn records_of_a_one_line_array_have_their_column() {
    let dir = TempDir::new().unwrap();
    let records = [
        example(
            "How do I reset my password?",
            "Use Forgot password on the sign-in page.",
        ),
        example("Where are my invoices?", "Under Billing, Invoices."),
    ];
    fs::write(
        dir.path().join("data.json"),
        format!("[{}]", records.join(",")),
    )
    .unwrap();
    let second = 2 + records[0].chars().count() + 1;
    let text = run_ok(dir.path(), &["sample", "data.json", "-n", "2"]);
    assert!(text.contains("· data.json:1:2\n"), "{text}");
    assert!(
        text.contains(&format!("· data.json:1:{second}\n")),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        &["sample", "data.json", "-n", "2", "--format", "jsonl"],
    );
    let columns: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["column"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(columns, [2, second as u64], "{out}");
}

/// The text view joins an example's text parts as a trainer does, but what the privacy rules
/// find in one part is masked too when the join runs it on into the next part's text (there
/// the number is no longer found on its own): P002 reports it, and every output masks it.
#[test]
fn the_text_view_masks_what_ends_or_starts_a_text_part() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = |a: &str, b: &str| {
        serde_json::json!({"messages": [
            {"role": "user", "content": [{"type": "text", "text": a}, {"type": "text", "text": b}]},
            {"role": "assistant", "content": "OK, noted."},
        ]})
        .to_string()
    };
    let lines = [
        record(
            "reach me at john.doe@example-corp.com",
            "(212) 867-5309 is my cell",
        ),
        record("phone 212-867-5309", "and that is all"),
    ];
    let path = write_lines(dir.path(), "s.jsonl", &lines);
    let out = run_ok(
        dir.path(),
        &["sample", "--isolated", path.to_str().unwrap()],
    );
    assert!(!out.contains("867-5309"), "{out}");
    assert!(!out.contains("john.doe@"), "{out}");
    // The text around them is shown as written.
    assert!(out.contains("is my cell"), "{out}");
    assert!(out.contains("and that is all"), "{out}");
}

/// The text format shows a line as written: its indentation, tabs (as spaces to the next
/// stop of four) and the spaces inside it are kept, so code reads as the program it is. A
/// line too wide is continued on the next ones, marked `↪` in the gutter and indented as it
/// began; nothing of it is lost.
#[test]
fn code_keeps_its_line_breaks_and_indentation() {
    let dir = TempDir::new().unwrap();
    let code = "def sign(x):\n    if x > 0:\n        return 1\n    return -1\n\n\
                def table():\n\tprint('a  b')  # two spaces\n\
                \treturn sorted(items, key=lambda item: (item.priority, item.name), reverse=True)";
    write_lines(
        dir.path(),
        "data.jsonl",
        &[example("Write a Python function for the sign.", code)],
    );
    let out = run_ok(
        dir.path(),
        &["sample", "--isolated", "data.jsonl", "--width", "60"],
    );
    let expected = "\
assistant:
    def sign(x):
        if x > 0:
            return 1
        return -1

    def table():
        print('a  b')  # two spaces
        return sorted(items, key=lambda item:
  ↪     (item.priority, item.name), reverse=True)
";
    assert!(out.ends_with(expected), "{out}");
}

/// A preference record is shown whole: a pair's rejected answer after its chosen one, each
/// labelled, and an unpaired (KTO) answer with its label, so that a reviewer sees what the
/// record teaches.
#[test]
fn a_preference_record_shows_every_answer_labelled() {
    let dir = TempDir::new().unwrap();
    let files = [
        (
            "openai.jsonl",
            r#"{"input":{"messages":[{"role":"user","content":"What is the capital of Australia?"}]},"preferred_output":[{"role":"assistant","content":"The capital of Australia is Canberra."}],"non_preferred_output":[{"role":"assistant","content":"The capital of Australia is Sydney."}]}"#,
        ),
        (
            "trl.jsonl",
            r#"{"prompt":"What is the capital of Australia?","chosen":"The capital of Australia is Canberra.","rejected":"The capital of Australia is Sydney."}"#,
        ),
        (
            "implicit.jsonl",
            r#"{"chosen":[{"role":"user","content":"What is the capital of Australia?"},{"role":"assistant","content":"Canberra."}],"rejected":[{"role":"user","content":"What is the capital of Australia?"},{"role":"assistant","content":"Sydney."}]}"#,
        ),
        (
            "kto.jsonl",
            "{\"prompt\":\"What is the capital of Australia?\",\"completion\":\"Sydney.\",\"label\":false}\n\
             {\"prompt\":\"What is the capital of France?\",\"completion\":\"Paris.\",\"label\":true}",
        ),
        // LLaMA-Factory's own pairs: alpaca, ShareGPT (its dpo_en_demo) and v1 (its
        // v1_dpo_demo), whose lists repeat the prompt, an earlier answer included.
        (
            "lf_alpaca.jsonl",
            r#"{"instruction":"What is the capital of Australia?","chosen":"Canberra.","rejected":"Sydney."}"#,
        ),
        (
            "lf_sharegpt.jsonl",
            r#"{"conversations":[{"from":"human","value":"What is the capital of Australia?"}],"chosen":{"from":"gpt","value":"Canberra."},"rejected":{"from":"gpt","value":"Sydney."}}"#,
        ),
        (
            "lf_v1.jsonl",
            r#"{"chosen_messages":[{"role":"user","content":[{"type":"text","value":"Name a city."}]},{"role":"assistant","content":[{"type":"text","value":"Paris."}]},{"role":"user","content":[{"type":"text","value":"What is the capital of Australia?"}]},{"role":"assistant","content":[{"type":"text","value":"Canberra."}]}],"rejected_messages":[{"role":"user","content":[{"type":"text","value":"Name a city."}]},{"role":"assistant","content":[{"type":"text","value":"Paris."}]},{"role":"user","content":[{"type":"text","value":"What is the capital of Australia?"}]},{"role":"assistant","content":[{"type":"text","value":"Sydney."}]}]}"#,
        ),
    ];
    let mut out = String::new();
    for (name, text) in files {
        fs::write(dir.path().join(name), format!("{text}\n")).unwrap();
        out += &run_ok(dir.path(), &["sample", "--isolated", name]);
    }
    insta::assert_snapshot!("sample_preference", out);
}

/// LLaMA-Factory's v1 pairs repeat the prompt in both lists; the lists share it by value,
/// whatever their spacing or extra keys (a `loss_weight` on one), so the rejected answer is
/// still shown as such.
#[test]
fn a_v1_pair_spaced_differently_is_still_a_pair() {
    let dir = TempDir::new().unwrap();
    let record = r#"{"chosen_messages": [{"role": "user", "content": [{"type": "text", "value": "What is the capital of Australia?"}]}, {"role": "assistant", "content": [{"type": "text", "value": "Canberra."}]}], "rejected_messages":[{"content":[{"value":"What is the capital of Australia?","type":"text"}],"role":"user","loss_weight":0.0},{"role":"assistant","content":[{"type":"text","value":"Sydney."}]}]}"#;
    fs::write(dir.path().join("v1.jsonl"), format!("{record}\n")).unwrap();
    let out = run_ok(dir.path(), &["sample", "--isolated", "v1.jsonl"]);
    assert!(out.contains("assistant (chosen):"), "{out}");
    assert!(out.contains("assistant (rejected):"), "{out}");
    assert!(out.contains("Sydney."), "{out}");
}

/// A line over `max_line_bytes` is skipped unread by `check` (J008); `sample` leaves it out
/// too, and says so, wherever it falls in the reader's buffer.
#[test]
fn a_line_over_max_line_bytes_is_not_sampled() {
    let dir = TempDir::new().unwrap();
    let lines = vec![
        example(
            "Tell me a short fact, please.",
            "Water boils at 100 degrees Celsius.",
        ),
        example("Tell me a long fact, please.", &"x".repeat(400)),
        example(
            "Tell me another fact, please.",
            "The Moon orbits the Earth.",
        ),
    ];
    write_lines(dir.path(), "data.jsonl", &lines);
    fs::write(
        dir.path().join("tunelint.toml"),
        "[rules.J008]\nmax_line_bytes = 300\n",
    )
    .unwrap();
    let out = run_ok(
        dir.path(),
        &["sample", "data.jsonl", "-n", "10", "--format", "jsonl"],
    );
    let picked: Vec<u64> = jsonl(&out).iter().map(|(line, _, _)| *line).collect();
    assert_eq!(picked, [1, 3], "{out}");
    let out = run_ok(dir.path(), &["sample", "data.jsonl", "-n", "10"]);
    assert!(
        out.starts_with(
            "2 examples of 2 (seed 0)\n1 line not sampled: over max_line_bytes (J008)\n"
        ),
        "{out}"
    );
    assert!(!out.contains("xxxx"), "{out}");
}

/// An answer in a script the classifier cannot read (Chinese here) is its own stratum,
/// `other-script`, as `stats` counts it ("answered in a script other than Latin, not
/// sorted"), not the records without an answer.
#[test]
fn answers_in_another_script_are_their_own_stratum() {
    let dir = TempDir::new().unwrap();
    let lines = vec![
        example(
            "What is the capital of France?",
            "The capital of France is Paris.",
        ),
        example("法国的首都是哪里？", "法国的首都是巴黎，它位于塞纳河畔。"),
    ];
    write_lines(dir.path(), "data.jsonl", &lines);
    // A prompt set: records without an answer.
    write_lines(
        dir.path(),
        "prompts.jsonl",
        &[r#"{"prompt":"Write a haiku about rain."}"#.to_string()],
    );
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "--isolated",
            "data.jsonl",
            "prompts.jsonl",
            "--by",
            "category",
        ],
    );
    assert!(
        out.starts_with(
            "3 examples of 3 (seed 0); by category: common 1 of 1, other-script 1 of 1, \
             unclassified 1 of 1\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("── 2 of 3 · data.jsonl:2 · other-script\n"),
        "{out}"
    );
    let out = run_ok(
        dir.path(),
        &[
            "sample",
            "--isolated",
            "data.jsonl",
            "--by",
            "category",
            "--format",
            "jsonl",
        ],
    );
    let categories: Vec<Option<String>> = jsonl(&out).into_iter().map(|(_, c, _)| c).collect();
    assert_eq!(
        categories,
        [Some("common".to_owned()), Some("other-script".to_owned())]
    );
    let help = run_ok(dir.path(), &["sample", "--help"]);
    assert!(
        help.contains("other-script") && help.contains("script other than Latin"),
        "{help}"
    );
}
