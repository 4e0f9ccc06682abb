//! Compressed inputs (`.jsonl.gz`, `.jsonl.zst`, PRODUCT.md §3 "Containers"): found by
//! discovery, told by their first bytes (a misnamed file, standard input), decompressed as a
//! stream, linted with the findings of the plain text on the lines of the decompressed text,
//! and a corrupt or truncated stream is a read error naming the file and the line reached.
//! `.json` files holding one array of records: read record by record, each finding at its
//! line and column in the `.json` file, the same findings as the same records in JSONL.

use std::fs;
use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;
use tunelint::engine::{lint_bytes, lint_bytes_as};
use tunelint::rules::Code;
use tunelint::rules::jsonl::line_too_large::LineTooLargeOptions;
use tunelint::settings::Settings;

#[path = "support/json_array.rs"]
mod json_array;

const GOOD: &str = r#"{"messages":[{"role":"user","content":"Hello there, how are you today?"},{"role":"assistant","content":"I am fine, thank you for asking."}]}"#;
/// The role "bot" (S005) at column 22.
const BAD_ROLE: &str = r#"{"messages":[{"role":"bot","content":"Which cards do you take online?"},{"role":"assistant","content":"Visa and Mastercard, and PayPal."}]}"#;
const OTHER: &str = r#"{"messages":[{"role":"user","content":"Is shipping free to Norway too?"},{"role":"assistant","content":"Yes, on orders over fifty euros."}]}"#;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).expect("zstd in memory")
}

/// The ways a text is stored: gzip, zstd, two gzip members and two zstd frames split in
/// the middle of a line (what `cat a.gz b.gz` and parallel compressors write).
fn containers(text: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mid = text.len() / 2;
    let (a, b) = text.split_at(mid);
    vec![
        ("gzip", gzip(text)),
        ("zstd", zstd(text)),
        ("gzip, two members", [gzip(a), gzip(b)].concat()),
        ("zstd, two frames", [zstd(a), zstd(b)].concat()),
    ]
}

fn codes(diagnostics: &[tunelint::diagnostic::Diagnostic]) -> Vec<(u64, &'static str)> {
    diagnostics
        .iter()
        .map(|d| (d.location.line, d.code.as_str()))
        .collect()
}

/// Every container gives exactly the findings and the summary of the plain text: same
/// lines, columns, offsets and messages.
fn assert_same_as_plain(text: &[u8], settings: &Settings) -> Vec<(u64, &'static str)> {
    let (plain, plain_summary) = lint_bytes(text, settings);
    for (name, bytes) in containers(text) {
        let (got, summary) = lint_bytes(&bytes, settings);
        assert_eq!(got, plain, "{name}: findings differ from the plain text's");
        assert_eq!(summary, plain_summary, "{name}: summary differs");
    }
    codes(&plain)
}

#[test]
fn compressed_text_has_the_findings_of_the_plain_text_on_the_same_lines() {
    // CRLF line ends, a blank line, invalid JSON, a duplicate, and no final newline.
    let text = format!("{GOOD}\r\n{BAD_ROLE}\r\n\r\n{{\"messages\": [\n{GOOD}\n{OTHER}");
    let found = assert_same_as_plain(text.as_bytes(), &Settings::default());
    for want in [(2, "S005"), (4, "J001"), (5, "D001"), (6, "J009")] {
        assert!(found.contains(&want), "{want:?} missing from {found:?}");
    }
}

#[test]
fn a_byte_order_mark_inside_the_compressed_text_is_j005_on_line_1() {
    let text = format!("\u{feff}{GOOD}\n{BAD_ROLE}\n");
    let found = assert_same_as_plain(text.as_bytes(), &Settings::default());
    assert!(found.contains(&(1, "J005")), "{found:?}");
    assert!(found.contains(&(2, "S005")), "{found:?}");
    // And none without the mark.
    let found = assert_same_as_plain(format!("{GOOD}\n").as_bytes(), &Settings::default());
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn empty_compressed_text_is_an_empty_file() {
    let found = assert_same_as_plain(b"", &Settings::default());
    assert_eq!(found, [(1, "J011")]);
    let (_, summary) = lint_bytes(&gzip(b""), &Settings::default());
    assert_eq!((summary.examples, summary.io_error), (0, None));
}

#[test]
fn a_decompressed_line_over_the_limit_is_j008_and_never_held_whole() {
    // 8 MiB of one line compresses to a few KiB: what a decompression bomb looks like. The
    // limit applies to the decompressed line, which is skipped, not buffered.
    let mut settings = Settings::default();
    settings.set_options(
        Code::J008,
        LineTooLargeOptions {
            max_line_bytes: 1 << 20,
        },
    );
    let mut text = format!("{GOOD}\n").into_bytes();
    text.extend(std::iter::repeat_n(b'x', 8 << 20));
    text.extend(format!("\n{BAD_ROLE}\n").as_bytes());
    let (plain, _) = lint_bytes(&text, &settings);
    for (name, bytes) in containers(&text) {
        assert!(bytes.len() < 256 << 10, "{name}: {} bytes", bytes.len());
        let (got, _) = lint_bytes(&bytes, &settings);
        assert_eq!(got, plain, "{name}");
        assert_eq!(codes(&got), [(2, "J008"), (3, "S005")], "{name}");
    }
}

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn stdout_of(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().expect("tunelint runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Three lines: the bad role on line 3, its text unlike line 1's.
fn three_lines() -> String {
    format!("{GOOD}\n{OTHER}\n{BAD_ROLE}\n")
}

#[test]
fn discovery_finds_compressed_files_in_any_case_and_only_those() {
    let dir = TempDir::new().expect("temp dir");
    let data = dir.path().join("data");
    fs::create_dir_all(&data).expect("mkdir");
    let text = three_lines();
    for (name, bytes) in [
        ("a.jsonl", text.clone().into_bytes()),
        ("b.JSONL.GZ", gzip(text.as_bytes())),
        ("c.ndjson.zst", zstd(text.as_bytes())),
        ("d.jsonl.Zst", zstd(text.as_bytes())),
        ("e.ndjson.gz", gzip(text.as_bytes())),
        // Not dataset names: never walked into.
        ("f.json.gz", gzip(text.as_bytes())),
        ("g.gz", gzip(text.as_bytes())),
        ("h.jsonl.bz2", text.clone().into_bytes()),
    ] {
        fs::write(data.join(name), bytes).expect("write");
    }
    let (code, out, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "--quiet",
        "data",
    ]));
    assert_eq!(code, Some(1), "{err}");
    let s005: Vec<&str> = out.lines().filter(|l| l.contains(" S005 ")).collect();
    let want: Vec<String> = [
        "a.jsonl",
        "b.JSONL.GZ",
        "c.ndjson.zst",
        "d.jsonl.Zst",
        "e.ndjson.gz",
    ]
    .iter()
    .map(|f| format!("data/{f}:3:22: S005 unknown role \"bot\""))
    .collect();
    assert_eq!(s005.len(), want.len(), "{out}");
    for (line, want) in s005.iter().zip(&want) {
        assert!(line.starts_with(want.as_str()), "{line} is not {want}");
    }
}

#[test]
fn every_output_shows_the_path_as_given_and_the_decompressed_line() {
    let dir = TempDir::new().expect("temp dir");
    let text = three_lines();
    fs::write(dir.path().join("train.jsonl.zst"), zstd(text.as_bytes())).expect("write");
    fs::write(dir.path().join("valid.jsonl.gz"), gzip(text.as_bytes())).expect("write");
    for file in ["train.jsonl.zst", "valid.jsonl.gz"] {
        let run = |format: &str| {
            stdout_of(tunelint(dir.path()).args([
                "--isolated",
                "--quiet",
                "--format",
                format,
                file,
            ]))
        };
        let (code, out, err) = run("concise");
        assert_eq!(code, Some(1), "{err}");
        assert!(
            out.contains(&format!("{file}:3:22: S005 unknown role")),
            "{out}"
        );
        // The full format quotes the line, read again from the decompressed copy.
        let (_, out, _) = run("full");
        assert!(out.contains(&format!("{file}:3:22")), "{out}");
        assert!(
            out.contains("3 │ {\"messages\":[{\"role\":\"bot\""),
            "{out}"
        );
        let (_, out, _) = run("json");
        let json: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
        let d = json["diagnostics"]
            .as_array()
            .and_then(|a| a.iter().find(|d| d["code"] == "S005"))
            .unwrap_or_else(|| panic!("no S005 in {out}"));
        assert_eq!(d["path"], file, "{d}");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(3), Some(22)),
            "{d}"
        );
        assert_eq!(json["files"][0]["bytes"].as_u64(), Some(text.len() as u64));
        let (_, out, _) = run("github");
        assert!(out.contains(&format!("file={file},line=3,")), "{out}");
        let (_, out, _) = run("sarif");
        assert!(out.contains(&format!("\"uri\": \"{file}\"")), "{out}");
        assert!(out.contains("\"startLine\": 3"), "{out}");
    }
}

/// A compressed input is copied to a temporary file only when its lines are read again: for
/// the snippets of `full` and for the dataset rules. Without a temporary directory to write
/// to, the other runs go on, and those two say why they cannot.
#[test]
fn a_compressed_input_is_spooled_only_when_its_lines_are_read_again() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{}{GOOD}\n", three_lines());
    fs::write(dir.path().join("train.jsonl.zst"), zstd(text.as_bytes())).expect("write");
    let run = |args: &[&str]| {
        let mut cmd = tunelint(dir.path());
        cmd.env("TMPDIR", dir.path().join("no-such-dir"))
            .args(["--isolated", "--quiet"])
            .args(args)
            .arg("train.jsonl.zst");
        stdout_of(&mut cmd)
    };
    let (code, out, err) = run(&["--format", "concise", "--select", "S"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("train.jsonl.zst:3:22: S005 unknown role"),
        "{out}"
    );
    for args in [
        &["--format", "full", "--select", "S"][..],
        &["--format", "concise", "--select", "S,D001"][..],
    ] {
        let (code, _, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(
            err.contains(
                "cannot create a temporary file in the temporary folder ($TMPDIR) for an input read once or compressed"
            ),
            "{args:?}: {err}"
        );
    }
    // With one, the duplicate of line 1 is found on line 4.
    let (_, out, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--quiet",
        "--format",
        "concise",
        "--select",
        "D001",
        "train.jsonl.zst",
    ]));
    assert!(out.contains("train.jsonl.zst:4:1: D001"), "{out}{err}");
}

#[test]
fn compressed_standard_input_is_told_by_its_magic_bytes() {
    let dir = TempDir::new().expect("temp dir");
    let text = three_lines();
    for bytes in [gzip(text.as_bytes()), zstd(text.as_bytes())] {
        let (code, out, err) = stdout_of(
            tunelint(dir.path())
                .args(["--isolated", "--quiet", "--format", "full", "-"])
                .write_stdin(bytes),
        );
        assert_eq!(code, Some(1), "{err}");
        assert!(out.contains("-:3:22"), "{out}");
        assert!(
            out.contains("3 │ {\"messages\":[{\"role\":\"bot\""),
            "{out}"
        );
    }
}

#[test]
fn a_file_is_told_by_its_bytes_not_its_name() {
    let dir = TempDir::new().expect("temp dir");
    let text = three_lines();
    // gzip bytes under a plain name, plain text under a compressed name: both linted.
    fs::write(dir.path().join("misnamed.jsonl"), gzip(text.as_bytes())).expect("write");
    fs::write(dir.path().join("plain.jsonl.gz"), &text).expect("write");
    let (code, out, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--quiet",
        "--format",
        "concise",
        "misnamed.jsonl",
        "plain.jsonl.gz",
    ]));
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("misnamed.jsonl:3:22: S005"), "{out}");
    assert!(out.contains("plain.jsonl.gz:3:22: S005"), "{out}");
    assert!(!err.contains("could not be read"), "{err}");
    // Loaders pick the decompressor by the name (`datasets` and `gzip.open` fail on plain text
    // named .gz): that is J007 on line 1. Compressed data named .jsonl is fine: `datasets`
    // tells it by its bytes too.
    assert!(
        out.contains("plain.jsonl.gz:1:1: J007 file is named .gz but is not gzip-compressed: it is plain text, and loaders that pick the decompressor by the name (`datasets`, Python's `gzip.open`) fail on it; compress it with gzip, or drop .gz from its name"),
        "{out}"
    );
    assert!(!out.contains("misnamed.jsonl:1:1: J007"), "{out}");
}

/// A name that says one compression on bytes that are plain or the other compression is
/// J007 on line 1, in every output format, and the lines are linted all the same; a name
/// that matches its bytes is not reported.
#[test]
fn a_compression_suffix_its_bytes_do_not_match_is_j007_on_line_1() {
    let dir = TempDir::new().expect("temp dir");
    let text = three_lines();
    fs::write(dir.path().join("zstd.jsonl.gz"), zstd(text.as_bytes())).expect("write");
    fs::write(dir.path().join("gzip.jsonl.zst"), gzip(text.as_bytes())).expect("write");
    fs::write(dir.path().join("plain.jsonl.zst"), &text).expect("write");
    fs::write(dir.path().join("right.jsonl.gz"), gzip(text.as_bytes())).expect("write");
    fs::write(dir.path().join("right.jsonl.zst"), zstd(text.as_bytes())).expect("write");
    // `datasets` takes the suffix in lower case only: plain text named .GZ loads as plain.
    fs::write(dir.path().join("upper.JSONL.GZ"), &text).expect("write");
    let array = format!("[\n{GOOD},\n{BAD_ROLE}\n]\n");
    fs::write(dir.path().join("array.json.gz"), &array).expect("write");
    let (code, out, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--quiet",
        "--format",
        "concise",
        "zstd.jsonl.gz",
        "gzip.jsonl.zst",
        "plain.jsonl.zst",
        "right.jsonl.gz",
        "right.jsonl.zst",
        "upper.JSONL.GZ",
        "array.json.gz",
    ]));
    assert_eq!(code, Some(1), "{err}");
    let j007: Vec<&str> = out.lines().filter(|l| l.contains(" J007 ")).collect();
    assert_eq!(
        j007,
        [
            "array.json.gz:1:1: J007 file is named .gz but is not gzip-compressed: it is plain text, and loaders that pick the decompressor by the name (`datasets`, Python's `gzip.open`) fail on it; compress it with gzip, or drop .gz from its name",
            "gzip.jsonl.zst:1:1: J007 file is named .zst but is gzip-compressed, and loaders that pick the decompressor by the name (`datasets`) fail on it; rename it to .gz, or recompress it with zstd",
            "plain.jsonl.zst:1:1: J007 file is named .zst but is not zstd-compressed: it is plain text, and loaders that pick the decompressor by the name (`datasets`, Python's `zstandard.open`) fail on it; compress it with zstd, or drop .zst from its name",
            "zstd.jsonl.gz:1:1: J007 file is named .gz but is zstd-compressed, and loaders that pick the decompressor by the name (`datasets`) fail on it; rename it to .zst, or recompress it with gzip",
        ],
        "{out}"
    );
    // Every file's lines (the array's records) are linted all the same.
    for name in [
        "zstd.jsonl.gz",
        "gzip.jsonl.zst",
        "plain.jsonl.zst",
        "right.jsonl.gz",
        "right.jsonl.zst",
        "upper.JSONL.GZ",
    ] {
        assert!(out.contains(&format!("{name}:3:22: S005")), "{name}: {out}");
    }
    assert!(out.contains("array.json.gz:3:22: S005"), "{out}");
    // The JSON format puts it on line 1, column 1 too; SARIF on line 1.
    let (_, json, _) =
        stdout_of(tunelint(dir.path()).args(["--isolated", "--format", "json", "zstd.jsonl.gz"]));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let first = &doc["diagnostics"][0];
    assert_eq!(
        (
            first["code"].as_str(),
            first["line"].as_u64(),
            first["column"].as_u64()
        ),
        (Some("J007"), Some(1), Some(1)),
        "{json}"
    );
    let (_, sarif, _) =
        stdout_of(tunelint(dir.path()).args(["--isolated", "--format", "sarif", "zstd.jsonl.gz"]));
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    // The first finding, after the failed gates.
    let result = doc["runs"][0]["results"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| !r["ruleId"].as_str().unwrap_or("").starts_with("gate-"))
        })
        .expect("a finding");
    assert_eq!(result["ruleId"], "J007", "{sarif}");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    // A file-level finding is the whole of line 1 there, as SARIF says a line.
    assert_eq!(
        (region["startLine"].as_u64(), region.get("startColumn")),
        (Some(1), None),
        "{sarif}"
    );
}

/// Many distinct lines, so that a compressed stream cut in its middle has lines before
/// the cut.
fn many_lines() -> String {
    (0..40_000)
        .map(|i| {
            format!(
                "{{\"prompt\": \"question {i}\", \"completion\": \"answer {}\"}}\n",
                i * 7919 % 10007
            )
        })
        .collect()
}

#[test]
fn a_truncated_or_corrupt_stream_is_a_read_error_naming_the_file_and_the_line_reached() {
    let dir = TempDir::new().expect("temp dir");
    let text = many_lines();
    let gz = gzip(text.as_bytes());
    let zst = zstd(text.as_bytes());
    let mut flipped = gz.clone();
    let mid = flipped.len() / 2;
    flipped[mid..mid + 32].iter_mut().for_each(|b| *b ^= 0x55);
    let cases: [(&str, Vec<u8>); 5] = [
        ("cut.jsonl.gz", gz[..gz.len() / 2].to_vec()),
        ("cut.jsonl.zst", zst[..zst.len() * 3 / 4].to_vec()),
        ("flipped.jsonl.gz", flipped),
        // A gzip magic number and nothing that decompresses.
        ("header.jsonl.gz", b"\x1f\x8b not gzip at all\n".to_vec()),
        // A whole stream, then bytes that are not another member.
        (
            "tail.jsonl.gz",
            [gz.clone(), b"trailing garbage".to_vec()].concat(),
        ),
    ];
    for (name, bytes) in cases {
        fs::write(dir.path().join(name), bytes).expect("write");
        let (code, out, err) = stdout_of(tunelint(dir.path()).args([
            "--isolated",
            "--format",
            "json",
            "--select",
            "J,S",
            name,
        ]));
        assert_eq!(code, Some(2), "{name}: {err}");
        let compression = if name.ends_with(".zst") {
            "zstd"
        } else {
            "gzip"
        };
        let want = format!("{name}: could not be read: corrupt or truncated {compression} data ");
        assert!(err.contains(&want), "{name}: {err}");
        assert!(err.contains("of the decompressed text"), "{name}: {err}");
        let json: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
        let reason = json["files"][0]["read_error"].as_str().unwrap_or_default();
        assert!(
            reason.starts_with("corrupt or truncated"),
            "{name}: {reason}"
        );
        // The lines decompressed whole before the failure were linted, and the message
        // names the last of them.
        let examples = json["files"][0]["examples"].as_u64().unwrap_or_default();
        match name {
            "header.jsonl.gz" => {
                assert_eq!(examples, 0);
                assert!(reason.contains("before the first line"), "{reason}");
            }
            "tail.jsonl.gz" => {
                assert_eq!(examples, 40_000);
                assert!(reason.contains("after line 40000 "), "{reason}");
            }
            // Corrupt data may decompress to garbage (blank lines, say) before the checksum
            // fails; cut data ends on the last whole line.
            "flipped.jsonl.gz" => assert!(reason.contains("after line "), "{reason}"),
            _ => assert!(
                reason.contains(&format!("after line {examples} of the decompressed text")),
                "{name}: {examples} examples, {reason}"
            ),
        }
        if name == "cut.jsonl.gz" {
            assert!(examples > 1000, "{examples}");
            assert!(reason.ends_with("the data ends early"), "{reason}");
        }
        // The bytes of the lines read count, and the annotation for code scanning says
        // which examples were linted, not that none was.
        let bytes = json["files"][0]["bytes"].as_u64().unwrap_or_default();
        assert_eq!(
            bytes > 0,
            examples > 0,
            "{name}: {bytes} bytes, {examples} examples"
        );
        let (_, github, _) = stdout_of(tunelint(dir.path()).args([
            "--isolated",
            "--format",
            "github",
            "--select",
            "J,S",
            name,
        ]));
        let unreadable = github
            .lines()
            .find(|l| l.contains("title=unreadable file::"))
            .unwrap_or_default();
        let linted = match examples {
            0 => "; it was not linted".to_owned(),
            n => format!(
                "; the {} examples before the error were linted, the rest not",
                tunelint::wording::thousands(n)
            ),
        };
        assert!(unreadable.ends_with(&linted), "{name}: {unreadable}");
    }
    // The whole streams are fine.
    fs::write(dir.path().join("whole.jsonl.gz"), &gz).expect("write");
    fs::write(dir.path().join("whole.jsonl.zst"), &zst).expect("write");
    let (code, _, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--quiet",
        "--select",
        "J,S",
        "whole.jsonl.gz",
        "whole.jsonl.zst",
    ]));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn dedupe_refuses_a_compressed_input_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{GOOD}\n{GOOD}\n");
    fs::write(dir.path().join("train.jsonl.gz"), gzip(text.as_bytes())).expect("write");
    let (code, _, err) = stdout_of(tunelint(dir.path()).args([
        "dedupe",
        "--isolated",
        "train.jsonl.gz",
        "-o",
        "out.jsonl",
    ]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "train.jsonl.gz: is gzip-compressed; dedupe reads and writes plain JSON Lines only"
        ),
        "{err}"
    );
    assert!(!dir.path().join("out.jsonl").exists());
    // `check -o` still refuses to write over a compressed input.
    let (code, _, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "train.jsonl.gz",
        "-o",
        "train.jsonl.gz",
    ]));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is an input of this run"), "{err}");
    assert_eq!(
        fs::read(dir.path().join("train.jsonl.gz")).expect("read"),
        gzip(text.as_bytes())
    );
    // A plain input, a compressed name for the copy: refused, nothing written (a plain file
    // named .gz fails whatever reads it next).
    fs::write(dir.path().join("plain.jsonl"), &text).expect("write");
    for out in ["out.jsonl.gz", "out.jsonl.zst", "OUT.JSONL.GZ"] {
        let (code, _, err) = stdout_of(tunelint(dir.path()).args([
            "dedupe",
            "--isolated",
            "plain.jsonl",
            "-o",
            out,
        ]));
        assert_eq!(code, Some(2), "{out}: {err}");
        assert!(err.contains("dedupe writes plain JSON Lines"), "{err}");
        assert!(!dir.path().join(out).exists(), "{out}");
    }
}

/// (line, column, code) of each finding.
fn places(found: &[tunelint::diagnostic::Diagnostic]) -> Vec<(u64, u32, &'static str)> {
    found
        .iter()
        .map(|d| (d.location.line, d.location.column, d.code.as_str()))
        .collect()
}

#[test]
fn a_pretty_printed_array_with_crlf_and_a_bom_is_located_exactly() {
    // Strings with brackets, braces and escaped quotes; nested arrays; a role "bot" on
    // line 6 at column 18; a byte-order mark (J005); CRLF line ends.
    let text = "\u{feff}[\r\n  {\r\n    \"messages\": [\r\n      {\"role\": \"user\", \"content\": \"What do [ ] { } and \\\" mean here?\"},\r\n      {\r\n        \"role\": \"bot\", \"content\": \"Brackets ]], braces }}{ and a quote \\\".\"\r\n      }\r\n    ]\r\n  },\r\n  {\"messages\": [{\"role\": \"user\", \"content\": \"Is shipping free to Norway too?\"}, {\"role\": \"assistant\", \"content\": \"Yes, on orders over fifty euros.\"}]}\r\n]\r\n";
    let (found, summary) = lint_bytes_as("data.json", text.as_bytes(), &Settings::default());
    assert_eq!(
        places(&found),
        [(1, 1, "J005"), (6, 17, "S005")],
        "{found:#?}"
    );
    assert_eq!((summary.examples, summary.valid), (2, 1));
    // The span is the value on its own line, for the snippet.
    let bot = &found[1];
    let line_start = bot.location.line_offset as usize;
    let span = bot.location.span.expect("a span");
    assert_eq!(
        &text.as_bytes()[line_start + span.start as usize..line_start + span.end as usize],
        b"\"bot\""
    );
    // Without the mark: the same record findings, and no J005.
    let (found, _) = lint_bytes_as("data.json", &text.as_bytes()[3..], &Settings::default());
    assert_eq!(places(&found), [(6, 17, "S005")]);
}

#[test]
fn array_punctuation_and_broken_records_are_j001_at_their_place_and_linting_goes_on() {
    let text = format!(
        "[\n  {GOOD},\n  {{\"messages\": [{{\"role\": \"user\", \"content\": tru}}]}},\n  {OTHER}\n  {BAD_ROLE},,\n  {GOOD},\n]\n"
    );
    let (found, summary) = lint_bytes_as("a.json", text.as_bytes(), &Settings::default());
    let j001: Vec<_> = found
        .iter()
        .filter(|d| d.code == Code::J001)
        .map(|d| (d.location.line, d.location.column, d.message.as_str()))
        .collect();
    assert_eq!(
        j001,
        [
            (3, 45, "invalid JSON: invalid literal; expected true"),
            (
                5,
                3,
                "invalid JSON: no `,` between two records of the array"
            ),
            (5, 143, "invalid JSON: a `,` where a record should be"),
            (
                6,
                143,
                "invalid JSON: trailing comma after the last record of the array"
            ),
        ],
        "{found:#?}"
    );
    // The records after the broken one are linted: the bad role, the duplicate of line 2.
    let codes = places(&found);
    assert!(codes.contains(&(5, 24, "S005")), "{codes:?}");
    assert!(
        codes.iter().any(|&(l, _, c)| l == 6 && c == "D001"),
        "{codes:?}"
    );
    assert_eq!(summary.examples, 5);
    // The punctuation is no record's: a JSON reader loads none of the file, and the
    // file-level gate counts each.
    assert_eq!(summary.structure_errors, 3);
}

#[test]
fn a_truncated_array_an_empty_one_and_text_after_it() {
    let settings = Settings::default();
    // Cut inside a record: that record is invalid JSON where the text ends, and the array
    // has no `]`, which no JSON reader loads (a file-level error, as between records).
    // The missing `]` is at the text's last character, the `s`.
    let text = format!("[\n  {GOOD},\n  {{\"messages\": [{{\"role\": \"us");
    let (found, summary) = lint_bytes_as("a.json", text.as_bytes(), &settings);
    assert_eq!(
        places(&found),
        [(3, 28, "J001"), (3, 29, "J001")],
        "{found:#?}"
    );
    assert!(
        found[0].message.contains("closing `]`"),
        "{}",
        found[0].message
    );
    assert_eq!((summary.examples, summary.valid), (2, 1));
    assert_eq!(summary.structure_errors, 1);
    // Cut between records: the missing `]`, at the last character of the text (the `,`, or
    // the record's `}`), not on the line after the last one.
    let comma = 3 + GOOD.chars().count() as u32;
    let text = format!("[\n  {GOOD},\n");
    let (found, summary) = lint_bytes_as("a.json", text.as_bytes(), &settings);
    assert_eq!(summary.structure_errors, 1);
    assert_eq!(places(&found), [(2, comma, "J001")]);
    assert!(
        found[0].message.contains("closing `]`"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].location.end_column, comma + 1);
    for text in [
        format!("[\n  {GOOD}\n"),
        format!("[\r\n  {GOOD}\r\n"),
        format!("[\n  {GOOD}  \n \n  "),
    ] {
        let eol = &text[text.len() - 2..];
        let (found, _) = lint_bytes_as("a.json", text.as_bytes(), &settings);
        assert_eq!(places(&found), [(2, comma - 1, "J001")], "{eol:?}");
        let span = found[0].location.span.expect("a span");
        let at = found[0].location.line_offset as usize + span.start as usize;
        assert_eq!(&text[at..at + 1], "}", "{eol:?}");
    }
    // Right after the `[` (an array with no record, J011 too).
    let (found, _) = lint_bytes_as("a.json", b"[\n", &settings);
    assert_eq!(places(&found), [(1, 1, "J001"), (1, 1, "J011")]);
    // An empty array, as an empty file: J011, no example.
    for empty in ["[]", " [\r\n]\r\n"] {
        let (found, summary) = lint_bytes_as("a.json", empty.as_bytes(), &settings);
        assert_eq!(places(&found), [(1, 1, "J011")], "{empty:?}");
        assert_eq!(summary.examples, 0);
    }
    let (found, summary) = lint_bytes_as("a.json", b"", &settings);
    assert_eq!(places(&found), [(1, 1, "J011")]);
    assert_eq!(summary.examples, 0);
    let (found, _) = lint_bytes_as("a.json", format!("[{GOOD}]\n[]\n").as_bytes(), &settings);
    assert_eq!(places(&found), [(2, 1, "J001")]);
}

/// A record that is not an object (J002) is an element of the array, not a line: the line
/// holds other records, or only part of it.
#[test]
fn an_element_that_is_not_an_object_is_called_an_element() {
    let text = format!("[{GOOD}, 42]\n");
    let (found, _) = lint_bytes_as("a.json", text.as_bytes(), &Settings::default());
    let j002: Vec<_> = found.iter().filter(|d| d.code == Code::J002).collect();
    assert_eq!(j002.len(), 1, "{found:#?}");
    assert_eq!(
        j002[0].message,
        "element of the array is a number (42); expected a JSON object, one example per element"
    );
    assert_eq!(j002[0].location.column, GOOD.chars().count() as u32 + 4);
    // A line of JSON Lines is still a line.
    let (found, _) = lint_bytes_as("a.jsonl", b"42\n", &Settings::default());
    assert_eq!(
        found[0].message,
        "line is a number (42); expected a JSON object, one example per line"
    );
}

/// In `full`, the caret of J004 in a record of a pretty-printed array stands under the
/// byte that is not UTF-8 (shown as U+FFFD), at the column the header gives.
#[test]
fn the_full_caret_of_invalid_utf8_in_an_array_is_under_the_byte() {
    let dir = TempDir::new().expect("temp dir");
    let mut bytes =
        b"[\n  {\n    \"messages\": [\n      {\"role\": \"user\", \"content\": \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b" bad\"},\n      {\"role\": \"assistant\", \"content\": \"fine answer here ok\"}\n    ]\n  }\n]\n");
    fs::write(dir.path().join("inv.json"), &bytes).expect("write");
    let (_, out, err) = stdout_of(tunelint(dir.path()).args([
        "check",
        "--isolated",
        "--format",
        "full",
        "--color",
        "never",
        "inv.json",
    ]));
    assert!(out.contains("┌─ inv.json:4:39"), "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.starts_with("4 │"))
        .unwrap_or_else(|| panic!("no line 4 in:\n{out}"));
    let shown = lines[source].split_once("│ ").expect("a gutter").1;
    let under = lines[source + 1].split_once("│ ").expect("a gutter").1;
    let bad = shown
        .chars()
        .position(|c| c == '\u{FFFD}')
        .expect("the bad byte shown");
    assert_eq!(bad, 38, "{out}");
    assert_eq!(under.chars().position(|c| c == '^'), Some(bad), "{out}");
    assert!(under.ends_with("^ invalid-utf8"), "{out}");
}

#[test]
fn a_json_file_that_is_an_object_or_json_lines() {
    let settings = Settings::default();
    // One object, pretty-printed: J007, not an array of records.
    let (found, _) = lint_bytes_as("a.json", b"{\n  \"data\": []\n}\n", &settings);
    assert_eq!(places(&found), [(1, 1, "J007")]);
    assert!(
        found[0].message.contains("not an array of records"),
        "{}",
        found[0].message
    );
    // JSON Lines named .json (datasets reads both): linted as JSON Lines.
    let (found, summary) = lint_bytes_as("a.json", three_lines().as_bytes(), &settings);
    assert_eq!(places(&found), [(3, 22, "S005")]);
    assert_eq!(summary.examples, 3);
    // An array in a .jsonl file is still not JSON Lines.
    let array = format!("[\n{GOOD}\n]\n");
    let (found, _) = lint_bytes_as("a.jsonl", array.as_bytes(), &settings);
    assert_eq!(places(&found), [(1, 1, "J007")]);
    // The J rules about lines stay quiet on an array: no final newline, blank lines.
    let (found, _) = lint_bytes_as("a.json", format!("[\n\n{GOOD}\n\n]").as_bytes(), &settings);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_record_over_the_limit_is_j008_at_its_start_and_never_held_whole() {
    let mut settings = Settings::default();
    settings.set_options(
        Code::J008,
        LineTooLargeOptions {
            max_line_bytes: 1 << 20,
        },
    );
    let big = "x".repeat(8 << 20);
    let text = format!(
        "[\n  {GOOD},\n  {{\"messages\": [{{\"role\": \"user\", \"content\": \"{big}\"}}]}},\n  {BAD_ROLE}\n]\n"
    );
    let (found, summary) = lint_bytes_as("a.json", text.as_bytes(), &settings);
    assert_eq!(
        places(&found),
        [(3, 3, "J008"), (4, 24, "S005")],
        "{found:?}"
    );
    assert_eq!(summary.examples, 3);
    // Compressed, the same.
    for (name, bytes) in containers(text.as_bytes()) {
        let (got, _) = lint_bytes_as("a.json.gz", &bytes, &settings);
        assert_eq!(got, found, "{name}");
    }
}

/// Records of every rule's fixtures that are JSON (the J rules' own fixtures are about
/// lines), as JSONL and as a pretty-printed array (indent 2 with LF, 4 with CRLF): the same
/// findings, record by record, in code and message, and each span in the array covers the
/// text it covers in the JSONL line.
#[test]
fn an_array_has_the_findings_of_the_same_records_as_jsonl() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut dirs: Vec<_> = fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    let mut compared = 0;
    for dir in dirs {
        for kind in ["invalid.jsonl", "valid.jsonl"] {
            let Ok(text) = fs::read_to_string(dir.join(kind)) else {
                continue;
            };
            // Only records that are JSON: a broken line has no array form.
            let jsonl: String = text
                .lines()
                .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
                .map(|l| format!("{l}\n"))
                .collect();
            if jsonl.is_empty() {
                continue;
            }
            let settings = Settings::default();
            let (plain, plain_summary) = lint_bytes_as("a.jsonl", jsonl.as_bytes(), &settings);
            let lines: Vec<u64> = (1..=jsonl.lines().count() as u64).collect();
            let want = json_array::per_record(&plain, &lines);
            for (indent, eol) in [(2, "\n"), (4, "\r\n")] {
                let (array, starts) = json_array::pretty_array(&jsonl, indent, eol);
                let (got, summary) = lint_bytes_as("a.json", array.as_bytes(), &settings);
                let name = format!("{}/{kind} (indent {indent})", dir.display());
                assert_eq!(
                    json_array::per_record(&got, &starts),
                    want,
                    "{name}\n{array}"
                );
                assert_eq!(
                    (summary.examples, summary.valid, summary.format),
                    (
                        plain_summary.examples,
                        plain_summary.valid,
                        plain_summary.format
                    ),
                    "{name}"
                );
                for d in &got {
                    let Some(shown) = json_array::span_text(&array, d) else {
                        continue;
                    };
                    let shown = shown.trim_end_matches('\r');
                    let covered = json_array::covered_by(&plain, &jsonl, d, shown);
                    assert!(covered, "{name}: {} covers {shown:?}", d.code.as_str());
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 50, "only {compared} fixtures compared");
}

#[test]
fn discovery_lints_a_json_array_named_or_included_never_any_json() {
    let dir = TempDir::new().expect("temp dir");
    let data = dir.path().join("data");
    fs::create_dir_all(&data).expect("mkdir");
    let (array, _) = json_array::pretty_array(&three_lines(), 2, "\n");
    fs::write(data.join("train.json"), &array).expect("write");
    fs::write(data.join("package.json"), "{\"name\": \"x\"}\n").expect("write");
    fs::write(data.join("a.jsonl"), three_lines()).expect("write");
    let run = |args: &[&str]| {
        let (code, out, err) = stdout_of(tunelint(dir.path()).args(args));
        assert!(matches!(code, Some(0 | 1)), "{err}");
        let mut s005: Vec<String> = out
            .lines()
            .filter(|l| l.contains(" S005 ") || l.contains(" J007 "))
            .map(|l| l.split(": ").next().unwrap_or("").to_string())
            .collect();
        s005.sort();
        s005
    };
    let concise = ["--format", "concise", "--quiet"];
    // A walk: the JSONL only.
    assert_eq!(
        run(&[&["--isolated"][..], &concise, &["data"]].concat()),
        ["data/a.jsonl:3:22"]
    );
    // Named: linted, at the line and column in the .json file.
    assert_eq!(
        run(&[&["--isolated"][..], &concise, &["data/train.json"]].concat()),
        ["data/train.json:29:17"]
    );
    // `include` in the config: walked too; package.json is not included.
    fs::write(
        dir.path().join("tunelint.toml"),
        "include = [\"data/train.json\"]\n",
    )
    .expect("write");
    assert_eq!(
        run(&[&concise[..], &["data"]].concat()),
        ["data/a.jsonl:3:22", "data/train.json:29:17"]
    );
    // exclude wins over include.
    fs::write(
        dir.path().join("tunelint.toml"),
        "include = [\"*.json\"]\nexclude = [\"package.json\"]\n",
    )
    .expect("write");
    assert_eq!(
        run(&[&concise[..], &["data"]].concat()),
        ["data/a.jsonl:3:22", "data/train.json:29:17"]
    );
    // A bad glob is an error pointing at it.
    fs::write(dir.path().join("tunelint.toml"), "include = 3\n").expect("write");
    let (code, _, err) = stdout_of(tunelint(dir.path()).args(["data"]));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("include"), "{err}");
}

/// A duplicate in a minified array (every record on line 1) is located at its record, and
/// names the first copy by its column too: "line 1" alone would not say which. Pretty-printed,
/// the record's `{` is the place. `dedupe` says it rewrites JSON Lines only.
#[test]
fn duplicates_in_an_array_point_at_their_records() {
    let dir = TempDir::new().expect("temp dir");
    let other = GOOD.replace("Hello there", "Good morning");
    let minified = format!("[{GOOD},{GOOD},{other}]");
    fs::write(dir.path().join("m.json"), &minified).expect("write");
    let second = GOOD.chars().count() + 3;
    let (code, out, err) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "--select",
        "D001",
        "m.json",
    ]));
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        out.lines().next().unwrap_or_default(),
        format!("m.json:1:{second}: D001 exact duplicate of the example at line 1, column 2")
    );
    // Pretty-printed: each record on lines of its own, indented.
    let pretty = format!("[\n  {GOOD},\n  {GOOD}\n]\n");
    fs::write(dir.path().join("p.json"), &pretty).expect("write");
    let (_, out, _) = stdout_of(tunelint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "--select",
        "D001",
        "p.json",
    ]));
    assert_eq!(
        out.lines().next().unwrap_or_default(),
        "p.json:3:3: D001 exact duplicate of the example at line 2, column 3"
    );
    let (code, _, err) = stdout_of(tunelint(dir.path()).args([
        "dedupe",
        "--isolated",
        "--force",
        "m.json",
        "-o",
        "out.json",
    ]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("m.json: is a JSON array; dedupe rewrites JSON Lines only"),
        "{err}"
    );
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn a_container_tunelint_does_not_open_is_named() {
    // The magic bytes of each, then what follows them in any file of its kind.
    for (head, said) in [
        (
            &b"BZh91AY&SY\x9a\x1b"[..],
            "file is bzip2-compressed, which tunelint does not read (it reads .gz and .zst); decompress it first (`bunzip2 -k FILE`)",
        ),
        (
            &b"\xFD7zXZ\x00\x00\x04\xE6\xD6\xB4\x46"[..],
            "file is xz-compressed, which tunelint does not read",
        ),
        (
            &b"PK\x03\x04\x14\x00\x00\x00\x08\x00"[..],
            "file is a zip archive, which tunelint does not read",
        ),
    ] {
        let (diagnostics, summary) = lint_bytes(head, &Settings::default());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::J007);
        assert!(
            diagnostics[0].message.starts_with(said),
            "{}",
            diagnostics[0].message
        );
        assert_eq!(summary.examples, 0);
    }
    // "BZh" followed by text is text.
    let (diagnostics, _) = lint_bytes(b"BZh is not a record\n", &Settings::default());
    assert!(
        diagnostics.iter().all(|d| d.code != Code::J007),
        "{diagnostics:?}"
    );
}
