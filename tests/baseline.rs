//! `--baseline` and `--write-baseline` through the binary, on scratch directories: a
//! baseline accepts the findings it records (whatever the lines around them), reports new
//! ones, lists its stale entries, and shrinks when written again.

use std::path::Path;

#[path = "support/scratch.rs"]
mod scratch;

use scratch::{chat, findings, run, run_as, write_lines};

/// The entries of a baseline file: (path, rule, count).
fn entries(path: &Path) -> Vec<(String, String, u64)> {
    let text = std::fs::read_to_string(path).expect("the baseline is written");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("the baseline is JSON");
    assert_eq!(doc["tunelint_baseline"], 1, "{text}");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|e| {
            let fp = e["fingerprint"].as_str().expect("fingerprint");
            assert!(
                fp.len() == 16 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
                "{text}"
            );
            (
                e["path"].as_str().expect("path").to_owned(),
                e["rule"].as_str().expect("rule").to_owned(),
                e["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

/// The documented refresh, `--baseline baseline.json --write-baseline baseline.json`, then
/// `args`.
fn refresh(d: &Path, args: &[&str]) -> scratch::Run {
    let mut all = vec![
        "--baseline",
        "baseline.json",
        "--write-baseline",
        "baseline.json",
    ];
    all.extend_from_slice(args);
    run(d, &all)
}

/// A dataset with legacy findings: an example three times (two D001), a near-duplicate
/// (D002) and a placeholder (C007), across two shards of one split.
fn legacy(d: &Path) -> (Vec<String>, Vec<String>) {
    let reset = chat("How do I reset my password?", "Use Forgot password.");
    let first = vec![
        reset.clone(),
        chat("Where are my invoices?", "Under Billing."),
        chat("Can I change my plan?", "TODO"),
        reset.clone(),
    ];
    let second = vec![
        chat("Where are my invoces?", "Billing, then Invoices."),
        chat(
            "What payment methods do you take?",
            "Cards and bank transfer.",
        ),
        reset,
    ];
    write_lines(d, "data/train-00000-of-00002.jsonl", &first);
    write_lines(d, "data/train-00001-of-00002.jsonl", &second);
    (first, second)
}

#[test]
fn a_baseline_accepts_existing_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut first, second) = legacy(d);
    let before = run(d, &["data"]);
    let found = findings(&before.stdout);
    assert_eq!(found.len(), 4, "{}", before.stdout);
    assert_eq!(before.code, Some(1), "{}", before.stdout);

    let written = run(d, &["--write-baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&written.stdout),
        Vec::<&str>::new(),
        "{}",
        written.stdout
    );
    assert_eq!(
        written.code,
        Some(0),
        "{}{}",
        written.stdout,
        written.stderr
    );
    assert!(
        written
            .stderr
            .contains("wrote 4 findings to the baseline baseline.json"),
        "{}",
        written.stderr
    );
    let shard = |n: u32| format!("data/train-0000{n}-of-00002.jsonl");
    assert_eq!(
        entries(&d.join("baseline.json")),
        [
            (shard(0), "C007".into(), 1),
            (shard(0), "D001".into(), 1),
            (shard(1), "D001".into(), 1),
            (shard(1), "D002".into(), 1),
        ]
    );

    let quiet = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&quiet.stdout),
        Vec::<&str>::new(),
        "{}",
        quiet.stdout
    );
    assert_eq!(quiet.code, Some(0), "{}{}", quiet.stdout, quiet.stderr);
    assert!(
        quiet
            .stderr
            .contains("baseline baseline.json: 4 findings not reported"),
        "{}",
        quiet.stderr
    );
    assert!(
        !quiet.stderr.contains("no longer found"),
        "{}",
        quiet.stderr
    );

    // A new duplicate is reported; the old ones stay accepted.
    first.push(chat(
        "What payment methods do you take?",
        "Cards and bank transfer.",
    ));
    write_lines(d, "data/train-00000-of-00002.jsonl", &first);
    let new = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&new.stdout),
        [
            "data/train-00001-of-00002.jsonl:2:1: D001 exact duplicate of the example at data/train-00000-of-00002.jsonl:5"
        ],
        "{}",
        new.stdout
    );
    assert_eq!(new.code, Some(1), "{}", new.stdout);
    drop(second);
}

#[test]
fn reordered_lines_stay_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut first, mut second) = legacy(d);
    // Run from another directory: paths are keyed relative to the baseline's.
    std::fs::create_dir_all(d.join("elsewhere")).expect("mkdir");
    let written = run(
        &d.join("elsewhere"),
        &["--write-baseline", "../baseline.json", "../data"],
    );
    assert_eq!(
        written.code,
        Some(0),
        "{}{}",
        written.stdout,
        written.stderr
    );
    first.reverse();
    first.insert(
        0,
        chat("Is there a mobile app?", "Yes, for iOS and Android."),
    );
    second.reverse();
    write_lines(d, "data/train-00000-of-00002.jsonl", &first);
    write_lines(d, "data/train-00001-of-00002.jsonl", &second);
    let moved = run(d, &["data"]);
    assert_eq!(findings(&moved.stdout).len(), 4, "{}", moved.stdout);
    let accepted = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&accepted.stdout),
        Vec::<&str>::new(),
        "{}",
        accepted.stdout
    );
    assert_eq!(accepted.code, Some(0), "{}", accepted.stderr);
    assert!(
        !accepted.stderr.contains("no longer found"),
        "{}",
        accepted.stderr
    );
}

#[test]
fn a_fixed_example_leaves_a_stale_entry_and_rewriting_drops_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut first, _) = legacy(d);
    run(d, &["--write-baseline", "baseline.json", "data"]);
    assert_eq!(entries(&d.join("baseline.json")).len(), 4);
    // The placeholder is written out: its C007 entry matches nothing any more.
    first[2] = chat("Can I change my plan?", "Yes, under Account, Plan.");
    write_lines(d, "data/train-00000-of-00002.jsonl", &first);
    let fixed = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&fixed.stdout),
        Vec::<&str>::new(),
        "{}",
        fixed.stdout
    );
    assert_eq!(fixed.code, Some(0), "{}", fixed.stderr);
    assert!(
        fixed
            .stderr
            .contains("baseline baseline.json: 1 entry no longer found (fixed or deleted)"),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed
            .stderr
            .lines()
            .any(|l| l.starts_with("  data/train-00000-of-00002.jsonl C007 ")),
        "{}",
        fixed.stderr
    );
    let rewritten = refresh(d, &["data"]);
    assert_eq!(rewritten.code, Some(0), "{}", rewritten.stderr);
    let left = entries(&d.join("baseline.json"));
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.iter().all(|(_, rule, _)| rule != "C007"), "{left:?}");
    let again = run(d, &["--baseline", "baseline.json", "data"]);
    assert!(
        !again.stderr.contains("no longer found"),
        "{}",
        again.stderr
    );
    assert_eq!(
        findings(&again.stdout),
        Vec::<&str>::new(),
        "{}",
        again.stdout
    );
}

/// A baseline written before a large clean-up: every one of its 25 entries is stale. The
/// first 20 are listed on standard error and the rest counted, with where to see them all
/// (a baseline of 99,000 stale entries printed 6.4 MB of log).
#[test]
fn a_long_list_of_stale_entries_is_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(
        d,
        "data/train.jsonl",
        &[
            chat("Where are my invoices?", "Under Account, then Billing."),
            chat("Can I change my plan?", "Yes, under Account, then Plan."),
        ],
    );
    let entries: Vec<String> = (0..25)
        .map(|i| {
            format!(
                r#"{{"path":"data/train.jsonl","rule":"C007","fingerprint":"{i:016x}","count":1}}"#
            )
        })
        .collect();
    std::fs::write(
        d.join("baseline.json"),
        format!(
            "{{\"tunelint_baseline\": 1, \"findings\": [\n{}\n]}}\n",
            entries.join(",\n")
        ),
    )
    .expect("write");
    let stale = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(stale.code, Some(0), "{}", stale.stderr);
    assert!(
        stale
            .stderr
            .contains("baseline baseline.json: 25 entries no longer found (fixed or deleted)"),
        "{}",
        stale.stderr
    );
    let listed: Vec<&str> = stale
        .stderr
        .lines()
        .filter(|l| l.starts_with("  data/train.jsonl C007 "))
        .collect();
    assert_eq!(listed.len(), 20, "{}", stale.stderr);
    assert_eq!(listed[0], "  data/train.jsonl C007 0000000000000000");
    assert!(
        stale.stderr.lines().any(|l| l
            == "  and 5 more (the diff of baseline.json after --write-baseline baseline.json lists every one)"),
        "{}",
        stale.stderr
    );
}

#[test]
fn entries_about_files_and_rules_not_linted_are_neither_stale_nor_dropped() {
    // A pre-commit hook lints the staged files only; --select lints some rules only.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    let first = "data/train-00000-of-00002.jsonl";
    run(d, &["--write-baseline", "baseline.json", "data"]);
    let all = entries(&d.join("baseline.json"));
    assert!(all.iter().any(|(path, _, _)| path != first), "{all:?}");
    for args in [&[first][..], &["--select", "D", "data"]] {
        let mut with_baseline = vec!["--baseline", "baseline.json"];
        with_baseline.extend_from_slice(args);
        let partial = run(d, &with_baseline);
        assert_eq!(partial.code, Some(0), "{args:?}: {}", partial.stderr);
        assert!(
            !partial.stderr.contains("no longer found"),
            "{args:?}: {}",
            partial.stderr
        );
        // Refreshing the baseline from such a run keeps every entry.
        let mut refresh = with_baseline.clone();
        refresh.splice(2..2, ["--write-baseline", "baseline.json"]);
        let refreshed = run(d, &refresh);
        assert_eq!(refreshed.code, Some(0), "{args:?}: {}", refreshed.stderr);
        assert_eq!(entries(&d.join("baseline.json")), all, "{args:?}");
    }
    let whole = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(
        findings(&whole.stdout),
        Vec::<&str>::new(),
        "{}",
        whole.stdout
    );
}

/// A shard named alone (without --context dataset) is linted without the rest of its
/// dataset: a duplicate entry whose first copy is in a shard not read was not looked for,
/// so it is neither listed as "no longer found" nor dropped by a refresh, and the next run
/// over the whole dataset still passes.
#[test]
fn dataset_entries_about_a_shard_linted_alone_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    let second = "data/train-00001-of-00002.jsonl";
    run(d, &["--write-baseline", "baseline.json", "data"]);
    let all = entries(&d.join("baseline.json"));
    assert!(
        all.iter()
            .any(|(path, rule, _)| path == second && rule == "D001"),
        "{all:?}"
    );
    let alone = run(d, &["--baseline", "baseline.json", second]);
    assert_eq!(alone.code, Some(0), "{}{}", alone.stdout, alone.stderr);
    assert!(
        !alone.stderr.contains("no longer found")
            && alone.stdout.contains(", 0 entries no longer found"),
        "{}{}",
        alone.stdout,
        alone.stderr
    );
    let refreshed = refresh(d, &[second]);
    assert_eq!(refreshed.code, Some(0), "{}", refreshed.stderr);
    assert!(
        !refreshed.stderr.contains("no longer found"),
        "{}",
        refreshed.stderr
    );
    assert_eq!(entries(&d.join("baseline.json")), all);
    let whole = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(whole.code, Some(0), "{}{}", whole.stdout, whole.stderr);
    assert_eq!(
        findings(&whole.stdout),
        Vec::<&str>::new(),
        "{}",
        whole.stdout
    );
    // Read whole, the dataset's fixed duplicates are stale as before.
    write_lines(d, second, &[chat("Where are my invoces?", "Billing.")]);
    let fixed = run(d, &["--baseline", "baseline.json", "data"]);
    assert!(
        fixed
            .stderr
            .contains("data/train-00001-of-00002.jsonl D001"),
        "{}",
        fixed.stderr
    );
}

/// A baseline refreshed over one shard alone records the shard-alone view, which the whole
/// dataset may not match: tunelint warns. With `--context dataset` the refresh records the
/// whole dataset's findings on the shard (a copy whose first is in the other shard is that
/// shard's duplicate, not a near copy of a neighbour), so the next run over the whole
/// dataset, on unchanged data, still passes.
#[test]
fn a_baseline_refreshed_over_one_shard_matches_the_whole_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let record = |i: usize| {
        chat(
            &format!(
                "Question number {i}: how do tides work on planet {}?",
                i * 7
            ),
            &format!(
                "Tides number {i} come from the moon pulling oceans, distinct reply {}.",
                i * 13
            ),
        )
    };
    let second = "data/train-00001-of-00002.jsonl";
    write_lines(
        d,
        "data/train-00000-of-00002.jsonl",
        &[record(1), record(2), record(3)],
    );
    write_lines(d, second, &[record(4), record(1), record(5)]);
    let whole_first = run(d, &["--write-baseline", "baseline.json", "data"]);
    assert!(
        !whole_first.stderr.contains("--write-baseline"),
        "{}",
        whole_first.stderr
    );
    let alone = run(d, &["--write-baseline", "alone.json", second]);
    assert!(
        alone.stderr.contains(&format!(
            "tunelint: warning: --write-baseline alone.json: {second} is read without the rest of its dataset"
        )),
        "{}",
        alone.stderr
    );
    let refreshed = refresh(d, &["--context", "dataset", second]);
    assert_eq!(refreshed.code, Some(0), "{}", refreshed.stderr);
    assert!(
        !refreshed.stderr.contains("warning"),
        "{}",
        refreshed.stderr
    );
    let whole = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(whole.code, Some(0), "{}{}", whole.stdout, whole.stderr);
    assert!(
        !whole.stderr.contains("no longer found")
            && whole.stdout.contains(", 0 entries no longer found"),
        "{}{}",
        whole.stdout,
        whole.stderr
    );
}

/// A file that cannot be read this time (a checkout without its Git LFS content, a
/// truncated archive) was not searched: its entries are neither stale nor dropped when the
/// baseline is written again, and they accept its findings once it reads again.
#[test]
fn entries_about_a_file_that_could_not_be_read_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (first, _) = legacy(d);
    let shard = "data/train-00000-of-00002.jsonl";
    run(d, &["--write-baseline", "baseline.json", "data"]);
    let all = entries(&d.join("baseline.json"));
    assert!(all.iter().any(|(path, _, _)| path == shard), "{all:?}");
    std::fs::write(
        d.join(shard),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    )
    .expect("write the pointer");
    let pointer = run(d, &["--baseline", "baseline.json", "data"]);
    assert!(pointer.stdout.contains(" J006 "), "{}", pointer.stdout);
    assert!(
        !pointer.stderr.contains("no longer found")
            && pointer.stdout.contains(", 0 entries no longer found"),
        "{}{}",
        pointer.stdout,
        pointer.stderr
    );
    refresh(d, &["data"]);
    assert_eq!(entries(&d.join("baseline.json")), all);
    write_lines(d, shard, &first);
    let back = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(back.code, Some(0), "{}{}", back.stdout, back.stderr);
    assert_eq!(
        findings(&back.stdout),
        Vec::<&str>::new(),
        "{}",
        back.stdout
    );
}

/// A baseline written over the whole dataset accepts in the pre-commit hook the duplicates
/// the hook reports on the staged file (the same as the whole run's on it).
#[test]
fn a_pair_baselined_on_its_other_copy_is_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    let first = "data/train-00000-of-00002.jsonl";
    run(d, &["--write-baseline", "baseline.json", "data"]);
    let hook = [
        "--context",
        "dataset",
        "--baseline",
        "baseline.json",
        "--",
        first,
    ];
    let without = run(
        d,
        &hook[..2]
            .iter()
            .chain(&hook[4..])
            .copied()
            .collect::<Vec<_>>(),
    );
    assert!(
        without.stdout.contains(" D001 "),
        "the hook reports the pair on the staged file: {}",
        without.stdout
    );
    let staged = run(d, &hook);
    assert_eq!(
        findings(&staged.stdout),
        Vec::<&str>::new(),
        "{}",
        staged.stdout
    );
    assert_eq!(staged.code, Some(0), "{}{}", staged.stdout, staged.stderr);
}

#[test]
fn copies_of_one_example_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let same = chat("How do I reset my password?", "Use Forgot password.");
    write_lines(
        d,
        "train.jsonl",
        &[same.clone(), same.clone(), same.clone()],
    );
    run(d, &["--write-baseline", "baseline.json", "train.jsonl"]);
    assert_eq!(
        entries(&d.join("baseline.json")),
        [("train.jsonl".into(), "D001".into(), 2)]
    );
    // A fourth copy is one more than the baseline accepts.
    write_lines(
        d,
        "train.jsonl",
        &[same.clone(), same.clone(), same.clone(), same],
    );
    let more = run(d, &["--baseline", "baseline.json", "train.jsonl"]);
    assert_eq!(findings(&more.stdout).len(), 1, "{}", more.stdout);
    assert_eq!(more.code, Some(1), "{}", more.stdout);
}

#[test]
fn bad_baselines_are_errors_and_inputs_are_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    let missing = run(d, &["--baseline", "nope.json", "data"]);
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("cannot read the baseline nope.json"),
        "{}",
        missing.stderr
    );
    // `-` is no baseline (standard input is for data), even when a file of that name exists.
    std::fs::write(d.join("-"), "{\"tunelint_baseline\": 1, \"findings\": []}").expect("write");
    let dash = run(d, &["--baseline", "-", "data"]);
    assert_eq!(dash.code, Some(2), "{}", dash.stderr);
    assert!(
        dash.stderr
            .contains("--baseline names the baseline's file; `-` is not read as one"),
        "{}",
        dash.stderr
    );
    for (text, says) in [
        ("{\"findings\": []}", "missing field `tunelint_baseline`"),
        (
            "{\"tunelint_baseline\": 2, \"findings\": []}",
            "format version 2 is not 1",
        ),
        (
            "{\"tunelint_baseline\": 1, \"findings\": [{\"path\": \"a\", \"rule\": \"D001\", \"fingerprint\": \"xyz\"}]}",
            "fingerprint \"xyz\" is not 16 hexadecimal digits",
        ),
        (
            "{\"tunelint_baseline\": 1, \"findings\": [{\"path\": \"a\", \"rule\": \"D001\", \"fingerprint\": \"+42792a47601c524\"}]}",
            "fingerprint \"+42792a47601c524\" is not 16 hexadecimal digits",
        ),
        (
            "{\"tunelint_baseline\": 1, \"findings\": [{\"path\": \"a\", \"rule\": \"D001\", \"fingerprint\": \"042792a47601c524\", \"count\": 4294967295}, {\"path\": \"a\", \"rule\": \"D001\", \"fingerprint\": \"042792a47601c524\", \"count\": 1}]}",
            "the counts of D001 \"042792a47601c524\" add up to more than 4294967295",
        ),
        (
            "{\"tunelint_baseline\": 1, \"findings\": [], \"extra\": 1}",
            "unknown field `extra`",
        ),
    ] {
        std::fs::write(d.join("bad.json"), text).expect("write");
        let bad = run(d, &["--baseline", "bad.json", "data"]);
        assert_eq!(bad.code, Some(2), "{text}: {}", bad.stderr);
        assert!(
            bad.stderr.contains("bad.json is not a tunelint baseline: ")
                && bad.stderr.contains(says),
            "{text}: {}",
            bad.stderr
        );
    }
    // A byte-order mark, as PowerShell and Notepad save UTF-8, is read past.
    std::fs::write(
        d.join("bom.json"),
        "\u{feff}{\"tunelint_baseline\": 1, \"findings\": []}",
    )
    .expect("write");
    let bom = run(d, &["--baseline", "bom.json", "data"]);
    assert!(!bom.stderr.contains("bom.json"), "{}", bom.stderr);
    assert_ne!(bom.code, Some(2), "{}", bom.stderr);
    // The data file named as the baseline too: a slip, told as one (not "no dataset files").
    let data = "data/train-00000-of-00002.jsonl";
    let both = run(d, &["--baseline", data, data]);
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    assert!(
        both.stderr.contains(&format!(
            "{data} is named both as data to lint and as the --baseline file"
        )),
        "{}",
        both.stderr
    );
    let input = d.join("data/train-00000-of-00002.jsonl");
    let before = std::fs::read(&input).expect("read");
    let over = run(
        d,
        &[
            "--write-baseline",
            "data/train-00000-of-00002.jsonl",
            "data",
        ],
    );
    assert_eq!(over.code, Some(2), "{}", over.stderr);
    assert!(
        over.stderr.contains("tunelint never writes over its input"),
        "{}",
        over.stderr
    );
    assert_eq!(std::fs::read(&input).expect("read"), before);
    let twice = run(
        d,
        &[
            "--output-file",
            "out.txt",
            "--write-baseline",
            "./out.txt",
            "data",
        ],
    );
    assert_eq!(twice.code, Some(2), "{}", twice.stderr);
    assert!(
        twice.stderr.contains("give each output its own path"),
        "{}",
        twice.stderr
    );
}

#[test]
fn an_entry_naming_no_rule_code_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    for (rule, hint) in [("unknown-role", " (did you mean \"S005\"?)"), ("Z999", "")] {
        std::fs::write(
            d.join("b.json"),
            format!(
                r#"{{"tunelint_baseline": 1, "findings": [{{"path": "data/x.jsonl", "rule": "{rule}", "fingerprint": "30a558623eff4914"}}]}}"#
            ),
        )
        .expect("written");
        let r = run(d, &["--baseline", "b.json", "data"]);
        assert_eq!(r.code, Some(2), "{rule}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "b.json is not a tunelint baseline: rule \"{rule}\" is not a rule's code{hint}"
            )),
            "{rule}: {}",
            r.stderr
        );
    }
}

#[test]
fn every_summary_says_what_the_baseline_did() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (mut first, _) = legacy(d);
    run(d, &["--write-baseline", "baseline.json", "data"]);
    let json = |d: &Path| {
        let out = run_as(d, "json", &["--baseline", "baseline.json", "data"]);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        doc["summary"]["baseline"].clone()
    };
    assert_eq!(json(d), serde_json::json!({"suppressed": 4, "stale": 0}));
    // The placeholder fixed: its entry is stale, three findings are still held back.
    first[2] = chat("Can I change my plan?", "Yes, under Settings, then Plan.");
    write_lines(d, "data/train-00000-of-00002.jsonl", &first);
    assert_eq!(json(d), serde_json::json!({"suppressed": 3, "stale": 1}));
    let line =
        "baseline: 3 findings not reported (recorded in the baseline), 1 entry no longer found";
    let full = run_as(d, "full", &["--baseline", "baseline.json", "data"]);
    assert!(full.stdout.contains(line), "{}", full.stdout);
    let markdown = run_as(d, "markdown", &["--baseline", "baseline.json", "data"]);
    assert!(
        markdown.stdout.contains(&format!("B{}", &line[1..])),
        "{}",
        markdown.stdout
    );
    // Without a baseline, nothing is said about one.
    let plain = run_as(d, "json", &["data"]);
    let doc: serde_json::Value = serde_json::from_str(&plain.stdout).expect("json");
    assert!(doc["summary"].get("baseline").is_none(), "{}", plain.stdout);
}

#[test]
fn an_example_invalid_only_for_baselined_errors_counts_as_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bot = |q: &str| {
        serde_json::json!({"messages": [{"role": "user", "content": q}, {"role": "bot", "content": "Under Billing."}]}).to_string()
    };
    let mut lines = vec![
        chat("How do I reset my password?", "Use Forgot password."),
        bot("Where are my invoices?"),
        chat("Can I change my plan?", "Yes, under Plans."),
    ];
    write_lines(d, "data/train.jsonl", &lines);
    let before = run(d, &["data"]);
    assert_eq!(before.code, Some(1), "{}", before.stdout);
    assert!(before.stdout.contains("66.6% valid"), "{}", before.stdout);

    run(d, &["--write-baseline", "baseline.json", "data"]);
    let summary = |d: &Path| {
        let out = run_as(d, "json", &["--baseline", "baseline.json", "data"]);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        (out.code, doc["summary"].clone())
    };
    // The S005 is baselined: the example is valid, the gate passes.
    let (code, s) = summary(d);
    assert_eq!(code, Some(0), "{s}");
    assert_eq!(
        (s["examples"].as_u64(), s["valid"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(s["valid_pct"].as_f64(), Some(100.0));

    // A new error is counted: 3 of 4 valid, the gate fails.
    lines.push(bot("Do you ship abroad?"));
    write_lines(d, "data/train.jsonl", &lines);
    let (code, s) = summary(d);
    assert_eq!(code, Some(1), "{s}");
    assert_eq!(
        (s["examples"].as_u64(), s["valid"].as_u64()),
        (Some(4), Some(3))
    );
    let new = run(d, &["--baseline", "baseline.json", "data"]);
    assert_eq!(findings(&new.stdout).len(), 1, "{}", new.stdout);
    assert!(
        findings(&new.stdout)[0].starts_with("data/train.jsonl:4:"),
        "{}",
        new.stdout
    );
}

/// A line that is not UTF-8 (J004) is an example that could not be read: baselined, it
/// counts as valid as any other example whose errors the baseline accepts, and it stays
/// accepted when lines move above it. It had no fingerprint, so its example stayed invalid
/// with no finding shown, and the valid-examples gate failed on "0 errors".
#[test]
fn a_baselined_line_that_is_not_utf8_counts_as_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let good = chat("Where are my invoices?", "Under Billing.");
    let mut bytes =
        b"{\"messages\":[{\"role\":\"user\",\"content\":\"bad \xff bytes\"}]}\n".to_vec();
    bytes.extend_from_slice(format!("{good}\n").as_bytes());
    std::fs::create_dir(d.join("data")).expect("mkdir");
    std::fs::write(d.join("data/train.jsonl"), &bytes).expect("write");
    let before = run(d, &["data"]);
    assert_eq!(before.code, Some(1), "{}", before.stdout);
    run(d, &["--write-baseline", "baseline.json", "data"]);
    assert_eq!(
        entries(&d.join("baseline.json")),
        [("data/train.jsonl".into(), "J004".into(), 1)]
    );
    // A line added above it: the J004 is still the baselined one.
    let mut moved =
        format!("{}\n", chat("Can I change my plan?", "Yes, under Plans.")).into_bytes();
    moved.extend_from_slice(&bytes);
    std::fs::write(d.join("data/train.jsonl"), &moved).expect("write");
    let out = run_as(d, "json", &["--baseline", "baseline.json", "data"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0));
    let s = &doc["summary"];
    assert_eq!(
        (s["examples"].as_u64(), s["valid"].as_u64()),
        (Some(3), Some(3)),
        "{s}"
    );

    // A baseline written by an earlier build recorded it with fingerprint 0: still accepted,
    // and not listed as gone.
    std::fs::write(
        d.join("old.json"),
        r#"{"tunelint_baseline": 1, "findings": [{"path": "data/train.jsonl", "rule": "J004", "fingerprint": "0000000000000000", "count": 1}]}"#,
    )
    .expect("write");
    let out = run_as(d, "json", &["--baseline", "old.json", "data"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0));
    assert!(
        out.stderr.contains("1 finding not reported") && !out.stderr.contains("no longer"),
        "{}",
        out.stderr
    );
}

/// A baseline kept in the data folder, where the walk (with `include` naming `.json` files,
/// or as a `.jsonl`) finds it, is the run's own file, not data: it was linted (J007, a failed
/// file-level gate) and the documented refresh (`--baseline F --write-baseline F`) was
/// refused as writing over an input.
#[test]
fn a_baseline_in_the_data_folder_is_not_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    legacy(d);
    std::fs::write(d.join("tunelint.toml"), "include = [\"data/*.json\"]\n").expect("write");
    let config = d.join("tunelint.toml");
    let config = config.to_str().expect("utf-8");
    for name in ["data/baseline.json", "data/baseline.jsonl"] {
        let args = |extra: &[&str]| -> Vec<String> {
            ["--config", config, "--format", "concise", "data"]
                .iter()
                .chain(extra)
                .map(|s| s.to_string())
                .collect()
        };
        let written = scratch::run_raw(
            d,
            &args(&["--write-baseline", name])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            written.code,
            Some(0),
            "{name}: {}{}",
            written.stdout,
            written.stderr
        );
        let read = scratch::run_raw(
            d,
            &args(&["--baseline", name])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(read.code, Some(0), "{name}: {}{}", read.stdout, read.stderr);
        assert!(findings(&read.stdout).is_empty(), "{name}: {}", read.stdout);
        let refreshed = scratch::run_raw(
            d,
            &args(&["--baseline", name, "--write-baseline", name])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            refreshed.code,
            Some(0),
            "{name}: {}{}",
            refreshed.stdout,
            refreshed.stderr
        );
        std::fs::remove_file(d.join(name)).expect("remove");
    }
}

/// A file-level error (a byte-order mark; too few examples for the target) is neither
/// recorded nor accepted: the file cannot be uploaded as it is, and the file-level gate
/// fails on every run, with or without the baseline (PRODUCT §5: they always fail).
#[test]
fn file_level_errors_are_never_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let record = chat(
        "What is the capital of France?",
        "The capital of France is Paris.",
    );
    std::fs::write(d.join("bom.jsonl"), format!("\u{feff}{record}\n")).expect("write");
    write_lines(d, "few.jsonl", std::slice::from_ref(&record));
    for (file, extra, code) in [
        ("bom.jsonl", &[][..], "J005"),
        ("few.jsonl", &["--target", "openai"][..], "B001"),
    ] {
        let args = |more: &[&'static str]| -> Vec<&str> {
            [file].iter().chain(extra).chain(more).copied().collect()
        };
        let written = run(d, &args(&["--write-baseline", "b.json"]));
        assert_eq!(
            written.code,
            Some(1),
            "{file}: {}{}",
            written.stdout,
            written.stderr
        );
        assert!(written.stdout.contains(code), "{file}: {}", written.stdout);
        assert!(
            entries(&d.join("b.json"))
                .iter()
                .all(|(_, rule, _)| rule != code),
            "{file}: {code} is not recorded"
        );
        let read = run(d, &args(&["--baseline", "b.json"]));
        assert_eq!(read.code, Some(1), "{file}: {}{}", read.stdout, read.stderr);
        assert!(
            findings(&read.stdout).iter().any(|l| l.contains(code)),
            "{file}: {}",
            read.stdout
        );
        assert!(
            read.stdout.contains("gate failed: file-level errors"),
            "{file}: {}",
            read.stdout
        );
    }
}
