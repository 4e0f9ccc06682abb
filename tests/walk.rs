//! Which files a run reads and the names it gives them, through the binary: symbolic links
//! to files and folders met in a walk, paths that climb out of a linked folder with `..`,
//! a registry's `..` paths, and hidden data. Every output names the file that was read, by
//! one spelling, and nothing a walk leaves out goes without a word.
#![cfg(unix)]

use serde_json::Value;
use std::os::unix::fs::symlink;

#[path = "support/scratch.rs"]
mod scratch;

use scratch::{Run, chat, findings, run, run_as, run_raw, write_lines};

/// One error, at column 72: the role "bot" (S005); `i` makes each its own example.
fn bad(i: usize) -> String {
    format!(
        r#"{{"messages":[{{"role":"user","content":"Hello there friend {i:02}"}},{{"role":"bot","content":"hi there, how are you doing"}}]}}"#
    )
}

/// The `PATH:LINE:COL: CODE` heads of a concise report's findings.
fn heads(run: &Run) -> Vec<String> {
    findings(&run.stdout)
        .iter()
        .filter_map(|l| {
            let (at, message) = l.split_once(": ")?;
            Some(format!("{at}: {}", message.split(' ').next()?))
        })
        .collect()
}

fn good(i: usize) -> String {
    chat(
        &format!("How do I reset my password, question {i}?"),
        "Click Forgot password on the sign-in page.",
    )
}

/// The `artifactLocation.uri` of every result of a SARIF run, sorted and deduplicated.
fn sarif_uris(run: &Run) -> Vec<String> {
    let log: Value = serde_json::from_str(&run.stdout).expect("a SARIF log");
    let mut uris: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("a uri")
                .to_string()
        })
        .collect();
    uris.sort();
    uris.dedup();
    uris
}

/// The `file=` of every GitHub workflow command.
fn github_files(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter_map(|l| l.split("file=").nth(1)?.split(',').next())
        .collect()
}

/// The paths of the files a json report lists, and its count of examples.
fn json_files(run: &Run) -> (Vec<String>, u64) {
    let doc: Value = serde_json::from_str(&run.stdout).expect("a json report");
    let files = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("a path").to_string())
        .collect();
    (
        files,
        doc["summary"]["examples"].as_u64().expect("examples"),
    )
}

/// A link to a data file that a walk also meets by its real path (`latest.jsonl`) is that
/// file: linted once, under the real path (git stores the link as a link, where code
/// scanning can place no alert). A link whose target the walk does not meet (data kept
/// outside the repository, as git-annex and DVC keep it) is linted under its own name: it
/// is the only one the repository has.
#[test]
fn a_link_to_a_data_file_is_linted_once_by_its_real_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("repo");
    write_lines(&d, "data/real/train.jsonl", &[good(0), bad(0)]);
    symlink("data/real/train.jsonl", d.join("latest.jsonl")).expect("symlink");
    let json = run_as(&d, "json", &["."]);
    assert_eq!(json.code, Some(1), "{}{}", json.stdout, json.stderr);
    assert_eq!(
        json_files(&json),
        (vec!["data/real/train.jsonl".to_string()], 2)
    );
    let sarif = run_as(&d, "sarif", &["."]);
    assert_eq!(sarif_uris(&sarif), ["data/real/train.jsonl"]);
    // Its target outside the folder walked: read through the link, by the link's name.
    write_lines(dir.path(), "store/other.jsonl", &[bad(1)]);
    symlink("../../store/other.jsonl", d.join("data/other.jsonl")).expect("symlink");
    let concise = run(&d, &["data"]);
    assert_eq!(
        heads(&concise),
        [
            "data/other.jsonl:1:72: S005",
            "data/real/train.jsonl:2:72: S005",
        ],
        "{}",
        concise.stdout
    );
    assert!(concise.stdout.contains("of 2 files"), "{}", concise.stdout);
}

/// `link/../x.jsonl`, where `link` leads to `real/deep`, is `real/x.jsonl` to the system:
/// that is the file read, and every output names it, not the `x.jsonl` that folding `..`
/// away by its letters gives (another file, clean here).
#[test]
fn a_path_climbing_out_of_a_linked_folder_names_the_file_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, "real/x.jsonl", &[bad(0)]);
    std::fs::create_dir(d.join("real/deep")).expect("mkdir");
    write_lines(d, "x.jsonl", &[good(0)]);
    symlink("real/deep", d.join("link")).expect("symlink");
    let concise = run(d, &["link/../x.jsonl"]);
    assert_eq!(
        concise.code,
        Some(1),
        "{}{}",
        concise.stdout,
        concise.stderr
    );
    assert_eq!(heads(&concise), ["real/x.jsonl:1:72: S005"]);
    assert_eq!(
        sarif_uris(&run_as(d, "sarif", &["link/../x.jsonl"])),
        ["real/x.jsonl"]
    );
    let github = run_as(d, "github", &["link/../x.jsonl"]);
    assert_eq!(github_files(&github), ["real/x.jsonl"], "{}", github.stdout);
    // Named beside the clean `x.jsonl`: two files, the finding on the one that has it.
    let both = run_as(d, "sarif", &["link/../x.jsonl", "x.jsonl"]);
    assert_eq!(sarif_uris(&both), ["real/x.jsonl"]);
    let both = run(d, &["x.jsonl", "link/../x.jsonl"]);
    assert!(
        both.stdout.contains("in 2 examples of 2 files"),
        "{}",
        both.stdout
    );
}

/// A file reached through its real folder and through a linked one is linted once, and
/// named by the path that goes through no link, whichever is named first.
#[test]
fn a_file_reached_through_a_linked_folder_is_named_by_its_real_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, "data/real/train.jsonl", &[bad(0)]);
    symlink("data/real", d.join("zz")).expect("symlink");
    for paths in [["data/real", "zz"], ["zz", "data/real"]] {
        let sarif = run_as(d, "sarif", &paths);
        assert_eq!(sarif_uris(&sarif), ["data/real/train.jsonl"], "{paths:?}");
        let concise = run(d, &paths);
        assert_eq!(
            heads(&concise),
            ["data/real/train.jsonl:1:72: S005"],
            "{paths:?}"
        );
    }
    // Named alone, the linked folder is the only name there is.
    let alone = run(d, &["zz"]);
    assert!(
        heads(&alone) == ["zz/train.jsonl:1:72: S005"],
        "{}",
        alone.stdout
    );
}

/// A `dataset_info.json` entry `"../other/x.json"` is one file with one name in every
/// output: `other/x.json` from the root, `../other/x.json` from inside `data`.
#[test]
fn a_registry_path_climbing_out_of_its_folder_is_spelt_one_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(
        d,
        "other/x.json",
        &[
            r#"[{"instruction":"Describe how to make crepes at home.","input":"","output":""}]"#
                .to_string(),
        ],
    );
    write_lines(
        d,
        "data/dataset_info.json",
        &[r#"{"demo":{"file_name":"../other/x.json"}}"#.to_string()],
    );
    let concise = run(d, &["."]);
    assert_eq!(
        heads(&concise),
        ["other/x.json:1:76: C003"],
        "{}",
        concise.stdout
    );
    let (files, _) = json_files(&run_as(d, "json", &["."]));
    assert_eq!(files, ["other/x.json"]);
    assert_eq!(sarif_uris(&run_as(d, "sarif", &["."])), ["other/x.json"]);
    let github = run_as(d, "github", &["."]);
    assert_eq!(github_files(&github), ["other/x.json"], "{}", github.stdout);
    let inside = run(&d.join("data"), &["."]);
    assert!(
        heads(&inside) == ["../other/x.json:1:76: C003"],
        "{}",
        inside.stdout
    );
}

/// A folder named on the command line with `..` after a linked folder is walked where the
/// system finds it, and its files named from there.
#[test]
fn a_folder_named_through_a_link_and_dot_dot_names_its_files_as_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, "real/sub/x.jsonl", &[bad(0)]);
    std::fs::create_dir_all(d.join("real/deep")).expect("mkdir");
    write_lines(d, "sub/x.jsonl", &[good(0)]);
    symlink("real/deep", d.join("link")).expect("symlink");
    let concise = run(d, &["link/../sub"]);
    assert_eq!(
        heads(&concise),
        ["real/sub/x.jsonl:1:72: S005"],
        "{}",
        concise.stdout
    );
}

/// A walk does not follow a symbolic link to a folder (it may lead out of the repository, to
/// a store of data or into a loop; ripgrep and ruff do not follow one either), but one that
/// holds data not linted otherwise is named: in a note when other files are linted, in the
/// error when nothing is. A link to a folder the walk reads anyway is no loss, and no note.
#[test]
fn a_linked_data_folder_a_walk_skips_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("repo");
    write_lines(dir.path(), "store/train.jsonl", &[bad(0)]);
    std::fs::create_dir_all(&d).expect("mkdir");
    symlink("../store", d.join("data")).expect("symlink");
    let note = "data is a symbolic link to a folder of data files, which a walk does not follow (name it to lint it: `tunelint data`)";
    let alone = run(&d, &["."]);
    assert_eq!(alone.code, Some(2), "{}{}", alone.stdout, alone.stderr);
    assert!(
        alone
            .stderr
            .contains(&format!("error: no dataset files to lint in .: {note}")),
        "{}",
        alone.stderr
    );
    let stats = run_raw(&d, &["stats", "--isolated", "--format", "json", "."]);
    assert!(
        stats
            .stderr
            .contains("name it to lint it: `tunelint stats data`"),
        "{}",
        stats.stderr
    );
    write_lines(&d, "readme_example.jsonl", &[good(0)]);
    let beside = run(&d, &["."]);
    assert_eq!(beside.code, Some(0), "{}{}", beside.stdout, beside.stderr);
    assert!(
        beside
            .stderr
            .contains(&format!("tunelint: note: not linted: {note}")),
        "{}",
        beside.stderr
    );
    // Named, it is linted.
    let named = run(&d, &["data"]);
    assert_eq!(heads(&named), ["data/train.jsonl:1:72: S005"]);
    // A link to a folder the walk reads itself: nothing skipped, nothing said.
    std::fs::remove_file(d.join("data")).expect("rm");
    write_lines(&d, "real/train.jsonl", &[good(1)]);
    symlink("real", d.join("latest")).expect("symlink");
    let inside = run(&d, &["."]);
    assert_eq!(inside.code, Some(0), "{}{}", inside.stdout, inside.stderr);
    assert!(!inside.stderr.contains("note"), "{}", inside.stderr);
    assert!(inside.stdout.contains("of 2 files"), "{}", inside.stdout);
}

/// Hidden data (`.data/train.jsonl`, `.train.jsonl`) is skipped by a walk, as ripgrep skips
/// it; when that leaves nothing, the error says so and what to name, as it does for data an
/// ignore file keeps out. Each reason is given when there are several.
#[test]
fn hidden_data_a_walk_skips_is_named_when_nothing_is_left() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_lines(d, ".data/train.jsonl", &[good(0)]);
    write_lines(d, ".data/test.jsonl", &[good(1)]);
    let hidden = run(d, &["."]);
    assert_eq!(hidden.code, Some(2), "{}", hidden.stderr);
    assert!(
        hidden.stderr.contains(
            "no dataset files to lint in .: the 2 data files there are all hidden (a walk skips \
             files and folders whose names start with a dot; name it to read it all the same: \
             `tunelint .data`)"
        ),
        "{}",
        hidden.stderr
    );
    let named = run(d, &[".data"]);
    assert!(
        named.stdout.contains("in 2 examples of 2 files"),
        "{}",
        named.stdout
    );
    // A hidden file in a folder, and data an ignore file keeps out.
    write_lines(d, "sub/.train.jsonl", &[good(2)]);
    write_lines(d, "dvc/train.jsonl", &[good(3)]);
    write_lines(d, ".gitignore", &["/dvc/".to_string()]);
    let both = run(d, &["."]);
    assert!(
        both.stderr.contains(
            "no dataset files to lint in .: 1 data file is ignored by a .gitignore or .ignore \
             file (name it to read it all the same: `tunelint dvc/train.jsonl`; or walk without \
             ignore files: --no-respect-gitignore); 3 data files are hidden (a walk skips files \
             and folders whose names start with a dot; name one to read it all the same: \
             `tunelint .data`)"
        ),
        "{}",
        both.stderr
    );
    // Git's own folder is not data.
    write_lines(d, ".git/annex/objects/x.jsonl", &[good(4)]);
    let git = run(d, &["sub"]);
    assert!(
        git.stderr
            .contains("hidden (a walk skips files and folders whose names start with a dot; name it to read it all the same: `tunelint sub/.train.jsonl`)"),
        "{}",
        git.stderr
    );
}
