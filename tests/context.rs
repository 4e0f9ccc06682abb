//! `--context dataset` (what the pre-commit hooks pass) through the binary: the files named
//! are judged against the rest of their datasets (other shards, other splits, `[[datasets]]`
//! groups), which are read as context: a finding on a named file that names a context record
//! is reported, nothing is reported on a context file, and the gates count only the named
//! files. Also a real `pre-commit try-repo` run on a scratch repository, when pre-commit is
//! installed (`TUNELINT_PRE_COMMIT`, or .ci/.venv/bin/pre-commit).

use std::path::{Path, PathBuf};

#[path = "support/scratch.rs"]
mod scratch;

use scratch::{chat, findings, git, run_raw as run, write_lines};

/// A dataset of two shards of one split. The second shard (the staged one in these tests)
/// repeats line 1 of the first on its line 2; the first, never named, has a duplicate of
/// its own and a broken record, which are not reported when it is read as context.
fn sharded(d: &Path) {
    let old = chat("How do I reset my password?", "Use Forgot password.");
    let broken = r#"{"messages": [{"role": "user", "content": "Can I pay by card?"}, {"role": "bot", "content": "Yes."}]}"#;
    write_lines(
        d,
        OTHER,
        &[
            old.clone(),
            chat("Can I change my plan?", "Yes, under Plans."),
            old.clone(),
            broken.to_owned(),
        ],
    );
    write_lines(
        d,
        STAGED,
        &[
            chat("Where are my invoices?", "Under Billing, then Invoices."),
            old,
        ],
    );
}

const STAGED: &str = "data/train-00001-of-00002.jsonl";
/// The shard before it, in the dataset's (path) order.
const OTHER: &str = "data/train-00000-of-00002.jsonl";

#[test]
fn a_named_shard_is_judged_against_the_shards_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    sharded(d);
    let with = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--context",
            "dataset",
            STAGED,
        ],
    );
    // Reported on the named file, the later copy, naming the other shard's line; nothing on
    // the other shard (its own duplicate, its S005).
    assert_eq!(
        findings(&with.stdout),
        [
            "data/train-00001-of-00002.jsonl:2:1: D001 exact duplicate of the example at data/train-00000-of-00002.jsonl:1"
        ],
        "{}",
        with.stdout
    );
    assert_eq!(with.code, Some(1), "{}{}", with.stdout, with.stderr);
    // The gates count the named file only: 2 examples, all valid; one duplicate.
    assert!(
        with.stdout
            .contains("0 errors, 1 warning, 0 info in 2 examples of 1 file; 100.0% valid"),
        "{}",
        with.stdout
    );
    assert!(
        with.stdout.contains("gate failed: duplicates 1"),
        "{}",
        with.stdout
    );

    // Without it, only the named file is read: nothing to report.
    let without = run(d, &["--isolated", "--format", "concise", STAGED]);
    assert_eq!(
        findings(&without.stdout),
        Vec::<&str>::new(),
        "{}",
        without.stdout
    );
    assert_eq!(without.code, Some(0), "{}", without.stdout);

    // Naming the directory judges both shards: no context, both files reported on.
    let all = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--context",
            "dataset",
            "data",
        ],
    );
    let all_findings = findings(&all.stdout);
    assert!(
        all_findings
            .iter()
            .any(|f| f.starts_with("data/train-00000-of-00002.jsonl:4:")),
        "{}",
        all.stdout
    );

    // The other shard named, this one read as context: its first copy is no duplicate (the
    // full run reports the later copies, here in the unnamed shard), its own later copy is.
    let first = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--select",
            "D",
            "--context",
            "dataset",
            OTHER,
        ],
    );
    assert_eq!(
        findings(&first.stdout),
        ["data/train-00000-of-00002.jsonl:3:1: D001 exact duplicate of the example at line 1"],
        "{}",
        first.stdout
    );
}

/// A staged near-copy of an earlier example in an unstaged shard is reported on the staged
/// line, naming the other shard's.
#[test]
fn a_staged_near_duplicate_of_another_shard_is_reported_on_the_staged_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let question = "How do I reset the password of my account on the customer portal?";
    write_lines(
        d,
        OTHER,
        &[
            chat("Can I change my plan?", "Yes, under Plans."),
            chat(question, "Use Forgot password on the sign-in page."),
            chat(&format!("{question}?"), "Click Forgot password."),
        ],
    );
    write_lines(
        d,
        STAGED,
        &[
            chat("Where are my invoices?", "Under Billing, then Invoices."),
            chat(
                "How do I reset the password of my account on the customer portal, please?",
                "Sign-in page, Forgot password.",
            ),
        ],
    );
    let out = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--select",
            "D002",
            "--context",
            "dataset",
            STAGED,
        ],
    );
    let found = findings(&out.stdout);
    assert_eq!(
        found,
        [
            "data/train-00001-of-00002.jsonl:2:25: D002 near-duplicate of the example at data/train-00000-of-00002.jsonl:2: first user message 94.2% similar (threshold 85%)"
        ],
        "{}",
        out.stdout
    );
    // The whole dataset: the unstaged shard's own near-copy is reported too, and the staged
    // line as above.
    let all = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--select",
            "D002",
            "data",
        ],
    );
    let all = findings(&all.stdout);
    assert!(
        all.iter()
            .any(|f| f.starts_with("data/train-00000-of-00002.jsonl:3:25: D002")),
        "{all:?}"
    );
    assert!(all.contains(&found[0]), "{all:?}");
}

/// The pre-commit hook on unchanged data passes with a baseline a run over the whole
/// dataset wrote, whichever shard is staged: a staged record is reported exactly when that
/// run reports it (which copy of a duplicate or near-duplicate is the first follows the
/// dataset's order), so every finding on a staged shard is one the baseline holds.
#[test]
fn the_hook_on_unchanged_data_agrees_with_the_whole_dataset_and_its_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let b = "How do I reset my password on the website?";
    let x = "How do I reset my pasword on the website?";
    write_lines(
        d,
        "data/train-00000-of-00003.jsonl",
        &[chat(
            "What is the capital city of France, please?",
            "Paris is the capital city of France.",
        )],
    );
    // X near-duplicates B; the last shard repeats X exactly.
    write_lines(
        d,
        "data/train-00001-of-00003.jsonl",
        &[
            chat(b, "Click Forgot password on the sign-in page."),
            chat(x, "Use the Forgot password link when you sign in."),
        ],
    );
    write_lines(
        d,
        "data/train-00002-of-00003.jsonl",
        &[chat(x, "Use the Forgot password link when you sign in.")],
    );
    let whole = run(d, &["--isolated", "--format", "concise", "data"]);
    let whole = findings(&whole.stdout);
    assert_eq!(
        whole,
        [
            "data/train-00001-of-00003.jsonl:2:25: D002 near-duplicate of the example at line 1: first user message 98.7% similar (threshold 85%)",
            "data/train-00002-of-00003.jsonl:1:1: D001 exact duplicate of the example at data/train-00001-of-00003.jsonl:2",
        ]
    );
    let written = run(d, &["--isolated", "--write-baseline", "bl.json", "data"]);
    assert_eq!(written.code, Some(0), "{}", written.stderr);
    for shard in 0..3 {
        let shard = format!("data/train-0000{shard}-of-00003.jsonl");
        let hook = [
            "--isolated",
            "--format",
            "concise",
            "--force-exclude",
            "--context",
            "dataset",
            "--json-records-only",
        ];
        // The same findings on the staged shard as the whole dataset's run.
        let out = run(d, &[&hook[..], &["--", &shard]].concat());
        let on_shard: Vec<&str> = whole
            .iter()
            .copied()
            .filter(|f| f.starts_with(&format!("{shard}:")))
            .collect();
        assert_eq!(findings(&out.stdout), on_shard, "{}", out.stdout);
        // With the baseline: nothing new, nothing stale, the commit goes through.
        let out = run(
            d,
            &[&hook[..], &["--baseline", "bl.json", "--", &shard]].concat(),
        );
        assert_eq!(out.code, Some(0), "{shard}: {}{}", out.stdout, out.stderr);
        assert!(findings(&out.stdout).is_empty(), "{}", out.stdout);
        assert!(!out.stderr.contains("no longer found"), "{}", out.stderr);
    }
}

#[test]
fn every_summary_says_how_many_examples_were_read_as_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    sharded(d);
    let args = |format: &'static str| {
        [
            "--isolated",
            "--format",
            format,
            "--context",
            "dataset",
            STAGED,
        ]
    };
    let json = run(d, &args("json"));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let summary = &doc["summary"];
    assert_eq!(
        summary["context"],
        serde_json::json!({"files": 1, "examples": 4})
    );
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["examples"], 2);
    assert_eq!(doc["files"].as_array().map(Vec::len), Some(1));
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{}", json.stdout);
    assert_eq!(
        diagnostics[0]["related"][0],
        serde_json::json!({"path": "data/train-00000-of-00002.jsonl", "line": 1, "message": "first occurrence"})
    );

    let note = "also read 4 examples of 1 file as context (the rest of their datasets: duplicates and leaks judged against them, nothing reported on them)";
    // Concise too: it is what a pre-commit hook prints (its output is not a terminal).
    for format in ["full", "concise", "github"] {
        let out = run(d, &args(format));
        assert!(out.stdout.contains(note), "{format}: {}", out.stdout);
    }
    let markdown = run(d, &args("markdown"));
    assert!(
        markdown.stdout.contains("Also read 4 examples of 1 file"),
        "{}",
        markdown.stdout
    );

    // Without --context, the summary says nothing about it.
    let plain = run(d, &["--isolated", "--format", "json", STAGED]);
    let doc: serde_json::Value = serde_json::from_str(&plain.stdout).expect("json");
    assert!(doc["summary"].get("context").is_none(), "{}", plain.stdout);

    // A dataset of one file has no context: no "also read 0 examples of 0 files".
    write_lines(
        d,
        "solo/train.jsonl",
        &[chat("Hi there, friend.", "Hello!")],
    );
    let alone = run(
        d,
        &[
            "--isolated",
            "--format",
            "concise",
            "--context",
            "dataset",
            "solo/train.jsonl",
        ],
    );
    assert!(!alone.stdout.contains("also read"), "{}", alone.stdout);
}

#[test]
fn a_named_evaluation_split_is_judged_against_its_training_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let leaked = chat(
        "Natalia sold clips to 48 of her friends in April. How many clips?",
        "72",
    );
    write_lines(
        d,
        "gsm8k_train.jsonl",
        &[chat("What is 2 + 2?", "4"), leaked.clone()],
    );
    write_lines(
        d,
        "gsm8k_test.jsonl",
        &[
            chat(
                "A train leaves at 3 pm and travels for 4 hours. When does it arrive?",
                "7 pm",
            ),
            leaked,
        ],
    );
    // An unrelated dataset beside them is not read.
    write_lines(d, "other.jsonl", &[chat("Unrelated?", "Yes.")]);
    let out = run(
        d,
        &[
            "--isolated",
            "--select",
            "D",
            "--format",
            "json",
            "--context",
            "dataset",
            "gsm8k_test.jsonl",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let found: Vec<(String, u64, String)> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0].0, "gsm8k_test.jsonl");
    assert_eq!(found[0].1, 2);
    assert!(
        found[0].2.contains("training example gsm8k_train.jsonl:2"),
        "{found:?}"
    );
    assert_eq!(
        doc["summary"]["context"],
        serde_json::json!({"files": 1, "examples": 2})
    );

    // The training split staged, the evaluation split read as context: the leak is the
    // evaluation example's, as in a run over both, and nothing is reported on the staged
    // training split.
    let out = run(
        d,
        &[
            "--isolated",
            "--select",
            "D",
            "--format",
            "concise",
            "--context",
            "dataset",
            "gsm8k_train.jsonl",
        ],
    );
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.contains(" D0")).collect();
    assert!(lines.is_empty(), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
}

/// LLaMA-Factory's layout, `.json` arrays of records: the hook (`--json-records-only`)
/// lints a staged `test.json`, and reads the `train.json` beside it as context, so its leak
/// is reported as a run over both reports it. Other `.json` (configuration) is not read.
#[test]
fn the_hook_reads_json_arrays_of_records_beside_a_staged_one_as_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let record = |i: usize| {
        serde_json::json!({
            "instruction": format!("Explain item {i} of the river list in detail"),
            "input": "",
            "output": format!("Item {i} is a river in the north."),
        })
    };
    let train: Vec<serde_json::Value> = (0..10).map(record).collect();
    let test = vec![
        record(2),
        serde_json::json!({"instruction": "What colour is the sky at noon?", "input": "", "output": "It is blue on a clear day."}),
    ];
    let write_json = |name: &str, value: &serde_json::Value| {
        std::fs::write(
            d.join(name),
            serde_json::to_string_pretty(value).expect("json"),
        )
        .expect("write")
    };
    write_json("train.json", &serde_json::Value::Array(train));
    write_json("test.json", &serde_json::Value::Array(test));
    write_json(
        "package.json",
        &serde_json::json!({"name": "x", "version": "1.0.0"}),
    );
    let leak = |args: &[&str]| -> Vec<String> {
        let mut all = vec![
            "--isolated",
            "--json-records-only",
            "--select",
            "D003",
            "--format",
            "concise",
        ];
        all.extend_from_slice(args);
        run(d, &all)
            .stdout
            .lines()
            .filter(|l| l.contains(" D003 "))
            .map(str::to_owned)
            .collect()
    };
    let full = leak(&["--", "train.json", "test.json"]);
    assert_eq!(full.len(), 1, "{full:?}");
    assert!(full[0].starts_with("test.json:"), "{full:?}");
    assert_eq!(leak(&["--context", "dataset", "--", "test.json"]), full);
}

/// LLaMA-Factory's layout with a `dataset_info.json` declaring `.json` files of records under
/// custom columns, from the folder above them or with the files in a subfolder: the hook
/// (`--json-records-only --context dataset`) on a staged test file reads the training file
/// the same registry declares as context, with its columns, from any current folder, and
/// reports the leak a run over the dataset reports.
#[test]
fn the_hook_reads_json_files_a_registry_declares_with_custom_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let record = |i: usize| {
        serde_json::json!({
            "q": format!("Explain item {i} of the river list in detail"),
            "a": format!("Item {i} is a river in the north."),
        })
    };
    let train: Vec<serde_json::Value> = (0..10).map(record).collect();
    let test = vec![
        record(2),
        serde_json::json!({"q": "What colour is the sky at noon?", "a": "It is blue on a clear day."}),
    ];
    let write_json = |name: &str, value: &serde_json::Value| {
        let path = d.join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, serde_json::to_string_pretty(value).expect("json")).expect("write")
    };
    let columns = serde_json::json!({"prompt": "q", "response": "a"});
    let registry = |train: &str, test: &str| {
        serde_json::json!({
            "my_train": {"file_name": train, "columns": columns},
            "my_test": {"file_name": test, "columns": columns},
        })
    };
    let leak = |cwd: &Path, args: &[&str]| -> Vec<String> {
        let mut all = vec!["--isolated", "--select", "D003", "--format", "concise"];
        all.extend_from_slice(args);
        run(cwd, &all)
            .stdout
            .lines()
            .filter(|l| l.contains(" D003 "))
            .map(str::to_owned)
            .collect()
    };
    let hook = |cwd: &Path, staged: &str| {
        leak(
            cwd,
            &["--json-records-only", "--context", "dataset", "--", staged],
        )
    };
    // The registry one folder above the data.
    write_json("data/train.json", &serde_json::Value::Array(train.clone()));
    write_json("data/test.json", &serde_json::Value::Array(test.clone()));
    write_json(
        "dataset_info.json",
        &registry("data/train.json", "data/test.json"),
    );
    let full = leak(d, &["."]);
    assert_eq!(full.len(), 1, "{full:?}");
    assert!(
        full[0].starts_with(
            "data/test.json:2:3: D003 exact copy of training example data/train.json:"
        ),
        "{full:?}"
    );
    assert_eq!(hook(d, "data/test.json"), full);
    // Run from inside the data folder: the registry above is found, the file named from here.
    let inside = hook(&d.join("data"), "test.json");
    assert_eq!(
        inside,
        [full[0].replacen("data/test.json", "test.json", 1).replacen(
            "data/train.json",
            "train.json",
            1
        )],
    );
    // The registry in the data folder, the files it declares in a subfolder.
    std::fs::remove_file(d.join("dataset_info.json")).expect("rm");
    write_json("data/splits/train.json", &serde_json::Value::Array(train));
    write_json("data/splits/test.json", &serde_json::Value::Array(test));
    write_json(
        "data/dataset_info.json",
        &registry("splits/train.json", "splits/test.json"),
    );
    let full = leak(d, &["data"]);
    assert_eq!(full.len(), 1, "{full:?}");
    assert!(full[0].starts_with("data/splits/test.json:"), "{full:?}");
    assert_eq!(hook(d, "data/splits/test.json"), full);
    let inside = hook(&d.join("data"), "splits/test.json");
    assert_eq!(inside, [full[0].replace("data/splits/", "splits/")]);
    // A nearer registry of other datasets does not hide the one that declares the file.
    write_json(
        "data/splits/dataset_info.json",
        &serde_json::json!({"other": {"file_name": "other.json", "columns": columns}}),
    );
    assert_eq!(hook(d, "data/splits/test.json"), full);
    std::fs::remove_file(d.join("data/splits/dataset_info.json")).expect("rm");
    // Named by absolute path: the same leak.
    let absolute = d.join("data/splits/test.json");
    let by_path = hook(d, absolute.to_str().expect("a UTF-8 path"));
    assert_eq!(by_path.len(), 1, "{by_path:?}");
    assert!(
        by_path[0].contains(" D003 exact copy of training example "),
        "{by_path:?}"
    );
    // A `.json` beside them that the registry does not declare, and that holds no records by
    // its look, is still skipped.
    write_json("data/splits/fixture.json", &serde_json::json!([{"x": 1}]));
    let skipped = run(
        d,
        &[
            "--isolated",
            "--json-records-only",
            "--",
            "data/splits/fixture.json",
        ],
    );
    assert_eq!(skipped.code, Some(0), "{}", skipped.stderr);
    assert!(
        skipped.stderr.contains("nothing to lint"),
        "{}",
        skipped.stderr
    );
}

#[test]
fn a_train_only_datasets_group_is_one_dataset_and_the_context_of_its_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let old = chat("How do I export my data?", "Settings, then Export.");
    write_lines(d, "data/support.jsonl", std::slice::from_ref(&old));
    write_lines(
        d,
        "data/new_batch.jsonl",
        &[chat("How do I log out?", "Menu, then Log out."), old],
    );
    std::fs::write(
        d.join("tunelint.toml"),
        "[[datasets]]\nname = \"support\"\ntrain = [\"data/support.jsonl\", \"data/new_batch.jsonl\"]\n",
    )
    .expect("write config");
    // A train-only group is accepted, and compares its files as one dataset.
    let whole = run(d, &["--format", "concise", "data"]);
    assert_eq!(
        findings(&whole.stdout),
        ["data/support.jsonl:1:1: D001 exact duplicate of the example at data/new_batch.jsonl:2"],
        "{}{}",
        whole.stdout,
        whole.stderr
    );
    // Named alone with --context dataset, each file is judged against the group's other
    // file as the whole run judges it: the later copy (in path order) is the duplicate.
    let staged = |file: &str| {
        let out = run(d, &["--format", "concise", "--context", "dataset", file]);
        findings(&out.stdout)
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(staged("data/support.jsonl"), findings(&whole.stdout));
    assert_eq!(staged("data/new_batch.jsonl"), Vec::<String>::new());
}

/// The pre-commit executable: `TUNELINT_PRE_COMMIT`, or the one .ci/venv.sh installs.
fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TUNELINT_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/.venv/bin/pre-commit");
    venv.is_file().then_some(venv)
}

/// The hook of this repository's .pre-commit-hooks.yaml (`id: tunelint`), with its entry's
/// options, files pattern, args and `require_serial`, made a `language: unsupported` hook that
/// runs the binary under test (the wheel hook itself is .ci/precommit-check.sh's).
fn hook_manifest() -> String {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("the manifest");
    let hook = manifest
        .split("- id: ")
        .find(|h| h.starts_with("tunelint\n"))
        .expect("the tunelint hook");
    let field = |name: &str| -> String {
        hook.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("the hook has no {name}"))
            .to_owned()
    };
    let entry = field("entry");
    let options = entry
        .strip_prefix("tunelint ")
        .expect("the entry runs tunelint");
    assert!(options.contains("--context dataset"), "{entry}");
    let binary = assert_cmd::cargo::cargo_bin("tunelint");
    format!(
        "- id: tunelint\n  name: tunelint\n  entry: '{} {options}'\n  language: unsupported\n  files: {}\n  types: {}\n  args: {}\n  require_serial: {}\n",
        binary.display(),
        field("files"),
        field("types"),
        field("args"),
        field("require_serial"),
    )
}

/// A scratch hook repository with the real manifest's tunelint hook (running the binary
/// under test) and an empty user repository beside it, in `dir`; `None` when pre-commit is
/// missing (a failure under `CI=true`).
fn try_repo_setup(dir: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "CI=true: pre-commit is needed (set TUNELINT_PRE_COMMIT or run .ci/venv.sh's venv_install pre-commit==4.7.0)"
        );
        eprintln!(
            "note: pre-commit not found (TUNELINT_PRE_COMMIT, .ci/.venv/bin/pre-commit); skipping the try-repo run"
        );
        return None;
    };
    let hooks = dir.join("hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    std::fs::write(hooks.join(".pre-commit-hooks.yaml"), hook_manifest()).expect("manifest");
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-q", "-m", "hook"]);
    let user = dir.join("user");
    std::fs::create_dir_all(&user).expect("mkdir");
    git(&user, &["init", "-q"]);
    Some((pre_commit, hooks, user))
}

/// `pre-commit try-repo HOOKS tunelint` on the staged files of `user`: its exit status and
/// output.
fn try_repo(pre_commit: &Path, dir: &Path, hooks: &Path, user: &Path) -> (Option<i32>, String) {
    let out = std::process::Command::new(pre_commit)
        .current_dir(user)
        .env("PRE_COMMIT_HOME", dir.join("cache"))
        .env_remove("GITHUB_ACTIONS")
        .args([
            "try-repo",
            hooks.to_str().expect("utf-8 path"),
            "tunelint",
            "--color",
            "never",
        ])
        .output()
        .expect("pre-commit runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
fn pre_commit_try_repo_judges_a_staged_shard_against_an_unstaged_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((pre_commit, hooks, user)) = try_repo_setup(dir.path()) else {
        return;
    };
    sharded(&user);
    // The first shard is committed; the second is new and staged.
    git(&user, &["add", OTHER]);
    git(&user, &["commit", "-q", "-m", "the dataset"]);
    git(&user, &["add", STAGED]);

    let (code, text) = try_repo(&pre_commit, dir.path(), &hooks, &user);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("tunelint...") && l.ends_with("Failed")),
        "{text}"
    );
    assert!(
        text.contains(
            "data/train-00001-of-00002.jsonl:2:1: D001 exact duplicate of the example at data/train-00000-of-00002.jsonl:1"
        ),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("data/train-00000-of-00002.jsonl:")),
        "nothing is reported on the unstaged shard: {text}"
    );
}

#[test]
fn pre_commit_try_repo_lints_a_staged_json_array_and_skips_package_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((pre_commit, hooks, user)) = try_repo_setup(dir.path()) else {
        return;
    };
    std::fs::write(
        user.join("package.json"),
        "{\"name\": \"site\", \"private\": true}\n",
    )
    .expect("write");
    git(&user, &["add", "package.json"]);
    // Configuration alone: nothing to lint, and the hook passes.
    let (code, text) = try_repo(&pre_commit, dir.path(), &hooks, &user);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("package.json:"), "{text}");

    // A LLaMA-Factory-style array of records staged beside it is linted.
    let records = [
        chat("How do I reset my password?", "Use Forgot password on the sign-in page."),
        r#"{"messages": [{"role": "user", "content": "Where are my invoices?"}, {"role": "bot", "content": "Under Billing, Invoices."}]}"#.to_owned(),
    ];
    std::fs::create_dir_all(user.join("data")).expect("mkdir");
    std::fs::write(
        user.join("data/train.json"),
        format!("[\n{}\n]\n", records.join(",\n")),
    )
    .expect("write");
    git(&user, &["add", "data/train.json"]);
    let (code, text) = try_repo(&pre_commit, dir.path(), &hooks, &user);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("data/train.json:3:") && l.contains("S005 unknown role \"bot\"")),
        "{text}"
    );
    assert!(!text.contains("package.json:"), "{text}");
}

#[test]
fn pre_commit_try_repo_lints_a_staged_parquet_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((pre_commit, hooks, user)) = try_repo_setup(dir.path()) else {
        return;
    };
    std::fs::create_dir_all(user.join("data")).expect("mkdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parquet/chat.parquet"),
        user.join("data/train-00000-of-00001.parquet"),
    )
    .expect("copy");
    git(&user, &["add", "data"]);
    let (code, text) = try_repo(&pre_commit, dir.path(), &hooks, &user);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(
            "data/train-00000-of-00001.parquet: row 1: C003 assistant message has empty content"
        ),
        "{text}"
    );
}

#[test]
fn pre_commit_try_repo_reads_a_staged_name_starting_with_a_dash_as_a_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((pre_commit, hooks, user)) = try_repo_setup(dir.path()) else {
        return;
    };
    let broken = r#"{"messages": [{"role": "user", "content": "Where are my invoices?"}, {"role": "bot", "content": "Under Billing, Invoices."}]}"#;
    std::fs::write(user.join("-draft.jsonl"), format!("{broken}\n")).expect("write");
    git(&user, &["add", "--", "-draft.jsonl"]);
    let (code, text) = try_repo(&pre_commit, dir.path(), &hooks, &user);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("-draft.jsonl:1:") && l.contains("S005 unknown role \"bot\"")),
        "{text}"
    );
    assert!(!text.contains("unexpected argument"), "{text}");
}
