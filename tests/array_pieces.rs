//! A `.json` array whose records start lines at one indent is cut into pieces that the
//! workers split into records (src/engine/pieces.rs), guessing where records start and
//! telling each other where a piece really ended. Whatever the text (pretty-printed or
//! broken, cut in the middle of a record, with objects at the records' indent inside
//! records), the findings and the file's summary are exactly those of the scan that reads
//! the array record by record on one thread, for any size of piece.

use proptest::prelude::*;
use tunelint::diagnostic::Diagnostic;
use tunelint::engine::{FileSummary, InputSource, Job, RunOptions, run};
use tunelint::rule::Level;
use tunelint::rules::Code;
use tunelint::rules::jsonl::line_too_large::LineTooLargeOptions;
use tunelint::settings::Settings;

#[path = "support/json_array.rs"]
mod json_array;

/// The findings and summary of `text` read as `data.json`: record by record on the reader
/// thread (`piece` 0), or in pieces of at least `piece` bytes.
fn lint(
    text: &[u8],
    piece: usize,
    threads: usize,
    settings: &Settings,
) -> (Vec<Diagnostic>, FileSummary) {
    let job = Job::new(
        "data.json",
        InputSource::Memory(text.into()),
        settings.clone(),
    );
    let options = RunOptions {
        threads,
        array_piece_bytes: piece,
        ..RunOptions::default()
    };
    let mut found = Vec::new();
    let summaries = run(std::slice::from_ref(&job), &options, &mut |d| {
        found.push(d.clone())
    })
    .expect("linted in memory");
    (found, summaries.into_iter().next().expect("one summary"))
}

/// Every rule on, the dataset rules (which read records again by offset) among them.
fn every_rule() -> Settings {
    let mut settings = Settings::default();
    for level in &mut settings.levels {
        if *level == Level::Off {
            *level = Level::Warning;
        }
    }
    settings
}

fn assert_same_reading(text: &[u8], settings: &Settings) {
    let whole = lint(text, 0, 2, settings);
    for piece in [1, 40, 300, 4096] {
        for threads in [1, 2, 3] {
            let cut = lint(text, piece, threads, settings);
            assert_eq!(
                cut.0,
                whole.0,
                "findings differ with pieces of {piece} bytes and {threads} threads on:\n{}",
                String::from_utf8_lossy(text)
            );
            assert_eq!(
                cut.1, whole.1,
                "summary differs with pieces of {piece} bytes"
            );
        }
    }
}

const RECORDS: &str = r#"{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi, {\"a\": [1, 2]} ok?"},{"role":"assistant","content":"Yes.\nLine two, with a comma, and a brace {."}]}
{"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"It ships today."}]}
{"messages":[{"role":"bot","content":"Which cards do you take online?"},{"role":"assistant","content":"Visa."}]}
{"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"It ships today."}]}
{"messages":[{"role":"user","content":"Café ☕ and naïve text 😀"},{"role":"assistant","content":""}],"meta":{"tags":["a","b"],"nested":{"deep":[{"x":1},{"y":null}]}}}
{"messages":[{"role":"user","content":"Last one"},{"role":"assistant","content":"Done, truly done."}]}"#;

#[test]
fn pretty_printed_arrays_read_in_pieces_as_record_by_record() {
    for indent in [0, 1, 2, 4] {
        for eol in ["\n", "\r\n"] {
            let (text, _) = json_array::pretty_array(RECORDS, indent, eol);
            assert_same_reading(text.as_bytes(), &Settings::default());
            assert_same_reading(text.as_bytes(), &every_rule());
        }
    }
}

#[test]
fn one_record_per_line_arrays_read_in_pieces_as_record_by_record() {
    let lines: Vec<&str> = RECORDS.lines().collect();
    for sep in [",\n", ",\n  ", " ,\r\n\t"] {
        let text = format!("[{}]\n", lines.join(sep));
        assert_same_reading(text.as_bytes(), &every_rule());
        let text = format!("\u{feff}[\n{}\n]", lines.join(sep));
        assert_same_reading(text.as_bytes(), &every_rule());
    }
}

#[test]
fn broken_arrays_read_in_pieces_as_record_by_record() {
    let (text, _) = json_array::pretty_array(RECORDS, 2, "\n");
    let cases = [
        // A record left open swallows the next ones, as the scan reads it.
        text.replacen("}\n  },\n  {", "}\n  ,\n  {", 1),
        // Objects at the records' indent inside a record.
        text.replacen("\"meta\": {", "\"meta\":\n  {", 1),
        // A raw newline in a string, a missing comma, a trailing comma, no `]`.
        text.replacen("Where is", "Where\nis", 1),
        text.replacen("},\n  {", "}\n  {", 1),
        text.replacen("}\n]", "},\n]", 1),
        text.trim_end().trim_end_matches(']').to_string(),
        text[..text.len() / 2].to_string(),
        // Text after the array, an empty element, a stray closer.
        format!("{text}[]"),
        text.replacen("},\n  {", "},\n  ,\n  {", 1),
        text.replacen("},\n  {", "},\n  }\n  {", 1),
    ];
    for case in &cases {
        assert_same_reading(case.as_bytes(), &every_rule());
    }
    // Bytes that are not UTF-8 inside a record.
    let mut bytes = text.clone().into_bytes();
    let at = text.find("Visa").expect("in the records");
    bytes[at] = 0xFF;
    assert_same_reading(&bytes, &every_rule());
}

#[test]
fn records_too_long_to_read_are_skipped_in_pieces_as_record_by_record() {
    let (text, _) = json_array::pretty_array(RECORDS, 2, "\n");
    let mut settings = every_rule();
    settings.set_options(
        Code::J008,
        LineTooLargeOptions {
            max_line_bytes: 200,
        },
    );
    assert_same_reading(text.as_bytes(), &settings);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any edit of a pretty-printed array (bytes removed, inserted or replaced by the
    /// array's punctuation) reads the same in pieces.
    #[test]
    fn any_edit_reads_the_same_in_pieces(
        indent in 0usize..4,
        edits in proptest::collection::vec((0.0f64..1.0, 0usize..12, 0usize..3), 1..4),
    ) {
        let (text, _) = json_array::pretty_array(RECORDS, indent, "\n");
        let mut bytes = text.into_bytes();
        const PUNCT: &[&[u8]] = &[b"{", b"}", b"[", b"]", b",", b"\"", b"\\", b"\n", b"\n  {", b",\n{", b" ", b"\xC3"];
        for (at, what, how) in edits {
            let at = ((bytes.len() as f64) * at) as usize;
            match how {
                0 => { bytes.remove(at.min(bytes.len() - 1)); }
                1 => { bytes.splice(at..at, PUNCT[what].iter().copied()); }
                _ => { bytes.truncate(at.max(1)); }
            }
        }
        let whole = lint(&bytes, 0, 2, &Settings::default());
        for piece in [1, 64, 512] {
            let cut = lint(&bytes, piece, 2, &Settings::default());
            prop_assert_eq!(&cut.0, &whole.0, "pieces of {}", piece);
            prop_assert_eq!(&cut.1, &whole.1, "pieces of {}", piece);
        }
    }
}
