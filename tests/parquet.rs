//! Parquet tables (PRODUCT.md §3 "Containers"): found by discovery and by their first bytes,
//! read row by row, linted with the findings the same rows get as JSON Lines, and located by
//! row (from 0, as `datasets` indexes them) in every output format: no format points at a line
//! or column of the binary file. A table tunelint cannot read is a read error that says why.
//!
//! The fixtures are written by tests/fixtures/parquet/make.py with pyarrow. When
//! `TUNELINT_DATASETS_PYTHON` names a python3 with `datasets`, every real dataset under
//! ../shared/datasets that `datasets` loads is also written as Parquet by `datasets` itself and
//! read back as JSON Lines by it: tunelint must find the same on both.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

#[path = "support/datasets_python.rs"]
mod datasets_python;
#[path = "support/scratch.rs"]
mod scratch;
use scratch::{run, run_as};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parquet")
}

/// A scratch directory holding copies of the named fixtures.
fn scratch_with(names: &[&str]) -> TempDir {
    let d = TempDir::new().expect("tempdir");
    for name in names {
        std::fs::copy(fixtures().join(name), d.path().join(name)).expect("copy");
    }
    d
}

/// The findings of a concise report on tables: `PATH: row N: CODE message` lines.
fn row_findings(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.contains(": row ")).collect()
}

/// The rows of chat.parquet as make.py writes them, one JSON line each.
const CHAT_ROWS: &str = r#"{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
{"messages":[{"role":"user","content":"Name a prime number."},{"role":"assistant","content":""}]}
{"messages":[{"role":"user","content":"Say hi."},{"role":"assistant","content":null}]}
{"messages":[{"role":"user","content":"Is anyone there?"}]}
{"messages":[{"role":"user","content":"Write 2+2 in words, with accents: é, ü."},{"role":"assistant","content":"Four — vier, quatre."}]}
"#;

const CHAT_FINDINGS: [&str; 5] = [
    "chat.parquet: row 0: C001 assistant content is 6 characters, under the minimum of 10",
    "chat.parquet: row 1: C003 assistant message has empty content",
    "chat.parquet: row 2: C001 user content is 7 characters, under the minimum of 10",
    "chat.parquet: row 2: S006 assistant message has null content and no tool call",
    "chat.parquet: row 3: O001 only one message (user); an example needs at least one user and one assistant message",
];

#[test]
fn a_table_is_linted_row_by_row() {
    let d = scratch_with(&["chat.parquet"]);
    let r = run(d.path(), &["chat.parquet"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().take(5).collect();
    assert_eq!(lines, CHAT_FINDINGS);
    assert!(
        r.stdout
            .contains("3 errors, 2 warnings, 0 info in 5 examples of 1 file; 40.0% valid"),
        "{}",
        r.stdout
    );
}

#[test]
fn row_groups_and_codecs_do_not_change_the_findings() {
    // chat_groups.parquet: the same rows, gzip-compressed, in row groups of two;
    // chat_zstd.parquet: the same rows, zstd-compressed.
    for name in ["chat_groups.parquet", "chat_zstd.parquet"] {
        let d = scratch_with(&[name]);
        let r = run(d.path(), &[name]);
        let lines: Vec<String> = r.stdout.lines().take(5).map(str::to_owned).collect();
        let expected: Vec<String> = CHAT_FINDINGS
            .iter()
            .map(|l| l.replacen("chat.parquet", name, 1))
            .collect();
        assert_eq!(lines, expected, "{name}: {}", r.stderr);
    }
}

/// The findings of the `json` format, without the path and the row: code, level, line,
/// columns, message and related lines.
fn json_findings(stdout: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(stdout).expect("a JSON document");
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let related: Vec<&Value> = d["related"]
                .as_array()
                .map(|r| r.iter().map(|x| &x["line"]).collect())
                .unwrap_or_default();
            format!(
                "{} {} {}:{}-{} {} {related:?}",
                d["code"], d["level"], d["line"], d["column"], d["end_column"], d["message"]
            )
        })
        .collect()
}

#[test]
fn a_table_gets_the_findings_of_its_rows_as_json_lines() {
    let d = scratch_with(&["chat.parquet"]);
    std::fs::write(d.path().join("chat.jsonl"), CHAT_ROWS).expect("write");
    let table = run_as(d.path(), "json", &["chat.parquet"]);
    let lines = run_as(d.path(), "json", &["chat.jsonl"]);
    assert_eq!(json_findings(&table.stdout), json_findings(&lines.stdout));
    assert_eq!(json_findings(&table.stdout).len(), 5);
    // The JSON format adds the row to a table's findings, only to a table's.
    let doc: Value = serde_json::from_str(&table.stdout).expect("json");
    let rows: Vec<u64> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["row"].as_u64().expect("a row"))
        .collect();
    assert_eq!(rows, [0, 1, 2, 2, 3]);
    let doc: Value = serde_json::from_str(&lines.stdout).expect("json");
    assert!(doc["diagnostics"][0].get("row").is_none());
}

/// duplicates.parquet as `d/dup.parquet`: three copies of one example, so D001 names the
/// first by its row.
fn duplicates(d: &Path) {
    std::fs::copy(fixtures().join("duplicates.parquet"), d.join("dup.parquet")).expect("copy");
}

#[test]
fn every_format_points_at_rows_not_at_lines_of_the_file() {
    let d = scratch_with(&[]);
    duplicates(d.path());

    let concise = run(d.path(), &["dup.parquet"]);
    let found = row_findings(&concise.stdout);
    assert_eq!(
        found,
        [
            "dup.parquet: row 1: D001 exact duplicate of the example at row 0",
            "dup.parquet: row 2: D001 exact duplicate of the example at row 0",
        ],
        "{}",
        concise.stdout
    );

    let full = run_as(d.path(), "full", &["dup.parquet"]);
    assert!(
        full.stdout.contains("┌─ dup.parquet: row 1:1:1"),
        "{}",
        full.stdout
    );
    assert!(
        full.stdout
            .contains("= dup.parquet: row 0: first occurrence")
    );
    // The snippet is the row as JSON.
    assert!(full.stdout.contains(r#"1 │ {"messages":[{"role":"user""#));

    let github = run_as(d.path(), "github", &["dup.parquet"]);
    let first = github.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(
            "::warning file=dup.parquet,title=D001 exact-duplicate::row 1: exact duplicate of the example at row 0%0Adup.parquet: row 0: first occurrence"
        ),
        "{first}"
    );

    let sarif = run_as(d.path(), "sarif", &["dup.parquet"]);
    let doc: Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    // The first finding, after the failed duplicates gate.
    assert_eq!(
        doc["runs"][0]["results"][0]["ruleId"],
        "gate-max-duplicates"
    );
    let result = &doc["runs"][0]["results"][1];
    assert_eq!(
        result["message"]["text"],
        "row 1: exact duplicate of the example at row 0"
    );
    // GitHub needs a start line: the file's first, with no columns; the row is in the message.
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &serde_json::json!({"startLine": 1}));
    let related = &result["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "row 0: first occurrence");
    assert_eq!(
        related["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1})
    );

    let html = run_as(d.path(), "html", &["dup.parquet"]);
    assert!(
        html.stdout
            .contains(r#"<code class="where">dup.parquet: row 1</code>"#),
        "the html report names rows"
    );
}

#[test]
fn discovery_finds_tables_and_standard_input_is_told_by_its_bytes() {
    let d = scratch_with(&["chat.parquet"]);
    std::fs::create_dir(d.path().join("data")).expect("mkdir");
    std::fs::rename(
        d.path().join("chat.parquet"),
        d.path().join("data/train-00000-of-00001.parquet"),
    )
    .expect("move");
    let r = run(d.path(), &["."]);
    assert_eq!(
        row_findings(&r.stdout).first().copied().unwrap_or_default(),
        "data/train-00000-of-00001.parquet: row 0: C001 assistant content is 6 characters, under the minimum of 10"
    );

    let out = assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .args(["--isolated", "--format", "concise", "-"])
        .pipe_stdin(fixtures().join("chat.parquet"))
        .expect("stdin")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected: Vec<String> = CHAT_FINDINGS
        .iter()
        .map(|l| l.replacen("chat.parquet", "-", 1))
        .collect();
    let lines: Vec<String> = stdout.lines().take(5).map(str::to_owned).collect();
    assert_eq!(lines, expected, "{}", String::from_utf8_lossy(&out.stderr));
}

/// The Hub's shards as `push_to_hub` named them for years, a hash after the count: shards of
/// their split, so a repeat across the training shards is D001 and a copy in the test split
/// D003, each naming the row of the first training shard.
#[test]
fn hub_shards_with_a_hash_after_the_count_are_one_split() {
    let d = scratch_with(&[]);
    std::fs::create_dir(d.path().join("data")).expect("mkdir");
    for (fixture, shard) in [
        ("chat.parquet", "train-00000-of-00002-5d9a3f2a"),
        ("chat_zstd.parquet", "train-00001-of-00002-0b7e44c1"),
        ("chat.parquet", "test-00000-of-00001-9c1b2e3d"),
    ] {
        let to = d.path().join(format!("data/{shard}.parquet"));
        std::fs::copy(fixtures().join(fixture), to).expect("copy");
    }
    let r = run(d.path(), &["--select", "D001,D003", "."]);
    let first = "data/train-00000-of-00002-5d9a3f2a.parquet";
    let expected: Vec<String> = (0..5)
        .map(|row| format!("data/test-00000-of-00001-9c1b2e3d.parquet: row {row}: D003 exact copy of training example {first} row {row}; evaluation scores would count it as learned"))
        .chain((0..5).map(|row| format!("data/train-00001-of-00002-0b7e44c1.parquet: row {row}: D001 exact duplicate of the example at {first} row {row}")))
        .collect();
    assert_eq!(row_findings(&r.stdout), expected, "{}", r.stdout);
}

#[test]
fn a_table_that_cannot_be_read_is_an_error_that_says_why() {
    let d = scratch_with(&["chat_lzo.parquet", "truncated.parquet", "empty.parquet"]);
    let r = run(d.path(), &["chat_lzo.parquet"]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "chat_lzo.parquet: could not be read: column `messages.list.element.role` of this Parquet table is compressed with lzo, which tunelint does not read"
        ),
        "{}",
        r.stderr
    );
    let r = run(d.path(), &["truncated.parquet"]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("truncated.parquet: could not be read: not a readable Parquet table"),
        "{}",
        r.stderr
    );
    // A page that cannot be decoded stops the table there: the rows before it are linted.
    let d2 = scratch_with(&["corrupt_page.parquet"]);
    let r = run(d2.path(), &["corrupt_page.parquet"]);
    assert_eq!(r.code, Some(2));
    assert_eq!(
        row_findings(&r.stdout),
        [
            "corrupt_page.parquet: row 0: C001 assistant content is 6 characters, under the minimum of 10",
            "corrupt_page.parquet: row 1: C003 assistant message has empty content",
        ]
    );
    assert!(
        r.stderr.contains(
            "corrupt_page.parquet: could not be read: the Parquet table cannot be read from row 2 on ("
        ),
        "{}",
        r.stderr
    );
    // A table with no rows holds no examples: the gate says so, nothing is an error.
    let r = run(d.path(), &["empty.parquet"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout
            .contains("in 0 examples of 1 file; nothing to train on")
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// `tunelint --isolated --format concise --stdin-filename NAME -` on `bytes`.
fn run_stdin_as(name: &str, bytes: &[u8]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .args([
            "--isolated",
            "--format",
            "concise",
            "--stdin-filename",
            name,
            "-",
        ])
        .write_stdin(bytes)
        .output()
        .expect("run")
}

/// A file named `.parquet` that is not a table (JSON Lines under the wrong name, an error
/// page a download saved, nothing at all) is read by `datasets` and the Hub as a table and
/// fails there: it is an error that says so, not a JSON error at 1:1 or a pass. A Git LFS
/// pointer under that name is still J006.
#[test]
fn a_file_named_parquet_that_is_not_a_table_says_so() {
    let d = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "lines.parquet",
            b"{\"messages\": [{\"role\": \"user\", \"content\": \"How are you today?\"}, {\"role\": \"assistant\", \"content\": \"Very well, thank you.\"}]}\n",
            "it starts like JSON: rename it to .jsonl or .json",
        ),
        ("page.parquet", b"<!DOCTYPE html><title>404</title>", "it starts like HTML or XML"),
        ("empty.parquet", b"", "it is empty"),
    ];
    for (name, bytes, why) in cases {
        std::fs::write(d.path().join(name), bytes).expect("write");
        let r = run(d.path(), &[name]);
        assert_eq!(r.code, Some(2), "{name}: {}", r.stdout);
        assert!(
            r.stderr.contains(&format!(
                "{name}: could not be read: not a Parquet table: a Parquet file starts with the bytes PAR1 and this one does not ({why}"
            )),
            "{name}: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("J001"), "{name}: {}", r.stdout);
        // The same bytes on standard input under that name.
        let out = run_stdin_as(name, bytes);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains(&format!("{name}: could not be read: not a Parquet table")),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(
        d.path().join("pointer.parquet"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 1024\n",
    )
    .expect("write");
    let r = run(d.path(), &["pointer.parquet"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stdout.contains("pointer.parquet:1:1: J006"),
        "{}",
        r.stdout
    );
}

/// The other way round: a table named `.jsonl` or `.json` is linted by its rows (tunelint
/// tells a table by its bytes), and J007 says the JSON loaders fail on it.
#[test]
fn a_table_named_as_json_lines_is_linted_and_j007() {
    for name in ["train.jsonl", "train.json", "TRAIN.JSONL.GZ"] {
        let d = scratch_with(&["chat.parquet"]);
        std::fs::rename(d.path().join("chat.parquet"), d.path().join(name)).expect("rename");
        let r = run(d.path(), &[name]);
        assert_eq!(r.code, Some(1), "{name}: {}", r.stderr);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let suffix = if name.ends_with(".json") {
            ".json"
        } else {
            ".jsonl"
        };
        assert_eq!(
            lines.first().copied().unwrap_or_default(),
            format!(
                "{name}: J007 file is a Parquet table but is named {suffix}, and loaders that pick the reader by the name (`datasets.load_dataset(\"json\")`, pandas' `read_json`) fail on it; rename it to .parquet, or convert it to JSON Lines"
            ),
            "{}",
            r.stdout
        );
        let rows: Vec<String> = row_findings(&r.stdout)
            .iter()
            .map(|l| l.replacen(name, "chat.parquet", 1))
            .collect();
        assert_eq!(rows, CHAT_FINDINGS, "{name}");
    }
    // A table on standard input named as JSON Lines.
    let table = std::fs::read(fixtures().join("chat.parquet")).expect("fixture");
    let out = run_stdin_as("train.jsonl", &table);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("train.jsonl: J007 file is a Parquet table but is named .jsonl"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A string cell that is not UTF-8 stops the table; the library's reason lists the cell's
/// bytes (twice), which would print the key it holds in every output. The reason says what
/// is wrong instead, and a key in a reason (a column's name) is masked like any other.
#[test]
fn an_unreadable_cell_is_not_quoted_in_the_reason() {
    let key = "sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eU7iW4";
    let as_bytes: Vec<String> = key.bytes().map(|b| b.to_string()).collect();
    let as_bytes = as_bytes.join(", ");
    let d = scratch_with(&["bad_utf8.parquet"]);
    for format in ["concise", "json", "sarif", "markdown", "html"] {
        let r = run(
            d.path(),
            &["--format", format, "--color", "never", "bad_utf8.parquet"],
        );
        assert_eq!(r.code, Some(2), "{format}: {}", r.stderr);
        for out in [&r.stdout, &r.stderr] {
            assert!(!out.contains(&key[8..20]), "{format}: {out}");
            assert!(!out.contains(&as_bytes[..40]), "{format}: {out}");
        }
    }
    let r = run(d.path(), &["bad_utf8.parquet"]);
    assert!(
        r.stderr.contains(
            "bad_utf8.parquet: could not be read: the Parquet table cannot be read from row 0 on (a string value is not valid UTF-8)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn diff_base_judges_only_the_rows_added_since_the_base() {
    let d = scratch_with(&["chat.parquet"]);
    scratch::git_init(d.path());
    scratch::commit_all(d.path(), "base");
    std::fs::copy(
        fixtures().join("chat_plus.parquet"),
        d.path().join("chat.parquet"),
    )
    .expect("copy");
    let r = run(d.path(), &["--diff-base", "HEAD", "chat.parquet"]);
    assert_eq!(
        row_findings(&r.stdout),
        [
            "chat.parquet: row 5: C001 user content is 2 characters, under the minimum of 10",
            "chat.parquet: row 5: C001 assistant content is 2 characters, under the minimum of 10",
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn dedupe_refuses_a_table_and_leaves_it_alone() {
    let d = scratch_with(&[]);
    duplicates(d.path());
    let before = std::fs::read(d.path().join("dup.parquet")).expect("read");
    let out = assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d.path())
        .args(["dedupe", "dup.parquet", "-o", "out.jsonl"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("dup.parquet: is a Parquet table; dedupe rewrites JSON Lines only"));
    assert!(!d.path().join("out.jsonl").exists());
    assert_eq!(
        std::fs::read(d.path().join("dup.parquet")).expect("read"),
        before
    );
}

/// Each finding of a `json` report as a comparable line: code, line, message, related lines.
/// A table's message names rows (`row 36`), the JSON Lines' the line holding it (`line 37`).
fn as_lines(stdout: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(stdout).expect("a JSON document");
    let row = regex::Regex::new(r"\brow (\d+)").expect("regex");
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap_or_default();
            let message = row.replace_all(message, |c: &regex::Captures<'_>| {
                format!("line {}", c[1].parse::<u64>().unwrap_or_default() + 1)
            });
            let related: Vec<u64> = d["related"]
                .as_array()
                .map(|r| r.iter().filter_map(|x| x["line"].as_u64()).collect())
                .unwrap_or_default();
            format!("{} {} {message} {related:?}", d["code"], d["line"])
        })
        .collect()
}

#[test]
fn real_datasets_written_as_parquet_by_datasets_get_the_findings_of_their_json_lines() {
    // preference/ holds copies of native/ files.
    let Some(files) = datasets_python::real_datasets(&["chat", "native"]) else {
        return;
    };
    let Some(python) = datasets_python::oracle_python() else {
        return;
    };
    let out = TempDir::new().expect("tempdir");
    let made = std::process::Command::new(&python)
        .arg(fixtures().join("roundtrip.py"))
        .arg(out.path())
        .args(&files)
        .env("HF_DATASETS_OFFLINE", "1")
        .output()
        .expect("run roundtrip.py");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let names: Vec<String> = String::from_utf8_lossy(&made.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    // Every file but the ones datasets 4.0.0 cannot load (S013's).
    assert!(names.len() + 3 >= files.len(), "{names:?}");
    // Two at a time: each pair is two runs of the debug binary.
    let compare = |name: &String| {
        let table = run_as(out.path(), "json", &[&format!("{name}.parquet")]);
        let lines = run_as(out.path(), "json", &[&format!("{name}.jsonl")]);
        assert!(table.stderr.is_empty(), "{name}: {}", table.stderr);
        let found = as_lines(&table.stdout);
        assert_eq!(
            found,
            as_lines(&lines.stdout),
            "{name}: the table and its rows as JSON Lines"
        );
        found.len()
    };
    let (even, odd): (Vec<_>, Vec<_>) = names.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let compared: usize = std::thread::scope(|s| {
        let other = s.spawn(|| odd.iter().map(|(_, n)| compare(n)).sum::<usize>());
        even.iter().map(|(_, n)| compare(n)).sum::<usize>() + other.join().expect("a thread")
    });
    assert!(compared > 10_000, "{compared} findings compared");
}

#[test]
fn sample_and_stats_read_a_tables_rows() {
    let d = scratch_with(&["chat.parquet"]);
    let out = assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d.path())
        .args([
            "sample",
            "--isolated",
            "--format",
            "jsonl",
            "-n",
            "5",
            "chat.parquet",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let picked: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(picked.len(), 5, "{stdout}");
    for p in &picked {
        let row = p["row"].as_u64().expect("a row");
        assert_eq!(p["line"].as_u64(), Some(row + 1));
        let expected: Value =
            serde_json::from_str(CHAT_ROWS.lines().nth(row as usize).expect("row")).expect("json");
        assert_eq!(p["record"], expected);
    }

    let out = assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d.path())
        .args(["stats", "--isolated", "--format", "json", "chat.parquet"])
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["examples"], 5, "{doc}");
}

/// A table through a named pipe cannot be read from its end: J007 says to name the file.
#[cfg(unix)]
#[test]
fn a_table_through_a_named_pipe_is_told_what_to_do() {
    let d = scratch_with(&["chat.parquet"]);
    let fifo = d.path().join("pipe.parquet");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let table = std::fs::read(d.path().join("chat.parquet")).expect("read");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            // Opening waits for the reader; the reader may stop early (a broken pipe).
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = f.write_all(&table);
            }
        })
    };
    let r = run(d.path(), &["pipe.parquet"]);
    writer.join().expect("writer");
    assert!(
        r.stdout.contains(
            "pipe.parquet:1:1: J007 file is a Parquet table read as a stream (from a pipe, or compressed with gzip or zstd); tunelint reads a table from its end, so name the uncompressed .parquet file itself"
        ),
        "{}",
        r.stdout
    );
}

/// A table compressed with gzip or zstd is read as a stream too: J007 says to decompress it
/// (it said the table came from a pipe, when the file was named).
#[test]
fn a_compressed_table_is_told_to_be_decompressed() {
    let d = scratch_with(&["chat.parquet"]);
    let table = std::fs::read(d.path().join("chat.parquet")).expect("read");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &table).expect("compress");
    let compressed = gz.finish().expect("gzip");
    // Named as compressed, or compressed under the table's own name.
    std::fs::write(d.path().join("chat.parquet.gz"), &compressed).expect("write");
    std::fs::write(d.path().join("gz.parquet"), &compressed).expect("write");
    for name in ["chat.parquet.gz", "gz.parquet"] {
        let r = run(d.path(), &[name]);
        assert!(
            r.stdout.contains(&format!(
                "{name}:1:1: J007 file is a Parquet table read as a stream (from a pipe, or compressed with gzip or zstd); tunelint reads a table from its end, so name the uncompressed .parquet file itself"
            )),
            "{}",
            r.stdout
        );
    }
}

/// Binary columns (an image's bytes) are told apart by their content: rows asking the same
/// question of different images of one size are not duplicates; the row that repeats an
/// image and its question is.
#[test]
fn rows_with_other_images_are_not_duplicates() {
    let d = scratch_with(&["images.parquet"]);
    let r = run(d.path(), &["--target", "trl", "images.parquet"]);
    assert_eq!(
        row_findings(&r.stdout),
        ["images.parquet: row 3: D001 exact duplicate of the example at row 0"],
        "{}{}",
        r.stdout,
        r.stderr
    );
}

/// A table whose `messages` is a list of maps, not of structs: pyarrow reads it, `datasets`
/// refuses the whole table ("does not have a datasets dtype equivalent"). That is one J007
/// about the table, on no row, a file-level error, and its rows are linted all the same (the
/// maps read as objects: the email address in row 0 is found).
#[test]
fn a_map_column_is_a_file_level_error_and_its_rows_are_still_linted() {
    let d = scratch_with(&["map_messages.parquet"]);
    let r = run(d.path(), &["map_messages.parquet"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout.lines().next().unwrap_or_default(),
        "map_messages.parquet: J007 column \"messages[]\" of this Parquet table is a map, and `datasets` refuses the whole table (\"does not have a datasets dtype equivalent\"); write it as a struct, or a list of structs (pyarrow: `pa.list_(pa.struct([(\"role\", pa.string()), (\"content\", pa.string())]))`)",
        "{}",
        r.stdout
    );
    assert!(
        row_findings(&r.stdout)
            .iter()
            .any(|f| f.starts_with("map_messages.parquet: row 0: P001 email address")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("gate failed: file-level errors 1"),
        "{}",
        r.stdout
    );
    // The same in the JSON and SARIF formats: line 1, no row.
    let json = run_as(d.path(), "json", &["map_messages.parquet"]);
    let doc: Value = serde_json::from_str(&json.stdout).expect("json");
    let j007 = &doc["diagnostics"][0];
    assert_eq!(
        (&j007["code"], &j007["line"], j007.get("row")),
        (&"J007".into(), &1.into(), None)
    );
    let sarif = run_as(d.path(), "sarif", &["map_messages.parquet"]);
    assert!(
        sarif.stdout.contains("\"ruleId\": \"J007\""),
        "{}",
        sarif.stdout
    );
}

/// A finding about a whole table (it is empty, its composition, its size for the target) is
/// about no row: no format names one (an empty table has no row 0), `full` shows none of its
/// rows, and JSON has no `row`.
#[test]
fn findings_about_a_whole_table_name_no_row() {
    let d = scratch_with(&["empty.parquet", "chat.parquet"]);
    let args = [
        "--select",
        "J011,B001",
        "--target",
        "openai",
        "empty.parquet",
        "chat.parquet",
    ];
    let concise = run(d.path(), &args);
    let lines: Vec<&str> = concise.stdout.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "chat.parquet: B001 5 examples; OpenAI rejects a training file of fewer than 10",
            "empty.parquet: J011 file is empty: there is no example in it",
            "empty.parquet: B001 0 examples; OpenAI rejects a training file of fewer than 10",
        ],
        "{}",
        concise.stdout
    );
    let json = run_as(d.path(), "json", &args);
    let doc: Value = serde_json::from_str(&json.stdout).expect("json");
    for finding in doc["diagnostics"].as_array().expect("diagnostics") {
        assert_eq!(finding.get("row"), None, "{finding}");
        assert_eq!(finding["line"], 1, "{finding}");
    }
    let github = run_as(d.path(), "github", &args);
    assert!(
        github
            .stdout
            .contains("::warning file=empty.parquet,title=J011 empty-file::file is empty"),
        "{}",
        github.stdout
    );
    assert!(!github.stdout.contains("row 0"), "{}", github.stdout);
    let sarif = run_as(d.path(), "sarif", &args);
    let log: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let text = result["message"]["text"].as_str().expect("a message");
        assert!(!text.starts_with("row "), "{text}");
    }
    let full = run_as(
        d.path(),
        "full",
        &[
            "--color",
            "never",
            "--select",
            "B001",
            "--target",
            "openai",
            "chat.parquet",
        ],
    );
    assert!(
        full.stdout.contains("┌─ chat.parquet:1:1\n"),
        "{}",
        full.stdout
    );
    assert!(
        !full.stdout.contains("capital of France"),
        "{}",
        full.stdout
    );
}

/// `content` stored as bytes (`pa.binary()`): `datasets` gives the trainer Python `bytes`,
/// which a chat template cannot render. Each such value is S007, an error, at its place in
/// the row; its text is linted as a string's (the email address in row 0 is P001). Bytes
/// that are not UTF-8 (row 1's `M\xfcnchen`) are S007 as well, since `content` is text.
#[test]
fn text_stored_as_bytes_is_s007_and_its_text_is_still_linted() {
    let d = scratch_with(&["binary_content.parquet"]);
    let r = run(d.path(), &["binary_content.parquet"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    let findings = row_findings(&r.stdout);
    let s007: Vec<&str> = findings
        .iter()
        .filter(|f| f.contains(" S007 "))
        .copied()
        .collect();
    assert_eq!(
        s007,
        [
            "binary_content.parquet: row 0: S007 \"messages[0].content\" is bytes, not a string: its Parquet column is binary (pyarrow `pa.binary()`), and `datasets` gives the trainer Python `bytes`, which a chat template cannot render; write the column as strings (`pa.string()`)",
            "binary_content.parquet: row 0: S007 \"messages[1].content\" is bytes, not a string: its Parquet column is binary (pyarrow `pa.binary()`), and `datasets` gives the trainer Python `bytes`, which a chat template cannot render; write the column as strings (`pa.string()`)",
            "binary_content.parquet: row 1: S007 \"messages[0].content\" is bytes that are not text, not a string: its Parquet column is binary (pyarrow `pa.binary()`), and `datasets` gives the trainer Python `bytes`, which a chat template cannot render; write the column as strings (`pa.string()`)",
            "binary_content.parquet: row 1: S007 \"messages[1].content\" is bytes, not a string: its Parquet column is binary (pyarrow `pa.binary()`), and `datasets` gives the trainer Python `bytes`, which a chat template cannot render; write the column as strings (`pa.string()`)",
        ],
        "{}",
        r.stdout
    );
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("binary_content.parquet: row 0: P001 email address")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("in 2 examples of 1 file; 0.0% valid"),
        "{}",
        r.stdout
    );
    // Image bytes are not text: images.parquet (an `Image` struct of bytes) has no S007.
    let d = scratch_with(&["images.parquet"]);
    let r = run(d.path(), &["--target", "trl", "images.parquet"]);
    assert!(!r.stdout.contains("S007"), "{}", r.stdout);
    // Nor is a binary column no template renders (`source`), though it holds text: the
    // example is valid (the column is an unknown key, S008, as a string column would be).
    let d = scratch_with(&["binary_extra.parquet"]);
    let r = run(d.path(), &["binary_extra.parquet"]);
    assert!(!r.stdout.contains("S007"), "{}", r.stdout);
    assert!(r.stdout.contains("100.0% valid"), "{}", r.stdout);
}

/// alpaca as pandas' and `datasets`' `to_parquet` write it (make.py): every column some row
/// has, null in the others. The nulls in `input`, `system` and `history` are absent keys, as
/// `datasets` hands them to LLaMA-Factory; only the null answer, a required key, is reported.
#[test]
fn null_optional_columns_are_absent_keys() {
    let d = scratch_with(&["alpaca_nulls.parquet"]);
    for args in [&[][..], &["--target", "llama-factory"]] {
        let mut all = args.to_vec();
        all.push("alpaca_nulls.parquet");
        let r = run(d.path(), &all);
        assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
        assert_eq!(
            row_findings(&r.stdout),
            ["alpaca_nulls.parquet: row 4: S007 \"output\" is null; expected a string"],
            "{args:?}"
        );
        assert!(
            r.stdout.contains("in 5 examples of 1 file; 80.0% valid"),
            "{}",
            r.stdout
        );
    }
}
