//! Compressed inputs (`.jsonl.gz`, `.jsonl.zst`, PRODUCT.md §3 "Containers"): found by
//! discovery, told by their first bytes (a misnamed file, standard input), decompressed as a
//! stream, linted with the findings of the plain text on the lines of the decompressed text,
//! and a corrupt or truncated stream is a read error naming the file and the line reached.

use std::fs;
use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;
use tunelint::engine::lint_bytes;
use tunelint::rules::Code;
use tunelint::rules::jsonl::line_too_large::LineTooLargeOptions;
use tunelint::settings::Settings;

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
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
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
    assert!(found.is_empty(), "{found:?}");
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
    cmd.current_dir(dir).env_remove("NO_COLOR");
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
}
