//! `--diff-base REV` and `--gate-scope` through the binary, on scratch git repositories with
//! history: only records added or changed since REV are reported (examples added, edited,
//! reordered, deleted; a new duplicate of an old example in another shard; compressed files,
//! `.json` arrays, renamed files), the gates judge them (or everything, `--gate-scope all`),
//! the summaries say what was judged, and a missing REV or a directory outside git is a
//! clear error (status 2).

use std::io::Write;
use std::path::Path;

#[path = "support/scratch.rs"]
mod scratch;

use scratch::{
    chat, commit_all, findings, git, git_init, run, run_as, run_configured, write_lines,
};

const TRAIN: &str = "data/train.jsonl";

/// A legacy dataset in a new repository, committed: a placeholder (C007, line 3) and an
/// exact duplicate (D001, line 4 of line 1). Returns its lines and the commit.
fn legacy(d: &Path) -> (Vec<String>, String) {
    git_init(d);
    let lines = vec![
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Where are my invoices?", "Under Billing."),
        chat("Can I change my plan?", "TODO"),
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Is there a mobile app?", "Yes, for iOS and Android."),
    ];
    write_lines(d, TRAIN, &lines);
    let base = commit_all(d, "legacy data");
    (lines, base)
}

#[test]
fn only_added_and_edited_examples_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, base) = legacy(d);

    let all = run(d, &["data"]);
    assert_eq!(findings(&all.stdout).len(), 2, "{}", all.stdout);

    // Reordered (the mobile app first), one deleted (invoices), one edited (a placeholder
    // appears), one added with a finding of its own.
    let now = vec![
        old[4].clone(),
        old[0].clone(),
        chat("How do I cancel?", "FIXME"),
        old[2].clone(),
        old[3].clone(),
        chat("How do I export my data?", "TODO"),
    ];
    write_lines(d, TRAIN, &now);
    let changed = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&changed.stdout),
        [
            "data/train.jsonl:3:71: C007 placeholder \"FIXME\" in assistant content; replace it with the real text",
            "data/train.jsonl:6:79: C007 placeholder \"TODO\" in assistant content; replace it with the real text",
        ],
        "{}",
        changed.stdout
    );
    // Nothing old resurfaces though every old line moved.
    assert_eq!(
        changed.code,
        Some(0),
        "{}{}",
        changed.stdout,
        changed.stderr
    );

    let full = run_as(d, "full", &["--diff-base", &base, "data"]);
    assert!(
        full.stdout.contains(&format!(
            "judged 2 records added or changed since {base}; read 4 more as context"
        )),
        "{}",
        full.stdout
    );
    assert!(
        full.stdout
            .contains("2 new findings in this pull request, 2 pre-existing (not shown)"),
        "{}",
        full.stdout
    );
    assert!(
        full.stdout
            .contains("gate passed: valid examples 100.0% (2 of 2)"),
        "{}",
        full.stdout
    );

    // Committed, the same: the diff is against REV, not against the index.
    commit_all(d, "new data");
    let committed = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&committed.stdout),
        findings(&changed.stdout),
        "{}",
        committed.stdout
    );
    // Against the new commit nothing changed, and nothing is reported.
    let none = run(d, &["--diff-base", "HEAD", "data"]);
    assert_eq!(
        findings(&none.stdout),
        Vec::<&str>::new(),
        "{}",
        none.stdout
    );
    // Nothing new to judge passes (a pull request that changes no record is no failed data
    // check), and says so; `--gate-scope all` still judges every record.
    assert_eq!(
        none.code,
        Some(0),
        "nothing changed passes: {}",
        none.stdout
    );
    let full = run_as(d, "full", &["--diff-base", "HEAD", "data"]);
    assert!(
        full.stdout
            .contains("gate passed: valid examples none (no example added or changed since HEAD)"),
        "{}",
        full.stdout
    );
    let all = run(d, &["--diff-base", "HEAD", "--gate-scope", "all", "data"]);
    assert_eq!(all.code, Some(1), "every record judged: {}", all.stdout);
}

#[test]
fn a_deleted_example_and_an_unchanged_file_report_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut old, base) = legacy(d);
    old.remove(1);
    write_lines(d, TRAIN, &old);
    write_lines(
        d,
        "data/other.jsonl",
        &[chat("Who are you?", "A support bot.")],
    );
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(findings(&out.stdout), Vec::<&str>::new(), "{}", out.stdout);
    // The new file's example is judged: the gates pass on it.
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
}

/// Nothing added or changed since the base: the one-line summary of `concise` (and of the
/// formats that share it) says so, as `full` does, and not "nothing to train on", which is
/// an empty dataset's failure; the run passes.
#[test]
fn an_unchanged_dataset_is_not_called_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (_, base) = legacy(d);
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "0 errors, 0 warnings, 0 info in 0 examples of 1 file; no example added or changed since {base}\n"
        )
    );
    let full = run_as(
        d,
        "full",
        &["--color", "never", "--diff-base", &base, "data"],
    );
    assert!(
        full.stdout
            .contains(&format!("none (no example added or changed since {base})")),
        "{}",
        full.stdout
    );
    let markdown = run_as(d, "markdown", &["--diff-base", &base, "data"]);
    assert!(
        markdown
            .stdout
            .contains(&format!("; no example added or changed since {base}")),
        "{}",
        markdown.stdout
    );
    // An empty file is still nothing to train on, with or without a diff base.
    write_lines(d, "data/empty.jsonl", &[]);
    commit_all(d, "an empty file");
    let out = run(d, &["--diff-base", "HEAD", "data/empty.jsonl"]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("; nothing to train on"),
        "{}",
        out.stdout
    );
}

#[test]
fn gates_judge_the_changed_records_unless_gate_scope_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut old, base) = legacy(d);
    old.push(chat("Do you have an API?", "Yes, see the docs."));
    write_lines(d, TRAIN, &old);
    let changed = run(d, &["--diff-base", &base, "--max-warnings", "0", "data"]);
    assert_eq!(changed.code, Some(0), "{}", changed.stdout);
    let all = run(
        d,
        &[
            "--diff-base",
            &base,
            "--gate-scope",
            "all",
            "--max-warnings",
            "0",
            "data",
        ],
    );
    assert_eq!(all.code, Some(1), "{}", all.stdout);
    // Still only the new findings (none) are listed.
    assert_eq!(findings(&all.stdout), Vec::<&str>::new(), "{}", all.stdout);
    assert!(
        all.stdout.contains("gate failed: duplicates 1"),
        "{}",
        all.stdout
    );

    // --gate-scope needs --diff-base.
    let alone = run(d, &["--gate-scope", "all", "data"]);
    assert_eq!(alone.code, Some(2), "{}", alone.stderr);
    assert!(alone.stderr.contains("--diff-base"), "{}", alone.stderr);
}

#[test]
fn a_new_duplicate_in_another_shard_is_reported_on_the_new_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    let first = "data/train-00000-of-00002.jsonl";
    let second = "data/train-00001-of-00002.jsonl";
    let payment = chat(
        "What payment methods do you take?",
        "Cards and bank transfer.",
    );
    let shard0 = vec![
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Where are my invoices?", "Under Billing."),
    ];
    write_lines(d, first, &shard0);
    write_lines(
        d,
        second,
        &[
            chat("Is there a mobile app?", "Yes, for iOS and Android."),
            payment.clone(),
        ],
    );
    let base = commit_all(d, "two shards");

    // The copy goes first in the earlier shard: before its original in dataset order.
    let mut now = vec![payment];
    now.extend(shard0);
    write_lines(d, first, &now);
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&out.stdout),
        [format!(
            "{first}:1:1: D001 exact duplicate of the example at {second}:2"
        )],
        "{}",
        out.stdout
    );
    assert_eq!(out.code, Some(1), "{}", out.stdout);

    // Named alone with the rest of its dataset as context, as the hook runs: the same
    // finding, the changed record judged, the shard's other records read as context, and
    // the other shard counted once, as context, not among the records judged or read.
    let hook = run_as(
        d,
        "full",
        &["--diff-base", &base, "--context", "dataset", first],
    );
    assert!(
        hook.stdout.contains(&format!(
            "warning[D001]: exact duplicate of the example at {second}:2"
        )),
        "{}",
        hook.stdout
    );
    assert!(
        hook.stdout.contains(&format!(
            "judged 1 record added or changed since {base}; read 2 more as context"
        )),
        "{}",
        hook.stdout
    );

    // Without --diff-base the later line, the old one, carries it.
    let all = run(d, &["data"]);
    assert_eq!(
        findings(&all.stdout),
        [format!(
            "{second}:2:1: D001 exact duplicate of the example at {first}:1"
        )],
        "{}",
        all.stdout
    );
}

#[test]
fn a_moved_example_between_shards_is_not_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    let first = "data/train-00000-of-00002.jsonl";
    let second = "data/train-00001-of-00002.jsonl";
    let todo = chat("Can I change my plan?", "TODO");
    write_lines(d, first, &[chat("Hi?", "Hello."), todo.clone()]);
    write_lines(
        d,
        second,
        &[chat("Is there a mobile app?", "Yes, for iOS and Android.")],
    );
    let base = commit_all(d, "two shards");
    write_lines(d, first, &[chat("Hi?", "Hello.")]);
    write_lines(
        d,
        second,
        &[
            chat("Is there a mobile app?", "Yes, for iOS and Android."),
            todo,
        ],
    );
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(findings(&out.stdout), Vec::<&str>::new(), "{}", out.stdout);
}

fn gzip(lines: &[String]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all((lines.join("\n") + "\n").as_bytes())
        .expect("gzip");
    enc.finish().expect("gzip")
}

#[test]
fn compressed_files_are_compared_by_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, _) = legacy(d);
    std::fs::remove_file(d.join(TRAIN)).expect("rm");
    let path = d.join("data/train.jsonl.gz");
    std::fs::write(&path, gzip(&old)).expect("write");
    let base = commit_all(d, "compressed");
    let mut now: Vec<String> = old.iter().rev().cloned().collect();
    now.push(chat("How do I cancel?", "FIXME"));
    std::fs::write(&path, gzip(&now)).expect("write");
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&out.stdout),
        [
            "data/train.jsonl.gz:6:71: C007 placeholder \"FIXME\" in assistant content; replace it with the real text"
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn json_arrays_and_renamed_files_map_their_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, _) = legacy(d);
    let array = |lines: &[String]| format!("[\n{}\n]\n", lines.join(",\n"));
    std::fs::write(d.join("data/alpaca.json"), array(&old[..3])).expect("write");
    let base = commit_all(d, "an array");
    // The array's second record edited; the JSONL file renamed, one example added.
    let mut edited = old[..3].to_vec();
    edited[1] = chat("Where are my invoices?", "TODO");
    std::fs::write(d.join("data/alpaca.json"), array(&edited)).expect("write");
    git(d, &["mv", TRAIN, "data/support.jsonl"]);
    let mut grown = old.clone();
    grown.push(chat("How do I cancel?", "FIXME"));
    write_lines(d, "data/support.jsonl", &grown);
    let out = run(
        d,
        &[
            "--diff-base",
            &base,
            "data/alpaca.json",
            "data/support.jsonl",
        ],
    );
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 2, "{}", out.stdout);
    assert!(
        found[0].starts_with("data/alpaca.json:3:"),
        "{}",
        out.stdout
    );
    assert!(found[0].contains("C007"), "{}", out.stdout);
    assert!(
        found[1].starts_with("data/support.jsonl:6:"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_markdown_and_sarif_say_what_was_judged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut old, base) = legacy(d);
    old.push(chat("How do I cancel?", "FIXME"));
    write_lines(d, TRAIN, &old);
    let json = run_as(d, "json", &["--diff-base", &base, "data"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(
        doc["summary"]["diff_base"],
        serde_json::json!({
            "base": base,
            "judged_records": 1,
            "context_records": 5,
            "new_findings": 1,
            "preexisting_findings": 2,
            "gate_scope": "changed",
        })
    );
    assert_eq!(doc["summary"]["examples"], 1);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(1));

    let md = run_as(d, "markdown", &["--diff-base", &base, "data"]);
    assert!(
        md.stdout
            .contains("**1 new finding in this pull request, 2 pre-existing (not shown)**"),
        "{}",
        md.stdout
    );

    let html = run_as(d, "html", &["--diff-base", &base, "data"]);
    assert!(
        html.stdout.contains(
            "<p class=\"diff-base\">1 new finding in this pull request, 2 pre-existing (not shown); judged 1 record"
        ),
        "{}",
        html.stdout
    );
    // The dataset's figures the page adds are of the whole files, and say so.
    assert_eq!(
        html.stdout.matches("data-scope=\"files\"").count(),
        1,
        "{}",
        html.stdout
    );

    let sarif = run_as(d, "sarif", &["--diff-base", &base, "data"]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let props = &log["runs"][0]["properties"]["tunelint"];
    assert_eq!(props["judgedRecords"], 1, "{}", sarif.stdout);
    assert_eq!(props["preexistingFindings"], 2, "{}", sarif.stdout);
    // Code scanning compares a pull request's analysis with the base branch's: SARIF holds
    // every finding, the pre-existing ones `unchanged`, or they would look fixed.
    let states: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["baselineState"].as_str())
        .collect();
    assert_eq!(states.len(), 3, "{}", sarif.stdout);
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "unchanged").count(), 2);
    // Without `--diff-base`, no result has a baseline state.
    let full = run_as(d, "sarif", &["data"]);
    assert!(!full.stdout.contains("baselineState"), "{}", full.stdout);
}

/// A new copy of an old broken example: its SARIF alert keeps the fingerprint it has in a
/// full run, whatever a baseline leaves out, so code scanning does not take it for the old
/// alert on main (the same record and rule, occurrence 0).
#[test]
fn a_new_findings_fingerprint_does_not_depend_on_what_is_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut lines, base) = legacy(d);
    let baseline = d.join("baseline.json");
    let written = run(
        d,
        &[
            "--write-baseline",
            baseline.to_str().expect("utf-8"),
            "data",
        ],
    );
    assert_eq!(written.code, Some(0), "{}", written.stderr);
    lines.push(lines[2].clone());
    write_lines(d, TRAIN, &lines);
    // By line: with `--diff-base` the new alerts come first in the file, the old ones after.
    let alerts = |args: &[&str]| -> Vec<(u64, String)> {
        let sarif = run_as(d, "sarif", args);
        let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
        let mut alerts: Vec<(u64, String)> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["ruleId"] == "C007")
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .expect("line"),
                    r["partialFingerprints"]["tunelintRecord/v1"]
                        .as_str()
                        .expect("fingerprint")
                        .to_owned(),
                )
            })
            .collect();
        alerts.sort();
        alerts
    };
    let full = alerts(&["data"]);
    assert_eq!(
        full.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [3, 6]
    );
    assert_ne!(full[0].1, full[1].1);
    // `--diff-base` keeps every alert in SARIF (code scanning compares it with the base
    // branch's); a baseline leaves the accepted ones out.
    assert_eq!(alerts(&["--diff-base", &base, "data"]), full);
    let new_one = vec![full[1].clone()];
    let baseline = baseline.to_str().expect("utf-8");
    assert_eq!(alerts(&["--baseline", baseline, "data"]), new_one);
}

#[test]
fn a_base_missing_from_a_shallow_clone_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let origin = dir.path().join("origin");
    std::fs::create_dir_all(&origin).expect("mkdir");
    let (mut old, base) = legacy(&origin);
    old.push(chat("How do I cancel?", "FIXME"));
    write_lines(&origin, TRAIN, &old);
    commit_all(&origin, "more");
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &["clone", "--quiet", "--depth", "1", &url, "clone"],
    );
    let clone = dir.path().join("clone");
    let out = run(&clone, &["--diff-base", &base, "data"]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&base), "{}", out.stderr);
    assert!(
        out.stderr.contains("fetch-depth: 0 or fetch the base"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "nothing is linted");

    // Once the base is fetched, it works.
    git(&clone, &["fetch", "--quiet", "--unshallow"]);
    let fetched = run(&clone, &["--diff-base", &base, "data"]);
    assert_eq!(findings(&fetched.stdout).len(), 1, "{}", fetched.stdout);
}

/// REV is read in the repository that holds the data, wherever tunelint runs from: a run
/// from a directory outside it (a script, another checkout) judges the same records.
#[test]
fn the_repository_is_the_one_holding_the_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&repo).expect("repo dir");
    std::fs::create_dir_all(&elsewhere).expect("another dir");
    let (mut lines, base) = legacy(&repo);
    lines.push(chat("How do I export my data?", "TODO"));
    write_lines(&repo, TRAIN, &lines);
    let inside = run(&repo, &["--diff-base", &base, TRAIN]);
    let data = repo.join(TRAIN);
    let data = data.to_str().expect("a UTF-8 path");
    let outside = run(&elsewhere, &["--diff-base", &base, data]);
    assert_eq!(findings(&inside.stdout).len(), 1, "{}", inside.stdout);
    assert_eq!(
        findings(&outside.stdout),
        findings(&inside.stdout)
            .iter()
            .map(|f| format!("{}/{f}", repo.display()))
            .collect::<Vec<_>>(),
        "{}{}",
        outside.stdout,
        outside.stderr
    );
}

/// Standard input cannot be compared with git, also when `--stdin-filename` names a file of
/// the repository: the file on disk is not what is linted (an editor's unsaved buffer).
#[test]
fn standard_input_named_as_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut lines, base) = legacy(d);
    lines.push(chat("How do I cancel?", "FIXME"));
    for args in [
        vec!["--diff-base", &base, "-"],
        vec!["--diff-base", &base, "--stdin-filename", TRAIN, "-"],
    ] {
        let out = assert_cmd::Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(d)
            .args(["--isolated", "--format", "concise"])
            .args(&args)
            .write_stdin(lines.join("\n") + "\n")
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("--diff-base compares files with git: it cannot read standard input"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "nothing is linted");
    }
}

/// A dataset kept in Git LFS: git holds and diffs its pointer, not its lines. The base's
/// content is read from the clone's LFS objects (`.git/lfs/objects`), and the records are
/// compared by hash; without that content every record is judged, with a note saying why.
/// git-lfs is simulated by a clean filter that stores the object and writes the pointer,
/// as `git lfs clean` does.
#[cfg(unix)]
#[test]
fn a_dataset_in_git_lfs_is_compared_by_its_content() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    let clean = d.join("lfs-clean.sh");
    std::fs::write(
        &clean,
        r#"#!/bin/sh
t=$(mktemp); cat > "$t"
if head -c 40 "$t" | grep -q '^version https://git-lfs'; then cat "$t"; rm -f "$t"; exit 0; fi
oid=$(sha256sum < "$t" | cut -d' ' -f1)
dir="$(git rev-parse --git-common-dir)/lfs/objects/$(echo $oid | cut -c1-2)/$(echo $oid | cut -c3-4)"
mkdir -p "$dir" && cp "$t" "$dir/$oid"
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %s\n' "$oid" "$(wc -c < "$t" | tr -d ' ')"
rm -f "$t"
"#,
    )
    .expect("write the filter");
    std::fs::set_permissions(&clean, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    git(
        d,
        &["config", "filter.lfs.clean", clean.to_str().expect("utf-8")],
    );
    git(d, &["config", "filter.lfs.smudge", "cat"]);
    git(d, &["config", "filter.lfs.required", "true"]);
    std::fs::write(d.join(".gitattributes"), "*.jsonl filter=lfs -text\n").expect("write");
    let mut lines: Vec<String> = (0..6)
        .map(|i| {
            chat(
                &format!("How do I do task {i}?"),
                &format!("Open the menu and pick task {i}."),
            )
        })
        .collect();
    write_lines(d, TRAIN, &lines);
    let base = commit_all(d, "data in LFS");
    assert!(
        git(d, &["cat-file", "blob", &format!("{base}:{TRAIN}")])
            .starts_with("version https://git-lfs"),
        "git holds the pointer"
    );
    lines.insert(2, chat("How do I cancel?", "FIXME"));
    write_lines(d, TRAIN, &lines);
    let judged = |out: &scratch::Run| {
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        doc["summary"]["diff_base"]["judged_records"].clone()
    };
    let out = run_as(d, "json", &["--diff-base", &base, "data"]);
    assert_eq!(judged(&out), 1, "{}{}", out.stdout, out.stderr);
    let out = run(d, &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&out.stdout),
        [
            "data/train.jsonl:3:71: C007 placeholder \"FIXME\" in assistant content; replace it with the real text"
        ],
        "{}",
        out.stdout
    );
    // Without the base's content (a clone that fetched only the head's LFS objects).
    std::fs::remove_dir_all(d.join(".git/lfs")).expect("remove the LFS objects");
    let out = run_as(d, "json", &["--diff-base", &base, "data"]);
    assert_eq!(judged(&out), 7, "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!(
            "tunelint: note: --diff-base: data/train.jsonl is kept in Git LFS and its content at {base} is not in this clone, so every record of it is judged as changed"
        )),
        "{}",
        out.stderr
    );
}

/// A submodule holding data (checked out with the repository), sorted before the rest, does
/// not make `--diff-base .` read the submodule's repository: the working directory's is the
/// one REV names, and the submodule's records are judged, with a note saying why.
#[test]
fn a_submodule_does_not_change_the_repository_compared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("lib");
    let d = &dir.path().join("super");
    std::fs::create_dir_all(&lib).expect("mkdir");
    std::fs::create_dir_all(d).expect("mkdir");
    git_init(&lib);
    write_lines(
        &lib,
        "eval.jsonl",
        &[chat("What is two plus two?", "Four, since 2 + 2 = 4.")],
    );
    commit_all(&lib, "eval data");
    let (mut lines, _) = legacy(d);
    git(
        d,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "--quiet",
            lib.to_str().expect("utf-8"),
            "assets",
        ],
    );
    let base = commit_all(d, "with the submodule");
    lines.push(chat("How do I cancel?", "FIXME"));
    write_lines(d, TRAIN, &lines);
    let out = run(d, &["--diff-base", &base, "."]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        findings(&out.stdout),
        [
            "data/train.jsonl:6:71: C007 placeholder \"FIXME\" in assistant content; replace it with the real text"
        ],
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(
            "tunelint: note: --diff-base: assets/eval.jsonl is in a git submodule, whose history is not the repository's: every record of it is judged as changed"
        ),
        "{}",
        out.stderr
    );
}

/// A revision that names a tree or a file's content is no base to compare with, and is told
/// so (not as a shallow clone's missing commit).
#[test]
fn a_tree_or_a_blob_is_not_a_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    for (rev, kind) in [("HEAD^{tree}", "tree"), ("HEAD:data/train.jsonl", "blob")] {
        let out = run(d, &["--diff-base", rev, "data"]);
        assert_eq!(out.code, Some(2), "{rev}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "--diff-base {rev}: that is a {kind} of this repository, not a commit"
            )),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("shallow"), "{}", out.stderr);
    }
}

/// A dataset that is a git clone of its own inside a project's working tree (ignored there,
/// not a submodule) is compared with its own history.
#[test]
fn a_nested_clone_keeps_its_own_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outer = dir.path();
    git_init(outer);
    std::fs::write(outer.join(".gitignore"), "hub/\n").expect("write");
    commit_all(outer, "project");
    let d = &outer.join("hub");
    std::fs::create_dir_all(d).expect("mkdir");
    let (mut lines, base) = legacy(d);
    lines.push(chat("How do I cancel?", "FIXME"));
    write_lines(d, TRAIN, &lines);
    let out = run(outer, &["--diff-base", &base, "hub/data"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        findings(&out.stdout),
        [
            "hub/data/train.jsonl:6:71: C007 placeholder \"FIXME\" in assistant content; replace it with the real text"
        ],
        "{}",
        out.stdout
    );
}

/// A file whose name is not UTF-8 is given to git as the file system spells it: its base
/// version is found, and only the new record is judged.
#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_is_compared() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut lines, _) = legacy(d);
    let name = std::ffi::OsStr::from_bytes(b"data/caf\xe9.jsonl");
    std::fs::rename(d.join(TRAIN), d.join(name)).expect("rename");
    let base = commit_all(d, "a Latin-1 name");
    lines.push(chat("How do I cancel?", "FIXME"));
    std::fs::write(d.join(name), lines.join("\n") + "\n").expect("write");
    let out = run_as(d, "json", &["--diff-base", &base, "data"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["diff_base"]["judged_records"], 1,
        "{}",
        out.stdout
    );
    assert_eq!(
        doc["diagnostics"].as_array().map(Vec::len),
        Some(1),
        "{}",
        out.stdout
    );
}

#[test]
fn outside_a_git_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, TRAIN, &[chat("Hi?", "Hello.")]);
    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp directory.
    let out = assert_cmd::Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .env("GIT_CEILING_DIRECTORIES", d.parent().expect("parent"))
        .args(["--isolated", "--diff-base", "main", "data"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not in a git repository"), "{stderr}");
}

#[test]
fn a_new_near_duplicate_and_a_new_leak_are_reported_on_the_new_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    let first = "data/train-00000-of-00002.jsonl";
    let second = "data/train-00001-of-00002.jsonl";
    let test = "data/test.jsonl";
    let refund = "How do I get a refund for an order that arrived damaged last week?";
    let shard0 = vec![
        chat("How do I reset my password?", "Use Forgot password."),
        chat("Where are my invoices?", "Under Billing."),
    ];
    write_lines(d, first, &shard0);
    write_lines(
        d,
        second,
        &[
            chat("Is there a mobile app?", "Yes, for iOS and Android."),
            chat(refund, "Open the order and choose Request a refund."),
        ],
    );
    let exam = "Which plans include priority support and a dedicated account manager?";
    write_lines(
        d,
        test,
        &[
            chat("Can I pay by invoice?", "Yes, on the annual plan."),
            chat(exam, "The Business and Enterprise plans."),
        ],
    );
    let base = commit_all(d, "two shards and a test split");

    // New in the first shard, before their old counterparts in dataset order: a near copy
    // of the refund question and a near copy of a test question.
    let mut now = vec![
        chat(
            "How do I get a refund for an order that arrived damaged last month?",
            "Open the order and choose Request a refund.",
        ),
        chat(
            "Which plans include priority support and a dedicated account manager??",
            "The Business and Enterprise plans.",
        ),
    ];
    now.extend(shard0);
    write_lines(d, first, &now);
    let out = run(d, &["--diff-base", &base, "data"]);
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 2, "{}", out.stdout);
    assert!(
        found[0].starts_with(&format!(
            "{first}:1:25: D002 near-duplicate of the example at {second}:2:"
        )),
        "{}",
        out.stdout
    );
    assert!(
        found[1].starts_with(&format!(
            "{first}:2:25: D003 near copy of evaluation example {test}:2 ("
        )),
        "{}",
        out.stdout
    );
    assert!(
        found[1].ends_with("; evaluation scores would count it as learned"),
        "{}",
        out.stdout
    );

    // Without --diff-base the usual places: the later copy, the evaluation example.
    let all = run(d, &["data"]);
    let places: Vec<String> = findings(&all.stdout)
        .iter()
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        places,
        [format!("{test}:2:25: D003"), format!("{second}:2:25: D002"),],
        "{}",
        all.stdout
    );
}

/// B001 about a committed file of 5 examples with `goal = "format"` (minimum 50).
fn too_few(d: &Path) -> (Vec<String>, String) {
    git_init(d);
    std::fs::write(d.join("tunelint.toml"), "[dataset]\ngoal = \"format\"\n").expect("config");
    legacy(d)
}

#[test]
fn a_finding_about_a_whole_file_is_new_only_in_a_new_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, base) = too_few(d);
    let all = run_configured(d, "concise", &["data"]);
    assert!(
        findings(&all.stdout)
            .iter()
            .any(|f| f.starts_with("data/train.jsonl:1:1: B001 5 examples")),
        "{}",
        all.stdout
    );

    // A new example before the old ones changes line 1, one after them does not: neither
    // makes the file's size a new finding.
    let new = chat("Do you have an API?", "Yes, see the docs.");
    for now in [
        [vec![new.clone()], old.clone()].concat(),
        [old.clone(), vec![new.clone()]].concat(),
    ] {
        write_lines(d, TRAIN, &now);
        let out = run_configured(d, "full", &["--diff-base", &base, "data"]);
        assert!(!out.stdout.contains("B001"), "{}", out.stdout);
        assert!(
            out.stdout
                .contains("0 new findings in this pull request, 3 pre-existing (not shown)"),
            "{}",
            out.stdout
        );
        let all = run_configured(
            d,
            "concise",
            &["--diff-base", &base, "--gate-scope", "all", "data"],
        );
        assert_eq!(findings(&all.stdout), Vec::<&str>::new(), "{}", all.stdout);
    }

    // A file added since the base is new, its size with it.
    write_lines(d, TRAIN, &old);
    write_lines(d, "data/extra.jsonl", &[new]);
    let out = run_configured(d, "concise", &["--diff-base", &base, "data"]);
    assert_eq!(
        findings(&out.stdout),
        [
            "data/extra.jsonl:1:1: B001 1 example, fewer than the minimum of 50 for format adherence (`[dataset] goal = \"format\"`); 200 are recommended"
        ],
        "{}",
        out.stdout
    );
}

/// A `.json` array written on one line (`json.dump` without `indent`): every record is on
/// line 1, so a finding is the record's at its column. An edited record's error was mapped
/// to the first record (unchanged) and dropped, and the gate passed.
#[test]
fn records_of_a_one_line_array_are_told_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    let records = vec![
        chat(
            "How do I reset my password?",
            "Use Forgot password on the sign-in page.",
        ),
        chat(
            "Where are my invoices kept?",
            "Under Billing, Invoices, as PDF files.",
        ),
        chat(
            "Can I change my plan mid-month?",
            "Yes; the difference is prorated.",
        ),
        chat(
            "Is there a mobile app for iOS?",
            "Yes, for iOS and Android, free of charge.",
        ),
        chat(
            "Which cards do you accept?",
            "Visa, Mastercard and American Express.",
        ),
    ];
    std::fs::create_dir_all(d.join("data")).expect("mkdir");
    std::fs::write(d.join("data/one.json"), format!("[{}]", records.join(", "))).expect("write");
    let base = commit_all(d, "one line");
    let mut edited = records.clone();
    edited[3] = edited[3].replace("\"assistant\"", "\"bot\"");
    std::fs::write(d.join("data/one.json"), format!("[{}]", edited.join(", "))).expect("write");
    let out = run(d, &["--diff-base", &base, "data/one.json"]);
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert!(
        found[0].starts_with("data/one.json:1:") && found[0].contains("S005"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("in 1 example"), "{}", out.stdout);
}

/// What a change does to the text without changing any record's content: a byte-order mark
/// put in front, a key repeated in a record (the last value wins, so its canonical hash is
/// the same), the final newline taken off. Each is reported as new: its line was added.
#[test]
fn text_level_findings_on_added_lines_are_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, base) = legacy(d);
    let text = format!("{}\n", old.join("\n"));
    for (now, code) in [
        (format!("\u{feff}{text}"), "J005"),
        (
            text.replacen("{\"messages\"", "{\"messages\": [], \"messages\"", 1)
                .to_string(),
            "J010",
        ),
        (text.trim_end().to_owned(), "J009"),
    ] {
        std::fs::write(d.join(TRAIN), &now).expect("write");
        let out = run(d, &["--diff-base", &base, "data"]);
        assert!(
            findings(&out.stdout)
                .iter()
                .any(|f| f.contains(&format!(" {code} "))),
            "{code}: {}",
            out.stdout
        );
        if code != "J009" {
            assert_eq!(out.code, Some(1), "{code}: {}", out.stdout);
        }
    }
}

/// C012 names the line of the most common system prompt as an example, not as a record it
/// is about: a new record landing on that line does not bring back the old finding.
#[test]
fn an_example_line_does_not_make_an_old_finding_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git_init(d);
    const TOPICS: [&str; 21] = [
        "passwords",
        "invoices",
        "refunds",
        "shipping",
        "returns",
        "discounts",
        "gift cards",
        "accounts",
        "privacy",
        "security",
        "the mobile app",
        "subscriptions",
        "upgrades",
        "downgrades",
        "taxes",
        "receipts",
        "deliveries",
        "warranties",
        "repairs",
        "loyalty points",
        "student offers",
    ];
    let with_system = |i: usize| {
        serde_json::json!({"messages": [
            {"role": "system", "content": "You are the support assistant of Acme."},
            {"role": "user", "content": format!("Tell me how {} work at Acme, please.", TOPICS[i])},
            {"role": "assistant", "content": format!("Here is how {} work: see the help page.", TOPICS[i])}
        ]})
        .to_string()
    };
    let mut lines: Vec<String> = (0..20).map(with_system).collect();
    lines[4] = chat(
        "Tell me how returns work at Acme, please.",
        "Here is how returns work: see the help page.",
    );
    write_lines(d, TRAIN, &lines);
    let base = commit_all(d, "legacy");
    let before = run(d, &["data"]);
    assert!(before.stdout.contains(" C012 "), "{}", before.stdout);
    lines.insert(0, with_system(20));
    write_lines(d, TRAIN, &lines);
    let out = run(d, &["--diff-base", &base, "--max-warnings", "0", "data"]);
    assert!(findings(&out.stdout).is_empty(), "{}", out.stdout);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
}

/// A change that turns a data file into binary data or a Git LFS pointer shows no added
/// lines in `git diff`; its J007 or J006 is new all the same and fails the file-level gate,
/// and the file counts no examples (the engine read none). A file binary at the base already
/// keeps its J007 old.
#[test]
fn a_file_made_unreadable_by_the_change_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (old, base) = legacy(d);
    let text = format!("{}\n", old.join("\n"));
    // Binary: NUL bytes, more than a stray one typed into a record (that is J001 on its line).
    let nuls = "\u{0}".repeat(64);
    for (now, code) in [
        (
            text.replacen("Under Billing.", &format!("Under Billing.{nuls}"), 1),
            "J007",
        ),
        (
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12\n".to_owned(),
            "J006",
        ),
    ] {
        std::fs::write(d.join(TRAIN), &now).expect("write");
        let out = run_as(d, "full", &["--diff-base", &base, "data"]);
        assert_eq!(out.code, Some(1), "{code}: {}", out.stdout);
        for shown in [
            format!("error[{code}]: "),
            "gate failed: file-level errors 1".to_owned(),
            "1 new finding in this pull request, 0 pre-existing".to_owned(),
            "judged 0 records added or changed since".to_owned(),
            "read 0 more as context".to_owned(),
        ] {
            assert!(
                out.stdout.contains(&shown),
                "{code}: {shown:?} in {}",
                out.stdout
            );
        }
    }
    // Binary at the base already: the J007 is old.
    std::fs::write(
        d.join(TRAIN),
        text.replacen("Under Billing.", &format!("Under Billing.{nuls}"), 1),
    )
    .expect("write");
    let binary = commit_all(d, "binary");
    std::fs::write(
        d.join(TRAIN),
        text.replacen("Under Billing.", &format!("Under Billing!{nuls}"), 1),
    )
    .expect("write");
    let out = run_as(d, "full", &["--diff-base", &binary, "data"]);
    assert!(
        out.stdout.contains("gate passed: file-level errors 0"),
        "{}",
        out.stdout
    );
    // A Git LFS pointer at the base and now (a checkout without the LFS content): git
    // stores every LFS file so, and nothing of it can be judged, so J006 is shown.
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12\n";
    std::fs::write(d.join(TRAIN), pointer).expect("write");
    let pointed = commit_all(d, "pointer");
    let out = run_as(d, "full", &["--diff-base", &pointed, "data"]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("error[J006]: "), "{}", out.stdout);
}
