//! Any byte sequence gives diagnostics, never a panic, hang or stack overflow (PRODUCT.md §9),
//! and every diagnostic points at a real place in the input: property tests through the
//! whole pipeline (`engine::lint_bytes`), plus the extreme inputs a fuzzer would take long to
//! find.

use proptest::prelude::*;
use tunelint::context::MAX_PER_RULE;
use tunelint::diagnostic::Diagnostic;
use tunelint::engine::{FileSummary, lint_bytes};
use tunelint::rules::Code;
use tunelint::rules::jsonl::line_too_large::LineTooLargeOptions;
use tunelint::settings::Settings;
use tunelint::wording::thousands;

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
        // An empty input has no line, but a finding about it (J011) is at line 1, column 1,
        // as editors and code scanning show such a file.
        assert!(
            loc.line >= 1 && (loc.line as usize <= starts.len() || loc.line == 1),
            "line out of range: {what}"
        );
        assert!(loc.column >= 1, "column 0: {what}");
        assert!(loc.end_column >= loc.column, "end before start: {what}");
        let start = starts.get(loc.line as usize - 1).copied().unwrap_or(0);
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
    match &summary.io_error {
        // The only reason bytes in memory cannot be read: they start with a gzip or zstd magic
        // number and do not decompress. The error names the compression.
        Some(reason) => assert!(
            starts_compressed(input)
                && (reason.contains("corrupt or truncated gzip data")
                    || reason.contains("corrupt or truncated zstd data")),
            "read error {reason:?} for {:?}",
            String::from_utf8_lossy(&input[..input.len().min(300)])
        ),
        // A compressed input that decompresses: its figures count the text, not the input.
        None if starts_compressed(input) => {}
        None => assert_eq!(
            summary.bytes as usize,
            input.len(),
            "every byte is accounted for"
        ),
    }
    (diagnostics, summary)
}

/// Whether `input` starts with a gzip member's or a zstd frame's magic number (a skippable
/// frame's included), which tunelint decompresses whatever the file's name.
fn starts_compressed(input: &[u8]) -> bool {
    input.starts_with(&[0x1f, 0x8b])
        || input.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || matches!(input, [first, 0x2a, 0x4d, 0x18, ..] if first & 0xf0 == 0x50)
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

/// Found once by `lines_of_tokens_never_panic`: J007 on a pretty-printed document after a
/// byte-order mark and blank lines pointed 3 bytes before its line (its offset was counted
/// in the text without the mark).
#[test]
fn a_document_after_a_byte_order_mark_and_blank_lines_is_placed_on_its_line() {
    for input in [
        &b"\xEF\xBB\xBF\n[\n"[..],
        b"\xEF\xBB\xBF\r\n[1,\r\n2]\r\n",
        b"\xEF\xBB\xBF\n\n{\n",
    ] {
        for small in [false, true] {
            let (found, _) = lint_checked(input, &settings(small));
            assert!(
                found
                    .iter()
                    .any(|d| d.code == Code::J007 && d.location.line > 1),
                "{found:?}"
            );
        }
    }
}

/// Found once by `arbitrary_bytes_never_panic`: bytes that start with gzip's magic number
/// and do not decompress are a read error that says so (the check had counted their bytes as
/// text); the same for zstd's, and for a magic number followed by lines of JSON.
#[test]
fn a_compression_magic_number_before_other_bytes_is_a_read_error_naming_it() {
    for (input, compression) in [
        (&b"\x1f\x8b"[..], "gzip"),
        (b"\x1f\x8bxx\n{\"a\": 1}\n", "gzip"),
        (b"\x28\xb5\x2f\xfd{\"a\": 1}\n", "zstd"),
        (b"\x50\x2a\x4d\x18\xff\xff\xff\x00", "zstd"),
    ] {
        for small in [false, true] {
            let (found, summary) = lint_checked(input, &settings(small));
            let reason = summary.io_error.as_deref().unwrap_or_default();
            assert!(
                reason.contains(&format!("corrupt or truncated {compression} data")),
                "{input:?}: {reason:?}, {found:?}"
            );
            assert_eq!(summary.examples, 0, "{input:?}");
        }
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
fn empty_input_and_blank_lines_only_are_one_empty_file_finding() {
    for input in ["", "\n", "\n\n\n", "\r\n\r\n", "  \n\t\n", " "] {
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
        assert_eq!(codes(&diagnostics), [(1, "J011")], "{input:?}");
        assert_eq!(summary.examples, 0, "{input:?}");
    }
}

#[test]
fn a_run_of_blank_lines_is_one_finding_across_chunks() {
    // 3 MiB of blank lines (CRLF: 1.5M lines over three 1 MiB chunks and their seams) after
    // the first record, two more (spaces, a tab) before the last, and some at the end. Each
    // run is one J003 at its first line, saying how many lines and which; the run at the end
    // is not reported.
    let run = 3 << 19;
    let mut input = chat(
        "How many legs does a spider have?",
        "A spider has eight legs.",
    );
    input.push('\n');
    input.push_str(&"\r\n".repeat(run));
    input.push_str(&chat(
        "How many legs does an ant have?",
        "An ant has six legs.",
    ));
    input.push_str("\n  \n\t\n");
    input.push_str(&chat(
        "How many legs does a crab have?",
        "A crab has ten legs.",
    ));
    input.push_str("\n\n\n\n");
    let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
    let blank: Vec<(u64, &str)> = diagnostics
        .iter()
        .filter(|d| d.code == Code::J003)
        .map(|d| (d.location.line, d.message.as_str()))
        .collect();
    let last = 1 + run as u64;
    assert_eq!(
        blank,
        [
            (
                2,
                format!(
                    "{} blank lines (lines 2–{last}); JSONL loaders treat each as an empty \
                     record or an error",
                    thousands(run as u64)
                )
                .as_str()
            ),
            (
                last + 2,
                "2 blank lines (lines 1572867–1572868); JSONL loaders treat each as an empty \
                 record or an error"
            ),
        ]
    );
}

#[test]
fn the_reader_waits_for_a_slow_report() {
    // 64 MiB of invalid lines, a finding each, and a report that stalls on the first: the
    // reader may run ahead of the report by a few chunks (1 MiB each), not by the file, or
    // memory grows with the findings waiting to be written (the `--format json` of millions
    // of findings, a slow pipe).
    let line = format!("{{{}\n", "x".repeat(1023));
    let input = line.repeat(64 << 10);
    let mut settings = Settings::default();
    for code in Code::ALL {
        if !code.as_str().starts_with('J') {
            settings.levels[code.index()] = tunelint::rule::Level::Off;
        }
    }
    let job = tunelint::engine::Job::new(
        "bad.jsonl",
        tunelint::engine::InputSource::Memory(input.into_bytes().into()),
        settings,
    );
    let progress = std::sync::atomic::AtomicU64::new(0);
    let options = tunelint::engine::RunOptions {
        threads: 2,
        progress: Some(&progress),
        ..Default::default()
    };
    let (mut findings, mut read_when_stalled) = (0, None);
    tunelint::engine::run(&[job], &options, &mut |_| {
        findings += 1;
        if read_when_stalled.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(500));
            read_when_stalled = Some(progress.load(std::sync::atomic::Ordering::Relaxed));
        }
    })
    .expect("a run in memory");
    assert_eq!(findings, 64 << 10);
    let read = read_when_stalled.expect("a finding");
    assert!(read <= 16 << 20, "{} MiB read ahead", read >> 20);
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
        diagnostics[0].message.contains("3,145,728 characters"),
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
    // One kind of answer throughout: the composition rules report the file, at its line 1.
    let mut expected = vec![(1, "B002"), (1, "B003"), (1, "B004")];
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

// Hostile lines: one record that would give a finding per element, per key or per tool
// call. Every rule shows at most `MAX_PER_RULE` findings of a record one by one, then one
// finding that counts the rest; and no step is quadratic in the size of one record.

/// `N more NAME findings in this record not shown one by one (...)`: N, or `None` for a
/// finding shown one by one.
fn hidden_count(d: &Diagnostic) -> Option<usize> {
    let (n, rest) = d.message.split_once(" more ")?;
    let name = d.code.meta().name;
    (rest.starts_with(&format!("{name} finding"))
        && rest.contains(" in this record not shown one by one"))
    .then(|| n.replace(',', "").parse().ok())
    .flatten()
}

/// The findings of `code` on `line` as a user reads them: how many are shown one by one,
/// and how many they add up to with the counted ones.
fn shown_and_total(diagnostics: &[Diagnostic], code: Code, line: u64) -> (usize, usize) {
    let of_code = diagnostics
        .iter()
        .filter(|d| d.code == code && d.location.line == line);
    let (mut shown, mut total, mut summaries) = (0, 0, 0);
    for d in of_code {
        match hidden_count(d) {
            Some(n) => {
                summaries += 1;
                total += n;
            }
            None => {
                shown += 1;
                total += 1;
            }
        }
    }
    assert!(
        summaries <= 1,
        "{code:?}: {summaries} summaries on line {line}"
    );
    assert!(
        shown <= MAX_PER_RULE,
        "{code:?}: {shown} shown on line {line}"
    );
    assert_eq!(
        summaries == 1,
        shown == MAX_PER_RULE && total > MAX_PER_RULE,
        "{code:?} on line {line}: a summary exactly when findings were hidden"
    );
    (shown, total)
}

/// Every rule keeps to the limit on every line.
fn assert_bounded(diagnostics: &[Diagnostic]) {
    let mut lines: Vec<u64> = diagnostics.iter().map(|d| d.location.line).collect();
    lines.dedup();
    for line in lines {
        for &code in Code::ALL {
            shown_and_total(diagnostics, code, line);
        }
    }
}

fn repeat_joined(item: &str, n: usize) -> String {
    vec![item; n].join(",")
}

#[test]
fn five_million_messages_that_are_numbers_give_ten_s003_and_one_count() {
    let n = 5_000_000;
    let input = format!("{{\"messages\":[{}]}}\n", repeat_joined("1", n));
    assert!(input.len() > 10_000_000);
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
    assert_bounded(&diagnostics);
    let s003: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::S003)
        .collect();
    assert_eq!(s003.len(), MAX_PER_RULE + 1);
    // The ten shown are the first ten elements (columns 14, 16, ...); the count sits at the
    // eleventh, an error like them.
    for (k, d) in s003.iter().enumerate() {
        assert_eq!(d.location.column as usize, 14 + 2 * k, "{d:?}");
        assert_eq!(d.level, tunelint::rule::Level::Error);
    }
    assert_eq!(
        s003[..MAX_PER_RULE]
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        [r#"message is a number (1); expected an object with "role" and "content""#; 10]
    );
    assert_eq!(
        s003[MAX_PER_RULE].message,
        "4,999,990 more invalid-message findings in this record not shown one by one (at most 10 per rule and record)"
    );
    assert_eq!((summary.examples, summary.valid), (1, 0));
    // Counted by rule as they are shown: eleven S003 errors.
    assert_eq!(summary.count_code(Code::S003), 11);
}

#[test]
fn a_million_empty_message_objects_give_ten_s004_and_one_count() {
    let n = 1_000_000;
    let input = format!("{{\"messages\":[{}]}}\n", repeat_joined("{}", n));
    let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
    assert_bounded(&diagnostics);
    assert_eq!(
        shown_and_total(&diagnostics, Code::S004, 1),
        (MAX_PER_RULE, n)
    );
    // Nothing else is reported per element: every other rule has at most one finding.
    for &code in Code::ALL {
        if code != Code::S004 {
            assert!(
                diagnostics.iter().filter(|d| d.code == code).count() <= 1,
                "{code:?}: {diagnostics:?}"
            );
        }
    }
}

/// S013 on a record of 100,000 distinct keys: each is a new column, spelled and located in
/// one pass over the record (it once took minutes: each column's path and column were
/// searched for from the record's start).
#[test]
fn s013_on_a_hundred_thousand_distinct_keys_then_a_change() {
    let n = 100_000;
    let chat = r#""messages":[{"role":"user","content":"Hello there, friend."},{"role":"assistant","content":"Hello to you too."}]"#;
    let keys: Vec<String> = (0..n).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let input = format!(
        "{{{chat},{}}}\n{{{chat},\"k99999\":\"text\"}}\n",
        keys.join(",")
    );
    let mut settings = Settings {
        target: tunelint::target::lookup("llama-factory"),
        ..Settings::default()
    };
    settings.levels[Code::S013.index()] = tunelint::rule::Level::Error;
    let (diagnostics, _) = lint_checked(input.as_bytes(), &settings);
    let s013: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::S013)
        .collect();
    assert_eq!(s013.len(), 1, "{s013:?}");
    assert_eq!(
        (s013[0].location.line, s013[0].related[0].line),
        (2, 1),
        "{s013:?}"
    );
    assert!(
        s013[0]
            .message
            .starts_with("`k99999` is a string here and a number at line 1"),
        "{s013:?}"
    );
}

/// S013 reads a repeated key's last value, as every loader keeps, in linear time: 100,000
/// repeats of one key, a string then a number in turn, leave a number, which the next
/// record's string then changes.
#[test]
fn s013_takes_the_last_of_a_hundred_thousand_repeated_keys_in_linear_time() {
    let n = 100_000;
    let chat = r#""messages":[{"role":"user","content":"Hello there, friend."},{"role":"assistant","content":"Hello to you too."}]"#;
    let keys: Vec<String> = (0..n)
        .map(|i| {
            if i % 2 == 1 {
                format!(r#""k":{i}"#)
            } else {
                r#""k":"s""#.to_owned()
            }
        })
        .collect();
    let input = format!("{{{chat},{}}}\n{{{chat},\"k\":\"text\"}}\n", keys.join(","));
    let mut settings = Settings {
        target: tunelint::target::lookup("llama-factory"),
        ..Settings::default()
    };
    settings.levels[Code::S013.index()] = tunelint::rule::Level::Error;
    settings.levels[Code::J010.index()] = tunelint::rule::Level::Off;
    let (diagnostics, _) = lint_checked(input.as_bytes(), &settings);
    let s013: Vec<(u64, &str)> = diagnostics
        .iter()
        .filter(|d| d.code == Code::S013)
        .map(|d| (d.location.line, d.message.as_str()))
        .collect();
    assert_eq!(s013.len(), 1, "{s013:?}");
    assert_eq!(s013[0].0, 2);
    assert!(
        s013[0]
            .1
            .starts_with("`k` is a string here and a number at line 1"),
        "{s013:?}"
    );
}

#[test]
fn a_hundred_thousand_repeated_messages_keys_give_ten_j010_and_one_count() {
    let n = 100_000;
    let input = format!("{{{}}}\n", repeat_joined(r#""messages":[]"#, n));
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
    assert_bounded(&diagnostics);
    assert_eq!(
        shown_and_total(&diagnostics, Code::J010, 1),
        (MAX_PER_RULE, n - 1)
    );
    let j010: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::J010)
        .collect();
    assert_eq!(
        j010[0].message,
        r#"duplicate key "messages"; the value the key got at column 2 is silently replaced by this one"#
    );
    // Each `"messages":[],` is 14 characters; the count sits at the 11th repeat (12th key).
    assert_eq!(j010[0].location.column, 2 + 14);
    assert_eq!(j010[MAX_PER_RULE].location.column, 2 + 11 * 14);
    assert_eq!(
        j010[MAX_PER_RULE].message,
        "99,989 more duplicate-key findings in this record not shown one by one (at most 10 per rule and record)"
    );
    // The last value (an empty array) is what a loader keeps: S002 says it is empty.
    assert_eq!(
        codes(&diagnostics)
            .into_iter()
            .filter(|(_, c)| *c != "J010")
            .collect::<Vec<_>>(),
        [(1, "S002")]
    );
    assert_eq!((summary.examples, summary.valid), (1, 0));
}

/// A record in which one assistant turn makes `calls` tool calls (`call_0`, ...) and tool
/// messages answer the ids `answers`, in order, before a final assistant turn.
fn tool_record(calls: usize, answers: impl Iterator<Item = String>) -> String {
    let call = |i: usize| {
        format!(
            r#"{{"id":"call_{i}","type":"function","function":{{"name":"lookup","arguments":"{{}}"}}}}"#
        )
    };
    let calls: Vec<String> = (0..calls).map(call).collect();
    let mut messages = vec![
        r#"{"role":"user","content":"Look these up for me, please."}"#.to_string(),
        format!(
            r#"{{"role":"assistant","content":null,"tool_calls":[{}]}}"#,
            calls.join(",")
        ),
    ];
    messages.extend(
        answers
            .map(|id| format!(r#"{{"role":"tool","tool_call_id":"{id}","content":"found it"}}"#)),
    );
    messages.push(r#"{"role":"assistant","content":"Here is what the lookups found."}"#.into());
    format!("{{\"messages\":[{}]}}\n", messages.join(","))
}

#[test]
fn a_hundred_and_fifty_thousand_answered_tool_calls_are_clean() {
    let n = 150_000;
    let input = tool_record(n, (0..n).map(|i| format!("call_{i}")));
    let mut settings = Settings::default();
    // By length alone the record is far over the token limit; that is not this test.
    settings.set_options(
        Code::T001,
        tunelint::rules::tokens::TooManyTokensOptions {
            max_per_example: u64::MAX,
        },
    );
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
    assert_eq!(codes(&diagnostics), []);
    assert_eq!((summary.examples, summary.valid), (1, 1));

    // Answers in reverse order, one call left unanswered, one answer to no call, and
    // `call_7` renamed `call_3` (used twice, and the answer to `call_7` now answers
    // nothing): exactly those are reported.
    let answers = (1..n)
        .rev()
        .map(|i| format!("call_{i}"))
        .chain(["call_none".to_string()]);
    let input = tool_record(n, answers).replacen(r#""id":"call_7""#, r#""id":"call_3""#, 1);
    let (diagnostics, _) = lint_checked(input.as_bytes(), &settings);
    let messages: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "S011",
                r#"tool call "call_0" is never answered by a tool message"#
            ),
            (
                "S010",
                r#"tool call id "call_3" is used twice in one message"#
            ),
            (
                "S011",
                r#"tool message answers "call_7", which no earlier assistant message calls"#
            ),
            (
                "S011",
                r#"tool message answers "call_none", which no earlier assistant message calls"#
            ),
        ]
    );
}

#[test]
fn a_hundred_and_fifty_thousand_unanswered_tool_calls_give_ten_s011_and_one_count() {
    let n = 150_000;
    // No tool message answers the calls, and a final assistant turn follows them: each
    // call is reported as never answered.
    let input = tool_record(n, std::iter::empty());
    let mut settings = Settings::default();
    settings.set_options(
        Code::T001,
        tunelint::rules::tokens::TooManyTokensOptions {
            max_per_example: u64::MAX,
        },
    );
    let (diagnostics, _) = lint_checked(input.as_bytes(), &settings);
    assert_bounded(&diagnostics);
    assert_eq!(
        shown_and_total(&diagnostics, Code::S011, 1),
        (MAX_PER_RULE, n)
    );
    let s011: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::S011)
        .collect();
    assert_eq!(
        s011[MAX_PER_RULE].message,
        "149,990 more orphan-tool-message findings in this record not shown one by one (at most 10 per rule and record)"
    );
}

/// One element of a large messages array, and the rule it fires on every copy but the
/// `skip` first (a repeated user message is a finding from its second copy on).
fn array_element() -> impl Strategy<Value = (&'static str, Code, usize)> {
    proptest::sample::select(vec![
        ("1", Code::S003, 0),
        ("null", Code::S003, 0),
        ("{}", Code::S004, 0),
        (
            r#"{"role":1,"content":"Hello there, friend."}"#,
            Code::S004,
            0,
        ),
        (
            r#"{"role":"bot","content":"Hello there, friend."}"#,
            Code::S005,
            0,
        ),
        (r#"{"role":"user","content":7}"#, Code::S007, 0),
        (
            r#"{"role":"user","content":"Hello there, friend.","x":1}"#,
            Code::S008,
            0,
        ),
        (
            r#"{"role":"user","content":"Hello there, friend.","weight":1}"#,
            Code::S009,
            0,
        ),
        (
            r#"{"role":"tool","tool_call_id":"c","content":"42"}"#,
            Code::S011,
            0,
        ),
        (
            r#"{"role":"user","content":"Hello there, how are you today?"}"#,
            Code::C006,
            1,
        ),
        (
            r#"{"role":"user","content":"Mail me at jane.roe@gmail.com"}"#,
            Code::P001,
            0,
        ),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn large_messages_arrays_give_bounded_exact_counts(n in 1usize..3000, (element, code, skip) in array_element(), tail in any::<bool>()) {
        // An assistant answer at the end, or not: the order rules have their say either way.
        let mut items = vec![element; n];
        if tail {
            items.push(r#"{"role":"assistant","content":"Thanks, that is all I needed."}"#);
        }
        let input = format!("{{\"messages\":[{}]}}\n", items.join(","));
        let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
        assert_bounded(&diagnostics);
        let expected = n - skip;
        prop_assert_eq!(
            shown_and_total(&diagnostics, code, 1),
            (expected.min(MAX_PER_RULE), expected),
            "{} x {}", n, element
        );
    }

    #[test]
    fn many_keys_give_bounded_exact_counts(n in 1usize..3000, distinct in any::<bool>(), in_message in any::<bool>()) {
        // `n` unknown keys (S008 each), all named alike (J010 from the second) or not.
        let keys: Vec<String> = (0..n)
            .map(|i| if distinct { format!(r#""extra_{i}":{i}"#) } else { r#""extra":0"#.to_string() })
            .collect();
        let keys = keys.join(",");
        let input = if in_message {
            format!(r#"{{"messages":[{{"role":"user","content":"Hello there, friend.",{keys}}},{{"role":"assistant","content":"Hello to you too."}}]}}"#)
        } else {
            format!(r#"{{"messages":[{{"role":"user","content":"Hello there, friend."}},{{"role":"assistant","content":"Hello to you too."}}],{keys}}}"#)
        } + "\n";
        let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
        assert_bounded(&diagnostics);
        prop_assert_eq!(shown_and_total(&diagnostics, Code::S008, 1), (n.min(MAX_PER_RULE), n));
        let duplicates = if distinct { 0 } else { n - 1 };
        prop_assert_eq!(
            shown_and_total(&diagnostics, Code::J010, 1),
            (duplicates.min(MAX_PER_RULE), duplicates)
        );
    }
}

#[test]
fn a_hidden_error_still_makes_the_example_invalid() {
    // Ten `developer` roles (S005 as a warning) fill the limit; the unknown role after them
    // (S005 as an error) is only counted, yet the example is invalid and the count an error.
    let developer = r#"{"role":"developer","content":"Answer briefly, please."}"#;
    let mut messages = vec![developer; MAX_PER_RULE];
    messages.extend([
        r#"{"role":"bot","content":"Hello there, friend."}"#,
        r#"{"role":"user","content":"Hello there, friend."}"#,
        r#"{"role":"assistant","content":"Hello to you too."}"#,
    ]);
    let input = format!("{{\"messages\":[{}]}}\n", messages.join(","));
    let (diagnostics, summary) = lint_checked(input.as_bytes(), &Settings::default());
    let s005: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::S005)
        .collect();
    assert_eq!(s005.len(), MAX_PER_RULE + 1);
    assert!(
        s005[..MAX_PER_RULE]
            .iter()
            .all(|d| d.level == tunelint::rule::Level::Warning)
    );
    let count = s005[MAX_PER_RULE];
    assert_eq!(
        count.message,
        "1 more unknown-role finding in this record not shown one by one (at most 10 per rule and record)"
    );
    assert_eq!(count.level, tunelint::rule::Level::Error);
    // At the unknown role itself.
    let bot_at = input.find(r#""bot""#).unwrap();
    assert_eq!(count.location.column as usize, bot_at + 1);
    assert_eq!((summary.examples, summary.valid), (1, 0));
}

#[test]
fn utf16_and_utf32_text_is_named_with_the_command_that_converts_it() {
    // Mostly non-ASCII text: only the JSON punctuation and keys give the NUL-byte pattern.
    let text = format!(
        "{}\n{}\n",
        chat(
            "日本語で答えてください。東京の天気は？",
            "東京は今日晴れです。"
        ),
        chat("¿Qué tiempo hace en Madrid?", "Hace sol en Madrid hoy."),
    );
    let utf16 = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let utf32 = |big: bool| -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let u = c as u32;
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let with_bom =
        |bom: &[u8], body: Vec<u8>| -> Vec<u8> { bom.iter().copied().chain(body).collect() };
    let cases = [
        (utf16(false), "UTF-16 (little-endian)", "UTF-16LE"),
        (utf16(true), "UTF-16 (big-endian)", "UTF-16BE"),
        (utf32(false), "UTF-32 (little-endian)", "UTF-32LE"),
        (utf32(true), "UTF-32 (big-endian)", "UTF-32BE"),
        (
            with_bom(b"\xFF\xFE", utf16(false)),
            "UTF-16 (little-endian, with a byte-order mark)",
            "UTF-16",
        ),
        (
            with_bom(b"\xFE\xFF", utf16(true)),
            "UTF-16 (big-endian, with a byte-order mark)",
            "UTF-16",
        ),
        (
            with_bom(b"\xFF\xFE\0\0", utf32(false)),
            "UTF-32 (little-endian, with a byte-order mark)",
            "UTF-32",
        ),
        (
            with_bom(b"\0\0\xFE\xFF", utf32(true)),
            "UTF-32 (big-endian, with a byte-order mark)",
            "UTF-32",
        ),
    ];
    for (input, what, from) in cases {
        let (diagnostics, summary) = lint_checked(&input, &Settings::default());
        assert_eq!(codes(&diagnostics), [(1, "J007")], "{what}");
        assert_eq!(
            diagnostics[0].message,
            format!("file is {what} text, not UTF-8; convert it with `iconv -f {from} -t UTF-8`")
        );
        assert_eq!(summary.examples, 0);
    }
}

#[test]
fn cr_only_line_endings_are_one_j007_and_crlf_or_a_final_cr_are_fine() {
    let (diagnostics, summary) = lint_checked(
        format!("{VALID}\r{VALID}\r").as_bytes(),
        &Settings::default(),
    );
    assert_eq!(codes(&diagnostics), [(1, "J007")]);
    assert_eq!(
        diagnostics[0].message,
        r"file uses CR-only line endings (\r): Python's text mode and `datasets` split on them, but readers that split on \n (binary-mode reads, `wc -l`, `split -l`) see one line; convert them to \n (e.g. `tr '\r' '\n'`)"
    );
    assert_eq!(summary.examples, 0);
    // One record ending in `\r` has no second line to lose (only its final newline, J009);
    // CRLF is what Windows writes.
    let (diagnostics, _) = lint_checked(format!("{VALID}\r").as_bytes(), &Settings::default());
    assert_eq!(codes(&diagnostics), [(1, "J009")]);
    let input = format!("{VALID}\r\n{VALID}\r\n");
    let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
    assert_eq!(codes(&without_duplicates(&diagnostics)), []);
}

/// The valid records of the provider formats (Bedrock, Vertex AI, OpenAI reinforcement
/// fine-tuning), each with its format.
fn provider_records() -> Vec<(&'static str, tunelint::settings::FormatChoice)> {
    use tunelint::settings::FormatChoice;
    [
        (
            include_str!("fixtures/formats/bedrock-claude/valid.jsonl"),
            FormatChoice::BedrockClaude,
        ),
        (
            include_str!("fixtures/formats/bedrock-nova/valid.jsonl"),
            FormatChoice::BedrockNova,
        ),
        (
            include_str!("fixtures/formats/bedrock-nova/valid-video.jsonl"),
            FormatChoice::BedrockNova,
        ),
        (
            include_str!("fixtures/formats/vertex-gemini/valid.jsonl"),
            FormatChoice::VertexGemini,
        ),
        (
            include_str!("fixtures/formats/openai-rft/valid.jsonl"),
            FormatChoice::OpenAiRft,
        ),
    ]
    .into_iter()
    .flat_map(|(file, format)| file.lines().map(move |line| (line, format)))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    /// A provider record mutated, read as its own format (the shape its reader expects,
    /// broken) or detected: diagnostics at real places, never a panic.
    #[test]
    fn mutated_provider_records_never_panic(pick in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..4), detected in any::<bool>()) {
        let records = provider_records();
        let (line, format) = records[pick % records.len()];
        let mut record = line.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut record, m);
        }
        record.push(b'\n');
        let settings = Settings {
            format: if detected { tunelint::settings::FormatChoice::Auto } else { format },
            ..Settings::default()
        };
        lint_checked(&record, &settings);
    }
}

/// Every provider record read as every format (a file named with the wrong `format`): a
/// finding or none, never a panic.
#[test]
fn provider_records_read_as_every_format_never_panic() {
    use tunelint::settings::FormatChoice;
    for (line, _) in provider_records() {
        let input = format!("{line}\n");
        for name in FormatChoice::NAMES {
            let format = FormatChoice::parse(name).expect("a format name");
            let settings = Settings {
                format,
                ..Settings::default()
            };
            lint_checked(input.as_bytes(), &settings);
        }
    }
}

/// A line that is not JSON and ends inside a string on a backslash: P006 reads the strings
/// of such a line too, and once read past its end (a panic, at 1:19 of this very line).
#[test]
fn a_line_ending_on_a_backslash_in_a_string_is_j001() {
    for input in [
        &b"{\"messages\": \"abc\\"[..],
        b"{\"messages\": \"abc\\\n",
        b"\"\\",
        b"\\\"\\",
    ] {
        let (diagnostics, _) = lint_checked(input, &settings(false));
        assert!(
            diagnostics.iter().any(|d| d.code == Code::J001),
            "{:?}: {diagnostics:?}",
            String::from_utf8_lossy(input)
        );
    }
}

/// A chat record whose `metadata` holds `inner`.
fn with_metadata(inner: &str) -> String {
    format!(
        r#"{{"messages":[{{"role":"user","content":"Which river flows through Paris?"}},{{"role":"assistant","content":"The Seine flows through Paris."}}],"metadata":{inner}}}"#
    )
}

/// `(line, column, code)` of each finding but S008 (the unknown key `metadata`).
fn places(diagnostics: &[Diagnostic]) -> Vec<(u64, u32, &'static str)> {
    diagnostics
        .iter()
        .filter(|d| d.code != Code::S008)
        .map(|d| (d.location.line, d.location.column, d.code.as_str()))
        .collect()
}

/// A number beyond what Arrow's JSON reader takes (`1e309`) is valid JSON that Python reads
/// (as infinity), but `datasets.load_dataset("json")` fails the whole file on it ("Number
/// too big to be stored in double"): J001 at the number, an error, and the record is linted
/// on. What Arrow loads (`1.8e308`, `10e308`, `1e-400`, a 400-digit integer) is not
/// reported, nor is a `.json` array, which `datasets` reads with Python's `json` when Arrow
/// fails.
#[test]
fn a_number_arrow_refuses_is_j001_at_the_number_in_json_lines_only() {
    // Under a trainer that loads with `datasets`: an error (a warning without a target, off
    // for a provider: see `datasets_refusals_follow_the_target`).
    let settings = Settings {
        target: tunelint::target::lookup("trl"),
        ..Settings::default()
    };
    let good = with_metadata(r#"{"score":0.5}"#);
    for (number, refused) in [
        ("1e309", true),
        ("-1e400", true),
        ("0.1e310", true),
        ("1E+0309", true),
        ("1.8e308", false),
        ("10e308", false),
        ("1e-400", false),
        (&"9".repeat(400), false),
        ("0.00000000001e318", false),
    ] {
        let bad = with_metadata(&format!(r#"{{"score":{number}}}"#));
        let input = format!("{good}\n{bad}\n{good}\n");
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
        let column = bad.find(number).unwrap() as u32 + 1;
        let want: &[(u64, u32, &str)] = if refused { &[(2, column, "J001")] } else { &[] };
        assert_eq!(places(&without_duplicates(&diagnostics)), want, "{number}");
        if refused {
            let j001 = diagnostics.iter().find(|d| d.code == Code::J001).unwrap();
            assert!(
                j001.message.contains(
                    "`datasets` fails to load the file (\"Number too big to be stored in double\")"
                ) && j001.message.contains("Python's `json` reads it as "),
                "{}",
                j001.message
            );
            assert_eq!(
                j001.location.end_column - j001.location.column,
                number.chars().count() as u32
            );
            // The record is still linted: its unknown key is reported too.
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.code == Code::S008 && d.location.line == 2)
            );
            assert_eq!((summary.examples, summary.valid), (3, 2), "{number}");
        }
        // A `.json` array of the same records loads: nothing to report.
        let array = format!("[\n{good},\n{bad}\n]\n");
        let (found, _) = tunelint::engine::lint_bytes_as("a.json", array.as_bytes(), &settings);
        assert!(
            found.iter().all(|d| d.code != Code::J001),
            "{number}: {found:?}"
        );
    }
}

/// Only `datasets` refuses a number past Arrow's reader or nesting past 64 levels: an error
/// under a trainer that loads with it, a warning without a target (the example stays
/// valid), nothing under a provider that reads each record with its own parser.
#[test]
fn datasets_refusals_follow_the_target() {
    let record = with_metadata(r#"{"score":1e309}"#);
    let deep = with_metadata(&format!("{}1{}", "[".repeat(70), "]".repeat(70)));
    let input = format!("{record}\n{deep}\n");
    for (target, level) in [
        (Some("trl"), Some(tunelint::rule::Level::Error)),
        (Some("unsloth"), Some(tunelint::rule::Level::Error)),
        (None, Some(tunelint::rule::Level::Warning)),
        (Some("openai"), None),
        (Some("together"), None),
    ] {
        let settings = Settings {
            target: target.map(|t| tunelint::target::lookup(t).expect("a target")),
            ..Settings::default()
        };
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
        let levels: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.code == Code::J001)
            .map(|d| d.level)
            .collect();
        match level {
            Some(level) => assert_eq!(levels, [level, level], "{target:?}"),
            None => assert_eq!(levels, [], "{target:?}"),
        }
        if target.is_none() {
            assert_eq!(summary.valid, summary.examples);
        }
    }
}

/// Python's `json.dumps` writes a float that is not finite as `NaN`, `Infinity` or
/// `-Infinity` (`allow_nan=True` by default), and Python's `json` and `datasets` read them
/// back (checked with `datasets` 4.0: `[nan, inf, -inf]`), so pandas and notebook exports
/// carry them. The record is read, its other defects reported (here an empty answer, C003),
/// and J001 says at the literal which readers fail: a warning under a trainer that loads
/// with `datasets`, an error for a provider or without a target. `nan`, `Inf` and
/// `+Infinity`, which Python refuses, stay plain syntax errors.
#[test]
fn python_s_nan_and_infinity_are_j001_at_the_literal_and_the_record_is_linted() {
    use tunelint::rule::Level;
    let good = with_metadata(r#"{"score":0.5}"#);
    for (target, level) in [
        (Some("trl"), Level::Warning),
        (Some("llama-factory"), Level::Warning),
        (None, Level::Error),
        (Some("openai"), Level::Error),
        (Some("together"), Level::Error),
    ] {
        let settings = Settings {
            target: target.map(|t| tunelint::target::lookup(t).expect("a target")),
            ..Settings::default()
        };
        for literal in ["NaN", "Infinity", "-Infinity"] {
            let bad = format!(
                r#"{{"messages":[{{"role":"user","content":"Rate this."}},{{"role":"assistant","content":" "}}],"metadata":{{"score":{literal}}}}}"#
            );
            let input = format!("{good}\n{bad}\n{good}\n");
            let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
            let j001: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.code == Code::J001)
                .collect();
            assert_eq!(j001.len(), 1, "{target:?} {literal}: {diagnostics:?}");
            let d = j001[0];
            let column = bad.find(literal).unwrap() as u32 + 1;
            assert_eq!(
                (
                    d.location.line,
                    d.location.column,
                    d.location.end_column,
                    d.level
                ),
                (2, column, column + literal.len() as u32, level),
                "{target:?} {literal}"
            );
            assert!(
                d.message
                    .starts_with(&format!("{literal} is not valid JSON: ")),
                "{}",
                d.message
            );
            assert!(d.message.contains("allow_nan=False"), "{}", d.message);
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.code == Code::C003 && d.location.line == 2),
                "{target:?} {literal}: the record is linted: {diagnostics:?}"
            );
            assert_eq!(summary.examples, 3);
        }
    }
    // What Python's `json` refuses is a syntax error, and the record is not read.
    for literal in ["nan", "Inf", "-Inf", "+Infinity", "NAN"] {
        let bad = with_metadata(&format!(r#"{{"score":{literal}}}"#));
        let (diagnostics, summary) =
            lint_checked(format!("{bad}\n").as_bytes(), &Settings::default());
        assert_eq!(
            diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::J001],
            "{literal}"
        );
        assert_eq!(summary.valid, 0, "{literal}");
    }
}

/// A tool call's arguments are JSON in a string, which a provider decodes with a strict
/// parser: a `NaN` in them stays an S010 error, as any other syntax error there.
#[test]
fn nan_in_a_tool_calls_arguments_string_is_s010() {
    let record = r#"{"messages":[{"role":"user","content":"What is the weather in Paris?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\", \"threshold\": NaN}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18 degrees"},{"role":"assistant","content":"It is 18 degrees in Paris."}]}"#;
    for target in [None, Some("openai")] {
        let settings = Settings {
            target: target.map(|t| tunelint::target::lookup(t).expect("a target")),
            ..Settings::default()
        };
        let (diagnostics, _) = lint_checked(format!("{record}\n").as_bytes(), &settings);
        assert!(
            diagnostics.iter().any(|d| d.code == Code::S010
                && d.message
                    .contains("\"arguments\" is not valid JSON (NaN is not valid JSON")),
            "{target:?}: {diagnostics:?}"
        );
        assert!(
            diagnostics.iter().all(|d| d.code != Code::J001),
            "{diagnostics:?}"
        );
    }
}

/// Nesting that Python's `json` reads and `datasets` cannot load: Arrow refuses a schema
/// more than 64 types deep ("Recursion level in ArrowSchema struct exceeded"), counting the
/// record, each object and array, and the value inside (an empty array's `null`; an empty
/// object adds nothing). Checked against `datasets` 5.2.0 with pyarrow 26: a `metadata` of 62
/// nested arrays loads, 63 fails; 63 nested objects around `{}` load, 64 fail. J001 at the
/// deepest value, in JSON Lines and in a `.json` array alike; the record is linted on.
#[test]
fn nesting_past_arrows_64_levels_is_j001_at_the_deepest_value() {
    let settings = Settings {
        target: tunelint::target::lookup("llama-factory"),
        ..Settings::default()
    };
    let arrays = |n: usize, leaf: &str| format!("{}{leaf}{}", "[".repeat(n), "]".repeat(n));
    let objects = |n: usize, leaf: &str| format!("{}{leaf}{}", "{\"k\":".repeat(n), "}".repeat(n));
    for (inner, refused) in [
        (arrays(62, "1"), false),
        (arrays(63, "1"), true),
        (arrays(62, ""), false),
        (arrays(63, ""), true),
        (objects(62, "1"), false),
        (objects(63, "1"), true),
        (objects(62, "{}"), false),
        (objects(63, "{}"), true),
        (arrays(127, "1"), true),
    ] {
        let record = with_metadata(&inner);
        let (diagnostics, summary) = lint_checked(format!("{record}\n").as_bytes(), &settings);
        let found = places(&diagnostics);
        if !refused {
            assert_eq!(found, [], "{inner}");
            continue;
        }
        // The deepest value: the leaf, or the innermost empty container.
        let leaf = record.rfind(['1', '[', '{']).unwrap() as u32 + 1;
        assert_eq!(found, [(1, leaf, "J001")], "{inner}");
        let j001 = &diagnostics
            .iter()
            .find(|d| d.code == Code::J001)
            .unwrap()
            .message;
        assert!(
            j001.contains("levels deep (the record is level 1); Python's `json` reads it, but `datasets` fails to load the file from 64 levels"),
            "{j001}"
        );
        assert!(
            diagnostics.iter().any(|d| d.code == Code::S008),
            "linted on"
        );
        assert_eq!(summary.valid, 0);
        let (found, _) = tunelint::engine::lint_bytes_as(
            "a.json",
            format!("[\n{record}\n]\n").as_bytes(),
            &settings,
        );
        assert_eq!(
            found.iter().filter(|d| d.code == Code::J001).count(),
            1,
            "{inner}: {found:?}"
        );
    }
    // Past the parser's own limit it is the other J001: not read at all.
    let (diagnostics, _) = lint_checked(
        format!("{}\n", with_metadata(&arrays(130, "1"))).as_bytes(),
        &settings,
    );
    assert_eq!(codes(&diagnostics), [(1, "J001")]);
    assert!(
        diagnostics[0]
            .message
            .contains("which tunelint does not read")
    );
}

/// One raw NUL byte typed into a record early in a file is J001 on that line, as it is later
/// in the file; the other records are linted. Binary data is still refused from its head.
#[test]
fn a_stray_nul_byte_early_is_j001_on_its_line_not_a_binary_file() {
    let settings = Settings::default();
    let lines: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"messages":[{{"role":"user","content":"What is the capital of France {i}?"}},{{"role":"assistant","content":"The capital of France is Paris, on the Seine."}}]}}"#))
        .collect();
    for at in [0, 1, 80] {
        let mut lines = lines.clone();
        lines[at] = lines[at].replacen("capital", "capi\0tal", 1);
        let input = lines.join("\n") + "\n";
        let (diagnostics, summary) = lint_checked(input.as_bytes(), &settings);
        let column = lines[at].find('\0').unwrap() as u32 + 1;
        assert_eq!(
            without_duplicates(&diagnostics)
                .iter()
                .map(|d| (d.location.line, d.location.column, d.code.as_str()))
                .collect::<Vec<_>>(),
            [(at as u64 + 1, column, "J001")],
            "NUL in line {}",
            at + 1
        );
        assert_eq!((summary.examples, summary.valid), (100, 99));
    }
    // At the file's first or second byte: not UTF-16 (a NUL in every other byte is).
    for nul_at in [0, 1] {
        let mut input = (lines.join("\n") + "\n").into_bytes();
        input.insert(nul_at, 0);
        let (diagnostics, summary) = lint_checked(&input, &settings);
        let found: Vec<_> = without_duplicates(&diagnostics)
            .iter()
            .map(|d| (d.location.line, d.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [(1, "J001")],
            "NUL at byte {nul_at}: {diagnostics:?}"
        );
        assert_eq!((summary.examples, summary.valid), (100, 99));
    }
    // Binary: many NULs, or bytes that are not UTF-8 around one.
    for binary in [
        vec![0u8; 9000],
        [b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(), &[0xff; 200]].concat(),
        b"{\"a\": 1}\n\0\xff\xfe{\"b\": 2}\n".to_vec(),
    ] {
        let (diagnostics, summary) = lint_checked(&binary, &settings);
        assert_eq!(codes(&diagnostics), [(1, "J007")], "{binary:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("file is binary (NUL byte at offset ")
        );
        assert_eq!(summary.examples, 0);
    }
}

/// One lone CR between two records (LF elsewhere): J001 on the merged line says that a
/// carriage return ended the first record, which Python's text mode and `datasets` split on.
#[test]
fn a_lone_cr_between_records_is_named_in_the_j001_message() {
    let input = format!("{VALID}\r{VALID}\n{VALID}\n");
    let (diagnostics, _) = lint_checked(input.as_bytes(), &Settings::default());
    let j001: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::J001)
        .collect();
    assert_eq!(j001.len(), 1, "{diagnostics:?}");
    assert_eq!(j001[0].location.line, 1);
    assert_eq!(j001[0].location.column as usize, VALID.chars().count() + 2);
    assert!(
        j001[0].message.starts_with("invalid JSON: trailing characters after the JSON value: a lone carriage return (\\r) ends the record before it"),
        "{}",
        j001[0].message
    );
    // Text after a record that no CR ended keeps the plain message.
    let (diagnostics, _) = lint_checked(format!("{VALID} x\n").as_bytes(), &Settings::default());
    assert_eq!(
        diagnostics[0].message,
        "invalid JSON: trailing characters after the JSON value"
    );
}

/// Text made of one character or pair over and over is linted in time linear in its length:
/// P005's IPv6 scan once went back over a run of colons from each of its colons (a
/// megabyte of `:` took about twenty minutes). Each pattern fills an answer of 64 KiB, then
/// one four times as long.
#[test]
fn long_runs_of_one_pattern_are_linted_in_linear_time() {
    let patterns = [
        ":", "::", ":a", "a:", "1:", ".", "1.", "-", "@", "a@", "1", "+1", "/", "\\\\", "[", "{{",
        "(", "<", "&", "#", "*", "!", "?", " ", "a ", "ab", "\\u00e9", "é", "€",
    ];
    // What the rules read beyond ASCII and English: other digits and spaces in numbers,
    // addresses glued to other scripts or after a label, words judged by their language,
    // other spellings of template tokens.
    let beyond_ascii = [
        "１",
        "٥",
        "1\u{a0}",
        "１\u{a0}",
        "1\u{202f}",
        "+１ ",
        "１－",
        "1\u{3000}",
        "@１",
        "a@b.c 我",
        "我a@b.co",
        "mailto:a@b.co",
        ":a@b.co",
        " ur",
        "el TODO ",
        "TODO ",
        "<｜a▁",
        "<|a▁",
    ];
    for pattern in patterns.into_iter().chain(beyond_ascii) {
        // The time of four times the text against the time of the text: about 4 when the
        // work is linear, 16 when it is quadratic. A ratio, not a bound in seconds: a debug
        // build on a busy machine (CI's) takes tens of seconds for a quarter megabyte of
        // `-`, all of it linear, where a release build takes half a second.
        let lint = |bytes: usize| {
            let text = pattern.repeat(bytes / pattern.len());
            let line = format!(
                "{{\"messages\":[{{\"role\":\"user\",\"content\":\"What does this hold?\"}},{{\"role\":\"assistant\",\"content\":\"{text}\"}}]}}\n"
            );
            let started = std::time::Instant::now();
            let (diagnostics, summary) = lint_checked(line.as_bytes(), &Settings::default());
            let took = started.elapsed();
            assert_bounded(&diagnostics);
            assert_eq!(summary.examples, 1, "{pattern}");
            took
        };
        let small = lint(64 * 1024);
        let large = lint(256 * 1024);
        // Slack for timer noise on short runs: a quadratic scan of a quarter megabyte takes
        // minutes, far over it.
        let bound = small * 8 + std::time::Duration::from_secs(3);
        assert!(
            large < bound,
            "{pattern:?}: {large:?} for 256 KiB against {small:?} for 64 KiB"
        );
    }
}
