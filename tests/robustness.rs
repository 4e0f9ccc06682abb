//! Any byte sequence gives diagnostics, never a panic, hang or stack overflow (PRODUCT.md §9),
//! and every diagnostic points at a real place in the input: property tests through the
//! whole pipeline (`engine::lint_bytes`), plus the extreme inputs a fuzzer would take long to
//! find.

use proptest::prelude::*;
use tunelint::diagnostic::Diagnostic;
use tunelint::engine::{FileSummary, lint_bytes};
use tunelint::rules::Code;
use tunelint::rules::jsonl::LineTooLargeOptions;
use tunelint::settings::Settings;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The findings that are not about duplicates.
fn without_duplicates(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.code.meta().category != tunelint::rule::Category::Duplicates)
        .cloned()
        .collect()
}

fn small_settings() -> Settings {
    let mut settings = Settings::default();
    settings.set_options(Code::J008, LineTooLargeOptions { max_line_bytes: 64 });
    settings
}

/// Byte offsets where each line starts; their count is the number of lines (a last line
/// without newline counts; an empty input has none).
fn line_starts(input: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(newlines(input).map(|i| i + 1));
    if starts.last() == Some(&input.len()) {
        starts.pop();
    }
    starts
}

fn newlines(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
    input
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

/// Lints `input` and checks what every output relies on: each diagnostic's line exists, its
/// byte offset is the start of that line, its columns are 1-based and ordered, its span lies
/// within the line and agrees with its column, and the diagnostics come sorted.
fn lint_checked(input: &[u8], settings: &Settings) -> (Vec<Diagnostic>, FileSummary) {
    let (diagnostics, summary) = lint_bytes(input, settings);
    let starts = line_starts(input);
    for d in &diagnostics {
        let loc = &d.location;
        let what = format!(
            "{} {:?} in {:?}",
            d.code.as_str(),
            loc,
            String::from_utf8_lossy(&input[..input.len().min(300)])
        );
        assert!(
            loc.line >= 1 && loc.line as usize <= starts.len(),
            "line out of range: {what}"
        );
        assert!(loc.column >= 1, "column 0: {what}");
        assert!(loc.end_column >= loc.column, "end before start: {what}");
        let start = starts[loc.line as usize - 1];
        let after_bom = loc.line == 1 && input.starts_with(BOM) && loc.line_offset == 3;
        assert!(
            loc.line_offset as usize == start || after_bom,
            "offset {} is not the start of line {}: {what}",
            loc.line_offset,
            loc.line
        );
        let from = loc.line_offset as usize;
        let end = input[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |i| from + i);
        let line = &input[from..end];
        if let Some(span) = loc.span {
            assert!(
                span.start <= span.end && span.end as usize <= line.len(),
                "span outside the line: {what}"
            );
            if let Ok(text) = std::str::from_utf8(line) {
                let before = &text[..span.start as usize];
                assert_eq!(
                    loc.column as usize,
                    before.chars().count() + 1,
                    "column disagrees with span: {what}"
                );
                let inside = &text[span.range()];
                assert_eq!(
                    (loc.end_column - loc.column) as usize,
                    inside.chars().count(),
                    "end column: {what}"
                );
            }
        }
    }
    // Sorted by position. (File-level findings of the reader, like J005 at 1:1, come before
    // the line's own findings at the same position whatever their code.)
    let position = |d: &Diagnostic| (d.location.file, d.location.line, d.location.column);
    assert!(
        diagnostics
            .windows(2)
            .all(|w| position(&w[0]) <= position(&w[1])),
        "diagnostics out of order: {diagnostics:?}"
    );
    assert!(
        summary.examples as usize <= starts.len(),
        "{} examples in {} lines",
        summary.examples,
        starts.len()
    );
    assert!(summary.valid <= summary.examples);
    assert_eq!(
        summary.bytes as usize,
        input.len(),
        "every byte is accounted for"
    );
    (diagnostics, summary)
}

/// Default settings, or `max_line_bytes = 64` to exercise skipping over-long lines. (Each case
/// runs once: in a debug build even a tiny input takes some milliseconds to lint.)
fn settings(small: bool) -> Settings {
    if small {
        small_settings()
    } else {
        Settings::default()
    }
}

/// Fragments that JSON parsers, line splitters and UTF-8 decoders find interesting.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b",",
        b"\"",
        b"\\",
        b"\\u",
        b"\\ud800",
        b"\\u00e9",
        b"\n",
        b"\r",
        b"\r\n",
        b"\0",
        b" ",
        b"\t",
        b"\"messages\"",
        b"\"role\"",
        b"\"content\"",
        b"\"user\"",
        b"\"assistant\"",
        b"\"system\"",
        b"\"tool\"",
        b"\"tool_calls\"",
        b"\"tool_call_id\"",
        b"\"function\"",
        b"\"arguments\"",
        b"\"name\"",
        b"\"weight\"",
        b"\"type\"",
        b"\"text\"",
        b"\"image_url\"",
        b"\"url\"",
        b"null",
        b"true",
        b"false",
        b"0",
        b"-0",
        b"1e999",
        b"-1.5e-7",
        b"[]",
        b"{}",
        b"\"\"",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3",
        b"\xE6\x97\xA5",
        "é".as_bytes(),
        "日本".as_bytes(),
        "🦀".as_bytes(),
        b"version https://git-lfs.github.com/spec/v1\n",
        b"<|endoftext|>",
        b"As an AI",
        b"I cannot",
    ];
    prop_oneof![
        8 => proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => (1usize..200).prop_map(|n| vec![b'a'; n]),
        1 => proptest::collection::vec(any::<u8>(), 1..8),
    ]
}

fn tokens() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..80).prop_map(|t| t.concat())
}

/// A valid example exercising most of the OpenAI chat schema.
const VALID: &str = r#"{"messages":[{"role":"system","content":"You answer questions about the weather."},{"role":"user","content":"What is the weather in Paris today?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"{\"temp_c\": 18}"},{"role":"assistant","content":[{"type":"text","text":"It is 18 °C in Paris, 日本 is far away."}],"weight":1}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}"#;

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    /// Swap two quoted keys or values (`"role"` and `"content"`, say).
    SwapStrings(usize, usize),
    /// Cut the record at a position and append another copy's tail.
    Splice(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        any::<u8>(),
        proptest::sample::select(b"{}[]\":,\\\n\r 0a\xC3\xA9".to_vec())
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapStrings(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Splice(a, b)),
    ]
}

/// Byte ranges of the quoted strings of `s` (good enough for a valid record: no `\"` at the
/// start of a string).
fn quoted(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'"' {
            let mut j = i + 1;
            while j < s.len() && !(s[j] == b'"' && s[j - 1] != b'\\') {
                j += 1;
            }
            out.push((i, (j + 1).min(s.len())));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn apply(record: &mut Vec<u8>, m: &Mutation) {
    let n = record.len();
    match *m {
        Mutation::Delete(i) if n > 0 => {
            record.remove(i % n);
        }
        Mutation::Insert(i, b) => record.insert(i % (n + 1), b),
        Mutation::Replace(i, b) if n > 0 => record[i % n] = b,
        Mutation::SwapStrings(a, b) => {
            let q = quoted(record);
            if q.len() >= 2 {
                let (mut x, mut y) = (q[a % q.len()], q[b % q.len()]);
                if x.0 > y.0 {
                    std::mem::swap(&mut x, &mut y);
                }
                if x.1 <= y.0 {
                    let mut out = record[..x.0].to_vec();
                    out.extend_from_slice(&record[y.0..y.1]);
                    out.extend_from_slice(&record[x.1..y.0]);
                    out.extend_from_slice(&record[x.0..x.1]);
                    out.extend_from_slice(&record[y.1..]);
                    *record = out;
                }
            }
        }
        Mutation::Splice(a, b) if n > 0 => {
            let tail = record[b % n..].to_vec();
            record.truncate(a % n);
            record.extend_from_slice(&tail);
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..600), small in any::<bool>()) {
        lint_checked(&input, &settings(small));
    }

    #[test]
    fn json_ish_tokens_never_panic(input in tokens(), small in any::<bool>()) {
        lint_checked(&input, &settings(small));
    }

    #[test]
    fn lines_of_tokens_never_panic(lines in proptest::collection::vec(tokens(), 1..12), crlf in any::<bool>(), bom in any::<bool>(), small in any::<bool>()) {
        let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut input = if bom { BOM.to_vec() } else { Vec::new() };
        input.extend(lines.join(sep));
        lint_checked(&input, &settings(small));
    }

    #[test]
    fn deep_nesting_never_overflows(depth in 0usize..5000, open in proptest::sample::select(vec!["[", "{\"a\":", "{\"messages\":[", "[{\"role\":"]), close in any::<bool>(), suffix in tokens(), small in any::<bool>()) {
        let mut input = open.repeat(depth).into_bytes();
        if close {
            input.extend(std::iter::repeat_n(b']', depth));
        }
        input.extend(suffix);
        input.push(b'\n');
        lint_checked(&input, &settings(small));
    }

    #[test]
    fn long_lines_around_the_limit_never_panic(lens in proptest::collection::vec(0usize..200, 1..10)) {
        // Records whose lengths straddle max_line_bytes = 64: some are skipped (J008), the
        // others still linted on their own line numbers.
        let records: Vec<String> = lens
            .iter()
            .map(|&n| format!(r#"{{"messages":[{{"role":"user","content":"{}"}},{{"role":"assistant","content":"Fine, thanks."}}]}}"#, "é".repeat(n / 2)))
            .collect();
        let input = records.join("\n");
        let settings = small_settings();
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
        for (i, r) in records.iter().enumerate() {
            let skipped = r.len() > 64;
            let line = i as u64 + 1;
            prop_assert_eq!(
                diagnostics.iter().any(|d| d.code == Code::J008 && d.location.line == line),
                skipped,
                "line {} of {} bytes", line, r.len()
            );
        }
        prop_assert_eq!(summary.examples as usize, records.len());
    }

    #[test]
    fn mutated_valid_records_never_panic(mutations in proptest::collection::vec(mutation(), 1..4), copies in 1usize..3, small in any::<bool>()) {
        let mut record = VALID.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut record, m);
        }
        let mut input = Vec::new();
        for _ in 0..copies {
            input.extend_from_slice(VALID.as_bytes());
            input.push(b'\n');
        }
        input.extend_from_slice(&record);
        input.push(b'\n');
        let (diagnostics, _) = lint_checked(&input, &settings(small));
        // The untouched copies above stay clean: a broken line never spills onto others
        // (unless a NUL byte makes the whole file binary, J007; with the small limit every
        // copy is an over-long line, J008).
        // (The copies are duplicates of each other, which the D rules report on them.)
        let diagnostics = without_duplicates(&diagnostics);
        let binary = diagnostics.iter().any(|d| d.code == Code::J007);
        prop_assert!(small || binary || diagnostics.iter().all(|d| d.location.line as usize > copies), "{:?}", diagnostics);
    }
}

#[test]
fn the_valid_record_is_clean() {
    let input = format!("{VALID}\n");
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
    assert_eq!(diagnostics, []);
    assert_eq!((summary.examples, summary.valid), (1, 1));
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(u64, &'static str)> {
    diagnostics
        .iter()
        .map(|d| (d.location.line, d.code.as_str()))
        .collect()
}

#[test]
fn a_hundred_thousand_nested_brackets_are_j001_not_a_stack_overflow() {
    for open in [
        "[",
        "{\"a\":",
        "{\"messages\":[{\"role\":\"user\",\"content\":",
    ] {
        let input = format!("{}\n", open.repeat(100_000));
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
        assert_eq!(codes(&diagnostics), [(1, "J001")], "{open}");
        assert!(
            diagnostics[0].message.contains("nesting"),
            "{}",
            diagnostics[0].message
        );
        assert_eq!((summary.examples, summary.valid), (1, 0));
    }
    // Closed again: valid JSON, just too deep to be an example.
    let input = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
    assert_eq!(codes(&diagnostics), [(1, "J001")]);
}

#[test]
fn empty_input_and_blank_lines_only_have_nothing_to_report() {
    for input in ["", "\n", "\n\n\n", "\r\n\r\n", "  \n\t\n"] {
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
        assert_eq!(codes(&diagnostics), [], "{input:?}");
        assert_eq!(summary.examples, 0, "{input:?}");
    }
}

#[test]
fn binary_input_is_one_file_level_finding() {
    let mut input = b"\x00\x01\x02PK\x03\x04".to_vec();
    input.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    let (diagnostics, summary) = lint_checked(&input, &Settings::default());
    assert_eq!(codes(&diagnostics), [(1, "J007")]);
    assert!(
        diagnostics[0].message.contains("binary"),
        "{}",
        diagnostics[0].message
    );
    assert_eq!(summary.examples, 0);
}

#[test]
fn invalid_utf8_is_j004_at_the_right_column() {
    let input = b"{\"messages\":[{\"role\":\"user\",\"content\":\"caf\xC3\xA9 \xFF\"}]}\n";
    let (diagnostics, _) = lint_checked(input, &Settings::default());
    assert_eq!(codes(&diagnostics), [(1, "J004")]);
    // 39 characters before `café `, 5 characters (6 bytes): the bad byte is column 45.
    assert_eq!(diagnostics[0].location.column, 45);
}

fn chat(user: &str, assistant: &str) -> String {
    format!(
        r#"{{"messages":[{{"role":"user","content":"{user}"}},{{"role":"assistant","content":"{assistant}"}}]}}"#
    )
}

#[test]
fn a_3_mib_line_is_linted_whole() {
    let line = chat(&"x".repeat(3 << 20), "Fine, thank you.");
    let (diagnostics, summary) = lint_checked(format!("{line}\n").as_bytes(), &Settings::default());
    // 3 MiB of one letter: far too long in characters (C002) and in tokens (T001, counted).
    assert_eq!(codes(&diagnostics), [(1, "C002"), (1, "T001")]);
    assert!(
        diagnostics[1]
            .message
            .starts_with("example has 393,232 tokens (o200k_base)"),
        "{}",
        diagnostics[1].message
    );
    assert_eq!(diagnostics[0].location.column, 39);
    assert!(
        diagnostics[0].message.contains("3145728 characters"),
        "{}",
        diagnostics[0].message
    );
    assert_eq!((summary.examples, summary.valid), (1, 1));
    // Without a final newline: also J009, at the end of the line.
    let (diagnostics, _) = lint_checked(line.as_bytes(), &Settings::default());
    assert_eq!(codes(&diagnostics), [(1, "C002"), (1, "T001"), (1, "J009")]);
    assert_eq!(
        diagnostics[2].location.column as usize,
        line.chars().count() + 1
    );
}

#[test]
fn a_3_mib_line_over_the_limit_is_skipped_and_the_next_line_keeps_its_number() {
    let mut settings = Settings::default();
    settings.set_options(
        Code::J008,
        LineTooLargeOptions {
            max_line_bytes: 1 << 20,
        },
    );
    let bad = r#"{"messages":[{"role":"bot","content":"Hello there, how are you?"}]}"#;
    let input = format!(
        "{}\n{bad}\n{}\n{bad}\n",
        chat("Hello there, how are you?", "Fine, thank you."),
        chat(&"x".repeat(3 << 20), "ok then, fine")
    );
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
    // Lines 2 and 4 are the same record: D001 says so.
    assert_eq!(
        codes(&diagnostics),
        [(2, "S005"), (3, "J008"), (4, "D001"), (4, "S005")]
    );
    assert_eq!(summary.examples, 4);
    // The same bytes in one go, without a final newline.
    let (diagnostics, _) = lint_checked(input.trim_end().as_bytes(), &settings);
    assert_eq!(
        codes(&diagnostics),
        [
            (2, "S005"),
            (3, "J008"),
            (4, "D001"),
            (4, "S005"),
            (4, "J009")
        ]
    );
}

#[test]
fn line_numbers_stay_exact_across_chunks() {
    // About 3 MiB: three 1 MiB chunks and their seams, a bad role every 37th line, a blank
    // line every 1000th.
    let good = chat(
        "How many legs does a spider have? ¿Cuántas? 日本語",
        "A spider has eight legs.",
    );
    let bad = r#"{"messages":[{"role":"user","content":"¿Cuántas patas tiene una araña?"},{"role":"bot","content":"Una araña tiene ocho patas."}]}"#;
    let mut input = String::new();
    let mut expected = Vec::new();
    let mut line = 0u64;
    while input.len() < 3 << 20 {
        line += 1;
        if line.is_multiple_of(1000) {
            input.push('\n');
            expected.push((line, "J003"));
            continue;
        }
        if line.is_multiple_of(37) {
            input.push_str(bad);
            expected.push((line, "S005"));
        } else {
            input.push_str(&good);
        }
        input.push('\n');
    }
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
    // The good lines repeat one record; this test is about line numbers, not duplicates.
    assert_eq!(codes(&without_duplicates(&diagnostics)), expected);
    assert!(
        diagnostics
            .iter()
            .filter(|d| d.code == Code::S005)
            .all(|d| d.location.column == 82)
    );
    assert_eq!(summary.examples, line - line / 1000);
}
