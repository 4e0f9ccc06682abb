//! The command line as a user meets it: the real binary, run in a temporary directory (so no
//! configuration of this repository is discovered), asserting exit status, stdout and stderr.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;
use tunelint::rules::RULES;

/// A clean two-turn example.
const GOOD: &str = r#"{"messages":[{"role":"user","content":"Hello there, how are you today?"},{"role":"assistant","content":"I am fine, thank you for asking."}]}"#;
/// An example with one error: the role "bot" (S005) at column 22.
const BAD_ROLE: &str = r#"{"messages":[{"role":"bot","content":"Hello there, how are you today?"},{"role":"assistant","content":"I am fine, thank you for asking."}]}"#;
/// A clean example whose answer is too short (C001, a warning).
const SHORT: &str = r#"{"messages":[{"role":"user","content":"Hello there, how are you today?"},{"role":"assistant","content":"Fine."}]}"#;

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    cmd
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write file");
}

/// The user question of the fixture lines, and same-length replacements: each line of a
/// file gets its own question, so files made of repeated fixture lines are not duplicates
/// (D001/D002 have their own tests) while every column stays where the tests expect it.
const QUESTION: &str = "Hello there, how are you today?";
const QUESTIONS: [&str; 12] = [
    "Which cards do you take online?",
    "Is shipping free to Norway too?",
    "My parcel arrived damaged, help",
    "Can I pause my plan for a month",
    "Do you sell gift vouchers here?",
    "Why was I billed twice in March",
    "When does the support desk open",
    "Could you explain API rate caps",
    "Where is the invoice PDF stored",
    "Does your app work offline too?",
    "How many seats can a team add??",
    "Is my data stored inside the EU",
];

/// `GOOD` with the `i`-th question (0: the original).
fn good(i: usize) -> String {
    match i {
        0 => GOOD.to_string(),
        i => GOOD.replace(QUESTION, QUESTIONS[(i - 1) % QUESTIONS.len()]),
    }
}

fn lines(parts: &[&str]) -> String {
    parts
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let line = match i {
                0 => l.to_string(),
                i => l.replace(QUESTION, QUESTIONS[(i - 1) % QUESTIONS.len()]),
            };
            format!("{line}\n")
        })
        .collect()
}

fn tempdir() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn stdout_of(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run tunelint");
    let code = out.status.code().expect("exited normally, not by a signal");
    (
        code,
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// The `PATH:LINE:COL: CODE` heads of the concise diagnostics in `stdout`.
fn heads(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let code = rest.split(' ').next()?;
            let is_code = code.len() == 4
                && code.as_bytes()[0].is_ascii_uppercase()
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            (is_code && loc.matches(':').count() == 2).then(|| format!("{loc}: {code}"))
        })
        .collect()
}

/// stderr of a failed run: one line (plus an optional snippet), never a panic or backtrace.
fn assert_clean_error(stderr: &str) {
    assert!(stderr.starts_with("tunelint: error: "), "stderr: {stderr}");
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "Error {",
        "Os {",
    ] {
        assert!(!stderr.contains(bad), "stderr has {bad:?}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// Exit status and gates

#[test]
fn clean_file_exits_0() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD, GOOD]));
    tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .assert()
        .code(0)
        .stdout("0 errors, 0 warnings, 0 info in 2 examples of 1 file; 100.0% valid\n")
        .stderr("");
}

#[test]
fn default_valid_gate_is_100_percent_and_fails_with_1() {
    let dir = tempdir();
    write(
        dir.path(),
        "train.jsonl",
        &lines(&[GOOD, BAD_ROLE, GOOD, GOOD]),
    );
    tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("train.jsonl:2:22: S005 unknown role \"bot\""))
        .stdout(predicate::str::contains(
            "gate failed: valid examples 75.0% (3 of 4), required at least 100% (gates.min_valid_pct)",
        ));
}

#[test]
fn min_valid_pct_flag_lowers_the_gate() {
    let dir = tempdir();
    write(
        dir.path(),
        "train.jsonl",
        &lines(&[GOOD, BAD_ROLE, GOOD, GOOD]),
    );
    tunelint(dir.path())
        .args([
            "--format",
            "concise",
            "--min-valid-pct",
            "50",
            "train.jsonl",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("train.jsonl:2:22: S005"))
        .stdout(predicate::str::contains("gate failed").not());
    // 75% is below 80: still a failure.
    tunelint(dir.path())
        .args([
            "--format",
            "concise",
            "--min-valid-pct",
            "80",
            "train.jsonl",
        ])
        .assert()
        .code(1);
}

#[test]
fn min_valid_pct_out_of_range_is_a_usage_error() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["--min-valid-pct", "150", "train.jsonl"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_clean_error(&stderr);
    assert!(stderr.contains("150"), "{stderr}");
}

#[test]
fn exit_zero_turns_a_failed_gate_into_0() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[BAD_ROLE]));
    tunelint(dir.path())
        .args(["--format", "concise", "--exit-zero", "train.jsonl"])
        .assert()
        .code(0)
        // The failure is still reported; only the status changes.
        .stdout(predicate::str::contains("train.jsonl:1:22: S005"))
        .stdout(predicate::str::contains(
            "gate failed: valid examples 0.0% (0 of 1)",
        ));
}

#[test]
fn max_warnings_gate() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD, SHORT]));
    // Warnings alone do not fail the default gates.
    tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("train.jsonl:2:"))
        .stdout(predicate::str::contains("C001"));
    tunelint(dir.path())
        .args(["--format", "concise", "--max-warnings", "0", "train.jsonl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "gate failed: warnings 1, required at most 0 (gates.max_warnings)",
        ));
    tunelint(dir.path())
        .args(["--format", "concise", "--max-warnings", "1", "train.jsonl"])
        .assert()
        .code(0);
}

// ---------------------------------------------------------------------------------------
// Exit status 2: something kept tunelint from linting

#[test]
fn missing_path_exits_2_with_one_line_naming_it() {
    let dir = tempdir();
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["data/nope.jsonl"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_clean_error(&stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("data/nope.jsonl"), "{stderr}");
}

/// `-` as an output path is standard output (no file named `-` is made), which one output at
/// most may take; `dedupe -o -` writes the data there and what it did to standard error.
#[test]
fn a_dash_output_is_standard_output() {
    let dir = tempdir();
    // The same example twice: dedupe keeps one.
    let data = format!("{GOOD}\n{GOOD}\n");
    write(dir.path(), "t.jsonl", &data);
    // The SARIF on standard output, the report in a file.
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "-o",
        "report.txt",
        "--sarif-file",
        "-",
        "t.jsonl",
    ]));
    assert!(code < 2, "{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).expect("SARIF on stdout");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(dir.path().join("report.txt").exists());
    // Two outputs on standard output would interleave.
    for args in [
        &["--sarif-file", "-", "t.jsonl"][..],
        &["-o", "-", "--json-file", "-", "t.jsonl"],
        &[
            "-o",
            "r.txt",
            "--json-file",
            "-",
            "--sarif-file",
            "-",
            "t.jsonl",
        ],
    ] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("--isolated").args(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains("standard output"), "{stderr}");
    }
    // dedupe: the kept lines on stdout, the count on stderr.
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["dedupe", "--isolated", "t.jsonl", "-o", "-"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{GOOD}\n"));
    assert!(
        stderr.starts_with("Reduced from 2 to 1 example"),
        "{stderr}"
    );
    assert!(!dir.path().join("-").exists());
    assert_eq!(
        fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        data
    );
    // A reader that stops early is no error on `-`, as on standard output itself.
    write(
        dir.path(),
        "many.jsonl",
        &format!("{SHORT}\n").repeat(5_000),
    );
    for args in [
        &["-o", "-", "many.jsonl"][..],
        &["-o", "r.txt", "--sarif-file", "-", "many.jsonl"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
            .current_dir(dir.path())
            .args(args)
            .arg("--isolated")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("broken pipe"), "{args:?}: {stderr}");
    }
}

/// A full disk is one clear line, the reason said once, for `check -o` and `dedupe -o`.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_said_once() {
    let dir = tempdir();
    write(dir.path(), "t.jsonl", &format!("{GOOD}\n{GOOD}\n"));
    for args in [
        &["--isolated", "-o", "/dev/full", "t.jsonl"][..],
        &["dedupe", "--isolated", "t.jsonl", "-o", "/dev/full"],
    ] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_eq!(
            stderr.matches("no space left on device").count(),
            1,
            "{stderr}"
        );
    }
    // Standard output on a full disk says which output failed.
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .current_dir(dir.path())
        .args(["--isolated", "t.jsonl"])
        .stdout(full)
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output: no space left on device"),
        "{stderr}"
    );
}

/// tunelint, to run in `dir` with a file-size limit of `kib` KiB (SIGXFSZ ignored, so a
/// write past it fails with "file too large" part way, as on a full disk): the shell's
/// `ulimit -f`, which any user may lower. The caller adds the arguments.
#[cfg(unix)]
fn with_file_size_limit(dir: &Path, kib: u32) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    cmd.current_dir(dir)
        .args([
            "-c",
            &format!("trap '' XFSZ; ulimit -f {kib} && exec \"$0\" \"$@\""),
        ])
        .arg(assert_cmd::cargo::cargo_bin("tunelint"));
    cmd
}

/// Exit status and stderr of `cmd`.
#[cfg(unix)]
fn status_and_stderr(cmd: &mut std::process::Command) -> (i32, String) {
    let out = cmd.output().expect("run tunelint under sh");
    let code = out.status.code().expect("exited normally, not by a signal");
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `init` writes tunelint.toml through a temporary file renamed into place: a write that
/// fails part way (a full disk) keeps the user's configuration whole with `--force`, and
/// leaves no half starter without it (which would still parse, and would block a retry).
#[cfg(unix)]
#[test]
fn init_that_fails_part_way_keeps_the_old_configuration() {
    let dir = tempdir();
    let mine = "# my tuned configuration\n[gates]\nmin_valid_pct = 95\n";
    write(dir.path(), "tunelint.toml", mine);
    // The starter is over 5 KiB: a 2 KiB limit stops it part way.
    let (code, stderr) =
        status_and_stderr(with_file_size_limit(dir.path(), 2).args(["init", "--force"]));
    assert_eq!(code, 2, "{stderr}");
    assert_clean_error(&stderr);
    assert_eq!(
        stderr.trim_end(),
        "tunelint: error: could not write tunelint.toml: file too large; the existing tunelint.toml is left as it was"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("tunelint.toml")).expect("read"),
        mine
    );
    let left: Vec<_> = fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["tunelint.toml"], "no temporary file is left");

    let dir = tempdir();
    let (code, stderr) = status_and_stderr(with_file_size_limit(dir.path(), 2).arg("init"));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "tunelint: error: could not write tunelint.toml: file too large"
    );
    assert_eq!(fs::read_dir(dir.path()).expect("read dir").count(), 0);
    // Nothing is in the way of a retry with room.
    tunelint(dir.path()).arg("init").assert().code(0);
    let written = fs::read_to_string(dir.path().join("tunelint.toml")).expect("read");
    assert!(written.contains("[gates]"), "{written}");
}

/// When tunelint's temporary copy of an input (a compressed file, standard input) cannot be
/// written ($TMPDIR full), the error says so and names the copy: the input is not reported
/// as unreadable, nor counted by the file-level gate. Exit status 2, nothing on stdout.
#[cfg(unix)]
#[test]
fn a_full_temporary_folder_is_not_blamed_on_the_input() {
    use std::io::Write;
    let dir = tempdir();
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).expect("mkdir");
    // Far more than the 16 KiB limit once decompressed.
    let text: String = (0..3000).map(good).map(|l| format!("{l}\n")).collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    fs::write(dir.path().join("d.jsonl.gz"), gz.finish().expect("gzip")).expect("write");
    write(dir.path(), "d.jsonl", &text);
    for (args, input) in [
        (&["--format", "concise", "d.jsonl.gz"][..], "d.jsonl.gz"),
        (&["--format", "json", "-"], "standard input"),
    ] {
        let stdin = fs::File::open(dir.path().join("d.jsonl")).expect("open");
        let out = with_file_size_limit(dir.path(), 16)
            .arg("--isolated")
            .args(args)
            .env("TMPDIR", &tmp)
            .stdin(stdin)
            .output()
            .expect("run tunelint under sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        let head = format!(
            "tunelint: error: cannot write tunelint's temporary copy of {input}, {}/tunelint-input-",
            tmp.display()
        );
        assert!(stderr.starts_with(&head), "{args:?}: {stderr}");
        assert!(
            stderr.contains(": file too large; the input is not at fault")
                && stderr.contains("set TMPDIR to a folder with room"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("could not be read"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(fs::read_dir(&tmp).expect("read dir").count(), 0, "{args:?}");
    }
}

/// An output may have any name the system allows, up to 255 bytes: its temporary file is
/// given a short name of its own when `.NAME.XXXXXX.tunelint.tmp` would be too long.
#[test]
fn outputs_with_the_longest_names_are_written() {
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[GOOD]));
    for len in [234, 235, 244, 255] {
        let name = format!("{}.out", "r".repeat(len - 4));
        if fs::write(dir.path().join(&name), "").is_err() {
            // A file system with shorter names than Linux's usual 255 bytes; CI's has them.
            assert!(
                !(cfg!(target_os = "linux") && std::env::var_os("CI").is_some()),
                "the temporary folder takes no {len}-byte name"
            );
            continue;
        }
        fs::remove_file(dir.path().join(&name)).expect("rm");
        for args in [
            &["--isolated", "a.jsonl", "-o"][..],
            &["--isolated", "a.jsonl", "--json-file"],
            &["--isolated", "a.jsonl", "--sarif-file"],
            &["--isolated", "a.jsonl", "--write-baseline"],
            &["dedupe", "--isolated", "a.jsonl", "-o"],
        ] {
            let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(args).arg(&name));
            assert_eq!(code, 0, "{len} bytes, {args:?}: {stderr}");
            let written = fs::metadata(dir.path().join(&name)).expect("the output is there");
            assert!(written.len() > 0, "{len} bytes, {args:?}");
            fs::remove_file(dir.path().join(&name)).expect("rm");
            let left: Vec<_> = fs::read_dir(dir.path())
                .expect("read dir")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert_eq!(left, ["a.jsonl"], "{len} bytes, {args:?}");
        }
    }
}

/// `--baseline` naming the one data file of the folder linted (a slip for the baseline's
/// path) says what is wrong: that file is no baseline, or, when it is one, that it is not
/// linted and nothing else is there. No ignore file is blamed where there is none.
#[test]
fn a_folder_whose_only_data_file_is_the_baseline_says_so() {
    let dir = tempdir();
    write(dir.path(), "dd/a.jsonl", &lines(&[GOOD]));
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--isolated", "dd", "--baseline", "dd/a.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert_clean_error(&stderr);
    assert!(
        stderr.starts_with(
            "tunelint: error: dd/a.jsonl is not a tunelint baseline: unknown field `messages`"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("ignore"), "{stderr}");

    write(dir.path(), "a.jsonl", &lines(&[SHORT]));
    tunelint(dir.path())
        .args(["--isolated", "a.jsonl", "--write-baseline", "dd/b.jsonl"])
        .assert()
        .code(0);
    fs::remove_file(dir.path().join("dd/a.jsonl")).expect("rm");
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--isolated", "dd", "--baseline", "dd/b.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "tunelint: error: no dataset files to lint in dd: the one data file there, dd/b.jsonl, is the --baseline file, which is read as the baseline, not linted (name the data to lint, and the baseline's own file after --baseline)"
    );
}

/// A mistyped rule selector is the error, even where there is nothing to lint, and a code
/// with one character wrong is suggested whole.
#[test]
fn a_mistyped_selector_is_reported_first() {
    let dir = tempdir();
    for (args, says) in [
        (
            &["--select", "XYZ", "."][..],
            "unknown rule selector \"XYZ\" in --select",
        ),
        (
            &["--warn", "D0O1", "."],
            "unknown rule selector \"D0O1\" in --warn; did you mean \"D001\"?",
        ),
        (
            &["stats", "--ignore", "C0011", "."],
            "unknown rule selector \"C0011\" in --ignore; did you mean \"C001\"?",
        ),
    ] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(args).arg("--isolated"));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// A quoted `~` reaches tunelint unexpanded: the error says so.
#[test]
fn an_unexpanded_tilde_gets_a_hint() {
    let dir = tempdir();
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(["~/data/train.jsonl"]));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
    assert!(
        stderr.contains("~/data/train.jsonl: no such file or directory (`~` is not expanded here"),
        "{stderr}"
    );
    let (_, _, stderr) = stdout_of(tunelint(dir.path()).args(["data/~x.jsonl"]));
    assert!(!stderr.contains("expanded"), "{stderr}");
}

#[test]
fn exit_zero_never_hides_2() {
    let dir = tempdir();
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(["--exit-zero", "nope.jsonl"]));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
}

#[test]
fn unknown_config_key_exits_2_with_location_line_and_suggestion() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    write(
        dir.path(),
        "tunelint.toml",
        "format = \"auto\"\n\n[gates]\nmin_valid_pc = 90\n",
    );
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["train.jsonl"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_clean_error(&stderr);
    assert!(
        stderr.contains("tunelint.toml:4:1: unknown key \"min_valid_pc\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean \"min_valid_pct\"?"),
        "{stderr}"
    );
    // The offending TOML line, with the key underlined.
    assert!(stderr.contains("4 | min_valid_pc = 90\n"), "{stderr}");
    assert!(
        stderr.contains("  | ^^^^^^^^^^^^\n") || stderr.ends_with("  | ^^^^^^^^^^^^"),
        "{stderr}"
    );
}

/// A level is spelled as tunelint prints it (`warning`, as in every output and `tunelint
/// rules`); `"warn"` is no alias but a config error at its value, with a did-you-mean.
#[test]
fn the_level_warn_is_a_config_error_suggesting_warning() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    for (config, at, snippet) in [
        (
            "[rules]\nC001 = \"warn\"\n",
            "tunelint.toml:2:8: invalid level \"warn\" for \"C001\"; did you mean \"warning\"?",
            "2 | C001 = \"warn\"\n  |        ^^^^^^",
        ),
        (
            "[[overrides]]\nfiles = [\"*.jsonl\"]\nrules = { content-too-short = { level = \"warn\" } }\n",
            "tunelint.toml:3:41: invalid level \"warn\" for \"content-too-short\"; did you mean \"warning\"?",
            "3 | rules = { content-too-short = { level = \"warn\" } }",
        ),
    ] {
        write(dir.path(), "tunelint.toml", config);
        let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).arg("train.jsonl"));
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains(at), "{stderr}");
        assert!(stderr.contains(snippet), "{stderr}");
    }
    write(dir.path(), "tunelint.toml", "[rules]\nC001 = \"warning\"\n");
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("train.jsonl"));
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn explicit_config_file_errors_exit_2_too() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    write(dir.path(), "ci.toml", "[rules]\nS005 = \"loud\"\n");
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--config", "ci.toml", "train.jsonl"]));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
    assert!(stderr.contains("ci.toml:2:"), "{stderr}");
    assert!(stderr.contains("loud"), "{stderr}");
    // A config file that does not exist.
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--config", "nope.toml", "train.jsonl"]));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
    assert!(stderr.contains("nope.toml"), "{stderr}");
}

#[test]
fn unknown_rule_in_select_exits_2() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["--select", "S005,S999", "train.jsonl"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_clean_error(&stderr);
    assert!(stderr.contains("\"S999\""), "{stderr}");
    assert!(stderr.contains("--select"), "{stderr}");
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--ignore", "unknown-rol", "train.jsonl"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean \"unknown-role\"?"),
        "{stderr}"
    );
}

#[test]
fn select_runs_only_the_selected_rules() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[BAD_ROLE, SHORT]));
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--select",
        "C",
        "train.jsonl",
    ]));
    let column = SHORT.find("\"Fine.\"").expect("in SHORT") + 1;
    assert_eq!(heads(&stdout), [format!("train.jsonl:2:{column}: C001")]);
    assert_eq!(code, 0);
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--warn",
        "S005",
        "train.jsonl",
    ]));
    assert_eq!(code, 0, "S005 demoted to a warning: every example is valid");
    assert!(stdout.contains("0 errors, 2 warnings"), "{stdout}");
    // --warn lowers, never raises: an info finding (J009, no final newline) stays info, so
    // `--warn J` with `--max-warnings 0` does not fail a file that passes without it.
    write(dir.path(), "good.jsonl", GOOD);
    for warn in [None, Some("J"), Some("J009"), Some("ALL")] {
        let mut cmd = tunelint(dir.path());
        cmd.args(["--format", "concise", "--max-warnings", "0"]);
        if let Some(w) = warn {
            cmd.args(["--warn", w]);
        }
        let (code, stdout, _) = stdout_of(cmd.arg("good.jsonl"));
        assert_eq!(code, 0, "--warn {warn:?}: {stdout}");
        assert!(stdout.contains("0 errors, 0 warnings, 1 info"), "{stdout}");
    }
}

/// A rule an `[[overrides]]` entry turns off for some files stays off there under a
/// command-line `--select`, even `--select ALL`, as ruff keeps its per-file-ignores; the
/// other files get what was selected.
#[test]
fn select_keeps_what_an_override_turns_off() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data/legacy/old.jsonl", &lines(&[GOOD, BAD_ROLE]));
    write(d, "data/new.jsonl", &lines(&[GOOD, BAD_ROLE]));
    write(
        d,
        "tunelint.toml",
        "[[overrides]]\nfiles = [\"data/legacy/**\"]\nrules = { S = \"off\" }\n",
    );
    for select in [None, Some("S005"), Some("ALL"), Some("unknown-role,C")] {
        let mut cmd = tunelint(d);
        cmd.args(["--format", "concise", "-q"]);
        if let Some(s) = select {
            cmd.args(["--select", s]);
        }
        let (code, stdout, stderr) =
            stdout_of(cmd.args(["data/legacy/old.jsonl", "data/new.jsonl"]));
        assert_eq!(code, 1, "--select {select:?}: {stdout}{stderr}");
        assert_eq!(
            heads(&stdout),
            ["data/new.jsonl:2:22: S005"],
            "--select {select:?}"
        );
    }
}

/// The options of C001 and C002 contradict each other only when both rules run: the check
/// sees the command line's `--select` and `--ignore`, and points into the config file.
#[test]
fn lengths_that_contradict_are_judged_on_the_rules_that_run() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.jsonl", &lines(&[GOOD]));
    write(
        d,
        "tunelint.toml",
        "[rules]\nC001 = { min_chars = 50 }\nC002 = { max_chars = 40 }\n",
    );
    let (code, _, stderr) = stdout_of(tunelint(d).args(["--ignore", "C002", "train.jsonl"]));
    assert_ne!(code, 2, "{stderr}");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("train.jsonl"));
    assert_eq!(code, 2, "{stderr}");
    assert_clean_error(&stderr);
    assert!(
        stderr.starts_with("tunelint: error: tunelint.toml:3:10: content-too-short's min_chars (50, line 2) is above content-too-long's max_chars (40)"),
        "{stderr}"
    );
    assert!(stderr.contains("3 | C002 = { max_chars = 40 }"), "{stderr}");
    write(
        d,
        "tunelint.toml",
        "[rules]\nC001 = { level = \"off\", min_chars = 50 }\nC002 = { max_chars = 40 }\n",
    );
    let (code, _, stderr) = stdout_of(tunelint(d).arg("train.jsonl"));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = stdout_of(tunelint(d).args(["--select", "C001,C002", "train.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("tunelint.toml:3:10: "), "{stderr}");
}

#[test]
fn unreadable_file_exits_2_and_the_others_are_still_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[BAD_ROLE]));
    write(dir.path(), "locked.jsonl", &lines(&[GOOD]));
    let locked = dir.path().join("locked.jsonl");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::File::open(&locked).is_ok() {
        // Running as root: permissions do not stop reading. `unreadable_symlinks_exit_2`
        // covers the same path through the engine.
        eprintln!("note: running with permission to read a mode-000 file; skipping");
        return;
    }
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "--exit-zero", "."]));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).expect("chmod back");
    assert_eq!(code, 2, "--exit-zero does not hide an unreadable file");
    assert!(stdout.contains("a.jsonl:1:22: S005"), "{stdout}");
    assert!(
        stdout.contains("gate failed: file-level errors 1"),
        "{stdout}"
    );
    assert_clean_error(&stderr);
    assert!(
        stderr.contains("locked.jsonl: could not be read: permission denied"),
        "{stderr}"
    );
}

/// A folder the walk cannot enter is an input that could not be read, like a file: the
/// rest of the run is linted and reported in every format, and the run exits 2. It stopped
/// the whole run with the walker's own error ("IO error for operation on ...").
#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_and_the_rest_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let d = dir.path();
    write(d, "data/a.jsonl", &lines(&[BAD_ROLE]));
    write(d, "data/locked/b.jsonl", &lines(&[GOOD]));
    let locked = d.join("data/locked");
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    // As root permissions stop nothing: the run is made as an unprivileged user instead.
    let as_root = fs::read_dir(&locked).is_ok();
    let run = |format: &str| {
        let bin = assert_cmd::cargo::cargo_bin("tunelint");
        let mut cmd = if as_root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            std::process::Command::new(&bin)
        };
        cmd.current_dir(d)
            .args(["check", "--isolated", "--format", format, "data"])
            .env_remove("GITHUB_ACTIONS")
            .output()
    };
    match run("concise") {
        Err(e) if as_root => {
            fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
            assert!(
                std::env::var_os("CI").is_none(),
                "running as root needs setpriv to drop privileges: {e}"
            );
            eprintln!("note: running as root without setpriv ({e}); skipping");
            return;
        }
        _ => {}
    }
    let outputs: Vec<(&str, std::process::Output)> = ["concise", "json", "sarif"]
        .into_iter()
        .map(|f| (f, run(f).expect("run tunelint")))
        .collect();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod back");
    for (format, out) in outputs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stdout}{stderr}");
        assert_clean_error(&stderr);
        assert!(
            stderr.contains("data/locked: could not be read: permission denied"),
            "{format}: {stderr}"
        );
        match format {
            "concise" => assert!(stdout.contains("data/a.jsonl:1:22: S005"), "{stdout}"),
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
                let files = v["files"].as_array().expect("files");
                assert!(
                    files
                        .iter()
                        .any(|f| f["path"] == "data/locked"
                            && f["read_error"] == "permission denied"),
                    "{stdout}"
                );
                assert!(
                    files
                        .iter()
                        .any(|f| f["path"] == "data/a.jsonl" && f["errors"] == 1)
                );
            }
            _ => assert!(
                stdout.contains("data/locked could not be read: permission denied")
                    && stdout.contains("\"ruleId\": \"S005\""),
                "{stdout}"
            ),
        }
    }
}

/// Standard error closed before the run is done (`2>&1 | head -1`) is no panic: the run
/// still exits with its own status.
#[test]
fn a_closed_standard_error_is_not_a_panic() {
    use std::io::Write;
    let dir = tempdir();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .current_dir(dir.path())
        .args(["sample", "--isolated", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tunelint");
    // Standard error is closed before the input that makes the run say something arrives.
    drop(child.stderr.take());
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\0\0\0\0").expect("write");
    drop(stdin);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(2));
}

/// Interrupted (Ctrl-C, `kill`, a closed terminal), a run removes the temporary files that
/// hold its input's data, and still ends as killed by the signal: `dedupe -`'s copy of
/// standard input and `check`'s copy of an input read once were left in the temporary
/// directory.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let runs: [(&[&str], &str, &str); 2] = [
        (
            &["dedupe", "--isolated", "-", "-o", "out.jsonl"],
            ".tunelint-stdin-",
            "TERM",
        ),
        (
            &["check", "--isolated", "--format", "json", "-"],
            "tunelint-input-",
            "INT",
        ),
    ];
    for (args, prefix, signal) in runs {
        let dir = tempdir();
        let d = dir.path();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
            .current_dir(d)
            .env("TMPDIR", d)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run tunelint");
        // Standard input stays open: the run waits for the rest with its copy made.
        let stdin = child.stdin.take();
        let started = std::time::Instant::now();
        let made = || {
            fs::read_dir(d)
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(prefix))
        };
        while !made() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "{args:?} made no {prefix}* file"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        drop(stdin);
        let number = if signal == "TERM" { 15 } else { 2 };
        assert_eq!(status.signal(), Some(number), "{args:?}: {status:?}");
        let left: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

/// What cannot be read says why: a symbolic link loop is not "no such file", and bytes
/// after a gzip stream's end are not "the data ends early".
#[cfg(unix)]
#[test]
fn unreadable_inputs_say_why() {
    use std::io::Write;
    let dir = tempdir();
    let d = dir.path();
    std::os::unix::fs::symlink("loop.jsonl", d.join("loop.jsonl")).expect("symlink");
    let (code, _, stderr) =
        stdout_of(tunelint(d).args(["dedupe", "--isolated", "loop.jsonl", "-o", "out.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("loop.jsonl: too many levels of symbolic links"),
        "{stderr}"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines(&[GOOD]).as_bytes()).unwrap();
    let mut bytes = gz.finish().unwrap();
    bytes.extend(b"garbage!!");
    fs::write(d.join("g.jsonl.gz"), bytes).unwrap();
    let (code, _, stderr) = stdout_of(tunelint(d).args(["check", "--isolated", "g.jsonl.gz"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("g.jsonl.gz: could not be read: corrupt or truncated gzip data after line 1 of the decompressed text: bytes that are not gzip after the end of the compressed data (trailing garbage"),
        "{stderr}"
    );
}

/// A second output on standard output, however it is named (`-`, `/dev/stdout`), would
/// interleave with the report: refused before linting, unless the report goes to a file.
#[cfg(unix)]
#[test]
fn a_second_output_on_standard_output_is_refused() {
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[GOOD]));
    for option in ["--json-file", "--json-summary-file"] {
        for name in ["-", "/dev/stdout"] {
            let (code, stdout, stderr) =
                stdout_of(tunelint(dir.path()).args(["--isolated", option, name, "a.jsonl"]));
            assert_eq!(code, 2, "{option} {name}: {stdout}{stderr}");
            assert!(stdout.is_empty(), "{stdout}");
            assert!(
                stderr.contains(&format!(
                    "{option} {name} would write to standard output, where the report goes"
                )),
                "{stderr}"
            );
        }
    }
    // Nor on an input.
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--json-summary-file",
        "a.jsonl",
        "a.jsonl",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--json-summary-file"), "{stderr}");
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--json-file",
        "/dev/stdout",
        "-o",
        "report.txt",
        "a.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("the JSON alone");
    assert_eq!(json["summary"]["examples"], 1);
}

/// `--color auto` follows the conventions: `CLICOLOR_FORCE` or `FORCE_COLOR` colours output
/// that is not a terminal (a pager, a CI log), `NO_COLOR` wins over them, `--color` over all.
#[test]
fn colour_follows_clicolor_force_and_no_color() {
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[BAD_ROLE]));
    let run = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = tunelint(dir.path());
        cmd.env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_COLOR")
            .args(["check", "--isolated", "--format", "full"])
            .args(args)
            .arg("a.jsonl");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (_, stdout, _) = stdout_of(&mut cmd);
        stdout.contains("\x1b[")
    };
    assert!(!run(&[], &[]));
    assert!(run(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!run(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(run(&[("FORCE_COLOR", "1")], &[]));
    assert!(run(&[("FORCE_COLOR", "true")], &[]));
    assert!(!run(&[("FORCE_COLOR", "0")], &[]));
    assert!(!run(&[("FORCE_COLOR", "")], &[]));
    assert!(!run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!run(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
    assert!(run(&[("NO_COLOR", "1")], &["--color", "always"]));
}

/// Runs tunelint in `dir` with standard output appended to `dir/out` (`>> out`), as a shell
/// does; returns the exit code and standard error.
#[cfg(unix)]
fn appending_to(dir: &Path, out: &str, args: &[&str]) -> (i32, String) {
    let file = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join(out))
        .expect("open for appending");
    let run = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .stdout(file)
        .output()
        .expect("run tunelint");
    (
        run.status.code().expect("exited normally"),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// Standard output redirected to an input (`>> data.jsonl`) is refused before anything is
/// written: `dedupe data.jsonl -o -` read its own appended copy forever (the dataset grew to
/// gigabytes in seconds), and `check` and `sample` appended their output to the dataset.
#[cfg(unix)]
#[test]
fn standard_output_appended_to_an_input_is_refused() {
    let dir = tempdir();
    let d = dir.path();
    let data = lines(&[GOOD, SHORT, GOOD]);
    for args in [
        &["dedupe", "--isolated", "data.jsonl", "-o", "-"][..],
        &["check", "--isolated", "data.jsonl"],
        &["check", "--isolated", "-o", "-", "data.jsonl"],
        &["stats", "--isolated", "data.jsonl"],
        &["sample", "--isolated", "--format", "jsonl", "data.jsonl"],
    ] {
        write(d, "data.jsonl", &data);
        let (code, stderr) = appending_to(d, "data.jsonl", args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(
                "standard output is redirected to the input data.jsonl; tunelint never writes over its input"
            ),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            fs::read_to_string(d.join("data.jsonl")).expect("read"),
            data,
            "{args:?}"
        );
    }
}

/// `tunelint check . > report.jsonl`: the shell makes the empty report before the walk finds
/// it; it is the run's output, not an input (refused as one) or data (linted as one).
#[cfg(unix)]
#[test]
fn a_report_redirected_into_the_walked_folder_is_not_an_input() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data.jsonl", &lines(&[GOOD, SHORT]));
    let (code, stderr) = appending_to(
        d,
        "report.jsonl",
        &["check", "--isolated", "--format", "concise", "."],
    );
    assert_eq!(code, 0, "{stderr}");
    let report = fs::read_to_string(d.join("report.jsonl")).expect("read");
    assert!(report.contains("in 2 examples of 1 file"), "{report}");
    let (code, stderr) = appending_to(
        d,
        "sample.jsonl",
        &["sample", "--isolated", "--format", "jsonl", "."],
    );
    assert_eq!(code, 0, "{stderr}");
}

/// `-o /dev/stdout` with standard output appended to a log writes to the stream as `-` does:
/// it replaced the log (a temporary file renamed over it), losing what it held.
#[cfg(unix)]
#[test]
fn a_name_for_standard_output_appends_like_dash() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data.jsonl", &lines(&[GOOD, GOOD]));
    for args in [
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "-o",
            "/dev/stdout",
            "data.jsonl",
        ][..],
        &["dedupe", "--isolated", "data.jsonl", "-o", "/dev/stdout"],
    ] {
        write(d, "log.txt", "line from an earlier step\n");
        let (code, stderr) = appending_to(d, "log.txt", args);
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        let log = fs::read_to_string(d.join("log.txt")).expect("read");
        assert!(
            log.starts_with("line from an earlier step\n"),
            "{args:?}: {log}"
        );
        assert!(
            log.len() > "line from an earlier step\n".len(),
            "{args:?}: {log}"
        );
    }
}

/// `--stdin-filename F - F -o F`: the file standard input stands for is the user's dataset,
/// which no output may replace (it was overwritten by the report).
#[test]
fn the_stdin_filename_file_is_never_overwritten() {
    let dir = tempdir();
    let d = dir.path();
    let data = lines(&[GOOD, GOOD]);
    for args in [
        &[
            "check",
            "--isolated",
            "--stdin-filename",
            "train.jsonl",
            "-",
            "train.jsonl",
            "-o",
            "train.jsonl",
        ][..],
        &[
            "check",
            "--isolated",
            "--stdin-filename",
            "train.jsonl",
            "-",
            "-o",
            "train.jsonl",
        ],
        &[
            "check",
            "--isolated",
            "--stdin-filename",
            "train.jsonl",
            "-",
            "--json-file",
            "train.jsonl",
        ],
    ] {
        write(d, "train.jsonl", &data);
        let out = tunelint(d)
            .args(args)
            .write_stdin(data.clone())
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("tunelint never writes over its input"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            fs::read_to_string(d.join("train.jsonl")).expect("read"),
            data,
            "{args:?}"
        );
    }
}

/// An output named as a folder (`notes.jsonl/`) is not the file of that name: it replaced it.
#[cfg(unix)]
#[test]
fn an_output_named_as_a_folder_is_refused() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data.jsonl", &lines(&[GOOD]));
    write(d, "notes.jsonl", "{\"keep\": \"me\"}\n");
    for args in [
        &["check", "--isolated", "data.jsonl", "-o", "notes.jsonl/"][..],
        &[
            "check",
            "--isolated",
            "data.jsonl",
            "--json-file",
            "notes.jsonl/",
        ],
        &["stats", "--isolated", "data.jsonl", "-o", "notes.jsonl/"],
        &["dedupe", "--isolated", "data.jsonl", "-o", "notes.jsonl/"],
        &["check", "--isolated", "data.jsonl", "-o", "new.txt/"],
    ] {
        let (code, stdout, stderr) = stdout_of(tunelint(d).args(args));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains("cannot write "), "{args:?}: {stderr}");
        assert_eq!(
            fs::read_to_string(d.join("notes.jsonl")).expect("read"),
            "{\"keep\": \"me\"}\n"
        );
        assert!(!d.join("new.txt").exists());
    }
}

/// Binary data with no end (`/dev/zero`) is refused from its head: `sample` read it line
/// by line forever, and `dedupe -` copied standard input into a temporary file until the
/// disk was full.
#[cfg(unix)]
#[test]
fn binary_data_without_an_end_is_refused_from_its_head() {
    let dir = tempdir();
    let d = dir.path();
    let (code, _, stderr) = stdout_of(tunelint(d).args(["sample", "--isolated", "/dev/zero"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("/dev/zero: file is binary (NUL byte at offset 0), not JSON Lines"),
        "{stderr}"
    );
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .current_dir(d)
        .env("TMPDIR", d)
        .args(["dedupe", "--isolated", "-", "-o", "out.jsonl"])
        .stdin(fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("standard input: file is binary (NUL byte at offset 0)"),
        "{stderr}"
    );
    // Nothing left behind.
    let left: Vec<_> = fs::read_dir(d).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A setting that names a file that never ends (a device, a pipe) is an error, read no
/// further than a bound: `/dev/zero` as a configuration, a baseline or a tokenizer filled
/// the memory until the system stopped the run.
#[cfg(unix)]
#[test]
fn a_settings_file_that_never_ends_is_an_error() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "t.jsonl", &lines(&[GOOD]));
    let zero = "/dev/zero";
    let runs: [(&[&str], &str); 2] = [
        (
            &["--isolated", "--baseline", zero],
            "cannot read the baseline /dev/zero: more than 64 MiB",
        ),
        (
            &["--config", zero],
            "/dev/zero: cannot read config file: more than 64 MiB",
        ),
    ];
    for (args, expected) in runs {
        let (code, _, stderr) = stdout_of(tunelint(d).args(args).arg("t.jsonl"));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    write(d, "tunelint.toml", "[tokens]\ntokenizer = \"/dev/zero\"\n");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("t.jsonl"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot read tokenizer /dev/zero: more than 64 MiB"),
        "{stderr}"
    );
}

#[test]
fn unreadable_symlinks_exit_2() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[GOOD]));
    symlink("nowhere.jsonl", dir.path().join("dangling.jsonl")).expect("symlink");
    symlink("loop2.jsonl", dir.path().join("loop1.jsonl")).expect("symlink");
    symlink("loop1.jsonl", dir.path().join("loop2.jsonl")).expect("symlink");
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["--format", "concise", "."]));
    assert_eq!(code, 2);
    assert!(stdout.contains("in 1 example of 4 files"), "{stdout}");
    assert!(
        stdout.contains("gate failed: file-level errors 3"),
        "{stdout}"
    );
    assert_clean_error(&stderr);
    assert!(
        stderr.contains("dangling.jsonl: could not be read: no such file"),
        "{stderr}"
    );
    for name in ["loop1.jsonl", "loop2.jsonl"] {
        assert!(
            stderr.contains(&format!(
                "{name}: could not be read: too many levels of symbolic links (a symlink loop)\n"
            )),
            "{stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
}

#[test]
fn a_symlink_loop_named_on_the_command_line_is_called_one() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    symlink("loop", dir.path().join("loop")).expect("symlink");
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).arg("loop"));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "tunelint: error: loop: too many levels of symbolic links (a symlink loop)\n"
    );
    // A path that does not exist is still just missing.
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("nowhere.jsonl"));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "tunelint: error: nowhere.jsonl: no such file or directory\n"
    );
}

// ---------------------------------------------------------------------------------------
// rules, explain, init

#[test]
fn explain_prints_the_documentation_by_code_or_name() {
    let dir = tempdir();
    for which in ["S005", "unknown-role", "s005", "Unknown-Role"] {
        let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["explain", which]));
        assert_eq!(code, 0, "{which}: {stderr}");
        assert!(
            stdout.starts_with("## S005 unknown-role\n"),
            "{which}: {stdout}"
        );
        assert!(stdout.contains("Default level: **error**"), "{stdout}");
        assert!(stdout.contains("### What it does"), "{stdout}");
        // The same text as the rule's section of docs/rules.md, examples included.
        let section = tunelint::docs::rule_text(tunelint::rules::Code::S005.meta());
        assert_eq!(stdout, section, "the whole doc of the rule");
        assert!(stdout.contains("```jsonl\n"), "{stdout}");
    }
}

/// Rule and target names are taken in any case, as codes are: `--select Secret`,
/// `explain OpenAI`, `--target OpenAI`.
#[test]
fn rule_and_target_names_are_case_insensitive() {
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[BAD_ROLE]));
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["explain", "OpenAI"]));
    assert_eq!(code, 0, "{stderr}");
    let (_, lower, _) = stdout_of(tunelint(dir.path()).args(["explain", "openai"]));
    assert_eq!(stdout, lower);
    for selector in ["UNKNOWN-ROLE", "Unknown-Role", "s005"] {
        let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "--select",
            selector,
            "a.jsonl",
        ]));
        assert_eq!(code, 1, "{selector}: {stderr}");
        assert!(stdout.contains(" S005 "), "{selector}: {stdout}");
    }
    for target in ["OpenAI", "AUTO"] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).args([
            "check",
            "--isolated",
            "--target",
            target,
            "a.jsonl",
        ]));
        assert_eq!(code, 1, "{target}: {stderr}");
        assert!(!stderr.contains("error"), "{target}: {stderr}");
    }
}

/// The rule ids SARIF gives failed gates and omitted results are alerts in code scanning:
/// `explain` knows them, and suggests them for a typo.
#[test]
fn explain_knows_the_sarif_gate_ids() {
    let dir = tempdir();
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["explain", "gate-max-duplicates"]));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# gate-max-duplicates: too many duplicate examples\n"),
        "{stdout}"
    );
    assert!(stdout.contains("`--max-duplicates`"), "{stdout}");
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["explain", "tunelint-results-omitted"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "accepts at most 25,000 results of one run, and keeps and shows the top 5,000"
        ),
        "{stdout}"
    );
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(["explain", "gate-max-warning"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean \"gate-max-warnings\"?"),
        "{stderr}"
    );
}

#[test]
fn explain_unknown_rule_exits_2_with_a_hint() {
    let dir = tempdir();
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["explain", "S999"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_clean_error(&stderr);
    assert!(stderr.contains("unknown rule \"S999\""), "{stderr}");
    // No rule is a plausible typo of S999, so the hint points at the list.
    assert!(stderr.contains("tunelint rules"), "{stderr}");
    for (typo, meant) in [
        ("S05", "S005"),
        ("unknown-rol", "unknown-role"),
        ("invalid-jsn", "invalid-json"),
    ] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).args(["explain", typo]));
        assert_eq!(code, 2);
        assert!(
            stderr.contains(&format!("did you mean \"{meant}\"?")),
            "{typo}: {stderr}"
        );
    }
}

#[test]
fn rules_lists_every_code_with_name_and_level() {
    let dir = tempdir();
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).arg("rules"));
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), RULES.len());
    for (line, rule) in stdout.lines().zip(RULES) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            words[..3],
            [rule.code, rule.name, rule.default_level.as_str()],
            "{line}"
        );
    }
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    tunelint(dir.path()).arg("init").assert().code(0);
    let written =
        fs::read_to_string(dir.path().join("tunelint.toml")).expect("init wrote tunelint.toml");
    assert!(written.contains("[gates]"), "{written}");
    // The starter config is discovered and valid.
    tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .assert()
        .code(0)
        .stderr("");

    fs::write(dir.path().join("tunelint.toml"), "# mine\n").expect("write");
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("init"));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("tunelint.toml")).expect("read"),
        "# mine\n",
        "left untouched"
    );
    tunelint(dir.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("tunelint.toml")).expect("read"),
        written
    );
}

/// `init` beside a `.tunelint.toml` or a pyproject.toml with `[tool.tunelint]` would shadow
/// it (tunelint.toml is read first): refused without `--force`. With `--force`, a
/// tunelint.toml that is a link is replaced, not the file it names.
#[test]
fn init_never_shadows_or_writes_through_a_configuration() {
    for (file, text) in [
        (".tunelint.toml", "[rules]\nALL = \"off\"\n"),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.tunelint]\ntarget = \"openai\"\n",
        ),
    ] {
        let dir = tempdir();
        write(dir.path(), file, text);
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("init"));
        assert_eq!(code, 2, "{file}: {stderr}");
        assert_clean_error(&stderr);
        assert!(
            stderr.contains("this directory is configured by"),
            "{stderr}"
        );
        assert!(!dir.path().join("tunelint.toml").exists(), "{file}");
        tunelint(dir.path())
            .args(["init", "--force"])
            .assert()
            .code(0);
        assert!(dir.path().join("tunelint.toml").is_file(), "{file}");
    }
    let dir = tempdir();
    write(dir.path(), "shared/base.toml", "# shared\n");
    std::os::unix::fs::symlink("shared/base.toml", dir.path().join("tunelint.toml")).unwrap();
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("init"));
    assert_eq!(code, 2, "{stderr}");
    tunelint(dir.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("shared/base.toml")).unwrap(),
        "# shared\n"
    );
    let written = fs::read_to_string(dir.path().join("tunelint.toml")).unwrap();
    assert!(written.contains("[gates]"), "{written}");
}

// ---------------------------------------------------------------------------------------
// Standard input

#[test]
fn stdin_is_named_dash() {
    let dir = tempdir();
    let input = lines(&[GOOD, BAD_ROLE, "{\"messages\": ["]);
    let (code, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "-"])
            .write_stdin(input),
    );
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["-:2:22: S005", "-:3:15: J001"]);
    assert!(
        stdout.contains("-:2:22: S005 unknown role \"bot\""),
        "{stdout}"
    );
}

/// `--stdin-filename` names standard input in every finding (SARIF can place it), and its
/// configuration is that path's.
#[test]
fn stdin_filename_names_standard_input() {
    let dir = tempdir();
    let input = lines(&[GOOD, BAD_ROLE, SHORT]);
    let (code, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args([
                "--isolated",
                "--format",
                "concise",
                "--stdin-filename",
                "data/train.jsonl",
                "-",
            ])
            .write_stdin(input.clone()),
    );
    assert_eq!(code, 1);
    assert_eq!(
        heads(&stdout),
        [
            "data/train.jsonl:2:22: S005",
            "data/train.jsonl:3:104: C001"
        ]
    );
    write(
        dir.path(),
        "tunelint.toml",
        "[[overrides]]\nfiles = [\"data/*.jsonl\"]\nrules = { C001 = \"off\" }\n",
    );
    let (_, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args([
                "--format",
                "sarif",
                "--stdin-filename",
                "data/train.jsonl",
                "-",
            ])
            .write_stdin(input),
    );
    let sarif: serde_json::Value = serde_json::from_str(&stdout).expect("SARIF");
    // The override turned C001 off: only S005 is left (and the failed gate, a result too).
    let rules: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| !r["ruleId"].as_str().unwrap_or("").starts_with("gate-"))
        .collect();
    assert_eq!(rules.len(), 1, "{stdout}");
    assert_eq!(rules[0]["ruleId"], "S005");
    assert_eq!(
        rules[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data/train.jsonl"
    );
    // The file itself named too (an editor passes the unsaved buffer and the file): standard
    // input stands for it, and it is not linted a second time under the same name.
    write(dir.path(), "data/train.jsonl", &lines(&[BAD_ROLE]));
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args([
                "--isolated",
                "--format",
                "concise",
                "--stdin-filename",
                "data/train.jsonl",
                "-",
                "./data/train.jsonl",
            ])
            .write_stdin(lines(&[GOOD, SHORT])),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(heads(&stdout), ["data/train.jsonl:2:104: C001"], "{stdout}");
    assert!(
        stderr.contains("data/train.jsonl is read from standard input (--stdin-filename); the file itself is not linted"),
        "{stderr}"
    );
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--stdin-filename", "x.jsonl", "tunelint.toml"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--stdin-filename names standard input"),
        "{stderr}"
    );
}

/// Standard input named with `--stdin-filename` belongs to that file's dataset: an editor's
/// buffer of a test split is compared with the training file beside it (D003), and a shard
/// with its sibling shards (D001), as the file on disk would be, whether the file exists
/// or not, with the training file named or read as context.
#[test]
fn stdin_filename_joins_its_dataset() {
    let dir = tempdir();
    write(dir.path(), "data/train.jsonl", &lines(&[GOOD]));
    write(
        dir.path(),
        "shards/train-00000-of-00002.jsonl",
        &lines(&[GOOD]),
    );
    for (name, rest, says) in [
        ("data/test.jsonl", &["data/train.jsonl"][..], "D003"),
        ("data/valid.jsonl", &[], "D003"),
        ("shards/train-00001-of-00002.jsonl", &[], "D001"),
    ] {
        let context: &[&str] = if rest.is_empty() {
            &["--context", "dataset"]
        } else {
            &[]
        };
        let (code, stdout, stderr) = stdout_of(
            tunelint(dir.path())
                .args([
                    "--isolated",
                    "--format",
                    "concise",
                    "--stdin-filename",
                    name,
                ])
                .args(context)
                .arg("-")
                .args(rest)
                .write_stdin(lines(&[GOOD])),
        );
        assert_eq!(code, 1, "{name}: {stdout}{stderr}");
        assert_eq!(
            heads(&stdout),
            [format!("{name}:1:1: {says}")],
            "{name}: {stdout}"
        );
    }
}

/// A baseline written from standard input named with `--stdin-filename` records the named
/// path, so the saved file matches it (and an editor's buffer matches the file's baseline).
#[test]
fn a_baseline_of_named_standard_input_is_the_files() {
    let dir = tempdir();
    let (code, _, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--isolated", "--write-baseline", "baseline.json"])
            .args(["--stdin-filename", "data/train.jsonl", "-"])
            .write_stdin(lines(&[BAD_ROLE])),
    );
    assert_eq!(code, 0, "{stderr}");
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).expect("written");
    assert!(
        baseline.contains(r#""path":"data/train.jsonl""#),
        "{baseline}"
    );
    write(dir.path(), "data/train.jsonl", &lines(&[BAD_ROLE]));
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args([
                "--isolated",
                "--format",
                "concise",
                "--baseline",
                "baseline.json",
            ])
            .arg("data/train.jsonl"),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(heads(&stdout).is_empty(), "{stdout}");
}

/// A bug that panics in a worker thread ends the run with status 101 and says it is an
/// internal error, on a file large enough that the reader and the other workers wait for the
/// dead worker's chunk (they waited forever, hanging a CI job or a commit hook).
/// `TUNELINT_PANIC_AT_LINE` forces the panic.
#[test]
fn a_panic_in_a_worker_ends_the_run_instead_of_hanging() {
    let dir = tempdir();
    let record = format!(
        r#"{{"messages": [{{"role": "user", "content": "{}"}}, {{"role": "assistant", "content": "It is sunny and warm in Paris today."}}]}}"#,
        "What is the weather like in Paris today? ".repeat(4)
    );
    write(
        dir.path(),
        "big.jsonl",
        &lines(&vec![record.as_str(); 80_000]),
    );
    let out = tunelint(dir.path())
        .env("TUNELINT_PANIC_AT_LINE", "5")
        .args(["--isolated", "--format", "concise", "big.jsonl"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{stderr}");
    assert!(
        stderr.contains("tunelint: internal error: this is a bug in tunelint"),
        "{stderr}"
    );
}

/// A file named `-` (given as `./-`) is not standard input: its findings say `./-`, so the two
/// read in one run are told apart.
#[test]
fn a_file_named_dash_is_shown_as_a_file() {
    let dir = tempdir();
    write(dir.path(), "-", &lines(&[BAD_ROLE]));
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--isolated", "--format", "concise", "./-", "-"])
            .write_stdin(lines(&[SHORT])),
    );
    assert_eq!(code, 1, "{stderr}");
    let heads = heads(&stdout);
    assert!(heads.iter().any(|h| h.starts_with("./-:1:")), "{stdout}");
    assert!(heads.iter().any(|h| h.starts_with("-:1:")), "{stdout}");
}

#[test]
fn stdin_full_format_shows_the_line() {
    let dir = tempdir();
    let (code, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "full", "--color", "never", "--quiet", "-"])
            .write_stdin(lines(&[GOOD, BAD_ROLE])),
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("┌─ -:2:22\n"), "{stdout}");
    let second = lines(&[GOOD, BAD_ROLE])
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        stdout.contains(&format!("2 │ {}", &second[..100])),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  │ {}^^^^^ unknown-role\n", " ".repeat(21))),
        "{stdout}"
    );
}

/// `dedupe -` reads standard input, as `check -` does: the kept lines byte for byte, what
/// would go named by line, and the same refusals as for a file.
#[test]
fn dedupe_reads_standard_input() {
    let dir = tempdir();
    // Line 3 repeats line 1, CRLF and all; line 2 has no final newline's company.
    let input = format!("{GOOD}\r\n{}\n{GOOD}\r\n{BAD_ROLE}", good(1));
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["dedupe", "--isolated", "-", "-o", "-"])
            .write_stdin(input.clone()),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{GOOD}\r\n{}\n{BAD_ROLE}", good(1)));
    assert!(
        stderr.starts_with("Reduced from 4 to 3 examples"),
        "{stderr}"
    );
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["dedupe", "--isolated", "-", "--dry-run"])
            .write_stdin(input.clone()),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("-:3: would remove: exact duplicate of line 1\n"),
        "{stdout}"
    );
    // Into a file, which gets exactly the kept lines.
    let (code, _, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["dedupe", "--isolated", "-", "-o", "out.jsonl"])
            .write_stdin(input),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
        format!("{GOOD}\r\n{}\n{BAD_ROLE}", good(1))
    );
    // Nothing to read, and compressed bytes: one clear line each.
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(format!("{GOOD}\n").as_bytes()).unwrap();
        e.finish().unwrap()
    };
    for (stdin, says) in [
        (Vec::new(), "standard input"),
        (gz, "gzip -dc FILE | tunelint dedupe -"),
    ] {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"));
        cmd.current_dir(dir.path())
            .args(["dedupe", "--isolated", "-", "-o", "o2.jsonl"]);
        let out = if stdin.is_empty() {
            cmd.stdin(std::process::Stdio::null()).output().unwrap()
        } else {
            let mut child = cmd
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            {
                use std::io::Write;
                let mut pipe = child.stdin.take().unwrap();
                pipe.write_all(&stdin).unwrap();
            }
            child.wait_with_output().unwrap()
        };
        let (code, stderr) = (out.status.code(), String::from_utf8_lossy(&out.stderr));
        assert_eq!(code, Some(2), "{stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(!dir.path().join("o2.jsonl").exists());
    }
}

/// A file name is data too: one that holds a line break and `::` must not become a workflow
/// command on GitHub Actions (the runner reads standard error as well), nor one with escape
/// sequences drive the terminal, when an error names it.
#[cfg(unix)]
#[test]
fn a_hostile_file_name_forges_no_command_on_standard_error() {
    let dir = tempdir();
    let corrupt: &[u8] = b"\x1f\x8b\x08\x00garbagegarbage";
    for name in [
        "d\n::warning file=z.py,line=3::FORGED\n.jsonl.gz",
        "e\x1b]0;PWN\x07\x1b[2J.jsonl.gz",
    ] {
        fs::write(dir.path().join(name), corrupt).unwrap();
    }
    let out = tunelint(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args(["--isolated", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.matches("could not be read").count(), 2, "{stderr}");
    assert!(
        !stderr.lines().any(|l| l.trim_start().starts_with("::")),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "{stderr}"
    );
    assert!(stderr.contains("\\u001b]0;PWN"), "{stderr}");
}

/// A `[[datasets]]` group that names a missing file, a folder, or one file in two splits, is a
/// config error (exit 2) like any other: at the path's line and column, with the TOML line
/// and the path underlined. A typo would otherwise silently leave the split-leak check (D003)
/// nothing to compare.
#[test]
fn a_dataset_group_names_existing_files_each_in_one_split() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[GOOD]));
    write(dir.path(), "eval.jsonl", &lines(&[SHORT]));
    for (config, says, snippet) in [
        (
            "[[datasets]]\ntrain = [\"train.jsonl\"]\ntest = [\"evla.jsonl\"]\n",
            "tunelint.toml:3:9: [[datasets]] test names \"evla.jsonl\", which does not exist",
            "3 | test = [\"evla.jsonl\"]\n  |         ^^^^^^^^^^^^",
        ),
        (
            "[[datasets]]\nname = \"qa\"\ntrain = [\"train.jsonl\"]\nvalid = [\"./train.jsonl\"]\n",
            "tunelint.toml:4:10: [[datasets]] \"qa\" names \"./train.jsonl\" in valid and \"train.jsonl\" in train (line 3): one file cannot be two splits",
            "4 | valid = [\"./train.jsonl\"]\n  |          ^^^^^^^^^^^^^^^",
        ),
        // Across groups too: one group's training data is another's evaluation data.
        (
            "[[datasets]]\nname = \"a\"\ntrain = [\"train.jsonl\"]\n[[datasets]]\nname = \"b\"\ntrain = [\"eval.jsonl\"]\ntest = [\"train.jsonl\"]\n",
            "tunelint.toml:7:9: [[datasets]] \"a\" and [[datasets]] \"b\" name \"train.jsonl\" in test and \"train.jsonl\" in train (line 3)",
            "7 | test = [\"train.jsonl\"]",
        ),
        (
            "[[datasets]]\ntrain = [\"*.jsonl\"]\n",
            "tunelint.toml:2:10: [[datasets]] train names \"*.jsonl\", which does not exist (paths are not globs, name each file;",
            "2 | train = [\"*.jsonl\"]",
        ),
        // A folder exists, but the group would compare none of its files.
        (
            "[[datasets]]\ntrain = [\"tr\"]\ntest = [\"eval.jsonl\"]\n",
            "tunelint.toml:2:10: [[datasets]] train names \"tr\", which is a directory; name each of its dataset files",
            "2 | train = [\"tr\"]\n  |          ^^^^",
        ),
    ] {
        write(dir.path(), "tr/a.jsonl", &lines(&[GOOD]));
        write(dir.path(), "tunelint.toml", config);
        let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).arg("train.jsonl"));
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(stderr.contains(snippet), "{stderr}");
    }
    // From `--config` in another folder, paths are relative to the config file's folder.
    write(
        dir.path(),
        "cfg/ci.toml",
        "[[datasets]]\ntrain = [\"../train.jsonl\"]\ntest = [\"eval.jsonl\"]\n",
    );
    let (code, _, stderr) =
        stdout_of(tunelint(dir.path()).args(["--config", "cfg/ci.toml", "train.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "cfg/ci.toml:3:9: [[datasets]] test names \"eval.jsonl\", which does not exist"
        ),
        "{stderr}"
    );
    write(
        dir.path(),
        "tunelint.toml",
        "[[datasets]]\ntrain = [\"train.jsonl\"]\ntest = [\"eval.jsonl\"]\n",
    );
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).arg("train.jsonl"));
    assert!(code < 2, "{stderr}");
}

/// `--statistics` lists every rule's findings in `concise` too, before the summary line.
#[test]
fn statistics_list_every_rule_in_concise_output() {
    let dir = tempdir();
    write(dir.path(), "t.jsonl", &lines(&[BAD_ROLE, SHORT, BAD_ROLE]));
    let (_, plain, _) =
        stdout_of(tunelint(dir.path()).args(["--isolated", "--format", "concise", "t.jsonl"]));
    assert!(!plain.contains("unknown-role"), "{plain}");
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "--statistics",
        "t.jsonl",
    ]));
    // The findings as without it, then the rules, then the summary line.
    let findings: Vec<&str> = plain.lines().take(3).collect();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..3], findings[..], "{stdout}");
    assert_eq!(
        lines[3..6],
        [
            "S005 unknown-role       2 errors",
            "C001 content-too-short  1 warning",
            "2 errors, 1 warning, 0 info in 3 examples of 1 file; 33.3% valid",
        ],
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------------
// Discovery

#[test]
fn discovery_respects_ignore_files_hidden_directories_and_extension() {
    let dir = tempdir();
    let d = dir.path();
    // Outside any git repository: .gitignore still applies.
    assert!(!d.join(".git").exists());
    for rel in [
        "a.jsonl",
        "sub/b.jsonl",
        "sub/skip.jsonl",
        ".hidden/c.jsonl",
        "ignored.jsonl",
        "logs/x.jsonl",
        "cache/y.jsonl",
        "notes.txt",
        "data.json",
        "b.jsonl.bak",
    ] {
        write(d, rel, &lines(&[BAD_ROLE]));
    }
    write(d, ".gitignore", "ignored.jsonl\nlogs/\n");
    write(d, ".ignore", "cache/\n");
    write(d, "sub/.gitignore", "skip.jsonl\n");
    let (code, stdout, _) = stdout_of(tunelint(d).args(["--format", "concise", "--isolated"]));
    assert_eq!(code, 1);
    assert_eq!(
        heads(&stdout),
        ["a.jsonl:1:22: S005", "sub/b.jsonl:1:22: S005"]
    );
    assert!(stdout.contains("of 2 files"), "{stdout}");

    // Named explicitly, an ignored file is linted.
    let (_, stdout, _) = stdout_of(tunelint(d).args([
        "--format",
        "concise",
        "--isolated",
        "ignored.jsonl",
        "logs/x.jsonl",
    ]));
    assert_eq!(
        heads(&stdout),
        ["ignored.jsonl:1:22: S005", "logs/x.jsonl:1:22: S005"]
    );
    // A directory named explicitly is walked with the same rules, its own .gitignore too.
    let (_, stdout, _) = stdout_of(tunelint(d).args(["--format", "concise", "--isolated", "sub"]));
    assert_eq!(heads(&stdout), ["sub/b.jsonl:1:22: S005"]);

    // Without ignore files (ruff's `respect-gitignore`): every data file but the hidden one,
    // by flag or by config; the flag given last wins, and beats the config either way.
    let every = [
        "a.jsonl:1:22: S005",
        "cache/y.jsonl:1:22: S005",
        "ignored.jsonl:1:22: S005",
        "logs/x.jsonl:1:22: S005",
        "sub/b.jsonl:1:22: S005",
        "sub/skip.jsonl:1:22: S005",
    ];
    let walk = |args: &[&str]| {
        let (_, stdout, stderr) = stdout_of(tunelint(d).args(["--format", "concise"]).args(args));
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        heads(&stdout)
    };
    assert_eq!(walk(&["--isolated", "--no-respect-gitignore"]), every);
    assert_eq!(
        walk(&[
            "--isolated",
            "--no-respect-gitignore",
            "--respect-gitignore"
        ])
        .len(),
        2
    );
    write(d, "tunelint.toml", "respect_gitignore = false\n");
    assert_eq!(walk(&[]), every);
    assert_eq!(walk(&["--respect-gitignore"]).len(), 2);
    write(d, "tunelint.toml", "respect_gitignore = true\n");
    assert_eq!(walk(&[]).len(), 2);
    assert_eq!(walk(&["--no-respect-gitignore"]), every);
    let (_, stdout, _) = stdout_of(tunelint(d).args([
        "sample",
        "--no-respect-gitignore",
        "-n",
        "50",
        "--format",
        "jsonl",
    ]));
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    write(d, "tunelint.toml", "respect_gitignore = \"no\"\n");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("--isolated").arg("."));
    assert_eq!(code, 1, "--isolated reads no config: {stderr}");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("."));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("respect_gitignore"), "{stderr}");
}

#[test]
fn config_exclude_applies_to_named_files_only_with_force_exclude() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "tunelint.toml", "exclude = [\"raw/**\"]\n");
    write(d, "raw/dump.jsonl", &lines(&[BAD_ROLE]));
    write(d, "train.jsonl", &lines(&[GOOD]));
    // Walking: excluded.
    let (code, stdout, _) = stdout_of(tunelint(d).args(["--format", "concise"]));
    assert_eq!((code, heads(&stdout).len()), (0, 0), "{stdout}");
    assert!(stdout.contains("of 1 file;"), "{stdout}");
    // Named: linted.
    let (code, stdout, _) = stdout_of(tunelint(d).args(["--format", "concise", "raw/dump.jsonl"]));
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["raw/dump.jsonl:1:22: S005"]);
    // Named with --force-exclude (what the pre-commit hook passes): skipped.
    let (code, stdout, _) = stdout_of(tunelint(d).args([
        "--format",
        "concise",
        "--force-exclude",
        "raw/dump.jsonl",
        "train.jsonl",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert!(heads(&stdout).is_empty(), "{stdout}");
    assert!(stdout.contains("in 1 example of 1 file;"), "{stdout}");
}

#[test]
fn output_is_sorted_by_path_then_line_whatever_the_creation_order() {
    let dir = tempdir();
    let d = dir.path();
    // Created in reverse path order, so directory order (often creation order) is not sorted.
    write(d, "z.jsonl", &lines(&[GOOD, BAD_ROLE]));
    write(d, "m/inner.jsonl", &lines(&[BAD_ROLE, GOOD, BAD_ROLE]));
    write(d, "b.jsonl", &lines(&["[1]", BAD_ROLE]));
    write(d, "a.jsonl", &lines(&[GOOD, GOOD, "{", BAD_ROLE]));
    let expected = [
        "a.jsonl:3:2: J001",
        "a.jsonl:4:22: S005",
        "b.jsonl:1:1: J002",
        "b.jsonl:2:22: S005",
        "m/inner.jsonl:1:22: S005",
        "m/inner.jsonl:3:22: S005",
        "z.jsonl:2:22: S005",
    ];
    let (_, stdout, _) = stdout_of(tunelint(d).args(["--format", "concise", "--isolated"]));
    assert_eq!(heads(&stdout), expected);
    // Named on the command line in another order, and twice: the same sorted list, once.
    let (_, stdout, _) = stdout_of(tunelint(d).args([
        "--format",
        "concise",
        "--isolated",
        "z.jsonl",
        "m",
        "a.jsonl",
        "b.jsonl",
        "z.jsonl",
    ]));
    assert_eq!(heads(&stdout), expected);
    for jobs in ["1", "3"] {
        let (_, stdout, _) =
            stdout_of(tunelint(d).args(["--format", "concise", "--isolated", "--jobs", jobs]));
        assert_eq!(heads(&stdout), expected, "--jobs {jobs}");
    }
}

// ---------------------------------------------------------------------------------------
// File-level findings

#[test]
fn byte_order_mark_fails_the_file_level_gate_even_at_0_percent() {
    let dir = tempdir();
    write(
        dir.path(),
        "bom.jsonl",
        &format!("\u{FEFF}{}", lines(&[GOOD, GOOD])),
    );
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--min-valid-pct",
        "0",
        "bom.jsonl",
    ]));
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["bom.jsonl:1:1: J005"]);
    assert!(
        stdout.contains("gate failed: file-level errors 1, required 0"),
        "{stdout}"
    );
    // The lines after the mark are still linted, with the right columns.
    write(
        dir.path(),
        "bom.jsonl",
        &format!("\u{FEFF}{}", lines(&[BAD_ROLE, BAD_ROLE])),
    );
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args(["--format", "concise", "bom.jsonl"]));
    assert_eq!(
        heads(&stdout),
        [
            "bom.jsonl:1:1: J005",
            "bom.jsonl:1:22: S005",
            "bom.jsonl:2:22: S005"
        ]
    );
    // In the full format the first line is shown from its first character, not the mark.
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "full",
        "--color",
        "never",
        "-q",
        "bom.jsonl",
    ]));
    assert!(
        stdout.contains("1 │ ·{\"messages\":[{\"role\":\"bot\""),
        "J005 shows the mark: {stdout}"
    );
    assert!(
        stdout.contains("1 │ {\"messages\":[{\"role\":\"bot\""),
        "S005 starts after it: {stdout}"
    );
    assert!(
        !stdout.contains('\u{FEFF}'),
        "the invisible mark is shown as a visible character: {stdout}"
    );
    let exit_zero = tunelint(dir.path())
        .args(["--format", "concise", "--exit-zero", "bom.jsonl"])
        .output()
        .expect("run");
    assert_eq!(exit_zero.status.code(), Some(0));
}

#[test]
fn lfs_pointer_is_reported_once() {
    let dir = tempdir();
    write(
        dir.path(),
        "train.jsonl",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["train.jsonl:1:1: J006"]);
    assert!(stdout.contains("git lfs pull"), "{stdout}");
    assert!(
        stdout.contains("gate failed: file-level errors 1"),
        "{stdout}"
    );
}

#[test]
fn pretty_printed_json_array_is_one_j007_not_a_flood_of_j001() {
    let dir = tempdir();
    let pretty = "[\n  {\n    \"messages\": [\n      {\"role\": \"user\", \"content\": \"Hello there, how are you?\"},\n      {\"role\": \"assistant\", \"content\": \"Fine, thank you for asking.\"}\n    ]\n  },\n  {\n    \"messages\": []\n  }\n]\n";
    write(dir.path(), "train.jsonl", pretty);
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--min-valid-pct",
        "0",
        "train.jsonl",
    ]));
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["train.jsonl:1:1: J007"]);
    assert!(stdout.contains("jq -c"), "{stdout}");
    // A compact array whose elements are spread over lines: the same.
    write(dir.path(), "train.jsonl", &format!("[{GOOD},\n {GOOD}]\n"));
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(code, 1);
    assert_eq!(heads(&stdout), ["train.jsonl:1:1: J007"]);
    assert!(stdout.contains("(e.g. `jq -c '.[]'`)"), "{stdout}");
    // A pretty-printed object: `.[]` would print its values; `jq -c .` is the fix.
    write(dir.path(), "train.jsonl", "{\n  \"messages\": []\n}\n");
    let (_, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(
        stdout.lines().next(),
        Some(
            "train.jsonl:1:1: J007 file is one pretty-printed JSON object, not JSON Lines; write it on one line (e.g. `jq -c .`)"
        )
    );
    // An object whose first line holds more than its `{`.
    write(
        dir.path(),
        "train.jsonl",
        &format!("{{\"messages\": [\n  {GOOD},\n  {GOOD}]}}\n"),
    );
    let (_, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(
        stdout.lines().next(),
        Some(
            "train.jsonl:1:1: J007 file is one JSON object spread over several lines, not JSON Lines; write it on one line (e.g. `jq -c .`)"
        )
    );
    // JSONL whose first record is broken is not one object: J001 on its lines.
    write(
        dir.path(),
        "train.jsonl",
        &format!("{}\n{GOOD}\n", &GOOD[..GOOD.len() - 1]),
    );
    let (_, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(heads(&stdout)[0], "train.jsonl:1:140: J001");
}

#[test]
fn endless_devices_end_at_once_with_j007() {
    for device in ["/dev/zero", "/dev/urandom"] {
        let started = std::time::Instant::now();
        let (code, stdout, _) = stdout_of(
            tunelint(Path::new("/"))
                .args(["--format", "concise", device])
                .timeout(std::time::Duration::from_secs(30)),
        );
        assert_eq!(code, 1, "{device}: {stdout}");
        assert_eq!(heads(&stdout), [format!("{device}:1:1: J007")]);
        assert!(
            stdout.contains("file is binary (NUL byte at offset "),
            "{stdout}"
        );
        assert!(
            started.elapsed().as_secs() < 10,
            "{device} took {:?}",
            started.elapsed()
        );
        // On standard input, which is copied to a temporary file first: the copy stops too.
        // (std's Command: assert_cmd would read the whole device into memory first.)
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
            .args(["--format", "concise", "-"])
            .stdin(fs::File::open(device).expect("open the device"))
            .output()
            .expect("run tunelint");
        let stdout = String::from_utf8(out.stdout).expect("utf-8 stdout");
        assert_eq!(out.status.code(), Some(1), "{device}: {stdout}");
        assert_eq!(heads(&stdout), ["-:1:1: J007"]);
    }
}

#[test]
fn a_pipe_holding_jsonl_is_linted_and_one_holding_binary_is_not_read_to_its_end() {
    use std::io::Write;
    use std::process::{Command as Process, Stdio};
    let dir = tempdir();
    let fifo = dir.path().join("pipe.jsonl");
    let made = Process::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // JSONL through a named pipe (what `tunelint <(cat train.jsonl)` opens): linted, and
    // the `full` format shows the line from memory (opening the pipe again would wait for
    // another writer forever). Rules that need no spool (`--select S`) read it once too:
    // looking for compression must not eat its first bytes nor open it again.
    for (format, select) in [
        ("concise", "ALL"),
        ("full", "ALL"),
        ("concise", "S"),
        ("concise", "J,S,O"),
    ] {
        let data = lines(&[GOOD, BAD_ROLE]);
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                fs::OpenOptions::new()
                    .write(true)
                    .open(fifo)
                    .expect("open the pipe")
                    .write_all(data.as_bytes())
            })
        };
        let (code, stdout, _) = stdout_of(
            tunelint(dir.path())
                .args(["--format", format, "--color", "never", "--select", select])
                .arg("pipe.jsonl")
                .timeout(std::time::Duration::from_secs(30)),
        );
        writer.join().expect("writer").expect("written");
        assert_eq!(code, 1, "--select {select}: {stdout}");
        match format {
            "concise" => assert_eq!(heads(&stdout), ["pipe.jsonl:2:22: S005"]),
            _ => assert!(
                stdout.contains(r#"2 │ {"messages":[{"role":"bot","content":"#),
                "{stdout}"
            ),
        }
    }
    // Binary data without end: J007, and the writer is left behind, not waited for.
    let mut writer = Process::new("sh")
        .arg("-c")
        .arg(format!("cat /dev/zero > '{}'", fifo.display()))
        .stderr(Stdio::null())
        .spawn()
        .expect("cat /dev/zero");
    let (code, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "pipe.jsonl"])
            .timeout(std::time::Duration::from_secs(30)),
    );
    let _ = writer.kill();
    let _ = writer.wait();
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(heads(&stdout), ["pipe.jsonl:1:1: J007"]);
}

#[test]
fn a_pipe_a_walk_skips_is_named() {
    use std::process::Command as Process;
    let dir = tempdir();
    fs::create_dir(dir.path().join("d")).expect("mkdir");
    let made = Process::new("mkfifo")
        .arg(dir.path().join("d/pipe.jsonl"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    // Alone in the folder: the error that nothing was found says why.
    let (code, _, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "d"])
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "skipped d/pipe.jsonl (a FIFO): a folder's walk reads only regular files; name it to read it"
        ),
        "{stderr}"
    );
    // Beside a file: the file is linted, the pipe named, not waited for.
    write(dir.path(), "d/train.jsonl", &lines(&[GOOD, BAD_ROLE]));
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "d"])
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(heads(&stdout), ["d/train.jsonl:2:22: S005"]);
    assert!(stderr.contains("skipped d/pipe.jsonl (a FIFO)"), "{stderr}");
    // A socket beside it is counted, not called a FIFO; alone, it is not said to be readable.
    let _socket =
        std::os::unix::net::UnixListener::bind(dir.path().join("d/sock.jsonl")).expect("a socket");
    let (_, _, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "d"])
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert!(
        stderr.contains("skipped d/pipe.jsonl (a FIFO) and 1 more that is not a regular file:"),
        "{stderr}"
    );
    fs::remove_file(dir.path().join("d/pipe.jsonl")).expect("rm");
    let (_, _, stderr) = stdout_of(
        tunelint(dir.path())
            .args(["--format", "concise", "d"])
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert!(
        stderr.contains(
            "skipped d/sock.jsonl (a socket): a folder's walk reads only regular files\n"
        ),
        "{stderr}"
    );
}

#[test]
fn utf16_and_cr_only_files_are_one_j007_that_says_how_to_convert_them() {
    let dir = tempdir();
    let text = lines(&[GOOD, GOOD]);
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let with_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(utf16le.clone()).collect();
    fs::write(dir.path().join("le.jsonl"), &utf16le).expect("write");
    fs::write(dir.path().join("bom.jsonl"), &with_bom).expect("write");
    write(dir.path(), "mac.jsonl", &text.replace('\n', "\r"));
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args(["--format", "concise", "."]));
    assert_eq!(code, 1);
    let findings: Vec<&str> = stdout.lines().take(3).collect();
    assert_eq!(
        findings,
        [
            "bom.jsonl:1:1: J007 file is UTF-16 (little-endian, with a byte-order mark) text, not UTF-8; convert it with `iconv -f UTF-16 -t UTF-8`",
            "le.jsonl:1:1: J007 file is UTF-16 (little-endian) text, not UTF-8; convert it with `iconv -f UTF-16LE -t UTF-8`",
            "mac.jsonl:1:1: J007 file uses CR-only line endings (\\r): Python's text mode and `datasets` split on them, but readers that split on \\n (binary-mode reads, `wc -l`, `split -l`) see one line; convert them to \\n (e.g. `tr '\\r' '\\n'`)",
        ]
    );
    assert!(stdout.contains("in 0 examples of 3 files"), "{stdout}");
}

#[test]
fn a_json_array_with_cr_line_ends_is_read_as_an_array() {
    // `\r` is whitespace to JSON: `json.load` and `datasets` read this file's two records.
    let dir = tempdir();
    write(
        dir.path(),
        "train.json",
        &format!("[{GOOD},\r{GOOD}]\r").replace("\n", ""),
    );
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--select",
        "J,S,O",
        "train.json",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("in 2 examples of 1 file"), "{stdout}");
}

#[test]
fn crlf_line_endings_lint_clean() {
    let dir = tempdir();
    write(
        dir.path(),
        "train.jsonl",
        &lines(&[GOOD, GOOD, BAD_ROLE]).replace('\n', "\r\n"),
    );
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(heads(&stdout), ["train.jsonl:3:22: S005"]);
    assert_eq!(code, 1);
    write(
        dir.path(),
        "train.jsonl",
        &lines(&[GOOD, GOOD]).replace('\n', "\r\n"),
    );
    tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .assert()
        .code(0)
        .stdout("0 errors, 0 warnings, 0 info in 2 examples of 1 file; 100.0% valid\n");
}

#[test]
fn missing_final_newline_is_info_and_passes() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", lines(&[GOOD, GOOD]).trim_end());
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(code, 0);
    let end = GOOD.chars().count() + 1;
    assert_eq!(heads(&stdout), [format!("train.jsonl:2:{end}: J009")]);
    assert!(
        stdout.contains("0 errors, 0 warnings, 1 info in 2 examples"),
        "{stdout}"
    );
    // The full format points at the end of the line, where the newline is missing.
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "full",
        "--color",
        "never",
        "-q",
        "train.jsonl",
    ]));
    let (source, caret) = underlined(&stdout, 2, "missing-final-newline");
    assert_eq!(caret, source.chars().count(), "{stdout}");
}

/// In a `full` report: the shown source line `line` (`2 │ ...`) and the column, in
/// characters of the report's line, of the caret labelled `label`.
fn underlined<'a>(stdout: &'a str, line: u64, label: &str) -> (&'a str, usize) {
    let source = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{line} │ ")))
        .expect("the line is shown");
    let carets = stdout
        .lines()
        .find(|l| l.contains(&format!("^ {label}")))
        .expect("underlined");
    let caret = carets.find('^').expect("a caret");
    (source, carets[..caret].chars().count())
}

#[test]
fn blank_lines_inside_are_j003_at_the_end_nothing() {
    let dir = tempdir();
    write(
        dir.path(),
        "train.jsonl",
        &format!("{}\n\n{}\n   \n{}\n\n\n \n", good(0), good(1), good(2)),
    );
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(code, 0, "J003 is a warning");
    assert_eq!(
        heads(&stdout),
        ["train.jsonl:2:1: J003", "train.jsonl:4:1: J003"]
    );
    assert!(stdout.contains("in 3 examples"), "{stdout}");
}

#[test]
fn files_without_examples_fail_the_valid_gate() {
    // An empty file, one of only newlines, /dev/null: nothing was checked, so nothing passes.
    let dir = tempdir();
    write(dir.path(), "empty.jsonl", "");
    write(dir.path(), "newlines.jsonl", "\n\n\n");
    tunelint(dir.path())
        .args(["--format", "concise", "empty.jsonl", "newlines.jsonl"])
        .assert()
        .code(1)
        .stdout("empty.jsonl:1:1: J011 file is empty: there is no example in it\nnewlines.jsonl:1:1: J011 file holds only blank lines: there is no example in it\n0 errors, 2 warnings, 0 info in 0 examples of 2 files; nothing to train on\ngate failed: valid examples none (the files hold no examples), required at least one example, 100% of them valid (gates.min_valid_pct)\n");
    if Path::new("/dev/null").exists() {
        tunelint(dir.path())
            .args(["--format", "concise", "/dev/null"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("gate failed: valid examples none"));
    }
    // A `.json` file holding an empty array, as written by `json.dump([], f)`, pretty or
    // not, or with nothing but punctuation in it.
    write(dir.path(), "empty.json", "[]\n");
    write(dir.path(), "pretty.json", "[\n]\n");
    write(dir.path(), "comma.json", "[,]\n");
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "empty.json",
        "pretty.json",
        "comma.json",
    ]));
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        heads(&stdout),
        [
            "comma.json:1:1: J011",
            "comma.json:1:2: J001",
            "comma.json:1:2: J001",
            "empty.json:1:1: J011",
            "pretty.json:1:1: J011"
        ]
    );
    assert!(
        stdout.contains(
            "empty.json:1:1: J011 the file's JSON array holds no record: there is no example in it"
        ),
        "{stdout}"
    );
    // No record decided the format of these files: the JSON output says `auto`, not the
    // format the reader would have fallen back to.
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "json",
        "empty.jsonl",
        "newlines.jsonl",
        "empty.json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let formats: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["auto", "auto", "auto"], "{stdout}");
    // `--format json`'s report of `args` run in `dir`, and its findings' codes.
    let report_of = |dir: &Path, args: &[&str]| -> serde_json::Value {
        let (_, stdout, _) = stdout_of(tunelint(dir).args(["--format", "json"]).args(args));
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    };
    let codes_of = |report: &serde_json::Value| -> Vec<String> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    // Nor did any record of files whose records all fit no format (each S001), as lines or as
    // an array: they were read in the fallback format, which is none of theirs.
    let hi =
        r#"{"id": "t1", "instruction": "Say hi", "instances": [{"input": "", "output": "hi"}]}"#;
    let bye =
        r#"{"id": "t2", "instruction": "Say bye", "instances": [{"input": "", "output": "bye"}]}"#;
    write(dir.path(), "seed.jsonl", &lines(&[hi, bye]));
    std::fs::write(dir.path().join("seed.json"), format!("[{hi},\n{bye}]\n")).unwrap();
    let (_, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "json", "seed.jsonl", "seed.json"]));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for file in report["files"].as_array().unwrap() {
        assert_eq!(file["format"], "auto", "{stdout}");
        assert_eq!(file["examples"], 2, "{stdout}");
    }
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["S001"; 4], "{stdout}");
    // A `.json` array read record by record (its records are not all at one indent) whose
    // first record is too long to read (J008): the next records decide the format, not the
    // empty batch before them (which read every sharegpt record as openai-chat, S001).
    let record = |i: usize, question: &str| {
        serde_json::json!({"conversations": [
            {"from": "human", "value": question},
            {"from": "gpt", "value": format!("It is {}, one more.", i + 1)},
        ]})
        .to_string()
    };
    let array = format!(
        "[{},\n {},\n  {}]\n",
        record(0, &"x".repeat(400)),
        record(37, "What is 37 plus one, my friend?"),
        record(80, "Tell me what 80 and one make together."),
    );
    let long = tempdir();
    std::fs::write(long.path().join("d.json"), array).unwrap();
    write(
        long.path(),
        "tunelint.toml",
        "[rules]\nline-too-large = { max_line_bytes = 300 }\n",
    );
    let report = report_of(long.path(), &["d.json"]);
    assert_eq!(report["files"][0]["format"], "sharegpt", "{report}");
    assert_eq!(codes_of(&report), ["J008"], "{report}");
    // The same as an indented array whose first megabyte is all records too long to read
    // (read in pieces, the format detected from the head): the later records are sharegpt.
    let sharegpt = |i: usize, question: String| {
        serde_json::json!({"conversations": [
            {"from": "human", "value": question},
            {"from": "gpt", "value": format!("Number {i} has {} digits.", i.to_string().len())},
        ]})
    };
    let records: Vec<serde_json::Value> = (0..10)
        .map(|i| sharegpt(i, format!("word{i} ").repeat(20_000)))
        .chain((0..20).map(|i| sharegpt(i, format!("Tell me about number {i}."))))
        .collect();
    std::fs::write(
        long.path().join("pretty.json"),
        serde_json::to_string_pretty(&records).unwrap(),
    )
    .unwrap();
    write(
        long.path(),
        "tunelint.toml",
        "[rules]\nline-too-large = { max_line_bytes = 100000 }\n",
    );
    let report = report_of(long.path(), &["--select", "J,S", "pretty.json"]);
    assert_eq!(report["files"][0]["format"], "sharegpt", "{report}");
    assert_eq!(report["files"][0]["valid"], 20, "{report}");
    // A file whose first thousand records fit no format but whose later ones are valid
    // chat records was read as that: it says so.
    let chat = lines(&[GOOD]);
    let undecided: String = std::iter::repeat_n(format!("{hi}\n"), 1000)
        .chain(std::iter::repeat_n(chat, 5))
        .collect();
    std::fs::write(long.path().join("late.jsonl"), undecided).unwrap();
    let report = report_of(long.path(), &["--select", "J,S", "late.jsonl"]);
    assert_eq!(report["files"][0]["format"], "openai-chat", "{report}");
    assert_eq!(report["files"][0]["valid"], 5, "{report}");
    // With one example, the same files pass.
    write(dir.path(), "one.jsonl", &lines(&[GOOD]));
    tunelint(dir.path())
        .args(["--format", "concise", "empty.jsonl", "one.jsonl"])
        .assert()
        .code(0);
}

#[test]
fn nothing_to_lint_is_an_error_naming_the_paths() {
    let dir = tempdir();
    fs::create_dir_all(dir.path().join("empty")).unwrap();
    write(dir.path(), "notes/readme.txt", "not data");
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args(["empty", "notes"]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_clean_error(&stderr);
    assert!(stderr.contains("empty, notes"), "{stderr}");
    assert!(stderr.contains("*.jsonl"), "{stderr}");
    // The current directory, when no path is given.
    let (code, _, stderr) = stdout_of(tunelint(&dir.path().join("empty")).arg("--isolated"));
    assert_eq!(code, 2);
    assert!(stderr.contains("in ."), "{stderr}");
    // pre-commit naming only files the configuration excludes: nothing to do, no failure.
    write(dir.path(), "tunelint.toml", "exclude = [\"raw/**\"]\n");
    write(dir.path(), "raw/a.jsonl", &lines(&[BAD_ROLE]));
    tunelint(dir.path())
        .args(["--force-exclude", "raw/a.jsonl"])
        .assert()
        .code(0);
}

#[test]
fn ndjson_and_upper_case_extensions_are_discovered() {
    let dir = tempdir();
    write(dir.path(), "data/a.ndjson", &lines(&[BAD_ROLE]));
    write(dir.path(), "data/B.JSONL", &lines(&[BAD_ROLE]));
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "-q", "data"]));
    assert_eq!(code, 1);
    assert_eq!(
        heads(&stdout),
        ["data/B.JSONL:1:22: S005", "data/a.ndjson:1:22: S005"]
    );
}

#[test]
fn closed_stdin_is_an_error() {
    let dir = tempdir();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .arg("-")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let (code, stderr) = (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("standard input is closed"), "{stderr}");
}

#[test]
fn jobs_out_of_range_is_a_usage_error() {
    let dir = tempdir();
    write(dir.path(), "t.jsonl", &lines(&[GOOD]));
    for jobs in ["0", "257", "100000", "99999999999", "many"] {
        let (code, stdout, stderr) =
            stdout_of(tunelint(dir.path()).args(["--jobs", jobs, "t.jsonl"]));
        assert_eq!(code, 2, "--jobs {jobs}: {stdout}{stderr}");
        assert!(stderr.contains("--jobs"), "{stderr}");
    }
    tunelint(dir.path())
        .args(["--jobs", "256", "t.jsonl"])
        .assert()
        .code(0);
}

#[test]
fn an_empty_rule_list_is_a_usage_error() {
    let dir = tempdir();
    write(dir.path(), "t.jsonl", &lines(&[BAD_ROLE]));
    for flag in ["--select", "--ignore", "--warn"] {
        let (code, _, stderr) = stdout_of(tunelint(dir.path()).args([flag, "", "t.jsonl"]));
        assert_eq!(code, 2, "{flag} ''");
        assert!(
            stderr.contains(&format!("{flag} was given no rule")),
            "{stderr}"
        );
    }
}

/// The ways one path can name a file: as given, `./`, absolute, a symlink, a hard link.
fn spellings(dir: &Path, name: &str) -> Vec<String> {
    let mut out = vec![name.to_string(), format!("./{name}")];
    out.push(dir.join(name).display().to_string());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(name, dir.join("link.jsonl")).unwrap();
        out.push("link.jsonl".to_string());
    }
    fs::hard_link(dir.join(name), dir.join("hard.jsonl")).unwrap();
    out.push("hard.jsonl".to_string());
    out
}

/// What a run reads besides the data (its configuration, a baseline, a LLaMA-Factory
/// registry, a benchmark file) is an input too: no output overwrites it, while
/// `--baseline F --write-baseline F` still refreshes the baseline.
#[test]
fn no_output_writes_over_what_the_run_reads() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "t.jsonl", &lines(&[GOOD]));
    write(d, "bench.jsonl", &lines(&[SHORT]));
    write(d, "lf/t.jsonl", &lines(&[GOOD]));
    write(
        d,
        "lf/dataset_info.json",
        r#"{"t": {"file_name": "t.jsonl"}}"#,
    );
    let config = "[contamination]\nbenchmarks = [\"bench.jsonl\"]\n";
    write(d, "tunelint.toml", config);
    let (code, _, stderr) = stdout_of(tunelint(d).args(["t.jsonl", "--write-baseline", "b.json"]));
    assert_eq!(code, 0, "{stderr}");
    let baseline = fs::read_to_string(d.join("b.json")).unwrap();
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["t.jsonl", "-o", "tunelint.toml"],
            "tunelint.toml",
            "the configuration this run reads",
        ),
        (
            &["t.jsonl", "--json-file", "./bench.jsonl"],
            "bench.jsonl",
            "a benchmark file this run reads",
        ),
        (
            &["lf", "--sarif-file", "lf/dataset_info.json"],
            "lf/dataset_info.json",
            "the dataset registry this run reads",
        ),
        (
            &[
                "t.jsonl",
                "--baseline",
                "b.json",
                "--summary-file",
                "b.json",
            ],
            "b.json",
            "the baseline this run reads",
        ),
        (
            &["t.jsonl", "--baseline", "b.json", "-o", "b.json"],
            "b.json",
            "the baseline this run reads",
        ),
        (
            &["dedupe", "t.jsonl", "-o", "tunelint.toml"],
            "tunelint.toml",
            "the configuration this run reads",
        ),
    ];
    for (args, file, says) in cases {
        let before = fs::read_to_string(d.join(file)).unwrap();
        let (code, _, stderr) = stdout_of(tunelint(d).args(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(
            fs::read_to_string(d.join(file)).unwrap(),
            before,
            "{args:?}"
        );
    }
    let (code, _, stderr) = stdout_of(tunelint(d).args([
        "t.jsonl",
        "--baseline",
        "b.json",
        "--write-baseline",
        "b.json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read_to_string(d.join("b.json")).unwrap(), baseline);
}

#[test]
fn no_output_option_writes_over_an_input() {
    let dir = tempdir();
    let data = lines(&[BAD_ROLE, GOOD]);
    write(dir.path(), "data/t.jsonl", &data);
    let here = dir.path().join("data");
    let options = [
        "-o",
        "--output-file",
        "--json-file",
        "--sarif-file",
        "--summary-file",
    ];
    for path in spellings(&here, "t.jsonl") {
        for option in options {
            let (code, stdout, stderr) =
                stdout_of(tunelint(&here).args(["--format", "concise", option, &path, "t.jsonl"]));
            assert_eq!(code, 2, "{option} {path}: {stdout}{stderr}");
            assert_clean_error(&stderr);
            assert!(stderr.contains("never writes over its input"), "{stderr}");
            assert_eq!(fs::read_to_string(here.join("t.jsonl")).unwrap(), data);
        }
    }
    // An output inside a directory being linted, which discovery finds as an input.
    for option in options {
        let (code, _, stderr) =
            stdout_of(tunelint(dir.path()).args([option, "data/t.jsonl", "data"]));
        assert_eq!(code, 2, "{option}: {stderr}");
        assert_eq!(fs::read_to_string(here.join("t.jsonl")).unwrap(), data);
    }
    // dedupe -o, by every spelling too.
    for path in ["t.jsonl", "./t.jsonl", "link.jsonl", "hard.jsonl"] {
        if !here.join(path).exists() {
            continue;
        }
        let (code, _, stderr) = stdout_of(tunelint(&here).args(["dedupe", "t.jsonl", "-o", path]));
        assert_eq!(code, 2, "dedupe -o {path}: {stderr}");
        assert!(stderr.contains("never writes over its input"), "{stderr}");
        assert_eq!(fs::read_to_string(here.join("t.jsonl")).unwrap(), data);
    }
    // Standard input redirected from the file (`tunelint -o t.jsonl - < t.jsonl`), for
    // `check` and `stats`: the file is an input all the same.
    for args in [
        &["-o", "t.jsonl", "-"][..],
        &["--sarif-file", "t.jsonl", "-"],
        &["stats", "-o", "t.jsonl", "-"],
        &["dedupe", "-", "-o", "t.jsonl"],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
            .current_dir(&here)
            .args(args)
            .arg("--isolated")
            .stdin(fs::File::open(here.join("t.jsonl")).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is the file standard input is read from"),
            "{stderr}"
        );
        assert_eq!(
            fs::read_to_string(here.join("t.jsonl")).unwrap(),
            data,
            "{args:?}"
        );
    }
    // Two outputs on one file would interleave.
    let (code, _, stderr) =
        stdout_of(tunelint(&here).args(["-o", "out.txt", "--json-file", "./out.txt", "t.jsonl"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("give each output its own path"), "{stderr}");
}

#[test]
fn outputs_replace_files_whole_and_append_the_summary() {
    let dir = tempdir();
    write(dir.path(), "t.jsonl", &lines(&[BAD_ROLE]));
    write(dir.path(), "report.json", "old report");
    write(dir.path(), "summary.md", "# earlier step\n");
    let (code, _, _) = stdout_of(tunelint(dir.path()).args([
        "--json-file",
        "report.json",
        "--summary-file",
        "summary.md",
        "t.jsonl",
    ]));
    assert_eq!(code, 1);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap())
            .expect("the old report is replaced by a whole JSON document");
    assert_eq!(json["summary"]["examples"], 1);
    let summary = fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(summary.starts_with("# earlier step\n"), "{summary}");
    assert!(summary.len() > "# earlier step\n".len(), "{summary}");
    // No temporary file is left beside the outputs.
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tunelint"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    // Writing to a device works and does not replace it.
    #[cfg(unix)]
    tunelint(dir.path())
        .args(["-o", "/dev/null", "t.jsonl"])
        .assert()
        .code(1);
    #[cfg(unix)]
    assert!(!fs::metadata("/dev/null").unwrap().is_file());
}

#[test]
fn a_closed_pipe_is_not_an_error_in_any_format() {
    // `tunelint | head -c 1`: the reader stops early; the status is still the gates'.
    let dir = tempdir();
    let many: Vec<String> = (0..3000).map(|_| BAD_ROLE.to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    write(dir.path(), "t.jsonl", &lines(&refs));
    for format in ["full", "concise", "json", "sarif", "github", "markdown"] {
        let bin = assert_cmd::cargo::cargo_bin("tunelint");
        let script = format!(
            "'{}' --isolated --format {format} t.jsonl | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            bin.display()
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(status, "1", "{format}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
    }
}

#[test]
fn over_long_lines_are_skipped_and_the_rest_keeps_its_line_numbers() {
    let dir = tempdir();
    write(
        dir.path(),
        "tunelint.toml",
        "[rules]\nJ008 = { max_line_bytes = 1000 }\n",
    );
    let long = |n: usize| {
        format!(
            r#"{{"messages":[{{"role":"bot","content":"{}"}}]}}"#,
            "x".repeat(n)
        )
    };
    // 2,000 bytes: within one read chunk. 1.5 MiB: longer than a chunk, never buffered whole.
    let (small, huge) = (long(2000), long(3 << 19));
    let text = lines(&[GOOD, &small, BAD_ROLE, &huge, GOOD, BAD_ROLE, &huge]);
    write(dir.path(), "train.jsonl", &text);
    let (code, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(code, 1);
    assert_eq!(
        heads(&stdout),
        [
            "train.jsonl:2:1: J008",
            "train.jsonl:3:22: S005",
            "train.jsonl:4:1: J008",
            "train.jsonl:6:22: S005",
            "train.jsonl:7:1: J008"
        ]
    );
    assert!(
        stdout.contains(&format!(
            "train.jsonl:2:1: J008 line is {} bytes",
            tunelint::wording::thousands(small.len() as u64)
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "train.jsonl:4:1: J008 line is {} bytes",
            tunelint::wording::thousands(huge.len() as u64)
        )),
        "{stdout}"
    );
    assert!(stdout.contains("in 7 examples"), "{stdout}");
    // The full format shows a cropped start of a skipped line, not megabytes.
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "full",
        "--color",
        "never",
        "train.jsonl",
    ]));
    assert!(
        stdout.lines().all(|l| l.chars().count() < 200),
        "no line of the output is huge"
    );
    assert!(stdout.contains("┌─ train.jsonl:4:1\n"), "{stdout}");
    // The same file without its last newline: J009 at the end of the skipped last line, in
    // characters (a skipped line is never buffered whole, so they are counted as it is
    // read), for a line longer than a read chunk and for one within it.
    for last in [format!("{huge}é"), format!("{small}é")] {
        let text = lines(&[GOOD, &last]);
        write(dir.path(), "train.jsonl", text.trim_end_matches('\n'));
        let (code, stdout, _) =
            stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
        assert_eq!(code, 1);
        let column = last.chars().count() + 1;
        assert_eq!(
            heads(&stdout),
            [
                "train.jsonl:2:1: J008".to_owned(),
                format!("train.jsonl:2:{column}: J009")
            ],
            "{stdout}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Output options

#[test]
fn color_always_never_and_piped() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[BAD_ROLE, SHORT]));
    for format in ["full", "concise"] {
        let run = |color: Option<&str>| {
            let mut cmd = tunelint(dir.path());
            cmd.args(["--format", format]);
            if let Some(c) = color {
                cmd.args(["--color", c]);
            }
            stdout_of(cmd.arg("train.jsonl")).1
        };
        let always = run(Some("always"));
        assert!(
            always.contains("\u{1b}["),
            "ANSI escapes with --color always in {format}"
        );
        let never = run(Some("never"));
        assert!(!never.contains('\u{1b}'), "{never}");
        // Piped (as here) with the default auto: no colour.
        assert_eq!(run(None), never);
        // Without the escapes, the coloured output says the same thing.
        let mut stripped = String::new();
        let mut chars = always.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                stripped.push(c);
            }
        }
        assert_eq!(stripped, never, "{format}");
    }
}

#[test]
fn output_file_receives_the_output() {
    let dir = tempdir();
    write(dir.path(), "train.jsonl", &lines(&[BAD_ROLE]));
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--output-file",
        "out.txt",
        "train.jsonl",
    ]));
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    let written = fs::read_to_string(dir.path().join("out.txt")).expect("output file written");
    assert!(
        written.starts_with("train.jsonl:1:22: S005 unknown role \"bot\""),
        "{written}"
    );
    assert!(written.contains("gate failed"), "{written}");
    // Into a directory that does not exist: an I/O error, exit 2.
    let (code, _, stderr) = stdout_of(tunelint(dir.path()).args([
        "--output-file",
        "no/such/dir/out.txt",
        "train.jsonl",
    ]));
    assert_eq!(code, 2);
    assert_clean_error(&stderr);
    assert!(stderr.contains("no/such/dir/out.txt"), "{stderr}");
}

/// A multi-MB file with defects spread across it, and what tunelint must report for it:
/// `(line, column, code)`.
fn generated_dataset() -> (String, Vec<(usize, usize, &'static str)>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit; ".repeat(5);
    let mut line = 0;
    for i in 0..15_000 {
        line += 1;
        // Non-ASCII text before the defect: columns count code points, not bytes.
        let user = format!("Question {i}: ¿qué tal? 日本語 {filler}");
        let record = if i % 997 == 500 {
            let head = format!(r#"{{"messages":[{{"role":"user","content":"{user}"}},{{"role":"#);
            expected.push((line, head.chars().count() + 1, "S005"));
            format!(r#"{head}"bot","content":"Answer {i}: fine, thank you."}}]}}"#)
        } else if i % 1499 == 700 {
            let head = format!(r#"{{"messages":[{{"role":"user","content":"{user}"}},"#);
            // The trailing comma is the error.
            expected.push((line, head.chars().count(), "J001"));
            format!("{head}]}}")
        } else {
            format!(
                r#"{{"messages":[{{"role":"user","content":"{user}"}},{{"role":"assistant","content":"Answer {i}: fine, thank you."}}]}}"#
            )
        };
        text.push_str(&record);
        text.push('\n');
        if i % 2503 == 1000 {
            line += 1;
            expected.push((line, 1, "J003"));
            text.push('\n');
        }
    }
    (text, expected)
}

#[test]
fn jobs_1_and_4_give_identical_output_on_a_multi_megabyte_file() {
    let dir = tempdir();
    let (text, expected) = generated_dataset();
    assert!(
        text.len() > 5 << 20,
        "more than five 1 MiB chunks: {}",
        text.len()
    );
    write(dir.path(), "big.jsonl", &text);
    let run = |format: &str, jobs: &str| {
        stdout_of(tunelint(dir.path()).args([
            "--format",
            format,
            "--color",
            "never",
            // The records come from one template: near-duplicates would bury the planted
            // defects this test is about (D rules have their own tests), and so would the
            // composition of a file of one kind of example (B rules).
            "--ignore",
            "D",
            "--ignore",
            "B",
            "--jobs",
            jobs,
            "big.jsonl",
        ]))
    };
    let (code1, concise1, _) = run("concise", "1");
    let (code4, concise4, _) = run("concise", "4");
    assert_eq!((code1, code4), (1, 1));
    assert_eq!(concise1, concise4);
    let want: Vec<String> = expected
        .iter()
        .map(|(line, col, code)| format!("big.jsonl:{line}:{col}: {code}"))
        .collect();
    assert_eq!(heads(&concise1), want);
    // One defect far into the file, worked out by hand: the 15th bad role is record 14,458
    // (0-based), after six blank lines (records 1000, 3503, 6006, 8509, 11012, 13515).
    let record = 997 * 14 + 500;
    let line = record + 1 + 6;
    assert_eq!(line, 14_465);
    let source = text.lines().nth(line - 1).expect("line exists");
    let at = source
        .find("\"bot\"")
        .expect("the bad role is on that line");
    let column = source[..at].chars().count() + 1;
    assert_ne!(
        column,
        at + 1,
        "non-ASCII text before the role: code points differ from bytes"
    );
    assert!(
        concise1.contains(&format!(
            "big.jsonl:{line}:{column}: S005 unknown role \"bot\""
        )),
        "line {line}"
    );
    let (_, full1, _) = run("full", "1");
    let (_, full4, _) = run("full", "4");
    assert_eq!(full1, full4);
    assert!(full1.contains(&format!("┌─ big.jsonl:{line}:")), "{line}");
}

#[test]
fn deeply_nested_lines_are_j001_not_a_crash() {
    let dir = tempdir();
    let open = "[".repeat(100_000);
    let closed = format!("{open}{}", "]".repeat(100_000));
    for (first, name) in [(&open, "open"), (&closed, "closed")] {
        for rest in [&[][..], &[GOOD][..]] {
            let mut all = vec![first.as_str()];
            all.extend(rest);
            write(dir.path(), "deep.jsonl", &lines(&all));
            let (code, stdout, stderr) =
                stdout_of(tunelint(dir.path()).args(["--format", "concise", "deep.jsonl"]));
            assert_eq!(code, 1, "{name}: {stderr}");
            assert_eq!(
                heads(&stdout),
                ["deep.jsonl:1:129: J001"],
                "{name}, {} lines",
                all.len()
            );
            // It may be valid JSON (Python reads about 1,000 levels): not "invalid".
            assert!(
                stdout.contains(
                    "J001 JSON nesting deeper than 128 levels, which tunelint does not read"
                ),
                "{stdout}"
            );
            assert!(!stdout.contains("invalid JSON"), "{stdout}");
        }
    }
}

/// A line of a million tiny messages would take gigabytes once read into a conversation
/// (about 200 bytes a message): past the parser's limit it is reported as not read, and
/// the lines after it are checked as usual.
#[test]
fn a_line_of_too_many_objects_is_j001_not_gigabytes() {
    let dir = tempdir();
    let messages = vec!["{}"; (1 << 20) + 1].join(",");
    let huge = format!(r#"{{"messages": [{messages}]}}"#);
    write(dir.path(), "huge.jsonl", &lines(&[&huge, GOOD]));
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "huge.jsonl"]));
    assert_eq!(code, 1, "{stderr}");
    // The object and its array count too: the error is at the message that goes past.
    let column = r#"{"messages": ["#.len() + 3 * ((1 << 20) - 2) + 1;
    assert_eq!(
        heads(&stdout),
        [format!("huge.jsonl:1:{column}: J001")],
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "J001 JSON with more than 1,048,576 objects and arrays in one line, which tunelint does not read"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("in 2 examples"), "{stdout}");
}

/// The inputs are remembered (so no output can overwrite one) without holding them open: a
/// run over more files than the process may open at once lints every one of them.
#[cfg(unix)]
#[test]
fn more_inputs_than_open_file_descriptors_are_all_linted() {
    let dir = tempdir();
    let files = 400;
    for i in 0..files {
        write(
            dir.path(),
            &format!("data/part-{i:04}.jsonl"),
            &lines(&[GOOD]),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("tunelint");
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .args(["-c", "ulimit -n 128 && exec \"$0\" \"$@\""])
        .arg(&bin)
        .args(["--isolated", "--format", "json", "data"])
        .output()
        .expect("run tunelint under sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    let linted = json["files"].as_array().expect("files array");
    assert_eq!(linted.len(), files, "{stderr}");
    assert!(
        linted.iter().all(|f| f["examples"] == 1 && f["valid"] == 1),
        "every file read: {stderr}"
    );
}

/// A directory walk skips what is not a regular file, through a link too: a link named
/// `*.jsonl` to a FIFO would block the run forever on opening it (a FIFO found itself was
/// already skipped; both are named in a note), one to a regular file is read (once: here
/// the file is in the walk too), and a broken one is reported.
#[test]
fn a_walk_follows_links_only_to_files() {
    use std::process::Command as Process;
    let dir = tempdir();
    let d = dir.path();
    write(d, "data/ok.jsonl", &lines(&[GOOD]));
    let made = Process::new("mkfifo")
        .arg(d.join("pipe"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("../pipe", d.join("data/pipe.jsonl")).expect("symlink");
    std::os::unix::fs::symlink("ok.jsonl", d.join("data/link.jsonl")).expect("symlink");
    std::os::unix::fs::symlink("gone.jsonl", d.join("data/broken.jsonl")).expect("symlink");
    let out = tunelint(d)
        .args(["--format", "concise", "data"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("in 1 example of 2 files"), "{stdout}");
    assert!(
        stderr.contains("data/broken.jsonl: could not be read"),
        "{stderr}"
    );
    // The pipe is not read, and a note names it.
    assert!(!stdout.contains("pipe"), "{stdout}");
    assert!(
        stderr.contains("skipped data/pipe.jsonl (a FIFO)"),
        "{stderr}"
    );
}

/// A model's tokenizer in `d/model/` and a chat template `d/chat.jinja`, from the fixtures.
fn model_and_template(d: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hf");
    fs::create_dir_all(d.join("model")).unwrap();
    fs::copy(
        fixtures.join("tokenizers/bpe-chatml/tokenizer.json"),
        d.join("model/tokenizer.json"),
    )
    .unwrap();
    fs::copy(
        fixtures.join("templates/chatml_qwen.jinja"),
        d.join("chat.jinja"),
    )
    .unwrap();
}

/// The tokenizer and chat template `[tokens]` points at are read by the run too: no
/// output overwrites them.
#[test]
fn no_output_writes_over_the_tokenizer() {
    let dir = tempdir();
    let d = dir.path();
    model_and_template(d);
    write(d, "t.jsonl", &lines(&[GOOD]));
    write(
        d,
        "tunelint.toml",
        "[tokens]\ntokenizer = \"model\"\nchat_template = \"chat.jinja\"\n",
    );
    let cases: [(&[&str], &str); 3] = [
        (
            &["t.jsonl", "--token-stats", "-o", "chat.jinja"],
            "chat.jinja",
        ),
        (
            &["t.jsonl", "--json-file", "model/tokenizer.json"],
            "model/tokenizer.json",
        ),
        (&["stats", "t.jsonl", "-o", "./chat.jinja"], "chat.jinja"),
    ];
    for (args, file) in cases {
        let before = fs::read(d.join(file)).unwrap();
        let (code, _, stderr) = stdout_of(tunelint(d).args(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_clean_error(&stderr);
        assert!(
            stderr.contains("a tokenizer file this run reads"),
            "{args:?}: {stderr}"
        );
        assert_eq!(fs::read(d.join(file)).unwrap(), before, "{args:?}");
    }
}

/// A JSON array whose punctuation is broken (a missing `,`, no closing `]`) loads in no JSON
/// reader, whatever its records: the run fails on the file-level gate, though every record
/// is valid.
#[test]
fn a_broken_json_array_fails_the_run() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "missing-comma.json", &format!("[{GOOD} {SHORT}]\n"));
    write(d, "cut.json", &format!("[{GOOD},\n{SHORT}\n"));
    write(d, "whole.json", &format!("[{GOOD},\n{SHORT}]\n"));
    for (file, code) in [
        ("missing-comma.json", 1),
        ("cut.json", 1),
        ("whole.json", 0),
    ] {
        let (got, stdout, stderr) =
            stdout_of(tunelint(d).args(["--format", "concise", "--ignore", "B,C,D", file]));
        assert_eq!(got, code, "{file}: {stdout}{stderr}");
        if code == 1 {
            assert!(stdout.contains(" J001 invalid JSON: "), "{stdout}");
            assert!(stdout.contains("100.0% valid"), "{stdout}");
            assert!(
                stdout.contains("gate failed: file-level errors 1"),
                "{stdout}"
            );
        }
    }
}

#[test]
fn a_folder_whose_data_is_all_excluded_says_so() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data/a.jsonl", &format!("{}\n", good(0)));
    write(d, "data/b.jsonl", &format!("{}\n", good(1)));
    write(d, "tunelint.toml", "exclude = [\"data/**\"]\n");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("data"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "no dataset files to lint in data: the 2 data files there are all excluded by \
             `exclude` in tunelint.toml (remove the pattern that matches, or pass --isolated \
             to ignore the configuration)"
        ),
        "{stderr}"
    );
    // A folder with no data file at all keeps the message about names.
    std::fs::create_dir(d.join("empty")).expect("mkdir");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("empty"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "tunelint looks for *.jsonl and *.ndjson files, plain or compressed (.gz, .zst), \
             *.parquet tables and the .json files a dataset_info.json lists"
        ),
        "{stderr}"
    );
}

/// Data kept out of git (`dvc add` writes a `.gitignore` beside it) is skipped by a walk, as
/// git skips it; when that leaves nothing, the error says so and how to lint it anyway.
#[test]
fn a_folder_whose_data_is_all_gitignored_says_so() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "data/train.jsonl", &format!("{}\n", good(0)));
    write(d, "data/.gitignore", "/train.jsonl\n");
    for (command, args) in [
        ("tunelint", vec!["--isolated", "data"]),
        ("tunelint", vec!["--isolated"]),
        ("tunelint stats", vec!["stats", "--isolated", "data"]),
        ("tunelint sample", vec!["sample", "--isolated", "data"]),
    ] {
        let (code, _, stderr) = stdout_of(tunelint(d).args(&args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                ": the one data file there is ignored by a .gitignore or .ignore file (name it \
                 to read it all the same: `{command} data/train.jsonl`; or walk without ignore \
                 files: --no-respect-gitignore)"
            )),
            "{args:?}: {stderr}"
        );
    }
    let (code, stdout, stderr) = stdout_of(tunelint(d).args(["--isolated", "data/train.jsonl"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn the_full_format_underlines_the_byte_that_is_not_utf8() {
    let dir = tempdir();
    let mut bytes = br#"{"messages": [{"role": "user", "content": "caf"#.to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b" au lait\"}]}\n");
    fs::write(dir.path().join("train.jsonl"), &bytes).expect("write");
    let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "full",
        "--color",
        "never",
        "-q",
        "--select",
        "J",
        "train.jsonl",
    ]));
    assert!(stdout.contains("train.jsonl:1:47"), "{stdout}");
    let (source, caret) = underlined(&stdout, 1, "invalid-utf8");
    let bad = source.find('\u{FFFD}').map(|i| source[..i].chars().count());
    assert_eq!(Some(caret), bad, "{stdout}");
}

#[cfg(unix)]
#[test]
fn a_config_link_to_nothing_is_an_error_not_the_defaults() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.jsonl", &format!("{}\n", good(0)));
    std::os::unix::fs::symlink(d.join("shared/tunelint.toml"), d.join("tunelint.toml"))
        .expect("symlink");
    let (code, _, stderr) = stdout_of(tunelint(d).arg("train.jsonl"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("tunelint.toml: cannot read config file: it is a symbolic link to"),
        "{stderr}"
    );
    assert!(stderr.contains("which does not exist"), "{stderr}");
    // --isolated does not look for it.
    let (code, _, stderr) = stdout_of(tunelint(d).args(["--isolated", "train.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn usage_errors_say_what_to_do() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.jsonl", &format!("{}\n", good(0)));
    // A percentage may be written with its sign.
    let (code, _, stderr) = stdout_of(tunelint(d).args(["--min-valid-pct", "99%", "train.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = stdout_of(tunelint(d).args(["--min-valid-pct", "most", "train.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("expected a percentage such as 99, 99.5 or 99%"),
        "{stderr}"
    );
    // An output in a folder that does not exist.
    let (code, _, stderr) = stdout_of(tunelint(d).args(["-o", "out/report.txt", "train.jsonl"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write out/report.txt: its folder out does not exist"),
        "{stderr}"
    );
    // A file whose folder takes no new file (the output is written beside it and renamed):
    // the folder is the reason, not a missing file.
    if Path::new("/proc/version").is_file() {
        let (code, _, stderr) = stdout_of(tunelint(d).args(["-o", "/proc/version", "train.jsonl"]));
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr
                .contains("cannot write /proc/version: cannot create a file in its folder /proc ("),
            "{stderr}"
        );
    }
    // A first refresh of a baseline that is not there yet.
    let (code, _, stderr) = stdout_of(tunelint(d).args([
        "--baseline",
        "b.json",
        "--write-baseline",
        "b.json",
        "train.jsonl",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no such file (create it with --write-baseline b.json alone first)"),
        "{stderr}"
    );
}

/// The pre-commit hook's `--json-records-only` lints a `.json` file of JSON Lines records
/// (`datasets` loads one from a `.json` name) as it lints a `.json` array of records, and
/// still skips a configuration file, pretty-printed or minified on one line, a request body
/// on one line and a log of objects.
#[test]
fn json_records_only_lints_json_lines_saved_as_json() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.json", &lines(&[GOOD, BAD_ROLE]));
    write(
        d,
        "package.json",
        "{\"name\":\"x\",\"version\":\"1.0.0\",\"private\":true}\n",
    );
    write(
        d,
        "tsconfig.json",
        "{\"compilerOptions\":{\"strict\":true}}",
    );
    let hook = [
        "--force-exclude",
        "--context",
        "dataset",
        "--json-records-only",
        "--format",
        "concise",
        "--",
    ];
    let (code, stdout, stderr) =
        stdout_of(
            tunelint(d)
                .args(hook)
                .args(["train.json", "package.json", "tsconfig.json"]),
        );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(heads(&stdout), ["train.json:2:22: S005"]);
    // One object on one line is a request body or a configuration, whatever its keys, and
    // lines of objects without a record format's key are a log: both are skipped.
    write(
        d,
        "request.json",
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}\n",
    );
    write(
        d,
        "events.json",
        "{\"level\":\"info\",\"msg\":\"started\"}\n{\"level\":\"warn\",\"msg\":\"slow\"}\n",
    );
    let (code, stdout, stderr) = stdout_of(tunelint(d).args(hook).args([
        "package.json",
        "tsconfig.json",
        "request.json",
        "events.json",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stderr,
        "tunelint: no file named holds records (package.json is neither an array of records nor JSON Lines of them); nothing to lint\n"
    );
}

/// A numeric option given something else says what it expects, in the words of the option,
/// as `--max-duplicates` and `--min-valid-pct` do, not Rust's parse error.
#[test]
fn numeric_options_say_what_they_expect() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.jsonl", &format!("{}\n", good(0)));
    let cases: [(&[&str], &str); 12] = [
        // A negative value after a space is the option's value, not an unknown flag.
        (
            &["--max-warnings", "-1", "train.jsonl"],
            "invalid value '-1' for '--max-warnings <N>': expected a whole number of warnings such as 0 or 100",
        ),
        (
            &["sample", "-n", "-3", "train.jsonl"],
            "invalid value '-3' for '--count <N>': expected a whole number of examples",
        ),
        (
            &["--max-warnings", "1.5", "train.jsonl"],
            "invalid value '1.5' for '--max-warnings <N>': expected a whole number of warnings such as 0 or 100",
        ),
        (
            &["--max-warnings", "10%", "train.jsonl"],
            "expected a whole number of warnings such as 0 or 100 (not a percentage)",
        ),
        (
            &["--max-warnings", "99999999999999999999", "train.jsonl"],
            "too large; at most 18446744073709551615",
        ),
        (
            &["--jobs", "four", "train.jsonl"],
            "invalid value 'four' for '--jobs <N>': expected a number of worker threads from 1 to 256",
        ),
        (
            &["--jobs", "0", "train.jsonl"],
            "expected a number of worker threads from 1 to 256",
        ),
        (
            &["sample", "--seed", "18446744073709551616", "train.jsonl"],
            "invalid value '18446744073709551616' for '--seed <S>': too large; at most 18446744073709551615",
        ),
        (
            &["sample", "--seed", "abc", "train.jsonl"],
            "expected a whole number such as 0 or 42",
        ),
        (
            &["sample", "-n", "ten", "train.jsonl"],
            "invalid value 'ten' for '--count <N>': expected a whole number of examples such as 20",
        ),
        (
            &["sample", "--width", "wide", "train.jsonl"],
            "expected a whole number of columns, 24 or more",
        ),
        (
            &["dedupe", "train.jsonl", "--dry-run", "--threshold", "high"],
            "invalid value 'high' for '--threshold <T>': expected a similarity above 0 and at most 1, such as 0.85",
        ),
    ];
    for (args, expected) in cases {
        let (code, _, stderr) = stdout_of(tunelint(d).args(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("digit") && !stderr.contains("literal"),
            "{stderr}"
        );
    }
    // What each takes still works.
    for args in [
        &["--max-warnings", "0", "--jobs", "256", "train.jsonl"][..],
        &[
            "sample",
            "--seed",
            "18446744073709551615",
            "-n",
            "1",
            "--width",
            "24",
            "train.jsonl",
        ],
        &["dedupe", "train.jsonl", "--dry-run", "--threshold", "0.9"],
    ] {
        let (code, _, stderr) = stdout_of(tunelint(d).args(args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
    }
}

/// An output that is a link to a file not there yet writes that file, as a shell's `>`
/// does, and stays a link; two outputs that land on one file through a link are refused
/// whether or not the file exists yet.
#[cfg(unix)]
#[test]
fn an_output_link_to_a_new_file_writes_that_file() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "train.jsonl", &lines(&[BAD_ROLE]));
    fs::create_dir(d.join("reports")).unwrap();
    std::os::unix::fs::symlink("reports/out.txt", d.join("link.txt")).unwrap();
    let (code, stdout, stderr) =
        stdout_of(tunelint(d).args(["--format", "concise", "train.jsonl", "-o", "link.txt"]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    let link = fs::symlink_metadata(d.join("link.txt")).unwrap();
    assert!(link.file_type().is_symlink());
    let written = fs::read_to_string(d.join("reports/out.txt")).unwrap();
    assert!(written.starts_with("train.jsonl:1:22: S005"), "{written}");
    assert_eq!(fs::read_dir(d.join("reports")).unwrap().count(), 1);

    std::os::unix::fs::symlink("x.out", d.join("y.out")).unwrap();
    for exists in [false, true] {
        if exists {
            write(d, "x.out", "");
        }
        let (code, _, stderr) = stdout_of(tunelint(d).args([
            "train.jsonl",
            "--json-file",
            "y.out",
            "--sarif-file",
            "x.out",
        ]));
        assert_eq!(code, 2, "x.out exists: {exists}: {stderr}");
        assert!(
            stderr.contains("--json-file y.out is the same file as --sarif-file x.out"),
            "{stderr}"
        );
        assert_eq!(d.join("x.out").exists(), exists);
    }
}

/// Settings that are valid but do nothing as written are said on standard error with their
/// place in the file; the run goes on, and `--quiet` keeps them quiet.
#[test]
fn settings_with_no_effect_are_warned_about() {
    let dir = tempdir();
    let d = dir.path();
    model_and_template(d);
    write(d, "t.jsonl", &lines(&[GOOD]));
    write(
        d,
        "tunelint.toml",
        "[tokens]\nencoding = \"cl100k_base\"\ntokenizer = \"model\"\n\
         chat_template = \"chat.jinja\"\noverflow = \"drop\"\n",
    );
    let (code, _, stderr) = stdout_of(tunelint(d).args(["t.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "tunelint: warning: tunelint.toml:2:12: `encoding` is not used: with `tokenizer` \
             set, tokens are counted with the model's tokenizer"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "tunelint: warning: tunelint.toml:5:12: `overflow` has no effect without \
             `max_length`"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = stdout_of(tunelint(d).args(["-q", "t.jsonl"]));
    assert_eq!((code, stderr.as_str()), (0, ""));
    // With `max_length`, `overflow` is the trainer's behaviour: no warning.
    write(
        d,
        "tunelint.toml",
        "[tokens]\ntokenizer = \"model\"\nchat_template = \"chat.jinja\"\n\
         max_length = 2048\noverflow = \"drop\"\n",
    );
    let (code, _, stderr) = stdout_of(tunelint(d).args(["t.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// T001 judges by the trainer's `max_length` when one is set, so a `max_per_example` beside it
/// (in `[tokens]`, `[rules]` or `[[overrides]]`) would do nothing for T001: each is warned
/// about at its line, naming the `max_length` line. Without `max_length` it is T001's limit,
/// and nothing is said.
#[test]
fn max_per_example_beside_max_length_is_warned_about() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "t.jsonl", &lines(&[GOOD]));
    let said = "`max_per_example` is not T001's limit here: with `max_length` set (line 4), T001 \
                reports the examples longer than `max_length`, the trainer's cut; \
                `max_per_example` only caps the billed tokens of the statistics";
    for (config, at) in [
        (
            "[rules]\nT001 = { max_per_example = 10 }\n[tokens]\nmax_length = 1000\n",
            "tunelint.toml:2:10",
        ),
        (
            "[tokens]\nmax_per_example = 10\n\nmax_length = 1000\n",
            "tunelint.toml:2:19",
        ),
        (
            "[tokens]\n\n\nmax_length = 1000\n[[overrides]]\nfiles = [\"*.jsonl\"]\nrules = { T001 = { max_per_example = 10 } }\n",
            "tunelint.toml:7:20",
        ),
        // `max_length` in [rules], for T002: T001 judges by it too.
        (
            "[rules]\ntoo-many-tokens = { max_per_example = 10 }\n\nT002 = { max_length = 1000 }\n",
            "tunelint.toml:2:21",
        ),
    ] {
        write(d, "tunelint.toml", config);
        let (code, stdout, stderr) =
            stdout_of(tunelint(d).args(["--format", "concise", "t.jsonl"]));
        assert_eq!(code, 0, "{stderr}");
        assert!(!stdout.contains("T001"), "{stdout}");
        assert_eq!(
            stderr,
            format!("tunelint: warning: {at}: {said}\n"),
            "{config}"
        );
    }
    // Without `max_length`, the limit is T001's; an override that takes `max_length` away
    // from some files gives it back to them: nothing to warn about either way.
    for config in [
        "[rules]\nT001 = { max_per_example = 10 }\n",
        "[tokens]\nmax_per_example = 10\nmax_length = 1000\n[[overrides]]\nfiles = [\"t.jsonl\"]\nrules = { T = { max_length = 0 } }\n",
    ] {
        write(d, "tunelint.toml", config);
        let (code, stdout, stderr) =
            stdout_of(tunelint(d).args(["--format", "concise", "t.jsonl"]));
        assert_eq!((code, stderr.as_str()), (0, ""), "{config}");
        assert!(stdout.contains(": T001 "), "{stdout}");
    }
}

/// A `format` the same file's `target` does not read would make every record S014: the
/// configuration is warned about at the key, and a format the target reads is not.
#[test]
fn a_format_the_target_does_not_read_is_warned_about() {
    let dir = tempdir();
    let d = dir.path();
    write(d, "t.jsonl", &lines(&[GOOD]));
    write(
        d,
        "tunelint.toml",
        "target = \"openai\"\nformat = \"alpaca\"\n",
    );
    let (_, _, stderr) = stdout_of(tunelint(d).args(["t.jsonl"]));
    assert!(
        stderr.contains(
            "tunelint: warning: tunelint.toml:2:10: `format = \"alpaca\"` is not a format OpenAI \
             reads, so every record will be S014; openai accepts openai-chat, openai-preference \
             and openai-rft"
        ),
        "{stderr}"
    );
    write(
        d,
        "tunelint.toml",
        "target = \"openai\"\nformat = \"openai-chat\"\n",
    );
    let (_, out, stderr) = stdout_of(tunelint(d).args(["t.jsonl"]));
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(!out.contains("S014"), "{out}");
}

/// One file named two ways (relative and absolute, through a symbolic link, or by its folder
/// and by name) is linted once: its records are not duplicates of themselves.
#[test]
fn a_file_named_two_ways_is_linted_once() {
    let dir = tempdir();
    let d = dir.path();
    fs::create_dir_all(d.join("data")).unwrap();
    write(d, "data/train.jsonl", &lines(&[GOOD]));
    #[cfg(unix)]
    std::os::unix::fs::symlink("data", d.join("linked")).unwrap();
    let absolute = d.join("data/train.jsonl");
    let absolute = absolute.to_str().unwrap();
    let mut spellings: Vec<Vec<&str>> = vec![
        vec!["data/train.jsonl", absolute],
        vec!["data", absolute],
        vec!["./data/train.jsonl", "data/../data/train.jsonl"],
    ];
    if cfg!(unix) {
        spellings.push(vec!["data", "linked/train.jsonl"]);
    }
    for paths in spellings {
        let (code, stdout, stderr) = stdout_of(tunelint(d).args(&paths));
        assert_eq!(code, 0, "{paths:?}: {stdout}{stderr}");
        assert!(
            stdout.contains("in 1 example of 1 file"),
            "{paths:?}: {stdout}"
        );
        assert!(!stdout.contains("D001"), "{paths:?}: {stdout}");
    }
}

/// One file under two split names (the Hugging Face cache links `train.jsonl` and
/// `validation.jsonl` to one blob when their contents are the same) is both splits, as a
/// trainer loads them: every validation example is a leak (D003), found whether the folder
/// is walked, both files are named, or the validation file is named with its context.
#[cfg(unix)]
#[test]
fn one_file_under_two_split_names_is_two_splits() {
    let dir = tempdir();
    let d = dir.path();
    fs::create_dir_all(d.join("blobs")).unwrap();
    fs::create_dir_all(d.join("snapshot")).unwrap();
    write(d, "blobs/3f2a", &lines(&[GOOD]));
    std::os::unix::fs::symlink("../blobs/3f2a", d.join("snapshot/train.jsonl")).unwrap();
    std::os::unix::fs::symlink("../blobs/3f2a", d.join("snapshot/validation.jsonl")).unwrap();
    for args in [
        vec!["snapshot"],
        vec!["snapshot/train.jsonl", "snapshot/validation.jsonl"],
        vec!["snapshot/validation.jsonl", "--context", "dataset"],
    ] {
        let (code, stdout, stderr) = stdout_of(
            tunelint(d)
                .args(["check", "--isolated", "--format", "concise"])
                .args(&args),
        );
        assert_eq!(code, 1, "{args:?}: {stdout}{stderr}");
        assert!(
            stdout.contains(
                "snapshot/validation.jsonl:1:1: D003 exact copy of training example snapshot/train.jsonl:1"
            ),
            "{args:?}: {stdout}"
        );
    }
    // Two blobs, one example shared: the splits are read from the names the cache links,
    // not from the blobs' hashes.
    write(d, "blobs/9c1e", &lines(&[GOOD, SHORT]));
    fs::remove_file(d.join("snapshot/validation.jsonl")).unwrap();
    std::os::unix::fs::symlink("../blobs/9c1e", d.join("snapshot/validation.jsonl")).unwrap();
    let (code, stdout, stderr) = stdout_of(tunelint(d).args([
        "check",
        "--isolated",
        "--format",
        "concise",
        "--select",
        "D003",
        "snapshot",
    ]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("snapshot/validation.jsonl:1:1: D003 exact copy of training example snapshot/train.jsonl:1")
            && !stdout.contains("validation.jsonl:2:"),
        "{stdout}"
    );
}

/// A line or a file that cannot be read is reported whatever `--select` names: with only the
/// content or duplicate rules selected, a line that is not JSON counted as a valid example
/// and a binary file as a file of examples, and the gates passed.
#[test]
fn what_cannot_be_read_is_reported_whatever_is_selected() {
    let dir = tempdir();
    let d = dir.path();
    write(
        d,
        "mixed.jsonl",
        &lines(&[GOOD, "not json at all", "[1, 2]"]),
    );
    let mut binary = vec![0u8, 1, 2, 0xff, 0xfe, b'\n'];
    binary.extend(std::iter::repeat_n(0u8, 2000));
    fs::write(d.join("binary.jsonl"), binary).unwrap();
    for select in ["C", "D001,D002", "P006"] {
        let (code, stdout, stderr) = stdout_of(tunelint(d).args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "--select",
            select,
            "mixed.jsonl",
        ]));
        assert_eq!(code, 1, "--select {select}: {stdout}{stderr}");
        assert!(
            stdout.contains("mixed.jsonl:2:1: J001 ") && stdout.contains("mixed.jsonl:3:1: J002 "),
            "--select {select}: {stdout}"
        );
        assert!(
            stdout.contains("33.3% valid"),
            "--select {select}: {stdout}"
        );
        let (code, stdout, stderr) = stdout_of(tunelint(d).args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "--select",
            select,
            "binary.jsonl",
        ]));
        assert_eq!(code, 1, "--select {select}: {stdout}{stderr}");
        assert!(
            stdout.contains("binary.jsonl:1:1: J007 "),
            "--select {select}: {stdout}"
        );
    }
    // Named, they can be turned off.
    let (code, stdout, _) = stdout_of(tunelint(d).args([
        "check",
        "--isolated",
        "--format",
        "concise",
        "--select",
        "C",
        "--ignore",
        "J001,J002",
        "mixed.jsonl",
    ]));
    assert_eq!(code, 0, "{stdout}");
}

/// An option given twice takes its last value (a workflow's `args: --token-stats` beside the
/// Action's own `--token-stats`), where it failed the run with "cannot be used multiple
/// times"; options that collect values (`--select`) still collect them.
#[test]
fn an_option_given_twice_takes_its_last_value() {
    let dir = tempdir();
    write(dir.path(), "a.jsonl", &lines(&[BAD_ROLE, SHORT]));
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
        "check",
        "--isolated",
        "--token-stats",
        "--token-stats",
        "--format",
        "json",
        "--format",
        "concise",
        "--select",
        "S005",
        "--select",
        "C001",
        "a.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("a.jsonl:1:22: S005"), "{stdout}");
    assert!(
        stdout.contains("a.jsonl:2:") && stdout.contains(" C001 "),
        "{stdout}"
    );
}

/// `--quiet` leaves out the summary but not the failed gates: a run that fails with no
/// diagnostic behind it (an empty array of records, its J011 turned off) still says why, on
/// standard error, and standard output keeps only diagnostics.
#[test]
fn quiet_keeps_the_failed_gates() {
    let dir = tempdir();
    std::fs::write(dir.path().join("empty.json"), "[]\n").expect("write");
    for format in ["full", "concise"] {
        let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
            "--format",
            format,
            "--quiet",
            "--ignore",
            "J011",
            "empty.json",
        ]));
        assert_eq!((code, stdout.as_str()), (1, ""), "{format}");
        assert!(
            stderr.contains(
                "tunelint: gate failed: valid examples none (the files hold no examples)"
            ),
            "{format}: {stderr}"
        );
    }
    std::fs::write(dir.path().join("good.jsonl"), lines(&[GOOD])).expect("write");
    let (code, stdout, stderr) =
        stdout_of(tunelint(dir.path()).args(["--format", "full", "--quiet", "good.jsonl"]));
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (0, "", ""),
        "a passing run prints nothing"
    );
}

/// A run with more findings than it holds in memory writes them to a spill file in the
/// temporary directory; interrupted, it removes that file too (it holds the data's text).
#[cfg(unix)]
#[test]
fn an_interrupted_run_removes_its_findings_spill_file() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempdir();
    let d = dir.path();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tunelint"))
        .current_dir(d)
        .env("TMPDIR", d)
        // Every rule: the dataset rules' findings come last, so the records' wait in the
        // store, and spill past its budget.
        .args(["check", "--isolated", "--format", "concise", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run tunelint");
    // Records with findings (an unknown role, an e-mail address) until the run is killed.
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        for i in 0u64.. {
            let line = format!(
                "{{\"messages\": [{{\"role\": \"user\", \"content\": \"Question {i}: write to person{i}@gmail.com\"}}, {{\"role\": \"bot\", \"content\": \"Answer {i}.\"}}]}}\n"
            );
            if stdin.write_all(line.as_bytes()).is_err() {
                break;
            }
        }
    });
    let started = std::time::Instant::now();
    let spilled = || {
        fs::read_dir(d)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".tmp"))
    };
    while !spilled() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "no spill file was made"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    writer.join().expect("writer");
    assert_eq!(status.signal(), Some(2), "{status:?}");
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left {left:?}");
}

/// `--force-exclude` holds for the path standard input is read as: an editor piping the
/// buffer of an excluded file gets nothing reported, and the run passes, as for the file.
#[test]
fn force_exclude_applies_to_the_stdin_filename() {
    let dir = tempdir();
    fs::write(
        dir.path().join("tunelint.toml"),
        "exclude = [\"data/raw/**\"]\n",
    )
    .expect("write");
    let (code, stdout, stderr) = stdout_of(
        tunelint(dir.path())
            .args([
                "--format",
                "concise",
                "--force-exclude",
                "--stdin-filename",
                "data/raw/x.jsonl",
                "-",
            ])
            .write_stdin(lines(&[BAD_ROLE])),
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("every file named is excluded"), "{stderr}");
    // Not excluded: linted as before.
    let (code, stdout, _) = stdout_of(
        tunelint(dir.path())
            .args([
                "--format",
                "concise",
                "--force-exclude",
                "--stdin-filename",
                "data/x.jsonl",
                "-",
            ])
            .write_stdin(lines(&[BAD_ROLE])),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.starts_with("data/x.jsonl:1:"), "{stdout}");
}

/// A hook's or a workflow's run where `--force-exclude` leaves nothing to lint passes, and
/// still writes the SARIF and JSON reports it was asked for, with no file in them: the step
/// after it (code scanning's upload, `jq`) reads them (they were missing). A human format
/// prints nothing on standard output.
#[test]
fn force_exclude_of_every_file_still_writes_empty_machine_reports() {
    let dir = tempdir();
    fs::write(
        dir.path().join("tunelint.toml"),
        "exclude = [\"data/raw/**\"]\n",
    )
    .expect("write");
    fs::create_dir_all(dir.path().join("data/raw")).expect("mkdir");
    fs::write(dir.path().join("data/raw/a.jsonl"), lines(&[BAD_ROLE])).expect("write data");
    let (code, stdout, stderr) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "json",
        "--force-exclude",
        "--sarif-file",
        "out.sarif",
        "--json-file",
        "out.json",
        "--",
        "data/raw/a.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("every file named is excluded"), "{stderr}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).expect("json on stdout");
    let written: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out.json")).expect("out.json"))
            .expect("json file");
    assert_eq!(printed, written);
    assert_eq!(printed["files"], serde_json::json!([]), "{printed}");
    assert_eq!(printed["summary"]["passed"], true, "{printed}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out.sarif")).expect("out.sarif"))
            .expect("sarif");
    assert_eq!(
        sarif["runs"][0]["results"],
        serde_json::json!([]),
        "{sarif}"
    );
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "tunelint");
    // The data file is untouched, and a human format prints nothing.
    assert_eq!(
        fs::read_to_string(dir.path().join("data/raw/a.jsonl")).expect("read"),
        lines(&[BAD_ROLE])
    );
    let (code, stdout, _) = stdout_of(tunelint(dir.path()).args([
        "--format",
        "concise",
        "--force-exclude",
        "--",
        "data/raw/a.jsonl",
    ]));
    assert_eq!((code, stdout.as_str()), (0, ""));
}

/// A stray `{` or `[` alone on the first line of JSON Lines, before whole records: J001 on
/// it and every record linted (it was J007 "one pretty-printed JSON object" with nothing
/// linted, hiding the records' findings, and `jq -c .` could not fix it). An array of one
/// record written over three lines is still J007.
#[test]
fn a_stray_bracket_on_the_first_line_is_j001_and_the_records_are_linted() {
    let dir = tempdir();
    for stray in ["{", "["] {
        write(
            dir.path(),
            "train.jsonl",
            &format!("{stray}\n{GOOD}\n{{\"messages\": []}}\n"),
        );
        let (code, stdout, _) =
            stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
        assert_eq!(code, 1);
        assert_eq!(
            heads(&stdout),
            ["train.jsonl:1:2: J001", "train.jsonl:3:14: S002"],
            "{stray}: {stdout}"
        );
    }
    write(dir.path(), "train.jsonl", &format!("[\n{GOOD}\n]\n"));
    let (_, stdout, _) =
        stdout_of(tunelint(dir.path()).args(["--format", "concise", "train.jsonl"]));
    assert_eq!(heads(&stdout), ["train.jsonl:1:1: J007"], "{stdout}");
}

/// S001's hint on a record of another format says where the format the file is read as
/// comes from: detected from the first record (set `format`), the configuration's `format`,
/// or the `[[overrides]]` entry that sets it (at its line), so the user changes the right
/// line.
#[test]
fn s001_says_where_the_format_a_file_is_read_as_was_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chat = r#"{"messages": [{"role": "user", "content": "Hello there, how are you?"}, {"role": "assistant", "content": "I am fine, thank you for asking."}]}"#;
    let alpaca =
        r#"{"instruction": "Say hello to me, please.", "output": "Hello there, my friend."}"#;
    let hint = |config: Option<&str>, lines: &[&str]| -> String {
        write(dir.path(), "train.jsonl", &(lines.join("\n") + "\n"));
        let _ = fs::remove_file(dir.path().join("tunelint.toml"));
        if let Some(config) = config {
            write(dir.path(), "tunelint.toml", config);
        }
        let (_, stdout, _) = stdout_of(tunelint(dir.path()).args([
            "--format",
            "concise",
            "--select",
            "S001",
            "train.jsonl",
        ]));
        let first = stdout.lines().next().unwrap_or_default().to_owned();
        first
            .split_once("but the file is read as alpaca ")
            .map_or(first.clone(), |(_, hint)| hint.to_owned())
    };
    assert_eq!(
        hint(None, &[alpaca, chat]),
        "(set `format` in tunelint.toml)"
    );
    assert_eq!(
        hint(Some("format = \"alpaca\"\n"), &[chat]),
        "(the configuration's `format` says so)"
    );
    assert_eq!(
        hint(
            Some("target = \"trl\"\n\n[[overrides]]\nfiles = [\"*.jsonl\"]\nformat = \"alpaca\"\n"),
            &[chat]
        ),
        "(`format` in the [[overrides]] entry at line 3 says so)"
    );
    // A comment naming `[[overrides]]` is not the entry's header.
    assert_eq!(
        hint(
            Some(
                "# legacy files: see [[overrides]] below\n[[overrides]]\nfiles = [\"*.jsonl\"]\nformat = \"alpaca\"\n"
            ),
            &[chat]
        ),
        "(`format` in the [[overrides]] entry at line 2 says so)"
    );
    // `auto` in an entry sets nothing: the format is detected from the file.
    assert_eq!(
        hint(
            Some(
                "format = \"sharegpt\"\n[[overrides]]\nfiles = [\"*.jsonl\"]\nformat = \"auto\"\n"
            ),
            &[alpaca, chat]
        ),
        "(set `format` in tunelint.toml)"
    );
}
