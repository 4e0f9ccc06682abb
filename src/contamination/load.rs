//! Reads a benchmark file (`[contamination] benchmarks`) into a [`Benchmark`]: each record,
//! in any input format tunelint reads, normalised as a training record would be; its
//! question is its first user turn (the text of a `text` record). A record no format reads
//! but with a string `question` or `problem` (GSM8K's and MATH's own files) gives that. Other
//! records are skipped; a file with no question at all is an error, since checking against
//! nothing would look like a clean bill.
//!
//! Unlike the rest of this module, this reads through the input formats; the configuration
//! calls it once per run, never the engine.

use std::path::Path;

use crate::format;
use crate::json::{Document, Kind, Parser};
use crate::settings::{DedupField, FormatChoice, Settings};

use super::Benchmark;

/// Reads the benchmark file at `path`, named `name` in findings. An error says why, without
/// the path (the caller names it).
pub fn file(path: &Path, name: &str) -> Result<Benchmark, String> {
    let bytes = crate::source::read_capped(path, crate::source::DATA_FILE_LIMIT)
        .map_err(|e| format!("cannot be read: {}", crate::source::io_error_text(&e)))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        format!(
            "is not UTF-8 (at byte {}); expected JSONL or a JSON array",
            e.valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_array = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut bench = Benchmark::new(name, false);
    let settings = Settings::default();
    let mut parser = Parser::new();
    let mut format = FormatChoice::Auto;
    if is_array {
        let doc = parser
            .parse(text)
            .map_err(|e| format!("is not a JSON array: {e}"))?;
        if doc.kind(doc.root()) != Kind::Array {
            return Err("is not a JSON array of records".into());
        }
        let records: Vec<(u64, &str)> = doc
            .elements(doc.root())
            .map(|el| {
                let start = doc.span(el).start as usize;
                let line = 1 + text.as_bytes()[..start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
                (line, doc.raw(el))
            })
            .collect();
        let mut inner = Parser::new();
        for (line, raw) in records {
            add(&mut bench, &mut inner, &settings, &mut format, line, raw);
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            if !line.trim().is_empty() {
                add(
                    &mut bench,
                    &mut parser,
                    &settings,
                    &mut format,
                    i as u64 + 1,
                    line,
                );
            }
        }
    }
    if bench.items.is_empty() {
        return Err("holds no question to check against (no record with a user turn, a `question` or a `problem`)".into());
    }
    Ok(bench)
}

/// Adds the question of the record `raw` at `line`, when it has one.
fn add(
    bench: &mut Benchmark,
    parser: &mut Parser,
    settings: &Settings,
    format: &mut FormatChoice,
    line: u64,
    raw: &str,
) {
    let Ok(doc) = parser.parse(raw) else {
        return;
    };
    if doc.kind(doc.root()) != Kind::Object {
        return;
    }
    if let Some(question) = question(&doc, settings, format, raw) {
        bench.push(line, &question);
    }
}

fn question(
    doc: &Document<'_, '_>,
    settings: &Settings,
    format: &mut FormatChoice,
    raw: &str,
) -> Option<String> {
    // The file's format is its first detected record's, as the engine reads a file.
    let chosen = match *format {
        FormatChoice::Auto => {
            format::detect_for(doc, settings.target).map(|f| format::fit_target(f, settings.target))
        }
        f => Some(f),
    };
    if let Some(chosen) = chosen {
        *format = chosen;
        let mut scratch = Vec::new();
        let mut ctx = crate::context::RecordContext::new(settings, 0, 1, 0, raw, &mut scratch);
        if let Some(conv) = format::normalize(chosen, doc, &mut ctx) {
            let text = crate::dedup::texts::dedup_text(&conv, DedupField::User);
            if !text.trim().is_empty() {
                return Some(text);
            }
        }
    }
    ["question", "problem"].iter().find_map(|key| {
        let v = doc.get(doc.root(), key)?;
        let s = doc.str(v)?;
        (!s.trim().is_empty()).then(|| s.into_owned())
    })
}
