//! The human output formats on one fixture that mixes most kinds of finding
//! (`tests/fixtures/cli/mixed.jsonl`): insta snapshots of `full` and `concise` with their
//! `--statistics` and `--quiet` variants, plus explicit checks of what the snapshots could
//! hide: the concise line shape, code-point columns and underlines that cover exactly the
//! offending value.

use std::path::Path;

use assert_cmd::Command;

const FIXTURE: &str = "tests/fixtures/cli/mixed.jsonl";

/// Runs tunelint from the crate root on the fixture, so paths in the output are stable.
fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .arg("--isolated")
        .args(args)
        .arg(FIXTURE)
        .output()
        .expect("run tunelint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the fixture fails the valid-examples gate"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn fixture_line(n: usize) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE))
        .expect("fixture");
    text.lines().nth(n - 1).expect("line exists").to_owned()
}

#[test]
fn full_snapshot() {
    insta::assert_snapshot!("full", run(&["--format", "full", "--color", "never"]));
}

#[test]
fn full_statistics_snapshot() {
    insta::assert_snapshot!(
        "full_statistics",
        run(&["--format", "full", "--color", "never", "--statistics"])
    );
}

#[test]
fn full_quiet_snapshot() {
    let quiet = run(&["--format", "full", "--color", "never", "--quiet"]);
    assert!(
        !quiet.contains("Summary") && !quiet.contains("gate "),
        "{quiet}"
    );
    insta::assert_snapshot!("full_quiet", quiet);
}

#[test]
fn concise_snapshot() {
    insta::assert_snapshot!("concise", run(&["--format", "concise"]));
}

#[test]
fn concise_quiet_snapshot() {
    insta::assert_snapshot!("concise_quiet", run(&["--format", "concise", "--quiet"]));
}

/// `PATH:LINE:COL: CODE ` with LINE and COL positive numbers and CODE a letter and 3 digits.
fn is_concise_line(line: &str, path: &str) -> bool {
    let Some(rest) = line.strip_prefix(path).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let number =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0');
    let mut parts = rest.splitn(3, ':');
    let (Some(l), Some(c), Some(tail)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let code = tail.as_bytes();
    number(l)
        && number(c)
        && code.len() > 6
        && code[0] == b' '
        && code[1].is_ascii_uppercase()
        && code[2..5].iter().all(u8::is_ascii_digit)
        && code[5] == b' '
}

#[test]
fn concise_lines_have_the_documented_shape() {
    let quiet = run(&["--format", "concise", "--quiet"]);
    assert!(quiet.lines().count() >= 10, "{quiet}");
    for line in quiet.lines() {
        assert!(
            is_concise_line(line, FIXTURE),
            "not PATH:LINE:COL: CODE message: {line:?}"
        );
    }
    // The shape check itself rejects near misses.
    for bad in [
        "tests/fixtures/cli/mixed.jsonl:2:43 J001 x",
        "tests/fixtures/cli/mixed.jsonl:2:: J001 x",
        "tests/fixtures/cli/mixed.jsonl:0:1: J001 x",
        "tests/fixtures/cli/mixed.jsonl:2:43: j001 x",
        "tests/fixtures/cli/mixed.jsonl:2:43: J01 x",
        "other.jsonl:2:43: J001 x",
    ] {
        assert!(!is_concise_line(bad, FIXTURE), "{bad}");
    }
    // Without --quiet the same lines come first, then the summary and the failed gates.
    let full = run(&["--format", "concise"]);
    assert!(full.starts_with(&quiet));
    let tail: Vec<&str> = full[quiet.len()..].lines().collect();
    assert_eq!(tail.len(), 3, "{full}");
    assert!(tail[0].ends_with("valid"), "{full}");
    assert!(tail[1].starts_with("gate failed: valid examples"), "{full}");
    assert!(tail[2].starts_with("gate failed: duplicates 2"), "{full}");
}

#[test]
fn columns_count_code_points_not_bytes() {
    // Line 10: French text with «», ’ and î before a five-character Japanese answer (C001).
    let line = fixture_line(10);
    let at = line
        .find("\"こんにちは\"")
        .expect("the answer is on line 10");
    let column = line[..at].chars().count() + 1;
    assert!(
        at + 1 > column,
        "the line has multi-byte characters before the span"
    );
    let concise = run(&["--format", "concise", "--quiet"]);
    assert!(
        concise.contains(&format!(
            "{FIXTURE}:10:{column}: C001 assistant content is 5 characters"
        )),
        "expected column {column} (not byte column {}): {concise}",
        at + 1
    );
    let full = run(&["--format", "full", "--color", "never", "--quiet"]);
    assert!(
        full.contains(&format!("┌─ {FIXTURE}:10:{column}\n")),
        "{full}"
    );
}

/// Display width of the characters in the fixture: CJK takes two terminal columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{3040}'..='\u{30FF}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// In the full output, the block of the diagnostic at `line:column`: its shown source line
/// (after `N │ `) and its underline (after `  │ `).
fn shown(full: &str, line: usize, column: usize) -> (String, String) {
    let head = format!("┌─ {FIXTURE}:{line}:{column}\n");
    let start = full
        .find(&head)
        .unwrap_or_else(|| panic!("no diagnostic at {line}:{column}: {full}"));
    let mut rows = full[start + head.len()..]
        .lines()
        .filter(|l| l.contains('│'))
        .skip(1);
    let source = rows.next().expect("source row");
    let under = rows.next().expect("underline row");
    let prefix = format!("{line} │ ");
    let source = source
        .trim_start()
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{source:?}"));
    let under = under
        .trim_start()
        .strip_prefix("│ ")
        .unwrap_or_else(|| panic!("{under:?}"));
    (source.to_owned(), under.to_owned())
}

/// Asserts that the underline of the diagnostic at `line:column` covers exactly `value`, the
/// first one shown in its line or the one starting `context` when given.
fn assert_underlines(full: &str, line: usize, column: usize, value: &str) {
    assert_underlines_in(full, line, column, value, value);
}

fn assert_underlines_in(full: &str, line: usize, column: usize, context: &str, value: &str) {
    assert!(context.starts_with(value));
    let (source, under) = shown(full, line, column);
    let at = source
        .find(context)
        .unwrap_or_else(|| panic!("{value} not shown in {source:?}"));
    let carets_start = under
        .find('^')
        .unwrap_or_else(|| panic!("no underline: {under:?}"));
    let carets = under[carets_start..]
        .chars()
        .take_while(|&c| c == '^')
        .count();
    assert_eq!(
        width(&under[..carets_start]),
        width(&source[..at]),
        "underline starts under {value}:\n{source}\n{under}"
    );
    assert_eq!(
        carets,
        width(value),
        "underline is as wide as {value}:\n{source}\n{under}"
    );
}

#[test]
fn full_format_underlines_exactly_the_offending_value() {
    let full = run(&["--format", "full", "--color", "never", "--quiet"]);
    // Line 6 is long: the snippet is cropped around the bad role, with its real column.
    let line6 = fixture_line(6);
    let at = line6.find("\"bot\"").expect("bad role");
    let column = at + 1;
    assert!(column > 300, "the role is far into the line");
    let (source, _) = shown(&full, 6, column);
    assert!(
        source.starts_with('…') && source.ends_with('…'),
        "cropped: {source}"
    );
    assert!(source.chars().count() <= 125, "{source}");
    assert_underlines(&full, 6, column, "\"bot\"");
    assert_eq!("\"bot\"".chars().count(), 5);

    // The repeated key, not the first one.
    let line5 = fixture_line(5);
    let second = line5
        .rfind("\"content\": \"Where is the bus")
        .expect("second key")
        + 1;
    assert_underlines_in(
        &full,
        5,
        second,
        "\"content\": \"Where is the bus",
        "\"content\"",
    );
    // An invalid tool name; a non-JSON arguments string.
    let line8 = fixture_line(8);
    assert_underlines(
        &full,
        8,
        line8.find("\"get weather!\"").expect("name") + 1,
        "\"get weather!\"",
    );
    assert_underlines(
        &full,
        8,
        line8.find("\"{city: Berlin}\"").expect("args") + 1,
        "\"{city: Berlin}\"",
    );
    // The wide characters of a Japanese answer after multi-byte French text.
    let line10 = fixture_line(10);
    let at = line10.find("\"こんにちは\"").expect("answer");
    assert_underlines(
        &full,
        10,
        line10[..at].chars().count() + 1,
        "\"こんにちは\"",
    );
    // The boilerplate opening, inside the string.
    let line11 = fixture_line(11);
    assert_underlines(
        &full,
        11,
        line11.find("As an AI").expect("opening") + 1,
        "As an AI",
    );
}

#[test]
fn valid_tool_call_and_multimodal_examples_have_no_findings() {
    let concise = run(&["--format", "concise", "--quiet"]);
    for line in [1, 12, 13, 14] {
        assert!(
            !concise.contains(&format!("{FIXTURE}:{line}:")),
            "line {line}: {concise}"
        );
    }
    assert!(fixture_line(12).contains("\"tool_calls\""));
    assert!(fixture_line(13).contains("\"image_url\""));
}
