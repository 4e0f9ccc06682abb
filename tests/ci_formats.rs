//! The CI outputs as a pipeline sees them: `json`, `sarif`, `github` and `markdown` from the
//! real binary on one mixed fixture (J, S, O and C findings, two failed gates), the SARIF
//! checked against the SARIF 2.1.0 schema, the extra output files of one run, fingerprints
//! that survive inserted lines, and the 25,000-result cap.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;
use tunelint::diagnostic::{Diagnostic, Location, Related, Span};
use tunelint::engine::{FileSummary, InputSource};
use tunelint::gates::{Gate, GateOutcome};
use tunelint::report::github::Github;
use tunelint::report::json::{Document, Json};
use tunelint::report::sarif::{self, Sarif};
use tunelint::report::{FileInfo, RenderOptions, Renderer, RunSummary};
use tunelint::rule::Level;
use tunelint::rules::{Code, RULES};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The fixtures, in this repository's checkout: runs there pass `--project-root .` so that
/// paths are the same whether the tests run in a git checkout or an unpacked source.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ci")
}

/// The binary in `dir`, with no configuration and no GitHub Actions environment.
fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .arg("--isolated");
    cmd
}

/// Runs and returns (exit status, stdout).
fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
    )
}

fn mixed(format: &str) -> String {
    let (code, stdout) =
        run(tunelint(&fixtures()).args(["--project-root", ".", "--format", format, "mixed/"]));
    assert_eq!(code, 1, "the mixed fixture fails its gates");
    stdout.replace(VERSION, "[version]")
}

fn sarif_of(text: &str) -> Value {
    serde_json::from_str(text).expect("SARIF is JSON")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(mixed("json"));
}

#[test]
fn sarif_snapshot() {
    // The rule table is the same for every run; the snapshot keeps the results readable.
    let mut log = sarif_of(&mixed("sarif"));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules");
    let ids: Vec<Value> = rules.iter().map(|r| r["id"].clone()).collect();
    *rules = vec![Value::String(format!(
        "{} rules: {}",
        ids.len(),
        ids.iter()
            .map(|v| v.as_str().unwrap_or("?"))
            .collect::<Vec<_>>()
            .join(" ")
    ))];
    insta::assert_snapshot!(serde_json::to_string_pretty(&log).expect("json"));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(mixed("github"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(mixed("markdown"));
}

#[test]
fn sarif_rule_metadata_snapshot() {
    let log = sarif_of(&mixed("sarif"));
    let s005 = &log["runs"][0]["tool"]["driver"]["rules"][Code::S005.index()];
    insta::assert_snapshot!(serde_json::to_string_pretty(s005).expect("json"));
}

#[test]
fn sarif_matches_the_sarif_2_1_0_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let log = sarif_of(&mixed("sarif"));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
    // The check has teeth: a result without a message is refused.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .expect("result")
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

/// What GitHub's ingestion rules (`github-sarif-ingestion-rules.md`) require, checked one by one.
#[test]
fn sarif_follows_github_ingestion_rules() {
    let log = sarif_of(&mixed("sarif"));
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], sarif::SCHEMA_URI);
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tunelint");
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    for rule in RULES {
        assert!(ids.contains(&rule.code), "{} is declared", rule.code);
    }
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                r[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{} has {key}",
                r["id"]
            );
        }
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().expect("level"))
        );
        assert_ne!(r["name"], r["id"]);
    }
    let results = results(&log);
    assert_eq!(results.len(), 13, "11 findings and 2 failed gates");
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        assert!(
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty() && t.chars().count() <= sarif::MAX_MESSAGE_CHARS)
        );
        let locations = r["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            uri.starts_with("mixed/") && !uri.contains(':'),
            "repo-relative uri: {uri}"
        );
        let region = &physical["region"];
        assert!(region["startLine"].as_u64().expect("startLine") >= 1);
        if let Some(start) = region["startColumn"].as_u64() {
            assert!(region["endColumn"].as_u64().expect("endColumn") >= start);
        }
        assert!(
            region.get("snippet").is_none() && physical.get("contextRegion").is_none(),
            "no dataset text"
        );
        let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .expect("fingerprint");
        assert_eq!(fp.len(), 16);
    }
    let fingerprints: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        fingerprints.len(),
        results.len(),
        "fingerprints are distinct"
    );
    // Gates point at line 1 of the file they are about.
    let gate = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .unwrap_or_else(|| panic!("{id} result"))
    };
    assert_eq!(
        gate("gate-file-level-errors")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "mixed/bom.jsonl"
    );
    assert_eq!(
        gate("gate-min-valid-pct")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "mixed/train.jsonl"
    );
    assert_eq!(
        gate("gate-min-valid-pct")["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}

#[test]
fn sarif_columns_count_code_points() {
    let log = sarif_of(&mixed("sarif"));
    // Line 6: `こんにちは` after French text with «», é and ’: columns are code points.
    let c001 = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "C001")
        .expect("C001");
    let region = &c001["locations"][0]["physicalLocation"]["region"];
    let line = fs::read_to_string(fixtures().join("mixed/train.jsonl"))
        .expect("fixture")
        .lines()
        .nth(5)
        .expect("line 6")
        .to_string();
    let at = line.find("\"こんにちは\"").expect("value");
    assert_eq!(
        region["startColumn"].as_u64(),
        Some(line[..at].chars().count() as u64 + 1)
    );
    assert_eq!(
        region["endColumn"].as_u64(),
        Some(line[..at].chars().count() as u64 + 1 + 7)
    );
}

#[test]
fn json_round_trips_through_serde() {
    let text = mixed("json");
    let doc: Document = serde_json::from_str(&text).expect("the document deserialises");
    assert_eq!(
        serde_json::to_string_pretty(&doc).expect("serialise") + "\n",
        text
    );
    assert_eq!(doc.files.len(), 3);
    assert_eq!(doc.diagnostics.len(), 11);
    assert!(!doc.summary.passed);
    assert_eq!(doc.gates.iter().filter(|g| !g.passed).count(), 2);
    // Keys in the documented order.
    let top: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(&text)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut sorted_by_position = top.clone();
    sorted_by_position.sort_by_key(|k| text.find(&format!("\"{k}\":")).unwrap_or(0));
    assert_eq!(
        sorted_by_position,
        ["version", "files", "summary", "gates", "diagnostics"]
    );
    let first = text.find("\"diagnostics\"").expect("diagnostics");
    let keys = [
        "code",
        "name",
        "level",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "related",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| first + text[first..].find(&format!("\"{k}\":")).expect("key"))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "diagnostic keys in order"
    );
}

fn copy_fixture(dir: &Path) {
    fs::create_dir_all(dir.join("data")).expect("mkdir");
    for f in ["train.jsonl", "valid.jsonl", "bom.jsonl"] {
        fs::copy(fixtures().join("mixed").join(f), dir.join("data").join(f)).expect("copy");
    }
}

#[test]
fn one_run_writes_every_extra_file() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    fs::write(dir.path().join("summary.md"), "## an earlier step\n\n").expect("write");
    let args = [
        "--format",
        "github",
        "--sarif-file",
        "out.sarif",
        "--json-file",
        "out.json",
        "--json-summary-file",
        "figures.json",
        "--summary-file",
        "summary.md",
        "data",
    ];
    let (code, stdout) = run(tunelint(dir.path()).args(args));
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("::error file=data/bom.jsonl,line=1,title=J005 byte-order-mark::"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("::")).count(), 11 + 2);
    assert_eq!(
        *lines.last().expect("a last line"),
        "tunelint: 13 annotations (9 errors, 3 warnings, 1 notice); the full list is in out.sarif"
    );

    // A JSON document in the runner's temporary folder (a step's scratch report) is emptied
    // with the job: the log does not send anyone there.
    let temp = dir.path().join("runner-temp");
    fs::create_dir_all(&temp).expect("mkdir");
    let own = temp.join("tunelint.json");
    let own = own.to_str().expect("a UTF-8 path");
    let (_, stdout) = run(tunelint(dir.path()).env("RUNNER_TEMP", &temp).args([
        "--format",
        "github",
        "--json-file",
        own,
        "data",
    ]));
    assert_eq!(
        stdout.lines().last(),
        Some(
            "tunelint: 13 annotations (9 errors, 3 warnings, 1 notice); run tunelint locally (`tunelint --format full`) for the full list"
        ),
        "{stdout}"
    );

    // SARIF on standard output, annotations in a file: the log is not "the full list".
    let (_, stdout) = run(tunelint(dir.path()).args([
        "--format",
        "github",
        "-o",
        "annotations.txt",
        "--sarif-file",
        "-",
        "data",
    ]));
    assert!(
        stdout.starts_with('{'),
        "SARIF on standard output: {stdout}"
    );
    let annotations = fs::read_to_string(dir.path().join("annotations.txt")).expect("written");
    assert_eq!(
        annotations.lines().last(),
        Some(
            "tunelint: 13 annotations (9 errors, 3 warnings, 1 notice); run tunelint locally (`tunelint --format full`) for the full list"
        ),
        "{annotations}"
    );
    // `/dev/stdout` is standard output as `-` is: two documents in one stream are refused.
    let out = tunelint(dir.path())
        .args([
            "--format",
            "github",
            "-o",
            "/dev/stdout",
            "--sarif-file",
            "-",
            "data",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("--sarif-file - and --output-file /dev/stdout both write to standard output"),
        "{stderr}"
    );
    // Nor a device: `/dev/null` is nowhere to look.
    let (_, stdout) =
        run(tunelint(dir.path()).args(["--format", "github", "--sarif-file", "/dev/null", "data"]));
    assert!(
        stdout.ends_with("for the full list\n") && !stdout.contains("/dev/null"),
        "{stdout}"
    );

    let log = sarif_of(&fs::read_to_string(dir.path().join("out.sarif")).expect("SARIF written"));
    assert_eq!(results(&log).len(), 13);
    let doc: Document = serde_json::from_str(
        &fs::read_to_string(dir.path().join("out.json")).expect("JSON written"),
    )
    .expect("JSON document");
    assert_eq!(doc.diagnostics.len(), 11);
    // The summary document is the JSON document's version, summary and gates, nothing else.
    let figures: Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("figures.json")).expect("summary document written"),
    )
    .expect("JSON");
    let whole: Value = serde_json::to_value(&doc).expect("JSON");
    assert_eq!(
        figures,
        serde_json::json!({
            "version": whole["version"],
            "summary": whole["summary"],
            "gates": whole["gates"],
        })
    );
    assert_eq!(figures["summary"]["examples"], 13);
    let summary = fs::read_to_string(dir.path().join("summary.md")).expect("summary written");
    assert!(
        summary.starts_with("## an earlier step\n\n## ❌ tunelint: failed"),
        "appended, not truncated:\n{summary}"
    );

    // A second run appends again ($GITHUB_STEP_SUMMARY collects every step's summary) and
    // rewrites the SARIF and JSON files.
    run(tunelint(dir.path()).args(args));
    let summary = fs::read_to_string(dir.path().join("summary.md")).expect("summary");
    assert_eq!(summary.matches("\n\n## ❌ tunelint: failed").count(), 2);
    // After text that does not end its line, a blank line comes first: the verdict stays a
    // heading.
    fs::write(dir.path().join("summary.md"), "a line written by a script").expect("write");
    run(tunelint(dir.path()).args(args));
    let summary = fs::read_to_string(dir.path().join("summary.md")).expect("summary");
    assert!(
        summary.starts_with("a line written by a script\n\n## ❌ tunelint: failed"),
        "{summary}"
    );
    let log = sarif_of(&fs::read_to_string(dir.path().join("out.sarif")).expect("SARIF"));
    assert_eq!(results(&log).len(), 13);
}

/// `--json-summary-file` is what a script reads the totals from (the Action's outputs): its
/// size does not grow with the findings, where the whole JSON document does.
#[test]
fn the_json_summary_file_stays_small_however_many_findings() {
    let dir = TempDir::new().expect("tempdir");
    let broken = r#"{"messages": [{"role": "bot", "content": "Hello there, how are you today?"}, {"role": "assistant", "content": "I am fine, thank you for asking."}]}"#;
    let sizes = |lines: usize| -> (u64, u64, Value) {
        fs::write(
            dir.path().join("t.jsonl"),
            format!("{broken}\n").repeat(lines),
        )
        .expect("write");
        let (code, _) = run(tunelint(dir.path()).args([
            "--format",
            "concise",
            "-o",
            "out.txt",
            "--json-file",
            "all.json",
            "--json-summary-file",
            "figures.json",
            "t.jsonl",
        ]));
        assert_eq!(code, 1);
        let size = |name: &str| fs::metadata(dir.path().join(name)).expect("written").len();
        let figures = serde_json::from_str(
            &fs::read_to_string(dir.path().join("figures.json")).expect("written"),
        )
        .expect("JSON");
        (size("all.json"), size("figures.json"), figures)
    };
    let (few_all, few, _) = sizes(10);
    let (many_all, many, figures) = sizes(20_000);
    assert!(many_all > 100 * few_all, "{few_all} {many_all}");
    // The same rules' counts, whatever they count (a few rules fire only on a larger file).
    assert!(few < 4096 && many < 4096, "{few} and {many} bytes");
    assert_eq!(figures["summary"]["examples"], 20_000);
    assert_eq!(figures["summary"]["valid_pct"], 0.0);
    assert_eq!(figures["summary"]["duplicates"], 19_999);
    assert!(figures.get("diagnostics").is_none() && figures.get("files").is_none());
}

#[test]
fn extra_files_leave_the_main_output_and_exit_status_alone() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    let (code_plain, plain) = run(tunelint(dir.path()).args(["--format", "concise", "data"]));
    let (code_extra, extra) = run(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--sarif-file",
        "x.sarif",
        "--json-file",
        "x.json",
        "data",
    ]));
    assert_eq!((code_plain, &plain), (code_extra, &extra));
    let (code, _) =
        run(tunelint(dir.path()).args(["--exit-zero", "--sarif-file", "x.sarif", "data"]));
    assert_eq!(code, 0);
}

#[test]
fn an_unwritable_extra_file_is_an_error_before_linting() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    let out = tunelint(dir.path())
        .args(["--sarif-file", "no/such/dir/x.sarif", "data"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("tunelint: error: cannot write no/such/dir/x.sarif"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn github_actions_defaults_to_annotations() {
    let (_, stdout) = run(tunelint(&fixtures()).env("GITHUB_ACTIONS", "true").args([
        "--project-root",
        ".",
        "mixed/",
    ]));
    assert!(
        stdout.starts_with("::error file=mixed/bom.jsonl,line=1,"),
        "{stdout}"
    );
    let (_, stdout) = run(tunelint(&fixtures())
        .env("GITHUB_ACTIONS", "true")
        .args(["--format", "concise", "mixed/"]));
    assert!(stdout.starts_with("mixed/bom.jsonl:1:1: J005"), "{stdout}");
}

#[test]
fn project_root_makes_paths_repository_relative() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    let data = dir.path().join("data");
    let (_, stdout) =
        run(tunelint(&data).args(["--format", "sarif", "--project-root", "..", "train.jsonl"]));
    let log = sarif_of(&stdout);
    assert_eq!(
        results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data/train.jsonl"
    );
    let (_, stdout) =
        run(tunelint(&data).args(["--format", "github", "--project-root", "..", "train.jsonl"]));
    assert!(
        stdout.starts_with("::error file=data/train.jsonl,line=2,"),
        "{stdout}"
    );
    let out = tunelint(&data)
        .args(["--project-root", "nowhere", "train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// Run from a folder of a git checkout (a step's `working-directory: data`), paths are from
/// the checkout's root without `--project-root`: code scanning places findings by them.
#[test]
fn paths_are_from_the_git_checkout_root_by_default() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    let data = dir.path().join("data");
    let (_, stdout) = run(tunelint(&data).args(["--format", "sarif", "train.jsonl"]));
    let log = sarif_of(&stdout);
    assert_eq!(
        results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data/train.jsonl"
    );
    let (_, stdout) = run(tunelint(&data).args(["--format", "github", "train.jsonl"]));
    assert!(
        stdout.starts_with("::error file=data/train.jsonl,line=2,"),
        "{stdout}"
    );
    // A worktree's or a submodule's `.git` is a file.
    fs::remove_dir(dir.path().join(".git")).expect("rmdir");
    fs::write(data.join(".git"), "gitdir: ../elsewhere\n").expect("write .git");
    let (_, stdout) = run(tunelint(&data).args(["--format", "github", "train.jsonl"]));
    assert!(
        stdout.starts_with("::error file=train.jsonl,line=2,"),
        "{stdout}"
    );
}

/// Standard input has no path: SARIF and annotations say `-`, which code scanning cannot
/// place, so the run says to name it.
#[test]
fn sarif_of_standard_input_without_a_name_warns() {
    let text = fs::read(fixtures().join("mixed/train.jsonl")).expect("fixture");
    let dir = TempDir::new().expect("tempdir");
    for args in [
        vec!["--format", "sarif", "-"],
        vec!["--format", "github", "-"],
        vec![
            "--format",
            "sarif",
            "--stdin-filename",
            "data/train.jsonl",
            "-",
        ],
    ] {
        let out = tunelint(dir.path())
            .args(&args)
            .write_stdin(text.clone())
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let named = args.contains(&"--stdin-filename");
        assert_eq!(
            stderr.contains("name it with --stdin-filename"),
            !named,
            "{args:?}: {stderr}"
        );
    }
}

/// (ruleId, message) → (line, fingerprint) of every result.
fn fingerprints(log: &Value) -> BTreeMap<(String, String), (u64, String)> {
    results(log)
        .iter()
        .map(|r| {
            let key = (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["message"]["text"].as_str().unwrap_or("").to_string(),
            );
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap_or(0);
            (
                key,
                (
                    line,
                    r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let dir = TempDir::new().expect("tempdir");
    let original = fs::read_to_string(fixtures().join("mixed/train.jsonl")).expect("fixture");
    fs::write(dir.path().join("train.jsonl"), &original).expect("write");
    let (_, before) = run(tunelint(dir.path()).args(["--format", "sarif", "train.jsonl"]));
    let inserted = [
        r#"{"messages": [{"role": "user", "content": "A new question at the top of the file?"}, {"role": "assistant", "content": "And a new answer to go with it."}]}"#,
        r#"{"messages": [{"role": "robot", "content": "A new broken example."}, {"role": "assistant", "content": "With an unknown role above."}]}"#,
        r#"{"messages": [{"role": "user", "content": "One more new example, this time fine."}, {"role": "assistant", "content": "Indeed, nothing is wrong with it."}]}"#,
    ];
    fs::write(
        dir.path().join("train.jsonl"),
        format!("{}\n{original}", inserted.join("\n")),
    )
    .expect("write");
    let (_, after) = run(tunelint(dir.path()).args(["--format", "sarif", "train.jsonl"]));
    let (before, after) = (
        fingerprints(&sarif_of(&before)),
        fingerprints(&sarif_of(&after)),
    );
    let mut moved = 0;
    for (key, (line, fp)) in &before {
        if key.0.starts_with("gate-") {
            continue;
        }
        let (new_line, new_fp) = after
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} still reported"));
        assert_eq!(*new_line, line + 3, "{key:?} moved down three lines");
        assert_eq!(new_fp, fp, "{key:?} kept its fingerprint");
        moved += 1;
    }
    assert_eq!(moved, 10);
    let robot = after
        .iter()
        .find(|(k, _)| k.1.contains("\"robot\""))
        .expect("the new finding");
    assert!(
        before.values().all(|(_, fp)| *fp != robot.1.1),
        "a new finding gets a new fingerprint"
    );
}

#[test]
fn the_same_record_twice_gets_two_fingerprints() {
    let dir = TempDir::new().expect("tempdir");
    let bad = r#"{"messages": [{"role": "bot", "content": "Hello there, how are you today?"}, {"role": "assistant", "content": "I am fine, thank you for asking."}]}"#;
    fs::write(dir.path().join("a.jsonl"), format!("{bad}\n{bad}\n")).expect("write");
    let (_, stdout) = run(tunelint(dir.path()).args(["--format", "sarif", "a.jsonl"]));
    let log = sarif_of(&stdout);
    let fps: Vec<&str> = results(&log)
        .iter()
        .filter(|r| r["ruleId"] == "S005")
        .map(|r| {
            r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(fps.len(), 2);
    assert_ne!(fps[0], fps[1]);
}

#[test]
fn sarif_keeps_the_25000_most_severe_results() {
    let dir = TempDir::new().expect("tempdir");
    let error = r#"{"messages": [{"role": "bot", "content": "Hello there, how are you today?"}, {"role": "assistant", "content": "I am fine, thank you for asking."}]}"#;
    let warning = r#"{"messages": [{"role": "user", "content": "Hello there, how are you today?"}, {"role": "assistant", "content": "Fine."}]}"#;
    // 10,000 errors (every third line) and 20,000 warnings.
    let text: String = (0..30_000)
        .map(|i| {
            if i % 3 == 2 {
                format!("{error}\n")
            } else {
                format!("{warning}\n")
            }
        })
        .collect();
    fs::write(dir.path().join("big.jsonl"), text).expect("write");
    // The lines repeat on purpose; duplicates (D rules) are not what this test counts, nor
    // the file's composition (B rules).
    let (code, stdout) = run(tunelint(dir.path()).args([
        "--ignore",
        "D",
        "--ignore",
        "B",
        "--format",
        "sarif",
        "--sarif-file",
        "copy.sarif",
        "big.jsonl",
    ]));
    assert_eq!(code, 1);
    let log = sarif_of(&stdout);
    let results = results(&log);
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    let count = |id: &str| results.iter().filter(|r| r["ruleId"] == id).count();
    assert_eq!(count("S005"), 10_000, "every error is kept");
    assert_eq!(count("gate-min-valid-pct"), 1);
    assert_eq!(count(sarif::OMITTED_RULE_ID), 1);
    let warnings = sarif::MAX_RESULTS - 10_000 - 2;
    assert_eq!(count("C001"), warnings);
    // GitHub keeps 5,000 results of the 25,000 it accepts: the failed gate and the notice
    // come first, then the errors, so whichever 5,000 it keeps, they are among them.
    assert_eq!(results[0]["ruleId"], "gate-min-valid-pct");
    let omitted = &results[1];
    assert_eq!(omitted["ruleId"], sarif::OMITTED_RULE_ID);
    assert_eq!(omitted["level"], "warning", "only warnings were left out");
    let left_out = 30_000 - 10_000 - warnings;
    assert_eq!(
        omitted["message"]["text"].as_str().expect("text"),
        format!(
            "{} more results were left out: code scanning accepts at most 25,000 results of a \
             run and shows the top 5,000, so this file keeps 24,998 findings, the most severe \
             first and then in file order, after the failed gates and this note; run tunelint \
             locally or write --json-file for all of them",
            tunelint::wording::thousands(left_out as u64)
        )
    );
    let levels: Vec<&str> = results[2..]
        .iter()
        .map(|r| r["level"].as_str().unwrap_or(""))
        .collect();
    assert!(levels[..10_000].iter().all(|l| *l == "error"));
    assert!(levels[10_000..].iter().all(|l| *l == "warning"));
    // The warnings kept are the first ones in line order.
    let last_warning_line = results
        .iter()
        .filter(|r| r["ruleId"] == "C001")
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .max();
    let nth_warning_line = (1..=30_000u64)
        .filter(|l| (l - 1) % 3 != 2)
        .nth(warnings - 1);
    assert_eq!(last_warning_line, nth_warning_line);
    // Within a level, results stay in file order.
    for level in [&results[2..10_002], &results[10_002..]] {
        let lines: Vec<u64> = level
            .iter()
            .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
            .collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("copy.sarif")).expect("copy"),
        stdout
    );
}

// --- renderers driven directly, for what no rule produces yet (related locations) ---------

fn file_summary() -> FileSummary {
    FileSummary {
        examples: 2,
        valid: 1,
        counts: vec![[0; 3]; RULES.len()],
        ..Default::default()
    }
}

fn render(renderer: &mut dyn Renderer, diagnostics: Vec<Diagnostic>) -> String {
    let files = vec![FileInfo::new(
        "data/train.jsonl".into(),
        InputSource::File("data/train.jsonl".into()),
        None,
    )];
    let mut out = Vec::new();
    for d in diagnostics {
        renderer.diagnostic(&mut out, &d, &files).expect("render");
    }
    let summaries = vec![file_summary()];
    let gates = vec![GateOutcome {
        gate: Gate::MaxDuplicates,
        passed: false,
        measured: "1".into(),
        threshold: "required at most 0".into(),
    }];
    let summary = RunSummary {
        diff: None,
        files: &files,
        summaries: &summaries,
        total: file_summary(),
        gates,
        charts: Vec::new(),
        tables: Vec::new(),
        context: None,
        baseline: None,
        page: Default::default(),
    };
    renderer.finish(&mut out, &summary).expect("finish");
    String::from_utf8(out).expect("utf-8")
}

fn duplicate_finding(message: &str) -> Diagnostic {
    let text = r#"{"messages": [{"role": "user", "content": "hi"}]}"#;
    Diagnostic {
        code: Code::C006,
        level: Level::Warning,
        location: Location::in_line(0, 12, 400, text, Span::new(0, text.len() as u32)),
        message: message.into(),
        related: vec![Related {
            file: 0,
            line: 3,
            message: "first seen here".into(),
            fingerprint: 0,
        }],
        fingerprint: 42,
        about_file: false,
        occurrence: 0,
    }
}

/// A finding of `level` on `line`, without related locations.
fn finding_at(line: u64, level: Level) -> Diagnostic {
    let mut d = duplicate_finding(&format!("finding on line {line}"));
    d.location.line = line;
    d.level = level;
    d.related.clear();
    d
}

/// What `--format github` writes for `diagnostics` and one failed gate.
fn github_of(diagnostics: Vec<Diagnostic>) -> String {
    render(
        &mut Github::new(
            RenderOptions::default(),
            vec!["data/train.jsonl".into()],
            None,
        ),
        diagnostics,
    )
}

#[test]
fn related_locations_reach_every_format() {
    let log = sarif_of(&render(
        &mut Sarif::new(vec!["data/train.jsonl".into()]),
        vec![duplicate_finding("same as line 3")],
    ));
    // The failed gate first, then the finding.
    assert_eq!(results(&log)[0]["ruleId"], "gate-max-duplicates");
    let related = &results(&log)[1]["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "data/train.jsonl"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(related["message"]["text"], "first seen here");

    let github = render(
        &mut Github::new(
            RenderOptions::default(),
            vec!["data/train.jsonl".into()],
            None,
        ),
        vec![duplicate_finding("same as line 3")],
    );
    assert!(github.starts_with("::warning file=data/train.jsonl,line=12,col=1,endColumn=50,title=C006 repeated-user-message::same as line 3%0Adata/train.jsonl:3: first seen here%0A"), "{github}");
    assert!(github.contains("::error title=tunelint gate::gate failed: duplicates 1, required at most 0 (gates.max_duplicates)\n"));

    let json: Document = serde_json::from_str(&render(
        &mut Json::new(),
        vec![duplicate_finding("same as line 3")],
    ))
    .expect("json");
    assert_eq!(json.diagnostics[0].related[0].line, 3);
    assert_eq!(json.diagnostics[0].related[0].path, "data/train.jsonl");
}

#[test]
fn long_messages_are_capped_in_sarif() {
    let message = format!("unknown role \"{}\"", "x".repeat(2000));
    let log = sarif_of(&render(
        &mut Sarif::new(vec!["data/train.jsonl".into()]),
        vec![duplicate_finding(&message)],
    ));
    // After the failed gate.
    let text = results(&log)[1]["message"]["text"].as_str().expect("text");
    assert_eq!(text.chars().count(), sarif::MAX_MESSAGE_CHARS);
    assert!(text.ends_with('…'));
}

#[test]
fn github_escapes_messages_and_properties() {
    let mut d = duplicate_finding("100% broken:\r\nsecond line, really");
    d.related.clear();
    let out = render(
        &mut Github::new(
            RenderOptions::default(),
            vec!["data/a,b:c.jsonl".into()],
            None,
        ),
        vec![d],
    );
    let first = out.lines().next().expect("a line");
    assert_eq!(
        first,
        "::warning file=data/a%2Cb%3Ac.jsonl,line=12,col=1,endColumn=50,title=C006 repeated-user-message::100%25 broken:%0D%0Asecond line, really%0Arun `tunelint explain C006` for details"
    );
}

#[test]
fn the_cap_counts_gates_and_the_note_about_the_rest() {
    let levels = [
        Level::Info,
        Level::Warning,
        Level::Error,
        Level::Warning,
        Level::Info,
        Level::Error,
        Level::Warning,
    ];
    let diagnostics: Vec<Diagnostic> = levels
        .iter()
        .enumerate()
        .map(|(i, &l)| finding_at(i as u64 + 1, l))
        .collect();
    // Room for 5: one failed gate, the note, and the three most severe findings.
    let log = sarif_of(&render(
        &mut Sarif::with_limit(vec!["data/train.jsonl".into()], 5),
        diagnostics,
    ));
    let kept: Vec<(String, u64)> = results(&log)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect();
    // The gate and the note first; then the errors, then the warning, each in line order.
    let expected = [
        ("gate-max-duplicates", 1),
        (sarif::OMITTED_RULE_ID, 1),
        ("C006", 3),
        ("C006", 6),
        ("C006", 2),
    ];
    assert_eq!(kept, expected.map(|(id, line)| (id.to_string(), line)));
    let note = &results(&log)[1];
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with("4 more results were left out")
    );
    assert_eq!(
        note["level"], "warning",
        "two warnings and two notes left out"
    );
}

/// The note about the results left out has the level of the most severe of them: a cut by
/// severity that keeps an error keeps the note that an error was left out.
#[test]
fn the_note_about_the_rest_is_as_severe_as_the_worst_left_out() {
    let diagnostics: Vec<Diagnostic> = (1..=6).map(|l| finding_at(l, Level::Error)).collect();
    let log = sarif_of(&render(
        &mut Sarif::with_limit(vec!["data/train.jsonl".into()], 4),
        diagnostics,
    ));
    let results = results(&log);
    assert_eq!(results.len(), 4);
    assert_eq!(results[1]["ruleId"], sarif::OMITTED_RULE_ID);
    assert_eq!(results[1]["level"], "error");
    assert!(
        results[1]["message"]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with("4 more results were left out"),
        "{}",
        results[1]
    );
    let levels: Vec<&str> = (0..4)
        .map(|i| results[i]["level"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, ["error"; 4], "the gate, the note, two errors");
}

/// GitHub shows the first ten error annotations of a step: with more error findings than
/// that, the failed gate (why the job failed) must still be one of them, and every finding
/// is still written, in order.
#[test]
fn failed_gates_are_among_the_errors_github_shows() {
    use tunelint::report::github::SHOWN_PER_LEVEL;
    let out = github_of((1..=15).map(|l| finding_at(l, Level::Error)).collect());
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(errors.len(), 16, "{out}");
    let gate = errors
        .iter()
        .position(|l| l.starts_with("::error title=tunelint gate::"))
        .expect("the failed gate is annotated");
    assert!(gate < SHOWN_PER_LEVEL as usize, "{out}");
    let lines: Vec<u64> = errors
        .iter()
        .filter_map(|l| l.split(",line=").nth(1))
        .filter_map(|rest| rest.split(',').next()?.parse().ok())
        .collect();
    assert_eq!(lines, (1..=15).collect::<Vec<u64>>());
    assert!(
        out.contains("tunelint: 16 annotations (16 errors, 0 warnings, 0 notices)"),
        "{out}"
    );
}

/// The error findings held back for the gates are bounded: past 10,000 in all, as for the
/// other levels, the rest are counted on the last line, not kept in memory.
#[test]
fn github_holds_back_a_bounded_number_of_errors() {
    let out = github_of((1..=10_012).map(|l| finding_at(l, Level::Error)).collect());
    let errors = out.lines().filter(|l| l.starts_with("::error")).count();
    assert_eq!(errors, 10_000 + 1);
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.starts_with("tunelint: 10,001 annotations (10,001 errors, 0 warnings, 0 notices); 12 more error findings not written (past 10,000)"),
        "{last}"
    );
}

/// Warnings and notices are bounded too: a dataset with a warning on every line does not
/// write a log of hundreds of megabytes that GitHub shows ten lines of; the last line says
/// how many were not written, and the errors and the failed gate are all there.
#[test]
fn github_writes_a_bounded_number_of_warnings_and_notices() {
    let max = tunelint::report::github::WRITTEN_MAX;
    let mut findings: Vec<Diagnostic> = (1..=max + 3)
        .map(|l| finding_at(l, Level::Warning))
        .collect();
    findings.extend((1..=max + 2).map(|l| finding_at(l, Level::Info)));
    findings.extend((1..=3).map(|l| finding_at(l, Level::Error)));
    let out = github_of(findings);
    let count = |prefix: &str| out.lines().filter(|l| l.starts_with(prefix)).count() as u64;
    assert_eq!(count("::warning "), max);
    assert_eq!(count("::notice "), max);
    assert_eq!(count("::error "), 3 + 1, "every error and the gate");
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.starts_with(
            "tunelint: 20,004 annotations (4 errors, 10,000 warnings, 10,000 notices); \
             3 more warning findings not written (past 10,000); \
             2 more notice findings not written (past 10,000)"
        ),
        "{last}"
    );
}

#[test]
fn odd_file_names_keep_one_line_per_finding_and_their_bytes_in_uris() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new().expect("tempdir");
    // Two findings each: a role "bot" (S005) and the missing final newline (J009).
    let record = r#"{"messages":[{"role":"user","content":"Hello there, how are you today?"},{"role":"bot","content":"I am fine, thank you for asking."}]}"#;
    fs::write(dir.path().join("a\nb.jsonl"), record).expect("write");
    fs::write(dir.path().join(OsStr::from_bytes(b"x\xFF.jsonl")), record).expect("write");
    let lint = |format: &str| {
        let (_, stdout) =
            run(tunelint(dir.path()).args(["--format", format, "--color", "never", "."]));
        stdout
    };

    // A name with a newline is quoted, the newline written `\n`; a byte that is not UTF-8
    // is U+FFFD.
    let concise = lint("concise");
    let heads: Vec<&str> = concise
        .lines()
        .take(4)
        .map(|l| &l[..l.find(": ").unwrap_or(0) + 6])
        .collect();
    assert_eq!(
        heads,
        [
            r#""a\nb.jsonl":1:82: S005"#,
            r#""a\nb.jsonl":1:135: J009"#,
            "x\u{FFFD}.jsonl:1:82: S005",
            "x\u{FFFD}.jsonl:1:135: J009"
        ],
        "{concise}"
    );
    assert_eq!(
        concise.lines().count(),
        4 + 2,
        "and the summary and gate lines: {concise}"
    );
    let full = lint("full");
    assert!(full.contains("┌─ \"a\\nb.jsonl\":1:82\n"), "{full}");
    assert!(
        full.contains("  \"a\\nb.jsonl\"  "),
        "the summary table: {full}"
    );

    // GitHub decodes `%0A` in a property back into the real name; messages stay one line.
    let github = lint("github");
    assert!(
        github.lines().all(|l| !l.starts_with("b.jsonl")),
        "{github}"
    );
    assert!(
        github.starts_with("::error file=a%0Ab.jsonl,line=1,col=82,"),
        "{github}"
    );

    // JSON keeps the exact name.
    let doc: Document = serde_json::from_str(&lint("json")).expect("JSON document");
    assert_eq!(doc.files[0].path, "a\nb.jsonl");

    // SARIF URIs percent-encode the bytes of the name: 0xFF is %FF.
    let log = sarif_of(&lint("sarif"));
    let uris: std::collections::BTreeSet<&str> = results(&log)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("a uri")
        })
        .collect();
    assert_eq!(uris, ["a%0Ab.jsonl", "x%FF.jsonl"].into());
}

/// A clean example, different for each `i` (no duplicates).
fn clean_record(i: usize) -> String {
    format!(
        r#"{{"messages":[{{"role":"user","content":"A unique question number {i} about sailing boats?"}},{{"role":"assistant","content":"A unique and helpful answer number {i} about sailing."}}]}}"#
    ) + "\n"
}

/// 60 clean files, then two that fail sorted last: the job summary's files table lists 20
/// files and folds the rest, and the failing ones are among the 20 it names, errors first,
/// the lower valid % first; the folded row sums up clean files. The html page (200 rows)
/// does the same past its cap, and lists every file below it in path order.
#[test]
fn a_folded_files_table_names_the_failing_files_first() {
    let dir = TempDir::new().expect("tempdir");
    for i in 0..60 {
        fs::write(dir.path().join(format!("a{i:03}.jsonl")), clean_record(i)).expect("write");
    }
    // One error in three examples (66.6% valid), and one in one (0.0%).
    fs::write(
        dir.path().join("zzy-half.jsonl"),
        clean_record(100)
            + r#"{"messages":[{"role":"user","content":"Which knot holds a mooring line best?"},{"role":"assistant","content":"A bowline: it holds under load and unties easily afterwards."}]}"#
            + "\n{\"broken\n",
    )
    .expect("write");
    fs::write(dir.path().join("zzz-broken.jsonl"), "{\"broken\n").expect("write");
    let (code, markdown) = run(tunelint(dir.path()).args(["--format", "markdown", "."]));
    assert_eq!(code, 1, "{markdown}");
    let rows: Vec<&str> = markdown
        .lines()
        .skip_while(|l| !l.starts_with("| file |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        rows.len(),
        20 + 2,
        "20 files, the folded row, the total: {markdown}"
    );
    assert_eq!(rows[0], "| `zzz-broken.jsonl` | 1 | 0.0% | 1 | 0 | 0 |");
    assert_eq!(rows[1], "| `zzy-half.jsonl` | 3 | 66.6% | 1 | 0 | 0 |");
    assert_eq!(rows[2], "| `a000.jsonl` | 1 | 100.0% | 0 | 0 | 0 |");
    assert_eq!(rows[20], "| 42 more files | 42 | 100.0% | 0 | 0 | 0 |");
    assert_eq!(rows[21], "| **total** | 64 | 96.8% | 2 | 0 | 0 |");
    assert!(
        markdown.contains("Files with errors first, then with warnings, then the rest"),
        "{markdown}"
    );

    // Below the cap, path order.
    let (_, few) = run(tunelint(dir.path()).args([
        "--format",
        "markdown",
        "a000.jsonl",
        "zzz-broken.jsonl",
        "a001.jsonl",
    ]));
    let names: Vec<&str> = few
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["a000.jsonl", "a001.jsonl", "zzz-broken.jsonl"],
        "{few}"
    );
    assert!(!few.contains("Files with errors first"), "{few}");

    // The html page folds past 200 files.
    for i in 60..240 {
        fs::write(dir.path().join(format!("a{i:03}.jsonl")), clean_record(i)).expect("write");
    }
    let (_, html) = run(tunelint(dir.path()).args(["--format", "html", "."]));
    let files = &html[html.find("<section id=\"files\">").expect("files section")..];
    let first = files.find("<tr data-path=").expect("a row");
    assert!(
        files[first..].starts_with("<tr data-path=\"zzz-broken.jsonl\">"),
        "{}",
        &files[first..first + 200]
    );
    assert!(files.contains("<tr data-path=\"zzy-half.jsonl\">"));
    assert!(
        files.contains("data-more=\"42\""),
        "240 clean files, 198 listed"
    );
}

/// Long paths are cropped in the middle, keeping the dataset's folder and the file name, and
/// two that would still read alike keep more of themselves.
#[test]
fn cropped_paths_in_the_job_summary_tell_files_apart() {
    let dir = TempDir::new().expect("tempdir");
    let folders = [
        "english-customer-support-conversations",
        "french-customer-support-conversations",
        "customer-support-conversations-english-2023-edition",
        "customer-support-conversations-french-2023-edition",
    ];
    for folder in folders {
        fs::create_dir_all(dir.path().join("data").join(folder)).expect("mkdir");
        fs::write(
            dir.path().join("data").join(folder).join("train.jsonl"),
            "{\"broken\n",
        )
        .expect("write");
    }
    let (_, markdown) = run(tunelint(dir.path()).args(["--format", "markdown", "."]));
    let names: Vec<&str> = markdown
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            // Alike in 40 characters (`data/customer-s…2023-edition/train.jsonl`): 50.
            "data/customer-suppo…glish-2023-edition/train.jsonl",
            "data/customer-suppo…rench-2023-edition/train.jsonl",
            "data/english-cu…onversations/train.jsonl",
            "data/french-cus…onversations/train.jsonl",
        ],
        "{markdown}"
    );
}

/// A file named `lit` + newline + `.jsonl` and one named `lit\n.jsonl` (a backslash and an
/// `n`) are two files in every text format: the first is quoted, the second printed as it is.
#[test]
fn a_newline_and_a_backslash_n_in_file_names_print_differently() {
    let dir = TempDir::new().expect("tempdir");
    fs::write(dir.path().join("lit\n.jsonl"), "{\"broken\n").expect("write");
    fs::write(dir.path().join(r"lit\n.jsonl"), "{\"broken\n").expect("write");
    let lint = |format: &str| {
        let (code, stdout) =
            run(tunelint(dir.path()).args(["--format", format, "--color", "never", "."]));
        assert_eq!(code, 1, "{stdout}");
        stdout
    };
    let concise = lint("concise");
    let j001: Vec<&str> = concise.lines().filter(|l| l.contains(": J001 ")).collect();
    assert_eq!(j001.len(), 2, "{concise}");
    assert!(j001[0].starts_with(r#""lit\n.jsonl":1:"#), "{concise}");
    assert!(j001[1].starts_with(r"lit\n.jsonl:1:"), "{concise}");
    let full = lint("full");
    assert!(full.contains("┌─ \"lit\\n.jsonl\":1:"), "{full}");
    assert!(full.contains("┌─ lit\\n.jsonl:1:"), "{full}");
}

/// A dataset rule that names another file in its message names it as the text formats show
/// paths: a newline in a folder's name does not split the concise line, and SARIF still
/// names the file by its path.
#[test]
fn another_file_named_in_a_message_keeps_the_line_whole() {
    let dir = TempDir::new().expect("tempdir");
    let record = r#"{"messages":[{"role":"user","content":"What is the capital of France today?"},{"role":"assistant","content":"Paris is the capital of France."}]}"#;
    let folder = dir.path().join("d\nx");
    fs::create_dir(&folder).expect("mkdir");
    for shard in ["train-00000-of-00002.jsonl", "train-00001-of-00002.jsonl"] {
        fs::write(folder.join(shard), format!("{record}\n")).expect("write");
    }
    let (_, concise) = run(tunelint(dir.path()).args(["--format", "concise", "."]));
    let d001: Vec<&str> = concise.lines().filter(|l| l.contains(" D001 ")).collect();
    assert_eq!(
        d001,
        [
            r#""d\nx/train-00001-of-00002.jsonl":1:1: D001 exact duplicate of the example at "d\nx/train-00000-of-00002.jsonl":1"#
        ],
        "{concise}"
    );
    let (_, sarif) =
        run(tunelint(dir.path()).args(["--format", "sarif", "--project-root", ".", "."]));
    let log = sarif_of(&sarif);
    let text = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "D001")
        .map(|r| r["message"]["text"].as_str().unwrap_or("").to_string());
    assert_eq!(
        text.as_deref(),
        Some("exact duplicate of the example at d\nx/train-00000-of-00002.jsonl:1")
    );
}

#[test]
fn an_unreadable_file_is_reported_by_every_machine_format() {
    let dir = TempDir::new().expect("tempdir");
    copy_fixture(dir.path());
    std::os::unix::fs::symlink("nowhere.jsonl", dir.path().join("data/gone.jsonl"))
        .expect("symlink");
    let lint = |format: &str| {
        let (code, stdout) = run(tunelint(dir.path()).args(["--format", format, "data"]));
        assert_eq!(code, 2, "an unreadable file exits 2");
        stdout
    };

    // github: an annotation on the file, and a closing count of every annotation printed.
    let github = lint("github");
    let annotations: Vec<&str> = github.lines().filter(|l| l.starts_with("::")).collect();
    assert!(
        annotations.contains(
            &"::error file=data/gone.jsonl,title=unreadable file::could not be read: no such file; it was not linted"
        ),
        "{github}"
    );
    let errors = annotations
        .iter()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(
        github.lines().last(),
        Some(
            format!(
                "tunelint: {} annotations ({errors} errors, 3 warnings, 1 notice); run tunelint locally (`tunelint --format full`) for the full list",
                annotations.len()
            )
            .as_str()
        ),
        "{github}"
    );

    // json: the file, with its reason.
    let doc: Document = serde_json::from_str(&lint("json")).expect("JSON document");
    let gone = doc
        .files
        .iter()
        .find(|f| f.path == "data/gone.jsonl")
        .expect("listed");
    assert_eq!(gone.read_error.as_deref(), Some("no such file"));

    // sarif: a tool execution notification on the file, and a log the schema accepts.
    let log = sarif_of(&lint("sarif"));
    let notifications = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notifications,
        &serde_json::json!([{
            "level": "error",
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "data/gone.jsonl"}}}],
            "message": {"text": "data/gone.jsonl could not be read: no such file"}
        }])
    );
    // The run exits with status 2: its results are incomplete.
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    // Failed gates point at a file that was read, not at the one that is gone.
    let gates: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| {
            r["ruleId"]
                .as_str()
                .is_some_and(|id| id.starts_with("gate-"))
        })
        .collect();
    assert!(!gates.is_empty(), "{log}");
    for gate in gates {
        assert_ne!(
            gate["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "data/gone.jsonl",
            "{gate}"
        );
    }
    let schema: Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::draft4::options()
        .build(&schema)
        .expect("the SARIF schema compiles");
    assert!(validator.is_valid(&log));
}

#[test]
fn a_reader_that_stops_early_is_no_error_for_json_and_sarif() {
    use std::io::Read;
    use std::process::{Command as Process, Stdio};
    // Far more output than a pipe holds (64 KiB), so the writer meets the closed pipe.
    let dir = TempDir::new().expect("tempdir");
    let lines: String = (0..2000)
        .map(|i| format!("{{\"messages\":[{{\"role\":\"user\",\"content\":\"Question number {i} here\"}},{{\"role\":\"bot\",\"content\":\"Answer number {i} here\"}}]}}\n"))
        .collect();
    fs::write(dir.path().join("train.jsonl"), lines).expect("write");
    for format in ["json", "sarif"] {
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("tunelint"))
            .current_dir(dir.path())
            .env_remove("GITHUB_ACTIONS")
            .args(["--isolated", "--format", format, "train.jsonl"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run tunelint");
        // `tunelint --format sarif | head -c 10`: read a little, then close the pipe.
        let mut first = [0u8; 10];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut first)
            .expect("a first bytes");
        let out = child.wait_with_output().expect("wait");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{format}: a closed pipe is not an error"
        );
        assert_eq!(out.status.code(), Some(1), "{format}: the gates' verdict");
    }
}

/// `--summary-file` appends to a file other steps wrote (`$GITHUB_STEP_SUMMARY`): when the
/// disk fills during the append, the run fails (exit 2) and the file is as it was, not
/// ended by half a heading. The full disk is a 256 KiB tmpfs in a private mount namespace,
/// which needs root: elsewhere the test is skipped, except under CI.
#[test]
fn a_summary_append_that_fills_the_disk_is_taken_back() {
    let d = TempDir::new().expect("tempdir");
    copy_fixture(d.path());
    std::fs::create_dir(d.path().join("mnt")).expect("mnt");
    let script = r#"
mount -t tmpfs -o size=256k tmpfs mnt || exit 97
printf '# earlier step\n' > mnt/sum.md
head -c 4066 /dev/zero | tr '\0' x >> mnt/sum.md
printf '\n' >> mnt/sum.md
before=$(stat -c %s mnt/sum.md)
dd if=/dev/zero of=mnt/filler bs=1k count=400 2>/dev/null
"$TUNELINT" check --isolated data -o /dev/null --summary-file mnt/sum.md
echo "rc=$? before=$before after=$(stat -c %s mnt/sum.md)"
tail -c 1 mnt/sum.md | od -An -c
umount mnt
"#;
    let out = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", script])
        .current_dir(d.path())
        .env("TUNELINT", assert_cmd::cargo::cargo_bin("tunelint"))
        .env_remove("GITHUB_ACTIONS")
        .output();
    let out = match out {
        Ok(out) if out.status.code() != Some(97) && out.status.success() => out,
        other => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must be able to mount a tmpfs (root, unshare): {other:?}"
            );
            eprintln!("skipped: no private mount namespace here ({other:?})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("rc="))
        .unwrap_or_else(|| panic!("{stdout}{stderr}"));
    let fields: BTreeMap<&str, &str> = line.split(' ').filter_map(|f| f.split_once('=')).collect();
    assert_eq!(fields["rc"], "2", "{stdout}{stderr}");
    assert!(stderr.contains("no space left on device"), "{stderr}");
    assert_eq!(fields["before"], fields["after"], "{stdout}{stderr}");
    assert!(
        stdout.contains("\\n"),
        "the file still ends its line: {stdout}"
    );
}
